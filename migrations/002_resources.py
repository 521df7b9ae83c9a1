"""Bookable resources (rooms, halls, executives), their hours, and bookings."""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Resource(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name='agency_id', field='id', model=migrator.orm['agency'], on_delete='CASCADE')
        kind = pw.CharField(max_length=40)
        name = pw.CharField(max_length=255)
        capacity = pw.IntegerField(null=True)
        details = pw.TextField(default='')
        active = pw.BooleanField(default=True)

        class Meta:
            table_name = "resource"
            indexes = [(('agency', 'kind', 'active'), False)]

    @migrator.create_model
    class Booking(pw.Model):
        id = pw.AutoField()
        resource = pw.ForeignKeyField(column_name='resource_id', field='id', model=migrator.orm['resource'], on_delete='RESTRICT')
        request = pw.ForeignKeyField(column_name='request_id', field='id', model=migrator.orm['request'], on_delete='CASCADE', unique=True)
        start_date = pw.DateField()
        end_date = pw.DateField()
        start_time = pw.TimeField()
        end_time = pw.TimeField()

        class Meta:
            table_name = "booking"
            indexes = [(('resource', 'start_date', 'end_date'), False)]

    @migrator.create_model
    class ResourceHours(pw.Model):
        id = pw.AutoField()
        resource = pw.ForeignKeyField(column_name='resource_id', field='id', model=migrator.orm['resource'], on_delete='CASCADE')
        weekday = pw.IntegerField()
        start_time = pw.TimeField()
        end_time = pw.TimeField()
        slot_minutes = pw.IntegerField(default=30)

        class Meta:
            table_name = "resource_hours"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('resource_hours')

    migrator.remove_model('booking')

    migrator.remove_model('resource')

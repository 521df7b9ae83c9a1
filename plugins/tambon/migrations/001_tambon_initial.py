"""Sub-district services: incident columns and elderly registrations."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

RequestRef = core_table("request")
AgencyRef = core_table("agency")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class IncidentReport(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE", unique=True)
        kind = pw.CharField(index=True, max_length=20)
        village = pw.CharField(default="", max_length=10)
        place = pw.CharField(default="", max_length=500)
        latitude = pw.DecimalField(decimal_places=6, max_digits=9, null=True)
        longitude = pw.DecimalField(decimal_places=6, max_digits=9, null=True)

        class Meta:
            table_name = "tambon_incident"

    @migrator.create_model
    class ElderlyRegistration(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="CASCADE")
        national_id = pw.CharField(max_length=13)
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE", unique=True)
        fiscal_year = pw.IntegerField()

        class Meta:
            table_name = "tambon_elderly"
            indexes = [(("agency", "national_id"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("tambon_elderly")
    migrator.remove_model("tambon_incident")

"""Certificate requests: the columns clerks filter by."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

RequestRef = core_table("request")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class CertificateRequest(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE", unique=True)
        official_type = pw.CharField(index=True, max_length=40)
        work_unit = pw.CharField(max_length=255)
        position = pw.CharField(max_length=255)
        salary = pw.DecimalField(decimal_places=2, max_digits=12)
        purpose = pw.CharField(max_length=255)
        intended_use = pw.CharField(max_length=255)

        class Meta:
            table_name = "certificate_request"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("certificate_request")

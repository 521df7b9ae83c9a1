"""The manual (คู่มือสำหรับประชาชน) and the blank paper form an agency
publishes with each service it offers (seed 000; Licensing Facilitation Act
B.E. 2558 §7)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ServiceDocument(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id",
                                    model=migrator.orm["agency"], on_delete="CASCADE")
        service_code = pw.CharField(max_length=40)
        kind = pw.CharField(max_length=10)
        original_name = pw.CharField(max_length=255)
        stored_name = pw.CharField(max_length=80, unique=True)
        content_type = pw.CharField(max_length=60)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        uploaded_by = pw.ForeignKeyField(column_name="uploaded_by_id", field="id",
                                         model=migrator.orm["users"], null=True,
                                         on_delete="SET NULL")
        uploaded_at = pw.DateTimeField()

        class Meta:
            table_name = "service_document"
            indexes = [(("agency", "service_code", "kind"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("service_document")

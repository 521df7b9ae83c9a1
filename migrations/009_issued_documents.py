"""Verification codes and fingerprints of the documents the portal issues."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class IssuedDocument(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=16, unique=True)
        request = pw.ForeignKeyField(column_name="request_id", field="id",
                                     model=migrator.orm["request"], null=True,
                                     on_delete="CASCADE")
        title = pw.CharField(max_length=255)
        sha256 = pw.CharField(default="", max_length=64)
        issued_at = pw.DateTimeField()

        class Meta:
            table_name = "issued_document"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("issued_document")

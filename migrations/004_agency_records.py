"""Agency records of seed 003: level in the tree, full name, English
address, the e-mails registered with DGA and for complaints, suspension."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "agency",
        full_name=pw.CharField(max_length=500, default=""),
        level=pw.CharField(max_length=20, default="agency"),
        address_en=pw.TextField(default=""),
        email_dga=pw.CharField(max_length=255, default=""),
        email_complaint=pw.CharField(max_length=255, default=""),
        suspended=pw.BooleanField(default=False),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("agency", "full_name", "level", "address_en", "email_dga",
                           "email_complaint", "suspended")

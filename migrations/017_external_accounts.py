"""Accounts at outside identity providers (ThaID, Digital ID, LINE) linked to
portal users."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ExternalAccount(pw.Model):
        id = pw.AutoField()
        provider = pw.CharField(max_length=40)
        subject = pw.CharField(max_length=255)
        user = pw.ForeignKeyField(column_name="user_id", field="id",
                                  model=migrator.orm["users"], on_delete="CASCADE")
        display_name = pw.CharField(max_length=200, default="")
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "external_account"
            indexes = ((("provider", "subject"), True), (("user", "provider"), True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("external_account")

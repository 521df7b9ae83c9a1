"""Forgot password: reset links and counter codes, kept as keyed hashes and
spent by their first use."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class PasswordReset(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name="user_id", field="id",
                                  model=migrator.orm["users"], on_delete="CASCADE")
        token_hash = pw.CharField(max_length=64, unique=True)
        purpose = pw.CharField(max_length=20)
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)
        issued_by = pw.ForeignKeyField(column_name="issued_by_id", field="id",
                                       model=migrator.orm["users"], null=True,
                                       on_delete="SET NULL", backref="+")

        class Meta:
            table_name = "password_reset"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("password_reset")

"""One row per sign-in (logout ends it) instead of one token per user."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

OLD_TOKEN = (("users", "session_token", "VARCHAR(40) NOT NULL DEFAULT ''"),)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class LoginSession(pw.Model):
        id = pw.AutoField()
        key_hash = pw.CharField(max_length=64, unique=True)
        user = pw.ForeignKeyField(column_name="user_id", field="id",
                                  model=migrator.orm["users"], on_delete="CASCADE")
        created_at = pw.DateTimeField()
        ip = pw.CharField(max_length=64, default="")
        user_agent = pw.CharField(max_length=200, default="")
        ended_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "login_session"

    # Everyone signs in again once: the old cookies named the dropped token.
    drop_columns(migrator, OLD_TOKEN)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, OLD_TOKEN)
    migrator.remove_model("login_session")

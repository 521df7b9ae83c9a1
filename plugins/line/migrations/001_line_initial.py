"""LINE Official Accounts and opt-outs from LINE messages."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

AgencyRef = core_table("agency")
UserRef = core_table("users")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class LineChannel(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=40, unique=True)
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", null=True, unique=True,
                                    model=AgencyRef, on_delete="CASCADE")
        channel_secret = pw.CharField(max_length=255, default="")
        access_token = pw.TextField(default="")
        api_base = pw.CharField(max_length=255, default="https://api.line.me")
        enabled = pw.BooleanField(default=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "line_channel"

    @migrator.create_model
    class LineOptOut(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name="user_id", field="id", unique=True,
                                  model=UserRef, on_delete="CASCADE")
        at = pw.DateTimeField()

        class Meta:
            table_name = "line_opt_out"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("line_opt_out")
    migrator.remove_model("line_channel")

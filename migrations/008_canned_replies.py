"""Ready-made replies for staff, per service and status."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class CannedReply(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id",
                                    model=migrator.orm["agency"], on_delete="CASCADE")
        service_code = pw.CharField(default="", max_length=40)
        status = pw.CharField(default="", max_length=20)
        title = pw.CharField(max_length=255)
        body = pw.TextField()

        class Meta:
            table_name = "canned_reply"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("canned_reply")

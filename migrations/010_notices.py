"""In-portal notifications (the bell)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Notice(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name="user_id", field="id",
                                  model=migrator.orm["users"], on_delete="CASCADE")
        request = pw.ForeignKeyField(column_name="request_id", field="id",
                                     model=migrator.orm["request"], null=True,
                                     on_delete="CASCADE")
        text = pw.CharField(max_length=500)
        created_at = pw.DateTimeField()
        read_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "notice"
            indexes = [(("user", "read_at"), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("notice")

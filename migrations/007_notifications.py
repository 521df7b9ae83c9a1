"""Outbox of e-mail notifications."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Notification(pw.Model):
        id = pw.AutoField()
        recipient = pw.CharField(max_length=255)
        subject = pw.CharField(max_length=500)
        body_text = pw.TextField()
        body_html = pw.TextField(default="")
        request = pw.ForeignKeyField(column_name="request_id", field="id",
                                     model=migrator.orm["request"], null=True,
                                     on_delete="CASCADE")
        created_at = pw.DateTimeField()
        sent_at = pw.DateTimeField(null=True)
        attempts = pw.IntegerField(default=0)
        next_attempt_at = pw.DateTimeField()
        last_error = pw.TextField(default="")

        class Meta:
            table_name = "notification"
            indexes = [(("sent_at", "next_attempt_at"), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("notification")

"""Satisfaction survey answers."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SurveyResponse(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id",
                                     model=migrator.orm["request"], on_delete="CASCADE",
                                     unique=True)
        speed = pw.IntegerField()
        courtesy = pw.IntegerField()
        clarity = pw.IntegerField()
        overall = pw.IntegerField()
        comment = pw.TextField(default="")
        reopen_requested = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "survey_response"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("survey_response")

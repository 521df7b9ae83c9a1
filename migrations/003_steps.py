"""Work steps ticked on a request (checklists of the services' procedures)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class StepEvent(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id",
                                     model=migrator.orm["request"], on_delete="CASCADE")
        step = pw.CharField(max_length=40)
        outcome = pw.CharField(default="", max_length=40)
        note = pw.TextField(default="")
        value = pw.CharField(default="", max_length=500)
        actor = pw.ForeignKeyField(column_name="actor_id", field="id",
                                   model=migrator.orm["users"], null=True,
                                   on_delete="SET NULL")
        at = pw.DateTimeField()

        class Meta:
            table_name = "step_event"
            indexes = [(("request", "at"), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("step_event")

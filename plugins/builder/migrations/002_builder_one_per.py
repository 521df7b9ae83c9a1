"""One request per national ID answered in a question: the taken IDs of
each built service, unique, so two requests sent at once cannot both take
an elder's place."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

RequestRef = core_table("request")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class BuiltOnePer(pw.Model):
        id = pw.AutoField()
        service_code = pw.CharField(max_length=40)
        value = pw.CharField(max_length=13)
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE", unique=True)

        class Meta:
            table_name = "builder_one_per"
            indexes = [(("service_code", "value"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("builder_one_per")

"""Services made from data (the service builder): one counter row that every
process compares with the one it loaded (portal.plugins.registry)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ServiceGeneration(pw.Model):
        name = pw.CharField(max_length=20, primary_key=True)
        generation = pw.BigIntegerField()

        class Meta:
            table_name = "service_generation"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("service_generation")

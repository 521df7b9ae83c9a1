"""Keys for programs that post requests (Open311 clients)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ApiKey(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id",
                                    model=migrator.orm["agency"], on_delete="CASCADE")
        name = pw.CharField(max_length=255)
        key_hash = pw.CharField(max_length=64, unique=True)
        hint = pw.CharField(max_length=4)
        created_by = pw.ForeignKeyField(column_name="created_by_id", field="id",
                                        model=migrator.orm["users"], null=True,
                                        on_delete="SET NULL")
        created_at = pw.DateTimeField()
        revoked = pw.BooleanField(default=False)

        class Meta:
            table_name = "api_key"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("api_key")

"""Check answers before sending: the form as last sent (a draft) and the
files that passed the checks, held for it until the request is sent."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Draft(pw.Model):
        id = pw.AutoField()
        token = pw.CharField(max_length=64, unique=True)
        holder = pw.CharField(max_length=64, index=True)
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["users"],
                                  null=True, on_delete="CASCADE", backref="+")
        agency = pw.ForeignKeyField(column_name="agency_id", field="id",
                                    model=migrator.orm["agency"], on_delete="CASCADE",
                                    backref="+")
        service_code = pw.CharField(max_length=40)
        request = pw.ForeignKeyField(column_name="request_id", field="id",
                                     model=migrator.orm["request"], null=True,
                                     on_delete="CASCADE", backref="+")
        formdata = pw.TextField()
        updated_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "draft"

    @migrator.create_model
    class HeldFile(pw.Model):
        id = pw.AutoField()
        draft = pw.ForeignKeyField(column_name="draft_id", field="id", model=Draft,
                                   on_delete="CASCADE", backref="+")
        slot = pw.CharField(max_length=40)
        original_name = pw.CharField(max_length=255)
        stored_name = pw.CharField(max_length=80, unique=True)
        content_type = pw.CharField(max_length=60)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "held_file"
            indexes = ((("draft", "slot"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("held_file")
    migrator.remove_model("draft")

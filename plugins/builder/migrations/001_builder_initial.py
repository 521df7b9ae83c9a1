"""The service builder: built services, their published versions, and the
system admin's templates."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

AgencyRef = core_table("agency")
RequestRef = core_table("request")
UserRef = core_table("users")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class BuiltService(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="RESTRICT")
        slug = pw.CharField(max_length=24)
        code = pw.CharField(max_length=40, unique=True)
        draft = pw.TextField()
        revision = pw.IntegerField(default=0)
        created_by = pw.ForeignKeyField(column_name="created_by_id", field="id", model=UserRef,
                                        null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "builder_service"
            indexes = [(("agency", "slug"), True)]

    @migrator.create_model
    class BuiltVersion(pw.Model):
        id = pw.AutoField()
        service = pw.ForeignKeyField(column_name="service_id", field="id", model=BuiltService,
                                     on_delete="CASCADE")
        number = pw.IntegerField()
        definition = pw.TextField()
        published_by = pw.ForeignKeyField(column_name="published_by_id", field="id",
                                          model=UserRef, null=True, on_delete="SET NULL")
        published_at = pw.DateTimeField()

        class Meta:
            table_name = "builder_version"
            indexes = [(("service", "number"), True)]

    @migrator.create_model
    class LibraryTemplate(pw.Model):
        id = pw.AutoField()
        slug = pw.CharField(max_length=24, unique=True)
        definition = pw.TextField()
        created_by = pw.ForeignKeyField(column_name="created_by_id", field="id", model=UserRef,
                                        null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "builder_template"


    @migrator.create_model
    class BuiltAnswer(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE")
        service_code = pw.CharField(max_length=40)
        key = pw.CharField(max_length=40)
        value = pw.CharField(max_length=60)

        class Meta:
            table_name = "builder_answer"
            indexes = [(("service_code", "key", "value", "request"), False),
                       (("request",), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("builder_answer")
    migrator.remove_model("builder_template")
    migrator.remove_model("builder_version")
    migrator.remove_model("builder_service")

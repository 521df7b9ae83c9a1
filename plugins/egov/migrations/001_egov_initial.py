"""Electronic Government Act report: report, files, links, obstacles, tokens."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

AgencyRef = core_table("agency")
UserRef = core_table("users")

DEFAULT_KINDS = ("โครงสร้างพื้นฐานด้านเทคโนโลยี", "ข้อมูลและการเชื่อมโยงข้อมูล",
                 "ความตระหนักและการยอมรับของประชาชน", "งบประมาณ", "บุคลากร",
                 "กฎหมายและระเบียบ", "อื่นๆ")


def _user(column: str, backref: str = "+") -> pw.ForeignKeyField:
    return pw.ForeignKeyField(column_name=column, field="id", model=UserRef, null=True,
                              on_delete="SET NULL", backref=backref)


def _agency() -> pw.ForeignKeyField:
    return pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                              on_delete="CASCADE", backref="+")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class EgovReport(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="CASCADE", unique=True, backref="+")
        has_licences = pw.BooleanField(null=True)
        gazette_state = pw.CharField(default="", max_length=10)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        updated_by = _user("updated_by_id")

        class Meta:
            table_name = "egov_report"

    @migrator.create_model
    class EgovFile(pw.Model):
        id = pw.AutoField()
        agency = _agency()
        section = pw.CharField(max_length=10)
        original_name = pw.CharField(max_length=255)
        stored_name = pw.CharField(max_length=80, unique=True)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        dated = pw.DateField()
        scope = pw.CharField(default="own", max_length=15)
        published = pw.BooleanField(default=True)
        uploaded_at = pw.DateTimeField()
        uploaded_by = _user("uploaded_by_id")

        class Meta:
            table_name = "egov_file"
            indexes = [(("agency", "section", "uploaded_at"), False)]

    @migrator.create_model
    class EgovLink(pw.Model):
        id = pw.AutoField()
        agency = _agency()
        kind = pw.CharField(max_length=10)
        name = pw.CharField(default="", max_length=500)
        url = pw.CharField(max_length=1000)
        published = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()
        created_by = _user("created_by_id")

        class Meta:
            table_name = "egov_link"
            indexes = [(("agency", "kind"), False)]

    @migrator.create_model
    class ObstacleKind(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=255, unique=True)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "egov_obstacle_kind"

    @migrator.create_model
    class Obstacle(pw.Model):
        id = pw.AutoField()
        agency = _agency()
        rank = pw.IntegerField()
        kind = pw.ForeignKeyField(column_name="kind_id", field="id", model=ObstacleKind,
                                  on_delete="RESTRICT")
        description = pw.TextField(default="")

        class Meta:
            table_name = "egov_obstacle"
            indexes = [(("agency", "rank"), True)]

    @migrator.create_model
    class OnboardingToken(pw.Model):
        id = pw.AutoField()
        agency = _agency()
        token_hash = pw.CharField(max_length=64, unique=True)
        hint = pw.CharField(max_length=4)
        created_by = _user("created_by_id")
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)
        used_by = _user("used_by_id")

        class Meta:
            table_name = "egov_onboarding_token"

    def seed_kinds():
        for i, name in enumerate(DEFAULT_KINDS):
            ObstacleKind.insert(name=name, position=i).on_conflict_ignore().execute()

    migrator.run(seed_kinds)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("egov_onboarding_token", "egov_obstacle", "egov_obstacle_kind", "egov_link",
                  "egov_file", "egov_report"):
        migrator.remove_model(table)

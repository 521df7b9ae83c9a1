"""KPI years, rounds, categories, reporter roles, KPIs, officers, documents."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

AgencyRef = core_table("agency")
UserRef = core_table("users")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class KpiYear(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="CASCADE")
        year = pw.IntegerField()

        class Meta:
            table_name = "kpi_year"
            indexes = [(("agency", "year"), True)]

    @migrator.create_model
    class KpiRound(pw.Model):
        id = pw.AutoField()
        year = pw.ForeignKeyField(column_name="year_id", field="id", model=KpiYear,
                                  on_delete="CASCADE")
        months = pw.IntegerField()
        due_date = pw.DateField(null=True)

        class Meta:
            table_name = "kpi_round"
            indexes = [(("year", "months"), True)]

    @migrator.create_model
    class KpiCategory(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="CASCADE")
        name = pw.CharField(max_length=255)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "kpi_category"
            indexes = [(("agency", "name"), True)]

    @migrator.create_model
    class KpiReporterRole(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="CASCADE")
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=UserRef,
                                  on_delete="CASCADE")

        class Meta:
            table_name = "kpi_reporter_role"
            indexes = [(("agency", "user"), True)]

    @migrator.create_model
    class Kpi(pw.Model):
        id = pw.AutoField()
        year = pw.ForeignKeyField(column_name="year_id", field="id", model=KpiYear,
                                  on_delete="CASCADE")
        code = pw.CharField(max_length=40)
        name = pw.TextField()
        category = pw.ForeignKeyField(column_name="category_id", field="id", model=KpiCategory,
                                      null=True, on_delete="SET NULL")

        class Meta:
            table_name = "kpi"
            indexes = [(("year", "code"), True)]

    @migrator.create_model
    class KpiOfficer(pw.Model):
        id = pw.AutoField()
        kpi = pw.ForeignKeyField(column_name="kpi_id", field="id", model=Kpi,
                                 on_delete="CASCADE")
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=UserRef,
                                  on_delete="CASCADE")
        role = pw.CharField(max_length=10)

        class Meta:
            table_name = "kpi_officer"
            indexes = [(("kpi", "user", "role"), True)]

    @migrator.create_model
    class KpiDocument(pw.Model):
        id = pw.AutoField()
        kpi = pw.ForeignKeyField(column_name="kpi_id", field="id", model=Kpi,
                                 on_delete="CASCADE")
        round = pw.ForeignKeyField(column_name="round_id", field="id", model=KpiRound,
                                   on_delete="CASCADE")
        title = pw.CharField(max_length=500)
        original_name = pw.CharField(max_length=255)
        stored_name = pw.CharField(max_length=80, unique=True)
        content_type = pw.CharField(max_length=60)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        sent_by = pw.ForeignKeyField(column_name="sent_by_id", field="id", model=UserRef,
                                     null=True, on_delete="SET NULL")
        sent_at = pw.DateTimeField()
        late = pw.BooleanField(default=False)
        received_at = pw.DateTimeField(null=True)
        received_by = pw.ForeignKeyField(column_name="received_by_id", field="id",
                                         model=UserRef, null=True, on_delete="SET NULL")

        class Meta:
            table_name = "kpi_document"
            indexes = [(("kpi", "round"), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("kpi_document", "kpi_officer", "kpi", "kpi_reporter_role", "kpi_category",
                  "kpi_round", "kpi_year"):
        migrator.remove_model(table)

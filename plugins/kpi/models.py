"""KPI evidence of the performance agreement (seed 002): fiscal years with
rounds of 6, 9 and 12 months, KPIs with their reporters and receivers, and
the documents reporters send per KPI and round."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, User
from portal.thai import utcnow

ROUND_MONTHS = (6, 9, 12)


class KpiYear(BaseModel):
    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    year = pw.IntegerField()  # Buddhist era, fiscal year October–September

    class Meta:
        table_name = "kpi_year"
        indexes = ((("agency", "year"), True),)

    def __str__(self) -> str:
        return str(self.year)


class KpiRound(BaseModel):
    year = pw.ForeignKeyField(KpiYear, backref="rounds", on_delete="CASCADE")
    months = pw.IntegerField()
    due_date = pw.DateField(null=True)

    class Meta:
        table_name = "kpi_round"
        indexes = ((("year", "months"), True),)


class KpiCategory(BaseModel):
    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    name = pw.CharField(max_length=255)
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "kpi_category"
        indexes = ((("agency", "name"), True),)

    def __str__(self) -> str:
        return self.name


class KpiReporterRole(BaseModel):
    """Who the KPI administrator marked as a KPI reporter (ผู้รายงานตัวชี้วัด)."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    user = pw.ForeignKeyField(User, on_delete="CASCADE")

    class Meta:
        table_name = "kpi_reporter_role"
        indexes = ((("agency", "user"), True),)


class Kpi(BaseModel):
    year = pw.ForeignKeyField(KpiYear, backref="kpis", on_delete="CASCADE")
    code = pw.CharField(max_length=40)
    name = pw.TextField()
    category = pw.ForeignKeyField(KpiCategory, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "kpi"
        indexes = ((("year", "code"), True),)


class KpiOfficer(BaseModel):
    """A reporter or a receiving officer of one KPI."""

    kpi = pw.ForeignKeyField(Kpi, backref="officers", on_delete="CASCADE")
    user = pw.ForeignKeyField(User, on_delete="CASCADE")
    role = pw.CharField(max_length=10)  # "reporter" or "receiver"

    class Meta:
        table_name = "kpi_officer"
        indexes = ((("kpi", "user", "role"), True),)


class KpiDocument(BaseModel):
    kpi = pw.ForeignKeyField(Kpi, backref="documents", on_delete="CASCADE")
    round = pw.ForeignKeyField(KpiRound, backref="documents", on_delete="CASCADE")
    title = pw.CharField(max_length=500)
    original_name = pw.CharField(max_length=255)
    stored_name = pw.CharField(max_length=80, unique=True)
    content_type = pw.CharField(max_length=60)
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    sent_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    sent_at = pw.DateTimeField(default=utcnow)
    late = pw.BooleanField(default=False)
    received_at = pw.DateTimeField(null=True)
    received_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL",
                                     backref="kpi_documents_received")

    class Meta:
        table_name = "kpi_document"
        indexes = ((("kpi", "round"), False),)


MODELS = (KpiYear, KpiRound, KpiCategory, KpiReporterRole, Kpi, KpiOfficer, KpiDocument)

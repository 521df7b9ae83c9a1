"""Columns of the sub-district services that staff filter, and the one
elderly allowance registration per person per agency."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, Request


class IncidentReport(BaseModel):
    """Street light, disaster and nuisance reports: kind, village, place."""

    request = pw.ForeignKeyField(Request, unique=True, backref="incident", on_delete="CASCADE")
    kind = pw.CharField(max_length=20, index=True)
    village = pw.CharField(max_length=10, default="")
    place = pw.CharField(max_length=500, default="")
    latitude = pw.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = pw.DecimalField(max_digits=9, decimal_places=6, null=True)

    class Meta:
        table_name = "tambon_incident"


class ElderlyRegistration(BaseModel):
    """One line of the roster the clerk sends on (to the district and the
    bank): who, born when, where, paid into which account."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    national_id = pw.CharField(max_length=13)
    request = pw.ForeignKeyField(Request, unique=True, on_delete="CASCADE")
    fiscal_year = pw.IntegerField()
    name = pw.CharField(max_length=255, default="")
    birth_date = pw.DateField(null=True)
    house = pw.CharField(max_length=60, default="")
    village = pw.CharField(max_length=10, default="")
    bank = pw.CharField(max_length=120, default="")
    account_number = pw.CharField(max_length=30, default="")
    account_name = pw.CharField(max_length=255, default="")

    class Meta:
        table_name = "tambon_elderly"
        indexes = ((("agency", "national_id"), True),)


MODELS = (IncidentReport, ElderlyRegistration)

"""The columns clerks of the education office filter and sort by, one row per
request (the booking of a room or an appointment is the core's Booking)."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, JSONTextField, Request


class CertificateRequest(BaseModel):
    request = pw.ForeignKeyField(Request, unique=True, backref="certificate",
                                 on_delete="CASCADE")
    official_type = pw.CharField(max_length=40, index=True)
    work_unit = pw.CharField(max_length=255)
    position = pw.CharField(max_length=255)
    salary = pw.DecimalField(max_digits=12, decimal_places=2)
    purpose = pw.CharField(max_length=255)
    intended_use = pw.CharField(max_length=255)

    class Meta:
        table_name = "certificate_request"


class StaffCardRequest(BaseModel):
    request = pw.ForeignKeyField(Request, unique=True, backref="staff_card",
                                 on_delete="CASCADE")
    official_type = pw.CharField(max_length=40, index=True)
    work_unit = pw.CharField(max_length=255)
    position = pw.CharField(max_length=255)
    reason = pw.CharField(max_length=20, index=True)
    birth_date = pw.DateField()

    class Meta:
        table_name = "staff_card_request"


class PensionRequest(BaseModel):
    request = pw.ForeignKeyField(Request, unique=True, backref="pension", on_delete="CASCADE")
    email = pw.CharField(max_length=255)
    has_pledge = pw.BooleanField(index=True)
    pledge_amount = pw.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        table_name = "pension_request"


class School(BaseModel):
    """Schools of the area office, for the order of official forms."""

    agency = pw.ForeignKeyField(Agency, backref="schools", on_delete="CASCADE")
    name = pw.CharField(max_length=255)
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "school"
        indexes = ((("agency", "name"), True),)

    def __str__(self) -> str:
        return self.name


class FormPrice(BaseModel):
    """An agency's price for one official form; without a row the default
    price of :mod:`plugins.education.pricing` applies."""

    agency = pw.ForeignKeyField(Agency, backref="form_prices", on_delete="CASCADE")
    code = pw.CharField(max_length=20)
    price = pw.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        table_name = "form_price"
        indexes = ((("agency", "code"), True),)


class FormOrder(BaseModel):
    request = pw.ForeignKeyField(Request, unique=True, backref="form_order",
                                 on_delete="CASCADE")
    school = pw.ForeignKeyField(School, null=True, on_delete="SET NULL")
    other_affiliation = pw.CharField(max_length=255, default="")
    lines = JSONTextField(default=list)  # code, label, unit, qty, price, amount
    total = pw.DecimalField(max_digits=12, decimal_places=2)
    shipping = pw.DecimalField(max_digits=12, decimal_places=2)
    grand_total = pw.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        table_name = "form_order"


MODELS = (CertificateRequest, StaffCardRequest, PensionRequest, School, FormPrice, FormOrder)

"""ICT Service Center tables: repair tickets' searchable columns, logged phone
calls and periodic server security reviews."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, Request, User
from portal.thai import utcnow


class RepairTicket(BaseModel):
    request = pw.ForeignKeyField(Request, unique=True, backref="repair", on_delete="CASCADE")
    asset_number = pw.CharField(max_length=255, index=True)
    equipment = pw.CharField(max_length=20, index=True)
    location = pw.CharField(max_length=255)

    class Meta:
        table_name = "ict_repair_ticket"


class PhoneCall(BaseModel):
    """A consultation by phone (seed 001 §6.1), logged by ICT staff."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    received_at = pw.DateTimeField(default=utcnow, index=True)
    caller = pw.CharField(max_length=255)
    unit = pw.CharField(max_length=255)
    phone = pw.CharField(max_length=20, default="")
    problem = pw.TextField()
    answered_at_once = pw.BooleanField(default=True)
    answer = pw.TextField(default="")
    callback_due = pw.DateTimeField(null=True, index=True)
    expert = pw.CharField(max_length=255, default="")
    closed_at = pw.DateTimeField(null=True)
    recorded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "ict_phone_call"


class SecurityReview(BaseModel):
    """A periodic review of the servers' security (seed 001 §6.7)."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    review_date = pw.DateField(index=True)
    servers = pw.CharField(max_length=255)
    risks = pw.TextField()
    items_checked = pw.TextField()
    plan = pw.TextField()
    maintained = pw.BooleanField(default=False)
    repaired = pw.BooleanField(default=False)
    actions = pw.TextField(default="")
    report = pw.TextField(default="")
    reviewer = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "ict_security_review"


MODELS = (RepairTicket, PhoneCall, SecurityReview)

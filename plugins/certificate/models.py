from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Request


class CertificateRequest(BaseModel):
    """The answers clerks filter and sort by, one row per request."""

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

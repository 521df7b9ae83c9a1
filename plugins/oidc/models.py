"""The OpenID Connect providers an install signs people in with."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.thai import utcnow


class OidcProvider(BaseModel):
    """One provider (ThaID, Digital ID, ...), set by the system admin."""

    # Linked accounts are kept under this name; it is also in the URLs.
    name = pw.CharField(max_length=40, unique=True)
    # As people know it ("ThaID"): the button says "เข้าสู่ระบบด้วย ThaID".
    label = pw.CharField(max_length=100)
    # The issuer; its /.well-known/openid-configuration names the endpoints.
    issuer = pw.CharField(max_length=255)
    client_id = pw.CharField(max_length=255)
    client_secret = pw.CharField(max_length=255, default="")
    scopes = pw.CharField(max_length=255, default="openid profile pid")
    # The claim with the verified 13-digit national ID (ThaID: "pid").
    national_id_claim = pw.CharField(max_length=40, default="pid")
    enabled = pw.BooleanField(default=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "oidc_provider"

    def __str__(self) -> str:
        return self.label

"""The keys agencies give Open311 clients.

The ``api_key`` table was made by the core's migration 006 before Open311
became a plugin, and deployed databases have it: this plugin has no
migration of its own, and no step may create the table again.
"""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, User
from portal.thai import utcnow


class ApiKey(BaseModel):
    """A key an agency gives a program (an Open311 client) to post requests.
    Only a keyed hash is kept; the key is shown once."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    name = pw.CharField(max_length=255)
    key_hash = pw.CharField(max_length=64, unique=True)
    hint = pw.CharField(max_length=4)
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)
    revoked = pw.BooleanField(default=False)

    class Meta:
        table_name = "api_key"


MODELS: tuple[type[pw.Model], ...] = (ApiKey,)

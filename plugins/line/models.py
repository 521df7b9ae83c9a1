"""LINE Official Accounts the install talks through, and who said "no LINE"."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, User
from portal.thai import utcnow


class LineChannel(BaseModel):
    """One LINE Official Account (a Messaging API channel). The one with no
    agency speaks for the whole install; an agency may have its own."""

    # In the webhook URL given to the LINE console: /line/webhook/<name>.
    name = pw.CharField(max_length=40, unique=True)
    agency = pw.ForeignKeyField(Agency, null=True, unique=True, on_delete="CASCADE")
    channel_secret = pw.CharField(max_length=255, default="")
    access_token = pw.TextField(default="")
    enabled = pw.BooleanField(default=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "line_channel"

    def __str__(self) -> str:
        return self.name


class LineOptOut(BaseModel):
    """A person who linked LINE but wants no status messages there."""

    user = pw.ForeignKeyField(User, unique=True, on_delete="CASCADE")
    at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "line_opt_out"


MODELS = (LineChannel, LineOptOut)

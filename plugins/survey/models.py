"""The survey's one table. It was the core's until issue 23: the core's
migrations 011 and 012 made it, so this plugin has no migrations of its own
and deployed databases keep their answers."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Request
from portal.thai import utcnow


class SurveyResponse(BaseModel):
    """ประเมินความพึงพอใจ: one per completed request, scores 1–5."""

    request = pw.ForeignKeyField(Request, unique=True, on_delete="CASCADE")
    speed = pw.IntegerField()
    courtesy = pw.IntegerField()
    clarity = pw.IntegerField()
    overall = pw.IntegerField()
    comment = pw.TextField(default="")
    reopen_requested = pw.BooleanField(default=False)
    # Set when staff reopen the request on that ask: the flag is answered.
    reopened_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "survey_response"


MODELS = (SurveyResponse,)

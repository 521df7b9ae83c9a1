"""The builder's tables: each built service with the definition being
edited, its published versions (never changed once written), and the
templates a system admin adds to the shipped library."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, JSONTextField, Request, User
from portal.thai import utcnow


class BuiltService(BaseModel):
    """A service an agency admin made. ``code`` (slug and agency id) is what
    requests keep; a service with requests is never deleted, so a code is
    never reused."""

    agency = pw.ForeignKeyField(Agency, backref="+", on_delete="RESTRICT")
    slug = pw.CharField(max_length=24)
    code = pw.CharField(max_length=40, unique=True)
    draft = JSONTextField(default=dict)  # the definition as being edited
    # Each saved change of the draft adds one: an edit made on an older page
    # (another admin saved in between) is refused, not silently lost.
    revision = pw.IntegerField(default=0)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "builder_service"
        indexes = ((("agency", "slug"), True),)


class BuiltVersion(BaseModel):
    """One published version: the definition as it was when published."""

    service = pw.ForeignKeyField(BuiltService, backref="versions", on_delete="CASCADE")
    number = pw.IntegerField()
    definition = JSONTextField(default=dict)
    published_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    published_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "builder_version"
        indexes = ((("service", "number"), True),)


class LibraryTemplate(BaseModel):
    """A template a system admin added for every agency to start from (the
    shipped ones are files in ``library/``)."""

    slug = pw.CharField(max_length=24, unique=True)
    definition = JSONTextField(default=dict)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "builder_template"


class BuiltAnswer(BaseModel):
    """The answers staff filter a built service's list on (its choice,
    yes/no and date questions), one row per value, so the filters use an
    index at a million requests instead of reading every request's JSON.
    Written with the request, in its transaction (``Service.store``)."""

    request = pw.ForeignKeyField(Request, backref="+", on_delete="CASCADE")
    service_code = pw.CharField(max_length=40)
    key = pw.CharField(max_length=40)
    value = pw.CharField(max_length=60)

    class Meta:
        table_name = "builder_answer"
        indexes = ((("service_code", "key", "value", "request"), False),
                   (("request",), False))


class BuiltOnePer(BaseModel):
    """The national ID a request of a service taking one per ID holds (the
    answer its definition names in ``one_per_national_id``). Unique per
    service, so the database, not a check before writing, refuses the
    second of two requests sent at once; a cancelled request's row is
    given up when another request asks for the ID."""

    service_code = pw.CharField(max_length=40)
    value = pw.CharField(max_length=13)
    request = pw.ForeignKeyField(Request, backref="+", on_delete="CASCADE", unique=True)

    class Meta:
        table_name = "builder_one_per"
        indexes = ((("service_code", "value"), True),)


MODELS = (BuiltService, BuiltVersion, LibraryTemplate, BuiltAnswer, BuiltOnePer)

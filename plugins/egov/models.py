"""The report under the Electronic Government Act B.E. 2565 (seed 003):
every upload and link is kept as history with its own publish switch."""

from __future__ import annotations

import peewee as pw

from portal.db import BaseModel
from portal.models import Agency, User
from portal.thai import utcnow

SECTION_10, SECTION_13_1, SECTION_16 = "s10", "s13_1", "s16"


class EgovReport(BaseModel):
    """One per agency: the answers that are not history rows."""

    agency = pw.ForeignKeyField(Agency, unique=True, on_delete="CASCADE")
    has_licences = pw.BooleanField(null=True)  # issues licences under §13(1)?
    gazette_state = pw.CharField(max_length=10, default="")  # all / some / none
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    updated_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "egov_report"


class EgovFile(BaseModel):
    """A PDF of §10 (announcement), §13(1) (licence display) or §16 (order)."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    section = pw.CharField(max_length=10)
    original_name = pw.CharField(max_length=255)
    stored_name = pw.CharField(max_length=80, unique=True)
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    dated = pw.DateField()  # announced / gazette / effective date
    scope = pw.CharField(max_length=15, default="own")  # §10: own / subordinates
    published = pw.BooleanField(default=True)
    uploaded_at = pw.DateTimeField(default=utcnow)
    uploaded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "egov_file"
        indexes = ((("agency", "section", "uploaded_at"), False),)


class EgovLink(BaseModel):
    """A web address: the Royal Gazette page of §13(1), or a §13(2) channel
    to verify a licence (with the licence's name)."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    kind = pw.CharField(max_length=10)  # gazette / channel
    name = pw.CharField(max_length=500, default="")
    url = pw.CharField(max_length=1000)
    published = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "egov_link"
        indexes = ((("agency", "kind"), False),)


class ObstacleKind(BaseModel):
    name = pw.CharField(max_length=255, unique=True)
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "egov_obstacle_kind"

    def __str__(self) -> str:
        return self.name


class Obstacle(BaseModel):
    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    rank = pw.IntegerField()  # 1 = most important
    kind = pw.ForeignKeyField(ObstacleKind, on_delete="RESTRICT")
    description = pw.TextField(default="")
    # Off: kept, but not part of the report (its export) until switched on.
    published = pw.BooleanField(default=True)

    class Meta:
        table_name = "egov_obstacle"
        indexes = ((("agency", "rank"), True),)


class OnboardingToken(BaseModel):
    """A one-time 15-character token binding a new staff member to an agency."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    token_hash = pw.CharField(max_length=64, unique=True)
    hint = pw.CharField(max_length=4)  # last characters, to tell tokens apart in lists
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)
    expires_at = pw.DateTimeField()
    used_at = pw.DateTimeField(null=True)
    used_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL",
                                 backref="onboarding_tokens_used")

    class Meta:
        table_name = "egov_onboarding_token"


MODELS = (EgovReport, EgovFile, EgovLink, ObstacleKind, Obstacle, OnboardingToken)

"""Who you are: accounts and their passwords, sign-in sessions, the robot
check, outside sign-in providers (ThaID, LINE), password resets, and the
access rules (who may see and do what; an agency's tree of offices).

Imports from: portal.base, portal.forms, portal.plugins, the bottom modules
(models, db, config, thai, i18n). Never from requests, files, staff or web.
The pages people use to sign in are in portal.web.account."""

from __future__ import annotations

from .access import (
    AGENCY_ADMIN,
    STAFF,
)
from .external import (
    VerifiedPerson,
    complete_sign_in,
)

__all__ = [
    "AGENCY_ADMIN",
    "STAFF",
    "VerifiedPerson",
    "complete_sign_in",
]

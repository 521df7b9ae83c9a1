"""Built services in the database: the current version of each, an earlier
one by the code its requests keep, and publishing a new one."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import peewee as pw

from portal.base import audit
from portal.db import database
from portal.models import Agency, User
from portal.plugins import Service, services_changed
from portal.thai import utcnow

from . import compile as compiler
from .models import BuiltService, BuiltVersion

_VERSIONED = re.compile(r"^(?P<code>[a-z0-9-]+)@(?P<number>[0-9]{1,6})$")


@lru_cache(maxsize=512)
def _compiled(version_id: int, definition_text: str, code: str, agency_code: str,
              number: int) -> Service:
    # A version never changes: compiled once per process, by its row id.
    return compiler.service(json.loads(definition_text), code=code, agency_code=agency_code,
                            version=number)


def _service_of(row: Any) -> Service:
    return _compiled(row.id, json.dumps(row.definition, sort_keys=True), row.code,
                     row.agency_code, row.number)


def _versions() -> Any:
    return (BuiltVersion.select(BuiltVersion.id, BuiltVersion.number, BuiltVersion.definition,
                                BuiltService.code, Agency.code.alias("agency_code"))
            .join(BuiltService).join(Agency))


def current_services() -> list[Service]:
    """The latest published version of every built service."""
    latest = (BuiltVersion.select(BuiltVersion.service, pw.fn.MAX(BuiltVersion.number)
                                  .alias("number")).group_by(BuiltVersion.service))
    rows = _versions().join(latest, on=((latest.c.service_id == BuiltVersion.service)
                                        & (latest.c.number == BuiltVersion.number)),
                            src=BuiltVersion).objects()
    return [_service_of(row) for row in rows]


def version_service(code: str) -> Service | None:
    """An earlier version by the code a request keeps (``tree-cutting-3@2``)."""
    match = _VERSIONED.match(code)
    if not match:
        return None
    row = (_versions().where((BuiltService.code == match["code"])
                             & (BuiltVersion.number == int(match["number"])))
           .objects().first())
    return _service_of(row) if row else None


def service_code(slug: str, agency: Agency) -> str:
    return f"{slug}-{agency.id}"


def publish(built: BuiltService, definition: dict[str, Any], actor: User | None) -> BuiltVersion:
    """A new immutable version of ``built``; every process serves it from
    its next request after the commit."""
    with database.atomic():
        last = (BuiltVersion.select(pw.fn.MAX(BuiltVersion.number))
                .where(BuiltVersion.service == built).scalar()) or 0
        version = BuiltVersion.create(service=built, number=last + 1, definition=definition,
                                      published_by=actor, published_at=utcnow())
        audit.record("builder_published", f"builder:{built.code}", detail=f"v{last + 1}",
                     actor=actor, agency=built.agency_id)
        services_changed()
    return version

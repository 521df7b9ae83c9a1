"""The service builder: an agency admin makes a new e-service in the staff
pages, without code, and it lives the whole request life a code-defined
service does (issue 24).

A built service is data: a definition (docs/service-definition.schema.json)
whose published versions are immutable; the core gets them through the
``load_services`` and ``find_service`` hooks (portal.plugins.registry).
"""

from __future__ import annotations

from typing import Any

from portal import hookimpl
from portal.plugins import own_tables

from . import store
from .models import MODELS

register_models, register_migrations = own_tables(MODELS, __file__)


@hookimpl
def load_services() -> list[Any]:
    return store.current_services()


@hookimpl
def find_service(code: str) -> Any:
    return store.version_service(code)

"""Open311 GeoReport v2: the services that set ``Service(open311=True)``
served under ``/open311/v2/`` for Open311 apps and city dashboards, and the
agency admin's page of API keys those programs post with.

A built-in plugin (``portal.plugins.BUILT_IN_PLUGINS``): it loads unless
``PORTAL_DISABLED_PLUGINS`` names ``open311``. Its one table, ``api_key``,
comes from the core's migration 006, so it has no migrations of its own.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import hookimpl

from .admin import ApiKeyView
from .api import bp
from .models import MODELS


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def register_models() -> list[type]:
    return list(MODELS)


@hookimpl
def register_migrations() -> None:
    return None


@hookimpl
def register_admin_views() -> list[Any]:
    return [ApiKeyView(name=_l("API keys (Open311)"), endpoint="api_keys",
                       category=_l("Settings"))]


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"api_key_issued": _l("Issued an API key"),
            "api_key_revoked": _l("Revoked an API key")}

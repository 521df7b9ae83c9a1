"""Build the plugin manager and collect what the plugins register."""

from __future__ import annotations

import logging
import types
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

import pluggy
from flask import current_app

from ..models import CORE_MODELS
from . import hookspecs
from .hookspecs import hookimpl
from .registry import ServiceRegistry, collect_code_services, offered_in
from .services import Service

ENTRY_POINT_GROUP = "portal.plugins"
# Features every install had before they became plugins (issue 23): they
# load even when PORTAL_PLUGINS names only service families, unless
# PORTAL_DISABLED_PLUGINS names them. Ordinary plugins otherwise: they use
# only the documented hooks (what datasette calls its DEFAULT_PLUGINS).
BUILT_IN_PLUGINS = ("open311", "survey", "delay_letters", "builder")
# What a plugin left out still does for the rows it left in the database:
# its tables stay in backups and in the orphan-file sweep's count, and the
# personal data in them is still exported and erased on request (PDPA).
DATA_HOOKS = ("register_models", "forget_request", "request_personal_data")
log = logging.getLogger(__name__)


def build_plugin_manager(config: dict[str, Any]) -> pluggy.PluginManager:
    """Built-in and third-party plugins alike come from the entry points.

    ``PORTAL_PLUGINS`` (comma list) keeps only the named ones and the
    built-in features (:data:`BUILT_IN_PLUGINS`); ``PORTAL_DISABLED_PLUGINS``
    (comma list) leaves out any, built-in ones included;
    ``PORTAL_EXTRA_PLUGINS`` (objects) adds plugins without packaging them,
    which is what tests use.
    """
    pm = pluggy.PluginManager("portal")
    pm.add_hookspecs(hookspecs)
    wanted = _names(config.get("PORTAL_PLUGINS"))
    if wanted:
        wanted |= set(BUILT_IN_PLUGINS)
    disabled = _names(config.get("PORTAL_DISABLED_PLUGINS"))
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if (wanted and ep.name not in wanted) or ep.name in disabled:
            pm.set_blocked(ep.name)
            part = _data_part(ep.load())
            if part is not None:
                pm.register(part, name=f"{ep.name}:data")
            continue
        if pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
            continue
        pm.register(ep.load(), name=ep.name)
    for plugin in config.get("PORTAL_EXTRA_PLUGINS") or ():
        pm.register(plugin)
    missing = [n for n in BUILT_IN_PLUGINS if n not in disabled and pm.get_plugin(n) is None]
    if missing:
        raise RuntimeError(f"built-in plugins {', '.join(missing)} are not installed: "
                           "install the project again (pip install -e .), or name them "
                           "in PORTAL_DISABLED_PLUGINS")
    pm.check_pending()
    return pm


def _data_part(plugin: Any) -> Any:
    """The :data:`DATA_HOOKS` a left-out plugin implements, as a plugin of
    their own; None when it has none."""
    hooks = {name: impl for name in DATA_HOOKS
             if (impl := getattr(plugin, name, None)) is not None
             and hasattr(impl, f"{hookspecs.PROJECT}_impl")}
    if not hooks:
        return None
    part = types.ModuleType(f"{getattr(plugin, '__name__', 'plugin')}:data")
    for name, impl in hooks.items():
        setattr(part, name, impl)
    return part


def _names(setting: Any) -> set[str]:
    return {n.strip() for n in str(setting or "").split(",") if n.strip()}


def own_tables(models: tuple[type, ...], package_file: str) -> tuple[Any, Any]:
    """The two hooks of a plugin that keeps tables: its models, and the
    ``migrations`` folder beside its ``__init__.py``. In the plugin::

        register_models, register_migrations = own_tables(MODELS, __file__)
    """
    from pathlib import Path

    @hookimpl
    def register_models() -> list[type]:
        return list(models)

    @hookimpl
    def register_migrations() -> str:
        return str(Path(package_file).parent / "migrations")

    return register_models, register_migrations


@dataclass
class PortalState:
    """What the app knows about its plugins, kept in ``app.extensions``."""

    pm: pluggy.PluginManager
    registry: ServiceRegistry

    @property
    def services(self) -> dict[str, Service]:
        return self.registry.services()


def collect_services(pm: pluggy.PluginManager) -> dict[str, Service]:
    """The code-defined services (kept for plugins that called it)."""
    return collect_code_services(pm)


def collect(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[Any]:
    """Flatten the lists every plugin returned for ``hook``."""
    out: list[Any] = []
    for result in getattr(pm.hook, hook)(**kwargs):
        out.extend(result or ())
    return out


def all_models() -> list[Any]:
    """Every table of the install, the core's and each plugin's, parents
    before children (backup, the upload sweep, whole-database checks)."""
    import peewee as pw

    return pw.sort_models(list(CORE_MODELS) + collect(plugin_manager(), "register_models"))


def state() -> PortalState:
    return current_app.extensions["portal"]


def all_services() -> dict[str, Service]:
    return state().services


def get_service(code: str) -> Service | None:
    """A service by code, or an earlier version of a built one (``code@N``)."""
    return state().registry.find(code)


def services_of(agency: Any) -> dict[str, Service]:
    """The services ``agency`` may offer: the shared ones and its own."""
    return offered_in(all_services(), agency)


def answers_service(request: Any) -> Service | None:
    """The service whose form ``request.payload`` follows: the one it was
    sent to, even after staff forwarded it to another (``form_code``)."""
    return get_service(request.form_code or request.service_code)


def plugin_manager() -> pluggy.PluginManager:
    return state().pm

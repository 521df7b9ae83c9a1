"""Which plugins exist: the hooks a plugin may implement (hookspecs), the
plugin manager that finds them through the ``portal.plugins`` entry points
(manager), and the descriptors they return (services: Service, Step,
AttachmentSlot, MenuLink, PageAction, PageSection…).

Imports from: the bottom modules only (models, db, config, thai, i18n).
Everything else in the core may import this package; what it exposes here
is what plugins use: ``from portal.plugins import Service, get_service``."""

from __future__ import annotations

from .hookspecs import hookimpl
from .manager import (
    BUILT_IN_PLUGINS,
    ENTRY_POINT_GROUP,
    PortalState,
    all_models,
    all_services,
    answers_service,
    build_plugin_manager,
    collect,
    collect_services,
    get_service,
    own_tables,
    plugin_manager,
    services_of,
    state,
)
from .registry import ServiceRegistry, services_changed
from .services import (
    ApiBlueprint,
    AttachmentSlot,
    DashboardCard,
    MenuLink,
    Outcome,
    PageAction,
    PageSection,
    Service,
    SignInOption,
    Step,
    told_text,
)

__all__ = [
    "hookimpl",
    "AttachmentSlot",
    "Outcome",
    "Step",
    "Service",
    "MenuLink",
    "PageAction",
    "PageSection",
    "SignInOption",
    "DashboardCard",
    "ApiBlueprint",
    "told_text",
    "ENTRY_POINT_GROUP",
    "BUILT_IN_PLUGINS",
    "build_plugin_manager",
    "own_tables",
    "PortalState",
    "collect_services",
    "collect",
    "all_models",
    "state",
    "all_services",
    "get_service",
    "answers_service",
    "plugin_manager",
    "services_of",
    "services_changed",
    "ServiceRegistry",
]

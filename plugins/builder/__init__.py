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


@hookimpl
def register_admin_views() -> list[Any]:
    from flask_babel import lazy_gettext as _l

    from .lists import BuiltListView
    from .views import BuilderView, LibraryView

    return [BuiltListView(name=_l("Built services' requests"), endpoint="built_requests"),
            BuilderView(name=_l("Service builder"), endpoint="builder",
                        category=_l("Settings")),
            LibraryView(name=_l("Template library"), endpoint="builder_library",
                        category=_l("Settings"))]


@hookimpl
def audit_actions() -> dict[str, Any]:
    from flask_babel import lazy_gettext as _l

    return {"builder_created": _l("Created a built service"),
            "builder_imported": _l("Imported a built service"),
            "builder_draft_changed": _l("Changed a built service's draft"),
            "builder_published": _l("Published a built service"),
            "builder_exported": _l("Exported a built service"),
            "builder_deleted": _l("Deleted a built service"),
            "builder_template_added": _l("Added a template to the library"),
            "builder_template_removed": _l("Removed a template from the library")}


@hookimpl
def forget_request(request: Any) -> None:
    from .models import BuiltAnswer, BuiltOnePer

    BuiltAnswer.delete().where(BuiltAnswer.request == request).execute()
    BuiltOnePer.delete().where(BuiltOnePer.request == request).execute()


@hookimpl
def demo_data(agency: Any) -> Any:
    from .demo import load_demo

    return load_demo(agency)

"""The portal's core: a small core that knows four things — who you are
(identity), what a request is (requests), which plugins exist (plugins) and
how staff see lists (staff) — on files (files), the ground they all stand
on (base; models, db, config, thai, i18n) and the pages and commands on top
(web, ops). docs/architecture.md draws the layers; .importlinter keeps them.

``create_app`` wires config, database, extensions, plugins, blueprints and
the staff admin — nothing else."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
from typing import Any

from flask import Flask

from .plugins.hookspecs import hookimpl

__all__ = ["create_app", "hookimpl"]

# Modules that moved into the packages above (issue 23), by their old
# names: plugins, migrations and scripts written against them keep working
# (``from portal.uploads import check``, ``from portal.migrate import ...``).
# The core and the bundled plugins use the new names.
MOVED = {
    "portal.access": "portal.identity.access",
    "portal.audit": "portal.base.audit",
    "portal.backup": "portal.ops.backup",
    "portal.booking": "portal.requests.booking",
    "portal.booking_forms": "portal.requests.booking_forms",
    "portal.catalogue": "portal.requests.catalogue",
    "portal.cli": "portal.ops.cli",
    "portal.clock": "portal.requests.clock",
    "portal.demo": "portal.ops.demo",
    "portal.drafts": "portal.requests.drafts",
    "portal.exports": "portal.files.exports",
    "portal.extensions": "portal.base.extensions",
    "portal.form_pages": "portal.forms.pages",
    "portal.forwarding": "portal.requests.forwarding",
    "portal.holidays": "portal.requests.holidays",
    "portal.hookspecs": "portal.plugins.hookspecs",
    "portal.identity.views": "portal.web.account",
    "portal.jobs": "portal.base.jobs",
    "portal.lifecycle": "portal.requests.lifecycle",
    "portal.links": "portal.base.links",
    "portal.migrate": "portal.ops.migrate",
    "portal.notify": "portal.requests.notify",
    "portal.object_store": "portal.files.object_store",
    "portal.offices": "portal.identity.offices",
    "portal.outbox": "portal.base.outbox",
    "portal.paging": "portal.base.paging",
    "portal.pdf_text": "portal.files.pdf_text",
    "portal.printing": "portal.files.printing",
    "portal.privacy": "portal.requests.privacy",
    "portal.public": "portal.web.public",
    "portal.public.views": "portal.web.public.views",
    "portal.replies": "portal.requests.replies",
    "portal.request_pages": "portal.requests.pages",
    "portal.requester": "portal.web.requester",
    "portal.requester.guest": "portal.web.requester.guest",
    "portal.requester.views": "portal.web.requester.views",
    "portal.safe_urls": "portal.base.safe_urls",
    "portal.schedule": "portal.ops.schedule",
    "portal.services": "portal.plugins.services",
    "portal.steps": "portal.requests.steps",
    "portal.stored_files": "portal.files.stored",
    "portal.submission": "portal.requests.submission",
    "portal.uploads": "portal.files.uploads",
    "portal.verify": "portal.files.verify",
}


class _MovedModule(types.ModuleType):
    """An old name of a moved module: every attribute is the new module's."""

    def __getattr__(self, name: str) -> Any:
        moved = importlib.import_module(MOVED[self.__name__])
        if name == "__all__" and not hasattr(moved, "__all__"):  # ``import *``
            return [n for n in vars(moved) if not n.startswith("_")]
        return getattr(moved, name)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(MOVED[self.__name__]))

    def __setattr__(self, name: str, value: Any) -> None:
        # A test or script patching ``portal.notify.x`` patches the module;
        # the import system naming an old submodule on its old parent stays
        # here (the moved parent keeps its real submodule).
        if name.startswith("__") or isinstance(value, _MovedModule):
            super().__setattr__(name, value)
        else:
            setattr(importlib.import_module(MOVED[self.__name__]), name, value)

    def __delattr__(self, name: str) -> None:  # mock.patch undoing itself
        if name in self.__dict__:
            super().__delattr__(name)
        else:
            delattr(importlib.import_module(MOVED[self.__name__]), name)


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(
            fullname, self, is_package=bool(importlib.util.find_spec(MOVED[fullname])
                                            .submodule_search_locations))

    def create_module(self, spec: Any) -> types.ModuleType:
        module = _MovedModule(spec.name)
        module.__path__ = []  # type: ignore[attr-defined]  # its old submodules are MOVED too
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        importlib.import_module(MOVED[module.__name__])


if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, _MovedFinder())  # before any finder of the old files


def create_app(config: dict[str, Any] | None = None) -> Flask:
    # Here, not at the top: ``import portal`` (for ``hookimpl``, or an old
    # module name) stays light; the whole app loads only when one is made.
    from . import config as config_module
    from . import db
    from .plugins.manager import PortalState, ServiceRegistry, build_plugin_manager
    from .web.routing import LazyBuildRule
    from .web.wiring import (
        configure_admin,
        configure_blueprints,
        configure_cli,
        configure_extensions,
        configure_hosts,
        configure_templates,
    )

    app = Flask(__name__, template_folder=str(config_module.ROOT / "templates"),
                instance_path=str(config_module.INSTANCE_DIR))
    app.url_rule_class = LazyBuildRule  # before the ~375 rules the app adds
    app.config.update(config_module.load(config))
    configure_hosts(app)  # first: a production start without its address stops here
    db.init_app(app)
    from .base import jobs
    from .ops import schedule  # noqa: F401  (schedule: its tasks join the queue)

    jobs.configure(app)
    pm = build_plugin_manager(app.config)
    app.extensions["portal"] = PortalState(pm=pm, registry=ServiceRegistry(pm))
    configure_extensions(app)
    configure_templates(app, pm)
    configure_blueprints(app, pm)
    with app.app_context():  # Flask-Admin reads filter options at set-up
        configure_admin(app, pm)
    configure_cli(app)
    return app

"""The portal's core. ``create_app`` wires config, database, extensions,
plugins, blueprints and the staff admin — nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .hookspecs import hookimpl

__all__ = ["create_app", "hookimpl"]

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from . import config as config_module
    from . import db
    from .plugins import PortalState, build_plugin_manager, collect_services
    from .web import (
        configure_admin,
        configure_blueprints,
        configure_cli,
        configure_extensions,
        configure_hosts,
        configure_templates,
    )

    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(config_module.INSTANCE_DIR))
    app.config.update(config_module.load(config))
    configure_hosts(app)  # first: a production start without its address stops here
    db.init_app(app)
    from . import jobs, schedule  # noqa: F401  (schedule: its tasks join the queue)

    jobs.configure(app)
    pm = build_plugin_manager(app.config)
    app.extensions["portal"] = PortalState(pm=pm, services=collect_services(pm))
    configure_extensions(app)
    configure_templates(app, pm)
    configure_blueprints(app, pm)
    with app.app_context():  # Flask-Admin reads filter options at set-up
        configure_admin(app, pm)
    configure_cli(app)
    return app

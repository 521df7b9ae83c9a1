"""KPI report submission (seed 002): rounds of 6, 9 and 12 months, reporters
send evidence per KPI, receiving officers file it ("รับแล้ว")."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.models import Agency
from portal.plugins import own_tables

from .models import MODELS

register_models, register_migrations = own_tables(MODELS, __file__)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from .views import bp

    return [bp]


@hookimpl
def register_admin_views() -> list[Any]:
    from .views import KpiAdminView, KpiOverviewView, KpiReceiveView, KpiSubmitView

    category = _l("KPI reports")
    return [
        KpiSubmitView(name=_l("Send KPI documents"), endpoint="kpi_submit", category=category),
        KpiReceiveView(name=_l("Receive KPI documents"), endpoint="kpi_receive",
                       category=category),
        KpiOverviewView(name=_l("Overview per round"), endpoint="kpi_overview",
                        category=category),
        KpiAdminView(name=_l("KPIs and reporters"), endpoint="kpi_admin", category=category),
    ]


@hookimpl
def demo_data(agency: Agency) -> None:
    from .demo import load

    load(agency)


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"kpi_saved": _l("Saved a KPI"), "kpi_copied": _l("Copied KPIs from the last year"),
            "kpi_rounds_saved": _l("Saved the KPI reporting rounds"),
            "kpi_role_saved": _l("Saved a KPI reporter"), "kpi_sent": _l("Sent a KPI document"),
            "kpi_withdrawn": _l("Withdrew a KPI document"),
            "kpi_received": _l("Filed a KPI document (received)")}

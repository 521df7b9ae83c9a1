"""Report under the Electronic Government Act B.E. 2565 (info.go.th back
office, seed 003): sections 10, 13(1), 13(2), 16 and obstacles, with
history and publish switches, reports for subordinates, a public page per
agency, a draft section 10 announcement, and staff onboarding by token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.identity import access
from portal.plugins import MenuLink, own_tables

from .models import MODELS, ObstacleKind

register_models, register_migrations = own_tables(MODELS, __file__)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from .views import bp

    return [bp]


@hookimpl
def register_admin_views() -> list[Any]:
    from .views import EgovView, ObstacleKindView

    return [EgovView(name=_l("Electronic Government Act report"), endpoint="egov_report",
                     category=_l("Settings")),
            ObstacleKindView(ObstacleKind, name=_l("Kinds of obstacles"),
                             endpoint="egov_obstacle_kinds", category=_l("Settings"))]


@hookimpl
def menu_links(user: Any) -> list[MenuLink]:
    if getattr(user, "is_authenticated", False) and not access.is_staff(user):
        # On the profile, not in every citizen's menu: few people ever need it.
        return [MenuLink(label=_l("Staff sign-up with a token"), endpoint="egov.onboard",
                         order=200, place="profile")]
    return []


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"egov_draft": _l("Drafted the e-channels announcement"),
            "egov_upload": _l("Uploaded an e-Government Act document"),
            "egov_toggle": _l("Published or suspended an e-Government Act entry"),
            "egov_link": _l("Saved an e-Government Act link"),
            "egov_licences": _l("Answered whether the agency issues licences"),
            "egov_obstacles": _l("Saved the obstacles"),
            "token_issued": _l("Issued a staff sign-up token"),
            "token_redeemed": _l("Signed up as staff with a token")}

"""LINE Official Accounts (seed 004): status messages to people who linked
LINE (pushed through the background jobs, retried), and a chat that answers
with the agency's services or a request's status. Signing in with LINE is an
OpenID Connect provider row named ``line`` (plugins.oidc)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.models import ExternalAccount, Notification, Request
from portal.plugins import MenuLink, own_tables

from .models import MODELS, LineChannel, LineOptOut

register_models, register_migrations = own_tables(MODELS, __file__)
PROVIDER = "line"  # the name LINE Login's accounts are linked under


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from .views import bp

    return [bp]


@hookimpl
def register_admin_views() -> list[Any]:
    from .admin import LineChannelView

    return [LineChannelView(LineChannel, name=_l("LINE Official Accounts"),
                            endpoint="line_channels", category=_l("Settings"))]


@hookimpl
def menu_links(user: Any) -> list[MenuLink]:
    if getattr(user, "is_authenticated", False) and _line_id(user) is not None:
        return [MenuLink(label=_l("LINE messages"), endpoint="line.notifications", order=150)]
    return []


def _line_id(user: Any) -> str | None:
    link = ExternalAccount.get_or_none((ExternalAccount.user == user.id)
                                       & (ExternalAccount.provider == PROVIDER))
    return link.subject if link else None


@hookimpl
def message_channels(user: Any) -> list[tuple[str, str]]:
    line_id = _line_id(user)
    if line_id is None or LineOptOut.select().where(LineOptOut.user == user.id).exists():
        return []
    return [(PROVIDER, line_id)]


def channel_for(request: Request | None) -> LineChannel | None:
    """The agency's own Official Account, else the install's."""
    found = None
    if request is not None:
        found = LineChannel.get_or_none((LineChannel.agency == request.agency_id)
                                        & LineChannel.enabled)
    return found or LineChannel.get_or_none(LineChannel.agency.is_null() & LineChannel.enabled)


@hookimpl
def send_message(notification: Notification) -> bool | None:
    if notification.channel != PROVIDER:
        return None
    from .messaging import push

    request = Request.get_or_none(Request.id == notification.request_id)
    channel = channel_for(request)
    if channel is None or not channel.access_token:
        raise RuntimeError("no LINE Official Account with an access token is set up")
    push(channel, notification.recipient, notification.body_text.strip(),
         retry_key=f"portal-notification-{notification.id}")
    return True


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"line_channel_saved": _l("Saved a LINE Official Account"),
            "line_channel_deleted": _l("Deleted a LINE Official Account"),
            "line_messages_on": _l("Switched LINE messages on"),
            "line_messages_off": _l("Switched LINE messages off")}

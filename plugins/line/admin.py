"""LINE Official Accounts: the system admin sets the install's, an agency
admin their agency's. Secrets are write-only; a check says what is missing
and gives the webhook URL to paste into the LINE console."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, validators

from portal.base import audit, public_url
from portal.i18n import agency_name
from portal.identity import access
from portal.staff.base import (
    AgencyAdminAccess,
    PortalModelView,
    ReadinessCheck,
    WriteOnlySecrets,
    secret_state,
)
from portal.thai import utcnow

from .models import LineChannel

log = logging.getLogger(__name__)


def problems(channel: LineChannel) -> list[str]:
    """What keeps this Official Account from working; empty when ready."""
    found: list[str] = []
    if not channel.channel_secret:
        found.append(_("no channel secret: the webhook cannot check LINE's signature"))
    if not channel.access_token:
        found.append(_("no access token: nothing can be sent"))
    else:
        # The SDK takes a second to import: not at start-up.
        from linebot.v3.messaging import ApiException

        from .messaging import bot_name

        try:
            bot_name(channel)
        except Exception as exc:  # noqa: BLE001 - any failure is "not working"
            # Staff get a sentence, never the exception: its text would say
            # which host and port answered how. The operator has the log.
            log.warning("LINE check of %s failed: %s", channel.name, exc, exc_info=True)
            refused = isinstance(exc, ApiException) and exc.status in (401, 403)
            found.append(_("LINE refused the access token.") if refused
                         else _("LINE cannot be reached at the moment. Please try again later "
                                "or tell the system administrator."))
    return found


class LineChannelView(AgencyAdminAccess, WriteOnlySecrets, ReadinessCheck, PortalModelView):
    column_list = ("name", "agency", "channel_secret", "access_token", "enabled")
    column_labels = {"name": _l("Short name"), "agency": _l("Agency"),
                     "channel_secret": _l("Channel secret"), "access_token": _l("Access token"),
                     "enabled": _l("In use")}
    column_formatters = {"channel_secret": secret_state, "access_token": secret_state,
                         "agency": lambda v, c, m, n: agency_name(m.agency) if m.agency_id
                         else _l("The whole install")}
    column_searchable_list = ("name",)
    search_hint = _l("Short name")
    form_columns = ("name", "agency", "channel_secret", "access_token", "enabled")
    form_overrides = {"channel_secret": PasswordField, "access_token": PasswordField}
    form_args = {
        "name": {"validators": [validators.InputRequired(),
                                validators.Regexp(r"^[a-z0-9-]{2,40}$", message=_l(
                                    "Lower-case letters, digits and - only."))]},
        "channel_secret": {"description": _l("Leave empty to keep the secret already saved.")},
        "access_token": {"description": _l("Leave empty to keep the token already saved.")},
    }
    secret_fields = ("channel_secret", "access_token")

    def _agencies(self) -> list[int] | None:
        """Agencies this admin may set up; None: all, and the install's own."""
        if current_user.is_system_admin:
            return None
        return [a.id for a in access.admin_agencies(current_user)]

    def scope(self, query: Any) -> Any:
        ids = self._agencies()
        return query if ids is None else query.where(LineChannel.agency.in_(ids))

    def create_form(self, obj: Any = None) -> Any:
        return self._limit_agencies(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._limit_agencies(super().edit_form(obj))

    def _limit_agencies(self, form: Any) -> Any:
        ids = self._agencies()
        if ids is not None:
            form.agency.query = form.agency.query.where(form.agency.model.id.in_(ids))
            form.agency.allow_blank = False
        return form

    def on_model_change(self, form: Any, model: LineChannel, is_created: bool) -> None:
        ids = self._agencies()
        if ids is not None and model.agency_id not in ids:
            raise validators.ValidationError(_("Choose your own agency."))
        changed = self.keep_unchanged_secrets(form, model, is_created)
        model.updated_at = utcnow()
        # An install-wide channel (no agency) is a system setting.
        audit.record("line_channel_saved", f"line:{model.name}",
                     detail=", ".join(f"{n} changed" for n in changed), agency=model.agency_id)

    def on_model_delete(self, model: LineChannel) -> None:
        ids = self._agencies()
        if ids is not None and model.agency_id not in ids:
            raise validators.ValidationError(_("Choose your own agency."))
        audit.record("line_channel_deleted", f"line:{model.name}", agency=model.agency_id)

    def problems(self, model: LineChannel) -> list[str]:
        return problems(model)

    def ready_message(self, model: LineChannel) -> str:
        return _("%(name)s is ready. Webhook URL for the LINE console: %(url)s",
                 name=model.name, url=public_url("line.webhook", name=model.name))

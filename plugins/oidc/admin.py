"""The system admin's list of OpenID Connect providers: the secret is typed,
never shown back, and a check says what is missing before people try it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import PasswordField, validators

from portal import audit
from portal.staff.base import PortalModelView, SystemAdminAccess
from portal.thai import utcnow

from . import protocol
from .models import OidcProvider


def problems(provider: OidcProvider) -> list[str]:
    """What stops people signing in with ``provider``; empty when ready."""
    found = []
    if not provider.enabled:
        found.append(_("switched off"))
    if not provider.client_id:
        found.append(_("no client ID"))
    if not provider.client_secret:
        found.append(_("no client secret"))
    if "openid" not in provider.scopes.split():
        found.append(_("the scopes lack \"openid\""))
    try:
        meta = protocol.metadata(provider)
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not meta.get(key):
                found.append(_("the provider names no %(key)s", key=key))
        supported = meta.get("claims_supported")
        if supported and provider.national_id_claim not in supported:
            found.append(_("the provider does not offer the claim %(claim)s",
                           claim=provider.national_id_claim))
    except protocol.OidcError as exc:
        found.append(_("the provider cannot be reached: %(error)s", error=str(exc)[:200]))
    return found


class OidcProviderView(SystemAdminAccess, PortalModelView):
    column_list = ("label", "name", "issuer", "client_id", "client_secret", "enabled")
    column_labels = {"label": _l("Button text"), "name": _l("Short name"),
                     "issuer": _l("Issuer URL"), "client_id": _l("Client ID"),
                     "client_secret": _l("Client secret"), "scopes": _l("Scopes"),
                     "national_id_claim": _l("Claim with the national ID"),
                     "enabled": _l("In use")}
    column_formatters = {
        "client_secret": lambda v, c, m, n: _("set") if m.client_secret else _("not set"),
    }
    column_extra_row_actions: list[Any] = []
    form_columns = ("label", "name", "issuer", "client_id", "client_secret", "scopes",
                    "national_id_claim", "enabled")
    form_overrides = {"client_secret": PasswordField}
    form_args = {
        "name": {"validators": [validators.InputRequired(),
                                validators.Regexp(r"^[a-z0-9-]{2,40}$", message=_l(
                                    "Lower-case letters, digits and - only."))]},
        "issuer": {"validators": [validators.InputRequired(), validators.URL(require_tld=False)]},
        "client_secret": {"description": _l("Leave empty to keep the secret already saved.")},
    }
    column_searchable_list = ("label", "name")
    search_hint = _l("Button text or short name")
    list_template = "oidc/provider_list.html"
    can_view_details = False

    def on_form_prefill(self, form: Any, id: Any) -> None:  # noqa: A002 - Flask-Admin's name
        form.client_secret.data = ""  # never sent back to the browser

    def on_model_change(self, form: Any, model: OidcProvider, is_created: bool) -> None:
        if not form.client_secret.data and not is_created:
            model.client_secret = OidcProvider.get_by_id(model.id).client_secret
        model.updated_at = utcnow()
        audit.record("oidc_provider_saved", f"oidc:{model.name}",
                     detail="secret changed" if form.client_secret.data else "")

    def on_model_delete(self, model: OidcProvider) -> None:
        audit.record("oidc_provider_deleted", f"oidc:{model.name}")

    @expose("/check/<int:provider_id>", methods=("POST",))
    def check(self, provider_id: int) -> Any:
        provider = OidcProvider.get_or_none(OidcProvider.id == provider_id)
        if provider is not None:
            found = problems(provider)
            if found:
                flash(Markup("{}: {}").format(provider.label, "; ".join(found)), "danger")
            else:
                flash(_("%(provider)s is ready.", provider=provider.label), "success")
        return redirect(url_for(".index_view"))

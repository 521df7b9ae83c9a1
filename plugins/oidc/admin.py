"""The system admin's list of OpenID Connect providers: the secret is typed,
never shown back, and a check says what is missing before people try it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, validators

from portal.base import audit
from portal.staff.base import (
    PortalModelView,
    ReadinessCheck,
    SystemAdminAccess,
    WriteOnlySecrets,
    secret_state,
)
from portal.thai import utcnow

from . import protocol
from .models import OidcProvider


def problems(provider: OidcProvider) -> list[str]:
    """What stops people signing in with ``provider``; empty when ready."""
    found: list[str] = []
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


class OidcProviderView(SystemAdminAccess, WriteOnlySecrets, ReadinessCheck, PortalModelView):
    column_list = ("label", "name", "issuer", "client_id", "client_secret", "enabled")
    column_labels = {"label": _l("Name of the provider"), "name": _l("Short name"),
                     "issuer": _l("Issuer URL"), "client_id": _l("Client ID"),
                     "client_secret": _l("Client secret"), "scopes": _l("Scopes"),
                     "national_id_claim": _l("Claim with the national ID"),
                     "enabled": _l("In use")}
    column_formatters = {"client_secret": secret_state}
    secret_fields = ("client_secret",)
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
    search_hint = _l("Name of the provider or short name")
    can_view_details = False

    def on_model_change(self, form: Any, model: OidcProvider, is_created: bool) -> None:
        changed = self.keep_unchanged_secrets(form, model, is_created)
        model.updated_at = utcnow()
        audit.record("oidc_provider_saved", f"oidc:{model.name}",
                     detail=", ".join(f"{n} changed" for n in changed))

    def on_model_delete(self, model: OidcProvider) -> None:
        audit.record("oidc_provider_deleted", f"oidc:{model.name}")

    def problems(self, model: OidcProvider) -> list[str]:
        return problems(model)

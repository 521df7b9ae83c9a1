"""Sign-in with OpenID Connect: DOPA's ThaID, DGA's Digital ID, or any other
provider the system admin adds. Each provider's verified national ID claim
creates or links the portal account (see portal.identity.external)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.plugins import SignInOption, own_tables

from .models import OidcProvider

register_models, register_migrations = own_tables((OidcProvider,), __file__)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from .views import bp

    return [bp]


@hookimpl
def register_admin_views() -> list[Any]:
    from .admin import OidcProviderView

    return [OidcProviderView(OidcProvider, name=_l("Sign-in with ThaID / Digital ID"),
                             endpoint="oidc_providers", category=_l("Settings"))]


@hookimpl
def sign_in_options() -> list[SignInOption]:
    return [SignInOption(label=_l("Sign in with %(provider)s", provider=p.label),
                         title=p.label, provider=p.name, endpoint="oidc.start",
                         values={"name": p.name}, order=10 + n)
            for n, p in enumerate(OidcProvider.select().where(OidcProvider.enabled)
                                  .order_by(OidcProvider.id))]


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"oidc_provider_saved": _l("Saved a sign-in provider"),
            "oidc_provider_deleted": _l("Deleted a sign-in provider")}

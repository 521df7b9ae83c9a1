"""The two legs of the OpenID Connect sign-in: off to the provider, and back."""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.base import audit, public_url
from portal.identity import VerifiedPerson, complete_sign_in

from . import protocol
from .models import OidcProvider

log = logging.getLogger(__name__)
bp = Blueprint("oidc", __name__, url_prefix="/signin/oidc")
# The person has this long at the provider (ThaID's app asks for a PIN).
ATTEMPT_SECONDS = 600


def _key(name: str) -> str:
    return f"oidc:{name}"


def _provider(name: str) -> OidcProvider:
    provider = OidcProvider.get_or_none((OidcProvider.name == name) & OidcProvider.enabled)
    if provider is None:
        abort(404)
    return provider


def _callback_url(name: str) -> str:
    # The provider sends the person back here: the public address, whatever
    # host this leg was asked on.
    return public_url("oidc.callback", name=name)


def _refuse(provider: OidcProvider, why: str) -> Response:
    log.warning("OIDC sign-in with %s refused: %s", provider.name, why)
    audit.record("login_failed", f"oidc:{provider.name}", detail=why[:200])
    flash(_("Signing in with %(provider)s did not succeed. Please try again.",
            provider=provider.label), "danger")
    return redirect(url_for("identity.login"))


@bp.get("/<name>")
def start(name: str) -> Response:
    provider = _provider(name)
    attempt = protocol.Attempt.new()
    try:
        url = protocol.authorization_url(provider, attempt, _callback_url(name))
    except protocol.OidcError as exc:
        return _refuse(provider, str(exc))
    session[_key(name)] = {**asdict(attempt), "at": time.time(),
                           "next": request.args.get("next", "")[:500]}
    return redirect(url)


@bp.get("/<name>/callback")
def callback(name: str) -> Response:
    provider = _provider(name)
    # Popped at once: a replayed callback finds nothing to match.
    saved = session.pop(_key(name), None)
    if request.args.get("error"):
        return _refuse(provider, f"provider said {request.args['error'][:100]}")
    if not saved or time.time() - saved.get("at", 0) > ATTEMPT_SECONDS:
        return _refuse(provider, "no sign-in under way in this browser")
    if not hmac.compare_digest(request.args.get("state", ""), saved["state"]):
        return _refuse(provider, "state does not match")
    attempt = protocol.Attempt(saved["state"], saved["nonce"], saved["verifier"])
    try:
        claims = protocol.exchange(provider, attempt, request.args.get("code", ""),
                                   _callback_url(name))
    except protocol.OidcError as exc:
        return _refuse(provider, str(exc))
    person = VerifiedPerson(
        provider=provider.name, subject=str(claims["sub"]),
        national_id=str(claims.get(provider.national_id_claim) or ""),
        title=str(claims.get("title") or ""),
        first_name=str(claims.get("given_name") or ""),
        last_name=str(claims.get("family_name") or ""),
        email=str(claims.get("email") or ""),
        display_name=str(claims.get("name") or ""))
    return complete_sign_in(person, saved.get("next", ""))

"""Signing in through outside identity providers (ThaID, Digital ID, LINE).

A provider plugin runs its own protocol (OpenID Connect, LINE Login), checks
what it must (state, nonce, PKCE, signatures) and hands the verified person
to :func:`complete_sign_in`. What happens next is the same for every
provider, so it lives here:

- an account already linked to that provider account signs in;
- a signed-in person is linking from the profile: the link is made;
- a verified national ID that no account has: the person confirms the
  prefilled registration (phone, PDPA consent) and gets an account without
  a password;
- a verified national ID that an account already has: the person types that
  account's password once, then the accounts are linked. A provider never
  takes over an account by itself;
- no national ID (LINE): sign in with the ID first, then link from the
  profile.

Staff rights never come from a provider: an account made here is a citizen's
until its owner enters the agency's one-time token (seed 003).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..base import audit
from ..db import database
from ..models import ExternalAccount, User
from ..plugins.manager import collect, plugin_manager
from ..plugins.services import SignInOption
from ..thai import national_id_is_valid, normalise_national_id, utcnow
from . import sessions

PENDING = "external_pending"
# The confirm or password step must follow the provider's answer closely.
PENDING_SECONDS = 600


@dataclass(frozen=True)
class VerifiedPerson:
    """Who the provider vouches for; ``national_id`` only from a provider
    that verifies it (ThaID, Digital ID), never from one that lets people
    type it."""

    provider: str
    subject: str
    national_id: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    display_name: str = ""


def sign_in_options() -> list[SignInOption]:
    return sorted(collect(plugin_manager(), "sign_in_options"), key=lambda o: o.order)


def provider_label(provider: str) -> str:
    for option in sign_in_options():
        if option.provider == provider:
            return str(option.title or option.label)
    return provider


def complete_sign_in(person: VerifiedPerson, next_url: str = "") -> Response:
    """Sign in, link or start an account for ``person``; see the module doc."""
    link = ExternalAccount.get_or_none((ExternalAccount.provider == person.provider)
                                       & (ExternalAccount.subject == person.subject))
    if getattr(current_user, "is_authenticated", False):
        return _link_to_current(person, link)
    if link is not None:
        return _start(link.user, person, next_url)
    national_id = normalise_national_id(person.national_id or "")
    if not national_id_is_valid(national_id):
        flash(_("This account is not linked to the portal yet. Log in with your national ID "
                "once, then link it from your profile."), "warning")
        return redirect(url_for("identity.login"))
    session[PENDING] = {**asdict(person), "national_id": national_id, "at": time.time(),
                        "next": next_url}
    if User.get_or_none(User.national_id == national_id) is not None:
        return redirect(url_for("identity.external_link"))
    return redirect(url_for("identity.external_new"))


def pending() -> VerifiedPerson | None:
    """The person waiting for the confirm or password step, if still fresh."""
    data = session.get(PENDING)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    fields = {k: v for k, v in data.items() if k in VerifiedPerson.__dataclass_fields__}
    return VerifiedPerson(**fields)


def pending_next() -> str:
    return str((session.get(PENDING) or {}).get("next") or "")


def finish(person: VerifiedPerson, user: User) -> Response:
    """Link ``person`` to ``user`` (who proved ownership or was just made)
    and sign in."""
    next_url = pending_next()
    session.pop(PENDING, None)
    with database.atomic():
        _make_link(person, user)
    return _start(user, person, next_url)


def _make_link(person: VerifiedPerson, user: User) -> ExternalAccount:
    link = ExternalAccount.create(provider=person.provider, subject=person.subject, user=user,
                                  display_name=(person.display_name or "")[:200])
    audit.record("external_linked", f"user:{user.id}", detail=person.provider, actor=user)
    return link


def _start(user: User, person: VerifiedPerson, next_url: str) -> Response:
    if not user.is_active:
        flash(_("This account is closed."), "danger")
        return redirect(url_for("identity.login"))
    sessions.start(user)
    audit.record("login", f"user:{user.id}", detail=person.provider, actor=user)
    return redirect(sessions.next_page(next_url, user))


def _link_to_current(person: VerifiedPerson, link: ExternalAccount | None) -> Response:
    user = current_user._get_current_object()
    profile = url_for("identity.profile")
    if link is not None:
        if link.user_id != user.id:
            flash(_("That account is already linked to another person's portal account."),
                  "danger")
        return redirect(profile)
    if person.national_id and normalise_national_id(person.national_id) != user.national_id:
        flash(_("That account belongs to a different national ID."), "danger")
        return redirect(profile)
    if ExternalAccount.select().where((ExternalAccount.user == user.id)
                                      & (ExternalAccount.provider == person.provider)).exists():
        flash(_("Your account is already linked with this provider. Unlink it first."),
              "warning")
        return redirect(profile)
    _make_link(person, user)
    flash(_("Linked. You can now sign in with it."), "success")
    return redirect(profile)


def unlink(user: User, provider: str) -> str:
    """Remove the user's link with ``provider``; refused when it is the only
    way left to sign in (no password). Returns the message for the person."""
    links = ExternalAccount.select().where(ExternalAccount.user == user.id)
    if not any(link.provider == provider for link in links):
        return _("That account was not linked.")
    if not user.password_hash and len(links) <= 1:
        return _("Set a password first: it would be your only way to sign in.")
    ExternalAccount.delete().where((ExternalAccount.user == user.id)
                                   & (ExternalAccount.provider == provider)).execute()
    audit.record("external_unlinked", f"user:{user.id}", detail=provider, actor=user)
    return _("Unlinked.")


def create_account(person: VerifiedPerson, phone: str, email: str, title: str) -> User:
    """A new account from verified claims: no password, consent given now."""
    return User.create(national_id=person.national_id, title=title or person.title or "",
                       first_name=person.first_name.strip(), last_name=person.last_name.strip(),
                       phone=phone, email=email, password_hash="", pdpa_consent_at=utcnow())


def linked_providers(user: Any) -> dict[str, ExternalAccount]:
    return {a.provider: a for a in ExternalAccount.select().where(ExternalAccount.user == user.id)}

"""LINE Login is an OpenID Connect provider row named ``line``: a LINE
account is linked from the profile of a signed-in person, then signs them
in. LINE's own servers are a stand-in on loopback (HS256 ID tokens under the
channel secret, PKCE, the secret sent in the body as LINE wants it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from plugins.oidc.models import OidcProvider
from portal.models import ExternalAccount

from ..conftest import PASSWORD, login, make_user
from ..helpers.line_server import LOGIN_CHANNEL_ID, LOGIN_CHANNEL_SECRET, line_stand_in


@pytest.fixture(scope="module")
def line() -> Iterator[Any]:
    with line_stand_in() as stand_in:
        stand_in.people["U4af4980629"] = "สมหญิง LINE"
        yield stand_in


@pytest.fixture
def line_login(app: Any, line: Any) -> OidcProvider:
    with app.app_context():
        return OidcProvider.create(name="line", label="LINE", issuer=line.url,
                                   client_id=LOGIN_CHANNEL_ID, client_secret=LOGIN_CHANNEL_SECRET,
                                   scopes="openid profile", national_id_claim="")


def _through_line(client: Any, line: Any, user_id: str) -> Any:
    start = client.get("/signin/oidc/line")
    assert start.status_code == 302
    back = requests.get(line.approve_url(start.headers["Location"], user_id),
                        allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    parts = urlsplit(back.headers["Location"])
    return client.get(f"{parts.path}?{parts.query}")


def test_line_is_linked_from_the_profile_then_signs_in(app, line, line_login):
    with app.app_context():
        user = make_user()
    # Not linked yet: LINE alone cannot say who this is.
    stranger = app.test_client()
    r = _through_line(stranger, line, "U4af4980629")
    assert r.headers["Location"].endswith("/login")
    assert stranger.get("/requests").status_code == 302
    # Signed in with the national ID, the person links LINE from the profile.
    client = app.test_client()
    login(client, user)
    assert "/signin/oidc/line" in client.get("/profile").get_data(as_text=True)
    r = _through_line(client, line, "U4af4980629")
    assert r.headers["Location"].endswith("/profile")
    with app.app_context():
        link = ExternalAccount.get(ExternalAccount.provider == "line")
        assert (link.user_id, link.subject, link.display_name) == (user.id, "U4af4980629",
                                                                   "สมหญิง LINE")
    # From now on LINE signs this person in.
    fresh = app.test_client()
    r = _through_line(fresh, line, "U4af4980629")
    assert r.status_code == 302 and fresh.get("/requests").status_code == 200
    # The same LINE account cannot be linked to a second person.
    other = app.test_client()
    with app.app_context():
        login(other, make_user())
    _through_line(other, line, "U4af4980629")
    with app.app_context():
        assert ExternalAccount.select().count() == 1


def test_a_line_id_token_signed_with_another_secret_is_refused(app, line, line_login):
    with app.app_context():
        user = make_user()
    client = app.test_client()
    login(client, user)
    line.id_token_secret = "a-forger-does-not-know-the-secret!"
    try:
        r = _through_line(client, line, "U4af4980629")
    finally:
        line.id_token_secret = LOGIN_CHANNEL_SECRET
    assert r.headers["Location"].endswith("/login")
    with app.app_context():
        assert not ExternalAccount.select().exists()
        from portal.models import AuditLog

        assert "ID token refused" in AuditLog.get(AuditLog.action == "login_failed").detail


def test_a_deleted_account_keeps_no_line_link(app, line, line_login):
    with app.app_context():
        user = make_user()
    client = app.test_client()
    login(client, user)
    _through_line(client, line, "U4af4980629")
    data = client.get("/account/data.json").get_json()
    assert data["linked_accounts"][0]["provider"] == "line"
    assert data["linked_accounts"][0]["id"] == "U4af4980629"
    r = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert r.status_code == 302
    with app.app_context():
        assert not ExternalAccount.select().exists()
    # LINE no longer opens the emptied account.
    fresh = app.test_client()
    assert _through_line(fresh, line, "U4af4980629").headers["Location"].endswith("/login")
    assert fresh.get("/requests").status_code == 302

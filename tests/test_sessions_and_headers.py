"""Session behaviour (a new key at each sign-in, logout ends the copied
cookie too, sign-ins expire) and the security headers of every response."""

from __future__ import annotations

import datetime as dt

from portal.models import LoginSession, User

from .conftest import login, make_agency, make_staff, make_user
from .helpers.client import TOKEN


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """Another browser holding a copy of ``cookie``."""
    thief = app.test_client()
    thief.set_cookie("session", cookie, domain="localhost")
    return thief.get("/requests")


def test_each_sign_in_gets_a_new_key_and_the_old_cookie_is_not_signed_in(app):
    user = make_user()
    client = app.test_client()
    client.get("/captcha.png")
    before = _session_cookie(client)
    login(client, user)
    first = _session_cookie(client)
    assert first != before
    assert _replay(app, before).status_code == 302  # pre-login cookie: still anonymous
    client.post("/logout")
    login(client, user)
    second = _session_cookie(client)
    assert second != first
    rows = LoginSession.select().where(LoginSession.user == user).order_by(LoginSession.id)
    assert [row.ended_at is not None for row in rows] == [True, False]
    assert all(len(row.key_hash) == 64 for row in rows)  # a SHA-256, not the key


def test_logout_ends_a_copied_cookie_as_well(app):
    user = make_user()
    client = app.test_client()
    login(client, user)
    stolen = _session_cookie(client)
    assert _replay(app, stolen).status_code == 200
    client.post("/logout")
    assert _replay(app, stolen).status_code == 302
    assert "/login" in _replay(app, stolen).headers["Location"]


def test_a_sign_in_ends_after_its_maximum_age(app):
    user = make_user()
    client = app.test_client()
    login(client, user)
    assert client.get("/requests").status_code == 200
    hours = app.config["SESSION_MAX_HOURS"]
    row = LoginSession.get(LoginSession.user == user)
    row.created_at -= dt.timedelta(hours=hours, minutes=1)
    row.save()
    assert client.get("/requests").status_code == 302


def _idle(user: User, minutes: int) -> None:
    """The user's sign-in was last used ``minutes`` ago."""
    row = LoginSession.get((LoginSession.user == user) & LoginSession.ended_at.is_null())
    row.last_seen_at -= dt.timedelta(minutes=minutes)
    row.created_at -= dt.timedelta(minutes=minutes)
    row.save()


def test_a_sign_in_unused_for_a_while_ends_sooner_for_staff(app):
    citizen, clerk = make_user(), make_staff(make_agency())
    citizen_browser, clerk_browser = app.test_client(), app.test_client()
    login(citizen_browser, citizen)
    login(clerk_browser, clerk)
    staff_limit = app.config["SESSION_IDLE_MINUTES_STAFF"]
    assert staff_limit < app.config["SESSION_IDLE_MINUTES"]
    _idle(citizen, staff_limit + 1)
    _idle(clerk, staff_limit + 1)
    assert citizen_browser.get("/requests").status_code == 200
    assert clerk_browser.get("/admin/").status_code == 302
    # Using it moves the limit on; leaving it past the citizens' limit ends it.
    row = LoginSession.get(LoginSession.user == citizen)
    assert row.last_seen_at > dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    _idle(citizen, app.config["SESSION_IDLE_MINUTES"] + 1)
    assert citizen_browser.get("/requests").status_code == 302
    ended = LoginSession.select().where(LoginSession.ended_at.is_null(False)).count()
    assert ended == 2


def test_the_form_token_changes_at_sign_in(app):
    """A token handed out before sign-in (perhaps planted) is not the
    signed-in person's."""
    client = app.test_client()
    before = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    login(client, make_user())
    after = TOKEN.search(client.get("/privacy").get_data(as_text=True)).group(1)
    assert before != after
    stale = client.post("/logout", data={"csrf_token": before}, csrf=False)
    assert stale.status_code == 400


def test_a_deactivated_account_is_signed_out_at_its_next_page(app):
    user = make_user()
    client = app.test_client()
    login(client, user)
    User.update(active=False).where(User.id == user.id).execute()
    assert client.get("/requests").status_code == 302


def test_pages_carry_a_policy_that_runs_no_inline_script(client):
    r = client.get("/")
    policy = dict(part.strip().split(" ", 1) for part in
                  r.headers["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy.get("default-src", "")
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=(self)" in r.headers["Permissions-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    max_age = secure.headers["Strict-Transport-Security"].split(";")[0]
    assert int(max_age.removeprefix("max-age=")) >= 365 * 24 * 3600


def test_force_https_redirects_plain_http(tmp_path, migrated_db):
    from portal import create_app

    from .conftest import make_config

    app = create_app(make_config(tmp_path, migrated=True, FORCE_HTTPS=True))
    r = app.test_client().get("/status")
    assert r.status_code == 302 and r.headers["Location"].startswith("https://")
    assert app.test_client().get("/status", base_url="https://localhost").status_code == 200

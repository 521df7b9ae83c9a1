"""Sign-in with OpenID Connect against a real provider on loopback
(oidc-provider-mock, an Authlib server): the whole redirect flow, accounts
made from verified claims, linking, and the checks that refuse a callback."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from plugins.oidc.models import OidcProvider
from portal.models import AuditLog, ExternalAccount, Membership, User

from ..conftest import PASSWORD, login, make_agency, make_user, new_national_id
from ..helpers.oidc_server import person_at_provider


@pytest.fixture
def thaid(app: Any, issuer: str) -> OidcProvider:
    with app.app_context():
        return OidcProvider.create(name="thaid", label="ThaID", issuer=issuer,
                                   client_id="portal-test", client_secret="test-secret",
                                   scopes="openid profile email pid")


def to_provider(client: Any, name: str = "thaid") -> str:
    """Press the login button; return where the browser is sent."""
    r = client.get(f"/signin/oidc/{name}")
    assert r.status_code == 302
    return r.headers["Location"]


def approve(authorize_url: str, subject: str) -> str:
    """The person approves at the provider; return the callback path + query."""
    r = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=5)
    assert r.status_code == 302, r.text[:500]
    back = urlsplit(r.headers["Location"])
    assert back.path == "/signin/oidc/thaid/callback"
    return f"{back.path}?{back.query}"


def sign_in(client: Any, issuer: str, subject: str) -> Any:
    return client.get(approve(to_provider(client), subject))


def test_the_login_page_offers_enabled_providers_only(app, thaid):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "เข้าสู่ระบบด้วย ThaID" in page and 'href="/signin/oidc/thaid"' in page
    with app.app_context():
        OidcProvider.update(enabled=False).execute()
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "ThaID" not in page
    assert app.test_client().get("/signin/oidc/thaid").status_code == 404


def test_the_authorization_request_carries_state_nonce_and_pkce(app, thaid):
    query = parse_qs(urlsplit(to_provider(app.test_client())).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["portal-test"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert "pid" in query["scope"][0].split()


def test_first_sign_in_makes_an_account_from_the_verified_claims(app, thaid, issuer):
    national_id = new_national_id()
    subject = person_at_provider(issuer, national_id, email="somsri@example.go.th")
    client = app.test_client()
    r = sign_in(client, issuer, subject)
    assert r.status_code == 302 and r.headers["Location"].endswith("/signin/new")
    page = client.get("/signin/new").get_data(as_text=True)
    assert "สมศรี" in page and "มีสุข" in page and national_id not in page  # masked
    # Consent is asked as on the registration form.
    r = client.post("/signin/new", data={"title": "นางสาว", "phone": "0812345678",
                                         "email": "somsri@example.go.th"})
    assert r.status_code == 200 and "ยินยอม" in r.get_data(as_text=True)
    with app.app_context():
        assert User.get_or_none(User.national_id == national_id) is None
    r = client.post("/signin/new", data={"title": "นางสาว", "phone": "0812345678",
                                         "email": "somsri@example.go.th", "pdpa": "y"})
    assert r.status_code == 302
    assert client.get("/requests").status_code == 200  # signed in
    with app.app_context():
        user = User.get(User.national_id == national_id)
        assert (user.first_name, user.last_name, user.title) == ("สมศรี", "มีสุข", "นางสาว")
        assert user.password_hash == "" and user.pdpa_consent_at is not None
        link = ExternalAccount.get(ExternalAccount.user == user)
        assert (link.provider, link.subject) == ("thaid", subject)
        assert not Membership.select().where(Membership.user == user).exists()
    # Next time the provider alone signs in, straight to the page asked for.
    again = app.test_client()
    r = again.get(approve(to_provider(again), subject))
    assert r.status_code == 302 and "/signin/" not in r.headers["Location"]
    assert again.get("/requests").status_code == 200
    # No password: the login form cannot be used with an empty one either.
    third = app.test_client()
    third.get("/captcha.png")
    r = third.post("/login", data={"national_id": national_id,
                                   "password": "not-a-real-password", "captcha": "24680"})
    assert r.status_code == 200


def test_an_existing_account_is_linked_only_with_its_password(app, thaid, issuer):
    with app.app_context():
        user = make_user()
    subject = person_at_provider(issuer, user.national_id)
    client = app.test_client()
    r = sign_in(client, issuer, subject)
    assert r.headers["Location"].endswith("/signin/link")
    assert client.get("/requests").status_code == 302  # not signed in yet
    r = client.post("/signin/link", data={"password": "wrong-password-1"})
    assert r.status_code == 200 and "รหัสผ่านไม่ถูกต้อง" in r.get_data(as_text=True)
    with app.app_context():
        assert not ExternalAccount.select().exists()
    r = client.post("/signin/link", data={"password": PASSWORD})
    assert r.status_code == 302
    assert client.get("/requests").status_code == 200
    with app.app_context():
        link = ExternalAccount.get(ExternalAccount.subject == subject)
        assert link.user_id == user.id
        assert AuditLog.select().where(AuditLog.action == "external_linked").count() == 1
    # The profile shows the link; it can be undone since a password remains.
    profile = client.get("/profile").get_data(as_text=True)
    assert "เข้าสู่ระบบด้วย ThaID" in profile and "/profile/unlink/thaid" in profile
    client.post("/profile/unlink/thaid")
    with app.app_context():
        assert not ExternalAccount.select().exists()


def test_a_tampered_or_replayed_callback_is_refused(app, thaid, issuer):
    subject = person_at_provider(issuer, new_national_id())
    client = app.test_client()
    callback = approve(to_provider(client), subject)
    # A state that is not this browser's.
    forged = callback.replace("state=", "state=x")
    r = client.get(forged)
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    # That attempt is spent: the genuine answer no longer works either.
    r = client.get(callback)
    assert r.headers["Location"].endswith("/login")
    # Another browser cannot use an answer meant for this one.
    callback = approve(to_provider(client), subject)
    assert app.test_client().get(callback).headers["Location"].endswith("/login")
    # Replayed after success: refused.
    callback = approve(to_provider(client), subject)
    assert client.get(callback).headers["Location"].endswith("/signin/new")
    assert client.get(callback).headers["Location"].endswith("/login")
    with app.app_context():
        assert AuditLog.select().where(AuditLog.action == "login_failed").count() == 4


def test_an_id_token_from_another_attempt_fails_the_nonce(app, thaid, issuer):
    """The code of an earlier attempt, sent back with the later attempt's
    state: the ID token carries the earlier nonce and is refused."""
    subject = person_at_provider(issuer, new_national_id())
    client = app.test_client()
    first = approve(to_provider(client), subject)
    second = approve(to_provider(client), subject)
    code = parse_qs(urlsplit(first).query)["code"][0]
    state = parse_qs(urlsplit(second).query)["state"][0]
    r = client.get(f"/signin/oidc/thaid/callback?code={code}&state={state}")
    assert r.headers["Location"].endswith("/login")
    with app.app_context():
        failure = AuditLog.get(AuditLog.action == "login_failed")
        assert "nonce" in failure.detail
        assert not User.select().where(User.password_hash == "").exists()


def test_a_refusal_at_the_provider_comes_back_as_a_thai_message(app, thaid, issuer):
    client = app.test_client()
    authorize = to_provider(client)
    r = requests.post(authorize, data={"action": "deny"}, allow_redirects=False, timeout=5)
    back = urlsplit(r.headers["Location"])
    r = client.get(f"{back.path}?{back.query}", follow_redirects=True)
    assert "เข้าสู่ระบบด้วย ThaID ไม่สำเร็จ" in r.get_data(as_text=True)


def test_staff_signing_in_with_digital_id_wait_for_the_agency_token(app, thaid, issuer):
    from plugins.egov import rules

    with app.app_context():
        agency = make_agency("onboard-oidc")
        admin = make_user(is_system_admin=True)
        token = rules.issue_token(agency, admin)
    subject = person_at_provider(issuer, new_national_id())
    client = app.test_client()
    sign_in(client, issuer, subject)
    client.post("/signin/new", data={"title": "นาย", "phone": "0812345678", "pdpa": "y"})
    assert client.get("/requests").status_code == 200
    assert client.get("/admin/").status_code in (302, 403)
    r = client.post("/onboard", data={"token": token})
    assert r.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_linked_person_signs_in_even_when_the_password_login_is_locked(app, thaid, issuer):
    """The password lock guards the password, not the provider's sign-in."""
    with app.app_context():
        user = make_user()
    subject = person_at_provider(issuer, user.national_id)
    client = app.test_client()
    sign_in(client, issuer, subject)
    client.post("/signin/link", data={"password": PASSWORD})
    client.post("/logout")
    other = app.test_client()
    for _ in range(6):
        other.get("/captcha.png")
        other.post("/login", data={"national_id": user.national_id, "password": "x" * 9,
                                   "captcha": "24680"})
    assert login(other, user).status_code == 200  # locked for passwords
    fresh = app.test_client()
    assert sign_in(fresh, issuer, subject).status_code == 302
    assert fresh.get("/requests").status_code == 200


def test_the_system_admin_sets_a_provider_without_the_secret_shown_back(app, issuer):
    with app.app_context():
        admin = make_user(is_system_admin=True)
    client = app.test_client()
    login(client, admin)
    r = client.post("/admin/oidc_providers/new/", data={
        "label": "Digital ID", "name": "digitalid", "issuer": issuer,
        "client_id": "portal-dga", "client_secret": "very-secret-value",
        "scopes": "openid profile pid", "national_id_claim": "pid", "enabled": "y"})
    assert r.status_code == 302
    with app.app_context():
        provider = OidcProvider.get(OidcProvider.name == "digitalid")
        assert provider.client_secret == "very-secret-value"
    listing = client.get("/admin/oidc_providers/").get_data(as_text=True)
    edit = client.get(f"/admin/oidc_providers/edit/?id={provider.id}").get_data(as_text=True)
    assert "very-secret-value" not in listing + edit
    # Saved again without typing it: the secret stays.
    client.post(f"/admin/oidc_providers/edit/?id={provider.id}", data={
        "label": "Digital ID", "name": "digitalid", "issuer": issuer,
        "client_id": "portal-dga", "client_secret": "", "scopes": "openid profile pid",
        "national_id_claim": "pid", "enabled": "y"})
    with app.app_context():
        provider = OidcProvider.get_by_id(provider.id)
        assert (provider.label, provider.client_secret) == ("Digital ID", "very-secret-value")
    # The check says it is ready, and what is missing when it is not.
    r = client.post(f"/admin/oidc_providers/check/{provider.id}", follow_redirects=True)
    assert "Digital ID พร้อมใช้งาน" in r.get_data(as_text=True)
    with app.app_context():
        OidcProvider.update(issuer="http://127.0.0.1:9", client_secret="").execute()
    r = client.post(f"/admin/oidc_providers/check/{provider.id}", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "ไม่มี client secret" in page and "ติดต่อผู้ให้บริการไม่ได้" in page
    # Citizens and agency staff cannot reach the settings.
    citizen = app.test_client()
    login(citizen, make_user())
    assert citizen.get("/admin/oidc_providers/").status_code in (302, 403)


def test_an_account_made_by_thaid_sets_a_password_and_can_be_deleted(app, thaid, issuer):
    national_id = new_national_id()
    subject = person_at_provider(issuer, national_id)
    client = app.test_client()
    sign_in(client, issuer, subject)
    client.post("/signin/new", data={"title": "นาง", "phone": "0812345678", "pdpa": "y"})
    page = client.get("/password").get_data(as_text=True)
    assert "ตั้งรหัสผ่าน" in page and 'name="current"' not in page
    r = client.post("/password", data={"password": "new-password-2567",
                                       "password_again": "new-password-2567"})
    assert r.status_code == 302
    with app.app_context():
        user = User.get(User.national_id == national_id)
        assert user.password_hash
    assert login(app.test_client(), user, "new-password-2567").status_code == 302
    # Without a password the deletion is confirmed with the national ID.
    with app.app_context():
        User.update(password_hash="").where(User.id == user.id).execute()
    page = client.get("/account/delete").get_data(as_text=True)
    assert "เลขประจำตัวประชาชนของท่าน" in page
    r = client.post("/account/delete", data={"password": "1101700123456", "understood": "y"})
    assert r.status_code == 200
    r = client.post("/account/delete", data={"password": national_id, "understood": "y"})
    assert r.status_code == 302
    with app.app_context():
        assert User.get_by_id(user.id).deleted_at is not None
        assert not ExternalAccount.select().exists()

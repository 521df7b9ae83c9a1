"""Register, log in, throttling, password and profile (SPEC §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.models import AuditLog, LoginThrottle, User

from .conftest import CAPTCHA_TEXT, PASSWORD, login, make_user

VALID_ID = "1101700123456"


def register(client, **overrides):
    data = {"national_id": VALID_ID, "title": "นาง", "first_name": "สมศรี", "last_name": "มีสุข",
            "phone": "0891234567", "email": "somsri@example.com", "password": "pass-word-1",
            "password_again": "pass-word-1", "pdpa": "y", "captcha": CAPTCHA_TEXT}
    data.update(overrides)
    client.get("/captcha.png")
    return client.post("/register", data={k: v for k, v in data.items() if v is not None})


def test_register_creates_account_with_hashed_password(client):
    r = register(client)
    assert r.status_code == 302
    user = User.get(User.national_id == VALID_ID)
    assert user.password_hash.startswith("$argon2id$")
    assert user.pdpa_consent_at is not None
    assert AuditLog.get(AuditLog.action == "register").actor_id == user.id


def test_an_install_without_the_robot_check_neither_shows_nor_asks_it(app, client):
    """CAPTCHA_ENABLED=false (a closed intranet, the soak script): the picture
    and its field are gone from login and register, and both work without."""
    app.config["CAPTCHA_ENABLED"] = False
    for page in ("/login", "/register"):
        html = client.get(page).get_data(as_text=True)
        assert 'name="captcha"' not in html and "/captcha.png" not in html, page
    r = client.post("/register", data={
        "national_id": VALID_ID, "title": "นาง", "first_name": "สมศรี", "last_name": "มีสุข",
        "phone": "0891234567", "password": "pass-word-1", "password_again": "pass-word-1",
        "pdpa": "y"})
    assert r.status_code == 302
    client.post("/logout")
    r = client.post("/login", data={"national_id": VALID_ID, "password": "pass-word-1"})
    assert r.status_code == 302
    app.config["CAPTCHA_ENABLED"] = True
    other = app.test_client()
    html = other.get("/login").get_data(as_text=True)
    assert 'name="captcha"' in html
    r = other.post("/login", data={"national_id": VALID_ID, "password": "pass-word-1"})
    assert r.status_code == 200 and "ไม่ใช่โปรแกรมอัตโนมัติไม่สำเร็จ" in r.get_data(as_text=True)


def test_register_accepts_dashes_in_national_id(client):
    assert register(client, national_id="1-1017-00123-45-6").status_code == 302
    assert User.select().where(User.national_id == VALID_ID).count() == 1


@pytest.mark.parametrize("bad, message", [
    ("1101700123457", "หลักตรวจสอบไม่ตรง"),
    ("110170012345", "13 หลัก"),
    ("abcdefghijklm", "13 หลัก"),
])
def test_register_refuses_bad_national_id_in_thai(client, bad, message):
    r = register(client, national_id=bad)
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    assert User.select().count() == 0


def test_register_refuses_duplicate_national_id(client):
    register(client)
    other = client.application.test_client()
    r = register(other, first_name="อีกคน")
    assert "ลงทะเบียนแล้ว" in r.get_data(as_text=True)
    assert User.select().count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("password_again", "different-1", "ไม่ตรงกัน"),
    ("pdpa", None, "ความยินยอม"),
    ("captcha", "00000", "ไม่ตรงกับภาพ"),
    ("phone", "12345", "เบอร์โทรศัพท์"),
    ("first_name", "", "กรอกชื่อ"),
])
def test_register_refusals_name_the_problem(client, field, value, message):
    r = register(client, **{field: value})
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    assert User.select().count() == 0


def test_captcha_answers_once(client):
    client.get("/captcha.png")
    user = make_user()
    client.post("/login", data={"national_id": user.national_id, "password": "wrong-one",
                                "captcha": CAPTCHA_TEXT})
    # The same answer again without a new picture is refused.
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "captcha": CAPTCHA_TEXT})
    assert "ไม่ตรงกับภาพ" in r.get_data(as_text=True)


def test_wrong_password_and_unknown_id_get_the_same_answer(app):
    user = make_user()
    stranger = User(national_id="1101700123456")  # valid, never registered
    wrong = login(app.test_client(), user, password="nope-nope").get_data(as_text=True)
    unknown = login(app.test_client(), stranger, password="nope-nope").get_data(as_text=True)
    assert "เลขประจำตัวประชาชนหรือรหัสผ่านไม่ถูกต้อง" in wrong
    assert "เลขประจำตัวประชาชนหรือรหัสผ่านไม่ถูกต้อง" in unknown
    ok = app.test_client()
    assert login(ok, user).status_code == 302
    assert ok.get("/requests").status_code == 200


def test_five_wrong_passwords_lock_the_id_even_for_the_right_one(app):
    user = make_user()
    client = app.test_client()
    for _ in range(5):
        login(client, user, password="wrong-pass")
    r = login(client, user)
    assert r.status_code == 200
    assert "ใส่รหัสผ่านผิดหลายครั้งเกินไป" in r.get_data(as_text=True)
    assert client.get("/requests").status_code == 302  # still not logged in
    assert AuditLog.select().where(AuditLog.action == "login_failed").count() == 5


def test_wrong_passwords_from_one_address_slow_the_id_down_elsewhere_not_lock_it(app):
    """Anyone who knows an ID (the system admin's is on letters) once locked
    its owner out for 15 minutes, again and again. Now the guessing address
    is locked out of that ID; from elsewhere the ID is only slowed down."""
    user = make_user()
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    for _ in range(5):
        login(guesser, user, password="wrong-pass")
    assert "ใส่รหัสผ่านผิดหลายครั้งเกินไป" in login(guesser, user).get_data(as_text=True)
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    slowed = login(owner, user)
    assert slowed.status_code == 200 and "วินาที" in slowed.get_data(as_text=True)
    assert LoginThrottle.select().where(LoginThrottle.locked_until.is_null(False)).count() == 1
    # A minute after the last wrong password the owner is in; the guesser is not.
    for row in LoginThrottle.select():
        row.last_failure_at -= dt.timedelta(seconds=61)
        row.save()
    assert login(owner, user).status_code == 302
    assert "ใส่รหัสผ่านผิดหลายครั้งเกินไป" in login(guesser, user).get_data(as_text=True)


def test_burst_from_one_address_is_refused(tmp_path):
    from portal import create_app
    from portal.ops.migrate import upgrade
    from portal.plugins.manager import plugin_manager

    from .conftest import make_config
    from .helpers.client import CSRFClient

    app = create_app(make_config(tmp_path, LOGIN_RATE_LIMIT="3 per minute"))
    app.test_client_class = CSRFClient
    with app.app_context():
        upgrade(plugin_manager())
    client = app.test_client()
    codes = [client.post("/login", data={"national_id": "1", "password": "x",
                                         "captcha": "1"}).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    assert "ทำรายการบ่อยเกินไป" in client.post("/login", data={}).get_data(as_text=True)


def test_rate_limit_counters_can_live_in_redis_for_several_processes(tmp_path, redis_url):
    """With RATELIMIT_STORAGE_URI=redis://… every web process counts against
    the same budget: a freshly started app still refuses the burst."""
    import redis

    from portal import create_app
    from portal.ops.migrate import upgrade
    from portal.plugins.manager import plugin_manager

    from .conftest import make_config
    from .helpers.client import CSRFClient

    config = make_config(tmp_path, LOGIN_RATE_LIMIT="3 per minute",
                         RATELIMIT_STORAGE_URI=redis_url)

    def start() -> object:
        app = create_app(config)
        app.test_client_class = CSRFClient
        with app.app_context():
            upgrade(plugin_manager())
        return app

    first = start().test_client()
    codes = [first.post("/login", data={"national_id": "1", "password": "x",
                                        "captcha": "1"}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert any(b"LIMIT" in key.upper() for key in redis.Redis.from_url(redis_url).keys())
    second = start().test_client()  # another process's app, same store
    assert second.post("/login", data={"national_id": "1", "password": "x",
                                       "captcha": "1"}).status_code == 429


def test_logout_is_post_only_and_ends_the_session(app):
    user = make_user()
    client = app.test_client()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.post("/logout").status_code == 302
    assert client.get("/requests").status_code == 302


def test_session_cookie_is_httponly_and_samesite(app):
    user = make_user()
    client = app.test_client()
    client.get("/captcha.png")
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "captcha": CAPTCHA_TEXT})
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_change_password_ends_other_sessions(app):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    r = first.post("/password", data={"current": PASSWORD, "password": "brand-new-pw",
                                      "password_again": "brand-new-pw"})
    assert r.status_code == 302
    assert first.get("/requests").status_code == 200
    assert second.get("/requests").status_code == 302
    assert login(app.test_client(), user, password="brand-new-pw").status_code == 302


def test_change_password_refuses_wrong_current(app):
    user = make_user()
    client = app.test_client()
    login(client, user)
    r = client.post("/password", data={"current": "not-it-at-all", "password": "brand-new-pw",
                                       "password_again": "brand-new-pw"})
    assert "รหัสผ่านปัจจุบันไม่ถูกต้อง" in r.get_data(as_text=True)


def test_profile_edit_saves_and_masks_national_id(app):
    user = make_user()
    client = app.test_client()
    login(client, user)
    page = client.get("/profile").get_data(as_text=True)
    assert user.national_id not in page
    assert f"{user.national_id[0]}-{user.national_id[1:5]}-xxxxx-xx-" in page
    client.post("/profile", data={"title": "นาง", "first_name": "ใหม่", "last_name": "นามสกุลใหม่",
                                  "phone": "0899999999", "email": ""})
    assert User.get_by_id(user.id).last_name == "นามสกุลใหม่"


def test_login_next_parameter_cannot_leave_the_site(app):
    user = make_user()
    client = app.test_client()
    client.get("/captcha.png")
    r = client.post("/login?next=//evil.example/x", data={
        "national_id": user.national_id, "password": PASSWORD, "captcha": CAPTCHA_TEXT})
    assert r.headers["Location"] == "/requests"


def test_session_cookie_is_secure_over_https(app):
    user = make_user()
    client = app.test_client()
    client.get("/captcha.png", base_url="https://localhost")
    # Over HTTPS Flask-WTF also checks that the form came from this site.
    r = client.post("/login", base_url="https://localhost",
                    headers={"Referer": "https://localhost/login"}, data={
        "national_id": user.national_id, "password": PASSWORD, "captcha": CAPTCHA_TEXT,
        "csrf_token": client.csrf_token()})
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie

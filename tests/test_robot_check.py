"""The robot check (portal.identity.captcha) after the penetration test: a
solved challenge lives on the server and is spent by its first use, whether
it was the proof of work (ALTCHA) or the fallback picture; it expires after
five minutes; issuing challenges and registering are rate-limited per address.

Replays follow the pentest: the session cookie saved after a solved picture
is sent again (by the same browser or copied into another), and a solved
ALTCHA payload is posted twice."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import altcha
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.models import Request, User
from portal.plugins.manager import plugin_manager

from .conftest import CAPTCHA_TEXT, PASSWORD, make_agency, make_config, make_user, new_national_id
from .helpers.client import CSRFClient
from .helpers.csp import inline_scripts
from .helpers.send import send_form

WRONG_LOGIN = "เลขประจำตัวประชาชนหรือรหัสผ่านไม่ถูกต้อง"
PICTURE_REFUSED = "ไม่ตรงกับภาพ"
ROBOT_REFUSED = "ยืนยันว่าไม่ใช่โปรแกรมอัตโนมัติไม่สำเร็จ"
CHALLENGE_URL = "/robot-check/challenge"
LIGHT = {"phone": "0898765432", "title": "นาง", "first_name": "บุญมี", "last_name": "ใจงาม",
         "problem": "out", "pole": "เสาที่ 12 หน้าวัด", "village": "3"}


# A proof of work the Python solver finds in milliseconds; the browser test
# keeps the real difficulty.
EASY = {"ALTCHA_COST": 10, "ALTCHA_MIN_COUNTER": 1, "ALTCHA_MAX_COUNTER": 30}


@pytest.fixture
def app_config(tmp_path: Any, migrated_db: Any) -> dict[str, Any]:
    return make_config(tmp_path, migrated=True, **EASY)


def new_app(tmp_path: Any, **extra: Any) -> Flask:
    from portal.ops.migrate import upgrade

    app = create_app(make_config(tmp_path, migrated=True, **{**EASY, **extra}))
    app.test_client_class = CSRFClient
    with app.app_context():
        upgrade(plugin_manager())
    return app


@pytest.fixture
def street_light(app: Flask) -> str:
    """A service a guest may send without an account (the QR-code poster)."""
    make_agency("tambon-x", services=("street_light",))
    return "/requests/new/tambon-x/street_light"


def solve(client: FlaskClient) -> str:
    """What the widget does in the browser: fetch, solve, encode."""
    challenge = altcha.Challenge.from_dict(client.get(CHALLENGE_URL).get_json())
    solution = altcha.solve_challenge(challenge, timeout=30)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


# Each form: how to send it once more (a new person each time), and whether
# the robot check let the attempt through.
def send_login(client: FlaskClient, robot: dict[str, str], _url: str) -> Any:
    return client.post("/login", data={"national_id": new_national_id(),
                                       "password": "wrong-password", **robot})


def send_register(client: FlaskClient, robot: dict[str, str], _url: str) -> Any:
    return client.post("/register", data={
        "national_id": new_national_id(), "title": "นาง", "first_name": "สมศรี",
        "last_name": "มีสุข", "phone": "0891234567", "password": "pass-word-1",
        "password_again": "pass-word-1", "pdpa": "y", **robot})


def send_guest(client: FlaskClient, robot: dict[str, str], url: str) -> Any:
    return send_form(client, url, data={**LIGHT, **robot}, content_type="multipart/form-data")


def login_passed(r: Any) -> bool:
    return WRONG_LOGIN in r.get_data(as_text=True)


def register_passed(r: Any) -> bool:
    return r.status_code == 302


def guest_passed(r: Any) -> bool:
    return r.status_code == 302 and "/requests/sent/" in r.headers["Location"]


FORMS: dict[str, tuple[Callable[..., Any], Callable[[Any], bool]]] = {
    "login": (send_login, login_passed),
    "register": (send_register, register_passed),
    "guest": (send_guest, guest_passed),
}


def refused(r: Any, message: str) -> bool:
    body = r.get_data(as_text=True)
    return r.status_code == 200 and message in body and WRONG_LOGIN not in body


@pytest.mark.parametrize("form", FORMS)
def test_a_saved_cookie_of_a_solved_picture_is_spent_by_its_first_use(
        app, client, street_light, form):
    send, passed = FORMS[form]
    client.csrf_token()
    client.get("/captcha.png")
    saved = client.get_cookie("session").value
    assert passed(send(client, {"captcha": CAPTCHA_TEXT}, street_light))
    if form != "login":
        client.post("/logout")
    client.set_cookie("session", saved)  # the pentest's replay: the same cookie again
    again = send(client, {"captcha": CAPTCHA_TEXT}, street_light)
    assert refused(again, PICTURE_REFUSED)


@pytest.mark.parametrize("form", FORMS)
def test_a_cookie_jar_copied_to_another_browser_does_not_pass_either(
        app, client, street_light, form):
    send, passed = FORMS[form]
    token = client.csrf_token()
    client.get("/captcha.png")
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    copy._token = token
    assert passed(send(client, {"captcha": CAPTCHA_TEXT}, street_light))
    assert refused(send(copy, {"captcha": CAPTCHA_TEXT}, street_light), PICTURE_REFUSED)
    assert User.select().count() <= 1 and Request.select().count() <= 1


@pytest.mark.parametrize("form", FORMS)
def test_a_solved_altcha_payload_passes_once(app, client, street_light, form):
    send, passed = FORMS[form]
    payload = solve(client)
    assert passed(send(client, {"altcha": payload}, street_light))
    if form != "login":
        client.post("/logout")
    assert refused(send(client, {"altcha": payload}, street_light), ROBOT_REFUSED)
    assert refused(send(app.test_client(), {"altcha": payload}, street_light), ROBOT_REFUSED)


def test_no_answer_at_all_is_refused(client):
    r = client.post("/login", data={"national_id": new_national_id(), "password": "x"})
    assert refused(r, ROBOT_REFUSED)


def test_the_same_picture_answered_twice_in_one_browser_is_refused(client):
    client.get("/captcha.png")
    assert login_passed(send_login(client, {"captcha": CAPTCHA_TEXT}, ""))
    assert refused(send_login(client, {"captcha": CAPTCHA_TEXT}, ""), PICTURE_REFUSED)


def test_a_wrong_answer_spends_the_picture(client):
    """One guess per picture: otherwise a bot could try again and again."""
    client.get("/captcha.png")
    assert refused(send_login(client, {"captcha": "11111"}, ""), PICTURE_REFUSED)
    assert refused(send_login(client, {"captcha": CAPTCHA_TEXT}, ""), PICTURE_REFUSED)


def _later(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


def test_a_picture_expires_after_five_minutes(client, monkeypatch):
    user = make_user()
    client.get("/captcha.png")
    _later(monkeypatch, 5 * 60 + 5)
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "captcha": CAPTCHA_TEXT})
    assert refused(r, PICTURE_REFUSED)


def test_an_altcha_challenge_expires_after_five_minutes(client, monkeypatch):
    user = make_user()
    payload = solve(client)
    _later(monkeypatch, 5 * 60 + 5)
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "altcha": payload})
    assert refused(r, ROBOT_REFUSED)


def _edit(payload: str, change: Callable[[dict[str, Any]], None]) -> str:
    data = json.loads(base64.b64decode(payload))
    change(data)
    return base64.b64encode(json.dumps(data).encode()).decode()


@pytest.mark.parametrize("change", [
    lambda d: d["challenge"]["parameters"].update(expiresAt=int(time.time()) + 86400),
    lambda d: d["challenge"]["parameters"].update(nonce="00" * 16),
    lambda d: d["challenge"].update(signature="ab" * 32),
    lambda d: d["solution"].update(derivedKey="00" * 32),
    lambda d: d["solution"].update(counter=d["solution"]["counter"] + 1,
                                   derivedKey="ff" * 32),
], ids=["later-expiry", "other-nonce", "forged-signature", "made-up-key", "other-counter"])
def test_a_tampered_altcha_payload_is_refused(client, change):
    user = make_user()
    payload = _edit(solve(client), change)
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "altcha": payload})
    assert refused(r, ROBOT_REFUSED)


def test_a_challenge_signed_with_another_key_is_refused(client):
    user = make_user()
    challenge = altcha.create_challenge("PBKDF2/SHA-256", 10, hmac_secret="not-ours",
                                        expires_at=int(time.time()) + 60)
    forged = altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "altcha": forged})
    assert refused(r, ROBOT_REFUSED)
    assert refused(client.post("/login", data={"national_id": user.national_id,
                                               "password": PASSWORD, "altcha": "junk!"}),
                   ROBOT_REFUSED)


def test_two_requests_at_once_with_one_payload_let_only_one_through(app, monkeypatch):
    """Both requests check the proof before either spends it (a barrier holds
    them there); the DELETE's row count then lets exactly one through."""
    from portal.identity import captcha

    users = [make_user(), make_user()]
    payload = solve(app.test_client())
    barrier = threading.Barrier(2, timeout=10)
    real = captcha.altcha.verify_solution

    def verify_then_wait(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(captcha.altcha, "verify_solution", verify_then_wait)
    outcomes: list[int] = []

    def sign_in(user: User) -> None:
        client = app.test_client()
        r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                        "altcha": payload})
        outcomes.append(r.status_code)

    threads = [threading.Thread(target=sign_in, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == [200, 302]


def test_issuing_challenges_is_rate_limited_per_address(tmp_path, migrated_db):
    app = new_app(tmp_path, CAPTCHA_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.get("/captcha.png").status_code, client.get(CHALLENGE_URL).status_code,
             client.get("/captcha.png").status_code]
    assert codes == [200, 200, 200]
    # Pictures and proofs of work share one budget: switching does not help.
    assert client.get(CHALLENGE_URL).status_code == 429
    assert client.get("/captcha.png").status_code == 429
    other = client.get("/captcha.png", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200  # another address has its own budget


def test_register_is_rate_limited_per_address(tmp_path, migrated_db):
    app = new_app(tmp_path, REGISTER_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [client.post("/register", data={"national_id": "1"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/register").status_code == 200  # reading the form is not limited


def test_register_is_rate_limited_per_national_id(tmp_path, migrated_db):
    """"Already registered" answers whether an ID has an account: asking it
    of one ID from many addresses is held back too."""
    app = new_app(tmp_path, REGISTER_ID_RATE_LIMIT="2 per minute")
    codes = []
    for n, written in enumerate(("1101700123456", "1-1017-00123-45-6", "๑๑๐๑๗๐๐๑๒๓๔๕๖")):
        client = app.test_client()
        codes.append(client.post("/register", data={"national_id": written},
                                 environ_base={"REMOTE_ADDR": f"10.1.1.{n}"}).status_code)
    assert codes == [200, 200, 429]
    other = app.test_client().post("/register", data={"national_id": "3100500123458"},
                                   environ_base={"REMOTE_ADDR": "10.1.1.9"})
    assert other.status_code == 200


def test_expired_challenges_are_swept(client, monkeypatch):
    from portal.identity.captcha import RobotChallenge

    client.get("/captcha.png")
    client.get(CHALLENGE_URL)
    assert RobotChallenge.select().count() == 2
    _later(monkeypatch, 10 * 60)
    client.get(CHALLENGE_URL)  # issuing sweeps what has run out
    assert RobotChallenge.select().count() == 1


@pytest.mark.parametrize("page", ["/login", "/register", "street"])
def test_forms_carry_the_widget_and_the_fallback_without_inline_script(
        client, street_light, page):
    if page == "street":  # a guest's request asks it on its check page
        r = client.post(street_light, data=LIGHT, content_type="multipart/form-data")
        page = r.headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert "<altcha-widget" in html
    assert "<noscript>" in html and 'name="captcha"' in html
    assert inline_scripts(html) == []
    scripts = [part.split('"')[0] for part in html.split('<script src="')[1:]]
    assert any("vendor/altcha" in s for s in scripts) and any("robot-check" in s for s in scripts)
    for src in scripts:
        r = client.get(src)
        assert r.status_code == 200 and "javascript" in r.mimetype, src
    # The picture is not fetched on page load: it is only in the inert
    # <template> (for when the widget cannot run) and the <noscript> frame.
    outside = re.sub(r"<(template|noscript)\b.*?</\1>", "", html, flags=re.S)
    assert "/captcha.png" not in outside and "/captcha/frame" not in outside
    assert "/captcha/frame" in html.split("<noscript>")[1]


def test_the_no_script_picture_frame_may_be_framed_only_by_the_portal(client):
    frame = client.get("/captcha/frame")
    assert frame.status_code == 200
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    html = frame.get_data(as_text=True)
    assert "/captcha.png" in html and 'href="/captcha/frame' in html
    assert inline_scripts(html) == []
    assert client.get("/login").headers["X-Frame-Options"] == "DENY"


def test_the_challenge_answer_is_json_the_widget_understands(client):
    r = client.get(CHALLENGE_URL)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Cache-Control"] == "no-store"
    body = r.get_json()
    assert body["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert body["parameters"]["expiresAt"] <= time.time() + 5 * 60 + 1
    assert body["signature"]


def test_switched_off_the_widget_is_gone_too(app, client):
    app.config["CAPTCHA_ENABLED"] = False
    for page in ("/login", "/register"):
        html = client.get(page).get_data(as_text=True)
        assert "altcha" not in html and "robot-check" not in html, page

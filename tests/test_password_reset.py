"""Forgot password (ลืมรหัสผ่าน): a link by e-mail or LINE, a code from the
counter, a link from an agency admin or the operator; each works once, for
30 minutes, ends the person's other sign-ins and lifts a lockout."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from portal.identity.access import AGENCY_ADMIN
from portal.models import (
    AuditLog,
    ExternalAccount,
    LoginThrottle,
    Membership,
    Notification,
    PasswordReset,
    User,
)

from .conftest import (
    CAPTCHA_TEXT,
    HALF_PAST_MIDNIGHT_BANGKOK,
    PASSWORD,
    login,
    make_agency,
    make_staff,
    make_user,
)
from .helpers.certificate import new_certificate

NEW = "new-pass-word-7"
LINK = re.compile(r"http://localhost/password/reset/[A-Za-z0-9_-]+")
CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


@pytest.fixture(autouse=True)
def quick(app):
    """No waiting floor, except where a test measures it."""
    app.config["PASSWORD_RESET_ANSWER_MS"] = 0
    return app


def ask(client, national_id: str):
    client.get("/captcha.png")
    return client.post("/password/forgot", data={"national_id": national_id,
                                                 "captcha": CAPTCHA_TEXT})


def reset_messages(recipient: str) -> list[Notification]:
    return list(Notification.select().where((Notification.recipient == recipient)
                                            & Notification.body_text.contains("/password/reset/"))
                .order_by(Notification.id))


def link_for(user: User) -> str:
    notes = reset_messages(user.email)
    assert notes, "no reset link was sent"
    return LINK.search(notes[-1].body_text).group(0)


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def set_new(client, password: str = NEW, again: str | None = None):
    return client.post("/password/new", data={"password": password,
                                              "password_again": again or password})


def page(response) -> str:
    return CSRF.sub(r'\1"', response.get_data(as_text=True))


@pytest.mark.once
def test_the_login_page_links_to_forgot_password(client):
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login_page and "ลืมรหัสผ่าน" in login_page
    form = client.get("/password/forgot").get_data(as_text=True)
    assert 'name="national_id"' in form and 'id="altcha"' in form  # the robot check
    assert 'href="/password/code"' in form  # no e-mail: the counter's code


def test_known_and_unknown_ids_get_the_same_answer_after_the_same_wait(app, monkeypatch):
    from portal.base import jobs

    kicked = []
    monkeypatch.setattr(jobs, "kick", lambda: kicked.append(1))
    app.config["PASSWORD_RESET_ANSWER_MS"] = 300
    known = make_user()
    no_email = make_user(email="")
    unknown = "1101700123456"  # valid, never registered
    answers, waits = [], []
    for national_id in (known.national_id, no_email.national_id, unknown):
        client = app.test_client()
        client.get("/captcha.png")
        started = time.monotonic()
        response = client.post("/password/forgot", data={"national_id": national_id,
                                                          "captcha": CAPTCHA_TEXT})
        waits.append(time.monotonic() - started)
        answers.append((response.status_code, page(response)))
        assert len(kicked) == len(answers) - 1  # nothing sent while answering
        response.close()  # the server has sent the answer: now the outbox goes
        assert len(kicked) == len(answers)
    assert answers[0][0] == 200
    assert answers[0] == answers[1] == answers[2]
    assert "ได้ส่งลิงก์สำหรับตั้งรหัสผ่านใหม่" in answers[0][1]
    assert min(waits) >= 0.3
    assert len(reset_messages(known.email)) == 1
    assert PasswordReset.select().count() == 1  # nothing for the others
    assert ask(app.test_client(), "1101700123457").status_code == 200  # bad check digit
    assert PasswordReset.select().count() == 1


def test_the_robot_check_comes_first(app):
    user = make_user()
    client = app.test_client()
    response = client.post("/password/forgot", data={"national_id": user.national_id})
    assert "ไม่ใช่โปรแกรมอัตโนมัติ" in response.get_data(as_text=True)
    assert reset_messages(user.email) == []


def test_the_link_sets_a_new_password_ends_every_sign_in_and_lifts_the_lockout(app):
    user = make_user()
    phone, office = app.test_client(), app.test_client()
    login(phone, user)
    login(office, user)
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    for _ in range(5):
        login(guesser, user, password="wrong-pass")
    assert "ใส่รหัสผ่านผิดหลายครั้งเกินไป" in login(guesser, user).get_data(as_text=True)

    ask(app.test_client(), user.national_id)
    url = link_for(user)
    mail = reset_messages(user.email)[0]
    assert "1-" in mail.body_text and user.national_id not in mail.body_text  # masked
    assert url in mail.body_html and mail.subject

    browser = app.test_client()
    opened = browser.get(path_of(url))
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/password/new")
    assert opened.headers["Cache-Control"] == "no-store"
    form = browser.get("/password/new")
    assert form.status_code == 200 and "ตั้งรหัสผ่านใหม่" in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"
    # The same rules as registration.
    assert "ไม่ตรงกัน" in set_new(browser, NEW, "other-pass-word").get_data(as_text=True)
    assert "รหัสผ่านต้องมีอย่างน้อย 8" in set_new(browser, "short").get_data(as_text=True)
    done = set_new(browser)
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    assert LoginThrottle.select().count() == 0  # the lock and the slow-down are gone
    for client in (phone, office):
        assert client.get("/requests").status_code == 302  # signed out
    assert login(guesser, user, password=NEW).status_code == 302  # lockout lifted
    assert "ไม่ถูกต้อง" in login(app.test_client(), user).get_data(as_text=True)  # old one
    entry = AuditLog.get(AuditLog.action == "password_reset")
    assert entry.target == f"user:{user.id}" and "email_link" in entry.detail
    told = Notification.get((Notification.recipient == user.email)
                            & Notification.subject.contains("เปลี่ยนรหัสผ่าน"))
    assert "สิ้นสุด" in told.body_text


def test_a_link_works_once(app):
    user = make_user()
    ask(app.test_client(), user.national_id)
    url = link_for(user)
    first, second = app.test_client(), app.test_client()
    assert first.get(path_of(url)).status_code == 302
    assert second.get(path_of(url)).status_code == 302  # both tabs opened it
    assert set_new(first).status_code == 302
    late = set_new(second, "another-pass-9")
    assert late.status_code == 410 and "ใช้ไม่ได้" in late.get_data(as_text=True)
    again = app.test_client().get(path_of(url))
    assert again.status_code == 410
    assert login(app.test_client(), user, password=NEW).status_code == 302


def test_an_expired_link_is_refused_and_the_message_gives_bangkok_time(app, bangkok_night):
    import time_machine

    user = make_user()
    ask(app.test_client(), user.national_id)
    url = link_for(user)
    # Asked at 00:30 on 2 Dec in Bangkok (17:30 UTC of the 1st): valid until 01:00.
    assert "2 ธ.ค. 2569, 01:00 น." in reset_messages(user.email)[0].body_text
    with time_machine.travel(HALF_PAST_MIDNIGHT_BANGKOK + dt.timedelta(minutes=29)):
        browser = app.test_client()
        assert browser.get(path_of(url)).status_code == 302
    with time_machine.travel(HALF_PAST_MIDNIGHT_BANGKOK + dt.timedelta(minutes=31)):
        assert app.test_client().get(path_of(url)).status_code == 410
        # Opened in time is not enough: it must be used in time.
        assert set_new(browser).status_code == 410
    assert login(app.test_client(), user).status_code == 302  # password unchanged


@pytest.mark.parametrize("change", [
    lambda u: u[:-1] + ("A" if u[-1] != "A" else "B"),
    lambda u: u[:-5],
    lambda u: u + "x",
    lambda u: u.replace("/password/reset/", "/password/reset/x"),
])
def test_an_altered_link_is_refused(app, change):
    user = make_user()
    ask(app.test_client(), user.national_id)
    browser = app.test_client()
    response = browser.get(path_of(change(link_for(user))))
    assert response.status_code == 410
    assert browser.get("/password/new").status_code == 410
    assert set_new(browser).status_code == 410
    assert PasswordReset.get().used_at is None  # the real link still works


def test_changing_the_password_spends_open_links(app):
    user = make_user()
    ask(app.test_client(), user.national_id)
    url = link_for(user)
    me = app.test_client()
    login(me, user)
    me.post("/password", data={"current": PASSWORD, "password": NEW, "password_again": NEW})
    assert app.test_client().get(path_of(url)).status_code == 410


def test_a_linked_line_gets_the_link_too(app):
    user = make_user(email="")
    ExternalAccount.create(provider="line", subject="U" + "a" * 32, user=user)
    ask(app.test_client(), user.national_id)
    note = Notification.get(Notification.channel == "line")
    assert note.recipient == "U" + "a" * 32
    browser = app.test_client()
    assert browser.get(path_of(LINK.search(note.body_text).group(0))).status_code == 302
    assert set_new(browser).status_code == 302


@pytest.mark.once  # counted by Flask-Limiter, not in the database
def test_asking_is_rate_limited_per_address_and_per_id(app):
    app.config["PASSWORD_RESET_ID_RATE_LIMIT"] = "2 per hour"
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "3 per hour"
    user = make_user()
    unknown = "1101700123456"
    for national_id in (user.national_id, unknown):
        codes = []
        for n in range(3):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.1.{len(national_id)}.{n}"
            codes.append(ask(client, national_id).status_code)
        assert codes == [200, 200, 429], national_id  # the same for a known and unknown ID
    assert len(reset_messages(user.email)) == 2
    one = app.test_client()
    one.environ_base["REMOTE_ADDR"] = "10.2.0.1"
    codes = [ask(one, make_user().national_id).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.once
def test_opening_links_and_trying_codes_is_rate_limited(app):
    app.config["PASSWORD_RESET_TOKEN_RATE_LIMIT"] = "3 per hour"
    client = app.test_client()
    codes = [client.get(f"/password/reset/guess{n}").status_code for n in range(4)]
    assert codes == [410, 410, 410, 429]
    user = make_user()
    tries = [client.post("/password/code", data={"national_id": user.national_id,
                                                 "code": f"1234567{n}"}).status_code
             for n in range(4)]
    assert tries == [200, 200, 200, 429]


# ------------------------------------------------------ counter code ---

@pytest.fixture
def counter(app):
    """A citizen with no e-mail who sent a request to agency alpha; its
    clerk, a clerk of beta."""
    alpha, beta = make_agency("alpha"), make_agency("beta")
    citizen = make_user(email="")
    _client, req = new_certificate(app, citizen)
    clerk, outsider = app.test_client(), app.test_client()
    login(clerk, make_staff(alpha))
    login(outsider, make_staff(beta))
    return {"citizen": citizen, "request": req, "clerk": clerk, "outsider": outsider,
            "alpha": alpha}


def code_on(response) -> str:
    found = re.search(r'id="reset-code">(\d{4}) (\d{4})<', response.get_data(as_text=True))
    return found.group(1) + found.group(2)


def issue(clerk, req, national_id):
    return clerk.post(f"/admin/requests/reset-code/{req.id}",
                      data={"national_id": national_id, "seen": "y"})


def test_counter_staff_give_a_code_the_citizen_sets_a_password_with(app, counter):
    citizen, req, clerk = counter["citizen"], counter["request"], counter["clerk"]
    process = clerk.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert f"/admin/requests/reset-code/{req.id}" in process
    assert clerk.get(f"/admin/requests/reset-code/{req.id}").status_code == 200
    wrong = issue(clerk, req, "1101700123456")
    assert "ไม่ใช่เลขประจำตัวประชาชนของบัญชี" in wrong.get_data(as_text=True)
    unticked = clerk.post(f"/admin/requests/reset-code/{req.id}",
                          data={"national_id": citizen.national_id})
    assert PasswordReset.select().count() == 0 and unticked.status_code == 200

    lost = code_on(issue(clerk, req, citizen.national_id))
    shown = issue(clerk, req, citizen.national_id)
    assert shown.headers["Cache-Control"] == "no-store"
    code = code_on(shown)
    entry = AuditLog.select().where(AuditLog.action == "password_reset_code_issued").first()
    assert entry.agency_id == counter["alpha"].id and entry.target == f"user:{citizen.id}"
    assert code not in entry.detail

    person = app.test_client()
    superseded = person.post("/password/code", data={"national_id": citizen.national_id,
                                                     "code": lost})
    assert "ใช้ไม่ได้" in superseded.get_data(as_text=True)  # only the latest code works
    other = make_user()
    refused = person.post("/password/code", data={"national_id": other.national_id,
                                                  "code": code})
    assert "ใช้ไม่ได้" in refused.get_data(as_text=True)
    typed = person.post("/password/code", data={"national_id": citizen.national_id,
                                                "code": f"{code[:4]} {code[4:]}"})
    assert typed.headers["Location"].endswith("/password/new")
    assert set_new(person).status_code == 302
    assert login(app.test_client(), citizen, password=NEW).status_code == 302
    again = app.test_client().post("/password/code", data={"national_id": citizen.national_id,
                                                           "code": code})
    assert "ใช้ไม่ได้" in again.get_data(as_text=True)


def test_staff_of_another_agency_cannot_give_a_code(app, counter):
    citizen, req, outsider = counter["citizen"], counter["request"], counter["outsider"]
    assert outsider.get(f"/admin/requests/reset-code/{req.id}").status_code == 404
    assert issue(outsider, req, citizen.national_id).status_code == 404
    assert PasswordReset.select().count() == 0


def test_no_counter_code_for_a_staff_account(app, counter):
    """Counter staff must not take over an official's account."""
    official = make_staff(make_agency("gamma"))
    _client, req = new_certificate(app, official)
    page_ = issue(counter["clerk"], req, official.national_id).get_data(as_text=True)
    assert "ผู้ดูแลหน่วยงาน" in page_ and 'id="reset-code"' not in page_
    assert PasswordReset.select().count() == 0


# ------------------------------------------------ agency admin, operator ---

def test_an_agency_admin_sends_a_link_to_their_own_staff_only(app):
    alpha, beta = make_agency("alpha"), make_agency("beta")
    mine, theirs = make_staff(alpha), make_staff(beta)
    admin = app.test_client()
    login(admin, make_staff(alpha, role=AGENCY_ADMIN))
    member = Membership.get(Membership.user == mine)
    foreign = Membership.get(Membership.user == theirs)

    admin.post("/admin/staff/action/", data={"action": "send_password_reset",
                                             "rowid": [foreign.id]})
    assert reset_messages(theirs.email) == [] and PasswordReset.select().count() == 0
    admin.post("/admin/staff/action/", data={"action": "send_password_reset",
                                             "rowid": [member.id, foreign.id]})
    assert PasswordReset.select().count() == 0  # one row not theirs: nothing is done

    admin.post("/admin/staff/action/", data={"action": "send_password_reset",
                                             "rowid": [member.id]})
    mail = reset_messages(mine.email)
    assert len(mail) == 1 and alpha.name_th in mail[0].body_text
    entry = AuditLog.get(AuditLog.action == "password_reset_sent")
    assert entry.agency_id == alpha.id and entry.target == f"user:{mine.id}"
    browser = app.test_client()
    assert browser.get(path_of(link_for(mine))).status_code == 302
    assert set_new(browser).status_code == 302
    assert login(app.test_client(), mine, password=NEW).status_code == 302


def test_the_operator_command_prints_a_link_or_sets_a_password(app):
    user = make_user()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "reset-password", user.national_id])
    assert result.exit_code == 0, result.output
    browser = app.test_client()
    assert browser.get(path_of(LINK.search(result.output).group(0))).status_code == 302
    assert set_new(browser).status_code == 302
    assert login(app.test_client(), user, password=NEW).status_code == 302

    signed_in = app.test_client()
    login(signed_in, user, password=NEW)
    result = runner.invoke(args=["users", "reset-password", user.national_id,
                                 "--set-password"], input="typed-at-console\n" * 2)
    assert result.exit_code == 0, result.output
    assert signed_in.get("/requests").status_code == 302
    assert login(app.test_client(), user, password="typed-at-console").status_code == 302
    unknown = runner.invoke(args=["users", "reset-password", "1101700123456"])
    assert unknown.exit_code != 0 and "no open account" in unknown.output
    short = runner.invoke(args=["users", "reset-password", user.national_id,
                                "--set-password"], input="short\nshort\n")
    assert short.exit_code != 0


def test_wrong_ids_at_the_counter_are_audited_and_soon_stopped(app, counter):
    """A clerk who types ID after ID against a masked one is recorded each
    time and, after a few, refused for a while even with the right ID."""
    from .conftest import new_national_id

    citizen, req, clerk = counter["citizen"], counter["request"], counter["clerk"]
    for _ in range(5):
        page = issue(clerk, req, new_national_id()).get_data(as_text=True)
        assert "ไม่ใช่เลขประจำตัวประชาชนของบัญชีที่ยื่นคำร้องนี้" in page
    assert AuditLog.select().where(AuditLog.action == "password_reset_code_refused").count() == 5
    page = issue(clerk, req, citizen.national_id).get_data(as_text=True)
    assert "กรอกเลขประจำตัวประชาชนไม่ตรงหลายครั้ง" in page
    assert not AuditLog.select().where(AuditLog.action == "password_reset_code_issued").exists()

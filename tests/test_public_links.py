"""Host-header poisoning (penetration test finding 6): every link that
leaves the browser — e-mail, LINE, PDFs, QR codes, an identity provider's
return address — is built on PUBLIC_BASE_URL alone, whatever Host the request
named; a host the portal does not serve is refused before any view runs; and
a production start without the public address does not start."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.models import Attachment, IssuedDocument, Notification, Request
from portal.ops.migrate import upgrade
from portal.plugins.manager import plugin_manager

from .conftest import CAPTCHA_TEXT, login, make_agency, make_config, make_user
from .helpers.certificate import new_certificate
from .helpers.client import TOKEN, CSRFClient
from .helpers.files import make_pdf
from .helpers.send import send_form
from .test_printing import pdf_text

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://eservice.example.go.th"
REFUSED = "กรุณาเปิดระบบจากที่อยู่เว็บไซต์ทางการ"  # the Thai 400 page
GUEST = {"phone": "0812345678", "title": "นาย", "first_name": "แขก", "last_name": "ผู้มาเยือน",
         "email": "guest@example.com", "subject": "ถนน", "details": "หลุม"}
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def app_config(tmp_path: Any, migrated_db: Any) -> dict[str, Any]:
    """The public address is not the test client's host; localhost is a
    second trusted name, as an intranet name beside the public one is."""
    return make_config(tmp_path, migrated=True, PUBLIC_BASE_URL=PUBLIC, TRUSTED_HOSTS="localhost")


def started(tmp_path: Path, **extra: Any) -> Flask:
    app = create_app(make_config(tmp_path, migrated=True, **extra))
    app.test_client_class = CSRFClient
    with app.app_context():
        upgrade(plugin_manager())
    return app


def guest_petition(client: FlaskClient, agency_code: str, base_url: str) -> list[Any]:
    """A guest's whole visit on one host: the form, the robot check, the send."""
    form = client.get(f"/requests/new/{agency_code}/petition", base_url=base_url)
    token = TOKEN.search(form.get_data(as_text=True))
    captcha = client.get("/captcha.png", base_url=base_url)
    sent = send_form(client, f"/requests/new/{agency_code}/petition", base_url=base_url, csrf=False,
                       data={**GUEST, "captcha": CAPTCHA_TEXT,
                             "csrf_token": token.group(1) if token else ""},
                       content_type="multipart/form-data")
    return [form, captcha, sent]


def links_in_outbox() -> list[str]:
    return [u for n in Notification.select()
            for u in URL.findall(n.body_text + " " + n.body_html)]


# ------------------------------------------------------------ the hosts ---


def test_a_guest_petition_for_a_foreign_host_is_refused_and_queues_nothing(tmp_path,
                                                                           migrated_db):
    """The pentest's request: a whole guest visit with ``Host: evil.example``."""
    app = started(tmp_path)  # PUBLIC_BASE_URL http://localhost, no other trusted host
    with app.app_context():
        make_agency("evil-tambon", services=("petition",))
    answers = guest_petition(app.test_client(), "evil-tambon", "http://evil.example")
    assert [r.status_code for r in answers] == [400, 400, 400]
    assert REFUSED in answers[0].get_data(as_text=True)
    assert "evil.example" not in answers[0].get_data(as_text=True)
    with app.app_context():
        assert Request.select().count() == 0
        assert Notification.select().count() == 0


def test_through_a_trusted_host_the_guest_e_mail_links_to_the_public_address(app):
    make_agency("mail-tambon", services=("petition",))
    form, _captcha, sent = guest_petition(app.test_client(), "mail-tambon", "http://localhost")
    assert form.status_code == 200 and sent.status_code == 302
    req = Request.get()
    mail = Notification.get(Notification.recipient == "guest@example.com")
    assert f"{PUBLIC}/status?ref={req.reference}" in mail.body_text
    assert f'href="{PUBLIC}/status?ref={req.reference}"' in mail.body_html
    links = links_in_outbox()
    assert links and all(u.startswith(PUBLIC + "/") for u in links), links


def test_trusted_hosts_come_from_the_environment_as_a_comma_list(tmp_path, migrated_db,
                                                                  monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", " intranet.example.go.th, 10.0.0.5 ,")
    app = started(tmp_path)
    assert app.config["TRUSTED_HOSTS"] == ["localhost", "intranet.example.go.th", "10.0.0.5"]
    client = app.test_client()
    assert client.get("/", base_url="http://intranet.example.go.th").status_code == 200
    assert client.get("/", base_url="http://10.0.0.5:8080").status_code == 200
    assert client.get("/", base_url="http://localhost:5000").status_code == 200  # any port
    assert client.get("/", base_url="http://evil.example").status_code == 400
    assert client.get("/", base_url="http://intranet.example.go.th.evil.example"
                      ).status_code == 400


def test_behind_a_proxy_the_forwarded_host_is_the_one_checked(tmp_path, migrated_db):
    app = started(tmp_path, PUBLIC_BASE_URL=PUBLIC, TRUST_PROXY_HEADERS=True)
    client = app.test_client()
    through = client.get("/", headers={"X-Forwarded-Host": "eservice.example.go.th",
                                       "X-Forwarded-Proto": "https",
                                       "X-Forwarded-For": "203.0.113.9"})
    assert through.status_code == 200
    assert "Strict-Transport-Security" in through.headers  # the proxy's HTTPS still counts
    poisoned = client.get("/", headers={"X-Forwarded-Host": "evil.example",
                                        "X-Forwarded-Proto": "https"})
    assert poisoned.status_code == 400 and REFUSED in poisoned.get_data(as_text=True)
    # The internal name the proxy talks to is no public host unless listed.
    assert client.get("/").status_code == 400


# ------------------------------------------------------------ the links ---


def test_a_printed_pdf_has_its_qr_and_verification_links_on_the_public_address(
        app, world, monkeypatch):
    from portal.files.printing import qr_svg_data_uri
    from portal.requests import pages as request_pages

    encoded: list[str] = []
    monkeypatch.setattr(request_pages, "qr_svg_data_uri",
                        lambda text: encoded.append(text) or qr_svg_data_uri(text))
    client, req = new_certificate(app, world["citizen"])
    pdf = client.get(f"/requests/{req.reference}/print")  # asked on localhost
    assert pdf.status_code == 200
    document = IssuedDocument.get(IssuedDocument.title == f"print:{req.reference}")
    assert encoded == [f"{PUBLIC}/status?ref={req.reference}", f"{PUBLIC}/verify/{document.code}"]
    text = pdf_text(pdf.data).replace("\n", "")
    assert f"{PUBLIC}/verify/{document.code}" in text and f"{PUBLIC}/status" in text
    assert "localhost" not in text


def test_a_result_file_is_stamped_with_the_public_verification_link(app, world, monkeypatch):
    from portal.files import verify
    from portal.files.printing import qr_svg_data_uri

    encoded: list[str] = []
    monkeypatch.setattr(verify, "qr_svg_data_uri",
                        lambda text: encoded.append(text) or qr_svg_data_uri(text))
    _c, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "", "version": req.version,
        "result": (io.BytesIO(make_pdf("ผล")), "ผล.pdf")}, content_type="multipart/form-data")
    document = IssuedDocument.get(IssuedDocument.title.startswith("result:"))
    assert encoded == [f"{PUBLIC}/verify/{document.code}"]
    citizen = app.test_client()
    login(citizen, world["citizen"])
    data = citizen.get(f"/files/{Attachment.get(Attachment.is_result).id}").data
    assert f"{PUBLIC}/verify/{document.code}" in pdf_text(data).replace("\n", "")


def test_the_survey_link_is_on_the_public_address(app, world):
    citizen = make_user(email="rate@example.com")
    _client, req = new_certificate(app, citizen)
    staff = app.test_client()
    login(staff, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "completed", "message": "", "version": req.version})
    invite = Notification.get((Notification.recipient == "rate@example.com")
                              & Notification.subject.contains("ประเมินความพึงพอใจ"))
    link = next(u for u in URL.findall(invite.body_text) if "/survey/" in u)
    assert link.startswith(f"{PUBLIC}/survey/")
    # The path under the public address is the page that answers it.
    assert app.test_client().get(link.removeprefix(PUBLIC)).status_code == 200
    links = links_in_outbox()
    assert all(u.startswith(PUBLIC + "/") for u in links), links


def test_a_change_made_outside_any_web_request_still_links_to_the_public_address(app, world):
    """A job or a command has no request to take a host from, and needs none."""
    from portal.requests.submission import staff_change

    citizen = make_user(email="offline@example.com")
    _client, req = new_certificate(app, citizen)
    with app.app_context():  # what a job has, and no request
        staff_change(Request.get_by_id(req.id), "completed", world["staff"], "", req.version)
    bodies = [n.body_text for n in Notification.select().where(
        Notification.recipient == "offline@example.com")]
    assert any(f"{PUBLIC}/status?ref={req.reference}" in b for b in bodies)
    assert any(f"{PUBLIC}/survey/" in b for b in bodies)


def test_the_poster_link_and_the_identity_provider_return_address(app, world, issuer):
    from plugins.oidc.models import OidcProvider

    poster = app.test_client().get("/poster/alpha/certificate.pdf")
    assert f"{PUBLIC}/s/alpha/certificate" in pdf_text(poster.data).replace("\n", "")
    OidcProvider.create(name="thaid", label="ThaID", issuer=issuer, client_id="portal-test",
                        client_secret="test-secret", scopes="openid profile email pid")
    to_provider = app.test_client().get("/signin/oidc/thaid")
    query = parse_qs(urlsplit(to_provider.headers["Location"]).query)
    assert query["redirect_uri"] == [f"{PUBLIC}/signin/oidc/thaid/callback"]


def test_the_personal_data_copy_links_to_the_public_address(app, world):
    client, req = new_certificate(app, world["citizen"])
    data = client.get("/account/data.json").get_json()
    mine = next(q for q in data["requests"] if q["reference"] == req.reference)
    assert mine["status_check"] == f"{PUBLIC}/status?ref={req.reference}"
    assert mine["files"] and all(f["download"].startswith(f"{PUBLIC}/files/")
                                 for f in mine["files"])


def test_without_a_public_address_no_link_is_guessed_from_the_host(tmp_path, migrated_db):
    from portal.base.links import public_url

    app = started(tmp_path, PUBLIC_BASE_URL="")  # a test start: allowed, but no links
    with app.test_request_context("/", base_url="http://evil.example"):
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            public_url("public.status_check")


def test_a_public_address_under_a_path_keeps_its_path(tmp_path, migrated_db):
    from portal.base.links import public_url

    app = started(tmp_path, PUBLIC_BASE_URL="https://www.example.go.th/eservice/")
    with app.app_context():
        assert (public_url("public.status_check", ref="AB-1")
                == "https://www.example.go.th/eservice/status?ref=AB-1")


def test_no_other_code_builds_a_link_from_the_request_host():
    """A new ``request.host_url`` / ``url_root`` / ``url_for(..., _external=True)``
    anywhere but portal/base/links.py fails here: use ``portal.base.links.public_url``."""
    pattern = re.compile(r"host_url|url_root|_external\s*=")
    allowed = {ROOT / "portal" / "base" / "links.py"}
    found = []
    for folder, suffixes in (("portal", {".py", ".html", ".txt"}),
                             ("plugins", {".py", ".html", ".txt"}),
                             ("templates", {".html", ".txt", ".xml"})):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in suffixes or path in allowed or "migrations" in path.parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


# ------------------------------------------------------- the production start ---


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as a WSGI server sees it: no flask command, no debug."""
    for name in ("FLASK_RUN_FROM_CLI", "FLASK_DEBUG", "PUBLIC_BASE_URL", "TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)


def test_a_production_start_without_the_public_address_refuses(tmp_path, production):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(make_config(tmp_path, TESTING=False, PUBLIC_BASE_URL=""))
    for wrong in ("eservice.example.go.th", "ftp://eservice.example.go.th",
                  "https://eservice.example.go.th/?next=x", "https://"):
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            create_app(make_config(tmp_path, TESTING=False, PUBLIC_BASE_URL=wrong))
    create_app(make_config(tmp_path, TESTING=False, PUBLIC_BASE_URL=PUBLIC))
    # Not production: the test suite and a debug start.
    create_app(make_config(tmp_path, PUBLIC_BASE_URL=""))
    create_app(make_config(tmp_path, TESTING=False, DEBUG=True, PUBLIC_BASE_URL=""))


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("FLASK_RUN_FROM_CLI", "FLASK_DEBUG", "PUBLIC_BASE_URL",
                          "TRUSTED_HOSTS")}
    clean.update(PORTAL_INSTANCE_DIR=str(tmp_path), SECRET_KEY="x",
                 DATABASE_URL=f"sqlite:///{tmp_path / 'portal.db'}",
                 UPLOAD_DIR=str(tmp_path / "uploads"), JOBS_DB=str(tmp_path / "jobs.db"), **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=300)


def test_gunicorn_refuses_without_the_public_address_and_flask_commands_do_not(tmp_path):
    """``gunicorn wsgi:app`` imports wsgi.py outside the flask command; the
    flask command (``db upgrade``, ``jobs``, ``run`` for the demo) does not."""
    served = _run(["-c", "import wsgi"], tmp_path)
    assert served.returncode != 0 and "PUBLIC_BASE_URL" in served.stderr
    upgraded = _run(["-m", "flask", "--app", "wsgi", "db", "upgrade"], tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    assert _run(["-c", "import wsgi"], tmp_path, PUBLIC_BASE_URL=PUBLIC).returncode == 0

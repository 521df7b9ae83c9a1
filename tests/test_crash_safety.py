"""Nothing half-saved: a failure at any point of a submission or of a status
change with a result file leaves everything as before — no request without
its files, no file without its row — and the next attempt works. A process
killed mid-transaction leaves only orphan files, which the sweep removes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from portal.base import audit
from portal.files import uploads, verify
from portal.files.uploads import FileStore
from portal.models import Attachment, AuditLog, IssuedDocument, Notification, Request, StatusEvent
from portal.requests import notify
from portal.requests.lifecycle import Status

from .conftest import PASSWORD_HASH, login, make_staff
from .helpers.certificate import new_certificate, submit_certificate
from .helpers.files import make_pdf

ROOT = Path(__file__).resolve().parent.parent
SORRY = "ระบบขัดข้อง ข้อมูลยังไม่ได้บันทึก"


def _disk(app) -> list[str]:
    """Files saved for good: those held for a form not yet confirmed
    (portal.requests.drafts) belong to that form, not to any request."""
    from portal.models import HeldFile

    held = {h.stored_name for h in HeldFile.select()}
    return sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).rglob("*")
                  if p.is_file() and p.name not in held)


def _rows() -> dict[str, int]:
    return {"requests": Request.select().count(), "events": StatusEvent.select().count(),
            "files": Attachment.select().count(), "mail": Notification.select().count(),
            "documents": IssuedDocument.select().count(),
            "audit": AuditLog.select().where(AuditLog.action.in_(
                ["request_submitted", "status_changed"])).count()}


def _fail_on_nth_write(monkeypatch, n: int) -> None:
    real = FileStore.write
    calls = {"n": 0}

    def write(self: FileStore, checked: Any) -> str:
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(28, "No space left on device")
        return real(self, checked)

    monkeypatch.setattr(FileStore, "write", write)


def _fail_on(monkeypatch, module: Any, name: str, when: Any = lambda *a, **k: True) -> None:
    real = getattr(module, name)

    def broken(*args: Any, **kwargs: Any) -> Any:
        if when(*args, **kwargs):
            raise RuntimeError(f"injected failure in {name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, broken)


SUBMIT_CRASHES = {
    # The request row exists, the first file is written and recorded.
    "writing the second file": lambda mp: _fail_on_nth_write(mp, 2),
    # Files and rows all written; the audit line comes last but one.
    "recording the audit line": lambda mp: _fail_on(
        mp, audit, "record", lambda action, *a, **k: action == "request_submitted"),
    # Everything written; queueing the e-mail is the last step before commit.
    "queueing the e-mail": lambda mp: _fail_on(mp, notify, "request_changed"),
}


@pytest.fixture
def shaky(app):
    """The app answering an unforeseen error as a person would see it."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.parametrize("point", SUBMIT_CRASHES)
def test_a_submission_failing_anywhere_saves_nothing(shaky, world, monkeypatch, point):
    app = shaky
    client = app.test_client()
    login(client, world["citizen"])
    new_certificate(app, world["citizen"])  # an earlier request whose files must stay
    before_rows, before_disk = _rows(), _disk(app)
    assert len(before_disk) == 2

    with monkeypatch.context() as mp:
        SUBMIT_CRASHES[point](mp)
        r = submit_certificate(client, "alpha")
    assert r.status_code == 500
    assert SORRY in r.get_data(as_text=True)
    assert _rows() == before_rows
    assert _disk(app) == before_disk

    r = submit_certificate(client, "alpha")  # the same person tries again
    assert r.status_code == 302
    assert _rows()["requests"] == before_rows["requests"] + 1
    assert len(_disk(app)) == 4


RESULT_CRASHES = {
    "writing the result file": lambda mp: _fail_on_nth_write(mp, 1),
    "sealing its verification code": lambda mp: _fail_on(mp, verify, "seal"),
    "queueing the e-mail": lambda mp: _fail_on(mp, notify, "request_changed"),
}


@pytest.mark.parametrize("point", RESULT_CRASHES)
def test_completing_with_a_result_file_failing_anywhere_changes_nothing(shaky, world,
                                                                        monkeypatch, point):
    app = shaky
    citizen, req = new_certificate(app, world["citizen"])
    clerk = app.test_client()
    login(clerk, world["staff"])
    before_rows, before_disk = _rows(), _disk(app)

    def complete() -> Any:
        return clerk.post(f"/admin/requests/process/{req.id}", data={
            "status": Status.COMPLETED, "message": "ออกหนังสือรับรองแล้ว",
            "version": req.version, "result": (io.BytesIO(make_pdf()), "หนังสือรับรอง.pdf")},
            content_type="multipart/form-data")

    with monkeypatch.context() as mp:
        RESULT_CRASHES[point](mp)
        r = complete()
    assert r.status_code == 500 and SORRY in r.get_data(as_text=True)
    again = Request.get_by_id(req.id)
    assert (again.status, again.version, again.staff_message) == (
        Status.SUBMITTED, req.version, req.staff_message)
    assert _rows() == before_rows
    assert _disk(app) == before_disk
    page = citizen.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "หนังสือรับรอง.pdf" not in page

    assert complete().status_code == 302  # the clerk saves again
    done = Request.get_by_id(req.id)
    assert done.status == Status.COMPLETED
    result = Attachment.get((Attachment.request == req) & Attachment.is_result)
    assert citizen.get(f"/files/{result.id}").status_code == 200


# A process killed between writing files and committing: run the portal in
# a child process that dies (os._exit, no cleanup, no rollback call) at the
# injected point, then look at what it left.
CHILD = textwrap.dedent("""
    import io, json, os, sys
    config = json.loads(sys.argv[1])
    mode = sys.argv[2]
    from portal import create_app
    from portal.requests import notify
    from portal.identity import captcha
    captcha.random_text = lambda: "24680"
    from tests.helpers.certificate import certificate_data
    from tests.helpers.files import make_pdf
    from tests.helpers.send import send_form

    from tests.helpers.client import CSRFClient

    app = create_app(config)
    app.test_client_class = CSRFClient
    # Dies after the files are written, before the transaction commits.
    notify.request_changed = lambda *a, **k: os._exit(9)
    client = app.test_client()
    client.get("/captcha.png")
    login = config["LOGIN"]
    r = client.post("/login", data={"national_id": login, "password": "correct-horse-9",
                                    "captcha": "24680"})
    print("login", r.status_code, file=sys.stderr)
    if mode == "submit":
        r = send_form(client, "/requests/new/alpha/certificate", data=certificate_data(),
                    content_type="multipart/form-data")
    else:
        r = client.post("/admin/requests/process/" + config["REQUEST_ID"], data={
            "status": "completed", "message": "", "version": config["VERSION"],
            "result": (io.BytesIO(make_pdf()), "result.pdf")},
            content_type="multipart/form-data")
    print(r.status_code, r.get_data(as_text=True)[-2000:], file=sys.stderr)
    sys.stderr.flush()
    os._exit(0)  # not reached if the injected death happened
""")


def _run_child(app, mode: str, **extra: str) -> tuple[int, str]:
    config = {k: app.config[k] for k in ("DATABASE_URL", "UPLOAD_DIR", "SECRET_KEY",
                                         "SERVER_NAME", "PUBLIC_BASE_URL")}
    config.update(TESTING=True, JOBS_IMMEDIATE=True,
                  JOBS_DB=str(Path(app.config["UPLOAD_DIR"]).parent / "jobs.db"), **extra)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run([sys.executable, "-c", CHILD, json.dumps(config), mode],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode != 1, child.stderr[-3000:]  # a Python error, not the death
    return child.returncode, child.stderr[-3000:]


@pytest.mark.parametrize("mode", ["submit", "result"])
def test_a_killed_process_leaves_only_orphan_files_that_the_sweep_removes(app, world, mode):
    from portal.models import User

    User.update(password_hash=PASSWORD_HASH).execute()
    citizen, req = new_certificate(app, world["citizen"])
    before_rows, before_disk = _rows(), _disk(app)
    who = world["citizen"] if mode == "submit" else world["staff"]
    code, stderr = _run_child(app, mode, LOGIN=who.national_id, REQUEST_ID=str(req.id),
                      VERSION=str(req.version))
    assert code == 9, stderr  # it really died at the injected point
    assert _rows() == before_rows  # the database never saw the half-done work
    orphans = sorted(set(_disk(app)) - set(before_disk))
    # A request's files were written and held at the form's round; its
    # confirm writes none (they stay held for the person to press again).
    assert len(orphans) == (0 if mode == "submit" else 1)

    with app.app_context():
        assert uploads.sweep_orphans(min_age_seconds=3600) == []  # too young to judge
        assert sorted(uploads.sweep_orphans(min_age_seconds=0)) == orphans
    assert _disk(app) == before_disk
    for a in list(Attachment.select()):  # every file a row points at is still there
        assert citizen.get(f"/files/{a.id}").status_code == 200

    # The portal carries on: the same actions now go through.
    if mode == "submit":
        assert submit_certificate(citizen, "alpha").status_code == 302
    else:
        clerk = app.test_client()
        login(clerk, world["staff"])
        r = clerk.post(f"/admin/requests/process/{req.id}", data={
            "status": Status.COMPLETED, "message": "", "version": req.version,
            "result": (io.BytesIO(make_pdf()), "result.pdf")},
            content_type="multipart/form-data")
        assert r.status_code == 302
        assert Request.get_by_id(req.id).status == Status.COMPLETED


def test_the_sweep_keeps_every_file_a_plugin_row_points_at(app, world):
    """KPI documents and e-Government announcements are not attachments:
    the sweep finds them through their stored_name column."""
    import datetime as dt

    from plugins.egov import rules as egov
    from portal.files.uploads import CheckedFile

    admin = make_staff(world["agency"], role="agency_admin")
    pdf = CheckedFile(make_pdf(), "ประกาศ.pdf", "application/pdf", "pdf")
    with app.test_request_context():
        announcement = egov.upload(world["agency"], "s10", pdf, dt.date(2026, 1, 5), admin)
        kept = _disk(app)
        assert announcement.stored_name in kept
        stray = Path(app.config["UPLOAD_DIR"]) / "zz" / ("z" * 32 + ".pdf")
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(make_pdf())
        part = Path(app.config["UPLOAD_DIR"]) / "zz" / ("y" * 32 + ".part")
        part.write_bytes(b"half a file")
        assert sorted(uploads.sweep_orphans(0)) == sorted([stray.name, part.name])
    assert _disk(app) == kept


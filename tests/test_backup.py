"""A backup archive of a busy office goes back into an empty install with
every row and every file; a restore refuses an install that has data."""

from __future__ import annotations

import io
import tarfile

from portal import create_app
from portal.models import Attachment, AuditLog, Request, StatusEvent, User
from portal.ops.demo import load_demo
from portal.requests.lifecycle import Status

from .conftest import PASSWORD_HASH, login, make_config
from .helpers.certificate import new_certificate
from .helpers.counts import kept_counts, true_counts
from .helpers.files import make_pdf


def _busy_office(app):
    with app.app_context():
        load_demo(app)
    User.update(password_hash=PASSWORD_HASH).execute()
    citizen = User.get(User.national_id == "1101700123456")
    staff = User.get(User.national_id == "3100500123458")
    _c, req = new_certificate(app, citizen, agency_code="demo")
    clerk = app.test_client()
    login(clerk, staff)
    clerk.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.COMPLETED, "message": "เสร็จแล้ว", "version": req.version,
        "result": (io.BytesIO(make_pdf("ผล")), "ผล.pdf")}, content_type="multipart/form-data")
    return citizen, Request.get_by_id(req.id)


def _snapshot(app) -> dict:
    from portal.plugins.manager import all_models

    with app.app_context():
        tables = {m._meta.table_name: list(m.select().order_by(*m._meta.get_primary_keys()).dicts())
                  for m in all_models() if not getattr(m._meta, "derived", False)}
        tables["request_count"] = kept_counts()
        assert tables["request_count"] == true_counts()
        return tables


def test_round_trip_into_an_empty_install(app, tmp_path, migrated_db):
    citizen, req = _busy_office(app)
    before = _snapshot(app)
    archive = tmp_path / "office.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert "files" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "tables/request.jsonl" in names

    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = create_app(make_config(fresh_dir, migrated=True))
    fresh.test_client_class = app.test_client_class
    runner = fresh.test_cli_runner()
    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    after = _snapshot(fresh)
    assert after == before
    with fresh.app_context():
        for attachment in Attachment.select():
            from portal.files import uploads

            assert uploads.store().path(attachment.stored_name).is_file()
    # The restored office works: the requester signs in and downloads the result.
    client = fresh.test_client()
    assert login(client, citizen).status_code == 302
    result_file = Attachment.get((Attachment.request == req.id) & (Attachment.slot == "result"))
    download = client.get(f"/files/{result_file.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert client.get(f"/requests/{req.reference}").status_code == 200
    # New rows get new ids after the restored ones.
    _c, second = new_certificate(fresh, citizen, agency_code="demo")
    assert second.id > req.id
    assert StatusEvent.select().where(StatusEvent.request == req.id).count() == 2

    again = runner.invoke(args=["backup", "restore", str(archive)])
    assert again.exit_code != 0 and "empty" in again.output


def test_a_tampered_archive_changes_nothing(app, tmp_path, migrated_db):
    _busy_office(app)
    archive = tmp_path / "office.tar.gz"
    app.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(broken, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "tables/status_event.jsonl":
                data = data.replace(b'"request": ', b'"request": 9999', 1)  # dangling row
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = create_app(make_config(fresh_dir, migrated=True, UPLOAD_DIR=str(fresh_dir / "uploads")))
    result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(broken)])
    assert result.exit_code != 0
    with fresh.app_context():
        assert Request.select().count() == 0 and AuditLog.select().count() == 0
    assert not (fresh_dir / "uploads").exists()

"""Attachments in an S3-compatible object store, for web processes on several
machines: two "hosts" (two apps with their own local folders) on one database
and one bucket, served by a real S3 server on loopback (moto in server mode).
"""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest

from portal import create_app
from portal.files import uploads
from portal.models import Attachment, Request
from portal.requests.lifecycle import Status

from .conftest import login, make_agency, make_config, make_staff, make_user
from .helpers.certificate import new_certificate
from .helpers.client import CSRFClient
from .helpers.files import make_pdf


def _objects(s3) -> dict[str, bytes]:
    client, bucket = s3["client"], s3["bucket"]
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: client.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


@pytest.fixture
def hosts(tmp_path, migrated_db, s3_bucket):
    """Two web hosts: one database, one bucket, separate local disks."""
    shared = make_config(tmp_path, migrated=True, **s3_bucket["config"])
    apps = []
    for name in ("a", "b"):
        app = create_app({**shared, "UPLOAD_DIR": str(tmp_path / f"disk-{name}")})
        app.test_client_class = CSRFClient
        apps.append(app)
    return apps


def test_a_file_sent_to_one_host_is_served_by_the_other(hosts, s3_bucket, tmp_path):
    host_a, host_b = hosts
    with host_a.app_context():
        agency = make_agency("alpha")
        citizen = make_user()
        clerk = make_staff(agency)
    _client, req = new_certificate(host_a, citizen)
    with host_a.app_context():
        files = list(Attachment.select().where(Attachment.request == req.id))
    assert len(files) == 2
    stored = _objects(s3_bucket)
    assert len(stored) == 2 and all(k.startswith("files/") for k in stored)
    # Nothing went to either machine's own disk.
    assert not (tmp_path / "disk-a").exists() and not (tmp_path / "disk-b").exists()

    on_b = host_b.test_client()
    login(on_b, citizen)
    for attachment in files:
        page = on_b.get(f"/files/{attachment.id}")
        assert page.status_code == 200
        assert hashlib.sha256(page.data).hexdigest() == attachment.sha256
        assert attachment.stored_name in "".join(stored)

    # The clerk completes on host B with a result; the citizen downloads it on A.
    staff_b = host_b.test_client()
    login(staff_b, clerk)
    result = make_pdf("ผลการพิจารณา")
    answer = staff_b.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.IN_PROGRESS, "message": "รับเรื่อง", "version": req.version},
        content_type="multipart/form-data")
    assert answer.status_code == 302
    with host_b.app_context():
        version = Request.get_by_id(req.id).version
    staff_b.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.COMPLETED, "message": "เสร็จแล้ว", "version": version,
        "result": (io.BytesIO(result), "ผล.pdf")}, content_type="multipart/form-data")
    with host_a.app_context():
        kept = Attachment.get((Attachment.request == req.id) & Attachment.is_result)
    on_a = host_a.test_client()
    login(on_a, citizen)
    download = on_a.get(f"/files/{kept.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert hashlib.sha256(download.data).hexdigest() == kept.sha256
    assert len(_objects(s3_bucket)) == 3
    # A stranger still gets nothing, whichever host they ask.
    stranger = host_b.test_client()
    login(stranger, make_user())
    assert stranger.get(f"/files/{kept.id}").status_code == 404


def test_sweep_removes_only_objects_no_row_points_at(hosts, s3_bucket):
    host_a, _host_b = hosts
    with host_a.app_context():
        make_agency("alpha")
        citizen = make_user()
    new_certificate(host_a, citizen)
    with host_a.app_context():
        store = uploads.store()
        orphan = store.write(uploads.CheckedFile(make_pdf("orphan"), "x.pdf",
                                                 "application/pdf", "pdf"))
        assert store.exists(orphan)
        assert uploads.sweep_orphans(min_age_seconds=3600) == []  # too young to go
        assert uploads.sweep_orphans(min_age_seconds=-5) == [orphan]
        assert not store.exists(orphan)
        kept = [a.stored_name for a in Attachment.select()]
        assert all(store.exists(name) for name in kept) and len(kept) == 2


def test_backup_from_the_object_store_restores_into_a_folder(hosts, s3_bucket, tmp_path):
    host_a, _host_b = hosts
    with host_a.app_context():
        make_agency("alpha")
        citizen = make_user()
    _c, req = new_certificate(host_a, citizen)
    archive = tmp_path / "office.tar.gz"
    result = host_a.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        assert len([n for n in tar.getnames() if n.startswith("uploads/")]) == 2

    folder = tmp_path / "restored"
    local = create_app(make_config(folder, migrated=True, UPLOAD_DIR=str(folder / "uploads")))
    restored = local.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    with local.app_context():
        for attachment in Attachment.select().where(Attachment.request == req.id):
            data = uploads.store().path(attachment.stored_name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == attachment.sha256


def test_a_wrong_storage_url_stops_with_a_clear_message(app):
    app.config["STORAGE_URL"] = "s3://"
    with app.app_context(), pytest.raises(RuntimeError, match="s3://bucket/prefix"):
        uploads.store()

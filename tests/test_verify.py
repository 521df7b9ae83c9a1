"""Verifiable documents: printed requests and result files carry a code and
QR code; the public page confirms them; a changed file does not verify."""

from __future__ import annotations

import io

from portal.files import uploads
from portal.models import Attachment, IssuedDocument

from .conftest import login
from .helpers.certificate import new_certificate
from .helpers.files import make_pdf, make_png
from .test_printing import pdf_text


def test_printed_request_verifies_and_a_tampered_copy_does_not(app, world):
    client, req = new_certificate(app, world["citizen"])
    pdf = client.get(f"/requests/{req.reference}/print").data
    document = IssuedDocument.get(IssuedDocument.request == req)
    text = pdf_text(pdf)
    assert document.code in text and f"/verify/{document.code}" in text
    public = app.test_client()
    page = public.get(f"/verify/{document.code}").get_data(as_text=True)
    assert req.reference in page and "หนังสือรับรอง" in page and document.sha256 in page
    assert "สมชาย" not in page  # no personal data on the public page
    ok = public.post(f"/verify/{document.code}",
                     data={"file": (io.BytesIO(pdf), "copy.pdf")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "ตรงกับเอกสารที่ออกโดยระบบทุกประการ" in ok and "ไม่ตรง" not in ok
    tampered = pdf.replace(b"%%EOF", b"% changed\n%%EOF")
    bad = public.post(f"/verify/{document.code}",
                      data={"file": (io.BytesIO(tampered), "copy.pdf")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "ไม่ตรงกับเอกสารที่ออก" in bad and "ทุกประการ" not in bad
    assert "ไม่พบเอกสาร" in public.get("/verify/NOSUCHCODE").get_data(as_text=True)


def test_result_files_carry_their_code(app, world):
    _c, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "", "version": req.version,
        "result": (io.BytesIO(make_pdf("ผล")), "ผล.pdf")}, content_type="multipart/form-data")
    result = Attachment.get(Attachment.is_result)
    document = IssuedDocument.get(IssuedDocument.title.startswith("result:"))
    assert document.sha256 == result.sha256
    citizen = app.test_client()
    login(citizen, world["citizen"])
    data = citizen.get(f"/files/{result.id}").data
    assert document.code in pdf_text(data)
    view = citizen.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert document.code in view
    verdict = app.test_client().post(f"/verify/{document.code}", data={
        "file": (io.BytesIO(data), "x.pdf")}, content_type="multipart/form-data")
    text = verdict.get_data(as_text=True)
    assert "ทุกประการ" in text and "ไม่ตรง" not in text


def test_an_image_result_is_registered_without_stamping(app, world):
    _c, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    png = make_png()
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "", "version": req.version,
        "result": (io.BytesIO(png), "ผล.png")}, content_type="multipart/form-data")
    from portal.files.verify import check

    document = IssuedDocument.get(IssuedDocument.title.startswith("result:"))
    # What the requester downloads: the picture as the portal re-saved it.
    result = Attachment.get((Attachment.request == req) & (Attachment.slot == "result"))
    with app.app_context():
        kept = uploads.store().path(result.stored_name).read_bytes()
        assert kept.startswith(b"\x89PNG")
        assert check(document.code, kept) and not check(document.code, kept + b"x")


def test_printing_the_same_version_again_issues_the_same_document(app, world):
    """Every print of an unchanged request is the same verified document:
    one row, the same bytes, and the first printout still verifies."""
    client, req = new_certificate(app, world["citizen"])
    first = client.get(f"/requests/{req.reference}/print").data
    again = client.get(f"/requests/{req.reference}/print").data
    assert first == again
    assert IssuedDocument.select().where(IssuedDocument.request == req).count() == 1
    staff = app.test_client()
    login(staff, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "in_progress", "message": "", "version": req.version})
    changed = client.get(f"/requests/{req.reference}/print").data
    assert changed != first
    documents = list(IssuedDocument.select().where(IssuedDocument.request == req)
                     .order_by(IssuedDocument.id))
    assert len(documents) == 2
    public = app.test_client()
    for document, pdf in zip(documents, (first, changed), strict=True):
        page = public.post(f"/verify/{document.code}",
                           data={"file": (io.BytesIO(pdf), "copy.pdf")},
                           content_type="multipart/form-data").get_data(as_text=True)
        assert "ตรงกับเอกสารที่ออกโดยระบบทุกประการ" in page


def test_printing_is_rate_limited_per_person(app, world):
    """A PDF costs a quarter of a second of a worker: one person cannot keep
    a server rendering, and does not use up another person's prints."""
    app.config["PRINT_RATE_LIMIT"] = "2 per minute"
    client, req = new_certificate(app, world["citizen"])
    answers = [client.get(f"/requests/{req.reference}/print").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    staff = app.test_client()
    login(staff, world["staff"])
    assert staff.get(f"/requests/{req.reference}/print").status_code == 200

"""Thai PDFs: marks survive, the request prints with its reference number."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from portal.printing import render_pdf

from .conftest import login
from .helpers.certificate import new_certificate

STACKED = "ที่ น้ำ ผู้ใหญ่ ปี่ ซ้ำ กี่ปี่"


def readable(text: str) -> str:
    """What a person copying from the PDF gets, in canonical Thai: SARA AM
    recomposed and runs of spaces (pypdf's positioning guesses) folded."""
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def pdf_text(data: bytes) -> str:
    return readable("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_stacked_thai_marks_come_back_unchanged():
    pdf = render_pdf(f"<html><body><p>{STACKED}</p></body></html>")
    assert pdf.startswith(b"%PDF")
    assert STACKED in pdf_text(pdf)
    fonts = {str(f) for page in PdfReader(io.BytesIO(pdf)).pages
             for f in page["/Resources"]["/Font"].values()
             for f in [f.get_object()["/BaseFont"]]}
    assert any("Sarabun" in f for f in fonts), fonts


def test_long_thai_line_wraps_inside_the_page():
    sentence = "ข้าพเจ้ามีความประสงค์ขอหนังสือรับรองเงินเดือนเพื่อนำไปใช้กู้เงินธนาคาร" * 6
    pdf = render_pdf(f"<html><body style='width:100mm'><p>{sentence}</p></body></html>")
    lines = [ln for ln in pdf_text(pdf).splitlines() if ln.strip()]
    assert len(lines) > 3  # wrapped at Thai word boundaries, not one runaway line
    assert "".join(lines).replace(" ", "") == sentence


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_poppler_reads_the_same_text():
    pdf = render_pdf(f"<html><body><p>{STACKED}</p></body></html>")
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    assert STACKED in readable(out.stdout.decode())


def test_printed_request_has_reference_thai_answers_and_date(app, world):
    client, req = new_certificate(app, world["citizen"])
    r = client.get(f"/requests/{req.reference}/print")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data)
    for expected in (req.reference, "หนังสือรับรอง", "โรงเรียนบ้านหนองน้ำใส",
                     "ข้าราชการครูและบุคลากรทางการศึกษา", "กู้เงินธนาคาร",
                     world["agency"].name_th, "ลงชื่อ", "ตรวจสอบสถานะ"):
        assert expected in text, expected
    year_be = str(req.submitted_at.year + 543)
    assert year_be in text


def test_staff_print_the_same_document(app, world):
    _client, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    r = staff.get(f"/requests/{req.reference}/print")
    assert req.reference in pdf_text(r.data)


def test_qr_code_points_at_the_status_check(app, world):
    from portal.printing import qr_svg_data_uri

    uri = qr_svg_data_uri("http://localhost/status")
    assert uri.startswith("data:image/svg+xml;base64,")
    _client, req = new_certificate(app, world["citizen"])
    pdf = app.test_client()
    login(pdf, world["citizen"])
    data = pdf.get(f"/requests/{req.reference}/print").data
    assert "http://localhost/status" in pdf_text(data)

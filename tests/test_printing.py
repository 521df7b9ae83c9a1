"""Thai PDFs: marks survive and read back as typed, every PDF is tagged
PDF/A-3b, the request prints with its reference number."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from portal.files.printing import render_pdf

from .conftest import login
from .helpers.certificate import new_certificate
from .helpers.pdf import archival_problems, title

STACKED = "ที่ น้ำ ผู้ใหญ่ ปี่ ซ้ำ กี่ปี่"


def readable(text: str) -> str:
    """What a person copying from the PDF gets, runs of spaces (pypdf's
    positioning guesses) folded. The characters are left as they come:
    no recomposing, a SARA AM read as NIKHAHIT + SARA AA fails."""
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
    from portal.files.printing import qr_svg_data_uri

    uri = qr_svg_data_uri("http://localhost/status")
    assert uri.startswith("data:image/svg+xml;base64,")
    _client, req = new_certificate(app, world["citizen"])
    pdf = app.test_client()
    login(pdf, world["citizen"])
    data = pdf.get(f"/requests/{req.reference}/print").data
    assert "http://localhost/status" in pdf_text(data)


# What people type, in one line: SARA AM alone and under tone marks, the
# same SARA AA glyph as "า" before and after it is met inside "ำ", Thai
# digits, ฤ/ฦ names. Before the fix every ำ read back as ํา (or บ้าน as บ้ำน).
TYPED = ("บ้าน น้ำ กำหนด ทำ ประจำ ค่ำ ซ้ำ ช้ำ ป้ำ บ้าน นางฤดี ฦๅ ๑๒๓๔ ๒๕๖๙ "
         "ผู้ใหญ่ ฐานะ certificate")  # the font's "fi" ligature reads as f, i
# Marks the font moves left over a tall consonant or stacks with a text
# rise: the characters come back exactly, but extractors guess a word gap
# beside them ("ปั้ น") or, pdfminer, a new line.
STACKED_MARKS = "ปั้น ฝั่ง กิ่ง ปี่ นายฤทธิ์"
LANDSCAPE = "<style>@page { size: A3 landscape }</style>"


def _html(text: str, title: str = "ทดสอบ") -> str:
    return (f"<html lang='th'><head><title>{title}</title>{LANDSCAPE}</head>"
            f"<body><p>{text}</p></body></html>")


TYPED_HTML = _html(TYPED, f"ทดสอบ {TYPED}")


def _pypdf(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def _pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def _poppler(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def _lines(text: str) -> list[str]:
    return [line for line in text.replace("\x0c", "").splitlines() if line.strip()]


@pytest.mark.once
@pytest.mark.parametrize("extract", [_pypdf, _poppler], ids=["pypdf", "pdftotext"])
def test_thai_text_reads_back_exactly_as_typed(extract):
    text = extract(render_pdf(TYPED_HTML))
    assert _lines(text) == [TYPED]
    assert "น้ำ" in text and "\u0e4d" not in text


@pytest.mark.once
@pytest.mark.parametrize("extract", [_pypdf, _poppler], ids=["pypdf", "pdftotext"])
def test_stacked_marks_read_back_as_typed_but_for_guessed_gaps(extract):
    text = extract(render_pdf(_html(STACKED_MARKS)))
    assert "".join(text.split()) == "".join(STACKED_MARKS.split())


@pytest.mark.once
def test_pdfminer_gets_every_character_typed():
    # pdfminer's layout analysis puts a mark raised by a text rise on a line
    # of its own, so its order differs; the characters themselves do not.
    text = _pdfminer(render_pdf(_html(f"{TYPED} {STACKED_MARKS}")))
    assert "น้ำ กำหนด ทำ ประจำ ค่ำ" in text
    assert sorted("".join(text.split())) == sorted("".join(f"{TYPED}{STACKED_MARKS}".split()))


@pytest.mark.once
def test_a_lone_nikhahit_keeps_its_text():
    # A NIKHAHIT on its own (Pali, สํสฺกฤต) reads as NIKHAHIT; typed apart
    # before a SARA AA (นํ้า, a typing slip for น้ำ) it draws exactly as
    # SARA AM and the text layer cannot tell the two apart: it reads as ำ.
    pdf = render_pdf(_html("สํสฺกฤต นํ้า ฟ้า"))
    assert _lines(_poppler(pdf)) == ["สํสฺกฤต น้ำ ฟ้า"]


@pytest.mark.once
def test_sara_am_is_drawn_as_before(tmp_path):
    """Only the codes behind the glyphs changed: the page is the same picture
    as WeasyPrint draws it unaided, SARA AM under tone marks included."""
    from PIL import Image, ImageChops
    from weasyprint import CSS, HTML

    from portal.files.printing import _font_config, font_css

    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    fonts = _font_config()
    html = _html(f"{TYPED} {STACKED_MARKS}").replace("<p>", "<p style='font-size:26pt'>")
    unaided = HTML(string=html).write_pdf(
        stylesheets=[CSS(string=font_css(), font_config=fonts)], font_config=fonts)
    pictures = []
    for name, data in (("ours", render_pdf(html)), ("unaided", unaided)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                        str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
        pictures.append(Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L"))
    ours, unaided_picture = pictures
    assert ours.getextrema()[0] < 64  # there is ink on the page
    assert ImageChops.difference(ours, unaided_picture).getbbox() is None


@pytest.mark.once
def test_a_pdf_is_tagged_pdf_a_3b_in_thai_and_the_same_every_time():
    first, second = render_pdf(TYPED_HTML), render_pdf(TYPED_HTML)
    assert archival_problems(first) == []
    assert title(first) == f"ทดสอบ {TYPED}"
    # verify.py seals by SHA-256 and renders again: no dates, no random IDs.
    assert first == second


@pytest.mark.once
def test_without_lang_or_title_the_pdf_says_thai_and_the_gap_is_logged(caplog):
    pdf = render_pdf("<html><body><p>น้ำ</p></body></html>")
    assert [p for p in archival_problems(pdf) if not p.startswith("title")] == []
    assert "without a <title>" in caplog.text


def test_printed_request_is_archival_and_prints_the_same_twice(app, world, bangkok_night):
    client, req = new_certificate(app, world["citizen"])
    first = client.get(f"/requests/{req.reference}/print").data
    again = client.get(f"/requests/{req.reference}/print").data
    assert first == again
    assert archival_problems(first) == []
    assert title(first) == req.reference
    assert "โรงเรียนบ้านหนองน้ำใส" in pdf_text(first)  # typed, searchable as typed


def test_delay_letter_is_archival(app, world, bangkok_night):
    import datetime as dt

    from portal.models import Attachment
    from portal.thai import local_today

    _client, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    later = local_today() + dt.timedelta(days=14)
    staff.post(f"/admin/requests/delay/{req.id}", data={
        "reason": "รอคำสั่งประจำเดือน ทำให้ล่าช้า", "new_date": later.isoformat()})
    letter = Attachment.get(Attachment.slot == "delay_letter")
    data = staff.get(f"/files/{letter.id}").data
    assert archival_problems(data) == []
    assert req.reference in title(data) and "ล่าช้า" in title(data)
    assert "รอคำสั่งประจำเดือน ทำให้ล่าช้า" in pdf_text(data)


def test_result_stamp_reads_back_and_is_an_artifact(app, world):
    from portal.models import Attachment, IssuedDocument

    from .helpers.files import make_pdf

    _client, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "", "version": req.version,
        "result": (io.BytesIO(make_pdf("ผล")), "ผล.pdf")}, content_type="multipart/form-data")
    result = Attachment.get(Attachment.is_result)
    data = staff.get(f"/files/{result.id}").data
    code = IssuedDocument.get(IssuedDocument.sha256 == result.sha256).code
    assert code in pdf_text(data)
    # The stamp is the last content stream merged onto the page.
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    assert b"/Artifact BMC" in content and b"MCID" not in content


def test_poster_and_satisfaction_print_are_archival(app, world):
    poster = app.test_client().get("/poster/alpha/certificate.pdf")
    assert poster.status_code == 200 and archival_problems(poster.data) == []
    staff = app.test_client()
    login(staff, world["staff"])
    report = staff.get("/admin/satisfaction/print")
    assert report.status_code == 200 and archival_problems(report.data) == []

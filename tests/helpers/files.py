"""Real files of each kind, made on the spot (no binary fixtures in git)."""

from __future__ import annotations

import io

import pytest


def make_pdf(text: str = "hello") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_png(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def make_jpg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 30, 200)).save(out, format="JPEG")
    return out.getvalue()


# A Windows executable's first bytes: what a renamed .exe really is.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def pdf_bytes() -> bytes:
    return make_pdf()


@pytest.fixture
def png_bytes() -> bytes:
    return make_png()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A complete, valid black-and-white PNG of ``width`` × ``height``: a few
    KB on the wire, ``width * height`` bytes and more once decoded. Written
    row by row so the test never holds the picture itself."""
    import struct
    import zlib

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then 1 bit a pixel
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b""))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` × ``height`` whose pixel data stops
    after 8 bytes: Pillow opens it, and decoding it fails as truncated. A
    check that decodes says "damaged"; one that reads the header first says
    "too many pixels"."""
    import struct
    import zlib

    return (b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + struct.pack(">I", 65536) + b"IDAT" + zlib.compress(b"\x00" * 100)[:8])


def jpeg_header_only(width: int, height: int) -> bytes:
    """Start of image, frame header (grey, ``width`` × ``height``) and scan
    header, and no scan data: the JPEG counterpart of :func:`png_header_only`."""
    import struct

    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    scan = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + frame + scan


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand, object ``n`` being ``objects[n - 1]``, the first
    the catalogue; the cross-reference table is right, whatever the objects
    say (loops, nonsense)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, start)
    return bytes(out)


def with_escaped_names(pdf: bytes, names: tuple[str, ...]) -> bytes:
    """``pdf`` (as pypdf writes it) with each of ``names`` spelt with a ``#xx``
    escape, ``/JavaScript`` as ``/J#61vaScript``: the same name to every PDF
    reader, invisible to a search for the bytes. Offsets move, so the
    cross-reference table is written again."""
    import re

    for name in names:
        spelt = f"{name[0]}#{ord(name[1]):02X}{name[2:]}"
        pdf = re.sub(rb"/" + name.encode() + rb"(?=[\s/<>\[\]()%])",
                     b"/" + spelt.encode(), pdf)
    body = pdf[:pdf.rindex(b"\nxref\n") + 1]
    trailer = pdf[pdf.rindex(b"trailer"):pdf.rindex(b"startxref")]
    offsets = {int(m[1]): m.start() for m in re.finditer(rb"(?m)^(\d+) 0 obj\b", body)}
    rows = [b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
            for n in range(1, max(offsets) + 1)]
    return (body + b"xref\n0 %d\n0000000000 65535 f \n" % (len(rows) + 1) + b"".join(rows)
            + trailer + b"startxref\n%d\n%%%%EOF\n" % len(body))


def raw_pdf_packed(*objects: bytes) -> bytes:
    """:func:`raw_pdf` with every object compressed inside one object stream,
    listed by a cross-reference stream (as WeasyPrint and Acrobat write
    them): none of the objects' bytes can be read in the file."""
    import struct
    import zlib

    count = len(objects)
    header = b" ".join(b"%d %d" % (n, sum(len(o) + 1 for o in objects[:n - 1]))
                       for n in range(1, count + 1)) + b"\n"
    packed = zlib.compress(header + b"".join(o + b"\n" for o in objects))
    out = bytearray(b"%PDF-1.7\n")
    stream_number, xref_number = count + 1, count + 2
    stream_offset = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (stream_number, count, len(header), len(packed))
            + packed + b"\nendstream\nendobj\n")
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, stream_number, index) for index in range(count)]
    rows += [struct.pack(">BIH", 1, stream_offset, 0), struct.pack(">BIH", 1, xref_offset, 0)]
    table = b"".join(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % (xref_number, xref_number + 1, len(table)) + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)

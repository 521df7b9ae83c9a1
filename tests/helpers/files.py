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

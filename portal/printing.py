"""HTML to PDF with Sarabun embedded. One function, so the engine can change.

WeasyPrint, not xhtml2pdf: measured here, xhtml2pdf drops and overlaps Thai
tone marks and never wraps a Thai line; WeasyPrint shapes with HarfBuzz and
breaks lines with libthai (see DESIGN.md, Stack notes).
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import fontpkg_sarabun
import qrcode
import qrcode.image.svg

FONT_DIR = fontpkg_sarabun.ROOT / "files"


@lru_cache(maxsize=1)
def font_css() -> str:
    faces = []
    for weight, style, name in (
        (400, "normal", "Regular"), (700, "normal", "Bold"),
        (400, "italic", "Italic"), (700, "italic", "BoldItalic"),
    ):
        url = (FONT_DIR / f"Sarabun-{name}.ttf").as_uri()
        faces.append(
            f"@font-face {{ font-family: 'Sarabun'; font-weight: {weight}; "
            f"font-style: {style}; src: url('{url}'); }}"
        )
    return "\n".join(faces)


@lru_cache(maxsize=1)
def _font_config():  # noqa: ANN202 - weasyprint type
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render a complete HTML document to PDF bytes, Sarabun embedded."""
    from weasyprint import CSS, HTML

    # SARA AM is drawn as two glyphs (NIKHAHIT + SARA AA). WeasyPrint maps
    # each glyph to one text run for copy/paste, and a glyph first met inside
    # "ำ" then reads back as "ำ" everywhere (บ้าน → บ้ำน). Written as its two
    # canonical parts, every glyph maps to itself; the page looks the same.
    html = html.replace("\u0e33", "\u0e4d\u0e32")
    fonts = _font_config()
    stylesheet = CSS(string=font_css(), font_config=fonts)
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[stylesheet], font_config=fonts)


def qr_svg_data_uri(text: str) -> str:
    """A QR code as an inline SVG data URI, for pages and PDFs alike."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def qr_png(text: str, box_size: int = 10) -> bytes:
    """A QR code as PNG, big enough to print on an A4 poster."""
    image = qrcode.make(text, box_size=box_size, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(text: str) -> bytes:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()

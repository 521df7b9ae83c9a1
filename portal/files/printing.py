"""HTML to PDF with Sarabun embedded. One function, so the engine can change.

WeasyPrint, not xhtml2pdf: measured here, xhtml2pdf drops and overlaps Thai
tone marks and never wraps a Thai line; WeasyPrint shapes with HarfBuzz and
breaks lines with libthai (see DESIGN.md, Stack notes).
"""

from __future__ import annotations

import base64
import io
import logging
from functools import lru_cache
from typing import Any

import fontpkg_sarabun
import qrcode
import qrcode.image.svg

from .pdf_text import fix_thai_text

FONT_DIR = fontpkg_sarabun.ROOT / "files"
log = logging.getLogger(__name__)


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


# Every PDF we make is both kinds at once: PDF/A-3b (fonts embedded, sRGB
# output intent, XMP identification: a file that still opens the same in
# twenty years) and tagged as PDF/UA-1 asks (structure tree, /Lang, title
# shown). WeasyPrint has one variant per file, so we take "pdf/a-3b", turn
# tags on and add the PDF/UA identification to the same XMP packet. Not
# "pdf/a-3a"/"-3u": they also promise that every glyph maps to Unicode
# under rules (no empty mapping) the NIKHAHIT of SARA AM cannot meet, see
# portal/pdf_text.py; not "pdf/a-4": PDF 2.0, which many office readers in
# use still open badly. Reports get the same as issued documents: people
# keep them too, and one mechanism has no flag to forget.
PDF_VARIANT = "pdf/a-3b"
PDF_LANG = "th"


def _archival_metadata(metadata: Any) -> Any:
    """WeasyPrint's metadata, its XMP also saying PDF/UA-1 (``pdfuaid:part``)."""
    from xml.etree.ElementTree import fromstring, tostring

    from weasyprint.pdf.metadata import NS, DocumentMetadata

    class ArchivalMetadata(DocumentMetadata):
        def generate_rdf_metadata(self, variant: str, version: int,
                                  conformance: str | None) -> bytes:
            rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            description = rdf.find(f"{{{NS['rdf']}}}Description")
            assert description is not None
            description.set(f"{{{NS['pdfuaid']}}}part", "1")
            return tostring(rdf, encoding="utf-8")

    archival = ArchivalMetadata()
    archival.__dict__.update(metadata.__dict__)
    return archival


def render_pdf(html: str, base_url: str | None = None, *, tagged: bool = True) -> bytes:
    """Render a complete HTML document to PDF bytes: Sarabun embedded, PDF/A-3b,
    tagged for PDF/UA-1, the Thai text layer as typed (see pdf_text).

    The same HTML always gives the same bytes (no dates, the file ID is a
    hash of the content): verify.py seals a printout by its SHA-256 and
    renders it again to hand out the same document. ``tagged=False`` is for
    an overlay merged onto another PDF, whose structure it cannot join.
    """
    from weasyprint import CSS, HTML


    fonts = _font_config()
    stylesheet = CSS(string=font_css(), font_config=fonts)
    document = HTML(string=html, base_url=base_url).render(
        stylesheets=[stylesheet], font_config=fonts)
    document.metadata = _archival_metadata(document.metadata)
    document.metadata.lang = document.metadata.lang or PDF_LANG
    if not document.metadata.title:
        log.warning("PDF without a <title>: readers and PDF/UA need one")
    if not tagged:
        return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=fix_thai_text)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True,
                              finisher=fix_thai_text)


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

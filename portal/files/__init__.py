"""Files: what a person uploads is checked by content, size and pixels
(uploads) and kept in a folder or an S3-compatible store (stored,
object_store); what the portal issues is a PDF (printing, pdf_text) that
anyone can verify (verify); lists leave as CSV and Excel (exports).

Imports from: portal.base, portal.plugins and the bottom modules. Never
from identity, requests, staff, web or ops."""

from __future__ import annotations

from .exports import (
    csv_response,
    iso_cell,
    xlsx_response,
)
from .printing import (
    qr_svg_data_uri,
    render_pdf,
)

__all__ = [
    "csv_response",
    "iso_cell",
    "qr_svg_data_uri",
    "render_pdf",
    "xlsx_response",
]

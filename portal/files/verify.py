"""Verifiable documents: each printed PDF and each result file gets a code
and a QR code leading to a public page that confirms the reference number,
the issue date and the SHA-256 of the bytes issued; a changed file does not
verify. A bank can check a salary certificate without calling the office."""

from __future__ import annotations

import hashlib
import io
import secrets

from flask import render_template

from ..base.links import public_url
from ..models import IssuedDocument, Request
from ..thai import ascii_digits
from .printing import qr_svg_data_uri, render_pdf

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def verify_url(code: str) -> str:
    return public_url("public.verify", code=code)


def reserve(title: str, req: Request | None, version: int | None = None) -> IssuedDocument:
    """A code for a document about to be made (its bytes come after)."""
    return IssuedDocument.create(code=new_code(), title=title[:255], request=req,
                                 request_version=version)


def issued_for(title: str, req: Request) -> IssuedDocument | None:
    """The document already issued under ``title`` for this version of ``req``."""
    return (IssuedDocument.select()
            .where((IssuedDocument.request == req) & (IssuedDocument.title == title[:255])
                   & (IssuedDocument.request_version == req.version))
            .order_by(IssuedDocument.id.desc()).first())


def seal(document: IssuedDocument, data: bytes) -> bytes:
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.save()
    return data


def stamp_pdf(data: bytes, code: str) -> bytes:
    """Put the verification code and its QR code at the foot of every page."""
    from pypdf import PdfWriter

    html = render_template("print/stamp.html", code=code, url=verify_url(code),
                           qr=qr_svg_data_uri(verify_url(code)))
    # Untagged and marked as an artifact (like a watermark): merged onto a
    # page of someone else's PDF, it cannot join that file's structure tree,
    # and a tagged result must not gain content that is neither tagged nor
    # an artifact. The text stays readable and searchable all the same.
    stamp = PdfWriter(clone_from=io.BytesIO(render_pdf(html, tagged=False))).pages[0]
    content = stamp.get_contents()
    assert content is not None
    content.set_data(b"/Artifact BMC\n" + content.get_data() + b"\nEMC\n")
    stamp.replace_contents(content)
    writer = PdfWriter(clone_from=io.BytesIO(data))
    for page in writer.pages:
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check(code: str, data: bytes) -> bool:
    document = IssuedDocument.get_or_none(
        IssuedDocument.code == ascii_digits(code).strip().upper())
    return bool(document and document.sha256
                and secrets.compare_digest(document.sha256, hashlib.sha256(data).hexdigest()))

"""Attachment checks (by content and size) and storage outside any static
folder under random names."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

# kind -> (mime types filetype may report, stored extension)
KINDS: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"application/pdf"}), "pdf"),
    "png": (frozenset({"image/png"}), "png"),
    "jpg": (frozenset({"image/jpeg"}), "jpg"),
}


class UploadError(ValueError):
    """A refused file; ``str()`` is the Thai message."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    original_name: str
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def display_name(raw: str, extension: str) -> str:
    """Keep the person's file name for download, minus paths and control
    characters; Thai names stay Thai."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        name = f"file.{extension}"
    stem, dot, ext = name.rpartition(".")
    if not dot or ext.lower() not in {"pdf", "png", "jpg", "jpeg"}:
        name = f"{name}.{extension}"
    return name[-200:]


def check(file: FileStorage | None, kinds: tuple[str, ...] = ("pdf", "png", "jpg"),
          max_bytes: int | None = None) -> CheckedFile | None:
    """Read and check one uploaded file; None when nothing was chosen.

    The type is what the bytes are, never what the name says: a renamed
    ``.exe`` is refused.
    """
    if file is None or not file.filename:
        return None
    limit = max_bytes or current_app.config["MAX_UPLOAD_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(_("The file is larger than %(mb)s MB.", mb=f"{limit / 1048576:g}"))
    if not data:
        raise UploadError(_("The file is empty."))
    guess = filetype.guess(data)
    allowed = {mime for kind in kinds for mime in KINDS[kind][0]}
    if guess is None or guess.mime not in allowed:
        raise UploadError(_("Only %(kinds)s files are accepted.",
                            kinds=", ".join(kinds)))
    extension = next(KINDS[k][1] for k in kinds if guess.mime in KINDS[k][0])
    data = _pdf_checked(data) if extension == "pdf" else _image_rewritten(data, extension)
    return CheckedFile(data=data, original_name=display_name(file.filename, extension),
                       content_type=guess.mime, extension=extension)


# Names of PDF features that run or carry something when the file is opened.
_ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")


def _active_pdf() -> UploadError:
    return UploadError(_("PDF files with scripts or embedded files are not accepted. "
                         "Please print the document to PDF again and send that."))


def _pdf_checked(data: bytes) -> bytes:
    """A PDF that opens (pypdf reads its pages) and carries no script, launch
    action or embedded file: a clerk opens these on an office computer."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if _ACTIVE_PDF.search(data):
        raise _active_pdf()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadError(_("Password-protected PDF files cannot be read by staff. "
                                "Please send the file without a password."))
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        # Object streams can hide the names above from the byte scan.
        root = reader.trailer["/Root"]
        if "/OpenAction" in root or "/AA" in root or "/JavaScript" in root.get("/Names", {}):
            raise _active_pdf()
    except UploadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise UploadError(_("The file is damaged or is not a real PDF.")) from None
    return data


def _image_rewritten(data: bytes, extension: str) -> bytes:
    """The picture decoded and saved again: whatever rode along after the image
    (a zip, a script) and the photo's metadata (GPS position of a house) are
    gone. Orientation from the camera is applied first."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            if extension == "jpg" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            if extension == "jpg":
                upright.save(out, format="JPEG", quality=90, optimize=True)
            else:
                upright.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise UploadError(_("The file is damaged or is not a real picture.")) from None
    return out.getvalue()


class FileStore:
    """Files under ``UPLOAD_DIR/ab/<random>.<ext>``; names carry no meaning."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, stored_name: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}\.[a-z]{3,4}", stored_name):
            raise ValueError("bad stored name")
        return self.root / stored_name[:2] / stored_name

    def write(self, checked: CheckedFile) -> str:
        stored = f"{secrets.token_urlsafe(24)}.{checked.extension}"
        target = self.path(stored)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        with open(tmp, "wb") as fh:
            fh.write(checked.data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return stored

    def delete(self, stored_name: str) -> None:
        try:
            self.path(stored_name).unlink()
        except FileNotFoundError:
            pass


def store() -> FileStore:
    return FileStore(current_app.config["UPLOAD_DIR"])


@contextmanager
def staged(files: FileStore) -> Iterator[list[str]]:
    """Collect names written inside the block; delete them if it fails.

    Files are written before the transaction commits: a crash in between
    leaves an orphan file (harmless, sweepable), never a request whose file
    is missing.
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            files.delete(name)
        raise


def referenced_names() -> set[str]:
    """Stored names some row still points at: every model, core or plugin,
    that keeps a file has a ``stored_name`` column (the convention that lets
    this find plugin files without asking each plugin)."""
    from .plugins import all_models

    names: set[str] = set()
    for model in all_models():
        field = model._meta.fields.get("stored_name")
        if field is None:
            continue
        query = model.select(field).tuples()
        if "purged_at" in model._meta.fields:
            query = query.where(model._meta.fields["purged_at"].is_null())
        names.update(name for (name,) in query.iterator())
    return names


def sweep_orphans(min_age_seconds: int = 3600) -> list[str]:
    """Delete files no row points at: a process killed between writing a file
    and committing its row (see :func:`staged`), a ``.part`` left by a crash
    mid-write, a file whose row was deleted but whose unlink never ran.

    Only files older than ``min_age_seconds`` go, so a submission in flight
    (file written, commit a moment later) is never touched.
    """
    import time

    root = Path(current_app.config["UPLOAD_DIR"])
    if not root.is_dir():
        return []
    cutoff = time.time() - min_age_seconds
    # Read the rows after listing the files: a file written after the listing
    # is not a candidate, and a row committed before the query is seen.
    candidates = [p for p in root.glob("*/*") if p.is_file() and p.stat().st_mtime < cutoff]
    keep = referenced_names()
    removed = []
    for path in candidates:
        if path.name not in keep:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def serve(stored_name: str, original_name: str, content_type: str, *, allowed: bool,
          target: str, detail: str = "") -> Any:
    """Send a stored file if ``allowed``; 404 otherwise, so a stranger cannot
    tell a file exists. Every download is audited. The one way any route,
    core or plugin, hands out an uploaded file."""
    from flask import abort, send_file

    from . import audit

    if not allowed:
        abort(404)
    audit.record("download", target, detail=detail)
    response = send_file(store().path(stored_name), mimetype=content_type, as_attachment=True,
                         download_name=original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Attachment checks (by content and size) and storage outside any static
folder under random names."""

from __future__ import annotations

import glob
import io
import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filetype
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ..base import audit
from ..plugins.manager import all_models
from .object_store import ObjectStore
from .stored import CheckedFile, checked_name, new_stored_name

if TYPE_CHECKING:
    from pypdf import PdfReader

log = logging.getLogger(__name__)

# kind -> (mime types filetype may report, stored extension)
KINDS: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"application/pdf"}), "pdf"),
    "png": (frozenset({"image/png"}), "png"),
    "jpg": (frozenset({"image/jpeg"}), "jpg"),
}


class UploadError(ValueError):
    """A refused file; ``str()`` is the Thai message."""


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
    name = display_name(file.filename, extension)
    data = _pdf_checked(data) if extension == "pdf" else _image_rewritten(data, extension, name)
    return CheckedFile(data=data, original_name=name, content_type=guess.mime,
                       extension=extension)


# PDF names that run something (scripts, programs, forms that send or fetch
# data), open another file, carry a file, or fire without a click (/AA). An
# ordinary document printed to PDF has none of them. /OpenAction is judged
# by its value (see _opens_inertly).
_ACTIVE_PDF_NAMES = frozenset({
    "/JavaScript", "/JS", "/AA", "/Launch", "/SubmitForm", "/ImportData",
    "/GoToR", "/GoToE", "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/FileAttachment",
    "/RichMedia", "/RichMediaExecute", "/XFA", "/Rendition", "/Movie", "/Sound", "/Screen",
    "/3D",
})
# Keys whose name value says what a dictionary is or does.
_KIND_KEYS = ("/S", "/Type", "/Subtype")
_ACTIVE_PDF_BYTES = re.compile(
    rb"/(?:" + b"|".join(re.escape(n[1:].encode()) for n in sorted(_ACTIVE_PDF_NAMES)) + rb")"
    rb"(?=[\s/<>\[\]()%{}]|$)")
_STREAM_START = re.compile(rb"\bstream\r?\n")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _active_pdf() -> UploadError:
    return UploadError(_("PDF files with scripts or embedded files are not accepted. "
                         "Please print the document to PDF again and send that."))


def _outside_streams(data: bytes) -> bytes:
    """``data`` without the bytes between ``stream`` and ``endstream``. A
    loop, not one lazy regex: that regex reads the rest of the file again for
    every ``stream`` left open (a 180 KB file of them took 110 s)."""
    parts, pos = [], 0
    while (start := _STREAM_START.search(data, pos)) is not None:
        parts.append(data[pos:start.start()])
        end = data.find(b"endstream", start.end())
        if end < 0:
            return b" ".join(parts)
        pos = end + len(b"endstream")
    parts.append(data[pos:])
    return b" ".join(parts)


def _active_bytes(data: bytes) -> bool:
    """The names above anywhere outside stream data, ``#xx`` escapes decoded
    (``/J#61vaScript`` is ``/JavaScript`` to every reader). This sees objects
    the cross-reference table does not list, which a reader repairing a
    damaged file still finds. Stream data is compressed bytes (a scanned
    page), where the letters ``/JS`` turn up by chance: 35 of 200 random
    4 MB blocks have them."""
    text = _NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), _outside_streams(data))
    return bool(_ACTIVE_PDF_BYTES.search(text))


def _active_objects(reader: PdfReader) -> bool:
    """Every object pypdf reads, names decoded: those reachable from the
    trailer and every one the cross-reference tables and object streams list
    (objects hidden in a compressed object stream included), each read once
    so a loop of references ends."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    pending: list[Any] = [reader.trailer]
    pending += [IndirectObject(number, generation, reader)
                for generation, numbers in reader.xref.items() for number in numbers]
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    containers = (IndirectObject, DictionaryObject, ArrayObject)
    seen: set[tuple[int, int]] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in _ACTIVE_PDF_NAMES:
                    return True
                if key == "/OpenAction" and not _opens_inertly(value):
                    return True
                if key in _KIND_KEYS:
                    kind = value.get_object() if isinstance(value, IndirectObject) else value
                    if isinstance(kind, NameObject) and kind in _ACTIVE_PDF_NAMES:
                        return True
                if isinstance(value, containers):
                    pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(value for value in item if isinstance(value, containers))
    return False


def _opens_inertly(value: Any) -> bool:
    """An /OpenAction that only says where to open (a page and a zoom, or a
    named destination), as PDF writers put it there; an action there, of any
    kind, would run as the clerk opens the file."""
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    value = value.get_object()
    return isinstance(value, (ArrayObject, NameObject, TextStringObject, ByteStringObject))


def _pdf_checked(data: bytes) -> bytes:
    """A PDF that opens (pypdf reads its pages) and carries no script, action
    or embedded file: a clerk opens these on an office computer."""
    from pypdf import PdfReader

    if _active_bytes(data):
        raise _active_pdf()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadError(_("Password-protected PDF files cannot be read by staff. "
                                "Please send the file without a password."))
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        active = _active_objects(reader)
    except UploadError:
        raise
    except Exception as exc:  # hostile bytes: whatever pypdf raises is a refusal, not a 500
        log.info("PDF refused as unreadable: %s: %s", type(exc).__name__, exc)
        raise UploadError(_("The file is damaged or is not a real PDF.")) from None
    if active:
        raise _active_pdf()
    return data


def _pixel_limit() -> int:
    """The portal's limit, never above Pillow's own: then every picture Pillow
    warns about fails the header check too, even when another thread's
    ``catch_warnings`` swallowed the warning (see :func:`_image_rewritten`)."""
    from PIL import Image

    limit = int(current_app.config["MAX_UPLOAD_PIXELS"])
    return min(limit, Image.MAX_IMAGE_PIXELS) if Image.MAX_IMAGE_PIXELS else limit


def _image_rewritten(data: bytes, extension: str, name: str) -> bytes:
    """The picture decoded and saved again: whatever rode along after the image
    (a zip, a script) and the photo's metadata (GPS position of a house) are
    gone. Orientation from the camera is applied first.

    The pixel count is read from the header before anything is decoded: a
    12000 × 12000 PNG is 0.4 MB sent and over a gigabyte once decoded,
    copied and encoded again.
    """
    import warnings

    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = _pixel_limit()
    megapixels = f"{round(limit / 1_000_000, 1):g}"
    try:
        # Between its limit and twice that Pillow only warns, then decodes
        # whatever it is asked to: its warning counts as a refusal here. The
        # record is process-wide, not per thread, so the header check is what
        # holds under threads (_pixel_limit keeps it at or below Pillow's).
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        bomb = any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)
        with image:
            width, height = image.size
            if bomb or width * height > limit:
                raise UploadError(_(
                    "%(name)s is %(width)s × %(height)s pixels; pictures of at most "
                    "%(limit)s megapixels are accepted. Please make the picture smaller "
                    "and send it again.",
                    name=name, width=f"{width:,}", height=f"{height:,}", limit=megapixels))
            image.load()
            upright = ImageOps.exif_transpose(image)
            if extension == "jpg" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            if extension == "jpg":
                upright.save(out, format="JPEG", quality=90, optimize=True)
            else:
                upright.save(out, format="PNG", optimize=True)
    except UploadError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadError(_(
            "%(name)s has too many pixels to open; pictures of at most %(limit)s "
            "megapixels are accepted. Please make the picture smaller and send it again.",
            name=name, limit=megapixels)) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise UploadError(_("The file is damaged or is not a real picture.")) from None
    return out.getvalue()


class FileStore:
    """Files under ``UPLOAD_DIR/ab/<random>.<ext>``; names carry no meaning.

    The store every install starts with. :class:`portal.files.object_store.ObjectStore`
    has the same methods for installs on several machines.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, stored_name: str) -> Path:
        name = checked_name(stored_name)
        return self.root / name[:2] / name

    def write(self, checked: CheckedFile) -> str:
        stored = new_stored_name(checked.extension)
        self.put(stored, checked.data)
        return stored

    def put(self, stored_name: str, data: bytes, content_type: str = "") -> None:
        target = self.path(stored_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    def read(self, stored_name: str) -> bytes:
        return self.path(stored_name).read_bytes()

    def exists(self, stored_name: str) -> bool:
        return self.path(stored_name).is_file()

    def delete(self, stored_name: str) -> None:
        try:
            self.path(stored_name).unlink()
        except FileNotFoundError:
            pass

    def listing(self) -> Iterator[tuple[str, float]]:
        """(name, last modified as a Unix time) of every file, ``.part``
        leftovers of an interrupted write included."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("*/*"):
            if path.is_file():
                yield path.name, path.stat().st_mtime

    def remove_listed(self, name: str) -> None:
        """Delete a file :meth:`listing` gave, ``.part`` names included."""
        for path in self.root.glob(f"*/{glob.escape(name)}"):
            path.unlink(missing_ok=True)

    def response(self, stored_name: str, mimetype: str, download_name: str) -> Any:
        from flask import send_file

        return send_file(self.path(stored_name), mimetype=mimetype, as_attachment=True,
                         download_name=download_name, max_age=0)


def store() -> Any:
    """The store this install keeps files in: ``STORAGE_URL`` empty means the
    folder ``UPLOAD_DIR``; ``s3://bucket/prefix`` an S3-compatible object
    store shared by every web host. One instance per app (an S3 client is
    slow to make)."""
    app = current_app._get_current_object()
    cached = app.extensions.get("portal_store")
    if cached is None:
        url = app.config.get("STORAGE_URL", "")
        if url:
            cached = ObjectStore.from_config(app.config)
        else:
            cached = FileStore(app.config["UPLOAD_DIR"])
        app.extensions["portal_store"] = cached
    return cached


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

    files = store()
    cutoff = time.time() - min_age_seconds
    # Read the rows after listing the files: a file written after the listing
    # is not a candidate, and a row committed before the query is seen.
    candidates = [name for name, modified in files.listing() if modified < cutoff]
    keep = referenced_names()
    removed = []
    for name in candidates:
        if name not in keep:
            files.remove_listed(name)
            removed.append(name)
    return removed


def serve(stored_name: str, original_name: str, content_type: str, *, allowed: bool,
          target: str, detail: str = "", agency: Any = None) -> Any:
    """Send a stored file if ``allowed``; 404 otherwise, so a stranger cannot
    tell a file exists. Every download is audited, under ``agency``: the
    agency whose file it is (see :func:`portal.base.audit.record`). The one way
    any route, core or plugin, hands out an uploaded file."""
    from flask import abort


    if not allowed:
        abort(404)
    audit.record("download", target, detail=detail, agency=agency)
    response = store().response(stored_name, content_type, original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

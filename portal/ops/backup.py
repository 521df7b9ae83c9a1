"""One archive with the whole install — every table of the core and the
plugins as JSON lines, and the uploaded files — and its way back into an
empty install, on SQLite or PostgreSQL alike (rows, not a database file).

Archive layout (tar.gz)::

    manifest.json            format, time, applied migrations, rows per table
    tables/<table>.jsonl     one JSON object per row
    uploads/<ab>/<name>      the files, as UPLOAD_DIR holds them
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import peewee as pw

from ..db import database
from ..files import uploads
from ..files.stored import is_stored_name
from ..models import Request, User
from ..plugins.manager import all_models, plugin_manager
from ..thai import utcnow
from .migrate import routers

FORMAT = 1


class BackupError(RuntimeError):
    """The archive cannot go into this install; ``str()`` says why."""


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot store {type(value).__name__}")


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(utcnow().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _applied() -> list[str]:
    return sorted(name for _n, router in routers(plugin_manager()) for name in router.done)


def create(target: Path) -> dict[str, Any]:
    """Write the archive to ``target``; rows are read in one transaction so
    the tables agree with each other while people keep working."""
    counts: dict[str, int] = {}
    files_store = uploads.store()
    with tarfile.open(target, "w:gz") as archive, database.atomic():
        for model in all_models():
            if getattr(model._meta, "derived", False):
                continue  # rebuilt by the restore's own inserts
            lines = [json.dumps(row, default=_plain, ensure_ascii=False)
                     for row in model.select().order_by(model._meta.primary_key).dicts()]
            table = model._meta.table_name
            counts[table] = len(lines)
            _add(archive, f"tables/{table}.jsonl", "\n".join(lines).encode())
        manifest = {"format": FORMAT, "created_at": utcnow().isoformat(),
                    "migrations": _applied(), "tables": counts}
        files = 0
        for name, _modified in sorted(files_store.listing()):
            if not name.endswith(".part"):
                _add(archive, f"uploads/{name[:2]}/{name}", files_store.read(name))
                files += 1
        manifest["files"] = files
        _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    return manifest


def _is_empty() -> bool:
    return not (Request.select().exists() or User.select().exists())


def _safe_member(member: tarfile.TarInfo) -> bool:
    parts = Path(member.name).parts
    return member.isfile() and ".." not in parts and not Path(member.name).is_absolute()


def restore(source: Path) -> dict[str, Any]:
    """Load ``source`` into this install, which must be migrated and empty.
    All rows go in one transaction; files are written only after it commits,
    so a failed restore leaves the install as empty as it was."""
    if not _is_empty():
        raise BackupError("this install already has users or requests; restore needs an "
                          "empty one (a new DATABASE_URL and UPLOAD_DIR)")
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        missing = set(manifest["migrations"]) - set(_applied())
        if missing:
            raise BackupError("the archive comes from a newer version; upgrade first: "
                              + ", ".join(sorted(missing)))
        models = all_models()
        with database.atomic():
            for model in reversed(models):  # rows made by `db upgrade` (holidays)
                model.delete().execute()
            for model in models:
                table = model._meta.table_name
                if table not in manifest["tables"]:
                    continue
                raw = archive.extractfile(f"tables/{table}.jsonl").read().decode()
                rows = [json.loads(line) for line in raw.splitlines() if line]
                for start in range(0, len(rows), 500):
                    model.insert_many(rows[start:start + 500]).execute()
                if len(rows) != manifest["tables"][table]:
                    raise BackupError(f"{table}: {len(rows)} rows, manifest says "
                                      f"{manifest['tables'][table]}")
            _reset_sequences(models)
        files_store = uploads.store()
        for member in archive.getmembers():
            if member.name.startswith("uploads/") and _safe_member(member) and \
                    is_stored_name(Path(member.name).name):
                files_store.put(Path(member.name).name, archive.extractfile(member).read())
    return manifest


def _reset_sequences(models: list[type[pw.Model]]) -> None:
    """PostgreSQL hands out ids from a sequence that the inserted rows did
    not move; SQLite needs nothing."""
    if not isinstance(database.obj, pw.PostgresqlDatabase):
        return
    for model in models:
        pk = model._meta.primary_key
        if isinstance(pk, pw.AutoField):
            table = model._meta.table_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk.column_name}'), "
                f"COALESCE((SELECT MAX(\"{pk.column_name}\") FROM \"{table}\"), 0) + 1, false)")

"""Schema migrations: the core's folder first, then each plugin's.

peewee-migrate steps, all recorded in one history table; each router only
counts the names in its own folder, so plugins never see each other's steps.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee as pw
import pluggy
from peewee_migrate import Router

from ..config import ROOT
from ..db import database
from ..models import AuditLog
from ..thai import ascii_digits, utcnow

log = logging.getLogger("portal.migrate")
CORE_DIR = ROOT / "migrations"


def core_table(table: str) -> type[pw.Model]:
    """A stand-in for a core table, so a plugin's migration can point a
    foreign key at it without importing today's models into a past step."""
    meta = type("Meta", (), {"table_name": table})
    return type(f"{table.title().replace('_', '')}Ref", (pw.Model,),
                {"id": pw.AutoField(), "Meta": meta})


Column = tuple[str, str, str]  # table, column, SQL definition with its default


def add_columns(migrator: Any, columns: tuple[Column, ...]) -> None:
    """Plain ``ALTER TABLE ... ADD COLUMN`` with a default: peewee-migrate's
    add_fields rebuilds the table on SQLite to make a column NOT NULL, and
    that rebuild fails once other tables point at it."""
    for table, name, definition in columns:
        migrator.sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')


def drop_columns(migrator: Any, columns: tuple[Column, ...]) -> None:
    for table, name, _definition in reversed(columns):
        migrator.sql(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')


# ------------------------------------------ digits typed in other scripts ---

# The audit action of a row left as it was because, in ASCII digits, it
# would be another row's national ID or reference (see normalise_digits).
DIGIT_CLASH = "digit_clash"


@dataclass(frozen=True)
class DigitClash:
    """A row left as stored: in ASCII digits, its ``unique`` columns would
    equal those of the rows ``clashes_with``."""

    table: str
    row_id: int
    columns: tuple[str, ...]
    unique: tuple[str, ...]
    clashes_with: tuple[int, ...]

    def describe(self) -> str:
        others = ", ".join(f"{self.table}:{i}" for i in self.clashes_with) or "another row"
        return (f"{self.table}:{self.row_id} is {others} once its "
                f"{'+'.join(self.unique)} is written in ASCII digits")


def _not_ascii(db: Any, column: str) -> str:
    """SQL true for a value with a character outside ASCII (more bytes than
    characters): only those rows are read, not a million ASCII ones."""
    real = getattr(db, "obj", None) or db
    if isinstance(real, pw.PostgresqlDatabase):
        return f'octet_length("{column}") <> char_length("{column}")'
    return f'length(CAST("{column}" AS BLOB)) <> length("{column}")'


def normalise_digits(db: Any, table: str, columns: tuple[str, ...],
                     unique: tuple[str, ...] = (), *, ids: list[int] | None = None,
                     report: bool = True) -> list[DigitClash]:
    """Rewrite every decimal digit stored in ``columns`` of ``table`` as ASCII
    (:func:`portal.thai.ascii_digits`), on SQLite and PostgreSQL alike.

    A row whose ``unique`` columns (which may include a scope such as
    ``agency_id``) would then equal another row's is left unchanged, and so is
    that other row: which of the two is the person's is for a system admin to
    decide, not for a migration. Each such row gets an audit-log entry
    (action :data:`DIGIT_CLASH`, no actor, no agency: only system admins read
    it) and a warning in the log; ``flask db digit-clashes`` lists them.

    :param ids: write and report only these rows (``flask db digit-clashes --fix``).
    :param report: write the audit entries and warnings.
    :return: the rows left unchanged.
    """
    param = db.param
    wanted = " OR ".join(f"({_not_ascii(db, c)})" for c in columns)
    read = list(dict.fromkeys(("id", *columns, *unique)))
    quoted = ", ".join(f'"{c}"' for c in read)
    # Every such row, even with ``ids``: two spellings of one ID clash with
    # each other whether or not either was asked for.
    rows = [dict(zip(read, r, strict=True)) for r in db.execute_sql(
        f'SELECT {quoted} FROM "{table}" WHERE ({wanted})').fetchall()]
    changes: dict[int, dict[str, str]] = {}
    keys: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        new = {c: ascii_digits(row[c]) for c in columns
               if isinstance(row[c], str) and ascii_digits(row[c]) != row[c]}
        if not new:
            continue  # other characters than digits outside ASCII (Thai text)
        changes[row["id"]] = new
        if any(c in new for c in unique):
            keys.setdefault(tuple(new.get(c, row[c]) for c in unique), []).append(row["id"])
    clashes: list[DigitClash] = []
    for key, row_ids in keys.items():
        where = " AND ".join(f'"{c}" = {param}' for c in unique)
        taken = [r[0] for r in db.execute_sql(
            f'SELECT "id" FROM "{table}" WHERE {where}', key).fetchall()]
        if len(row_ids) == 1 and not taken:
            continue
        for row_id in row_ids:
            others = tuple(sorted({*taken, *row_ids} - {row_id}))
            clashes.append(DigitClash(table, row_id, tuple(changes.pop(row_id)), unique, others))
    if ids is not None:
        changes = {i: new for i, new in changes.items() if i in ids}
        clashes = [c for c in clashes if c.row_id in ids]
    for row_id, new in changes.items():
        sets = ", ".join(f'"{c}" = {param}' for c in new)
        db.execute_sql(f'UPDATE "{table}" SET {sets} WHERE "id" = {param}',
                       (*new.values(), row_id))
    if report:
        for clash in clashes:
            log.warning("digits left as stored, for a system admin: %s", clash.describe())
            detail = json.dumps({"columns": clash.columns, "unique": clash.unique,
                                 "clashes_with": clash.clashes_with})
            # Plain SQL: a migration must not depend on today's AuditLog model.
            db.execute_sql(
                f'INSERT INTO "audit_log" ("at", "actor_id", "ip", "action", "target", "detail") '
                f"VALUES ({param}, NULL, '', {param}, {param}, {param})",
                (utcnow(), DIGIT_CLASH, f"{clash.table}:{clash.row_id}", detail))
    return clashes


def recorded_digit_clashes() -> list[tuple[Any, DigitClash, bool]]:
    """Every clash the migrations recorded: (when, clash, still open). Open
    means the row is still there and its unique columns still hold digits
    outside ASCII."""

    tables = set(database.get_tables())
    found = []
    for entry in (AuditLog.select().where(AuditLog.action == DIGIT_CLASH)
                  .order_by(AuditLog.id)):
        table, _sep, row_id = entry.target.rpartition(":")
        detail = json.loads(entry.detail)
        clash = DigitClash(table, int(row_id), tuple(detail["columns"]),
                           tuple(detail["unique"]), tuple(detail["clashes_with"]))
        row = None
        # Names only if the database has them: nothing read from an entry
        # goes into SQL unchecked.
        if table in tables and set(clash.unique) <= {
                c.name for c in database.get_columns(table)}:
            cols = ", ".join(f'"{c}"' for c in clash.unique)
            row = database.execute_sql(
                f'SELECT {cols} FROM "{table}" WHERE "id" = {database.param}',
                (clash.row_id,)).fetchone()
        still = row is not None and any(isinstance(v, str) and ascii_digits(v) != v for v in row)
        found.append((entry.at, clash, still))
    return found


class FolderRouter(Router):
    @property
    def done(self) -> list[str]:
        mine = set(self.todo)
        return [name for name in super().done if name in mine]


def routers(pm: pluggy.PluginManager) -> list[tuple[str, FolderRouter]]:
    found = [("core", CORE_DIR)]
    for impl in pm.hook.register_migrations.get_hookimpls():
        folder = impl.function()
        if folder:
            found.append((impl.plugin_name, Path(folder)))
    return [(name, FolderRouter(database, migrate_dir=folder, logger=log,
                                ignore=["basemodel"]))
            for name, folder in found]


def upgrade(pm: pluggy.PluginManager) -> list[str]:
    """Run every pending step; returns the names run."""
    ran: list[str] = []
    for _name, router in routers(pm):
        ran += router.run() or []
    return ran


def pending(pm: pluggy.PluginManager) -> list[str]:
    return [step for _name, router in routers(pm) for step in router.diff]

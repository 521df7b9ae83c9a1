"""Schema migrations: the core's folder first, then each plugin's.

peewee-migrate steps, all recorded in one history table; each router only
counts the names in its own folder, so plugins never see each other's steps.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import peewee as pw
import pluggy
from peewee_migrate import Router

from . import ROOT
from .db import database

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

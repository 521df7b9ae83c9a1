"""One database handle for core and plugins; SQLite and PostgreSQL share code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee
from playhouse.db_url import connect

if TYPE_CHECKING:
    from flask import Flask

database = peewee.DatabaseProxy()

# WAL lets the status check read while a clerk writes; the busy timeout makes
# concurrent writers queue instead of failing at once.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -32000,
}


class BaseModel(peewee.Model):
    class Meta:
        database = database


def open_database(url: str) -> peewee.Database:
    """Bind the proxy to the database named by a URL and return it."""
    kwargs: dict = {}
    if url.startswith("sqlite"):
        kwargs["pragmas"] = SQLITE_PRAGMAS
        # Every write transaction takes the write lock at BEGIN: a check then
        # insert (a free room, a unique registration) cannot interleave, and
        # no transaction fails to upgrade a stale read snapshot to a write.
        kwargs["lock_type"] = "IMMEDIATE"
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect(url, **kwargs)
    database.initialize(db)
    return db


def supports_row_locks() -> bool:
    """SELECT ... FOR UPDATE exists (PostgreSQL); SQLite locks the whole
    database per write transaction instead."""
    return bool(getattr(database.obj, "for_update", False))


def init_app(app: Flask) -> None:
    open_database(app.config["DATABASE_URL"])

    @app.before_request
    def _connect() -> None:
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc: BaseException | None) -> None:
        if not database.is_closed():
            database.close()

"""One database handle for core and plugins; SQLite and PostgreSQL share code."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import peewee
from playhouse.db_url import parse
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase, PooledSqliteDatabase

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

# A pooled connection is replaced after this many seconds, so a restarted
# PostgreSQL or a changed setting is picked up without restarting the app.
POOL_STALE_SECONDS = 300
# A request waits this long for a free pooled connection before failing.
POOL_WAIT_SECONDS = 10


class BaseModel(peewee.Model):
    class Meta:
        database = database


def open_database(url: str, pool_size: int = 0) -> peewee.Database:
    """Bind the proxy to the database named by a URL and return it.

    :param pool_size: keep up to this many connections open and reuse them
        (0: connect and disconnect on every request). Opening a connection
        costs more than the status check's whole lookup: about 1 ms on SQLite
        (pragmas, schema read) and a fork of a server process on PostgreSQL.
    """
    release_all()  # the previous binding's pooled connections (tests, reloads)
    kwargs: dict = parse(url)
    scheme = url.split(":", 1)[0]
    if scheme.startswith("sqlite"):
        kwargs["pragmas"] = SQLITE_PRAGMAS
        # Every write transaction takes the write lock at BEGIN: a check then
        # insert (a free room, a unique registration) cannot interleave, and
        # no transaction fails to upgrade a stale read snapshot to a write.
        kwargs["lock_type"] = "IMMEDIATE"
        path = kwargs["database"]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            pool_size = 0  # every pooled connection would get its own empty database
        plain, pooled = peewee.SqliteDatabase, PooledSqliteDatabase
    elif scheme.startswith("postgres"):
        plain, pooled = peewee.PostgresqlDatabase, PooledPostgresqlDatabase
    else:
        raise ValueError(f"DATABASE_URL: unsupported database {scheme!r}")
    if pool_size > 0:
        if pooled is PooledSqliteDatabase:
            # A pooled connection is handed to whichever thread asks next; the
            # pool itself keeps one thread per connection at a time.
            kwargs["check_same_thread"] = False
        db = pooled(max_connections=pool_size, stale_timeout=POOL_STALE_SECONDS,
                    timeout=POOL_WAIT_SECONDS, **kwargs)
    else:
        db = plain(**kwargs)
    database.initialize(db)
    return db


def release_all() -> None:
    """Really close every connection, pooled ones included (``close()`` only
    hands a pooled one back): before a fork, before copying or dropping the
    database, before binding another one."""
    db = database.obj
    if db is None:
        return
    if isinstance(db, PooledDatabase):
        db.close_all()
    elif not db.is_closed():
        db.close()


def _release_idle_before_fork() -> None:
    # A forked child would share the parent's sockets: two processes talking
    # on one PostgreSQL connection corrupt each other's answers. gunicorn
    # --preload forks workers from a parent that may have run queries.
    db = database.obj
    if isinstance(db, PooledDatabase):
        db.close_idle()


os.register_at_fork(before=_release_idle_before_fork)


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def supports_row_locks() -> bool:
    """SELECT ... FOR UPDATE exists (PostgreSQL); SQLite locks the whole
    database per write transaction instead."""
    return bool(getattr(database.obj, "for_update", False))


def init_app(app: Flask) -> None:
    open_database(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"])

    @app.before_request
    def _connect() -> None:
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc: BaseException | None) -> None:
        if not database.is_closed():
            database.close()

"""The connection pool: requests reuse open connections, a fork does not
hand the parent's sockets to the child, and size 0 turns it off."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from flask import Flask

from portal import create_app
from portal.db import database

from .conftest import make_config

MARKER = "pool_marker"


def _app(tmp_path: Any, pool_size: int) -> Flask:
    app = create_app(make_config(tmp_path, migrated=True, DATABASE_POOL_SIZE=pool_size))
    seen: list[bool] = []

    # A TEMP table lives and dies with its connection: finding the one the
    # previous request made proves the connection was handed on.
    @app.after_request
    def _mark(response: Any) -> Any:
        seen.append(_has_marker())
        database.execute_sql(f"CREATE TEMP TABLE IF NOT EXISTS {MARKER} (x INTEGER)")
        return response

    app.extensions["seen_marker"] = seen
    return app


def _has_marker() -> bool:
    try:
        database.execute_sql(f"SELECT 1 FROM {MARKER}")
    except Exception:  # noqa: BLE001 - "no such table" differs per driver
        if database.in_transaction():
            database.rollback()
        return False
    return True


@pytest.mark.parametrize("pool_size, reused", [(8, True), (0, False)])
def test_requests_share_a_pooled_connection(tmp_path: Any, migrated_db: Any,
                                            pool_size: int, reused: bool) -> None:
    app = _app(tmp_path, pool_size)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/status").status_code == 200
    assert app.extensions["seen_marker"] == [False, reused, reused]


def test_a_fork_leaves_the_parents_connections_behind(tmp_path: Any, migrated_db: Any) -> None:
    app = _app(tmp_path, 8)
    client = app.test_client()
    client.get("/status")
    client.get("/status")
    assert app.extensions["seen_marker"] == [False, True]

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a gunicorn worker forked after --preload
        code = 1
        try:
            os.close(read)
            child = app.test_client()
            ok = child.get("/status").status_code == 200
            os.write(write, json.dumps({"ok": ok,
                                        "seen": app.extensions["seen_marker"][-1]}).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = json.loads(pipe.read() or "{}")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The child opened its own connection: no marker from the parent's.
    assert answer == {"ok": True, "seen": False}
    # The parent closed its idle connection before forking and works on.
    assert client.get("/status").status_code == 200
    assert app.extensions["seen_marker"][-1] is False

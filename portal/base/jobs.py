"""Background jobs with huey. By default (JOBS_IMMEDIATE) they run in the web
process right after the change, so `make run` needs nothing else; a larger
install runs `flask --app wsgi jobs worker` and sets JOBS_IMMEDIATE=false.
The queue is a SQLite file (JOBS_DB) on one machine, Redis (JOBS_REDIS_URL)
when web processes run on several. Nothing is lost either way: the outbox
rows stay until a send succeeds.

This module is the queue and the outbox's own tasks, low enough for any
part of the core to ``kick()``; the tasks on a clock (the digest, the
nightly housekeeping) are in portal.ops.schedule, above what they call."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Flask, has_app_context
from huey import SqliteHuey, crontab
from huey.storage import RedisStorage, SqliteStorage

from .outbox import deliver_due

log = logging.getLogger(__name__)
_app: Flask | None = None

huey = SqliteHuey("portal", filename=os.environ.get("JOBS_DB", "jobs.db"), immediate=True,
                  immediate_use_memory=True)


def configure(app: Flask) -> None:
    global _app
    _app = app
    config = app.config
    if config.get("JOBS_REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": config["JOBS_REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": config["JOBS_DB"]}
    huey.immediate = bool(config["JOBS_IMMEDIATE"])
    # The setter rebuilds the storage only when the mode flips.
    huey.storage = huey.create_storage()


def in_app(task: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task inside the portal's app context: in the worker's threads
    there is none, and the database, config and templates need one."""
    @functools.wraps(task)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context() or _app is None:
            return task(*args, **kwargs)
        with _app.app_context():
            return task(*args, **kwargs)
    return run


@huey.task(retries=3, retry_delay=60)
@in_app
def deliver_notifications() -> int:
    return deliver_due()


@huey.periodic_task(crontab(minute="*"))
@in_app
def retry_notifications() -> int:
    """Every minute in the worker: whatever failed before is tried again."""

    return deliver_due()


def kick() -> None:
    """Ask for the outbox to be sent now (after a change was committed)."""
    try:
        deliver_notifications()
    except Exception:  # noqa: BLE001 - the rows stay queued; the next kick retries
        log.exception("delivering notifications failed")

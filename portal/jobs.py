"""Background jobs with huey. By default (JOBS_IMMEDIATE) they run in the web
process right after the change, so `make run` needs nothing else; a larger
install runs `flask --app wsgi jobs worker` and sets JOBS_IMMEDIATE=false.
Nothing is lost either way: the outbox rows stay until a send succeeds."""

from __future__ import annotations

import logging
import os

from huey import SqliteHuey, crontab

log = logging.getLogger(__name__)

huey = SqliteHuey("portal", filename=os.environ.get("JOBS_DB", "jobs.db"), immediate=True,
                  immediate_use_memory=True)


def configure(app: object) -> None:
    config = app.config  # type: ignore[attr-defined]
    # huey builds its SQLite storage from these when immediate mode goes off.
    huey.storage_kwargs["filename"] = config["JOBS_DB"]
    huey.immediate = bool(config["JOBS_IMMEDIATE"])


@huey.task(retries=3, retry_delay=60)
def deliver_notifications() -> int:
    from .notify import deliver_due

    return deliver_due()


@huey.periodic_task(crontab(minute="*"))
def retry_notifications() -> int:
    """Every minute in the worker: whatever failed before is tried again."""
    from .notify import deliver_due

    return deliver_due()


def kick() -> None:
    """Ask for the outbox to be sent now (after a change was committed)."""
    try:
        deliver_notifications()
    except Exception:  # noqa: BLE001 - the rows stay queued; the next kick retries
        log.exception("delivering notifications failed")


@huey.periodic_task(crontab(hour="0", minute="0"))  # 07:00 in Bangkok
def send_daily_digest() -> int:
    from .notify import daily_digest

    queued = daily_digest()
    kick()
    return queued

"""The portal's tasks on a clock, run by the job worker (``flask jobs
worker``): the staff's daily digest, the nightly housekeeping of files and
the hourly sweep of unconfirmed forms. Registered with the queue of
portal.base.jobs when the app is made."""

from __future__ import annotations

from huey import crontab

from ..base.jobs import huey, in_app, kick
from ..files.uploads import sweep_orphans
from ..requests.drafts import sweep
from ..requests.holidays import ensure_national_holidays
from ..requests.notify import daily_digest
from ..requests.privacy import purge_closed_files


@huey.periodic_task(crontab(hour="0", minute="0"))  # 07:00 in Bangkok
@in_app
def send_daily_digest() -> int:
    # Next year's holidays appear on 1 January without anyone remembering.
    ensure_national_holidays()
    queued = daily_digest()
    kick()
    return queued


@huey.periodic_task(crontab(hour="18", minute="30"))  # 01:30 in Bangkok
@in_app
def nightly_housekeeping() -> tuple[int, int]:
    """Files past their agency's retention period, and files a crash left
    without a row."""

    return purge_closed_files(), len(sweep_orphans())


@huey.periodic_task(crontab(minute="17"))  # hourly
@in_app
def sweep_drafts() -> int:
    """Forms nobody confirmed within a day, and the files held for them."""

    return sweep()

"""``flask db ...`` and ``flask demo``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..base import audit
from ..base.jobs import huey, kick
from ..base.outbox import deliver_due
from ..db import database
from ..files.uploads import sweep_orphans
from ..identity import reset, throttle
from ..identity.forms import PASSWORD_MAX, PASSWORD_MIN
from ..models import User
from ..plugins.manager import plugin_manager
from ..requests.holidays import ensure_national_holidays
from ..requests.notify import daily_digest
from ..requests.privacy import purge_closed_files
from ..thai import BE_OFFSET, normalise_national_id, to_local, utcnow
from .backup import BackupError, create, restore
from .demo import load_demo
from .migrate import normalise_digits, pending, recorded_digit_clashes, routers, upgrade

db_cli = AppGroup("db", help="Create or upgrade the database schema.")


@db_cli.command("upgrade")
@with_appcontext
def upgrade_command() -> None:
    """Create or upgrade the schema (core, then plugins)."""

    ran = upgrade(plugin_manager())
    click.echo(f"migrations applied: {len(ran)}" + (f" ({', '.join(ran)})" if ran else ""))
    # A fresh install's clock must already skip this year's and next year's holidays.
    added = ensure_national_holidays()
    if added:
        click.echo(f"public holidays added: {added}")


@db_cli.command("pending")
@with_appcontext
def pending_command() -> None:
    """List steps not yet applied."""

    for name in pending(plugin_manager()):
        click.echo(name)


@db_cli.command("revision")
@click.argument("name")
@click.option("--plugin", default="core", help="core, or a plugin's entry-point name")
@click.option("--models", "models_module", required=True,
              help="module whose models to diff against, e.g. portal.models")
@with_appcontext
def revision_command(name: str, plugin: str, models_module: str) -> None:
    """Write a new migration step from the difference with the models."""

    for router_name, router in routers(plugin_manager()):
        if router_name == plugin:
            created = router.create(name, auto=models_module)
            click.echo(f"written: {created}" if created else "no changes")
            return
    raise click.UsageError(f"no migrations folder for {plugin!r}")


@db_cli.command("digit-clashes")
@click.option("--fix", is_flag=True,
              help="Write in ASCII digits the rows whose clash a system admin resolved.")
@with_appcontext
def digit_clashes_command(fix: bool) -> None:
    """List the rows the upgrade left with Thai (or other non-ASCII) digits
    because, written in ASCII, they would be another row's national ID or
    reference number. Resolve each (e.g. erase the duplicate account, cancel
    the duplicate registration), then run with --fix."""

    clashes = recorded_digit_clashes()
    if not clashes:
        click.echo("no digit clashes recorded")
    for at, clash, still_open in clashes:
        state = "open" if still_open else "resolved"
        if still_open and fix:
            with database.atomic():
                left = normalise_digits(database, clash.table, clash.columns, clash.unique,
                                        ids=[clash.row_id], report=False)
                if not left:
                    audit.record("digit_clash_fixed", f"{clash.table}:{clash.row_id}")
            state = "still clashes" if left else "fixed"
        click.echo(f"{at:%Y-%m-%d %H:%M}  {clash.describe()}  [{state}]")


backup_cli = AppGroup("backup", help="Back up the whole install, or restore it.")


@backup_cli.command("create")
@click.argument("target", type=click.Path(dir_okay=False, writable=True), required=False)
@with_appcontext
def backup_create(target: str | None) -> None:
    """Write one archive of the database and the uploaded files."""
    from pathlib import Path

    from ..i18n import local_tz

    path = Path(target or f"backup-{to_local(utcnow(), local_tz()):%Y%m%d-%H%M%S}.tar.gz")
    manifest = create(path)
    rows = sum(manifest["tables"].values())
    click.echo(f"{path}: {rows} rows in {len(manifest['tables'])} tables, "
               f"{manifest['files']} files")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def backup_restore(source: str) -> None:
    """Bring an archive back into an empty, migrated install."""
    from pathlib import Path

    try:
        manifest = restore(Path(source))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {sum(manifest['tables'].values())} rows and "
               f"{manifest['files']} files from {manifest['created_at']}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo agency and accounts (idempotent) and print the logins."""

    accounts = load_demo(current_app)
    click.echo(f"\n=== Demo accounts (password for all: {accounts['password']}) ===")
    for role, national_id, name in accounts["users"]:
        click.echo(f"  {role:<14} national ID {national_id}   {name}")
    click.echo("  Robot check: done by the browser on http://localhost or HTTPS; elsewhere, "
               "type the digits shown in the picture.\n")


holidays_cli = AppGroup("holidays", help="Nationwide public holidays.")


@holidays_cli.command("load")
@click.argument("years", nargs=-1, type=int)
@with_appcontext
def holidays_load_command(years: tuple[int, ...]) -> None:
    """Add Thailand's public holidays for YEARS (CE or BE; default this year
    and next); a year that has nationwide holidays already is left alone."""

    wanted = [y - BE_OFFSET if y > 2400 else y for y in years] or None
    click.echo(f"public holidays added: {ensure_national_holidays(wanted)}")


jobs_cli = AppGroup("jobs", help="Background jobs (e-mail notifications).")


@jobs_cli.command("deliver")
@with_appcontext
def deliver_command() -> None:
    """Send the e-mails that are due now."""

    click.echo(f"sent: {deliver_due()}")


@jobs_cli.command("digest")
@with_appcontext
def digest_command() -> None:
    """Queue today's digest of late requests for each staff member and send it."""

    click.echo(f"digests queued: {daily_digest()}, sent: {deliver_due()}")


@jobs_cli.command("purge-files")
@with_appcontext
def purge_files_command() -> None:
    """Delete files of closed requests kept longer than their agency allows."""

    click.echo(f"files deleted under retention: {purge_closed_files()}")


@jobs_cli.command("sweep-uploads")
@click.option("--min-age", default=3600, show_default=True, help="seconds")
@with_appcontext
def sweep_uploads_command(min_age: int) -> None:
    """Delete uploaded files that no row points at (left by a crash)."""

    click.echo(f"orphan files deleted: {len(sweep_orphans(min_age))}")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True)
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the huey consumer (set JOBS_IMMEDIATE=false for the web processes)."""
    from huey.consumer import Consumer

    huey.immediate = False
    Consumer(huey, workers=workers, periodic=True).run()


users_cli = AppGroup("users", help="Accounts: help a person who cannot sign in.")


@users_cli.command("reset-password")
@click.argument("national_id")
@click.option("--set-password", "set_now", is_flag=True,
              help="Type the new password here (twice) instead of printing a link.")
@with_appcontext
def reset_password_command(national_id: str, set_now: bool) -> None:
    """Print a single-use link (valid PASSWORD_RESET_MINUTES) with which the
    person with NATIONAL_ID sets a new password, for the operator to hand
    over; or, with --set-password, set one now. Either way the person's
    other sign-ins end when the password changes and a lockout lifts."""
    from ..i18n import show_datetime

    user = User.get_or_none(User.national_id == normalise_national_id(national_id))
    if not reset.may_reset(user):
        raise click.ClickException("no open account has this national ID")
    if set_now:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise click.ClickException(
                f"a password has {PASSWORD_MIN} to {PASSWORD_MAX} characters")
        with database.atomic():
            ended = reset.set_password(user, password)
            throttle.lift(user.national_id)
            audit.record("password_set_by_operator", f"user:{user.id}",
                         detail=f"other sessions ended: {ended}")
            reset.tell_changed(user)
        kick()
        click.echo(f"password set for {user.full_name}; sign-ins ended: {ended}")
        return
    try:
        with database.atomic():
            url, row = reset.issue_link(user, reset.BY_OPERATOR)
            audit.record("password_reset_printed", f"user:{user.id}", detail="operator")
    except RuntimeError as error:  # PUBLIC_BASE_URL unset: no link to build
        raise click.ClickException(str(error)) from None
    click.echo(f"link for {user.full_name} (works once, until "
               f"{show_datetime(row.expires_at)}):\n{url}")

"""A province-sized install for the load tests, outside the product:
``python -m bench.seed --requests 1000000 --agencies 20`` (in a clone, with the
``bench`` extra's Faker). The portal's settings come from the environment, as
for ``flask --app wsgi``."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import FlaskGroup, with_appcontext

from portal import create_app

from .seeding import HEAVY_REQUESTS, SEED_PASSWORD, seed


@click.command("seed")
@click.option("--requests", "count", default=1_000_000, show_default=True)
@click.option("--agencies", default=20, show_default=True)
@click.option("--random-seed", default=2567, show_default=True)
@with_appcontext
def seed_command(count: int, agencies: int, random_seed: int) -> None:
    """Fill the database with test agencies, citizens and requests (load tests)."""
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 100_000 == 0 or done == count:
            click.echo(f"  {done:>9,} requests  {time.perf_counter() - started:6.0f} s")

    try:
        report = seed(count, agencies, random_seed, progress)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    took = time.perf_counter() - started
    click.echo(f"seeded {report.requests:,} requests, {report.events:,} history lines, "
               f"{report.citizens:,} citizens, {len(report.agencies)} agencies in {took:.0f} s")
    click.echo(f"password of every seeded account: {SEED_PASSWORD}")
    click.echo(f"citizen with {HEAVY_REQUESTS} requests: {report.heavy_national_id}")
    for code, national_id in report.staff[:3]:
        click.echo(f"clerk of {code}: {national_id}")
    reference, last4 = report.samples[0]
    click.echo(f"status check sample: {reference} / {last4}")



def main(argv: list[str] | None = None) -> None:
    cli = FlaskGroup(create_app=lambda: create_app(), add_default_commands=False)
    cli.add_command(seed_command)
    cli.main(args=["seed", *(sys.argv[1:] if argv is None else argv)], prog_name="bench.seed")


if __name__ == "__main__":
    main()

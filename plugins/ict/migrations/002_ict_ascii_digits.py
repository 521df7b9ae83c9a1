"""Phones of the ICT phone log in ASCII digits, as the form now writes them
(core step 020 does the core tables)."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import normalise_digits


def _normalise(database: pw.Database) -> None:
    normalise_digits(database, "ict_phone_call", ("phone",))


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(_normalise, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Nothing to undo: the values typed in Thai digits are not kept."""

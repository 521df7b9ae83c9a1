"""Elderly registrations under national IDs in ASCII digits (core step 020
does the core tables). A registration whose ID in ASCII is another
registration's in the same agency — the same person enrolled twice — keeps
its value with that other one, and is listed for a system admin
(``flask db digit-clashes``)."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import normalise_digits


def _normalise(database: pw.Database) -> None:
    normalise_digits(database, "tambon_elderly", ("national_id",), ("agency_id", "national_id"))


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(_normalise, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Nothing to undo: the values typed in Thai digits are not kept."""

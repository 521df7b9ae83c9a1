"""National IDs, phones and reference numbers stored in ASCII digits.

Forms used to take Thai digits (๑๑๐๑๗…) as typed: a second account, or a
second registration, for an ID already in the database (pen-test finding 9).
The forms now write ASCII; this step rewrites what they stored before.

A row that in ASCII would be another row's national ID or reference keeps
its value, and so does the other row: one of the two may be the person's
real account, and choosing is for a system admin. Each such row gets an
audit-log entry ``digit_clash`` (visible to system admins only) and
``flask db digit-clashes`` lists them. Until resolved, the Thai-digit
account cannot be signed in to (the login form sends ASCII).

Not rewritten: the answers kept as JSON in ``request.payload`` (shown as
typed; nothing looks them up), and login throttle keys (they expire).
Plugins rewrite their own tables in their own steps.
"""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import normalise_digits

# table, columns holding digits, columns that together must stay unique
TABLES = (
    ("users", ("national_id", "phone"), ("national_id",)),
    ("request", ("reference", "contact_phone"), ("reference",)),
    ("agency", ("phone",), ()),
    ("agency_service", ("officer_phone",), ()),
)


def _normalise(database: pw.Database) -> None:
    for table, columns, unique in TABLES:
        normalise_digits(database, table, columns, unique)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # Queued, so a replay of past steps (fake=True) never runs it.
    migrator.run(_normalise, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Nothing to undo: the values typed in other digits are not kept, and
    bringing them back would reopen the hole."""

"""Agency records of seed 003: level in the tree, full name, English
address, the e-mails registered with DGA and for complaints, suspension.

Plain ADD COLUMN: see portal.migrate.add_columns.
"""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (
    ("agency", "full_name", "VARCHAR(500) NOT NULL DEFAULT ''"),
    ("agency", "level", "VARCHAR(20) NOT NULL DEFAULT 'agency'"),
    ("agency", "address_en", "TEXT NOT NULL DEFAULT ''"),
    ("agency", "email_dga", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("agency", "email_complaint", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("agency", "suspended", "BOOLEAN NOT NULL DEFAULT FALSE"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)

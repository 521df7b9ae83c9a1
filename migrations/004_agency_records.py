"""Agency records of seed 003: level in the tree, full name, English
address, the e-mails registered with DGA and for complaints, suspension.

Plain ALTER TABLE ... ADD COLUMN with a default: peewee-migrate's
add_fields rebuilds the table on SQLite to make a column NOT NULL, and that
rebuild fails once requests and memberships point at agencies.
"""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = (
    ("full_name", "VARCHAR(500) NOT NULL DEFAULT ''"),
    ("level", "VARCHAR(20) NOT NULL DEFAULT 'agency'"),
    ("address_en", "TEXT NOT NULL DEFAULT ''"),
    ("email_dga", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("email_complaint", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("suspended", "BOOLEAN NOT NULL DEFAULT FALSE"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for name, definition in COLUMNS:
        migrator.sql(f'ALTER TABLE "agency" ADD COLUMN "{name}" {definition}')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for name, _definition in reversed(COLUMNS):
        migrator.sql(f'ALTER TABLE "agency" DROP COLUMN "{name}"')

"""Who answers for a service in an agency (officer, phone, division), and the
channel a request came by (web, e-mail, Facebook, LINE, phone, counter)."""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = (
    ("agency_service", "officer_name", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("agency_service", "officer_phone", "VARCHAR(60) NOT NULL DEFAULT ''"),
    ("agency_service", "division", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("request", "channel", "VARCHAR(20) NOT NULL DEFAULT 'web'"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # Plain ADD COLUMN: see 004 for why not add_fields on SQLite.
    for table, name, definition in COLUMNS:
        migrator.sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table, name, _definition in reversed(COLUMNS):
        migrator.sql(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')

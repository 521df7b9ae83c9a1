"""Minute targets (the due moment, an agency's own minutes), history lines
that are not status changes (forward, reopen), and the answer to a survey's
request to reopen."""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = (
    ("request", "due_at", "TIMESTAMP NULL"),
    ("agency_service", "target_minutes", "INTEGER NULL"),
    ("status_event", "kind", "VARCHAR(20) NOT NULL DEFAULT 'status'"),
    ("survey_response", "reopened_at", "TIMESTAMP NULL"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # Plain ADD COLUMN: see 004 for why not add_fields on SQLite.
    for table, name, definition in COLUMNS:
        migrator.sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table, name, _definition in reversed(COLUMNS):
        migrator.sql(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')

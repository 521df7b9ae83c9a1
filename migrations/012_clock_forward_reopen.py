"""Minute targets (the due moment, an agency's own minutes), history lines
that are not status changes (forward, reopen), and the answer to a survey's
request to reopen."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (
    ("request", "due_at", "TIMESTAMP NULL"),
    ("agency_service", "target_minutes", "INTEGER NULL"),
    ("status_event", "kind", "VARCHAR(20) NOT NULL DEFAULT 'status'"),
    ("survey_response", "reopened_at", "TIMESTAMP NULL"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)

"""PDPA: who may see full national IDs, deleted (anonymised) accounts, and
how long an agency keeps the files of closed requests."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (
    ("membership", "sees_national_ids", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("users", "deleted_at", "TIMESTAMP NULL"),
    ("agency", "attachment_retention_days", "INTEGER NULL"),
    ("attachment", "purged_at", "TIMESTAMP NULL"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)

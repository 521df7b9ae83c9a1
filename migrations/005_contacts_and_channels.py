"""Who answers for a service in an agency (officer, phone, division), and the
channel a request came by (web, e-mail, Facebook, LINE, phone, counter)."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (
    ("agency_service", "officer_name", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("agency_service", "officer_phone", "VARCHAR(60) NOT NULL DEFAULT ''"),
    ("agency_service", "division", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("request", "channel", "VARCHAR(20) NOT NULL DEFAULT 'web'"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)

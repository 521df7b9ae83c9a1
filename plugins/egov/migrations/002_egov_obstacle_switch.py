"""An on/off switch on each obstacle row (seed 003 §1.4, column การใช้งาน)."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (("egov_obstacle", "published", "BOOLEAN NOT NULL DEFAULT TRUE"),)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)

"""The Messaging API address leaves the channel row: it is the operator's
setting (LINE_API_BASE), so no staff form can aim the server elsewhere."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

# Plain ALTER TABLE: SQLite (3.35+) and PostgreSQL both drop an unindexed
# column in place, without rebuilding a table others point at.
COLUMNS = (("line_channel", "api_base", "VARCHAR(255) NOT NULL DEFAULT 'https://api.line.me'"),)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)

"""The rest of seed 003's agency record: fax, organisation type and
sub-type, office-hours note, the display switch, key service point, school,
ศูนย์ราชการสะดวก level, central agency, serves the public.

Plain ADD COLUMN: see portal.migrate.add_columns.
"""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (
    ("agency", "fax", "VARCHAR(60) NOT NULL DEFAULT ''"),
    ("agency", "org_type", "VARCHAR(40) NOT NULL DEFAULT ''"),
    ("agency", "org_subtype", "VARCHAR(100) NOT NULL DEFAULT ''"),
    ("agency", "office_hours", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("agency", "displayed", "BOOLEAN NOT NULL DEFAULT TRUE"),
    ("agency", "key_service_point", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("agency", "is_school", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("agency", "gecc_level", "VARCHAR(10) NOT NULL DEFAULT ''"),
    ("agency", "is_central", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("agency", "serves_public", "BOOLEAN NOT NULL DEFAULT TRUE"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)

"""A forwarded request remembers the form its answers were written on."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('ALTER TABLE "request" ADD COLUMN "form_code" VARCHAR(40) NOT NULL DEFAULT \'\'')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('ALTER TABLE "request" DROP COLUMN "form_code"')

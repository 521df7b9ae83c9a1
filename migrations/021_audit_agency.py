"""The agency each audit entry concerns (pen-test finding 7).

The audit view showed an agency admin "what the members of my agency did";
an agency admin can make anyone a member, the system admin included, and
then read their sign-ins, exports and work on other agencies. Entries are
now scoped by the agency the action concerned, stored here.

Backfill, best effort, from what a target or detail names:
- ``request:<reference>``: the request's agency (today's: a forwarded
  request counts for the agency that has it now);
- ``agency:<id>`` (``agency:<code>`` for ``agency_saved``);
- a detail that starts ``agency:<id>`` (staff and KPI roles);
- a download of a request's file (its detail is the reference).
Everything else (sign-ins, personal data, system settings, list exports,
Flask-Admin's generic ``<list>:<id>`` changes, plugins' own targets) stays
NULL: readable by system admins only, the safe side for old entries.
"""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (("audit_log", "agency_id",
            "INTEGER NULL REFERENCES agency (id) ON DELETE SET NULL"),)
INDEX = "audit_log_agency_id_at"  # the name peewee gives the model's index

# No LIKE: psycopg2 would read its % as a parameter.
BACKFILL = (
    """UPDATE audit_log SET agency_id = (
        SELECT agency_id FROM request WHERE reference = substr(audit_log.target, 9))
    WHERE substr(target, 1, 8) = 'request:'""",
    """UPDATE audit_log SET agency_id = (
        SELECT agency_id FROM request WHERE reference = audit_log.detail)
    WHERE action = 'download' AND substr(target, 1, 11) = 'attachment:'""",
    """UPDATE audit_log SET agency_id = (
        SELECT id FROM agency WHERE CAST(id AS VARCHAR(20)) = substr(audit_log.target, 8))
    WHERE substr(target, 1, 7) = 'agency:' AND action <> 'agency_saved'""",
    """UPDATE audit_log SET agency_id = (
        SELECT id FROM agency WHERE code = substr(audit_log.target, 8))
    WHERE substr(target, 1, 7) = 'agency:' AND action = 'agency_saved'""",
    """UPDATE audit_log SET agency_id = (
        SELECT id FROM agency WHERE audit_log.detail = 'agency:' || CAST(id AS VARCHAR(20))
            OR substr(audit_log.detail, 1, length(CAST(id AS VARCHAR(20))) + 8)
                = 'agency:' || CAST(id AS VARCHAR(20)) || ' ')
    WHERE agency_id IS NULL AND substr(detail, 1, 7) = 'agency:'""",
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)
    migrator.sql(f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "audit_log" ("agency_id", "at")')
    for statement in BACKFILL:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f'DROP INDEX IF EXISTS "{INDEX}"')
    drop_columns(migrator, COLUMNS)

"""Requests per (agency, service, status), kept by the database itself.

The staff dashboard counted an agency's requests on every view: tens of
thousands of index entries per page at a million requests. Triggers keep a
small table of counts instead, so every way a request is written — a submit,
a status change, a forward, a restore, ``flask seed``'s bulk inserts, a
hand-written UPDATE — keeps it right without the code remembering to.
"""

import peewee as pw
from peewee_migrate import Migrator

TABLE = """CREATE TABLE request_count (
    agency_id INTEGER NOT NULL,
    service_code VARCHAR(40) NOT NULL,
    status VARCHAR(20) NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (agency_id, service_code, status))"""

BACKFILL = """INSERT INTO request_count (agency_id, service_code, status, n)
    SELECT agency_id, service_code, status, COUNT(*) FROM request
    GROUP BY agency_id, service_code, status"""

KEY = "agency_id, service_code, status"

# SQLite: row triggers (one writer at a time, so no lock order to keep).
SQLITE = (
    f"""CREATE TRIGGER request_count_insert AFTER INSERT ON request BEGIN
        INSERT INTO request_count ({KEY}, n)
            VALUES (NEW.agency_id, NEW.service_code, NEW.status, 1)
            ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER request_count_delete AFTER DELETE ON request BEGIN
        UPDATE request_count SET n = n - 1 WHERE agency_id = OLD.agency_id
            AND service_code = OLD.service_code AND status = OLD.status;
    END""",
    f"""CREATE TRIGGER request_count_update AFTER UPDATE OF {KEY} ON request
    WHEN OLD.agency_id IS NOT NEW.agency_id OR OLD.service_code IS NOT NEW.service_code
        OR OLD.status IS NOT NEW.status BEGIN
        UPDATE request_count SET n = n - 1 WHERE agency_id = OLD.agency_id
            AND service_code = OLD.service_code AND status = OLD.status;
        INSERT INTO request_count ({KEY}, n)
            VALUES (NEW.agency_id, NEW.service_code, NEW.status, 1)
            ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
    END""",
)

# PostgreSQL: statement triggers over transition tables, so a bulk insert of
# 10,000 rows costs one grouped upsert, not 10,000. Rows are upserted in key
# order: two clerks moving requests in opposite directions (completed ↔
# in progress) then lock the same two counters in the same order and cannot
# deadlock.
POSTGRES_APPLY = f"""CREATE FUNCTION request_count_apply(deltas request_count[])
RETURNS void LANGUAGE sql AS $$
    INSERT INTO request_count ({KEY}, n)
        SELECT {KEY}, SUM(n) FROM unnest(deltas)
        GROUP BY {KEY} HAVING SUM(n) <> 0 ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET n = request_count.n + EXCLUDED.n
$$"""

POSTGRES_DELTAS = {
    "insert": f"SELECT ROW({KEY}, 1)::request_count FROM new_rows",
    "delete": f"SELECT ROW({KEY}, -1)::request_count FROM old_rows",
    "update": f"""SELECT ROW({KEY}, -1)::request_count FROM old_rows
        UNION ALL SELECT ROW({KEY}, 1)::request_count FROM new_rows""",
}
REFERENCING = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
               "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def _is_postgres(database: pw.Database) -> bool:
    return "postgres" in type(getattr(database, "obj", None) or database).__name__.lower()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(TABLE)
    migrator.sql(BACKFILL)
    if _is_postgres(database):
        migrator.sql(POSTGRES_APPLY)
        for op, deltas in POSTGRES_DELTAS.items():
            migrator.sql(f"""CREATE FUNCTION request_count_{op}() RETURNS trigger
                LANGUAGE plpgsql AS $$ BEGIN
                    PERFORM request_count_apply(ARRAY({deltas}));
                    RETURN NULL;
                END $$""")
            migrator.sql(f"""CREATE TRIGGER request_count_{op} AFTER {op.upper()} ON request
                REFERENCING {REFERENCING[op]} FOR EACH STATEMENT
                EXECUTE FUNCTION request_count_{op}()""")
    else:
        for statement in SQLITE:
            migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if _is_postgres(database):
        for op in POSTGRES_DELTAS:
            migrator.sql(f"DROP TRIGGER request_count_{op} ON request")
            migrator.sql(f"DROP FUNCTION request_count_{op}()")
        migrator.sql("DROP FUNCTION request_count_apply(request_count[])")
    else:
        for op in ("insert", "delete", "update"):
            migrator.sql(f"DROP TRIGGER request_count_{op}")
    migrator.sql("DROP TABLE request_count")

"""The pages that must stay fast at a million requests read the request tables
through an index, never by a scan of the whole table: every query those pages
send is captured and given to the database's own EXPLAIN.

SQLite: no ``SCAN`` of a big table (a ``SEARCH`` uses an index; a ``SCAN …
USING INDEX`` walks one in order and is allowed only under a LIMIT, where it
stops early). PostgreSQL: with sequential scans switched off for the check, a
plan that still shows ``Seq Scan`` on a big table has no index to use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.seed import seed_command
from bench.seeding import SEED_PASSWORD
from portal.db import database, is_postgres

from .conftest import CAPTCHA_TEXT

BIG = ("request", "status_event", "attachment", "users")


@contextmanager
def captured() -> Iterator[list[tuple[str, tuple]]]:
    """Every statement peewee sends while the block runs."""
    queries: list[tuple[str, tuple]] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, tuple):
                queries.append(record.msg)

    logger = logging.getLogger("peewee")
    handler, level = Grab(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield queries
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _aliases(sql: str) -> dict[str, str]:
    """alias -> table, from peewee's ``FROM "request" AS "t1"``."""
    found = dict((alias, table) for table, alias in
                 re.findall(r'(?:FROM|JOIN) "(\w+)" AS "(\w+)"', sql))
    for table in re.findall(r'(?:FROM|JOIN) "(\w+)"(?! AS)', sql):
        found.setdefault(table, table)
    return found


def full_scans(sql: str, params: tuple) -> list[str]:
    """The plan lines that read a big table whole."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    tables = _aliases(sql)
    bad = []
    if not is_postgres():
        limited = " LIMIT " in sql.upper()
        for *_ids, detail in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params):
            m = re.match(r"SCAN (\w+)(.*)", detail)
            if not m or tables.get(m.group(1), m.group(1)) not in BIG:
                continue
            if limited and "USING" in m.group(2) and "INDEX" in m.group(2):
                continue
            bad.append(detail)
    else:
        with database.atomic():
            database.execute_sql("SET LOCAL enable_seqscan = off")
            for (line,) in database.execute_sql("EXPLAIN " + sql, params):
                m = re.search(r"Seq Scan on (\w+)", line)
                if m and m.group(1) in BIG:
                    bad.append(line.strip())
    return bad


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(seed_command, args=["--requests", "3000",
                                                               "--agencies", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        database.execute_sql("ANALYZE")
    out = result.output
    return {"heavy": re.search(r"200 requests: (\d{13})", out).group(1),
            "clerk": re.search(r"clerk of seed01: (\d{13})", out).group(1),
            "sample": re.search(r"status check sample: (\S+) / (\d{4})", out).groups()}


def _login(client, national_id):
    client.get("/captcha.png")
    r = client.post("/login", data={"national_id": national_id, "password": SEED_PASSWORD,
                                    "captcha": CAPTCHA_TEXT})
    assert r.status_code == 302


def _status_filter(app) -> str:
    from portal.models import Request

    with app.test_request_context():
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "requests")
        index, flt = next((i, f) for i, f in enumerate(view._filters)
                          if f.column is Request.status)
        return f"flt0_{view.get_filter_arg(index, flt)}"


def _pages(app, seeded):
    public = app.test_client()
    public.get("/status")
    reference, last4 = seeded["sample"]
    citizen = app.test_client()
    _login(citizen, seeded["heavy"])
    clerk = app.test_client()
    _login(clerk, seeded["clerk"])
    by_status = f"/admin/requests/?{_status_filter(app)}=submitted"
    return [
        ("status check", lambda: public.post("/status", data={"reference": reference,
                                                              "phone_last4": last4})),
        ("requester list", lambda: citizen.get("/requests")),
        ("requester list, page 3", lambda: citizen.get("/requests?page=3&per_page=50")),
        ("staff list", lambda: clerk.get("/admin/requests/")),
        ("staff list by status", lambda: clerk.get(by_status)),
        ("staff dashboard", lambda: clerk.get("/admin/")),
    ]


def test_fast_pages_read_through_indexes(app, seeded):
    problems = []
    for name, call in _pages(app, seeded):
        with captured() as queries:
            page = call()
        assert page.status_code == 200, name
        assert "login" not in page.headers.get("Location", ""), name
        reads = [q for q in queries if "request" in q[0]]
        assert reads, f"{name}: no query on the request table was seen"
        with app.app_context():
            for sql, params in reads:
                for line in full_scans(sql, tuple(params)):
                    problems.append(f"{name}: {line}\n    {sql}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_full_scan(app, seeded):
    """The detector itself: a query on an unindexed column is caught."""
    with app.app_context():
        assert full_scans('SELECT "t1"."id" FROM "request" AS "t1" WHERE '
                          '("t1"."staff_message" = ?)'.replace("?", database.param), ("x",))


def test_the_staff_list_by_status_reads_in_order(app, seeded):
    """The clerk's usual list (one status, newest first) walks the
    (agency, status, submitted_at) index in order: no sort, and no walk
    through the agency's other statuses (migration 019)."""
    by_status = dict(_pages(app, seeded))["staff list by status"]
    with captured() as queries:
        assert by_status().status_code == 200
    listing = [(sql, params) for sql, params in queries
               if 'FROM "request"' in sql and " LIMIT " in sql.upper()]
    assert listing, queries
    sql, params = listing[-1]
    with app.app_context():
        if is_postgres():
            # A few thousand rows are cheaper to sort than to walk in order,
            # so ask whether an ordered path exists at all: with sorting off,
            # the planner still sorts only when it has no index to walk.
            with database.atomic():
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                    database.execute_sql(f"SET LOCAL {setting} = off")
                plan = [line for (line,) in database.execute_sql("EXPLAIN " + sql, params)]
        else:
            plan = [d for *_ids, d in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    text = "\n".join(plan)
    assert "request_agency_id_status_submitted_at" in text, text
    assert "TEMP B-TREE" not in text and "Sort" not in text, text


def test_an_agency_admins_audit_log_reads_its_agency_in_order(app):
    """The audit log of an agency admin (their agency's entries, newest
    first) walks the (agency, at) index of migration 021, without a sort."""
    import datetime as dt

    from portal.models import AuditLog

    from .conftest import login, make_agency, make_agency_admin

    with app.app_context():
        agencies = [make_agency(services=()) for _ in range(4)]
        admin = make_agency_admin(agencies[0])
        start = dt.datetime(2025, 1, 1)
        AuditLog.insert_many([{"at": start + dt.timedelta(minutes=i), "action": "step",
                               "target": f"request:{i}", "agency": agencies[i % 4].id}
                              for i in range(2000)]).execute()
        database.execute_sql("ANALYZE")
    client = app.test_client()
    login(client, admin)
    with captured() as queries:
        assert client.get("/admin/audit/").status_code == 200
    listing = [(sql, params) for sql, params in queries
               if 'FROM "audit_log"' in sql and " LIMIT " in sql.upper()]
    assert listing, queries
    sql, params = listing[-1]
    with app.app_context():
        if is_postgres():
            with database.atomic():
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                    database.execute_sql(f"SET LOCAL {setting} = off")
                plan = [line for (line,) in database.execute_sql("EXPLAIN " + sql, params)]
        else:
            plan = [d for *_ids, d in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    text = "\n".join(plan)
    assert "audit_log_agency_id_at" in text, text
    assert "TEMP B-TREE" not in text and "Sort" not in text, text

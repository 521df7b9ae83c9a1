"""The trigger-kept request counts against a real count of the requests."""

from __future__ import annotations

import peewee as pw

from portal.models import Request, RequestCount


def kept_counts() -> dict[tuple[int, str, str], int]:
    return {(r.agency_id, r.service_code, r.status): r.n
            for r in RequestCount.select() if r.n}


def true_counts() -> dict[tuple[int, str, str], int]:
    query = (Request.select(Request.agency, Request.service_code, Request.status,
                            pw.fn.COUNT(pw.SQL("*")).alias("n"))
             .group_by(Request.agency, Request.service_code, Request.status).namedtuples())
    return {(r.agency, r.service_code, r.status): r.n for r in query}


def assert_counts_match() -> None:
    assert kept_counts() == true_counts()

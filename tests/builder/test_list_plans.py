"""The filters of a built service's staff list read through indexes: the
answers side table by (service, question, value), the requests by id."""

from __future__ import annotations

import datetime as dt

from plugins.builder.models import BuiltAnswer
from portal.db import database
from portal.models import Request

from .. import test_query_plans as plans
from ..conftest import login, make_agency, make_staff
from .sample import build


def test_a_filtered_built_list_reads_through_indexes(app, monkeypatch):
    monkeypatch.setattr(plans, "BIG", (*plans.BIG, "builder_answer"))
    with app.app_context():
        agency = make_agency("tambon-a", services=())
        built = build(agency)
        clerk = make_staff(agency, services=(built.code,))
        start = dt.datetime(2025, 1, 1)
        with database.atomic():
            Request.insert_many([{
                "reference": f"RL-{i:07d}", "service_code": built.code if i % 4 else "certificate",
                "agency": agency.id, "applicant_name": f"ผู้ยื่น {i}", "status": "submitted",
                "payload": {}, "submitted_at": start + dt.timedelta(minutes=i),
                "status_changed_at": start} for i in range(3000)]).execute()
            ids = [r.id for r in Request.select(Request.id).where(
                Request.service_code == built.code)]
            BuiltAnswer.insert_many([{
                "request": rid, "service_code": built.code, "key": "request_type",
                "value": "renew" if rid % 10 == 0 else "new"} for rid in ids]).execute()
        database.execute_sql("ANALYZE")
    client = app.test_client()
    login(client, clerk)
    problems = []
    with plans.captured() as queries:
        page = client.get(f"/admin/built_requests/{built.code}/?f_request_type=renew")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("RL-") >= 10
    reads = [q for q in queries if "builder_answer" in q[0]]
    assert reads
    with app.app_context():
        for sql, params in reads:
            problems += [f"{line}\n    {sql}" for line in plans.full_scans(sql, tuple(params))]
    assert not problems, "\n".join(problems)

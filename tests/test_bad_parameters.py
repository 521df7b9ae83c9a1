"""A wrong query string is the sender's mistake, never a crash.

The outside review found five 500s; each is here, and then hypothesis throws
random query strings (huge numbers, year 1, negative pages, text where a
number goes, Thai) at every GET route of the URL map as a signed-in system
admin and as a citizen: any 500 fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import Resource, User
from portal.ops.demo import load_demo

from .conftest import PASSWORD_HASH, login

HUGE = "9" * 25


@pytest.fixture
def office(app) -> dict[str, Any]:
    with app.app_context():
        demo = load_demo(app)
    User.update(password_hash=PASSWORD_HASH).execute()
    users = {role: User.get(User.national_id == nid) for role, nid, _n in demo["users"]}
    return {"users": users, "resource": Resource.select().first()}


def signed_in(app, user: User) -> Any:
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


@pytest.mark.parametrize("url", [
    "/admin/requests/?sort=1",
    "/admin/requests/?sort=99999999999999999999",
    f"/admin/agencies/?flt0_0={HUGE}",
    "/admin/tambon_time/?start=0001-01-01",
    "/admin/tambon_time/?start=9999-12-31",
    f"/admin/requests/process/{HUGE}",
    f"/admin/holidays/edit/?id={HUGE}",
    "/admin/requests/?page=-1",
    f"/admin/requests/?page={HUGE}",
    "/admin/requests/?page_size=0",
])
def test_the_reviews_bad_parameters_get_a_thai_answer(app, office, url):
    client = signed_in(app, office["users"]["system_admin"])
    answer = client.get(url)
    assert answer.status_code in (200, 302, 400, 404), answer.status_code
    if answer.status_code == 400:
        assert "ไม่ถูกต้อง" in answer.get_data(as_text=True)


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "2026-02-30", HUGE])
def test_a_week_of_bookings_at_the_edge_of_time(app, office, start):
    client = signed_in(app, office["users"]["citizen"])
    answer = client.get(f"/resources/{office['resource'].id}/week?start={start}")
    assert answer.status_code in (200, 400)


def get_routes(app, office) -> list[str]:
    """One URL per GET rule, with the scene's values for its arguments."""
    values = {"resource_id": office["resource"].id, "agency_code": "demo", "code": "certificate",
              "service_code": "certificate", "kind": "png", "name": "Sarabun-Regular.ttf",
              "filename": "portal.css", "jurisdiction_id": "demo"}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("identity.logout",):
                continue
            args = {name: values.get(name, 1) for name in rule.arguments}
            try:
                urls.append(url_for(rule.endpoint, **args))
            except Exception:  # a converter refused the value: no such page
                continue
    return sorted(set(urls))


query_value = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", HUGE, "-" + HUGE, "-1", "0", "1e309", "nan",
                     "", " ", "ก", "๑๒๓", "[]", "{}", "%", "\\", "'", "2567-13-45", "on"]),
    st.text(max_size=12),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
)
QUERY_NAMES = ("page", "page_size", "sort", "desc", "search", "start", "end", "year", "round",
               "flt0_0", "flt1_1", "flt0_1", "id", "ref", "status", "service", "agency",
               "q", "url", "kind", "month", "lat", "long", "format")
query = st.dictionaries(st.sampled_from(QUERY_NAMES), query_value, min_size=1, max_size=3)


@pytest.mark.parametrize("role", ["system_admin", "citizen"])
def test_no_get_route_crashes_on_any_query_string(app, office, role):
    client = signed_in(app, office["users"][role])
    urls = get_routes(app, office)
    assert len(urls) > 50
    crashed: list[tuple[str, dict[str, str], int]] = []

    @settings(max_examples=4, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(params=query)
    def each(params: dict[str, str]) -> None:
        for url in urls:
            answer = client.get(url, query_string=params)
            if answer.status_code >= 500:
                crashed.append((url, params, answer.status_code))

    each()
    assert crashed == []

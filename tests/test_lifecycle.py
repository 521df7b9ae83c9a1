"""Statuses and transitions: every allowed and every forbidden move per role,
references, working days."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest

from portal.models import Holiday, Request, StatusEvent
from portal.requests.lifecycle import (
    TRANSITIONS,
    Role,
    StaleRequestError,
    Status,
    TransitionError,
    add_working_days,
    change_status,
    create_request,
    due_date,
    new_reference,
)

from .conftest import make_agency, make_user

ALL_MOVES = list(itertools.product(list(Status), list(Status), list(Role)))


def _request_in(status: Status, agency, user) -> Request:
    return create_request(prefix="99", service_code="certificate", agency=agency,
                          requester=user, applicant_name="x", status=status, payload={})


@pytest.mark.parametrize("frm, to, role", ALL_MOVES,
                         ids=[f"{f}->{t}-{r}" for f, t, r in ALL_MOVES])
def test_every_move_for_every_role(app, frm, to, role):
    agency, user = make_agency(), make_user()
    req = _request_in(frm, agency, user)
    allowed = role in TRANSITIONS.get((frm, to), frozenset())
    if allowed:
        event = change_status(req, to, actor=user, role=role, remark="เหตุผล")
        fresh = Request.get_by_id(req.id)
        assert fresh.status == to and fresh.version == 2
        assert (event.from_status, event.to_status, event.actor_role) == (frm, to, role)
    else:
        with pytest.raises(TransitionError):
            change_status(req, to, actor=user, role=role, remark="เหตุผล")
        assert Request.get_by_id(req.id).status == frm
        assert StatusEvent.select().where(StatusEvent.request == req).count() == 0


def test_only_the_system_creates_and_only_the_requester_resubmits():
    assert TRANSITIONS[(None, Status.SUBMITTED)] == {Role.SYSTEM}
    resubmitters = {r for (f, t), roles in TRANSITIONS.items() if t == Status.RESUBMITTED
                    for r in roles}
    assert resubmitters == {Role.REQUESTER}
    assert not any(f in (Status.COMPLETED, Status.CANCELLED) for f, _t in TRANSITIONS)


@pytest.mark.parametrize("to", [Status.RETURNED, Status.CANCELLED])
def test_staff_must_give_a_remark_to_return_or_cancel(app, to):
    req = _request_in(Status.SUBMITTED, make_agency(), make_user())
    with pytest.raises(TransitionError, match="remark|หมายเหตุ"):
        change_status(req, to, actor=None, role=Role.STAFF, remark="  ")
    assert Request.get_by_id(req.id).status == Status.SUBMITTED


def test_stale_version_is_refused(app):
    req = _request_in(Status.SUBMITTED, make_agency(), make_user())
    stale = Request.get_by_id(req.id)
    change_status(req, Status.IN_PROGRESS, actor=None, role=Role.STAFF)
    with pytest.raises(StaleRequestError):
        change_status(stale, Status.COMPLETED, actor=None, role=Role.STAFF,
                      expected_version=1)
    assert Request.get_by_id(req.id).status == Status.IN_PROGRESS


def test_staff_message_is_kept_for_the_requester(app):
    req = _request_in(Status.SUBMITTED, make_agency(), make_user())
    change_status(req, Status.RETURNED, actor=None, role=Role.STAFF, remark="แนบสลิปใหม่")
    assert Request.get_by_id(req.id).staff_message == "แนบสลิปใหม่"


def test_reference_format_uses_buddhist_year():
    ref = new_reference("12", dt.datetime(2024, 6, 25, 6, 11, 52))  # 13:11 in Bangkok
    prefix, stamp, tail = ref.split("-")
    assert (prefix, stamp) == ("12", "670625")
    assert len(tail) == 5 and not set(tail) & set("01IO")


def test_references_stay_unique_under_concurrent_submits(app, tmp_path):
    from portal.db import database

    agency, user = make_agency(), make_user()
    made: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with database.connection_context():
                for _ in range(25):
                    made.append(_request_in(Status.SUBMITTED, agency, user).reference)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(made) == 200 == len(set(made))
    assert Request.select().count() == 200


def test_reference_clash_is_retried(app, monkeypatch):
    from portal.requests import lifecycle

    agency, user = make_agency(), make_user()
    first = _request_in(Status.SUBMITTED, agency, user)
    refs = iter([first.reference, first.reference, "99-000000-ABCDE"])
    monkeypatch.setattr(lifecycle, "new_reference", lambda prefix: next(refs))
    second = _request_in(Status.SUBMITTED, agency, user)
    assert second.reference == "99-000000-ABCDE"


@pytest.mark.parametrize("start, days, expected", [
    (dt.date(2024, 6, 21), 1, dt.date(2024, 6, 24)),   # Friday + 1 → Monday
    (dt.date(2024, 6, 22), 1, dt.date(2024, 6, 24)),   # Saturday + 1 → Monday
    (dt.date(2024, 6, 24), 5, dt.date(2024, 7, 1)),    # Monday + 5 → next Monday
    (dt.date(2024, 12, 27), 3, dt.date(2025, 1, 3)),   # over new year with 31 Dec, 1 Jan off
])
def test_working_days_skip_weekends_and_holidays(start, days, expected):
    holidays = {dt.date(2024, 12, 31), dt.date(2025, 1, 1)}
    assert add_working_days(start, days, holidays) == expected


def test_due_date_uses_national_and_agency_holidays(app):
    agency, other = make_agency(), make_agency()
    Holiday.create(day=dt.date(2024, 7, 22), name="ชดเชยวันอาสาฬหบูชา")
    Holiday.create(agency=agency, day=dt.date(2024, 7, 23), name="วันหยุดของหน่วยงาน")
    Holiday.create(agency=other, day=dt.date(2024, 7, 24), name="ของหน่วยงานอื่น")
    # Fri 19 Jul + 3 working days: Mon 22 and Tue 23 are off → Wed, Thu, Fri 26.
    assert due_date(agency, dt.date(2024, 7, 19), 3) == dt.date(2024, 7, 26)


def test_the_clock_stops_while_returned(app):
    from portal.requests.clock import paused
    from portal.requests.lifecycle import working_days_between

    agency = make_agency()
    Holiday.create(day=dt.date(2026, 12, 7), name="วันหยุดชดเชย")
    req = _request_in(Status.RETURNED, agency, make_user())
    req.due_date = dt.date(2026, 12, 4)  # a Friday
    # Returned on Tue 1 Dec, back on Tue 8 Dec: Wed-Fri and Tue are 4 working days
    # (the weekend and Mon 7 Dec, a holiday, do not count).
    assert working_days_between(agency, dt.date(2026, 12, 1), dt.date(2026, 12, 8)) == 4
    returned, back = dt.datetime(2026, 12, 1, 3), dt.datetime(2026, 12, 8, 3)  # 10:00 Bangkok
    with app.app_context():
        assert paused(req, returned, back) == (dt.date(2026, 12, 11), None)
        assert paused(req, returned, returned + dt.timedelta(hours=2)) == (req.due_date, None)

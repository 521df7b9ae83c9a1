"""The service-level clock in office minutes (seed 004's 50-minute flow):
due moments, the pause while returned, and what counts as late."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.models import AgencyService, Holiday, Request
from portal.plugins.manager import get_service
from portal.requests.clock import (
    add_office_minutes,
    due_for,
    late_clause,
    lateness,
    office_minutes_between,
    paused,
)
from portal.requests.lifecycle import Status, create_request

from .conftest import make_agency, make_staff, make_user
from .helpers.send import send_form

OPENS, CLOSES = dt.time(8, 30), dt.time(16, 30)
HOLIDAYS = {dt.date(2026, 12, 7)}  # a Monday


def workday(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


@pytest.mark.parametrize("start, minutes, expected", [
    (dt.datetime(2026, 11, 24, 10, 0), 50, dt.datetime(2026, 11, 24, 10, 50)),
    # Friday 16:10: 20 minutes left today, 30 more from Monday's opening.
    (dt.datetime(2026, 11, 27, 16, 10), 50, dt.datetime(2026, 11, 30, 9, 0)),
    # Sent on Saturday night: counts from Monday 08:30.
    (dt.datetime(2026, 11, 28, 22, 0), 50, dt.datetime(2026, 11, 30, 9, 20)),
    # Before opening on a workday.
    (dt.datetime(2026, 11, 24, 6, 0), 50, dt.datetime(2026, 11, 24, 9, 20)),
    # Friday 4 Dec after closing; Monday 7 Dec is a holiday → Tuesday.
    (dt.datetime(2026, 12, 4, 17, 0), 50, dt.datetime(2026, 12, 8, 9, 20)),
    # Exactly a whole office day (480 minutes) from opening ends at closing.
    (dt.datetime(2026, 11, 24, 8, 30), 480, dt.datetime(2026, 11, 24, 16, 30)),
])
def test_office_minutes_skip_nights_weekends_and_holidays(start, minutes, expected):
    assert add_office_minutes(start, minutes, workday, OPENS, CLOSES) == expected


def test_office_minutes_between_counts_only_open_hours():
    # Fri 16:00 → Tue 09:00 with Monday a holiday: 30 + 30 minutes.
    assert office_minutes_between(dt.datetime(2026, 12, 4, 16, 0),
                                  dt.datetime(2026, 12, 8, 9, 0),
                                  workday, OPENS, CLOSES) == 60
    assert office_minutes_between(dt.datetime(2026, 12, 5, 10, 0),
                                  dt.datetime(2026, 12, 6, 10, 0),
                                  workday, OPENS, CLOSES) == 0


def test_a_minute_service_gets_a_due_moment_and_a_day_service_only_a_date(app):
    with app.app_context():
        agency = make_agency(services=("street_light", "certificate"))
        light, cert = get_service("street_light"), get_service("certificate")
        # Tue 24 Nov 2026 10:00 in Bangkok is 03:00 UTC.
        start = dt.datetime(2026, 11, 24, 3, 0)
        assert due_for(agency, light, start) == (dt.date(2026, 11, 24),
                                                 dt.datetime(2026, 11, 24, 3, 50))
        assert due_for(agency, cert, start) == (dt.date(2026, 12, 1), None)
        # An agency sets its own target: 2 office hours.
        AgencyService.update(target_minutes=120).where(
            (AgencyService.agency == agency)
            & (AgencyService.service_code == "street_light")).execute()
        assert due_for(agency, light, start)[1] == dt.datetime(2026, 11, 24, 5, 0)


def test_the_minute_clock_pauses_while_returned(app):
    with app.app_context():
        agency = make_agency(services=("street_light",))
        Holiday.create(day=dt.date(2026, 12, 7), name="ชดเชยวันพ่อ")
        req = create_request(prefix="71", service_code="street_light", agency=agency,
                             requester=make_user(), applicant_name="x",
                             status=Status.RETURNED, payload={},
                             due_date=dt.date(2026, 12, 4),
                             due_at=dt.datetime(2026, 12, 4, 3, 50))  # Fri 10:50
        # Returned Fri 10:00 (03:00 UTC) and back Tue 09:00 (02:00 UTC): the
        # office was open 6 h 30 on Friday and 30 min on Tuesday = 420 min.
        # From Fri 10:50, 340 min run to Friday's closing; the other 80 start
        # Tuesday 08:30 (Monday is a holiday) → Tue 09:50, 02:50 UTC.
        assert paused(req, dt.datetime(2026, 12, 4, 3, 0), dt.datetime(2026, 12, 8, 2, 0)) == (
            dt.date(2026, 12, 8), dt.datetime(2026, 12, 8, 2, 50))


def test_late_means_a_past_day_or_a_past_moment_today(app):
    with app.app_context():
        agency = make_agency(services=("street_light",))
        user = make_user()
        today, now = dt.date(2026, 11, 24), dt.datetime(2026, 11, 24, 5, 0)

        def request(status=Status.SUBMITTED, **due):
            return create_request(prefix="71", service_code="street_light", agency=agency,
                                  requester=user, applicant_name="x", status=status,
                                  payload={}, **due)

        past_moment = request(due_date=today, due_at=now - dt.timedelta(minutes=80))
        future_moment = request(due_date=today, due_at=now + dt.timedelta(minutes=5))
        yesterday = request(due_date=today - dt.timedelta(days=2))
        returned = request(Status.RETURNED, due_date=today - dt.timedelta(days=2))
        request(due_date=today)  # a day target due today is not late yet
        late = {r.id for r in Request.select().where(late_clause(today, now))}
        assert late == {past_moment.id, yesterday.id}
        assert returned.id not in late and future_moment.id not in late
        assert lateness(past_moment, today, now) == "1 ชม. 20 นาที"
        assert lateness(yesterday, today, now) == "2 วัน"
        assert lateness(future_moment, today, now) == ""


def test_a_petition_shows_its_due_time_and_turns_late(app):
    from .conftest import CAPTCHA_TEXT, login

    agency = make_agency("clock-tambon", services=("petition",))
    staff = make_staff(agency, services=("petition",))
    guest = app.test_client()
    guest.get("/captcha.png")
    r = send_form(guest, "/requests/new/clock-tambon/petition", data={
        "phone": "0812345678", "title": "นาย", "first_name": "ทดสอบ", "last_name": "นาฬิกา",
        "subject": "ถนน", "details": "หลุม", "captcha": CAPTCHA_TEXT},
        content_type="multipart/form-data")
    assert r.status_code == 302
    req = Request.get(Request.applicant_name == "นายทดสอบ นาฬิกา")
    assert req.due_at is not None and req.due_at > req.submitted_at
    # Due 80 minutes ago today: the overdue list says so in hours and minutes.
    from portal.thai import local_today, utcnow

    Request.update(due_at=utcnow() - dt.timedelta(minutes=80), due_date=local_today()
                   ).where(Request.id == req.id).execute()
    clerk = app.test_client()
    login(clerk, staff)
    page = clerk.get("/admin/overdue/").get_data(as_text=True)
    assert req.reference in page and '<td class="late">1 ชม. 20 นาที</td>' in page
    # The requester's status page gives the time, not only the day.
    status = guest.post("/status", data={"reference": req.reference, "phone_last4": "5678"})
    import re

    expected = status.get_data(as_text=True).split("คาดว่าจะแล้วเสร็จ")[1][:120]
    assert re.search(r"\d{1,2}:\d{2} น\.", expected), expected

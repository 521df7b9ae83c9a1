"""Bangkok time everywhere: every instant a person sees, types or exports is
Asia/Bangkok (stored as naive UTC), and a date that is an instant's day is
Bangkok's day.

The clock is frozen at 00:30 in Bangkok on 2 Dec 2569 BE (17:30 UTC on
1 Dec): a page that formats a stored instant without converting it shows
"1 ธ.ค. 2569", and these tests say it must not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from jinja2 import Environment

from portal.models import Attachment
from portal.thai import format_date, format_datetime

from .conftest import login
from .helpers.certificate import new_certificate
from .test_printing import pdf_text

TODAY = "2 ธ.ค. 2569"
YESTERDAY = "1 ธ.ค. 2569"
ROOT = Path(__file__).resolve().parent.parent


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def shows_today(text: str) -> None:
    """The frozen day is there, and the UTC day before it nowhere."""
    assert TODAY in text
    assert YESTERDAY not in text, text[max(text.find(YESTERDAY) - 300, 0):][:600]


# ------------------------------------------------------------ the rule ---

@pytest.mark.once
def test_a_datetime_given_to_the_date_formatter_is_bangkoks_day():
    late_evening_utc = dt.datetime(2026, 12, 1, 17, 30)
    assert format_date(late_evening_utc) == TODAY
    assert format_date(late_evening_utc, "en") == "2 Dec 2026"
    assert format_date(late_evening_utc.replace(tzinfo=dt.UTC)) == TODAY
    assert format_date(dt.date(2026, 12, 1)) == YESTERDAY  # a day stays that day
    assert format_datetime(late_evening_utc) == "2 ธ.ค. 2569, 00:30 น."


@pytest.mark.once
def test_templates_never_format_values_themselves():
    """strftime/isoformat/.date() in a template skip the time zone and the
    Buddhist era: templates use the filters (be_date, be_datetime, and
    iso_date/hhmm for form values of days and times of day)."""
    pattern = re.compile(r"\.(strftime|isoformat)\(|\.date\(\)")
    offenders = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
                 for folder in ("templates", "plugins")
                 for path in sorted((ROOT / folder).rglob("*.html")) + sorted(
                     (ROOT / folder).rglob("*.txt"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


def test_a_raw_datetime_in_a_template_fails_under_test(app):
    """In TESTING, ``{{ some_datetime }}`` raises instead of printing UTC."""
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ moment }}")
        with pytest.raises(TypeError, match="be_datetime"):
            template.render(moment=dt.datetime(2026, 12, 1, 17, 30))
        assert app.jinja_env.from_string("{{ moment|be_datetime }}").render(
            moment=dt.datetime(2026, 12, 1, 17, 30)) == "2 ธ.ค. 2569, 00:30 น."
        # Days, text and numbers print as before.
        assert app.jinja_env.from_string("{{ n }} {{ s }}").render(n=3, s="x") == "3 x"
    assert isinstance(app.jinja_env, Environment)


# --------------------------------------------------- requests and PDFs ---

def test_request_pages_pdf_list_and_mail_show_bangkoks_day(app, world, bangkok_night):
    citizen, staff_user = world["citizen"], world["staff"]
    client, req = new_certificate(app, citizen)
    assert req.submitted_at.date() == dt.date(2026, 12, 1)  # stored as UTC
    shows_today(client.get(f"/requests/{req.reference}").get_data(as_text=True))
    shows_today(client.get("/requests").get_data(as_text=True))
    shows_today(pdf_text(client.get(f"/requests/{req.reference}/print").data))
    staff = client_for(app, staff_user)
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "in_progress", "message": "", "version": req.version})
    shows_today(staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True))
    shows_today(staff.get("/admin/requests/").get_data(as_text=True))
    history = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert history.count("00:30 น.") >= 2  # submitted, and the change of status
    shows_today(history)


def test_delay_letter_and_its_e_mail_are_dated_in_bangkok(app, world, bangkok_night):
    from portal.models import Notification
    from portal.requests import notify

    _client, req = new_certificate(app, world["citizen"])
    staff = client_for(app, world["staff"])
    r = staff.post(f"/admin/requests/delay/{req.id}", data={
        "reason": "รอเอกสารจากกรมบัญชีกลาง", "new_date": "2026-12-20"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    letter = Attachment.get(Attachment.slot == "delay_letter")
    text = pdf_text(staff.get(f"/files/{letter.id}").data).replace("\n", " ")
    shows_today(text)
    assert text.count(TODAY) == 2  # the letter's date and the day it was filed
    mail = Notification.select().where(Notification.subject.contains("ล่าช้า")
                                       | Notification.body_text.contains("ล่าช้า")).get()
    shows_today(mail.body_text)
    shows_today(mail.body_html)
    assert notify  # the mail went through notify.queue, as every mail does


def test_submission_mail_counts_the_due_date_from_bangkoks_day(app, world, bangkok_night):
    from portal.models import Notification
    from portal.plugins.manager import get_service
    from portal.requests.lifecycle import due_date

    _client, req = new_certificate(app, world["citizen"])
    sent = Notification.get(Notification.recipient == world["citizen"].email)
    with app.app_context():
        expected = due_date(req.agency, dt.date(2026, 12, 2),
                            get_service("certificate").target_days)
    assert req.due_date == expected
    assert format_date(expected) in sent.body_text and format_date(expected) in sent.body_html


# ---------------------------------------------------------------- exports ---

def test_staff_list_export_gives_bangkok_time_and_iso(app, world, bangkok_night):
    _client, req = new_certificate(app, world["citizen"])
    staff = client_for(app, world["staff"])
    raw = staff.get("/admin/requests/export/csv/").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    header, row = rows[0], next(r for r in rows if r and r[0] == req.reference)
    submitted = row[header.index("วันที่ยื่น")]
    assert submitted == "2 ธ.ค. 2569, 00:30 น."
    iso = row[header.index("วันที่ยื่น (ISO 8601)")]
    assert re.fullmatch(r"2026-12-02T00:30:\d\d\+07:00", iso), iso
    shows_today(raw)
    assert "17:3" not in raw and ".5" not in submitted


def test_staff_lists_in_english_show_english_dates(app, world, bangkok_night):
    _client, req = new_certificate(app, world["citizen"])
    staff = client_for(app, world["staff"])
    staff.get("/lang/en", headers={"Referer": "http://localhost/"})
    page = staff.get("/admin/requests/").get_data(as_text=True)
    assert "2 Dec 2026, 00:30" in page
    # The date filter's boxes (drawn from a <template> when a filter is
    # added) ask for a B.E. year with an example, as every date input does.
    shown = re.sub(r'<template id="be-range-parts">.*?</template>', "", page, flags=re.S)
    assert "ธ.ค." not in shown and "2569" not in shown
    raw = staff.get("/admin/requests/export/csv/").get_data().decode("utf-8-sig")
    assert "2 Dec 2026, 00:30" in raw and "ธ.ค." not in raw
    assert req


# ------------------------------------------------------------ typed times ---

@pytest.mark.once
def test_the_datetime_field_reads_and_shows_bangkok_time(app):
    from werkzeug.datastructures import MultiDict

    from portal.forms.fields import LocalDateTimeField, PortalForm

    class Form(PortalForm):
        when = LocalDateTimeField("when")

    with app.test_request_context():
        for typed in ("2026-12-02T10:00", "2026-12-02 10:00", "2026-12-02 10:00:00",
                      "02/12/2569 10:00", "2/12/2026 10.00", "๐๒/๑๒/๒๕๖๙ ๑๐:๐๐"):
            form = Form(MultiDict({"when": typed}), meta={"csrf": False})
            assert form.validate(), (typed, form.errors)
            assert form.when.data == dt.datetime(2026, 12, 2, 3, 0), typed
        shown = Form(data={"when": dt.datetime(2026, 12, 2, 3, 0)}, meta={"csrf": False})
        assert 'value="2026-12-02T10:00"' in str(shown.when)
        assert 'type="datetime-local"' in str(shown.when)
        bad = Form(MultiDict({"when": "tomorrow"}), meta={"csrf": False})
        assert not bad.validate() and bad.when.errors
        empty = Form(MultiDict({"when": ""}), meta={"csrf": False})
        assert empty.validate() and empty.when.data is None


def test_every_staff_form_types_instants_in_bangkok_time(app):
    """Flask-Admin builds a form field for each timestamp column: every one
    is the shared Bangkok field, whichever view or plugin it is in."""
    from wtforms.fields import DateField, DateTimeField

    from portal.forms.fields import LocalDateTimeField

    found = []
    with app.test_request_context():
        for view in app.extensions["admin"][0]._views:
            form_class = getattr(view, "_create_form_class", None)
            if form_class is None:
                continue
            for name in dir(form_class):
                unbound = getattr(form_class, name)
                field_class = getattr(unbound, "field_class", None)
                if isinstance(field_class, type) and issubclass(field_class, DateTimeField) \
                        and not issubclass(field_class, DateField):  # a day is a day
                    found.append((view.endpoint, name, field_class))
    assert ("ict_calls", "callback_due", LocalDateTimeField) in found
    assert [f for f in found if f[2] is not LocalDateTimeField] == []

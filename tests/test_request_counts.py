"""The dashboard's request counts are kept by database triggers: every way a
request row is written — the app's submit and status change, a forward, a
plain SQL UPDATE or DELETE — leaves them equal to a real count."""

from __future__ import annotations

from portal.db import database
from portal.models import Request
from portal.requests.lifecycle import Role, Status, change_status

from .conftest import make_agency, make_user
from .helpers.certificate import new_certificate
from .helpers.counts import assert_counts_match, kept_counts


def test_counts_follow_every_write(app):
    citizen = make_user()
    with app.app_context():
        agency = make_agency("count-a")
    _c, first = new_certificate(app, citizen, agency_code="count-a")
    _c, second = new_certificate(app, citizen, agency_code="count-a")
    with app.app_context():
        key = (agency.id, "certificate")
        assert kept_counts() == {(*key, "submitted"): 2}

        change_status(first, Status.IN_PROGRESS, actor=None, role=Role.STAFF)
        assert kept_counts() == {(*key, "submitted"): 1, (*key, "in_progress"): 1}
        change_status(first, Status.COMPLETED, actor=None, role=Role.STAFF)
        assert kept_counts() == {(*key, "submitted"): 1, (*key, "completed"): 1}

        # A rolled-back change leaves the counts as they were.
        try:
            with database.atomic():
                change_status(second, Status.IN_PROGRESS, actor=None, role=Role.STAFF)
                raise RuntimeError("the attachment could not be stored")
        except RuntimeError:
            pass
        assert kept_counts() == {(*key, "submitted"): 1, (*key, "completed"): 1}

        # Writes the app does not make itself: a bulk UPDATE and a DELETE.
        Request.update(status=Status.CANCELLED).execute()
        assert kept_counts() == {(*key, "cancelled"): 2}
        other = make_agency("count-b")
        Request.update(agency=other.id).where(Request.id == second.id).execute()
        assert kept_counts() == {(*key, "cancelled"): 1, (other.id, "certificate", "cancelled"): 1}
        Request.update(payload={"x": 1}).execute()  # no key column changes
        assert_counts_match()
        database.execute_sql("DELETE FROM status_event")
        database.execute_sql("DELETE FROM attachment")
        Request.delete().where(Request.id == first.id).execute()
        assert kept_counts() == {(other.id, "certificate", "cancelled"): 1}
        assert_counts_match()

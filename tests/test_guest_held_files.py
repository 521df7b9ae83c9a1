"""Issue 22, review finding F1: files held for the check page of people who
are not signed in must not let anyone fill the portal's disk. Real HTTP, a
real database and file store; each guest below is a fresh browser (no
cookie), as a script dropping its cookies would be."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import time_machine

from portal.models import Draft, HeldFile
from portal.ops import schedule
from portal.requests.catalogue import set_enabled

from .conftest import login, make_agency
from .helpers.files import make_png

URL = "/requests/new/tambon-g/street_light"
# Short of the pole, so each post stays on the form with its photo held.
LIGHT = {"phone": "0898765432", "title": "นาง", "first_name": "บุญมี",
         "last_name": "ใจงาม", "problem": "out", "pole": "", "village": "3"}


def _office() -> None:
    agency = make_agency("tambon-g", services=())
    set_enabled(agency, "street_light", True)


def post_photo(client, **extra):
    return client.post(URL, data={**LIGHT, **extra,
                                  "file_photo1": (io.BytesIO(make_png()), "เสา.png")},
                       content_type="multipart/form-data")


def stored(app) -> set[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_guest_posts_that_hold_files_are_limited_per_address(app):
    _office()
    app.config["GUEST_FILE_RATE_LIMIT"] = "3 per hour"
    for _ in range(3):
        r = post_photo(app.test_client())
        assert r.status_code == 200 and "แนบแล้ว: เสา.png" in r.get_data(as_text=True)
    held = stored(app)
    refused = post_photo(app.test_client())
    assert refused.status_code == 429
    assert stored(app) == held and HeldFile.select().count() == 3
    # A round that carries no file holds nothing: a person fixing a typo
    # after the limit still gets their form back.
    no_file = app.test_client().post(URL, data=LIGHT, content_type="multipart/form-data")
    assert no_file.status_code == 200


def test_a_post_is_counted_before_it_runs(app, monkeypatch):
    """The count is taken before the page runs, not after it answers: posts
    sent side by side, or one that never finishes, cannot slip under the
    limit (review, finding 3)."""
    from portal.requests import drafts

    _office()
    app.config["GUEST_FILE_RATE_LIMIT"] = "1 per hour"
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def dies(draft, form, service):
        raise RuntimeError("the worker died while holding the file")

    monkeypatch.setattr(drafts, "hold_files", dies)
    assert post_photo(app.test_client()).status_code == 500
    monkeypatch.undo()
    assert post_photo(app.test_client()).status_code == 429


def test_a_signed_in_persons_unsent_forms_have_a_ceiling(app, world):
    _office()
    citizen = app.test_client()
    assert login(citizen, world["citizen"]).status_code == 302
    post_photo(citizen)
    app.config["USER_HELD_MAX_BYTES"] = HeldFile.get().size + 10
    other_tab = app.test_client()
    assert login(other_tab, world["citizen"]).status_code == 302
    page = post_photo(other_tab).get_data(as_text=True)
    assert 'id="file_photo1-error"' in page and "แบบฟอร์มที่ยังไม่ได้ส่ง" in page
    assert HeldFile.select().count() == 1


def test_rounds_without_a_file_do_not_use_up_the_limit(app):
    _office()
    app.config["GUEST_FILE_RATE_LIMIT"] = "2 per hour"
    guest = app.test_client()
    for _ in range(5):
        r = guest.post(URL, data=LIGHT, content_type="multipart/form-data")
        assert r.status_code == 200
    assert post_photo(app.test_client()).status_code == 200


def test_signed_in_people_are_not_counted(app, world):
    _office()
    app.config["GUEST_FILE_RATE_LIMIT"] = "1 per hour"
    assert post_photo(app.test_client()).status_code == 200
    citizen = app.test_client()
    assert login(citizen, world["citizen"]).status_code == 302
    for _ in range(3):
        assert post_photo(citizen).status_code == 200


def test_posting_the_blank_form_again_keeps_one_draft_per_browser(app):
    _office()
    guest = app.test_client()
    post_photo(guest)
    first = stored(app)
    post_photo(guest)  # a reload of the blank form, sent again
    assert Draft.select().count() == 1 and HeldFile.select().count() == 1
    # The earlier photo's bytes went with it.
    assert not (first & stored(app)) and len(stored(app)) == 1


def test_a_check_page_left_open_cannot_send_answers_posted_after_it(app, world):
    """Review, finding 1: the blank form posted again in the same browser
    (a second tab, the next person at a shared PC) must not turn the first
    tab's check page into a button that sends answers it never showed."""
    from portal.models import Request

    _office()
    citizen = app.test_client()
    assert login(citizen, world["citizen"]).status_code == 302
    data = {**LIGHT, "pole": "เสา 1"}
    first = citizen.post(URL, data={**data, "first_name": "บุญมี",
                                    "file_photo1": (io.BytesIO(make_png()), "a.png")},
                         content_type="multipart/form-data")
    first_check = first.headers["Location"]
    second = citizen.post(URL, data={**data, "first_name": "สมหญิง",
                                     "file_photo1": (io.BytesIO(make_png()), "b.png")},
                          content_type="multipart/form-data")
    assert second.headers["Location"] != first_check
    r = citizen.post(first_check, data={"confirm": "1"})
    assert r.status_code == 302 and Request.select().count() == 0


def test_the_bytes_held_for_all_guests_have_a_ceiling(app, world):
    _office()
    post_photo(app.test_client())
    app.config["GUEST_HELD_MAX_BYTES"] = HeldFile.get().size + 10
    r = post_photo(app.test_client())
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="file_photo1-error"' in page
    assert "ลองใหม่ภายหลัง" in page and "แนบแล้ว: เสา.png" not in page
    assert HeldFile.select().count() == 1
    # A signed-in person is not turned away by what guests hold.
    citizen = app.test_client()
    assert login(citizen, world["citizen"]).status_code == 302
    assert "แนบแล้ว: เสา.png" in post_photo(citizen).get_data(as_text=True)


def test_a_guests_draft_is_swept_after_two_hours_a_persons_after_a_day(app, world):
    _office()
    post_photo(app.test_client())
    citizen = app.test_client()
    assert login(citizen, world["citizen"]).status_code == 302
    post_photo(citizen)
    guest_file = HeldFile.get(HeldFile.draft.in_(Draft.select().where(Draft.user.is_null())))
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=5)):
        with app.app_context():
            assert schedule.sweep_drafts.call_local() == 1
    assert guest_file.stored_name not in stored(app)
    assert Draft.select().count() == 1 and HeldFile.select().count() == 1

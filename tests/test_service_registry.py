"""Services that come from data while the portal runs (issue 24's contract):
every process sees a change from the next request after its commit, a
built service belongs to one agency, and a request keeps the version it was
filled on."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.db import database
from portal.models import AgencyService, Request
from portal.ops.migrate import upgrade
from portal.plugins import services_changed
from portal.plugins.manager import get_service, plugin_manager
from portal.requests.catalogue import set_enabled

from .conftest import login, make_agency, make_agency_admin, make_config, make_user
from .helpers.client import CSRFClient
from .helpers.send import send_form
from .plugins import data_services


@pytest.fixture
def two_workers(tmp_path, migrated_db):
    """Two apps on one database: what two gunicorn workers are."""
    data_services.PUBLISHED.clear()
    data_services.OWNER.clear()
    config = make_config(tmp_path, migrated=True, PORTAL_EXTRA_PLUGINS=[data_services])
    first, second = create_app(config), create_app(config)
    for app in (first, second):
        app.test_client_class = CSRFClient
    with first.app_context():
        upgrade(plugin_manager())
    yield first, second
    data_services.PUBLISHED.clear()
    data_services.OWNER.clear()


def _publish(code: str, version: int, label: str) -> None:
    with database.atomic():
        data_services.PUBLISHED.setdefault(code, {})[version] = label
        services_changed()


def test_load_services_reaches_every_worker_after_the_commit(two_workers):
    first, second = two_workers
    with second.app_context():
        assert get_service("tree-1") is None  # loaded before it existed
    with first.app_context():
        _publish("tree-1", 1, "จำนวนต้นไม้")
        assert get_service("tree-1").version == 1  # the publisher sees it at once
    with second.app_context():
        assert get_service("tree-1").version == 1
    # Data that changed without the signal is not reloaded: the counter is
    # the only thing read per request.
    data_services.PUBLISHED["tree-1"][2] = "ไม่ได้ประกาศ"
    loads = len(data_services.LOADS)
    with second.app_context():
        assert get_service("tree-1").version == 1
        assert get_service("tree-1").version == 1
    assert len(data_services.LOADS) == loads


def test_a_rolled_back_change_leaves_the_services_as_they_were(two_workers):
    first, second = two_workers
    with first.app_context():
        _publish("tree-1", 1, "จำนวนต้นไม้")
    with first.app_context(), pytest.raises(RuntimeError):
        with database.atomic():
            services_changed()
            raise RuntimeError("publish failed")
    with second.app_context():
        assert get_service("tree-1").version == 1


def test_a_data_service_never_takes_a_code_defined_ones_code(two_workers, caplog):
    first, _ = two_workers
    with first.app_context():
        _publish("certificate", 1, "ปลอม")
        assert get_service("certificate").plugin == "education"
    assert "already taken" in caplog.text


def test_a_built_service_is_offered_only_by_the_agency_that_built_it(two_workers):
    first, _ = two_workers
    with first.app_context():
        own, other = make_agency("own", services=()), make_agency("other", services=())
        data_services.OWNER["tree-1"] = "own"
        _publish("tree-1", 1, "จำนวนต้นไม้")
        other_admin = make_agency_admin(other)
        set_enabled(own, "tree-1", True)
    client = first.test_client()
    login(client, other_admin)
    page = client.get("/staff/services/").get_data(as_text=True)
    assert "tree-1" not in page
    answer = client.post("/staff/services/toggle",
                         data={"agency": other.id, "service": "tree-1", "enabled": "1"})
    assert answer.status_code == 404
    with first.app_context():
        assert not AgencyService.select().where(AgencyService.agency == other,
                                                AgencyService.service_code == "tree-1").exists()
    # The address made up from the other agency's code is not found either.
    assert first.test_client().get("/requests/new/other/tree-1").status_code == 404


def test_find_service_gives_a_request_the_version_it_was_filled_on(two_workers):
    first, second = two_workers
    with first.app_context():
        agency = make_agency("own", services=())
        data_services.OWNER["tree-1"] = "own"
        _publish("tree-1", 1, "จำนวนต้นไม้ (ฉบับแรก)")
        set_enabled(agency, "tree-1", True)
        citizen = make_user()
    client = first.test_client()
    login(client, citizen)
    sent = send_form(client, "/requests/new/own/tree-1",
                     {"phone": "0812345678", "title": "นาย", "first_name": "สมชาย",
                      "last_name": "ใจดี", "subject": "สามต้น"})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    with first.app_context():
        req = Request.get(Request.service_code == "tree-1")
        assert req.form_code == "tree-1@1"
        _publish("tree-1", 2, "จำนวนต้นไม้ (ฉบับที่สอง)")
    page = second.test_client()
    login(page, citizen)
    html = page.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "จำนวนต้นไม้ (ฉบับแรก)" in html and "ฉบับที่สอง" not in html
    with second.app_context():
        assert get_service("tree-1").version == 2
        assert get_service("tree-1@1").version == 1
        assert get_service("tree-1@9") is None

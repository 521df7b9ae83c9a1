"""``flask seed``: a small run must give what the load test relies on — the
requested counts, whole histories, a requester with 200 requests, and rows the
real pages open — on SQLite and PostgreSQL alike."""

from __future__ import annotations

from bench.seed import seed_command
from bench.seeding import HEAVY_REQUESTS, SEED_PASSWORD
from portal.models import Agency, Request, StatusEvent, User
from portal.plugins.manager import all_services
from portal.requests.lifecycle import Status

from .conftest import CAPTCHA_TEXT
from .helpers.counts import assert_counts_match, kept_counts


def _seed(app, count=600, agencies=3):
    result = app.test_cli_runner().invoke(
        seed_command, args=["--requests", str(count), "--agencies", str(agencies)])
    assert result.exit_code == 0, result.output
    return result.output


def _login(client, national_id):
    client.get("/captcha.png")
    return client.post("/login", data={"national_id": national_id, "password": SEED_PASSWORD,
                                       "captcha": CAPTCHA_TEXT})


def test_seed_makes_whole_requests_over_every_service(app):
    out = _seed(app)
    assert "seeded 600 requests" in out
    with app.app_context():
        seeded = Agency.select().where(Agency.code.startswith("seed") &
                                       (Agency.code != "seed-province"))
        assert seeded.count() == 3
        assert Request.select().count() == 600
        codes = {r.service_code for r in Request.select(Request.service_code).distinct()}
        # Services built in an agency's own pages are not seeded (the demo
        # gives each seeded office one): every code-defined one is.
        assert codes == {c for c, s in all_services().items() if s.version is None}
        assert {r.status for r in Request.select(Request.status).distinct()} <= set(Status)
        # Every history chains from "submitted" to the status now, one line per version.
        events = {}
        for e in StatusEvent.select().order_by(StatusEvent.request, StatusEvent.id):
            events.setdefault(e.request_id, []).append(e)
        for req in Request.select():
            chain = events[req.id]
            assert chain[0].from_status is None and chain[0].to_status == Status.SUBMITTED
            assert all(a.to_status == b.from_status for a, b in zip(chain, chain[1:], strict=False))
            assert chain[-1].to_status == req.status and len(chain) == req.version
            assert req.payload and req.applicant_name.strip()
            assert req.submitted_at <= req.status_changed_at
        heavy = User.get(User.national_id == out.split("citizen with 200 requests: ")[1][:13])
        assert Request.select().where(Request.requester == heavy).count() == HEAVY_REQUESTS
        # Thai names, not placeholders.
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in heavy.first_name + heavy.last_name)
        # The bulk inserts went through the dashboard's counting triggers.
        assert sum(kept_counts().values()) == 600
        assert_counts_match()


def test_seeded_requests_open_on_the_real_pages(app):
    out = _seed(app, count=300, agencies=2)
    reference, last4 = out.split("status check sample: ")[1].split()[0::2]
    public = app.test_client()
    public.get("/status")
    page = public.post("/status", data={"reference": reference, "phone_last4": last4})
    assert page.status_code == 200 and "badge status-" in page.get_data(as_text=True)

    heavy_id = out.split("citizen with 200 requests: ")[1][:13]
    citizen = app.test_client()
    assert _login(citizen, heavy_id).status_code == 302
    mine = citizen.get("/requests?per_page=50").get_data(as_text=True)
    assert f"จาก {HEAVY_REQUESTS} รายการ" in mine
    with app.app_context():
        newest = (Request.select().join(User, on=Request.requester == User.id)
                  .where(User.national_id == heavy_id)
                  .order_by(Request.submitted_at.desc()).first())
    assert newest.reference in mine
    assert citizen.get(f"/requests/{newest.reference}").status_code == 200
    assert citizen.get(f"/requests/{newest.reference}/print").status_code == 200

    clerk_id = out.split(f"clerk of {newest.agency.code}: ")[1][:13]
    clerk = app.test_client()
    assert _login(clerk, clerk_id).status_code == 302
    assert clerk.get("/admin/").status_code == 200
    listing = clerk.get(f"/admin/requests/?search={newest.reference}").get_data(as_text=True)
    assert newest.reference in listing
    page = clerk.get(f"/admin/requests/process/{newest.id}")
    assert page.status_code == 200 and newest.applicant_name in page.get_data(as_text=True)


def test_seed_refuses_a_second_run(app):
    _seed(app, count=50, agencies=1)
    again = app.test_cli_runner().invoke(seed_command,
                                           args=["--requests", "50", "--agencies", "1"])
    assert again.exit_code != 0 and "already seeded" in again.output
    with app.app_context():
        assert Request.select().count() == 50

"""``flask demo``: each demo office offers its own family of services only,
and Open311 then asks which office a caller means."""

from __future__ import annotations

from portal.models import Agency, Membership, MembershipService
from portal.plugins.manager import all_services
from portal.requests.catalogue import enabled_codes


def _demo(app) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _offered(code: str) -> set[str]:
    return enabled_codes(Agency.get(Agency.code == code))


def test_each_demo_office_offers_its_own_family_only(app):
    _demo(app)
    _demo(app)  # runs at every `make run`: the second run changes nothing
    with app.app_context():
        by_plugin = {}
        for code, service in all_services().items():
            by_plugin.setdefault(service.plugin, set()).add(code)
        education, tambon = _offered("demo"), _offered("demo-tambon")
        assert education == by_plugin["education"] | by_plugin["ict"] | by_plugin["builder"]
        assert tambon == by_plugin["tambon"]
        # The demo clerk handles what each office offers, nothing it does not.
        for agency_code, offered in (("demo", education), ("demo-tambon", tambon)):
            clerk = (Membership.select().join(Agency)
                     .where((Agency.code == agency_code) & (Membership.role == "staff")).get())
            handled = {m.service_code for m in MembershipService.select()
                       .where(MembershipService.membership == clerk)}
            assert handled == offered, agency_code


def test_an_older_demo_database_loses_the_borrowed_services(app):
    """Databases made by the earlier ``flask demo`` had every service on at
    the education office; the next start puts that right."""
    from portal.requests.catalogue import set_enabled

    _demo(app)
    with app.app_context():
        set_enabled(Agency.get(Agency.code == "demo"), "street_light", True)
    _demo(app)
    with app.app_context():
        assert "street_light" not in _offered("demo")
        assert "street_light" in _offered("demo-tambon")


def test_open311_without_jurisdiction_asks_for_it_when_several_serve(app):
    _demo(app)
    with app.app_context():
        from portal.requests.catalogue import set_enabled
        from tests.conftest import make_agency

        make_agency("second-tambon", services=("street_light",))
        set_enabled(Agency.get(Agency.code == "demo-tambon"), "street_light", True)
    client = app.test_client()
    for path in ("/open311/v2/services.json", "/open311/v2/services/street_light.json",
                 "/open311/v2/requests.json"):
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert answer.get_json() == [{"code": 400, "description":
                                      "jurisdiction_id is required"}], path
    assert client.get("/open311/v2/services.json?jurisdiction_id=demo-tambon").status_code == 200
    unknown = client.get("/open311/v2/services.json?jurisdiction_id=nowhere")
    assert unknown.status_code == 404 and unknown.get_json()[0]["code"] == 404


def test_open311_without_jurisdiction_uses_the_only_one(app):
    _demo(app)
    listing = app.test_client().get("/open311/v2/services.json")
    assert listing.status_code == 200
    assert {s["service_code"] for s in listing.get_json()} == {
        "street_light", "disaster", "nuisance", "petition"}

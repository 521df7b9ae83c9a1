"""Open311 GeoReport v2: field names, keys, errors, open/closed statuses."""

from __future__ import annotations

import pytest

from plugins.open311.models import ApiKey
from portal.models import Request

from ...conftest import login, make_agency_admin, make_staff
from .test_tambon import CODES, tambon  # noqa: F401 - the fixture

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "lat", "long"}


@pytest.fixture
def key(app, tambon):  # noqa: F811
    admin = app.test_client()
    login(admin, make_agency_admin(tambon["agency"]))
    page = admin.post("/admin/api_keys/", data={"agency": tambon["agency"].id,
                                                 "name": "แดชบอร์ดจังหวัด"})
    text = page.get_data(as_text=True)
    value = text.split('id="new-key">')[1].split("<")[0]
    assert value not in str(list(ApiKey.select().dicts()))  # only the hash is stored
    return value


def post(client, **fields):
    base = {"jurisdiction_id": "demo-tambon", "first_name": "สมปอง", "last_name": "ดีใจ",
            "phone": "0861234567"}
    return client.post("/open311/v2/requests.json", data={**base, **fields})


def test_services_list_and_definition(app, tambon):  # noqa: F811
    client = app.test_client()
    listing = client.get("/open311/v2/services.json?jurisdiction_id=demo-tambon").get_json()
    assert {s["service_code"] for s in listing} == {"street_light", "disaster", "nuisance",
                                                    "petition"}
    assert all(set(s) == SERVICE_FIELDS for s in listing)
    light = next(s for s in listing if s["service_code"] == "street_light")
    assert light["service_name"] == "แจ้งไฟฟ้าสาธารณะดับ/ขัดข้อง" and light["type"] == "realtime"
    definition = client.get("/open311/v2/services/street_light.json"
                            "?jurisdiction_id=demo-tambon").get_json()
    codes = {a["code"]: a for a in definition["attributes"]}
    assert codes["pole"]["required"] is True and codes["latitude"]["required"] is False
    assert {v["key"] for v in codes["problem"]["values"]} == {"out", "flicker", "day", "pole"}
    missing = client.get("/open311/v2/services/elderly_allowance.json"
                         "?jurisdiction_id=demo-tambon")
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404
    assert client.get("/open311/v2/services.json?jurisdiction_id=nowhere").status_code == 404


def test_post_with_a_key_creates_a_request(app, tambon, key):  # noqa: F811
    client = app.test_client()
    r = post(client, api_key=key, service_code="street_light", lat="16.5", long="104.2",
             **{"attribute[problem]": "out", "attribute[pole]": "เสา 7", "attribute[village]": "2"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    req = Request.get(Request.reference == body[0]["service_request_id"])
    assert (req.channel, req.contact_phone, req.payload["latitude"]) == (
        "open311", "0861234567", "16.5")
    one = client.get(f"/open311/v2/requests/{req.reference}.json").get_json()
    assert set(one[0]) == REQUEST_FIELDS
    assert (one[0]["status"], one[0]["status_notes"]) == ("open", "ส่งคำร้องไปยังเจ้าหน้าที่")
    assert "สมปอง" not in str(one) and "0861234567" not in str(one)


@pytest.mark.parametrize("fields, status, words", [
    ({"api_key": "wrong"}, 403, "api_key"),
    ({}, 403, "api_key"),
    ({"service_code": "elderly_allowance"}, 404, "service_code"),
    ({"service_code": "nothing"}, 404, "service_code"),
    ({"service_code": "petition", "attribute[details]": "x"}, 400, "subject"),
    ({"service_code": "petition", "phone": "", "attribute[subject]": "s",
      "attribute[details]": "d"}, 400, "phone"),
])
def test_errors(app, tambon, key, fields, status, words):  # noqa: F811
    if "api_key" not in fields:
        fields = {**fields, "api_key": key} if fields else fields
    r = post(app.test_client(), **fields)
    assert r.status_code == status
    body = r.get_json()
    assert body[0]["code"] == status and words in body[0]["description"]
    assert Request.select().count() == 0


def test_revoked_key_is_refused(app, tambon, key):  # noqa: F811
    ApiKey.update(revoked=True).execute()
    r = post(app.test_client(), api_key=key, service_code="petition",
             **{"attribute[subject]": "s", "attribute[details]": "d"})
    assert r.status_code == 403


def test_open_and_closed_statuses(app, tambon, key):  # noqa: F811
    client = app.test_client()
    refs = []
    for _ in range(2):
        r = post(client, api_key=key, service_code="petition",
                 **{"attribute[subject]": "ถนนชำรุด", "attribute[details]": "หลุมลึก"})
        refs.append(r.get_json()[0]["service_request_id"])
    done = Request.get(Request.reference == refs[0])
    clerk = app.test_client()
    login(clerk, make_staff(tambon["agency"], services=CODES))
    clerk.post(f"/admin/requests/process/{done.id}",
               data={"status": "completed", "message": "ซ่อมแล้ว", "version": done.version})
    closed = client.get("/open311/v2/requests.json?jurisdiction_id=demo-tambon&status=closed")
    assert [r["service_request_id"] for r in closed.get_json()] == [refs[0]]
    assert closed.get_json()[0]["status_notes"] == "ดำเนินการเรียบร้อย"
    opened = client.get("/open311/v2/requests.json?jurisdiction_id=demo-tambon&status=open")
    assert [r["service_request_id"] for r in opened.get_json()] == [refs[1]]
    assert client.get("/open311/v2/requests/NOPE.json").status_code == 404


def test_public_coordinates_are_rounded_to_about_100_m(app, tambon, key):  # noqa: F811
    """A report's exact GPS point can be a citizen's house: the public API
    gives it to three decimals (about 110 m), the staff keep the exact one."""
    client = app.test_client()
    r = post(client, api_key=key, service_code="street_light", lat="16.123456",
             long="104.987654", **{"attribute[problem]": "out", "attribute[pole]": "เสา 7",
                                   "attribute[village]": "2"})
    reference = r.get_json()[0]["service_request_id"]
    assert Request.get(Request.reference == reference).payload["latitude"] == "16.123456"
    listed = client.get("/open311/v2/requests.json?jurisdiction_id=demo-tambon").get_json()
    one = client.get(f"/open311/v2/requests/{reference}.json").get_json()
    for record in (next(x for x in listed if x["service_request_id"] == reference), one[0]):
        assert (record["lat"], record["long"]) == (16.123, 104.988)
    assert "123456" not in str(listed) + str(one)


def test_the_api_key_is_taken_only_from_the_body(app, tambon, key, caplog):  # noqa: F811
    """GeoReport sends api_key as a POST parameter; in the query string it
    would land in every proxy's access log."""
    client = app.test_client()
    fields = {"jurisdiction_id": "demo-tambon", "first_name": "สมปอง", "last_name": "ดีใจ",
              "phone": "0861234567", "service_code": "petition",
              "attribute[subject]": "ขอถนน", "attribute[details]": "ซ่อมถนน"}
    in_url = client.post(f"/open311/v2/requests.json?api_key={key}", data=fields)
    assert in_url.status_code == 403
    assert key not in caplog.text


def test_times_are_in_the_offices_time_zone_with_its_offset(app, tambon, key):  # noqa: F811
    """PORTAL_TIMEZONE is the office's clock for machines too."""
    client = app.test_client()
    post(client, api_key=key, service_code="petition",
         **{"attribute[subject]": "ถนนชำรุด", "attribute[details]": "หลุมลึก"})
    listed = client.get("/open311/v2/requests.json?jurisdiction_id=demo-tambon").get_json()
    assert listed[0]["requested_datetime"].endswith("+07:00")
    app.config["PORTAL_TIMEZONE"] = "Asia/Tokyo"
    listed = client.get("/open311/v2/requests.json?jurisdiction_id=demo-tambon").get_json()
    assert listed[0]["requested_datetime"].endswith("+09:00")
    assert listed[0]["updated_datetime"].endswith("+09:00")

"""Orders of ปพ. forms: worked examples, prices from the agency's settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.education.models import FormOrder, FormPrice
from plugins.education.pricing import ITEMS, quote

from .conftest import client_for, created, pdf, submit

DEFAULTS = {i.code: i.default_price for i in ITEMS}


@pytest.mark.parametrize("quantities, total, shipping, grand", [
    ({"pp1_p": 3, "pp3_p": 10}, "530.00", "25.00", "555.00"),       # the example
    ({"pp1_b": 10}, "1600.00", "56.00", "1656.00"),                # 3.5 % above the minimum
    ({"pp2_b": 1}, "2.00", "25.00", "27.00"),                      # minimum shipping
    ({"pp3_b": 143}, "715.00", "25.03", "740.03"),                 # 25.025 rounds half up
    ({"pp1_p": 1, "pp3_p": 1, "pp1_b": 1, "pp2_b": 1, "pp3_b": 1}, "332.00", "25.00", "357.00"),
])
def test_worked_examples(quantities, total, shipping, grand):
    q = quote(quantities, DEFAULTS)
    assert (q.total, q.shipping, q.grand_total) == (Decimal(total), Decimal(shipping),
                                                    Decimal(grand))


def test_nothing_ordered_costs_nothing():
    q = quote({}, DEFAULTS)
    assert (q.lines, q.total, q.shipping) == ([], 0, 0)


def order(app, edu, **quantities):
    client = client_for(app, edu["citizen"])
    data = {"school": 0, "other_affiliation": "สช.", "file_payment_slip": pdf("สลิป.pdf")}
    data.update({f"qty_{k}": v for k, v in quantities.items()})
    return client, submit(client, "school_forms", data)


def test_server_computes_and_stores_amounts(app, edu):
    from plugins.education.models import School

    school = School.get(School.agency == edu["agency"])
    client = client_for(app, edu["citizen"])
    req = created(submit(client, "school_forms", {
        "school": school.id, "qty_pp1_p": 3, "qty_pp3_p": 10,
        "total": "1", "grand_total": "1",  # a browser's numbers are ignored
        "file_payment_slip": pdf("สลิป.pdf")}))
    stored = FormOrder.get(FormOrder.request == req)
    assert (stored.total, stored.shipping, stored.grand_total) == (
        Decimal("530"), Decimal("25"), Decimal("555"))
    assert stored.school_id == school.id
    assert [(line["label"], line["qty"]) for line in stored.lines] == [("ปพ.1-ป", 3),
                                                                        ("ปพ.3-ป", 10)]


def test_agency_price_overrides_default(app, edu):
    FormPrice.create(agency=edu["agency"], code="pp1_p", price=Decimal("180"))
    _client, response = order(app, edu, pp1_p=2)
    response_page = _client.get("/requests/new/edu/school_forms").get_data(as_text=True)
    assert "ราคาเล่มละ 180 บาท" in response_page
    stored = FormOrder.get(FormOrder.request == created(response))
    assert stored.total == Decimal("360")


@pytest.mark.parametrize("quantities, message", [
    ({}, "กรุณาสั่งซื้ออย่างน้อย 1 รายการ"),
    ({"pp1_p": -1}, "กรุณากรอกจำนวนเต็มตั้งแต่ 0"),
    ({"pp1_p": "สาม"}, "ปพ.1-ป"),
])
def test_bad_orders_are_refused(app, edu, quantities, message):
    from portal.models import Request

    client = client_for(app, edu["citizen"])
    data = {"other_affiliation": "สช.", "file_payment_slip": pdf()}
    data.update({f"qty_{k}": v for k, v in quantities.items()})
    r = submit(client, "school_forms", data)
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    assert Request.select().count() == 0


def test_school_or_affiliation_is_needed(app, edu):
    client = client_for(app, edu["citizen"])
    r = submit(client, "school_forms", {"qty_pp1_p": 1, "file_payment_slip": pdf()})
    assert "กรุณาเลือกโรงเรียนหรือระบุสังกัด" in r.get_data(as_text=True)


def test_payment_slip_is_required(app, edu):
    client = client_for(app, edu["citizen"])
    r = submit(client, "school_forms", {"qty_pp1_p": 1, "other_affiliation": "สช."})
    assert "แนบไฟล์หลักฐานการชำระเงิน" in r.get_data(as_text=True)


def test_order_form_states_the_shipping_rule(app, edu):
    page = client_for(app, edu["citizen"]).get("/requests/new/edu/school_forms")
    assert "ค่าขนส่งคิดร้อยละ 3.5 ของราคาซื้อ (ขั้นต่ำ 25 บาท)" in page.get_data(as_text=True)

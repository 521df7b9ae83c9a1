"""The amount to pay for ปพ. forms is on every screen the school and the
clerk use, worked out by one server function: the form (live, and on a
review without JavaScript), the requester's page, the staff's process page,
the PDF and the staff list (issue #21 item 3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.education.models import FormOrder, FormPrice, School
from portal.models import Request

from ...conftest import make_agency_admin
from ...helpers.csp import inline_scripts
from ...helpers.send import send_form
from ...test_printing import pdf_text
from .conftest import APPLICANT, client_for, created, pdf, submit

FORM = "/requests/new/edu/school_forms"
WORDS = "ห้าร้อยห้าสิบห้าบาทถ้วน"  # 555.00: 3 × ปพ.1-ป + 10 × ปพ.3-ป + 25 shipping


def _amounts(page: str) -> str:
    """The amounts table of a page (the answers above also list quantities)."""
    assert 'class="lines order-amounts"' in page, page[-2000:]
    start = page.index('class="lines order-amounts"')
    return page[start:page.index("</p>", start)]


def test_the_review_button_shows_the_servers_total_and_sends_nothing(app, edu):
    client = client_for(app, edu["citizen"])
    empty = client.get(FORM).get_data(as_text=True)
    assert "ยอดเงินที่ต้องชำระ" in empty and 'name="review"' in empty
    assert 'data-amount="grand_total"><strong>0.00' in empty
    r = send_form(client, FORM, data={**APPLICANT, "other_affiliation": "สช.", "qty_pp1_p": "3",
                                "qty_pp3_p": "10", "review": "1",
                                "grand_total": "1"},  # a browser's figure is not read
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and Request.select().count() == 0
    amounts = _amounts(page)
    for expected in ("480.00", "50.00", "530.00", "25.00", "555.00", WORDS):
        assert expected in amounts, expected
    assert 'value="3"' in page and 'value="10"' in page  # the quantities stay typed
    assert 'class="error"' not in page  # a review is not a refused submission


def test_the_review_uses_the_agencys_prices_and_shipping_minimum(app, edu):
    FormPrice.create(agency=edu["agency"], code="pp2_b", price=Decimal("2.50"))
    client = client_for(app, edu["citizen"])
    page = send_form(client, FORM, data={**APPLICANT, "qty_pp2_b": "4", "qty_pp1_p": "-2",
                                   "review": "1"},
                       content_type="multipart/form-data").get_data(as_text=True)
    amounts = _amounts(page)
    assert "2.50" in amounts and "10.00" in amounts and "35.00" in amounts  # 10 + 25 minimum
    assert "ปพ.1-ป" not in amounts  # a negative quantity counts as none


def test_live_total_asks_the_server_as_quantities_change(app, edu):
    client = client_for(app, edu["citizen"])
    page = client.get(FORM).get_data(as_text=True)
    assert inline_scripts(page) == []  # the Content-Security-Policy allows no inline script
    assert 'src="/static/order-total.js"' in page
    assert 'data-url="/orders/edu/amounts"' in page and page.count("data-order-qty") == 5
    script = client.get("/static/order-total.js")
    assert script.status_code == 200 and b"fetch(" in script.data
    part = client.get("/orders/edu/amounts?qty_pp1_b=10&qty_pp2_b=abc").get_data(as_text=True)
    assert "1,600.00" in part and "56.00" in part and "1,656.00" in part
    assert "หนึ่งพันหกร้อยห้าสิบหกบาทถ้วน" in part and "<html" not in part
    assert app.test_client().get("/orders/edu/amounts").status_code == 302  # sign in first
    assert client.get("/orders/nowhere/amounts").status_code == 404


def test_the_amount_is_on_the_request_page_process_page_pdf_and_list(app, edu):
    client = client_for(app, edu["citizen"])
    school = School.get(School.agency == edu["agency"])
    req = created(submit(client, "school_forms", {
        "school": school.id, "qty_pp1_p": 3, "qty_pp3_p": 10, "file_payment_slip": pdf()}))
    stored = FormOrder.get(FormOrder.request == req)
    assert stored.grand_total == Decimal("555.00")
    view = _amounts(client.get(f"/requests/{req.reference}").get_data(as_text=True))
    assert "555.00" in view and WORDS in view and "ราคาต่อหน่วย (บาท)" in view
    staff = client_for(app, edu["staff"])
    process = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "555.00" in _amounts(process) and WORDS in process
    assert "ตรวจสอบว่ายอดเงินในหลักฐานการชำระเงินตรงกับยอดชำระทั้งสิ้นนี้" in process
    text = pdf_text(client.get(f"/requests/{req.reference}/print").data)
    for expected in ("ราคาต่อหน่วย (บาท)", "ราคาแบบพิมพ์รวม (บาท)", "555.00", WORDS):
        assert expected in text, expected
    listing = staff.get("/admin/form_orders/").get_data(as_text=True)
    assert "555.00" in listing and "ราคาแบบพิมพ์รวม (บาท)" in listing


def test_a_corrected_order_is_worked_out_again(app, edu):
    client = client_for(app, edu["citizen"])
    req = created(submit(client, "school_forms", {
        "other_affiliation": "สช.", "qty_pp1_p": 3, "qty_pp3_p": 10, "file_payment_slip": pdf()}))
    staff = client_for(app, edu["staff"])
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "โปรดสั่ง ปพ.1-ป เพิ่มเป็น 10 เล่ม", "version": req.version})
    version = Request.get_by_id(req.id).version
    edit = f"/requests/{req.reference}/edit"
    data = {**APPLICANT, "other_affiliation": "สช.", "qty_pp1_p": "10", "qty_pp3_p": "10",
            "version": version}
    review = client.post(edit, data={**data, "review": "1"}, content_type="multipart/form-data")
    assert "1,707.75" in _amounts(review.get_data(as_text=True))  # 1,650 + 3.5 % shipping
    assert Request.get_by_id(req.id).status == "returned"
    assert send_form(client, edit, data=data).status_code == 302
    stored = FormOrder.get(FormOrder.request == req)
    assert (stored.total, stored.shipping, stored.grand_total) == (
        Decimal("1650.00"), Decimal("57.75"), Decimal("1707.75"))


@pytest.mark.once
def test_the_price_list_calls_a_price_a_unit_price(app, edu):
    FormPrice.create(agency=edu["agency"], code="pp1_p", price=Decimal("180"))
    admin = client_for(app, make_agency_admin(edu["agency"]))
    page = admin.get("/admin/form_prices/").get_data(as_text=True)
    assert "ราคาต่อหน่วย (บาท)" in page and "ราคารวมทั้งหมด" not in page

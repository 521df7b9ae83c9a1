"""The page every staff page is drawn in: its language, landmark, styles, the
bell's name, and row actions a person can read and tap (issue 22, item 12).
The browser suite's axe walk checks the same pages as drawn."""

from __future__ import annotations

import re

import pytest

from portal.models import Membership

from .conftest import login, make_agency, make_staff, make_user
from .helpers.certificate import new_certificate


def _signed_in(app, user, language: str = "th"):
    client = app.test_client()
    login(client, user)
    client.get(f"/lang/{language}")
    return client


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_staff_page_says_its_language_and_has_one_main(app, world, language):
    page = _signed_in(app, world["staff"], language).get("/admin/requests/").get_data(as_text=True)
    assert re.search(rf'<html lang="{language}">', page)
    assert page.count("<main") == 1 and 'id="main"' in page
    assert 'href="#main"' in page  # the skip link


def test_bootstrap_css_is_loaded_once(app, world):
    page = _signed_in(app, world["admin"]).get("/admin/staff/").get_data(as_text=True)
    sheets = re.findall(r'<link[^>]+rel="stylesheet"[^>]*>', page)
    bootstrap = [s for s in sheets if "bootstrap.min.css" in s]
    assert len(bootstrap) == 1, bootstrap
    hrefs = [re.search(r'href="([^"]+)"', s).group(1) for s in sheets]
    assert len(hrefs) == len(set(hrefs))


def test_the_bell_is_named_with_its_unread_count(app):
    agency = make_agency("bell-staff")
    clerk = make_staff(agency)
    new_certificate(app, make_user(), agency_code="bell-staff")
    page = _signed_in(app, clerk).get("/admin/").get_data(as_text=True)
    assert 'aria-label="การแจ้งเตือน: ยังไม่ได้อ่าน 1 รายการ"' in page
    quiet = _signed_in(app, make_staff(make_agency("quiet"))).get("/admin/").get_data(as_text=True)
    assert 'aria-label="การแจ้งเตือน"' in quiet


def test_row_actions_have_words_and_cancel_stands_apart(app, world):
    new_certificate(app, world["citizen"])
    page = _signed_in(app, world["staff"]).get("/admin/requests/").get_data(as_text=True)
    cell = re.search(r'<td class="list-buttons-column">(.*?)</td>', page, re.S).group(1)
    actions = re.findall(r'<a class="([^"]+)"[^>]*>.*?<span class="row-action-text">([^<]+)</span>',
                         cell, re.S)
    assert [text for _cls, text in actions] == ["ดำเนินการ", "พิมพ์", "ยกเลิก"]
    assert ["row-action-apart" in cls for cls, _t in actions] == [False, False, True]
    assert all("row-action" in cls.split() for cls, _t in actions)


def test_delete_has_words_and_stands_apart(app, world):
    page = _signed_in(app, world["admin"]).get("/admin/staff/").get_data(as_text=True)
    cell = re.search(r'<td class="list-buttons-column">(.*?)</td>', page, re.S).group(1)
    assert cell.index("แก้ไขรายการ") < cell.index("ลบรายการ")
    assert re.search(r'<form class="[^"]*row-action-apart[^"]*"', cell)
    assert re.search(r'<button type="submit" class="row-action"[^>]*>\s*<span class="fa fa-trash"'
                     r' aria-hidden="true"></span><span class="row-action-text">ลบรายการ</span>',
                     cell)


def test_the_services_handled_are_a_named_list_of_boxes(app, world):
    membership = Membership.get(Membership.user == world["staff"].id)
    page = _signed_in(app, world["admin"]).get(
        f"/admin/staff/edit/?id={membership.id}").get_data(as_text=True)
    boxes = re.search(r'<div role="group" aria-label="บริการที่รับผิดชอบ"><ul([^>]*)id="services"'
                      r'([^>]*)>', page)
    assert boxes, "no named group of services"
    attributes = boxes.group(1) + boxes.group(2)
    assert "form-control" not in attributes  # one input's height: the list spilled out
    assert 'class="checkbox-list"' in attributes

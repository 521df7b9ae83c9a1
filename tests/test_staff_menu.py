"""The staff menu is drawn once per language, page and set of rights
(portal/staff/menu.py); what one person may open must never show up in
another's menu, and a change of rights shows on the next page."""

from __future__ import annotations

import re

from portal.models import Membership
from portal.staff.menu import MenuCache

from .conftest import login

AUDIT = 'href="/admin/audit/"'


def menu_of(client, path: str = "/admin/requests/") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'<ul class="nav navbar-nav mr-auto">(.*?)</ul>\s*<ul', page, re.S)
    assert match, page[:500]
    return match.group(1)


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_each_person_gets_the_menu_of_their_own_rights(app, world):
    admin, staff = signed_in(app, world["admin"]), signed_in(app, world["staff"])
    assert AUDIT in menu_of(admin)
    assert AUDIT not in menu_of(staff)  # same page, drawn after the admin's
    assert AUDIT in menu_of(admin)
    assert len(app.extensions["staff_menu"]) == 2


def test_a_change_of_rights_shows_on_the_next_page(app, world):
    staff = signed_in(app, world["staff"])
    assert AUDIT not in menu_of(staff)
    Membership.update(role="agency_admin").where(
        Membership.user == world["staff"].id).execute()
    assert AUDIT in menu_of(staff)


def test_the_menu_follows_the_language_and_the_page(app, world):
    admin = signed_in(app, world["admin"])
    thai = menu_of(admin)
    assert "บันทึกการใช้งานระบบ" in thai
    assert re.search(r'class="dropdown-item active[^"]*" href="/admin/audit/"',
                     menu_of(admin, "/admin/audit/"))
    assert not re.search(r'active[^"]*" href="/admin/audit/"', thai)
    admin.get("/lang/en", headers={"Referer": "http://localhost/"})
    english = menu_of(admin)
    assert "Audit log" in english and "บันทึกการใช้งานระบบ" not in english


def test_the_cache_keeps_only_the_newest_entries():
    cache = MenuCache(limit=2)
    drawn = []

    def draw(text):
        return lambda: drawn.append(text) or text

    assert cache.get(("a",), draw("A")) == "A"
    cache.get(("b",), draw("B"))
    cache.get(("a",), draw("A again"))  # a hit: "a" becomes the newest
    cache.get(("c",), draw("C"))  # "b" is the oldest, so it goes
    assert cache.get(("a",), draw("A3")) == "A" and len(cache) == 2
    assert cache.get(("b",), draw("B2")) == "B2"
    assert drawn == ["A", "B", "C", "B2"]

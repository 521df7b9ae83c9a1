"""A demo agency with one account of each role, so a newcomer can try it all."""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..db import database
from ..identity.access import AGENCY_ADMIN, STAFF
from ..identity.passwords import hash_password
from ..models import Agency, Membership, MembershipService, User
from ..plugins.manager import all_services, plugin_manager
from ..requests.catalogue import enabled_codes, set_enabled
from ..thai import national_id_check_digit

DEMO_PASSWORD = "demo-pass-2567"


def demo_id(first12: str) -> str:
    return first12 + national_id_check_digit(first12)


DEMO_USERS = (
    # role, first 12 digits, title, first name, last name, phone
    ("citizen", "110170012345", "นาย", "สมชาย", "ใจดี", "0812345678"),
    ("staff", "310050012345", "นางสาว", "สุดา", "ทำงานดี", "0823456789"),
    ("agency_admin", "350050004457", "นาย", "ผดุงสิทธิ์", "ลาวรรณ", "0834567890"),
    ("system_admin", "190990000001", "นาง", "วิภา", "ดูแลระบบ", "0845678901"),
)


def load_demo(app: Flask) -> dict[str, Any]:
    with database.atomic():
        parent, _ = Agency.get_or_create(code="obec", defaults={
            "name_th": "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
            "name_en": "Office of the Basic Education Commission"})
        agency, _ = Agency.get_or_create(code="demo", defaults={
            "name_th": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1",
            "name_en": "Demo Primary Educational Service Area Office 1",
            "parent": parent,
            "address": "382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร 35140",
            "phone": "045-789477", "email": "saraban@example.go.th",
            "fax": "045-789478", "office_hours": "จันทร์–ศุกร์ 08.30–16.30 น. เว้นวันหยุดราชการ",
            "org_type": "government", "org_subtype": "ส่วนราชการส่วนภูมิภาค"})
        users = []
        for role, first12, title, first, last, phone in DEMO_USERS:
            nid = demo_id(first12)
            user, created = User.get_or_create(national_id=nid, defaults={
                "title": title, "first_name": first, "last_name": last, "phone": phone,
                "email": f"{role}@example.go.th", "password_hash": hash_password(DEMO_PASSWORD),
                "is_system_admin": role == "system_admin"})
            if role in (STAFF, AGENCY_ADMIN):
                Membership.get_or_create(user=user, agency=agency, defaults={"role": role})
            users.append((role, nid, user.full_name))
        homes = _demo_offices(agency)
        for code, service in all_services().items():
            home = homes.get(service.plugin, agency)
            set_enabled(home, code, True)
            if home.id != agency.id:
                # Databases made before each office had its own family had
                # every service on at the education office.
                set_enabled(agency, code, False)
        _clerk_handles_what_is_offered()
    return {"password": DEMO_PASSWORD, "users": users, "agency": agency}


def _demo_offices(agency: Agency) -> dict[str, Agency]:
    """Each plugin's demo office: the one its ``demo_data`` made, else ``agency``.

    Called per implementation (as :func:`portal.plugins.collect_services`
    does) because the answer belongs to the plugin that gave it."""
    homes: dict[str, Agency] = {}
    for impl in plugin_manager().hook.demo_data.get_hookimpls():
        home = impl.function(agency=agency)
        homes[impl.plugin_name] = home if isinstance(home, Agency) else agency
    return homes


def _clerk_handles_what_is_offered() -> None:
    """The demo clerk, in every demo office they belong to, handles each
    service that office offers (and no other)."""
    clerk = User.get(User.national_id == demo_id(DEMO_USERS[1][1]))
    for membership in Membership.select().where((Membership.user == clerk)
                                                & (Membership.role == STAFF)):
        offered = enabled_codes(membership.agency)
        (MembershipService.delete()
         .where((MembershipService.membership == membership)
                & MembershipService.service_code.not_in(sorted(offered) or [""]))
         .execute())
        for code in sorted(offered):
            MembershipService.get_or_create(membership=membership, service_code=code)

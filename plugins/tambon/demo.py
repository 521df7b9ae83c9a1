"""A demo sub-district administration beside the demo education office, with
its hall, the officers of each service, and the demo clerk on its services."""

from __future__ import annotations

from portal.identity import STAFF
from portal.models import Agency, AgencyService, Membership, MembershipService, Resource
from portal.requests import set_enabled

from .services import SERVICES

OFFICERS = {
    "street_light": ("นายช่างไฟฟ้า สว่างใจ", "081-111-2222", "กองช่าง"),
    "disaster": ("นายป้องกัน ภัยพ้น", "081-222-3333", "งานป้องกันและบรรเทาสาธารณภัย"),
    "nuisance": ("นางสาวอนามัย สะอาดดี", "081-333-4444", "กองสาธารณสุขและสิ่งแวดล้อม"),
    "elderly_allowance": ("นางสวัสดิ์ เอื้ออาทร", "081-444-5555", "กองสวัสดิการสังคม"),
    "hall_booking": ("นายธุรการ ใจดี", "081-555-6666", "สำนักปลัด"),
    "petition": ("นายธุรการ ใจดี", "081-555-6666", "สำนักปลัด"),
}


def load(education_agency: Agency) -> Agency:
    tambon, _ = Agency.get_or_create(code="demo-tambon", defaults={
        "name_th": "องค์การบริหารส่วนตำบลตัวอย่าง", "name_en": "Demo Subdistrict Administration",
        "address": "99 หมู่ 1 ตำบลตัวอย่าง อำเภอเมือง", "phone": "042-000000",
        "email": "saraban@demo-tambon.go.th"})
    for service in SERVICES:
        set_enabled(tambon, service.code, True)
        name, phone, division = OFFICERS[service.code]
        (AgencyService.update(officer_name=name, officer_phone=phone, division=division)
         .where((AgencyService.agency == tambon)
                & (AgencyService.service_code == service.code)).execute())
    Resource.get_or_create(agency=tambon, kind="hall", name="หอประชุม อบต.",
                           defaults={"capacity": 200, "details": "เครื่องเสียง โปรเจกเตอร์"})
    Resource.get_or_create(agency=tambon, kind="hall", name="ห้องประชุมสภา อบต.",
                           defaults={"capacity": 40})
    clerk = Membership.get_or_none((Membership.agency == education_agency)
                                   & (Membership.role == STAFF))
    if clerk is not None:
        membership, _ = Membership.get_or_create(user=clerk.user_id, agency=tambon,
                                                 defaults={"role": STAFF})
        for service in SERVICES:
            MembershipService.get_or_create(membership=membership, service_code=service.code)
    return tambon

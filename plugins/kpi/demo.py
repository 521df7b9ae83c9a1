"""Two KPIs of the current fiscal year for the demo agency: its staff member
reports, its admin receives."""

from __future__ import annotations

from portal.identity import AGENCY_ADMIN, STAFF
from portal.models import Agency, Membership

from . import rules
from .models import Kpi, KpiReporterRole

DEMO_KPIS = (("1.1", "ร้อยละของสถานศึกษาที่จัดการเรียนรู้เชิงรุก (Active Learning)", "KRS"),
             ("2.1", "ระดับความสำเร็จของการพัฒนาระบบบริการแบบจุดเดียวเบ็ดเสร็จ",
              "ARS กลยุทธ์ที่ 2"))


def load(agency: Agency) -> None:
    members = {m.role: m.user for m in Membership.select().where(Membership.agency == agency)}
    reporter, receiver = members.get(STAFF), members.get(AGENCY_ADMIN)
    if reporter is None or receiver is None:
        return
    KpiReporterRole.get_or_create(agency=agency, user=reporter)
    categories = {c.name: c for c in rules.ensure_categories(agency)}
    kpi_year = rules.ensure_year(agency, rules.fiscal_year())
    for code, name, category in DEMO_KPIS:
        kpi, created = Kpi.get_or_create(year=kpi_year, code=code, defaults={
            "name": name, "category": categories[category]})
        if created:
            rules.set_officers(kpi, rules.REPORTER, [reporter.id])
            rules.set_officers(kpi, rules.RECEIVER, [receiver.id])

"""Each office's own records and duties from the seeds: the agency record of
seed 003 and the footer of seed 000, every service's manual and paper form,
where people land after signing in, and where the staff-token sign-up lives."""

from __future__ import annotations

import io
import re

import pytest

from portal.files.uploads import store
from portal.models import Agency, AuditLog, ServiceDocument

from .conftest import login, make_agency, make_agency_admin, make_staff, make_user
from .helpers.certificate import new_certificate
from .helpers.files import EXE_BYTES, make_pdf, make_png


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


OFFICE = {"address": "382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร 35140",
          "phone": "045789477", "fax": "045789478", "email": "saraban@yst2.go.th",
          "office_hours": "จันทร์–ศุกร์ 08.30–16.30 น."}


# ------------------------------------------------------ agency record ---


def test_agency_admin_keeps_the_seed_003_record(app, world):
    admin = signed_in(app, world["admin"])
    agency = world["agency"]
    form = admin.get(f"/admin/agencies/edit/?id={agency.id}").get_data(as_text=True)
    for label in ("ประเภทองค์กร", "ประเภทองค์กรย่อย", "หมายเหตุ (เวลาทำการ)", "โทรสาร",
                  "การแสดงผล", "จุดบริการสำคัญ", "สถานศึกษา", "ศูนย์ราชการสะดวก",
                  "หน่วยงานส่วนกลาง", "ให้บริการประชาชน"):
        assert label in form, label
    r = admin.post(f"/admin/agencies/edit/?id={agency.id}", data={
        "code": agency.code, "level": "agency", "name_th": agency.name_th,
        "org_type": "government", "org_subtype": "ส่วนราชการส่วนภูมิภาค",
        "gecc_level": "middle", "displayed": "y", "key_service_point": "y",
        "is_school": "", "is_central": "", "serves_public": "y", **OFFICE})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    saved = Agency.get_by_id(agency.id)
    assert (saved.org_type, saved.org_subtype, saved.gecc_level, saved.fax,
            saved.office_hours) == ("government", "ส่วนราชการส่วนภูมิภาค", "middle",
                                    "045789478", "จันทร์–ศุกร์ 08.30–16.30 น.")
    assert (saved.displayed, saved.key_service_point, saved.is_school, saved.is_central,
            saved.serves_public) == (True, True, False, False, True)
    assert AuditLog.select().where(AuditLog.action == "agency_saved").exists()


def test_the_office_footer_is_on_every_page_of_that_office(app, world):
    Agency.update(**OFFICE).where(Agency.id == world["agency"].id).execute()
    citizen, req = new_certificate(app, world["citizen"])

    def footer(page: str) -> str:
        match = re.search(r'<address class="office"[^>]*>(.*?)</address>', page, re.S)
        assert match, page[-1500:]
        return match.group(1)

    for path in ("/agencies/alpha", "/services/alpha/certificate",
                 "/requests/new/alpha/certificate", f"/requests/{req.reference}"):
        text = footer(citizen.get(path).get_data(as_text=True))
        for value in OFFICE.values():
            assert value in text, (path, value)
    # A page of no office (the home page lists them all) has no office footer.
    assert 'class="office"' not in citizen.get("/").get_data(as_text=True)
    # Another office's pages show that office, not this one.
    other = citizen.get("/services/beta/certificate").get_data(as_text=True)
    assert OFFICE["address"] not in other


def test_the_agency_page_publishes_the_three_e_mails_and_its_services(app, world):
    Agency.update(email="public@x.go.th", email_dga="dga@x.go.th",
                  email_complaint="complaint@x.go.th", fax="021234567",
                  org_type="local_government", gecc_level="high").where(
        Agency.id == world["agency"].id).execute()
    page = app.test_client().get("/agencies/alpha").get_data(as_text=True)
    for text in ("public@x.go.th", "dga@x.go.th", "complaint@x.go.th", "021234567",
                 "องค์กรปกครองส่วนท้องถิ่น", "ระดับสูง", "/requests/new/alpha/certificate"):
        assert text in page, text
    assert 'href="/agencies/alpha"' in app.test_client().get("/").get_data(as_text=True)


@pytest.mark.once
def test_display_off_takes_the_agency_out_of_public_lists(app, world):
    Agency.update(displayed=False).where(Agency.id == world["agency"].id).execute()
    guest = app.test_client()
    home = guest.get("/").get_data(as_text=True)
    assert world["agency"].name_th not in home and world["other_agency"].name_th in home
    assert guest.get("/agencies/alpha").status_code == 404
    # A printed QR code still leads to the service.
    assert guest.get("/services/alpha/certificate").status_code == 200


# ------------------------------------------- manual and blank form ---


def upload(client, agency, kind, data, name, service="certificate"):
    return client.post("/admin/services/document", data={
        "agency": agency.id, "service": service, "kind": kind,
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_agency_admin_publishes_a_manual_and_a_paper_form(app, world):
    admin = signed_in(app, world["admin"])
    agency = world["agency"]
    assert upload(admin, agency, "manual", make_pdf("คู่มือ"), "คู่มือการขอหนังสือรับรอง.pdf") \
        .status_code == 302
    assert upload(admin, agency, "form", make_png(), "แบบคำร้อง.png").status_code == 302
    assert AuditLog.select().where(AuditLog.action == "service_document_saved").count() == 2
    guest = app.test_client()
    manual_url = "/services/alpha/certificate/manual"
    for path in ("/", "/agencies/alpha", "/services/alpha/certificate"):
        page = guest.get(path).get_data(as_text=True)
        assert "คู่มือสำหรับประชาชน" in page and "แบบฟอร์ม (สำหรับพิมพ์)" in page, path
        assert manual_url in page and "/services/alpha/certificate/form" in page, path
    form_page = signed_in(app, world["citizen"]).get("/requests/new/alpha/certificate")
    assert manual_url in form_page.get_data(as_text=True)
    got = guest.get(manual_url)
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.data.startswith(b"%PDF")
    assert "คู่มือการขอหนังสือรับรอง.pdf" in got.headers["Content-Disposition"] or \
        "filename*=" in got.headers["Content-Disposition"]
    assert guest.get("/services/alpha/certificate/form").mimetype == "image/png"
    # The staff page shows what is published.
    settings = admin.get("/admin/services/").get_data(as_text=True)
    assert "คู่มือการขอหนังสือรับรอง.pdf" in settings and "แบบคำร้อง.png" in settings


def test_a_new_upload_replaces_the_old_file(app, world):
    admin = signed_in(app, world["admin"])
    upload(admin, world["agency"], "manual", make_pdf("one"), "v1.pdf")
    first = ServiceDocument.get().stored_name
    upload(admin, world["agency"], "manual", make_pdf("two"), "v2.pdf")
    doc = ServiceDocument.get()
    assert ServiceDocument.select().count() == 1 and doc.original_name == "v2.pdf"
    with app.app_context():
        assert not store().exists(first) and store().exists(doc.stored_name)
    admin.post("/admin/services/document/remove", data={
        "agency": world["agency"].id, "service": "certificate", "kind": "manual"})
    assert ServiceDocument.select().count() == 0
    with app.app_context():
        assert not store().exists(doc.stored_name)
    assert app.test_client().get("/services/alpha/certificate/manual").status_code == 404


def test_uploads_go_through_the_upload_checks(app, world):
    admin = signed_in(app, world["admin"])
    r = upload(admin, world["agency"], "manual", EXE_BYTES, "manual.pdf")
    assert "pdf" in admin.get(r.headers["Location"]).get_data(as_text=True)
    # A manual is a PDF: a picture is refused for it (a paper form may be one).
    upload(admin, world["agency"], "manual", make_png(), "scan.png")
    assert ServiceDocument.select().count() == 0


def test_only_the_agency_admin_publishes_and_only_for_enabled_services(app, world):
    other_admin = make_agency_admin(world["other_agency"])
    # Another agency's admin, staff, citizens: the row is not theirs.
    for user in (other_admin, world["staff"], world["citizen"]):
        r = upload(signed_in(app, user), world["agency"], "manual", make_pdf(), "m.pdf")
        assert r.status_code in (302, 403, 404)
    assert ServiceDocument.select().count() == 0
    admin = signed_in(app, world["admin"])
    upload(admin, world["agency"], "manual", make_pdf(), "m.pdf")
    guest = app.test_client()
    assert guest.get("/services/alpha/certificate/manual").status_code == 200
    assert guest.get("/services/beta/certificate/manual").status_code == 404  # other agency
    assert guest.get("/services/alpha/certificate/other").status_code == 404
    admin.post("/admin/services/toggle", data={"agency": world["agency"].id,
                                               "service": "certificate", "enabled": "0",
                                               "confirm": "1"})
    assert guest.get("/services/alpha/certificate/manual").status_code == 404


# -------------------------------------------------- after signing in ---


def test_staff_land_on_the_staff_pages_and_citizens_on_their_list(app, world):
    assert login(app.test_client(), world["staff"]).headers["Location"] == "/admin/"
    assert login(app.test_client(), world["citizen"]).headers["Location"] == "/requests"
    # A page asked for before signing in still wins, for staff too.
    client = app.test_client()
    client.get("/captcha.png")
    r = client.post("/login?next=/requests/new/alpha/certificate", data={
        "national_id": world["staff"].national_id, "password": "correct-horse-9",
        "captcha": "24680"})
    assert r.headers["Location"] == "/requests/new/alpha/certificate"
    client = app.test_client()
    client.get("/captcha.png")
    r = client.post("/login?next=//evil.example/x", data={
        "national_id": world["staff"].national_id, "password": "correct-horse-9",
        "captcha": "24680"})
    assert r.headers["Location"] == "/admin/"
    # Already signed in, the login page sends each to their own home too;
    # so does a changed password.
    admin = signed_in(app, world["admin"])
    assert admin.get("/login").headers["Location"] == "/admin/"
    assert admin.get("/register").headers["Location"] == "/admin/"
    r = admin.post("/password", data={"current": "correct-horse-9", "password": "brand-new-pw9",
                                      "password_again": "brand-new-pw9"})
    assert r.headers["Location"] == "/admin/"


def test_the_requester_list_starts_with_the_service_buttons(app, world):
    citizen, req = new_certificate(app, world["citizen"])
    citizen.get("/requests")  # the flash of the sending names the reference too
    page = citizen.get("/requests").get_data(as_text=True)
    buttons = page.index('class="service-buttons"')
    assert buttons < page.index(req.reference)
    assert '/requests/new/alpha/certificate' in page[buttons:page.index(req.reference)]
    # A newcomer with no request yet sees the buttons of every office listed.
    fresh = signed_in(app, make_user()).get("/requests").get_data(as_text=True)
    assert "/requests/new/alpha/certificate" in fresh
    assert "/requests/new/beta/certificate" in fresh


@pytest.mark.once
def test_the_staff_token_sign_up_is_on_the_profile_not_in_the_menu(app, world):
    citizen = signed_in(app, world["citizen"])
    for path in ("/requests", "/", "/privacy"):
        assert "/onboard" not in citizen.get(path).get_data(as_text=True), path
    profile = citizen.get("/profile").get_data(as_text=True)
    assert 'href="/onboard"' in profile and "ยืนยันตัวตนเจ้าหน้าที่ด้วย Token" in profile
    # Staff have no use for it.
    assert "/onboard" not in signed_in(app, world["staff"]).get("/profile").get_data(
        as_text=True)


def test_a_staff_member_with_no_request_still_lands_on_admin(app):
    agency = make_agency()
    staff = make_staff(agency)
    assert login(app.test_client(), staff).headers["Location"] == "/admin/"


def test_a_document_is_published_with_its_audit_line_or_not_at_all(app, world, monkeypatch):
    """The audit line is written in the save's transaction: if it cannot
    be written, the document is not published either."""
    from portal.base import audit
    from portal.models import ServiceDocument

    admin = signed_in(app, world["admin"])

    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "record", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    upload(admin, world["agency"], "manual", make_pdf("คู่มือ"), "คู่มือ.pdf")
    assert not ServiceDocument.select().exists()

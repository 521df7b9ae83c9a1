"""Thai first: the catalogue is complete; English is available; BE dates."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.thai import (
    format_date,
    format_datetime,
    mask_national_id,
    national_id_is_valid,
    parse_date,
)

ROOT = Path(__file__).resolve().parent.parent


# The keywords `make extract` gives pybabel: gettext's own, the lazy ones
# and pgettext's context forms.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2)}
MESSAGES_PO = ROOT / "portal/translations/th/LC_MESSAGES/messages.po"


@functools.cache
def extracted() -> dict[tuple[str | None, str], set[str]]:
    """Every (context, msgid) the templates and the Python code show, with
    the files that show it, found the way `make extract` finds them."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[tuple[str | None, str], set[str]] = {}
    for path, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault((context, msgid), set()).add(path)
    return found


def compiled_thai() -> gettext.GNUTranslations:
    """messages.po compiled as `make catalog` compiles it: fuzzy and empty
    entries are left out, exactly as the running portal never sees them."""
    buffer = io.BytesIO()
    write_mo(buffer, read_po(MESSAGES_PO.open("rb")))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@pytest.mark.once
def test_every_string_shown_has_a_thai_translation():
    shown = extracted()
    assert len(shown) > 500
    catalogue = compiled_thai()._catalog  # keys: msgid, or "context\x04msgid"
    missing = sorted(f"{ctx}|{msgid}" if ctx else msgid for ctx, msgid in shown
                     if not catalogue.get(f"{ctx}\x04{msgid}" if ctx else msgid)
                     and not catalogue.get((f"{ctx}\x04{msgid}" if ctx else msgid, 0)))
    assert missing == []


@pytest.mark.once
def test_the_check_sees_a_missing_translation(tmp_path):
    """The check above fails for a template string nobody translated."""
    broken = read_po(MESSAGES_PO.open("rb"))
    del broken["Link your account"]
    buffer = io.BytesIO()
    write_mo(buffer, broken)
    buffer.seek(0)
    assert not gettext.GNUTranslations(buffer)._catalog.get("Link your account")
    assert (None, "Link your account") in extracted()


# English words with several meanings that Thai spells differently: never
# without a pgettext context ("Link" was both เชื่อมบัญชี and a web address,
# "Licence" both a software licence and an official's permit).
HOMOGRAPHS = frozenset({"Link", "Licence", "Order", "Record", "Open", "State", "Return",
                        "Process", "Report", "Issue", "Post", "Close", "Book", "Draft",
                        "Sign", "Present", "Release", "Free", "Match", "Set"})

# One-word msgids that several screen families share without a context,
# each checked to mean one thing (and one Thai word) wherever it appears.
# A word not here that a second family starts to use fails the test below:
# look at both places, then give each its pgettext context or add it here.
SAME_EVERYWHERE = frozenset({
    "Agency", "Announcement", "Back", "Cancel", "Check", "Completed", "Date", "Department",
    "Details", "Documents", "Due", "E-mail", "Edit", "Fax", "File", "From", "Issued",
    "Menu", "Ministry",
    "Month", "Name", "Next", "No", "No.", "Notifications", "Officer", "Other", "Overall", "Overdue",
    "Phone", "Position", "Print", "Printed", "Problem", "Profile", "Reason", "Register",
    "Request", "Requester", "Role", "Satisfaction", "Save", "Saved.", "Search", "Send",
    "Service", "Services", "Settings", "Show", "Signature", "Sorry", "Staff", "Status",
    "Subject", "Submitted", "Suspended", "Title", "To", "Total", "Upload", "Website", "Yes", "is",
    "Error",  # the prefix of a refused form's title and of each of its messages
})


def screen_family(path: str) -> str:
    """templates/identity/…, plugins/egov/…, portal/staff/… → the part of the
    portal a person is in when they read the string."""
    parts = Path(path).parts
    if parts[0] == "plugins":
        return f"plugins/{parts[1]}"
    if len(parts) > 2:
        return f"{parts[0]}/{parts[1]}"
    return f"{parts[0]}/{Path(parts[-1]).stem}"


def shared_without_context(shown: dict[tuple[str | None, str], set[str]]) -> list[str]:
    problems = []
    for (ctx, msgid), paths in sorted(shown.items(), key=lambda item: item[0][1]):
        if ctx is not None:
            continue
        if msgid in HOMOGRAPHS:
            problems.append(f"{msgid!r} needs a pgettext context: {sorted(paths)}")
        elif (len(msgid.split()) == 1 and msgid not in SAME_EVERYWHERE
              and len({screen_family(p) for p in paths}) > 1):
            problems.append(f"{msgid!r} is shared by {sorted(paths)}: give each a context "
                            "or list it in SAME_EVERYWHERE")
    return problems


@pytest.mark.once
def test_a_word_with_two_meanings_gets_a_context_for_each():
    assert shared_without_context(extracted()) == []


@pytest.mark.once
def test_the_check_catches_the_link_account_case():
    """What the portal had: the short link on ตั้งค่า › บริการ and "link
    your account" on the profile page were one msgid, so one Thai word."""
    before = {(None, "Link"): {"templates/identity/profile.html",
                               "templates/staff/services.html"},
              (None, "Transfer"): {"templates/staff/a.html", "plugins/egov/b.html"},
              (None, "Transfer!"): {"templates/staff/a.html"}}
    problems = shared_without_context(before)
    assert len(problems) == 2
    assert "'Link' needs a pgettext context" in problems[0]
    assert "'Transfer' is shared" in problems[1]
    assert shared_without_context({("web address", "Link"): {"templates/staff/x.html"},
                                   ("account", "Link"): {"templates/identity/y.html"}}) == []


@pytest.mark.once
def test_each_meaning_of_a_word_reads_as_its_own_thai():
    thai = compiled_thai()
    assert thai.pgettext("web address", "Link") == "ลิงก์"
    assert thai.pgettext("account", "Link") == "เชื่อมบัญชี"
    assert thai.pgettext("permit", "Licence") == "ใบอนุญาต"


def test_the_short_link_on_the_services_page_is_a_link_not_an_account(app, world):
    from .conftest import login

    boss = app.test_client()
    login(boss, world["admin"])
    page = boss.get("/admin/services/").get_data(as_text=True)
    short = page.split('href="/s/', 1)[1].split("</a>", 1)[0] if 'href="/s/' in page else page
    assert "ลิงก์" in short and "เชื่อมบัญชี" not in page


def test_english_is_one_click_away(client):
    thai = client.get("/").get_data(as_text=True)
    assert "บริการออนไลน์" in thai and 'lang="th"' in thai
    client.get("/lang/en", headers={"Referer": "http://localhost/"})
    english = client.get("/").get_data(as_text=True)
    assert "E-services" in english and 'lang="en"' in english


def test_buddhist_era_dates():
    moment = dt.datetime(2024, 6, 25, 6, 11)  # UTC
    assert format_datetime(moment) == "25 มิ.ย. 2567, 13:11 น."
    assert format_date(dt.date(2024, 1, 1)) == "1 ม.ค. 2567"
    assert format_date(dt.date(2024, 1, 1), long=True) == "1 มกราคม 2567"
    assert format_datetime(moment, "en") == "25 Jun 2024, 13:11"
    assert parse_date("25/06/2567") == dt.date(2024, 6, 25)
    assert parse_date("2024-06-25") == dt.date(2024, 6, 25)


def test_national_id_helpers():
    assert national_id_is_valid("1101700123456")
    assert not national_id_is_valid("1101700123457")
    assert not national_id_is_valid("110170012345")
    assert mask_national_id("1101700123456") == "1-1017-xxxxx-xx-6"


def test_report_periods_in_office_days():
    from portal.thai import day_start_utc, month_from, next_month, period_from

    today = dt.date(2026, 11, 24)
    assert day_start_utc(dt.date(2024, 6, 25)) == dt.datetime(2024, 6, 24, 17, 0)
    assert month_from("2567-06", today) == dt.date(2024, 6, 1)
    assert month_from("2024-06", today) == dt.date(2024, 6, 1)
    assert month_from("junk", today) == dt.date(2026, 11, 1)
    assert next_month(dt.date(2024, 12, 1)) == dt.date(2025, 1, 1)
    assert period_from("31/03/2569", "01/03/2569", today) == (dt.date(2026, 3, 1),
                                                              dt.date(2026, 3, 31))
    assert period_from("", "x", today) == (dt.date(2026, 11, 1), today)


def test_the_page_size_menu_of_staff_lists_is_thai(app, world):
    """Flask-Admin builds "10 items" from the number, a msgid per size: our
    layout says it with one message for every size a list offers."""
    from portal.staff.base import PortalModelView

    from .conftest import login

    clerk = app.test_client()
    login(clerk, world["staff"])
    page = clerk.get("/admin/requests/").get_data(as_text=True)
    sizes = re.findall(r'class="dropdown-item[^"]*" href="[^"]*page_size=(\d+)[^"]*">([^<]*)<',
                       page)
    assert sorted(int(n) for n, _label in sizes) == sorted(PortalModelView.page_size_options)
    for size, label in sizes:
        assert label.strip() == f"{size} รายการต่อหน้า"
    assert "items" not in page and " item<" not in page


def test_english_pages_name_the_agency_in_english(app, world):
    from .conftest import login
    from .helpers.certificate import new_certificate

    agency = world["agency"]
    agency.name_th, agency.name_en = "สำนักงานเขตพื้นที่การศึกษาทดสอบ", "Test Education Office"
    agency.save()
    client, req = new_certificate(app, world["citizen"])
    clerk = app.test_client()
    login(clerk, world["staff"])
    for who, url in ((client, f"/requests/new/{agency.code}/certificate"),
                     (client, "/"), (clerk, f"/admin/requests/record?agency={agency.id}"
                                            "&service=certificate")):
        who.get("/lang/en", headers={"Referer": "http://localhost/"})
        page = who.get(url).get_data(as_text=True)
        assert "Test Education Office" in page, url
        assert "สำนักงานเขตพื้นที่การศึกษาทดสอบ" not in page, url
        who.get("/lang/th", headers={"Referer": "http://localhost/"})
        assert "สำนักงานเขตพื้นที่การศึกษาทดสอบ" in who.get(url).get_data(as_text=True), url


@pytest.mark.once
def test_templates_name_an_agency_through_the_one_helper():
    """``agency.name_th`` in a template is Thai on an English page; the
    ``agency_name`` filter picks the reader's language. Only the e-Government
    Act announcement draft, a Thai legal text, names it in Thai always."""
    thai_always = {"draft.html", "draft.txt"}
    found = [str(p.relative_to(ROOT)) for p in [*ROOT.glob("templates/**/*"),
                                                *ROOT.glob("plugins/*/templates/**/*")]
             if p.is_file() and p.name not in thai_always and ".name_th" in p.read_text()]
    assert found == []


@pytest.mark.once
def test_a_request_is_called_one_thing_in_thai():
    """The seeds' statuses say คำร้อง (ส่งคำร้องไปยังเจ้าหน้าที่, ยกเลิกคำร้อง);
    the screens said คำขอ for the same request on the next line. Every Thai
    word for a request is คำร้อง, in the catalogue and in Thai written into
    templates."""
    root = Path(__file__).resolve().parent.parent
    catalogue = (root / "portal/translations/th/LC_MESSAGES/messages.po").read_text("utf-8")
    mixed = [line for line in catalogue.splitlines()
             if line.startswith(("msgstr", '"')) and "คำขอ" in line]
    written = [str(p) for top in ("templates", "plugins", "portal")
               for p in (root / top).glob("**/*")
               if p.suffix in (".html", ".txt") and "คำขอ" in p.read_text("utf-8").replace(
                   "แบบคำขอมีบัตรประจำตัว", "")]
    assert mixed == [] and written == []

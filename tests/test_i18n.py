"""Thai first: the catalogue is complete; English is available; BE dates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from portal.thai import (
    format_date,
    format_datetime,
    mask_national_id,
    national_id_is_valid,
    parse_date,
)

ROOT = Path(__file__).resolve().parent.parent


def test_thai_catalogue_translates_every_message(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot),
                    "."], cwd=ROOT, check=True, capture_output=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    assert len(wanted) > 150
    th = read_po((ROOT / "portal/translations/th/LC_MESSAGES/messages.po").open("rb"))
    done = {m.id for m in th if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - done) == []


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

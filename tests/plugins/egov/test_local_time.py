"""The e-Gov report list and CSV in Bangkok time (clock frozen at 00:30 Bangkok)."""

from __future__ import annotations

import csv
import io
import re

from .test_egov import client_for, tree, upload  # noqa: F401 - tree is a fixture


def test_created_day_and_csv_are_bangkok_time(app, tree, bangkok_night):  # noqa: F811
    admin = client_for(app, tree["area_admin"])
    upload(admin, tree["area"], dated="01/11/2566")
    listing = admin.get("/admin/egov_report/").get_data(as_text=True)
    assert "2 ธ.ค. 2569" in listing and "1 ธ.ค. 2569" not in listing
    # "Created from 2 Dec" means Bangkok's 2 Dec: the report made at 00:30 is in it.
    found = admin.get("/admin/egov_report/?created_from=02/12/2569&created_to=02/12/2569")
    assert tree["area"].name_th in found.get_data(as_text=True)
    missed = admin.get("/admin/egov_report/?created_from=01/12/2569&created_to=01/12/2569")
    assert tree["area"].name_th not in missed.get_data(as_text=True)
    raw = admin.get("/admin/egov_report/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    header, row = rows[0], next(r for r in rows if r[0] == "area1")
    created = row[header.index("วันที่สร้างรายงาน")]
    assert created == "2 ธ.ค. 2569, 00:30 น."
    assert re.fullmatch(r"2026-12-02T00:30:\d\d\+07:00",
                        row[header.index("วันที่สร้างรายงาน (ISO 8601)")])
    assert row[header.index("วันที่ประกาศล่าสุด")] == "1 พ.ย. 2566"  # a day, in BE
    assert "17:3" not in raw and "2026-12-01" not in raw

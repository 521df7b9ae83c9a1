"""KPI receipts are dated in Bangkok (the clock frozen at 00:30 Bangkok)."""

from __future__ import annotations

from plugins.kpi.models import KpiDocument

from .test_kpi import YEAR, client_for, office, send  # noqa: F401 - office is a fixture


def test_filed_on_shows_bangkoks_day(app, office, bangkok_night):  # noqa: F811
    reporter = client_for(app, office["reporter"])
    send(reporter, office["agency"], office["kpis"]["1.1"])
    document = KpiDocument.get()
    receiver = client_for(app, office["receiver"])
    receiver.post(f"/admin/kpi_receive/file/{document.id}")
    page = reporter.get(f"/admin/kpi_submit/?agency={office['agency'].id}&year={YEAR}"
                        "&round=6").get_data(as_text=True)
    assert "รับแล้ว 2 ธ.ค. 2569" in page and "1 ธ.ค. 2569" not in page
    filed = receiver.get(f"/admin/kpi_receive/kpi/{office['kpis']['1.1'].id}?round=6")
    text = filed.get_data(as_text=True)
    assert "2 ธ.ค. 2569, 00:3" in text and "1 ธ.ค. 2569" not in text

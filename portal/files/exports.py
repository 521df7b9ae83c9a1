"""CSV and spreadsheet output that Thai Excel opens and cannot be tricked by.

Every cell of every export (these responses and the staff lists' CSV/XLSX)
goes through :func:`export_cell`: an instant is Bangkok time in the reader's
language and era, to the minute (``2 ธ.ค. 2569, 00:30 น.``), a day is a
Buddhist-era day. Where a machine reads the file, the instant has a second
column from :func:`iso_cell` (``2026-12-02T00:30:00+07:00``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any

from flask import Response

from ..i18n import show_date, show_datetime, show_iso

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell such as ``=HYPERLINK(...)`` stays text in a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_cell(value: Any) -> Any:
    """A value as a person reads it in a spreadsheet: days and instants as
    on the pages, text that cannot turn into a formula."""
    if isinstance(value, dt.datetime):
        return show_datetime(value)
    if isinstance(value, dt.date):
        return show_date(value)
    return safe_cell(value)


def iso_cell(value: dt.datetime | None) -> str:
    """The machine-readable twin of an instant's column (empty when none)."""
    return show_iso(value)


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> Response:
    """UTF-8 with a BOM: without it Excel shows Thai as mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([export_cell(c) for c in row])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def xlsx_response(rows: Iterable[Iterable[Any]], filename: str, title: str = "Sheet1") -> Response:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    # Excel refuses these in a sheet's name (Thai titles often hold "/").
    sheet.title = re.sub(r"[\\/*?:\[\]]", " ", title)[:31].strip() or "Sheet1"
    for row in rows:
        sheet.append([export_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(), headers={
        "Content-Disposition": f'attachment; filename="{filename}"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

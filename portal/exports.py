"""CSV and spreadsheet output that Thai Excel opens and cannot be tricked by."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell such as ``=HYPERLINK(...)`` stays text in a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> Response:
    """UTF-8 with a BOM: without it Excel shows Thai as mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def xlsx_response(rows: Iterable[Iterable[Any]], filename: str, title: str = "Sheet1") -> Response:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([safe_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(), headers={
        "Content-Disposition": f'attachment; filename="{filename}"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

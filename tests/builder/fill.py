"""Valid answers to any built form, worked out from its definition: what a
person types into each kind of question (every question answered; the
server drops what the conditions hide)."""

from __future__ import annotations

import io
from typing import Any

from ..helpers.files import make_jpg, make_pdf

APPLICANT = {"phone": "0812345678", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี"}
ADDRESS = {"house_no": "12", "moo": "3", "road": "", "postcode": "84360",
           "subdistrict": "เกาะเต่า", "district": "เกาะพะงัน", "province": "84"}
NATIONAL_ID = "3100500123451"


def _cell(column: dict[str, Any]) -> str:
    kind = column["type"]
    if kind == "choice":
        return column["options"][0]["value"]
    if kind in ("number", "money"):
        return str(max(1, int(column.get("min") or 1)))
    if kind == "date":
        return "2026-01-15"
    return "ข้อความ"


def answers(definition: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = dict(APPLICANT)
    for page in definition["pages"]:
        for q in page.get("questions", ()):
            key, kind = q["key"], q["type"]
            if kind in ("heading", "paragraph", "calculated"):
                continue
            if kind in ("text", "textarea"):
                data[key] = "ทดสอบ"
            elif kind in ("number", "money"):
                low = q.get("min")
                data[key] = str(int(low) if low is not None and low > 0 else 1)
            elif kind == "date":
                data[key] = "2026-01-15"
            elif kind == "time":
                data[key] = "10:30"
            elif kind == "choice":
                data[key] = q["options"][0]["value"]
            elif kind == "multichoice":
                data[key] = [q["options"][0]["value"]]
            elif kind == "yesno":
                data[key] = "yes"
            elif kind == "national_id":
                data[key] = NATIONAL_ID
            elif kind == "phone":
                data[key] = "0898765432"
            elif kind == "email":
                data[key] = "someone@example.go.th"
            elif kind == "address":
                data.update({f"{key}-{part}": v for part, v in ADDRESS.items()})
            elif kind == "location":
                data[f"{key}-lat"], data[f"{key}-lng"] = "13.756331", "100.501762"
            elif kind == "file":
                kinds = q.get("kinds") or ["pdf"]
                data[f"file_{key}"] = ((io.BytesIO(make_pdf()), "เอกสาร.pdf") if "pdf" in kinds
                                       else (io.BytesIO(make_jpg()), "ภาพ.jpg"))
            elif kind == "table":
                for column in q["columns"]:
                    data[f"{key}-0-{column['key']}"] = _cell(column)
    return data

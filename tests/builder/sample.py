"""A small definition with one of each hard part: two pages, a condition on
a choice and on a number, a repeating table with a calculated total over
it, a condition on that total, and a file slot."""

from __future__ import annotations

import copy
from typing import Any

TOTAL = {"reduce": [{"map": [{"var": "items"}, {"*": [{"var": "qty"}, {"var": "price"}]}]},
                    {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}

SAMPLE: dict[str, Any] = {
    "format": "eservice-portal/service-definition",
    "format_version": 1,
    "slug": "relief",
    "title": {"th": "ขอรับความช่วยเหลือ", "en": "Relief"},
    "ref_prefix": "RL",
    "target_days": 7,
    "pages": [
        {"key": "kind_page", "title": {"th": "ประเภทคำขอ"}, "questions": [
            {"key": "request_type", "type": "choice", "label": {"th": "ประเภทคำขอ"},
             "required": True, "options": [{"value": "new", "label": {"th": "ขอใหม่"}},
                                           {"value": "renew", "label": {"th": "ต่ออายุ"}}]},
            {"key": "old_number", "type": "text", "label": {"th": "เลขที่คำขอเดิม"},
             "required": True, "when": {"==": [{"var": "request_type"}, "renew"]}},
            {"key": "age", "type": "number", "label": {"th": "อายุ"}, "required": True,
             "min": 0, "max": 120},
            {"key": "carer_name", "type": "text", "label": {"th": "ชื่อผู้ดูแล"},
             "required": True, "when": {">=": [{"var": "age"}, 60]}},
        ]},
        {"key": "items_page", "title": {"th": "รายการสิ่งของ"}, "questions": [
            {"key": "intro", "type": "paragraph",
             "text": {"th": "<b>กรอก</b>รายการ<script>alert(1)</script>"}},
            {"key": "items", "type": "table", "label": {"th": "รายการสิ่งของ"},
             "required": True, "max_rows": 5, "columns": [
                 {"key": "thing", "type": "text", "label": {"th": "สิ่งของ"}, "required": True},
                 {"key": "qty", "type": "number", "label": {"th": "จำนวน"}, "required": True,
                  "min": 1},
                 {"key": "price", "type": "money", "label": {"th": "ราคาต่อหน่วย"}}]},
            {"key": "total", "type": "calculated", "label": {"th": "รวมเป็นเงิน"},
             "formula": TOTAL},
            {"key": "big_reason", "type": "textarea", "label": {"th": "เหตุผลที่ขอมาก"},
             "required": True, "when": {">": [{"var": "total"}, 10000]}},
            {"key": "photo", "type": "file", "label": {"th": "ภาพถ่ายความเสียหาย"},
             "required": True, "kinds": ["jpg", "png"]},
        ]},
    ],
    "steps": [
        {"code": "check", "label": {"th": "ตรวจสอบ"}},
        {"code": "decide", "label": {"th": "พิจารณา"}, "tells_requester": True,
         "outcomes": [{"code": "yes", "label": {"th": "อนุมัติ"}},
                      {"code": "no", "label": {"th": "ไม่อนุมัติ"}}]},
    ],
}


def sample(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(SAMPLE)
    out.update(changes)
    return out


def build(agency: Any, definition: dict[str, Any] | None = None, actor: Any = None) -> Any:
    """A built service of ``agency``, published once and switched on."""
    from plugins.builder.models import BuiltService
    from plugins.builder.store import publish, service_code
    from portal.requests.catalogue import set_enabled

    definition = definition or sample()
    built = BuiltService.create(agency=agency, slug=definition["slug"],
                                code=service_code(definition["slug"], agency),
                                draft=definition, created_by=actor)
    publish(built, definition, actor)
    set_enabled(agency, built.code, True)
    return built

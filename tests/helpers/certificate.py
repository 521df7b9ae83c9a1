"""Send a certificate request the way a browser does."""

from __future__ import annotations

import io
import re
from typing import Any

from flask.testing import FlaskClient

from .files import make_pdf, make_png
from .send import send_form


def certificate_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "phone": "0812345678", "title": "นาย", "first_name": "สมชาย", "last_name": "ใจดี",
        "official_type": "teacher", "work_unit": "โรงเรียนบ้านหนองน้ำใส",
        "position": "ครู", "rank": "ชำนาญการพิเศษ", "salary": "35210.50",
        "academic_allowance": "5600", "compensation": "", "purpose": "รับรองเงินเดือน",
        "intended_use": "กู้เงินธนาคาร",
        "file_id_card": (io.BytesIO(make_pdf()), "สำเนาบัตร.pdf"),
        "file_salary_slip": (io.BytesIO(make_png()), "slip.png"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit_certificate(client: FlaskClient, agency_code: str, **overrides: Any) -> Any:
    return send_form(client, f"/requests/new/{agency_code}/certificate",
                     data=certificate_data(**overrides))


def reference_from(response: Any) -> str:
    match = re.search(r"/requests/(?:sent/)?([0-9A-Z-]+)$", response.headers.get("Location", ""))
    assert match, response.get_data(as_text=True)[:2000]
    return match.group(1)


def new_certificate(app: Any, citizen: Any, agency_code: str = "alpha", **overrides: Any) -> Any:
    """Log ``citizen`` in on a fresh client, submit, return (client, Request)."""
    from portal.models import Request

    from ..conftest import login

    client = app.test_client()
    login(client, citizen)
    response = submit_certificate(client, agency_code, **overrides)
    return client, Request.get(Request.reference == reference_from(response))

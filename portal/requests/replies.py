"""Canned replies: pick, fill the placeholders, let staff edit."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..models import CannedReply, Request
from ..plugins.manager import get_service
from .lifecycle import STATUS_LABELS


class _Blank(defaultdict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # an unknown placeholder stays visible


def fill(body: str, request: Request, status: str) -> str:
    service = get_service(request.service_code)
    values = _Blank(str, {
        "name": request.applicant_name, "reference": request.reference,
        "service": str(service.title) if service else request.service_code,
        "status": str(STATUS_LABELS.get(status, status)),
    })
    try:
        return body.format_map(values)
    except (ValueError, IndexError):  # stray braces: keep the text as written
        return body


def for_request(request: Request) -> list[CannedReply]:
    """Replies of the request's agency for its service (or any service)."""
    return list(CannedReply.select().where(
        (CannedReply.agency == request.agency_id)
        & CannedReply.service_code.in_(["", request.service_code]))
        .order_by(CannedReply.status, CannedReply.title))


def choices(request: Request, targets: list[Any]) -> list[dict[str, Any]]:
    """What the picker offers: each reply filled for this request, with the
    status it suits (empty: any)."""
    wanted = {str(t) for t in targets}
    return [{"id": r.id, "title": r.title, "status": r.status,
             "text": fill(r.body, request, r.status or "")}
            for r in for_request(request) if not r.status or r.status in wanted]

"""หนังสือรับรอง — certificate request of an education area office (SPEC §3a.2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.models import Request
from portal.services import AttachmentSlot, Service

from .forms import CertificateForm
from .models import CertificateRequest

CODE = "certificate"


def store(request: Request, answers: dict[str, Any]) -> None:
    """Keep the columns clerks filter by in the plugin's own table."""
    values = {k: answers.get(k) or "" for k in
              ("official_type", "work_unit", "position", "purpose", "intended_use")}
    values["salary"] = answers.get("salary") or 0
    (CertificateRequest.insert(request=request, **values)
     .on_conflict(conflict_target=[CertificateRequest.request], update=values)
     .execute())


@hookimpl
def register_services() -> list[Service]:
    return [Service(
        code=CODE,
        title=_l("Certificate"),
        description=_l("Salary or employment certificate for a bank loan and similar uses."),
        form_class=CertificateForm,
        ref_prefix="12",
        slots=(
            AttachmentSlot("id_card", _l("Copy of national ID card"), required=True),
            AttachmentSlot("salary_slip", _l("Copy of last month's salary slip"),
                           required=True),
            AttachmentSlot("other1", _l("Other document 1")),
            AttachmentSlot("other2", _l("Other document 2")),
            AttachmentSlot("other3", _l("Other document 3")),
        ),
        target_days=5,
        print_template="certificate/print.html",
        store=store,
    )]


@hookimpl
def register_models() -> list[type]:
    return [CertificateRequest]


@hookimpl
def register_migrations() -> str:
    return str(Path(__file__).parent / "migrations")


@hookimpl
def register_admin_views() -> list[Any]:
    from .admin import CertificateView

    return [CertificateView(CertificateRequest, name=_l("Certificates"),
                            endpoint="certificates", category=_l("Services"))]

"""An office's public record (seed 003's agency form, seed 000's footer):
the choices of its fields with their Thai labels, and which agencies the
public lists."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..models import Agency

# ประเภทองค์กร of info.go.th's agency form.
ORG_TYPES: dict[str, Any] = {
    "government": _l("Government agency"),
    "state_enterprise": _l("State enterprise"),
    "public_organization": _l("Public organization"),
    "local_government": _l("Local government organization"),
    "independent": _l("Independent organization"),
    "education": _l("Educational institution"),
    "other": _l("Other state agency"),
}

# ศูนย์ราชการสะดวก (Government Easy Contact Center): "" = not one.
GECC_LEVELS: dict[str, Any] = {
    "": _l("Not a Government Easy Contact Center"),
    "basic": _l("GECC basic level"),
    "middle": _l("GECC middle level"),
    "high": _l("GECC high level"),
}


def listed(query: Any = None) -> Any:
    """Agencies the public lists: those whose display switch is on. Their
    service pages answer either way (printed QR codes point at them)."""
    query = query if query is not None else Agency.select()
    return query.where(Agency.displayed)


"""A throwaway plugin whose services are data that changes while the portal
runs, as the service builder's are: ``PUBLISHED`` plays its table."""

from __future__ import annotations

from typing import Any

from wtforms import StringField

from portal import hookimpl
from portal.forms.fields import ApplicantForm, required
from portal.plugins.services import Service

# code -> {version: label of its one question}; the last version is current.
PUBLISHED: dict[str, dict[int, str]] = {}
OWNER: dict[str, str] = {}
LOADS: list[int] = []


def _service(code: str, version: int) -> Service:
    label = PUBLISHED[code][version]
    form = type(f"Built{version}", (ApplicantForm,),
                {"subject": StringField(label, [required()])})
    return Service(code=code, title=f"บริการ {code}", form_class=form, ref_prefix="77",
                   agency_code=OWNER.get(code), version=version)


@hookimpl
def load_services() -> list[Service]:
    LOADS.append(1)
    return [_service(code, max(versions)) for code, versions in PUBLISHED.items()]


@hookimpl
def find_service(code: str) -> Any:
    name, _, version = code.partition("@")
    if name in PUBLISHED and version.isdigit() and int(version) in PUBLISHED[name]:
        return _service(name, int(version))
    return None

"""The demo office's own built service, started from a shipped template, so
`make run` shows the builder with something in it and the citizen's form."""

from __future__ import annotations

from portal.identity import AGENCY_ADMIN
from portal.models import Agency, Membership

from . import library, store
from .definition import load
from .models import BuiltService

DEMO_TEMPLATE = "official-information"


def load_demo(agency: Agency) -> Agency:
    template = library.template(DEMO_TEMPLATE)
    if template is None:
        return agency
    definition = load(template.definition)
    built = BuiltService.get_or_none((BuiltService.agency == agency)
                                     & (BuiltService.slug == definition["slug"]))
    if built is None:
        admin = Membership.get_or_none((Membership.agency == agency)
                                       & (Membership.role == AGENCY_ADMIN))
        built = BuiltService.create(agency=agency, slug=definition["slug"],
                                    code=store.service_code(definition["slug"], agency),
                                    draft=definition,
                                    created_by=admin.user_id if admin else None)
        store.publish(built, definition, admin.user if admin else None)
    return agency

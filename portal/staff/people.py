"""Agencies (system admin) and staff memberships (agency admins)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .. import access, audit
from ..db import database
from ..forms import NationalID, PortalForm, required
from ..models import Agency, Membership, MembershipService, User
from ..plugins import all_services
from .base import AgencyAdminAccess, PortalModelView, SystemAdminAccess

ROLE_LABELS = {access.STAFF: _l("Staff"), access.AGENCY_ADMIN: _l("Agency admin")}


class AgencyView(SystemAdminAccess, PortalModelView):
    """The agency tree: ministry › department › agency › service point."""

    can_export = True
    column_list = ("code", "name_th", "name_en", "parent", "phone", "email")
    column_labels = {"code": _l("Code"), "name_th": _l("Name (Thai)"),
                     "name_en": _l("Name (English)"), "parent": _l("Parent agency"),
                     "phone": _l("Phone"), "email": _l("E-mail"), "address": _l("Address"),
                     "website": _l("Website")}
    column_searchable_list = ("code", "name_th", "name_en")
    search_hint = _l("Code or name")
    form_columns = ("code", "name_th", "name_en", "parent", "address", "phone", "email",
                    "website")
    form_args = {"code": {"validators": [required(), Length(max=40)]},
                 "name_th": {"validators": [required(), Length(max=255)]},
                 "email": {"validators": [Optional(), Email()]}}

    def on_model_change(self, form: Any, model: Agency, is_created: bool) -> None:
        audit.record("agency_saved", f"agency:{model.code}")


class StaffForm(PortalForm):
    national_id = StringField(_l("National ID number of the staff member"),
                              [required(), NationalID()])
    agency = SelectField(_l("Agency"), coerce=int)
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))
    services = SelectMultipleField(_l("Services handled"), widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())


def _managed() -> list[Agency]:
    if current_user.is_system_admin:
        return list(Agency.select().order_by(Agency.name_th))
    return access.admin_agencies(current_user)


def _services_of(view: Any, context: Any, model: Membership, name: str) -> str:
    if model.role == access.AGENCY_ADMIN:
        return str(_l("All services"))
    services = all_services()
    codes = [s.service_code for s in model.services]
    return ", ".join(str(services[c].title) if c in services else c for c in codes)


class StaffView(AgencyAdminAccess, PortalModelView):
    """Who works in the agency, as what, on which services."""

    column_list = ("user", "agency", "role", "services")
    column_labels = {"user": _l("Staff member"), "agency": _l("Agency"), "role": _l("Role"),
                     "services": _l("Services handled")}
    column_formatters = {
        "role": lambda v, c, m, n: ROLE_LABELS.get(m.role, m.role),
        "services": _services_of,
        "user": lambda v, c, m, n: Markup("{}").format(m.user.full_name),
    }
    column_searchable_list = (User.first_name, User.last_name)
    search_hint = _l("Name")
    form = StaffForm

    def get_query(self) -> Any:
        query = Membership.select(Membership, User, Agency).join(User).switch(Membership) \
            .join(Agency)
        if current_user.is_system_admin:
            return query
        return query.where(Membership.agency.in_([a.id for a in _managed()]))

    def _handle_join(self, query: Any, field: Any, joins: Any) -> Any:
        # get_query already joins User for the name search.
        if getattr(field, "model", None) in (User, Agency):
            return query
        return super()._handle_join(query, field, joins)

    def _choices(self, form: StaffForm) -> StaffForm:
        form.agency.choices = [(a.id, a.name_th) for a in _managed()]
        form.services.choices = [(code, s.title) for code, s in all_services().items()]
        return form

    def create_form(self, obj: Any = None) -> StaffForm:
        return self._choices(super().create_form(obj))

    def edit_form(self, obj: Membership | None = None) -> StaffForm:
        form = self._choices(super().edit_form(obj))
        if obj is not None and not form.is_submitted():
            form.national_id.data = obj.user.national_id
            form.agency.data = obj.agency_id
            form.services.data = [s.service_code for s in obj.services]
        return form

    def _save(self, form: StaffForm, membership: Membership | None) -> Membership | None:
        if form.agency.data not in {a.id for a in _managed()}:
            abort(403)
        user = User.get_or_none(User.national_id == form.national_id.data)
        if user is None:
            flash(_("No account has this national ID. Ask the staff member to register "
                     "first, then add them here."), "error")
            return None
        with database.atomic():
            if membership is None:
                membership = Membership.get_or_none(
                    (Membership.user == user) & (Membership.agency == form.agency.data))
                membership = membership or Membership(user=user, agency=form.agency.data)
            membership.user, membership.agency = user, form.agency.data
            membership.role = form.role.data
            membership.save()
            MembershipService.delete().where(
                MembershipService.membership == membership).execute()
            codes = [] if membership.role == access.AGENCY_ADMIN else form.services.data
            for code in codes:
                MembershipService.create(membership=membership, service_code=code)
            audit.record("staff_saved", f"user:{user.id}",
                         detail=f"agency:{membership.agency_id} role:{membership.role} "
                                f"services:{','.join(codes)}")
        return membership

    def create_model(self, form: StaffForm) -> Membership | None:
        return self._save(form, None)

    def update_model(self, form: StaffForm, model: Membership) -> bool:
        return self._save(form, model) is not None

    def delete_model(self, model: Membership) -> bool:
        if model.agency_id not in {a.id for a in _managed()}:
            abort(403)
        audit.record("staff_removed", f"user:{model.user_id}", detail=f"agency:{model.agency_id}")
        model.delete_instance(recursive=True)
        return True

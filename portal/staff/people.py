"""Agencies (system admin) and staff memberships (agency admins)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, request
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import BasePeeweeFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.validators import Email, Length, NumberRange, Optional, ValidationError

from ..base import audit, jobs
from ..db import database
from ..forms.fields import DigitsField, NationalID, PortalForm, required
from ..i18n import agency_name
from ..identity import access, reset
from ..identity.offices import GECC_LEVELS, ORG_TYPES
from ..models import Agency, Membership, MembershipService, User
from ..plugins.manager import all_services
from .base import AgencyAdminAccess, PortalModelView, live_options
from .widgets import checkbox_options

LEVEL_LABELS = {"ministry": _l("Ministry"), "department": _l("Department"),
                "agency": _l("Agency"), "service_point": _l("Service point")}
ROLE_LABELS = {access.STAFF: _l("Staff"), access.AGENCY_ADMIN: _l("Agency admin")}


class InTreeFilter(BasePeeweeFilter):
    """Agencies under a ministry or department (and it itself)."""

    def apply(self, query: Any, value: Any) -> Any:
        try:
            root = int(value)
        except (TypeError, ValueError):
            return query
        return query.where(Agency.id.in_(list(access.subtree_ids([root]))))

    def operation(self) -> Any:
        return _l("is")


class ShowSuspendedFilter(BasePeeweeFilter):
    """Suspended service points are hidden unless this filter asks for them."""

    def apply(self, query: Any, value: Any) -> Any:
        return query if value == "1" else query.where(~Agency.suspended)

    def operation(self) -> Any:
        return _l("is")


def _levelled(level: str) -> Any:
    return live_options(lambda: [(a.id, agency_name(a)) for a in Agency.select().where(
        (Agency.level == level) & Agency.id.in_(list(access.managed_agency_ids(current_user))))
        .order_by(Agency.name_th)])


class AgencyView(AgencyAdminAccess, PortalModelView):
    """The agency tree: ministry › department › agency › service point. A
    system admin sees all; an agency admin their agency and everything below."""

    can_export = True
    export_types = ["csv", "xlsx"]
    column_list = ("code", "name_th", "level", "parent", "phone", "email", "displayed",
                   "suspended")
    column_labels = {"code": _l("Code"), "name_th": _l("Display name (Thai)"),
                     "name_en": _l("Display name (English)"), "full_name": _l("Full name"),
                     "level": _l("Level"), "parent": _l("Parent agency"), "phone": _l("Phone"),
                     "email": _l("E-mail for the public"),
                     "email_dga": _l("E-mail registered with DGA"),
                     "email_complaint": _l("E-mail for complaints"),
                     "address": _l("Address (Thai)"), "address_en": _l("Address (English)"),
                     "website": _l("Website"), "suspended": _l("Suspended"),
                     "attachment_retention_days": _l("Keep files of closed requests (days)"),
                     "fax": _l("Fax"), "org_type": _l("Organisation type"),
                     "org_subtype": _l("Organisation sub-type"),
                     "office_hours": _l("Note (office hours)"),
                     "displayed": _l("Shown to the public"),
                     "key_service_point": _l("Key service point"),
                     "is_school": _l("School (educational institution)"),
                     "gecc_level": _l("Government Easy Contact Center (GECC)"),
                     "is_central": _l("Central agency"),
                     "serves_public": _l("Serves the public")}
    column_formatters = {"level": lambda v, c, m, n: LEVEL_LABELS.get(m.level, m.level),
                         "org_type": lambda v, c, m, n: ORG_TYPES.get(m.org_type, m.org_type),
                         "gecc_level": lambda v, c, m, n: GECC_LEVELS.get(m.gecc_level,
                                                                          m.gecc_level)}
    column_formatters_export = {
        "level": lambda v, c, m, n: str(LEVEL_LABELS.get(m.level, m.level)),
        "org_type": lambda v, c, m, n: str(ORG_TYPES.get(m.org_type, m.org_type)),
        "gecc_level": lambda v, c, m, n: str(GECC_LEVELS.get(m.gecc_level, m.gecc_level))}
    column_export_list = ("code", "name_th", "name_en", "full_name", "level", "parent",
                          "org_type", "org_subtype", "address", "address_en", "phone", "fax",
                          "email", "email_dga", "email_complaint", "website", "office_hours",
                          "displayed", "key_service_point", "is_school", "gecc_level",
                          "is_central", "serves_public", "suspended")
    column_searchable_list = ("code", "name_th", "name_en")
    search_hint = _l("Code or name")
    form_columns = ("code", "level", "parent", "org_type", "org_subtype", "name_th", "name_en",
                    "full_name", "address", "address_en", "website", "phone", "fax", "email",
                    "email_dga", "email_complaint", "office_hours", "displayed",
                    "key_service_point", "is_school", "gecc_level", "is_central",
                    "serves_public", "suspended", "attachment_retention_days")
    form_overrides = {"level": SelectField, "phone": DigitsField, "fax": DigitsField,
                      "org_type": SelectField, "gecc_level": SelectField}
    form_args = {"code": {"validators": [required(), Length(max=40)]},
                 "name_th": {"validators": [required(), Length(max=255)]},
                 "email": {"validators": [Optional(), Email()]},
                 "email_dga": {"validators": [Optional(), Email()]},
                 "email_complaint": {"validators": [Optional(), Email()]},
                 "level": {"choices": list(LEVEL_LABELS.items())},
                 "org_type": {"choices": [("", _l("— choose —")), *ORG_TYPES.items()]},
                 "org_subtype": {"validators": [Optional(), Length(max=100)],
                                 "description": _l("e.g. ส่วนราชการส่วนกลาง, "
                                                   "ส่วนราชการส่วนภูมิภาค")},
                 "office_hours": {"validators": [Optional(), Length(max=255)],
                                  "description": _l("Shown with the address on every page "
                                                    "of the agency, e.g. จันทร์–ศุกร์ "
                                                    "08.30–16.30 น. เว้นวันหยุดราชการ")},
                 "fax": {"validators": [Optional(), Length(max=60)]},
                 "gecc_level": {"choices": list(GECC_LEVELS.items())},
                 "displayed": {"description": _l("Off: the agency is left out of the "
                                                 "public lists; links to its services "
                                                 "still work.")},
                 "attachment_retention_days": {
                     "validators": [Optional(), NumberRange(min=1, max=36500)],
                     "description": _l("The files people sent with a request are deleted "
                                       "this many days after it is completed or cancelled; "
                                       "files from staff stay. Leave empty to keep them. "
                                       "Follow the agency's records rules (ระเบียบงานสารบรรณ) "
                                       "for how long documents must be kept.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.column_filters = (
            InTreeFilter(Agency.id, _l("Ministry"), options=_levelled("ministry")),
            InTreeFilter(Agency.id, _l("Department"), options=_levelled("department")),
            ShowSuspendedFilter(Agency.suspended, _l("Show suspended service points"),
                                options=[("1", _l("Yes"))]),
        )
        super().__init__(*args, **kwargs)

    def _managed(self, query: Any) -> Any:
        return query.where(Agency.id.in_(list(access.managed_agency_ids(current_user))))

    def get_change_query(self) -> Any:
        # Suspended agencies are hidden from the list, not from their admins.
        return self._managed(super(PortalModelView, self).get_query())

    def scope(self, query: Any) -> Any:
        query = self._managed(query)
        # Flask-Admin sends filters as flt<position>_<filter arg>=value.
        active = {key.split("_", 1)[1] for key in request.args
                  if key.startswith("flt") and "_" in key}
        asked = any(isinstance(flt, ShowSuspendedFilter)
                    for arg, (_i, flt) in (self._filter_args or {}).items() if arg in active)
        return query if asked else query.where(~Agency.suspended)

    def _limit_parent(self, form: Any, obj: Agency | None = None) -> Any:
        if not current_user.is_system_admin:
            ids = list(access.managed_agency_ids(current_user))
            # The admin's own agency keeps the parent it has (on_model_change
            # refuses a move), so that parent must be a valid choice.
            if obj is not None and obj.parent_id:
                ids.append(obj.parent_id)
            form.parent.query = Agency.select().where(Agency.id.in_(ids))
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._limit_parent(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._limit_parent(super().edit_form(obj), obj)

    def on_model_change(self, form: Any, model: Agency, is_created: bool) -> None:
        if not current_user.is_system_admin:
            managed = access.managed_agency_ids(current_user)
            roots = {a.id for a in access.admin_agencies(current_user)}
            if model.id in roots:
                if model.parent_id != Agency.get_by_id(model.id).parent_id:
                    raise ValidationError(str(_l("Only a system admin moves your own agency.")))
            elif model.parent_id not in managed:
                raise ValidationError(str(_l("Choose an agency under your own as the parent.")))
        # A new agency has no id yet: it is saved under its parent's.
        audit.record("agency_saved", f"agency:{model.code}", agency=model.id or model.parent_id)


class StaffForm(PortalForm):
    national_id = DigitsField(_l("National ID number of the staff member"),
                              [required(), NationalID()])
    agency = SelectField(_l("Agency"), coerce=int)
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))
    services = SelectMultipleField(_l("Services handled"), **checkbox_options())
    sees_national_ids = BooleanField(
        _l("Sees full national ID and bank account numbers in lists and exports"),
        description=_l("Only for work that needs the full numbers, such as sending the "
                       "elderly allowance roster; everyone else sees 1-2345-xxxxx-xx-1 "
                       "and the last four digits of an account."))


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

    column_list = ("user", "agency", "role", "services", "sees_national_ids")
    column_labels = {"user": _l("Staff member"), "agency": _l("Agency"), "role": _l("Role"),
                     "services": _l("Services handled"),
                     "sees_national_ids": _l("Full national IDs")}
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
        form.agency.choices = [(a.id, agency_name(a)) for a in _managed()]
        own = {a.code for a in _managed()}
        form.services.choices = [(code, s.title) for code, s in all_services().items()
                                 if s.agency_code is None or s.agency_code in own]
        return form

    def create_form(self, obj: Any = None) -> StaffForm:
        return self._choices(super().create_form(obj))

    def edit_form(self, obj: Membership | None = None) -> StaffForm:
        form = self._choices(super().edit_form(obj))
        if obj is not None and not form.is_submitted():
            form.national_id.data = obj.user.national_id
            form.agency.data = obj.agency_id
            form.services.data = [s.service_code for s in obj.services]
            form.sees_national_ids.data = obj.sees_national_ids
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
            membership.sees_national_ids = bool(form.sees_national_ids.data)
            membership.save()
            MembershipService.delete().where(
                MembershipService.membership == membership).execute()
            codes = [] if membership.role == access.AGENCY_ADMIN else form.services.data
            for code in codes:
                MembershipService.create(membership=membership, service_code=code)
            audit.record("staff_saved", f"user:{user.id}", agency=membership.agency_id,
                         detail=f"agency:{membership.agency_id} role:{membership.role} "
                                f"services:{','.join(codes)} "
                                f"full_ids:{int(membership.sees_national_ids)}")
        return membership

    def create_model(self, form: StaffForm) -> Membership | None:
        return self._save(form, None)

    def update_model(self, form: StaffForm, model: Membership) -> bool:
        return self._save(form, model) is not None

    delete_with = (MembershipService.membership,)

    def on_model_delete(self, model: Membership) -> None:
        audit.record("staff_removed", f"user:{model.user_id}", detail=f"agency:{model.agency_id}",
                     agency=model.agency_id)

    @action("send_password_reset", _l("Send a link to set a new password"),
            _l("Send each chosen staff member a link to set a new password, to their e-mail "
               "and LINE? Their password stays until they use it."))
    def action_send_password_reset(self, rows: list[Membership]) -> None:
        """For a member of staff who forgot their password. Rows come from
        the view's change scope only (PortalModelView's scoped actions), so
        an agency admin reaches only their own agency's members; the link
        goes to the member, never to the admin."""
        sent, nowhere = [], []
        admin = current_user._get_current_object()
        with database.atomic():
            for membership in rows:
                user = membership.user
                channels = (reset.send_link(user, reset.BY_ADMIN, issued_by=admin,
                                            agency=membership.agency)
                            if reset.may_reset(user) else [])
                (sent if channels else nowhere).append(user.full_name)
                audit.record("password_reset_sent", f"user:{user.id}",
                             agency=membership.agency_id,
                             detail=",".join(channels) or "nowhere to send")
        jobs.kick()
        if sent:
            flash(_("A link to set a new password was sent to: %(names)s.",
                    names=", ".join(sent)), "success")
        if nowhere:
            flash(_("No e-mail address or LINE to send a link to: %(names)s. Add an e-mail "
                    "address to the account, or ask the system admin.",
                    names=", ".join(nowhere)), "error")

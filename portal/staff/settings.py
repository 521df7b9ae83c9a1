"""Agency settings for agency admins: which services are on, holidays."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, validators

from ..base import audit
from ..files import uploads
from ..models import Agency, AgencyService, CannedReply, Holiday, Request
from ..plugins.manager import all_services, services_of
from ..requests.catalogue import (
    SERVICE_DOCUMENT_KINDS,
    documents,
    enabled_codes,
    remove_document,
    save_document,
    set_enabled,
)
from ..requests.lifecycle import FINAL_STATUSES, STATUS_LABELS
from ..thai import ascii_digits
from .base import AgencyAdminAccess, PortalBaseView, PortalModelView, be_date, managed_agencies


def _open_requests(agency: Agency, code: str) -> int:
    """Requests of the service staff still have to finish (they stay)."""
    return (Request.select().where((Request.agency == agency) & (Request.service_code == code)
                                   & Request.status.not_in(list(FINAL_STATUSES))).count())


class ServiceSwitchView(AgencyAdminAccess, PortalBaseView):
    """Switch each service on or off for an agency."""

    @expose("/", methods=("GET",))
    def index(self) -> Any:
        agencies = managed_agencies()
        table = [(agency, enabled_codes(agency), {
            row.service_code: row for row in AgencyService.select().where(
                AgencyService.agency == agency)}) for agency in agencies]
        return self.render("staff/services.html", table=table, services=all_services(),
                           documents=documents(agencies))

    def _target(self) -> tuple[Agency, str, str]:
        agency_id = request.form.get("agency", type=int)
        code = request.form.get("service", "")
        kind = request.form.get("kind", "")
        agency = next((a for a in managed_agencies() if a.id == agency_id), None)
        if agency is None or code not in services_of(agency) or kind not in SERVICE_DOCUMENT_KINDS:
            abort(404)
        return agency, code, kind

    @expose("/document", methods=("POST",))
    def document(self) -> Any:
        """The service's manual or blank paper form, published on its pages."""
        agency, code, kind = self._target()
        try:
            checked = uploads.check(request.files.get("file"), SERVICE_DOCUMENT_KINDS[kind])
            if checked is None:
                raise uploads.UploadError(_("Please choose a file."))
        except uploads.UploadError as exc:
            flash(str(exc), "error")
        else:
            save_document(agency, code, kind, checked, current_user._get_current_object())
            flash(_("Saved."), "success")
        return redirect(url_for(".index") + f"#svc-{agency.id}-{code}")

    @expose("/document/remove", methods=("POST",))
    def remove(self) -> Any:
        agency, code, kind = self._target()
        if remove_document(agency, code, kind):
            flash(_("Removed."), "success")
        return redirect(url_for(".index") + f"#svc-{agency.id}-{code}")

    @expose("/contact", methods=("POST",))
    def contact(self) -> Any:
        """Who answers for the service: shown on its form, print and poster."""
        agency_id = request.form.get("agency", type=int)
        code = request.form.get("service", "")
        agency = next((a for a in managed_agencies() if a.id == agency_id), None)
        if agency is None or code not in services_of(agency):
            abort(404)
        values = {key: (request.form.get(key) or "").strip()[:size] for key, size in
                  (("officer_name", 255), ("officer_phone", 60), ("division", 255))}
        values["officer_phone"] = ascii_digits(values["officer_phone"])
        (AgencyService.insert(agency=agency, service_code=code, enabled=False, **values)
         .on_conflict(conflict_target=[AgencyService.agency, AgencyService.service_code],
                      update={getattr(AgencyService, k): v for k, v in values.items()})
         .execute())
        audit.record("service_contact_saved", f"agency:{agency.id}", detail=code, agency=agency)
        flash(_("Saved."), "success")
        return redirect(url_for(".index"))

    @expose("/toggle", methods=("POST",))
    def toggle(self) -> Any:
        agency_id = request.form.get("agency", type=int)
        code = request.form.get("service", "")
        agency = next((a for a in managed_agencies() if a.id == agency_id), None)
        if agency is None or code not in services_of(agency):
            abort(404)
        on = request.form.get("enabled") == "1"
        if not on and request.form.get("confirm") != "1":
            # Switching off takes the form down at once (posters and links
            # then say "closed"): one more step, which needs no script.
            return self.render("staff/service_off_confirm.html", agency=agency, code=code,
                               service=services_of(agency)[code],
                               open_requests=_open_requests(agency, code))
        set_enabled(agency, code, on)
        audit.record("service_enabled" if on else "service_disabled",
                     f"agency:{agency.id}", detail=code, agency=agency)
        flash(_("Saved."), "success")
        return redirect(url_for(".index"))


class HolidayView(AgencyAdminAccess, PortalModelView):
    """Days off for the service-level clock (the admin's own agency's, and
    nationwide ones for system admins)."""

    column_list = ("day", "name", "agency")
    column_labels = {"day": _l("Date"), "name": _l("Holiday"), "agency": _l("Agency")}
    column_formatters = {"day": be_date}
    column_default_sort = ("day", True)
    column_searchable_list = ("name",)
    form_columns = ("day", "name", "agency")
    form_args = {"name": {"validators": [validators.InputRequired()]}}
    can_export = True

    def scope(self, query: Any) -> Any:
        if current_user.is_system_admin:
            return query
        ids = [a.id for a in managed_agencies()]
        return query.where(Holiday.agency.is_null() | Holiday.agency.in_(ids))

    def get_change_query(self) -> Any:
        # Nationwide days (agency NULL) are shown to every agency admin but
        # are the system admin's to change: moving one to an agency would
        # take it away from all the others (their due dates move).
        query = super().get_change_query()
        return query if current_user.is_system_admin else query.where(
            Holiday.agency.is_null(False))

    def _check_own(self, model: Holiday) -> None:
        if not current_user.is_system_admin:
            if model.agency_id not in {a.id for a in managed_agencies()}:
                raise validators.ValidationError(_("Choose your own agency."))

    def on_model_change(self, form: Any, model: Holiday, is_created: bool) -> None:
        self._check_own(model)
        # A nationwide day (agency NULL) is a system setting.
        audit.record("holiday_saved", f"holiday:{model.day}", detail=model.name,
                     agency=model.agency_id)

    def on_model_delete(self, model: Holiday) -> None:
        self._check_own(model)
        audit.record("holiday_deleted", f"holiday:{model.day}", detail=model.name,
                     agency=model.agency_id)


class CannedReplyView(AgencyAdminAccess, PortalModelView):
    """Ready-made replies staff pick when they change a status."""

    column_list = ("title", "service_code", "status", "agency")
    column_labels = {"title": _l("Name of the reply"), "service_code": _l("Service"),
                     "status": _l("Status"),
                     "body": _l("Text"), "agency": _l("Agency")}
    column_formatters = {
        "service_code": lambda v, c, m, n: str(all_services()[m.service_code].title)
        if m.service_code in all_services() else _l("Any service"),
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, _l("Any status")),
    }
    column_searchable_list = ("title", "body")
    search_hint = _l("Title or text")
    form_columns = ("agency", "service_code", "status", "title", "body")
    form_overrides = {"service_code": SelectField, "status": SelectField}
    form_args = {
        "title": {"validators": [validators.InputRequired()]},
        "body": {"validators": [validators.InputRequired()],
                 "description": _l("Placeholders: {name}, {reference}, {service}, {status}")},
    }

    def _choices(self, form: Any) -> Any:
        own = {a.code for a in managed_agencies()}
        form.service_code.choices = [("", _l("Any service"))] + [
            (code, s.title) for code, s in all_services().items()
            if s.agency_code is None or s.agency_code in own]
        form.status.choices = [("", _l("Any status"))] + list(STATUS_LABELS.items())
        form.agency.query = Agency.select().where(
            Agency.id.in_([a.id for a in managed_agencies()]))
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._choices(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._choices(super().edit_form(obj))

    def scope(self, query: Any) -> Any:
        return query.where(CannedReply.agency.in_([a.id for a in managed_agencies()]))

    def on_model_change(self, form: Any, model: CannedReply, is_created: bool) -> None:
        if model.agency_id not in {a.id for a in managed_agencies()}:
            raise validators.ValidationError(_("Choose your own agency."))
        audit.record("canned_reply_saved", f"agency:{model.agency_id}", detail=model.title,
                     agency=model.agency_id)

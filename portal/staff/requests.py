"""The staff's request list (Flask-Admin) and the process page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, make_response, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_admin.model.template import EndpointLinkRowAction, LinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from ..base import audit
from ..base.links import public_url
from ..db import database
from ..files import uploads
from ..forms.fields import (
    ASK_NATIONAL_ID,
    NATIONAL_ID_HINT,
    DigitsField,
    FieldError,
    NationalID,
    PortalForm,
    build_request_form,
    required,
    slot_fields,
)
from ..i18n import agency_name
from ..identity import access, reset, throttle
from ..models import Request, User
from ..plugins.manager import all_services, collect, get_service, plugin_manager
from ..plugins.services import told_text
from ..requests import forwarding, replies, steps
from ..requests import pages as request_pages
from ..requests.catalogue import enabled_services
from ..requests.lifecycle import (
    ACTION_LABELS,
    CHANNELS,
    OPEN_STATUSES,
    REMARK_REQUIRED,
    STALE,
    STATUS_LABELS,
    Role,
    TransitionError,
    allowed_targets,
)
from ..requests.submission import staff_change, staff_reopen, submit
from ..thai import mask_national_id
from .base import LocalDateBetweenFilter, PortalModelView, apart, be_datetime, due, page_labels


class StepForm(PortalForm):
    step = HiddenField()
    outcome = RadioField(_l("Result"), choices=[], validate_choice=False)
    value = StringField()
    note = TextAreaField(_l("Note (staff only)"), [Length(max=4000)])


class ChannelMixin:
    channel = SelectField(_l("Came by"), [required()], choices=[
        (k, v) for k, v in CHANNELS.items() if k not in ("web", "open311")])


class ForwardForm(PortalForm):
    destination = SelectField(_l("Forward to"), [required()])
    remark = TextAreaField(_l("Why it goes there (the requester sees this)"),
                           [required(), Length(max=2000)])
    version = HiddenField()


class ReopenForm(PortalForm):
    remark = TextAreaField(_l("Message to the requester"), [required(), Length(max=2000)])
    version = HiddenField()


class ResetCodeForm(PortalForm):
    national_id = DigitsField(_l("National ID number on the ID card shown to you"),
                              [required(ASK_NATIONAL_ID), NationalID()],
                              description=NATIONAL_ID_HINT,
                              render_kw={"inputmode": "numeric", "autocomplete": "off"})
    seen = BooleanField(_l("I have seen the ID card, and the person in front of me is its "
                           "holder."),
                        [InputRequired(message=_l("Tick the box to confirm."))])


class ProcessForm(PortalForm):
    status = SelectField(_l("Next status"), [required()])
    reply = SelectField(_l("Ready-made reply"), choices=[], coerce=int, validate_choice=False,
                        default=0)
    message = TextAreaField(_l("Message to the requester"), [Length(max=4000)])
    result = FileField(_l("Result file for the requester (png, jpg, pdf; at most 5 MB)"))
    version = HiddenField()

    def validate_message(self, field: Any) -> None:
        # Checked here as well as in change_status, so the page comes back
        # with the status still chosen and this field marked, not a redirect.
        if ((Role.STAFF, self.status.data) in REMARK_REQUIRED
                and not (field.data or "").strip()):
            raise ValidationError(_l("Please write a remark for the requester."))


def _service_options() -> list[tuple[str, str]]:
    return [(code, s.title) for code, s in all_services().items()]


def _status_options() -> list[tuple[str, str]]:
    return [(code, label) for code, label in STATUS_LABELS.items()]


def _service_title(view: Any, context: Any, model: Request, name: str) -> str:
    return page_labels(_TITLES).get(model.service_code, model.service_code)


class _ServiceTitles(Mapping):
    """The services' titles as ``page_labels`` reads them (services can be
    added by plugins after import, so this is a live view)."""

    def __getitem__(self, code: str) -> Any:
        return all_services()[code].title

    def __iter__(self) -> Any:
        return iter(all_services())

    def __len__(self) -> int:
        return len(all_services())


_TITLES = _ServiceTitles()


def _service_cell(view: Any, context: Any, model: Request, name: str) -> Markup:
    title = escape(_service_title(view, context, model, name))
    service = all_services().get(model.service_code)
    if service and service.urgent:
        return Markup(f'<span class="badge badge-danger">{escape(_("Urgent"))}</span> {title}')
    return title


def _status_label(view: Any, context: Any, model: Request, name: str) -> Markup:
    label = page_labels(STATUS_LABELS).get(model.status, model.status)
    return Markup(f'<span class="badge status-{escape(model.status)}">{escape(label)}</span>')


class RequestView(PortalModelView):
    """Every request the signed-in staff member may handle."""

    can_create = False
    can_edit = False
    can_delete = False
    can_export = True
    list_template = "staff/request_list.html"
    live_filter_options = False  # services, statuses and channels are fixed
    column_list = ("reference", "service_code", "applicant_name", "status",
                   "submitted_at", "status_changed_at", "due_date", "channel")
    column_labels = {
        "reference": _l("Reference number"), "service_code": _l("Service"),
        "applicant_name": _l("Requester"), "status": _l("Status"),
        "submitted_at": _l("Submitted"), "status_changed_at": _l("Last change"),
        "due_date": _l("Due"), "contact_phone": _l("Phone"), "channel": _l("Came by"),
    }
    column_sortable_list = ("reference", "submitted_at", "status_changed_at", "due_date")
    column_default_sort = ("submitted_at", True)
    column_searchable_list = ("reference", "applicant_name")
    search_hint = _l("Reference number or requester's name")
    column_formatters = {
        "service_code": _service_cell, "status": _status_label,
        "submitted_at": be_datetime, "status_changed_at": be_datetime, "due_date": due,
        "channel": lambda v, c, m, n: page_labels(CHANNELS).get(m.channel, m.channel),
    }
    column_formatters_export = {
        "channel": lambda v, c, m, n: str(CHANNELS.get(m.channel, m.channel)),
        "service_code": _service_title,
        "status": lambda v, c, m, n: str(STATUS_LABELS.get(m.status, m.status)),
        "submitted_at": be_datetime, "status_changed_at": be_datetime, "due_date": due,
    }
    column_export_list = ("reference", "service_code", "applicant_name", "contact_phone",
                          "status", "submitted_at", "status_changed_at", "due_date", "channel")
    column_filters = (
        FilterEqual(Request.service_code, _l("Service"), options=_service_options),
        FilterEqual(Request.status, _l("Status"), options=_status_options),
        LocalDateBetweenFilter(Request.submitted_at, _l("Submitted")),
        FilterEqual(Request.channel, _l("Came by"),
                    options=lambda: [(k, v) for k, v in CHANNELS.items()]),
    )
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-pencil", ".process", title=lazy_pgettext("action", "Process")),
        LinkRowAction("fa fa-print", lambda view, row_id, row: url_for(
            "requester.print_pdf", reference=row.reference), title=_l("Print")),
        apart(EndpointLinkRowAction("fa fa-times", ".process", title=_l("Cancel"),
                                    url_args={"status": "cancelled"})),
    ]

    def scope(self, query: Any) -> Any:
        clause = access.staff_scope(current_user)
        return query if clause is None else query.where(clause)

    @expose("/process/<int:id>", methods=("GET", "POST"))
    def process(self, id: int) -> Any:
        req = self.get_one(id)
        targets = allowed_targets(req.status, Role.STAFF)
        form = ProcessForm()
        form.status.choices = [(t.value, str(ACTION_LABELS.get(t, STATUS_LABELS[t])))
                               for t in targets]
        if request.method == "GET":
            form.version.data = req.version
            wanted = request.args.get("status")
            if wanted in {t.value for t in targets}:
                form.status.data = wanted
        offered = replies.choices(req, targets)
        form.reply.choices = [(0, _l("— none —"))] + [(r["id"], r["title"]) for r in offered]
        if request.method == "POST" and not (form.message.data or "").strip() and form.reply.data:
            picked = next((r for r in offered if r["id"] == form.reply.data), None)
            form.message.data = picked["text"] if picked else ""
        if request.method == "POST" and str(form.version.data or "") != str(req.version):
            # Someone moved it since this page was loaded: the status they
            # picked may no longer be offered, so say why instead of
            # showing the form again with a bare "not a valid choice".
            flash(str(STALE), "error")
            return redirect(url_for(".process", id=id))
        if targets and form.validate_on_submit():
            try:
                result = uploads.check(form.result.data)
                staff_change(req, form.status.data, current_user._get_current_object(),
                             form.message.data or "", int(form.version.data or 0), result)
            except uploads.UploadError as exc:
                form.result.errors = [str(exc)]
            except TransitionError as exc:
                flash(str(exc), "error")
                return redirect(url_for(".process", id=id))
            else:
                flash(_("Saved. Status: %(status)s", status=STATUS_LABELS[form.status.data]),
                      "success")
                return redirect(url_for(".index_view"))
        ctx = request_pages.context(req, staff=True)
        if request.method == "GET" and not form.message.data and ctx["told"] \
                and req.status in OPEN_STATUSES:
            # What the requester is told starts from the answer they were given.
            form.message.data = "\n".join(told_text(step, e) for step, e in ctx["told"])
        page_actions = sorted(collect(plugin_manager(), "process_page_actions", request=req,
                                      user=current_user._get_current_object()),
                              key=lambda a: a.order)
        sections = request_pages.sections("process_page_sections", request=req,
                                          user=current_user._get_current_object())
        return self.render("staff/process.html", form=form, targets=targets,
                           step_form=self._step_form(ctx), replies=offered,
                           can_forward=forwarding.can_forward(req), page_actions=page_actions,
                           sections=sections, **ctx)

    @expose("/reopen/<int:id>", methods=("POST",))
    def reopen(self, id: int) -> Any:
        """Back to work on a completed request its requester was unhappy with."""
        req = self.get_one(id)
        form = ReopenForm()
        if not form.validate_on_submit():
            flash(_("Please write a message to the requester."), "error")
            return redirect(url_for(".process", id=id))
        try:
            staff_reopen(req, current_user._get_current_object(), form.remark.data,
                         int(form.version.data or 0))
        except TransitionError as exc:
            flash(str(exc), "error")
        else:
            audit.record("request_reopened", f"request:{req.reference}", agency=req.agency_id)
            flash(_("The request is open again."), "success")
        return redirect(url_for(".process", id=id))

    @expose("/forward/<int:id>", methods=("GET", "POST"))
    def forward(self, id: int) -> Any:
        """Send a request to the service or agency that should handle it."""
        req = self.get_one(id)
        if not forwarding.can_forward(req):
            flash(_("This request cannot be forwarded."), "error")
            return redirect(url_for(".process", id=id))
        places = {f"{a.id}:{s.code}": (a, s) for a, s in forwarding.destinations(req)}
        form = ForwardForm()
        form.destination.choices = [("", _l("— choose —"))] + [
            (key, f"{agency_name(a)} · {s.title}") for key, (a, s) in places.items()]
        if request.method == "GET":
            form.version.data = req.version
        if form.validate_on_submit() and form.destination.data in places:
            agency, service = places[form.destination.data]
            try:
                forwarding.forward(req, agency, service,
                                   actor=current_user._get_current_object(),
                                   remark=form.remark.data,
                                   expected_version=int(form.version.data or 0))
            except TransitionError as exc:
                flash(str(exc), "error")
            else:
                # The receiving agency's: the sender's has the status change
                # (kind "forward") that change_status wrote before the move.
                audit.record("request_forwarded", f"request:{req.reference}",
                             detail=f"{agency.code}/{service.code}", agency=agency)
                flash(_("Forwarded to %(agency)s · %(service)s.", agency=agency_name(agency),
                        service=service.title), "success")
                return redirect(url_for(".index_view"))
        return self.render("staff/forward.html", form=form, request_=req,
                           service=get_service(req.service_code))

    def _recordable(self) -> list[tuple[Any, Any]]:
        """(agency, service) pairs the clerk may record requests for."""
        out = []
        for membership in access.memberships(current_user):
            handled = access.handled_services(current_user, membership.agency_id)
            for service in enabled_services(membership.agency):
                if handled is None or service.code in handled:
                    out.append((membership.agency, service))
        return out

    @expose("/record", methods=("GET", "POST"))
    def record(self) -> Any:
        """A request that came by e-mail, Facebook, LINE, phone or at the
        counter, recorded by staff on the requester's behalf."""
        choices = self._recordable()
        wanted = (request.args.get("agency", type=int), request.args.get("service"))
        pair = next(((a, s) for a, s in choices if (a.id, s.code) == wanted), None)
        if pair is None:
            return self.render("staff/record_choose.html", choices=choices)
        agency, service = pair
        form_class = build_request_form(service, guest=True)
        form_class = type(form_class.__name__, (form_class, ChannelMixin), {})
        form = form_class()
        if service.prepare_form:
            service.prepare_form(form, agency)
        if form.validate_on_submit():
            try:
                created = submit(service, agency, None, form,
                                 actor=current_user._get_current_object(),
                                 channel=form.channel.data)
            except FieldError as exc:
                exc.show_on(form)
            else:
                audit.record("recorded_on_behalf", f"request:{created.reference}",
                             detail=form.channel.data, agency=created.agency_id)
                flash(_("Recorded. Reference number: %(ref)s", ref=created.reference),
                      "success")
                return redirect(url_for(".process", id=created.id))
        return self.render("staff/record.html", form=form, service=service, agency=agency,
                           slot_fields=slot_fields(form))

    def _step_form(self, ctx: dict[str, Any]) -> StepForm | None:
        if not ctx["allowed_steps"]:
            return None
        step = ctx["allowed_steps"][0]
        form = StepForm(formdata=None, step=step.code)
        form.outcome.choices = [(o.code, o.label) for o in step.outcomes]
        form.value.label.text = str(step.value_label or "")
        if step.tells_requester:
            form.note.label.text = str(_l("Message to the requester (the requester sees this)"))
        return form

    @expose("/steps/<int:id>", methods=("POST",))
    def tick_step(self, id: int) -> Any:
        req = self.get_one(id)
        service = get_service(req.service_code)
        form = StepForm()
        if service is None or not form.validate_on_submit():
            flash(_("The form has expired. Please send it again."), "error")
            return redirect(url_for(".process", id=id))
        try:
            steps.tick(req, service, form.step.data, actor=current_user._get_current_object(),
                       outcome=form.outcome.data or "", note=form.note.data or "",
                       value=form.value.data or "")
        except steps.StepError as exc:
            flash(str(exc), "error")
        else:
            audit.record("step", f"request:{req.reference}",
                         detail=f"{form.step.data} {form.outcome.data or ''}".strip(),
                         agency=req.agency_id)
            flash(_("Step recorded."), "success")
        return redirect(url_for(".process", id=id))



    @expose("/reset-code/<int:id>", methods=("GET", "POST"))
    def reset_code(self, id: int) -> Any:
        """A citizen without e-mail who forgot their password comes to the
        counter: staff who may handle one of their requests check the ID
        card in person and give a one-time code (audited). Only for
        citizens' accounts: a staff account would let counter staff take
        over an official's rights; staff ask their agency admin instead."""
        req = self.get_one(id)
        user = User.get_or_none(User.id == req.requester_id) if req.requester_id else None
        refused = None
        if not reset.may_reset(user):
            refused = _("This request was not sent from an account, so there is no password "
                        "to set.")
        elif reset.is_staff_account(user):
            refused = _("The requester is a member of staff. Staff get a link to set a new "
                        "password from their agency admin.")
        form = ResetCodeForm()
        code = row = None
        # Wrong IDs typed here would spell out a masked ID digit by digit:
        # a few per clerk and request, each audited, then a pause.
        tries = (str(id), str(current_user.get_id()), "counter")
        if refused is None and throttle.locked_until(*tries):
            refused = _("Too many wrong national IDs for this request. Please try again later.")
        if refused is None and form.validate_on_submit():
            if form.national_id.data != user.national_id:
                throttle.record_failure(*tries)
                audit.record("password_reset_code_refused", f"user:{user.id}",
                             detail=f"request:{req.reference}", agency=req.agency_id)
                form.national_id.errors = [_("This is not the national ID of the account "
                                             "that sent this request.")]
            else:
                with database.atomic():
                    code, row = reset.issue_code(user, current_user._get_current_object())
                    audit.record("password_reset_code_issued", f"user:{user.id}",
                                 detail=f"request:{req.reference}", agency=req.agency_id)
        response = make_response(self.render(
            "staff/reset_code.html", form=form, request_=req, refused=refused, code=code,
            expires_at=row.expires_at if row else None,
            requester=user.full_name if user else req.applicant_name,
            masked_id=mask_national_id(user.national_id) if user else "",
            code_page=public_url("identity.reset_code")))
        response.headers["Cache-Control"] = "no-store"
        return response

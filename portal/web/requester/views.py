from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...base import audit
from ...base.extensions import limiter, login_manager
from ...base.paging import PER_PAGE_CHOICES, paginate
from ...files import uploads
from ...forms.fields import (
    FieldError,
    PortalForm,
    answer_texts,
    answers_from_form,
    build_request_form,
    first_input_id,
    form_data,
    prefill_from_args,
    review_only,
    slot_fields,
)
from ...identity import access, captcha
from ...identity.forms import CaptchaMixin
from ...identity.offices import listed
from ...models import Agency, Attachment, Draft, Notice, Request, Resource, User, current_files
from ...plugins.manager import all_services, answers_service, get_service
from ...plugins.services import Service
from ...requests import booking, drafts
from ...requests import pages as request_pages
from ...requests.catalogue import contact, documents_of, enabled_services, offered_or_404
from ...requests.clock import office_hours
from ...requests.lifecycle import Role, Status, TransitionError, allowed
from ...requests.submission import requester_cancel, resubmit, submit
from ...thai import ascii_digits, local_today, utcnow

bp = Blueprint("requester", __name__)


@bp.get("/requests")
@login_required
def my_requests() -> str:
    query = (Request.select().where(Request.requester == current_user.id)
             .order_by(Request.submitted_at.desc(), Request.id.desc()))
    q = (request.args.get("q") or "").strip()
    if q:
        codes = [code for code, s in all_services().items() if q.lower() in str(s.title).lower()]
        query = query.where(Request.reference.contains(ascii_digits(q).upper())
                            | Request.service_code.in_(codes))
    page = paginate(query, request.args)
    return render_template("requester/list.html", page=page, q=q,
                           per_page_choices=PER_PAGE_CHOICES, services=all_services(),
                           offices=_offices_for(current_user))


def _offices_for(user: Any) -> list[tuple[Agency, list[Any]]]:
    """The service buttons above the list (seed 000 fig. 3.2): the offices
    the person has sent requests to, or every listed office for a newcomer."""
    used = Request.select(Request.agency).where(Request.requester == user.id).distinct()
    agencies = list(listed(Agency.select().where(Agency.id.in_(used))).order_by(Agency.id))
    if not agencies:
        agencies = list(listed().order_by(Agency.id))
    pairs = [(agency, enabled_services(agency)) for agency in agencies]
    return [(agency, services) for agency, services in pairs if services]


class ConfirmForm(PortalForm):
    """The check page's one button: its CSRF token (and a guest's robot check)."""


class GuestConfirmForm(ConfirmForm, CaptchaMixin):
    pass


def _form_class(service: Service, guest: bool, held: dict[str, Any],
                editing: bool = False) -> type[FlaskForm]:
    return build_request_form(service, guest=guest, editing=editing, held=frozenset(held))


def _filled(form: FlaskForm, service: Service, agency: Agency, user: User | None,
            req: Request | None = None) -> FlaskForm:
    """What the core fixes on every showing of the form: the signed-in
    person's ID, a guest's phone on a correction, the agency's choices."""
    if req is not None and user is not None:
        form.national_id.data = req.payload.get("national_id", "")
    elif user is not None:
        form.national_id.data = user.national_id
    elif req is not None and "phone" in form:
        # The phone number is the guest's key to the status check: whoever
        # passed it may correct the answers, not change the key to lock the
        # requester out (staff change it when the person asks them).
        form.phone.data = req.payload.get("phone", "")
        form.phone.render_kw = {**(form.phone.render_kw or {}), "readonly": True}
        form.phone.description = _("The status check asks for this number, so it cannot be "
                                   "changed here. To change it, contact the office.")
    if service.prepare_form:
        service.prepare_form(form, agency)
    return form


def _render_form(form: FlaskForm, service: Service, agency: Agency, draft: Draft | None,
                 held: dict[str, Any], req: Request | None = None, action: str = "") -> str:
    """The form page; ``action``: where it posts when drawn at another
    address (the check page, when the answers no longer pass)."""
    files = {a.slot: a for a in current_files(req) if not a.is_result} if req else {}
    return render_template("requester/form.html", form=form, service=service, agency=agency,
                           slot_fields=slot_fields(form), editing=req is not None,
                           request_=req, files=files, draft=draft, held=held, action=action,
                           change=request.args.get("change", ""),
                           contact=contact(agency, service.code),
                           documents=documents_of(agency, service.code))


def _form_round(service: Service, agency: Agency, user: User | None, *,
                req: Request | None, blank: dict[str, Any],
                check_url: Callable[[str], str]) -> str | Response:
    """The form page, GET or POST. A POST keeps the answers as a draft and
    checks and holds the files in the same round as the fields; all right,
    the person goes to the check page (``check_url(token)``). Nothing here
    creates a request."""
    guest = user is None
    draft = drafts.find(request.values.get("draft"), user=user, agency=agency,
                        service=service, request=req)
    held = drafts.held(draft)
    form_class = _form_class(service, guest, held, editing=req is not None)
    if request.method == "GET":
        if draft is not None:  # back from the check page's "change" link
            form = form_class(formdata=drafts.formdata(draft))
        else:
            form = form_class(data=blank)
            prefill_from_args(form, request.args)  # links such as a free slot's
        return _render_form(_filled(form, service, agency, user, req), service, agency,
                            draft, held, req)
    form = _filled(form_class(), service, agency, user, req)
    reviewing = review_only(service)
    valid = not reviewing and form.validate()
    draft = drafts.keep(draft, request.form, fields=(f.name for f in form), user=user,
                        agency=agency, service=service, request=req)
    file_errors = drafts.hold_files(draft, form, service)
    held = drafts.held(draft)
    for name, message in file_errors.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]
    if valid and not file_errors:
        return redirect(check_url(draft.token))
    if reviewing:
        # The service's own "work it out" button: answers shown again, no errors.
        for f in form:
            if f.name not in file_errors:
                f.errors = []
    return _render_form(form, service, agency, draft, held, req)


def _check_round(service: Service, agency: Agency, user: User | None, *,
                 req: Request | None, token: str, form_url: str,
                 send: Callable[[FlaskForm, Draft], Response]) -> str | Response:
    """The check page: every answer and file with a change link, and one
    button that sends. The answers are checked again as the form would (a
    room may have been taken meanwhile); a guest's robot check is asked here,
    once, right before the one step that creates something."""
    guest = user is None
    draft = drafts.find(token, user=user, agency=agency, service=service, request=req)
    if draft is None:
        return redirect(form_url)
    held = drafts.held(draft)
    form = drafts.form_of(draft, _form_class(service, guest, held, editing=req is not None))
    form = _filled(form, service, agency, user, req)
    if not form.validate():
        return _render_form(form, service, agency, draft, held, req, action=form_url)
    confirm = (GuestConfirmForm if guest and req is None else ConfirmForm)()
    if request.method == "POST" and confirm.validate_on_submit() and (
            not isinstance(confirm, CaptchaMixin) or captcha.passed(confirm)):
        try:
            return send(form, draft)
        except drafts.DraftGone:
            # Pressed twice: the first press sent it; this one sends nothing.
            flash(_("This form has already been sent."), "info")
            return redirect(url_for("requester.my_requests") if user else form_url)
        except FieldError as exc:
            exc.show_on(form)
            return _render_form(form, service, agency, draft, held, req, action=form_url)
    change = f"{form_url}{'&' if '?' in form_url else '?'}draft={draft.token}"
    return render_template("requester/check.html", service=service, agency=agency,
                           form=form, confirm=confirm, draft=draft, req=req,
                           rows=_check_rows(form, service, user, req, change),
                           file_rows=_file_rows(form, service, held, req, change),
                           contact=contact(agency, service.code))


def _anchor(field: Any) -> str:
    """Where a change link lands: the field, or its first choice."""
    return first_input_id(field)


def _check_rows(form: FlaskForm, service: Service, user: User | None, req: Request | None,
                change: str) -> list[dict[str, Any]]:
    """The answers in the form's order (requester block first), each with
    its change link; fields the person may not change get none."""
    locale = str(get_locale() or "th")
    texts = answer_texts(form, answers_from_form(form), locale)
    ordered = ([t for t in texts if t[0].name in form.applicant_fields]
               + [t for t in texts if t[0].name not in form.applicant_fields])
    rows = []
    for field, text in ordered:
        fixed = bool((field.render_kw or {}).get("readonly"))
        rows.append({"label": field.label.text, "text": text, "name": field.name,
                     "change": None if fixed else
                     f"{change}&change={field.name}#{_anchor(field)}"})
    return rows


def _file_rows(form: FlaskForm, service: Service, held: dict[str, Any], req: Request | None,
               change: str) -> list[dict[str, Any]]:
    sent = {a.slot: a for a in current_files(req) if not a.is_result} if req else {}
    rows = []
    for slot in service.slots:
        name = f"file_{slot.name}"
        if slot.name in held:
            text = held[slot.name].original_name
        elif slot.name in sent:
            text = _("%(name)s (sent before, kept)", name=sent[slot.name].original_name)
        else:
            text = _("No file")
        rows.append({"label": slot.label, "text": text, "name": name,
                     "change": f"{change}&change={name}#{name}"})
    return rows


def _blank_for(user: User | None) -> dict[str, Any]:
    return {} if user is None else {
        "national_id": user.national_id, "phone": user.phone, "title": user.title,
        "first_name": user.first_name, "last_name": user.last_name, "email": user.email}


def _guest_or_login(service: Service) -> Response | None:
    if not current_user.is_authenticated and not service.guest_allowed:
        return login_manager.unauthorized()
    return None


def _user() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def _no_file_from_a_guest() -> bool:
    return current_user.is_authenticated or not any(
        f.filename for f in request.files.values())


# A guest's posts that carry a file, counted before the page runs (so posts
# sent side by side cannot all slip under it); signed-in people have their
# own ceiling of held bytes (USER_HELD_MAX_BYTES).
guest_file_limit = limiter.shared_limit(
    lambda: current_app.config["GUEST_FILE_RATE_LIMIT"], scope="guest-files",
    methods=["POST"], exempt_when=_no_file_from_a_guest)


@bp.route("/requests/new/<agency_code>/<service_code>", methods=["GET", "POST"])
@guest_file_limit
def new_request(agency_code: str, service_code: str) -> str | Response:
    agency, service = offered_or_404(agency_code, service_code)
    refused = _guest_or_login(service)
    if refused is not None:
        return refused
    user = _user()
    return _form_round(service, agency, user, req=None, blank=_blank_for(user),
                       check_url=lambda token: url_for(
                           "requester.check_request", agency_code=agency.code,
                           service_code=service.code, token=token))


@bp.route("/requests/new/<agency_code>/<service_code>/check/<token>", methods=["GET", "POST"])
def check_request(agency_code: str, service_code: str, token: str) -> str | Response:
    """Check your answers; the button here is the one that sends."""
    agency, service = offered_or_404(agency_code, service_code)
    refused = _guest_or_login(service)
    if refused is not None:
        return refused
    user = _user()

    def send(form: FlaskForm, draft: Draft) -> Response:
        created = submit(service, agency, user, form, draft=draft)
        if user is None:
            # The sender may follow it up here for a while, as after a
            # passed status check (not for the rest of the browser's life:
            # the next person at an office computer is someone else).
            request_pages.remember_check(created)
        return redirect(url_for("requester.sent", reference=created.reference))

    return _check_round(service, agency, user, req=None, token=token,
                        form_url=url_for("requester.new_request", agency_code=agency.code,
                                         service_code=service.code),
                        send=send)


def _sent_request(reference: str) -> Request:
    """A request this browser just sent: its own account's, or a guest's
    sent from this browser in the last half hour."""
    req = Request.get_or_none(Request.reference == reference) or abort(404)
    if current_user.is_authenticated and req.requester_id == current_user.id:
        return req
    if req.requester_id is None and request_pages.checked_in_session(reference) is not None:
        return req
    abort(404)


@bp.get("/requests/sent/<reference>")
def sent(reference: str) -> str:
    """The confirmation page (GOV.UK's pattern): the reference number, what
    happens next, when, and who to call."""
    req = _sent_request(reference)
    opens, closes = office_hours()
    return render_template("requester/sent.html", request_=req,
                           service=get_service(req.service_code),
                           contact=contact(req.agency, req.service_code),
                           hours=f"{opens:%H:%M}–{closes:%H:%M}")


@bp.get("/requests/sent/<reference>/print")
@limiter.limit(lambda: current_app.config["PRINT_RATE_LIMIT"],
               key_func=lambda: f"print-sent:{request.view_args.get('reference')}")
def sent_print(reference: str) -> Response:
    """The PDF of a request just sent, for a guest (no account to print from
    later) in the browser that sent it; a signed-in person's own print."""
    req = _sent_request(reference)
    audit.record("print", f"request:{req.reference}", agency=req.agency_id)
    return request_pages.pdf_response(req)


@bp.get("/requests/<reference>")
@login_required
def view(reference: str) -> str:
    req = access.request_or_404(reference)
    return request_pages.render_request_page(
        "requester/view.html", req,
        sections=request_pages.sections("request_page_sections", request=req, viewer=current_user))


@bp.route("/requests/<reference>/edit", methods=["GET", "POST"])
@login_required
def edit(reference: str) -> str | Response:
    req = _own_request(reference)
    back = url_for("requester.view", reference=reference)
    return correction_page(req, current_user._get_current_object(), back,
                           "requester.edit", "requester.edit_check")


@bp.route("/requests/<reference>/edit/check/<token>", methods=["GET", "POST"])
@login_required
def edit_check(reference: str, token: str) -> str | Response:
    req = _own_request(reference)
    back = url_for("requester.view", reference=reference)
    return correction_page(req, current_user._get_current_object(), back,
                           "requester.edit", "requester.edit_check", token=token)


def _own_request(reference: str) -> Request:
    req = access.request_or_404(reference)
    if not access.is_requester(current_user, req):
        abort(404)
    return req


def correction_page(req: Request, user: User | None, back: str, form_endpoint: str,
                    check_endpoint: str, token: str | None = None) -> str | Response:
    """The form of a returned request, filled with its answers, then its
    check page (``token``); confirmed, it is resubmitted (answers, files and
    history together, or nothing) and the person goes ``back``. ``user``
    None: a guest who passed the status check."""
    # Forwarded to another service: the requester corrects the form they filled.
    service = answers_service(req) or abort(404)
    if req.status != Status.RETURNED:
        flash(_("This request can be edited only when staff have returned it for correction."),
              "warning")
        return redirect(back)
    form_url = url_for(form_endpoint, reference=req.reference)
    if token is None:
        return _form_round(service, req.agency, user, req=req,
                           blank={**form_data(service, req.agency, req.payload),
                                  "version": req.version},
                           check_url=lambda t: url_for(check_endpoint, reference=req.reference,
                                                       token=t))

    def send(form: FlaskForm, draft: Draft) -> Response:
        try:
            resubmit(req, service, form, user, draft=draft)
        except TransitionError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Your corrected request has been sent to staff."), "success")
        return redirect(back)

    return _check_round(service, req.agency, user, req=req, token=token, form_url=form_url,
                        send=send)


@bp.get("/requests/<reference>/cancel")
@login_required
def cancel_confirm(reference: str) -> str | Response:
    """Cancelling cannot be undone: the list and the request page lead here
    (the GOV.UK "are you sure" step), and only this page's button cancels."""
    req = access.request_or_404(reference)
    if not access.is_requester(current_user, req):
        abort(404)
    if not allowed(req.status, Status.CANCELLED, Role.REQUESTER):
        flash(_("This request can no longer be cancelled."), "warning")
        return redirect(url_for("requester.view", reference=reference))
    return render_template("requester/cancel.html", request_=req,
                           service=get_service(req.service_code))


@bp.post("/requests/<reference>/cancel")
@login_required
def cancel(reference: str) -> Response:
    req = access.request_or_404(reference)
    if not access.is_requester(current_user, req):
        abort(404)
    try:
        requester_cancel(req, current_user._get_current_object(),
                         int(request.form.get("version") or 0))
    except TransitionError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The request has been cancelled."), "success")
    return redirect(url_for("requester.view", reference=reference))


@bp.get("/requests/<reference>/print")
@login_required
# Per person, not per address: a whole office prints from one address.
@limiter.limit(lambda: current_app.config["PRINT_RATE_LIMIT"],
               key_func=lambda: f"print:{current_user.get_id()}")
def print_pdf(reference: str) -> Response:
    req = access.request_or_404(reference)
    audit.record("print", f"request:{req.reference}", agency=req.agency_id)
    return request_pages.pdf_response(req)


@bp.get("/files/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> Response:
    attachment = Attachment.get_or_none(Attachment.id == attachment_id) or abort(404)
    allowed = access.can_view(current_user, attachment.request)
    if allowed and attachment.purged_at is not None:
        abort(410)  # deleted under the agency's retention period
    return uploads.serve(attachment.stored_name, attachment.original_name,
                         attachment.content_type, allowed=allowed,
                         target=f"attachment:{attachment.id}",
                         detail=attachment.request.reference,
                         agency=attachment.request.agency_id)


@bp.get("/resources/<int:resource_id>/week")
@login_required
def resource_week(resource_id: int) -> str:
    """Who holds a room (or an executive's time) this week: times only for
    requesters; staff of the agency also get the reference numbers."""
    resource = Resource.get_or_none((Resource.id == resource_id) & Resource.active) or abort(404)
    try:
        start = dt.date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        start = local_today()
    monday = start - dt.timedelta(days=start.weekday())
    days = booking.week_bookings(resource, monday)
    staff_view = access.is_staff(current_user) and any(
        access.can_process(current_user, b.request) for items in days.values() for b in items)
    return render_template("requester/resource_week.html", resource=resource, days=days,
                           monday=monday, staff_view=staff_view,
                           previous=monday - dt.timedelta(days=7),
                           following=monday + dt.timedelta(days=7))


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications() -> str | Response:
    """The bell: what changed on one's requests (or, for staff, what arrived)."""
    mine = Notice.select().where(Notice.user == current_user.id)
    if request.method == "POST":
        Notice.update(read_at=utcnow()).where((Notice.user == current_user.id)
                                              & Notice.read_at.is_null()).execute()
        return redirect(url_for("requester.notifications"))
    page = paginate(mine.order_by(Notice.created_at.desc(), Notice.id.desc()), request.args)
    return render_template("requester/notifications.html", page=page)

from __future__ import annotations

import datetime as dt
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
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, audit, booking, request_pages, uploads
from ..catalogue import contact, documents_of, enabled_services, offered_or_404
from ..extensions import limiter, login_manager
from ..forms import (
    FieldError,
    build_request_form,
    form_data,
    prefill_from_args,
    review_only,
    slot_fields,
)
from ..forwarding import answers_service
from ..identity import captcha
from ..identity.forms import CaptchaMixin
from ..lifecycle import Role, Status, TransitionError, allowed
from ..models import Agency, Attachment, Notice, Request, Resource, User
from ..offices import listed
from ..paging import PER_PAGE_CHOICES, paginate
from ..plugins import all_services, get_service
from ..submission import current_files, requester_cancel, resubmit, submit
from ..thai import ascii_digits, local_today, utcnow

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


def _apply_field_error(form, exc: FieldError) -> None:
    getattr(form, exc.field).errors = [str(exc)]


@bp.route("/requests/new/<agency_code>/<service_code>", methods=["GET", "POST"])
def new_request(agency_code: str, service_code: str) -> str | Response:
    agency, service = offered_or_404(agency_code, service_code)
    guest = not current_user.is_authenticated
    if guest and not service.guest_allowed:
        return login_manager.unauthorized()
    form_class = build_request_form(service, guest=guest)
    if guest:
        form_class = type(form_class.__name__, (form_class, CaptchaMixin), {})
    user = None if guest else current_user._get_current_object()
    if request.method == "GET":
        data = {} if user is None else {
            "national_id": user.national_id, "phone": user.phone, "title": user.title,
            "first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        form = form_class(data=data)
        prefill_from_args(form, request.args)  # links such as a free slot's
    else:
        form = form_class()
        if user is not None:
            form.national_id.data = user.national_id
    if service.prepare_form:
        service.prepare_form(form, agency)
    if not review_only(service) and form.validate_on_submit() and (
            not guest or captcha.passed(form)):
        try:
            created = submit(service, agency, user, form)
        except FieldError as exc:
            _apply_field_error(form, exc)
        else:
            flash(_("Your request has been sent. Reference number: %(ref)s",
                    ref=created.reference), "success")
            if guest:
                session.setdefault("guest_refs", [])
                session["guest_refs"] = [*session["guest_refs"][-9:], created.reference]
                return redirect(url_for("requester.sent", reference=created.reference))
            return redirect(url_for("requester.view", reference=created.reference))
    return render_template("requester/form.html", form=form, service=service, agency=agency,
                           slot_fields=slot_fields(form), editing=False,
                           contact=contact(agency, service.code),
                           documents=documents_of(agency, service.code))


@bp.get("/requests/sent/<reference>")
def sent(reference: str) -> str:
    """What a guest sees after sending: only in the browser that sent it."""
    if reference not in session.get("guest_refs", []):
        abort(404)
    req = Request.get_or_none(Request.reference == reference) or abort(404)
    return render_template("requester/sent.html", request_=req,
                           service=get_service(req.service_code))


@bp.get("/requests/<reference>")
@login_required
def view(reference: str) -> str:
    req = access.request_or_404(reference)
    return request_pages.render_request_page("requester/view.html", req)


@bp.route("/requests/<reference>/edit", methods=["GET", "POST"])
@login_required
def edit(reference: str) -> str | Response:
    req = access.request_or_404(reference)
    if not access.is_requester(current_user, req):
        abort(404)
    back = url_for("requester.view", reference=reference)
    return correction_page(req, current_user._get_current_object(), back)


def correction_page(req: Request, user: User | None, back: str) -> str | Response:
    """The form of a returned request, filled with its answers; sent, it is
    resubmitted (answers, files and history together, or nothing) and the
    person goes ``back``. ``user`` None: a guest who passed the status check."""
    # Forwarded to another service: the requester corrects the form they filled.
    service = answers_service(req) or abort(404)
    if req.status != Status.RETURNED:
        flash(_("This request can be edited only when staff have returned it for correction."),
              "warning")
        return redirect(back)
    guest = user is None
    form_class = build_request_form(service, editing=True, guest=guest)
    form = form_class(data={**form_data(service, req.agency, req.payload),
                            "version": req.version}) if request.method == "GET" else form_class()
    if not guest:
        form.national_id.data = req.payload.get("national_id", "")
    elif "phone" in form:
        # The phone number is the guest's key to the status check: whoever
        # passed it may correct the answers, not change the key to lock the
        # requester out (staff change it when the person asks them).
        form.phone.data = req.payload.get("phone", "")
        form.phone.render_kw = {**(form.phone.render_kw or {}), "readonly": True}
        form.phone.description = _("The status check asks for this number, so it cannot be "
                                   "changed here. To change it, contact the office.")
    if service.prepare_form:
        service.prepare_form(form, req.agency)
    if not review_only(service) and form.validate_on_submit():
        try:
            resubmit(req, service, form, user)
        except FieldError as exc:
            _apply_field_error(form, exc)
        except TransitionError as exc:
            flash(str(exc), "danger")
            return redirect(back)
        else:
            flash(_("Your corrected request has been sent to staff."), "success")
            return redirect(back)
    files = {a.slot: a for a in current_files(req) if not a.is_result}
    return render_template("requester/form.html", form=form, service=service, agency=req.agency,
                           slot_fields=slot_fields(form), editing=True, request_=req,
                           files=files, contact=contact(req.agency, service.code),
                           documents=documents_of(req.agency, service.code))


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

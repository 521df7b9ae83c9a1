from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, Regexp

from ...base import audit
from ...base.extensions import limiter
from ...base.links import public_url
from ...files import uploads
from ...files import verify as verifying
from ...files.printing import FONT_DIR, qr_png, qr_svg, qr_svg_data_uri, render_pdf
from ...forms.address import places_for_postcode
from ...forms.fields import DigitsField, PortalForm, required
from ...identity import throttle
from ...identity.offices import GECC_LEVELS, ORG_TYPES, listed
from ...models import Agency, IssuedDocument, Request
from ...plugins.manager import get_service
from ...requests.catalogue import (
    SERVICE_DOCUMENT_KINDS,
    contact,
    documents,
    documents_of,
    enabled_services,
    offered_or_404,
)
from ...requests.pages import (
    checked_in_session,
    checked_request,
    guest_context,
    office_contact,
    public_history,
    public_status,
    remember_check,
)
from ...thai import ascii_digits

bp = Blueprint("public", __name__)
LOCALES = ("th", "en")


@bp.get("/")
def home() -> str:
    """The catalogue, one group per office; ``?q=`` keeps the services whose
    title or description, or whose office's name, holds the words typed
    (on the server: the search works without JavaScript)."""
    agencies = list(listed().order_by(Agency.id))
    q = " ".join((request.args.get("q") or "").split())[:100]
    catalogue = [(agency, matching(agency, enabled_services(agency), q)) for agency in agencies]
    catalogue = [(a, s) for a, s in catalogue if s]
    return render_template("public/home.html", catalogue=catalogue, q=q,
                           found=sum(len(s) for _a, s in catalogue),
                           documents=documents(agencies))


def matching(agency: Agency, services: list[Any], q: str) -> list[Any]:
    """``services`` of ``agency`` that every word of ``q`` finds, in either
    language's names of the office or the page's title and description."""
    words = q.casefold().split()
    if not words:
        return services
    office = f"{agency.name_th} {agency.name_en} {agency.full_name}".casefold()

    def found(service: Any) -> bool:
        text = f"{office} {service.title} {service.description}".casefold()
        return all(word in text for word in words)

    return [s for s in services if found(s)]


@bp.get("/agencies/<agency_code>")
def agency_page(agency_code: str) -> str:
    """The office's own page: how to reach it (seed 000's footer, seed 003's
    three e-mails) and the services it offers."""
    agency = listed(Agency.select().where(
        (Agency.code == agency_code) & ~Agency.suspended)).first() or abort(404)
    return render_template("public/agency.html", agency=agency,
                           services=enabled_services(agency), documents=documents([agency]),
                           org_types=ORG_TYPES, gecc_levels=GECC_LEVELS)


@bp.get("/services/<agency_code>/<service_code>")
def service_info(agency_code: str, service_code: str) -> str:
    agency, service = offered_or_404(agency_code, service_code)
    return render_template("public/service.html", agency=agency, service=service,
                           contact=contact(agency, service.code),
                           documents=documents_of(agency, service.code))


@bp.get("/services/<agency_code>/<service_code>/<kind>")
def service_document(agency_code: str, service_code: str, kind: str) -> Response:
    """The manual or blank form of a service: public, but only while the
    agency offers the service (a switched-off one's files are gone too)."""
    agency, service = offered_or_404(agency_code, service_code)
    doc = documents_of(agency, service.code).get(kind) if kind in SERVICE_DOCUMENT_KINDS \
        else None
    if doc is None:
        abort(404)
    response = uploads.serve(doc.stored_name, doc.original_name, doc.content_type,
                             allowed=True, target=f"service_document:{doc.id}",
                             detail=f"{service.code}/{kind}", agency=agency)
    # Published for everyone: no personal data, so a browser may keep it.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


class StatusCheckForm(PortalForm):
    reference = DigitsField(_l("Reference number"), [required(), Length(max=32)])
    phone_last4 = DigitsField(
        _l("Last 4 digits of the phone number given in the request"),
        [required(), Regexp(r"^[0-9]{4}$", message=_l("Please type 4 digits."))],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"})


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["STATUS_CHECK_RATE_LIMIT"], methods=["POST"])
def status_check() -> str:
    form = StatusCheckForm()
    if not form.is_submitted() and request.args.get("ref"):
        form.reference.data = request.args["ref"][:32]  # from the QR code on a printout
    result = None
    not_found = False
    detail: dict = {}
    too_many = False
    req: Request | None = None
    if form.validate_on_submit():
        # Four digits are a weak secret: wrong ones for a reference lock this
        # address out of it and slow everyone else down, as for passwords.
        reference = ascii_digits(form.reference.data or "").strip().upper()
        source = request.remote_addr or ""
        if throttle.locked_until(reference, source, "ref") or \
                throttle.wait_seconds(reference, "ref"):
            too_many = True
        else:
            req = checked_request(reference, form.phone_last4.data)
            if req is not None:
                throttle.clear(reference, source, "ref")
                result = public_status(req)
                if req.requester_id is None:  # a guest's: the check is their only way in
                    remember_check(req)
                    audit.record("status_checked", f"request:{req.reference}",
                                 agency=req.agency_id)
                    detail = guest_context(Request.get_by_id(req.id))
            else:
                throttle.record_failure(reference, source, "ref")
                not_found = True
    extra = _public_extra(req) if result and req is not None else {}
    return render_template("public/status.html", form=form, result=result,
                           not_found=not_found, detail=detail, too_many=too_many, **extra)


def _public_extra(req: Request) -> dict:
    """What the status check shows beside the status: the dated history
    and whom to call."""
    return {"public_history": public_history(req), **office_contact(req)}


@bp.get("/status/<reference>")
def status_again(reference: str) -> str | Response:
    """The status check's answer again, for the browser that passed it lately
    (after a download or a correction); anyone else is asked to check."""
    req = checked_in_session(reference)
    if req is None:
        return redirect(url_for("public.status_check", ref=reference[:32]))
    form = StatusCheckForm(formdata=None, reference=req.reference)
    return render_template("public/status.html", form=form, result=public_status(req),
                           not_found=False, detail=guest_context(req), **_public_extra(req))


def _back() -> str:
    """The page of this site the person came from, else the home page: a
    Referer naming another site must not turn these into open redirects."""
    came_from = urlsplit(request.referrer or "")
    if (came_from.scheme, came_from.netloc) == (request.scheme, request.host):
        return request.referrer
    return url_for("public.home")


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    response = redirect(_back())
    if code in LOCALES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.post("/cookies/ok")
def cookie_ok() -> Response:
    response = redirect(_back())
    response.set_cookie("cookie_ok", "1", max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True)
    return response


@bp.get("/fonts/<any('Sarabun-Regular.ttf', 'Sarabun-Bold.ttf'):name>")
def font(name: str) -> Response:
    """Sarabun from the installed package: Thai reads the same on every
    screen, and nothing is fetched from a font CDN."""

    return send_from_directory(FONT_DIR, name, mimetype="font/ttf", max_age=30 * 24 * 3600)


@bp.get("/places/postcode/<postcode>.json")
def places_by_postcode(postcode: str) -> Response:
    """The subdistricts that use a postcode, with their district and
    province (static/thai-address.js suggests them as the address is
    typed). Public data from the geothai package, the same for everyone:
    browsers and proxies may keep it a day."""
    if not (len(postcode) == 5 and postcode.isascii() and postcode.isdigit()):
        abort(404)
    response = jsonify(postcode=postcode, places=places_for_postcode(postcode))
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.add_etag()
    return response.make_conditional(request)



def short_link(agency_code: str, service_code: str) -> str:
    """The address printed under a service's QR code."""
    return public_url("public.short", agency_code=agency_code, service_code=service_code)


@bp.get("/s/<agency_code>/<service_code>")
def short(agency_code: str, service_code: str) -> Response:
    offered_or_404(agency_code, service_code)
    return redirect(url_for("public.service_info", agency_code=agency_code,
                            service_code=service_code))


@bp.get("/qr/<agency_code>/<service_code>.<any(png, svg):kind>")
def qr_code(agency_code: str, service_code: str, kind: str) -> Response:
    offered_or_404(agency_code, service_code)
    link = short_link(agency_code, service_code)
    if kind == "png":
        return Response(qr_png(link), mimetype="image/png")
    return Response(qr_svg(link), mimetype="image/svg+xml")


@bp.get("/poster/<agency_code>/<service_code>.pdf")
def poster(agency_code: str, service_code: str) -> Response:
    """An A4 poster: the service, who answers for it, its QR code and link."""

    agency, service = offered_or_404(agency_code, service_code)
    link = short_link(agency_code, service_code)
    html = render_template("print/poster.html", agency=agency, service=service, link=link,
                           qr=qr_svg_data_uri(link), contact=contact(agency, service.code))
    response = Response(render_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{service_code}.pdf"'
    return response



@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["STATUS_CHECK_RATE_LIMIT"], methods=["POST"])
def verify(code: str) -> str:
    """Confirm a document the portal issued; optionally check a file's bytes."""

    document = IssuedDocument.get_or_none(
        IssuedDocument.code == ascii_digits(code).strip().upper())
    matches = None
    if document is not None and request.method == "POST":
        upload = request.files.get("file")
        data = upload.stream.read(current_app.config["MAX_UPLOAD_BYTES"] * 4) if upload else b""
        matches = bool(data) and verifying.check(code, data)
    service = get_service(document.request.service_code) if document and document.request \
        else None
    return render_template("public/verify.html", document=document, matches=matches,
                           service=service, code=code)

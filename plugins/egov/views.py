"""Pages of the Electronic Government Act report: the list of agencies one
may report for, the report itself, the draft announcement, tokens, and the
public page per agency."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user, login_required

from portal.base import audit, status_check_url
from portal.files import csv_response, render_pdf, uploads
from portal.forms import dates_form
from portal.i18n import agency_name, local_tz
from portal.identity import access
from portal.models import Agency
from portal.requests import enabled_services
from portal.staff.base import PortalBaseView, PortalModelView, SystemAdminAccess
from portal.thai import local_today, to_local, utcnow

from . import rules
from .models import (
    SECTION_10,
    SECTION_13_1,
    SECTION_16,
    EgovFile,
    EgovLink,
    Obstacle,
    ObstacleKind,
)

bp = Blueprint("egov", __name__)
SECTIONS = (SECTION_10, SECTION_13_1, SECTION_16)


# The date each kind of upload carries, typed as the portal's one date input.
DATE_LABELS = {SECTION_10: _l("Date announced"),
               SECTION_13_1: _l("Date in the Royal Gazette"),
               SECTION_16: _l("Effective date")}


def upload_date_form(section: str, source: Any = None) -> Any:
    """The date of a section's upload (inputs ``dated_<section>-day`` …)."""
    return dates_form(source, **{f"dated_{section}": DATE_LABELS[section]})


class EgovView(PortalBaseView):
    """For admins of an agency: its report and its subordinates' reports."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and bool(access.managed_agency_ids(current_user))

    def _agency(self, agency_id: int) -> Agency:
        agency = Agency.get_or_none(Agency.id == agency_id)
        if agency is None or not rules.can_edit(current_user, agency):
            abort(404)
        return agency

    def _agencies(self) -> list[Agency]:
        ids = access.managed_agency_ids(current_user)
        query = Agency.select().where(Agency.id.in_(list(ids)) & ~Agency.suspended)
        for arg in ("ministry", "department"):
            root = request.args.get(arg, type=int)
            if root:
                query = query.where(Agency.id.in_(list(access.subtree_ids([root]))))
        if request.args.get("q"):
            query = query.where(Agency.name_th.contains(request.args["q"].strip()))
        return list(query.order_by(Agency.name_th))

    @expose("/")
    def index(self) -> Any:
        agencies = self._agencies()
        created_range = dates_form(request.args, created_from=_l("Created from"),
                                   created_to=_l("Created until"))
        first, last = created_range.created_from.data, created_range.created_to.data
        reports = {r.agency_id: r for r in rules.EgovReport.select().where(
            rules.EgovReport.agency.in_([a.id for a in agencies]))}
        if first or last:
            def created(a: Agency) -> bool:
                report = reports.get(a.id)
                day = to_local(report.created_at, local_tz()).date() if report else None
                return bool(day and (not first or day >= first) and (not last or day <= last))
            agencies = [a for a in agencies if created(a)]
        ids = access.managed_agency_ids(current_user)
        tree = list(Agency.select().where(Agency.id.in_(list(ids))))
        return self.render("egov/index.html", agencies=agencies, reports=reports,
                           created_range=created_range,
                           ministries=[a for a in tree if a.level == "ministry"],
                           departments=[a for a in tree if a.level == "department"])

    @expose("/export.csv")
    def export_csv(self) -> Response:
        rows = [[str(h) for h in rules.CSV_HEADER]]
        rows += [rules.csv_row(agency) for agency in self._agencies()]
        audit.record("export", "egov_reports", detail="csv",
                     agency=access.sole_agency(current_user))
        return csv_response(rows, "egov-reports.csv")

    @expose("/report/<int:agency_id>")
    def report(self, agency_id: int) -> Any:
        agency = self._agency(agency_id)
        return self.render(
            "egov/report.html", agency=agency, report=rules.report_for(agency),
            files={s: rules.history(agency, s) for s in SECTIONS},
            gazette=rules.links(agency, "gazette"), channels=rules.links(agency, "channel"),
            obstacles=rules.obstacles(agency), kinds=list(ObstacleKind.select().order_by(
                ObstacleKind.position)), inherited=rules.inherited_announcements(agency),
            gazette_states=rules.GAZETTE_STATES, scopes=rules.SCOPES,
            date_forms={s: upload_date_form(s) for s in DATE_LABELS},
            section_16_required=rules.section_16_required(agency),
            explanations=rules.EXPLANATIONS)

    def _back(self, agency: Agency, anchor: str) -> Response:
        return redirect(url_for(".report", agency_id=agency.id) + f"#{anchor}")

    @expose("/report/<int:agency_id>/upload/<section>", methods=("POST",))
    def upload(self, agency_id: int, section: str) -> Response:
        agency = self._agency(agency_id)
        if section not in SECTIONS:
            abort(404)
        try:
            checked = uploads.check(request.files.get("file"), kinds=("pdf",))
            if checked is None:
                raise rules.EgovError(_("Please attach the PDF file."))
            field = upload_date_form(section, request.form)[f"dated_{section}"]
            if field.errors or field.data is None:
                raise rules.EgovError(" ".join(map(str, field.errors))
                                      or _("Enter the day, month and year (B.E.)."))
            dated = field.data
            rules.upload(agency, section, checked, dated, current_user._get_current_object(),
                         scope=request.form.get("scope", "own"))
        except ValueError as exc:
            message = str(exc) if isinstance(exc, (uploads.UploadError, rules.EgovError)) \
                else _("Please type a date as day/month/year, e.g. 25/06/2567.")
            flash(message, "error")
        else:
            audit.record("egov_upload", f"agency:{agency.id}", detail=section, agency=agency)
            flash(_("Saved."), "success")
        return self._back(agency, section)

    @expose("/report/<int:agency_id>/toggle/<kind>/<int:row_id>", methods=("POST",))
    def toggle(self, agency_id: int, kind: str, row_id: int) -> Response:
        agency = self._agency(agency_id)
        model = {"file": EgovFile, "link": EgovLink, "obstacle": Obstacle}.get(kind) \
            or abort(404)
        row = model.get_or_none((model.id == row_id) & (model.agency == agency)) or abort(404)
        rules.toggle(row, current_user._get_current_object())
        audit.record("egov_toggle", f"agency:{agency.id}",
                     detail=f"{kind}:{row_id} published:{row.published}", agency=agency)
        if kind == "obstacle":
            return self._back(agency, "obstacles")
        return self._back(agency, getattr(row, "section", None) or row.kind)

    @expose("/report/<int:agency_id>/link/<kind>", methods=("POST",))
    def link(self, agency_id: int, kind: str) -> Response:
        agency = self._agency(agency_id)
        if kind not in ("gazette", "channel"):
            abort(404)
        try:
            rules.add_link(agency, kind, request.form.get("url", ""),
                           current_user._get_current_object(), name=request.form.get("name", ""))
        except rules.EgovError as exc:
            flash(str(exc), "error")
        else:
            audit.record("egov_link", f"agency:{agency.id}", detail=kind, agency=agency)
            flash(_("Saved."), "success")
        return self._back(agency, kind)

    @expose("/report/<int:agency_id>/licences", methods=("POST",))
    def licences(self, agency_id: int) -> Response:
        agency = self._agency(agency_id)
        answer = request.form.get("has_licences")
        has = {"yes": True, "no": False}.get(answer)
        rules.set_licences(agency, has, request.form.get("gazette_state", ""),
                           current_user._get_current_object())
        audit.record("egov_licences", f"agency:{agency.id}", detail=str(answer), agency=agency)
        flash(_("Saved."), "success")
        return self._back(agency, SECTION_13_1)

    @expose("/report/<int:agency_id>/obstacles", methods=("POST",))
    def obstacles(self, agency_id: int) -> Response:
        agency = self._agency(agency_id)
        ranked = [(request.form.get(f"kind_{i}", type=int), request.form.get(f"text_{i}", ""))
                  for i in (1, 2, 3)]
        try:
            rules.set_obstacles(agency, ranked, current_user._get_current_object())
        except rules.EgovError as exc:
            flash(str(exc), "error")
        else:
            audit.record("egov_obstacles", f"agency:{agency.id}", agency=agency)
            flash(_("Saved."), "success")
        return self._back(agency, "obstacles")

    def _draft_text(self, agency: Agency) -> str:
        return render_template("egov/draft.txt", agency=agency,
                               services=enabled_services(agency), today=local_today(),
                               portal_url=status_check_url().rsplit("/status", 1)[0])

    @expose("/report/<int:agency_id>/draft", methods=("GET", "POST"))
    def draft(self, agency_id: int) -> Any:
        agency = self._agency(agency_id)
        text = request.form.get("text") if request.method == "POST" else None
        if text is not None:
            html = render_template("egov/draft_print.html", agency=agency,
                                   paragraphs=text.replace("\r\n", "\n").split("\n"))
            audit.record("egov_draft", f"agency:{agency.id}", agency=agency)
            response = Response(render_pdf(html), mimetype="application/pdf")
            response.headers["Content-Disposition"] = \
                f'attachment; filename="announcement-{agency.code}.pdf"'
            return response
        return self.render("egov/draft.html", agency=agency, text=self._draft_text(agency))

    @expose("/tokens", methods=("GET", "POST"))
    def tokens(self) -> Any:
        ids = access.managed_agency_ids(current_user)
        agencies = list(Agency.select().where(Agency.id.in_(list(ids))).order_by(Agency.name_th))
        new_token = None
        if request.method == "POST":
            agency = self._agency(request.form.get("agency", type=int) or 0)
            new_token = rules.issue_token(agency, current_user._get_current_object())
            audit.record("token_issued", f"agency:{agency.id}", detail=new_token[-4:],
                         agency=agency)
        issued = list(rules.OnboardingToken.select().where(
            rules.OnboardingToken.agency.in_(list(ids)))
            .order_by(rules.OnboardingToken.created_at.desc()).limit(50))
        return self.render("egov/tokens.html", agencies=agencies, issued=issued,
                           new_token=new_token, now=utcnow())


@bp.get("/egov/<agency_code>")
def public_page(agency_code: str) -> str:
    agency = Agency.get_or_none((Agency.code == agency_code) & ~Agency.suspended) or abort(404)
    return render_template("egov/public.html", agency=agency, data=rules.published(agency),
                           obstacles=rules.obstacles(agency, switched_on_only=True),
                           gazette_states=rules.GAZETTE_STATES,
                           section_16_required=rules.section_16_required(agency))


@bp.get("/egov/files/<int:file_id>")
def public_file(file_id: int) -> Response:
    """A published file is public; a suspended one is gone for the public."""
    row = EgovFile.get_or_none(EgovFile.id == file_id) or abort(404)
    allowed = row.published or rules.can_edit(current_user, row.agency_id)
    return uploads.serve(row.stored_name, row.original_name, "application/pdf",
                         allowed=allowed, target=f"egov_file:{row.id}", agency=row.agency_id)


@bp.route("/onboard", methods=("GET", "POST"))
@login_required
def onboard() -> Any:
    """ยืนยันตัวตน: a new staff member enters the token from their agency."""
    if request.method == "POST":
        try:
            membership = rules.redeem(request.form.get("token", ""),
                                      current_user._get_current_object())
        except rules.EgovError as exc:
            flash(str(exc), "danger")
        else:
            audit.record("token_redeemed", f"agency:{membership.agency_id}",
                         agency=membership.agency_id)
            flash(_("You are now staff of %(agency)s.", agency=agency_name(membership.agency)),
                  "success")
            return redirect(url_for("admin.index"))
    return render_template("egov/onboard.html")


class ObstacleKindView(SystemAdminAccess, PortalModelView):
    """The list of problem types agencies rank (a system-wide setting)."""

    column_list = ("position", "name")
    column_labels = {"position": lazy_pgettext("rank", "Order"), "name": _l("Kind of obstacle")}
    column_default_sort = "position"
    form_columns = ("position", "name")
    can_delete = False  # reports refer to them; rename instead

"""KPI pages for staff: the administrator's set-up, reporters' submissions,
receivers' filing, and the overview with its exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user, login_required
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length

from portal.base import audit
from portal.files import csv_response, render_pdf, uploads, xlsx_response
from portal.forms import PortalForm, dates_form, required
from portal.models import Agency
from portal.staff.base import PortalBaseView
from portal.staff.widgets import checkbox_options
from portal.thai import utcnow

from . import rules
from .models import Kpi, KpiDocument, KpiReporterRole, KpiRound, KpiYear

bp = Blueprint("kpi", __name__)


def _agency() -> Agency:
    """The agency the page is about: ``?agency=`` among the user's own."""
    mine = rules.staff_agencies(current_user)
    wanted = request.args.get("agency", type=int)
    agency = next((a for a in mine if a.id == wanted), mine[0] if mine else None)
    if agency is None:
        abort(403)
    return agency


def _year(agency: Agency) -> KpiYear:
    return rules.ensure_year(agency, request.args.get("year", type=int) or rules.fiscal_year())


def _round(kpi_year: KpiYear) -> KpiRound:
    months = request.args.get("round", type=int)
    rounds = rules.rounds_of(kpi_year)
    return next((r for r in rounds if r.months == months), rounds[0])


def _due_form(rounds: list[Any], source: Any = None) -> Any:
    """The rounds' due dates, each the portal's date input (``due_<months>``)."""
    return dates_form(source, **{f"due_{r.months}": _l("%(n)s months", n=r.months)
                                 for r in rounds})


class KpiForm(PortalForm):
    code = StringField(_l("KPI number"), [required(), Length(max=40)],
                       description=_l("For example 1.2.1"))
    name = TextAreaField(_l("KPI"), [required(), Length(max=2000)])
    category = SelectField(_l("Category"), coerce=int)
    reporters = SelectMultipleField(_l("Reporting officers"), coerce=int,
                                    **checkbox_options())
    receivers = SelectMultipleField(_l("Receiving officers"), coerce=int,
                                    **checkbox_options())


class DocumentForm(PortalForm):
    title = StringField(_l("Title of the document"), [required(), Length(max=500)],
                        description=_l("For example, a workshop project"))
    file = FileField(_l("File (png, jpg, pdf; at most 5 MB)"), [required()])


class KpiAdminView(PortalBaseView):
    """Set-up by the KPI administrator (the agency admin)."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and any(
            rules.is_admin(current_user, a) for a in rules.staff_agencies(current_user))

    def _admin_agency(self) -> Agency:
        agency = _agency()
        if not rules.is_admin(current_user, agency):
            abort(403)
        return agency

    @expose("/")
    def index(self) -> Any:
        agency = self._admin_agency()
        kpi_year = _year(agency)
        kpis = list(Kpi.select().where(Kpi.year == kpi_year).order_by(Kpi.code))
        rounds = rules.rounds_of(kpi_year)
        due_form = _due_form(rounds)
        for kpi_round in rounds:
            due_form[f"due_{kpi_round.months}"].data = kpi_round.due_date
        return self.render("kpi/admin.html", agency=agency, kpi_year=kpi_year,
                           rounds=rounds, due_form=due_form, kpis=kpis,
                           officers=rules.officers, R=rules)

    @expose("/rounds", methods=("POST",))
    def rounds(self) -> Any:
        agency = self._admin_agency()
        kpi_year = _year(agency)
        rounds = rules.rounds_of(kpi_year)
        due_form = _due_form(rounds, request.form)
        refused = [f"{f.label.text}: {' '.join(map(str, f.errors))}" for f in due_form if f.errors]
        if refused:
            for message in refused:
                flash(message, "error")
            return redirect(url_for(".index", agency=agency.id, year=kpi_year.year))
        for kpi_round in rounds:  # all or nothing
            kpi_round.due_date = due_form[f"due_{kpi_round.months}"].data
            kpi_round.save()
        audit.record("kpi_rounds_saved", f"agency:{agency.id}", detail=str(kpi_year.year),
                     agency=agency)
        flash(_("Saved."), "success")
        return redirect(url_for(".index", agency=agency.id, year=kpi_year.year))

    @expose("/copy", methods=("POST",))
    def copy(self) -> Any:
        agency = self._admin_agency()
        kpi_year = _year(agency)
        copied = rules.copy_from_last_year(kpi_year)
        audit.record("kpi_copied", f"agency:{agency.id}", detail=f"{kpi_year.year}: {copied}",
                     agency=agency)
        flash(_("%(n)s KPIs copied from fiscal year %(year)s.", n=copied,
                year=kpi_year.year - 1), "success")
        return redirect(url_for(".index", agency=agency.id, year=kpi_year.year))

    def _form(self, agency: Agency, kpi: Kpi | None) -> KpiForm:
        form = KpiForm(obj=kpi) if kpi and request.method == "GET" else KpiForm()
        form.category.choices = [(c.id, c.name) for c in rules.ensure_categories(agency)]
        reporters = {r.user_id for r in KpiReporterRole.select().where(
            KpiReporterRole.agency == agency)}
        staff = rules.agency_staff(agency)
        form.reporters.choices = [(u.id, u.full_name) for u in staff if u.id in reporters]
        form.receivers.choices = [(u.id, u.full_name) for u in staff]
        if kpi and request.method == "GET":
            form.category.data = kpi.category_id
            form.reporters.data = [u.id for u in rules.officers(kpi, rules.REPORTER)]
            form.receivers.data = [u.id for u in rules.officers(kpi, rules.RECEIVER)]
        return form

    @expose("/kpi", methods=("GET", "POST"))
    def edit(self) -> Any:
        agency = self._admin_agency()
        kpi_year = _year(agency)
        kpi = None
        if request.args.get("id"):
            kpi = Kpi.get_or_none((Kpi.id == request.args.get("id", type=int))
                                  & (Kpi.year == kpi_year)) or abort(404)
        form = self._form(agency, kpi)
        if form.validate_on_submit():
            clash = Kpi.get_or_none((Kpi.year == kpi_year) & (Kpi.code == form.code.data.strip()))
            if clash and (kpi is None or clash.id != kpi.id):
                form.code.errors = [_("This KPI number is used already this year.")]
            else:
                kpi = kpi or Kpi(year=kpi_year)
                kpi.code, kpi.name = form.code.data.strip(), form.name.data.strip()
                kpi.category = form.category.data
                kpi.save()
                rules.set_officers(kpi, rules.REPORTER, form.reporters.data)
                rules.set_officers(kpi, rules.RECEIVER, form.receivers.data)
                audit.record("kpi_saved", f"kpi:{kpi.id}", detail=kpi.code, agency=agency)
                flash(_("Saved."), "success")
                return redirect(url_for(".index", agency=agency.id, year=kpi_year.year))
        return self.render("kpi/kpi_form.html", form=form, agency=agency, kpi_year=kpi_year,
                           kpi=kpi)

    @expose("/people", methods=("GET", "POST"))
    def people(self) -> Any:
        agency = self._admin_agency()
        if request.method == "POST":
            user_id = request.form.get("user", type=int)
            if user_id not in {u.id for u in rules.agency_staff(agency)}:
                abort(404)
            query = KpiReporterRole.delete().where((KpiReporterRole.agency == agency)
                                                   & (KpiReporterRole.user == user_id))
            query.execute()
            if request.form.get("reporter") == "1":
                KpiReporterRole.create(agency=agency, user=user_id)
            audit.record("kpi_role_saved", f"user:{user_id}", agency=agency,
                         detail=f"agency:{agency.id} reporter:{request.form.get('reporter')}")
            flash(_("Saved."), "success")
            return redirect(url_for(".people", agency=agency.id))
        reporters = {r.user_id for r in KpiReporterRole.select().where(
            KpiReporterRole.agency == agency)}
        return self.render("kpi/people.html", agency=agency, staff=rules.agency_staff(agency),
                           reporters=reporters)


class KpiSubmitView(PortalBaseView):
    """A reporter's KPIs for a round: send documents, withdraw before filing."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and rules.menu_roles(current_user)[0]

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        agency = _agency()
        kpi_year = _year(agency)
        kpi_round = _round(kpi_year)
        mine = [k for k in Kpi.select().where(Kpi.year == kpi_year).order_by(Kpi.code)
                if rules.can_report(current_user, k)]
        form = DocumentForm()
        if request.method == "POST":
            kpi = next((k for k in mine if k.id == request.form.get("kpi", type=int)), None)
            if kpi is None:
                abort(404)
            if form.validate_on_submit():
                try:
                    checked = uploads.check(form.file.data)
                    rules.submit(kpi, kpi_round, current_user._get_current_object(),
                                 form.title.data, checked)
                except (uploads.UploadError, rules.KpiError) as exc:
                    flash(f"{kpi.code}: {exc}", "error")
                else:
                    audit.record("kpi_sent", f"kpi:{kpi.id}", detail=form.title.data,
                                 agency=agency)
                    flash(_("Document sent."), "success")
                    return redirect(url_for(".index", agency=agency.id, year=kpi_year.year,
                                            round=kpi_round.months))
            else:
                for field in (form.title, form.file):
                    for error in field.errors:
                        flash(f"{kpi.code} · {field.label.text}: {error}", "error")
        documents = {k.id: list(KpiDocument.select().where(
            (KpiDocument.kpi == k) & (KpiDocument.round == kpi_round)).order_by(
            KpiDocument.sent_at)) for k in mine}
        return self.render("kpi/submit.html", agency=agency, kpi_year=kpi_year,
                           kpi_round=kpi_round, rounds=rules.rounds_of(kpi_year), kpis=mine,
                           documents=documents, form=DocumentForm(formdata=None))

    @expose("/withdraw/<int:document_id>", methods=("POST",))
    def withdraw(self, document_id: int) -> Any:
        document = KpiDocument.get_or_none(KpiDocument.id == document_id) or abort(404)
        try:
            rules.withdraw(document, current_user._get_current_object())
        except rules.KpiError as exc:
            flash(str(exc), "error")
        else:
            audit.record("kpi_withdrawn", f"kpi:{document.kpi_id}", detail=document.title,
                         agency=document.kpi.year.agency_id)
            flash(_("Document withdrawn."), "success")
        return redirect(url_for(".index", agency=document.kpi.year.agency_id,
                                year=document.kpi.year.year, round=document.round.months))


class KpiReceiveView(PortalBaseView):
    """Receiving officers file what reporters sent (จัดเก็บ)."""

    def is_accessible(self) -> bool:
        if not current_user.is_authenticated:
            return False
        return any(rules.is_admin(current_user, a) for a in rules.staff_agencies(current_user)) \
            or rules.menu_roles(current_user)[1]

    def _kpis(self, kpi_year: KpiYear) -> list[Kpi]:
        return [k for k in Kpi.select().where(Kpi.year == kpi_year).order_by(Kpi.code)
                if rules.can_receive(current_user, k)]

    @expose("/")
    def index(self) -> Any:
        agency = _agency()
        kpi_year = _year(agency)
        kpi_round = _round(kpi_year)
        return self.render("kpi/receive.html", agency=agency, kpi_year=kpi_year,
                           kpi_round=kpi_round, rounds=rules.rounds_of(kpi_year),
                           lines=rules.lines(kpi_round, self._kpis(kpi_year)))

    @expose("/kpi/<int:kpi_id>")
    def kpi(self, kpi_id: int) -> Any:
        kpi = Kpi.get_or_none(Kpi.id == kpi_id) or abort(404)
        if not rules.can_receive(current_user, kpi):
            abort(404)
        kpi_round = _round(kpi.year)
        documents = list(KpiDocument.select().where((KpiDocument.kpi == kpi)
                                                    & (KpiDocument.round == kpi_round))
                         .order_by(KpiDocument.sent_at))
        return self.render("kpi/receive_kpi.html", kpi=kpi, kpi_round=kpi_round,
                           documents=documents, rounds=rules.rounds_of(kpi.year))

    @expose("/file/<int:document_id>", methods=("POST",))
    def file(self, document_id: int) -> Any:
        document = KpiDocument.get_or_none(KpiDocument.id == document_id) or abort(404)
        try:
            rules.receive(document, current_user._get_current_object())
        except rules.KpiError:
            abort(404)
        audit.record("kpi_received", f"kpi:{document.kpi_id}", detail=document.title,
                     agency=document.kpi.year.agency_id)
        flash(_("Filed."), "success")
        return redirect(url_for(".kpi", kpi_id=document.kpi_id, round=document.round.months))


class KpiOverviewView(KpiReceiveView):
    """Per round: which KPIs have nothing, which wait, which are complete."""

    def _context(self) -> dict[str, Any]:
        agency = _agency()
        kpi_year = _year(agency)
        kpi_round = _round(kpi_year)
        kpi_lines = rules.lines(kpi_round, self._kpis(kpi_year))
        return {"agency": agency, "kpi_year": kpi_year, "kpi_round": kpi_round,
                "rounds": rules.rounds_of(kpi_year), "lines": kpi_lines,
                "counts": rules.counts(kpi_lines), "state_labels": rules.STATE_LABELS}

    @expose("/")
    def index(self) -> Any:
        return self.render("kpi/overview.html", **self._context())

    def _rows(self, ctx: dict[str, Any]) -> list[list[Any]]:
        header = [_("KPI number"), _("KPI"), _("Category"), _("Reporting officers"),
                  _("Documents"), _("Waiting to be filed"), _("Filed (received)"), _("Late"),
                  pgettext("progress", "State")]
        rows = [header]
        for line in ctx["lines"]:
            rows.append([line.kpi.code, line.kpi.name,
                         line.kpi.category.name if line.kpi.category else "",
                         ", ".join(u.full_name for u in line.reporters), line.documents,
                         line.waiting, line.received, line.late,
                         str(rules.STATE_LABELS[line.state])])
        return rows

    @expose("/export.csv")
    def export_csv(self) -> Response:
        ctx = self._context()
        audit.record("export", f"kpi_round:{ctx['kpi_round'].id}", detail="csv",
                     agency=ctx["agency"])
        return csv_response(self._rows(ctx), self._filename(ctx, "csv"))

    @expose("/export.xlsx")
    def export_xlsx(self) -> Response:
        ctx = self._context()
        audit.record("export", f"kpi_round:{ctx['kpi_round'].id}", detail="xlsx",
                     agency=ctx["agency"])
        return xlsx_response(self._rows(ctx), self._filename(ctx, "xlsx"),
                             title=f"{ctx['kpi_year'].year}-{ctx['kpi_round'].months}")

    @staticmethod
    def _filename(ctx: dict[str, Any], extension: str) -> str:
        return f"kpi-{ctx['kpi_year'].year}-{ctx['kpi_round'].months}.{extension}"

    @expose("/print")
    def print_pdf(self) -> Response:
        ctx = self._context()
        html = self.render("kpi/overview_print.html", **ctx, printed_at=utcnow())
        return Response(render_pdf(html), mimetype="application/pdf")


@bp.get("/kpi/documents/<int:document_id>")
@login_required
def download(document_id: int) -> Response:
    document = KpiDocument.get_or_none(KpiDocument.id == document_id) or abort(404)
    return uploads.serve(document.stored_name, document.original_name, document.content_type,
                         allowed=rules.can_download(current_user, document),
                         target=f"kpi_document:{document.id}", detail=document.title,
                         agency=document.kpi.year.agency_id)



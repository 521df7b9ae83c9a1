"""The builder's staff pages: an agency admin's list of built services, a
new one (blank, from a template, a copy, or a file), its settings, pages,
questions and work steps, a preview as citizens see it, publishing, and the
definition as a file. Every page works without JavaScript; every change is
an audited POST on a service of an agency the admin manages."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.base import audit, paging
from portal.db import database
from portal.forms import PortalForm, ThaiDateField, build_request_form
from portal.models import Agency, AgencyService, MembershipService, Request, ServiceDocument
from portal.plugins import services_changed
from portal.staff.base import AgencyAdminAccess, PortalBaseView, managed_agencies
from portal.thai import utcnow

from . import compile as compiler
from . import conditions, drafting, editor_forms, library, store
from .compile import all_questions as compile_all_questions
from .definition import MAX_DEFINITION_BYTES, DefinitionError, load, problems
from .models import BuiltService, BuiltVersion, LibraryTemplate
from .questions import TYPE_DESCRIPTIONS, TYPE_NAMES

SLUG = Regexp(r"^[a-z][a-z0-9-]{1,23}$", message=_l(
    "2 to 24 characters: small English letters, digits and dashes, starting with a letter."))
SCHEMA_FILE = Path(__file__).parent / "service-definition.schema.json"
PREFIX = Regexp(r"^[0-9A-Z]{1,4}$", message=_l("1 to 4 capital English letters or digits."))
# A reference is the prefix, the date (Buddhist-era year, month, day) and 5
# random characters: portal.requests.lifecycle.new_reference.
PREFIX_HINT = _l("1 to 4 capital English letters or digits that start every request's "
                 "reference number. For example TC gives TC-690315-K7Q4M: the prefix, the "
                 "date sent (year 2569 as 69, month, day) and 5 random characters. Requests "
                 "already sent keep their numbers.")


class NewServiceForm(PortalForm):
    agency = SelectField(_l("Agency"), coerce=int)
    start = RadioField(_l("Start from"), choices=[
        ("blank", _l("An empty form")), ("template", _l("A template")),
        ("copy", _l("A copy of one of your services"))], default="blank")
    template = SelectField(_l("Template"), [Optional()])
    source = SelectField(_l("Service to copy"), [Optional()], coerce=int)
    title_th = StringField(_l("Name of the service (Thai)"), [InputRequired(), Length(max=200)])
    slug = StringField(_l("Web address part"), [InputRequired(), SLUG],
                       description=_l("For example tree-cutting. It cannot be changed later."))
    ref_prefix = StringField(_l("Reference number prefix"), [InputRequired(), PREFIX],
                             description=PREFIX_HINT)


class SettingsForm(PortalForm):
    title_th = StringField(_l("Name of the service (Thai)"), [InputRequired(), Length(max=200)])
    title_en = StringField(_l("Name of the service (English)"), [Optional(), Length(max=200)])
    description_th = TextAreaField(_l("Description (Thai)"), [Optional(), Length(max=2000)])
    description_en = TextAreaField(_l("Description (English)"), [Optional(), Length(max=2000)])
    ref_prefix = StringField(_l("Reference number prefix"), [InputRequired(), PREFIX],
                             description=PREFIX_HINT)
    target_kind = RadioField(_l("Service-level target in"), choices=[
        ("days", _l("Working days")), ("minutes", _l("Minutes of office hours"))],
        default="days")
    target_days = IntegerField(_l("Working days"), [Optional(), NumberRange(min=1, max=365)])
    target_minutes = IntegerField(_l("Minutes"), [Optional(), NumberRange(min=1, max=10080)])
    guest_allowed = BooleanField(_l("People may send it without an account"))
    urgent = BooleanField(_l("Urgent (marked in staff lists)"))
    open311 = BooleanField(_l("Offered through the Open311 API"))
    one_per_national_id = RadioField(
        _l("One request per national ID"), [Optional()], default="",
        description=_l("A request that is not cancelled holds the ID. Counting the ID answered "
                       "in a question lets a carer apply for someone else (an elderly "
                       "person), and staff record it for a person without an account."))
    opens_on = ThaiDateField(_l("Open from"), [Optional()])
    closes_on = ThaiDateField(_l("Open until"), [Optional()])
    max_submissions = IntegerField(_l("At most this many requests"),
                                   [Optional(), NumberRange(min=1, max=1_000_000)])
    staff_columns = SelectMultipleField(
        _l("Columns of the staff list"), [Optional()], widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Up to 8 questions. Exports have every question."))
    source = TextAreaField(_l("Where the questions come from"), [Optional(), Length(max=2000)],
                           description=_l("The law or paper form; shown to admins only."))

    def offer_columns(self, defn: dict[str, Any]) -> None:
        self.one_per_national_id.choices = [
            ("", _l("No limit")),
            ("account", _l("The ID of the account that sends it (people must sign in)")),
            *((f"question:{q['key']}",
               _("The national ID answered in the question «%(label)s»",
                 label=q.get("label", {}).get("th", q["key"])))
              for q in compile_all_questions(defn) if q["type"] == "national_id")]
        self.staff_columns.choices = [
            (q["key"], q.get("label", {}).get("th", q["key"]))
            for q in compile_all_questions(defn) if q["type"] != "file"]

    def validate_staff_columns(self, field: Any) -> None:
        if len(field.data or []) > 8:
            raise ValidationError(_l("Choose at most 8 columns."))

    def fill(self, defn: dict[str, Any]) -> None:
        self.title_th.data = defn["title"].get("th", "")
        self.title_en.data = defn["title"].get("en", "")
        self.description_th.data = (defn.get("description") or {}).get("th", "")
        self.description_en.data = (defn.get("description") or {}).get("en", "")
        self.ref_prefix.data = defn.get("ref_prefix", "")
        self.target_kind.data = "minutes" if defn.get("target_minutes") else "days"
        self.target_days.data = defn.get("target_days", 5)
        self.target_minutes.data = defn.get("target_minutes")
        for flag in ("guest_allowed", "urgent", "open311"):
            self[flag].data = bool(defn.get(flag))
        one_per = defn.get("one_per_national_id")
        self.one_per_national_id.data = (
            f"question:{one_per}" if isinstance(one_per, str) else "account" if one_per else "")
        self.opens_on.data = _day(defn.get("opens_on"))
        self.closes_on.data = _day(defn.get("closes_on"))
        self.max_submissions.data = defn.get("max_submissions")
        self.source.data = defn.get("source", "")
        self.staff_columns.data = list(defn.get("staff_columns") or [])

    def read(self) -> dict[str, Any]:
        minutes = self.target_kind.data == "minutes"
        return {
            "title": _text(self.title_th.data, self.title_en.data),
            "description": _text(self.description_th.data, self.description_en.data) or None,
            "ref_prefix": self.ref_prefix.data,
            "target_days": self.target_days.data or 5,
            "target_minutes": self.target_minutes.data if minutes else None,
            "guest_allowed": self.guest_allowed.data or None,
            "urgent": self.urgent.data or None,
            "open311": self.open311.data or None,
            "one_per_national_id": _one_per(self.one_per_national_id.data),
            "opens_on": self.opens_on.data.isoformat() if self.opens_on.data else None,
            "closes_on": self.closes_on.data.isoformat() if self.closes_on.data else None,
            "max_submissions": self.max_submissions.data,
            "source": (self.source.data or "").strip() or None,
            "staff_columns": list(self.staff_columns.data or []) or None,
        }


class ImportForm(PortalForm):
    agency = SelectField(_l("Agency"), coerce=int)
    slug = StringField(_l("Web address part"), [Optional(), SLUG],
                       description=_l("Leave empty to keep the one in the file."))


def _one_per(choice: str | None) -> bool | str | None:
    if choice == "account":
        return True
    if choice and choice.startswith("question:"):
        return choice.removeprefix("question:")
    return None


def _text(th: str | None, en: str | None) -> dict[str, str]:
    out = {}
    if (th or "").strip():
        out["th"] = th.strip()
    if (en or "").strip():
        out["en"] = en.strip()
    return out


def _day(value: str | None) -> Any:
    return dt.date.fromisoformat(value) if value else None


def _managed_ids() -> set[int]:
    return {a.id for a in managed_agencies()}


def _built(built_id: int) -> BuiltService:
    """A service of an agency the admin manages; anything else is not found."""
    built = BuiltService.get_or_none(BuiltService.id == built_id)
    if built is None or built.agency_id not in _managed_ids():
        abort(404)
    return built


def save_draft(built: BuiltService, draft: dict[str, Any], action: str) -> bool:
    """Save an edited draft unless someone saved another change since the
    page was drawn (its ``revision``); audited."""
    seen = request.form.get("revision", type=int)
    with database.atomic():
        updated = (BuiltService.update(draft=draft, revision=BuiltService.revision + 1,
                                       updated_at=utcnow())
                   .where((BuiltService.id == built.id)
                          & (BuiltService.revision == (built.revision if seen is None
                                                       else seen)))
                   .execute())
        if not updated:
            flash(_("Someone else changed this service while you were editing. "
                    "Your change was not saved: look at it again and repeat it."), "error")
            return False
        audit.record("builder_draft_changed", f"builder:{built.code}", detail=action,
                     agency=built.agency_id)
    return True


class BuilderView(AgencyAdminAccess, PortalBaseView):
    """Build e-services without code (แบบฟอร์มบริการ)."""

    @expose("/")
    def index(self) -> Any:
        ids = _managed_ids()
        query = (BuiltService.select(BuiltService, Agency).join(Agency)
                 .where(BuiltService.agency.in_(list(ids)) if ids else False)
                 .order_by(BuiltService.updated_at.desc()))
        q = (request.args.get("q") or "").strip()
        if q:
            query = query.where(BuiltService.draft.contains(q) | BuiltService.code.contains(q))
        page = paging.paginate(query, request.args)
        latest = {v.service_id: v.number for v in BuiltVersion.select(
            BuiltVersion.service, BuiltVersion.number).where(
            BuiltVersion.service.in_([r.id for r in page.items]))
            .order_by(BuiltVersion.number)} if page.items else {}
        return self.render("builder/index.html", page=page, q=q, latest=latest)

    # ------------------------------------------------------------ new ---

    def _new_form(self) -> NewServiceForm:
        form = NewServiceForm()
        form.agency.choices = [(a.id, a.name_th) for a in managed_agencies()]
        form.template.choices = [("", _l("— choose —"))] + [
            (t.slug, t.title) for t in library.templates()]
        form.source.choices = [(0, _l("— choose —"))] + [
            (b.id, b.draft.get("title", {}).get("th", b.code)) for b in BuiltService.select()
            .where(BuiltService.agency.in_(list(_managed_ids()) or [0]))]
        return form

    @expose("/new", methods=("GET", "POST"))
    def new(self) -> Any:
        form = self._new_form()
        if request.method == "GET" and request.args.get("template"):
            form.start.data, form.template.data = "template", request.args["template"]
        if form.validate_on_submit():
            agency = Agency.get_by_id(form.agency.data)
            if BuiltService.select().where((BuiltService.agency == agency)
                                           & (BuiltService.slug == form.slug.data)).exists():
                form.slug.errors.append(_("This agency already has a service with this "
                                          "address."))
            else:
                draft = self._starting_point(form)
                if draft is not None:
                    built = BuiltService.create(agency=agency, slug=form.slug.data,
                                                code=store.service_code(form.slug.data, agency),
                                                draft=draft, created_by=current_user.id)
                    audit.record("builder_created", f"builder:{built.code}",
                                 detail=form.start.data, agency=agency)
                    return redirect(url_for(".edit", built_id=built.id))
        return self.render("builder/new.html", form=form)

    def _starting_point(self, form: NewServiceForm) -> dict[str, Any] | None:
        names = {"title_th": form.title_th.data, "slug": form.slug.data,
                 "ref_prefix": form.ref_prefix.data}
        if form.start.data == "template":
            template = library.template(form.template.data or "")
            if template is None:
                form.template.errors.append(_("Choose a template."))
                return None
            return drafting.started_from(template.definition, **names)
        if form.start.data == "copy":
            source = BuiltService.get_or_none(BuiltService.id == form.source.data)
            if source is None or source.agency_id not in _managed_ids():
                form.source.errors.append(_("Choose a service to copy."))
                return None
            return drafting.started_from(source.draft, **names)
        return drafting.blank(**names)

    @expose("/import", methods=("GET", "POST"))
    def import_file(self) -> Any:
        form = ImportForm()
        form.agency.choices = [(a.id, a.name_th) for a in managed_agencies()]
        found: list[Any] = []
        if form.validate_on_submit():
            upload = request.files.get("file")
            raw = upload.read(MAX_DEFINITION_BYTES + 1) if upload else b""
            try:
                definition = load(raw)
                if form.slug.data:
                    definition = {**definition, "slug": form.slug.data}
                    definition = load(definition)
            except DefinitionError as exc:
                found = exc.problems
            else:
                agency = Agency.get_by_id(form.agency.data)
                slug = definition["slug"]
                if BuiltService.select().where((BuiltService.agency == agency)
                                               & (BuiltService.slug == slug)).exists():
                    form.slug.errors.append(_("This agency already has a service with this "
                                              "address: give another one."))
                else:
                    built = BuiltService.create(agency=agency, slug=slug,
                                                code=store.service_code(slug, agency),
                                                draft=definition, created_by=current_user.id)
                    audit.record("builder_imported", f"builder:{built.code}",
                                 detail=upload.filename or "", agency=agency)
                    flash(_("Imported. Check it, then publish it."), "success")
                    return redirect(url_for(".edit", built_id=built.id))
        return self.render("builder/import.html", form=form, problems=found)

    # ----------------------------------------------------------- edit ---

    @expose("/<int:built_id>/")
    def edit(self, built_id: int) -> Any:
        built = _built(built_id)
        versions = list(BuiltVersion.select().where(BuiltVersion.service == built)
                        .order_by(BuiltVersion.number.desc()))
        published = versions[0].definition if versions else None
        return self.render("builder/edit.html", built=built, defn=built.draft,
                           problems=problems(built.draft), versions=versions,
                           unpublished=published != built.draft,
                           requests=Request.select().where(
                               Request.service_code == built.code).count(),
                           describe=_describer(built.draft), type_names=TYPE_NAMES)

    @expose("/<int:built_id>/settings", methods=("GET", "POST"))
    def settings(self, built_id: int) -> Any:
        built = _built(built_id)
        form = SettingsForm()
        form.offer_columns(built.draft)
        if request.method == "GET":
            form.fill(built.draft)
        elif form.validate_on_submit():
            if save_draft(built, drafting.put_settings(built.draft, form.read()), "settings"):
                flash(_("Saved."), "success")
                return redirect(url_for(".edit", built_id=built.id))
        return self.render("builder/settings.html", built=built, form=form)

    @expose("/<int:built_id>/change", methods=("POST",))
    def change(self, built_id: int) -> Any:
        """The list's small buttons: move up or down, delete, add a page."""
        built = _built(built_id)
        kind = request.form.get("kind", "")
        key = request.form.get("key", "")
        what = request.form.get("do", "")
        try:
            if what == "add_page":
                draft = drafting.add_page(built.draft, request.form.get("title") or _("New page"))
            elif what in ("up", "down") and kind in ("page", "question", "step"):
                draft = drafting.move(built.draft, kind, key, -1 if what == "up" else 1)
            elif what == "remove" and kind in ("page", "question", "step"):
                return self._remove(built, kind, key)
            else:
                abort(400)
        except (KeyError, StopIteration):
            abort(404)
        if save_draft(built, draft, f"{what} {kind} {key}".strip()):
            flash(_("Saved."), "success")
        anchor = f"#{kind}-{key}" if what != "remove" and key else ""
        return redirect(url_for(".edit", built_id=built.id) + anchor)

    def _remove(self, built: BuiltService, kind: str, key: str) -> Any:
        """Delete a page, question or step after one more step (the page
        says what goes); refused while anything still names it."""
        defn = built.draft
        name, contents = _removal_names(defn, kind, key)  # KeyError: not found
        blockers = [(_blocker_words(defn, k, item), _blocker_link(built, k, item))
                    for k, item in drafting.named_by(defn, kind, key)]
        refusal = _REFUSALS[kind]()
        if kind == "page" and len(defn["pages"]) == 1:
            blockers, refusal = [], _("A form has at least one page: its only page cannot be "
                                      "deleted.")
        refused = bool(blockers) or (kind == "page" and len(defn["pages"]) == 1)
        back = url_for(".edit", built_id=built.id) + f"#{kind}-{key}"
        if request.form.get("confirm") != "1":
            return self.render("builder/remove_confirm.html", built=built, kind=kind, key=key,
                               heading=_HEADINGS[kind](), name=name, contents=contents,
                               blockers=blockers, refusal=refusal if refused else "",
                               refused=refused, back=back)
        if refused:
            flash(refusal, "error")
            return redirect(back)
        if save_draft(built, drafting.remove(defn, kind, key), f"remove {kind} {key}"):
            flash(_("Deleted."), "success")
        return redirect(url_for(".edit", built_id=built.id))

    @expose("/<int:built_id>/question", methods=("GET", "POST"))
    def question(self, built_id: int) -> Any:
        """A question's editor. A new one is two steps: its type from a list
        (a GET form), then the settings of that type only."""
        built = _built(built_id)
        key = request.args.get("key") or None
        page_key = request.args.get("page") or built.draft["pages"][0]["key"]
        current = None
        if key:
            try:
                page, current = drafting.find_question(built.draft, key)
            except KeyError:
                abort(404)
            page_key = page["key"]
        elif page_key not in {p["key"] for p in built.draft["pages"]}:
            abort(404)
        if current is None and request.method == "GET" and \
                request.args.get("type") not in TYPE_NAMES:
            return self._question_type(built, page_key)
        form = editor_forms.QuestionForm()
        editor_forms.prepare(form, built.draft, key, page_key)
        if request.method == "GET":
            if current is not None:
                editor_forms.fill(form, current)
            else:
                form.type.data = request.args["type"]
                form.key.data = drafting.new_key(built.draft, "q")
        elif _redraw(form):
            pass  # another type's settings or more rows: drawn again, nothing saved
        elif form.validate_on_submit():
            question = editor_forms.read(form, built.draft)
            if question is not None:
                draft = drafting.put_question(built.draft, page_key, question, replacing=key)
                trouble = [p for p in problems(draft) if p.where == question["key"]]
                if trouble:
                    for p in trouble:
                        form.key.errors.append(p.message)
                elif save_draft(built, draft, f"question {question['key']}"):
                    flash(_("Saved."), "success")
                    return redirect(url_for(".edit", built_id=built.id)
                                    + f"#question-{question['key']}")
        return self.render("builder/question.html", built=built, form=form, key=key,
                           page_key=page_key)

    def _question_type(self, built: BuiltService, page_key: str) -> Any:
        page = next(p for p in built.draft["pages"] if p["key"] == page_key)
        return self.render("builder/question_type.html", built=built, page_key=page_key,
                           page_title=page["title"].get("th", page_key),
                           types=list(TYPE_NAMES.items()), descriptions=TYPE_DESCRIPTIONS,
                           missing=bool(request.args.get("asked")))

    @expose("/<int:built_id>/page", methods=("GET", "POST"))
    def page(self, built_id: int) -> Any:
        built = _built(built_id)
        page_key = request.args.get("key", "")
        current = next((p for p in built.draft["pages"] if p["key"] == page_key), None)
        if current is None:
            abort(404)
        form = editor_forms.PageForm()
        editor_forms.prepare_page(form, built.draft, page_key)
        if request.method == "GET":
            editor_forms.fill_page(form, current)
        elif form.validate_on_submit():
            page = editor_forms.read_page(form, built.draft)
            if page is not None:
                draft = drafting.put_page(built.draft, page_key, page)
                if save_draft(built, draft, f"page {page_key}"):
                    flash(_("Saved."), "success")
                    return redirect(url_for(".edit", built_id=built.id) + f"#page-{page_key}")
        return self.render("builder/page.html", built=built, form=form, page_key=page_key)

    @expose("/<int:built_id>/step", methods=("GET", "POST"))
    def step(self, built_id: int) -> Any:
        built = _built(built_id)
        code = request.args.get("code") or None
        steps = built.draft.get("steps", [])
        current = next((s for s in steps if s["code"] == code), None) if code else None
        if code and current is None:
            abort(404)
        form = editor_forms.StepForm()
        editor_forms.prepare_step(form, built.draft, code)
        if request.method == "GET":
            if current is not None:
                editor_forms.fill_step(form, current)
        elif _redraw(form):
            pass  # more rows of outcomes: drawn again, nothing saved
        elif form.validate_on_submit():
            step = editor_forms.read_step(form, built.draft)
            if step is not None:
                draft = drafting.put_step(built.draft, step, replacing=code)
                trouble = [p for p in problems(draft) if p.where == step["code"]]
                if trouble:
                    form.code.errors.extend(p.message for p in trouble)
                elif save_draft(built, draft, f"step {step['code']}"):
                    flash(_("Saved."), "success")
                    return redirect(url_for(".edit", built_id=built.id) + "#steps")
        return self.render("builder/step.html", built=built, form=form, code=code)

    # ---------------------------------------------- preview and publish ---

    @expose("/<int:built_id>/preview", methods=("GET", "POST"))
    def preview(self, built_id: int) -> Any:
        """The draft's form exactly as a citizen gets it for the draft's
        settings (signed in, or a guest where guests may send it); sending
        it only shows what would be stored."""
        built = _built(built_id)
        try:
            definition = load(built.draft)
        except DefinitionError as exc:
            flash(_("The form cannot be shown until these are fixed."), "error")
            return self.render("builder/edit.html", built=built, defn=built.draft,
                               problems=exc.problems, versions=[], unpublished=True,
                               requests=0, describe=_describer(built.draft),
                               type_names=TYPE_NAMES)
        service = compiler.service(definition, code=built.code, agency_code=built.agency.code,
                                   version=0)
        # Who the citizen is follows the settings: a service that needs an
        # account shows that account's ID (read-only) and asks no guest's
        # e-mail; one open to guests shows what a person without one fills.
        guest = service.guest_allowed
        form = build_request_form(service, guest=guest)()
        if not guest:
            form.national_id.data = current_user.national_id
        stored = None
        if request.method == "POST" and form.validate():
            from portal.forms import answer_texts, answers_from_form

            stored = answer_texts(form, answers_from_form(form))
        return render_template("builder/preview.html", form=form, service=service,
                               agency=built.agency, built=built, stored=stored,
                               phone=request.args.get("phone") == "1",
                               slot_fields=[f for f in form if f.name.startswith("file_")],
                               editing=False, files={}, held={}, draft=None, change="",
                               documents={}, contact=None,
                               action=url_for(".preview", built_id=built.id,
                                              phone=request.args.get("phone")))

    @expose("/<int:built_id>/publish", methods=("POST",))
    def publish(self, built_id: int) -> Any:
        built = _built(built_id)
        if request.form.get("revision", type=int) != built.revision:
            flash(_("Someone else changed this service while you were editing. "
                    "Look at it again before publishing."), "error")
            return redirect(url_for(".edit", built_id=built.id))
        try:
            definition = load(built.draft)
        except DefinitionError:
            flash(_("Fix the problems listed before publishing."), "error")
            return redirect(url_for(".edit", built_id=built.id))
        version = store.publish(built, definition, current_user._get_current_object())
        flash(_("Published as version %(n)s. New requests use it from now on; earlier "
                "requests keep the version they were sent on.", n=version.number), "success")
        return redirect(url_for(".edit", built_id=built.id))

    @expose("/<int:built_id>/export")
    def export(self, built_id: int) -> Any:
        """The draft (or a published version) as a definition file."""
        built = _built(built_id)
        number = request.args.get("version", type=int)
        definition = built.draft
        if number:
            version = BuiltVersion.get_or_none((BuiltVersion.service == built)
                                               & (BuiltVersion.number == number))
            if version is None:
                abort(404)
            definition = version.definition
        body = json.dumps(definition, ensure_ascii=False, indent=2)
        name = f"{built.slug}{f'-v{number}' if number else ''}.json"
        audit.record("builder_exported", f"builder:{built.code}", detail=name,
                     agency=built.agency_id)
        return Response(body, mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @expose("/<int:built_id>/delete", methods=("POST",))
    def delete(self, built_id: int) -> Any:
        """Only a service nobody ever sent goes; one with requests stays (its
        code must never be reused), switched off on the services page."""
        built = _built(built_id)
        if Request.select().where((Request.service_code == built.code)
                                  | Request.form_code.startswith(f"{built.code}@")).exists():
            flash(_("This service has requests, so it cannot be deleted. Switch it off "
                    "on the services page instead."), "error")
            return redirect(url_for(".edit", built_id=built.id))
        if request.form.get("confirm") != "1":
            # One more step, which needs no script: deleting cannot be undone.
            return self.render("builder/delete_confirm.html", built=built)
        with database.atomic():
            # Nothing of the code stays: a service made later under the same
            # address starts with no switch, documents or clerks of this one.
            for model in (AgencyService, MembershipService, ServiceDocument):
                model.delete().where(model.service_code == built.code).execute()
            audit.record("builder_deleted", f"builder:{built.code}", agency=built.agency_id)
            built.delete_instance(recursive=True)
            services_changed()
        flash(_("Deleted."), "success")
        return redirect(url_for(".index"))


_HEADINGS = {"question": lambda: _("Delete this question?"),
             "page": lambda: _("Delete this page?"),
             "step": lambda: _("Delete this work step?")}
_REFUSALS = {
    "question": lambda: _("These conditions or formulas read this question's answer, so it "
                          "cannot be deleted. Change them first:"),
    "page": lambda: _("These conditions or formulas on other pages read answers of this "
                      "page's questions, so it cannot be deleted. Change them first:"),
    "step": lambda: _("These steps follow this step's outcomes or send requests back to it, "
                      "so it cannot be deleted. Change them first:"),
}


def _question_words(q: dict[str, Any]) -> str:
    """A question as the edit page names it: its words, a help paragraph's
    text without its tags, else its code."""
    text = re.sub(r"<[^>]*>", "", (q.get("text") or {}).get("th", ""))[:80]
    return (q.get("label") or {}).get("th") or text or q["key"]


def _removal_names(defn: dict[str, Any], kind: str, key: str) -> tuple[str, list[str]]:
    """(the name of what is deleted, what goes with it); KeyError when
    there is no such page, question or step."""
    if kind == "step":
        step = next((s for s in defn.get("steps", ()) if s["code"] == key), None)
        if step is None:
            raise KeyError(key)
        return step["label"].get("th", key), []
    if kind == "page":
        page = drafting.page_of(defn, key)
        return page["title"].get("th", key), [_question_words(q)
                                              for q in page.get("questions", ())]
    return _question_words(drafting.find_question(defn, key)[1]), []


def _blocker_words(defn: dict[str, Any], kind: str, key: str) -> str:
    if kind == "settings":
        return _("The service's settings (one request per national ID, staff list columns)")
    if kind == "step":
        step = next(s for s in defn.get("steps", ()) if s["code"] == key)
        return _("Work step: %(name)s", name=step["label"].get("th", key))
    if kind == "page":
        return _("Page: %(name)s", name=drafting.page_of(defn, key)["title"].get("th", key))
    return _("Question: %(name)s", name=_question_words(drafting.find_question(defn, key)[1]))


def _blocker_link(built: BuiltService, kind: str, key: str) -> str:
    if kind == "settings":
        return url_for(".settings", built_id=built.id)
    if kind == "step":
        return url_for(".step", built_id=built.id, code=key)
    return url_for(f".{kind}", built_id=built.id, key=key)


def _redraw(form: Any) -> bool:
    """Whether a POST of an editor only asks to draw it again: "Change
    type", an "Add rows" button, or Save pressed with another type picked
    than the one drawn (its settings were not on the page yet)."""
    shown = request.form.get("shown_type")
    asked = bool(request.form.get("more")) or request.form.get("do") == "change_type" or (
        hasattr(form, "type") and shown is not None and form.type.data != shown)
    if asked and hasattr(form, "type") and form.type.data not in TYPE_NAMES:
        form.type.errors = [_("Choose the question's type.")]
        form.type.data = shown if shown in TYPE_NAMES else "text"
    return asked


def _describer(defn: dict[str, Any]) -> Any:
    """How the edit page says a condition in words."""
    def describe(rule: Any) -> str:
        return conditions.describe(rule, defn)

    return describe


class LibraryView(AgencyAdminAccess, PortalBaseView):
    """The templates every agency may start from; a system admin adds one
    from any built service and removes the ones added."""

    part_of = "builder"

    @expose("/")
    def index(self) -> Any:
        sources = []
        if current_user.is_system_admin:
            sources = list(BuiltService.select(BuiltService, Agency).join(Agency)
                           .order_by(BuiltService.code))
        return self.render("builder/library.html", templates=library.templates(),
                           sources=sources)

    @expose("/schema.json")
    def schema(self) -> Any:
        return Response(SCHEMA_FILE.read_text(encoding="utf-8"), mimetype="application/json")

    @expose("/add", methods=("POST",))
    def add(self) -> Any:
        if not current_user.is_system_admin:
            abort(403)
        built = BuiltService.get_or_none(BuiltService.id == request.form.get("source", type=int))
        if built is None:
            flash(_("Choose a service to copy."), "error")
            return redirect(url_for(".index"))
        try:
            definition = load(built.draft)
        except DefinitionError:
            flash(_("Only a service without problems can become a template."), "error")
            return redirect(url_for(".index"))
        slug = drafting.slug_from(built.slug, {t.slug for t in library.templates()})
        LibraryTemplate.create(slug=slug, definition=definition, created_by=current_user.id)
        audit.record("builder_template_added", f"builder_template:{slug}", detail=built.code)
        flash(_("Added to the template library."), "success")
        return redirect(url_for(".index"))

    @expose("/remove", methods=("POST",))
    def remove(self) -> Any:
        if not current_user.is_system_admin:
            abort(403)
        slug = request.form.get("slug", "")
        if not LibraryTemplate.delete().where(LibraryTemplate.slug == slug).execute():
            # Shipped templates are files: only the ones added here go.
            flash(_("Only a template added here can be removed."), "error")
            return redirect(url_for(".index"))
        audit.record("builder_template_removed", f"builder_template:{slug}")
        flash(pgettext("builder", "Removed."), "success")
        return redirect(url_for(".index"))

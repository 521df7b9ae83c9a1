"""One place for staff access control, shared by every admin view."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import peewee as pw
from flask import Response, abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterConverter
from flask_admin.contrib.peewee.form import CustomModelConverter
from flask_admin.model import filters as admin_filters
from flask_admin.model import typefmt
from flask_admin.model.filters import BaseDateBetweenFilter
from flask_admin.model.template import (
    BaseListRowAction,
    DeleteRowAction,
    EditPopupRowAction,
    EditRowAction,
    EndpointLinkRowAction,
    LinkRowAction,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from wtforms.validators import ValidationError

from ..base import audit
from ..base.safe_urls import local_path
from ..db import database
from ..files.exports import export_cell, iso_cell
from ..forms.fields import LocalDateTimeField, PortalForm, ThaiDateField, dates_form
from ..i18n import local_tz, show_date, show_datetime, show_due
from ..identity import access
from ..models import Agency, AuditLog, Request
from ..requests.lifecycle import STATUS_LABELS
from ..requests.privacy import account_number_for, national_id_for
from ..thai import day_start_utc, parse_date

log = logging.getLogger(__name__)

# Flask-Admin's endpoints that change or delete the row they name: they find
# it in the view's change scope, the others in what the user may see.
CHANGING_ENDPOINTS = frozenset({"edit_view", "delete_view", "action_view", "ajax_update"})


def _deny() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("identity.login", next=request.full_path))
    abort(403)


class StaffAccess:
    """Mixin: staff of some agency, or a system admin."""

    def is_accessible(self) -> bool:
        return access.is_staff(current_user)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        return _deny()

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        # Flask-Admin redirects to ``url=`` after a save or a delete; its
        # own check lets ``http:evil.example`` through (the browser makes
        # it http:///evil.example). Only a local path is a place to return to.
        for target in self._return_addresses():
            if local_path(target) is None:
                abort(400)
        return super()._handle_view(name, **kwargs)

    def _return_addresses(self) -> list[str]:
        return request.args.getlist("url")


class AgencyAdminAccess(StaffAccess):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated and (
            current_user.is_system_admin or bool(access.admin_agencies(current_user)))


def managed_agencies() -> list[Agency]:
    """Agencies whose settings the signed-in user may change on an
    :class:`AgencyAdminAccess` page: every agency for a system admin."""
    if current_user.is_system_admin:
        return list(Agency.select().order_by(Agency.id))
    return access.admin_agencies(current_user)


class SystemAdminAccess(StaffAccess):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_system_admin


class PortalBaseView(StaffAccess, BaseView):
    #: Endpoint of the staff view whose pages these are (a plugin's page
    #: about one request is one of the "requests" pages): the page is drawn
    #: as that view's — its name in the title, its menu entry lit — and has
    #: no menu entry of its own.
    part_of: str | None = None

    def is_visible(self) -> bool:
        return self.part_of is None and super().is_visible()

    def render(self, template: str, **kwargs: Any) -> str:
        if self.part_of:
            # Flask-Admin's documented way to override what render() passes.
            self._template_args["admin_view"] = next(
                v for v in self.admin._views  # noqa: SLF001 - the views of this admin
                if v.endpoint == self.part_of)
        return super().render(template, **kwargs)


class PortalIndexView(StaffAccess, AdminIndexView):
    pass


def live_options(source: Callable[[], list[tuple[Any, Any]]]) -> Callable[[], list]:
    """Filter options read from the database: empty while the app is being
    built (no request, maybe no tables yet), fresh on every list page."""

    def options() -> list[tuple[Any, Any]]:
        return source() if has_request_context() else []

    return options


def page_labels(labels: Mapping[Any, Any]) -> dict[Any, str]:
    """A module-level mapping of lazy labels (statuses, channels), translated
    once per request: a list cell that shows a lazy string translates it again
    every time (about 12 µs), for every row of the page.

    Keyed by the mapping's ``id``, so pass only mappings that live as long as
    the process."""
    memo = g.setdefault("page_labels", {})
    known = memo.get(id(labels))
    if known is None:
        known = memo[id(labels)] = {key: str(label) for key, label in labels.items()}
    return known


_CHANGE_ACTIONS = (EditRowAction, EditPopupRowAction, DeleteRowAction)

# Stands for a row's id while a row action's URL is built once for a page.
_ROW_ID = 987654321987654321


def _once_per_page(view: Any, action: BaseListRowAction) -> BaseListRowAction:
    """``action`` as it is shown on every row of one page: its title
    translated once, and an endpoint link's URL built once with a stand-in id
    and filled in per row (``url_for`` with a query string costs as much as
    the rest of a row).  Flask-Admin would do both for each of 25 rows."""
    action = copy.copy(action)
    set_apart = is_apart(action)
    if isinstance(action.title, LazyString):
        action.title = str(action.title)
    if type(action) is EndpointLinkRowAction and view.pk_is_integer:
        args = dict(action.url_args or {}, **{action.id_arg: _ROW_ID})
        # url_for percent-encodes braces, so the format string has only ours.
        pattern = view.get_url(action.endpoint, **args).replace(str(_ROW_ID), "{row_id}")
        action = PageLink(action.icon_class, pattern, title=action.title)
    elif type(action) is LinkRowAction:
        action = PageLink(action.icon_class, action.url, title=action.title)
    action.apart = set_apart
    return action


def apart(action: BaseListRowAction) -> BaseListRowAction:
    """Mark a row action that undoes or ends something (cancel, delete): the
    list shows it last, set apart from view and print, so a tap meant for
    print does not land on it."""
    action.apart = True  # type: ignore[attr-defined]
    return action


def is_apart(action: BaseListRowAction) -> bool:
    return bool(getattr(action, "apart", False)) or isinstance(action, DeleteRowAction)


def row_action_link(url: str, title: Any, icon_class: str, apart: bool = False) -> Markup:
    """A row action as the list shows it: its icon and its name in words (a
    tooltip names nothing on a phone or to a screen reader), on a target
    large enough to tap (staff.css ``.row-action``). The markup of
    ``templates/admin/model/row_actions.html``'s ``link`` macro too."""
    kind = "icon row-action row-action-apart" if apart else "icon row-action"
    return Markup('<a class="{}" href="{}" title="{}"><span class="{}" aria-hidden="true"></span>'
                  '<span class="row-action-text">{}</span></a>').format(
        kind, url, str(title or ""), icon_class, str(title or ""))


class PageLink(LinkRowAction):
    """A link row action written straight out (:func:`row_action_link`),
    without a template call per row."""

    apart = False

    def render(self, context: Any, row_id: Any, row: Any) -> Markup:
        url = self.url.format(row_id=row_id) if isinstance(self.url, str) else \
            self.url(self, row_id, row)
        return row_action_link(url, self.title, self.icon_class, self.apart)


def be_datetime(view: Any, context: Any, model: Any, name: str) -> str:
    return show_datetime(getattr(model, name))


def baht(view: Any, context: Any, model: Any, name: str) -> str:
    """Money as a clerk reads it: 1,234.50 (SQLite gives 1234.5 back)."""
    value = model
    for part in name.split("."):
        value = getattr(value, part, None)
    return "" if value is None else f"{value:,.2f}"


def be_date(view: Any, context: Any, model: Any, name: str) -> str:
    return show_date(getattr(model, name))


def due(view: Any, context: Any, model: Any, name: str) -> str:
    return show_due(model)


# A column a view gives no formatter still shows days and instants as the
# pages do (isinstance order: a datetime is also a date).
def _instant_cell(view: Any, value: dt.datetime, name: str) -> str:
    return show_datetime(value)


def _day_cell(view: Any, value: dt.date, name: str) -> str:
    return show_date(value)


LIST_FORMATTERS = {dt.datetime: _instant_cell, dt.date: _day_cell, **typefmt.BASE_FORMATTERS}
DETAIL_FORMATTERS = {dt.datetime: _instant_cell, dt.date: _day_cell,
                     **typefmt.DETAIL_FORMATTERS}


class PortalModelConverter(CustomModelConverter):
    """Every timestamp column's form field is typed in Bangkok time; every
    date column's is the one date input (day, month name, B.E. year)."""

    def handle_date(self, model: Any, field: Any, **kwargs: Any) -> tuple[str, Any]:
        kwargs.pop("widget", None)
        return field.name, ThaiDateField(**kwargs)

    def handle_datetime(self, model: Any, field: Any, **kwargs: Any) -> tuple[str, Any]:
        kwargs.pop("widget", None)
        return field.name, LocalDateTimeField(**kwargs)


class PortalFilterConverter(FilterConverter):
    """A filter Flask-Admin makes for a timestamp column asks for Bangkok days."""

    @admin_filters.convert("DateTimeField")
    def conv_datetime(self, column: Any, name: str) -> list[BasePeeweeFilter]:
        return [LocalDateBetweenFilter(column, name)]


def _field_of(model: Any, name: Any) -> pw.Field | None:
    """The model field a (dotted) list column names, following foreign keys."""
    if isinstance(name, pw.Field):
        return name
    field = None
    for part in str(name).split("."):
        if model is None:
            return None
        field = model._meta.fields.get(part)
        model = field.rel_model if isinstance(field, pw.ForeignKeyField) else None
        if field is None:
            return None
    return field


ISO_SUFFIX = "@iso"


def yes_no(view: Any, value: Any, name: str) -> Markup:
    """A yes/no cell: Flask-Admin's tick says "has_pledge: true" to anyone
    who points at it; this one says the column's label and ใช่/ไม่ใช่."""
    word = _("Yes") if value else _("No")
    icon = "fa-check-circle" if value else "fa-minus-circle"
    title = f"{view.get_column_name(name)}: {word}"
    return Markup(f'<span class="fa {icon}" title="{escape(title)}" aria-hidden="true"></span>'
                  f'<span class="sr-only">{escape(word)}</span>')


def _yes_no_text(view: Any, value: Any, name: str) -> str:
    return _("Yes") if value else _("No")


class PortalModelView(StaffAccess, ModelView):
    """Base of every staff list: CSRF through Flask-WTF, no page counts a
    whole table, CSV that Thai Excel opens, and a ``scope`` hook."""

    form_base_class = PortalForm
    simple_list_pager = True
    page_size = 25
    can_set_page_size = True
    page_size_options = (10, 25, 50)
    export_types = ["csv"]
    export_max_rows = 50000
    model_form_converter = PortalModelConverter
    filter_converter = PortalFilterConverter()
    column_type_formatters = {**LIST_FORMATTERS, bool: yes_no}
    column_type_formatters_detail = {**DETAIL_FORMATTERS, bool: yes_no}
    column_type_formatters_export = {**typefmt.EXPORT_FORMATTERS, bool: _yes_no_text}
    # Each instant column of an export gets an ISO 8601 twin (with +07:00),
    # for sorting in a spreadsheet and for programs that read the file.
    export_iso_instants = True

    # Flask-Admin's peewee backend leaves the search box blank ("None").
    search_hint: Any = _l("Search")

    def search_placeholder(self) -> str:
        return str(self.search_hint)

    def scope(self, query: Any) -> Any:
        """Narrow a query to what the signed-in user may see."""
        return query

    # Flask-Admin computes filter options once, at start-up; options read
    # from the database (rooms, schools) must follow what admins add. A view
    # whose options are fixed (services, statuses) sets this False.
    live_filter_options = True

    def _get_filter_groups(self) -> Any:
        if self.live_filter_options:
            self._refresh_filters_cache()
        return super()._get_filter_groups()

    def get_query(self) -> Any:
        return self.scope(super().get_query())

    def _return_addresses(self) -> list[str]:
        # A list's forms may carry it in the body too (Flask-Admin reads
        # request.values); other staff pages have form fields named url.
        return request.values.getlist("url")

    def get_change_query(self) -> Any:
        """The rows the signed-in user may change or delete; by default all
        they may see. A view that shows rows it does not let change
        (nationwide holidays to an agency admin) narrows it."""
        return self.get_query()

    # Rows of other tables that belong to a row and are deleted with it
    # (a room's opening hours): their foreign keys. Any other row that
    # points at it keeps it from being deleted.
    delete_with: tuple[pw.ForeignKeyField, ...] = ()

    def may_change(self, model: Any) -> bool:
        pk = self.model._meta.primary_key
        return self.get_change_query().where(pk == model._pk).exists()

    # Far past any real list, and well inside the 64-bit OFFSET a database takes.
    MAX_PAGE = 100_000

    def _get_list_extra_args(self) -> Any:
        # Flask-Admin takes ?sort= as an index into the shown columns and
        # then looks it up among the sortable ones (KeyError when it is not
        # one), and ?page= as any integer (an OFFSET no database takes).
        args = super()._get_list_extra_args()
        column = self._get_column_by_idx(args.sort)
        sortable = column is not None and column[0] in (self._sortable_columns or {})
        if not sortable:
            args.sort = None
        args.page = min(max(args.page or 0, 0), self.MAX_PAGE)
        return args

    @property
    def pk_is_integer(self) -> bool:
        return isinstance(self.model._meta.primary_key, pw.IntegerField)

    def get_list_row_actions(self) -> list[BaseListRowAction]:
        return [_once_per_page(self, action) for action in super().get_list_row_actions()]

    list_template = "staff/list.html"

    def date_filter_parts(self) -> Any:
        """The two three-box dates a date filter shows (static/staff-date-
        filter.js copies them from ``staff/list.html``), or None when the
        list has no date filter. Without the script the filter stays the
        text box that takes ``1/6/2567 - 30/6/2567``."""
        if not any(isinstance(f, LocalDateBetweenFilter) for f in self._filters or ()):
            return None
        return dates_form(None, start=_l("From date"), end=_l("To date"))

    @pass_context
    def row_actions_html(self, context: Any, actions: list[BaseListRowAction],
                         row: Any) -> Markup:
        """A row's action links (``staff/list.html``)."""
        row_id = self.get_pk_value(row)
        if not self.row_may_change(context, row):
            actions = [a for a in actions if not isinstance(a, _CHANGE_ACTIONS)]
        # Cancel and delete last, after view and print (a stable sort).
        actions = sorted(actions, key=is_apart)
        return Markup("\n".join(str(action.render(context, row_id, row)) for action in actions))

    @pass_context
    def row_may_change(self, context: Any, row: Any) -> bool:
        """Whether the list offers edit, delete and the bulk tick box on
        ``row`` (``staff/list.html``): asked once per page, and only of a
        view whose change scope is narrower than what it shows."""
        if type(self).get_change_query is PortalModelView.get_change_query:
            return True
        memo = g.setdefault("changeable_rows", {})
        if self.endpoint not in memo:
            ids = [self.get_pk_value(r) for r in context.get("data") or ()]
            pk = self.model._meta.primary_key
            memo[self.endpoint] = {r._pk for r in self.get_change_query().where(pk.in_(ids))}
        return row._pk in memo[self.endpoint]

    @pass_context
    def list_cells(self, context: Any, row: Any, columns: list[tuple[str, Any]]) -> Markup:
        """A row's ``<td>`` cells, as Flask-Admin's list writes them
        (``staff/list.html``)."""
        return Markup("".join(
            f'<td class="col-{escape(name)}">{escape(self.get_list_value(context, row, name))}</td>'
            for name, _label in columns))

    def scaffold_form(self) -> Any:
        # The peewee form builder names fields after the column ("Client
        # Secret"); the Thai column labels belong on the form too.
        form_class = super().scaffold_form()
        given = self.form_args or {}
        for name, label in (self.column_labels or {}).items():
            field = getattr(form_class, name, None)
            if hasattr(field, "kwargs") and "label" not in given.get(name, {}):
                field.kwargs["label"] = label
        return form_class

    def get_one(self, id: Any) -> Any:
        changing = (request.endpoint or "").rpartition(".")[2] in CHANGING_ENDPOINTS
        query = self.get_change_query() if changing else self.get_query()
        try:
            found = query.where(self.model._meta.primary_key == id).first()
        except (pw.DataError, OverflowError, ValueError):
            found = None  # an id no row can have (too long, not a number)
        if found is None:
            abort(404)
        return found

    def create_model(self, form: Any) -> Any:
        with database.atomic() as txn:
            model = super().create_model(form)
            if model and not self.may_change(model):
                model = self._refuse_save()
            if not model:
                txn.rollback()
        return model

    def update_model(self, form: Any, model: Any) -> Any:
        with database.atomic() as txn:
            saved = super().update_model(form, model)
            if saved and not self.may_change(model):
                saved = self._refuse_save()
            if not saved:
                txn.rollback()
        return saved

    def _refuse_save(self) -> bool:
        # Whatever the view's own checks said, a row saved outside what the
        # user may change (another agency's, a nationwide one) is not kept.
        flash(_("You may only save rows of your own agency."), "error")
        return False

    def delete_model(self, model: Any) -> bool:
        """Delete one row the way every door does (delete button, bulk
        action): the view's own check, no silent cascade, an audit line, all
        or nothing."""
        try:
            with database.atomic():
                self.on_model_delete(model)
                held = rows_pointing_at(model, self.delete_with)
                if held:
                    raise ValidationError(ngettext(
                        "This cannot be deleted: %(num)d other record refers to it. "
                        "Switch it off or suspend it instead, so that its history stays.",
                        "This cannot be deleted: %(num)d other records refer to it. "
                        "Switch it off or suspend it instead, so that its history stays.",
                        held))
                for fk in self.delete_with:
                    fk.model.delete().where(fk == model._pk).execute()
                model.delete_instance()
                self.after_model_delete(model)
        except Exception as ex:  # Flask-Admin's contract: flash, answer False
            if not self.handle_view_exception(ex):
                log.exception("delete of %s:%s failed", self.endpoint, model._pk)
                flash(_("The record could not be deleted."), "error")
            return False
        return True

    def init_actions(self) -> None:
        # Flask-Admin hands an action the row ids the browser sent and lets
        # it query them itself, unscoped. Every action here gets only rows
        # of the view's change scope, or does not run.
        super().init_actions()
        for name, (handler, text, confirmation) in list(self._actions_data.items()):
            self._actions_data[name] = (self._scoped_action(name, handler), text, confirmation)

    def _scoped_action(self, name: str, handler: Callable[[list[Any]], Any]) -> Callable:
        def run(ids: list[Any]) -> Any:
            pk = self.model._meta.primary_key
            try:
                rows = list(self.get_change_query().where(pk.in_(ids)))
            except (pw.DataError, OverflowError, ValueError):
                rows = []
            if not ids or len(rows) != len(set(ids)):
                flash(_("Nothing was done: some of the chosen rows are not yours to change "
                        "or no longer exist."), "error")
                return None
            return handler(rows)

        return run

    @action("delete", _l("Delete"), _l("Are you sure you want to delete selected records?"))
    def action_delete(self, rows: list[Any]) -> None:
        """The bulk delete: each row through :meth:`delete_model`; one that
        is refused keeps them all."""
        with database.atomic() as txn:
            for row in rows:
                if not self.delete_model(row):
                    txn.rollback()
                    return
        flash(ngettext("Record was successfully deleted.",
                       "%(num)d records were successfully deleted.", len(rows)), "success")

    def get_export_columns(self) -> list[tuple[Any, Any]]:
        columns = []
        for name, label in super().get_export_columns():
            columns.append((name, label))
            if self.export_iso_instants and isinstance(_field_of(self.model, name),
                                                       pw.DateTimeField):
                columns.append((f"{name}{ISO_SUFFIX}", _iso_label(label)))
        return columns

    def get_export_value(self, model: Any, name: Any) -> Any:
        if isinstance(name, str) and name.endswith(ISO_SUFFIX):
            value = model
            for part in name[:-len(ISO_SUFFIX)].split("."):
                value = getattr(value, part, None)
            return iso_cell(value)
        return export_cell(super().get_export_value(model, name))

    def audit_agency(self, model: Any) -> int | None:
        """The agency a change to ``model`` concerns, for the audit log: its
        own ``agency``, or its request's; None for what belongs to none (a
        nationwide holiday, an identity provider). A view whose rows reach
        their agency another way overrides this."""
        if isinstance(model, Agency):
            return model.id
        agency_id = getattr(model, "agency_id", None)
        if agency_id is not None:
            return agency_id
        request_id = getattr(model, "request_id", None)
        if request_id is not None:
            return Request.select(Request.agency).where(Request.id == request_id).scalar()
        return None

    # Every change made through any staff list, and every export, is in the
    # audit log whatever the view itself records.
    def after_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        audit.record("admin_created" if is_created else "admin_changed",
                     f"{self.endpoint}:{model._pk}", detail=str(model)[:200],
                     agency=self.audit_agency(model))

    def after_model_delete(self, model: Any) -> None:
        agency = self.audit_agency(model)
        if isinstance(model, Agency):
            agency = model.parent_id  # it is gone: its parent's admins read the line
        audit.record("admin_deleted", f"{self.endpoint}:{model._pk}", detail=str(model)[:200],
                     agency=agency)

    def _audit_export(self, kind: str) -> None:
        audit.record("export", f"list:{self.endpoint}",
                     detail=request.query_string.decode(errors="replace")[:200] or kind,
                     agency=access.sole_agency(current_user))

    def _export_tablib(self, export_type: str, return_url: str) -> Response:
        self._audit_export(export_type)
        return super()._export_tablib(export_type, return_url)

    def _export_csv(self, return_url: Any) -> Response:
        self._audit_export("csv")
        response = super()._export_csv(return_url)
        body = response.response

        def with_bom() -> Any:
            yield "\ufeff"  # Excel reads UTF-8 Thai only with the BOM
            yield from body

        response.response = with_bom()
        response.mimetype = "text/csv"
        response.charset = "utf-8"
        return response


def _iso_label(label: Any) -> LazyString:
    # Column labels are lazy (translated per request); so is their twin's.
    return LazyString(lambda: f"{label} (ISO 8601)")


def rows_pointing_at(model: Any, owned: tuple[pw.ForeignKeyField, ...] = ()) -> int:
    """How many rows of other tables point at ``model``, leaving out those
    reached through ``owned`` (they go with it) and the audit log's (a log
    of what happened keeps its lines; they only lose the link)."""
    skipped = {*owned, AuditLog.agency}
    return sum(referrer.select().where(fk == model._pk).count()
               for fk, referrer in type(model)._meta.backrefs.items() if fk not in skipped)


class WriteOnlySecrets:
    """Mixin for settings lists that hold secrets (client secrets, access
    tokens): typed in, never sent back to the browser; saving the form with
    the field empty keeps what was saved. List them in ``secret_fields``;
    show them in the list with :func:`secret_state`."""

    secret_fields: tuple[str, ...] = ()

    def on_form_prefill(self, form: Any, id: Any) -> None:  # noqa: A002 - Flask-Admin's name
        for name in self.secret_fields:
            getattr(form, name).data = ""

    def keep_unchanged_secrets(self, form: Any, model: Any, is_created: bool) -> list[str]:
        """Put back the saved value of every secret left empty; returns the
        names of the secrets that were changed (for the audit line)."""
        changed = [n for n in self.secret_fields if getattr(form, n).data]
        if not is_created:
            saved = type(model).get_by_id(model.id)
            for name in self.secret_fields:
                if name not in changed:
                    setattr(model, name, getattr(saved, name))
        return changed


class ReadinessCheck:
    """Mixin for settings lists (sign-in providers, LINE accounts): a Check
    button on each row says what keeps that setting from working."""

    list_template = "staff/checked_list.html"

    def problems(self, model: Any) -> list[str]:
        """What is missing or refused; empty when the setting works. A
        model's ``enabled`` False is reported by the mixin itself."""
        raise NotImplementedError

    def ready_message(self, model: Any) -> str:
        return str(_l("%(name)s is ready.", name=str(model)))

    @expose("/check/<int:row_id>", methods=("POST",))
    def check(self, row_id: int) -> Any:
        model = self.get_query().where(self.model.id == row_id).first()  # type: ignore[attr-defined]
        if model is None:
            abort(404)
        found = [str(_l("switched off"))] if getattr(model, "enabled", True) is False else []
        found += self.problems(model)
        if found:
            flash(Markup("{}: {}").format(str(model), "; ".join(found)), "danger")
        else:
            flash(self.ready_message(model), "success")
        return redirect(url_for(".index_view"))


def secret_state(view: Any, context: Any, model: Any, name: str) -> str:
    return str(_l("set") if getattr(model, name) else _l("not set"))


_RANGE_SEPARATOR = re.compile(r"\s+(?:to|ถึง|-|–)\s+")
_OPEN_END = re.compile(r"^(?:to|ถึง|-|–)\s*|\s*(?:to|ถึง|-|–)$")
# What an open end of a range stands for: before and after any request.
OPEN_FIRST, OPEN_LAST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def typed_date_range(value: str) -> list[dt.date]:
    """``1/6/2567 - 30/6/2567`` (B.E. or A.D., Thai digits, ``ถึง`` or ``to``
    between), one date for one day, an open end (``1/6/2567 -`` from then
    on, ``- 30/6/2567`` up to then), or Flask-Admin's own
    ``2024-06-01 to 2024-06-30`` (links bookmarked before) as [first, last].
    Raises ValueError when it is not one."""
    text = value.strip()
    opened = _OPEN_END.search(text)
    if opened and opened.group(0).strip() and len(text) > len(opened.group(0)):
        day = parse_date(_OPEN_END.sub("", text))
        return [OPEN_FIRST, day] if opened.start() == 0 else [day, OPEN_LAST]
    parts = [parse_date(p) for p in _RANGE_SEPARATOR.split(text)]
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2:
        raise ValueError(value)
    return sorted(parts)


class LocalDateBetweenFilter(BasePeeweeFilter, BaseDateBetweenFilter):
    """Dates as the office means them (Bangkok days) over UTC timestamps,
    typed in the Buddhist era like every other date (no Christian-era
    calendar picker): ``1/6/2567 - 30/6/2567``."""

    def __init__(self, column: Any, name: Any, tz: str | None = None, **kwargs: Any) -> None:
        super().__init__(column, name, data_type="be-daterange", **kwargs)
        self.tz = tz

    def clean(self, value: str) -> list[dt.date]:
        return typed_date_range(value)

    def validate(self, value: str) -> bool:
        try:
            typed_date_range(value)
        except ValueError:
            return False
        return True

    def apply(self, query: Any, value: Any) -> Any:
        start, end = value
        if isinstance(self.column, pw.DateField):  # a plain date: no time zone
            return query.where((self.column >= start) & (self.column <= end))
        tz = self.tz or local_tz()
        return query.where((self.column >= day_start_utc(start, tz))
                           & (self.column < day_start_utc(end + dt.timedelta(days=1), tz)))

    def operation(self) -> Any:
        return _l("between")


# Process and print, for any list whose rows point at a request.
REQUEST_ROW_ACTIONS = [
    LinkRowAction("fa fa-pencil", lambda view, row_id, row: url_for(
        "requests.process", id=row.request_id), title=lazy_pgettext("action", "Process")),
    LinkRowAction("fa fa-print", lambda view, row_id, row: url_for(
        "requester.print_pdf", reference=row.request.reference), title=_l("Print")),
]


class RequestDetailView(PortalModelView):
    """A plugin's table joined one-to-one to the core request (its
    ``request`` field), scoped and linked like the core's request list."""

    can_create = can_edit = can_delete = False
    can_export = True
    column_default_sort = ("id", True)
    search_hint = _l("Reference number or requester's name")

    column_extra_row_actions = REQUEST_ROW_ACTIONS

    def get_query(self) -> Any:
        query = self.model.select(self.model, Request).join(Request)
        clause = access.staff_scope(current_user)
        return query if clause is None else query.where(clause)

    def _handle_join(self, query: Any, field: Any, joins: Any) -> Any:
        if getattr(field, "model", None) is Request:
            return query  # joined by get_query
        return super()._handle_join(query, field, joins)


def status_column(view: Any, context: Any, model: Any, name: str) -> str:
    """The Thai status of ``model.request``."""

    return str(STATUS_LABELS.get(model.request.status, ""))


def _agency_of(model: Any) -> int | None:
    agency_id = getattr(model, "agency_id", None)
    if agency_id is None and getattr(model, "request", None) is not None:
        agency_id = model.request.agency_id
    return agency_id


def account_number_column(view: Any, context: Any, model: Any, name: str) -> str:
    """A bank account column for lists and exports, under the national ID's
    rule (see :func:`portal.requests.privacy.account_number_for`)."""

    return account_number_for(current_user, getattr(model, name) or "", _agency_of(model))


def national_id_column(view: Any, context: Any, model: Any, name: str) -> str:
    """A national ID column for lists and exports: masked (``1-2345-xxxxx-xx-1``)
    unless the agency admin marked the viewer as needing full numbers. The
    model must have ``agency_id`` or a ``request`` with one."""

    return national_id_for(current_user, getattr(model, name) or "", _agency_of(model))

"""What a plugin hands the core to describe one service it offers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint

if TYPE_CHECKING:
    from flask_wtf import FlaskForm

    from ..models import Agency, Request


@dataclass(frozen=True)
class AttachmentSlot:
    """One file a form asks for (สำเนาบัตรประชาชน, สลิปเงินเดือน, ...).

    :param name: stable key, stored with the file.
    :param label: text shown beside the file input (lazy gettext).
    :param required: the form is refused without it on first submission.
    :param kinds: accepted kinds, checked by content: ``pdf``, ``png``, ``jpg``.
    """

    name: str
    label: Any
    required: bool = False
    kinds: tuple[str, ...] = ("pdf", "png", "jpg")


@dataclass(frozen=True)
class Outcome:
    """A result a clerk picks when ticking a step; ``back_to`` loops the
    work back to an earlier step (a failed test sends it back to repair)."""

    code: str
    label: Any
    back_to: str | None = None


@dataclass(frozen=True)
class Step:
    """One work step of a service's procedure (a work manual's ขั้นตอน).

    :param code: stable key, stored with each tick.
    :param label: what the clerk sees in the checklist.
    :param outcomes: choices offered when ticking; none = a plain tick.
    :param when: ``(step, outcome)``: the step applies only when that step's
        latest outcome is this one (the branches of a flow chart).
    :param value_label: ask for a value with the tick (the published URL).
    :param value_kind: ``text`` or ``url`` (checked as a web address).
    :param value_for_requester: the value is the answer the requester waits
        for (the user name of a new account, the published address): it is
        shown on their page, in the status check and in the messages they
        get. Otherwise it stays with staff, like every step's note.
    :param tells_requester: the tick is an answer for the requester (the
        executive's decision of seed 004): its outcome, value and note are
        shown on their request page and sent to them when it is recorded.
        Every other step's note stays with staff.
    :param told_as: the heading the requester reads over that answer.
    """

    code: str
    label: Any
    outcomes: tuple[Outcome, ...] = ()
    when: tuple[str, str] | None = None
    value_label: Any = None
    value_kind: str = "text"
    value_for_requester: bool = False
    tells_requester: bool = False
    told_as: Any = None

    def outcome(self, code: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.code == code), None)


@dataclass(frozen=True)
class Service:
    """A service an agency can switch on.

    :param code: stable identifier, also the URL part (``certificate``).
    :param title: name shown to people (lazy gettext).
    :param form_class: a :class:`portal.forms.ApplicantForm` subclass with the
        service's own questions; the core adds the attachment inputs.
    :param ref_prefix: start of every reference number (the seed's ``12``).
    :param slots: the files the form asks for.
    :param target_days: working days staff have to finish (SPEC: 3-5).
    :param print_template: body of the printed request, rendered inside
        ``print/base.html`` with ``request``, ``service`` and ``answers``.
    :param store: called inside the submit/resubmit transaction with the
        request and the form's answers, to write the plugin's own queryable
        columns; an exception rolls the whole submission back.
    :param prepare_form: called with a fresh form and the agency before it
        is shown, validated or read back, to fill choices that depend on the
        agency (its rooms, its executives).
    :param steps: the ordered work steps staff tick on the process page; a
        step waits for every earlier step that applies.
    :param guest_allowed: may be sent without an account, with a name and
        phone for follow-up (and the status check by reference + phone).
    :param target_minutes: the service-level target when it is counted in
        minutes rather than working days (seed 004: 50 minutes).
    :param open311: offered through the Open311 GeoReport v2 API.
    :param urgent: staff lists mark its requests urgent (disasters).
    :param forwardable: staff may forward its requests to another service or
        agency; off for services that hold a slot in this office's calendar
        (rooms, executives), which the office returns or cancels instead.
    :param form_help_template: shown above the form (links to free times,
        price lists); rendered with ``service`` and ``agency``.
    :param form_summary_template: shown inside the form after the service's
        questions, rendered with ``form``, ``service`` and ``agency`` (what
        the answers add up to: an order's amount to pay). A submit button
        named ``review`` in it shows the form again as the server works it
        out, without sending anything. The check page before sending
        renders it too, with ``reviewing`` true: leave buttons out there.
    :param details_template: shown under the answers on the requester's
        page and the staff's process page, rendered with the page's context
        (an order's amounts, so staff check the payment slip against them).
    :param description: a line for the catalogue.
    :param opens_on: the first day requests are taken (Bangkok), if any.
    :param closes_on: the last day requests are taken, if any (a yearly
        registration round).
    :param max_requests: at most this many requests that are not cancelled,
        per agency (limited seats); the form closes when they are taken.
    :param one_per_person: a signed-in person may have only one request of
        it that is not cancelled, per agency (the elderly allowance); needs
        sign-in, since a guest gives no national ID.
    :param agency_code: offered only by that agency (a service its admin
        built); None: any agency may switch it on.
    :param version: the published version of a service made from data; its
        requests keep it (``Request.form_code`` = :attr:`answers_code`), so
        they show and are corrected on the form they were filled on.
    """

    code: str
    title: Any
    form_class: type[FlaskForm]
    ref_prefix: str
    slots: tuple[AttachmentSlot, ...] = ()
    target_days: int = 5
    print_template: str = "print/answers.html"
    store: Callable[[Request, dict[str, Any]], None] | None = None
    prepare_form: Callable[[FlaskForm, Agency], None] | None = None
    form_help_template: str | None = None
    form_summary_template: str | None = None
    details_template: str | None = None
    steps: tuple[Step, ...] = ()
    guest_allowed: bool = False
    target_minutes: int | None = None
    open311: bool = False
    urgent: bool = False
    forwardable: bool = True
    description: Any = ""
    opens_on: Any = None
    closes_on: Any = None
    max_requests: int | None = None
    one_per_person: bool = False
    agency_code: str | None = None
    version: int | None = None
    plugin: str = field(default="", compare=False)

    @property
    def answers_code(self) -> str:
        """What a request stores as the form its answers follow."""
        return self.code if self.version is None else f"{self.code}@{self.version}"

    def slot(self, name: str) -> AttachmentSlot | None:
        return next((s for s in self.slots if s.name == name), None)


@dataclass(frozen=True)
class MenuLink:
    """An entry of the top menu: ``endpoint`` plus its ``values``.

    ``place`` is ``"menu"`` (the top menu, on every page) or ``"profile"``
    (the person's profile page: things one does once, such as signing up
    as staff with a token)."""

    label: Any
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    place: str = "menu"


@dataclass(frozen=True)
class PageAction:
    """A button on the staff's process page of one request, beside Print and
    Forward: ``endpoint`` plus its ``values`` is the page it opens; ``style``
    is the Bootstrap button kind (``outline-warning`` draws a yellow outline)."""

    label: Any
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    style: str = "outline-secondary"


@dataclass(frozen=True)
class PageSection:
    """A piece of HTML a plugin adds to a request's page (the requester's or
    the staff's process page), already rendered as ``markupsafe.Markup``
    (``Markup(render_template(...))``): a plain string is escaped, shown as
    text. ``place`` is
    ``"notice"``, ``"main"`` or ``"actions"`` (see the hooks
    ``request_page_sections`` and ``process_page_sections``)."""

    html: Any
    order: int = 100
    place: str = "main"


@dataclass(frozen=True)
class SignInOption:
    """A button on the login page that signs in through an outside provider
    (ThaID, Digital ID, LINE): ``endpoint`` starts that provider's flow;
    ``provider`` is the name its linked accounts are kept under, ``title``
    the provider's name as people know it ("ThaID"), for sentences."""

    label: Any
    provider: str
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    title: Any = ""


@dataclass(frozen=True)
class DashboardCard:
    """A figure on the staff home page: a title, a number or short text, a link."""

    title: Any
    value: Any
    url: str = ""
    order: int = 100


class ApiBlueprint(Blueprint):
    """A blueprint for programs, not browsers (an API such as Open311).

    Return it from ``register_blueprints`` like any blueprint. The core
    registers it without CSRF protection — its callers prove who they are
    with a key, not with a session cookie, so every route must check that
    key itself — and under ``rate_limit``, counted per client address over
    the whole blueprint.

    :param rate_limit: a Flask-Limiter limit ("60 per minute"), or None for
        no limit of its own.
    :param limited_methods: the HTTP methods the limit counts.

    Example::

        bp = ApiBlueprint("open311", __name__, url_prefix="/open311/v2",
                          rate_limit="60 per minute")
    """

    def __init__(self, *args: Any, rate_limit: str | None = None,
                 limited_methods: tuple[str, ...] = ("POST",), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rate_limit = rate_limit
        self.limited_methods = limited_methods


def told_text(step: Step, event: Any) -> str:
    """One line of the answer a work step gave the requester ("Approved:
    <note>"): ``event`` is its tick (``outcome`` and ``note``)."""
    outcome = step.outcome(event.outcome)
    label = str(outcome.label) if outcome else ""
    return ": ".join(part for part in (label, event.note) if part)

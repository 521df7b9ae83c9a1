"""The six e-services of a sub-district administration (seed 004), with the
seed's flow receive → check → propose to the executive → notify (50 min)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal.db import database
from portal.forms import (
    ASK_NATIONAL_ID,
    NATIONAL_ID_HINT,
    ApplicantForm,
    DigitsField,
    FieldError,
    NationalID,
    ThaiDateField,
    required,
)
from portal.models import Request
from portal.plugins import AttachmentSlot, Outcome, Service, Step
from portal.requests import (
    Status,
    capacity_validator,
    fill_choices,
    hold,
    resource_field,
    span_fields,
    validate_end_date,
    validate_end_time,
    validate_start_date,
)
from portal.thai import format_date, local_today, normalise_national_id

from .eligibility import eligible, fiscal_year_start
from .models import ElderlyRegistration, IncidentReport

FLOW = (
    Step("receive", _l("Receive the request")),
    Step("check", _l("Check the facts"), outcomes=(
        Outcome("ok", _l("Confirmed")),
        Outcome("more", _l("More information needed: contact the requester, then check "
                           "again"), back_to="check"),
    )),
    # The executive's decision is what the requester is then told.
    Step("propose", _l("Propose to the executive"), outcomes=(
        Outcome("approved", _l("Approved")),
        Outcome("not_approved", _l("Not approved")),
    ), value_label=_l("Executive who decided (name and position)"), tells_requester=True,
        told_as=_l("The executive's decision")),
    Step("notify", _l("Tell the requester the result by the channel they gave")),
)
TARGET_MINUTES = 50
VILLAGES = [("", _l("— choose —"))] + [(str(n), f"หมู่ {n}") for n in range(1, 21)]
LIGHT_PROBLEMS = [("out", _l("Light out")), ("flicker", _l("Flickering")),
                  ("day", _l("On in daytime")), ("pole", _l("Pole or wiring damaged"))]
DISASTERS = [("flood", _l("Flood")), ("storm", _l("Storm")), ("fire", _l("Fire")),
             ("other", _l("Other"))]
NUISANCES = [("smell", _l("Smell")), ("noise", _l("Noise")), ("smoke", _l("Smoke")),
             ("waste_water", _l("Waste water")), ("animals", _l("Animals")),
             ("other", _l("Other"))]


def latitude() -> DecimalField:
    return DecimalField(_l("Latitude"), [Optional(), NumberRange(
        min=5, max=21, message=_l("A latitude in Thailand is between 5 and 21."))], places=6,
        render_kw={"inputmode": "decimal", "data-geo": "lat"})


def longitude() -> DecimalField:
    return DecimalField(_l("Longitude"), [Optional(), NumberRange(
        min=97, max=106, message=_l("A longitude in Thailand is between 97 and 106."))],
        places=6, render_kw={"inputmode": "decimal", "data-geo": "lon"})


def photos(n: int, required_first: bool = False) -> tuple[AttachmentSlot, ...]:
    return tuple(AttachmentSlot(f"photo{i}", _l("Photo %(n)s", n=i), kinds=("jpg", "png"),
                                required=required_first and i == 1) for i in range(1, n + 1))


class GuestApplicantForm(ApplicantForm):
    """Services 1–3 and 6 may come from anyone: the phone is what counts."""


class StreetLightForm(GuestApplicantForm):
    problem = RadioField(_l("Problem"), [required()], choices=LIGHT_PROBLEMS)
    pole = StringField(_l("Pole number or landmark"), [required(), Length(max=255)])
    village = SelectField(_l("Village (หมู่)"), [required()], choices=VILLAGES)
    place = StringField(_l("Where"), [Optional(), Length(max=500)])
    latitude = latitude()
    longitude = longitude()


class DisasterForm(GuestApplicantForm):
    kind = RadioField(_l("Kind of disaster"), [required()], choices=DISASTERS)
    day = ThaiDateField(_l("Date it happened"), [required()], past_only=True)
    place = StringField(_l("Where"), [required(), Length(max=500)])
    village = SelectField(_l("Village (หมู่)"), [Optional()], choices=VILLAGES)
    latitude = latitude()
    longitude = longitude()
    people = IntegerField(_l("People affected"), [Optional(), NumberRange(min=0, max=1000000)])
    details = TextAreaField(_l("What happened"), [required(), Length(max=4000)])


class NuisanceForm(GuestApplicantForm):
    kind = RadioField(_l("Kind of nuisance"), [required()], choices=NUISANCES)
    place = StringField(_l("Where it comes from"), [required(), Length(max=500)])
    village = SelectField(_l("Village (หมู่)"), [Optional()], choices=VILLAGES)
    since = ThaiDateField(_l("Since when"), [Optional()], past_only=True)
    details = TextAreaField(_l("Describe the nuisance"), [required(), Length(max=4000)])


class PetitionForm(GuestApplicantForm):
    subject = StringField(_l("Subject"), [required(), Length(max=500)])
    details = TextAreaField(_l("Details"), [required(), Length(max=8000)])


def _payment_years() -> list[tuple[str, str]]:
    today = local_today()
    current = today.year + 543 + (1 if today.month >= 10 else 0)
    return [(str(y), f"{y}") for y in (current, current + 1)]


class ElderlyForm(ApplicantForm):
    applicant_national_id = DigitsField(_l("National ID of the elderly person"),
                                        [required(ASK_NATIONAL_ID), NationalID()],
                                        description=NATIONAL_ID_HINT,
                                        render_kw={"inputmode": "numeric"})
    applicant_name = StringField(_l("Name of the elderly person"), [required(),
                                                                    Length(max=255)])
    birth_date = ThaiDateField(_l("Date of birth"), [required()], birth=True)
    payment_year = SelectField(_l("Fiscal year in which payment starts"), [required()],
                               choices=_payment_years)
    house = StringField(_l("House number"), [required(), Length(max=60)])
    village = SelectField(_l("Village (หมู่)"), [required()], choices=VILLAGES)
    bank = StringField(_l("Bank"), [required(), Length(max=120)])
    account_number = DigitsField(_l("Account number"), [required(), Length(max=30)],
                                 render_kw={"inputmode": "numeric"})
    account_name = StringField(_l("Account name"), [required(), Length(max=255)])

    def validate_birth_date(self, field: Any) -> None:
        if not field.data or not self.payment_year.data:
            return
        age = int(current_app.config.get("TAMBON_ELDERLY_AGE", 60))
        year = int(self.payment_year.data)
        if not eligible(field.data, year, age):
            raise ValidationError(_l(
                "The applicant must be %(age)s by %(day)s to be paid from fiscal year "
                "%(year)s.", age=age, day=format_date(fiscal_year_start(year)), year=year))


class HallForm(ApplicantForm):
    organisation = StringField(_l("Organisation / group"), [required(), Length(max=255)])
    event = StringField(_l("Event"), [required(), Length(max=500)])
    attendees = IntegerField(_l("Number of attendees"), [required(), NumberRange(min=1,
                                                                               max=100000)])
    hall = resource_field(_l("Hall or meeting room"))
    start_date, end_date, start_time, end_time = span_fields(_l("First day of use"),
                                                             _l("Last day of use"))
    validate_start_date = validate_start_date
    validate_end_date = validate_end_date
    validate_end_time = validate_end_time
    validate_attendees = capacity_validator("hall")


def store_incident(request: Request, answers: dict[str, Any]) -> None:
    def number(key: str) -> Decimal | None:
        return Decimal(str(answers[key])) if answers.get(key) not in (None, "") else None

    values = {"kind": answers.get("problem") or answers.get("kind") or "",
              "village": answers.get("village") or "",
              "place": answers.get("place") or answers.get("pole") or "",
              "latitude": number("latitude"), "longitude": number("longitude")}
    (IncidentReport.insert(request=request, **values)
     .on_conflict(conflict_target=[IncidentReport.request],
                  update={getattr(IncidentReport, k): v for k, v in values.items()}).execute())


def store_elderly(request: Request, answers: dict[str, Any]) -> None:
    """One registration per person and agency; a cancelled one makes room."""
    # The form gives ASCII already; the unique index must not depend on it.
    nid = normalise_national_id(answers["applicant_national_id"])
    with database.atomic():
        existing = (ElderlyRegistration.select(ElderlyRegistration, Request).join(Request)
                    .where((ElderlyRegistration.agency == request.agency_id)
                           & (ElderlyRegistration.national_id == nid)).first())
        if existing and existing.request_id != request.id:
            if existing.request.status != Status.CANCELLED:
                raise FieldError("applicant_national_id", str(_l(
                    "This person is registered already: reference number %(ref)s.",
                    ref=existing.request.reference)))
            existing.delete_instance()
        roster = _roster_columns(answers)
        (ElderlyRegistration.insert(agency=request.agency_id, national_id=nid,
                                    request=request, fiscal_year=int(answers["payment_year"]),
                                    **roster)
         .on_conflict(conflict_target=[ElderlyRegistration.request],
                      update={ElderlyRegistration.national_id: nid,
                              ElderlyRegistration.fiscal_year: int(answers["payment_year"]),
                              **{getattr(ElderlyRegistration, k): v
                                 for k, v in roster.items()}}).execute())


def _roster_columns(answers: dict[str, Any]) -> dict[str, Any]:
    """The roster's columns from the form's answers (a correction rewrites them)."""
    born = answers.get("birth_date")
    return {"name": (answers.get("applicant_name") or "").strip()[:255],
            "birth_date": dt.date.fromisoformat(born) if isinstance(born, str) and born
            else born or None,
            "house": (answers.get("house") or "")[:60],
            "village": (answers.get("village") or "")[:10],
            "bank": (answers.get("bank") or "")[:120],
            "account_number": (answers.get("account_number") or "")[:30],
            "account_name": (answers.get("account_name") or "")[:255]}


def prepare_hall(form: Any, agency: Any) -> None:
    fill_choices(form.hall, agency, "hall")


def store_hall(request: Request, answers: dict[str, Any]) -> None:
    hold(request, answers, "hall", "hall")


def _service(code: str, title: Any, prefix: str, form: type, **extra: Any) -> Service:
    return Service(code=code, title=title, form_class=form, ref_prefix=prefix, target_days=1,
                   target_minutes=TARGET_MINUTES, steps=FLOW, **extra)


SERVICES = (
    _service("street_light", _l("Street light out or faulty"), "71", StreetLightForm,
             description=_l("Report a public light that is out, flickering or damaged."),
             slots=photos(2), store=store_incident, guest_allowed=True, open311=True,
             form_help_template="tambon/geo_help.html"),
    _service("disaster", _l("Disaster report"), "72", DisasterForm,
             description=_l("Report a flood, storm or fire so the office can help."),
             slots=photos(3), store=store_incident, guest_allowed=True, open311=True,
             urgent=True, form_help_template="tambon/geo_help.html"),
    _service("nuisance", _l("Nuisance complaint"), "73", NuisanceForm,
             description=_l("Complain about smell, noise, smoke, waste water or animals. "
                            "Only staff see who complained."),
             slots=photos(3), store=store_incident, guest_allowed=True, open311=True),
    _service("elderly_allowance", _l("Elderly allowance registration"), "74", ElderlyForm,
             description=_l("Register for the monthly allowance for people aged 60 and over."),
             slots=(AttachmentSlot("id_card", _l("Copy of national ID card"), required=True),
                    AttachmentSlot("house", _l("Copy of house registration"), required=True),
                    AttachmentSlot("bank_book", _l("Copy of the bank book"), required=True)),
             store=store_elderly),
    _service("hall_booking", _l("Hall or meeting room use"), "75", HallForm,
             description=_l("Ask to use the hall or a meeting room of the office."),
             slots=(AttachmentSlot("letter", _l("Request letter")),),
             store=store_hall, prepare_form=prepare_hall,
             form_help_template="tambon/hall_help.html", forwardable=False),
    _service("petition", _l("General petition"), "76", PetitionForm,
             description=_l("Any other request or complaint to the office."),
             slots=tuple(AttachmentSlot(f"file{i}", _l("Document %(n)s", n=i))
                         for i in (1, 2, 3)),
             guest_allowed=True, open311=True),
)



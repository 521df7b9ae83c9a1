"""The satisfaction survey (ประเมินความพึงพอใจ), a built-in feature an
agency can switch off with ``PORTAL_DISABLED_PLUGINS=survey``.

On completion the requester is invited by e-mail to rate the service; they
answer through the signed link or on their request's page, and may ask staff
to look at the request again. Staff see the answer on the process page and
the monthly averages under *ความพึงพอใจ*. Everything here goes through the
documented hooks; the table ``survey_response`` was made by the core's
migrations (011, 012) before the survey left the core, so there are no
migrations here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal import hookimpl
from portal.base import queue
from portal.i18n import show_iso
from portal.models import Request, StatusEvent, User
from portal.plugins import PageSection
from portal.requests import Status, requester_email
from portal.staff.requests import ReopenForm

from .admin import SurveyReportView
from .models import MODELS, SurveyResponse
from .views import bp, link_for


@hookimpl
def register_models() -> list[type]:
    return list(MODELS)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [bp]


# First of the plugins' entries: the staff menu keeps the report next to the
# core's own (it sat after "Overdue" while it was the core's).
@hookimpl(tryfirst=True)
def register_admin_views() -> list[Any]:
    return [SurveyReportView(name=_l("Satisfaction"), endpoint="satisfaction")]


@hookimpl
def request_changed(request: Request, old_status: str | None, new_status: str,
                    actor: User | None, remark: str) -> None:
    if new_status == Status.COMPLETED:
        queue(requester_email(request), "survey_invite", request, survey_url=link_for(request))


@hookimpl
def take_reopen_ask(request: Request, event: StatusEvent) -> bool | None:
    answered = (SurveyResponse.update(reopened_at=event.at)
                .where((SurveyResponse.request == request) & SurveyResponse.reopen_requested
                       & SurveyResponse.reopened_at.is_null()).execute())
    return True if answered else None


@hookimpl
def forget_request(request: Request) -> None:
    # The scores stay for the statistics; only the free text could name someone.
    SurveyResponse.update(comment="").where(SurveyResponse.request == request).execute()


@hookimpl
def request_personal_data(request: Request) -> dict[str, Any]:
    survey = SurveyResponse.get_or_none(SurveyResponse.request == request)
    return {"satisfaction": None if survey is None else {
        "speed": survey.speed, "courtesy": survey.courtesy,
        "clarity": survey.clarity, "overall": survey.overall,
        "comment": survey.comment, "at": show_iso(survey.created_at)}}


@hookimpl
def request_page_sections(request: Request, viewer: Any) -> list[PageSection]:
    if (request.status != Status.COMPLETED or request.requester_id is None
            or request.requester_id != getattr(viewer, "id", None)
            or SurveyResponse.select().where(SurveyResponse.request == request).exists()):
        return []
    html = Markup(render_template("survey/request_link.html", request_=request))
    return [PageSection(html, place="notice")]


@hookimpl
def process_page_sections(request: Request, user: User) -> list[PageSection]:
    survey = SurveyResponse.get_or_none(SurveyResponse.request == request)
    if survey is None:
        return []
    reopen_form = None
    if (request.status == Status.COMPLETED and survey.reopen_requested
            and survey.reopened_at is None):
        reopen_form = ReopenForm(formdata=None, version=request.version)
    html = Markup(render_template("survey/process_section.html", survey=survey,
                                  reopen_form=reopen_form, request_=request))
    return [PageSection(html, place="notice", order=10)]

"""ประเมินความพึงพอใจ: after completion the requester rates the service,
in the portal or through a signed, expiring e-mail link that needs no login."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import Length

from portal.base import public_url
from portal.db import database
from portal.forms import PortalForm, required
from portal.identity import access
from portal.models import Request
from portal.requests import Status

from .models import SurveyResponse

bp = Blueprint("survey", __name__)
LIFETIME = dt.timedelta(days=30)
SCORES = [(str(n), str(n)) for n in range(5, 0, -1)]
QUESTIONS = (("speed", _l("Speed of the service")), ("courtesy", _l("Courtesy of the staff")),
             ("clarity", _l("Clarity of the information")), ("overall", _l("Overall")))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="survey")


def token_for(request: Request) -> str:
    return _serializer().dumps(request.id)


def link_for(request: Request) -> str:
    return public_url("survey.answer", token=token_for(request))


class SurveyForm(PortalForm):
    speed = RadioField(QUESTIONS[0][1], [required()], choices=SCORES)
    courtesy = RadioField(QUESTIONS[1][1], [required()], choices=SCORES)
    clarity = RadioField(QUESTIONS[2][1], [required()], choices=SCORES)
    overall = RadioField(QUESTIONS[3][1], [required()], choices=SCORES)
    comment = TextAreaField(_l("Comment"), [Length(max=2000)])
    reopen = BooleanField(_l("I am not satisfied: please look at my request again"))


def _request_from(token: str) -> Request:
    try:
        request_id = _serializer().loads(token, max_age=int(LIFETIME.total_seconds()))
    except SignatureExpired:
        abort(410)
    except BadSignature:
        abort(404)
    return Request.get_or_none(Request.id == request_id) or abort(404)


def save(req: Request, form: SurveyForm) -> SurveyResponse | None:
    """One answer per request; None when it was answered already."""
    with database.atomic():
        if SurveyResponse.select().where(SurveyResponse.request == req).exists():
            return None
        return SurveyResponse.create(
            request=req, speed=int(form.speed.data), courtesy=int(form.courtesy.data),
            clarity=int(form.clarity.data), overall=int(form.overall.data),
            comment=(form.comment.data or "").strip(), reopen_requested=bool(form.reopen.data))


@bp.route("/survey/<token>", methods=["GET", "POST"])
def answer(token: str) -> Any:
    req = _request_from(token)
    if req.status != Status.COMPLETED:
        abort(404)
    return _answer(req, url_for("survey.answer", token=token))


@bp.route("/requests/<reference>/survey", methods=["GET", "POST"])
def answer_in_portal(reference: str) -> Any:
    req = access.request_or_404(reference)
    if not access.is_requester(current_user, req) or req.status != Status.COMPLETED:
        abort(404)
    return _answer(req, url_for("survey.answer_in_portal", reference=reference))


def _answer(req: Request, action: str) -> Any:
    done = SurveyResponse.get_or_none(SurveyResponse.request == req)
    form = SurveyForm()
    if done is None and form.validate_on_submit():
        if save(req, form) is not None:
            flash(_("Thank you for your answer."), "success")
            return redirect(action)
    return render_template("survey/answer.html", form=form, request_=req, done=done, action=action,
                           questions=QUESTIONS)


def averages(rows: list[SurveyResponse]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, _label in QUESTIONS:
        values = [getattr(r, key) for r in rows]
        out[key] = round(sum(values) / len(values), 2) if values else None
    return out

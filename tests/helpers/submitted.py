"""Requests made through a service's own form and the core's submission
code, without the pages in front of them: data for tests that look at
what comes after (staff lists, request pages), whatever the steps of the
requester's pages are."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.forms.fields import build_request_form
from portal.models import Agency, Request, User
from portal.requests.submission import submit

from .answers import answers


def submit_as(app: Flask, code: str, agency: Agency, citizen: User, nth: int = 0) -> Request:
    """``citizen``'s request for service ``code`` at ``agency``, answered as
    :func:`tests.helpers.answers.answers` answers it (files included)."""
    service = app.extensions["portal"].services[code]
    data: dict[str, Any] = answers(app, service, agency, nth=nth)
    with app.test_request_context(method="POST", data=data, content_type="multipart/form-data"):
        form = build_request_form(service)(meta={"csrf": False})
        if service.prepare_form:
            service.prepare_form(form, agency)
        assert form.validate(), (code, form.errors)
        return submit(service, agency, citizen, form)

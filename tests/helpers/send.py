"""Send a request form the way a person does now: the form, then the
"check your answers" page's button (portal.requests.drafts). One place for every
test that used to post the form once and expect a request."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

# The robot check is asked on the check page, not on the form.
ROBOT_FIELDS = ("captcha", "altcha")
CHECK_PAGE = re.compile(r"/check/[A-Za-z0-9_-]+$")


def is_check_page(response: Any) -> bool:
    return response.status_code == 302 and bool(
        CHECK_PAGE.search(response.headers.get("Location", "")))


def send_form(client: FlaskClient, url: str, data: dict[str, Any] | None = None,
              **kwargs: Any) -> Any:
    """Post the form at ``url``; when it is accepted, open the check page
    and press its button (with the robot-check answers in ``data``, if
    any). Returns the last response: the redirect after sending, or the
    page that refused (the form with its errors, or the check page)."""
    data = dict(data or {})
    robot = {k: data.pop(k) for k in ROBOT_FIELDS if k in data}
    follow = kwargs.pop("follow_redirects", False)
    kwargs.setdefault("content_type", "multipart/form-data")
    extra = {k: v for k, v in kwargs.items() if k in ("base_url", "headers")}
    first = client.post(url, data=data, **kwargs)
    if not is_check_page(first):
        if follow and 300 <= first.status_code < 400:
            return client.get(first.headers["Location"], follow_redirects=True, **extra)
        return first
    check = first.headers["Location"]
    page = client.get(check, **extra)
    if page.status_code != 200 or 'name="confirm"' not in page.get_data(as_text=True):
        return page  # the answers no longer pass (the form with its errors)
    return client.post(check, data={**robot, "confirm": "1"}, follow_redirects=follow, **extra)


def check_page(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Post the form and return the check page it leads to (not confirmed)."""
    kwargs.setdefault("content_type", "multipart/form-data")
    first = client.post(url, data=data, **kwargs)
    assert is_check_page(first), first.get_data(as_text=True)[-3000:]
    return first.headers["Location"], client.get(first.headers["Location"])


def sent_reference(response: Any) -> str:
    """The reference number a confirmed form leads to (the confirmation
    page, or the request's page for a correction)."""
    match = re.search(r"/requests/(?:sent/)?([0-9A-Z-]+)$", response.headers.get("Location", ""))
    assert response.status_code == 302 and match, response.get_data(as_text=True)[-3000:]
    return match.group(1)

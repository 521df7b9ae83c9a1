"""A guest's own request (sent without an account, SPEC §3e) after they
passed the status check in this browser: the result file and the correction
of a returned request. Nothing here is reachable without that check, and
each page is for the one request checked."""

from __future__ import annotations

from flask import Response, abort, redirect, url_for

from ...files import uploads
from ...models import Attachment, Request
from ...requests.pages import checked_in_session
from .views import bp, correction_page, guest_file_limit


def _guest_request(reference: str) -> Request | None:
    req = checked_in_session(reference)
    # A request of an account is its owner's, behind their sign-in.
    return req if req is not None and req.requester_id is None else None


@bp.get("/status/<reference>/files/<int:attachment_id>")
def guest_file(reference: str, attachment_id: int) -> Response:
    """A result file staff attached to the checked request, and only that."""
    req = _guest_request(reference) or abort(404)
    attachment = Attachment.get_or_none(
        (Attachment.id == attachment_id) & (Attachment.request == req.id)
        & Attachment.is_result & Attachment.replaced_at.is_null()) or abort(404)
    if attachment.purged_at is not None:
        abort(410)  # deleted under the agency's retention period
    return uploads.serve(attachment.stored_name, attachment.original_name,
                         attachment.content_type, allowed=True,
                         target=f"attachment:{attachment.id}",
                         detail=f"{req.reference} (status check)", agency=req.agency_id)


@bp.route("/status/<reference>/edit", methods=["GET", "POST"])
@guest_file_limit
def guest_edit(reference: str) -> str | Response:
    return _guest_correction(reference, None)


@bp.route("/status/<reference>/edit/check/<token>", methods=["GET", "POST"])
def guest_edit_check(reference: str, token: str) -> str | Response:
    return _guest_correction(reference, token)


def _guest_correction(reference: str, token: str | None) -> str | Response:
    req = _guest_request(reference)
    if req is None:
        return redirect(url_for("public.status_check", ref=reference[:32]))
    return correction_page(req, None, url_for("public.status_again", reference=req.reference),
                           "requester.guest_edit", "requester.guest_edit_check", token=token)

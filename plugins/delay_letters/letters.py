"""The delay letter itself (หนังสือแจ้งเรื่องล่าช้า): a sealed PDF, a history
line, the new due date and an e-mail to the requester."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import render_template

from portal.base import jobs
from portal.db import database
from portal.files import qr_svg_data_uri, render_pdf, uploads, verify
from portal.i18n import local_tz
from portal.models import Attachment, Request, StatusEvent, User
from portal.plugins import get_service
from portal.requests import Role, notify
from portal.thai import format_date, local_today

DELAY_SLOT = "delay_letter"


def send_delay_letter(req: Request, clerk: User, reason: str, new_date: dt.date) -> Attachment:
    """The letter as a verifiable PDF kept with the request for the requester,
    a history line, the new due date and an e-mail — one change."""
    store = uploads.store()
    with uploads.staged(store) as written, database.atomic():
        document = verify.reserve(f"result:delay:{req.reference}", req)
        html = render_template(
            "print/delay_letter.html", request_=req, service=get_service(req.service_code),
            reason=reason, new_date=new_date, today=local_today(local_tz()), clerk=clerk,
            verify_code=document.code, verify_url=verify.verify_url(document.code),
            verify_qr=qr_svg_data_uri(verify.verify_url(document.code)))
        pdf = verify.seal(document, render_pdf(html))
        checked = uploads.CheckedFile(data=pdf, original_name=f"แจ้งเรื่องล่าช้า-{req.reference}.pdf",
                                      content_type="application/pdf", extension="pdf")
        name = store.write(checked)
        written.append(name)
        letter = Attachment.create(request=req, slot=DELAY_SLOT,
                                   original_name=checked.original_name, stored_name=name,
                                   content_type="application/pdf", size=len(pdf),
                                   sha256=hashlib.sha256(pdf).hexdigest(), uploaded_by=clerk,
                                   is_result=True)
        remark = f"หนังสือแจ้งเรื่องล่าช้า: {reason} (คาดว่าจะแล้วเสร็จ {format_date(new_date)})"
        # A history line that changes no status: the clock moves, the state does not.
        StatusEvent.create(request=req, from_status=req.status, to_status=req.status,
                           actor=clerk, actor_role=Role.STAFF, remark=remark,
                           kind="delay")
        Request.update(due_date=new_date, due_at=None).where(Request.id == req.id).execute()
        req.due_date, req.due_at = new_date, None
        notify.queue(notify.requester_email(req), "delay", req, reason=reason,
                     new_date=new_date)
    jobs.kick()
    return letter

"""A throwaway plugin that implements every hook, as a third party would."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from markupsafe import Markup
from wtforms import StringField

from portal import hookimpl
from portal.forms.fields import ApplicantForm, required
from portal.plugins.services import (
    ApiBlueprint,
    AttachmentSlot,
    DashboardCard,
    MenuLink,
    PageAction,
    PageSection,
    Service,
    SignInOption,
)
from portal.staff.base import PortalBaseView

CALLS: list[tuple[Any, ...]] = []


class PetitionForm(ApplicantForm):
    subject = StringField("เรื่อง", [required()])


bp = Blueprint("sample", __name__)


@bp.get("/sample/hello")
def hello() -> str:
    return "สวัสดี"


@bp.post("/sample/form")
def form() -> str:
    return "saved"


# Programs call it with a key of their own: no CSRF token, a rate limit.
api = ApiBlueprint("sample_api", __name__, url_prefix="/sample/api", rate_limit="2 per minute")


@api.post("/echo")
def echo() -> str:
    return "echo"


class SampleAdmin(PortalBaseView):
    from flask_admin import expose

    @expose("/")
    def index(self) -> str:
        return "sample admin"


@hookimpl
def register_services() -> list[Service]:
    return [Service(code="sample_petition", title="คำร้องทั่วไป", form_class=PetitionForm,
                    ref_prefix="51", target_days=3,
                    slots=(AttachmentSlot("doc", "เอกสาร", kinds=("pdf",)),))]


@hookimpl
def register_models() -> list[type]:
    return []


@hookimpl
def register_migrations() -> None:
    return None


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [bp, api]


@hookimpl
def register_admin_views() -> list[Any]:
    return [SampleAdmin(name="Sample", endpoint="sample_admin")]


@hookimpl
def request_changed(request: Any, old_status: Any, new_status: str, actor: Any,
                    remark: str) -> None:
    CALLS.append((request.reference, old_status, new_status, remark))


@hookimpl
def menu_links(user: Any) -> list[MenuLink]:
    return [MenuLink(label="ลิงก์ทดสอบ", endpoint="sample.hello")]


@hookimpl
def sign_in_options() -> list[SignInOption]:
    return [SignInOption(label="เข้าสู่ระบบด้วยผู้ให้บริการทดสอบ", provider="sample",
                         endpoint="sample.hello")]


@hookimpl
def dashboard_cards(user: Any) -> list[DashboardCard]:
    return [DashboardCard(title="การ์ดทดสอบ", value=42)]


# People who asked for "sample chat" messages, and what was delivered.
CHAT_USERS: set[int] = set()
CHAT_SENT: list[tuple[str, str]] = []


@hookimpl
def message_channels(user: Any) -> list[tuple[str, str]]:
    return [("sample_chat", f"chat-{user.id}")] if user.id in CHAT_USERS else []


@hookimpl
def send_message(notification: Any) -> bool | None:
    if notification.channel != "sample_chat":
        return None
    if notification.recipient == "chat-down":
        raise ConnectionError("the chat service is down")
    CHAT_SENT.append((notification.recipient, notification.body_text))
    return True


@hookimpl
def forget_request(request: Any) -> None:
    CALLS.append(("forget", request.reference))


@hookimpl
def process_page_actions(request: Any, user: Any) -> list[PageAction]:
    if request.service_code != "sample_petition":
        return []
    return [PageAction(label="ปุ่มทดสอบ", endpoint="sample.hello",
                       values={"ref": request.reference, "by": user.id}, style="info")]


@hookimpl
def request_personal_data(request: Any) -> dict[str, Any]:
    # "files" is the core's: a plugin cannot replace it (it is dropped).
    return {"sample_note": f"note of {request.reference}", "files": "not the core's"}


# References whose requester asked this plugin to look at them again.
REOPEN_ASKS: set[str] = set()


@hookimpl
def take_reopen_ask(request: Any, event: Any) -> bool | None:
    if request.reference not in REOPEN_ASKS:
        return None
    REOPEN_ASKS.discard(request.reference)
    CALLS.append(("reopen", request.reference, event.kind))
    return True


def _sections(request: Any, who: str) -> list[PageSection]:
    if request.service_code != "sample_petition":
        return []
    return [PageSection(Markup(f'<p id="sample-{who}-{place}">{who} {place}</p>'), place=place,
                        order=order)
            for order, place in enumerate(("actions", "main", "notice"))] + [
        PageSection("<b>escaped</b>", place="main", order=-1)]


@hookimpl
def request_page_sections(request: Any, viewer: Any) -> list[PageSection]:
    return _sections(request, "requester" if viewer.id == request.requester_id else "other")


@hookimpl
def process_page_sections(request: Any, user: Any) -> list[PageSection]:
    return _sections(request, "staff")

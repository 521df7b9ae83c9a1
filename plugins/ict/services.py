"""The six request forms of the ICT Service Center (seed 001 §6.2–6.7).
Requesters are staff of the office's groups and of schools."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.forms import ApplicantForm, ThaiDateField, email_validator, required
from portal.models import Request
from portal.plugins import AttachmentSlot, Service

from . import workflows
from .models import RepairTicket

EQUIPMENT = [("", _l("— choose —")), ("desktop", _l("Desktop computer")),
             ("notebook", _l("Notebook")), ("printer", _l("Printer")),
             ("monitor", _l("Monitor")), ("ups", _l("UPS")),
             ("network", _l("Network equipment")), ("other", _l("Other"))]
LICENCES = [("", _l("— choose —")), ("free", _l("Free or open-source program")),
            ("agency", _l("Licence owned by the office")),
            ("requester", _l("Licence brought by the requester"))]
NEWS_KINDS = [("", _l("— choose —")), ("pr", _l("Public relations news")),
              ("announcement", _l("Announcement")), ("procurement", _l("Procurement")),
              ("jobs", _l("Job vacancies"))]
EDOC_ROLES = [("", _l("— choose —")), ("user", _l("User")),
              ("clerk", _l("Clerk of a group or school")), ("head", _l("Head of a group"))]


def text(label: Any, needed: bool = True, size: int = 255) -> StringField:
    return StringField(label, [required() if needed else Optional(), Length(max=size)])


def long_text(label: Any, needed: bool = True) -> TextAreaField:
    return TextAreaField(label, [required() if needed else Optional(), Length(max=4000)])


class UnitForm(ApplicantForm):
    unit = text(_l("Group / school"))


class RepairForm(UnitForm):
    asset_number = text(_l("Asset number"))
    serial_number = text(_l("Serial number"), needed=False)
    equipment = SelectField(_l("Type of equipment"), [required()], choices=EQUIPMENT)
    brand_model = text(_l("Brand / model"), needed=False)
    location = text(_l("Where it is"))
    symptom = long_text(_l("What is wrong"))


class WebsiteForm(UnitForm):
    page = text(_l("Page or menu of the website"))
    content = long_text(_l("Content to show"))
    publish_by = ThaiDateField(_l("Wanted online by"), [Optional()])


class NewsForm(UnitForm):
    kind = SelectField(_l("Kind of news"), [required()], choices=NEWS_KINDS)
    headline = text(_l("Headline"))
    content = long_text(_l("News text"))
    publish_by = ThaiDateField(_l("Wanted online by"), [Optional()])


class SoftwareForm(UnitForm):
    software = text(_l("Program and version"))
    asset_number = text(_l("Asset number of the computer"))
    location = text(_l("Where it is"))
    licence = SelectField(lazy_pgettext("software", "Licence"), [required()], choices=LICENCES)
    reason = long_text(_l("What it is needed for"))


class AppDevForm(UnitForm):
    need = long_text(_l("What the program or database should do"))
    users = text(_l("Who will use it"))
    data = long_text(_l("Data it works with"), needed=False)
    wanted_by = ThaiDateField(_l("Wanted by"), [Optional()])


class EdocForm(UnitForm):
    position = text(_l("Position"))
    email = StringField(_l("E-mail"), [required(), email_validator(), Length(max=255)])
    role = SelectField(_l("Access requested"), [required()], choices=EDOC_ROLES)
    reason = long_text(_l("Reason"), needed=False)


def store_repair(request: Request, answers: dict[str, Any]) -> None:
    values = {k: answers.get(k) or "" for k in ("asset_number", "equipment", "location")}
    (RepairTicket.insert(request=request, **values)
     .on_conflict(conflict_target=[RepairTicket.request],
                  update={getattr(RepairTicket, k): v for k, v in values.items()}).execute())


def _other(n: int) -> tuple[AttachmentSlot, ...]:
    return tuple(AttachmentSlot(f"other{i}", _l("Other document %(n)s", n=i))
                 for i in range(1, n + 1))


SERVICES = (
    Service(code="ict_repair", title=_l("Computer and peripheral repair"),
            description=_l("Report a broken computer, printer or other equipment."),
            form_class=RepairForm, ref_prefix="61", target_days=5,
            slots=(AttachmentSlot("photo", _l("Photo of the problem"), kinds=("jpg", "png")),
                   *_other(1)),
            steps=workflows.REPAIR, store=store_repair, print_template="ict/repair_print.html"),
    Service(code="ict_website", title=_l("Website maintenance"),
            description=_l("Ask for a page of the office's website to be added or changed."),
            form_class=WebsiteForm, ref_prefix="62", target_days=5,
            slots=(AttachmentSlot("content_file", _l("Content file")), *_other(2)),
            steps=workflows.WEBSITE),
    Service(code="ict_software", title=_l("Software installation"),
            description=_l("Ask for a program to be installed on an office computer."),
            form_class=SoftwareForm, ref_prefix="63", target_days=3,
            slots=(AttachmentSlot("licence", _l("Licence document")),),
            steps=workflows.SOFTWARE),
    Service(code="ict_news", title=_l("News publishing on the website"),
            description=_l("Send news, announcements or pictures for the office's website."),
            form_class=NewsForm, ref_prefix="64", target_days=2,
            slots=(AttachmentSlot("picture1", _l("Picture 1"), kinds=("jpg", "png")),
                   AttachmentSlot("picture2", _l("Picture 2"), kinds=("jpg", "png")),
                   AttachmentSlot("document", _l("Document"))),
            steps=workflows.NEWS),
    Service(code="ict_appdev", title=_l("Application and database development"),
            description=_l("Ask for a program or database for your work."),
            form_class=AppDevForm, ref_prefix="65", target_days=30,
            slots=_other(2), steps=workflows.APP_DEV),
    Service(code="ict_edoc", title=_l("E-document system account"),
            description=_l("Ask for an account of the electronic correspondence system."),
            form_class=EdocForm, ref_prefix="66", target_days=3,
            slots=(AttachmentSlot("approval", _l("Approval of the head of the unit")),),
            steps=workflows.EDOC),
)

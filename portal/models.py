"""Core tables only: who you are, and what a request is.

A plugin keeps the columns it queries in its own model, linked one-to-one to
:class:`Request`; plain answers live in ``Request.payload``.
"""

from __future__ import annotations

import json
from typing import Any

import peewee as pw
from flask_login import UserMixin

from .db import BaseModel
from .i18n import agency_name
from .thai import utcnow


class JSONTextField(pw.TextField):
    """JSON kept as text, so SQLite and PostgreSQL store it the same way."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


LEVELS = ("ministry", "department", "agency", "service_point")


class Agency(BaseModel):
    """An office in the state's tree: ministry › department › agency ›
    service point (seed 003)."""

    code = pw.CharField(max_length=40, unique=True)
    name_th = pw.CharField(max_length=255)  # display name (Thai)
    name_en = pw.CharField(max_length=255, default="")
    full_name = pw.CharField(max_length=500, default="")
    level = pw.CharField(max_length=20, default="agency")
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    address = pw.TextField(default="")
    address_en = pw.TextField(default="")
    phone = pw.CharField(max_length=60, default="")
    email = pw.CharField(max_length=255, default="")  # for the public to write to
    email_dga = pw.CharField(max_length=255, default="")  # registered with DGA
    email_complaint = pw.CharField(max_length=255, default="")  # complaint intake
    website = pw.CharField(max_length=255, default="")
    fax = pw.CharField(max_length=60, default="")
    # The agency record of seed 003 (info.go.th's จัดการหน่วยงาน form).
    org_type = pw.CharField(max_length=40, default="")  # ORG_TYPES
    org_subtype = pw.CharField(max_length=100, default="")  # e.g. ส่วนราชการส่วนกลาง
    office_hours = pw.CharField(max_length=255, default="")  # หมายเหตุ (เวลาทำการ)
    # Off: left out of every public list (its own pages still answer, so
    # printed QR codes keep working).
    displayed = pw.BooleanField(default=True)
    key_service_point = pw.BooleanField(default=False)
    is_school = pw.BooleanField(default=False)
    gecc_level = pw.CharField(max_length=10, default="")  # ศูนย์ราชการสะดวก: GECC_LEVELS
    is_central = pw.BooleanField(default=False)  # หน่วยงานส่วนกลาง
    serves_public = pw.BooleanField(default=True)
    suspended = pw.BooleanField(default=False)
    # Files of a request closed this many days ago are deleted (PDPA: keep
    # no longer than needed); None keeps them.
    attachment_retention_days = pw.IntegerField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "agency"

    def __str__(self) -> str:
        return agency_name(self)


class User(BaseModel, UserMixin):
    national_id = pw.CharField(max_length=13, unique=True)
    title = pw.CharField(max_length=40)
    first_name = pw.CharField(max_length=100)
    last_name = pw.CharField(max_length=100)
    phone = pw.CharField(max_length=20, default="")
    email = pw.CharField(max_length=255, default="")
    password_hash = pw.CharField(max_length=255)
    is_system_admin = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    pdpa_consent_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    # Set when the person deleted their account: the row stays, anonymised,
    # so the agency's statistics still count their requests.
    deleted_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "users"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active)

    # The key of the sign-in this object was loaded for (not a column):
    # Flask-Login stores get_id() in the cookie, so each sign-in gets its own.
    login_key: str = ""

    def get_id(self) -> str:
        return f"{self.id}:{self.login_key}"

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return self.full_name


class Membership(BaseModel):
    """A staff member's place in an agency; ``role`` is staff or agency_admin."""

    user = pw.ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    agency = pw.ForeignKeyField(Agency, backref="memberships", on_delete="CASCADE")
    role = pw.CharField(max_length=20, default="staff")
    # Lists and exports show national IDs masked unless the agency admin
    # says this person's work needs the full number (PDPA: least access).
    sees_national_ids = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "membership"
        indexes = ((("user", "agency"), True),)


class MembershipService(BaseModel):
    """The services a staff member handles in that agency."""

    membership = pw.ForeignKeyField(Membership, backref="services", on_delete="CASCADE")
    service_code = pw.CharField(max_length=40)

    class Meta:
        table_name = "membership_service"
        indexes = ((("membership", "service_code"), True),)


class AgencyService(BaseModel):
    """Whether an agency offers a service, with its own target if it sets one."""

    agency = pw.ForeignKeyField(Agency, backref="service_settings", on_delete="CASCADE")
    service_code = pw.CharField(max_length=40)
    enabled = pw.BooleanField(default=True)
    target_days = pw.IntegerField(null=True)
    target_minutes = pw.IntegerField(null=True)
    # Shown on the form and the printed request (seed 004).
    officer_name = pw.CharField(max_length=255, default="")
    officer_phone = pw.CharField(max_length=60, default="")
    division = pw.CharField(max_length=255, default="")

    class Meta:
        table_name = "agency_service"
        indexes = ((("agency", "service_code"), True),)


class ServiceDocument(BaseModel):
    """A file an agency publishes with one of its services: the manual
    (คู่มือสำหรับประชาชน, Licensing Facilitation Act B.E. 2558 §7) or the
    blank paper form (seed 000). One of each kind per service; a new upload
    replaces the old."""

    agency = pw.ForeignKeyField(Agency, backref="service_documents", on_delete="CASCADE")
    service_code = pw.CharField(max_length=40)
    kind = pw.CharField(max_length=10)  # SERVICE_DOCUMENT_KINDS
    original_name = pw.CharField(max_length=255)
    stored_name = pw.CharField(max_length=80, unique=True)
    content_type = pw.CharField(max_length=60)
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    uploaded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    uploaded_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "service_document"
        indexes = ((("agency", "service_code", "kind"), True),)


class Request(BaseModel):
    reference = pw.CharField(max_length=32, unique=True)
    service_code = pw.CharField(max_length=40)
    agency = pw.ForeignKeyField(Agency, backref="requests", on_delete="RESTRICT")
    requester = pw.ForeignKeyField(User, null=True, backref="requests", on_delete="SET NULL")
    # Copied from the form so lists and searches need no join, and so a
    # request recorded on someone's behalf still has a name.
    applicant_name = pw.CharField(max_length=255)
    contact_phone = pw.CharField(max_length=20, default="")
    status = pw.CharField(max_length=20)
    payload = JSONTextField(default=dict)
    version = pw.IntegerField(default=1)
    submitted_at = pw.DateTimeField(default=utcnow)
    status_changed_at = pw.DateTimeField(default=utcnow)
    due_date = pw.DateField(null=True)
    # Only for targets in minutes (seed 004); see portal.requests.clock.
    due_at = pw.DateTimeField(null=True)
    staff_message = pw.TextField(default="")
    channel = pw.CharField(max_length=20, default="web")
    # The service whose form the answers were written on, once the request
    # was forwarded to another service ("" = ``service_code``).
    form_code = pw.CharField(max_length=40, default="")

    class Meta:
        table_name = "request"
        indexes = (
            (("requester", "submitted_at"), False),
            (("agency", "submitted_at"), False),
            (("agency", "service_code", "status"), False),
            (("agency", "status", "due_date"), False),
            (("agency", "status", "submitted_at"), False),
        )


class StatusEvent(BaseModel):
    """One line of a request's history: who did what, when, and why."""

    request = pw.ForeignKeyField(Request, backref="events", on_delete="CASCADE")
    from_status = pw.CharField(max_length=20, null=True)
    to_status = pw.CharField(max_length=20)
    actor = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    actor_role = pw.CharField(max_length=20)
    at = pw.DateTimeField(default=utcnow)
    remark = pw.TextField(default="")
    # On a resubmission: the labels of the answers and files that changed.
    changes = JSONTextField(default=list)
    # "status", or a line that is not a status change: "forward", "reopen".
    kind = pw.CharField(max_length=20, default="status")

    class Meta:
        table_name = "status_event"


class Attachment(BaseModel):
    request = pw.ForeignKeyField(Request, backref="attachments", on_delete="CASCADE")
    slot = pw.CharField(max_length=40)
    original_name = pw.CharField(max_length=255)
    stored_name = pw.CharField(max_length=80, unique=True)
    content_type = pw.CharField(max_length=60)
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    uploaded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    uploaded_at = pw.DateTimeField(default=utcnow)
    is_result = pw.BooleanField(default=False)
    # Set when the requester sends a new file for the same slot.
    replaced_at = pw.DateTimeField(null=True)
    # The file was deleted under the agency's retention setting; the row
    # stays so the page can say what was there and when it went.
    purged_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "attachment"
        indexes = ((("request", "slot"), False),)


class Holiday(BaseModel):
    """Days off for the service-level clock; agency NULL = nationwide."""

    agency = pw.ForeignKeyField(Agency, null=True, on_delete="CASCADE")
    day = pw.DateField()
    name = pw.CharField(max_length=255)

    class Meta:
        table_name = "holiday"
        indexes = ((("agency", "day"), True),)


class LoginSession(BaseModel):
    """One sign-in of one browser. The cookie holds the random key; only its
    hash is stored, so a copy of the database does not sign anyone in.
    Logout or a password change ends the row, and the cookie with it."""

    key_hash = pw.CharField(max_length=64, unique=True)
    user = pw.ForeignKeyField(User, on_delete="CASCADE", backref="login_sessions")
    created_at = pw.DateTimeField(default=utcnow)
    ip = pw.CharField(max_length=64, default="")
    user_agent = pw.CharField(max_length=200, default="")
    ended_at = pw.DateTimeField(null=True)
    # Idle limit fixed at sign-in (staff get a shorter one); last use kept
    # to the minute, so a busy page does not write on every request.
    last_seen_at = pw.DateTimeField(null=True)
    idle_minutes = pw.IntegerField(default=120)

    class Meta:
        table_name = "login_session"


class ExternalAccount(BaseModel):
    """An account at an outside identity provider (ThaID, Digital ID, LINE)
    linked to a portal user: signing in there signs in here."""

    provider = pw.CharField(max_length=40)
    subject = pw.CharField(max_length=255)  # the provider's stable ``sub``
    user = pw.ForeignKeyField(User, backref="external_accounts", on_delete="CASCADE")
    display_name = pw.CharField(max_length=200, default="")
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "external_account"
        indexes = ((("provider", "subject"), True), (("user", "provider"), True))


class LoginThrottle(BaseModel):
    """Failed logins per national ID, in the database so every process sees it."""

    key = pw.CharField(max_length=64, primary_key=True)
    failures = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    last_failure_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "login_throttle"


class RobotChallenge(BaseModel):
    """An issued robot-check challenge (portal.identity.captcha): deleted by
    the first answer to it, right or wrong, or swept once it has expired."""

    id = pw.CharField(max_length=64, primary_key=True)
    kind = pw.CharField(max_length=10)  # "image" or "altcha"
    answer_hash = pw.CharField(max_length=64, default="")  # HMAC of the picture's digits
    expires_at = pw.BigIntegerField(index=True)  # Unix seconds: compared without time zones

    class Meta:
        table_name = "robot_challenge"
        derived = True  # minutes-long and worthless after a restore: not backed up


class PasswordReset(BaseModel):
    """A way to set a new password without the old one: a link (sent by
    e-mail and LINE, by an agency admin, or printed for the operator) or a
    short code staff give at the counter. Only a keyed hash of the secret is
    kept; the first use spends it (``used_at``), and so does any other
    password change, so no older link outlives the password it was for."""

    user = pw.ForeignKeyField(User, on_delete="CASCADE", backref="password_resets")
    token_hash = pw.CharField(max_length=64, unique=True)
    purpose = pw.CharField(max_length=20)  # see portal.identity.reset
    created_at = pw.DateTimeField(default=utcnow)
    expires_at = pw.DateTimeField()
    used_at = pw.DateTimeField(null=True)
    # The staff member, agency admin or nobody (self-service, the operator).
    issued_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL",
                                   backref="issued_password_resets")

    class Meta:
        table_name = "password_reset"
        derived = True  # half an hour long and worthless after a restore: not backed up


class AuditLog(BaseModel):
    at = pw.DateTimeField(default=utcnow, index=True)
    actor = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    ip = pw.CharField(max_length=64, default="")
    action = pw.CharField(max_length=40, index=True)
    target = pw.CharField(max_length=120, default="")
    detail = pw.TextField(default="")
    # The agency the action concerned, whoever did it: an agency admin reads
    # the entries of the agencies they administer. NULL (a sign-in, a
    # person's data export, system settings) is for system admins only.
    # SET NULL: a deleted agency's id may be given to a new agency.
    agency = pw.ForeignKeyField(Agency, null=True, on_delete="SET NULL", index=False)

    class Meta:
        table_name = "audit_log"
        # The view's scope and order: an agency's entries, newest first.
        indexes = ((("agency", "at"), False),)


class Resource(BaseModel):
    """Something a request books by time: a meeting room, a hall, an
    executive's diary. ``kind`` says which plugin's list it belongs to."""

    agency = pw.ForeignKeyField(Agency, backref="resources", on_delete="CASCADE")
    kind = pw.CharField(max_length=40)
    name = pw.CharField(max_length=255)
    capacity = pw.IntegerField(null=True)
    details = pw.TextField(default="")  # equipment of a room, position of an executive
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "resource"
        indexes = ((("agency", "kind", "active"), False),)

    def __str__(self) -> str:
        return self.name


class ResourceHours(BaseModel):
    """When a resource can be booked: weekday (0 = Monday), a daily window
    and, for appointments, the length of one slot."""

    resource = pw.ForeignKeyField(Resource, backref="hours", on_delete="CASCADE")
    weekday = pw.IntegerField()
    start_time = pw.TimeField()
    end_time = pw.TimeField()
    slot_minutes = pw.IntegerField(default=30)

    class Meta:
        table_name = "resource_hours"


class Booking(BaseModel):
    """The time a request holds on a resource: every day from ``start_date``
    to ``end_date``, from ``start_time`` to ``end_time``. It holds only while
    its request is pending or completed (see :mod:`portal.requests.booking`)."""

    resource = pw.ForeignKeyField(Resource, backref="bookings", on_delete="RESTRICT")
    request = pw.ForeignKeyField(Request, unique=True, backref="booking", on_delete="CASCADE")
    start_date = pw.DateField()
    end_date = pw.DateField()
    start_time = pw.TimeField()
    end_time = pw.TimeField()

    class Meta:
        table_name = "booking"
        indexes = ((("resource", "start_date", "end_date"), False),)


class StepEvent(BaseModel):
    """A ticked work step: which, with what outcome, by whom, when."""

    request = pw.ForeignKeyField(Request, backref="steps", on_delete="CASCADE")
    step = pw.CharField(max_length=40)
    outcome = pw.CharField(max_length=40, default="")
    note = pw.TextField(default="")
    value = pw.CharField(max_length=500, default="")
    actor = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "step_event"
        indexes = ((("request", "at"), False),)


class Notification(BaseModel):
    """An e-mail waiting to go out (a transactional outbox): written in the
    same transaction as the change it reports, so it cannot be lost; sent
    and retried by the background job until the mail server takes it."""

    # "email", or a chat channel a plugin delivers (``send_message``): then
    # ``recipient`` is that channel's address, e.g. a LINE user id.
    channel = pw.CharField(max_length=20, default="email")
    recipient = pw.CharField(max_length=255)
    subject = pw.CharField(max_length=500)
    body_text = pw.TextField()
    body_html = pw.TextField(default="")
    request = pw.ForeignKeyField(Request, null=True, on_delete="CASCADE")
    created_at = pw.DateTimeField(default=utcnow)
    sent_at = pw.DateTimeField(null=True)
    attempts = pw.IntegerField(default=0)
    next_attempt_at = pw.DateTimeField(default=utcnow)
    last_error = pw.TextField(default="")

    class Meta:
        table_name = "notification"
        indexes = ((("sent_at", "next_attempt_at"), False),)


class CannedReply(BaseModel):
    """A ready-made message for staff: per service and status (empty = any),
    with placeholders {name}, {reference}, {service}, {status}."""

    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE")
    service_code = pw.CharField(max_length=40, default="")
    status = pw.CharField(max_length=20, default="")
    title = pw.CharField(max_length=255)
    body = pw.TextField()

    class Meta:
        table_name = "canned_reply"


class IssuedDocument(BaseModel):
    """A document the portal handed out (a printed request, a result file):
    its verification code and the SHA-256 of the exact bytes issued."""

    code = pw.CharField(max_length=16, unique=True)
    request = pw.ForeignKeyField(Request, null=True, on_delete="CASCADE")
    title = pw.CharField(max_length=255)
    sha256 = pw.CharField(max_length=64, default="")
    issued_at = pw.DateTimeField(default=utcnow)
    # The version of the request a printout shows: printing it again hands
    # out the same document instead of a new row and a new rendering.
    request_version = pw.IntegerField(null=True)

    class Meta:
        table_name = "issued_document"


class Notice(BaseModel):
    """A line in a person's in-portal notifications (the bell)."""

    user = pw.ForeignKeyField(User, backref="notices", on_delete="CASCADE")
    request = pw.ForeignKeyField(Request, null=True, on_delete="CASCADE")
    # What happened, read in the reader's language (portal.requests.notify.notice_text);
    # ``text`` is its Thai wording, kept for notices from before kinds.
    kind = pw.CharField(max_length=40, default="")
    facts = JSONTextField(default=dict)
    text = pw.CharField(max_length=500)
    created_at = pw.DateTimeField(default=utcnow)
    read_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "notice"
        indexes = ((("user", "read_at"), False),)


class RequestCount(BaseModel):
    """Requests per agency, service and status for the staff dashboard.

    Written only by database triggers on ``request`` (migration 016), never
    by the app; ``derived`` keeps it out of backups, since a restore's
    inserts rebuild it.
    """

    agency_id = pw.IntegerField()
    service_code = pw.CharField(max_length=40)
    status = pw.CharField(max_length=20)
    n = pw.IntegerField(default=0)

    class Meta:
        table_name = "request_count"
        primary_key = pw.CompositeKey("agency_id", "service_code", "status")
        derived = True


class Draft(BaseModel):
    """A request form as its browser last sent it, between the form and the
    "check your answers" page (portal.requests.drafts): nothing is a request until
    the person confirms. Owned by one browser session (``holder`` is a hash
    of a random key in its cookie) and, when signed in, one person; swept a
    day after its last change."""

    token = pw.CharField(max_length=64, unique=True)  # in the page's URL and form
    holder = pw.CharField(max_length=64, index=True)
    user = pw.ForeignKeyField(User, null=True, on_delete="CASCADE", backref="drafts")
    agency = pw.ForeignKeyField(Agency, on_delete="CASCADE", backref="+")
    service_code = pw.CharField(max_length=40)
    # The returned request being corrected; None for a new request.
    request = pw.ForeignKeyField(Request, null=True, on_delete="CASCADE", backref="+")
    formdata = JSONTextField(default=dict)  # name -> list of values, as posted
    updated_at = pw.DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "draft"
        derived = True  # a day long and worthless after a restore: not backed up


class HeldFile(BaseModel):
    """A file that passed the upload checks, kept in the file store for its
    draft until the request is sent (it then becomes an Attachment with the
    same stored name) or the draft is swept."""

    draft = pw.ForeignKeyField(Draft, on_delete="CASCADE", backref="held_files")
    slot = pw.CharField(max_length=40)
    original_name = pw.CharField(max_length=255)
    stored_name = pw.CharField(max_length=80, unique=True)
    content_type = pw.CharField(max_length=60)
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "held_file"
        indexes = ((("draft", "slot"), True),)
        derived = True


class ServiceGeneration(BaseModel):
    """One row: how many times the services made from data changed
    (portal.plugins.registry). Every process compares it with the one it
    loaded, once per app context."""

    name = pw.CharField(max_length=20, primary_key=True)
    generation = pw.BigIntegerField(default=0)

    class Meta:
        table_name = "service_generation"
        derived = True  # any value other than the one loaded makes a reload


CORE_MODELS: tuple[type[pw.Model], ...] = (
    Agency, User, Membership, MembershipService, AgencyService, ServiceDocument, Request,
    StatusEvent, Attachment, Holiday, LoginSession, ExternalAccount, LoginThrottle, RobotChallenge,
    PasswordReset, AuditLog,
    Resource, ResourceHours, Booking, StepEvent, Notification, CannedReply,
    IssuedDocument, Notice, RequestCount, Draft, HeldFile, ServiceGeneration,
)


def current_files(request: Request) -> list[Attachment]:
    """A request's files as they stand: each slot's latest, and the results."""
    return list(Attachment.select().where(
        (Attachment.request == request) & Attachment.replaced_at.is_null())
        .order_by(Attachment.id))

"""A province-sized install for load tests: ``flask seed``.

Twenty agencies (education area offices and sub-district administrations),
every service switched on, tens of thousands of citizens with Thai names and
addresses (Faker's ``th_TH``), and a million requests spread over two years
with their status histories, written with bulk inserts in batches.

Answers come from each service's own form (its fields and, after
``prepare_form``, its choices for that agency), so a new plugin's service is
seeded without new code. Plugin side tables (a room booking's slot, an
elderly registration) are not filled: the load test exercises the core pages,
and a plugin page tolerates a request without its side row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FileField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    TimeField,
)

from portal.db import database, is_postgres
from portal.forms.fields import answer_fields, blank_form
from portal.identity.access import AGENCY_ADMIN, STAFF
from portal.identity.passwords import hash_password
from portal.models import Agency, Membership, MembershipService, Request, StatusEvent, User
from portal.plugins.manager import all_services, plugin_manager
from portal.plugins.services import Service
from portal.requests.catalogue import set_enabled
from portal.requests.lifecycle import (
    Role,
    Status,
    add_working_days,
    holidays_between,
    new_reference,
)
from portal.thai import national_id_check_digit, utcnow

SEED_PASSWORD = "seed-pass-2567"
HEAVY_REQUESTS = 200  # the requester whose list the benchmark pages through
BATCH = 1000

PROVINCES = ("ยโสธร", "ขอนแก่น", "เชียงใหม่", "นครราชสีมา", "สงขลา", "อุบลราชธานี",
             "ลำปาง", "สุราษฎร์ธานี", "ชลบุรี", "พิษณุโลก")

# What happened to a request, by its status now (SPEC §2's six statuses).
PATHS: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (Status.SUBMITTED,),
    Status.IN_PROGRESS: (Status.SUBMITTED, Status.IN_PROGRESS),
    Status.RETURNED: (Status.SUBMITTED, Status.IN_PROGRESS, Status.RETURNED),
    Status.RESUBMITTED: (Status.SUBMITTED, Status.IN_PROGRESS, Status.RETURNED,
                         Status.RESUBMITTED),
    Status.COMPLETED: (Status.SUBMITTED, Status.IN_PROGRESS, Status.COMPLETED),
    Status.CANCELLED: (Status.SUBMITTED, Status.CANCELLED),
}
REMARKS = {
    Status.IN_PROGRESS: "รับเรื่องแล้ว กำลังตรวจสอบเอกสาร",
    Status.RETURNED: "กรุณาแนบสำเนาบัตรประจำตัวประชาชนที่ชัดเจน",
    Status.RESUBMITTED: "แนบเอกสารใหม่แล้ว",
    Status.COMPLETED: "ดำเนินการเรียบร้อย สามารถรับเอกสารได้ที่สำนักงาน",
    Status.CANCELLED: "ยื่นซ้ำ ขอยกเลิก",
}


def _seed_id(kind: int, n: int) -> str:
    """Valid, checksummed IDs in a block no demo or real test account uses."""
    first12 = f"{kind}9{n:010d}"
    return first12 + national_id_check_digit(first12)


def _now_status(age_days: float, rng: random.Random) -> str:
    """Old requests are mostly finished; this week's are mostly open."""
    if age_days > 30:
        return rng.choices([Status.COMPLETED, Status.CANCELLED, Status.RETURNED],
                           [90, 8, 2])[0]
    return rng.choice(list(PATHS))


@dataclass
class ThaiPeople:
    """Pools of Thai names, addresses and sentences, drawn once from Faker
    (a Faker call per row would take longer than the inserts)."""

    rng: random.Random
    size: int = 3000
    titles: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        from faker import Faker

        fake = Faker("th_TH")
        fake.seed_instance(self.rng.randrange(1 << 30))
        for _ in range(self.size):
            self.first.append(fake.first_name())
            self.last.append(fake.last_name())
            self.addresses.append(fake.address().replace("\n", " "))
        self.titles = ["นาย", "นาง", "นางสาว"]

    def phone(self) -> str:
        return f"0{self.rng.choice('689')}{self.rng.randrange(10**8):08d}"

    def person(self) -> dict[str, str]:
        return {"title": self.rng.choice(self.titles), "first_name": self.rng.choice(self.first),
                "last_name": self.rng.choice(self.last), "phone": self.phone()}


def _answer_maker(service: Service, agency: Agency, people: ThaiPeople,
                  rng: random.Random) -> Callable[[dt.date], dict[str, Any]]:
    """A function that writes plausible answers to this service's form."""
    form = blank_form(service, agency)
    makers: list[tuple[str, Callable[[dt.date], Any]]] = []
    for f in answer_fields(form):
        if isinstance(f, FileField | HiddenField) or f.name in {
                "national_id", "title", "first_name", "last_name", "phone"}:  # the owner's
            continue
        choices = [str(k) for k, _v in (getattr(f, "choices", None) or []) if str(k)]
        name = f.name
        if isinstance(f, SelectMultipleField) and choices:
            makers.append((name, lambda _d, c=choices: rng.sample(c, 1)))
        elif choices:
            makers.append((name, lambda _d, c=choices: rng.choice(c)))
        elif isinstance(f, BooleanField):
            makers.append((name, lambda _d: True))
        elif isinstance(f, DateField):
            makers.append((name, lambda d: (d + dt.timedelta(days=rng.randrange(3, 30)))
                           .isoformat()))
        elif isinstance(f, TimeField):
            makers.append((name, lambda _d: f"{rng.randrange(9, 16):02d}:00"))
        elif isinstance(f, IntegerField | DecimalField):
            makers.append((name, lambda _d: rng.randrange(1, 60)))
        elif "address" in name or "location" in name or "place" in name:
            makers.append((name, lambda _d: rng.choice(people.addresses)))
        elif "email" in name:
            makers.append((name, lambda _d: f"user{rng.randrange(10**6)}@example.go.th"))
        elif "national_id" in name:
            makers.append((name, lambda _d: _seed_id(3, rng.randrange(10**9))))
        else:
            makers.append((name, lambda _d, label=str(f.label.text):
                           f"{label} {rng.choice(people.first)}"[:90]))

    def answers(day: dt.date) -> dict[str, Any]:
        return {name: make(day) for name, make in makers}

    return answers


def _agencies(count: int, services: list[str], rng: random.Random) -> list[Agency]:
    parent, _ = Agency.get_or_create(code="seed-province", defaults={
        "name_th": "สำนักงานจังหวัดทดสอบ", "name_en": "Seed Province Office",
        "level": "department"})
    made = []
    for i in range(1, count + 1):
        province = PROVINCES[i % len(PROVINCES)]
        if i % 2:
            name = f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา{province} เขต {i // 2 + 1}"
        else:
            name = f"องค์การบริหารส่วนตำบลบ้าน{rng.choice(('โนน', 'หนอง', 'ดอน', 'นา'))}{i}"
        agency, _ = Agency.get_or_create(code=f"seed{i:02d}", defaults={
            "name_th": name, "parent": parent, "phone": f"045-{rng.randrange(10**6):06d}",
            "address": f"{rng.randrange(1, 400)} หมู่ {rng.randrange(1, 15)} จังหวัด{province}"})
        for code in services:
            set_enabled(agency, code, True)
        plugin_manager().hook.demo_data(agency=agency)
        made.append(agency)
    return made


def _insert(model: type, rows: list[dict[str, Any]], per_statement: int = 400) -> None:
    """Multi-row INSERTs written directly: peewee's query builder costs more
    per value than the database does (measured: 70 % of a seed's time).
    Values still go through each field's ``db_value``, so they are stored
    exactly as the app stores them."""
    if not rows:
        return
    names = list(rows[0])
    # The defaults insert_many would add (created_at, active, version...).
    defaults = {f.name: f.default for f in model._meta.sorted_fields
                if f.name not in names and not f.primary_key and f.default is not None}
    names += list(defaults)
    fields = [model._meta.fields[n] for n in names]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    one = "(" + ", ".join([database.param] * len(fields)) + ")"

    def value(row: dict[str, Any], f: Any) -> Any:
        if f.name in row:
            return f.db_value(row[f.name])
        default = defaults[f.name]
        return f.db_value(default() if callable(default) else default)

    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        params = [value(row, f) for row in chunk for f in fields]
        database.execute_sql(
            f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES '
            + ", ".join([one] * len(chunk)), params)


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class SeedReport:
    agencies: list[Agency]
    requests: int
    events: int
    citizens: int
    heavy_national_id: str
    staff: list[tuple[str, str]]  # (agency code, clerk's national ID)
    samples: list[tuple[str, str]]  # (reference, last four phone digits)


def seed(requests: int = 1_000_000, agencies: int = 20, seed_value: int = 2567,
         progress: Callable[[int], None] | None = None) -> SeedReport:
    """Fill the database with ``requests`` requests over ``agencies`` agencies.

    Refuses to run twice on one database (the seeded IDs would clash). Each
    batch commits on its own: a stopped run leaves whole requests, each with
    its full history, and nothing half-written.
    """
    if Agency.select().where(Agency.code == "seed01").exists():
        raise RuntimeError("this database is already seeded")
    rng = random.Random(seed_value)
    people = ThaiPeople(rng)
    services = sorted(all_services())
    catalogue = all_services()
    pw_hash = hash_password(SEED_PASSWORD)
    now = utcnow()

    with database.atomic():
        offices = _agencies(agencies, services, rng)
        staff = []
        for n, agency in enumerate(offices):
            for role, kind in ((STAFF, 4), (AGENCY_ADMIN, 5)):
                user = User.create(national_id=_seed_id(kind, n), password_hash=pw_hash,
                                   email=f"{role}{n}@seed.example.go.th", **people.person())
                membership = Membership.create(user=user, agency=agency, role=role)
                if role == STAFF:
                    MembershipService.insert_many(
                        [{"membership": membership.id, "service_code": c} for c in services]
                    ).execute()
                    staff.append((agency.code, user.national_id))
        makers = {(a.id, code): _answer_maker(catalogue[code], a, people, rng)
                  for a in offices for code in services}
        clerk_ids = {a.id: User.get(User.national_id == nid).id
                     for a, (_c, nid) in zip(offices, staff, strict=True)}

    citizen_count = max(1, requests // 20)
    first_citizen = _bulk_citizens(citizen_count, people, pw_hash)
    heavy_id = first_citizen  # the first citizen gets exactly HEAVY_REQUESTS
    roster = list(User.select(User.id, User.national_id, User.title, User.first_name,
                              User.last_name, User.phone)
                  .where(User.id >= first_citizen).order_by(User.id).dicts())

    due_cache: dict[tuple[int, dt.date, int], dt.date] = {}
    holidays = holidays_between(None, (now - dt.timedelta(days=800)).date(),
                                (now + dt.timedelta(days=60)).date())
    seen: set[str] = set()
    samples: list[tuple[str, str]] = []
    span = 730 * 24 * 3600

    def rows() -> Iterator[tuple[dict[str, Any], str, dt.datetime, int]]:
        for i in range(requests):
            if i < HEAVY_REQUESTS:
                owner = roster[0]
            else:
                owner = roster[1 + rng.randrange(len(roster) - 1)] if len(roster) > 1 \
                    else roster[0]
            agency = offices[rng.randrange(len(offices))]
            code = services[rng.randrange(len(services))]
            service = catalogue[code]
            when = now - dt.timedelta(seconds=rng.randrange(span))
            ref = new_reference(service.ref_prefix, when)
            while ref in seen:  # the app retries on the unique index; a bulk insert cannot
                ref = new_reference(service.ref_prefix, when)
            seen.add(ref)
            age = (now - when).days
            status = _now_status(age, rng)
            key = (agency.id, when.date(), service.target_days)
            if key not in due_cache:
                due_cache[key] = add_working_days(when.date(), service.target_days, holidays)
            answers = makers[(agency.id, code)](when.date())
            answers.update({k: owner[k] for k in ("national_id", "title", "first_name",
                                                  "last_name", "phone")})
            if i % 997 == 0:
                samples.append((ref, owner["phone"][-4:]))
            steps = len(PATHS[status])
            changed = when + dt.timedelta(hours=rng.randrange(1, 48) * (steps - 1))
            yield ({
                "reference": ref, "service_code": code, "agency": agency.id,
                "requester": owner["id"],
                "applicant_name": f"{owner['title']}{owner['first_name']} {owner['last_name']}",
                "contact_phone": owner["phone"], "status": status, "payload": answers,
                "version": steps, "submitted_at": when, "status_changed_at": min(changed, now),
                "due_date": due_cache[key], "staff_message": REMARKS.get(status, ""),
            }, status, when, clerk_ids[agency.id])

    made = events = 0
    for batch in _batches(rows()):
        with database.atomic():
            _insert(Request, [r for r, *_ in batch])
            ids = dict(Request.select(Request.reference, Request.id)
                       .where(Request.reference.in_([r["reference"] for r, *_ in batch]))
                       .tuples())
            history = []
            for row, status, when, clerk in batch:
                at = when
                previous = None
                for step in PATHS[status]:
                    by_requester = step in (Status.SUBMITTED, Status.RESUBMITTED,
                                            Status.CANCELLED)
                    history.append({
                        "request": ids[row["reference"]], "from_status": previous,
                        "to_status": step, "actor": row["requester"] if by_requester else clerk,
                        "actor_role": Role.REQUESTER if by_requester else Role.STAFF, "at": at,
                        "remark": REMARKS.get(step, "")})
                    previous = step
                    at = min(at + dt.timedelta(hours=rng.randrange(1, 48)), now)
            _insert(StatusEvent, history)
        made += len(batch)
        events += len(history)
        if progress:
            progress(made)
    refresh_statistics()
    return SeedReport(agencies=offices, requests=made, events=events, citizens=citizen_count,
                      heavy_national_id=User.get_by_id(heavy_id).national_id, staff=staff,
                      samples=samples)


def refresh_statistics() -> None:
    """What a database does on its own some time after a bulk load, done now
    so the first queries are planned and served as in a settled install:
    fresh planner statistics, and on PostgreSQL the visibility map that lets
    a count be answered from an index alone (measured: the staff dashboard
    took 700 ms instead of tens right after seeding, without it)."""
    if is_postgres():
        # VACUUM cannot run inside a transaction block.
        database.execute_sql("VACUUM ANALYZE")
    else:
        database.execute_sql("ANALYZE")


def _bulk_citizens(count: int, people: ThaiPeople, pw_hash: str) -> int:
    """Insert the citizens; return the first one's id."""
    def rows() -> Iterator[dict[str, Any]]:
        for n in range(count):
            yield {"national_id": _seed_id(1, n), "password_hash": pw_hash,
                   "email": f"citizen{n}@seed.example.go.th", **people.person()}

    with database.atomic():
        for batch in _batches(rows()):
            _insert(User, batch)
    return User.select(User.id).where(User.national_id == _seed_id(1, 0)).scalar()

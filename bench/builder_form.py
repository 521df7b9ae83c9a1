"""A 50-question built form against the code-defined certificate form: the
form page (GET) and sending it (the form's POST, the check page, its
confirm, as ``tests/helpers/send.py`` does), through Flask's test client in
this process, on a fresh database.

    .venv/bin/python bench/builder_form.py [--database sqlite|postgresql|both]
        [--rounds 200] [--postgres-url postgresql://user@host/db] [--profile]

Rounds are interleaved (certificate, built, built, certificate, …) so a
slow stretch of the machine falls on both. It prints the median and p95 of
each kind and the ratio built / certificate; with ``--profile`` it also
prints where a built form's time goes (cProfile, cumulative, the top).

The built form (:data:`FIFTY`) has 50 questions over five pages: short
and long text, numbers, money, dates, a time, choices (radio and list),
multiple choice, yes/no, phone, e-mail, a repeating table with a
calculated total over it, five conditions (three hidden by the answers
sent, two shown) and two required file slots — the certificate form asks
for two required files too, so both posts carry the same two small PDFs.

Target (issue #24): the built form within 1.2× the certificate form.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import bench_env  # noqa: E402

TARGET_RATIO = 1.2
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHECK_PAGE = re.compile(r"/check/[A-Za-z0-9_-]+$")
PASSWORD = "bench-pass-2567"


def _th(text: str) -> dict[str, str]:
    return {"th": text}


def _options(*labels: str) -> list[dict[str, Any]]:
    return [{"value": f"o{i}", "label": _th(label)} for i, label in enumerate(labels, 1)]


TOTAL = {"reduce": [{"map": [{"var": "items"}, {"*": [{"var": "qty"}, {"var": "price"}]}]},
                    {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}


def _q(key: str, kind: str, label: str, **more: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, "label": _th(label), **more}


FIFTY: dict[str, Any] = {
    "format": "eservice-portal/service-definition",
    "format_version": 1,
    "slug": "bench-fifty",
    "title": {"th": "ขอรับการสนับสนุน (แบบทดสอบ 50 ข้อ)", "en": "Support (50-question bench)"},
    "ref_prefix": "BF",
    "target_days": 7,
    "pages": [
        {"key": "p_kind", "title": _th("ข้อมูลคำขอ"), "questions": [
            _q("request_kind", "choice", "ประเภทคำขอ", required=True,
               options=_options("ขอใหม่", "ต่ออายุ")),
            _q("old_number", "text", "เลขที่คำขอเดิม", required=True,
               when={"==": [{"var": "request_kind"}, "o2"]}),
            _q("household", "number", "จำนวนสมาชิกในครัวเรือน", required=True, min=1, max=30),
            _q("birth_date", "date", "วันเกิด", required=True),
            _q("income", "money", "รายได้ต่อเดือน (บาท)", required=True),
            _q("disabled", "yesno", "มีผู้พิการในครัวเรือน", required=True),
            _q("disability", "choice", "ประเภทความพิการ", required=True, display="list",
               options=_options("การเห็น", "การได้ยิน", "การเคลื่อนไหว", "จิตใจ", "สติปัญญา"),
               when={"==": [{"var": "disabled"}, "yes"]}),
            _q("occupation", "choice", "อาชีพ", required=True, display="list",
               options=_options("เกษตรกร", "รับจ้าง", "ค้าขาย", "รับราชการ", "ว่างงาน")),
            _q("village", "text", "หมู่บ้าน", required=True),
            _q("house_no", "text", "บ้านเลขที่", required=True),
        ]},
        {"key": "p_needs", "title": _th("ความต้องการ"), "questions": [
            _q("needs", "multichoice", "สิ่งที่ต้องการ", required=True,
               options=_options("น้ำดื่ม", "อาหาร", "ยา", "ที่พัก", "อื่น ๆ")),
            _q("needs_other", "textarea", "ระบุสิ่งที่ต้องการอื่น ๆ", required=True,
               when={"in": ["o5", {"var": "needs"}]}),
            _q("urgent_need", "yesno", "ต้องการด่วน"),
            _q("people_affected", "number", "จำนวนผู้ได้รับผลกระทบ", min=0),
            _q("water_litres", "number", "ปริมาณน้ำที่ต้องการ (ลิตร)", decimals=2),
            _q("since", "date", "เดือดร้อนตั้งแต่วันที่"),
            _q("contact_time", "time", "เวลาที่สะดวกให้ติดต่อ"),
            _q("contact_phone", "phone", "โทรศัพท์ติดต่อสำรอง"),
            _q("contact_email", "email", "อีเมล"),
            _q("story", "textarea", "เล่าเหตุการณ์โดยย่อ", required=True),
        ]},
        {"key": "p_items", "title": _th("รายการสิ่งของ"), "questions": [
            {"key": "intro", "type": "paragraph",
             "text": _th("<b>กรอก</b>รายการสิ่งของที่ต้องการ ไม่เกิน 10 รายการ")},
            {"key": "items", "type": "table", "label": _th("รายการสิ่งของ"), "required": True,
             "max_rows": 10, "columns": [
                 {"key": "thing", "type": "text", "label": _th("สิ่งของ"), "required": True},
                 {"key": "qty", "type": "number", "label": _th("จำนวน"), "required": True,
                  "min": 1},
                 {"key": "price", "type": "money", "label": _th("ราคาต่อหน่วย")}]},
            _q("total", "calculated", "รวมเป็นเงิน", formula=TOTAL),
            _q("big_reason", "textarea", "เหตุผลที่ขอเกิน 5,000 บาท", required=True,
               when={">": [{"var": "total"}, 5000]}),
            _q("delivery_date", "date", "วันที่ต้องการรับของ"),
            _q("delivery_place", "text", "สถานที่รับของ", required=True),
            _q("pickup", "choice", "วิธีรับ", required=True,
               options=_options("รับเอง", "จัดส่ง")),
            _q("vehicle", "yesno", "มีพาหนะมารับเอง"),
            _q("budget_code", "text", "รหัสงบประมาณ (ถ้ามี)"),
            _q("item_notes", "text", "หมายเหตุรายการ"),
            _q("agreed_amount", "money", "วงเงินที่เคยได้รับ"),
        ]},
        {"key": "p_home", "title": _th("ที่อยู่อาศัย"), "questions": [
            _q("home_kind", "choice", "ลักษณะที่อยู่อาศัย", required=True,
               options=_options("บ้านเดี่ยว", "ห้องเช่า", "บ้านญาติ", "อื่น ๆ")),
            _q("home_other", "text", "ระบุลักษณะที่อยู่อาศัยอื่น ๆ", required=True,
               when={"==": [{"var": "home_kind"}, "o4"]}),
            _q("owner", "yesno", "เป็นเจ้าของบ้าน", required=True),
            _q("rent", "money", "ค่าเช่าต่อเดือน"),
            _q("rooms", "number", "จำนวนห้อง", min=1, max=50),
            _q("built_year", "number", "ปีที่สร้าง (พ.ศ.)", min=2400, max=2600),
            _q("damage", "multichoice", "ความเสียหาย",
               options=_options("หลังคา", "ผนัง", "พื้น", "ไฟฟ้า", "ประปา")),
            _q("damage_date", "date", "วันที่เกิดความเสียหาย"),
            _q("damage_value", "money", "มูลค่าความเสียหายโดยประมาณ"),
            _q("insured", "yesno", "มีประกันภัย"),
        ]},
        {"key": "p_end", "title": _th("เอกสารและการยืนยัน"), "questions": [
            _q("bank", "choice", "ธนาคาร", display="list",
               options=_options("กรุงไทย", "ธ.ก.ส.", "ออมสิน", "กรุงเทพ", "กสิกรไทย")),
            _q("account_no", "text", "เลขที่บัญชี", required=True),
            _q("account_name", "text", "ชื่อบัญชี", required=True),
            _q("heard_from", "choice", "ทราบข่าวจาก",
               options=_options("ผู้ใหญ่บ้าน", "เสียงตามสาย", "เฟซบุ๊ก", "ไลน์")),
            _q("remarks", "textarea", "หมายเหตุ"),
            _q("helper_name", "text", "ชื่อผู้ช่วยกรอก"),
            _q("helper_phone", "phone", "โทรศัพท์ผู้ช่วยกรอก"),
            _q("consent", "yesno", "ยินยอมให้ตรวจสอบข้อมูล", required=True),
            _q("id_copy", "file", "สำเนาบัตรประจำตัวประชาชน", required=True, kinds=["pdf"]),
            _q("house_copy", "file", "สำเนาทะเบียนบ้าน", required=True, kinds=["pdf"]),
        ]},
    ],
    "staff_columns": ["request_kind", "occupation", "total"],
    "steps": [{"code": "check", "label": _th("ตรวจสอบ")}],
}

# The certificate form's own questions as a built definition: the same
# fields and file slots, so its ratio to the certificate form is what the
# builder itself costs, apart from the size of a 50-question form.
TWIN: dict[str, Any] = {
    "format": "eservice-portal/service-definition",
    "format_version": 1,
    "slug": "bench-twin",
    "title": {"th": "หนังสือรับรอง (สร้างเอง)", "en": "Certificate (built)"},
    "ref_prefix": "BT",
    "target_days": 5,
    "pages": [{"key": "p_all", "title": _th("ข้อมูลผู้ขอ"), "questions": [
        _q("official_type", "choice", "ประเภทเจ้าหน้าที่ของรัฐ", required=True,
           options=_options("ข้าราชการครูและบุคลากรทางการศึกษา", "ลูกจ้างประจำ",
                            "พนักงานราชการ", "ผู้รับบำนาญ", "อื่น ๆ")),
        _q("work_unit", "text", "กลุ่มงาน / โรงเรียน", required=True),
        _q("position", "text", "ตำแหน่ง", required=True),
        _q("rank", "text", "วิทยฐานะ / อันดับ / ระดับ"),
        _q("salary", "money", "เงินเดือน (บาท)", required=True, max=10_000_000),
        _q("academic_allowance", "money", "เงินวิทยฐานะ (บาท)", max=10_000_000),
        _q("compensation", "money", "ค่าตอบแทน (บาท)", max=10_000_000),
        _q("purpose", "text", "ขอหนังสือรับรอง", required=True),
        _q("intended_use", "text", "เพื่อใช้ประกอบ", required=True),
        _q("id_card", "file", "สำเนาบัตรประจำตัวประชาชน", required=True),
        _q("salary_slip", "file", "สำเนาสลิปเงินเดือนเดือนล่าสุด", required=True),
        _q("other1", "file", "เอกสารอื่น 1"),
        _q("other2", "file", "เอกสารอื่น 2"),
        _q("other3", "file", "เอกสารอื่น 3"),
    ]}],
    "steps": [],
}

APPLICANT = {"phone": "0812345678", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี"}


def built_answers() -> dict[str, Any]:
    """What a person types into :data:`FIFTY` (files apart): three
    conditions hide their question, two show theirs."""
    return {
        **APPLICANT,
        "request_kind": "o1", "household": "4", "birth_date": "1980-05-17",
        "income": "8500.50", "disabled": "yes", "disability": "o3", "occupation": "o1",
        "village": "บ้านโนนสูง", "house_no": "12/3",
        "needs": ["o1", "o2", "o5"], "needs_other": "ผ้าห่มกันหนาว",
        "urgent_need": "yes", "people_affected": "6", "water_litres": "200.50",
        "since": "2026-10-01", "contact_time": "09:30", "contact_phone": "0898765432",
        "contact_email": "somsri@example.go.th",
        "story": "น้ำท่วมบ้านสูงประมาณหนึ่งเมตร ข้าวของเสียหาย",
        "items-0-thing": "ข้าวสาร", "items-0-qty": "2", "items-0-price": "350.50",
        "items-1-thing": "น้ำดื่ม", "items-1-qty": "10", "items-1-price": "12",
        "items-2-thing": "ยากันยุง", "items-2-qty": "3", "items-2-price": "45",
        "delivery_date": "2026-12-01", "delivery_place": "ศาลาประชาคมหมู่ 3", "pickup": "o1",
        "vehicle": "no", "budget_code": "", "agreed_amount": "0",
        "home_kind": "o1", "owner": "yes", "rent": "", "rooms": "3", "built_year": "2540",
        "damage": ["o1", "o4"], "damage_date": "2026-10-02", "damage_value": "25000",
        "insured": "no",
        "bank": "o2", "account_no": "0201234567", "account_name": "สมศรี ใจดี",
        "heard_from": "o2", "remarks": "", "helper_name": "", "helper_phone": "",
        "consent": "yes",
    }


def count_questions(definition: dict[str, Any]) -> int:
    return sum(1 for page in definition["pages"] for q in page["questions"]
               if q["type"] not in ("heading", "paragraph"))


# ----------------------------------------------------------------- setup ---


@contextlib.contextmanager
def portal(url: str, folder: Path) -> Iterator[Any]:
    """The portal on ``url`` (migrated), no app context left pushed."""
    saved = dict(os.environ)
    os.environ.update(bench_env(url, folder))
    try:
        from portal import create_app
        from portal.ops.migrate import upgrade
        from portal.plugins.manager import plugin_manager

        app = create_app()
        with app.app_context():
            upgrade(plugin_manager())
        yield app
    finally:
        from portal.db import release_all

        release_all()
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def fresh_app(kind: str, postgres_url: str = "") -> Iterator[tuple[Any, str, Path]]:
    """The portal on a new, migrated database of ``kind`` (in this
    process): yields (app, database URL, folder of its files)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-builder-"))
    cluster = None
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'portal.db'}"
    elif postgres_url:
        url = postgres_url
    else:
        from tests.helpers.databases import PostgresCluster

        cluster = PostgresCluster(durable=True)
        url = cluster.url
    try:
        with portal(url, folder) as app:
            yield app, url, folder
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def _password_hash() -> str:
    from portal.identity.passwords import hash_password

    return hash_password(PASSWORD)  # argon2 is slow on purpose: once


def make_person(national_id_prefix: str, n: int, **more: Any) -> Any:
    from portal.models import User
    from portal.thai import national_id_check_digit

    first12 = f"{national_id_prefix}{n:011d}"[:12]
    return User.create(national_id=first12 + national_id_check_digit(first12),
                       password_hash=_password_hash(), title="นาง",
                       first_name=f"ทดสอบ{n}", last_name="ใจดี", phone=f"08{n:08d}",
                       email=f"bench{national_id_prefix}{n}@example.go.th", **more)


def build(agency: Any, definition: dict[str, Any]) -> Any:
    """A built service of ``agency``, published and switched on (as
    ``tests/builder/sample.py`` makes one)."""
    from tests.builder.sample import build as sample_build

    return sample_build(agency, definition)


def sign_in(app: Any, user: Any) -> tuple[Any, str]:
    """A test client signed in as ``user`` and the CSRF token of its session."""
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "csrf_token": token})
    if r.status_code != 302:
        raise RuntimeError(f"could not sign in: {r.status_code}")
    # Signing in replaces the session's token.
    token = CSRF.search(client.get("/privacy").get_data(as_text=True)).group(1)
    return client, token


def small_pdf() -> bytes:
    from tests.helpers.files import make_pdf

    return make_pdf()


# ------------------------------------------------------------------- run ---


def send(client: Any, url: str, data: dict[str, Any]) -> tuple[float, float, float]:
    """The form's post, the check page and its confirm (tests/helpers/send.py);
    returns the time each took."""
    started = time.perf_counter()
    first = client.post(url, data=data, content_type="multipart/form-data")
    posted = time.perf_counter()
    location = first.headers.get("Location", "")
    if first.status_code != 302 or not CHECK_PAGE.search(location):
        raise RuntimeError(f"{url}: the form was refused ({first.status_code}): "
                           + " ".join(re.findall(r'class="[^"]*(?:error|invalid)[^"]*"[^>]*>'
                                                 r'([^<]+)<', first.get_data(as_text=True)))[:800])
    page = client.get(location)
    checked = time.perf_counter()
    if page.status_code != 200 or 'name="confirm"' not in page.get_data(as_text=True):
        raise RuntimeError(f"{location}: no confirm button ({page.status_code})")
    token = data["csrf_token"]
    confirming = time.perf_counter()
    done = client.post(location, data={"confirm": "1", "csrf_token": token})
    sent = time.perf_counter()
    if done.status_code != 302 or "/requests/" not in done.headers.get("Location", ""):
        raise RuntimeError(f"{location}: not sent ({done.status_code})")
    return posted - started, checked - posted, sent - confirming


class Kind:
    """One form being measured: its page, and the data its post sends."""

    def __init__(self, name: str, client: Any, url: str, data: Callable[[], dict[str, Any]],
                 marker: str) -> None:
        self.name, self.client, self.url, self.data, self.marker = (name, client, url, data,
                                                                   marker)
        self.render: list[float] = []
        self.submit: list[float] = []
        self.parts: list[tuple[float, float, float]] = []

    def get(self) -> float:
        started = time.perf_counter()
        page = self.client.get(self.url)
        took = time.perf_counter() - started
        if page.status_code != 200 or self.marker not in page.get_data(as_text=True):
            raise RuntimeError(f"{self.url}: not the form ({page.status_code})")
        return took

    def post(self) -> float:
        data = self.data()  # fresh file objects each time: outside the timing
        parts = send(self.client, self.url, data)
        self.parts.append(parts)
        return sum(parts)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def setup_kinds(app: Any) -> list[Kind]:
    """The certificate form, the 50-question built form and the
    certificate's built twin, for one signed-in citizen."""
    from portal.models import Agency
    from portal.requests.catalogue import set_enabled

    with app.app_context():
        agency = Agency.create(code="bench", name_th="องค์การบริหารส่วนตำบลทดสอบ")
        set_enabled(agency, "certificate", True)
        fifty, twin = build(agency, FIFTY), build(agency, TWIN)
        citizen = make_person("3", 1)
    client, token = sign_in(app, citizen)
    pdf = small_pdf()
    certificate = app.extensions["portal"].services["certificate"]

    def certificate_data() -> dict[str, Any]:
        from tests.helpers.answers import answers

        data = answers(app, certificate, agency)
        data["csrf_token"] = token
        return data

    def fifty_data() -> dict[str, Any]:
        return {**built_answers(), "csrf_token": token,
                "file_id_copy": (io.BytesIO(pdf), "id.pdf"),
                "file_house_copy": (io.BytesIO(pdf), "house.pdf")}

    def twin_data() -> dict[str, Any]:
        return {**APPLICANT, "official_type": "o1", "work_unit": "โรงเรียนบ้านโนนสูง",
                "position": "ครู", "rank": "ชำนาญการ", "salary": "25000",
                "academic_allowance": "3500", "compensation": "",
                "purpose": "หนังสือรับรองเงินเดือน", "intended_use": "ประกอบการกู้เงิน",
                "csrf_token": token, "file_id_card": (io.BytesIO(pdf), "id.pdf"),
                "file_salary_slip": (io.BytesIO(pdf), "slip.pdf")}

    return [Kind("certificate (code)", client, "/requests/new/bench/certificate",
                 certificate_data, 'name="salary"'),
            Kind(f"built, {count_questions(FIFTY)} questions", client,
                 f"/requests/new/bench/{fifty.code}", fifty_data, 'name="items-0-qty"'),
            Kind("built twin of certificate", client, f"/requests/new/bench/{twin.code}",
                 twin_data, 'name="salary"')]


def check_built_request(code: str) -> None:
    """The built form's answers really arrived, conditions worked out."""
    from portal.models import Request

    req = Request.select().where(Request.service_code == code).order_by(Request.id.desc()).get()
    payload = req.payload
    assert payload["total"] == "956.00", payload.get("total")
    assert "old_number" not in payload and "big_reason" not in payload, payload
    assert "home_other" not in payload, payload
    assert payload["needs_other"] == "ผ้าห่มกันหนาว" and payload["disability"] == "o3"
    assert len(payload["items"]) == 3


def counted() -> Any:
    """Every statement peewee sends while the block runs (the query-plan
    test's own catcher)."""
    from tests.test_query_plans import captured

    return captured()


def run_database(kind: str, args: argparse.Namespace,
                 postgres_url: str = "") -> tuple[list[str], str]:
    with fresh_app(kind, postgres_url) as (app, _url, _folder):
        kinds = setup_kinds(app)
        cert, fifty = kinds[0], kinds[1]
        for k in kinds:  # warm up: templates compiled, catalogues loaded
            for _ in range(3):
                k.get()
                k.post()
        with app.app_context():
            check_built_request(fifty.url.rsplit("/", 1)[1])
        queries = {}
        for k in kinds:
            with counted() as seen:
                k.get()
            with counted() as sent:
                k.post()
            queries[k.name] = (len(seen), len(sent))
        for n in range(args.rounds):
            # Each round in another order, so none is always first.
            order = kinds[n % len(kinds):] + kinds[:n % len(kinds)]
            if n % 2:
                order.reverse()
            for k in order:
                k.render.append(k.get())
            for k in order:
                k.submit.append(k.post())
        for k in kinds:
            k.parts = k.parts[-args.rounds:]  # the measured rounds only
        profile = profiled(fifty, args.profile_rounds) if args.profile else ""
    lines = [f"== {kind}: {args.rounds} interleaved rounds, Flask test client, one process =="]
    lines.append(f"{'form':<28}{'what':<31}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for k in kinds:
        for n, (what, values) in enumerate((("render (GET)", k.render),
                                           ("submit (POST, check, confirm)", k.submit))):
            lines.append(f"{k.name:<28}{what:<31}{statistics.median(values) * 1000:>10.1f}"
                         f"{percentile(values, 95) * 1000:>9.1f}{queries[k.name][n]:>9}")
    for k in kinds:
        post, check, confirm = (statistics.median(p) * 1000 for p in zip(*k.parts, strict=True))
        lines.append(f"{k.name:<28}submit, median ms of its parts: form post {post:.1f}, "
                     f"check page {check:.1f}, confirm {confirm:.1f}")
    for k in kinds[1:]:
        for what, b, c in (("render", k.render, cert.render),
                           ("submit", k.submit, cert.submit)):
            ratio = statistics.median(b) / statistics.median(c)
            p95 = percentile(b, 95) / percentile(c, 95)
            line = (f"{k.name} / certificate, {what}: {ratio:.2f}× median, {p95:.2f}× p95")
            if k is fifty:
                line += (f"  (target ≤ {TARGET_RATIO}×) "
                         f"{'ok' if ratio <= TARGET_RATIO else 'MISSED'}")
            lines.append(line)
    return lines, profile


def profiled(kind: Kind, rounds: int) -> str:
    """Where the built form's time goes: cProfile over ``rounds`` of each,
    the project's own functions by cumulative time, then every function by
    its own time."""
    out = []
    own = f"^{re.escape(str(ROOT))}/(portal|plugins|templates)/"
    for what, step in (("render", kind.get), ("submit", kind.post)):
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(rounds):
            step()
        profiler.disable()
        for order, pick, title in (("cumulative", own, "the portal's functions, cumulative"),
                                   ("tottime", "", "all functions, own time")):
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats(order).print_stats(*([pick] if pick else []), 25)
            body = text.getvalue()
            body = body[body.index("   ncalls"):].rstrip() if "   ncalls" in body else body
            out.append(f"-- the built form's {what}, {rounds} rounds: {title} --\n{body}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--postgres-url", default="",
                        help="a database the run may fill (default: a private server)")
    parser.add_argument("--profile", action="store_true",
                        help="also print cProfile's top of the built form's render and submit")
    parser.add_argument("--profile-rounds", type=int, default=50)
    args = parser.parse_args()
    report: list[str] = []
    for kind in ("sqlite", "postgresql"):
        if args.database in (kind, "both"):
            lines, profile = run_database(kind, args, args.postgres_url)
            print("\n".join(lines), flush=True)
            if profile:
                print(profile, flush=True)
            report += lines
    print("\n" + "\n".join(report))
    return 0 if not any("MISSED" in line for line in report) else 1


if __name__ == "__main__":
    raise SystemExit(main())

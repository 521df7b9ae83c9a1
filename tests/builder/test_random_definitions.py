"""Random valid definitions, each rendered, sent with random valid answers
and read back from the request page, the printed PDF and the CSV export:
whatever an admin builds, every answer comes back as it was given."""

from __future__ import annotations

import csv
import datetime as dt
import io
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import Membership, MembershipService, Request
from portal.thai import format_date, mask_national_id, national_id_check_digit

from ..conftest import login, make_agency, make_staff, make_user
from ..helpers.send import send_form
from ..test_printing import pdf_text
from .sample import build

pytestmark = pytest.mark.once  # what comes back does not depend on the database

WORDS = ["ข้าวสาร", "น้ำดื่ม", "ถนน", "ไฟฟ้า", "บ้าน", "วัด", "โรงเรียน", "ตลาด", "สะพาน"]
_n = count()


@st.composite
def question(draw: Any, key: str, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["text", "textarea", "number", "money", "date", "time",
                                 "choice", "multichoice", "yesno", "phone", "email",
                                 "national_id"]))
    q: dict[str, Any] = {"key": key, "type": kind, "required": draw(st.booleans()),
                         "label": {"th": f"คำถาม{draw(st.sampled_from(WORDS))} {key}"}}
    if kind in ("choice", "multichoice"):
        q["options"] = [{"value": f"o{i}", "label": {"th": f"ตัวเลือก{w}"}}
                        for i, w in enumerate(draw(st.lists(st.sampled_from(WORDS),
                                                            min_size=2, max_size=4,
                                                            unique=True)))]
        if kind == "choice":
            q["display"] = draw(st.sampled_from(["radio", "list"]))
    if kind == "number":
        q["decimals"] = draw(st.sampled_from([0, 2]))
    choices = [e for e in earlier if e["type"] == "choice"]
    if choices and draw(st.booleans()):
        on = draw(st.sampled_from(choices))
        q["when"] = {"==": [{"var": on["key"]}, draw(st.sampled_from(on["options"]))["value"]]}
    return q


@st.composite
def definition(draw: Any) -> dict[str, Any]:
    pages, earlier = [], []
    for p in range(draw(st.integers(1, 3))):
        questions = []
        for _q in range(draw(st.integers(1, 4))):
            q = draw(question(f"q{len(earlier) + 1}", earlier))
            questions.append(q)
            earlier.append(q)
        pages.append({"key": f"page{p + 1}", "title": {"th": f"หน้า {p + 1}"},
                      "questions": questions})
    return {"format": "eservice-portal/service-definition", "format_version": 1,
            "slug": "random", "title": {"th": "บริการทดลอง"}, "ref_prefix": "RD",
            "target_days": 5, "pages": pages, "steps": [],
            "staff_columns": [q["key"] for q in earlier][:8]}


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _people(app: Any) -> tuple[Any, Any, Any]:
    """One office, one citizen and one clerk for all the examples, signed in
    once (signing in on every example would meet the login rate limit)."""
    known = app.extensions.setdefault("random_definitions", {})
    if not known:
        with app.app_context():
            agency = make_agency("rand", services=())
            citizen, clerk = make_user(), make_staff(agency, services=())
        client, staff = app.test_client(), app.test_client()
        login(client, citizen)
        login(staff, clerk)
        staff.user_id = clerk.id
        known.update(agency=agency, client=client, staff=staff)
    return known["agency"], known["client"], known["staff"]


def _national_id(n: int) -> str:
    first = f"3{n:011d}"
    return first + national_id_check_digit(first)


@st.composite
def answer(draw: Any, q: dict[str, Any]) -> tuple[Any, str]:
    """(what the form posts, what the pages show)."""
    kind = q["type"]
    if kind in ("text", "textarea"):
        word = draw(st.sampled_from(WORDS))
        return word, word
    if kind == "number":
        n = draw(st.integers(0, 99999))
        if q.get("decimals"):
            return f"{n}.25", f"{n:,}.25"
        return str(n), f"{n:,}"
    if kind == "money":
        n = draw(st.integers(0, 999999))
        return f"{n}.5", f"{n:,}.50"
    if kind == "date":
        day = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
        return day.isoformat(), format_date(day, "th")
    if kind == "time":
        h, m = draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))
        return f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d} น."
    if kind == "choice":
        o = draw(st.sampled_from(q["options"]))
        return o["value"], o["label"]["th"]
    if kind == "multichoice":
        picked = [o for o in q["options"] if draw(st.booleans())] or q["options"][:1]
        return [o["value"] for o in picked], ", ".join(o["label"]["th"] for o in picked)
    if kind == "yesno":
        value = draw(st.sampled_from(["yes", "no"]))
        return value, {"yes": "ใช่", "no": "ไม่ใช่"}[value]
    if kind == "phone":
        phone = f"08{draw(st.integers(10000000, 99999999))}"
        return phone, phone
    if kind == "email":
        mail = f"p{draw(st.integers(1, 999))}@example.go.th"
        return mail, mail
    nid = _national_id(draw(st.integers(1, 10**10)))
    return nid, nid


def _shown(defn: dict[str, Any], given: dict[str, Any]) -> set[str]:
    """The questions whose condition holds for the answers given."""
    shown = set()
    for page in defn["pages"]:
        for q in page["questions"]:
            rule = q.get("when")
            if rule is None or given.get(rule["=="][0]["var"]) == rule["=="][1]:
                shown.add(q["key"])
    return shown


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_definition_sends_and_reads_back(app, data):
    defn = data.draw(definition())
    questions = [q for page in defn["pages"] for q in page["questions"]]
    posted, expected = {}, {}
    for q in questions:
        raw, text = data.draw(answer(q))
        posted[q["key"]], expected[q["key"]] = raw, text
    shown = _shown(defn, posted)
    n = next(_n)
    agency, client, staff = _people(app)
    with app.app_context():
        built = build(agency, {**defn, "slug": f"random{n}"})
        MembershipService.create(membership=Membership.get(
            Membership.user == staff.user_id), service_code=built.code)
    form = {"phone": "0812345678", "title": "นาย", "first_name": "สุ่ม", "last_name": "ทดสอบ",
            **{k: v for k, v in posted.items()}}
    sent = send_form(client, f"/requests/new/rand/{built.code}", form)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    req = Request.get_or_none(Request.service_code == built.code)
    assert req is not None, (sent.headers["Location"], defn, form)
    assert set(req.payload) - {"national_id", "phone", "title", "first_name", "last_name"} \
        == shown
    page = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    printed = pdf_text(client.get(f"/requests/{req.reference}/print").data)
    exported = staff.get(f"/admin/built_requests/{built.code}/export.csv")
    head, row = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    for q in questions:
        label = q["label"]["th"]
        if q["key"] not in shown:
            assert label not in page
            continue
        text = expected[q["key"]]
        assert label in page and text in page, (q, text)
        # The PDF wraps a long answer where the line ends: compare the text
        # without the breaks and spaces the wrapping and extraction put in.
        assert _squeezed(text) in _squeezed(printed), (q, text)
        # Lists and exports show national IDs masked unless the agency
        # admin lets the clerk see them whole.
        shown_in_export = mask_national_id(text) if q["type"] == "national_id" else text
        assert row[head.index(label)] == shown_in_export, (q, text)

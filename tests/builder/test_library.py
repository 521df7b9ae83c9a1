"""The shipped template library (plugins/builder/library/*.json): every
template is a valid definition by the published schema and by the rules a
schema cannot say (reserved and unique keys, conditions and formulas that
read only earlier answers, steps that loop to steps that exist)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import nh3
import pytest

from plugins.builder.logic import problem, reads

pytestmark = pytest.mark.once  # the templates are files; their forms do not depend on the database

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "plugins" / "builder" / "library"
SCHEMA = ROOT / "docs" / "service-definition.schema.json"

# The core adds the applicant block and its own controls under these names.
RESERVED = frozenset({"national_id", "phone", "title", "first_name", "last_name", "email",
                      "version", "submit", "captcha", "altcha", "channel", "confirm"})
# What a template may use; narrower than logic.ALLOWED_OPERATORS on purpose
# (no === / !== / val: the builder writes none of them).
OPERATORS = frozenset({"==", "!=", ">", ">=", "<", "<=", "!", "!!", "and", "or", "if", "in",
                       "+", "-", "*", "/", "%", "min", "max", "var", "missing", "map",
                       "reduce", "filter", "all", "some", "none", "length", "abs", "ceil",
                       "floor"})
TEXT_ONLY = frozenset({"heading", "paragraph"})
HELP_TAGS = {"b", "i", "strong", "em", "ul", "ol", "li", "p", "br"}


def library_files() -> list[Path]:
    """Every shipped template, in name order."""
    return sorted(LIBRARY.glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for page in definition["pages"] for q in page.get("questions", ())]


def operators(rule: Any) -> set[str]:
    if isinstance(rule, dict):
        return {op for op in rule} | {o for v in rule.values() for o in operators(v)}
    if isinstance(rule, list):
        return {o for item in rule for o in operators(item)}
    return set()


def compared_values(rule: Any) -> list[tuple[str, Any]]:
    """(question key, literal) of every ``==``/``!=`` of an answer with a
    literal and every ``in`` of a literal in an answer (a multichoice)."""
    found: list[tuple[str, Any]] = []
    if isinstance(rule, dict):
        (op, args), = rule.items()
        if op in ("==", "!=") and isinstance(args, list) and len(args) == 2:
            for a, b in (args, args[::-1]):
                if isinstance(a, dict) and set(a) == {"var"} and isinstance(b, str):
                    found.append((a["var"], b))
        if op == "in" and isinstance(args, list) and len(args) == 2 \
                and isinstance(args[1], dict) and set(args[1]) == {"var"} \
                and isinstance(args[0], str):
            found.append((args[1]["var"], args[0]))
        found += compared_values(args)
    elif isinstance(rule, list):
        for item in rule:
            found += compared_values(item)
    return found


def rule_problems(definition: dict[str, Any]) -> list[str]:
    """What is wrong with a definition beyond its schema (empty when fine)."""
    out: list[str] = []
    seen_keys: set[str] = set()
    earlier: dict[str, dict[str, Any]] = {}  # answerable questions so far

    def check_rule(where: str, rule: Any) -> None:
        if rule is None:
            return
        if (why := problem(rule)) is not None:
            out.append(f"{where}: {why}")
            return
        if bad := operators(rule) - OPERATORS:
            out.append(f"{where}: operators {sorted(bad)} not allowed")
        if late := reads(rule) - set(earlier):
            out.append(f"{where}: reads {sorted(late)}, not an earlier question")
        for key, value in compared_values(rule):
            q = earlier.get(key)
            if q is None:
                continue
            if q["type"] == "yesno":
                allowed = {"yes", "no"}
            elif q["type"] in ("choice", "multichoice"):
                allowed = {o["value"] for o in q["options"]}
            else:
                continue
            if value not in allowed:
                out.append(f"{where}: {key} is never {value!r}")

    for page in definition["pages"]:
        if page["key"] in seen_keys:
            out.append(f"page {page['key']}: key used twice")
        seen_keys.add(page["key"])
        check_rule(f"page {page['key']}", page.get("when"))
        for q in page.get("questions", ()):
            key, kind = q["key"], q["type"]
            where = f"question {key}"
            if key in RESERVED or key.startswith("file_"):
                out.append(f"{where}: reserved key")
            if key in seen_keys:
                out.append(f"{where}: key used twice")
            seen_keys.add(key)
            check_rule(where, q.get("when"))
            if kind == "calculated":
                if "formula" not in q:
                    out.append(f"{where}: a calculated value needs a formula")
                else:
                    check_rule(f"{where} formula", q["formula"])
            if kind not in TEXT_ONLY and not (q.get("label") or {}).get("th"):
                out.append(f"{where}: no Thai label")
            if kind in ("choice", "multichoice"):
                values = [o["value"] for o in q.get("options", ())]
                if not values or len(values) != len(set(values)):
                    out.append(f"{where}: options missing or repeated")
            if kind == "table":
                columns = [c["key"] for c in q.get("columns", ())]
                if not columns or len(columns) != len(set(columns)):
                    out.append(f"{where}: columns missing or repeated")
                for c in q.get("columns", ()):
                    if c["type"] == "choice" and not c.get("options"):
                        out.append(f"{where}: column {c['key']} has no options")
            if kind == "paragraph":
                body = (q.get("text") or {}).get("th", "")
                if not body or nh3.clean(body, tags=HELP_TAGS, attributes={}) != body:
                    out.append(f"{where}: paragraph text empty or with disallowed markup")
            if kind == "heading" and not (q.get("label") or q.get("text") or {}).get("th"):
                out.append(f"{where}: heading without text")
            if "min" in q and "max" in q and q["min"] > q["max"]:
                out.append(f"{where}: min above max")
            if kind not in TEXT_ONLY:
                earlier[key] = q

    steps = definition.get("steps", ())
    outcomes: dict[str, set[str]] = {}
    for step in steps:
        code = step["code"]
        where = f"step {code}"
        if code in outcomes:
            out.append(f"{where}: code used twice")
        if step.get("when"):
            before, outcome = step["when"]
            if outcome not in outcomes.get(before, set()):
                out.append(f"{where}: when names {before}/{outcome}, not an earlier outcome")
        codes = [o["code"] for o in step.get("outcomes", ())]
        if len(codes) != len(set(codes)):
            out.append(f"{where}: outcome codes repeated")
        outcomes[code] = set(codes)
    for step in steps:
        for o in step.get("outcomes", ()):
            if o.get("back_to") and o["back_to"] not in outcomes:
                out.append(f"step {step['code']}: back_to {o['back_to']} is not a step")
    return out


# --- the checker itself can fail -------------------------------------------------------------

def _tiny(**changes: Any) -> dict[str, Any]:
    definition = {
        "format": "eservice-portal/service-definition", "format_version": 1,
        "slug": "tiny", "title": {"th": "ทดสอบ"}, "ref_prefix": "T",
        "pages": [{"key": "p1", "title": {"th": "หน้า 1"}, "questions": [
            {"key": "kind", "type": "choice", "label": {"th": "ประเภท"},
             "options": [{"value": "new", "label": {"th": "ใหม่"}}]},
            {"key": "detail", "type": "text", "label": {"th": "รายละเอียด"},
             "when": {"==": [{"var": "kind"}, "new"]}}]}],
        "steps": [{"code": "check", "label": {"th": "ตรวจ"},
                   "outcomes": [{"code": "ok", "label": {"th": "ผ่าน"}}]}],
    }
    definition.update(changes)
    return definition


def test_the_checker_passes_a_good_definition():
    assert rule_problems(_tiny()) == []


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["pages"][0]["questions"].append(
        {"key": "first_name", "type": "text", "label": {"th": "ชื่อ"}}), "reserved key"),
    (lambda d: d["pages"][0]["questions"].append(
        {"key": "file_photo", "type": "file", "label": {"th": "รูป"}}), "reserved key"),
    (lambda d: d["pages"][0]["questions"].append(
        {"key": "kind", "type": "text", "label": {"th": "ซ้ำ"}}), "key used twice"),
    (lambda d: d["pages"][0]["questions"][0].update(
        when={"==": [{"var": "detail"}, "x"]}), "not an earlier question"),
    (lambda d: d["pages"][0]["questions"][1].update(
        when={"==": [{"var": "kind"}, "renew"]}), "is never 'renew'"),
    (lambda d: d["pages"][0]["questions"][1].update(
        when={"===": [{"var": "kind"}, "new"]}), "not allowed"),
    (lambda d: d["pages"][0]["questions"].append(
        {"key": "total", "type": "calculated", "label": {"th": "รวม"},
         "formula": {"+": [{"var": "total"}, 1]}}), "not an earlier question"),
    (lambda d: d["pages"][0]["questions"].append(
        {"key": "help", "type": "paragraph", "text": {"th": "<a href='x'>ลิงก์</a>"}}),
     "disallowed markup"),
    (lambda d: d["steps"].append({"code": "redo", "label": {"th": "แก้"}, "outcomes": [
        {"code": "again", "label": {"th": "ใหม่"}, "back_to": "nowhere"}]}), "is not a step"),
    (lambda d: d["steps"].append({"code": "late", "label": {"th": "ช้า"},
                                  "when": ["check", "fail"]}), "not an earlier outcome"),
])
def test_the_checker_finds_each_mistake(mutate, expected):
    definition = _tiny()
    mutate(definition)
    assert any(expected in p for p in rule_problems(definition)), rule_problems(definition)


# --- the library ---------------------------------------------------------------------------

def test_at_least_ten_templates_ship():
    files = library_files()
    assert len(files) >= 10, [f.name for f in files]


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.stem)
def test_a_template_matches_the_schema(path, validator):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(load(path))]
    assert errors == []


@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.stem)
def test_a_template_keeps_the_rules_the_schema_cannot_say(path):
    assert rule_problems(load(path)) == []


@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.stem)
def test_a_template_says_where_it_comes_from_and_has_work_steps(path):
    definition = load(path)
    assert definition["slug"] == path.stem
    assert len(definition.get("source", "")) >= 40
    assert definition.get("target_days") or definition.get("target_minutes")
    steps = definition.get("steps", ())
    assert len(steps) >= 3
    assert any(s.get("tells_requester") for s in steps)
    answerable = [q for q in questions(definition) if q["type"] not in TEXT_ONLY]
    assert len(answerable) >= 5
    assert any(q.get("required") for q in answerable)


def test_templates_differ_in_slug_and_reference_prefix():
    definitions = [load(p) for p in library_files()]
    slugs = [d["slug"] for d in definitions]
    prefixes = [d["ref_prefix"] for d in definitions]
    assert len(set(slugs)) == len(slugs)
    assert len(set(prefixes)) == len(prefixes), sorted(prefixes)


def test_most_templates_have_if_then_parts():
    definitions = [load(p) for p in library_files()]
    with_conditions = [d["slug"] for d in definitions
                       if any(q.get("when") for q in questions(d))
                       or any(p.get("when") for p in d["pages"])]
    assert len(with_conditions) >= len(definitions) * 0.8, with_conditions


def test_the_flags_fit_the_services():
    by_slug = {d["slug"]: d for d in map(load, library_files())}
    for slug in ("disability-allowance", "water-truck", "tree-cutting", "waste-bin",
                 "event-loudspeaker", "disaster-relief", "commerce-registration",
                 "building-permit", "official-information", "corruption-complaint"):
        assert slug in by_slug, slug
    assert by_slug["disaster-relief"].get("urgent") is True
    assert by_slug["disaster-relief"].get("guest_allowed") is True
    assert by_slug["corruption-complaint"].get("guest_allowed") is True
    assert by_slug["waste-bin"].get("open311") is True
    assert any(q["type"] == "location" for q in questions(by_slug["waste-bin"]))
    if "elderly-allowance" in by_slug:
        assert by_slug["elderly-allowance"].get("one_per_national_id") is True
    # Answers naming someone other than the applicant are marked personal.
    for d in by_slug.values():
        for q in questions(d):
            if q["type"] == "national_id":
                continue  # always personal
            label = q.get("label", {}).get("th", "")
            if q["type"] in ("text", "table") and ("ชื่อ" in label and "สกุล" in label):
                assert q.get("personal") is True, f"{d['slug']}: {q['key']}"


# --- a template becomes a form, and sends -------------------------------------------------------

@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.stem)
def test_a_template_imports_renders_and_sends(path, app):
    from portal.models import Request

    from ..conftest import login, make_agency, make_user
    from ..helpers.send import send_form
    from .fill import answers
    from .sample import build

    raw = path.read_bytes()
    definition = load(path)
    from plugins.builder.definition import load as load_definition

    assert load_definition(raw) == load_definition(definition)  # the file imports as is
    with app.app_context():
        agency = make_agency(f"lib-{path.stem}"[:40], services=())
        built = build(agency, definition)
        citizen = make_user()
    client = app.test_client()
    login(client, citizen)
    url = f"/requests/new/{agency.code}/{built.code}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for q in questions(definition):
        if q["type"] not in TEXT_ONLY and not q.get("when"):
            assert q["label"]["th"] in html, q["key"]
    data = answers(definition)
    sent = send_form(client, url, data)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:4000]
    req = Request.get(Request.service_code == built.code)
    assert req.reference.startswith(definition["ref_prefix"])

"""Changes an admin makes to a definition being edited: pure functions on
the definition's dict, each returning a new one (the views save it)."""

from __future__ import annotations

import copy
import re
from typing import Any

from . import logic

FORMAT = "eservice-portal/service-definition"


def blank(title_th: str, slug: str, ref_prefix: str) -> dict[str, Any]:
    """A new service with one empty page."""
    return {"format": FORMAT, "format_version": 1, "slug": slug,
            "title": {"th": title_th}, "ref_prefix": ref_prefix, "target_days": 5,
            "pages": [{"key": "page1", "title": {"th": "ข้อมูลคำขอ"}, "questions": []}],
            "steps": []}


def started_from(source: dict[str, Any], *, title_th: str, slug: str,
                 ref_prefix: str) -> dict[str, Any]:
    """A template's or another service's definition under a new name."""
    out = copy.deepcopy(source)
    out.update(slug=slug, ref_prefix=ref_prefix, format=FORMAT, format_version=1)
    out["title"] = {**out.get("title", {}), "th": title_th}
    return out


def slug_from(text: str, taken: set[str]) -> str:
    """A web-address part from an English title or anything typed."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:20] or "service"
    if not base[0].isalpha():
        base = f"s-{base}"[:20]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _page(defn: dict[str, Any], page_key: str) -> dict[str, Any]:
    for page in defn["pages"]:
        if page["key"] == page_key:
            return page
    raise KeyError(page_key)


def page_of(defn: dict[str, Any], page_key: str) -> dict[str, Any]:
    """The page ``page_key``; KeyError when there is none."""
    return _page(defn, page_key)


def find_question(defn: dict[str, Any], key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for page in defn["pages"]:
        for q in page.get("questions", ()):
            if q["key"] == key:
                return page, q
    raise KeyError(key)


def keys_in_use(defn: dict[str, Any]) -> set[str]:
    return ({q["key"] for p in defn["pages"] for q in p.get("questions", ())}
            | {p["key"] for p in defn["pages"]})


def new_key(defn: dict[str, Any], stem: str) -> str:
    taken = keys_in_use(defn)
    n = 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


def add_page(defn: dict[str, Any], title_th: str) -> dict[str, Any]:
    out = copy.deepcopy(defn)
    out["pages"].append({"key": new_key(out, "page"), "title": {"th": title_th},
                         "questions": []})
    return out


def put_question(defn: dict[str, Any], page_key: str, question: dict[str, Any],
                 replacing: str | None = None) -> dict[str, Any]:
    """Add ``question`` at the end of a page, or put it in the place of the
    question ``replacing`` (whose key it may change)."""
    out = copy.deepcopy(defn)
    if replacing is None:
        _page(out, page_key).setdefault("questions", []).append(question)
        return out
    page, old = find_question(out, replacing)
    questions = page["questions"]
    questions[questions.index(old)] = question
    return out


def put_page(defn: dict[str, Any], page_key: str, page: dict[str, Any]) -> dict[str, Any]:
    """A page's title and condition (its questions stay)."""
    out = copy.deepcopy(defn)
    old = _page(out, page_key)
    old.update({k: v for k, v in page.items() if k != "questions"})
    if "when" in old and not page.get("when"):
        old.pop("when")
    return out


def move(defn: dict[str, Any], kind: str, key: str, step: int) -> dict[str, Any]:
    """Move a page, question or work step one place up (-1) or down (+1); a
    question at a page's edge moves to the next page."""
    out = copy.deepcopy(defn)
    if kind == "page":
        pages = out["pages"]
        i = pages.index(_page(out, key))
        j = i + step
        if 0 <= j < len(pages):
            pages[i], pages[j] = pages[j], pages[i]
        return out
    if kind == "step":
        steps = out.get("steps", [])
        i = next(n for n, s in enumerate(steps) if s["code"] == key)
        j = i + step
        if 0 <= j < len(steps):
            steps[i], steps[j] = steps[j], steps[i]
        return out
    page, q = find_question(out, key)
    questions = page["questions"]
    i = questions.index(q)
    j = i + step
    if 0 <= j < len(questions):
        questions[i], questions[j] = questions[j], questions[i]
    else:
        pages = out["pages"]
        k = pages.index(page) + step
        if 0 <= k < len(pages):
            questions.pop(i)
            target = pages[k].setdefault("questions", [])
            if step < 0:
                target.append(q)
            else:
                target.insert(0, q)
    return out


def remove(defn: dict[str, Any], kind: str, key: str) -> dict[str, Any]:
    out = copy.deepcopy(defn)
    if kind == "page":
        if len(out["pages"]) > 1:
            out["pages"].remove(_page(out, key))
    elif kind == "step":
        out["steps"] = [s for s in out.get("steps", []) if s["code"] != key]
    else:
        page, q = find_question(out, key)
        page["questions"].remove(q)
    return out


def named_by(defn: dict[str, Any], kind: str, key: str) -> list[tuple[str, str]]:
    """What would be left naming a page, question or step once it is
    removed, as (kind, key) pairs: a condition or formula reading one of its
    answers ("question"/"page"), the service's settings ("settings"), a step
    following one of its outcomes or sending back to it ("step"). What goes
    with it (the page's own questions) does not count."""
    if kind == "step":
        return [("step", s["code"]) for s in defn.get("steps", ()) if s["code"] != key and (
            (s.get("when") or [None])[0] == key
            or any(o.get("back_to") == key for o in s.get("outcomes", ())))]
    if kind == "page":
        page = _page(defn, key)
        going = {q["key"] for q in page.get("questions", ())}
        gone_with = going | {key}
    else:
        going = {key}
        gone_with = going
    out: list[tuple[str, str]] = []
    for page in defn["pages"]:
        if page["key"] not in gone_with and going & logic.reads(page.get("when")):
            out.append(("page", page["key"]))
        for q in page.get("questions", ()):
            if q["key"] in gone_with or kind == "page" and page["key"] == key:
                continue
            if going & (logic.reads(q.get("when")) | logic.reads(q.get("formula"))):
                out.append(("question", q["key"]))
    one_per = defn.get("one_per_national_id")
    if (isinstance(one_per, str) and one_per in going) or going & set(
            defn.get("staff_columns") or ()):
        out.append(("settings", ""))
    return out


def put_step(defn: dict[str, Any], step: dict[str, Any],
             replacing: str | None = None) -> dict[str, Any]:
    out = copy.deepcopy(defn)
    steps = out.setdefault("steps", [])
    if replacing is None:
        steps.append(step)
    else:
        i = next(n for n, s in enumerate(steps) if s["code"] == replacing)
        steps[i] = step
    return out


def put_settings(defn: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The service's own settings (title, target, flags...); a setting
    given as None is taken out."""
    out = copy.deepcopy(defn)
    for key, value in settings.items():
        if value is None or value == {} or value == "":
            out.pop(key, None)
        else:
            out[key] = value
    return out

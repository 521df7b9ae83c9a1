"""Read a page's error summary and the elements its links should reach, as a
browser without JavaScript builds them (a <template>'s content is no part of
the page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

FOCUSABLE = {"input", "select", "textarea", "button"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Page:
    title: str = ""
    links: list[str] = field(default_factory=list)  # the summary's hrefs, in order
    elements: dict[str, tuple[int, str, dict[str, str]]] = field(default_factory=dict)
    duplicate_ids: list[str] = field(default_factory=list)
    summaries: int = 0
    summary_focus: bool = False  # tabindex=-1 and autofocus

    def position(self, element_id: str) -> int:
        return self.elements[element_id][0]

    def focusable(self, element_id: str) -> bool:
        _pos, tag, attrs = self.elements[element_id]
        if tag in FOCUSABLE:
            return attrs.get("type") != "hidden" and "disabled" not in attrs
        return "tabindex" in attrs


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._template = 0
        self._in_title = False
        self._summary_depth: int | None = None
        self._depth = 0
        self._count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag not in VOID:
            self._depth += 1
        self._count += 1
        if tag == "title":
            self._in_title = True
        if "id" in a:
            if a["id"] in self.page.elements:
                self.page.duplicate_ids.append(a["id"])
            self.page.elements[a["id"]] = (self._count, tag, a)
        if "data-error-summary" in a:
            self.page.summaries += 1
            self.page.summary_focus = a.get("tabindex") == "-1" and "autofocus" in a
            self._summary_depth = self._depth
        if tag == "a" and self._summary_depth is not None:
            self.page.links.append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
            return
        if self._template or tag in VOID:
            return
        if self._summary_depth is not None and self._depth == self._summary_depth:
            self._summary_depth = None
        self._depth -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return reader.page


def summary_problems(html: str) -> list[str]:
    """What is wrong with the page's error summary: a link that reaches no
    element, or one that cannot take focus; links out of the page's order;
    a title without the error prefix; no focus on load."""
    page = read_page(html)
    problems: list[str] = []
    if page.summaries != 1:
        return [f"{page.summaries} error summaries"]
    if not page.summary_focus:
        problems.append("the summary is not focused on load")
    if not page.title.strip().startswith("ข้อผิดพลาด: "):
        problems.append(f"title {page.title.strip()!r} has no error prefix")
    if not page.links:
        problems.append("the summary links to nothing")
    ids = []
    for href in page.links:
        target = href.removeprefix("#")
        if not href.startswith("#") or target not in page.elements:
            problems.append(f"{href} reaches no element")
        elif not page.focusable(target):
            problems.append(f"{href} reaches a {page.elements[target][1]} that takes no focus")
        else:
            ids.append(target)
    if ids != sorted(ids, key=page.position):
        problems.append(f"summary order {ids} is not the page's order")
    problems += [f"id {i} twice" for i in page.duplicate_ids]
    return problems

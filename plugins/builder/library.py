"""The template library every agency starts from: the definitions shipped
in ``library/`` and the ones a system admin added (``builder_template``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .models import LibraryTemplate

SHIPPED = Path(__file__).parent / "library"


@dataclass(frozen=True)
class Template:
    slug: str
    title: str
    definition: dict[str, Any]
    shipped: bool
    source: str = ""


@lru_cache(maxsize=1)
def _shipped() -> tuple[Template, ...]:
    out = []
    for path in sorted(SHIPPED.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        out.append(Template(slug=path.stem, title=definition["title"]["th"],
                            definition=definition, shipped=True,
                            source=definition.get("source", "")))
    return tuple(out)


def templates() -> list[Template]:
    """Shipped templates first, then the system admin's, by title."""
    added = [Template(slug=t.slug, title=t.definition.get("title", {}).get("th", t.slug),
                      definition=t.definition, shipped=False,
                      source=t.definition.get("source", ""))
             for t in LibraryTemplate.select().order_by(LibraryTemplate.slug)]
    shipped = list(_shipped())
    names = {t.slug for t in shipped}
    return shipped + sorted((t for t in added if t.slug not in names), key=lambda t: t.title)


def template(slug: str) -> Template | None:
    return next((t for t in templates() if t.slug == slug), None)

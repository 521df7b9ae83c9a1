"""Offset paging for lists that are already narrowed by an index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import peewee as pw

PER_PAGE_CHOICES = (10, 25, 50)


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int
    # The count stopped at the limit it was given: there are more than total.
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def paginate(query: pw.Select, args: Any, count_limit: int | None = None) -> Page:
    """One page of ``query``. With ``count_limit`` the count stops there (a
    filter matching 400,000 of a million rows is not counted one by one):
    the page then says "more than" that many."""
    per_page = _int(args.get("per_page"), PER_PAGE_CHOICES[0])
    if per_page not in PER_PAGE_CHOICES:
        per_page = PER_PAGE_CHOICES[0]
    more = False
    if count_limit is None:
        total = query.order_by().count()
    else:
        total = query.order_by().limit(count_limit + 1).count()
        more, total = total > count_limit, min(total, count_limit)
    page = min(max(1, _int(args.get("page"), 1)), max(1, -(-total // per_page)))
    items = list(query.paginate(page, per_page))
    return Page(items=items, page=page, per_page=per_page, total=total, more=more)

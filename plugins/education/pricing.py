"""Prices of the official school forms ปพ.1–3 and the order arithmetic.

The server computes every amount; what a browser shows is only a preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Item:
    code: str
    label: Any
    level: Any
    unit: Any
    default_price: Decimal


PRIMARY, LOWER_SECONDARY = _l("Primary level"), _l("Lower secondary level")
BOOK, SHEET = _l("book"), _l("sheet")
ITEMS: tuple[Item, ...] = (
    Item("pp1_p", "ปพ.1-ป", PRIMARY, BOOK, Decimal("160")),
    Item("pp3_p", "ปพ.3-ป", PRIMARY, SHEET, Decimal("5")),
    Item("pp1_b", "ปพ.1-บ", LOWER_SECONDARY, BOOK, Decimal("160")),
    Item("pp2_b", "ปพ.2-บ", LOWER_SECONDARY, SHEET, Decimal("2")),
    Item("pp3_b", "ปพ.3-บ", LOWER_SECONDARY, SHEET, Decimal("5")),
)
SHIPPING_RATE = Decimal("0.035")
SHIPPING_MINIMUM = Decimal("25")


@dataclass(frozen=True)
class Quote:
    lines: list[dict[str, Any]]
    total: Decimal
    shipping: Decimal
    grand_total: Decimal


def quote(quantities: dict[str, int], prices: dict[str, Decimal],
          rate: Decimal = SHIPPING_RATE, minimum: Decimal = SHIPPING_MINIMUM) -> Quote:
    """Lines, total, shipping (``rate`` of the total, at least ``minimum``)
    and grand total, rounded to satang half up as a cashier would."""
    lines = []
    total = Decimal("0")
    for item in ITEMS:
        qty = int(quantities.get(item.code) or 0)
        if qty <= 0:
            continue
        price = Decimal(prices.get(item.code, item.default_price))
        amount = (price * qty).quantize(CENT, ROUND_HALF_UP)
        total += amount
        lines.append({"code": item.code, "label": item.label, "unit": str(item.unit),
                      "qty": qty, "price": str(price), "amount": str(amount)})
    shipping = max((total * rate).quantize(CENT, ROUND_HALF_UP), minimum) if total else Decimal(0)
    return Quote(lines=lines, total=total.quantize(CENT), shipping=shipping.quantize(CENT),
                 grand_total=(total + shipping).quantize(CENT))

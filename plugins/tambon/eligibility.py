"""The elderly allowance age rule (configuration, not code): the applicant
reaches the age (60 by default) by 1 October of the fiscal year in which
payment starts (Thai fiscal years run October to September)."""

from __future__ import annotations

import datetime as dt

from portal.thai import BE_OFFSET


def fiscal_year_start(year_be: int) -> dt.date:
    """1 October that opens fiscal year ``year_be`` (BE): FY 2569 → 1 Oct 2025."""
    return dt.date(year_be - BE_OFFSET - 1, 10, 1)


def birthday(born: dt.date, years: int) -> dt.date:
    """The day ``born`` turns ``years``; 29 February counts from 1 March."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return dt.date(born.year + years, 3, 1)


def eligible(born: dt.date, payment_year_be: int, age: int = 60) -> bool:
    return birthday(born, age) <= fiscal_year_start(payment_year_be)

"""Thai specifics: Buddhist-era dates, month names, national-ID checksum,
digits typed on a Thai keyboard."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

BE_OFFSET = 543
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

UTC = dt.UTC


def utcnow() -> dt.datetime:
    """Naive UTC: what every timestamp column stores."""
    return dt.datetime.now(UTC).replace(tzinfo=None)


def to_local(value: dt.datetime, tz: str = "Asia/Bangkok") -> dt.datetime:
    """A stored (naive UTC) timestamp in the office's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(tz))


def day_start_utc(day: dt.date, tz: str = "Asia/Bangkok") -> dt.datetime:
    """Midnight at the office on ``day``, as the naive UTC the columns store:
    "requests of 25 June" means Bangkok's 25 June, not UTC's."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def month_from(raw: str | None, today: dt.date) -> dt.date:
    """First day of a ``YYYY-MM`` month (BE or CE year); this month if unreadable."""
    try:
        year, month = (int(p) for p in (raw or "").split("-"))
        return dt.date(year - BE_OFFSET if year > 2400 else year, month, 1)
    except ValueError:
        return today.replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_from(start: str | None, end: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """A report's period from two typed dates; month-to-date if unreadable."""
    try:
        first, last = parse_date(start or ""), parse_date(end or "")
    except ValueError:
        return today.replace(day=1), today
    return (first, last) if first <= last else (last, first)


def local_today(tz: str = "Asia/Bangkok") -> dt.date:
    return dt.datetime.now(ZoneInfo(tz)).date()


def format_date(value: dt.date | None, locale: str = "th", long: bool = False,
                tz: str = "Asia/Bangkok") -> str:
    """``25 มิ.ย. 2567`` in Thai (Buddhist era), ``25 Jun 2024`` otherwise.

    A day (``date``) is shown as it is; an instant (``datetime``, stored as
    naive UTC) is shown as the office's day: 17:30 UTC on 1 December is
    2 December in Bangkok."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value, tz).date()
    if locale.startswith("th"):
        months = MONTHS_LONG if long else MONTHS_SHORT
        return f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET}"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime | None, locale: str = "th",
                    tz: str = "Asia/Bangkok") -> str:
    """``25 มิ.ย. 2567, 13:11 น.`` from a stored UTC timestamp."""
    if value is None:
        return ""
    local = to_local(value, tz)
    suffix = " น." if locale.startswith("th") else ""
    return f"{format_date(local.date(), locale)}, {local:%H:%M}{suffix}"


def iso_instant(value: dt.datetime | None, tz: str = "Asia/Bangkok") -> str:
    """``2024-06-25T13:11:00+07:00``: a stored (naive UTC) instant for
    machines, to the second and with its offset, so nothing reads it as UTC."""
    if value is None:
        return ""
    return to_local(value, tz).replace(microsecond=0).isoformat()


def parse_local_datetime(value: str, tz: str = "Asia/Bangkok") -> dt.datetime:
    """A moment typed at the office (``2024-06-25T13:11``, ``2024-06-25 13:11:00``,
    ``25/06/2567 13.11``; a year above 2400 is Buddhist era) as the naive UTC
    the columns store. Raises ValueError when it is not one."""
    text = ascii_digits(value or "").strip()
    m = re.fullmatch(r"(.+?)[T ]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*น\.)?", text)
    if not m:
        raise ValueError(value)
    day = parse_date(m.group(1))
    clock = dt.time(int(m.group(2)), int(m.group(3)), int(m.group(4) or 0))
    local = dt.datetime.combine(day, clock, tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def format_due(item: object, locale: str = "th", tz: str = "Asia/Bangkok") -> str:
    """A request's due date, with the time when its target is in minutes
    (``item`` is a request, or the status check's dict); empty for a
    cancelled request."""
    def get(name: str) -> object:
        return item.get(name) if isinstance(item, dict) else getattr(item, name, None)

    # A cancelled request expects nothing: no date promised to anyone.
    if get("status") == "cancelled":
        return ""
    if get("due_at") is not None:
        return format_datetime(get("due_at"), locale, tz)  # type: ignore[arg-type]
    return format_date(get("due_date"), locale)  # type: ignore[arg-type]


def ascii_digits(value: str) -> str:
    """Every decimal digit as its ASCII digit: Thai ``๐``-``๙``, Arabic-Indic,
    full-width and every other script's (Unicode category Nd).

    A Thai keyboard types ``๑๒๓``; ``int()``, ``Decimal()`` and a regex's
    ``\\d`` all read it as 123, but as text it is not ``"123"``: an ID or phone
    stored as typed would slip past a unique index and every lookup. Whatever
    is stored, compared or checked as a number goes through here first.
    Other characters (letters, Thai text, dashes, superscripts) stay."""
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in value)


_NOT_DIGITS = re.compile(r"[^0-9]")


def normalise_national_id(value: str) -> str:
    """ASCII digits only: the dashes and spaces people type
    (``1-2345-67890-12-1``) dropped, Thai digits made ASCII."""
    return _NOT_DIGITS.sub("", ascii_digits(value or ""))


def national_id_is_valid(value: str) -> bool:
    """The 13th digit of a Thai national ID is a mod-11 check digit.

    ASCII only: a value that skipped :func:`normalise_national_id` is refused,
    not accepted as a second spelling of someone's ID."""
    if not re.fullmatch(r"[0-9]{13}", value or ""):
        return False
    total = sum(int(value[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10 == int(value[12])


def national_id_check_digit(first12: str) -> str:
    total = sum(int(first12[i]) * (13 - i) for i in range(12))
    return str((11 - total % 11) % 10)


def mask_national_id(value: str) -> str:
    """``1-2345-xxxxx-xx-1``: enough to recognise, not enough to misuse."""
    if len(value or "") != 13:
        return value or ""
    return f"{value[0]}-{value[1:5]}-xxxxx-xx-{value[12]}"


def parse_date(value: str) -> dt.date:
    """Read ``dd/mm/yyyy`` or ISO dates; a year above 2400 is Buddhist era."""
    value = ascii_digits(value or "").strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
        if not m:
            raise ValueError(value)
        year, month, day = (int(g) for g in m.groups())
    if year > 2400:
        year -= BE_OFFSET
    return dt.date(year, month, day)


def baht_text(amount: object) -> str:
    """An amount in Thai words, as on a receipt: ``ห้าร้อยห้าสิบห้าบาทถ้วน``."""
    from decimal import Decimal

    from pythainlp.util import bahttext

    return bahttext(float(Decimal(str(amount))))


def age_years(born: object, today: dt.date | None = None) -> int | str:
    """Full years of age, from a date or an ISO date string ("" if unreadable)."""
    try:
        born = born if isinstance(born, dt.date) else dt.date.fromisoformat(str(born))
    except ValueError:
        return ""
    today = today or local_today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

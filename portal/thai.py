"""Thai specifics: Buddhist-era dates, month names, national-ID checksum,
digits typed on a Thai keyboard, the country's latitudes and longitudes."""

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

# Thailand's extent in decimal degrees, a little wider than the land
# (5.61-20.46 N, 97.34-105.64 E): a place typed outside it is a mistake.
THAI_LATITUDES = (5.5, 20.5)
THAI_LONGITUDES = (97.3, 105.7)


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


_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.()]")


def normalise_phone(value: str) -> str:
    """One spelling of a Thai phone number: the spaces, dashes, dots and
    brackets people type (``081-234-5678``, ``(02) 123 4567``) dropped, other
    scripts' digits made ASCII, the country code ``+66`` as the leading 0.
    Anything else is left for the validator to refuse."""
    text = _PHONE_SEPARATORS.sub("", ascii_digits(value or ""))
    if text.startswith("+66"):
        text = "0" + text[3:].lstrip("0")
    return text


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


# ---- A date typed in three parts (day, month, year) ----------------------
MONTHS_EN_LONG = ("January", "February", "March", "April", "May", "June", "July",
                  "August", "September", "October", "November", "December")
# The years a person may mean: 1900-2100 A.D. (2443-2643 B.E.). A year in
# the gap between the two ranges, or outside both, is a typing slip.
YEAR_FIRST_CE, YEAR_LAST_CE = 1900, 2100
YEAR_FIRST_BE, YEAR_LAST_BE = YEAR_FIRST_CE + BE_OFFSET, YEAR_LAST_CE + BE_OFFSET


class DateProblem(ValueError):
    """Why three typed parts are not a date: ``code`` names the problem
    (``missing``, ``day``, ``month``, ``year_digits``, ``year_range``,
    ``no_such_day``), ``parts`` the parts to mark, ``params`` the numbers a
    message needs. The words are the form's business."""

    def __init__(self, code: str, parts: tuple[str, ...], **params: int) -> None:
        super().__init__(code)
        self.code, self.parts, self.params = code, parts, params


def _squeeze(text: str) -> str:
    return re.sub(r"[\s.]", "", text).lower()


_MONTH_WORDS = {_squeeze(name): n for names in (MONTHS_LONG, MONTHS_SHORT, MONTHS_EN,
                                               MONTHS_EN_LONG)
                for n, name in enumerate(names, start=1)}


def month_number(text: str) -> int | None:
    """``10``, ``๑๐``, ``ตุลาคม``, ``ต.ค.``, ``Oct`` → 10; None if it is no month."""
    text = ascii_digits(text or "").strip()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return _MONTH_WORDS.get(_squeeze(text))


def read_date_parts(day: str, month: str, year: str) -> tuple[dt.date, int | None]:
    """The date three typed parts name, and the Christian-era year if that is
    what was typed (1965 is read as 2508 B.E.; the caller tells the person).

    Digits of any script count; spaces around them do not. Raises
    :class:`DateProblem` when the parts are no date."""
    day, month, year = (ascii_digits(p or "").strip() for p in (day, month, year))
    missing = tuple(name for name, text in (("day", day), ("month", month), ("year", year))
                    if not text)
    if missing:
        raise DateProblem("missing", missing)
    if not day.isdigit() or not 1 <= int(day) <= 31:
        raise DateProblem("day", ("day",))
    number = month_number(month)
    if number is None:
        raise DateProblem("month", ("month",))
    if not (year.isdigit() and len(year) == 4):
        raise DateProblem("year_digits", ("year",))
    typed = int(year)
    if YEAR_FIRST_BE <= typed <= YEAR_LAST_BE:
        ce, typed_ce = typed - BE_OFFSET, None
    elif YEAR_FIRST_CE <= typed <= YEAR_LAST_CE:
        ce, typed_ce = typed, typed
    else:
        raise DateProblem("year_range", ("year",))
    try:
        return dt.date(ce, number, int(day)), typed_ce
    except ValueError:
        last = (dt.date(ce + (number == 12), number % 12 + 1, 1) - dt.timedelta(days=1)).day
        raise DateProblem("no_such_day", ("day", "month", "year"), month=number,
                          year=ce + BE_OFFSET, days=last) from None

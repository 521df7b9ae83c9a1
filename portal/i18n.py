"""The reader's language and time zone, and the one way Python code shows a
day or an instant to a person (templates use the same functions as the
``be_date``/``be_datetime``/``be_due`` filters).

Also WTForms' own messages ("This field is required.", "Not a valid choice.")
in Thai. WTForms ships no Thai catalogue and Flask-WTF only looks in
WTForms' folder, so forms read ours (``translations/th/LC_MESSAGES/wtforms.po``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from babel import support
from flask import current_app, g, has_app_context, has_request_context
from flask_babel import get_locale

from .thai import format_date, format_datetime, format_due, iso_instant

DIRECTORY = str(Path(__file__).parent / "translations")
DEFAULT_TIMEZONE = "Asia/Bangkok"


def current_locale() -> str:
    """``th`` or ``en``: the language of the page or message being made
    (``force_locale`` included); Thai outside any app."""
    if not has_app_context():
        return "th"
    return str(get_locale() or "th")


def local_tz() -> str:
    """The office's time zone (``PORTAL_TIMEZONE``)."""
    if not has_app_context():
        return DEFAULT_TIMEZONE
    return current_app.config.get("PORTAL_TIMEZONE") or DEFAULT_TIMEZONE


def show_date(value: dt.date | None, long: bool = False) -> str:
    """A day for the reader: ``2 ธ.ค. 2569`` or ``2 Dec 2026``; an instant is
    shown as its day at the office."""
    return format_date(value, current_locale(), long, local_tz())


def show_datetime(value: dt.datetime | None) -> str:
    """An instant (naive UTC) for the reader: ``2 ธ.ค. 2569, 00:30 น.``."""
    return format_datetime(value, current_locale(), local_tz())


def show_due(item: object) -> str:
    """A request's due date, with the time when its target is in minutes."""
    return format_due(item, current_locale(), local_tz())


def show_iso(value: dt.datetime | None) -> str:
    """An instant for machines: ISO 8601 in office time with its offset."""
    return iso_instant(value, local_tz())


def _translations() -> Any:
    if not has_request_context():
        return None
    loaded = getattr(g, "_wtforms_translations", None)
    if loaded is None:
        loaded = support.Translations.load(DIRECTORY, [get_locale()], domain="wtforms")
        g._wtforms_translations = loaded
    return loaded


class WTFormsTranslations:
    def gettext(self, string: str) -> str:
        t = _translations()
        return string if t is None else t.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        t = _translations()
        if t is None:
            return singular if n == 1 else plural
        return t.ungettext(singular, plural, n)


wtforms_translations = WTFormsTranslations()


def agency_name(agency: Any, locale: str | None = None) -> str:
    """An agency's name in the reader's language: its English name on an
    English page when it has one, the Thai name otherwise. Every page,
    e-mail, PDF and staff list names an agency through this (the
    ``agency_name`` template filter, ``str(agency)``)."""
    if agency is None:
        return ""
    if locale is None:
        try:
            locale = str(get_locale() or "th")
        except RuntimeError:  # no app: a CLI message, a log line
            locale = "th"
    english = (getattr(agency, "name_en", "") or "").strip()
    return english if english and not locale.startswith("th") else agency.name_th

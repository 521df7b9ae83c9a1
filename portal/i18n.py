"""WTForms' own messages ("This field is required.", "Not a valid choice.")
in Thai. WTForms ships no Thai catalogue and Flask-WTF only looks in
WTForms' folder, so forms read ours (``translations/th/LC_MESSAGES/wtforms.po``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel import support
from flask import g, has_request_context
from flask_babel import get_locale

DIRECTORY = str(Path(__file__).parent / "translations")


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

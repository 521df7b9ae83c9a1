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

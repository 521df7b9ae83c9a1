"""The attributes of a form element, written exactly as WTForms writes them
(``wtforms.widgets.html_params``) at about a fifth of the cost.

WTForms formats each attribute through ``Markup('{k}="{v}"').format()``:
Python's ``string.Formatter`` and an escape per part, for every input,
option and radio button of a page. That was most of the time a form page
took to draw its fields (issue 24: about 0.1 ms an attribute list on the
2-core server, over a hundred lists on a 50-question form). The output is
the same text: keys sorted as given, ``True`` as a bare name, ``False``
left out, names and values escaped, a ``"`` a value's own markup carries
written ``&quot;``; tests/test_field_html.py compares both functions and
pins the fields' HTML.

:func:`install` puts it where WTForms' widgets look for it (the module's
global and the ``html_params`` attribute of ``Input`` and ``Button``), so
every form, the portal's and Flask-Admin's, draws through it."""

from __future__ import annotations

import functools
from typing import Any

import wtforms.widgets
import wtforms.widgets.core as _core
from markupsafe import Markup, escape

# WTForms' own, for the comparison test (install() replaces the name).
WTFORMS_HTML_PARAMS = _core.html_params


@functools.lru_cache(maxsize=1024)
def _name(key: str) -> str:
    """``class_`` → ``class``, ``data_x_y`` → ``data-x-y``, escaped; the
    keys come from code, so there are few of them."""
    return str(escape(_core.clean_key(key)))


def html_params(**kwargs: Any) -> Markup:
    """``html_params(id="a", required=True)`` → ``id="a" required``, as
    WTForms writes it."""
    params = []
    for key, value in sorted(kwargs.items()):
        if value is True:
            params.append(_name(key))
        elif value is not False:
            params.append(_name(key) + '="' + str.replace(escape(value), '"', "&quot;") + '"')
    return Markup(" ".join(params))


def install() -> None:
    """Make WTForms' widgets draw through :func:`html_params` (idempotent)."""
    _core.html_params = html_params
    wtforms.widgets.html_params = html_params
    _core.Input.html_params = staticmethod(html_params)
    _core.Button.html_params = staticmethod(html_params)

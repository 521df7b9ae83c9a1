"""The staff menu, rendered once for each combination of what it depends on.

Flask-Admin renders its menu on every staff page: 30 entries, each asking
its view whether the user may open it, whether it is the page being shown,
and for its URL and translated name — about 2 ms of a 14 ms list page. The
HTML depends only on the language, the page's view (the highlighted entry),
the script root and which views the user may open; the last is still asked
on every page (and answered once per request, see ``web._remember_access``),
so a change of someone's rights shows on their next page."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

LIMIT = 512  # languages × pages × kinds of staff; far more than a real install has


class MenuCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._rendered: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], Any]) -> Markup:
        with self._lock:
            html = self._rendered.get(key)
            if html is not None:
                self._rendered.move_to_end(key)
                return html
        html = Markup(render())
        with self._lock:
            self._rendered[key] = html
            while len(self._rendered) > self.limit:
                self._rendered.popitem(last=False)
        return html

    def __len__(self) -> int:
        return len(self._rendered)


def staff_menu(admin_view: Any, render: Callable[[], Any]) -> Markup:
    """The menu HTML for this page; ``render`` draws it (Flask-Admin's
    ``layout.menu`` macro) when this combination has not been seen."""
    views = admin_view.admin._views  # noqa: SLF001 - the views the menu is made of
    key = (str(get_locale()), admin_view.endpoint, request.script_root,
           tuple(view.is_accessible() and view.is_visible() for view in views))
    return current_app.extensions["staff_menu"].get(key, render)

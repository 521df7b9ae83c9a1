"""A test client that sends the CSRF token the way a browser's form does."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class CSRFClient(FlaskClient):
    """``post`` adds the session's CSRF token unless ``csrf=False``."""

    _token: str | None = None
    _raw: str | None = None

    def _session_token(self) -> str | None:
        """The raw token the session holds now (a sign-in replaces it)."""
        cookie = self.get_cookie("session")
        if cookie is None:
            return None
        app = self.application
        try:
            return app.session_interface.get_signing_serializer(app).loads(
                cookie.value).get("csrf_token")
        except Exception:  # no session yet, or one signed with another key
            return None

    def csrf_token(self) -> str:
        if self._token is None or self._session_token() != self._raw:
            page = self.get("/privacy").get_data(as_text=True)
            match = TOKEN.search(page)
            assert match, "no CSRF token on the page"
            self._token, self._raw = match.group(1), self._session_token()
        return self._token

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        if csrf:
            data = kwargs.get("data")
            if data is None:
                data = kwargs["data"] = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                # A copy: a test may post the same dict from another client.
                kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)

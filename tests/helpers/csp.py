"""What a Content-Security-Policy without 'unsafe-inline' would refuse to run."""

from __future__ import annotations

from html.parser import HTMLParser


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            url = (value or "").strip().lower()
            # Flask-Admin's inert placeholders; staff-csp.js cancels the click.
            if name in ("href", "src", "action", "formaction") and \
                    url.startswith("javascript:") and url != "javascript:void(0)":
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script" and not named.get("src"):
            self._in_script = True

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}…")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_scripts(html: str) -> list[str]:
    """Inline <script> bodies, on*= handlers and javascript: URLs in ``html``."""
    parser = _InlineScripts()
    parser.feed(html)
    return parser.found

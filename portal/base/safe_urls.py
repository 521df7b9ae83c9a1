"""Where the portal may send a browser back to after a form: its own pages."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None.

    Browsers read ``/\\evil.example`` and ``//evil.example`` as another host,
    drop tabs and newlines inside a URL, and take ``http:evil.example`` as
    an absolute address, so each of those is refused rather than cleaned."""
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return None
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target

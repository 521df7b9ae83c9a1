"""Absolute links for people outside the browser — e-mail, LINE, printed
PDFs and their QR codes, an identity provider's return address — and the
check of the public address they are built on.

The only place such a link is made (tests/test_public_links.py fails on a new
``host_url`` or ``_external=True`` elsewhere). It never reads the request's
Host: the sender of a request chooses that header, and a link built from it
sends the person who follows it wherever that sender wanted.

Depends on Flask alone, so every layer and every plugin can use it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def check_base_url(value: str) -> str:
    """PUBLIC_BASE_URL as links are built on it, or a RuntimeError naming
    what is wrong: scheme and host, maybe a path, nothing after it."""
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError:
        parts = parts._replace(netloc="")
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query
            or parts.fragment or parts.username or parts.password):
        raise RuntimeError(
            f"PUBLIC_BASE_URL must be the portal's public address such as "
            f"https://eservice.example.go.th (optionally with a path), not {value!r}")
    return value.strip().rstrip("/")


def public_host(value: str) -> str:
    """The host name of PUBLIC_BASE_URL (no port), the first trusted host."""
    return urlsplit(value).hostname or ""


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link to ``endpoint`` on PUBLIC_BASE_URL.

    Built from the configured address alone, with or without a request, so
    a job or a command makes the same link as a page would.

    :param endpoint: a Flask endpoint, e.g. ``"public.status_check"``.
    :param values: its URL arguments; unknown ones become the query string.
    :return: e.g. ``https://eservice.example.go.th/status?ref=69-000001-ABCDE``.
    :raises RuntimeError: PUBLIC_BASE_URL is not set (a production start
        refuses to run without it; a test or demo start must set it).
    """
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base:
        raise RuntimeError("PUBLIC_BASE_URL is not set: links for e-mail, LINE, PDFs and QR "
                           "codes are built on it and never on the request's Host")
    parts = urlsplit(check_base_url(base))
    # Bound to the public address instead of the request: url_for(_external)
    # would take scheme and host from the request the client sent.
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme)
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def status_check_url(reference: str | None = None) -> str:
    """Absolute link to the status check, with the reference filled in."""
    return public_url("public.status_check", **({"ref": reference} if reference else {}))

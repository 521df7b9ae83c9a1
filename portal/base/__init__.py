"""What every concern of the core stands on, and nothing else: the audit log
(audit), the Flask extensions (extensions), paging of lists (paging), safe
redirects (safe_urls), links that leave the browser (links), the outbox of
messages (outbox) and the job queue (jobs).

Imports from: portal.plugins and the bottom modules (models, db, config,
thai, i18n). Never from identity, files, requests, staff, web or ops."""

from __future__ import annotations

from .extensions import (
    csrf,
    limiter,
)
from .links import (
    public_url,
    status_check_url,
)
from .outbox import (
    queue,
)

__all__ = [
    "csrf",
    "limiter",
    "public_url",
    "queue",
    "status_check_url",
]

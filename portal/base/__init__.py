"""What every concern of the core stands on, and nothing else: the audit log
(audit), the Flask extensions (extensions), paging of lists (paging), safe
redirects (safe_urls), links that leave the browser (links), the outbox of
messages (outbox) and the job queue (jobs).

Imports from: portal.plugins and the bottom modules (models, db, config,
thai, i18n). Never from identity, files, requests, staff, web or ops."""

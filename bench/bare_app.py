"""The floor: a bare Flask endpoint doing the status check's one indexed
lookup (a request by its reference) on the same database, with nothing else
— no sessions, CSRF, templates, rate limit, plugins. ``bench/load.py`` runs
it under the same gunicorn settings as the portal and prints the ratio.

    DATABASE_URL=... gunicorn bench.bare_app:app
"""

from __future__ import annotations

import os

from flask import Flask, abort, jsonify

from portal.config import DEFAULTS
from portal.db import database, open_database

app = Flask(__name__)
# Same driver, pragmas and connection pool as the portal.
open_database(os.environ["DATABASE_URL"],
              int(os.environ.get("DATABASE_POOL_SIZE", DEFAULTS["DATABASE_POOL_SIZE"])))


@app.get("/status/<reference>")
def status(reference: str):  # type: ignore[no-untyped-def]
    database.connect(reuse_if_open=True)
    try:
        row = database.execute_sql(
            "SELECT status, status_changed_at FROM request WHERE reference = "
            + database.param, (reference,)).fetchone()
    finally:
        database.close()
    if row is None:
        abort(404)
    return jsonify(status=row[0], changed=str(row[1]))

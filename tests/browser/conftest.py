"""A real server on loopback and Debian's chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from portal import create_app
from portal.config import DEFAULTS
from portal.ops.migrate import upgrade
from portal.plugins.manager import plugin_manager

from ..conftest import make_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def browser_config(folder: Path) -> dict[str, Any]:
    """The browser asks for 127.0.0.1, the one host answered (any port)."""
    # A light proof of work: walks of whole flows sign in many times on two
    # shared cores, where the real cost can outlast a 30 s wait. The robot
    # check's own browser test puts the real cost back (ROBOT_CHECK_COST).
    return make_config(folder, SERVER_NAME=None, PUBLIC_BASE_URL="http://127.0.0.1",
                       ALTCHA_COST=50)


# What a real install makes the browser spend (portal.config.DEFAULTS).
ROBOT_CHECK_COST = {key: DEFAULTS[key] for key in
                    ("ALTCHA_COST", "ALTCHA_MIN_COUNTER", "ALTCHA_MAX_COUNTER")}


def serve(app: Flask) -> tuple[BaseWSGIServer, str]:
    """The app on a free loopback port, its links on that port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # The port is known only once bound; the host was trusted at create_app.
    app.config["PUBLIC_BASE_URL"] = url
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, url


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    app = create_app(browser_config(tmp_path))
    with app.app_context():
        upgrade(plugin_manager())
    server, url = serve(app)
    yield {"url": url, "app": app}
    server.shutdown()


@pytest.fixture
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs it)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest):
    SHOTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{request.node.name}-{next(counter):02d}-{name}.png"),
                        full_page=True)

    return take

"""Fixtures: an app on a fresh, migrated SQLite file per test; helpers to
make agencies, people and requests through the real code paths."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.db import database, release_all
from portal.identity import captcha
from portal.identity.access import AGENCY_ADMIN, STAFF
from portal.identity.passwords import hash_password
from portal.models import Agency, Membership, MembershipService, User
from portal.ops.migrate import upgrade
from portal.plugins.manager import plugin_manager
from portal.requests.catalogue import set_enabled
from portal.thai import national_id_check_digit

from .helpers.client import CSRFClient

if TYPE_CHECKING:
    from .helpers.databases import Databases

pytest_plugins = ("tests.helpers.databases", "tests.helpers.files", "tests.helpers.redis_server",
                  "tests.helpers.s3_server", "tests.helpers.oidc_server")

CAPTCHA_TEXT = "24680"
PASSWORD = "correct-horse-9"
PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose; hash once


# 00:30 in Bangkok is 17:30 of the day before in UTC: a page that shows a
# stored instant without converting it shows yesterday's date.
HALF_PAST_MIDNIGHT_BANGKOK = dt.datetime(2026, 12, 2, 0, 30, tzinfo=ZoneInfo("Asia/Bangkok"))


@pytest.fixture
def bangkok_night() -> Iterator[dt.datetime]:
    """The clock frozen at 00:30 Bangkok (2 Dec 2569 BE); it ticks on from
    there so timeouts and rate limits still see time pass."""
    import time_machine

    with time_machine.travel(HALF_PAST_MIDNIGHT_BANGKOK, tick=True):
        yield HALF_PAST_MIDNIGHT_BANGKOK


@pytest.fixture(autouse=True)
def known_captcha(monkeypatch: pytest.MonkeyPatch) -> str:
    """The challenge is random in life; tests need to know the answer."""
    monkeypatch.setattr(captcha, "random_text", lambda: CAPTCHA_TEXT)
    return CAPTCHA_TEXT


def make_config(tmp_path: Any, migrated: bool = False, **extra: Any) -> dict[str, Any]:
    """A test app's settings on a new database of the run's kind (SQLite
    file or PostgreSQL), empty or copied from the migrated template."""
    from .helpers.databases import databases  # a pytest plugin: imported late

    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": databases().url(Path(tmp_path), migrated=migrated),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": True,
        "SERVER_NAME": "localhost",
        # The test client's host: every link that leaves the portal is built
        # on it, and it is the one host requests are answered for.
        "PUBLIC_BASE_URL": "http://localhost",
        **extra,
    }


@pytest.fixture
def app_config(tmp_path: Any, migrated_db: Databases) -> dict[str, Any]:
    return make_config(tmp_path, migrated=True)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory,
                test_databases: Databases) -> Databases:
    """Migrate once; each test starts from a copy (test_migrations covers
    the upgrade of an empty database itself)."""
    config = make_config(tmp_path_factory.mktemp("template"))
    app = create_app(config)
    with app.app_context():
        upgrade(plugin_manager())
    release_all()  # PostgreSQL copies a template only with nobody connected
    test_databases.set_template(config["DATABASE_URL"])
    return test_databases


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    app.test_client_class = CSRFClient
    # No app context stays pushed: each test-client request must get its
    # own, or Flask would share ``g`` (and the CSRF token) between clients.
    with app.app_context():
        upgrade(plugin_manager())
    yield app
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_counter = iter(range(10**6))


def new_national_id() -> str:
    first12 = f"1{next(_counter):011d}"
    return first12 + national_id_check_digit(first12)


def make_user(**fields: Any) -> User:
    n = next(_counter)
    defaults = {"national_id": new_national_id(), "title": "นาย", "first_name": f"ทดสอบ{n}",
                "last_name": "ใจดี", "phone": f"08{n:08d}", "email": f"u{n}@example.go.th",
                "password_hash": PASSWORD_HASH}
    defaults.update(fields)
    return User.create(**defaults)


def make_agency(code: str | None = None, services: tuple[str, ...] = ("certificate",),
                **fields: Any) -> Agency:
    code = code or f"ag{next(_counter)}"
    agency = Agency.create(code=code, name_th=fields.pop("name_th", f"หน่วยงาน {code}"), **fields)
    for service in services:
        set_enabled(agency, service, True)
    return agency


def make_staff(agency: Agency, services: tuple[str, ...] = ("certificate",),
               role: str = STAFF) -> User:
    user = make_user()
    membership = Membership.create(user=user, agency=agency, role=role)
    if role == STAFF:
        for code in services:
            MembershipService.create(membership=membership, service_code=code)
    return user


def make_agency_admin(agency: Agency) -> User:
    return make_staff(agency, role=AGENCY_ADMIN)


def login(client: FlaskClient, user: User, password: str = PASSWORD) -> Any:
    client.get("/captcha.png")
    return client.post("/login", data={"national_id": user.national_id, "password": password,
                                       "captcha": CAPTCHA_TEXT})


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """Two agencies, a citizen each side, staff each side, an admin."""
    a = make_agency("alpha")
    b = make_agency("beta")
    return {
        "agency": a, "other_agency": b,
        "citizen": make_user(), "other_citizen": make_user(),
        "staff": make_staff(a), "other_staff": make_staff(b),
        "admin": make_agency_admin(a),
        "system": make_user(is_system_admin=True),
    }


def file_upload(data: bytes, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), name

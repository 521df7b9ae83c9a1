"""The database each test runs on: a SQLite file (the default) or a
PostgreSQL database (``pytest --database=postgresql``).

For PostgreSQL the suite starts its own throwaway cluster from Debian's
binaries in a temporary folder, listening on loopback only, with durability
switched off because nothing in it must outlive the run. Set
``PORTAL_TEST_POSTGRES_URL=postgresql://user@host:port/postgres`` to use a
server that is already running instead (the role must be allowed to create
databases). Each test gets its own database, copied from a migrated template
with ``CREATE DATABASE … TEMPLATE`` (the same trick as copying the SQLite
file) and dropped when the test ends.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--database", choices=(SQLITE, POSTGRESQL), default=SQLITE,
                     help="the database every test runs on (default: sqlite)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "once: the database does not matter (a browser walk, file checks); "
        "run on the SQLite pass only, so the PostgreSQL pass is not twice as long")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--database") == SQLITE:
        return
    skip = pytest.mark.skip(reason="marked once: runs on the SQLite pass")
    for item in items:
        if item.get_closest_marker("once") or item.get_closest_marker("browser"):
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """A private PostgreSQL server for one test session (one xdist worker)."""

    def __init__(self, durable: bool = False) -> None:
        """``durable`` keeps PostgreSQL's usual fsync settings, for a benchmark
        whose figures must be those of a real install."""
        bindir = _postgres_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (scripts/system-deps.sh installs it)")
        self.folder = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.port = _free_port()
        # initdb refuses to run as root; CI runs as root, so the cluster
        # belongs to Debian's postgres account there.
        as_owner: list[str] = []
        if os.geteuid() == 0:
            as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")
        self._as_owner = as_owner
        data = self.folder / "data"
        subprocess.run([*as_owner, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL)
        self._pg_ctl = [*as_owner, str(bindir / "pg_ctl"), "-D", str(data)]
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=200")
        if durable:
            options += " -c shared_buffers=512MB"
        else:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run([*self._pg_ctl, "-o", options, "-l", str(self.folder / "log"),
                        "-w", "start"], check=True, stdout=subprocess.DEVNULL)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run([*self._pg_ctl, "-m", "immediate", "stop"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.folder, ignore_errors=True)


class Databases:
    """Hands out a database per test, empty or migrated."""

    def __init__(self, kind: str, admin_url: str | None = None) -> None:
        self.kind = kind
        self.admin_url = admin_url
        self.template: Path | str | None = None
        self._made: list[str] = []
        self._names = itertools.count()
        self._prefix = f"t{os.getpid()}_"

    # -- PostgreSQL plumbing -------------------------------------------------
    def _admin(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True  # CREATE/DROP DATABASE refuse transactions
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def _url_of(self, name: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def _new_postgres(self, template: str | None) -> str:
        name = f"{self._prefix}{next(self._names)}"
        source = f" TEMPLATE {template}" if template else ""
        self._admin(f"CREATE DATABASE {name}{source} ENCODING 'UTF8'")
        self._made.append(name)
        return self._url_of(name)

    # -- what the fixtures use -----------------------------------------------
    def url(self, folder: Path, migrated: bool = False) -> str:
        """A new database for one test; ``migrated`` starts from the template."""
        if self.kind == SQLITE:
            path = folder / "portal.db"
            folder.mkdir(parents=True, exist_ok=True)
            if migrated:
                shutil.copy(self.template, path)
            return f"sqlite:///{path}"
        return self._new_postgres(str(self.template) if migrated else None)

    def set_template(self, url: str) -> None:
        self.template = (Path(url.removeprefix("sqlite:///")) if self.kind == SQLITE
                         else urlsplit(url).path.lstrip("/"))
        if self.kind == POSTGRESQL:
            self._made.remove(str(self.template))  # kept for the whole session

    def mark(self) -> int:
        return len(self._made)

    def drop_made(self, since: int = 0) -> None:
        """Drop the databases made after ``since`` (see :meth:`mark`): a
        test's own, not those of a module-scoped server still in use."""
        while len(self._made) > since:
            self._admin(f"DROP DATABASE IF EXISTS {self._made.pop()} WITH (FORCE)")


_current: Databases | None = None


def databases() -> Databases:
    if _current is None:
        raise RuntimeError("the test_databases fixture has not run")
    return _current


@pytest.fixture(scope="session")
def test_databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    global _current
    kind = request.config.getoption("--database")
    cluster = None
    if kind == POSTGRESQL:
        admin_url = os.environ.get("PORTAL_TEST_POSTGRES_URL")
        if not admin_url:
            cluster = PostgresCluster()
            admin_url = cluster.url
        _current = Databases(kind, admin_url)
    else:
        _current = Databases(kind)
    yield _current
    _current.drop_made()
    _current = None
    if cluster is not None:
        cluster.stop()


@pytest.fixture(autouse=True)
def _drop_test_databases(test_databases: Databases) -> Iterator[None]:
    # Fixtures of a wider scope were set up before this one, so the mark
    # leaves their databases alone.
    mark = test_databases.mark()
    yield
    from portal.db import release_all

    release_all()
    test_databases.drop_made(mark)


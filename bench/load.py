"""Load benchmark: the portal under gunicorn on loopback, against a million
seeded requests, driven by wrk (Debian's package), on SQLite and PostgreSQL.

    .venv/bin/python bench/load.py [--database sqlite|postgresql|both]
        [--requests 1000000] [--agencies 20] [--seconds 20] [--users 10]
        [--workers 2] [--memory-seconds 300] [--data /work/bench-data]
        [--postgres-url postgresql://user@host/db]

For each page it prints requests per second and p50/p95/p99 latency; beside
the status check it measures a bare Flask endpoint doing the same single
indexed lookup under the same gunicorn settings (``bench/bare_app.py``) and
prints the ratio. It prints each worker's memory (RSS) after warming up and
after a mixed run of ``--memory-seconds``.

The seeded database is kept in ``--data`` and reused by the next run with
the same size (seeding a million requests takes minutes). PostgreSQL is a
private server started from Debian's binaries for the run, unless
``--postgres-url`` names one (a database the run may fill).

Targets (issue #10): status check ≥ 50 % of the bare endpoint; status check,
requester list, staff list and dashboard p95 < 100 ms at 10 users; submit
with two 5 MB files p95 < 300 ms; a PDF < 1 s; flat worker memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TARGET_MS = {"status check": 100, "requester list": 100, "staff list (filter)": 100,  # 10 users
             "staff dashboard": 100, "submit 2 x 5 MB": 300, "PDF print": 1000}

# wrk: rotate through several request bodies/paths and print the figures as
# one JSON line when done (wrk's own summary has no p95).
LUA = r"""
local items = %(items)s
local method = "%(method)s"
local headers = %(headers)s
local i = 0
request = function()
  i = i + 1
  local item = items[(i %% #items) + 1]
  return wrk.format(method, item[1], headers, item[2])
end
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
              + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, "bad": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, bad))
end
"""


def lua_string(value: str | bytes) -> str:
    data = value.encode() if isinstance(value, str) else value
    return '"' + "".join(f"\\{b:03d}" if b < 32 or b > 126 or b in (34, 92) else chr(b)
                         for b in data) + '"'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def big_pdf(megabytes: float) -> bytes:
    """A valid one-page PDF padded to the size (comments in its content
    stream), so the upload check reads a real file of that weight."""
    padding = b"% padding ........................................................\n"
    content = padding * int(megabytes * 1024 * 1024 / len(padding) - 40)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[
        bytes, str]:
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + str(value).encode() + b"\r\n")
    for name, (filename, data, mime) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# ------------------------------------------------------------------ data ---


@contextlib.contextmanager
def portal_app(env: dict[str, str]) -> Iterator[Any]:
    """The portal in this process, on the benchmark's settings, for what is
    easier to read from the database than from pages."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from portal import create_app

        app = create_app()
        with app.app_context():
            yield app
    finally:
        os.environ.clear()
        os.environ.update(saved)


def seeded(env: dict[str, str], count: int, agencies: int, folder: Path) -> dict[str, Any]:
    """Seed once per database and size; the figures the load needs are kept
    beside it."""
    marker = folder / f"seed-{count}-{agencies}.json"
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    run_env = {**os.environ, **env}
    # Also on data seeded by an older version: its schema catches up first.
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=run_env, check=True,
                   stdout=subprocess.DEVNULL)
    if marker.exists():
        return json.loads(marker.read_text())
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "bench.seed", "--requests", str(count),
                          "--agencies", str(agencies)], cwd=ROOT, env=run_env, check=True,
                         capture_output=True, text=True).stdout
    took = time.perf_counter() - started
    print(out.strip().splitlines()[-7])
    info = {"seconds": took, "heavy": re.search(r"200 requests: (\d{13})", out).group(1),
            "clerk": re.search(r"clerk of seed01: (\d{13})", out).group(1),
            "password": re.search(r"account: (\S+)", out).group(1)}
    # Status-check samples straight from the database: spread over agencies.
    with portal_app(env):
        from portal.models import Request

        rows = (Request.select(Request.reference, Request.contact_phone)
                .where(Request.id.in_(list(range(997, 997 * 201, 997)))).tuples())
        info["samples"] = [(ref, phone[-4:]) for ref, phone in rows]
    marker.write_text(json.dumps(info))
    return info


# ---------------------------------------------------------------- server ---


class Gunicorn:
    # Every server started, so that a crash of this script stops them too: a
    # gunicorn left behind keeps the caller's output pipe open for ever.
    running: list[Gunicorn] = []

    def __init__(self, app: str, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "120", app],
            cwd=ROOT, env={**os.environ, **env, "PUBLIC_BASE_URL": self.url},
            stdout=subprocess.DEVNULL)
        Gunicorn.running.append(self)
        # A busy machine may take seconds over a cold worker's first page.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                requests.get(self.url + "/", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn ({app}) did not start")

    def worker_rss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes.append(kb / 1024)
        return sorted(sizes)

    def stop(self) -> None:
        if self in Gunicorn.running:
            Gunicorn.running.remove(self)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @classmethod
    def stop_all(cls) -> None:
        for server in list(cls.running):
            server.stop()


def wrk(url: str, items: list[tuple[str, str | bytes]], seconds: float, users: int,
        method: str = "GET", headers: dict[str, str] | None = None) -> dict[str, float]:
    items_lua = "{" + ", ".join(f"{{{lua_string(p)}, {lua_string(b) if b else 'nil'}}}"
                                for p, b in items) + "}"
    headers_lua = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                                  for k, v in (headers or {}).items()) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"items": items_lua, "method": method, "headers": headers_lua})
    try:
        run = subprocess.run(
            ["wrk", "-t", str(min(users, 2)), "-c", str(users), "-d", f"{max(1, round(seconds))}s",
             "--timeout", "30s", "-s", script.name, url], capture_output=True, text=True)
    finally:
        os.unlink(script.name)
    out = run.stdout
    if run.returncode or "WRKJSON " not in out:
        raise RuntimeError(f"wrk failed: {run.stdout}{run.stderr}")
    figures = json.loads(out.split("WRKJSON ", 1)[1].splitlines()[0])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def signed_in(base: str, national_id: str, password: str) -> tuple[str, str]:
    """Cookie header and CSRF token of a signed-in session."""
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/login").text).group(1)
    r = session.post(f"{base}/login", data={"national_id": national_id, "password": password,
                                             "csrf_token": token}, allow_redirects=False)
    if r.status_code != 302:
        raise RuntimeError(f"could not sign in {national_id}: {r.status_code}")
    # Signing in replaces the form token: the cookie that goes with the new
    # one is the one after this page.
    token = CSRF.search(session.get(f"{base}/requests").text).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return cookie, token


def status_filter_arg(env: dict[str, str]) -> str:
    """Flask-Admin names a filter by its position: find the status one."""
    with portal_app(env) as app, app.test_request_context():
        from portal.models import Request

        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "requests")
        index, flt = next((i, f) for i, f in enumerate(view._filters)
                          if f.column is Request.status)
        return f"flt0_{view.get_filter_arg(index, flt)}"


def stored_submissions(env: dict[str, str]) -> int:
    with portal_app(env):
        from portal.models import Attachment, HeldFile

        # The form's post carries the files: they are checked and held for
        # the check-answers page (portal.requests.drafts), which sends without them.
        big = [Model.select().where(Model.size > 5_000_000).count()
               for Model in (Attachment, HeldFile)]
        return sum(big) // 2  # two 5 MB files a submission


def submit_body(env: dict[str, str], token: str) -> tuple[str, bytes, str]:
    """A certificate request at seed01 with two 5 MB PDFs."""
    with portal_app(env) as app:
        from portal.models import Agency
        from tests.helpers.answers import answers

        service = app.extensions["portal"].services["certificate"]
        data = answers(app, service, Agency.get(Agency.code == "seed01"))
        slots = [f"file_{s.name}" for s in service.slots if "pdf" in s.kinds][:2]
    fields = {k: v for k, v in data.items() if not hasattr(v, "read") and
              not isinstance(v, tuple)}
    fields["csrf_token"] = token
    pdf = big_pdf(5)
    body, content_type = multipart(fields, {slot: (f"{slot}.pdf", pdf, "application/pdf")
                                            for slot in slots})
    return "/requests/new/seed01/certificate", body, content_type


# What a right answer of each page contains: wrk counts a 2xx or 3xx as a
# success, and a login page or a form sent back with errors is a 200 too.
EXPECT = {"status check": (200, "badge status-"), "requester list": (200, '/print"'),
          "staff list (filter)": (200, "/admin/requests/process/"),
          "staff dashboard": (200, "ดำเนินการเรียบร้อย"),
          "PDF print": (200, "%PDF"), "submit 2 x 5 MB": (302, "/requests/")}


def probe(name: str, base: str, item: tuple[str, str | bytes], method: str,
          headers: dict[str, str]) -> None:
    """Send a page's first request once and check it really is the page."""
    path, body = item
    r = requests.request(method, base + path, data=body or None, headers=headers,
                         allow_redirects=False, timeout=60)
    code, marker = EXPECT[name]
    # latin-1 decodes any bytes, so a PDF's "%PDF" is found like an HTML marker.
    text = r.headers.get("Location", "") if code == 302 else r.content.decode("latin-1")
    if name != "PDF print" and code != 302:
        text = r.text
    if r.status_code != code or marker not in text:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', r.text)
        raise RuntimeError(f"{name}: answered {r.status_code}, not the page it should be "
                           f"({r.headers.get('Location', '')}) {errors or r.text[:300]}")


# ------------------------------------------------------------------- run ---


def bench_env(url: str, folder: Path) -> dict[str, str]:
    """The portal's settings for a benchmark on ``url``, its files in
    ``folder``: no captcha, and limits no load run reaches. The public
    address is the in-process app's (its test client asks for localhost);
    each gunicorn is given its own (a start without one is refused)."""
    return {"DATABASE_URL": url, "PORTAL_INSTANCE_DIR": str(folder),
            "PUBLIC_BASE_URL": "http://localhost",
            "UPLOAD_DIR": str(folder / "uploads"), "JOBS_DB": str(folder / "jobs.db"),
            "SECRET_KEY": "bench-secret", "CAPTCHA_ENABLED": "false",
            "LOGIN_RATE_LIMIT": "1000000 per minute",
            "STATUS_CHECK_RATE_LIMIT": "1000000 per minute", "LOGIN_MAX_FAILURES": "1000000",
            "PRINT_RATE_LIMIT": "1000000 per minute"}


def run_database(kind: str, url: str, folder: Path, args: argparse.Namespace) -> list[str]:
    env = bench_env(url, folder)
    info = seeded(env, args.requests, args.agencies, folder)
    lines = [f"== {kind}: {args.requests:,} requests over {args.agencies} agencies "
             f"(seeded in {info['seconds']:.0f} s), gunicorn {args.workers} workers, "
             f"{args.users} users, {args.seconds:g} s per page =="]
    print(lines[0], flush=True)

    bare = Gunicorn("bench.bare_app:app", env, args.workers)
    try:
        refs = [(f"/status/{ref}", "") for ref, _ in info["samples"]]
        wrk(bare.url, refs, 2, args.users)  # warm up
        floor = wrk(bare.url, refs, args.seconds, args.users)
    finally:
        bare.stop()

    portal = Gunicorn("wsgi:app", env, args.workers)
    base = portal.url
    try:
        public = requests.Session()
        token = CSRF.search(public.get(f"{base}/status").text).group(1)
        public_cookie = "; ".join(f"{c.name}={c.value}" for c in public.cookies)
        citizen_cookie, citizen_token = signed_in(base, info["heavy"], info["password"])
        clerk_cookie, _ = signed_in(base, info["clerk"], info["password"])
        form = "application/x-www-form-urlencoded"
        checks = [("/status", f"reference={ref}&phone_last4={last4}&csrf_token={token}")
                  for ref, last4 in info["samples"]]
        mine = requests.get(f"{base}/requests?per_page=50",
                            headers={"Cookie": citizen_cookie}).text
        references = sorted(set(re.findall(r"/requests/([0-9]{2}-[0-9]{6}-[A-Z0-9]{5})", mine)))
        flt = status_filter_arg(env)
        submit_path, submit_payload, submit_type = submit_body(env, citizen_token)
        pages = [
            ("status check", base, checks, "POST", {"Cookie": public_cookie,
                                                    "Content-Type": form}),
            ("requester list", base, [(f"/requests?page={n}", "") for n in range(1, 9)],
             "GET", {"Cookie": citizen_cookie}),
            ("staff list (filter)", base,
             [(f"/admin/requests/?{flt}={s}&page={n}", "")
              for s in ("submitted", "in_progress", "returned") for n in range(3)],
             "GET", {"Cookie": clerk_cookie}),
            ("staff dashboard", base, [("/admin/", "")], "GET", {"Cookie": clerk_cookie}),
            ("PDF print", base, [(f"/requests/{r}/print", "") for r in references[:20]],
             "GET", {"Cookie": citizen_cookie}),
            ("submit 2 x 5 MB", base, [(submit_path, submit_payload)], "POST",
             {"Cookie": citizen_cookie, "Content-Type": submit_type}),
        ]
        for name, url, items, method, headers in pages:
            probe(name, url, items[0], method, headers)
            wrk(url, items, 2, min(args.users, 4), method, headers)  # warm up
        rss_start = portal.worker_rss_mb()
        header = (f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
                  f"{'errors':>8}  target p95")
        print(header)
        lines.append(header)
        for name, url, items, method, headers in pages:
            # "One PDF under 1 s" is the time of one print, not of ten queued
            # behind each other on two workers; a submit moves 10 MB, from one
            # browser (which keeps one draft of a form: its posts queue up).
            users = {"PDF print": 1, "submit 2 x 5 MB": 1}.get(name, args.users)
            seconds = min(args.seconds, 10) if name.startswith("submit") else args.seconds
            f = wrk(url, items, seconds, users, method, headers)
            verdict = "ok" if f["p95"] < TARGET_MS[name] and not f["bad"] else "MISSED"
            if name.startswith("submit"):
                # Every post comes from one browser, and a browser keeps one
                # draft of a form (a post discards the one before): what the
                # run leaves is the last answered post's two files, whole.
                stored = stored_submissions(env)  # the warm-up's draft went too
                verdict += f" ({stored} held after {f['requests']} answered)"
                if f["requests"] and stored < 1:
                    verdict += " LOST SUBMISSIONS MISSED"
            line = (f"{name:<22}{f['rps']:>9.1f}{f['p50']:>9.1f}{f['p95']:>9.1f}"
                    f"{f['p99']:>9.1f}{f['bad']:>8}  < {TARGET_MS[name]} ms {verdict}")
            print(line, flush=True)
            lines.append(line)
            if name == "status check":
                ratio = f["rps"] / floor["rps"]
                line = (f"{'bare Flask lookup':<22}{floor['rps']:>9.1f}{floor['p50']:>9.1f}"
                        f"{floor['p95']:>9.1f}{floor['p99']:>9.1f}{floor['bad']:>8}  "
                        f"status check = {ratio:.0%} of it (target ≥ 50 %) "
                        f"{'ok' if ratio >= 0.5 else 'MISSED'}")
                print(line, flush=True)
                lines.append(line)
        if args.memory_seconds:
            # Status checks and both lists side by side for the whole period.
            import concurrent.futures

            runs = [(base, items, args.memory_seconds, max(2, args.users // 3), method, headers)
                    for _name, _url, items, method, headers in pages[:3]]
            with concurrent.futures.ThreadPoolExecutor(len(runs)) as pool:
                results = list(pool.map(lambda a: wrk(*a), runs))
            total = sum(r["requests"] for r in results)
            bad = sum(r["bad"] for r in results)
            rss_end = portal.worker_rss_mb()
            line = (f"worker RSS MB: {', '.join(f'{m:.0f}' for m in rss_start)} after warm-up; "
                    f"{', '.join(f'{m:.0f}' for m in rss_end)} after {args.memory_seconds:g} s "
                    f"more of mixed load ({total:,} requests, {bad} errors)")
        else:
            line = f"worker RSS MB: {', '.join(f'{m:.0f}' for m in portal.worker_rss_mb())}"
        print(line, flush=True)
        lines.append(line)
    finally:
        portal.stop()
        shutil.rmtree(folder / "uploads", ignore_errors=True)  # the 5 MB submissions
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory-seconds", type=float, default=300)
    parser.add_argument("--data", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--postgres-url", default="")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    data = Path(args.data)
    report: list[str] = []
    if args.database in ("sqlite", "both"):
        folder = data / "sqlite"
        folder.mkdir(parents=True, exist_ok=True)
        report += run_database("SQLite", f"sqlite:///{folder / 'portal.db'}", folder, args)
    if args.database in ("postgresql", "both"):
        folder = data / "postgresql"
        folder.mkdir(parents=True, exist_ok=True)
        cluster = None
        url = args.postgres_url
        if not url:
            from tests.helpers.databases import PostgresCluster

            cluster = PostgresCluster(durable=True)
            url = cluster.url
            # A new server each run: the seed marker of the last one is stale.
            for marker in folder.glob("seed-*.json"):
                marker.unlink()
        try:
            report += run_database("PostgreSQL", url, folder, args)
        finally:
            if cluster is not None:
                cluster.stop()
    print("\n" + "\n".join(report))
    return 0 if not any("MISSED" in line for line in report) else 1


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    finally:
        Gunicorn.stop_all()

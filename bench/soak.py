"""Soak: the portal under gunicorn on loopback, driven for a fixed time by
citizens submitting (with files), checking status and correcting returned
requests, and clerks moving requests through their statuses with result
files. Afterwards every acknowledged action is looked up in the database.

    .venv/bin/python bench/soak.py [--seconds 120] [--citizens 6] [--clerks 2]
                                   [--workers 3] [--database-url URL]

Prints the counts and latencies of each action and the verification, and
exits 1 if any answer was a 5xx or any acknowledged work is missing: a
request without its files, a history out of order or not matching the
status, a status change or correction answered "saved" but not recorded, a
file on disk no row points at.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import itertools
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from pypdf import PdfWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "soak-pass-2567"
# Services whose forms a filler can send again and again: no booked time
# slot and no one-per-person rule (rooms, halls, appointments, elderly).
SKIP = {"meeting_room", "executive_appointment", "hall_booking", "elderly_allowance"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')
SAVED = "บันทึกเรียบร้อย"
CORRECTED = "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่เรียบร้อย"


def pdf_bytes() -> bytes:
    """A real one-page PDF, different every time (its own sha256)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": uuid.uuid4().hex})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Ledger:
    """What the portal acknowledged, and every answer's status and time."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    submitted: dict[str, dict[str, str]] = field(default_factory=dict)  # ref -> slot: sha
    phones: dict[str, str] = field(default_factory=dict)
    changes: list[tuple[str, str]] = field(default_factory=list)  # (ref, to_status)
    results: dict[str, list[str]] = field(default_factory=dict)  # ref -> result sha256s
    answers: collections.Counter = field(default_factory=collections.Counter)
    times: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    server_errors: list[str] = field(default_factory=list)
    refused: collections.Counter = field(default_factory=collections.Counter)

    def note(self, action: str, response: requests.Response, started: float) -> None:
        with self.lock:
            self.times[action].append(time.perf_counter() - started)
            self.answers[(action, response.status_code // 100)] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{action} {response.request.url} "
                                          f"{response.status_code}")


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in(base: str, national_id: str, password: str) -> requests.Session:
    session = requests.Session()
    token = _csrf(session.get(f"{base}/login").text)
    r = session.post(f"{base}/login", data={"csrf_token": token, "national_id": national_id,
                                           "password": password}, allow_redirects=False)
    if r.status_code != 302:
        raise RuntimeError(f"login of {national_id} failed: {r.status_code}")
    return session


def jpg_bytes() -> bytes:
    """A small photo, different every time."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 80), tuple(random.randrange(256) for _ in range(3))).save(
        out, "JPEG", quality=90)
    return out.getvalue()


def _multipart(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split form answers into fields and fresh files of the kind each slot
    takes (every file unique, so each can be traced by its sha256)."""
    fields, files = {}, {}
    for key, value in data.items():
        if key.startswith("file_") and value[1].endswith(".jpg"):
            files[key] = (f"{key[5:]}.jpg", jpg_bytes(), "image/jpeg")
        elif key.startswith("file_"):
            files[key] = (f"{key[5:]}.pdf", pdf_bytes(), "application/pdf")
        else:
            fields[key] = value
    return fields, files


def citizen(base: str, national_id: str, forms: list[tuple[str, str, dict[str, Any]]],
            ledger: Ledger, stop: threading.Event) -> None:
    session = sign_in(base, national_id, PASSWORD)
    mine: list[tuple[str, str]] = []  # (reference, service code)
    rnd = random.Random(national_id)
    while not stop.is_set():
        roll = rnd.random()
        if roll < 0.45 or not mine:
            agency, code, answers = rnd.choice(forms)
            url = f"{base}/requests/new/{agency}/{code}"
            fields, files = _multipart(answers)
            fields["csrf_token"] = _csrf(session.get(url).text)
            started = time.perf_counter()
            r = session.post(url, data=fields, files=files, allow_redirects=False)
            check = r.headers.get("Location", "") if r.status_code == 302 else ""
            if "/check/" in check:
                # The check-your-answers page's button is what sends.
                check = check if check.startswith("http") else base + check
                page = session.get(check)
                r = session.post(check, data={"csrf_token": _csrf(page.text), "confirm": "1"},
                                 allow_redirects=False)
            ledger.note("submit", r, started)
            match = re.search(r"/requests/(?:sent/)?([0-9A-Z-]+)$", r.headers.get("Location", ""))
            if r.status_code == 302 and match:
                ref = match.group(1)
                mine.append((ref, code))
                with ledger.lock:
                    ledger.submitted[ref] = {name[5:]: hashlib.sha256(f[1]).hexdigest()
                                             for name, f in files.items()}
                    ledger.phones[ref] = fields["phone"]
            elif r.status_code == 200:
                errors = re.findall(r'class="error"[^>]*>([^<]+)<', r.text)
                with ledger.lock:
                    ledger.refused[(code, "; ".join(sorted(set(errors)))[:120])] += 1
        elif roll < 0.75:
            ref, _code = rnd.choice(mine)
            page = session.get(f"{base}/status")
            started = time.perf_counter()
            r = session.post(f"{base}/status", data={
                "csrf_token": _csrf(page.text), "reference": ref,
                "phone_last4": ledger.phones[ref][-4:]})
            ledger.note("status check", r, started)
        else:
            ref, code = rnd.choice(mine)
            started = time.perf_counter()
            page = session.get(f"{base}/requests/{ref}/edit", allow_redirects=False)
            ledger.note("open edit", page, started)
            if page.status_code != 200:
                continue  # not returned for correction
            answers = next(a for _a, c, a in forms if c == code)
            fields, files = _multipart(answers)
            fields["first_name"] = "แก้ไขแล้ว"
            fields["csrf_token"] = _csrf(page.text)
            fields["version"] = VERSION.search(page.text).group(1)
            started = time.perf_counter()
            r = session.post(f"{base}/requests/{ref}/edit", data=fields, files=files)
            ledger.note("correct", r, started)
            if CORRECTED in r.text:
                with ledger.lock:
                    ledger.changes.append((ref, "resubmitted"))


def clerk(base: str, national_id: str, password: str, ledger: Ledger,
          stop: threading.Event, seed: int) -> None:
    session = sign_in(base, national_id, password)
    rnd = random.Random(seed)
    step = {"submitted": ["in_progress"], "resubmitted": ["in_progress"],
            "in_progress": ["completed", "completed", "returned"]}
    while not stop.is_set():
        with ledger.lock:
            refs = list(ledger.submitted)
        if not refs:
            time.sleep(0.2)
            continue
        ref = rnd.choice(refs[-40:])
        started = time.perf_counter()
        listing = session.get(f"{base}/admin/requests/", params={"search": ref})
        ledger.note("staff list", listing, started)
        match = re.search(r"/admin/requests/process/(\d+)", listing.text)
        if not match:
            continue
        url = f"{base}/admin/requests/process/{match.group(1)}"
        page = session.get(url)
        options = re.findall(r'<option[^>]*value="([a-z_]+)"', page.text)
        status = re.search(r'class="badge status-([a-z_]+)"', page.text)
        if not status or status.group(1) not in step:
            continue
        target = rnd.choice(step[status.group(1)])
        if target not in options:
            continue
        data = {"csrf_token": _csrf(page.text), "status": target, "reply": "0",
                "message": f"soak {target}", "version": VERSION.search(page.text).group(1)}
        files = {}
        if target == "completed":
            files["result"] = ("result.pdf", pdf_bytes(), "application/pdf")
        started = time.perf_counter()
        r = session.post(url, data=data, files=files, allow_redirects=False)
        ledger.note("staff change", r, started)
        if r.status_code == 200:
            errors = re.findall(r'class="(?:error|invalid-feedback|alert[^"]*)"[^>]*>\s*([^<]+)<',
                                r.text)
            with ledger.lock:
                ledger.refused[("staff " + target, "; ".join(sorted(set(errors)))[:160])] += 1
        if r.status_code == 302 and r.headers.get("Location", "").rstrip("/").endswith(
                "/admin/requests"):
            with ledger.lock:
                ledger.changes.append((ref, target))
                if target == "completed":
                    ledger.results.setdefault(ref, []).append("result")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict[str, str], citizens: int) -> tuple[list[str], list[Any], tuple[str, str]]:
    """Migrate, load the demo offices, add the soak's citizens; return their
    IDs, the forms they send and the clerk's login."""
    os.environ.update(env)
    from portal import create_app
    from portal.identity.passwords import hash_password
    from portal.models import User
    from portal.ops.demo import DEMO_PASSWORD, load_demo
    from portal.ops.migrate import upgrade
    from portal.plugins.manager import plugin_manager
    from portal.thai import national_id_check_digit
    from tests.helpers.answers import answers, demo_agency_for

    app = create_app()
    with app.app_context():
        upgrade(plugin_manager())
        demo = load_demo(app)
        pw_hash = hash_password(PASSWORD)
        ids = []
        for n in range(citizens):
            first12 = f"5{n + 1:011d}"
            nid = first12 + national_id_check_digit(first12)
            User.get_or_create(national_id=nid, defaults={
                "title": "นาง", "first_name": f"ทดสอบ{n}", "last_name": "ระบบ",
                "phone": f"08{n:08d}", "password_hash": pw_hash})
            ids.append(nid)
        forms = []
        for service in app.extensions["portal"].services.values():
            if service.code in SKIP:
                continue
            agency = demo_agency_for(service)
            forms.append((agency.code, service.code, answers(app, service, agency)))
        staff_nid = next(nid for role, nid, _n in demo["users"] if role == "staff")
    return ids, forms, (staff_nid, DEMO_PASSWORD)


def verify(env: dict[str, str], ledger: Ledger) -> dict[str, int]:
    """Every acknowledged thing, looked up in the database and on disk."""
    from portal import create_app
    from portal.files.uploads import referenced_names
    from portal.models import Attachment, Request, StatusEvent

    app = create_app()
    upload_dir = Path(env["UPLOAD_DIR"])
    found = collections.Counter()
    with app.app_context():
        for ref, files in ledger.submitted.items():
            req = Request.get_or_none(Request.reference == ref)
            if req is None:
                found["acknowledged request missing"] += 1
                continue
            found["acknowledged requests found"] += 1
            events = list(StatusEvent.select().where(StatusEvent.request == req)
                          .order_by(StatusEvent.id))
            status_events = [e for e in events if e.kind == "status"]
            ordered = all(a.at <= b.at for a, b in itertools.pairwise(events))
            chained = all(b.from_status == a.to_status
                          for a, b in itertools.pairwise(status_events))
            if not (status_events and status_events[0].to_status == "submitted" and ordered
                    and chained and status_events[-1].to_status == req.status
                    and len(status_events) == req.version):
                found["history inconsistent"] += 1
            for slot, sha in files.items():
                # The first row of the slot is the file sent with the request
                # (a correction adds rows after it). A PDF is kept byte for
                # byte; a picture is re-encoded, so only its own hash holds.
                rows = list(Attachment.select().where((Attachment.request == req)
                                                      & (Attachment.slot == slot))
                            .order_by(Attachment.id))
                if not rows or (rows[0].content_type == "application/pdf"
                                and rows[0].sha256 != sha):
                    found["acknowledged file row missing"] += 1
                for a in rows:
                    path = upload_dir / a.stored_name[:2] / a.stored_name
                    if not path.exists() or (hashlib.sha256(path.read_bytes()).hexdigest()
                                             != a.sha256):
                        found["file missing or changed on disk"] += 1
                    else:
                        found["files verified"] += 1
            done = {e.to_status for e in status_events}
            for change_ref, to_status in ledger.changes:
                if change_ref == ref:
                    if to_status in done:
                        found["acknowledged changes found"] += 1
                    else:
                        found["acknowledged change missing"] += 1
            results = list(Attachment.select().where((Attachment.request == req)
                                                     & Attachment.is_result))
            if len(results) < len(ledger.results.get(ref, [])):
                found["result file missing"] += 1
            for a in results:
                path = upload_dir / a.stored_name[:2] / a.stored_name
                if not path.exists() or (hashlib.sha256(path.read_bytes()).hexdigest()
                                         != a.sha256):
                    found["file missing or changed on disk"] += 1
                else:
                    found["result files verified"] += 1
        names = referenced_names()
        on_disk = [p for p in upload_dir.glob("*/*") if p.is_file()]
        found["files on disk"] = len(on_disk)
        found["orphan files on disk"] = sum(p.name not in names for p in on_disk)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--citizens", type=int, default=6)
    parser.add_argument("--clerks", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        # Its links and the host it answers for (a start without is refused);
        # localhost for the test requests prepare() makes in this process.
        "PUBLIC_BASE_URL": base, "TRUSTED_HOSTS": "localhost",
        "PORTAL_INSTANCE_DIR": str(folder), "SECRET_KEY": "soak-secret",
        "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'portal.db'}",
        "UPLOAD_DIR": str(folder / "uploads"), "JOBS_DB": str(folder / "jobs.db"),
        "CAPTCHA_ENABLED": "false", "LOGIN_RATE_LIMIT": "100000 per minute",
        "STATUS_CHECK_RATE_LIMIT": "100000 per minute", "LOGIN_MAX_FAILURES": "100000",
        "PRINT_RATE_LIMIT": "100000 per minute",
    }
    ids, forms, (staff_nid, staff_password) = prepare(env, args.citizens)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind",
         f"127.0.0.1:{port}", "--graceful-timeout", "30", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env={**os.environ, **env})
    try:
        for _ in range(150):
            try:
                # Workers still starting on a busy machine answer late, not never.
                if requests.get(f"{base}/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        ledger, stop = Ledger(), threading.Event()
        threads = [threading.Thread(target=citizen, args=(base, nid, forms, ledger, stop))
                   for nid in ids]
        threads += [threading.Thread(target=clerk, args=(base, staff_nid, staff_password,
                                                         ledger, stop, n))
                    for n in range(args.clerks)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: requests in flight finish
        server.wait(timeout=60)

    print(f"soak: {elapsed:.0f} s, {args.citizens} citizens, {args.clerks} clerks, "
          f"gunicorn {args.workers} workers, {env['DATABASE_URL'].split(':')[0]}")
    print(f"{'action':<14}{'2xx':>7}{'3xx':>7}{'4xx':>7}{'5xx':>7}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'p99 ms':>9}")
    for action, times in sorted(ledger.times.items()):
        q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        print(f"{action:<14}" + "".join(f"{ledger.answers[(action, k)]:>7}" for k in (2, 3, 4, 5))
              + f"{q[49] * 1000:>9.0f}{q[94] * 1000:>9.0f}{q[98] * 1000:>9.0f}")
    found = verify(env, ledger)
    print(f"acknowledged: {len(ledger.submitted)} submissions, "
          f"{len(ledger.changes)} status changes and corrections")
    for key in sorted(found):
        print(f"  {key}: {found[key]}")
    for (code, why), count in ledger.refused.most_common(10):
        print(f"  refused {code} x{count}: {why}")
    for line in ledger.server_errors[:20]:
        print("  5xx:", line)
    bad = (len(ledger.server_errors) + found["acknowledged request missing"]
           + found["history inconsistent"] + found["file missing or changed on disk"]
           + found["acknowledged change missing"] + found["result file missing"]
           + found["acknowledged file row missing"] + found["orphan files on disk"])
    print("RESULT:", "ok, nothing lost" if bad == 0 and ledger.submitted else "FAILED")
    return 0 if bad == 0 and ledger.submitted else 1


if __name__ == "__main__":
    sys.exit(main())

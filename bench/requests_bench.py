"""Seed 100,000 requests and print p50/p95 of the pages that must stay fast.

    .venv/bin/python bench/requests_bench.py [--rows 100000] [--runs 200]

Targets (issue #2): p95 under 100 ms on SQLite for the status check, the
requester list and the staff list. Runs in-process through the WSGI test
client, so the figures are the app's own time (no network, no server).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.catalogue import set_enabled  # noqa: E402
from portal.db import database  # noqa: E402
from portal.identity import captcha  # noqa: E402
from portal.identity.passwords import hash_password  # noqa: E402
from portal.lifecycle import Status, new_reference  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.models import Agency, Membership, MembershipService, Request, User  # noqa: E402
from portal.plugins import plugin_manager  # noqa: E402
from portal.thai import national_id_check_digit, utcnow  # noqa: E402

PASSWORD = "bench-pass-1"
STATUSES = [s.value for s in Status]


def nid(n: int) -> str:
    first12 = f"3{n:011d}"
    return first12 + national_id_check_digit(first12)


def seed(rows: int) -> dict:
    pw_hash = hash_password(PASSWORD)
    agency = Agency.create(code="bench", name_th="หน่วยงานทดสอบความเร็ว")
    set_enabled(agency, "certificate", True)
    citizens = [User.create(national_id=nid(i), title="นาย", first_name=f"ผู้ใช้{i}",
                            last_name="ทดสอบ", phone=f"08{i:08d}", password_hash=pw_hash)
                for i in range(1, 501)]
    staff = User.create(national_id=nid(9999), title="นาง", first_name="เจ้าหน้าที่",
                        last_name="ทดสอบ", password_hash=pw_hash)
    membership = Membership.create(user=staff, agency=agency, role="staff")
    MembershipService.create(membership=membership, service_code="certificate")
    heavy = citizens[0]  # the requester with 200 requests
    start = utcnow() - dt.timedelta(days=400)
    batch: list[dict] = []
    samples: list[tuple[str, str]] = []
    seen: set[str] = set()
    rng = random.Random(7)
    with database.atomic():
        for i in range(rows):
            owner = heavy if i < 200 else citizens[1 + i % (len(citizens) - 1)]
            when = start + dt.timedelta(minutes=i * 5)
            ref = new_reference("12", when)
            while ref in seen:  # the app retries on its unique index; a bulk insert cannot
                ref = new_reference("12", when)
            seen.add(ref)
            batch.append({
                "reference": ref, "service_code": "certificate", "agency": agency.id,
                "requester": owner.id, "applicant_name": f"นาย{owner.first_name} ทดสอบ",
                "contact_phone": owner.phone, "status": rng.choice(STATUSES),
                "payload": {"purpose": "รับรองเงินเดือน"}, "submitted_at": when,
                "status_changed_at": when, "due_date": when.date() + dt.timedelta(days=7)})
            if i % 997 == 0:
                samples.append((ref, owner.phone[-4:]))
            if len(batch) == 1000:
                Request.insert_many(batch).execute()
                batch.clear()
        if batch:
            Request.insert_many(batch).execute()
    return {"heavy": heavy, "staff": staff, "samples": samples}


def login(client, user) -> None:
    client.get("/captcha.png")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    r = client.post("/login", data={"national_id": user.national_id, "password": PASSWORD,
                                    "captcha": "11111", "csrf_token": token})
    assert r.status_code == 302, r.status_code


def timed(label: str, call, runs: int) -> None:
    for _ in range(5):
        call()  # warm caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        status = call()
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 200, (label, status)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    verdict = "ok" if p95 < 100 else "OVER TARGET"
    print(f"{label:<28} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'portal.db'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "SECRET_KEY": "bench",
                      "STATUS_CHECK_RATE_LIMIT": "1000000 per minute",
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    captcha.random_text = lambda: "11111"
    with app.app_context():
        upgrade(plugin_manager())
    t0 = time.perf_counter()
    data = seed(args.rows)
    print(f"seeded {args.rows:,} requests in {time.perf_counter() - t0:.1f} s "
          f"(SQLite, {folder})")

    public = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      public.get("/status").get_data(as_text=True)).group(1)
    samples = data["samples"]

    def status_check() -> int:
        ref, last4 = random.choice(samples)
        r = public.post("/status", data={"reference": ref, "phone_last4": last4,
                                         "csrf_token": token})
        assert "badge status-" in r.get_data(as_text=True)
        return r.status_code

    requester = app.test_client()
    login(requester, data["heavy"])
    staff = app.test_client()
    login(staff, data["staff"])
    pages = iter(range(1, 10**9))
    print(f"{'page':<28} (runs: {args.runs})")
    timed("status check", status_check, args.runs)
    timed("requester list (200 rows)", lambda: requester.get(
        f"/requests?page={next(pages) % 20 + 1}").status_code, args.runs)
    timed("requester list, search", lambda: requester.get(
        "/requests?q=12-").status_code, args.runs)
    timed("staff list", lambda: staff.get("/admin/requests/").status_code, args.runs)
    timed("staff list, page 200", lambda: staff.get(
        "/admin/requests/?page=200").status_code, args.runs)
    timed("staff list, status filter", lambda: staff.get(
        "/admin/requests/?flt0_1=returned").status_code, args.runs)
    timed("staff list, search name", lambda: staff.get(
        "/admin/requests/?search=ผู้ใช้42").status_code, args.runs)
    timed("staff dashboard", lambda: staff.get("/admin/").status_code, max(20, args.runs // 10))


if __name__ == "__main__":
    main()

"""Where a public status check's time goes, in one process, against the
seeded SQLite data of ``bench/load.py`` (seeded first if missing).

    .venv/bin/python bench/status_breakdown.py [--checks 2000] [--data var/bench]

``bench/load.py`` compares the status check with a bare Flask endpoint
doing the same lookup (``bench/bare_app.py``); this script says what the
difference is made of. It times the lookup (``checked_request``) and the
rendering of the page (Flask's template signals), and leaves the rest to
Flask itself, the signed session, the CSRF check of the form, the rate
limit and the security headers. Beside it, the bare endpoint is timed the
same way, through a Flask test client in this process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import bench_env, portal_app, seeded  # noqa: E402


def timed(acc: dict[str, float], name: str, func: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            acc[name] += time.perf_counter() - started

    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=20)
    parser.add_argument("--data", default=str(ROOT / "var" / "bench"))
    args = parser.parse_args()
    folder = Path(args.data) / "sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    env = bench_env(f"sqlite:///{folder / 'portal.db'}", folder)
    info = seeded(env, args.requests, args.agencies, folder)
    samples = info["samples"]
    os.environ.update(env)

    with portal_app(env) as app:
        from flask import before_render_template, template_rendered

        from bench import bare_app
        from portal.web.public import views

        client = app.test_client()
        page = client.get("/status").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        acc = {"lookup": 0.0, "render": 0.0}
        views.checked_request = timed(acc, "lookup", views.checked_request)
        starts: list[float] = []

        def render_started(*_args: Any, **_kwargs: Any) -> None:
            starts.append(time.perf_counter())

        def render_ended(*_args: Any, **_kwargs: Any) -> None:
            acc["render"] += time.perf_counter() - starts.pop()

        before_render_template.connect(render_started, app)
        template_rendered.connect(render_ended, app)

        def checks(n: int) -> float:
            started = time.perf_counter()
            for i in range(n):
                reference, last4 = samples[i % len(samples)]
                answer = client.post("/status", data={"reference": reference,
                                                      "phone_last4": last4,
                                                      "csrf_token": token})
                assert answer.status_code == 200 and reference in answer.get_data(as_text=True)
            return time.perf_counter() - started

        checks(100)  # warm up: templates compiled, catalogues loaded
        acc.update(lookup=0.0, render=0.0)
        total = checks(args.checks)

        bare = bare_app.app.test_client()

        def bare_lookups(n: int) -> float:
            started = time.perf_counter()
            for i in range(n):
                assert bare.get(f"/status/{samples[i % len(samples)][0]}").status_code == 200
            return time.perf_counter() - started

        bare_lookups(100)
        bare_total = bare_lookups(args.checks)

    def ms(seconds: float) -> str:
        return f"{seconds / args.checks * 1000:8.3f}"

    rest = total - acc["lookup"] - acc["render"]
    print(f"status check, in one process: {args.checks} checks against "
          f"{args.requests:,} requests (SQLite)")
    print(f"{'part':<58}{'ms a check':>10}{'share':>8}")
    for name, seconds in (
            ("the lookup (checked_request)", acc["lookup"]),
            ("rendering the page (layout, form, result)", acc["render"]),
            ("the rest: Flask, session, CSRF, form, rate limit, headers", rest)):
        print(f"{name:<58}{ms(seconds):>10}{seconds / total:>8.0%}")
    print(f"{'total':<58}{ms(total):>10}")
    print(f"{'bare Flask endpoint, same lookup, JSON (bench/bare_app.py)':<58}"
          f"{ms(bare_total):>10}  = {bare_total / total:.0%} of a status check")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

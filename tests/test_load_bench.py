"""The load benchmark stays runnable: a short run on a small seed, on the
database of this test run, must probe every page, measure it with wrk and
print its figures with no error. The figures for the notes come from
``bench/load.py`` with its defaults (a million requests)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import make_config

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("status check", "bare Flask lookup", "requester list", "staff list (filter)",
         "staff dashboard", "PDF print", "submit 2 x 5 MB")


def test_a_short_load_run_measures_every_page(tmp_path, test_databases):
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed (scripts/system-deps.sh installs it)")
    url = make_config(tmp_path)["DATABASE_URL"]
    kind = "postgresql" if url.startswith("postgres") else "sqlite"
    args = [sys.executable, "bench/load.py", "--database", kind, "--requests", "2000",
            "--agencies", "2", "--seconds", "2", "--users", "4", "--memory-seconds", "3",
            "--data", str(tmp_path / "bench")]
    if kind == "postgresql":
        args += ["--postgres-url", url]
    # Its own process group: if it hangs, it goes with every server it started.
    run = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, start_new_session=True)
    try:
        out, err = run.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        out, err = run.communicate()
        pytest.fail(f"the benchmark hung:\n{out[-2000:]}\n{err[-2000:]}")
    assert "Traceback" not in err, err[-3000:]
    report = out.split("\n\n")[-1]
    for page in PAGES:
        line = re.search(rf"^{re.escape(page)}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)"
                         rf"\s+(\d+)", report, re.M)
        assert line, f"{page} missing:\n{out}"
        rps, p50, p95, p99, errors = line.groups()
        assert float(rps) > 0 and float(p50) <= float(p95) <= float(p99), line.group(0)
        assert errors == "0", line.group(0)
    assert "LOST" not in report
    assert re.search(r"worker RSS MB: [\d, ]+ after warm-up; [\d, ]+ after 3 s", report), out
    # The exit status only says whether every target was met; on a loaded
    # test machine it may not be, so it is not asserted here.
    assert run.returncode in (0, 1), err[-3000:]
    if kind == "sqlite":
        breakdown_of_the_status_check(tmp_path / "bench")


def breakdown_of_the_status_check(data: Path) -> None:
    """``bench/status_breakdown.py`` on the data the load run seeded: each
    part of a check is measured (none left at zero) and they add up."""
    run = subprocess.run([sys.executable, "bench/status_breakdown.py", "--requests", "2000",
                          "--agencies", "2", "--checks", "50", "--data", str(data)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    parts = [float(ms) for ms in re.findall(
        r"^(?:the lookup|rendering the page|the rest)\D.*?([\d.]+)\s+\d+%$", run.stdout, re.M)]
    total = float(re.search(r"^total\s+([\d.]+)$", run.stdout, re.M).group(1))
    assert len(parts) == 3 and all(ms > 0 for ms in parts), run.stdout
    assert sum(parts) == pytest.approx(total, abs=0.01), run.stdout
    assert re.search(r"^bare Flask endpoint.*\s[\d.]+\s+= \d+% of a status check$", run.stdout,
                     re.M), run.stdout

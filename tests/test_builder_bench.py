"""The service builder's benchmarks stay runnable: a few rounds of
``bench/builder_form.py`` and ``bench/builder_list.py`` on tiny sizes, on
the database of this test run, print every figure with no error. The
figures for the notes come from the scripts with their defaults."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import make_config

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str]) -> str:
    # Its own process group: if it hangs, it goes with whatever it started.
    run = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = run.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        out, err = run.communicate()
        pytest.fail(f"the benchmark hung:\n{out[-2000:]}\n{err[-2000:]}")
    assert "Traceback" not in err, err[-3000:]
    # The exit status only says whether every target was met; on a loaded
    # test machine it may not be, so it is not asserted here.
    assert run.returncode in (0, 1), err[-3000:]
    return out.split("\n\n")[-1]


def _database(tmp_path: Path, name: str) -> list[str]:
    url = make_config(tmp_path / name)["DATABASE_URL"]
    if url.startswith("postgres"):
        return ["--database", "postgresql", "--postgres-url", url]
    return ["--database", "sqlite"]


def _figures(report: str, name: str) -> tuple[float, float]:
    line = re.search(rf"^{re.escape(name)}.*?\s([\d.]+)\s+([\d.]+)(?:\s|$)", report, re.M)
    assert line, f"{name} missing:\n{report}"
    low, high = float(line.group(1)), float(line.group(2))
    assert 0 < low <= high, line.group(0)
    return low, high


def test_the_built_form_benchmark_measures_both_forms(tmp_path):
    report = _run(["bench/builder_form.py", "--rounds", "3", *_database(tmp_path, "form")])
    for form in ("certificate (code)", "built, 50 questions", "built twin of certificate"):
        for what in ("render (GET)", "submit (POST, check, confirm)"):
            _figures(report, f"{form:<28}{what}")
    assert re.search(r"^built, 50 questions / certificate, render: [\d.]+× median, [\d.]+× p95"
                     r"  \(target ≤ 1.2×\) (ok|MISSED)$", report, re.M), report
    assert re.search(r"^built, 50 questions / certificate, submit: [\d.]+× median", report,
                     re.M), report


def test_the_built_list_benchmark_measures_the_filtered_list(tmp_path):
    report = _run(["bench/builder_list.py", "--requests", "600", "--rounds", "3",
                   "--export-rounds", "1", "--data", str(tmp_path / "data"),
                   *_database(tmp_path, "list")])
    common = re.search(r"^filter, common answer \(([\d,]+)\)", report, re.M)
    rare = re.search(r"^filter, rare answer \(([\d,]+)\)", report, re.M)
    assert common and rare, report
    # 600 requests, 40 % and 1 % of them give these answers.
    assert 150 < int(common.group(1).replace(",", "")) < 350, report
    assert int(rare.group(1).replace(",", "")) < 30, report
    for page in ("filter, common answer", "filter, rare answer", "two filters (kind, urgent)",
                 "no filter", "CSV export, rare answer"):
        _figures(report, page)

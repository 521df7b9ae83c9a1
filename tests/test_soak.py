"""The soak script itself stays runnable: a short run under gunicorn must
end with every acknowledged submission found and no 5xx. The two-minute run
whose figures go in the notes is `bench/soak.py` with its defaults."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import make_config

ROOT = Path(__file__).resolve().parent.parent


def test_a_short_soak_loses_nothing(tmp_path, test_databases):
    url = make_config(tmp_path)["DATABASE_URL"]  # SQLite or PostgreSQL, as the run
    run = subprocess.run(
        [sys.executable, "bench/soak.py", "--seconds", "8", "--citizens", "3", "--clerks", "1",
         "--workers", "2", "--database-url", url], cwd=ROOT, capture_output=True, text=True,
        timeout=300)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr[-3000:]
    assert "RESULT: ok, nothing lost" in out
    submit = re.search(r"^submit\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    assert submit and int(submit.group(2)) > 10 and submit.group(4) == "0", out
    found = int(re.search(r"acknowledged requests found: (\d+)", out).group(1))
    assert found == int(submit.group(2))
    assert f"workers, {url.split(':')[0]}" in out  # it ran on the database given
    assert "result files verified" in out and "orphan files on disk: 0" in out

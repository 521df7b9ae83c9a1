"""How long one request print takes to render, in milliseconds.

    python -m bench.pdf_render [ROUNDS]

``request_print.html`` beside this file is the HTML of a real certificate
request print (made by the test suite's fixtures, fake people). The first
round pays for font loading and is reported apart.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from portal.printing import render_pdf

HTML = (Path(__file__).with_name("request_print.html")).read_text(encoding="utf-8")


def main(rounds: int = 20) -> None:
    start = time.perf_counter()
    size = len(render_pdf(HTML))
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        render_pdf(HTML)
        times.append((time.perf_counter() - start) * 1000)
    print(f"first render {first:.0f} ms; then median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f} ms, max {max(times):.0f} ms over {rounds}; {size} bytes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

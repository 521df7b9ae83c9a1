"""How long one request print takes to render, in milliseconds.

    python -m bench.pdf_render [ROUNDS]

``request_print.html`` beside this file is the HTML of a real certificate
request print (made by the test suite's fixtures, fake people). The first
round pays for font loading and is reported apart. CPU time is printed
beside wall time: on a shared machine the wall clock mostly measures the
neighbours.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from portal.files.printing import render_pdf

HTML = (Path(__file__).with_name("request_print.html")).read_text(encoding="utf-8")


def main(rounds: int = 20) -> None:
    start = time.perf_counter()
    size = len(render_pdf(HTML))
    first = (time.perf_counter() - start) * 1000
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_pdf(HTML)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(f"first render {first:.0f} ms; then over {rounds}: wall median "
          f"{statistics.median(wall):.0f} ms (min {min(wall):.0f}), CPU median "
          f"{statistics.median(cpu):.0f} ms (min {min(cpu):.0f}); {size} bytes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

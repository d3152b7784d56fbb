"""What every benchmark module shares: the row it reports and a timer.

A benchmark module ``bench_*.py`` defines ``run(quick: bool = False) -> list[Row]``:
one measurement of each of its cases, ours against the obvious alternative timed in
the same run. ``python -m benchmarks`` calls it repeatedly and reports medians and
ranges (see ``run.py``); running the module alone prints one measurement.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    """One case of a benchmark: our time against an alternative's, same run.

    ``ratio`` is ``alt / ours``: above 1 we are faster. ``check`` says how far the
    two results agree (or is empty where they compute different things).
    """

    bench: str
    case: str
    ours: float  # seconds
    alternative: str
    alt: float  # seconds
    check: str = ""
    points: int | None = None  # points evaluated, for a time per point

    @property
    def ratio(self) -> float:
        return self.alt / self.ours


def best_time(fn: Callable, repeat: int = 3):
    """The shortest of ``repeat`` timings of ``fn()`` (seconds) and its last result:
    the minimum is the least disturbed by other load on the machine."""
    best, out = float("inf"), None
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} us"


def print_rows(rows: list[Row]) -> None:
    """One measurement, as plain text (``python benchmarks/bench_x.py``)."""
    for r in rows:
        per = f"  ({r.ours / r.points * 1e9:.2f} ns/point)" if r.points else ""
        check = f"  [{r.check}]" if r.check else ""
        print(f"{r.bench:22s} {r.case:44s} ours {fmt_time(r.ours):>9s}{per}  "
              f"{r.alternative}: {fmt_time(r.alt)}  ratio {r.ratio:.3g}x{check}")

"""Start-up time: lazy ``import momentum_dynamics`` and ``momentum-dynamics --help`` versus
an eager import of the same modules.

Run: ``python benchmarks/bench_import.py [--repeat 7]``

Each case runs in a fresh interpreter (``python -c ...``), ``--repeat`` times, interleaved
so that load on the machine hits every case alike; the median wall time of each is
reported, minus the median of a bare interpreter (``python -c pass``), and as ratios
eager / lazy. The eager cases import every submodule of the package (what the package's
``__init__`` did before it became lazy, and what any of its heavy names pulls in),
so the ratio says what a user who only asks for ``--help`` or imports the package no
longer pays for.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

EAGER = ("import importlib, pkgutil, momentum_dynamics as md\n"
         "for m in pkgutil.walk_packages(md.__path__, 'momentum_dynamics.'):\n"
         "    if not m.name.endswith('__main__'):\n"
         "        importlib.import_module(m.name)\n")

HELP = ("import contextlib, io\n"
        "from momentum_dynamics.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n")

CASES = {
    "interpreter (python -c pass)": "pass",
    "import momentum_dynamics (lazy)": "import momentum_dynamics",
    "import every submodule (eager)": EAGER,
    "--help (lazy)": HELP,
    "--help after eager import": EAGER + HELP,
}


def wall_time(code: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, env={"PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
                                                   "PATH": "/usr/bin:/bin"})
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh interpreters per case")
    args = parser.parse_args(argv)
    for code in CASES.values():  # warm the file-system cache and the .pyc files
        wall_time(code)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.repeat):
        for name, code in CASES.items():
            times[name].append(wall_time(code))
    median = {name: statistics.median(t) for name, t in times.items()}
    base = median["interpreter (python -c pass)"]
    print(f"python {sys.version.split()[0]}; median of {args.repeat} fresh interpreters; "
          "'beyond' = minus the bare interpreter")
    print(f"{'case':<34}{'median [s]':>12}{'beyond [s]':>12}")
    for name, value in median.items():
        print(f"{name:<34}{value:>12.3f}{value - base:>12.3f}")
    lazy_import = median["import momentum_dynamics (lazy)"] - base
    eager_import = median["import every submodule (eager)"] - base
    lazy_help = median["--help (lazy)"] - base
    eager_help = median["--help after eager import"] - base
    print(f"ratio eager / lazy, import: {eager_import / max(lazy_import, 1e-3):.0f}x; "
          f"--help: {eager_help / max(lazy_help, 1e-3):.0f}x")


if __name__ == "__main__":
    main()

"""Start-up time: lazy ``import momentum_dynamics`` and ``momentum-dynamics --help`` versus
an eager import of the same modules.

Run: ``python benchmarks/bench_import.py [--repeat 7]``

Each case runs in a fresh interpreter (``python -c ...``), ``--repeat`` times, interleaved
so that load on the machine hits every case alike; the median wall time of each is
reported, minus the median of a bare interpreter (``python -c pass``), and as ratios
eager / lazy. The eager cases import every submodule of the package and every heavy
dependency its modules defer (python-control, matplotlib.pyplot, SciPy submodules): what
``import momentum_dynamics`` did before it became lazy, so the ratio says what a user who
only imports the package or asks for ``--help`` no longer pays for.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

try:
    from benchmarks._common import Row
except ImportError:  # run as a script
    from _common import Row

ROOT = Path(__file__).resolve().parents[1]

# Eager: every submodule, and every heavy dependency the modules defer (found as the
# lazy stand-ins in their namespaces, so the list is not retyped here) - what
# `import momentum_dynamics` cost before it became lazy.
EAGER = """
import importlib, pkgutil, sys
import momentum_dynamics as md
from momentum_dynamics._lazy import LazyModule
for m in pkgutil.walk_packages(md.__path__, "momentum_dynamics."):
    if not m.name.endswith("__main__"):
        importlib.import_module(m.name)
for name, module in list(sys.modules.items()):
    if name.startswith("momentum_dynamics"):
        for value in list(vars(module).values()):
            cells = getattr(value, "__closure__", None) or ()
            for v in [value, *(c.cell_contents for c in cells)]:
                if isinstance(v, LazyModule):
                    v._load()
"""

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


def run(quick: bool = False) -> list[Row]:
    """One interleaved round of fresh interpreters per case (the suite repeats it)."""
    t = {name: min(wall_time(code) for _ in range(1 if quick else 2))
         for name, code in CASES.items()}
    return [
        Row("startup", "import momentum_dynamics", t["import momentum_dynamics (lazy)"],
            "eager import of every submodule", t["import every submodule (eager)"],
            f"bare interpreter {t['interpreter (python -c pass)'] * 1e3:.0f} ms"),
        Row("startup", "CLI --help", t["--help (lazy)"], "--help after eager import",
            t["--help after eager import"]),
    ]


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
    lazy_import = median["import momentum_dynamics (lazy)"]
    eager_import = median["import every submodule (eager)"]
    lazy_help = median["--help (lazy)"]
    eager_help = median["--help after eager import"]
    print(f"ratio eager / lazy of the wall times: import {eager_import / lazy_import:.0f}x, "
          f"--help {eager_help / lazy_help:.0f}x")
    print(f"lazy cost beyond the interpreter: import {1e3 * (lazy_import - base):.0f} ms, "
          f"--help {1e3 * (lazy_help - base):.0f} ms")

if __name__ == "__main__":
    main()

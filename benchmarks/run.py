"""Run every benchmark and print one table of ratios, with the machine described.

Run from the repository root::

    python -m benchmarks [--quick] [--repeat N] [--only NAME ...] [--markdown] [--json FILE]

(or ``python benchmarks/run.py ...``). Every module ``benchmarks/bench_*.py`` that
defines ``run(quick: bool = False) -> list[Row]`` is found and run ``--repeat`` times,
the modules interleaved so that a burst of load on the machine hits all of them alike.
Each row times ours against the obvious alternative *in the same run*; the table gives
the median ratio (alternative / ours: above 1 we are faster) and its range over the
runs, then the median times for context. ``--markdown`` prints the README's speed
section.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python benchmarks/run.py`
    sys.path.insert(0, str(ROOT))

from benchmarks._common import fmt_time  # noqa: E402


def discover(only: list[str] | None = None) -> list:
    """The benchmark modules (``bench_*.py`` with a ``run``), by name."""
    mods = []
    for path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        name = path.stem
        if only and not any(o in name for o in only):
            continue
        mod = importlib.import_module(f"benchmarks.{name}")
        if callable(getattr(mod, "run", None)):
            mods.append(mod)
    return mods


def _version(name: str) -> str | None:
    try:
        return importlib.import_module(name).__version__
    except Exception:  # not installed, or no version
        return None


def _blas() -> str:
    import numpy as np

    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]
        blas, lapack = cfg.get("blas", {}), cfg.get("lapack", {})
        return (f"BLAS {blas.get('name', '?')} {blas.get('version', '')}".strip()
                + f", LAPACK {lapack.get('name', '?')} {lapack.get('version', '')}".strip())
    except Exception:  # NumPy < 1.26 has no mode="dicts"
        return "BLAS: see numpy.show_config()"


def machine() -> dict:
    """CPU model, cores, load, Python and library versions."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load average (1 min) at start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "blas": _blas(),
    }
    for lib in ("numpy", "scipy", "sympy", "control", "numba"):
        info[lib] = _version(lib) or "not installed"
    return info


def collect(mods, repeat: int, quick: bool, verbose: bool = True) -> dict:
    """``{(bench, case, alternative): [Row, ...]}`` over ``repeat`` interleaved runs."""
    results: dict = {}
    for r in range(repeat):
        for mod in mods:
            t = time.perf_counter()
            rows = mod.run(quick=quick)
            if verbose:
                print(f"  run {r + 1}/{repeat} {mod.__name__.split('.')[-1]:28s} "
                      f"{time.perf_counter() - t:6.1f} s", file=sys.stderr)
            for row in rows:
                results.setdefault((row.bench, row.case, row.alternative), []).append(row)
    return results


def summarise(results: dict) -> list[dict]:
    out = []
    for (bench, case, alternative), rows in results.items():
        ratios = [r.ratio for r in rows]
        ours = statistics.median(r.ours for r in rows)
        points = rows[-1].points
        out.append({
            "bench": bench, "case": case, "alternative": alternative,
            "ratio_median": statistics.median(ratios), "ratio_min": min(ratios),
            "ratio_max": max(ratios), "ours_median": ours,
            "ours_min": min(r.ours for r in rows), "ours_max": max(r.ours for r in rows),
            "alt_median": statistics.median(r.alt for r in rows),
            "ns_per_point": ours / points * 1e9 if points else None,
            "check": rows[-1].check, "runs": len(rows),
        })
    return out


def _ratio(s: dict) -> str:
    def f(x):
        return f"{x:.3g}"
    return f"{f(s['ratio_median'])}x [{f(s['ratio_min'])}-{f(s['ratio_max'])}]"


def text_table(summary: list[dict]) -> str:
    lines = [f"{'benchmark':22s} {'case':50s} {'ratio alt/ours: median [range]':32s} "
             f"{'ours':>9s} {'alternative':>40s}", "-" * 170]
    for s in summary:
        per = f" ({s['ns_per_point']:.2f} ns/pt)" if s["ns_per_point"] else ""
        lines.append(f"{s['bench']:22s} {s['case']:50s} {_ratio(s):32s} "
                     f"{fmt_time(s['ours_median']):>9s} {s['alternative']:>30s} "
                     f"{fmt_time(s['alt_median']):>9s}{per}  {s['check']}")
    return "\n".join(lines)


def markdown(summary: list[dict], info: dict, command: str, repeat: int) -> str:
    head = (f"Produced by `{command}`: every benchmark run {repeat} times, interleaved; "
            "the ratio is the alternative's time over ours in the same run (above 1 we "
            "are faster), its median and range over the runs; times are medians. "
            f"Machine: {info['cpu']}, {info['cores']} cores, load average "
            f"{info['load average (1 min) at start']:.1f} at the start (shared); "
            f"Python {info['python']}, NumPy {info['numpy']} ({info['blas']}), "
            f"SciPy {info['scipy']}, SymPy {info['sympy']}, python-control "
            f"{info['control']}, numba {info['numba']}.\n")
    lines = [head, "| benchmark | case | vs | ratio: median [range] | ours | alternative | "
             "agreement |", "|---|---|---|---|---|---|---|"]
    for s in summary:
        per = f" ({s['ns_per_point']:.2f} ns/point)" if s["ns_per_point"] else ""
        lines.append(f"| {s['bench']} | {s['case']} | {s['alternative']} | {_ratio(s)} | "
                     f"{fmt_time(s['ours_median'])}{per} | {fmt_time(s['alt_median'])} | "
                     f"{s['check']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes: the whole suite in a minute or two")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs of every benchmark (default 3 with --quick, else 5)")
    parser.add_argument("--only", nargs="*", help="run the modules whose name contains one")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 5)
    info = machine()
    mods = discover(args.only)
    print(f"benchmarks: {', '.join(m.__name__.split('.')[-1] for m in mods)}; "
          f"{repeat} runs{' (quick)' if args.quick else ''}", file=sys.stderr)
    summary = summarise(collect(mods, repeat, args.quick))
    command = "python -m benchmarks" + (" --quick" if args.quick else "") + (
        f" --repeat {args.repeat}" if args.repeat else "")
    if args.markdown:
        print(markdown(summary, info, command, repeat))
    else:
        print("; ".join(f"{k}: {v}" for k, v in info.items()))
        print(text_table(summary))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "command": command,
                                         "results": summary}, indent=1))


if __name__ == "__main__":
    main()

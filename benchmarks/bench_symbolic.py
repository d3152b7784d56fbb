"""Symbolic derivations cold (a fresh interpreter) and warm (cached in the process).

Run: ``python benchmarks/bench_symbolic.py [--quick]``

Cold: in a fresh interpreter, after the imports, the first ``md.spectral_radius`` and
``md.critical_beta`` of Nesterov, which derive the model from the update rule with
SymPy and compile the kernels. Warm: the same calls again in that interpreter, where
everything derived is cached. The ratio is what the caches save per call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

try:
    from benchmarks._common import Row, print_rows
except ImportError:  # run as a script
    from _common import Row, print_rows

ROOT = Path(__file__).resolve().parents[1]

CODE = """
import json, time
import numpy as np
import momentum_dynamics as md
import sympy, scipy.optimize  # imports outside the timing
a = np.linspace(0.01, 1, 100)

def calls():
    md.spectral_radius("nesterov", a, 0.9, 1.0)
    md.critical_beta("nesterov", a, 1.0)

t = time.perf_counter(); calls(); cold = time.perf_counter() - t
warm = float("inf")
for _ in range(20):
    t = time.perf_counter(); calls(); warm = min(warm, time.perf_counter() - t)
print(json.dumps([cold, warm]))
"""


def run(quick: bool = False) -> list[Row]:
    out = subprocess.run([sys.executable, "-c", CODE], check=True, cwd=ROOT, text=True,
                         capture_output=True, env={"PYTHONPATH": str(ROOT),
                                                   "PATH": "/usr/bin:/bin",
                                                   "MOMENTUM_DYNAMICS_NUMBA": "0"})
    cold, warm = json.loads(out.stdout.strip().splitlines()[-1])
    return [Row("symbolic", "Nesterov radius + critical beta, warm (cached)", warm,
                "cold (derive with SymPy and compile)", cold)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print_rows(run(parser.parse_args(argv).quick))


if __name__ == "__main__":
    main()

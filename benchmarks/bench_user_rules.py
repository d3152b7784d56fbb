"""A user-registered rule against a shipped one, and the cached numeric tuning.

Run: ``python benchmarks/bench_user_rules.py [--quick]``

- quasi-hyperbolic momentum (Ma & Yarats 2019), registered from its update rule at run
  time, against heavy ball (Polyak 1964), shipped: ``md.spectral_radius`` on the same
  (alpha, beta) grid, and one scalar call each. A registered rule goes through the
  same derivation and kernels, so the ratio should stay near 1 (QHM has one more
  hyper-parameter, ``nu``, to carry);
- ``md.optimal_parameters`` of QHM (no closed form: a Nelder-Mead minimax search)
  called again with the same arguments (cached) against the first call (the search).
"""

from __future__ import annotations

import argparse
import time
import timeit

import numpy as np

import momentum_dynamics as md
from momentum_dynamics import numeric as N

try:
    from benchmarks._common import Row, best_time, print_rows
except ImportError:  # run as a script
    from _common import Row, best_time, print_rows


def qhm(x, v, grad, alpha, beta, nu):
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


def run(quick: bool = False) -> list[Row]:
    n = 500 if quick else 1000
    alpha = np.linspace(1e-3, 4.0, n)[None, :]
    beta = np.linspace(0.0, 0.999, n)[:, None]
    rows = []
    md.register_method(qhm, overwrite=True)
    try:
        md.spectral_radius("qhm", alpha, beta, 1.0, nu=0.7)
        md.spectral_radius("heavy_ball", alpha, beta, 1.0)
        t_q, _ = best_time(lambda: md.spectral_radius("qhm", alpha, beta, 1.0, nu=0.7))
        t_h, _ = best_time(lambda: md.spectral_radius("heavy_ball", alpha, beta, 1.0))
        rows.append(Row("user rule (QHM)", f"spectral radius, {n}x{n} grid", t_q,
                        "heavy ball (shipped), same grid", t_h, "", n * n))
        number = 300 if quick else 2000
        t_qs = min(timeit.repeat(lambda: md.spectral_radius("qhm", 0.1, 0.9, 1.0, nu=0.7),
                                 number=number, repeat=3)) / number
        t_hs = min(timeit.repeat(lambda: md.spectral_radius("heavy_ball", 0.1, 0.9, 1.0),
                                 number=number, repeat=3)) / number
        rows.append(Row("user rule (QHM)", "spectral radius, one point (floats)", t_qs,
                        "heavy ball (shipped), one point", t_hs))
        N._numeric_tuning.cache_clear()  # noqa: SLF001 - time the search itself
        t = time.perf_counter()
        first = md.optimal_parameters("qhm", 1.0, 100.0, nu=0.7)
        t_cold = time.perf_counter() - t
        t_warm, again = best_time(lambda: md.optimal_parameters("qhm", 1.0, 100.0, nu=0.7), 5)
        rows.append(Row("user rule (QHM)", "numeric tuning, repeated call (cached)", t_warm,
                        "first call (Nelder-Mead search)", t_cold,
                        "identical" if again == first else "DIFFERS"))
    finally:
        md.unregister_method("qhm")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print_rows(run(parser.parse_args(argv).quick))


if __name__ == "__main__":
    main()

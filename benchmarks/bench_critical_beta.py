"""Critical momentum of a three-state rule (aggregated momentum): ours versus a loop.

Run: ``python benchmarks/bench_critical_beta.py [--points 20000] [--loop-points 500]``

Aggregated momentum (Lucas, Grosse & Ba 2019) with velocities decaying at ``beta`` and
``beta**2`` has no closed-form critical momentum (the discriminant is of degree 10 in
beta; SymPy's ``solve`` on it does not return in minutes). Timed in the same run and
reported as a ratio:

- ``momentum_dynamics.critical_beta`` (compiled discriminant coefficients, batched
  companion eigenvalues, Newton polish, batched pole check);
- the obvious alternative: a per-point Python loop of ``numpy.roots`` on the same
  coefficients and ``numpy.linalg.eigvals`` of the hand-built 3x3 state matrix at each
  real root (timed on a subset and scaled).

It also reports the largest disagreement between the two on the subset.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import momentum_dynamics as md
from momentum_dynamics import symbolic as S
from momentum_dynamics._compile import compile_numpy

try:
    from benchmarks._common import Row
except ImportError:  # run as a script
    from _common import Row


def aggmo(x, v1, v2, grad, alpha, beta):
    g = grad(x)
    v1 = beta * v1 + g
    v2 = beta**2 * v2 + g
    return x - alpha * (v1 + v2) / 2, v1, v2


def loop(h, coeff_fn):
    out = np.full(h.shape, np.nan)
    for i, hv in enumerate(h):
        best = np.inf
        for r in np.roots(np.array(coeff_fn(1.0, hv), float)):
            if abs(r.imag) > 1e-6 or not -1 <= r.real <= 1:
                continue
            b = r.real
            A = np.array([[1 - hv, -b / 2, -b * b / 2], [hv, b, 0.0], [hv, 0.0, b * b]])
            ev = np.linalg.eigvals(A)
            d = np.abs(ev[:, None] - ev[None, :]) + np.diag([np.inf] * 3)
            i1, i2 = np.unravel_index(np.argmin(d), d.shape)
            rho = np.abs(ev).max()
            if d[i1, i2] < 1e-4 and abs(ev[i1]) >= rho - 1e-4 and rho < 1 and rho < best:
                best, out[i] = rho, b
    return out


def run(quick: bool = False) -> list[Row]:
    """Aggregated momentum's critical beta against the per-point roots loop."""
    points, loop_points = (5000, 200) if quick else (20000, 500)
    m = md.register_method(aggmo, overwrite=True)
    try:
        coeff_fn = compile_numpy([S.alpha, S.curvature],
                                 S.model(m).discriminant_in_beta.all_coeffs())
        md.critical_beta(m, 1.0, 0.5)  # compile once, outside the timing
        h = np.linspace(0.01, 4.0, points)
        t = time.perf_counter()
        md.critical_beta(m, 1.0, h)
        t_ours = time.perf_counter() - t
        sub = h[:: max(1, points // loop_points)]
        t = time.perf_counter()
        ref = loop(sub, coeff_fn)
        t_loop = (time.perf_counter() - t) * h.size / sub.size
        ours_sub = md.critical_beta(m, 1.0, sub)
        agree = np.nanmax(np.abs(ours_sub - ref))
        same_nan = bool(np.array_equal(np.isnan(ours_sub), np.isnan(ref)))
    finally:
        md.unregister_method("aggmo")
    return [Row("critical beta (AggMo)", f"{points} values of alpha*lambda", t_ours,
                "per-point numpy.roots loop (scaled)", t_loop,
                f"max diff {agree:.0e}, NaN pattern {'same' if same_nan else 'DIFFERS'}",
                points)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=20000)
    ap.add_argument("--loop-points", type=int, default=500)
    args = ap.parse_args()
    m = md.register_method(aggmo, overwrite=True)
    coeff_fn = compile_numpy([S.alpha, S.curvature], S.model(m).discriminant_in_beta.all_coeffs())
    md.critical_beta(m, 1.0, 0.5)  # compile once, outside the timing
    h = np.linspace(0.01, 4.0, args.points)
    t = time.perf_counter()
    md.critical_beta(m, 1.0, h)
    t_ours = time.perf_counter() - t
    sub = h[:: max(1, args.points // args.loop_points)]
    t = time.perf_counter()
    ref = loop(sub, coeff_fn)
    t_loop = (time.perf_counter() - t) * h.size / sub.size
    ours_sub = md.critical_beta(m, 1.0, sub)
    agree = np.nanmax(np.abs(ours_sub - ref))
    same_nan = bool(np.array_equal(np.isnan(ours_sub), np.isnan(ref)))
    print(f"points: {h.size}; ours {t_ours:.3f} s; per-point loop (scaled) {t_loop:.3f} s; "
          f"loop/ours = {t_loop / t_ours:.1f}")
    print(f"max |ours - loop| on {sub.size} points: {agree:.2e}; same NaN pattern: {same_nan}")
    md.unregister_method("aggmo")


if __name__ == "__main__":
    main()

"""Spectral radius of three- and four-state rules: ours versus batched eigenvalues.

Run: ``python benchmarks/bench_degree34.py [--size 1000] [--repeat 3] [--eig-points 100000]``

Aggregated momentum (Lucas, Sun, Zemel & Grosse 2019) with two velocities (three
states, ``beta`` and ``beta**2``) and with three (four states) on a size x size
(alpha, beta) grid at curvature 1. Timed in the same run and reported as ratios:

- ``momentum_dynamics.spectral_radius`` (closed-form factorisation of the cubic or
  quartic, guarded Newton polish, in blocks on two threads) and
  ``momentum_dynamics.is_stable`` (exact Schur-Cohn conditions, no roots);
- the root finders alone (``_polyroots.real_radius34``) on the same coefficients,
  one block at a time;
- batched ``numpy.linalg.eigvals`` on the companion matrices of the same
  coefficients (timed on ``--eig-points`` points and scaled; the full grid would
  need gigabytes).

It also reports the largest disagreement with the eigenvalues (relative) and the
points where the stability mask and ``rho < 1`` disagree away from the boundary.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import momentum_dynamics as md
from momentum_dynamics import _polyroots
from momentum_dynamics.numeric import _kernel

try:
    from benchmarks._common import Row
except ImportError:  # run as a script
    from _common import Row


def aggmo(x, v1, v2, grad, alpha, beta):
    g = grad(x)
    v1 = beta * v1 + g
    v2 = beta**2 * v2 + g
    return x - alpha * (v1 + v2) / 2, v1, v2


def aggmo3(x, v1, v2, v3, grad, alpha, beta):
    g = grad(x)
    v1 = beta * v1 + g
    v2 = beta**2 * v2 + g
    v3 = beta**3 * v3 + g
    return x - alpha * (v1 + v2 + v3) / 3, v1, v2, v3


def best_of(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def measure(size: int = 1000, repeat: int = 3, eig_points: int = 100000) -> list[dict]:
    """Time both rules; one row (a dict of numbers) per rule."""
    rows = []
    alpha = np.linspace(1e-3, 4.0, size)[None, :]
    beta = np.linspace(0.0, 0.999, size)[:, None]
    points = size * size
    for rule in (aggmo, aggmo3):
        name = rule.__name__
        md.register_method(rule, overwrite=True)
        try:
            md.spectral_radius(name, alpha[:, :8], beta[:8], 1.0)  # compile once
            md.is_stable(name, alpha[:, :8], beta[:8], 1.0)
            t_rho, rho = best_of(lambda n=name: md.spectral_radius(n, alpha, beta, 1.0), repeat)
            t_stab, stable = best_of(lambda n=name: md.is_stable(n, alpha, beta, 1.0), repeat)
            k = _kernel(md.get_method(name))
            coeffs = [np.broadcast_to(np.asarray(c, float), (size, size)).ravel()
                      for c in k.coefficients(alpha, beta, 1.0)]
            def roots_only(coeffs=coeffs, block=8192):
                for lo in range(0, points, block):
                    _polyroots.real_radius34([c[lo:lo + block] for c in coeffs])

            t_alone, _ = best_of(roots_only, repeat)
            m = min(eig_points, points)
            sub = [c[:m] for c in coeffs]
            n = len(sub)
            comp = np.zeros((m, n, n))
            for i, c in enumerate(sub):
                comp[:, 0, i] = -c
            comp[:, np.arange(1, n), np.arange(n - 1)] = 1.0
            t_eig_m, ev = best_of(lambda comp=comp: np.linalg.eigvals(comp), 1)
            t_eig = t_eig_m * points / m
            ref = np.abs(ev).max(axis=-1)
            ours = rho.ravel()[:m]
            err = float(np.max(np.abs(ours - ref) / np.maximum(ref, 1e-300)))
            away = np.abs(ref - 1) > 1e-6
            mismatch = int(np.sum(stable.ravel()[:m][away] != (ref[away] < 1)))
        finally:
            md.unregister_method(name)
        rows.append({"rule": name, "states": n, "points": points,
                     "spectral_radius_ns": t_rho / points * 1e9,
                     "is_stable_ns": t_stab / points * 1e9,
                     "roots_alone_ns": t_alone / points * 1e9,
                     "eigvals_ns": t_eig / points * 1e9,
                     "ratio_eigvals_over_ours": t_eig / t_rho,
                     "max_rel_diff": err, "mask_mismatches": mismatch})
    return rows


def run(quick: bool = False) -> list[Row]:
    """The suite's entry (``python -m benchmarks``): one Row per rule and alternative."""
    size = 500 if quick else 1000
    rows = []
    for r in measure(size, repeat=3, eig_points=20000 if quick else 100000):
        case = f"{r['rule']} ({r['states']} states), {size}x{size} grid"
        ours = r["spectral_radius_ns"] * 1e-9 * r["points"]
        check = (f"max rel. diff {r['max_rel_diff']:.0e}; mask mismatches "
                 f"{r['mask_mismatches']}")
        rows.append(Row(f"spectral radius deg {r['states']}", case, ours,
                        "batched numpy eigvals (scaled)", r["eigvals_ns"] * 1e-9 * r["points"],
                        check, r["points"]))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--eig-points", type=int, default=100000)
    args = parser.parse_args(argv)
    for r in measure(args.size, args.repeat, args.eig_points):
        print(f"{r['rule']} ({r['states']} states): {r['points']:,} points")
        print(f"  spectral_radius            {r['spectral_radius_ns']:8.1f} ns/point")
        print(f"  is_stable (Schur-Cohn)     {r['is_stable_ns']:8.1f} ns/point")
        print(f"  root finder alone, 1 thread{r['roots_alone_ns']:8.1f} ns/point")
        print(f"  batched eigvals (scaled)   {r['eigvals_ns']:8.1f} ns/point   "
              f"ratio {r['ratio_eigvals_over_ours']:6.1f}x")
        print(f"  max relative difference to eigvals {r['max_rel_diff']:.1e}; "
              f"mask vs rho < 1 mismatches away from the boundary: {r['mask_mismatches']}")


if __name__ == "__main__":
    main()

"""Stationary covariance: structured solver versus dense ``control.dlyap``, same run.

Run: ``python benchmarks/bench_stationary_covariance.py [--dim 1000] [--repeat 3]``

Heavy ball (alpha=1, beta=0.9) on a d-dimensional quadratic with curvatures spread
geometrically over [1e-3, 1] (2d states). ``control.dlyap`` is timed once on the full
2d-state system; :func:`momentum_dynamics.stationary_covariance` is timed (best of
``--repeat``) in four settings, each *including* forming the dense (d, d) covariance of
the iterate ``.x`` - the result is held in the eigenbasis and ``.x`` rotates it back:

- co-diagonal noise, Hessian given by its curvatures (the closed form per direction);
- co-diagonal noise, Hessian given as ``(w, Q)`` from ``numpy.linalg.eigh``;
- co-diagonal noise, dense rotated Hessian (``eigh`` included);
- general noise, dense rotated Hessian (``eigh`` and ``Q^T Sigma Q`` included).

For each, the ratio against ``dlyap`` and the largest difference of the full state
covariance ``.state`` (formed outside the timing) relative to its largest entry.
"""

from __future__ import annotations

import argparse
import time

import control
import numpy as np

import momentum_dynamics as md

try:
    from benchmarks._common import Row
except ImportError:  # run as a script
    from _common import Row


def best_time(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def problem(d):
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = np.geomspace(1e-3, 1.0, d)
    H = (Q * lam) @ Q.T
    H = 0.5 * (H + H.T)
    N = rng.normal(size=(d, d))
    return Q, lam, H, N @ N.T / d


def run(quick: bool = False) -> list[Row]:
    """Every setting at several d against ``control.dlyap`` on the full system."""
    alpha, beta = 1.0, 0.9
    rows = []
    for d in ((100, 300) if quick else (300, 1000)):
        Q, lam, H, general = problem(d)

        def solve(hessian, noise):
            r = md.stationary_covariance("heavy_ball", alpha, beta, hessian, noise)
            r.x  # noqa: B018 - materialise the dense covariance inside the timing
            return r

        cases = [
            ("co-diagonal, curvatures", lam, 1.0, np.diag(lam), np.eye(d)),
            ("co-diagonal, (w, Q)", (lam, Q), 1.0, H, np.eye(d)),
            ("co-diagonal, dense H", H, np.eye(d), H, np.eye(d)),
            ("general, dense H", H, general, H, general),
        ]
        for name, hessian, noise, H_full, S_full in cases:
            A, B = md.state_space_matrices("heavy_ball", alpha, beta, hessian=H_full)
            t_dense, dense = best_time(lambda A=A, B=B, S=S_full: control.dlyap(
                A, B @ S @ B.T), 1)
            t_ours, ours = best_time(lambda h=hessian, n=noise: solve(h, n), 3)
            err = np.abs(ours.state - dense).max() / np.abs(dense).max()
            rows.append(Row("stationary covariance", f"{name}, d={d}", t_ours,
                            "control.dlyap", t_dense, f"max rel. diff {err:.0e}"))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    d = args.dim
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = np.geomspace(1e-3, 1.0, d)
    H = (Q * lam) @ Q.T
    H = 0.5 * (H + H.T)
    N = rng.normal(size=(d, d))
    general = N @ N.T / d
    alpha, beta = 1.0, 0.9

    def solve(hessian, noise):
        r = md.stationary_covariance("heavy_ball", alpha, beta, hessian, noise)
        r.x  # noqa: B018 - materialise the dense covariance inside the timing
        return r

    cases = [
        ("co-diagonal, curvatures", lam, 1.0, np.diag(lam), np.eye(d)),
        ("co-diagonal, (w, Q)", (lam, Q), 1.0, H, np.eye(d)),
        ("co-diagonal, dense H", H, np.eye(d), H, np.eye(d)),
        ("general, dense H", H, general, H, general),
    ]
    print(f"heavy ball, d={d} ({2 * d} states), control.dlyap on the full system vs ours")
    for name, hessian, noise, H_full, S_full in cases:
        A, B = md.state_space_matrices("heavy_ball", alpha, beta, hessian=H_full)
        t_dense, dense = best_time(lambda A=A, B=B, S=S_full: control.dlyap(
            A, B @ S @ B.T), 1)
        t_ours, ours = best_time(lambda h=hessian, n=noise: solve(h, n), args.repeat)
        err = np.abs(ours.state - dense).max() / np.abs(dense).max()
        print(f"  {name:26s} ours {t_ours:8.4f} s   dlyap {t_dense:7.2f} s   "
              f"ratio {t_dense / t_ours:8.0f}x   max rel. difference {err:.1e}")


if __name__ == "__main__":
    main()

"""Stationary covariance: blockwise solver versus dense ``control.dlyap``, same run.

Run: ``python benchmarks/bench_stationary_covariance.py [--dim 1000]``

Heavy ball on a d-dimensional quadratic with a random rotated Hessian (2d states).
Reports the time of :func:`momentum_dynamics.stationary_covariance` for co-diagonal
noise (``sigma**2 I``) and for a general noise covariance (eigendecomposition of the
Hessian included), the time of ``control.dlyap`` on the full 2d-state system, their
ratios, and the relative difference of the results.
"""

from __future__ import annotations

import argparse
import time

import control
import numpy as np

import momentum_dynamics as md


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=1000)
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
    A, B = md.state_space_matrices("heavy_ball", alpha, beta, hessian=H)
    for name, noise in (("co-diagonal", np.eye(d)), ("general", general)):
        t_ours, ours = timed(lambda noise=noise: md.stationary_covariance(
            "heavy_ball", alpha, beta, H, noise))
        t_dense, dense = timed(lambda noise=noise: control.dlyap(A, B @ noise @ B.T))
        err = np.abs(ours.state - dense).max() / np.abs(dense).max()
        print(f"{name:12s} d={d}: ours {t_ours:8.3f} s   control.dlyap {t_dense:8.2f} s   "
              f"ratio {t_dense / t_ours:7.1f}x   max rel. difference {err:.1e}")


if __name__ == "__main__":
    main()

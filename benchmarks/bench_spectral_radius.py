"""Spectral radius on an (alpha, beta) grid: ours versus the obvious alternatives.

Run: ``python benchmarks/bench_spectral_radius.py [--size 2000] [--loop-points 20000]``

All timings are taken in the same run and reported as ratios:

- ``momentum_dynamics.spectral_radius`` on the broadcast grid (closed form, chunked);
- batched ``numpy.linalg.eigvals`` on the stacked 2x2 state matrices;
- a per-point Python loop calling ``numpy.linalg.eigvals`` (timed on a subset and
  scaled to the grid, since the full loop would take minutes).

It also reports the agreement between ours and the batched eigenvalues.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import momentum_dynamics as md

try:
    from benchmarks._common import Row
except ImportError:  # run as a script
    from _common import Row


def best_of(fn, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def state_matrices(method, h, b):
    """2x2 state matrices of the seed recurrences, built directly."""
    A = np.empty(np.broadcast_shapes(h.shape, b.shape) + (2, 2))
    if method == "heavy_ball":
        A[..., 0, 0], A[..., 0, 1], A[..., 1, 0], A[..., 1, 1] = 1 - h, -b, h, b
    else:  # nesterov
        A[..., 0, 0], A[..., 0, 1] = 1 - h, -b * (1 - h)
        A[..., 1, 0], A[..., 1, 1] = h, b * (1 - h)
    return A


def loop_radius(method, flat_a, flat_b, curvature):
    """The obvious per-point code: build the 2x2 matrix, take its eigenvalues."""
    out = np.empty(flat_a.size)
    for i in range(flat_a.size):
        h, b = flat_a[i] * curvature, flat_b[i]
        if method == "heavy_ball":
            Ai = np.array([[1 - h, -b], [h, b]])
        else:
            Ai = np.array([[1 - h, -b * (1 - h)], [h, b * (1 - h)]])
        out[i] = np.abs(np.linalg.eigvals(Ai)).max()
    return out


def run(quick: bool = False) -> list[Row]:
    """Heavy ball and Nesterov on an n x n (alpha, beta) grid against batched
    ``numpy.linalg.eigvals`` and a per-point loop (timed on a subset, scaled)."""
    n = 1000 if quick else 2000
    loop_points = 2000 if quick else 20000
    alpha = np.linspace(1e-3, 4.0, n)[None, :]
    beta = np.linspace(0.0, 0.999, n)[:, None]
    points = n * n
    rows = []
    for method in ("heavy_ball", "nesterov"):
        md.spectral_radius(method, alpha, beta, 1.0)  # compile once
        t_ours, ours = best_of(lambda m=method: md.spectral_radius(m, alpha, beta, 1.0), 3)
        A = state_matrices(method, alpha, beta)
        t_eig, ref = best_of(lambda A=A: np.abs(np.linalg.eigvals(A)).max(axis=-1), 1)
        del A
        k = min(loop_points, points)
        flat_a = np.broadcast_to(alpha, (n, n)).ravel()[:k]
        flat_b = np.broadcast_to(beta, (n, n)).ravel()[:k]
        t_loop, _ = best_of(lambda m=method, fa=flat_a, fb=flat_b: loop_radius(m, fa, fb, 1.0), 1)
        err = np.max(np.abs(ours - ref) / ref)
        case = f"{method}, {n}x{n} grid"
        rows.append(Row("spectral radius deg 2", case, t_ours, "batched numpy eigvals", t_eig,
                        f"max rel. diff {err:.0e}", points))
        rows.append(Row("spectral radius deg 2", case, t_ours, "per-point eigvals loop (scaled)",
                        t_loop * points / k, "", points))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--loop-points", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.size
    alpha = np.linspace(1e-3, 4.0, n)[None, :]
    beta = np.linspace(0.0, 0.999, n)[:, None]
    curvature = 1.0
    points = n * n
    for method in ("heavy_ball", "nesterov"):
        md.spectral_radius(method, alpha, beta, curvature)  # compile once
        t_ours, ours = best_of(lambda m=method: md.spectral_radius(m, alpha, beta, curvature),
                               args.repeat)
        A = state_matrices(method, alpha * curvature, beta)
        t_eig, ref = best_of(lambda A=A: np.abs(np.linalg.eigvals(A)).max(axis=-1), 1)
        del A
        k = min(args.loop_points, points)
        flat_a = np.broadcast_to(alpha, (n, n)).ravel()[:k]
        flat_b = np.broadcast_to(beta, (n, n)).ravel()[:k]

        def loop(flat_a=flat_a, flat_b=flat_b, method=method, k=k):
            # The obvious per-point code: build the 2x2 matrix, take its eigenvalues.
            out = np.empty(k)
            for i in range(k):
                h, b = flat_a[i] * curvature, flat_b[i]
                if method == "heavy_ball":
                    Ai = np.array([[1 - h, -b], [h, b]])
                else:
                    Ai = np.array([[1 - h, -b * (1 - h)], [h, b * (1 - h)]])
                out[i] = np.abs(np.linalg.eigvals(Ai)).max()
            return out

        t_loop_k, _ = best_of(loop, 1)
        t_loop = t_loop_k * points / k
        err = np.max(np.abs(ours - ref) / ref)
        print(f"{method}: {n}x{n} grid ({points:,} points)")
        print(f"  ours                      {t_ours * 1e3:9.1f} ms  "
              f"{t_ours / points * 1e9:6.2f} ns/point")
        print(f"  batched numpy eigvals     {t_eig * 1e3:9.1f} ms  ratio {t_eig / t_ours:8.1f}x")
        print(f"  per-point loop (scaled)   {t_loop:9.1f} s   ratio {t_loop / t_ours:8.0f}x")
        print(f"  max relative difference to eigvals: {err:.1e}")


if __name__ == "__main__":
    main()

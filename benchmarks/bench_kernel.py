"""The degree-2 kernel against a fused single-pass kernel, and the scalar call.

Run: ``python benchmarks/bench_kernel.py [--quick]``

- ``md.spectral_radius`` of heavy ball and Nesterov on an (alpha, beta) grid, through
  the NumPy path (blocks, two threads) and through the default path (the fused numba
  kernel when numba is installed: ``pip install momentum_dynamics[fast]``), against a
  fused single-pass loop written here by hand with numba (the textbook closed form,
  one point at a time, on the same number of threads): the fastest this formula can
  run, the yardstick of issue 12 ("within 3x of a fused single-pass kernel");
- one point given as Python floats (the scalar fast path) against the general path
  (the same call with NumPy scalars, which takes the validating array path) and
  against the obvious alternative, ``numpy.linalg.eigvals`` of the hand-built 2x2
  state matrix.

Without numba the fused rows are skipped.
"""

from __future__ import annotations

import argparse
import math
import timeit
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import momentum_dynamics as md
from momentum_dynamics import numeric as N

try:
    from benchmarks._common import Row, best_time, print_rows
except ImportError:  # run as a script
    from _common import Row, best_time, print_rows


def fused_reference():
    """Hand-written fused loops over a broadcast (alpha row, beta column) grid, or None."""
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(nogil=True)
    def heavy_ball(a, b, lam, out):  # z**2 - (1 + b - h) z + b
        for i in range(b.shape[0]):
            bi = b[i]
            e = 1.0 - bi
            for j in range(a.shape[0]):
                h = a[j] * lam
                disc = (e + h) * (e + h) - 4.0 * h
                T = 1.0 + bi - h
                r = 0.5 * (math.sqrt(max(disc, 0.0)) + abs(T))
                out[i, j] = max(r, math.sqrt(max(bi, 0.0)))

    @numba.njit(nogil=True)
    def nesterov(a, b, lam, out):  # z**2 - (1 + b)(1 - h) z + b (1 - h)
        for i in range(b.shape[0]):
            bi = b[i]
            for j in range(a.shape[0]):
                g = 1.0 - a[j] * lam
                T = (1.0 + bi) * g
                D = bi * g
                disc = T * T - 4.0 * D
                r = 0.5 * (math.sqrt(max(disc, 0.0)) + abs(T))
                out[i, j] = max(r, math.sqrt(max(D, 0.0)))

    return {"heavy_ball": heavy_ball, "nesterov": nesterov}


def run_threads(kernel, a, b, lam, out, threads):
    """The reference on the package's number of threads (rows split evenly)."""
    if threads == 1:
        kernel(a, b, lam, out)
        return out
    cuts = np.linspace(0, b.size, threads + 1).astype(int)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda k: kernel(a, b[cuts[k]:cuts[k + 1]], lam,
                                       out[cuts[k]:cuts[k + 1]]), range(threads)))
    return out


def scalar_per_call(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=3)) / number


def run(quick: bool = False) -> list[Row]:
    n = 1024 if quick else 2048  # at least N._FUSED_MIN points: the fast path applies
    a = np.linspace(1e-3, 4.0, n)
    b = np.linspace(0.0, 0.999, n)
    alpha, beta = a[None, :], b[:, None]
    rows = []
    ref = fused_reference()
    saved = N._FUSED_MIN  # noqa: SLF001 - the switch between the two paths
    for method in ("heavy_ball", "nesterov"):
        case = f"{method}, {n}x{n} grid"
        try:
            N._FUSED_MIN = 1 << 62  # noqa: SLF001
            md.spectral_radius(method, alpha, beta, 1.0)
            t_np, ours_np = best_time(lambda m=method: md.spectral_radius(m, alpha, beta, 1.0))
        finally:
            N._FUSED_MIN = saved  # noqa: SLF001
        if ref is None:
            continue
        out = np.empty((n, n))
        run_threads(ref[method], a, b, 1.0, out, N._THREADS)  # noqa: SLF001 - compile
        threads = N._THREADS  # noqa: SLF001 - the package's own thread count
        t_ref, r = best_time(lambda m=method, o=out, k=threads: run_threads(ref[m], a, b, 1.0,
                                                                            o, k))
        err = np.max(np.abs(ours_np - r) / r)
        rows.append(Row("fused kernel deg 2", case + ", NumPy path", t_np,
                        "fused numba loop (reference)", t_ref, f"max rel. diff {err:.0e}",
                        n * n))
        md.spectral_radius(method, alpha, beta, 1.0)  # compile the fast path
        t_def, ours = best_time(lambda m=method: md.spectral_radius(m, alpha, beta, 1.0))
        rows.append(Row("fused kernel deg 2", case + ", default (numba) path", t_def,
                        "fused numba loop (reference)", t_ref,
                        "bitwise = NumPy path" if np.array_equal(ours, ours_np)
                        else "DIFFERS from NumPy path", n * n))
    number = 300 if quick else 2000
    h = 0.1
    A = np.array([[1 - h, -0.9], [h, 0.9]])
    t_eig = scalar_per_call(lambda: float(np.abs(np.linalg.eigvals(A)).max()), number)
    for name in ("spectral_radius", "convergence_gap", "is_stable", "poles"):
        fn = getattr(md, name)
        fn("heavy_ball", 0.1, 0.9, 1.0)
        t_fast = scalar_per_call(lambda f=fn: f("heavy_ball", 0.1, 0.9, 1.0), number)
        t_gen = scalar_per_call(
            lambda f=fn, x=np.float64: f("heavy_ball", x(0.1), x(0.9), x(1.0)),
            max(1, number // 10))
        rows.append(Row("scalar call", f"{name}, heavy ball, Python floats", t_fast,
                        "general path (NumPy scalars)", t_gen))
        if name == "spectral_radius":
            rows.append(Row("scalar call", f"{name}, heavy ball, Python floats", t_fast,
                            "numpy eigvals of the 2x2 matrix", t_eig))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print_rows(run(parser.parse_args(argv).quick))


if __name__ == "__main__":
    main()

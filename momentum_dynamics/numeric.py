"""Vectorised numeric analysis, evaluated from the exact symbolic derivations.

Every function here broadcasts like a NumPy ufunc over ``alpha``, ``beta``,
``curvature`` (or ``mu`` and ``L``) and returns arrays; 0-d input gives a Python
scalar. The expressions come from :mod:`momentum_dynamics.symbolic` (derived from
the update rule) and are compiled once per method (``_compile.compile_numpy``).

Accuracy. For two-state methods the poles are computed in closed form in real
arithmetic. The discriminant is derived in the variable ``e = 1 - beta`` and
expanded symbolically, so the large constant terms cancel *exactly* in SymPy
instead of in floating point. For heavy ball, for instance,

.. math:: (1 + \\beta - \\alpha\\lambda)^2 - 4\\beta = (e + \\alpha\\lambda)^2 - 4\\alpha\\lambda,

whose terms are all of the size of ``alpha*lambda``: near a double root and for
``beta`` close to 1 the rounding error stays of the order of
``eps * alpha*lambda``, the problem's own conditioning, where the textbook form
loses everything to cancellation. Methods with three or four states factor the
characteristic polynomial into real quadratics in closed form (Cardano, Ferrari),
polished by guarded Newton steps (:mod:`momentum_dynamics._polyroots`), and decide
stability from the exact Schur-Cohn conditions; more states (and complex curvature)
use batched ``numpy.linalg.eigvals`` on companion matrices.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from . import _polyroots
from . import symbolic as S
from ._compile import compile_numpy
from ._docstrings import fill_doc, optimal_fields
from ._validation import (
    as_real_array,
    broadcast,
    check_alpha,
    check_beta,
    check_count,
    check_curvature,
    check_hyperparameters,
    check_kappa,
    check_spectrum,
    to_output,
)
from .methods import Method, available_methods, get_method, heavy_ball

__all__ = [
    "poles",
    "hidden_modes",
    "spectral_radius",
    "is_stable",
    "convergence_gap",
    "damping_regime",
    "REGIMES",
    "critical_beta",
    "continuous_critical_beta",
    "effective_learning_rate",
    "convergence_rate",
    "worst_case_gap",
    "OptimalParameters",
    "optimal_parameters",
    "iterations_to_tolerance",
    "RateRow",
    "tuned_rates",
]

REGIMES = ("underdamped", "critical", "overdamped", "unstable")

_CHUNK = 131072
_THREADS = max(1, min(2, os.cpu_count() or 1))
_POOL: ThreadPoolExecutor | None = None

_e = sp.Symbol("e", real=True)  # 1 - beta


# --------------------------------------------------------------------------
# Compiled kernels
# --------------------------------------------------------------------------


class _Kernel(NamedTuple):
    method: Method
    variables: tuple[str, ...]  # argument names, in order, of the compiled functions
    degree: int
    coefficients: Callable  # -> tuple of coefficients a_{n-1}, ..., a_0 of the monic poly
    quadratic: Callable | None  # -> (T, D, disc) of z**2 - T z + D, for degree 2
    disc_scale: Callable | None  # -> sum of |terms| of disc: the scale of its rounding error


class _InProduct(NamedTuple):
    """Expressions rewritten in ``h = alpha*lambda`` and ``g = h - 1`` (see
    :func:`_compile_in_product`), or in the original arguments when that fails."""

    args: list  # the compiled functions' arguments
    exprs: list
    product: bool  # True: args are (h, g, *rest) and alpha, lambda enter through h
    uses_g: bool
    i_alpha: int
    i_lam: int
    others: list  # positions (in the original arguments) of the rest


def _in_product(args, exprs) -> _InProduct:
    h = sp.Symbol("h", real=True)
    g = sp.Symbol("g", real=True)  # h - 1, computed without cancellation
    in_h = [sp.factor(sp.expand(e.subs(S.curvature, h / S.alpha))) for e in exprs]
    i_alpha, i_lam = args.index(S.alpha), args.index(S.curvature)
    others = [i for i in range(len(args)) if i not in (i_alpha, i_lam)]
    if any(e.has(S.alpha) for e in in_h):
        return _InProduct(list(args), list(exprs), False, False, i_alpha, i_lam, others)
    in_hg = [e.subs(h - 1, g) for e in in_h]
    uses_g = any(e.has(g) for e in in_hg)
    rest = [a for a in args if a not in (S.alpha, S.curvature)]
    return _InProduct([h, g, *rest], in_hg, True, uses_g, i_alpha, i_lam, others)


def _compile_in_product(args, exprs):
    """Compile ``exprs``; through ``h = alpha*lambda`` when they depend on nothing else.

    On a quadratic the gradient enters only as ``alpha*lambda*x`` for most methods, so
    computing the product once per chunk saves work in the hot loop. The expressions
    are factored, and a factor ``h - 1`` (Nesterov's ``1 - alpha*lambda``) is evaluated
    from the exact product: where ``|h - 1| < 2**-10`` the rounding error of
    ``alpha*lambda`` is recovered with Dekker's two-product and added back, so the
    poles stay accurate relative to their own size when ``alpha*lambda`` is near 1.
    """
    ip = _in_product(args, exprs)
    if not ip.product:
        return compile_numpy(args, exprs)
    f = compile_numpy(ip.args, ip.exprs)
    uses_g, i_alpha, i_lam, others = ip.uses_g, ip.i_alpha, ip.i_lam, ip.others

    def compiled(*vals):
        a, lam = vals[i_alpha], vals[i_lam]
        prod = a * lam
        gap = prod - 1.0
        # Dekker's correction is for real products; complex curvatures go as they are.
        # min|gap| is one pass and a reduction: cheaper than building the mask first.
        if (uses_g and not np.iscomplexobj(gap)
                and np.min(np.abs(gap), initial=np.inf) < 2.0**-10):
            near = np.abs(gap) < 2.0**-10
            a_b, lam_b, gap = np.broadcast_arrays(a, lam, np.array(gap, dtype=float))
            gap = gap.copy()
            gap[near] += _two_product_error(a_b[near], lam_b[near])
        return f(prod, gap, *[vals[i] for i in others])

    return compiled


def _from_beta(f):
    def g(alpha, beta, *rest):
        return f(alpha, 1.0 - beta, *rest)

    return g


def _choose_by_beta(raw_e, raw_b):
    """(T, D, disc) of ``z**2 - T z + D``, each point in its accurate form.

    For ``beta >= 1/2`` the forms derived in ``e = 1 - beta`` (their constants cancel
    exactly in SymPy, which matters as beta -> 1); for ``beta < 1/2`` the forms in
    beta itself, with ``disc = T*T - 4D`` (accurate for a small double pole, where
    ``1 - beta`` would round beta away).
    """

    def quadratic(alpha, beta, *rest):
        big = np.asarray(beta >= 0.5)
        if big.all():
            return raw_e(alpha, 1.0 - beta, *rest)
        T, D = raw_b(alpha, beta, *rest)
        disc = T * T - 4.0 * D
        if not big.any():
            return T, D, disc
        Te, De, disc_e = raw_e(alpha, 1.0 - beta, *rest)
        return (np.where(big, Te, T), np.where(big, De, D), np.where(big, disc_e, disc))

    return quadratic


def _split(x):
    c = 134217729.0 * x  # 2**27 + 1
    hi = c - (c - x)
    return hi, x - hi


def _two_product_error(a, b):
    """The rounding error of ``a*b`` (Dekker): ``a*b = fl(a*b) + error`` exactly."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _abs_terms(expr: sp.Expr, variables) -> sp.Expr:
    """Sum of absolute values of the monomials: a scale for rounding errors."""
    poly = sp.Poly(sp.expand(expr), *variables)
    return sum(abs(c) * sp.prod([sp.Abs(v) ** k for v, k in zip(variables, mon, strict=True)])
               for mon, c in poly.terms())


@cache
def _kernel(method: Method) -> _Kernel:
    syms = S.hyperparameter_symbols(method)
    extras = [syms[h] for h in method.extra_hyperparameters]
    if method.has_momentum:
        names = ("alpha", "beta", "curvature", *method.extra_hyperparameters)
        args = [S.alpha, _e, S.curvature, *extras]
        shift = {S.beta: 1 - _e}
    else:
        names = ("alpha", "curvature", *method.extra_hyperparameters)
        args = [S.alpha, S.curvature, *extras]
        shift = {}
    poly = S.model(method).charpoly
    coeffs = [sp.expand(c.subs(shift)) for c in poly.all_coeffs()]
    if coeffs[0] != 1:
        coeffs = [sp.expand(c / coeffs[0]) for c in coeffs]
    n = poly.degree()
    # Compiled functions take beta; those derived in e = 1 - beta get it inside.
    in_e = (lambda f: _from_beta(f)) if method.has_momentum else (lambda f: f)
    coefficients = in_e(compile_numpy(args, coeffs[1:]))
    quadratic = disc_scale = None
    if n == 2:
        q = _quadratic_exprs(method)
        raw_e = _compile_in_product(q.args_e, q.exprs_e)
        if method.has_momentum:
            raw_b = _compile_in_product(q.args_b, q.exprs_b)
            quadratic = _choose_by_beta(raw_e, raw_b)
        else:
            quadratic = raw_e
        disc_scale = in_e(compile_numpy(args, _abs_terms(q.exprs_e[2], args)))
    return _Kernel(method, names, n, coefficients, quadratic, disc_scale)


class _QuadraticExprs(NamedTuple):
    """``[T, D, disc]`` of ``z**2 - T z + D`` in ``(alpha, e = 1 - beta, lambda,
    *extras)`` (or without e for no momentum), and ``[T, D]`` in ``(alpha, beta,
    lambda, *extras)`` (None without momentum): the two forms :func:`_choose_by_beta`
    picks from."""

    args_e: list
    exprs_e: list
    args_b: list | None
    exprs_b: list | None


@cache
def _quadratic_exprs(method: Method) -> _QuadraticExprs:
    extras = [S.hyperparameter_symbols(method)[h] for h in method.extra_hyperparameters]
    if method.has_momentum:
        args = [S.alpha, _e, S.curvature, *extras]
        shift = {S.beta: 1 - _e}
    else:
        args = [S.alpha, S.curvature, *extras]
        shift = {}
    poly = S.model(method).charpoly
    coeffs = [sp.expand(c.subs(shift)) for c in poly.all_coeffs()]
    if coeffs[0] != 1:
        coeffs = [sp.expand(c / coeffs[0]) for c in coeffs]
    _, a1, a0 = coeffs
    disc = sp.factor(sp.expand(S.model(method).discriminant.subs(shift)))
    if not method.has_momentum:
        return _QuadraticExprs(args, [-a1, a0, disc], None, None)
    _, b1, b0 = poly.all_coeffs()
    return _QuadraticExprs(args, [-a1, a0, disc], [S.alpha, S.beta, S.curvature, *extras],
                           [sp.expand(-b1), sp.expand(b0)])


# --------------------------------------------------------------------------
# Optional fused kernel (numba): one pass per point for degree-2 spectral radii
# --------------------------------------------------------------------------

#: Broadcast sizes from which spectral_radius uses the fused numba kernel (when numba is
#: installed: ``pip install momentum_dynamics[fast]``). Its first use per method costs a
#: JIT compilation of about a second, worth it only on large arrays.
_FUSED_MIN = 1 << 20


def _numba_enabled() -> bool:
    """numba is importable and not switched off (``MOMENTUM_DYNAMICS_NUMBA=0``)."""
    if os.environ.get("MOMENTUM_DYNAMICS_NUMBA", "1").strip().lower() in ("0", "false", "no"):
        return False
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def _fused_eval(ip: _InProduct, names: list[str], tag: str, ns: dict, jit) -> list[str]:
    """Source lines assigning ``T, D[, disc]`` exactly as :func:`_compile_in_product`
    computes them on arrays: the same common subexpressions (``sympy.cse`` over all
    the expressions, as ``compile_numpy`` does), each compiled by ``compile_numpy``
    into a scalar function that numba inlines; ``ns`` receives the functions."""
    syms = list(ip.args)
    if ip.product:
        a, lam = names[ip.i_alpha], names[ip.i_lam]
        call = ["h", "g", *[names[i] for i in ip.others]]
        lines = [f"h = {a} * {lam}", "g = h - 1.0"]
        if ip.uses_g:
            # Unconditional arithmetic and a select: the loop stays vectorisable.
            lines.append(f"g += _two_product_error({a}, {lam}) "
                         f"if abs(g) < {2.0**-10!r} else 0.0")
    else:
        call, lines = list(names), []
    replacements, reduced = sp.cse(ip.exprs)
    for j, (sym, expr) in enumerate(replacements):
        ns[f"{tag}_r{j}"] = jit(compile_numpy(syms, expr, cse=False))
        lines.append(f"{tag}_{sym} = {tag}_r{j}({', '.join(call)})")
        syms.append(sym)
        call.append(f"{tag}_{sym}")
    for j, (v, expr) in enumerate(zip(("T", "D", "disc"), reduced, strict=False)):
        ns[f"{tag}_o{j}"] = jit(compile_numpy(syms, expr, cse=False))
        lines.append(f"{v} = {tag}_o{j}({', '.join(call)})")
    return lines


_TWO_PRODUCT_SOURCE = """
def _two_product_error(a, b):
    p = a * b
    c = 134217729.0 * a
    ah = c - (c - a)
    al = a - ah
    c = 134217729.0 * b
    bh = c - (c - b)
    bl = b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl
"""


@cache
def _numba_at():
    """``_at(x, i)``: ``x[i]`` for a 1-D array, ``x`` for a number, inside numba."""
    import numba
    from numba.extending import overload

    def _at(x, i):  # pragma: no cover - only called inside numba
        return x[i]

    @overload(_at, inline="always")
    def _at_impl(x, i):
        if isinstance(x, numba.types.Array):
            return lambda x, i: x[i]
        return lambda x, i: x

    return _at


@cache
def _fused_rho(method: Method) -> Callable | None:
    """A fused single-pass kernel for the real spectral radius of a degree-2 method:
    ``f(*blocks) -> (rho,)`` with the same operations per point, in the same order,
    as the NumPy path (:func:`_choose_by_beta`, :func:`_rho_quadratic_real`), so the
    two agree to the last bit; None when numba is not installed.

    The NumPy path makes a dozen or more passes over each block and, where beta
    straddles 1/2 in a block, evaluates both forms; this makes one, choosing the form
    per point. The formulas are the same compiled SymPy expressions, one scalar
    function per expression, which numba inlines.
    """
    if not _numba_enabled() or _kernel(method).degree != 2:
        return None
    import numba

    q = _quadratic_exprs(method)
    jit = numba.njit(nogil=True)
    ns: dict = {"math": math}
    ip_e = _in_product(q.args_e, q.exprs_e)
    n_in = len(q.args_e)
    inputs = [f"x{i}" for i in range(n_in)]
    lines = [f"def kernel(n, {', '.join(inputs)}, out):", "    for i in range(n):"]
    # _at(x, i) is x[i] for an array and x for a number (numba specialises on it), so
    # scalars are not expanded and contiguous loops vectorise.
    lines += [f"        v{x} = _at({x}, i)" for x in inputs]
    vals = [f"v{x}" for x in inputs]
    if q.args_b is not None:
        e_names = [vals[0], "e", *vals[2:]]
        lines.append(f"        if {vals[1]} >= 0.5:")
        lines.append(f"            e = 1.0 - {vals[1]}")
        lines += ["            " + ln for ln in _fused_eval(ip_e, e_names, "fe", ns, jit)]
        lines.append("        else:")
        ip_b = _in_product(q.args_b, q.exprs_b)
        lines += ["            " + ln for ln in _fused_eval(ip_b, vals, "fb", ns, jit)]
        lines.append("            disc = T * T - 4.0 * D")
    else:
        lines += ["        " + ln for ln in _fused_eval(ip_e, vals, "fe", ns, jit)]
    # _rho_quadratic_real, per point (NaN propagates as through np.maximum)
    lines += ["        if disc < 0.0: disc = 0.0",
              "        if D < 0.0: D = 0.0",
              "        r = (math.sqrt(disc) + abs(T)) * 0.5",
              "        d = math.sqrt(D)",
              "        out[i] = d if (d > r or d != d) else r"]
    exec(compile(_TWO_PRODUCT_SOURCE, "<momentum_dynamics fused>", "exec"), ns)
    ns["_two_product_error"] = jit(ns["_two_product_error"])
    ns["_at"] = _numba_at()
    exec(compile("\n".join(lines), f"<momentum_dynamics fused {method.name}>", "exec"), ns)
    kernel = jit(ns["kernel"])

    def run(*blocks):
        shape = np.broadcast_shapes(*(np.shape(b) for b in blocks))
        n = math.prod(shape)
        flat: list = []
        for b in blocks:
            b = np.asarray(b, dtype=float)
            if b.size == 1:
                flat.append(float(b.reshape(())))
            else:
                flat.append(np.ascontiguousarray(np.broadcast_to(b, shape)).reshape(n))
        out = np.empty(n)
        kernel(n, *flat, out)
        return (out.reshape(shape),)

    return run


class _CriticalKernel(NamedTuple):
    """How critical momenta of one method are evaluated.

    Closed form (two states, discriminant of low degree in beta): ``branches`` gives
    ``beta, pole, beta, pole, ...`` of the stable branches in ``(alpha, s, *extras)``,
    ``continuous`` the small-step approximation. Otherwise ``polynomial`` gives the
    coefficients (descending) in beta of the discriminant in ``(alpha, lambda,
    *extras)``, whose real roots are found per point. ``error`` explains why neither
    exists.
    """

    branches: Callable | None
    n_branches: int
    continuous: Callable | None
    polynomial: Callable | None
    degree: int
    error: str | None


@cache
def _critical_kernel(method: Method) -> _CriticalKernel:
    """Compiled separately from ``_kernel``: the derivation is costly for high-order
    user methods and only critical_beta needs it."""
    extras = [S.hyperparameter_symbols(method)[h] for h in method.extra_hyperparameters]
    mod = S.model(method)
    try:
        closed = mod.critical_closed_form
    except ValueError as exc:  # the discriminant does not depend on beta
        return _CriticalKernel(None, 0, None, None, 0, str(exc))
    if closed:
        try:
            c = mod.critical
        except ValueError as exc:
            return _CriticalKernel(None, 0, None, None, 0, str(exc))
        cargs = [S.alpha, S.sqrt_h, *extras]
        # The default branch first: where several are stable, the smallest |pole| wins
        # and ties go to it.
        order = [c.stable_index] + [i for i, b in enumerate(c.branches)
                                    if b.stable and i != c.stable_index]
        flat = []
        for i in order:
            flat += [c.branches[i].beta, c.branches[i].double_pole]
        return _CriticalKernel(compile_numpy(cargs, flat), len(order),
                               compile_numpy(cargs, S.leading_order(c.stable.beta)),
                               None, 0, None)
    poly = mod.discriminant_in_beta
    coeffs = compile_numpy([S.alpha, S.curvature, *extras], poly.all_coeffs())
    return _CriticalKernel(None, 0, None, coeffs, poly.degree(), None)


def _real_roots_in_beta(coeffs: np.ndarray) -> np.ndarray:
    """Real roots in [-1, 1] of the polynomials ``coeffs`` (shape (N, d+1), descending),
    NaN elsewhere; shape (N, d). Batched eigenvalues of companion matrices, then two
    Newton steps on the polynomial itself to recover the accuracy the eigenvalue
    solver loses on clustered roots."""
    N, d1 = coeffs.shape
    d = d1 - 1
    out = np.full((N, d), np.nan + 0j)
    scale = np.max(np.abs(coeffs), axis=1)
    good = np.isfinite(scale) & (scale > 0)
    lead_ok = good & (np.abs(coeffs[:, 0]) > 1e-12 * scale)
    if lead_ok.any():
        c = coeffs[lead_ok]
        comp = np.zeros((c.shape[0], d, d))
        comp[:, 0, :] = -c[:, 1:] / c[:, :1]
        idx = np.arange(d - 1)
        comp[:, idx + 1, idx] = 1.0
        out[lead_ok] = np.linalg.eigvals(comp)
    for i in np.flatnonzero(good & ~lead_ok):  # a vanishing leading coefficient: rare
        c = coeffs[i]
        keep = np.flatnonzero(np.abs(c) > 1e-12 * scale[i])
        r = np.roots(c[keep[0]:]) if keep.size else np.array([])
        out[i, :r.size] = r
    # Double roots (a squared factor) split into a pair at ~sqrt(eps): accept them.
    real = np.abs(out.imag) <= 1e-6 * np.maximum(1.0, np.abs(out.real))
    b = np.where(real, out.real, np.nan)
    dc = coeffs[:, :-1] * np.arange(d, 0, -1)
    for _ in range(2):
        p = np.zeros_like(b)
        dp = np.zeros_like(b)
        for k in range(d1):
            p = p * b + coeffs[:, k:k + 1]
        for k in range(d):
            dp = dp * b + dc[:, k:k + 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(np.abs(dp) > 1e-8 * scale[:, None], p / dp, 0.0)
        # A Newton step larger than the root's own uncertainty means a cluster: keep b.
        b = np.where(np.abs(step) < 1e-4, b - step, b)
    return np.where((b >= -1.0) & (b <= 1.0), b, np.nan)


def _critical_by_roots(m: Method, k: _CriticalKernel, a, lam, extras, shape):
    """Candidate critical momenta (shape + (d,)) and the spectral radius at each.

    Each real root of the discriminant in beta gives a double pole; it counts as
    critical damping when that pair is dominant (no other pole is larger) and stable.
    Evaluated in blocks, so that the stacked companion matrices stay small.
    """
    N = math.prod(shape)
    flat = [np.broadcast_to(v, shape).reshape(N) for v in (a, lam, *extras)]
    block = max(1, _CHUNK // (8 * max(k.degree, 1)))
    parts = [_critical_block(m, k, [v[i:i + block] for v in flat]) for i in range(0, N, block)]
    betas = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, k.degree))
    rho = np.concatenate([p[1] for p in parts]) if parts else np.empty((0, k.degree))
    return betas.reshape(*shape, k.degree), rho.reshape(*shape, k.degree)


def _critical_block(m: Method, k: _CriticalKernel, flat: list[np.ndarray]):
    N = flat[0].shape[0]
    with np.errstate(all="ignore"):
        cs = k.polynomial(*flat)
        coeffs = np.stack([np.broadcast_to(np.asarray(c, float), (N,)) for c in cs], axis=1)
        coeffs[~(flat[1] * flat[0] > 0)] = np.nan  # alpha*lambda <= 0: none exists
        betas = _real_roots_in_beta(coeffs)
    n = _kernel(m).degree
    kc = _kernel(m).coefficients
    vals = [flat[0][:, None], betas, flat[1][:, None], *[e[:, None] for e in flat[2:]]]
    with np.errstate(all="ignore"):
        pc = [np.broadcast_to(np.asarray(c, float), betas.shape) for c in kc(*vals)]
    pc = [np.nan_to_num(c) for c in pc]
    ev = (_polyroots.real_roots34 if n in (3, 4) else _polyroots.companion_roots)(pc)
    mod = np.abs(ev)
    rho = mod.max(axis=-1)
    # the closest pair of poles is the double pole
    diff = np.abs(ev[..., :, None] - ev[..., None, :])
    diff[..., np.arange(n), np.arange(n)] = np.inf
    flat_i = np.argmin(diff.reshape(*diff.shape[:-2], n * n), axis=-1)
    i1, i2 = np.divmod(flat_i, n)
    p1 = np.take_along_axis(ev, i1[..., None], axis=-1)[..., 0]
    p2 = np.take_along_axis(ev, i2[..., None], axis=-1)[..., 0]
    double = 0.5 * (p1 + p2)
    ok = (np.isfinite(betas) & (np.abs(p1 - p2) <= 1e-4 * np.maximum(1.0, np.abs(double)))
          & (np.abs(double) >= rho - 1e-4 * np.maximum(1.0, rho)) & (rho < 1.0))
    return np.where(ok, betas, np.nan), np.where(ok, rho, np.inf)


# --------------------------------------------------------------------------
# Chunked, threaded evaluation over broadcast inputs
# --------------------------------------------------------------------------


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=_THREADS)
    return _POOL


def _run(func: Callable, inputs: list[np.ndarray], shape: tuple, dtypes: list) -> list[np.ndarray]:
    """Evaluate ``func(*blocks) -> tuple of arrays`` over the broadcast inputs.

    The inputs are never expanded to the full shape: they are cut into blocks along
    the longest axis (an input of extent 1 there is passed whole) and broadcast
    inside ``func``. Blocks of about ``_CHUNK`` points keep temporaries in cache and
    memory bounded; NumPy releases the GIL, so blocks run on two threads.
    """
    outs = [np.empty(shape, dtype=d) for d in dtypes]
    size = math.prod(shape)
    nd = len(shape)
    ins = [np.asarray(a).reshape((1,) * (nd - np.ndim(a)) + np.shape(a)) for a in inputs]
    if size <= _CHUNK or nd == 0:
        res = func(*ins)
        for o, r in zip(outs, res, strict=True):
            o[...] = r
        return outs
    axis = int(np.argmax(shape))
    per_index = size // shape[axis]
    step = max(1, _CHUNK // max(per_index, 1))
    starts = range(0, shape[axis], step)

    def work(lo):
        sl = (slice(None),) * axis + (slice(lo, lo + step),)
        res = func(*[a if a.shape[axis] == 1 else a[sl] for a in ins])
        for o, r in zip(outs, res, strict=True):
            o[sl] = r

    if _THREADS == 1 or len(starts) == 1:
        for lo in starts:
            work(lo)
    else:
        list(_pool().map(work, starts))
    return outs


# --------------------------------------------------------------------------
# Argument handling
# --------------------------------------------------------------------------


class _Args(NamedTuple):
    method: Method
    kernel: _Kernel
    values: list[np.ndarray]  # in kernel.variables order
    shape: tuple[int, ...]
    complex_: bool


def _prepare(method, alpha, beta, curvature, params, *, allow_complex=True) -> _Args:
    m = get_method(method)
    if m.is_game:
        raise TypeError(f"method {m.name!r} is a game rule (one oracle per player): poles, "
                        "spectral_radius and is_stable take it, with sigma, a and c by name; "
                        "this function takes one-player methods only")
    a = check_alpha(alpha)
    b = check_beta(beta, m)
    if curvature is None:
        raise TypeError("curvature (the Hessian eigenvalue lambda) is required")
    lam = check_curvature(curvature, allow_complex=allow_complex)
    extra = check_hyperparameters(m, params)
    named = [(a, "alpha"), (b, "beta"), (lam, "curvature")] + [(v, k) for k, v in extra.items()]
    shape = broadcast(*named)
    k = _kernel(m)
    values = [a]
    if m.has_momentum:
        values.append(b)
    values.append(lam)
    values += [extra[h] for h in m.extra_hyperparameters]
    return _Args(m, k, values, shape, lam.dtype.kind == "c")


def _game(method) -> Method | None:
    """The method if it is a game rule (one oracle per player), else None: those take
    the game's sigma, a, c by name and are evaluated in :mod:`momentum_dynamics._games`."""
    m = get_method(method)
    return m if m.is_game else None


def _coeff_arrays(args: _Args, values: list[np.ndarray] | None = None) -> list[np.ndarray]:
    vals = values if values is not None else args.values
    res = args.kernel.coefficients(*vals)
    shape = np.broadcast_shapes(*(np.shape(v) for v in vals))
    dtype = complex if args.complex_ else float
    return [np.broadcast_to(np.asarray(c, dtype=dtype), shape) for c in res]


def _rho_quadratic_real(T, D, disc):
    # Real poles: the larger modulus (|T| + sqrt(disc))/2 is >= sqrt(|D|) since the
    # poles multiply to D. Complex pair: the modulus is sqrt(D) >= |T|/2. So one
    # maximum covers both cases without branching.
    r = np.maximum(disc, 0.0)
    d = np.maximum(D, 0.0)
    if r.ndim == 0 or d.ndim == 0 or r.shape != d.shape:
        return np.maximum(0.5 * (np.sqrt(r) + np.abs(T)), np.sqrt(d))
    # In place: these temporaries are ours, and allocation is a good part of the cost.
    np.sqrt(r, out=r)
    r += np.abs(T)
    r *= 0.5
    np.sqrt(d, out=d)
    return np.maximum(r, d, out=r)


def _roots_quadratic(T, D, disc):
    """Both roots of z**2 - T z + D, larger modulus first, without cancellation."""
    T = np.asarray(T)
    disc = np.asarray(disc)
    if T.dtype.kind != "c" and disc.dtype.kind != "c":
        sq = np.sqrt(np.abs(disc))
        real = disc >= 0
        sign = np.where(T >= 0, 1.0, -1.0)
        big = np.where(real, 0.5 * (T + sign * sq), 0.5 * T)
        with np.errstate(divide="ignore", invalid="ignore"):
            small = np.where(big != 0, D / np.where(big != 0, big, 1.0), 0.0)
        r1 = np.where(real, big, 0.5 * T + 0.5j * sq)
        r2 = np.where(real, small, 0.5 * T - 0.5j * sq)
        return r1.astype(complex), r2.astype(complex)
    sq = np.sqrt(disc.astype(complex))
    plus, minus = 0.5 * (T + sq), 0.5 * (T - sq)
    big = np.where(np.abs(plus) >= np.abs(minus), plus, minus)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.where(big != 0, D / np.where(big != 0, big, 1.0), 0.0)
    return big, small


# --------------------------------------------------------------------------
# Scalar fast path: one point given as Python numbers
# --------------------------------------------------------------------------

class _Square:
    """``x ** _SQ`` is ``x*x``: NumPy squares an array that way, while a Python float's
    ``x**2`` goes through ``pow``, which differs in the last bit."""

    def __rpow__(self, x):
        return x * x


def _scalar_compile(args, exprs) -> Callable | None:
    """A function of Python floats returning, to the last bit, what
    ``compile_numpy(args, exprs)`` returns on 0-d arrays; None when that cannot be
    guaranteed.

    It runs the very same generated code (same common subexpressions, same order of
    operations), with ``**2`` read as ``x*x``. Only sums, products, numbers and squares
    are accepted: on those, Python floats round exactly as NumPy's array loops (other
    powers and functions may not, and a float division by zero raises).
    """
    seq = exprs if isinstance(exprs, (list, tuple)) else [exprs]
    for expr in seq:
        for node in sp.preorder_traversal(sp.sympify(expr)):
            if isinstance(node, sp.Pow):
                if node.exp != 2:
                    return None
            elif not isinstance(node, (sp.Add, sp.Mul, sp.Symbol, sp.Number)):
                return None
    f = compile_numpy(args, exprs)
    try:
        import inspect

        source = inspect.getsource(f)
    except (OSError, TypeError):
        return None
    source = re.sub(r"\*\*\s*2(?![\d.eE])", "**_SQ", source)
    namespace = dict(f.__globals__)
    namespace["_SQ"] = _Square()
    exec(compile(source, f"<momentum_dynamics scalar {f.__name__}>", "exec"), namespace)
    return namespace[f.__name__]


class _ScalarKernel(NamedTuple):
    quadratic: Callable  # floats -> (T, D, disc), as _Kernel.quadratic
    gap: Callable  # floats -> (p(1), p(-1), 2 - T, 2 + T, 1 - D), as _GapKernel


def _scalar_in_product(args, exprs) -> Callable | None:
    ip = _in_product(args, exprs)
    f = _scalar_compile(ip.args, ip.exprs)
    if f is None or not ip.product:
        return f
    uses_g, i_alpha, i_lam, others = ip.uses_g, ip.i_alpha, ip.i_lam, ip.others

    def g(*vals):
        a, lam = vals[i_alpha], vals[i_lam]
        prod = a * lam
        gap = prod - 1.0
        if uses_g and abs(gap) < 2.0**-10:
            gap += _two_product_error(a, lam)
        return f(prod, gap, *[vals[i] for i in others])

    return g


@cache
def _scalar_kernel(method: Method) -> _ScalarKernel | None:
    """Float versions of the degree-2 kernels (same forms, same operations), or None."""
    if method.order != 2 or _kernel(method).degree != 2:
        return None
    q = _quadratic_exprs(method)
    raw_e = _scalar_in_product(q.args_e, q.exprs_e)
    extras = [S.hyperparameter_symbols(method)[h] for h in method.extra_hyperparameters]

    def gap_form(args, shift):  # as _gap_kernel: ends and quad compiled apart
        ends, quad, _ = _gap_exprs(method, shift)
        fe, fq = _scalar_compile(args, ends), _scalar_compile(args, quad)
        if fe is None or fq is None:
            return None
        return lambda *v: (*fe(*v), *fq(*v))

    if not method.has_momentum:
        gap_f = gap_form([S.alpha, S.curvature, *extras], {})
        if raw_e is None or gap_f is None:
            return None
        return _ScalarKernel(raw_e, gap_f)
    raw_b = _scalar_in_product(q.args_b, q.exprs_b)
    gaps = [gap_form([S.alpha, v, S.curvature, *extras], shift)
            for v, shift in ((_e, {S.beta: 1 - _e}), (_f, {S.beta: _f - 1}), (S.beta, {}))]
    if raw_e is None or raw_b is None or None in gaps:
        return None
    gap_e, gap_f, gap_b = gaps

    def quadratic(alpha, beta, *rest):  # _choose_by_beta, per point
        if beta >= 0.5:
            return raw_e(alpha, 1.0 - beta, *rest)
        T, D = raw_b(alpha, beta, *rest)
        return T, D, T * T - 4.0 * D

    def gap(alpha, beta, *rest):  # _gap_kernel's three forms, per point
        if beta >= 0.5:
            return gap_e(alpha, 1.0 - beta, *rest)
        if beta <= -0.5:
            return gap_f(alpha, 1.0 + beta, *rest)
        return gap_b(alpha, beta, *rest)

    return _ScalarKernel(quadratic, gap)


def _is_float(x) -> bool:
    return (type(x) is float or type(x) is int) and math.isfinite(x)


def _scalar_args(method, alpha, beta, curvature, params):
    """``(method, values, scalar kernel)`` when the call is one valid point given as
    Python numbers and the method has a scalar kernel; None otherwise (the general
    path then validates, and raises its errors)."""
    if not isinstance(method, (str, Method)):
        return None
    try:
        m = get_method(method)
    except (ValueError, TypeError):
        return None
    if not (_is_float(alpha) and alpha > 0 and _is_float(curvature)):
        return None
    if m.has_momentum:
        if not (_is_float(beta) and -1.0 <= beta <= 1.0):
            return None
        vals = [float(alpha), float(beta), float(curvature)]
    else:
        if beta is not None:
            return None
        vals = [float(alpha), float(curvature)]
    extra = m.extra_hyperparameters
    if len(params) != len(extra):
        return None
    for h in extra:
        v = params.get(h, None)
        if not _is_float(v):
            return None
        vals.append(float(v))
    sk = _scalar_kernel(m)
    if sk is None:
        return None
    hid = _hidden(m)
    if hid.test is not None:  # a hidden mode that matters: the general path handles it
        try:
            if any(float(t) == 0.0 for t in hid.test(*vals)):
                return None
        except ArithmeticError:
            return None
    return m, vals, sk


def _max_nan(x: float, y: float) -> float:
    """``numpy.maximum`` of two floats: NaN if either is."""
    if x != x or y != y:
        return math.nan
    return x if x >= y else y


def _min_nan(x: float, y: float) -> float:
    """``numpy.minimum`` of two floats: NaN if either is."""
    if x != x or y != y:
        return math.nan
    return x if x <= y else y


def _scalar_rho(sk: _ScalarKernel, vals) -> float:
    """``_rho_quadratic_real`` at one point."""
    T, D, disc = sk.quadratic(*vals)
    return _max_nan(0.5 * (math.sqrt(_max_nan(disc, 0.0)) + abs(T)),
                    math.sqrt(_max_nan(D, 0.0)))


def _scalar_gap(sk: _ScalarKernel, vals) -> float:
    """``_gap_real`` at one point."""
    p1, pm1, s_plus, s_minus, one_minus_D = sk.gap(*vals)
    T, D, disc = sk.quadratic(*vals)
    sq = math.sqrt(_max_nan(disc, 0.0))

    def smaller(s, c):  # _smaller_root; s + sq > 0 where it divides
        return 2.0 * c / (s + sq) if s > 0 else 0.5 * (s - sq)

    real = _min_nan(smaller(s_plus, p1), smaller(s_minus, pm1))
    pair = one_minus_D / (1.0 + math.sqrt(_max_nan(D, 0.0)))
    return real if disc >= 0 else pair


def _scalar_poles(sk: _ScalarKernel, vals) -> np.ndarray:
    """``_roots_quadratic`` (real branch) at one point."""
    T, D, disc = sk.quadratic(*vals)
    sq = math.sqrt(abs(disc))
    real = disc >= 0
    big = 0.5 * (T + (1.0 if T >= 0 else -1.0) * sq) if real else 0.5 * T
    small = D / big if big != 0 else 0.0
    r1 = complex(big) if real else 0.5 * T + 0.5j * sq
    r2 = complex(small) if real else 0.5 * T - 0.5j * sq
    return np.array([r1, r2], dtype=complex)


# --------------------------------------------------------------------------
# Hidden modes: what the iterate does not see
# --------------------------------------------------------------------------


class _Hidden(NamedTuple):
    """Where a mode of the state is unobservable from the iterate, compiled.

    ``test`` gives the observability determinant's factors that can vanish with a
    hidden mode that could matter (None when there are none: heavy ball, Nesterov and
    EMA momentum lose observability only at ``beta = 0`` or ``alpha*lambda = 1``, where
    the hidden pole is 0 and never the largest); ``report`` gives all its factors.
    For two states, on ``A[0, 1] = 0`` the observable pole is ``A[0, 0]``; ``pole``,
    ``one_minus`` and ``one_plus`` compile it, ``1 - A[0,0]`` and ``1 + A[0,0]``
    (expanded, for the gap) and ``hidden`` the hidden pole ``A[1, 1]``. For more
    states ``A`` compiles the state matrix.
    """

    order: int
    test: Callable | None
    report: Callable | None
    pole: Callable | None
    one_minus: Callable | None
    one_plus: Callable | None
    hidden: Callable | None
    A: Callable | None


def _state_args(method: Method) -> list[sp.Symbol]:
    syms = S.hyperparameter_symbols(method)
    extras = [syms[h] for h in method.extra_hyperparameters]
    return [S.alpha, *([S.beta] if method.has_momentum else []), S.curvature, *extras]


def _harmless(factor: sp.Expr, hidden_pole: sp.Expr, args) -> bool:
    """Whether on ``factor = 0`` the hidden pole is identically 0 (or the factor cannot
    vanish: alpha > 0 is enforced), so that dropping the mode never changes the rate."""
    if factor == S.alpha:
        return True
    for v in args:
        if factor.has(v) and sp.degree(factor, v) == 1:
            sols = sp.solve(factor, v)
            return bool(sols) and all(sp.simplify(hidden_pole.subs(v, r)) == 0 for r in sols)
    return False


@cache
def _hidden(method: Method) -> _Hidden:
    A, _, C, _ = S.state_space(method)
    n = A.shape[0]
    args = _state_args(method)
    if n == 1:
        return _Hidden(1, None, None, None, None, None, None, None)
    O = sp.Matrix.vstack(*[C * A**i for i in range(n)])
    det = sp.factor(sp.expand(O.det()))
    factors = [f for f, _ in sp.factor_list(det)[1] if f.free_symbols]
    if not factors:  # observable for every parameter value
        return _Hidden(n, None, None, None, None, None, None, None)
    report = compile_numpy(args, factors)
    if n != 2 or list(C) != [1, 0]:
        return _Hidden(n, report, report, None, None, None, None,
                       compile_numpy(args, A.tolist()))
    risky = [f for f in factors if not _harmless(f, A[1, 1], args)]
    pole = A[0, 0]
    return _Hidden(2, compile_numpy(args, risky) if risky else None, report,
                   compile_numpy(args, pole), compile_numpy(args, sp.expand(1 - pole)),
                   compile_numpy(args, sp.expand(1 + pole)), compile_numpy(args, A[1, 1]), None)


def _vanishes(func: Callable, vals, shape) -> np.ndarray:
    """Where any of the compiled factors is exactly zero."""
    out = np.zeros(shape, dtype=bool)
    for f in func(*vals):
        out |= np.broadcast_to(np.asarray(f) == 0, shape)
    return out


def _observable_poles_generic(hid: _Hidden, vals, shape, complex_: bool) -> np.ndarray:
    """Poles of the observable part at each point (NaN padding), for three or more
    states: with ``Q`` an orthonormal basis of the observability matrix's row space
    (the orthogonal complement of the A-invariant unobservable subspace), they are the
    eigenvalues of ``Q^T A Q``."""
    n = hid.order
    dtype = complex if complex_ else float
    As = np.empty((*shape, n, n), dtype=dtype)
    for i, row in enumerate(hid.A(*vals)):
        for j, entry in enumerate(row):
            As[..., i, j] = np.broadcast_to(entry, shape)
    out = np.full((*shape, n), complex(np.nan, np.nan))
    for idx in np.ndindex(*shape):
        A = As[idx]
        O = np.vstack([np.linalg.matrix_power(A, i)[0] for i in range(n)])
        _, sv, vt = np.linalg.svd(O)
        r = int(np.sum(sv > 1e-12 * max(sv[0], 1e-300)))
        Q = vt[:r].conj().T
        ev = np.linalg.eigvals(Q.conj().T @ A @ Q)
        out[idx][:r] = ev[np.argsort(-np.abs(ev), kind="stable")]
    return out


def _hidden_mask(args: _Args) -> tuple[_Hidden, np.ndarray | None]:
    """The method's hidden-mode data and where a mode that matters is hidden (None when
    it never is: the generic methods pay nothing)."""
    hid = _hidden(args.method)
    if hid.test is None:
        return hid, None
    mask = _vanishes(hid.test, args.values, args.shape)
    return hid, (mask if mask.any() else None)


@fill_doc()
def hidden_modes(method, alpha, beta=None, curvature=None, **hyperparameters):
    """Poles of the state matrix that the iterate never sees (unobservable modes).

    A mode is hidden where the observability matrix
    :math:`[C; CA; \\dots; CA^{n-1}]` of ``(A, C)``, ``C`` selecting the iterate
    :math:`x`, is singular: its state moves, but :math:`x_t = C A^t s_0` does not
    contain it. Its determinant is derived from the update rule
    (:func:`momentum_dynamics.symbolic.state_space`) and a mode is hidden where it
    vanishes *exactly* at the given numbers. For two states it is :math:`A_{01}`:
    quasi-hyperbolic momentum (Ma & Yarats 2019) at ``nu = 0`` is plain GD with a
    velocity that is computed and never used (hidden pole ``beta``); heavy ball at
    ``beta = 0`` hides a pole at 0.

    :func:`spectral_radius`, :func:`convergence_gap`, :func:`is_stable`,
    :func:`damping_regime` and :func:`convergence_rate` describe the observable part
    (what the iterate does), and :func:`momentum_dynamics.lti.to_transfer_function`
    cancels the hidden pole; :func:`poles` still lists every eigenvalue of ``A``.

    %(point_parameters)s

    Returns
    -------
    ndarray of complex, shape ``broadcast_shape + (order,)``
        The hidden poles first, by decreasing modulus; the remaining entries NaN (all
        NaN where every mode is observable).

    See Also
    --------
    poles, spectral_radius, momentum_dynamics.lti.to_statespace

    Examples
    --------
    >>> from momentum_dynamics import register_method, unregister_method
    >>> def qhm(x, v, grad, alpha, beta, nu):
    ...     g = grad(x)
    ...     v = beta * v + (1 - beta) * g
    ...     return x - alpha * ((1 - nu) * g + nu * v), v
    >>> _ = register_method(qhm, overwrite=True)
    >>> hidden_modes("qhm", 0.1, 0.9, 1.0, nu=[0.0, 0.5])[:, 0].real  # the velocity's pole
    array([0.9, nan])
    >>> spectral_radius("qhm", 0.1, 0.9, 1.0, nu=0.0)  # GD's 1 - alpha*lambda, not beta
    0.9
    >>> unregister_method("qhm")
    """
    args = _prepare(method, alpha, beta, curvature, hyperparameters)
    hid = _hidden(args.method)
    n = args.method.order
    out = np.full((*args.shape, n), complex(np.nan, np.nan))
    if hid.report is None:
        return out
    mask = _vanishes(hid.report, args.values, args.shape)
    if not mask.any():
        return out
    if hid.order == 2:
        h = np.broadcast_to(np.asarray(hid.hidden(*args.values), complex), args.shape)
        out[..., 0] = np.where(mask, h, complex(np.nan, np.nan))
        return out
    vals = [np.broadcast_to(v, args.shape)[mask] for v in args.values]
    seen = _observable_poles_generic(hid, vals, (int(mask.sum()),), args.complex_)
    allp = _poles_of(args._replace(values=vals, shape=(int(mask.sum()),)))
    for pos, p_all, p_seen in zip(np.argwhere(mask), allp, seen, strict=True):
        rest = list(p_all)  # all poles less the observable ones: the hidden ones
        for z in p_seen[~np.isnan(p_seen)]:
            rest.pop(int(np.argmin(np.abs(np.array(rest) - z))))
        rest.sort(key=lambda z: -abs(z))
        out[tuple(pos)][: len(rest)] = rest
    return out


# --------------------------------------------------------------------------
# Poles and spectral radius
# --------------------------------------------------------------------------


def _poles_of(args: _Args) -> np.ndarray:
    k = args.kernel
    if k.degree == 1:
        (a0,) = _coeff_arrays(args)
        return (-a0)[..., None].astype(complex)
    if k.degree == 2:
        T, D, disc = (np.asarray(v) for v in k.quadratic(*args.values))
        if args.complex_:
            T, D, disc = (v.astype(complex) for v in (T, D, disc))
        T, D, disc = np.broadcast_arrays(T, D, disc)
        r1, r2 = _roots_quadratic(T, D, disc)
        return np.stack([r1, r2], axis=-1)
    return _poles_higher(args)


_SMALL = 8192  # points per inner block of the order-3/4 kernels: their temporaries stay in cache


def _in_small_blocks(func: Callable, vals, tail: tuple, dtype=float) -> np.ndarray:
    """``func(list of 1-d value arrays) -> array (m, *tail)`` over the broadcast
    ``vals`` in blocks of ``_SMALL`` points (``_run``'s blocks are larger than the
    cache for the many temporaries of the cubic and quartic solvers)."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in vals))
    size = math.prod(shape)
    flat = [np.broadcast_to(v, shape).reshape(-1) for v in vals]
    out = np.empty((size, *tail), dtype=dtype)
    for lo in range(0, size, _SMALL):
        out[lo:lo + _SMALL] = func([v[lo:lo + _SMALL] for v in flat])
    return out.reshape(shape + tail)


def _poles_higher(args: _Args) -> np.ndarray:
    """Poles for three or more states, in blocks: degree 3 and 4 with real coefficients
    by the vectorised factorisations of :mod:`._polyroots` (no companion matrices),
    otherwise batched eigenvalues of companion matrices."""
    n = args.kernel.degree
    real34 = n in (3, 4) and not args.complex_
    solve = _polyroots.real_roots34 if real34 else _polyroots.companion_roots

    def f(*vals):
        r = _in_small_blocks(lambda v: solve(_coeff_arrays(args, v)), vals, (n,), complex)
        return tuple(r[..., i] for i in range(n))

    cols = _run(f, args.values, args.shape, [complex] * n)
    return np.stack(cols, axis=-1)


@fill_doc()
def poles(method, alpha, beta=None, curvature=None, **hyperparameters):
    """Poles (eigenvalues of the state matrix) for each parameter point.

    All eigenvalues, including any the iterate never sees; :func:`hidden_modes` tells
    which those are.

    Parameters
    ----------
    %(method)s
    %(alpha_beta)s
    curvature : array_like
        Hessian eigenvalue :math:`\\lambda`, real (any sign) or complex.
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    ndarray of complex, shape ``broadcast_shape + (order,)``
        Sorted by decreasing modulus.

    See Also
    --------
    spectral_radius : the largest observable modulus.
    momentum_dynamics.symbolic.poles : the closed forms.

    Examples
    --------
    >>> poles("heavy_ball", alpha=0.25, beta=0.25, curvature=1.0)
    array([0.5+0.j, 0.5+0.j])
    """
    if (game := _game(method)) is not None:
        from . import _games
        return _games.poles(game, alpha, beta, curvature, hyperparameters)
    fast = _scalar_args(method, alpha, beta, curvature, hyperparameters)
    if fast is not None:
        return _scalar_poles(fast[2], fast[1])
    args = _prepare(method, alpha, beta, curvature, hyperparameters)
    vals = [np.broadcast_to(v, args.shape) for v in args.values]
    return _poles_of(args._replace(values=vals))


@fill_doc()
def spectral_radius(method, alpha, beta=None, curvature=None, **hyperparameters):
    """Largest pole modulus: the asymptotic linear rate on curvature ``lambda``.

    .. math:: \\rho = \\max_i |z_i|, \\qquad \\|x_t - x^*\\| = O(t^{m-1}\\rho^t)

    The maximum runs over the poles the iterate sees: where a mode is hidden
    (unobservable from ``x``, see :func:`hidden_modes`; e.g. QHM's velocity at
    ``nu = 0``) the radius is the observable part's, the rate a simulation shows.

    %(point_parameters)s

    Returns
    -------
    float or ndarray
        :math:`\\rho`; the broadcast shape.

    See Also
    --------
    convergence_gap : :math:`1 - \\rho` without cancellation.
    poles : all the poles.

    Examples
    --------
    >>> spectral_radius("heavy_ball", alpha=0.1, beta=0.9, curvature=1.0)
    0.9486832980505138
    >>> spectral_radius("gd", alpha=[0.5, 1.0, 2.5], curvature=1.0)
    array([0.5, 0. , 1.5])
    """
    if (game := _game(method)) is not None:
        from . import _games
        return _games.spectral_radius(game, alpha, beta, curvature, hyperparameters)
    fast = _scalar_args(method, alpha, beta, curvature, hyperparameters)
    if fast is not None:
        return _scalar_rho(fast[2], fast[1])
    args = _prepare(method, alpha, beta, curvature, hyperparameters)
    k = args.kernel
    if k.degree == 2 and not args.complex_:
        fused = _fused_rho(args.method) if math.prod(args.shape) >= _FUSED_MIN else None
        if fused is not None:
            (out,) = _run(fused, args.values, args.shape, [float])
        else:
            def f(*vals):
                return (_rho_quadratic_real(*k.quadratic(*vals)),)

            (out,) = _run(f, args.values, args.shape, [float])
    elif k.degree == 1:
        def f1(*vals):
            (a0,) = k.coefficients(*vals)
            return (np.abs(a0),)

        (out,) = _run(f1, args.values, args.shape, [float])
    elif k.degree in (3, 4) and not args.complex_:
        def f34(*vals):
            return (_in_small_blocks(
                lambda v: _polyroots.real_radius34(_coeff_arrays(args, v)), vals, ()),)

        (out,) = _run(f34, args.values, args.shape, [float])
    else:
        p = _poles_of(args._replace(values=[np.broadcast_to(v, args.shape)
                                            for v in args.values]))
        out = np.abs(p[..., 0])
    return to_output(_observable_radius(args, out))


def _observable_radius(args: _Args, rho: np.ndarray) -> np.ndarray:
    """Replace the radius by the observable part's where a mode is hidden."""
    hid, mask = _hidden_mask(args)
    if mask is None:
        return rho
    rho = np.array(rho, dtype=float)
    if hid.order == 2:
        seen = np.abs(np.broadcast_to(np.asarray(hid.pole(*args.values)), args.shape))
        rho[mask] = seen[mask]
        return rho
    vals = [np.broadcast_to(v, args.shape)[mask] for v in args.values]
    seen = _observable_poles_generic(hid, vals, (int(mask.sum()),), args.complex_)
    rho[mask] = np.nanmax(np.abs(seen), axis=-1)
    return rho


# --------------------------------------------------------------------------
# The gap 1 - rho, without cancellation
# --------------------------------------------------------------------------


class _GapKernel(NamedTuple):
    ends: Callable  # -> (p(1), p(-1)) of the monic characteristic polynomial
    quadratic: Callable | None  # -> (2 - T, 2 + T, 1 - D) for degree 2


def _gap_exprs(method: Method, shift: dict) -> tuple[list, list, int]:
    """``[p(1), p(-1)]`` and, for degree 2, ``[2 - T, 2 + T, 1 - D]`` of the monic
    characteristic polynomial ``z**2 - T z + D``, expanded after substituting ``shift``
    (``beta -> 1 - e`` or ``beta -> f - 1``) so that their constant terms cancel exactly
    in SymPy and never in floating point."""
    poly = sp.Poly(S.characteristic_polynomial(method), S.z)
    coeffs = [sp.expand(c.subs(shift)) for c in poly.all_coeffs()]
    coeffs = [sp.expand(c / coeffs[0]) for c in coeffs]
    n = len(coeffs) - 1
    ends = [sp.expand(sum(coeffs)),
            sp.expand(sum(c * (-1) ** (n - i) for i, c in enumerate(coeffs)))]
    quad = []
    if n == 2:
        _, a1, a0 = coeffs
        quad = [sp.expand(2 + a1), sp.expand(2 - a1), sp.expand(1 - a0)]
    return ends, quad, n


_f = sp.Symbol("f", real=True)  # 1 + beta


@cache
def _gap_kernel(method: Method) -> _GapKernel:
    extras = [S.hyperparameter_symbols(method)[h] for h in method.extra_hyperparameters]
    if not method.has_momentum:
        ends, quad, n = _gap_exprs(method, {})
        args = [S.alpha, S.curvature, *extras]
        return _GapKernel(compile_numpy(args, ends), compile_numpy(args, quad) if n == 2 else None)
    # Three forms, each exact where it is used: in e = 1 - beta for beta >= 1/2 (the
    # constants cancel in SymPy as beta -> 1), in f = 1 + beta for beta <= -1/2 (as
    # beta -> -1), in beta itself between. 1 - beta and 1 + beta are exact in floating
    # point on those ranges (Sterbenz).
    forms = [_gap_exprs(method, shift) for shift in ({S.beta: 1 - _e}, {S.beta: _f - 1}, {})]
    n = forms[0][2]
    variables = (_e, _f, S.beta)
    arg_lists = [[S.alpha, v, S.curvature, *extras] for v in variables]

    def chosen(part):
        fe, ff, fb = (compile_numpy(a, form[part])
                      for a, form in zip(arg_lists, forms, strict=True))

        def f(alpha, beta, *rest):
            high, low = np.asarray(beta >= 0.5), np.asarray(beta <= -0.5)
            if high.all():
                return fe(alpha, 1.0 - beta, *rest)
            if low.all():
                return ff(alpha, 1.0 + beta, *rest)
            out = fb(alpha, beta, *rest)
            if high.any():
                out = [np.where(high, x, y) for x, y in zip(fe(alpha, 1.0 - beta, *rest), out,
                                                            strict=True)]
            if low.any():
                out = [np.where(low, x, y) for x, y in zip(ff(alpha, 1.0 + beta, *rest), out,
                                                           strict=True)]
            return tuple(out)

        return f

    return _GapKernel(chosen(0), chosen(1) if n == 2 else None)


def _smaller_root(s, c, sq):
    """Smaller root of ``w**2 - s w + c`` with real roots, ``sq = sqrt(discriminant)``.

    ``(s - sq)/2`` cancels when ``s > 0``; there ``2c/(s + sq)`` (same value, the roots
    multiply to ``c``) is used instead.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = 2.0 * c / (s + sq)
    return np.where(s > 0, pos, 0.5 * (s - sq))


def _gap_real(k: _Kernel, g: _GapKernel, vals) -> tuple[np.ndarray]:
    p1, pm1 = (np.asarray(v, float) for v in g.ends(*vals))
    if k.degree == 1:
        # z + a0 = z - r: 1 - r = p(1) and 1 + r = -p(-1); 1 - |r| is the smaller.
        return (np.minimum(p1, -pm1),)
    T, D, disc = (np.asarray(v, float) for v in k.quadratic(*vals))
    s_plus, s_minus, one_minus_D = (np.asarray(v, float) for v in g.quadratic(*vals))
    sq = np.sqrt(np.maximum(disc, 0.0))
    # Real poles r_i: 1 - r_i are the roots of p(1 - w) = w**2 - (2 - T) w + p(1), and
    # 1 + r_i those of p(u - 1) = u**2 - (2 + T) u + p(-1); 1 - max|r_i| is the smallest
    # of the four, each from its own exact coefficients.
    real = np.minimum(_smaller_root(s_plus, p1, sq), _smaller_root(s_minus, pm1, sq))
    # Complex pair: |r|**2 = D, and 1 - sqrt(D) = (1 - D) / (1 + sqrt(D)).
    with np.errstate(invalid="ignore"):
        pair = one_minus_D / (1.0 + np.sqrt(np.maximum(D, 0.0)))
    return (np.where(disc >= 0, real, pair),)


@fill_doc()
def convergence_gap(method, alpha, beta=None, curvature=None, **hyperparameters):
    """The gap :math:`1 - \\rho` to the unit circle, accurate when ``rho`` rounds to 1.

    :math:`1 - \\rho` is the progress per step (:math:`\\rho^t = e^{t \\log(1 - \\text{gap})}`);
    computing it as ``1 - spectral_radius(...)`` loses every digit when the radius is
    within a few ulps of 1 (tiny ``alpha*lambda``, ``beta`` near 1, large condition
    numbers). Here it comes from the characteristic polynomial :math:`p` directly:

    - one real pole :math:`r`: :math:`1 - r = p(1)`, :math:`1 + r = -p(-1)`;
    - two real poles: :math:`1 - r_i` are the roots of
      :math:`p(1 - w) = w^2 - (2 - T) w + p(1)` (and :math:`1 + r_i` those of
      :math:`p(u - 1)`), taken by the cancellation-free quadratic formula;
    - a complex pair of modulus :math:`\\sqrt D`:
      :math:`1 - \\sqrt D = (1 - D)/(1 + \\sqrt D)`,

    where :math:`p(\\pm 1)`, :math:`2 \\mp T` and :math:`1 - D` are expanded exactly in
    SymPy (in ``1 - beta`` for ``beta >= 1/2``) before any number enters, so their
    constant terms cancel exactly. For real curvature and one or two states the result
    is accurate to a few units of relative rounding (away from a double pole, whose
    conditioning is the problem's own); complex curvature and three or more states
    fall back to ``1 - spectral_radius(...)``.

    Negative where the method is unstable; 0 on the stability boundary.

    %(point_parameters)s

    Returns
    -------
    float or ndarray
        :math:`1 - \\rho`.

    See Also
    --------
    spectral_radius, is_stable, iterations_to_tolerance

    Examples
    --------
    >>> convergence_gap("gd", alpha=0.02, curvature=1e-15)  # 1 - rho = alpha*lambda
    2e-17
    >>> 1 - spectral_radius("gd", alpha=0.02, curvature=1e-15)
    0.0
    """
    fast = _scalar_args(method, alpha, beta, curvature, hyperparameters)
    if fast is not None:
        return _scalar_gap(fast[2], fast[1])
    args = _prepare(method, alpha, beta, curvature, hyperparameters)
    k = args.kernel
    if args.complex_ or k.degree > 2:
        return to_output(1.0 - np.asarray(spectral_radius(method, alpha, beta, curvature,
                                                          **hyperparameters)))
    g = _gap_kernel(args.method)
    (out,) = _run(lambda *vals: _gap_real(k, g, vals), args.values, args.shape, [float])
    hid, mask = _hidden_mask(args)
    if mask is not None:
        # the observable part is the single real pole A[0, 0]: 1 - |r| from the
        # expanded 1 - A[0, 0] and 1 + A[0, 0], as for one state
        lo, hi = (np.broadcast_to(np.asarray(f(*args.values), float), args.shape)
                  for f in (hid.one_minus, hid.one_plus))
        out = np.where(mask, np.minimum(lo, hi), out)
    return to_output(out)


@fill_doc()
def is_stable(method, alpha, beta=None, curvature=None, **hyperparameters):
    """Whether all poles lie strictly inside the unit circle.

    Decided by the sign of :func:`convergence_gap`, so a stable point whose spectral
    radius rounds to 1 (``alpha*lambda = 1e-15``, say) is still reported stable; for
    three- and four-state methods at real curvature, by the Schur-Cohn conditions
    (:func:`momentum_dynamics.symbolic.stability_conditions`; ``p(1)`` and ``p(-1)``
    in their exact expanded forms), without computing a pole. Only
    the modes the iterate sees count (see :func:`hidden_modes`): QHM at ``nu = 0`` is
    stable with ``beta = 1``, its unused velocity's pole.

    %(point_parameters)s

    Returns
    -------
    bool or ndarray of bool
        True where every observable pole has modulus < 1; the broadcast shape.

    See Also
    --------
    convergence_gap : ``1 - rho``, whose sign decides.
    momentum_dynamics.symbolic.stability_conditions : the exact conditions.

    Examples
    --------
    >>> is_stable("heavy_ball", alpha=1.0, beta=0.5, curvature=[2.9, 3.1])
    array([ True, False])
    >>> bool(is_stable("gd", alpha=0.02, curvature=1e-15))
    True
    """
    if (game := _game(method)) is not None:
        from . import _games
        return _games.is_stable(game, alpha, beta, curvature, hyperparameters)
    fast = _scalar_args(method, alpha, beta, curvature, hyperparameters)
    if fast is not None:
        rho = _scalar_rho(fast[2], fast[1])
        if abs(rho - 1.0) > 2.0**-16:
            return rho < 1.0
        return _scalar_gap(fast[2], fast[1]) > 0.0
    args = _prepare(method, alpha, beta, curvature, hyperparameters)
    if args.kernel.degree in (3, 4) and not args.complex_:
        return to_output(_schur_cohn_stable(args))
    rho = np.asarray(spectral_radius(method, alpha, beta, curvature, **hyperparameters))
    # The radius is accurate to far better than 2**-16 (about sqrt(eps) at a double
    # pole, 1e-14 elsewhere), so its comparison with 1 is safe outside that band; the
    # gap, which costs more, decides the points inside it (and NaN).
    near = ~(np.abs(rho - 1.0) > 2.0**-16)
    out = rho < 1.0
    if near.any():
        vals = {name: np.broadcast_to(v, args.shape)[near]
                for name, v in zip(args.kernel.variables, args.values, strict=True)}
        out = np.array(out, copy=True)
        out[near] = np.asarray(convergence_gap(args.method, **vals)) > 0.0
    return to_output(out)


def _schur_cohn_stable(args: _Args) -> np.ndarray:
    """Stability of three- and four-state methods at real points from the Schur-Cohn
    conditions (no roots), in blocks: ``p(1) > 0`` and ``(-1)**n p(-1) > 0`` from the
    method's exact expanded forms (so tiny ``alpha*lambda`` is decided right), the
    reduction's determinants from the coefficients. Where a mode is hidden, the
    observable part's radius decides instead."""
    n = args.kernel.degree
    conditions = _polyroots.schur_cohn_conditions(n)
    ends = _gap_kernel(args.method).ends
    sign = -1.0 if n % 2 else 1.0

    def small(v):
        p1, pm1 = ends(*v)
        ok = (np.asarray(p1) > 0.0) & (sign * np.asarray(pm1) > 0.0)
        for g in conditions(*_coeff_arrays(args, v)):
            ok = ok & (np.asarray(g) > 0.0)
        return ok

    def f(*vals):
        return (_in_small_blocks(small, vals, (), bool),)

    with np.errstate(all="ignore"):
        (out,) = _run(f, args.values, args.shape, [bool])
    hid, mask = _hidden_mask(args)
    if mask is not None:
        vals = [np.broadcast_to(v, args.shape)[mask] for v in args.values]
        seen = _observable_poles_generic(hid, vals, (int(mask.sum()),), args.complex_)
        out[mask] = np.nanmax(np.abs(seen), axis=-1) < 1.0
    return out


def damping_regime(method, alpha, beta=None, curvature=None, *, rtol=1e-12, **hyperparameters):
    """Damping regime: ``"underdamped"``, ``"critical"``, ``"overdamped"`` or ``"unstable"``.

    For two-state methods the regime is the sign of the discriminant (complex pair,
    double pole, two real poles) when the method is stable. The discriminant counts
    as zero when ``|disc| <= rtol * s`` with ``s`` the sum of the absolute values
    of its terms (the scale of its rounding error), or when it changes sign as beta
    moves by 8 units in the last place (the rounding of beta itself, which matters
    for small ``alpha*lambda``, where the critical beta is close to 1). A one-state
    method (GD) has a single real pole: stable means ``"overdamped"`` (a negative pole alternates in
    sign but does not oscillate in the complex-pair sense; see :func:`poles`). For
    higher orders the regime is read from the dominant pole (complex:
    underdamped, repeated: critical, real: overdamped).

    Curvature must be real.

    Parameters
    ----------
    method, alpha, beta, curvature, **hyperparameters
        As in :func:`poles` (real curvature); all broadcast together.
    rtol : float
        Relative tolerance, >= 0, under which the discriminant counts as zero.

    Returns
    -------
    str or ndarray of str
        One of the four regime names per parameter point; the broadcast shape.

    See Also
    --------
    momentum_dynamics.symbolic.discriminant : the exact discriminant.
    critical_beta : the momentum of the ``"critical"`` regime.

    Examples
    --------
    >>> damping_regime("heavy_ball", alpha=0.25, beta=[0.1, 0.25, 0.9, 1.0], curvature=1.0)
    array(['overdamped', 'critical', 'underdamped', 'unstable'], dtype='<U11')
    """
    args = _prepare(method, alpha, beta, curvature, hyperparameters, allow_complex=False)
    rtol = as_real_array(rtol, "rtol")
    if rtol.ndim or rtol < 0:
        raise ValueError(f"rtol must be a scalar >= 0; got {rtol!r}")
    rtol = float(rtol)
    k = args.kernel
    out = np.empty(args.shape, dtype="<U11")
    gap = np.asarray(convergence_gap(method, alpha, beta, curvature, **hyperparameters))
    if k.degree == 1:
        out[...] = "overdamped"
    elif k.degree == 2:
        disc = np.broadcast_to(np.asarray(k.quadratic(*args.values)[2], float), args.shape)
        scale = np.broadcast_to(np.asarray(k.disc_scale(*args.values), float), args.shape)
        near_zero = np.abs(disc) <= rtol * scale
        if k.method.has_momentum:
            vals = list(args.values)
            b = np.asarray(vals[1], float)
            ulps = 8 * np.spacing(np.abs(b))
            vals[1] = b - ulps
            lo = np.asarray(k.quadratic(*vals)[2], float)
            vals[1] = b + ulps
            hi = np.asarray(k.quadratic(*vals)[2], float)
            near_zero = near_zero | np.broadcast_to(lo * hi <= 0, args.shape)
        out[...] = np.where(near_zero, "critical",
                            np.where(disc < 0, "underdamped", "overdamped"))
    else:
        p = _poles_of(args._replace(values=[np.broadcast_to(v, args.shape) for v in args.values]))
        dom = p[..., 0]
        tol = rtol * np.maximum(np.abs(dom), 1e-300)
        repeated = np.abs(p[..., 1] - dom) <= np.sqrt(tol)
        out[...] = np.where(np.abs(dom.imag) > tol, "underdamped",
                            np.where(repeated, "critical", "overdamped"))
    hid, hidden = _hidden_mask(args)
    if hidden is not None and hid.order == 2:
        out[hidden] = "overdamped"  # the iterate sees one real pole, A[0, 0]
    out[gap <= 0.0] = "unstable"  # the gap, not rho < 1: rho rounds to 1 for tiny steps
    return out.item() if out.ndim == 0 else out


# --------------------------------------------------------------------------
# Critical damping and effective learning rate
# --------------------------------------------------------------------------


def _critical_inputs(method, alpha, curvature, params):
    m = get_method(method)
    if not m.has_momentum:
        raise ValueError(
            f"method {m.name!r} has no momentum parameter beta; critical damping is "
            "defined for methods with one"
        )
    a = check_alpha(alpha)
    lam = check_curvature(curvature, allow_complex=False)
    extra = check_hyperparameters(m, params)
    shape = broadcast((a, "alpha"), (lam, "curvature"), *[(v, k) for k, v in extra.items()])
    k = _critical_kernel(m)
    if k.error is not None:
        raise ValueError(k.error)
    h = a * lam
    with np.errstate(invalid="ignore"):
        s = np.where(h > 0, np.sqrt(np.abs(h)), np.nan)
    return m, k, a, lam, s, [extra[x] for x in m.extra_hyperparameters], shape


def critical_beta(method, alpha, curvature, *, branches="default", **hyperparameters):
    """Momentum that makes the poles a stable double pole (exact, discrete time).

    For heavy ball and Nesterov, with :math:`s = \\sqrt{\\alpha\\lambda}`:

    .. math::

        \\beta_c^{\\mathrm{HB}} = (1 - s)^2, \\qquad
        \\beta_c^{\\mathrm{NAG}} = \\frac{1 - s}{1 + s},

    both with the double pole :math:`1 - s`, stable for :math:`0 < \\alpha\\lambda < 4`.
    The candidates are the real solutions in [-1, 1] of ``discriminant = 0``; a
    candidate counts when its double pole is stable and, for methods with more than
    two states, dominant (no other pole is larger). Two-state methods use the closed
    forms of :func:`momentum_dynamics.symbolic.critical_beta`; for more states (e.g.
    aggregated momentum, Lucas et al. 2019) or a discriminant of high degree in
    beta, the discriminant's coefficients in beta are evaluated at each point and
    its real roots found numerically (eigenvalues of its companion matrix, polished
    by Newton steps).

    Parameters
    ----------
    method : str or Method
        A method with momentum.
    alpha : array_like
        Learning rate, > 0.
    curvature : array_like
        Curvature lambda, real.
    branches : {"default", "all"}
        ``"default"``: one value per point, the candidate with the smallest spectral
        radius. ``"all"``: every candidate, along a trailing axis sorted ascending and
        padded with NaN; its length is the number of stable closed-form branches (two
        for QHM, one for heavy ball), or the degree of the discriminant in beta.
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    float or ndarray
        NaN where no such momentum exists: ``alpha*lambda <= 0`` (negative or zero
        curvature) or ``alpha*lambda`` too large (``>= 4`` for heavy ball and
        Nesterov). For ``1 < alpha*lambda < 4`` the double pole is negative (iterates
        alternate in sign); for Nesterov the momentum is then negative.

    Raises
    ------
    ValueError
        For a method without momentum or one whose discriminant does not depend on
        beta, for an unknown ``branches``, and for bad input.

    See Also
    --------
    continuous_critical_beta : the small-step approximation.
    momentum_dynamics.symbolic.critical_beta : the closed forms.

    Examples
    --------
    >>> critical_beta("heavy_ball", alpha=0.01, curvature=1.0)
    0.81
    >>> critical_beta("heavy_ball", alpha=0.01, curvature=[-1.0, 500.0])
    array([nan, nan])
    >>> critical_beta("heavy_ball", alpha=0.01, curvature=[1.0, 2.0], branches="all").shape
    (2, 1)
    """
    if branches not in ("default", "all"):
        raise ValueError(f"branches must be 'default' or 'all'; got {branches!r}")
    m, k, a, lam, s, extras, shape = _critical_inputs(method, alpha, curvature,
                                                     hyperparameters)
    if k.polynomial is not None:
        betas, rho = _critical_by_roots(m, k, a, lam, extras, shape)
        if branches == "all":
            return np.sort(betas, axis=-1)
        best = np.take_along_axis(betas, np.argmin(rho, axis=-1)[..., None], axis=-1)
        return to_output(best[..., 0])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        flat = k.branches(a, s.astype(complex), *extras)
        found, moduli = [], []
        for b, p in zip(flat[::2], flat[1::2], strict=True):
            b = np.broadcast_to(np.asarray(b, complex), shape)
            p = np.broadcast_to(np.asarray(p, complex), shape)
            ok = ((np.abs(b.imag) <= 1e-12 * np.maximum(1, np.abs(b.real)))
                  & (b.real >= -1) & (b.real <= 1) & (np.abs(p) < 1) & np.isfinite(b.real))
            found.append(np.where(ok, b.real, np.nan))
            moduli.append(np.where(ok, np.abs(p), np.inf))
    betas, mods = np.stack(found, axis=-1), np.stack(moduli, axis=-1)
    if branches == "all":
        return np.sort(betas, axis=-1)
    # argmin takes the first of equal moduli: the default branch comes first.
    best = np.take_along_axis(betas, np.argmin(mods, axis=-1)[..., None], axis=-1)
    return to_output(best[..., 0])


@fill_doc()
def continuous_critical_beta(method, alpha, curvature, **hyperparameters):
    """Small-step (continuous-time) approximation of the critical momentum.

    The leading-order term of :func:`critical_beta` as :math:`\\alpha\\lambda \\to 0`,
    derived by series expansion. For heavy ball and Nesterov it is the
    damping-ratio-one condition :math:`\\zeta = (1-\\beta)/(2\\sqrt{\\alpha\\lambda}) = 1`:

    .. math:: \\beta_c \\approx 1 - 2\\sqrt{\\alpha\\lambda},

    which differs from the exact heavy-ball value :math:`(1-\\sqrt{\\alpha\\lambda})^2` by
    exactly :math:`\\alpha\\lambda`. NaN where ``alpha*lambda <= 0``. The
    approximation can fall below -1 or give an unstable setting for large
    ``alpha*lambda``; it is returned as computed (it is an approximation).

    Parameters
    ----------
    method : str or Method
        A method with a closed-form critical branch.
    alpha : array_like
        Learning rate, > 0.
    curvature : array_like
        Hessian eigenvalue :math:`\\lambda`, real.
    %(hyperparameters)s

    Returns
    -------
    float or ndarray
        The approximate critical momentum; NaN where ``alpha*lambda <= 0``.

    See Also
    --------
    critical_beta : the exact critical momentum.
    momentum_dynamics.symbolic.CriticalBeta : its ``continuous`` field, the formula.

    Raises
    ------
    ValueError
        For a method without a closed-form critical branch (more than two states,
        or a discriminant of high degree in beta): the expansion needs one.

    Examples
    --------
    >>> continuous_critical_beta("heavy_ball", alpha=0.01, curvature=1.0)
    0.8
    """
    m, k, a, _, s, extras, shape = _critical_inputs(method, alpha, curvature, hyperparameters)
    if k.continuous is None:
        raise ValueError(
            f"method {m.name!r} has no closed-form critical momentum (more than two states "
            "or a discriminant of high degree in beta), so no small-step expansion; "
            "use critical_beta"
        )
    with np.errstate(invalid="ignore"):
        out = np.broadcast_to(np.asarray(k.continuous(a, s, *extras), float), shape)
    return to_output(np.where(np.isnan(s), np.nan, out))


@cache
def _elr_function(method: Method):
    syms = S.hyperparameter_symbols(method)
    expr = S.effective_learning_rate(method)
    return compile_numpy([syms[h] for h in method.hyperparameters], expr)


@fill_doc()
def effective_learning_rate(method, alpha, beta=None, **hyperparameters):
    """Steady-state step per unit of a constant gradient (the terminal velocity).

    .. math:: \\eta_{\\mathrm{eff}} = \\frac{\\alpha}{1 - \\beta}
              \\quad\\text{(heavy ball, Nesterov)},\\qquad \\alpha \\quad\\text{(EMA, GD)}

    NaN where ``|beta| = 1``: there is no steady state (at ``beta = 1`` the heavy-ball
    velocity grows without bound and the EMA velocity never moves; at ``beta = -1``
    the step alternates).

    Parameters
    ----------
    %(method)s
    %(alpha_beta)s
    %(hyperparameters)s

    Returns
    -------
    float or ndarray
        :math:`\\eta_{\\mathrm{eff}}`; the broadcast shape.

    See Also
    --------
    momentum_dynamics.symbolic.effective_learning_rate : the formula.

    Examples
    --------
    >>> effective_learning_rate("heavy_ball", alpha=0.01, beta=[0.9, 0.99])
    array([0.1, 1. ])
    """
    m = get_method(method)
    a = check_alpha(alpha)
    b = check_beta(beta, m)
    extra = check_hyperparameters(m, hyperparameters)
    vals = {"alpha": a, "beta": b, **extra}
    shape = broadcast(*[(v, k) for k, v in vals.items()])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _elr_function(m)(*[vals[h] for h in m.hyperparameters])
    out = np.broadcast_to(np.asarray(out, float), shape).copy()
    if b is not None:
        out[np.broadcast_to(np.abs(b) == 1, shape)] = np.nan
    return to_output(out)


# --------------------------------------------------------------------------
# Worst case over a spectrum, tuning, rates versus kappa
# --------------------------------------------------------------------------


def _over_spectrum(func, method, alpha, beta, mu, L, samples, hyperparameters):
    """``func`` (spectral radius or gap) at the curvatures that decide the worst case
    over ``[mu, L]``: the endpoints, or a geometric sample; stacked on the last axis."""
    m = get_method(method)
    if mu is None or L is None:
        raise TypeError("mu and L (the spectrum bounds) are required")
    n = check_count(samples, "samples", 2)
    mu_a, L_a = check_spectrum(mu, L)
    a = check_alpha(alpha)
    b = check_beta(beta, m)
    extra = check_hyperparameters(m, hyperparameters)
    broadcast((a, "alpha"), (b, "beta"), (mu_a, "mu"), (L_a, "L"),
              *[(v, k) for k, v in extra.items()])
    if m.worst_case_at_endpoints:
        lam = np.stack(np.broadcast_arrays(mu_a, L_a), axis=-1)
    else:
        t = np.linspace(0.0, 1.0, n)
        lam = np.exp(np.log(mu_a)[..., None] * (1 - t) + np.log(L_a)[..., None] * t)
        lam[..., 0], lam[..., -1] = mu_a, L_a
    expand = lambda v: None if v is None else v[..., None]  # noqa: E731
    return np.asarray(func(m, expand(a), expand(b), lam,
                           **{k: expand(v) for k, v in extra.items()}))


@fill_doc()
def convergence_rate(method, alpha, beta=None, mu=None, L=None, *, samples=257,
                     **hyperparameters):
    """Worst-case spectral radius over all curvatures in ``[mu, L]``.

    .. math::

        \\rho(\\alpha, \\beta; \\mu, L)
        = \\max_{\\lambda\\in[\\mu, L]} \\rho(\\alpha, \\beta, \\lambda)

    The spectral radius is that of the observable part (see :func:`hidden_modes`).
    For the shipped methods the maximum is attained at an endpoint (the spectral
    radius is quasi-convex in ``lambda``; tested), so two evaluations are exact. For
    other registered methods the interval is sampled at ``samples`` points (both
    endpoints included, geometric spacing) and the maximum of the sample returned.

    When the rate is within a few ulps of 1 (large condition numbers), take
    :func:`worst_case_gap`, its complement :math:`1 - \\rho` computed without
    cancellation, and pass it to :func:`iterations_to_tolerance` as ``gap``.

    Parameters
    ----------
    %(method)s
    %(alpha_beta)s
    mu, L : array_like
        Spectrum bounds, ``0 < mu <= L`` (required).
    samples : int
        Number of curvatures sampled (>= 2) for a method whose worst case is not
        known to lie at the endpoints.
    %(hyperparameters)s

    Returns
    -------
    float or ndarray
        The worst-case spectral radius; the broadcast shape.

    See Also
    --------
    worst_case_gap, spectral_radius

    Examples
    --------
    >>> round(convergence_rate("gd", alpha=2 / 11, mu=1.0, L=10.0), 12)
    0.818181818182
    """
    rho = _over_spectrum(spectral_radius, method, alpha, beta, mu, L, samples, hyperparameters)
    return to_output(np.max(rho, axis=-1))


def worst_case_gap(method, alpha, beta=None, mu=None, L=None, *, samples=257,
                   **hyperparameters):
    """Worst-case gap :math:`1 - \\rho` over curvatures in ``[mu, L]``, without cancellation.

    .. math:: 1 - \\max_{\\lambda\\in[\\mu, L]} \\rho(\\alpha, \\beta, \\lambda)
              = \\min_{\\lambda\\in[\\mu, L]} \\text{gap}(\\alpha, \\beta, \\lambda)

    The complement of :func:`convergence_rate`, from :func:`convergence_gap` at the
    same curvatures, so it keeps its digits when the rate rounds to 1 (GD tuned for
    ``kappa = 1e16`` has rate ``1 - 2e-16``, which is 1.0 in floating point).

    Parameters
    ----------
    method, alpha, beta, mu, L, samples, **hyperparameters
        As in :func:`convergence_rate`.

    Returns
    -------
    float or ndarray
        The worst-case gap :math:`1 - \\rho` over ``[mu, L]``; the broadcast shape.

    See Also
    --------
    convergence_rate, convergence_gap, iterations_to_tolerance

    Examples
    --------
    >>> 1 - convergence_rate("gd", alpha=1.0, mu=1e-16, L=1.0)  # the rate 1 - 1e-16 rounds
    1.1102230246251565e-16
    >>> worst_case_gap("gd", alpha=1.0, mu=1e-16, L=1.0)
    1e-16
    >>> iterations_to_tolerance(gap=1e-16, tolerance=1e-6)
    1.3815510557964274e+17
    """
    gap = _over_spectrum(convergence_gap, method, alpha, beta, mu, L, samples, hyperparameters)
    return to_output(np.min(gap, axis=-1))


@fill_doc(fields=optimal_fields("float or ndarray"))
class OptimalParameters(NamedTuple):
    """Tuned hyper-parameters and the worst-case rate they achieve, as numbers.

    The formulas behind them are a
    :class:`momentum_dynamics.symbolic.SymbolicOptimalParameters`.

    Attributes
    ----------
    %(fields)s

    Examples
    --------
    >>> p = optimal_parameters("gd", mu=1.0, L=3.0)
    >>> round(p.alpha, 12), p.beta, round(p.rate, 12)  # 2/(mu + L), (L - mu)/(L + mu)
    (0.5, None, 0.5)
    """

    alpha: float | np.ndarray
    beta: float | np.ndarray | None
    rate: float | np.ndarray


_POLYAK = Method.from_update(heavy_ball, "heavy_ball", worst_case_at_endpoints=True,
                             tunings={"optimal": "critical_both_ends"})


@cache
def _optimal_functions(method: Method, tuning: str):
    opt = S.optimal_parameters(method, tuning)
    f = lambda e: None if e is None else compile_numpy([S.mu, S.L], e)  # noqa: E731
    return f(opt.alpha), f(opt.beta), f(opt.rate)


@fill_doc()
def optimal_parameters(method, mu, L, *, tuning="optimal", **hyperparameters):
    """Hyper-parameters minimising the worst-case rate over curvatures in ``[mu, L]``.

    The closed forms of :func:`momentum_dynamics.symbolic.optimal_parameters` are
    used for the shipped methods:

    - GD: :math:`\\alpha = 2/(\\mu+L)`, rate :math:`(\\kappa-1)/(\\kappa+1)`;
    - heavy ball: :math:`\\alpha = 4/(\\sqrt L+\\sqrt\\mu)^2`,
      :math:`\\beta = ((\\sqrt\\kappa-1)/(\\sqrt\\kappa+1))^2`,
      rate :math:`(\\sqrt\\kappa-1)/(\\sqrt\\kappa+1)`;
    - Nesterov: :math:`\\alpha = 4/(3L+\\mu)`, rate :math:`1 - 2/\\sqrt{3\\kappa+1}`
      (``tuning="standard"``: :math:`\\alpha = 1/L`, rate :math:`1 - 1/\\sqrt\\kappa`).

    For other registered methods with momentum the minimax problem is solved
    numerically (Nelder-Mead on ``(log alpha, beta)`` from the heavy-ball optimum;
    scalar ``mu`` and ``L`` only, extra hyper-parameters held fixed).

    Parameters
    ----------
    %(method)s
    mu, L : array_like
        Spectrum bounds, ``0 < mu <= L`` (scalars for the numeric fallback).
    %(tuning)s
    **hyperparameters
        Extra hyper-parameters of a registered method, held fixed.

    Returns
    -------
    OptimalParameters
        ``(alpha, beta, rate)``; ``beta`` is None for GD.

    See Also
    --------
    convergence_rate : the worst-case rate at any parameters.
    tuned_rates : the tuned rates versus ``kappa``.

    Examples
    --------
    >>> p = optimal_parameters("heavy_ball", mu=1.0, L=100.0)
    >>> round(p.alpha, 12), round(p.beta, 12), round(p.rate, 12)
    (0.03305785124, 0.669421487603, 0.818181818182)
    """
    m = get_method(method)
    mu_a, L_a = check_spectrum(mu, L)
    check_hyperparameters(m, hyperparameters)
    if tuning not in ("optimal", "standard"):
        raise ValueError(f"tuning must be 'optimal' or 'standard'; got {tuning!r}")
    if tuning in m.tunings:
        fa, fb, fr = _optimal_functions(m, tuning)
        shape = broadcast((mu_a, "mu"), (L_a, "L"))
        out = [None if f is None else to_output(np.broadcast_to(np.asarray(f(mu_a, L_a), float),
                                                                shape).copy())
               for f in (fa, fb, fr)]
        return OptimalParameters(*out)
    if tuning != "optimal":
        declaring = [repr(n) for n in available_methods() if tuning in get_method(n).tunings]
        raise ValueError(f"tuning {tuning!r} is only defined for {', '.join(declaring) or 'no'} "
                         f"registered method (see Method.tunings); {m.name!r} does not declare "
                         "it, and only 'optimal' has a numeric fallback")
    if mu_a.ndim or L_a.ndim:
        raise ValueError("numeric tuning of a registered method takes scalar mu and L")
    if not m.has_momentum:
        raise ValueError(f"numeric tuning needs a method with momentum; {m.name!r} has none")
    fixed = {k: np.asarray(v) for k, v in check_hyperparameters(m, hyperparameters).items()}
    if all(v.ndim == 0 for v in fixed.values()):
        # Cached per point: the search costs ~0.4 s and is deterministic. Keyed by the
        # exact bits of each float (float.hex), so a hit returns the very same numbers.
        key = tuple((k, float(v).hex()) for k, v in sorted(fixed.items()))
        return _numeric_tuning(m, float(mu_a).hex(), float(L_a).hex(), key)
    return _numeric_tuning.__wrapped__(m, float(mu_a).hex(), float(L_a).hex(),
                                       tuple(hyperparameters.items()))


@lru_cache(maxsize=512)
def _numeric_tuning(m: Method, mu_hex: str, L_hex: str, extras: tuple) -> OptimalParameters:
    """Nelder-Mead minimax tuning of a registered method (see optimal_parameters)."""
    from scipy.optimize import minimize

    hyperparameters = {k: (float.fromhex(v) if isinstance(v, str) else v) for k, v in extras}
    mu_f, L_f = float.fromhex(mu_hex), float.fromhex(L_hex)
    # Start from Polyak's heavy-ball tuning, derived from the shipped rule itself (the
    # registry entry "heavy_ball" may have been replaced by the user).
    start = S.optimal_parameters(_POLYAK)
    a0 = float(start.alpha.subs({S.mu: mu_f, S.L: L_f}))
    b0 = float(start.beta.subs({S.mu: mu_f, S.L: L_f}))

    def worst(x):
        la, b = x
        if not -1 <= b <= 1:
            return 10.0
        return convergence_rate(m, math.exp(la), b, mu_f, L_f, **hyperparameters)

    best = None
    for scale in (1.0, 0.5, 2.0):
        r = minimize(worst, [math.log(a0 * scale), b0], method="Nelder-Mead",
                     options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 4000})
        if best is None or r.fun < best.fun:
            best = r
    return OptimalParameters(math.exp(best.x[0]), float(best.x[1]), float(best.fun))


def iterations_to_tolerance(rate=None, tolerance=1e-6, *, gap=None):
    """Iterations ``k`` after which ``rate**k <= tolerance`` (asymptotic count).

    .. math:: k = \\left\\lceil \\frac{\\log(\\text{tol})}{\\log(\\rho)} \\right\\rceil
              = \\left\\lceil \\frac{\\log(\\text{tol})}{\\operatorname{log1p}(-\\text{gap})}
              \\right\\rceil, \\qquad \\text{gap} = 1 - \\rho

    Give either ``rate`` or ``gap`` (keyword). A rate within a few ulps of 1 has lost
    the digits that decide the count (``rate = 1 - 2e-16`` is stored as ``1 - 2.2e-16``
    or 1.0); the gap from :func:`convergence_gap`, :func:`worst_case_gap` or
    :func:`tuned_rates` keeps them, and ``log1p(-gap)`` uses them all.

    Parameters
    ----------
    rate : array_like, optional
        Linear rate in [0, 1) for a finite count; ``rate >= 1`` gives ``inf`` (no
        convergence); ``rate == 0`` gives 1.
    tolerance : array_like
        In (0, 1).
    gap : array_like, optional
        ``1 - rate``, at most 1: ``gap <= 0`` gives ``inf``, ``gap == 1`` gives 1.

    Returns
    -------
    float or ndarray
        The iteration count (``inf`` without convergence); the broadcast shape.

    See Also
    --------
    convergence_gap, worst_case_gap, tuned_rates

    Examples
    --------
    >>> iterations_to_tolerance(0.5, 1e-3)
    10.0
    >>> iterations_to_tolerance(gap=1e-20, tolerance=1e-6)  # rate 1 - 1e-20 rounds to 1
    1.3815510557964276e+21
    """
    if (rate is None) == (gap is None):
        raise TypeError("give exactly one of rate and gap (= 1 - rate)")
    if gap is None:
        r = as_real_array(rate, "rate")
        if np.any(r < 0):
            raise ValueError(f"rate must be >= 0; got {r[r < 0].flat[0].item()!r}")
        g, name = 1.0 - r, "rate"  # exact for rate in [1/2, 2] (Sterbenz)
    else:
        g, name = as_real_array(gap, "gap"), "gap"
        if np.any(g > 1):
            raise ValueError(f"gap (1 - rate) must be <= 1; got {g[g > 1].flat[0].item()!r}")
    tol = as_real_array(tolerance, "tolerance")
    if np.any((tol <= 0) | (tol >= 1)):
        raise ValueError(f"tolerance must lie in (0, 1); got {tolerance!r}")
    broadcast((g, name), (tol, "tolerance"))
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.ceil(np.log(tol) / np.log1p(-g))
    k = np.where(g <= 0, np.inf, np.where(g == 1, 1.0, k))
    return to_output(k)


class RateRow(NamedTuple):
    """One row of :func:`tuned_rates`.

    ``exact_gap`` and ``approximate_gap`` are ``1 - rate`` from their own closed forms
    (e.g. :math:`2/(\\kappa + 1)` for GD), accurate where the rates round to 1; the
    iteration counts are computed from them.

    Attributes
    ----------
    method : str
        Method name.
    tuning : str
        ``"optimal"`` or ``"standard"``.
    exact : Expr
        The tuned rate in ``kappa`` (:func:`momentum_dynamics.symbolic.tuned_rate`).
    approximation : Expr
        Its large-``kappa`` form (:func:`momentum_dynamics.symbolic.rate_approximation`).
    exact_rate, approximate_rate : float or ndarray
        The two evaluated at ``kappa``.
    exact_iterations, approximate_iterations : float or ndarray
        Iterations to reach the tolerance at each rate.
    exact_gap, approximate_gap : float or ndarray
        ``1 - rate`` of each, computed without cancellation.

    See Also
    --------
    tuned_rates : the function that returns the rows.

    Examples
    --------
    >>> row = tuned_rates(9.0)[1]
    >>> row.method, row.exact, round(row.exact_rate, 12)  # (3 - 1)/(3 + 1)
    ('heavy_ball', (sqrt(kappa) - 1)/(sqrt(kappa) + 1), 0.5)
    """

    method: str
    tuning: str
    exact: sp.Expr
    approximation: sp.Expr
    exact_rate: float | np.ndarray
    approximate_rate: float | np.ndarray
    exact_iterations: float | np.ndarray
    approximate_iterations: float | np.ndarray
    exact_gap: float | np.ndarray
    approximate_gap: float | np.ndarray


_RATE_TABLE = (("gd", "optimal"), ("heavy_ball", "optimal"), ("nesterov", "optimal"),
               ("nesterov", "standard"))


@cache
def _rate_functions(name: str, tuning: str):
    """(exact, approximation, their gaps) as SymPy expressions and compiled in kappa.

    The gaps ``1 - rate`` are simplified in SymPy (``(kappa - 1)/(kappa + 1)`` gives
    ``2/(kappa + 1)``) so that no ``1 - (1 - small)`` is ever formed in floating point.
    """
    exact, approx = S.tuned_rate(name, tuning), S.rate_approximation(name, tuning)
    gaps = [sp.simplify(sp.cancel(1 - e)) for e in (exact, approx)]
    compiled = [compile_numpy([S.kappa], e) for e in (exact, approx, *gaps)]
    return exact, approx, compiled


def tuned_rates(kappa, tolerance=1e-6) -> list[RateRow]:
    """Tuned rates of GD, heavy ball and Nesterov versus ``kappa``: exact and approximate.

    The exact rate is the worst-case spectral radius at the tuned parameters (Polyak
    1964 for GD and heavy ball; Nesterov 1983, and Lessard, Recht & Packard 2016 for
    Nesterov's optimal tuning): :math:`(\\kappa-1)/(\\kappa+1)`,
    :math:`(\\sqrt\\kappa-1)/(\\sqrt\\kappa+1)`, :math:`1 - 2/\\sqrt{3\\kappa+1}` and
    :math:`1 - 1/\\sqrt\\kappa`. The approximation is its leading large-``kappa`` term
    (``1 - 2/kappa``, ``1 - 2/sqrt(kappa)``; for Nesterov ``1 - 1/sqrt(kappa)`` is exact
    for the standard tuning). Each row also carries the gaps ``1 - rate`` and the
    iteration counts are computed from them, so they stay accurate up to
    ``kappa = 1e16`` and beyond, where the GD rate rounds to 1.

    Parameters
    ----------
    kappa : array_like
        Condition number ``L/mu``, >= 1.
    tolerance : array_like
        In (0, 1): the iteration counts reach ``rate**k <= tolerance``; broadcast
        with ``kappa``.

    Returns
    -------
    list of RateRow
        One row per (method, tuning): GD, heavy ball, Nesterov optimal and standard.

    See Also
    --------
    optimal_parameters, iterations_to_tolerance

    Examples
    --------
    >>> [round(r.exact_rate, 6) for r in tuned_rates(100.0)]
    [0.980198, 0.818182, 0.884722, 0.9]
    >>> tuned_rates(1e16)[0].exact_gap  # 2/(kappa + 1); the rate itself rounds to 1.0
    2e-16
    """
    k = check_kappa(kappa)
    tol = as_real_array(tolerance, "tolerance")
    shape = broadcast((k, "kappa"), (tol, "tolerance"))
    k = np.broadcast_to(k, shape)
    rows = []
    for name, tuning in _RATE_TABLE:
        exact, approx, funcs = _rate_functions(name, tuning)
        re, ra, ge, ga = (np.broadcast_to(np.asarray(f(k), float), k.shape) for f in funcs)
        ga = np.minimum(ga, 1.0)  # the approximation can go below rate 0 at small kappa
        rows.append(RateRow(name, tuning, exact, approx, to_output(re), to_output(ra),
                            iterations_to_tolerance(gap=ge, tolerance=tolerance),
                            iterations_to_tolerance(gap=ga, tolerance=tolerance),
                            to_output(ge), to_output(ga)))
    return rows

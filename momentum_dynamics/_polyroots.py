"""Vectorised roots of monic cubics and quartics, without companion matrices.

Used by :mod:`momentum_dynamics.numeric` for methods with three or four states (the
characteristic polynomial has degree 3 or 4): poles, spectral radius and the
stability mask. Everything works on whole arrays of coefficients in real arithmetic
(real curvature); batched ``numpy.linalg.eigvals`` on companion matrices costs some
6 us per point, these a few tens of nanoseconds.

Method. A real polynomial is split into real factors, each step polished so that the
result is as accurate as the problem allows:

- cubic ``z^3 + a z^2 + b z + c``: one real root from the closed form (Cardano's
  formula in its cancellation-free form when there is one real root, Viete's
  trigonometric form, largest root, when there are three), polished by guarded Newton
  steps on the cubic itself, then deflated to ``z^2 + p z + q``, forwards or
  backwards by the rounding-error estimate of each coefficient;
- quartic ``z^4 + a z^3 + b z^2 + c z + d``: Ferrari's factorisation into two real
  quadratics through the largest real root of the resolvent cubic, then guarded Newton
  steps on the four coefficient equations of the factorisation
  (``a1 + a2 = a``, ``b1 + b2 + a1 a2 = b``, ``a1 b2 + a2 b1 = c``, ``b1 b2 = d``),
  as in Orellana & De Michele (2020), "Algorithm 1010: boosting efficiency in solving
  quartic equations with no compromise in accuracy", ACM TOMS 46(2);
- quadratics by the cancellation-free formula (larger root first, the smaller from
  the product of the roots).

The Newton steps are guarded: a step is kept only where it lowers the residual, so
they never spoil a root, and near a multiple root (where the Jacobian is singular)
they simply stop.

Accuracy model. A simple root ``z`` is returned with an error of a few units of
``eps * s(z) / |p'(z)|``, ``s(z) = sum |a_i| |z|**i`` (the root's componentwise
condition number). A cluster of ``k`` roots is only defined to
``(eps * s(z) * k! / |p^(k)(z)|)**(1/k)`` (about ``eps**(1/k)``: 1e-8 for a double
root, 6e-6 for a triple one); that is what the tests check against 50-digit mpmath.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

__all__ = ["real_roots34", "real_radius34", "companion_roots", "schur_cohn_conditions"]


# --------------------------------------------------------------------------
# Quadratics
# --------------------------------------------------------------------------


def _quadratic_roots(p, q):
    """Roots of ``z^2 + p z + q`` (real p, q), larger modulus first, as complex."""
    disc = p * p - 4.0 * q
    real = disc >= 0.0
    sq = np.sqrt(np.abs(disc))
    big = -0.5 * (p + np.copysign(sq, p))  # no cancellation: same signs added
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.where(big != 0.0, q / big, 0.0)
    half = -0.5 * p
    r1 = np.where(real, big, half) + 1j * np.where(real, 0.0, 0.5 * sq)
    r2 = np.where(real, small, half) - 1j * np.where(real, 0.0, 0.5 * sq)
    return r1, r2


def _quadratic_radius(p, q):
    """Largest root modulus of ``z^2 + p z + q`` (real): real roots give
    ``(|p| + sqrt(disc))/2 >= sqrt(|q|)``; a complex pair has modulus ``sqrt(q) >= |p|/2``."""
    disc = p * p - 4.0 * q
    np.maximum(disc, 0.0, out=disc)
    np.sqrt(disc, out=disc)
    disc += np.abs(p)
    disc *= 0.5
    return np.maximum(disc, np.sqrt(np.maximum(q, 0.0)), out=disc)


# --------------------------------------------------------------------------
# Cubics
# --------------------------------------------------------------------------

# Closed-form roots and factorisations whose residual is already below this many
# units of the terms' moduli are left alone; most points are, so the Newton steps
# run on the few others only.
_REFINE_ABOVE = 4.0 * np.finfo(float).eps
# A factorisation whose equations still do not hold to this after the Newton steps
# (near-multiple complex pairs, where the Jacobian is singular) is not trusted: those
# few points go to companion eigenvalues. Below it the factors multiply to a
# polynomial within a few ulps of each coefficient, so the roots are backward stable.
_ACCEPT_BELOW = 16.0 * np.finfo(float).eps


# cos t = sum (-1)^k t^(2k)/(2k)! for 0 <= t <= pi/3, to half an ulp with ten terms;
# NumPy's np.cos takes some 18 ns per element here, this polynomial a few.
_COS_TAYLOR = tuple((-1) ** k / math.factorial(2 * k) for k in range(9, -1, -1))


def _cos_small(t):
    t2 = t * t
    c = np.full_like(t2, _COS_TAYLOR[0])
    for coef in _COS_TAYLOR[1:]:
        c *= t2
        c += coef
    return c


def _cubic_real_root(a, b, c, largest=False):
    """A real root of ``z^3 + a z^2 + b z + c`` from the closed form: the single one,
    or the largest of three (Viete). Not yet polished.

    With ``largest``, where Cardano's formula applies but its complex pair is within
    rounding of a real double root (``|Im| <= 1e-6`` of the scale), the double root is
    taken if it is the larger: rounding decides which formula applies there, and the
    quartic's resolvent needs its largest real root."""
    a3 = a / 3.0
    P = b - a * a3  # z = t - a/3: t^3 + P t + Q
    Q = (2.0 * a3 * a3 - b) * a3 + c
    P3 = P / 3.0
    D = 0.25 * Q * Q + P3 * P3 * P3
    # one real root: t = u - P/(3u), u^3 = -Q/2 - sign(Q) sqrt(D) (no cancellation)
    u = np.cbrt(-0.5 * Q - np.copysign(np.sqrt(np.maximum(D, 0.0)), Q))
    w = np.where(u != 0.0, P3 / u, 0.0)
    t1 = u - w
    if largest:
        # the pair is -t1/2 +- i sqrt(3)/2 (u + P/(3u))
        near_double = np.abs(u + w) <= 1e-6 * (np.abs(u) + np.abs(w))
        t1 = np.where(near_double, np.maximum(t1, -0.5 * t1), t1)
    # three real roots: t = 2 sqrt(-P/3) cos(theta/3), the largest
    m = np.sqrt(np.maximum(-P3, 0.0))
    cos3 = np.where(m > 0.0, (-0.5 * Q) / (m * m * m), 0.0)
    t3 = 2.0 * m * _cos_small(np.arccos(np.clip(cos3, -1.0, 1.0)) / 3.0)
    return np.where(D > 0.0, t1, t3) - a3


def _newton_cubic(r, a, b, c, steps):
    """Guarded Newton steps on ``z^3 + a z^2 + b z + c`` at the real ``r``."""
    p = ((r + a) * r + b) * r + c
    for _ in range(steps):
        dp = (3.0 * r + 2.0 * a) * r + b
        with np.errstate(divide="ignore", invalid="ignore"):
            rn = r - p / dp
        pn = ((rn + a) * rn + b) * rn + c
        better = np.abs(pn) < np.abs(p)  # also False for NaN (dp = 0)
        r = np.where(better, rn, r)
        p = np.where(better, pn, p)
    return r


def _cubic_factor(a, b, c, steps=2):
    """``z^3 + a z^2 + b z + c = (z - r)(z^2 + p z + q)`` with real r, p, q.

    The closed-form root is polished by guarded Newton steps only where its residual
    exceeds a few ulps of the terms' moduli (most points are already there)."""
    r = _cubic_real_root(a, b, c)
    if steps:
        r2 = r * r
        res = np.abs(((r + a) * r + b) * r + c)
        size = np.abs(r2 * r) + np.abs(a * r2) + np.abs(b * r) + np.abs(c)
        todo = ~(res <= _REFINE_ABOVE * size)
        if todo.any():
            r[todo] = _newton_cubic(r[todo], a[todo], b[todo], c[todo], steps)
    # The other two roots have sum -p and product q: forwards p = a + r, q = b + r p,
    # backwards q = -c/r, p = (q - b)/r (Wilkinson: forward deflation is stable from
    # small roots, backward from large ones). Each is taken by its rounding-error
    # estimate, r being known to dr (a few ulps of the roots' scale); a backward value
    # is only used when it agrees with the forward one within the latter's error
    # (at r = 0 it is 0/0).
    eps = np.finfo(float).eps
    ar = np.abs(r)
    dr = eps * (ar + np.abs(a) + np.sqrt(np.abs(b)) + np.cbrt(np.abs(c)))
    p_f = a + r
    e_pf = eps * (np.abs(a) + ar) + dr
    q_f = b + r * p_f
    e_qf = eps * (np.abs(b) + np.abs(r * p_f)) + np.abs(p_f) * dr + ar * e_pf
    q_b = -c / r
    e_qb = np.abs(q_b) * (eps + dr / ar)
    use = (e_qb < e_qf) & (np.abs(q_b - q_f) <= 4.0 * e_qf)
    q = np.where(use, q_b, q_f)
    e_q = np.where(use, e_qb, e_qf)
    p_b = (q - b) / r
    e_pb = (eps * (np.abs(q) + np.abs(b)) + e_q + np.abs(p_b) * dr) / ar
    use = (e_pb < e_pf) & (np.abs(p_b - p_f) <= 4.0 * e_pf)
    return r, np.where(use, p_b, p_f), q


# --------------------------------------------------------------------------
# Quartics
# --------------------------------------------------------------------------


def _factor_residual(a1, b1, a2, b2, a, b, c, d):
    F1 = a1 + a2 - a
    F2 = b1 + b2 + a1 * a2 - b
    F3 = a1 * b2 + a2 * b1 - c
    F4 = b1 * b2 - d
    return F1, F2, F3, F4


def _relative_residual(x, a, b, c, d):
    """Largest residual of the four coefficient equations, each relative to the sum
    of the moduli of its own terms (componentwise: small coefficients count)."""
    a1, b1, a2, b2 = x
    F = _factor_residual(a1, b1, a2, b2, a, b, c, d)
    tiny = np.finfo(float).tiny
    s1 = np.abs(a1) + np.abs(a2) + np.abs(a) + tiny
    s2 = np.abs(b1) + np.abs(b2) + np.abs(a1 * a2) + np.abs(b) + tiny
    s3 = np.abs(a1 * b2) + np.abs(a2 * b1) + np.abs(c) + tiny
    s4 = np.abs(b1 * b2) + np.abs(d) + tiny
    res = np.maximum(np.maximum(np.abs(F[0]) / s1, np.abs(F[1]) / s2),
                     np.maximum(np.abs(F[2]) / s3, np.abs(F[3]) / s4))
    return F, res


def _refine_factors(x, a, b, c, d, steps):
    """Guarded Newton steps on the coefficient equations of the factorisation."""
    a1, b1, a2, b2 = x
    F, res = _relative_residual(x, a, b, c, d)
    for _ in range(steps):
        F1, F2, F3, F4 = F
        g = -F2 + a1 * F1  # eliminate da2 = -F1 - da1, db2 = g + (a1 - a2) da1 - db1
        dal = a1 - a2
        m11 = b2 - b1 + a1 * dal
        m21 = b1 * dal
        m22 = b2 - b1
        r1 = -F3 + b1 * F1 - a1 * g
        r2 = -F4 - b1 * g
        det = m11 * m22 + dal * m21  # the resultant of the two quadratics
        da1 = (r1 * m22 + dal * r2) / det
        db1 = (m11 * r2 - m21 * r1) / det
        new = (a1 + da1, b1 + db1, a2 - F1 - da1, b2 + g + dal * da1 - db1)
        Fn, rn = _relative_residual(new, a, b, c, d)
        better = rn < res  # False for NaN (a singular step)
        a1, b1, a2, b2 = (np.where(better, n, o) for n, o in zip(new, (a1, b1, a2, b2),
                                                                   strict=True))
        F = tuple(np.where(better, n, o) for n, o in zip(Fn, F, strict=True))
        res = np.where(better, rn, res)
    return a1, b1, a2, b2, res


def _quartic_factor(a, b, c, d, steps=2):
    """``z^4 + a z^3 + b z^2 + c z + d = (z^2 + a1 z + b1)(z^2 + a2 z + b2)``, real;
    and where the factorisation is not trusted (see ``_ACCEPT_BELOW``).

    Ferrari: with ``y`` the largest real root of the resolvent cubic
    ``y^3 - b y^2 + (a c - 4 d) y + (4 b d - a^2 d - c^2)``, the quartic is
    ``(z^2 + a z/2 + y/2)^2 - (e z + f)^2`` with ``e^2 = a^2/4 - b + y >= 0``,
    ``f^2 = y^2/4 - d`` and ``2 e f = a y/2 - c``. Where the coefficient equations do
    not hold to a few ulps the factors are refined by guarded Newton steps on them
    (Orellana & De Michele 2020).
    """
    r1, r0 = a * c - 4.0 * d, (4.0 * b - a * a) * d - c * c
    y = _newton_cubic(_cubic_real_root(-b, r1, r0, largest=True), -b, r1, r0, 1)
    A = np.maximum(0.25 * a * a - b + y, 0.0)
    C = np.maximum(0.25 * y * y - d, 0.0)
    B = 0.5 * a * y - c
    e_big = np.sqrt(A)
    f_big = np.copysign(np.sqrt(C), B)
    by_e = A >= C
    e = np.where(by_e, e_big, np.where(f_big != 0.0, 0.5 * B / f_big, 0.0))
    f = np.where(by_e, np.where(e_big != 0.0, 0.5 * B / e_big, 0.0), f_big)
    ha, hy = 0.5 * a, 0.5 * y
    a1, a2 = ha - e, ha + e
    b1, b2 = hy - f, hy + f
    # The smaller constant term from the product of the two (no cancellation).
    swap1 = (np.abs(b1) < np.abs(b2)) & (b2 != 0.0)
    swap2 = (np.abs(b2) < np.abs(b1)) & (b1 != 0.0)
    b1, b2 = np.where(swap1, d / b2, b1), np.where(swap2, d / b1, b2)
    _, res = _relative_residual((a1, b1, a2, b2), a, b, c, d)
    todo = ~(res <= _REFINE_ABOVE)
    if steps and todo.any():
        sub = _refine_factors((a1[todo], b1[todo], a2[todo], b2[todo]),
                              a[todo], b[todo], c[todo], d[todo], steps)
        for full, part in zip((a1, b1, a2, b2), sub[:4], strict=True):
            full[todo] = part
        todo[todo] = ~(sub[4] <= _ACCEPT_BELOW)
    return a1, b1, a2, b2, todo


# --------------------------------------------------------------------------
# Public (package-private) entry points
# --------------------------------------------------------------------------


def _check_degree(coeffs: Sequence) -> int:
    n = len(coeffs)
    if n not in (3, 4):
        raise ValueError(f"coefficients of a monic cubic or quartic expected (3 or 4 "
                         f"arrays a_(n-1), ..., a_0); got {n}")
    return n


def _prepared(coeffs):
    """Real coefficient arrays broadcast together (at least 1-d), and the shape."""
    cs = np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in coeffs])
    shape = cs[0].shape
    return [np.atleast_1d(x) for x in cs], shape


def real_roots34(coeffs: Sequence[np.ndarray]) -> np.ndarray:
    """All roots of monic real cubics or quartics, by decreasing modulus.

    Parameters
    ----------
    coeffs : sequence of 3 or 4 real arrays
        ``a_{n-1}, ..., a_0`` of ``z^n + a_{n-1} z^{n-1} + ... + a_0``; broadcast together.

    Returns
    -------
    ndarray of complex, shape ``broadcast_shape + (n,)``
        The roots, sorted by decreasing modulus (ties keep the computed order).

    Examples
    --------
    >>> import numpy as np
    >>> real_roots34([np.array(-6.0), np.array(11.0), np.array(-6.0)]).real.round(12)
    array([3., 2., 1.])
    """
    n = _check_degree(coeffs)
    cs, shape = _prepared(coeffs)
    with np.errstate(all="ignore"):
        if n == 3:
            r, p, q = _cubic_factor(*cs)
            z1, z2 = _quadratic_roots(p, q)
            out = np.stack([r + 0j, z1, z2], axis=-1)
        else:
            a1, b1, a2, b2, bad = _quartic_factor(*cs)
            z1, z2 = _quadratic_roots(a1, b1)
            z3, z4 = _quadratic_roots(a2, b2)
            out = np.stack([z1, z2, z3, z4], axis=-1)
            if bad.any():
                out[bad] = companion_roots([x[bad] for x in cs])
    order = np.argsort(-np.abs(out), axis=-1, kind="stable")
    return np.take_along_axis(out, order, axis=-1).reshape(*shape, n)


def real_radius34(coeffs: Sequence[np.ndarray]) -> np.ndarray:
    """Largest root modulus of monic real cubics or quartics (no complex arithmetic).

    Parameters
    ----------
    coeffs : sequence of 3 or 4 real arrays
        As in :func:`real_roots34`.

    Returns
    -------
    ndarray of float
        The spectral radius; the broadcast shape.

    Examples
    --------
    >>> import numpy as np
    >>> float(real_radius34([np.array(0.0), np.array(0.0), np.array(0.0), np.array(-16.0)]))
    2.0
    """
    n = _check_degree(coeffs)
    cs, shape = _prepared(coeffs)
    with np.errstate(all="ignore"):
        if n == 3:
            r, p, q = _cubic_factor(*cs)
            out = np.maximum(np.abs(r), _quadratic_radius(p, q))
        else:
            a1, b1, a2, b2, bad = _quartic_factor(*cs)
            out = np.maximum(_quadratic_radius(a1, b1), _quadratic_radius(a2, b2))
            if bad.any():
                out[bad] = np.abs(companion_roots([x[bad] for x in cs])[:, 0])
    return out.reshape(shape)


def companion_roots(coeffs: Sequence[np.ndarray]) -> np.ndarray:
    """Roots by batched eigenvalues of companion matrices, by decreasing modulus.

    The fallback for degree >= 5 and for complex coefficients; also the reference the
    benchmark compares against.

    Parameters
    ----------
    coeffs : sequence of arrays
        ``a_{n-1}, ..., a_0`` of the monic polynomial, real or complex; broadcast.

    Returns
    -------
    ndarray of complex, shape ``broadcast_shape + (n,)``

    Examples
    --------
    >>> import numpy as np
    >>> companion_roots([np.array(-3.0), np.array(2.0)]).real.round(12)
    array([2., 1.])
    """
    cs = np.broadcast_arrays(*[np.asarray(x) for x in coeffs])
    n = len(cs)
    dtype = np.result_type(float, *cs)
    comp = np.zeros((*cs[0].shape, n, n), dtype=dtype)
    for i, c in enumerate(cs):
        comp[..., 0, i] = -c
    idx = np.arange(n - 1)
    comp[..., idx + 1, idx] = 1.0
    ev = np.linalg.eigvals(comp)
    order = np.argsort(-np.abs(ev), axis=-1, kind="stable")
    return np.take_along_axis(ev, order, axis=-1)


@cache
def schur_cohn_conditions(n: int) -> Callable:
    """The Schur-Cohn determinants of a monic real polynomial of degree ``n``, compiled.

    Derived once per degree by the symbolic core's reduction
    (``momentum_dynamics.symbolic._schur_cohn``, the one behind
    :func:`momentum_dynamics.symbolic.stability_conditions`) on symbolic coefficients,
    so they cost nothing per method. The last of the ``n`` reduction steps is left
    out: given the first ``n - 1``, it holds exactly when ``p(1) > 0`` and
    ``(-1)**n p(-1) > 0`` (the reduced polynomials satisfy
    ``p_k(+-1) = (c_k -+ c_0) p_{k-1}(+-1)`` with ``c_k -+ c_0 > 0``), which is Jury's
    form of the test. The caller evaluates ``p(+-1)`` from its exact expanded forms: they
    vanish as ``alpha*lambda -> 0`` and would lose every digit if formed from the
    rounded coefficients. All roots lie strictly inside the unit circle exactly where
    ``p(1) > 0``, ``(-1)**n p(-1) > 0`` and every value returned is positive.

    Parameters
    ----------
    n : int
        The degree, >= 1.

    Returns
    -------
    callable
        ``f(a_{n-1}, ..., a_0) -> list of n - 1 arrays``.

    Examples
    --------
    >>> f = schur_cohn_conditions(2)
    >>> [float(v) for v in f(-1.0, 0.5)]  # z**2 - z + 1/2: 1 - a_0**2 > 0
    [0.75]
    """
    import sympy as sp

    from . import symbolic as S
    from ._compile import compile_numpy

    a = sp.symbols(f"a0:{n}", real=True)[::-1]  # a_{n-1}, ..., a_0
    return compile_numpy(list(a), S._schur_cohn([sp.Integer(1), *a])[:-1])  # noqa: SLF001

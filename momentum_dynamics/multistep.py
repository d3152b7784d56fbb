"""Momentum methods read as linear multistep methods (LMMs) for gradient flow.

On the quadratic :math:`f(x) = \\lambda x^2/2` gradient flow is the test equation
:math:`x' = -\\lambda x`. A method's characteristic polynomial (derived in
:mod:`momentum_dynamics.symbolic`) is affine in :math:`h = \\alpha\\lambda`,

.. math:: p(z) = \\rho(z) + \\alpha\\lambda\\, s(z),

so the method *is* the linear multistep method

.. math:: \\rho(E)\\, x = -h_t \\lambda\\, \\sigma(E)\\, x, \\qquad
          \\sigma(z) = \\frac{\\alpha}{h_t}\\, s(z),

with the shift :math:`E x_k = x_{k+1}` and the time step :math:`h_t` fixed by
consistency, :math:`\\rho(1) = 0` and :math:`\\rho'(1) = \\sigma(1)`:

.. math:: h_t = \\frac{\\alpha\\, s(1)}{\\rho'(1)}.

For heavy ball :math:`\\rho(z) = z^2 - (1+\\beta) z + \\beta`,
:math:`h_t = \\alpha/(1-\\beta)` (the effective learning rate) and
:math:`\\sigma(z) = (1-\\beta) z`: an explicit two-step method, of order one for
every :math:`\\beta` except :math:`\\beta = -1` (the leapfrog rule, order two).

Symbolic results (:func:`lmm_polynomials`, :func:`consistency`,
:func:`zero_stability`, :func:`real_stability_interval`) are derived from the
characteristic polynomial and cached per method. The numeric ones
(:func:`boundary_locus`, :func:`absolute_stability_mask`) work in the complex
plane of :math:`\\alpha\\lambda`, the quantity the iteration sees; the LMM's own
variable :math:`h_t\\lambda` is that plane rescaled by :math:`h_t/\\alpha`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import combinations
from math import factorial
from typing import NamedTuple

import numpy as np
import sympy as sp
from sympy.logic.boolalg import Boolean

from . import symbolic as S
from ._compile import compile_numpy
from ._display import latex_record
from ._docstrings import fill_doc
from ._validation import (
    as_number_array,
    broadcast,
    check_alpha,
    check_beta,
    check_hyperparameters,
    to_output,
)
from .methods import Method, get_method
from .numeric import spectral_radius

__all__ = [
    "LMMPolynomials",
    "lmm_polynomials",
    "Consistency",
    "consistency",
    "ZeroStability",
    "zero_stability",
    "BoundaryLocus",
    "boundary_locus",
    "absolute_stability_mask",
    "real_stability_interval",
]

_h = sp.Symbol("h")  # alpha*lambda
_c = sp.Symbol("c", real=True)  # cos(theta)


# --------------------------------------------------------------------------
# rho, s and the LMM
# --------------------------------------------------------------------------


@cache
def _split(method: Method) -> tuple[sp.Expr, sp.Expr]:
    """``(rho, s)`` with ``p(z) = rho(z) + alpha*lambda*s(z)``, or a ValueError."""
    p = S.model(method).charpoly.as_expr()
    q = sp.expand(p.subs(S.curvature, _h / S.alpha))
    if q.has(S.alpha):
        raise ValueError(
            f"the characteristic polynomial of {method.name!r} depends on alpha and lambda "
            "other than through alpha*lambda; it has no linear multistep reading"
        )
    if sp.Poly(q, _h).degree() > 1:
        raise ValueError(
            f"the characteristic polynomial of {method.name!r} is not affine in "
            "alpha*lambda; it has no linear multistep reading"
        )
    rho = sp.expand(q.subs(_h, 0))
    s = sp.expand(sp.diff(q, _h))
    if s == 0:
        raise ValueError(f"the gradient does not enter method {method.name!r}")
    if sp.simplify(rho.subs(S.z, 1)) != 0:
        raise ValueError(
            f"rho(1) = {sp.factor(rho.subs(S.z, 1))} != 0 for method {method.name!r}: "
            "the iteration does not keep a constant x fixed at zero gradient, so it is "
            "not a consistent multistep method"
        )
    return rho, s


def _collect(expr: sp.Expr) -> sp.Expr:
    expr = sp.expand(expr)
    return sp.collect(expr, S.z, sp.factor) if expr.has(S.z) else sp.factor(expr)


class LMMPolynomials(NamedTuple):
    """The linear multistep method :math:`\\rho(E)x = -h_t\\lambda\\,\\sigma(E)x`.

    Attributes
    ----------
    rho : Expr
        First characteristic polynomial, in ``z``: :math:`p(z)` at :math:`\\lambda=0`.
    sigma : Expr
        Second characteristic polynomial, in ``z``, normalised so that
        :math:`\\rho'(1) = \\sigma(1)`.
    time_step : Expr
        The time step :math:`h_t = \\alpha s(1)/\\rho'(1)` of gradient flow per iteration
        (singular where :math:`\\rho'(1) = 0`, e.g. heavy ball at ``beta = 1``).

    See Also
    --------
    lmm_polynomials : the function that returns it.

    Examples
    --------
    >>> lmm_polynomials("gd")
    LMMPolynomials(rho=z - 1, sigma=1, time_step=alpha)
    """

    rho: sp.Expr
    sigma: sp.Expr
    time_step: sp.Expr

    _repr_latex_ = latex_record


@cache
def _lmm(method: Method) -> LMMPolynomials:
    rho, s = _split(method)
    drho1 = sp.simplify(sp.diff(rho, S.z).subs(S.z, 1))
    s1 = sp.simplify(s.subs(S.z, 1))
    if drho1 == 0 or s1 == 0:
        raise ValueError(
            f"rho'(1) or s(1) vanishes identically for method {method.name!r}; no time step "
            "makes it consistent"
        )
    time_step = sp.factor(sp.simplify(S.alpha * s1 / drho1))
    sigma = _collect(sp.cancel(s * drho1 / s1))
    return LMMPolynomials(_collect(rho), sigma, time_step)


@fill_doc()
def lmm_polynomials(method: str | Method) -> LMMPolynomials:
    """The method as a linear multistep method for gradient flow :math:`x' = -\\lambda x`.

    Splits the characteristic polynomial :math:`p(z) = \\rho(z) + \\alpha\\lambda\\,s(z)`
    and returns :math:`\\rho`, :math:`\\sigma = (\\alpha/h_t)\\,s` and the time step
    :math:`h_t = \\alpha s(1)/\\rho'(1)` that makes the method consistent.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    LMMPolynomials
        ``(rho, sigma, time_step)`` of the LMM reading.

    Raises
    ------
    ValueError
        If :math:`p` is not affine in :math:`\\alpha\\lambda` or :math:`\\rho(1) \\ne 0`.

    See Also
    --------
    consistency, zero_stability
    momentum_dynamics.symbolic.characteristic_polynomial : :math:`\\rho(z) + \\alpha\\lambda s(z)`.

    Examples
    --------
    >>> lmm_polynomials("heavy_ball")
    LMMPolynomials(rho=beta + z**2 + z*(-beta - 1), sigma=z*(1 - beta),
    time_step=-alpha/(beta - 1))
    >>> lmm_polynomials("gd")
    LMMPolynomials(rho=z - 1, sigma=1, time_step=alpha)
    """
    return _lmm(get_method(method))


# --------------------------------------------------------------------------
# Consistency and order
# --------------------------------------------------------------------------


class Consistency(NamedTuple):
    """Consistency and order of the LMM reading (see :func:`consistency`).

    Attributes
    ----------
    rho_at_one : Expr
        :math:`\\rho(1)` (zero).
    derivative_gap : Expr
        :math:`\\rho'(1) - \\sigma(1)` (zero with the derived time step).
    error_constants : tuple of Expr
        :math:`C_0, \\dots, C_{p+1}`, simplified; the last one is the first that does
        not vanish identically.
    order : int
        The order :math:`p` for generic hyper-parameters.
    special_orders : dict
        ``{beta: order}`` for the real momenta in [-1, 1] at which the order is
        higher (and the method still consistent). Solutions that depend on extra
        hyper-parameters are kept unless they provably lie outside [-1, 1].

    See Also
    --------
    consistency : the function that returns it.

    Examples
    --------
    >>> consistency("gd").order
    1
    """

    rho_at_one: sp.Expr
    derivative_gap: sp.Expr
    error_constants: tuple[sp.Expr, ...]
    order: int
    special_orders: dict

    _repr_latex_ = latex_record


def _error_constants(rho: sp.Expr, sigma: sp.Expr, count: int) -> list[sp.Expr]:
    a = sp.Poly(rho, S.z).all_coeffs()[::-1]
    b = sp.Poly(sigma, S.z).all_coeffs()[::-1]
    b += [0] * (len(a) - len(b))
    out = [sp.simplify(sum(a))]
    for q in range(1, count):
        c = sum(sp.Integer(j) ** q * a[j] / factorial(q)
                - sp.Integer(j) ** (q - 1) * b[j] / factorial(q - 1) for j in range(len(a)))
        out.append(sp.factor(sp.simplify(c)))
    return out


def _order(constants: list[sp.Expr]) -> int:
    for q, c in enumerate(constants):
        if sp.simplify(c) != 0:
            return q - 1
    return len(constants) - 1


@cache
def _consistency(method: Method) -> Consistency:
    rho, sigma, _ = _lmm(method)
    k = sp.Poly(rho, S.z).degree()
    count = 2 * k + 3  # an LMM with k steps has order at most 2k
    consts = _error_constants(rho, sigma, count)
    order = _order(consts)
    special: dict = {}
    if method.has_momentum and order + 1 < count:
        drho1 = sp.diff(rho, S.z).subs(S.z, 1)
        for b in sp.solve(sp.numer(sp.together(consts[order + 1])), S.beta):
            inside = sp.And(b >= -1, b <= 1)
            if inside is sp.false or sp.simplify(drho1.subs(S.beta, b)) == 0:
                continue
            at = _error_constants(sp.expand(rho.subs(S.beta, b)),
                                  sp.expand(sp.cancel(sigma).subs(S.beta, b)), count)
            special[sp.simplify(b)] = _order(at)
    return Consistency(
        rho_at_one=sp.simplify(rho.subs(S.z, 1)),
        derivative_gap=sp.simplify(sp.diff(rho, S.z).subs(S.z, 1) - sigma.subs(S.z, 1)),
        error_constants=tuple(consts[: order + 2]),
        order=order,
        special_orders=special,
    )


@fill_doc()
def consistency(method: str | Method) -> Consistency:
    """Consistency conditions, error constants and order of the LMM reading.

    With :math:`\\rho(z) = \\sum_j a_j z^j` and :math:`\\sigma(z) = \\sum_j b_j z^j`
    the error constants are

    .. math:: C_0 = \\sum_j a_j, \\qquad
              C_q = \\sum_j \\Big(\\frac{j^q a_j}{q!} - \\frac{j^{q-1} b_j}{(q-1)!}\\Big),

    so that the LMM applied to a smooth :math:`x(t)` leaves the residual
    :math:`\\sum_q C_q h_t^q x^{(q)}(t)`. The order is the largest :math:`p` with
    :math:`C_0 = \\dots = C_p = 0`.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    Consistency
        ``rho_at_one``, ``derivative_gap``, ``error_constants``, ``order`` and
        ``special_orders``.

    See Also
    --------
    lmm_polynomials, zero_stability

    Examples
    --------
    >>> c = consistency("heavy_ball")
    >>> c.rho_at_one, c.derivative_gap, c.order
    (0, 0, 1)
    >>> c.error_constants[-1]
    (beta + 1)/2
    >>> c.special_orders  # leapfrog: x_{k+1} - x_{k-1} = -2 h_t lambda x_k
    {-1: 2}
    >>> consistency("nesterov").special_orders
    {}
    """
    return _consistency(get_method(method))


# --------------------------------------------------------------------------
# Zero stability
# --------------------------------------------------------------------------


class ZeroStability(NamedTuple):
    """Roots of :math:`\\rho` and the root condition (see :func:`zero_stability`).

    Attributes
    ----------
    roots : tuple of Expr
        The roots of :math:`\\rho`, with multiplicity.
    condition : Boolean
        The root condition as a relation on real ``beta`` (``True`` for methods
        without momentum), or an unreduced Boolean.

    See Also
    --------
    zero_stability : the function that returns it.

    Examples
    --------
    >>> zero_stability("gd").roots
    (1,)
    """

    roots: tuple[sp.Expr, ...]
    condition: Boolean

    _repr_latex_ = latex_record


def _reduce(rel, var) -> sp.Set:
    return sp.solveset(rel, var, sp.S.Reals)


@cache
def _zero_stability(method: Method) -> ZeroStability:
    rho = _lmm(method).rho
    found = sp.roots(sp.Poly(rho, S.z))
    roots: list[sp.Expr] = []
    for r, mult in found.items():
        roots.extend([sp.simplify(r)] * mult)
    if len(roots) != sp.Poly(rho, S.z).degree():
        raise ValueError(f"SymPy found no closed form for the roots of rho of {method.name!r}")
    inside = [sp.Abs(r) <= 1 for r in roots]
    on_circle = [sp.Eq(sp.Abs(r), 1) for r in roots]
    pairs = []
    for i, j in combinations(range(len(roots)), 2):
        same = sp.simplify(roots[i] - roots[j]) == 0
        pairs.append((on_circle[i], None if same else sp.Eq(roots[i], roots[j])))
    if not method.has_momentum or not any(r.has(S.beta) for r in roots):
        cond = sp.And(*inside, *[sp.Not(sp.And(o, e) if e is not None else o)
                                 for o, e in pairs])
        return ZeroStability(tuple(roots), sp.simplify(cond))
    try:
        good = sp.S.Reals
        for rel in inside:
            good = good.intersect(_reduce(rel, S.beta))
        for o, e in pairs:
            bad = _reduce(o, S.beta)
            if e is not None:
                bad = bad.intersect(_reduce(e, S.beta))
            good = good - bad
        cond = good.as_relational(S.beta)
    except (NotImplementedError, TypeError, ValueError):  # leave it unreduced
        cond = sp.And(*inside, *[sp.Not(sp.And(o, e) if e is not None else o)
                                 for o, e in pairs])
    return ZeroStability(tuple(roots), cond)


@fill_doc()
def zero_stability(method: str | Method) -> ZeroStability:
    """Roots of :math:`\\rho` and the root condition for zero stability.

    The LMM is zero-stable when every root of :math:`\\rho` has modulus at most one
    and those of modulus one are simple. The condition is reduced to a relation on
    real ``beta`` when SymPy can (left as an unreduced Boolean otherwise).

    Parameters
    ----------
    %(method)s

    Returns
    -------
    ZeroStability
        ``(roots, condition)``.

    See Also
    --------
    consistency, lmm_polynomials

    Examples
    --------
    >>> zero_stability("heavy_ball")
    ZeroStability(roots=(1, beta), condition=(-1 <= beta) & (beta < 1))
    >>> zero_stability("gd").condition
    True
    """
    return _zero_stability(get_method(method))


# --------------------------------------------------------------------------
# Numeric: boundary locus and absolute stability
# --------------------------------------------------------------------------


class BoundaryLocus(NamedTuple):
    """Angles :math:`\\theta` (shape ``(n,)``) and points :math:`w(\\theta)`.

    Attributes
    ----------
    theta : ndarray
        Angles in :math:`[0, 2\\pi]`, shape ``(n,)``.
    points : ndarray of complex
        The boundary locus :math:`w(\\theta) = -\\rho(e^{i\\theta})/s(e^{i\\theta})` in
        the complex ``alpha*lambda`` plane, broadcast over the hyper-parameters with
        ``theta`` last.

    See Also
    --------
    boundary_locus : the function that returns it.

    Examples
    --------
    >>> locus = boundary_locus("gd", n=5)
    >>> locus.points.round(12) + 0
    array([0.+0.j, 1.-1.j, 2.+0.j, 1.+1.j, 0.+0.j])
    """

    theta: np.ndarray
    points: np.ndarray


def _param_symbols(method: Method) -> list[sp.Symbol]:
    syms = S.hyperparameter_symbols(method)
    names = (["beta"] if method.has_momentum else []) + list(method.extra_hyperparameters)
    return [syms[n] for n in names]


@cache
def _coefficient_function(method: Method) -> Callable:
    rho, s = _split(method)
    k = sp.Poly(rho, S.z).degree()
    rc = sp.Poly(rho, S.z).all_coeffs()
    sc = sp.Poly(s, S.z).all_coeffs()
    sc = [sp.Integer(0)] * (k + 1 - len(sc)) + sc
    return compile_numpy(_param_symbols(method), [rc, sc])


def _params(m: Method, beta, hyperparameters) -> list[np.ndarray]:
    b = check_beta(beta, m)
    extra = check_hyperparameters(m, hyperparameters)
    return ([b] if m.has_momentum else []) + [extra[h] for h in m.extra_hyperparameters]


def _horner(coeffs, z: np.ndarray, shape: tuple) -> np.ndarray:
    out = np.zeros((*shape, z.size), dtype=complex)
    for c in coeffs:
        out = out * z + np.asarray(c, dtype=float)[..., None]
    return out


@fill_doc()
def boundary_locus(method: str | Method, beta=None, *, n: int = 721,
                   **hyperparameters) -> BoundaryLocus:
    """Boundary locus of the absolute-stability region in the complex ``alpha*lambda`` plane.

    .. math:: w(\\theta) = -\\frac{\\rho(e^{i\\theta})}{s(e^{i\\theta})},
              \\qquad 0 \\le \\theta \\le 2\\pi,

    the values of :math:`\\alpha\\lambda` at which :math:`e^{i\\theta}` is a root of the
    characteristic polynomial. The region where all roots lie strictly inside the unit
    circle is bounded by (parts of) this curve. The region does not depend on
    ``alpha`` alone, so ``alpha`` is not an argument.

    Parameters
    ----------
    %(method)s
    beta : array_like or None
        Momentum in [-1, 1]; None for methods without one. Arrays broadcast with the
        extra hyper-parameters and add leading axes.
    n : int
        Number of angles, evenly spaced on :math:`[0, 2\\pi]` (both ends included).
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    BoundaryLocus
        ``theta`` of shape ``(n,)`` and complex ``points`` of shape
        ``broadcast_shape + (n,)`` (infinite where :math:`s(e^{i\\theta}) = 0`).

    See Also
    --------
    absolute_stability_mask, real_stability_interval

    Examples
    --------
    Heavy ball's locus is the ellipse :math:`(1+\\beta)(1-\\cos\\theta)
    - i(1-\\beta)\\sin\\theta`:

    >>> loc = boundary_locus("heavy_ball", 0.5, n=5)
    >>> loc.points.real.round(12) + 0.0
    array([0. , 1.5, 3. , 1.5, 0. ])
    >>> loc.points.imag.round(12) + 0.0
    array([ 0. , -0.5,  0. ,  0.5,  0. ])
    """
    m = get_method(method)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n (the number of angles) must be an integer >= 2; got {n!r}")
    params = _params(m, beta, hyperparameters)
    names = (["beta"] if m.has_momentum else []) + list(m.extra_hyperparameters)
    shape = broadcast(*zip(params, names, strict=True))
    rc, sc = _coefficient_function(m)(*params)
    theta = np.linspace(0.0, 2 * np.pi, int(n))
    z = np.exp(1j * theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -_horner(rc, z, shape) / _horner(sc, z, shape)
    return BoundaryLocus(theta, w)


@fill_doc()
def absolute_stability_mask(method: str | Method, alpha, beta=None, hl=None, **hyperparameters):
    """Whether the method is absolutely stable at complex ``hl = alpha*lambda``.

    True where every root of :math:`p(z) = \\rho(z) + h\\,s(z)` lies strictly inside the
    unit circle, computed as ``spectral_radius(method, alpha, beta, hl/alpha) < 1``.

    Parameters
    ----------
    %(method)s
    alpha : array_like
        Learning rate (> 0); only converts ``hl`` to a curvature.
    beta : array_like or None
        Momentum in [-1, 1]; None for methods without one. Broadcasts with ``hl``
        and the extra hyper-parameters.
    hl : array_like
        Real or complex values of :math:`\\alpha\\lambda`.
    **hyperparameters : array_like
        The method's other hyper-parameters (e.g. ``nu`` for QHM).

    Returns
    -------
    bool or ndarray of bool
        Broadcast over ``alpha``, ``beta``, ``hl`` and extra hyper-parameters.

    See Also
    --------
    boundary_locus : the boundary of the region.
    real_stability_interval : its real part.

    Examples
    --------
    >>> absolute_stability_mask("heavy_ball", 1.0, 0.5, [1.0, 1.5 + 0.4j, 1.5 + 0.6j, 3.1])
    array([ True,  True, False, False])
    """
    m = get_method(method)
    a = check_alpha(alpha)
    if hl is None:
        raise TypeError("hl (the values of alpha*lambda) is required")
    h = as_number_array(hl, "hl", allow_complex=True)
    params = _params(m, beta, hyperparameters)
    names = (["beta"] if m.has_momentum else []) + list(m.extra_hyperparameters)
    shape = broadcast((a, "alpha"), (h, "hl"), *zip(params, names, strict=True))
    curvature = np.broadcast_to(h / a, shape).astype(complex)
    return to_output(spectral_radius(m, a, beta, curvature, **hyperparameters) < 1.0)


# --------------------------------------------------------------------------
# Exact stability interval on the real axis
# --------------------------------------------------------------------------


def _exact(value) -> sp.Expr:
    if isinstance(value, sp.Basic):
        return sp.nsimplify(value)
    return sp.Rational(repr(float(value)))


def _real_candidates(a: list, b: list) -> list[sp.Expr]:
    """Real h = -rho(z)/s(z) with |z| = 1: crossings of the real axis by the locus.

    With real coefficients and z = e^{i theta}, c = cos(theta):
    rho(z) s(1/z) = R(c) + i sin(theta) Q(c) and |s(z)|^2 = N(c), so w = -R/N and
    Im w = 0 where sin(theta) = 0 or Q(c) = 0. When Q vanishes identically the locus
    runs along the real axis and its extremes are the candidates.
    """
    R = Q = N = sp.Integer(0)
    for j, aj in enumerate(a):
        for k, bk in enumerate(b):
            d = j - k
            R += aj * bk * sp.chebyshevt(abs(d), _c)
            if d:
                Q += aj * bk * sp.sign(d) * sp.chebyshevu(abs(d) - 1, _c)
    for k, bk in enumerate(b):
        for l_, bl in enumerate(b):
            N += bk * bl * sp.chebyshevt(abs(k - l_), _c)
    R, Q, N = (sp.expand(e) for e in (R, Q, N))
    if Q == 0:
        crit = sp.expand(sp.diff(R, _c) * N - R * sp.diff(N, _c))
        inner = sp.Poly(crit, _c).real_roots() if crit != 0 else []
    else:
        inner = sp.Poly(Q, _c).real_roots()
    cs = {sp.Integer(-1), sp.Integer(1)} | {c for c in inner if -1 < c < 1}
    out = []
    for c in cs:
        nc = N.subs(_c, c)
        if sp.simplify(nc) == 0:
            continue
        out.append(sp.simplify(-R.subs(_c, c) / nc))
    out.sort(key=float)
    unique: list[sp.Expr] = []
    for w in out:
        if not unique or sp.simplify(w - unique[-1]) != 0:
            unique.append(w)
    return unique


@fill_doc()
def real_stability_interval(method: str | Method, beta=None, **hyperparameters) -> sp.Set:
    """The exact set of real ``alpha*lambda`` where the method is absolutely stable.

    The boundary locus crosses the real axis at :math:`\\theta = 0, \\pi` and where
    :math:`\\operatorname{Im} w(\\theta) = 0`; these crossings are computed exactly
    (``beta`` is read as the exact decimal it prints as, e.g. ``0.9 = 9/10``).
    Stability can change only there, so each open interval between consecutive
    crossings is classified by one exact test (Jury / Schur-Cohn conditions of
    :func:`momentum_dynamics.symbolic.stability_conditions`).

    Parameters
    ----------
    %(method)s
    beta : float, Rational or None
        A single momentum in [-1, 1]; None for methods without one.
    **hyperparameters
        Extra hyper-parameters (single values).

    Returns
    -------
    sympy.Set
        An open interval (or union of them, or the empty set).

    See Also
    --------
    absolute_stability_mask, boundary_locus

    Examples
    --------
    >>> real_stability_interval("heavy_ball", 0.9)
    Interval.open(0, 19/5)
    >>> real_stability_interval("nesterov", 0.9)
    Interval.open(0, 19/14)
    >>> real_stability_interval("gd")
    Interval.open(0, 2)
    """
    m = get_method(method)
    params = _params(m, beta, hyperparameters)
    if any(np.ndim(p) for p in params):
        raise ValueError("real_stability_interval takes single values of beta and the "
                         "extra hyper-parameters, not arrays")
    raw = ([beta] if m.has_momentum else []) + [hyperparameters[h]
                                                 for h in m.extra_hyperparameters]
    # Exact SymPy numbers stay exact; anything else is read from its validated value
    # (a complex 0.9+0j, a 0-d array, ... all become the float they stand for).
    exact = [v if isinstance(v, sp.Basic) else float(p) for v, p in zip(raw, params, strict=True)]
    subs = dict(zip(_param_symbols(m), (_exact(v) for v in exact), strict=True))
    rho, s = _split(m)
    a = [sp.nsimplify(c) for c in sp.Poly(rho.subs(subs), S.z).all_coeffs()[::-1]]
    b = [sp.nsimplify(c) for c in sp.Poly(s.subs(subs), S.z).all_coeffs()[::-1]]
    cand = _real_candidates(a, b)
    stable_at = S.stability_conditions(m).subs(subs).subs(S.alpha, 1)

    def stable(h) -> bool:
        return bool(stable_at.subs(S.curvature, h))

    edges = [-sp.oo, *cand, sp.oo]
    result: sp.Set = sp.S.EmptySet
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if lo == -sp.oo and hi == sp.oo:
            probe = sp.Integer(0)
        elif lo == -sp.oo:
            probe = sp.floor(hi) - 1
        elif hi == sp.oo:
            probe = sp.ceiling(lo) + 1
        else:
            probe = sp.Rational((float(lo) + float(hi)) / 2)
        if stable(probe):
            result = result | sp.Interval.open(lo, hi)
    return result

"""The update rule read as a mass-spring-damper; critical damping; poles.

See :mod:`momentum_dynamics.physics` for the derivation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from .. import numeric
from .. import symbolic as S
from .._compile import compile_numpy
from .._validation import (
    broadcast,
    check_alpha,
    check_beta,
    check_hyperparameters,
    check_nonempty,
    check_positive,
    to_output,
)
from ..methods import Method
from ._common import _check_dt, _second_order

__all__ = [
    "dt",
    "MassSpringDamper",
    "mass_spring_damper_symbolic",
    "mass_spring_damper",
    "CriticalDampingSymbolic",
    "critical_damping_symbolic",
    "CriticalDampingComparison",
    "critical_damping_comparison",
    "PoleCorrespondence",
    "pole_correspondence",
]

#: The time step of the finite-difference reading (a positive SymPy symbol).
dt = _DT = sp.Symbol("dt", positive=True)


# --------------------------------------------------------------------------
# Mass-spring-damper
# --------------------------------------------------------------------------


class MassSpringDamper(NamedTuple):
    """The update rule read as :math:`m\\ddot x + c\\dot x + k x = 0`.

    Attributes
    ----------
    mass : float, ndarray or sympy.Expr
        The mass :math:`m`.
    damping : float, ndarray or sympy.Expr
        The damping :math:`c` (its part proportional to the curvature is
        ``hessian_damping``).
    stiffness : float, ndarray or sympy.Expr
        :math:`k`, equal to the curvature by the choice of scale.
    natural_frequency : float, ndarray or sympy.Expr
        :math:`\\omega_n = \\sqrt{k/m}` (per unit of time, ``dt`` per step).
    damping_ratio : float, ndarray or sympy.Expr
        :math:`\\zeta = c / (2\\sqrt{mk})`, independent of ``dt``.
    hessian_damping : float, ndarray or sympy.Expr
        The curvature-dependent part of ``damping``, :math:`c - c|_{\\lambda=0}` (zero
        for heavy ball, :math:`\\beta\\lambda\\Delta t` for Nesterov).

    See Also
    --------
    mass_spring_damper, mass_spring_damper_symbolic : return it.

    Examples
    --------
    >>> mass_spring_damper("heavy_ball", 0.01, 0.9, 1.0).damping_ratio
    0.5
    """

    mass: object
    damping: object
    stiffness: object
    natural_frequency: object
    damping_ratio: object
    hessian_damping: object


class _MSDCoefficients(NamedTuple):
    M: sp.Expr
    C: sp.Expr
    K: sp.Expr
    gain: sp.Expr  # K / lambda


@cache
def _msd_coefficients(method: Method) -> _MSDCoefficients:
    """Solve z^{-1} p(z) = M (z - 2 + 1/z) + C (1 - 1/z) + K for M, C, K."""
    M, C, K = sp.symbols("M C K")
    p = S.model(method).charpoly
    if p.degree() != 2:
        raise ValueError(f"method {method.name!r} is not a two-step recurrence")
    w = sp.Symbol("w")  # 1/z
    lhs = sp.expand(p.as_expr() / S.z)
    rhs = M * (S.z - 2 + 1 / S.z) + C * (1 - 1 / S.z) + K
    diff = sp.expand((lhs - rhs).subs(S.z, 1 / w) * w)  # polynomial in w of degree 2
    eqs = sp.Poly(diff, w).all_coeffs()
    sol = sp.solve(eqs, [M, C, K], dict=True)
    if len(sol) != 1:
        raise ValueError(f"no unique mass-spring-damper reading of {method.name!r}")
    Ms, Cs, Ks = (sp.factor(sp.expand(sol[0][v])) for v in (M, C, K))
    gain = sp.simplify(Ks / S.curvature)
    if gain.has(S.curvature) or gain == 0:
        raise ValueError(
            f"the stiffness term of {method.name!r} ({Ks}) is not proportional to the "
            "curvature; it cannot be scaled to k = lambda"
        )
    return _MSDCoefficients(Ms, Cs, Ks, gain)


@cache
def _msd_symbolic(method: Method) -> MassSpringDamper:
    co = _msd_coefficients(method)
    scale = co.gain  # divide the recurrence by K/lambda so that k = lambda
    m = sp.factor(co.M * _DT**2 / scale)
    c = sp.factor(co.C * _DT / scale)
    k = S.curvature
    zeta = sp.factor(co.C / (2 * sp.sqrt(co.M * co.K)))
    zeta = sp.factor(sp.powsimp(S.from_sqrt_h(S.to_sqrt_h(zeta)), force=True))
    omega = sp.sqrt(sp.factor(k / m))
    hess = sp.factor(sp.expand(c - c.subs(S.curvature, 0)))
    return MassSpringDamper(m, c, k, omega, zeta, hess)


def mass_spring_damper_symbolic(method: str | Method) -> MassSpringDamper:
    """Mass, damping, stiffness, natural frequency and damping ratio as SymPy expressions.

    Derived from the characteristic polynomial :math:`p(z)` by matching

    .. math:: z^{-1}p(z) = M(z - 2 + z^{-1}) + C(1 - z^{-1}) + K

    (three linear equations in :math:`M, C, K`), reading the recurrence as
    :math:`M\\Delta t^2\\ddot x + C\\Delta t\\dot x + K x = 0` and dividing it by
    :math:`K/\\lambda` so that the stiffness is the curvature ``lambda``; the time step
    is the symbol :data:`dt`.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum (``"heavy_ball"``, ``"nesterov"``,
        ``"ema_momentum"``, ...). Gradient descent has no mass (ValueError).

    Returns
    -------
    MassSpringDamper
        Fields as SymPy expressions in ``alpha``, ``beta``, ``lambda`` and ``dt``.

    See Also
    --------
    mass_spring_damper : the numeric values.
    momentum_dynamics.symbolic.characteristic_polynomial : what it is read from.

    Examples
    --------
    >>> hb = mass_spring_damper_symbolic("heavy_ball")
    >>> hb.mass, hb.damping, hb.stiffness
    (dt**2/alpha, -dt*(beta - 1)/alpha, lambda)
    >>> hb.damping_ratio
    -(beta - 1)/(2*sqrt(alpha)*sqrt(lambda))
    >>> mass_spring_damper_symbolic("nesterov").hessian_damping
    beta*dt*lambda
    """
    return _msd_symbolic(_second_order(method))


@cache
def _msd_function(method: Method) -> Callable:
    syms = S.hyperparameter_symbols(method)
    args = [syms[k] for k in method.hyperparameters] + [S.curvature, _DT]
    return compile_numpy(args, list(_msd_symbolic(method)))


def mass_spring_damper(method, alpha, beta, curvature, dt=1.0, **hyperparameters):
    """The update rule as the finite-difference form of :math:`m\\ddot x + c\\dot x + kx = 0`.

    Numeric counterpart of :func:`mass_spring_damper_symbolic`; broadcasts over all
    arguments. For heavy ball

    .. math:: m = \\frac{\\Delta t^2}{\\alpha}, \\quad c = \\frac{(1-\\beta)\\Delta t}{\\alpha},
              \\quad k = \\lambda, \\quad
              \\zeta = \\frac{1-\\beta}{2\\sqrt{\\alpha\\lambda}}, \\quad
              \\omega_n = \\frac{\\sqrt{\\alpha\\lambda}}{\\Delta t};

    ``dt = 1`` gives the usual mass :math:`1/\\alpha` and damping
    :math:`(1-\\beta)/\\alpha`; ``dt = sqrt(alpha)`` gives unit mass and the heavy-ball
    ODE (:func:`heavy_ball_ode`). Nesterov adds the Hessian damping
    :math:`\\beta\\lambda\\Delta t`.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.
    alpha : array_like
        Learning rate, > 0.
    beta : array_like
        Momentum in [-1, 1].
    curvature : array_like
        Curvature lambda, > 0 (the stiffness; zeta and omega_n need it positive).
    dt : array_like
        Physical time per step, > 0.
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    MassSpringDamper
        Arrays (Python floats for scalar input).

    See Also
    --------
    mass_spring_damper_symbolic : the same as SymPy expressions.
    pd_gains : the reading as a PD controller.
    ode_parameters : the unit-mass time step and friction.

    Examples
    --------
    >>> msd = mass_spring_damper("heavy_ball", alpha=0.01, beta=0.9, curvature=1.0)
    >>> round(msd.mass, 12), round(msd.damping, 12), msd.stiffness, msd.damping_ratio
    (100.0, 10.0, 1.0, 0.5)
    >>> mass_spring_damper("nesterov", 0.01, 0.9, 1.0).hessian_damping
    0.9
    """
    m = _second_order(method)
    a = check_alpha(alpha)
    b = check_beta(beta, m)
    lam = check_positive(curvature, "curvature", "the stiffness; zeta and omega_n need k > 0")
    dts = _check_dt(dt)
    extra = check_hyperparameters(m, hyperparameters)
    named = [(a, "alpha"), (b, "beta"), (lam, "curvature"), (dts, "dt")]
    shape = broadcast(*named, *[(v, k) for k, v in extra.items()])
    vals = {"alpha": a, "beta": b, **extra}
    f = _msd_function(m)
    out = f(*[vals[k] for k in m.hyperparameters], lam, dts)
    return MassSpringDamper(*(to_output(np.broadcast_to(np.asarray(o, float), shape))
                              for o in out))


# --------------------------------------------------------------------------
# Critical damping: continuous (zeta = 1) versus exact discrete
# --------------------------------------------------------------------------


class CriticalDampingSymbolic(NamedTuple):
    """Critical momentum: exact discrete, continuous (``zeta = 1``) and their difference.

    Attributes
    ----------
    exact : sympy.Expr
        The exact discrete critical momentum (double pole of the iteration).
    continuous : sympy.Expr
        The momentum giving damping ratio one in the mass-spring-damper reading.
    difference : sympy.Expr
        ``exact - continuous``.

    See Also
    --------
    critical_damping_symbolic : returns it.

    Examples
    --------
    >>> critical_damping_symbolic("heavy_ball").difference
    alpha*lambda
    """

    exact: sp.Expr
    continuous: sp.Expr
    difference: sp.Expr


@cache
def _critical_symbolic(method: Method) -> CriticalDampingSymbolic:
    co = _msd_coefficients(method)
    # zeta = 1  <=>  C**2 = 4 M K with C > 0; solved in s = sqrt(alpha*lambda).
    eq = S.to_sqrt_h(sp.numer(sp.together(co.C**2 - 4 * co.M * co.K)))
    exact_s = S.model(method).critical
    exact_s = exact_s.stable.beta
    probe = {S.sqrt_h: sp.Rational(1, 2), S.alpha: 1}
    probe.update({sym: sp.Rational(1, 2) for n, sym in S.hyperparameter_symbols(method).items()
                  if n not in ("alpha", "beta")})
    cands = []
    for sol in sp.solve(eq, S.beta):
        sol = sp.factor(sp.simplify(sol))
        Cv = complex(S.to_sqrt_h(co.C).subs(S.beta, sol).subs(probe))
        if sol.has(sp.I) or abs(Cv.imag) > 1e-12 or Cv.real <= 0:
            continue
        cands.append(sol)
    if not cands:
        raise ValueError(f"damping ratio one has no solution in beta for {method.name!r}")
    ex = complex(exact_s.subs(probe))
    cont_s = min(cands, key=lambda e: abs(complex(e.subs(probe)) - ex))
    diff = sp.factor(sp.simplify(exact_s - cont_s))
    return CriticalDampingSymbolic(
        S.from_sqrt_h(exact_s),
        sp.factor(S.from_sqrt_h(cont_s)),
        _tidy(S.from_sqrt_h(diff)),
    )


def _tidy(expr: sp.Expr) -> sp.Expr:
    """Numerator and denominator expanded (sqrt(alpha)*sqrt(lambda) squared away), factored."""
    num, den = sp.fraction(sp.together(expr))
    return sp.factor(sp.expand(num)) / sp.factor(sp.expand(den))


def critical_damping_symbolic(method: str | Method) -> CriticalDampingSymbolic:
    """Exact discrete critical momentum against the continuous ``zeta = 1`` answer.

    ``continuous`` solves :math:`\\zeta = 1` of :func:`mass_spring_damper_symbolic`
    for ``beta``; ``exact`` is :func:`momentum_dynamics.symbolic.critical_beta`
    (the double pole of the recurrence); ``difference = exact - continuous``.

    For heavy ball the difference is exactly :math:`\\alpha\\lambda`; for Nesterov
    (whose ``zeta = 1`` includes its Hessian damping) it is
    :math:`\\alpha\\lambda/(1-\\alpha\\lambda)`.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.

    Returns
    -------
    CriticalDampingSymbolic
        SymPy expressions in ``alpha`` and ``lambda``.

    See Also
    --------
    critical_damping_comparison : the numeric comparison over a grid.
    momentum_dynamics.symbolic.critical_beta : the exact discrete answer.

    Examples
    --------
    >>> hb = critical_damping_symbolic("heavy_ball")
    >>> hb.exact, hb.continuous, hb.difference
    ((sqrt(alpha)*sqrt(lambda) - 1)**2, -2*sqrt(alpha)*sqrt(lambda) + 1, alpha*lambda)
    >>> critical_damping_symbolic("nesterov").difference
    -alpha*lambda/(alpha*lambda - 1)
    """
    return _critical_symbolic(_second_order(method))


@cache
def _critical_continuous_function(method: Method) -> Callable:
    syms = S.hyperparameter_symbols(method)
    extras = [syms[k] for k in method.extra_hyperparameters]
    expr = _critical_symbolic(method).continuous
    return compile_numpy([S.alpha, S.curvature, *extras], expr)


class CriticalDampingComparison(NamedTuple):
    """Critical momentum over a grid of ``alpha*lambda`` (``alpha = 1``).

    Attributes
    ----------
    alpha_lambda : (n,) ndarray
        The grid of ``alpha*lambda``.
    exact : (n,) ndarray
        Exact discrete critical beta (NaN where none is stable).
    continuous : (n,) ndarray
        The ``zeta = 1`` answer of the mass-spring-damper reading.
    leading_order : (n,) ndarray
        :func:`momentum_dynamics.continuous_critical_beta`, the leading
        small-``alpha*lambda`` term (equal to ``continuous`` for heavy ball).
    difference : (n,) ndarray
        ``exact - continuous``.
    continuous_valid : (n,) bool ndarray
        True where ``continuous`` lies in [-1, 1] and gives a stable iteration.
    exact_rate, continuous_rate : (n,) ndarray
        Spectral radius of the iteration at each choice (NaN where the beta is
        outside [-1, 1]).

    See Also
    --------
    critical_damping_comparison : computes it.

    Examples
    --------
    >>> c = critical_damping_comparison("heavy_ball", [0.25])
    >>> c.exact_rate, c.continuous_rate
    (array([0.5]), array([1.]))
    """

    alpha_lambda: np.ndarray
    exact: np.ndarray
    continuous: np.ndarray
    leading_order: np.ndarray
    difference: np.ndarray
    continuous_valid: np.ndarray
    exact_rate: np.ndarray
    continuous_rate: np.ndarray


def _rate_where_valid(m: Method, beta: np.ndarray, al: np.ndarray, extra: dict) -> np.ndarray:
    ok = np.isfinite(beta) & (beta >= -1) & (beta <= 1)
    b = np.where(ok, beta, 0.0)
    rho = np.asarray(numeric.spectral_radius(m, 1.0, b, al, **extra), float)
    return np.where(ok, rho, np.nan)


def critical_damping_comparison(method="heavy_ball", alpha_lambda=None,
                                **hyperparameters) -> CriticalDampingComparison:
    """Continuous-time (``zeta = 1``) versus exact discrete critical momentum.

    Trust the exact discrete one (:func:`momentum_dynamics.critical_beta`): it makes
    the two poles of the *iteration* coincide, so the iterates decay like
    :math:`(1 - \\sqrt{\\alpha\\lambda})^k` (heavy ball). The continuous answer
    :math:`1 - 2\\sqrt{\\alpha\\lambda}` (heavy ball) is its small-step approximation,
    short by exactly :math:`\\alpha\\lambda`: it leaves the iteration overdamped and
    slower, and for heavy ball it is unstable beyond
    :math:`\\alpha\\lambda = (2\\sqrt2 - 2)^2 \\approx 0.686` and below ``beta = -1``
    beyond ``alpha*lambda = 1``.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.
    alpha_lambda : array_like, optional
        Positive, non-empty grid of ``alpha*lambda`` (default: 400 points log-spaced
        on [1e-4, 4)).
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    CriticalDampingComparison
        Both critical momenta, their difference and the rates they give.

    See Also
    --------
    critical_damping_symbolic : the same in closed form.
    momentum_dynamics.critical_beta : the exact discrete critical momentum.

    Examples
    --------
    >>> c = critical_damping_comparison("heavy_ball", [0.01, 0.25, 0.8])
    >>> np.round(c.exact, 4), np.round(c.continuous, 4), c.difference
    (array([0.81  , 0.25  , 0.0111]), array([ 0.8   ,  0.    , -0.7889]), array([0.01, 0.25, 0.8 ]))
    >>> c.continuous_valid
    array([ True,  True, False])
    """
    m = _second_order(method)
    al = np.logspace(-4, np.log10(3.99), 400) if alpha_lambda is None else \
        check_positive(alpha_lambda, "alpha_lambda", "step times curvature")
    al = np.atleast_1d(check_nonempty(np.asarray(al, float), "alpha_lambda"))
    extra = check_hyperparameters(m, hyperparameters)
    exact = np.asarray(numeric.critical_beta(m, 1.0, al, **extra), float)
    leading = np.asarray(numeric.continuous_critical_beta(m, 1.0, al, **extra), float)
    f = _critical_continuous_function(m)
    with np.errstate(invalid="ignore", divide="ignore"):
        cont = np.broadcast_to(np.asarray(f(1.0, al, *extra.values()), float), al.shape).copy()
    exact_rate = _rate_where_valid(m, exact, al, extra)
    cont_rate = _rate_where_valid(m, cont, al, extra)
    valid = np.isfinite(cont_rate) & (cont_rate < 1)
    return CriticalDampingComparison(al, exact, cont, leading, exact - cont, valid,
                                     exact_rate, cont_rate)


# --------------------------------------------------------------------------
# Discrete poles versus continuous poles through z = exp(s dt)
# --------------------------------------------------------------------------


class PoleCorrespondence(NamedTuple):
    """Poles of the iteration against those of its mass-spring-damper.

    Attributes
    ----------
    discrete : (..., 2) complex
        Poles ``z`` of the iteration (:func:`momentum_dynamics.poles`).
    continuous : (..., 2) complex
        Roots ``s`` of :math:`m s^2 + c s + k`, paired with ``discrete``.
    mapped : (..., 2) complex
        :math:`e^{s\\,\\Delta t}`, to be compared with ``discrete``.
    equivalent : (..., 2) complex
        :math:`\\log(z)/\\Delta t` (principal branch), to be compared with ``continuous``.
    error : (...,) float
        :math:`\\max |z - e^{s\\Delta t}|` over the pair.

    See Also
    --------
    pole_correspondence : computes it.

    Examples
    --------
    >>> pc = pole_correspondence("heavy_ball", 0.01, 0.9, 1.0)
    >>> pc.discrete.shape, pc.continuous.shape
    ((2,), (2,))
    """

    discrete: np.ndarray
    continuous: np.ndarray
    mapped: np.ndarray
    equivalent: np.ndarray
    error: np.ndarray


def _quadratic_roots(a, b, c):
    """Roots of a s^2 + b s + c (real coefficients, complex output), without cancellation."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, float) for v in (a, b, c)))
    disc = (b * b - 4 * a * c).astype(complex)
    sq = np.sqrt(disc)
    sign = np.where(b >= 0, 1.0, -1.0)
    real = disc.real >= 0
    q = np.where(real, -0.5 * (b + sign * sq), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        r1 = np.where(real, q / a, (-b + sq) / (2 * a))
        r2 = np.where(real, np.where(q != 0, c / np.where(q != 0, q, 1), 0.0),
                      (-b - sq) / (2 * a))
    return np.stack([r1, r2], axis=-1)


def pole_correspondence(method, alpha, beta, curvature, dt=1.0,
                        **hyperparameters) -> PoleCorrespondence:
    """Discrete poles versus the continuous ones mapped through :math:`z = e^{s\\Delta t}`.

    ``s`` are the roots of :math:`m s^2 + c s + k` of :func:`mass_spring_damper`.
    With the ODE held fixed and the step refined (heavy ball: ``alpha = dt**2``,
    ``beta = 1 - a*dt``), :math:`|z - e^{s\\Delta t}| = O(\\Delta t^2)` (the
    one-step error) and :math:`|\\log(z)/\\Delta t - s| = O(\\Delta t)`: the backward
    difference in the damping makes the reading first-order accurate. At critical
    damping (a double root) the error is larger, :math:`O(\\Delta t^{1/2})` in ``s``:
    a perturbed double root splits like the square root of the perturbation.

    Poles are paired to minimise the larger of the two distances.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.
    alpha : array_like
        Learning rate, > 0.
    beta : array_like
        Momentum in [-1, 1].
    curvature : array_like
        Curvature lambda, > 0.
    dt : array_like
        Physical time per step, > 0.
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    PoleCorrespondence
        Paired discrete and continuous poles, the mapped ones and the error.

    See Also
    --------
    mass_spring_damper : the continuous system.
    momentum_dynamics.poles : the discrete poles.

    Examples
    --------
    >>> pc = pole_correspondence("heavy_ball", alpha=1e-4, beta=1 - 1e-2, curvature=1.0,
    ...                          dt=1e-2)
    >>> np.round(np.sort_complex(pc.continuous), 4)
    array([-0.5-0.866j, -0.5+0.866j])
    >>> bool(pc.error < 1e-4)
    True
    """
    m = _second_order(method)
    msd = mass_spring_damper(m, alpha, beta, curvature, dt, **hyperparameters)
    z = np.asarray(numeric.poles(m, alpha, beta, curvature, **hyperparameters), complex)
    s = _quadratic_roots(msd.mass, msd.damping, msd.stiffness)
    dts = np.asarray(dt, float)[..., None]
    z, s = np.broadcast_arrays(z, s)
    mapped = np.exp(s * dts)
    err_same = np.max(np.abs(z - mapped), axis=-1)
    err_swap = np.max(np.abs(z - mapped[..., ::-1]), axis=-1)
    swap = (err_swap < err_same)[..., None]
    s = np.where(swap, s[..., ::-1], s)
    mapped = np.where(swap, mapped[..., ::-1], mapped)
    with np.errstate(divide="ignore"):
        equiv = np.log(z) / dts
    return PoleCorrespondence(z, s, mapped, equiv,
                              to_output(np.minimum(err_same, err_swap)))



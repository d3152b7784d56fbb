"""Momentum as physics: a mass-spring-damper, a PD controller and an ODE limit.

Three readings of the same two-step recurrence, each *derived* from the update rule
(through its characteristic polynomial,
:func:`momentum_dynamics.symbolic.characteristic_polynomial`) and each checked against
an independent computation in ``tests/test_physics.py``.

**Mass-spring-damper.** On the quadratic :math:`f(x) = \\lambda x^2/2` a two-state
method is the recurrence :math:`p(E)\\,x = 0` with :math:`E x_k = x_{k+1}`. Writing

.. math:: z^{-1} p(z) = M\\,(z - 2 + z^{-1}) + C\\,(1 - z^{-1}) + K

reads it as a central second difference (mass), a *backward* first difference
(damping) and a stiffness term at :math:`x_k`, i.e. as the finite-difference form of
:math:`m\\ddot x + c\\dot x + k x = 0` with :math:`\\ddot x \\approx (x_{k+1} - 2x_k +
x_{k-1})/\\Delta t^2`, :math:`\\dot x \\approx (x_k - x_{k-1})/\\Delta t`. Scaling so that
the stiffness is the curvature, :math:`k = \\lambda`, gives

.. math:: m = \\frac{M \\lambda}{K}\\Delta t^2, \\qquad c = \\frac{C\\lambda}{K}\\Delta t,
          \\qquad \\zeta = \\frac{c}{2\\sqrt{mk}} = \\frac{C}{2\\sqrt{MK}},
          \\qquad \\omega_n = \\sqrt{k/m}.

Heavy ball: :math:`M = 1`, :math:`C = 1-\\beta`, :math:`K = \\alpha\\lambda`, so
:math:`m = \\Delta t^2/\\alpha`, :math:`c = (1-\\beta)\\Delta t/\\alpha` and
:math:`\\zeta = (1-\\beta)/(2\\sqrt{\\alpha\\lambda})`; at :math:`\\Delta t = 1` this is
the seed's mass :math:`1/\\alpha` and damping :math:`(1-\\beta)/\\alpha`. Nesterov:
:math:`C = 1 - \\beta + \\alpha\\beta\\lambda`, an extra curvature-dependent (Hessian)
damping :math:`\\beta\\lambda\\Delta t`.

**PD controller.** :math:`m\\ddot x = -k_p x - k_d \\dot x` with :math:`k_p = \\lambda`
and :math:`k_d = c` (the seed's :math:`(1-\\beta)/\\alpha`), or on the unit-mass double
integrator :math:`\\ddot x = -(k_p/m) x - (k_d/m)\\dot x`; the closed loop is built with
python-control.

**ODE limits.** With time step :math:`\\Delta t = \\sqrt{\\alpha}` heavy ball is
:math:`\\ddot X + a\\dot X + \\nabla f(X) = 0`, :math:`a = (1-\\beta)/\\sqrt\\alpha`; Nesterov
with the schedule :math:`\\beta_k = (k-1)/(k+2)` tends to
:math:`\\ddot X + (3/t)\\dot X + \\nabla f(X) = 0` (Su, Boyd & Candès 2016); gradient
descent with :math:`\\Delta t = \\alpha` to gradient flow. :func:`discretisation_error`
measures the distance to the ODE and its order.

Which answer to trust. The continuous readings are approximations for small
:math:`\\alpha\\lambda`; the discrete formulas (poles of the recurrence, exact
:func:`momentum_dynamics.critical_beta`) are what the iteration does. See
:func:`critical_damping_comparison`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from ._lazy import lazy_function, lazy_module

if TYPE_CHECKING:
    import control
    from scipy.integrate import solve_ivp
else:
    control = lazy_module("control")
    solve_ivp = lazy_function("scipy.integrate", "solve_ivp")

from . import numeric
from . import symbolic as S
from ._validation import (
    as_real_array,
    broadcast,
    check_alpha,
    check_beta,
    check_hyperparameters,
    to_output,
)
from .lti import _scalar as _lti_scalar
from .lti import to_statespace
from .methods import Method, get_method
from .simulate import Quadratic

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
    "PDGains",
    "pd_gains",
    "MomentumParameters",
    "momentum_from_pd",
    "PDClosedLoop",
    "pd_closed_loop",
    "StepComparison",
    "pd_step_comparison",
    "HeavyBallODE",
    "heavy_ball_ode",
    "heavy_ball_from_ode",
    "nesterov_schedule",
    "ODETrajectory",
    "ode_trajectory",
    "discrete_trajectory",
    "DiscretisationError",
    "discretisation_error",
]

#: The time step of the finite-difference reading (a positive SymPy symbol).
dt = _DT = sp.Symbol("dt", positive=True)

_P = sp.Symbol("P", positive=True)  # k_p/m * dt**2 (unit-mass proportional gain)
_D = sp.Symbol("D", real=True)  # k_d/m * dt (unit-mass derivative gain)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def _positive(value, name: str, what: str) -> np.ndarray:
    arr = as_real_array(value, name)
    bad = arr <= 0
    if np.any(bad):
        first = arr[bad].flat[0].item()
        raise ValueError(f"{name} ({what}) must be > 0; got {first!r}")
    return arr


def _check_dt(value, name: str = "dt") -> np.ndarray:
    return _positive(value, name, "the time step")


def _second_order(method) -> Method:
    m = get_method(method)
    if m.order != 2 or not m.has_momentum:
        raise ValueError(
            f"method {m.name!r} has {m.order} state variable(s) and "
            f"{'a' if m.has_momentum else 'no'} momentum parameter: the mass-spring-damper "
            "reading needs a two-step recurrence with momentum beta (a second difference "
            "gives the mass). Gradient descent x_{k+1} = (1 - alpha*lambda) x_k is a "
            "one-step recurrence: massless, its limit is gradient flow c x' + k x = 0 "
            "(see ode_trajectory('gradient_flow', ...))"
        )
    return m


def _scalar(arr: np.ndarray, name: str) -> float:
    return float(_lti_scalar(arr, name))


# --------------------------------------------------------------------------
# Mass-spring-damper
# --------------------------------------------------------------------------


class MassSpringDamper(NamedTuple):
    """The update rule read as :math:`m\\ddot x + c\\dot x + k x = 0`.

    Attributes
    ----------
    mass : m
    damping : c (the part proportional to the curvature is ``hessian_damping``)
    stiffness : k, equal to the curvature by the choice of scale
    natural_frequency : :math:`\\omega_n = \\sqrt{k/m}` (per unit of time, ``dt`` per step)
    damping_ratio : :math:`\\zeta = c / (2\\sqrt{mk})`, independent of ``dt``
    hessian_damping : the curvature-dependent part of ``damping``,
        :math:`c - c|_{\\lambda=0}` (zero for heavy ball, :math:`\\beta\\lambda\\Delta t`
        for Nesterov)
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
    p = S._charpoly(method)
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
    zeta = sp.factor(sp.powsimp(S._from_s(S._in_s(zeta)), force=True))
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
    args = [syms[h] for h in method.hyperparameters] + [S.curvature, _DT]
    return sp.lambdify(args, list(_msd_symbolic(method)), modules="numpy")


def mass_spring_damper(method, alpha, beta, curvature, dt=1.0, **hyperparameters):
    """The update rule as the finite-difference form of :math:`m\\ddot x + c\\dot x + kx = 0`.

    Numeric counterpart of :func:`mass_spring_damper_symbolic`; broadcasts over all
    arguments. For heavy ball

    .. math:: m = \\frac{\\Delta t^2}{\\alpha}, \\quad c = \\frac{(1-\\beta)\\Delta t}{\\alpha},
              \\quad k = \\lambda, \\quad
              \\zeta = \\frac{1-\\beta}{2\\sqrt{\\alpha\\lambda}}, \\quad
              \\omega_n = \\frac{\\sqrt{\\alpha\\lambda}}{\\Delta t};

    ``dt = 1`` gives the seed's mass :math:`1/\\alpha` and damping
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

    Returns
    -------
    MassSpringDamper
        Arrays (Python floats for scalar input).

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
    lam = _positive(curvature, "curvature", "the stiffness; zeta and omega_n need k > 0")
    h = _check_dt(dt)
    extra = check_hyperparameters(m, hyperparameters)
    named = [(a, "alpha"), (b, "beta"), (lam, "curvature"), (h, "dt")]
    shape = broadcast(*named, *[(v, k) for k, v in extra.items()])
    vals = {"alpha": a, "beta": b, **extra}
    f = _msd_function(m)
    out = f(*[vals[k] for k in m.hyperparameters], lam, h)
    return MassSpringDamper(*(to_output(np.broadcast_to(np.asarray(o, float), shape))
                              for o in out))


# --------------------------------------------------------------------------
# Critical damping: continuous (zeta = 1) versus exact discrete
# --------------------------------------------------------------------------


class CriticalDampingSymbolic(NamedTuple):
    """Critical momentum: exact discrete, continuous (``zeta = 1``) and their difference."""

    exact: sp.Expr
    continuous: sp.Expr
    difference: sp.Expr


@cache
def _critical_symbolic(method: Method) -> CriticalDampingSymbolic:
    co = _msd_coefficients(method)
    # zeta = 1  <=>  C**2 = 4 M K with C > 0; solved in s = sqrt(alpha*lambda).
    eq = S._in_s(sp.numer(sp.together(co.C**2 - 4 * co.M * co.K)))
    exact_s = S._critical_in_s(method)
    exact_s = exact_s.solutions[exact_s.stable_index]
    probe = {S._s: sp.Rational(1, 2), S.alpha: 1}
    probe.update({sym: sp.Rational(1, 2) for n, sym in S.hyperparameter_symbols(method).items()
                  if n not in ("alpha", "beta")})
    cands = []
    for sol in sp.solve(eq, S.beta):
        sol = sp.factor(sp.simplify(sol))
        Cv = complex(S._in_s(co.C).subs(S.beta, sol).subs(probe))
        if sol.has(sp.I) or abs(Cv.imag) > 1e-12 or Cv.real <= 0:
            continue
        cands.append(sol)
    if not cands:
        raise ValueError(f"damping ratio one has no solution in beta for {method.name!r}")
    ex = complex(exact_s.subs(probe))
    cont_s = min(cands, key=lambda e: abs(complex(e.subs(probe)) - ex))
    diff = sp.factor(sp.simplify(exact_s - cont_s))
    return CriticalDampingSymbolic(
        S._from_s(exact_s),
        sp.factor(S._from_s(cont_s)),
        _tidy(S._from_s(diff)),
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
    extras = [syms[h] for h in method.extra_hyperparameters]
    expr = _critical_symbolic(method).continuous
    return sp.lambdify([S.alpha, S.curvature, *extras], expr, modules="numpy")


class CriticalDampingComparison(NamedTuple):
    """Critical momentum over a grid of ``alpha*lambda`` (``alpha = 1``).

    Attributes
    ----------
    alpha_lambda : (n,) array
    exact : exact discrete critical beta (NaN where none is stable)
    continuous : the ``zeta = 1`` answer of the mass-spring-damper reading
    leading_order : :func:`momentum_dynamics.continuous_critical_beta`, the
        leading small-``alpha*lambda`` term (equal to ``continuous`` for heavy ball)
    difference : ``exact - continuous``
    continuous_valid : True where ``continuous`` lies in [-1, 1] and gives a stable
        iteration
    exact_rate, continuous_rate : spectral radius of the iteration at each choice
        (NaN where the beta is outside [-1, 1])
    """

    alpha_lambda: np.ndarray
    exact: np.ndarray
    continuous: np.ndarray
    leading_order: np.ndarray
    difference: np.ndarray
    continuous_valid: np.ndarray
    exact_rate: np.ndarray
    continuous_rate: np.ndarray


def _rate_where_valid(m: Method, beta: np.ndarray, h: np.ndarray, extra: dict) -> np.ndarray:
    ok = np.isfinite(beta) & (beta >= -1) & (beta <= 1)
    b = np.where(ok, beta, 0.0)
    rho = np.asarray(numeric.spectral_radius(m, 1.0, b, h, **extra), float)
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
    alpha_lambda : array_like, optional
        Positive grid of ``alpha*lambda`` (default: 400 points log-spaced on
        [1e-4, 4)).

    Returns
    -------
    CriticalDampingComparison

    Examples
    --------
    >>> c = critical_damping_comparison("heavy_ball", [0.01, 0.25, 0.8])
    >>> np.round(c.exact, 4), np.round(c.continuous, 4), c.difference
    (array([0.81  , 0.25  , 0.0111]), array([ 0.8   ,  0.    , -0.7889]), array([0.01, 0.25, 0.8 ]))
    >>> c.continuous_valid
    array([ True,  True, False])
    """
    m = _second_order(method)
    h = np.logspace(-4, np.log10(3.99), 400) if alpha_lambda is None else \
        _positive(alpha_lambda, "alpha_lambda", "step times curvature")
    h = np.atleast_1d(np.asarray(h, float))
    extra = check_hyperparameters(m, hyperparameters)
    exact = np.asarray(numeric.critical_beta(m, 1.0, h, **extra), float)
    leading = np.asarray(numeric.continuous_critical_beta(m, 1.0, h, **extra), float)
    f = _critical_continuous_function(m)
    with np.errstate(invalid="ignore", divide="ignore"):
        cont = np.broadcast_to(np.asarray(f(1.0, h, *extra.values()), float), h.shape).copy()
    exact_rate = _rate_where_valid(m, exact, h, extra)
    cont_rate = _rate_where_valid(m, cont, h, extra)
    valid = np.isfinite(cont_rate) & (cont_rate < 1)
    return CriticalDampingComparison(h, exact, cont, leading, exact - cont, valid,
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
    h = np.asarray(dt, float)[..., None]
    z, s = np.broadcast_arrays(z, s)
    mapped = np.exp(s * h)
    err_same = np.max(np.abs(z - mapped), axis=-1)
    err_swap = np.max(np.abs(z - mapped[..., ::-1]), axis=-1)
    swap = (err_swap < err_same)[..., None]
    s = np.where(swap, s[..., ::-1], s)
    mapped = np.where(swap, mapped[..., ::-1], mapped)
    with np.errstate(divide="ignore"):
        equiv = np.log(z) / h
    return PoleCorrespondence(z, s, mapped, equiv,
                              to_output(np.minimum(err_same, err_swap)))


# --------------------------------------------------------------------------
# PD controller on a double integrator
# --------------------------------------------------------------------------


class PDGains(NamedTuple):
    """PD gains of a momentum method.

    Attributes
    ----------
    k_p, k_d : gains of :math:`m\\ddot x = -k_p x - k_d\\dot x` (the seed's form:
        :math:`k_p = \\lambda`, :math:`k_d = (1-\\beta)\\Delta t/\\alpha` for heavy ball)
    mass : m
    k_p_unit, k_d_unit : gains of the unit-mass double integrator
        :math:`\\ddot x = -k_p' x - k_d' \\dot x`, i.e. ``k_p/m`` and ``k_d/m``
        (heavy ball: :math:`\\alpha\\lambda/\\Delta t^2` and :math:`(1-\\beta)/\\Delta t`);
        :func:`momentum_from_pd` inverts these.
    """

    k_p: object
    k_d: object
    mass: object
    k_p_unit: object
    k_d_unit: object


def pd_gains(method, alpha, beta, curvature, dt=1.0, **hyperparameters) -> PDGains:
    """Momentum as a PD controller: proportional gain = stiffness, derivative gain = damping.

    The mass-spring-damper :math:`m\\ddot x + c\\dot x + kx = 0` is a double
    integrator under the PD law :math:`u = -k_p x - k_d \\dot x` with
    :math:`k_p = k = \\lambda` and :math:`k_d = c`; per unit mass the gains are
    :math:`k_p/m` and :math:`k_d/m`. Broadcasts.

    Examples
    --------
    >>> g = pd_gains("heavy_ball", alpha=0.01, beta=0.9, curvature=2.0)
    >>> g.k_p, round(g.k_d, 12), round(g.k_p_unit, 12), round(g.k_d_unit, 12)
    (2.0, 10.0, 0.02, 0.1)
    """
    msd = mass_spring_damper(method, alpha, beta, curvature, dt, **hyperparameters)
    mass = np.asarray(msd.mass)
    return PDGains(msd.stiffness, msd.damping, msd.mass,
                   to_output(np.asarray(msd.stiffness) / mass),
                   to_output(np.asarray(msd.damping) / mass))


class MomentumParameters(NamedTuple):
    """Learning rate and momentum."""

    alpha: object
    beta: object


@cache
def _from_pd_function(method: Method) -> Callable:
    co = _msd_coefficients(method)
    syms = S.hyperparameter_symbols(method)
    extras = [syms[h] for h in method.extra_hyperparameters]
    # Unit-mass gains: k_p' dt^2 = K/M = P, k_d' dt = C/M = D.
    eqs = [sp.numer(sp.together(co.K / co.M - _P)), sp.numer(sp.together(co.C / co.M - _D))]
    sols = sp.solve(eqs, [S.alpha, S.beta], dict=True)
    if not sols:
        raise ValueError(f"the PD gains do not determine (alpha, beta) for {method.name!r}")
    sol = sols[0]
    return sp.lambdify([_P, _D, S.curvature, *extras], [sol[S.alpha], sol[S.beta]],
                       modules="numpy")


def momentum_from_pd(k_p, k_d, curvature, dt=1.0, *, method="heavy_ball",
                     **hyperparameters) -> MomentumParameters:
    """The (alpha, beta) realising the unit-mass PD loop :math:`\\ddot x = -k_p x - k_d\\dot x`.

    Inverse of :func:`pd_gains` for its unit-mass gains ``k_p_unit``, ``k_d_unit``
    (the mass form has ``k_p = lambda`` always, so it cannot be inverted). For
    heavy ball

    .. math:: \\alpha = \\frac{k_p \\Delta t^2}{\\lambda}, \\qquad \\beta = 1 - k_d\\Delta t;

    for Nesterov :math:`\\beta = (1 - k_d\\Delta t)/(1 - k_p\\Delta t^2)` (solved
    symbolically from the mass-spring-damper coefficients).

    Parameters
    ----------
    k_p : array_like
        Proportional gain per unit mass, > 0.
    k_d : array_like
        Derivative gain per unit mass (real).
    curvature : array_like
        Curvature lambda, > 0.
    dt : array_like
        Time per step, > 0.
    method : str or Method

    Raises
    ------
    ValueError
        When the gains need a momentum outside [-1, 1] (heavy ball: ``k_d*dt`` outside
        [0, 2]) or a non-positive learning rate.

    Examples
    --------
    >>> momentum_from_pd(0.02, 0.1, curvature=2.0)
    MomentumParameters(alpha=0.01, beta=0.9)
    """
    m = _second_order(method)
    kp = _positive(k_p, "k_p", "the proportional gain")
    kd = as_real_array(k_d, "k_d")
    lam = _positive(curvature, "curvature", "needed to turn k_p into a learning rate")
    h = _check_dt(dt)
    extra = check_hyperparameters(m, hyperparameters)
    shape = broadcast((kp, "k_p"), (kd, "k_d"), (lam, "curvature"), (h, "dt"),
                      *[(v, k) for k, v in extra.items()])
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = _from_pd_function(m)(kp * h**2, kd * h, lam, *extra.values())
    a = np.broadcast_to(np.asarray(a, float), shape)
    b = np.broadcast_to(np.asarray(b, float), shape)
    bad = ~(np.isfinite(b) & (b >= -1) & (b <= 1))
    if np.any(bad):
        i = tuple(np.argwhere(bad)[0])
        raise ValueError(
            f"k_d={np.broadcast_to(kd, shape)[i]!r} (with k_p, dt = "
            f"{np.broadcast_to(kp, shape)[i]!r}, {np.broadcast_to(h, shape)[i]!r}) needs "
            f"beta = {b[i]!r}, outside [-1, 1]; no {m.title} iteration realises it "
            "(heavy ball: k_d*dt must lie in [0, 2])"
        )
    bad = ~(np.isfinite(a) & (a > 0))
    if np.any(bad):
        raise ValueError(f"k_p gives a non-positive learning rate alpha for {m.title}")
    return MomentumParameters(to_output(a), to_output(b))


class PDClosedLoop(NamedTuple):
    """The PD loop built with python-control.

    Attributes
    ----------
    closed_loop : control.TransferFunction
        ``feedback(C * P, 1)`` = :math:`(k_d s + k_p)/(m s^2 + k_d s + k_p)`.
    controller : control.TransferFunction
        :math:`C(s) = k_p + k_d s` (improper, as python-control allows).
    plant : control.TransferFunction
        :math:`P(s) = 1/(m s^2)`.
    poles : (2,) complex
        Closed-loop poles.
    gains : PDGains
    """

    closed_loop: control.TransferFunction
    controller: control.TransferFunction
    plant: control.TransferFunction
    poles: np.ndarray
    gains: PDGains


def pd_closed_loop(method, alpha, beta, curvature, dt=1.0, **hyperparameters) -> PDClosedLoop:
    """Closed loop of the PD controller :math:`k_p + k_d s` around the plant :math:`1/(m s^2)`.

    Its poles are the roots of :math:`m s^2 + k_d s + k_p`, i.e. those of the
    mass-spring-damper (the continuous poles of :func:`pole_correspondence`).
    Scalars only.

    Examples
    --------
    >>> loop = pd_closed_loop("heavy_ball", alpha=0.01, beta=0.9, curvature=1.0)
    >>> np.round(np.sort_complex(loop.poles), 6)
    array([-0.05-0.086603j, -0.05+0.086603j])
    """
    for v, n in ((alpha, "alpha"), (beta, "beta"), (curvature, "curvature"), (dt, "dt")):
        _scalar(np.asarray(v), n)
    g = pd_gains(method, alpha, beta, curvature, dt, **hyperparameters)
    kp, kd, mass = float(g.k_p), float(g.k_d), float(g.mass)
    C = control.tf([kd, kp], [1])
    P = control.tf([1], [mass, 0, 0])
    T = control.feedback(C * P, 1)
    return PDClosedLoop(T, C, P, np.asarray(control.poles(T), complex), g)


class StepComparison(NamedTuple):
    """Response to a unit jump of the minimiser: the iteration against the PD loop.

    Attributes
    ----------
    t : (n,) array
        Times ``k*dt``.
    discrete : (n,) array
        Iterates :math:`x_k` of the method on :math:`f(x) = \\lambda(x - 1)^2/2` from
        :math:`x_0 = 0` at rest: the step response of
        :func:`momentum_dynamics.to_statespace` with gradient input
        :math:`\\xi = -\\lambda`.
    continuous : (n,) array
        Step response of the PD loop with the set-point prefilter
        :math:`k_p/(k_d s + k_p)` (which cancels the controller's zero), i.e. of
        :math:`m\\ddot x + k_d\\dot x + k_p x = k_p r`, sampled at ``t``.
    continuous_unfiltered : (n,) array
        Step response of ``feedback(C*P, 1)`` itself: derivative action on the error
        kicks the loop with :math:`\\dot x(0^+) = k_d/m`, which the optimizer does not
        have; shown for contrast.
    max_error : float
        :math:`\\max_k |x_k - x(k\\Delta t)|` for ``continuous``.
    """

    t: np.ndarray
    discrete: np.ndarray
    continuous: np.ndarray
    continuous_unfiltered: np.ndarray
    max_error: float


def pd_step_comparison(method, alpha, beta, curvature, dt=1.0, duration=None,
                       **hyperparameters) -> StepComparison:
    """Compare the method's discrete step response with the PD loop's continuous one.

    The input is a unit jump of the minimiser at ``t = 0`` (gradient
    :math:`\\lambda(x - 1)`, start at 0 with zero velocity). The continuous response
    is that of the prefiltered loop (see :class:`StepComparison`). With the ODE held
    fixed and ``dt -> 0`` (``alpha*lambda -> 0``), ``max_error = O(dt)``.

    Parameters
    ----------
    method, alpha, beta, curvature, dt
        Scalars, as in :func:`pd_gains`.
    duration : float, optional
        Physical time span (default ``8 / min|Re s|``, eight time constants of the
        slowest continuous mode, at most 20000 steps).

    Examples
    --------
    >>> c = pd_step_comparison("heavy_ball", alpha=0.01**2, beta=1 - 0.01, curvature=1.0,
    ...                        dt=0.01, duration=10.0)
    >>> c.t.shape, bool(c.max_error < 0.01)
    ((1001,), True)
    """
    m = _second_order(method)
    loop = pd_closed_loop(m, alpha, beta, curvature, dt, **hyperparameters)
    h = _scalar(_check_dt(dt), "dt")
    if duration is None:
        slowest = float(np.min(np.abs(loop.poles.real)))
        duration = 8.0 / slowest if slowest > 0 else 1000.0 * h
        n = int(min(math.ceil(duration / h), 20000))
    else:
        duration = _scalar(_positive(duration, "duration", "a time span"), "duration")
        n = int(math.ceil(duration / h - 1e-9))
    kp, kd = float(loop.gains.k_p), float(loop.gains.k_d)
    t = np.arange(n + 1) * h
    sys_d = to_statespace(m, alpha, beta, curvature, dt=True, **hyperparameters)
    lam = float(curvature)
    disc = -lam * np.asarray(control.step_response(sys_d, T=n).outputs, float).ravel()
    prefilter = control.tf([kp], [kd, kp])
    filtered = control.minreal(prefilter * loop.closed_loop, verbose=False)
    cont = np.asarray(control.step_response(filtered, T=t).outputs, float).ravel()
    raw = np.asarray(control.step_response(loop.closed_loop, T=t).outputs, float).ravel()
    return StepComparison(t, disc, cont, raw, float(np.max(np.abs(disc - cont))))


# --------------------------------------------------------------------------
# Continuous-time limits
# --------------------------------------------------------------------------


class HeavyBallODE(NamedTuple):
    """Parameters of :math:`\\ddot X + a\\dot X + \\nabla f(X) = 0` and the step's time.

    ``x_k`` approximates :math:`X(k\\,\\Delta t)` with ``time_step`` :math:`\\Delta t`.
    """

    damping: object
    time_step: object


def heavy_ball_ode(alpha, beta) -> HeavyBallODE:
    """Heavy ball's ODE: :math:`a = (1-\\beta)/\\sqrt\\alpha`, time step :math:`\\sqrt\\alpha`.

    This is :func:`mass_spring_damper` at ``dt = sqrt(alpha)`` (unit mass). The limit
    ``alpha -> 0`` with ``a`` fixed (``beta = 1 - a*sqrt(alpha)``) converges to the
    ODE at order one in ``sqrt(alpha)`` (see :func:`discretisation_error`).

    Examples
    --------
    >>> heavy_ball_ode(0.01, 0.9)
    HeavyBallODE(damping=1.0..., time_step=0.1)
    """
    a = check_alpha(alpha)
    b = check_beta(beta, get_method("heavy_ball"))
    broadcast((a, "alpha"), (b, "beta"))
    h = np.sqrt(a)
    return HeavyBallODE(to_output((1.0 - b) / h), to_output(h * np.ones_like(b)))


def heavy_ball_from_ode(damping, time_step) -> MomentumParameters:
    """Inverse of :func:`heavy_ball_ode`: ``alpha = dt**2``, ``beta = 1 - a*dt``.

    Examples
    --------
    >>> heavy_ball_from_ode(1.0, 0.1)
    MomentumParameters(alpha=0.010..., beta=0.9)
    """
    a = as_real_array(damping, "damping")
    h = _check_dt(time_step, "time_step")
    broadcast((a, "damping"), (h, "time_step"))
    b = 1.0 - a * h
    bad = (b < -1) | (b > 1)
    if np.any(bad):
        raise ValueError(
            "damping*time_step must lie in [0, 2] (beta = 1 - damping*time_step in "
            f"[-1, 1]); got damping={damping!r}, time_step={time_step!r}"
        )
    return MomentumParameters(to_output(h**2 * np.ones_like(b)), to_output(b))


def nesterov_schedule(k):
    """Momentum used by the update that produces :math:`x_k` in the 3/t limit.

    Su, Boyd & Candès write :math:`y_k = x_k + \\frac{k-1}{k+2}(x_k - x_{k-1})`,
    :math:`x_{k+1} = y_k - s\\nabla f(y_k)`, with :math:`y_0 = x_0`. Our Nesterov rule
    producing :math:`x_k` evaluates the gradient at
    :math:`x_{k-1} + \\beta(x_{k-1} - x_{k-2})`, so it uses
    :math:`\\beta = \\beta_{k-1} = (k-2)/(k+1)`; at ``k = 1`` the velocity is zero and
    the value (-1/2) does not matter.

    Examples
    --------
    >>> nesterov_schedule(np.arange(1, 5))
    array([-0.5 ,  0.  ,  0.25,  0.4 ])
    """
    k = np.asarray(k, float)
    return (k - 2.0) / (k + 1.0)


def _gradient_of(problem) -> Callable:
    if isinstance(problem, Quadratic):
        return problem.grad
    if callable(problem):
        return lambda x: np.asarray(problem(x), float)
    return Quadratic(problem).grad


_ODES = ("heavy_ball", "nesterov", "gradient_flow")


class ODETrajectory(NamedTuple):
    """Solution of a limiting ODE at the requested times.

    Attributes
    ----------
    t : (n,) array
    x : (n, d) array
        :math:`X(t)`.
    v : (n, d) array
        :math:`\\dot X(t)`.
    ode : str
    """

    t: np.ndarray
    x: np.ndarray
    v: np.ndarray
    ode: str


def ode_trajectory(ode, problem, t, x0, *, damping=None, v0=None, rtol=1e-11,
                   atol=1e-13) -> ODETrajectory:
    """Solve a limiting ODE with :func:`scipy.integrate.solve_ivp` (DOP853).

    ``ode`` is one of

    - ``"heavy_ball"``: :math:`\\ddot X + a\\dot X + \\nabla f(X) = 0`, ``a = damping``,
      :math:`X(0) = x_0`, :math:`\\dot X(0) = v_0` (default 0);
    - ``"nesterov"``: :math:`\\ddot X + \\frac{3}{t}\\dot X + \\nabla f(X) = 0`,
      :math:`X(0) = x_0`, :math:`\\dot X(0) = 0`. The coefficient is singular at 0, so
      the integration starts at :math:`t_0 = 10^{-6} t_{\\max}` from the series
      :math:`X(t_0) = x_0 - t_0^2\\nabla f(x_0)/8`,
      :math:`\\dot X(t_0) = -t_0\\nabla f(x_0)/4` (plug :math:`X = x_0 + c t^2` into
      the ODE: :math:`8c = -\\nabla f(x_0)`); the neglected term is
      :math:`O(t_0^4 \\|\\nabla^2 f\\|\\,\\|\\nabla f\\|)`. Times below :math:`t_0` use the
      series. On :math:`f = \\lambda x^2/2` the solution is
      :math:`2x_0 J_1(\\sqrt\\lambda t)/(\\sqrt\\lambda t)`;
    - ``"gradient_flow"``: :math:`\\dot X = -\\nabla f(X)` (``v`` is then
      :math:`\\dot X`).

    Parameters
    ----------
    ode : {"heavy_ball", "nesterov", "gradient_flow"}
    problem : Quadratic, gradient callable, or Hessian (as in :func:`simulate`)
    t : array_like
        Increasing times >= 0, starting at 0 or later.
    x0 : array_like
        Initial point.
    damping : float
        ``a`` for ``"heavy_ball"`` (>= 0); must be None otherwise.

    Examples
    --------
    >>> sol = ode_trajectory("gradient_flow", [1.0, 0.1], [0.0, 1.0], [1.0, 1.0])
    >>> np.round(sol.x[-1], 8)
    array([0.36787944, 0.90483742])
    """
    if ode not in _ODES:
        raise ValueError(f"ode must be one of {list(_ODES)}; got {ode!r}")
    grad = _gradient_of(problem)
    x0 = np.atleast_1d(as_real_array(x0, "x0"))
    if x0.ndim != 1:
        raise ValueError(f"x0 must be a 1-D point; got shape {x0.shape}")
    d = x0.size
    t = np.atleast_1d(as_real_array(t, "t"))
    if t.ndim != 1 or np.any(t < 0) or np.any(np.diff(t) <= 0):
        raise ValueError("t must be a 1-D array of increasing times >= 0")
    if ode == "heavy_ball":
        if damping is None:
            raise TypeError("damping (a of x'' + a x' + grad f = 0) is required for "
                            "ode='heavy_ball'")
        a = _scalar(as_real_array(damping, "damping"), "damping")
        if a < 0:
            raise ValueError(f"damping must be >= 0; got {damping!r}")
    elif damping is not None:
        raise ValueError(f"damping is only used by ode='heavy_ball'; got damping={damping!r} "
                         f"for ode={ode!r}")
    v_init = np.zeros(d) if v0 is None else np.atleast_1d(as_real_array(v0, "v0"))
    if v_init.shape != (d,):
        raise ValueError(f"v0 must have shape ({d},); got {v_init.shape}")
    if ode == "nesterov" and v0 is not None and np.any(v_init != 0):
        raise ValueError("the Nesterov ODE starts at rest; v0 must be zero")
    opts = {"method": "DOP853", "rtol": rtol, "atol": atol}

    if ode == "gradient_flow":
        sol = solve_ivp(lambda _t, y: -grad(y), (0.0, t[-1]), x0, t_eval=t, **opts) \
            if t[-1] > 0 else None
        x = sol.y.T if sol is not None else np.tile(x0, (t.size, 1))
        v = -np.array([grad(xi) for xi in x])
        return ODETrajectory(t, x, v, ode)

    if ode == "heavy_ball":
        def rhs(_t, y):
            return np.concatenate([y[d:], -a * y[d:] - grad(y[:d])])
        t0, y0 = 0.0, np.concatenate([x0, v_init])
    else:
        def rhs(tt, y):
            return np.concatenate([y[d:], -3.0 / tt * y[d:] - grad(y[:d])])
        g0 = grad(x0)
        t0 = 1e-6 * max(float(t[-1]), 1e-300)
        y0 = np.concatenate([x0 - t0**2 * g0 / 8, -t0 * g0 / 4])
    x = np.empty((t.size, d))
    v = np.empty((t.size, d))
    late = t > t0
    if ode == "nesterov":
        g0 = grad(x0)
        x[~late] = x0 - t[~late, None] ** 2 * g0 / 8
        v[~late] = -t[~late, None] * g0 / 4
    else:
        x[~late] = x0
        v[~late] = v_init
    if np.any(late):
        sol = solve_ivp(rhs, (t0, t[-1]), y0, t_eval=t[late], **opts)
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed: {sol.message}")
        x[late], v[late] = sol.y[:d].T, sol.y[d:].T
    return ODETrajectory(t, x, v, ode)


def _limit_setup(method, damping):
    """(method, ode name, damping of the ODE, per-step parameters from the time step)."""
    m = get_method(method)
    if m.name == "gd":
        if damping is not None:
            raise ValueError("damping must be None for method 'gd' (its limit is gradient "
                             "flow)")
        return m, "gradient_flow", None, lambda h, k: {"alpha": h}
    if m.name == "heavy_ball":
        a = 1.0 if damping is None else damping
        a = _scalar(as_real_array(a, "damping"), "damping")
        return m, "heavy_ball", a, lambda h, k: {"alpha": h * h, "beta": 1.0 - a * h}
    if m.name == "nesterov":
        if damping is None:
            return m, "nesterov", None, lambda h, k: {"alpha": h * h,
                                                      "beta": float(nesterov_schedule(k))}
        a = _scalar(as_real_array(damping, "damping"), "damping")
        return m, "heavy_ball", a, lambda h, k: {"alpha": h * h, "beta": 1.0 - a * h}
    raise ValueError(
        f"method must be 'gd', 'heavy_ball' or 'nesterov' for the ODE limits; got {m.name!r}"
    )


def _check_limit_step(h: float, damping: float | None) -> None:
    if damping is not None and not 0 <= damping * h <= 2:
        raise ValueError(
            f"steps: damping*step must lie in [0, 2] (beta = 1 - damping*step in [-1, 1]); "
            f"got step={h!r} with damping={damping!r}"
        )


def discrete_trajectory(method, problem, step, horizon, x0, *, damping=None):
    """Iterates of a method with the parameters of its ODE limit, and their times.

    - ``"gd"``: ``alpha = step``; the ODE is gradient flow.
    - ``"heavy_ball"``: ``alpha = step**2``, ``beta = 1 - damping*step`` (default
      ``damping = 1``); the ODE is :math:`\\ddot X + a\\dot X + \\nabla f = 0`.
    - ``"nesterov"``: ``alpha = s = step**2`` and the momentum schedule of
      :func:`nesterov_schedule` (the 3/t ODE); with a ``damping`` instead, constant
      ``beta = 1 - damping*step`` and the heavy-ball ODE (Nesterov's extra Hessian
      damping :math:`\\beta\\lambda\\sqrt\\alpha` vanishes in the limit).

    The update rule is called directly, one step at a time, with a zero initial
    velocity. ``x_k`` is compared with :math:`X(k\\cdot\\mathrm{step})`.

    Returns
    -------
    t : (n + 1,) array
        ``k*step`` for ``k = 0..n``, ``n = floor(horizon/step)``.
    x : (n + 1, d) array

    Examples
    --------
    >>> t, x = discrete_trajectory("gd", 1.0, 0.5, 1.0, [1.0])
    >>> t, x.ravel()
    (array([0. , 0.5, 1. ]), array([1.  , 0.5 , 0.25]))
    """
    m, _, a, params = _limit_setup(method, damping)
    h = _scalar(_check_dt(step, "step"), "step")
    _check_limit_step(h, a)
    T = _scalar(_positive(horizon, "horizon", "a time span"), "horizon")
    grad = _gradient_of(problem)
    x0 = np.atleast_1d(as_real_array(x0, "x0")).astype(float)
    n = int(math.floor(T / h + 1e-9))
    xs = np.empty((n + 1, x0.size))
    xs[0] = x0
    state = (x0,) + tuple(np.zeros_like(x0) for _ in m.state[1:])
    for k in range(1, n + 1):
        state = m.step(state, grad, **params(h, k))
        xs[k] = state[0]
    return np.arange(n + 1) * h, xs


class DiscretisationError(NamedTuple):
    """Distance of the iterates to their ODE as the step shrinks.

    Attributes
    ----------
    method : str
    ode : str
        ``"heavy_ball"``, ``"nesterov"`` (3/t) or ``"gradient_flow"``.
    steps : (n,) array
        Time steps (``sqrt(alpha)`` for momentum methods, ``alpha`` for GD).
    errors : (n,) array
        :math:`\\max_k \\|x_k - X(k\\,\\Delta t)\\|_2` over ``k*dt <= horizon``.
    order : float
        Fitted log-log slope of ``errors`` against ``steps``.
    constant : float
        ``errors ~ constant * steps**order``.
    """

    method: str
    ode: str
    steps: np.ndarray
    errors: np.ndarray
    order: float
    constant: float


def discretisation_error(method="heavy_ball", steps=(0.2, 0.1, 0.05, 0.025), problem=None,
                         x0=None, horizon=10.0, *, damping=None) -> DiscretisationError:
    """Measure how fast a method's iterates converge to its ODE as the step shrinks.

    For each step the method runs with the parameters of :func:`discrete_trajectory`
    and the ODE is solved by :func:`ode_trajectory`; the error is the largest
    distance over ``[0, horizon]`` and the order is the least-squares slope of
    ``log(error)`` against ``log(step)``. Observed orders (tests): one for gradient
    descent, for heavy ball at fixed ``a``, and for Nesterov with the 3/t schedule
    (all in the time step, i.e. ``sqrt(alpha)`` for momentum methods).

    Parameters
    ----------
    method : {"gd", "heavy_ball", "nesterov"}
    steps : sequence of float
        Time steps, > 0.
    problem : Quadratic, gradient callable or Hessian, optional
        Default ``Quadratic([1.0, 0.1])``.
    x0 : array_like, optional
        Default ``ones(d)``.
    horizon : float
        Time span compared.
    damping : float, optional
        ``a`` (see :func:`discrete_trajectory`).

    Examples
    --------
    >>> r = discretisation_error("gd", steps=(0.1, 0.05, 0.025), horizon=5.0)
    >>> round(r.order, 1)
    1.0
    """
    m, ode, a, _ = _limit_setup(method, damping)
    problem = Quadratic([1.0, 0.1]) if problem is None else problem
    grad = _gradient_of(problem)
    if x0 is None:
        if isinstance(problem, Quadratic):
            x0 = np.ones(problem.dim)
        elif callable(problem):
            raise TypeError("x0 is required when problem is a gradient function")
        else:
            x0 = np.ones(Quadratic(problem).dim)
    hs = np.atleast_1d(_check_dt(steps, "steps")).astype(float)
    if hs.ndim != 1 or hs.size < 2:
        raise ValueError("steps must hold at least two time steps")
    errors = np.empty(hs.size)
    for i, h in enumerate(hs):
        t, x = discrete_trajectory(m, grad, h, horizon, x0, damping=damping)
        ref = ode_trajectory(ode, grad, t, x0, damping=a)
        errors[i] = np.max(np.linalg.norm(x - ref.x, axis=1))
    slope, icpt = np.polyfit(np.log(hs), np.log(errors), 1)
    return DiscretisationError(m.name, ode, hs, errors, float(slope), float(np.exp(icpt)))

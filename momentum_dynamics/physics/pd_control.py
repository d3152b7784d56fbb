"""Momentum as a PD controller on a double integrator (python-control)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from .._lazy import lazy_module

if TYPE_CHECKING:
    import control
else:
    control = lazy_module("control")

from .. import symbolic as S
from .._compile import compile_numpy
from .._validation import (
    as_real_array,
    broadcast,
    check_hyperparameters,
    check_positive,
    check_scalar,
    to_output,
)
from ..lti import to_statespace
from ..methods import Method
from ._common import _check_dt, _realisable, _second_order
from .mechanics import _msd_coefficients, mass_spring_damper

__all__ = [
    "PDGains",
    "pd_gains",
    "MomentumParameters",
    "momentum_from_pd",
    "PDClosedLoop",
    "pd_closed_loop",
    "StepComparison",
    "pd_step_comparison",
]

_P = sp.Symbol("P", positive=True)  # k_p/m * dt**2 (unit-mass proportional gain)
_D = sp.Symbol("D", real=True)  # k_d/m * dt (unit-mass derivative gain)


# --------------------------------------------------------------------------
# PD controller on a double integrator
# --------------------------------------------------------------------------


class PDGains(NamedTuple):
    """PD gains of a momentum method.

    Attributes
    ----------
    k_p, k_d : float or ndarray
        Gains of :math:`m\\ddot x = -k_p x - k_d\\dot x` (heavy ball:
        :math:`k_p = \\lambda`, :math:`k_d = (1-\\beta)\\Delta t/\\alpha`).
    mass : float or ndarray
        The mass :math:`m`.
    k_p_unit, k_d_unit : float or ndarray
        Gains of the unit-mass double integrator
        :math:`\\ddot x = -k_p' x - k_d' \\dot x`, i.e. ``k_p/m`` and ``k_d/m``
        (heavy ball: :math:`\\alpha\\lambda/\\Delta t^2` and :math:`(1-\\beta)/\\Delta t`);
        :func:`momentum_from_pd` inverts these.

    See Also
    --------
    pd_gains : computes them.

    Examples
    --------
    >>> g = pd_gains("heavy_ball", alpha=0.01, beta=0.9, curvature=2.0)
    >>> g.k_p, round(g.mass, 12)
    (2.0, 100.0)
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

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum (``"heavy_ball"``, ``"nesterov"``, ...).
    alpha : array_like
        Learning rate, > 0.
    beta : array_like
        Momentum in [-1, 1].
    curvature : array_like
        Curvature lambda, > 0 (the stiffness, hence ``k_p``).
    dt : array_like
        Physical time per step, > 0.
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    PDGains
        Floats for scalar input, arrays otherwise.

    See Also
    --------
    mass_spring_damper : the mass, damping and stiffness these gains are.
    momentum_from_pd : the inverse map, from the unit-mass gains.
    pd_closed_loop : the loop built with python-control.

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
    """Learning rate and momentum realising a physical reading.

    Attributes
    ----------
    alpha : float or ndarray
        Learning rate.
    beta : float or ndarray
        Momentum.

    See Also
    --------
    momentum_from_pd, momentum_from_ode : return it.

    Examples
    --------
    >>> momentum_from_pd(0.02, 0.1, curvature=2.0).beta
    0.9
    """

    alpha: object
    beta: object


@cache
def _from_pd_function(method: Method) -> Callable:
    co = _msd_coefficients(method)
    syms = S.hyperparameter_symbols(method)
    extras = [syms[k] for k in method.extra_hyperparameters]
    # Unit-mass gains: k_p' dt^2 = K/M = P, k_d' dt = C/M = D.
    eqs = [sp.numer(sp.together(co.K / co.M - _P)), sp.numer(sp.together(co.C / co.M - _D))]
    sols = sp.solve(eqs, [S.alpha, S.beta], dict=True)
    if not sols:
        raise ValueError(f"the PD gains do not determine (alpha, beta) for {method.name!r}")
    sol = sols[0]
    return compile_numpy([_P, _D, S.curvature, *extras], [sol[S.alpha], sol[S.beta]])


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
        A two-state method with momentum.
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    MomentumParameters
        ``alpha`` and ``beta`` (floats for scalar input).

    Raises
    ------
    ValueError
        When the gains need a momentum outside [-1, 1] (heavy ball: ``k_d*dt`` outside
        [0, 2]) or a non-positive learning rate.

    See Also
    --------
    pd_gains : the forward map.

    Examples
    --------
    >>> momentum_from_pd(0.02, 0.1, curvature=2.0)
    MomentumParameters(alpha=0.01, beta=0.9)
    """
    m = _second_order(method)
    kp = check_positive(k_p, "k_p", "the proportional gain")
    kd = as_real_array(k_d, "k_d")
    lam = check_positive(curvature, "curvature", "needed to turn k_p into a learning rate")
    dts = _check_dt(dt)
    extra = check_hyperparameters(m, hyperparameters)
    shape = broadcast((kp, "k_p"), (kd, "k_d"), (lam, "curvature"), (dts, "dt"),
                      *[(v, k) for k, v in extra.items()])
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = _from_pd_function(m)(kp * dts**2, kd * dts, lam, *extra.values())
    a, b = _realisable(
        a, b, shape,
        lambda i, beta: (
            f"k_d={np.broadcast_to(kd, shape)[i]!r} (with k_p, dt = "
            f"{np.broadcast_to(kp, shape)[i]!r}, {np.broadcast_to(dts, shape)[i]!r}) needs "
            f"beta = {beta!r}, outside [-1, 1]; no {m.title} iteration realises it "
            "(heavy ball: k_d*dt must lie in [0, 2])"),
        f"k_p gives a non-positive learning rate alpha for {m.title}")
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
    poles : (2,) complex ndarray
        Closed-loop poles.
    gains : PDGains
        The gains of the loop.

    See Also
    --------
    pd_closed_loop : builds it.

    Examples
    --------
    >>> loop = pd_closed_loop("heavy_ball", alpha=0.01, beta=0.9, curvature=1.0)
    >>> loop.plant.den[0][0]
    array([100.,   0.,   0.])
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

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.
    alpha : float
        Learning rate, > 0.
    beta : float
        Momentum in [-1, 1].
    curvature : float
        Curvature lambda, > 0.
    dt : float
        Physical time per step, > 0.
    **hyperparameters
        Extra hyper-parameters of the method (scalars).

    Returns
    -------
    PDClosedLoop
        The closed loop, controller, plant, poles and gains.

    See Also
    --------
    pd_gains : the gains alone (broadcasting).
    pd_step_comparison : the loop's step response against the iteration's.

    Examples
    --------
    >>> loop = pd_closed_loop("heavy_ball", alpha=0.01, beta=0.9, curvature=1.0)
    >>> np.round(np.sort_complex(loop.poles), 6)
    array([-0.05-0.086603j, -0.05+0.086603j])
    """
    m = _second_order(method)
    for v, n in ((alpha, "alpha"), (beta, "beta"), (curvature, "curvature"), (dt, "dt")):
        check_scalar(v, n)
    g = pd_gains(m, alpha, beta, curvature, dt, **hyperparameters)
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

    See Also
    --------
    pd_step_comparison : computes it.

    Examples
    --------
    >>> c = pd_step_comparison("heavy_ball", 0.01, 0.9, 1.0, duration=5.0)
    >>> c.t[:3], round(float(c.discrete[1]), 6)
    (array([0., 1., 2.]), 0.01)
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
    method : str or Method
        A two-state method with momentum.
    alpha, beta, curvature, dt : float
        Scalars, as in :func:`pd_closed_loop`.
    duration : float, optional
        Physical time span (default ``8 / min|Re s|``, eight time constants of the
        slowest continuous mode, at most 20000 steps).
    **hyperparameters
        Extra hyper-parameters of the method (scalars).

    Returns
    -------
    StepComparison
        The two responses on the common time grid and their largest distance.

    See Also
    --------
    pd_closed_loop : the continuous loop.
    momentum_dynamics.to_statespace : the discrete system whose step response is used.

    Examples
    --------
    >>> c = pd_step_comparison("heavy_ball", alpha=0.01**2, beta=1 - 0.01, curvature=1.0,
    ...                        dt=0.01, duration=10.0)
    >>> c.t.shape, bool(c.max_error < 0.01)
    ((1001,), True)
    """
    m = _second_order(method)
    loop = pd_closed_loop(m, alpha, beta, curvature, dt, **hyperparameters)
    dts = check_scalar(_check_dt(dt), "dt")
    if duration is None:
        slowest = float(np.min(np.abs(loop.poles.real)))
        duration = 8.0 / slowest if slowest > 0 else 1000.0 * dts
        n = int(min(math.ceil(duration / dts), 20000))
    else:
        duration = check_scalar(check_positive(duration, "duration", "a time span"), "duration")
        n = int(math.ceil(duration / dts - 1e-9))
    kp, kd = float(loop.gains.k_p), float(loop.gains.k_d)
    t = np.arange(n + 1) * dts
    sys_d = to_statespace(m, alpha, beta, curvature, dt=True, **hyperparameters)
    lam = float(curvature)
    disc = -lam * np.asarray(control.step_response(sys_d, T=n).outputs, float).ravel()
    prefilter = control.tf([kp], [kd, kp])
    filtered = control.minreal(prefilter * loop.closed_loop, verbose=False)
    cont = np.asarray(control.step_response(filtered, T=t).outputs, float).ravel()
    raw = np.asarray(control.step_response(loop.closed_loop, T=t).outputs, float).ravel()
    return StepComparison(t, disc, cont, raw, float(np.max(np.abs(disc - cont))))



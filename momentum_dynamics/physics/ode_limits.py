"""Continuous-time limits of momentum methods and the distance to them."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from .._lazy import lazy_function

if TYPE_CHECKING:
    from scipy.integrate import solve_ivp
else:
    solve_ivp = lazy_function("scipy.integrate", "solve_ivp")

from .. import symbolic as S
from .._compile import compile_numpy
from .._validation import (
    as_real_array,
    broadcast,
    check_alpha,
    check_beta,
    check_hyperparameters,
    check_nonempty,
    check_nonnegative,
    check_positive,
    check_scalar,
    to_output,
)
from ..methods import Method, get_method
from ..simulate import Quadratic, simulate
from ._common import _check_dt, _realisable, _second_order
from .mechanics import _msd_coefficients
from .pd_control import MomentumParameters

__all__ = [
    "time_step_symbol",
    "friction_symbol",
    "ODEParameters",
    "ode_parameters_symbolic",
    "ode_parameters",
    "momentum_from_ode_symbolic",
    "momentum_from_ode",
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


# --------------------------------------------------------------------------
# Continuous-time limits
# --------------------------------------------------------------------------


#: Symbols of the physical reading: ``h``, the time step at which the mass is one, and
#: ``gamma``, the friction (damping per unit mass, at zero curvature).
time_step_symbol = sp.Symbol("h", positive=True)
friction_symbol = sp.Symbol("gamma", positive=True)


class ODEParameters(NamedTuple):
    """Time step and friction of the unit-mass reading :math:`\\ddot X + \\gamma\\dot X +
    \\nabla f(X) = 0` of a momentum method.

    Attributes
    ----------
    time_step : float, ndarray or sympy.Expr
        :math:`h`, the physical time of one iteration at unit mass.
    friction : float, ndarray or sympy.Expr
        :math:`\\gamma`, the damping per unit mass at zero curvature.

    See Also
    --------
    ode_parameters, ode_parameters_symbolic : return it.

    Examples
    --------
    >>> ode_parameters("heavy_ball", 0.04, 0.9).time_step
    0.2
    """

    time_step: object
    friction: object


class _ODEMap(NamedTuple):
    time_step: sp.Expr  # in alpha, beta (and extra hyper-parameters)
    friction: sp.Expr
    alpha: sp.Expr  # in h, gamma (and extra hyper-parameters)
    beta: sp.Expr


@cache
def _ode_map(method: Method) -> _ODEMap:
    co = _msd_coefficients(method)
    if co.M.has(S.curvature):
        raise ValueError(f"the mass of {method.name!r} depends on the curvature; it has no "
                         "curvature-free time step")
    h, g = time_step_symbol, friction_symbol
    # Unit mass: M dt^2 / (K/lambda) = 1; friction: the damping C dt/(K/lambda) per unit
    # mass at zero curvature (Nesterov's Hessian damping vanishes there, and as h -> 0).
    c0 = co.C.subs(S.curvature, 0)
    step = sp.sqrt(sp.factor(co.gain / co.M))
    friction = sp.factor(sp.powsimp(c0 / (co.M * step), force=True))
    eqs = [sp.numer(sp.together(co.gain / co.M - h**2)),
           sp.numer(sp.together(c0 / co.M - g * h))]
    sols = sp.solve(eqs, [S.alpha, S.beta], dict=True)
    if len(sols) != 1:
        raise ValueError(f"the time step and friction do not determine (alpha, beta) of "
                         f"{method.name!r} uniquely")
    return _ODEMap(step, friction, sp.factor(sols[0][S.alpha]), sp.factor(sols[0][S.beta]))


@cache
def _ode_map_functions(method: Method) -> tuple[Callable, Callable]:
    mp = _ode_map(method)
    syms = S.hyperparameter_symbols(method)
    extras = [syms[k] for k in method.extra_hyperparameters]
    forward = compile_numpy([S.alpha, S.beta, *extras], [mp.time_step, mp.friction])
    inverse = compile_numpy([time_step_symbol, friction_symbol, *extras], [mp.alpha, mp.beta])
    return forward, inverse


def ode_parameters_symbolic(method: str | Method) -> ODEParameters:
    """Time step and friction of a method's unit-mass reading, as SymPy expressions.

    The time step :math:`h` is the ``dt`` at which :func:`mass_spring_damper_symbolic`
    has unit mass, and the friction :math:`\\gamma` its damping at that step and zero
    curvature. Solving them for the hyper-parameters gives the inverse map,
    :func:`momentum_from_ode`.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.

    Returns
    -------
    ODEParameters
        SymPy expressions in ``alpha``, ``beta`` (and extra hyper-parameters).

    See Also
    --------
    ode_parameters : the numeric map.
    momentum_from_ode_symbolic : the inverse.

    Examples
    --------
    >>> ode_parameters_symbolic("heavy_ball")
    ODEParameters(time_step=sqrt(alpha), friction=-(beta - 1)/sqrt(alpha))
    >>> ode_parameters_symbolic("ema_momentum").time_step
    sqrt(alpha)*sqrt(1 - beta)
    """
    mp = _ode_map(_second_order(method))
    return ODEParameters(mp.time_step, mp.friction)


def momentum_from_ode_symbolic(method: str | Method) -> MomentumParameters:
    """(alpha, beta) in terms of :data:`time_step_symbol` and :data:`friction_symbol`.

    The inverse of :func:`ode_parameters_symbolic`, solved exactly.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.

    Returns
    -------
    MomentumParameters
        SymPy expressions in ``h`` and ``gamma``.

    See Also
    --------
    momentum_from_ode : the numeric map.

    Examples
    --------
    >>> momentum_from_ode_symbolic("heavy_ball")
    MomentumParameters(alpha=h**2, beta=-gamma*h + 1)
    >>> momentum_from_ode_symbolic("ema_momentum").alpha
    h/gamma
    """
    mp = _ode_map(_second_order(method))
    return MomentumParameters(mp.alpha, mp.beta)


def ode_parameters(method, alpha, beta, **hyperparameters) -> ODEParameters:
    """(alpha, beta) -> (time step, friction): the rule as :math:`\\ddot X + \\gamma\\dot X
    + \\nabla f(X) = 0`.

    This is the one map between an update rule's hyper-parameters and its physical
    parameters (the ODE limit, the Langevin/SGHMC scheme, the mechanical energy). It is
    derived from the mass-spring-damper reading (:func:`mass_spring_damper_symbolic`):
    the time step :math:`h` gives unit mass, the friction is the damping per unit mass
    at zero curvature. Heavy ball and Nesterov: :math:`h = \\sqrt\\alpha`,
    :math:`\\gamma = (1-\\beta)/\\sqrt\\alpha` (Polyak 1964; Su, Boyd & Candès 2016);
    EMA momentum: :math:`h = \\sqrt{\\alpha(1-\\beta)}`. Broadcasts.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.
    alpha : array_like
        Learning rate, > 0.
    beta : array_like
        Momentum in [-1, 1].
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    ODEParameters
        ``time_step`` and ``friction`` (floats for scalar input).

    See Also
    --------
    momentum_from_ode : the inverse map.
    ode_parameters_symbolic : the same map in closed form.
    mass_spring_damper : the reading it is derived from.

    Examples
    --------
    >>> ode_parameters("heavy_ball", 0.01, 0.9)
    ODEParameters(time_step=0.1, friction=1.0...)
    """
    m = _second_order(method)
    a = check_alpha(alpha)
    b = check_beta(beta, m)
    extra = check_hyperparameters(m, hyperparameters)
    shape = broadcast((a, "alpha"), (b, "beta"), *[(v, k) for k, v in extra.items()])
    forward, _ = _ode_map_functions(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        h, g = forward(a, b, *extra.values())
    return ODEParameters(*(to_output(np.broadcast_to(np.asarray(o, float), shape))
                           for o in (h, g)))


def momentum_from_ode(method, time_step, friction, **hyperparameters) -> MomentumParameters:
    """(time step, friction) -> (alpha, beta): the inverse of :func:`ode_parameters`.

    Heavy ball and Nesterov: :math:`\\alpha = h^2`, :math:`\\beta = 1 - \\gamma h`.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.
    time_step : array_like
        ``h > 0``.
    friction : array_like
        ``gamma`` (damping per unit mass), real.
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    MomentumParameters

    Raises
    ------
    ValueError
        When the momentum would leave [-1, 1] (heavy ball: ``friction*time_step``
        outside [0, 2]) or the learning rate would not be positive.

    See Also
    --------
    ode_parameters : the forward map.
    momentum_from_ode_symbolic : the same map in closed form.

    Examples
    --------
    >>> momentum_from_ode("heavy_ball", 0.1, 1.0)
    MomentumParameters(alpha=0.010..., beta=0.9)
    """
    m = _second_order(method)
    h = _check_dt(time_step, "time_step")
    g = as_real_array(friction, "friction")
    extra = check_hyperparameters(m, hyperparameters)
    shape = broadcast((h, "time_step"), (g, "friction"),
                      *[(v, k) for k, v in extra.items()])
    _, inverse = _ode_map_functions(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = inverse(h, g, *extra.values())
    a, b = _realisable(
        a, b, shape,
        lambda i, beta: (
            f"friction (damping) {np.broadcast_to(g, shape)[i]!r} with time_step "
            f"{np.broadcast_to(h, shape)[i]!r} needs beta = {beta!r}, outside [-1, 1] "
            f"(for {m.title}); heavy ball needs friction*time_step in [0, 2]"),
        f"time_step and friction give a non-positive learning rate for {m.title}")
    return MomentumParameters(to_output(a), to_output(b))


class HeavyBallODE(NamedTuple):
    """Parameters of :math:`\\ddot X + a\\dot X + \\nabla f(X) = 0` and the step's time.

    ``x_k`` approximates :math:`X(k\\,\\Delta t)` with ``time_step`` :math:`\\Delta t`.

    Attributes
    ----------
    damping : float or ndarray
        :math:`a = (1-\\beta)/\\sqrt\\alpha`.
    time_step : float or ndarray
        :math:`\\Delta t = \\sqrt\\alpha`.

    See Also
    --------
    heavy_ball_ode : returns it.

    Examples
    --------
    >>> heavy_ball_ode(0.04, 0.8).time_step
    0.2
    """

    damping: object
    time_step: object


def heavy_ball_ode(alpha, beta) -> HeavyBallODE:
    """Heavy ball's ODE: :math:`a = (1-\\beta)/\\sqrt\\alpha`, time step :math:`\\sqrt\\alpha`.

    This is :func:`ode_parameters` for heavy ball, i.e. :func:`mass_spring_damper` at
    ``dt = sqrt(alpha)`` (unit mass). The limit
    ``alpha -> 0`` with ``a`` fixed (``beta = 1 - a*sqrt(alpha)``) converges to the
    ODE at order one in ``sqrt(alpha)`` (see :func:`discretisation_error`).

    Parameters
    ----------
    alpha : array_like
        Learning rate, > 0.
    beta : array_like
        Momentum in [-1, 1].

    Returns
    -------
    HeavyBallODE
        The damping ``a`` and the time step (floats for scalar input).

    See Also
    --------
    heavy_ball_from_ode : the inverse.
    ode_parameters : the same for any two-state method.

    Examples
    --------
    >>> heavy_ball_ode(0.01, 0.9)
    HeavyBallODE(damping=1.0..., time_step=0.1)
    """
    p = ode_parameters("heavy_ball", alpha, beta)
    return HeavyBallODE(p.friction, p.time_step)


def heavy_ball_from_ode(damping, time_step) -> MomentumParameters:
    """Inverse of :func:`heavy_ball_ode`: ``alpha = h**2``, ``beta = 1 - a*h``.

    :func:`momentum_from_ode` for heavy ball.

    Parameters
    ----------
    damping : array_like
        ``a >= 0``.
    time_step : array_like
        ``h > 0``; ``damping*time_step`` must lie in [0, 2].

    Returns
    -------
    MomentumParameters
        ``alpha`` and ``beta`` (floats for scalar input).

    See Also
    --------
    heavy_ball_ode : the forward map.
    momentum_from_ode : the same for any two-state method.

    Examples
    --------
    >>> heavy_ball_from_ode(1.0, 0.1)
    MomentumParameters(alpha=0.010..., beta=0.9)
    """
    return momentum_from_ode("heavy_ball", time_step, check_nonnegative(damping, "damping"))


def nesterov_schedule(k):
    """Momentum used by the update that produces :math:`x_k` in the 3/t limit.

    Su, Boyd & Candès write :math:`y_k = x_k + \\frac{k-1}{k+2}(x_k - x_{k-1})`,
    :math:`x_{k+1} = y_k - s\\nabla f(y_k)`, with :math:`y_0 = x_0`. Our Nesterov rule
    producing :math:`x_k` evaluates the gradient at
    :math:`x_{k-1} + \\beta(x_{k-1} - x_{k-2})`, so it uses
    :math:`\\beta = \\beta_{k-1} = (k-2)/(k+1)`; at ``k = 1`` the velocity is zero and
    the value (-1/2) does not matter.

    Parameters
    ----------
    k : array_like
        Iteration indices, >= 1 (``k = 0`` is the start :math:`x_0`, which no update
        produces; the formula would give the invalid momentum -2 there). Non-empty.

    Returns
    -------
    float or ndarray
        The momenta :math:`(k-2)/(k+1)`.

    See Also
    --------
    discrete_trajectory : uses it for Nesterov's 3/t limit.

    Examples
    --------
    >>> nesterov_schedule(np.arange(1, 5))
    array([-0.5 ,  0.  ,  0.25,  0.4 ])
    """
    ks = check_nonempty(as_real_array(k, "k"), "k")
    bad = ks < 1
    if np.any(bad):
        # k = 0 is x_0, which no update produces; the formula would give beta = -2 there.
        raise ValueError("k (the iteration index of x_k) must be >= 1; "
                         f"got {ks[bad].flat[0].item()!r}")
    return to_output((ks - 2.0) / (ks + 1.0))


def _gradient_of(problem) -> Callable:
    if callable(problem) and not isinstance(problem, Quadratic):
        return lambda x: np.asarray(problem(x), float)
    return Quadratic.coerce(problem, "problem").grad


def _start(x0, problem) -> np.ndarray:
    """The initial point as a (d,) array matching a quadratic ``problem``'s dimension."""
    x = np.atleast_1d(as_real_array(x0, "x0"))
    if x.ndim != 1:
        raise ValueError(f"x0 must be a 1-D point; got shape {x.shape}")
    dim = None
    if isinstance(problem, Quadratic):
        dim = problem.dim
    elif not callable(problem):
        dim = Quadratic.coerce(problem, "problem").dim
    if dim is not None and x.shape != (dim,):
        raise ValueError(f"x0 must have shape ({dim},) to match the {dim}-D problem; "
                         f"got shape {x.shape}")
    return x


_ODES = ("heavy_ball", "nesterov", "gradient_flow")


class ODETrajectory(NamedTuple):
    """Solution of a limiting ODE at the requested times.

    Attributes
    ----------
    t : (n,) ndarray
        The requested times.
    x : (n, d) ndarray
        :math:`X(t)`.
    v : (n, d) ndarray
        :math:`\\dot X(t)`.
    ode : str
        Which ODE was solved.

    See Also
    --------
    ode_trajectory : returns it.

    Examples
    --------
    >>> sol = ode_trajectory("heavy_ball", 1.0, [0.0, 0.5], [1.0], damping=1.0)
    >>> sol.x.shape, sol.v[0]
    ((2, 1), array([0.]))
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
        Which limit.
    problem : Quadratic, callable or array_like
        A :class:`~momentum_dynamics.simulate.Quadratic`, a gradient function, or a
        Hessian (as in :func:`~momentum_dynamics.simulate.simulate`).
    t : array_like
        Non-empty, increasing times >= 0, starting at 0 or later.
    x0 : array_like
        Initial point, shape ``(d,)``.
    damping : float, optional
        ``a`` for ``"heavy_ball"`` (>= 0); must be None otherwise.
    v0 : array_like, optional
        Initial velocity for ``"heavy_ball"`` (default zero; the Nesterov ODE starts
        at rest).
    rtol, atol : float
        Tolerances of :func:`scipy.integrate.solve_ivp`.

    Returns
    -------
    ODETrajectory
        Position and velocity at the times ``t``.

    See Also
    --------
    discrete_trajectory : the iterates the ODE approximates.
    discretisation_error : their distance and its order.

    Examples
    --------
    >>> sol = ode_trajectory("gradient_flow", [1.0, 0.1], [0.0, 1.0], [1.0, 1.0])
    >>> np.round(sol.x[-1], 8)
    array([0.36787944, 0.90483742])
    """
    if ode not in _ODES:
        raise ValueError(f"ode must be one of {list(_ODES)}; got {ode!r}")
    grad = _gradient_of(problem)
    x0 = _start(x0, problem)
    d = x0.size
    t = np.atleast_1d(check_nonempty(as_real_array(t, "t"), "t"))
    if t.ndim != 1 or np.any(t < 0) or np.any(np.diff(t) <= 0):
        raise ValueError("t must be a 1-D array of increasing times >= 0")
    if ode == "heavy_ball":
        if damping is None:
            raise TypeError("damping (a of x'' + a x' + grad f = 0) is required for "
                            "ode='heavy_ball'")
        a = check_scalar(as_real_array(damping, "damping"), "damping")
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
    """(method, ode name, damping of the ODE, ``params(h, n)``: keyword arguments of
    :func:`~momentum_dynamics.simulate.simulate` for ``n`` steps of time step ``h``)."""
    m = get_method(method)
    if m.name == "gd":
        if damping is not None:
            raise ValueError("damping must be None for method 'gd' (its limit is gradient "
                             "flow)")
        return m, "gradient_flow", None, lambda h, n: {"alpha": h}
    if m.name == "heavy_ball":
        a = 1.0 if damping is None else damping
        a = check_scalar(as_real_array(a, "damping"), "damping")
        return m, "heavy_ball", a, lambda h, n: momentum_from_ode(m, h, a)._asdict()
    if m.name == "nesterov":
        if damping is None:
            # the 3/t limit: the step of the ODE map at zero friction, Su-Boyd-Candes beta_k
            return m, "nesterov", None, lambda h, n: {
                "alpha": momentum_from_ode(m, h, 0.0).alpha, "beta": None,
                "schedule": {"beta": nesterov_schedule(np.arange(1, n + 1))}}
        a = check_scalar(as_real_array(damping, "damping"), "damping")
        return m, "heavy_ball", a, lambda h, n: momentum_from_ode(m, h, a)._asdict()
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

    The update rule runs through :func:`~momentum_dynamics.simulate.simulate` (with a
    momentum ``schedule`` for the 3/t limit), from a zero initial velocity.
    ``x_k`` is compared with :math:`X(k\\cdot\\mathrm{step})`.

    Parameters
    ----------
    method : {"gd", "heavy_ball", "nesterov"}
        The update rule.
    problem : Quadratic, callable or array_like
        A :class:`~momentum_dynamics.simulate.Quadratic`, a gradient function or a
        Hessian.
    step : float
        Time step, > 0.
    horizon : float
        Time span, > 0.
    x0 : array_like
        Initial point, shape ``(d,)``.
    damping : float, optional
        ``a`` of the heavy-ball ODE (see above); ``damping*step`` must lie in [0, 2].

    Returns
    -------
    t : (n + 1,) array
        ``k*step`` for ``k = 0..n``, ``n = floor(horizon/step)``.
    x : (n + 1, d) array
        The iterates.

    See Also
    --------
    ode_trajectory : the ODE's solution.
    momentum_dynamics.simulate.simulate : runs the update rule.

    Examples
    --------
    >>> t, x = discrete_trajectory("gd", 1.0, 0.5, 1.0, [1.0])
    >>> t, x.ravel()
    (array([0. , 0.5, 1. ]), array([1.  , 0.5 , 0.25]))
    """
    m, _, a, params = _limit_setup(method, damping)
    h = check_scalar(_check_dt(step, "step"), "step")
    _check_limit_step(h, a)
    T = check_scalar(check_positive(horizon, "horizon", "a time span"), "horizon")
    grad = _gradient_of(problem)
    x0 = _start(x0, problem)
    n = int(math.floor(T / h + 1e-9))
    run = simulate(m, grad, steps=n, x0=x0, **params(h, n))
    return np.arange(n + 1) * h, np.array(run.x)


class DiscretisationError(NamedTuple):
    """Distance of the iterates to their ODE as the step shrinks.

    Attributes
    ----------
    method : str
        The method's registry name.
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

    See Also
    --------
    discretisation_error : computes it.

    Examples
    --------
    >>> r = discretisation_error("gd", steps=(0.1, 0.05), horizon=2.0)
    >>> r.ode, r.steps
    ('gradient_flow', array([0.1 , 0.05]))
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
        The update rule.
    steps : sequence of float
        At least two time steps, > 0.
    problem : Quadratic, gradient callable or Hessian, optional
        Default ``Quadratic([1.0, 0.1])``.
    x0 : array_like, optional
        Default ``ones(d)``.
    horizon : float
        Time span compared.
    damping : float, optional
        ``a`` (see :func:`discrete_trajectory`).

    Returns
    -------
    DiscretisationError
        The errors per step and the fitted order and constant.

    See Also
    --------
    discrete_trajectory, ode_trajectory : the two sides compared.

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
            x0 = np.ones(Quadratic.coerce(problem, "problem").dim)
    x0 = _start(x0, problem)
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

"""Underdamped Langevin (SGHMC): simulation, exact stationary covariance, bias, temperature."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from .._lazy import lazy_module

if TYPE_CHECKING:
    import scipy.linalg
else:
    scipy = lazy_module("scipy")

from .. import symbolic as S
from .._validation import check_alpha, check_beta, check_count
from ..lti import state_space_matrices
from ..methods import Method, get_method
from ..noise import stationary_covariance
from ..physics import momentum_from_ode, momentum_from_ode_symbolic, ode_parameters
from ..simulate import simulate
from ._common import (
    _call_grad,
    _check_start,
    _match,
    _position,
    _positive_definite,
    _rng,
    _scalar,
)
from ._reading import (
    GAMMA_SYM,
    H_SYM,
    noise_variance,
    temperature_of_noise,
    two_state,
    velocity_matrix,
    velocity_row,
)
from .integrators import PhaseSpaceTrajectory, _energies
from .potentials import (
    _resolve,
    quadratic_potential,  # noqa: F401 (doctests)
)

__all__ = [
    "langevin_step",
    "underdamped_langevin",
    "LangevinModel",
    "langevin_matrices",
    "LangevinCovariance",
    "langevin_stationary_covariance",
    "LangevinBias",
    "langevin_bias",
    "EffectiveTemperature",
    "HeavyBallTemperature",
    "effective_temperature",
    "heavy_ball_temperature",
]


def _run(grad, x, v, h, gamma, T, r, n, every, gen=None,
         kick=None) -> tuple[np.ndarray, np.ndarray]:
    """The Langevin scheme as heavy ball (its definition, module text) through simulate.

    The kicks are standard normal draws from ``gen``, or the given array ``kick``;
    returns the records of (x, p).
    """
    hb = get_method("heavy_ball")
    alpha, beta = momentum_from_ode(hb, h, gamma)
    V = velocity_matrix(hb, h, alpha, beta)  # (x, v_hb) -> (x, p)
    sigma = np.sqrt(noise_variance(h, gamma, T, r))

    def noise(_t, y, g):  # the velocity kick -h*xi = sqrt(2 r gamma T h) * zeta
        return -sigma * (g.standard_normal(np.shape(y)) if kick is None else kick)

    run = simulate(hb, lambda y: _call_grad(grad, y), alpha, beta, steps=n, x0=x,
                   v0=(v - V[1, 0] * x) / V[1, 1], noise=noise, rng=gen,
                   record_every=every)
    return run.x, V[1, 0] * run.x + V[1, 1] * run.states["v"]


def langevin_step(x, v, grad, step, friction, temperature, noise, *, noise_factor=1.0):
    """One step of the underdamped Langevin (SGHMC) scheme.

    .. math:: v' = (1 - \\gamma h) v - h \\nabla f(x) + \\sqrt{2 r \\gamma T h}\\, \\zeta,
              \\qquad x' = x + h v'

    (friction-noise Euler-Maruyama on the velocity, then the position with the new
    velocity; ``r = noise_factor = 1`` satisfies fluctuation-dissipation).

    Parameters
    ----------
    x, v : array_like
        Positions and velocities (same shape).
    grad : Potential or callable
        The potential, or its gradient ``grad(x)``.
    step, friction, temperature : float
        ``h > 0``, ``gamma >= 0``, ``T >= 0``.
    noise : array_like
        Standard normal draws ``zeta``, shaped like ``v``.
    noise_factor : float
        ``r >= 0``, the ratio of the injected noise variance to the matching one.

    Returns
    -------
    tuple of ndarray
        The new positions and velocities ``(x', v')``.

    See Also
    --------
    underdamped_langevin : many steps on many chains.

    Examples
    --------
    >>> langevin_step(1.0, 0.0, quadratic_potential(1.0), 0.1, 1.0, 0.0, 0.0)
    (array([0.99]), array([-0.1]))
    """
    grad, _ = _resolve(grad, None)
    x = _position(x, "x")
    v = _match(_position(v, "v"), x.shape, "v", "x")
    zeta = _match(_position(noise, "noise"), x.shape, "noise", "x")
    h = _scalar(step, "step", positive=True)
    gamma = _scalar(friction, "friction", nonnegative=True)
    T = _scalar(temperature, "temperature", nonnegative=True)
    r = _scalar(noise_factor, "noise_factor", nonnegative=True)
    xs, ps = _run(grad, x, v, h, gamma, T, r, 1, 1, kick=zeta)
    return xs[1], ps[1]


def underdamped_langevin(grad, x0, v0, step, friction, temperature, n_steps, n_chains=1,
                         rng=None, *, noise_factor=1.0, value=None,
                         record_every=1) -> PhaseSpaceTrajectory:
    """Simulate ``n_chains`` independent underdamped Langevin chains (vectorised).

    The scheme is :func:`langevin_step`. With ``noise_factor = 1`` it samples the
    Boltzmann distribution :math:`\\propto e^{-(f(x) + v^2/2)/T}` up to the discretisation
    bias quantified by :func:`langevin_bias`.

    Parameters
    ----------
    grad : Potential or callable
        The potential, or its gradient ``grad(x)``.
    x0, v0 : float or array_like
        Starts, shape ``()``, ``(d,)`` or ``(n_chains, d)``; broadcast over the chains.
    step, friction, temperature : float
        ``h > 0``, ``gamma >= 0``, ``T >= 0``.
    n_steps : int
        Number of steps, >= 0.
    n_chains : int
        Number of chains, >= 1.
    rng : numpy Generator, int seed or None
        The random source.
    noise_factor : float
        Noise variance relative to the fluctuation-dissipation value.
    value : callable, optional
        ``f(x)``, when ``grad`` is a plain callable.
    record_every : int
        Keep every ``record_every``-th state (the last record is at the largest multiple
        of it not above ``n_steps``).

    Returns
    -------
    PhaseSpaceTrajectory
        ``x`` and ``p`` (the velocity) of shape ``(records, n_chains, d)``.

    See Also
    --------
    langevin_stationary_covariance : the exact stationary covariance on a quadratic.
    boltzmann_expectation : the target averages.

    Examples
    --------
    >>> tr = underdamped_langevin(quadratic_potential(1.0), 0.0, 0.0, 0.05, 1.0, 0.5,
    ...                           400, 2000, rng=0)
    >>> tr.x.shape, round(float(np.mean(tr.p[-1] ** 2)), 1)
    ((401, 2000, 1), 0.5)
    """
    grad, value = _resolve(grad, value)
    h = _scalar(step, "step", positive=True)
    gamma = _scalar(friction, "friction", nonnegative=True)
    T = _scalar(temperature, "temperature", nonnegative=True)
    r = _scalar(noise_factor, "noise_factor", nonnegative=True)
    n = check_count(n_steps, "n_steps")
    c = check_count(n_chains, "n_chains", 1)
    every = check_count(record_every, "record_every", 1)
    x = _position(x0, "x0")
    if x.ndim == 1:
        x = np.broadcast_to(x, (c, x.shape[0]))
    if x.ndim != 2 or x.shape[0] != c:
        raise ValueError(f"x0 must have shape (), (d,) or (n_chains, d) = ({c}, d); "
                         f"got {np.shape(x0)}")
    x = x.copy()
    v = _match(_position(v0, "v0"), x.shape, "v0", "x0")
    _check_start(grad, x, "x0")
    xs, vs = _run(grad, x, v, h, gamma, T, r, n, every, _rng(rng))
    records = xs.shape[0]
    time = h * every * np.arange(records)
    return PhaseSpaceTrajectory(time, xs, vs, *_energies(xs, vs, 1.0, value))


# --------------------------------------------------------------------------
# The Langevin scheme on a quadratic: exact stationary covariance and its bias
# --------------------------------------------------------------------------


class LangevinModel(NamedTuple):
    """``s[k+1] = A s[k] + B w[k]``, ``w ~ N(0, noise_cov)``, ``s = (x, v)`` blockwise.

    ``v`` is the velocity :math:`(x_k - x_{k-1})/h`; ``w = -h\\xi`` the velocity kick of
    the gradient noise ``xi``.

    Attributes
    ----------
    A : ndarray (2d, 2d)
        State matrix.
    B : ndarray (2d, d)
        Noise input matrix.
    noise_cov : ndarray (d, d)
        Covariance of ``w``.

    See Also
    --------
    langevin_matrices : returns it.

    Examples
    --------
    >>> langevin_matrices(0.1, 1.0, 2.0, 0.5).noise_cov  # 2 r gamma T h
    array([[0.1]])
    """

    A: np.ndarray
    B: np.ndarray
    noise_cov: np.ndarray


def langevin_matrices(step, friction, hessian, temperature=1.0, *, noise_factor=1.0,
                      method="heavy_ball") -> LangevinModel:
    """The Langevin scheme of a momentum method on :math:`f = x^\\top H x/2`, linear.

    The method runs with the hyper-parameters of
    :func:`momentum_dynamics.physics.momentum_from_ode` at time step ``h`` and friction
    ``gamma`` and with gradient noise of variance :math:`2r\\gamma T/h`; its state is
    rewritten in position and velocity :math:`v_k = (x_k - x_{k-1})/h`. For heavy ball
    (SGHMC, Chen, Fox & Guestrin 2014) this gives

    .. math:: A = \\begin{pmatrix} I - h^2 H & (1-\\gamma h) h I \\\\ -h H & (1-\\gamma h) I
              \\end{pmatrix}, \\qquad B = \\begin{pmatrix} h I \\\\ I \\end{pmatrix}, \\qquad
              \\mathrm{Cov}(w) = 2 r\\gamma T h\\, I.

    Parameters
    ----------
    step : float
        Time step ``h > 0``.
    friction : float
        ``gamma >= 0``.
    hessian : float, 1-D or (d, d) array
        Positive definite.
    temperature, noise_factor : float
        ``T >= 0`` and ``r >= 0``.
    method : str or Method
        A two-state method with momentum (``"heavy_ball"``, ``"nesterov"``,
        ``"ema_momentum"``, ...).

    Returns
    -------
    LangevinModel
        ``A``, ``B`` and the noise covariance.

    See Also
    --------
    langevin_stationary_covariance : its stationary covariance.
    momentum_dynamics.lti.state_space_matrices : the method's own state matrices.

    Examples
    --------
    >>> m = langevin_matrices(0.1, 1.0, 2.0)
    >>> m.A
    array([[ 0.98,  0.09],
           [-0.2 ,  0.9 ]])
    """
    m = two_state(method)
    h = _scalar(step, "step", positive=True)
    gamma = _scalar(friction, "friction", nonnegative=True)
    T = _scalar(temperature, "temperature", nonnegative=True)
    r = _scalar(noise_factor, "noise_factor", nonnegative=True)
    H = _positive_definite(hessian)
    d = H.shape[0]
    if gamma * h > 2:
        raise ValueError(f"the Langevin scheme is unstable for friction*step = {gamma * h!r} "
                         "> 2 (its momentum 1 - friction*step falls below -1)")
    alpha, beta = momentum_from_ode(m, h, gamma)
    A_m, B_m = state_space_matrices(m, alpha, beta, hessian=H)
    V = np.kron(velocity_matrix(m, h, alpha, beta), np.eye(d))  # (x, v_method) -> (x, v)
    A = V @ A_m @ np.linalg.inv(V)
    B = -V @ B_m / h  # the kick w = -h xi
    return LangevinModel(A, B, h * h * noise_variance(h, gamma, T, r) * np.eye(d))


class LangevinCovariance(NamedTuple):
    """Stationary covariance of the Langevin scheme and the Boltzmann target.

    Attributes
    ----------
    x, v, xv : ndarray (d, d)
        ``Cov(x)``, ``Cov(v)``, ``E[x v^T]``.
    state : ndarray (2d, 2d)
        The full covariance (x block first).
    boltzmann_x, boltzmann_v : ndarray (d, d)
        :math:`T H^{-1}` and :math:`T I` (the target, with the nominal ``T``).
    configurational_temperature, kinetic_temperature : float
        :math:`\\mathrm{tr}(H\\,\\mathrm{Cov}(x))/d` and :math:`\\mathrm{tr}\\,\\mathrm{Cov}(v)/d`.
    model : LangevinModel
        The linear model solved.

    See Also
    --------
    langevin_stationary_covariance : returns it.

    Examples
    --------
    >>> c = langevin_stationary_covariance(0.1, 1.0, 0.5, 2.0)
    >>> c.boltzmann_x, round(c.kinetic_temperature, 6), round(4 * 0.5 / (4 - 0.2 - 0.02), 6)
    (array([[0.25]]), 0.529101, 0.529101)
    """

    x: np.ndarray
    v: np.ndarray
    xv: np.ndarray
    state: np.ndarray
    boltzmann_x: np.ndarray
    boltzmann_v: np.ndarray
    configurational_temperature: float
    kinetic_temperature: float
    model: LangevinModel


def langevin_stationary_covariance(step, friction, temperature, hessian, *,
                                   noise_factor=1.0, method="heavy_ball") -> LangevinCovariance:
    """Exact stationary covariance of the discretised Langevin scheme on a quadratic.

    Solves :math:`P = A P A^\\top + B\\, \\mathrm{Cov}(w)\\, B^\\top`
    (:func:`scipy.linalg.solve_discrete_lyapunov`) for the model of
    :func:`langevin_matrices`. As ``step -> 0`` it tends to the Boltzmann covariance
    :math:`\\mathrm{diag}(rT H^{-1}, rT I)`; the bias is derived in :func:`langevin_bias`.

    Parameters
    ----------
    step, friction, temperature, hessian, noise_factor, method
        As in :func:`langevin_matrices`.

    Returns
    -------
    LangevinCovariance
        The covariance blocks, the Boltzmann target and the two temperatures.

    See Also
    --------
    langevin_bias : the bias in closed form (1-D).

    Raises
    ------
    ValueError
        When the scheme is unstable (no stationary distribution), the friction is zero,
        or the Hessian is not positive definite.

    Examples
    --------
    >>> c = langevin_stationary_covariance(0.1, 1.0, 0.5, 2.0)
    >>> round(float(c.x[0, 0]), 6), round(0.25 / (1 - 0.01 * 2 / (2 * (2 - 0.1))), 6)
    (0.251323, 0.251323)
    """
    model = langevin_matrices(step, friction, hessian, temperature, noise_factor=noise_factor,
                              method=method)
    if _scalar(friction, "friction") == 0:
        raise ValueError("friction must be > 0 for a stationary distribution; got 0")
    rho = np.max(np.abs(np.linalg.eigvals(model.A)))
    if rho >= 1:
        raise ValueError(f"no stationary distribution: the Langevin scheme with step={step!r}, "
                         f"friction={friction!r} is unstable (spectral radius {rho:.6g})")
    P = scipy.linalg.solve_discrete_lyapunov(model.A, model.B @ model.noise_cov @ model.B.T)
    P = 0.5 * (P + P.T)
    d = model.B.shape[1]
    H = _positive_definite(hessian)
    T = float(temperature)
    Cx, Cv = P[:d, :d], P[d:, d:]
    return LangevinCovariance(Cx, Cv, P[:d, d:], P, T * np.linalg.inv(H), T * np.eye(d),
                              float(np.trace(H @ Cx) / d), float(np.trace(Cv) / d), model)


class LangevinBias(NamedTuple):
    """Exact 1-D stationary moments of the Langevin scheme and their expansions in ``h``.

    Expressions in the symbols ``h`` (step), ``gamma`` (friction), ``lambda`` (curvature),
    ``T`` (temperature) and ``r`` (noise factor).

    Attributes
    ----------
    var_x, var_v, cov_xv : sympy.Expr
        Exact stationary moments.
    relative_x, relative_v : sympy.Expr
        :math:`\\lambda \\mathrm{Var}(x)/(rT)` and :math:`\\mathrm{Var}(v)/(rT)` (1 at
        equilibrium), exact.
    relative_x_series, relative_v_series : sympy.Expr
        Their expansions to :math:`O(h^3)`.
    order_x, order_v : int
        Leading order of the bias in ``h`` (2 and 1 for heavy ball).
    symbols : dict
        ``{"step": h, "friction": gamma, "curvature": lambda, "temperature": T,
        "noise_factor": r}``.

    See Also
    --------
    langevin_bias : returns it.

    Examples
    --------
    >>> b = langevin_bias()
    >>> b.relative_v.subs(b.symbols["step"], 0)  # equilibrium as the step vanishes
    1
    """

    var_x: sp.Expr
    var_v: sp.Expr
    cov_xv: sp.Expr
    relative_x: sp.Expr
    relative_v: sp.Expr
    relative_x_series: sp.Expr
    relative_v_series: sp.Expr
    order_x: int
    order_v: int
    symbols: dict


@cache
def _langevin_bias(method: Method) -> LangevinBias:
    h, g = H_SYM, GAMMA_SYM
    T = sp.Symbol("T", positive=True)
    r = sp.Symbol("r", positive=True)
    lam = S.curvature
    # The method's exact stationary covariance (symbolic core) at the ODE map's
    # (alpha, beta) and the Langevin noise variance, then (x, v_method) -> (x, v).
    inv = momentum_from_ode_symbolic(method)
    sub = {S.alpha: inv.alpha, S.beta: inv.beta}
    P = S.stationary_covariance(method).subs(S.sigma, sp.sqrt(noise_variance(h, g, T, r)))
    c = velocity_row(method)
    V = sp.Matrix([[1, 0], [c[0] / h, c[1] / h]])
    PL = (V * P * V.T).subs(sub)
    var_x, cov, var_v = (sp.factor(sp.simplify(PL[i, j])) for i, j in ((0, 0), (0, 1), (1, 1)))
    rel_x = sp.factor(var_x * lam / (r * T))
    rel_v = sp.factor(var_v / (r * T))
    sx = sp.series(rel_x, h, 0, 3)
    sv = sp.series(rel_v, h, 0, 3)

    def order(series):
        poly = sp.Poly(sp.expand(series.removeO() - 1), h)
        return min(m[0] for m in poly.monoms())

    return LangevinBias(var_x, var_v, cov, rel_x, rel_v, sx, sv, order(sx), order(sv),
                        {"step": h, "friction": g, "curvature": lam, "temperature": T,
                         "noise_factor": r})


def langevin_bias(method: str | Method = "heavy_ball") -> LangevinBias:
    """Derive (SymPy, cached) the 1-D stationary moments of the Langevin scheme.

    The moments come from the method's exact stationary covariance
    (:func:`momentum_dynamics.symbolic.stationary_covariance`) with ``alpha, beta`` from
    :func:`momentum_dynamics.physics.momentum_from_ode_symbolic` and the Langevin noise
    variance :math:`2r\\gamma T/h`, in position and velocity. For heavy ball

    .. math:: \\frac{\\lambda\\,\\mathrm{Var}(x)}{rT} = \\frac{2(2 - \\gamma h)}{4 - 2\\gamma h
              - \\lambda h^2} = 1 + \\frac{\\lambda h^2}{4} + O(h^3), \\qquad
              \\frac{\\mathrm{Var}(v)}{rT} = 1 + \\frac{\\gamma h}{2} + O(h^2),

    and :math:`E[xv] = rTh/2 + O(h^2)`: the configurational temperature is biased at
    second order in the step, the kinetic one at first order.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.

    Returns
    -------
    LangevinBias
        Exact moments and their expansions in ``h``.

    See Also
    --------
    langevin_stationary_covariance : the numeric covariance in any dimension.

    Examples
    --------
    >>> b = langevin_bias()
    >>> b.relative_x_series
    1 + h**2*lambda/4 + O(h**3)
    >>> b.order_x, b.order_v
    (2, 1)
    """
    return _langevin_bias(two_state(method))


# --------------------------------------------------------------------------
# Momentum SGD as a sampler: effective temperature
# --------------------------------------------------------------------------


class EffectiveTemperature(NamedTuple):
    """Temperatures of a momentum method with gradient noise, per eigen-direction of ``H``.

    Attributes
    ----------
    approximation : ndarray (d,)
        Small-step value :math:`T = h\\sigma_i^2/(2\\gamma)` (fluctuation-dissipation at
        the time step and friction of :func:`momentum_dynamics.physics.ode_parameters`;
        heavy ball: :math:`\\alpha \\sigma_i^2 / (2(1-\\beta))`), with :math:`\\sigma_i^2`
        the noise variance along eigenvector ``i``.
    configurational : ndarray (d,)
        Exact :math:`\\lambda_i \\mathrm{Var}_i(x)` from the stationary covariance; heavy
        ball: ``approximation / (1 - alpha*lambda_i / (2 (1 + beta)))``.
    kinetic : ndarray (d,)
        Exact :math:`\\mathrm{Var}_i(p)` of the velocity :math:`p = (x_k - x_{k-1})/h`
        (heavy ball: :math:`p = -v/\\sqrt\\alpha`, ``approximation * 2 / (1 + beta -
        alpha*lambda_i/2)`` for co-diagonal noise, which tends to the approximation only
        when also ``beta -> 1``).
    curvatures : ndarray (d,)
        The eigenvalues :math:`\\lambda_i` of the Hessian.

    See Also
    --------
    effective_temperature, heavy_ball_temperature : return it.

    Examples
    --------
    >>> heavy_ball_temperature(0.01, 0.9, [1.0, 2.0], 1.0).curvatures
    array([1., 2.])
    """

    approximation: np.ndarray
    configurational: np.ndarray
    kinetic: np.ndarray
    curvatures: np.ndarray


#: The former name of :class:`EffectiveTemperature`.
HeavyBallTemperature = EffectiveTemperature


def effective_temperature(method, alpha, beta, hessian, noise_cov=1.0,
                          **hyperparameters) -> EffectiveTemperature:
    """Effective temperature of SGD with momentum, exact and approximate.

    The exact values come from :func:`momentum_dynamics.stationary_covariance` (the
    package's discrete Lyapunov solution) read in position and velocity
    (:math:`p = (x_k - x_{k-1})/h`); the approximation is the temperature at which the
    method, read as the Langevin scheme of :func:`langevin_matrices`, satisfies
    fluctuation-dissipation, :math:`T = h\\sigma^2/(2\\gamma)` (Mandt, Hoffman & Blei 2017
    for SGD; heavy ball :math:`\\alpha\\sigma^2/(2(1-\\beta))`).

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.
    alpha : float
        Learning rate, > 0.
    beta : float
        Momentum in [-1, 1), with positive friction.
    hessian : float, 1-D or (d, d) array
        The Hessian (its eigen-directions are the ones reported).
    noise_cov : float, 1-D or (d, d) array
        Covariance of the gradient noise.
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    EffectiveTemperature
        Approximate and exact temperatures per eigen-direction.

    See Also
    --------
    heavy_ball_temperature : the heavy-ball case.
    momentum_dynamics.stationary_covariance : the exact covariance used.

    Examples
    --------
    >>> t = effective_temperature("ema_momentum", 0.1, 0.9, 1.0, 1.0)
    >>> t.approximation, t.configurational.round(6)
    (array([0.05]), array([0.050132]))
    """
    m = two_state(method)
    a = _scalar(check_alpha(alpha), "alpha")
    b = _scalar(check_beta(beta, m), "beta")
    phys = ode_parameters(m, a, b, **hyperparameters)
    if not phys.friction > 0:
        raise ValueError(f"beta={b!r} gives friction {phys.friction!r} for {m.title}; a "
                         "finite temperature needs positive friction (beta < 1)")
    res = stationary_covariance(m, a, b, hessian=hessian, noise_cov=noise_cov,
                                **hyperparameters)
    lam = res.curvatures
    x, v = m.state
    c = velocity_row(m).subs({S.alpha: a, S.beta: b})
    cx, cv = float(c[0]), float(c[1])
    Cx = np.diag(res.block(x, eigenbasis=True))
    Cxv = np.diag(res.block(x, v, eigenbasis=True))
    Cv = np.diag(res.block(v, eigenbasis=True))
    h = phys.time_step
    kinetic = (cx * cx * Cx + 2 * cx * cv * Cxv + cv * cv * Cv) / (h * h)
    S_ = np.asarray(noise_cov, dtype=float)
    if S_.ndim < 2:
        S_ = np.diag(np.broadcast_to(S_, lam.shape))
    Q = res.eigenvectors
    s2 = np.diag(S_) if Q is None else np.einsum("ij,ik,kj->j", Q, S_, Q)
    return EffectiveTemperature(temperature_of_noise(h, phys.friction, s2), lam * Cx,
                                kinetic, lam)


def heavy_ball_temperature(alpha, beta, hessian, noise_cov=1.0) -> EffectiveTemperature:
    """Effective temperature of SGD with heavy-ball momentum, exact and approximate.

    :func:`effective_temperature` for heavy ball: the approximation is
    :math:`T = \\alpha\\sigma^2/(2(1-\\beta))`.

    Parameters
    ----------
    alpha : float
        Learning rate, > 0.
    beta : float
        Momentum in [-1, 1).
    hessian : float, 1-D or (d, d) array
        The Hessian.
    noise_cov : float, 1-D or (d, d) array
        Covariance of the gradient noise.

    Returns
    -------
    EffectiveTemperature
        Approximate and exact temperatures per eigen-direction.

    See Also
    --------
    effective_temperature : any two-state method.

    Examples
    --------
    >>> t = heavy_ball_temperature(0.01, 0.9, 1.0, 1.0)
    >>> t.approximation, t.configurational.round(6)
    (array([0.05]), array([0.050132]))
    """
    b = _scalar(check_beta(beta, get_method("heavy_ball")), "beta")
    if b >= 1:
        raise ValueError(f"beta must be < 1 for a finite temperature; got {b!r}")
    return effective_temperature("heavy_ball", alpha, b, hessian, noise_cov)

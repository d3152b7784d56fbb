"""Underdamped Langevin (SGHMC): simulation, exact stationary covariance, bias, temperature."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import scipy.linalg
import sympy as sp

from .. import symbolic as S
from .._validation import check_alpha, check_beta, check_count
from ..lti import state_space_matrices
from ..methods import get_method
from ..noise import stationary_covariance
from ._common import (
    _call_grad,
    _match,
    _position,
    _positive_definite,
    _rng,
    _scalar,
)
from .integrators import Trajectory, _energies
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
    "HeavyBallTemperature",
    "heavy_ball_temperature",
]


def _langevin(x, v, grad, h, gamma, noise_std, zeta):
    v = (1.0 - gamma * h) * v - h * _call_grad(grad, x) + noise_std * zeta
    return x + h * v, v


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
    step, friction, temperature : float
        ``h > 0``, ``gamma >= 0``, ``T >= 0``.
    noise : array_like
        Standard normal draws ``zeta``, shaped like ``v``.
    noise_factor : float
        ``r >= 0``, the ratio of the injected noise variance to the matching one.

    Returns
    -------
    (x', v')

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
    return _langevin(x, v, grad, h, gamma, np.sqrt(2 * r * gamma * T * h), zeta)


def underdamped_langevin(grad, x0, v0, step, friction, temperature, n_steps, n_chains=1,
                         rng=None, *, noise_factor=1.0, value=None,
                         record_every=1) -> Trajectory:
    """Simulate ``n_chains`` independent underdamped Langevin chains (vectorised).

    The scheme is :func:`langevin_step`. With ``noise_factor = 1`` it samples the
    Boltzmann distribution :math:`\\propto e^{-(f(x) + v^2/2)/T}` up to the discretisation
    bias quantified by :func:`langevin_bias`.

    Parameters
    ----------
    grad : Potential or callable
    x0, v0 : float or array_like
        Starts, shape ``()``, ``(d,)`` or ``(n_chains, d)``; broadcast over the chains.
    step, friction, temperature : float
    n_steps, n_chains : int
    rng : numpy Generator, int seed or None
    noise_factor : float
        Noise variance relative to the fluctuation-dissipation value.
    value : callable, optional
    record_every : int
        Keep every ``record_every``-th state (the last record is at the largest multiple
        of it not above ``n_steps``).

    Returns
    -------
    Trajectory
        ``x`` and ``p`` (the velocity) of shape ``(records, n_chains, d)``.

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
    try:  # a dimension mismatch between x0 and the potential fails here, not mid-run
        g0 = np.asarray(grad(x))
    except ValueError as exc:
        raise ValueError(f"x0 of dimension {x.shape[-1]} does not fit the potential's "
                         f"gradient: {exc}") from None
    if g0.shape != x.shape:
        raise ValueError(f"x0 has dimension {x.shape[-1]} but grad returned shape "
                         f"{g0.shape} for positions of shape {x.shape}; give x0 the "
                         f"potential's dimension")
    gen = _rng(rng)
    std = np.sqrt(2 * r * gamma * T * h)
    records = n // every + 1
    xs = np.empty((records,) + x.shape)
    vs = np.empty_like(xs)
    xs[0], vs[0] = x, v
    for k in range(1, n + 1):
        x, v = _langevin(x, v, grad, h, gamma, std, gen.standard_normal(x.shape))
        if k % every == 0:
            xs[k // every], vs[k // every] = x, v
    time = h * every * np.arange(records)
    return Trajectory(time, xs, vs, *_energies(xs, vs, 1.0, value))


# --------------------------------------------------------------------------
# The Langevin scheme on a quadratic: exact stationary covariance and its bias
# --------------------------------------------------------------------------


class LangevinModel(NamedTuple):
    """``s[k+1] = A s[k] + B w[k]``, ``w ~ N(0, noise_cov)``, ``s = (x, v)`` blockwise."""

    A: np.ndarray
    B: np.ndarray
    noise_cov: np.ndarray


def langevin_matrices(step, friction, hessian, temperature=1.0, *,
                      noise_factor=1.0) -> LangevinModel:
    """The Langevin scheme on :math:`f = x^\\top H x/2` as a linear system.

    .. math:: A = \\begin{pmatrix} I - h^2 H & (1-\\gamma h) h I \\\\ -h H & (1-\\gamma h) I
              \\end{pmatrix}, \\qquad B = \\begin{pmatrix} h I \\\\ I \\end{pmatrix}, \\qquad
              \\mathrm{Cov}(w) = 2 r\\gamma T h\\, I.

    Examples
    --------
    >>> m = langevin_matrices(0.1, 1.0, 2.0)
    >>> m.A
    array([[ 0.98,  0.09],
           [-0.2 ,  0.9 ]])
    """
    h = _scalar(step, "step", positive=True)
    gamma = _scalar(friction, "friction", nonnegative=True)
    T = _scalar(temperature, "temperature", nonnegative=True)
    r = _scalar(noise_factor, "noise_factor", nonnegative=True)
    H = _positive_definite(hessian)
    d = H.shape[0]
    if gamma * h > 2:
        raise ValueError(f"the Langevin scheme is unstable for friction*step = {gamma * h!r} "
                         "> 2 (its momentum 1 - friction*step falls below -1)")
    # The scheme is heavy ball with alpha = h^2, beta = 1 - gamma*h and velocity
    # v_hb = -h v, driven by the gradient noise xi = -w/h; derive it from that rule.
    A_hb, B_hb = state_space_matrices("heavy_ball", h * h, 1.0 - gamma * h, hessian=H)
    scale = np.concatenate([np.ones(d), np.full(d, -1.0 / h)])  # (x, v_hb) -> (x, v)
    A = scale[:, None] * A_hb / scale[None, :]
    B = -scale[:, None] * B_hb / h
    return LangevinModel(A, B, 2 * r * gamma * T * h * np.eye(d))


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
                                   noise_factor=1.0) -> LangevinCovariance:
    """Exact stationary covariance of the discretised Langevin scheme on a quadratic.

    Solves :math:`P = A P A^\\top + B\\, \\mathrm{Cov}(w)\\, B^\\top`
    (:func:`scipy.linalg.solve_discrete_lyapunov`) for the model of
    :func:`langevin_matrices`. As ``step -> 0`` it tends to the Boltzmann covariance
    :math:`\\mathrm{diag}(rT H^{-1}, rT I)`; the bias is derived in :func:`langevin_bias`.

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
    model = langevin_matrices(step, friction, hessian, temperature, noise_factor=noise_factor)
    if _scalar(friction, "friction") == 0:
        raise ValueError("friction must be > 0 for a stationary distribution; got 0")
    rho = np.max(np.abs(np.linalg.eigvals(model.A)))
    if rho >= 1:
        raise ValueError(f"no stationary distribution: the Langevin scheme with step={step!r}, "
                         f"friction={friction!r} is unstable (spectral radius {rho:.6g})")
    P = scipy.linalg.solve_discrete_lyapunov(model.A, model.B @ model.noise_cov @ model.B.T)
    P = 0.5 * (P + P.T)
    d = model.B.shape[1]
    H = -model.A[d:, :d] / float(step)
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
        Leading order of the bias in ``h`` (2 and 1).
    symbols : dict
        ``{"step": h, "friction": gamma, "curvature": lambda, "temperature": T,
        "noise_factor": r}``.
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
def _langevin_bias() -> LangevinBias:
    h = sp.Symbol("h", positive=True)
    g = sp.Symbol("gamma", positive=True)
    T = sp.Symbol("T", positive=True)
    r = sp.Symbol("r", positive=True)
    lam = S.curvature
    A = sp.Matrix([[1 - h**2 * lam, (1 - g * h) * h], [-h * lam, 1 - g * h]])
    b = sp.Matrix([h, 1])
    a, c, d = sp.symbols("a c d")
    P = sp.Matrix([[a, c], [c, d]])
    eq = P - A * P * A.T - 2 * r * g * T * h * b * b.T
    sol = sp.solve([eq[0, 0], eq[0, 1], eq[1, 1]], [a, c, d], dict=True)[0]
    var_x, cov, var_v = (sp.factor(sol[k]) for k in (a, c, d))
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


def langevin_bias() -> LangevinBias:
    """Derive (SymPy, cached) the 1-D stationary moments of the Langevin scheme.

    Solving the 2x2 discrete Lyapunov equation of :func:`langevin_matrices` exactly gives

    .. math:: \\frac{\\lambda\\,\\mathrm{Var}(x)}{rT} = \\frac{2(2 - \\gamma h)}{4 - 2\\gamma h
              - \\lambda h^2} = 1 + \\frac{\\lambda h^2}{4} + O(h^3), \\qquad
              \\frac{\\mathrm{Var}(v)}{rT} = 1 + \\frac{\\gamma h}{2} + O(h^2),

    and :math:`E[xv] = rTh/2 + O(h^2)`: the configurational temperature is biased at
    second order in the step, the kinetic one at first order.

    Examples
    --------
    >>> b = langevin_bias()
    >>> b.relative_x_series
    1 + h**2*lambda/4 + O(h**3)
    >>> b.order_x, b.order_v
    (2, 1)
    """
    return _langevin_bias()


# --------------------------------------------------------------------------
# Heavy ball with gradient noise as a sampler
# --------------------------------------------------------------------------


class HeavyBallTemperature(NamedTuple):
    """Temperatures of heavy ball with gradient noise, per eigen-direction of ``H``.

    Attributes
    ----------
    approximation : ndarray (d,)
        Small-step value :math:`T = \\alpha \\sigma_i^2 / (2(1-\\beta))`, with
        :math:`\\sigma_i^2` the noise variance along eigenvector ``i``.
    configurational : ndarray (d,)
        Exact :math:`\\lambda_i \\mathrm{Var}_i(x)` from the stationary covariance; in
        closed form ``approximation / (1 - alpha*lambda_i / (2 (1 + beta)))``.
    kinetic : ndarray (d,)
        Exact :math:`\\mathrm{Var}_i(p) = \\mathrm{Var}_i(v)/\\alpha` (velocity
        :math:`p = -v/\\sqrt\\alpha`); equals ``approximation * 2 / (1 + beta -
        alpha*lambda_i/2)`` for co-diagonal noise, which tends to the approximation only
        when also ``beta -> 1``.
    curvatures : ndarray (d,)
    """

    approximation: np.ndarray
    configurational: np.ndarray
    kinetic: np.ndarray
    curvatures: np.ndarray


def heavy_ball_temperature(alpha, beta, hessian, noise_cov=1.0) -> HeavyBallTemperature:
    """Effective temperature of SGD with heavy-ball momentum, exact and approximate.

    The exact values come from :func:`momentum_dynamics.stationary_covariance` (the
    package's discrete Lyapunov solution), the approximation is the continuous-limit
    :math:`T = \\alpha\\sigma^2/(2(1-\\beta))`, the temperature at which the mapping onto
    the Langevin scheme (module text) satisfies fluctuation-dissipation.

    Examples
    --------
    >>> t = heavy_ball_temperature(0.01, 0.9, 1.0, 1.0)
    >>> t.approximation, t.configurational.round(6)
    (array([0.05]), array([0.050132]))
    """
    hb = get_method("heavy_ball")
    a = _scalar(check_alpha(alpha), "alpha")
    b = _scalar(check_beta(beta, hb), "beta")
    if b >= 1:
        raise ValueError(f"beta must be < 1 for a finite temperature; got {b!r}")
    res = stationary_covariance(hb, a, b, hessian=hessian, noise_cov=noise_cov)
    lam = res.curvatures
    Cx = np.diag(res.block("x", eigenbasis=True))
    Cv = np.diag(res.block("v", eigenbasis=True))
    S_ = np.asarray(noise_cov, dtype=float)
    if S_.ndim < 2:
        S_ = np.diag(np.broadcast_to(S_, lam.shape))
    Q = res.eigenvectors
    s2 = np.diag(S_) if Q is None else np.einsum("ij,ik,kj->j", Q, S_, Q)
    return HeavyBallTemperature(a * s2 / (2 * (1 - b)), lam * Cx, Cv / a, lam)



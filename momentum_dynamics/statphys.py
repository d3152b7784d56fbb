"""Statistical physics of momentum: optimisation versus sampling.

Three dynamics on the same potential ``f``, with mass 1 unless stated:

* **Leapfrog (HMC)**, the velocity-Verlet integrator of Hamilton's equations
  :math:`\\dot x = p/m`, :math:`\\dot p = -\\nabla f(x)`; it conserves the energy
  :math:`E = p^2/(2m) + f(x)` up to a bounded :math:`O(h^2)` error.
* **Heavy ball**, read as a damped mechanical system. With the time step
  :math:`h = \\sqrt\\alpha`, the velocity :math:`p_k = -v_k/\\sqrt\\alpha` and the friction
  :math:`\\gamma = (1-\\beta)/\\sqrt\\alpha`, the update of :mod:`momentum_dynamics.methods`
  is exactly

  .. math:: p_{k+1} = \\beta p_k - h \\nabla f(x_k), \\qquad x_{k+1} = x_k + h\\, p_{k+1},

  the semi-implicit (symplectic) Euler scheme for :math:`\\ddot x + \\gamma \\dot x +
  \\nabla f(x) = 0` (since :math:`\\beta = 1 - \\gamma h`). The mechanical energy
  :math:`E_k = p_k^2/2 + f(x_k)` is dissipated; on a quadratic it decreases at *every*
  step from *every* state iff :math:`\\beta^2 \\le 1 - \\alpha\\lambda_{\\max}`
  (:func:`heavy_ball_monotone_beta`); above that bound it decreases only on average.
* **Underdamped Langevin / SGHMC** with fluctuation-dissipation noise,

  .. math:: v_{k+1} = (1 - \\gamma h) v_k - h \\nabla f(x_k) + \\sqrt{2 r \\gamma T h}\\,
            \\zeta_k, \\qquad x_{k+1} = x_k + h\\, v_{k+1}, \\qquad \\zeta_k \\sim N(0, I),

  whose noise factor ``r = 1`` matches the friction (Einstein relation). This is heavy ball
  with :math:`\\alpha = h^2`, :math:`\\beta = 1 - \\gamma h`, :math:`v^{HB} = -h v` and
  gradient noise of variance :math:`\\sigma^2 = 2 r \\gamma T / h`; equivalently heavy
  ball with gradient noise :math:`\\sigma^2` samples at the temperature
  :math:`T = \\alpha\\sigma^2 / (2(1-\\beta))` (:func:`heavy_ball_temperature`).

On a quadratic :math:`f = x^\\top H x/2` the Langevin scheme is linear, and its stationary
covariance solves a discrete Lyapunov equation (:func:`langevin_stationary_covariance`).
In one dimension (derived by :func:`langevin_bias`)

.. math:: \\mathrm{Var}(x) = \\frac{rT}{\\lambda}\\,
          \\frac{1}{1 - \\frac{\\lambda h^2}{2(2 - \\gamma h)}}
          = \\frac{rT}{\\lambda}\\Big(1 + \\frac{\\lambda h^2}{4} + O(h^3)\\Big), \\qquad
          \\mathrm{Var}(v) = \\frac{4 rT}{4 - 2\\gamma h - \\lambda h^2}
          = rT\\Big(1 + \\frac{\\gamma h}{2} + O(h^2)\\Big),

so the Boltzmann values :math:`T/\\lambda` and :math:`T` are exact only as
:math:`h \\to 0` (configurational bias second order, kinetic bias first order), and a
noise that does not match the friction gives the temperature :math:`rT`.

**Non-equilibrium reading.** In the small-step limit momentum SGD in :math:`(\\theta, v)`
(time in iterations) is the linear SDE :math:`ds = F s\\,dt + \\sqrt{2D}\\,dW` with

.. math:: F = \\begin{pmatrix} 0 & -I \\\\ \\alpha H & -(1-\\beta) I \\end{pmatrix}, \\qquad
          D = \\begin{pmatrix} 0 & 0 \\\\ 0 & \\alpha^2 \\Sigma_\\xi / 2 \\end{pmatrix}

(:func:`momentum_sgd_sde`): :math:`v_{k+1} - v_k = -(1-\\beta) v_k + \\alpha(H\\theta_k +
\\xi_k)` exactly, and :math:`\\theta_{k+1} - \\theta_k = -v_{k+1} = -v_k + O(\\text{increment})`.
The stationary covariance solves :math:`F\\Sigma + \\Sigma F^\\top + 2D = 0`; writing
:math:`F = -(D + Q)\\Sigma^{-1}` the matrix :math:`Q = -F\\Sigma - D` is antisymmetric, and the
stationary probability current is :math:`J(s) = (F + D\\Sigma^{-1}) s\\, p(s) =
-Q\\Sigma^{-1} s\\, p(s)` (divergence free). For momentum SGD :math:`Q \\neq 0` and the
drift has curl :math:`1 + \\alpha\\lambda \\neq 0`: there is a persistent circulating
current, so detailed balance fails when :math:`(\\theta, v)` are both treated as even
under time reversal. With the physical parity (:math:`v` odd) the same process satisfies
*extended* detailed balance whenever the noise is co-diagonal with :math:`H` (it is then
underdamped Langevin, the current is the reversible Hamiltonian one); only noise that is
not co-diagonal with the Hessian gives a genuine non-equilibrium steady state
(:func:`continuous_detailed_balance`, :func:`discrete_detailed_balance`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from ._lazy import lazy_module

if TYPE_CHECKING:
    import scipy.linalg
else:
    scipy = lazy_module("scipy")

from . import symbolic as S
from ._validation import as_real_array, check_alpha, check_beta, check_count
from .lti import state_space_matrices
from .methods import get_method
from .noise import _hessian, _noise, stationary_covariance

# NumPy 2 renamed trapz to trapezoid; the declared floor is NumPy 1.24.
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # noqa: NPY201

__all__ = [
    "Potential",
    "quadratic_potential",
    "double_well_potential",
    "Trajectory",
    "leapfrog",
    "HeavyBallTrace",
    "heavy_ball_energy_trace",
    "heavy_ball_monotone_beta",
    "langevin_step",
    "underdamped_langevin",
    "boltzmann_expectation",
    "LangevinModel",
    "langevin_matrices",
    "LangevinCovariance",
    "langevin_stationary_covariance",
    "LangevinBias",
    "langevin_bias",
    "HeavyBallTemperature",
    "heavy_ball_temperature",
    "LinearSDE",
    "ness_decomposition",
    "momentum_sgd_sde",
    "probability_current",
    "PhaseSpaceFields",
    "phase_space_fields",
    "SymbolicDrift",
    "symbolic_drift",
    "numeric_curl",
    "numeric_divergence",
    "DetailedBalance",
    "continuous_detailed_balance",
    "discrete_detailed_balance",
    "heavy_ball_detailed_balance",
    "theta_symbol",
    "v_symbol",
]


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------


def _scalar(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    arr = as_real_array(value, name)
    if arr.ndim:
        raise ValueError(f"{name} must be a scalar; got shape {arr.shape}")
    v = float(arr)
    if positive and v <= 0:
        raise ValueError(f"{name} must be > 0; got {v!r}")
    if nonnegative and v < 0:
        raise ValueError(f"{name} must be >= 0; got {v!r}")
    return v


def _position(value, name: str) -> np.ndarray:
    """A position or velocity: scalars become shape (1,); the last axis is the coordinate."""
    arr = as_real_array(value, name)
    return arr.reshape(1) if arr.ndim == 0 else arr


def _match(arr: np.ndarray, shape: tuple, name: str, other: str) -> np.ndarray:
    try:
        return np.broadcast_to(arr, shape).copy()
    except ValueError:
        raise ValueError(f"{name} with shape {arr.shape} does not match {other} with "
                         f"shape {shape}") from None


def _call_grad(grad: Callable, x: np.ndarray) -> np.ndarray:
    g = np.asarray(grad(x), dtype=float)
    if g.shape != x.shape:
        try:
            g = np.broadcast_to(g, x.shape)
        except ValueError:
            raise ValueError(f"grad must return an array shaped like its argument "
                             f"{x.shape}; got {g.shape}") from None
    return g


def _resolve(grad, value):
    if isinstance(grad, Potential):
        return grad.grad, (grad.value if value is None else value)
    if not callable(grad):
        raise TypeError(f"grad must be a Potential or a callable; got {type(grad).__name__}")
    if value is not None and not callable(value):
        raise TypeError(f"value must be callable or None; got {type(value).__name__}")
    return grad, value


def _positive_definite(hessian, name: str = "hessian") -> np.ndarray:
    """A symmetric positive-definite (d, d) matrix from a scalar, 1-D or 2-D input."""
    lam, Q = _hessian(np.atleast_1d(np.asarray(as_real_array(hessian, name))))
    if np.any(lam <= 0):
        raise ValueError(f"{name} must be positive definite (a stationary distribution "
                         f"needs a confining potential); smallest eigenvalue {lam.min()!r}")
    return np.diag(lam) if Q is None else (Q * lam) @ Q.T


def _noise_matrix(noise_cov, d: int, name: str = "noise_cov") -> np.ndarray:
    """A symmetric positive semi-definite (d, d) matrix from a scalar, 1-D or 2-D input."""
    S_ = _noise(as_real_array(noise_cov, name), d, name)
    return np.diag(S_) if S_.ndim == 1 else S_


# --------------------------------------------------------------------------
# Potentials
# --------------------------------------------------------------------------


class Potential(NamedTuple):
    """A potential ``f`` on positions of shape ``(..., d)`` (the last axis is the coordinate).

    Attributes
    ----------
    name : str
    value : callable
        ``value(x) -> f(x)`` of shape ``(...)``.
    grad : callable
        ``grad(x) -> nabla f(x)`` of shape ``(..., d)``.
    hessian : ndarray (d, d) or None
        The constant Hessian of a quadratic; ``None`` otherwise.
    """

    name: str
    value: Callable
    grad: Callable
    hessian: np.ndarray | None = None


def quadratic_potential(hessian=1.0) -> Potential:
    """The quadratic :math:`f(x) = x^\\top H x / 2`, :math:`\\nabla f = H x`.

    Parameters
    ----------
    hessian : float, 1-D (diagonal) or symmetric (d, d) array

    Examples
    --------
    >>> f = quadratic_potential([1.0, 4.0])
    >>> f.value(np.array([1.0, 1.0])), f.grad(np.array([1.0, 1.0]))
    (2.5, array([1., 4.]))
    """
    H = as_real_array(hessian, "hessian")
    H = np.atleast_1d(H)
    if H.ndim == 1:
        H = np.diag(H)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"hessian must be a scalar, a 1-D diagonal or a square matrix; "
                         f"got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-12, atol=0.0):
        raise ValueError("hessian must be symmetric")

    def value(x):
        x = np.asarray(x, dtype=float)
        out = 0.5 * np.einsum("...i,ij,...j->...", x, H, x)
        return out.item() if out.ndim == 0 else out

    def grad(x):
        return np.asarray(x, dtype=float) @ H  # H symmetric

    return Potential("quadratic", value, grad, H)


def double_well_potential(height: float = 1.0) -> Potential:
    """The double well :math:`f(x) = a \\sum_i (x_i^2 - 1)^2`, :math:`\\partial_i f = 4 a x_i
    (x_i^2 - 1)`: minima at :math:`\\pm 1`, barrier :math:`a` at 0 (per coordinate).

    Examples
    --------
    >>> f = double_well_potential()
    >>> f.value(np.array([0.0])), f.grad(np.array([2.0]))
    (1.0, array([24.]))
    """
    a = _scalar(height, "height", positive=True)

    def value(x):
        x = np.asarray(x, dtype=float)
        out = a * np.sum((x * x - 1.0) ** 2, axis=-1)
        return out.item() if out.ndim == 0 else out

    def grad(x):
        x = np.asarray(x, dtype=float)
        return 4.0 * a * x * (x * x - 1.0)

    return Potential("double well", value, grad, None)


# --------------------------------------------------------------------------
# Trajectories: leapfrog, heavy ball, Langevin
# --------------------------------------------------------------------------


class Trajectory(NamedTuple):
    """A trajectory with its energies.

    Attributes
    ----------
    time : ndarray (n,)
        Physical time of each record (``k * step``).
    x, p : ndarray (n, ..., d)
        Positions and momenta (velocities for unit mass).
    kinetic, potential, energy : ndarray (n, ...) or None
        :math:`p^2/(2m)`, :math:`f(x)` and their sum (``None`` when no potential value is
        known).
    """

    time: np.ndarray
    x: np.ndarray
    p: np.ndarray
    kinetic: np.ndarray
    potential: np.ndarray | None
    energy: np.ndarray | None


def _energies(x, p, mass, value):
    kinetic = np.sum(p * p / (2.0 * mass), axis=-1)
    if value is None:
        return kinetic, None, None
    pot = np.asarray(value(x), dtype=float)
    return kinetic, pot, kinetic + pot


def leapfrog(grad, x0, p0, step, n_steps, mass=1.0, *, value=None) -> Trajectory:
    """Leapfrog (velocity Verlet), the HMC integrator.

    .. math:: p_{k+1/2} = p_k - \\tfrac h2 \\nabla f(x_k), \\quad
              x_{k+1} = x_k + h\\, p_{k+1/2}/m, \\quad
              p_{k+1} = p_{k+1/2} - \\tfrac h2 \\nabla f(x_{k+1}).

    It is symplectic and time-reversible, so the energy error stays bounded and is
    :math:`O(h^2)`; on :math:`f = kx^2/2` the orbit returns to its start after the period
    :math:`2\\pi\\sqrt{m/k}` up to :math:`O(h^2)`.

    Parameters
    ----------
    grad : Potential or callable
        ``grad(x)`` for positions of shape ``x0.shape`` (last axis the coordinate). With a
        :class:`Potential` the energies are returned too.
    x0, p0 : float or array_like
        Initial position and momentum (scalars mean d = 1; leading axes are chains).
    step : float
        Time step ``h > 0``.
    n_steps : int
    mass : float or array_like (d,)
        Positive mass(es).
    value : callable, optional
        ``f(x)``, when ``grad`` is a plain callable.

    Returns
    -------
    Trajectory
        ``n_steps + 1`` records, the initial state first.

    Examples
    --------
    >>> tr = leapfrog(quadratic_potential(1.0), 1.0, 0.0, 0.1, 63)
    >>> bool(np.ptp(tr.energy) < 0.01), round(float(tr.x[-1, 0]), 2)
    (True, 1.0)
    """
    grad, value = _resolve(grad, value)
    x = _position(x0, "x0")
    p = _match(_position(p0, "p0"), x.shape, "p0", "x0")
    h = _scalar(step, "step", positive=True)
    n = check_count(n_steps, "n_steps")
    m = as_real_array(mass, "mass")
    if np.any(m <= 0):
        raise ValueError(f"mass must be > 0; got {mass!r}")
    if m.ndim > 1 or (m.ndim == 1 and m.shape != x.shape[-1:]):
        raise ValueError(f"mass must be a scalar or have shape {x.shape[-1:]}; got {m.shape}")
    xs = np.empty((n + 1,) + x.shape)
    ps = np.empty_like(xs)
    xs[0], ps[0] = x, p
    g = _call_grad(grad, x)
    for k in range(1, n + 1):
        p = p - 0.5 * h * g
        x = x + h * p / m
        g = _call_grad(grad, x)
        p = p - 0.5 * h * g
        xs[k], ps[k] = x, p
    return Trajectory(h * np.arange(n + 1), xs, ps, *_energies(xs, ps, m, value))


class HeavyBallTrace(NamedTuple):
    """Heavy ball as a damped mechanical system (see the module text).

    Attributes
    ----------
    time : ndarray
        ``k * sqrt(alpha)``.
    x, v : ndarray
        Iterates and the heavy-ball momentum buffer ``v``.
    p : ndarray
        The velocity :math:`p = -v/\\sqrt\\alpha` (mass 1).
    kinetic, potential, energy : ndarray or None
        :math:`p^2/2`, :math:`f(x)` and the mechanical energy.
    time_step, friction : float
        :math:`h = \\sqrt\\alpha` and :math:`\\gamma = (1-\\beta)/\\sqrt\\alpha`.
    """

    time: np.ndarray
    x: np.ndarray
    v: np.ndarray
    p: np.ndarray
    kinetic: np.ndarray
    potential: np.ndarray | None
    energy: np.ndarray | None
    time_step: float
    friction: float


def heavy_ball_energy_trace(grad, x0, alpha, beta, n_steps, *, v0=0.0,
                            value=None) -> HeavyBallTrace:
    """Run heavy ball (the package's update rule) and record its mechanical energy.

    The identification (exact, see the module text): time step :math:`h = \\sqrt\\alpha`,
    velocity :math:`p = -v/\\sqrt\\alpha`, mass 1, friction
    :math:`\\gamma = (1-\\beta)/\\sqrt\\alpha`, energy :math:`E = p^2/2 + f(x)`.

    Parameters
    ----------
    grad : Potential or callable
    x0 : float or array_like
        Start (leading axes are independent chains, run vectorised).
    alpha, beta : float
        Learning rate and momentum.
    n_steps : int
    v0 : float or array_like
        Initial momentum buffer (default at rest).
    value : callable, optional

    Notes
    -----
    On a quadratic the energy falls at every step from every state iff
    :math:`\\beta^2 \\le 1 - \\alpha\\lambda_{\\max}` (:func:`heavy_ball_monotone_beta`,
    proved). On the double well there is no such proof; measured from 2000 random starts
    in [-1.8, 1.8] over 2000 steps: with ``alpha = 0.01`` no step gained energy for
    ``beta <= 0.9``, 0.07% of steps did at 0.95 and 45% at 0.99 (while the energy still
    fell to the minimum); the pointwise version of the bound,
    :math:`\\beta^2 \\le 1 - \\alpha f''(x_k)`, does *not* guarantee a decrease there.

    Examples
    --------
    >>> tr = heavy_ball_energy_trace(quadratic_potential(1.0), 1.0, 0.01, 0.9, 200)
    >>> bool(np.all(np.diff(tr.energy) <= 0)), round(tr.friction, 6)
    (True, 1.0)
    """
    grad, value = _resolve(grad, value)
    hb = get_method("heavy_ball")
    a = _scalar(check_alpha(alpha), "alpha")
    b = _scalar(check_beta(beta, hb), "beta")
    x = _position(x0, "x0")
    v = _match(_position(v0, "v0"), x.shape, "v0", "x0")
    n = check_count(n_steps, "n_steps")
    xs = np.empty((n + 1,) + x.shape)
    vs = np.empty_like(xs)
    xs[0], vs[0] = x, v

    def g(y):
        return _call_grad(grad, y)

    for k in range(1, n + 1):
        x, v = hb.step((x, v), g, alpha=a, beta=b)
        xs[k], vs[k] = x, v
    h = np.sqrt(a)
    ps = -vs / h
    return HeavyBallTrace(h * np.arange(n + 1), xs, vs, ps, *_energies(xs, ps, 1.0, value),
                          float(h), float((1 - b) / h))


def heavy_ball_monotone_beta(alpha, curvature) -> float:
    """Largest momentum for which heavy ball's mechanical energy never increases.

    On :math:`f = \\lambda x^2/2` the energy change of one step is the quadratic form
    :math:`s^\\top (A^\\top M A - M) s` in :math:`s = (x, p)`, :math:`M = \\mathrm{diag}
    (\\lambda, 1)/2`, with :math:`\\det(A^\\top M A - M) = -\\alpha\\lambda^2(\\beta^2 +
    \\alpha\\lambda - 1)/4` and diagonal entries :math:`\\alpha\\lambda^2(\\alpha\\lambda -
    1)/2`, :math:`(\\beta^2(1 + \\alpha\\lambda) - 1)/2`. It is negative semi-definite,
    i.e. :math:`E_{k+1} \\le E_k` from every state, iff

    .. math:: |\\beta| \\le \\sqrt{1 - \\alpha\\lambda} \\quad (\\alpha\\lambda \\le 1).

    For a Hessian pass its largest eigenvalue (each eigen-direction has its own energy).
    Returns ``nan`` when ``alpha*curvature > 1`` (no momentum makes it monotone).

    Examples
    --------
    >>> heavy_ball_monotone_beta(0.19, 1.0)
    0.9
    """
    a = _scalar(check_alpha(alpha), "alpha")
    lam = _scalar(curvature, "curvature", positive=True)
    if a * lam > 1:
        return float("nan")
    return round(float(np.sqrt(1.0 - a * lam)), 15)


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None; got {rng!r}")


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


def boltzmann_expectation(potential, temperature, observable=None, *, bounds=(-5.0, 5.0),
                          points: int = 20001) -> float:
    """:math:`E[g(x)]` under :math:`p(x) \\propto e^{-f(x)/T}` in one dimension (quadrature).

    Parameters
    ----------
    potential : Potential or callable
        ``f`` (a :class:`Potential`'s value, or a callable on 1-D arrays of positions).
    temperature : float
        ``T > 0``.
    observable : callable, optional
        ``g``; default ``f`` itself (the mean potential energy).
    bounds : (float, float)
        Integration interval (the density must be negligible outside).

    Examples
    --------
    >>> round(boltzmann_expectation(quadratic_potential(2.0), 0.5, lambda x: x**2), 6)
    0.25
    """
    f = potential.value if isinstance(potential, Potential) else potential
    T = _scalar(temperature, "temperature", positive=True)
    x = np.linspace(float(bounds[0]), float(bounds[1]), check_count(points, "points", 3))
    fx = np.asarray(f(x[:, None]), dtype=float).reshape(x.shape)
    w = np.exp(-(fx - fx.min()) / T)
    g = fx if observable is None else np.asarray(observable(x), dtype=float)
    return float(_trapezoid(g * w, x) / _trapezoid(w, x))


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


# --------------------------------------------------------------------------
# Non-equilibrium steady state of a linear SDE
# --------------------------------------------------------------------------


class LinearSDE(NamedTuple):
    """``ds = F s dt + sqrt(2 D) dW`` and its stationary state.

    Attributes
    ----------
    F, D : ndarray (n, n)
        Drift and diffusion matrices.
    Sigma : ndarray (n, n)
        Stationary covariance, :math:`F\\Sigma + \\Sigma F^\\top + 2D = 0`.
    Q : ndarray (n, n)
        :math:`Q = -F\\Sigma - D`, antisymmetric, with :math:`F = -(D + Q)\\Sigma^{-1}`;
        ``Q = 0`` iff detailed balance holds with every variable even.
    current : ndarray (n, n)
        :math:`M = F + D\\Sigma^{-1} = -Q\\Sigma^{-1}`, so the probability current is
        :math:`J(s) = M s\\, p(s)`.
    temperature : float or None
        The small-step temperature :math:`\\alpha\\sigma^2/(2(1-\\beta))` for
        :func:`momentum_sgd_sde` (isotropic noise), else None.
    """

    F: np.ndarray
    D: np.ndarray
    Sigma: np.ndarray
    Q: np.ndarray
    current: np.ndarray
    temperature: float | None = None


def ness_decomposition(F, D, *, temperature=None) -> LinearSDE:
    """Stationary covariance, antisymmetric ``Q`` and current matrix of a linear SDE.

    Solves :math:`F\\Sigma + \\Sigma F^\\top = -2D`
    (:func:`scipy.linalg.solve_continuous_lyapunov`) and decomposes
    :math:`F = -(D + Q)\\Sigma^{-1}`.

    Parameters
    ----------
    F : array_like (n, n)
        Drift matrix, Hurwitz (all eigenvalues with negative real part).
    D : array_like (n, n)
        Symmetric positive semi-definite diffusion matrix with ``Sigma`` non-singular.

    Examples
    --------
    Gradient flow with isotropic noise is reversible:

    >>> r = ness_decomposition(-np.diag([1.0, 2.0]), 0.5 * np.eye(2))
    >>> bool(np.abs(r.Q).max() < 1e-15), np.diag(r.Sigma)
    (True, array([0.5 , 0.25]))
    """
    F = as_real_array(F, "F")
    if F.ndim != 2 or F.shape[0] != F.shape[1]:
        raise ValueError(f"F must be a square matrix; got shape {F.shape}")
    n = F.shape[0]
    D = _noise_matrix(D, n, "D")
    ev = np.linalg.eigvals(F)
    if np.any(ev.real >= 0):
        raise ValueError(f"F must be Hurwitz (eigenvalues with negative real part) for a "
                         f"stationary state; largest real part {ev.real.max()!r}")
    Sigma = scipy.linalg.solve_continuous_lyapunov(F, -2.0 * D)
    Sigma = 0.5 * (Sigma + Sigma.T)
    try:
        Sinv = np.linalg.inv(np.linalg.cholesky(Sigma))
    except np.linalg.LinAlgError:
        raise ValueError("the stationary covariance is singular (the noise does not reach "
                         "every direction); no stationary density") from None
    Sinv = Sinv.T @ Sinv
    Q = -F @ Sigma - D
    Q = 0.5 * (Q - Q.T)  # the symmetric part is zero by the Lyapunov equation
    return LinearSDE(F, D, Sigma, Q, F + D @ Sinv, temperature)


def momentum_sgd_sde(alpha, beta, hessian, noise_cov=1.0) -> LinearSDE:
    """Continuous-time limit of heavy-ball SGD in :math:`(\\theta, v)`, time in iterations.

    .. math:: F = \\begin{pmatrix} 0 & -I \\\\ \\alpha H & -(1-\\beta) I \\end{pmatrix},
              \\qquad D = \\begin{pmatrix} 0 & 0 \\\\ 0 & \\alpha^2 \\Sigma_\\xi/2
              \\end{pmatrix},

    from :math:`v_{k+1} - v_k = -(1-\\beta) v_k + \\alpha(H\\theta_k + \\xi_k)` (exact) and
    :math:`\\theta_{k+1} - \\theta_k = -v_{k+1} \\approx -v_k` (the difference is one
    increment of ``v``, second order). With isotropic noise :math:`\\Sigma_\\xi = \\sigma^2 I`
    the stationary covariance is Boltzmann, :math:`\\mathrm{diag}(T H^{-1}, \\alpha T I)`,
    :math:`T = \\alpha\\sigma^2/(2(1-\\beta))`, and
    :math:`Q = \\begin{pmatrix} 0 & \\alpha T I \\\\ -\\alpha T I & 0\\end{pmatrix} \\ne 0`.

    Examples
    --------
    >>> m = momentum_sgd_sde(0.01, 0.9, 1.0, 1.0)
    >>> m.Sigma.round(8), m.Q.round(8)
    (array([[0.05  , 0.    ],
           [0.    , 0.0005]]), array([[ 0.    ,  0.0005],
           [-0.0005,  0.    ]]))
    """
    hb = get_method("heavy_ball")
    a = _scalar(check_alpha(alpha), "alpha")
    b = _scalar(check_beta(beta, hb), "beta")
    if b >= 1:
        raise ValueError(f"beta must be < 1 (positive friction) for a stationary state; "
                         f"got {b!r}")
    H = _positive_definite(hessian)
    d = H.shape[0]
    Sxi = _noise_matrix(noise_cov, d)
    Z, eye = np.zeros((d, d)), np.eye(d)
    F = np.block([[Z, -eye], [a * H, -(1 - b) * eye]])
    D = np.block([[Z, Z], [Z, 0.5 * a * a * Sxi]])
    iso = np.allclose(Sxi, Sxi[0, 0] * eye, rtol=1e-12, atol=0.0)
    T = a * Sxi[0, 0] / (2 * (1 - b)) if iso else None
    return ness_decomposition(F, D, temperature=T)


def probability_current(model: LinearSDE, points) -> np.ndarray:
    """Stationary probability current :math:`J(s) = (F + D\\Sigma^{-1}) s\\, p(s)`.

    Parameters
    ----------
    model : LinearSDE
    points : array_like (..., n)

    Returns
    -------
    ndarray (..., n)

    Examples
    --------
    >>> m = momentum_sgd_sde(0.1, 0.5, 1.0)
    >>> probability_current(m, np.zeros(2))
    array([0., 0.])
    """
    s = as_real_array(points, "points")
    n = model.F.shape[0]
    if s.shape[-1:] != (n,):
        raise ValueError(f"points must have last axis of length {n}; got shape {s.shape}")
    Sinv = np.linalg.inv(model.Sigma)
    quad = np.einsum("...i,ij,...j->...", s, Sinv, s)
    norm = np.sqrt((2 * np.pi) ** n * np.linalg.det(model.Sigma))
    density = np.exp(-0.5 * quad) / norm
    return (s @ model.current.T) * density[..., None]


class PhaseSpaceFields(NamedTuple):
    """Drift, current and density on a 2-D phase-space grid (``meshgrid`` 'xy' layout:
    arrays of shape ``(len(v), len(theta))``)."""

    theta: np.ndarray
    v: np.ndarray
    drift: np.ndarray  # (2, len(v), len(theta)): (F s)_theta, (F s)_v
    current: np.ndarray  # (2, len(v), len(theta))
    density: np.ndarray  # (len(v), len(theta))
    model: LinearSDE


def phase_space_fields(model: LinearSDE, theta, v) -> PhaseSpaceFields:
    """Evaluate the drift :math:`F s`, the current and the stationary density on a grid.

    Examples
    --------
    >>> m = momentum_sgd_sde(0.1, 0.5, 1.0)
    >>> f = phase_space_fields(m, np.linspace(-1, 1, 5), np.linspace(-1, 1, 3))
    >>> f.drift.shape, f.density.shape
    ((2, 3, 5), (3, 5))
    """
    if model.F.shape != (2, 2):
        raise ValueError(f"phase_space_fields needs a 2-D phase space (one coordinate); "
                         f"the model has {model.F.shape[0]} states")
    th = as_real_array(theta, "theta")
    vv = as_real_array(v, "v")
    if th.ndim != 1 or vv.ndim != 1:
        raise ValueError("theta and v must be 1-D grids")
    TH, VV = np.meshgrid(th, vv)
    s = np.stack([TH, VV], axis=-1)
    drift = np.moveaxis(s @ model.F.T, -1, 0)
    J = probability_current(model, s)
    Sinv = np.linalg.inv(model.Sigma)
    density = (np.exp(-0.5 * np.einsum("...i,ij,...j->...", s, Sinv, s))
               / (2 * np.pi * np.sqrt(np.linalg.det(model.Sigma))))
    return PhaseSpaceFields(th, vv, drift, np.moveaxis(J, -1, 0), density, model)


def _phase_field(field, theta, v):
    """A field of shape ``(2, len(v), len(theta))`` and its grid, validated."""
    f = as_real_array(field, "field")
    th, vv = as_real_array(theta, "theta"), as_real_array(v, "v")
    if f.shape != (2, vv.size, th.size):
        raise ValueError(f"field must have shape (2, len(v), len(theta)) = "
                         f"(2, {vv.size}, {th.size}); got {f.shape}")
    return f, th, vv


def numeric_curl(field, theta, v) -> np.ndarray:
    """Finite-difference curl :math:`\\partial f_v/\\partial\\theta - \\partial f_\\theta/
    \\partial v` of a field of shape ``(2, len(v), len(theta))`` (second-order
    differences, :func:`numpy.gradient`).

    Examples
    --------
    >>> th, v = np.linspace(-1, 1, 5), np.linspace(-1, 1, 5)
    >>> TH, V = np.meshgrid(th, v)
    >>> float(numeric_curl(np.stack([-V, TH]), th, v).mean())
    2.0
    """
    f, th, vv = _phase_field(field, theta, v)
    return np.gradient(f[1], th, axis=1) - np.gradient(f[0], vv, axis=0)


def numeric_divergence(field, theta, v) -> np.ndarray:
    """Finite-difference divergence :math:`\\partial f_\\theta/\\partial\\theta +
    \\partial f_v/\\partial v` of a field of shape ``(2, len(v), len(theta))``.

    Examples
    --------
    >>> th, v = np.linspace(-1, 1, 5), np.linspace(-1, 1, 5)
    >>> TH, V = np.meshgrid(th, v)
    >>> float(np.abs(numeric_divergence(np.stack([-V, TH]), th, v)).max())
    0.0
    """
    f, th, vv = _phase_field(field, theta, v)
    return np.gradient(f[0], th, axis=1) + np.gradient(f[1], vv, axis=0)


class SymbolicDrift(NamedTuple):
    """The continuous-time drift of heavy ball in :math:`(\\theta, v)` (SymPy).

    Attributes
    ----------
    theta, v : sympy.Symbol
    drift : tuple of sympy.Expr
        :math:`(f_\\theta, f_v) = (-v,\\; \\alpha f'(\\theta) - (1-\\beta) v)`.
    curl : sympy.Expr
        :math:`\\partial f_v/\\partial\\theta - \\partial f_\\theta/\\partial v =
        1 + \\alpha f''(\\theta)`.
    divergence : sympy.Expr
        :math:`-(1-\\beta)`: phase-space volume contracts at the friction rate.
    potential : sympy.Expr
    """

    theta: sp.Symbol
    v: sp.Symbol
    drift: tuple
    curl: sp.Expr
    divergence: sp.Expr
    potential: sp.Expr


theta_symbol = sp.Symbol("theta", real=True)
v_symbol = sp.Symbol("v", real=True)


def symbolic_drift(potential=None) -> SymbolicDrift:
    """Derive the drift field of momentum SGD from the heavy-ball update rule.

    The update rule of :mod:`momentum_dynamics.methods` is called on symbols with the
    gradient :math:`f'(\\theta)`; the velocity component of the drift is its exact
    one-step increment of ``v``, and the position component is the increment of
    :math:`\\theta` with :math:`v_{k+1}` replaced by :math:`v_k` (they differ by the
    ``v`` increment, a second-order term).

    Parameters
    ----------
    potential : sympy.Expr, optional
        ``f`` as an expression in :data:`theta_symbol` (default
        :math:`\\lambda\\theta^2/2` with ``lambda`` = ``symbolic.curvature``).

    Examples
    --------
    >>> d = symbolic_drift()
    >>> d.drift
    (-v, alpha*lambda*theta + beta*v - v)
    >>> d.curl
    alpha*lambda + 1
    >>> symbolic_drift((theta_symbol**2 - 1)**2).curl.expand()
    12*alpha*theta**2 - 4*alpha + 1
    """
    th, v = theta_symbol, v_symbol
    f = S.curvature * th**2 / 2 if potential is None else sp.sympify(potential)
    fprime = sp.diff(f, th)
    new_theta, new_v = get_method("heavy_ball").step(
        (th, v), lambda _x: fprime, alpha=S.alpha, beta=S.beta)
    f_v = sp.expand(new_v - v)
    f_theta = sp.expand((new_theta - th) + f_v)  # -v_{k+1} + (v_{k+1} - v_k) = -v_k
    curl = sp.simplify(sp.diff(f_v, th) - sp.diff(f_theta, v))
    div = sp.simplify(sp.diff(f_theta, th) + sp.diff(f_v, v))
    return SymbolicDrift(th, v, (f_theta, f_v), curl, div, f)


# --------------------------------------------------------------------------
# Detailed balance
# --------------------------------------------------------------------------


class DetailedBalance(NamedTuple):
    """Result of a time-reversal test.

    Attributes
    ----------
    violation : float
        ``max(covariance_violation, dynamics_violation)``; 0 iff reversible.
    covariance_violation : float
        :math:`\\|\\Sigma - \\varepsilon\\Sigma\\varepsilon\\| / \\|\\Sigma\\|`.
    dynamics_violation : float
        Continuous: :math:`\\|\\varepsilon F^R \\varepsilon - F\\| / \\|F\\|` with the
        time-reversed drift :math:`F^R = -F - 2D\\Sigma^{-1}`. Discrete:
        :math:`\\|K - \\varepsilon K^\\top \\varepsilon\\| / \\|K\\|` with the one-step
        change :math:`K = E[s_{k+1} s_k^\\top] - P = (A - I)P`. All in units of the
        stationary spread (variables scaled by :math:`\\sqrt{\\Sigma_{ii}}`).
    parity : ndarray (n,)
        The time-reversal signs used.
    """

    violation: float
    covariance_violation: float
    dynamics_violation: float
    parity: np.ndarray


def _parity(parity, n: int) -> np.ndarray:
    if isinstance(parity, str):
        if parity not in ("odd", "even"):
            raise ValueError(f"parity must be 'odd' (velocity odd), 'even' or an array of "
                             f"+-1; got {parity!r}")
        if n % 2:
            raise ValueError(f"parity {parity!r} needs an even number of states (x, v); "
                             f"got {n}")
        eps = np.ones(n)
        if parity == "odd":
            eps[n // 2:] = -1.0
        return eps
    eps = as_real_array(parity, "parity")
    if eps.shape != (n,) or not np.all(np.abs(eps) == 1):
        raise ValueError(f"parity must be an array of {n} signs +-1; got {parity!r}")
    return eps


def _rel(a, b) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), np.finfo(float).tiny))


def continuous_detailed_balance(model: LinearSDE, parity="odd") -> DetailedBalance:
    """Time-reversal test of a stationary linear SDE with the given parity.

    The process is reversible (detailed balance, with :math:`\\varepsilon` the signs of
    the variables under time reversal) iff :math:`\\varepsilon\\Sigma\\varepsilon =
    \\Sigma`, :math:`\\varepsilon D \\varepsilon = D` and
    :math:`\\varepsilon(-F - 2D\\Sigma^{-1})\\varepsilon = F`. With all variables even
    (``parity="even"``) the last condition is :math:`Q = 0`.

    Examples
    --------
    >>> m = momentum_sgd_sde(0.01, 0.9, 1.0)
    >>> continuous_detailed_balance(m, "odd").violation < 1e-12
    True
    >>> continuous_detailed_balance(m, "even").violation > 0.1
    True
    """
    n = model.F.shape[0]
    eps = _parity(parity, n)
    E = np.diag(eps)
    scale = np.sqrt(np.diag(model.Sigma))  # work in units of the stationary spread
    F = model.F * scale[None, :] / scale[:, None]
    D = model.D / np.outer(scale, scale)
    Sigma = model.Sigma / np.outer(scale, scale)
    reverse = -F - 2 * D @ np.linalg.inv(Sigma)
    cov = _rel(E @ Sigma @ E, Sigma)
    dyn = max(_rel(E @ reverse @ E, F), _rel(E @ D @ E, D) if np.any(D) else 0.0)
    return DetailedBalance(max(cov, dyn), cov, dyn, eps)


def discrete_detailed_balance(A, P, parity="odd") -> DetailedBalance:
    """Time-reversal test of a stationary linear chain ``s[k+1] = A s[k] + noise``.

    The stationary Gaussian chain is reversible under the parity :math:`\\varepsilon` iff
    :math:`\\varepsilon P \\varepsilon = P` and the lag-one covariance :math:`C_1 = AP`
    satisfies :math:`C_1 = \\varepsilon C_1^\\top \\varepsilon` (the reversed, sign-flipped
    chain has the same two-time statistics). Given the first condition the second is
    :math:`K = \\varepsilon K^\\top \\varepsilon` for the one-step change
    :math:`K = C_1 - P = (A - I)P`; the violations are measured in units of the stationary
    spread (``P`` and ``K`` scaled by :math:`\\sqrt{P_{ii} P_{jj}}`) and relative to
    :math:`\\|K\\|`, so that a small step does not hide them behind :math:`C_1 \\approx P`.

    Examples
    --------
    Gradient descent with noise (a symmetric AR(1)) is reversible:

    >>> discrete_detailed_balance([[0.5]], [[4 / 3]], parity=[1]).violation
    0.0
    """
    A = as_real_array(A, "A")
    P = as_real_array(P, "P")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix; got shape {A.shape}")
    if P.shape != A.shape:
        raise ValueError(f"P must have the shape of A {A.shape}; got {P.shape}")
    eps = _parity(parity, A.shape[0])
    E = np.diag(eps)
    scale = np.sqrt(np.diag(P))
    if np.any(scale <= 0):
        raise ValueError("P must have a positive diagonal (a non-degenerate stationary state)")
    Pn = P / np.outer(scale, scale)
    K = ((A - np.eye(A.shape[0])) @ P) / np.outer(scale, scale)
    cov = _rel(E @ Pn @ E, Pn)
    dyn = _rel(E @ K.T @ E, K)
    return DetailedBalance(max(cov, dyn), cov, dyn, eps)


def heavy_ball_detailed_balance(alpha, beta, hessian, noise_cov=1.0,
                                parity="odd") -> DetailedBalance:
    """Discrete time-reversal test of heavy-ball SGD at stationarity.

    Uses the package's :func:`~momentum_dynamics.stationary_covariance` for ``P`` and
    :func:`~momentum_dynamics.state_space_matrices` for ``A`` (state ``(x, v)``).
    With ``parity="odd"`` (``v`` odd: it is a velocity) and noise co-diagonal with ``H``
    the violation is the discretisation error, :math:`O(1-\\beta)` as the step shrinks at
    fixed friction; with noise that is not co-diagonal it stays finite (a genuine NESS).

    Examples
    --------
    >>> a = heavy_ball_detailed_balance(0.01, 0.9, 1.0).violation
    >>> b = heavy_ball_detailed_balance(0.0025, 0.95, 1.0).violation
    >>> bool(b < 0.6 * a)
    True
    """
    H = _positive_definite(hessian)
    res = stationary_covariance("heavy_ball", alpha, beta, hessian=H, noise_cov=noise_cov)
    A, _ = state_space_matrices("heavy_ball", alpha, beta, hessian=H)
    return discrete_detailed_balance(A, res.state, parity)

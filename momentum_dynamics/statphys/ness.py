"""Non-equilibrium steady state of momentum SGD: linear SDE, current, curl."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from .._lazy import lazy_module

if TYPE_CHECKING:
    import scipy.linalg
else:
    scipy = lazy_module("scipy")

from .. import symbolic as S
from .._validation import as_real_array, check_alpha, check_beta, check_nonempty
from ..methods import get_method
from ._common import (
    _noise_matrix,
    _positive_definite,
    _scalar,
)
from ._reading import block_matrix, continuous_limit, two_state

__all__ = [
    "LinearSDE",
    "ness_decomposition",
    "momentum_sgd_sde",
    "probability_current",
    "PhaseSpaceFields",
    "phase_space_fields",
    "numeric_curl",
    "numeric_divergence",
    "SymbolicDrift",
    "theta_symbol",
    "v_symbol",
    "symbolic_drift",
]


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

    See Also
    --------
    ness_decomposition, momentum_sgd_sde : return it.

    Examples
    --------
    >>> r = ness_decomposition(-np.eye(2), np.eye(2))
    >>> r.Sigma, r.temperature
    (array([[1., 0.],
           [0., 1.]]), None)
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
    temperature : float, optional
        Stored in the result's ``temperature``.

    Returns
    -------
    LinearSDE
        The stationary covariance, ``Q`` and the current matrix.

    See Also
    --------
    momentum_sgd_sde : the SDE of momentum SGD.
    continuous_detailed_balance : the time-reversal test.

    Examples
    --------
    Gradient flow with isotropic noise is reversible:

    >>> r = ness_decomposition(-np.diag([1.0, 2.0]), 0.5 * np.eye(2))
    >>> bool(np.abs(r.Q).max() < 1e-15), np.diag(r.Sigma)
    (True, array([0.5 , 0.25]))
    """
    F = as_real_array(F, "F")
    if F.ndim != 2 or F.shape[0] != F.shape[1] or F.size == 0:
        raise ValueError(f"F must be a non-empty square matrix; got shape {F.shape}")
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


def momentum_sgd_sde(alpha, beta, hessian, noise_cov=1.0, *, method="heavy_ball",
                     **hyperparameters) -> LinearSDE:
    """Continuous-time limit of momentum SGD in :math:`(\\theta, v)`, time in iterations.

    Derived from the update rule: the method's state-space model, with ``alpha, beta``
    from the time step ``h`` and friction ``gamma`` of
    :func:`momentum_dynamics.physics.momentum_from_ode` and gradient noise of variance
    :math:`\\propto 1/h`, is read in position and velocity; the drift is the leading term
    of :math:`(A - I)/h` and the diffusion that of the per-step noise covariance over
    :math:`2h`, as :math:`h \\to 0` at fixed friction; both are then written back in the
    method's variables and per iteration. For heavy ball (and Nesterov, whose Hessian
    damping is of higher order)

    .. math:: F = \\begin{pmatrix} 0 & -I \\\\ \\alpha H & -(1-\\beta) I \\end{pmatrix},
              \\qquad D = \\begin{pmatrix} 0 & 0 \\\\ 0 & \\alpha^2 \\Sigma_\\xi/2
              \\end{pmatrix},

    i.e. :math:`v_{k+1} - v_k = -(1-\\beta) v_k + \\alpha(H\\theta_k + \\xi_k)` (exact) and
    :math:`\\theta_{k+1} - \\theta_k = -v_{k+1} \\approx -v_k` (the difference is one
    increment of ``v``, second order). With isotropic noise :math:`\\Sigma_\\xi = \\sigma^2 I`
    the stationary covariance is Boltzmann, :math:`\\mathrm{diag}(T H^{-1}, \\alpha T I)`,
    :math:`T = \\alpha\\sigma^2/(2(1-\\beta))`, and
    :math:`Q = \\begin{pmatrix} 0 & \\alpha T I \\\\ -\\alpha T I & 0\\end{pmatrix} \\ne 0`.

    Parameters
    ----------
    alpha : float
        Learning rate, > 0.
    beta : float
        Momentum, < 1 (positive friction).
    hessian : float, 1-D or (d, d) array
        Positive definite.
    noise_cov : float, 1-D or (d, d) array
        Covariance of the gradient noise.
    method : str or Method
        A two-state method with momentum (``"heavy_ball"``, ``"nesterov"``,
        ``"ema_momentum"``, ...).
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    LinearSDE
        The SDE and its stationary state.

    See Also
    --------
    ness_decomposition : the decomposition applied.
    symbolic_drift : the one-dimensional drift in closed form.

    Examples
    --------
    >>> m = momentum_sgd_sde(0.01, 0.9, 1.0, 1.0)
    >>> m.Sigma.round(8), m.Q.round(8)
    (array([[0.05  , 0.    ],
           [0.    , 0.0005]]), array([[ 0.    ,  0.0005],
           [-0.0005,  0.    ]]))
    """
    m = two_state(method)
    a = _scalar(check_alpha(alpha), "alpha")
    b = _scalar(check_beta(beta, m), "beta")
    if b >= 1:
        raise ValueError(f"beta must be < 1 (positive friction) for a stationary state; "
                         f"got {b!r}")
    extra = {k: _scalar(v, k) for k, v in hyperparameters.items()}
    H = _positive_definite(hessian)
    d = H.shape[0]
    Sxi = _noise_matrix(noise_cov, d)
    limit = continuous_limit(m)
    syms = S.hyperparameter_symbols(m)
    values = {syms[k]: v for k, v in {"alpha": a, "beta": b, **extra}.items()}
    F = block_matrix(limit.drift, H, values)
    D = np.kron(np.array(limit.diffusion.subs(values), dtype=float), Sxi)
    iso = np.allclose(Sxi, Sxi[0, 0] * np.eye(d), rtol=1e-12, atol=0.0)
    out = ness_decomposition(F, D)
    # the temperature of the stationary state, lambda Var(theta) (isotropic noise only)
    T = float(np.trace(H @ out.Sigma[:d, :d]) / d) if iso else None
    return out._replace(temperature=T)


def _check_model(model) -> None:
    if not isinstance(model, LinearSDE):
        raise TypeError(f"model must be a LinearSDE (from ness_decomposition or "
                        f"momentum_sgd_sde); got {type(model).__name__}")


def probability_current(model: LinearSDE, points) -> np.ndarray:
    """Stationary probability current :math:`J(s) = (F + D\\Sigma^{-1}) s\\, p(s)`.

    Parameters
    ----------
    model : LinearSDE
        From :func:`ness_decomposition` or :func:`momentum_sgd_sde`.
    points : array_like (..., n)
        States ``s``.

    Returns
    -------
    ndarray (..., n)
        The current at each point.

    See Also
    --------
    phase_space_fields : the current on a 2-D grid.

    Examples
    --------
    >>> m = momentum_sgd_sde(0.1, 0.5, 1.0)
    >>> probability_current(m, np.zeros(2))
    array([0., 0.])
    """
    _check_model(model)
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
    arrays of shape ``(len(v), len(theta))``).

    Attributes
    ----------
    theta, v : ndarray
        The grids.
    drift : ndarray (2, len(v), len(theta))
        :math:`(F s)_\\theta` and :math:`(F s)_v`.
    current : ndarray (2, len(v), len(theta))
        The stationary probability current.
    density : ndarray (len(v), len(theta))
        The stationary density.
    model : LinearSDE
        The model evaluated.

    See Also
    --------
    phase_space_fields : returns it.

    Examples
    --------
    >>> f = phase_space_fields(momentum_sgd_sde(0.1, 0.5, 1.0), [0.0, 1.0], [0.0])
    >>> f.drift[:, 0, 1]
    array([0. , 0.1])
    """

    theta: np.ndarray
    v: np.ndarray
    drift: np.ndarray  # (2, len(v), len(theta)): (F s)_theta, (F s)_v
    current: np.ndarray  # (2, len(v), len(theta))
    density: np.ndarray  # (len(v), len(theta))
    model: LinearSDE


def phase_space_fields(model: LinearSDE, theta, v) -> PhaseSpaceFields:
    """Evaluate the drift :math:`F s`, the current and the stationary density on a grid.

    Parameters
    ----------
    model : LinearSDE
        A model with a 2-D phase space (one coordinate and its velocity).
    theta, v : array_like
        Non-empty 1-D grids of positions and velocities.

    Returns
    -------
    PhaseSpaceFields
        Drift, current and density on the grid.

    See Also
    --------
    numeric_curl, numeric_divergence : differentiate the fields.

    Examples
    --------
    >>> m = momentum_sgd_sde(0.1, 0.5, 1.0)
    >>> f = phase_space_fields(m, np.linspace(-1, 1, 5), np.linspace(-1, 1, 3))
    >>> f.drift.shape, f.density.shape
    ((2, 3, 5), (3, 5))
    """
    _check_model(model)
    if model.F.shape != (2, 2):
        raise ValueError(f"phase_space_fields needs a 2-D phase space (one coordinate); "
                         f"the model has {model.F.shape[0]} states")
    th = check_nonempty(as_real_array(theta, "theta"), "theta")
    vv = check_nonempty(as_real_array(v, "v"), "v")
    if th.ndim != 1 or vv.ndim != 1:
        raise ValueError(f"theta and v must be 1-D grids; got shapes {th.shape} and "
                         f"{vv.shape}")
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

    Parameters
    ----------
    field : array_like (2, len(v), len(theta))
        The components :math:`(f_\\theta, f_v)`.
    theta, v : array_like
        The 1-D grids.

    Returns
    -------
    ndarray (len(v), len(theta))
        The curl at each grid point.

    See Also
    --------
    numeric_divergence : the divergence.
    symbolic_drift : the exact curl of the drift.

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

    Parameters
    ----------
    field : array_like (2, len(v), len(theta))
        The components :math:`(f_\\theta, f_v)`.
    theta, v : array_like
        The 1-D grids.

    Returns
    -------
    ndarray (len(v), len(theta))
        The divergence at each grid point.

    See Also
    --------
    numeric_curl : the curl.

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
        The phase-space coordinates.
    drift : tuple of sympy.Expr
        :math:`(f_\\theta, f_v) = (-v,\\; \\alpha f'(\\theta) - (1-\\beta) v)`.
    curl : sympy.Expr
        :math:`\\partial f_v/\\partial\\theta - \\partial f_\\theta/\\partial v =
        1 + \\alpha f''(\\theta)`.
    divergence : sympy.Expr
        :math:`-(1-\\beta)`: phase-space volume contracts at the friction rate.
    potential : sympy.Expr
        The potential ``f``.

    See Also
    --------
    symbolic_drift : returns it.

    Examples
    --------
    >>> symbolic_drift().divergence
    beta - 1
    """

    theta: sp.Symbol
    v: sp.Symbol
    drift: tuple
    curl: sp.Expr
    divergence: sp.Expr
    potential: sp.Expr


theta_symbol = sp.Symbol("theta", real=True)
v_symbol = sp.Symbol("v", real=True)


def _expression(value, name: str) -> sp.Expr:
    """A SymPy expression from an expression, a number or a string SymPy can parse."""
    try:
        expr = sp.sympify(value)
    except (sp.SympifyError, SyntaxError, TypeError) as exc:
        raise TypeError(f"{name} must be a SymPy expression (or a string SymPy parses); "
                        f"got {value!r}") from exc
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"{name} must be a SymPy expression; got {value!r}")
    return expr


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

    Returns
    -------
    SymbolicDrift
        The drift, its curl and its divergence.

    See Also
    --------
    momentum_sgd_sde : the numeric drift matrix on a quadratic.
    numeric_curl : the finite-difference curl.

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
    f = S.curvature * th**2 / 2 if potential is None else _expression(potential, "potential")
    fprime = sp.diff(f, th)
    new_theta, new_v = get_method("heavy_ball").step(
        (th, v), lambda _x: fprime, alpha=S.alpha, beta=S.beta)
    f_v = sp.expand(new_v - v)
    f_theta = sp.expand((new_theta - th) + f_v)  # -v_{k+1} + (v_{k+1} - v_k) = -v_k
    curl = sp.simplify(sp.diff(f_v, th) - sp.diff(f_theta, v))
    div = sp.simplify(sp.diff(f_theta, th) + sp.diff(f_v, v))
    return SymbolicDrift(th, v, (f_theta, f_v), curl, div, f)



"""Federated learning with server momentum (FedAvgM) as a noisy linear system.

Clients share the Hessian ``H`` but not the minimiser: client ``i`` has
``f_i(x) = (x - x_i)^T H (x - x_i) / 2`` and the optima scatter around the global one,
``x_i - x* ~ (0, Sigma_het)`` (the heterogeneity). A round samples ``M`` of ``N``
clients; each runs ``K`` steps of gradient descent with step ``eta_l`` from the global
model and returns its pseudo-gradient ``Delta_i = x - y_i``. On a quadratic

.. math:: \\Delta_i = P (x - x_i), \\qquad P = I - (I - \\eta_l H)^K,

so the server sees the gradient of ``(x - x*)^T P (x - x*)/2`` plus the noise
``xi = P (x* - mean_S x_i)`` with covariance

.. math:: \\Sigma_\\xi = c_M\\, P \\Sigma_{het} P, \\qquad
          c_M = \\frac{1}{M}\\,\\frac{N - M}{N - 1} \\;(\\text{sampling without
          replacement}; 1/M \\text{ for } N = \\infty),

independent across rounds. The server applies a momentum method to ``Delta`` with
learning rate ``server_lr`` and momentum ``beta`` (FedAvgM: heavy ball). The global model
is then exactly the method on a quadratic with Hessian ``P`` under gradient noise
``Sigma_xi``: its stationary covariance solves a discrete Lyapunov equation
(:func:`momentum_dynamics.stationary_covariance`), and the variance-minimising ``beta``
subject to stability is found by :func:`optimal_server_beta`.

For heavy ball on one direction with ``h = server_lr * p`` the variance is
``server_lr^2 s^2 (1+beta) / (h (1-beta) (2(1+beta) - h))`` and the minimiser at fixed
``server_lr`` is exactly ``beta* = sqrt(h) - 1``: momentum lowers the variance only for
``h > 1``; below that the best momentum is negative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .._lazy import lazy_module

if TYPE_CHECKING:
    import control
    import scipy.optimize
else:
    control = lazy_module("control")
    scipy = lazy_module("scipy")

from .._validation import (
    as_real_array,
    check_choice,
    check_count,
    check_flag,
    check_hessian,
    check_noise_cov,
    check_positive,
    check_scalar,
)
from ..lti import to_statespace
from ..methods import get_method
from ..noise import stationary_covariance
from ..numeric import effective_learning_rate, is_stable

__all__ = [
    "FederatedQuadratic",
    "server_momentum_model",
    "server_statespace",
    "server_variance",
    "OptimalServerBeta",
    "optimal_server_beta",
]

OBJECTIVES = ("total_variance", "excess_loss")
HOLDS = ("server_lr", "effective_lr")


class FederatedQuadratic(NamedTuple):
    """The server's view of federated training on a quadratic (see the module text).

    Attributes
    ----------
    curvatures : ndarray (d,)
        Eigenvalues ``p_k = 1 - (1 - eta_l lambda_k)^K`` of the pseudo-gradient map ``P``.
    eigenvectors : ndarray (d, d) or None
        Shared eigenvectors of ``H`` and ``P`` (None when ``H`` is diagonal).
    noise_cov : ndarray
        Covariance of the aggregated pseudo-gradient noise: 1-D (diagonal) or (d, d).
    hessian_curvatures : ndarray (d,)
        Eigenvalues of the clients' Hessian ``H``.
    sampling_factor : float
        ``c_M``: the variance of a mean of ``M`` sampled clients per unit client variance.

    See Also
    --------
    server_momentum_model : the function that returns it.

    Examples
    --------
    >>> fq = server_momentum_model([1.0, 0.1], 1.0, clients_per_round=10)
    >>> fq.sampling_factor, fq.eigenvectors is None
    (0.1, True)
    """

    curvatures: np.ndarray
    eigenvectors: np.ndarray | None
    noise_cov: np.ndarray
    hessian_curvatures: np.ndarray
    sampling_factor: float

    @property
    def hessian(self):
        """``P`` in the form :func:`stationary_covariance` takes."""
        if self.eigenvectors is None:
            return self.curvatures
        return (self.curvatures, self.eigenvectors)


def server_momentum_model(hessian, heterogeneity, *, clients_per_round: int,
                          total_clients: int | None = None, local_steps: int = 1,
                          local_lr: float = 1.0) -> FederatedQuadratic:
    """Build the server's noisy linear model of FedAvg(M) on a quadratic.

    Parameters
    ----------
    hessian : array_like
        Clients' shared Hessian: symmetric (d, d), 1-D curvatures, or ``(w, Q)``.
    heterogeneity : float or array_like
        Covariance of the client optima around the global one: scalar, 1-D or (d, d).
    clients_per_round : int
        ``M``, clients sampled (uniformly, without replacement) per round.
    total_clients : int or None
        ``N``; None for an infinite population.
    local_steps, local_lr : int, float
        ``K`` local gradient steps of size ``eta_l``. ``K = 1, eta_l = 1`` makes the
        pseudo-gradient the plain gradient (``P = H``).

    Returns
    -------
    FederatedQuadratic
        Pseudo-curvatures, eigenvectors, aggregated noise covariance, the Hessian's
        curvatures and the sampling factor.

    See Also
    --------
    server_statespace, server_variance, optimal_server_beta

    Examples
    --------
    >>> fq = server_momentum_model([1.0, 0.1], 1.0, clients_per_round=10)
    >>> fq.curvatures, fq.noise_cov
    (array([1. , 0.1]), array([0.1  , 0.001]))
    """
    lam, Q = check_hessian(hessian)
    d = lam.size
    het = check_noise_cov(heterogeneity, d, "heterogeneity")
    M = check_count(clients_per_round, "clients_per_round", 1)
    K = check_count(local_steps, "local_steps", 1)
    eta = float(check_positive(check_scalar(local_lr, "local_lr"), "local_lr"))
    if total_clients is None:
        c = 1.0 / M
    else:
        N = check_count(total_clients, "total_clients", 1)
        if N < M:
            raise ValueError(f"total_clients ({N}) must be at least clients_per_round ({M})")
        c = 0.0 if N == 1 else (N - M) / (M * (N - 1))
    # 1 - (1 - eta*lam)**K without cancellation for small eta*lam.
    p = -np.expm1(K * np.log1p(-eta * lam)) if np.all(eta * lam < 1) else \
        1.0 - (1.0 - eta * lam) ** K
    if het.ndim == 1 and Q is None:
        noise = c * p * het * p
    else:
        Pm = np.diag(p) if Q is None else (Q * p) @ Q.T
        S = np.diag(het) if het.ndim == 1 else het
        noise = c * Pm @ S @ Pm
        noise = 0.5 * (noise + noise.T)
    return FederatedQuadratic(p, Q, noise, lam, c)


def server_statespace(model: FederatedQuadratic, server_lr, beta=None, *,
                      method="heavy_ball", output="x") -> control.StateSpace:
    """The server iteration as a python-control ``StateSpace`` (2d states for heavy
    ball) from the aggregated pseudo-gradient noise to ``output``.

    Parameters
    ----------
    model : FederatedQuadratic
        The server's model, from :func:`server_momentum_model`.
    server_lr : float
        Server learning rate, > 0.
    beta : float, optional
        Server momentum (omit for ``method="gd"``).
    method : str
        The server optimizer (any registered method).
    output : str
        The state variable observed (``"x"``: the global model).

    Returns
    -------
    control.StateSpace
        Discrete-time (``dt=True``) system with ``order * d`` states.

    See Also
    --------
    server_momentum_model : the model it is built from.
    momentum_dynamics.lti.to_statespace : the same for one optimiser.

    Examples
    --------
    >>> fq = server_momentum_model([1.0, 0.1], 1.0, clients_per_round=10)
    >>> server_statespace(fq, 1.0, 0.5).nstates
    4
    """
    _check_model(model)
    lr = _check_server_lr(server_lr)
    Q = model.eigenvectors
    P = np.diag(model.curvatures) if Q is None else (Q * model.curvatures) @ Q.T
    return to_statespace(method, lr, beta, hessian=P, output=output)


def _check_model(model) -> None:
    if not isinstance(model, FederatedQuadratic):
        raise TypeError("model must be a FederatedQuadratic (see server_momentum_model); "
                        f"got {type(model).__name__}")


def _check_server_lr(server_lr) -> float:
    return float(check_positive(check_scalar(server_lr, "server_lr"), "server_lr",
                                "the server learning rate"))


def _alphas(m, server_lr, betas, hold):
    check_choice(hold, "hold", HOLDS)
    lr = _check_server_lr(server_lr)
    if hold == "server_lr" or not m.has_momentum:
        return np.full(betas.shape, lr)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.asarray(effective_learning_rate(m, 1.0, betas), dtype=float)
        return lr / per_unit  # learning rate whose effective learning rate is server_lr


def _check_betas(beta):
    b = np.atleast_1d(as_real_array(beta, "beta")).astype(float)
    if b.ndim != 1:
        raise ValueError(f"beta must be a scalar or a 1-D array; got shape {b.shape}")
    bad = (b < -1) | (b > 1)
    if np.any(bad):
        raise ValueError(f"beta must lie in [-1, 1]; got {b[bad][0]!r}")
    return b


def server_variance(model: FederatedQuadratic, server_lr, beta, *, method="heavy_ball",
                    hold="server_lr", objective="total_variance", progress=False):
    """Stationary variance of the global model for each server momentum ``beta``.

    Parameters
    ----------
    model : FederatedQuadratic
        The server's model, from :func:`server_momentum_model`.
    server_lr : float
        Server learning rate (``hold="server_lr"``) or the effective learning rate
        ``server_lr/(1 - beta)`` kept fixed across ``beta`` (``hold="effective_lr"``).
    beta : float or 1-D array
        Server momentum values, in [-1, 1].
    method : str
        The server optimizer (any registered method).
    hold : {"server_lr", "effective_lr"}
        Which learning rate stays fixed as ``beta`` varies: the server learning rate
        itself, or the effective learning rate ``server_lr/(1 - beta)``.
    objective : {"total_variance", "excess_loss"}
        ``E||x - x*||^2`` or ``E f(x) - f*`` of the pseudo-loss ``(x-x*)^T P (x-x*)/2``.
    progress : bool
        Show a progress bar over ``beta``.

    Returns
    -------
    float or ndarray
        NaN where the server iteration is unstable (no stationary distribution exists).

    See Also
    --------
    optimal_server_beta : the momentum that minimises it.
    momentum_dynamics.noise.stationary_covariance : the single-machine version.

    Examples
    --------
    One direction, ``h = server_lr * p = 0.5``:

    >>> fq = server_momentum_model([0.5], 1.0, clients_per_round=1)
    >>> b = 0.2
    >>> v = server_variance(fq, 1.0, b)
    >>> exact = 0.25 * (1 + b) / (0.5 * (1 - b) * (2 * (1 + b) - 0.5))
    >>> bool(abs(v - exact) < 1e-14 * exact)
    True
    """
    from tqdm import tqdm

    _check_model(model)
    m = get_method(method)
    check_choice(objective, "objective", OBJECTIVES)
    progress = check_flag(progress, "progress")
    betas = _check_betas(beta)
    alphas = _alphas(m, server_lr, betas, hold)
    out = np.full(betas.shape, np.nan)
    # is_stable decides by the gap 1 - rho: with kappa = 1e16 the radius on the smallest
    # curvature rounds to 1 although the iteration is stable there.
    stable = np.all(is_stable(m, alphas[:, None], betas[:, None] if m.has_momentum else None,
                              model.curvatures[None, :]), axis=1) & np.isfinite(alphas)
    for k in tqdm(range(betas.size), disable=not progress, desc="server momentum",
                  unit="beta", leave=False):
        if not stable[k]:
            continue
        r = stationary_covariance(m, alphas[k], betas[k] if m.has_momentum else None,
                                  model.hessian, model.noise_cov)
        out[k] = getattr(r, objective)
    return out[0] if np.ndim(beta) == 0 else out


class OptimalServerBeta(NamedTuple):
    """Result of :func:`optimal_server_beta`.

    Attributes
    ----------
    beta : float
        The variance-minimising server momentum among the stable ones.
    value : float
        The objective there.
    stable_betas : tuple of float
        Smallest and largest stable momentum found on the search grid.
    at_boundary : bool
        True when the minimum sits at an end of the searched range (the objective is
        still decreasing there, e.g. towards ``beta -> 1`` at a fixed effective
        learning rate): then ``beta`` is a bound, not an interior optimum.

    See Also
    --------
    optimal_server_beta : the function that returns it.

    Examples
    --------
    >>> fq = server_momentum_model([2.25], 1.0, clients_per_round=4)
    >>> r = optimal_server_beta(fq, 1.0)
    >>> r.at_boundary
    False
    """

    beta: float
    value: float
    stable_betas: tuple[float, float]
    at_boundary: bool


def optimal_server_beta(model: FederatedQuadratic, server_lr, *, method="heavy_ball",
                        hold="server_lr", objective="total_variance",
                        beta_range=(-0.999, 0.999), grid=401,
                        progress=False) -> OptimalServerBeta:
    """The server momentum minimising the stationary variance, subject to stability.

    A grid over ``beta_range`` locates the stable momenta and the best grid point; a
    bounded Brent search between its neighbours refines it.

    Parameters
    ----------
    model : FederatedQuadratic
        The server's model, from :func:`server_momentum_model`.
    server_lr : float
        Server learning rate, or the effective learning rate (see ``hold``).
    method : str
        The server optimizer (a registered method with a momentum ``beta``).
    hold : {"server_lr", "effective_lr"}
        Which learning rate stays fixed as ``beta`` varies: the server learning rate
        itself, or the effective learning rate ``server_lr/(1 - beta)``.
    objective : {"total_variance", "excess_loss"}
        The quantity minimised, as in :func:`server_variance`.
    beta_range : tuple of float
        ``(low, high)`` with ``-1 <= low < high <= 1``: the momenta searched.
    grid : int
        Number of grid points over ``beta_range`` before the Brent refinement.
    progress : bool
        Show a progress bar over the grid.

    Returns
    -------
    OptimalServerBeta
        The best momentum, the objective there, the stable range found and whether
        the optimum sits at an end of the range.

    Raises
    ------
    ValueError
        When no momentum in ``beta_range`` gives a stable server iteration.

    See Also
    --------
    server_variance : the objective it minimises.
    server_momentum_model : the model it reads.

    Examples
    --------
    One direction: the minimiser is ``sqrt(server_lr * p) - 1`` exactly.

    >>> fq = server_momentum_model([2.25], 1.0, clients_per_round=4)
    >>> r = optimal_server_beta(fq, 1.0)
    >>> round(r.beta, 8)
    0.5
    """
    _check_model(model)
    if not get_method(method).has_momentum:
        raise ValueError(f"method {get_method(method).name!r} has no momentum beta; there is "
                         "no server momentum to optimise (use server_variance)")
    bounds = as_real_array(beta_range, "beta_range")
    if bounds.shape != (2,):
        raise ValueError(f"beta_range must be a pair (low, high); got {beta_range!r}")
    lo, hi = (float(v) for v in bounds)
    if not -1 <= lo < hi <= 1:
        raise ValueError(f"beta_range must satisfy -1 <= low < high <= 1; got {beta_range!r}")
    betas = np.linspace(lo, hi, check_count(grid, "grid", 2))
    values = server_variance(model, server_lr, betas, method=method, hold=hold,
                             objective=objective, progress=progress)
    ok = np.isfinite(values)
    if not np.any(ok):
        raise ValueError(
            f"no momentum in beta_range [{lo:g}, {hi:g}] makes {get_method(method).name} "
            f"stable on the server with server_lr={server_lr!r} (largest pseudo-curvature "
            f"{model.curvatures.max():.6g}); lower server_lr or local_lr"
        )
    k = int(np.nanargmin(values))
    stable_betas = (float(betas[ok].min()), float(betas[ok].max()))
    a = betas[max(k - 1, 0)]
    b = betas[min(k + 1, betas.size - 1)]

    def f(beta):
        v = server_variance(model, server_lr, beta, method=method, hold=hold,
                            objective=objective)
        return np.inf if np.isnan(v) else float(v)

    best_beta, best = float(betas[k]), float(values[k])
    if a < b:
        res = scipy.optimize.minimize_scalar(f, bounds=(a, b), method="bounded",
                                             options={"xatol": 1e-10})
        if res.fun < best:
            best_beta, best = float(res.x), float(res.fun)
    at_boundary = k in (0, betas.size - 1) or not (ok[max(k - 1, 0)] and
                                                   ok[min(k + 1, betas.size - 1)])
    return OptimalServerBeta(best_beta, best, stable_betas, bool(at_boundary))

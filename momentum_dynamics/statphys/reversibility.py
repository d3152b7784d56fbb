"""Detailed balance: continuous and discrete time-reversal tests."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import as_real_array
from ..lti import state_space_matrices
from ..noise import stationary_covariance
from ._common import (
    _positive_definite,
)
from ._reading import two_state
from .ness import (
    LinearSDE,
    _check_model,
    momentum_sgd_sde,  # noqa: F401 (doctests)
)

__all__ = [
    "DetailedBalance",
    "continuous_detailed_balance",
    "discrete_detailed_balance",
    "heavy_ball_detailed_balance",
]


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

    See Also
    --------
    continuous_detailed_balance, discrete_detailed_balance,
    heavy_ball_detailed_balance : return it.

    Examples
    --------
    >>> r = continuous_detailed_balance(momentum_sgd_sde(0.01, 0.9, 1.0), "even")
    >>> r.parity, bool(r.violation > 0.1)
    (array([1., 1.]), True)
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

    Parameters
    ----------
    model : LinearSDE
        From :func:`ness_decomposition` or :func:`momentum_sgd_sde`.
    parity : {"odd", "even"} or array_like
        Time-reversal signs: ``"odd"`` makes the second half of the variables (the
        velocities) odd, ``"even"`` none; or an array of ``n`` signs +-1.

    Returns
    -------
    DetailedBalance
        The violations (0 iff reversible) and the signs used.

    See Also
    --------
    discrete_detailed_balance : the same test for a discrete-time chain.

    Examples
    --------
    >>> m = momentum_sgd_sde(0.01, 0.9, 1.0)
    >>> continuous_detailed_balance(m, "odd").violation < 1e-12
    True
    >>> continuous_detailed_balance(m, "even").violation > 0.1
    True
    """
    _check_model(model)
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

    Parameters
    ----------
    A : array_like (n, n)
        State matrix of the chain.
    P : array_like (n, n)
        Its stationary covariance (positive diagonal).
    parity : {"odd", "even"} or array_like
        Time-reversal signs, as in :func:`continuous_detailed_balance`.

    Returns
    -------
    DetailedBalance
        The violations (0 iff reversible) and the signs used.

    See Also
    --------
    heavy_ball_detailed_balance : the test for momentum SGD.
    continuous_detailed_balance : the test for a linear SDE.

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


def heavy_ball_detailed_balance(alpha, beta, hessian, noise_cov=1.0, parity="odd", *,
                                method="heavy_ball") -> DetailedBalance:
    """Discrete time-reversal test of momentum SGD (heavy ball by default) at stationarity.

    ``method`` may be any two-state method with momentum (``"nesterov"``,
    ``"ema_momentum"``, ...), whose second state variable is then the one taken odd.

    Uses the package's :func:`~momentum_dynamics.stationary_covariance` for ``P`` and
    :func:`~momentum_dynamics.state_space_matrices` for ``A`` (state ``(x, v)``).
    With ``parity="odd"`` (``v`` odd: it is a velocity) and noise co-diagonal with ``H``
    the violation is the discretisation error, :math:`O(1-\\beta)` as the step shrinks at
    fixed friction; with noise that is not co-diagonal it stays finite (a genuine NESS).

    Parameters
    ----------
    alpha : float
        Learning rate, > 0.
    beta : float
        Momentum in [-1, 1].
    hessian : float, 1-D or (d, d) array
        Positive definite.
    noise_cov : float, 1-D or (d, d) array
        Covariance of the gradient noise.
    parity : {"odd", "even"} or array_like
        Time-reversal signs, as in :func:`continuous_detailed_balance`.
    method : str or Method
        A two-state method with momentum.

    Returns
    -------
    DetailedBalance
        The violations (0 iff reversible) and the signs used.

    See Also
    --------
    discrete_detailed_balance : the test it applies.
    momentum_dynamics.stationary_covariance : the stationary covariance used.

    Examples
    --------
    >>> a = heavy_ball_detailed_balance(0.01, 0.9, 1.0).violation
    >>> b = heavy_ball_detailed_balance(0.0025, 0.95, 1.0).violation
    >>> bool(b < 0.6 * a)
    True
    """
    m = two_state(method)
    H = _positive_definite(hessian)
    res = stationary_covariance(m, alpha, beta, hessian=H, noise_cov=noise_cov)
    A, _ = state_space_matrices(m, alpha, beta, hessian=H)
    return discrete_detailed_balance(A, res.state, parity)

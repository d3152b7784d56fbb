r"""Tuned designs of the accelerated methods, and the rate versus noise frontier.

The parameter formulas here are the ones the papers state as functions of the
spectrum bounds ``mu`` and ``L`` (they come from a robust-control design over the whole
class of smooth strongly convex functions, which :mod:`momentum_dynamics.symbolic`
does not derive from a quadratic); everything else about the methods (poles, rates,
covariances) is derived from their update rules in :mod:`momentum_dynamics.methods`.

- :func:`triple_momentum_parameters`: Van Scoy, Freeman & Lynch (2018);
- :func:`robust_momentum_parameters`: Cyrus, Hu, Van Scoy & Lessard (2018);
- :func:`rate_noise_frontier`: for each family (gradient descent, heavy ball,
  Nesterov, robust momentum) the worst-case rate on ``[mu, L]`` against the
  stationary variance of the iterate under unit gradient noise, along the family's
  one-parameter tuning path (Van Scoy & Lessard 2021 study the same trade-off).

All functions broadcast ``mu`` and ``L`` like NumPy ufuncs (scalars in, floats out)
except the frontier, which takes scalars.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import (
    as_real_array,
    broadcast,
    check_choice,
    check_count,
    check_spectrum,
    describe_bad,
    to_output,
)

__all__ = [
    "TripleMomentumParameters",
    "triple_momentum_parameters",
    "RobustMomentumParameters",
    "robust_momentum_parameters",
    "FRONTIER_FAMILIES",
    "FrontierData",
    "rate_noise_frontier",
]


class TripleMomentumParameters(NamedTuple):
    """Hyper-parameters of :func:`~momentum_dynamics.methods.triple_momentum`.

    Attributes
    ----------
    alpha, beta, gamma, delta : float or ndarray
        The update rule's hyper-parameters.
    rate : float or ndarray
        The guaranteed rate :math:`\\rho = 1 - 1/\\sqrt\\kappa` on every
        ``L``-smooth, ``mu``-strongly convex function.

    See Also
    --------
    triple_momentum_parameters : the function that returns it.

    Examples
    --------
    >>> p = triple_momentum_parameters(mu=1.0, L=4.0)
    >>> p.rate, round(p.alpha, 12)
    (0.5, 0.375)
    """

    alpha: float | np.ndarray
    beta: float | np.ndarray
    gamma: float | np.ndarray
    delta: float | np.ndarray
    rate: float | np.ndarray


def triple_momentum_parameters(mu, L) -> TripleMomentumParameters:
    r"""The triple momentum method's tuning for the spectrum ``[mu, L]``.

    Van Scoy, Freeman & Lynch (2018), with :math:`\kappa = L/\mu` and
    :math:`\rho = 1 - 1/\sqrt\kappa`:

    .. math::

        \alpha = \frac{1+\rho}{L}, \quad \beta = \frac{\rho^2}{2-\rho}, \quad
        \gamma = \frac{\rho^2}{(1+\rho)(2-\rho)}, \quad
        \delta = \frac{\rho^2}{1-\rho^2}.

    The iterate converges at the rate :math:`\rho` on every ``L``-smooth,
    ``mu``-strongly convex function, the fastest known global rate; on quadratics with
    curvatures in ``[mu, L]`` the spectral radius is exactly :math:`\rho`, attained at
    both ends (tested against hand-built companion matrices). ``delta`` only changes
    which combination of the inner sequence is reported, not the poles. The
    complements are formed from :math:`1-\rho = 1/\sqrt\kappa` directly, so the
    formulas keep their digits up to ``kappa = 1e16``.

    Parameters
    ----------
    mu, L : array_like
        Spectrum bounds, ``0 < mu <= L`` (``mu = L`` gives gradient descent with step
        ``1/L``).

    Returns
    -------
    TripleMomentumParameters
        ``(alpha, beta, gamma, delta, rate)``, broadcast over ``mu`` and ``L``.

    Raises
    ------
    ValueError, TypeError
        For ``mu <= 0``, ``L < mu`` or non-numeric bounds.

    See Also
    --------
    momentum_dynamics.methods.triple_momentum : the update rule.
    robust_momentum_parameters : the family it ends.

    References
    ----------
    B. Van Scoy, R. A. Freeman and K. M. Lynch, "The fastest known globally convergent
    first-order method for minimizing strongly convex functions", IEEE Control Systems
    Letters 2(1), 49-54, 2018.

    Examples
    --------
    >>> p = triple_momentum_parameters(mu=1.0, L=100.0)
    >>> [round(float(v), 6) for v in p]
    [0.019, 0.736364, 0.387560, 4.263158, 0.9]
    >>> import momentum_dynamics as md
    >>> round(md.convergence_rate("triple_momentum", p.alpha, p.beta, 1.0, 100.0,
    ...                           gamma=p.gamma, delta=p.delta), 12)
    0.9
    """
    mu_a, L_a = check_spectrum(mu, L)
    broadcast((mu_a, "mu"), (L_a, "L"))
    gap = np.sqrt(mu_a / L_a)  # 1 - rho, without forming rho first
    rho = 1 - gap
    alpha = (2 - gap) / L_a
    beta = rho**2 / (1 + gap)
    gamma = rho**2 / ((2 - gap) * (1 + gap))
    delta = rho**2 / (gap * (2 - gap))
    return TripleMomentumParameters(*(to_output(np.asarray(v, float))
                                      for v in (alpha, beta, gamma, delta, rho)))


class RobustMomentumParameters(NamedTuple):
    """Hyper-parameters of :func:`~momentum_dynamics.methods.robust_momentum`.

    Attributes
    ----------
    alpha, beta, gamma : float or ndarray
        The update rule's hyper-parameters.
    rate : float or ndarray
        The design rate :math:`\\rho`, guaranteed on every ``L``-smooth,
        ``mu``-strongly convex function.

    See Also
    --------
    robust_momentum_parameters : the function that returns it.

    Examples
    --------
    >>> robust_momentum_parameters(mu=1.0, L=4.0, rho=0.6).rate
    0.6
    """

    alpha: float | np.ndarray
    beta: float | np.ndarray
    gamma: float | np.ndarray
    rate: float | np.ndarray


def robust_momentum_parameters(mu, L, rho) -> RobustMomentumParameters:
    r"""The robust momentum method's tuning for ``[mu, L]`` and design rate ``rho``.

    Cyrus, Hu, Van Scoy & Lessard (2018), with :math:`\kappa = L/\mu`:

    .. math::

        \alpha = \frac{\kappa (1-\rho)^2 (1+\rho)}{L}, \quad
        \beta = \frac{\kappa \rho^3}{\kappa - 1}, \quad
        \gamma = \frac{\rho^3}{(\kappa-1)(1-\rho)^2(1+\rho)},

    for :math:`\rho \in [1 - 1/\sqrt\kappa,\ 1 - 1/\kappa]`. The lower end is the
    triple momentum method's inner sequence (fastest); moving ``rho`` up trades rate
    for robustness (a larger stability margin, and less amplification of gradient
    noise: see :func:`rate_noise_frontier`). On quadratics with curvatures in
    ``[mu, L]`` the worst spectral radius equals ``rho``, attained at ``mu`` (tested).

    Parameters
    ----------
    mu, L : array_like
        Spectrum bounds, ``0 < mu < L`` (the formulas divide by :math:`\kappa - 1`).
    rho : array_like
        The design rate, in :math:`[1 - 1/\sqrt\kappa, 1 - 1/\kappa]` (a relative
        tolerance of ``1e-12`` is allowed at both ends).

    Returns
    -------
    RobustMomentumParameters
        ``(alpha, beta, gamma, rate)``, broadcast over the arguments.

    Raises
    ------
    ValueError, TypeError
        For ``mu <= 0``, ``L <= mu``, ``rho`` outside its interval, or non-numeric
        arguments.

    See Also
    --------
    momentum_dynamics.methods.robust_momentum : the update rule.
    triple_momentum_parameters : the lower end of ``rho``.

    References
    ----------
    S. Cyrus, B. Hu, B. Van Scoy and L. Lessard, "A robust accelerated optimization
    algorithm for strongly convex functions", American Control Conference, 2018.

    Examples
    --------
    >>> p = robust_momentum_parameters(mu=1.0, L=100.0, rho=0.95)
    >>> [round(float(v), 6) for v in p]
    [0.004875, 0.866035, 1.776483, 0.95]
    >>> import momentum_dynamics as md
    >>> round(md.convergence_rate("robust_momentum", p.alpha, p.beta, 1.0, 100.0,
    ...                           gamma=p.gamma), 12)
    0.95
    """
    mu_a, L_a = check_spectrum(mu, L)
    r = as_real_array(rho, "rho")
    broadcast((mu_a, "mu"), (L_a, "L"), (r, "rho"))
    mu_a, L_a, r = np.broadcast_arrays(mu_a, L_a, r)
    same = mu_a >= L_a
    if np.any(same):
        raise ValueError("robust momentum needs L > mu (its formulas divide by kappa - 1); "
                         + describe_bad(L_a, same))
    root = np.sqrt(mu_a / L_a)  # 1/sqrt(kappa)
    lo, hi = 1 - root, 1 - mu_a / L_a
    tol = 1e-12 * np.maximum(1.0, np.abs(r))
    bad = (r < lo - tol) | (r > hi + tol)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise ValueError(
            "rho (the design rate) must lie in [1 - 1/sqrt(kappa), 1 - 1/kappa]; got "
            f"rho={r.ravel()[i]!r} for mu={mu_a.ravel()[i]!r}, L={L_a.ravel()[i]!r} "
            f"(interval [{lo.ravel()[i]!r}, {hi.ravel()[i]!r}])"
        )
    r = np.clip(r, lo, hi)
    # kappa - 1 = (L - mu)/mu and kappa/L = 1/mu: no large intermediate for huge kappa.
    km1 = (L_a - mu_a) / mu_a
    alpha = (1 - r) ** 2 * (1 + r) / mu_a
    beta = r**3 * L_a / (L_a - mu_a)
    gamma = r**3 / (km1 * (1 - r) ** 2 * (1 + r))
    return RobustMomentumParameters(*(to_output(np.asarray(v, float))
                                      for v in (alpha, beta, gamma, r)))


# --------------------------------------------------------------------------
# The rate versus noise frontier
# --------------------------------------------------------------------------

#: The families :func:`rate_noise_frontier` traces.
FRONTIER_FAMILIES = ("gd", "heavy_ball", "nesterov", "robust_momentum")


class FrontierData(NamedTuple):
    """Rate and noise amplification along one family's tuning path.

    Attributes
    ----------
    family : str
        The method (one of :data:`FRONTIER_FAMILIES`).
    design : ndarray (n,)
        The path parameter: the design rate :math:`\\rho` the tuning aims at.
    alpha, beta : ndarray (n,)
        The tuned hyper-parameters (``beta`` is None for gradient descent).
    gamma : ndarray (n,) or None
        Robust momentum's look-ahead (None for the other families).
    rate : ndarray (n,)
        Worst-case spectral radius over curvatures in ``[mu, L]``
        (:func:`momentum_dynamics.convergence_rate`).
    variance : ndarray (n,)
        Worst-case stationary variance of the iterate, per coordinate, under unit
        gradient noise: :math:`\\max_\\lambda \\operatorname{Var}(x)` over the sampled
        curvatures (:func:`momentum_dynamics.stationary_covariance`).
    curvatures : ndarray (m,)
        The sampled curvatures (geometric, both ends included).

    See Also
    --------
    rate_noise_frontier : the function that returns it.

    Examples
    --------
    >>> d = rate_noise_frontier("gd", 1.0, 10.0, points=3, samples=5)
    >>> d.family, d.design.shape, d.beta is None
    ('gd', (3,), True)
    """

    family: str
    design: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray | None
    gamma: np.ndarray | None
    rate: np.ndarray
    variance: np.ndarray
    curvatures: np.ndarray


def _design_rates(method: str, mu: float, L: float, points: int) -> np.ndarray:
    """Design rates from the family's fastest to ``1 - 1/kappa``, even in ``log(1 - rho)``."""
    from .numeric import optimal_parameters

    if method == "robust_momentum":
        fastest_gap = np.sqrt(mu / L)
    else:
        fastest_gap = 1 - float(optimal_parameters(method, mu, L).rate)
    gaps = np.geomspace(fastest_gap, mu / L, points)
    return 1 - gaps


def _tuning(method: str, mu: float, rho: np.ndarray, L: float):
    """(alpha, beta, gamma) along the path, the momentum derived by the numeric core."""
    from .numeric import critical_beta

    if method == "gd":
        # rate rho at mu: 1 - alpha*mu = rho; up to the optimum the rate at L is smaller.
        return (1 - rho) / mu, None, None
    if method == "robust_momentum":
        p = robust_momentum_parameters(mu, L, rho)
        return np.asarray(p.alpha), np.asarray(p.beta), np.asarray(p.gamma)
    # heavy ball and Nesterov: critically damped at mu with double pole rho, i.e.
    # sqrt(alpha*mu) = 1 - rho (for both rules), the momentum from the derived branch.
    alpha = (1 - rho) ** 2 / mu
    return alpha, np.asarray(critical_beta(method, alpha, mu)), None


def rate_noise_frontier(family: str, mu: float, L: float, *, points: int = 25,
                        samples: int = 129) -> FrontierData:
    r"""Worst-case rate against stationary variance along a family's tuning path.

    For each design rate :math:`\rho`, from the family's fastest tuning up to
    :math:`1 - 1/\kappa`, the method is tuned as follows and then *measured*: the
    worst-case spectral radius over ``[mu, L]`` by
    :func:`~momentum_dynamics.convergence_rate`, and the stationary variance of the
    iterate under additive gradient noise of unit variance (the discrete Lyapunov
    equation, :func:`~momentum_dynamics.stationary_covariance`) at ``samples``
    curvatures, of which the largest is reported:

    - ``"gd"``: :math:`\alpha = (1-\rho)/\mu`, from the optimum :math:`2/(\mu+L)`;
    - ``"heavy_ball"``, ``"nesterov"``: :math:`\alpha = (1-\rho)^2/\mu` and the
      momentum that critically damps curvature ``mu`` (double pole :math:`\rho`),
      from the optimal tuning (Polyak 1964; Lessard, Recht & Packard 2016);
    - ``"robust_momentum"``: :func:`robust_momentum_parameters` with design rate
      :math:`\rho \in [1 - 1/\sqrt\kappa, 1 - 1/\kappa]` (Cyrus et al. 2018).

    Slower designs amplify the noise less; where one family's curve lies below
    another's at the same rate, it is the better choice for a noisy problem (Van
    Scoy & Lessard 2021 prove this trade-off is fundamental).

    Parameters
    ----------
    family : str
        One of :data:`FRONTIER_FAMILIES`.
    mu, L : float
        Spectrum bounds, ``0 < mu < L`` (scalars).
    points : int
        Number of designs along the path (>= 2), spaced evenly in
        :math:`\log(1-\rho)`.
    samples : int
        Number of curvatures (>= 2, geometric, both ends) at which the variance is
        evaluated.

    Returns
    -------
    FrontierData
        Designs, hyper-parameters, measured rates and variances.

    Raises
    ------
    ValueError, TypeError
        For an unknown family, ``L <= mu``, non-scalar bounds or bad counts.

    See Also
    --------
    momentum_dynamics.plotting.plot_rate_noise_frontier : the figure.
    momentum_dynamics.stationary_covariance : the variance at one setting.

    References
    ----------
    B. Van Scoy and L. Lessard, "The speed-robustness trade-off for first-order
    methods with additive gradient noise", arXiv:2109.05059, 2021.

    Examples
    --------
    >>> d = rate_noise_frontier("heavy_ball", mu=1.0, L=100.0, points=3)
    >>> [round(float(r), 4) for r in d.rate]
    [0.8182, 0.9574, 0.99]
    >>> bool(d.variance[0] > d.variance[-1])  # faster means noisier
    True
    """
    from .noise import stationary_covariance
    from .numeric import convergence_rate

    family = check_choice(family, "family", FRONTIER_FAMILIES)
    mu_a, L_a = check_spectrum(mu, L)
    if mu_a.ndim or L_a.ndim:
        raise ValueError(f"mu and L must be scalars here; got shapes {mu_a.shape} and "
                         f"{L_a.shape}")
    mu_f, L_f = float(mu_a), float(L_a)
    if not L_f > mu_f:
        raise ValueError(f"L must be > mu for a frontier (at L = mu every family is "
                         f"Newton's step); got mu={mu_f!r}, L={L_f!r}")
    n = check_count(points, "points", 2)
    m = check_count(samples, "samples", 2)
    rho = _design_rates(family, mu_f, L_f, n)
    alpha, beta, gamma = _tuning(family, mu_f, rho, L_f)
    extra = {} if gamma is None else {"gamma": gamma}
    rate = np.asarray(convergence_rate(family, alpha, beta, mu_f, L_f, samples=m, **extra),
                      float)
    lam = np.geomspace(mu_f, L_f, m)
    lam[0], lam[-1] = mu_f, L_f
    var = np.empty(n)
    for i in range(n):
        hyper = {} if gamma is None else {"gamma": float(gamma[i])}
        cov = stationary_covariance(family, float(alpha[i]),
                                    None if beta is None else float(beta[i]),
                                    hessian=lam, noise_cov=1.0, **hyper)
        var[i] = float(np.max(np.diag(cov.x)))
    return FrontierData(family, rho, np.asarray(alpha, float),
                        None if beta is None else np.asarray(beta, float),
                        None if gamma is None else np.asarray(gamma, float),
                        rate, var, lam)

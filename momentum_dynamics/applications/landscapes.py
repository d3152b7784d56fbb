"""Momentum trade-offs: the largest stable step, the effective learning rate, overshoot.

Raising the momentum ``beta`` buys speed on flat ground and pays for it in stability
and overshoot. Two views of that trade-off:

* **Exact, on a quadratic.** The stable set in ``alpha*lambda`` is an interval
  ``(0, h_max(beta))`` whose end is a root of a factor of the method's Schur-Cohn
  conditions (:func:`momentum_dynamics.symbolic.stability_conditions`, derived from the
  update rule): ``2(1 + beta)`` for heavy ball (Polyak 1964), ``2(1 + beta)/(1 + 2 beta)``
  for Nesterov (1983). The effective learning rate, the step per unit of a constant
  gradient once the velocity has settled, is
  :func:`momentum_dynamics.symbolic.effective_learning_rate` (``alpha/(1 - beta)`` for
  heavy ball). :func:`beta_tradeoff` tabulates both against ``beta``.
* **Simulated, on a landscape with a plateau and a cliff** (:class:`PlateauCliff`):
  momentum crosses the plateau ``1/(1 - beta)`` times faster, then the cliff's large
  gradient loads the velocity and the iterate overshoots the minimum at the foot of
  the cliff. :func:`overshoot` runs :func:`momentum_dynamics.simulate` with and without
  a linear learning-rate warm-up (Goyal et al. 2017) and measures it. The steep walls
  of recurrent-network losses that motivate gradient clipping (Pascanu, Mikolov & Bengio
  2013) are cliffs of this kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from .. import symbolic as S
from .._compile import compile_numpy
from .._validation import (
    as_real_array,
    broadcast,
    check_beta,
    check_count,
    check_hyperparameters,
    check_positive,
    check_scalar,
    to_output,
)
from ..methods import Method, get_method
from ..numeric import effective_learning_rate, is_stable

__all__ = [
    "largest_stable_step",
    "BetaTradeoff",
    "beta_tradeoff",
    "PlateauCliff",
    "Overshoot",
    "overshoot",
]


# --------------------------------------------------------------------------
# The largest stable step, from the exact stability conditions
# --------------------------------------------------------------------------


@cache
def _boundary_coefficients(method: Method):
    """Polynomial coefficients in ``alpha`` (at ``lambda = 1``) of every factor of every
    Schur-Cohn condition that contains ``alpha``: the points where a condition can
    change sign, as compiled functions of the other hyper-parameters."""
    syms = S.hyperparameter_symbols(method)
    args = [syms[h] for h in method.hyperparameters[1:]]
    cond = S.stability_conditions(method)
    factors = set()
    for rel in cond.atoms(sp.core.relational.Relational):
        expr = sp.together((rel.lhs - rel.rhs).subs(S.curvature, 1))
        for part in sp.fraction(expr):
            for f, _ in sp.factor_list(part)[1]:
                if f.has(S.alpha):
                    factors.add(f)
    coeffs = [sp.Poly(f, S.alpha).all_coeffs()
              for f in sorted(factors, key=sp.default_sort_key)]
    return [compile_numpy(args, c) for c in coeffs]


def largest_stable_step(method, beta=None, **hyperparameters):
    """Largest stable :math:`\\alpha\\lambda` of a method: the stable set is ``(0, edge)``.

    The candidates are the positive real roots in ``alpha*lambda`` of the factors of
    the exact stability conditions (:func:`momentum_dynamics.symbolic.stability_conditions`,
    derived from the update rule); the edge is the first candidate past which
    :func:`momentum_dynamics.is_stable` turns False. ``inf`` if no candidate ends the
    stable set, ``0.0`` if no positive step is stable (e.g. ``|beta| = 1``).

    Parameters
    ----------
    method : str or Method
        A registered method name or a :class:`~momentum_dynamics.methods.Method`.
    beta : array_like or None
        Momentum in [-1, 1]; None for methods without one (``"gd"``).
    **hyperparameters
        Extra hyper-parameters of the method; everything broadcasts.

    Returns
    -------
    float or ndarray
        The edge of the stable interval in :math:`\\alpha\\lambda`.

    See Also
    --------
    beta_tradeoff : the edge and the effective learning rate against ``beta``.
    momentum_dynamics.symbolic.stability_conditions : the conditions it solves.

    Examples
    --------
    Heavy ball's ``2(1 + beta)`` (Polyak 1964) and Nesterov's ``2(1 + beta)/(1 + 2 beta)``:

    >>> largest_stable_step("heavy_ball", [0.0, 0.5, 0.9])
    array([2. , 3. , 3.8])
    >>> round(largest_stable_step("nesterov", 0.9), 6)
    1.357143
    >>> largest_stable_step("gd")
    2.0
    """
    m = get_method(method)
    b = check_beta(beta, m)
    extra = check_hyperparameters(m, hyperparameters)
    named = ([(b, "beta")] if b is not None else []) + [(v, k) for k, v in extra.items()]
    shape = broadcast(*named)
    flat = [np.broadcast_to(v, shape).ravel() for v, _ in named]
    funcs = _boundary_coefficients(m)
    size = int(np.prod(shape))
    out = np.zeros(size)
    for i in range(size):
        point = [q[i] for q in flat]
        kw = dict(zip(m.hyperparameters[1:], point, strict=True))
        cands = []
        for f in funcs:
            c = np.array([complex(q) for q in np.broadcast_arrays(*f(*point))]).ravel()
            nz = np.flatnonzero(np.abs(c) > 0)
            if nz.size == 0 or nz[0] == c.size - 1:
                continue
            roots = np.roots(c[nz[0]:])
            cands += [z.real for z in roots if abs(z.imag) <= 1e-12 * abs(z) and z.real > 0]
        cands = sorted(cands)
        lo = min([1e-12, *[c_ / 2 for c_ in cands]])
        if not is_stable(m, alpha=lo, curvature=1.0, **kw):
            continue
        out[i] = np.inf
        for c_ in cands:
            if not is_stable(m, alpha=c_ * (1 + 1e-9), curvature=1.0, **kw):
                out[i] = c_
                break
    return to_output(out.reshape(shape))


class BetaTradeoff(NamedTuple):
    """Stability and speed against the momentum (see :func:`beta_tradeoff`).

    Attributes
    ----------
    method : str
        The method's registry name.
    betas : ndarray
        The momenta.
    max_step : ndarray
        Largest stable :math:`\\alpha\\lambda` at each ``beta``.
    max_alpha : ndarray
        Largest stable learning rate on curvatures up to ``L``: ``max_step / L``.
    effective_lr : ndarray
        Effective learning rate at ``alpha`` (:func:`momentum_dynamics.effective_learning_rate`).
    max_effective_lr : ndarray
        Effective learning rate at ``max_alpha``: the fastest plateau speed per unit
        gradient that the curvature ``L`` allows.
    alpha : float
        The learning rate of ``effective_lr``.
    L : float
        The largest curvature.

    See Also
    --------
    beta_tradeoff

    Examples
    --------
    >>> beta_tradeoff("heavy_ball", [0.0, 0.9], alpha=0.01).effective_lr
    array([0.01, 0.1 ])
    """

    method: str
    betas: np.ndarray
    max_step: np.ndarray
    max_alpha: np.ndarray
    effective_lr: np.ndarray
    max_effective_lr: np.ndarray
    alpha: float
    L: float


def beta_tradeoff(method, betas, alpha: float = 0.01, L: float = 1.0) -> BetaTradeoff:
    """Largest stable learning rate and effective learning rate as functions of ``beta``.

    Both are exact: the largest step from the stability conditions
    (:func:`largest_stable_step`), the effective learning rate from the terminal
    velocity (:func:`momentum_dynamics.symbolic.effective_learning_rate`). For heavy
    ball, ``max_alpha = 2(1 + beta)/L`` grows only twofold over ``beta in [0, 1)`` while
    ``alpha/(1 - beta)`` grows without bound: at fixed ``alpha`` momentum is faster on
    flat ground, and at the largest stable ``alpha`` the effective rate
    ``2(1 + beta)/((1 - beta) L)`` far exceeds what gradient descent can reach (``2/L``).

    Parameters
    ----------
    method : str or Method
        A method with a momentum parameter.
    betas : array_like
        Momenta in [-1, 1), a 1-D array or a scalar.
    alpha : float
        Learning rate for ``effective_lr``, > 0.
    L : float
        Largest curvature (the sharpest direction), > 0.

    Returns
    -------
    BetaTradeoff
        ``max_step``, ``max_alpha``, ``effective_lr`` and ``max_effective_lr`` per beta.

    See Also
    --------
    largest_stable_step, overshoot

    Examples
    --------
    >>> t = beta_tradeoff("heavy_ball", [0.5, 0.9, 0.99])
    >>> t.max_alpha
    array([3.  , 3.8 , 3.98])
    >>> t.max_effective_lr.round(6)
    array([  6.,  38., 398.])
    """
    m = get_method(method)
    if not m.has_momentum:
        raise ValueError(f"method {m.name!r} has no momentum parameter; beta_tradeoff "
                         "needs one")
    b = np.atleast_1d(check_beta(betas, m)).astype(float)
    if b.ndim != 1 or b.size == 0:
        raise ValueError(f"betas must be a scalar or a non-empty 1-D array; got shape {b.shape}")
    bad = b >= 1
    if np.any(bad):
        raise ValueError(f"betas must be < 1 (no steady velocity at beta = 1); got "
                         f"{b[bad][0]!r}")
    a = float(check_positive(check_scalar(alpha, "alpha"), "alpha", "the learning rate"))
    lam = float(check_positive(check_scalar(L, "L"), "L", "the largest curvature"))
    step = np.asarray(largest_stable_step(m, b), float).reshape(b.shape)
    max_alpha = step / lam
    with np.errstate(invalid="ignore"):
        eff = np.asarray(effective_learning_rate(m, a, b), float).reshape(b.shape)
        ok = max_alpha > 0
        max_eff = np.full(b.shape, np.nan)
        if ok.any():
            max_eff[ok] = np.asarray(effective_learning_rate(m, max_alpha[ok], b[ok]), float)
    return BetaTradeoff(m.name, b, step, max_alpha, eff, max_eff, a, lam)


# --------------------------------------------------------------------------
# A plateau, a cliff, and a wall
# --------------------------------------------------------------------------


def _sigmoid(y):
    # 1/(1 + e^-y) without overflow for either sign of y.
    e = np.exp(-np.abs(y))
    return np.where(y >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus(y):
    return np.logaddexp(0.0, y)


@dataclass(frozen=True)
class PlateauCliff:
    """A smooth 1-D loss: a gently sloping plateau, a cliff, then a quadratic wall.

    .. math::

        f(x) = s\\,\\delta\\,\\mathrm{sp}\\!\\left(\\tfrac{c - x}{\\delta}\\right)
               + h\\,\\sigma\\!\\left(\\tfrac{c - x}{\\delta}\\right)
               + \\tfrac{\\mu}{2}\\Big(\\delta\\,
                 \\mathrm{sp}\\!\\left(\\tfrac{x - c}{\\delta}\\right)\\Big)^2

    with :math:`\\mathrm{sp}(y) = \\log(1 + e^y)` (softplus) and :math:`\\sigma` the
    logistic function. For :math:`x < c` (beyond a few :math:`\\delta`) the loss falls
    with slope ``s`` (the plateau); at :math:`x = c` it drops by ``h`` over a width of
    about :math:`4\\delta` (the cliff, steepest slope :math:`h/(4\\delta)`); past it the
    quadratic wall of curvature ``mu`` stops the iterate. The minimum lies just past
    the foot of the cliff.

    Parameters
    ----------
    slope : float
        ``s``, the plateau's slope, > 0.
    height : float
        ``h``, the cliff's drop, > 0.
    width : float
        :math:`\\delta`, the smoothing length of the cliff and the corners, > 0.
    cliff : float
        ``c``, where the cliff is.
    wall : float
        :math:`\\mu`, the curvature past the cliff, > 0.

    See Also
    --------
    overshoot : momentum runs on it.

    Examples
    --------
    >>> f = PlateauCliff()
    >>> round(float(f.grad(0.0)), 6), round(float(f.grad(1.0)), 3)
    (-0.05, -5.0)
    >>> round(f.minimizer, 4)
    1.1588
    """

    slope: float = 0.05
    height: float = 1.0
    width: float = 0.05
    cliff: float = 1.0
    wall: float = 5.0

    def __post_init__(self) -> None:
        for name in ("slope", "height", "width", "wall"):
            object.__setattr__(self, name, float(check_positive(
                check_scalar(getattr(self, name), name), name)))
        object.__setattr__(self, "cliff", check_scalar(self.cliff, "cliff"))

    def value(self, x):
        """The loss :math:`f(x)` (broadcasts)."""
        x = np.asarray(x, float)
        s, h, d, c, mu = self.slope, self.height, self.width, self.cliff, self.wall
        y = (c - x) / d
        return s * d * _softplus(y) + h * _sigmoid(y) + 0.5 * mu * (d * _softplus(-y)) ** 2

    def grad(self, x):
        """The gradient :math:`f'(x)` (broadcasts)."""
        x = np.asarray(x, float)
        s, h, d, c, mu = self.slope, self.height, self.width, self.cliff, self.wall
        y = (c - x) / d
        sig = _sigmoid(y)
        # d/dx of each term: sp' = sigma, sigma' = sigma (1 - sigma), dy/dx = -1/d.
        return -s * sig - (h / d) * sig * (1 - sig) + mu * d * _softplus(-y) * (1 - sig)

    @property
    def minimizer(self) -> float:
        """The minimum past the cliff (the root of :math:`f'` there, by Brent's method)."""
        from scipy.optimize import brentq

        lo = self.cliff
        hi = self.cliff + self.width + (self.slope + self.height / self.width) / self.wall
        while self.grad(hi) <= 0:  # the wall always wins eventually
            hi += hi - lo
        return float(brentq(lambda x: float(self.grad(x)), lo, hi, xtol=1e-14, rtol=1e-14))


class Overshoot(NamedTuple):
    """Runs of a momentum method on a :class:`PlateauCliff` (see :func:`overshoot`).

    Every array has one entry per ``beta`` (first axis) and, where stated, per step.

    Attributes
    ----------
    betas : ndarray (k,)
        The momenta.
    warmup_steps : int
        Length of the linear warm-up (0: none).
    x : ndarray (k, steps + 1)
        The iterates.
    minimizer : float
        The minimum of the landscape.
    overshoot : ndarray (k,)
        ``max_t (x_t - minimizer)``, clipped at 0: how far past the minimum the run went.
    rebound : ndarray (k,)
        ``minimizer - min x_t`` over the steps after the cliff, clipped at 0: how far the
        run swung back towards (or up onto) the plateau.
    cliff_step : ndarray (k,)
        First step at which ``x_t`` passed the cliff (-1: never).
    settle_step : ndarray (k,)
        First step after which ``|x_t - minimizer| <= tol`` for the rest of the run
        (-1: not within the run).
    diverged : ndarray (k,) of bool
        Whether the run overflowed.

    See Also
    --------
    overshoot

    Examples
    --------
    >>> o = overshoot([0.5], alpha=0.02, steps=300)
    >>> o.x.shape, bool(o.diverged[0])
    ((1, 301), False)
    """

    betas: np.ndarray
    warmup_steps: int
    x: np.ndarray
    minimizer: float
    overshoot: np.ndarray
    rebound: np.ndarray
    cliff_step: np.ndarray
    settle_step: np.ndarray
    diverged: np.ndarray


def overshoot(betas, alpha: float = 0.05, steps: int = 400, warmup_steps: int = 0,
              landscape: PlateauCliff | None = None, x0: float = 0.5,
              method: str = "heavy_ball", tol: float = 1e-3) -> Overshoot:
    """Simulate a momentum method across a plateau and down a cliff; measure overshoot.

    Runs :func:`momentum_dynamics.simulate` (the update rule as written) from ``x0`` on
    the plateau of ``landscape``, with a constant learning rate or a linear warm-up
    (:func:`~momentum_dynamics.applications.linear_warmup`, Goyal et al. 2017).

    Parameters
    ----------
    betas : array_like
        Momenta in [0, 1), a scalar or 1-D array.
    alpha : float
        Learning rate (after warm-up), > 0.
    steps : int
        Number of steps, >= 1.
    warmup_steps : int
        Steps of the linear warm-up, >= 0 (0: constant ``alpha``).
    landscape : PlateauCliff, optional
        The loss (default ``PlateauCliff()``).
    x0 : float
        Starting point.
    method : str or Method
        A method with momentum (default heavy ball).
    tol : float
        Distance to the minimum that counts as settled, > 0.

    Returns
    -------
    Overshoot
        The iterates and, per ``beta``, overshoot, cliff and settling steps.

    See Also
    --------
    PlateauCliff, beta_tradeoff

    Examples
    --------
    Larger momentum crosses the plateau sooner and overshoots further:

    >>> o = overshoot([0.5, 0.9, 0.99])
    >>> o.cliff_step
    array([46, 20, 17])
    >>> o.overshoot.round(3)
    array([0.133, 0.502, 0.587])

    and, at ``beta = 0.99``, swings back up the cliff onto the plateau:

    >>> o.rebound.round(2)
    array([0.03, 0.17, 7.33])
    """
    from ..simulate import simulate
    from .schedules import linear_warmup

    m = get_method(method)
    if not m.has_momentum:
        raise ValueError(f"method {m.name!r} has no momentum parameter; overshoot needs one")
    b = np.atleast_1d(as_real_array(betas, "betas")).astype(float)
    if b.ndim != 1 or b.size == 0:
        raise ValueError(f"betas must be a scalar or a non-empty 1-D array; got shape {b.shape}")
    bad = (b < 0) | (b >= 1)
    if np.any(bad):
        raise ValueError(f"betas must lie in [0, 1); got {b[bad][0]!r}")
    a = float(check_positive(check_scalar(alpha, "alpha"), "alpha", "the learning rate"))
    n = check_count(steps, "steps", 1)
    w = check_count(warmup_steps, "warmup_steps", 0)
    tol = float(check_positive(check_scalar(tol, "tol"), "tol"))
    start = check_scalar(x0, "x0")
    land = PlateauCliff() if landscape is None else landscape
    if not isinstance(land, PlateauCliff):
        raise TypeError(f"landscape must be a PlateauCliff; got {type(land).__name__}")
    schedule = {"alpha": linear_warmup(a, n, w)} if w > 0 else None
    xs = np.empty((b.size, n + 1))
    for i, bi in enumerate(b):
        tr = simulate(m, land.grad, None if schedule else a, float(bi), steps=n,
                      x0=[start], schedule=schedule)
        xs[i] = tr.x[:, 0]
    x_min = land.minimizer
    with np.errstate(invalid="ignore"):
        diverged = ~np.all(np.isfinite(xs), axis=1)
        over = np.where(diverged, np.inf, np.clip(np.nanmax(xs - x_min, axis=1), 0, None))
        passed = xs >= land.cliff
        cliff_step = np.where(passed.any(axis=1), np.argmax(passed, axis=1), -1)
        after = np.arange(n + 1)[None, :] >= np.where(cliff_step < 0, n + 1, cliff_step)[:, None]
        low = np.min(np.where(after, xs, np.inf), axis=1)
        rebound = np.where(diverged, np.inf, np.clip(x_min - low, 0, None))
        far = ~(np.abs(xs - x_min) <= tol)
    # One past the last step that was still far; -1 if the run ends far.
    settle = np.where(far.any(axis=1), n - np.argmax(far[:, ::-1], axis=1) + 1, 0)
    settle = np.where(far[:, -1], -1, settle)
    return Overshoot(b, w, xs, x_min, over, rebound, cliff_step, settle, diverged)

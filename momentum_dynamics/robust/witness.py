r"""Witnesses: smooth strongly convex functions on which the quadratic picture fails.

Every rate :func:`momentum_dynamics.convergence_rate` reports is a statement about
quadratics. It does not extend to the class :math:`\mathcal F_{\mu,L}` of
:math:`L`-smooth, :math:`\mu`-strongly convex functions in general: Polyak's heavy ball
tuned for :math:`\kappa = 25` has quadratic rate :math:`2/3`, yet on a
piecewise-quadratic function of that class it falls into a 3-cycle (Lessard, Recht &
Packard 2016, section 4.6). This module searches for such witnesses and checks every
one it finds.

The search (after Goujaud, Taylor & Dieuleveut 2023, who automate the search for
cycles of first-order methods) looks for a *p-cycle in one dimension*:

1. The update rule is linear in its state and the gradients it receives, so running it
   on floats with a scripted gradient oracle gives the matrices of one step,
   :math:`s^+ = A s + B u`, :math:`y = C s + D u` (state :math:`s`, gradients
   :math:`u`, query points :math:`y`), read off the rule and never typed.
2. A p-cycle :math:`s_{p+1} = s_1` is then a set of *linear* equations in the start
   state and the p gradients.
3. In one dimension, gradient data :math:`(y_i, g_i)` (with the minimiser
   :math:`(0, 0)` added) is interpolated by a function of :math:`\mathcal F_{\mu,L}`
   if and only if, after sorting by :math:`y`, every secant slope
   :math:`(g_{k+1} - g_k)/(y_{k+1} - y_k)` lies in :math:`[\mu, L]` (then the
   piecewise-linear gradient through the data is one). For a fixed order of the
   points these are *linear* inequalities, so the search is a small linear
   program per order, solved exactly by HiGHS (``scipy.optimize.linprog``); the
   orders are enumerated (up to the cycle's rotation). The LP maximises the
   smallest gap between consecutive points at unit spread, so a cycle found has
   distinct points.

An SDP over the Gram matrix (the performance-estimation route) would relax the
problem to any dimension and need a rank-one solution to give a 1-D function; in one
dimension the LP is exact, needs no conic solver, and its optimum is a vertex that
can be checked by hand.

Every witness is verified independently of the LP that found it: the
Taylor-Hendrickx-Glineur (2017) interpolation inequalities for
:math:`\mathcal F_{\mu,L}` on the points, gradients and function values, the
curvature of the constructed function on a fine grid, and a simulation of the update
rule (:func:`momentum_dynamics.simulate`) on the constructed gradient.

References
----------
Lessard, Recht & Packard (2016), "Analysis and design of optimization algorithms via
integral quadratic constraints", SIAM J. Optim. 26(1), section 4.6.

Taylor, Hendrickx & Glineur (2017), "Smooth strongly convex interpolation and exact
worst-case performance of first-order methods", Math. Program. 161, Theorem 4.

Goujaud, Taylor & Dieuleveut (2023), "Counter-examples in first-order optimization: a
constructive approach", IEEE Control Systems Letters 7.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from .._validation import (
    as_real_array,
    check_alpha,
    check_beta,
    check_count,
    check_hyperparameters,
    check_scalar,
    check_spectrum,
)
from ..methods import Method, get_method
from .lure import _linear_step, _Step

__all__ = [
    "PiecewiseQuadratic",
    "CycleWitness",
    "ClassCheck",
    "find_cycle",
    "quadratic_rate_extends",
    "interpolation_violation",
]

# Periods are searched by enumerating orders of the p points and the minimiser:
# (p + 1)! / p linear programs; 8 gives 5040 of them, a few seconds.
_MAX_PERIOD = 8
# The LP's smallest gap between consecutive points (at unit spread) below which no
# cycle with distinct points is reported.
_GAP_TOL = 1e-7
# Relative tolerance of the independent checks of a witness.
_CHECK_TOL = 1e-7


# --------------------------------------------------------------------------
# The constructed function: a 1-D piecewise quadratic
# --------------------------------------------------------------------------


class PiecewiseQuadratic:
    r"""A 1-D convex piecewise quadratic given by its piecewise-linear gradient.

    The gradient interpolates ``gradients`` at ``knots`` linearly and continues with
    ``left_slope`` / ``right_slope`` outside them; the function is its integral, zero
    at the minimiser :math:`x^\star` (the root of the gradient). On every piece
    :math:`f'' ` is the piece's slope, so :math:`f \in \mathcal F_{\mu,L}` with
    :math:`\mu` the smallest and :math:`L` the largest slope.

    Parameters
    ----------
    knots : (k,) array_like
        Breakpoints, strictly increasing, finite, at least one.
    gradients : (k,) array_like
        :math:`f'` at the knots; the slopes between and beyond them must be > 0.
    left_slope, right_slope : float, optional
        :math:`f''` left of the first and right of the last knot (default: the slope
        of the adjacent segment; required when there is a single knot).

    Attributes
    ----------
    knots, gradients : ndarray
    slopes : (k + 1,) ndarray
        :math:`f''` on each piece, left to right.
    mu, L : float
        The smallest and largest slope.
    minimizer : float
        :math:`x^\star`, where :math:`f'(x^\star) = 0` and :math:`f(x^\star) = 0`.

    Raises
    ------
    ValueError
        For knots that are not strictly increasing, mismatched lengths, non-finite
        values or a slope <= 0.

    See Also
    --------
    find_cycle : builds one through the points of a cycle.

    Examples
    --------
    The function of Lessard, Recht & Packard (2016, section 4.6):
    :math:`f' = 25x` for :math:`x < 1`, :math:`x + 24` on :math:`[1, 2)`,
    :math:`25x - 24` beyond:

    >>> f = PiecewiseQuadratic([0.0, 1.0, 2.0], [0.0, 25.0, 26.0], left_slope=25.0,
    ...                        right_slope=25.0)
    >>> f.slopes, f.mu, f.L
    (array([25., 25.,  1., 25.]), 1.0, 25.0)
    >>> float(f.grad(3.0)), float(f(3.0))  # 25*3 - 24 and 25/2*9 - 72 + 36
    (51.0, 76.5)
    """

    def __init__(self, knots: ArrayLike, gradients: ArrayLike, left_slope: float | None = None,
                 right_slope: float | None = None) -> None:
        x = np.atleast_1d(as_real_array(knots, "knots")).astype(float)
        g = np.atleast_1d(as_real_array(gradients, "gradients")).astype(float)
        if x.ndim != 1 or x.size == 0:
            raise ValueError(f"knots must be a non-empty 1-D array; got shape {x.shape}")
        if g.shape != x.shape:
            raise ValueError(f"gradients must have the shape of knots {x.shape}; got {g.shape}")
        if np.any(np.diff(x) <= 0):
            raise ValueError("knots must be strictly increasing")
        inner = np.diff(g) / np.diff(x)
        if left_slope is None and x.size == 1:
            raise TypeError("left_slope is required with a single knot")
        if right_slope is None and x.size == 1:
            raise TypeError("right_slope is required with a single knot")
        left = inner[0] if left_slope is None else check_scalar(left_slope, "left_slope")
        right = inner[-1] if right_slope is None else check_scalar(right_slope, "right_slope")
        slopes = np.concatenate([[left], inner, [right]])
        if np.any(slopes <= 0):
            raise ValueError(
                "the slopes of the gradient (left_slope, the segments between the knots, "
                f"right_slope) must be > 0 for a strongly convex function; got {slopes}"
            )
        self.knots, self.gradients, self.slopes = x, g, slopes
        for a in (x, g, slopes):
            a.setflags(write=False)
        self.mu, self.L = float(slopes.min()), float(slopes.max())
        # The minimiser: the root of the increasing piecewise-linear gradient.
        k = int(np.searchsorted(g, 0.0))  # g[k-1] < 0 <= g[k]
        if k == 0:
            self.minimizer = float(x[0] - g[0] / left)
        elif k == x.size:
            self.minimizer = float(x[-1] - g[-1] / right)
        else:
            self.minimizer = float(x[k - 1] - g[k - 1] / inner[k - 1])
        # f at the knots: the trapezoid rule is exact for a piecewise-linear gradient.
        xs = self.minimizer
        fk = np.empty_like(x)
        for i in range(x.size):
            fk[i] = self._integral(xs, 0.0, x[i])
        self._fk = fk

    def _piece(self, t: np.ndarray) -> np.ndarray:
        """Index of the knot each point's piece is anchored at (0 left of the first)."""
        return np.clip(np.searchsorted(self.knots, t, side="right") - 1, 0, None)

    def _integral(self, x0: float, f0: float, x1: float) -> float:
        """f(x1) given f(x0) = f0, integrating the gradient piece by piece."""
        lo, hi = min(x0, x1), max(x0, x1)
        pts = np.concatenate([[lo], self.knots[(self.knots > lo) & (self.knots < hi)], [hi]])
        gp = self.grad(pts)
        area = float(np.sum(0.5 * (gp[1:] + gp[:-1]) * np.diff(pts)))
        return f0 + (area if x1 >= x0 else -area)

    def grad(self, x: ArrayLike) -> np.ndarray:
        """The gradient :math:`f'(x)`, elementwise (any shape)."""
        t = np.asarray(x, dtype=float)
        k = self._piece(t)
        left = t < self.knots[0]
        slope = np.where(left, self.slopes[0], self.slopes[k + 1])
        return self.gradients[k] + slope * (t - self.knots[k])

    def value(self, x: ArrayLike) -> np.ndarray:
        """The value :math:`f(x)`, elementwise (any shape); 0 at the minimiser."""
        t = np.asarray(x, dtype=float)
        k = self._piece(t)
        left = t < self.knots[0]
        slope = np.where(left, self.slopes[0], self.slopes[k + 1])
        d = t - self.knots[k]
        return self._fk[k] + self.gradients[k] * d + 0.5 * slope * d * d

    __call__ = value

    def __repr__(self) -> str:
        return (f"PiecewiseQuadratic(pieces={self.slopes.size}, mu={self.mu:g}, L={self.L:g}, "
                f"minimizer={self.minimizer:g})")


def interpolation_violation(points: ArrayLike, gradients: ArrayLike, values: ArrayLike,
                            mu: float, L: float) -> float:
    r"""Largest violation of the :math:`\mathcal F_{\mu,L}` interpolation conditions.

    Taylor, Hendrickx & Glineur (2017, Theorem 4): data :math:`(x_i, g_i, f_i)` is
    interpolated by an :math:`L`-smooth, :math:`\mu`-strongly convex function if and
    only if for all :math:`i, j`

    .. math::

        f_i \ge f_j + g_j (x_i - x_j) + \frac{1}{2(1 - \mu/L)}\Big(
        \tfrac1L (g_i - g_j)^2 + \mu (x_i - x_j)^2
        - \tfrac{2\mu}{L} (g_i - g_j)(x_i - x_j)\Big).

    Parameters
    ----------
    points, gradients, values : (n,) array_like
        The data, one-dimensional points.
    mu, L : float
        The class, ``0 < mu < L``.

    Returns
    -------
    float
        :math:`\max_{i,j}` (right side - left side), divided by the largest
        :math:`|f_i| + |g_i|\,\mathrm{spread}` so that it is scale-free; <= 0 (up to
        rounding) when the data is interpolable.

    Raises
    ------
    ValueError
        For bad ``mu``/``L`` (``mu >= L``) or arrays of different shapes.

    See Also
    --------
    find_cycle : checks every witness with it.

    Examples
    --------
    Two points of :math:`f(x) = x^2` (so :math:`\mu = L = 2` would be tight) are
    interpolable in :math:`\mathcal F_{1, 4}`:

    >>> interpolation_violation([0.0, 1.0], [0.0, 2.0], [0.0, 1.0], mu=1.0, L=4.0) <= 0
    True
    """
    mu, L = _check_class(mu, L)
    x = np.atleast_1d(as_real_array(points, "points")).astype(float)
    g = np.atleast_1d(as_real_array(gradients, "gradients")).astype(float)
    f = np.atleast_1d(as_real_array(values, "values")).astype(float)
    if x.ndim != 1 or x.size == 0 or g.shape != x.shape or f.shape != x.shape:
        raise ValueError("points, gradients and values must be non-empty 1-D arrays of one "
                         f"shape; got {x.shape}, {g.shape}, {f.shape}")
    dx = x[:, None] - x[None, :]
    dg = g[:, None] - g[None, :]
    rhs = (f[None, :] + g[None, :] * dx
           + (dg * dg / L + mu * dx * dx - 2 * mu / L * dg * dx) / (2 * (1 - mu / L)))
    spread = float(np.ptp(x)) or 1.0
    scale = float(np.max(np.abs(f)) + np.max(np.abs(g)) * spread) or 1.0
    return float(np.max(rhs - f[:, None]) / scale)


# --------------------------------------------------------------------------
# The update rule's linear structure: read off by running it (robust/lure.py)
# --------------------------------------------------------------------------


def _cycle_maps(step: _Step, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Linear maps of z = (s_1, u_1, ..., u_p): closure, queries, gradients, states."""
    n, calls = step.B.shape
    size = n + p * calls
    S = np.zeros((n, size))
    S[:, :n] = np.eye(n)
    Y, U, states = [], [], []
    for i in range(p):
        Ui = np.zeros((calls, size))
        Ui[:, n + i * calls:n + (i + 1) * calls] = np.eye(calls)
        states.append(S)
        Y.append(step.C @ S + step.D @ Ui)
        U.append(Ui)
        S = step.A @ S + step.B @ Ui
    closure = S - states[0]
    return closure, np.vstack(Y), np.vstack(U), np.array(states)


def _solve_order(order, closure, Y, U, mu, L):
    """LP for one order of the points (last index = the minimiser at 0): best gap or None."""
    from scipy.optimize import linprog

    size = Y.shape[1]
    zero = np.zeros((1, size))
    Yx = np.vstack([Y, zero])
    Ux = np.vstack([U, zero])
    # variables (z, t); maximise t
    rows, rhs = [], []
    for a, b in zip(order[:-1], order[1:], strict=True):
        dy, du = Yx[b] - Yx[a], Ux[b] - Ux[a]
        rows += [np.append(-dy, 1.0),             # dy >= t
                 np.append(mu * dy - du, 0.0),    # du >= mu dy
                 np.append(du - L * dy, 0.0)]     # du <= L dy
        rhs += [0.0, 0.0, 0.0]
    eq = [np.append(r, 0.0) for r in closure]
    eq.append(np.append(Yx[order[-1]] - Yx[order[0]], 0.0))  # unit spread
    beq = [0.0] * len(closure) + [1.0]
    c = np.zeros(size + 1)
    c[-1] = -1.0
    res = linprog(c, A_ub=np.array(rows), b_ub=rhs, A_eq=np.array(eq), b_eq=beq,
                  bounds=[(None, None)] * size + [(None, 1.0)], method="highs")
    if res.status != 0:
        return None
    return float(-res.fun), res.x[:size]


def _lean(y: np.ndarray) -> float:
    return float(y.min() + y.max())


def _return_map(step: _Step, curv: np.ndarray) -> np.ndarray:
    """Product over the cycle of the one-step matrices with u = c * y at each query."""
    n, calls = step.B.shape
    P = np.eye(n)
    for i in range(curv.size // calls):
        c = np.diag(curv[i * calls:(i + 1) * calls])
        Cy = np.linalg.solve(np.eye(calls) - step.D @ c, step.C)
        P = (step.A + step.B @ c @ Cy) @ P
    return P


def _interpolant(step: _Step, y, u, mu, L) -> tuple[PiecewiseQuadratic, float]:
    r"""A function of F(mu, L) through the cycle data, flat-curvature around each point.

    The gradient is piecewise linear through the sorted points and the minimiser
    (0, 0). Around each cycle point it has a constant slope c_k on
    [y_k - delta, y_k + delta], so the cycle's return map is a product of one-step
    matrices; the c_k (from mu, L and the adjacent secant slopes; forced to the bound
    a tight secant sits on) are chosen to make that product's spectral radius
    smallest, i.e. the cycle as attracting as the data allows. The connecting slopes
    tend to the secants as delta -> 0; delta is halved until they lie in [mu, L].
    """
    ys, order = np.unique(np.append(y, 0.0), return_index=True)
    gs = np.append(u, 0.0)[order]
    sec = np.diff(gs) / np.diff(ys)
    tol = 1e-9 * L
    options = []
    for k in range(y.size):
        j = int(np.searchsorted(ys, y[k]))
        near = [sec[j - 1]] if j > 0 else []
        near += [sec[j]] if j < sec.size else []
        tight = {mu if abs(s - mu) <= tol else L for s in near
                 if abs(s - mu) <= tol or abs(s - L) <= tol}
        if len(tight) > 1:
            options.append(None)
        elif tight:
            options.append([tight.pop()])
        else:
            options.append(sorted({mu, L, *near}))
    if any(o is None for o in options):
        return PiecewiseQuadratic(ys, gs), math.nan
    # At most 4 options per point; fall back to the two bounds beyond 4096 products.
    if np.prod([len(o) for o in options]) > 4096:
        options = [o if len(o) == 1 else [mu, L] for o in options]
    best_c, best_r = None, math.inf
    for combo in itertools.product(*options):
        c = np.array(combo)
        r = float(np.max(np.abs(np.linalg.eigvals(_return_map(step, c)))))
        if r < best_r - 1e-12:
            best_c, best_r = c, r
    gaps = np.diff(ys)
    delta = 0.25 * float(gaps.min())
    for _ in range(60):
        knots, grads = [], []
        for yk, gk in zip(ys, gs, strict=True):
            hit = np.flatnonzero(y == yk)
            if hit.size == 0:  # the minimiser: a plain knot
                knots.append(yk)
                grads.append(gk)
                continue
            c = best_c[hit[0]]
            knots += [yk - delta, yk, yk + delta]
            grads += [gk - c * delta, gk, gk + c * delta]
        knots, grads = np.array(knots), np.array(grads)
        sl = np.diff(grads) / np.diff(knots)
        if np.all(np.diff(knots) > 0) and np.all(sl >= mu - tol) and np.all(sl <= L + tol):
            f = PiecewiseQuadratic(knots, grads, left_slope=best_c[np.argmin(y)] if
                                   y.min() < 0 else sl[0],
                                   right_slope=best_c[np.argmax(y)] if y.max() > 0 else sl[-1])
            return f, best_r
        delta *= 0.5
    return PiecewiseQuadratic(ys, gs), math.nan


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CycleWitness:
    r"""The result of :func:`find_cycle`: a p-cycle on a function of :math:`\mathcal F_{\mu,L}`.

    Attributes
    ----------
    found : bool
        Whether a cycle with distinct points was found (and verified). When False,
        the arrays below are empty and ``function``/``trajectory`` are None: no
        witness of that period exists among 1-D functions (up to the LP tolerance).
    method : str
        The method's registry name.
    mu, L : float
        The function class.
    hyperparameters : dict of str to float
        ``alpha``, ``beta`` (when the method has one) and any extra ones.
    period : int
        The period p searched.
    states : (p, n) ndarray
        The method's state before each step of the cycle (``states[:, 0]`` the
        iterates :math:`x_1, \dots, x_p`).
    points : (p * c,) ndarray
        The points where the gradient is queried, in order (``c`` calls per step;
        for heavy ball the iterates themselves).
    gradients, values : (p * c,) ndarray
        :math:`g_i = f'(y_i)` and :math:`f_i = f(y_i)` on the constructed function.
    function : PiecewiseQuadratic or None
        The constructed function: its gradient is the piecewise-linear interpolant
        of the points, gradients and the minimiser :math:`(0, 0)`.
    gap : float
        The smallest distance between consecutive points (minimiser included) at unit
        spread: the LP's optimum, > 0 for a cycle of distinct points.
    interpolation_violation : float
        :func:`interpolation_violation` of the data (<= ~1e-12 when verified).
    curvature_bounds : tuple of float
        Smallest and largest difference quotient of ``function.grad`` on a fine grid
        (within ``[mu, L]`` when verified).
    trajectory : Trajectory or None
        The update rule run on ``function.grad`` from the cycle's first state.
    cycle_error : float
        Largest distance of that run from the cycle, relative to the cycle's spread.
    perturbed : Trajectory or None
        The run started from the first iterate moved by 0.1 % of the spread.
    converges_nearby : bool or None
        Whether the perturbed run converges to the minimiser (distance below
        ``1e-6`` of the spread at its end): False for an attracting cycle such as
        Lessard's.
    return_map_radius : float
        Spectral radius of the linearised return map of the cycle (the product of
        the one-step matrices at the curvatures ``function`` has around the cycle's
        points): < 1 means an attracting cycle, which nearby starts fall into.
    orders_tried : int
        Linear programs solved.

    See Also
    --------
    find_cycle : returns it.

    Examples
    --------
    >>> w = find_cycle("heavy_ball", alpha=1 / 9, beta=4 / 9, mu=1.0, L=25.0, period=3)
    >>> w.found, w.period, w.states.shape
    (True, 3, (3, 2))
    """

    found: bool
    method: str
    mu: float
    L: float
    hyperparameters: dict[str, float]
    period: int
    states: np.ndarray
    points: np.ndarray
    gradients: np.ndarray
    values: np.ndarray
    function: PiecewiseQuadratic | None = field(repr=False, default=None)
    gap: float = math.nan
    interpolation_violation: float = math.nan
    curvature_bounds: tuple[float, float] = (math.nan, math.nan)
    trajectory: object = field(repr=False, default=None)
    cycle_error: float = math.nan
    perturbed: object = field(repr=False, default=None)
    converges_nearby: bool | None = None
    return_map_radius: float = math.nan
    orders_tried: int = 0

    @property
    def verified(self) -> bool:
        """A found cycle that passed every independent check."""
        lo, hi = self.curvature_bounds
        tol = _CHECK_TOL * self.L
        return bool(self.found and self.interpolation_violation <= _CHECK_TOL
                    and lo >= self.mu - tol and hi <= self.L + tol
                    and self.cycle_error <= 1e-6)

    def summary(self) -> str:
        """One line: what was found."""
        if not self.found:
            return (f"no {self.period}-cycle of {self.method} on 1-D functions of "
                    f"F(mu={self.mu:g}, L={self.L:g})")
        pts = ", ".join(f"{x:.6g}" for x in self.states[:, 0])
        return (f"{self.period}-cycle of {self.method} on a piecewise quadratic in "
                f"F(mu={self.mu:g}, L={self.L:g}): x = {pts}")


@dataclass(frozen=True, eq=False)
class ClassCheck:
    r"""The result of :func:`quadratic_rate_extends`.

    Attributes
    ----------
    quadratic_rate : float
        :func:`momentum_dynamics.convergence_rate` (worst case over quadratics).
    extends : bool or None
        False when a witness shows the method fails to converge on some function of
        :math:`\mathcal F_{\mu,L}` (or it already fails on quadratics); None when no
        witness was found: the rate may or may not extend (a certificate decides).
    verdict : str
        ``"witness found: p-cycle"``, ``"no witness for p in 2..P"`` or
        ``"unstable on quadratics"``.
    witness : CycleWitness or None
        The first verified cycle found (smallest period).
    periods : tuple of int
        The periods searched.

    See Also
    --------
    quadratic_rate_extends : returns it.

    Examples
    --------
    >>> c = quadratic_rate_extends("gd", alpha=0.1, mu=1.0, L=10.0, max_period=3)
    >>> c.extends, c.verdict
    (None, 'no witness for p in 2..3')
    """

    quadratic_rate: float
    extends: bool | None
    verdict: str
    witness: CycleWitness | None
    periods: tuple[int, ...]


# --------------------------------------------------------------------------
# The search
# --------------------------------------------------------------------------


def _check_class(mu, L) -> tuple[float, float]:
    mu = check_scalar(mu, "mu")
    L = check_scalar(L, "L")
    check_spectrum(mu, L)
    if not mu < L:
        raise ValueError(f"mu must be < L for the class F(mu, L) of witnesses (mu = L is a "
                         f"single quadratic); got mu={mu!r}, L={L!r}")
    return mu, L


def _params(m: Method, alpha, beta, hyperparameters: dict) -> dict[str, float]:
    a = check_scalar(check_alpha(alpha), "alpha")
    params = {"alpha": a}
    b = check_beta(beta, m)
    if b is not None:
        params["beta"] = check_scalar(b, "beta")
    for k, v in check_hyperparameters(m, hyperparameters).items():
        params[k] = check_scalar(v, k)
    return params


def _simulate_on(m: Method, params: dict, grad: Callable, state0: np.ndarray, steps: int):
    """The update rule run on ``grad``: md.simulate when it can start there, else stepped."""
    from ..simulate import Trajectory, simulate

    beta = params.get("beta")
    extra = {k: v for k, v in params.items() if k not in ("alpha", "beta")}
    if m.order <= 2:
        v0 = None if m.order == 1 else [state0[1]]
        return simulate(m, grad, params["alpha"], beta, steps=steps, x0=[state0[0]], v0=v0,
                        **extra)
    # simulate starts every state variable after the second at zero: step by hand.
    rows = [np.array(state0, dtype=float)]
    s = tuple(np.array([v]) for v in state0)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            s = m.step(s, grad, **params)
            rows.append(np.array([float(np.asarray(v).ravel()[0]) for v in s]))
    arr = np.array(rows)
    states = {name: arr[:, [k]] for k, name in enumerate(m.state)}
    return Trajectory(x=states[m.state[0]], states=states, loss=None, method=m.name,
                      alpha=params["alpha"], beta=beta, hyperparameters=extra, problem=grad)


def find_cycle(method: str | Method, alpha: float, beta: float | None = None,
               mu: float | None = None, L: float | None = None, *, period: int = 3,
               **hyperparameters: float) -> CycleWitness:
    r"""Search a 1-D function of :math:`\mathcal F_{\mu,L}` on which the method cycles.

    Looks for states :math:`s_1, \dots, s_p` and gradients with
    :math:`s_{i+1} = \mathrm{step}(s_i)`, :math:`s_{p+1} = s_1`, such that the
    gradients are those of an :math:`L`-smooth, :math:`\mu`-strongly convex function
    with minimiser 0: a linear program per order of the points (see the module
    notes), maximising the smallest gap between points. The best cycle is then
    verified independently: Taylor-Hendrickx-Glineur interpolation inequalities, the
    curvature of the constructed :class:`PiecewiseQuadratic` on a fine grid, and a
    simulation of the update rule on its gradient (started on the cycle it stays
    there; started 0.1 % away it is reported whether it converges).

    Parameters
    ----------
    method : str or Method
        A registered name or a :class:`~momentum_dynamics.methods.Method` whose rule
        is linear in its state and gradients (every shipped method).
    alpha : float
        Learning rate, > 0.
    beta : float, optional
        Momentum in [-1, 1]; None for a method without one.
    mu, L : float
        The class: ``0 < mu < L`` (required).
    period : int
        The period p, an integer in 2..8 (the search solves (p + 1)!/p LPs).
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    CycleWitness
        ``found`` tells whether a cycle was found; when it is False the result
        says so (no exception).

    Raises
    ------
    ValueError
        For ``mu >= L``, ``mu <= 0``, a bad ``alpha``/``beta``, ``period`` outside
        2..8, or a method that cannot be run on floats or is not linear.
    TypeError
        For a missing ``mu``/``L``/``beta`` or an unknown keyword.

    See Also
    --------
    quadratic_rate_extends : the quadratic rate with this search as a verdict.
    momentum_dynamics.convergence_rate : the rate on quadratics.

    Notes
    -----
    Cycles whose points coincide (with each other or with the minimiser) are not
    reported; nor are cycles that need more than one dimension.

    Examples
    --------
    Polyak's heavy ball tuned for :math:`\kappa = 25` (rate 2/3 on quadratics) cycles
    (Lessard, Recht & Packard 2016, section 4.6):

    >>> w = find_cycle("heavy_ball", alpha=1 / 9, beta=4 / 9, mu=1.0, L=25.0, period=3)
    >>> w.found, w.verified
    (True, True)

    Gradient descent with a safe step has none:

    >>> find_cycle("gd", alpha=0.1, mu=1.0, L=10.0, period=2).found
    False
    """
    m = get_method(method)
    if mu is None or L is None:
        raise TypeError("find_cycle needs the class: pass mu and L (0 < mu < L)")
    mu, L = _check_class(mu, L)
    params = _params(m, alpha, beta, hyperparameters)
    period = check_count(period, "period", 2)
    if period > _MAX_PERIOD:
        raise ValueError(f"period must be an integer in 2..{_MAX_PERIOD} (the search solves "
                         f"(p + 1)!/p linear programs); got {period}")
    step = _linear_step(m, params)
    closure, Y, U, S = _cycle_maps(step, period)
    calls = step.B.shape[1]
    npts = period * calls
    best = None
    tried = 0
    # Every cycle can be rotated so that its smallest point is queried in step 1.
    for order in itertools.permutations(range(npts + 1)):
        first = next(k for k in order if k < npts)
        if first >= calls:
            continue
        tried += 1
        sol = _solve_order(order, closure, Y, U, mu, L)
        if sol is None:
            continue
        # A cycle and its mirror image (x -> -x) have the same gap; which of the two the
        # LP solver reports first depends on its rounding, so ties go to the cycle whose
        # points lean left (smaller min + max): the same answer on every SciPy.
        if best is None or sol[0] > best[0] * (1 + 1e-9):
            best = sol
        elif sol[0] >= best[0] * (1 - 1e-9) and _lean(Y @ sol[1]) < _lean(Y @ best[1]) - 1e-9:
            best = sol
    empty = np.zeros(0)
    if best is None or best[0] <= _GAP_TOL:
        return CycleWitness(False, m.name, mu, L, params, period, np.zeros((0, m.order)),
                            empty, empty, empty, orders_tried=tried)
    gap, z = best
    y, u = Y @ z, U @ z
    states = np.einsum("pij,j->pi", S, z)
    f, radius = _interpolant(step, y, u, mu, L)
    values = f.value(y)
    violation = interpolation_violation(np.append(y, 0.0), np.append(u, 0.0),
                                        np.append(values, 0.0), mu, L)
    spread = float(np.ptp(np.append(y, 0.0)))
    grid = np.linspace(f.knots[0] - spread, f.knots[-1] + spread, 20001)
    q = np.diff(f.grad(grid)) / np.diff(grid)
    periods = 20
    tr = _simulate_on(m, params, f.grad, states[0], periods * period)
    expected = np.tile(states[:, 0], periods + 1)[: tr.x.shape[0]]
    cycle_error = float(np.max(np.abs(tr.x[:, 0] - expected)) / spread)
    start = states[0].copy()
    start[0] += 1e-3 * spread
    pert = _simulate_on(m, params, f.grad, start, 200 * period)
    tail = np.abs(pert.x[-period:, 0] - f.minimizer)
    converges = bool(np.all(np.isfinite(tail)) and np.max(tail) < 1e-6 * spread)
    return CycleWitness(True, m.name, mu, L, params, period, states, y, u, values, f,
                        gap=gap, interpolation_violation=violation,
                        curvature_bounds=(float(q.min()), float(q.max())), trajectory=tr,
                        cycle_error=cycle_error, perturbed=pert, converges_nearby=converges,
                        return_map_radius=radius, orders_tried=tried)


def quadratic_rate_extends(method: str | Method, alpha: float, beta: float | None = None,
                           mu: float | None = None, L: float | None = None, *,
                           max_period: int = 5, **hyperparameters: float) -> ClassCheck:
    r"""The quadratic rate, and whether a witness shows it fails on :math:`\mathcal F_{\mu,L}`.

    :func:`momentum_dynamics.convergence_rate` is the worst case over quadratics with
    curvatures in :math:`[\mu, L]`. This companion also runs :func:`find_cycle` for
    the periods 2, ..., ``max_period`` and reports the first verified cycle: then
    the quadratic rate does *not* extend to the smooth strongly convex class (the
    method does not even converge on the witness). No cycle found is not a proof
    that it extends: that takes a certificate (an IQC / Lyapunov search).

    Parameters
    ----------
    method : str or Method
        A registered name or a :class:`~momentum_dynamics.methods.Method`.
    alpha : float
        Learning rate, > 0.
    beta : float, optional
        Momentum in [-1, 1]; None for a method without one.
    mu, L : float
        The class: ``0 < mu < L`` (required).
    max_period : int
        Largest period searched, in 2..8.
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    ClassCheck
        The quadratic rate, ``extends`` (False or None), a verdict and the witness.

    Raises
    ------
    ValueError
        As :func:`find_cycle`; ``max_period`` outside 2..8.
    TypeError
        As :func:`find_cycle`.

    See Also
    --------
    find_cycle, momentum_dynamics.convergence_rate

    Examples
    --------
    >>> c = quadratic_rate_extends("heavy_ball", alpha=1 / 9, beta=4 / 9, mu=1.0, L=25.0,
    ...                            max_period=3)
    >>> round(c.quadratic_rate, 6), c.extends, c.verdict
    (0.666667, False, 'witness found: 3-cycle')
    """
    from ..numeric import convergence_rate

    m = get_method(method)
    if mu is None or L is None:
        raise TypeError("quadratic_rate_extends needs the class: pass mu and L (0 < mu < L)")
    mu, L = _check_class(mu, L)
    params = _params(m, alpha, beta, hyperparameters)
    max_period = check_count(max_period, "max_period", 2)
    if max_period > _MAX_PERIOD:
        raise ValueError(f"max_period must be an integer in 2..{_MAX_PERIOD}; got {max_period}")
    _linear_step(m, params)  # refuse a rule that cannot be run before computing anything
    rate = float(convergence_rate(m, params["alpha"], params.get("beta"), mu, L,
                                  **{k: v for k, v in params.items()
                                     if k not in ("alpha", "beta")}))
    if not rate < 1:
        return ClassCheck(rate, False, "unstable on quadratics", None, ())
    periods = []
    for p in range(2, max_period + 1):
        periods.append(p)
        w = find_cycle(m, params["alpha"], params.get("beta"), mu, L, period=p,
                       **{k: v for k, v in params.items() if k not in ("alpha", "beta")})
        if w.found and w.verified:
            return ClassCheck(rate, False, f"witness found: {p}-cycle", w, tuple(periods))
    return ClassCheck(rate, None, f"no witness for p in 2..{max_period}", None, tuple(periods))

"""Figures of the deep-learning applications: linear RNN, beta trade-offs, batch-norm lag,
schedules.

Each figure has a ``*_data`` companion that returns the numbers (no matplotlib) and a
``plot_*`` function that draws them and returns a
:class:`~momentum_dynamics.plotting.PlotResult`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import as_real_array, check_flag, check_scalar
from ..methods import get_method
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_count,
    check_grid,
    check_legend_loc,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = [
    "RNNRegionData",
    "rnn_region_data",
    "plot_rnn_region",
    "BetaTradeoffData",
    "beta_tradeoff_data",
    "plot_beta_tradeoff",
    "BNLagData",
    "bn_lag_data",
    "plot_bn_lag",
    "ScheduleData",
    "schedule_growth_data",
    "plot_schedule_growth",
]


def _tqdm(iterable, progress: bool, desc: str):
    from tqdm import tqdm

    return tqdm(iterable, disable=not check_flag(progress, "progress"), desc=desc)


def _pairs(ws, Ts) -> list[tuple[float, int]]:
    w = check_grid(ws, "ws", minimum=1, scalar_ok=True)
    T = [check_count(int(t) if isinstance(t, np.integer) else t, "Ts", 1)
         for t in np.atleast_1d(np.asarray(Ts, dtype=object))]
    return w, T


# --------------------------------------------------------------------------
# Linear RNN
# --------------------------------------------------------------------------


class RNNRegionData(NamedTuple):
    """Numbers behind :func:`plot_rnn_region`.

    Attributes
    ----------
    w_grid : ndarray (n,)
        Recurrent weights of panel (a).
    Ts : list of int
        Sequence lengths.
    lambda_max : ndarray (len(Ts), n)
        Largest Hessian eigenvalue at the optimum.
    ws : ndarray (k,)
        The optima of panel (b).
    betas : ndarray (m,)
        Momentum grid.
    max_alpha : ndarray (k, len(Ts), m)
        Largest stable learning rate.
    w_star : float
        Teacher of the simulated runs (panel c).
    alpha : float
        Learning rate of the runs.
    beta : float
        Momentum of the runs.
    gradient_norms : ndarray (len(Ts), steps + 1)
        Gradient norms along each run.
    method : str
        The optimiser.

    See Also
    --------
    rnn_region_data

    Examples
    --------
    >>> d = rnn_region_data(ws=(0.5,), Ts=(5,), steps=10, resolution=5)
    >>> d.max_alpha.shape
    (1, 1, 5)
    """

    w_grid: np.ndarray
    Ts: list
    lambda_max: np.ndarray
    ws: np.ndarray
    betas: np.ndarray
    max_alpha: np.ndarray
    w_star: float
    alpha: float
    beta: float
    gradient_norms: np.ndarray
    method: str


def rnn_region_data(ws=(0.0, 0.5, 0.9), Ts=(5, 20, 50), *, method="heavy_ball",
                    w_star: float = 0.95, alpha: float = 5e-5, beta: float = 0.9,
                    steps: int = 200, resolution: int = 200,
                    progress: bool = False) -> RNNRegionData:
    """Curvature, stable (alpha, beta) set and simulated gradient norms of a linear RNN.

    Parameters
    ----------
    ws : sequence of float
        Optima ``w`` in (-1, 1) for the stable sets.
    Ts : sequence of int
        Sequence lengths, >= 1.
    method : str or Method
        The optimiser.
    w_star : float
        Teacher of the simulated runs, in (-1, 1).
    alpha, beta : float
        Learning rate and momentum of the runs.
    steps : int
        Steps of each run.
    resolution : int
        Points of the ``w`` and ``beta`` grids, >= 2.
    progress : bool
        A progress bar over the sequence lengths.

    Returns
    -------
    RNNRegionData

    See Also
    --------
    plot_rnn_region, momentum_dynamics.applications.rnn_max_alpha

    Examples
    --------
    >>> d = rnn_region_data(ws=(0.0,), Ts=(10,), steps=5, resolution=3)
    >>> d.max_alpha[0, 0].round(4)  # 2 (1 + beta) / lambda_max
    array([0.108 , 0.1615, 0.215 ])
    """
    from ..applications import rnn_curvature, rnn_max_alpha, rnn_training

    w, T = _pairs(ws, Ts)
    m = get_method(method)
    n = check_count(resolution, "resolution", 2)
    grid = np.linspace(0.0, 0.995, n)
    betas = np.linspace(0.0, 0.99, n)
    lam = np.empty((len(T), n))
    amax = np.empty((w.size, len(T), n))
    norms = []
    for j, t in enumerate(_tqdm(T, progress, "sequence lengths")):
        lam[j] = rnn_curvature(grid, t).largest
        for i, wi in enumerate(w):
            amax[i, j] = rnn_max_alpha(betas, wi, t, m)
        norms.append(rnn_training(w_star, t, alpha, beta, steps, method=m).gradient_norm)
    return RNNRegionData(grid, T, lam, w, betas, amax, float(w_star), float(alpha),
                         float(beta), np.array(norms), m.name)


def plot_rnn_region(ws=(0.0, 0.5, 0.9), Ts=(5, 20, 50), *, method="heavy_ball",
                    w_star: float = 0.95, alpha: float = 5e-5, beta: float = 0.9,
                    steps: int = 200, resolution: int = 200, progress: bool = False,
                    ax=None, figsize=None, title: str | None = None,
                    legend_loc="best") -> PlotResult:
    """Linear RNN trained with momentum: (a) the sharpest curvature against ``w``,
    (b) the stable ``(alpha, beta)`` sets, (c) gradient norms of simulated training.

    Parameters
    ----------
    ws, Ts, method, w_star, alpha, beta, steps, resolution, progress
        As in :func:`rnn_region_data`.
    ax : sequence of 3 Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult

    See Also
    --------
    rnn_region_data

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> len(plot_rnn_region(ws=(0.5,), Ts=(5,), steps=10, resolution=20).axes)
    3
    """
    import matplotlib.pyplot as plt

    d = rnn_region_data(ws, Ts, method=method, w_star=w_star, alpha=alpha, beta=beta,
                        steps=steps, resolution=resolution, progress=progress)
    show, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 3, figsize, (TEXT_WIDTH, 3.6))
    a, b, c = axes
    tcol = plt.cm.viridis(np.linspace(0.0, 0.8, len(d.Ts)))
    styles = ["-", "--", ":", "-."]
    lines, legs = [], []
    with style():
        for t, lam, col in zip(d.Ts, d.lambda_max, tcol, strict=True):
            lines += a.semilogy(d.w_grid, lam, color=col, label=f"$T = {t}$")
        legs.append(label_panel(a, show, loc, xlabel="recurrent weight $w$",
                                ylabel=r"$\lambda_{\max}$ at the optimum",
                                title="(a) sharpest curvature"))
        for i, wi in enumerate(d.ws):
            for j, (t, col) in enumerate(zip(d.Ts, tcol, strict=True)):
                lines += b.semilogy(d.betas, d.max_alpha[i, j], styles[i % 4], color=col,
                                    label=f"$w = {wi:g}$, $T = {t}$")
        label_panel(b, xlabel=r"momentum $\beta$", ylabel=r"largest stable $\alpha$",
                    title=r"(b) stable set: $\alpha$ below the curve")
        if show:  # one entry per (w, T): below the panels, where it hides no curve
            legs.append(b.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3),
                                 fontsize=6.5, ncol=max(1, len(d.ws))))
        steps_axis = np.arange(d.gradient_norms.shape[1])
        for t, g, col in zip(d.Ts, d.gradient_norms, tcol, strict=True):
            finite = np.where(np.isfinite(g), g, np.nan)
            lines += c.semilogy(steps_axis, finite, color=col, label=f"$T = {t}$"
                                + (" (overflow)" if not np.all(np.isfinite(g)) else ""))
        top = np.nanmax(np.where(np.isfinite(d.gradient_norms), d.gradient_norms, np.nan))
        c.set_ylim(top=min(top * 10, 1e12))
        legs.append(label_panel(c, show, loc, xlabel="step",
                                ylabel=r"$\|\nabla \mathcal{L}\|$ (simulated)",
                                title=f"(c) training, $w^* = {d.w_star:g}$"))
    out = PlotResult(fig, axes, lines, next((g for g in legs if g is not None), None), data=d)
    return finish(out, title, f"Linear RNN, {get_method(d.method).title}: "
                              f"$\\alpha = {d.alpha:g}$, $\\beta = {d.beta:g}$ in (c)",
                  suptitle=True)


# --------------------------------------------------------------------------
# Beta trade-offs
# --------------------------------------------------------------------------


class BetaTradeoffData(NamedTuple):
    """Numbers behind :func:`plot_beta_tradeoff`.

    Attributes
    ----------
    tradeoffs : list of BetaTradeoff
        One per method (largest stable step, effective learning rate).
    plain, warm : Overshoot
        Plateau-and-cliff runs without and with warm-up.
    landscape : PlateauCliff
        The landscape.

    See Also
    --------
    beta_tradeoff_data

    Examples
    --------
    >>> d = beta_tradeoff_data(resolution=5, steps=50)
    >>> [t.method for t in d.tradeoffs]
    ['heavy_ball', 'nesterov']
    """

    tradeoffs: list
    plain: object
    warm: object
    landscape: object


def beta_tradeoff_data(methods=("heavy_ball", "nesterov"), overshoot_betas=(0.5, 0.9, 0.99),
                       *, alpha: float = 0.05, steps: int = 400, warmup_steps: int = 50,
                       x0: float = 0.8, resolution: int = 200) -> BetaTradeoffData:
    """Largest stable step and effective learning rate against ``beta``; cliff overshoot.

    Parameters
    ----------
    methods : sequence of str
        Methods with momentum.
    overshoot_betas : sequence of float
        Momenta of the landscape runs, in [0, 1).
    alpha : float
        Learning rate of the runs (after warm-up).
    steps : int
        Steps of each run.
    warmup_steps : int
        Length of the linear warm-up of the second set of runs, >= 1.
    x0 : float
        Start on the plateau.
    resolution : int
        Points of the ``beta`` grid on [0, 0.99], >= 2.

    Returns
    -------
    BetaTradeoffData

    See Also
    --------
    plot_beta_tradeoff, momentum_dynamics.applications.beta_tradeoff

    Examples
    --------
    >>> d = beta_tradeoff_data(resolution=3, steps=400)
    >>> d.tradeoffs[0].max_step
    array([2.  , 2.99, 3.98])
    """
    from ..applications import PlateauCliff, beta_tradeoff, overshoot

    try:
        names = [methods] if isinstance(methods, str) else list(methods)
    except TypeError:
        raise TypeError(f"methods must be a method name or a sequence of them; got "
                        f"{methods!r}") from None
    if not names:
        raise ValueError("methods must name at least one method")
    ob = np.atleast_1d(as_real_array(overshoot_betas, "overshoot_betas"))
    if ob.ndim != 1 or ob.size == 0 or np.any((ob < 0) | (ob >= 1)):
        raise ValueError(f"overshoot_betas must be a non-empty 1-D array of momenta in "
                         f"[0, 1); got {overshoot_betas!r}")
    n = check_count(resolution, "resolution", 2)
    betas = np.linspace(0.0, 0.99, n)
    trade = [beta_tradeoff(m, betas) for m in names]
    w = check_count(warmup_steps, "warmup_steps", 1)
    land = PlateauCliff()
    plain = overshoot(ob, alpha, steps, 0, land, x0)
    warm = overshoot(ob, alpha, steps, w, land, x0)
    return BetaTradeoffData(trade, plain, warm, land)


def plot_beta_tradeoff(methods=("heavy_ball", "nesterov"), overshoot_betas=(0.5, 0.9, 0.99),
                       *, alpha: float = 0.05, steps: int = 400, warmup_steps: int = 50,
                       x0: float = 0.8, resolution: int = 200, ax=None, figsize=None,
                       title: str | None = None, legend_loc="best") -> PlotResult:
    """(a) Largest stable ``alpha*lambda`` and the effective learning rate at that edge
    against ``beta``; (b) iterates on a plateau-and-cliff landscape, with and without
    warm-up.

    Parameters
    ----------
    methods, overshoot_betas, alpha, steps, warmup_steps, x0, resolution
        As in :func:`beta_tradeoff_data`.
    ax : sequence of 2 Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult

    See Also
    --------
    beta_tradeoff_data

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> len(plot_beta_tradeoff(resolution=10, steps=100).axes)
    2
    """
    import matplotlib.pyplot as plt

    d = beta_tradeoff_data(methods, overshoot_betas, alpha=alpha, steps=steps,
                           warmup_steps=warmup_steps, x0=x0, resolution=resolution)
    show, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.2))
    a, b = axes
    lines = []
    mcol = plt.cm.tab10(np.arange(len(d.tradeoffs)))
    with style():
        for t, col in zip(d.tradeoffs, mcol, strict=True):
            title_m = get_method(t.method).title
            lines += a.semilogy(t.betas, t.max_step, color=col,
                                label=f"{title_m}: largest stable $\\alpha\\lambda$")
            lines += a.semilogy(t.betas, t.max_effective_lr, "--", color=col,
                                label=f"{title_m}: its effective rate")
        leg_a = label_panel(a, show, loc, xlabel=r"momentum $\beta$",
                            ylabel=r"$\alpha\lambda$ (solid), $\eta_{\rm eff}\lambda$ (dashed)",
                            grid="both",
                            title="(a) stability against speed", fontsize=6.5)
        bcol = plt.cm.plasma(np.linspace(0.0, 0.75, d.plain.betas.size))
        t_axis = np.arange(d.plain.x.shape[1])
        for i, col in enumerate(bcol):
            bi = d.plain.betas[i]
            lines += b.plot(t_axis, d.plain.x[i], color=col,
                            label=f"$\\beta = {bi:g}$: overshoot {d.plain.overshoot[i]:.2f}")
            lines += b.plot(t_axis, d.warm.x[i], ":", color=col,
                            label=f"  warm-up: {d.warm.overshoot[i]:.2f}")
        lines.append(b.axhline(d.plain.minimizer, color="0.3", lw=0.8))
        b.axhline(d.landscape.cliff, color="0.6", lw=0.8, ls="--")
        b.set_xlim(0, min(t_axis[-1], 150))
        leg_b = label_panel(b, show, loc, xlabel="step", ylabel="iterate $x_t$",
                            title=f"(b) plateau and cliff, $\\alpha = {alpha:g}$",
                            fontsize=6.5)
    out = PlotResult(fig, axes, lines, leg_a or leg_b, data=d)
    return finish(out, title, "Momentum trade-offs: stable steps, speed and overshoot",
                  suptitle=True)


# --------------------------------------------------------------------------
# Batch-norm lag
# --------------------------------------------------------------------------


class BNLagData(NamedTuple):
    """Numbers behind :func:`plot_bn_lag`.

    Attributes
    ----------
    betas : ndarray (m,)
        Optimiser momenta.
    bn_momenta : ndarray (k,)
        Batch-norm momenta.
    max_step : ndarray (k, m)
        Largest stable ``alpha*lambda``.
    omega, alpha_lambda : float
        Drift frequency and step of the phase panel.
    phase_steps : ndarray (k, m)
        Lag of the velocity behind the true gradient, in steps (NaN: unstable).

    See Also
    --------
    bn_lag_data

    Examples
    --------
    >>> bn_lag_data((0.0, 0.9), resolution=3).max_step.shape
    (2, 3)
    """

    betas: np.ndarray
    bn_momenta: np.ndarray
    max_step: np.ndarray
    omega: float
    alpha_lambda: float
    phase_steps: np.ndarray


def bn_lag_data(bn_momenta=(0.0, 0.5, 0.9, 0.99), *, omega: float = 0.05,
                alpha_lambda: float = 0.01, resolution: int = 200,
                progress: bool = False) -> BNLagData:
    """Largest stable step and phase lag of heavy ball with batch-norm lag, against beta.

    Parameters
    ----------
    bn_momenta : sequence of float
        Batch-norm momenta in [0, 1).
    omega : float
        Drift frequency of the optimum (radians per step) for the phase lag.
    alpha_lambda : float
        Step of the phase-lag panel.
    resolution : int
        Points of the ``beta`` grid on [0, 0.99], >= 2.
    progress : bool
        A progress bar over the batch-norm momenta.

    Returns
    -------
    BNLagData

    See Also
    --------
    plot_bn_lag, momentum_dynamics.applications.bn_lag_max_step

    Examples
    --------
    >>> bn_lag_data((0.0,), resolution=3).max_step.round(2)
    array([[2.  , 2.99, 3.98]])
    """
    from ..applications import bn_lag_max_step, bn_lag_phase

    rho = np.atleast_1d(as_real_array(bn_momenta, "bn_momenta"))
    if rho.ndim != 1 or rho.size == 0 or np.any((rho < 0) | (rho >= 1)):
        raise ValueError(f"bn_momenta must be a non-empty 1-D array of batch-norm momenta "
                         f"in [0, 1); got {bn_momenta!r}")
    n = check_count(resolution, "resolution", 2)
    betas = np.linspace(0.0, 0.99, n)
    steps = np.array([bn_lag_max_step(betas, r) for r in _tqdm(rho, progress, "BN momenta")])
    phase = np.asarray(bn_lag_phase(omega, alpha_lambda, betas, rho[:, None]).steps)
    return BNLagData(betas, rho, steps, float(omega), float(alpha_lambda), phase)


def plot_bn_lag(bn_momenta=(0.0, 0.5, 0.9, 0.99), *, omega: float = 0.05,
                alpha_lambda: float = 0.01, resolution: int = 200, progress: bool = False,
                ax=None, figsize=None, title: str | None = None,
                legend_loc="best") -> PlotResult:
    """Heavy ball with batch-norm lag: (a) the stable set in ``(beta, alpha*lambda)`` for
    several batch-norm momenta, (b) the phase lag of the velocity at a drifting optimum.

    Parameters
    ----------
    bn_momenta, omega, alpha_lambda, resolution, progress
        As in :func:`bn_lag_data`.
    ax : sequence of 2 Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult

    See Also
    --------
    bn_lag_data

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> len(plot_bn_lag((0.0, 0.9), resolution=10).lines)
    4
    """
    import matplotlib.pyplot as plt

    d = bn_lag_data(bn_momenta, omega=omega, alpha_lambda=alpha_lambda,
                    resolution=resolution, progress=progress)
    show, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.0))
    a, b = axes
    cols = plt.cm.viridis(np.linspace(0.0, 0.85, d.bn_momenta.size))
    lines = []
    with style():
        for r, s, ph, col in zip(d.bn_momenta, d.max_step, d.phase_steps, cols, strict=True):
            lines += a.semilogy(d.betas, s, color=col, label=f"BN momentum $\\rho = {r:g}$")
            lines += b.plot(d.betas, ph, color=col, label=f"$\\rho = {r:g}$")
        leg = label_panel(a, show, loc, xlabel=r"optimiser momentum $\beta$",
                          ylabel=r"largest stable $\alpha\lambda$", grid="both",
                          title="(a) stable below each curve")
        label_panel(b, show, loc, xlabel=r"optimiser momentum $\beta$",
                    ylabel="phase lag (steps)",
                    title=f"(b) lag at $\\omega = {d.omega:g}$, "
                          f"$\\alpha\\lambda = {d.alpha_lambda:g}$")
    out = PlotResult(fig, axes, lines, leg, data=d)
    return finish(out, title, "Heavy ball with batch-norm lag", suptitle=True)


# --------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------


class ScheduleData(NamedTuple):
    """Numbers behind :func:`plot_schedule_growth`.

    Attributes
    ----------
    names : list of str
        The schedules.
    alphas, betas : list of ndarray
        Each schedule's per-step hyper-parameters (heavy ball, curvature 1).
    norms : ndarray (k, T + 1)
        ``||A_t ... A_1||_2`` for ``t = 0..T``.
    frozen : ndarray (k, T)
        Spectral radius of each step's matrix.
    frozen_product : ndarray (k, T + 1)
        ``prod_{s <= t} rho(A_s)``: the growth a frozen-time analysis predicts.
    growth : list of ScheduleGrowth
        :func:`~momentum_dynamics.applications.schedule_growth` of each schedule.

    See Also
    --------
    schedule_growth_data

    Examples
    --------
    >>> schedule_growth_data(steps=20).norms.shape
    (3, 21)
    """

    names: list
    alphas: list
    betas: list
    norms: np.ndarray
    frozen: np.ndarray
    frozen_product: np.ndarray
    growth: list


def schedule_growth_data(alpha: float = 3.0, beta: float = 0.9, steps: int = 40,
                         warmup_steps: int = 20, beta_start: float = 0.6,
                         low: float = 0.5) -> ScheduleData:
    """Transient growth of three heavy-ball schedules on curvature 1, step by step.

    The schedules: a linear warm-up of ``alpha`` over ``warmup_steps`` at momentum
    ``beta``; a momentum ramp from ``beta_start`` to ``beta`` over the same steps at
    ``alpha``; a cyclical learning rate alternating ``low`` and ``alpha`` (Smith 2017).
    The norms are of products of :func:`~momentum_dynamics.applications.transition_product`
    matrices, the frozen radii from :func:`momentum_dynamics.spectral_radius`.

    Parameters
    ----------
    alpha : float
        Target ``alpha*lambda``, > 0.
    beta : float
        Target momentum, in [-1, 1].
    steps : int
        Length of each schedule, >= 2.
    warmup_steps : int
        Ramp length of the warm-up and the momentum ramp, >= 1.
    beta_start : float
        First momentum of the ramp.
    low : float
        The low ``alpha*lambda`` of the cyclical schedule, > 0.

    Returns
    -------
    ScheduleData

    See Also
    --------
    plot_schedule_growth, momentum_dynamics.applications.schedule_growth

    Examples
    --------
    >>> d = schedule_growth_data()
    >>> [f"{g.transient_growth:.3g}" for g in d.growth]
    ['1.57', '4.96', '6.11e+09']
    """
    from ..applications import beta_ramp, linear_warmup, schedule_growth, transition_product
    from ..numeric import spectral_radius

    T = check_count(steps, "steps", 2)
    W = check_count(warmup_steps, "warmup_steps", 1)
    alpha, low = (float(check_scalar(v, n)) for v, n in ((alpha, "alpha"), (low, "low")))
    for v, n in ((alpha, "alpha"), (low, "low")):
        if v <= 0:
            raise ValueError(f"{n} (an alpha*lambda) must be > 0; got {v!r}")
    beta, beta_start = (check_scalar(v, n) for v, n in ((beta, "beta"),
                                                        (beta_start, "beta_start")))
    for v, n in ((beta, "beta"), (beta_start, "beta_start")):
        if not -1 <= v <= 1:
            raise ValueError(f"{n} (a momentum) must lie in [-1, 1]; got {v!r}")
    warm = linear_warmup(alpha, T, W)
    ramp = beta_ramp(beta_start, beta, T, W)
    cyc = np.where(np.arange(T) % 2 == 0, low, alpha)
    sched = [("linear warm-up", warm, np.full(T, float(beta))),
             ("momentum ramp", np.full(T, float(alpha)), ramp),
             ("cyclical learning rate", cyc, np.full(T, float(beta)))]
    norms = np.ones((3, T + 1))
    frozen = np.empty((3, T))
    growth = []
    for k, (_, a, b) in enumerate(sched):
        growth.append(schedule_growth("heavy_ball", a, b, curvatures=1.0))
        P = np.eye(2)
        for t in range(T):
            P = transition_product("heavy_ball", a[t:t + 1], b[t:t + 1], curvature=1.0) @ P
            norms[k, t + 1] = np.linalg.norm(P, 2)
        frozen[k] = spectral_radius("heavy_ball", a, b, 1.0)
    prod = np.concatenate([np.ones((3, 1)), np.cumprod(frozen, axis=1)], axis=1)
    return ScheduleData([s[0] for s in sched], [s[1] for s in sched], [s[2] for s in sched],
                        norms, frozen, prod, growth)


def plot_schedule_growth(alpha: float = 3.0, beta: float = 0.9, steps: int = 40,
                         warmup_steps: int = 20, beta_start: float = 0.6, low: float = 0.5,
                         *, ax=None, figsize=None, title: str | None = None,
                         legend_loc="best") -> PlotResult:
    """Schedules as time-varying systems: the hyper-parameters and the worst-state growth.

    Panel (a) shows the per-step hyper-parameters, panel (b) the growth
    ``||A_t ... A_1||_2`` of the worst initial state against what the frozen spectral
    radii predict.

    Parameters
    ----------
    alpha, beta, steps, warmup_steps, beta_start, low
        As in :func:`schedule_growth_data`.
    ax : sequence of 2 Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult

    See Also
    --------
    schedule_growth_data

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> len(plot_schedule_growth(steps=20).axes)
    2
    """
    d = schedule_growth_data(alpha, beta, steps, warmup_steps, beta_start, low)
    show, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.0))
    a, b = axes
    cols = ["#1b9e77", "#d95f02", "#7570b3"]
    lines = []
    t_steps = np.arange(1, d.norms.shape[1])
    t_all = np.arange(d.norms.shape[1])
    with style():
        for name, al, be, col in zip(d.names, d.alphas, d.betas, cols, strict=True):
            lw = 0.6 if name.startswith("cyclical") else 1.5
            lines += a.step(t_steps, al, where="mid", color=col, lw=lw,
                            label=rf"{name}: $\alpha\lambda$")
            lines += a.step(t_steps, be, ":", where="mid", color=col, label=r"  $\beta$")
        leg = label_panel(a, show, loc, xlabel="step $t$", ylabel="hyper-parameter",
                          title="(a) the schedules", fontsize=6, ncol=1, framealpha=0.95)
        for name, nrm, fp, g, col in zip(d.names, d.norms, d.frozen_product, d.growth, cols,
                                          strict=True):
            lines += b.semilogy(t_all, nrm, color=col,
                                label=f"{name} (peak {g.transient_growth:.3g})")
            lines += b.semilogy(t_all, fp, "--", color=col, lw=1.0)
        label_panel(b, show, loc, xlabel="step $t$",
                    ylabel=r"$\|A_t \cdots A_1\|_2$ (dashed: $\prod \rho(A_s)$)",
                    grid="both", title="(b) growth against frozen radii", fontsize=6.5)
    out = PlotResult(fig, axes, lines, leg, data=d)
    return finish(out, title, "Heavy ball with schedules, curvature 1", suptitle=True)

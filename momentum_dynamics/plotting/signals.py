"""Figures for the signal and noise readings: lag behind a drifting gradient, and the
stationary variance of server momentum against beta."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .._lazy import lazy_module

if TYPE_CHECKING:
    import matplotlib.pyplot as plt
else:
    plt = lazy_module("matplotlib.pyplot")

from .._validation import check_flag
from ..applications.federated import optimal_server_beta, server_variance
from ..filters import gradient_filter_system, tracking_lag
from ..methods import get_method
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_grid,
    check_legend_loc,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = ["TrackingLagPlot", "TrackingLagData", "tracking_lag_data", "plot_tracking_lag",
           "VarianceCurvesPlot", "VarianceCurvesData", "variance_versus_beta_data",
           "plot_variance_versus_beta"]

#: Kept for code written against the old names: every figure returns a PlotResult.
TrackingLagPlot = VarianceCurvesPlot = PlotResult


def _simulated_lag(method, alpha, beta, omega, output, steps=None):
    """Phase lag measured by running the update rule on ``g_t = cos(omega t)``."""
    m = get_method(method)
    steps = steps or int(max(400, 30 / max(1 - abs(beta), 1e-3), 20 * np.pi / omega))
    hp = {"alpha": alpha, "beta": beta}
    state = tuple(0.0 for _ in m.state)
    t = np.arange(steps)
    out = np.empty(steps)
    for k in t:
        g = np.cos(omega * k)
        new = m.step(state, lambda _x, g=g: g, **hp)
        out[k] = new[0] - state[0] if output == "step" else new[m.state.index(output)]
        state = new
    tail = t >= steps // 2
    M = np.column_stack([np.cos(omega * t[tail]), np.sin(omega * t[tail])])
    (a, b), *_ = np.linalg.lstsq(M, out[tail], rcond=None)
    sign = np.sign(float(gradient_filter_system(m, alpha, beta, output=output).dcgain()))
    return np.arctan2(sign * b, sign * a)


def _betas(betas, name="betas"):
    arr = check_grid(betas, name, minimum=1, scalar_ok=True)
    if np.any(np.abs(arr) >= 1):
        raise ValueError(f"{name} must lie in (-1, 1); got {arr[np.abs(arr) >= 1][0]!r}")
    return arr


@dataclass(frozen=True)
class TrackingLagData:
    """Lags drawn by :func:`plot_tracking_lag` (one row per beta).

    Attributes
    ----------
    method : str
        Registry name of the method.
    alpha : float
        Learning rate.
    output : str
        The filtered state (or ``"step"``).
    betas : numpy.ndarray
        Momenta, shape (k,).
    omega : numpy.ndarray
        Frequencies in rad/step, shape (n,).
    radians : numpy.ndarray
        Exact phase lag in radians, shape (k, n).
    steps : numpy.ndarray
        Exact lag in steps (radians / omega), shape (k, n).
    ramp_lag : numpy.ndarray
        The low-frequency limit in steps, shape (k,).
    probe : numpy.ndarray or None
        Frequencies of the simulation (None without one).
    simulated : numpy.ndarray or None
        Lag measured by running the update rule, radians, shape (k, len(probe)).

    See Also
    --------
    tracking_lag_data : computes it.
    plot_tracking_lag : draws it.

    Examples
    --------
    >>> d = tracking_lag_data("heavy_ball", 0.1, (0.5, 0.9), omega=[0.1], simulate=False)
    >>> d.radians.shape, d.simulated is None
    ((2, 1), True)
    """

    method: str
    alpha: float
    output: str
    betas: np.ndarray
    omega: np.ndarray
    radians: np.ndarray  # shape (k, n)
    steps: np.ndarray  # shape (k, n)
    ramp_lag: np.ndarray  # low-frequency limit in steps, shape (k,)
    probe: np.ndarray | None  # frequencies of the simulation
    simulated: np.ndarray | None  # measured lag in radians, shape (k, len(probe))


def tracking_lag_data(method="heavy_ball", alpha: float = 0.1, betas=(0.5, 0.9, 0.99), *,
                      output: str = "v", omega=None, simulate: bool = True) -> TrackingLagData:
    """Exact lag behind ``cos(omega t)`` and, optionally, the lag of a simulation.

    Parameters
    ----------
    method : str or Method
        Registry name or Method.
    alpha : float
        Learning rate (> 0).
    betas : float or sequence of float
        Momenta in (-1, 1), at least one.
    output : str
        The filtered state (default ``"v"``) or ``"step"``.
    omega : array_like, optional
        Frequencies in rad/step, in (0, pi] (default 300 log-spaced from 1e-3).
    simulate : bool
        Also measure the lag by running the update rule at five frequencies.

    Returns
    -------
    TrackingLagData
        One row per beta.

    See Also
    --------
    plot_tracking_lag : draws these numbers.
    momentum_dynamics.tracking_lag : the exact lag at one momentum.

    Examples
    --------
    >>> d = tracking_lag_data("heavy_ball", 0.1, (0.5,), omega=[0.1], simulate=False)
    >>> round(float(d.ramp_lag[0]), 6)
    1.0
    """
    b = _betas(betas)
    simulate = check_flag(simulate, "simulate")
    w = np.geomspace(1e-3, np.pi, 300) if omega is None else check_grid(omega, "omega",
                                                                          minimum=1,
                                                                          positive=True)
    rad, steps, taus, sims = [], [], [], []
    probe = np.geomspace(2e-2, 2.0, 5) if simulate else None
    for beta in b:
        lag = tracking_lag(method, alpha, beta, w, output=output)
        rad.append(np.asarray(lag.radians, float))
        steps.append(np.asarray(lag.steps, float))
        taus.append(float(tracking_lag(method, alpha, beta, 0.0, output=output).steps))
        if simulate:
            sims.append([_simulated_lag(method, alpha, beta, p, output) for p in probe])
    return TrackingLagData(get_method(method).name, float(alpha), output, b, w, np.array(rad),
                           np.array(steps), np.array(taus), probe,
                           np.array(sims) if simulate else None)


def plot_tracking_lag(method="heavy_ball", alpha: float = 0.1, betas=(0.5, 0.9, 0.99), *,
                      output: str = "v", omega=None, simulate: bool = True, ax=None,
                      axes=None, figsize: tuple[float, float] | None = None,
                      title: str | None = None,
                      legend_loc: str | int | None = "upper left") -> PlotResult:
    """Lag of a momentum state behind a sinusoidal gradient, in radians and in steps.

    Lines are the exact frequency-response lag (:func:`momentum_dynamics.tracking_lag`);
    markers are measured by running the update rule. The dotted level on the right is
    the ramp lag :math:`\\tau`, the low-frequency limit.

    Parameters
    ----------
    method, alpha, betas, output, omega, simulate
        As in :func:`tracking_lag_data`.
    ax : sequence of 2 Axes, optional
        (radians, steps); created when not given.
    axes : sequence of 2 Axes, optional
        An older name for ``ax``.
    figsize, title, legend_loc
        Size of a new figure, figure title ('' for none), legend location (False:
        none).

    Returns
    -------
    PlotResult
        artists ``radians`` and ``steps`` (one line per beta), ``simulated``
        (the markers of the left panel).

    See Also
    --------
    tracking_lag_data : the numbers drawn.
    bode_compare : the whole frequency response of the same filter.

    Examples
    --------
    >>> p = plot_tracking_lag("heavy_ball", 0.1, (0.5, 0.9), simulate=False)
    >>> len(p.radians)
    2
    """
    import matplotlib.pyplot as plt

    d = tracking_lag_data(method, alpha, betas, output=output, omega=omega, simulate=simulate)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axs, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.3), axes=axes)
    ax_rad, ax_steps = axs
    colors = plt.cm.viridis(np.linspace(0.1, 0.85, d.betas.size))
    radians, steps, simulated, lines = [], [], [], []
    with style():
        for i, (beta, color) in enumerate(zip(d.betas, colors, strict=True)):
            label = f"$\\beta = {beta:g}$"
            radians += ax_rad.semilogx(d.omega, d.radians[i], color=color, label=label)
            steps += ax_steps.loglog(d.omega, d.steps[i], color=color, label=label)
            lines.append(ax_steps.axhline(d.ramp_lag[i], color=color, lw=0.8, ls=":"))
            if d.simulated is not None:
                simulated += ax_rad.plot(d.probe, d.simulated[i], "o", color=color, mfc="none")
                lines += ax_steps.plot(d.probe, d.simulated[i] / d.probe, "o", color=color,
                                       mfc="none")
        ax_rad.set(xlabel=r"gradient frequency $\omega$ [rad/step]",
                   ylabel="phase lag [rad]")
        ax_steps.set(xlabel=r"gradient frequency $\omega$ [rad/step]", ylabel="lag (steps)",
                     title=r"in steps (dotted: ramp lag $\beta/(1-\beta)$)")
        ax_rad.set_title("in radians")
        # The lag in steps falls to exactly 0 at omega = pi; keep the axis on the useful
        # decades.
        finite = [t for t in d.ramp_lag if np.isfinite(t) and t > 0]
        if finite:
            ax_steps.set_ylim(0.2 * min(finite), 3 * max(finite))
        if d.simulated is not None:
            ax_rad.plot([], [], "o", color="0.3", mfc="none", label="simulated update rule")
        for a in axs:
            a.grid(True, which="both", alpha=0.3)
        leg = ax_rad.legend(loc=loc) if show_legend else None
    out = PlotResult(fig, axs, radians + simulated + steps + lines, leg, data=d,
                     radians=radians, steps=steps, simulated=simulated)
    what = {"step": "the step"}.get(d.output, f"${d.output}$")
    return finish(out, title, f"{get_method(method).title}: lag of {what} behind "
                              f"$\\cos(\\omega t)$, $\\alpha = {d.alpha:g}$", suptitle=True)


@dataclass(frozen=True)
class VarianceCurvesData:
    """Curves drawn by :func:`plot_variance_versus_beta` (one per learning rate).

    Attributes
    ----------
    method : str
        Registry name of the server method.
    hold : str
        What is held fixed as beta varies (``"server_lr"`` or ``"effective_lr"``).
    objective : str
        ``"total_variance"`` or ``"excess_loss"``.
    learning_rates : numpy.ndarray
        Server learning rates, shape (k,).
    betas : numpy.ndarray
        Momentum grid, shape (n,).
    values : list of numpy.ndarray
        The objective over ``betas``, one array per learning rate (NaN where unstable).
    results : list of OptimalServerBeta
        The stability-constrained optimum per learning rate.
    dim : int
        Number of curvatures of the model.

    See Also
    --------
    variance_versus_beta_data : computes it.
    plot_variance_versus_beta : draws it.

    Examples
    --------
    >>> from momentum_dynamics.applications import server_momentum_model
    >>> fq = server_momentum_model([1.0], 1.0, clients_per_round=2)
    >>> d = variance_versus_beta_data(fq, 1.0, betas=np.linspace(-0.5, 0.5, 5))
    >>> d.learning_rates, d.values[0].shape, d.dim
    (array([1.]), (5,), 1)
    """

    method: str
    hold: str
    objective: str
    learning_rates: np.ndarray
    betas: np.ndarray
    values: list  # one array over betas per learning rate
    results: list  # OptimalServerBeta per learning rate
    dim: int


def variance_versus_beta_data(model, server_lrs=(0.5, 1.0, 1.5), *, method="heavy_ball",
                              hold: str = "server_lr", objective: str = "total_variance",
                              betas=None, progress: bool = False) -> VarianceCurvesData:
    """Stationary variance against server momentum, and its constrained optimum.

    Parameters
    ----------
    model : FederatedQuadratic
        From :func:`momentum_dynamics.applications.server_momentum_model`.
    server_lrs : float or sequence of float
        Learning rates (> 0), at least one.
    method, hold, objective
        As in :func:`momentum_dynamics.applications.server_variance`.
    betas : array_like, optional
        Momentum grid in (-1, 1), at least 2 points (default 397 on [-0.99, 0.99]).
    progress : bool
        One progress bar over the learning rates.

    Returns
    -------
    VarianceCurvesData
        One curve and one optimum per learning rate.

    See Also
    --------
    plot_variance_versus_beta : draws these numbers.
    momentum_dynamics.applications.optimal_server_beta : the optimum of one curve.

    Examples
    --------
    >>> from momentum_dynamics.applications import server_momentum_model
    >>> fq = server_momentum_model([1.0], 1.0, clients_per_round=2)
    >>> d = variance_versus_beta_data(fq, (1.0,), betas=np.linspace(-0.9, 0.9, 19))
    >>> round(d.results[0].beta, 3)
    0.0
    """
    from tqdm import tqdm

    lrs = check_grid(server_lrs, "server_lrs", minimum=1, positive=True, scalar_ok=True)
    b = np.linspace(-0.99, 0.99, 397) if betas is None else _betas(betas)
    if b.size < 2:
        raise ValueError(f"betas must hold at least 2 values; got {b.size}")
    progress = check_flag(progress, "progress")
    values, results = [], []
    for lr in tqdm(lrs, disable=not progress, desc="server learning rates", unit="lr"):
        values.append(server_variance(model, lr, b, method=method, hold=hold,
                                      objective=objective))
        results.append(optimal_server_beta(model, lr, method=method, hold=hold,
                                           objective=objective,
                                           beta_range=(b.min(), b.max()), grid=b.size))
    return VarianceCurvesData(get_method(method).name, hold, objective, lrs, b, values,
                              results, int(model.curvatures.size))


def plot_variance_versus_beta(model, server_lrs=(0.5, 1.0, 1.5), *, method="heavy_ball",
                              hold: str = "server_lr", objective: str = "total_variance",
                              betas=None, progress: bool = False, ax=None,
                              figsize: tuple[float, float] | None = None,
                              title: str | None = None,
                              legend_loc: str | int | None = "best") -> PlotResult:
    """Stationary variance of the global model against server momentum, one curve per
    server learning rate, with the stability-constrained optimum marked.

    Curves stop where the server iteration is unstable (no stationary distribution).

    Parameters
    ----------
    model, server_lrs, method, hold, objective, betas, progress
        As in :func:`variance_versus_beta_data`.
    ax : matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``lines``: the curves then the optimum markers; artists ``optima``,
        ``results`` (OptimalServerBeta per learning rate) and ``values``.

    See Also
    --------
    variance_versus_beta_data : the numbers drawn.
    momentum_dynamics.applications.server_variance : one curve.

    Examples
    --------
    >>> from momentum_dynamics.applications import server_momentum_model
    >>> fq = server_momentum_model([1.0, 0.1], 1.0, clients_per_round=10)
    >>> p = plot_variance_versus_beta(fq, (0.5, 1.0), betas=np.linspace(-0.9, 0.9, 19))
    >>> len(p.optima)
    2
    """
    import matplotlib.pyplot as plt

    d = variance_versus_beta_data(model, server_lrs, method=method, hold=hold,
                                  objective=objective, betas=betas, progress=progress)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, (a,), _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH, 4.2))
    colors = plt.cm.plasma(np.linspace(0.05, 0.8, d.learning_rates.size))
    curves, optima = [], []
    with style():
        for lr, v, best, color in zip(d.learning_rates, d.values, d.results, colors,
                                      strict=True):
            what = "server" if d.hold == "server_lr" else "effective"
            curves += a.semilogy(d.betas, v, color=color,
                                 label=f"{what} learning rate {lr:g}")
            mark = "s" if best.at_boundary else "o"
            optima += a.plot(best.beta, best.value, mark, color=color, ms=6,
                             label=f"  $\\beta^* = {best.beta:.3f}$"
                             + (" (range end)" if best.at_boundary else ""))
        what = (r"$E\,\|x - x^*\|^2$" if d.objective == "total_variance"
                else r"$E\, f(x) - f^*$")
        leg = label_panel(a, show_legend, loc, xlabel=r"server momentum $\beta$",
                          ylabel=f"stationary {what}", grid="both")
    out = PlotResult(fig, [a], curves + optima, leg, data=d, optima=optima,
                     results=d.results, values=d.values)
    return finish(out, title, f"Server momentum ({get_method(method).title}): stationary "
                              f"variance against $\\beta$ ($d = {d.dim}$)")

"""Figures for the signal and noise readings: lag behind a drifting gradient, and the
stationary variance of server momentum against beta."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .._lazy import lazy_module

if TYPE_CHECKING:
    import matplotlib.pyplot as plt
else:
    plt = lazy_module("matplotlib.pyplot")

from ..applications.federated import optimal_server_beta, server_variance
from ..filters import gradient_filter_system, tracking_lag
from ..methods import get_method

__all__ = ["TrackingLagPlot", "plot_tracking_lag", "VarianceCurvesPlot",
           "plot_variance_versus_beta"]


class TrackingLagPlot(NamedTuple):
    axes: tuple
    lines: list
    simulated: list


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


def plot_tracking_lag(method="heavy_ball", alpha=0.1, betas=(0.5, 0.9, 0.99), *,
                      output="v", omega=None, simulate=True, axes=None) -> TrackingLagPlot:
    """Lag of a momentum state behind a sinusoidal gradient, in radians and in steps.

    Lines are the exact frequency-response lag (:func:`momentum_dynamics.tracking_lag`);
    markers are measured by running the update rule. The dotted level on the right is
    the ramp lag :math:`\\tau`, the low-frequency limit.

    Examples
    --------
    >>> p = plot_tracking_lag("heavy_ball", 0.1, (0.5, 0.9), simulate=False)
    >>> len(p.lines)
    2
    """
    omega = np.geomspace(1e-3, np.pi, 300) if omega is None else np.asarray(omega, float)
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    ax_rad, ax_steps = axes
    colors = plt.cm.viridis(np.linspace(0.1, 0.85, len(betas)))
    lines, simulated, taus = [], [], []
    for beta, color in zip(betas, colors, strict=True):
        lag = tracking_lag(method, alpha, beta, omega, output=output)
        (line,) = ax_rad.semilogx(omega, lag.radians, color=color, label=f"beta = {beta:g}")
        ax_steps.loglog(omega, lag.steps, color=color, label=f"beta = {beta:g}")
        tau = tracking_lag(method, alpha, beta, 0.0, output=output).steps
        ax_steps.axhline(tau, color=color, lw=0.8, ls=":")
        taus.append(tau)
        lines.append(line)
        if simulate:
            probe = np.geomspace(2e-2, 2.0, 5)
            meas = np.array([_simulated_lag(method, alpha, beta, w, output) for w in probe])
            simulated.append(ax_rad.plot(probe, meas, "o", color=color, mfc="none")[0])
            ax_steps.plot(probe, meas / probe, "o", color=color, mfc="none")
    title = get_method(method).title
    ax_rad.set(xlabel="gradient frequency omega (radians per step)",
               ylabel="phase lag (radians)",
               title=f"{title}: lag of {output} behind cos(omega t)")
    ax_steps.set(xlabel="gradient frequency omega (radians per step)",
                 ylabel="lag (steps)", title="lag in steps (dotted: ramp lag beta/(1-beta))")
    # The lag in steps falls to exactly 0 at omega = pi; keep the axis on the useful decades.
    finite = [t for t in taus if np.isfinite(t) and t > 0]
    if finite:
        ax_steps.set_ylim(0.2 * min(finite), 3 * max(finite))
    if simulate:
        ax_rad.plot([], [], "o", color="0.3", mfc="none", label="simulated update rule")
    for a in axes:
        a.grid(True, which="both", alpha=0.3)
    ax_rad.legend(fontsize=8)
    return TrackingLagPlot(tuple(axes), lines, simulated)


class VarianceCurvesPlot(NamedTuple):
    ax: object
    lines: list
    optima: list  # the markers
    results: list  # OptimalServerBeta per server learning rate
    values: list  # the curves, one array over betas per server learning rate


def plot_variance_versus_beta(model, server_lrs=(0.5, 1.0, 1.5), *, method="heavy_ball",
                              hold="server_lr", objective="total_variance", betas=None,
                              progress=False, ax=None) -> VarianceCurvesPlot:
    """Stationary variance of the global model against server momentum, one curve per
    server learning rate, with the stability-constrained optimum marked.

    Curves stop where the server iteration is unstable (no stationary distribution).
    ``progress`` shows one bar over the server learning rates.

    Examples
    --------
    >>> from momentum_dynamics.applications import server_momentum_model
    >>> fq = server_momentum_model([1.0, 0.1], 1.0, clients_per_round=10)
    >>> p = plot_variance_versus_beta(fq, (0.5, 1.0), betas=np.linspace(-0.9, 0.9, 19))
    >>> len(p.optima)
    2
    """
    betas = np.linspace(-0.99, 0.99, 397) if betas is None else np.asarray(betas, float)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    colors = plt.cm.plasma(np.linspace(0.05, 0.8, len(server_lrs)))
    from tqdm import tqdm

    lines, optima, results, values = [], [], [], []
    for lr, color in tqdm(list(zip(server_lrs, colors, strict=True)), disable=not progress,
                          desc="server learning rates", unit="lr"):
        v = server_variance(model, lr, betas, method=method, hold=hold, objective=objective)
        values.append(v)
        label = (f"server lr {lr:g}" if hold == "server_lr"
                 else f"effective lr {lr:g}")
        (line,) = ax.semilogy(betas, v, color=color, label=label)
        lines.append(line)
        best = optimal_server_beta(model, lr, method=method, hold=hold, objective=objective,
                                   beta_range=(betas.min(), betas.max()), grid=betas.size)
        results.append(best)
        mark = "s" if best.at_boundary else "o"
        optima.append(ax.plot(best.beta, best.value, mark, color=color, ms=7,
                              label=f"  beta* = {best.beta:.3f}"
                              + (" (range end)" if best.at_boundary else ""))[0])
    what = "E||x - x*||^2" if objective == "total_variance" else "E f(x) - f*"
    ax.set(xlabel="server momentum beta", ylabel=f"stationary {what}",
           title=f"Server momentum ({get_method(method).title}): variance vs beta "
                 f"(d = {model.curvatures.size})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=1)
    return VarianceCurvesPlot(ax, lines, optima, results, values)

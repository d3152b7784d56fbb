"""Frequency responses, pole-zero maps and pole trajectories.

Bode and pole-zero figures go through python-control's own plotting (they return its
``ControlPlot``); pole trajectories are drawn here from :func:`momentum_dynamics.poles`.
"""

from __future__ import annotations

import numpy as np

from ..lti import to_statespace
from ..methods import get_method
from ..numeric import critical_beta, poles, spectral_radius
from .regions import REGIME_COLORS, RegionPlot

__all__ = [
    "regime_settings",
    "bode_compare",
    "pole_zero_compare",
    "pole_trajectory_data",
    "plot_pole_trajectories",
]


def regime_settings(method="heavy_ball", h=0.1):
    """One momentum per damping regime at ``alpha*lambda = h``: (label, beta) pairs.

    Overdamped at half the critical beta, critical, and underdamped halfway between
    the critical beta and 1.

    Examples
    --------
    >>> [(k, round(b, 4)) for k, b in regime_settings("heavy_ball", 0.25)]
    [('overdamped', 0.125), ('critical', 0.25), ('underdamped', 0.625)]
    """
    bc = critical_beta(method, 1.0, h)
    if np.isnan(bc):
        raise ValueError(f"h = alpha*lambda = {h!r} has no critical beta for {method!r}")
    return [("overdamped", 0.5 * bc), ("critical", bc), ("underdamped", 0.5 * (bc + 1))]


def _systems(method, alpha, curvature, output, settings):
    settings = settings or regime_settings(method, alpha * curvature)
    return [(f"{name}: beta={b:.3g}", to_statespace(method, alpha, b, curvature, output=output))
            for name, b in settings]


def bode_compare(method="heavy_ball", alpha=0.1, curvature=1.0, *, output="x",
                 settings=None, omega=None, ax=None):
    """Bode plots from gradient noise to ``output``, one curve per setting.

    Returns python-control's ``ControlPlot``.

    Examples
    --------
    >>> cp = bode_compare("heavy_ball", 0.1, 1.0)
    >>> len(cp.lines[0, 0])
    3
    """
    import control
    import matplotlib.pyplot as plt

    systems = _systems(method, alpha, curvature, output, settings)
    w = np.geomspace(1e-3, np.pi, 400) if omega is None else omega
    if ax is None:  # python-control would draw into the current figure
        _, ax = plt.subplots(2, 1, figsize=(7, 5.5), sharex=True, squeeze=False,
                             layout="constrained")
    cp = control.bode_plot([s for _, s in systems], w, ax=ax,
                           label=[name for name, _ in systems],
                           title=f"{get_method(method).title}: gradient noise -> {output} "
                                 f"(alpha*lambda = {alpha * curvature:g})")
    cp.axes[-1, 0].set_xlabel("frequency [rad/step]")
    return cp


def pole_zero_compare(method="heavy_ball", alpha=0.1, curvature=1.0, *, output="x",
                      settings=None, ax=None):
    """Pole-zero map with the unit circle, one colour per setting (python-control)."""
    import control
    import matplotlib.pyplot as plt

    systems = _systems(method, alpha, curvature, output, settings)
    maps = [control.pole_zero_map(s) for _, s in systems]
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
    cp = control.pole_zero_plot(maps, ax=ax, label=[name for name, _ in systems],
                                title=f"{get_method(method).title}: poles (x) and zeros (o)")
    a = cp.axes[0, 0]
    t = np.linspace(0, 2 * np.pi, 400)
    a.plot(np.cos(t), np.sin(t), color="0.4", lw=1, label="_unit circle")
    a.set_xlim(-1.15, 1.15)
    a.set_ylim(-1.15, 1.15)
    a.set_aspect("equal")
    a.set_xlabel("Re z")
    a.set_ylabel("Im z")
    return cp


def pole_trajectory_data(method, alpha, beta=None, curvature=None):
    """Poles along a sweep (one of ``beta`` or ``curvature`` an array), shape (n, order)."""
    return poles(method, alpha, beta, curvature)


def plot_pole_trajectories(method="heavy_ball", alpha=0.1, curvature=1.0, beta=0.8, *,
                           mu=None, L=None, ax=None) -> RegionPlot:
    """Poles as beta sweeps [0, 1) (left) and as curvature sweeps [mu, L] (right).

    The left panel marks where the two real poles meet at the critical beta and then
    leave the real axis on the circle of radius sqrt(beta); the right panel shows the
    poles of every curvature of a spectrum for a fixed (alpha, beta), and where they
    leave the unit circle.
    """
    import matplotlib.pyplot as plt

    m = get_method(method)
    if ax is None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.8), layout="constrained")
    else:
        axes = list(ax)
        fig = axes[0].figure
    out = RegionPlot(figure=fig, axes=list(axes))
    t = np.linspace(0, 2 * np.pi, 400)
    for a in axes:
        a.plot(np.cos(t), np.sin(t), color="0.4", lw=1)
        a.axhline(0, color="0.8", lw=0.8)
        a.axvline(0, color="0.8", lw=0.8)
        a.set_aspect("equal")
        a.set_xlabel("Re z")
        a.set_ylabel("Im z")
    betas = np.linspace(0, 0.999, 400)
    p = pole_trajectory_data(m, alpha, betas, curvature)
    for k in range(p.shape[1]):
        sc = axes[0].scatter(p[:, k].real, p[:, k].imag, c=betas, cmap="viridis", s=6,
                             vmin=0, vmax=1)
    out.colorbar = fig.colorbar(sc, ax=axes[0], shrink=0.8, label=r"$\beta$")
    bc = critical_beta(m, alpha, curvature)
    if np.isfinite(bc):
        pc = poles(m, alpha, bc, curvature)[0].real
        (ln,) = axes[0].plot([pc], [0], "o", color=REGIME_COLORS["critical"], ms=9,
                             label=f"double pole at critical beta = {bc:.3g}")
        out.lines.append(ln)
        axes[0].legend(loc="lower left", fontsize=8)
    axes[0].set_title(f"beta sweeps [0, 1), alpha*lambda = {alpha * curvature:g}")
    mu = curvature / 100 if mu is None else mu
    L = 4.0 / alpha if L is None else L
    lams = np.geomspace(mu, L, 400)
    q = pole_trajectory_data(m, alpha, beta, lams)
    rho = spectral_radius(m, alpha, beta, lams)
    for k in range(q.shape[1]):
        sc2 = axes[1].scatter(q[:, k].real, q[:, k].imag, c=np.log10(lams), cmap="plasma",
                              s=6)
    out.colorbar = fig.colorbar(sc2, ax=axes[1], shrink=0.8, label=r"$\log_{10}\lambda$")
    if np.any(rho >= 1):
        first = lams[np.argmax(rho >= 1)]
        axes[1].set_title(f"curvature sweeps [{mu:.3g}, {L:.3g}], beta = {beta:g}\n"
                          f"(alpha = {alpha:g}; unstable from lambda = {first:.3g})")
    else:
        axes[1].set_title(f"curvature sweeps [{mu:.3g}, {L:.3g}], beta = {beta:g}")
    fig.suptitle(f"{m.title}: pole trajectories")
    for a in axes:
        a.set_xlim(-1.6, 1.6)
        a.set_ylim(-1.3, 1.3)
    return out

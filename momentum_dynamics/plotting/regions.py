"""Stability-region diagrams in the (alpha*lambda, beta) plane, and rates versus kappa.

Numbers and pictures are separate: :func:`stability_region_data` returns arrays,
:func:`plot_stability_region` draws them. Plot functions take ``ax=None``, never call
``plt.show()``, and return what they drew (like python-control 0.10's ``ControlPlot``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..methods import Method, get_method
from ..numeric import (
    REGIMES,
    continuous_critical_beta,
    critical_beta,
    damping_regime,
    spectral_radius,
    tuned_rates,
)

__all__ = [
    "RegionData",
    "RegionPlot",
    "stability_region_data",
    "plot_stability_region",
    "plot_rates_versus_kappa",
    "REGIME_COLORS",
]

#: Colours of the damping regimes, shared by every figure.
REGIME_COLORS = {
    "underdamped": "#c6dbef",
    "critical": "#08519c",
    "overdamped": "#fdd0a2",
    "unstable": "#f0f0f0",
}


@dataclass(frozen=True)
class RegionData:
    """Arrays behind a stability-region diagram (``alpha = 1``, ``curvature = h``)."""

    method: str
    title: str
    h: np.ndarray  # alpha*lambda axis, shape (n,)
    beta: np.ndarray  # momentum axis, shape (m,)
    spectral_radius: np.ndarray  # shape (m, n)
    regime: np.ndarray  # int codes in REGIMES order, shape (m, n)
    critical_beta: np.ndarray | None  # exact, over h; None for methods without beta
    continuous_critical_beta: np.ndarray | None  # small-step approximation over h
    uses_beta: bool


@dataclass
class RegionPlot:
    """What :func:`plot_stability_region` drew."""

    figure: object
    axes: list
    lines: list = field(default_factory=list)
    contours: list = field(default_factory=list)
    images: list = field(default_factory=list)
    colorbar: object = None
    legend: object = None


def _grid_axis(values, default, name, resolution):
    if values is None:
        lo, hi = default
        return np.linspace(lo, hi, resolution)
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a 1-D array of at least 2 finite values; got {values!r}")
    return arr


def stability_region_data(method: str | Method, h=None, beta=None, resolution: int = 400,
                          **hyperparameters) -> RegionData:
    """Spectral radius and damping regime over the (alpha*lambda, beta) plane.

    Parameters
    ----------
    method : str or Method
    h : array_like, optional
        The ``alpha*lambda`` axis (default ``resolution`` points on (0, 4.5], or
        (0, 2.5] for methods without momentum).
    beta : array_like, optional
        The momentum axis (default [0, 1]). Ignored by methods without momentum,
        whose region does not depend on beta.
    resolution : int
        Points per axis for the defaults.

    Returns
    -------
    RegionData

    Examples
    --------
    >>> d = stability_region_data("heavy_ball", resolution=5)
    >>> d.spectral_radius.shape
    (5, 5)
    """
    m = get_method(method)
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    h_max = 4.5 if m.has_momentum else 2.5
    h_ax = _grid_axis(h, (h_max / resolution, h_max), "h", resolution)
    b_ax = _grid_axis(beta, (0.0, 1.0), "beta", resolution)
    H = h_ax[None, :]
    B = b_ax[:, None]
    if m.has_momentum:
        rho = spectral_radius(m, 1.0, B, H, **hyperparameters)
        reg = damping_regime(m, 1.0, B, H, **hyperparameters)
        crit = critical_beta(m, 1.0, h_ax, **hyperparameters)
        try:
            cont = continuous_critical_beta(m, 1.0, h_ax, **hyperparameters)
        except ValueError:  # no closed-form branch (e.g. three states): nothing to expand
            cont = np.full(h_ax.shape, np.nan)
    else:
        rho = np.broadcast_to(spectral_radius(m, 1.0, None, H, **hyperparameters),
                              (b_ax.size, h_ax.size))
        reg = np.broadcast_to(damping_regime(m, 1.0, None, H, **hyperparameters),
                              (b_ax.size, h_ax.size))
        crit = cont = None
    codes = np.zeros(reg.shape, dtype=int)
    for i, name in enumerate(REGIMES):
        codes[reg == name] = i
    return RegionData(m.name, m.title, h_ax, b_ax, np.asarray(rho, float), codes,
                      None if crit is None else np.asarray(crit, float),
                      None if cont is None else np.asarray(cont, float), m.has_momentum)


def _as_methods(method) -> list[Method]:
    if isinstance(method, (str, Method)):
        return [get_method(method)]
    methods = [get_method(m) for m in method]
    if not methods:
        raise ValueError("method must name at least one method")
    return methods


def plot_stability_region(method=("heavy_ball", "nesterov"), ax=None, *, resolution: int = 400,
                          contours: Sequence[float] = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99),
                          show_regimes: bool = True, colorbar: bool = True,
                          legend: bool = True, **hyperparameters) -> RegionPlot:
    """Draw the stable set, damping regimes and spectral-radius contours.

    In the plane of ``alpha*lambda`` (step times curvature) and ``beta``: the regimes
    are shaded (underdamped: complex pole pair; overdamped: two real poles;
    unstable: grey), spectral-radius level sets are drawn and labelled, and the
    critically damped momentum is drawn exactly (solid) beside the continuous-time
    approximation (dashed). Several methods are drawn side by side on one colour
    scale.

    Parameters
    ----------
    method : str, Method or sequence of them
    ax : matplotlib Axes or sequence of Axes, optional
        One per method; created when not given.
    resolution : int
        Grid points per axis.
    contours : sequence of float
        Spectral-radius levels to draw.

    Returns
    -------
    RegionPlot

    Examples
    --------
    >>> out = plot_stability_region("heavy_ball", resolution=50)
    >>> len(out.axes)
    1
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    methods = _as_methods(method)
    if ax is None:
        fig, axes = plt.subplots(1, len(methods), figsize=(5.2 * len(methods) + 0.8, 4.6),
                                 squeeze=False, layout="constrained", sharey=True)
        axes = list(axes[0])
    else:
        axes = list(np.atleast_1d(ax)) if not hasattr(ax, "plot") else [ax]
        if len(axes) != len(methods):
            raise ValueError(f"ax must hold one Axes per method ({len(methods)}); "
                             f"got {len(axes)}")
        fig = axes[0].figure
    levels = sorted(float(c) for c in contours)
    cmap = ListedColormap([REGIME_COLORS[r] for r in REGIMES])
    norm = BoundaryNorm(np.arange(len(REGIMES) + 1) - 0.5, cmap.N)
    result = RegionPlot(figure=fig, axes=axes)
    h_max = max(4.5 if m.has_momentum else 2.5 for m in methods)
    h_axis = np.linspace(h_max / resolution, h_max, resolution)
    for a, m in zip(axes, methods, strict=True):
        d = stability_region_data(m, h=h_axis, resolution=resolution, **hyperparameters)
        extent = (0.0, d.h[-1], d.beta[0], d.beta[-1])
        if show_regimes:
            img = a.imshow(d.regime, origin="lower", extent=extent, aspect="auto",
                           cmap=cmap, norm=norm, interpolation="nearest")
            result.images.append(img)
        stable = d.spectral_radius < 1
        a.contour(d.h, d.beta, stable.astype(float), levels=[0.5], colors="k",
                  linewidths=1.6)
        if levels:
            cs = a.contour(d.h, d.beta, np.where(stable, d.spectral_radius, np.nan),
                           levels=levels, cmap="viridis", vmin=min(levels), vmax=1.0,
                           linewidths=1.0)
            a.clabel(cs, fmt="%.2f", fontsize=8, inline=True)
            result.contours.append(cs)
        if d.uses_beta:
            (ln,) = a.plot(d.h, d.critical_beta, color=REGIME_COLORS["critical"], lw=2.2,
                           label="critical damping (exact)")
            result.lines.append(ln)
            cont = np.where((d.continuous_critical_beta >= d.beta[0])
                            & (d.continuous_critical_beta <= d.beta[-1]),
                            d.continuous_critical_beta, np.nan)
            (ln2,) = a.plot(d.h, cont, color="#d94801", lw=1.8, ls="--",
                            label=r"continuous approx. ($\zeta = 1$)")
            result.lines.append(ln2)
            a.set_title(d.title)
        else:
            a.set_title(f"{d.title} (beta not used)")
        a.set_xlim(0, d.h[-1])
        a.set_ylim(d.beta[0], d.beta[-1])
        a.set_xlabel(r"$\alpha\lambda$  (step $\times$ curvature)")
        if a is axes[0]:
            a.set_ylabel(r"$\beta$  (momentum)")
    if levels and colorbar and result.contours:
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        sm = ScalarMappable(norm=Normalize(vmin=min(levels), vmax=1.0), cmap="viridis")
        result.colorbar = fig.colorbar(sm, ax=axes, shrink=0.9, pad=0.02)
        result.colorbar.set_label(r"spectral radius $\rho$ (rate per step)")
    if legend:
        handles = [Patch(facecolor=REGIME_COLORS[r], edgecolor="0.6", label=r)
                   for r in ("underdamped", "overdamped", "unstable")]
        handles.append(Line2D([], [], color="k", lw=1.6, label=r"stability edge $\rho = 1$"))
        if any(m.has_momentum for m in methods):
            handles += [
                Line2D([], [], color=REGIME_COLORS["critical"], lw=2.2,
                       label="critical damping (exact)"),
                Line2D([], [], color="#d94801", lw=1.8, ls="--",
                       label=r"continuous approx. $1-2\sqrt{\alpha\lambda}$"
                       if all(m.name in ("heavy_ball", "nesterov") for m in methods
                              if m.has_momentum) else "continuous approx."),
            ]
        result.legend = fig.legend(handles=handles, loc="outside lower center",
                                   ncol=min(len(handles), 6), fontsize=8, frameon=False) \
            if ax is None else axes[-1].legend(handles=handles, fontsize=7, loc="lower right")
    return result


def plot_rates_versus_kappa(kappa=None, ax=None) -> RegionPlot:
    """Tuned worst-case rates of GD, heavy ball and Nesterov against ``kappa``.

    Plots ``1 - rate`` (the per-step contraction gain) on log-log axes: exact
    values solid, the textbook large-``kappa`` approximations dashed.

    Examples
    --------
    >>> out = plot_rates_versus_kappa(np.logspace(0, 4, 20))
    >>> len(out.lines)
    8
    """
    import matplotlib.pyplot as plt

    k = np.logspace(0, 8, 200) if kappa is None else np.asarray(kappa, dtype=float)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
    else:
        fig = ax.figure
    out = RegionPlot(figure=fig, axes=[ax])
    colors = {"gd": "#636363", "heavy_ball": "#08519c", "nesterov": "#d94801"}
    for row in tuned_rates(k):
        c = colors[row.method] if row.tuning == "optimal" else "#756bb1"
        label = f"{get_method(row.method).title} ({row.tuning})"
        ls = "-"
        (l1,) = ax.loglog(k, 1 - np.asarray(row.exact_rate), color=c, ls=ls, lw=2, label=label)
        (l2,) = ax.loglog(k, 1 - np.asarray(row.approximate_rate), color=c, ls=":", lw=1.3,
                          label=f"  approx. ${_latex(row.approximation)}$")
        out.lines += [l1, l2]
    ax.set_xlabel(r"condition number $\kappa = L/\mu$")
    ax.set_ylabel(r"$1 - \rho$  (progress per step)")
    ax.set_title("Tuned rates: exact (solid) and large-$\\kappa$ approximation (dotted)")
    ax.grid(True, which="major", alpha=0.3)
    out.legend = ax.legend(fontsize=7, loc="lower left")
    return out


def _latex(expr) -> str:
    import sympy as sp

    return sp.latex(expr)

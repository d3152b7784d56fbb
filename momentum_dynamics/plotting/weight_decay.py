"""One region diagram with both weight-decay boundaries: coupled L2 against SGDW.

:func:`weight_decay_region_data` returns the stable ``alpha*lambda`` interval of both
rules over ``beta`` at a fixed ``alpha*wd`` (read off the core's exact Jury conditions
by :func:`momentum_dynamics.applications.stable_step_interval`);
:func:`plot_weight_decay_region` draws them in the ``(alpha*lambda, beta)`` plane of
:func:`~momentum_dynamics.plotting.plot_stability_region`, with heavy ball without
decay for reference.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..applications.weight_decay import stable_step_interval
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_count,
    check_legend_loc,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = ["WeightDecayRegionData", "weight_decay_region_data", "plot_weight_decay_region"]


class WeightDecayRegionData(NamedTuple):
    """Stable ``alpha*lambda`` intervals over ``beta`` at one ``alpha*wd``.

    Attributes
    ----------
    beta : ndarray
        The momentum grid.
    alpha_weight_decay : float
        ``d = alpha * wd``.
    coupled_lower, coupled_upper : ndarray
        Ends of coupled L2's interval (NaN: none).
    decoupled_lower, decoupled_upper : ndarray
        The same for SGDW.
    heavy_ball_upper : ndarray
        Heavy ball's ``2 (1 + beta)`` without decay (coupled L2 at ``d = 0``).

    See Also
    --------
    weight_decay_region_data : the function that returns it.

    Examples
    --------
    >>> d = weight_decay_region_data(0.5, resolution=3)
    >>> d.beta.tolist(), d.decoupled_upper.round(3).tolist()
    ([-1.0, 0.0, 1.0], [0.0, 1.5, 3.0])
    """

    beta: np.ndarray
    alpha_weight_decay: float
    coupled_lower: np.ndarray
    coupled_upper: np.ndarray
    decoupled_lower: np.ndarray
    decoupled_upper: np.ndarray
    heavy_ball_upper: np.ndarray


def weight_decay_region_data(alpha_weight_decay: float = 0.2, *,
                             resolution: int = 401) -> WeightDecayRegionData:
    """Both rules' stable ``alpha*lambda`` intervals for ``beta`` in [-1, 1].

    Parameters
    ----------
    alpha_weight_decay : float
        ``d = alpha * wd``, in [0, 2).
    resolution : int
        Number of ``beta`` values, >= 2.

    Returns
    -------
    WeightDecayRegionData

    Raises
    ------
    ValueError, TypeError
        For ``d`` outside [0, 2), a non-number or a bad resolution.

    See Also
    --------
    plot_weight_decay_region : draws these numbers.
    momentum_dynamics.applications.stable_step_interval : one interval.

    Examples
    --------
    >>> d = weight_decay_region_data(0.2, resolution=5)
    >>> d.coupled_upper.round(3).tolist()
    [nan, 0.8, 1.8, 2.8, nan]
    """
    from .._validation import check_scalar

    dd = check_scalar(alpha_weight_decay, "alpha_weight_decay")
    if not 0 <= dd < 2:
        raise ValueError(f"alpha_weight_decay must lie in [0, 2); got {alpha_weight_decay!r}")
    n = check_count(resolution, "resolution", 2)
    b = np.linspace(-1.0, 1.0, n)
    c = stable_step_interval("heavy_ball_l2", b, dd)
    s = stable_step_interval("sgdw", b, dd)
    hb = stable_step_interval("heavy_ball_l2", b, 0.0).upper
    return WeightDecayRegionData(b, dd, np.asarray(c.lower), np.asarray(c.upper),
                                 np.asarray(s.lower), np.asarray(s.upper), np.asarray(hb))


def plot_weight_decay_region(alpha_weight_decay: float = 0.2, ax=None, *,
                             resolution: int = 401,
                             figsize: tuple[float, float] | None = None,
                             title: str | None = None,
                             legend_loc: str | int | None = "upper left") -> PlotResult:
    """Coupled L2 and SGDW stability regions in one ``(alpha*lambda, beta)`` diagram.

    Each region is shaded between its lower and upper ``alpha*lambda`` edge; heavy ball
    without decay is dotted. At equal ``alpha*wd`` SGDW's upper edge
    ``(1 + beta)(2 - alpha*wd)`` lies below coupled L2's ``2(1 + beta) - alpha*wd`` for
    ``beta > 0``, and SGDW stays stable at ``beta = 1`` (Loshchilov & Hutter 2019).

    Parameters
    ----------
    alpha_weight_decay : float
        ``d = alpha * wd``, in [0, 2).
    ax : matplotlib Axes, optional
        Created when not given.
    resolution : int
        Number of ``beta`` values, >= 2.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``lines``: the two rules' edges (lower, upper each) and heavy ball's upper edge.

    See Also
    --------
    weight_decay_region_data : the numbers drawn.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> out = plot_weight_decay_region(0.3, resolution=50)
    >>> len(out.lines), out.data.alpha_weight_decay
    (5, 0.3)
    """
    show_legend, loc = check_legend_loc(legend_loc)
    d = weight_decay_region_data(alpha_weight_decay, resolution=resolution)
    fig, (a,), _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH, 4.2))
    lines, fills = [], []
    with style():
        for lo, hi, color, label in (
            (d.coupled_lower, d.coupled_upper, "#08519c", "coupled L2 (SGD weight_decay)"),
            (d.decoupled_lower, d.decoupled_upper, "#d94801", "decoupled (SGDW)"),
        ):
            ok = np.isfinite(lo) & np.isfinite(hi)
            fills.append(a.fill_betweenx(d.beta, np.where(ok, lo, np.nan),
                                         np.where(ok, hi, np.nan), color=color, alpha=0.18,
                                         lw=0))
            lines += a.plot(lo, d.beta, color=color, lw=1.2)
            lines += a.plot(hi, d.beta, color=color, lw=2, label=label)
        lines += a.plot(d.heavy_ball_upper, d.beta, color="#444444", ls=":", lw=1.4,
                        label="heavy ball, no decay")
        a.axvline(0.0, color="0.6", lw=0.8)
        a.set_ylim(-1.02, 1.02)
        leg = label_panel(a, show_legend, loc, xlabel=r"$\alpha\lambda$",
                          ylabel=r"momentum $\beta$")
    out = PlotResult(fig, [a], lines, leg, data=d, fills=fills)
    return finish(out, title, "Stable regions with weight decay, "
                              rf"$\alpha\,wd = {d.alpha_weight_decay:g}$")

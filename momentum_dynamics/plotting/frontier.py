"""The rate versus noise-amplification frontier of the momentum families.

The numbers come from :func:`momentum_dynamics.designs.rate_noise_frontier`;
:func:`rate_noise_frontier_data` collects them for several families and
:func:`plot_rate_noise_frontier` draws them.
"""

from __future__ import annotations

from typing import NamedTuple

from ..designs import FRONTIER_FAMILIES, rate_noise_frontier
from ..methods import get_method
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

__all__ = ["FrontierPlotData", "rate_noise_frontier_data", "plot_rate_noise_frontier"]


class FrontierPlotData(NamedTuple):
    """The frontiers of several families on one spectrum.

    Attributes
    ----------
    mu, L : float
        The spectrum bounds.
    frontiers : tuple of momentum_dynamics.designs.FrontierData
        One per family, in the order asked.

    See Also
    --------
    rate_noise_frontier_data : the function that returns it.

    Examples
    --------
    >>> d = rate_noise_frontier_data(1.0, 10.0, families=("gd",), points=3, samples=5)
    >>> d.mu, d.L, len(d.frontiers)
    (1.0, 10.0, 1)
    """

    mu: float
    L: float
    frontiers: tuple  # of momentum_dynamics.designs.FrontierData


def _families(families) -> tuple[str, ...]:
    if isinstance(families, str) or not hasattr(families, "__iter__"):
        raise TypeError(f"families must be a sequence of names from {list(FRONTIER_FAMILIES)}; "
                        f"got {families!r}")
    out = tuple(families)
    if not out:
        raise ValueError("families must name at least one family")
    for f in out:
        if f not in FRONTIER_FAMILIES:
            raise ValueError(f"families: unknown family {f!r}; allowed are "
                             f"{list(FRONTIER_FAMILIES)}")
    return out


def rate_noise_frontier_data(mu: float = 1.0, L: float = 100.0, *,
                             families=FRONTIER_FAMILIES, points: int = 25,
                             samples: int = 129) -> FrontierPlotData:
    """Rate and noise amplification along the tuning paths of several families.

    Parameters
    ----------
    mu, L : float
        Spectrum bounds, ``0 < mu < L``.
    families : sequence of str
        Names from :data:`momentum_dynamics.designs.FRONTIER_FAMILIES`.
    points, samples : int
        As in :func:`momentum_dynamics.designs.rate_noise_frontier`.

    Returns
    -------
    FrontierPlotData
        ``(mu, L, frontiers)``.

    See Also
    --------
    plot_rate_noise_frontier : the figure.

    Examples
    --------
    >>> d = rate_noise_frontier_data(1.0, 100.0, families=("heavy_ball",), points=2)
    >>> round(float(d.frontiers[0].rate[-1]), 6)
    0.99
    """
    fams = _families(families)
    out = tuple(rate_noise_frontier(f, mu, L, points=points, samples=samples) for f in fams)
    return FrontierPlotData(float(mu), float(L), out)


_COLORS = {"gd": "#636363", "heavy_ball": "#08519c", "nesterov": "#d94801",
           "robust_momentum": "#238b45"}
# Heavy ball and Nesterov can coincide (both critically damped at mu): draw the later
# one dashed over a wider line so that both stay visible.
_STYLES = {"gd": ("-", 1.5), "heavy_ball": ("-", 3.0), "nesterov": ("--", 1.5),
           "robust_momentum": ("-", 1.5)}


def plot_rate_noise_frontier(mu: float = 1.0, L: float = 100.0, ax=None, *,
                             families=FRONTIER_FAMILIES, points: int = 25,
                             figsize: tuple[float, float] | None = None,
                             title: str | None = None,
                             legend_loc: str | int | None = "lower right") -> PlotResult:
    r"""Worst-case rate against stationary variance, one curve per family.

    The horizontal axis is the progress per step :math:`1 - \rho` (right is faster),
    the vertical axis the worst-case stationary variance of the iterate per unit of
    gradient-noise variance (lower is quieter); both logarithmic. A curve below
    another at the same progress is the better method for a noisy problem.

    Parameters
    ----------
    mu, L : float
        Spectrum bounds, ``0 < mu < L``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw in (default: a new figure).
    families : sequence of str
        Names from :data:`momentum_dynamics.designs.FRONTIER_FAMILIES`.
    points : int
        Designs per family (>= 2).
    figsize : (float, float), optional
        Size of a new figure, inches.
    title : str, optional
        Panel title (None: a default; '' for none).
    legend_loc : str, int or False
        Legend location; False for no legend.

    Returns
    -------
    PlotResult
        One line per family; ``data`` is the :class:`FrontierPlotData`.

    See Also
    --------
    rate_noise_frontier_data : the numbers drawn.
    momentum_dynamics.designs.rate_noise_frontier : one family.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> out = plot_rate_noise_frontier(1.0, 100.0, points=4)
    >>> len(out.lines)
    4
    """
    show_legend, loc = check_legend_loc(legend_loc)
    check_count(points, "points", 2)
    d = rate_noise_frontier_data(mu, L, families=families, points=points)
    fig, (a,), _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH, 4.4))
    lines = []
    with style():
        for f in d.frontiers:
            ls, lw = _STYLES[f.family]
            lines += a.loglog(1 - f.rate, f.variance, ls=ls, lw=lw, marker="o", ms=2.5,
                              color=_COLORS[f.family], label=get_method(f.family).title)
        leg = label_panel(a, show_legend, loc,
                          xlabel=r"worst-case progress per step $1 - \rho$ on $[\mu, L]$",
                          ylabel=r"worst-case $\mathrm{Var}(x)$ per unit gradient noise")
    out = PlotResult(fig, [a], lines, leg, data=d)
    kappa = d.L / d.mu
    return finish(out, title, rf"Rate versus noise amplification ($\kappa = {kappa:g}$)")

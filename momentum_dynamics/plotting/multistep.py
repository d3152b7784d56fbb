"""Absolute-stability regions of momentum methods in the complex ``alpha*lambda`` plane.

Numbers come from :mod:`momentum_dynamics.multistep`; this module only draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..methods import Method, get_method
from ..multistep import absolute_stability_mask, boundary_locus, real_stability_interval
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_count,
    check_legend_loc,
    check_range,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = ["AbsoluteStabilityPlot", "AbsoluteStabilityData", "absolute_stability_regions_data",
           "plot_absolute_stability_regions"]

_COLORS = ("#636363", "#08519c", "#d94801", "#238b45", "#6a51a3")

#: Kept for code written against the old name: every figure returns a PlotResult.
AbsoluteStabilityPlot = PlotResult


@dataclass(frozen=True)
class AbsoluteStabilityData:
    """The numbers behind :func:`plot_absolute_stability_regions`, keyed by method name.

    Attributes
    ----------
    methods : tuple of str
        Registry names, in drawing order.
    titles : dict
        Method name -> display title.
    beta : float
        Momentum of the methods that have one.
    re, im : numpy.ndarray
        Real axis, shape (n,), and imaginary axis, shape (m,), of the grid.
    masks : dict
        Method name -> bool array, shape (m, n): all roots strictly inside the unit
        circle at ``alpha*lambda = re + i im``.
    loci : dict
        Method name -> complex points of the boundary locus.
    intervals : dict
        Method name -> the exact real stability set (a SymPy set).

    See Also
    --------
    absolute_stability_regions_data : computes it.
    plot_absolute_stability_regions : draws it.

    Examples
    --------
    >>> d = absolute_stability_regions_data(("gd", "heavy_ball"), resolution=10)
    >>> d.methods, d.masks["gd"].shape == (d.im.size, d.re.size)
    (('gd', 'heavy_ball'), True)
    """

    methods: tuple[str, ...]
    titles: dict
    beta: float
    re: np.ndarray  # real axis, shape (n,)
    im: np.ndarray  # imaginary axis, shape (m,)
    masks: dict  # bool, shape (m, n): all roots inside the unit circle
    loci: dict  # complex boundary locus points
    intervals: dict  # SymPy sets: the exact real stability set


def _methods(methods) -> list[Method]:
    """One method or a sequence of them, each a registry name or a Method."""
    if isinstance(methods, (str, Method)):
        methods = [methods]
    if not isinstance(methods, Sequence):
        raise TypeError(f"methods must be a method name, a Method or a sequence of them; "
                        f"got {methods!r}")
    if not methods:
        raise ValueError("methods must name at least one method")
    out = []
    for i, m in enumerate(methods):
        try:
            out.append(get_method(m))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"methods[{i}]: {exc}") from None
    return out


def _fmt(x) -> str:
    return f"{float(x):.4g}"


def absolute_stability_regions_data(
    methods: Sequence[str | Method] = ("gd", "heavy_ball", "nesterov"),
    beta: float = 0.9,
    extent: tuple[float, float, float, float] = (-0.6, 4.4, -1.6, 1.3),
    *,
    resolution: int = 500,
) -> AbsoluteStabilityData:
    """Stability masks, boundary loci and real stability intervals in the complex plane.

    Parameters
    ----------
    methods : str, Method or sequence of them
        The methods to draw (registry names or Method objects), at least one.
    beta : float
        Momentum used by the methods that have one.
    extent : (re_min, re_max, im_min, im_max)
        The window of the ``alpha*lambda`` plane (min < max).
    resolution : int
        Grid points along the real axis (>= 10).

    Returns
    -------
    AbsoluteStabilityData
        Masks, loci and real intervals keyed by method name.

    See Also
    --------
    plot_absolute_stability_regions : draws these numbers.
    momentum_dynamics.multistep.absolute_stability_mask : the mask of one method.

    Examples
    --------
    >>> d = absolute_stability_regions_data(("gd",), resolution=20)
    >>> str(d.intervals["gd"])
    'Interval.open(0, 2)'
    """
    ms = _methods(methods)
    try:
        x0, x1, y0, y1 = (float(v) for v in extent)
    except (TypeError, ValueError):
        raise TypeError(f"extent must be four numbers (re_min, re_max, im_min, im_max); "
                        f"got {extent!r}") from None
    check_range((x0, x1), "extent (re_min, re_max)")
    check_range((y0, y1), "extent (im_min, im_max)")
    resolution = check_count(resolution, "resolution", 10)
    re = np.linspace(x0, x1, resolution)
    im = np.linspace(y0, y1, max(10, int(resolution * (y1 - y0) / (x1 - x0))))
    hl = re[None, :] + 1j * im[:, None]
    masks, loci, intervals = {}, {}, {}
    for m in ms:
        b = beta if m.has_momentum else None
        masks[m.name] = np.asarray(absolute_stability_mask(m, 1.0, b, hl), bool)
        loci[m.name] = boundary_locus(m, b).points
        intervals[m.name] = real_stability_interval(m, b)
    return AbsoluteStabilityData(tuple(m.name for m in ms), {m.name: m.title for m in ms},
                                 float(beta), re, im, masks, loci, intervals)


def plot_absolute_stability_regions(
    methods: Sequence[str | Method] = ("gd", "heavy_ball", "nesterov"),
    beta: float = 0.9,
    ax=None,
    extent: tuple[float, float, float, float] = (-0.6, 4.4, -1.6, 1.3),
    *,
    resolution: int = 500,
    figsize: tuple[float, float] | None = None,
    title: str | None = None,
    legend_loc: str | int | None = "upper right",
) -> PlotResult:
    """Draw absolute-stability regions, boundary loci and real stability intervals.

    For each method the set of complex :math:`\\alpha\\lambda` where all roots of the
    characteristic polynomial lie strictly inside the unit circle is filled (from
    :func:`~momentum_dynamics.multistep.absolute_stability_mask` on a grid), the
    boundary locus :math:`w(\\theta) = -\\rho(e^{i\\theta})/s(e^{i\\theta})` is drawn
    over it, and the exact real stability interval is marked on the real axis.

    Parameters
    ----------
    methods, beta, extent, resolution
        As in :func:`absolute_stability_regions_data`.
    ax : matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``lines``: loci, then interval bars and endpoint ticks; artists ``regions``,
        ``loci``, ``intervals``, ``endpoints`` (dicts keyed by method name).

    See Also
    --------
    absolute_stability_regions_data : the numbers drawn.
    plot_stability_region : the real (alpha*lambda, beta) plane in detail.

    Examples
    --------
    >>> out = plot_absolute_stability_regions(("gd", "heavy_ball"), resolution=60)
    >>> sorted(out.loci)
    ['gd', 'heavy_ball']
    """
    from matplotlib.patches import Patch

    d = absolute_stability_regions_data(methods, beta, extent, resolution=resolution)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, (ax,), _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH, 4.6))
    x0, x1, y0, y1 = d.re[0], d.re[-1], d.im[0], d.im[-1]
    regions, loci, intervals, markers, handles = {}, {}, {}, {}, []
    with style():
        for i, name in enumerate(d.methods):
            m = get_method(name)
            color = _COLORS[i % len(_COLORS)]
            regions[name] = ax.contourf(d.re, d.im, d.masks[name].astype(float),
                                        levels=[0.5, 1.5], colors=[color], alpha=0.22)
            w = d.loci[name]
            (loci[name],) = ax.plot(w.real, w.imag, color=color, lw=1.6)
            interval = d.intervals[name]
            lo, hi = (interval.start, interval.end) if interval.is_Interval else (None, None)
            if lo is not None and lo.is_finite and hi.is_finite:
                ends = [float(lo), float(hi)]
                # A bar in its own lane at the bottom (x in data, y in axes coordinates) ...
                (intervals[name],) = ax.plot(ends, [0.035 + 0.045 * i] * 2, color=color,
                                             lw=3, marker="|", ms=10, mew=2,
                                             solid_capstyle="butt",
                                             transform=ax.get_xaxis_transform(), zorder=4)
                # ... and its endpoints on the real axis itself.
                (markers[name],) = ax.plot(ends, [0.0, 0.0], ls="none", marker="|",
                                           ms=16 - 3 * i, mew=2.2, color=color, zorder=4)
                text = f"real interval ({_fmt(lo)}, {_fmt(hi)})"
            else:
                text = f"real stable set {interval}"
            label = m.title + (f" ($\\beta = {d.beta:g}$)" if m.has_momentum else "") \
                + f": {text}"
            handles.append(Patch(facecolor=color, edgecolor=color, alpha=0.5, label=label))
        if intervals:
            ax.text(0.01, 0.035 + 0.045 * len(intervals), "real stability intervals",
                    transform=ax.transAxes, fontsize=7.5, color="0.3", va="bottom")
        ax.axhline(0.0, color="0.5", lw=0.6, zorder=0)
        ax.axvline(0.0, color="0.5", lw=0.6, zorder=0)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        legend = label_panel(ax, show_legend, loc, xlabel=r"Re$(\alpha\lambda)$",
                             ylabel=r"Im$(\alpha\lambda)$", grid_alpha=0.25,
                             handles=handles, framealpha=0.9)
    lines = list(loci.values()) + list(intervals.values()) + list(markers.values())
    out = PlotResult(fig, [ax], lines, legend, data=d, regions=regions, loci=loci,
                     intervals=intervals, endpoints=markers)
    return finish(out, title, "Absolute stability in the complex $\\alpha\\lambda$ plane\n"
                  "filled: all roots of $\\rho(z) + \\alpha\\lambda\\, s(z)$ in $|z| < 1$; "
                  "curves: boundary locus;\nbars and ticks: the exact real interval")

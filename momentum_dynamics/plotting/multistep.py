"""Absolute-stability regions of momentum methods in the complex ``alpha*lambda`` plane.

Numbers come from :mod:`momentum_dynamics.multistep`; this module only draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..methods import Method, get_method
from ..multistep import absolute_stability_mask, boundary_locus, real_stability_interval

__all__ = ["AbsoluteStabilityPlot", "plot_absolute_stability_regions"]

_COLORS = ("#636363", "#08519c", "#d94801", "#238b45", "#6a51a3")


class AbsoluteStabilityPlot(NamedTuple):
    """What :func:`plot_absolute_stability_regions` drew, keyed by method name."""

    ax: object
    regions: dict  # filled contour sets
    loci: dict  # boundary-locus Line2D
    intervals: dict  # real-interval bars (one lane per method, along the bottom)
    endpoints: dict  # the interval endpoints marked on the real axis
    legend: object


def _fmt(x) -> str:
    return f"{float(x):.4g}"


def plot_absolute_stability_regions(
    methods: Sequence[str | Method] = ("gd", "heavy_ball", "nesterov"),
    beta: float = 0.9,
    ax=None,
    extent: tuple[float, float, float, float] = (-0.6, 4.4, -1.6, 1.3),
    *,
    resolution: int = 500,
) -> AbsoluteStabilityPlot:
    """Draw absolute-stability regions, boundary loci and real stability intervals.

    For each method the set of complex :math:`\\alpha\\lambda` where all roots of the
    characteristic polynomial lie strictly inside the unit circle is filled (from
    :func:`~momentum_dynamics.multistep.absolute_stability_mask` on a grid), the
    boundary locus :math:`w(\\theta) = -\\rho(e^{i\\theta})/s(e^{i\\theta})` is drawn
    over it, and the exact real stability interval is marked on the real axis.

    Parameters
    ----------
    methods : sequence of str or Method
    beta : float
        Momentum used by the methods that have one.
    ax : matplotlib Axes, optional
        Created when not given.
    extent : (re_min, re_max, im_min, im_max)
        The window of the ``alpha*lambda`` plane.
    resolution : int
        Grid points along the real axis (the imaginary axis gets proportionally many).

    Returns
    -------
    AbsoluteStabilityPlot

    Examples
    --------
    >>> out = plot_absolute_stability_regions(("gd", "heavy_ball"), resolution=60)
    >>> sorted(out.loci)
    ['gd', 'heavy_ball']
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    ms = [get_method(m) for m in ([methods] if isinstance(methods, (str, Method)) else methods)]
    if not ms:
        raise ValueError("methods must name at least one method")
    x0, x1, y0, y1 = (float(v) for v in extent)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"extent must be (re_min, re_max, im_min, im_max) with min < max; "
                         f"got {extent!r}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 10:
        raise ValueError(f"resolution must be an integer >= 10; got {resolution!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8.2, 5.0), layout="constrained")
    re = np.linspace(x0, x1, resolution)
    im = np.linspace(y0, y1, max(10, int(resolution * (y1 - y0) / (x1 - x0))))
    hl = re[None, :] + 1j * im[:, None]
    regions, loci, intervals, markers, handles = {}, {}, {}, {}, []
    for i, m in enumerate(ms):
        color = _COLORS[i % len(_COLORS)]
        b = beta if m.has_momentum else None
        mask = absolute_stability_mask(m, 1.0, b, hl)
        regions[m.name] = ax.contourf(re, im, mask.astype(float), levels=[0.5, 1.5],
                                      colors=[color], alpha=0.22)
        w = boundary_locus(m, b).points
        (loci[m.name],) = ax.plot(w.real, w.imag, color=color, lw=1.6)
        interval = real_stability_interval(m, b)
        lo, hi = (interval.start, interval.end) if interval.is_Interval else (None, None)
        if lo is not None and lo.is_finite and hi.is_finite:
            ends = [float(lo), float(hi)]
            # A bar in its own lane at the bottom (x in data, y in axes coordinates) ...
            (intervals[m.name],) = ax.plot(ends, [0.035 + 0.045 * i] * 2, color=color, lw=3,
                                           marker="|", ms=10, mew=2, solid_capstyle="butt",
                                           transform=ax.get_xaxis_transform(), zorder=4)
            # ... and its endpoints on the real axis itself.
            (markers[m.name],) = ax.plot(ends, [0.0, 0.0], ls="none", marker="|",
                                         ms=16 - 3 * i, mew=2.2, color=color, zorder=4)
            text = f"real interval ({_fmt(lo)}, {_fmt(hi)})"
        else:
            text = f"real stable set {interval}"
        label = m.title + (f" ($\\beta$={beta:g})" if m.has_momentum else "") + f": {text}"
        handles.append(Patch(facecolor=color, edgecolor=color, alpha=0.5, label=label))
    if intervals:
        ax.text(0.01, 0.035 + 0.045 * len(intervals), "real stability intervals",
                transform=ax.transAxes, fontsize=8, color="0.3", va="bottom")
    ax.axhline(0.0, color="0.5", lw=0.6, zorder=0)
    ax.axvline(0.0, color="0.5", lw=0.6, zorder=0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(r"Re$(\alpha\lambda)$")
    ax.set_ylabel(r"Im$(\alpha\lambda)$")
    ax.set_title("Absolute stability in the $\\alpha\\lambda$ plane: filled = all roots of "
                 "$\\rho(z) + \\alpha\\lambda\\, s(z)$ inside $|z| < 1$;\n"
                 "curves = boundary locus $-\\rho(e^{i\\theta})/s(e^{i\\theta})$; "
                 "bars at the bottom and ticks on the real axis = exact real interval",
                 fontsize=9.5)
    ax.grid(True, alpha=0.25)
    legend = ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
    return AbsoluteStabilityPlot(ax, regions, loci, intervals, markers, legend)

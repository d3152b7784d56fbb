"""The one result type of every figure, and the argument handling all figures share.

Modelled on python-control 0.10's ``ControlPlot`` (``control/ctrlplot.py``): a plot
function takes ``ax=None`` (``axes=None`` for a fixed set of panels), creates a figure
only when none is given, never calls ``plt.show()``, and returns a :class:`PlotResult`
holding the figure, the axes, the lines it drew and the legend. The numbers drawn come
from a ``*_data`` companion that does not import matplotlib; the result carries them as
``.data``.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

__all__ = ["PlotResult", "TEXT_WIDTH"]

#: Width in inches of the text column the default figure sizes are made for.
TEXT_WIDTH = 7.0

# Font sizes readable when a TEXT_WIDTH-wide figure is printed at its size.
_RC = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 7.5,
    "figure.titlesize": 10,
    "lines.linewidth": 1.5,
}


class PlotResult:
    """What a plotting function drew: figure, axes, lines, legend and the numbers.

    One type for every figure of :mod:`momentum_dynamics.plotting`, after
    python-control 0.10's ``ControlPlot``.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure the axes belong to.
    axes : list of matplotlib.axes.Axes
        The panels, in reading order (left to right, top to bottom).
    lines : list of matplotlib.lines.Line2D
        Every line drawn, in drawing order.
    legend : matplotlib.legend.Legend or None
        The legend, when one was drawn.
    colorbar : matplotlib.colorbar.Colorbar, list of them or None
        Colour bars drawn or reused.
    data : object
        What the ``*_data`` companion returned (the numbers drawn).
    **artists
        Other named artists (contour sets, shading, markers); read them as attributes.

    See Also
    --------
    plot_stability_region, plot_rates_versus_kappa : two of the figures returning it.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from momentum_dynamics.plotting import plot_rates_versus_kappa
    >>> out = plot_rates_versus_kappa([1.0, 10.0, 100.0])
    >>> type(out).__name__, len(out.axes), out.ax is out.axes[0]
    ('PlotResult', 1, True)
    """

    def __init__(self, figure, axes: Sequence, lines: Sequence = (), legend=None, *,
                 colorbar=None, data: Any = None, **artists) -> None:
        self.figure = figure
        self.axes = list(axes)
        self.lines = list(lines)
        self.legend = legend
        self.colorbar = colorbar
        self.data = data
        self.artists = dict(artists)

    @property
    def ax(self):
        """The first (or only) panel."""
        return self.axes[0]

    def __getattr__(self, name: str):
        # Only called when normal lookup fails: named artists read as attributes.
        artists = self.__dict__.get("artists", {})
        if name in artists:
            return artists[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}; "
                             f"it has figure, axes, lines, legend, colorbar, data"
                             + (f" and {sorted(artists)}" if artists else ""))

    def set_plot_title(self, title: str) -> None:
        """Set the figure's title (``suptitle``), as python-control's ``ControlPlot``."""
        self.figure.suptitle(title)

    def savefig(self, *args, **kwargs) -> None:
        """Save the figure (``Figure.savefig``)."""
        self.figure.savefig(*args, **kwargs)

    def __repr__(self) -> str:
        return (f"<PlotResult: {len(self.axes)} axes, {len(self.lines)} lines"
                + (f", {sorted(self.artists)}" if self.artists else "") + ">")


# --------------------------------------------------------------------------
# Shared argument handling
# --------------------------------------------------------------------------


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Font sizes for a TEXT_WIDTH-wide figure while artists are created."""
    import matplotlib as mpl

    with mpl.rc_context(_RC):
        yield


def check_figsize(figsize, default: tuple[float, float]) -> tuple[float, float]:
    """None -> the default; otherwise two finite positive numbers."""
    if figsize is None:
        return default
    try:
        w, h = (float(v) for v in figsize)
    except (TypeError, ValueError):
        raise TypeError(f"figsize must be (width, height) in inches; got {figsize!r}") from None
    if not (np.isfinite(w) and np.isfinite(h) and w > 0 and h > 0):
        raise ValueError(f"figsize must be two positive finite numbers; got {figsize!r}")
    return (w, h)


def check_count(value, name: str, minimum: int = 1) -> int:
    """An int (not bool) >= minimum: TypeError for a non-integer, ValueError if too small."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """A single finite real number > 0 (>= 0 with ``allow_zero``)."""
    from .._validation import check_scalar

    x = check_scalar(value, name)
    if x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}; got {value!r}")
    return x


def check_range(value, name: str, *, positive: bool = False) -> tuple[float, float]:
    """A (lo, hi) pair of finite reals with lo < hi (and lo > 0 when ``positive``)."""
    from .._validation import as_real_array

    arr = as_real_array(value, name)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a pair (lo, hi); got {value!r}")
    lo, hi = float(arr[0]), float(arr[1])
    if not lo < hi:
        raise ValueError(f"{name} must have lo < hi; got {value!r}")
    if positive and lo <= 0:
        raise ValueError(f"{name} must be positive for a log axis; got {value!r}")
    return lo, hi


def check_grid(value, name: str, *, minimum: int = 2, positive: bool = False,
               scalar_ok: bool = False) -> np.ndarray:
    """A 1-D finite real array of at least ``minimum`` points (> 0 when ``positive``).

    With ``scalar_ok`` a single number is read as a grid of one point.
    """
    from .._validation import as_real_array

    arr = as_real_array(value, name)
    if scalar_ok and arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size < minimum:
        raise ValueError(f"{name} must be a 1-D array of at least {minimum} finite values; "
                         f"got shape {arr.shape}")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0; got {arr[arr <= 0][0]!r}")
    return arr


def check_legend_loc(legend_loc, legend: bool = True) -> tuple[bool, object]:
    """``(draw, loc)``: False (or ``legend=False``) -> no legend; None -> the default place."""
    if legend_loc is False or not legend:
        return False, None
    if legend_loc is None or isinstance(legend_loc, (str, int, tuple)):
        return True, legend_loc
    raise TypeError(f"legend_loc must be a matplotlib location string, False or None; "
                    f"got {legend_loc!r}")


def figure_axes(ax, n: int, figsize, default: tuple[float, float], *, name: str = "ax",
                allow_one: bool = False, rows: int = 1, axes=None, **subplots):
    """The figure and ``n`` axes: created when ``ax`` is None, else checked.

    Returns ``(figure, axes_list, created)``. With ``allow_one`` a single Axes is
    accepted where ``n`` are drawn by default (it receives the first panel). ``axes``
    is the older name of ``ax`` that some figures still accept; give one of them.
    """
    import matplotlib.pyplot as plt

    if axes is not None:
        if ax is not None:
            raise TypeError(f"give {name} or its older name axes, not both")
        ax, name = axes, "axes"

    if ax is None:
        with style():
            fig, axs = plt.subplots(rows, n // rows, figsize=check_figsize(figsize, default),
                                    layout="constrained", squeeze=False, **subplots)
        return fig, list(axs.ravel()), True
    if figsize is not None:
        check_figsize(figsize, default)
    axes = [ax] if hasattr(ax, "plot") else list(np.ravel(np.asarray(ax, dtype=object)))
    if not all(hasattr(a, "plot") for a in axes):
        raise TypeError(f"{name} must be a matplotlib Axes or a sequence of them; got {ax!r}")
    if len(axes) != n and not (allow_one and len(axes) == 1):
        raise ValueError(f"{name} must hold {n} Axes" + (" (or one)" if allow_one else "")
                         + f"; got {len(axes)}")
    return axes[0].figure, axes, False


def label_panel(a, show_legend: bool = False, loc=None, *, xlabel: str | None = None,
                ylabel: str | None = None, title: str | None = None,
                grid: str | None = "major", grid_alpha: float = 0.3, **legend_kwargs):
    """Label one panel, grid it and draw its legend when ``show_legend``.

    ``show_legend, loc`` are what :func:`check_legend_loc` returned; ``legend_kwargs``
    go to ``Axes.legend`` (``handles``, ``ncol``, ...). Returns the legend or None.
    """
    for setter, text in ((a.set_xlabel, xlabel), (a.set_ylabel, ylabel), (a.set_title, title)):
        if text is not None:
            setter(text)
    if grid is not None:
        a.grid(True, which=grid, alpha=grid_alpha)
    return a.legend(loc=loc, **legend_kwargs) if show_legend else None


def finish(result: PlotResult, title: str | None, default_title: str | None, *,
           suptitle: bool = False) -> PlotResult:
    """Apply ``title`` (None: the default, '' or False: none) to the axes or figure."""
    text = default_title if title is None else (title or None)
    if text is not None:
        if suptitle:
            result.figure.suptitle(text)
        else:
            result.axes[0].set_title(text)
    return result

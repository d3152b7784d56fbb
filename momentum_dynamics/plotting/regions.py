"""Stability-region diagrams in the (alpha*lambda, beta) plane, and rates versus kappa.

Numbers and pictures are separate: :func:`stability_region_data` and
:func:`rates_versus_kappa_data` return arrays, :func:`plot_stability_region` and
:func:`plot_rates_versus_kappa` draw them. Plot functions take ``ax=None``, never call
``plt.show()``, and return a :class:`~momentum_dynamics.plotting.PlotResult` (like
python-control 0.10's ``ControlPlot``).

The stability edge is not read off the grid: it is the zero set of the exact Jury /
Schur-Cohn conditions (:func:`momentum_dynamics.symbolic.stability_conditions`), each
factor solved for beta (or for ``alpha*lambda`` when it does not contain beta) and kept
where the other conditions hold.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from .._compile import compile_numpy
from ..methods import Method, get_method
from ..numeric import (
    REGIMES,
    continuous_critical_beta,
    critical_beta,
    damping_regime,
    poles,
    spectral_radius,
    tuned_rates,
)
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_count,
    check_grid,
    check_legend_loc,
    check_range,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = [
    "RegionData",
    "RegionEdge",
    "RegionPlot",
    "RatesData",
    "stability_region_data",
    "plot_stability_region",
    "rates_versus_kappa_data",
    "plot_rates_versus_kappa",
    "REGIME_COLORS",
]

#: Colours of the damping regimes, shared by every figure. ``"alternating"`` is the
#: stable zone where a negative real pole dominates (iterates alternate in sign).
REGIME_COLORS = {
    "underdamped": "#c6dbef",
    "critical": "#08519c",
    "overdamped": "#fdd0a2",
    "alternating": "#d9c7e8",
    "unstable": "#f0f0f0",
}

#: Shaded zones of a region diagram, in the order of :attr:`RegionData.zone` codes.
ZONES = ("underdamped", "overdamped", "alternating", "unstable")

#: Kept for code written against the old name: every figure returns a PlotResult.
RegionPlot = PlotResult

_CONTINUOUS = "#d94801"


@dataclass(frozen=True)
class RegionEdge:
    """One piece of the exact stability edge: ``factor = 0`` where the rest hold.

    Attributes
    ----------
    factor : str
        The Jury / Schur-Cohn factor that vanishes on this piece, as ``"... = 0"``.
    h : numpy.ndarray
        ``alpha*lambda`` of the points of the curve; NaN separates pieces.
    beta : numpy.ndarray
        Momentum of the points of the curve, same shape as ``h``.

    See Also
    --------
    RegionData : holds the edges of a diagram.
    momentum_dynamics.symbolic.stability_conditions : the factors.

    Examples
    --------
    >>> edge = stability_region_data("gd", resolution=5).edges[0]
    >>> edge.factor, float(np.nanmax(edge.h))
    ('h - 2 = 0', 2.0)
    """

    factor: str
    h: np.ndarray
    beta: np.ndarray


@dataclass(frozen=True)
class RegionData:
    """Arrays behind a stability-region diagram (``alpha = 1``, ``curvature = h``).

    Attributes
    ----------
    method : str
        Registry name of the method.
    title : str
        Its display title.
    h : numpy.ndarray
        The ``alpha*lambda`` axis, shape (n,).
    beta : numpy.ndarray
        The momentum axis, shape (m,).
    spectral_radius : numpy.ndarray
        Spectral radius on the grid, shape (m, n).
    regime : numpy.ndarray
        Int codes into :data:`momentum_dynamics.REGIMES`, shape (m, n).
    critical_beta : numpy.ndarray or None
        Exact critical momentum over ``h``; None without beta or when unavailable.
    continuous_critical_beta : numpy.ndarray or None
        Its small-step (continuous-time) approximation over ``h``.
    uses_beta : bool
        Whether the method has a momentum parameter.
    alternating : numpy.ndarray or None
        Bool, shape (m, n): stable points whose dominant pole is real and negative
        (a subset of ``"overdamped"``/``"critical"``).
    zone : numpy.ndarray or None
        ``regime`` and ``alternating`` combined into codes into :data:`ZONES`.
    edges : tuple of RegionEdge
        The exact stability boundary inside the window.
    log : bool
        Whether the ``alpha*lambda`` axis is log-spaced.

    See Also
    --------
    stability_region_data : computes it.
    plot_stability_region : draws it.

    Examples
    --------
    >>> d = stability_region_data("heavy_ball", resolution=4)
    >>> d.h.shape, d.beta.shape, d.regime.shape, d.uses_beta
    ((4,), (4,), (4, 4), True)
    """

    method: str
    title: str
    h: np.ndarray  # alpha*lambda axis, shape (n,)
    beta: np.ndarray  # momentum axis, shape (m,)
    spectral_radius: np.ndarray  # shape (m, n)
    regime: np.ndarray  # int codes in REGIMES order, shape (m, n)
    critical_beta: np.ndarray | None  # exact, over h; None without beta or when unavailable
    continuous_critical_beta: np.ndarray | None  # small-step approximation over h
    uses_beta: bool
    alternating: np.ndarray | None = None  # bool, shape (m, n)
    zone: np.ndarray | None = None  # int codes in ZONES order, shape (m, n)
    edges: tuple[RegionEdge, ...] = field(default_factory=tuple)
    log: bool = False


# --------------------------------------------------------------------------
# The exact stability edge
# --------------------------------------------------------------------------


@cache
def _edge_model(m: Method, extra: tuple[tuple[str, float], ...]):
    """Lambdified conditions (h, beta) -> value > 0, and each factor's zero set."""
    import sympy as sp

    from .. import symbolic as S

    h = sp.Symbol("h", real=True)
    syms = S.hyperparameter_symbols(m)
    subs = {S.alpha: 1, S.curvature: h}
    subs.update({syms[k]: sp.Float(v) if not float(v).is_integer() else sp.Integer(int(v))
                 for k, v in extra})
    cond = S.stability_conditions(m)
    parts = cond.args if isinstance(cond, sp.And) else (cond,)
    exprs = []
    for p in parts:
        if isinstance(p, (sp.StrictGreaterThan, sp.GreaterThan)):
            exprs.append(sp.expand(p.lhs - p.rhs).subs(subs))
        else:
            exprs.append(sp.expand(p.rhs - p.lhs).subs(subs))
    b = S.beta
    funcs = [compile_numpy((h, b), e) for e in exprs]
    pieces = []  # (label, kind, function): kind "beta(h)", "h", or "implicit"
    seen = set()
    for e in exprs:
        _, factors = sp.factor_list(sp.expand(e))
        for f, mult in factors:
            if mult % 2 == 0 or not f.free_symbols & {h, b} or f in seen:
                continue  # an even factor does not change sign: no edge
            seen |= {f, sp.expand(-f)}
            label = f"{sp.sstr(f)} = 0"
            sols = None
            if b in f.free_symbols:
                try:
                    sols = sp.solve(f, b)
                except NotImplementedError:
                    sols = None
                if sols:
                    for s in sols:
                        pieces.append((label, "beta(h)", compile_numpy([h], s)))
                else:
                    pieces.append((label, "implicit", compile_numpy((h, b), f)))
            else:
                for s in sp.solve(f, h):
                    if s.is_real:
                        pieces.append((label, "h", float(s)))
    return funcs, pieces


def _holds(funcs, h, b, window, tol=1e-9):
    """All conditions >= 0 (up to rounding) and the point inside the window."""
    h0, h1, b0, b1 = window
    h = np.asarray(h, float)
    b = np.asarray(b, float)
    ok = (h >= h0 - 1e-12 * abs(h0)) & (h <= h1 + 1e-12 * abs(h1)) & (b >= b0 - 1e-12) \
        & (b <= b1 + 1e-12) & np.isfinite(h) & np.isfinite(b)
    with np.errstate(all="ignore"):
        for f in funcs:
            v = np.broadcast_to(np.asarray(f(h, b), float), ok.shape)
            ok &= v >= -tol * np.maximum(1.0, np.abs(h) + np.abs(b))
    return ok


def _trace(t, point, funcs, window):
    """Points ``point(t)`` on a curve, NaN where it leaves the closed stable set.

    Each entry and exit is located by bisection on ``t`` so that the pieces reach
    the corners of the region instead of stopping at the last grid point.
    """
    with np.errstate(all="ignore"):
        hh, bb = point(t)
    ok = _holds(funcs, hh, bb, window)
    hs, bs = [], []
    for i in range(t.size):
        if i and ok[i] != ok[i - 1]:
            lo, hi = t[i - 1], t[i]
            good_lo = ok[i - 1]
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                with np.errstate(all="ignore"):
                    good = bool(_holds(funcs, *point(np.array([mid])), window)[0])
                if good == good_lo:
                    lo = mid
                else:
                    hi = mid
            edge_t = lo if good_lo else hi
            with np.errstate(all="ignore"):
                eh, eb = point(np.array([edge_t]))
            if not good_lo:
                hs.append(np.nan)
                bs.append(np.nan)
            hs.append(float(eh[0]))
            bs.append(float(eb[0]))
        if ok[i]:
            hs.append(float(hh[i]))
            bs.append(float(bb[i]))
    if not hs or all(np.isnan(hs)):
        return None
    return np.array(hs), np.array(bs)


def _edges(m: Method, extra: dict, window, log: bool, n: int) -> tuple[RegionEdge, ...]:
    funcs, pieces = _edge_model(m, tuple(sorted((k, float(v)) for k, v in extra.items())))
    h0, h1, b0, b1 = window
    ht = np.geomspace(h0, h1, n) if log else np.linspace(h0, h1, n)
    bt = np.linspace(b0, b1, n)
    out = []
    for label, kind, f in pieces:
        if kind == "beta(h)":
            def point(t, f=f):
                with np.errstate(all="ignore"):
                    v = np.broadcast_to(np.asarray(f(t.astype(complex)), complex), t.shape)
                real = np.abs(v.imag) <= 1e-12 * np.maximum(1.0, np.abs(v.real))
                return t, np.where(real, v.real, np.nan)
            got = _trace(ht, point, funcs, window)
        elif kind == "h":
            got = _trace(bt, lambda t, x=f: (np.full(t.shape, x), t), funcs, window)
        else:  # implicit: sign changes of f along beta in each column, refined
            hs, bs = [], []
            for hv in ht:
                vals = f(hv, bt)
                for j in np.flatnonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0):
                    lo, hi = bt[j], bt[j + 1]
                    for _ in range(60):
                        mid = 0.5 * (lo + hi)
                        lo, hi = (mid, hi) if np.sign(f(hv, mid)) == np.sign(vals[j]) \
                            else (lo, mid)
                    hs.append(hv)
                    bs.append(0.5 * (lo + hi))
            hs, bs = np.array(hs), np.array(bs)
            keep = _holds(funcs, hs, bs, window) if hs.size else hs.astype(bool)
            got = (hs[keep], bs[keep]) if keep.any() else None
        if got is not None:
            out.append(RegionEdge(label, *got))
    return tuple(out)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def _axis(values, name, lo, hi, resolution, log):
    if values is not None:
        return check_grid(values, name, positive=log)
    return np.geomspace(lo, hi, resolution) if log else np.linspace(lo, hi, resolution)


def _critical_curves(m, h_ax, hyperparameters, critical):
    """Exact and continuous critical beta, or (None, None) when skipped or unavailable.

    ``critical=None`` draws what exists: the exact curve (closed form for two states,
    per-point roots of the discriminant for more) and the continuous approximation
    where it has a closed form (NaN otherwise).
    """
    if critical is False or not m.has_momentum:
        return None, None
    try:
        crit = critical_beta(m, 1.0, h_ax, **hyperparameters)
    except ValueError as exc:
        warnings.warn(f"critical-damping curve of {m.name!r} skipped: {exc}", stacklevel=3)
        return None, None
    try:
        cont = continuous_critical_beta(m, 1.0, h_ax, **hyperparameters)
    except ValueError:  # no closed-form branch to expand (rules of order 3+)
        cont = np.full(np.shape(h_ax), np.nan)
    return np.asarray(crit, float), np.asarray(cont, float)


def stability_region_data(method: str | Method, h=None, beta=None, resolution: int = 400, *,
                          alpha_lambda_range: tuple[float, float] | None = None,
                          beta_range: tuple[float, float] = (0.0, 1.0), log: bool = False,
                          critical: bool | None = None, **hyperparameters) -> RegionData:
    """Spectral radius, damping regime and exact stability edge over (alpha*lambda, beta).

    The plane is that of :math:`\\alpha\\lambda` (step times curvature) and the
    momentum :math:`\\beta`; every quantity depends on :math:`\\alpha` and
    :math:`\\lambda` only through their product, so ``alpha = 1`` and
    ``curvature = h``. The sign-alternating zone is where the dominant pole (from
    :func:`momentum_dynamics.poles`) is real and negative: the iterates flip sign
    each step without a complex pair.

    Parameters
    ----------
    method : str or Method
    h : array_like, optional
        The ``alpha*lambda`` axis; overrides ``alpha_lambda_range``.
    beta : array_like, optional
        The momentum axis; overrides ``beta_range``. Ignored by methods without
        momentum, whose region does not depend on beta.
    resolution : int
        Points per axis (>= 2) for the default axes.
    alpha_lambda_range : (float, float), optional
        Default (4.5 / resolution, 4.5), or (0, 2.5] for methods without momentum;
        on a log axis the lower end defaults to 1e-3.
    beta_range : (float, float)
        Within [-1, 1]; default (0, 1). Use (-1, 1) to see negative momentum.
    log : bool
        Log-spaced ``alpha*lambda`` axis.
    critical : bool or None
        Compute the critical-damping curves. None (default) or True: draw them (closed
        form for two states, per-point roots of the discriminant for more; the
        continuous approximation only where it has a closed form); False: skip. A rule
        without a real critical beta (a ValueError from
        :func:`momentum_dynamics.critical_beta`) is skipped with a warning.
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    RegionData

    Raises
    ------
    ValueError, TypeError
        Bad ``resolution``, ranges with lo >= hi, a beta range outside [-1, 1],
        a non-positive log axis, or an unknown method.

    See Also
    --------
    plot_stability_region : draws these arrays.
    momentum_dynamics.symbolic.stability_conditions : the exact conditions.

    Examples
    --------
    >>> d = stability_region_data("heavy_ball", resolution=5)
    >>> d.spectral_radius.shape
    (5, 5)
    >>> [e.factor for e in stability_region_data("gd", resolution=5).edges]
    ['h - 2 = 0']
    """
    m = get_method(method)
    resolution = check_count(resolution, "resolution", 2)
    h_max = 4.5 if m.has_momentum else 2.5
    if alpha_lambda_range is None:
        lo, hi = (1e-3 if log else h_max / resolution), h_max
    else:
        lo, hi = check_range(alpha_lambda_range, "alpha_lambda_range", positive=log)
    b_lo, b_hi = check_range(beta_range, "beta_range")
    if b_lo < -1 or b_hi > 1:
        raise ValueError(f"beta_range must lie within [-1, 1]; got {beta_range!r}")
    h_ax = _axis(h, "h", lo, hi, resolution, log)
    b_ax = _axis(beta, "beta", b_lo, b_hi, resolution, False)
    if m.has_momentum and (b_ax.min() < -1 or b_ax.max() > 1):
        raise ValueError(f"beta must lie within [-1, 1]; got values in "
                         f"[{b_ax.min():g}, {b_ax.max():g}]")
    H = h_ax[None, :]
    B = b_ax[:, None]
    b_arg = B if m.has_momentum else None
    shape = (b_ax.size, h_ax.size)
    rho = np.broadcast_to(spectral_radius(m, 1.0, b_arg, H, **hyperparameters), shape)
    reg = np.broadcast_to(damping_regime(m, 1.0, b_arg, H, **hyperparameters), shape)
    dominant = np.broadcast_to(poles(m, 1.0, b_arg, H, **hyperparameters)[..., 0], shape)
    crit, cont = _critical_curves(m, h_ax, hyperparameters, critical)
    codes = np.zeros(shape, dtype=int)
    for i, name in enumerate(REGIMES):
        codes[reg == name] = i
    stable = reg != "unstable"
    real = np.abs(dominant.imag) <= 1e-12 * np.maximum(np.abs(dominant), 1e-300)
    alternating = stable & (reg != "underdamped") & real & (dominant.real < 0)
    zone = np.where(~stable, ZONES.index("unstable"),
                    np.where(alternating, ZONES.index("alternating"),
                             np.where(reg == "underdamped", ZONES.index("underdamped"),
                                      ZONES.index("overdamped"))))
    window = (float(h_ax.min()), float(h_ax.max()), float(b_ax.min()), float(b_ax.max()))
    edges = _edges(m, hyperparameters, window, log, max(2001, 4 * resolution))
    return RegionData(m.name, m.title, h_ax, b_ax, np.asarray(rho, float), codes, crit, cont,
                      m.has_momentum, alternating, zone, edges, bool(log))


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def _as_methods(method) -> list[Method]:
    if isinstance(method, (str, Method)):
        return [get_method(method)]
    if not isinstance(method, Sequence):
        raise TypeError(f"method must be a method name, a Method or a sequence of them; "
                        f"got {method!r}")
    methods = [get_method(m) for m in method]
    if not methods:
        raise ValueError("method must name at least one method")
    return methods


# The spectral-radius colour bar drawn on each figure, so repeated calls on a user's
# axes reuse it instead of stacking new ones; weak keys let figures be collected.
_RHO_COLORBARS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _colorbar(fig, axes, levels, colorbar, created):
    """One spectral-radius colour bar per figure: reused on repeated calls."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    if not colorbar:
        return None
    existing = _RHO_COLORBARS.get(fig)
    if existing is not None and not created and existing.ax.figure is fig:
        return existing
    sm = ScalarMappable(norm=Normalize(vmin=min(levels), vmax=1.0), cmap="viridis")
    cb = fig.colorbar(sm, ax=axes, shrink=0.9, pad=0.02, aspect=30)
    cb.set_label(r"spectral radius $\rho$ (rate per step)")
    _RHO_COLORBARS[fig] = cb
    return cb


def plot_stability_region(method=("heavy_ball", "nesterov"), ax=None, *, resolution: int = 400,
                          contours: Sequence[float] = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99),
                          show_regimes: bool = True, colorbar: bool = True,
                          legend: bool = True, legend_loc: str | int | None = None,
                          alpha_lambda_range: tuple[float, float] | None = None,
                          beta_range: tuple[float, float] = (0.0, 1.0), log: bool = False,
                          critical: bool | None = None, figsize: tuple[float, float] | None = None,
                          title: str | None = None, **hyperparameters) -> PlotResult:
    """Draw the stable set, damping regimes and spectral-radius contours.

    In the plane of :math:`\\alpha\\lambda` (step times curvature) and :math:`\\beta`:
    the regimes are shaded (underdamped: complex pole pair; overdamped: real poles,
    the dominant one positive; sign-alternating: the dominant pole real and negative;
    unstable: grey), the exact stability edge is drawn from the Jury / Schur-Cohn
    conditions (not from the grid), spectral-radius level sets are labelled, and the
    critically damped momentum is drawn exactly (solid) beside the continuous-time
    approximation (dashed). Several methods are drawn side by side on one colour
    scale.

    Parameters
    ----------
    method : str, Method or sequence of them
    ax : matplotlib Axes or sequence of Axes, optional
        One per method; created when not given.
    resolution : int
        Grid points per axis (>= 2).
    contours : sequence of float
        Spectral-radius levels to draw (empty: none).
    show_regimes : bool
        Shade the damping regimes.
    colorbar : bool
        Draw the spectral-radius colour bar; on a figure that already has one from
        an earlier call, it is reused rather than stacked.
    legend : bool
        Draw the legend (same as ``legend_loc=False`` when False).
    legend_loc : str or int, optional
        Matplotlib location; default below the panels on a new figure, ``"lower
        right"`` on given axes. False: no legend.
    alpha_lambda_range, beta_range, log, critical
        As in :func:`stability_region_data`.
    figsize : (float, float), optional
        Size of a new figure in inches (default 7 wide).
    title : str, optional
        Replaces the panel title (one method) or becomes the figure title
        (several); '' for none.
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    PlotResult
        ``lines``: critical curves; artists ``edges`` (the stability-edge lines),
        ``contours``, ``images``; ``data``: one :class:`RegionData` per method.

    See Also
    --------
    stability_region_data : the arrays drawn.

    Examples
    --------
    >>> out = plot_stability_region("heavy_ball", resolution=50)
    >>> len(out.axes)
    1
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    methods = _as_methods(method)
    resolution = check_count(resolution, "resolution", 2)
    show_legend, loc = check_legend_loc(legend_loc, legend)
    try:
        levels = sorted(float(c) for c in contours)
    except (TypeError, ValueError):
        raise TypeError(f"contours must be a sequence of numbers; got {contours!r}") from None
    if any(not 0 < c <= 1 for c in levels):
        raise ValueError(f"contours must be spectral radii in (0, 1]; got {contours!r}")
    n = len(methods)
    default = (TEXT_WIDTH, 4.6) if n == 1 else (TEXT_WIDTH, 3.9 if n == 2 else 3.2)
    fig, axes, created = figure_axes(ax, n, figsize, default, sharey=True)
    h_max = max(4.5 if m.has_momentum else 2.5 for m in methods)
    rng = alpha_lambda_range
    if rng is None:
        rng = ((1e-3 if log else h_max / resolution), h_max)
    cmap = ListedColormap([REGIME_COLORS[z] for z in ZONES])
    norm = BoundaryNorm(np.arange(len(ZONES) + 1) - 0.5, cmap.N)
    lines, edges, contour_sets, images, datas = [], [], [], [], []
    has_alternating = False
    with style():
        for a, m in zip(axes, methods, strict=True):
            d = stability_region_data(m, resolution=resolution, alpha_lambda_range=rng,
                                      beta_range=beta_range, log=log, critical=critical,
                                      **hyperparameters)
            datas.append(d)
            has_alternating |= bool(d.alternating.any())
            if show_regimes:
                images.append(a.pcolormesh(d.h, d.beta, d.zone, cmap=cmap, norm=norm,
                                           shading="nearest", rasterized=True))
            stable = d.spectral_radius < 1
            if levels:
                cs = a.contour(d.h, d.beta, np.where(stable, d.spectral_radius, np.nan),
                               levels=levels, cmap="viridis", vmin=min(levels), vmax=1.0,
                               linewidths=0.9)
                a.clabel(cs, fmt="%.2f", fontsize=7, inline=True)
                contour_sets.append(cs)
            for e in d.edges:
                edges += a.plot(e.h, e.beta, color="k", lw=1.6, solid_capstyle="butt",
                                clip_on=False, zorder=3)
            if d.critical_beta is not None:
                lines += a.plot(d.h, d.critical_beta, color=REGIME_COLORS["critical"], lw=2.0,
                                label="critical damping (exact)")
                cont = np.where((d.continuous_critical_beta >= d.beta[0])
                                & (d.continuous_critical_beta <= d.beta[-1]),
                                d.continuous_critical_beta, np.nan)
                lines += a.plot(d.h, cont, color=_CONTINUOUS, lw=1.6, ls="--",
                                label=r"continuous approx. ($\zeta = 1$)")
            a.set_title(d.title if d.uses_beta else f"{d.title} ($\\beta$ not used)")
            if log:
                a.set_xscale("log")
            # The default linear axis starts one cell after 0: show the origin.
            a.set_xlim(0.0 if (alpha_lambda_range is None and not log) else d.h[0], d.h[-1])
            a.set_ylim(d.beta[0], d.beta[-1])
            a.set_xlabel(r"$\alpha\lambda$  (step $\times$ curvature)")
            if a is axes[0] or not created:
                a.set_ylabel(r"$\beta$  (momentum)")
        cb = _colorbar(fig, axes, levels, colorbar, created) if levels else None
        leg = None
        if show_legend:
            handles = [Patch(facecolor=REGIME_COLORS[r], edgecolor="0.6", label=r)
                       for r in ("underdamped", "overdamped")]
            if has_alternating:
                handles.append(Patch(facecolor=REGIME_COLORS["alternating"], edgecolor="0.6",
                                     label="sign-alternating (negative real pole)"))
            handles += [Patch(facecolor=REGIME_COLORS["unstable"], edgecolor="0.6",
                              label="unstable"),
                        Line2D([], [], color="k", lw=1.6, label=r"stability edge $\rho = 1$")]
            if any(d.critical_beta is not None for d in datas):
                approx = (r"continuous approx. $1-2\sqrt{\alpha\lambda}$"
                          if all(d.method in ("heavy_ball", "nesterov") for d in datas
                                 if d.critical_beta is not None) else "continuous approx.")
                handles += [Line2D([], [], color=REGIME_COLORS["critical"], lw=2.0,
                                   label="critical damping (exact)"),
                            Line2D([], [], color=_CONTINUOUS, lw=1.6, ls="--", label=approx)]
            if created and legend_loc is None:
                leg = fig.legend(handles=handles, loc="outside lower center",
                                 ncol=3 if len(handles) > 4 else len(handles), frameon=False)
            else:
                leg = axes[-1].legend(handles=handles, loc=loc or "lower right",
                                      framealpha=0.9)
    out = PlotResult(fig, axes, lines, leg, colorbar=cb, data=datas if n > 1 else datas[0],
                     edges=edges, contours=contour_sets, images=images)
    if title is not None:
        if n == 1:
            axes[0].set_title(title)
        elif title:
            fig.suptitle(title)
    return out


# --------------------------------------------------------------------------
# Rates against the condition number
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RatesData:
    """Tuned worst-case rates over ``kappa`` (rows of :func:`momentum_dynamics.tuned_rates`).

    Attributes
    ----------
    kappa : numpy.ndarray
        Condition numbers, shape (n,).
    rows : tuple of RateRow
        One row per (method, tuning): exact and approximate rates over ``kappa``.

    See Also
    --------
    rates_versus_kappa_data : computes it.
    plot_rates_versus_kappa : draws it.

    Examples
    --------
    >>> d = rates_versus_kappa_data([1.0, 100.0])
    >>> d.kappa.shape, d.rows[0].method
    ((2,), 'gd')
    """

    kappa: np.ndarray
    rows: tuple


def rates_versus_kappa_data(kappa=None) -> RatesData:
    """Exact and approximate tuned rates of GD, heavy ball and Nesterov over ``kappa``.

    Parameters
    ----------
    kappa : array_like, optional
        Condition numbers >= 1 (default 200 points log-spaced on [1, 1e8]).

    Returns
    -------
    RatesData

    See Also
    --------
    plot_rates_versus_kappa : draws these numbers.

    Examples
    --------
    >>> d = rates_versus_kappa_data([1.0, 100.0])
    >>> [r.method for r in d.rows][:3]
    ['gd', 'heavy_ball', 'nesterov']
    """
    from .._validation import check_kappa

    k = np.logspace(0, 8, 200) if kappa is None else check_grid(kappa, "kappa", minimum=1)
    check_kappa(k)
    return RatesData(k, tuple(tuned_rates(k)))


def plot_rates_versus_kappa(kappa=None, ax=None, *, figsize: tuple[float, float] | None = None,
                            title: str | None = None,
                            legend_loc: str | int | None = "lower left") -> PlotResult:
    """Tuned worst-case rates of GD, heavy ball and Nesterov against ``kappa``.

    Plots :math:`1 - \\rho` (the per-step contraction gain) on log-log axes: exact
    values solid, the large-:math:`\\kappa` approximations dotted (Polyak 1964;
    Nesterov 1983; Lessard, Recht & Packard 2016).

    Parameters
    ----------
    kappa : array_like, optional
        As in :func:`rates_versus_kappa_data`.
    ax : matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``lines`` alternate exact and approximate curves, one pair per row.

    See Also
    --------
    rates_versus_kappa_data : the numbers drawn.
    momentum_dynamics.tuned_rates : the rates of one kappa.

    Examples
    --------
    >>> out = plot_rates_versus_kappa(np.logspace(0, 4, 20))
    >>> len(out.lines)
    8
    """
    show_legend, loc = check_legend_loc(legend_loc)
    d = rates_versus_kappa_data(kappa)
    fig, (a,), _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH, 4.4))
    colors = {"gd": "#636363", "heavy_ball": "#08519c", "nesterov": "#d94801"}
    lines = []
    with style():
        for row in d.rows:
            c = colors[row.method] if row.tuning == "optimal" else "#756bb1"
            label = f"{get_method(row.method).title} ({row.tuning})"
            lines += a.loglog(d.kappa, 1 - np.asarray(row.exact_rate), color=c, lw=2,
                              label=label)
            lines += a.loglog(d.kappa, 1 - np.asarray(row.approximate_rate), color=c, ls=":",
                              lw=1.3, label=f"  approx. ${_latex(row.approximation)}$")
        leg = label_panel(a, show_legend, loc, xlabel=r"condition number $\kappa = L/\mu$",
                          ylabel=r"$1 - \rho$  (progress per step)", ncol=2)
    out = PlotResult(fig, [a], lines, leg, data=d)
    return finish(out, title, r"Tuned rates: exact (solid) and large-$\kappa$ "
                              "approximation (dotted)")


def _latex(expr) -> str:
    import sympy as sp

    return sp.latex(expr)

"""Momentum in min-max games: the ``(alpha*sigma, beta)`` plane and trajectories.

Numbers come from :mod:`momentum_dynamics.applications.games` and
:func:`momentum_dynamics.simulate`; this module only draws them (Gidel et al. 2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._validation import check_scalar
from ..applications.games import (
    BestGameMomentum,
    GameRegion,
    best_game_momentum,
    game_stability_region,
)
from ..methods import get_method
from ..numeric import spectral_radius
from ..simulate import QuadraticGame, Trajectory, simulate
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

__all__ = ["GameRegionData", "game_region_data", "plot_game_region",
           "GameTrajectoriesData", "game_trajectories_data", "plot_game_trajectories"]

#: The default panels: simultaneous and alternating heavy-ball GDA on the bilinear game,
#: and alternating with self-curvature a = c = 0.25 sigma.
DEFAULT_PANELS = (("gda_simultaneous_heavy_ball", 0.0, 0.0),
                  ("gda_alternating_heavy_ball", 0.0, 0.0),
                  ("gda_alternating_heavy_ball", 0.25, 0.25))


@dataclass(frozen=True)
class GameRegionData:
    """The numbers behind :func:`plot_game_region`, one entry per panel.

    Attributes
    ----------
    regions : tuple of GameRegion
        Spectral radius and stability over the ``(alpha*sigma, beta)`` grid.
    best : tuple of tuple of BestGameMomentum
        Per panel, the best momentum along a coarse ``alpha*sigma`` grid (only the
        points where it converges; empty when none does).

    See Also
    --------
    game_region_data : computes it.

    Examples
    --------
    >>> d = game_region_data(resolution=21, best_points=3)
    >>> len(d.regions), d.regions[0].rho.shape
    (3, (21, 21))
    """

    regions: tuple[GameRegion, ...]
    best: tuple[tuple[BestGameMomentum, ...], ...]


def _panels(panels) -> list[tuple[str, float, float]]:
    if not isinstance(panels, Sequence) or isinstance(panels, str) or not panels:
        raise TypeError(f"panels must be a non-empty sequence of (method, a, c); got {panels!r}")
    out = []
    for i, p in enumerate(panels):
        if isinstance(p, str) or not isinstance(p, Sequence) or len(p) != 3:
            raise TypeError(f"panels[{i}] must be (method, a, c); got {p!r}")
        m = get_method(p[0])
        out.append((m.name, check_scalar(p[1], f"panels[{i}] a"),
                    check_scalar(p[2], f"panels[{i}] c")))
    return out


def game_region_data(panels: Sequence = DEFAULT_PANELS, *, max_alpha_sigma: float = 2.2,
                     resolution: int = 241, best_points: int = 40) -> GameRegionData:
    """Spectral radius over ``(alpha*sigma, beta)`` and the best-momentum curve, per panel.

    Parameters
    ----------
    panels : sequence of (method, a, c)
        A game rule with momentum and its self-curvatures relative to sigma, per panel
        (default: simultaneous and alternating heavy-ball GDA on the bilinear game,
        then alternating with ``a = c = 0.25``).
    max_alpha_sigma : float
        Right end of the ``alpha*sigma`` axis, > 0.
    resolution : int
        Grid points per axis (>= 11).
    best_points : int
        Points of the best-momentum curve (>= 2).

    Returns
    -------
    GameRegionData

    See Also
    --------
    plot_game_region : draws it.
    momentum_dynamics.applications.game_stability_region : one panel's numbers.

    Examples
    --------
    >>> d = game_region_data([("gda_alternating_heavy_ball", 0.0, 0.0)], resolution=11,
    ...                      best_points=2)  # at alpha*sigma = 1.1 and 2.2 (> 2: diverges)
    >>> bool(d.regions[0].stable.any()), len(d.best[0])
    (True, 1)
    """
    ps = _panels(panels)
    hmax = float(check_scalar(max_alpha_sigma, "max_alpha_sigma"))
    if not hmax > 0:
        raise ValueError(f"max_alpha_sigma must be > 0; got {max_alpha_sigma!r}")
    n = check_count(resolution, "resolution", 11)
    k = check_count(best_points, "best_points", 2)
    h = np.linspace(hmax / n, hmax, n)
    b = np.linspace(-1.0, 1.0, n)
    regions, best = [], []
    for name, a, c in ps:
        regions.append(game_stability_region(name, h, b, a=a, c=c))
        curve = [best_game_momentum(x, name, a=a, c=c, xtol=1e-9)
                 for x in np.linspace(hmax / k, hmax, k)]
        best.append(tuple(r for r in curve if r.rate < 1))
    return GameRegionData(tuple(regions), tuple(best))


def plot_game_region(panels: Sequence = DEFAULT_PANELS, ax=None, *,
                     max_alpha_sigma: float = 2.2, resolution: int = 241,
                     best_points: int = 40, figsize: tuple[float, float] | None = None,
                     title: str | None = None,
                     legend_loc: str | int | None = "upper right") -> PlotResult:
    """Draw the spectral radius of game rules over the ``(alpha*sigma, beta)`` plane.

    Colour is the spectral radius (blue converges, red diverges, white on the unit
    circle), the black line its level 1 (the stability boundary), the orange curve the
    best momentum for each ``alpha*sigma`` where one converges, the dashed line
    ``beta = 0``. Simultaneous GDA has no stable point; alternating GDA is stable only
    for negative momentum (Gidel et al. 2019).

    Parameters
    ----------
    panels, max_alpha_sigma, resolution, best_points
        As in :func:`game_region_data`.
    ax : sequence of matplotlib Axes, optional
        One per panel; created when not given.
    figsize, title, legend_loc
        Size of a new figure; figure title ('' for none); legend location in the last
        panel (False: none).

    Returns
    -------
    PlotResult
        ``lines``: the best-momentum curves; artists ``meshes`` and ``boundaries``
        (one per panel).

    See Also
    --------
    game_region_data : the numbers drawn.
    plot_game_trajectories : runs at three points of the plane.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> out = plot_game_region(resolution=21, best_points=3)
    >>> len(out.axes), len(out.meshes)
    (3, 3)
    """
    from matplotlib.colors import TwoSlopeNorm

    d = game_region_data(panels, max_alpha_sigma=max_alpha_sigma, resolution=resolution,
                         best_points=best_points)
    show_legend, loc = check_legend_loc(legend_loc)
    n = len(d.regions)
    fig, axes, _ = figure_axes(ax, n, figsize, (TEXT_WIDTH, 2.9), sharey=True)
    norm = TwoSlopeNorm(vmin=0.5, vcenter=1.0, vmax=1.5)
    meshes, bounds, lines, legend = [], [], [], None
    with style():
        for i, (a_, r, best) in enumerate(zip(axes, d.regions, d.best, strict=True)):
            mesh = a_.pcolormesh(r.alpha_sigma, r.beta, np.clip(r.rho, 0.5, 1.5), norm=norm,
                                 cmap="RdBu_r", shading="auto", rasterized=True)
            meshes.append(mesh)
            bounds.append(a_.contour(r.alpha_sigma, r.beta, r.rho, levels=[1.0],
                                     colors="k", linewidths=1.0))
            a_.axhline(0.0, color="0.3", ls="--", lw=0.8)
            if best:
                (ln,) = a_.plot([p.alpha_sigma for p in best], [p.beta for p in best],
                                color="#fd8d3c", lw=2.0, label=r"best $\beta$")
                lines.append(ln)
            game = ("bilinear" if r.a == 0 and r.c == 0
                    else f"a = c = {r.a:g} sigma" if r.a == r.c
                    else f"a = {r.a:g}, c = {r.c:g} (x sigma)")
            # "alternating GDA, heavy ball" -> two short lines that fit a third of 7 in
            head, _, tail = get_method(r.method).title.partition(", ")
            leg = label_panel(a_, show_legend=show_legend and bool(best) and i == n - 1,
                        loc=loc,
                        xlabel=r"$\alpha\sigma$", ylabel=r"$\beta$" if i == 0 else None,
                        title=f"{head}\n{tail}\n{game}" if tail else f"{head}\n{game}",
                        grid=None)
            legend = leg if leg is not None else legend
        cb = fig.colorbar(meshes[0], ax=axes, shrink=0.9, label="spectral radius",
                          extend="both")
    out = PlotResult(fig, axes, lines, legend, colorbar=cb, data=d, meshes=meshes,
                     boundaries=bounds)
    return finish(out, title, "", suptitle=True)


@dataclass(frozen=True)
class GameTrajectoriesData:
    """Three runs on the bilinear game :math:`xy`: cycling, converging, diverging.

    Attributes
    ----------
    labels : tuple of str
        Panel titles.
    trajectories : tuple of Trajectory
        Alternating GDA at ``beta = 0``, alternating at the best negative ``beta``,
        simultaneous GDA at ``beta = 0`` (all heavy-ball rules).
    rates : tuple of float
        The spectral radius of each setting (predicted rate).
    betas : tuple of float
        The momentum of each run.
    alpha_sigma : float
        The step size times the singular value.

    See Also
    --------
    game_trajectories_data : computes it.

    Examples
    --------
    >>> d = game_trajectories_data(steps=10)
    >>> [round(r, 4) for r in d.rates]
    [1.0, 0.9625, 1.118]
    """

    labels: tuple[str, ...]
    trajectories: tuple[Trajectory, ...]
    rates: tuple[float, ...]
    betas: tuple[float, ...]
    alpha_sigma: float


def game_trajectories_data(alpha_sigma: float = 0.5, *, steps: int = 60
                           ) -> GameTrajectoriesData:
    """Simulate the three behaviours of GDA on :math:`f(x, y) = xy` side by side.

    Parameters
    ----------
    alpha_sigma : float
        Step size (the singular value is 1), in (0, 2) so that alternating GDA cycles.
    steps : int
        Steps per run (>= 1).

    Returns
    -------
    GameTrajectoriesData

    See Also
    --------
    plot_game_trajectories : draws it.

    Examples
    --------
    >>> d = game_trajectories_data(steps=200)
    >>> [bool(np.abs(t.x[-1]).max() < 1e-2) for t in d.trajectories]
    [False, True, False]
    """
    h = float(check_scalar(alpha_sigma, "alpha_sigma"))
    if not 0 < h < 2:
        raise ValueError(f"alpha_sigma must lie in (0, 2) (where alternating GDA cycles); "
                         f"got {alpha_sigma!r}")
    steps = check_count(steps, "steps", 1)
    best = best_game_momentum(h)
    game = QuadraticGame(1.0)
    runs = (("gda_alternating_heavy_ball", 0.0, "alternating, $\\beta$ = 0\ncycles"),
            ("gda_alternating_heavy_ball", best.beta,
             f"alternating, $\\beta$ = {best.beta:.3f}\nconverges"),
            ("gda_simultaneous_heavy_ball", 0.0, "simultaneous, $\\beta$ = 0\ndiverges"))
    trs, rates = [], []
    for name, b, _ in runs:
        trs.append(simulate(name, game, alpha=h, beta=b, steps=steps))
        rates.append(float(spectral_radius(name, alpha=h, beta=b, sigma=1.0)))
    return GameTrajectoriesData(tuple(r[2] for r in runs), tuple(trs), tuple(rates),
                                tuple(float(r[1]) for r in runs), h)


def plot_game_trajectories(alpha_sigma: float = 0.5, ax=None, *, steps: int = 60,
                           figsize: tuple[float, float] | None = None,
                           title: str | None = None,
                           legend_loc: str | int | None = None) -> PlotResult:
    """Phase portraits (x, y) of GDA on :math:`xy`: cycling, converging and diverging.

    Parameters
    ----------
    alpha_sigma, steps
        As in :func:`game_trajectories_data`.
    ax : sequence of three matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure; figure title (None: the default, '' for none); legend
        location (False: none; the default draws none, the panel titles say it all).

    Returns
    -------
    PlotResult
        ``lines``: the three trajectories, then the start markers.

    See Also
    --------
    game_trajectories_data : the numbers drawn.
    plot_game_region : where the three settings lie.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> out = plot_game_trajectories(steps=20)
    >>> len(out.axes), len(out.lines)
    (3, 6)
    """
    d = game_trajectories_data(alpha_sigma, steps=steps)
    check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 3, figsize, (TEXT_WIDTH, 2.7))
    lines, starts = [], []
    colors = ("#636363", "#08519c", "#d94801")
    with style():
        for a_, tr, lab, rate, col in zip(axes, d.trajectories, d.labels, d.rates, colors,
                                          strict=True):
            x, y = tr.states["x"][:, 0], tr.states["y"][:, 0]
            ok = np.isfinite(x) & np.isfinite(y)
            (ln,) = a_.plot(x[ok], y[ok], color=col, lw=0.9, marker=".", ms=2.5)
            lines.append(ln)
            (st,) = a_.plot(x[:1], y[:1], ls="none", marker="o", ms=5, color="k")
            starts.append(st)
            a_.plot([0.0], [0.0], ls="none", marker="+", ms=8, color="k")
            a_.set_aspect("equal", adjustable="datalim")
            label_panel(a_, xlabel=r"$x$ (minimises)", ylabel=r"$y$ (maximises)",
                        title=f"{lab}, $\\rho$ = {rate:.4f}")
    out = PlotResult(fig, axes, lines + starts, None, data=d)
    return finish(out, title, f"GDA on $f(x, y) = xy$, $\\alpha\\sigma$ = {d.alpha_sigma:g} "
                  "(Gidel et al. 2019)", suptitle=True)

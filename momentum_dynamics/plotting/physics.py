"""Figures for the physical readings: critical damping (continuous versus exact) and the
convergence of the iterates to their ODE.

Plot functions take ``ax=None``, never call ``plt.show()`` and return a
:class:`~momentum_dynamics.plotting.PlotResult`; ``*_data`` companions return the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..methods import get_method
from ..physics import (
    critical_damping_comparison,
    discrete_trajectory,
    discretisation_error,
    ode_trajectory,
)
from ..simulate import Quadratic
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_grid,
    check_legend_loc,
    check_positive,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = [
    "CriticalDampingPlot",
    "critical_damping_comparison_data",
    "plot_critical_damping_comparison",
    "ODEConvergencePlot",
    "ODEConvergenceData",
    "ode_convergence_data",
    "plot_ode_convergence",
]

_EXACT = "#08519c"
_CONT = "#d94801"
_LEAD = "#756bb1"
_BAD = "#bdbdbd"


#: Kept for code written against the old names: every figure returns a PlotResult.
CriticalDampingPlot = ODEConvergencePlot = PlotResult


def _shade_invalid(a, h, valid):
    """Shade the alpha*lambda intervals where ``valid`` is False; return the patches."""
    patches = []
    bad = ~np.asarray(valid, bool)
    if not bad.any():
        return patches
    edges = np.flatnonzero(np.diff(np.r_[0, bad.astype(int), 0]))
    for lo, hi in zip(edges[::2], edges[1::2], strict=True):
        x0 = h[lo - 1] if lo > 0 else h[0]
        x1 = h[hi - 1]
        patches.append(a.axvspan(np.sqrt(x0 * h[lo]) if lo > 0 else x0, x1, color=_BAD,
                                 alpha=0.45, lw=0, zorder=0))
    return patches


def _other_loc(loc, default):
    """Legend place of a panel whose curves rise to the right: the user's, or upper left."""
    return "upper left" if loc in (None, default) else loc


def critical_damping_comparison_data(method="heavy_ball", alpha_lambda=None,
                                     **hyperparameters):
    """The numbers behind :func:`plot_critical_damping_comparison`.

    :func:`momentum_dynamics.physics.critical_damping_comparison` with its grid
    checked: ``alpha_lambda`` a 1-D array of at least 2 positive values.

    Parameters
    ----------
    method : str or Method
        A method with momentum (registry name or Method).
    alpha_lambda : array_like, optional
        Grid (default 400 points log-spaced on [1e-4, 4)).
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    CriticalDampingComparison
        Exact and continuous critical momenta and their rates over the grid.

    See Also
    --------
    plot_critical_damping_comparison : draws these numbers.
    momentum_dynamics.physics.critical_damping_comparison : computes them.

    Examples
    --------
    >>> d = critical_damping_comparison_data("heavy_ball", [0.01, 0.25])
    >>> [round(float(x), 12) for x in d.exact]
    [0.81, 0.25]
    """
    if alpha_lambda is not None:
        alpha_lambda = check_grid(alpha_lambda, "alpha_lambda", positive=True)
    return critical_damping_comparison(get_method(method), alpha_lambda, **hyperparameters)


def plot_critical_damping_comparison(method="heavy_ball", ax=None, *, alpha_lambda=None,
                                     figsize: tuple[float, float] | None = None,
                                     title: str | None = None,
                                     legend_loc: str | int | None = "lower left",
                                     **hyperparameters) -> PlotResult:
    """Critical momentum: continuous ``zeta = 1`` against the exact discrete value.

    Three panels over :math:`\\alpha\\lambda` (log axis): (a) both critical momenta
    (and the leading-order :math:`1 - 2\\sqrt{\\alpha\\lambda}` when it differs from
    the ``zeta = 1`` answer, as for Nesterov); (b) their difference ``exact -
    continuous`` (exactly :math:`\\alpha\\lambda` for heavy ball); (c) the progress
    per step :math:`1 - \\rho` of the iteration at each choice. Grey: the continuous
    answer is outside [-1, 1] or makes the iteration unstable. The exact discrete
    momentum is the one to trust.

    Parameters
    ----------
    method : str or Method
        A method with momentum (registry name or Method).
    ax : Axes or sequence of 3 Axes, optional
        A single Axes receives panel (a) only.
    alpha_lambda : array_like, optional
        As in :func:`critical_damping_comparison_data`.
    figsize, title, legend_loc
        Size of a new figure, figure title ('' for none), legend location of each
        panel (False: none).
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    PlotResult
        artist ``shading`` (the grey spans); ``data``: CriticalDampingComparison.

    See Also
    --------
    critical_damping_comparison_data : the numbers drawn.
    plot_stability_region : the critical curve in the whole (alpha*lambda, beta) plane.

    Examples
    --------
    >>> p = plot_critical_damping_comparison("heavy_ball")
    >>> len(p.axes), len(p.lines)
    (3, 6)
    """
    from matplotlib.patches import Patch

    m = get_method(method)
    d = critical_damping_comparison_data(m, alpha_lambda, **hyperparameters)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 3, figsize, (TEXT_WIDTH, 3.2), allow_one=True)
    h = d.alpha_lambda
    lines, shading, legends = [], [], []
    with style():
        a = axes[0]
        shading += _shade_invalid(a, h, d.continuous_valid)
        lines += a.semilogx(h, d.exact, color=_EXACT, lw=2.0, label="exact discrete")
        cont_label = r"$\zeta = 1$"
        if m.name == "heavy_ball":
            cont_label += r": $1 - 2\sqrt{\alpha\lambda}$"
        # Off-scale values become gaps, so a pole of the continuous formula (Nesterov's
        # at alpha*lambda = 1) is not drawn as a vertical line.
        onscale = lambda y: np.where((y > -2) & (y < 1.5), y, np.nan)  # noqa: E731
        lines += a.semilogx(h, onscale(d.continuous), color=_CONT, lw=1.6, ls="--",
                            label=cont_label)
        if not np.allclose(d.continuous, d.leading_order, equal_nan=True, rtol=1e-12,
                           atol=1e-12):
            lines += a.semilogx(h, onscale(d.leading_order), color=_LEAD, lw=1.3, ls=":",
                                label=r"$1 - 2\sqrt{\alpha\lambda}$")
        a.axhline(-1, color="0.4", lw=0.8)
        a.set_ylim(-1.6, 1.05)
        handles, _ = a.get_legend_handles_labels()
        handles.append(Patch(color=_BAD, alpha=0.45, label=r"$\zeta = 1$ value fails"))
        legends.append(label_panel(a, show_legend, loc, xlabel=r"$\alpha\lambda$",
                                   ylabel=r"critical $\beta$", title="(a) critical momentum",
                                   handles=handles))
        # Panels (b) and (c) rise to the right: their legends go to the upper left unless
        # the user chose a place.
        other = _other_loc(loc, "lower left")
        if len(axes) == 3:
            b = axes[1]
            shading += _shade_invalid(b, h, d.continuous_valid)
            lines += b.loglog(h, np.where(d.difference > 0, d.difference, np.nan), color="k",
                              lw=2.0, label="exact $-$ $\\zeta = 1$")
            lines += b.loglog(h, h, color=_CONT, lw=1.2, ls=":", label=r"$\alpha\lambda$")
            legends.append(label_panel(b, show_legend, other, xlabel=r"$\alpha\lambda$",
                                       ylabel=r"$\beta_{\mathrm{exact}} - \beta_{\zeta=1}$",
                                       title="(b) difference"))
            c = axes[2]
            shading += _shade_invalid(c, h, d.continuous_valid)
            with np.errstate(invalid="ignore"):
                ge = 1 - d.exact_rate
                gc = 1 - d.continuous_rate
            lines += c.loglog(h, np.where(ge > 0, ge, np.nan), color=_EXACT, lw=2.0,
                              label=r"exact $\beta$")
            lines += c.loglog(h, np.where(gc > 0, gc, np.nan), color=_CONT, lw=1.6, ls="--",
                              label=r"$\zeta = 1$ $\beta$")
            legends.append(label_panel(c, show_legend, other, xlabel=r"$\alpha\lambda$",
                                       ylabel=r"$1 - \rho$  (progress per step)",
                                       title="(c) convergence"))
    legends = [leg for leg in legends if leg is not None]
    out = PlotResult(fig, axes, lines, legends[0] if legends else None, data=d,
                     shading=shading, legends=legends)
    return finish(out, title, f"{m.title}: critical damping, exact discrete against the "
                              r"continuous $\zeta = 1$", suptitle=len(axes) == 3)


_ODE_LABEL = {
    "heavy_ball": r"$\ddot X + a\dot X + \nabla f(X) = 0$",
    "nesterov": r"$\ddot X + \frac{3}{t}\dot X + \nabla f(X) = 0$",
    "gradient_flow": r"$\dot X = -\nabla f(X)$",
}


@dataclass(frozen=True)
class ODEConvergenceData:
    """The numbers behind :func:`plot_ode_convergence`.

    Attributes
    ----------
    method : str
        Registry name of the discrete method.
    ode : str
        The ODE it converges to: ``"gradient_flow"``, ``"heavy_ball"`` or
        ``"nesterov"``.
    damping : float or None
        The heavy-ball ODE's friction ``a``; None for the other ODEs.
    coordinate : int
        The coordinate of the iterate drawn.
    time : numpy.ndarray
        Times of the ODE reference, shape (n,).
    reference : numpy.ndarray
        The ODE solution at ``time``, shape (n, d).
    steps : tuple of float
        Time steps of the drawn trajectories.
    trajectories : tuple
        ``(t, x)`` per step: times and iterates, x of shape (k, d).
    error : DiscretisationError
        Errors against the ODE over ``error_steps`` and the fitted order.

    See Also
    --------
    ode_convergence_data : computes it.
    plot_ode_convergence : draws it.

    Examples
    --------
    >>> d = ode_convergence_data("gd", steps=0.1, error_steps=(0.1, 0.05), horizon=2.0)
    >>> d.ode, d.steps, d.reference.shape
    ('gradient_flow', (0.1,), (600, 2))
    """

    method: str
    ode: str
    damping: float | None  # the ODE's a (heavy-ball ODE), None otherwise
    coordinate: int
    time: np.ndarray  # times of the ODE reference
    reference: np.ndarray  # ODE solution at ``time``, shape (n, d)
    steps: tuple[float, ...]
    trajectories: tuple  # (t, x) per step
    error: object  # DiscretisationError


def _steps(values, name):
    arr = check_grid(values, name, minimum=1, positive=True, scalar_ok=True)
    return tuple(float(v) for v in arr)


def ode_convergence_data(method="heavy_ball", steps=(0.4, 0.2, 0.1), *,
                         error_steps=(0.2, 0.1, 0.05, 0.025, 0.0125), problem=None, x0=None,
                         horizon: float = 15.0, damping: float | None = None,
                         coordinate: int = 0) -> ODEConvergenceData:
    """Iterates for each step, the ODE solution, and the error against the step.

    Parameters
    ----------
    method : {"gd", "heavy_ball", "nesterov"}
    steps : sequence of float
        Time steps (> 0, at least one) of the drawn trajectories.
    error_steps : sequence of float
        Time steps (> 0, at least two) of the error fit.
    problem, x0, damping
        As in :func:`momentum_dynamics.physics.discretisation_error`.
    horizon : float
        Time span (> 0).
    coordinate : int
        The coordinate of the iterate drawn (0 <= coordinate < d).

    Returns
    -------
    ODEConvergenceData
        Trajectories, ODE reference and the error fit.

    See Also
    --------
    plot_ode_convergence : draws these numbers.
    momentum_dynamics.physics.discretisation_error : the error fit.

    Examples
    --------
    >>> d = ode_convergence_data("gd", steps=(0.1,), error_steps=(0.1, 0.05), horizon=3.0)
    >>> round(d.error.order)
    1
    """
    m = get_method(method)
    steps = _steps(steps, "steps")
    error_steps = _steps(error_steps, "error_steps")
    if len(error_steps) < 2:
        raise ValueError(f"error_steps must hold at least 2 steps to fit an order; "
                         f"got {error_steps!r}")
    horizon = check_positive(horizon, "horizon")
    problem = Quadratic([1.0, 0.1]) if problem is None else problem
    if x0 is None:
        dim = problem.dim if isinstance(problem, Quadratic) else Quadratic(problem).dim
        x0 = np.ones(dim)
    dim = np.size(x0)
    if isinstance(coordinate, bool) or not isinstance(coordinate, (int, np.integer)) \
            or not 0 <= coordinate < dim:
        raise ValueError(f"coordinate must be an integer in [0, {dim}); got {coordinate!r}")
    err = discretisation_error(m, error_steps, problem, x0, horizon, damping=damping)
    tt = np.linspace(0.0, horizon, 600)
    a_ode = (1.0 if damping is None else damping) if err.ode == "heavy_ball" else None
    ref = ode_trajectory(err.ode, problem, tt, x0, damping=a_ode)
    trajectories = tuple(discrete_trajectory(m, problem, h, horizon, x0, damping=damping)
                         for h in steps)
    return ODEConvergenceData(m.name, err.ode, a_ode, int(coordinate), tt, ref.x, steps,
                              trajectories, err)


def plot_ode_convergence(method="heavy_ball", steps=(0.4, 0.2, 0.1), ax=None, *,
                         error_steps=(0.2, 0.1, 0.05, 0.025, 0.0125), problem=None, x0=None,
                         horizon: float = 15.0, damping: float | None = None,
                         coordinate: int = 0, figsize: tuple[float, float] | None = None,
                         title: str | None = None,
                         legend_loc: str | int | None = "best") -> PlotResult:
    """Iterates against their ODE for three step sizes, and the error against the step.

    Left: one coordinate of the iterates (markers) for each step and the ODE solution
    (black). Right: :math:`\\max_k\\|x_k - X(k\\Delta t)\\|` against the step on
    log-log axes with the fitted slope (the observed order).

    Parameters
    ----------
    method, steps, error_steps, problem, x0, horizon, damping, coordinate
        As in :func:`ode_convergence_data`.
    ax : sequence of 2 Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, figure title ('' for none), legend location (False:
        none).

    Returns
    -------
    PlotResult
        artist ``error`` (DiscretisationError); ``data``: ODEConvergenceData.

    See Also
    --------
    ode_convergence_data : the numbers drawn.
    plot_critical_damping_comparison : the ODE's critical damping against the exact one.

    Examples
    --------
    >>> p = plot_ode_convergence("gd", steps=(0.2, 0.1), error_steps=(0.1, 0.05),
    ...                          horizon=3.0)
    >>> round(p.error.order)
    1
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    m = get_method(method)
    d = ode_convergence_data(m, steps, error_steps=error_steps, problem=problem, x0=x0,
                             horizon=horizon, damping=damping, coordinate=coordinate)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.3))
    a, b = axes
    err = d.error
    lines, legends = [], []
    with style():
        lines += a.plot(d.time, d.reference[:, coordinate], color="k", lw=2.0, label="ODE",
                        zorder=3)
        colors = plt.cm.viridis(np.linspace(0.15, 0.8, len(d.steps)))
        markers = "osd^v<>"
        for i, (h, (t, x), col) in enumerate(zip(d.steps, d.trajectories, colors,
                                                 strict=True)):
            every = max(1, len(t) // 60)
            lines += a.plot(t, x[:, coordinate], ls="-", lw=0.8, color=col,
                            marker=markers[i % 7], ms=3, markevery=every,
                            label=f"step {h:g}")
        what = {"gd": r"$\alpha$ = step", "heavy_ball": r"$\alpha$ = step$^2$, "
                r"$\beta = 1 - a\,$step", "nesterov": r"$\alpha$ = step$^2$, "
                r"$\beta_k = (k-1)/(k+2)$"}
        sub = what[m.name] if not (m.name == "nesterov" and damping is not None) else \
            r"$\alpha$ = step$^2$, $\beta = 1 - a\,$step"
        legends.append(label_panel(
            a, show_legend, loc, xlabel=r"time $t = k \times$ step",
            ylabel=f"$x_{{{coordinate}}}$",
            title=f"iterates vs {_ODE_LABEL[err.ode]}\n({sub}"
                  + (f", $a = {d.damping:g}$)" if d.damping is not None else ")")))
        lines += b.loglog(err.steps, err.errors, "o", color=_EXACT, ms=5, label="measured")
        fit = err.constant * err.steps ** err.order
        lines += b.loglog(err.steps, fit, "-", color=_CONT, lw=1.4,
                          label=f"fit: slope {err.order:.2f}")
        b.xaxis.set_major_locator(FixedLocator(err.steps))
        b.xaxis.set_minor_locator(NullLocator())
        b.set_xticks(err.steps, [f"{h:g}" for h in err.steps])
        b.yaxis.set_minor_formatter(NullFormatter())
        legends.append(label_panel(
            b, show_legend, _other_loc(loc, "best"), xlabel="time step",
            ylabel=r"$\max_k \|x_k - X(k\,\mathrm{step})\|$",
            title=f"error on [0, {horizon:g}]: order {err.order:.2f}", grid="both"))
    legends = [leg for leg in legends if leg is not None]
    out = PlotResult(fig, axes, lines, legends[0] if legends else None, data=d, error=err,
                     legends=legends)
    return finish(out, title, f"{m.title}: convergence of the iterates to their ODE",
                  suptitle=True)

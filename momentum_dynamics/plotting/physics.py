"""Figures for the physical readings: critical damping (continuous versus exact) and the
convergence of the iterates to their ODE.

Plot functions take ``ax=None``, never call ``plt.show()`` and return what they drew.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..methods import get_method
from ..physics import (
    critical_damping_comparison,
    discrete_trajectory,
    discretisation_error,
    ode_trajectory,
)
from ..simulate import Quadratic

__all__ = [
    "CriticalDampingPlot",
    "plot_critical_damping_comparison",
    "ODEConvergencePlot",
    "plot_ode_convergence",
]

_EXACT = "#08519c"
_CONT = "#d94801"
_LEAD = "#756bb1"
_BAD = "#bdbdbd"


class CriticalDampingPlot(NamedTuple):
    """What :func:`plot_critical_damping_comparison` drew."""

    figure: object
    axes: list
    lines: list
    shading: list
    data: object  # CriticalDampingComparison


def _axes(ax, n, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, axes = plt.subplots(1, n, figsize=figsize, layout="constrained")
        return fig, list(np.atleast_1d(axes))
    axes = [ax] if hasattr(ax, "plot") else list(ax)
    if len(axes) not in (1, n):
        raise ValueError(f"ax must be one Axes or a sequence of {n}; got {len(axes)}")
    return axes[0].figure, axes


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


def plot_critical_damping_comparison(method="heavy_ball", ax=None, *, alpha_lambda=None,
                                     **hyperparameters) -> CriticalDampingPlot:
    """Critical momentum: continuous ``zeta = 1`` against the exact discrete value.

    Three panels over ``alpha*lambda`` (log axis): (a) both critical momenta (and the
    leading-order :math:`1 - 2\\sqrt{\\alpha\\lambda}` when it differs from the
    ``zeta = 1`` answer, as for Nesterov); (b) their difference ``exact - continuous``
    (exactly ``alpha*lambda`` for heavy ball); (c) the progress per step
    :math:`1 - \\rho` of the iteration at each choice. Grey: the continuous answer is
    outside [-1, 1] or makes the iteration unstable. The exact discrete momentum is
    the one to trust.

    Parameters
    ----------
    method : str or Method
    ax : Axes or sequence of 3 Axes, optional
        A single Axes receives panel (a) only.
    alpha_lambda : array_like, optional
        Grid (default 400 points log-spaced on [1e-4, 4)).

    Returns
    -------
    CriticalDampingPlot

    Examples
    --------
    >>> p = plot_critical_damping_comparison("heavy_ball")
    >>> len(p.axes), len(p.lines)
    (3, 6)
    """
    m = get_method(method)
    d = critical_damping_comparison(m, alpha_lambda, **hyperparameters)
    fig, axes = _axes(ax, 3, (14.5, 4.4))
    h = d.alpha_lambda
    lines, shading = [], []
    a = axes[0]
    shading += _shade_invalid(a, h, d.continuous_valid)
    lines += a.semilogx(h, d.exact, color=_EXACT, lw=2.2, label="exact discrete (double pole)")
    cont_label = r"continuous, $\zeta = 1$"
    if m.name == "heavy_ball":
        cont_label += r":  $1 - 2\sqrt{\alpha\lambda}$"
    # Off-scale values become gaps, so a pole of the continuous formula (Nesterov's at
    # alpha*lambda = 1) is not drawn as a vertical line.
    onscale = lambda y: np.where((y > -2) & (y < 1.5), y, np.nan)  # noqa: E731
    lines += a.semilogx(h, onscale(d.continuous), color=_CONT, lw=1.8, ls="--",
                        label=cont_label)
    if not np.allclose(d.continuous, d.leading_order, equal_nan=True, rtol=1e-12, atol=1e-12):
        lines += a.semilogx(h, onscale(d.leading_order), color=_LEAD, lw=1.4, ls=":",
                            label=r"leading order $1 - 2\sqrt{\alpha\lambda}$")
    a.axhline(-1, color="0.4", lw=0.8)
    a.set_ylim(-1.6, 1.05)
    a.set_xlabel(r"$\alpha\lambda$  (step $\times$ curvature)")
    a.set_ylabel(r"critical momentum $\beta$")
    a.set_title("(a) critical momentum")
    from matplotlib.patches import Patch

    handles, _ = a.get_legend_handles_labels()
    handles.append(Patch(color=_BAD, alpha=0.45,
                         label="continuous value unstable or outside [-1, 1]"))
    a.legend(handles=handles, fontsize=8, loc="lower left")
    a.grid(True, which="major", alpha=0.3)
    if len(axes) == 3:
        b = axes[1]
        shading += _shade_invalid(b, h, d.continuous_valid)
        lines += b.loglog(h, np.where(d.difference > 0, d.difference, np.nan), color="k",
                          lw=2.0, label="exact $-$ continuous")
        lines += b.loglog(h, h, color=_CONT, lw=1.2, ls=":", label=r"$\alpha\lambda$")
        b.set_xlabel(r"$\alpha\lambda$")
        b.set_ylabel(r"$\beta_{\mathrm{exact}} - \beta_{\zeta=1}$")
        b.set_title("(b) difference of the two answers")
        b.legend(fontsize=8, loc="upper left")
        b.grid(True, which="major", alpha=0.3)
        c = axes[2]
        shading += _shade_invalid(c, h, d.continuous_valid)
        with np.errstate(invalid="ignore"):
            ge = 1 - d.exact_rate
            gc = 1 - d.continuous_rate
        lines += c.loglog(h, np.where(ge > 0, ge, np.nan), color=_EXACT, lw=2.2,
                          label=r"at exact $\beta$ ($=\sqrt{\alpha\lambda}$ for "
                          r"$\alpha\lambda \leq 1$)" if m.name in ("heavy_ball", "nesterov")
                          else r"at exact $\beta$")
        lines += c.loglog(h, np.where(gc > 0, gc, np.nan), color=_CONT, lw=1.8, ls="--",
                          label=r"at continuous $\beta$")
        c.set_xlabel(r"$\alpha\lambda$")
        c.set_ylabel(r"$1 - \rho$  (progress per step)")
        c.set_title("(c) convergence of the iteration")
        c.legend(fontsize=8, loc="upper left")
        c.grid(True, which="major", alpha=0.3)
    fig.suptitle(f"{m.title}: critical damping. Trust the exact discrete momentum; the "
                 r"continuous $\zeta = 1$ value is a small-$\alpha\lambda$ approximation",
                 fontsize=11)
    return CriticalDampingPlot(fig, axes, lines, shading, d)


class ODEConvergencePlot(NamedTuple):
    """What :func:`plot_ode_convergence` drew."""

    figure: object
    axes: list
    lines: list
    error: object  # DiscretisationError


_ODE_LABEL = {
    "heavy_ball": r"$\ddot X + a\dot X + \nabla f(X) = 0$",
    "nesterov": r"$\ddot X + \frac{3}{t}\dot X + \nabla f(X) = 0$",
    "gradient_flow": r"$\dot X = -\nabla f(X)$",
}


def plot_ode_convergence(method="heavy_ball", steps=(0.4, 0.2, 0.1), ax=None, *,
                         error_steps=(0.2, 0.1, 0.05, 0.025, 0.0125), problem=None, x0=None,
                         horizon=15.0, damping=None, coordinate=0) -> ODEConvergencePlot:
    """Iterates against their ODE for three step sizes, and the error against the step.

    Left: one coordinate of the iterates (markers) for each step and the ODE solution
    (black). Right: :math:`\\max_k\\|x_k - X(k\\Delta t)\\|` against the step on log-log
    axes with the fitted slope (the observed order). Parameters as in
    :func:`momentum_dynamics.physics.discretisation_error`.

    Examples
    --------
    >>> p = plot_ode_convergence("gd", steps=(0.2, 0.1), error_steps=(0.1, 0.05),
    ...                          horizon=3.0)
    >>> round(p.error.order)
    1
    """
    import matplotlib.pyplot as plt

    m = get_method(method)
    problem = Quadratic([1.0, 0.1]) if problem is None else problem
    if x0 is None:
        dim = problem.dim if isinstance(problem, Quadratic) else Quadratic(problem).dim
        x0 = np.ones(dim)
    err = discretisation_error(m, error_steps, problem, x0, horizon, damping=damping)
    fig, axes = _axes(ax, 2, (12, 4.4))
    if len(axes) != 2:
        raise ValueError("ax must be a sequence of 2 Axes")
    a, b = axes
    lines = []
    tt = np.linspace(0.0, horizon, 600)
    a_ode = (1.0 if damping is None else damping) if err.ode == "heavy_ball" else None
    ref = ode_trajectory(err.ode, problem, tt, x0, damping=a_ode)
    lines += a.plot(tt, ref.x[:, coordinate], color="k", lw=2.0, label="ODE",
                    zorder=3)
    colors = plt.cm.viridis(np.linspace(0.15, 0.8, len(steps)))
    markers = "osd^v<>"
    for i, (h, col) in enumerate(zip(steps, colors, strict=True)):
        t, x = discrete_trajectory(m, problem, h, horizon, x0, damping=damping)
        every = max(1, len(t) // 60)
        lines += a.plot(t, x[:, coordinate], ls="-", lw=0.8, color=col, marker=markers[i % 7],
                        ms=3.5, markevery=every, label=f"step {h:g}")
    a.set_xlabel("time t  (k steps $\\times$ step)")
    a.set_ylabel(f"coordinate {coordinate} of the iterate")
    what = {"gd": r"$\alpha$ = step", "heavy_ball": r"$\alpha$ = step$^2$, "
            r"$\beta = 1 - a\,$step", "nesterov": r"$s$ = step$^2$, $\beta_k = (k-1)/(k+2)$"}
    sub = what[m.name] if not (m.name == "nesterov" and damping is not None) else \
        r"$\alpha$ = step$^2$, $\beta = 1 - a\,$step"
    a.set_title(f"{m.title} iterates vs {_ODE_LABEL[err.ode]}\n({sub}"
                + (f", a = {a_ode:g})" if a_ode is not None else ")"), fontsize=10)
    a.legend(fontsize=8)
    a.grid(True, alpha=0.3)
    lines += b.loglog(err.steps, err.errors, "o", color=_EXACT, ms=6, label="measured")
    fit = err.constant * err.steps ** err.order
    lines += b.loglog(err.steps, fit, "-", color=_CONT, lw=1.4,
                      label=f"fit: slope {err.order:.2f}")
    from matplotlib.ticker import FixedLocator, NullLocator

    b.xaxis.set_major_locator(FixedLocator(err.steps))
    b.xaxis.set_minor_locator(NullLocator())
    b.set_xticks(err.steps, [f"{h:g}" for h in err.steps])
    b.set_xlabel("time step")
    b.set_ylabel(r"$\max_k \|x_k - X(k\,\mathrm{step})\|$")
    b.set_title(f"Distance to the ODE on [0, {horizon:g}]: observed order {err.order:.2f}",
                fontsize=10)
    b.legend(fontsize=8)
    b.grid(True, which="both", alpha=0.3)
    return ODEConvergencePlot(fig, axes, lines, err)

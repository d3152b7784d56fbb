"""Adam next to tuned heavy ball on anisotropic quadratics, aligned and rotated.

:func:`adam_vs_momentum_data` runs the simulations
(:func:`momentum_dynamics.applications.compare_adam_momentum` across ``kappa`` and
:func:`momentum_dynamics.simulate` for the trajectories at one ``kappa``);
:func:`plot_adam_vs_momentum` draws four panels: the trajectories in the plane with
the Hessian axis-aligned and rotated, iterations to tolerance against ``kappa``, and
Adam's per-coordinate effective step sizes. Everything drawn is simulated: Adam is
nonlinear and is not analysed as a linear system.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..applications.adaptive import (
    ADAPTIVE_METHODS,
    AdamComparison,
    anisotropic_quadratic,
    anisotropic_start,
    compare_adam_momentum,
    effective_step_sizes,
    steps_to_tolerance,
)
from ..numeric import optimal_parameters
from ..simulate import simulate
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_legend_loc,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = ["AdamVsMomentumData", "adam_vs_momentum_data", "plot_adam_vs_momentum"]


class AdamVsMomentumData(NamedTuple):
    """The numbers of :func:`plot_adam_vs_momentum`.

    Attributes
    ----------
    comparison : AdamComparison
        Iterations to tolerance across ``kappa``.
    kappa_shown : float
        The condition number of the trajectories.
    trajectories : dict of str to Trajectory
        ``"adam_aligned"``, ``"adam_rotated"``, ``"heavy_ball_aligned"``,
        ``"heavy_ball_rotated"``.
    step_sizes : dict of str to ndarray
        Adam's per-coordinate ``alpha / (sqrt(s_hat) + eps)``, ``"aligned"`` and
        ``"rotated"``, shape ``(steps + 1, 2)``.
    adam_alpha : dict of str to float
        Adam's learning rate in each case (the best of the grid at ``kappa_shown``).

    See Also
    --------
    adam_vs_momentum_data : the function that returns it.

    Examples
    --------
    >>> d = adam_vs_momentum_data([10.0], kappa_shown=10.0, steps=50, max_steps=200,
    ...                           alphas=[0.1])
    >>> sorted(d.trajectories)
    ['adam_aligned', 'adam_rotated', 'heavy_ball_aligned', 'heavy_ball_rotated']
    """

    comparison: AdamComparison
    kappa_shown: float
    trajectories: dict
    step_sizes: dict
    adam_alpha: dict


def adam_vs_momentum_data(kappa=None, *, kappa_shown: float = 100.0, steps: int = 300,
                          rotation: float = np.pi / 4, tol: float = 1e-6,
                          max_steps: int = 4000, alphas=None, beta: float = 0.9,
                          beta2: float = 0.999, eps: float = 1e-8,
                          progress: bool = False) -> AdamVsMomentumData:
    """Simulate Adam and tuned heavy ball for :func:`plot_adam_vs_momentum`.

    Parameters
    ----------
    kappa, rotation, tol, max_steps, alphas, beta, beta2, eps, progress
        As in :func:`momentum_dynamics.applications.compare_adam_momentum`.
    kappa_shown : float
        Condition number of the trajectories, >= 1.
    steps : int
        Length of the trajectories, >= 1.

    Returns
    -------
    AdamVsMomentumData

    Raises
    ------
    ValueError, TypeError
        For bad arguments.

    See Also
    --------
    plot_adam_vs_momentum

    Examples
    --------
    >>> d = adam_vs_momentum_data([10.0], kappa_shown=10.0, steps=50, max_steps=200,
    ...                           alphas=[0.1])
    >>> d.step_sizes["aligned"].shape
    (51, 2)
    """
    from .._validation import check_count, check_scalar

    ks = check_scalar(kappa_shown, "kappa_shown")
    if ks < 1:
        raise ValueError(f"kappa_shown must be >= 1; got {kappa_shown!r}")
    n = check_count(steps, "steps", 1)
    comp = compare_adam_momentum(kappa, rotation=rotation, tol=tol, max_steps=max_steps,
                                 alphas=alphas, beta=beta, beta2=beta2, eps=eps,
                                 progress=progress)
    shown = {"aligned": anisotropic_quadratic(ks, 0.0),
             "rotated": anisotropic_quadratic(ks, comp.rotation)}
    hb = optimal_parameters("heavy_ball", 1.0 / ks, 1.0)
    adam_kw = dict(beta=comp.beta, beta2=comp.beta2, eps=comp.eps)
    trajectories, step_sizes, adam_alpha = {}, {}, {}
    for tag, q in shown.items():
        x0 = anisotropic_start(0.0 if tag == "aligned" else comp.rotation)
        # The learning rate that reached the tolerance first at kappa_shown (or the
        # middle of the grid when none did).
        its = np.atleast_1d(steps_to_tolerance("adam", q, comp.alphas, tol=comp.tol,
                                               max_steps=max_steps, x0=x0, **adam_kw))
        a = float(comp.alphas[int(np.nanargmin(its))] if np.isfinite(its).any()
                  else comp.alphas[comp.alphas.size // 2])
        adam_alpha[tag] = a
        tr = simulate(ADAPTIVE_METHODS["adam"], q, a, steps=n, x0=x0, **adam_kw)
        trajectories["adam_" + tag] = tr
        trajectories["heavy_ball_" + tag] = simulate("heavy_ball", q, float(hb.alpha),
                                                     float(hb.beta), steps=n, x0=x0)
        step_sizes[tag] = effective_step_sizes(tr, a, **adam_kw)
    return AdamVsMomentumData(comp, ks, trajectories, step_sizes, adam_alpha)


def plot_adam_vs_momentum(kappa=None, ax=None, *, kappa_shown: float = 100.0,
                          steps: int = 300, rotation: float = np.pi / 4, tol: float = 1e-6,
                          max_steps: int = 4000, alphas=None, beta: float = 0.9,
                          beta2: float = 0.999, eps: float = 1e-8, progress: bool = False,
                          figsize: tuple[float, float] | None = None,
                          title: str | None = None,
                          legend_loc: str | int | None = "best") -> PlotResult:
    """Adam against tuned heavy ball: trajectories, iterations versus kappa, step sizes.

    Four panels: (a) trajectories in the plane with the Hessian's axes along the
    coordinates, (b) the same Hessian rotated, (c) iterations to tolerance against
    ``kappa`` (heavy ball is rotation invariant; Adam gains only when aligned), (d)
    Adam's per-coordinate effective step size ``alpha / (sqrt(s_hat) + eps)``: aligned,
    the two coordinates get steps in the ratio of their curvatures; rotated, they
    cannot, since each coordinate mixes both curvatures.

    Parameters
    ----------
    kappa, kappa_shown, steps, rotation, tol, max_steps, alphas, beta, beta2, eps, progress
        As in :func:`adam_vs_momentum_data`.
    ax : sequence of four matplotlib Axes, optional
        Created (2 x 2) when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        Four axes; ``data`` is the :class:`AdamVsMomentumData`.

    See Also
    --------
    adam_vs_momentum_data : the numbers drawn.
    momentum_dynamics.applications.compare_adam_momentum

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> out = plot_adam_vs_momentum([1.0, 10.0], kappa_shown=10.0, steps=40,
    ...                             max_steps=200, alphas=[0.1])
    >>> len(out.axes)
    4
    """
    show_legend, loc = check_legend_loc(legend_loc)
    d = adam_vs_momentum_data(kappa, kappa_shown=kappa_shown, steps=steps, rotation=rotation,
                              tol=tol, max_steps=max_steps, alphas=alphas, beta=beta,
                              beta2=beta2, eps=eps, progress=progress)
    fig, axs, _ = figure_axes(ax, 4, figsize, (TEXT_WIDTH, 6.4), rows=2)
    c = d.comparison
    blue, orange = "#08519c", "#d94801"
    lines = []
    legends = []
    with style():
        for a, tag, name in ((axs[0], "aligned", "axis-aligned"),
                             (axs[1], "rotated", f"rotated {np.degrees(c.rotation):.0f} deg")):
            hb, ad = d.trajectories["heavy_ball_" + tag], d.trajectories["adam_" + tag]
            q = hb.problem
            # Heavy ball's transient can swing far out on the stiff axis: frame both runs.
            both = np.concatenate([hb.x, ad.x])
            r = 1.1 * float(np.max(np.abs(both[np.isfinite(both)]), initial=1.0))
            g = np.linspace(-r, r, 121)
            X, Y = np.meshgrid(g, g)
            a.contour(X, Y, q.value(np.stack([X, Y], axis=-1)), levels=12, colors="0.8",
                      linewidths=0.6)
            lines += a.plot(hb.x[:, 0], hb.x[:, 1], color=blue, lw=1.0,
                            label="heavy ball (Polyak tuning)")
            lines += a.plot(ad.x[:, 0], ad.x[:, 1], color=orange, lw=1.6,
                            label=rf"Adam ($\alpha$={d.adam_alpha[tag]:g})")
            a.plot(*hb.x[0], "ko", ms=4)
            a.set_aspect("equal")
            a.set_xlim(-r, r)
            a.set_ylim(-r, r)
            legends.append(label_panel(
                a, show_legend and tag == "aligned", loc, xlabel="$x_1$", ylabel="$x_2$",
                title=rf"({'a' if tag == 'aligned' else 'b'}) {name}, $\kappa$={d.kappa_shown:g}"))
        a = axs[2]
        for vals, color, ls, marker, label in (
            (c.heavy_ball_aligned, blue, "-", "o", "heavy ball, aligned"),
            (c.heavy_ball_rotated, blue, "--", "x", "heavy ball, rotated (same)"),
            (c.adam_aligned, orange, "-", "o", "Adam, aligned"),
            (c.adam_rotated, orange, "--", "x", "Adam, rotated"),
        ):
            lines += a.loglog(c.kappa, vals, color=color, ls=ls, marker=marker, ms=4,
                              label=label)
        legends.append(label_panel(a, show_legend, loc, xlabel=r"$\kappa$",
                                   ylabel=f"iterations to tol {c.tol:g}",
                                   title="(c) iterations to tolerance (best Adam rate)",
                                   fontsize=7))
        a = axs[3]
        t = np.arange(d.step_sizes["aligned"].shape[0])
        for tag, ls in (("aligned", "-"), ("rotated", "--")):
            for i, color, lw in ((0, "#31a354", 3.0), (1, "#756bb1", 1.4)):
                lines += a.semilogy(t, d.step_sizes[tag][:, i], color=color, ls=ls, lw=lw,
                                    label=f"{tag}, coordinate {i + 1}")
        legends.append(label_panel(a, show_legend, loc, xlabel="iteration",
                                   ylabel=r"$\alpha / (\sqrt{\hat s} + \epsilon)$",
                                   title="(d) Adam's per-coordinate step", fontsize=7))
    out = PlotResult(fig, axs, lines, next((g for g in legends if g is not None), None),
                     data=d)
    return finish(out, title, "Adam vs tuned heavy ball: Adam gains only when aligned",
                  suptitle=True)

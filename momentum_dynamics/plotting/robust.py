"""Figures beyond quadratics: a witness on which the quadratic rate fails.

:func:`witness_data` returns the numbers (the cycle found by
:func:`momentum_dynamics.robust.find_cycle`, the constructed function on a grid, the
simulated runs); :func:`plot_witness` draws them: the function with the cycle marked,
its gradient between the bounds :math:`\\mu x` and :math:`L x`, and the distance to the
minimiser of a run started next to the cycle against the quadratic rate's prediction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_legend_loc,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = ["WitnessData", "witness_data", "plot_witness"]


@dataclass(frozen=True, eq=False)
class WitnessData:
    """The numbers :func:`plot_witness` draws.

    Attributes
    ----------
    witness : CycleWitness
        The search's result (``witness.found`` may be False).
    quadratic_rate : float
        :func:`momentum_dynamics.convergence_rate` for the same parameters.
    x : (n,) ndarray
        Grid covering the cycle (empty when no cycle was found).
    f, grad : (n,) ndarray
        The constructed function and its gradient on ``x``.
    steps : (m,) ndarray
        Step numbers of the run started next to the cycle (its first 20 periods).
    distance : (m,) ndarray
        Its distance :math:`|x_t - x^\\star|` to the minimiser.

    See Also
    --------
    witness_data : returns it.

    Examples
    --------
    >>> d = witness_data("gd", alpha=0.1, beta=None, mu=1.0, L=10.0, period=2)
    >>> d.witness.found, d.x.size
    (False, 0)
    """

    witness: object
    quadratic_rate: float
    x: np.ndarray
    f: np.ndarray
    grad: np.ndarray
    steps: np.ndarray
    distance: np.ndarray


def witness_data(method="heavy_ball", alpha: float = 1 / 9, beta: float | None = 4 / 9,
                 mu: float = 1.0, L: float = 25.0, *, period: int = 3,
                 **hyperparameters: float) -> WitnessData:
    """Search a p-cycle and evaluate what :func:`plot_witness` draws.

    Parameters
    ----------
    method, alpha, beta, mu, L, period, **hyperparameters
        As in :func:`momentum_dynamics.robust.find_cycle` (defaults: Polyak's heavy
        ball tuned for ``kappa = 25``, Lessard, Recht & Packard 2016, section 4.6).

    Returns
    -------
    WitnessData

    Raises
    ------
    ValueError, TypeError
        As :func:`momentum_dynamics.robust.find_cycle`.

    See Also
    --------
    plot_witness : draws these numbers.

    Examples
    --------
    >>> d = witness_data(period=3)
    >>> d.witness.found, round(d.quadratic_rate, 6)
    (True, 0.666667)
    """
    from ..numeric import convergence_rate
    from ..robust.witness import find_cycle

    w = find_cycle(method, alpha, beta, mu, L, period=period, **hyperparameters)
    rate = float(convergence_rate(method, alpha, beta, mu, L, **hyperparameters))
    empty = np.zeros(0)
    if not w.found:
        return WitnessData(w, rate, empty, empty, empty, empty, empty)
    fn = w.function
    lo, hi = min(w.points.min(), 0.0), max(w.points.max(), 0.0)
    pad = 0.15 * (hi - lo)
    x = np.linspace(lo - pad, hi + pad, 801)
    # 20 periods show the run settling on the cycle while rho**t falls by decades.
    dist = np.abs(w.perturbed.x[: 20 * w.period + 1, 0] - fn.minimizer)
    return WitnessData(w, rate, x, fn(x), fn.grad(x), np.arange(dist.size), dist)


def plot_witness(method="heavy_ball", alpha: float = 1 / 9, beta: float | None = 4 / 9,
                 mu: float = 1.0, L: float = 25.0, ax=None, *, period: int = 3,
                 figsize: tuple[float, float] | None = None, title: str | None = None,
                 legend_loc: str | int | None = "best", **hyperparameters: float) -> PlotResult:
    """Draw a witness: the function, its gradient with the cycle, and a run beside it.

    Three panels: (a) the constructed piecewise quadratic :math:`f` with the cycle's
    points; (b) its gradient between :math:`\\mu x` and :math:`L x` (so
    :math:`f \\in \\mathcal F_{\\mu,L}`), the cycle's points and arrows in the order
    visited; (c) :math:`|x_t - x^\\star|` of the run started 0.1 % from the cycle
    against :math:`\\rho^t` of the quadratic rate :math:`\\rho`.

    Parameters
    ----------
    method, alpha, beta, mu, L, period, **hyperparameters
        As in :func:`witness_data`.
    ax : sequence of 3 matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``data`` is the :class:`WitnessData`. Without a cycle the panels say so.

    Raises
    ------
    ValueError, TypeError
        As :func:`witness_data`, and for a bad ``ax``.

    See Also
    --------
    witness_data : the numbers drawn.
    momentum_dynamics.robust.find_cycle : the search.

    Examples
    --------
    >>> out = plot_witness()
    >>> len(out.axes), out.data.witness.period
    (3, 3)
    """
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 3, figsize, (TEXT_WIDTH, 2.9))
    d = witness_data(method, alpha, beta, mu, L, period=period, **hyperparameters)
    w = d.witness
    lines, legends = [], []
    with style():
        if not w.found:
            for a in axes:
                a.text(0.5, 0.5, f"no {w.period}-cycle found", ha="center", va="center",
                       transform=a.transAxes)
                a.set_axis_off()
            out = PlotResult(fig, axes, [], None, data=d)
            return finish(out, title, w.summary(), suptitle=True)
        a, b, c = axes
        xs = w.function.minimizer
        lines += a.plot(d.x, d.f, color="#08519c", label="$f$")
        lines += a.plot(w.points, w.values, "o", color="#d94801", ms=5, label="cycle")
        label_panel(a, xlabel="$x$", ylabel="$f(x)$", title="(a) the function")
        lines += b.plot(d.x, mu * (d.x - xs), color="#999999", ls=":", lw=1,
                        label=r"$\mu x$, $Lx$")
        lines += b.plot(d.x, L * (d.x - xs), color="#999999", ls=":", lw=1)
        lines += b.plot(d.x, d.grad, color="#08519c", label="$f'$")
        lines += b.plot(w.points, w.gradients, "o", color="#d94801", ms=5, label="cycle")
        order = np.append(w.points, w.points[0])
        gord = np.append(w.gradients, w.gradients[0])
        for i in range(order.size - 1):
            b.annotate("", (order[i + 1], gord[i + 1]), (order[i], gord[i]),
                       arrowprops=dict(arrowstyle="->", color="#d94801", lw=0.8,
                                       shrinkA=4, shrinkB=4))
        span = np.ptp(d.grad)
        b.set_ylim(d.grad.min() - 0.1 * span, d.grad.max() + 0.1 * span)
        legends.append(label_panel(b, show_legend, loc, xlabel="$x$", ylabel="$f'(x)$",
                                   title="(b) gradient and cycle"))
        t = d.steps
        dist = np.where(d.distance > 0, d.distance, np.nan)
        lines += c.semilogy(t, dist, ".-", color="#d94801", lw=0.8, ms=3,
                            label="run started near the cycle")
        lines += c.semilogy(t, d.distance[0] * d.quadratic_rate ** t, color="#08519c",
                            ls="--",
                            label=rf"quadratic rate $\rho^t$, $\rho={d.quadratic_rate:.3g}$")
        c.set_ylim(min(np.nanmin(dist) * 0.3, d.distance[0] * 1e-4), np.nanmax(dist) * 30)
        legends.append(label_panel(c, show_legend, loc, xlabel="step $t$",
                                   ylabel=r"$|x_t - x^\star|$", title="(c) it does not converge"))
    leg = next((g for g in legends if g is not None), None)
    out = PlotResult(fig, axes, lines, leg, data=d)
    return finish(out, title, f"{w.method.replace('_', ' ')}: {w.period}-cycle on a function "
                  f"of F(mu={mu:g}, L={L:g})", suptitle=True)

"""Figures for the statistical-physics reading: energy traces of leapfrog, heavy ball and
Langevin; the non-equilibrium steady state of momentum SGD in phase space; the
discretisation bias of the Langevin scheme.

Plot functions take ``ax=None``, never call ``plt.show()``, and return a
:class:`~momentum_dynamics.plotting.PlotResult`; ``*_data`` companions return the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .._lazy import lazy_module

if TYPE_CHECKING:
    import matplotlib.pyplot as plt
else:
    plt = lazy_module("matplotlib.pyplot")

from .._validation import check_scalar
from ..physics import momentum_from_ode
from ..statphys import (
    LinearSDE,
    PhaseSpaceFields,
    boltzmann_expectation,
    double_well_potential,
    heavy_ball_energy_trace,
    langevin_bias,
    langevin_stationary_covariance,
    leapfrog,
    momentum_sgd_sde,
    phase_space_fields,
    quadratic_potential,
    underdamped_langevin,
)
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_count,
    check_grid,
    check_legend_loc,
    check_positive,
    figure_axes,
    finish,
    label_panel,
    style,
)

__all__ = [
    "EnergyTracesPlot",
    "EnergyTracesData",
    "energy_traces_data",
    "plot_energy_traces",
    "NessPlot",
    "NessData",
    "ness_data",
    "plot_ness",
    "LangevinBiasPlot",
    "LangevinBiasData",
    "langevin_bias_data",
    "plot_langevin_bias",
]

_COLORS = {"leapfrog": "#1b9e77", "heavy ball": "#d95f02", "Langevin": "#7570b3",
           "equilibrium": "0.3"}

#: Kept for code written against the old names: every figure returns a PlotResult.
EnergyTracesPlot = NessPlot = LangevinBiasPlot = PlotResult


@dataclass(frozen=True)
class EnergyTracesData:
    r"""The numbers behind :func:`plot_energy_traces`, one entry per panel.

    Attributes
    ----------
    step, friction, temperature : float
        Time step ``h``, friction :math:`\gamma` and temperature :math:`T`.
    alpha, beta : float
        Heavy ball's :math:`\alpha = h^2` and :math:`\beta = 1 - \gamma h`.
    n_chains : int
        Langevin chains.
    names : tuple of str
        Panel names (the potentials).
    trajectories : tuple of dict
        Per panel: ``"leapfrog"``, ``"heavy ball"``, ``"Langevin"`` -> trajectory with
        ``time`` and ``energy``.
    equilibrium_energy : tuple of float
        Boltzmann mean energy :math:`T/2 + \langle f\rangle` per panel.
    barrier : tuple
        Barrier height per panel (None for the quadratic).

    See Also
    --------
    energy_traces_data : computes it.
    plot_energy_traces : draws it.

    Examples
    --------
    >>> d = energy_traces_data(duration=0.5, n_chains=2)
    >>> round(d.alpha, 12), round(d.beta, 12), d.barrier
    (0.0025, 0.975, (None, 1.0))
    """

    step: float
    friction: float
    temperature: float
    alpha: float  # heavy ball's alpha = step^2
    beta: float  # heavy ball's beta = 1 - friction * step
    n_chains: int
    names: tuple[str, ...]  # panel names
    trajectories: tuple  # per panel: {"leapfrog", "heavy ball", "Langevin"} -> trajectory
    equilibrium_energy: tuple[float, ...]  # Boltzmann <E> per panel
    barrier: tuple  # barrier height per panel (None for the quadratic)


def energy_traces_data(step: float = 0.05, friction: float = 0.5, temperature: float = 0.3,
                       duration: float = 40.0, n_chains: int = 200,
                       rng=0) -> EnergyTracesData:
    """Energy traces of leapfrog, heavy ball and Langevin on a quadratic and a double well.

    Parameters
    ----------
    step : float
        Time step ``h`` (> 0).
    friction : float
        :math:`\\gamma` (>= 0); heavy ball uses :math:`\\beta = 1 - \\gamma h`.
    temperature : float
        :math:`T` (>= 0) of the Langevin chains.
    duration : float
        Time span (> 0); ``round(duration / step)`` must be at least one step.
    n_chains : int
        Langevin chains (>= 1).
    rng : int or numpy Generator
        Seed of the Langevin noise.

    Returns
    -------
    EnergyTracesData
        One entry per panel (quadratic, double well).

    See Also
    --------
    plot_energy_traces : draws these numbers.
    momentum_dynamics.statphys.underdamped_langevin : the Langevin chains.

    Examples
    --------
    >>> d = energy_traces_data(duration=1.0, n_chains=5)
    >>> round(d.equilibrium_energy[0], 6)  # T/2 + T/2 on x^2/2
    0.3
    """
    step = check_positive(step, "step")
    friction = check_positive(friction, "friction", allow_zero=True)
    temperature = check_positive(temperature, "temperature", allow_zero=True)
    duration = check_positive(duration, "duration")
    n_chains = check_count(n_chains, "n_chains", 1)
    n_steps = int(round(duration / step))
    if n_steps < 1:
        raise ValueError(f"duration / step must give at least one step; got duration "
                         f"{duration!r} and step {step!r}")
    alpha, beta = momentum_from_ode("heavy_ball", step, friction)
    gen = np.random.default_rng(rng)
    panels = [
        (quadratic_potential(1.0), 2.0, 0.0, r"quadratic $f(x) = x^2/2$"),
        (double_well_potential(), -1.6, 1.0, r"double well $f(x) = (x^2 - 1)^2$"),
    ]
    names, trajs, eqs, barriers = [], [], [], []
    for f, x0, p0, name in panels:
        lf = leapfrog(f, x0, p0, step, n_steps)
        hb = heavy_ball_energy_trace(f, x0, alpha, beta, n_steps, v0=-p0 * step)
        lg = underdamped_langevin(f, x0, p0, step, friction, temperature, n_steps, n_chains,
                                  rng=gen)
        names.append(name)
        trajs.append({"leapfrog": lf, "heavy ball": hb, "Langevin": lg})
        eqs.append(temperature / 2 + boltzmann_expectation(f, temperature))
        barriers.append(None if f.hessian is not None else 1.0)
    return EnergyTracesData(step, friction, temperature, alpha, beta, n_chains, tuple(names),
                            tuple(trajs), tuple(eqs), tuple(barriers))


def plot_energy_traces(step: float = 0.05, friction: float = 0.5, temperature: float = 0.3,
                       duration: float = 40.0, n_chains: int = 200, rng=0, ax=None, *,
                       axes=None, figsize: tuple[float, float] | None = None,
                       title: str | None = None,
                       legend_loc: str | int | None = "upper right") -> PlotResult:
    """Energy against time for leapfrog (HMC), heavy ball and Langevin, on a quadratic and
    on the double well.

    All three use the time step ``h = step`` from the same start. Heavy ball runs with
    :math:`\\alpha = h^2`, :math:`\\beta = 1 - \\gamma h` (the identification of
    :mod:`momentum_dynamics.statphys`), so it is the Langevin scheme at zero temperature.
    The Langevin curve is the mean over ``n_chains`` chains with a band of one standard
    deviation; the dotted level is the Boltzmann mean energy :math:`T/2 + \\langle f
    \\rangle`.

    Parameters
    ----------
    step, friction, temperature, duration, n_chains, rng
        As in :func:`energy_traces_data`.
    ax : sequence of 2 Axes, optional
        Created when not given.
    axes : sequence of 2 Axes, optional
        An older name for ``ax``.
    figsize, title, legend_loc
        Size of a new figure, figure title ('' for none), legend location (False:
        none; the legend is drawn once, below the panels of a new figure).

    Returns
    -------
    PlotResult
        artist ``panel_lines`` (per panel: name -> Line2D), ``trajectories`` and
        ``equilibrium_energy`` as in the data.

    See Also
    --------
    energy_traces_data : the numbers drawn.
    plot_langevin_bias : the bias of the Langevin scheme's stationary variances.

    Examples
    --------
    >>> p = plot_energy_traces(duration=2.0, n_chains=10)
    >>> sorted(p.panel_lines[0])
    ['Langevin', 'equilibrium', 'heavy ball', 'leapfrog']
    """
    d = energy_traces_data(step, friction, temperature, duration, n_chains, rng)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axs, created = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.6), axes=axes)
    panel_lines, lines = [], []
    with style():
        for a, name, traj, eq, barrier in zip(axs, d.names, d.trajectories,
                                              d.equilibrium_energy, d.barrier, strict=True):
            lf, hb, lg = traj["leapfrog"], traj["heavy ball"], traj["Langevin"]
            mean, sd = lg.energy.mean(axis=1), lg.energy.std(axis=1)
            named = {
                "leapfrog": a.plot(lf.time, lf.energy, color=_COLORS["leapfrog"], lw=1.4,
                                   label="leapfrog / HMC (no friction, no noise)")[0],
                "heavy ball": a.plot(hb.time, hb.energy, color=_COLORS["heavy ball"], lw=1.4,
                                     label=f"heavy ball, $\\alpha = h^2 = {d.alpha:g}$, "
                                           f"$\\beta = 1 - \\gamma h = {d.beta:g}$")[0],
                "Langevin": a.plot(lg.time, mean, color=_COLORS["Langevin"], lw=1.4,
                                   label=f"Langevin / SGHMC, $T = {d.temperature:g}$ "
                                         f"(mean of {d.n_chains} chains $\\pm$ 1 sd)")[0],
                "equilibrium": a.axhline(eq, color=_COLORS["equilibrium"], ls=":", lw=1.2,
                                         label=r"Boltzmann $\langle E\rangle = T/2 + "
                                               r"\langle f\rangle$"),
            }
            a.fill_between(lg.time, mean - sd, mean + sd, color=_COLORS["Langevin"],
                           alpha=0.15, lw=0)
            if barrier is not None:
                named["barrier"] = a.axhline(barrier, color="0.6", ls="--", lw=0.8,
                                             label=f"barrier $f(0) = {barrier:g}$")
            a.set(xlabel=r"time $t = k h$", title=f"{name}, $\\langle E\\rangle = {eq:.3f}$")
            a.set_ylim(bottom=0)
            a.grid(True, alpha=0.3)
            panel_lines.append(named)
            lines += list(named.values())
        axs[0].set_ylabel(r"energy $E = p^2/2 + f(x)$")
        leg = None
        if show_legend:
            handles = list(panel_lines[-1].values())
            if created and legend_loc == "upper right":
                leg = fig.legend(handles=handles, loc="outside lower center", ncol=2,
                                 frameon=False)
            else:
                leg = axs[-1].legend(handles=handles, loc=loc)
    out = PlotResult(fig, axs, lines, leg, data=d, panel_lines=panel_lines,
                     trajectories=list(d.trajectories),
                     equilibrium_energy=list(d.equilibrium_energy))
    return finish(out, title, f"Energy traces, $h = {d.step:g}$, $\\gamma = {d.friction:g}$",
                  suptitle=True)


@dataclass(frozen=True)
class NessData:
    """The numbers behind :func:`plot_ness`.

    Attributes
    ----------
    alpha, beta, curvature, noise_var : float
        The parameters of the model.
    theta, v : numpy.ndarray
        Grid of position and momentum buffer, shape (resolution,) each.
    fields : PhaseSpaceFields
        Drift, stationary density and probability current on the grid.
    model : LinearSDE
        From :func:`momentum_dynamics.statphys.momentum_sgd_sde`.

    See Also
    --------
    ness_data : computes it.
    plot_ness : draws it.

    Examples
    --------
    >>> d = ness_data(resolution=5)
    >>> d.theta.shape, d.fields.density.shape
    ((5,), (5, 5))
    """

    alpha: float
    beta: float
    curvature: float
    noise_var: float
    theta: np.ndarray
    v: np.ndarray
    fields: PhaseSpaceFields
    model: LinearSDE


def ness_data(alpha: float = 0.05, beta: float = 0.8, curvature: float = 1.0,
              noise_var: float = 1.0, *, resolution: int = 80, span: float = 3.5) -> NessData:
    """Drift, stationary density and probability current of momentum SGD on a grid.

    Parameters
    ----------
    alpha, beta, curvature, noise_var : float
        As in :func:`momentum_dynamics.statphys.momentum_sgd_sde` (one curvature).
    resolution : int
        Grid points per axis (>= 2).
    span : float
        Half-width of the window in stationary standard deviations (> 0).

    Returns
    -------
    NessData
        The fields on the grid and the model.

    See Also
    --------
    plot_ness : draws these numbers.
    momentum_dynamics.statphys.phase_space_fields : the fields.

    Examples
    --------
    >>> d = ness_data(resolution=20)
    >>> d.fields.current.shape
    (2, 20, 20)
    """
    alpha = check_positive(alpha, "alpha")
    beta = check_scalar(beta, "beta")
    # Checked here so that the errors name these arguments, not the model's hessian and
    # noise_cov they become.
    curvature = check_positive(curvature, "curvature")
    noise_var = check_positive(noise_var, "noise_var")
    resolution = check_count(resolution, "resolution", 2)
    span = check_positive(span, "span")
    model = momentum_sgd_sde(alpha, beta, curvature, noise_var)
    sx, sv = np.sqrt(np.diag(model.Sigma))
    th = np.linspace(-span * sx, span * sx, resolution)
    v = np.linspace(-span * sv, span * sv, resolution)
    return NessData(alpha, beta, curvature, noise_var, th, v,
                    phase_space_fields(model, th, v), model)


def _ellipse(Sigma, k, n=200):
    t = np.linspace(0, 2 * np.pi, n)
    return k * np.linalg.cholesky(Sigma) @ np.vstack([np.cos(t), np.sin(t)])


def plot_ness(alpha: float = 0.05, beta: float = 0.8, curvature: float = 1.0,
              noise_var: float = 1.0, *, resolution: int = 80, span: float = 3.5, ax=None,
              axes=None, figsize: tuple[float, float] | None = None,
              title: str | None = None,
              legend_loc: str | int | None = "upper right") -> PlotResult:
    """Stream plots of the drift field and of the stationary probability current of
    momentum SGD in :math:`(\\theta, v)`, with the stationary covariance ellipses.

    The model is :func:`momentum_dynamics.statphys.momentum_sgd_sde` on one curvature; the
    axes span ``span`` stationary standard deviations in each variable.

    Parameters
    ----------
    alpha, beta, curvature, noise_var, resolution, span
        As in :func:`ness_data`.
    ax : sequence of 2 Axes, optional
        Created when not given.
    axes : sequence of 2 Axes, optional
        An older name for ``ax``.
    figsize, title, legend_loc
        Size of a new figure, figure title ('' for none), legend location (False:
        none).

    Returns
    -------
    PlotResult
        ``lines``: the 1 and 2 sigma ellipses of both panels; artists ``ellipses``,
        ``drift_stream``, ``current_stream``, ``fields``, ``model``.

    See Also
    --------
    ness_data : the numbers drawn.
    momentum_dynamics.statphys.ness_decomposition : the split of the drift.

    Examples
    --------
    >>> p = plot_ness(resolution=20)
    >>> len(p.ellipses), p.fields.current.shape
    (4, (2, 20, 20))
    """
    d = ness_data(alpha, beta, curvature, noise_var, resolution=resolution, span=span)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axs, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.4), axes=axes)
    ax_d, ax_j = axs
    model, fields, th, v = d.model, d.fields, d.theta, d.v
    sx, sv = np.sqrt(np.diag(model.Sigma))
    with style():
        speed = np.hypot(fields.drift[0] / sx, fields.drift[1] / sv)
        drift_stream = ax_d.streamplot(th, v, fields.drift[0], fields.drift[1], color=speed,
                                       cmap="viridis", density=1.0, linewidth=0.9,
                                       arrowsize=0.9)
        ax_j.contourf(th, v, fields.density, levels=12, cmap="Greys", alpha=0.35)
        jmag = np.hypot(fields.current[0] / sx, fields.current[1] / sv)
        current_stream = ax_j.streamplot(th, v, fields.current[0], fields.current[1],
                                         color=jmag, cmap="magma_r", density=1.0,
                                         linewidth=0.9, arrowsize=0.9)
        ellipses = []
        for a in axs:
            for k, ls in ((1, "-"), (2, "--")):
                e = _ellipse(model.Sigma, k)
                ellipses.append(a.plot(e[0], e[1], color="tab:red", ls=ls, lw=1.2,
                                       label=f"${k}\\sigma$ ellipse of $\\Sigma$")[0])
            a.set(xlabel=r"$\theta$ (position, minimiser at 0)", xlim=(th[0], th[-1]),
                  ylim=(v[0], v[-1]))
        ax_d.set_ylabel(r"$v$ (momentum buffer)")
        leg = ax_d.legend(loc=loc) if show_legend else None
        curl = 1 + d.alpha * d.curvature
        ax_d.set_title(f"drift $Fs$: curl $= 1 + \\alpha\\lambda = {curl:g} \\neq 0$")
        q = model.Q[0, 1]
        ax_j.set_title(f"current $J = -Q\\Sigma^{{-1}} s\\, p(s)$, $Q_{{12}} = {q:.3g}$\n"
                       f"(grey: density $p$; $T = {model.temperature:.3g}$)")
        bars = [fig.colorbar(drift_stream.lines, ax=ax_d, label=r"$|Fs|$ ($\sigma$ per step)"),
                fig.colorbar(current_stream.lines, ax=ax_j, label=r"$|J|$ (scaled)")]
    out = PlotResult(fig, axs, ellipses, leg, colorbar=bars, data=d, ellipses=ellipses,
                     drift_stream=drift_stream, current_stream=current_stream,
                     fields=fields, model=model)
    return finish(out, title, f"Momentum SGD in phase space: $\\alpha = {d.alpha:g}$, "
                              f"$\\beta = {d.beta:g}$, $\\lambda = {d.curvature:g}$, "
                              f"$\\sigma^2 = {d.noise_var:g}$", suptitle=True)


@dataclass(frozen=True)
class LangevinBiasData:
    r"""The numbers behind :func:`plot_langevin_bias`.

    Attributes
    ----------
    friction, curvature : float
        :math:`\gamma` and :math:`\lambda`.
    steps : numpy.ndarray
        Steps ``h``, shape (n,).
    bias_x, bias_v : numpy.ndarray
        Exact relative biases :math:`\lambda\,\mathrm{Var}(x)/T - 1` and
        :math:`\mathrm{Var}(v)/T - 1` (stationary Lyapunov solution), shape (n,).
    leading_x, leading_v : numpy.ndarray
        Their leading orders :math:`\lambda h^2/4` and :math:`\gamma h/2`.
    order_x, order_v : int
        The orders in ``h`` (2 and 1).

    See Also
    --------
    langevin_bias_data : computes it.
    plot_langevin_bias : draws it.

    Examples
    --------
    >>> d = langevin_bias_data(steps=[0.01, 0.1])
    >>> d.order_x, d.order_v, d.leading_v
    (2, 1, array([0.005, 0.05 ]))
    """

    friction: float
    curvature: float
    steps: np.ndarray
    bias_x: np.ndarray  # lambda Var(x)/T - 1, exact (Lyapunov)
    bias_v: np.ndarray  # Var(v)/T - 1, exact (Lyapunov)
    leading_x: np.ndarray  # lambda h^2 / 4
    leading_v: np.ndarray  # gamma h / 2
    order_x: int
    order_v: int


def langevin_bias_data(friction: float = 1.0, curvature: float = 1.0,
                       steps=None) -> LangevinBiasData:
    """Relative bias of the Langevin scheme's stationary variances against the step.

    Parameters
    ----------
    friction, curvature : float
        :math:`\\gamma` and :math:`\\lambda` (> 0).
    steps : array_like, optional
        Steps (> 0, at least 2; default 40 log-spaced on [1e-3, 0.8]).

    Returns
    -------
    LangevinBiasData
        Exact and leading-order biases over the steps.

    See Also
    --------
    plot_langevin_bias : draws these numbers.
    momentum_dynamics.statphys.langevin_stationary_covariance : the exact variances.

    Examples
    --------
    >>> d = langevin_bias_data(steps=np.geomspace(0.01, 0.5, 5))
    >>> d.bias_x.shape
    (5,)
    """
    friction = check_positive(friction, "friction")
    curvature = check_positive(curvature, "curvature")
    steps = np.geomspace(1e-3, 0.8, 40) if steps is None else check_grid(steps, "steps",
                                                                          positive=True)
    bx, bv = [], []
    for h in steps:
        c = langevin_stationary_covariance(h, friction, 1.0, curvature)
        bx.append(c.x[0, 0] * curvature - 1)
        bv.append(c.v[0, 0] - 1)
    b = langevin_bias()
    return LangevinBiasData(friction, curvature, steps, np.array(bx), np.array(bv),
                            curvature * steps**2 / 4, friction * steps / 2, b.order_x,
                            b.order_v)


def plot_langevin_bias(friction: float = 1.0, curvature: float = 1.0, steps=None,
                       ax=None, *, figsize: tuple[float, float] | None = None,
                       title: str | None = None,
                       legend_loc: str | int | None = "upper left") -> PlotResult:
    """Relative discretisation bias of the Langevin scheme's stationary variances against
    the step, exact (Lyapunov) and leading order (:func:`langevin_bias`).

    Parameters
    ----------
    friction, curvature, steps
        As in :func:`langevin_bias_data`.
    ax : matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        artists ``named_lines`` ("x", "x leading", "v", "v leading"), ``steps``,
        ``bias_x``, ``bias_v``.

    See Also
    --------
    langevin_bias_data : the numbers drawn.
    plot_energy_traces : the Langevin scheme against leapfrog and heavy ball.

    Examples
    --------
    >>> p = plot_langevin_bias(steps=np.geomspace(0.01, 0.5, 5))
    >>> p.bias_x.shape
    (5,)
    """
    d = langevin_bias_data(friction, curvature, steps)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, (a,), _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH * 0.75, 3.8))
    with style():
        named = {
            "x": a.loglog(d.steps, d.bias_x, "o-", ms=3, color="tab:blue",
                          label=r"$\lambda\,\mathrm{Var}(x)/T - 1$ (exact, Lyapunov)")[0],
            "x leading": a.loglog(d.steps, d.leading_x, "--", color="tab:blue",
                                  label=f"$\\lambda h^2/4$ (order {d.order_x})")[0],
            "v": a.loglog(d.steps, d.bias_v, "s-", ms=3, color="tab:orange",
                          label=r"$\mathrm{Var}(v)/T - 1$ (exact, Lyapunov)")[0],
            "v leading": a.loglog(d.steps, d.leading_v, "--", color="tab:orange",
                                  label=f"$\\gamma h/2$ (order {d.order_v})")[0],
        }
        leg = label_panel(a, show_legend, loc, xlabel="step $h$",
                          ylabel="relative bias against Boltzmann", grid="both")
    out = PlotResult(fig, [a], list(named.values()), leg, data=d, named_lines=named,
                     steps=d.steps, bias_x=d.bias_x, bias_v=d.bias_v)
    return finish(out, title, "Langevin scheme: bias of the stationary variances\n"
                              f"($\\gamma = {d.friction:g}$, "
                              f"$\\lambda = {d.curvature:g}$; configurational "
                              "$O(h^2)$, kinetic $O(h)$)")

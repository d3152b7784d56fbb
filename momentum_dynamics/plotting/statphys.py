"""Figures for the statistical-physics reading: energy traces of leapfrog, heavy ball and
Langevin; the non-equilibrium steady state of momentum SGD in phase space; the
discretisation bias of the Langevin scheme.

Plot functions take ``ax=None`` / ``axes=None``, never call ``plt.show()``, and return a
NamedTuple of what they drew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .._lazy import lazy_module

if TYPE_CHECKING:
    import matplotlib.pyplot as plt
else:
    plt = lazy_module("matplotlib.pyplot")

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

__all__ = [
    "EnergyTracesPlot",
    "plot_energy_traces",
    "NessPlot",
    "plot_ness",
    "LangevinBiasPlot",
    "plot_langevin_bias",
]

_COLORS = {"leapfrog": "#1b9e77", "heavy ball": "#d95f02", "Langevin": "#7570b3",
           "equilibrium": "0.3"}


class EnergyTracesPlot(NamedTuple):
    axes: tuple
    lines: list  # one dict per panel: name -> Line2D
    trajectories: list  # one dict per panel: name -> Trajectory / HeavyBallTrace
    equilibrium_energy: list  # <E> under Boltzmann, per panel


def plot_energy_traces(step: float = 0.05, friction: float = 0.5, temperature: float = 0.3,
                       duration: float = 40.0, n_chains: int = 200, rng=0,
                       axes=None) -> EnergyTracesPlot:
    """Energy against time for leapfrog (HMC), heavy ball and Langevin, on a quadratic and
    on the double well.

    All three use the time step ``h = step`` from the same start. Heavy ball runs with
    :math:`\\alpha = h^2`, :math:`\\beta = 1 - \\gamma h` (the identification of
    :mod:`momentum_dynamics.statphys`), so it is the Langevin scheme at zero temperature.
    The Langevin curve is the mean over ``n_chains`` chains with a band of one standard
    deviation; the dotted level is the Boltzmann mean energy :math:`T/2 + \\langle f
    \\rangle`.

    Examples
    --------
    >>> p = plot_energy_traces(duration=2.0, n_chains=10)
    >>> sorted(p.lines[0])
    ['Langevin', 'equilibrium', 'heavy ball', 'leapfrog']
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    n_steps = int(round(duration / step))
    alpha, beta = momentum_from_ode("heavy_ball", step, friction)
    gen = np.random.default_rng(rng)
    panels = [
        (quadratic_potential(1.0), 2.0, 0.0, "quadratic  f(x) = x²/2"),
        (double_well_potential(), -1.6, 1.0, "double well  f(x) = (x² − 1)²"),
    ]
    all_lines, all_traj, eq_levels = [], [], []
    for ax, (f, x0, p0, name) in zip(axes, panels, strict=True):
        lf = leapfrog(f, x0, p0, step, n_steps)
        hb = heavy_ball_energy_trace(f, x0, alpha, beta, n_steps, v0=-p0 * step)
        lg = underdamped_langevin(f, x0, p0, step, friction, temperature, n_steps, n_chains,
                                  rng=gen)
        mean, sd = lg.energy.mean(axis=1), lg.energy.std(axis=1)
        eq = temperature / 2 + boltzmann_expectation(f, temperature)
        lines = {
            "leapfrog": ax.plot(lf.time, lf.energy, color=_COLORS["leapfrog"], lw=1.6,
                                label="leapfrog / HMC (no friction, no noise)")[0],
            "heavy ball": ax.plot(hb.time, hb.energy, color=_COLORS["heavy ball"], lw=1.6,
                                  label=f"heavy ball  α = h² = {alpha:g}, β = 1 − γh = "
                                        f"{beta:g}")[0],
            "Langevin": ax.plot(lg.time, mean, color=_COLORS["Langevin"], lw=1.6,
                                label=f"Langevin / SGHMC, T = {temperature:g} "
                                      f"(mean of {n_chains} chains ± 1 sd)")[0],
            "equilibrium": ax.axhline(eq, color=_COLORS["equilibrium"], ls=":", lw=1.2,
                                      label=f"Boltzmann ⟨E⟩ = T/2 + ⟨f⟩ = {eq:.3f}"),
        }
        ax.fill_between(lg.time, mean - sd, mean + sd, color=_COLORS["Langevin"], alpha=0.15,
                        lw=0)
        if f.hessian is None:
            ax.axhline(1.0, color="0.6", ls="--", lw=0.8, label="barrier f(0) = 1")
        ax.set(xlabel="time t = k h", ylabel="energy  E = p²/2 + f(x)",
               title=f"{name}:  h = {step:g}, γ = {friction:g}")
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7.5, loc="center right")
        all_lines.append(lines)
        all_traj.append({"leapfrog": lf, "heavy ball": hb, "Langevin": lg})
        eq_levels.append(eq)
    return EnergyTracesPlot(tuple(axes), all_lines, all_traj, eq_levels)


class NessPlot(NamedTuple):
    axes: tuple
    drift_stream: object
    current_stream: object
    ellipses: list
    fields: PhaseSpaceFields
    model: LinearSDE


def _ellipse(Sigma, k, n=200):
    t = np.linspace(0, 2 * np.pi, n)
    return k * np.linalg.cholesky(Sigma) @ np.vstack([np.cos(t), np.sin(t)])


def plot_ness(alpha: float = 0.05, beta: float = 0.8, curvature: float = 1.0,
              noise_var: float = 1.0, *, resolution: int = 80, span: float = 3.5,
              axes=None) -> NessPlot:
    """Stream plots of the drift field and of the stationary probability current of
    momentum SGD in :math:`(\\theta, v)`, with the stationary covariance ellipses.

    The model is :func:`momentum_dynamics.statphys.momentum_sgd_sde` on one curvature; the
    axes span ``span`` stationary standard deviations in each variable.

    Examples
    --------
    >>> p = plot_ness(resolution=20)
    >>> len(p.ellipses), p.fields.current.shape
    (4, (2, 20, 20))
    """
    model = momentum_sgd_sde(alpha, beta, curvature, noise_var)
    sx, sv = np.sqrt(np.diag(model.Sigma))
    th = np.linspace(-span * sx, span * sx, resolution)
    v = np.linspace(-span * sv, span * sv, resolution)
    fields = phase_space_fields(model, th, v)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4.6), constrained_layout=True)
    ax_d, ax_j = axes
    speed = np.hypot(fields.drift[0] / sx, fields.drift[1] / sv)
    drift_stream = ax_d.streamplot(th, v, fields.drift[0], fields.drift[1], color=speed,
                                   cmap="viridis", density=1.2, linewidth=1.0,
                                   arrowsize=1.0)
    ax_j.contourf(th, v, fields.density, levels=12, cmap="Greys", alpha=0.35)
    jmag = np.hypot(fields.current[0] / sx, fields.current[1] / sv)
    current_stream = ax_j.streamplot(th, v, fields.current[0], fields.current[1], color=jmag,
                                     cmap="magma_r", density=1.2, linewidth=1.0,
                                     arrowsize=1.0)
    ellipses = []
    for ax in axes:
        for k, ls in ((1, "-"), (2, "--")):
            e = _ellipse(model.Sigma, k)
            ellipses.append(ax.plot(e[0], e[1], color="tab:red", ls=ls, lw=1.3,
                                    label=f"{k}σ ellipse of stationary Σ")[0])
        ax.set(xlabel="θ  (position, minimiser at 0)", ylabel="v  (heavy-ball momentum buffer)",
               xlim=(th[0], th[-1]), ylim=(v[0], v[-1]))
        ax.legend(fontsize=8, loc="upper right")
    curl = 1 + alpha * curvature
    ax_d.set_title(f"drift F s:  curl = 1 + αλ = {curl:g} ≠ 0\n"
                   f"α = {alpha:g}, β = {beta:g}, λ = {curvature:g}, σ² = {noise_var:g}",
                   fontsize=10)
    q = model.Q[0, 1]
    ax_j.set_title(f"stationary current J = −QΣ⁻¹ s p(s),  Q₁₂ = {q:.3g} ≠ 0\n"
                   f"(grey: density p; T = ασ²/(2(1−β)) = {model.temperature:.3g})",
                   fontsize=10)
    plt.colorbar(drift_stream.lines, ax=ax_d, label="|F s| (in units of σ per step)")
    plt.colorbar(current_stream.lines, ax=ax_j, label="|J| (scaled)")
    return NessPlot(tuple(axes), drift_stream, current_stream, ellipses, fields, model)


class LangevinBiasPlot(NamedTuple):
    ax: object
    lines: dict
    steps: np.ndarray
    bias_x: np.ndarray
    bias_v: np.ndarray


def plot_langevin_bias(friction: float = 1.0, curvature: float = 1.0, steps=None,
                       ax=None) -> LangevinBiasPlot:
    """Relative discretisation bias of the Langevin scheme's stationary variances against
    the step, exact (Lyapunov) and leading order (:func:`langevin_bias`).

    Examples
    --------
    >>> p = plot_langevin_bias(steps=np.geomspace(0.01, 0.5, 5))
    >>> p.bias_x.shape
    (5,)
    """
    steps = np.geomspace(1e-3, 0.8, 40) if steps is None else np.asarray(steps, float)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.5), constrained_layout=True)
    bx, bv = [], []
    for h in steps:
        c = langevin_stationary_covariance(h, friction, 1.0, curvature)
        bx.append(c.x[0, 0] * curvature - 1)
        bv.append(c.v[0, 0] - 1)
    bx, bv = np.array(bx), np.array(bv)
    b = langevin_bias()
    lines = {
        "x": ax.loglog(steps, bx, "o-", ms=3, color="tab:blue",
                       label="λ Var(x)/T − 1 (exact, Lyapunov)")[0],
        "x leading": ax.loglog(steps, curvature * steps**2 / 4, "--", color="tab:blue",
                               label=f"λh²/4  (order {b.order_x})")[0],
        "v": ax.loglog(steps, bv, "s-", ms=3, color="tab:orange",
                       label="Var(v)/T − 1 (exact, Lyapunov)")[0],
        "v leading": ax.loglog(steps, friction * steps / 2, "--", color="tab:orange",
                               label=f"γh/2  (order {b.order_v})")[0],
    }
    ax.set(xlabel="step h", ylabel="relative bias against Boltzmann",
           title=f"Langevin scheme on a quadratic: bias of the stationary variances\n"
                 f"(γ = {friction:g}, λ = {curvature:g}; configurational O(h²), kinetic O(h))")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return LangevinBiasPlot(ax, lines, steps, bx, bv)

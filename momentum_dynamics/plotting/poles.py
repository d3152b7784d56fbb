"""Frequency responses, pole-zero maps and pole trajectories.

Bode and pole-zero figures are drawn by python-control's own plotting (its
``ControlPlot`` is kept as the ``control_plot`` artist of the returned
:class:`~momentum_dynamics.plotting.PlotResult`); pole trajectories are drawn here from
:func:`momentum_dynamics.poles`. Each figure has a ``*_data`` companion returning the
numbers drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_alpha, check_beta, check_curvature, check_scalar
from ..lti import to_statespace
from ..methods import Method, get_method
from ..numeric import critical_beta, poles, spectral_radius
from ._result import (
    TEXT_WIDTH,
    PlotResult,
    check_count,
    check_grid,
    check_legend_loc,
    check_positive,
    figure_axes,
    finish,
    style,
)
from .regions import REGIME_COLORS

__all__ = [
    "regime_settings",
    "BodeData",
    "bode_compare_data",
    "bode_compare",
    "PoleZeroData",
    "pole_zero_compare_data",
    "pole_zero_compare",
    "pole_trajectory_data",
    "PoleTrajectories",
    "pole_trajectories_data",
    "plot_pole_trajectories",
]


def regime_settings(method: str | Method = "heavy_ball", h: float = 0.1) -> list[tuple[str, float]]:
    """One momentum per damping regime at ``alpha*lambda = h``: (label, beta) pairs.

    Overdamped at half the critical beta, critical, and underdamped halfway between
    the critical beta and 1.

    Parameters
    ----------
    method : str or Method
        A method with momentum.
    h : float
        ``alpha*lambda`` (> 0, with a critical beta).

    Returns
    -------
    list of (str, float)
        ``("overdamped", beta_c / 2)``, ``("critical", beta_c)`` and
        ``("underdamped", (beta_c + 1) / 2)``.

    See Also
    --------
    momentum_dynamics.critical_beta : the exact critical momentum used here.
    bode_compare, pole_zero_compare : draw these three settings by default.

    Examples
    --------
    >>> [(k, round(b, 4)) for k, b in regime_settings("heavy_ball", 0.25)]
    [('overdamped', 0.125), ('critical', 0.25), ('underdamped', 0.625)]
    """
    method = get_method(method)
    h = check_positive(h, "h")
    bc = critical_beta(method, 1.0, h)
    if np.isnan(bc):
        raise ValueError(f"h = alpha*lambda = {h!r} has no critical beta for {method.name!r}")
    return [("overdamped", 0.5 * bc), ("critical", bc), ("underdamped", 0.5 * (bc + 1))]


def _settings(method, alpha, curvature, settings):
    if settings is None:
        return regime_settings(method, alpha * curvature)
    try:
        out = [(str(name), float(b)) for name, b in settings]
    except (TypeError, ValueError):
        raise TypeError(f"settings must be a sequence of (label, beta) pairs; "
                        f"got {settings!r}") from None
    if not out:
        raise ValueError("settings must hold at least one (label, beta) pair")
    return out


def _systems(method, alpha, curvature, output, settings):
    """The checked arguments shared by the Bode and pole-zero data, and one system per
    setting: ``(method, alpha, curvature, labels, betas, systems)``."""
    m = get_method(method)
    alpha = float(check_alpha(check_scalar(alpha, "alpha")))
    curvature = check_scalar(curvature, "curvature")
    sets = _settings(m, alpha, curvature, settings)
    systems = tuple(to_statespace(m, alpha, b, curvature, output=output) for _, b in sets)
    return (m, alpha, curvature, tuple(_label(n, b) for n, b in sets),
            np.array([b for _, b in sets]), systems)


def _control_legend(cp):
    """The legend of a python-control ``ControlPlot`` (an array of them or one)."""
    return cp.legend[0, 0] if isinstance(cp.legend, np.ndarray) else cp.legend


def _unit_circle(a, lim: float, **kwargs):
    """Draw the unit circle on an equal-aspect z-plane ``[-lim, lim]^2``; return it."""
    t = np.linspace(0, 2 * np.pi, 400)
    (circle,) = a.plot(np.cos(t), np.sin(t), color="0.4", lw=1, **kwargs)
    a.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="Re $z$")
    return circle


def _where(m: Method, alpha: float, curvature: float) -> str:
    return (f"$\\alpha = {alpha:g}$, $\\lambda = {curvature:g}$ "
            f"($\\alpha\\lambda = {alpha * curvature:g}$)")


def _io(output: str) -> str:
    target = {"step": r"step $x_{k+1} - x_k$"}.get(output, f"${output}$")
    return f"gradient noise $\\xi$ $\\to$ {target}"


def _label(name: str, beta: float) -> str:
    return f"{name}: $\\beta = {beta:.3g}$"


@dataclass(frozen=True)
class BodeData:
    """Frequency responses drawn by :func:`bode_compare` (one row per setting).

    Attributes
    ----------
    method : str
        Registry name of the method.
    alpha, curvature : float
        Learning rate and Hessian eigenvalue.
    output : str
        The state variable (or ``"step"``) the noise is filtered to.
    labels : tuple of str
        Legend label of each setting.
    betas : numpy.ndarray
        Momentum of each setting, shape (k,).
    omega : numpy.ndarray
        Frequencies in rad/step, shape (n,).
    magnitude : numpy.ndarray
        Gain ``|H(exp(i omega))|``, shape (k, n).
    phase : numpy.ndarray
        Phase in radians, shape (k, n).
    systems : tuple of control.StateSpace
        The discrete-time systems, one per setting.

    See Also
    --------
    bode_compare_data : computes it.
    bode_compare : draws it.

    Examples
    --------
    >>> d = bode_compare_data("heavy_ball", 0.1, 1.0, settings=[("b", 0.5)], omega=[1e-3])
    >>> d.betas, d.magnitude.shape
    (array([0.5]), (1, 1))
    """

    method: str
    alpha: float
    curvature: float
    output: str
    labels: tuple[str, ...]
    betas: np.ndarray
    omega: np.ndarray  # rad/step, shape (n,)
    magnitude: np.ndarray  # |H(e^{i omega})|, shape (k, n)
    phase: np.ndarray  # radians, shape (k, n)
    systems: tuple


def bode_compare_data(method="heavy_ball", alpha: float = 0.1, curvature: float = 1.0, *,
                      output: str = "x", settings=None, omega=None) -> BodeData:
    """Frequency response from gradient noise to ``output``, one row per setting.

    Parameters
    ----------
    method : str or Method
    alpha, curvature : float
        Learning rate (> 0) and Hessian eigenvalue.
    output : str
        A state variable or ``"step"`` (see :func:`momentum_dynamics.to_statespace`).
    settings : sequence of (label, beta), optional
        Default: :func:`regime_settings` at ``alpha*curvature``.
    omega : array_like, optional
        Frequencies in rad/step, in (0, pi] (default 400 log-spaced from 1e-3).

    Returns
    -------
    BodeData
        One row per setting.

    See Also
    --------
    bode_compare : draws these numbers.
    momentum_dynamics.to_statespace : the systems whose responses these are.

    Examples
    --------
    >>> d = bode_compare_data("heavy_ball", 0.1, 1.0, omega=[0.01, 1.0])
    >>> d.magnitude.shape
    (3, 2)
    """
    import control

    m, alpha, curvature, labels, betas, systems = _systems(method, alpha, curvature, output,
                                                           settings)
    w = np.geomspace(1e-3, np.pi, 400) if omega is None else check_grid(omega, "omega",
                                                                          minimum=1,
                                                                          positive=True)
    if np.any(w > np.pi * (1 + 1e-12)):
        raise ValueError("omega must lie in (0, pi] rad/step (the Nyquist frequency); "
                         f"got {w.max()!r}")
    mag, ph = [], []
    for s in systems:
        r = control.frequency_response(s, w)
        mag.append(np.asarray(r.magnitude, float).reshape(w.shape))
        ph.append(np.asarray(r.phase, float).reshape(w.shape))
    return BodeData(m.name, alpha, curvature, output, labels, betas, w, np.array(mag),
                    np.array(ph), systems)


def bode_compare(method="heavy_ball", alpha: float = 0.1, curvature: float = 1.0, *,
                 output: str = "x", settings=None, omega=None, ax=None,
                 figsize: tuple[float, float] | None = None, title: str | None = None,
                 legend_loc: str | int | None = "best") -> PlotResult:
    """Bode plots from gradient noise to ``output``, one curve per setting.

    Drawn by python-control's ``bode_plot`` (magnitude on a log scale, phase in
    degrees); the title names the method, the parameters and input -> output.

    Parameters
    ----------
    method, alpha, curvature, output, settings, omega
        As in :func:`bode_compare_data`.
    ax : array of 2 Axes (magnitude, phase), optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``axes`` = [magnitude, phase]; ``lines`` the magnitude lines then the
        phase lines; artists ``magnitude``, ``phase`` (lists of lines) and
        ``control_plot`` (python-control's ``ControlPlot``).

    See Also
    --------
    bode_compare_data : the numbers drawn.
    pole_zero_compare : the poles and zeros of the same systems.

    Examples
    --------
    >>> out = bode_compare("heavy_ball", 0.1, 1.0)
    >>> len(out.magnitude)
    3
    """
    import control

    d = bode_compare_data(method, alpha, curvature, output=output, settings=settings,
                          omega=omega)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 5.0), rows=2, sharex=True)
    m = get_method(method)
    default = f"{m.title}: {_io(output)};  {_where(m, d.alpha, d.curvature)}"
    with style():
        cp = control.bode_plot(list(d.systems), d.omega,
                               ax=np.array(axes, dtype=object).reshape(2, 1),
                               label=list(d.labels), legend_loc=loc if show_legend else False)
        cp.axes[-1, 0].set_xlabel(r"frequency $\omega$ [rad/step]")
        cp.axes[0, 0].set_ylabel(r"magnitude $|H(e^{i\omega})|$")
        cp.axes[1, 0].set_ylabel("phase [deg]")
        for a in axes:  # python-control's minor grid is heavy at print size
            a.grid(True, which="major", alpha=0.5)
            a.grid(True, which="minor", alpha=0.15)
    mag, ph = list(cp.lines[0, 0]), list(cp.lines[1, 0])
    out = PlotResult(fig, axes, mag + ph, _control_legend(cp), data=d, magnitude=mag, phase=ph,
                     control_plot=cp)
    return finish(out, title, default, suptitle=True)


@dataclass(frozen=True)
class PoleZeroData:
    """Poles and zeros drawn by :func:`pole_zero_compare` (one entry per setting).

    Attributes
    ----------
    method : str
        Registry name of the method.
    alpha, curvature : float
        Learning rate and Hessian eigenvalue.
    output : str
        The state variable (or ``"step"``) the noise is filtered to.
    labels : tuple of str
        Legend label of each setting.
    betas : numpy.ndarray
        Momentum of each setting, shape (k,).
    poles, zeros : tuple of numpy.ndarray
        Complex poles and zeros of each setting's transfer function.
    systems : tuple of control.StateSpace
        The discrete-time systems, one per setting.

    See Also
    --------
    pole_zero_compare_data : computes it.
    pole_zero_compare : draws it.

    Examples
    --------
    >>> d = pole_zero_compare_data("heavy_ball", 0.1, 1.0, settings=[("b", 0.5)])
    >>> d.betas, len(d.poles[0])
    (array([0.5]), 2)
    """

    method: str
    alpha: float
    curvature: float
    output: str
    labels: tuple[str, ...]
    betas: np.ndarray
    poles: tuple[np.ndarray, ...]
    zeros: tuple[np.ndarray, ...]
    systems: tuple = ()


def pole_zero_compare_data(method="heavy_ball", alpha: float = 0.1, curvature: float = 1.0, *,
                           output: str = "x", settings=None) -> PoleZeroData:
    """Poles and zeros from gradient noise to ``output``, one entry per setting.

    Parameters
    ----------
    method, alpha, curvature, output, settings
        As in :func:`bode_compare_data`.

    Returns
    -------
    PoleZeroData
        One entry per setting.

    See Also
    --------
    pole_zero_compare : draws these numbers.
    momentum_dynamics.poles : the poles without a state-space model.

    Examples
    --------
    >>> d = pole_zero_compare_data("heavy_ball", 0.25, 1.0, settings=[("c", 0.25)])
    >>> np.round(d.poles[0].real, 6)
    array([0.5, 0.5])
    """
    m, alpha, curvature, labels, betas, systems = _systems(method, alpha, curvature, output,
                                                           settings)
    return PoleZeroData(m.name, alpha, curvature, output, labels, betas,
                        tuple(np.asarray(s.poles()) for s in systems),
                        tuple(np.asarray(s.zeros()) for s in systems), systems)


def pole_zero_compare(method="heavy_ball", alpha: float = 0.1, curvature: float = 1.0, *,
                      output: str = "x", settings=None, ax=None,
                      figsize: tuple[float, float] | None = None, title: str | None = None,
                      legend_loc: str | int | None = "upper left") -> PlotResult:
    """Pole-zero map with the unit circle, one colour per setting (python-control).

    Parameters
    ----------
    method, alpha, curvature, output, settings
        As in :func:`pole_zero_compare_data`.
    ax : matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``lines``: python-control's pole and zero markers, then the unit circle;
        artist ``control_plot``.

    See Also
    --------
    pole_zero_compare_data : the numbers drawn.
    plot_pole_trajectories : how the poles move with beta and the curvature.

    Examples
    --------
    >>> out = pole_zero_compare("nesterov", 0.2, 1.0)
    >>> out.ax.get_xlabel()
    'Re $z$'
    """
    import control

    d = pole_zero_compare_data(method, alpha, curvature, output=output, settings=settings)
    show_legend, loc = check_legend_loc(legend_loc)
    fig, (a,), _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH * 0.72, 4.8))
    m = get_method(method)
    maps = [control.pole_zero_map(s) for s in d.systems]
    # Three short lines: the default figure is narrower than the text column.
    default = (f"{m.title}: poles ($\\times$) and zeros ($\\circ$)\n{_io(output)}\n"
               f"{_where(m, d.alpha, d.curvature)}")
    with style():
        cp = control.pole_zero_plot(maps, ax=a, label=list(d.labels),
                                    legend_loc=loc if show_legend else False)
        circle = _unit_circle(a, 1.15, label="_unit circle")
        a.set_ylabel("Im $z$")
    lines = [ln for group in np.ravel(cp.lines) for ln in np.ravel(group)
             if hasattr(ln, "get_xdata")] + [circle]
    a.set_title("")
    return finish(PlotResult(fig, [a], lines, _control_legend(cp), data=d, control_plot=cp),
                  title, default)


def pole_trajectory_data(method, alpha, beta=None, curvature=None):
    """Poles along a sweep (one of ``beta`` or ``curvature`` an array), shape (n, order).

    :func:`momentum_dynamics.poles` with its arguments checked; the curvature is real
    here (a trajectory over real Hessian eigenvalues).

    Parameters
    ----------
    method : str or Method
        A registered method name or a Method.
    alpha : float or array_like
        Learning rate (> 0).
    beta : float or array_like, optional
        Momentum in [-1, 1]; None for methods without one.
    curvature : float or array_like
        Real Hessian eigenvalue(s).

    Returns
    -------
    numpy.ndarray
        Complex poles, shape ``broadcast shape + (order,)``.

    See Also
    --------
    pole_trajectories_data : both standard sweeps with their landmarks.
    momentum_dynamics.poles : the same numbers, complex curvature allowed.

    Examples
    --------
    >>> pole_trajectory_data("heavy_ball", 0.25, [0.25], 1.0)
    array([[0.5+0.j, 0.5+0.j]])
    """
    m = get_method(method)
    alpha = check_alpha(alpha)
    beta = check_beta(beta, m)
    curvature = check_curvature(curvature, allow_complex=False)
    return poles(m, alpha, beta, curvature)


@dataclass(frozen=True)
class PoleTrajectories:
    """The two sweeps drawn by :func:`plot_pole_trajectories`.

    Attributes
    ----------
    method : str
        Registry name of the method.
    alpha : float
        Learning rate.
    curvature : float
        Curvature of the beta sweep.
    beta : float
        Momentum of the curvature sweep.
    betas : numpy.ndarray
        The beta sweep, shape (n,).
    beta_sweep : numpy.ndarray
        Poles along the beta sweep, shape (n, order).
    critical_beta : float
        Exact critical momentum at ``curvature`` (NaN when there is none).
    double_pole : float
        The real double pole at ``critical_beta`` (NaN when there is none).
    curvatures : numpy.ndarray
        The curvature sweep, shape (n,), log-spaced on [mu, L].
    curvature_sweep : numpy.ndarray
        Poles along the curvature sweep, shape (n, order).
    spectral_radius : numpy.ndarray
        Spectral radius over the curvature sweep, shape (n,).
    first_unstable : float
        Smallest swept curvature with spectral radius >= 1 (NaN when none).

    See Also
    --------
    pole_trajectories_data : computes it.
    plot_pole_trajectories : draws it.

    Examples
    --------
    >>> d = pole_trajectories_data("heavy_ball", 0.25, 1.0, resolution=5)
    >>> round(d.critical_beta, 6), round(d.double_pole, 6)
    (0.25, 0.5)
    """

    method: str
    alpha: float
    curvature: float
    beta: float
    betas: np.ndarray  # beta sweep, shape (n,)
    beta_sweep: np.ndarray  # poles, shape (n, order)
    critical_beta: float  # NaN when none
    double_pole: float  # NaN when none
    curvatures: np.ndarray  # curvature sweep, shape (n,)
    curvature_sweep: np.ndarray  # poles, shape (n, order)
    spectral_radius: np.ndarray  # over the curvature sweep
    first_unstable: float  # smallest swept curvature with rho >= 1, NaN when none


def pole_trajectories_data(method="heavy_ball", alpha: float = 0.1, curvature: float = 1.0,
                           beta: float = 0.8, *, mu: float | None = None,
                           L: float | None = None, resolution: int = 400,
                           **hyperparameters) -> PoleTrajectories:
    """Poles as beta sweeps [0, 1) at one curvature, and as curvature sweeps [mu, L].

    Parameters
    ----------
    method : str or Method
        A method with momentum.
    alpha, curvature, beta : float
        Learning rate, the curvature of the beta sweep, the momentum of the
        curvature sweep.
    mu, L : float, optional
        Curvature sweep bounds (default ``curvature / 100`` and ``4 / alpha``).
    resolution : int
        Points per sweep (>= 2).
    **hyperparameters
        Extra hyper-parameters of a registered method.

    Returns
    -------
    PoleTrajectories
        Both sweeps, the double pole and the first unstable curvature.

    See Also
    --------
    plot_pole_trajectories : draws these numbers.
    pole_trajectory_data : the poles along one sweep of your own.

    Examples
    --------
    >>> d = pole_trajectories_data("heavy_ball", 0.1, 1.0, resolution=10)
    >>> d.beta_sweep.shape, round(d.double_pole, 6)
    ((10, 2), 0.683772)
    """
    m = get_method(method)
    if not m.has_momentum:
        raise ValueError(f"method {m.name!r} has no momentum parameter to sweep")
    n = check_count(resolution, "resolution", 2)
    alpha = float(check_alpha(check_scalar(alpha, "alpha")))
    curvature = check_scalar(curvature, "curvature")
    beta = check_scalar(beta, "beta")
    betas = np.linspace(0, 0.999, n)
    p = poles(m, alpha, betas, curvature, **hyperparameters)
    bc = float(critical_beta(m, alpha, curvature, **hyperparameters))
    pc = float(poles(m, alpha, bc, curvature, **hyperparameters)[0].real) if np.isfinite(bc) \
        else np.nan
    mu = curvature / 100 if mu is None else check_scalar(mu, "mu")
    L = 4.0 / alpha if L is None else check_scalar(L, "L")
    if not 0 < mu < L:
        raise ValueError(f"mu and L must satisfy 0 < mu < L; got mu={mu!r}, L={L!r}")
    lams = np.geomspace(mu, L, n)
    q = poles(m, alpha, beta, lams, **hyperparameters)
    rho = np.asarray(spectral_radius(m, alpha, beta, lams, **hyperparameters), float)
    first = float(lams[np.argmax(rho >= 1)]) if np.any(rho >= 1) else np.nan
    return PoleTrajectories(m.name, alpha, curvature, beta, betas, p, bc, pc, lams, q, rho,
                            first)


def plot_pole_trajectories(method="heavy_ball", alpha: float = 0.1, curvature: float = 1.0,
                           beta: float = 0.8, *, mu: float | None = None,
                           L: float | None = None, ax=None,
                           figsize: tuple[float, float] | None = None,
                           title: str | None = None,
                           legend_loc: str | int | None = "lower left",
                           resolution: int = 400) -> PlotResult:
    """Poles as beta sweeps [0, 1) (left) and as curvature sweeps [mu, L] (right).

    The left panel marks where the two real poles meet at the critical beta and then
    leave the real axis on the circle of radius :math:`\\sqrt{\\beta}`; the right
    panel shows the poles of every curvature of a spectrum for a fixed
    :math:`(\\alpha, \\beta)`, and where they leave the unit circle.

    Parameters
    ----------
    method, alpha, curvature, beta, mu, L, resolution
        As in :func:`pole_trajectories_data`.
    ax : sequence of 2 Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, figure title ('' for none), legend location (False:
        none).

    Returns
    -------
    PlotResult
        ``lines``: the double-pole marker (when there is one); artists
        ``scatter`` (the pole clouds); ``colorbar``: the two colour bars.

    See Also
    --------
    pole_trajectories_data : the numbers drawn.
    plot_stability_region : the damping regimes these poles define.

    Examples
    --------
    >>> out = plot_pole_trajectories("heavy_ball", 0.1, 1.0, resolution=20)
    >>> len(out.axes), len(out.colorbar)
    (2, 2)
    """
    d = pole_trajectories_data(method, alpha, curvature, beta, mu=mu, L=L,
                               resolution=resolution)
    show_legend, loc = check_legend_loc(legend_loc)
    m = get_method(method)
    fig, axes, _ = figure_axes(ax, 2, figsize, (TEXT_WIDTH, 3.6))
    lines, scatters, bars = [], [], []
    with style():
        for a in axes:
            _unit_circle(a, 1.25)
            a.axhline(0, color="0.8", lw=0.8)
            a.axvline(0, color="0.8", lw=0.8)
        axes[0].set_ylabel("Im $z$")
        for k in range(d.beta_sweep.shape[1]):
            scatters.append(axes[0].scatter(d.beta_sweep[:, k].real, d.beta_sweep[:, k].imag,
                                            c=d.betas, cmap="viridis", s=4, vmin=0, vmax=1))
        bars.append(fig.colorbar(scatters[-1], ax=axes[0], shrink=0.8, label=r"$\beta$"))
        if np.isfinite(d.critical_beta):
            lines += axes[0].plot([d.double_pole], [0], "o", color=REGIME_COLORS["critical"],
                                  ms=7, label=f"double pole, $\\beta_c = {d.critical_beta:.3g}$")
            if show_legend:
                axes[0].legend(loc=loc)
        axes[0].set_title(f"$\\beta$ sweeps [0, 1), $\\alpha\\lambda = {d.alpha * d.curvature:g}$")
        for k in range(d.curvature_sweep.shape[1]):
            scatters.append(axes[1].scatter(d.curvature_sweep[:, k].real,
                                            d.curvature_sweep[:, k].imag,
                                            c=np.log10(d.curvatures), cmap="plasma", s=4))
        bars.append(fig.colorbar(scatters[-1], ax=axes[1], shrink=0.8,
                                 label=r"$\log_{10}\lambda$"))
        sweep = (f"$\\lambda$ sweeps [{d.curvatures[0]:.3g}, {d.curvatures[-1]:.3g}], "
                 f"$\\beta = {d.beta:g}$")
        if np.isfinite(d.first_unstable):
            sweep += f"\n(unstable from $\\lambda = {d.first_unstable:.3g}$)"
        axes[1].set_title(sweep)
    out = PlotResult(fig, axes, lines, None, colorbar=bars, data=d, scatter=scatters)
    return finish(out, title, f"{m.title}: pole trajectories, $\\alpha = {d.alpha:g}$",
                  suptitle=True)

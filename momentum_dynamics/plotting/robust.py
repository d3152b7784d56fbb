"""Figures beyond quadratics: a witness on which the quadratic rate fails, and the
certified rates against the condition number.

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

__all__ = ["WitnessData", "witness_data", "plot_witness", "CertifiedRatesData",
           "certified_rates_data", "plot_certified_rates"]


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


#: The methods of :func:`certified_rates_data` and the tuning each is run at.
CERTIFIED_METHODS = ("gd", "heavy_ball", "nesterov", "triple_momentum")


def _tuned(method: str, mu: float, L: float) -> dict[str, float]:
    from .. import designs
    from ..numeric import optimal_parameters

    if method == "gd":
        return {"alpha": float(optimal_parameters("gd", mu, L).alpha)}
    if method == "heavy_ball":
        p = optimal_parameters("heavy_ball", mu, L)
        return {"alpha": float(p.alpha), "beta": float(p.beta)}
    if method == "nesterov":
        p = optimal_parameters("nesterov", mu, L, tuning="standard")
        return {"alpha": float(p.alpha), "beta": float(p.beta)}
    if method == "triple_momentum":
        p = designs.triple_momentum_parameters(mu, L)
        return {k: float(getattr(p, k)) for k in ("alpha", "beta", "gamma", "delta")}
    raise ValueError(f"methods: unknown method {method!r}; allowed are "
                     f"{list(CERTIFIED_METHODS)}")


@dataclass(frozen=True, eq=False)
class CertifiedRatesData:
    r"""The numbers :func:`plot_certified_rates` draws.

    Attributes
    ----------
    kappas : (k,) ndarray
        Condition numbers :math:`L/\mu` (with :math:`\mu = 1`).
    methods : tuple of str
        The methods, each at its textbook tuning (gradient descent at
        :math:`2/(\mu+L)`, heavy ball at Polyak's, Nesterov at :math:`1/L` with
        :math:`(\sqrt\kappa-1)/(\sqrt\kappa+1)`, triple momentum at Van Scoy et al.'s).
    quadratic : (m, k) ndarray
        Worst-case rate over quadratics with curvatures in :math:`[\mu, L]`.
    certified : (m, k) ndarray
        Rate certified on every L-smooth, mu-strongly convex function
        (:func:`momentum_dynamics.robust.certified_rate`); NaN where none exists.
    lower_bound : (k,) ndarray
        :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)`, the lower bound of Nesterov (2004)
        for first-order methods on the class (attained on quadratics).
    iqc : str
        The IQC of the certificates.

    See Also
    --------
    certified_rates_data : returns it.

    Examples
    --------
    >>> d = certified_rates_data([10.0], methods=("gd",), iqc="sector")
    >>> round(float(d.certified[0, 0]), 4), round(9 / 11, 4)
    (0.8182, 0.8182)
    """

    kappas: np.ndarray
    methods: tuple
    quadratic: np.ndarray
    certified: np.ndarray
    lower_bound: np.ndarray
    iqc: str


def certified_rates_data(kappas=(2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 300.0, 1000.0), *,
                         methods=CERTIFIED_METHODS, iqc: str = "off_by_one",
                         progress: bool = False) -> CertifiedRatesData:
    r"""Quadratic and certified rates of tuned methods against the condition number.

    Parameters
    ----------
    kappas : sequence of float
        Condition numbers, each > 1 (:math:`\mu = 1`, :math:`L = \kappa`).
    methods : sequence of str
        Any of ``"gd"``, ``"heavy_ball"``, ``"nesterov"``, ``"triple_momentum"``.
    iqc : {"off_by_one", "sector"}
        As in :func:`momentum_dynamics.robust.certified_rate`.
    progress : bool
        Show a progress bar (each certificate is a bisection of small SDPs).

    Returns
    -------
    CertifiedRatesData

    Raises
    ------
    ValueError
        For an empty or non-finite ``kappas``, a ``kappa <= 1``, an unknown method or IQC.
    TypeError
        For ``methods`` that is neither a name nor a sequence of names.

    See Also
    --------
    plot_certified_rates : draws it.
    momentum_dynamics.robust.certified_rate : one certificate.

    Examples
    --------
    >>> d = certified_rates_data([10.0], methods=("gd",), iqc="sector")
    >>> d.quadratic.shape
    (1, 1)
    """
    from .._validation import check_nonempty, check_positive
    from ..robust import certified_rate

    k = np.atleast_1d(check_positive(kappas, "kappas")).astype(float).ravel()
    check_nonempty(k, "kappas")
    if np.any(k <= 1):
        raise ValueError(f"kappas must all be > 1; got {k[k <= 1][0]!r}")
    if isinstance(methods, str):
        methods = (methods,)
    try:
        methods = tuple(methods)
    except TypeError:
        raise TypeError(f"methods must be a method name or a sequence of them; got "
                        f"{type(methods).__name__}") from None
    if not methods:
        raise ValueError("methods must name at least one method")
    for m in methods:
        if m not in CERTIFIED_METHODS:
            raise ValueError(f"methods: unknown method {m!r}; allowed are "
                             f"{list(CERTIFIED_METHODS)}")
    quad = np.full((len(methods), k.size), np.nan)
    cert = np.full_like(quad, np.nan)
    jobs = [(i, j) for i in range(len(methods)) for j in range(k.size)]
    if progress:
        from tqdm import tqdm

        jobs = tqdm(jobs, desc="certificates", leave=False)
    for i, j in jobs:
        c = certified_rate(methods[i], 1.0, float(k[j]), iqc=iqc,
                           **_tuned(methods[i], 1.0, float(k[j])))
        quad[i, j], cert[i, j] = c.quadratic_rate, c.rate
    s = np.sqrt(k)
    return CertifiedRatesData(k, methods, quad, cert, (s - 1) / (s + 1), iqc)


def plot_certified_rates(kappas=(2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 300.0, 1000.0), ax=None,
                         *, methods=CERTIFIED_METHODS, iqc: str = "off_by_one",
                         figsize: tuple[float, float] | None = None, title: str | None = None,
                         legend_loc: str | int | None = "best",
                         progress: bool = False) -> PlotResult:
    r"""Draw the quadratic and the certified rates of tuned methods against kappa.

    The vertical axis is :math:`1 - \rho` on a log scale (rates near 1 stay apart):
    solid lines are the rates certified on every L-smooth, mu-strongly convex function,
    dashed lines the worst case over quadratics, dotted black the lower bound
    :math:`(\sqrt\kappa-1)/(\sqrt\kappa+1)`. A method without a certificate at some
    kappa has a gap in its solid line there (heavy ball at Polyak's tuning beyond
    kappa of about 18 with the off-by-one IQC).

    Parameters
    ----------
    kappas, methods, iqc, progress
        As in :func:`certified_rates_data`.
    ax : matplotlib Axes, optional
        Created when not given.
    figsize, title, legend_loc
        Size of a new figure, title ('' for none), legend location (False: none).

    Returns
    -------
    PlotResult
        ``data`` is the :class:`CertifiedRatesData`.

    Raises
    ------
    ValueError, TypeError
        As :func:`certified_rates_data`, and for a bad ``ax``.

    See Also
    --------
    certified_rates_data : the numbers drawn.

    Examples
    --------
    >>> out = plot_certified_rates([5.0, 20.0], methods=("gd", "nesterov"))
    >>> out.data.certified.shape
    (2, 2)
    """
    show_legend, loc = check_legend_loc(legend_loc)
    fig, axes, _ = figure_axes(ax, 1, figsize, (TEXT_WIDTH * 0.72, 3.6))
    d = certified_rates_data(kappas, methods=methods, iqc=iqc, progress=progress)
    colors = {"gd": "#636363", "heavy_ball": "#08519c", "nesterov": "#d94801",
              "triple_momentum": "#238b45"}
    names = {"gd": "gradient descent", "heavy_ball": "heavy ball (Polyak)",
             "nesterov": "Nesterov (standard)", "triple_momentum": "triple momentum"}
    a = axes[0]
    lines = []
    with style():
        for i, m in enumerate(d.methods):
            lines += a.loglog(d.kappas, 1 - d.certified[i], "o-", color=colors[m], ms=3,
                              label=f"{names[m]}: certified")
            lines += a.loglog(d.kappas, 1 - d.quadratic[i], "--", color=colors[m], lw=1,
                              label=f"{names[m]}: quadratics")
        lines += a.loglog(d.kappas, 1 - d.lower_bound, ":", color="black", lw=1.2,
                          label=r"lower bound $(\sqrt{\kappa}-1)/(\sqrt{\kappa}+1)$")
        leg = label_panel(a, show_legend, loc, xlabel=r"condition number $\kappa = L/\mu$",
                          ylabel=r"$1 - \rho$ (larger is faster)", fontsize="x-small")
    out = PlotResult(fig, axes, lines, leg, data=d)
    iqc_name = "off-by-one" if d.iqc == "off_by_one" else d.iqc
    return finish(out, title, f"Worst case on quadratics and certified rate\n"
                  f"on smooth strongly convex functions ({iqc_name} IQC)")

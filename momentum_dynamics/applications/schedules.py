"""Hyper-parameter schedules as time-varying linear systems.

Deep-learning practice changes the learning rate and the momentum during training:
linear warm-up (Goyal et al. 2017), momentum ramps (Sutskever et al. 2013), step decay,
cyclical learning rates (Smith 2017). On a quadratic with curvature ``lambda`` a method
with the per-step hyper-parameters ``(alpha_t, beta_t)`` is the *time-varying* linear
system

.. math:: s_t = A_t s_{t-1}, \\qquad s_T = A_T A_{T-1} \\cdots A_1 s_0 ,

where ``A_t`` is the state matrix of the update rule at ``(alpha_t, beta_t, lambda)``
(:func:`momentum_dynamics.lti.state_space_matrices`, derived from the rule). The
amplification of the worst initial state after ``t`` steps is the spectral norm
``||A_t ... A_1||_2``.

A frozen-time analysis, "every ``A_t`` has spectral radius < 1", does *not* make the
product small: the ``A_t`` are not normal and do not commute, so a product of stable
matrices can grow (the classical switching instability of time-varying systems,
e.g. Liberzon 2003, *Switching in Systems and Control*, ch. 2).
:func:`transient_amplification_example` shows it for heavy ball (Polyak 1964) with a
cyclical learning rate.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import (
    as_real_array,
    check_count,
    check_nonempty,
    check_positive,
    describe_bad,
    to_output,
)
from ..lti import entry_polynomials
from ..methods import Method, get_method
from ..numeric import spectral_radius

__all__ = [
    "transition_product",
    "ScheduleGrowth",
    "schedule_growth",
    "linear_warmup",
    "beta_ramp",
    "step_decay",
    "AmplificationExample",
    "transient_amplification_example",
]


# --------------------------------------------------------------------------
# Validation of a schedule
# --------------------------------------------------------------------------


def _per_step(value, name: str) -> np.ndarray:
    """A finite real scalar or 1-D array (one value per step)."""
    arr = as_real_array(value, name)
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-D array with one value per step; "
                         f"got shape {arr.shape}")
    if arr.ndim == 1 and arr.size == 0:
        raise ValueError(f"{name} must hold at least one step; got an empty array")
    return arr


class _Schedule(NamedTuple):
    method: Method
    steps: int
    values: dict  # hyper-parameter name -> (steps,) float array, in the rule's order


def _schedule(method, alphas, betas, hyperparameters: dict) -> _Schedule:
    """Validated per-step hyper-parameters, all broadcast to one length."""
    m = get_method(method)
    named = {"alpha": ("alphas", _per_step(alphas, "alphas"))}
    a = named["alpha"][1]
    bad = a <= 0
    if np.any(bad):
        raise ValueError("alphas (the learning rates) must be > 0; " + describe_bad(a, bad))
    if m.has_momentum:
        if betas is None:
            raise TypeError(f"betas (the momentum schedule) is required for method {m.name!r}")
        b = _per_step(betas, "betas")
        bad = (b < -1) | (b > 1)
        if np.any(bad):
            raise ValueError("betas (the momenta) must lie in [-1, 1]; " + describe_bad(b, bad))
        named["beta"] = ("betas", b)
    elif betas is not None:
        raise ValueError(f"method {m.name!r} has no momentum parameter; pass betas=None "
                         f"(its hyper-parameters are {m.hyperparameters})")
    extra = m.extra_hyperparameters
    unknown = sorted(set(hyperparameters) - set(extra))
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) {unknown} for method {m.name!r}; "
                        f"its extra hyper-parameters are {list(extra)}")
    missing = [p for p in extra if p not in hyperparameters]
    if missing:
        raise TypeError(f"method {m.name!r} needs the hyper-parameter(s) {missing}")
    for k in extra:
        named[k] = (k, _per_step(hyperparameters[k], k))
    lengths = {label: arr.shape[0] for label, arr in named.values() if arr.ndim == 1}
    if not lengths:
        raise ValueError("a schedule needs one value per step: give alphas (or betas) as a "
                         "1-D array; got only scalars")
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{label} has {n}" for label, n in lengths.items())
        raise ValueError(f"the schedules must have the same number of steps; {desc}")
    steps = next(iter(lengths.values()))
    values = {h: np.broadcast_to(named[h][1], (steps,)).astype(float)
              for h in m.hyperparameters}
    return _Schedule(m, steps, values)


def _curvatures(curvature, name: str = "curvature") -> np.ndarray:
    if curvature is None:
        raise TypeError(f"{name} (a Hessian eigenvalue, or an array of them) is required")
    # A worst case over no curvature has no value.
    return check_nonempty(as_real_array(curvature, name), name)


def _step_matrices(sch: _Schedule, lam: np.ndarray) -> np.ndarray:
    """``A_t(lambda)`` for every step and curvature: shape (steps, *lam.shape, n, n).

    The entries of the symbolic state matrix are polynomials in lambda whose
    coefficients are compiled functions of the hyper-parameters (the same compiled
    model :func:`momentum_dynamics.lti.state_space_matrices` evaluates), so the whole
    schedule is evaluated in one vectorised call per coefficient.
    """
    polyA, _ = entry_polynomials(sch.method)
    n = len(polyA)
    expand = (slice(None),) + (None,) * lam.ndim
    args = [sch.values[h][expand] for h in sch.method.hyperparameters]
    out = np.zeros((sch.steps, *lam.shape, n, n))
    for i, row in enumerate(polyA):
        for j, coeffs in enumerate(row):
            # Horner in lambda: cancellation no worse than the polynomial itself.
            entry = np.zeros((sch.steps, *lam.shape))
            for f in reversed(coeffs):
                entry = entry * lam + f(*args)
            out[..., i, j] = entry
    return out


def transition_product(method, alphas, betas=None, curvature=None,
                       **hyperparameters) -> np.ndarray:
    """Product of a schedule's per-step state matrices on curvature ``lambda``.

    The state-transition matrix ``A_T ... A_1``.

    Step ``t`` (from 1) uses ``alphas[t-1]``, ``betas[t-1]``, as
    :func:`momentum_dynamics.simulate` does with ``schedule={"alpha": alphas, "beta":
    betas}``, so ``s_T = transition_product(...) @ s_0`` for the state ``(x, v, ...)``
    of the method on ``f(x) = lambda x^2 / 2``.

    Parameters
    ----------
    method : str or Method
        A registered method name or a :class:`~momentum_dynamics.methods.Method`.
    alphas : array_like, shape (T,) or scalar
        Learning rate of each step, > 0 (a scalar: the same at every step).
    betas : array_like, shape (T,) or scalar, or None
        Momentum of each step, in [-1, 1]; None for methods without momentum.
    curvature : float or array_like
        Hessian eigenvalue(s) ``lambda``; the result is computed for every entry.
    **hyperparameters
        Extra hyper-parameters of the method, scalars or one value per step.

    Returns
    -------
    ndarray, shape curvature.shape + (n, n)
        The product of the ``T`` per-step state matrices (``n`` = the method's order).
        It can overflow to ``inf`` for a long unstable schedule; use
        :func:`schedule_growth` for norms and rates, which are computed in scaled
        form.

    Raises
    ------
    ValueError
        For a negative or zero learning rate, a momentum outside [-1, 1], NaN or inf,
        a schedule that is not 1-D or is empty, or schedules of different lengths; the
        message names the argument.
    TypeError
        For a missing ``betas`` or ``curvature``, or a string where a number goes.

    See Also
    --------
    schedule_growth : norms of all the partial products, per curvature.
    momentum_dynamics.lti.state_space_matrices : one step's matrix.

    Examples
    --------
    Two heavy-ball steps with momentum 0 and then 0.5 at ``alpha * lambda = 0.1``
    (the first step forgets the initial velocity, hence the zero column):

    >>> transition_product("heavy_ball", [0.1, 0.1], [0.0, 0.5], curvature=1.0)
    array([[0.76, 0.  ],
           [0.14, 0.  ]])
    >>> transition_product("gd", [0.5, 1.5], curvature=[1.0, 2.0]).shape
    (2, 1, 1)
    """
    sch = _schedule(method, alphas, betas, hyperparameters)
    lam = _curvatures(curvature)
    mats = _step_matrices(sch, lam)
    n = mats.shape[-1]
    prod = np.broadcast_to(np.eye(n), mats.shape[1:]).copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for A in mats:
            prod = A @ prod
    return prod


# --------------------------------------------------------------------------
# Growth of the partial products
# --------------------------------------------------------------------------


class ScheduleGrowth(NamedTuple):
    """Amplification of a schedule, per curvature (see :func:`schedule_growth`).

    Every field has the shape of ``curvatures`` (a float for a scalar).

    Attributes
    ----------
    curvatures : float or ndarray
        The curvatures ``lambda``.
    transient_growth : float or ndarray
        ``max_{0 <= t <= T} ||A_t ... A_1||_2``: the largest factor by which the state
        of the worst initial condition grows during the schedule (>= 1, the ``t = 0``
        identity; exactly 1 means never amplified). ``inf`` when it exceeds the
        float range (a long divergent schedule); ``geometric_rate`` stays finite.
    peak_step : int or ndarray
        The step ``t`` where that maximum is reached (0: never above 1).
    final_norm : float or ndarray
        ``||A_T ... A_1||_2`` (0 or ``inf`` beyond the float range).
    geometric_rate : float or ndarray
        ``final_norm ** (1/T)``: the mean contraction (< 1) or growth (> 1) per step.
    tail_radius : float or ndarray
        Spectral radius of the last step's matrix ``A_T``: the asymptotic rate if the
        schedule ends in a constant tail that is then held for ever.
    max_frozen_radius : float or ndarray
        ``max_t rho(A_t)``: what a frozen-time analysis of every step would report.

    See Also
    --------
    schedule_growth : computes it.

    Examples
    --------
    Gradient descent, ``alpha * lambda = 1.5`` then ``0.5``, on two curvatures:

    >>> g = schedule_growth("gd", [1.5, 0.5], curvatures=[1.0, 2.0])
    >>> g.transient_growth, g.peak_step
    (array([1., 2.]), array([0, 1]))
    >>> g.worst_growth, g.worst_curvature
    (2.0, 2.0)
    """

    curvatures: float | np.ndarray
    transient_growth: float | np.ndarray
    peak_step: int | np.ndarray
    final_norm: float | np.ndarray
    geometric_rate: float | np.ndarray
    tail_radius: float | np.ndarray
    max_frozen_radius: float | np.ndarray

    @property
    def worst_growth(self) -> float:
        """The largest ``transient_growth`` over the curvatures."""
        return float(np.max(self.transient_growth))

    @property
    def worst_curvature(self) -> float:
        """The curvature where ``transient_growth`` is largest (the first, on ties)."""
        lam = np.asarray(self.curvatures).ravel()
        return float(lam[int(np.argmax(np.asarray(self.transient_growth).ravel()))])


def schedule_growth(method, alphas, betas=None, curvatures=None,
                    **hyperparameters) -> ScheduleGrowth:
    """Transient growth, final norm and rates of a schedule over a spectrum of curvatures.

    For each curvature ``lambda`` the partial products ``P_t = A_t ... A_1`` of the
    per-step state matrices (see :func:`transition_product`) are formed in scaled form
    and their spectral norms taken: ``||P_t||_2`` is the growth of the worst initial
    state after ``t`` steps (attained by ``P_t``'s top right singular vector).

    Parameters
    ----------
    method, alphas, betas, **hyperparameters
        As in :func:`transition_product`.
    curvatures : float or array_like
        The Hessian eigenvalues to examine (e.g. a grid over ``[mu, L]``).

    Returns
    -------
    ScheduleGrowth
        Per curvature: ``transient_growth``, ``peak_step``, ``final_norm``,
        ``geometric_rate``, ``tail_radius``, ``max_frozen_radius``; the properties
        ``worst_growth`` and ``worst_curvature`` take the worst over the spectrum.

    Raises
    ------
    ValueError, TypeError
        As :func:`transition_product`.

    See Also
    --------
    transition_product : the product itself.
    momentum_dynamics.spectral_radius : the frozen-time rate of one setting.

    Examples
    --------
    Heavy ball with ``beta = 0.9`` held constant for 100 steps: every frozen radius is
    ``sqrt(0.9) = 0.949`` yet the worst state first grows about 4-fold at
    ``alpha * lambda = 3`` (the matrix is not normal):

    >>> g = schedule_growth("heavy_ball", np.full(100, 3.0), 0.9, curvatures=1.0)
    >>> round(g.max_frozen_radius, 4), round(g.transient_growth, 2), g.peak_step
    (0.9487, 4.13, 2)
    >>> g.geometric_rate < 1
    True
    """
    sch = _schedule(method, alphas, betas, hyperparameters)
    lam = _curvatures(curvatures, "curvatures")
    mats = _step_matrices(sch, lam)
    T, n = sch.steps, mats.shape[-1]
    Q = np.broadcast_to(np.eye(n), mats.shape[1:]).copy()
    log_scale = np.zeros(lam.shape)
    scaled = np.empty_like(mats)
    scales = np.empty((T, *lam.shape))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for t in range(T):
            Q = mats[t] @ Q
            s = np.max(np.abs(Q), axis=(-2, -1))
            # An exactly zero product (e.g. gd at alpha*lambda = 1) stays zero: log = -inf.
            zero = ~(s > 0)
            Q = Q / np.where(zero, 1.0, s)[..., None, None]
            log_scale = log_scale + np.where(zero, -np.inf, np.log(np.where(zero, 1.0, s)))
            scaled[t] = Q
            scales[t] = log_scale
        log_norms = scales + np.log(np.linalg.svd(scaled, compute_uv=False)[..., 0])
    log_norms = np.where(np.isnan(log_norms), -np.inf, log_norms)
    peak = np.argmax(log_norms, axis=0)
    peak_log = np.take_along_axis(log_norms, peak[None], axis=0)[0]
    above = peak_log > 0
    peak_step = np.where(above, peak + 1, 0)
    final_log = log_norms[-1]
    with np.errstate(over="ignore"):  # documented: inf beyond the float range
        growth = np.where(above, np.exp(np.where(above, peak_log, 0.0)), 1.0)
        final = np.exp(final_log)
    rate = np.exp(final_log / T)
    expand = (slice(None),) + (None,) * lam.ndim
    frozen = spectral_radius(sch.method, *(sch.values[h][expand]
                                           for h in sch.method.hyperparameters[:2]),
                             curvature=lam,
                             **{h: sch.values[h][expand]
                                for h in sch.method.hyperparameters[2:]})
    frozen = np.broadcast_to(frozen, (T, *lam.shape))
    return ScheduleGrowth(
        curvatures=to_output(lam),
        transient_growth=to_output(growth),
        peak_step=to_output(peak_step),
        final_norm=to_output(final),
        geometric_rate=to_output(rate),
        tail_radius=to_output(frozen[-1]),
        max_frozen_radius=to_output(np.max(frozen, axis=0)),
    )


# --------------------------------------------------------------------------
# Common schedules
# --------------------------------------------------------------------------


def linear_warmup(alpha: float, steps: int, warmup_steps: int) -> np.ndarray:
    """Linear learning-rate warm-up (Goyal et al. 2017): ``alpha * min(t / W, 1)``.

    Parameters
    ----------
    alpha : float
        The target learning rate, > 0.
    steps : int
        Length of the schedule, >= 1.
    warmup_steps : int
        ``W``, the number of steps of the ramp, >= 1.

    Returns
    -------
    ndarray, shape (steps,)
        Entry ``t - 1`` is the learning rate of step ``t``.

    See Also
    --------
    beta_ramp, step_decay : other common schedules.

    Examples
    --------
    >>> linear_warmup(0.1, 6, 4)
    array([0.025, 0.05 , 0.075, 0.1  , 0.1  , 0.1  ])
    """
    a = float(check_positive(_scalar(alpha, "alpha"), "alpha", "the learning rate"))
    steps = check_count(steps, "steps", 1)
    w = check_count(warmup_steps, "warmup_steps", 1)
    t = np.arange(1, steps + 1)
    return a * np.minimum(t / w, 1.0)


def beta_ramp(start: float, stop: float, steps: int, ramp_steps: int | None = None
              ) -> np.ndarray:
    """Momentum ramped linearly from ``start`` to ``stop``, then held.

    Increasing the momentum during training follows Sutskever et al. (2013), who
    raise ``beta`` towards 0.99 (their schedule is piecewise constant; a linear ramp is
    the common smooth variant).

    Parameters
    ----------
    start, stop : float
        First and final momentum, in [-1, 1].
    steps : int
        Length of the schedule, >= 1.
    ramp_steps : int, optional
        The step at which ``stop`` is reached (default: ``steps``), >= 1.

    Returns
    -------
    ndarray, shape (steps,)

    See Also
    --------
    linear_warmup, step_decay : other common schedules.

    Examples
    --------
    >>> beta_ramp(0.5, 0.9, 6, ramp_steps=5)
    array([0.5, 0.6, 0.7, 0.8, 0.9, 0.9])
    """
    b0, b1 = _scalar(start, "start"), _scalar(stop, "stop")
    for name, b in (("start", b0), ("stop", b1)):
        if not -1 <= b <= 1:
            raise ValueError(f"{name} (a momentum) must lie in [-1, 1]; got {b!r}")
    steps = check_count(steps, "steps", 1)
    r = steps if ramp_steps is None else check_count(ramp_steps, "ramp_steps", 1)
    frac = np.minimum(np.arange(steps) / max(r - 1, 1), 1.0)
    # b0 + (b1 - b0) * frac, written so that frac = 1 gives b1 exactly.
    return b0 * (1 - frac) + b1 * frac


def step_decay(alpha: float, steps: int, every: int, factor: float = 0.1) -> np.ndarray:
    """Step decay: the learning rate multiplied by ``factor`` every ``every`` steps.

    Parameters
    ----------
    alpha : float
        Initial learning rate, > 0.
    steps : int
        Length of the schedule, >= 1.
    every : int
        Steps between decays, >= 1.
    factor : float
        The multiplier, in (0, 1].

    Returns
    -------
    ndarray, shape (steps,)
        ``alpha * factor ** ((t - 1) // every)`` for step ``t``.

    See Also
    --------
    linear_warmup, beta_ramp : other common schedules.

    Examples
    --------
    >>> step_decay(1.0, 5, every=2, factor=0.5)
    array([1.  , 1.  , 0.5 , 0.5 , 0.25])
    """
    a = float(check_positive(_scalar(alpha, "alpha"), "alpha", "the learning rate"))
    steps = check_count(steps, "steps", 1)
    every = check_count(every, "every", 1)
    f = _scalar(factor, "factor")
    if not 0 < f <= 1:
        raise ValueError(f"factor must lie in (0, 1]; got {f!r}")
    return a * f ** (np.arange(steps) // every)


def _scalar(value, name: str) -> float:
    arr = as_real_array(value, name)
    if arr.ndim:
        raise ValueError(f"{name} must be a scalar; got an array of shape {arr.shape}")
    return float(arr)


# --------------------------------------------------------------------------
# Stable at every frozen step, yet amplifying
# --------------------------------------------------------------------------


class AmplificationExample(NamedTuple):
    """The numbers of :func:`transient_amplification_example`.

    Attributes
    ----------
    alphas, betas : ndarray (T,)
        The schedule (heavy ball, curvature ``lambda``).
    curvature : float
        ``lambda``.
    frozen_radii : ndarray (T,)
        Spectral radius of each step's matrix ``A_t`` (all < 1).
    period_rate : float
        ``rho(A_2 A_1) ** (1/2)``: the growth per step of the periodic schedule
        continued for ever (> 1: it diverges).
    growth : float
        ``||A_T ... A_1||_2``: amplification of the worst initial state after ``T``
        steps.
    worst_state : ndarray (2,)
        That state ``(x_0, v_0)``, the top right singular vector of the product (unit
        norm).
    constant_growth : ndarray (2,)
        ``max_{t <= T} ||A^t||_2`` for each of the two settings held constant: the
        amplification either would give on its own.

    See Also
    --------
    transient_amplification_example : computes it.

    Examples
    --------
    >>> ex = transient_amplification_example(steps=4)
    >>> ex.alphas, ex.betas
    (array([0.5, 3. , 0.5, 3. ]), array([0.9, 0.9, 0.9, 0.9]))
    """

    alphas: np.ndarray
    betas: np.ndarray
    curvature: float
    frozen_radii: np.ndarray
    period_rate: float
    growth: float
    worst_state: np.ndarray
    constant_growth: np.ndarray


def transient_amplification_example(beta: float = 0.9, low: float = 0.5, high: float = 3.0,
                                    steps: int = 10, curvature: float = 1.0
                                    ) -> AmplificationExample:
    """A cyclical learning rate that is stable at every frozen step yet amplifies.

    Heavy ball (Polyak 1964) with momentum ``beta`` and a learning rate alternating
    between ``low / lambda`` and ``high / lambda`` (a two-step cyclical learning
    rate, Smith 2017). In the underdamped region both settings have the same
    frozen spectral radius ``sqrt(beta)`` (0.949 for 0.9): a frozen-time analysis
    predicts contraction at every step. The two matrices do not commute, and the
    period map ``A_2 A_1`` has spectral radius ``1.754**2`` for the defaults: the
    worst initial state grows about 290-fold in 10 steps, while each setting held
    constant amplifies it at most 4.1-fold.

    Parameters
    ----------
    beta : float
        Momentum, in (0, 1).
    low, high : float
        The two values of ``alpha * lambda``, > 0.
    steps : int
        Length ``T`` of the schedule, >= 2 (``low`` at odd steps, ``high`` at even).
    curvature : float
        ``lambda``, > 0.

    Returns
    -------
    AmplificationExample
        The schedule, the frozen radii, the period rate, the growth after ``T`` steps,
        the worst initial state and the growth of each constant setting.

    See Also
    --------
    schedule_growth : the same quantities for any schedule.

    Examples
    --------
    >>> ex = transient_amplification_example()
    >>> float(ex.frozen_radii.max()) < 1
    True
    >>> round(float(ex.frozen_radii.max()), 4), round(ex.period_rate, 3)
    (0.9487, 1.754)
    >>> round(ex.growth, 1), ex.constant_growth.round(2)
    (291.3, array([1.38, 4.13]))
    """
    lam = float(check_positive(_scalar(curvature, "curvature"), "curvature"))
    b = _scalar(beta, "beta")
    if not 0 < b < 1:
        raise ValueError(f"beta must lie in (0, 1); got {b!r}")
    lo = float(check_positive(_scalar(low, "low"), "low", "alpha * lambda"))
    hi = float(check_positive(_scalar(high, "high"), "high", "alpha * lambda"))
    T = check_count(steps, "steps", 2)
    h = np.where(np.arange(T) % 2 == 0, lo, hi)
    alphas, betas = h / lam, np.full(T, b)
    frozen = np.asarray(spectral_radius("heavy_ball", alphas, betas, lam))
    prod = transition_product("heavy_ball", alphas, betas, lam)
    _, sv, Vt = np.linalg.svd(prod)
    period = transition_product("heavy_ball", alphas[:2], betas[:2], lam)
    period_rate = float(np.max(np.abs(np.linalg.eigvals(period)))) ** 0.5
    constant = np.array([
        schedule_growth("heavy_ball", np.full(T, a), b, lam).transient_growth
        for a in (lo / lam, hi / lam)])
    return AmplificationExample(
        alphas=alphas, betas=betas, curvature=lam, frozen_radii=frozen,
        period_rate=period_rate, growth=float(sv[0]), worst_state=Vt[0],
        constant_growth=constant,
    )

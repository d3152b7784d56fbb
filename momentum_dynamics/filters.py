"""Momentum as a filter of the gradient sequence; the EMA as an IIR low-pass filter.

EMA momentum's velocity ``v_t = beta v_{t-1} + (1 - beta) g_t`` is the first-order
IIR filter

.. math:: H(z) = \\frac{1-\\beta}{1 - \\beta z^{-1}}

of the gradient sequence (read off the ``ema_momentum`` update rule: the transfer
function from gradient to ``v`` at zero curvature, without python-control's one-step
state delay). Its magnitude response is

.. math:: |H(e^{i\\omega})|^2 = \\frac{(1-\\beta)^2}{1 - 2\\beta\\cos\\omega + \\beta^2}.

Every method filters the gradient the same way when the gradient is an external signal
(zero curvature, e.g. a drifting target or batch-norm statistics): :func:`gradient_filter`
derives that filter for any state variable (or the step ``x_t - x_{t-1}``) from the update
rule. Heavy ball's velocity is :math:`\\alpha z/(z - \\beta)`, whose DC gain
:math:`\\alpha/(1-\\beta)` is the effective learning rate; :func:`tracking_lag` gives the
lag of the filtered signal behind a sinusoid and a ramp.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from ._lazy import lazy_module

if TYPE_CHECKING:
    import control
    import scipy.signal
else:
    control = lazy_module("control")
    scipy = lazy_module("scipy")

from . import symbolic as S
from ._compile import compile_numpy
from ._docstrings import fill_doc
from ._validation import (
    as_real_array,
    broadcast,
    check_alpha,
    check_beta,
    check_dt,
    check_hyperparameters,
    check_scalar,
    to_output,
)
from .lti import sympy_to_control
from .methods import Method, get_method

__all__ = [
    "EMAFilter",
    "ema_filter",
    "ema_transfer_function",
    "ema_cutoff_frequency",
    "ema_noise_bandwidth",
    "ema_group_delay",
    "gradient_filter",
    "gradient_filter_system",
    "TrackingLag",
    "tracking_lag",
    "ramp_lag",
]


def _check_ema_beta(beta) -> np.ndarray:
    b = as_real_array(beta, "beta")
    bad = (b < 0) | (b >= 1)
    if np.any(bad):
        raise ValueError(
            f"beta (the EMA decay) must lie in [0, 1); got {b[bad].flat[0].item()!r}")
    return b


def ema_transfer_function() -> sp.Expr:
    """``H(z)`` derived from the ``ema_momentum`` update rule.

    Returns
    -------
    sympy.Expr
        :math:`H(z) = (1-\\beta) z/(z-\\beta)` in the SymPy symbols ``beta`` and ``z``,
        from the gradient :math:`g_t` to the average :math:`v_t`.

    See Also
    --------
    ema_filter : the same filter with numbers.
    gradient_filter : any method as a filter.

    Examples
    --------
    >>> ema_transfer_function()
    -z*(beta - 1)/(-beta + z)
    """
    G = S.transfer_function("ema_momentum", "v").subs(S.curvature, 0)
    G = sp.cancel(G)  # the pole-zero pair at z = 1 cancels at zero curvature
    # The state-space convention delays by one step; the filter itself does not.
    return sp.factor(sp.cancel(G * S.z))


class EMAFilter(NamedTuple):
    """The EMA as python-control and SciPy discrete-time systems.

    Attributes
    ----------
    control : control.TransferFunction
        The filter as a python-control discrete-time transfer function.
    scipy : scipy.signal.dlti
        The same filter as a SciPy discrete-time LTI system.

    See Also
    --------
    ema_filter : the function that returns it.

    Examples
    --------
    >>> f = ema_filter(0.5)
    >>> round(float(f.control.dcgain()), 12)
    1.0
    """

    control: control.TransferFunction
    scipy: scipy.signal.dlti


def ema_filter(beta, dt=True) -> EMAFilter:
    """``(1-beta)/(1 - beta z^-1)`` as python-control and ``scipy.signal.dlti`` objects.

    Parameters
    ----------
    beta : float
        EMA decay, in [0, 1).
    dt : True or float
        Sampling time of the systems (``True``: unspecified, python-control's
        convention; SciPy then uses 1).

    Returns
    -------
    EMAFilter
        ``(control, scipy)``: the same filter for both libraries.

    Raises
    ------
    ValueError
        For ``beta`` outside [0, 1), an array ``beta``, or ``dt <= 0``/NaN.
    TypeError
        For strings or None, or ``dt=False``.

    See Also
    --------
    ema_transfer_function, gradient_filter_system

    Examples
    --------
    >>> f = ema_filter(0.9)
    >>> f.control.num[0][0], f.control.den[0][0]
    (array([0.1, 0. ]), array([ 1. , -0.9]))
    """
    b = check_scalar(_check_ema_beta(beta), "beta")
    dt = check_dt(dt)
    H = ema_transfer_function().subs(S.beta, b)
    num, den = sp.fraction(sp.cancel(H))
    num_c = [float(c) for c in sp.Poly(num, S.z).all_coeffs()]
    den_c = [float(c) for c in sp.Poly(den, S.z).all_coeffs()]
    lead = den_c[0]
    num_c, den_c = [c / lead for c in num_c], [c / lead for c in den_c]
    return EMAFilter(control.tf(num_c, den_c, dt=dt),
                     scipy.signal.dlti(num_c, den_c, dt=1 if dt is True else dt))


@fill_doc()
def ema_cutoff_frequency(beta):
    """The exact -3 dB (half-power) frequency in radians per step.

    Solving :math:`|H(e^{i\\omega})|^2 = 1/2`, i.e.
    :math:`|1 - \\beta e^{-i\\omega}|^2 = (1-\\beta)^2 + 4\\beta\\sin^2(\\omega/2)
    = 2(1-\\beta)^2`:

    .. math:: \\omega_c = 2\\arcsin\\frac{1-\\beta}{2\\sqrt\\beta}
              = \\arccos\\left(1 - \\frac{(1-\\beta)^2}{2\\beta}\\right),

    evaluated in the first form, which has no cancellation as :math:`\\beta \\to 1`
    (the second loses all digits once :math:`(1-\\beta)^2` falls below the rounding of
    1). The cutoff exists only for :math:`\\beta \\ge 3 - 2\\sqrt2 \\approx 0.1716`;
    below that the gain never falls to half power on :math:`[0, \\pi]` and the result is
    NaN. For :math:`\\beta \\to 1`, :math:`\\omega_c \\approx 1 - \\beta` (approximation).

    %(ema_beta)s

    Returns
    -------
    float or ndarray
        :math:`\\omega_c` in radians per step, broadcast over ``beta``; NaN below
        :math:`3 - 2\\sqrt2`.

    See Also
    --------
    ema_group_delay, ema_filter

    Examples
    --------
    >>> round(ema_cutoff_frequency(0.9), 6)
    0.105458
    >>> ema_cutoff_frequency(0.1)
    nan
    >>> float(ema_cutoff_frequency(1 - 1e-8))  # about 1 - beta
    1.0000000100247594e-08
    """
    b = _check_ema_beta(beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (1 - b) / (2 * np.sqrt(b))  # 1 - b is exact for b in [1/2, 1) (Sterbenz)
        out = np.where(x <= 1, 2 * np.arcsin(np.minimum(x, 1)), np.nan)
    return to_output(out)


@fill_doc()
def ema_noise_bandwidth(beta):
    """Variance reduction of white noise: :math:`\\sum_k h_k^2 = (1-\\beta)/(1+\\beta)`.

    %(ema_beta)s

    Returns
    -------
    float or ndarray
        Output variance over input variance for white-noise input, broadcast over
        ``beta``.

    See Also
    --------
    ema_filter, ema_cutoff_frequency

    Examples
    --------
    >>> round(ema_noise_bandwidth(0.9), 12)
    0.052631578947
    """
    b = _check_ema_beta(beta)
    return to_output((1 - b) / (1 + b))


@fill_doc()
def ema_group_delay(beta, omega=0.0):
    """Group delay in steps of the EMA filter at frequency ``omega``.

    .. math:: \\tau(\\omega) = \\frac{\\beta(\\cos\\omega - \\beta)}
              {1 - 2\\beta\\cos\\omega + \\beta^2}
              = \\frac{\\beta\\,(1 - \\beta - 2 s^2)}{(1-\\beta)^2 + 4\\beta s^2},
              \\qquad s = \\sin(\\omega/2),

    evaluated in the second form: both of the first form's numerator and denominator
    cancel as :math:`\\beta \\to 1` at low frequency, the second's are sums of
    positive terms (the numerator's difference is the zero crossing itself).
    At DC it is :math:`\\beta/(1-\\beta)`: the lag of the EMA behind a ramp.

    %(ema_beta)s
    omega : array_like
        Angular frequency in radians per step; broadcast with ``beta``.

    Returns
    -------
    float or ndarray
        :math:`\\tau(\\omega)` in steps.

    See Also
    --------
    ema_cutoff_frequency, tracking_lag

    Examples
    --------
    >>> round(ema_group_delay(0.9), 12)
    9.0
    >>> b = 1 - 1e-12
    >>> bool(abs(ema_group_delay(b) - b / (1 - b)) <= 1e-15 * b / (1 - b))
    True
    """
    b = _check_ema_beta(beta)
    w = as_real_array(omega, "omega")
    broadcast((b, "beta"), (w, "omega"))
    e = 1 - b  # exact for b in [1/2, 1) (Sterbenz); no cancellation below
    s2 = np.sin(0.5 * w) ** 2
    return to_output(b * (e - 2 * s2) / (e * e + 4 * b * s2))


# --------------------------------------------------------------------------
# Any method as a filter of an external gradient signal
# --------------------------------------------------------------------------


@cache
def _gradient_filter(method: Method, output: str) -> sp.Expr:
    mod = S.model(method)
    A0 = mod.A.subs(S.curvature, 0)
    n = mod.order
    resolvent_b = (S.z * sp.eye(n) - A0).adjugate() * mod.B / (S.z * sp.eye(n) - A0).det()
    if output == "step":
        H = (S.z - 1) * resolvent_b[0, 0]
    else:
        H = S.z * resolvent_b[method.state.index(output), 0]
    return sp.factor(sp.cancel(sp.together(H)))


def _filter_output(m: Method, output: str) -> str:
    allowed = [*m.state, "step"]
    if not isinstance(output, str) or output not in allowed:
        raise ValueError(f"output must be one of {allowed} for {m.name!r}; got {output!r}")
    return output


def gradient_filter(method: str | Method, output: str = "v") -> sp.Expr:
    """The method as a filter of an external gradient sequence :math:`g_t`, in ``z``.

    At zero curvature the gradient does not depend on the iterate, and each state
    variable is a linear filter of :math:`g`:

    .. math:: H(z) = z\\, e_s^\\top (zI - A_0)^{-1} B, \\qquad
              H_{\\text{step}}(z) = (z - 1)\\, e_x^\\top (zI - A_0)^{-1} B,

    with :math:`A_0` the state matrix at :math:`\\lambda = 0`. The factor ``z`` removes
    the state-space convention's one-step delay, so that :math:`v_t` responds to
    :math:`g_t` (the indexing of the update rules in :mod:`~momentum_dynamics.methods`).
    ``output="step"`` is :math:`x_t - x_{t-1}`.

    Parameters
    ----------
    method : str or Method
        A registered method.
    output : str
        A state variable of the method (``"x"``, ``"v"``, ...) or ``"step"``.

    Returns
    -------
    sympy.Expr
        :math:`H(z)` in the method's hyper-parameter symbols and ``z``.

    See Also
    --------
    gradient_filter_system : the same with numbers.
    tracking_lag, ramp_lag

    Examples
    --------
    >>> gradient_filter("heavy_ball")
    alpha*z/(-beta + z)
    >>> gradient_filter("heavy_ball", "step").subs(S.z, 1)  # minus the effective LR
    -alpha/(1 - beta)
    >>> gradient_filter("ema_momentum")
    -z*(beta - 1)/(-beta + z)
    """
    m = get_method(method)
    return _gradient_filter(m, _filter_output(m, output))


def _filter_values(m: Method, alpha, beta, hyperparameters) -> tuple[list, tuple]:
    a = check_alpha(alpha)
    b = check_beta(beta, m)
    extra = check_hyperparameters(m, hyperparameters)
    named = {"alpha": a, **({"beta": b} if b is not None else {}), **extra}
    shape = broadcast(*[(v, k) for k, v in named.items()])
    return [named[h] for h in m.hyperparameters], shape


def gradient_filter_system(method, alpha, beta=None, *, output="v", dt=True,
                           **hyperparameters) -> control.TransferFunction:
    """:func:`gradient_filter` with numbers, as a python-control transfer function.

    Its DC gain (``control.dcgain``) is the steady response to a constant gradient:
    for the step it is minus the effective learning rate.

    Parameters
    ----------
    method : str or Method
        A registered method.
    alpha : float
        Learning rate, > 0.
    beta : float, optional
        Momentum (omit for methods without one).
    output : str
        A state variable of the method or ``"step"``.
    dt : True or float
        Sampling time of the returned system (``True``: unspecified).
    **hyperparameters : float
        The method's other hyper-parameters (e.g. ``nu`` for QHM).

    Returns
    -------
    control.TransferFunction
        :func:`gradient_filter` with the numbers substituted.

    Raises
    ------
    ValueError, TypeError
        For a bad hyper-parameter, ``output`` or ``dt``, naming it.

    See Also
    --------
    gradient_filter

    Examples
    --------
    >>> G = gradient_filter_system("heavy_ball", 0.1, 0.9)
    >>> G.num[0][0], G.den[0][0]
    (array([0.1, 0. ]), array([ 1. , -0.9]))
    >>> round(float(G.dcgain()), 12)
    1.0
    """
    m = get_method(method)
    dt = check_dt(dt)
    _filter_output(m, output)
    values, _ = _filter_values(m, alpha, beta, hyperparameters)
    values = [check_scalar(v, h) for v, h in zip(values, m.hyperparameters, strict=True)]
    syms = S.hyperparameter_symbols(m)
    H = gradient_filter(m, output).subs(
        {syms[h]: float(v) for h, v in zip(m.hyperparameters, values, strict=True)})
    return sympy_to_control(sp.cancel(H), dt=dt)


@cache
def _lag_functions(method: Method, output: str):
    H = _gradient_filter(method, output)
    syms = S.hyperparameter_symbols(method)
    args = [syms[h] for h in method.hyperparameters]
    ramp = sp.simplify(-sp.diff(H, S.z).subs(S.z, 1) / H.subs(S.z, 1))
    return (compile_numpy([S.z, *args], H), compile_numpy(args, ramp), ramp)


class TrackingLag(NamedTuple):
    """Steady-state response of a filter to a drifting gradient (see :func:`tracking_lag`).

    Attributes
    ----------
    gain : ndarray
        :math:`|H(e^{i\\omega})| / |H(1)|`, the amplitude relative to a constant gradient.
    radians : ndarray
        Phase lag :math:`-\\arg(H(e^{i\\omega})/H(1))` in radians.
    steps : ndarray
        The same lag in steps, ``radians / omega`` (at ``omega = 0`` its limit, the ramp
        lag).

    See Also
    --------
    tracking_lag : the function that returns it.

    Examples
    --------
    >>> tracking_lag("heavy_ball", 0.1, 0.9).steps
    9.0
    """

    gain: np.ndarray
    radians: np.ndarray
    steps: np.ndarray


def tracking_lag(method, alpha, beta=None, omega=0.0, *, output="v",
                 **hyperparameters) -> TrackingLag:
    """Lag of a momentum state behind a sinusoidal gradient :math:`g_t = \\cos(\\omega t)`.

    In steady state the filtered signal is :math:`|H|\\cos(\\omega t - \\phi)` with

    .. math:: \\phi(\\omega) = -\\arg \\frac{H(e^{i\\omega})}{H(1)}, \\qquad
              \\text{lag in steps} = \\phi/\\omega \\xrightarrow[\\omega\\to0]{}
              \\tau = -\\frac{H'(1)}{H(1)}.

    For heavy ball's velocity and the EMA, :math:`\\phi = \\operatorname{atan2}(\\beta
    \\sin\\omega, 1 - \\beta\\cos\\omega)` and :math:`\\tau = \\beta/(1-\\beta)`: both grow
    with beta, which is how high momentum amplifies the phase difference between the
    velocity and a drifting gradient (the usual explanation of why momentum trails
    drifting statistics such as batch-norm's). NaN where the
    filter has no steady state (``|beta| = 1``, or ``output="x"``, which integrates the
    gradient).

    Parameters
    ----------
    method, alpha, beta, **hyperparameters
        As in :func:`momentum_dynamics.spectral_radius`; broadcast with ``omega``.
    omega : array_like
        Angular frequency in radians per step, in [0, pi].
    output : str
        A state variable or ``"step"``.

    Returns
    -------
    TrackingLag
        ``(gain, radians, steps)``, broadcast over the inputs; NaN where there is no
        steady state.

    See Also
    --------
    ramp_lag, gradient_filter, ema_group_delay

    Examples
    --------
    >>> lag = tracking_lag("heavy_ball", 0.1, 0.9, omega=[0.0, 0.1])
    >>> lag.steps.round(4), lag.radians.round(4) + 0.0
    (array([9.    , 7.1018]), array([0.    , 0.7102]))
    """
    m = get_method(method)
    out = _filter_output(m, output)
    values, shape = _filter_values(m, alpha, beta, hyperparameters)
    w = as_real_array(omega, "omega")
    bad = (w < 0) | (w > np.pi)
    if np.any(bad):
        raise ValueError(f"omega must lie in [0, pi] radians per step; got "
                         f"{w[bad].flat[0].item()!r}")
    broadcast(*zip(values, m.hyperparameters, strict=True), (w, "omega"))
    H, ramp, _ = _lag_functions(m, out)
    with np.errstate(divide="ignore", invalid="ignore"):
        dc = np.asarray(H(1.0 + 0j, *values), dtype=complex)
        # No steady state to lag behind: the iterate integrates the gradient (pole at 1).
        dc = np.where(np.isfinite(dc) & (dc != 0), dc, np.nan)
        ratio = H(np.exp(1j * w), *values) / dc
        radians = -np.angle(ratio)
        tau = ramp(*values)
        steps = np.where(w > 0, radians / np.where(w > 0, w, 1.0), tau + 0 * radians)
        gain = np.abs(ratio)
        if m.has_momentum:
            b = np.asarray(values[m.hyperparameters.index("beta")], dtype=float)
            undefined = np.abs(b) >= 1
            gain, radians, steps = (np.where(undefined, np.nan, q)
                                    for q in (gain, radians, steps))
    full = np.broadcast_shapes(shape, w.shape)
    return TrackingLag(*(to_output(np.broadcast_to(np.asarray(q, float), full))
                         for q in (gain, radians, steps)))


def ramp_lag(method, alpha, beta=None, *, output="v", **hyperparameters):
    """Lag in steps behind a ramp gradient :math:`g_t = r t`: :math:`\\tau = -H'(1)/H(1)`.

    The filtered signal tends to :math:`H(1)\\, r\\,(t - \\tau)`. For heavy ball,
    Nesterov and the EMA velocity :math:`\\tau = \\beta/(1-\\beta)` (exact, not an
    approximation); for the step of gradient descent 0. NaN where ``|beta| = 1``.

    Parameters
    ----------
    method : str or Method
        A registered method.
    alpha : array_like
        Learning rate, > 0.
    beta : array_like, optional
        Momentum (omit for methods without one).
    output : str
        A state variable of the method or ``"step"``.
    **hyperparameters : array_like
        The method's other hyper-parameters; everything broadcasts.

    Returns
    -------
    float or ndarray
        :math:`\\tau` in steps (:attr:`TrackingLag.steps` at ``omega = 0``).

    See Also
    --------
    tracking_lag : the lag behind a sinusoid; this is its ``omega = 0`` limit.

    Examples
    --------
    >>> ramp_lag("heavy_ball", 0.1, [0.5, 0.9, 0.99]).round(10)
    array([ 1.,  9., 99.])
    """
    return tracking_lag(method, alpha, beta, 0.0, output=output, **hyperparameters).steps

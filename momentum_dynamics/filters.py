"""The exponential moving average as an IIR low-pass filter.

EMA momentum's velocity ``v_t = beta v_{t-1} + (1 - beta) g_t`` is the first-order
IIR filter

.. math:: H(z) = \\frac{1-\\beta}{1 - \\beta z^{-1}}

of the gradient sequence (read off the ``ema_momentum`` update rule: the transfer
function from gradient to ``v`` at zero curvature, without python-control's one-step
state delay). Its magnitude response is

.. math:: |H(e^{i\\omega})|^2 = \\frac{(1-\\beta)^2}{1 - 2\\beta\\cos\\omega + \\beta^2}.
"""

from __future__ import annotations

from typing import NamedTuple

import control
import numpy as np
import scipy.signal
import sympy as sp

from . import symbolic as S
from ._validation import as_real_array, to_output

__all__ = [
    "EMAFilter",
    "ema_filter",
    "ema_transfer_function",
    "ema_cutoff_frequency",
    "ema_noise_bandwidth",
    "ema_group_delay",
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
    """The EMA as python-control and SciPy discrete-time systems."""

    control: control.TransferFunction
    scipy: scipy.signal.dlti


def ema_filter(beta, dt=True) -> EMAFilter:
    """``(1-beta)/(1 - beta z^-1)`` as python-control and ``scipy.signal.dlti`` objects.

    Examples
    --------
    >>> f = ema_filter(0.9)
    >>> f.control.num[0][0], f.control.den[0][0]
    (array([0.1, 0. ]), array([ 1. , -0.9]))
    """
    b = float(_check_ema_beta(beta).reshape(-1)[0]) if np.ndim(beta) == 0 else None
    if b is None:
        raise ValueError(f"beta must be a scalar here; got shape {np.shape(beta)}")
    H = ema_transfer_function().subs(S.beta, b)
    num, den = sp.fraction(sp.cancel(H))
    num_c = [float(c) for c in sp.Poly(num, S.z).all_coeffs()]
    den_c = [float(c) for c in sp.Poly(den, S.z).all_coeffs()]
    lead = den_c[0]
    num_c, den_c = [c / lead for c in num_c], [c / lead for c in den_c]
    return EMAFilter(control.tf(num_c, den_c, dt=dt),
                     scipy.signal.dlti(num_c, den_c, dt=1 if dt is True else dt))


def ema_cutoff_frequency(beta):
    """The exact -3 dB (half-power) frequency in radians per step.

    Solving :math:`|H(e^{i\\omega})|^2 = 1/2`:

    .. math:: \\omega_c = \\arccos\\left(1 - \\frac{(1-\\beta)^2}{2\\beta}\\right),

    which exists only for :math:`\\beta \\ge 3 - 2\\sqrt2 \\approx 0.1716`; below that
    the gain never falls to half power on :math:`[0, \\pi]` and the result is NaN.
    For :math:`\\beta \\to 1`, :math:`\\omega_c \\approx 1 - \\beta` (approximation).

    Examples
    --------
    >>> round(ema_cutoff_frequency(0.9), 6)
    0.105458
    >>> ema_cutoff_frequency(0.1)
    nan
    """
    b = _check_ema_beta(beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = 1 - (1 - b) ** 2 / (2 * b)
        out = np.where(c >= -1, np.arccos(np.clip(c, -1, 1)), np.nan)
    return to_output(out)


def ema_noise_bandwidth(beta):
    """Variance reduction of white noise: :math:`\\sum_k h_k^2 = (1-\\beta)/(1+\\beta)`.

    Examples
    --------
    >>> round(ema_noise_bandwidth(0.9), 12)
    0.052631578947
    """
    b = _check_ema_beta(beta)
    return to_output((1 - b) / (1 + b))


def ema_group_delay(beta, omega=0.0):
    """Group delay in steps of the EMA filter at frequency ``omega``.

    .. math:: \\tau(\\omega) = \\frac{\\beta(\\cos\\omega - \\beta)}
              {1 - 2\\beta\\cos\\omega + \\beta^2}

    At DC it is :math:`\\beta/(1-\\beta)`: the lag of the EMA behind a ramp.

    Examples
    --------
    >>> round(ema_group_delay(0.9), 12)
    9.0
    """
    b = _check_ema_beta(beta)
    w = as_real_array(omega, "omega")
    c = np.cos(w)
    return to_output(b * (c - b) / (1 - 2 * b * c + b * b))

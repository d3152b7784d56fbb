import numpy as np
import pytest
import scipy.signal

from momentum_dynamics.filters import (
    ema_cutoff_frequency,
    ema_filter,
    ema_group_delay,
    ema_noise_bandwidth,
)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.99])
def test_frequency_response_matches_freqz_and_the_recursion(beta):
    f = ema_filter(beta)
    w = np.linspace(0, np.pi, 9)
    _, h_ref = scipy.signal.freqz([1 - beta], [1, -beta], worN=w)
    _, h_ctrl = scipy.signal.freqz(f.control.num[0][0], f.control.den[0][0], worN=w)
    np.testing.assert_allclose(h_ctrl, h_ref, rtol=1e-12, atol=1e-15)
    _, h_dlti = f.scipy.freqresp(w)
    np.testing.assert_allclose(h_dlti, h_ref, rtol=1e-12, atol=1e-15)
    # impulse response of the update rule v = beta v + (1 - beta) g
    v, h = 0.0, []
    for k in range(20):
        v = beta * v + (1 - beta) * (1.0 if k == 0 else 0.0)
        h.append(v)
    _, (y,) = f.scipy.impulse(n=20)
    np.testing.assert_allclose(np.squeeze(y), h, atol=1e-15)
    assert abs(h_ref[0]) == pytest.approx(1.0)                     # unit DC gain
    assert np.all(np.diff(np.abs(h_ref)) <= 1e-15)                 # low-pass


@pytest.mark.parametrize("beta", [0.2, 0.5, 0.9, 0.999])
def test_cutoff_is_the_half_power_point(beta):
    wc = ema_cutoff_frequency(beta)
    _, h = scipy.signal.freqz([1 - beta], [1, -beta], worN=[wc])
    assert abs(h[0]) ** 2 == pytest.approx(0.5, rel=1e-10)


def test_cutoff_nan_where_gain_never_halves():
    b = 3 - 2 * np.sqrt(2)
    out = ema_cutoff_frequency([0.0, 0.1, b - 1e-9, b + 1e-9])
    assert np.isnan(out[:3]).all() and np.isfinite(out[3])
    _, h = scipy.signal.freqz([1 - 0.1], [1, -0.1], worN=[np.pi])
    assert abs(h[0]) ** 2 > 0.5


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.8, 0.99])
def test_noise_bandwidth_is_the_variance_reduction(beta):
    # output variance per unit white-noise variance = sum of the squared impulse response
    # (scipy's filter of a unit impulse, long enough for beta**n to vanish)
    impulse = np.zeros(20000)
    impulse[0] = 1.0
    h = scipy.signal.lfilter([1 - beta], [1, -beta], impulse)
    assert ema_noise_bandwidth(beta) == pytest.approx(np.sum(h**2), rel=1e-12)
    if beta > 0.8:
        return  # too few independent samples per run for a statistical check
    # and a long white-noise run agrees statistically
    g = np.random.default_rng(0).normal(size=200000)
    v = scipy.signal.lfilter([1 - beta], [1, -beta], g)[2000:]
    assert v.var() == pytest.approx(ema_noise_bandwidth(beta), rel=0.05)


def test_group_delay_matches_scipy_and_ramp_lag():
    beta = 0.7
    w = np.array([0.0, 0.3, 1.0])
    _, gd = scipy.signal.group_delay(([1 - beta, 0.0], [1, -beta]), w=w)
    np.testing.assert_allclose(ema_group_delay(beta, w), gd, rtol=1e-9)
    # EMA of a ramp lags it by beta/(1 - beta) steps
    t = np.arange(300.0)
    v = scipy.signal.lfilter([1 - beta], [1, -beta], t)
    assert t[-1] - v[-1] == pytest.approx(beta / (1 - beta), rel=1e-9)


def test_bad_beta():
    for f in (ema_cutoff_frequency, ema_noise_bandwidth, ema_group_delay, ema_filter):
        with pytest.raises(ValueError, match="beta"):
            f(1.0)


# ----------------------------------------------------------------------------- beta -> 1


EDGE_BETAS = [0.5, 0.9, 1 - 1e-6, 1 - 1e-8, 1 - 1e-12]


@pytest.mark.parametrize("beta", EDGE_BETAS)
def test_cutoff_against_mpmath_as_beta_to_1(beta):
    """The half-power point at 50 digits from the same float beta: the textbook
    arccos form is exact at that precision, and |H|^2 = 1/2 is checked there too."""
    import mpmath

    with mpmath.workdps(50):
        b = mpmath.mpf(beta)
        ref = mpmath.acos(1 - (1 - b) ** 2 / (2 * b))
        gain2 = abs((1 - b) / (1 - b * mpmath.exp(-1j * ref))) ** 2
        assert abs(gain2 - mpmath.mpf(1) / 2) < mpmath.mpf(10) ** -25  # 50 digits less (1-b)^2
        got = ema_cutoff_frequency(beta)
        assert got > 0
        assert abs(got - ref) <= 4 * 2.0**-53 * ref


@pytest.mark.parametrize("beta", EDGE_BETAS)
@pytest.mark.parametrize("omega", [0.0, 1e-9, 1e-5, 0.3, 3.0])
def test_group_delay_against_mpmath_as_beta_to_1(beta, omega):
    """-d arg H / d omega by mpmath's numerical differentiation at 50 digits."""
    import mpmath

    with mpmath.workdps(50):
        b = mpmath.mpf(beta)
        ref = mpmath.diff(lambda w: mpmath.arg(1 - b * mpmath.exp(-1j * w)), mpmath.mpf(omega))
        got = ema_group_delay(beta, omega)
        # a few ulps, plus the rounding of omega itself (sin(w/2) to one ulp)
        assert abs(got - ref) <= 8 * 2.0**-53 * abs(ref) + 2.0**-53 * abs(
            mpmath.diff(lambda w: mpmath.diff(
                lambda u: mpmath.arg(1 - b * mpmath.exp(-1j * u)), w), mpmath.mpf(omega))
            * omega)

"""Momentum as a filter of an external gradient: checked against SciPy and simulation."""

import numpy as np
import pytest
import scipy.signal

import momentum_dynamics as md
from momentum_dynamics.filters import (
    gradient_filter_system,
    ramp_lag,
    tracking_lag,
)

SETTINGS = [("heavy_ball", 0.1, 0.9), ("nesterov", 0.05, 0.8), ("ema_momentum", 0.3, 0.7),
            ("heavy_ball", 0.2, -0.5)]


def run_filter(method, alpha, beta, gradients, output):
    """Run the update rule on an external gradient sequence; return the output series."""
    m = md.get_method(method)
    hp = {"alpha": alpha} | ({"beta": beta} if beta is not None else {})
    state = tuple(0.0 for _ in m.state)
    out = []
    for g in gradients:
        new = m.step(state, lambda x, g=g: g, **hp)
        out.append(new[0] - state[0] if output == "step" else new[m.state.index(output)])
        state = new
    return np.array(out)


@pytest.mark.parametrize("method, alpha, beta", SETTINGS + [("gd", 0.1, None)])
def test_dc_gain_of_the_step_is_minus_the_effective_learning_rate(method, alpha, beta):
    G = gradient_filter_system(method, alpha, beta, output="step")
    assert float(G.dcgain()) == pytest.approx(-md.effective_learning_rate(method, alpha, beta),
                                              rel=1e-12)
    # and a constant gradient really produces that steady step
    steps = run_filter(method, alpha, beta, np.ones(400), "step")
    assert steps[-1] == pytest.approx(float(G.dcgain()), rel=1e-9)


@pytest.mark.parametrize("method, alpha, beta", SETTINGS)
def test_frequency_response_matches_freqz(method, alpha, beta):
    G = gradient_filter_system(method, alpha, beta)
    w = np.linspace(0, np.pi, 64)
    _, h = scipy.signal.freqz(G.num[0][0], G.den[0][0], worN=w)
    mag, phase, _ = G.frequency_response(w)
    np.testing.assert_allclose(mag, np.abs(h), rtol=1e-12)
    lag = tracking_lag(method, alpha, beta, w)
    np.testing.assert_allclose(lag.gain, np.abs(h) / np.abs(h[0]), rtol=1e-12)


@pytest.mark.parametrize("method, alpha, beta", SETTINGS)
@pytest.mark.parametrize("omega", [0.05, 0.4, 2.0])
def test_sinusoid_lag_matches_simulation(method, alpha, beta, omega):
    t = np.arange(3000)
    v = run_filter(method, alpha, beta, np.cos(omega * t), "v")
    tail = slice(2000, None)  # transients decay like beta**t
    # least-squares fit v = a cos(w t) + b sin(w t) = R cos(w t - phi)
    M = np.column_stack([np.cos(omega * t[tail]), np.sin(omega * t[tail])])
    (a, b), *_ = np.linalg.lstsq(M, v[tail], rcond=None)
    dc = float(gradient_filter_system(method, alpha, beta).dcgain())
    phi = np.arctan2(b * np.sign(dc), a * np.sign(dc))
    lag = tracking_lag(method, alpha, beta, omega)
    assert lag.radians == pytest.approx(phi, abs=1e-9)
    assert lag.steps == pytest.approx(phi / omega, rel=1e-8)
    assert lag.gain == pytest.approx(np.hypot(a, b) / abs(dc), rel=1e-9)


def test_ema_lag_closed_form_and_growth_with_beta():
    beta = np.linspace(0.0, 0.99, 50)[:, None]
    w = np.linspace(0.01, 3.0, 40)[None, :]
    lag = tracking_lag("ema_momentum", 1.0, beta, w)
    expected = np.arctan2(beta * np.sin(w), 1 - beta * np.cos(w))
    np.testing.assert_allclose(lag.radians, expected, rtol=1e-12, atol=1e-15)
    assert np.all(np.diff(lag.radians, axis=0) > 0)  # high momentum amplifies the lag
    np.testing.assert_allclose(ramp_lag("ema_momentum", 1.0, beta[:, 0]),
                               beta[:, 0] / (1 - beta[:, 0]), rtol=1e-12)


@pytest.mark.parametrize("method, alpha, beta", SETTINGS)
def test_ramp_lag_matches_simulation(method, alpha, beta):
    r = 1e-3
    t = np.arange(4000)
    v = run_filter(method, alpha, beta, r * t, "v")
    dc = float(gradient_filter_system(method, alpha, beta).dcgain())
    measured = t[-1] - v[-1] / (dc * r)
    assert ramp_lag(method, alpha, beta) == pytest.approx(measured, rel=1e-9, abs=1e-9)


def test_undefined_lags_are_nan_and_bad_inputs_raise():
    assert np.isnan(tracking_lag("heavy_ball", 0.1, 0.9, 0.3, output="x").radians)
    assert np.isnan(ramp_lag("heavy_ball", 0.1, 1.0))
    with pytest.raises(ValueError, match="omega"):
        tracking_lag("heavy_ball", 0.1, 0.9, 4.0)
    with pytest.raises(ValueError, match="output"):
        tracking_lag("heavy_ball", 0.1, 0.9, 0.3, output="w")
    with pytest.raises(ValueError, match="alpha"):
        tracking_lag("heavy_ball", -0.1, 0.9, 0.3)
    with pytest.raises(ValueError, match="scalar"):
        gradient_filter_system("heavy_ball", 0.1, [0.5, 0.9])

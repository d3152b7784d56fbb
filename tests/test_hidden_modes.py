"""Hidden modes: rates and transfer functions are those of what the iterate sees.

Quasi-hyperbolic momentum (Ma & Yarats 2019) at ``nu = 0`` computes a velocity and
never uses it: the iterate is plain GD, ``x_{t+1} = (1 - alpha*lambda) x_t``. References:
a simulation of the hand-written update rule (tests/_reference.py), hand-built state
matrices with NumPy's eigenvalues and observability rank, and python-control.
"""

from __future__ import annotations

import control
import numpy as np
import pytest
from _reference import hand_step

import momentum_dynamics as md
from momentum_dynamics.lti import to_statespace, to_transfer_function


def qhm(x, v, grad, alpha, beta, nu):
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


def three_state(x, v, w, grad, alpha, beta, nu):
    """A second velocity w fed by v; at nu = 0 both are invisible to x."""
    g = grad(x)
    v = beta * v + g
    w = beta * w + v
    return x - alpha * ((1 - nu) * g + nu * w), v, w


@pytest.fixture(autouse=True)
def registered():
    md.register_method(qhm, overwrite=True)
    md.register_method(three_state, overwrite=True)
    yield
    md.unregister_method("qhm")
    md.unregister_method("three_state")


def hand_qhm_A(a, b, lam, nu):
    # x' = x - a((1 - nu) lam x + nu (b v + (1 - b) lam x)), v' = b v + (1 - b) lam x
    return np.array([[1 - a * lam * (1 - nu) - a * nu * (1 - b) * lam, -a * nu * b],
                     [(1 - b) * lam, b]])


def empirical_rate(a, b, lam, nu, steps=60, window=1):
    """Growth per step of the iterate's envelope, from the hand-written QHM on
    f = lam x^2/2 started off-axis: (max |x| over the last window / over the one
    before)^(1/window); window 1 is |x_T / x_{T-1}| (a real dominant pole)."""
    x, v = 1.0, 3.0
    xs = []
    for _ in range(steps):
        x, v = hand_step("qhm", x, v, lambda y: lam * y, a, b, nu=nu)
        xs.append(abs(x))
    last = max(xs[-window:])
    before = max(xs[-2 * window:-window])
    return (last / before) ** (1 / window)


@pytest.mark.parametrize("beta", [0.5, 0.99, 1.0])
def test_qhm_nu_0_rate_is_what_the_iterate_does(beta):
    a, lam = 0.05, 1.0
    A = hand_qhm_A(a, beta, lam, 0.0)
    O = np.vstack([A[0], (A @ A)[0]])
    assert np.linalg.matrix_rank(O) == 1  # hand-built: v is unobservable
    assert max(abs(np.linalg.eigvals(A))) == pytest.approx(max(0.95, beta))  # what was reported
    rho = md.spectral_radius("qhm", a, beta, lam, nu=0.0)
    assert rho == pytest.approx(abs(A[0, 0]), rel=1e-15)
    assert rho == pytest.approx(empirical_rate(a, beta, lam, 0.0), rel=1e-12)
    assert md.is_stable("qhm", a, beta, lam, nu=0.0)  # beta = 1 included
    assert md.convergence_gap("qhm", a, beta, lam, nu=0.0) == pytest.approx(a * lam, rel=1e-14)
    assert md.damping_regime("qhm", a, beta, lam, nu=0.0) == "overdamped"
    hidden = md.hidden_modes("qhm", a, beta, lam, nu=0.0)
    assert hidden[0] == pytest.approx(beta) and np.isnan(hidden[1])


def test_qhm_generic_nu_is_unchanged():
    """Away from nu = 0 every mode is seen: the radius is the state matrix's."""
    a, b, lam = 0.3, 0.9, 2.0
    for nu in (0.3, 0.7, 1.0):
        want = max(abs(np.linalg.eigvals(hand_qhm_A(a, b, lam, nu))))
        assert md.spectral_radius("qhm", a, b, lam, nu=nu) == pytest.approx(want, rel=1e-13)
        assert np.isnan(md.hidden_modes("qhm", a, b, lam, nu=nu)).all()
        assert md.spectral_radius("qhm", a, b, lam, nu=nu) == pytest.approx(
            empirical_rate(a, b, lam, nu, steps=3000, window=1000), rel=1e-3)


def test_qhm_tiny_curvature_gap_at_nu_0():
    """The hidden path keeps the gap accurate: 1 - |1 - alpha*lambda| = alpha*lambda."""
    assert md.convergence_gap("qhm", 0.02, 0.999, 1e-15, nu=0.0) == pytest.approx(2e-17,
                                                                                   rel=1e-15)


def test_broadcast_mixes_hidden_and_seen_points():
    nu = np.array([0.0, 0.5, 0.0])
    b = np.array([[0.99], [0.2]])
    rho = md.spectral_radius("qhm", 0.05, b, 1.0, nu=nu)
    for i in range(2):
        for j in range(3):
            want = max(abs(np.linalg.eigvals(hand_qhm_A(0.05, b[i, 0], 1.0, nu[j]))))
            if nu[j] == 0:
                want = 0.95
            assert rho[i, j] == pytest.approx(want, rel=1e-13)
    assert md.convergence_rate("qhm", 0.05, 0.99, 0.5, 1.0, nu=0.0) == pytest.approx(0.975)


def test_heavy_ball_beta_0_hides_a_zero_pole():
    h = md.hidden_modes("heavy_ball", 0.3, [0.0, 0.5], 1.0)
    assert h[0, 0] == 0 and np.isnan(h[0, 1]) and np.isnan(h[1]).all()
    assert md.spectral_radius("heavy_ball", 0.3, 0.0, 1.0) == pytest.approx(0.7)


def test_qhm_nu_0_transfer_function_and_minimal_realisation():
    """x' = (1 - alpha*lambda) x - alpha*xi: G(z) = -alpha/(z - (1 - alpha*lambda))."""
    a, b, lam = 0.05, 0.99, 1.0
    G = to_transfer_function("qhm", a, b, lam, nu=0.0)
    np.testing.assert_allclose(G.num[0][0], [-a], rtol=1e-15)
    np.testing.assert_allclose(G.den[0][0], [1.0, -(1 - a * lam)], rtol=1e-15)
    sysm = to_statespace("qhm", a, b, lam, nu=0.0, minimal=True)
    assert sysm.nstates == 1
    full = to_statespace("qhm", a, b, lam, nu=0.0)
    t = np.arange(30)
    np.testing.assert_allclose(control.impulse_response(sysm, t).outputs,
                               control.impulse_response(full, t).outputs, rtol=1e-12,
                               atol=1e-15)
    # beta = 1 is fine where the mode it moves is hidden
    assert to_statespace("qhm", a, 1.0, lam, nu=0.0, minimal=True).nstates == 1


def test_three_states_hidden_through_the_generic_path():
    a, b, lam = 0.05, 0.8, 1.0
    hidden = md.hidden_modes("three_state", a, b, lam, nu=0.0)
    # hand: the (v, w) block is [[b, 0], [b, b]], a double pole at beta, unseen by x
    np.testing.assert_allclose(hidden[:2], [b, b], atol=1e-7)
    assert np.isnan(hidden[2])
    assert md.spectral_radius("three_state", a, b, lam, nu=0.0) == pytest.approx(1 - a * lam)
    assert md.is_stable("three_state", a, 1.0, lam, nu=0.0)
    # nu != 0: all seen, the state matrix's radius (hand-built from v' = b v + lam x,
    # w' = b w + v', x' = x - a((1 - nu) lam x + nu w'))
    nu = 0.5
    A = np.array([[1 - a * (1 - nu) * lam - a * nu * lam, -a * nu * b, -a * nu * b],
                  [lam, b, 0.0],
                  [lam, b, b]])
    want = max(abs(np.linalg.eigvals(A)))
    assert md.spectral_radius("three_state", a, b, lam, nu=nu) == pytest.approx(want,
                                                                                 rel=1e-10)
    assert np.isnan(md.hidden_modes("three_state", a, b, lam, nu=nu)).all()

import control
import numpy as np
import pytest
import scipy.signal
from _reference import hand_step

from momentum_dynamics import symbolic as S
from momentum_dynamics.lti import (
    state_space_matrices,
    sympy_to_control,
    to_statespace,
    to_transfer_function,
)


def hand_A(method, a, b, lam):
    h = a * lam
    if method == "heavy_ball":
        return np.array([[1 - h, -b], [h, b]])
    if method == "nesterov":
        return np.array([[1 - h, -b * (1 - h)], [h, b * (1 - h)]])
    if method == "ema_momentum":
        return np.array([[1 - a * (1 - b) * lam, -a * b], [(1 - b) * lam, b]])
    return np.array([[1 - h]])


@pytest.mark.parametrize("method, beta", [("heavy_ball", 0.8), ("nesterov", 0.6),
                                          ("ema_momentum", 0.9), ("gd", None)])
def test_state_matrix_is_the_recurrence(method, beta):
    A, _ = state_space_matrices(method, 0.3, beta, 1.7)
    np.testing.assert_allclose(A, hand_A(method, 0.3, beta, 1.7), rtol=1e-15, atol=1e-15)


def test_mimo_poles_are_the_union_of_the_scalar_poles():
    rng = np.random.default_rng(3)
    M = rng.normal(size=(4, 4))
    H = M @ M.T / 4 + 0.2 * np.eye(4)
    sys = to_statespace("nesterov", 0.2, 0.7, hessian=H)
    assert sys.nstates == 8 and sys.ninputs == 4 and sys.noutputs == 4
    expected = np.concatenate([np.linalg.eigvals(hand_A("nesterov", 0.2, 0.7, lam))
                               for lam in np.linalg.eigvalsh(H)])
    got = np.sort_complex(np.round(sys.poles(), 10))
    np.testing.assert_allclose(got, np.sort_complex(np.round(expected, 10)), atol=1e-9)


@pytest.mark.parametrize("method, beta", [("heavy_ball", 0.8), ("nesterov", 0.6),
                                          ("ema_momentum", 0.9)])
@pytest.mark.parametrize("output", ["x", "v"])
def test_transfer_function_agrees_with_state_space(method, beta, output):
    G = to_transfer_function(method, 0.3, beta, curvature=1.2, output=output)
    sys = to_statespace(method, 0.3, beta, curvature=1.2, output=output)
    num, den = scipy.signal.ss2tf(sys.A, sys.B, sys.C, sys.D)
    w = np.linspace(0.01, np.pi, 7)
    _, h_ref = scipy.signal.freqz(num[0], den, worN=w)
    num_G, den_G = G.num[0][0], G.den[0][0]
    # freqz reads coefficients in powers of z**-1: align the numerator's degree
    num_G = np.concatenate([np.zeros(den_G.size - num_G.size), num_G])
    _, h = scipy.signal.freqz(num_G, den_G, worN=w)
    np.testing.assert_allclose(h, h_ref, rtol=1e-10)


def test_sympy_and_control_agree_both_ways():
    G_sym = S.transfer_function("heavy_ball").subs(
        {S.alpha: 0.25, S.beta: 0.5, S.curvature: 2.0})
    G = sympy_to_control(G_sym)
    for zz in (0.3 + 0.4j, -0.7, 2.0):
        assert complex(G(zz)) == pytest.approx(complex(G_sym.subs(S.z, zz)), rel=1e-12)
    back = control.ss2tf(control.tf2ss(G))
    np.testing.assert_allclose(back.den[0][0], G.den[0][0], rtol=1e-12)


def test_impulse_response_is_a_simulation_of_the_update_rule():
    a, b, lam, n = 0.2, 0.85, 1.5, 30
    sys = to_statespace("heavy_ball", a, b, curvature=lam)
    resp = control.impulse_response(sys, T=np.arange(n))
    # the recurrence typed by hand, with a unit noise kick in the first gradient evaluation
    x, v, xs = 0.0, 0.0, [0.0]
    for k in range(n - 1):
        noise = 1.0 if k == 0 else 0.0
        x, v = hand_step("heavy_ball", x, v, lambda y, e=noise: lam * y + e, a, b)
        xs.append(x)
    np.testing.assert_allclose(np.squeeze(resp.outputs), xs, atol=1e-14)


def test_step_output_and_bad_arguments():
    sys = to_statespace("heavy_ball", 0.1, 0.5, curvature=1.0, output="step")
    assert sys.D[0, 0] == pytest.approx(-0.1)
    with pytest.raises(ValueError, match="output"):
        to_statespace("heavy_ball", 0.1, 0.5, curvature=1.0, output="y")
    with pytest.raises(ValueError, match="symmetric"):
        to_statespace("heavy_ball", 0.1, 0.5, hessian=[[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(TypeError, match="exactly one"):
        to_statespace("heavy_ball", 0.1, 0.5)
    with pytest.raises(ValueError, match="alpha"):
        to_statespace("heavy_ball", -0.1, 0.5, curvature=1.0)
    with pytest.raises(ValueError, match="dt"):
        to_statespace("heavy_ball", 0.1, 0.5, curvature=1.0, dt=-1.0)
    with pytest.raises(ValueError, match="no symbol but z"):
        sympy_to_control(S.transfer_function("heavy_ball"))

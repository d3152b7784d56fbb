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


# ----------------------------------------------------------------------------- exact TFs


def hand_ss(method, a, b, lam, output):
    """Hand-built (A, B, C, D) of the recurrences; "step" is x[k+1] - x[k]."""
    A = hand_A(method, a, b, lam)
    if method == "ema_momentum":
        B = np.array([-a * (1 - b), 1 - b])
    elif method == "gd":
        B = np.array([-a])
    else:
        B = np.array([-a, a])
    n = A.shape[0]
    if output == "step":
        return A, B, A[0] - np.eye(n)[0], B[0]
    return A, B, np.eye(n)[0 if output == "x" else 1], 0.0


def mp_response(A, B, C, D, z):
    """C (zI - A)^{-1} B + D at 50 digits from the float entries."""
    import mpmath

    with mpmath.workdps(50):
        n = A.shape[0]
        M = mpmath.matrix([[(z if i == j else 0) - mpmath.mpf(A[i, j]) for j in range(n)]
                           for i in range(n)])
        X = mpmath.lu_solve(M, mpmath.matrix([mpmath.mpf(v) for v in B]))
        return sum(mpmath.mpf(C[i]) * X[i] for i in range(n)) + mpmath.mpf(D)


def mp_tf(G, z):
    import mpmath

    with mpmath.workdps(50):
        num = mpmath.polyval([mpmath.mpf(c) for c in G.num[0][0]], z)
        den = mpmath.polyval([mpmath.mpf(c) for c in G.den[0][0]], z)
        return num / den


@pytest.mark.parametrize("method, beta", [("heavy_ball", 0.8), ("nesterov", 0.6),
                                          ("ema_momentum", 0.9), ("gd", None)])
@pytest.mark.parametrize("output", ["step", "x"])
def test_transfer_function_coefficients_near_z_1(method, beta, output):
    """The coefficients (evaluated at 50 digits, so only their own error shows) give
    the hand-built state space's response to 1e-14 next to z = 1, where the step's
    response vanishes like |z - 1| and a round-off constant would dominate."""
    import mpmath

    a, lam = 0.3, 1.2
    G = to_transfer_function(method, a, beta, curvature=lam, output=output)
    A, B, C, D = hand_ss(method, a, beta, lam, output)
    for w in (1e-8, 1e-6, 1e-3, 1.0):
        with mpmath.workdps(50):
            z = mpmath.expjpi(mpmath.mpf(w) / mpmath.pi)
            ref = mp_response(A, B, C, D, z)
            assert abs(mp_tf(G, z) - ref) <= 1e-14 * abs(ref), (w, mp_tf(G, z), ref)


def test_step_transfer_function_has_no_round_off_terms():
    """Heavy ball: x[k+1] - x[k] = -alpha z (z - 1)/(z^2 - (1 + beta - h) z + beta)
    (hand-derived from v' = beta v + alpha g, x' = x - v'); the constant term is an
    exact zero, not a 1e-17 residue of ss2tf."""
    a, b, lam = 0.1, 0.7, 3.0
    G = to_transfer_function("heavy_ball", a, b, curvature=lam, output="step")
    assert G.num[0][0].tolist() == [-a, a, 0.0]
    np.testing.assert_array_equal(G.den[0][0], [1.0, -(1 + b - a * lam), b])
    # the old route: python-control's ss2tf carries round-off terms
    old = control.ss2tf(to_statespace("heavy_ball", a, b, curvature=lam, output="step"))
    assert old.num[0][0].tolist() != [-a, a, 0.0]


def test_minimal_realisation_heavy_ball_beta_0_is_gd():
    """At beta = 0 heavy ball is GD: one state, pole 1 - alpha*lambda (hand), and the
    same impulse response as the full realisation (python-control, both)."""
    a, lam = 0.3, 1.5
    sysm = to_statespace("heavy_ball", a, 0.0, curvature=lam, minimal=True)
    assert sysm.nstates == 1
    np.testing.assert_allclose(sysm.poles(), [1 - a * lam], rtol=1e-15)
    full = to_statespace("heavy_ball", a, 0.0, curvature=lam)
    t = np.arange(20)
    _, y1 = control.impulse_response(sysm, t)
    _, y2 = control.impulse_response(full, t)
    np.testing.assert_allclose(y1, y2, rtol=1e-12, atol=1e-15)
    G = to_transfer_function("heavy_ball", a, 0.0, curvature=lam)
    assert G.den[0][0].size == 2  # the pole at 0 cancelled exactly


def test_minimal_with_hessian_is_the_sum_over_directions():
    """Heavy ball at beta = 0 on a rotated Hessian: d states (GD's), poles 1 - alpha*w_k,
    and the same impulse response as the full 2d-state realisation."""
    rng = np.random.default_rng(5)
    Q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    w = np.array([1.5, 0.5, 0.2])
    H = (Q * w) @ Q.T
    a = 0.3
    for output in ("x", "step"):
        sysm = to_statespace("heavy_ball", a, 0.0, hessian=H, minimal=True, output=output)
        assert sysm.nstates == 3
        np.testing.assert_allclose(np.sort(sysm.poles().real), np.sort(1 - a * w), rtol=1e-12)
        full = to_statespace("heavy_ball", a, 0.0, hessian=H, output=output)
        t = np.arange(15)
        for j in range(3):
            _, y1 = control.impulse_response(sysm, t, input=j)
            _, y2 = control.impulse_response(full, t, input=j)
            np.testing.assert_allclose(y1, y2, rtol=1e-10, atol=1e-13)
    with pytest.raises(TypeError, match="minimal must be True or False"):
        to_statespace("heavy_ball", a, 0.0, curvature=1.0, minimal="yes")

"""Game rules through the generic analyses: python-control objects and the stationary
covariance under independent gradient noise per player, against hand-built matrices,
python-control's own Lyapunov solver and a simulation of the update rule itself."""

import control
import numpy as np
import pytest

import momentum_dynamics as md
from momentum_dynamics.applications import game_stationary_covariance


def hand_built(alpha, beta, sigma):
    """Alternating GDA with heavy ball on sigma*x*y, state (x, y, vx, vy), written out:
    vx' = b vx + a (s y + ex); x' = x - vx'; vy' = b vy - a (s x' + ey); y' = y - vy'."""
    a, b, s = alpha, beta, sigma
    A = np.array([[1, -a * s, -b, 0],
                  [a * s, 1 - (a * s) ** 2, -a * s * b, -b],
                  [0, a * s, b, 0],
                  [-a * s, (a * s) ** 2, a * s * b, b]])
    B = np.array([[-a, 0], [-a * a * s, a], [a, 0], [a * a * s, -a]])
    return A, B


@pytest.mark.parametrize("alpha,beta,sigma", [(0.5, -0.3, 1.0), (0.2, -0.5, 2.0),
                                              (1.0, 0.0, 0.7)])
def test_statespace_of_a_game_is_the_hand_built_system(alpha, beta, sigma):
    sys = md.to_statespace("gda_alternating_heavy_ball", alpha, beta, sigma=sigma)
    A, B = hand_built(alpha, beta, sigma)
    assert isinstance(sys, control.StateSpace) and sys.isdtime()
    np.testing.assert_allclose(sys.A, A, atol=1e-15)
    np.testing.assert_allclose(sys.B, B, atol=1e-15)
    np.testing.assert_array_equal(sys.C, np.eye(2, 4))
    assert np.abs(control.poles(sys)).max() == pytest.approx(
        np.abs(np.linalg.eigvals(A)).max(), rel=1e-12)


def test_game_statespace_refuses_what_it_cannot_give():
    with pytest.raises(ValueError, match="output"):
        md.to_statespace("gda_alternating_heavy_ball", 0.5, -0.3, sigma=1.0, output="v")
    with pytest.raises(TypeError, match="sigma"):
        md.to_statespace("gda_alternating_heavy_ball", 0.5, -0.3)
    with pytest.raises(ValueError, match="sigma"):
        md.to_statespace("gda_alternating_heavy_ball", 0.5, -0.3, sigma=-1.0)


def test_stationary_covariance_against_dlyap_of_hand_built_matrices():
    A, B = hand_built(0.5, -0.3, 1.0)
    Q = np.diag([1.0, 0.25])
    ref = control.dlyap(A, B @ Q @ B.T)
    got = game_stationary_covariance("gda_alternating_heavy_ball", 0.5, -0.3, 1.0,
                                     noise=(1.0, 0.25))
    np.testing.assert_allclose(got.state, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got.iterates, ref[:2, :2], rtol=1e-10)


def test_stationary_covariance_against_a_noisy_run_of_the_rule():
    """Many chains of the update rule itself, with noisy oracles; no linearisation."""
    rule = md.get_method("gda_alternating_heavy_ball").update
    rng = np.random.default_rng(1)
    n, alpha, beta, s, q = 20000, 0.5, -0.3, 1.0, (1.0, 0.25)
    x, y, vx, vy = (np.zeros(n) for _ in range(4))
    samples = []
    for t in range(700):
        ex = rng.normal(0, np.sqrt(q[0]), n)
        ey = rng.normal(0, np.sqrt(q[1]), n)
        x, y, vx, vy = rule(x, y, vx, vy, lambda x_, y_, ex=ex: s * y_ + ex,
                            lambda x_, y_, ey=ey: s * x_ + ey, alpha=alpha, beta=beta)
        if t >= 500 and t % 50 == 0:
            samples.append(np.cov(np.vstack([x, y])))
    emp = np.mean(samples, axis=0)
    got = game_stationary_covariance("gda_alternating_heavy_ball", alpha, beta, s, noise=q)
    np.testing.assert_allclose(emp, got.iterates, rtol=0.05, atol=0.03)


def test_stationary_covariance_refuses_unstable_and_bad_noise():
    with pytest.raises(ValueError, match="unstable"):
        game_stationary_covariance("gda_simultaneous_heavy_ball", 0.5, 0.0, 1.0)
    with pytest.raises(ValueError, match="noise"):
        game_stationary_covariance("gda_alternating_heavy_ball", 0.5, -0.3, 1.0,
                                   noise=(1.0,))
    with pytest.raises(ValueError, match="noise"):
        game_stationary_covariance("gda_alternating_heavy_ball", 0.5, -0.3, 1.0,
                                   noise=(1.0, -1.0))
    with pytest.raises(ValueError, match="not a game"):
        game_stationary_covariance("heavy_ball", 0.5, 0.3, 1.0)

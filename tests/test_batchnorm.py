"""Heavy ball with batch-norm lag, checked against hand-built matrices and simulation."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from momentum_dynamics.applications import batchnorm as bn
from momentum_dynamics.methods import get_method, heavy_ball


def hand_matrix(h, beta, rho):
    """State matrix of (x, v, m) written from the equations (lambda = 1, alpha = h):
    m' = rho m + (1-rho) x, v' = beta v + h m', x' = x - v'."""
    return np.array([
        [1 - h * (1 - rho), -beta, -h * rho],
        [h * (1 - rho), beta, h * rho],
        [1 - rho, 0.0, rho],
    ])


def hand_radius(h, beta, rho):
    return np.max(np.abs(np.linalg.eigvals(hand_matrix(h, beta, rho))))


def hand_edge(beta, rho, hi=1e4):
    """Largest stable h by bisection on the hand-built eigenvalues (stable set (0, edge))."""
    lo = 1e-9
    assert hand_radius(lo, beta, rho) < 1
    grid = np.geomspace(lo, hi, 4000)
    unstable = [g for g in grid if hand_radius(g, beta, rho) >= 1]
    hi = unstable[0]
    lo = grid[grid < hi][-1]
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if hand_radius(mid, beta, rho) < 1 else (lo, mid)
    return 0.5 * (lo + hi)


def test_rule_reduces_to_heavy_ball_and_tracks_ema():
    rng = np.random.default_rng(0)
    x, v, m = rng.normal(size=3)
    grad = lambda y: 3.0 * y - 1.0  # noqa: E731
    x1, v1, m1 = bn.heavy_ball_bn_lag(x, v, m, grad, alpha=0.1, beta=0.8, bn_momentum=0.0)
    hx, hv = heavy_ball(x, v, grad, alpha=0.1, beta=0.8)
    assert (x1, v1, m1) == pytest.approx((hx, hv, x))
    x2, v2, m2 = bn.heavy_ball_bn_lag(x, v, m, grad, alpha=0.1, beta=0.8, bn_momentum=0.7)
    mm = 0.7 * m + 0.3 * x
    assert m2 == pytest.approx(mm)
    assert v2 == pytest.approx(0.8 * v + 0.1 * (3 * mm - 1))
    assert x2 == pytest.approx(x - v2)


def test_registered_idempotently():
    a = bn.bn_lag_method()
    assert bn.bn_lag_method() is a
    assert get_method(bn.BN_LAG_METHOD).update is bn.heavy_ball_bn_lag
    assert a.state == ("x", "v", "m")
    assert a.hyperparameters == ("alpha", "beta", "bn_momentum")
    mod = importlib.reload(bn)  # a reload re-registers the same rule without error
    assert get_method(mod.BN_LAG_METHOD).update is mod.heavy_ball_bn_lag


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan"), [0.5, 1.0]])
def test_bn_momentum_validated(bad):
    with pytest.raises(ValueError, match="bn_momentum"):
        bn.bn_lag_stability(0.1, 0.5, bad)
    with pytest.raises(ValueError, match="bn_momentum"):
        bn.bn_lag_max_step(0.5, bad)
    with pytest.raises(ValueError, match="bn_momentum"):
        bn.bn_lag_phase(0.1, 0.1, 0.5, bad)
    if np.ndim(bad) == 0:
        with pytest.raises(ValueError, match="bn_momentum"):
            bn.heavy_ball_bn_lag(1.0, 0.0, 0.0, lambda y: y, alpha=0.1, beta=0.5,
                                 bn_momentum=bad)


def test_other_arguments_validated():
    with pytest.raises(TypeError, match="bn_momentum"):
        bn.bn_lag_stability(0.1, 0.5, "0.9")
    with pytest.raises(ValueError, match="alpha_lambda"):
        bn.bn_lag_stability(-0.1, 0.5, 0.5)
    with pytest.raises(ValueError, match="alpha_lambda"):
        bn.bn_lag_phase(0.1, 0.0, 0.5, 0.5)
    for w in (0.0, -1.0, 4.0):
        with pytest.raises(ValueError, match="omega"):
            bn.bn_lag_phase(w, 0.1, 0.5, 0.5)
    with pytest.raises(ValueError, match="shapes"):
        bn.bn_lag_stability([0.1, 0.2], [0.1, 0.2, 0.3], 0.5)


def test_stability_matches_hand_built_eigenvalues():
    rng = np.random.default_rng(1)
    h = 10 ** rng.uniform(-3, 1, 400)
    beta = rng.uniform(-0.95, 0.999, 400)
    rho = rng.uniform(0, 0.999, 400)
    got = bn.bn_lag_stability(h, beta, rho)
    radius = np.array([hand_radius(*p) for p in zip(h, beta, rho, strict=True)])
    clear = np.abs(radius - 1) > 1e-9  # skip points on the boundary itself
    assert clear.sum() > 350
    np.testing.assert_array_equal(got[clear], radius[clear] < 1)
    assert 0 < got.mean() < 1  # both outcomes occur


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("rho", [0.0, 0.2, 0.5, 0.9, 0.99])
def test_max_step_matches_bisection_on_hand_matrix(beta, rho):
    edge = bn.bn_lag_max_step(beta, rho)
    assert edge == pytest.approx(hand_edge(beta, rho), rel=1e-7)
    # The stable set in alpha*lambda is the whole interval (0, edge).
    grid = np.linspace(edge * 1e-4, edge * 0.999, 200)
    assert all(hand_radius(g, beta, rho) < 1 for g in grid)
    grid = np.linspace(edge * 1.001, edge * 3, 50)
    assert all(hand_radius(g, beta, rho) > 1 for g in grid)


def test_heavy_ball_edge_and_vectorised_shape():
    # bn_momentum = 0 is heavy ball, stable for alpha*lambda < 2 (1 + beta) (Polyak 1964).
    beta = np.array([-0.5, 0.0, 0.5, 0.9])
    np.testing.assert_allclose(bn.bn_lag_max_step(beta, 0.0), 2 * (1 + beta), rtol=1e-12)
    out = bn.bn_lag_max_step([[0.5], [0.9]], [0.1, 0.5, 0.9])
    assert out.shape == (2, 3)
    assert bn.bn_lag_max_step(1.0, 0.5) == 0.0  # |beta| = 1: no stable step


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_stable_set_shrinks_as_bn_momentum_grows(beta):
    # Above rho = 0.2 the oscillatory boundary binds for every beta >= 0.5 (below it a
    # small lag widens the range, see the next test).
    rho = np.array([0.2, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99])
    edges = bn.bn_lag_max_step(beta, rho)
    assert np.all(np.diff(edges) < 0)
    # As sets on a grid of alpha*lambda: each stable set contains the next.
    h = np.geomspace(1e-5, 10, 300)
    stable = np.array([[hand_radius(g, beta, r) < 1 for g in h] for r in rho])
    assert np.all(stable[:-1] >= stable[1:])
    assert stable[0].sum() > stable[-1].sum()


def test_small_lag_widens_the_range_without_momentum():
    # The documented caveat: at beta = 0 the EMA low-passes the gradient, the flip
    # boundary moves out and the stable range grows with bn_momentum.
    rho = np.array([0.0, 0.3, 0.6, 0.9])
    edges = bn.bn_lag_max_step(0.0, rho)
    assert np.all(np.diff(edges) > 0)
    assert hand_radius(0.99 * edges[-1], 0.0, 0.9) < 1 < hand_radius(2.5, 0.0, 0.0)
    # With momentum the range first grows too, up to where the oscillatory boundary
    # (1-beta)(1-beta rho)/(beta rho) meets the flip boundary 2(1+beta)(1+rho)/(1-rho):
    # rho = 0.2 at beta = 0.5.
    edges = bn.bn_lag_max_step(0.5, [0.0, 0.1, 0.2, 0.3])
    assert edges[0] < edges[1] < edges[2] > edges[3]


def test_phase_without_bn_lag_is_heavy_ball_filter():
    # v_{t+1} = beta v_t + alpha g_t: the first-order filter alpha z/(z - beta), whose
    # phase is atan2(beta sin w, 1 - beta cos w).
    w = np.array([0.01, 0.1, 0.5, 2.0])
    beta = np.array([[0.0], [0.5], [0.9]])
    lag = bn.bn_lag_phase(w, 0.01, beta, 0.0)
    expected = np.arctan2(beta * np.sin(w), 1 - beta * np.cos(w))
    np.testing.assert_allclose(lag.radians, expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(lag.steps, expected / w, rtol=1e-10, atol=1e-12)


def simulated_phase(omega, h, beta, rho, keep=3000):
    """Run the rule on f_t(x) = (x - a sin(omega t))^2 / 2 and fit both signals."""
    # Long enough for the transient (the slowest mode, from the hand-built matrix) to
    # decay below 1e-13 before the fitted window starts.
    steps = keep + int(np.ceil(np.log(1e-13) / np.log(hand_radius(h, beta, rho))))
    x = v = m = 0.0
    t_grid, vel, true_grad = [], [], []
    for t in range(steps):
        target = 0.7 * np.sin(omega * t)
        g_true = x - target
        x, v, m = bn.heavy_ball_bn_lag(x, v, m, lambda y: y - target, alpha=h, beta=beta,  # noqa: B023
                                       bn_momentum=rho)
        t_grid.append(t)
        vel.append(v)  # v_{t+1}, the step taken from x_t
        true_grad.append(g_true)
    t = np.array(t_grid[-keep:], float)
    design = np.column_stack([np.cos(omega * t), np.sin(omega * t), np.ones_like(t)])

    def phase(y):
        (c, s, _), *_ = np.linalg.lstsq(design, np.array(y[-keep:]), rcond=None)
        return np.arctan2(-s, c)  # y = A cos(omega t + phase)

    return np.angle(np.exp(1j * (phase(true_grad) - phase(vel))))


@pytest.mark.parametrize("omega,h,beta,rho", [
    (0.05, 0.01, 0.9, 0.9), (0.05, 0.01, 0.5, 0.5), (0.2, 0.05, 0.8, 0.3),
    (0.3, 0.5, 0.5, 0.0), (0.1, 0.005, 0.95, 0.95),
])
def test_phase_matches_simulation_with_drifting_optimum(omega, h, beta, rho):
    assert bn.bn_lag_stability(h, beta, rho)
    lag = bn.bn_lag_phase(omega, h, beta, rho)
    assert lag.radians == pytest.approx(simulated_phase(omega, h, beta, rho), abs=1e-6)
    assert lag.steps == pytest.approx(lag.radians / omega)


def test_phase_grows_with_both_momenta_and_bn_part_grows_with_beta():
    beta = np.array([0.0, 0.3, 0.6, 0.9])
    rho = np.array([[0.0], [0.3], [0.6], [0.9]])
    steps = bn.bn_lag_phase(0.05, 0.01, beta, rho).steps
    assert np.all(np.diff(steps, axis=1) > 0)
    assert np.all(np.diff(steps, axis=0) >= 0)
    extra = steps[-1] - steps[0]  # the part due to batch-norm lag at rho = 0.9
    assert np.all(np.diff(extra) > 0)


def test_phase_nan_where_unstable():
    lag = bn.bn_lag_phase(0.1, [0.01, 1.0], 0.9, 0.9)
    assert np.isfinite(lag.radians[0]) and np.isnan(lag.radians[1])
    assert np.isnan(lag.steps[1])

"""Beta trade-offs: the largest stable step against published closed forms and
hand-built companion matrices, the effective learning rate against a constant-gradient
simulation, the plateau-and-cliff landscape against mpmath and SciPy, overshoot against
a heavy-ball loop written here."""

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from momentum_dynamics.applications import (
    PlateauCliff,
    beta_tradeoff,
    largest_stable_step,
    linear_warmup,
    overshoot,
)

BETAS = np.array([-0.5, 0.0, 0.3, 0.5, 0.9, 0.99, 0.999])


def test_heavy_ball_and_nesterov_closed_forms():
    # Polyak (1964): alpha*lambda < 2(1 + beta); Nesterov: 2(1 + beta)/(1 + 2 beta) for beta > -1/3
    np.testing.assert_allclose(largest_stable_step("heavy_ball", BETAS), 2 * (1 + BETAS),
                               rtol=1e-12)
    b = BETAS[BETAS > -1 / 3]
    np.testing.assert_allclose(largest_stable_step("nesterov", b), 2 * (1 + b) / (1 + 2 * b),
                               rtol=1e-12)
    assert largest_stable_step("gd") == pytest.approx(2.0)


def _radius_ema(h, beta):
    # v' = beta v + (1 - beta) h x, x' = x - v': x' = (1 - (1-beta) h) x - beta v
    A = np.array([[1 - (1 - beta) * h, -beta], [(1 - beta) * h, beta]])
    return np.max(np.abs(np.linalg.eigvals(A)))


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_ema_edge_against_hand_built_matrix(beta):
    edge = largest_stable_step("ema_momentum", beta)
    assert _radius_ema(edge * 0.999, beta) < 1 < _radius_ema(edge * 1.001, beta)
    # and the set below is stable throughout
    assert all(_radius_ema(h, beta) < 1 for h in np.linspace(1e-6, 0.999, 50) * edge)


def test_unit_momentum_has_no_stable_step():
    assert largest_stable_step("heavy_ball", 1.0) == 0.0


def test_effective_learning_rate_is_the_terminal_speed():
    """Heavy ball under a constant gradient g: the step tends to alpha g/(1 - beta)."""
    t = beta_tradeoff("heavy_ball", [0.0, 0.5, 0.9], alpha=0.01, L=4.0)
    for b, eff in zip(t.betas, t.effective_lr, strict=True):
        x, v = 0.0, 0.0
        for _ in range(3000):
            v = b * v + 0.01 * 1.0
            x_new = x - v
            step, x = x - x_new, x_new
        assert eff == pytest.approx(step, rel=1e-9)
    np.testing.assert_allclose(t.max_alpha, 2 * (1 + t.betas) / 4.0)
    np.testing.assert_allclose(t.max_effective_lr, 2 * (1 + t.betas) / (1 - t.betas) / 4.0)


def test_plateau_cliff_gradient_and_minimum():
    f = PlateauCliff()
    mpmath.mp.dps = 30
    for x in (-3.0, 0.5, 0.95, 1.0, 1.05, 1.3, 4.0):
        num = mpmath.diff(lambda y: f.value(float(y)), x, h=1e-5)
        assert float(f.grad(x)) == pytest.approx(float(num), rel=1e-6, abs=1e-9)
    res = minimize_scalar(f.value, bracket=(1.0, 1.1, 2.0), tol=1e-12)
    assert f.minimizer == pytest.approx(res.x, abs=1e-6)
    # the plateau slopes at s, the cliff's steepest slope is about h/(4 delta)
    assert float(f.grad(-2.0)) == pytest.approx(-f.slope, rel=1e-6)
    assert float(f.grad(f.cliff)) == pytest.approx(-f.height / (4 * f.width), rel=0.02)


def _heavy_ball_loop(f, alphas, beta, x0):
    x, v, xs = x0, 0.0, [x0]
    for a in alphas:
        v = beta * v + a * float(f.grad(x))
        x = x - v
        xs.append(x)
    return np.array(xs)


@pytest.mark.parametrize("warmup", [0, 50])
def test_overshoot_against_a_hand_loop(warmup):
    f = PlateauCliff()
    o = overshoot([0.5, 0.9, 0.99], alpha=0.05, steps=400, warmup_steps=warmup, x0=0.8)
    alphas = linear_warmup(0.05, 400, warmup) if warmup else np.full(400, 0.05)
    for i, b in enumerate(o.betas):
        xs = _heavy_ball_loop(f, alphas, b, 0.8)
        np.testing.assert_allclose(o.x[i], xs, rtol=1e-12, atol=1e-14)
        assert o.overshoot[i] == pytest.approx(max(0.0, np.max(xs - f.minimizer)))
        k = int(np.argmax(xs >= f.cliff))
        assert o.cliff_step[i] == k
        assert o.rebound[i] == pytest.approx(max(0.0, f.minimizer - np.min(xs[k:])))


def test_more_momentum_overshoots_more_and_warmup_helps_near_the_cliff():
    plain = overshoot([0.5, 0.9, 0.99], x0=0.8)
    warm = overshoot([0.5, 0.9, 0.99], x0=0.8, warmup_steps=50)
    assert np.all(np.diff(plain.overshoot) > 0)
    assert np.all(warm.overshoot < plain.overshoot)
    # settled runs end within tol of the minimum
    for o in (plain, warm):
        for i, s in enumerate(o.settle_step):
            if s >= 0:
                assert np.all(np.abs(o.x[i, s:] - o.minimizer) <= 1e-3)


@pytest.mark.parametrize("call, match", [
    (lambda: largest_stable_step("heavy_ball", 1.5), "beta"),
    (lambda: largest_stable_step("gd", 0.5), "momentum"),
    (lambda: beta_tradeoff("heavy_ball", [0.5, 1.0]), "betas"),
    (lambda: beta_tradeoff("heavy_ball", 0.5, alpha=-1.0), "alpha"),
    (lambda: beta_tradeoff("heavy_ball", 0.5, L=0.0), "L"),
    (lambda: beta_tradeoff("gd", 0.5), "momentum"),
    (lambda: overshoot([0.5, 1.0]), "betas"),
    (lambda: overshoot(0.5, warmup_steps=-1), "warmup_steps"),
    (lambda: overshoot(0.5, landscape="cliff"), "landscape"),
    (lambda: PlateauCliff(width=0.0), "width"),
    (lambda: PlateauCliff(slope=float("nan")), "slope"),
])
def test_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_tradeoff_figure_data_against_closed_forms():
    from momentum_dynamics.plotting import beta_tradeoff_data

    d = beta_tradeoff_data(("heavy_ball", "nesterov"), (0.9,), steps=50, resolution=5)
    b = d.tradeoffs[0].betas
    np.testing.assert_allclose(d.tradeoffs[0].max_step, 2 * (1 + b), rtol=1e-12)
    np.testing.assert_allclose(d.tradeoffs[1].max_step, 2 * (1 + b) / (1 + 2 * b), rtol=1e-12)
    xs = _heavy_ball_loop(d.landscape, np.full(50, 0.05), 0.9, 0.8)
    np.testing.assert_allclose(d.plain.x[0], xs, rtol=1e-12, atol=1e-14)

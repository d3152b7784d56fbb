"""Witnesses (robust.witness): cycles on smooth strongly convex functions.

Every value is checked against something the search did not compute: the function of
Lessard, Recht & Packard (2016, section 4.6) typed from the paper, a hand-written heavy
ball loop, hand-built one-step matrices, the Taylor-Hendrickx-Glineur inequalities
written out pair by pair, and theorems saying no cycle can exist.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import momentum_dynamics as md
from momentum_dynamics.robust import (
    PiecewiseQuadratic,
    find_cycle,
    interpolation_violation,
    quadratic_rate_extends,
)

MU, L = 1.0, 25.0
KAPPA = L / MU
# Polyak's tuning (Polyak 1964) in closed form, typed from the paper, not derived here.
ALPHA = 4 / (math.sqrt(L) + math.sqrt(MU)) ** 2  # 1/9
BETA = ((math.sqrt(KAPPA) - 1) / (math.sqrt(KAPPA) + 1)) ** 2  # 4/9


def lessard_grad(x):
    """Lessard, Recht & Packard (2016), section 4.6, as printed."""
    x = np.asarray(x, dtype=float)
    return np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))


def lessard_f(x):
    x = np.asarray(x, dtype=float)
    return np.where(x < 1, 12.5 * x**2,
                    np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36))


def heavy_ball_loop(grad, x, v, alpha, beta, steps):
    """The heavy ball written out by hand (Polyak 1964, velocity form)."""
    xs = [x]
    for _ in range(steps):
        v = beta * v + alpha * float(grad(x))
        x = x - v
        xs.append(x)
    return np.array(xs)


def thg_ok(x, g, f, mu, L, tol=1e-9):
    """Taylor, Hendrickx & Glineur (2017), Theorem 4, pair by pair."""
    scale = max(abs(v) for v in (*f, *g)) * (1 + max(x) - min(x))
    for i in range(len(x)):
        for j in range(len(x)):
            rhs = f[j] + g[j] * (x[i] - x[j]) + 1 / (2 * (1 - mu / L)) * (
                (g[i] - g[j]) ** 2 / L + mu * (x[i] - x[j]) ** 2
                - 2 * mu / L * (g[i] - g[j]) * (x[i] - x[j]))
            if f[i] < rhs - tol * scale:
                return False
    return True


@pytest.fixture(scope="module")
def witness():
    return find_cycle("heavy_ball", ALPHA, BETA, MU, L, period=3)


# --------------------------------------------------------------------------
# The paper's own function
# --------------------------------------------------------------------------


def test_quadratic_rate_is_two_thirds():
    rate = md.convergence_rate("heavy_ball", ALPHA, BETA, MU, L)
    assert rate == pytest.approx((math.sqrt(KAPPA) - 1) / (math.sqrt(KAPPA) + 1), rel=1e-12)
    assert rate == pytest.approx(2 / 3, rel=1e-12)


def test_paper_function_is_a_piecewise_quadratic_of_the_class():
    f = PiecewiseQuadratic([0.0, 1.0, 2.0], [0.0, 25.0, 26.0], left_slope=25.0,
                           right_slope=25.0)
    x = np.linspace(-4, 4, 1601)
    np.testing.assert_allclose(f.grad(x), lessard_grad(x), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(f(x), lessard_f(x), rtol=1e-13, atol=1e-12)
    assert (f.mu, f.L, f.minimizer) == (1.0, 25.0, 0.0)


def test_heavy_ball_falls_into_a_three_cycle_on_the_paper_function():
    # The paper starts at x0 = 3.3 with zero velocity.
    tr = md.simulate("heavy_ball", lessard_grad, ALPHA, BETA, steps=600, x0=[3.3])
    x = tr.x[:, 0]
    np.testing.assert_allclose(x[-3:], x[-6:-3], rtol=0, atol=1e-12)  # period 3 ...
    assert min(abs(x[-1] - x[-2]), abs(x[-2] - x[-3]), abs(x[-1] - x[-3])) > 0.5  # not 1
    assert np.min(np.abs(x[-3:])) > 0.5  # ... far from the minimiser 0
    # the hand-written loop agrees with md.simulate
    np.testing.assert_allclose(heavy_ball_loop(lessard_grad, 3.3, 0.0, ALPHA, BETA, 600),
                               x, rtol=1e-12, atol=1e-12)
    # and the paper's cycle is interpolable in F(1, 25) (Taylor-Hendrickx-Glineur)
    pts = np.append(x[-3:], 0.0)
    assert thg_ok(pts, lessard_grad(pts), lessard_f(pts), MU, L)
    assert interpolation_violation(pts, lessard_grad(pts), lessard_f(pts), MU, L) <= 1e-12


# --------------------------------------------------------------------------
# The search reproduces it
# --------------------------------------------------------------------------


def test_search_finds_a_verified_three_cycle(witness):
    w = witness
    assert w.found and w.verified and w.period == 3
    ys = np.sort(np.append(w.points, 0.0))
    assert np.min(np.diff(ys)) > 0.1 * np.ptp(ys)  # distinct points, none at x*
    # the constructed gradient reproduces the cycle's gradients
    np.testing.assert_allclose(w.function.grad(w.points), w.gradients, rtol=1e-12, atol=1e-12)
    # the hand-written heavy ball started on the cycle stays on it
    x = heavy_ball_loop(w.function.grad, w.states[0, 0], w.states[0, 1], ALPHA, BETA, 30)
    np.testing.assert_allclose(x[:30], np.tile(w.states[:, 0], 10), rtol=0, atol=1e-9)


def test_constructed_function_is_in_the_class(witness):
    f = witness.function
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-3, 3, 20000), rng.uniform(-3, 3, 20000)
    q = (f.grad(a) - f.grad(b)) / (a - b)
    assert np.all(q >= MU * (1 - 1e-9)) and np.all(q <= L * (1 + 1e-9))
    # f is the integral of its gradient (Simpson on each piece of a fine grid)
    x = np.linspace(-2, 2, 40001)
    h = x[1] - x[0]
    mid = f.grad(x[:-1] + h / 2)
    F = np.concatenate([[0], np.cumsum(h / 6 * (f.grad(x[:-1]) + 4 * mid + f.grad(x[1:])))])
    np.testing.assert_allclose(f(x) - f(x[0]), F, atol=1e-9)
    assert f(f.minimizer) == pytest.approx(0, abs=1e-15)
    pts = np.append(witness.points, 0.0)
    assert thg_ok(pts, f.grad(pts), f(pts), MU, L)


def test_cycle_is_attracting_like_the_papers(witness):
    w = witness
    # return map from hand-built heavy ball matrices at the local curvatures
    h = 1e-6 * np.ptp(w.points)
    c = (w.function.grad(w.points + h) - w.function.grad(w.points - h)) / (2 * h)
    P = np.eye(2)
    for ci in c:
        P = np.array([[1 - ALPHA * ci, -BETA], [ALPHA * ci, BETA]]) @ P
    radius = max(abs(np.linalg.eigvals(P)))
    assert w.return_map_radius == pytest.approx(radius, rel=1e-6)
    assert radius < 1
    # a start 0.1 % away does not converge to the minimiser: it returns to the cycle
    x = heavy_ball_loop(w.function.grad, w.states[0, 0] + 1e-3 * np.ptp(w.points),
                        w.states[0, 1], ALPHA, BETA, 600)
    assert w.converges_nearby is False
    np.testing.assert_allclose(np.sort(x[-3:]), np.sort(w.states[:, 0]), atol=1e-9)


def test_companion_reports_the_witness():
    c = quadratic_rate_extends("heavy_ball", ALPHA, BETA, MU, L, max_period=3)
    assert c.quadratic_rate == pytest.approx(2 / 3, rel=1e-12)
    assert c.extends is False and c.verdict == "witness found: 3-cycle"
    assert c.witness.verified and c.periods == (2, 3)


# --------------------------------------------------------------------------
# Where no cycle can exist (theorems), the search finds none
# --------------------------------------------------------------------------


@pytest.mark.parametrize("period", [2, 3, 4])
def test_gradient_descent_has_no_cycle(period):
    # x - alpha f'(x) is a contraction for 0 < alpha < 2/L on F(mu, L): no cycle.
    w = find_cycle("gd", alpha=1.9 / L, mu=MU, L=L, period=period)
    assert not w.found and w.points.size == 0 and w.function is None
    assert "no 3-cycle" in find_cycle("gd", 0.1, mu=MU, L=L, period=3).summary()


def test_nesterov_standard_tuning_has_no_cycle():
    # Nesterov (2004, Thm 2.2.3): alpha = 1/L, beta = (sqrt k - 1)/(sqrt k + 1) converges
    # on F(mu, L) at rate 1 - 1/sqrt(k): no cycle of any period.
    beta = (math.sqrt(KAPPA) - 1) / (math.sqrt(KAPPA) + 1)
    c = quadratic_rate_extends("nesterov", 1 / L, beta, MU, L, max_period=4)
    assert c.extends is None and c.verdict == "no witness for p in 2..4"
    assert c.quadratic_rate < 1


def test_unstable_on_quadratics_is_reported():
    c = quadratic_rate_extends("gd", alpha=3 / L, mu=MU, L=L)
    assert c.quadratic_rate == pytest.approx(2.0) and c.extends is False
    assert c.verdict == "unstable on quadratics"


def test_user_method_with_extra_hyperparameter():
    # QHM (Ma & Yarats 2019) with nu = 1 is the EMA form of heavy ball; its buffer
    # (1 - beta) * v is heavy ball's v / alpha, so the same 3-cycle exists.
    def qhm_w(x, v, grad, alpha, beta, nu):
        g = grad(x)
        v = beta * v + (1 - beta) * g
        return x - alpha * ((1 - nu) * g + nu * v), v

    md.register_method(qhm_w, overwrite=True)
    try:
        w = find_cycle("qhm_w", ALPHA / (1 - BETA), BETA, MU, L, period=3, nu=1.0)
        assert w.found and w.verified and not w.converges_nearby
    finally:
        md.unregister_method("qhm_w")


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(mu=25.0, L=25.0), ValueError, "mu must be < L"),
    (dict(mu=30.0, L=25.0), ValueError, "mu"),
    (dict(mu=0.0), ValueError, "mu"),
    (dict(mu=-1.0), ValueError, "mu"),
    (dict(period=1), ValueError, "period"),
    (dict(period=2.5), ValueError, "period"),
    (dict(period=9), ValueError, "period"),
    (dict(alpha=-0.1), ValueError, "alpha"),
    (dict(beta=1.5), ValueError, "beta"),
    (dict(L=None), TypeError, "mu and L"),
    (dict(nu=0.5), TypeError, "nu"),
])
def test_bad_input_is_refused(kwargs, exc, match):
    args = {**dict(method="heavy_ball", alpha=ALPHA, beta=BETA, mu=MU, L=L, period=3), **kwargs}
    with pytest.raises(exc, match=match):
        find_cycle(**args)


def test_methods_that_cannot_be_searched():
    def squared(x, v, grad, alpha, beta):  # not linear in the gradient
        v = beta * v + alpha * grad(x) ** 2
        return x - v, v

    def broken(x, grad, alpha):
        raise RuntimeError("boom")

    for rule, match in ((squared, "not linear"), (broken, "cannot be run")):
        md.register_method(rule, overwrite=True)
        try:
            beta = BETA if rule is squared else None
            with pytest.raises(ValueError, match=match):
                find_cycle(rule.__name__, ALPHA, beta, MU, L)
            with pytest.raises(ValueError, match=match):
                quadratic_rate_extends(rule.__name__, ALPHA, beta, MU, L)
        finally:
            md.unregister_method(rule.__name__)
    with pytest.raises(ValueError, match="method"):
        find_cycle("adamw", ALPHA, BETA, MU, L)
    with pytest.raises(ValueError, match="max_period"):
        quadratic_rate_extends("heavy_ball", ALPHA, BETA, MU, L, max_period=1)


def test_piecewise_quadratic_refuses_bad_knots():
    with pytest.raises(ValueError, match="knots"):
        PiecewiseQuadratic([1.0, 0.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="slopes"):
        PiecewiseQuadratic([0.0, 1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="gradients"):
        PiecewiseQuadratic([0.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(TypeError, match="left_slope"):
        PiecewiseQuadratic([0.0], [0.0])


# --------------------------------------------------------------------------
# The figure and the command line
# --------------------------------------------------------------------------


def test_plot_and_data(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from momentum_dynamics.plotting import plot_witness, witness_data

    d = witness_data("heavy_ball", ALPHA, BETA, MU, L, period=3)
    # the drawn gradient is the witness function's, and lies between mu x and L x
    assert np.all(d.grad * np.sign(d.x) >= MU * np.abs(d.x) - 1e-12)
    assert np.all(d.grad * np.sign(d.x) <= L * np.abs(d.x) + 1e-12)
    assert d.distance.min() > 0.1 * np.ptp(d.witness.points)  # never near the minimiser
    out = plot_witness("heavy_ball", ALPHA, BETA, MU, L, legend_loc=False, figsize=(6.0, 3.0),
                       title="T")
    assert len(out.axes) == 3 and out.legend is None
    assert [t.get_text() for t in out.figure.texts] == ["T"]
    fig, axes = plt.subplots(1, 3)
    assert plot_witness("gd", 0.1, None, MU, L, ax=axes, period=2).figure is fig
    plt.close("all")


def test_cli_witness(tmp_path, capsys):
    import json

    from momentum_dynamics.cli import main

    png = tmp_path / "w.png"
    assert main(["witness", "--alpha", repr(ALPHA), "--beta", repr(BETA), "--mu", "1",
                 "--L", "25", "--max-period", "3", "--out", str(png),
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["quadratic_rate"] == pytest.approx(2 / 3, rel=1e-12)
    assert data["verdict"] == "witness found: 3-cycle" and data["extends"] is False
    assert png.stat().st_size > 0
    # the printed gradients are those of the printed piecewise-linear gradient
    f = PiecewiseQuadratic(data["knots"], data["knot_gradients"])
    np.testing.assert_allclose(f.grad(data["points"]), data["gradients"], atol=1e-12)
    assert main(["witness", "--method", "gd", "--alpha", "0.1", "--mu", "1", "--L", "10",
                 "--max-period", "2", "--out", str(tmp_path / "none.png")]) == 0
    text = capsys.readouterr().out
    assert "no witness for p in 2..2" in text and not (tmp_path / "none.png").exists()
    assert main(["witness", "--alpha", "0.1", "--beta", "0.4", "--mu", "25", "--L",
                 "25"]) == 2
    assert "mu must be < L" in capsys.readouterr().err

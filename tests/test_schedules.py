"""Schedules as time-varying linear systems (momentum_dynamics.applications.schedules).

Every expected value is computed independently: per-step matrices written out by hand
from the update rules in methods.py, plain NumPy products and SVDs, or a simulation of
the update rule with the schedule (momentum_dynamics.simulate).
"""

import numpy as np
import pytest

from momentum_dynamics.applications.schedules import (
    beta_ramp,
    linear_warmup,
    schedule_growth,
    step_decay,
    transient_amplification_example,
    transition_product,
)
from momentum_dynamics.simulate import simulate


def hand_matrix(method, a, b, lam):
    """The state matrix of (x, v) written out from the update rule by hand."""
    h = a * lam
    if method == "gd":
        return np.array([[1 - h]])
    if method == "heavy_ball":  # v' = b v + h x; x' = x - v'
        return np.array([[1 - h, -b], [h, b]])
    if method == "nesterov":  # v' = b v + a lam (x - b v); x' = x - v'
        return np.array([[1 - h, -b * (1 - h)], [h, b * (1 - h)]])
    if method == "ema_momentum":  # v' = b v + (1 - b) lam x; x' = x - a v'
        return np.array([[1 - a * (1 - b) * lam, -a * b], [(1 - b) * lam, b]])
    raise AssertionError(method)


def hand_product(method, alphas, betas, lam):
    n = 1 if method == "gd" else 2
    P = np.eye(n)
    for a, b in zip(alphas, betas, strict=True):
        P = hand_matrix(method, a, b, lam) @ P
    return P


RNG = np.random.default_rng(7)
ALPHAS = RNG.uniform(0.05, 0.6, 12)
BETAS = RNG.uniform(-0.5, 0.99, 12)


@pytest.mark.parametrize("method", ["heavy_ball", "nesterov", "ema_momentum"])
@pytest.mark.parametrize("lam", [0.3, 1.0, 4.0])
def test_product_matches_hand_built_matrices(method, lam):
    got = transition_product(method, ALPHAS, BETAS, curvature=lam)
    np.testing.assert_allclose(got, hand_product(method, ALPHAS, BETAS, lam),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("method", ["heavy_ball", "nesterov", "ema_momentum"])
def test_product_columns_match_a_simulation_with_the_schedule(method):
    lam = 2.0
    P = transition_product(method, ALPHAS, BETAS, curvature=lam)
    for j, (x0, v0) in enumerate([(1.0, 0.0), (0.0, 1.0)]):
        tr = simulate(method, lam, None, None, steps=len(ALPHAS), x0=[x0], v0=[v0],
                      schedule={"alpha": ALPHAS, "beta": BETAS})
        end = np.array([tr.x[-1, 0], tr.states["v"][-1, 0]])
        np.testing.assert_allclose(P[:, j], end, rtol=1e-12, atol=1e-14)


def test_gd_product_is_the_product_of_scalars_over_a_curvature_array():
    alphas = np.array([0.5, 1.5, 0.2, 0.9])
    lam = np.array([[0.1, 1.0], [2.0, 3.5]])
    got = transition_product("gd", alphas, curvature=lam)
    assert got.shape == (2, 2, 1, 1)
    expected = np.prod(1 - alphas[:, None, None] * lam, axis=0)
    np.testing.assert_allclose(got[..., 0, 0], expected, rtol=1e-13)


def test_scalar_momentum_broadcasts_over_the_steps():
    got = transition_product("heavy_ball", ALPHAS, 0.7, curvature=1.3)
    np.testing.assert_allclose(got, hand_product("heavy_ball", ALPHAS, [0.7] * 12, 1.3),
                               rtol=1e-12)


def test_growth_matches_brute_force_norms_of_partial_products():
    lams = np.array([0.1, 0.7, 1.9, 3.2])
    alphas = np.full(40, 1.0)
    betas = beta_ramp(0.5, 0.95, 40)
    g = schedule_growth("heavy_ball", alphas, betas, curvatures=lams)
    for k, lam in enumerate(lams):
        P, norms = np.eye(2), [1.0]
        for a, b in zip(alphas, betas, strict=True):
            P = hand_matrix("heavy_ball", a, b, lam) @ P
            norms.append(np.linalg.norm(P, 2))
        assert g.transient_growth[k] == pytest.approx(max(norms), rel=1e-12)
        assert g.peak_step[k] == int(np.argmax(norms))
        assert g.final_norm[k] == pytest.approx(norms[-1], rel=1e-10)
        assert g.geometric_rate[k] == pytest.approx(norms[-1] ** (1 / 40), rel=1e-12)
        A_T = hand_matrix("heavy_ball", alphas[-1], betas[-1], lam)
        assert g.tail_radius[k] == pytest.approx(max(abs(np.linalg.eigvals(A_T))), rel=1e-12)
        frozen = [max(abs(np.linalg.eigvals(hand_matrix("heavy_ball", a, b, lam))))
                  for a, b in zip(alphas, betas, strict=True)]
        assert g.max_frozen_radius[k] == pytest.approx(max(frozen), rel=1e-12)
    assert g.worst_growth == pytest.approx(np.max(g.transient_growth))
    assert g.worst_curvature == lams[int(np.argmax(g.transient_growth))]


def test_growth_of_a_contracting_schedule_is_one_at_step_zero():
    # gd with alpha*lambda in (0, 1) contracts at every step: never amplifies.
    g = schedule_growth("gd", [0.5, 0.2, 0.9], curvatures=1.0)
    assert g.transient_growth == 1.0 and g.peak_step == 0
    assert g.final_norm == pytest.approx(0.5 * 0.8 * 0.1)


def test_long_schedules_neither_underflow_nor_overflow_the_rates():
    # 0.5**3000 underflows and 1.5**3000 overflows a double; the rates must not.
    g = schedule_growth("gd", np.full(3000, 1.0), curvatures=[0.5, 2.5])
    np.testing.assert_allclose(g.geometric_rate, [0.5, 1.5], rtol=1e-12)
    assert g.final_norm[0] == 0.0 and np.isinf(g.final_norm[1])
    # gd at alpha*lambda = 1 is exactly nilpotent: norm 0 after one step.
    g = schedule_growth("gd", np.full(5, 1.0), curvatures=1.0)
    assert g.final_norm == 0.0 and g.geometric_rate == 0.0 and g.transient_growth == 1.0


def test_amplification_example_frozen_stable_yet_amplifying():
    ex = transient_amplification_example()
    T = len(ex.alphas)
    mats = [hand_matrix("heavy_ball", a, b, ex.curvature)
            for a, b in zip(ex.alphas, ex.betas, strict=True)]
    radii = np.array([max(abs(np.linalg.eigvals(A))) for A in mats])
    np.testing.assert_allclose(ex.frozen_radii, radii, rtol=1e-12)
    assert np.all(radii < 1)
    # Underdamped heavy ball: radius sqrt(beta) for both settings.
    np.testing.assert_allclose(radii, np.sqrt(0.9), rtol=1e-12)
    period = mats[1] @ mats[0]
    assert ex.period_rate == pytest.approx(max(abs(np.linalg.eigvals(period))) ** 0.5,
                                           rel=1e-12)
    assert ex.period_rate > 1
    # Run the update rule with the schedule from the reported worst initial state.
    x0, v0 = ex.worst_state
    assert np.hypot(x0, v0) == pytest.approx(1.0)
    tr = simulate("heavy_ball", ex.curvature, None, None, steps=T, x0=[x0], v0=[v0],
                  schedule={"alpha": ex.alphas, "beta": ex.betas})
    end = np.hypot(tr.x[-1, 0], tr.states["v"][-1, 0])
    assert end == pytest.approx(ex.growth, rel=1e-10)
    assert ex.growth > 100
    # No other unit initial state grows more (it is the top singular direction).
    theta = np.linspace(0, np.pi, 721)
    P = np.linalg.multi_dot(mats[::-1])
    others = np.linalg.norm(P @ np.stack([np.cos(theta), np.sin(theta)]), axis=0)
    assert others.max() <= ex.growth * (1 + 1e-12)
    # Each setting alone amplifies far less over the same number of steps.
    for k, h in enumerate((0.5, 3.0)):
        A, Q, worst = hand_matrix("heavy_ball", h, 0.9, 1.0), np.eye(2), 1.0
        for _ in range(T):
            Q = A @ Q
            worst = max(worst, np.linalg.norm(Q, 2))
        assert ex.constant_growth[k] == pytest.approx(worst, rel=1e-12)
    assert ex.growth > 50 * ex.constant_growth.max()


def test_schedule_helpers_against_closed_forms():
    np.testing.assert_allclose(linear_warmup(0.3, 10, 5),
                               np.r_[np.linspace(0.06, 0.3, 5), np.full(5, 0.3)], rtol=1e-15)
    ramp = beta_ramp(0.5, 0.99, 50)
    np.testing.assert_allclose(ramp, np.linspace(0.5, 0.99, 50), rtol=1e-15)
    assert ramp[-1] == 0.99
    np.testing.assert_allclose(step_decay(0.1, 7, every=3, factor=0.1),
                               [0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001], rtol=1e-15)


@pytest.mark.parametrize(("kwargs", "exc", "words"), [
    ({"alphas": [0.1, 0.2], "betas": [0.9, 0.9, 0.9]}, ValueError, "alphas has 2, betas has 3"),
    ({"alphas": [[0.1, 0.2]], "betas": 0.9}, ValueError, "alphas must be a scalar or a 1-D"),
    ({"alphas": [], "betas": 0.9}, ValueError, "alphas must hold at least one step"),
    ({"alphas": [0.1, -0.2], "betas": 0.9}, ValueError, "alphas (the learning rates) must be > 0"),
    ({"alphas": [0.1, 0.2], "betas": [0.5, 1.5]}, ValueError, "betas (the momenta) must lie"),
    ({"alphas": [0.1, np.nan], "betas": 0.9}, ValueError, "alphas must be finite"),
    ({"alphas": [0.1, 0.2], "betas": [0.5, np.nan]}, ValueError, "betas must be finite"),
    ({"alphas": "0.1", "betas": 0.9}, TypeError, "alphas must be a number"),
    ({"alphas": 0.1, "betas": 0.9}, ValueError, "one value per step"),
    ({"alphas": [0.1], "betas": None}, TypeError, "betas (the momentum schedule) is required"),
    ({"alphas": [0.1], "betas": 0.9, "curvature": None}, TypeError, "curvature"),
    ({"alphas": [0.1], "betas": 0.9, "curvature": np.inf}, ValueError, "curvature must be"),
    ({"alphas": [0.1], "betas": 0.9, "nu": 0.5}, TypeError, "unexpected keyword"),
])
@pytest.mark.parametrize("func", [transition_product, schedule_growth])
def test_bad_input_names_the_argument(func, kwargs, exc, words):
    kwargs = dict(kwargs)
    lam = kwargs.pop("curvature", 1.0)
    key = "curvature" if func is transition_product else "curvatures"
    words = words.replace("curvature must", f"{key} must")  # each names its own argument
    with pytest.raises(exc, match=words.replace("(", r"\(").replace(")", r"\)")):
        func("heavy_ball", **kwargs, **{key: lam})


def test_bad_method_and_momentum_for_gd():
    with pytest.raises(ValueError, match="has no momentum parameter"):
        transition_product("gd", [0.1], [0.5], curvature=1.0)
    with pytest.raises(ValueError, match="unknown|not registered|method"):
        transition_product("adamw", [0.1], [0.5], curvature=1.0)


@pytest.mark.parametrize(("call", "words"), [
    (lambda: linear_warmup(-0.1, 5, 2), "alpha"),
    (lambda: linear_warmup(0.1, 0, 2), "steps"),
    (lambda: linear_warmup(0.1, 5, 0), "warmup_steps"),
    (lambda: beta_ramp(0.5, 1.2, 5), "stop"),
    (lambda: beta_ramp(np.nan, 0.9, 5), "start"),
    (lambda: beta_ramp(0.5, 0.9, 5, ramp_steps=0), "ramp_steps"),
    (lambda: step_decay(0.1, 5, every=0), "every"),
    (lambda: step_decay(0.1, 5, every=2, factor=0.0), "factor"),
    (lambda: transient_amplification_example(beta=1.0), "beta"),
    (lambda: transient_amplification_example(steps=1), "steps"),
])
def test_helpers_refuse_bad_arguments(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_extra_hyperparameter_per_step_on_a_registered_method():
    from momentum_dynamics.methods import register_method, unregister_method

    def qhm_sched_test(x, v, grad, alpha, beta, nu):
        # Quasi-hyperbolic momentum (Ma & Yarats 2019), EMA velocity.
        g = grad(x)
        v = beta * v + (1 - beta) * g
        return x - alpha * ((1 - nu) * g + nu * v), v

    register_method(qhm_sched_test, overwrite=True)
    try:
        nus = np.linspace(0.0, 1.0, 12)
        lam = 1.7
        got = transition_product("qhm_sched_test", ALPHAS, BETAS, curvature=lam, nu=nus)
        cols = []
        for s0 in np.eye(2):
            x, v = s0
            for a, b, nu in zip(ALPHAS, BETAS, nus, strict=True):  # plain loop of the rule
                x, v = qhm_sched_test(x, v, lambda y: lam * y, a, b, nu)
            cols.append([x, v])
        np.testing.assert_allclose(got, np.array(cols).T, rtol=1e-12, atol=1e-14)
        with pytest.raises(ValueError, match="nu has 3"):
            transition_product("qhm_sched_test", ALPHAS, BETAS, curvature=lam, nu=[0.1] * 3)
        with pytest.raises(TypeError, match="needs the hyper-parameter"):
            schedule_growth("qhm_sched_test", ALPHAS, BETAS, curvatures=lam)
        g = schedule_growth("qhm_sched_test", ALPHAS, BETAS, curvatures=lam, nu=nus)
        assert g.final_norm == pytest.approx(np.linalg.norm(np.array(cols).T, 2), rel=1e-10)
    finally:
        unregister_method("qhm_sched_test")

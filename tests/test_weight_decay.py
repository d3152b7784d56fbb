"""Coupled L2 versus decoupled weight decay: every value against hand-built 2x2 state
matrices, a simulation of the rule written out here, or Polyak's closed forms."""

import numpy as np
import pytest
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import symbolic
from momentum_dynamics.applications import weight_decay as wdm

L2 = wdm.WEIGHT_DECAY_METHODS["heavy_ball_l2"]
SGDW = wdm.WEIGHT_DECAY_METHODS["sgdw"]


# State matrices written by hand from the update rules on f(x) = lam x^2 / 2, state (x, v),
# with h = alpha*lam and d = alpha*wd:
#   coupled:  v' = beta v + (h + d) x,  x' = x - v'
#   SGDW:     v' = beta v + h x,        x' = x - v' - d x
def a_coupled(h, beta, d):
    return np.array([[1 - h - d, -beta], [h + d, beta]])


def a_sgdw(h, beta, d):
    return np.array([[1 - h - d, -beta], [h, beta]])


def a_heavy_ball(h, beta):
    return np.array([[1 - h, -beta], [h, beta]])


def rho(A):
    return np.max(np.abs(np.linalg.eigvals(A)))


@pytest.fixture
def registered():
    before = {n: md.get_method(n) for n in ("heavy_ball_l2", "sgdw")
              if n in md.available_methods()}
    wdm.register_weight_decay_methods(overwrite=True)
    yield
    for n in ("heavy_ball_l2", "sgdw"):
        if n in md.available_methods():
            md.unregister_method(n)
    for m in before.values():
        md.register_method(m, overwrite=True)


def random_points(seed, n=40):
    rng = np.random.default_rng(seed)
    alpha = rng.uniform(0.01, 0.5, n)
    beta = rng.uniform(-0.9, 0.99, n)
    lam = rng.uniform(-1.0, 6.0, n)
    wd = rng.uniform(0.0, 3.0, n)
    return alpha, beta, lam, wd


# --------------------------------------------------------------------------
# The rules' models against the hand-built matrices
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name, hand", [("heavy_ball_l2", a_coupled), ("sgdw", a_sgdw)])
def test_symbolic_state_matrix_and_poles_match_hand_built(name, hand):
    m = wdm.WEIGHT_DECAY_METHODS[name]
    A = symbolic.model(m).A
    syms = symbolic.hyperparameter_symbols(m)
    for a, b, lam, wd in zip(*random_points(1, 10), strict=True):
        num = np.array(A.subs({syms["alpha"]: a, syms["beta"]: b, symbolic.curvature: lam,
                               syms["weight_decay"]: wd}), dtype=float)
        np.testing.assert_allclose(num, hand(a * lam, b, a * wd), rtol=1e-13, atol=1e-15)
    a, b, lam, wd = random_points(2)
    got = md.poles(m, a, b, lam, weight_decay=wd)
    for i in range(a.size):
        want = np.linalg.eigvals(hand(a[i] * lam[i], b[i], a[i] * wd[i]))
        np.testing.assert_allclose(np.sort_complex(got[i]), np.sort_complex(want),
                                   rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name, hand", [("heavy_ball_l2", a_coupled), ("sgdw", a_sgdw)])
def test_characteristic_polynomials_have_the_hand_built_eigenvalues(name, hand):
    p = wdm.weight_decay_polynomials()
    expr = p.coupled if name == "heavy_ball_l2" else p.decoupled
    wd = symbolic.hyperparameter_symbols(wdm.WEIGHT_DECAY_METHODS[name])["weight_decay"]
    f = sp.lambdify((symbolic.alpha, symbolic.beta, symbolic.curvature, wd),
                    sp.Poly(expr, symbolic.z).all_coeffs())
    for a, b, lam, w in zip(*random_points(3, 15), strict=True):
        roots = np.roots(np.array(f(a, b, lam, w), dtype=float))
        want = np.linalg.eigvals(hand(a * lam, b, a * w))
        np.testing.assert_allclose(np.sort_complex(roots), np.sort_complex(want),
                                   rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ["heavy_ball_l2", "sgdw"])
@pytest.mark.parametrize("alpha, beta, lam, wd", [(0.1, 0.9, 1.0, 0.3), (0.3, 0.5, 2.0, 1.0),
                                                  (0.05, 0.95, 0.2, 0.5), (0.4, -0.3, 3.0, 0.2)])
def test_simulated_rate_matches_spectral_radius(name, alpha, beta, lam, wd):
    # The rule written out again here, on f(x) = lam x^2 / 2 (no package code).
    x, v = 1.0, 0.3
    log_norms = []
    log_scale = 0.0
    for _ in range(3000):
        if name == "heavy_ball_l2":
            v = beta * v + alpha * (lam * x + wd * x)
            x = x - v
        else:
            v_new = beta * v + alpha * lam * x
            x = x - v_new - alpha * wd * x
            v = v_new
        # The iteration is linear: rescale the state to avoid underflow, keep the log.
        n = np.hypot(x, v)
        x, v = x / n, v / n
        log_scale += np.log(n)
        log_norms.append(log_scale)
    # Growth of the state norm over the last 1000 steps: the rate, up to a bounded factor
    # (and a polynomial one at a double pole, avoided by these parameters).
    k = 1000
    sim = np.exp((log_norms[-1] - log_norms[-1 - k]) / k)
    got = md.spectral_radius(wdm.WEIGHT_DECAY_METHODS[name], alpha, beta, lam, weight_decay=wd)
    assert sim == pytest.approx(got, rel=2e-3)


# --------------------------------------------------------------------------
# Coupled L2 is heavy ball on lambda + wd; SGDW is not unless beta*wd = 0
# --------------------------------------------------------------------------


def test_coupled_l2_is_heavy_ball_on_shifted_curvature():
    p = wdm.weight_decay_polynomials()
    assert p.coupled_is_shifted_heavy_ball
    a, b, lam, wd = random_points(4)
    got = md.spectral_radius(L2, a, b, lam, weight_decay=wd)
    hand = [rho(a_heavy_ball(a[i] * (lam[i] + wd[i]), b[i])) for i in range(a.size)]
    np.testing.assert_allclose(got, hand, rtol=1e-9)
    np.testing.assert_allclose(got, md.spectral_radius("heavy_ball", a, b, lam + wd), rtol=1e-12)
    assert wdm.curvature_shift("heavy_ball_l2").condition == 0


def test_shifted_polyak_tuning_is_found_by_the_numeric_fallback():
    # Polyak (1964) on the shifted spectrum [mu + wd, L + wd], written out here.
    mu, L, wd = 0.5, 50.0, 0.5
    m_, L_ = mu + wd, L + wd
    sk = np.sqrt(L_ / m_)
    alpha = 4 / (np.sqrt(L_) + np.sqrt(m_)) ** 2
    rate = (sk - 1) / (sk + 1)
    got = md.optimal_parameters(L2, mu, L, weight_decay=wd)
    assert got.rate == pytest.approx(rate, rel=1e-3)
    assert got.alpha == pytest.approx(alpha, rel=2e-2)


def test_sgdw_is_a_curvature_shift_only_without_momentum_or_decay():
    s = wdm.curvature_shift("sgdw")
    wd = symbolic.hyperparameter_symbols(SGDW)["weight_decay"]
    cond = sp.lambdify((symbolic.alpha, symbolic.beta, wd), s.condition)
    shift = sp.lambdify((symbolic.curvature, wd), s.shifted_curvature)
    for a, b, lam, w in zip(*random_points(5, 10), strict=True):
        # Equal traces by the shift; the determinants differ by exactly the condition.
        A, H = a_sgdw(a * lam, b, a * w), a_heavy_ball(a * shift(lam, w), b)
        assert np.trace(A) == pytest.approx(np.trace(H), abs=1e-12)
        assert cond(a, b, w) == pytest.approx(np.linalg.det(A) - np.linalg.det(H), abs=1e-12)
    # beta = 0: SGDW is gradient descent on lam + wd, so its poles are heavy ball's there.
    a, lam, w = 0.2, 1.5, 0.7
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(a_sgdw(a * lam, 0.0, a * w)).real),
                               np.sort(np.linalg.eigvals(a_heavy_ball(a * (lam + w), 0.0)).real),
                               atol=1e-15)
    with pytest.raises(ValueError, match="heavy_ball_l2"):
        wdm.curvature_shift("heavy_ball")


# --------------------------------------------------------------------------
# The "extra, always stable pole independent of momentum" claim
# --------------------------------------------------------------------------


def test_sgdw_poles_at_zero_curvature_are_beta_and_the_decay_pole():
    r = wdm.decoupled_decay_poles()
    assert r.order == 2 == np.linalg.eigvals(a_sgdw(0.3, 0.5, 0.1)).size
    wd = symbolic.hyperparameter_symbols(SGDW)["weight_decay"]
    f = sp.lambdify((symbolic.alpha, symbolic.beta, wd), list(r.poles_at_zero_curvature))
    rng = np.random.default_rng(6)
    for b, d in zip(rng.uniform(0, 0.999, 20), rng.uniform(1e-3, 1.999, 20), strict=True):
        ev = np.sort(np.linalg.eigvals(a_sgdw(0.0, b, d)).real)
        np.testing.assert_allclose(ev, np.sort(f(1.0, b, d)), atol=1e-14)
        assert rho(a_sgdw(0.0, b, d)) < 1  # stable for beta in [0, 1), 0 < d < 2
    assert rho(a_sgdw(0.0, 0.5, 2.1)) > 1  # the decay pole leaves at d = 2


def test_beta_independent_pole_only_in_flat_directions_or_at_unit_decay():
    r = wdm.decoupled_decay_poles()
    wd = symbolic.hyperparameter_symbols(SGDW)["weight_decay"]
    cond = sp.lambdify((symbolic.alpha, symbolic.curvature, wd), r.beta_independent_condition)
    betas = np.linspace(-0.9, 0.95, 7)

    def common_pole(h, d):
        # Is one eigenvalue the same for every beta (hand-built matrices)?
        evs = [np.linalg.eigvals(a_sgdw(h, b, d)) for b in betas]
        cands = evs[0]
        return [c for c in cands if all(np.min(np.abs(e - c)) < 1e-9 for e in evs[1:])]

    for h, d in [(0.0, 0.3), (0.0, 1.5), (0.7, 1.0), (2.0, 1.0)]:
        assert cond(1.0, h, d) == pytest.approx(0, abs=1e-15)
        assert np.allclose(common_pole(h, d), 1 - d)
    for h, d in [(0.7, 0.3), (0.2, 1.5), (1.0, 0.0)]:
        assert cond(1.0, h, d) != 0
        assert common_pole(h, d) == []
    assert "Only in flat directions" in r.verdict


# --------------------------------------------------------------------------
# Stability boundaries
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name, hand", [("heavy_ball_l2", a_coupled), ("sgdw", a_sgdw)])
@pytest.mark.parametrize("d", [0.0, 0.1, 0.9, 1.5])
def test_stable_interval_ends_against_hand_built_eigenvalues(name, hand, d):
    betas = np.linspace(-0.95, 0.995, 41)
    lo, hi = wdm.stable_step_interval(name, betas, d)
    assert lo.shape == hi.shape == betas.shape
    eps = 1e-7
    for b, l_, u in zip(betas, lo, hi, strict=True):
        assert rho(hand(u - eps, b, d)) < 1 < rho(hand(u + eps, b, d))
        assert rho(hand(l_ + eps, b, d)) < 1 < rho(hand(l_ - eps, b, d))


def test_upper_ends_against_polyak_and_against_each_other():
    betas = np.linspace(0.0, 0.99, 12)
    d = 0.4
    # Polyak (1964): heavy ball is stable for 0 < alpha*lambda < 2 (1 + beta); shifted.
    np.testing.assert_allclose(wdm.max_stable_step("heavy_ball_l2", betas, d),
                               2 * (1 + betas) - d, rtol=1e-14)
    gap = wdm.max_stable_step("heavy_ball_l2", betas, d) - wdm.max_stable_step("sgdw", betas, d)
    np.testing.assert_allclose(gap, betas * d, atol=1e-14)
    grid = wdm.max_stable_step("sgdw", betas[:, None], np.array([0.0, 0.4, 1.0]))
    assert grid.shape == (12, 3)


def test_unit_momentum_heavy_ball_l2_never_stable_sgdw_stable():
    # Coupled L2 at beta = 1 has a pole product of 1: nothing is stable.
    assert np.isnan(wdm.max_stable_step("heavy_ball_l2", 1.0, 0.5))
    assert np.isnan(wdm.stable_step_interval("heavy_ball_l2", -1.0, 0.5).lower)
    # SGDW at beta = 1 has pole product 1 - alpha*wd < 1: the decay damps the buffer, and
    # 0 < alpha*lambda < 2 (2 - alpha*wd) is stable (hand-built eigenvalues).
    d = 0.5
    lo, hi = wdm.stable_step_interval("sgdw", 1.0, d)
    assert (lo, hi) == pytest.approx((0.0, 2 * (2 - d)), abs=1e-14)
    for h in np.linspace(lo + 1e-6, hi - 1e-6, 9):
        assert rho(a_sgdw(h, 1.0, d)) < 1
    assert rho(a_sgdw(hi + 1e-6, 1.0, d)) > 1
    assert np.isnan(wdm.max_stable_step("sgdw", 1.0, 0.0))  # no decay: heavy ball at beta=1


def test_stability_conditions_agree_with_hand_built_matrices():
    conds = wdm.weight_decay_stability_conditions()
    for name, hand in (("heavy_ball_l2", a_coupled), ("sgdw", a_sgdw)):
        wd = symbolic.hyperparameter_symbols(wdm.WEIGHT_DECAY_METHODS[name])["weight_decay"]
        f = sp.lambdify((symbolic.alpha, symbolic.beta, symbolic.curvature, wd), conds[name])
        for a, b, lam, w in zip(*random_points(7, 200), strict=True):
            r = rho(hand(a * lam, b, a * w))
            if abs(r - 1) > 1e-9:
                assert bool(f(a, b, lam, w)) == (r < 1)


# --------------------------------------------------------------------------
# Registry and bad input
# --------------------------------------------------------------------------


def test_registration_is_idempotent_and_refuses_to_replace_user_methods(registered):
    assert wdm.register_weight_decay_methods() == wdm.WEIGHT_DECAY_METHODS
    assert md.get_method("sgdw") == SGDW
    assert md.spectral_radius("sgdw", 0.1, 0.5, 0.0, weight_decay=1.0) == pytest.approx(
        rho(a_sgdw(0.0, 0.5, 0.1)), rel=1e-14)

    def sgdw(x, v, grad, alpha, beta, weight_decay):  # a user's own rule under the name
        return x - alpha * grad(x), beta * v

    md.register_method(sgdw, overwrite=True)
    with pytest.raises(ValueError, match="overwrite=True"):
        wdm.register_weight_decay_methods()
    assert md.get_method("sgdw").update is sgdw
    wdm.register_weight_decay_methods(overwrite=True)
    assert md.get_method("sgdw") == SGDW
    with pytest.raises(TypeError, match="overwrite"):
        wdm.register_weight_decay_methods(overwrite="yes")


@pytest.mark.parametrize("args, exc, match", [
    (("sgdw", 1.5, 0.1), ValueError, "beta"),
    (("sgdw", 0.5, -0.1), ValueError, "alpha_weight_decay"),
    (("sgdw", np.nan, 0.1), ValueError, "beta"),
    (("sgdw", 0.5, "big"), TypeError, "alpha_weight_decay"),
    (("sgdw", [0.1, 0.2], [0.1, 0.2, 0.3]), ValueError, "broadcast"),
    (("adamw", 0.5, 0.1), ValueError, "adamw"),
    (("heavy_ball", 0.5, 0.1), ValueError, "weight_decay"),
    ((3, 0.5, 0.1), TypeError, "method"),
])
def test_bad_input_is_refused_by_name(args, exc, match):
    with pytest.raises(exc, match=match):
        wdm.stable_step_interval(*args)


def test_flat_direction_conditions_agree_with_hand_built_matrices():
    r = wdm.decoupled_decay_poles()
    wd = symbolic.hyperparameter_symbols(SGDW)["weight_decay"]
    f = sp.lambdify((symbolic.alpha, symbolic.beta, wd), r.stable_at_zero_curvature)
    rng = np.random.default_rng(8)
    for b, d in zip(rng.uniform(-1.5, 1.5, 300), rng.uniform(-0.5, 2.5, 300), strict=True):
        r0 = rho(a_sgdw(0.0, b, d))
        if abs(r0 - 1) > 1e-9:
            assert bool(f(1.0, b, d)) == (r0 < 1)


# --------------------------------------------------------------------------
# Critical momentum and tuned rates with decay
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name, hand", [("heavy_ball_l2", a_coupled), ("sgdw", a_sgdw)])
@pytest.mark.parametrize("h, d", [(0.01, 0.001), (0.3, 0.1), (1.2, 0.5)])
def test_critical_beta_gives_a_double_eigenvalue_of_the_hand_built_matrix(name, hand, h, d):
    c = wdm.weight_decay_critical_beta()
    beta_c, pole_c = ((c.coupled, c.coupled_double_pole) if name == "heavy_ball_l2"
                      else (c.decoupled, c.decoupled_double_pole))
    wd = sp.Symbol("weight_decay", real=True)
    at = {symbolic.alpha: 1, symbolic.curvature: h, wd: d}
    b, p = float(beta_c.subs(at)), float(pole_c.subs(at))
    ev = np.linalg.eigvals(hand(h, b, d))
    # A double eigenvalue is only resolved to the square root of rounding.
    np.testing.assert_allclose(ev, [p, p], atol=1e-7)


def test_critical_beta_of_l2_is_heavy_ball_at_the_shifted_curvature():
    c = wdm.weight_decay_critical_beta()
    assert c.coupled_is_shifted_heavy_ball
    wd = sp.Symbol("weight_decay", real=True)
    # Polyak's closed form (1 - sqrt(alpha (lambda + wd)))^2, typed here as the reference.
    for h, d in [(0.04, 0.05), (0.5, 0.25)]:
        at = {symbolic.alpha: 1, symbolic.curvature: h, wd: d}
        assert float(c.coupled.subs(at)) == pytest.approx((1 - np.sqrt(h + d)) ** 2, rel=1e-12)


@pytest.mark.parametrize("wd", [0.0, 0.01, 0.2])
def test_tuned_rates_against_brute_force_spectral_radii(wd):
    mu, L = 0.01, 1.0
    t = wdm.weight_decay_tuning(mu, L, wd)
    lams = np.linspace(mu, L, 801)
    for res, hand in ((t.coupled, a_coupled), (t.decoupled, a_sgdw)):
        worst = max(rho(hand(res.alpha * lam, res.beta, res.alpha * wd)) for lam in lams)
        assert worst == pytest.approx(float(res.rate), rel=1e-6)
    # Polyak on [mu + wd, L + wd] for L2 (closed form typed here), decay never slows it.
    k = (L + wd) / (mu + wd)
    assert float(t.coupled.rate) == pytest.approx((np.sqrt(k) - 1) / (np.sqrt(k) + 1), rel=1e-12)
    assert float(t.coupled.rate) <= float(t.heavy_ball.rate) + 1e-12
    # The numeric minimax over SGDW is no worse than SGDW at L2's tuning.
    at_l2 = max(rho(a_sgdw(t.coupled.alpha * lam, t.coupled.beta, t.coupled.alpha * wd))
                for lam in lams)
    assert float(t.decoupled.rate) <= at_l2 + 1e-9


@pytest.mark.parametrize("kwargs, match", [
    (dict(mu=0.0, L=1.0, weight_decay=0.1), "mu"),
    (dict(mu=0.1, L=1.0, weight_decay=-0.1), "weight_decay"),
    (dict(mu=0.1, L=1.0, weight_decay=[0.1, 0.2]), "weight_decay"),
])
def test_tuning_refuses_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        wdm.weight_decay_tuning(**kwargs)


def test_decay_poles_refuse_a_rule_without_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        wdm.decoupled_decay_poles("heavy_ball")

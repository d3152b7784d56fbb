"""Adam, AdamW and their frozen-preconditioner rules: the rules against a plain NumPy
loop of Kingma & Ba's Algorithm 1 (and torch's AdamW order) written here, the frozen
rules against hand-built 2x2 state matrices, the comparison against simulations."""

import numpy as np
import pytest
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import symbolic
from momentum_dynamics.applications import adaptive as ad

ADAM = ad.ADAPTIVE_METHODS["adam"]
ADAMW = ad.ADAPTIVE_METHODS["adamw"]
FROZEN = ad.ADAPTIVE_METHODS["adam_frozen"]
FROZEN_W = ad.ADAPTIVE_METHODS["adamw_frozen"]


def reference_adam(H, x0, steps, lr, b1, b2, eps, wd=0.0):
    """Kingma & Ba (2015), Algorithm 1; with wd, torch.optim.AdamW (decay first)."""
    x = np.array(x0, float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs, steps_taken = [x.copy()], [np.full_like(x, np.nan)]
    for t in range(1, steps + 1):
        g = H @ x
        x = x * (1 - lr * wd)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        mhat = m / (1 - b1**t)
        vhat = v / (1 - b2**t)
        x = x - lr * mhat / (np.sqrt(vhat) + eps)
        xs.append(x.copy())
        steps_taken.append(lr / (np.sqrt(vhat) + eps))
    return np.array(xs), np.array(steps_taken)


H2 = np.array([[2.0, 0.7], [0.7, 0.5]])


@pytest.mark.parametrize("wd", [0.0, 0.3])
def test_adam_and_adamw_match_the_reference_loop(wd):
    kw = dict(alpha=0.05, beta=0.8, beta2=0.99, eps=1e-6)
    ref, _ = reference_adam(H2, [1.0, -2.0], 60, 0.05, 0.8, 0.99, 1e-6, wd)
    if wd:
        tr = md.simulate(ADAMW, H2, steps=60, x0=[1.0, -2.0], weight_decay=wd, **kw)
    else:
        tr = md.simulate(ADAM, H2, steps=60, x0=[1.0, -2.0], **kw)
    np.testing.assert_allclose(tr.x, ref, rtol=1e-12, atol=1e-14)


def test_effective_step_sizes_match_the_reference_loop():
    kw = dict(alpha=0.05, beta=0.8, beta2=0.99, eps=1e-6)
    _, ref = reference_adam(H2, [1.0, -2.0], 40, 0.05, 0.8, 0.99, 1e-6)
    tr = md.simulate(ADAM, H2, steps=40, x0=[1.0, -2.0], **kw)
    got = ad.effective_step_sizes(tr, 0.05, 0.8, 0.99, 1e-6)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    with pytest.raises(ValueError, match="trajectory"):
        ad.effective_step_sizes(md.simulate("heavy_ball", H2, 0.1, 0.5, steps=3), 0.1, 0.5,
                                0.9, 1e-8)
    with pytest.raises(ValueError, match="beta2"):
        ad.effective_step_sizes(tr, 0.05, 0.8, 1.0, 1e-6)


@pytest.mark.parametrize("method", [ADAM, ADAMW])
def test_the_core_refuses_adam_with_the_reason_and_the_linear_alternative(method):
    with pytest.raises(ValueError, match=r"not linear.*s_prev.*frozen") as info:
        symbolic.model(method)
    assert "adam_frozen" in str(info.value)
    kw = dict(beta2=0.9, eps=1e-8) | ({"weight_decay": 0.1} if method is ADAMW else {})
    with pytest.raises(ValueError, match="simulated, not linearised"):
        md.spectral_radius(method, alpha=0.1, beta=0.9, curvature=1.0, **kw)


def a_frozen(h, beta, d=0.0):
    """Hand-built from adamw_frozen on lam x^2/2, state (x, m), h = alpha p lam, d = alpha wd:
    m' = beta m + (1-beta) lam x;  x' = (1 - d) x - alpha p m'."""
    # alpha p m' = beta (alpha p m) + (1 - beta) h x; use the scaled state (x, alpha p m).
    return np.array([[1 - d - (1 - beta) * h, -beta], [(1 - beta) * h, beta]])


@pytest.mark.parametrize("h, beta, p, d", [(0.3, 0.9, 2.0, 0.0), (1.5, 0.5, 0.1, 0.05),
                                          (3.0, 0.2, 7.0, 0.4), (0.01, 0.99, 1.0, 0.001)])
def test_frozen_rules_have_the_hand_built_eigenvalues(h, beta, p, d):
    alpha = 0.1
    lam = h / (alpha * p)
    got = md.spectral_radius(FROZEN_W, alpha=alpha, beta=beta, curvature=lam,
                             preconditioner=p, weight_decay=d / alpha)
    assert got == pytest.approx(np.max(np.abs(np.linalg.eigvals(a_frozen(h, beta, d)))),
                                rel=1e-10)
    if d == 0:
        got0 = md.spectral_radius(FROZEN, alpha=alpha, beta=beta, curvature=lam,
                                  preconditioner=p)
        assert got0 == pytest.approx(got, rel=1e-12)


def test_frozen_adam_is_ema_momentum_at_alpha_times_p_in_a_simulation():
    assert ad.frozen_equivalence().equal
    curv = np.array([0.5, 20.0])
    p = np.array([3.0, 0.05])
    x, m = np.array([1.0, 1.0]), np.zeros(2)
    xs = [x]
    for _ in range(30):
        x, m = ad.adam_frozen(x, m, lambda y: curv * y, 0.1, 0.8, p)
        xs.append(x)
    for i in range(2):  # each coordinate alone: EMA momentum with learning rate 0.1 p_i
        tr = md.simulate("ema_momentum", curv[i], alpha=0.1 * p[i], beta=0.8, steps=30)
        np.testing.assert_allclose(np.array(xs)[:, i], tr.x[:, 0], rtol=1e-12)


@pytest.mark.parametrize("beta, d", [(0.0, 0.0), (0.5, 0.0), (0.9, 0.0), (0.5, 0.3),
                                     (0.9, 1.2)])
def test_frozen_step_bound_is_the_stability_edge_of_the_hand_built_matrix(beta, d):
    expr = ad.frozen_max_stable_step("adamw_frozen")
    bound = float(expr.subs({symbolic.beta: beta, sp.Symbol("d", real=True): d}))
    rho = lambda h: np.max(np.abs(np.linalg.eigvals(a_frozen(h, beta, d))))  # noqa: E731
    assert rho(bound * (1 - 1e-6)) < 1 < rho(bound * (1 + 1e-6))
    if d == 0:
        b0 = float(ad.frozen_max_stable_step("adam_frozen").subs(symbolic.beta, beta))
        assert b0 == pytest.approx(bound, rel=1e-14)
    with pytest.raises(ValueError, match="adam_frozen"):
        ad.frozen_max_stable_step("adam")


def test_frozen_adamw_extra_pole_only_in_flat_directions():
    r = ad.frozen_adamw_poles()
    assert r.order == 2
    for beta in (0.0, 0.5, 0.95):
        # lambda = 0: the poles are beta and 1 - alpha wd
        np.testing.assert_allclose(np.sort(np.linalg.eigvals(a_frozen(0.0, beta, 0.3))),
                                   np.sort([beta, 0.7]), atol=1e-14)
        # alpha wd = 1: the pole 0 for every beta and curvature
        assert np.min(np.abs(np.linalg.eigvals(a_frozen(0.7, beta, 1.0)))) < 1e-14
        # alpha p lambda = -alpha wd: the pole 1 for every beta (marginal, not stable)
        assert np.min(np.abs(np.linalg.eigvals(a_frozen(-0.3, beta, 0.3)) - 1)) < 1e-14
    # Elsewhere the pole moves with beta: no beta-independent pole.
    e1 = np.sort(np.abs(np.linalg.eigvals(a_frozen(0.7, 0.2, 0.3))))
    e2 = np.sort(np.abs(np.linalg.eigvals(a_frozen(0.7, 0.6, 0.3))))
    assert np.min(np.abs(e1[:, None] - e2[None, :])) > 1e-3
    # The symbolic condition vanishes exactly at those three places.
    cond = r.beta_independent_condition
    a, lam = symbolic.alpha, symbolic.curvature
    p, wd = sp.Symbol("preconditioner", real=True), sp.Symbol("weight_decay", real=True)
    assert cond.subs({a: 1, wd: 1, p: 2, lam: 3}) == 0
    assert cond.subs({a: 1, wd: sp.Rational(3, 10), p: 1, lam: -sp.Rational(3, 10)}) == 0
    assert cond.subs({a: 1, wd: sp.Rational(3, 10), p: 1, lam: sp.Rational(7, 10)}) != 0


def test_preconditioned_condition_number_aligned_and_rotated():
    rng = np.random.default_rng(0)
    for kappa in (10.0, 1e4):
        aligned = ad.anisotropic_quadratic(kappa, 0.0).hessian
        assert ad.preconditioned_condition_number(aligned, 1 / np.diag(aligned)) == \
            pytest.approx(1.0, abs=1e-9)
        rotated = ad.anisotropic_quadratic(kappa, np.pi / 4).hessian
        np.testing.assert_allclose(np.linalg.eigvalsh(rotated), [1 / kappa, 1.0], rtol=1e-9)
        # At 45 degrees no diagonal preconditioner beats the identity.
        for _ in range(20):
            p = np.exp(rng.normal(size=2) * 3)
            assert ad.preconditioned_condition_number(rotated, p) >= kappa * (1 - 1e-9)
    with pytest.raises(ValueError, match="preconditioner"):
        ad.preconditioned_condition_number(aligned, [1.0, -1.0])
    with pytest.raises(ValueError, match="preconditioner"):
        ad.preconditioned_condition_number(aligned, [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="kappa"):
        ad.anisotropic_quadratic(0.5)


def test_steps_to_tolerance_against_a_simulation():
    q = ad.anisotropic_quadratic(100.0, np.pi / 6)
    x0 = ad.anisotropic_start(np.pi / 6)
    kw = dict(beta=0.9, beta2=0.999, eps=1e-8)
    alphas = [0.05, 0.1]
    first = ad.steps_to_tolerance("adam", q, alphas, tol=1e-4, max_steps=1500, x0=x0, **kw)
    stay = ad.steps_to_tolerance("adam", q, alphas, tol=1e-4, max_steps=1500, x0=x0,
                                 criterion="stay", **kw)
    for alpha, n, m in zip(alphas, first, stay, strict=True):
        tr = md.simulate(ADAM, q, alpha=alpha, steps=1500, x0=x0, **kw)
        err = np.linalg.norm(tr.x, axis=1) / np.linalg.norm(x0)
        assert n == np.nonzero(err <= 1e-4)[0][0]
        above = np.nonzero(err > 1e-4)[0]
        assert m == above[-1] + 1 or (np.isnan(m) and above[-1] == 1500)
    p = md.optimal_parameters("heavy_ball", 0.01, 1.0)
    n_hb = ad.steps_to_tolerance("heavy_ball", q, p.alpha, p.beta, tol=1e-6, x0=x0,
                                 criterion="stay")
    tr = md.simulate("heavy_ball", q, p.alpha, p.beta, steps=300, x0=x0)
    err = np.linalg.norm(tr.x, axis=1) / np.linalg.norm(x0)
    assert n_hb == np.nonzero(err > 1e-6)[0][-1] + 1
    assert np.isnan(ad.steps_to_tolerance("heavy_ball", q, 3.0, 0.0, max_steps=50))


def test_adam_aligned_count_is_scale_invariant_and_rotation_hurts():
    x0 = ad.anisotropic_start(0.0)
    counts = [ad.steps_to_tolerance("adam", ad.anisotropic_quadratic(k, 0.0), 0.1, 0.9,
                                    eps=1e-300, x0=x0) for k in (1.0, 100.0, 1e4)]
    assert counts[0] == counts[1] == counts[2]  # exact per-coordinate scale invariance
    c = ad.compare_adam_momentum([10.0, 1000.0], max_steps=3000, alphas=[0.03, 0.1, 0.2])
    np.testing.assert_array_equal(c.heavy_ball_aligned, c.heavy_ball_rotated)
    assert c.adam_rotated[1] > 2 * c.adam_aligned[1]
    assert c.adam_rotated[1] > c.heavy_ball_rotated[1]
    # Heavy ball's first hit is near log(tol)/log(rate); the double pole's t*rate^t and
    # the oscillating norm put it within a few steps of either side.
    np.testing.assert_allclose(c.heavy_ball_aligned, c.heavy_ball_predicted, rtol=0.5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="sgd"), "method"),
    (dict(tol=0.0), "tol"),
    (dict(tol=1.0), "tol"),
    (dict(alpha=-0.1), "alpha"),
    (dict(beta=1.0), "beta"),
    (dict(beta2=1.0), "beta2"),
    (dict(eps=0.0), "eps"),
    (dict(max_steps=0), "max_steps"),
    (dict(x0=[1.0, 2.0, 3.0]), "x0"),
    (dict(criterion="last"), "criterion"),
])
def test_iterations_to_tolerance_refuses_bad_input(kwargs, match):
    call = dict(method="adam", problem=[1.0, 2.0], alpha=0.1, beta=0.9) | kwargs
    with pytest.raises(ValueError, match=match):
        ad.steps_to_tolerance(**call)

"""Triple momentum, robust momentum, QHM and the rate versus noise frontier.

References are typed here from the papers (Van Scoy, Freeman & Lynch 2018; Cyrus, Hu,
Van Scoy & Lessard 2018; Ma & Yarats 2019) and checked against hand-built companion
matrices, scipy's discrete Lyapunov solver, mpmath and simulations written in the test.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from scipy.linalg import solve_discrete_lyapunov

import momentum_dynamics as md
from momentum_dynamics.designs import (
    rate_noise_frontier,
    robust_momentum_parameters,
    triple_momentum_parameters,
)

H = np.array([[2.0, 0.3], [0.3, 0.5]])
X0 = np.array([1.0, -2.0])


def rho_of(A):
    return float(np.max(np.abs(np.linalg.eigvals(A))))


def xi_companion(a, b, g, lam):
    """The papers' inner recursion xi+ = (1+b)xi - b xi_prev - a lam((1+g)xi - g xi_prev)."""
    return np.array([[1 + b - a * lam * (1 + g), -b + a * lam * g], [1.0, 0.0]])


# --------------------------------------------------------------------------
# The update rules against the papers' recursions
# --------------------------------------------------------------------------


def test_triple_momentum_rule_is_the_papers_recursion():
    a, b, g, d = 0.3, 0.6, 0.2, 0.4
    tr = md.simulate("triple_momentum", H, alpha=a, beta=b, steps=30, x0=X0, gamma=g, delta=d)
    xi_prev, xi = X0.copy(), X0.copy()  # PESTO's start: xi_{-1} = xi_0 = x0
    for k in range(1, 31):
        y = (1 + g) * xi - g * xi_prev
        xi, xi_prev = (1 + b) * xi - b * xi_prev - a * H @ y, xi
        x = (1 + d) * xi - d * xi_prev
        np.testing.assert_allclose(tr.x[k], x, rtol=1e-12, atol=1e-14)


def test_robust_momentum_rule_is_the_papers_recursion():
    a, b, g = 0.3, 0.6, 0.2
    tr = md.simulate("robust_momentum", H, alpha=a, beta=b, steps=30, x0=X0, gamma=g)
    x_prev, x = X0.copy(), X0.copy()
    for k in range(1, 31):
        y = x + g * (x - x_prev)
        x, x_prev = x + b * (x - x_prev) - a * H @ y, x
        np.testing.assert_allclose(tr.x[k], x, rtol=1e-12, atol=1e-14)


def test_qhm_rule_is_the_papers_recursion():
    a, b, nu = 0.3, 0.8, 0.7
    tr = md.simulate("qh_momentum", H, alpha=a, beta=b, steps=30, x0=X0, nu=nu)
    theta, g_buf = X0.copy(), np.zeros(2)
    for k in range(1, 31):
        grad = H @ theta
        g_buf = b * g_buf + (1 - b) * grad
        theta = theta - a * ((1 - nu) * grad + nu * g_buf)
        np.testing.assert_allclose(tr.x[k], theta, rtol=1e-12, atol=1e-14)


def test_gradient_point_is_visible_in_the_rule():
    """The oracle's argument is y = x - gamma*v (robust) and x + (delta - gamma)v (triple)."""
    seen = []

    def grad(y):
        seen.append(y)
        return 0.0

    md.robust_momentum(1.0, 0.5, grad, alpha=0.1, beta=0.9, gamma=0.3)
    md.triple_momentum(1.0, 0.5, grad, alpha=0.1, beta=0.9, gamma=0.3, delta=0.1)
    assert seen == pytest.approx([1.0 - 0.15, 1.0 + 0.5 * (0.1 - 0.3)])


# --------------------------------------------------------------------------
# Parameter formulas against the papers
# --------------------------------------------------------------------------


@pytest.mark.parametrize("mu, L", [(1.0, 4.0), (0.1, 1.0), (1.0, 1e4), (2.0, 2.0)])
def test_triple_momentum_parameters_are_the_papers(mu, L):
    rho = 1 - 1 / math.sqrt(L / mu)
    ref = ((1 + rho) / L, rho**2 / (2 - rho), rho**2 / ((1 + rho) * (2 - rho)),
           rho**2 / (1 - rho**2), rho)
    np.testing.assert_allclose(tuple(triple_momentum_parameters(mu, L)), ref, rtol=1e-13)


@pytest.mark.parametrize("kappa", [4.0, 100.0, 1e4])
def test_triple_momentum_rate_on_quadratics_is_one_minus_inverse_sqrt_kappa(kappa):
    mu, L = 1.0, kappa
    p = triple_momentum_parameters(mu, L)
    lam = np.geomspace(mu, L, 801)
    radii = [rho_of(xi_companion(p.alpha, p.beta, p.gamma, x)) for x in lam]
    target = 1 - 1 / math.sqrt(kappa)
    assert max(radii) == pytest.approx(target, rel=1e-7)
    assert radii[0] == pytest.approx(target, rel=1e-7)
    assert radii[-1] == pytest.approx(target, rel=1e-7)
    got = md.convergence_rate("triple_momentum", p.alpha, p.beta, mu, L, gamma=p.gamma,
                              delta=p.delta)
    assert got == pytest.approx(target, rel=1e-9)


def test_triple_momentum_parameters_at_kappa_1e16_against_mpmath():
    mpmath.mp.dps = 50
    mu, L = 1.0, 1e16
    r = 1 - 1 / mpmath.sqrt(mpmath.mpf(L) / mu)
    ref = [(1 + r) / L, r**2 / (2 - r), r**2 / ((1 + r) * (2 - r)), r**2 / (1 - r**2)]
    got = triple_momentum_parameters(mu, L)
    for g, e in zip(got[:4], ref, strict=True):
        assert g == pytest.approx(float(e), rel=1e-14)


def test_triple_momentum_parameters_broadcast():
    p = triple_momentum_parameters(1.0, [4.0, 100.0])
    assert p.rate.shape == (2,)
    np.testing.assert_allclose(p.rate, [0.5, 0.9])


@pytest.mark.parametrize("kappa, rho", [(100.0, 0.9), (100.0, 0.93), (100.0, 0.97),
                                        (100.0, 0.99), (25.0, 0.85)])
def test_robust_momentum_rate_on_quadratics_is_its_design_rate(kappa, rho):
    mu, L = 1.0, kappa
    p = robust_momentum_parameters(mu, L, rho)
    # the paper's formulas, typed here
    assert p.alpha == pytest.approx(kappa * (1 - rho) ** 2 * (1 + rho) / L, rel=1e-13)
    assert p.beta == pytest.approx(kappa * rho**3 / (kappa - 1), rel=1e-13)
    assert p.gamma == pytest.approx(rho**3 / ((kappa - 1) * (1 - rho) ** 2 * (1 + rho)),
                                    rel=1e-12)
    lam = np.geomspace(mu, L, 801)
    radii = np.array([rho_of(xi_companion(p.alpha, p.beta, p.gamma, x)) for x in lam])
    assert radii.max() == pytest.approx(rho, rel=1e-7)
    assert radii[0] == pytest.approx(rho, rel=1e-7)  # attained at mu
    got = md.convergence_rate("robust_momentum", p.alpha, p.beta, mu, L, gamma=p.gamma)
    assert got == pytest.approx(rho, rel=1e-9)


def test_robust_momentum_fastest_end_is_triple_momentum():
    tm = triple_momentum_parameters(1.0, 50.0)
    rm = robust_momentum_parameters(1.0, 50.0, 1 - 1 / math.sqrt(50.0))
    np.testing.assert_allclose(tuple(rm), (tm.alpha, tm.beta, tm.gamma, tm.rate), rtol=1e-12)


def test_robust_momentum_bad_inputs():
    with pytest.raises(ValueError, match="rho .*1 - 1/sqrt"):
        robust_momentum_parameters(1.0, 100.0, 0.5)
    with pytest.raises(ValueError, match="rho .*1 - 1/kappa"):
        robust_momentum_parameters(1.0, 100.0, 0.995)
    with pytest.raises(ValueError, match="L > mu"):
        robust_momentum_parameters(1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="mu"):
        triple_momentum_parameters(-1.0, 1.0)
    with pytest.raises(TypeError):
        robust_momentum_parameters(1.0, 100.0, "0.95")


# --------------------------------------------------------------------------
# The frontier
# --------------------------------------------------------------------------


def hand_state_space(family, a, b, g, lam):
    """(A, B) of the velocity forms for one curvature, noise added to the gradient."""
    if family == "gd":
        return np.array([[1 - a * lam]]), np.array([[-a]])
    look = {"heavy_ball": 0.0, "nesterov": b, "robust_momentum": g}[family]
    # v+ = b v + a(lam (x - look v) + xi); x+ = x - v+
    Av = np.array([a * lam, b - a * lam * look])
    A = np.vstack([np.array([1.0, 0.0]) - Av, Av])
    return A, np.array([[-a], [a]])


@pytest.mark.parametrize("family", md.FRONTIER_FAMILIES)
def test_frontier_against_scipy_lyapunov_and_eigenvalues(family):
    mu, L = 1.0, 50.0
    d = rate_noise_frontier(family, mu, L, points=4, samples=33)
    for i in range(4):
        a = d.alpha[i]
        b = None if d.beta is None else d.beta[i]
        g = None if d.gamma is None else d.gamma[i]
        worst_rate, worst_var = 0.0, 0.0
        for lam in d.curvatures:
            A, B = hand_state_space(family, a, b, g, lam)
            worst_rate = max(worst_rate, rho_of(A))
            P = solve_discrete_lyapunov(A, B @ B.T)
            worst_var = max(worst_var, P[0, 0])
        # heavy ball and Nesterov have a double pole at mu: eigenvalues of a nearly
        # defective matrix carry errors of order sqrt(eps)
        assert d.rate[i] == pytest.approx(worst_rate, rel=1e-7)
        assert d.variance[i] == pytest.approx(worst_var, rel=1e-8)
    # the design rate is met, and slower designs amplify noise less
    np.testing.assert_allclose(d.rate, d.design, rtol=1e-7)
    assert np.all(np.diff(d.variance) < 0)


def test_frontier_fastest_ends_are_the_optimal_tunings():
    hb = rate_noise_frontier("heavy_ball", 1.0, 100.0, points=2)
    # Polyak's (sqrt k - 1)/(sqrt k + 1); a double pole, hence sqrt(eps) accuracy
    assert hb.rate[0] == pytest.approx(9 / 11, rel=1e-7)
    assert hb.alpha[0] == pytest.approx(4 / (10 + 1) ** 2, rel=1e-12)
    ne = rate_noise_frontier("nesterov", 1.0, 100.0, points=2)
    assert ne.rate[0] == pytest.approx(1 - 2 / math.sqrt(301), rel=1e-7)
    assert ne.alpha[0] == pytest.approx(4 / 301, rel=1e-12)
    rm = rate_noise_frontier("robust_momentum", 1.0, 100.0, points=2)
    assert rm.rate[0] == pytest.approx(0.9, rel=1e-12) and rm.rate[-1] == pytest.approx(0.99)


def test_frontier_variance_against_a_simulation():
    """Heavy ball at its fastest design: many noisy chains at curvature mu."""
    mu, L = 1.0, 10.0
    d = rate_noise_frontier("heavy_ball", mu, L, points=2, samples=2)
    a, b = d.alpha[0], d.beta[0]
    rng = np.random.default_rng(0)
    x = np.zeros(4000)
    v = np.zeros(4000)
    acc, n = 0.0, 0
    for k in range(3000):
        v = b * v + a * (mu * x + rng.standard_normal(4000))
        x = x - v
        if k >= 500:
            acc += np.mean(x**2)
            n += 1
    var_mu = acc / n
    A, B = hand_state_space("heavy_ball", a, b, None, mu)
    exact = solve_discrete_lyapunov(A, B @ B.T)[0, 0]
    assert var_mu == pytest.approx(exact, rel=0.05)
    assert d.variance[0] == pytest.approx(exact, rel=1e-9)  # worst at mu here


def test_gd_frontier_variance_closed_form():
    d = rate_noise_frontier("gd", 1.0, 10.0, points=3, samples=17)
    lam = d.curvatures
    for a, var in zip(d.alpha, d.variance, strict=True):
        # Var = alpha^2 / (1 - (1 - alpha lambda)^2) = alpha / (lambda (2 - alpha lambda))
        assert var == pytest.approx(np.max(a / (lam * (2 - a * lam))), rel=1e-12)


def test_frontier_bad_inputs():
    with pytest.raises(ValueError, match="family"):
        rate_noise_frontier("adam", 1.0, 10.0)
    with pytest.raises(ValueError, match="L must be > mu"):
        rate_noise_frontier("gd", 1.0, 1.0)
    with pytest.raises(ValueError, match="points"):
        rate_noise_frontier("gd", 1.0, 10.0, points=1)
    with pytest.raises(ValueError, match="scalars"):
        rate_noise_frontier("gd", [1.0, 2.0], 10.0)

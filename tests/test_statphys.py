"""Statistical physics of momentum: every number is checked against an independent one
(another integrator, the package's own Lyapunov solver, a closed form, Monte Carlo or
finite differences)."""

from functools import partial

import numpy as np
import pytest
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import statphys as sph
from momentum_dynamics import symbolic as S


def slope(h, err):
    """Least-squares order p in err ~ h^p."""
    return np.polyfit(np.log(h), np.log(err), 1)[0]


# --------------------------------------------------------------------------
# Leapfrog
# --------------------------------------------------------------------------


@pytest.mark.parametrize("potential, x0, p0", [
    (sph.quadratic_potential(2.0), 1.0, 0.5),
    (sph.double_well_potential(), -1.6, 1.0),  # crosses the barrier
])
def test_leapfrog_energy_error_is_second_order_and_bounded(potential, x0, p0):
    steps = np.array([0.1, 0.05, 0.025])
    err = []
    for h in steps:
        tr = sph.leapfrog(potential, x0, p0, h, int(round(20 / h)))
        e = np.abs(tr.energy - tr.energy[0])
        err.append(e.max())
        # bounded: the second half is no worse than the first (no drift)
        half = e.size // 2
        assert e[half:].max() < 1.2 * e[:half].max()
    assert slope(steps, err) == pytest.approx(2.0, abs=0.1)


def test_leapfrog_is_periodic_on_a_quadratic_up_to_second_order():
    k, m = 4.0, 2.0
    period = 2 * np.pi * np.sqrt(m / k)
    Ns = np.array([40, 80, 160])
    dist = []
    for N in Ns:
        tr = sph.leapfrog(sph.quadratic_potential(k), 1.0, 0.3, period / N, N, mass=m)
        assert tr.time[-1] == pytest.approx(period)
        dist.append(np.hypot(tr.x[-1, 0] - 1.0, tr.p[-1, 0] - 0.3))
        # half a period later it is on the opposite side (independent: the exact orbit)
        exact = np.cos(np.pi) * 1.0 + np.sqrt(m / k) * 0.3 / m * np.sin(np.pi)
        assert tr.x[N // 2, 0] == pytest.approx(exact, abs=50 / N**2)
    assert slope(period / Ns, dist) == pytest.approx(2.0, abs=0.15)
    assert dist[-1] < 2e-3


def test_leapfrog_vectorised_chains_match_single_runs():
    f = sph.double_well_potential()
    x0 = np.array([[-1.2], [0.3], [1.5]])
    p0 = np.array([[0.1], [0.0], [-0.5]])
    tr = sph.leapfrog(f, x0, p0, 0.05, 50)
    for i in range(3):
        one = sph.leapfrog(f, x0[i, 0], p0[i, 0], 0.05, 50)
        np.testing.assert_allclose(tr.x[:, i], one.x, rtol=1e-14)
        np.testing.assert_allclose(tr.energy[:, i], one.energy, rtol=1e-14)


# --------------------------------------------------------------------------
# Heavy ball as a damped mechanical system
# --------------------------------------------------------------------------


def _hand_langevin(grad, x, v, h, gamma, T, n, gen=None):
    """The SGHMC scheme typed out: v' = (1 - gamma h) v - h grad f(x) + sqrt(2 gamma T h)
    zeta, x' = x + h v' (Chen, Fox & Guestrin 2014)."""
    xs, vs = [x], [v]
    for _ in range(n):
        zeta = gen.standard_normal(np.shape(x)) if gen is not None else 0.0
        v = (1 - gamma * h) * v - h * grad(x) + np.sqrt(2 * gamma * T * h) * zeta
        x = x + h * v
        xs.append(x)
        vs.append(v)
    return np.array(xs), np.array(vs)


def test_heavy_ball_is_the_langevin_scheme_at_zero_temperature():
    """The identification h = sqrt(alpha), p = -v/h, gamma = (1-beta)/h, checked against
    the Langevin scheme typed out in this test, at T = 0."""
    h, gamma = 0.1, 1.5
    f = sph.double_well_potential()
    hb = sph.heavy_ball_energy_trace(f, 1.7, h * h, 1 - gamma * h, 300)
    lg = sph.underdamped_langevin(f, 1.7, 0.0, h, gamma, 0.0, 300, 1, rng=0)
    xs, vs = _hand_langevin(f.grad, np.array([1.7]), np.array([0.0]), h, gamma, 0.0, 300)
    np.testing.assert_allclose(hb.x[:, 0], xs[:, 0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hb.p[:, 0], vs[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(lg.x[:, 0, 0], xs[:, 0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(lg.p[:, 0, 0], vs[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hb.energy, lg.energy[:, 0], rtol=1e-10, atol=1e-12)
    assert hb.time_step == pytest.approx(h) and hb.friction == pytest.approx(gamma)


def test_langevin_noise_is_the_sghmc_kick():
    """With noise, the same random stream gives the typed-out scheme's numbers."""
    h, gamma, T = 0.05, 0.8, 0.4
    f = sph.double_well_potential()
    lg = sph.underdamped_langevin(f, [[0.3], [-1.2]], 0.1, h, gamma, T, 200, 2, rng=5)
    xs, vs = _hand_langevin(f.grad, np.array([[0.3], [-1.2]]), np.full((2, 1), 0.1), h,
                            gamma, T, 200, np.random.default_rng(5))
    np.testing.assert_allclose(lg.x, xs, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(lg.p, vs, rtol=1e-9, atol=1e-11)
    x1, p1 = sph.langevin_step(0.3, 0.1, f, h, gamma, T, 0.7)
    assert x1[0] == pytest.approx(0.3 + h * ((1 - gamma * h) * 0.1 - h * f.grad(np.array([0.3]))[0]
                                             + np.sqrt(2 * gamma * T * h) * 0.7), rel=1e-12)


@pytest.mark.parametrize("alpha, lam", [(0.01, 1.0), (0.1, 3.0), (0.2, 4.0)])
def test_heavy_ball_energy_monotone_exactly_below_the_bound(alpha, lam):
    b_star = sph.heavy_ball_monotone_beta(alpha, lam)
    # independent: the numeric one-step energy form from the package's state space
    h = np.sqrt(alpha)
    A, _ = md.state_space_matrices("heavy_ball", alpha, 0.0, lam)

    def worst(beta):
        A, _ = md.state_space_matrices("heavy_ball", alpha, beta, lam)
        T = np.diag([1.0, -1.0 / h])  # (x, v) -> (x, p)
        Ap = T @ A @ np.linalg.inv(T)
        M = np.diag([lam, 1.0]) / 2
        N = Ap.T @ M @ Ap - M
        w, V = np.linalg.eigh(N)
        return w[-1], V[:, -1]

    assert worst(b_star * (1 - 1e-6))[0] <= 1e-12
    top, direction = worst(min(b_star * 1.02 + 1e-3, 0.999))
    assert top > 0
    # simulation: below the bound the energy never rises from random states...
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=(500, 1))
    v0 = rng.normal(size=(500, 1)) * h
    tr = sph.heavy_ball_energy_trace(sph.quadratic_potential(lam), x0, alpha,
                                     b_star * (1 - 1e-6), 60, v0=v0)
    assert np.all(np.diff(tr.energy, axis=0) <= 1e-12 * tr.energy[:-1])
    # ...above it the energy rises from the worst direction in the first step
    beta = min(b_star * 1.02 + 1e-3, 0.999)
    x, p = direction
    tr = sph.heavy_ball_energy_trace(sph.quadratic_potential(lam), x, alpha, beta, 1,
                                     v0=-p * h)
    assert tr.energy[1] > tr.energy[0]


def test_heavy_ball_energy_decreases_on_average_above_the_bound():
    """Above the bound sqrt(1 - alpha*lambda) (0.98 here) single steps can gain energy;
    measured: the energy still falls over every block of ~a period, on both potentials."""
    alpha, beta = 0.04, 0.99
    assert beta > sph.heavy_ball_monotone_beta(alpha, 1.0)
    for f, x0 in [(sph.quadratic_potential(1.0), 2.0), (sph.double_well_potential(), 1.8)]:
        tr = sph.heavy_ball_energy_trace(f, x0, alpha, beta, 3000)
        e = tr.energy
        assert np.any(np.diff(e) > 0)  # not monotone...
        blocks = e[: 3000 // 150 * 150].reshape(-1, 150).mean(axis=1)
        assert np.all(np.diff(blocks) < 0)  # ...but dissipated over every ~period
        assert e[-1] < 0.05 * e[0]  # both minima have f = 0


# --------------------------------------------------------------------------
# Langevin: stationary covariance, bias, temperature mismatch
# --------------------------------------------------------------------------


H2 = np.array([[1.0, 0.3], [0.3, 0.5]])


def test_langevin_covariance_equals_package_heavy_ball_lyapunov():
    """Langevin = heavy ball with alpha = h^2, beta = 1 - gamma h, v_HB = -h v and gradient
    noise 2 r gamma T / h: scipy's dlyap against the package's closed-form Stein blocks."""
    h, gamma, T, r = 0.15, 0.8, 0.7, 1.3
    c = sph.langevin_stationary_covariance(h, gamma, T, H2, noise_factor=r)
    res = md.stationary_covariance("heavy_ball", h * h, 1 - gamma * h, hessian=H2,
                                   noise_cov=2 * r * gamma * T / h)
    np.testing.assert_allclose(c.x, res.x, rtol=1e-10)
    np.testing.assert_allclose(c.v, res.block("v") / h**2, rtol=1e-10)
    np.testing.assert_allclose(c.xv, -res.block("x", "v") / h, rtol=1e-10)


def test_langevin_covariance_against_monte_carlo_and_boltzmann():
    h, gamma, T = 0.2, 1.0, 0.5
    c = sph.langevin_stationary_covariance(h, gamma, T, H2)
    n = 20000
    tr = sph.underdamped_langevin(sph.quadratic_potential(H2), np.zeros(2), 0.0, h, gamma, T,
                                  400, n, rng=7, record_every=400)
    s = np.concatenate([tr.x[-1], tr.p[-1]], axis=1)
    emp = s.T @ s / n  # mean is exactly 0 by symmetry
    se = np.sqrt((np.outer(np.diag(c.state), np.diag(c.state)) + c.state**2) / n)
    assert np.all(np.abs(emp - c.state) < 4 * se)
    # the kinetic bias (1 + gamma h/2 = 1.1) is resolved by the simulation
    boltz_v = T * np.eye(2)
    assert np.all(np.abs(np.diag(emp[2:, 2:]) - np.diag(boltz_v)) > 4 * np.diag(se[2:, 2:]))


def test_langevin_bias_symbolic_matches_lyapunov_and_shrinks_at_the_derived_order():
    b = sph.langevin_bias()
    sy = b.symbols
    lam, gamma, T, r = 2.0, 1.5, 0.4, 1.0
    fx = sp.lambdify([sy["step"]], b.var_x.subs({sy["friction"]: gamma, sy["curvature"]: lam,
                                                 sy["temperature"]: T, sy["noise_factor"]: r}))
    fv = sp.lambdify([sy["step"]], b.var_v.subs({sy["friction"]: gamma, sy["temperature"]: T,
                                                 sy["curvature"]: lam, sy["noise_factor"]: r}))
    steps = np.array([0.08, 0.04, 0.02, 0.01])
    bias_x, bias_v = [], []
    for h in steps:
        c = sph.langevin_stationary_covariance(h, gamma, T, lam)
        assert c.x[0, 0] == pytest.approx(fx(h), rel=1e-10)
        assert c.v[0, 0] == pytest.approx(fv(h), rel=1e-10)
        bias_x.append(c.x[0, 0] * lam / T - 1)
        bias_v.append(c.v[0, 0] / T - 1)
    assert slope(steps, bias_x) == pytest.approx(b.order_x, abs=0.05)
    assert slope(steps, bias_v) == pytest.approx(b.order_v, abs=0.05)
    # the leading coefficients of the series
    assert bias_x[-1] / steps[-1] ** 2 == pytest.approx(lam / 4, rel=0.02)
    assert bias_v[-1] / steps[-1] == pytest.approx(gamma / 2, rel=0.02)
    assert b.order_x == 2 and b.order_v == 1


@pytest.mark.parametrize("r", [0.5, 2.0])
def test_mismatched_noise_gives_temperature_r_T(r):
    T = 0.3
    c = sph.langevin_stationary_covariance(0.005, 1.0, T, H2, noise_factor=r)
    np.testing.assert_allclose(c.x, r * T * np.linalg.inv(H2), rtol=5e-3)
    np.testing.assert_allclose(c.v, r * T * np.eye(2), rtol=5e-3, atol=5e-3 * r * T)
    assert c.configurational_temperature == pytest.approx(r * T, rel=5e-3)
    assert c.kinetic_temperature == pytest.approx(r * T, rel=5e-3)
    # it deviates from the nominal Boltzmann covariance by the factor r
    assert np.linalg.norm(c.x - c.boltzmann_x) > 0.4 * np.linalg.norm(c.boltzmann_x)


def test_langevin_long_run_statistics_on_the_double_well():
    T, h, gamma = 0.5, 0.02, 2.0
    f = sph.double_well_potential()
    n = 1000
    x0 = np.where(np.arange(n) % 2 == 0, -1.0, 1.0)[:, None]
    tr = sph.underdamped_langevin(f, x0, 0.0, h, gamma, T, 4000, n, rng=3, record_every=20)
    tail = slice(tr.time.size // 2, None)
    per_chain_pot = tr.potential[tail].mean(axis=0)
    per_chain_kin = tr.kinetic[tail].mean(axis=0)
    per_chain_x2 = (tr.x[tail, :, 0] ** 2).mean(axis=0)
    for chains, target in [(per_chain_pot, sph.boltzmann_expectation(f, T)),
                           (per_chain_x2, sph.boltzmann_expectation(f, T, lambda x: x**2)),
                           (per_chain_kin, T / 2 * (1 + gamma * h / 2))]:
        se = chains.std() / np.sqrt(n)
        assert abs(chains.mean() - target) < 4 * se + 0.01 * target


# --------------------------------------------------------------------------
# Heavy ball with gradient noise: effective temperature
# --------------------------------------------------------------------------


def test_heavy_ball_temperature_exact_versus_approximation():
    lam = np.array([0.5, 2.0])
    beta, sigma2 = 0.9, 1.7
    gaps = []
    for alpha in (0.04, 0.02, 0.01, 0.005):
        t = sph.heavy_ball_temperature(alpha, beta, lam, sigma2)
        approx = alpha * sigma2 / (2 * (1 - beta))
        np.testing.assert_allclose(t.approximation, approx, rtol=1e-14)
        # closed forms
        np.testing.assert_allclose(
            t.configurational, approx / (1 - alpha * lam / (2 * (1 + beta))), rtol=1e-10)
        np.testing.assert_allclose(t.kinetic, approx * 2 / (1 + beta - alpha * lam / 2),
                                   rtol=1e-10)
        # independent: the Langevin scheme's scipy Lyapunov solution through the mapping
        h = np.sqrt(alpha)
        c = sph.langevin_stationary_covariance(h, (1 - beta) / h, approx, lam)
        np.testing.assert_allclose(t.configurational, lam * np.diag(c.x), rtol=1e-9)
        np.testing.assert_allclose(t.kinetic, np.diag(c.v), rtol=1e-9)
        gaps.append(t.configurational / t.approximation - 1)
    gaps = np.array(gaps)
    alphas = np.array([0.04, 0.02, 0.01, 0.005])
    for j in range(2):  # the configurational gap closes linearly in alpha
        assert slope(alphas, gaps[:, j]) == pytest.approx(1.0, abs=0.05)
    # the kinetic temperature keeps a gap 2/(1+beta) - 1 at fixed beta
    assert t.kinetic / t.approximation == pytest.approx(2 / (1 + beta), rel=0.01)


def test_heavy_ball_temperature_general_noise_matches_rotation():
    Q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))
    lam = np.array([0.3, 1.0, 2.0])
    H = (Q * lam) @ Q.T
    t = sph.heavy_ball_temperature(0.02, 0.8, H, np.eye(3) * 0.5)
    t_diag = sph.heavy_ball_temperature(0.02, 0.8, lam, 0.5)
    order = np.argsort(t.curvatures)
    np.testing.assert_allclose(t.configurational[order], t_diag.configurational, rtol=1e-9)
    np.testing.assert_allclose(t.approximation[order], t_diag.approximation, rtol=1e-12)


# --------------------------------------------------------------------------
# Non-equilibrium steady state
# --------------------------------------------------------------------------


def test_momentum_sgd_sde_closed_form_and_antisymmetric_Q():
    alpha, beta, sigma2 = 0.02, 0.8, 1.5
    m = sph.momentum_sgd_sde(alpha, beta, H2, sigma2)
    T = alpha * sigma2 / (2 * (1 - beta))
    assert m.temperature == pytest.approx(T)
    # Lyapunov residual
    resid = m.F @ m.Sigma + m.Sigma @ m.F.T + 2 * m.D
    assert np.abs(resid).max() < 1e-13 * np.abs(m.Sigma).max()
    # Boltzmann closed form
    Z = np.zeros((2, 2))
    np.testing.assert_allclose(m.Sigma, np.block([[T * np.linalg.inv(H2), Z],
                                                  [Z, alpha * T * np.eye(2)]]),
                               rtol=1e-10, atol=1e-14)
    Q_raw = -m.F @ m.Sigma - m.D
    np.testing.assert_allclose(Q_raw, -Q_raw.T, atol=1e-14)  # antisymmetric...
    assert np.abs(m.Q).max() > 0.5 * alpha * T  # ...and non-zero
    np.testing.assert_allclose(m.Q, np.block([[Z, alpha * T * np.eye(2)],
                                              [-alpha * T * np.eye(2), Z]]), atol=1e-14)
    np.testing.assert_allclose(m.F, -(m.D + m.Q) @ np.linalg.inv(m.Sigma), atol=1e-12)


def test_reversible_gradient_flow_has_Q_zero_and_a_driven_one_does_not():
    T = 0.7
    rev = sph.ness_decomposition(-H2, T * np.eye(2))
    assert np.abs(rev.Q).max() < 1e-14
    np.testing.assert_allclose(rev.Sigma, T * np.linalg.inv(H2), rtol=1e-12)
    assert sph.continuous_detailed_balance(rev, parity="even").violation < 1e-12
    driven = sph.ness_decomposition(-H2 + np.array([[0, 0.4], [-0.4, 0]]), T * np.eye(2))
    assert np.abs(driven.Q).max() > 0.1
    assert sph.continuous_detailed_balance(driven, parity="even").violation > 0.1


def test_curl_symbolic_equals_finite_differences():
    alpha, beta = 0.05, 0.7
    hb = md.get_method("heavy_ball")
    th = np.linspace(-1.5, 1.5, 301)
    v = np.linspace(-0.5, 0.5, 101)
    TH, V = np.meshgrid(th, v)
    for lam, pot in [(2.0, None), (None, (sph.theta_symbol**2 - 1) ** 2)]:
        d = sph.symbolic_drift(pot)
        subs = {S.alpha: alpha, S.beta: beta}
        if lam is not None:
            subs[S.curvature] = lam
            grad = partial(np.multiply, lam)
        else:
            grad = sph.double_well_potential().grad
        curl = sp.lambdify([d.theta, d.v], d.curl.subs(subs))
        # numeric drift from the numeric update rule, not from the symbolic one
        new_th, new_v = hb.step((TH, V), grad, alpha=alpha, beta=beta)
        field = np.stack([-V, new_v - V])
        num = sph.numeric_curl(field, th, v)
        exact = np.broadcast_to(curl(TH, V), TH.shape)
        inner = (slice(1, -1), slice(1, -1))
        np.testing.assert_allclose(num[inner], exact[inner], rtol=1e-4, atol=1e-10)
        assert np.all(np.abs(exact) > 0.3)  # non-zero everywhere on this grid
        # drift's v-component is the update rule's exact increment
        fv = sp.lambdify([d.theta, d.v], d.drift[1].subs(subs))
        np.testing.assert_allclose(fv(TH, V), new_v - V, rtol=1e-12, atol=1e-14)
    # symbolic curl of the quadratic: 1 + alpha*lambda
    assert sp.simplify(sph.symbolic_drift().curl - (1 + S.alpha * S.curvature)) == 0
    # a gradient system has zero curl
    grad_field = np.stack([-(2.0 * TH + 0.5 * V), -(0.5 * TH + 1.0 * V)])
    assert np.abs(sph.numeric_curl(grad_field, th, v)).max() < 1e-12


def test_probability_current_is_divergence_free_and_circulates():
    m = sph.momentum_sgd_sde(0.05, 0.8, 1.0, 1.0)
    sx, sv = np.sqrt(np.diag(m.Sigma))
    th = np.linspace(-4 * sx, 4 * sx, 401)
    v = np.linspace(-4 * sv, 4 * sv, 401)
    f = sph.phase_space_fields(m, th, v)
    div = sph.numeric_divergence(f.current, th, v)
    scale = np.abs(np.gradient(f.current[0], th, axis=1)).max()
    assert np.abs(div).max() < 1e-3 * scale
    # but the drift part alone is not divergence free (the check is not vacuous)
    drift_part = f.drift * f.density
    assert np.abs(sph.numeric_divergence(drift_part, th, v)).max() > 0.1 * scale
    # the density is the Gaussian with covariance Sigma (independent: moments on the grid)
    w = f.density / f.density.sum()
    TH, V = np.meshgrid(th, v)
    assert (w * TH**2).sum() == pytest.approx(m.Sigma[0, 0], rel=3e-3)
    assert (w * V**2).sum() == pytest.approx(m.Sigma[1, 1], rel=3e-3)
    # current is non-zero away from the origin and rotates (J . s = 0 for this model)
    J = np.moveaxis(f.current, 0, -1)
    s = np.stack([TH, V], axis=-1)
    assert np.abs(J).max() > 0
    np.testing.assert_allclose(np.sum(J * s / np.array([sx**2, sv**2]), axis=-1), 0,
                               atol=1e-12 * np.abs(J).max() / min(sx, sv))


def test_continuous_covariance_is_the_small_step_limit_of_the_discrete_one():
    """alpha -> alpha/4, 1 - beta -> (1 - beta)/2: fixed friction, h = sqrt(alpha) halves."""
    noise = np.diag([1.0, 0.2])
    alphas = np.array([0.01, 0.0025, 0.000625])
    betas = 1 - 0.1 * np.sqrt(alphas / 0.01)
    gaps = []
    for a, b in zip(alphas, betas, strict=True):
        P = md.stationary_covariance("heavy_ball", a, b, hessian=H2, noise_cov=noise).state
        m = sph.momentum_sgd_sde(a, b, H2, noise)
        scale = np.sqrt(np.outer(np.diag(m.Sigma), np.diag(m.Sigma)))
        gaps.append(np.abs((P - m.Sigma) / scale).max())
    assert slope(np.sqrt(alphas), gaps) == pytest.approx(1.0, abs=0.25)
    assert gaps[-1] < 0.02


def test_detailed_balance_parities_and_genuine_ness():
    noise = np.diag([1.0, 0.1])  # not co-diagonal with H2
    db = []
    for a, b in [(0.01, 0.9), (0.0025, 0.95), (0.000625, 0.975)]:
        codiag = sph.heavy_ball_detailed_balance(a, b, H2, 1.0, parity="odd").violation
        even = sph.heavy_ball_detailed_balance(a, b, H2, 1.0, parity="even").violation
        ness = sph.heavy_ball_detailed_balance(a, b, H2, noise, parity="odd").violation
        db.append((codiag, even, ness))
        assert even > 1.0
        # continuous limit
        mc = sph.momentum_sgd_sde(a, b, H2, 1.0)
        assert sph.continuous_detailed_balance(mc, "odd").violation < 1e-12
        assert sph.continuous_detailed_balance(mc, "even").violation > 1.0
    codiag, even, ness = np.array(db).T
    # v odd + co-diagonal noise: reversible up to the discretisation, O(sqrt(alpha))
    assert slope(np.sqrt([0.01, 0.0025, 0.000625]), codiag) == pytest.approx(1.0, abs=0.1)
    # non-co-diagonal noise: a genuine NESS, the violation tends to the continuous one
    cont = sph.continuous_detailed_balance(sph.momentum_sgd_sde(0.000625, 0.975, H2, noise))
    assert cont.violation > 0.3
    assert ness[-1] == pytest.approx(cont.violation, rel=0.01)


# --------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, name", [
    (lambda: sph.leapfrog(sph.quadratic_potential(), 1.0, 0.0, -0.1, 5), "step"),
    (lambda: sph.leapfrog(sph.quadratic_potential(), 1.0, 0.0, 0.1, 5, mass=0), "mass"),
    (lambda: sph.leapfrog(sph.quadratic_potential(), [1.0, 2.0], [0.0, 0.0, 0.0], 0.1, 5),
     "p0"),
    (lambda: sph.leapfrog(sph.quadratic_potential(), 1.0, 0.0, 0.1, -5), "n_steps"),
    (lambda: sph.underdamped_langevin(sph.quadratic_potential(), 0.0, 0.0, 0.1, 1.0, -1.0,
                                      5), "temperature"),
    (lambda: sph.underdamped_langevin(sph.quadratic_potential(), 0.0, 0.0, 0.1, -1.0, 1.0,
                                      5), "friction"),
    (lambda: sph.underdamped_langevin(sph.quadratic_potential(), 0.0, 0.0, 0.0, 1.0, 1.0,
                                      5), "step"),
    (lambda: sph.underdamped_langevin(sph.quadratic_potential(), np.zeros((3, 1)), 0.0, 0.1,
                                      1.0, 1.0, 5, n_chains=4), "x0"),
    (lambda: sph.underdamped_langevin(sph.quadratic_potential(), 0.0, 0.0, 0.1, 1.0, 1.0,
                                      5, n_chains=0), "n_chains"),
    (lambda: sph.langevin_step(0.0, [0.0, 1.0], sph.quadratic_potential(), 0.1, 1.0, 1.0,
                               0.0), "v"),
    (lambda: sph.langevin_stationary_covariance(-0.1, 1.0, 1.0, 1.0), "step"),
    (lambda: sph.langevin_stationary_covariance(0.1, 1.0, -1.0, 1.0), "temperature"),
    (lambda: sph.langevin_stationary_covariance(0.1, -1.0, 1.0, 1.0), "friction"),
    (lambda: sph.langevin_stationary_covariance(0.1, 1.0, 1.0, -1.0), "hessian"),
    (lambda: sph.langevin_stationary_covariance(0.1, 1.0, 1.0, 1.0, noise_factor=-1),
     "noise_factor"),
    (lambda: sph.langevin_stationary_covariance(3.0, 1.0, 1.0, 1.0), "unstable"),
    (lambda: sph.heavy_ball_temperature(-0.1, 0.9, 1.0), "alpha"),
    (lambda: sph.heavy_ball_temperature(0.1, 1.5, 1.0), "beta"),
    (lambda: sph.heavy_ball_temperature(0.1, 0.5, [1.0, 2.0], [1.0, 1.0, 1.0]), "noise_cov"),
    (lambda: sph.momentum_sgd_sde(0.1, 1.0, 1.0), "beta"),
    (lambda: sph.momentum_sgd_sde(0.1, 0.5, [1.0, 2.0], [1.0, 2.0, 3.0]), "noise_cov"),
    (lambda: sph.ness_decomposition(np.eye(2), np.eye(2)), "Hurwitz"),
    (lambda: sph.ness_decomposition(-np.eye(2), np.eye(3)), "D"),
    (lambda: sph.discrete_detailed_balance(np.eye(2), np.eye(3)), "P"),
    (lambda: sph.discrete_detailed_balance(np.eye(2), np.eye(2), parity="weird"), "parity"),
    (lambda: sph.numeric_curl(np.zeros((2, 3, 4)), np.arange(3), np.arange(4)), "field"),
    (lambda: sph.heavy_ball_monotone_beta(0.1, -1.0), "curvature"),
    (lambda: sph.double_well_potential(-1.0), "height"),
    # a start of the wrong dimension is reported before the run, under its own name
    (lambda: sph.leapfrog(sph.quadratic_potential([1.0, 2.0]), 1.0, 0.0, 0.1, 5), "x0"),
    (lambda: sph.heavy_ball_energy_trace(sph.quadratic_potential([1.0, 2.0]), [1.0, 1.0, 1.0],
                                         0.01, 0.9, 5), "x0"),
    (lambda: sph.boltzmann_expectation(sph.quadratic_potential(), 1.0, bounds=(1.0, -1.0)),
     "bounds"),
    (lambda: sph.boltzmann_expectation(sph.quadratic_potential(), 1.0, bounds=(0.0, 1.0, 2.0)),
     "bounds"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("call, name", [
    (lambda: sph.boltzmann_expectation(sph.quadratic_potential(), 1.0, observable=3),
     "observable"),
    (lambda: sph.probability_current(None, np.zeros(2)), "model"),
    (lambda: sph.continuous_detailed_balance("model"), "model"),
    (lambda: sph.symbolic_drift("theta**"), "potential"),
    (lambda: sph.symbolic_drift([sph.theta_symbol]), "potential"),
])
def test_non_callables_and_non_models_raise_type_error_naming_the_argument(call, name):
    with pytest.raises(TypeError, match=name):
        call()


def test_zero_steps_give_the_initial_record_alone():
    """n_steps = 0 is allowed, as simulate(steps=0) is: the start and its energy."""
    pot = sph.quadratic_potential(2.0)
    tr = sph.leapfrog(pot, 1.5, 0.5, 0.1, 0)
    assert tr.x.shape == (1, 1)
    assert tr.energy[0] == pytest.approx(0.5**2 / 2 + 2.0 * 1.5**2 / 2)
    hb = sph.heavy_ball_energy_trace(pot, 1.5, 0.01, 0.9, 0)
    assert hb.x.shape == (1, 1) and hb.x[0, 0] == 1.5


def test_grad_with_wrong_shape_is_reported():
    with pytest.raises(ValueError, match="grad"):
        sph.leapfrog(lambda x: np.zeros(3), np.zeros(2), np.zeros(2), 0.1, 3)
    with pytest.raises(TypeError, match="grad"):
        sph.leapfrog("not a function", 0.0, 0.0, 0.1, 3)


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def test_figures_draw_what_they_return():
    import matplotlib.pyplot as plt

    from momentum_dynamics.plotting import statphys as psp

    p = psp.plot_energy_traces(duration=3.0, n_chains=20)
    for lines, traj in zip(p.panel_lines, p.trajectories, strict=True):
        np.testing.assert_allclose(lines["leapfrog"].get_ydata(), traj["leapfrog"].energy)
        np.testing.assert_allclose(lines["heavy ball"].get_ydata(), traj["heavy ball"].energy)
    assert p.equilibrium_energy[0] == pytest.approx(0.3, rel=1e-6)  # T/2 + T/2 on x^2/2
    n = psp.plot_ness(0.05, 0.8, 2.0, 1.0, resolution=30)
    Sinv = np.linalg.inv(n.model.Sigma)
    for line, k in zip(n.ellipses[:2], (1, 2), strict=True):
        s = np.vstack([line.get_xdata(), line.get_ydata()])
        np.testing.assert_allclose(np.einsum("in,ij,jn->n", s, Sinv, s), k * k, rtol=1e-10)
    b = psp.plot_langevin_bias(steps=np.array([0.01, 0.02]))
    assert slope(b.steps, b.bias_x) == pytest.approx(2.0, abs=0.05)
    plt.close("all")


def test_heavy_ball_temperature_rotates_diagonal_noise_into_the_eigenbasis():
    Q, _ = np.linalg.qr(np.random.default_rng(5).normal(size=(2, 2)))
    lam = np.array([0.4, 1.5])
    H = (Q * lam) @ Q.T
    noise = np.array([1.0, 3.0])
    t = sph.heavy_ball_temperature(0.01, 0.9, H, noise)
    w, V = np.linalg.eigh(H)
    expected = 0.01 * np.diag(V.T @ np.diag(noise) @ V) / (2 * 0.1)
    np.testing.assert_allclose(t.approximation, expected, rtol=1e-12)


def test_langevin_x0_of_the_wrong_dimension_names_x0():
    from momentum_dynamics import statphys as T

    q = T.quadratic_potential(np.diag([1.0, 2.0]))
    with pytest.raises(ValueError, match="x0"):
        T.underdamped_langevin(q.grad, 0.0, 0.0, 0.1, 1.0, 0.5, 10)
    with pytest.raises(ValueError, match="x0"):
        T.underdamped_langevin(q.grad, [0.0, 0.0, 0.0], 0.0, 0.1, 1.0, 0.5, 10)


# --------------------------------------------------------------------------
# Derived from the update rule, for every two-state method
# --------------------------------------------------------------------------

MOMENTUM_METHODS = ["heavy_ball", "nesterov", "ema_momentum"]


def _reference_model(name, alpha, beta, H):
    """(A, B) of the hand-written rule (tests/_reference.py) on grad = H x + xi, by
    applying it to unit states and unit noises (it is linear), state (x, v)."""
    from _reference import hand_step
    d = H.shape[0]
    cols = []
    for k in range(2 * d):
        e = np.zeros(2 * d)
        e[k] = 1.0
        x, v = hand_step(name, e[:d], e[d:], lambda y: H @ y, alpha, beta)
        cols.append(np.concatenate([x, v]))
    A = np.array(cols).T
    Bcols = []
    for k in range(d):
        xi = np.zeros(d)
        xi[k] = 1.0
        x, v = hand_step(name, np.zeros(d), np.zeros(d), lambda y, xi=xi: H @ y + xi,
                         alpha, beta)
        Bcols.append(np.concatenate([x, v]))
    return A, np.array(Bcols).T


def _reference_langevin_moments(name, alpha, beta, H, noise_var, h):
    """Cov(x), E[x p^T], Cov(p) of p = (x_{k+1} - x_k)/h from scipy's dlyap on the
    hand-written rule (no velocity change of variables)."""
    import scipy.linalg
    d = H.shape[0]
    A, B = _reference_model(name, alpha, beta, H)
    P = scipy.linalg.solve_discrete_lyapunov(A, noise_var * B @ B.T)
    Cx = P[:d, :d]
    C1 = (A @ P)[:d, :d]  # E[x_{k+1} x_k^T]
    return Cx, (Cx - C1) / h, (2 * Cx - C1 - C1.T) / h**2


def test_langevin_matrices_are_the_hand_built_sghmc_scheme():
    """Heavy ball at alpha = h^2, beta = 1 - gamma h in (x, v): the matrices typed from
    the SGHMC scheme (Chen, Fox & Guestrin 2014)."""
    h, gamma, T, r = 0.15, 0.8, 0.7, 1.3
    m = sph.langevin_matrices(h, gamma, H2, T, noise_factor=r)
    eye = np.eye(2)
    A = np.block([[eye - h * h * H2, (1 - gamma * h) * h * eye],
                  [-h * H2, (1 - gamma * h) * eye]])
    B = np.vstack([h * eye, eye])
    np.testing.assert_allclose(m.A, A, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(m.B, B, rtol=1e-13)
    np.testing.assert_allclose(m.noise_cov, 2 * r * gamma * T * h * eye, rtol=1e-13)


def test_langevin_bias_is_the_hand_built_lyapunov_solution():
    """The bias derived from symbolic.stationary_covariance (alpha = h^2,
    beta = 1 - gamma h, sigma^2 = 2 r gamma T / h) equals the exact solution of the 2x2
    Lyapunov equation of the hand-typed Langevin scheme."""
    b = sph.langevin_bias("heavy_ball")
    h, g, lam, T, r = (b.symbols[k] for k in ("step", "friction", "curvature",
                                               "temperature", "noise_factor"))
    A = sp.Matrix([[1 - h**2 * lam, (1 - g * h) * h], [-h * lam, 1 - g * h]])
    bvec = sp.Matrix([h, 1])
    a, c, d = sp.symbols("a c d")
    P = sp.Matrix([[a, c], [c, d]])
    eq = P - A * P * A.T - 2 * r * g * T * h * bvec * bvec.T
    sol = sp.solve([eq[0, 0], eq[0, 1], eq[1, 1]], [a, c, d], dict=True)[0]
    assert sp.simplify(b.var_x - sol[a]) == 0
    assert sp.simplify(b.cov_xv - sol[c]) == 0
    assert sp.simplify(b.var_v - sol[d]) == 0


@pytest.mark.parametrize("name", MOMENTUM_METHODS)
def test_langevin_covariance_of_every_method_against_the_hand_written_rule(name):
    h, gamma, T = 0.2, 0.9, 0.6
    alpha, beta = md.physics.momentum_from_ode(name, h, gamma)
    c = sph.langevin_stationary_covariance(h, gamma, T, H2, method=name)
    Cx, Cxp, Cp = _reference_langevin_moments(name, alpha, beta, H2, 2 * gamma * T / h, h)
    np.testing.assert_allclose(c.x, Cx, rtol=1e-9)
    np.testing.assert_allclose(c.xv, Cxp, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(c.v, Cp, rtol=1e-8)
    # and the symbolic 1-D moments at one curvature
    b = sph.langevin_bias(name)
    vals = {b.symbols["step"]: h, b.symbols["friction"]: gamma, b.symbols["curvature"]: 0.5,
            b.symbols["temperature"]: T, b.symbols["noise_factor"]: 1}
    Cx1, Cxp1, Cp1 = _reference_langevin_moments(name, alpha, beta, np.array([[0.5]]),
                                                 2 * gamma * T / h, h)
    assert float(b.var_x.subs(vals)) == pytest.approx(Cx1[0, 0], rel=1e-10)
    assert float(b.cov_xv.subs(vals)) == pytest.approx(Cxp1[0, 0], rel=1e-9)
    assert float(b.var_v.subs(vals)) == pytest.approx(Cp1[0, 0], rel=1e-9)


def test_langevin_bias_orders_per_method():
    """Heavy ball and EMA momentum (heavy ball in other units) keep the second-order
    configurational bias; Nesterov's Hessian damping, not matched by the noise, cools the
    configuration at first order, -lambda h / gamma (checked on the reference numbers)."""
    assert sph.langevin_bias("ema_momentum").order_x == 2
    b = sph.langevin_bias("nesterov")
    assert b.order_x == 1
    gamma, lam, T = 1.2, 0.8, 0.5
    hs = np.array([0.02, 0.01, 0.005])
    bias = []
    for h in hs:
        alpha, beta = md.physics.momentum_from_ode("nesterov", h, gamma)
        Cx, _, _ = _reference_langevin_moments("nesterov", alpha, beta, np.array([[lam]]),
                                               2 * gamma * T / h, h)
        bias.append(lam * Cx[0, 0] / T - 1)
    assert bias[-1] / hs[-1] == pytest.approx(-lam / gamma, rel=0.02)


@pytest.mark.parametrize("name", MOMENTUM_METHODS)
def test_effective_temperature_of_every_method(name):
    alpha, beta, sigma2 = 0.02, 0.8, 0.3
    lam = np.array([0.5, 2.0])
    t = sph.effective_temperature(name, alpha, beta, lam, sigma2)
    Cx, _, Cp = _reference_langevin_moments(
        name, alpha, beta, np.diag(lam), sigma2,
        md.physics.ode_parameters(name, alpha, beta).time_step)
    np.testing.assert_allclose(t.configurational, lam * np.diag(Cx), rtol=1e-9)
    np.testing.assert_allclose(t.kinetic, np.diag(Cp), rtol=1e-8)
    # the fluctuation-dissipation temperature: heavy ball and Nesterov alpha s^2/(2(1-b));
    # EMA momentum is heavy ball at learning rate alpha (1 - beta)
    lr = alpha * (1 - beta) if name == "ema_momentum" else alpha
    np.testing.assert_allclose(t.approximation, lr * sigma2 / (2 * (1 - beta)), rtol=1e-12)


@pytest.mark.parametrize("name", MOMENTUM_METHODS)
def test_effective_temperature_tends_to_the_approximation(name):
    """At fixed friction the configurational temperature tends to T as h -> 0."""
    gaps = []
    for h in (0.04, 0.02, 0.01):
        alpha, beta = md.physics.momentum_from_ode(name, h, 1.0)
        t = sph.effective_temperature(name, alpha, beta, 1.0, 1.0)
        gaps.append(abs(t.configurational[0] / t.approximation[0] - 1))
    assert gaps[2] < gaps[1] < gaps[0] < 0.05


def test_momentum_sgd_sde_of_other_methods():
    """Nesterov's small-step SDE at constant momentum is heavy ball's (its Hessian damping
    is of higher order; Su, Boyd & Candes 2016); EMA momentum is heavy ball at learning
    rate alpha (1 - beta) with v_hb = alpha v."""
    H = np.array([[1.0, 0.2], [0.2, 0.5]])
    alpha, beta = 0.01, 0.9
    hb = sph.momentum_sgd_sde(alpha, beta, H, 0.5)
    nes = sph.momentum_sgd_sde(alpha, beta, H, 0.5, method="nesterov")
    np.testing.assert_allclose(nes.F, hb.F, rtol=1e-14)
    np.testing.assert_allclose(nes.D, hb.D, rtol=1e-14)
    ema = sph.momentum_sgd_sde(alpha, beta, H, 0.5, method="ema_momentum")
    ref = sph.momentum_sgd_sde(alpha * (1 - beta), beta, H, 0.5)
    Tm = np.kron(np.diag([1.0, alpha]), np.eye(2))  # (x, v_ema) -> (x, v_hb)
    np.testing.assert_allclose(Tm @ ema.F @ np.linalg.inv(Tm), ref.F, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(Tm @ ema.D @ Tm.T, ref.D, rtol=1e-12, atol=1e-18)
    assert ema.temperature == pytest.approx(alpha * 0.5 / 2, rel=1e-10)


def test_statphys_refuses_methods_without_a_velocity():
    with pytest.raises(ValueError, match="method 'gd'"):
        sph.langevin_bias("gd")
    with pytest.raises(ValueError, match="method 'gd'"):
        sph.effective_temperature("gd", 0.1, None, 1.0)
    with pytest.raises(ValueError, match="adamw"):
        sph.momentum_sgd_sde(0.1, 0.5, 1.0, method="adamw")


@pytest.mark.parametrize("name", MOMENTUM_METHODS)
def test_detailed_balance_of_every_method_against_the_hand_written_rule(name):
    import scipy.linalg
    H = np.array([[1.0, 0.3], [0.3, 0.5]])
    noise = np.array([[1.0, 0.4], [0.4, 0.2]])  # not co-diagonal with H
    alpha, beta = 0.02, 0.85
    A, B = _reference_model(name, alpha, beta, H)
    P = scipy.linalg.solve_discrete_lyapunov(A, B @ noise @ B.T)
    ref = sph.discrete_detailed_balance(A, P, "odd")
    got = sph.heavy_ball_detailed_balance(alpha, beta, H, noise, method=name)
    assert got.violation == pytest.approx(ref.violation, rel=1e-7)
    with pytest.raises(ValueError, match="method 'gd'"):
        sph.heavy_ball_detailed_balance(0.1, None, H, method="gd")

"""robust.certify: IQC certificates of worst-case rates on F(mu, L) (Lessard, Recht &
Packard 2016), checked against closed forms, simulations and PEPit."""

import dataclasses
import math

import numpy as np
import pytest

import momentum_dynamics as md
from momentum_dynamics.designs import robust_momentum_parameters, triple_momentum_parameters
from momentum_dynamics.robust import Certificate, certified_rate, verify_certificate
from momentum_dynamics.robust import certify as C


@pytest.mark.parametrize("alpha", [0.05, 0.12, 2 / 11, 0.19])
def test_gradient_descent_is_certified_at_its_exact_rate(alpha):
    """Sector IQC: max(|1 - alpha mu|, |1 - alpha L|) on both sides of 2/(mu + L)
    (Lessard, Recht & Packard 2016, section 4.4)."""
    c = certified_rate("gd", 1.0, 10.0, alpha, tol=1e-6)
    exact = max(abs(1 - alpha), abs(1 - 10 * alpha))
    assert c.verified and c.reason == "certified"
    assert exact - 1e-12 <= c.rate <= exact + 2e-6
    assert verify_certificate(c)


def test_gradient_descent_too_long_a_step_has_no_rate():
    c = certified_rate("gd", 1.0, 10.0, 0.21)
    assert math.isnan(c.rate) and "unstable on quadratics" in c.reason and c.P is None
    assert not verify_certificate(c)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_triple_momentum_is_certified_at_its_design_rate(kappa):
    """Van Scoy, Freeman & Lynch (2018): rate 1 - 1/sqrt(kappa) on F(mu, L)."""
    p = triple_momentum_parameters(1.0, kappa)
    c = certified_rate("triple_momentum", 1.0, kappa, p.alpha, p.beta, gamma=p.gamma,
                       delta=p.delta, iqc="off_by_one")
    design = 1 - 1 / math.sqrt(kappa)
    assert c.verified and verify_certificate(c)
    assert design - 1e-9 <= c.rate <= design + 5e-5
    # the sector IQC alone is more conservative
    s = certified_rate("triple_momentum", 1.0, kappa, p.alpha, p.beta, gamma=p.gamma,
                       delta=p.delta, iqc="sector", tol=1e-4)
    assert not s.rate < c.rate


def test_robust_momentum_is_certified_at_its_design_rate():
    """Cyrus, Hu, Van Scoy & Lessard (2018): rate rho on F(mu, L)."""
    p = robust_momentum_parameters(1.0, 50.0, 0.93)
    c = certified_rate("robust_momentum", 1.0, 50.0, p.alpha, p.beta, gamma=p.gamma,
                       iqc="off_by_one")
    assert c.verified and 0.93 - 1e-9 <= c.rate <= 0.93 + 5e-5


def test_heavy_ball_at_polyaks_tuning_loses_its_certificate_above_a_threshold():
    """No off-by-one certificate above kappa ~ 17.94 (found by bisection on kappa, see
    docs/beyond_quadratics.rst); at kappa = 25 a 3-cycle witness exists (Lessard,
    Recht & Packard 2016, section 4.6), so none can."""
    def polyak(kappa, iqc):
        s = math.sqrt(kappa)
        return certified_rate("heavy_ball", 1.0, kappa, 4 / (1 + s) ** 2,
                              ((s - 1) / (s + 1)) ** 2, iqc=iqc, tol=1e-4)

    below, above = polyak(17.5, "off_by_one"), polyak(18.5, "off_by_one")
    assert below.verified and below.quadratic_rate < below.rate < 1
    assert math.isnan(above.rate) and "no certificate" in above.reason and not above.verified
    assert math.isnan(polyak(25.0, "off_by_one").rate)
    w = md.robust.find_cycle("heavy_ball", 1 / 9, 4 / 9, mu=1.0, L=25.0, period=3)
    assert w.found and w.verified
    # the sector IQC gives up earlier
    assert polyak(5.5, "sector").rate < 1 and math.isnan(polyak(6.5, "sector").rate)


def test_tampered_certificates_are_refused():
    c = certified_rate("nesterov", 1.0, 10.0, 0.1, 0.5, iqc="off_by_one", tol=1e-4)
    assert verify_certificate(c)
    P = c.P.copy()
    P[0, 0] *= 1.5
    assert not verify_certificate(dataclasses.replace(c, P=P))
    assert not verify_certificate(dataclasses.replace(c, rate=c.quadratic_rate))
    assert not verify_certificate(dataclasses.replace(c, P=-c.P))
    lams = {k: tuple(-v for v in vals) for k, vals in c.multipliers.items()}
    assert not verify_certificate(dataclasses.replace(c, multipliers=lams))
    assert not verify_certificate(dataclasses.replace(c, multipliers={}))
    with pytest.raises(TypeError, match="Certificate"):
        verify_certificate(c.P)


def test_a_solver_answer_that_fails_the_check_is_never_returned(monkeypatch):
    """A solver returning garbage (or failing) gives NaN with the reason."""
    rng = np.random.default_rng(0)

    def garbage(Ah, Bh, terms, rho):
        X = rng.standard_normal(Ah.shape)
        return X @ X.T + np.eye(Ah.shape[0]), np.abs(rng.standard_normal(len(terms)))

    monkeypatch.setattr(C, "_solve", garbage)
    c = certified_rate("heavy_ball", 1.0, 10.0, 0.1, 0.5, iqc="off_by_one", tol=1e-3)
    assert math.isnan(c.rate) and not c.verified and "independent check" in c.reason
    monkeypatch.setattr(C, "_solve", lambda *a: "solver failure")
    c = certified_rate("gd", 1.0, 10.0, 0.1)
    assert math.isnan(c.rate) and "solver failure" in c.reason


@pytest.mark.parametrize("name, params", [
    ("heavy_ball", dict(alpha=0.08, beta=0.4)),
    ("nesterov", dict(alpha=0.1, beta=0.5)),
])
def test_the_certificate_bounds_a_simulation(name, params):
    """|s_k - s*|^2 <= rho^(2k) V(s_0 - s*, 0) / lambda_min(P), V with P (x) I_d, on a
    function of F(1, 10) in 4-D that is not quadratic: mu/2 |x|^2 + (L - mu) sum
    log cosh(x_i - c_i)."""
    mu, L = 1.0, 10.0
    c = certified_rate(name, mu, L, iqc="off_by_one", tol=1e-4, **params)
    centres = np.array([3.0, -2.0, 0.5, 5.0])

    def grad(x):
        return mu * x + (L - mu) * np.tanh(x - centres)

    from scipy.optimize import brentq

    xs = np.array([brentq(lambda t, c0=c0: mu * t + (L - mu) * np.tanh(t - c0), -50, 50,
                          xtol=1e-15) for c0 in centres])
    assert np.max(np.abs(grad(xs))) < 1e-12
    m = md.get_method(name)
    state = (xs + np.array([4.0, -3.0, 1.0, 2.0]), np.zeros_like(xs))
    r0 = np.sum((state[0] - xs) ** 2)
    n = c.P.shape[0]
    e0 = np.zeros(n)
    e0[0] = 1.0
    bound0 = (e0 @ c.P @ e0) / np.linalg.eigvalsh(c.P)[0]
    for k in range(1, 60):
        state = m.step(state, grad, **params)
        err2 = np.sum((state[0] - xs) ** 2) + np.sum(state[1] ** 2)
        assert err2 <= c.rate ** (2 * k) * bound0 * r0 * (1 + 1e-9)


@pytest.mark.parametrize("name, params, steps", [
    ("nesterov", dict(alpha=0.1, beta=0.5), 3),
    ("heavy_ball", dict(alpha=0.08, beta=0.4), 2),
])
def test_pepit_worst_case_does_not_exceed_the_certificate(name, params, steps):
    """PEPit's tight N-step worst case of |x_N - x*|^2 (|x_0 - x*| <= 1, v_0 = 0) is
    within what the Lyapunov certificate implies."""
    from PEPit import PEP
    from PEPit.functions import SmoothStronglyConvexFunction

    mu, L = 1.0, 10.0
    c = certified_rate(name, mu, L, iqc="off_by_one", tol=1e-5, **params)
    m = md.get_method(name)
    problem = PEP()
    f = problem.declare_function(SmoothStronglyConvexFunction, mu=mu, L=L)
    xs = f.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - xs) ** 2 <= 1)
    state = (x0, 0 * x0)
    for _ in range(steps):
        state = m.step(state, f.gradient, **params)  # the update rule, run on PEPit points
    problem.set_performance_metric((state[0] - xs) ** 2)
    worst = problem.solve(verbose=0)
    implied = c.rate ** (2 * steps) * c.P[0, 0] / np.linalg.eigvalsh(c.P)[0]
    assert worst <= implied * (1 + 1e-4)
    # and the quadratic rate alone is not enough to bound it (a genuine check)
    assert worst >= c.quadratic_rate ** (2 * steps) * 0.5


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(mu=10.0, L=10.0), ValueError, "mu must be < L"),
    (dict(mu=0.0), ValueError, "mu"),
    (dict(mu=-1.0), ValueError, "mu"),
    (dict(mu=20.0), ValueError, "mu"),
    (dict(alpha=-0.1), ValueError, "alpha"),
    (dict(alpha="0.1"), (ValueError, TypeError), "alpha"),
    (dict(beta=1.5), ValueError, "beta"),
    (dict(iqc="circle"), ValueError, "iqc"),
    (dict(tol=0.0), ValueError, "tol"),
    (dict(tol=0.5), ValueError, "tol"),
    (dict(nu=0.5), TypeError, "nu"),
    (dict(method="gda_simultaneous", beta=None), ValueError, "game"),
    (dict(method="adamw"), ValueError, "method"),
])
def test_bad_input_is_refused(kwargs, exc, match):
    args = {**dict(method="heavy_ball", mu=1.0, L=10.0, alpha=0.1, beta=0.5), **kwargs}
    with pytest.raises(exc, match=match):
        certified_rate(**args)


def test_a_nonlinear_rule_is_refused():
    def normalised(x, grad, alpha):
        g = grad(x)
        return (x - alpha * g / (abs(g) + 1.0),)

    md.register_method(normalised, overwrite=True)
    try:
        with pytest.raises(ValueError, match="not linear"):
            certified_rate("normalised", 1.0, 10.0, 0.1)
    finally:
        md.unregister_method("normalised")


def test_record_fields():
    c = certified_rate("gd", 1.0, 4.0, 0.4)
    assert isinstance(c, Certificate) and c.iqc == "sector" and c.lmi_rate <= c.rate
    assert c.multipliers["sector"][0] >= 0 and np.linalg.eigvalsh(c.P)[0] == pytest.approx(1)
    assert c.condition_number == pytest.approx(1.0)


def test_cli_certify_prints_both_rates(capsys):
    """The verb's CSV: gradient descent's exact rate next to the quadratic one; a game
    rule is an error naming the problem."""
    from momentum_dynamics.cli import main

    assert main(["certify", "--method", "gd", "--alpha", "0.15", "--mu", "1", "--L", "10",
                 "--iqc", "sector", "--format", "csv"]) == 0
    head, row = capsys.readouterr().out.strip().splitlines()
    rec = dict(zip(head.split(","), row.split(","), strict=True))
    assert float(rec["quadratic_rate"]) == pytest.approx(0.85, abs=1e-12)
    assert float(rec["certified_rate"]) == pytest.approx(0.85, abs=2e-6)
    assert rec["reason"] == "certified"
    assert main(["certify", "--method", "gda_simultaneous", "--alpha", "0.1", "--mu", "1",
                 "--L", "10"]) == 2
    assert "game" in capsys.readouterr().err

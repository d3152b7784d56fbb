"""Accuracy at the edges: the gap 1 - rho when rho rounds to 1, and rates at large kappa.

References are independent of the package: the characteristic polynomials are written
out by hand from the recurrences (Polyak 1964; Nesterov 1983; the EMA form) and their
roots found by mpmath at 50 digits from the *same* floats; the tuned rates are the
published closed forms (Polyak 1964; Lessard, Recht & Packard 2016), evaluated by mpmath.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import momentum_dynamics as md

EPS = 2.0**-53


def hand_charpoly(method, alpha, beta, lam):
    """Monic characteristic polynomial, coefficients in descending powers, at 50 digits."""
    h = mpmath.mpf(alpha) * mpmath.mpf(lam)
    if method == "gd":
        return [1, h - 1]
    b = mpmath.mpf(beta)
    if method == "heavy_ball":
        T, D = 1 + b - h, b
    elif method == "nesterov":
        T, D = (1 + b) * (1 - h), b * (1 - h)
    else:  # ema_momentum: v' = b v + (1-b) lam x, x' = x - alpha v'
        T, D = 1 + b - h * (1 - b), b
    return [1, -T, D]


def reference_gap(method, alpha, beta, lam):
    with mpmath.workdps(50):
        roots = mpmath.polyroots(hand_charpoly(method, alpha, beta, lam), maxsteps=200,
                                 extraprec=200)
        return 1 - max(abs(r) for r in roots)


def allowed_error(method, alpha, beta, lam, ref):
    """A few ulps of the gap plus what rounding the inputs by one ulp does to it.

    The second term is the conditioning of the problem itself (e.g. near a double
    pole, or where p(-1) is a difference of two nearly equal terms); an algorithm
    that forms ``1 - rho`` in floating point exceeds it by orders of magnitude.
    """
    with mpmath.workdps(50):
        sens = mpmath.mpf(0)
        for s in (1, -1):
            sens = max(sens, abs(reference_gap(method, alpha * (1 + s * EPS), beta, lam) - ref))
            if beta is not None:
                b = mpmath.mpf(beta) + s * EPS * abs(mpmath.mpf(beta))
                sens = max(sens, abs(reference_gap(method, alpha, b, lam) - ref))
        return 8 * (EPS * abs(ref) + sens)


def check_gap(method, alpha, beta, lam):
    ref = reference_gap(method, alpha, beta, lam)
    got = md.convergence_gap(method, alpha, beta, lam)
    err = abs(mpmath.mpf(got) - ref)
    assert err <= allowed_error(method, alpha, beta, lam, ref), (method, alpha, beta, lam,
                                                                 got, ref)
    return got, ref


# ----------------------------------------------------------------------------- defect 1


def test_tiny_step_is_stable_gd():
    """``alpha*lambda = 2e-17``: rho = 1 - 2e-17 rounds to 1.0, yet GD converges."""
    assert md.spectral_radius("gd", 0.02, None, 1e-15) == 1.0  # the rounding we fix
    assert md.is_stable("gd", 0.02, None, 1e-15)
    got, ref = check_gap("gd", 0.02, None, 1e-15)
    assert abs(got - float(ref)) <= 2 * EPS * float(ref)


@pytest.mark.parametrize("method", ["heavy_ball", "nesterov", "ema_momentum"])
@pytest.mark.parametrize("alpha,beta,lam", [
    (0.02, 0.5, 1e-15),          # tiny alpha*lambda
    (1e-3, 1 - 1e-13, 1e-3),     # beta -> 1, complex pair of modulus sqrt(beta)
    (1.0, -1 + 1e-13, 1e-14),    # beta -> -1
    (1e-8, 0.9, -1e-9),          # unstable by a hair: the gap is negative
    (1.0, 0.3, 1e-16),
])
def test_gap_against_mpmath_at_the_edges(method, alpha, beta, lam):
    got, ref = check_gap(method, alpha, beta, lam)
    assert bool(md.is_stable(method, alpha, beta, lam)) == (ref > 0)


def test_the_naive_complement_fails_the_same_bound():
    """1 - spectral_radius is not accurate enough: the check can fail."""
    method, alpha, beta, lam = "heavy_ball", 0.02, 0.5, 1e-15
    ref = reference_gap(method, alpha, beta, lam)
    naive = 1 - md.spectral_radius(method, alpha, beta, lam)
    assert abs(mpmath.mpf(naive) - ref) > allowed_error(method, alpha, beta, lam, ref)


log_alpha = st.floats(-16, 0.6)
beta_st = st.one_of(st.floats(-1, 1),
                    st.floats(-14, -1).map(lambda t: 1 - 10.0**t),
                    st.floats(-14, -1).map(lambda t: -1 + 10.0**t))


@settings(max_examples=120, deadline=None)
@given(method=st.sampled_from(["gd", "heavy_ball", "nesterov", "ema_momentum"]),
       la=log_alpha, beta=beta_st, sign=st.sampled_from([1.0, -1.0]))
@example(method="heavy_ball", la=-12.0, beta=-1 + 1e-13, sign=1.0)
def test_gap_property(method, la, beta, sign):
    b = None if method == "gd" else beta
    got, ref = check_gap(method, 10.0**la, b, sign)
    if abs(ref) > allowed_error(method, 10.0**la, b, sign, ref):  # the sign is decided
        assert bool(md.is_stable(method, 10.0**la, b, sign)) == (ref > 0)


def test_gap_arrays_broadcast_and_agree_with_scalars():
    a = np.array([1e-15, 1e-3, 1.0])[:, None]
    b = np.array([0.1, 0.9, 1 - 1e-12])
    g = md.convergence_gap("nesterov", a, b, 1.0)
    assert g.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            check_gap("nesterov", float(a[i, 0]), float(b[j]), 1.0)
            assert g[i, j] == md.convergence_gap("nesterov", float(a[i, 0]), float(b[j]), 1.0)


def test_damping_regime_uses_the_gap():
    # rho = 1 - 1e-17 rounds to 1, but the method is stable (two real poles).
    assert md.damping_regime("heavy_ball", 1e-2, 0.1, 1e-15) == "overdamped"


# ----------------------------------------------------------------------------- defect 2


def closed_form_gaps(kappa):
    """Published tuned rates (Polyak 1964; Lessard, Recht & Packard 2016): 1 - rate."""
    k = mpmath.mpf(kappa)
    return {("gd", "optimal"): 1 - (k - 1) / (k + 1),
            ("heavy_ball", "optimal"): 1 - (mpmath.sqrt(k) - 1) / (mpmath.sqrt(k) + 1),
            ("nesterov", "optimal"): 2 / mpmath.sqrt(3 * k + 1),
            ("nesterov", "standard"): 1 / mpmath.sqrt(k)}


@pytest.mark.parametrize("kappa", [10.0, 1e6, 1e12, 1e16, 1e20])
def test_tuned_rates_against_closed_forms(kappa):
    tol = 1e-6
    with mpmath.workdps(50):
        gaps = closed_form_gaps(kappa)
        for row in md.tuned_rates(kappa, tol):
            g = gaps[(row.method, row.tuning)]
            assert abs(row.exact_gap - g) <= 4 * EPS * g
            rate = 1 - g
            assert abs(row.exact_rate - rate) <= 2 * EPS
            n = mpmath.log(mpmath.mpf(tol)) / mpmath.log(rate)
            # the count is a float: exact up to its own rounding (and the ceiling)
            assert abs(row.exact_iterations - mpmath.ceil(n)) <= 1 + 4 * EPS * n


def test_tuned_rates_kappa_1e16_gd_is_finite():
    row = md.tuned_rates(1e16, 1e-6)[0]
    assert row.exact_rate == 1.0  # rounded, as a float must be
    expected = math.log(1e6) / 2e-16 * (1 + 1e-16)  # log(1e6)(kappa + 1)/2
    assert row.exact_iterations == pytest.approx(expected, rel=1e-14)
    assert 6.9e16 < row.exact_iterations < 6.91e16


def test_tuned_rates_kappa_1e12_counts_exact():
    """Before the gap the counts at kappa = 1e12 were off by 2e-5 relative."""
    with mpmath.workdps(50):
        for row in md.tuned_rates(1e12, 1e-6):
            g = closed_form_gaps(1e12)[(row.method, row.tuning)]
            n = mpmath.ceil(mpmath.log(mpmath.mpf(1e-6)) / mpmath.log(1 - g))
            assert abs(row.exact_iterations - n) <= max(1, 1e-15 * n)


def test_iterations_from_gap_against_mpmath():
    for gap in (1e-20, 2e-16, 1e-8, 0.3, 1.0):
        with mpmath.workdps(50):
            n = mpmath.ceil(mpmath.log(mpmath.mpf(1e-6)) / mpmath.log(1 - mpmath.mpf(gap)))
        got = md.iterations_to_tolerance(gap=gap, tolerance=1e-6)
        assert abs(got - n) <= max(1, 4 * EPS * n)
    assert md.iterations_to_tolerance(gap=[0.0, -1e-3], tolerance=1e-6).tolist() == [np.inf,
                                                                                     np.inf]


def test_iterations_to_tolerance_arguments():
    with pytest.raises(TypeError, match="exactly one of rate and gap"):
        md.iterations_to_tolerance(0.5, gap=0.5)
    with pytest.raises(TypeError, match="exactly one of rate and gap"):
        md.iterations_to_tolerance()
    with pytest.raises(ValueError, match="gap.*<= 1"):
        md.iterations_to_tolerance(gap=1.5)
    # the rate form is unchanged
    assert md.iterations_to_tolerance(0.5, 1e-3) == 10.0


@pytest.mark.parametrize("kappa", [1e4, 1e12, 1e16])
def test_worst_case_gap_at_tuned_parameters(kappa):
    """The worst-case gap over [1, kappa] at the Polyak-tuned parameters: against the
    hand-written polynomials at both ends (mpmath, from the same floats), and close to
    the published gap (the tuned alpha, beta are rounded floats, whose conditioning at
    the upper end is about kappa ulps)."""
    with mpmath.workdps(50):
        gaps = closed_form_gaps(kappa)
    for name in ("gd", "heavy_ball"):
        p = md.optimal_parameters(name, 1.0, kappa)
        got = md.worst_case_gap(name, p.alpha, p.beta, 1.0, kappa)
        ref, lam = min((reference_gap(name, p.alpha, p.beta, lam), lam) for lam in (1.0, kappa))
        assert abs(got - ref) <= allowed_error(name, p.alpha, p.beta, lam, ref)
        g = gaps[(name, "optimal")]
        assert abs(got - g) <= 4 * EPS * kappa * g
    # GD's poles are simple: the complement of the rate agrees to rounding. (Tuned heavy
    # ball sits on a double pole at L, where both are only sqrt(eps)-accurate.)
    p = md.optimal_parameters("gd", 1.0, kappa)
    rate = md.convergence_rate("gd", p.alpha, None, 1.0, kappa)
    assert md.worst_case_gap("gd", p.alpha, None, 1.0, kappa) == pytest.approx(1 - rate,
                                                                             abs=2 * EPS)


# ----------------------------------------------------------------------------- defect 3


def hb_variance(lr, beta, lam, het, clients):
    """Stationary E||x - x*||^2 of heavy ball under noise of variance het*lam^2/clients
    per direction (K = 1 local step of size 1, so P = H), from the AR(2) closed form
    lr^2 s^2 (1 + b)/(h (1 - b)(2(1 + b) - h)), h = lr*lam, summed at 50 digits."""
    with mpmath.workdps(50):
        b = mpmath.mpf(beta)
        total = mpmath.mpf(0)
        for x in lam:
            p = mpmath.mpf(x)
            h = mpmath.mpf(lr) * p
            s2 = mpmath.mpf(het) * p * p / clients
            total += mpmath.mpf(lr) ** 2 * s2 * (1 + b) / (h * (1 - b) * (2 * (1 + b) - h))
        return total


def test_server_variance_at_kappa_1e16():
    """The CLI's `variance --kappa 1e16` case: before, beta = 0 was called unstable
    (the radius on the curvature 1e-16 rounds to 1) and the variance NaN."""
    from momentum_dynamics.applications import (
        optimal_server_beta,
        server_momentum_model,
        server_variance,
    )

    lam = np.geomspace(1e-16, 1.0, 50)
    model = server_momentum_model(lam, 1.0, clients_per_round=10)
    betas = np.array([-0.7, -0.3, 0.0, 0.5, 0.99])
    for lr in (0.5, 1.0, 1.5):
        got = server_variance(model, lr, betas)
        for b, g in zip(betas, got, strict=True):
            if lr * 1.0 >= 2 * (1 + b):  # unstable on the largest curvature (Jury)
                assert np.isnan(g)
            else:
                ref = hb_variance(lr, b, lam, 1.0, 10)
                assert abs(g - ref) <= 1e-13 * ref, (lr, b, g, ref)
    # the optimum against a bounded search on the closed form
    import scipy.optimize

    r = optimal_server_beta(model, 0.5)
    ref = scipy.optimize.minimize_scalar(lambda b: float(hb_variance(0.5, b, lam, 1.0, 10)),
                                         bounds=(-0.74, 0.99), method="bounded",
                                         options={"xatol": 1e-10})
    assert r.beta == pytest.approx(ref.x, abs=1e-6)
    assert r.value == pytest.approx(ref.fun, rel=1e-12)
    assert r.stable_betas[0] < -0.7 and not r.at_boundary


def test_cli_variance_kappa_1e16(tmp_path, capsys):
    from momentum_dynamics.cli import main

    out = tmp_path / "v.png"
    assert main(["variance", "--kappa", "1e16", "--no-progress", "--server-lr", "0.5",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    row = next(line for line in text.splitlines() if line.strip().startswith("0.5"))
    at_zero = float(row.split()[3])
    lam = np.geomspace(1e-16, 1.0, 50)
    assert at_zero == pytest.approx(float(hb_variance(0.5, 0.0, lam, 1.0, 10)), rel=1e-5)
    assert "nan" not in row and "end of the searched range" not in row

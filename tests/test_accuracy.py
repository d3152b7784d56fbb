"""The accuracy contract of the spectral radius (heavy ball and Nesterov).

For float inputs ``alpha, beta, lambda`` the reference is computed at 50 digits with
mpmath from the *same* floats (exact products, no rounding of the inputs): the roots of
the characteristic polynomial by the quadratic formula. The contract is

.. math:: |\\rho - \\rho_{\\rm ref}| / \\rho_{\\rm ref}
          \\le 10^{-14} (1 + \\alpha\\lambda/\\sqrt{|\\Delta|}),

with :math:`\\Delta` the exact discriminant: the second term is the conditioning of the
roots themselves near a double root. Strategies cover beta within 1e-6 of 1, points
within 1e-12 (relative) of a double root, kappa up to 1e12 and generic points.

The naive alternatives (``numpy.roots`` on the expanded polynomial,
``numpy.linalg.eigvals`` of the state matrix) are shown to break the same bound.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import momentum_dynamics as md

METHODS = ["heavy_ball", "nesterov"]


def reference(method, alpha, beta, lam):
    """(rho, disc, h) at 50 digits from the float inputs."""
    with mpmath.workdps(50):
        h = mpmath.mpf(alpha) * mpmath.mpf(lam)
        b = mpmath.mpf(beta)
        if method == "heavy_ball":
            T, D = 1 + b - h, b
        else:
            T, D = (1 + b) * (1 - h), b * (1 - h)
        disc = T * T - 4 * D
        sq = mpmath.sqrt(mpmath.mpc(disc))
        rho = max(abs((T + sq) / 2), abs((T - sq) / 2))
        return rho, disc, h


def bound(disc, h):
    with mpmath.workdps(50):
        if disc == 0:
            return mpmath.inf
        return mpmath.mpf("1e-14") * (1 + abs(h) / mpmath.sqrt(abs(disc)))


def rel_error(value, rho):
    with mpmath.workdps(50):
        if rho == 0:
            return mpmath.mpf(0) if value == 0 else mpmath.inf
        return abs(mpmath.mpf(value) - rho) / rho


def check(method, alpha, beta, lam):
    rho, disc, h = reference(method, alpha, beta, lam)
    got = md.spectral_radius(method, alpha, beta, lam)
    err = rel_error(got, rho)
    assert err <= bound(disc, h), (method, alpha, beta, lam, got, rho, err, bound(disc, h))
    # the poles give the same modulus
    p = md.poles(method, alpha, beta, lam)
    assert rel_error(float(np.abs(p[0])), rho) <= 2 * bound(disc, h) + 1e-15


def critical(method, h):
    s = math.sqrt(h)
    return (1 - s) ** 2 if method == "heavy_ball" else (1 - s) / (1 + s)


method_st = st.sampled_from(METHODS)


@settings(max_examples=150, deadline=None)
@given(method=method_st, u=st.floats(-12, -6), alpha=st.floats(1e-3, 1.5),
       lam_exp=st.floats(-12, 0.5))
@example(method="heavy_ball", u=-12.0, alpha=1.0, lam_exp=-12.0)
@example(method="nesterov", u=-6.0, alpha=1.0, lam_exp=-12.0)
def test_beta_near_one(method, u, alpha, lam_exp):
    beta = 1 - 10.0**u
    check(method, alpha, beta, 10.0**lam_exp)


@settings(max_examples=150, deadline=None)
@given(method=method_st, h_exp=st.floats(-12, math.log10(3.9)), d=st.floats(-1e-12, 1e-12),
       alpha=st.floats(0.01, 2.0))
@example(method="heavy_ball", h_exp=-12.0, d=1e-12, alpha=1.0)
@example(method="nesterov", h_exp=-12.0, d=-1e-12, alpha=1.0)
@example(method="heavy_ball", h_exp=-2.0, d=0.0, alpha=0.3)
def test_near_double_root(method, h_exp, d, alpha):
    h = 10.0**h_exp
    lam = h / alpha
    beta = critical(method, alpha * lam) * (1 + d)
    if not -1 <= beta <= 1:
        return
    check(method, alpha, beta, lam)


@settings(max_examples=150, deadline=None)
@given(method=method_st, u=st.floats(-12, 0), alpha=st.floats(0.5, 1.5),
       beta_kind=st.sampled_from(["tuned", "critical_at_mu", "uniform"]),
       beta_u=st.floats(0, 1))
def test_large_condition_number(method, u, alpha, beta_kind, beta_u):
    lam = 10.0**u  # kappa = 1/lam up to 1e12 with L = 1
    if beta_kind == "tuned":
        sk = math.sqrt(1 / lam)
        beta = ((sk - 1) / (sk + 1)) ** 2
    elif beta_kind == "critical_at_mu":
        beta = critical(method, min(alpha * lam, 3.9))
    else:
        beta = beta_u
    check(method, alpha, beta, lam)


@settings(max_examples=200, deadline=None)
@given(method=method_st, alpha=st.floats(1e-4, 4.0), beta=st.floats(-1.0, 1.0),
       lam=st.floats(-10.0, 10.0))
def test_generic_points(method, alpha, beta, lam):
    check(method, alpha, beta, lam)


# --------------------------------------------------------------------------
# Where the library falls short of its own contract
# --------------------------------------------------------------------------

NESTEROV_NEAR_H_ONE = [
    # (alpha, beta, lambda) with alpha*lambda within an ulp of 1 (a double pole at 0 for
    # every beta: the factor (1 - alpha*lambda) of the discriminant)
    (0.3, 0.5, 3.3333333333333335),
    (0.1, 0.5, 10.000000000000002),
    (0.7, 0.9, 1 / 0.7),
]


@pytest.mark.parametrize("alpha, beta, lam", NESTEROV_NEAR_H_ONE)
def test_nesterov_near_unit_step(alpha, beta, lam):
    check("nesterov", alpha, beta, lam)


# (alpha, beta, lambda): beta is the critical momentum times (1 + d) with |d| <= 1e-12 and
# alpha*lambda close to 1, so the double pole 1 - sqrt(alpha*lambda) is small (rho ~ 3e-3
# and 5e-4): the e-form discriminant (e + h)**2 - 4h cancels terms of size 4 there.
SMALL_DOUBLE_POLE = [
    ("heavy_ball", 1.0, 6.265673999673321e-06, 0.995),    # rho_ref = 0.00250313283700...
    ("heavy_ball", 1.0, 2.51257867600653e-05, 0.99),      # rho_ref = 0.00501256790820...
    ("nesterov", 1.0, -0.0002498750780701031, 1.001),     # rho_ref = 0.00049987553467...
    ("nesterov", 1.0, 0.0002501250781799575, 0.999),      # rho_ref = 0.00050012506253...
]


@pytest.mark.parametrize("method, alpha, beta, lam", SMALL_DOUBLE_POLE)
def test_small_double_pole_near_unit_step(method, alpha, beta, lam):
    h = alpha * lam
    # Near a double root (the float closed form itself is only good to ~1e-10 here).
    assert abs(beta - critical(method, h)) <= 1e-9 * abs(critical(method, h))
    check(method, alpha, beta, lam)


# --------------------------------------------------------------------------
# Why not the naive approaches
# --------------------------------------------------------------------------

NAIVE_POINTS = [
    # beta near 1 with kappa large (overdamped, two nearby real poles near 1)
    ("heavy_ball", 1.0, 1 - 1e-3, 1e-12),
    ("nesterov", 1.0, 1 - 1e-3, 1e-12),
    ("heavy_ball", 1.0, 1 - 1e-6, 1e-13),
    # near a double root
    ("heavy_ball", 1.0, critical("heavy_ball", 1e-8) * (1 - 1e-10), 1e-8),
    ("nesterov", 1.0, critical("nesterov", 1e-8) * (1 - 1e-10), 1e-8),
]


def naive_roots(method, alpha, beta, lam):
    h = alpha * lam
    if method == "heavy_ball":
        coeffs = [1.0, -(1 + beta - h), beta]
    else:
        coeffs = [1.0, -(1 + beta) * (1 - h), beta * (1 - h)]
    return float(np.abs(np.roots(coeffs)).max())


def naive_eigvals(method, alpha, beta, lam):
    h = alpha * lam
    if method == "heavy_ball":
        A = np.array([[1 - h, -beta], [alpha * lam, beta]])
    else:
        A = np.array([[1 - h, -beta * (1 - h)], [alpha * lam, beta * (1 - h)]])
    return float(np.abs(np.linalg.eigvals(A)).max())


@pytest.mark.parametrize("naive", [naive_roots, naive_eigvals], ids=["np.roots", "eigvals"])
def test_naive_approaches_violate_the_bound(naive):
    violations = 0
    for method, alpha, beta, lam in NAIVE_POINTS:
        rho, disc, h = reference(method, alpha, beta, lam)
        if rel_error(naive(method, alpha, beta, lam), rho) > bound(disc, h):
            violations += 1
        # while the library meets it at the same points
        check(method, alpha, beta, lam)
    assert violations >= 1

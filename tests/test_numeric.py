"""Tests of momentum_dynamics.numeric against independent computations.

The references are built here: state matrices typed by hand from each recurrence (and
checked against the recurrence itself), ``numpy.linalg.eigvals`` on them, exact
rational arithmetic (``fractions``) for discriminant signs, plain-loop simulations,
brute-force grid searches, ``math.log`` and the published closed forms of Polyak (1964),
Lessard, Recht & Packard (2016) and Nesterov's textbook tuning.
"""

from __future__ import annotations

import math
import zlib
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from _reference import NU, hand_step
from hypothesis import given, settings
from hypothesis import strategies as st

import momentum_dynamics as md

SHIPPED = ["gd", "heavy_ball", "nesterov", "ema_momentum"]
ALL = SHIPPED + ["qhm"]
MOMENTUM = ["heavy_ball", "nesterov", "ema_momentum", "qhm"]


def qhm(x, v, grad, alpha, beta, nu):
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


@pytest.fixture(scope="module", autouse=True)
def qhm_registered():
    md.register_method(qhm, overwrite=True)
    yield
    md.unregister_method("qhm")


def extra(name):
    return {"nu": NU} if name == "qhm" else {}


# --------------------------------------------------------------------------
# Hand-written references
# --------------------------------------------------------------------------


def hand_matrix(name, alpha, beta, lam, nu=NU):
    """State matrices of (x, v), shape broadcast + (n, n), typed from the recurrences."""
    alpha, lam = np.asarray(alpha), np.asarray(lam)
    beta = np.asarray(0.0 if beta is None else beta)
    shape = np.broadcast_shapes(alpha.shape, beta.shape, lam.shape)
    dtype = complex if np.iscomplexobj(lam) else float
    h = alpha * lam
    if name == "gd":
        M = np.empty((*shape, 1, 1), dtype)
        M[..., 0, 0] = 1 - h
        return M
    M = np.empty((*shape, 2, 2), dtype)
    if name == "heavy_ball":
        entries = (1 - h, -beta, alpha * lam, beta)
    elif name == "nesterov":
        entries = (1 - h, -beta * (1 - h), alpha * lam, beta * (1 - h))
    elif name == "ema_momentum":
        entries = (1 - h * (1 - beta), -alpha * beta, (1 - beta) * lam, beta)
    elif name == "qhm":
        entries = (1 - h + h * nu * beta, -alpha * nu * beta, (1 - beta) * lam, beta)
    else:
        raise AssertionError(name)
    for (i, j), e in zip([(0, 0), (0, 1), (1, 0), (1, 1)], entries, strict=True):
        M[..., i, j] = e
    return M


def hand_rho(name, alpha, beta, lam, nu=NU):
    return np.abs(np.linalg.eigvals(hand_matrix(name, alpha, beta, lam, nu))).max(axis=-1)


@pytest.mark.parametrize("name", ALL)
def test_hand_matrices_are_the_recurrences(name):
    """Self-check of the reference: columns of the matrix are steps of basis vectors."""
    rng = np.random.default_rng(0)
    for _ in range(5):
        alpha, beta, lam = rng.uniform(0.01, 1), rng.uniform(-1, 1), rng.uniform(-2, 3)
        M = hand_matrix(name, alpha, beta, lam)
        n = M.shape[-1]
        for j in range(n):
            s = np.zeros(2)
            s[j] = 1.0
            x, v = hand_step(name, s[0], s[1], lambda y, lam=lam: lam * y, alpha, beta)
            np.testing.assert_allclose(M[:, j], [x, v][:n], rtol=1e-14, atol=1e-15)


def match_sets(got, want, rtol):
    """Compare the last axis as multisets of complex numbers (order-free)."""
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape
    g = got.reshape(-1, got.shape[-1])
    w = want.reshape(-1, want.shape[-1])
    for gi, wi in zip(g, w, strict=True):
        rem = list(gi)
        for x in wi:
            j = int(np.argmin([abs(r - x) for r in rem]))
            assert abs(rem[j] - x) <= rtol * max(1.0, abs(x)), (gi, wi)
            rem.pop(j)


def well_separated(M, gap=1e-4):
    ev = np.linalg.eigvals(M)
    if ev.shape[-1] == 1:
        return np.ones(ev.shape[:-1], bool)
    return np.abs(ev[..., 0] - ev[..., 1]) > gap


# --------------------------------------------------------------------------
# Poles and spectral radius
# --------------------------------------------------------------------------

SHAPES = [((3, 1), (1, 4), ()), ((), (3, 1), (1, 4)), ((5,), (), (5,)),
          ((2, 1, 1), (1, 3, 1), (4,))]


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("kind", ["real", "negative", "complex"])
def test_poles_and_spectral_radius_vs_eigvals(name, shapes, kind):
    # crc32, not hash(): string hashes change between runs (PYTHONHASHSEED)
    rng = np.random.default_rng(zlib.crc32(f"{name}{shapes}{kind}".encode()))
    sa, sb, sl = shapes
    alpha = rng.uniform(0.01, 1.2, sa)
    beta = rng.uniform(-0.95, 0.999, sb)
    if kind == "real":
        lam = rng.uniform(0.0, 4.0, sl)
    elif kind == "negative":
        lam = rng.uniform(-3.0, 0.0, sl)
    else:
        lam = rng.uniform(-1, 4, sl) + 1j * rng.uniform(-2, 2, sl)
    b = None if name == "gd" else beta
    shape = np.broadcast_shapes(sa, sb if b is not None else (), sl)
    M = hand_matrix(name, alpha, b, lam)
    M = np.broadcast_to(M, (*shape, *M.shape[-2:]))
    ev = np.linalg.eigvals(M)
    p = md.poles(name, alpha, b, lam, **extra(name))
    assert p.shape == (*shape, M.shape[-1])
    assert p.dtype == complex
    # sorted by decreasing modulus
    assert np.all(np.abs(p[..., 0]) >= np.abs(p[..., -1]) * (1 - 1e-15))
    sep = well_separated(M)
    match_sets(p[sep], ev[sep], 1e-9)
    rho = md.spectral_radius(name, alpha, b, lam, **extra(name))
    assert np.shape(rho) == shape
    np.testing.assert_allclose(np.asarray(rho)[sep], np.abs(ev).max(-1)[sep], rtol=1e-10,
                               atol=1e-14)
    # near a double pole eigvals loses half the digits; compare loosely there
    np.testing.assert_allclose(rho, np.abs(ev).max(-1), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov", "qhm"])
def test_spectral_radius_on_a_large_grid(name):
    """More points than one evaluation block: the chunked path agrees with eigvals."""
    alpha = np.geomspace(1e-3, 1.0, 300)[:, None]
    lam = np.linspace(-0.5, 5.0, 400)[None, :]
    beta = 0.8
    rho = md.spectral_radius(name, alpha, beta, lam, **extra(name))
    assert rho.shape == (300, 400)
    want = hand_rho(name, alpha, beta, lam)
    np.testing.assert_allclose(rho, want, rtol=1e-6, atol=1e-8)
    stab = md.is_stable(name, alpha, beta, lam, **extra(name))
    keep = np.abs(want - 1) > 1e-6
    np.testing.assert_array_equal(stab[keep], want[keep] < 1)


# qhm pays for compiling its kernels here (> 2 s): slow
@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n == "qhm" else n for n in ALL])
def test_zero_dimensional_inputs_give_python_scalars(name):
    b = None if name == "gd" else 0.5
    kw = extra(name)
    r = md.spectral_radius(name, 0.1, b, 1.0, **kw)
    assert type(r) is float
    assert r == pytest.approx(hand_rho(name, 0.1, b, 1.0), rel=1e-12)
    assert type(md.spectral_radius(name, np.float64(0.1), b, np.array(1.0), **kw)) is float
    assert type(md.is_stable(name, 0.1, b, 1.0, **kw)) is bool
    assert type(md.damping_regime(name, 0.1, b, 1.0, **kw)) is str
    assert type(md.effective_learning_rate(name, 0.1, b, **kw)) is float
    assert type(md.convergence_rate(name, 0.1, b, 1.0, 2.0, **kw)) is float
    if name != "gd":
        assert type(md.critical_beta(name, 0.1, 1.0, **kw)) is float
        assert type(md.continuous_critical_beta(name, 0.1, 1.0, **kw)) is float
    p = md.poles(name, 0.1, b, 1.0, **kw)
    assert p.shape == (md.get_method(name).order,)
    assert type(md.iterations_to_tolerance(0.5)) is float


@pytest.mark.parametrize("name", ALL)
def test_is_stable_vs_eigvals(name):
    rng = np.random.default_rng(3)
    n = 3000
    alpha = rng.uniform(0.01, 2.0, n)
    beta = None if name == "gd" else rng.uniform(-1, 1, n)
    lam = rng.uniform(-1, 6, n)
    want = hand_rho(name, alpha, beta, lam)
    got = md.is_stable(name, alpha, beta, lam, **extra(name))
    keep = np.abs(want - 1) > 1e-7
    np.testing.assert_array_equal(got[keep], want[keep] < 1)
    assert 0 < got.sum() < n


def test_spectral_radius_docstring_values_by_hand():
    # heavy ball at alpha*lambda = 0.1, beta = 0.9: complex pair of modulus sqrt(0.9)
    assert md.spectral_radius("heavy_ball", 0.1, 0.9, 1.0) == pytest.approx(math.sqrt(0.9),
                                                                             rel=1e-15)
    # gd: |1 - alpha*lambda|
    np.testing.assert_allclose(md.spectral_radius("gd", [0.5, 1.0, 2.5], None, 1.0),
                               [0.5, 0.0, 1.5], atol=1e-16)


# --------------------------------------------------------------------------
# Damping regime
# --------------------------------------------------------------------------


def exact_trace_det(name, alpha, beta, lam, nu=NU):
    """Trace and determinant in exact rationals from the float inputs."""
    a, b, la, n = Fraction(alpha), Fraction(beta), Fraction(lam), Fraction(nu)
    h = a * la
    if name == "heavy_ball":
        return 1 + b - h, b
    if name == "nesterov":
        return (1 + b) * (1 - h), b * (1 - h)
    if name == "ema_momentum":
        return 1 + b - h * (1 - b), b
    if name == "qhm":
        return 1 - h + h * n * b + b, b * (1 - h + h * n)
    raise AssertionError(name)


@pytest.mark.parametrize("name", MOMENTUM)
def test_damping_regime_vs_exact_discriminant_and_eigenvalues(name):
    rng = np.random.default_rng(17)
    n = 600
    alpha = rng.uniform(0.01, 1.5, n)
    beta = rng.uniform(-1, 1, n)
    lam = rng.uniform(-0.5, 4, n)
    got = md.damping_regime(name, alpha, beta, lam, **extra(name))
    M = hand_matrix(name, alpha, beta, lam)
    ev = np.linalg.eigvals(M)
    rho = np.abs(ev).max(-1)
    seen = set()
    for i in range(n):
        if abs(rho[i] - 1) < 1e-9:
            continue
        if rho[i] >= 1:
            assert got[i] == "unstable"
            seen.add("unstable")
            continue
        T, D = exact_trace_det(name, alpha[i], beta[i], lam[i])
        disc = T * T - 4 * D
        if abs(disc) < 1e-9:
            continue
        want = "underdamped" if disc < 0 else "overdamped"
        assert got[i] == want, (alpha[i], beta[i], lam[i])
        assert (abs(ev[i].imag).max() > 0) == (want == "underdamped")
        seen.add(want)
    assert seen == {"unstable", "underdamped", "overdamped"}


def test_damping_regime_gd():
    got = md.damping_regime("gd", 1.0, None, [0.5, 1.5, 2.5, -1.0])
    assert list(got) == ["overdamped", "overdamped", "unstable", "unstable"]


@pytest.mark.parametrize(
    "name, beta_c",
    [
        ("heavy_ball", lambda h: (1 - math.sqrt(h)) ** 2),
        ("nesterov", lambda h: (1 - math.sqrt(h)) / (1 + math.sqrt(h))),
        ("ema_momentum", lambda h: ((1 - h) / (1 + h)) ** 2),
    ],
)
def test_damping_regime_is_critical_at_the_closed_form(name, beta_c):
    alpha = 0.5
    for h in [1e-3, 0.04, 0.3, 0.7, 2.0, 3.5]:
        bc = beta_c(h)
        assert md.damping_regime(name, alpha, bc, h / alpha) == "critical", h
        # the library's own critical momentum is classified as critical too
        lib = md.critical_beta(name, alpha, h / alpha)
        assert md.damping_regime(name, alpha, lib, h / alpha) == "critical", h
        if h < 1:
            # a little more momentum is underdamped, a little less overdamped
            assert md.damping_regime(name, alpha, bc + 1e-3 * (1 - bc), h / alpha) == "underdamped"
            assert md.damping_regime(name, alpha, bc - 1e-3 * (1 - bc), h / alpha) == "overdamped"


@pytest.mark.parametrize("name, h", [("heavy_ball", 1e-10), ("ema_momentum", 1e-6),
                                     ("ema_momentum", 1e-8), ("ema_momentum", 1e-10)])
def test_damping_regime_of_critical_beta_for_small_steps(name, h):
    alpha = 0.5
    bc = md.critical_beta(name, alpha, h / alpha)
    # the double pole is there to the resolution of the float beta: eigenvalues agree to
    # ~sqrt(eps) (the conditioning of a double root)
    ev = np.linalg.eigvals(hand_matrix(name, alpha, bc, h / alpha))
    assert abs(ev[0] - ev[1]) < 1e-6
    assert md.damping_regime(name, alpha, bc, h / alpha) == "critical"


def test_damping_regime_docstring_example_by_hand():
    # alpha*lambda = 1/4: critical beta (1 - 1/2)^2 = 1/4; beta = 1 has a pole at 1
    got = md.damping_regime("heavy_ball", 0.25, [0.1, 0.25, 0.9, 1.0], 1.0)
    assert list(got) == ["overdamped", "critical", "underdamped", "unstable"]


# --------------------------------------------------------------------------
# Critical beta
# --------------------------------------------------------------------------


def qhm_critical_reference(h, nu=NU):
    """Critical QHM momentum: roots in beta of T^2 - 4D (a quadratic), stable branch."""
    # T = (1 + h nu) beta + (1 - h), D = (1 - h + h nu) beta
    c2 = (1 + h * nu) ** 2
    c1 = 2 * (1 + h * nu) * (1 - h) - 4 * (1 - h + h * nu)
    c0 = (1 - h) ** 2
    best = (math.inf, math.nan)
    for r in np.roots([c2, c1, c0]):
        if abs(r.imag) > 1e-12 or not -1 <= r.real <= 1:
            continue
        pole = abs((1 + h * nu) * r.real + (1 - h)) / 2
        if pole < 1 and pole < best[0]:
            best = (pole, r.real)
    return best[1]


def test_critical_beta_closed_forms():
    h = np.array([1e-8, 1e-4, 0.01, 0.25, 0.81, 1.0, 1.7, 3.0, 3.99])
    alpha = 0.5
    s = np.sqrt(h)
    np.testing.assert_allclose(md.critical_beta("heavy_ball", alpha, h / alpha), (1 - s) ** 2,
                               rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(md.critical_beta("nesterov", alpha, h / alpha),
                               (1 - s) / (1 + s), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(md.critical_beta("ema_momentum", alpha, h / alpha),
                               ((1 - h) / (1 + h)) ** 2, rtol=1e-13, atol=1e-15)
    hh = np.array([1e-3, 0.1, 1.0, 10.0, 1e3])
    np.testing.assert_allclose(md.critical_beta("ema_momentum", 1.0, hh),
                               ((1 - hh) / (1 + hh)) ** 2, rtol=1e-12)


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov"])
def test_critical_beta_is_nan_where_none_exists(name):
    lam = np.array([-2.0, -1e-9, 0.0, 4.0, 4.5, 100.0])
    got = md.critical_beta(name, 1.0, lam)
    assert np.all(np.isnan(got))
    assert math.isnan(md.critical_beta(name, 0.1, 40.0))  # alpha*lambda = 4
    assert math.isnan(md.continuous_critical_beta(name, 0.1, -1.0))


def test_critical_beta_broadcasts():
    alpha = np.array([[0.1], [0.2], [0.3]])
    lam = np.array([[0.5, 1.0, 2.0, 30.0]])
    got = md.critical_beta("heavy_ball", alpha, lam)
    h = alpha * lam
    want = np.where(h < 4, (1 - np.sqrt(h)) ** 2, np.nan)
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_critical_beta_qhm_vs_reference():
    hs = np.concatenate([np.geomspace(1e-4, 0.9, 12), np.linspace(1.1, 5.0, 12)])
    got = md.critical_beta("qhm", 1.0, hs, nu=NU)
    want = np.array([qhm_critical_reference(h) for h in hs])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert np.isfinite(got).sum() >= 12 and np.isnan(got).sum() >= 1


@pytest.mark.parametrize("name", MOMENTUM)
def test_critical_beta_gives_a_double_pole(name):
    hs = np.array([1e-3, 0.05, 0.5, 2.0])
    cb = md.critical_beta(name, 1.0, hs, **extra(name))
    assert np.isfinite(cb).sum() >= 3  # the loop below must check something
    for h, b in zip(hs, cb, strict=True):
        if np.isnan(b):
            continue
        ev = np.linalg.eigvals(hand_matrix(name, 1.0, b, h))
        assert abs(ev[0] - ev[1]) < 1e-6 * max(1, abs(ev[0]))
        assert np.abs(ev).max() < 1
        assert md.damping_regime(name, 1.0, b, h, **extra(name)) == "critical"


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov"])
def test_continuous_critical_beta_hb_nag(name):
    h = np.array([1e-6, 1e-2, 0.3, 2.0])
    np.testing.assert_allclose(md.continuous_critical_beta(name, 1.0, h), 1 - 2 * np.sqrt(h),
                               rtol=1e-14)
    # differs from the exact heavy-ball value by exactly alpha*lambda
    if name == "heavy_ball":
        np.testing.assert_allclose(md.critical_beta(name, 1.0, h[:3]) -
                                   md.continuous_critical_beta(name, 1.0, h[:3]), h[:3],
                                   rtol=1e-9)


def test_continuous_critical_beta_qhm_is_leading_order():
    hs = np.array([1e-2, 1e-3, 1e-4])
    exact = np.array([qhm_critical_reference(h) for h in hs])
    cont = md.continuous_critical_beta("qhm", 1.0, hs, nu=NU)
    rel = np.abs(exact - cont) / np.abs(1 - cont)
    assert rel[0] < 0.1 and rel[2] < rel[1] < rel[0]


@pytest.mark.parametrize("h", [0.01, 0.2, 0.5, 0.9, 0.99])
def test_heavy_ball_at_critical_beta_never_changes_sign(h):
    beta = (1 - math.sqrt(h)) ** 2
    for alpha in (1.0, 0.01):
        lam = h / alpha
        x, v = 1.0, 0.0
        xs = []
        for _ in range(400):
            v = beta * v + alpha * lam * x
            x = x - v
            xs.append(x)
        xs = np.array(xs)
        xs = xs[np.abs(xs) > 1e-250]
        assert np.all(xs > 0)
        # the library's value drives the same simulation
        assert md.critical_beta("heavy_ball", alpha, lam) == pytest.approx(beta, rel=1e-13)


def test_heavy_ball_at_critical_beta_alternates_for_large_step():
    # 1 < alpha*lambda < 4: the double pole 1 - sqrt(h) is negative (documented)
    h = 2.25
    beta = md.critical_beta("heavy_ball", 1.0, h)
    x, v, signs = 1.0, 0.0, []
    for _ in range(60):
        v = beta * v + h * x
        x = x - v
        signs.append(np.sign(x))
    assert sum(a != b for a, b in zip(signs[:-1], signs[1:], strict=True)) > 50


# --------------------------------------------------------------------------
# Effective learning rate
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_effective_learning_rate_vs_simulation(name):
    alpha = np.array([0.01, 0.1, 0.5])
    beta = None if name == "gd" else np.array([0.9, 0.5, -0.3])
    got = md.effective_learning_rate(name, alpha, beta, **extra(name))
    g = 1.7
    for i in range(3):
        x, v = 0.0, 0.0
        for _ in range(2000):
            x_old = x
            x, v = hand_step(name, x, v, lambda y: g, alpha[i], None if beta is None else beta[i])
        assert got[i] == pytest.approx(-(x - x_old) / g, rel=1e-9)
    if name in ("heavy_ball", "nesterov"):
        np.testing.assert_allclose(got, alpha / (1 - beta), rtol=1e-15)
    else:
        np.testing.assert_allclose(got, alpha, rtol=1e-15)


def test_effective_learning_rate_has_no_steady_state_at_unit_beta():
    # simulation: at beta = 1 the heavy-ball step grows linearly (no steady state); at
    # beta = -1 it alternates between alpha*g and 0
    x, v, steps = 0.0, 0.0, []
    for _ in range(6):
        x_new, v = hand_step("heavy_ball", x, v, lambda y: 1.0, 0.1, -1.0)
        steps.append(x_new - x)
        x = x_new
    np.testing.assert_allclose(steps, [-0.1, 0.0] * 3, atol=1e-15)
    assert math.isnan(md.effective_learning_rate("heavy_ball", 0.1, 1.0))
    assert math.isnan(md.effective_learning_rate("heavy_ball", 0.1, -1.0))
    got = md.effective_learning_rate("nesterov", 0.1, [0.5, 1.0])
    assert got[0] == pytest.approx(0.2, rel=1e-15) and math.isnan(got[1])


def test_effective_learning_rate_ema_beta_one():
    # simulation: v stays at v0 = 0, so the iterate never moves under any gradient
    x, v = 0.0, 0.0
    for _ in range(100):
        x, v = hand_step("ema_momentum", x, v, lambda y: 1.0, 0.1, 1.0)
    assert x == 0.0
    assert not np.isfinite(md.effective_learning_rate("ema_momentum", 0.1, 1.0))


# --------------------------------------------------------------------------
# Worst case over [mu, L]
# --------------------------------------------------------------------------


def dense_worst(name, alpha, beta, mu, L, n=5000):
    lam = np.linspace(mu, L, n)
    return hand_rho(name, alpha, beta, lam).max()


@pytest.mark.parametrize("name", SHIPPED)
@settings(max_examples=30, deadline=None)
@given(
    alpha=st.floats(1e-3, 2.0),
    beta=st.floats(-1.0, 1.0),
    mu=st.floats(1e-3, 2.0),
    ratio=st.floats(1.0, 50.0),
)
def test_convergence_rate_endpoint_claim(name, alpha, beta, mu, ratio):
    L = mu * ratio
    b = None if name == "gd" else beta
    got = md.convergence_rate(name, alpha, b, mu, L)
    dense = dense_worst(name, alpha, b, mu, L)
    ends = max(hand_rho(name, alpha, b, mu), hand_rho(name, alpha, b, L))
    # eigvals loses ~sqrt(eps) at double poles: compare with 1e-7
    assert got == pytest.approx(ends, rel=1e-7, abs=1e-9)
    assert dense <= got * (1 + 1e-7) + 1e-9


@pytest.mark.parametrize("alpha, beta", [(0.05, 0.9), (0.3, 0.2), (0.5, 0.7), (0.02, -0.5)])
def test_convergence_rate_registered_method_samples_the_interval(alpha, beta):
    mu, L = 0.5, 20.0
    got = md.convergence_rate("qhm", alpha, beta, mu, L, nu=NU)
    dense = dense_worst("qhm", alpha, beta, mu, L, n=20000)
    assert got <= dense * (1 + 1e-9)
    assert got == pytest.approx(dense, rel=1e-4)


def test_convergence_rate_broadcasts():
    alpha = np.array([[0.01], [0.1]])
    beta = np.array([[0.5], [0.9]])
    mu = np.array([0.1, 1.0, 2.0])
    L = 10.0
    got = md.convergence_rate("heavy_ball", alpha, beta, mu, L)
    assert got.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert got[i, j] == pytest.approx(
                dense_worst("heavy_ball", alpha[i, 0], beta[i, 0], mu[j], L), rel=1e-7)


# --------------------------------------------------------------------------
# Optimal parameters
# --------------------------------------------------------------------------


def closed_form(name, tuning, mu, L):
    k = L / mu
    sk = math.sqrt(k)
    if name == "gd":
        return 2 / (mu + L), None, (k - 1) / (k + 1)
    if name == "heavy_ball":
        rate = (sk - 1) / (sk + 1)
        return 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rate**2, rate
    if (name, tuning) == ("nesterov", "optimal"):
        q = math.sqrt(3 * k + 1)
        return 4 / (3 * L + mu), (q - 2) / (q + 2), 1 - 2 / q
    if (name, tuning) == ("nesterov", "standard"):
        return 1 / L, (sk - 1) / (sk + 1), 1 - 1 / sk
    raise AssertionError(name)


@pytest.mark.parametrize("name, tuning", [("gd", "optimal"), ("heavy_ball", "optimal"),
                                          ("nesterov", "optimal"), ("nesterov", "standard")])
def test_optimal_parameters_vs_closed_forms(name, tuning):
    for mu, L in [(1.0, 1.5), (0.1, 10.0), (2.0, 2e3), (1e-6, 1.0), (1.0, 1e12)]:
        p = md.optimal_parameters(name, mu, L, tuning=tuning)
        a, b, r = closed_form(name, tuning, mu, L)
        assert p.alpha == pytest.approx(a, rel=1e-12)
        assert (p.beta is None) == (b is None)
        if b is not None:
            assert p.beta == pytest.approx(b, rel=1e-9, abs=1e-15)
        assert p.rate == pytest.approx(r, rel=1e-12)
    mu = np.array([0.1, 1.0])
    p = md.optimal_parameters(name, mu, 10.0, tuning=tuning)
    np.testing.assert_allclose(p.rate, [closed_form(name, tuning, m, 10.0)[2] for m in mu],
                               rtol=1e-12)


def test_optimal_parameters_ema_is_heavy_ball_mapped():
    # EMA with (alpha, beta) is heavy ball with (alpha (1 - beta), beta)
    for mu, L in [(1.0, 10.0), (0.01, 100.0)]:
        aHB, bHB, r = closed_form("heavy_ball", "optimal", mu, L)
        p = md.optimal_parameters("ema_momentum", mu, L)
        assert p.beta == pytest.approx(bHB, rel=1e-10)
        assert p.alpha == pytest.approx(aHB / (1 - bHB), rel=1e-10)
        assert p.rate == pytest.approx(r, rel=1e-12)


def grid_worst(name, alphas, betas, mu, L, n_lam=200, nu=NU):
    """Worst spectral radius over [mu, L] for every (alpha, beta) of a grid (eigvals)."""
    lam = np.linspace(mu, L, n_lam)
    A = alphas[:, None, None]
    B = None if betas is None else betas[None, :, None]
    rho = hand_rho(name, A, B, lam[None, None, :], nu)
    return rho.max(-1)


@pytest.mark.parametrize("name, mu, L", [("gd", 1.0, 10.0), ("heavy_ball", 1.0, 10.0),
                                         ("nesterov", 1.0, 10.0), ("ema_momentum", 0.5, 30.0),
                                         ("heavy_ball", 0.01, 1.0)])
def test_optimal_parameters_beat_a_grid_search(name, mu, L):
    p = md.optimal_parameters(name, mu, L)
    # the rate is achieved (dense sweep at the returned parameters)
    assert dense_worst(name, p.alpha, p.beta, mu, L) == pytest.approx(p.rate, rel=1e-6)
    alphas = np.geomspace(p.alpha / 4, p.alpha * 4, 60)
    betas = None if p.beta is None else np.linspace(-0.5, 0.999, 80)
    grid = grid_worst(name, alphas, betas, mu, L)
    assert grid.min() >= p.rate - 1e-9


@pytest.mark.slow
def test_optimal_parameters_qhm_numeric_vs_brute_force():
    """The numeric minimax fallback, for a method the package does not ship."""
    mu, L = 1.0, 10.0
    p = md.optimal_parameters("qhm", mu, L, nu=NU)
    assert isinstance(p.alpha, float) and isinstance(p.beta, float)
    # the reported rate is the true worst case at the reported parameters
    assert dense_worst("qhm", p.alpha, p.beta, mu, L, n=20000) == pytest.approx(p.rate, rel=1e-5)
    # a brute-force grid finds nothing (meaningfully) better
    alphas = np.geomspace(0.01, 2.0, 120)
    betas = np.linspace(-0.9, 0.99, 120)
    grid = grid_worst("qhm", alphas, betas, mu, L, n_lam=150)
    i, j = np.unravel_index(np.argmin(grid), grid.shape)
    # refine the best grid cell
    fine_a = np.linspace(alphas[max(i - 1, 0)], alphas[min(i + 1, 119)], 40)
    fine_b = np.linspace(betas[max(j - 1, 0)], betas[min(j + 1, 119)], 40)
    fine = grid_worst("qhm", fine_a, fine_b, mu, L, n_lam=400)
    best = min(grid.min(), fine.min())
    assert p.rate <= best + 1e-4
    # and QHM with nu < 1 cannot beat Polyak's heavy ball (which is QHM at nu = 1)
    assert p.rate >= closed_form("heavy_ball", "optimal", mu, L)[2] - 1e-9


# --------------------------------------------------------------------------
# Iterations and rate tables
# --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(rate=st.floats(1e-6, 1 - 1e-9), tol=st.floats(1e-15, 0.5))
def test_iterations_to_tolerance_vs_math_log(rate, tol):
    k = md.iterations_to_tolerance(rate, tol)
    ratio = math.log(tol) / math.log(rate)
    want = math.ceil(ratio)
    if abs(ratio - round(ratio)) > 1e-9 * max(1.0, ratio):
        assert k == want
    else:
        assert k in (want, want + 1, want - 1)
    assert k >= 1


def test_iterations_to_tolerance_special_values():
    np.testing.assert_array_equal(md.iterations_to_tolerance([0.0, 1.0, 1.5], 1e-3),
                                  [1.0, math.inf, math.inf])
    assert md.iterations_to_tolerance(0.5, 1e-3) == math.ceil(math.log(1e-3) / math.log(0.5))


def mp_rates(method, tuning, kappa, exact):
    """Published tuned rates and their large-kappa approximations, at 50 digits."""
    out = []
    with mpmath.workdps(50):
        for k in map(mpmath.mpf, kappa):
            sk = mpmath.sqrt(k)
            if exact:
                r = {"gd": (k - 1) / (k + 1), "heavy_ball": (sk - 1) / (sk + 1),
                     "nesterov": 1 - 2 / mpmath.sqrt(3 * k + 1)}[method]
            else:
                r = {"gd": 1 - 2 / k, "heavy_ball": 1 - 2 / sk,
                     "nesterov": 1 - 2 / mpmath.sqrt(3 * k)}[method]
            out.append(1 - 1 / sk if tuning == "standard" else r)
    return out


def mp_count(rate, tol=1e-6):
    with mpmath.workdps(50):
        return 1.0 if rate == 0 else float(mpmath.ceil(mpmath.log(tol) / mpmath.log(rate)))


def test_tuned_rates_rows():
    kappa = np.array([1.0, 10.0, 100.0, 1e4, 1e8])
    rows = md.tuned_rates(kappa, tolerance=1e-6)
    assert [(r.method, r.tuning) for r in rows] == [
        ("gd", "optimal"), ("heavy_ball", "optimal"), ("nesterov", "optimal"),
        ("nesterov", "standard")]
    sk = np.sqrt(kappa)
    exact = [(kappa - 1) / (kappa + 1), (sk - 1) / (sk + 1), 1 - 2 / np.sqrt(3 * kappa + 1),
             1 - 1 / sk]
    approx = [1 - 2 / kappa, 1 - 2 / sk, 1 - 2 / np.sqrt(3 * kappa), 1 - 1 / sk]
    for row, e, a in zip(rows, exact, approx, strict=True):
        np.testing.assert_allclose(row.exact_rate, e, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(row.approximate_rate, a, rtol=1e-12, atol=1e-15)
        # counts from the published rates at 50 digits (not from the rounded float rate,
        # whose lost digits change the count at large kappa)
        for r, it in zip(mp_rates(row.method, row.tuning, kappa, exact=True),
                         row.exact_iterations, strict=True):
            assert it == mp_count(r)
        for r, it in zip(mp_rates(row.method, row.tuning, kappa, exact=False),
                         row.approximate_iterations, strict=True):
            assert it == mp_count(max(r, 0))
    # the exact rates are the worst cases of the tuned parameters (eigvals sweep)
    for row in rows:
        p = md.optimal_parameters(row.method, 1.0, 100.0, tuning=row.tuning)
        assert dense_worst(row.method, p.alpha, p.beta, 1.0, 100.0) == pytest.approx(
            row.exact_rate[2], rel=1e-7)


def test_tuned_rates_scalar():
    rows = md.tuned_rates(100.0)
    assert [round(r.exact_rate, 6) for r in rows] == [
        round(99 / 101, 6), round(9 / 11, 6), round(1 - 2 / math.sqrt(301), 6), 0.9]
    assert all(type(r.exact_rate) is float for r in rows)


@pytest.mark.parametrize("name", ["ema_momentum", "qhm"])
def test_critical_beta_nan_for_nonpositive_curvature(name):
    got = md.critical_beta(name, 0.5, [-3.0, -1e-12, 0.0], **extra(name))
    assert np.all(np.isnan(got))
    got = md.continuous_critical_beta(name, 0.5, [-3.0, 0.0], **extra(name))
    assert np.all(np.isnan(got))


def test_continuous_critical_beta_ema():
    # ((1 - h)/(1 + h))**2 = 1 - 4h + O(h**2)
    h = np.array([1e-6, 1e-3, 0.1])
    np.testing.assert_allclose(md.continuous_critical_beta("ema_momentum", 1.0, h), 1 - 4 * h,
                               rtol=1e-14)
    exact = ((1 - h) / (1 + h)) ** 2
    np.testing.assert_allclose(md.critical_beta("ema_momentum", 1.0, h), exact, rtol=1e-12)


@pytest.mark.parametrize("method", ["heavy_ball", "nesterov", "gd", "ema_momentum"])
def test_complex_curvature_near_unit_product(method):
    """The exact-product correction near alpha*lambda = 1 is for real input only."""
    beta = None if method == "gd" else 0.5
    lam = np.array([1.0 + 0.0j, 1.0 + 1e-4j, 1.0 - 3e-4, 0.9995 - 2e-4j])
    rho = md.spectral_radius(method, 1.0, beta, lam)
    # the characteristic polynomials typed from the recurrences (not the symbolic core)
    for value, r in zip(lam, rho, strict=True):
        h = 1.0 * value
        if method == "gd":
            coeffs = [1.0, -(1 - h)]
        elif method == "heavy_ball":
            coeffs = [1.0, -(1 + beta - h), beta]
        elif method == "nesterov":
            coeffs = [1.0, -(1 + beta) * (1 - h), beta * (1 - h)]
        else:  # ema_momentum: trace 1 + beta - h (1 - beta), determinant beta
            coeffs = [1.0, -(1 + beta - h * (1 - beta)), beta]
        assert r == pytest.approx(np.abs(np.roots(coeffs)).max(), rel=1e-12)

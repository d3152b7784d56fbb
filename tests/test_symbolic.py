"""Tests of momentum_dynamics.symbolic against independent computations.

References used here, all built in this file: the recurrences of each method written
out by hand with SymPy symbols (their Jacobians give the state matrix), SymPy matrix
algebra, ``numpy.linalg.eigvals`` / ``numpy.roots``, ``scipy.signal.ss2tf``, a
simulation under a constant gradient, mpmath at 50 digits, and published closed forms
(Polyak 1964; Lessard, Recht & Packard 2016; Nesterov's textbook tuning).
"""

from __future__ import annotations

import importlib.util
import math
import re

import mpmath
import numpy as np
import pytest
import scipy.signal
import sympy as sp
from _reference import NU, hand_step

import momentum_dynamics as md
from momentum_dynamics import symbolic as S

SHIPPED = ["gd", "heavy_ball", "nesterov", "ema_momentum"]
ALL = SHIPPED + ["qhm"]
MOMENTUM = ["heavy_ball", "nesterov", "ema_momentum", "qhm"]

a, b, lam, xi, z = S.alpha, S.beta, S.curvature, S.xi, S.z
nu = sp.Symbol("nu", real=True)
mu, L, kappa = S.mu, S.L, S.kappa


def qhm(x, v, grad, alpha, beta, nu):
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


@pytest.fixture(scope="module", autouse=True)
def qhm_registered():
    md.register_method(qhm, overwrite=True)
    yield
    md.unregister_method("qhm")


# --------------------------------------------------------------------------
# The recurrences, written out here (seed convention), on f(x) = lam x^2/2 + xi x
# --------------------------------------------------------------------------


def hand_recurrence(name, x, v):
    """New (x, v) as SymPy expressions; the gradient is lam*x + xi."""

    def g(y):
        return lam * y + xi

    if name == "gd":
        return (x - a * g(x),)
    if name == "heavy_ball":
        vn = b * v + a * g(x)
        return (x - vn, vn)
    if name == "nesterov":
        vn = b * v + a * g(x - b * v)
        return (x - vn, vn)
    if name == "ema_momentum":
        vn = b * v + (1 - b) * g(x)
        return (x - a * vn, vn)
    if name == "qhm":
        gx = g(x)
        vn = b * v + (1 - b) * gx
        return (x - a * ((1 - nu) * gx + nu * vn), vn)
    raise AssertionError(name)


def hand_model(name):
    """(A, B) as Jacobians of the hand recurrence."""
    x, v = sp.symbols("x_h v_h")
    state = [x] if name == "gd" else [x, v]
    new = sp.Matrix(hand_recurrence(name, x, v))
    return new.jacobian(state), new.jacobian([xi])


def hand_trace_det(name):
    """Trace and determinant of the hand state matrix (degree 2)."""
    A, _ = hand_model(name)
    return sp.expand(A.trace()), sp.expand(A.det())


def numeric_matrix(name, alpha, beta, curvature, nu_=NU):
    """The hand state matrix evaluated at numbers (complex curvature allowed)."""
    A, _ = hand_model(name)
    subs = {a: alpha, lam: curvature, nu: nu_}
    if name != "gd":
        subs[b] = beta
    return np.array(A.subs(subs).evalf(), dtype=complex)


def is_zero(expr):
    return sp.simplify(sp.expand(expr)) == 0


def numeric_points(n, seed, alpha_range=(0.01, 1.5), beta_range=(-0.9, 0.99),
                   lam_range=(-1.0, 3.0)):
    rng = np.random.default_rng(seed)
    return [
        (float(rng.uniform(*alpha_range)), float(rng.uniform(*beta_range)),
         float(rng.uniform(*lam_range)))
        for _ in range(n)
    ]


def lambdify_expr(expr):
    return sp.lambdify((a, b, lam, nu), expr, "numpy")


# --------------------------------------------------------------------------
# State space, characteristic polynomial, discriminant
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_state_space_is_the_jacobian_of_the_recurrence(name):
    A_h, B_h = hand_model(name)
    A, B, C, D = S.state_space(name)
    assert isinstance(A, sp.ImmutableMatrix)
    assert sp.simplify(A - A_h) == sp.zeros(*A_h.shape)
    assert sp.simplify(B - B_h) == sp.zeros(*B_h.shape)
    n = A_h.shape[0]
    assert C == sp.Matrix([[1] + [0] * (n - 1)])
    assert D == sp.Matrix([[0]])


def test_heavy_ball_state_matrix_written_out():
    # the matrix stated in the seed: [[1 - a lam, -b], [a lam, b]], B = [-a, a]^T
    A, B, _, _ = S.state_space("heavy_ball")
    assert A == sp.Matrix([[1 - a * lam, -b], [a * lam, b]])
    assert B == sp.Matrix([[-a], [a]])


def test_extra_hyperparameter_becomes_a_real_symbol():
    syms = S.hyperparameter_symbols("qhm")
    assert syms == {"alpha": a, "beta": b, "nu": nu}
    assert syms["nu"].is_real


@pytest.mark.parametrize(
    "name, expected",
    [
        ("gd", z - (1 - a * lam)),
        ("heavy_ball", z**2 - (1 + b - a * lam) * z + b),
        ("nesterov", z**2 - (1 + b) * (1 - a * lam) * z + b * (1 - a * lam)),
        ("ema_momentum", z**2 - (1 + b - a * lam * (1 - b)) * z + b),
    ],
)
def test_characteristic_polynomial_closed_forms(name, expected):
    assert sp.expand(S.characteristic_polynomial(name) - expected) == 0


@pytest.mark.parametrize("name", ALL)
def test_characteristic_polynomial_is_det_zI_minus_A(name):
    A, _ = hand_model(name)
    n = A.shape[0]
    assert sp.expand(S.characteristic_polynomial(name) - (z * sp.eye(n) - A).det()) == 0


@pytest.mark.parametrize("name", MOMENTUM)
def test_discriminant_is_trace_squared_minus_four_det(name):
    T, D = hand_trace_det(name)
    assert sp.expand(S.discriminant(name) - (T**2 - 4 * D)) == 0


def test_discriminant_closed_forms():
    h = a * lam
    assert sp.expand(S.discriminant("heavy_ball") - ((1 + b - h) ** 2 - 4 * b)) == 0
    assert sp.expand(
        S.discriminant("nesterov") - ((1 + b) ** 2 * (1 - h) ** 2 - 4 * b * (1 - h))
    ) == 0


# --------------------------------------------------------------------------
# Transfer functions
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_transfer_function_is_C_zI_minus_A_inverse_B(name):
    A, B = hand_model(name)
    n = A.shape[0]
    for i, out in enumerate(md.get_method(name).state):
        C = sp.zeros(1, n)
        C[0, i] = 1
        want = (C * (z * sp.eye(n) - A).inv() * B)[0, 0]
        got = S.transfer_function(name, output=out)
        assert sp.simplify(sp.together(got - want)) == 0


@pytest.mark.parametrize("name", ALL)
def test_transfer_function_matches_scipy_ss2tf(name):
    rng = np.random.default_rng(7)
    m = md.get_method(name)
    G = S.transfer_function(name)
    f = sp.lambdify((z, a, b, lam, nu), G, "numpy")
    for _ in range(5):
        alpha, beta, curv = rng.uniform(0.05, 1), rng.uniform(-0.9, 0.95), rng.uniform(-1, 3)
        A = numeric_matrix(name, alpha, beta, curv).real
        A_h, B_h = hand_model(name)
        Bn = np.array(B_h.subs({a: alpha, b: beta, lam: curv, nu: NU}).evalf(), float)
        C = np.zeros((1, m.order))
        C[0, 0] = 1.0
        num, den = scipy.signal.ss2tf(A, Bn, C, np.zeros((1, 1)))
        for zz in rng.standard_normal(4) + 1j * rng.standard_normal(4):
            want = np.polyval(num[0], zz) / np.polyval(den, zz)
            got = complex(f(zz, alpha, beta if m.has_momentum else 0.0, curv, NU))
            assert abs(got - want) <= 1e-10 * max(1.0, abs(want))


def test_heavy_ball_transfer_function_closed_form():
    den = z**2 - (1 + b - a * lam) * z + b
    assert sp.simplify(S.transfer_function("heavy_ball") - (-a * z / den)) == 0
    assert sp.simplify(S.transfer_function("heavy_ball", "v") - a * (z - 1) / den) == 0


# --------------------------------------------------------------------------
# Poles
# --------------------------------------------------------------------------


def _match_roots(got, want, tol):
    got, want = list(got), list(want)
    for w in want:
        j = int(np.argmin([abs(g - w) for g in got]))
        assert abs(got[j] - w) <= tol * max(1.0, abs(w)), (got, want)
        got.pop(j)


@pytest.mark.parametrize("name", ALL)
def test_symbolic_poles_match_np_roots(name):
    ps = S.poles(name)
    assert len(ps) == md.get_method(name).order
    fs = [sp.lambdify((a, b, lam, nu), p, "mpmath") for p in ps]
    A_h, _ = hand_model(name)
    n = A_h.shape[0]
    charpoly = sp.Poly((z * sp.eye(n) - A_h).det(), z)
    for alpha, beta, curv in numeric_points(10, seed=3):
        coeffs = [complex(c.subs({a: alpha, b: beta, lam: curv, nu: NU}))
                  for c in charpoly.all_coeffs()]
        want = np.roots(coeffs)
        if len(want) == 2 and abs(want[0] - want[1]) < 1e-6:
            continue  # np.roots is inaccurate at a double root
        got = [complex(f(alpha, beta, curv, NU)) for f in fs]
        _match_roots(got, want, 1e-9)


# --------------------------------------------------------------------------
# Stability conditions
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_stability_conditions_agree_with_eigenvalues(name):
    cond = S.stability_conditions(name)
    f = sp.lambdify((a, b, lam, nu), cond, "numpy")
    rng = np.random.default_rng(11)
    n = 2000
    alpha = rng.uniform(1e-3, 3.0, n)
    beta = rng.uniform(-1.5, 1.5, n)
    curv = rng.uniform(-1.0, 6.0, n)
    nus = rng.uniform(-0.5, 1.5, n)
    got = np.broadcast_to(np.asarray(f(alpha, beta, curv, nus), bool), (n,))
    # hand state matrices, vectorised
    A_h, _ = hand_model(name)
    entries = [[sp.lambdify((a, b, lam, nu), e, "numpy") for e in row]
               for row in A_h.tolist()]
    k = A_h.shape[0]
    M = np.zeros((n, k, k))
    for i in range(k):
        for j in range(k):
            M[:, i, j] = np.broadcast_to(entries[i][j](alpha, beta, curv, nus), (n,))
    rho = np.abs(np.linalg.eigvals(M)).max(axis=-1)
    keep = np.abs(rho - 1.0) > 1e-9
    assert keep.sum() > 1900
    np.testing.assert_array_equal(got[keep], rho[keep] < 1.0)
    # both outcomes are represented
    assert 100 < got[keep].sum() < keep.sum() - 100


def test_heavy_ball_stability_is_the_classical_triangle():
    # |beta| < 1 and 0 < alpha*lambda < 2(1 + beta), checked exactly on rational points
    # including the boundaries
    cond = S.stability_conditions("heavy_ball")
    for hq in [sp.Rational(k, 4) for k in range(-2, 18)]:
        for bq in [sp.Rational(j, 4) for j in range(-6, 7)]:
            got = cond.subs({a: 1, lam: hq, b: bq})
            want = abs(bq) < 1 and 0 < hq < 2 * (1 + bq)
            assert bool(got) == want, (hq, bq)
    # and on random floats
    f = sp.lambdify((a, b, lam), cond, "numpy")
    rng = np.random.default_rng(5)
    al, be, la = rng.uniform(0.01, 2, 5000), rng.uniform(-1.5, 1.5, 5000), rng.uniform(-1, 5, 5000)
    h = al * la
    np.testing.assert_array_equal(f(al, be, la), (np.abs(be) < 1) & (0 < h) & (h < 2 * (1 + be)))


# --------------------------------------------------------------------------
# Critical damping
# --------------------------------------------------------------------------


def _num(expr, alpha, curv, nu_=NU):
    return complex(expr.subs({a: alpha, lam: curv, nu: nu_}).evalf(30))


HS = [0.01, 0.2, 0.5, 0.9, 1.5, 3.0, 3.9]


@pytest.mark.parametrize(
    "name, stable, pole, others",
    [
        ("heavy_ball", lambda s: (1 - s) ** 2, lambda s: 1 - s, [lambda s: (1 + s) ** 2]),
        ("nesterov", lambda s: (1 - s) / (1 + s), lambda s: 1 - s,
         [lambda s: (1 + s) / (1 - s)]),
        ("ema_momentum", lambda s: ((1 - s * s) / (1 + s * s)) ** 2,
         lambda s: (1 - s * s) / (1 + s * s), [lambda s: 1.0]),
    ],
)
def test_critical_beta_closed_forms(name, stable, pole, others):
    c = S.critical_beta(name)
    for h in HS:
        if name == "nesterov" and h == 1.0:
            continue
        alpha, curv = 0.5, h / 0.5
        s = math.sqrt(h)
        assert _num(c.stable, alpha, curv) == pytest.approx(stable(s), rel=1e-12, abs=1e-14)
        assert _num(c.double_pole, alpha, curv) == pytest.approx(pole(s), rel=1e-12, abs=1e-14)
        got = sorted(_num(x, alpha, curv).real for x in c.solutions)
        want = sorted([stable(s)] + [o(s) for o in others])
        assert got == pytest.approx(want, rel=1e-12, abs=1e-14)


def test_critical_beta_exact_forms_simplify():
    t = sp.Symbol("t", positive=True)  # t = sqrt(alpha*lambda)
    sub = {lam: t**2 / a}
    hb = S.critical_beta("heavy_ball")
    assert sp.simplify(hb.stable.subs(sub) - (1 - t) ** 2) == 0
    assert sp.simplify(hb.double_pole.subs(sub) - (1 - t)) == 0
    nag = S.critical_beta("nesterov")
    assert sp.simplify(nag.stable.subs(sub) - (1 - t) / (1 + t)) == 0
    assert sp.simplify(nag.double_pole.subs(sub) - (1 - t)) == 0
    ema = S.critical_beta("ema_momentum")
    assert sp.simplify(ema.stable.subs(sub) - ((1 - t**2) / (1 + t**2)) ** 2) == 0


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n == "qhm" else n for n in MOMENTUM])
def test_critical_beta_zeroes_the_hand_discriminant(name):
    T, D = hand_trace_det(name)
    disc = T**2 - 4 * D
    c = S.critical_beta(name)
    for h in [0.05, 0.3, 0.8, 1.7]:
        alpha, curv = 0.25, h / 0.25
        for sol in c.solutions:
            bv = _num(sol, alpha, curv)
            if abs(bv.imag) > 1e-12 or not np.isfinite(bv.real):
                continue
            val = complex(disc.subs({a: alpha, lam: curv, b: bv.real, nu: NU}).evalf(30))
            assert abs(val) < 1e-12
        # the stable branch: a real beta in [-1, 1] with the double pole T/2 inside
        bv = _num(c.stable, alpha, curv)
        assert abs(bv.imag) < 1e-12 and -1 <= bv.real <= 1
        half_trace = complex((T / 2).subs({a: alpha, lam: curv, b: bv.real, nu: NU}))
        assert abs(half_trace) < 1
        assert _num(c.double_pole, alpha, curv) == pytest.approx(half_trace, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov"])
def test_critical_beta_condition_hb_nag(name):
    cond = S.critical_beta(name).condition
    for h in [-1, 0, sp.Rational(1, 100), 1, 2, sp.Rational(399, 100), 4, 5, 100]:
        assert bool(cond.subs({a: 1, lam: h})) == (0 < h < 4), h


def test_critical_beta_condition_ema():
    cond = S.critical_beta("ema_momentum").condition
    for h in [-1, 0, sp.Rational(1, 100), 1, 4, 100]:
        assert bool(cond.subs({a: 1, lam: h})) == (h > 0)


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov"])
def test_continuous_critical_beta_hb_nag(name):
    c = S.critical_beta(name)
    t = sp.Symbol("t", positive=True)
    assert sp.simplify(c.continuous.subs(lam, t**2 / a) - (1 - 2 * t)) == 0


def test_continuous_critical_beta_ema():
    # ((1-h)/(1+h))^2 = 1 - 4h + O(h^2)
    assert sp.expand(S.critical_beta("ema_momentum").continuous - (1 - 4 * a * lam)) == 0


@pytest.mark.parametrize("name", MOMENTUM)
def test_continuous_critical_beta_is_the_leading_order(name):
    """|exact - continuous| = o(first-order term) as alpha*lambda -> 0 (mpmath reference).

    The exact critical beta is computed here at 50 digits as the root of the hand
    discriminant (a quadratic in beta) whose double pole is inside the unit circle.
    """
    T, D = hand_trace_det(name)
    disc = sp.Poly(sp.expand(T**2 - 4 * D), b)
    c = S.critical_beta(name)
    with mpmath.workdps(50):
        ratios = _leading_order_ratios(T, disc, c)
    assert ratios[0] < 0.1
    assert ratios[2] < ratios[1] < ratios[0]
    assert ratios[2] < 1e-3


def _leading_order_ratios(T, disc, c):
    ratios = []
    for h in [mpmath.mpf("1e-4"), mpmath.mpf("1e-6"), mpmath.mpf("1e-8")]:
        subs = {a: 1, lam: sp.Float(h, 50), nu: sp.Rational(7, 10)}
        coeffs = [mpmath.mpf(str(sp.N(cf.subs(subs), 50))) for cf in disc.all_coeffs()]
        roots = mpmath.polyroots(coeffs, maxsteps=200, extraprec=200)
        good = []
        for r in roots:
            if abs(mpmath.im(r)) > mpmath.mpf("1e-30"):
                continue
            r = mpmath.re(r)
            pole = abs(mpmath.mpf(str(sp.N((T / 2).subs({**subs, b: sp.Float(r, 50)}), 50))))
            if -1 <= r <= 1 and pole < 1:
                good.append((pole, r))
        exact = min(good)[1]
        cont = mpmath.mpf(str(sp.N(c.continuous.subs(subs), 50)))
        first_order = abs(1 - cont)
        ratios.append(abs(exact - cont) / first_order)
    return ratios


def test_qhm_critical_beta_stable_branch_vs_hand_discriminant():
    """The stable branch is the root in beta of the hand discriminant (a quadratic) whose
    double pole T/2 is inside the unit circle (the smallest such pole)."""
    c = S.critical_beta("qhm")
    assert c.stable in c.solutions
    T, D = hand_trace_det("qhm")
    disc = sp.Poly(sp.expand(T**2 - 4 * D), b)
    for h in [0.1, 1.0, 3.0]:
        sub = {a: 1, lam: h, nu: NU}
        roots = np.roots([float(cf.subs(sub)) for cf in disc.all_coeffs()])
        candidates = sorted(
            (abs(float((T / 2).subs({**sub, b: r.real}))), r.real) for r in roots
            if abs(r.imag) < 1e-12 and -1 <= r.real <= 1
            and abs(float((T / 2).subs({**sub, b: r.real}))) < 1)
        assert candidates, h
        bv = _num(c.stable, 1.0, h)
        assert bv.real == pytest.approx(candidates[0][1], rel=1e-10, abs=1e-14)
        assert abs(bv.imag) < 1e-12
        if c.condition is not None:  # SymPy 1.14 leaves it unreduced (None) for QHM
            assert bool(c.condition.subs({a: 1, lam: h, nu: NU}))


# --------------------------------------------------------------------------
# Effective learning rate
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("gd", a),
        ("heavy_ball", a / (1 - b)),
        ("nesterov", a / (1 - b)),
        ("ema_momentum", a),
        ("qhm", a),
    ],
)
def test_effective_learning_rate_closed_forms(name, expected):
    assert sp.simplify(S.effective_learning_rate(name) - expected) == 0


def _constant_gradient_step(name, alpha, beta, g, steps=2000):
    x, v = 0.0, 0.0
    for _ in range(steps):
        x_old = x
        x, v = hand_step(name, x, v, lambda y: g, alpha, beta)
    return -(x - x_old) / g


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("alpha, beta", [(0.01, 0.9), (0.3, 0.5), (0.05, -0.5), (1e-3, 0.99)])
def test_effective_learning_rate_vs_constant_gradient_simulation(name, alpha, beta):
    expr = S.effective_learning_rate(name)
    val = float(expr.subs({a: alpha, b: beta, nu: NU}))
    sim = _constant_gradient_step(name, alpha, beta, g=2.5)
    assert val == pytest.approx(sim, rel=1e-7)


def test_terminal_velocity_heavy_ball():
    g = S.gradient
    tv = S.terminal_velocity("heavy_ball")
    assert set(tv) == {"v"}
    assert sp.simplify(tv["v"] - a * g / (1 - b)) == 0
    assert S.terminal_velocity("gd") == {}


# --------------------------------------------------------------------------
# Optimal tuning, tuned rates and their approximations
# --------------------------------------------------------------------------

KAPPAS = [1.5, 10.0, 1e3, 1e6]
MUS = [0.1, 1.0, 7.0]


def _closed_forms(name, tuning, mu_, L_):
    k = L_ / mu_
    sk = math.sqrt(k)
    if (name, tuning) == ("gd", "optimal"):
        return 2 / (mu_ + L_), None, (k - 1) / (k + 1)
    if (name, tuning) == ("heavy_ball", "optimal"):
        return (4 / (math.sqrt(L_) + math.sqrt(mu_)) ** 2, ((sk - 1) / (sk + 1)) ** 2,
                (sk - 1) / (sk + 1))
    if (name, tuning) == ("nesterov", "optimal"):
        q = math.sqrt(3 * k + 1)
        return 4 / (3 * L_ + mu_), (q - 2) / (q + 2), 1 - 2 / q
    if (name, tuning) == ("nesterov", "standard"):
        return 1 / L_, (sk - 1) / (sk + 1), 1 - 1 / sk
    if (name, tuning) == ("ema_momentum", "optimal"):
        # EMA momentum is heavy ball with alpha_HB = alpha (1 - beta): same beta, same
        # rate, alpha = alpha_HB / (1 - beta) (Polyak's values mapped over)
        aHB, bHB, r = _closed_forms("heavy_ball", "optimal", mu_, L_)
        return aHB / (1 - bHB), bHB, r
    raise AssertionError((name, tuning))


TUNED = [("gd", "optimal"), ("heavy_ball", "optimal"), ("nesterov", "optimal"),
         ("nesterov", "standard"), ("ema_momentum", "optimal")]


@pytest.mark.parametrize("name, tuning", TUNED)
def test_optimal_parameters_vs_closed_forms(name, tuning):
    opt = S.optimal_parameters(name, tuning)
    for mu_ in MUS:
        for k in KAPPAS:
            L_ = mu_ * k
            sub = {mu: mu_, L: L_}
            want = _closed_forms(name, tuning, mu_, L_)
            assert float(opt.alpha.subs(sub)) == pytest.approx(want[0], rel=1e-12)
            if want[1] is None:
                assert opt.beta is None
            else:
                assert float(opt.beta.subs(sub)) == pytest.approx(want[1], rel=1e-10, abs=1e-15)
            assert float(opt.rate.subs(sub)) == pytest.approx(want[2], rel=1e-12)
            tr = S.tuned_rate(name, tuning)
            assert float(tr.subs(kappa, k)) == pytest.approx(want[2], rel=1e-12)


def test_optimal_parameters_simplify_to_published_forms():
    sk = sp.sqrt(kappa)
    on_k = [(L, kappa * mu), (mu, 1)]  # the rates are homogeneous of degree 0 in (mu, L)
    gd = S.optimal_parameters("gd")
    assert sp.simplify(gd.alpha - 2 / (mu + L)) == 0
    assert sp.simplify(gd.rate.subs(on_k) - (kappa - 1) / (kappa + 1)) == 0
    hb = S.optimal_parameters("heavy_ball")
    assert sp.simplify(hb.alpha - 4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2) == 0
    assert sp.simplify(hb.beta.subs(on_k) - ((sk - 1) / (sk + 1)) ** 2) == 0
    assert sp.simplify(hb.rate.subs(on_k) - (sk - 1) / (sk + 1)) == 0
    nag = S.optimal_parameters("nesterov")
    q = sp.sqrt(3 * kappa + 1)
    assert sp.simplify(nag.alpha - 4 / (3 * L + mu)) == 0
    assert sp.simplify(nag.beta.subs(on_k) - (q - 2) / (q + 2)) == 0
    assert sp.simplify(nag.rate.subs(on_k) - (1 - 2 / q)) == 0
    std = S.optimal_parameters("nesterov", "standard")
    assert sp.simplify(std.alpha - 1 / L) == 0
    assert sp.simplify(std.beta.subs(on_k) - (sk - 1) / (sk + 1)) == 0
    assert sp.simplify(S.tuned_rate("nesterov", "standard") - (1 - 1 / sk)) == 0
    assert sp.simplify(S.tuned_rate("heavy_ball") - (sk - 1) / (sk + 1)) == 0
    assert sp.simplify(S.tuned_rate("nesterov") - (1 - 2 / q)) == 0


@pytest.mark.parametrize(
    "name, tuning, expected",
    [
        ("gd", "optimal", 1 - 2 / kappa),
        ("heavy_ball", "optimal", 1 - 2 / sp.sqrt(kappa)),
        ("nesterov", "standard", 1 - 1 / sp.sqrt(kappa)),
        ("nesterov", "optimal", 1 - 2 / sp.sqrt(3 * kappa)),
        ("ema_momentum", "optimal", 1 - 2 / sp.sqrt(kappa)),
    ],
)
def test_rate_approximations(name, tuning, expected):
    approx = S.rate_approximation(name, tuning)
    assert sp.simplify(approx - expected) == 0
    # and it is the leading order: (exact - approx) / (1 - approx) -> 0 (numerically)
    exact = S.tuned_rate(name, tuning)
    errs = [abs(float((exact - approx).subs(kappa, k)) / float((1 - approx).subs(kappa, k)))
            for k in (1e4, 1e6, 1e8)]
    assert errs[0] < 0.05
    assert errs[2] < errs[1] < errs[0] or max(errs) < 1e-15  # exact for Nesterov standard


def test_no_closed_form_tuning_for_registered_method():
    with pytest.raises(ValueError, match="no closed-form tuning 'optimal' for method 'qhm'"):
        S.optimal_parameters("qhm")
    with pytest.raises(ValueError, match="tuning"):
        S.optimal_parameters("heavy_ball", "standard")


# --------------------------------------------------------------------------
# QHM (registered in this file): every derivation works
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_qhm_derivations_at_numbers():
    """QHM at nu = 0.7: every symbolic analysis versus the hand state matrix."""
    rng = np.random.default_rng(21)
    cp = S.characteristic_polynomial("qhm")
    disc = S.discriminant("qhm")
    stab = S.stability_conditions("qhm")
    elr = S.effective_learning_rate("qhm")
    for _ in range(20):
        alpha, beta, curv = rng.uniform(0.05, 1.5), rng.uniform(-0.9, 0.99), rng.uniform(-1, 4)
        A = numeric_matrix("qhm", alpha, beta, curv).real
        sub = {a: alpha, b: beta, lam: curv, nu: NU}
        ev = np.linalg.eigvals(A)
        coeffs = sp.Poly(cp.subs(sub), z).all_coeffs()
        np.testing.assert_allclose([float(c) for c in coeffs], np.poly(A), rtol=1e-12, atol=1e-12)
        T, D = np.trace(A), np.linalg.det(A)
        assert float(disc.subs(sub)) == pytest.approx(T * T - 4 * D, rel=1e-9, abs=1e-12)
        rho = np.abs(ev).max()
        if abs(rho - 1) > 1e-9:
            assert bool(stab.subs(sub)) == (rho < 1)
        assert float(elr.subs(sub)) == pytest.approx(alpha, rel=1e-14)
    # nu = 1 turns QHM into EMA momentum, nu = 0 into gradient descent (poles 1-h, beta)
    assert sp.expand(cp.subs(nu, 1) - S.characteristic_polynomial("ema_momentum")) == 0
    assert sp.expand(cp.subs(nu, 0) - (z - (1 - a * lam)) * (z - b)) == 0


# --------------------------------------------------------------------------
# Caching
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func",
    [S.state_space, S.characteristic_polynomial, S.discriminant, S.poles,
     S.stability_conditions, S.critical_beta, S.effective_learning_rate,
     S.optimal_parameters, S.tuned_rate, S.rate_approximation, S.transfer_function],
    ids=lambda f: f.__name__,
)
def test_second_call_returns_the_identical_object(func):
    first = func("heavy_ball")
    assert func("heavy_ball") is first


def test_caching_for_registered_method():
    for func in (S.state_space, S.discriminant, S.poles, S.stability_conditions,
                 S.critical_beta, S.effective_learning_rate, S.transfer_function):
        assert func("qhm") is func("qhm")


# --------------------------------------------------------------------------
# The public symbolic model
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_model_holds_the_hand_matrices_and_their_polynomial(name):
    A_h, B_h = hand_model(name)
    m = S.model(name)
    assert m is S.model(md.get_method(name))  # cached per Method object
    assert sp.simplify(m.A - A_h) == sp.zeros(*A_h.shape)
    assert sp.simplify(m.B - B_h) == sp.zeros(*B_h.shape)
    assert m.state_space is S.state_space(name)
    # det(zI - A) computed here from the hand matrix by SymPy's Berkowitz algorithm
    hand_cp = (z * sp.eye(A_h.shape[0]) - A_h).det(method="berkowitz")
    assert sp.expand(m.charpoly.as_expr() - hand_cp) == 0
    assert sp.expand(m.characteristic_polynomial - hand_cp) == 0
    assert m.order == A_h.shape[0]
    if m.order == 2:
        T, D = hand_trace_det(name)
        assert sp.expand(m.discriminant - (T**2 - 4 * D)) == 0


def test_model_is_frozen_and_displays():
    m = S.model("heavy_ball")
    with pytest.raises(AttributeError):
        m.A = sp.ImmutableMatrix([[0]])
    assert "heavy_ball" in repr(m)
    latex = m._repr_latex_()
    assert latex.startswith("$") and r"\beta" in latex and "p(z)" in latex


def test_sqrt_h_substitution_round_trip_and_leading_order():
    rng = np.random.default_rng(3)
    expr = (1 + b - 2 * sp.sqrt(a * lam)) / (1 + a * lam)
    back = S.from_sqrt_h(S.to_sqrt_h(expr))
    for _ in range(5):
        pt = {a: float(rng.uniform(0.1, 2)), lam: float(rng.uniform(0.1, 2)),
              b: float(rng.uniform(-1, 1))}
        assert complex(back.subs(pt)) == pytest.approx(complex(expr.subs(pt)), rel=1e-12)
    assert S.to_sqrt_h(a * lam) == S.sqrt_h**2
    # sqrt(1 + s) = 1 + s/2 + O(s^2): the constant and first non-vanishing power
    assert sp.expand(S.leading_order(sp.sqrt(1 + S.sqrt_h)) - (1 + S.sqrt_h / 2)) == 0
    # cos(s) = 1 - s^2/2 + O(s^4): the odd power vanishes and is skipped
    assert sp.expand(S.leading_order(sp.cos(S.sqrt_h)) - (1 - S.sqrt_h**2 / 2)) == 0


@pytest.mark.parametrize("name", MOMENTUM)
def test_every_critical_branch_gives_a_double_eigenvalue_of_the_hand_matrix(name):
    c = S.model(name).critical
    for br in c.branches:
        for s_val in (0.3, 0.7, 1.2):
            pt = {S.sqrt_h: s_val, a: 1, nu: NU}
            bv = complex(br.beta.subs(pt))
            if abs(bv.imag) > 1e-12:
                continue
            ev = np.linalg.eigvals(numeric_matrix(name, 1.0, bv.real, s_val**2))
            assert abs(ev[0] - ev[1]) < 1e-6
            assert np.mean(ev) == pytest.approx(complex(br.double_pole.subs(pt)), abs=1e-9)


def test_symbolic_and_numeric_tuning_types_have_distinct_names():
    sym = S.optimal_parameters("gd")
    assert type(sym) is S.SymbolicOptimalParameters
    assert type(sym).__name__ != md.OptimalParameters.__name__
    # Polyak/GD: alpha = 2/(mu + L), written out here
    assert sp.simplify(sym.alpha - 2 / (mu + L)) == 0
    with pytest.warns(DeprecationWarning, match="SymbolicOptimalParameters"):
        assert S.OptimalParameters is S.SymbolicOptimalParameters


@pytest.mark.parametrize("module", ["momentum_dynamics.symbolic", "momentum_dynamics.multistep"])
def test_annotations_resolve(module):
    # The annotations are strings (PEP 563); typing.get_type_hints evaluates them, as
    # documentation tools and runtime checkers do. sp.Boolean never existed in SymPy.
    import importlib
    import inspect
    import typing

    from sympy.logic.boolalg import Boolean

    mod = importlib.import_module(module)
    seen = []
    for name in mod.__all__:
        obj = getattr(mod, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            seen.extend(typing.get_type_hints(obj).values())
    assert seen
    assert any(t is Boolean or Boolean in typing.get_args(t) for t in seen)


# --------------------------------------------------------------------------
# Notebook display (_repr_latex_) of the symbolic records
# --------------------------------------------------------------------------


def _latex_row(latex: str, field: str) -> str:
    """The LaTeX typeset for one field of a record's ``_repr_latex_``."""
    if field in ("alpha", "beta", "rho", "sigma"):
        label = "\\" + field
    elif len(field) == 1:
        label = field
    else:
        label = r"\mathrm{" + field.replace("_", r"\_") + "}"
    match = re.search(re.escape(label) + r" &= (.*?)(?: \\\\ | \\end\{aligned\})", latex)
    assert match, (field, latex)
    return match.group(1)


def test_latex_of_heavy_ball_critical_beta_is_polyaks_closed_form():
    # Polyak (1964): the heavy ball is critically damped at beta = (1 - sqrt(alpha*lambda))**2,
    # typed here by hand in SymPy's canonical arrangement of the same expression.
    latex = S.critical_beta("heavy_ball")._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$")
    typed = (sp.sqrt(a) * sp.sqrt(lam) - 1) ** 2
    assert _latex_row(latex, "stable") == sp.latex(typed)
    assert _latex_row(latex, "double_pole") == sp.latex(1 - sp.sqrt(a) * sp.sqrt(lam))
    if importlib.util.find_spec("antlr4") is None:
        return  # SymPy's LaTeX parser needs antlr4, an optional dependency
    from sympy.parsing.latex import parse_latex

    parsed = parse_latex(_latex_row(latex, "stable"))
    A, Lm = sp.symbols("alpha lambda")
    for av, lv in [(0.01, 1.0), (0.3, 2.0)]:
        assert float(parsed.subs({A: av, Lm: lv})) == pytest.approx((1 - math.sqrt(av * lv)) ** 2)


def test_latex_of_state_space_and_tuning_records():
    # Heavy ball's state matrix built from the recurrence v = beta v + alpha lambda x,
    # x = x - v; Polyak's tuned rate (sqrt(L) - sqrt(mu))/(sqrt(L) + sqrt(mu)).
    latex = S.state_space("heavy_ball")._repr_latex_()
    assert _latex_row(latex, "A") == sp.latex(sp.Matrix([[1 - a * lam, -b], [a * lam, b]]))
    rate = (sp.sqrt(L) - sp.sqrt(mu)) / (sp.sqrt(L) + sp.sqrt(mu))
    assert _latex_row(S.optimal_parameters("heavy_ball")._repr_latex_(), "rate") == sp.latex(rate)
    assert _latex_row(S.optimal_parameters("gd")._repr_latex_(), "beta") == r"\text{None}"


def test_every_symbolic_record_type_has_latex():
    from momentum_dynamics import multistep as M

    records = [S.state_space("nesterov"), S.model("nesterov").critical,
               S.model("nesterov").critical.stable, S.critical_beta("nesterov"),
               S.critical_beta("nesterov").stable_branches[0], S.optimal_parameters("nesterov"),
               M.lmm_polynomials("nesterov"), M.consistency("nesterov"),
               M.zero_stability("nesterov")]
    exported = {getattr(S, n) for n in S.__all__}
    named_tuples = {t for t in exported
                    if isinstance(t, type) and issubclass(t, tuple) and hasattr(t, "_fields")}
    assert named_tuples == {type(r) for r in records if type(r).__module__ == S.__name__}
    for rec in records:
        latex = rec._repr_latex_()
        assert latex.count("&=") == len(rec._fields)  # one aligned row per field
        for field, value in zip(rec._fields, rec, strict=True):
            if isinstance(value, sp.Basic):
                assert _latex_row(latex, field) == sp.latex(value)

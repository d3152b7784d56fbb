"""Roots of cubics and quartics (momentum_dynamics._polyroots) and the order-3/4 paths
of numeric.py.

Independent references: 50-digit roots from ``mpmath.polyroots`` of the same float
coefficients, and ``numpy.linalg.eigvals`` of state matrices built here by hand from
the recurrences (aggregated momentum, Lucas, Sun, Zemel & Grosse 2019).

Accuracy model checked: a computed root may differ from the exact root ``z`` of the
same coefficients by ``C * min_k (eta_k * s(z) * k! / |p^(k)(z)|)**(1/k)`` with
``s(z) = sum |a_i| |z|**i`` (componentwise perturbations of relative size ``eta`` move
a simple root by ``eta s / |p'|`` and a k-fold cluster by the k-th root of that);
``eta_1 = 1e-12`` for simple roots (the issue's 1e-12 x conditioning) and
``eta_k = 1e-14`` (about 45 ulps) for the k-th root of clusters, and every root's
backward error ``|p(z)| / s(z)`` must be below 1e-13.
"""

from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np
import pytest

import momentum_dynamics as md
from momentum_dynamics import _polyroots as PR

mpmath.mp.dps = 50


# --------------------------------------------------------------------------
# Reference and accuracy model
# --------------------------------------------------------------------------


def coeffs_from_roots(roots):
    """Monic real coefficients (descending, leading 1 dropped) of prod (z - r), in float."""
    c = np.real_if_close(np.poly(np.asarray(roots, complex)), tol=1e6)
    return [float(x.real) for x in c[1:]]


def reference(coeffs):
    """50-digit roots of the polynomial with exactly these float coefficients."""
    cs = [mpmath.mpf(1)] + [mpmath.mpf(c) for c in coeffs]
    return mpmath.polyroots(cs, maxsteps=400, extraprec=400)


def tolerance(coeffs, z):
    """The accuracy model at the exact root z (an mpmath number)."""
    n = len(coeffs)
    full = [mpmath.mpf(1)] + [mpmath.mpf(c) for c in coeffs]  # descending
    s = sum(abs(a) * abs(z) ** (n - i) for i, a in enumerate(full)) + mpmath.mpf(1e-300)
    best = mpmath.inf
    deriv = full
    for k in range(1, n + 1):
        deriv = [a * (len(deriv) - 1 - i) for i, a in enumerate(deriv[:-1])]
        val = abs(mpmath.polyval(deriv, z))
        if val == 0:
            continue
        eta = 1e-12 if k == 1 else 1e-14
        best = min(best, (eta * s * math.factorial(k) / val) ** (mpmath.mpf(1) / k))
    return float(best)


def check_roots(coeffs, computed, exact=None):
    ref = reference(coeffs) if exact is None else [mpmath.mpc(complex(z)) for z in exact]
    # floor: the reference itself (50 digits + extraprec, k-th root at a k-fold root)
    tol = [max(tolerance(coeffs, z), 1e-30) for z in ref]
    best = min(max(abs(complex(ref[i]) - computed[j]) / (16 * tol[i])
                   for i, j in enumerate(perm))
               for perm in itertools.permutations(range(len(ref))))
    assert best <= 1.0, (coeffs, computed, [complex(z) for z in ref])
    full = [mpmath.mpf(1)] + [mpmath.mpf(c) for c in coeffs]
    n = len(coeffs)
    for z in computed:
        zm = mpmath.mpc(z.real, z.imag)
        s = sum(abs(a) * abs(zm) ** (n - i) for i, a in enumerate(full))
        assert abs(mpmath.polyval(full, zm)) <= 1e-13 * s, (coeffs, z)


def run_cases(cases, exact=None):
    """``exact``: the known roots, where the coefficients are exact in floating point
    (mpmath.polyroots does not converge on some exactly multiple roots)."""
    n = len(cases[0])
    cols = [np.array([c[i] for c in cases]) for i in range(n)]
    got = PR.real_roots34(cols)
    assert got.shape == (len(cases), n)
    mods = np.abs(got)
    assert np.all(np.diff(mods, axis=1) <= 1e-12 * (1 + mods[:, :-1]))  # decreasing
    rad = PR.real_radius34(cols)
    for i, (c, g, r) in enumerate(zip(cases, got, rad, strict=True)):
        ex = None if exact is None else exact[i]
        check_roots(c, g, ex)
        ref = reference(c) if ex is None else [mpmath.mpc(complex(z)) for z in ex]
        tol = max(max(tolerance(c, z) for z in ref), 1e-30)
        assert abs(r - max(abs(complex(z)) for z in ref)) <= 16 * tol


RNG = np.random.default_rng(20261123)


def random_root_sets(n, count):
    """Roots in the unit-ish disc: real ones and conjugate pairs, mixed."""
    sets = []
    for _ in range(count):
        roots = []
        while len(roots) < n:
            if n - len(roots) >= 2 and RNG.random() < 0.5:
                z = RNG.uniform(0.05, 1.2) * np.exp(1j * RNG.uniform(0.01, np.pi - 0.01))
                roots += [z, z.conjugate()]
            else:
                roots.append(RNG.uniform(-1.2, 1.2))
        sets.append(roots)
    return sets


# --------------------------------------------------------------------------
# The root finders against mpmath
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 4])
def test_random_coefficients(n):
    run_cases([list(RNG.standard_normal(n) * RNG.choice([0.1, 1.0, 10.0], size=n))
               for _ in range(150)])


@pytest.mark.parametrize("n", [3, 4])
def test_random_roots(n):
    run_cases([coeffs_from_roots(r) for r in random_root_sets(n, 150)])


# Dyadic roots: the coefficients are exact in floating point, so the roots are exactly
# multiple and the accuracy model's cluster terms apply.
MULTIPLE = {
    3: [[0.5, 0.5, -0.25], [0.75, 0.75, 0.75], [-0.5, -0.5, -0.5], [1.0, 1.0, 0.125],
        [0.0, 0.0, 0.5], [0.0, 0.0, 0.0], [-1.0, -1.0, 1.0], [0.875, -0.875, -0.875]],
    4: [[0.5, 0.5, -0.25, 0.125], [0.75, 0.75, 0.75, -0.5], [0.625, 0.625, 0.625, 0.625],
        [0.5, 0.5, -0.5, -0.5], [0.25, 0.25, 0.25, 0.0], [1.0, 1.0, -1.0, -1.0],
        [0.5 + 0.5j, 0.5 - 0.5j, 0.5 + 0.5j, 0.5 - 0.5j],
        [-0.25 + 0.75j, -0.25 - 0.75j, -0.25 + 0.75j, -0.25 - 0.75j],
        [0.5 + 0.25j, 0.5 - 0.25j, 0.5, 0.5], [0.0, 0.0, 0.0, 0.0]],
}


@pytest.mark.parametrize("n", [3, 4])
def test_double_triple_quadruple_roots(n):
    cases = [coeffs_from_roots(r) for r in MULTIPLE[n]]
    for c, r in zip(cases, MULTIPLE[n], strict=True):  # the coefficients are exact
        assert np.allclose(np.poly(np.asarray(r, complex))[1:], c, rtol=0, atol=0)
    run_cases(cases, exact=MULTIPLE[n])


@pytest.mark.parametrize("n", [3, 4])
@pytest.mark.parametrize("gap", [1e-3, 1e-6, 1e-9, 1e-12])
def test_near_multiple_roots(n, gap):
    cases = []
    for _ in range(20):
        r = RNG.uniform(-1, 1)
        roots = [r, r + gap] + list(RNG.uniform(-1, 1, size=n - 2))
        cases.append(coeffs_from_roots(roots))
        z = RNG.uniform(0.2, 1) * np.exp(1j * RNG.uniform(0.1, 3.0))
        pair = [z, z.conjugate(), z * (1 + gap), (z * (1 + gap)).conjugate()]
        cases.append(coeffs_from_roots(pair[:n] if n == 4 else [z, z.conjugate(), r]))
        cases.append(coeffs_from_roots([r, r + gap, r - gap] + [0.3] * (n - 3)))
    run_cases(cases)


@pytest.mark.parametrize("n", [3, 4])
def test_unit_circle_roots(n):
    cases = []
    for _ in range(40):
        t = RNG.uniform(0.01, np.pi - 0.01)
        rest = [RNG.choice([-1.0, 1.0])] if n == 3 else [np.exp(1j * t / 2), np.exp(-1j * t / 2)]
        cases.append(coeffs_from_roots([np.exp(1j * t), np.exp(-1j * t), *rest]))
    cases.append(coeffs_from_roots([1.0, -1.0, 1.0, -1.0][:n]))
    run_cases(cases)


def test_wide_range_of_magnitudes():
    run_cases([coeffs_from_roots(r) for r in ([1e-6, 1.0, 1e3], [1e-8, -1e-4, 0.5],
                                                [1e4, 1e-4, -1.0])])
    run_cases([coeffs_from_roots(r) for r in ([1e-6, 1.0, 1e3, -7.0],
                                                [1e-8, -1e-4, 0.5 + 0.5j, 0.5 - 0.5j])])


def test_shapes_and_broadcasting():
    a = np.full((2, 3), -6.0)
    got = PR.real_roots34([a, 11.0, -6.0])
    assert got.shape == (2, 3, 3)
    np.testing.assert_allclose(got.real, np.broadcast_to([3.0, 2.0, 1.0], (2, 3, 3)),
                               rtol=1e-14)
    assert PR.real_radius34([-6.0, 11.0, -6.0]).shape == ()
    with pytest.raises(ValueError, match="cubic or quartic"):
        PR.real_roots34([1.0, 2.0])


def test_companion_roots_complex():
    z = np.array([0.3 + 0.4j, -0.5j, 0.9])
    c = np.poly(z)[1:]
    got = PR.companion_roots([np.array(x) for x in c])
    np.testing.assert_allclose(np.sort_complex(got), np.sort_complex(z), atol=1e-14)


# --------------------------------------------------------------------------
# Registered 3- and 4-state rules against hand-built state matrices
# --------------------------------------------------------------------------


def aggmo(x, v1, v2, grad, alpha, beta):
    g = grad(x)
    v1 = beta * v1 + g
    v2 = beta**2 * v2 + g
    return x - alpha * (v1 + v2) / 2, v1, v2


def aggmo3(x, v1, v2, v3, grad, alpha, beta):
    g = grad(x)
    v1 = beta * v1 + g
    v2 = beta**2 * v2 + g
    v3 = beta**3 * v3 + g
    return x - alpha * (v1 + v2 + v3) / 3, v1, v2, v3


def twin_hb(x, y, v, w, grad, alpha, beta, c):
    """Two heavy-ball-like velocities on a pair of coupled iterates (4 states)."""
    g = grad(x)
    v = beta * v - alpha * g
    w = c * w + (x - y)
    y = y + (x - y) / 2
    return x + v - w / 10, y, v, w


def aggmo_matrix(a, b, lam):
    h = a * lam
    return np.array([[1 - h, -a * b / 2, -a * b * b / 2], [lam, b, 0.0], [lam, 0.0, b * b]])


def aggmo3_matrix(a, b, lam):
    h = a * lam
    return np.array([[1 - h, -a * b / 3, -a * b**2 / 3, -a * b**3 / 3],
                     [lam, b, 0, 0], [lam, 0, b**2, 0], [lam, 0, 0, b**3]])


def twin_matrix(a, b, lam, c):
    # x' = x + (b v - a lam x) - 0.1 (c w + x - y); y' = (x + y)/2; v' = b v - a lam x;
    # w' = c w + x - y
    return np.array([[1 - a * lam - 0.1, 0.1, b, -0.1 * c],
                     [0.5, 0.5, 0.0, 0.0],
                     [-a * lam, 0.0, b, 0.0],
                     [1.0, -1.0, 0.0, c]])


@pytest.fixture(scope="module", autouse=True)
def registered():
    for f in (aggmo, aggmo3, twin_hb):
        md.register_method(f, overwrite=True)
    yield
    for name in ("aggmo", "aggmo3", "twin_hb"):
        md.unregister_method(name)


CASES = [("aggmo", aggmo_matrix, {}), ("aggmo3", aggmo3_matrix, {}),
         ("twin_hb", twin_matrix, {"c": 0.6})]


@pytest.mark.parametrize("name,matrix,extra", CASES)
def test_rules_against_hand_built_matrices(name, matrix, extra):
    alpha = RNG.uniform(0.01, 3.0, size=(60, 1))
    beta = RNG.uniform(-0.2, 1.0, size=(1, 7))
    lam = np.array([1.0, -0.3, 2.5])[:, None, None]
    rho = md.spectral_radius(name, alpha, beta, lam, **extra)
    pol = md.poles(name, alpha, beta, lam, **extra)
    stable = md.is_stable(name, alpha, beta, lam, **extra)
    gap = md.convergence_gap(name, alpha, beta, lam, **extra)
    n = md.get_method(name).order
    assert rho.shape == stable.shape == (3, 60, 7) and pol.shape == (3, 60, 7, n)
    checked = 0
    for i, j, k in itertools.product(range(3), range(60), range(7)):
        ev = np.linalg.eigvals(matrix(alpha[j, 0], beta[0, k], lam[i, 0, 0],
                                      *extra.values()))
        ref = np.abs(ev).max()
        # eigvals itself is only sqrt(eps)-accurate at a double pole
        assert rho[i, j, k] == pytest.approx(ref, rel=1e-6, abs=1e-9)
        np.testing.assert_allclose(np.abs(pol[i, j, k]), np.sort(np.abs(ev))[::-1],
                                   rtol=1e-6, atol=1e-9)
        assert gap[i, j, k] == pytest.approx(1 - ref, abs=1e-9)
        if abs(ref - 1) > 1e-6:  # away from the boundary: the mask agrees with the poles
            assert bool(stable[i, j, k]) == (ref < 1)
            checked += 1
    assert checked > 500


@pytest.mark.parametrize("name,matrix,extra", CASES)
def test_stability_mask_on_a_fine_grid(name, matrix, extra):
    """Schur-Cohn mask (no roots) against the radius from the hand-built matrices,
    batched, at every grid point at least 1e-6 away from the boundary."""
    alpha = np.linspace(0.001, 4.5, 120)[None, :]
    beta = np.linspace(-1.0, 1.0, 121)[:, None]
    stable = md.is_stable(name, alpha, beta, 1.0, **extra)
    A = np.array([[matrix(a, b, 1.0, *extra.values()) for a in alpha[0]] for b in beta[:, 0]])
    ref = np.abs(np.linalg.eigvals(A)).max(axis=-1)
    away = np.abs(ref - 1) > 1e-6
    assert stable.any() and (~stable).any()
    np.testing.assert_array_equal(stable[away], ref[away] < 1)


def test_complex_curvature_uses_companion_eigenvalues():
    lam = np.array([1.0 + 0.5j, 0.2 - 1.0j])
    rho = md.spectral_radius("aggmo", 0.3, 0.8, lam)
    ref = [np.abs(np.linalg.eigvals(aggmo_matrix(0.3, 0.8, x))).max() for x in lam]
    np.testing.assert_allclose(rho, ref, rtol=1e-10)


def test_large_grid_is_blocked_and_matches_small_pieces():
    """A grid larger than one block gives, per point, what the point alone gives."""
    alpha = np.linspace(0.001, 3.0, 700)[None, :]
    beta = np.linspace(0.0, 0.999, 200)[:, None]
    rho = md.spectral_radius("aggmo3", alpha, beta, 1.0)
    pol = md.poles("aggmo3", alpha, beta, 1.0)
    for i, j in [(0, 0), (57, 311), (199, 699), (123, 5)]:
        ev = np.linalg.eigvals(aggmo3_matrix(alpha[0, j], beta[i, 0], 1.0))
        assert rho[i, j] == pytest.approx(np.abs(ev).max(), rel=1e-6)
        assert np.abs(pol[i, j, 0]) == pytest.approx(rho[i, j], rel=1e-14)


def test_near_one_beta_aggmo3_against_mpmath():
    """beta -> 1 and small steps: the poles crowd near 1. Against the 50-digit
    eigenvalues of the exact state matrix, within the accuracy model evaluated on the
    rounded coefficients (the clustered poles are that sensitive to rounding the
    expanded coefficients; the root finder adds nothing beyond it)."""
    from momentum_dynamics.numeric import _kernel

    k = _kernel(md.get_method("aggmo3"))
    for a, b in [(1e-6, 0.999), (1e-3, 0.9999), (0.5, 0.99999), (0.1, 0.5)]:
        A = mpmath.matrix([[1 - mpmath.mpf(a), -mpmath.mpf(a) * b / 3,
                            -mpmath.mpf(a) * mpmath.mpf(b)**2 / 3,
                            -mpmath.mpf(a) * mpmath.mpf(b)**3 / 3],
                           [1, b, 0, 0], [1, 0, mpmath.mpf(b)**2, 0],
                           [1, 0, 0, mpmath.mpf(b)**3]])
        ev = mpmath.eig(A, left=False, right=False)
        coeffs = [float(c) for c in k.coefficients(a, b, 1.0)]
        tol = max(tolerance(coeffs, z) for z in ev)
        ref = float(max(abs(e) for e in ev))
        assert abs(md.spectral_radius("aggmo3", a, b, 1.0) - ref) <= 16 * tol + 1e-15


@pytest.mark.parametrize("n", [3, 4])
def test_schur_cohn_mask_on_random_polynomials(n):
    """The compiled determinants with p(+-1) against batched companion eigenvalues."""
    cs = [RNG.standard_normal(20000) * 0.6 for _ in range(n)]
    full = [np.ones_like(cs[0]), *cs]
    p1 = sum(full)
    pm1 = sum(c * (-1) ** (n - i) for i, c in enumerate(full))
    ok = (p1 > 0) & ((-1) ** n * pm1 > 0)
    for g in PR.schur_cohn_conditions(n)(*cs):
        ok &= g > 0
    comp = np.zeros((cs[0].size, n, n))
    for i, c in enumerate(cs):
        comp[:, 0, i] = -c
    comp[:, np.arange(1, n), np.arange(n - 1)] = 1.0
    rho = np.abs(np.linalg.eigvals(comp)).max(axis=-1)
    away = np.abs(rho - 1) > 1e-8
    assert 0.2 < ok.mean() < 0.8
    np.testing.assert_array_equal(ok[away], rho[away] < 1)


@pytest.mark.parametrize("alpha", [1e-17, 1e-12])
def test_is_stable_for_tiny_steps(alpha):
    """rho = 1 - O(alpha) rounds to 1; the mask still decides, against 50 digits."""
    for name, build in (("aggmo", aggmo_matrix), ("aggmo3", aggmo3_matrix)):
        for b in (0.5, 0.9):
            A = mpmath.matrix(build(mpmath.mpf(alpha), mpmath.mpf(b), mpmath.mpf(1)).tolist())
            rho = max(abs(e) for e in mpmath.eig(A, left=False, right=False))
            assert rho < 1
            assert md.is_stable(name, alpha, b, 1.0)
            assert not md.is_stable(name, alpha, b, -1.0)  # negative curvature: unstable

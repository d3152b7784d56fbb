"""Critical momenta of higher-order rules and several stable branches.

Independent references: the state matrices are built here by hand from the
recurrences (aggregated momentum, Lucas, Grosse & Ba 2019; quasi-hyperbolic momentum,
Ma & Yarats 2019), and critical damping is located by brute force, scanning beta on a
fine grid for a double eigenvalue of that matrix (numpy.linalg.eigvals).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import symbolic as S

NU = 0.7


def aggmo(x, v1, v2, grad, alpha, beta):
    g = grad(x)
    v1 = beta * v1 + g
    v2 = beta**2 * v2 + g
    return x - alpha * (v1 + v2) / 2, v1, v2


def aggmo2(x, v1, v2, grad, alpha, beta, beta2):
    g = grad(x)
    v1 = beta * v1 + g
    v2 = beta2 * v2 + g
    return x - alpha * (v1 + v2) / 2, v1, v2


def qhm(x, v, grad, alpha, beta, nu):
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


@pytest.fixture(scope="module", autouse=True)
def registered():
    for f in (aggmo, aggmo2, qhm):
        md.register_method(f, overwrite=True)
    yield
    for name in ("aggmo", "aggmo2", "qhm"):
        md.unregister_method(name)


def aggmo_matrix(h, b, b2):
    """State matrix of (x, v1, v2) on grad = lambda x with alpha = 1, lambda = h, by hand:
    v1' = b v1 + h x, v2' = b2 v2 + h x, x' = x - (v1' + v2')/2."""
    return np.array([[1 - h, -b / 2, -b2 / 2], [h, b, 0.0], [h, 0.0, b2]])


def qhm_matrix(h, b, nu=NU):
    """QHM's (x, v) with alpha = 1, lambda = h: v' = b v + (1-b) h x,
    x' = x - ((1-nu) h x + nu v')."""
    return np.array([[1 - (1 - nu) * h - nu * (1 - b) * h, -nu * b],
                     [(1 - b) * h, b]])


def pair_gap(ev):
    """Distance of the closest pair of eigenvalues and whether it is dominant."""
    n = len(ev)
    best, dom = np.inf, False
    for i in range(n):
        for j in range(i + 1, n):
            d = abs(ev[i] - ev[j])
            if d < best:
                best = d
                dom = max(abs(ev[i]), abs(ev[j])) >= max(abs(ev)) - 1e-6
    return best, dom


def brute_force_critical(matrix, betas):
    """Betas where the closest eigenvalue pair of matrix(beta) merges (local minima
    of the gap, refined by bisection of the gap's derivative), with spectral radius."""
    gaps = np.array([pair_gap(np.linalg.eigvals(matrix(b)))[0] for b in betas])
    out = []
    for i in range(1, len(betas) - 1):
        if gaps[i] <= gaps[i - 1] and gaps[i] <= gaps[i + 1] and gaps[i] < 0.2:
            lo, hi = betas[i - 1], betas[i + 1]
            for _ in range(60):  # golden-free ternary search on the gap
                m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
                g1 = pair_gap(np.linalg.eigvals(matrix(m1)))[0]
                g2 = pair_gap(np.linalg.eigvals(matrix(m2)))[0]
                lo, hi = (lo, m2) if g1 < g2 else (m1, hi)
            b = 0.5 * (lo + hi)
            ev = np.linalg.eigvals(matrix(b))
            gap, dom = pair_gap(ev)
            if gap < 1e-5 and dom and max(abs(ev)) < 1:
                out.append(b)
    return out


# --------------------------------------------------------------------------
# Order three: aggregated momentum
# --------------------------------------------------------------------------


def test_symbolic_critical_beta_of_a_three_state_rule_is_a_fast_clear_error():
    with pytest.raises(ValueError, match="3 states.*numeric momentum_dynamics.critical_beta"):
        S.critical_beta("aggmo2")
    assert not S.model("aggmo").critical_closed_form
    # the discriminant itself is available: degree 8 in beta (times beta**2)
    assert S.model("aggmo").discriminant_in_beta.degree() == 10


@pytest.mark.parametrize("h", [0.05, 0.3, 1.7, 3.0])
def test_aggmo_critical_beta_is_a_dominant_double_eigenvalue(h):
    bc = md.critical_beta("aggmo", 1.0, h)
    ev = np.linalg.eigvals(aggmo_matrix(h, bc, bc**2))
    gap, dominant = pair_gap(ev)
    assert gap < 1e-6 and dominant and max(abs(ev)) < 1
    # every critical momentum found by brute force, and only those
    grid = np.linspace(-0.999, 0.999, 2001)
    ref = brute_force_critical(lambda b: aggmo_matrix(h, b, b**2), grid)
    all_ = md.critical_beta("aggmo", 1.0, h, branches="all")
    found = all_[np.isfinite(all_)]
    assert len(found) == len(ref) >= 1
    np.testing.assert_allclose(np.sort(found), np.sort(ref), atol=1e-6)
    # the default is the candidate with the smallest spectral radius
    rhos = [max(abs(np.linalg.eigvals(aggmo_matrix(h, b, b**2)))) for b in ref]
    assert bc == pytest.approx(ref[int(np.argmin(rhos))], abs=1e-6)


def test_aggmo_with_a_second_momentum_vectorises_and_is_nan_where_none_exists():
    h = np.array([0.05, 0.1, 0.2, -1.0, 9.0])
    out = md.critical_beta("aggmo2", 1.0, h, beta2=0.5)
    assert out.shape == h.shape
    grid = np.linspace(-0.999, 0.999, 2001)
    for hv, bc in zip(h, out, strict=True):
        ref = brute_force_critical(lambda b, hv=hv: aggmo_matrix(hv, b, 0.5), grid) \
            if hv > 0 else []
        if not ref:  # e.g. h = 0.2: the double pole is never dominant and stable
            assert np.isnan(bc)
            continue
        ev = np.linalg.eigvals(aggmo_matrix(hv, bc, 0.5))
        gap, dominant = pair_gap(ev)
        assert gap < 1e-6 and dominant and max(abs(ev)) < 1
    assert np.isfinite(out[:2]).all() and np.isnan(out[2:]).all()


def test_stability_region_draws_aggmo():
    import matplotlib

    matplotlib.use("Agg")
    d = md.plotting.stability_region_data("aggmo", resolution=9)
    assert np.isfinite(d.critical_beta).any()
    assert np.isnan(d.continuous_critical_beta).all()


# --------------------------------------------------------------------------
# Several stable branches: QHM
# --------------------------------------------------------------------------


def test_qhm_has_two_stable_critical_momenta_at_h_2():
    both = md.critical_beta("qhm", 1.0, 2.0, nu=NU, branches="all")
    assert both.shape == (2,)
    ref = brute_force_critical(lambda b: qhm_matrix(2.0, b), np.linspace(-0.999, 0.999, 4001))
    np.testing.assert_allclose(both, ref, atol=1e-8)
    assert both[0] == pytest.approx(0.188, abs=1e-3) and both[1] == pytest.approx(0.923, abs=1e-3)
    for b in both:
        ev = np.linalg.eigvals(qhm_matrix(2.0, b))
        assert abs(ev[0] - ev[1]) < 1e-6 and max(abs(ev)) < 1
    # default unchanged: one value, the branch with the smaller double pole
    one = md.critical_beta("qhm", 1.0, 2.0, nu=NU)
    assert one == both[0]


def test_damping_regime_is_critical_at_both_branches_and_underdamped_between():
    lo, hi = md.critical_beta("qhm", 1.0, 2.0, nu=NU, branches="all")
    assert list(md.damping_regime("qhm", 1.0, [lo, hi], 2.0, nu=NU)) == ["critical"] * 2
    inside = np.linspace(lo, hi, 9)[1:-1]
    outside = np.array([lo - 0.05, min(hi + 0.03, 0.999)])
    for b in inside:  # complex pair, stable: underdamped
        ev = np.linalg.eigvals(qhm_matrix(2.0, b))
        assert abs(ev[0].imag) > 0 and max(abs(ev)) < 1
    for b in outside:
        ev = np.linalg.eigvals(qhm_matrix(2.0, b))
        assert abs(ev[0].imag) == 0 and max(abs(ev)) < 1
    assert set(md.damping_regime("qhm", 1.0, inside, 2.0, nu=NU)) == {"underdamped"}
    assert set(md.damping_regime("qhm", 1.0, outside, 2.0, nu=NU)) == {"overdamped"}


def test_symbolic_stable_branches_of_qhm():
    c = S.critical_beta("qhm")
    assert len(c.stable_branches) == 2
    a, lam, nu = S.alpha, S.curvature, sp.Symbol("nu", real=True)
    vals = sorted(float(br.beta.subs({a: 1, lam: 2, nu: NU})) for br in c.stable_branches)
    ref = brute_force_critical(lambda b: qhm_matrix(2.0, b), np.linspace(-0.999, 0.999, 4001))
    np.testing.assert_allclose(vals, ref, atol=1e-8)
    for br in c.stable_branches:
        b = float(br.beta.subs({a: 1, lam: 2, nu: NU}))
        ev = np.linalg.eigvals(qhm_matrix(2.0, b))
        assert complex(br.double_pole.subs({a: 1, lam: 2, nu: NU})) == pytest.approx(
            ev.mean(), abs=1e-9)
    # heavy ball has one stable branch, (1 - sqrt(alpha lambda))**2, stable for h < 4
    hb = S.critical_beta("heavy_ball").stable_branches
    assert len(hb) == 1
    assert sp.simplify(hb[0].beta - (1 - sp.sqrt(a * lam))**2) == 0


def test_branches_argument_is_checked():
    with pytest.raises(ValueError, match="branches must be 'default' or 'all'"):
        md.critical_beta("heavy_ball", 0.1, 1.0, branches="both")

"""Tuning conditions belong to the update rule (Method.tunings), not to its name.

Independent references: the eigenvalues of the hand-written Nesterov state matrix
(tests/_reference.py), and the published optimum of Nesterov's method on quadratics,
rate 1 - 2/sqrt(3 kappa + 1) at alpha = 4/(3L + mu) (Lessard, Recht & Packard 2016).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _reference import hand_step

import momentum_dynamics as md
from momentum_dynamics import methods
from momentum_dynamics import symbolic as S


def nesterov_rule(x, v, grad, alpha, beta):
    v = beta * v + alpha * grad(x - beta * v)
    return x - v, v


@pytest.fixture
def heavy_ball_is_nesterov():
    original = md.get_method("heavy_ball")
    md.register_method(nesterov_rule, "heavy_ball", overwrite=True)
    yield
    md.register_method(original, overwrite=True)


def hand_rate(alpha, beta, mu, L):
    """Worst spectral radius over [mu, L] of the hand Nesterov recurrence (eigenvalues)."""
    worst = 0.0
    for lam in np.geomspace(mu, L, 201):
        cols = []
        for e in ((1.0, 0.0), (0.0, 1.0)):
            cols.append(hand_step("nesterov", e[0], e[1], lambda y, lam=lam: lam * y,
                                  alpha, beta))
        A = np.array(cols).T
        worst = max(worst, max(abs(np.linalg.eigvals(A))))
    return worst


def test_a_rule_reregistered_under_a_shipped_name_does_not_inherit_its_tuning(
        heavy_ball_is_nesterov):
    mu, L = 1.0, 100.0
    with pytest.raises(ValueError, match="no closed-form tuning"):
        S.optimal_parameters("heavy_ball")
    p = md.optimal_parameters("heavy_ball", mu=mu, L=L)  # numeric minimax fallback
    assert p.rate == pytest.approx(hand_rate(p.alpha, p.beta, mu, L), rel=1e-6)
    kappa = L / mu
    assert p.rate == pytest.approx(1 - 2 / math.sqrt(3 * kappa + 1), abs=1e-5)


def test_shipped_methods_declare_their_tunings():
    assert md.get_method("heavy_ball").tunings == {"optimal": "critical_both_ends"}
    assert dict(md.get_method("nesterov").tunings) == {
        "optimal": "critical_mu_root_L", "standard": "standard"}


def test_declared_tunings_are_used_for_a_new_name():
    m = md.register_method(nesterov_rule, "nag_copy", overwrite=True,
                           tunings={"optimal": "critical_mu_root_L"})
    try:
        mu, L = 1.0, 50.0
        p = md.optimal_parameters(m, mu=mu, L=L)
        assert p.alpha == pytest.approx(4 / (3 * L + mu), rel=1e-12)
        assert p.rate == pytest.approx(1 - 2 / math.sqrt(3 * L / mu + 1), rel=1e-12)
        assert p.rate == pytest.approx(hand_rate(p.alpha, p.beta, mu, L), rel=1e-9)
    finally:
        md.unregister_method("nag_copy")


@pytest.mark.parametrize("bad, err, match", [
    ({"fastest": "standard"}, ValueError, "unknown tuning 'fastest'"),
    ({"optimal": "polyak"}, ValueError, "unknown condition 'polyak'"),
    (["optimal"], TypeError, "tunings must be a mapping"),
])
def test_bad_tunings_are_refused(bad, err, match):
    with pytest.raises(err, match=match):
        methods.Method.from_update(nesterov_rule, "x", tunings=bad)


def test_methods_differing_only_in_tunings_are_not_confused_by_caches():
    a = methods.Method.from_update(nesterov_rule, "nag_t",
                                   tunings={"optimal": "critical_mu_root_L"})
    b = methods.Method.from_update(nesterov_rule, "nag_t")
    assert a != b
    assert S.optimal_parameters(a).alpha == 4 / (3 * S.L + S.mu)
    with pytest.raises(ValueError, match="no closed-form tuning"):
        S.optimal_parameters(b)


def test_a_method_with_tunings_pickles_and_hashes():
    import pickle

    m = md.get_method("nesterov")
    back = pickle.loads(pickle.dumps(m))
    assert back == m and hash(back) == hash(m)
    assert back.tunings["standard"] == "standard"
    with pytest.raises(TypeError):
        m.tunings["optimal"] = "opposite_poles"


def test_register_method_takes_a_method_object_as_it_is():
    m = methods.Method.from_update(nesterov_rule, "nag_obj",
                                   tunings={"optimal": "critical_mu_root_L"})
    try:
        assert md.register_method(m) is m
        assert md.get_method("nag_obj") is m
        with pytest.raises(TypeError, match="takes no name"):
            md.register_method(m, "other", overwrite=True)
    finally:
        md.unregister_method("nag_obj")

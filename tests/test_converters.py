"""QHM to and from the other methods: exact (SymPy, from both update rules) and by runs.

The closed forms are typed here from Ma & Yarats (2019) / qhoptim's documented
conversions (synthesised Nesterov: ``a = alpha/(1 - beta1)``,
``nu = 1 - beta2 (1 - beta1)/beta1``) and checked against the characteristic
polynomials and noise transfer functions that ``momentum_dynamics.symbolic`` derives
from the two update rules, and against simulations run side by side.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import momentum_dynamics as md
import momentum_dynamics.symbolic as S
from momentum_dynamics.converters import from_qhm, to_qhm

H = np.array([[2.0, 0.3], [0.3, 0.5]])
X0 = np.array([1.0, -2.0])
a, b, g, d, nu, z = S.alpha, S.beta, *sp.symbols("gamma delta nu", real=True), S.z


def qhm_substituted(expr, alpha_q, beta_q, nu_q):
    return sp.simplify(expr.subs({a: alpha_q, nu: nu_q}, simultaneous=True)
                       .subs(b, beta_q))


# --------------------------------------------------------------------------
# Exact: characteristic polynomials and noise transfer functions
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name, look, qhm_of", [
    ("heavy_ball", 0, (a / (1 - b), 1)),
    ("nesterov", b, (a / (1 - b), b)),
    ("robust_momentum", g, (a / (1 - b), 1 - g * (1 - b) / b)),
    ("ema_momentum", 0, (a, 1)),
])
def test_charpoly_and_noise_transfer_agree(name, look, qhm_of):
    alpha_q, nu_q = qhm_of
    p_qhm = S.model("qh_momentum").charpoly.as_expr()
    p_other = S.model(name).charpoly.as_expr()
    assert sp.simplify(qhm_substituted(p_qhm, alpha_q, b, nu_q) - p_other) == 0
    # noise -> QHM's iterate equals noise -> the other method's gradient point x - look*v
    t_qhm = qhm_substituted(S.transfer_function("qh_momentum", "x"), alpha_q, b, nu_q)
    t_point = S.transfer_function(name, "x") - look * S.transfer_function(name, "v")
    assert sp.simplify(t_qhm - t_point) == 0


def test_triple_momentum_charpoly_and_gradient_point_transfer():
    alpha_q, nu_q = a / (1 - b), 1 - g * (1 - b) / b
    p_qhm = qhm_substituted(S.model("qh_momentum").charpoly.as_expr(), alpha_q, b, nu_q)
    assert sp.simplify(p_qhm - S.model("triple_momentum").charpoly.as_expr()) == 0
    t_qhm = qhm_substituted(S.transfer_function("qh_momentum", "x"), alpha_q, b, nu_q)
    t_y = (S.transfer_function("triple_momentum", "x")
           - (g - d) * S.transfer_function("triple_momentum", "v"))
    assert sp.simplify(t_qhm - t_y) == 0


def test_gd_is_qhm_with_nu_zero():
    t_qhm = S.transfer_function("qh_momentum", "x").subs(nu, 0)
    assert sp.simplify(t_qhm - S.transfer_function("gd", "x")) == 0


# --------------------------------------------------------------------------
# Numeric: the converters against the closed forms, and runs side by side
# --------------------------------------------------------------------------


def test_to_qhm_matches_the_synthesised_nesterov_closed_form():
    al, be, ga = 0.05, 0.8, 0.3
    p = to_qhm("robust_momentum", al, be, gamma=ga)
    assert p == pytest.approx((al / (1 - be), be, 1 - ga * (1 - be) / be), rel=1e-15)


@pytest.mark.parametrize("name, beta, extra, point", [
    ("gd", None, {}, lambda tr, be: tr.x),
    ("heavy_ball", 0.7, {}, lambda tr, be: tr.x),
    ("ema_momentum", 0.7, {}, lambda tr, be: tr.x),
    ("nesterov", 0.7, {}, lambda tr, be: tr.x - be * tr.states["v"]),
    ("robust_momentum", 0.7, {"gamma": 0.4}, lambda tr, be: tr.x - 0.4 * tr.states["v"]),
    ("triple_momentum", 0.7, {"gamma": 0.4, "delta": 0.1},
     lambda tr, be: tr.x + (0.1 - 0.4) * tr.states["v"]),
])
def test_to_qhm_runs_side_by_side(name, beta, extra, point):
    alpha = 0.2
    tr = md.simulate(name, H, alpha=alpha, beta=beta, steps=40, x0=X0, **extra)
    q = to_qhm(name, alpha, beta, **extra)
    tq = md.simulate("qh_momentum", H, alpha=q.alpha, beta=q.beta, steps=40, x0=X0, nu=q.nu)
    np.testing.assert_allclose(tq.x, point(tr, beta), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("nu_q, method, look", [
    (0.0, "gd", None),
    (1.0, "heavy_ball", 0.0),
    (0.6, "nesterov", 0.6),
    (0.3, "robust_momentum", "gamma"),
    (-0.5, "robust_momentum", "gamma"),
])
def test_from_qhm_runs_side_by_side(nu_q, method, look):
    alpha_q, beta_q = 0.5, 0.6
    p = from_qhm(alpha_q, beta_q, nu_q)
    assert p.method == method
    tq = md.simulate("qh_momentum", H, alpha=alpha_q, beta=beta_q, steps=40, x0=X0, nu=nu_q)
    hyper = dict(p.hyperparameters)
    tr = md.simulate(p.method, H, steps=40, x0=X0, **hyper)
    if look is None:
        ref = tr.x
    else:
        coef = hyper["gamma"] if look == "gamma" else look
        ref = tr.x - coef * tr.states["v"]
        if look == "gamma":  # the published inverse, typed here
            assert coef == pytest.approx((1 - nu_q) * beta_q / (1 - beta_q), rel=1e-15)
    np.testing.assert_allclose(tq.x, ref, rtol=1e-10, atol=1e-13)


def test_from_qhm_explicit_ema_target():
    p = from_qhm(0.3, 0.5, 1.0, method="ema_momentum")
    assert p.hyperparameters == {"alpha": 0.3, "beta": 0.5}


def test_converter_errors_name_the_argument():
    with pytest.raises(ValueError, match="nu must be beta"):
        from_qhm(0.5, 0.6, 0.3, method="nesterov")
    with pytest.raises(ValueError, match="method must be one of"):
        from_qhm(0.5, 0.6, 0.3, method="adam")
    with pytest.raises(ValueError, match="beta must lie in"):
        from_qhm(0.5, 1.0, 0.3)
    with pytest.raises(ValueError, match="alpha"):
        to_qhm("heavy_ball", -0.1, 0.5)
    with pytest.raises(ValueError, match="no QHM form"):
        to_qhm("qh_momentum", 0.1, 0.5, nu=0.5)
    with pytest.raises(ValueError, match="beta must be > 0"):
        to_qhm("robust_momentum", 0.1, 0.0, gamma=0.2)
    with pytest.raises(TypeError, match="gamma"):
        to_qhm("robust_momentum", 0.1, 0.5)
    with pytest.raises(TypeError, match="nu"):
        from_qhm(0.5, 0.6, "0.3")

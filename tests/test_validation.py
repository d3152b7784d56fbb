"""Bad input fails at the surface with a ValueError/TypeError naming the argument.

One table of public functions and one table of bad inputs; every applicable pair is a
test case. The messages are matched against the argument's name (and, where the
library lists allowed values, against those).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import momentum_dynamics as md
from momentum_dynamics import symbolic as S

ERR = (ValueError, TypeError)
NAN = float("nan")

# Good calls: the function and its keyword arguments.
GOOD = {
    "poles": (md.poles, dict(method="heavy_ball", alpha=0.1, beta=0.5, curvature=1.0)),
    "spectral_radius": (md.spectral_radius,
                        dict(method="heavy_ball", alpha=0.1, beta=0.5, curvature=1.0)),
    "is_stable": (md.is_stable, dict(method="heavy_ball", alpha=0.1, beta=0.5, curvature=1.0)),
    "damping_regime": (md.damping_regime,
                       dict(method="heavy_ball", alpha=0.1, beta=0.5, curvature=1.0)),
    "critical_beta": (md.critical_beta, dict(method="heavy_ball", alpha=0.1, curvature=1.0)),
    "continuous_critical_beta": (md.continuous_critical_beta,
                                 dict(method="heavy_ball", alpha=0.1, curvature=1.0)),
    "convergence_rate": (md.convergence_rate,
                         dict(method="heavy_ball", alpha=0.1, beta=0.5, mu=1.0, L=10.0)),
    "optimal_parameters": (md.optimal_parameters, dict(method="heavy_ball", mu=1.0, L=10.0)),
    "effective_learning_rate": (md.effective_learning_rate,
                                dict(method="heavy_ball", alpha=0.1, beta=0.5)),
    "iterations_to_tolerance": (md.iterations_to_tolerance, dict(rate=0.5, tolerance=1e-6)),
    "tuned_rates": (md.tuned_rates, dict(kappa=10.0, tolerance=1e-6)),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_good_calls_work(name):
    func, kw = GOOD[name]
    func(**kw)


# (case id, argument it concerns, override, exception, match)
CASES = [
    ("negative_alpha", "alpha", dict(alpha=-0.1), ValueError, r"alpha.*> 0.*-0\.1"),
    ("zero_alpha", "alpha", dict(alpha=0.0), ValueError, r"alpha.*> 0"),
    ("nan_alpha", "alpha", dict(alpha=NAN), ValueError, r"alpha.*finite"),
    ("inf_alpha", "alpha", dict(alpha=math.inf), ValueError, r"alpha.*finite"),
    ("nan_in_array_alpha", "alpha", dict(alpha=[0.1, NAN]), ValueError,
     r"alpha.*finite.*index \(1,\)"),
    ("string_alpha", "alpha", dict(alpha="0.1"), TypeError, r"alpha.*number"),
    ("none_alpha", "alpha", dict(alpha=None), TypeError, r"alpha"),
    ("complex_alpha", "alpha", dict(alpha=0.1 + 1j), ValueError, r"alpha.*real"),
    ("beta_1.5", "beta", dict(beta=1.5), ValueError, r"beta.*\[-1, 1\].*1\.5"),
    ("beta_-1.5", "beta", dict(beta=-1.5), ValueError, r"beta.*\[-1, 1\]"),
    ("nan_beta", "beta", dict(beta=NAN), ValueError, r"beta.*finite"),
    ("string_beta", "beta", dict(beta="0.5"), TypeError, r"beta.*number"),
    ("beta_for_gd", "beta", dict(method="gd", beta=0.5), ValueError,
     r"'gd' has no momentum parameter.*beta"),
    ("missing_beta", "beta", dict(beta=None), TypeError, r"beta.*required.*'heavy_ball'"),
    ("unknown_method", "method", dict(method="adamw"), ValueError,
     r"Unknown method: 'adamw'.*'gd', 'heavy_ball', 'nesterov', 'ema_momentum'"),
    ("method_not_a_name", "method", dict(method=3), TypeError, r"method must be"),
    ("shapes_alpha_curvature", "curvature", dict(alpha=np.full(3, 0.1), curvature=np.ones(4)),
     ValueError, r"shapes do not broadcast together: alpha with shape \(3,.*curvature"),
    ("shapes_alpha_beta", "beta", dict(alpha=np.full(3, 0.1), beta=np.full(4, 0.5)),
     ValueError, r"shapes do not broadcast together: alpha with shape \(3,.*beta with shape \(4,"),
    ("shapes_mu_L", "mu", dict(mu=np.ones(3), L=np.full(4, 10.0)), ValueError,
     r"mu with shape \(3,\).*L with shape \(4,\)"),
    ("nan_curvature", "curvature", dict(curvature=NAN), ValueError, r"curvature.*finite"),
    ("string_curvature", "curvature", dict(curvature="1"), TypeError, r"curvature.*number"),
    ("bool_curvature", "curvature", dict(curvature=True), TypeError, r"curvature.*number"),
    ("missing_curvature", "curvature", dict(curvature=None), TypeError, r"curvature"),
    ("ragged_curvature", "curvature", dict(curvature=[[1.0], [1.0, 2.0]]), TypeError,
     r"curvature"),
    ("complex_curvature", "complex_curvature", dict(curvature=1.0 + 1j), ValueError,
     r"curvature must be real"),
    ("mu_gt_L", "mu", dict(mu=20.0, L=10.0), ValueError, r"mu must be <= L.*20\.0.*10\.0"),
    ("mu_zero", "mu", dict(mu=0.0), ValueError, r"mu.*> 0"),
    ("mu_negative", "mu", dict(mu=-1.0), ValueError, r"mu.*> 0"),
    ("nan_mu", "mu", dict(mu=NAN), ValueError, r"mu.*finite"),
    ("nan_L", "L", dict(L=NAN), ValueError, r"L must be finite"),
    ("string_mu", "mu", dict(mu="1"), TypeError, r"mu.*number"),
    ("string_L", "L", dict(L="10"), TypeError, r"L.*number"),
    ("missing_mu", "mu", dict(mu=None), TypeError, r"mu"),
    ("kappa_lt_1", "kappa", dict(kappa=0.5), ValueError, r"kappa.*>= 1.*0\.5"),
    ("nan_kappa", "kappa", dict(kappa=NAN), ValueError, r"kappa.*finite"),
    ("string_kappa", "kappa", dict(kappa="10"), TypeError, r"kappa.*number"),
    ("negative_rate", "rate", dict(rate=-0.5), ValueError, r"rate.*>= 0"),
    ("nan_rate", "rate", dict(rate=NAN), ValueError, r"rate.*finite"),
    ("string_rate", "rate", dict(rate="0.5"), TypeError, r"rate.*number"),
    ("tolerance_zero", "tolerance", dict(tolerance=0.0), ValueError, r"tolerance.*\(0, 1\)"),
    ("tolerance_one", "tolerance", dict(tolerance=1.0), ValueError, r"tolerance.*\(0, 1\)"),
    ("nan_tolerance", "tolerance", dict(tolerance=NAN), ValueError, r"tolerance.*finite"),
    ("string_tolerance", "tolerance", dict(tolerance="1e-6"), TypeError, r"tolerance.*number"),
    ("unknown_keyword", "hyper", dict(nu=0.5), TypeError,
     r"unexpected keyword argument.*'nu'.*'heavy_ball'"),
    ("gd_has_no_critical_beta", "gd_critical", dict(method="gd"), ValueError,
     r"'gd' has no momentum parameter beta"),
    ("bad_tuning", "tuning", dict(tuning="fast"), ValueError, r"tuning.*'optimal'.*'fast'"),
    ("standard_tuning_heavy_ball", "tuning", dict(tuning="standard"), ValueError,
     r"tuning 'standard' is only defined for 'nesterov'"),
    ("samples_1", "samples", dict(method="qhm_v", samples=1, nu=0.5), ValueError,
     r"samples must be an integer >= 2"),
]

# Which argument families each function takes.
ARGS = {
    "poles": {"method", "alpha", "beta", "curvature", "complex_ok", "hyper"},
    "spectral_radius": {"method", "alpha", "beta", "curvature", "complex_ok", "hyper"},
    "is_stable": {"method", "alpha", "beta", "curvature", "complex_ok", "hyper"},
    "damping_regime": {"method", "alpha", "beta", "curvature", "complex_curvature", "hyper"},
    "critical_beta": {"method", "alpha", "curvature", "complex_curvature", "hyper",
                      "gd_critical"},
    "continuous_critical_beta": {"method", "alpha", "curvature", "complex_curvature", "hyper",
                                 "gd_critical"},
    "convergence_rate": {"method", "alpha", "beta", "mu", "L", "hyper", "samples"},
    "optimal_parameters": {"method", "mu", "L", "tuning"},
    "effective_learning_rate": {"method", "alpha", "beta", "hyper"},
    "iterations_to_tolerance": {"rate", "tolerance"},
    "tuned_rates": {"kappa", "tolerance"},
}


def applicable(func_name, arg, override):
    fam = ARGS[func_name]
    if arg not in fam:
        return False
    # the shapes cases need both arguments
    if arg == "curvature" and "alpha" in override and "curvature" in override:
        return "alpha" in fam
    if arg == "beta" and "alpha" in override:
        return "alpha" in fam
    return all(k in GOOD[func_name][1] or k in ("nu", "samples", "tuning") for k in override)


PAIRS = [
    pytest.param(fname, case, id=f"{fname}-{case[0]}")
    for fname in GOOD
    for case in CASES
    if applicable(fname, case[1], case[2])
]


def qhm_v(x, v, grad, alpha, beta, nu):
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


@pytest.fixture(autouse=True, scope="module")
def registered_qhm():
    md.register_method(qhm_v, overwrite=True)
    yield
    md.unregister_method("qhm_v")


@pytest.mark.parametrize("fname, case", PAIRS)
def test_bad_input_is_refused_with_a_clear_message(fname, case):
    _, _, override, exc, match = case
    func, kw = GOOD[fname]
    kw = {**kw, **override}
    if kw.get("method") == "qhm_v" and "beta" not in kw and fname != "optimal_parameters":
        kw.setdefault("beta", 0.5)
    with pytest.raises(exc, match=match):
        func(**kw)


def test_every_function_is_covered():
    covered = {p.values[0] for p in PAIRS}
    assert covered == set(GOOD)
    per = {f: sum(p.values[0] == f for p in PAIRS) for f in GOOD}
    assert min(per.values()) >= 5, per


# --------------------------------------------------------------------------
# Registered methods: their extra hyper-parameters are validated too
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func, kw",
    [
        (md.spectral_radius, dict(alpha=0.1, beta=0.5, curvature=1.0)),
        (md.poles, dict(alpha=0.1, beta=0.5, curvature=1.0)),
        (md.damping_regime, dict(alpha=0.1, beta=0.5, curvature=1.0)),
        (md.critical_beta, dict(alpha=0.1, curvature=1.0)),
        (md.effective_learning_rate, dict(alpha=0.1, beta=0.5)),
        (md.convergence_rate, dict(alpha=0.1, beta=0.5, mu=1.0, L=10.0)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_extra_hyperparameters_are_checked(func, kw):
    with pytest.raises(TypeError, match=r"'qhm_v' needs the hyper-parameter\(s\) \['nu'\]"):
        func("qhm_v", **kw)
    with pytest.raises(ValueError, match=r"nu must be finite"):
        func("qhm_v", nu=NAN, **kw)
    if func is not md.convergence_rate:  # see test_convergence_rate_refuses_string_nu
        with pytest.raises(TypeError, match=r"nu must be a number"):
            func("qhm_v", nu="0.5", **kw)
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*'mu_'"):
        func("qhm_v", nu=0.5, mu_=1.0, **kw)


def test_optimal_parameters_numeric_fallback_refuses_arrays():
    with pytest.raises(ValueError, match="scalar mu and L"):
        md.optimal_parameters("qhm_v", np.array([1.0, 2.0]), 10.0, nu=0.5)
    with pytest.raises(ValueError, match="tuning 'standard' is only defined"):
        md.optimal_parameters("qhm_v", 1.0, 10.0, tuning="standard", nu=0.5)


# --------------------------------------------------------------------------
# Symbolic functions taking a method
# --------------------------------------------------------------------------

SYMBOLIC = [S.state_space, S.transfer_function, S.characteristic_polynomial, S.discriminant,
            S.poles, S.stability_conditions, S.critical_beta, S.terminal_velocity,
            S.effective_learning_rate, S.optimal_parameters, S.tuned_rate,
            S.rate_approximation, S.hyperparameter_symbols]


@pytest.mark.parametrize("func", SYMBOLIC, ids=lambda f: f.__name__)
def test_symbolic_unknown_method_lists_names(func):
    with pytest.raises(ValueError, match=r"Unknown method: 'adamw'.*'heavy_ball'.*'nesterov'"):
        func("adamw")
    with pytest.raises(TypeError, match="method must be"):
        func(1.5)


def test_symbolic_specific_errors():
    with pytest.raises(ValueError, match=r"'gd' has no momentum parameter beta"):
        S.critical_beta("gd")
    with pytest.raises(ValueError, match=r"output must be one of the state variables.*'y'"):
        S.transfer_function("heavy_ball", output="y")
    with pytest.raises(ValueError, match=r"tuning must be 'optimal' or 'standard'.*'best'"):
        S.optimal_parameters("heavy_ball", "best")
    with pytest.raises(ValueError, match=r"no closed-form tuning 'standard' for method 'gd'"):
        S.optimal_parameters("gd", "standard")
    with pytest.raises(ValueError, match=r"no closed-form tuning.*'qhm_v'.*numeric"):
        S.tuned_rate("qhm_v")


def test_symbolic_rejects_rules_that_do_not_take_symbols():
    def needs_floats(x, grad, alpha):
        return x - alpha * math.tanh(grad(x))  # math on a SymPy expression fails

    m = md.methods.Method.from_update(needs_floats)
    with pytest.raises(TypeError, match="could not be evaluated on SymPy symbols"):
        S.state_space(m)


def test_symbolic_rejects_nonlinear_rules():
    def clipped(x, grad, alpha):
        g = grad(x)
        return x - alpha * g**3  # not linear in the state on a quadratic

    m = md.methods.Method.from_update(clipped)
    with pytest.raises(ValueError, match="not linear in its state"):
        S.state_space(m)


# --------------------------------------------------------------------------
# Found while writing these tests
# --------------------------------------------------------------------------


def test_optimal_parameters_refuses_unknown_keywords():
    with pytest.raises(TypeError, match="nu"):
        md.optimal_parameters("heavy_ball", 1.0, 10.0, nu=3.0)


def test_convergence_rate_names_a_bad_extra_hyperparameter():
    with pytest.raises(ERR, match="nu"):
        md.convergence_rate("qhm_v", 0.1, 0.5, 1.0, 10.0, nu="x")


def test_convergence_rate_refuses_string_nu():
    with pytest.raises(TypeError, match="nu"):
        md.convergence_rate("qhm_v", 0.1, 0.5, 1.0, 10.0, nu="0.5")


def test_iterations_to_tolerance_names_bad_shapes():
    with pytest.raises(ValueError, match="rate.*tolerance"):
        md.iterations_to_tolerance(np.full(3, 0.5), np.full(2, 1e-3))


def test_convergence_rate_names_mu_in_shape_errors():
    with pytest.raises(ValueError, match=r"mu with shape \(4,\)"):
        md.convergence_rate("heavy_ball", np.full(3, 0.1), 0.5, np.ones(4), 10.0)


def test_damping_regime_refuses_negative_rtol():
    with pytest.raises(ValueError, match="rtol"):
        md.damping_regime("heavy_ball", 0.25, 0.25, 1.0, rtol=-1.0)


def test_tuned_rates_names_bad_shapes():
    with pytest.raises(ValueError, match="kappa.*tolerance|tolerance.*kappa"):
        md.tuned_rates(np.array([10.0, 100.0, 1000.0]), np.array([1e-3, 1e-6]))


# --------------------------------------------------------------------------
# One Hessian parser and one symmetry tolerance everywhere
# --------------------------------------------------------------------------

HESSIAN_TAKERS = [
    ("stationary_covariance",
     lambda H: md.stationary_covariance("heavy_ball", 0.1, 0.5, hessian=H)),
    ("to_statespace", lambda H: md.to_statespace("heavy_ball", 0.1, 0.5, hessian=H)),
    ("server_momentum_model",
     lambda H: md.applications.server_momentum_model(H, 1.0, clients_per_round=2)),
]


@pytest.mark.parametrize("call", [c for _, c in HESSIAN_TAKERS],
                         ids=[n for n, _ in HESSIAN_TAKERS])
def test_symmetry_tolerance_is_the_same_everywhere(call):
    from momentum_dynamics._validation import SYMMETRY_RTOL

    base = np.array([[2.0e6, 1.0e6], [1.0e6, 3.0e6]]) * 1e-7  # stable for alpha = 0.1
    scale = np.abs(base).max()
    inside, outside = base.copy(), base.copy()
    inside[0, 1] += 0.1 * SYMMETRY_RTOL * scale
    outside[0, 1] += 10 * SYMMETRY_RTOL * scale
    call(inside)
    with pytest.raises(ValueError, match=r"hessian must be symmetric.*hessian\[0, 1\]"):
        call(outside)


@pytest.mark.parametrize("call", [c for _, c in HESSIAN_TAKERS],
                         ids=[n for n, _ in HESSIAN_TAKERS])
@pytest.mark.parametrize("bad, exc", [([], ValueError), (np.zeros((0, 0)), ValueError),
                                      ("0.1", TypeError), (None, TypeError)])
def test_empty_and_string_hessians_are_refused(call, bad, exc):
    with pytest.raises(exc, match="hessian"):
        call(bad)


@pytest.mark.parametrize("dt, exc", [(0.0, ValueError), (-1.0, ValueError), (NAN, ValueError),
                                     (math.inf, ValueError), (False, TypeError),
                                     (None, TypeError), ("1", TypeError)])
@pytest.mark.parametrize("call", [
    lambda dt: md.to_statespace("heavy_ball", 0.1, 0.5, 1.0, dt=dt),
    lambda dt: md.to_transfer_function("heavy_ball", 0.1, 0.5, 1.0, dt=dt),
    lambda dt: md.sympy_to_control(1 / (S.z - 0.5), dt=dt),
    lambda dt: md.ema_filter(0.9, dt=dt),
    lambda dt: md.gradient_filter_system("heavy_ball", 0.1, 0.5, dt=dt),
], ids=["to_statespace", "to_transfer_function", "sympy_to_control", "ema_filter",
        "gradient_filter_system"])
def test_control_bridges_refuse_bad_sampling_times(call, dt, exc):
    with pytest.raises(exc, match="dt"):
        call(dt)


def test_control_bridges_keep_a_positive_sampling_time():
    sys = md.to_statespace("heavy_ball", 0.1, 0.5, 1.0, dt=0.25)
    assert sys.dt == 0.25
    assert md.ema_filter(0.9, dt=0.5).scipy.dt == 0.5


def test_sympy_to_control_refuses_strings_instead_of_parsing_them():
    with pytest.raises(TypeError, match="expr"):
        md.sympy_to_control("1/(z - 0.5)")

"""Fuzz the whole public API: bad input fails at the surface, naming the argument.

Every public callable of the package (``momentum_dynamics.__all__`` and the public
submodules' ``__all__``) has one valid call in ``SPECS``; each argument has a *kind*
(learning rate, momentum, Hessian, sampling time, count, method name, ...). The tests
perturb one argument (or a pair, for broadcast shapes) at a time and call again:

- ``test_bad_values_are_refused`` runs the fixed table of values each kind must refuse
  (NaN, inf, zero or negative where a positive number goes, the string ``"0.1"``,
  ``None``, empty and non-symmetric Hessians, ``dt <= 0``, unknown method names, ...).
  Accepting one of them is a failure, unless the result is NaN and the docstring
  documents NaN results.
- ``test_random_values`` draws values with Hypothesis (floats of any sign including NaN
  and inf, arrays of random shapes, strings, None, booleans, complex numbers). A value
  the kind's predicate calls bad must be refused; any other value may be accepted.

Either way the only exceptions allowed are ``ValueError`` and ``TypeError``, and their
message must name the perturbed argument (its name appears in the message). Anything
else is a leak: an exception from inside NumPy, SymPy or python-control, or a message a
user cannot act on.

Run ``python tests/test_fuzz_api.py`` for a report of every leak (function, argument,
value, exception).
"""

from __future__ import annotations

import inspect
import os
import warnings
from dataclasses import dataclass, field
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import momentum_dynamics as md
from momentum_dynamics import (
    applications,
    conventions,
    filters,
    lti,
    methods,
    multistep,
    noise,
    numeric,
    physics,
    plotting,
    robust,
    simulate,
    statphys,
)
from momentum_dynamics import symbolic as S

NAN = float("nan")
INF = float("inf")
ALLOWED = (ValueError, TypeError)

# --------------------------------------------------------------------------
# Kinds of argument: the values each must refuse, and a predicate for random values
# --------------------------------------------------------------------------

NOT_A_NUMBER = ["0.1", None, True, object(), [[1.0], [1.0, 2.0]]]


@dataclass(frozen=True)
class Kind:
    """An argument kind: values it must refuse and whether a random number is bad."""

    refuse: tuple
    bad_number: object = None  # callable(float array) -> bool array, or None: any finite ok
    numeric: bool = True  # random numbers and arrays are meaningful perturbations
    complex_ok: bool = False
    empty_bad: bool = False  # an empty array is refused (it does not broadcast to nothing)
    count_min: int | None = None  # an integer argument: at least this
    true_ok: bool = False  # ``True`` is a valid value (python-control's dt)
    none_ok: bool = False  # ``None`` is a valid value (the argument's default)


def _outside(lo, hi, lo_open=False, hi_open=False):
    def bad(x):
        low = x <= lo if lo_open else x < lo
        high = x >= hi if hi_open else x > hi
        return low | high

    return bad


KINDS = {
    # learning rates, steps, frictions, sampling periods given as numbers: finite, > 0
    "pos": Kind((0.0, -0.1, NAN, INF, -INF, 0.1 + 1j, *NOT_A_NUMBER), _outside(0, INF, True)),
    "nonneg": Kind((-0.1, NAN, INF, *NOT_A_NUMBER), _outside(0, INF)),
    "real": Kind((NAN, INF, -INF, 1.0 + 1j, *NOT_A_NUMBER)),
    "complex": Kind((NAN, INF, complex(NAN, 1.0), *NOT_A_NUMBER), complex_ok=True),
    "beta": Kind((1.5, -1.5, NAN, INF, *NOT_A_NUMBER), _outside(-1, 1)),
    "beta01": Kind((1.0, 1.5, -0.1, NAN, INF, *NOT_A_NUMBER), _outside(0, 1, hi_open=True)),
    "beta01_or_none": Kind(
        (1.0, 1.5, -0.1, NAN, INF, "0.1", True, [[1.0], [1.0, 2.0]]),
        _outside(0, 1, hi_open=True),
        none_ok=True,
    ),
    "unit_open": Kind((0.0, 1.0, NAN, *NOT_A_NUMBER), _outside(0, 1, True, True)),
    "kappa": Kind((0.5, NAN, INF, *NOT_A_NUMBER), _outside(1, INF)),
    # python-control sampling time: True or a finite positive number
    "dt": Kind((0.0, -1.0, NAN, INF, False, "1", None), _outside(0, INF, True), true_ok=True),
    "count": Kind((0, -1, 2.5, NAN, "10", None, True), numeric=False, count_min=1),
    "count0": Kind((-1, 2.5, NAN, "10", None, True), numeric=False, count_min=0),
    "count_or_none": Kind((0, -1, 2.5, NAN, "10", True), numeric=False),
    "count0_or_none": Kind((-1, 2.5, NAN, "10", True), numeric=False),
    "method": Kind(("adamw", "", 3, None, 1.5), numeric=False),
    "output": Kind(("y", 3, None), numeric=False),
    "choice": Kind(("nonsense", 3, None), numeric=False),
    "flag": Kind(("yes", None, 2), numeric=False),
    "name": Kind((3, None, 1.5), numeric=False),
    "name_or_none": Kind((3, 1.5, ""), numeric=False),
    "index": Kind((2.5, "0", None, True, 7), numeric=False),
    "callable": Kind((3, "x", None), numeric=False),
    "object": Kind((3, "x", None), numeric=False),
    # a Hessian: (d, d) symmetric, or 1-D curvatures; never empty, never NaN
    "hessian": Kind(
        (
            [],
            [[]],
            np.zeros((0, 0)),
            [[1.0, 2.0], [3.0, 4.0]],
            [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
            np.ones((2, 2, 2)),
            [[1.0, NAN], [NAN, 1.0]],
            NAN,
            "0.1",
            None,
            [1.0, INF],
        ),
        empty_bad=True,
    ),
    # a noise covariance matched to a 2-D Hessian
    "noise_cov": Kind(
        (
            -1.0,
            NAN,
            "0.1",
            None,
            [[1.0, 2.0], [3.0, 4.0]],
            [[1.0, 0.0], [0.0, -1.0]],
            np.ones(5),
            np.ones((3, 3)),
            [],
        ),
        empty_bad=True,
    ),
    "expr": Kind((None, "z**", object(), S.alpha * S.z, [1, 2]), numeric=False),
    # a non-empty 1-D array of finite numbers (grids, lists of steps)
    "grid": Kind(([], np.zeros(0), [NAN, 1.0], "0.1", [[1.0], [1.0, 2.0]]), empty_bad=True),
    "pos_grid": Kind(
        ([], np.zeros(0), [NAN, 1.0], [-0.1, 0.2], [0.0, 0.1], "0.1", [[1.0], [1.0, 2.0]]),
        _outside(0, INF, True),
        empty_bad=True,
    ),
    # a point or a state vector of fixed size: no NaN, no string
    "vector": Kind(
        (NAN, [NAN, 1.0], "0.1", [[1.0], [1.0, 2.0]], np.ones((2, 3, 4))), empty_bad=True
    ),
    "vector_or_none": Kind(
        (NAN, [NAN, 1.0], "0.1", [[1.0], [1.0, 2.0]], np.ones((2, 3, 4))),
        empty_bad=True,
        none_ok=True,
    ),
    "kappa_or_none": Kind((0.5, NAN, INF, "0.1", [[1.0], [1.0, 2.0]], []), _outside(1, INF),
                          empty_bad=True, none_ok=True),
    "pos_grid_or_none": Kind(
        ([], [NAN, 1.0], [-0.1, 0.2], [0.0, 0.1], "0.1", [[1.0], [1.0, 2.0]]),
        _outside(0, INF, True),
        empty_bad=True,
        none_ok=True,
    ),
    "time": Kind((0.0, -1.0, NAN, INF, "1", None), _outside(0, INF, True)),
    "time_or_none": Kind((0.0, -1.0, NAN, INF, "1"), _outside(0, INF, True)),
    "sym_expr": Kind(("z**", object(), [1, 2]), numeric=False),
    # a recurrent weight of a teacher RNN: in (-1, 1)
    "rnn_w": Kind((1.0, -1.0, 1.5, NAN, INF, *NOT_A_NUMBER), _outside(-1, 1, True, True)),
    # momenta below 1 (a steady velocity exists), a non-empty array
    "betas_lt1": Kind((1.0, 1.5, -1.5, NAN, [], "0.1", None), _outside(-1, 1, hi_open=True),
                      empty_bad=True),
    "betas01": Kind((1.0, 1.5, -0.1, NAN, [], "0.1", None), _outside(0, 1, hi_open=True),
                    empty_bad=True),
}

# Random numbers for time-like arguments stay in a small pool: a random tiny step or
# huge horizon would only make a valid call slow.
TIME_POOL = [-2.0, -1e-3, 0.0, 0.05, 0.5, 2.0, NAN, INF]


# --------------------------------------------------------------------------
# The inventory: one valid call per public callable
# --------------------------------------------------------------------------


@dataclass
class Spec:
    func: object
    kwargs: dict
    kinds: dict
    # pairs of arguments perturbed together into shapes that do not broadcast
    mismatched: list = field(default_factory=list)
    hyper: bool = False  # takes **hyperparameters: an unknown keyword must be refused
    setup: object = None
    cleanup: object = None


def _fuzz_rule(x, v, grad, alpha, beta):
    v = beta * v + alpha * grad(x)
    return x - v, v


def _register_fuzz_rule():
    md.register_method(_fuzz_rule, "fuzz_rule", overwrite=True)


def _unregister_fuzz_rule():
    for name in ("_fuzz_rule", "fuzz_rule"):
        if name in md.available_methods():
            md.unregister_method(name)


def _unregister_weight_decay():
    for name in ("heavy_ball_l2", "sgdw"):
        if name in md.available_methods():
            md.unregister_method(name)


FQ = applications.server_momentum_model([1.0, 0.1], 1.0, clients_per_round=10)
TR = md.simulate("heavy_ball", [1.0, 2.0], alpha=0.1, beta=0.5, steps=60)
TR_ADAM = md.simulate(applications.ADAPTIVE_METHODS["adam"], [1.0, 2.0], alpha=0.1, beta=0.9,
                      steps=5, beta2=0.999, eps=1e-8)

HB = dict(method="heavy_ball", alpha=0.1, beta=0.5)
HB_K = dict(method="method", alpha="pos", beta="beta")
HB_C = dict(**HB, curvature=1.0)
HB_CK = dict(**HB_K, curvature="real")
M = dict(method="heavy_ball")
MK = dict(method="method")


def _numeric(func, complex_ok=True, **extra):
    kinds = {**HB_CK, "curvature": "complex" if complex_ok else "real"}
    return Spec(
        func,
        dict(HB_C),
        kinds,
        mismatched=[("alpha", "curvature"), ("beta", "alpha")],
        hyper=True,
        **extra,
    )


CORE: dict[str, Spec] = {
    # numeric
    "poles": _numeric(md.poles),
    "spectral_radius": _numeric(md.spectral_radius),
    "is_stable": _numeric(md.is_stable),
    "convergence_gap": _numeric(md.convergence_gap),
    "hidden_modes": _numeric(md.hidden_modes),
    "damping_regime": Spec(
        md.damping_regime,
        dict(HB_C, rtol=1e-12),
        dict(HB_CK, rtol="nonneg"),
        [("alpha", "curvature")],
        True,
    ),
    "critical_beta": Spec(
        md.critical_beta,
        dict(method="heavy_ball", alpha=0.1, curvature=1.0),
        dict(method="method", alpha="pos", curvature="real"),
        [("alpha", "curvature")],
        True,
    ),
    "continuous_critical_beta": Spec(
        md.continuous_critical_beta,
        dict(method="heavy_ball", alpha=0.1, curvature=1.0),
        dict(method="method", alpha="pos", curvature="real"),
        [("alpha", "curvature")],
        True,
    ),
    "effective_learning_rate": Spec(
        md.effective_learning_rate, dict(HB), dict(HB_K), [("alpha", "beta")], True
    ),
    "convergence_rate": Spec(
        md.convergence_rate,
        dict(HB, mu=1.0, L=10.0, samples=17),
        dict(HB_K, mu="pos", L="pos", samples="count"),
        [("mu", "L"), ("alpha", "mu")],
        True,
    ),
    "optimal_parameters": Spec(
        md.optimal_parameters,
        dict(M, mu=1.0, L=10.0, tuning="optimal"),
        dict(MK, mu="pos", L="pos", tuning="choice"),
        [("mu", "L")],
        True,
    ),
    "worst_case_gap": Spec(
        md.worst_case_gap,
        dict(HB, mu=1.0, L=10.0, samples=17),
        dict(HB_K, mu="pos", L="pos", samples="count"),
        [("mu", "L"), ("alpha", "mu")],
        True,
    ),
    "iterations_to_tolerance": Spec(
        md.iterations_to_tolerance,
        dict(rate=0.5, tolerance=1e-6),
        dict(rate="nonneg", tolerance="unit_open"),
        [("rate", "tolerance")],
    ),
    "tuned_rates": Spec(
        md.tuned_rates,
        dict(kappa=10.0, tolerance=1e-6),
        dict(kappa="kappa", tolerance="unit_open"),
        [("kappa", "tolerance")],
    ),
    # methods
    "get_method": Spec(md.get_method, dict(M), dict(MK)),
    "available_methods": Spec(md.available_methods, {}, {}),
    "register_method": Spec(
        md.register_method,
        dict(
            update=_fuzz_rule,
            name="fuzz_rule",
            title="fuzz",
            overwrite=True,
            worst_case_at_endpoints=False,
        ),
        dict(
            update="callable",
            name="name_or_none",
            title="name_or_none",
            overwrite="flag",
            worst_case_at_endpoints="flag",
        ),
        cleanup=_unregister_fuzz_rule,
    ),
    "unregister_method": Spec(
        md.unregister_method,
        dict(name="fuzz_rule"),
        dict(name="name"),
        setup=_register_fuzz_rule,
        cleanup=_unregister_fuzz_rule,
    ),
    # conventions
    "from_pytorch_sgd": Spec(
        md.from_pytorch_sgd,
        dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False),
        dict(lr="pos", momentum="beta01", dampening="beta01", nesterov="flag"),
    ),
    "from_optax_sgd": Spec(
        md.from_optax_sgd,
        dict(learning_rate=0.1, momentum=0.9, nesterov=False),
        dict(learning_rate="pos", momentum="beta01_or_none", nesterov="flag"),
    ),
    "from_keras_sgd": Spec(
        md.from_keras_sgd,
        dict(learning_rate=0.1, momentum=0.9, nesterov=False),
        dict(learning_rate="pos", momentum="beta01", nesterov="flag"),
    ),
    "to_pytorch_sgd": Spec(md.to_pytorch_sgd, dict(HB), dict(HB_K)),
    "to_optax_sgd": Spec(md.to_optax_sgd, dict(HB), dict(HB_K)),
    "to_keras_sgd": Spec(md.to_keras_sgd, dict(HB), dict(HB_K)),
    # lti
    "state_space_matrices": Spec(md.state_space_matrices, dict(HB_C), dict(HB_CK), hyper=True),
    "state_space_matrices[hessian]": Spec(
        md.state_space_matrices,
        dict(HB, hessian=[[2.0, 1.0], [1.0, 2.0]]),
        dict(HB_K, hessian="hessian"),
    ),
    "to_statespace": Spec(
        md.to_statespace,
        dict(HB_C, output="x", dt=True),
        dict(HB_CK, output="output", dt="dt"),
        hyper=True,
    ),
    "to_statespace[hessian]": Spec(
        md.to_statespace,
        dict(HB, hessian=[1.0, 4.0], dt=0.5),
        dict(HB_K, hessian="hessian", dt="dt"),
    ),
    "to_transfer_function": Spec(
        md.to_transfer_function,
        dict(HB_C, output="x", dt=True),
        dict(HB_CK, output="output", dt="dt"),
        hyper=True,
    ),
    "to_transfer_function[step]": Spec(
        md.to_transfer_function, dict(HB_C, output="step", dt=1.0), dict(dt="dt", curvature="real")
    ),
    "sympy_to_control": Spec(
        md.sympy_to_control,
        dict(expr=(S.z - 0.5) / (S.z**2 - 0.25), dt=True),
        dict(expr="expr", dt="dt"),
    ),
    # noise
    "stationary_covariance": Spec(
        md.stationary_covariance,
        dict(HB, hessian=[[2.0, 1.0], [1.0, 2.0]], noise_cov=1.0),
        dict(HB_K, hessian="hessian", noise_cov="noise_cov"),
        hyper=True,
    ),
    "stationary_covariance[diag]": Spec(
        md.stationary_covariance,
        dict(HB, hessian=[1.0, 4.0], noise_cov=[1.0, 2.0]),
        dict(hessian="hessian", noise_cov="noise_cov"),
    ),
    # filters
    "ema_filter": Spec(md.ema_filter, dict(beta=0.9, dt=True), dict(beta="beta01", dt="dt")),
    "ema_cutoff_frequency": Spec(md.ema_cutoff_frequency, dict(beta=0.9), dict(beta="beta01")),
    "ema_noise_bandwidth": Spec(md.ema_noise_bandwidth, dict(beta=0.9), dict(beta="beta01")),
    "ema_group_delay": Spec(
        md.ema_group_delay,
        dict(beta=0.9, omega=0.1),
        dict(beta="beta01", omega="real"),
        [("beta", "omega")],
    ),
    "ema_transfer_function": Spec(md.ema_transfer_function, {}, {}),
    "gradient_filter": Spec(md.gradient_filter, dict(M, output="v"), dict(MK, output="output")),
    "gradient_filter_system": Spec(
        md.gradient_filter_system,
        dict(HB, output="v", dt=True),
        dict(HB_K, output="output", dt="dt"),
        hyper=True,
    ),
    "tracking_lag": Spec(
        md.tracking_lag,
        dict(HB, omega=[0.0, 0.1], output="v"),
        dict(HB_K, omega="real", output="output"),
        [("alpha", "omega"), ("beta", "omega")],
        True,
    ),
    "ramp_lag": Spec(
        md.ramp_lag, dict(HB, output="v"), dict(HB_K, output="output"), [("alpha", "beta")], True
    ),
    # multistep
    "lmm_polynomials": Spec(multistep.lmm_polynomials, dict(M), dict(MK)),
    "consistency": Spec(multistep.consistency, dict(M), dict(MK)),
    "zero_stability": Spec(multistep.zero_stability, dict(M), dict(MK)),
    "boundary_locus": Spec(
        md.boundary_locus, dict(M, beta=0.5, n=9), dict(MK, beta="beta", n="count"), hyper=True
    ),
    "absolute_stability_mask": Spec(
        md.absolute_stability_mask,
        dict(HB, hl=[1.0, 1.5 + 0.4j]),
        dict(HB_K, hl="complex"),
        [("alpha", "hl")],
        True,
    ),
    "real_stability_interval": Spec(
        multistep.real_stability_interval, dict(M, beta=0.5), dict(MK, beta="beta"), hyper=True
    ),
    # symbolic: every function takes a method
    **{
        f"symbolic.{n}": Spec(getattr(S, n), dict(M), dict(MK))
        for n in (
            "hyperparameter_symbols",
            "state_space",
            "characteristic_polynomial",
            "discriminant",
            "poles",
            "stability_conditions",
            "critical_beta",
            "terminal_velocity",
            "effective_learning_rate",
            "stationary_covariance",
            "model",
        )
    },
    **{
        f"symbolic.{n}": Spec(
            getattr(S, n), dict(expr=S.alpha * S.curvature), dict(expr="sym_expr")
        )
        for n in ("to_sqrt_h", "from_sqrt_h", "leading_order")
    },
    "symbolic.transfer_function": Spec(
        S.transfer_function, dict(M, output="x"), dict(MK, output="output")
    ),
    **{
        f"symbolic.{n}": Spec(getattr(S, n), dict(M, tuning="optimal"), dict(MK, tuning="choice"))
        for n in ("optimal_parameters", "tuned_rate", "rate_approximation")
    },
    # games (one oracle per player)
    "game_symbols": Spec(S.game_symbols, {}, {}),
    "game_noise_symbols": Spec(S.game_noise_symbols, dict(method="gda_alternating"), MK),
    **{
        f"{f.__name__}_game": Spec(
            f,
            dict(method="gda_alternating_heavy_ball", alpha=0.5, beta=-0.3, sigma=1.0, a=0.1,
                 c=0.2),
            dict(HB_K, sigma="nonneg", a="real", c="real"),
            mismatched=[("alpha", "sigma")],
            hyper=True,
        )
        for f in (md.poles, md.spectral_radius, md.is_stable)
    },
    "QuadraticGame": Spec(
        md.QuadraticGame, dict(coupling=[[1.0, 0.0], [0.0, 2.0]], a=0.1, c=0.2),
        dict(coupling="vector", a="real", c="real"),
    ),
    "simulate_game": Spec(
        md.simulate,
        dict(method="gda_alternating_heavy_ball", problem=1.0, alpha=0.5, beta=-0.3, steps=5,
             initial_state={"x": [1.0], "y": [1.0], "vx": [0.0], "vy": [0.0]}),
        dict(HB_K, steps="count0"),
    ),
    "bilinear_game": Spec(applications.bilinear_game, dict(method="gda_alternating"), MK),
    "game_stability_region": Spec(
        applications.game_stability_region,
        dict(method="gda_alternating_heavy_ball", alpha_sigma=[0.5, 1.0], beta=[-0.5, 0.0],
             a=0.0, c=0.0),
        dict(MK, alpha_sigma="pos_grid", beta="grid", a="real", c="real"),
    ),
    "best_game_momentum": Spec(
        applications.best_game_momentum,
        dict(alpha_sigma=0.5, method="gda_alternating_heavy_ball", a=0.0, c=0.0, xtol=1e-9),
        dict(alpha_sigma="pos", method="method", a="real", c="real", xtol="pos"),
    ),
    "game_stationary_covariance": Spec(
        applications.game_stationary_covariance,
        dict(method="gda_alternating_heavy_ball", alpha=0.5, beta=-0.3, sigma=1.0, a=0.0,
             c=0.0),
        dict(method="method", alpha="pos", beta="beta", sigma="nonneg", a="real", c="real"),
    ),
    **{
        name: Spec(
            getattr(plotting, name),
            dict(max_alpha_sigma=2.0, resolution=11, best_points=2),
            dict(max_alpha_sigma="pos", resolution="count", best_points="count"),
        )
        for name in ("plot_game_region", "game_region_data")
    },
    **{
        name: Spec(getattr(plotting, name), dict(alpha_sigma=0.5, steps=5),
                   dict(alpha_sigma="pos", steps="count"))
        for name in ("plot_game_trajectories", "game_trajectories_data")
    },
    # simulate
    "Quadratic": Spec(
        md.Quadratic,
        dict(hessian=[[2.0, 1.0], [1.0, 2.0]], x_star=[1.0, 0.0]),
        dict(hessian="hessian", x_star="vector_or_none"),
    ),
    "simulate": Spec(
        md.simulate,
        dict(HB, problem=[1.0, 2.0], steps=20, x0=[1.0, 1.0], v0=[0.0, 0.0]),
        dict(HB_K, problem="hessian", steps="count0", x0="vector_or_none", v0="vector_or_none"),
        hyper=True,
    ),
    "empirical_rate": Spec(
        md.empirical_rate,
        dict(trajectory=TR, skip=10, x_star=[0.0, 0.0], rtol=1e-12),
        dict(trajectory="object", skip="count0_or_none", x_star="vector_or_none", rtol="nonneg"),
    ),
    "sign_changes": Spec(
        md.sign_changes,
        dict(trajectory=TR, coordinate=0, x_star=[0.0, 0.0], rtol=1e-10),
        dict(trajectory="object", coordinate="index", x_star="vector_or_none", rtol="nonneg"),
    ),
    # applications: batch-norm lag and schedules
    "bn_lag_method": Spec(applications.bn_lag_method, {}, {}),
    "check_bn_momentum": Spec(
        applications.check_bn_momentum, dict(bn_momentum=0.5), dict(bn_momentum="beta01")
    ),
    "bn_lag_stability": Spec(
        applications.bn_lag_stability,
        dict(alpha_lambda=0.1, beta=0.5, bn_momentum=0.5),
        dict(alpha_lambda="pos", beta="beta", bn_momentum="beta01"),
        [("alpha_lambda", "beta")],
    ),
    "bn_lag_max_step": Spec(
        applications.bn_lag_max_step,
        dict(beta=0.5, bn_momentum=0.5),
        dict(beta="beta", bn_momentum="beta01"),
        [("beta", "bn_momentum")],
    ),
    "bn_lag_phase": Spec(
        applications.bn_lag_phase,
        dict(omega=0.05, alpha_lambda=0.01, beta=0.5, bn_momentum=0.5),
        dict(omega="pos", alpha_lambda="pos", beta="beta", bn_momentum="beta01"),
        [("omega", "beta")],
    ),
    "transition_product": Spec(
        applications.transition_product,
        dict(method="heavy_ball", alphas=[0.1, 0.2], betas=[0.5, 0.9], curvature=1.0),
        dict(method="method", alphas="pos_grid", betas="grid", curvature="real"),
        [("alphas", "betas")],
        True,
    ),
    "schedule_growth": Spec(
        applications.schedule_growth,
        dict(method="heavy_ball", alphas=[0.1, 0.2], betas=[0.5, 0.9], curvatures=[1.0, 2.0]),
        dict(method="method", alphas="pos_grid", betas="grid", curvatures="grid"),
        [("alphas", "betas")],
        True,
    ),
    "linear_warmup": Spec(
        applications.linear_warmup,
        dict(alpha=0.1, steps=10, warmup_steps=5),
        dict(alpha="pos", steps="count", warmup_steps="count0"),
    ),
    "beta_ramp": Spec(
        applications.beta_ramp,
        dict(start=0.5, stop=0.9, steps=10, ramp_steps=5),
        dict(start="beta", stop="beta", steps="count", ramp_steps="count0_or_none"),
    ),
    "step_decay": Spec(
        applications.step_decay,
        dict(alpha=0.1, steps=10, every=3, factor=0.1),
        dict(alpha="pos", steps="count", every="count", factor="pos"),
    ),
    "transient_amplification_example": Spec(
        applications.transient_amplification_example,
        dict(beta=0.9, low=0.5, high=3.0, steps=10, curvature=1.0),
        dict(beta="beta", low="pos", high="pos", steps="count", curvature="pos"),
    ),
    # applications: weight decay
    "register_weight_decay_methods": Spec(
        applications.register_weight_decay_methods, dict(overwrite=True), dict(overwrite="flag"),
        cleanup=_unregister_weight_decay,
    ),
    "weight_decay_polynomials": Spec(applications.weight_decay_polynomials, {}, {}),
    "curvature_shift": Spec(applications.curvature_shift, dict(method="sgdw"),
                            dict(method="method")),
    "decoupled_decay_poles": Spec(applications.decoupled_decay_poles, dict(method="sgdw"),
                                  dict(method="method")),
    "weight_decay_stability_conditions": Spec(
        applications.weight_decay_stability_conditions, {}, {}),
    "stable_step_interval": Spec(
        applications.stable_step_interval,
        dict(method="sgdw", beta=0.5, alpha_weight_decay=0.1),
        dict(method="method", beta="beta", alpha_weight_decay="nonneg"),
        [("beta", "alpha_weight_decay")],
    ),
    "max_stable_step": Spec(
        applications.max_stable_step,
        dict(method="heavy_ball_l2", beta=0.5, alpha_weight_decay=0.1),
        dict(method="method", beta="beta", alpha_weight_decay="nonneg"),
        [("beta", "alpha_weight_decay")],
    ),
    "weight_decay_critical_beta": Spec(applications.weight_decay_critical_beta, {}, {}),
    "weight_decay_tuning": Spec(
        applications.weight_decay_tuning,
        dict(mu=0.1, L=1.0, weight_decay=0.1),
        dict(mu="pos", L="pos", weight_decay="nonneg"),
    ),
    # applications: Adam and AdamW
    "frozen_equivalence": Spec(applications.frozen_equivalence, {}, {}),
    "frozen_adamw_poles": Spec(applications.frozen_adamw_poles, {}, {}),
    "frozen_max_stable_step": Spec(applications.frozen_max_stable_step,
                                   dict(method="adam_frozen"), dict(method="choice")),
    "preconditioned_condition_number": Spec(
        applications.preconditioned_condition_number,
        dict(hessian=[[2.0, 0.5], [0.5, 1.0]], preconditioner=[1.0, 2.0]),
        dict(hessian="hessian", preconditioner="pos"),
    ),
    "anisotropic_quadratic": Spec(applications.anisotropic_quadratic,
                                  dict(kappa=10.0, rotation=0.3),
                                  dict(kappa="kappa", rotation="real")),
    "anisotropic_start": Spec(applications.anisotropic_start, dict(rotation=0.3),
                              dict(rotation="real")),
    "effective_step_sizes": Spec(
        applications.effective_step_sizes,
        dict(trajectory=TR_ADAM, alpha=0.1, beta=0.9, beta2=0.999, eps=1e-8),
        dict(trajectory="object", alpha="pos", beta="beta01", beta2="beta01", eps="pos"),
    ),
    "steps_to_tolerance": Spec(
        applications.steps_to_tolerance,
        dict(method="adam", problem=[1.0, 2.0], alpha=0.1, beta=0.9, tol=1e-2, max_steps=30,
             x0=[1.0, 1.0], beta2=0.999, eps=1e-8),
        dict(method="choice", problem="hessian", alpha="pos", beta="beta01", tol="unit_open",
             max_steps="count", x0="vector_or_none", beta2="beta01", eps="pos"),
    ),
    "compare_adam_momentum": Spec(
        applications.compare_adam_momentum,
        dict(kappa=[10.0], rotation=0.5, tol=1e-2, max_steps=20, alphas=[0.1], beta=0.9,
             beta2=0.999, eps=1e-8, progress=False),
        dict(kappa="kappa_or_none", rotation="real", tol="unit_open", max_steps="count",
             alphas="pos_grid_or_none", beta="beta01", beta2="beta01", eps="pos",
             progress="flag"),
    ),
    # applications: linear RNN
    "rnn_hessian_symbolic": Spec(applications.rnn_hessian_symbolic, dict(T=3), dict(T="count")),
    "rnn_curvature": Spec(
        applications.rnn_curvature,
        dict(w=[0.5, 0.9], T=5, u=1.0, inputs=[1.0, 2.0, 1.0, 0.5, 1.0]),
        dict(w="rnn_w", T="count", u="real", inputs="vector_or_none"),
        [("w", "u")],
    ),
    "rnn_transition_matrix": Spec(
        applications.rnn_transition_matrix,
        dict(method="heavy_ball", alpha=0.01, beta=0.9, w=0.5, T=5, u=1.0),
        dict(method="method", alpha="pos", beta="beta", w="rnn_w", T="count", u="real"),
        hyper=True,
    ),
    **{
        n: Spec(
            getattr(applications, n),
            dict(alpha=[0.01, 0.02], beta=0.9, w=[0.5, 0.9], T=5, method="heavy_ball", u=1.0),
            dict(alpha="pos", beta="beta", w="rnn_w", T="count", method="method", u="real"),
            [("alpha", "w")],
            True,
        )
        for n in ("rnn_stability", "rnn_spectral_radius")
    },
    "rnn_max_alpha": Spec(
        applications.rnn_max_alpha,
        dict(beta=[0.5, 0.9], w=[0.5, 0.9], T=5, method="heavy_ball", u=1.0),
        dict(beta="beta", w="rnn_w", T="count", method="method", u="real"),
        [("beta", "w")],
        True,
    ),
    "rnn_training": Spec(
        applications.rnn_training,
        dict(w_star=0.5, T=5, alpha=0.01, beta=0.9, steps=5, u_star=1.0, w0=0.0, u0=0.5),
        dict(w_star="rnn_w", T="count", alpha="pos", beta="beta", steps="count",
             u_star="real", w0="real", u0="real"),
    ),
    # applications: beta trade-offs and the plateau-and-cliff landscape
    "largest_stable_step": Spec(
        applications.largest_stable_step, dict(method="heavy_ball", beta=[0.5, 0.9]),
        dict(method="method", beta="beta"), hyper=True,
    ),
    "beta_tradeoff": Spec(
        applications.beta_tradeoff, dict(method="heavy_ball", betas=[0.5, 0.9], alpha=0.01, L=2.0),
        dict(method="method", betas="betas_lt1", alpha="pos", L="pos"),
    ),
    "overshoot": Spec(
        applications.overshoot,
        dict(betas=[0.5, 0.9], alpha=0.05, steps=20, warmup_steps=5, x0=0.8, tol=1e-3),
        dict(betas="betas01", alpha="pos", steps="count", warmup_steps="count0", x0="real",
             tol="pos"),
    ),
    # plotting: deep-learning figures
    **{
        f"{prefix}rnn_region{suffix}": Spec(
            getattr(plotting, f"{prefix}rnn_region{suffix}"),
            dict(ws=(0.5,), Ts=(3,), w_star=0.5, alpha=1e-3, beta=0.9, steps=3,
                 resolution=4, progress=False),
            dict(ws="grid", w_star="rnn_w", alpha="pos", beta="beta", steps="count",
                 resolution="count", progress="flag"),
        )
        for prefix, suffix in (("plot_", ""), ("", "_data"))
    },
    **{
        f"{prefix}beta_tradeoff{suffix}": Spec(
            getattr(plotting, f"{prefix}beta_tradeoff{suffix}"),
            dict(methods=("heavy_ball",), overshoot_betas=(0.5,), alpha=0.05, steps=20,
                 warmup_steps=5, x0=0.8, resolution=4),
            dict(methods="method", overshoot_betas="betas01", alpha="pos", steps="count",
                 warmup_steps="count", x0="real", resolution="count"),
        )
        for prefix, suffix in (("plot_", ""), ("", "_data"))
    },
    **{
        f"{prefix}bn_lag{suffix}": Spec(
            getattr(plotting, f"{prefix}bn_lag{suffix}"),
            dict(bn_momenta=(0.0, 0.5), omega=0.05, alpha_lambda=0.01, resolution=4,
                 progress=False),
            dict(bn_momenta="betas01", omega="pos", alpha_lambda="pos",
                 resolution="count", progress="flag"),
        )
        for prefix, suffix in (("plot_", ""), ("", "_data"))
    },
    **{
        f"{prefix}schedule_growth{suffix}": Spec(
            getattr(plotting, f"{prefix}schedule_growth{suffix}"),
            dict(alpha=3.0, beta=0.9, steps=6, warmup_steps=3, beta_start=0.6, low=0.5),
            dict(alpha="pos", beta="beta", steps="count", warmup_steps="count",
                 beta_start="beta", low="pos"),
        )
        for prefix, suffix in (("plot_", ""), ("", "_data"))
    },
    # applications: federated
    "server_momentum_model": Spec(
        applications.server_momentum_model,
        dict(
            hessian=[1.0, 0.1],
            heterogeneity=1.0,
            clients_per_round=10,
            total_clients=100,
            local_steps=2,
            local_lr=0.5,
        ),
        dict(
            hessian="hessian",
            heterogeneity="noise_cov",
            clients_per_round="count",
            total_clients="count_or_none",
            local_steps="count",
            local_lr="pos",
        ),
    ),
    "server_statespace": Spec(
        applications.server_statespace,
        dict(model=FQ, server_lr=1.0, beta=0.5, method="heavy_ball", output="x"),
        dict(model="object", server_lr="pos", beta="beta", method="method", output="output"),
    ),
    "server_variance": Spec(
        applications.server_variance,
        dict(
            model=FQ,
            server_lr=1.0,
            beta=[0.2, 0.5],
            method="heavy_ball",
            hold="server_lr",
            objective="total_variance",
            progress=False,
        ),
        dict(
            model="object",
            server_lr="pos",
            beta="beta",
            method="method",
            hold="choice",
            objective="choice",
            progress="flag",
        ),
    ),
    "optimal_server_beta": Spec(
        applications.optimal_server_beta,
        dict(
            model=FQ,
            server_lr=1.0,
            method="heavy_ball",
            hold="server_lr",
            objective="total_variance",
            beta_range=(-0.9, 0.9),
            grid=21,
            progress=False,
        ),
        dict(
            model="object",
            server_lr="pos",
            method="method",
            hold="choice",
            objective="choice",
            beta_range="grid",
            grid="count",
            progress="flag",
        ),
    ),
    # the zoo (issue 11): tunings, frontier, QHM converters
    "triple_momentum_parameters": Spec(
        md.triple_momentum_parameters, dict(mu=1.0, L=100.0), dict(mu="pos", L="pos"),
        mismatched=[("mu", "L")],
    ),
    "robust_momentum_parameters": Spec(
        md.robust_momentum_parameters, dict(mu=1.0, L=100.0, rho=0.95),
        dict(mu="pos", L="pos", rho="real"),
    ),
    "rate_noise_frontier": Spec(
        md.rate_noise_frontier, dict(family="gd", mu=1.0, L=10.0, points=3, samples=5),
        dict(family="choice", mu="pos", L="pos", points="count", samples="count"),
    ),
    "to_qhm": Spec(
        md.to_qhm, dict(method="heavy_ball", alpha=0.1, beta=0.5),
        dict(method="method", alpha="pos", beta="beta01"), hyper=True,
    ),
    "from_qhm": Spec(
        md.from_qhm, dict(alpha=0.2, beta=0.5, nu=0.7),
        dict(alpha="pos", beta="beta01", nu="real"),
    ),
    "rate_noise_frontier_data": Spec(
        plotting.rate_noise_frontier_data,
        dict(mu=1.0, L=10.0, families=("gd",), points=2, samples=3),
        dict(mu="pos", L="pos", points="count", samples="count"),
    ),
    "plot_rate_noise_frontier": Spec(
        plotting.plot_rate_noise_frontier, dict(mu=1.0, L=10.0, families=("gd",), points=2),
        dict(mu="pos", L="pos", points="count"),
    ),
}

# robust.witness and its figure (heavy ball, period 2: three small LPs per call)
_WIT = dict(method="heavy_ball", alpha=0.1, beta=0.5, mu=1.0, L=10.0, period=2)
_WIT_K = dict(method="method", alpha="pos", beta="beta", mu="pos", L="pos", period="count")
CORE |= {
    "find_cycle": Spec(robust.find_cycle, dict(_WIT), dict(_WIT_K), hyper=True),
    "quadratic_rate_extends": Spec(
        robust.quadratic_rate_extends,
        {**{k: v for k, v in _WIT.items() if k != "period"}, "max_period": 2},
        {**{k: v for k, v in _WIT_K.items() if k != "period"}, "max_period": "count"},
        hyper=True,
    ),
    "interpolation_violation": Spec(
        robust.interpolation_violation,
        dict(points=[0.0, 1.0], gradients=[0.0, 2.0], values=[0.0, 1.0], mu=1.0, L=4.0),
        dict(points="vector", gradients="vector", values="vector", mu="pos", L="pos"),
    ),
    "witness_data": Spec(plotting.witness_data, dict(_WIT), dict(_WIT_K), hyper=True),
    "plot_witness": Spec(plotting.plot_witness, dict(_WIT), dict(_WIT_K), hyper=True),
    "certified_rates_data": Spec(plotting.certified_rates_data,
                                 dict(kappas=3.0, methods="gd", iqc="sector"),
                                 dict(kappas="kappa", methods="choice", iqc="choice")),
    "plot_certified_rates": Spec(plotting.plot_certified_rates,
                                 dict(kappas=3.0, methods="gd", iqc="sector"),
                                 dict(kappas="kappa", methods="choice", iqc="choice")),
}

# robust.lure and robust.certify (gradient descent: one small SDP per certificate)
_LURE = dict(method="heavy_ball", alpha=0.1, beta=0.5)
_LURE_K = dict(method="method", alpha="pos", beta="beta")
_CERT = dict(method="gd", mu=1.0, L=10.0, alpha=0.1, iqc="sector", tol=1e-4)
_CERT_K = dict(method="method", mu="pos", L="pos", alpha="pos", iqc="choice")
CORE |= {
    "lure_system": Spec(robust.lure_system, dict(M), dict(MK)),
    "lure_matrices": Spec(robust.lure_matrices, dict(_LURE), dict(_LURE_K), hyper=True),
    "lure_ss": Spec(robust.lure_ss, dict(_LURE), dict(_LURE_K), hyper=True),
    "certified_rate": Spec(robust.certified_rate, dict(_CERT), dict(_CERT_K), hyper=True),
    "verify_certificate": Spec(
        robust.verify_certificate,
        # a record without a certificate (built by hand: no SDP at collection)
        dict(certificate=robust.Certificate("gd", 1.0, 10.0, {"alpha": 0.1}, "sector", NAN,
                                            0.9, NAN, None, {}, NAN, NAN, False, "none")),
        dict(certificate="object"),
    ),
}

# Modules being rewritten by other helpers (physics, statphys, plotting): the same
# checks, built lazily so that a renamed function fails one test, not the collection.
HB_DT = dict(HB_C, dt=1.0)
HB_DTK = dict(HB_CK, dt="pos")


# Each plot's *_data companion takes the plot's arguments minus the drawing ones.
DATA_COMPANIONS = {
    "plot_critical_damping_comparison": "critical_damping_comparison_data",
    "plot_ode_convergence": "ode_convergence_data",
    "plot_energy_traces": "energy_traces_data",
    "plot_ness": "ness_data",
    "plot_langevin_bias": "langevin_bias_data",
    "plot_tracking_lag": "tracking_lag_data",
    "plot_variance_versus_beta": "variance_versus_beta_data",
    "plot_absolute_stability_regions": "absolute_stability_regions_data",
    "bode_compare": "bode_compare_data",
    "plot_pole_trajectories": "pole_trajectories_data",
    "pole_zero_compare": "pole_zero_compare_data",
    "plot_rates_versus_kappa": "rates_versus_kappa_data",
    "plot_weight_decay_region": "weight_decay_region_data",
    "plot_adam_vs_momentum": "adam_vs_momentum_data",
}


def _companion(spec: Spec, data_name: str) -> Spec:
    func = getattr(plotting, data_name)
    params = inspect.signature(func).parameters
    keep = lambda d: {k: v for k, v in d.items() if k in params}  # noqa: E731
    return Spec(func, keep(spec.kwargs), keep(spec.kinds),
                [pair for pair in spec.mismatched if all(k in params for k in pair)],
                spec.hyper)


@cache
def rewritten() -> dict[str, Spec]:
    specs = _rewritten_specs()
    for plot_name, data_name in DATA_COMPANIONS.items():
        specs[data_name] = _companion(specs[plot_name], data_name)
    return specs


def _rewritten_specs() -> dict[str, Spec]:
    SDE = statphys.momentum_sgd_sde(0.1, 0.5, 1.0)
    POT = statphys.quadratic_potential(1.0)
    TH = np.linspace(-1, 1, 5)
    grid_th, grid_v = np.meshgrid(TH, TH)
    FIELD = np.stack([-grid_v, grid_th])
    return {
        # physics
        "mass_spring_damper_symbolic": Spec(physics.mass_spring_damper_symbolic, dict(M), dict(MK)),
        "critical_damping_symbolic": Spec(physics.critical_damping_symbolic, dict(M), dict(MK)),
        "mass_spring_damper": Spec(
            physics.mass_spring_damper, dict(HB_DT), dict(HB_DTK), hyper=True
        ),
        "pd_gains": Spec(physics.pd_gains, dict(HB_DT), dict(HB_DTK), hyper=True),
        "pole_correspondence": Spec(
            physics.pole_correspondence, dict(HB_DT), dict(HB_DTK), hyper=True
        ),
        "pd_closed_loop": Spec(physics.pd_closed_loop, dict(HB_DT), dict(HB_DTK), hyper=True),
        "pd_step_comparison": Spec(
            physics.pd_step_comparison,
            dict(HB_DT, duration=20.0),
            dict(HB_DTK, duration="time_or_none"),
            hyper=True,
        ),
        "critical_damping_comparison": Spec(
            physics.critical_damping_comparison,
            dict(M, alpha_lambda=[0.01, 0.25]),
            dict(MK, alpha_lambda="pos_grid"),
            hyper=True,
        ),
        "momentum_from_pd": Spec(
            physics.momentum_from_pd,
            dict(k_p=0.02, k_d=0.1, curvature=2.0, dt=1.0, method="heavy_ball"),
            dict(k_p="pos", k_d="nonneg", curvature="pos", dt="pos", method="method"),
        ),
        "heavy_ball_ode": Spec(
            physics.heavy_ball_ode, dict(alpha=0.01, beta=0.9), dict(alpha="pos", beta="beta")
        ),
        "heavy_ball_from_ode": Spec(
            physics.heavy_ball_from_ode,
            dict(damping=1.0, time_step=0.1),
            dict(damping="nonneg", time_step="pos"),
        ),
        "ode_parameters": Spec(
            physics.ode_parameters,
            dict(method="heavy_ball", alpha=0.01, beta=0.9),
            dict(method="method", alpha="pos", beta="beta"),
        ),
        "ode_parameters_symbolic": Spec(
            physics.ode_parameters_symbolic, dict(method="heavy_ball"), dict(method="method")
        ),
        "momentum_from_ode": Spec(
            physics.momentum_from_ode,
            dict(method="heavy_ball", time_step=0.1, friction=1.0),
            dict(method="method", time_step="pos", friction="nonneg"),
        ),
        "momentum_from_ode_symbolic": Spec(
            physics.momentum_from_ode_symbolic, dict(method="heavy_ball"), dict(method="method")
        ),
        "nesterov_schedule": Spec(physics.nesterov_schedule, dict(k=[1, 2, 3]), dict(k="pos_grid")),
        "ode_trajectory": Spec(
            physics.ode_trajectory,
            dict(ode="gradient_flow", problem=[1.0, 0.1], t=[0.0, 1.0], x0=[1.0, 1.0]),
            dict(ode="choice", problem="hessian", t="grid", x0="vector"),
        ),
        "discrete_trajectory": Spec(
            physics.discrete_trajectory,
            dict(method="gd", problem=1.0, step=0.5, horizon=1.0, x0=[1.0]),
            dict(method="method", problem="hessian", step="time", horizon="time", x0="vector"),
        ),
        "discretisation_error": Spec(
            physics.discretisation_error,
            dict(method="gd", steps=(0.1, 0.05), horizon=2.0),
            dict(method="method", steps="pos_grid", horizon="time"),
        ),
        # statphys
        "quadratic_potential": Spec(
            statphys.quadratic_potential, dict(hessian=[1.0, 4.0]), dict(hessian="hessian")
        ),
        "double_well_potential": Spec(
            statphys.double_well_potential, dict(height=1.0), dict(height="pos")
        ),
        "leapfrog": Spec(
            statphys.leapfrog,
            dict(grad=POT, x0=1.0, p0=0.0, step=0.1, n_steps=20, mass=1.0),
            dict(
                grad="callable", x0="vector", p0="vector", step="time", n_steps="count0", mass="pos"
            ),
        ),
        "heavy_ball_energy_trace": Spec(
            statphys.heavy_ball_energy_trace,
            dict(grad=POT, x0=1.0, alpha=0.01, beta=0.9, n_steps=20),
            dict(grad="callable", x0="vector", alpha="pos", beta="beta", n_steps="count0"),
        ),
        "heavy_ball_monotone_beta": Spec(
            statphys.heavy_ball_monotone_beta,
            dict(alpha=0.19, curvature=1.0),
            dict(alpha="pos", curvature="pos"),
        ),
        "langevin_step": Spec(
            statphys.langevin_step,
            dict(x=1.0, v=0.0, grad=POT, step=0.1, friction=1.0, temperature=0.5, noise=0.0),
            dict(
                x="vector",
                v="vector",
                grad="callable",
                step="pos",
                friction="nonneg",
                temperature="nonneg",
                noise="vector",
            ),
        ),
        "underdamped_langevin": Spec(
            statphys.underdamped_langevin,
            dict(
                grad=POT,
                x0=0.0,
                v0=0.0,
                step=0.05,
                friction=1.0,
                temperature=0.5,
                n_steps=20,
                n_chains=3,
                rng=0,
            ),
            dict(
                grad="callable",
                x0="vector",
                v0="vector",
                step="time",
                friction="nonneg",
                temperature="nonneg",
                n_steps="count0",
                n_chains="count",
            ),
        ),
        "boltzmann_expectation": Spec(
            statphys.boltzmann_expectation,
            dict(potential=POT, temperature=0.5, bounds=(-5.0, 5.0), points=201),
            dict(potential="callable", temperature="pos", bounds="grid", points="count"),
        ),
        "langevin_matrices": Spec(
            statphys.langevin_matrices,
            dict(step=0.1, friction=1.0, hessian=2.0, temperature=1.0),
            dict(step="pos", friction="nonneg", hessian="hessian", temperature="nonneg"),
        ),
        "langevin_stationary_covariance": Spec(
            statphys.langevin_stationary_covariance,
            dict(step=0.1, friction=1.0, temperature=0.5, hessian=2.0),
            dict(step="pos", friction="pos", temperature="nonneg", hessian="hessian"),
        ),
        "langevin_bias": Spec(statphys.langevin_bias, {}, {}),
        "heavy_ball_temperature": Spec(
            statphys.heavy_ball_temperature,
            dict(alpha=0.01, beta=0.9, hessian=[1.0, 2.0], noise_cov=1.0),
            dict(alpha="pos", beta="beta", hessian="hessian", noise_cov="noise_cov"),
        ),
        "effective_temperature": Spec(
            statphys.effective_temperature,
            dict(method="heavy_ball", alpha=0.01, beta=0.9, hessian=[1.0, 2.0], noise_cov=1.0),
            dict(
                method="method", alpha="pos", beta="beta", hessian="hessian", noise_cov="noise_cov"
            ),
        ),
        "ness_decomposition": Spec(
            statphys.ness_decomposition,
            dict(F=-np.diag([1.0, 2.0]), D=0.5 * np.eye(2)),
            dict(F="hessian", D="noise_cov"),
        ),
        "momentum_sgd_sde": Spec(
            statphys.momentum_sgd_sde,
            dict(alpha=0.01, beta=0.9, hessian=[1.0, 2.0], noise_cov=1.0),
            dict(alpha="pos", beta="beta", hessian="hessian", noise_cov="noise_cov"),
        ),
        "probability_current": Spec(
            statphys.probability_current,
            dict(model=SDE, points=np.zeros(2)),
            dict(model="object", points="vector"),
        ),
        "phase_space_fields": Spec(
            statphys.phase_space_fields,
            dict(model=SDE, theta=TH, v=TH),
            dict(model="object", theta="grid", v="grid"),
        ),
        "symbolic_drift": Spec(
            statphys.symbolic_drift, dict(potential=None), dict(potential="sym_expr")
        ),
        "numeric_curl": Spec(
            statphys.numeric_curl,
            dict(field=FIELD, theta=TH, v=TH),
            dict(field="vector", theta="grid", v="grid"),
        ),
        "numeric_divergence": Spec(
            statphys.numeric_divergence,
            dict(field=FIELD, theta=TH, v=TH),
            dict(field="vector", theta="grid", v="grid"),
        ),
        "continuous_detailed_balance": Spec(
            statphys.continuous_detailed_balance,
            dict(model=SDE, parity="odd"),
            dict(model="object", parity="choice"),
        ),
        "discrete_detailed_balance": Spec(
            statphys.discrete_detailed_balance,
            dict(A=[[0.5]], P=[[4 / 3]], parity=[1]),
            dict(A="hessian", P="noise_cov", parity="choice"),
        ),
        "heavy_ball_detailed_balance": Spec(
            statphys.heavy_ball_detailed_balance,
            dict(alpha=0.01, beta=0.9, hessian=1.0, noise_cov=1.0, parity="odd"),
            dict(
                alpha="pos", beta="beta", hessian="hessian", noise_cov="noise_cov", parity="choice"
            ),
        ),
        # plotting (small resolutions; figures are closed after every call)
        "plot_critical_damping_comparison": Spec(
            plotting.plot_critical_damping_comparison,
            dict(M, alpha_lambda=[0.01, 0.1, 0.5]),
            dict(MK, alpha_lambda="pos_grid"),
        ),
        "plot_ode_convergence": Spec(
            plotting.plot_ode_convergence,
            dict(method="gd", steps=(0.2, 0.1), error_steps=(0.1, 0.05), horizon=2.0),
            dict(method="method", steps="pos_grid", error_steps="pos_grid", horizon="time"),
        ),
        "plot_energy_traces": Spec(
            plotting.plot_energy_traces,
            dict(step=0.05, friction=0.5, temperature=0.3, duration=1.0, n_chains=4),
            dict(
                step="time",
                friction="nonneg",
                temperature="nonneg",
                duration="time",
                n_chains="count",
            ),
        ),
        "plot_ness": Spec(
            plotting.plot_ness,
            dict(alpha=0.05, beta=0.8, curvature=1.0, noise_var=1.0, resolution=8, span=3.5),
            dict(
                alpha="pos",
                beta="beta",
                curvature="pos",
                noise_var="pos",
                resolution="count",
                span="pos",
            ),
        ),
        "plot_langevin_bias": Spec(
            plotting.plot_langevin_bias,
            dict(friction=1.0, curvature=1.0, steps=[0.01, 0.1, 0.5]),
            dict(friction="pos", curvature="pos", steps="pos_grid"),
        ),
        "plot_tracking_lag": Spec(
            plotting.plot_tracking_lag,
            dict(
                method="heavy_ball",
                alpha=0.1,
                betas=(0.5, 0.9),
                omega=[0.01, 0.1, 1.0],
                simulate=False,
            ),
            dict(method="method", alpha="pos", betas="grid", omega="grid", simulate="flag"),
        ),
        "plot_variance_versus_beta": Spec(
            plotting.plot_variance_versus_beta,
            dict(model=FQ, server_lrs=(0.5, 1.0), betas=np.linspace(-0.9, 0.9, 7)),
            dict(model="object", server_lrs="pos_grid", betas="grid"),
        ),
        "plot_absolute_stability_regions": Spec(
            plotting.plot_absolute_stability_regions,
            dict(methods=("gd", "heavy_ball"), beta=0.9, resolution=12),
            dict(methods="method", beta="beta", resolution="count"),
        ),
        "bode_compare": Spec(
            plotting.bode_compare,
            dict(method="heavy_ball", alpha=0.1, curvature=1.0, omega=np.geomspace(1e-2, 3, 8)),
            dict(method="method", alpha="pos", curvature="real", omega="pos_grid"),
        ),
        "plot_pole_trajectories": Spec(
            plotting.plot_pole_trajectories,
            dict(method="heavy_ball", alpha=0.1, curvature=1.0, beta=0.8),
            dict(method="method", alpha="pos", curvature="real", beta="beta"),
        ),
        "pole_trajectory_data": Spec(
            plotting.pole_trajectory_data,
            dict(HB, curvature=[1.0, 2.0]),
            dict(HB_K, curvature="real"),
        ),
        "pole_zero_compare": Spec(
            plotting.pole_zero_compare,
            dict(method="heavy_ball", alpha=0.1, curvature=1.0),
            dict(method="method", alpha="pos", curvature="real"),
        ),
        "regime_settings": Spec(
            plotting.regime_settings,
            dict(method="heavy_ball", h=0.1),
            dict(method="method", h="pos"),
        ),
        "plot_rates_versus_kappa": Spec(
            plotting.plot_rates_versus_kappa,
            dict(kappa=np.logspace(0, 3, 6)),
            dict(kappa="pos_grid"),
        ),
        "plot_stability_region": Spec(
            plotting.plot_stability_region,
            dict(method="heavy_ball", resolution=10),
            dict(method="method", resolution="count"),
        ),
        "stability_region_data": Spec(
            plotting.stability_region_data,
            dict(method="heavy_ball", resolution=5),
            dict(method="method", resolution="count"),
        ),
        "plot_weight_decay_region": Spec(
            plotting.plot_weight_decay_region,
            dict(alpha_weight_decay=0.3, resolution=20),
            dict(alpha_weight_decay="nonneg", resolution="count"),
        ),
        "plot_adam_vs_momentum": Spec(
            plotting.plot_adam_vs_momentum,
            dict(kappa=[10.0], kappa_shown=10.0, steps=10, max_steps=20, alphas=[0.1],
                 tol=1e-2),
            dict(kappa="kappa_or_none", kappa_shown="kappa", steps="count", max_steps="count",
                 alphas="pos_grid_or_none", tol="unit_open"),
        ),
    }


# Public callables deliberately not fuzzed, with the reason.
EXCLUDED = {
    # The update rules are the plain arithmetic users write; they are called on SymPy
    # symbols and on arrays, and their arguments are validated by the functions that
    # run them (simulate, Method.step) and by the symbolic layer.
    "gradient_descent": "update rule",
    "heavy_ball": "update rule",
    "nesterov": "update rule",
    "ema_momentum": "update rule",
    "quasi_hyperbolic_momentum": "update rule",
    "robust_momentum": "update rule",
    "triple_momentum": "update rule",
    "heavy_ball_bn_lag": "update rule",
    "heavy_ball_l2": "update rule",
    "sgdw": "update rule",
    "adam": "update rule",
    "adamw": "update rule",
    "adam_frozen": "update rule",
    "adamw_frozen": "update rule",
    **dict.fromkeys(["gda_simultaneous", "gda_alternating", "gda_simultaneous_heavy_ball",
                     "gda_alternating_heavy_ball", "gda_simultaneous_nesterov",
                     "gda_alternating_nesterov"], "update rule"),
    # The linear RNN's cell and loss are plain arithmetic, called on SymPy symbols to derive
    # the Hessian; rnn_curvature and rnn_training validate what they are given.
    "rnn_cell": "update rule",
    "rnn_loss": "plain arithmetic on numbers or symbols",
}

PUBLIC_MODULES = [
    md,
    S,
    numeric,
    lti,
    noise,
    filters,
    multistep,
    conventions,
    methods,
    simulate,
    applications,
    physics,
    statphys,
    plotting,
    robust,
]


def public_callables() -> dict[str, object]:
    """Every public function and every public class that is not a plain result record."""
    out = {}
    for mod in PUBLIC_MODULES:
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.ismodule(obj) or not callable(obj) or isinstance(obj, type(S.alpha)):
                continue
            if inspect.isclass(obj):
                # Result records (NamedTuples, dataclasses built by our functions) are
                # not entry points; Quadratic is, and is fuzzed.
                if name != "Quadratic":
                    continue
            out.setdefault(name, obj)
    return out


def test_inventory_covers_the_public_api():
    assert list(rewritten()) == REWRITTEN_KEYS
    fuzzed = {spec.func for spec in {**CORE, **rewritten()}.values()}
    missing = [
        name
        for name, obj in public_callables().items()
        if obj not in fuzzed and name not in EXCLUDED
    ]
    assert missing == []
    # every spec's valid call names only real parameters
    for key, spec in {**CORE, **rewritten()}.items():
        params = inspect.signature(spec.func).parameters
        takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
        assert takes_any or set(spec.kwargs) <= set(params), key
        assert set(spec.kinds) <= set(spec.kwargs), key


# --------------------------------------------------------------------------
# Running a perturbed call
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    key: str
    change: dict
    verdict: str  # "ok", "refused", "leak", "unnamed", "accepted"
    detail: str = ""

    def __str__(self):
        shown = ", ".join(f"{k}={_short(v)}" for k, v in self.change.items())
        return f"{self.key}({shown}): {self.verdict} {self.detail}"


def _short(v) -> str:
    if isinstance(v, np.ndarray):
        return f"array(shape={v.shape})" if v.size > 4 else repr(v.tolist())
    r = repr(v)
    return r if len(r) < 40 else r[:37] + "..."


def _has_nan(result) -> bool:
    values = result if isinstance(result, tuple) else (result,)
    for v in values:
        try:
            a = np.asarray(v, dtype=complex)
        except (TypeError, ValueError):
            continue
        if a.size and np.any(np.isnan(a)):
            return True
    return False


def _documents_nan(func) -> bool:
    return "NaN" in (inspect.getdoc(func) or "")


def run(key: str, spec: Spec, change: dict, must_refuse: bool) -> Outcome:
    kwargs = {**spec.kwargs, **change}
    if spec.setup is not None:
        spec.setup()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = spec.func(**kwargs)
    except ALLOWED as exc:
        message = str(exc)
        # the argument's name, or its singular ("steps" -> "step", "betas" -> "beta")
        if any(name in message or name.rstrip("s") in message for name in change):
            return Outcome(key, change, "refused")
        return Outcome(key, change, "unnamed", f"{type(exc).__name__}: {message[:160]}")
    except Exception as exc:  # noqa: BLE001 - any other exception is the leak we look for
        return Outcome(key, change, "leak", f"{type(exc).__name__}: {str(exc)[:160]}")
    finally:
        plt.close("all")
        if spec.cleanup is not None:
            spec.cleanup()
    if must_refuse and not (_has_nan(result) and _documents_nan(spec.func)):
        return Outcome(key, change, "accepted", f"-> {_short(result)}")
    return Outcome(key, change, "ok")


def fixed_changes(spec: Spec) -> list[dict]:
    """Every refusal the kinds demand, one argument at a time, plus shapes and keywords."""
    changes = [{arg: value} for arg, kind in spec.kinds.items() for value in KINDS[kind].refuse]
    for a, b in spec.mismatched:
        changes.append({a: np.resize(spec.kwargs[a], 3), b: np.resize(spec.kwargs[b], 4)})
    if spec.hyper:
        changes.append({"nu": 0.5})
    return changes


def failures(key: str, spec: Spec) -> list[Outcome]:
    outcomes = [run(key, spec, change, must_refuse=True) for change in fixed_changes(spec)]
    return [o for o in outcomes if o.verdict not in ("ok", "refused")]


def _report(bad: list[Outcome]) -> str:
    return f"{len(bad)} bad outcome(s):\n" + "\n".join(map(str, bad))


# Parts of the API owned by other helpers' branches: known leaks, to be fixed there.
KNOWN_CORE_LEAKS: dict[str, str] = {}


def _core_params():
    for key in CORE:
        marks = ()
        if key in KNOWN_CORE_LEAKS:
            marks = pytest.mark.xfail(reason=KNOWN_CORE_LEAKS[key], strict=False)
        yield pytest.param(key, marks=marks, id=key)


@pytest.mark.slow  # the first call of every public function (derivations, compilation)
def test_valid_calls_work():
    for key, spec in {**CORE, **rewritten()}.items():
        outcome = run(key, spec, {}, must_refuse=False)
        assert outcome.verdict == "ok", str(outcome)


@pytest.mark.parametrize("key", list(_core_params()))
def test_bad_values_are_refused(key):
    bad = failures(key, CORE[key])
    assert not bad, _report(bad)


REWRITTEN_KEYS = [
    "mass_spring_damper_symbolic",
    "critical_damping_symbolic",
    "mass_spring_damper",
    "pd_gains",
    "pole_correspondence",
    "pd_closed_loop",
    "pd_step_comparison",
    "critical_damping_comparison",
    "momentum_from_pd",
    "heavy_ball_ode",
    "heavy_ball_from_ode",
    "ode_parameters",
    "ode_parameters_symbolic",
    "momentum_from_ode",
    "momentum_from_ode_symbolic",
    "nesterov_schedule",
    "ode_trajectory",
    "discrete_trajectory",
    "discretisation_error",
    "quadratic_potential",
    "double_well_potential",
    "leapfrog",
    "heavy_ball_energy_trace",
    "heavy_ball_monotone_beta",
    "langevin_step",
    "underdamped_langevin",
    "boltzmann_expectation",
    "langevin_matrices",
    "langevin_stationary_covariance",
    "langevin_bias",
    "heavy_ball_temperature",
    "effective_temperature",
    "ness_decomposition",
    "momentum_sgd_sde",
    "probability_current",
    "phase_space_fields",
    "symbolic_drift",
    "numeric_curl",
    "numeric_divergence",
    "continuous_detailed_balance",
    "discrete_detailed_balance",
    "heavy_ball_detailed_balance",
    "plot_critical_damping_comparison",
    "plot_ode_convergence",
    "plot_energy_traces",
    "plot_ness",
    "plot_langevin_bias",
    "plot_tracking_lag",
    "plot_variance_versus_beta",
    "plot_absolute_stability_regions",
    "bode_compare",
    "plot_pole_trajectories",
    "pole_trajectory_data",
    "pole_zero_compare",
    "regime_settings",
    "plot_rates_versus_kappa",
    "plot_stability_region",
    "stability_region_data",
    "plot_weight_decay_region",
    "plot_adam_vs_momentum",
    *DATA_COMPANIONS.values(),
]

# Their leaks today (python tests/test_fuzz_api.py lists them); xfail until fixed there.
KNOWN_REWRITTEN_LEAKS: set[str] = set()


def _rewritten_params():
    for key in REWRITTEN_KEYS:
        marks = ()
        if key in KNOWN_REWRITTEN_LEAKS:
            marks = pytest.mark.xfail(
                reason="physics, statphys and plotting are being rewritten on other branches; "
                "this function's leaks are listed by python tests/test_fuzz_api.py",
                strict=False,
            )
        yield pytest.param(key, marks=marks, id=key)


@pytest.mark.parametrize("key", list(_rewritten_params()))
def test_bad_values_are_refused_in_rewritten_modules(key):
    bad = failures(key, rewritten()[key])
    assert not bad, _report(bad)


# --------------------------------------------------------------------------
# Random perturbations
# --------------------------------------------------------------------------

FLOATS = st.one_of(st.floats(-100.0, 100.0), st.sampled_from([0.0, -0.0, NAN, INF, -INF, 1e-300]))
ARRAYS = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    elements=st.one_of(st.floats(-10.0, 10.0), st.just(NAN)),
)
ODD = st.sampled_from(["0.1", "", None, True, False, 1 + 1j, [], [[1.0], [1.0, 2.0]], object(), 3])


def random_value(kind: Kind):
    if not kind.numeric:
        return st.one_of(ODD, st.integers(-3, 5), st.sampled_from(kind.refuse))
    if kind is KINDS["time"]:
        return st.one_of(st.sampled_from(TIME_POOL), ODD)
    return st.one_of(
        FLOATS, st.integers(-3, 3), ARRAYS, ODD, st.complex_numbers(max_magnitude=10.0)
    )


def _same(a, b) -> bool:
    if a is b:
        return True
    if type(a) is not type(b) or isinstance(a, (list, np.ndarray)):
        return False
    return a == b


def must_refuse(kind: Kind, value) -> bool:
    """Whether ``value`` is certainly bad for ``kind`` (False when it may be fine)."""
    if kind.count_min is not None:
        return (
            isinstance(value, bool)
            or not isinstance(value, (int, np.integer))
            or value < kind.count_min
        )
    if not kind.numeric:
        return any(_same(value, r) for r in kind.refuse)
    if (value is True and kind.true_ok) or (value is None and kind.none_ok):
        return False
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        return True
    if isinstance(value, list):
        return value != [] or kind.empty_bad  # [] may broadcast to an empty result
    if not isinstance(value, (int, float, complex, np.ndarray, np.number)):
        return True
    arr = np.asarray(value)
    if arr.size == 0:
        return kind.empty_bad
    if not np.all(np.isfinite(arr)):
        return True
    if arr.dtype.kind == "c" and not kind.complex_ok and np.any(arr.imag != 0):
        return True
    return kind.bad_number is not None and bool(np.any(kind.bad_number(arr.real)))


def _random_params():
    for key, spec in CORE.items():
        if not spec.kinds:
            continue
        marks = ()
        if key in KNOWN_CORE_LEAKS:
            marks = pytest.mark.xfail(reason=KNOWN_CORE_LEAKS[key], strict=False)
        yield pytest.param(key, marks=marks, id=key)


@pytest.mark.parametrize("key", list(_random_params()))
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "12")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_random_values(key, data):
    spec = CORE[key]
    arg = data.draw(st.sampled_from(sorted(spec.kinds)), label="argument")
    kind = KINDS[spec.kinds[arg]]
    value = data.draw(random_value(kind), label="value")
    outcome = run(key, spec, {arg: value}, must_refuse=must_refuse(kind, value))
    assert outcome.verdict in ("ok", "refused"), str(outcome)


# --------------------------------------------------------------------------
# A report of every leak, for humans: python tests/test_fuzz_api.py
# --------------------------------------------------------------------------

if __name__ == "__main__":
    total = 0
    for group, specs in (("core", CORE), ("rewritten", rewritten())):
        bad_all = []
        for key, spec in specs.items():
            total += len(fixed_changes(spec))
            bad_all += failures(key, spec)
        print(f"== {group}: {len(bad_all)} bad outcome(s)")
        for o in bad_all:
            print("  ", o)
    print(f"{total} calls")

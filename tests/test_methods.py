"""Tests of momentum_dynamics.methods: the registry and the update rules.

The reference recurrences are typed out here from the seed's convention (they never
call the library's update rules), and ``Method.step`` is compared with them on NumPy
arrays with a real (non-diagonal quadratic) gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
from _reference import hand_step

import momentum_dynamics as md
from momentum_dynamics.methods import Method

SHIPPED = ["gd", "heavy_ball", "nesterov", "ema_momentum"]


def qhm(x, v, grad, alpha, beta, nu):
    """Quasi-hyperbolic momentum (Ma & Yarats 2019); not shipped by the package."""
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


@pytest.fixture
def qhm_method():
    m = md.register_method(qhm, overwrite=True)
    yield m
    md.unregister_method("qhm")


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


def test_shipped_methods_are_registered():
    assert set(SHIPPED) <= set(md.available_methods())


@pytest.mark.parametrize(
    "name, func, state, hyper",
    [
        ("gd", md.gradient_descent, ("x",), ("alpha",)),
        ("heavy_ball", md.heavy_ball, ("x", "v"), ("alpha", "beta")),
        ("nesterov", md.nesterov, ("x", "v"), ("alpha", "beta")),
        ("ema_momentum", md.ema_momentum, ("x", "v"), ("alpha", "beta")),
    ],
)
def test_get_method_by_name_and_object(name, func, state, hyper):
    m = md.get_method(name)
    assert isinstance(m, Method)
    assert m.name == name
    assert m.update is func
    assert m.state == state
    assert m.hyperparameters == hyper
    assert m.order == len(state)
    assert m.has_momentum == ("beta" in hyper)
    assert m.extra_hyperparameters == ()
    assert m.worst_case_at_endpoints is True
    assert md.get_method(m) is m


def test_unknown_method_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown method: 'adamw'") as info:
        md.get_method("adamw")
    for name in SHIPPED:
        assert repr(name) in str(info.value)


@pytest.mark.parametrize("bad", [3, None, md.heavy_ball, ["heavy_ball"]])
def test_get_method_rejects_non_names(bad):
    with pytest.raises(TypeError, match="method must be"):
        md.get_method(bad)


def test_register_and_unregister(qhm_method):
    m = qhm_method
    assert "qhm" in md.available_methods()
    assert md.get_method("qhm") is m
    assert m.state == ("x", "v")
    assert m.hyperparameters == ("alpha", "beta", "nu")
    assert m.extra_hyperparameters == ("nu",)
    assert m.has_momentum and m.order == 2
    assert m.title == "qhm"
    assert m.worst_case_at_endpoints is False


def test_unregister_removes_and_unknown_unregister_lists_names():
    md.register_method(qhm, overwrite=True)
    md.unregister_method("qhm")
    assert "qhm" not in md.available_methods()
    with pytest.raises(ValueError, match="Unknown method: 'qhm'"):
        md.get_method("qhm")
    with pytest.raises(ValueError, match="no method named 'qhm'.*heavy_ball"):
        md.unregister_method("qhm")


def test_duplicate_registration_is_refused(qhm_method):
    with pytest.raises(ValueError, match="'qhm' is already registered.*overwrite=True"):
        md.register_method(qhm)
    # overwrite replaces the entry
    m2 = md.register_method(qhm, overwrite=True, title="QHM")
    assert md.get_method("qhm") is m2
    assert m2.title == "QHM"


def test_duplicate_of_shipped_name_is_refused():
    def heavy_ball(x, v, grad, alpha, beta):  # same name as the shipped rule
        return x, v

    with pytest.raises(ValueError, match="already registered"):
        md.register_method(heavy_ball)
    assert md.get_method("heavy_ball").update is md.heavy_ball


def test_register_under_another_name():
    m = md.register_method(qhm, "quasi_hyperbolic", overwrite=True)
    try:
        assert m.name == "quasi_hyperbolic"
        assert md.get_method("quasi_hyperbolic").update is qhm
        assert "qhm" not in md.available_methods()
    finally:
        md.unregister_method("quasi_hyperbolic")


def _no_grad(x, v, alpha, beta):
    return x, v


def _no_state(grad, alpha):
    return 0.0


def _no_alpha(x, v, grad, lr, beta):
    return x, v


def _varargs(x, grad, alpha, *rest):
    return x


def _varkw(x, grad, alpha, **kw):
    return x


@pytest.mark.parametrize(
    "rule, exc, match",
    [
        (_no_grad, ValueError, "named 'grad'"),
        (_no_state, ValueError, "at least one state argument"),
        (_no_alpha, ValueError, "learning rate 'alpha'"),
        (_varargs, ValueError, r"\*args or \*\*kwargs"),
        (_varkw, ValueError, r"\*args or \*\*kwargs"),
        (42, TypeError, "update must be callable"),
    ],
)
def test_bad_update_rules_are_rejected(rule, exc, match):
    with pytest.raises(exc, match=match):
        md.register_method(rule, name="bad_rule")
    assert "bad_rule" not in md.available_methods()


def test_step_checks_the_number_of_returned_values():
    def two_state_returns_one(x, v, grad, alpha):
        return x - alpha * grad(x)

    m = Method.from_update(two_state_returns_one)
    with pytest.raises(ValueError, match="returned 1 values; expected 2"):
        m.step((np.zeros(2), np.zeros(2)), lambda x: x, alpha=0.1)


def test_step_wraps_a_single_returned_state():
    def plain_gd(x, grad, alpha):
        return x - alpha * grad(x)  # not a tuple

    m = Method.from_update(plain_gd)
    (x,) = m.step((np.array([1.0, -2.0]),), lambda x: 3.0 * x, alpha=0.1)
    np.testing.assert_array_equal(x, np.array([1.0, -2.0]) - 0.1 * 3.0 * np.array([1.0, -2.0]))


# --------------------------------------------------------------------------
# Method.step is the seed recurrence
# --------------------------------------------------------------------------


@pytest.fixture
def quadratic():
    rng = np.random.default_rng(1234)
    M = rng.standard_normal((5, 5))
    H = M @ M.T + 0.5 * np.eye(5)
    b = rng.standard_normal(5)
    return (lambda x: H @ x - b), rng


@pytest.mark.parametrize("name", SHIPPED + ["qhm"])
def test_step_equals_hand_recurrence(name, quadratic, qhm_method):
    grad, rng = quadratic
    m = md.get_method(name)
    params = {"alpha": 0.07}
    if m.has_momentum:
        params["beta"] = 0.83
    if name == "qhm":
        params["nu"] = 0.7
    x = rng.standard_normal(5)
    v = rng.standard_normal(5)
    xh, vh = x.copy(), v.copy()
    state = (x,) if m.order == 1 else (x, v)
    for _ in range(25):
        state = m.step(state, grad, **params)
        xh, vh = hand_step(name, xh, vh, grad, **params)
        assert isinstance(state, tuple) and len(state) == m.order
        np.testing.assert_allclose(state[0], xh, rtol=1e-13, atol=1e-13)
        if m.order == 2:
            np.testing.assert_allclose(state[1], vh, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov", "ema_momentum"])
def test_step_broadcasts_over_batched_arrays(name):
    # a batch of hyper-parameters (3, 1) against a batch of coordinates (1, 4)
    m = md.get_method(name)
    alpha = np.array([[0.1], [0.2], [0.3]])
    beta = np.array([[0.5], [0.9], [0.0]])
    lam = np.array([[1.0, 2.0, -0.5, 4.0]])
    x = np.ones((1, 4))
    v = np.full((1, 4), 0.25)

    def grad(y):
        return lam * y

    got = m.step((x, v), grad, alpha=alpha, beta=beta)
    want = hand_step(name, x, v, grad, alpha, beta)
    for g, w in zip(got, want, strict=True):
        assert g.shape == (3, 4)
        np.testing.assert_allclose(g, w, rtol=1e-15, atol=1e-15)


def test_method_objects_compare_by_content(qhm_method):
    # frozen dataclass: hashable (used as a cache key by the analyses)
    assert hash(qhm_method) == hash(md.get_method("qhm"))
    assert Method.from_update(qhm) == qhm_method


@pytest.mark.parametrize("module", ["methods", "conventions", "symbolic", "numeric", "lti",
                                    "filters", "multistep"])
def test_shared_docstring_sections_are_filled(module):
    # Sections written once and filled in at import: no marker may reach a reader, and
    # the filled text is what numpydoc and the doctests read.
    import importlib
    import inspect
    import re

    mod = importlib.import_module(f"momentum_dynamics.{module}")
    docs = {name: inspect.getdoc(getattr(mod, name)) or "" for name in mod.__all__
            if inspect.isfunction(getattr(mod, name)) or inspect.isclass(getattr(mod, name))}
    assert docs
    leftover = {n for n, d in docs.items() if re.search(r"%\(\w+\)s", d)}
    assert not leftover
    src = inspect.getsource(mod)
    assert "%(" in src  # the module does use shared sections

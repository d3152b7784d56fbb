"""Converters from PyTorch / optax / Keras SGD to our methods, run side by side.

torch, optax and keras are not installed: each library's update rule is written below
in NumPy from its documented formula / source (``torch/optim/sgd.py``
``_single_tensor_sgd``; ``optax.sgd`` = ``trace`` + scale; ``keras.optimizers.SGD``
``update_step``) and compared with :func:`simulate` on a random quadratic.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_dynamics.conventions import (
    MethodParameters,
    from_keras_sgd,
    from_optax_sgd,
    from_pytorch_sgd,
    to_keras_sgd,
    to_optax_sgd,
    to_pytorch_sgd,
)
from momentum_dynamics.methods import register_method, unregister_method
from momentum_dynamics.simulate import Quadratic, simulate

STEPS = 50


# --------------------------------------------------------------------------
# The other libraries' rules, from their documentation
# --------------------------------------------------------------------------


def torch_sgd(grad, p0, lr, momentum=0.0, dampening=0.0, nesterov=False, steps=STEPS):
    """torch.optim.SGD (no weight decay): returns parameters and buffers."""
    p, buf = np.array(p0, float), None
    ps, bufs = [p], [np.zeros_like(p)]
    for _ in range(steps):
        g = grad(p)
        d_p = g
        if momentum != 0:
            if buf is None:
                buf = g.copy()  # first step: the buffer is the undampened gradient
            else:
                buf = momentum * buf + (1 - dampening) * g
            d_p = g + momentum * buf if nesterov else buf
        p = p - lr * d_p
        ps.append(p)
        bufs.append(np.zeros_like(p) if buf is None else buf)
    return np.array(ps), np.array(bufs)


def optax_sgd(grad, p0, learning_rate, momentum=None, nesterov=False, steps=STEPS):
    """optax.sgd: trace(decay=momentum, nesterov) then scale by -learning_rate."""
    p = np.array(p0, float)
    trace = np.zeros_like(p)  # optax initialises the trace with zeros
    ps = [p]
    for _ in range(steps):
        g = grad(p)
        if momentum is None:
            u = g
        else:
            trace = g + momentum * trace
            u = g + momentum * trace if nesterov else trace
        p = p - learning_rate * u
        ps.append(p)
    return np.array(ps)


def keras_sgd(grad, w0, learning_rate, momentum=0.0, nesterov=False, steps=STEPS):
    """keras.optimizers.SGD: velocity = momentum*velocity - lr*g; w += ..."""
    w = np.array(w0, float)
    velocity = np.zeros_like(w)
    ws = [w]
    for _ in range(steps):
        g = grad(w)
        if momentum != 0:
            velocity = momentum * velocity - learning_rate * g
            w = w + momentum * velocity - learning_rate * g if nesterov else w + velocity
        else:
            w = w - learning_rate * g
        ws.append(w)
    return np.array(ws)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


@pytest.fixture
def problem():
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    H = q @ np.diag([0.1, 0.4, 0.7, 1.0]) @ q.T
    H = 0.5 * (H + H.T)
    quad = Quadratic(H, x_star=rng.standard_normal(4))
    return quad, rng.standard_normal(4) * 3


def assert_close(actual, expected, rtol=1e-12):
    scale = np.abs(expected).max()
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


def ours(params: MethodParameters, quad, x0, v0=None, steps=STEPS):
    """Our run, returning the sequence the other library stores as its parameter."""
    tr = simulate(params.method, quad, params.alpha, params.beta, steps=steps, x0=x0, v0=v0)
    if params.method == "nesterov":  # their parameter is our look-ahead point
        return tr.x - params.beta * tr.states["v"], tr
    return tr.x, tr


# --------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("dampening", [0.0, 0.1])
@pytest.mark.parametrize("lr", [0.3, 1.0])
def test_pytorch_side_by_side(problem, lr, momentum, nesterov, dampening):
    quad, p0 = problem
    if nesterov and (dampening != 0 or momentum == 0):
        with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero"):
            from_pytorch_sgd(lr, momentum, dampening, nesterov)
        return
    params = from_pytorch_sgd(lr, momentum, dampening, nesterov)
    theirs, bufs = torch_sgd(quad.grad, p0, lr, momentum, dampening, nesterov)
    v0 = None
    if params.method == "heavy_ball" and dampening != 0:
        # PyTorch's first step is undampened: start our buffer at lr*d/m * grad f(p0)
        v0 = lr * dampening / momentum * quad.grad(p0)
    mine, tr = ours(params, quad, p0, v0)
    assert_close(mine, theirs)
    if params.method != "gd":
        assert_close(tr.states["v"][1:], lr * bufs[1:])  # v_t = lr * b_t
    if nesterov:  # and back: our iterate is x_t = p_t + lr*momentum*b_t
        assert_close(tr.x, theirs + lr * momentum * bufs)


@pytest.mark.parametrize("momentum", [0.5, 0.9])
def test_pytorch_dampening_first_step_difference(problem, momentum):
    quad, p0 = problem
    lr, d = 0.5, 0.1
    params = from_pytorch_sgd(lr, momentum, dampening=d)
    assert params == ("heavy_ball", pytest.approx(lr * (1 - d)), momentum)
    theirs, _ = torch_sgd(quad.grad, p0, lr, momentum, d, steps=2000)
    mine, _ = ours(params, quad, p0, steps=2000)  # v0 = 0
    diff = mine - theirs
    # step one: ours moves by lr*(1-d)*g1, PyTorch by lr*g1
    assert_close(diff[1], lr * d * quad.grad(p0))
    # from then on the difference is the free response to that impulse: it decays,
    # and both runs converge to the same limit
    assert np.linalg.norm(diff[-1]) < 1e-12 * np.linalg.norm(diff[1])
    assert_close(mine[-1], quad.x_star, rtol=1e-10)


def test_pytorch_dampening_equal_to_momentum_is_ema_momentum(problem):
    quad, p0 = problem
    lr, m = 0.5, 0.8
    params = from_pytorch_sgd(lr, m, dampening=m)
    theirs, _ = torch_sgd(quad.grad, p0, lr, m, m)
    ema = simulate("ema_momentum", quad, lr, m, steps=STEPS, x0=p0,
                   v0=m / m * quad.grad(p0))  # v0 = d/m g: undampened first step (EMA scale)
    hb, _ = ours(params, quad, p0, v0=lr * m / m * quad.grad(p0))
    assert_close(hb, theirs)
    assert_close(ema.x, theirs)


def test_pytorch_plain_sgd_ignores_dampening(problem):
    quad, p0 = problem
    assert from_pytorch_sgd(0.5, 0.0, dampening=0.7) == ("gd", 0.5, None)
    theirs, _ = torch_sgd(quad.grad, p0, 0.5, 0.0, 0.7)
    assert_close(ours(from_pytorch_sgd(0.5, 0.0, 0.7), quad, p0)[0], theirs)


@settings(max_examples=50, deadline=None)
@given(
    lr=st.floats(1e-3, 1.5),
    # v0 = lr*d/m * g overflows as m -> 0 (see from_pytorch_sgd): keep m = 0 or >= 1e-3
    momentum=st.one_of(st.just(0.0), st.floats(1e-3, 0.95)),
    dampening=st.sampled_from([0.0, 0.1, 0.5]),
    nesterov=st.booleans(),
)
def test_pytorch_property(lr, momentum, dampening, nesterov):
    if nesterov and (dampening != 0 or momentum == 0):
        return
    quad = Quadratic([0.1, 0.5, 1.0], x_star=[1.0, -1.0, 2.0])
    p0 = np.array([3.0, 0.5, -2.0])
    params = from_pytorch_sgd(lr, momentum, dampening, nesterov)
    v0 = None
    if params.method == "heavy_ball" and dampening != 0:
        v0 = lr * dampening / momentum * quad.grad(p0)
    theirs, _ = torch_sgd(quad.grad, p0, lr, momentum, dampening, nesterov, steps=30)
    mine, _ = ours(params, quad, p0, v0, steps=30)
    assert_close(mine, theirs, rtol=1e-11)


# --------------------------------------------------------------------------
# optax and Keras
# --------------------------------------------------------------------------


@pytest.mark.parametrize("momentum", [None, 0.0, 0.5, 0.9])
@pytest.mark.parametrize("nesterov", [False, True])
def test_optax_side_by_side(problem, momentum, nesterov):
    quad, p0 = problem
    params = from_optax_sgd(0.7, momentum, nesterov)
    if momentum is None:
        assert params == ("gd", 0.7, None)
    theirs = optax_sgd(quad.grad, p0, 0.7, momentum, nesterov)
    assert_close(ours(params, quad, p0)[0], theirs)


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("nesterov", [False, True])
def test_keras_side_by_side(problem, momentum, nesterov):
    quad, w0 = problem
    params = from_keras_sgd(0.7, momentum, nesterov)
    theirs = keras_sgd(quad.grad, w0, 0.7, momentum, nesterov)
    assert_close(ours(params, quad, w0)[0], theirs)


def test_pytorch_side_by_side_on_a_non_quadratic():
    # The change of variables (Nesterov) and the first-step v0 (dampening) never use
    # linearity: they hold for any gradient. f(x) = sum((x-c)^4/4 + (x-c)^2/2).
    c = np.array([1.0, -2.0, 0.5])

    def grad(x):
        e = x - c
        return e**3 + e

    p0 = c + np.array([0.8, -0.6, 0.3])
    for lr, momentum, dampening, nesterov in [(0.2, 0.9, 0.0, True), (0.2, 0.7, 0.0, False),
                                              (0.2, 0.7, 0.3, False)]:
        params = from_pytorch_sgd(lr, momentum, dampening, nesterov)
        theirs, bufs = torch_sgd(grad, p0, lr, momentum, dampening, nesterov)
        v0 = lr * dampening / momentum * grad(p0) if dampening else None
        tr = simulate(params.method, grad, params.alpha, params.beta, steps=STEPS, x0=p0,
                      v0=v0)
        mine = tr.x - params.beta * tr.states["v"] if nesterov else tr.x
        assert_close(mine, theirs)
        assert_close(tr.states["v"][1:], lr * bufs[1:])


def test_zero_momentum_is_gd_in_every_library():
    expected = MethodParameters("gd", 0.3, None)
    for nesterov in (False, True):
        assert from_optax_sgd(0.3, 0.0, nesterov) == expected
        assert from_optax_sgd(0.3, None, nesterov) == expected
        assert from_keras_sgd(0.3, 0.0, nesterov) == expected
    assert from_pytorch_sgd(0.3, 0.0) == expected


def test_the_three_libraries_agree(problem):
    quad, p0 = problem
    for nesterov in (False, True):
        a, _ = torch_sgd(quad.grad, p0, 0.4, 0.9, nesterov=nesterov)
        b = optax_sgd(quad.grad, p0, 0.4, 0.9, nesterov)
        c = keras_sgd(quad.grad, p0, 0.4, 0.9, nesterov)
        assert_close(b, a)
        assert_close(c, a)


# --------------------------------------------------------------------------
# Back to the libraries
# --------------------------------------------------------------------------

OUR_SETTINGS = [
    ("gd", 0.5, None),
    ("heavy_ball", 0.3, 0.9),
    ("heavy_ball", 0.3, 0.0),
    ("nesterov", 0.3, 0.9),
    ("nesterov", 0.3, 0.0),
    ("ema_momentum", 1.5, 0.8),
    ("ema_momentum", 0.5, 0.0),
]


def look_ahead(tr, method, beta):
    if method == "nesterov":
        return tr.x - beta * tr.states["v"]
    return tr.x


@pytest.mark.parametrize("method, alpha, beta", OUR_SETTINGS)
def test_to_libraries_side_by_side(problem, method, alpha, beta):
    quad, x0 = problem
    tr = simulate(method, quad, alpha, beta, steps=STEPS, x0=x0)
    expected = look_ahead(tr, method, beta)
    kw = to_pytorch_sgd(method, alpha, beta)
    assert set(kw) == {"lr", "momentum", "dampening", "nesterov"}
    assert_close(torch_sgd(quad.grad, x0, **kw)[0], expected)
    assert_close(optax_sgd(quad.grad, x0, **to_optax_sgd(method, alpha, beta)), expected)
    assert_close(keras_sgd(quad.grad, x0, **to_keras_sgd(method, alpha, beta)), expected)
    # round trip: back into our convention gives the same iteration
    back = from_pytorch_sgd(**kw)
    assert_close(ours(back, quad, x0)[0], expected)


def test_to_pytorch_values():
    assert to_pytorch_sgd("heavy_ball", 0.1, 0.9) == {
        "lr": 0.1, "momentum": 0.9, "dampening": 0.0, "nesterov": False}
    assert to_pytorch_sgd("gd", 0.1) == {
        "lr": 0.1, "momentum": 0.0, "dampening": 0.0, "nesterov": False}
    assert to_pytorch_sgd("nesterov", 0.1, 0.0)["nesterov"] is False  # torch refuses m=0
    assert to_optax_sgd("gd", 0.1)["momentum"] is None
    kw = to_pytorch_sgd("ema_momentum", 0.2, 0.75)
    assert kw["lr"] == pytest.approx(0.05) and kw["momentum"] == 0.75


def test_to_pytorch_rejects():
    def custom(x, v, grad, alpha, beta):
        return x - alpha * grad(x), v

    register_method(custom, "custom_test_conventions", overwrite=True)
    try:
        with pytest.raises(ValueError, match="no SGD-with-momentum equivalent"):
            to_pytorch_sgd("custom_test_conventions", 0.1, 0.5)
    finally:
        unregister_method("custom_test_conventions")
    with pytest.raises(ValueError, match=r"beta must lie in \[0, 1\)"):
        to_pytorch_sgd("heavy_ball", 0.1, -0.5)
    with pytest.raises(ValueError, match=r"beta must lie in \[0, 1\)"):
        to_keras_sgd("heavy_ball", 0.1, 1.0)
    with pytest.raises(ValueError, match="beta=None"):
        to_pytorch_sgd("gd", 0.1, 0.5)
    with pytest.raises(ValueError, match="alpha"):
        to_pytorch_sgd("heavy_ball", -0.1, 0.5)
    with pytest.raises(ValueError, match="alpha must be a scalar"):
        to_optax_sgd("heavy_ball", [0.1, 0.2], 0.5)
    with pytest.raises(ValueError, match="Unknown method"):
        to_pytorch_sgd("adam", 0.1, 0.5)


# --------------------------------------------------------------------------
# Validation: each error names the argument
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: from_pytorch_sgd(0.0), ValueError, "lr"),
        (lambda: from_pytorch_sgd(-0.1), ValueError, "lr"),
        (lambda: from_pytorch_sgd(np.nan), ValueError, "lr must be finite"),
        (lambda: from_pytorch_sgd(np.inf), ValueError, "lr must be finite"),
        (lambda: from_pytorch_sgd([0.1, 0.2]), ValueError, "lr must be a scalar"),
        (lambda: from_pytorch_sgd("0.1"), TypeError, "lr"),
        (lambda: from_pytorch_sgd(0.1, momentum=1.0), ValueError, r"momentum .*\[0, 1\)"),
        (lambda: from_pytorch_sgd(0.1, momentum=-0.1), ValueError, "momentum"),
        (lambda: from_pytorch_sgd(0.1, momentum=np.nan), ValueError, "momentum"),
        (lambda: from_pytorch_sgd(0.1, 0.9, dampening=1.5), ValueError, "dampening"),
        (lambda: from_pytorch_sgd(0.1, 0.9, dampening=-0.1), ValueError, "dampening"),
        (lambda: from_pytorch_sgd(0.1, 0.9, dampening=1.0), ValueError, "dampening=1"),
        (lambda: from_pytorch_sgd(0.1, 0.9, 0.1, True), ValueError, "dampening=0.1"),
        (lambda: from_pytorch_sgd(0.1, 0.0, 0.0, True), ValueError, "momentum=0.0"),
        (lambda: from_pytorch_sgd(0.1, 0.9, nesterov="yes"), TypeError, "nesterov"),
        (lambda: from_optax_sgd(0.0, 0.9), ValueError, "learning_rate"),
        (lambda: from_optax_sgd(lambda t: 0.1, 0.9), TypeError, "learning_rate"),
        (lambda: from_optax_sgd(0.1, 1.2), ValueError, "momentum"),
        (lambda: from_optax_sgd(0.1, 0.9, nesterov=1), TypeError, "nesterov"),
        (lambda: from_keras_sgd(-1.0), ValueError, "learning_rate"),
        (lambda: from_keras_sgd(0.1, momentum=1.0), ValueError, "momentum"),
        (lambda: from_keras_sgd(0.1, momentum=None), TypeError, "momentum"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_method_parameters_is_a_named_tuple():
    p = from_keras_sgd(0.01, 0.9, nesterov=True)
    assert isinstance(p, tuple) and p._fields == ("method", "alpha", "beta")
    method, alpha, beta = p
    assert (method, alpha, beta) == ("nesterov", 0.01, 0.9)
    assert from_keras_sgd(0.01, 0.0, nesterov=True) == ("gd", 0.01, None)

"""Tests of momentum_dynamics.simulate against independent computations.

The reference recurrences below are typed by hand from the seed's convention (they do
not call ``Method.step``), and the reference rates are the moduli of the eigenvalues of
each method's state matrix, also built by hand, per Hessian eigenvalue.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_dynamics.methods import register_method, unregister_method
from momentum_dynamics.simulate import (
    Quadratic,
    Trajectory,
    empirical_rate,
    sign_changes,
    simulate,
)

METHODS = ["gd", "heavy_ball", "nesterov", "ema_momentum"]


# --------------------------------------------------------------------------
# Independent references
# --------------------------------------------------------------------------


def hand_loop(method, grad, x0, v0, alpha, beta, steps):
    """The seed recurrences written out; returns (x, v) arrays of shape (steps+1, d)."""
    x, v = np.array(x0, float), np.array(v0, float)
    xs, vs = [x], [v]
    for _ in range(steps):
        if method == "gd":
            x = x - alpha * grad(x)
        elif method == "heavy_ball":
            v = beta * v + alpha * grad(x)
            x = x - v
        elif method == "nesterov":
            v = beta * v + alpha * grad(x - beta * v)
            x = x - v
        elif method == "ema_momentum":
            v = beta * v + (1 - beta) * grad(x)
            x = x - alpha * v
        else:  # pragma: no cover
            raise AssertionError(method)
        xs.append(x)
        vs.append(v)
    return np.array(xs), np.array(vs)


def state_matrix(method, alpha, beta, lam):
    """The state matrix of (x, v) at curvature lam, derived by hand from each rule."""
    a, b = alpha, beta
    if method == "gd":
        return np.array([[1 - a * lam]])
    if method == "heavy_ball":  # v' = b v + a lam x ; x' = x - v'
        return np.array([[1 - a * lam, -b], [a * lam, b]])
    if method == "nesterov":  # v' = a lam x + b (1 - a lam) v ; x' = x - v'
        return np.array([[1 - a * lam, -b * (1 - a * lam)], [a * lam, b * (1 - a * lam)]])
    if method == "ema_momentum":  # v' = b v + (1 - b) lam x ; x' = x - a v'
        return np.array([[1 - a * (1 - b) * lam, -a * b], [(1 - b) * lam, b]])
    raise AssertionError(method)  # pragma: no cover


def spectral_radius_by_hand(method, alpha, beta, curvatures):
    return max(
        np.abs(np.linalg.eigvals(state_matrix(method, alpha, beta, lam))).max()
        for lam in curvatures
    )


def random_rotation(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def assert_close(actual, expected, rtol=1e-12):
    scale = np.abs(expected).max()
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


@pytest.fixture
def rng():
    return np.random.default_rng(20240613)


# --------------------------------------------------------------------------
# Quadratic
# --------------------------------------------------------------------------


def test_quadratic_matches_its_definition(rng):
    Q = random_rotation(rng, 4)
    lam = np.array([0.3, 1.0, 2.5, 7.0])
    H = Q @ np.diag(lam) @ Q.T
    H = 0.5 * (H + H.T)
    xs = rng.standard_normal(4)
    q = Quadratic(H, x_star=xs)
    assert q.dim == 4
    np.testing.assert_allclose(q.eigenvalues, lam, rtol=1e-12)
    assert q.mu == pytest.approx(0.3, rel=1e-12) and q.L == pytest.approx(7.0, rel=1e-12)
    X = rng.standard_normal((5, 3, 4))  # batched
    for x in X.reshape(-1, 4):
        np.testing.assert_allclose(q.grad(x), H @ (x - xs), rtol=1e-12, atol=1e-14)
        assert q.value(x) == pytest.approx(0.5 * (x - xs) @ H @ (x - xs), rel=1e-12)
    G = q.grad(X)
    assert G.shape == X.shape
    np.testing.assert_allclose(G, np.einsum("ij,abj->abi", H, X - xs), rtol=1e-12, atol=1e-14)
    assert q.value(X).shape == (5, 3)
    # the gradient is the derivative of the value (central differences)
    x, h = X[0, 0], 1e-6
    fd = [(q.value(x + h * e) - q.value(x - h * e)) / (2 * h) for e in np.eye(4)]
    np.testing.assert_allclose(q.grad(x), fd, rtol=1e-6, atol=1e-8)


def test_quadratic_diagonal_and_scalar():
    q = Quadratic([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(q.hessian, np.diag([3.0, 1.0, 2.0]))
    np.testing.assert_array_equal(q.eigenvalues, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(q.grad([1.0, 1.0, 2.0]), [3.0, 1.0, 4.0])
    s = Quadratic(2.0, x_star=[1.0])
    assert s.dim == 1 and s.hessian.shape == (1, 1)
    assert s.value([3.0]) == 4.0
    assert "dim=1" in repr(s)


def test_quadratic_symmetrises_rounding_level_asymmetry():
    H = np.array([[2.0, 1.0], [1.0 + 1e-15, 3.0]])
    q = Quadratic(H)
    np.testing.assert_array_equal(q.hessian, q.hessian.T)


@pytest.mark.parametrize(
    "hessian, x_star, match",
    [
        ([[1.0, 2.0], [0.0, 1.0]], None, r"hessian must be symmetric.*hessian\[0, 1\]"),
        ([[1.0, 1e-9], [0.0, 1.0]], None, "hessian must be symmetric"),
        (np.ones((2, 3)), None, r"hessian must be .* square .* got shape \(2, 3\)"),
        (np.ones((2, 2, 2)), None, "hessian"),
        ([], None, "hessian"),
        ([[1.0, np.inf], [np.inf, 1.0]], None, "hessian must be finite"),
        ([1.0, np.nan], None, "hessian must be finite"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], r"x_star must have shape \(2,\)"),
        ([1.0, 2.0], [np.nan, 0.0], "x_star must be finite"),
    ],
)
def test_quadratic_rejects_bad_input(hessian, x_star, match):
    with pytest.raises(ValueError, match=match):
        Quadratic(hessian, x_star=x_star)


def test_quadratic_rejects_non_numbers():
    with pytest.raises(TypeError, match="hessian"):
        Quadratic("identity")
    with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
        Quadratic([1.0, 2.0]).grad([1.0, 2.0, 3.0])


# --------------------------------------------------------------------------
# simulate runs the update rule exactly as written
# --------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("alpha, beta", [(0.1, 0.5), (0.3, 0.9), (0.05, 0.0), (0.2, -0.3)])
def test_simulate_matches_hand_written_recurrence(rng, method, alpha, beta):
    A = rng.standard_normal((3, 3))
    H = A @ A.T + 0.1 * np.eye(3)  # a random symmetric (positive definite) Hessian
    xs = rng.standard_normal(3)
    x0 = rng.standard_normal(3)
    v0 = rng.standard_normal(3)
    q = Quadratic(H, x_star=xs)
    if method == "gd":
        tr = simulate(method, q, alpha, steps=60, x0=x0)
        ref_x, _ = hand_loop(method, lambda x: H @ (x - xs), x0, np.zeros(3), alpha, None, 60)
    else:
        tr = simulate(method, q, alpha, beta, steps=60, x0=x0, v0=v0)
        ref_x, ref_v = hand_loop(method, lambda x: H @ (x - xs), x0, v0, alpha, beta, 60)
        assert_close(tr.states["v"], ref_v)
    assert tr.x.shape == (61, 3)
    assert_close(tr.x, ref_x)
    assert tr.states["x"] is tr.x
    ref_loss = [0.5 * (x - xs) @ H @ (x - xs) for x in ref_x]
    assert_close(tr.loss, ref_loss)
    assert tr.method == method and tr.alpha == alpha
    assert tr.beta == (None if method == "gd" else beta)
    assert not tr.diverged and tr.steps == 60


@settings(max_examples=40, deadline=None)
@given(
    method=st.sampled_from(METHODS[1:]),
    alpha=st.floats(1e-3, 1.0),
    beta=st.floats(0.0, 0.99),
    curv=st.lists(st.floats(0.01, 1.5), min_size=1, max_size=4),
)
def test_simulate_matches_hand_loop_property(method, alpha, beta, curv):
    d = len(curv)
    x0 = np.linspace(1.0, -1.0, d)
    tr = simulate(method, np.array(curv), alpha, beta, steps=30, x0=x0)
    ref_x, ref_v = hand_loop(method, lambda x: np.array(curv) * x, x0, np.zeros(d), alpha,
                             beta, 30)
    assert_close(tr.x, ref_x, rtol=1e-11)
    assert_close(tr.states["v"], ref_v, rtol=1e-11)


def test_defaults_and_zero_steps():
    tr = simulate("heavy_ball", [1.0, 2.0], alpha=0.1, beta=0.5)
    assert tr.x.shape == (101, 2)
    np.testing.assert_array_equal(tr.x[0], [1.0, 1.0])  # x0 = ones(d)
    np.testing.assert_array_equal(tr.states["v"][0], [0.0, 0.0])  # v0 = 0
    tr0 = simulate("nesterov", 3.0, alpha=0.1, beta=0.5, steps=0)
    assert tr0.x.shape == (1, 1) and tr0.loss.tolist() == [1.5]
    assert tr0.x_star.tolist() == [0.0]


def test_trajectory_is_immutable():
    tr = simulate("gd", [1.0, 2.0], alpha=0.1, steps=5)
    assert isinstance(tr, Trajectory)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tr.alpha = 0.2
    with pytest.raises(ValueError):
        tr.x[0, 0] = 5.0


def test_extra_hyperparameters_are_passed_to_the_rule():
    def qhm_test_simulate(x, v, grad, alpha, beta, nu):
        g = grad(x)
        v = beta * v + (1 - beta) * g
        return x - alpha * ((1 - nu) * g + nu * v), v

    register_method(qhm_test_simulate, overwrite=True)
    try:
        lam = np.array([0.5, 2.0])
        tr = simulate("qhm_test_simulate", lam, alpha=0.3, beta=0.8, steps=40, nu=0.7)
        x, v = np.ones(2), np.zeros(2)
        for t in range(1, 41):  # QHM typed by hand
            g = lam * x
            v = 0.8 * v + 0.2 * g
            x = x - 0.3 * (0.3 * g + 0.7 * v)
            assert_close(tr.x[t], x)
        assert tr.hyperparameters == {"nu": 0.7}
        with pytest.raises(TypeError, match=r"needs the hyper-parameter\(s\) \['nu'\]"):
            simulate("qhm_test_simulate", lam, alpha=0.3, beta=0.8)
        with pytest.raises(ValueError, match="nu must be a scalar"):
            simulate("qhm_test_simulate", lam, alpha=0.3, beta=0.8, nu=[0.1, 0.2])
    finally:
        unregister_method("qhm_test_simulate")


# --------------------------------------------------------------------------
# User gradient functions (non-quadratic problems)
# --------------------------------------------------------------------------


def test_user_gradient_of_a_non_quadratic(rng):
    c = np.array([1.0, -2.0, 0.5])

    def grad(x):  # f(x) = sum((x - c)^4 / 4 + (x - c)^2 / 2)
        e = x - c
        return e**3 + e

    x0 = c + 0.5 * rng.standard_normal(3)
    for method in METHODS:
        beta = None if method == "gd" else 0.5
        tr = simulate(method, grad, alpha=0.2, beta=beta, steps=300, x0=x0)
        ref_x, _ = hand_loop(method, grad, x0, np.zeros(3), 0.2, beta, 300)
        assert_close(tr.x, ref_x)
        assert tr.loss is None and tr.x_star is None
        np.testing.assert_allclose(tr.x[-1], c, atol=1e-10)
        # asymptotically the run is the linearisation at c (Hessian = identity)
        b = 0.0 if beta is None else beta
        expected = spectral_radius_by_hand(method, 0.2, b, [1.0])
        # (rounding near |c| ~ 1 leaves ~80 usable steps: short-window accuracy)
        assert empirical_rate(tr, x_star=c) == pytest.approx(expected, rel=3e-3)
    with pytest.raises(ValueError, match="x_star is required"):
        empirical_rate(tr)


def test_user_gradient_errors():
    with pytest.raises(TypeError, match="x0"):
        simulate("gd", lambda x: x, alpha=0.1)
    with pytest.raises(ValueError, match="problem .* returned shape"):
        simulate("gd", lambda x: x[:1], alpha=0.1, x0=[1.0, 2.0])
    with pytest.raises(ValueError, match="x0 must have shape"):
        simulate("gd", lambda x: x, alpha=0.1, x0=np.ones((2, 0)))


# --------------------------------------------------------------------------
# Rates and oscillations against the state matrices' eigenvalues
# --------------------------------------------------------------------------

RATE_CASES = [
    ("gd", 0.1, None),
    ("gd", 0.4, None),
    ("heavy_ball", 0.1, 0.5),  # underdamped at every curvature
    ("heavy_ball", 0.05, 0.2),  # mixed regimes
    ("heavy_ball", 0.3, 0.9),
    ("nesterov", 0.1, 0.5),
    ("nesterov", 0.3, 0.9),
    ("nesterov", 0.05, 0.2),
    ("ema_momentum", 0.5, 0.5),
    ("ema_momentum", 1.0, 0.9),
]


@pytest.mark.parametrize("method, alpha, beta", RATE_CASES)
def test_empirical_rate_is_the_spectral_radius(rng, method, alpha, beta):
    curv = np.array([0.2, 1.0, 3.0])
    Q = random_rotation(rng, 3)
    H = Q @ np.diag(curv) @ Q.T
    H = 0.5 * (H + H.T)
    rho = spectral_radius_by_hand(method, alpha, 0.0 if beta is None else beta, curv)
    assert rho < 1
    steps = int(min(3000, 550 / -np.log(rho)))  # stay clear of underflow
    tr = simulate(method, H, alpha, beta, steps=steps, x0=rng.standard_normal(3))
    assert empirical_rate(tr) == pytest.approx(rho, rel=1e-5)


@pytest.mark.parametrize("method", METHODS[1:])
def test_empirical_rate_of_a_diverging_run(method):
    alpha, beta = (4.0 if method == "ema_momentum" else 1.0), 0.5
    curv = [0.5, 4.0]
    rho = spectral_radius_by_hand(method, alpha, beta, curv)
    assert rho > 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow must be silent
        tr = simulate(method, curv, alpha, beta, steps=3000, x0=[0.3, -0.7])
    assert tr.diverged
    assert not np.isfinite(tr.x[-1]).all()
    assert not np.isfinite(tr.loss[-1])
    assert empirical_rate(tr) == pytest.approx(rho, rel=1e-4)


def test_gd_divergence_overflows_to_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = simulate("gd", 1.0, alpha=2.5, steps=2000)
    # x_t = (1 - 2.5)^t exactly until overflow
    np.testing.assert_allclose(tr.x[:100, 0], (-1.5) ** np.arange(100), rtol=1e-12)
    assert np.isinf(tr.x[-1, 0]) or np.isnan(tr.x[-1, 0])
    assert tr.diverged


def test_empirical_rate_with_a_nonzero_minimiser(rng):
    # errors hit rounding level near 1e-16 * |x_star| after ~120 steps: the fit must
    # stop before, which leaves a short window (three modes of equal modulus beat)
    xs = np.array([100.0, -50.0, 3.0])
    tr = simulate("heavy_ball", Quadratic([0.5, 1.0, 2.0], x_star=xs), 0.2, 0.6, steps=2000,
                  x0=xs + rng.standard_normal(3))
    rho = spectral_radius_by_hand("heavy_ball", 0.2, 0.6, [0.5, 1.0, 2.0])
    assert empirical_rate(tr) == pytest.approx(rho, rel=3e-3)
    assert abs(empirical_rate(tr, rtol=0.0) - rho) > 1e-2  # fitting the noise floor


def test_empirical_rate_undefined_and_bad_skip():
    tr = simulate("heavy_ball", [1.0, 2.0], 0.1, 0.5, steps=50, x0=[0.0, 0.0])
    assert np.isnan(empirical_rate(tr))  # x0 == x_star: no rate to measure
    tr = simulate("heavy_ball", [1.0, 2.0], 0.1, 0.5, steps=50)
    with pytest.raises(ValueError, match="skip"):
        empirical_rate(tr, skip=51)
    with pytest.raises(TypeError, match="skip"):
        empirical_rate(tr, skip=2.5)
    assert np.isnan(empirical_rate(tr, skip=50))
    rho = spectral_radius_by_hand("heavy_ball", 0.1, 0.5, [1.0, 2.0])
    assert empirical_rate(tr, skip=5) == pytest.approx(rho, rel=1e-2)  # a short run
    with pytest.raises(TypeError, match="trajectory"):
        empirical_rate(tr.x)


def heavy_ball_eigenvalues(alpha, beta, lam):
    return np.linalg.eigvals(state_matrix("heavy_ball", alpha, beta, lam))


def test_underdamped_heavy_ball_oscillates():
    alpha, beta, lam, steps = 0.1, 0.9, 1.0, 200
    ev = heavy_ball_eigenvalues(alpha, beta, lam)
    assert np.all(ev.imag != 0)  # complex pair: underdamped
    omega = np.abs(np.angle(ev[0]))
    tr = simulate("heavy_ball", lam, alpha, beta, steps=steps)
    n = sign_changes(tr)
    # e_t = C rho^t cos(omega t + phi) changes sign about steps * omega / pi times
    assert n >= 10
    assert abs(n - steps * omega / np.pi) <= 2


@settings(max_examples=60, deadline=None)
@given(
    r1=st.floats(0.02, 0.99),
    r2=st.floats(0.01, 0.98),
    x0=st.floats(-10, 10).filter(lambda v: abs(v) > 1e-3),
    v0=st.floats(-10, 10),
)
def test_overdamped_heavy_ball_changes_sign_at_most_once(r1, r2, x0, v0):
    # heavy ball at curvature 1 with poles r1 > r2 > 0: beta = r1 r2 and
    # 1 + beta - alpha = r1 + r2 (trace and determinant of the state matrix)
    r1, r2 = max(r1, r2), min(r1, r2)
    if r1 - r2 < 1e-3:
        r1 += 1e-3
    beta, alpha = r1 * r2, (1 - r1) * (1 - r2)
    ev = heavy_ball_eigenvalues(alpha, beta, 1.0)
    assert np.all(ev.imag == 0) and np.all(ev.real > 0)  # overdamped, checked by eigvals
    np.testing.assert_allclose(np.sort(ev.real), [r2, r1], rtol=1e-6)
    tr = simulate("heavy_ball", 1.0, alpha, beta, steps=300, x0=[x0], v0=[v0])
    assert sign_changes(tr) <= 1


def test_overdamped_per_coordinate_of_a_diagonal_problem():
    curv = [0.5, 1.0, 2.0]
    alpha, beta = 0.1, 0.05
    for lam in curv:
        ev = heavy_ball_eigenvalues(alpha, beta, lam)
        assert np.all(ev.imag == 0) and np.all(ev.real > 0)
    tr = simulate("heavy_ball", curv, alpha, beta, steps=400, x0=[1.0, -2.0, 3.0],
                  v0=[-1.0, 1.0, 0.5])
    for c in range(3):
        assert sign_changes(tr, coordinate=c) <= 1
    assert sign_changes(tr, coordinate=-1) == sign_changes(tr, coordinate=2)


def test_sign_changes_ignores_rounding_noise_around_x_star():
    xs = np.array([1e3])
    tr = simulate("heavy_ball", Quadratic(1.0, x_star=xs), 0.1, 0.05, steps=2000,
                  x0=xs + 1.0)
    assert sign_changes(tr) <= 1
    with pytest.raises(ValueError, match="coordinate"):
        sign_changes(tr, coordinate=1)
    with pytest.raises(TypeError, match="coordinate"):
        sign_changes(tr, coordinate=0.0)


def test_sign_changes_with_a_gradient_function():
    tr = simulate("heavy_ball", lambda x: x - 2.0, 0.1, 0.9, steps=100, x0=[3.0])
    ref = simulate("heavy_ball", Quadratic(1.0, x_star=[2.0]), 0.1, 0.9, steps=100, x0=[3.0])
    assert sign_changes(tr, x_star=[2.0]) == sign_changes(ref) >= 5
    with pytest.raises(ValueError, match="x_star"):
        sign_changes(tr)


# --------------------------------------------------------------------------
# Input validation: each error names the argument
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(alpha=-0.1), ValueError, "alpha"),
        (dict(alpha=0.0), ValueError, "alpha"),
        (dict(alpha=np.nan), ValueError, "alpha"),
        (dict(alpha=[0.1, 0.2]), ValueError, "alpha must be a scalar"),
        (dict(alpha="0.1"), TypeError, "alpha"),
        (dict(beta=1.5), ValueError, "beta"),
        (dict(beta=np.inf), ValueError, "beta"),
        (dict(beta=[0.1, 0.2]), ValueError, "beta must be a scalar"),
        (dict(beta=None), TypeError, "beta"),
        (dict(method="adamw"), ValueError, "Unknown method: 'adamw'"),
        (dict(method=3), TypeError, "method"),
        (dict(x0=[1.0, 2.0]), ValueError, r"x0 must have shape \(3,\)"),
        (dict(x0=np.ones((3, 1))), ValueError, "x0 must have shape"),
        (dict(x0=[1.0, np.nan, 0.0]), ValueError, "x0 must be finite"),
        (dict(v0=[1.0]), ValueError, r"v0 must have shape \(3,\)"),
        (dict(steps=-1), ValueError, "steps must be >= 0"),
        (dict(steps=True), TypeError, "steps must be an integer"),
        (dict(steps=2.0), TypeError, "steps must be an integer"),
        (dict(nu=0.5), TypeError, r"unexpected keyword argument\(s\) \['nu'\]"),
        (dict(problem=[[1.0, 2.0], [0.0, 1.0]]), ValueError, "problem must be symmetric"),
        (dict(problem="quadratic"), TypeError, "problem"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    args = dict(method="heavy_ball", problem=[1.0, 2.0, 3.0], alpha=0.1, beta=0.5, steps=5)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        simulate(**args)


def test_gd_refuses_beta_and_v0():
    with pytest.raises(ValueError, match="beta=None"):
        simulate("gd", 1.0, alpha=0.1, beta=0.5)
    with pytest.raises(ValueError, match="v0"):
        simulate("gd", 1.0, alpha=0.1, v0=[1.0])


def test_steps_accepts_numpy_integers():
    tr = simulate("gd", 1.0, alpha=0.1, steps=np.int64(3))
    np.testing.assert_allclose(tr.x[:, 0], 0.9 ** np.arange(4), rtol=1e-15)


# --------------------------------------------------------------------------
# Hooks: schedule, noise, several runs, record_every
# --------------------------------------------------------------------------


def test_schedule_array_and_callable_match_the_hand_written_loop():
    from _reference import hand_step
    H = np.array([[2.0, 0.5], [0.5, 1.0]])
    betas = np.linspace(0.0, 0.9, 20)
    alphas = 0.1 / (1 + np.arange(20))
    x, v = np.ones(2), np.zeros(2)
    ref = [x]
    for a, b in zip(alphas, betas, strict=True):
        x, v = hand_step("nesterov", x, v, lambda y: H @ y, a, b)
        ref.append(x)
    tr = simulate("nesterov", H, None, None, steps=20,
                  schedule={"alpha": alphas, "beta": betas})
    np.testing.assert_allclose(tr.x, ref, rtol=1e-14)
    tr2 = simulate("nesterov", H, 0.5, 0.5, steps=20,
                   schedule=lambda t: {"alpha": alphas[t - 1], "beta": betas[t - 1]})
    np.testing.assert_allclose(tr2.x, ref, rtol=1e-14)


@pytest.mark.parametrize("name", ["gd", "heavy_ball", "nesterov"])
def test_noise_gives_the_lyapunov_covariance(name):
    """Many chains with gradient noise: the sample covariance of x against scipy's
    solve_discrete_lyapunov on the hand-written rule's matrices."""
    import scipy.linalg
    from _reference import hand_step
    lam, alpha, beta, s2 = 1.5, 0.2, (None if name == "gd" else 0.6), 0.5

    def step(x, v, xi=0.0):
        return hand_step(name, x, v, lambda y: lam * y + xi, alpha, beta)

    A = np.array([step(1.0, 0.0), step(0.0, 1.0)], dtype=float).T
    B = np.array(step(0.0, 0.0, 1.0), dtype=float)
    if name == "gd":  # v is not a state of gradient descent
        A, B = A[:1, :1], B[:1]
    P = scipy.linalg.solve_discrete_lyapunov(A, s2 * np.outer(B, B))
    n = 20000
    tr = simulate(name, lam, alpha, beta, steps=300, x0=np.zeros((n, 1)), noise=s2, rng=3,
                  record_every=300)
    assert tr.x.shape == (2, n, 1)
    var = float(np.mean(tr.x[-1] ** 2))
    assert var == pytest.approx(P[0, 0], rel=4 * np.sqrt(2 / n))


def test_noise_covariance_matrix_and_callable():
    cov = np.array([[1.0, 0.8], [0.8, 1.0]])
    tr = simulate("gd", lambda x: np.zeros_like(x), 1.0, steps=1, x0=np.zeros((40000, 2)),
                  noise=cov, rng=0)
    emp = np.cov(-tr.x[-1].T)  # x1 = -alpha * xi
    np.testing.assert_allclose(emp, cov, atol=0.03)
    calls = []
    tr = simulate("heavy_ball", 1.0, 0.1, 0.5, steps=3,
                  noise=lambda t, x, rng: calls.append(t) or np.zeros_like(x))
    assert calls == [1, 2, 3]
    np.testing.assert_array_equal(tr.x, simulate("heavy_ball", 1.0, 0.1, 0.5, steps=3).x)
    a = simulate("heavy_ball", [1.0, 2.0], 0.1, 0.5, steps=5, noise=[0.1, 0.2], rng=7).x
    b = simulate("heavy_ball", [1.0, 2.0], 0.1, 0.5, steps=5, noise=[0.1, 0.2], rng=7).x
    np.testing.assert_array_equal(a, b)


def test_several_runs_and_record_every():
    x0 = np.array([[1.0, 0.0], [0.5, -1.0], [2.0, 3.0]])
    tr = simulate("heavy_ball", [1.0, 4.0], 0.1, 0.7, steps=10, x0=x0, v0=[0.1, 0.0])
    for i in range(3):
        one = simulate("heavy_ball", [1.0, 4.0], 0.1, 0.7, steps=10, x0=x0[i], v0=[0.1, 0.0])
        np.testing.assert_array_equal(tr.x[:, i], one.x)
        np.testing.assert_allclose(tr.loss[:, i], one.loss)
    sub = simulate("heavy_ball", [1.0, 4.0], 0.1, 0.7, steps=10, x0=x0, v0=[0.1, 0.0],
                   record_every=3)
    np.testing.assert_array_equal(sub.x, tr.x[::3])
    assert sub.steps == 9
    with pytest.raises(ValueError, match="several runs"):
        empirical_rate(tr)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(schedule={"nu": np.ones(5)}), ValueError, r"schedule sets \['nu'\]"),
        (dict(schedule={"beta": np.ones(4)}), ValueError, r"schedule\['beta'\] .* \(5,\)"),
        (dict(schedule={"beta": np.full(5, 1.5)}), ValueError, "beta"),
        (dict(schedule={"alpha": -np.ones(5)}), ValueError, "alpha"),
        (dict(schedule=lambda t: {"beta": 2.0}), ValueError, "beta"),
        (dict(schedule=lambda t: 0.5), TypeError, "schedule"),
        (dict(noise=-1.0), ValueError, "noise"),
        (dict(noise=[1.0, 2.0]), ValueError, "noise"),
        (dict(noise=-np.eye(3)), ValueError, "noise .* positive semi-definite"),
        (dict(noise=lambda t, x, rng: np.ones(2)), ValueError, "noise"),
        (dict(rng="seed"), TypeError, "rng"),
        (dict(record_every=0), ValueError, "record_every"),
        (dict(alpha=None), TypeError, "alpha"),
    ],
)
def test_bad_hooks_are_named(kwargs, error, match):
    args = dict(method="heavy_ball", problem=[1.0, 2.0, 3.0], alpha=0.1, beta=0.5, steps=5)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        simulate(**args)


@pytest.mark.parametrize("rtol", [-1e-12, float("nan"), [1e-12, 1e-10]])
def test_rtol_is_validated_by_name(rtol):
    tr = simulate("heavy_ball", 1.0, alpha=0.1, beta=0.5, steps=50)
    with pytest.raises(ValueError, match="rtol"):
        empirical_rate(tr, rtol=rtol)
    with pytest.raises(ValueError, match="rtol"):
        sign_changes(tr, rtol=rtol)

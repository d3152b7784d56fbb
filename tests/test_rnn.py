"""Linear RNN trained with momentum: the Hessian at the optimum against finite
differences (mpmath), SymPy and the closed-form sums at w = 1; the stable set against
hand-built 4x4 matrices and simulations; exploding gradients in simulated training."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from momentum_dynamics.applications import (
    rnn_curvature,
    rnn_hessian_symbolic,
    rnn_loss,
    rnn_max_alpha,
    rnn_spectral_radius,
    rnn_stability,
    rnn_training,
    rnn_transition_matrix,
)


def _hidden_loop(w, u, xs):
    h, out = 0, []
    for x in xs:
        h = w * h + u * x
        out.append(h)
    return out


def _fd_hessian(w, u, xs):
    """Hessian of the teacher loss at its optimum by mpmath's high-precision differences."""
    mpmath.mp.dps = 40
    ys = _hidden_loop(mpmath.mpf(w), mpmath.mpf(u), [mpmath.mpf(x) for x in xs])

    def f(a, b):
        hs = _hidden_loop(a, b, [mpmath.mpf(x) for x in xs])
        return sum((h - y) ** 2 for h, y in zip(hs, ys, strict=True)) / 2

    H = np.empty((2, 2))
    for (i, j), order in {(0, 0): (2, 0), (0, 1): (1, 1), (1, 1): (0, 2)}.items():
        H[i, j] = H[j, i] = float(mpmath.diff(f, (mpmath.mpf(w), mpmath.mpf(u)), order))
    return H


@pytest.mark.parametrize("w, u, T", [(0.3, 1.0, 5), (-0.7, 0.4, 9), (0.95, 2.0, 25)])
def test_hessian_matches_finite_differences(w, u, T):
    xs = np.random.default_rng(T).normal(size=T)
    H = rnn_curvature(w, T, u, inputs=xs).hessian
    np.testing.assert_allclose(H, _fd_hessian(w, u, xs), rtol=1e-10)


@pytest.mark.parametrize("T", [1, 2, 3, 6])
def test_numeric_matches_symbolic(T):
    w, u = sp.symbols("w u", real=True)
    Hs = rnn_hessian_symbolic(T)
    for wv, uv in [(0.2, 1.0), (-0.8, 0.3), (0.99, -1.5)]:
        expected = np.array(Hs.subs({w: wv, u: uv}).evalf(30), dtype=float)
        np.testing.assert_allclose(rnn_curvature(wv, T, uv).hessian, expected, rtol=1e-12)


def test_symbolic_is_the_loss_differentiated():
    """T = 2 by hand: h1 = u, h2 = (w + 1) u; g1 = (0, 1), g2 = (u, w + 1)."""
    w, u = sp.symbols("w u", real=True)
    assert sp.simplify(rnn_hessian_symbolic(2)
                       - sp.Matrix([[u**2, u * (w + 1)], [u * (w + 1), 1 + (w + 1) ** 2]])) \
        == sp.zeros(2, 2)


@pytest.mark.parametrize("T", [10, 100, 1000])
def test_closed_form_sums_near_w_one(T):
    """At w = 1 (unit input) dh_t/du = t and dh_t/dw = u t (t - 1)/2: Faulhaber sums."""
    t = np.arange(1, T + 1, dtype=float)
    u = 0.7
    sw, su = u * t * (t - 1) / 2, t
    expected = np.array([[sw @ sw, sw @ su], [su @ sw, su @ su]])
    got = rnn_curvature(1 - 1e-12, T, u).hessian
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_largest_eigenvalue_grows_with_w_and_T():
    ws = np.linspace(0, 0.99, 30)
    for T in (5, 20, 80):
        lam = rnn_curvature(ws, T).largest
        assert np.all(np.diff(lam) > 0)
    lam_T = [rnn_curvature(0.9, T).largest for T in (5, 10, 20, 40)]
    assert np.all(np.diff(lam_T) > 0)


def _hand_matrix(alpha, beta, H):
    """Heavy ball v' = beta v + alpha H e, e' = e - v' on the stacked state (e, v)."""
    Id = np.eye(2)
    return np.block([[Id - alpha * H, -beta * Id], [alpha * H, beta * Id]])


@pytest.mark.parametrize("alpha, beta, w, T", [(0.01, 0.9, 0.5, 10), (0.002, 0.5, 0.9, 8),
                                               (0.3, 0.0, -0.4, 3)])
def test_transition_matrix_against_hand_built(alpha, beta, w, T):
    H = rnn_curvature(w, T).hessian
    A = rnn_transition_matrix("heavy_ball", alpha, beta, w, T)
    B = _hand_matrix(alpha, beta, H)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(A)),
                               np.sort_complex(np.linalg.eigvals(B)), atol=1e-10)
    rho = np.max(np.abs(np.linalg.eigvals(B)))
    assert rnn_spectral_radius(alpha, beta, w, T) == pytest.approx(rho, rel=1e-9)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("w, T", [(0.0, 5), (0.7, 12), (0.95, 30)])
def test_stable_edge_against_hand_built_eigenvalues(beta, w, T):
    a_max = rnn_max_alpha(beta, w, T)
    H = rnn_curvature(w, T).hessian
    for f, stable in ((0.999, True), (1.001, False)):
        rho = np.max(np.abs(np.linalg.eigvals(_hand_matrix(f * a_max, beta, H))))
        assert (rho < 1) == stable
        assert bool(rnn_stability(f * a_max, beta, w, T)) == stable


def test_stable_set_shrinks_as_w_to_one_and_T_grows():
    betas = np.linspace(0, 0.99, 12)
    ws = [0.0, 0.5, 0.9, 0.99]
    for T in (5, 50):
        a = np.array([rnn_max_alpha(betas, w, T) for w in ws])
        assert np.all(np.diff(a, axis=0) < 0)
    a_T = np.array([rnn_max_alpha(betas, 0.9, T) for T in (5, 10, 50)])
    assert np.all(np.diff(a_T, axis=0) < 0)


def test_flat_direction_at_T_one():
    """T = 1: h1 = u x1 does not depend on w; only u is curved (curvature x1^2)."""
    c = rnn_curvature(0.3, 1, 2.0, inputs=[1.5])
    np.testing.assert_allclose(c.eigenvalues, [0.0, 2.25], atol=1e-15)
    assert c.condition_number == np.inf
    # heavy ball on curvature 2.25: stable iff alpha < 2 (1 + beta) / 2.25
    assert rnn_max_alpha(0.5, 0.3, 1, u=2.0, inputs=[1.5]) == pytest.approx(3 / 2.25)
    assert rnn_stability(1.3, 0.5, 0.3, 1, u=2.0, inputs=[1.5])


def test_training_gradient_matches_finite_differences():
    xs = np.ones(15)
    w0, u0, ws = 0.2, 0.5, 0.8
    r = rnn_training(ws, 15, alpha=1e-4, beta=0.5, steps=1, w0=w0, u0=u0)
    ys = _hidden_loop(ws, 1.0, xs)
    eps = 1e-6
    gw = (rnn_loss(w0 + eps, u0, xs, ys) - rnn_loss(w0 - eps, u0, xs, ys)) / (2 * eps)
    gu = (rnn_loss(w0, u0 + eps, xs, ys) - rnn_loss(w0, u0 - eps, xs, ys)) / (2 * eps)
    assert r.gradient_norm[0] == pytest.approx(np.hypot(gw, gu), rel=1e-7)
    assert r.loss[0] == pytest.approx(rnn_loss(w0, u0, xs, ys), rel=1e-12)


@pytest.mark.parametrize("w_star, T", [(0.5, 10), (0.9, 20)])
def test_training_near_optimum_follows_the_linear_edge(w_star, T):
    """Started close to the optimum, the nonlinear run converges below the linear edge
    and blows up above it."""
    a_max = rnn_max_alpha(0.9, w_star, T)
    kw = dict(beta=0.9, steps=3000, w0=w_star + 1e-4, u0=1.0)
    assert rnn_training(w_star, T, alpha=0.9 * a_max, **kw).loss[-1] < 1e-12
    bad = rnn_training(w_star, T, alpha=1.1 * a_max, **kw)
    assert bad.diverged or bad.loss[-1] > 1e3


def test_exploding_gradients_with_T():
    """One step size, the teacher near w = 1: the largest gradient of the run explodes as T
    grows (the iterate passes |w| = 1, where dh_T/dw grows like |w|^T)."""
    peaks = [rnn_training(0.95, T, alpha=2e-4, beta=0.9, steps=200).max_gradient_norm
             for T in (5, 10, 20, 40)]
    assert peaks == sorted(peaks) and peaks[1] > 10 * peaks[0]
    assert peaks[-1] == np.inf


@pytest.mark.parametrize("call, match", [
    (lambda: rnn_curvature(1.0, 5), "w"),
    (lambda: rnn_curvature(-1.2, 5), "w"),
    (lambda: rnn_curvature(0.5, 0), "T"),
    (lambda: rnn_curvature(0.5, 2.5), "T"),
    (lambda: rnn_curvature(0.5, 3, inputs=[1.0, 2.0]), "inputs"),
    (lambda: rnn_curvature(float("nan"), 3), "w"),
    (lambda: rnn_hessian_symbolic(50), "T"),
    (lambda: rnn_max_alpha(1.5, 0.5, 3), "beta"),
    (lambda: rnn_stability(-0.1, 0.5, 0.5, 3), "alpha"),
    (lambda: rnn_training(1.0, 5, 0.01, 0.9), "w_star"),
    (lambda: rnn_training(0.5, 5, 0.01, 0.9, steps=0), "steps"),
    (lambda: rnn_loss(0.5, 1.0, [1.0], [1.0, 2.0]), "same length"),
])
def test_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_region_figure_data_against_closed_forms():
    """At w = 0 (u = 1, unit inputs) dh_t/dw = 1 for t >= 2 and dh_t/du = 1: the Hessian
    is [[T - 1, T - 1], [T - 1, T]]; heavy ball's edge is 2 (1 + beta) / lambda_max."""
    from momentum_dynamics.plotting import rnn_region_data

    d = rnn_region_data(ws=(0.0,), Ts=(4, 9), steps=3, resolution=5)
    for j, T in enumerate((4, 9)):
        lam = np.linalg.eigvalsh([[T - 1, T - 1], [T - 1, T]])[-1]
        assert d.lambda_max[j, 0] == pytest.approx(lam, rel=1e-12)
        np.testing.assert_allclose(d.max_alpha[0, j], 2 * (1 + d.betas) / lam, rtol=1e-9)

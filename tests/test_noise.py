import control
import numpy as np
import pytest
import scipy.linalg

from momentum_dynamics.lti import state_space_matrices
from momentum_dynamics.noise import stationary_covariance


def random_spd(rng, d, shift=0.1):
    M = rng.normal(size=(d, d))
    return M @ M.T / d + shift * np.eye(d)


@pytest.mark.parametrize("method, beta", [("heavy_ball", 0.8), ("nesterov", 0.7),
                                          ("ema_momentum", 0.9), ("gd", None)])
@pytest.mark.parametrize("noise", ["general", "diagonal", "scalar"])
def test_against_dense_lyapunov_solvers(method, beta, noise):
    rng = np.random.default_rng(7)
    d = 5
    H = random_spd(rng, d)
    Sigma = {"general": random_spd(rng, d, 0.0), "diagonal": rng.uniform(0.5, 2, d),
             "scalar": 0.3}[noise]
    alpha = 0.9 / np.linalg.eigvalsh(H).max()
    r = stationary_covariance(method, alpha, beta, H, Sigma)
    A, B = state_space_matrices(method, alpha, beta, hessian=H)
    S_full = np.asarray(Sigma) * np.eye(d) if np.ndim(Sigma) < 2 else Sigma
    if np.ndim(Sigma) == 1:
        S_full = np.diag(Sigma)
    Q = B @ S_full @ B.T
    P = scipy.linalg.solve_discrete_lyapunov(A, Q)
    np.testing.assert_allclose(r.state, P, rtol=1e-10, atol=1e-12 * np.abs(P).max())
    np.testing.assert_allclose(r.state, control.dlyap(A, Q), rtol=1e-10,
                               atol=1e-12 * np.abs(P).max())
    assert r.excess_loss == pytest.approx(0.5 * np.trace(H @ P[:d, :d]), rel=1e-10)


def test_gradient_descent_closed_form():
    a, lam, s2 = 0.3, np.array([0.5, 2.0, 5.0]), np.array([1.0, 0.2, 3.0])
    r = stationary_covariance("gd", a, None, lam, s2)
    np.testing.assert_allclose(np.diag(r.x), a**2 * s2 / (1 - (1 - a * lam) ** 2), rtol=1e-13)


def test_heavy_ball_monte_carlo():
    rng = np.random.default_rng(11)
    a, b, lam, sigma = 0.1, 0.8, 2.0, 1.0
    r = stationary_covariance("heavy_ball", a, b, [lam], sigma**2)
    chains, steps = 4000, 400
    x = np.zeros(chains)
    v = np.zeros(chains)
    for _ in range(steps):
        v = b * v + a * (lam * x + sigma * rng.normal(size=chains))
        x = x - v
    var = x.var()
    se = var * np.sqrt(2 / (chains - 1))
    assert abs(var - r.x[0, 0]) < 4 * se


@pytest.mark.parametrize("kwargs, err, word", [
    (dict(alpha=1.0, beta=0.5, hessian=[5.0]), ValueError, "no stationary distribution"),
    (dict(alpha=0.1, beta=0.5, hessian=[[1.0, 2.0], [0.0, 1.0]]), ValueError, "symmetric"),
    (dict(alpha=0.1, beta=0.5, hessian=[1.0, 2.0], noise_cov=[1.0, 1.0, 1.0]),
     ValueError, "noise_cov"),
    (dict(alpha=0.1, beta=0.5, hessian=[1.0, 2.0], noise_cov=[[1.0, 0], [0, -1.0]]),
     ValueError, "semi-definite"),
    (dict(alpha=0.1, beta=0.5, hessian=[1.0, 2.0], noise_cov=[1.0, -1.0]),
     ValueError, "semi-definite"),
    (dict(alpha=-0.1, beta=0.5, hessian=[1.0]), ValueError, "alpha"),
    (dict(alpha=0.1, beta=0.5), TypeError, "hessian"),
])
def test_bad_inputs(kwargs, err, word):
    with pytest.raises(err, match=word):
        stationary_covariance("heavy_ball", **kwargs)

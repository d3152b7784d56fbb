"""Federated server momentum: model against dlyap, Monte-Carlo FedAvgM, closed forms."""

import control
import numpy as np
import pytest

import momentum_dynamics as md
from momentum_dynamics.applications import (
    optimal_server_beta,
    server_momentum_model,
    server_statespace,
    server_variance,
)


def random_spd(rng, d, shift=0.1):
    M = rng.normal(size=(d, d))
    return M @ M.T / d + shift * np.eye(d)


def test_variance_matches_dlyap_on_the_server_state_space():
    rng = np.random.default_rng(2)
    d = 4
    H = random_spd(rng, d)
    het = random_spd(rng, d, 0.0)
    fq = server_momentum_model(H, het, clients_per_round=5, total_clients=40,
                               local_steps=3, local_lr=0.3)
    P = np.eye(d) - np.linalg.matrix_power(np.eye(d) - 0.3 * H, 3)
    c = (40 - 5) / (5 * 39)
    np.testing.assert_allclose(fq.noise_cov, c * P @ het @ P, rtol=1e-12, atol=1e-15)
    for beta in (-0.3, 0.0, 0.6, 0.9):
        sys = server_statespace(fq, 0.8, beta)
        cov = control.dlyap(sys.A, sys.B @ fq.noise_cov @ sys.B.T)
        v = server_variance(fq, 0.8, beta)
        assert v == pytest.approx(np.trace(cov[:d, :d]), rel=1e-10)
        loss = server_variance(fq, 0.8, beta, objective="excess_loss")
        assert loss == pytest.approx(0.5 * np.trace(P @ cov[:d, :d]), rel=1e-10)


def test_monte_carlo_fedavgm():
    """Real FedAvgM: sampled clients without replacement, K local GD steps, heavy-ball
    server; the stationary variance agrees with the Lyapunov solution."""
    rng = np.random.default_rng(4)
    lam = np.array([1.0, 0.3])
    N, M, K, eta, server_lr, beta = 20, 5, 2, 0.4, 0.7, 0.5
    optima = rng.normal(size=(N, 2)) * np.array([1.0, 2.0])
    x_star = optima.mean(axis=0)
    het = np.cov(optima.T, bias=True)  # population covariance (divisor N)
    fq = server_momentum_model(lam, het, clients_per_round=M, total_clients=N,
                               local_steps=K, local_lr=eta)
    expected = server_variance(fq, server_lr, beta)

    chains, rounds = 4000, 150
    hb = md.get_method("heavy_ball")
    x = np.tile(x_star, (chains, 1))
    v = np.zeros_like(x)
    for _ in range(rounds):
        chosen = np.argsort(rng.random((chains, N)), axis=1)[:, :M]
        targets = optima[chosen]  # (chains, M, 2)
        y = np.repeat(x[:, None, :], M, axis=1)
        for _ in range(K):
            y = y - eta * lam * (y - targets)
        delta = (x[:, None, :] - y).mean(axis=1)
        x, v = hb.step((x, v), lambda _x, delta=delta: delta, alpha=server_lr, beta=beta)
    total = ((x - x_star) ** 2).sum(axis=1)
    se = total.std(ddof=1) / np.sqrt(chains)
    assert abs(total.mean() - expected) < 4 * se


@pytest.mark.parametrize("h", [0.25, 0.8, 1.5, 3.0])
def test_one_direction_optimum_is_sqrt_h_minus_one(h):
    fq = server_momentum_model([h], 1.0, clients_per_round=3)
    r = optimal_server_beta(fq, 1.0)
    assert r.beta == pytest.approx(np.sqrt(h) - 1, abs=1e-7)
    b = np.sqrt(h) - 1
    s2 = h * h / 3
    closed = s2 * (1 + b) / (h * (1 - b) * (2 * (1 + b) - h))
    assert r.value == pytest.approx(closed, rel=1e-10)
    assert not r.at_boundary
    # stable momenta: beta > h/2 - 1 (Jury), up to the grid's resolution
    assert r.stable_betas[0] == pytest.approx(max(h / 2 - 1, -0.999), abs=5e-3)


def test_unstable_betas_are_nan_and_effective_lr_hold_runs_to_the_boundary():
    fq = server_momentum_model([1.0, 3.0], 1.0, clients_per_round=2)
    betas = np.array([-0.9, 0.0, 0.45, 0.55, 0.9])
    v = server_variance(fq, 1.0, betas)
    np.testing.assert_array_equal(np.isfinite(v), 3.0 < 2 * (1 + betas))  # Jury: h < 2(1+b)
    r = optimal_server_beta(fq, 0.2, hold="effective_lr")
    assert r.at_boundary and r.beta == pytest.approx(0.999, abs=1e-3)
    grid = server_variance(fq, 0.2, np.linspace(0, 0.99, 20), hold="effective_lr")
    assert np.all(np.diff(grid) < 0)  # at a fixed effective LR, variance falls with beta


@pytest.mark.parametrize("kwargs, word", [
    (dict(clients_per_round=0), "clients_per_round"),
    (dict(clients_per_round=5, total_clients=3), "total_clients"),
    (dict(clients_per_round=2, local_steps=0), "local_steps"),
    (dict(clients_per_round=2, local_lr=-1.0), "local_lr"),
])
def test_bad_model_inputs(kwargs, word):
    with pytest.raises(ValueError, match=word):
        server_momentum_model([1.0], 1.0, **kwargs)


def test_bad_server_inputs():
    fq = server_momentum_model([1.0], 1.0, clients_per_round=2)
    with pytest.raises(ValueError, match="server_lr"):
        server_variance(fq, -1.0, 0.5)
    with pytest.raises(ValueError, match="beta"):
        server_variance(fq, 1.0, 1.5)
    with pytest.raises(ValueError, match="objective"):
        server_variance(fq, 1.0, 0.5, objective="mean")
    with pytest.raises(ValueError, match="hold"):
        server_variance(fq, 1.0, 0.5, hold="alpha")
    with pytest.raises(ValueError, match="no momentum"):
        optimal_server_beta(fq, 10.0)
    with pytest.raises(ValueError, match="no momentum beta"):
        optimal_server_beta(fq, 1.0, method="gd")


@pytest.mark.parametrize("method", ["nesterov", "ema_momentum"])
def test_other_server_optimizers_match_dlyap(method):
    fq = server_momentum_model([0.3, 1.0, 2.0], [1.0, 0.5, 2.0], clients_per_round=3,
                               local_steps=2, local_lr=0.4)
    r = optimal_server_beta(fq, 1.0, method=method)
    sys = server_statespace(fq, 1.0, r.beta, method=method)
    cov = control.dlyap(sys.A, sys.B @ np.diag(fq.noise_cov) @ sys.B.T)
    assert r.value == pytest.approx(np.trace(cov[:3, :3]), rel=1e-9)
    for db in (-1e-3, 1e-3):  # a local minimum among stable momenta
        if r.stable_betas[0] < r.beta + db < r.stable_betas[1]:
            assert server_variance(fq, 1.0, r.beta + db, method=method) >= r.value

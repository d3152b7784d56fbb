"""Momentum in min-max games (Gidel et al. 2019): game rules in the core, checked against
hand-built 4x4 matrices, hand-written loops and the published findings."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import applications as app
from momentum_dynamics import symbolic as S
from momentum_dynamics.cli import main
from momentum_dynamics.simulate import QuadraticGame

RULES = ["gda_simultaneous_heavy_ball", "gda_alternating_heavy_ball",
         "gda_simultaneous_nesterov", "gda_alternating_nesterov"]


# --------------------------------------------------------------------------
# Hand-built state matrices over (x, y, vx, vy), written from the published update
# equations (Gidel et al. 2019, with Polyak's and Nesterov's momentum), on
# f = a x^2/2 + s x y - c y^2/2: grad_x = a x + s y, grad_y = s x - c y.
# --------------------------------------------------------------------------


def hand_matrix(name, al, b, s, a=0.0, c=0.0):
    gx = np.array([a, s, 0.0, 0.0])      # grad_x as a row acting on (x, y, vx, vy)
    gy = np.array([s, -c, 0.0, 0.0])     # grad_y
    X, Y, VX, VY = np.eye(4)
    if "nesterov" in name:
        qx, qy = X - b * VX, Y - b * VY  # look-ahead point
    else:
        qx, qy = X, Y
    vx = b * VX + al * (gx[0] * qx + gx[1] * qy)
    x = X - vx
    if "alternating" in name:
        vy = b * VY - al * (gy[0] * x + gy[1] * qy)
    else:
        vy = b * VY - al * (gy[0] * qx + gy[1] * qy)
    y = Y - vy
    return np.vstack([x, y, vx, vy])


def hand_radius(name, al, b, s, a=0.0, c=0.0):
    return np.max(np.abs(np.linalg.eigvals(hand_matrix(name, al, b, s, a, c))))


# --------------------------------------------------------------------------
# Method: one oracle per player
# --------------------------------------------------------------------------


def test_game_rules_read_their_players_and_oracles():
    m = md.get_method("gda_alternating_heavy_ball")
    assert m.is_game and m.players == ("x", "y") and m.oracles == ("grad_x", "grad_y")
    assert m.state == ("x", "y", "vx", "vy") and m.hyperparameters == ("alpha", "beta")
    hb = md.get_method("heavy_ball")
    assert not hb.is_game and hb.oracles == ("grad",) and hb.players == ("x",)


@pytest.mark.parametrize("src, match", [
    ("def r(x, y, grad_x, alpha):\n    return x, y", "two or more"),
    ("def r(x, y, grad, grad_y, alpha):\n    return x, y", "grad_<player>"),
    ("def r(y, x, grad_x, grad_y, alpha):\n    return x, y", "open with the players"),
    ("def r(x, y, grad_x, grad_y, beta):\n    return x, y", "alpha"),
])
def test_bad_game_signatures_are_refused(src, match):
    ns = {}
    exec(src, ns)  # noqa: S102 - a rule written by a user
    with pytest.raises(ValueError, match=match):
        md.Method.from_update(ns["r"])


def test_step_of_a_game_wants_one_oracle_per_player():
    m = md.get_method("gda_simultaneous")
    with pytest.raises(TypeError, match="grad must be a tuple"):
        m.step((1.0, 1.0), lambda x: x, alpha=0.1)


# --------------------------------------------------------------------------
# symbolic: the 4-state model against the hand-built matrix
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", RULES)
def test_symbolic_state_matrix_is_the_hand_built_one(name):
    mod = S.model(name)
    g = S.game_symbols()
    vals = {S.alpha: 0.3, S.beta: -0.4, g["sigma"]: 1.7, g["a"]: 0.2, g["c"]: 0.5}
    A = np.array(mod.A.subs(vals), dtype=float)
    np.testing.assert_allclose(A, hand_matrix(name, 0.3, -0.4, 1.7, 0.2, 0.5), atol=1e-14)
    assert mod.B.shape == (4, 2) and mod.C.shape == (2, 4) and mod.D.shape == (2, 2)
    assert mod.charpoly.degree() == 4


def test_noise_columns_are_one_per_player():
    mod = S.model("gda_alternating_heavy_ball")
    xi_x, xi_y = S.game_noise_symbols("gda_alternating_heavy_ball")
    # x's noise moves x and vx by alpha, and reaches y through the new x (alternating)
    a, s = S.alpha, S.singular_value
    assert list(mod.B[:, 0]) == [-a, -a**2 * s, a, a**2 * s]
    assert list(mod.B[:, 1]) == [0, a, 0, -a]
    assert xi_x.name == "xi_x" and xi_y.name == "xi_y"


def test_single_player_models_are_unchanged():
    mod = S.model("heavy_ball")
    assert mod.B.shape == (2, 1) and list(mod.C) == [1, 0] and list(mod.D) == [0]
    assert S.curvature in mod.A.free_symbols


def test_symbolic_stability_conditions_of_plain_alternating_gda():
    # two states: Jury's conditions, exactly |1 - h^2/2| < 1 and det = 1 fails: never stable
    cond = S.stability_conditions("gda_alternating")
    g = S.game_symbols()
    assert cond.subs({S.alpha: 0.5, g["sigma"]: 1.0, g["a"]: 0, g["c"]: 0}) == sp.false
    assert cond.subs({S.alpha: 0.5, g["sigma"]: 1.0, g["a"]: 0.3, g["c"]: 0.3}) == sp.true


# --------------------------------------------------------------------------
# numeric: poles and radius against eigenvalues of the hand-built matrices
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", RULES)
def test_numeric_poles_are_hand_built_eigenvalues(name):
    rng = np.random.default_rng(1)
    for _ in range(20):
        al, b, s = rng.uniform(0.05, 1.5), rng.uniform(-0.95, 0.95), rng.uniform(0.0, 2.0)
        a, c = rng.uniform(0, 0.5, size=2)
        p = md.poles(name, alpha=al, beta=b, sigma=s, a=a, c=c)
        ev = np.linalg.eigvals(hand_matrix(name, al, b, s, a, c))
        np.testing.assert_allclose(np.sort_complex(p), np.sort_complex(ev), atol=1e-7)
        assert md.spectral_radius(name, alpha=al, beta=b, sigma=s, a=a, c=c) == pytest.approx(
            np.max(np.abs(ev)), rel=1e-9)


def test_numeric_broadcasts_over_sigma_and_beta():
    r = md.spectral_radius("gda_alternating_heavy_ball", alpha=0.5,
                           beta=np.array([-0.5, 0.0])[:, None], sigma=[0.5, 1.0, 2.0])
    assert r.shape == (2, 3)
    assert r[1, 2] == pytest.approx(hand_radius("gda_alternating_heavy_ball", 0.5, 0.0, 2.0))


def test_bad_game_input_names_the_argument():
    with pytest.raises(ValueError, match="sigma"):
        md.spectral_radius("gda_alternating_heavy_ball", alpha=0.5, beta=-0.3, sigma=-1.0)
    with pytest.raises(TypeError, match="sigma"):
        md.poles("gda_alternating_heavy_ball", alpha=0.5, beta=-0.3)
    with pytest.raises(TypeError, match="curvature"):
        md.is_stable("gda_alternating_heavy_ball", alpha=0.5, beta=-0.3, curvature=1.0,
                     sigma=1.0)
    with pytest.raises(TypeError, match="nu"):
        md.poles("gda_alternating_heavy_ball", alpha=0.5, beta=-0.3, sigma=1.0, nu=0.5)
    with pytest.raises(ValueError, match="beta"):
        md.poles("gda_alternating_heavy_ball", alpha=0.5, beta=1.5, sigma=1.0)
    with pytest.raises(TypeError, match="game rule"):
        md.convergence_gap("gda_alternating_heavy_ball", alpha=0.5, beta=0.0, curvature=1.0)
    with pytest.raises(ValueError, match="alpha_sigma"):
        app.best_game_momentum(0.0)
    with pytest.raises(ValueError, match="game rule"):
        app.game_stability_region("heavy_ball")


# --------------------------------------------------------------------------
# The published findings (Gidel et al. 2019)
# --------------------------------------------------------------------------


def test_simultaneous_gda_diverges_for_every_step_and_momentum():
    h = np.linspace(0.02, 3.0, 60)
    b = np.linspace(-0.99, 0.99, 67)
    for name in ("gda_simultaneous_heavy_ball", "gda_simultaneous_nesterov"):
        hand = np.array([[hand_radius(name, hh, bb, 1.0) for hh in h] for bb in b])
        assert hand.min() > 1.0
        r = app.game_stability_region(name, h, b)
        assert not r.stable.any()
        np.testing.assert_allclose(r.rho, hand, rtol=1e-9)
    # at beta = -1 the modulus is exactly 1 (marginal): still not stable
    assert hand_radius("gda_simultaneous_heavy_ball", 0.5, -1.0, 1.0) == pytest.approx(1.0)
    assert not md.is_stable("gda_simultaneous_heavy_ball", alpha=0.5, beta=-1.0, sigma=1.0)


@pytest.mark.parametrize("h", [0.1, 0.7, 1.3, 1.99])
def test_alternating_gda_at_beta_zero_cycles_with_modulus_one(h):
    ev = np.linalg.eigvals(hand_matrix("gda_alternating_heavy_ball", h, 0.0, 1.0))
    big = np.sort(np.abs(ev))[-2:]
    np.testing.assert_allclose(big, 1.0, atol=1e-12)
    assert app.bilinear_game("gda_alternating_heavy_ball").modulus_at_beta_zero == 1
    assert not md.is_stable("gda_alternating_heavy_ball", alpha=h, beta=0.0, sigma=1.0)
    assert not md.is_stable("gda_alternating", alpha=h, sigma=1.0)
    # simultaneous at beta = 0: 1 +- i h, modulus sqrt(1 + h^2)
    sim = app.bilinear_game("gda_simultaneous").modulus_at_beta_zero
    ev = np.linalg.eigvals(hand_matrix("gda_simultaneous_heavy_ball", h, 0.0, 1.0))
    assert float(sim.subs(app.alpha_sigma, h)) == pytest.approx(np.abs(ev).max(), rel=1e-12)


def test_alternating_gda_cycles_in_simulation():
    tr = md.simulate("gda_alternating", QuadraticGame(1.0), alpha=0.7, steps=5000,
                     initial_state={"x": [1.0], "y": [0.5]})
    r = np.linalg.norm(tr.x, axis=1)
    assert 0.3 < r.min() and r.max() < 3.0  # neither converges nor diverges


@pytest.mark.parametrize("h", [0.1, 0.5, 1.0, 1.5, 1.9])
def test_best_negative_momentum_against_hand_built_matrices(h):
    best = app.best_game_momentum(h)
    assert -1 < best.beta < 0 and best.rate < 1
    assert best.rate == pytest.approx(hand_radius("gda_alternating_heavy_ball", h, best.beta,
                                                  1.0), rel=1e-12)
    grid = np.linspace(-0.999, 0.999, 4001)
    scan = min(hand_radius("gda_alternating_heavy_ball", h, b, 1.0) for b in grid)
    assert best.rate <= scan + 1e-12
    assert scan - best.rate < 5e-3  # the scan (step 5e-4 in beta) comes close
    # a local minimum in beta
    for d in (1e-6, -1e-6):
        assert hand_radius("gda_alternating_heavy_ball", h, best.beta + d, 1.0) > best.rate


def test_best_negative_momentum_is_the_simulated_rate():
    best = app.best_game_momentum(0.5)
    tr = md.simulate("gda_alternating_heavy_ball", QuadraticGame(1.0), alpha=0.5,
                     beta=best.beta, steps=600)
    assert md.empirical_rate(tr) == pytest.approx(best.rate, rel=2e-3)


def test_small_step_best_momentum_tends_to_minus_one_half():
    # as alpha*sigma -> 0 the best momentum of alternating GDA tends to -1/2 (the
    # scan of hand-built matrices, independent of the optimiser)
    best = app.best_game_momentum(0.02)
    assert best.beta == pytest.approx(-0.5, abs=1e-3)


def test_self_curvature_game_converges_at_beta_zero_and_faster_with_the_best_beta():
    a = c = 0.25
    best = app.best_game_momentum(0.5, a=a, c=c)
    at0 = hand_radius("gda_alternating_heavy_ball", 0.5, 0.0, 1.0, a, c)
    assert at0 < 1 and best.rate_at_zero == pytest.approx(at0, rel=1e-12)
    assert best.rate < at0
    tr = md.simulate("gda_alternating_heavy_ball", QuadraticGame(1.0, a=a, c=c), alpha=0.5,
                     beta=best.beta, steps=300)
    assert md.empirical_rate(tr) == pytest.approx(best.rate, rel=5e-3)


# --------------------------------------------------------------------------
# simulate: full initial state, games, hand-written loops
# --------------------------------------------------------------------------


def test_game_simulation_is_the_hand_written_loop_on_a_rectangular_coupling():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 2))
    a, c, al, b = 0.1, 0.2, 0.3, -0.4
    x, y = rng.normal(size=3), rng.normal(size=2)
    vx, vy = rng.normal(size=3), rng.normal(size=2)
    tr = md.simulate("gda_alternating_heavy_ball", QuadraticGame(A, a=a, c=c), alpha=al,
                     beta=b, steps=25, initial_state={"x": x, "y": y, "vx": vx, "vy": vy})
    for _ in range(25):
        vx = b * vx + al * (a * x + A @ y)
        x = x - vx
        vy = b * vy - al * (A.T @ x - c * y)
        y = y - vy
    np.testing.assert_allclose(tr.states["x"][-1], x, rtol=1e-12)
    np.testing.assert_allclose(tr.states["vy"][-1], vy, rtol=1e-12)
    np.testing.assert_allclose(tr.x[-1], np.concatenate([x, y]), rtol=1e-12)
    f = 0.5 * a * x @ x + x @ A @ y - 0.5 * c * y @ y
    assert tr.loss[-1] == pytest.approx(f, rel=1e-12)


def test_game_simulation_with_user_oracles_and_default_state():
    tr = md.simulate("gda_simultaneous", (lambda x, y: y, lambda x, y: x), alpha=0.1, steps=3,
                     initial_state={"x": [1.0], "y": [1.0]})
    assert tr.states["y"][1, 0] == pytest.approx(1.1) and tr.loss is None
    tr = md.simulate("gda_simultaneous_heavy_ball", [[2.0]], alpha=0.1, beta=0.0, steps=1)
    assert tr.states["x"][1, 0] == pytest.approx(1.0 - 0.2)  # x0 = y0 = 1 by default
    with pytest.raises(TypeError, match="initial_state"):
        md.simulate("gda_simultaneous", (lambda x, y: y, lambda x, y: x), alpha=0.1, steps=3)
    with pytest.raises(ValueError, match="x0/v0"):
        md.simulate("gda_simultaneous", 1.0, alpha=0.1, x0=[1.0])


def test_full_initial_state_for_a_one_player_method():
    a = md.simulate("heavy_ball", [1.0, 2.0], alpha=0.1, beta=0.5, steps=5,
                    initial_state={"x": [1.0, -1.0], "v": [0.3, 0.1]})
    b = md.simulate("heavy_ball", [1.0, 2.0], alpha=0.1, beta=0.5, steps=5, x0=[1.0, -1.0],
                    v0=[0.3, 0.1])
    np.testing.assert_array_equal(a.x, b.x)
    with pytest.raises(ValueError, match="missing"):
        md.simulate("heavy_ball", 1.0, alpha=0.1, beta=0.5, initial_state={"x": [1.0]})
    with pytest.raises(ValueError, match="initial_state"):
        md.simulate("heavy_ball", 1.0, alpha=0.1, beta=0.5, x0=[1.0],
                    initial_state={"x": [1.0], "v": [0.0]})


def test_game_noise_enters_each_player_independently():
    tr = md.simulate("gda_simultaneous", QuadraticGame(0.0), alpha=0.1, steps=1,
                     initial_state={"x": np.zeros((4000, 1)), "y": np.zeros((4000, 1))},
                     noise=1.0, rng=0)
    x, y = tr.states["x"][1, :, 0], tr.states["y"][1, :, 0]
    assert np.var(x) == pytest.approx(0.01, rel=0.1) and abs(np.corrcoef(x, y)[0, 1]) < 0.1


def test_a_user_rule_with_per_player_hyperparameters_goes_through_the_core():
    def gda_two_steps(x, y, grad_x, grad_y, alpha, alpha_y):
        x = x - alpha * grad_x(x, y)
        return x, y + alpha_y * grad_y(x, y)

    m = md.Method.from_update(gda_two_steps)
    A = np.array(S.model(m).A.subs({S.alpha: 0.2, sp.Symbol("alpha_y", real=True): 0.5,
                                    S.singular_value: 1.0, S.game_a: 0, S.game_c: 0}),
                 dtype=float)
    hand = np.array([[1.0, -0.2], [0.5, 1.0 - 0.1]])
    np.testing.assert_allclose(A, hand, atol=1e-15)
    r = md.spectral_radius(m, alpha=0.2, alpha_y=0.5, sigma=1.0)
    assert r == pytest.approx(np.abs(np.linalg.eigvals(hand)).max(), rel=1e-12)


# --------------------------------------------------------------------------
# figures and the CLI
# --------------------------------------------------------------------------


def test_trajectory_data_cycle_converge_diverge():
    from momentum_dynamics.plotting import game_trajectories_data

    d = game_trajectories_data(0.5, steps=300)
    norms = [np.linalg.norm(t.x[-1]) for t in d.trajectories]
    assert 0.3 < norms[0] < 3 and norms[1] < 1e-3 and norms[2] > 1e6
    assert d.rates[2] == pytest.approx(np.sqrt(1.25), rel=1e-12)


def test_game_region_cli(tmp_path, capsys):
    out = tmp_path / "g.png"
    assert main(["game-region", "--alpha-sigma", "0.5", "--resolution", "21",
                 "--out", str(out), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert out.exists() and (tmp_path / "g_trajectories.png").exists()
    rows = {(r["method"], r["a"]): r for r in data["rows"]}
    alt = rows[("gda_alternating_heavy_ball", 0.0)]
    assert alt["converges"] and alt["best_rate"] == pytest.approx(
        hand_radius("gda_alternating_heavy_ball", 0.5, alt["best_beta"], 1.0), rel=1e-12)
    assert not rows[("gda_simultaneous_heavy_ball", 0.0)]["converges"]
    assert data["modulus_at_beta_zero"]["gda_alternating"] == "1"
    assert main(["game-region", "--alpha-sigma", "-1", "--out", str(out)]) == 2
    assert "--alpha-sigma" in capsys.readouterr().err

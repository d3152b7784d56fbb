"""Physical readings: each result against an independent computation."""

from __future__ import annotations

import control
import numpy as np
import pytest
import sympy as sp
from scipy.linalg import expm
from scipy.special import j1

import momentum_dynamics as md
from momentum_dynamics import physics as P
from momentum_dynamics import symbolic as S
from momentum_dynamics.simulate import Quadratic

a_, b_, lam, dt = S.alpha, S.beta, S.curvature, P.dt
SECOND_ORDER = ["heavy_ball", "nesterov", "ema_momentum"]


def slope(x, y):
    return np.polyfit(np.log(x), np.log(y), 1)[0]


# --------------------------------------------------------------------------
# Mass-spring-damper
# --------------------------------------------------------------------------


def test_heavy_ball_matches_the_seed_closed_forms():
    msd = P.mass_spring_damper_symbolic("heavy_ball")
    seed = {
        "mass": dt**2 / a_,
        "damping": (1 - b_) * dt / a_,
        "stiffness": lam,
        "natural_frequency": sp.sqrt(a_ * lam) / dt,
        "damping_ratio": (1 - b_) / (2 * sp.sqrt(a_ * lam)),
        "hessian_damping": 0,
    }
    for field, expected in seed.items():
        assert sp.simplify(getattr(msd, field) - expected) == 0, field
    # dt = 1 is the seed's reading: mass 1/alpha, damping (1-beta)/alpha.
    assert sp.simplify(msd.mass.subs(dt, 1) - 1 / a_) == 0
    assert sp.simplify(msd.damping.subs(dt, 1) - (1 - b_) / a_) == 0


def test_nesterov_has_hessian_damping():
    msd = P.mass_spring_damper_symbolic("nesterov")
    assert sp.simplify(msd.damping.subs(dt, 1) - ((1 - b_) / a_ + b_ * lam)) == 0
    assert sp.simplify(msd.hessian_damping - b_ * lam * dt) == 0
    assert sp.simplify(msd.stiffness - lam) == 0


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_substituting_back_reproduces_the_characteristic_polynomial(name):
    """m (z - 2 + 1/z)/dt^2 + c (1 - 1/z)/dt + k is p(z)/z up to the constant p(1)/lambda."""
    msd = P.mass_spring_damper_symbolic(name)
    z = S.z
    recurrence = (msd.mass * (z - 2 + 1 / z) / dt**2 + msd.damping * (1 - 1 / z) / dt
                  + msd.stiffness)
    p = S.characteristic_polynomial(name)
    # The scaled recurrence is (lambda / K) p(z) / z with K = p(1), read off p directly.
    ratio = sp.simplify(sp.expand(recurrence * z) / p)
    assert sp.simplify(ratio * p.subs(z, 1) - lam) == 0


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_numeric_matches_symbolic(name):
    rng = np.random.default_rng(0)
    alpha, beta, curv, h = 0.05, 0.7, 1.3, 0.4
    msd = P.mass_spring_damper(name, alpha, beta, curv, h)
    exprs = P.mass_spring_damper_symbolic(name)
    subs = {a_: alpha, b_: beta, lam: curv, dt: h}
    for got, expr in zip(msd, exprs, strict=True):
        assert got == pytest.approx(float(sp.sympify(expr).subs(subs)), rel=1e-12)
    # Broadcasting.
    a = rng.uniform(0.01, 0.1, (3, 1))
    out = P.mass_spring_damper(name, a, [0.1, 0.5, 0.9, 0.99], 2.0, dt=0.5)
    assert out.damping_ratio.shape == (3, 4)


def test_damping_ratio_is_independent_of_dt_and_matches_the_poles():
    """zeta from the reading against the regime from numeric.damping_regime (independent)."""
    h = np.array([1e-3, 1e-2, 0.1])
    zeta = np.array([0.3, 3.0])[:, None]
    beta = 1 - 2 * zeta * np.sqrt(h)
    for t in (0.1, 1.0, 7.0):
        got = P.mass_spring_damper("heavy_ball", h, beta, 1.0, dt=t).damping_ratio
        np.testing.assert_allclose(got, np.broadcast_to(zeta, got.shape), rtol=1e-12)
    regime = md.damping_regime("heavy_ball", h, beta, 1.0)
    assert np.all(regime[0] == "underdamped")
    # zeta = 3 > 1 is overdamped in continuous time; the exact discrete boundary is at
    # beta_c = (1 - sqrt(h))**2 > 1 - 2 sqrt(h), so these settings are overdamped too.
    assert np.all(regime[1] == "overdamped")


def test_zeta_one_reproduces_continuous_critical_beta():
    h = np.logspace(-4, -0.5, 30)
    c = P.critical_damping_comparison("heavy_ball", h)
    np.testing.assert_allclose(c.continuous, md.continuous_critical_beta("heavy_ball", 1.0, h),
                               rtol=1e-12, atol=1e-15)
    msd = P.mass_spring_damper("heavy_ball", 1.0, c.continuous, h)
    np.testing.assert_allclose(msd.damping_ratio, 1.0, rtol=1e-12)
    np.testing.assert_allclose(c.exact, md.critical_beta("heavy_ball", 1.0, h), rtol=1e-12)


def test_critical_difference_is_alpha_lambda():
    sym = P.critical_damping_symbolic("heavy_ball")
    assert sp.simplify(sym.difference - a_ * lam) == 0
    h = np.logspace(-4, np.log10(3.5), 50)
    c = P.critical_damping_comparison("heavy_ball", h)
    np.testing.assert_allclose(c.difference, h, rtol=1e-9, atol=1e-14)
    # Nesterov: its zeta = 1 includes the Hessian damping; difference h/(1 - h).
    symn = P.critical_damping_symbolic("nesterov")
    assert sp.simplify(symn.difference - a_ * lam / (1 - a_ * lam)) == 0
    hn = np.logspace(-4, -0.3, 20)
    cn = P.critical_damping_comparison("nesterov", hn)
    np.testing.assert_allclose(cn.difference, hn / (1 - hn), rtol=1e-9)
    # Exact discrete Nesterov: (1 - s)/(1 + s) (the known closed form).
    s = np.sqrt(hn)
    np.testing.assert_allclose(cn.exact, (1 - s) / (1 + s), rtol=1e-12)


def test_continuous_critical_beta_fails_where_predicted():
    """Heavy ball: 1 - 2 sqrt(h) is unstable for h > (2 sqrt 2 - 2)^2 (Jury: h < 2 + 2 beta)."""
    edge = (2 * np.sqrt(2) - 2) ** 2
    h = np.array([0.5, edge * 0.99, edge * 1.01, 0.9, 2.0])
    c = P.critical_damping_comparison("heavy_ball", h)
    np.testing.assert_array_equal(c.continuous_valid, [True, True, False, False, False])
    # Where valid, the continuous choice is overdamped and slower than the exact one.
    ok = c.continuous_valid
    assert np.all(c.continuous_rate[ok] > c.exact_rate[ok])
    # A double pole is ill-conditioned: rounding beta_c by eps moves it by ~sqrt(eps).
    np.testing.assert_allclose(c.exact_rate[h < 1], 1 - np.sqrt(h[h < 1]), rtol=1e-7)


# --------------------------------------------------------------------------
# Discrete versus continuous poles
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov"])
@pytest.mark.parametrize("zeta", [0.4, 2.5])
def test_poles_converge_to_exp_s_dt(name, zeta):
    """Fixed ODE x'' + 2 zeta x' + x = 0, alpha = dt^2, beta = 1 - 2 zeta dt."""
    hs = np.array([0.04, 0.02, 0.01, 0.005])
    pc = P.pole_correspondence(name, hs**2, 1 - 2 * zeta * hs, 1.0, hs)
    # Independent: numpy.roots of the characteristic polynomial, and of m s^2 + c s + k.
    for i, h in enumerate(hs):
        coeffs = sp.Poly(S.characteristic_polynomial(name).subs(
            {a_: h * h, b_: 1 - 2 * zeta * h, lam: 1.0}), S.z).all_coeffs()
        z = np.roots(np.array(coeffs, dtype=float))
        np.testing.assert_allclose(np.sort_complex(z), np.sort_complex(pc.discrete[i]),
                                   rtol=1e-10, atol=1e-12)
        msd = P.mass_spring_damper(name, h * h, 1 - 2 * zeta * h, 1.0, h)
        s = np.roots([msd.mass, msd.damping, msd.stiffness])
        np.testing.assert_allclose(np.sort_complex(s), np.sort_complex(pc.continuous[i]),
                                   rtol=1e-9)
    # The one-step map error is O(dt^2); the pole in continuous units converges at O(dt).
    order_z = slope(hs, pc.error)
    order_s = slope(hs, np.max(np.abs(pc.equivalent - pc.continuous), axis=-1))
    assert 1.85 < order_z < 2.15, order_z
    assert 0.9 < order_s < 1.2, order_s


def test_poles_at_critical_damping_converge_slower():
    """A double root splits like the square root of the perturbation (order 1/2 in s)."""
    hs = np.array([1e-2, 1e-3, 1e-4, 1e-5])
    pc = P.pole_correspondence("heavy_ball", hs**2, 1 - 2 * hs, 1.0, hs)
    order_s = slope(hs, np.max(np.abs(pc.equivalent - pc.continuous), axis=-1))
    assert 0.4 < order_s < 0.7, order_s


# --------------------------------------------------------------------------
# PD controller
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov", "ema_momentum"])
def test_pd_round_trip(name):
    alpha = np.array([1e-3, 0.01, 0.1])[:, None]
    beta = np.array([0.0, 0.5, 0.9, 0.99])
    for h in (1.0, 0.3):
        g = P.pd_gains(name, alpha, beta, 2.0, dt=h)
        back = P.momentum_from_pd(g.k_p_unit, g.k_d_unit, 2.0, dt=h, method=name)
        np.testing.assert_allclose(back.alpha, np.broadcast_to(alpha, back.alpha.shape),
                                   rtol=1e-10)
        np.testing.assert_allclose(back.beta, np.broadcast_to(beta, back.beta.shape),
                                   rtol=1e-10, atol=1e-12)


def test_pd_gains_heavy_ball_seed():
    g = P.pd_gains("heavy_ball", 0.02, 0.8, 3.0)
    assert g.k_p == 3.0
    assert g.k_d == pytest.approx((1 - 0.8) / 0.02)
    assert g.mass == pytest.approx(1 / 0.02)
    assert g.k_p_unit == pytest.approx(0.02 * 3.0)
    assert g.k_d_unit == pytest.approx(1 - 0.8)
    assert P.momentum_from_pd(0.06, 0.2, 3.0) == pytest.approx((0.02, 0.8))


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov"])
@pytest.mark.parametrize("beta", [0.5, 0.95, 0.999])
def test_closed_loop_poles_are_the_roots_of_m_s2_c_s_k(name, beta):
    loop = P.pd_closed_loop(name, 0.01, beta, 1.5, dt=0.7)
    msd = P.mass_spring_damper(name, 0.01, beta, 1.5, dt=0.7)
    expected = np.roots([msd.mass, msd.damping, msd.stiffness])
    np.testing.assert_allclose(np.sort_complex(loop.poles), np.sort_complex(expected),
                               rtol=1e-8)
    # The loop is (k_d s + k_p) / (m s^2 + k_d s + k_p).
    num, den = loop.closed_loop.num[0][0], loop.closed_loop.den[0][0]
    np.testing.assert_allclose(num / den[0], [msd.damping / msd.mass,
                                              msd.stiffness / msd.mass], rtol=1e-10)


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov"])
def test_step_response_converges_to_the_pd_loop(name):
    """Unit-mass loop x'' + x' + x = r (omega_n = 1, zeta = 1/2), alpha = dt^2, beta = 1 - dt."""
    hs = np.array([0.1, 0.05, 0.025, 0.0125])
    errors = []
    for h in hs:
        c = P.pd_step_comparison(name, h * h, 1 - h, 1.0, dt=h, duration=10.0)
        # Independent discrete response: run the update rule on f = (x - 1)^2 / 2.
        tr = md.simulate(name, Quadratic(1.0, x_star=[1.0]), h * h, 1 - h,
                         steps=len(c.t) - 1, x0=[0.0])
        np.testing.assert_allclose(c.discrete, tr.x[:, 0], rtol=1e-9, atol=1e-12)
        # Independent continuous response: the closed form of x'' + x' + x = 1.
        wd = np.sqrt(3) / 2
        exact = 1 - np.exp(-c.t / 2) * (np.cos(wd * c.t) + np.sin(wd * c.t) / (2 * wd))
        if name == "heavy_ball":
            np.testing.assert_allclose(c.continuous, exact, atol=1e-9)
        errors.append(c.max_error)
    order = slope(hs, errors)
    assert 0.9 < order < 1.15, order


def test_unfiltered_loop_has_the_derivative_kick():
    """feedback(C*P, 1) steps with x'(0+) = k_d/m: not the optimizer's response."""
    c = P.pd_step_comparison("heavy_ball", 1e-4, 0.99, 1.0, dt=0.01, duration=2.0)
    slope0 = (c.continuous_unfiltered[1] - c.continuous_unfiltered[0]) / 0.01
    assert slope0 == pytest.approx(1.0, rel=0.02)  # k_d/m = (1 - beta)/dt = 1
    assert np.max(np.abs(c.continuous_unfiltered - c.continuous)) > 0.3


# --------------------------------------------------------------------------
# ODE limits
# --------------------------------------------------------------------------


def test_heavy_ball_ode_map_and_inverse():
    ode = P.heavy_ball_ode(0.01, 0.9)
    assert ode.damping == pytest.approx(1.0)
    assert ode.time_step == pytest.approx(0.1)
    # The ODE is the mass-spring-damper at dt = sqrt(alpha): unit mass, damping a.
    msd = P.mass_spring_damper("heavy_ball", 0.01, 0.9, 2.0, dt=0.1)
    assert msd.mass == pytest.approx(1.0)
    assert msd.damping == pytest.approx(ode.damping)
    back = P.heavy_ball_from_ode(ode.damping, ode.time_step)
    assert back == pytest.approx((0.01, 0.9))


def test_ode_solutions_against_closed_forms():
    H = np.array([1.0, 0.1])
    t = np.linspace(0, 12, 25)
    x0 = np.array([1.0, -2.0])
    # Heavy ball ODE: matrix exponential of the first-order system, per coordinate.
    sol = P.ode_trajectory("heavy_ball", H, t, x0, damping=0.7)
    for i, lam_i in enumerate(H):
        A = np.array([[0.0, 1.0], [-lam_i, -0.7]])
        ref = np.array([(expm(A * ti) @ [x0[i], 0.0])[0] for ti in t])
        np.testing.assert_allclose(sol.x[:, i], ref, atol=1e-9)
    # Nesterov ODE: 2 x0 J1(sqrt(lam) t) / (sqrt(lam) t).
    sol = P.ode_trajectory("nesterov", H, t, x0)
    for i, lam_i in enumerate(H):
        u = np.sqrt(lam_i) * t
        ref = x0[i] * np.where(u > 0, 2 * j1(u) / np.where(u > 0, u, 1), 1.0)
        np.testing.assert_allclose(sol.x[:, i], ref, atol=1e-9)
    # Gradient flow: x0 exp(-lam t).
    sol = P.ode_trajectory("gradient_flow", H, t, x0)
    np.testing.assert_allclose(sol.x, x0 * np.exp(-np.outer(t, H)), atol=1e-9)


def test_heavy_ball_with_beta_zero_is_gd():
    q = Quadratic([1.0, 0.1])
    gd = md.simulate("gd", q, 0.3, steps=20)
    hb = md.simulate("heavy_ball", q, 0.3, 0.0, steps=20)
    np.testing.assert_allclose(gd.x, hb.x, rtol=0, atol=0)


def test_discrete_trajectory_is_the_update_rule():
    q = Quadratic([1.0, 0.1])
    t, x = P.discrete_trajectory("heavy_ball", q, 0.1, 2.0, [1.0, 1.0], damping=1.5)
    tr = md.simulate("heavy_ball", q, 0.01, 1 - 0.15, steps=20)
    np.testing.assert_allclose(x, tr.x, rtol=1e-13)
    assert t[-1] == pytest.approx(2.0)


# Observed orders (time step = sqrt(alpha) for the momentum methods, alpha for GD), on
# Quadratic([1, 0.1]) from x0 = (1, 1) over [0, 10] with steps 0.2 ... 0.025: GD 1.04,
# heavy ball (a = 1) 1.01, Nesterov 3/t schedule 0.98, Nesterov at constant
# beta = 1 - a*dt against the heavy-ball ODE 0.90 (still pre-asymptotic: its Hessian
# damping beta*lambda*dt is an O(dt) term with a larger constant). All first order.
@pytest.mark.parametrize(("name", "damping", "lo", "hi"), [
    ("gd", None, 0.9, 1.15),
    ("heavy_ball", 1.0, 0.9, 1.15),
    ("heavy_ball", 3.0, 0.9, 1.15),
    ("nesterov", None, 0.85, 1.15),
    ("nesterov", 1.0, 0.8, 1.15),
])
def test_discretisation_order(name, damping, lo, hi):
    r = P.discretisation_error(name, steps=(0.2, 0.1, 0.05, 0.025), damping=damping)
    assert np.all(np.diff(r.errors) < 0)
    assert lo < r.order < hi, r.order
    np.testing.assert_allclose(r.errors, r.constant * r.steps**r.order, rtol=0.15)


def test_nesterov_schedule_matches_su_boyd_candes():
    """Our Nesterov rule with nesterov_schedule is the Su-Boyd-Candès recursion."""
    q = Quadratic([1.0, 0.1])
    s = 0.04
    t, x = P.discrete_trajectory("nesterov", q, np.sqrt(s), 2.0, [1.0, 1.0])
    xs, y = [np.array([1.0, 1.0])], np.array([1.0, 1.0])
    for k in range(len(t) - 1):
        x_new = y - s * q.grad(y)
        y = x_new + k / (k + 3) * (x_new - xs[-1])  # beta_{k+1} = k/(k+3)
        xs.append(x_new)
    np.testing.assert_allclose(x, np.array(xs), rtol=1e-12)


# --------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "name"), [
    (lambda: P.mass_spring_damper("heavy_ball", -0.1, 0.9, 1.0), "alpha"),
    (lambda: P.mass_spring_damper("heavy_ball", 0.1, 1.5, 1.0), "beta"),
    (lambda: P.mass_spring_damper("heavy_ball", 0.1, 0.9, 0.0), "curvature"),
    (lambda: P.mass_spring_damper("heavy_ball", 0.1, 0.9, 1.0, dt=0.0), "dt"),
    (lambda: P.mass_spring_damper("adamw", 0.1, 0.9, 1.0), "adamw"),
    (lambda: P.mass_spring_damper("gd", 0.1, None, 1.0), "method 'gd'"),
    (lambda: P.mass_spring_damper_symbolic("gd"), "method 'gd'"),
    (lambda: P.pd_gains("heavy_ball", 0.1, -1.2, 1.0), "beta"),
    (lambda: P.pd_gains("heavy_ball", 0.1, 0.5, -1.0), "curvature"),
    (lambda: P.pole_correspondence("heavy_ball", 0.1, 0.5, 1.0, dt=-1.0), "dt"),
    (lambda: P.momentum_from_pd(-1.0, 0.1, 1.0), "k_p"),
    (lambda: P.momentum_from_pd(1.0, 3.0, 1.0), "k_d"),
    (lambda: P.momentum_from_pd(1.0, 0.1, -1.0), "curvature"),
    (lambda: P.momentum_from_pd(1.0, 0.1, 1.0, dt=0), "dt"),
    (lambda: P.heavy_ball_ode(0.0, 0.5), "alpha"),
    (lambda: P.heavy_ball_ode(0.1, 2.0), "beta"),
    (lambda: P.heavy_ball_from_ode(1.0, -0.1), "time_step"),
    (lambda: P.heavy_ball_from_ode(30.0, 0.1), "damping"),
    (lambda: P.ode_trajectory("newton", 1.0, [0, 1], [1.0]), "ode"),
    (lambda: P.ode_trajectory("heavy_ball", 1.0, [0, 1], [1.0], damping=-1), "damping"),
    (lambda: P.ode_trajectory("gradient_flow", 1.0, [1, 0], [1.0]), "t must"),
    (lambda: P.discretisation_error("ema_momentum"), "method"),
    (lambda: P.discretisation_error("heavy_ball", steps=(0.1, -0.1)), "steps"),
    (lambda: P.discretisation_error("heavy_ball", steps=(1.0, 0.5), damping=3.0), "steps"),
    (lambda: P.critical_damping_comparison("heavy_ball", [0.1, -0.1]), "alpha_lambda"),
    # a start whose dimension is not the problem's, and a problem that is no Hessian
    (lambda: P.ode_trajectory("gradient_flow", [1.0, 2.0], [0, 1], [1.0, 1.0, 1.0]), "x0"),
    (lambda: P.discrete_trajectory("gd", [1.0, 2.0], 0.1, 1.0, [1.0]), "x0"),
    (lambda: P.discretisation_error("gd", problem=[1.0, 2.0], x0=[1.0]), "x0"),
    (lambda: P.ode_trajectory("gradient_flow", [[1.0, 2.0], [0.0, 1.0]], [0, 1], [1.0, 1.0]),
     "problem"),
    # the iteration index starts at 1 (k = 0 is x_0, produced by no update)
    (lambda: P.nesterov_schedule([0, 1, 2]), "k"),
])
def test_bad_inputs_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_pd_closed_loop_refuses_arrays_and_non_numbers_by_name():
    with pytest.raises(ValueError, match="curvature"):
        P.pd_closed_loop("heavy_ball", 0.01, 0.9, [1.0, 2.0])
    with pytest.raises(TypeError, match="dt"):
        P.pd_closed_loop("heavy_ball", 0.01, 0.9, 1.0, dt=None)


def test_python_control_is_what_builds_the_loop():
    loop = P.pd_closed_loop("heavy_ball", 0.01, 0.9, 1.0)
    assert isinstance(loop.closed_loop, control.TransferFunction)
    assert not loop.closed_loop.isdtime()


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_figures(tmp_path):
    from momentum_dynamics.plotting import physics as PP

    p = PP.plot_critical_damping_comparison("nesterov")
    assert len(p.axes) == 3 and p.shading
    p.figure.savefig(tmp_path / "critical.png")
    p = PP.plot_ode_convergence("heavy_ball", steps=(0.4, 0.2), error_steps=(0.2, 0.1, 0.05),
                                horizon=5.0)
    assert 0.8 < p.error.order < 1.2
    p.figure.savefig(tmp_path / "ode.png")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    p = PP.plot_critical_damping_comparison("heavy_ball", ax=ax)
    assert p.axes == [ax]
    plt.close("all")


# --------------------------------------------------------------------------
# The one map (alpha, beta) <-> (time step, friction)
# --------------------------------------------------------------------------


def test_ode_parameters_closed_forms():
    # heavy ball and Nesterov: h = sqrt(alpha), gamma = (1 - beta)/sqrt(alpha) (Polyak 1964)
    for name in ("heavy_ball", "nesterov"):
        p = P.ode_parameters(name, 0.04, 0.9)
        assert p == pytest.approx((0.2, 0.5))
        assert P.momentum_from_ode(name, 0.2, 0.5) == pytest.approx((0.04, 0.9))
    # EMA momentum is heavy ball at learning rate alpha (1 - beta)
    p = P.ode_parameters("ema_momentum", 0.4, 0.9)
    assert p == pytest.approx((0.2, 0.5))
    assert P.momentum_from_ode("ema_momentum", 0.2, 0.5) == pytest.approx((0.4, 0.9))
    # broadcasting
    hs = P.ode_parameters("heavy_ball", np.array([0.01, 0.04]), 0.9).time_step
    np.testing.assert_allclose(hs, [0.1, 0.2])


@pytest.mark.parametrize("name", ["heavy_ball", "nesterov", "ema_momentum"])
def test_momentum_from_ode_runs_the_ode(name):
    """The hand-written rule (tests/_reference.py) at momentum_from_ode(h, gamma) follows
    x'' + gamma x' + lambda x = 0 (solved by the matrix exponential), to O(h)."""
    from _reference import hand_step
    gamma, lam, horizon = 0.7, 2.0, 5.0
    errors, hs = [], np.array([0.02, 0.01, 0.005])
    for h in hs:
        alpha, beta = P.momentum_from_ode(name, h, gamma)
        x, v = np.array([1.0]), np.array([0.0])
        n = int(round(horizon / h))
        xs = [1.0]
        for _ in range(n):
            x, v = hand_step(name, x, v, lambda y: lam * y, alpha, beta)
            xs.append(float(x[0]))
        M = np.array([[0.0, 1.0], [-lam, -gamma]])
        exact = [(expm(M * k * h) @ [1.0, 0.0])[0] for k in range(n + 1)]
        errors.append(np.max(np.abs(np.array(xs) - exact)))
    order = np.polyfit(np.log(hs), np.log(errors), 1)[0]
    assert 0.8 < order < 1.3 and errors[-1] < 0.02


def test_ode_map_bad_inputs():
    with pytest.raises(ValueError, match="method 'gd'"):
        P.ode_parameters("gd", 0.1, None)
    with pytest.raises(ValueError, match="friction"):
        P.momentum_from_ode("heavy_ball", 0.1, 30.0)
    with pytest.raises(ValueError, match="time_step"):
        P.momentum_from_ode("heavy_ball", -0.1, 1.0)
    with pytest.raises(ValueError, match="alpha"):
        P.ode_parameters("heavy_ball", -0.1, 0.5)

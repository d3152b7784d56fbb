"""The linear-multistep reading, each result checked against an independent computation."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from momentum_dynamics import symbolic as S  # noqa: E402
from momentum_dynamics.methods import register_method, unregister_method  # noqa: E402
from momentum_dynamics.multistep import (  # noqa: E402
    absolute_stability_mask,
    boundary_locus,
    consistency,
    lmm_polynomials,
    real_stability_interval,
    zero_stability,
)
from momentum_dynamics.plotting.multistep import plot_absolute_stability_regions  # noqa: E402

METHODS = ("gd", "heavy_ball", "nesterov", "ema_momentum")
a, b, lam, z = S.alpha, S.beta, S.curvature, S.z


def state_matrix(method, beta, h):
    """The state matrix of (x, v) at alpha = 1, lambda = h, typed from the recurrences."""
    b_ = 0.0 if beta is None else beta
    if method == "gd":
        return np.array([[1 - h]], dtype=complex)
    if method == "heavy_ball":  # v' = b v + h x, x' = x - v'
        return np.array([[1 - h, -b_], [h, b_]], dtype=complex)
    if method == "nesterov":  # v' = b v + h (x - b v), x' = x - v'
        return np.array([[1 - h, -b_ * (1 - h)], [h, b_ * (1 - h)]], dtype=complex)
    if method == "ema_momentum":  # v' = b v + (1 - b) h x, x' = x - v'
        return np.array([[1 - h * (1 - b_), -b_], [(1 - b_) * h, b_]], dtype=complex)
    raise AssertionError(method)


def charpoly_coeffs(method, beta, hl):
    """Coefficients of p(z) at alpha = 1, lambda = hl, from the hand-typed state matrix."""
    return np.poly(state_matrix(method, beta, hl))  # characteristic polynomial


def max_root_modulus(method, beta, hl):
    return np.abs(np.roots(charpoly_coeffs(method, beta, hl))).max()


# --------------------------------------------------------------------------
# Symbolic: rho, sigma, time step
# --------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_rho_sigma_recombine_to_characteristic_polynomial(method):
    rho, sigma, ht = lmm_polynomials(method)
    # rho(z) + h_t*lambda*sigma(z) = rho(z) + alpha*lambda*s(z) = p(z)
    recombined = sp.expand(sp.cancel(rho + ht * lam * sigma))
    assert sp.simplify(recombined - sp.expand(S.characteristic_polynomial(method))) == 0
    assert sp.simplify(rho.subs(z, 1)) == 0
    assert sp.simplify(sp.diff(rho, z).subs(z, 1) - sigma.subs(z, 1)) == 0


def test_heavy_ball_lmm():
    rho, sigma, ht = lmm_polynomials("heavy_ball")
    assert sp.simplify(ht - a / (1 - b)) == 0
    assert sp.expand(rho - (z**2 - (1 + b) * z + b)) == 0
    assert sp.expand(sigma - (1 - b) * z) == 0
    # the time step is the effective learning rate derived elsewhere
    assert sp.simplify(ht - S.effective_learning_rate("heavy_ball")) == 0


@pytest.mark.parametrize("method, step", [("gd", a), ("nesterov", a / (1 - b)),
                                          ("ema_momentum", a)])
def test_time_steps(method, step):
    assert sp.simplify(lmm_polynomials(method).time_step - step) == 0


# --------------------------------------------------------------------------
# Order, checked by Taylor expansion of the LMM applied to x(t) = exp(t)
# --------------------------------------------------------------------------


def taylor_residual(method, n_terms, beta=None):
    """Coefficients of h^q in rho(e^h) - h sigma(e^h): the LMM's residual on x = e^t."""
    rho, sigma, _ = lmm_polynomials(method)
    if beta is not None:
        rho, sigma = rho.subs(b, beta), sigma.subs(b, beta)
    h = sp.Symbol("h")
    expr = rho.subs(z, sp.exp(h)) - h * sigma.subs(z, sp.exp(h))
    ser = sp.series(expr, h, 0, n_terms).removeO()
    return [sp.simplify(ser.coeff(h, q)) for q in range(n_terms)]


@pytest.mark.parametrize("method", METHODS)
def test_error_constants_match_taylor_expansion(method):
    c = consistency(method)
    taylor = taylor_residual(method, len(c.error_constants))
    assert all(sp.simplify(x - y) == 0 for x, y in zip(taylor, c.error_constants, strict=True))
    assert c.order == 1
    assert c.rho_at_one == 0 and c.derivative_gap == 0


def test_heavy_ball_order_numerically():
    # residual of the LMM on exp(t) at step h scales like h^(order+1)
    for beta in (0.0, 0.5, 0.9):
        rho = np.array([1.0, -(1 + beta), beta])[::-1]  # a_0, a_1, a_2
        sig = np.array([0.0, 1 - beta, 0.0])
        res = [abs(sum(rho[j] * np.exp(j * h) - h * sig[j] * np.exp(j * h) for j in range(3)))
               for h in (1e-2, 5e-3)]
        assert res[0] / res[1] == pytest.approx(4.0, rel=2e-2)
        assert res[0] / 1e-4 == pytest.approx((1 + beta) / 2, rel=5e-2)


def test_heavy_ball_order_rises_only_at_beta_minus_one():
    c = consistency("heavy_ball")
    assert c.special_orders == {-1: 2}
    taylor = taylor_residual("heavy_ball", 5, beta=-1)
    assert taylor[:3] == [0, 0, 0] and taylor[3] != 0  # leapfrog: order exactly 2
    assert consistency("nesterov").special_orders == {}
    assert consistency("gd").special_orders == {}


# --------------------------------------------------------------------------
# Zero stability versus numpy.roots
# --------------------------------------------------------------------------


def root_condition_numeric(coeffs):
    r = np.roots(coeffs)
    if np.any(np.abs(r) > 1 + 1e-9):
        return False
    on = r[np.abs(np.abs(r) - 1) < 1e-9]
    return all(np.abs(on[i] - on[j]) > 1e-6 for i in range(len(on))
               for j in range(i + 1, len(on)))


@pytest.mark.parametrize("method", ["heavy_ball", "nesterov", "ema_momentum"])
def test_zero_stability_matches_numpy_roots(method):
    zs = zero_stability(method)
    assert zs.condition.as_set() == sp.Interval.Ropen(-1, 1)
    for q in range(-30, 31):
        beta = sp.Rational(q, 20)  # -1.5 .. 1.5, hits -1 and 1 exactly
        rho = sp.Poly(lmm_polynomials(method).rho.subs(b, beta), z)
        numeric = root_condition_numeric(np.array(rho.all_coeffs(), dtype=float))
        assert bool(zs.condition.subs(b, beta)) == numeric, beta


def test_zero_stability_gd():
    zs = zero_stability("gd")
    assert zs.roots == (1,) and zs.condition is sp.true


# --------------------------------------------------------------------------
# Boundary locus, stability mask, real intervals
# --------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_boundary_locus_puts_a_root_on_the_unit_circle(method):
    rng = np.random.default_rng(7)
    for _ in range(6):
        beta = None if method == "gd" else float(rng.uniform(-0.9, 0.97))
        loc = boundary_locus(method, beta, n=97)
        for i in rng.integers(0, 97, size=5):
            w = loc.points[i]
            if not np.isfinite(w):
                continue
            r = np.roots(charpoly_coeffs(method, beta, w))
            assert np.min(np.abs(r - np.exp(1j * loc.theta[i]))) < 1e-8


def test_boundary_locus_broadcasts_over_beta():
    loc = boundary_locus("heavy_ball", np.array([0.1, 0.5, 0.9]), n=11)
    assert loc.points.shape == (3, 11) and loc.theta.shape == (11,)
    # heavy ball: an ellipse centred at 1+beta with semi-axes 1+beta and 1-beta
    bb = np.array([0.1, 0.5, 0.9])[:, None]
    w = loc.points
    assert np.allclose(((w.real - 1 - bb) / (1 + bb)) ** 2 + (w.imag / (1 - bb)) ** 2, 1.0)


@pytest.mark.parametrize("method", METHODS)
def test_mask_matches_numpy_roots(method):
    rng = np.random.default_rng(11)
    hl = rng.uniform(-0.5, 4.5, 400) + 1j * rng.uniform(-1.2, 1.2, 400)
    hl[:5] = [1.0, 1 + 1e-4j, 1 - 3e-4, 2.0, 0.5]  # near alpha*lambda = 1 and real points
    for alpha in (1.0, 0.3):
        for beta in ([None] if method == "gd" else [0.0, 0.5, 0.9, -0.5]):
            mask = absolute_stability_mask(method, alpha, beta, hl)
            ref = np.array([max_root_modulus(method, beta, h) for h in hl])
            clear = np.abs(ref - 1) > 1e-7
            assert np.array_equal(mask[clear], ref[clear] < 1)


def hb_state_matrix(h, beta):
    # x_{k+1} = (1 + beta - h) x_k - beta x_{k-1}, state (x_k, x_{k-1})
    return np.array([[1 + beta - h, -beta], [1, 0]], dtype=complex)


def test_heavy_ball_complex_curvature_against_state_matrix():
    rng = np.random.default_rng(3)
    for beta in (0.3, 0.9):
        hl = rng.uniform(-0.5, 4.5, 300) + 1j * rng.uniform(-0.8, 0.8, 300)
        mask = absolute_stability_mask("heavy_ball", 1.0, beta, hl)
        ref = np.array([np.abs(np.linalg.eigvals(hb_state_matrix(h, beta))).max() for h in hl])
        clear = np.abs(ref - 1) > 1e-7
        assert np.array_equal(mask[clear], ref[clear] < 1)


def eigen_scan(method, beta, h):
    # a margin: on the boundary (e.g. heavy ball at beta = 1) roots of modulus one come
    # out as 1 - 1e-16
    return np.array([max_root_modulus(method, beta, x) < 1 - 1e-9 for x in h])


@pytest.mark.parametrize("beta", [0.0, 0.25, 0.5, 0.9, 0.99, -0.5])
def test_heavy_ball_real_interval(beta):
    iv = real_stability_interval("heavy_ball", beta)
    assert iv.is_Interval and iv.left_open and iv.right_open
    assert float(iv.start) == 0.0
    assert float(iv.end) == pytest.approx(2 * (1 + beta), rel=1e-14)
    h = np.linspace(-1, 2 * (1 + beta) + 1, 301)
    h = h[np.minimum(np.abs(h), np.abs(h - 2 * (1 + beta))) > 1e-6]
    ref = np.array([np.abs(np.linalg.eigvals(hb_state_matrix(x, beta))).max() < 1 for x in h])
    assert np.array_equal(ref, (h > 0) & (h < 2 * (1 + beta)))


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.7, 0.9, 1.0])
def test_nesterov_real_interval_for_nonnegative_beta(beta):
    end = 2 * (1 + beta) / (1 + 2 * beta)
    iv = real_stability_interval("nesterov", beta)
    assert float(iv.start) == 0.0 and float(iv.end) == pytest.approx(end, rel=1e-14)
    h = np.linspace(-1, end + 1, 241)
    h = h[np.minimum(np.abs(h), np.abs(h - end)) > 1e-6]
    assert np.array_equal(eigen_scan("nesterov", beta, h), (h > 0) & (h < end))


@pytest.mark.parametrize("method, beta", [("nesterov", -0.4), ("nesterov", -0.8),
                                          ("heavy_ball", 1.0), ("heavy_ball", -1.0),
                                          ("ema_momentum", 0.5), ("gd", None)])
def test_real_interval_against_eigenvalue_scan(method, beta):
    iv = real_stability_interval(method, beta)
    h = np.linspace(-2, 8, 401)
    ends = [float(e) for e in iv.boundary] if iv != sp.S.EmptySet else []
    h = h[[all(abs(x - e) > 1e-6 for e in ends) for x in h]]
    inside = np.array([bool(iv.contains(sp.Rational(x))) for x in h])
    assert np.array_equal(eigen_scan(method, beta, h), inside)


# --------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="Unknown method"):
        lmm_polynomials("adamw")
    with pytest.raises(ValueError, match="beta"):
        boundary_locus("heavy_ball", 1.5)
    with pytest.raises(ValueError, match="beta"):
        real_stability_interval("nesterov", -1.2)
    with pytest.raises(ValueError, match="alpha"):
        absolute_stability_mask("heavy_ball", float("nan"), 0.5, 1.0)
    with pytest.raises(ValueError, match="hl"):
        absolute_stability_mask("heavy_ball", 1.0, 0.5, [1.0, np.nan])
    with pytest.raises(ValueError, match="n "):
        boundary_locus("gd", n=1)
    with pytest.raises(ValueError, match="arrays"):
        real_stability_interval("heavy_ball", [0.1, 0.2])


def test_methods_without_an_lmm_reading_are_refused():
    def twice(x, grad, alpha):  # extragradient-like: p is quadratic in alpha*lambda
        return x - alpha * grad(x - alpha * grad(x))

    def shrink(x, grad, alpha):  # rho(1) = 1/2: not consistent
        return x / 2 - alpha * grad(x)

    register_method(twice, "ms_twice", overwrite=True)
    register_method(shrink, "ms_shrink", overwrite=True)
    try:
        with pytest.raises(ValueError, match="not affine"):
            lmm_polynomials("ms_twice")
        with pytest.raises(ValueError, match="rho"):
            consistency("ms_shrink")
    finally:
        unregister_method("ms_twice")
        unregister_method("ms_shrink")


# --------------------------------------------------------------------------
# Figure
# --------------------------------------------------------------------------


def test_plot_absolute_stability_regions():
    out = plot_absolute_stability_regions(resolution=120)
    try:
        names = ["gd", "heavy_ball", "nesterov"]
        assert sorted(out.regions) == sorted(out.loci) == sorted(out.intervals) == sorted(names)
        assert "alpha" in out.ax.get_xlabel() and "Re" in out.ax.get_xlabel()
        assert "Im" in out.ax.get_ylabel()
        assert out.ax.get_title()
        assert len(out.legend.get_texts()) == 3
        assert "3.8" in out.legend.get_texts()[1].get_text()
        # the bars span the exact intervals; the locus curve is the computed locus
        assert np.allclose(out.intervals["heavy_ball"].get_xdata(), [0.0, 3.8])
        loc = boundary_locus("nesterov", 0.9).points
        assert np.allclose(out.loci["nesterov"].get_xdata(), loc.real)
    finally:
        plt.close(out.ax.figure)

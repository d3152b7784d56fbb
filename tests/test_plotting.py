import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from momentum_dynamics import REGIMES  # noqa: E402
from momentum_dynamics.plotting import (  # noqa: E402
    plot_rates_versus_kappa,
    plot_stability_region,
    stability_region_data,
)


def hb_matrix(h, b):
    return np.array([[1 - h, -b], [h, b]])


def test_heavy_ball_stable_set_matches_closed_form():
    d = stability_region_data("heavy_ball", resolution=120)
    H, B = np.meshgrid(d.h, d.beta)
    closed = (np.abs(B) < 1) & (H > 0) & (H < 2 * (1 + B))
    ours = d.spectral_radius < 1
    dh, db = d.h[1] - d.h[0], d.beta[1] - d.beta[0]
    near = (np.abs(H - 2 * (1 + B)) < 2 * (dh + db)) | (np.abs(B - 1) < 2 * db)
    assert np.array_equal(ours[~near], closed[~near])


def test_regime_codes_agree_with_eigenvalues():
    d = stability_region_data("heavy_ball", resolution=60)
    rng = np.random.default_rng(1)
    for _ in range(200):
        i, j = rng.integers(0, d.beta.size), rng.integers(0, d.h.size)
        ev = np.linalg.eigvals(hb_matrix(d.h[j], d.beta[i]))
        rho = np.abs(ev).max()
        disc = (1 + d.beta[i] - d.h[j]) ** 2 - 4 * d.beta[i]
        if abs(rho - 1) < 1e-9 or abs(disc) < 1e-9:
            continue
        expected = "unstable" if rho >= 1 else ("underdamped" if disc < 0 else "overdamped")
        assert REGIMES[d.regime[i, j]] == expected


def test_critical_curve_is_the_closed_form():
    d = stability_region_data("heavy_ball", resolution=80)
    expected = np.where(d.h < 4, (1 - np.sqrt(d.h)) ** 2, np.nan)
    np.testing.assert_allclose(d.critical_beta, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d.continuous_critical_beta, 1 - 2 * np.sqrt(d.h), rtol=1e-12)


def test_plot_returns_what_it_drew_and_accepts_axes():
    out = plot_stability_region(("heavy_ball", "nesterov"), resolution=60)
    assert len(out.axes) == 2 and out.colorbar is not None and out.legend is not None
    assert len(out.lines) == 4 and len(out.contours) == 2 and len(out.images) == 2
    crit = out.lines[0].get_ydata()
    h = out.lines[0].get_xdata()
    np.testing.assert_allclose(crit, np.where(h < 4, (1 - np.sqrt(h)) ** 2, np.nan),
                               rtol=1e-12, atol=1e-15)
    plt.close(out.figure)
    fig, ax = plt.subplots()
    out = plot_stability_region("gd", ax=ax, resolution=40)
    assert out.axes == [ax] and r"$\beta$ not used" in ax.get_title()
    with pytest.raises(ValueError, match="ax"):
        plot_stability_region(("heavy_ball", "nesterov"), ax=ax, resolution=40)
    plt.close(fig)


def test_rates_plot_matches_closed_forms():
    k = np.logspace(0, 6, 30)
    out = plot_rates_versus_kappa(k)
    gd = out.lines[0].get_ydata()
    np.testing.assert_allclose(gd, 1 - (k - 1) / (k + 1), rtol=1e-9, atol=1e-15)
    hb = out.lines[2].get_ydata()  # heavy ball, Polyak (1964)
    np.testing.assert_allclose(hb, 2 / (np.sqrt(k) + 1), rtol=1e-9)
    plt.close(out.figure)


def test_bad_arguments():
    with pytest.raises(ValueError, match="resolution"):
        stability_region_data("heavy_ball", resolution=1)
    with pytest.raises(ValueError, match="Unknown method"):
        plot_stability_region("adam")
    with pytest.raises(ValueError, match="h must"):
        stability_region_data("heavy_ball", h=[[1.0]])


# --------------------------------------------------------------------------
# The exact stability edge (drawn from the Jury conditions, not from the grid)
# --------------------------------------------------------------------------


def _finite(e):
    keep = np.isfinite(e.h) & np.isfinite(e.beta)
    return e.h[keep], e.beta[keep]


def test_gd_edge_is_drawn_at_two():
    out = plot_stability_region("gd", resolution=40)
    (edge,) = out.edges  # alpha*lambda = 0 is the frame; 1 - alpha*lambda = -1 at 2
    x, y = edge.get_data()
    np.testing.assert_allclose(x, 2.0, rtol=0, atol=1e-12)
    assert y.min() == pytest.approx(0.0, abs=1e-9) and y.max() == pytest.approx(1.0, abs=1e-9)
    # independent: the eigenvalue 1 - h of GD has modulus one exactly there
    assert abs(1 - x[0]) == pytest.approx(1.0, abs=1e-12)
    plt.close(out.figure)


def test_heavy_ball_edges_are_the_jury_closed_forms():
    # Jury: heavy ball is stable iff |beta| < 1 and 0 < alpha*lambda < 2(1 + beta).
    d = stability_region_data("heavy_ball", resolution=50, beta_range=(-1.0, 1.0))
    on_top = on_slope = 0
    for e in d.edges:
        h, b = _finite(e)
        top = np.abs(b - 1) <= 1e-12
        slope = np.abs(b - (h / 2 - 1)) <= 1e-12
        assert np.all(top | slope), e.factor
        on_top += top.sum()
        on_slope += slope.sum()
        # every drawn point is on the unit circle: a pole of modulus one (beta = 1, or
        # z = -1 on the slope), from the eigenvalues of the hand-built matrix
        for hh, bb in zip(h[::97], b[::97], strict=True):
            rho = np.abs(np.linalg.eigvals(np.array([[1 - hh, -bb], [hh, bb]]))).max()
            assert rho == pytest.approx(1.0, abs=1e-9)
    assert on_top and on_slope  # beta = -1 meets the region only at the corner h = 0
    # the slope runs from the corner (0, -1) to the corner (4, 1)
    slope = [e for e in d.edges if "h" in e.factor and "beta" in e.factor]
    h, b = _finite(slope[0])
    assert h.max() == pytest.approx(4.0, abs=1e-6) and b.max() == pytest.approx(1.0, abs=1e-6)


def test_drawn_edges_match_the_data_and_nesterov_closed_form():
    out = plot_stability_region("nesterov", resolution=60, beta_range=(-1, 1))
    assert len(out.edges) == len(out.data.edges)
    # Nesterov, z = -1: (1 + beta)(2 - h) - beta h... Jury p(-1) = 2 + 2b - h - 2bh = 0
    # and p(1) = h > 0; |b(1 - h)| < 1. Check each point against the hand-built matrix.
    for line in out.edges:
        x, y = line.get_data()
        keep = np.isfinite(x)
        for hh, bb in zip(x[keep][::53], y[keep][::53], strict=True):
            # Nesterov: v' = b v + h (x - b v), x' = x - v'
            A = np.array([[1 - hh, -bb * (1 - hh)], [hh, bb * (1 - hh)]])
            assert np.abs(np.linalg.eigvals(A)).max() == pytest.approx(1.0, abs=1e-9)
    plt.close(out.figure)


def test_log_view_and_negative_beta_range():
    d = stability_region_data("heavy_ball", resolution=30, log=True,
                              alpha_lambda_range=(1e-4, 4.0), beta_range=(-0.5, 1.0))
    np.testing.assert_allclose(np.diff(np.log(d.h)), np.log(4e4) / 29, rtol=1e-10)
    assert d.beta[0] == -0.5 and d.log
    out = plot_stability_region("heavy_ball", resolution=30, log=True, beta_range=(-1, 1))
    assert out.ax.get_xscale() == "log" and out.ax.get_ylim() == (-1.0, 1.0)
    plt.close(out.figure)


def test_sign_alternating_zone_is_where_a_negative_real_pole_dominates():
    d = stability_region_data("heavy_ball", resolution=40, beta_range=(-1, 1))
    H, B = np.meshgrid(d.h, d.beta)
    for i, j in np.ndindex(*H.shape):
        if (i + j) % 7:
            continue
        ev = np.linalg.eigvals(np.array([[1 - H[i, j], -B[i, j]], [H[i, j], B[i, j]]]))
        ev = ev[np.argsort(-np.abs(ev))]
        if np.abs(ev).max() >= 1 - 1e-9 or abs(abs(ev[0]) - abs(ev[1])) < 1e-9:
            continue
        expected = abs(ev[0].imag) < 1e-12 and ev[0].real < 0
        assert d.alternating[i, j] == expected, (H[i, j], B[i, j], ev)
    # GD: the pole 1 - h is negative exactly for 1 < h < 2
    g = stability_region_data("gd", resolution=41)
    np.testing.assert_array_equal(g.alternating[0], (g.h > 1) & (g.h < 2))


def test_no_stacked_colorbars_on_repeated_calls_and_colorbar_false():
    fig, ax = plt.subplots()
    first = plot_stability_region("heavy_ball", ax=ax, resolution=30)
    n_axes = len(fig.axes)
    second = plot_stability_region("heavy_ball", ax=ax, resolution=30)
    assert len(fig.axes) == n_axes and second.colorbar is first.colorbar
    plt.close(fig)
    fig, ax = plt.subplots()
    out = plot_stability_region("heavy_ball", ax=ax, resolution=30, colorbar=False,
                                legend_loc=False)
    assert out.colorbar is None and out.legend is None and len(fig.axes) == 1
    plt.close(fig)


def test_critical_false_and_unavailable_critical_curve(monkeypatch):
    d = stability_region_data("heavy_ball", resolution=20, critical=False)
    assert d.critical_beta is None
    out = plot_stability_region("heavy_ball", resolution=20, critical=False)
    assert out.lines == []
    plt.close(out.figure)
    from momentum_dynamics.plotting import regions

    def no_critical(*args, **kwargs):
        raise ValueError("no real critical beta exists for method 'x'")

    monkeypatch.setattr(regions, "critical_beta", no_critical)
    with pytest.warns(UserWarning, match="critical-damping curve"):
        d = stability_region_data("heavy_ball", resolution=20)
    assert d.critical_beta is None


def test_one_panel_legend_and_labels_are_inside_the_figure(tmp_path):
    out = plot_stability_region("heavy_ball", resolution=40, title="HB")
    out.figure.savefig(tmp_path / "r.png")  # draws, so extents are final
    fig_box = out.figure.bbox
    renderer = out.figure.canvas.get_renderer()
    for artist in (out.legend, out.ax.xaxis.label, out.ax.yaxis.label, out.ax.title):
        box = artist.get_window_extent(renderer)
        assert box.x0 >= fig_box.x0 - 1 and box.x1 <= fig_box.x1 + 1
        assert box.y0 >= fig_box.y0 - 1 and box.y1 <= fig_box.y1 + 1
    assert out.ax.get_title() == "HB" and out.figure.get_size_inches()[0] == 7.0
    plt.close(out.figure)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(resolution=0), ValueError, "resolution"),
    (dict(resolution=2.5), TypeError, "resolution"),
    (dict(beta_range=(1.0, 0.0)), ValueError, "beta_range"),
    (dict(beta_range=(-2.0, 1.0)), ValueError, "beta_range"),
    (dict(alpha_lambda_range=(3.0, 3.0)), ValueError, "alpha_lambda_range"),
    (dict(alpha_lambda_range=(0.0, 3.0), log=True), ValueError, "alpha_lambda_range"),
    (dict(h=[]), ValueError, "h must"),
])
def test_region_data_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        stability_region_data("heavy_ball", **kwargs)


def test_plot_validation():
    with pytest.raises(ValueError, match="method"):
        plot_stability_region(())
    with pytest.raises(ValueError, match="Unknown method"):
        plot_stability_region("nope")
    with pytest.raises(TypeError, match="resolution"):
        plot_stability_region("heavy_ball", resolution="50")
    with pytest.raises(ValueError, match="figsize"):
        plot_stability_region("heavy_ball", resolution=10, figsize=(0, 3))
    with pytest.raises(ValueError, match="kappa"):
        plot_rates_versus_kappa([0.5, 2.0])
    with pytest.raises(ValueError, match="kappa"):
        plot_rates_versus_kappa([])


def test_third_order_rule_edges_are_on_the_unit_circle_and_critical_is_a_double_pole():
    from momentum_dynamics.methods import register_method, unregister_method

    def cascade(x, v, w, grad, alpha, beta):  # two momentum filters in series
        v = beta * v + alpha * grad(x)
        w = beta * w + v
        return x - w, v, w

    register_method(cascade, "plot_cascade", overwrite=True)
    try:
        d = stability_region_data("plot_cascade", resolution=20,
                                  alpha_lambda_range=(0.01, 2.0))
        assert d.edges and np.isfinite(d.critical_beta).any()
        assert np.isnan(d.continuous_critical_beta).all()  # no closed form to expand
        for hh, bb in zip(d.h, d.critical_beta, strict=True):
            if np.isnan(bb):
                continue
            A = np.array([[1 - hh, -bb, -bb], [hh, bb, 0.0], [hh, bb, bb]])
            ev = np.linalg.eigvals(A)
            gaps = np.abs(ev[:, None] - ev[None, :]) + np.eye(3)
            assert gaps.min() < 1e-5  # a double eigenvalue (to sqrt of rounding)
        for e in d.edges:
            h, b = _finite(e)
            for hh, bb in zip(h[::41], b[::41], strict=True):
                # state (x, v, w): v' = b v + h x, w' = b w + v', x' = x - w'
                A = np.array([[1 - hh, -bb, -bb], [hh, bb, 0.0], [hh, bb, bb]])
                assert np.abs(np.linalg.eigvals(A)).max() == pytest.approx(1.0, abs=1e-7)
    finally:
        unregister_method("plot_cascade")

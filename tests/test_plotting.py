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
    assert out.axes == [ax] and "beta not used" in ax.get_title()
    with pytest.raises(ValueError, match="ax"):
        plot_stability_region(("heavy_ball", "nesterov"), ax=ax, resolution=40)
    plt.close(fig)


def test_rates_plot_matches_closed_forms():
    k = np.logspace(0, 6, 30)
    out = plot_rates_versus_kappa(k)
    gd = out.lines[0].get_ydata()
    np.testing.assert_allclose(gd, 1 - (k - 1) / (k + 1), rtol=1e-9, atol=1e-15)
    hb = out.lines[2].get_ydata()
    np.testing.assert_allclose(hb, 2 / (np.sqrt(k) + 1), rtol=1e-9)
    plt.close(out.figure)


def test_bad_arguments():
    with pytest.raises(ValueError, match="resolution"):
        stability_region_data("heavy_ball", resolution=1)
    with pytest.raises(ValueError, match="Unknown method"):
        plot_stability_region("adam")
    with pytest.raises(ValueError, match="h must"):
        stability_region_data("heavy_ball", h=[[1.0]])

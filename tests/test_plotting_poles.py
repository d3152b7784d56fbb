import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.signal  # noqa: E402

from momentum_dynamics.plotting import (  # noqa: E402
    bode_compare,
    plot_pole_trajectories,
    pole_zero_compare,
    regime_settings,
)


def test_regime_settings_bracket_the_closed_form_critical_beta():
    h = 0.3
    (_, lo), (_, crit), (_, hi) = regime_settings("heavy_ball", h)
    assert crit == pytest.approx((1 - np.sqrt(h)) ** 2, rel=1e-14)
    for b, sign in ((lo, 1), (hi, -1)):
        disc = (1 + b - h) ** 2 - 4 * b
        assert np.sign(disc) == sign


def test_bode_magnitude_matches_freqz():
    a, lam = 0.1, 1.0
    cp = bode_compare("heavy_ball", a, lam, omega=np.array([0.01, 0.1, 1.0]))
    for line, (_, b) in zip(cp.magnitude, regime_settings("heavy_ball", a * lam),
                            strict=True):
        # gradient noise -> x: -alpha z / (z^2 - (1 + b - h) z + b), in powers of z^-1
        _, h = scipy.signal.freqz([0, -a], [1, -(1 + b - a * lam), b], worN=line.get_xdata())
        np.testing.assert_allclose(line.get_ydata(), np.abs(h), rtol=1e-9)
    plt.close(cp.figure)


def test_pole_zero_map_and_trajectories_draw_the_eigenvalues():
    cp = pole_zero_compare("nesterov", 0.2, 1.0)
    assert cp.ax.get_xlabel() == "Re $z$"
    for poles_, b in zip(cp.data.poles, cp.data.betas, strict=True):  # hand-built matrix
        A = np.array([[1 - 0.2, -b * (1 - 0.2)], [0.2, b * (1 - 0.2)]])
        np.testing.assert_allclose(np.sort_complex(poles_), np.sort_complex(
            np.linalg.eigvals(A)), atol=1e-7)
    plt.close(cp.figure)
    out = plot_pole_trajectories("heavy_ball", 0.1, 1.0, beta=0.8)
    (ln,) = out.lines
    # the marked double pole is 1 - sqrt(alpha*lambda)
    assert ln.get_xdata()[0] == pytest.approx(1 - np.sqrt(0.1), rel=1e-9)
    offsets = out.axes[0].collections[0].get_offsets()
    b = np.linspace(0, 0.999, 400)
    ev = [np.linalg.eigvals(np.array([[0.9, -bb], [0.1, bb]])) for bb in b]
    radii = np.sort(np.abs(offsets[:, 0] + 1j * offsets[:, 1]))
    expected = np.sort(np.concatenate([np.abs(e) for e in ev]))
    np.testing.assert_allclose(np.sort(np.concatenate([radii, np.abs(
        out.axes[0].collections[1].get_offsets() @ np.array([1, 1j]))])), expected, rtol=1e-9,
        atol=1e-12)
    plt.close(out.figure)
    with pytest.raises(ValueError, match="critical beta"):
        regime_settings("heavy_ball", 9.0)


def test_tracking_lag_figure_lines_and_markers_agree_with_formula():
    from momentum_dynamics.plotting import plot_tracking_lag

    p = plot_tracking_lag("heavy_ball", 0.1, (0.5, 0.9), omega=np.geomspace(1e-2, 3, 50))
    for line, beta in zip(p.radians, (0.5, 0.9), strict=True):
        w, phase = line.get_data()
        np.testing.assert_allclose(phase, np.arctan2(beta * np.sin(w), 1 - beta * np.cos(w)),
                                   rtol=1e-12)
    for markers, beta in zip(p.simulated, (0.5, 0.9), strict=True):  # simulated by the rule
        w, phase = markers.get_data()
        np.testing.assert_allclose(phase, np.arctan2(beta * np.sin(w), 1 - beta * np.cos(w)),
                                   atol=1e-6)
    assert p.axes[0].get_xlabel() and p.axes[1].get_ylabel() == "lag (steps)"


def test_variance_figure_marks_the_optimum_of_each_curve():
    from momentum_dynamics.applications import server_momentum_model
    from momentum_dynamics.plotting import plot_variance_versus_beta

    fq = server_momentum_model([1.0], 1.0, clients_per_round=2)
    p = plot_variance_versus_beta(fq, (0.5, 2.0), betas=np.linspace(-0.95, 0.95, 77))
    for marker, lr in zip(p.optima, (0.5, 2.0), strict=True):
        x, _ = marker.get_data()
        assert x[0] == pytest.approx(np.sqrt(lr) - 1, abs=1e-6)  # one direction: sqrt(h) - 1
    assert "beta" in p.ax.get_xlabel()

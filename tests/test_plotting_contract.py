"""The plotting contract: one result type, *_data companions, shared keywords, validation,
and the `region` CLI options. Numbers are checked against independent computations."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import momentum_dynamics.plotting as P  # noqa: E402
from momentum_dynamics.cli import main  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _fq():
    from momentum_dynamics.applications import server_momentum_model

    return server_momentum_model([1.0], 1.0, clients_per_round=2)


# Small, fast calls of every plotting function.
CALLS = {
    "plot_stability_region": lambda **kw: P.plot_stability_region("heavy_ball", resolution=20,
                                                                   **kw),
    "plot_rates_versus_kappa": lambda **kw: P.plot_rates_versus_kappa([1.0, 10.0, 100.0], **kw),
    "plot_rate_noise_frontier": lambda **kw: P.plot_rate_noise_frontier(1.0, 10.0, points=3,
                                                                         **kw),
    "bode_compare": lambda **kw: P.bode_compare("heavy_ball", 0.1, 1.0,
                                                omega=np.geomspace(1e-2, 3, 20), **kw),
    "pole_zero_compare": lambda **kw: P.pole_zero_compare("heavy_ball", 0.1, 1.0, **kw),
    "plot_pole_trajectories": lambda **kw: P.plot_pole_trajectories("heavy_ball", 0.1, 1.0,
                                                                    resolution=20, **kw),
    "plot_absolute_stability_regions": lambda **kw: P.plot_absolute_stability_regions(
        ("gd", "heavy_ball"), resolution=40, **kw),
    "plot_critical_damping_comparison": lambda **kw: P.plot_critical_damping_comparison(
        "heavy_ball", alpha_lambda=np.geomspace(1e-3, 3, 30), **kw),
    "plot_ode_convergence": lambda **kw: P.plot_ode_convergence(
        "gd", steps=(0.2,), error_steps=(0.2, 0.1), horizon=2.0, **kw),
    "plot_tracking_lag": lambda **kw: P.plot_tracking_lag("heavy_ball", 0.1, (0.5,),
                                                          simulate=False, **kw),
    "plot_variance_versus_beta": lambda **kw: P.plot_variance_versus_beta(
        _fq(), (1.0,), betas=np.linspace(-0.9, 0.9, 19), **kw),
    "plot_energy_traces": lambda **kw: P.plot_energy_traces(duration=1.0, n_chains=4, **kw),
    "plot_ness": lambda **kw: P.plot_ness(resolution=12, **kw),
    "plot_langevin_bias": lambda **kw: P.plot_langevin_bias(steps=np.array([0.01, 0.1]),
                                                            **kw),
    "plot_weight_decay_region": lambda **kw: P.plot_weight_decay_region(0.3, resolution=20,
                                                                        **kw),
    "plot_adam_vs_momentum": lambda **kw: P.plot_adam_vs_momentum(
        [10.0], kappa_shown=10.0, steps=10, max_steps=50, alphas=[0.1], tol=1e-2, **kw),
    "plot_game_region": lambda **kw: P.plot_game_region(resolution=15, best_points=3, **kw),
    "plot_game_trajectories": lambda **kw: P.plot_game_trajectories(steps=10, **kw),
    "plot_witness": lambda **kw: P.plot_witness(period=3, **kw),
    "plot_certified_rates": lambda **kw: P.plot_certified_rates([3.0], methods=("gd",),
                                                                iqc="sector", **kw),
    "plot_rnn_region": lambda **kw: P.plot_rnn_region(ws=(0.5,), Ts=(3,), steps=5,
                                                      resolution=6, **kw),
    "plot_beta_tradeoff": lambda **kw: P.plot_beta_tradeoff(("heavy_ball",), (0.9,), steps=30,
                                                            resolution=6, **kw),
    "plot_bn_lag": lambda **kw: P.plot_bn_lag((0.0, 0.5), resolution=6, **kw),
    "plot_schedule_growth": lambda **kw: P.plot_schedule_growth(steps=6, warmup_steps=3, **kw),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_plot_returns_one_result_type_with_figsize_title_and_no_legend(name):
    out = CALLS[name](figsize=(6.0, 3.5), title="T", legend_loc=False)
    assert isinstance(out, P.PlotResult)
    assert out.figure is out.axes[0].figure and out.ax is out.axes[0]
    assert all(hasattr(a, "plot") for a in out.axes)
    assert all(hasattr(ln, "get_xdata") for ln in out.lines)
    assert tuple(out.figure.get_size_inches()) == (6.0, 3.5)
    titles = [a.get_title() for a in out.axes]
    suptitle = " ".join(t.get_text() for t in out.figure.texts)  # suptitle is a figure text
    assert "T" in titles or suptitle == "T"
    assert out.legend is None
    assert out.data is not None
    # every figure is 7 inches wide by default
    assert CALLS[name]().figure.get_size_inches()[0] == pytest.approx(P.TEXT_WIDTH, rel=0.3)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_plot_draws_on_given_axes(name):
    n = len(CALLS[name]().axes)
    plt.close("all")
    fig, axes = plt.subplots(n, 1) if name == "bode_compare" else plt.subplots(1, n)
    out = CALLS[name](ax=axes)
    assert out.figure is fig and list(out.axes) == list(np.ravel(axes))


def test_old_result_names_are_the_one_type():
    for name in ("RegionPlot", "AbsoluteStabilityPlot", "CriticalDampingPlot",
                 "ODEConvergencePlot", "TrackingLagPlot", "VarianceCurvesPlot",
                 "EnergyTracesPlot", "NessPlot", "LangevinBiasPlot"):
        assert getattr(P, name) is P.PlotResult
    out = CALLS["plot_ness"]()
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = out.nope


# --------------------------------------------------------------------------
# *_data companions against independent computations
# --------------------------------------------------------------------------


def test_bode_data_is_the_freqz_of_the_hand_written_transfer_function():
    import scipy.signal

    a, lam = 0.1, 1.0
    w = np.array([0.01, 0.3, 2.0])
    d = P.bode_compare_data("heavy_ball", a, lam, omega=w)
    for b, mag in zip(d.betas, d.magnitude, strict=True):
        # gradient noise -> x: -alpha z / (z^2 - (1 + b - h) z + b)
        _, h = scipy.signal.freqz([0, -a], [1, -(1 + b - a * lam), b], worN=w)
        np.testing.assert_allclose(mag, np.abs(h), rtol=1e-9)


def test_pole_trajectories_data_are_matrix_eigenvalues():
    d = P.pole_trajectories_data("heavy_ball", 0.2, 1.0, 0.5, resolution=15)
    for b, p in zip(d.betas, d.beta_sweep, strict=True):
        ev = np.linalg.eigvals(np.array([[0.8, -b], [0.2, b]]))
        np.testing.assert_allclose(np.sort_complex(p), np.sort_complex(ev), atol=1e-12)
    assert d.double_pole == pytest.approx(1 - np.sqrt(0.2), rel=1e-12)
    assert d.critical_beta == pytest.approx((1 - np.sqrt(0.2)) ** 2, rel=1e-12)
    # curvature sweep: rho >= 1 from alpha*lambda = 2(1 + beta) = 3 on (Jury)
    assert d.first_unstable == d.curvatures[0.2 * d.curvatures >= 3 - 1e-12][0]


def test_rates_data_are_the_published_closed_forms():
    k = np.array([4.0, 100.0])
    d = P.rates_versus_kappa_data(k)
    gd, hb = d.rows[0], d.rows[1]
    np.testing.assert_allclose(gd.exact_rate, (k - 1) / (k + 1), rtol=1e-12)
    np.testing.assert_allclose(hb.exact_rate, (np.sqrt(k) - 1) / (np.sqrt(k) + 1), rtol=1e-12)


def test_tracking_lag_data_is_the_ema_phase():
    w = np.array([0.05, 0.5, 2.0])
    d = P.tracking_lag_data("heavy_ball", 0.1, (0.7,), omega=w, simulate=False)
    np.testing.assert_allclose(d.radians[0], np.arctan2(0.7 * np.sin(w),
                                                        1 - 0.7 * np.cos(w)), rtol=1e-12)
    assert d.ramp_lag[0] == pytest.approx(0.7 / 0.3, rel=1e-12)


def test_langevin_bias_data_leading_orders():
    d = P.langevin_bias_data(2.0, 3.0, np.array([1e-3, 2e-3]))
    np.testing.assert_allclose(d.leading_x, 3.0 * d.steps**2 / 4)
    np.testing.assert_allclose(d.bias_x, d.leading_x, rtol=0.05)
    np.testing.assert_allclose(d.bias_v, d.leading_v, rtol=0.05)


def test_absolute_stability_data_gd_interval_is_zero_two():
    d = P.absolute_stability_regions_data(("gd",), extent=(-0.5, 2.5, -1.2, 1.2),
                                          resolution=61)
    # GD: |1 - w| < 1 is the disc of radius 1 about 1
    W = d.re[None, :] + 1j * d.im[:, None]
    inside = np.abs(1 - W) < 1 - 1e-9
    outside = np.abs(1 - W) > 1 + 1e-9
    assert d.masks["gd"][inside].all() and not d.masks["gd"][outside].any()


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, exc, match", [
    (lambda: P.plot_pole_trajectories(resolution=0), ValueError, "resolution"),
    (lambda: P.plot_pole_trajectories(resolution=3.0), TypeError, "resolution"),
    (lambda: P.plot_pole_trajectories(mu=2.0, L=1.0), ValueError, "mu"),
    (lambda: P.plot_pole_trajectories("gd"), ValueError, "momentum"),
    (lambda: P.bode_compare(omega=[]), ValueError, "omega"),
    (lambda: P.bode_compare(omega=[0.1, 5.0]), ValueError, "omega"),
    (lambda: P.bode_compare(alpha=-1.0), ValueError, "alpha"),
    (lambda: P.bode_compare("adam"), ValueError, "Unknown method"),
    (lambda: P.pole_zero_compare(settings=[]), ValueError, "settings"),
    (lambda: P.plot_absolute_stability_regions(extent=(1, 0, -1, 1)), ValueError, "extent"),
    (lambda: P.plot_absolute_stability_regions(resolution=5), ValueError, "resolution"),
    (lambda: P.plot_absolute_stability_regions(()), ValueError, "methods"),
    (lambda: P.plot_critical_damping_comparison(alpha_lambda=[]), ValueError,
     "alpha_lambda"),
    (lambda: P.plot_critical_damping_comparison(alpha_lambda=[-1.0, 1.0]), ValueError,
     "alpha_lambda"),
    (lambda: P.plot_ode_convergence("gd", steps=()), ValueError, "steps"),
    (lambda: P.plot_ode_convergence("gd", steps=(0.0,)), ValueError, "steps"),
    (lambda: P.plot_ode_convergence("gd", error_steps=(0.1,)), ValueError, "error_steps"),
    (lambda: P.plot_ode_convergence("gd", horizon=0.0), ValueError, "horizon"),
    (lambda: P.plot_ode_convergence("gd", coordinate=5), ValueError, "coordinate"),
    (lambda: P.plot_tracking_lag(betas=()), ValueError, "betas"),
    (lambda: P.plot_tracking_lag(betas=(1.0,)), ValueError, "betas"),
    (lambda: P.plot_variance_versus_beta(_fq(), ()), ValueError, "server_lrs"),
    (lambda: P.plot_variance_versus_beta(_fq(), (1.0,), betas=[0.1]), ValueError, "betas"),
    (lambda: P.plot_energy_traces(step=0.0), ValueError, "step"),
    (lambda: P.plot_energy_traces(duration=0.01, step=0.05), ValueError, "one step"),
    (lambda: P.plot_energy_traces(n_chains=0), ValueError, "n_chains"),
    (lambda: P.plot_energy_traces(n_chains=2.5), TypeError, "n_chains"),
    (lambda: P.plot_ness(resolution=1), ValueError, "resolution"),
    (lambda: P.plot_ness(span=-1.0), ValueError, "span"),
    (lambda: P.plot_langevin_bias(steps=[]), ValueError, "steps"),
    (lambda: P.plot_langevin_bias(friction="a"), TypeError, "friction"),
    (lambda: P.plot_rates_versus_kappa(legend_loc=3.5), TypeError, "legend_loc"),
    # the errors name the user's argument, not the one it becomes inside the model
    (lambda: P.plot_ness(curvature=0.0), ValueError, "curvature"),
    (lambda: P.plot_ness(noise_var=0.0), ValueError, "noise_var"),
    (lambda: P.regime_settings("heavy_ball", float("nan")), ValueError, "^h "),
    (lambda: P.pole_trajectory_data("heavy_ball", 0.1, 0.5, 1 + 1j), ValueError,
     "curvature"),
    (lambda: P.plot_tracking_lag(simulate="yes"), TypeError, "simulate"),
    (lambda: P.plot_tracking_lag(betas=[[0.5], [0.5, 0.9]]), TypeError, "betas"),
    (lambda: P.plot_ode_convergence("gd", steps=[[0.1], [0.1, 0.2]]), TypeError, "steps"),
    (lambda: P.plot_absolute_stability_regions(3), TypeError, "methods"),
    (lambda: P.plot_absolute_stability_regions(("gd", "adamw")), ValueError, r"methods\[1\]"),
    (lambda: P.plot_rates_versus_kappa(figsize="big"), TypeError, "figsize"),
    (lambda: P.plot_stability_region("heavy_ball", resolution=10, ax=[1, 2]), TypeError,
     "ax"),
])
def test_bad_plotting_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------
# CLI: region options
# --------------------------------------------------------------------------


def test_region_cli_ranges_log_and_no_critical(tmp_path, capsys):
    out = tmp_path / "r.png"
    argv = ["region", "--method", "heavy_ball", "--out", str(out), "--resolution", "30",
            "--dpi", "40", "--beta-range", "-1", "1", "--alpha-lambda-range", "0.001", "4",
            "--log", "--no-critical"]
    assert main(argv) == 0
    assert out.read_bytes()[:4] == b"\x89PNG" and str(out) in capsys.readouterr().out


@pytest.mark.parametrize("extra, word", [
    (["--beta-range", "1", "0"], "--beta-range"),
    (["--beta-range", "-2", "1"], "--beta-range"),
    (["--alpha-lambda-range", "2", "1"], "--alpha-lambda-range"),
    (["--alpha-lambda-range", "0", "1", "--log"], "--alpha-lambda-range"),
    (["--beta-range", "0"], "--beta-range"),
])
def test_region_cli_bad_ranges(extra, word, tmp_path, capsys):
    argv = ["region", "--out", str(tmp_path / "r.png"), "--resolution", "20"] + extra
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("momentum-dynamics: error:") and word in err


# --------------------------------------------------------------------------
# Meta: shared keywords, a *_data companion and documented arguments
# (after python-control's docstrings_test.py)
# --------------------------------------------------------------------------

PLOTS = sorted(n for n in P.__all__ if n.startswith("plot_")
               or n in ("bode_compare", "pole_zero_compare"))


def test_the_call_table_covers_every_plot_function():
    assert sorted(CALLS) == PLOTS


@pytest.mark.parametrize("name", PLOTS)
def test_every_plot_has_the_shared_keywords_a_data_companion_and_documented_arguments(name):
    import inspect

    func = getattr(P, name)
    params = inspect.signature(func).parameters
    assert {"ax", "figsize", "title", "legend_loc"} <= set(params)
    companion = getattr(P, name.removeprefix("plot_") + "_data")
    assert callable(companion)
    for f in (func, companion):
        doc = inspect.getdoc(f)
        for p in inspect.signature(f).parameters.values():
            if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) or p.name == "axes":
                continue
            assert p.name in doc, f"{f.__name__}: argument {p.name!r} is not documented"


def test_the_older_axes_name_draws_and_refuses_a_second_ax():
    import matplotlib.pyplot as plt

    fig, pair = plt.subplots(1, 2)
    out = P.plot_ness(resolution=5, axes=pair)
    assert out.axes == list(pair) and out.figure is fig
    with pytest.raises(TypeError, match="not both"):
        P.plot_ness(resolution=5, ax=pair, axes=pair)
    plt.close(fig)


@pytest.mark.parametrize("method, output", [("heavy_ball", "x"), ("nesterov", "step")])
def test_pole_zero_default_title_fits_its_narrow_figure(method, output):
    import matplotlib.pyplot as plt

    out = P.pole_zero_compare(method, 0.1, 1.0, output=output)
    out.figure.canvas.draw()
    box = out.ax.title.get_window_extent()
    fig_box = out.figure.bbox
    assert fig_box.x0 <= box.x0 and box.x1 <= fig_box.x1, (box, fig_box)
    plt.close(out.figure)

"""The certified-rates figure's numbers against published closed forms."""

import math

import numpy as np
import pytest

from momentum_dynamics.plotting import certified_rates_data, plot_certified_rates


def test_gd_certified_at_its_closed_form_and_nesterov_quadratic_rate():
    d = certified_rates_data([5.0, 50.0], methods=("gd", "nesterov"), iqc="sector")
    k = d.kappas
    np.testing.assert_allclose(d.certified[0], (k - 1) / (k + 1), atol=1e-5)
    # Nesterov at 1/L and (sqrt(kappa)-1)/(sqrt(kappa)+1): 1 - 1/sqrt(kappa) on quadratics
    np.testing.assert_allclose(d.quadratic[1], 1 - 1 / np.sqrt(k), rtol=1e-9)
    s = np.sqrt(k)
    np.testing.assert_allclose(d.lower_bound, (s - 1) / (s + 1), rtol=1e-15)


def test_triple_momentum_certified_at_its_design_rate_heavy_ball_loses_it():
    d = certified_rates_data([5.0, 50.0], methods=("triple_momentum", "heavy_ball"))
    assert d.certified[0] == pytest.approx(1 - 1 / np.sqrt(d.kappas), abs=1e-4)
    assert math.isfinite(d.certified[1, 0]) and d.certified[1, 0] < 1
    assert math.isnan(d.certified[1, 1])  # Polyak's tuning at kappa = 50: no certificate
    assert np.all(d.certified[~np.isnan(d.certified)] >= d.quadratic[~np.isnan(d.certified)]
                  - 1e-6)  # quadratics are in the class


def test_figure_and_bad_input():
    out = plot_certified_rates([3.0], methods=("gd",))
    assert len(out.lines) == 3 and out.data.certified.shape == (1, 1)
    with pytest.raises(ValueError, match="kappas"):
        certified_rates_data([1.0])
    with pytest.raises(ValueError, match="methods"):
        certified_rates_data([3.0], methods=("adam",))
    with pytest.raises(ValueError, match="kappas"):
        certified_rates_data([])

"""Figures: stability regions and rates (matplotlib; Axes in, what was drawn out).

Submodules and names are imported on first use (PEP 562), so importing this package
does not import matplotlib.
"""

# The imports under ``if TYPE_CHECKING:`` exist for type checkers only; ``__all__`` is built
# from the lazy table, which ruff cannot read, hence:
# ruff: noqa: F401

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

# Every public name -> the submodule that defines it.
_ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys(["AbsoluteStabilityPlot", "plot_absolute_stability_regions"],
                    "multistep"),
    **dict.fromkeys(["CriticalDampingPlot", "ODEConvergencePlot",
                     "plot_critical_damping_comparison", "plot_ode_convergence"],
                    "physics"),
    **dict.fromkeys(["bode_compare", "plot_pole_trajectories", "pole_trajectory_data",
                     "pole_zero_compare", "regime_settings"],
                    "poles"),
    **dict.fromkeys(["REGIME_COLORS", "RegionData", "RegionPlot", "plot_rates_versus_kappa",
                     "plot_stability_region", "stability_region_data"],
                    "regions"),
    **dict.fromkeys(["TrackingLagPlot", "VarianceCurvesPlot", "plot_tracking_lag",
                     "plot_variance_versus_beta"],
                    "signals"),
    **dict.fromkeys(["EnergyTracesPlot", "NessPlot", "plot_energy_traces", "plot_ness",
                     "plot_langevin_bias"],
                    "statphys"),
}

__all__ = list(_ATTRIBUTES)

__getattr__, __dir__ = lazy_exports(__name__, _ATTRIBUTES, set(_ATTRIBUTES.values()))

if TYPE_CHECKING:  # what static tools see; tests/test_startup.py keeps it equal to the table
    from .multistep import AbsoluteStabilityPlot, plot_absolute_stability_regions
    from .physics import (
        CriticalDampingPlot,
        ODEConvergencePlot,
        plot_critical_damping_comparison,
        plot_ode_convergence,
    )
    from .poles import (
        bode_compare,
        plot_pole_trajectories,
        pole_trajectory_data,
        pole_zero_compare,
        regime_settings,
    )
    from .regions import (
        REGIME_COLORS,
        RegionData,
        RegionPlot,
        plot_rates_versus_kappa,
        plot_stability_region,
        stability_region_data,
    )
    from .signals import (
        TrackingLagPlot,
        VarianceCurvesPlot,
        plot_tracking_lag,
        plot_variance_versus_beta,
    )
    from .statphys import (
        EnergyTracesPlot,
        NessPlot,
        plot_energy_traces,
        plot_langevin_bias,
        plot_ness,
    )

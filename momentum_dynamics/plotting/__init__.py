"""Figures: stability regions and rates (matplotlib; Axes in, what was drawn out)."""

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
from .statphys import EnergyTracesPlot, NessPlot, plot_energy_traces, plot_langevin_bias, plot_ness

__all__ = [
    "CriticalDampingPlot",
    "ODEConvergencePlot",
    "plot_critical_damping_comparison",
    "plot_ode_convergence",
    "EnergyTracesPlot",
    "NessPlot",
    "plot_energy_traces",
    "plot_ness",
    "plot_langevin_bias",
    "TrackingLagPlot",
    "VarianceCurvesPlot",
    "plot_tracking_lag",
    "plot_variance_versus_beta",
    "AbsoluteStabilityPlot",
    "plot_absolute_stability_regions",
    "bode_compare",
    "plot_pole_trajectories",
    "pole_trajectory_data",
    "pole_zero_compare",
    "regime_settings",
    "REGIME_COLORS",
    "RegionData",
    "RegionPlot",
    "plot_rates_versus_kappa",
    "plot_stability_region",
    "stability_region_data",
]

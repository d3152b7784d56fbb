"""Figures: stability regions and rates (matplotlib; Axes in, what was drawn out).

Every plot function takes ``ax=None``, never calls ``plt.show()`` and returns one
:class:`PlotResult` (``.figure``, ``.axes``, ``.lines``, ``.legend``, ``.data``); its
``*_data`` companion returns the numbers drawn without matplotlib.
"""

from ._result import TEXT_WIDTH, PlotResult
from .multistep import (
    AbsoluteStabilityPlot,
    absolute_stability_regions_data,
    plot_absolute_stability_regions,
)
from .physics import (
    CriticalDampingPlot,
    ODEConvergencePlot,
    critical_damping_comparison_data,
    ode_convergence_data,
    plot_critical_damping_comparison,
    plot_ode_convergence,
)
from .poles import (
    bode_compare,
    bode_compare_data,
    plot_pole_trajectories,
    pole_trajectories_data,
    pole_trajectory_data,
    pole_zero_compare,
    pole_zero_compare_data,
    regime_settings,
)
from .regions import (
    REGIME_COLORS,
    RegionData,
    RegionPlot,
    plot_rates_versus_kappa,
    plot_stability_region,
    rates_versus_kappa_data,
    stability_region_data,
)
from .signals import (
    TrackingLagPlot,
    VarianceCurvesPlot,
    plot_tracking_lag,
    plot_variance_versus_beta,
    tracking_lag_data,
    variance_versus_beta_data,
)
from .statphys import (
    EnergyTracesPlot,
    LangevinBiasPlot,
    NessPlot,
    energy_traces_data,
    langevin_bias_data,
    ness_data,
    plot_energy_traces,
    plot_langevin_bias,
    plot_ness,
)

__all__ = [
    "PlotResult",
    "TEXT_WIDTH",
    "CriticalDampingPlot",
    "ODEConvergencePlot",
    "critical_damping_comparison_data",
    "ode_convergence_data",
    "plot_critical_damping_comparison",
    "plot_ode_convergence",
    "EnergyTracesPlot",
    "NessPlot",
    "LangevinBiasPlot",
    "energy_traces_data",
    "ness_data",
    "langevin_bias_data",
    "plot_energy_traces",
    "plot_ness",
    "plot_langevin_bias",
    "TrackingLagPlot",
    "VarianceCurvesPlot",
    "tracking_lag_data",
    "variance_versus_beta_data",
    "plot_tracking_lag",
    "plot_variance_versus_beta",
    "AbsoluteStabilityPlot",
    "absolute_stability_regions_data",
    "plot_absolute_stability_regions",
    "bode_compare",
    "bode_compare_data",
    "plot_pole_trajectories",
    "pole_trajectories_data",
    "pole_trajectory_data",
    "pole_zero_compare",
    "pole_zero_compare_data",
    "regime_settings",
    "REGIME_COLORS",
    "RegionData",
    "RegionPlot",
    "plot_rates_versus_kappa",
    "rates_versus_kappa_data",
    "plot_stability_region",
    "stability_region_data",
]

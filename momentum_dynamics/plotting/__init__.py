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
    **dict.fromkeys([
        "TEXT_WIDTH", "PlotResult",
    ], "_result"),
    **dict.fromkeys([
        "AdamVsMomentumData", "adam_vs_momentum_data", "plot_adam_vs_momentum",
    ], "adaptive"),
    **dict.fromkeys([
        "WeightDecayRegionData", "plot_weight_decay_region", "weight_decay_region_data",
    ], "weight_decay"),
    **dict.fromkeys([
        "FrontierPlotData", "plot_rate_noise_frontier", "rate_noise_frontier_data",
    ], "frontier"),
    **dict.fromkeys([
        "GameRegionData", "GameTrajectoriesData", "game_region_data",
        "game_trajectories_data", "plot_game_region", "plot_game_trajectories",
    ], "games"),
    **dict.fromkeys([
        "BNLagData", "BetaTradeoffData", "RNNRegionData", "ScheduleData", "beta_tradeoff_data",
        "bn_lag_data", "plot_beta_tradeoff", "plot_bn_lag", "plot_rnn_region",
        "plot_schedule_growth", "rnn_region_data", "schedule_growth_data",
    ], "deep_learning"),
    **dict.fromkeys([
        "AbsoluteStabilityPlot", "absolute_stability_regions_data",
        "plot_absolute_stability_regions",
    ], "multistep"),
    **dict.fromkeys([
        "CriticalDampingPlot", "ODEConvergencePlot", "critical_damping_comparison_data",
        "ode_convergence_data", "plot_critical_damping_comparison",
        "plot_ode_convergence",
    ], "physics"),
    **dict.fromkeys([
        "bode_compare", "bode_compare_data", "plot_pole_trajectories",
        "pole_trajectories_data", "pole_trajectory_data", "pole_zero_compare",
        "pole_zero_compare_data", "regime_settings",
    ], "poles"),
    **dict.fromkeys([
        "REGIME_COLORS", "RegionData", "RegionPlot", "plot_rates_versus_kappa",
        "plot_stability_region", "rates_versus_kappa_data", "stability_region_data",
    ], "regions"),
    **dict.fromkeys(["WitnessData", "plot_witness", "witness_data", "CertifiedRatesData",
                     "certified_rates_data", "plot_certified_rates"], "robust"),
    **dict.fromkeys([
        "TrackingLagPlot", "VarianceCurvesPlot", "plot_tracking_lag",
        "plot_variance_versus_beta", "tracking_lag_data", "variance_versus_beta_data",
    ], "signals"),
    **dict.fromkeys([
        "EnergyTracesPlot", "LangevinBiasPlot", "NessPlot", "energy_traces_data",
        "langevin_bias_data", "ness_data", "plot_energy_traces", "plot_langevin_bias",
        "plot_ness",
    ], "statphys"),
}

__all__ = list(_ATTRIBUTES)

__getattr__, __dir__ = lazy_exports(__name__, _ATTRIBUTES, set(_ATTRIBUTES.values()))

if TYPE_CHECKING:  # what static tools see; tests/test_startup.py keeps it equal to the table
    from ._result import (
        TEXT_WIDTH,
        PlotResult,
    )
    from .adaptive import (
        AdamVsMomentumData,
        adam_vs_momentum_data,
        plot_adam_vs_momentum,
    )
    from .deep_learning import (
        BetaTradeoffData,
        BNLagData,
        RNNRegionData,
        ScheduleData,
        beta_tradeoff_data,
        bn_lag_data,
        plot_beta_tradeoff,
        plot_bn_lag,
        plot_rnn_region,
        plot_schedule_growth,
        rnn_region_data,
        schedule_growth_data,
    )
    from .frontier import (
        FrontierPlotData,
        plot_rate_noise_frontier,
        rate_noise_frontier_data,
    )
    from .games import (
        GameRegionData,
        GameTrajectoriesData,
        game_region_data,
        game_trajectories_data,
        plot_game_region,
        plot_game_trajectories,
    )
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
    from .robust import (
        CertifiedRatesData,
        WitnessData,
        certified_rates_data,
        plot_certified_rates,
        plot_witness,
        witness_data,
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
    from .weight_decay import (
        WeightDecayRegionData,
        plot_weight_decay_region,
        weight_decay_region_data,
    )

"""Figures: stability regions and rates (matplotlib; Axes in, what was drawn out)."""

from .regions import (
    REGIME_COLORS,
    RegionData,
    RegionPlot,
    plot_rates_versus_kappa,
    plot_stability_region,
    stability_region_data,
)

__all__ = [
    "REGIME_COLORS",
    "RegionData",
    "RegionPlot",
    "plot_rates_versus_kappa",
    "plot_stability_region",
    "stability_region_data",
]

"""momentum_dynamics: momentum optimizers as discrete-time dynamical systems.

The numeric analysis functions are available at the top level and broadcast like
NumPy ufuncs; their exact SymPy counterparts live in :mod:`momentum_dynamics.symbolic`
under the same names.

>>> import momentum_dynamics as md
>>> md.critical_beta("heavy_ball", alpha=0.01, curvature=1.0)
0.81
>>> md.symbolic.critical_beta("heavy_ball").stable
(sqrt(alpha)*sqrt(lambda) - 1)**2

Importing the package is instant: every submodule and every exported name is imported
on first use (PEP 562 module ``__getattr__``), so ``import momentum_dynamics`` and the
command line's ``--help`` do not pay for SymPy, python-control or matplotlib.
"""

# The imports under ``if TYPE_CHECKING:`` below exist for type checkers and editors only;
# ``__all__`` is built from the lazy table, which ruff cannot read, hence:
# ruff: noqa: F401

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from ._lazy import lazy_exports

__version__ = "0.1.0"

# Subpackages and submodules exported by name.
_EXPORTED_MODULES = ("symbolic", "plotting", "applications", "multistep", "physics", "statphys",
                     "robust")

# Every other public name -> the submodule that defines it.
_ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys(["Method", "available_methods", "get_method", "register_method",
                     "unregister_method", "gradient_descent", "heavy_ball", "nesterov",
                     "ema_momentum", "quasi_hyperbolic_momentum", "robust_momentum",
                     "triple_momentum"], "methods"),
    **dict.fromkeys(["REGIMES", "OptimalParameters", "RateRow", "poles", "spectral_radius",
                     "is_stable", "damping_regime", "critical_beta",
                     "continuous_critical_beta", "effective_learning_rate",
                     "convergence_rate", "optimal_parameters", "iterations_to_tolerance",
                     "tuned_rates", "hidden_modes", "convergence_gap", "worst_case_gap"],
                    "numeric"),
    **dict.fromkeys(["Quadratic", "QuadraticGame", "Trajectory", "simulate", "empirical_rate",
                     "sign_changes"], "simulate"),
    **dict.fromkeys(["MethodParameters", "from_pytorch_sgd", "from_optax_sgd",
                     "from_keras_sgd", "to_pytorch_sgd", "to_optax_sgd", "to_keras_sgd"],
                    "conventions"),
    **dict.fromkeys(["state_space_matrices", "to_statespace", "to_transfer_function",
                     "sympy_to_control"], "lti"),
    **dict.fromkeys(["StationaryCovariance", "stationary_covariance"], "noise"),
    **dict.fromkeys(["EMAFilter", "ema_filter", "ema_cutoff_frequency", "ema_noise_bandwidth",
                     "ema_group_delay", "ema_transfer_function", "gradient_filter",
                     "gradient_filter_system", "tracking_lag", "ramp_lag"], "filters"),
    **dict.fromkeys(["mass_spring_damper", "pd_gains"], "physics"),
    **dict.fromkeys(["boundary_locus", "absolute_stability_mask"], "multistep"),
    **dict.fromkeys(["TripleMomentumParameters", "triple_momentum_parameters",
                     "RobustMomentumParameters", "robust_momentum_parameters",
                     "FRONTIER_FAMILIES", "FrontierData", "rate_noise_frontier"], "designs"),
    **dict.fromkeys(["QHMParameters", "ConvertedParameters", "to_qhm", "from_qhm"],
                    "converters"),
}

# Submodules reachable as attributes (``momentum_dynamics.numeric``), exported or not.
_SUBMODULES = frozenset(_EXPORTED_MODULES) | {
    "cli", "conventions", "converters", "designs", "filters", "lti", "methods", "noise",
    "numeric", "simulate"}

# Names that are both a submodule and a different exported object: ``simulate`` is the
# function (as it has always been), although ``momentum_dynamics/simulate.py`` exists.
_SHADOWED = frozenset(_ATTRIBUTES) & _SUBMODULES

__all__ = [*_EXPORTED_MODULES, *_ATTRIBUTES]


__getattr__, __dir__ = lazy_exports(__name__, _ATTRIBUTES, _SUBMODULES)


class _Package(types.ModuleType):
    # The import system binds every submodule it loads on its package
    # (``setattr(momentum_dynamics, "simulate", <module>)``); for a shadowed name the
    # exported object must win, so that binding is declined.
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

if TYPE_CHECKING:  # what static tools see; tests/test_startup.py keeps it equal to the table
    from . import applications, multistep, physics, plotting, robust, statphys, symbolic
    from .conventions import (
        MethodParameters,
        from_keras_sgd,
        from_optax_sgd,
        from_pytorch_sgd,
        to_keras_sgd,
        to_optax_sgd,
        to_pytorch_sgd,
    )
    from .converters import ConvertedParameters, QHMParameters, from_qhm, to_qhm
    from .designs import (
        FRONTIER_FAMILIES,
        FrontierData,
        RobustMomentumParameters,
        TripleMomentumParameters,
        rate_noise_frontier,
        robust_momentum_parameters,
        triple_momentum_parameters,
    )
    from .filters import (
        EMAFilter,
        ema_cutoff_frequency,
        ema_filter,
        ema_group_delay,
        ema_noise_bandwidth,
        ema_transfer_function,
        gradient_filter,
        gradient_filter_system,
        ramp_lag,
        tracking_lag,
    )
    from .lti import state_space_matrices, sympy_to_control, to_statespace, to_transfer_function
    from .methods import (
        Method,
        available_methods,
        ema_momentum,
        get_method,
        gradient_descent,
        heavy_ball,
        nesterov,
        quasi_hyperbolic_momentum,
        register_method,
        robust_momentum,
        triple_momentum,
        unregister_method,
    )
    from .multistep import absolute_stability_mask, boundary_locus
    from .noise import StationaryCovariance, stationary_covariance
    from .numeric import (
        REGIMES,
        OptimalParameters,
        RateRow,
        continuous_critical_beta,
        convergence_gap,
        convergence_rate,
        critical_beta,
        damping_regime,
        effective_learning_rate,
        hidden_modes,
        is_stable,
        iterations_to_tolerance,
        optimal_parameters,
        poles,
        spectral_radius,
        tuned_rates,
        worst_case_gap,
    )
    from .physics import mass_spring_damper, pd_gains
    from .simulate import (
        Quadratic,
        QuadraticGame,
        Trajectory,
        empirical_rate,
        sign_changes,
        simulate,
    )

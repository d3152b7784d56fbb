"""momentum_dynamics: momentum optimizers as discrete-time dynamical systems.

The numeric analysis functions are available at the top level and broadcast like
NumPy ufuncs; their exact SymPy counterparts live in :mod:`momentum_dynamics.symbolic`
under the same names.

>>> import momentum_dynamics as md
>>> md.critical_beta("heavy_ball", alpha=0.01, curvature=1.0)
0.81
>>> md.symbolic.critical_beta("heavy_ball").stable
(sqrt(alpha)*sqrt(lambda) - 1)**2
"""

from . import applications, multistep, physics, plotting, statphys, symbolic
from .conventions import (
    MethodParameters,
    from_keras_sgd,
    from_optax_sgd,
    from_pytorch_sgd,
    to_keras_sgd,
    to_optax_sgd,
    to_pytorch_sgd,
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
    register_method,
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
from .simulate import Quadratic, Trajectory, empirical_rate, sign_changes, simulate

__version__ = "0.1.0"

__all__ = [
    "symbolic",
    "plotting",
    "applications",
    "Method",
    "available_methods",
    "get_method",
    "register_method",
    "unregister_method",
    "gradient_descent",
    "heavy_ball",
    "nesterov",
    "ema_momentum",
    "REGIMES",
    "OptimalParameters",
    "RateRow",
    "poles",
    "hidden_modes",
    "spectral_radius",
    "is_stable",
    "convergence_gap",
    "damping_regime",
    "critical_beta",
    "continuous_critical_beta",
    "effective_learning_rate",
    "convergence_rate",
    "worst_case_gap",
    "optimal_parameters",
    "iterations_to_tolerance",
    "tuned_rates",
    "Quadratic",
    "Trajectory",
    "simulate",
    "empirical_rate",
    "sign_changes",
    "MethodParameters",
    "from_pytorch_sgd",
    "from_optax_sgd",
    "from_keras_sgd",
    "to_pytorch_sgd",
    "to_optax_sgd",
    "to_keras_sgd",
    "state_space_matrices",
    "to_statespace",
    "to_transfer_function",
    "sympy_to_control",
    "StationaryCovariance",
    "stationary_covariance",
    "EMAFilter",
    "ema_filter",
    "ema_cutoff_frequency",
    "ema_noise_bandwidth",
    "ema_group_delay",
    "ema_transfer_function",
    "gradient_filter",
    "gradient_filter_system",
    "tracking_lag",
    "ramp_lag",
    "multistep",
    "physics",
    "statphys",
    "mass_spring_damper",
    "pd_gains",
    "boundary_locus",
    "absolute_stability_mask",
]

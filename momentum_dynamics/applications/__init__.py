"""Deep-learning readings built on the core: federated server momentum, batch-norm lag,
learning-rate and momentum schedules, weight decay, Adam and AdamW, momentum in min-max
games (GANs), ...

Submodules and names are imported on first use (PEP 562), so importing this package
costs nothing until a name is used.
"""

# The imports under ``if TYPE_CHECKING:`` exist for type checkers only; ``__all__`` is built
# from the lazy table, which ruff cannot read, hence:
# ruff: noqa: F401

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

# Every public name -> the submodule that defines it.
_ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys(["FederatedQuadratic", "OptimalServerBeta", "optimal_server_beta",
                     "server_momentum_model", "server_statespace", "server_variance"],
                    "federated"),
    **dict.fromkeys(["BN_LAG_METHOD", "heavy_ball_bn_lag", "bn_lag_method",
                     "check_bn_momentum", "bn_lag_stability", "bn_lag_max_step",
                     "BNPhaseLag", "bn_lag_phase"],
                    "batchnorm"),
    **dict.fromkeys(["transition_product", "ScheduleGrowth", "schedule_growth",
                     "linear_warmup", "beta_ramp", "step_decay", "AmplificationExample",
                     "transient_amplification_example"],
                    "schedules"),
    **dict.fromkeys(["heavy_ball_l2", "sgdw", "WEIGHT_DECAY_METHODS",
                     "register_weight_decay_methods", "WeightDecayPolynomials",
                     "weight_decay_polynomials", "CurvatureShift", "curvature_shift",
                     "DecoupledDecayPoles", "decoupled_decay_poles",
                     "weight_decay_stability_conditions", "StableStepInterval",
                     "stable_step_interval", "max_stable_step", "WeightDecayCriticalBeta",
                     "weight_decay_critical_beta", "WeightDecayTuning", "weight_decay_tuning"],
                    "weight_decay"),
    **dict.fromkeys(["adam", "adamw", "adam_frozen", "adamw_frozen", "ADAPTIVE_METHODS",
                     "FrozenEquivalence", "frozen_equivalence", "frozen_adamw_poles",
                     "frozen_max_stable_step", "preconditioned_condition_number",
                     "anisotropic_quadratic", "START", "anisotropic_start",
                     "effective_step_sizes",
                     "steps_to_tolerance", "AdamComparison", "compare_adam_momentum"],
                    "adaptive"),
    **dict.fromkeys(["alpha_sigma", "BilinearGame", "bilinear_game", "GameRegion",
                     "game_stability_region", "BestGameMomentum", "best_game_momentum",
                     "GameCovariance", "game_stationary_covariance"],
                    "games"),
    **dict.fromkeys(["rnn_cell", "rnn_loss", "rnn_hessian_symbolic", "RNNCurvature",
                     "rnn_curvature", "rnn_transition_matrix", "rnn_stability",
                     "rnn_spectral_radius", "rnn_max_alpha", "RNNTraining", "rnn_training"],
                    "rnn"),
    **dict.fromkeys(["largest_stable_step", "BetaTradeoff", "beta_tradeoff", "PlateauCliff",
                     "Overshoot", "overshoot"],
                    "landscapes"),
}

__all__ = list(_ATTRIBUTES)

__getattr__, __dir__ = lazy_exports(__name__, _ATTRIBUTES, set(_ATTRIBUTES.values()))

if TYPE_CHECKING:  # what static tools see; tests/test_startup.py keeps it equal to the table
    from .adaptive import (
        ADAPTIVE_METHODS,
        START,
        AdamComparison,
        FrozenEquivalence,
        adam,
        adam_frozen,
        adamw,
        adamw_frozen,
        anisotropic_quadratic,
        anisotropic_start,
        compare_adam_momentum,
        effective_step_sizes,
        frozen_adamw_poles,
        frozen_equivalence,
        frozen_max_stable_step,
        preconditioned_condition_number,
        steps_to_tolerance,
    )
    from .batchnorm import (
        BN_LAG_METHOD,
        BNPhaseLag,
        bn_lag_max_step,
        bn_lag_method,
        bn_lag_phase,
        bn_lag_stability,
        check_bn_momentum,
        heavy_ball_bn_lag,
    )
    from .federated import (
        FederatedQuadratic,
        OptimalServerBeta,
        optimal_server_beta,
        server_momentum_model,
        server_statespace,
        server_variance,
    )
    from .games import (
        BestGameMomentum,
        BilinearGame,
        GameCovariance,
        GameRegion,
        alpha_sigma,
        best_game_momentum,
        bilinear_game,
        game_stability_region,
        game_stationary_covariance,
    )
    from .landscapes import (
        BetaTradeoff,
        Overshoot,
        PlateauCliff,
        beta_tradeoff,
        largest_stable_step,
        overshoot,
    )
    from .rnn import (
        RNNCurvature,
        RNNTraining,
        rnn_cell,
        rnn_curvature,
        rnn_hessian_symbolic,
        rnn_loss,
        rnn_max_alpha,
        rnn_spectral_radius,
        rnn_stability,
        rnn_training,
        rnn_transition_matrix,
    )
    from .schedules import (
        AmplificationExample,
        ScheduleGrowth,
        beta_ramp,
        linear_warmup,
        schedule_growth,
        step_decay,
        transient_amplification_example,
        transition_product,
    )
    from .weight_decay import (
        WEIGHT_DECAY_METHODS,
        CurvatureShift,
        DecoupledDecayPoles,
        StableStepInterval,
        WeightDecayCriticalBeta,
        WeightDecayPolynomials,
        WeightDecayTuning,
        curvature_shift,
        decoupled_decay_poles,
        heavy_ball_l2,
        max_stable_step,
        register_weight_decay_methods,
        sgdw,
        stable_step_interval,
        weight_decay_critical_beta,
        weight_decay_polynomials,
        weight_decay_stability_conditions,
        weight_decay_tuning,
    )

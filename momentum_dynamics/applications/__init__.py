"""Deep-learning readings built on the core: federated server momentum, batch-norm lag,
learning-rate and momentum schedules, ...

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

"""Deep-learning readings built on the core: federated server momentum, ..."""

from .federated import (
    FederatedQuadratic,
    OptimalServerBeta,
    optimal_server_beta,
    server_momentum_model,
    server_statespace,
    server_variance,
)

__all__ = [
    "FederatedQuadratic",
    "OptimalServerBeta",
    "optimal_server_beta",
    "server_momentum_model",
    "server_statespace",
    "server_variance",
]

"""Deep-learning readings built on the core: federated server momentum, ...

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
}

__all__ = list(_ATTRIBUTES)

__getattr__, __dir__ = lazy_exports(__name__, _ATTRIBUTES, set(_ATTRIBUTES.values()))

if TYPE_CHECKING:  # what static tools see; tests/test_startup.py keeps it equal to the table
    from .federated import (
        FederatedQuadratic,
        OptimalServerBeta,
        optimal_server_beta,
        server_momentum_model,
        server_statespace,
        server_variance,
    )

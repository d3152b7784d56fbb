"""Beyond quadratics: a momentum method as a Lur'e system (a linear system in feedback with
the gradient), certified worst-case rates on L-smooth, mu-strongly convex functions, and
witnesses (functions in that class) on which the quadratic picture fails.

Submodules and names are imported on first use (PEP 562): cvxpy is loaded only when a
certificate is computed.

References
----------
Lessard, Recht & Packard (2016), "Analysis and design of optimization algorithms via
integral quadratic constraints", SIAM J. Optim. 26(1).
"""

# ruff: noqa: F401

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

# Every public name -> the submodule that defines it (one line per submodule).
_ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys([
        "ClassCheck", "CycleWitness", "PiecewiseQuadratic", "find_cycle",
        "interpolation_violation", "quadratic_rate_extends",
    ], "witness"),
    **dict.fromkeys(["LureSystem", "lure_matrices", "lure_ss", "lure_system"], "lure"),
    **dict.fromkeys(["Certificate", "certified_rate", "verify_certificate"], "certify"),
}

__all__ = list(_ATTRIBUTES)

__getattr__, __dir__ = lazy_exports(__name__, _ATTRIBUTES, set(_ATTRIBUTES.values()))

if TYPE_CHECKING:  # what static tools see; tests/test_startup.py keeps it equal to the table
    from .certify import Certificate, certified_rate, verify_certificate
    from .lure import LureSystem, lure_matrices, lure_ss, lure_system
    from .witness import (
        ClassCheck,
        CycleWitness,
        PiecewiseQuadratic,
        find_cycle,
        interpolation_violation,
        quadratic_rate_extends,
    )

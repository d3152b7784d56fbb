"""Argument checks shared by the physics readings."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._validation import check_positive
from ..methods import Method, get_method

# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def _check_dt(value, name: str = "dt") -> np.ndarray:
    return check_positive(value, name, "the time step")


_MSD_READING = (
    "the mass-spring-damper reading needs a two-step recurrence with momentum beta (a "
    "second difference gives the mass). Gradient descent x_{k+1} = (1 - alpha*lambda) x_k "
    "is a one-step recurrence: massless, its limit is gradient flow c x' + k x = 0 "
    "(see ode_trajectory('gradient_flow', ...))"
)


def _second_order(method, reading: str = _MSD_READING) -> Method:
    """The method, if it has two state variables and a momentum ``beta``.

    ``reading`` says (in the error) why the caller's reading needs one.
    """
    m = get_method(method)
    if m.order != 2 or not m.has_momentum:
        raise ValueError(
            f"method {m.name!r} has {m.order} state variable(s) and "
            f"{'a' if m.has_momentum else 'no'} momentum parameter: {reading}"
        )
    return m


def _realisable(a, b, shape: tuple, beta_error: Callable[[tuple, float], str],
                alpha_error: str) -> tuple[np.ndarray, np.ndarray]:
    """The (alpha, beta) an inverse map solved for, broadcast to ``shape``.

    Refuses a momentum outside [-1, 1] (``beta_error(index, beta)`` words the message
    in the caller's arguments) and a learning rate that is not > 0.
    """
    a = np.broadcast_to(np.asarray(a, float), shape)
    b = np.broadcast_to(np.asarray(b, float), shape)
    bad = ~(np.isfinite(b) & (b >= -1) & (b <= 1))
    if np.any(bad):
        i = tuple(np.argwhere(bad)[0])
        raise ValueError(beta_error(i, b[i]))
    if not np.all(np.isfinite(a) & (a > 0)):
        raise ValueError(alpha_error)
    return a, b

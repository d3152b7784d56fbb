"""Argument checks shared by the physics readings."""

from __future__ import annotations

import numpy as np

from .._validation import (
    as_real_array,
)
from ..lti import _scalar as _lti_scalar
from ..methods import Method, get_method

# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def _positive(value, name: str, what: str) -> np.ndarray:
    arr = as_real_array(value, name)
    bad = arr <= 0
    if np.any(bad):
        first = arr[bad].flat[0].item()
        raise ValueError(f"{name} ({what}) must be > 0; got {first!r}")
    return arr


def _check_dt(value, name: str = "dt") -> np.ndarray:
    return _positive(value, name, "the time step")


def _second_order(method) -> Method:
    m = get_method(method)
    if m.order != 2 or not m.has_momentum:
        raise ValueError(
            f"method {m.name!r} has {m.order} state variable(s) and "
            f"{'a' if m.has_momentum else 'no'} momentum parameter: the mass-spring-damper "
            "reading needs a two-step recurrence with momentum beta (a second difference "
            "gives the mass). Gradient descent x_{k+1} = (1 - alpha*lambda) x_k is a "
            "one-step recurrence: massless, its limit is gradient flow c x' + k x = 0 "
            "(see ode_trajectory('gradient_flow', ...))"
        )
    return m


def _scalar(arr: np.ndarray, name: str) -> float:
    return float(_lti_scalar(arr, name))



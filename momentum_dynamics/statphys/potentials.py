"""Potentials: the quadratic and the double well; Boltzmann averages."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._validation import as_real_array, check_count
from ._common import (
    _scalar,
)

__all__ = [
    "Potential",
    "quadratic_potential",
    "double_well_potential",
    "boltzmann_expectation",
]


# --------------------------------------------------------------------------
# Potentials
# --------------------------------------------------------------------------


class Potential(NamedTuple):
    """A potential ``f`` on positions of shape ``(..., d)`` (the last axis is the coordinate).

    Attributes
    ----------
    name : str
    value : callable
        ``value(x) -> f(x)`` of shape ``(...)``.
    grad : callable
        ``grad(x) -> nabla f(x)`` of shape ``(..., d)``.
    hessian : ndarray (d, d) or None
        The constant Hessian of a quadratic; ``None`` otherwise.
    """

    name: str
    value: Callable
    grad: Callable
    hessian: np.ndarray | None = None


def _resolve(grad, value):
    if isinstance(grad, Potential):
        return grad.grad, (grad.value if value is None else value)
    if not callable(grad):
        raise TypeError(f"grad must be a Potential or a callable; got {type(grad).__name__}")
    if value is not None and not callable(value):
        raise TypeError(f"value must be callable or None; got {type(value).__name__}")
    return grad, value


def quadratic_potential(hessian=1.0) -> Potential:
    """The quadratic :math:`f(x) = x^\\top H x / 2`, :math:`\\nabla f = H x`.

    Parameters
    ----------
    hessian : float, 1-D (diagonal) or symmetric (d, d) array

    Examples
    --------
    >>> f = quadratic_potential([1.0, 4.0])
    >>> f.value(np.array([1.0, 1.0])), f.grad(np.array([1.0, 1.0]))
    (2.5, array([1., 4.]))
    """
    H = as_real_array(hessian, "hessian")
    H = np.atleast_1d(H)
    if H.ndim == 1:
        H = np.diag(H)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"hessian must be a scalar, a 1-D diagonal or a square matrix; "
                         f"got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-12, atol=0.0):
        raise ValueError("hessian must be symmetric")

    def value(x):
        x = np.asarray(x, dtype=float)
        out = 0.5 * np.einsum("...i,ij,...j->...", x, H, x)
        return out.item() if out.ndim == 0 else out

    def grad(x):
        return np.asarray(x, dtype=float) @ H  # H symmetric

    return Potential("quadratic", value, grad, H)


def double_well_potential(height: float = 1.0) -> Potential:
    """The double well :math:`f(x) = a \\sum_i (x_i^2 - 1)^2`, :math:`\\partial_i f = 4 a x_i
    (x_i^2 - 1)`: minima at :math:`\\pm 1`, barrier :math:`a` at 0 (per coordinate).

    Examples
    --------
    >>> f = double_well_potential()
    >>> f.value(np.array([0.0])), f.grad(np.array([2.0]))
    (1.0, array([24.]))
    """
    a = _scalar(height, "height", positive=True)

    def value(x):
        x = np.asarray(x, dtype=float)
        out = a * np.sum((x * x - 1.0) ** 2, axis=-1)
        return out.item() if out.ndim == 0 else out

    def grad(x):
        x = np.asarray(x, dtype=float)
        return 4.0 * a * x * (x * x - 1.0)

    return Potential("double well", value, grad, None)



def boltzmann_expectation(potential, temperature, observable=None, *, bounds=(-5.0, 5.0),
                          points: int = 20001) -> float:
    """:math:`E[g(x)]` under :math:`p(x) \\propto e^{-f(x)/T}` in one dimension (quadrature).

    Parameters
    ----------
    potential : Potential or callable
        ``f`` (a :class:`Potential`'s value, or a callable on 1-D arrays of positions).
    temperature : float
        ``T > 0``.
    observable : callable, optional
        ``g``; default ``f`` itself (the mean potential energy).
    bounds : (float, float)
        Integration interval (the density must be negligible outside).

    Examples
    --------
    >>> round(boltzmann_expectation(quadratic_potential(2.0), 0.5, lambda x: x**2), 6)
    0.25
    """
    f = potential.value if isinstance(potential, Potential) else potential
    T = _scalar(temperature, "temperature", positive=True)
    x = np.linspace(float(bounds[0]), float(bounds[1]), check_count(points, "points", 3))
    fx = np.asarray(f(x[:, None]), dtype=float).reshape(x.shape)
    w = np.exp(-(fx - fx.min()) / T)
    g = fx if observable is None else np.asarray(observable(x), dtype=float)
    return float(np.trapezoid(g * w, x) / np.trapezoid(w, x))


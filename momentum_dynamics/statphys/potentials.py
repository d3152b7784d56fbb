"""Potentials: the quadratic and the double well; Boltzmann averages."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._validation import as_real_array, check_count
from ..simulate import Quadratic
from ._common import (
    _scalar,
)

# NumPy 2 renamed trapz to trapezoid; the declared floor is NumPy 1.24.
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # noqa: NPY201

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
    problem : Quadratic or None
        The quadratic itself (:class:`~momentum_dynamics.simulate.Quadratic`), if it is one.

    See Also
    --------
    quadratic_potential, double_well_potential : build one.

    Examples
    --------
    >>> f = quadratic_potential(2.0)
    >>> f.name, f.hessian, f.value(np.array([1.0]))
    ('quadratic', array([[2.]]), 1.0)
    """

    name: str
    value: Callable
    grad: Callable
    hessian: np.ndarray | None = None
    problem: Quadratic | None = None


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

    The :class:`~momentum_dynamics.simulate.Quadratic` of the simulations, as a potential.

    Parameters
    ----------
    hessian : float, 1-D (diagonal) or symmetric (d, d) array
        The Hessian :math:`H`.

    Returns
    -------
    Potential
        With ``problem`` the :class:`~momentum_dynamics.simulate.Quadratic`.

    See Also
    --------
    momentum_dynamics.simulate.Quadratic : the quadratic itself.
    double_well_potential : a non-convex potential.

    Examples
    --------
    >>> f = quadratic_potential([1.0, 4.0])
    >>> f.value(np.array([1.0, 1.0])), f.grad(np.array([1.0, 1.0]))
    (2.5, array([1., 4.]))
    """
    q = Quadratic(hessian)
    return Potential("quadratic", q.value, q.grad, q.hessian, q)


def double_well_potential(height: float = 1.0) -> Potential:
    """The double well :math:`f(x) = a \\sum_i (x_i^2 - 1)^2`, :math:`\\partial_i f = 4 a x_i
    (x_i^2 - 1)`: minima at :math:`\\pm 1`, barrier :math:`a` at 0 (per coordinate).

    Parameters
    ----------
    height : float
        The barrier height :math:`a > 0`.

    Returns
    -------
    Potential
        Without a Hessian (it is not constant).

    See Also
    --------
    quadratic_potential : the convex case.

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


def _interval(value, name: str) -> tuple[float, float]:
    """A finite interval ``(lo, hi)`` with ``lo < hi``."""
    b = as_real_array(value, name)
    if b.shape != (2,):
        raise ValueError(f"{name} must be a pair (lo, hi); got shape {b.shape}")
    if not b[0] < b[1]:
        raise ValueError(f"{name} must have lo < hi; got {tuple(b.tolist())}")
    return float(b[0]), float(b[1])


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
        Integration interval ``lo < hi`` (the density must be negligible outside).
    points : int
        Number of quadrature points (trapezoidal rule), >= 3.

    Returns
    -------
    float
        The Boltzmann average of ``g``.

    See Also
    --------
    underdamped_langevin : samples the same distribution.

    Examples
    --------
    >>> round(boltzmann_expectation(quadratic_potential(2.0), 0.5, lambda x: x**2), 6)
    0.25
    """
    f = potential.value if isinstance(potential, Potential) else potential
    if not callable(f):
        raise TypeError(f"potential must be a Potential or a callable; got "
                        f"{type(potential).__name__}")
    if observable is not None and not callable(observable):
        raise TypeError(f"observable must be callable or None; got "
                        f"{type(observable).__name__}")
    T = _scalar(temperature, "temperature", positive=True)
    lo, hi = _interval(bounds, "bounds")
    x = np.linspace(lo, hi, check_count(points, "points", 3))
    fx = np.asarray(f(x[:, None]), dtype=float).reshape(x.shape)
    w = np.exp(-(fx - fx.min()) / T)
    g = fx if observable is None else np.asarray(observable(x), dtype=float)
    return float(_trapezoid(g * w, x) / _trapezoid(w, x))


"""Argument checks shared by the statistical-physics readings."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._validation import (
    as_real_array,
    check_hessian,
    check_noise_cov,
    check_nonnegative,
    check_positive,
    check_scalar,
)

# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------


def _scalar(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    v = check_scalar(value, name)
    if positive:
        check_positive(v, name)
    if nonnegative:
        check_nonnegative(v, name)
    return v


def _position(value, name: str) -> np.ndarray:
    """A position or velocity: scalars become shape (1,); the last axis is the coordinate."""
    arr = as_real_array(value, name)
    return arr.reshape(1) if arr.ndim == 0 else arr


def _match(arr: np.ndarray, shape: tuple, name: str, other: str) -> np.ndarray:
    try:
        return np.broadcast_to(arr, shape).copy()
    except ValueError:
        raise ValueError(f"{name} with shape {arr.shape} does not match {other} with "
                         f"shape {shape}") from None


def _call_grad(grad: Callable, x: np.ndarray) -> np.ndarray:
    g = np.asarray(grad(x), dtype=float)
    if g.shape != x.shape:
        try:
            g = np.broadcast_to(g, x.shape)
        except ValueError:
            raise ValueError(f"grad must return an array shaped like its argument "
                             f"{x.shape}; got {g.shape}") from None
    return g


def _check_start(grad: Callable, x: np.ndarray, name: str) -> None:
    """Evaluate ``grad`` once at the start so that a dimension mismatch between the
    start and the potential is reported under the start's name, not mid-run."""
    try:
        g = np.asarray(grad(x), dtype=float)
    except ValueError as exc:
        raise ValueError(f"{name} of shape {x.shape} does not fit the potential's "
                         f"gradient: {exc}") from None
    try:
        np.broadcast_to(g, x.shape)
    except ValueError:
        raise ValueError(f"{name} has dimension {x.shape[-1]} but grad returned shape "
                         f"{g.shape} for positions of shape {x.shape}; give {name} the "
                         "potential's dimension") from None


def _positive_definite(hessian, name: str = "hessian") -> np.ndarray:
    """A symmetric positive-definite (d, d) matrix from a scalar, 1-D or 2-D input."""
    lam, Q = check_hessian(np.atleast_1d(np.asarray(as_real_array(hessian, name))), name)
    if np.any(lam <= 0):
        raise ValueError(f"{name} must be positive definite (a stationary distribution "
                         f"needs a confining potential); smallest eigenvalue {lam.min()!r}")
    return np.diag(lam) if Q is None else (Q * lam) @ Q.T


def _noise_matrix(noise_cov, d: int, name: str = "noise_cov") -> np.ndarray:
    """A symmetric positive semi-definite (d, d) matrix from a scalar, 1-D or 2-D input."""
    S_ = check_noise_cov(as_real_array(noise_cov, name), d, name)
    return np.diag(S_) if S_.ndim == 1 else S_


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None; got {rng!r}")


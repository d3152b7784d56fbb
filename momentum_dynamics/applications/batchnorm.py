"""Batch-norm lag: heavy ball whose gradient is taken at an EMA of the iterate.

A batch-normalised network is trained with statistics that are exponential moving
averages (the batch-norm momentum) of the current ones, so the optimiser descends a
landscape that lags behind its own iterate. A common reading in the deep-learning
literature is that high optimiser momentum ``beta`` amplifies this lag into a phase
difference between the velocity and the true gradient, and hence into oscillation or
instability. This module makes the claim checkable on the smallest linear model.

The model (one Hessian direction, curvature ``lambda``) adds the running statistic
``m`` to heavy ball's state (Polyak 1964, velocity form):

.. math::

    m_t = \\rho\\, m_{t-1} + (1-\\rho)\\, x_{t-1}, \\qquad
    v_t = \\beta v_{t-1} + \\alpha \\nabla f(m_t), \\qquad x_t = x_{t-1} - v_t,

with :math:`\\rho` = ``bn_momentum`` in the Keras/TensorFlow convention (running =
``rho * running + (1 - rho) * batch``; Keras' default is 0.99, PyTorch's
``momentum=0.1`` is ``rho = 0.9``).

Why this linearisation: on a quadratic the gradient is affine in the point where it is
evaluated, so evaluating it with running statistics is, to first order, evaluating it at
a convex combination ``x + c (m - x)`` of the iterate and its EMA. We take the extreme
``c = 1`` (the gradient sees only the running statistic), the largest lag the EMA can
cause, with no extra parameter; ``bn_momentum = 0`` gives back heavy ball exactly (the
extra pole is then 0). The rule is written once (:func:`heavy_ball_bn_lag`) and
registered as ``"heavy_ball_bn_lag"``; its poles, stability conditions and transfer
functions are derived from it by :mod:`momentum_dynamics.symbolic`.

What it shows: the characteristic polynomial is a cubic whose Schur-Cohn conditions
give, besides heavy ball's flip boundary (a pole at -1, now at
``alpha*lambda = 2(1+beta)(1+rho)/(1-rho)``), a Neimark-Sacker boundary (a complex pair
on the unit circle: the onset of oscillation) at
``alpha*lambda = (1-beta)(1-beta*rho)/(beta*rho)``. For ``beta = 0.9`` the largest
stable ``alpha*lambda`` falls from 3.8 (``rho = 0``) to 0.12 at ``rho = 0.5`` and
0.023 at ``rho = 0.9`` (:func:`bn_lag_max_step`). The claim holds with a caveat: a
small lag first *widens* the stable range (the EMA low-passes the gradient and pushes
the flip boundary out), and the Neimark-Sacker boundary takes over only above a
``rho`` that is small for large ``beta`` (0.2 at ``beta = 0.5``, about 0.025 at
``beta = 0.9``); without
momentum (``beta = 0``) the lag only widens it. At a drifting optimum the velocity
trails the true gradient by a phase that grows with both ``beta`` and ``rho``, and
the part due to the lag grows with ``beta``: at ``omega = 0.05``,
``alpha*lambda = 0.01`` and ``rho = 0.9`` the lag is 0.79 steps without momentum and
24.7 steps at ``beta = 0.9`` (8.4 of them without batch-norm lag)
(:func:`bn_lag_phase`).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from .. import symbolic as S
from .._compile import compile_numpy
from .._validation import as_real_array, broadcast, check_positive, to_output
from ..methods import Method, get_method, register_method
from ..numeric import is_stable

__all__ = [
    "BN_LAG_METHOD",
    "heavy_ball_bn_lag",
    "bn_lag_method",
    "check_bn_momentum",
    "bn_lag_stability",
    "bn_lag_max_step",
    "BNPhaseLag",
    "bn_lag_phase",
]

#: Registry name of :func:`heavy_ball_bn_lag`.
BN_LAG_METHOD = "heavy_ball_bn_lag"


def check_bn_momentum(bn_momentum) -> np.ndarray:
    """Validate the batch-norm momentum: finite, real, in [0, 1).

    Parameters
    ----------
    bn_momentum : array_like
        EMA factor of the running statistics (Keras convention).

    Returns
    -------
    ndarray
        ``bn_momentum`` as a float array.

    Raises
    ------
    ValueError, TypeError
        Outside [0, 1), NaN, complex or not a number, naming ``bn_momentum``.

    See Also
    --------
    bn_lag_stability

    Examples
    --------
    >>> check_bn_momentum([0.0, 0.9])
    array([0. , 0.9])
    >>> check_bn_momentum(1.0)
    Traceback (most recent call last):
    ...
    ValueError: bn_momentum must lie in [0, 1) (the EMA factor of the running statistics); got 1.0
    """
    arr = as_real_array(bn_momentum, "bn_momentum")
    bad = (arr < 0) | (arr >= 1)
    if np.any(bad):
        raise ValueError("bn_momentum must lie in [0, 1) (the EMA factor of the running "
                         f"statistics); got {arr[bad].flat[0].item()!r}")
    return arr


def heavy_ball_bn_lag(x, v, m, grad, alpha, beta, bn_momentum):
    r"""Heavy ball with the gradient taken at the batch-norm running statistic.

    .. math:: m_t = \rho m_{t-1} + (1-\rho) x_{t-1}, \quad
              v_t = \beta v_{t-1} + \alpha \nabla f(m_t), \quad x_t = x_{t-1} - v_t

    Parameters
    ----------
    x : float, ndarray or sympy.Expr
        The iterate :math:`x_{t-1}`.
    v : float, ndarray or sympy.Expr
        The velocity :math:`v_{t-1}`.
    m : float, ndarray or sympy.Expr
        The running statistic :math:`m_{t-1}` (an EMA of the iterates).
    grad : callable
        Gradient oracle, ``grad(x)`` :math:`= \nabla f(x)`.
    alpha : float or sympy.Expr
        Learning rate, > 0.
    beta : float or sympy.Expr
        Optimiser momentum.
    bn_momentum : float or sympy.Expr
        :math:`\rho`, the batch-norm momentum, in [0, 1).

    Returns
    -------
    tuple
        ``(x_t, v_t, m_t)``, the new state.

    See Also
    --------
    momentum_dynamics.methods.heavy_ball : the case ``bn_momentum = 0``.

    Examples
    --------
    >>> heavy_ball_bn_lag(1.0, 0.0, 0.0, lambda x: 2 * x, alpha=0.1, beta=0.9, bn_momentum=0.5)
    (0.9, 0.1, 0.5)
    """
    if not isinstance(bn_momentum, sp.Basic):  # numbers: refuse a meaningless EMA factor
        check_bn_momentum(bn_momentum)
    m = bn_momentum * m + (1 - bn_momentum) * x
    v = beta * v + alpha * grad(m)
    return x - v, v, m


def bn_lag_method() -> Method:
    """The registered :class:`~momentum_dynamics.methods.Method` of :func:`heavy_ball_bn_lag`.

    Registers the rule under :data:`BN_LAG_METHOD` on first use; later calls return the
    same object (idempotent). A different rule already registered under that name is
    not replaced (ValueError from :func:`~momentum_dynamics.register_method`).

    Returns
    -------
    Method
        State ``("x", "v", "m")``, hyper-parameters ``("alpha", "beta", "bn_momentum")``.

    See Also
    --------
    heavy_ball_bn_lag

    Examples
    --------
    >>> bn_lag_method().state, bn_lag_method().hyperparameters
    (('x', 'v', 'm'), ('alpha', 'beta', 'bn_momentum'))
    >>> bn_lag_method() is bn_lag_method()
    True
    """
    try:
        existing = get_method(BN_LAG_METHOD)
    except ValueError:
        existing = None
    if existing is not None and existing.update is heavy_ball_bn_lag:
        return existing
    # A reloaded copy of this module registered an equal rule: take its place.
    ours = existing is not None and (
        getattr(existing.update, "__module__", None) == heavy_ball_bn_lag.__module__
        and getattr(existing.update, "__qualname__", None) == heavy_ball_bn_lag.__qualname__)
    return register_method(heavy_ball_bn_lag, BN_LAG_METHOD, title="heavy ball, BN lag",
                           overwrite=ours)


bn_lag_method()


def _points(alpha_lambda, beta, bn_momentum):
    h = check_positive(alpha_lambda, "alpha_lambda")
    b = as_real_array(beta, "beta")
    r = check_bn_momentum(bn_momentum)
    shape = broadcast((h, "alpha_lambda"), (b, "beta"), (r, "bn_momentum"))
    return h, b, r, shape


def bn_lag_stability(alpha_lambda, beta, bn_momentum):
    """Whether heavy ball with batch-norm lag converges, on a grid of parameters.

    Evaluated by :func:`momentum_dynamics.is_stable` on the registered rule with
    ``alpha = alpha_lambda`` and ``lambda = 1`` (the poles depend on the product only).

    Parameters
    ----------
    alpha_lambda : array_like
        :math:`\\alpha\\lambda > 0`.
    beta : array_like
        Optimiser momentum.
    bn_momentum : array_like
        Batch-norm momentum in [0, 1); everything broadcasts.

    Returns
    -------
    bool or ndarray of bool
        True where every pole lies inside the unit circle.

    See Also
    --------
    bn_lag_max_step : the edge of the stable set.

    Examples
    --------
    >>> bn_lag_stability(0.05, 0.9, [0.0, 0.5, 0.9])
    array([ True,  True, False])
    """
    h, b, r, shape = _points(alpha_lambda, beta, bn_momentum)
    return is_stable(bn_lag_method(), alpha=np.broadcast_to(h, shape), beta=b,
                     curvature=1.0, bn_momentum=r)


@cache
def _boundary_coefficients():
    """Coefficients in ``alpha`` (at ``lambda = 1``) of every factor of every Schur-Cohn
    condition: the points where a condition changes sign, as functions of (beta, rho)."""
    m = bn_lag_method()
    rho = S.hyperparameter_symbols(m)["bn_momentum"]
    cond = S.stability_conditions(m)
    factors = set()
    for rel in cond.atoms(sp.core.relational.Relational):
        expr = (rel.lhs - rel.rhs).subs(S.curvature, 1)
        for f, _ in sp.factor_list(expr)[1]:
            if f.has(S.alpha):
                factors.add(f)
    polys = [sp.Poly(f, S.alpha).all_coeffs() for f in sorted(factors, key=sp.default_sort_key)]
    return [compile_numpy([S.beta, rho], c) for c in polys]


def bn_lag_max_step(beta, bn_momentum):
    """Largest stable :math:`\\alpha\\lambda`: the stable set is ``(0, bn_lag_max_step)``.

    The candidates are the positive roots in ``alpha*lambda`` of the factors of the
    Schur-Cohn conditions (derived by :func:`momentum_dynamics.symbolic.stability_conditions`
    from the update rule); the edge is the first candidate past which
    :func:`bn_lag_stability` turns False. ``0.0`` where no step is stable
    (``|beta| >= 1``).

    Parameters
    ----------
    beta : array_like
        Optimiser momentum.
    bn_momentum : array_like
        Batch-norm momentum in [0, 1); broadcasts with ``beta``.

    Returns
    -------
    float or ndarray
        The edge of the stable interval in :math:`\\alpha\\lambda`.

    See Also
    --------
    bn_lag_stability

    Examples
    --------
    At ``bn_momentum = 0`` heavy ball's ``2 (1 + beta)``; the lag shrinks it sharply:

    >>> bn_lag_max_step(0.9, [0.0, 0.5, 0.9]).round(6)
    array([3.8     , 0.122222, 0.023457])
    """
    b = as_real_array(beta, "beta")
    r = check_bn_momentum(bn_momentum)
    shape = broadcast((b, "beta"), (r, "bn_momentum"))
    bb, rr = (np.broadcast_to(q, shape).ravel() for q in (b, r))
    funcs = _boundary_coefficients()
    out = np.zeros(bb.size)
    for i, (bi, ri) in enumerate(zip(bb, rr, strict=True)):
        cands = []
        for f in funcs:
            c = np.array([complex(q) for q in np.broadcast_arrays(*f(bi, ri))])
            nz = np.flatnonzero(np.abs(c) > 0)
            if nz.size == 0 or nz[0] == c.size - 1:
                continue
            roots = np.roots(c[nz[0]:])
            cands += [z.real for z in roots if abs(z.imag) <= 1e-12 * abs(z) and z.real > 0]
        cands = sorted(cands)
        # Stable just above 0?  Then the edge is the first candidate the set does not cross.
        lo = min([1e-12, *[c_ / 2 for c_ in cands]])
        if not bn_lag_stability(lo, bi, ri):
            continue
        out[i] = np.inf
        for c_ in cands:
            if not bn_lag_stability(c_ * (1 + 1e-9), bi, ri):
                out[i] = c_
                break
    return to_output(out.reshape(shape))


@cache
def _phase_function():
    """``R(z) = V(z)/G(z)``: velocity ``v_{t+1}`` over the true gradient
    ``lambda (x_t - x*_t)``, both driven by the optimum ``x*_t`` (at ``lambda = 1``)."""
    m = bn_lag_method()
    rho = S.hyperparameter_symbols(m)["bn_momentum"]
    # The drift enters as the gradient offset xi_t = -lambda x*_t; s_t = G_s(z) xi_t in the
    # state-space convention, so v_{t+1} = z G_v xi and lambda (x_t - x*_t) = (lambda G_x + 1) xi.
    Gv = S.transfer_function(m, "v")
    Gx = S.transfer_function(m, "x")
    R = sp.cancel(S.z * Gv / (S.curvature * Gx + 1))
    return compile_numpy([S.z, S.alpha, S.beta, rho], R.subs(S.curvature, 1))


class BNPhaseLag(NamedTuple):
    """Phase of the velocity behind the true gradient (see :func:`bn_lag_phase`).

    Attributes
    ----------
    radians : ndarray
        Phase lag in (-pi, pi]; positive means the velocity trails the gradient.
    steps : ndarray
        The same lag in optimiser steps, ``radians / omega``.

    See Also
    --------
    bn_lag_phase

    Examples
    --------
    >>> round(bn_lag_phase(0.1, 0.05, 0.5, 0.0).radians, 6)
    0.099012
    """

    radians: np.ndarray
    steps: np.ndarray


def bn_lag_phase(omega, alpha_lambda, beta, bn_momentum) -> BNPhaseLag:
    """Phase lag of the velocity behind the true gradient at a drifting optimum.

    The optimum moves as :math:`x^*_t = a\\sin(\\omega t)`. In steady state the velocity
    :math:`v_{t+1}` (the step taken from :math:`x_t`) and the true gradient
    :math:`\\lambda(x_t - x^*_t)` are sinusoids; the lag is
    :math:`\\phi = -\\arg R(e^{i\\omega})` with :math:`R` the ratio of their transfer
    functions from the drift, derived exactly from the update rule. Without batch-norm
    lag :math:`R = \\alpha z/(z - \\beta)`, the heavy-ball filter of
    :func:`momentum_dynamics.filters.tracking_lag`; the running statistic adds to it.

    Parameters
    ----------
    omega : array_like
        Drift frequency in radians per step, in (0, pi].
    alpha_lambda : array_like
        :math:`\\alpha\\lambda > 0`.
    beta : array_like
        Optimiser momentum.
    bn_momentum : array_like
        Batch-norm momentum in [0, 1); everything broadcasts.

    Returns
    -------
    BNPhaseLag
        ``(radians, steps)``; NaN where the dynamics are unstable (no steady state).

    See Also
    --------
    bn_lag_stability, momentum_dynamics.filters.tracking_lag

    Examples
    --------
    The lag in steps grows with both momenta:

    >>> bn_lag_phase(0.05, 0.01, [0.0, 0.5, 0.9], [[0.0], [0.9]]).steps.round(2) + 0.0
    array([[ 0.  ,  1.  ,  8.37],
           [ 0.79,  2.86, 24.69]])
    """
    w = as_real_array(omega, "omega")
    bad = (w <= 0) | (w > np.pi)
    if np.any(bad):
        raise ValueError(f"omega must lie in (0, pi] radians per step; got "
                         f"{w[bad].flat[0].item()!r}")
    h, b, r, shape = _points(alpha_lambda, beta, bn_momentum)
    full = broadcast((w, "omega"), (np.empty(shape), "parameters"))
    R = _phase_function()(np.exp(1j * w), h, b, r)
    radians = -np.angle(R)
    ok = np.broadcast_to(bn_lag_stability(h, b, r), shape)
    radians = np.where(ok, radians, np.nan)
    steps = radians / w
    return BNPhaseLag(*(to_output(np.broadcast_to(np.asarray(q, float), full))
                        for q in (radians, steps)))

"""The physical reading of a two-state update rule, derived once for statphys.

A two-state method with momentum is read as a unit-mass particle (Polyak 1964; the
Langevin/SGHMC reading of Chen, Fox & Guestrin 2014):

- time step ``h`` and friction ``gamma`` from :func:`momentum_dynamics.physics.ode_parameters`
  (heavy ball: ``h = sqrt(alpha)``, ``gamma = (1 - beta)/sqrt(alpha)``);
- velocity ``p_k = (x_k - x_{k-1})/h``, which for the shipped methods is a fixed linear
  function ``c^T s_k / h`` of the state ``s_k`` (heavy ball: ``p = -v/h``); ``c`` is
  solved from the state-space model (:func:`velocity_row`);
- gradient noise of variance ``sigma^2 = 2 r gamma T / h`` is the Langevin noise at
  temperature ``T`` (fluctuation-dissipation, ``r = 1``) (:func:`noise_variance`).

Everything here is derived from :func:`momentum_dynamics.symbolic.state_space`, so the
statphys analyses work for every registered two-state method whose velocity is a
function of its state.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from .. import symbolic as S
from ..methods import Method
from ..physics import (
    friction_symbol,
    momentum_from_ode_symbolic,
    ode_parameters_symbolic,
    time_step_symbol,
)
from ..physics._common import _second_order

H_SYM = time_step_symbol
GAMMA_SYM = friction_symbol


def two_state(method) -> Method:
    """The method, if the Langevin reading applies to it (two states with momentum)."""
    return _second_order(method, "the Langevin reading needs a two-state method with "
                         "momentum beta (position and velocity), e.g. 'heavy_ball', "
                         "'nesterov' or 'ema_momentum'")


def noise_variance(step, friction, temperature, noise_factor=1.0):
    """Gradient-noise variance ``2 r gamma T / h`` of the Langevin scheme (numbers or SymPy).

    The velocity kick ``h * xi`` then has the Einstein variance ``2 r gamma T h``.
    """
    return 2 * noise_factor * friction * temperature / step


def temperature_of_noise(step, friction, variance):
    """Inverse of :func:`noise_variance` at ``r = 1``: ``T = h sigma^2 / (2 gamma)``."""
    return step * variance / (2 * friction)


@cache
def velocity_row(method: Method) -> sp.Matrix:
    """Row ``c`` with ``x_{k+1} - x_k = c^T s_{k+1}`` (SymPy, in alpha, beta).

    Solves ``c^T A = e_x^T (A - I)`` and ``c^T B = e_x^T B`` identically in the
    curvature; heavy ball and Nesterov give ``c = (0, -1)``, EMA momentum ``(0, -alpha)``.
    """
    A, B = S.state_space(method).A, S.state_space(method).B
    n = A.shape[0]
    cs = sp.symbols(f"_c0:{n}")
    row = sp.Matrix([cs])
    eqs = list(row * A - (A - sp.eye(n))[0, :]) + list(row * B - B[0, :])
    coeffs = [c for e in eqs for c in sp.Poly(sp.expand(e), S.curvature).all_coeffs()]
    sol = sp.solve(coeffs, cs, dict=True)
    if len(sol) != 1 or any(c not in sol[0] for c in cs) or sol[0][cs[-1]] == 0:
        raise ValueError(
            f"the step x_(k+1) - x_k of {method.name!r} is not a function of its new state; "
            "its velocity (x_(k+1) - x_k)/h is not a state variable and the Langevin "
            "reading does not apply"
        )
    return sp.Matrix([[sp.factor(sol[0][c]) for c in cs]])


def velocity_matrix(method: Method, step: float, alpha: float, beta: float) -> np.ndarray:
    """(2, 2) matrix taking the state ``(x, v)`` to ``(x, p)``, ``p = c^T s / h``."""
    c = velocity_row(method).subs({S.alpha: alpha, S.beta: beta})
    return np.array([[1.0, 0.0], [float(c[0]) / step, float(c[1]) / step]])


class ContinuousLimit(NamedTuple):
    """Leading-order drift and diffusion of a method in ``(x, v)``, time in iterations.

    ``drift`` is a 2x2 SymPy matrix in ``alpha, beta, lambda``; ``diffusion`` is the
    2x2 diffusion matrix per unit gradient-noise variance (free of ``lambda``).
    """

    drift: sp.Matrix
    diffusion: sp.Matrix


@cache
def continuous_limit(method: Method) -> ContinuousLimit:
    """Derive the small-step SDE of a two-state method from its update rule.

    In physical variables ``(x, p)`` and time ``t = k h``, with ``alpha, beta`` from the
    inverse ODE map at fixed ``(h, gamma)`` and gradient noise ``sigma^2 = s/h``,
    ``F_phys = lim (T A T^{-1} - I)/h`` and ``D_phys = lim (T B)(T B)^T s / (2 h^2)``
    (``T`` of :func:`velocity_matrix`); back in ``(x, v)`` and iterations:
    ``F = h T^{-1} F_phys T``, ``D = h T^{-1} D_phys T^{-T}``.
    """
    h, g = H_SYM, GAMMA_SYM
    s = sp.Symbol("s", positive=True)  # sigma^2 * h, held fixed as h -> 0
    inv = momentum_from_ode_symbolic(method)
    sub = {S.alpha: inv.alpha, S.beta: inv.beta}
    A = S.state_space(method).A.subs(sub)
    B = S.state_space(method).B.subs(sub)
    c = velocity_row(method).subs(sub)
    T = sp.Matrix([[1, 0], [c[0] / h, c[1] / h]])
    Tinv = T.inv()
    F_phys = ((T * A * Tinv - sp.eye(2)) / h).applyfunc(
        lambda e: sp.limit(sp.simplify(e), h, 0))
    TB = T * B
    D_phys = (TB * TB.T * s / (2 * h**2)).applyfunc(lambda e: sp.limit(sp.simplify(e), h, 0))
    F = (h * Tinv * F_phys * T).applyfunc(sp.expand)
    D = (h * Tinv * D_phys * Tinv.T / (s / h)).applyfunc(sp.expand)  # per unit sigma^2
    fwd = ode_parameters_symbolic(method)
    back = {h: fwd.time_step, g: fwd.friction}
    F = F.subs(back).applyfunc(lambda e: sp.factor(sp.powsimp(sp.expand(e), force=True)))
    D = D.subs(back).applyfunc(lambda e: sp.factor(sp.powsimp(sp.expand(e), force=True)))
    if any(e.has(S.curvature) for e in D):
        raise ValueError(f"the diffusion of {method.name!r} depends on the curvature")
    return ContinuousLimit(F, D)


def block_matrix(entries: sp.Matrix, H: np.ndarray, values: dict) -> np.ndarray:
    """Evaluate a 2x2 matrix of polynomials in ``lambda`` at the (d, d) matrix ``H``."""
    d = H.shape[0]
    powers = [np.eye(d)]
    rows = []
    for i in range(2):
        row = []
        for j in range(2):
            poly = sp.Poly(sp.expand(entries[i, j].subs(values)), S.curvature)
            coeffs = [float(co) for co in reversed(poly.all_coeffs())]
            while len(powers) < len(coeffs):
                powers.append(powers[-1] @ H)
            row.append(sum((co * powers[k] for k, co in enumerate(coeffs)), np.zeros((d, d))))
        rows.append(row)
    return np.block(rows)

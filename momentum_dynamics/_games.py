"""Numeric poles, spectral radius and stability of game rules (private).

A game rule (one gradient oracle per player, see :class:`~momentum_dynamics.methods.Method`)
is linearised by :mod:`momentum_dynamics.symbolic` on the quadratic game
``f(x, y) = a x**2/2 + sigma x y - c y**2/2``; its characteristic polynomial has
coefficients in the hyper-parameters and the game's ``sigma``, ``a``, ``c``. Here those
coefficients are compiled once per rule and handed to the generic root finder of
:mod:`momentum_dynamics.numeric` (the path every method of order three or more takes),
so that :func:`momentum_dynamics.poles`, :func:`momentum_dynamics.spectral_radius` and
:func:`momentum_dynamics.is_stable` accept game rules with the problem parameters passed
by name, like a method's extra hyper-parameters.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from . import symbolic as S
from ._compile import compile_numpy
from ._validation import (
    as_real_array,
    broadcast,
    check_alpha,
    check_beta,
    check_hyperparameters,
    check_nonnegative,
    to_output,
)
from .methods import Method

# The generic kernel record and root path of numeric, shared on purpose (a sibling
# module of the core, imported lazily by numeric itself).
from .numeric import _Args, _Kernel, _poles_of

#: The game's parameters, in the order the compiled kernel takes them.
GAME_PARAMETERS = ("sigma", "a", "c")


@cache
def game_kernel(method: Method) -> _Kernel:
    """The compiled monic characteristic polynomial of a game rule."""
    syms = S.hyperparameter_symbols(method)
    game = S.game_symbols()
    names = (*method.hyperparameters, *GAME_PARAMETERS)
    args = [syms[h] for h in method.hyperparameters] + [game[g] for g in GAME_PARAMETERS]
    poly = S.model(method).charpoly
    coeffs = poly.all_coeffs()
    coeffs = [sp.expand(c / coeffs[0]) for c in coeffs]
    quadratic = None
    if poly.degree() == 2:  # the closed-form roots want z**2 - T z + D and T**2 - 4 D
        _, a1, a0 = coeffs
        quadratic = compile_numpy(args, [-a1, a0, sp.expand(a1**2 - 4 * a0)])
    return _Kernel(method, names, poly.degree(), compile_numpy(args, coeffs[1:]),
                     quadratic, None)


def prepare(method: Method, alpha, beta, curvature, params: dict) -> _Args:
    """Checked, broadcast arguments of a game rule, in the kernel's order."""
    if curvature is not None:
        raise TypeError(
            f"method {method.name!r} is a game: it takes the game's sigma (singular value "
            f"of the coupling, >= 0), a and c (self-curvatures, default 0), not curvature"
        )
    params = dict(params)
    if "sigma" not in params:
        raise TypeError(f"method {method.name!r} is a game: sigma (the singular value of the "
                        f"coupling x^T A y, >= 0) is required")
    sig = check_nonnegative(params.pop("sigma"), "sigma")
    a = as_real_array(params.pop("a", 0.0), "a")
    c = as_real_array(params.pop("c", 0.0), "c")
    al = check_alpha(alpha)
    b = check_beta(beta, method)
    extra = check_hyperparameters(method, params)
    named = ([(al, "alpha"), (b, "beta")] + [(v, k) for k, v in extra.items()]
             + [(sig, "sigma"), (a, "a"), (c, "c")])
    shape = broadcast(*named)
    hyper = {"alpha": al, "beta": b, **extra}
    values = [hyper[h] for h in method.hyperparameters] + [sig, a, c]
    return _Args(method, game_kernel(method), values, shape, False)


def poles(method: Method, alpha, beta, curvature, params: dict) -> np.ndarray:
    """All poles, sorted by decreasing modulus (see :func:`momentum_dynamics.poles`)."""
    args = prepare(method, alpha, beta, curvature, params)
    vals = [np.broadcast_to(v, args.shape) for v in args.values]
    return _poles_of(args._replace(values=vals))


def spectral_radius(method: Method, alpha, beta, curvature, params: dict):
    """Largest pole modulus of the game's linearisation (every state is observed)."""
    return to_output(np.abs(poles(method, alpha, beta, curvature, params)[..., 0]))


def _schur_cohn(coeffs: list[np.ndarray]) -> np.ndarray:
    """Schur-Cohn test on monic coefficient arrays (``a_{n-1}, ..., a_0``): True where
    every root is strictly inside the unit circle. On the circle a condition is exactly
    0 when the coefficients are exact (alternating GDA at ``beta = 0`` has constant
    term 1), so points on the boundary are reported unstable."""
    c = [np.ones_like(coeffs[0]), *coeffs]
    ok = np.ones(np.shape(coeffs[0]), dtype=bool)
    while len(c) > 1:
        an, a0 = c[0], c[-1]
        ok &= an * an - a0 * a0 > 0
        rev = c[::-1]
        c = [an * c[i] - a0 * rev[i] for i in range(len(c) - 1)]
    return ok


def is_stable(method: Method, alpha, beta, curvature, params: dict):
    """Whether every pole lies strictly inside the unit circle.

    Away from the circle the spectral radius decides; within ``2**-16`` of it (where
    the root finder's rounding could tip the comparison) the Schur-Cohn conditions on
    the compiled coefficients decide.
    """
    args = prepare(method, alpha, beta, curvature, params)
    vals = [np.broadcast_to(v, args.shape) for v in args.values]
    rho = np.abs(_poles_of(args._replace(values=vals))[..., 0])
    out = rho < 1.0
    near = ~(np.abs(rho - 1.0) > 2.0**-16)
    if near.any():
        coeffs = args.kernel.coefficients(*[v[near] for v in vals])
        coeffs = [np.broadcast_to(np.asarray(k, float), (int(near.sum()),)) for k in coeffs]
        out = np.array(out, copy=True)
        out[near] = _schur_cohn(coeffs) & ~np.isnan(rho[near])
    return to_output(out)


@cache
def _matrices_kernel(method: Method):
    syms = S.hyperparameter_symbols(method)
    game = S.game_symbols()
    args = [syms[h] for h in method.hyperparameters] + [game[g] for g in GAME_PARAMETERS]
    mod = S.model(method)
    return compile_numpy(args, [mod.A, mod.B])


def state_space_matrices(method: Method, alpha, beta, curvature, params: dict):
    """Numeric ``(A, B)`` of a game rule at one point: ``B`` has one column per player."""
    args = prepare(method, alpha, beta, curvature, params)
    if args.shape != ():
        raise ValueError(f"the state space of game rule {method.name!r} takes scalar alpha, "
                         f"beta, sigma, a and c; got arguments of shape {args.shape}")
    A, B = _matrices_kernel(method)(*(float(v) for v in args.values))
    return np.asarray(A, dtype=float), np.asarray(B, dtype=float)

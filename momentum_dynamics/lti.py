"""python-control bridge: a method on a quadratic as a discrete-time LTI system.

The matrices come from :func:`momentum_dynamics.symbolic.state_space` with numbers
substituted. For a d-dimensional quadratic with Hessian ``H`` each entry of the
scalar model, a polynomial ``p(lambda)``, becomes the matrix ``p(H)``, giving a MIMO
system with ``order * d`` states ordered ``(x, v, ...)`` block by block.

Convention (python-control, ``dt=True``): ``s[k+1] = A s[k] + B xi[k]``,
``y[k] = C s[k] + D xi[k]`` where ``xi[k]`` is the additive gradient noise of the step
taken from ``s[k]``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ._lazy import lazy_module

if TYPE_CHECKING:
    import control
else:
    control = lazy_module("control")

from . import symbolic as S
from ._compile import compile_numpy
from ._docstrings import fill_doc
from ._validation import (
    check_alpha,
    check_beta,
    check_curvature,
    check_dt,
    check_hessian_matrix,
    check_hyperparameters,
)
from .methods import Method, get_method

__all__ = [
    "state_space_matrices",
    "to_statespace",
    "to_transfer_function",
    "sympy_to_control",
]


def _compile_in_curvature(expr, args) -> list:
    """Coefficients of ``expr`` in ascending powers of lambda, each compiled in ``args``."""
    coeffs = sp.Poly(expr, S.curvature).all_coeffs()[::-1]
    return [compile_numpy(args, c) for c in coeffs]


def _evaluate_in_curvature(coeffs, values, curvature):
    """Evaluate compiled coefficients at hyper-parameter ``values`` and ``curvature``."""
    curvature = np.asarray(curvature, dtype=float)
    return sum(float(f(*values)) * curvature**k for k, f in enumerate(coeffs))


@cache
def entry_polynomials(method: Method):
    """Coefficients (in powers of lambda) of every entry of A and B, compiled."""
    model = S.model(method).state_space
    syms = S.hyperparameter_symbols(method)
    args = [syms[h] for h in method.hyperparameters]

    def compile_matrix(M):
        return [[_compile_in_curvature(M[i, j], args) for j in range(M.shape[1])]
                for i in range(M.shape[0])]

    return compile_matrix(model.A), compile_matrix(model.B)


def _scalar(value, name):
    arr = np.asarray(value)
    if arr.ndim:
        raise ValueError(f"{name} must be a scalar here; got shape {arr.shape}")
    return arr.item()


def _scalar_hyperparameters(m: Method, alpha, beta, hyperparameters: dict) -> list[float]:
    """Validated scalar hyper-parameters, in the order of the method's update rule."""
    vals = {"alpha": _scalar(check_alpha(alpha), "alpha")}
    b = check_beta(beta, m)
    if b is not None:
        vals["beta"] = _scalar(b, "beta")
    vals.update({k: _scalar(v, k)
                 for k, v in check_hyperparameters(m, hyperparameters).items()})
    return [vals[h] for h in m.hyperparameters]


def _hessian_matrix(hessian, curvature):
    if (hessian is None) == (curvature is None):
        raise TypeError("give exactly one of curvature (a scalar) and hessian (a matrix)")
    if curvature is not None:
        lam = check_curvature(curvature, allow_complex=False)
        return np.array([[_scalar(lam, "curvature")]])
    H = check_hessian_matrix(hessian)
    return np.diag(H) if H.ndim == 1 else H


def _check_output(m: Method, output) -> str:
    allowed = [*m.state, "step"]
    if not isinstance(output, str) or output not in allowed:
        raise ValueError(f"output must be one of {allowed}; got {output!r}")
    return output


@fill_doc()
def state_space_matrices(method, alpha, beta=None, curvature=None, *, hessian=None,
                         **hyperparameters):
    """Numeric ``(A, B)`` of a method on a quadratic (scalar curvature or Hessian).

    The entries of the symbolic :func:`momentum_dynamics.symbolic.state_space` are
    polynomials in ``lambda``; with a Hessian ``H`` each power ``lambda**k`` becomes
    the block ``H**k``, so the state is ordered component-major (``x`` block first).

    Parameters
    ----------
    %(method)s
    alpha : float
        Learning rate, > 0.
    beta : float or None
        Momentum in [-1, 1]; None for methods without momentum (``"gd"``).
    curvature : float, optional
        Hessian eigenvalue :math:`\\lambda` (scalar model, ``d = 1``).
    hessian : array_like, optional
        Instead of ``curvature``: a symmetric (d, d) Hessian or a 1-D array of its
        eigenvalues (a diagonal Hessian).
    **hyperparameters
        Extra hyper-parameters of a registered method, scalars.

    Returns
    -------
    A : ndarray, shape (order*d, order*d)
        State matrix, :math:`s[k+1] = A s[k] + B \\xi[k]`.
    B : ndarray, shape (order*d, d)
        Input matrix of the gradient noise :math:`\\xi[k]`.

    See Also
    --------
    to_statespace : the same matrices as a python-control system.
    momentum_dynamics.symbolic.state_space : the exact symbolic matrices.

    Examples
    --------
    >>> A, B = state_space_matrices("heavy_ball", 0.1, 0.9, 2.0)
    >>> A
    array([[ 0.8, -0.9],
           [ 0.2,  0.9]])
    """
    m = get_method(method)
    args = _scalar_hyperparameters(m, alpha, beta, hyperparameters)
    H = _hessian_matrix(hessian, curvature)
    d = H.shape[0]
    powers = [np.eye(d)]
    polyA, polyB = entry_polynomials(m)
    deg = max(len(c) for row in polyA + polyB for c in row)
    for _ in range(1, deg):
        powers.append(powers[-1] @ H)

    def build(poly):
        rows = []
        for row in poly:
            rows.append([sum(float(f(*args)) * powers[k] for k, f in enumerate(coeffs))
                         for coeffs in row])
        return np.block(rows)

    return build(polyA), build(polyB)


def to_statespace(method, alpha, beta=None, curvature=None, *, hessian=None, output="x",
                  dt=True, minimal=False, **hyperparameters) -> control.StateSpace:
    """The method as a python-control ``StateSpace`` from gradient noise to ``output``.

    Parameters
    ----------
    method, alpha, beta, curvature, **hyperparameters
        As in :func:`momentum_dynamics.spectral_radius`, but scalars.
    hessian : array_like, optional
        Instead of ``curvature``: a symmetric (d, d) Hessian or a 1-D array of
        curvatures, giving a MIMO system with ``order*d`` states and d inputs.
    output : str
        A state variable (``"x"``, ``"v"``, ...) or ``"step"`` (``x[k+1] - x[k]``).
    dt : True or float
        Sampling time (``True``: unspecified discrete time, python-control's
        convention).
    minimal : bool
        Return a minimal realisation: a mode the output never sees, or that the noise
        never excites (see :func:`momentum_dynamics.hidden_modes`), is removed. With a
        scalar ``curvature`` it is the controllable canonical form of the exactly
        cancelled :func:`to_transfer_function` (so the states are no longer
        ``(x, v, ...)``); with ``hessian``, the direct sum of those over the Hessian's
        eigen-directions.

    Returns
    -------
    control.StateSpace
        Discrete time, ``order*d`` states, ``d`` inputs and outputs (fewer with
        ``minimal=True``).

    Raises
    ------
    ValueError
        For ``dt <= 0`` or NaN, an unknown ``output``, an empty, non-square or
        non-symmetric ``hessian``, or a bad hyper-parameter; the message names it.
    TypeError
        For strings or None where numbers go, ``dt=False``/``None``, or both (or
        neither) of ``curvature`` and ``hessian``.

    See Also
    --------
    state_space_matrices, to_transfer_function, momentum_dynamics.hidden_modes

    Examples
    --------
    >>> sys = to_statespace("heavy_ball", 0.1, 0.9, curvature=2.0)
    >>> sys.nstates, sys.isdtime()
    (2, True)
    >>> to_statespace("heavy_ball", 0.1, 0.0, curvature=2.0, minimal=True).nstates
    1

    A game rule (one gradient oracle per player) gives the system from the players'
    gradient noises to their iterates, with the game's ``sigma``, ``a``, ``c`` by name:

    >>> g = to_statespace("gda_alternating_heavy_ball", 0.5, -0.3, sigma=1.0)
    >>> g.nstates, g.ninputs, g.noutputs
    (4, 2, 2)
    """
    m = get_method(method)
    dt = check_dt(dt)
    if m.is_game:
        return _game_statespace(m, alpha, beta, curvature, hessian, output, dt, minimal,
                                hyperparameters)
    _check_output(m, output)
    A, B = state_space_matrices(m, alpha, beta, curvature, hessian=hessian, **hyperparameters)
    if not isinstance(minimal, bool):
        raise TypeError(f"minimal must be True or False; got {minimal!r}")
    if minimal:
        return _minimal_statespace(m, alpha, beta, curvature, hessian, output, dt,
                                   hyperparameters)
    d = B.shape[1]
    n = m.order
    if output == "step":
        C = (A - np.eye(A.shape[0]))[0:d]
        D = B[0:d]
    else:
        i = m.state.index(output)
        C = np.zeros((d, n * d))
        C[:, i * d:(i + 1) * d] = np.eye(d)
        D = np.zeros((d, d))
    return control.ss(A, B, C, D, dt=dt)


def _game_statespace(m, alpha, beta, curvature, hessian, output, dt, minimal, params):
    # A game rule: inputs are the players' gradient noises (xi_x, xi_y), outputs their
    # iterates (x, y); sigma, a and c come by name as in spectral_radius.
    from . import _games

    if hessian is not None:
        raise TypeError(f"method {m.name!r} is a game: it takes sigma, a and c by name, not "
                        "hessian")
    if output != "x":
        raise ValueError(f"output of game rule {m.name!r}: only 'x' (the players' iterates) "
                         f"is supported; got {output!r}")
    if minimal is not False:
        raise ValueError(f"minimal=True is not supported for game rule {m.name!r}")
    A, B = _games.state_space_matrices(m, alpha, beta, curvature, params)
    p = B.shape[1]
    C = np.zeros((p, A.shape[0]))
    C[:, :p] = np.eye(p)
    return control.ss(A, B, C, np.zeros((p, p)), dt=dt)


def _minimal_statespace(m, alpha, beta, curvature, hessian, output, dt, hyperparameters):
    """Minimal realisation: per curvature, the controllable canonical form of the exactly
    cancelled transfer function (coprime, so minimal); for a Hessian ``Q diag(w) Q^T``
    the direct sum over its eigen-directions, mode ``k`` driven by ``q_k^T xi`` and seen
    as ``q_k`` times its output (distinct directions, so the sum stays minimal)."""
    if hessian is None:
        return control.tf2ss(to_transfer_function(m, alpha, beta, curvature, output=output,
                                                  dt=dt, **hyperparameters))
    w, Q = np.linalg.eigh(_hessian_matrix(hessian, None))
    d = w.size
    parts = [control.tf2ss(to_transfer_function(m, alpha, beta, lam, output=output, dt=dt,
                                                **hyperparameters)) for lam in w]
    sizes = [p.nstates for p in parts]
    n = sum(sizes)
    A, B, C, D = np.zeros((n, n)), np.zeros((n, d)), np.zeros((d, n)), np.zeros((d, d))
    i = 0
    for k, (p, r) in enumerate(zip(parts, sizes, strict=True)):
        q = Q[:, k:k + 1]
        A[i:i + r, i:i + r] = p.A
        B[i:i + r] = p.B @ q.T
        C[:, i:i + r] = q @ p.C
        D += p.D[0, 0] * (q @ q.T)
        i += r
    return control.ss(A, B, C, D, dt=dt)


@cache
def _output_transfer(method: Method, output: str) -> sp.Expr:
    """Exact transfer function from gradient noise to ``output``, cancelled in SymPy.

    ``"step"`` is ``x[k+1] - x[k]`` (as in :func:`to_statespace`): ``(z - 1)`` times the
    iterate's transfer function, multiplied and cancelled symbolically, so no
    round-off enters before numbers are substituted.
    """
    if output == "step":
        G = S.transfer_function(method, "x")
        return sp.factor(sp.cancel(sp.together((S.z - 1) * G)))
    return S.transfer_function(method, output)


def _exact(value) -> sp.Rational:
    """A float as the exact binary rational it stores (no decimal rounding)."""
    return sp.Rational(float(value))


def to_transfer_function(method, alpha, beta=None, curvature=None, *, output="x", dt=True,
                         **hyperparameters) -> control.TransferFunction:
    """SISO transfer function from gradient noise to ``output`` (python-control).

    Built from the exact symbolic transfer function (for ``output="step"``, the
    iterate's times :math:`z - 1`, cancelled in SymPy). The parameters enter as the
    exact rationals their floats store and the result is cancelled in exact
    arithmetic before the coefficients are rounded once: no round-off coefficients,
    and a pole-zero pair that coincides exactly at these parameter values (a hidden
    mode, e.g. QHM's momentum state at ``nu = 0``, see
    :func:`momentum_dynamics.hidden_modes`) is removed. The result is coprime, so
    its order is that of the minimal realisation.

    Parameters
    ----------
    method, alpha, beta, curvature, **hyperparameters
        As in :func:`momentum_dynamics.spectral_radius`, but scalars.
    output : str
        A state variable (``"x"``, ``"v"``, ...) or ``"step"`` (``x[k+1] - x[k]``).
    dt : True or float
        Sampling time: ``True`` or a finite number > 0.

    Returns
    -------
    control.TransferFunction
        From the gradient noise to ``output``, hidden modes cancelled.

    Raises
    ------
    ValueError, TypeError
        As :func:`to_statespace`, naming the argument.

    See Also
    --------
    to_statespace, momentum_dynamics.symbolic.transfer_function,
    momentum_dynamics.hidden_modes

    Examples
    --------
    >>> G = to_transfer_function("heavy_ball", 0.1, 0.5, curvature=1.0)
    >>> G.num[0][0], G.den[0][0]
    (array([-0.1,  0. ]), array([ 1. , -1.4,  0.5]))
    >>> G = to_transfer_function("heavy_ball", 0.1, 0.5, curvature=1.0, output="step")
    >>> G.num[0][0], G.den[0][0]
    (array([-0.1,  0.1,  0. ]), array([ 1. , -1.4,  0.5]))
    """
    m = get_method(method)
    dt = check_dt(dt)
    _check_output(m, output)
    if curvature is None:
        raise TypeError("curvature (a scalar Hessian eigenvalue) is required")
    values = _scalar_hyperparameters(m, alpha, beta, hyperparameters)
    lam = _scalar(check_curvature(curvature, allow_complex=False), "curvature")
    syms = S.hyperparameter_symbols(m)
    subs = {syms[h]: _exact(v) for h, v in zip(m.hyperparameters, values, strict=True)}
    subs[S.curvature] = _exact(lam)
    G = sp.cancel(_output_transfer(m, output).subs(subs))
    return sympy_to_control(G, dt=dt)


def sympy_to_control(expr, dt=True) -> control.TransferFunction:
    """Convert a SymPy rational function of ``z`` with numeric coefficients.

    Parameters
    ----------
    expr : sympy.Expr or number
        A rational function of :data:`momentum_dynamics.symbolic.z` and no other
        symbol. Strings are refused (SymPy would parse them with ``eval``).
    dt : True or float
        Sampling time: ``True`` or a finite number > 0.

    Returns
    -------
    control.TransferFunction
        Normalised to a monic denominator.

    Raises
    ------
    ValueError
        For other free symbols, a zero denominator, non-finite coefficients or a bad
        ``dt``.
    TypeError
        For strings, lists and other non-expressions.

    See Also
    --------
    to_transfer_function : a method's transfer function with numbers.

    Examples
    --------
    >>> G = sympy_to_control((S.z - 0.5) / (S.z**2 - 0.25))
    >>> G.num[0][0], G.den[0][0]
    (array([ 1. , -0.5]), array([ 1.  ,  0.  , -0.25]))
    """
    dt = check_dt(dt)
    if isinstance(expr, str | bool) or not isinstance(expr, sp.Expr | int | float):
        # Strings would go through SymPy's parser (eval); lists and other objects have
        # no transfer-function reading.
        raise TypeError(f"expr must be a SymPy expression in z (or a number); got {expr!r}")
    expr = sp.sympify(expr)
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"expr must be finite; got {expr}")
    num, den = sp.fraction(sp.together(expr))
    free = (num.free_symbols | den.free_symbols) - {S.z}
    if free:
        raise ValueError(f"expr must contain no symbol but z; found {sorted(map(str, free))}")
    pn, pd = sp.Poly(num, S.z), sp.Poly(den, S.z)
    if pd.is_zero:
        raise ValueError(f"expr has a zero denominator; got {expr}")
    lead = float(pd.LC())
    return control.tf([float(c) / lead for c in pn.all_coeffs()],
                      [float(c) / lead for c in pd.all_coeffs()], dt=dt)

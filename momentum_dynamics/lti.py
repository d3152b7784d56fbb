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
from ._validation import check_alpha, check_beta, check_curvature, check_hyperparameters
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
    return [sp.lambdify(args, c, "numpy") for c in coeffs]


def _evaluate_in_curvature(coeffs, values, curvature):
    """Evaluate compiled coefficients at hyper-parameter ``values`` and ``curvature``."""
    curvature = np.asarray(curvature, dtype=float)
    return sum(float(f(*values)) * curvature**k for k, f in enumerate(coeffs))


@cache
def _entry_polynomials(method: Method):
    """Coefficients (in powers of lambda) of every entry of A and B, compiled."""
    model = S._state_space(method)
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
    H = np.asarray(hessian, dtype=float)
    if H.ndim == 1:
        H = np.diag(H)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"hessian must be a square (d, d) array or a 1-D array of "
                         f"curvatures; got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("hessian must be finite (no NaN or inf)")
    if not np.allclose(H, H.T, rtol=1e-12, atol=1e-14 * max(1.0, np.abs(H).max())):
        raise ValueError("hessian must be symmetric")
    return H


def state_space_matrices(method, alpha, beta=None, curvature=None, *, hessian=None,
                         **hyperparameters):
    """Numeric ``(A, B)`` of a method on a quadratic (scalar curvature or Hessian).

    Returns
    -------
    A : ndarray, shape (order*d, order*d)
    B : ndarray, shape (order*d, d)

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
    polyA, polyB = _entry_polynomials(m)
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
                  dt=True, **hyperparameters) -> control.StateSpace:
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

    Examples
    --------
    >>> sys = to_statespace("heavy_ball", 0.1, 0.9, curvature=2.0)
    >>> sys.nstates, sys.isdtime()
    (2, True)
    """
    m = get_method(method)
    A, B = state_space_matrices(m, alpha, beta, curvature, hessian=hessian, **hyperparameters)
    d = B.shape[1]
    n = m.order
    if output == "step":
        C = (A - np.eye(A.shape[0]))[0:d]
        D = B[0:d]
    elif output in m.state:
        i = m.state.index(output)
        C = np.zeros((d, n * d))
        C[:, i * d:(i + 1) * d] = np.eye(d)
        D = np.zeros((d, d))
    else:
        raise ValueError(f"output must be one of {list(m.state) + ['step']}; got {output!r}")
    if dt is not True and (isinstance(dt, bool) or not np.isfinite(dt) or dt <= 0):
        raise ValueError(f"dt must be True or a positive sampling time; got {dt!r}")
    return control.ss(A, B, C, D, dt=dt)


def to_transfer_function(method, alpha, beta=None, curvature=None, *, output="x", dt=True,
                         **hyperparameters) -> control.TransferFunction:
    """SISO transfer function from gradient noise to ``output`` (python-control).

    Built from the exact symbolic transfer function with numbers substituted, so no
    numerical pole-zero cancellation is involved.

    Examples
    --------
    >>> G = to_transfer_function("heavy_ball", 0.1, 0.5, curvature=1.0)
    >>> G.num[0][0], G.den[0][0]
    (array([-0.1,  0. ]), array([ 1. , -1.4,  0.5]))
    """
    m = get_method(method)
    if output == "step":
        return control.ss2tf(to_statespace(m, alpha, beta, curvature, output="step", dt=dt,
                                           **hyperparameters))
    state_space_matrices(m, alpha, beta, curvature, **hyperparameters)  # validates
    G = S.transfer_function(m, output)
    syms = S.hyperparameter_symbols(m)
    subs = {syms["alpha"]: float(alpha), S.curvature: float(curvature)}
    if m.has_momentum:
        subs[syms["beta"]] = float(beta)
    subs.update({syms[k]: float(v) for k, v in hyperparameters.items()})
    return sympy_to_control(G.subs(subs), dt=dt)


def sympy_to_control(expr, dt=True) -> control.TransferFunction:
    """Convert a SymPy rational function of ``z`` with numeric coefficients.

    Examples
    --------
    >>> G = sympy_to_control((S.z - 0.5) / (S.z**2 - 0.25))
    >>> G.num[0][0], G.den[0][0]
    (array([ 1. , -0.5]), array([ 1.  ,  0.  , -0.25]))
    """
    num, den = sp.fraction(sp.together(sp.sympify(expr)))
    free = (num.free_symbols | den.free_symbols) - {S.z}
    if free:
        raise ValueError(f"expr must contain no symbol but z; found {sorted(map(str, free))}")
    pn, pd = sp.Poly(num, S.z), sp.Poly(den, S.z)
    lead = float(pd.LC())
    return control.tf([float(c) / lead for c in pn.all_coeffs()],
                      [float(c) / lead for c in pd.all_coeffs()], dt=dt)

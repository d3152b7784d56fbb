r"""A momentum method as a Lur'e system: a linear system in feedback with the gradient.

Every update rule in :mod:`momentum_dynamics.methods` is linear in its state and in the
gradients it receives. Treating the gradient :math:`u = \nabla f(y)` as a free input
and the point :math:`y` where it is evaluated as the output gives the linear system

.. math::

    s_{k+1} = A s_k + B u_k, \qquad y_k = C s_k + D u_k, \qquad u_k = \nabla f(y_k),

the form in which Lessard, Recht & Packard (2016) analyse first-order methods with
integral quadratic constraints (:mod:`momentum_dynamics.robust.certify`). For
Nesterov's method :math:`y` is the look-ahead point :math:`x - \beta v`, for gradient
descent and heavy ball the iterate itself; a rule that queries the gradient several
times per step has one output per query (:math:`D` is then strictly lower triangular:
a query may depend on the gradients returned before it).

Nothing here is typed by hand. The symbolic form runs the rule on SymPy symbols with an
oracle that records its argument and returns a fresh symbol :math:`u_i`; the numeric
form runs it on floats with a scripted oracle (unit inputs, one column at a time), and
checks linearity on a random combination. Both are in one dimension: the
:math:`d`-dimensional method is the Kronecker product with :math:`I_d`.

References
----------
Lessard, Recht & Packard (2016), "Analysis and design of optimization algorithms via
integral quadratic constraints", SIAM J. Optim. 26(1), 57-95, section 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .._validation import check_alpha, check_beta, check_hyperparameters, check_scalar
from ..methods import Method, get_method

if TYPE_CHECKING:
    import control

__all__ = ["LureSystem", "lure_system", "lure_matrices", "lure_ss"]


class LureSystem(NamedTuple):
    r"""The matrices of :math:`s^+ = A s + B u`, :math:`y = C s + D u`, :math:`u = \nabla f(y)`.

    Attributes
    ----------
    A : (n, n) matrix
        State to next state (``n`` = the method's order).
    B : (n, m) matrix
        Gradients to next state (``m`` = gradient calls per step).
    C : (m, n) matrix
        State to the query points.
    D : (m, m) matrix
        Gradients to the query points, strictly lower triangular (zero for one call).

    SymPy matrices from :func:`lure_system`, NumPy arrays from :func:`lure_matrices`.

    See Also
    --------
    lure_system, lure_matrices, lure_ss

    Examples
    --------
    >>> lure_matrices("gd", alpha=0.1).A
    array([[1.]])
    """

    A: Any
    B: Any
    C: Any
    D: Any


def _require_one_player(m: Method) -> None:
    if m.is_game:
        raise ValueError(
            f"method {m.name!r} is a game (oracles {list(m.oracles)}); a Lur'e form in "
            "feedback with the gradient of one L-smooth, mu-strongly convex function is "
            "defined for one-player rules only"
        )


def lure_system(method: str | Method) -> LureSystem:
    r"""The method's Lur'e form with the hyper-parameters as SymPy symbols.

    The rule is evaluated on the state symbols ``x_prev, v_prev, ...`` with an oracle
    that records its argument (the query point) and returns a fresh gradient symbol
    ``u`` (``u_1, u_2, ...`` for several calls); the matrices are the Jacobians of the
    new state and of the query points.

    Parameters
    ----------
    method : str or Method
        A registered one-player method or a :class:`~momentum_dynamics.methods.Method`.

    Returns
    -------
    LureSystem
        ``A, B, C, D`` as SymPy ``ImmutableMatrix``, in the symbols of
        :func:`momentum_dynamics.symbolic.hyperparameter_symbols`.

    Raises
    ------
    ValueError
        An unknown method, a game rule, a rule that never calls ``grad`` or that is not
        linear in its state and gradients (e.g. Adam).
    TypeError
        A rule that cannot be evaluated on SymPy symbols.

    See Also
    --------
    lure_matrices : the same at numbers.
    momentum_dynamics.symbolic.state_space : the model on a quadratic (gradient noise in).

    Examples
    --------
    Nesterov's method queries the look-ahead point :math:`x - \beta v`:

    >>> sys = lure_system("nesterov")
    >>> sys.A, sys.B
    (Matrix([
    [1, -beta],
    [0,  beta]]), Matrix([
    [-alpha],
    [ alpha]]))
    >>> sys.C, sys.D
    (Matrix([[1, -beta]]), Matrix([[0]]))
    """
    import sympy as sp

    from ..symbolic import _require_polynomial, hyperparameter_symbols

    m = get_method(method)
    _require_one_player(m)
    state = tuple(sp.Symbol(f"{n}_prev") for n in m.state)
    params = hyperparameter_symbols(m)
    queries: list = []
    grads: list = []

    def oracle(y):
        queries.append(y)
        g = sp.Symbol(f"u_{len(queries)}", real=True)
        grads.append(g)
        return g

    try:
        new = m.step(state, oracle, **params)
    except Exception as exc:  # noqa: BLE001 - a user rule that cannot take symbols
        raise TypeError(
            f"the update rule of {m.name!r} could not be evaluated on SymPy symbols "
            f"({type(exc).__name__}: {exc}); write it with plain arithmetic"
        ) from None
    if not grads:
        raise ValueError(f"method {m.name!r} never calls grad; it has no Lur'e form")
    if len(grads) == 1:  # one call: the gradient is plain u
        u = sp.Symbol("u", real=True)
        new = tuple(sp.sympify(e).subs(grads[0], u) for e in new)
        queries = [sp.sympify(queries[0]).subs(grads[0], u)]
        grads = [u]
    new = [sp.expand(_require_polynomial(sp.sympify(e), n, m))
           for e, n in zip(new, m.state, strict=True)]
    ys = [sp.expand(_require_polynomial(sp.sympify(q), "the query point", m)) for q in queries]
    S, U = sp.Matrix(new), sp.Matrix(ys)
    A, B = S.jacobian(state), S.jacobian(grads)
    C, D = U.jacobian(state), U.jacobian(grads)
    svec, uvec = sp.Matrix(state), sp.Matrix(grads)
    residual = list(sp.expand(S - A * svec - B * uvec)) + list(sp.expand(U - C * svec - D * uvec))
    if any(r != 0 for r in residual) or any(
            e.has(*state, *grads) for e in list(A) + list(B) + list(C) + list(D)):
        raise ValueError(
            f"the update rule of {m.name!r} is not linear in its state and gradients; it "
            "has no Lur'e form (a linear system in feedback with the gradient)"
        )
    if any(D[i, j] != 0 for i in range(D.rows) for j in range(i, D.cols)):
        raise ValueError(f"method {m.name!r}: a query point depends on its own gradient")
    return LureSystem(*(sp.ImmutableMatrix(M) for M in (A, B, C, D)))


# --------------------------------------------------------------------------
# The numeric form, read off by running the rule (shared with robust.witness)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One step in 1-D: s+ = A s + B u, y = C s + D u (D strictly lower triangular)."""

    A: np.ndarray
    B: np.ndarray
    C: np.ndarray
    D: np.ndarray


class _NotLinear(ValueError):
    pass


def _run_step(m: Method, params: dict, state: np.ndarray, grads: np.ndarray | None):
    """Run the rule once on floats; ``grads`` scripted (None: return 0, count calls)."""
    queries: list[float] = []

    def oracle(y):
        k = len(queries)
        queries.append(float(y))
        if grads is None:
            return 0.0
        if k >= grads.size:
            raise _NotLinear("the number of gradient calls per step changed")
        return float(grads[k])

    try:
        out = m.step(tuple(float(s) for s in state), oracle, **params)
        out = np.array([float(o) for o in out])
    except _NotLinear:
        raise
    except Exception as exc:  # the user's rule: any failure is reported as bad input
        raise ValueError(
            f"method {m.name!r} cannot be run on floats with {params}: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    return out, np.array(queries)


def _linear_step(m: Method, params: dict) -> _Step:
    """Read the one-step matrices off the update rule by probing it with unit inputs."""
    _require_one_player(m)
    n = m.order
    _, q0 = _run_step(m, params, np.zeros(n), None)
    calls = q0.size
    if calls == 0:
        raise ValueError(f"method {m.name!r} never calls grad; it has no Lur'e form")
    size = n + calls
    cols_s, cols_y = [], []
    for k in range(size):
        e = np.zeros(size)
        e[k] = 1.0
        s1, y1 = _run_step(m, params, e[:n], e[n:])
        if y1.size != calls:
            raise ValueError(f"method {m.name!r}: the number of gradient calls per step "
                             "depends on the state; it is not a Lur'e system")
        cols_s.append(s1)
        cols_y.append(y1)
    Ms, My = np.array(cols_s).T, np.array(cols_y).T
    # A linear rule reproduces a random combination (and maps 0 to 0): check it.
    rng = np.random.default_rng(12345)
    z = rng.standard_normal(size)
    s1, y1 = _run_step(m, params, z[:n], z[n:])
    s0, y0 = _run_step(m, params, np.zeros(n), np.zeros(calls))
    scale = 1.0 + np.abs(Ms).sum() + np.abs(My).sum()
    err = max(np.max(np.abs(s1 - Ms @ z)), np.max(np.abs(y1 - My @ z)),
              np.max(np.abs(s0)), np.max(np.abs(y0)))
    if not np.isfinite(err) or err > 1e-9 * scale:
        raise ValueError(
            f"method {m.name!r} is not linear in its state and gradients with {params}; "
            "only a linear update rule is a Lur'e system (a linear system in feedback "
            "with the gradient)"
        )
    return _Step(A=Ms[:, :n], B=Ms[:, n:], C=My[:, :n], D=My[:, n:])


def _params(m: Method, alpha, beta, hyperparameters: dict) -> dict[str, float]:
    """Checked scalar hyper-parameters of ``m`` as a dict for ``m.step``."""
    params = {"alpha": check_scalar(check_alpha(alpha), "alpha")}
    b = check_beta(beta, m)
    if b is not None:
        params["beta"] = check_scalar(b, "beta")
    for k, v in check_hyperparameters(m, hyperparameters).items():
        params[k] = check_scalar(v, k)
    return params


def lure_matrices(method: str | Method, alpha: float, beta: float | None = None,
                  **hyperparameters: float) -> LureSystem:
    r"""The method's Lur'e form at given hyper-parameters, as NumPy arrays.

    Read off the update rule by running it on floats with a scripted gradient oracle
    (one unit input at a time); linearity is checked on a random combination.

    Parameters
    ----------
    method : str or Method
        A registered one-player method or a :class:`~momentum_dynamics.methods.Method`.
    alpha : float
        Learning rate, > 0.
    beta : float, optional
        Momentum in [-1, 1]; None for a method without one.
    **hyperparameters
        Extra hyper-parameters of the method (e.g. ``gamma``, ``delta``).

    Returns
    -------
    LureSystem
        ``A (n, n)``, ``B (n, m)``, ``C (m, n)``, ``D (m, m)`` float arrays.

    Raises
    ------
    ValueError
        Bad hyper-parameters, an unknown method, a game rule, a rule that is not linear
        or cannot be run on floats.
    TypeError
        A missing or unknown hyper-parameter, a non-numeric value.

    See Also
    --------
    lure_system : the symbolic form.
    lure_ss : the same as a python-control system.

    Examples
    --------
    >>> sys = lure_matrices("heavy_ball", alpha=0.1, beta=0.5)
    >>> sys.A.tolist(), sys.B.tolist(), sys.C.tolist(), sys.D.tolist()
    ([[1.0, -0.5], [0.0, 0.5]], [[-0.1], [0.1]], [[1.0, 0.0]], [[0.0]])
    """
    m = get_method(method)
    step = _linear_step(m, _params(m, alpha, beta, hyperparameters))
    return LureSystem(step.A, step.B, step.C, step.D)


def lure_ss(method: str | Method, alpha: float, beta: float | None = None,
            **hyperparameters: float) -> control.StateSpace:
    r"""The method's Lur'e form as a discrete-time python-control ``StateSpace``.

    Input: the gradients of one step; output: the points where they are evaluated.

    Parameters
    ----------
    method, alpha, beta, **hyperparameters
        As in :func:`lure_matrices`.

    Returns
    -------
    control.StateSpace
        ``dt=True``; states named after the rule's state, inputs ``u``, outputs ``y``.

    Raises
    ------
    ValueError, TypeError
        As :func:`lure_matrices`.

    See Also
    --------
    lure_matrices, momentum_dynamics.lti.to_statespace

    Examples
    --------
    The transfer function from the gradient to the look-ahead point of Nesterov's
    method:

    >>> sys = lure_ss("nesterov", alpha=0.1, beta=0.5)
    >>> sys.nstates, sys.ninputs, sys.noutputs
    (2, 1, 1)
    """
    import control

    m = get_method(method)
    sys = lure_matrices(m, alpha, beta, **hyperparameters)
    calls = sys.B.shape[1]
    names = (["u"], ["y"]) if calls == 1 else ([f"u_{i + 1}" for i in range(calls)],
                                                [f"y_{i + 1}" for i in range(calls)])
    return control.ss(sys.A, sys.B, sys.C, sys.D, dt=True, inputs=names[0],
                      outputs=names[1], states=list(m.state))

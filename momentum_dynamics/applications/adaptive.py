"""Adam and AdamW next to momentum SGD: what is simulated and what is analysed.

Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019,
Algorithm 2) are written once as update rules, :func:`adam` and :func:`adamw`, in the
package's convention (``beta`` is the first-moment decay, Adam's ``beta_1``):

.. math::

    m_t = \\beta m_{t-1} + (1-\\beta) g_t, \\quad
    s_t = \\beta_2 s_{t-1} + (1-\\beta_2) g_t^2, \\quad
    x_t = x_{t-1} - \\alpha\\,\\mathrm{wd}\\,x_{t-1}
          - \\alpha \\frac{m_t/(1-\\beta^t)}{\\sqrt{s_t/(1-\\beta_2^t)} + \\epsilon}

with :math:`g_t = \\nabla f(x_{t-1})`, squares and roots per coordinate and
``wd = 0`` for Adam (the decay as in ``torch.optim.AdamW``: ``p *= 1 - lr*wd``).

**Simulated, not analysed.** The division by :math:`\\sqrt{s_t}` makes Adam nonlinear
in the gradient even on a quadratic, and the bias corrections make it time-varying:
:func:`momentum_dynamics.symbolic.model` refuses it with that reason. Adam is run
(:func:`momentum_dynamics.simulate`, :func:`compare_adam_momentum`); nothing linear
is claimed about it.

**Analysed, where it is honest.** With the second moment frozen, ``s_t = s`` (late in
training, when it changes slowly) and the bias corrections at their limit 1, the step
is a fixed diagonal preconditioner :math:`p = 1/(\\sqrt{s} + \\epsilon)`:
:func:`adam_frozen` and :func:`adamw_frozen`. These are linear and go through the
core. Per coordinate ``i`` of a diagonal Hessian the frozen rule is EMA momentum with
learning rate :math:`\\alpha p_i` (:func:`frozen_equivalence`); on a general Hessian
it is EMA momentum on the matrix :math:`PH`, whose eigenvalues are those of
:math:`P^{1/2} H P^{1/2}` (:func:`preconditioned_condition_number`). A diagonal
:math:`P` can equalise the curvatures only when the Hessian's eigenvectors are the
coordinate axes: rotated by 45 degrees in the plane, the diagonal of :math:`H` is
:math:`(\\mu + L)/2` twice and no diagonal preconditioner helps at all.

References
----------
Kingma, D. P. & Ba, J. (2015). Adam: a method for stochastic optimization. ICLR.
Loshchilov, I. & Hutter, F. (2019). Decoupled weight decay regularization. ICLR.
Polyak, B. T. (1964). Some methods of speeding up the convergence of iteration methods.
USSR Computational Mathematics and Mathematical Physics 4(5), 1-17.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from .. import symbolic
from .._validation import (
    as_real_array,
    check_alpha,
    check_count,
    check_flag,
    check_hessian_matrix,
    check_positive,
    check_scalar,
)
from ..methods import Method
from ..numeric import optimal_parameters
from ..simulate import Quadratic
from .weight_decay import DecoupledDecayPoles, decoupled_decay_poles

__all__ = [
    "adam",
    "adamw",
    "adam_frozen",
    "adamw_frozen",
    "ADAPTIVE_METHODS",
    "FrozenEquivalence",
    "frozen_equivalence",
    "frozen_adamw_poles",
    "frozen_max_stable_step",
    "preconditioned_condition_number",
    "anisotropic_quadratic",
    "START",
    "anisotropic_start",
    "effective_step_sizes",
    "steps_to_tolerance",
    "AdamComparison",
    "compare_adam_momentum",
]


# --------------------------------------------------------------------------
# The update rules (the only place they are written down)
# --------------------------------------------------------------------------


def adam(x, m, s, t, grad, alpha, beta, beta2, eps):
    r"""Adam with bias correction (Kingma & Ba 2015, Algorithm 1).

    .. math:: m_t = \beta m_{t-1} + (1-\beta) g_t, \quad
              s_t = \beta_2 s_{t-1} + (1-\beta_2) g_t^2, \quad
              x_t = x_{t-1} - \alpha \frac{m_t/(1-\beta^t)}{\sqrt{s_t/(1-\beta_2^t)}+\epsilon}

    Nonlinear (the root of the second moment) and time-varying (the corrections):
    it is simulated, not linearised; see :func:`adam_frozen` for the linear rule.

    Parameters
    ----------
    x : float, ndarray or sympy.Expr
        The iterate :math:`x_{t-1}`.
    m : float, ndarray or sympy.Expr
        First-moment estimate :math:`m_{t-1}` (starts at 0).
    s : float, ndarray or sympy.Expr
        Second-moment estimate :math:`s_{t-1}` (starts at 0).
    t : float, ndarray or sympy.Expr
        Steps taken so far (starts at 0), for the bias corrections.
    grad : callable
        Gradient oracle, ``grad(x)`` :math:`= \nabla f(x)`.
    alpha : float
        Learning rate, > 0.
    beta : float
        First-moment decay (Adam's :math:`\beta_1`), in [0, 1).
    beta2 : float
        Second-moment decay, in [0, 1).
    eps : float
        Added to the root of the second moment, > 0.

    Returns
    -------
    tuple
        ``(x_t, m_t, s_t, t + 1)``.

    See Also
    --------
    adamw : with decoupled weight decay.
    adam_frozen : the linear rule with the second moment frozen.

    Examples
    --------
    The first step moves every coordinate by ``alpha`` against the gradient's sign:

    >>> import numpy as np
    >>> x, m, s, t = adam(np.array([1.0, -2.0]), 0.0, 0.0, 0.0, lambda x: 3 * x,
    ...                   alpha=0.1, beta=0.9, beta2=0.999, eps=1e-12)
    >>> x.round(12), t
    (array([ 0.9, -1.9]), 1.0)
    """
    g = grad(x)
    t = t + 1
    m = beta * m + (1 - beta) * g
    s = beta2 * s + (1 - beta2) * g * g
    m_hat = m / (1 - beta**t)
    s_hat = s / (1 - beta2**t)
    return x - alpha * m_hat / (s_hat**0.5 + eps), m, s, t


def adamw(x, m, s, t, grad, alpha, beta, beta2, eps, weight_decay):
    r"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019, Algorithm 2).

    .. math:: x_t = x_{t-1} - \alpha\,\mathrm{wd}\,x_{t-1}
              - \alpha \frac{m_t/(1-\beta^t)}{\sqrt{s_t/(1-\beta_2^t)}+\epsilon}

    with :math:`m_t, s_t` as in :func:`adam`; the decay is scaled by the learning rate
    as in ``torch.optim.AdamW`` (the paper's :math:`\eta_t \lambda`).

    Parameters
    ----------
    x, m, s, t, grad, alpha, beta, beta2, eps
        As in :func:`adam`.
    weight_decay : float
        ``wd >= 0``.

    Returns
    -------
    tuple
        ``(x_t, m_t, s_t, t + 1)``.

    See Also
    --------
    adam, adamw_frozen

    Examples
    --------
    >>> x, m, s, t = adamw(1.0, 0.0, 0.0, 0.0, lambda x: 3 * x, alpha=0.1, beta=0.9,
    ...                    beta2=0.999, eps=1e-12, weight_decay=0.5)
    >>> round(x, 12)
    0.85
    """
    g = grad(x)
    t = t + 1
    m = beta * m + (1 - beta) * g
    s = beta2 * s + (1 - beta2) * g * g
    m_hat = m / (1 - beta**t)
    s_hat = s / (1 - beta2**t)
    return x - alpha * weight_decay * x - alpha * m_hat / (s_hat**0.5 + eps), m, s, t


def adam_frozen(x, m, grad, alpha, beta, preconditioner):
    r"""Adam with the second moment frozen: a fixed diagonal preconditioner (linear).

    .. math:: m_t = \beta m_{t-1} + (1-\beta) \nabla f(x_{t-1}), \qquad
              x_t = x_{t-1} - \alpha p\, m_t

    with :math:`p = 1/(\sqrt{s} + \epsilon)` for a frozen second moment ``s`` and the
    bias correction at its limit 1. Per coordinate it is
    :func:`~momentum_dynamics.methods.ema_momentum` with learning rate ``alpha*p``.

    Parameters
    ----------
    x : float, ndarray or sympy.Expr
        The iterate :math:`x_{t-1}`.
    m : float, ndarray or sympy.Expr
        First-moment estimate :math:`m_{t-1}`.
    grad : callable
        Gradient oracle.
    alpha : float or sympy.Expr
        Learning rate, > 0.
    beta : float or sympy.Expr
        First-moment decay, in [-1, 1].
    preconditioner : float, ndarray or sympy.Expr
        :math:`p > 0`, per coordinate or one number.

    Returns
    -------
    tuple
        ``(x_t, m_t)``.

    See Also
    --------
    adam : the rule it freezes.
    frozen_equivalence : its polynomial is EMA momentum's at ``alpha*p``.

    Examples
    --------
    >>> x, m = adam_frozen(1.0, 0.0, lambda x: 2 * x, alpha=0.1, beta=0.9,
    ...                    preconditioner=5.0)
    >>> round(x, 12), round(m, 12)
    (0.9, 0.2)
    """
    m = beta * m + (1 - beta) * grad(x)
    return x - alpha * preconditioner * m, m


def adamw_frozen(x, m, grad, alpha, beta, preconditioner, weight_decay):
    r"""AdamW with the second moment frozen (linear).

    .. math:: m_t = \beta m_{t-1} + (1-\beta) \nabla f(x_{t-1}), \qquad
              x_t = x_{t-1} - \alpha\,\mathrm{wd}\,x_{t-1} - \alpha p\, m_t

    Parameters
    ----------
    x, m, grad, alpha, beta, preconditioner
        As in :func:`adam_frozen`.
    weight_decay : float or sympy.Expr
        ``wd >= 0``.

    Returns
    -------
    tuple
        ``(x_t, m_t)``.

    See Also
    --------
    adamw, frozen_adamw_poles

    Examples
    --------
    >>> x, m = adamw_frozen(1.0, 0.0, lambda x: 2 * x, alpha=0.1, beta=0.9,
    ...                     preconditioner=5.0, weight_decay=1.0)
    >>> round(x, 12)
    0.8
    """
    m = beta * m + (1 - beta) * grad(x)
    return x - alpha * weight_decay * x - alpha * preconditioner * m, m


# What symbolic.model says when it refuses the nonlinear rules (read by its error message).
adam.linear_model_hint = adamw.linear_model_hint = (
    "Adam divides by the root of its second-moment estimate (nonlinear) and its bias "
    "corrections depend on the step (time-varying): it is simulated, not linearised. "
    "Its linear part is the rule with the second moment frozen, a diagonal "
    "preconditioner: momentum_dynamics.applications.adam_frozen / adamw_frozen."
)

#: The four rules as :class:`~momentum_dynamics.methods.Method` objects, by name. Pass
#: them to :func:`momentum_dynamics.simulate` (or register them) to use them elsewhere.
ADAPTIVE_METHODS: dict[str, Method] = {
    "adam": Method.from_update(adam, "adam", title="Adam"),
    "adamw": Method.from_update(adamw, "adamw", title="AdamW"),
    "adam_frozen": Method.from_update(adam_frozen, "adam_frozen",
                                      title="Adam (frozen preconditioner)"),
    "adamw_frozen": Method.from_update(adamw_frozen, "adamw_frozen",
                                       title="AdamW (frozen preconditioner)"),
}


# --------------------------------------------------------------------------
# The frozen rules through the symbolic core
# --------------------------------------------------------------------------

_p = sp.Symbol("preconditioner", real=True)


class FrozenEquivalence(NamedTuple):
    """Frozen Adam's polynomial against EMA momentum's at learning rate ``alpha*p``.

    Attributes
    ----------
    frozen : sympy.Expr
        :math:`\\det(zI - A)` of :func:`adam_frozen`.
    ema_momentum : sympy.Expr
        EMA momentum's polynomial with ``alpha -> alpha*preconditioner``.
    equal : bool
        Whether the two expand to the same polynomial.
    stability : sympy.Boolean
        The core's Jury conditions of :func:`adam_frozen`.

    See Also
    --------
    frozen_equivalence : the function that returns it.

    Examples
    --------
    >>> frozen_equivalence().equal
    True
    """

    frozen: sp.Expr
    ema_momentum: sp.Expr
    equal: bool
    stability: sp.Basic


@cache
def frozen_equivalence() -> FrozenEquivalence:
    """Show, from the rules, that frozen Adam is EMA momentum at ``alpha * p``.

    Returns
    -------
    FrozenEquivalence
        Both polynomials, whether they agree and the stability conditions.

    See Also
    --------
    adam_frozen, frozen_max_stable_step

    Examples
    --------
    >>> frozen_equivalence().frozen
    beta + z**2 + z*(-alpha*beta*lambda*preconditioner + alpha*lambda*preconditioner - beta - 1)
    """
    mod = symbolic.model(ADAPTIVE_METHODS["adam_frozen"])
    ema = symbolic.characteristic_polynomial("ema_momentum").subs(
        symbolic.alpha, symbolic.alpha * _p)
    same = sp.expand(mod.charpoly.as_expr() - ema) == 0
    return FrozenEquivalence(mod.characteristic_polynomial, sp.collect(sp.expand(ema), symbolic.z),
                             bool(same), mod.stability_conditions)


@cache
def frozen_adamw_poles() -> DecoupledDecayPoles:
    """Test "an extra, always stable pole independent of momentum" for frozen AdamW.

    The same derivation as :func:`~momentum_dynamics.applications.weight_decay.
    decoupled_decay_poles` (SGDW), on :func:`adamw_frozen`: two poles, no extra one;
    at ``lambda = 0`` they are ``beta`` and ``1 - alpha*wd``; for ``lambda != 0`` a
    pole independent of ``beta`` needs ``alpha*wd = 1`` (it is ``z = 0``) or
    ``p*lambda = -wd`` (it is ``z = 1``, marginal: not stable).

    Returns
    -------
    DecoupledDecayPoles
        Order, poles and stability at ``lambda = 0``, the candidate pole independent of
        ``beta``, the condition for it, and the verdict.

    See Also
    --------
    momentum_dynamics.applications.weight_decay.decoupled_decay_poles

    Examples
    --------
    >>> r = frozen_adamw_poles()
    >>> r.order, r.poles_at_zero_curvature
    (2, (beta, -alpha*weight_decay + 1))
    >>> r.beta_independent_pole
    (-alpha*weight_decay + 1)/(alpha*lambda*preconditioner + 1)
    """
    r = decoupled_decay_poles(ADAPTIVE_METHODS["adamw_frozen"])
    verdict = (
        "Only in flat directions, as for SGDW. Frozen AdamW has two poles (no extra pole): "
        "z**2 - (1 + beta - (1 - beta) alpha*p*lambda - alpha*wd) z + beta (1 - alpha*wd). "
        "At lambda = 0 they are beta and 1 - alpha*wd, the latter independent of beta and "
        "stable iff 0 < alpha*wd < 2. For lambda != 0 a pole independent of beta exists "
        "only at alpha*wd = 1 (z = 0) or at p*lambda = -wd (z = 1, not stable)."
    )
    return r._replace(verdict=verdict)


_h = sp.Symbol("h", real=True)  # alpha * preconditioner * lambda
_d = sp.Symbol("d", real=True)  # alpha * weight_decay


def frozen_max_stable_step(method: str = "adam_frozen") -> sp.Expr:
    """Largest stable ``alpha * p * lambda`` of a frozen rule, solved from its conditions.

    Each of the core's Jury conditions is linear in ``h = alpha*p*lambda``; the one
    that bounds ``h`` from above (for ``|beta| < 1`` and ``0 <= alpha*wd < 2``) is
    solved for ``h``.

    Parameters
    ----------
    method : {"adam_frozen", "adamw_frozen"}
        The frozen rule.

    Returns
    -------
    sympy.Expr
        The bound in ``beta`` (and ``d = alpha*wd`` for AdamW).

    Raises
    ------
    ValueError
        For another method name.

    See Also
    --------
    frozen_equivalence

    Examples
    --------
    >>> frozen_max_stable_step("adam_frozen")
    -2*(beta + 1)/(beta - 1)
    >>> frozen_max_stable_step("adamw_frozen")
    (beta + 1)*(d - 2)/(beta - 1)
    """
    if not isinstance(method, str) or method not in ("adam_frozen", "adamw_frozen"):
        raise ValueError(f"method must be 'adam_frozen' or 'adamw_frozen'; got {method!r}")
    return _frozen_bound(method)


@cache
def _frozen_bound(method: str) -> sp.Expr:
    m = ADAPTIVE_METHODS[method]
    a, b = symbolic.alpha, symbolic.beta
    params = symbolic.hyperparameter_symbols(m)
    subs = {symbolic.curvature: _h / (a * params["preconditioner"])}
    if "weight_decay" in params:
        subs[params["weight_decay"]] = _d / a
    probe = {b: sp.Rational(1, 2), _d: sp.Rational(1, 2)}
    bounds = []
    for rel in symbolic.stability_conditions(m).args:
        e = sp.expand((rel.lhs - rel.rhs).subs(subs))
        c1 = e.coeff(_h, 1)
        if c1 != 0 and c1.subs(probe) < 0:
            bounds.append(sp.factor(-e.coeff(_h, 0) / c1))
    (bound,) = bounds
    return bound


# --------------------------------------------------------------------------
# Simulations: Adam next to tuned momentum on anisotropic quadratics
# --------------------------------------------------------------------------


def preconditioned_condition_number(hessian, preconditioner) -> float:
    """Condition number of ``P^(1/2) H P^(1/2)``: what frozen Adam sees on ``H``.

    The frozen rule on the quadratic with Hessian ``H`` is EMA momentum on ``P H``,
    which is similar to ``P^(1/2) H P^(1/2)``; its rate is set by that matrix's
    condition number as heavy ball's is by ``kappa``.

    Parameters
    ----------
    hessian : (d,) or (d, d) array_like
        Symmetric positive definite Hessian (1-D: its diagonal).
    preconditioner : (d,) array_like or float
        Diagonal ``p > 0``.

    Returns
    -------
    float
        Largest over smallest eigenvalue; ``inf`` if ``H`` is singular.

    Raises
    ------
    ValueError, TypeError
        For a bad Hessian, a non-positive preconditioner or mismatched sizes.

    See Also
    --------
    anisotropic_quadratic

    Examples
    --------
    Jacobi scaling ``p = 1/diag(H)`` equalises an axis-aligned Hessian and does
    nothing for the same one rotated by 45 degrees:

    >>> round(preconditioned_condition_number([[1.0, 0.0], [0.0, 100.0]], [1.0, 0.01]), 9)
    1.0
    >>> H = anisotropic_quadratic(100.0, rotation=np.pi / 4).hessian
    >>> round(preconditioned_condition_number(H, 1 / np.diag(H)), 9)
    100.0
    """
    H = check_hessian_matrix(hessian, "hessian")
    if H.ndim == 1:
        H = np.diag(H)
    d = H.shape[0]
    p = check_positive(preconditioner, "preconditioner")
    if p.ndim > 1 or (p.ndim == 1 and p.shape != (d,)):
        raise ValueError(f"preconditioner must be a number or have shape ({d},) to match "
                         f"hessian; got shape {p.shape}")
    r = np.sqrt(np.broadcast_to(p, (d,)))
    w = np.linalg.eigvalsh(0.5 * (H + H.T) * np.outer(r, r))
    if w[0] < 0:
        raise ValueError(f"hessian must be positive semi-definite; smallest eigenvalue {w[0]!r}")
    return float(w[-1] / w[0]) if w[0] > 0 else float("inf")


def anisotropic_quadratic(kappa, rotation: float = 0.0) -> Quadratic:
    """The 2-D quadratic with curvatures ``1/kappa`` and ``1``, rotated by an angle.

    ``H = R diag(1/kappa, 1) R^T`` with ``R`` the rotation by ``rotation`` radians:
    at 0 the eigenvectors are the coordinate axes, at ``pi/4`` they are the diagonals.

    Parameters
    ----------
    kappa : float
        Condition number, >= 1.
    rotation : float
        Angle in radians, finite.

    Returns
    -------
    Quadratic
        Minimiser at the origin.

    Raises
    ------
    ValueError, TypeError
        For ``kappa < 1``, non-finite or non-numeric input.

    See Also
    --------
    compare_adam_momentum

    Examples
    --------
    >>> anisotropic_quadratic(10.0, rotation=np.pi / 4).hessian.round(3)
    array([[ 0.55, -0.45],
           [-0.45,  0.55]])
    """
    k = check_scalar(kappa, "kappa")
    if k < 1:
        raise ValueError(f"kappa must be >= 1; got {kappa!r}")
    R = _rotation(check_scalar(rotation, "rotation"))
    return Quadratic((R * np.array([1.0 / k, 1.0])) @ R.T)


def _rotation(th: float) -> np.ndarray:
    c, s = np.cos(th), np.sin(th)
    return np.array([[c, -s], [s, c]])


#: Start of the comparison in the Hessian's eigenbasis (flat direction first): unequal
#: entries, so that Adam's first step (alpha times the gradient's sign per coordinate)
#: cannot land on the minimiser by accident.
START = (1.0, 0.5)


def anisotropic_start(rotation: float = 0.0) -> np.ndarray:
    """The start of :func:`compare_adam_momentum`: :data:`START` rotated with the Hessian.

    Parameters
    ----------
    rotation : float
        Angle in radians, as in :func:`anisotropic_quadratic`.

    Returns
    -------
    (2,) ndarray
        ``R START``: the same point in the Hessian's eigenbasis at every angle.

    Raises
    ------
    ValueError, TypeError
        For a non-finite or non-numeric angle.

    See Also
    --------
    anisotropic_quadratic

    Examples
    --------
    >>> anisotropic_start(np.pi / 2).round(12)
    array([-0.5,  1. ])
    """
    return _rotation(check_scalar(rotation, "rotation")) @ np.array(START)


def _rotation_of(problem: Quadratic) -> np.ndarray:
    """Eigenvectors as columns, ordered as the eigenvalues (ascending)."""
    return np.linalg.eigh(problem.hessian)[1]


def effective_step_sizes(trajectory, alpha: float, beta: float, beta2: float,
                         eps: float) -> np.ndarray:
    """Adam's per-coordinate step ``alpha / (sqrt(s_t / (1 - beta2^t)) + eps)`` over a run.

    Parameters
    ----------
    trajectory : Trajectory
        A run of :func:`momentum_dynamics.simulate` with :func:`adam` or :func:`adamw`
        (it records ``s`` and ``t``).
    alpha, beta, beta2, eps : float
        The run's hyper-parameters (``beta`` is not used; it is accepted so the call
        mirrors the run).

    Returns
    -------
    ndarray
        Shape ``(steps + 1, d)``; row 0 (before any step) is NaN.

    Raises
    ------
    ValueError, TypeError
        For a trajectory without ``s`` and ``t`` or bad hyper-parameters.

    See Also
    --------
    adam, compare_adam_momentum

    Examples
    --------
    >>> import momentum_dynamics as md
    >>> tr = md.simulate(ADAPTIVE_METHODS["adam"], [1.0, 100.0], alpha=0.01, beta=0.9,
    ...                  steps=2, beta2=0.999, eps=1e-8)
    >>> (effective_step_sizes(tr, 0.01, 0.9, 0.999, 1e-8)[1] * [1.0, 100.0]).round(6)
    array([0.01, 0.01])
    """
    from ..simulate import Trajectory

    if not isinstance(trajectory, Trajectory):
        raise TypeError(f"trajectory must be a Trajectory; got {type(trajectory).__name__}")
    if not {"s", "t"} <= set(trajectory.states):
        raise ValueError(f"trajectory must be a run of adam or adamw (states s and t); it has "
                         f"{sorted(trajectory.states)}")
    a = float(check_alpha(check_scalar(alpha, "alpha")))
    _check_decay(beta, "beta")
    b2 = _check_decay(beta2, "beta2")
    e = float(check_positive(check_scalar(eps, "eps"), "eps"))
    s, t = trajectory.states["s"], trajectory.states["t"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = a / (np.sqrt(s / (1 - b2**t)) + e)
    out = np.array(out, dtype=float)
    out[t == 0] = np.nan
    return out


def _grid(value, name: str) -> np.ndarray:
    """A number or a non-empty 1-D array of finite reals, as a 1-D array."""
    arr = np.atleast_1d(as_real_array(value, name))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D array; got shape "
                         f"{np.shape(value)}")
    return arr


def _check_decay(value, name: str) -> float:
    v = check_scalar(value, name)
    if not 0 <= v < 1:
        raise ValueError(f"{name} must lie in [0, 1); got {value!r}")
    return v


def _run_batch(rule, problem: Quadratic, x0: np.ndarray, steps: int, n_states: int,
               **hyper) -> np.ndarray:
    """Error norms ``|x_t - x*|``, shape (steps + 1, batch), of a rule stepped on a batch.

    The rule is called exactly as written, on arrays of shape (batch, d): hyper-parameters
    of shape (batch, 1) run one setting per row (a learning-rate grid in one loop).
    """
    batch = max(np.shape(v)[0] for v in hyper.values() if np.ndim(v)) if any(
        np.ndim(v) for v in hyper.values()) else 1
    x = np.tile(x0, (batch, 1))
    state = [x] + [np.zeros_like(x) for _ in range(n_states - 1)]
    norms = np.empty((steps + 1, batch))
    norms[0] = np.linalg.norm(x - problem.x_star, axis=1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, steps + 1):
            state = list(rule(*state, problem.grad, **hyper))
            norms[k] = np.linalg.norm(state[0] - problem.x_star, axis=1)
    return norms


def _first_below(norms: np.ndarray, tol: float) -> np.ndarray:
    """First step with ``norm <= tol * norm_0``; NaN if never."""
    below = norms <= tol * norms[0]
    out = np.argmax(below, axis=0).astype(float)
    out[~below.any(axis=0)] = np.nan
    return out


def _first_stay_below(norms: np.ndarray, tol: float) -> np.ndarray:
    """First step from which ``norm <= tol * norm_0`` holds to the end; NaN if never."""
    steps = norms.shape[0] - 1
    above = ~(norms <= tol * norms[0])  # NaN counts as above
    last_above = np.where(above.any(axis=0), steps - np.argmax(above[::-1], axis=0), -1)
    out = (last_above + 1).astype(float)
    out[last_above == steps] = np.nan
    return out


def steps_to_tolerance(method: str, problem, alpha, beta: float, *, tol: float = 1e-6,
                       max_steps: int = 3000, x0=None, beta2: float = 0.999,
                       eps: float = 1e-8, criterion: str = "first") -> float | np.ndarray:
    """Steps until ``|x_t - x*| <= tol |x_0 - x*|``, for Adam or heavy ball.

    The rule is run as written, vectorised over an array of learning rates. Adam with a
    constant learning rate does not stay converged on a quadratic: its second-moment
    estimate decays with the gradient, the effective step grows, and the error climbs
    back above the tolerance later (found on the quadratics of
    :func:`compare_adam_momentum`). Hence two criteria: the first step that reaches the
    tolerance, or the first step *after which* it is kept up to ``max_steps`` (which then
    depends on ``max_steps``).

    Parameters
    ----------
    method : {"adam", "heavy_ball"}
        :func:`adam` or :func:`momentum_dynamics.methods.heavy_ball`.
    problem : Quadratic or array_like
        The quadratic (a Hessian means minimiser 0).
    alpha : float or 1-D array_like
        Learning rate(s), > 0.
    beta : float
        Momentum (Adam's ``beta_1``), in [0, 1).
    tol : float
        Relative tolerance, in (0, 1).
    max_steps : int
        Longest run, >= 1.
    x0 : (d,) array_like, optional
        Start (default: ``x* + V c`` with ``V`` the Hessian's unit eigenvectors, ascending
        curvature, and ``c`` from 1 down to 1/2: every mode excited whatever the rotation).
    beta2, eps : float
        Adam's second-moment decay in [0, 1) and ``eps > 0`` (ignored for heavy ball).
    criterion : {"first", "stay"}
        Count to the first step within tolerance, or to the step after which the error
        stays within it up to ``max_steps``.

    Returns
    -------
    float or ndarray
        One count per learning rate; NaN where the tolerance is not reached (``"first"``)
        or not kept (``"stay"``) by ``max_steps``.

    Raises
    ------
    ValueError, TypeError
        For an unknown method or bad arguments.

    See Also
    --------
    compare_adam_momentum

    Examples
    --------
    Tuned heavy ball needs a little more than ``log(tol)/log(rate) = 69`` steps (the
    double pole's polynomial factor ``t rate**t``):

    >>> import momentum_dynamics as md
    >>> p = md.optimal_parameters("heavy_ball", mu=0.01, L=1.0)
    >>> steps_to_tolerance("heavy_ball", [0.01, 1.0], p.alpha, p.beta)
    91.0
    """
    if criterion not in ("first", "stay"):
        raise ValueError(f"criterion must be 'first' or 'stay'; got {criterion!r}")
    norms, t, scalar = _norms(method, problem, alpha, beta, tol, max_steps, x0, beta2, eps)
    out = (_first_below if criterion == "first" else _first_stay_below)(norms, t)
    return float(out[0]) if scalar else out


def _norms(method, problem, alpha, beta, tol, max_steps, x0, beta2, eps):
    """Validated arguments -> (error norms (steps + 1, rates), tol, alpha was a scalar)."""
    from ..methods import heavy_ball

    if method not in ("adam", "heavy_ball"):
        raise ValueError(f"method must be 'adam' or 'heavy_ball'; got {method!r}")
    q = Quadratic.coerce(problem)
    a = check_alpha(alpha)
    if a.ndim > 1 or a.size == 0:
        raise ValueError(f"alpha must be a number or a non-empty 1-D array; got shape {a.shape}")
    b = _check_decay(beta, "beta")
    t = check_scalar(tol, "tol")
    if not 0 < t < 1:
        raise ValueError(f"tol must lie in (0, 1); got {tol!r}")
    n = check_count(max_steps, "max_steps", 1)
    if x0 is None:
        start = q.x_star + _rotation_of(q) @ np.linspace(START[0], START[1], q.dim)
    else:
        start = np.atleast_1d(as_real_array(x0, "x0"))
        if start.shape != (q.dim,):
            raise ValueError(f"x0 must have shape ({q.dim},) to match problem; got shape "
                             f"{start.shape}")
    a_col = a.reshape(-1, 1)
    if method == "adam":
        b2 = _check_decay(beta2, "beta2")
        e = float(check_positive(check_scalar(eps, "eps"), "eps"))
        norms = _run_batch(adam, q, start, n, 4, alpha=a_col, beta=b, beta2=b2, eps=e)
    else:
        norms = _run_batch(heavy_ball, q, start, n, 2, alpha=a_col, beta=b)
    return norms, t, a.ndim == 0


class AdamComparison(NamedTuple):
    """Iterations to tolerance of tuned heavy ball and Adam, aligned and rotated.

    Attributes
    ----------
    kappa : ndarray
        Condition numbers.
    heavy_ball_aligned, heavy_ball_rotated : ndarray
        Heavy ball with Polyak's tuning (from the core) for ``[1/kappa, 1]``.
    adam_aligned, adam_rotated : ndarray
        Adam with the best learning rate of ``alphas`` (NaN: no rate reached ``tol``).
    adam_alpha_aligned, adam_alpha_rotated : ndarray
        Those best learning rates.
    adam_relapsed_aligned, adam_relapsed_rotated : ndarray of bool
        Whether that Adam run's error went back above the tolerance before
        ``max_steps`` (Adam with a constant learning rate does not stay converged).
    heavy_ball_predicted : ndarray
        ``log(tol) / log(rate)``, the tuned rate (a lower estimate: it ignores the
        polynomial factor of the double pole).
    rotation : float
        The rotation (radians) of the rotated case.
    alphas : ndarray
        Adam's learning-rate grid.
    tol, beta, beta2, eps : float
        The settings.

    See Also
    --------
    compare_adam_momentum : the function that returns it.

    Examples
    --------
    >>> c = compare_adam_momentum([10.0], max_steps=300, alphas=[0.1])
    >>> c.adam_aligned == c.adam_rotated
    array([False])
    """

    kappa: np.ndarray
    heavy_ball_aligned: np.ndarray
    heavy_ball_rotated: np.ndarray
    adam_aligned: np.ndarray
    adam_rotated: np.ndarray
    adam_alpha_aligned: np.ndarray
    adam_alpha_rotated: np.ndarray
    adam_relapsed_aligned: np.ndarray
    adam_relapsed_rotated: np.ndarray
    heavy_ball_predicted: np.ndarray
    rotation: float
    alphas: np.ndarray
    tol: float
    beta: float
    beta2: float
    eps: float


def compare_adam_momentum(kappa=None, *, rotation: float = np.pi / 4, tol: float = 1e-6,
                          max_steps: int = 4000, alphas=None, beta: float = 0.9,
                          beta2: float = 0.999, eps: float = 1e-8,
                          progress: bool = False) -> AdamComparison:
    """Adam against tuned heavy ball on :func:`anisotropic_quadratic` across ``kappa``.

    For each ``kappa``, the Hessian ``diag(1/kappa, 1)`` aligned with the axes and the
    same Hessian rotated: heavy ball with Polyak's optimal ``(alpha, beta)``
    (:func:`momentum_dynamics.optimal_parameters`) and Adam with the learning rate of a
    grid that first reaches the tolerance, each started at :data:`START` in the
    eigenbasis (rotated with the Hessian). Counts are to the first step within
    tolerance; whether Adam's error later climbs back above it is reported. Heavy ball
    is rotation invariant; Adam is not: aligned, it is invariant to the coordinates'
    scales (for ``eps -> 0``) and needs about as many steps at every ``kappa``;
    rotated, its count grows with ``kappa`` and falls behind heavy ball's.

    Parameters
    ----------
    kappa : 1-D array_like, optional
        Condition numbers >= 1 (default ``1, 10, ..., 1e4``).
    rotation : float
        Angle of the rotated case in radians (default ``pi/4``).
    tol : float
        Relative tolerance, in (0, 1).
    max_steps : int
        Longest run, >= 1.
    alphas : 1-D array_like, optional
        Adam's learning rates to try (default 17 log-spaced in ``[1e-4, 1]``).
    beta, beta2, eps : float
        Adam's settings (``beta`` is its ``beta_1``).
    progress : bool
        Show a progress bar over ``kappa``.

    Returns
    -------
    AdamComparison

    Raises
    ------
    ValueError, TypeError
        For bad arguments.

    See Also
    --------
    steps_to_tolerance, preconditioned_condition_number

    Examples
    --------
    >>> c = compare_adam_momentum([1.0, 100.0], max_steps=400, alphas=[0.1, 0.2])
    >>> c.heavy_ball_aligned.tolist() == c.heavy_ball_rotated.tolist()
    True
    """
    from tqdm.auto import tqdm

    k = np.logspace(0, 4, 5) if kappa is None else _grid(kappa, "kappa")
    if np.any(k < 1):
        raise ValueError(f"kappa must be >= 1; got {k[k < 1][0]!r}")
    th = check_scalar(rotation, "rotation")
    al = np.logspace(-4, 0, 17) if alphas is None else check_positive(_grid(alphas, "alphas"),
                                                                       "alphas")
    progress = check_flag(progress, "progress")
    t = check_scalar(tol, "tol")
    b, b2 = _check_decay(beta, "beta"), _check_decay(beta2, "beta2")
    e = float(check_positive(check_scalar(eps, "eps"), "eps"))
    n = check_count(max_steps, "max_steps", 1)
    rows = {name: np.full(k.shape, np.nan) for name in
            ("hba", "hbr", "ada", "adr", "aa", "ar", "pred")}
    relapsed = {"a": np.zeros(k.shape, bool), "r": np.zeros(k.shape, bool)}
    for i in tqdm(range(k.size), disable=not progress, desc="adam vs momentum", leave=False):
        hb = optimal_parameters("heavy_ball", 1.0 / k[i], 1.0)
        with np.errstate(divide="ignore"):
            rows["pred"][i] = np.log(t) / np.log(hb.rate) if hb.rate > 0 else 1.0
        for tag, angle in (("a", 0.0), ("r", th)):
            q = anisotropic_quadratic(k[i], angle)
            x0 = anisotropic_start(angle)
            rows["hb" + tag][i] = steps_to_tolerance("heavy_ball", q, hb.alpha, hb.beta,
                                                     tol=t, max_steps=n, x0=x0)
            norms = _norms("adam", q, al, b, t, n, x0, b2, e)[0]
            its = _first_below(norms, t)
            if np.isfinite(its).any():
                j = int(np.nanargmin(its))
                rows["ad" + tag][i] = its[j]
                rows["a" + tag][i] = al[j]
                kept = _first_stay_below(norms[:, j:j + 1], t)[0]
                relapsed[tag][i] = not kept == its[j]
    return AdamComparison(k, rows["hba"], rows["hbr"], rows["ada"], rows["adr"], rows["aa"],
                          rows["ar"], relapsed["a"], relapsed["r"], rows["pred"], th, al, t,
                          b, b2, e)

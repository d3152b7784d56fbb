"""A linear RNN trained with momentum: curvature, stable steps, exploding gradients.

The scalar linear recurrent network

.. math:: h_0 = 0, \\qquad h_t = w\\, h_{t-1} + u\\, x_t \\quad (t = 1, \\dots, T)

(the cell :func:`rnn_cell`, written once) is fitted to the outputs :math:`y_t` of a
teacher with the same architecture and parameters :math:`(w^\\star, u^\\star)`, with the
sequence loss

.. math:: \\mathcal L(w, u) = \\tfrac12 \\sum_{t=1}^{T} \\big(h_t(w, u) - y_t\\big)^2 .

The loss is not quadratic (``h_t`` is a polynomial of degree ``t - 1`` in ``w``), but
momentum training linearised around the optimum is heavy ball (or any rule of the zoo)
on the 2x2 Hessian :math:`H(w^\\star, u^\\star, T)` there. At the optimum the residuals
vanish, so the Hessian is the Gauss-Newton sum

.. math:: H = \\sum_{t=1}^T g_t g_t^\\top, \\qquad
          g_t = \\Big(\\frac{\\partial h_t}{\\partial w}, \\frac{\\partial h_t}{\\partial u}\\Big),

with :math:`g_t` from the forward sensitivities of the cell (its derivatives taken by
SymPy); :func:`rnn_hessian_symbolic` derives it from the loss by differentiating twice
instead, for small ``T``. The state of momentum training is ``(w, u, v_w, v_u)``; its
transition matrix (:func:`rnn_transition_matrix`) has the method's poles at each
eigenvalue of :math:`H`, so the stable :math:`(\\alpha, \\beta)` set is the method's
stable set at the largest eigenvalue :math:`\\lambda_{\\max}`: for heavy ball
(Polyak 1964) :math:`\\alpha < 2(1 + \\beta)/\\lambda_{\\max}`.

:math:`\\partial h_t / \\partial w = u \\sum_{k=1}^{t-1} k\\, w^{k-1}` (unit input) grows
like :math:`t^2/2` as :math:`|w| \\to 1`, so :math:`\\lambda_{\\max}` grows like
:math:`T^5/20` there and the stable learning rates shrink accordingly; away from the
optimum, once :math:`|w| > 1`, the gradients grow exponentially with ``T``: the
exploding-gradient problem of recurrent networks (Bengio, Simard & Frasconi 1994;
Pascanu, Mikolov & Bengio 2013). :func:`rnn_training` shows it in a simulation of the
actual, nonlinear training.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from .._compile import compile_numpy
from .._validation import (
    as_real_array,
    broadcast,
    check_count,
    check_positive,
    check_scalar,
    to_output,
)
from ..methods import get_method
from ..numeric import is_stable, spectral_radius
from .landscapes import largest_stable_step

__all__ = [
    "rnn_cell",
    "rnn_loss",
    "rnn_hessian_symbolic",
    "RNNCurvature",
    "rnn_curvature",
    "rnn_transition_matrix",
    "rnn_stability",
    "rnn_spectral_radius",
    "rnn_max_alpha",
    "RNNTraining",
    "rnn_training",
]

#: Largest ``T`` for which :func:`rnn_hessian_symbolic` differentiates the loss symbolically
#: (the expression grows like ``T**2`` terms and SymPy slows down sharply beyond).
MAX_SYMBOLIC_T = 12


def rnn_cell(h, x, w, u):
    """One step of the linear RNN: :math:`h_t = w h_{t-1} + u x_t`.

    Parameters
    ----------
    h : float, ndarray or sympy.Expr
        The previous hidden state :math:`h_{t-1}`.
    x : float, ndarray or sympy.Expr
        The input :math:`x_t`.
    w : float, ndarray or sympy.Expr
        The recurrent weight.
    u : float, ndarray or sympy.Expr
        The input weight.

    Returns
    -------
    float, ndarray or sympy.Expr
        :math:`h_t`.

    See Also
    --------
    rnn_loss : the sequence loss built from it.

    Examples
    --------
    >>> rnn_cell(1.0, 2.0, w=0.5, u=3.0)
    6.5
    """
    return w * h + u * x


def _inputs(inputs, T: int) -> np.ndarray:
    if inputs is None:
        return np.ones(T)
    x = as_real_array(inputs, "inputs")
    if x.shape != (T,):
        raise ValueError(f"inputs must hold one value per step, shape ({T},) for T = {T}; "
                         f"got shape {x.shape}")
    return x


def _hidden(w, u, inputs):
    h, out = 0, []
    for x in inputs:
        h = rnn_cell(h, x, w, u)
        out.append(h)
    return out


def rnn_loss(w, u, inputs, targets):
    """The sequence loss :math:`\\tfrac12 \\sum_t (h_t(w, u) - y_t)^2`.

    Plain arithmetic over :func:`rnn_cell`: numbers give a number, SymPy symbols an
    expression (from which :func:`rnn_hessian_symbolic` is derived).

    Parameters
    ----------
    w, u : float or sympy.Expr
        Recurrent and input weights.
    inputs : sequence
        :math:`x_1, \\dots, x_T`.
    targets : sequence
        :math:`y_1, \\dots, y_T`, the same length.

    Returns
    -------
    float or sympy.Expr
        The loss.

    See Also
    --------
    rnn_cell, rnn_hessian_symbolic

    Examples
    --------
    >>> rnn_loss(0.5, 1.0, [1.0, 1.0], [1.0, 1.0])
    0.125
    """
    if len(inputs) != len(targets):
        raise ValueError(f"inputs and targets must have the same length; got {len(inputs)} "
                         f"and {len(targets)}")
    hs = _hidden(w, u, inputs)
    return sum((h - y) ** 2 for h, y in zip(hs, targets, strict=True)) / 2


_w, _u, _ws, _us = sp.symbols("w u w_star u_star", real=True)


def rnn_hessian_symbolic(T: int) -> sp.Matrix:
    """Hessian of the sequence loss at the optimum, differentiated symbolically.

    The loss :func:`rnn_loss` with unit inputs and the teacher's targets
    :math:`y_t = h_t(w^\\star, u^\\star)` is differentiated twice in ``(w, u)`` by SymPy
    and evaluated at ``(w, u) = (w*, u*)``; the result is written in the symbols ``w``,
    ``u`` (the optimum's coordinates).

    Parameters
    ----------
    T : int
        Sequence length, 1 <= T <= 12 (the symbolic derivative grows quickly).

    Returns
    -------
    sympy.Matrix
        The 2x2 Hessian in the order ``(w, u)``; entries are polynomials in ``w``, ``u``.

    See Also
    --------
    rnn_curvature : the same matrix numerically, for any ``T``.

    Examples
    --------
    >>> rnn_hessian_symbolic(2)
    Matrix([
    [     u**2,      u*(w + 1)],
    [u*(w + 1), w**2 + 2*w + 2]])
    """
    T = check_count(T, "T", 1)
    if T > MAX_SYMBOLIC_T:
        raise ValueError(f"T must be <= {MAX_SYMBOLIC_T} for the symbolic Hessian; use "
                         f"rnn_curvature for longer sequences; got {T}")
    return _hessian_symbolic(T).copy()


@cache
def _hessian_symbolic(T: int) -> sp.Matrix:
    ones = [sp.Integer(1)] * T
    loss = rnn_loss(_w, _u, ones, _hidden(_ws, _us, ones))
    H = sp.hessian(loss, (_w, _u)).subs({_ws: _w, _us: _u})
    return H.applyfunc(sp.factor)


@cache
def _cell_derivatives():
    """``(cell, d/dh, d/dw, d/du)`` of the cell as one compiled function of (h, x, w, u)."""
    h, x = sp.symbols("h x", real=True)
    cell = rnn_cell(h, x, _w, _u)
    exprs = [cell, *(sp.diff(cell, s) for s in (h, _w, _u))]
    return compile_numpy([h, x, _w, _u], exprs)


def _forward(w, u, inputs):
    """Hidden states and their sensitivities ``d h_t / d(w, u)`` (forward mode), stacked
    on the first axis: shapes (T, ...) each."""
    f = _cell_derivatives()
    shape = np.broadcast_shapes(np.shape(w), np.shape(u))
    h = np.zeros(shape)
    sw = np.zeros(shape)
    su = np.zeros(shape)
    hs, sws, sus = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for x in inputs:
            cell, dh, dw, du = (np.broadcast_to(q, shape) for q in f(h, x, w, u))
            # Chain rule: d h_t = (d cell/d h) d h_{t-1} + d cell/d theta.
            sw, su = dh * sw + dw, dh * su + du
            h = cell
            hs.append(h)
            sws.append(sw)
            sus.append(su)
    return np.array(hs), np.array(sws), np.array(sus)


def _check_w(w, name: str = "w") -> np.ndarray:
    arr = as_real_array(w, name)
    bad = np.abs(arr) >= 1
    if np.any(bad):
        raise ValueError(f"{name} (the teacher's recurrent weight) must lie in (-1, 1), where "
                         f"the hidden state stays bounded for every T; got "
                         f"{arr[bad].flat[0].item()!r}")
    return arr


class RNNCurvature(NamedTuple):
    """The Hessian of the sequence loss at the optimum (see :func:`rnn_curvature`).

    Attributes
    ----------
    hessian : ndarray (..., 2, 2)
        :math:`H` in the order ``(w, u)``.
    eigenvalues : ndarray (..., 2)
        Its eigenvalues, ascending (the curvatures the optimiser sees).
    condition_number : float or ndarray
        ``lambda_max / lambda_min`` (``inf`` for a flat direction, e.g. ``T = 1``).

    See Also
    --------
    rnn_curvature

    Examples
    --------
    >>> rnn_curvature(0.5, 2).hessian
    array([[1.  , 1.5 ],
           [1.5 , 3.25]])
    """

    hessian: np.ndarray
    eigenvalues: np.ndarray
    condition_number: float | np.ndarray

    @property
    def largest(self) -> float | np.ndarray:
        """:math:`\\lambda_{\\max}`, the sharpest curvature."""
        return to_output(self.eigenvalues[..., -1])


def rnn_curvature(w, T: int, u=1.0, inputs=None) -> RNNCurvature:
    """Hessian of the sequence loss at the optimum ``(w, u)``, for any sequence length.

    :math:`H = \\sum_t g_t g_t^\\top` with :math:`g_t = \\partial h_t/\\partial(w, u)`
    from the forward sensitivities of :func:`rnn_cell` (the residuals vanish at the
    optimum). Evaluated in ``O(T)`` without cancellation for :math:`w \\ge 0` (the
    sensitivities are sums of positive terms).

    Parameters
    ----------
    w : array_like
        The optimum's recurrent weight, in (-1, 1).
    T : int
        Sequence length, >= 1.
    u : array_like
        The optimum's input weight; broadcasts with ``w``.
    inputs : array_like (T,), optional
        The input sequence (default: all ones).

    Returns
    -------
    RNNCurvature
        ``hessian``, ``eigenvalues``, ``condition_number``; ``.largest`` is
        :math:`\\lambda_{\\max}`.

    Raises
    ------
    ValueError
        For ``|w| >= 1``, ``T < 1``, or inputs of the wrong length, naming the argument.

    See Also
    --------
    rnn_hessian_symbolic : the same matrix derived symbolically (small ``T``).
    rnn_max_alpha : the largest stable learning rate it implies.

    Examples
    --------
    The sharpest curvature grows steeply as ``w -> 1`` and with ``T``:

    >>> rnn_curvature([0.0, 0.5, 0.9], 20).largest.round(1)
    array([   38.5,   326.6, 25182.3])
    """
    wa = _check_w(w)
    ua = as_real_array(u, "u")
    T = check_count(T, "T", 1)
    x = _inputs(inputs, T)
    broadcast((wa, "w"), (ua, "u"))
    _, sw, su = _forward(wa, ua, x)
    H = np.empty(sw.shape[1:] + (2, 2))
    H[..., 0, 0] = np.sum(sw * sw, axis=0)
    H[..., 0, 1] = H[..., 1, 0] = np.sum(sw * su, axis=0)
    H[..., 1, 1] = np.sum(su * su, axis=0)
    ev = np.linalg.eigvalsh(H)
    ev = np.clip(ev, 0.0, None)  # a Gauss-Newton sum is positive semi-definite
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(ev[..., 0] > 0, ev[..., -1] / np.where(ev[..., 0] > 0, ev[..., 0], 1),
                        np.inf)
    return RNNCurvature(H, ev, to_output(cond))


def rnn_transition_matrix(method, alpha, beta, w, T: int, u=1.0, inputs=None,
                          **hyperparameters) -> np.ndarray:
    """State matrix of momentum training linearised at the optimum.

    The method's state-space model on the Hessian of :func:`rnn_curvature`
    (:func:`momentum_dynamics.lti.state_space_matrices`), state ordered
    ``(w, u, v_w, v_u)`` for heavy ball: ``s_{k+1} = A s_k`` for the deviation from the
    optimum, to first order.

    Parameters
    ----------
    method : str or Method
        The optimiser.
    alpha, beta : float
        Learning rate (> 0) and momentum.
    w, u : float
        The optimum, ``|w| < 1``.
    T : int
        Sequence length, >= 1.
    inputs : array_like (T,), optional
        The input sequence (default: ones).
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    ndarray (2 n, 2 n)
        ``n`` = the method's order (4x4 for heavy ball).

    See Also
    --------
    rnn_spectral_radius : its spectral radius.

    Examples
    --------
    >>> rnn_transition_matrix("heavy_ball", 0.1, 0.9, 0.0, 1).round(2)
    array([[ 1. ,  0. , -0.9, -0. ],
           [ 0. ,  0.9, -0. , -0.9],
           [ 0. ,  0. ,  0.9,  0. ],
           [ 0. ,  0.1,  0. ,  0.9]])
    """
    from ..lti import state_space_matrices

    wa = check_scalar(w, "w")
    _check_w(wa)
    H = rnn_curvature(wa, T, check_scalar(u, "u"), inputs).hessian
    return state_space_matrices(method, alpha, beta, hessian=H, **hyperparameters)[0]


def _per_eigenvalue(method, alpha, beta, w, T, u, inputs, hyperparameters):
    m = get_method(method)
    a = check_positive(alpha, "alpha", "the learning rate")
    b = None if beta is None else as_real_array(beta, "beta")
    curv = rnn_curvature(w, T, u, inputs)
    lam = curv.eigenvalues  # (..., 2)
    shape = broadcast((a, "alpha"), (b, "beta"), (np.empty(lam.shape[:-1]), "w"))
    # Flat directions (zero curvature: nothing moves along them) are not counted.
    flat = lam <= 1e-14 * np.max(lam, axis=-1, keepdims=True)
    return m, a[..., None], None if b is None else b[..., None], lam, flat, shape


def rnn_stability(alpha, beta, w, T: int, method="heavy_ball", u=1.0, inputs=None,
                  **hyperparameters):
    """Whether momentum training of the linear RNN converges near the optimum.

    True where the method is stable at every nonzero eigenvalue of the Hessian
    (:func:`momentum_dynamics.is_stable`); a zero eigenvalue is a flat direction (``w``
    when ``T = 1``), along which nothing moves, and is not counted.

    Parameters
    ----------
    alpha : array_like
        Learning rate, > 0.
    beta : array_like
        Momentum, in [-1, 1].
    w : array_like
        The optimum's recurrent weight, in (-1, 1); broadcasts with ``alpha`` and ``beta``.
    T : int
        Sequence length, >= 1.
    method : str or Method
        The optimiser (default heavy ball).
    u : float
        The optimum's input weight.
    inputs : array_like (T,), optional
        The input sequence (default: ones).
    **hyperparameters
        Extra hyper-parameters of the method.

    Returns
    -------
    bool or ndarray of bool

    See Also
    --------
    rnn_max_alpha : the edge in ``alpha``.

    Examples
    --------
    >>> rnn_stability(0.01, 0.9, [0.0, 0.5, 0.9], 20)
    array([ True,  True, False])
    """
    m, a, b, lam, flat, shape = _per_eigenvalue(method, alpha, beta, w, T, u, inputs,
                                                hyperparameters)
    ok = np.asarray(is_stable(m, a, b, lam, **hyperparameters)) | flat
    return to_output(np.broadcast_to(np.all(ok, axis=-1), shape))


def rnn_spectral_radius(alpha, beta, w, T: int, method="heavy_ball", u=1.0, inputs=None,
                        **hyperparameters):
    """Spectral radius of linearised momentum training of the linear RNN.

    The largest :func:`momentum_dynamics.spectral_radius` over the nonzero eigenvalues of
    the Hessian at the optimum: the asymptotic rate of convergence (< 1) or divergence.
    It equals the spectral radius of :func:`rnn_transition_matrix` except on flat
    directions (where the pole 1 of a resting iterate is left out).

    Parameters
    ----------
    alpha, beta, w, T, method, u, inputs, **hyperparameters
        As in :func:`rnn_stability`.

    Returns
    -------
    float or ndarray

    See Also
    --------
    rnn_transition_matrix

    Examples
    --------
    >>> round(rnn_spectral_radius(0.001, 0.9, 0.5, 20), 4)
    0.9695
    """
    m, a, b, lam, flat, shape = _per_eigenvalue(method, alpha, beta, w, T, u, inputs,
                                                hyperparameters)
    rho = np.where(flat, 0.0, spectral_radius(m, a, b, lam, **hyperparameters))
    return to_output(np.broadcast_to(np.max(rho, axis=-1), shape))


def rnn_max_alpha(beta, w, T: int, method="heavy_ball", u=1.0, inputs=None,
                  **hyperparameters):
    """Largest stable learning rate: the method's largest stable step over ``lambda_max``.

    :math:`\\alpha_{\\max} = h_{\\max}(\\beta) / \\lambda_{\\max}(w, T)` with
    :math:`h_{\\max}` from :func:`~momentum_dynamics.applications.largest_stable_step`
    (``2(1 + beta)`` for heavy ball); since the stable step set is an interval
    ``(0, h_max)``, the stable :math:`(\\alpha, \\beta)` set is
    ``0 < alpha < rnn_max_alpha(beta)``.

    Parameters
    ----------
    beta : array_like
        Momentum, in [-1, 1].
    w : array_like
        The optimum's recurrent weight, in (-1, 1); broadcasts with ``beta``.
    T, method, u, inputs, **hyperparameters
        As in :func:`rnn_stability`.

    Returns
    -------
    float or ndarray

    See Also
    --------
    rnn_stability

    Examples
    --------
    The stable set shrinks as ``w -> 1`` and as ``T`` grows:

    >>> rnn_max_alpha(0.9, [0.0, 0.5, 0.9], 20).round(6)
    array([0.098684, 0.011637, 0.000151])
    """
    m = get_method(method)
    lam = np.asarray(rnn_curvature(w, T, u, inputs).largest)
    h = np.asarray(largest_stable_step(m, beta, **hyperparameters))
    broadcast((h, "beta"), (lam, "w"))
    return to_output(h / lam)


class RNNTraining(NamedTuple):
    """A simulated momentum run on the linear RNN (see :func:`rnn_training`).

    Attributes
    ----------
    w, u : ndarray (steps + 1,)
        The weights along the run.
    gradient_norm : ndarray (steps + 1,)
        :math:`\\|\\nabla \\mathcal L\\|_2` at each iterate (``inf`` after an overflow).
    loss : ndarray (steps + 1,)
        The sequence loss at each iterate.
    max_gradient_norm : float
        The largest gradient norm of the run.
    diverged : bool
        Whether the run overflowed.

    See Also
    --------
    rnn_training

    Examples
    --------
    >>> r = rnn_training(0.5, 10, alpha=0.001, beta=0.9, steps=5)
    >>> r.w.shape, bool(r.diverged)
    ((6,), False)
    """

    w: np.ndarray
    u: np.ndarray
    gradient_norm: np.ndarray
    loss: np.ndarray
    max_gradient_norm: float
    diverged: bool


def rnn_training(w_star, T: int, alpha: float, beta: float, steps: int = 200,
                 u_star: float = 1.0, w0: float = 0.0, u0: float = 0.5,
                 method="heavy_ball", inputs=None) -> RNNTraining:
    """Simulate momentum training of the linear RNN on the full (nonlinear) loss.

    Runs :func:`momentum_dynamics.simulate` with the gradient of :func:`rnn_loss` (the
    residuals times the forward sensitivities of :func:`rnn_cell`) from ``(w0, u0)``
    towards the teacher ``(w_star, u_star)``. When an iterate's ``|w|`` passes 1 the
    gradient grows like ``|w|^T``: the exploding gradients of recurrent networks
    (Pascanu, Mikolov & Bengio 2013).

    Parameters
    ----------
    w_star : float
        The teacher's recurrent weight, in (-1, 1).
    T : int
        Sequence length, >= 1.
    alpha : float
        Learning rate, > 0.
    beta : float
        Momentum, in [-1, 1].
    steps : int
        Number of steps, >= 1.
    u_star : float
        The teacher's input weight.
    w0, u0 : float
        The starting point.
    method : str or Method
        The optimiser (default heavy ball).
    inputs : array_like (T,), optional
        The input sequence (default: ones).

    Returns
    -------
    RNNTraining
        The run, its gradient norms and losses.

    See Also
    --------
    rnn_max_alpha : the step size above which training near the optimum diverges.

    Examples
    --------
    Near ``w* = 0.95`` a step that is stable at ``T = 10`` explodes at ``T = 40``:

    >>> [f"{rnn_training(0.95, T, alpha=2e-4, beta=0.9).max_gradient_norm:.3g}"
    ...  for T in (10, 40)]
    ['990', 'inf']
    """
    from ..simulate import simulate

    ws = check_scalar(w_star, "w_star")
    _check_w(ws, "w_star")
    us = check_scalar(u_star, "u_star")
    T = check_count(T, "T", 1)
    x = _inputs(inputs, T)
    n = check_count(steps, "steps", 1)
    start = [check_scalar(w0, "w0"), check_scalar(u0, "u0")]
    targets = _forward(np.float64(ws), np.float64(us), x)[0]

    def parts(theta):
        h, sw, su = _forward(theta[..., 0], theta[..., 1], x)
        r = h - targets.reshape((-1,) + (1,) * (h.ndim - 1))
        with np.errstate(over="ignore", invalid="ignore"):
            g = np.stack([np.sum(r * sw, axis=0), np.sum(r * su, axis=0)], axis=-1)
            loss = 0.5 * np.sum(r * r, axis=0)
        return g, loss

    tr = simulate(method, lambda th: parts(th)[0], alpha, beta, steps=n, x0=start)
    g, loss = parts(np.asarray(tr.x))
    with np.errstate(over="ignore", invalid="ignore"):
        norm = np.sqrt(np.sum(g * g, axis=-1))
    norm = np.where(np.isfinite(norm), norm, np.inf)
    diverged = bool(tr.diverged) or not np.all(np.isfinite(norm))
    return RNNTraining(tr.x[:, 0].copy(), tr.x[:, 1].copy(), norm,
                       np.where(np.isfinite(loss), loss, np.inf), float(np.max(norm)), diverged)

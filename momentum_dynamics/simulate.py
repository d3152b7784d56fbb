"""Run update rules on problems: the methods as optimizers.

:func:`simulate` calls a method's update rule (``Method.step``) exactly as it is
written in :mod:`momentum_dynamics.methods`, with NumPy arrays and a real
gradient, and records every state variable. Nothing about a method is re-typed
here, so a simulation is an independent check of everything
:mod:`momentum_dynamics.symbolic` and :mod:`momentum_dynamics.numeric` derive from
the same rule.

The standard test problem is the quadratic

.. math:: f(x) = \\tfrac12 (x - x^\\star)^\\top H (x - x^\\star),
          \\qquad \\nabla f(x) = H (x - x^\\star),

on which every method is a linear time-invariant system: along the eigenvector of
``H`` with eigenvalue (curvature) :math:`\\lambda` the error
:math:`x_t - x^\\star` evolves by the method's state matrix at that curvature, so
it decays like :math:`\\rho^t` with :math:`\\rho` the spectral radius.
:func:`empirical_rate` measures that rate from a trajectory and
:func:`sign_changes` counts the oscillations of the underdamped regime.

Unstable settings are simulated too: the iterates grow until they overflow to
``inf`` and then usually become ``NaN`` (``inf - inf``); overflow warnings are
suppressed and :attr:`Trajectory.diverged` reports it.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_real_array, check_alpha, check_beta, check_hyperparameters
from .methods import Method, get_method

__all__ = ["Quadratic", "Trajectory", "simulate", "empirical_rate", "sign_changes"]

# Relative symmetry tolerance for a Hessian: |H - H^T| <= _SYM_RTOL * max|H|.
_SYM_RTOL = 1e-12
# Below this norm the error x - x* of a run that started far away is rounding noise
# or subnormal; empirical_rate and sign_changes ignore it.
_TINY = 1e-280


def _as_hessian(value, name: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Validate a Hessian; return (dense, None) or (None, diagonal curvatures)."""
    arr = as_real_array(value, name)
    if arr.ndim == 0:
        return None, arr.reshape(1)
    if arr.ndim == 1:
        if arr.size == 0:
            raise ValueError(f"{name} must have at least one curvature; got an empty array")
        return None, arr
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.size == 0:
        raise ValueError(
            f"{name} must be a scalar, a 1-D array of curvatures or a square (d, d) matrix; "
            f"got shape {arr.shape}"
        )
    asym = np.abs(arr - arr.T)
    scale = np.abs(arr).max()
    worst = asym.max()
    if worst > _SYM_RTOL * scale:
        i, j = (int(k) for k in np.unravel_index(np.argmax(asym), asym.shape))
        raise ValueError(
            f"{name} must be symmetric (a Hessian); got {name}[{i}, {j}]={float(arr[i, j])!r} "
            f"but {name}[{j}, {i}]={float(arr[j, i])!r} (allowed relative asymmetry "
            f"{_SYM_RTOL:g})"
        )
    return 0.5 * (arr + arr.T), None


class Quadratic:
    r"""The quadratic :math:`f(x) = \tfrac12 (x - x^\star)^\top H (x - x^\star)`.

    Parameters
    ----------
    hessian : float, (d,) array or (d, d) array
        The Hessian :math:`H`: a symmetric matrix, a 1-D array of curvatures (a
        diagonal Hessian, stored without forming the matrix) or a scalar (``d = 1``).
        Finite and real; any sign (an indefinite ``H`` is a saddle). A matrix that
        is symmetric to a relative tolerance of ``1e-12`` is symmetrised exactly.
    x_star : (d,) array, optional
        The stationary point :math:`x^\star` (default: the origin).

    Attributes
    ----------
    dim : int
        The dimension ``d``.
    hessian : (d, d) ndarray
        :math:`H` as a dense matrix.
    x_star : (d,) ndarray
        :math:`x^\star`.
    eigenvalues : (d,) ndarray
        The curvatures (eigenvalues of :math:`H`), ascending.
    mu, L : float
        The smallest and largest curvature.

    Raises
    ------
    ValueError
        For a non-finite, non-square or non-symmetric ``hessian`` or an ``x_star``
        of the wrong shape.
    TypeError
        For non-numeric input.

    Examples
    --------
    >>> q = Quadratic([[2.0, 1.0], [1.0, 2.0]], x_star=[1.0, 0.0])
    >>> q.eigenvalues, q.mu, q.L
    (array([1., 3.]), 1.0, 3.0)
    >>> q.grad([0.0, 0.0]), q.value([0.0, 0.0])
    (array([-2., -1.]), 1.0)
    >>> Quadratic([1.0, 10.0]).hessian
    array([[ 1.,  0.],
           [ 0., 10.]])
    """

    def __init__(self, hessian: ArrayLike, x_star: ArrayLike | None = None) -> None:
        self._init(hessian, x_star, "hessian")

    def _init(self, hessian, x_star, name: str) -> None:
        dense, diag = _as_hessian(hessian, name)
        self._dense = dense
        self._diag = diag
        d = len(diag) if diag is not None else dense.shape[0]
        if x_star is None:
            xs = np.zeros(d)
        else:
            xs = np.atleast_1d(as_real_array(x_star, "x_star"))
            if xs.shape != (d,):
                raise ValueError(
                    f"x_star must have shape ({d},) to match {name}; got shape {xs.shape}"
                )
        xs = xs.copy()
        xs.setflags(write=False)
        self.x_star = xs
        self.dim = d
        if diag is not None:
            eig = np.sort(diag)
            diag.setflags(write=False)
        else:
            eig = np.linalg.eigvalsh(dense)
            dense.setflags(write=False)
        eig.setflags(write=False)
        self.eigenvalues = eig
        self.mu = float(eig[0])
        self.L = float(eig[-1])

    @classmethod
    def _from_problem(cls, problem) -> Quadratic:
        q = cls.__new__(cls)
        q._init(problem, None, "problem")
        return q

    @property
    def hessian(self) -> np.ndarray:
        """:math:`H` as a dense (d, d) matrix."""
        if self._dense is not None:
            return self._dense
        return np.diag(self._diag)

    def _error(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(
                f"x must have shape ({self.dim},) or (..., {self.dim}); got shape {x.shape}"
            )
        return x - self.x_star

    def grad(self, x: ArrayLike) -> np.ndarray:
        r"""The gradient :math:`H (x - x^\star)` at ``x`` of shape (d,) or (..., d)."""
        e = self._error(x)
        if self._diag is not None:
            return self._diag * e
        return e @ self._dense.T

    def value(self, x: ArrayLike) -> float | np.ndarray:
        r"""The value :math:`\tfrac12 (x - x^\star)^\top H (x - x^\star)`.

        A float for ``x`` of shape (d,), an array of shape (...) for (..., d).
        """
        e = self._error(x)
        g = self._diag * e if self._diag is not None else e @ self._dense.T
        out = 0.5 * np.sum(e * g, axis=-1)
        return float(out) if np.ndim(out) == 0 else out

    def __repr__(self) -> str:
        return f"Quadratic(dim={self.dim}, mu={self.mu:g}, L={self.L:g})"


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The record of one run of :func:`simulate`.

    Attributes
    ----------
    x : (steps + 1, d) ndarray
        The iterates :math:`x_0, x_1, \\dots, x_{steps}` (``x_0`` included).
    states : dict of str to (steps + 1, d) ndarray
        Every state variable by the name in the update rule's signature
        (``states["x"]`` is ``x``; ``states["v"]`` the momentum buffer).
    loss : (steps + 1,) ndarray or None
        :math:`f(x_t)` for a :class:`Quadratic` problem, else None.
    method : str
        The method's registry name.
    alpha : float
        The learning rate.
    beta : float or None
        The momentum parameter (None for a method without one).
    hyperparameters : dict of str to float
        Extra hyper-parameters (e.g. ``nu`` for QHM); empty for the shipped methods.
    problem : Quadratic or callable
        The problem (a :class:`Quadratic` or the user's gradient function).

    Unstable runs overflow: entries become ``inf`` and then usually ``NaN``.
    The arrays are read-only.
    """

    x: np.ndarray
    states: dict[str, np.ndarray]
    loss: np.ndarray | None
    method: str
    alpha: float
    beta: float | None
    hyperparameters: dict[str, float] = field(default_factory=dict)
    problem: Quadratic | Callable | None = field(default=None, repr=False)

    @property
    def steps(self) -> int:
        """Number of steps taken (``len(x) - 1``)."""
        return self.x.shape[0] - 1

    @property
    def x_star(self) -> np.ndarray | None:
        """The problem's minimiser for a :class:`Quadratic`, else None."""
        return self.problem.x_star if isinstance(self.problem, Quadratic) else None

    @property
    def diverged(self) -> bool:
        """True if any state variable overflowed to ``inf`` or ``NaN``.

        An unstable run that has not yet overflowed is not flagged; its
        :func:`empirical_rate` is then above 1.
        """
        return not all(np.isfinite(s).all() for s in self.states.values())


def _scalar(value, name: str, checked: np.ndarray) -> float:
    if checked.ndim != 0:
        raise ValueError(
            f"{name} must be a scalar for simulate; got an array of shape {checked.shape} "
            f"({value!r})"
        )
    return float(checked)


def _vector(value, name: str, d: int | None, what: str) -> np.ndarray:
    arr = np.atleast_1d(as_real_array(value, name))
    if arr.ndim != 1 or (d is not None and arr.shape != (d,)):
        expected = f"({d},)" if d is not None else "(d,)"
        raise ValueError(f"{name} must have shape {expected} {what}; got shape {arr.shape}")
    return arr


def simulate(
    method: str | Method,
    problem: Quadratic | Callable[[np.ndarray], np.ndarray] | ArrayLike,
    alpha: float,
    beta: float | None = None,
    steps: int = 100,
    x0: ArrayLike | None = None,
    v0: ArrayLike | None = None,
    **hyperparameters: float,
) -> Trajectory:
    r"""Run a method's update rule for ``steps`` steps and record the trajectory.

    Each step is ``method.step(state, grad, alpha=alpha, beta=beta, ...)``: the
    update rule exactly as written. For heavy ball, for instance,

    .. math:: v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1}), \qquad x_t = x_{t-1} - v_t .

    Parameters
    ----------
    method : str or Method
        A registered name (``"gd"``, ``"heavy_ball"``, ``"nesterov"``,
        ``"ema_momentum"``, ...) or a :class:`~momentum_dynamics.methods.Method`.
    problem : Quadratic, callable, float or array
        A :class:`Quadratic`; or a gradient function ``grad(x)`` mapping a (d,)
        array to a (d,) array (then ``x0`` is required and ``loss`` is None); or a
        Hessian (scalar, 1-D curvatures or symmetric matrix) turned into
        ``Quadratic(problem)`` with minimiser 0.
    alpha : float
        The learning rate, finite and > 0.
    beta : float, optional
        The momentum parameter in [-1, 1]; must be None for a method without one
        (``"gd"``).
    steps : int
        Number of steps, >= 0.
    x0 : (d,) array, optional
        Initial iterate (default: ``ones(d)`` for a quadratic problem).
    v0 : (d,) array, optional
        Initial value of the second state variable (default: zeros). Every state
        variable other than ``x`` and the second one starts at zero.
    **hyperparameters
        Extra hyper-parameters of the method (e.g. ``nu`` for QHM), scalars.

    Returns
    -------
    Trajectory
        Iterates, all state variables and, for a quadratic, the loss.

    Raises
    ------
    ValueError
        For a bad ``alpha``, ``beta``, ``steps``, ``x0``, ``v0`` or ``problem``, an
        unknown method name, or a gradient function returning the wrong shape;
        the message names the argument.
    TypeError
        For a non-integer ``steps``, a missing ``x0`` with a gradient function,
        a missing ``beta`` or unexpected keyword arguments.

    Notes
    -----
    Unstable settings are run to the end: the iterates grow geometrically,
    overflow to ``inf`` and typically turn into ``NaN``; overflow warnings are
    suppressed. :attr:`Trajectory.diverged` tells whether that happened.

    Examples
    --------
    >>> tr = simulate("heavy_ball", [1.0, 10.0], alpha=0.1, beta=0.5, steps=3)
    >>> tr.x
    array([[ 1.   ,  1.   ],
           [ 0.9  ,  0.   ],
           [ 0.76 , -0.5  ],
           [ 0.614, -0.25 ]])
    >>> tr.states["v"][1]
    array([0.1, 1. ])
    >>> tr.loss
    array([5.5     , 0.405   , 1.5388  , 0.500998])
    >>> simulate("gd", 1.0, alpha=2.5, steps=2000).diverged
    True
    """
    m = get_method(method)
    alpha_f = _scalar(alpha, "alpha", check_alpha(alpha))
    beta_c = check_beta(beta, m)
    beta_f = None if beta_c is None else _scalar(beta, "beta", beta_c)
    extra = {
        k: _scalar(hyperparameters[k], k, v)
        for k, v in check_hyperparameters(m, hyperparameters).items()
    }
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be an integer; got {steps!r}")
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}")

    if isinstance(problem, Quadratic):
        quad = problem
    elif callable(problem):
        quad = None
    else:
        quad = Quadratic._from_problem(problem)

    if quad is not None:
        d = quad.dim
        x0 = np.ones(d) if x0 is None else _vector(x0, "x0", d, f"to match the {d}-D problem")
        grad = quad.grad
    else:
        if x0 is None:
            raise TypeError("x0 (the initial iterate) is required when problem is a gradient "
                            "function")
        x0 = _vector(x0, "x0", None, "")
        d = x0.shape[0]
        user_grad = problem

        def grad(x):
            g = np.asarray(user_grad(x), dtype=float)
            if g.shape != np.shape(x):
                raise ValueError(
                    f"problem (the gradient function) returned shape {g.shape} for x of "
                    f"shape {np.shape(x)}; it must return the same shape"
                )
            return g

    state = [np.array(x0, dtype=float)] + [np.zeros(d) for _ in m.state[1:]]
    if v0 is not None:
        if m.order < 2:
            raise ValueError(
                f"v0 sets the second state variable, but method {m.name!r} has only the "
                f"state {m.state}; pass v0=None"
            )
        state[1] = _vector(v0, "v0", d, f"to match x0 (state variable {m.state[1]!r})")

    hyper = {"alpha": alpha_f, **extra}
    if beta_f is not None:
        hyper["beta"] = beta_f
    record = {name: np.empty((steps + 1, d)) for name in m.state}
    for name, s in zip(m.state, state, strict=True):
        record[name][0] = s
    with np.errstate(over="ignore", invalid="ignore"):
        st = tuple(state)
        for t in range(1, steps + 1):
            st = m.step(st, grad, **hyper)
            for name, s in zip(m.state, st, strict=True):
                record[name][t] = s
        loss = quad.value(record[m.state[0]]) if quad is not None else None
    for arr in record.values():
        arr.setflags(write=False)
    if loss is not None:
        loss.setflags(write=False)
    return Trajectory(
        x=record[m.state[0]],
        states=record,
        loss=loss,
        method=m.name,
        alpha=alpha_f,
        beta=beta_f,
        hyperparameters=extra,
        problem=problem if quad is None else quad,
    )


def _errors(trajectory: Trajectory, x_star) -> tuple[np.ndarray, np.ndarray]:
    """(x - x*, x*) for a trajectory, with x* from the problem or the argument."""
    if not isinstance(trajectory, Trajectory):
        raise TypeError(f"trajectory must be a Trajectory; got {type(trajectory).__name__}")
    d = trajectory.x.shape[1]
    if x_star is None:
        if trajectory.x_star is None:
            raise ValueError(
                "x_star is required when the trajectory's problem is a gradient function "
                "(it is read off a Quadratic problem otherwise)"
            )
        xs = trajectory.x_star
    else:
        xs = _vector(x_star, "x_star", d, "to match the trajectory")
    with np.errstate(over="ignore", invalid="ignore"):
        return trajectory.x - xs, xs


def empirical_rate(trajectory: Trajectory, skip: int | None = None, *,
                   x_star: ArrayLike | None = None, rtol: float = 1e-12) -> float:
    r"""Asymptotic linear convergence rate measured from a trajectory.

    Fits :math:`\log r_t \approx c + t \log\rho` by least squares (weighted by
    a Hann taper) over the tail of the run and returns :math:`\rho`, where

    .. math:: r_t = \Big(\sum_{k=0}^{n-1} \lVert x_{t-k} - x^\star \rVert^2\Big)^{1/2}

    is the norm of the last ``n`` errors (``n`` the number of state variables of
    the method). For a linear method the window of ``n`` consecutive iterates
    determines the state, so :math:`r_t` stays within constant factors of
    :math:`\rho^t` even when the iterates oscillate and single errors pass
    through zero (underdamped regime); the fit over many steps averages the
    oscillation out. The fit starts after a quarter of the usable run by default
    (the taper already gives the start little weight, and more points average
    the oscillation better than a later start removes transients).

    Accuracy is limited by the other modes, not by the fit: a mode of modulus
    :math:`\rho_2 < \rho` biases the estimate by a share decaying like
    :math:`(\rho_2/\rho)^t`, so nearly equal moduli (gradient descent at two
    close curvatures) cannot be told apart in a finite run; modes of *equal*
    modulus and different frequencies (heavy ball underdamped at several
    curvatures, all of modulus :math:`\sqrt\beta`) beat, which the fit averages
    only over a window longer than the beat period. A survey of random 3-D
    quadratics (the four shipped methods, :math:`0.05 < \rho < 0.999`) gave,
    with ``x_star = 0`` (runs end at underflow, hundreds to thousands of
    usable steps), a median relative error of ``1e-9``, a 90th percentile of
    ``5e-7`` and a worst case of ``2e-3`` (two modes 0.4 % apart). With a
    non-zero minimiser rounding ends the usable run after about
    :math:`\log(10^{-12})/\log\rho` steps (a few tens for a fast rate), and
    the 90th percentile grew to about ``2e-3``, the worst case to a few percent.

    For a generic ``x0`` (one exciting the slowest mode) the result estimates the
    spectral radius :math:`\max_\lambda \rho(A(\lambda))` over the Hessian's
    eigenvalues; an ``x0`` orthogonal to the slowest eigenvectors gives the rate of
    the modes it excites. Near a double pole (critical damping) the polynomial
    factor :math:`t\rho^t` biases the estimate upward by about ``1/t``.

    Parameters
    ----------
    trajectory : Trajectory
        A run of :func:`simulate`.
    skip : int, optional
        First step of the fit (default: a quarter of the usable run, which ends
        at the first ``inf``/``NaN`` or rounding-level error).
    x_star : (d,) array, optional
        The minimiser; required only when the problem is a gradient function.
    rtol : float
        Errors below ``rtol * max|x_star|`` (rounding noise around a non-zero
        minimiser) or below ``1e-280`` end the usable part of the run, as do
        ``inf``/``NaN``.

    Returns
    -------
    float
        The estimated rate :math:`\rho` (> 1 for a diverging run); NaN when fewer
        than two usable steps remain (e.g. ``x0 == x_star`` or too few steps).

    Examples
    --------
    Heavy ball at curvature 1 with ``alpha = 0.1, beta = 0.5`` has the
    complex poles of modulus :math:`\sqrt\beta`:

    >>> tr = simulate("heavy_ball", 1.0, alpha=0.1, beta=0.5, steps=400)
    >>> round(empirical_rate(tr), 6), round(0.5 ** 0.5, 6)
    (0.707107, 0.707107)
    """
    err, xs = _errors(trajectory, x_star)
    n = len(trajectory.states)
    with np.errstate(over="ignore", invalid="ignore"):
        sq = np.sum(err * err, axis=1)
        window = np.sqrt(np.convolve(sq, np.ones(n), mode="valid"))  # r_t for t >= n-1
    floor = max(_TINY, float(rtol) * float(np.max(np.abs(xs), initial=0.0)) * np.sqrt(n))
    ok = np.isfinite(window) & (window > floor)
    end = int(np.argmin(ok)) if not ok.all() else len(ok)
    t = np.arange(n - 1, n - 1 + end)
    if skip is None:
        start = end // 4
    else:
        if isinstance(skip, (bool, np.bool_)) or not isinstance(skip, numbers.Integral):
            raise TypeError(f"skip must be an integer; got {skip!r}")
        if not 0 <= skip <= trajectory.steps:
            raise ValueError(f"skip must lie in [0, {trajectory.steps}]; got {skip}")
        start = max(0, int(skip) - (n - 1))
    if end - start < 2:
        return float("nan")
    # Least squares with a Hann taper: the bounded, periodic wobble of log r_t
    # (oscillating modes) then leaks into the slope like the taper's Fourier
    # transform, i.e. about (period / N)^3 instead of period / N^2.
    npts = end - start
    taper = np.sin(np.pi * np.arange(1, npts + 1) / (npts + 1))
    slope = np.polyfit(t[start:end], np.log(window[start:end]), 1, w=taper)[0]
    return float(np.exp(slope))


def sign_changes(trajectory: Trajectory, coordinate: int = 0, *,
                 x_star: ArrayLike | None = None, rtol: float = 1e-10) -> int:
    r"""Number of sign changes of :math:`x_t - x^\star` along one coordinate.

    Many sign changes mark the underdamped (oscillating) regime; a heavy-ball
    run in the overdamped regime (real positive poles) changes sign at most once
    per mode.

    Parameters
    ----------
    trajectory : Trajectory
        A run of :func:`simulate`.
    coordinate : int
        Which coordinate of ``x`` (negative indices count from the end).
    x_star : (d,) array, optional
        The minimiser; required only when the problem is a gradient function.
    rtol : float
        Errors with ``|x_t - x*| <= rtol * max|x_star|`` (rounding noise around a
        non-zero minimiser) or below ``1e-280`` (subnormal) are skipped, as are
        ``inf`` and ``NaN``.

    Returns
    -------
    int

    Examples
    --------
    >>> sign_changes(simulate("heavy_ball", 1.0, alpha=0.1, beta=0.9, steps=100))
    10
    >>> sign_changes(simulate("heavy_ball", 1.0, alpha=0.1, beta=0.1, steps=100))
    0
    """
    err, xs = _errors(trajectory, x_star)
    d = err.shape[1]
    if isinstance(coordinate, (bool, np.bool_)) or not isinstance(coordinate, numbers.Integral):
        raise TypeError(f"coordinate must be an integer; got {coordinate!r}")
    if not -d <= coordinate < d:
        raise ValueError(f"coordinate must lie in [{-d}, {d - 1}] for d={d}; got {coordinate}")
    e = err[:, coordinate]
    floor = max(_TINY, float(rtol) * float(np.max(np.abs(xs), initial=0.0)))
    e = e[np.isfinite(e) & (np.abs(e) > floor)]
    return int(np.count_nonzero(np.signbit(e[1:]) != np.signbit(e[:-1])))

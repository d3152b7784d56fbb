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

from ._validation import (
    as_real_array,
    check_alpha,
    check_beta,
    check_count,
    check_hessian_matrix,
    check_hyperparameters,
    check_nonnegative,
    check_scalar,
)
from .methods import Method, get_method

__all__ = ["Quadratic", "QuadraticGame", "Trajectory", "simulate", "empirical_rate",
           "sign_changes"]

# Below this norm the error x - x* of a run that started far away is rounding noise
# or subnormal; empirical_rate and sign_changes ignore it.
_TINY = 1e-280


def _as_hessian(value, name: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Validate a Hessian (the package's one parser); return (dense, None) or (None, diagonal)."""
    H = check_hessian_matrix(value, name)
    if H.ndim == 1:
        return None, H
    return 0.5 * (H + H.T), None


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

    See Also
    --------
    simulate : runs a method on it.
    momentum_dynamics.statphys.quadratic_potential : the same function as a potential.

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
    def coerce(cls, problem: Quadratic | ArrayLike, name: str = "problem") -> Quadratic:
        """``problem`` if it is a :class:`Quadratic`, else ``Quadratic(problem)``.

        Parameters
        ----------
        problem : Quadratic, float, (d,) array or (d, d) array
            A quadratic, or a Hessian (minimiser at the origin).
        name : str
            The argument name that error messages use for a bad Hessian.

        Returns
        -------
        Quadratic

        Examples
        --------
        >>> Quadratic.coerce([1.0, 4.0])
        Quadratic(dim=2, mu=1, L=4)
        """
        if isinstance(problem, cls):
            return problem
        q = cls.__new__(cls)
        cls._init(q, problem, None, name)
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


class QuadraticGame:
    r"""The two-player quadratic game :math:`\min_x \max_y f(x, y)`,

    .. math:: f(x, y) = \tfrac{a}{2}\lVert x\rVert^2 + x^\top A y - \tfrac{c}{2}\lVert y\rVert^2,
              \qquad \nabla_x f = a x + A y, \quad \nabla_y f = A^\top x - c y .

    ``a = c = 0`` is the bilinear game of Gidel et al. (2019); ``a, c > 0`` adds
    self-curvature (strongly convex in x, strongly concave in y). Along the singular
    vectors of ``A`` it splits into the scalar games
    :math:`a x^2/2 + \sigma x y - c y^2/2`, one per singular value :math:`\sigma`, on
    which :mod:`momentum_dynamics.symbolic` linearises the game rules. The origin is an
    equilibrium (the unique one when ``a, c > 0`` or ``A`` is square and invertible).

    Parameters
    ----------
    coupling : float or (m, n) array
        The coupling matrix :math:`A` (a scalar is the 1 x 1 game), finite, real.
    a : float
        Self-curvature of the minimising player x (default 0).
    c : float
        Self-curvature of the maximising player y (default 0).

    Attributes
    ----------
    coupling : (m, n) ndarray
        :math:`A` (read-only).
    dims : tuple of int
        ``(m, n)``, the players' dimensions.
    singular_values : (min(m, n),) ndarray
        Singular values of :math:`A`, ascending.
    a, c : float
        The self-curvatures.

    See Also
    --------
    simulate : runs game rules on it.
    momentum_dynamics.applications.bilinear_game : the per-singular-value analysis.

    Examples
    --------
    >>> g = QuadraticGame([[1.0, 0.0], [0.0, 2.0]])
    >>> g.dims, g.singular_values
    ((2, 2), array([1., 2.]))
    >>> g.grad_x([1.0, 1.0], [1.0, -1.0]), g.grad_y([1.0, 1.0], [1.0, -1.0])
    (array([ 1., -2.]), array([1., 2.]))
    """

    def __init__(self, coupling: ArrayLike, a: float = 0.0, c: float = 0.0) -> None:
        A = as_real_array(coupling, "coupling")
        if A.ndim == 0:
            A = A.reshape(1, 1)
        if A.ndim != 2 or 0 in A.shape:
            raise ValueError(f"coupling must be a scalar or a non-empty (m, n) matrix; got "
                             f"shape {A.shape}")
        A = A.astype(float)
        A.setflags(write=False)
        self.coupling = A
        self.dims = (int(A.shape[0]), int(A.shape[1]))
        sv = np.sort(np.linalg.svd(A, compute_uv=False))
        sv.setflags(write=False)
        self.singular_values = sv
        self.a = check_scalar(a, "a")
        self.c = check_scalar(c, "c")

    @property
    def x_star(self) -> np.ndarray:
        """The equilibrium (0, 0) as one joint vector of length ``m + n``."""
        return np.zeros(sum(self.dims))

    def _point(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        m, n = self.dims
        if x.ndim == 0 or x.shape[-1] != m or y.ndim == 0 or y.shape[-1] != n:
            raise ValueError(f"x must have shape ({m},) or (..., {m}) and y ({n},) or (..., {n}); "
                             f"got shapes {x.shape} and {y.shape}")
        return x, y

    def grad_x(self, x: ArrayLike, y: ArrayLike) -> np.ndarray:
        r""":math:`\nabla_x f = a x + A y`."""
        x, y = self._point(x, y)
        return self.a * x + y @ self.coupling.T

    def grad_y(self, x: ArrayLike, y: ArrayLike) -> np.ndarray:
        r""":math:`\nabla_y f = A^\top x - c y`."""
        x, y = self._point(x, y)
        return x @ self.coupling - self.c * y

    def value(self, x: ArrayLike, y: ArrayLike) -> float | np.ndarray:
        """:math:`f(x, y)`; a float for single points, an array for stacked ones."""
        x, y = self._point(x, y)
        out = (0.5 * self.a * np.sum(x * x, axis=-1) + np.sum((y @ self.coupling.T) * x, axis=-1)
               - 0.5 * self.c * np.sum(y * y, axis=-1))
        return float(out) if np.ndim(out) == 0 else out

    def __repr__(self) -> str:
        return f"QuadraticGame(dims={self.dims}, a={self.a:g}, c={self.c:g})"


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The record of one run of :func:`simulate`.

    Attributes
    ----------
    x : (records, d) or (records, ..., d) ndarray
        The iterates :math:`x_0, x_1, \\dots, x_{steps}` (``x_0`` included; every
        ``record_every``-th one; leading axes of ``x0`` after the first). For a game
        rule, the joint point: the players' iterates concatenated, ``(x, y)``.
    states : dict of str to ndarray shaped like ``x``
        Every state variable by the name in the update rule's signature
        (``states["x"]`` is ``x``; ``states["v"]`` the momentum buffer).
    loss : (steps + 1,) ndarray or None
        :math:`f(x_t)` for a :class:`Quadratic` problem, :math:`f(x_t, y_t)` for a
        :class:`QuadraticGame`, else None.
    method : str
        The method's registry name.
    alpha : float or None
        The learning rate (None when a schedule set it).
    beta : float or None
        The momentum parameter (None for a method without one).
    hyperparameters : dict of str to float
        Extra hyper-parameters (e.g. ``nu`` for QHM); empty for the shipped methods.
    problem : Quadratic, QuadraticGame, callable or tuple of callables
        The problem (a :class:`Quadratic`, a :class:`QuadraticGame`, the user's
        gradient function or, for a game, the user's oracles).
    record_every : int
        Steps between two records.

    Unstable runs overflow: entries become ``inf`` and then usually ``NaN``.
    The arrays are read-only.

    See Also
    --------
    simulate : returns it.
    empirical_rate, sign_changes : read it.

    Examples
    --------
    >>> tr = simulate("heavy_ball", [1.0, 10.0], alpha=0.1, beta=0.5, steps=3)
    >>> tr.x.shape, tr.steps, sorted(tr.states), tr.diverged
    ((4, 2), 3, ['v', 'x'], False)
    """

    x: np.ndarray
    states: dict[str, np.ndarray]
    loss: np.ndarray | None
    method: str
    alpha: float | None
    beta: float | None
    hyperparameters: dict[str, float] = field(default_factory=dict)
    problem: Quadratic | QuadraticGame | Callable | tuple | None = field(default=None,
                                                                         repr=False)
    record_every: int = 1

    @property
    def steps(self) -> int:
        """The last recorded step (``(len(x) - 1) * record_every``)."""
        return (self.x.shape[0] - 1) * self.record_every

    @property
    def x_star(self) -> np.ndarray | None:
        """The problem's minimiser for a :class:`Quadratic` (the joint equilibrium for a
        :class:`QuadraticGame`), else None."""
        return (self.problem.x_star if isinstance(self.problem, Quadratic | QuadraticGame)
                else None)

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


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None; got {rng!r}")


def _noise_hook(noise, d: int, gen: np.random.Generator) -> Callable | None:
    """``draw(t, x) -> xi`` adding gradient noise, or None."""
    if noise is None:
        return None
    if callable(noise):
        def draw(t, x):
            xi = np.asarray(noise(t, x, gen), dtype=float)
            if xi.shape != np.shape(x):
                try:
                    xi = np.broadcast_to(xi, np.shape(x))
                except ValueError:
                    raise ValueError(
                        f"noise (the callable) returned shape {xi.shape} for x of shape "
                        f"{np.shape(x)}; it must return gradient noise shaped like x"
                    ) from None
            return xi
        return draw
    cov = as_real_array(noise, "noise")
    if cov.ndim == 0:
        cov = np.full(d, float(cov))
    if cov.ndim == 1:
        if cov.shape != (d,) or np.any(cov < 0):
            raise ValueError(f"noise (a variance or (d,) variances) must be >= 0 with shape "
                             f"({d},); got {noise!r}")
        std = np.sqrt(cov)
        return lambda t, x: std * gen.standard_normal(np.shape(x))
    if cov.shape != (d, d) or not np.allclose(cov, cov.T, rtol=1e-12, atol=0.0):
        raise ValueError(f"noise (a covariance matrix) must be symmetric with shape ({d}, {d}); "
                         f"got shape {cov.shape}")
    w, V = np.linalg.eigh(cov)
    if w.min() < -1e-12 * max(w.max(), 0.0):
        raise ValueError(f"noise (a covariance matrix) must be positive semi-definite; "
                         f"smallest eigenvalue {w.min()!r}")
    root = V * np.sqrt(np.clip(w, 0.0, None))  # cov = root root^T
    return lambda t, x: gen.standard_normal(np.shape(x)) @ root.T


def _schedule_hook(schedule, m: Method, steps: int) -> Callable | None:
    """``params(t) -> dict`` of the hyper-parameters changed at step ``t`` (1-based)."""
    if schedule is None:
        return None
    allowed = set(m.hyperparameters)

    def check(values: dict, where: str) -> dict:
        if not isinstance(values, dict):
            raise TypeError(f"schedule{where} must give a dict of hyper-parameters; got "
                            f"{type(values).__name__}")
        unknown = sorted(set(values) - allowed)
        if unknown:
            raise ValueError(f"schedule{where} sets {unknown}, which method {m.name!r} does not "
                             f"have; its hyper-parameters are {list(m.hyperparameters)}")
        return values

    if callable(schedule):
        def params(t):
            vals = check(schedule(t), f"({t})")
            out = {}
            for k, v in vals.items():
                arr = (check_alpha(v) if k == "alpha" else check_beta(v, m) if k == "beta"
                       else as_real_array(v, k))
                out[k] = _scalar(v, f"schedule({t})[{k!r}]", arr)
            return out
        return params
    table = {}
    for k, v in check(schedule, "").items():
        arr = (check_alpha(v) if k == "alpha" else check_beta(v, m) if k == "beta"
               else as_real_array(v, k))
        arr = np.broadcast_to(arr, (steps,)) if arr.ndim == 0 else arr
        if arr.shape != (steps,):
            raise ValueError(f"schedule[{k!r}] must hold one value per step, shape ({steps},); "
                             f"got shape {arr.shape}")
        table[k] = arr.astype(float)
    return lambda t: {k: float(a[t - 1]) for k, a in table.items()}


def simulate(
    method: str | Method,
    problem: Quadratic | Callable[[np.ndarray], np.ndarray] | ArrayLike,
    alpha: float | None,
    beta: float | None = None,
    steps: int = 100,
    x0: ArrayLike | None = None,
    v0: ArrayLike | None = None,
    *,
    noise: Callable | ArrayLike | None = None,
    schedule: dict | Callable[[int], dict] | None = None,
    rng: np.random.Generator | int | None = None,
    record_every: int = 1,
    initial_state: dict[str, ArrayLike] | None = None,
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
        ``"ema_momentum"``, ``"gda_alternating_heavy_ball"``, ...) or a
        :class:`~momentum_dynamics.methods.Method`.
    problem : Quadratic, QuadraticGame, callable, tuple of callables, float or array
        A :class:`Quadratic`; or a gradient function ``grad(x)`` returning an array
        shaped like ``x`` (then ``x0`` is required and ``loss`` is None); or a Hessian
        (scalar, 1-D curvatures or symmetric matrix) turned into ``Quadratic(problem)``
        with minimiser 0. For a game rule (one oracle per player): a
        :class:`QuadraticGame`, a coupling matrix turned into ``QuadraticGame(problem)``,
        or a tuple of oracles ``(grad_x, grad_y)``, each taking the joint point
        (then ``initial_state`` is required).
    alpha : float
        The learning rate, finite and > 0 (None only when ``schedule`` sets it).
    beta : float, optional
        The momentum parameter in [-1, 1]; must be None for a method without one
        (``"gd"``), may be None when ``schedule`` sets it.
    steps : int
        Number of steps, >= 0.
    x0 : (d,) or (..., d) array, optional
        Initial iterate (default: ``ones(d)`` for a quadratic problem). Leading axes
        are independent runs (e.g. chains of a sampler), stepped together.
    v0 : array, optional
        Initial value of the second state variable (default: zeros), broadcast to the
        shape of ``x0``. Every state variable other than ``x`` and the second one
        starts at zero.
    noise : callable or array_like, optional
        Gradient noise ``xi`` added at every gradient evaluation,
        ``grad(x) + xi``: a variance (scalar), ``(d,)`` variances or a ``(d, d)``
        covariance of a Gaussian drawn with ``rng``; or a callable
        ``noise(t, x, rng) -> xi`` shaped like ``x`` (``t`` the step, from 1).
    schedule : dict or callable, optional
        Hyper-parameters that change per step: a dict of arrays of length ``steps``
        (entry ``t - 1`` is used by step ``t``), e.g. ``{"beta": betas}``, or a
        callable ``t -> dict``. They override ``alpha``, ``beta`` and
        ``hyperparameters`` at that step.
    rng : numpy Generator, int seed or None
        The random source of ``noise``.
    record_every : int
        Keep every ``record_every``-th state (the first record is ``x0``).
    initial_state : dict of str to array, optional
        The full initial state, every state variable of the update rule by name
        (e.g. ``{"x": ..., "y": ..., "vx": ..., "vy": ...}``); excludes ``x0`` and
        ``v0``. For a game rule on a :class:`QuadraticGame` the default is ones for
        the iterates and zeros for the other state variables.
    **hyperparameters
        Extra hyper-parameters of the method (e.g. ``nu`` for QHM), scalars.

    Returns
    -------
    Trajectory
        Iterates, all state variables and, for a quadratic, the loss.

    Raises
    ------
    ValueError
        For a bad ``alpha``, ``beta``, ``steps``, ``x0``, ``v0``, ``problem``,
        ``noise`` or ``schedule``, an unknown method name, or a gradient function
        returning the wrong shape; the message names the argument.
    TypeError
        For a non-integer ``steps``, a missing ``x0`` with a gradient function,
        a missing ``beta`` or unexpected keyword arguments.

    See Also
    --------
    Quadratic : the standard problem.
    empirical_rate : the convergence rate of the run.
    momentum_dynamics.spectral_radius : the rate predicted from the update rule.

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

    A momentum schedule and noisy gradients on 1000 chains at once:

    >>> tr = simulate("heavy_ball", 1.0, 0.1, steps=3, schedule={"beta": [0.0, 0.5, 0.9]})
    >>> tr.x.ravel()
    array([1.   , 0.9  , 0.76 , 0.558])
    >>> tr = simulate("gd", 1.0, 0.1, steps=500, x0=np.zeros((1000, 1)), noise=1.0, rng=0)
    >>> round(float(np.var(tr.x[-1])), 2)  # alpha/(2 - alpha) = 0.053 (Lyapunov)
    0.05

    A game: alternating gradient descent-ascent with negative momentum on the bilinear
    game :math:`xy` (Gidel et al. 2019), from a full initial state:

    >>> tr = simulate("gda_alternating_heavy_ball", QuadraticGame(1.0), alpha=0.5,
    ...               beta=-0.3, steps=200,
    ...               initial_state={"x": [1.0], "y": [1.0], "vx": [0.0], "vy": [0.0]})
    >>> sorted(tr.states), tr.x.shape, bool(np.abs(tr.x[-1]).max() < 1e-3)
    (['vx', 'vy', 'x', 'y'], (201, 2), True)
    """
    m = get_method(method)
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be an integer; got {steps!r}")
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}")
    params_at = _schedule_hook(schedule, m, steps)
    scheduled = set(schedule) if isinstance(schedule, dict) else set()
    if alpha is None and "alpha" in scheduled:
        alpha_f = None
    else:
        alpha_f = _scalar(alpha, "alpha", check_alpha(alpha))
    if beta is None and "beta" in scheduled and m.has_momentum:
        beta_f = None
    else:
        beta_c = check_beta(beta, m)
        beta_f = None if beta_c is None else _scalar(beta, "beta", beta_c)
    given = {k: v for k, v in hyperparameters.items() if k not in scheduled}
    missing_ok = {k: 0.0 for k in m.extra_hyperparameters if k in scheduled}
    extra = {
        k: _scalar(hyperparameters.get(k, 0.0), k, v)
        for k, v in check_hyperparameters(m, {**missing_ok, **given}).items()
    }
    every = check_count(record_every, "record_every", 1)
    init = _initial_state(initial_state, m)
    if init is not None and (x0 is not None or v0 is not None):
        raise ValueError("initial_state gives every state variable; pass x0 and v0 only "
                         "without it")
    if m.is_game:
        if x0 is not None or v0 is not None:
            raise ValueError(f"method {m.name!r} is a game: give its state with "
                             f"initial_state={{...}} over {list(m.state)}, not x0/v0")
        return _simulate_game(m, problem, alpha_f, beta_f, extra, steps, noise, params_at,
                              _rng(rng), every, init)
    if init is not None:
        x0 = init[m.state[0]]

    if isinstance(problem, Quadratic) or not callable(problem):
        quad = Quadratic.coerce(problem)
        d = quad.dim
        if x0 is None:
            x0 = np.ones(d)
        else:
            x0 = np.atleast_1d(as_real_array(x0, "x0"))
            if x0.shape[-1] != d:
                raise ValueError(f"x0 must have shape ({d},) or (..., {d}) to match the "
                                 f"{d}-D problem; got shape {x0.shape}")
        grad = quad.grad
    else:
        quad = None
        if x0 is None:
            raise TypeError("x0 (the initial iterate) is required when problem is a gradient "
                            "function")
        x0 = np.atleast_1d(as_real_array(x0, "x0"))
        d = x0.shape[-1]
        if d == 0:
            raise ValueError(f"x0 must have shape (d,) or (..., d) with d >= 1; got shape "
                             f"{x0.shape}")
        user_grad = problem

        def grad(x):
            g = np.asarray(user_grad(x), dtype=float)
            if g.shape != np.shape(x):
                raise ValueError(
                    f"problem (the gradient function) returned shape {g.shape} for x of "
                    f"shape {np.shape(x)}; it must return the same shape"
                )
            return g

    draw = _noise_hook(noise, d, _rng(rng))
    shape = x0.shape
    state = [np.array(x0, dtype=float)] + [np.zeros(shape) for _ in m.state[1:]]
    if v0 is not None:
        if m.order < 2:
            raise ValueError(
                f"v0 sets the second state variable, but method {m.name!r} has only the "
                f"state {m.state}; pass v0=None"
            )
        v = np.atleast_1d(as_real_array(v0, "v0"))
        if v.shape not in (shape, shape[-1:]):
            raise ValueError(f"v0 must have shape {shape} (or ({d},) for every run) to match "
                             f"x0 (state variable {m.state[1]!r}); got shape {v.shape}")
        state[1] = np.broadcast_to(v, shape).astype(float)
    if init is not None:
        for i, name in enumerate(m.state[1:], start=1):
            try:
                state[i] = np.broadcast_to(init[name], shape).astype(float)
            except ValueError:
                raise ValueError(
                    f"initial_state[{name!r}] must have shape {shape} (or broadcast to it) to "
                    f"match the iterate; got shape {init[name].shape}"
                ) from None

    hyper = {"alpha": alpha_f, **extra}
    if beta_f is not None or m.has_momentum:
        hyper["beta"] = beta_f
    records = steps // every + 1
    record = {name: np.empty((records,) + shape) for name in m.state}
    for name, s in zip(m.state, state, strict=True):
        record[name][0] = s
    step_grad = grad
    with np.errstate(over="ignore", invalid="ignore"):
        st = tuple(state)
        for t in range(1, steps + 1):
            now = hyper if params_at is None else {**hyper, **params_at(t)}
            if draw is not None:
                def step_grad(x, t=t):
                    return grad(x) + draw(t, x)
            st = m.step(st, step_grad, **now)
            if t % every == 0:
                for name, s in zip(m.state, st, strict=True):
                    record[name][t // every] = s
        loss = quad.value(record[m.state[0]]) if quad is not None else None
    for arr in record.values():
        arr.setflags(write=False)
    if loss is not None:
        loss = np.asarray(loss)
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
        record_every=every,
    )



def _initial_state(initial_state, m: Method) -> dict[str, np.ndarray] | None:
    """Every state variable by name, as float arrays (at least 1-D), or None."""
    if initial_state is None:
        return None
    if not isinstance(initial_state, dict):
        raise TypeError(f"initial_state must be a dict of state variable -> array over "
                        f"{list(m.state)}; got {type(initial_state).__name__}")
    unknown = sorted(set(initial_state) - set(m.state), key=str)
    missing = [n for n in m.state if n not in initial_state]
    if unknown or missing:
        raise ValueError(f"initial_state must give every state variable of {m.name!r}, "
                         f"{list(m.state)}; missing {missing}, unknown {unknown}")
    out = {}
    for n in m.state:
        arr = np.atleast_1d(as_real_array(initial_state[n], f"initial_state[{n!r}]"))
        if arr.size == 0:
            raise ValueError(f"initial_state[{n!r}] must not be empty; got shape {arr.shape}")
        out[n] = arr.astype(float)
    return out


def _owner(name: str, players: tuple[str, ...]) -> str | None:
    """The player a state variable belongs to: its name ends with the player's
    (``vx`` is x's velocity); None when no or several players match."""
    hits = [p for p in players if name.endswith(p)]
    return hits[0] if len(hits) == 1 else None


def _game_problem(m: Method, problem) -> tuple[QuadraticGame | None, tuple]:
    players = m.players
    if isinstance(problem, tuple | list) and any(callable(g) for g in problem):
        if len(problem) != len(players) or not all(callable(g) for g in problem):
            raise ValueError(f"problem for the game {m.name!r} must be a QuadraticGame, a "
                             f"coupling matrix or a tuple of {len(players)} oracles "
                             f"{m.oracles}, each taking the joint point; got {problem!r}")
        return None, tuple(problem)
    if callable(problem) and not isinstance(problem, QuadraticGame):
        raise TypeError(f"problem for the game {m.name!r} must be a QuadraticGame, a coupling "
                        f"matrix or a tuple of oracles {m.oracles}; got one gradient function")
    if len(players) != 2:
        raise ValueError(f"a QuadraticGame has two players; {m.name!r} has {list(players)}: "
                         "pass a tuple of oracles")
    game = problem if isinstance(problem, QuadraticGame) else QuadraticGame(problem)
    return game, (game.grad_x, game.grad_y)


def _game_noise(noise, gen: np.random.Generator) -> Callable | None:
    """``draw(t, point) -> xi`` for one player's gradient, or None."""
    if noise is None:
        return None
    if callable(noise):
        def draw(t, point):
            xi = np.asarray(noise(t, point, gen), dtype=float)
            try:
                return np.broadcast_to(xi, np.shape(point))
            except ValueError:
                raise ValueError(f"noise (the callable) returned shape {xi.shape} for a point "
                                 f"of shape {np.shape(point)}") from None
        return draw
    var = as_real_array(noise, "noise")
    if var.ndim != 0 or var < 0:
        raise ValueError(f"noise for a game must be a variance >= 0 (every player's gradient, "
                         f"independent draws) or a callable; got {noise!r}")
    std = float(np.sqrt(var))
    return lambda t, point: std * gen.standard_normal(np.shape(point))


def _simulate_game(m: Method, problem, alpha_f, beta_f, extra, steps, noise, params_at,
                   gen, every, init) -> Trajectory:
    players = m.players
    game, oracles = _game_problem(m, problem)
    if init is None:
        if game is None:
            raise TypeError(f"initial_state (every state variable of {m.name!r}, "
                            f"{list(m.state)}) is required when problem is a tuple of oracles")
        dims = dict(zip(players, game.dims, strict=True))
        init = {}
        for name in m.state:
            owner = name if name in players else _owner(name, players)
            if owner is None and len(set(dims.values())) > 1:
                raise ValueError(f"cannot tell which player the state variable {name!r} "
                                 f"belongs to; pass initial_state")
            d = dims[owner] if owner is not None else game.dims[0]
            init[name] = np.ones(d) if name in players else np.zeros(d)
    elif game is not None:
        for p, d in zip(players, game.dims, strict=True):
            if init[p].shape[-1] != d:
                raise ValueError(f"initial_state[{p!r}] must have shape ({d},) or (..., {d}) "
                                 f"to match the game; got shape {init[p].shape}")
    draw = _game_noise(noise, gen)
    k = len(players)

    def checked(i, g):
        def grad(*point):
            out = np.asarray(g(*point), dtype=float)
            if out.shape != np.shape(point[i]):
                raise ValueError(f"problem (the oracle {m.oracles[i]}) returned shape "
                                 f"{out.shape} for {players[i]} of shape {np.shape(point[i])}; "
                                 "it must return the player's shape")
            return out
        return grad

    base = [checked(i, g) for i, g in enumerate(oracles)]
    hyper = {"alpha": alpha_f, **extra}
    if beta_f is not None or m.has_momentum:
        hyper["beta"] = beta_f
    records = steps // every + 1
    record = {n: np.empty((records,) + init[n].shape) for n in m.state}
    for n in m.state:
        record[n][0] = init[n]
    with np.errstate(over="ignore", invalid="ignore"):
        st = tuple(init[n] for n in m.state)
        for t in range(1, steps + 1):
            now = hyper if params_at is None else {**hyper, **params_at(t)}
            grads = base
            if draw is not None:
                grads = [(lambda *pt, g=g, i=i, t=t: g(*pt) + draw(t, pt[i]))
                         for i, g in enumerate(base)]
            st = m.step(st, tuple(grads), **now)
            if t % every == 0:
                for n, v in zip(m.state, st, strict=True):
                    record[n][t // every] = v
        joint = np.concatenate([record[p] for p in players[:k]], axis=-1)
        loss = game.value(record[players[0]], record[players[1]]) if game is not None else None
    joint.setflags(write=False)
    for arr in record.values():
        arr.setflags(write=False)
    if loss is not None:
        loss = np.asarray(loss)
        loss.setflags(write=False)
    return Trajectory(x=joint, states=record, loss=loss, method=m.name, alpha=alpha_f,
                      beta=beta_f, hyperparameters=extra,
                      problem=game if game is not None else tuple(oracles),
                      record_every=every)

def _rtol(rtol) -> float:
    """The relative rounding tolerance: a single finite number >= 0."""
    return float(check_nonnegative(check_scalar(rtol, "rtol"), "rtol"))


def _errors(trajectory: Trajectory, x_star) -> tuple[np.ndarray, np.ndarray]:
    """(x - x*, x*) for a trajectory, with x* from the problem or the argument."""
    if not isinstance(trajectory, Trajectory):
        raise TypeError(f"trajectory must be a Trajectory; got {type(trajectory).__name__}")
    if trajectory.x.ndim != 2:
        raise ValueError(f"trajectory holds several runs (x has shape {trajectory.x.shape}); "
                         "pass a single run, simulated from an x0 of shape (d,)")
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
        A finite number >= 0. Errors below ``rtol * max|x_star|`` (rounding noise around a non-zero
        minimiser) or below ``1e-280`` end the usable part of the run, as do
        ``inf``/``NaN``.

    Returns
    -------
    float
        The estimated rate :math:`\rho` (> 1 for a diverging run); NaN when fewer
        than two usable steps remain (e.g. ``x0 == x_star`` or too few steps).

    See Also
    --------
    momentum_dynamics.spectral_radius : the rate it estimates.
    sign_changes : counts the oscillations of the same run.

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
    floor = max(_TINY, _rtol(rtol) * float(np.max(np.abs(xs), initial=0.0)) * np.sqrt(n))
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
        A finite number >= 0. Errors with ``|x_t - x*| <= rtol * max|x_star|``
        (rounding noise around a non-zero minimiser) or below ``1e-280``
        (subnormal) are skipped, as are ``inf`` and ``NaN``.

    Returns
    -------
    int
        The number of sign changes.

    See Also
    --------
    momentum_dynamics.damping_regime : the regime predicted from the poles.

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
    floor = max(_TINY, _rtol(rtol) * float(np.max(np.abs(xs), initial=0.0)))
    e = e[np.isfinite(e) & (np.abs(e) > floor)]
    return int(np.count_nonzero(np.signbit(e[1:]) != np.signbit(e[:-1])))

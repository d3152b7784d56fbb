"""Momentum methods, each written once as a plain update rule.

An update rule is an ordinary Python function of the method's state, a gradient
oracle ``grad`` and the hyper-parameters::

    def heavy_ball(x, v, grad, alpha, beta):
        v = beta * v + alpha * grad(x)
        return x - v, v

The arguments before ``grad`` are the state (the iterate ``x`` first), the ones
after it are the hyper-parameters. Called with NumPy arrays and a real gradient,
the rule *is* the optimizer (see :mod:`momentum_dynamics.simulate`); called with
SymPy symbols and the linear oracle ``grad(x) = lambda*x + xi`` it yields the
exact state-space model (see :mod:`momentum_dynamics.symbolic`). Nothing else
about a method is typed by hand.

Conventions (the velocity form of Polyak 1964 and Sutskever et al. 2013, with the
velocity subtracted):

.. math::

    \\text{heavy ball:}\\quad v_t = \\beta v_{t-1} + \\alpha \\nabla f(x_{t-1}),
    \\qquad x_t = x_{t-1} - v_t

    \\text{Nesterov:}\\quad v_t = \\beta v_{t-1}
    + \\alpha \\nabla f(x_{t-1} - \\beta v_{t-1}), \\qquad x_t = x_{t-1} - v_t

    \\text{EMA momentum:}\\quad v_t = \\beta v_{t-1} + (1-\\beta) \\nabla f(x_{t-1}),
    \\qquad x_t = x_{t-1} - \\alpha v_t

Note the difference between the *trace* ``v = beta*v + g`` (heavy ball, PyTorch,
optax) and the *EMA* ``v = beta*v + (1-beta)*g``: the EMA form has unit DC gain,
so its effective learning rate is ``alpha`` instead of ``alpha/(1-beta)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ._docstrings import fill_doc
from ._validation import check_flag, check_name

__all__ = [
    "Method",
    "TUNINGS",
    "TUNING_CONDITIONS",
    "gradient_descent",
    "heavy_ball",
    "nesterov",
    "ema_momentum",
    "quasi_hyperbolic_momentum",
    "robust_momentum",
    "triple_momentum",
    "gda_simultaneous",
    "gda_alternating",
    "gda_simultaneous_heavy_ball",
    "gda_alternating_heavy_ball",
    "gda_simultaneous_nesterov",
    "gda_alternating_nesterov",
    "get_method",
    "register_method",
    "unregister_method",
    "available_methods",
]


def _rule_sections(velocity: str | None) -> str:
    """Parameters and Returns of an update rule; ``velocity`` describes ``v`` (None: no v)."""
    x = ("x : float, ndarray or sympy.Expr\n"
         "    The iterate :math:`x_{t-1}`.\n")
    v = "" if velocity is None else ("v : float, ndarray or sympy.Expr\n"
                                     f"    {velocity}\n")
    oracle = ("grad : callable\n"
              "    Gradient oracle, ``grad(x)`` :math:`= \\nabla f(x)`.\n"
              "alpha : float or sympy.Expr\n"
              "    Learning rate (step size), > 0.\n")
    momentum = "" if velocity is None else (
        "beta : float or sympy.Expr\n"
        "    Momentum, in [-1, 1] (stable dynamics need ``|beta| < 1``).\n")
    state = "``(x_t,)``" if velocity is None else "``(x_t, v_t)``"
    return ("Parameters\n----------\n" + x + v + oracle + momentum
            + f"\nReturns\n-------\ntuple\n    {state}, the new state.\n")


# --------------------------------------------------------------------------
# The update rules. These functions are the only place the methods are
# written down.
# --------------------------------------------------------------------------


@fill_doc(sections=_rule_sections(None))
def gradient_descent(x, grad, alpha):
    r"""Gradient descent: :math:`x_t = x_{t-1} - \alpha \nabla f(x_{t-1})`.

    %(sections)s

    See Also
    --------
    heavy_ball : with momentum.

    Examples
    --------
    One step on :math:`f(x) = x^2` (gradient :math:`2x`) from :math:`x = 1`:

    >>> gradient_descent(1.0, lambda x: 2 * x, alpha=0.1)
    (0.8,)
    """
    return (x - alpha * grad(x),)


@fill_doc(sections=_rule_sections('The velocity :math:`v_{t-1}`.'))
def heavy_ball(x, v, grad, alpha, beta):
    r"""Polyak's heavy ball (Polyak 1964), in velocity form.

    .. math:: v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1}), \qquad x_t = x_{t-1} - v_t

    %(sections)s

    See Also
    --------
    nesterov : the gradient at the look-ahead point.
    ema_momentum : the moving-average form.

    Examples
    --------
    >>> x, v = heavy_ball(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9)
    >>> round(x, 12), round(v, 12)
    (0.35, 0.65)
    """
    v = beta * v + alpha * grad(x)
    return x - v, v


@fill_doc(sections=_rule_sections('The velocity :math:`v_{t-1}`.'))
def nesterov(x, v, grad, alpha, beta):
    r"""Nesterov's accelerated gradient: the gradient is taken at the look-ahead point.

    .. math:: v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1} - \beta v_{t-1}),
              \qquad x_t = x_{t-1} - v_t

    %(sections)s

    See Also
    --------
    heavy_ball : the gradient at the iterate.

    Examples
    --------
    The gradient is taken at :math:`x - \beta v = 1 - 0.45 = 0.55`:

    >>> x, v = nesterov(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9)
    >>> round(x, 12), round(v, 12)
    (0.44, 0.56)
    """
    v = beta * v + alpha * grad(x - beta * v)
    return x - v, v


@fill_doc(sections=_rule_sections('The moving average :math:`v_{t-1}`.'))
def ema_momentum(x, v, grad, alpha, beta):
    r"""Momentum as an exponential moving average of the gradients.

    .. math:: v_t = \beta v_{t-1} + (1-\beta) \nabla f(x_{t-1}), \qquad x_t = x_{t-1} - \alpha v_t

    %(sections)s

    See Also
    --------
    heavy_ball : the same iteration with buffer ``alpha*v``.

    Examples
    --------
    >>> x, v = ema_momentum(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9)
    >>> round(x, 12), round(v, 12)
    (0.935, 0.65)
    """
    v = beta * v + (1 - beta) * grad(x)
    return x - alpha * v, v


def _zoo_sections(velocity: str, extra: str) -> str:
    """Parameters and Returns of a rule with hyper-parameters beyond ``alpha, beta``."""
    return _rule_sections(velocity).replace("\nReturns", extra + "\nReturns")


@fill_doc(sections=_zoo_sections(
    "The moving average :math:`v_{t-1}` of the gradients.",
    "nu : float or sympy.Expr\n"
    "    Immediate discount, usually in [0, 1]: ``nu = 0`` is gradient descent, ``nu = 1``\n"
    "    EMA momentum.\n"))
def quasi_hyperbolic_momentum(x, v, grad, alpha, beta, nu):
    r"""Quasi-hyperbolic momentum, QHM (Ma & Yarats 2019).

    A weighted average of a plain gradient step and an EMA-momentum step:

    .. math::

        g_t = \nabla f(x_{t-1}), \qquad v_t = \beta v_{t-1} + (1-\beta) g_t, \qquad
        x_t = x_{t-1} - \alpha\bigl((1-\nu) g_t + \nu v_t\bigr)

    Registered as ``"qh_momentum"``. ``nu = 1`` is :func:`ema_momentum`, ``nu = beta``
    is Nesterov's method on the look-ahead point, and every other two-state method
    with one gradient per step is QHM on a look-ahead point (see
    :mod:`momentum_dynamics.converters`).

    %(sections)s

    See Also
    --------
    ema_momentum : the case ``nu = 1``.
    momentum_dynamics.converters.to_qhm : QHM parameters of the other methods.

    References
    ----------
    J. Ma and D. Yarats, "Quasi-hyperbolic momentum and Adam for deep learning",
    ICLR 2019.

    Examples
    --------
    >>> x, v = quasi_hyperbolic_momentum(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9,
    ...                                  nu=0.7)
    >>> round(x, 12), round(v, 12)
    (0.8945, 0.65)
    """
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


@fill_doc(sections=_zoo_sections(
    "The velocity :math:`v_{t-1} = x_{t-2} - x_{t-1}`.",
    "gamma : float or sympy.Expr\n"
    "    Look-ahead coefficient: the gradient is taken at :math:`x - \\gamma v`\n"
    "    (``gamma = 0`` is heavy ball, ``gamma = beta`` Nesterov).\n"))
def robust_momentum(x, v, grad, alpha, beta, gamma):
    r"""Robust momentum (Cyrus, Hu, Van Scoy & Lessard 2018), in velocity form.

    .. math::

        y_{t-1} = x_{t-1} - \gamma v_{t-1}, \qquad
        v_t = \beta v_{t-1} + \alpha \nabla f(y_{t-1}), \qquad x_t = x_{t-1} - v_t

    With :math:`v_{t-1} = x_{t-2} - x_{t-1}` this is the paper's
    :math:`x_{t} = x_{t-1} + \beta(x_{t-1} - x_{t-2}) - \alpha\nabla f(y_{t-1})`,
    :math:`y_{t-1} = x_{t-1} + \gamma(x_{t-1} - x_{t-2})` (Lessard, Recht & Packard
    2016 call the same three-parameter family a synthesised Nesterov method). The
    gradient is evaluated at :math:`y`, not at the iterate. The paper's tuning, a
    function of ``mu``, ``L`` and the robustness parameter ``rho``, is
    :func:`momentum_dynamics.designs.robust_momentum_parameters`. Registered as
    ``"robust_momentum"``.

    %(sections)s

    See Also
    --------
    triple_momentum : the fastest member of the family, with an output combination.
    momentum_dynamics.designs.robust_momentum_parameters : the paper's tuning.

    References
    ----------
    S. Cyrus, B. Hu, B. Van Scoy and L. Lessard, "A robust accelerated optimization
    algorithm for strongly convex functions", ACC 2018.

    Examples
    --------
    The gradient is taken at :math:`1 - 0.5 \cdot 0.5 = 0.75`:

    >>> x, v = robust_momentum(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9, gamma=0.5)
    >>> round(x, 12), round(v, 12)
    (0.4, 0.6)
    """
    y = x - gamma * v
    v = beta * v + alpha * grad(y)
    return x - v, v


@fill_doc(sections=_zoo_sections(
    "The velocity :math:`v_{t-1} = \\xi_{t-2} - \\xi_{t-1}` of the inner sequence.",
    "gamma : float or sympy.Expr\n"
    "    Look-ahead of the gradient point :math:`y = \\xi - \\gamma v`.\n"
    "delta : float or sympy.Expr\n"
    "    Output combination :math:`x = \\xi - \\delta v`.\n"))
def triple_momentum(x, v, grad, alpha, beta, gamma, delta):
    r"""Triple momentum (Van Scoy, Freeman & Lynch 2018), iterate first.

    The paper's method runs an inner sequence :math:`\xi` and reads the gradient and
    the output at two combinations of its last two values:

    .. math::

        \xi_{t} = (1+\beta)\xi_{t-1} - \beta\xi_{t-2} - \alpha\nabla f(y_{t-1}),
        \quad y_{t} = (1+\gamma)\xi_{t} - \gamma\xi_{t-1},
        \quad x_{t} = (1+\delta)\xi_{t} - \delta\xi_{t-1}.

    Written with the velocity :math:`v_t = \xi_{t-1} - \xi_t` and the output
    :math:`x` as the first state variable (so that :math:`x` is what every analysis
    reports, as in the paper's guarantee): :math:`\xi = x + \delta v`,
    :math:`y = \xi - \gamma v`, then :math:`v_t = \beta v_{t-1} + \alpha\nabla
    f(y_{t-1})`, :math:`\xi_t = \xi_{t-1} - v_t` and :math:`x_t = \xi_t - \delta v_t`.
    ``v = 0`` starts the paper's method at :math:`\xi_{-1} = \xi_0 = x_0`. The
    tuning as a function of ``mu`` and ``L`` is
    :func:`momentum_dynamics.designs.triple_momentum_parameters`. Registered as
    ``"triple_momentum"``.

    %(sections)s

    See Also
    --------
    robust_momentum : the same inner sequence without the output combination.
    momentum_dynamics.designs.triple_momentum_parameters : the paper's tuning.

    References
    ----------
    B. Van Scoy, R. A. Freeman and K. M. Lynch, "The fastest known globally convergent
    first-order method for minimizing strongly convex functions", IEEE Control Systems
    Letters 2(1), 49-54, 2018.

    Examples
    --------
    :math:`\xi = 1 + 0.1 \cdot 0.5 = 1.05`, the gradient is taken at
    :math:`y = 1.05 - 0.25 = 0.8`:

    >>> x, v = triple_momentum(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9,
    ...                        gamma=0.5, delta=0.1)
    >>> round(x, 12), round(v, 12)
    (0.379, 0.61)
    """
    xi = x + delta * v
    v = beta * v + alpha * grad(xi - gamma * v)
    xi = xi - v
    return xi - delta * v, v


# --------------------------------------------------------------------------
# Two-player games: gradient descent-ascent (x minimises, y maximises).
# Each player has one oracle taking the joint point, grad_x(x, y) and grad_y(x, y);
# both players share alpha and beta so that every generic analysis (the beta
# checks, the numeric kernels, the (alpha*sigma, beta) regions) reads them as it
# reads a one-player rule's. Per-player values are a user rule with extra
# hyper-parameters (see docs/deep_learning.rst).
# --------------------------------------------------------------------------


def _game_sections(momentum: bool) -> str:
    v = ("vx, vy : float, ndarray or sympy.Expr\n"
         "    The players' velocities.\n") if momentum else ""
    b = ("beta : float or sympy.Expr\n"
         "    Momentum of both players, in [-1, 1] (negative allowed).\n") if momentum else ""
    state = "``(x_t, y_t, vx_t, vy_t)``" if momentum else "``(x_t, y_t)``"
    return ("Parameters\n----------\n"
            "x : float, ndarray or sympy.Expr\n    The minimising player's iterate.\n"
            "y : float, ndarray or sympy.Expr\n    The maximising player's iterate.\n"
            + v +
            "grad_x, grad_y : callable\n"
            "    The players' gradient oracles :math:`\\nabla_x f(x, y)` and\n"
            "    :math:`\\nabla_y f(x, y)`, each taking the joint point.\n"
            "alpha : float or sympy.Expr\n    Step size of both players, > 0.\n"
            + b + f"\nReturns\n-------\ntuple\n    {state}, the new state.\n")


# f(x, y) = x*y: grad_x = y, grad_y = x, for the examples.
@fill_doc(sections=_game_sections(False))
def gda_simultaneous(x, y, grad_x, grad_y, alpha):
    r"""Simultaneous gradient descent-ascent: both players use the old point.

    .. math:: x_t = x_{t-1} - \alpha \nabla_x f(x_{t-1}, y_{t-1}), \qquad
              y_t = y_{t-1} + \alpha \nabla_y f(x_{t-1}, y_{t-1})

    %(sections)s

    See Also
    --------
    gda_alternating : y sees the new x.

    Examples
    --------
    On :math:`f(x, y) = xy` from :math:`(1, 1)`:

    >>> gda_simultaneous(1.0, 1.0, lambda x, y: y, lambda x, y: x, alpha=0.5)
    (0.5, 1.5)
    """
    gx, gy = grad_x(x, y), grad_y(x, y)
    return x - alpha * gx, y + alpha * gy


@fill_doc(sections=_game_sections(False))
def gda_alternating(x, y, grad_x, grad_y, alpha):
    r"""Alternating gradient descent-ascent: x moves first, y answers the new x.

    .. math:: x_t = x_{t-1} - \alpha \nabla_x f(x_{t-1}, y_{t-1}), \qquad
              y_t = y_{t-1} + \alpha \nabla_y f(x_t, y_{t-1})

    %(sections)s

    See Also
    --------
    gda_simultaneous : both players use the old point.

    Examples
    --------
    >>> gda_alternating(1.0, 1.0, lambda x, y: y, lambda x, y: x, alpha=0.5)
    (0.5, 1.25)
    """
    x = x - alpha * grad_x(x, y)
    return x, y + alpha * grad_y(x, y)


@fill_doc(sections=_game_sections(True))
def gda_simultaneous_heavy_ball(x, y, vx, vy, grad_x, grad_y, alpha, beta):
    r"""Simultaneous gradient descent-ascent with heavy-ball momentum (Gidel et al. 2019).

    .. math:: v^x_t = \beta v^x_{t-1} + \alpha \nabla_x f(x_{t-1}, y_{t-1}),\quad
              v^y_t = \beta v^y_{t-1} - \alpha \nabla_y f(x_{t-1}, y_{t-1}),\quad
              (x_t, y_t) = (x_{t-1} - v^x_t, y_{t-1} - v^y_t)

    %(sections)s

    See Also
    --------
    gda_alternating_heavy_ball : y sees the new x.

    Examples
    --------
    >>> gda_simultaneous_heavy_ball(1.0, 1.0, 0.0, 0.0, lambda x, y: y, lambda x, y: x,
    ...                             alpha=0.5, beta=-0.5)
    (0.5, 1.5, 0.5, -0.5)
    """
    gx, gy = grad_x(x, y), grad_y(x, y)
    vx = beta * vx + alpha * gx
    vy = beta * vy - alpha * gy
    return x - vx, y - vy, vx, vy


@fill_doc(sections=_game_sections(True))
def gda_alternating_heavy_ball(x, y, vx, vy, grad_x, grad_y, alpha, beta):
    r"""Alternating gradient descent-ascent with heavy-ball momentum (Gidel et al. 2019).

    .. math:: v^x_t = \beta v^x_{t-1} + \alpha \nabla_x f(x_{t-1}, y_{t-1}),\quad
              x_t = x_{t-1} - v^x_t,\quad
              v^y_t = \beta v^y_{t-1} - \alpha \nabla_y f(x_t, y_{t-1}),\quad
              y_t = y_{t-1} - v^y_t

    Negative momentum makes it converge on bilinear games, where it only cycles at
    ``beta = 0`` (Gidel et al. 2019).

    %(sections)s

    See Also
    --------
    gda_simultaneous_heavy_ball : both players use the old point.

    Examples
    --------
    >>> gda_alternating_heavy_ball(1.0, 1.0, 0.0, 0.0, lambda x, y: y, lambda x, y: x,
    ...                            alpha=0.5, beta=-0.5)
    (0.5, 1.25, 0.5, -0.25)
    """
    vx = beta * vx + alpha * grad_x(x, y)
    x = x - vx
    vy = beta * vy - alpha * grad_y(x, y)
    return x, y - vy, vx, vy


@fill_doc(sections=_game_sections(True))
def gda_simultaneous_nesterov(x, y, vx, vy, grad_x, grad_y, alpha, beta):
    r"""Simultaneous gradient descent-ascent with Nesterov momentum.

    Both gradients are taken at the joint look-ahead point
    :math:`(\tilde x, \tilde y) = (x_{t-1} - \beta v^x_{t-1}, y_{t-1} - \beta v^y_{t-1})`
    (Nesterov's method on the game's vector field):

    .. math:: v^x_t = \beta v^x_{t-1} + \alpha \nabla_x f(\tilde x, \tilde y),\quad
              v^y_t = \beta v^y_{t-1} - \alpha \nabla_y f(\tilde x, \tilde y)

    %(sections)s

    See Also
    --------
    gda_alternating_nesterov : y answers the new x.

    Examples
    --------
    >>> gda_simultaneous_nesterov(1.0, 1.0, 0.0, 0.0, lambda x, y: y, lambda x, y: x,
    ...                           alpha=0.5, beta=-0.5)
    (0.5, 1.5, 0.5, -0.5)
    """
    xl, yl = x - beta * vx, y - beta * vy
    gx, gy = grad_x(xl, yl), grad_y(xl, yl)
    vx = beta * vx + alpha * gx
    vy = beta * vy - alpha * gy
    return x - vx, y - vy, vx, vy


@fill_doc(sections=_game_sections(True))
def gda_alternating_nesterov(x, y, vx, vy, grad_x, grad_y, alpha, beta):
    r"""Alternating gradient descent-ascent with Nesterov momentum.

    x queries the joint look-ahead point
    :math:`(\tilde x, \tilde y) = (x_{t-1} - \beta v^x_{t-1}, y_{t-1} - \beta v^y_{t-1})`;
    y then queries :math:`(x_t, \tilde y)`, the new x and its own look-ahead:

    .. math:: v^x_t = \beta v^x_{t-1} + \alpha \nabla_x f(\tilde x, \tilde y),\quad
              x_t = x_{t-1} - v^x_t,\quad
              v^y_t = \beta v^y_{t-1} - \alpha \nabla_y f(x_t, \tilde y)

    %(sections)s

    See Also
    --------
    gda_simultaneous_nesterov : both at the old look-ahead point.

    Examples
    --------
    >>> gda_alternating_nesterov(1.0, 1.0, 0.0, 0.0, lambda x, y: y, lambda x, y: x,
    ...                          alpha=0.5, beta=-0.5)
    (0.5, 1.25, 0.5, -0.25)
    """
    yl = y - beta * vy
    vx = beta * vx + alpha * grad_x(x - beta * vx, yl)
    x = x - vx
    vy = beta * vy - alpha * grad_y(x, yl)
    return x, y - vy, vx, vy


# --------------------------------------------------------------------------
# Method objects and the registry
# --------------------------------------------------------------------------

#: The tunings a method can declare (see :attr:`Method.tunings`).
TUNINGS = ("optimal", "standard")

#: The conditions from which :func:`momentum_dynamics.symbolic.optimal_parameters`
#: solves a tuning over a spectrum ``[mu, L]`` (only the conditions are stated; the
#: formulas are derived):
#:
#: - ``"opposite_poles"``: pole(alpha*mu) = -pole(alpha*L), equal ripple for a
#:   one-state method (gradient descent);
#: - ``"critical_both_ends"``: critically damped at ``mu`` and at ``L`` with opposite
#:   double poles (Polyak 1964);
#: - ``"critical_mu_root_L"``: critically damped at ``mu``, and minus the rate is a
#:   pole at ``L`` (Lessard, Recht & Packard 2016, Nesterov on quadratics);
#: - ``"standard"``: ``alpha = 1/L`` and critically damped at ``mu`` (Nesterov's
#:   textbook choice).
TUNING_CONDITIONS = ("opposite_poles", "critical_both_ends", "critical_mu_root_L", "standard")


class _FrozenMapping(Mapping):
    """A read-only, hashable, picklable mapping (a Method is a cache key)."""

    __slots__ = ("_items",)

    def __init__(self, items=()):
        self._items = tuple(sorted(dict(items).items()))

    def __getitem__(self, key):
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self):
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other.items())

    def __reduce__(self):
        return (_FrozenMapping, (self._items,))

    def __repr__(self) -> str:
        return repr(dict(self._items))


def _check_tunings(tunings: Mapping[str, str] | None) -> Mapping[str, str]:
    if tunings is None:
        return _FrozenMapping()
    if not isinstance(tunings, Mapping):
        raise TypeError(
            f"tunings must be a mapping of tuning name to condition; got "
            f"{type(tunings).__name__}"
        )
    for k, v in tunings.items():
        if k not in TUNINGS:
            raise ValueError(f"tunings: unknown tuning {k!r}; allowed are {list(TUNINGS)}")
        if v not in TUNING_CONDITIONS:
            raise ValueError(
                f"tunings[{k!r}]: unknown condition {v!r}; allowed are {list(TUNING_CONDITIONS)}"
            )
    return _FrozenMapping(tunings)


@dataclass(frozen=True)
class Method:
    """A momentum method: an update rule plus what its signature says.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"heavy_ball"``.
    update : callable
        The update rule ``update(*state, grad, **hyperparameters) -> new state``.
        It may return a tuple (one entry per state variable) or, for a single
        state variable, the new iterate alone.
    state : tuple of str
        Names of the state variables, iterate first (read off the signature).
    hyperparameters : tuple of str
        Names of the hyper-parameters (read off the signature), e.g.
        ``("alpha", "beta")``.
    title : str
        Human-readable name used in figures and tables.
    worst_case_at_endpoints : bool
        True when it is known that, for fixed hyper-parameters, the spectral
        radius over a curvature interval ``[mu, L]`` is largest at an endpoint
        (true for the four shipped methods and tested). Otherwise worst cases are
        searched on a dense sample of the interval.
    tunings : mapping of str to str
        The closed-form tunings the method has: tuning name (one of
        :data:`TUNINGS`) to the condition it is solved from (one of
        :data:`TUNING_CONDITIONS`), e.g. ``{"optimal": "critical_both_ends"}`` for
        heavy ball. Empty for a user method: the numeric
        :func:`momentum_dynamics.optimal_parameters` then optimises numerically.
        The conditions belong to the update rule, not to its name: a rule
        re-registered under a shipped name does not inherit them.
    oracles : tuple of str
        Names of the gradient oracles (read off the signature): ``("grad",)`` for a
        one-player rule; ``("grad_x", "grad_y")`` for a two-player game, one oracle
        per player, each taking the full joint point ``grad_x(x, y)``.

    See Also
    --------
    register_method : build a method from an update rule and register it by name.

    Examples
    --------
    >>> m = Method.from_update(heavy_ball)
    >>> m.name, m.state, m.hyperparameters, m.order
    ('heavy_ball', ('x', 'v'), ('alpha', 'beta'), 2)
    >>> x, v = m.step((1.0, 0.5), lambda x: 2 * x, alpha=0.1, beta=0.9)
    >>> round(x, 12), round(v, 12)
    (0.35, 0.65)
    """

    name: str
    update: Callable = field(repr=False)
    state: tuple[str, ...]
    hyperparameters: tuple[str, ...]
    title: str = ""
    worst_case_at_endpoints: bool = False
    # Part of equality and hash, so caches keyed by Method tell rules with different
    # tunings apart (stored as a read-only, hashable mapping).
    tunings: Mapping[str, str] = field(default_factory=dict, repr=False)
    oracles: tuple[str, ...] = ("grad",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tunings", _check_tunings(self.tunings))
        object.__setattr__(self, "oracles", tuple(self.oracles))

    @classmethod
    def from_update(
        cls,
        update: Callable,
        name: str | None = None,
        title: str | None = None,
        worst_case_at_endpoints: bool = False,
        tunings: Mapping[str, str] | None = None,
    ) -> Method:
        """Build a method by reading the update rule's signature."""
        if not callable(update):
            raise TypeError(f"update must be callable; got {type(update).__name__}")
        params = list(inspect.signature(update).parameters.values())
        names = [p.name for p in params]
        oracle_at = [i for i, n in enumerate(names) if n == "grad" or n.startswith("grad_")]
        if not oracle_at:
            raise ValueError(
                f"update rule {getattr(update, '__name__', update)!r} must take an argument "
                f"named 'grad' (or one 'grad_<player>' per player of a game) between the "
                f"state and the hyper-parameters; got {names}"
            )
        k, last = oracle_at[0], oracle_at[-1]
        oracles = tuple(names[k:last + 1])
        state, hyper = tuple(names[:k]), tuple(names[last + 1:])
        _check_oracles(oracles, state, names)
        if not state:
            raise ValueError("update rule must take at least one state argument (x) before grad")
        if "alpha" not in hyper:
            raise ValueError(
                f"update rule must take the learning rate 'alpha' after grad; got {hyper}"
            )
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise ValueError("update rule may not use *args or **kwargs")
        name = name or update.__name__
        return cls(
            name=name,
            update=update,
            state=state,
            hyperparameters=hyper,
            title=title or name.replace("_", " "),
            worst_case_at_endpoints=worst_case_at_endpoints,
            tunings=tunings,
            oracles=oracles,
        )

    @property
    def is_game(self) -> bool:
        """Whether the rule has one gradient oracle per player (a game)."""
        return self.oracles != ("grad",)

    @property
    def players(self) -> tuple[str, ...]:
        """The players' names: ``("x", "y")`` for oracles ``grad_x, grad_y``; for a
        one-player rule the iterate's name alone."""
        if not self.is_game:
            return (self.state[0],)
        return tuple(o[len("grad_"):] for o in self.oracles)

    @property
    def order(self) -> int:
        """Number of state variables per coordinate (degree of the polynomial)."""
        return len(self.state)

    @property
    def has_momentum(self) -> bool:
        """Whether the method has a momentum parameter ``beta``."""
        return "beta" in self.hyperparameters

    @property
    def extra_hyperparameters(self) -> tuple[str, ...]:
        """Hyper-parameters other than ``alpha`` and ``beta`` (e.g. ``nu`` for QHM)."""
        return tuple(h for h in self.hyperparameters if h not in ("alpha", "beta"))

    def step(self, state: tuple, grad: Callable | tuple, **hyperparameters) -> tuple:
        """Apply the update rule once and return the new state as a tuple.

        ``grad`` is the gradient oracle; for a game, a sequence with one oracle per
        player (in the order of :attr:`oracles`), each taking the joint point.
        """
        if self.is_game:
            grads = tuple(grad) if isinstance(grad, (tuple, list)) else None
            if grads is None or len(grads) != len(self.oracles) or not all(
                    callable(g) for g in grads):
                raise TypeError(
                    f"method {self.name!r} is a game: grad must be a tuple of "
                    f"{len(self.oracles)} callables, one per oracle {self.oracles}; got "
                    f"{type(grad).__name__}"
                )
            out = self.update(*state, *grads, **hyperparameters)
        else:
            out = self.update(*state, grad, **hyperparameters)
        if not isinstance(out, tuple):
            out = (out,)
        if len(out) != self.order:
            raise ValueError(
                f"update rule of {self.name!r} returned {len(out)} values; "
                f"expected {self.order} (one per state variable {self.state})"
            )
        return out


def _check_oracles(oracles: tuple[str, ...], state: tuple[str, ...], names: list) -> None:
    """One ``grad``, or two or more ``grad_<player>`` whose players open the state."""
    if oracles == ("grad",):
        return
    bad = [o for o in oracles if o == "grad" or not o.startswith("grad_") or o == "grad_"]
    if bad or len(oracles) < 2:
        raise ValueError(
            f"the gradient oracles of an update rule are either one argument 'grad' or, for "
            f"a game, two or more consecutive arguments 'grad_<player>' (e.g. grad_x, "
            f"grad_y); got {list(oracles)} in {names}"
        )
    players = tuple(o[len("grad_"):] for o in oracles)
    if len(set(players)) != len(players) or state[:len(players)] != players:
        raise ValueError(
            f"a game's state must open with the players' iterates, named as their oracles "
            f"({list(players)} for {list(oracles)}); got the state {list(state)}"
        )


_REGISTRY: dict[str, Method] = {}


def register_method(
    update: Callable,
    name: str | None = None,
    *,
    title: str | None = None,
    overwrite: bool = False,
    worst_case_at_endpoints: bool = False,
    tunings: Mapping[str, str] | None = None,
) -> Method:
    """Register an update rule so that every analysis accepts it by name.

    Parameters
    ----------
    update : callable or Method
        ``update(*state, grad, alpha, [beta, ...]) -> new state``, or a
        :class:`Method` to register as it is (then ``name`` and the keywords other
        than ``overwrite`` must be left out).
    name : str, optional
        Registry name (default: the function's ``__name__``).
    title : str, optional
        Name used in figures.
    overwrite : bool
        Replace an existing registration of the same name.
    worst_case_at_endpoints : bool
        Declare that the worst spectral radius over a curvature interval is always at
        an endpoint (see :class:`Method`); leave False unless it is proven or tested.
    tunings : mapping of str to str, optional
        Closed-form tunings, see :attr:`Method.tunings` (default: none).

    Returns
    -------
    Method
        The registered method.

    Raises
    ------
    TypeError
        For a non-callable ``update``, a non-string ``name``/``title`` or a
        non-boolean flag.
    ValueError
        For an update rule without ``grad``/``alpha``, an empty ``name``, or a taken
        name without ``overwrite=True``.

    See Also
    --------
    Method.from_update : how a rule becomes a Method.
    unregister_method, available_methods

    Examples
    --------
    Quasi-hyperbolic momentum (Ma & Yarats 2019) with its extra parameter ``nu``:

    >>> def qhm(x, v, grad, alpha, beta, nu):
    ...     g = grad(x)
    ...     v = beta * v + (1 - beta) * g
    ...     return x - alpha * ((1 - nu) * g + nu * v), v
    >>> m = register_method(qhm, overwrite=True)
    >>> m.state, m.hyperparameters
    (('x', 'v'), ('alpha', 'beta', 'nu'))
    >>> unregister_method("qhm")
    """
    if isinstance(update, Method):
        if name is not None or title is not None or worst_case_at_endpoints or tunings:
            raise TypeError("register_method(Method) takes no name, title, "
                            "worst_case_at_endpoints or tunings; they are the Method's")
        overwrite = check_flag(overwrite, "overwrite")
        method = update
    else:
        name = check_name(name, "name", optional=True)
        title = check_name(title, "title", optional=True)
        overwrite = check_flag(overwrite, "overwrite")
        worst_case_at_endpoints = check_flag(worst_case_at_endpoints, "worst_case_at_endpoints")
        method = Method.from_update(
            update, name=name, title=title, worst_case_at_endpoints=worst_case_at_endpoints,
            tunings=tunings,
        )
    if method.name in _REGISTRY and not overwrite:
        raise ValueError(
            f"a method named {method.name!r} is already registered; pass overwrite=True "
            "to replace it"
        )
    _REGISTRY[method.name] = method
    return method


def unregister_method(name: str) -> None:
    """Remove a registered method (the shipped ones can be removed too).

    Parameters
    ----------
    name : str
        Registry name of the method.

    Raises
    ------
    ValueError
        If no method of that name is registered.

    See Also
    --------
    register_method, available_methods

    Examples
    --------
    >>> def my_gd(x, grad, alpha):
    ...     return x - alpha * grad(x)
    >>> _ = register_method(my_gd)
    >>> "my_gd" in available_methods()
    True
    >>> unregister_method("my_gd")
    >>> "my_gd" in available_methods()
    False
    """
    check_name(name, "name")
    if name not in _REGISTRY:
        raise ValueError(f"no method named {name!r}; registered: {available_methods()}")
    del _REGISTRY[name]


def available_methods() -> list[str]:
    """Names of the registered methods.

    Returns
    -------
    list of str
        Registry names, in registration order.

    See Also
    --------
    get_method, register_method

    Examples
    --------
    >>> available_methods()[:4]
    ['gd', 'heavy_ball', 'nesterov', 'ema_momentum']
    """
    return list(_REGISTRY)


def get_method(method: str | Method) -> Method:
    """Return the :class:`~momentum_dynamics.methods.Method` for a name, or the method itself.

    Parameters
    ----------
    method : str or Method
        A registry name (see :func:`available_methods`) or a method object.

    Returns
    -------
    Method
        The registered method (or ``method`` itself).

    Raises
    ------
    ValueError
        For an unknown name, listing the valid ones.
    TypeError
        For anything that is neither a name nor a :class:`~momentum_dynamics.methods.Method`.

    See Also
    --------
    available_methods, register_method

    Examples
    --------
    >>> get_method("heavy_ball").hyperparameters
    ('alpha', 'beta')
    >>> get_method("adamw")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Unknown method: 'adamw'. It needs to be one of ['gd', 'heavy_ball', ...
    """
    if isinstance(method, Method):
        return method
    if isinstance(method, str):
        try:
            return _REGISTRY[method]
        except KeyError:
            raise ValueError(
                f"Unknown method: {method!r}. It needs to be one of {available_methods()} "
                "(or a Method object; see register_method)"
            ) from None
    raise TypeError(
        f"method must be a method name (str) or a Method; got {type(method).__name__}"
    )


register_method(
    gradient_descent, "gd", title="gradient descent", worst_case_at_endpoints=True,
    tunings={"optimal": "opposite_poles"},
)
register_method(
    heavy_ball, "heavy_ball", title="heavy ball", worst_case_at_endpoints=True,
    tunings={"optimal": "critical_both_ends"},
)
register_method(
    nesterov, "nesterov", title="Nesterov", worst_case_at_endpoints=True,
    tunings={"optimal": "critical_mu_root_L", "standard": "standard"},
)
register_method(
    ema_momentum, "ema_momentum", title="EMA momentum", worst_case_at_endpoints=True,
    tunings={"optimal": "critical_both_ends"},
)

# The zoo (issue 11). No closed-form tunings are declared: their parameter formulas are
# the papers' (momentum_dynamics.designs), and their worst case over [mu, L] is not
# proven to sit at an endpoint, so convergence_rate samples the interval.
register_method(quasi_hyperbolic_momentum, "qh_momentum", title="QHM")
register_method(robust_momentum, "robust_momentum", title="robust momentum")
register_method(triple_momentum, "triple_momentum", title="triple momentum")

# The game zoo (Gidel et al. 2019): x minimises, y maximises; shared alpha and beta.
for _rule, _title in (
    (gda_simultaneous, "simultaneous GDA"),
    (gda_alternating, "alternating GDA"),
    (gda_simultaneous_heavy_ball, "simultaneous GDA, heavy ball"),
    (gda_alternating_heavy_ball, "alternating GDA, heavy ball"),
    (gda_simultaneous_nesterov, "simultaneous GDA, Nesterov"),
    (gda_alternating_nesterov, "alternating GDA, Nesterov"),
):
    register_method(_rule, title=_title)
del _rule, _title

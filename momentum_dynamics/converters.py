r"""Converters between quasi-hyperbolic momentum (QHM) and the other momentum methods.

Every method of this package with two states and one gradient per step is QHM
(Ma & Yarats 2019) run on the point where its gradient is taken. Write the method as
the three-parameter family of :func:`~momentum_dynamics.methods.robust_momentum`,

.. math::

    y_{t-1} = x_{t-1} - \gamma v_{t-1}, \qquad
    v_t = \beta v_{t-1} + \alpha g_t, \qquad x_t = x_{t-1} - v_t, \qquad
    g_t = \nabla f(y_{t-1})

(heavy ball is :math:`\gamma = 0`, Nesterov :math:`\gamma = \beta`). Then
:math:`y_t - y_{t-1} = -(1+\gamma)\alpha g_t - ((1+\gamma)\beta - \gamma) v_{t-1}`,
and with the moving average :math:`m_t = (1-\beta) v_t/\alpha` (so that
:math:`m_t = \beta m_{t-1} + (1-\beta) g_t`) this is QHM's step
:math:`y_t = y_{t-1} - a((1-\nu) g_t + \nu m_t)` exactly when

.. math::

    a = \frac{\alpha}{1-\beta}, \qquad \nu = 1 - \frac{\gamma(1-\beta)}{\beta},

the same momentum :math:`\beta`, and QHM's iterate is :math:`y` (its gradient point).
Both start together: ``v0 = 0`` gives ``y0 = x0`` and ``m0 = 0``. Special cases:

=====================  ===================  ========  ========  ===================
method (ours)          QHM rate ``a``       ``beta``  ``nu``    QHM's iterate is
=====================  ===================  ========  ========  ===================
``gd``                 alpha                0         0         x
``heavy_ball``         alpha / (1 - beta)   beta      1         x
``ema_momentum``       alpha                beta      1         x
``nesterov``           alpha / (1 - beta)   beta      beta      x - beta v
``robust_momentum``    alpha / (1 - beta)   beta      as above  x - gamma v
``triple_momentum``    alpha / (1 - beta)   beta      as above  x - (gamma-delta) v
=====================  ===================  ========  ========  ===================

:func:`from_qhm` inverts the table. A PID optimizer has no conversion here: the PID
forms in the literature (Recht 2018; An et al. 2018) are either implicit in the
gradient or have three states, so no exact two-state closed form applies to them.

Tested in ``tests/test_converters.py``: exactly (the characteristic polynomials and
the transfer functions from gradient noise to the iterate, derived by
:mod:`momentum_dynamics.symbolic` from both update rules, agree) and by running both
forms side by side on a quadratic.
"""

from __future__ import annotations

from typing import NamedTuple

from ._validation import check_alpha, check_hyperparameters, check_scalar
from .methods import (
    Method,
    ema_momentum,
    get_method,
    gradient_descent,
    heavy_ball,
    nesterov,
    robust_momentum,
    triple_momentum,
)

__all__ = ["QHMParameters", "ConvertedParameters", "to_qhm", "from_qhm"]


class QHMParameters(NamedTuple):
    """Hyper-parameters of :func:`~momentum_dynamics.methods.quasi_hyperbolic_momentum`.

    Attributes
    ----------
    alpha : float
        QHM's learning rate.
    beta : float
        QHM's momentum (its moving-average factor).
    nu : float
        QHM's immediate discount.

    See Also
    --------
    to_qhm : the conversion that returns it.

    Examples
    --------
    >>> to_qhm("heavy_ball", alpha=0.1, beta=0.5)
    QHMParameters(alpha=0.2, beta=0.5, nu=1.0)
    """

    alpha: float
    beta: float
    nu: float


class ConvertedParameters(NamedTuple):
    """A registered method and the hyper-parameters that reproduce a QHM run.

    Attributes
    ----------
    method : str
        Registry name.
    hyperparameters : dict of str to float
        Keyword arguments of the update rule (``alpha``, ``beta``, ...), ready for
        ``simulate(method, problem, **hyperparameters)``.
    iterate : str
        Which point of ``method`` QHM's iterate is: ``"x"``, or the gradient point as
        an expression of the state, e.g. ``"x - beta*v"``.

    See Also
    --------
    from_qhm : the conversion that returns it.

    Examples
    --------
    >>> p = from_qhm(alpha=0.2, beta=0.5, nu=1.0)
    >>> p.method, p.hyperparameters, p.iterate
    ('heavy_ball', {'alpha': 0.1, 'beta': 0.5}, 'x')
    """

    method: str
    hyperparameters: dict
    iterate: str


_KINDS = {
    gradient_descent: "gd",
    heavy_ball: "heavy_ball",
    ema_momentum: "ema_momentum",
    nesterov: "nesterov",
    robust_momentum: "robust_momentum",
    triple_momentum: "triple_momentum",
}


def _qhm_of(kind: str, alpha, beta, gamma=0):
    """QHM's (a, beta, nu) for one of the kinds: plain arithmetic (numbers or SymPy)."""
    if kind == "gd":
        return alpha, 0 * alpha, 0 * alpha
    if kind == "ema_momentum":
        return alpha, beta, 1 + 0 * beta
    a = alpha / (1 - beta)
    if kind == "heavy_ball":
        return a, beta, 1 + 0 * beta
    if kind == "nesterov":
        return a, beta, beta
    return a, beta, 1 - gamma * (1 - beta) / beta  # the look-ahead family


def _beta_in_unit(value, what: str) -> float:
    b = check_scalar(value, "beta")
    if not 0 <= b < 1:
        raise ValueError(f"beta must lie in [0, 1) {what}; got {b!r}")
    return b


def to_qhm(method: str | Method, alpha: float, beta: float | None = None,
           **hyperparameters: float) -> QHMParameters:
    r"""QHM's hyper-parameters that reproduce one of our methods.

    See the table in :mod:`momentum_dynamics.converters`: QHM with the returned
    ``(alpha, beta, nu)`` and a zero moving average follows the method's gradient
    point (its iterate for GD, heavy ball and EMA momentum, the look-ahead point
    :math:`x - \gamma v` for the others) step for step, with or without gradient noise.

    Parameters
    ----------
    method : str or Method
        ``"gd"``, ``"heavy_ball"``, ``"ema_momentum"``, ``"nesterov"``,
        ``"robust_momentum"`` or ``"triple_momentum"`` (or a Method with one of those
        update rules).
    alpha : float
        Learning rate, > 0.
    beta : float or None
        Momentum in [0, 1) (None for ``"gd"``); ``> 0`` for robust and triple momentum
        with ``gamma != 0`` (QHM's :math:`\nu = 1 - \gamma(1-\beta)/\beta`).
    **hyperparameters
        ``gamma`` for robust momentum, ``gamma`` and ``delta`` for triple momentum.

    Returns
    -------
    QHMParameters
        ``(alpha, beta, nu)`` of QHM.

    Raises
    ------
    ValueError, TypeError
        For a method without a QHM form, or values outside the ranges above.

    See Also
    --------
    from_qhm : the inverse.
    momentum_dynamics.methods.quasi_hyperbolic_momentum : the QHM update rule.

    Examples
    --------
    >>> to_qhm("nesterov", alpha=0.1, beta=0.5)
    QHMParameters(alpha=0.2, beta=0.5, nu=0.5)
    >>> to_qhm("robust_momentum", alpha=0.1, beta=0.5, gamma=0.25)
    QHMParameters(alpha=0.2, beta=0.5, nu=0.75)
    """
    m = get_method(method)
    kind = _KINDS.get(m.update)
    if kind is None:
        raise ValueError(f"method {m.name!r} has no QHM form here; convertible update rules: "
                         f"{sorted(set(_KINDS.values()))}")
    a = check_alpha(alpha)
    if a.ndim:
        raise ValueError(f"alpha must be a scalar; got an array of shape {a.shape}")
    extra = check_hyperparameters(m, hyperparameters)
    for k, v in extra.items():
        if v.ndim:
            raise ValueError(f"{k} must be a scalar; got an array of shape {v.shape}")
    if kind == "gd":
        if beta is not None:
            raise ValueError(f"method {m.name!r} has no momentum; pass beta=None")
        return QHMParameters(*(float(v) for v in _qhm_of(kind, float(a), None)))
    if beta is None:
        raise TypeError(f"beta (the momentum) is required for method {m.name!r}")
    b = _beta_in_unit(beta, "to convert to QHM")
    gamma = 0.0
    if kind in ("robust_momentum", "triple_momentum"):
        gamma = float(extra["gamma"])
        if b == 0 and gamma != 0:
            raise ValueError("beta must be > 0 to convert robust or triple momentum with "
                             "gamma != 0 to QHM (nu = 1 - gamma*(1 - beta)/beta)")
        if b == 0:
            kind = "heavy_ball"
    return QHMParameters(*(float(v) for v in _qhm_of(kind, float(a), b, gamma)))


_TARGETS = ("gd", "heavy_ball", "ema_momentum", "nesterov", "robust_momentum")


def from_qhm(alpha: float, beta: float, nu: float,
             method: str | None = None) -> ConvertedParameters:
    r"""One of our methods that reproduces a QHM run.

    The inverse of :func:`to_qhm`: for ``method="robust_momentum"`` (any ``nu``)

    .. math:: \alpha_{\rm ours} = a(1-\beta), \qquad \gamma = \frac{(1-\nu)\beta}{1-\beta},

    and QHM's iterate is the look-ahead point :math:`x - \gamma v`. The special cases
    need their ``nu``: ``"gd"`` needs ``nu = 0`` (QHM's average is then a hidden
    state), ``"heavy_ball"`` and ``"ema_momentum"`` need ``nu = 1``, ``"nesterov"``
    needs ``nu = beta``. Without ``method`` the simplest exact one is chosen in that
    order, robust momentum otherwise.

    Parameters
    ----------
    alpha : float
        QHM's learning rate, > 0.
    beta : float
        QHM's momentum, in [0, 1).
    nu : float
        QHM's immediate discount (any finite number).
    method : str, optional
        The target: one of ``"gd"``, ``"heavy_ball"``, ``"ema_momentum"``,
        ``"nesterov"``, ``"robust_momentum"``.

    Returns
    -------
    ConvertedParameters
        ``(method, hyperparameters, iterate)``.

    Raises
    ------
    ValueError, TypeError
        For values outside the ranges above, an unknown target, or a target whose
        special ``nu`` does not hold.

    See Also
    --------
    to_qhm : the forward conversion.

    Examples
    --------
    >>> p = from_qhm(alpha=0.2, beta=0.5, nu=0.5)
    >>> p.method, p.hyperparameters, p.iterate
    ('nesterov', {'alpha': 0.1, 'beta': 0.5}, 'x - beta*v')
    >>> from_qhm(alpha=1.0, beta=0.5, nu=0.7).hyperparameters
    {'alpha': 0.5, 'beta': 0.5, 'gamma': 0.3}
    """
    a = check_alpha(alpha)
    if a.ndim:
        raise ValueError(f"alpha must be a scalar; got an array of shape {a.shape}")
    a = float(a)
    b = _beta_in_unit(beta, "for QHM")
    n = check_scalar(nu, "nu")
    if method is not None and (not isinstance(method, str) or method not in _TARGETS):
        raise ValueError(f"method must be one of {list(_TARGETS)} or None; got {method!r}")
    if method is None:
        method = ("gd" if n == 0 else "heavy_ball" if n == 1 else "nesterov" if n == b
                  else "robust_momentum")
    need = {"gd": (0.0, "0"), "heavy_ball": (1.0, "1"), "ema_momentum": (1.0, "1"),
            "nesterov": (b, "beta")}.get(method)
    if need is not None and n != need[0]:
        raise ValueError(f"nu must be {need[1]} for QHM to be {method!r}; got nu={n!r} "
                         "(use method='robust_momentum' for any nu)")
    if method == "gd":
        return ConvertedParameters("gd", {"alpha": a}, "x")
    if method == "ema_momentum":
        return ConvertedParameters(method, {"alpha": a, "beta": b}, "x")
    ours = a * (1 - b)
    if method == "heavy_ball":
        return ConvertedParameters(method, {"alpha": ours, "beta": b}, "x")
    if method == "nesterov":
        return ConvertedParameters(method, {"alpha": ours, "beta": b}, "x - beta*v")
    gamma = (1 - n) * b / (1 - b)
    return ConvertedParameters(method, {"alpha": ours, "beta": b, "gamma": gamma},
                               "x - gamma*v")

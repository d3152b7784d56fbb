r"""Other libraries' SGD-with-momentum conventions, converted into ours.

Our methods use the velocity form of Polyak (1964) and Sutskever et al. (2013), with
the velocity subtracted (see :mod:`momentum_dynamics.methods`):

.. math::

    \text{heavy ball:}\quad v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1}),
    \qquad x_t = x_{t-1} - v_t, \qquad v_0 = 0

    \text{Nesterov:}\quad v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1} - \beta v_{t-1}),
    \qquad x_t = x_{t-1} - v_t, \qquad v_0 = 0

PyTorch ``SGD``, optax ``sgd`` and Keras ``SGD`` write the same two methods with a
differently scaled (or signed) buffer, and their Nesterov variant updates the
*look-ahead point* :math:`y_t = x_t - \beta v_t` instead of :math:`x_t`. The
converters return :class:`MethodParameters` ``(method, alpha, beta)`` for
:func:`~momentum_dynamics.simulate.simulate` and every analysis.

======================================  ==================  ============  =========
library call                            method              alpha         beta
======================================  ==================  ============  =========
``torch SGD(lr)``                       ``"gd"``            lr            None
``torch SGD(lr, m)``, m > 0             ``"heavy_ball"``    lr            m
``torch SGD(lr, m, dampening=d)``       ``"heavy_ball"``    lr (1 - d)    m  (*)
``torch SGD(lr, m, nesterov=True)``     ``"nesterov"``      lr            m  (**)
``optax.sgd(lr)``                       ``"gd"``            lr            None
``optax.sgd(lr, m)``                    ``"heavy_ball"``    lr            m
``optax.sgd(lr, m, nesterov=True)``     ``"nesterov"``      lr            m  (**)
``keras SGD(lr)``                       ``"gd"``            lr            None
``keras SGD(lr, m)``                    ``"heavy_ball"``    lr            m
``keras SGD(lr, m, nesterov=True)``     ``"nesterov"``      lr            m  (**)
======================================  ==================  ============  =========

(*) PyTorch does not dampen the first gradient; exact from step one with
``v0 = lr*d/m * grad f(x0)`` (see :func:`from_pytorch_sgd`). (**) The library's
parameter is our look-ahead point :math:`x_t - \beta v_t`; both start at ``x0`` and
converge to the same limit.

Everything here is checked in ``tests/test_conventions.py`` by running each
library's documented update rule (written in NumPy) beside :func:`simulate`.
"""

from __future__ import annotations

from typing import NamedTuple

from ._docstrings import fill_doc
from ._validation import check_alpha, check_beta, check_flag, check_scalar
from .methods import Method, ema_momentum, get_method, gradient_descent, heavy_ball, nesterov

__all__ = [
    "MethodParameters",
    "from_pytorch_sgd",
    "from_optax_sgd",
    "from_keras_sgd",
    "to_pytorch_sgd",
    "to_optax_sgd",
    "to_keras_sgd",
]


class MethodParameters(NamedTuple):
    """A method in our convention: registry name, learning rate, momentum.

    Attributes
    ----------
    method : str
        Registry name (``"gd"``, ``"heavy_ball"``, ``"nesterov"``, ``"ema_momentum"``).
    alpha : float
        Learning rate of our update rule.
    beta : float or None
        Momentum of our update rule (None for gradient descent).

    See Also
    --------
    from_pytorch_sgd, from_optax_sgd, from_keras_sgd

    Examples
    --------
    >>> from_pytorch_sgd(lr=0.1, momentum=0.9)
    MethodParameters(method='heavy_ball', alpha=0.1, beta=0.9)
    """

    method: str
    alpha: float
    beta: float | None


# Docstring sections shared by the converters (filled in by fill_doc).
_FROM_DOC = {
    "learning_rate": """
        learning_rate : float
            Finite and > 0 (schedules are not supported: convert each value).
        """,
    "nesterov_returns_raises": """
        nesterov : bool
            Whether the library's Nesterov variant is used (ignored without momentum).

        Returns
        -------
        MethodParameters
            ``(method, alpha, beta)`` in our convention.

        Raises
        ------
        ValueError, TypeError
            For values outside the ranges above, naming the argument.
        """,
}
_TO_DOC = {
    "parameters": """
        Parameters
        ----------
        method : str or Method
            One of the shipped methods (``"gd"``, ``"heavy_ball"``, ``"nesterov"``,
            ``"ema_momentum"``).
        alpha : float
            Learning rate, > 0.
        beta : float or None
            Momentum in [0, 1) (None for ``"gd"``).
        """,
}


# --------------------------------------------------------------------------
# Argument checks (named as in the other library)
# --------------------------------------------------------------------------


_scalar = check_scalar


def _learning_rate(value, name: str) -> float:
    if callable(value):
        raise TypeError(
            f"{name} must be a number; schedules are not supported (convert each value); "
            f"got {value!r}"
        )
    lr = _scalar(value, name)
    if lr <= 0:
        raise ValueError(f"{name} (the learning rate) must be > 0; got {lr!r}")
    return lr


def _momentum(value) -> float:
    m = _scalar(value, "momentum")
    if not 0 <= m < 1:
        raise ValueError(f"momentum must lie in [0, 1); got {m!r}")
    return m


_flag = check_flag


# --------------------------------------------------------------------------
# Into our convention
# --------------------------------------------------------------------------


def from_pytorch_sgd(
    lr: float, momentum: float = 0.0, dampening: float = 0.0, nesterov: bool = False
) -> MethodParameters:
    r"""Our parameters for ``torch.optim.SGD(params, lr, momentum, dampening, nesterov)``.

    PyTorch's rule (``torch/optim/sgd.py``, without weight decay), with
    :math:`g_t = \nabla f(p_{t-1})`, learning rate :math:`\gamma`, momentum
    :math:`\mu` and dampening :math:`\tau`:

    .. math::

        b_1 = g_1, \qquad b_t = \mu b_{t-1} + (1 - \tau) g_t \quad (t \ge 2),

        p_t = p_{t-1} - \gamma b_t
        \quad\text{or, with nesterov,}\quad
        p_t = p_{t-1} - \gamma (g_t + \mu b_t).

    With ``momentum == 0`` PyTorch keeps no buffer (``p_t = p_{t-1} - lr g_t``;
    dampening has no effect): gradient descent with ``alpha = lr``.

    **Heavy ball.** Put :math:`v_t = \gamma b_t`. For :math:`t \ge 2`,
    :math:`v_t = \mu v_{t-1} + \gamma(1-\tau) g_t` and :math:`p_t = p_{t-1} - v_t`:
    our heavy ball with :math:`\alpha = \gamma(1-\tau)`, :math:`\beta = \mu`, and
    :math:`x_t = p_t`. With ``dampening = 0`` also :math:`v_1 = \gamma g_1 =
    \beta\cdot 0 + \alpha g_1`, so the runs agree from step one with ``v0 = 0``.
    With ``dampening > 0`` PyTorch's first step is *undampened*
    (:math:`v_1 = \gamma g_1` instead of :math:`\gamma(1-\tau) g_1`); our run
    reproduces it exactly when started from

    .. math:: v_0 = \frac{\gamma\tau}{\mu} \nabla f(p_0),

    (then :math:`\beta v_0 + \alpha g_1 = \gamma g_1`; for a tiny momentum this
    :math:`v_0` is huge and may overflow although :math:`\beta v_0` does not).
    With ``v0 = 0`` the two trajectories differ by the response to the single
    impulse :math:`\gamma\tau g_1` in the first step, which decays at the
    method's rate (same limit, same asymptotic rate). ``dampening = momentum`` is the EMA form: our
    ``ema_momentum`` with ``alpha = lr, beta = momentum`` is the same iteration
    as the heavy ball returned here, up to that first step.

    **Nesterov** (``dampening = 0``). With :math:`\alpha = \gamma`,
    :math:`\beta = \mu`, PyTorch's parameter is our *look-ahead point*:

    .. math:: p_t = y_t := x_t - \beta v_t, \qquad \gamma b_t = v_t .

    Proof by induction: :math:`y_0 = x_0 = p_0` as :math:`v_0 = 0`. If
    :math:`p_{t-1} = y_{t-1}` and :math:`\gamma b_{t-1} = v_{t-1}`, our gradient is
    taken at :math:`x_{t-1} - \beta v_{t-1} = y_{t-1} = p_{t-1}`, the same
    :math:`g_t`; hence :math:`v_t = \beta v_{t-1} + \alpha g_t = \gamma b_t`, and

    .. math:: y_t = x_{t-1} - (1+\beta) v_t = y_{t-1} + \beta v_{t-1} - v_t - \beta v_t
              = p_{t-1} - \gamma g_t - \gamma\mu b_t ,

    which is PyTorch's :math:`p_t`. So ``simulate("nesterov", ..., x0=p0)`` gives
    :math:`p_t` as ``tr.x - beta * tr.states["v"]``, and PyTorch's parameter maps
    back to our iterate by :math:`x_t = p_t + \gamma\mu b_t`. Both sequences have
    the same poles and limit; they differ by :math:`\beta v_t`, which vanishes at
    convergence.

    Parameters
    ----------
    lr : float
        Learning rate, finite and > 0.
    momentum : float
        In [0, 1).
    dampening : float
        In [0, 1]; must be 0 with ``nesterov`` and < 1 when ``momentum > 0`` (with
        ``dampening = 1`` PyTorch ignores every gradient after the first).
    nesterov : bool
        Requires ``momentum > 0`` and ``dampening = 0``, as in PyTorch.

    Returns
    -------
    MethodParameters
        ``(method, alpha, beta)``.

    Raises
    ------
    ValueError
        For values outside the ranges above; the message names the argument.
    TypeError
        For non-numeric values or a non-boolean ``nesterov``.

    See Also
    --------
    to_pytorch_sgd : the inverse conversion.
    from_optax_sgd, from_keras_sgd

    Examples
    --------
    >>> from_pytorch_sgd(0.1, momentum=0.9)
    MethodParameters(method='heavy_ball', alpha=0.1, beta=0.9)
    >>> from_pytorch_sgd(0.1, momentum=0.9, dampening=0.5)
    MethodParameters(method='heavy_ball', alpha=0.05, beta=0.9)
    >>> from_pytorch_sgd(0.1, momentum=0.9, nesterov=True)
    MethodParameters(method='nesterov', alpha=0.1, beta=0.9)
    >>> from_pytorch_sgd(0.1)
    MethodParameters(method='gd', alpha=0.1, beta=None)
    """
    lr = _learning_rate(lr, "lr")
    m = _momentum(momentum)
    d = _scalar(dampening, "dampening")
    if not 0 <= d <= 1:
        raise ValueError(f"dampening must lie in [0, 1]; got {d!r}")
    nest = _flag(nesterov, "nesterov")
    if nest and (m == 0 or d != 0):
        raise ValueError(
            "Nesterov momentum requires a momentum and zero dampening (as in PyTorch): "
            f"nesterov=True needs momentum > 0 and dampening=0; got momentum={m!r}, "
            f"dampening={d!r}"
        )
    if m == 0:
        return MethodParameters("gd", lr, None)
    if nest:
        return MethodParameters("nesterov", lr, m)
    if d == 1:
        raise ValueError(
            "dampening=1 with momentum > 0 ignores every gradient after the first step; "
            "no momentum method with alpha > 0 corresponds. Use dampening in [0, 1)"
        )
    return MethodParameters("heavy_ball", lr * (1 - d), m)


@fill_doc(**_FROM_DOC)
def from_optax_sgd(
    learning_rate: float, momentum: float | None = None, nesterov: bool = False
) -> MethodParameters:
    r"""Our parameters for ``optax.sgd(learning_rate, momentum, nesterov)``.

    optax chains ``trace(decay=momentum, nesterov=nesterov)`` and a scaling by
    ``-learning_rate``. With :math:`g_t = \nabla f(p_{t-1})`, :math:`\gamma` the
    learning rate, :math:`\mu` the momentum and the trace starting at zero:

    .. math::

        t_t = \mu t_{t-1} + g_t, \qquad
        p_t = p_{t-1} - \gamma t_t
        \quad\text{or, with nesterov,}\quad
        p_t = p_{t-1} - \gamma (g_t + \mu t_t).

    This is PyTorch's rule with ``dampening = 0`` (the trace is PyTorch's buffer,
    also on the first step since :math:`t_0 = 0`), so the argument of
    :func:`from_pytorch_sgd` applies: heavy ball with :math:`\alpha = \gamma`,
    :math:`\beta = \mu`, :math:`v_t = \gamma t_t`, exact from step one; for
    ``nesterov=True`` optax's parameter is our look-ahead point
    :math:`x_t - \beta v_t`. With ``momentum=None`` optax applies no trace (and
    ignores ``nesterov``): gradient descent. ``momentum=0.0`` keeps a trace that
    equals the gradient (also the Nesterov update is then the gradient), so it
    is gradient descent as well and is returned as ``"gd"``, like PyTorch's and
    Keras' ``momentum=0``: equal iterations give equal :class:`MethodParameters`.

    Parameters
    ----------
    %(learning_rate)s
    momentum : float or None
        In [0, 1), or None for no momentum.
    %(nesterov_returns_raises)s

    See Also
    --------
    to_optax_sgd : the inverse conversion.
    from_pytorch_sgd : the derivation shared by all three libraries.

    Examples
    --------
    >>> from_optax_sgd(0.01, momentum=0.9, nesterov=True)
    MethodParameters(method='nesterov', alpha=0.01, beta=0.9)
    >>> from_optax_sgd(0.01)
    MethodParameters(method='gd', alpha=0.01, beta=None)
    """
    lr = _learning_rate(learning_rate, "learning_rate")
    nest = _flag(nesterov, "nesterov")
    if momentum is None:
        return MethodParameters("gd", lr, None)
    m = _momentum(momentum)
    if m == 0:
        return MethodParameters("gd", lr, None)
    return MethodParameters("nesterov" if nest else "heavy_ball", lr, m)


@fill_doc(**_FROM_DOC)
def from_keras_sgd(
    learning_rate: float, momentum: float = 0.0, nesterov: bool = False
) -> MethodParameters:
    r"""Our parameters for ``keras.optimizers.SGD(learning_rate, momentum, nesterov)``.

    Keras' documented rule, with :math:`g_t = \nabla f(w_{t-1})`, learning rate
    :math:`\gamma`, momentum :math:`\mu` and the velocity :math:`u_0 = 0`:

    .. math::

        u_t = \mu u_{t-1} - \gamma g_t, \qquad
        w_t = w_{t-1} + u_t
        \quad\text{or, with nesterov,}\quad
        w_t = w_{t-1} + \mu u_t - \gamma g_t .

    Keras' velocity is minus ours: :math:`u_t = -v_t` turns the first form into
    heavy ball with :math:`\alpha = \gamma`, :math:`\beta = \mu`, exact from step
    one. The Nesterov form becomes :math:`w_t = w_{t-1} - \gamma(g_t + \mu b_t)`
    with :math:`b_t = -u_t/\gamma`, which is PyTorch's Nesterov rule, so (see
    :func:`from_pytorch_sgd`) Keras' ``w_t`` is our look-ahead point
    :math:`x_t - \beta v_t`. With ``momentum == 0`` Keras keeps no velocity and
    ignores ``nesterov``: gradient descent.

    Parameters
    ----------
    %(learning_rate)s
    momentum : float
        In [0, 1).
    %(nesterov_returns_raises)s

    See Also
    --------
    to_keras_sgd : the inverse conversion.
    from_pytorch_sgd : the derivation shared by all three libraries.

    Examples
    --------
    >>> from_keras_sgd(0.01, momentum=0.9)
    MethodParameters(method='heavy_ball', alpha=0.01, beta=0.9)
    """
    lr = _learning_rate(learning_rate, "learning_rate")
    m = _momentum(momentum)
    nest = _flag(nesterov, "nesterov")
    if m == 0:
        return MethodParameters("gd", lr, None)
    return MethodParameters("nesterov" if nest else "heavy_ball", lr, m)


# --------------------------------------------------------------------------
# Out of our convention
# --------------------------------------------------------------------------

_SHIPPED = {
    gradient_descent: "gd",
    heavy_ball: "heavy_ball",
    nesterov: "nesterov",
    ema_momentum: "ema_momentum",
}


def _to_library(method: str | Method, alpha: float, beta: float | None
                ) -> tuple[float, float, bool]:
    """(learning rate, momentum, nesterov) of the trace form, exact from step one."""
    m = get_method(method)
    kind = _SHIPPED.get(m.update)
    if kind is None:
        raise ValueError(
            f"method {m.name!r} has no SGD-with-momentum equivalent in PyTorch, optax or "
            f"Keras; convertible methods: {sorted(set(_SHIPPED.values()))}"
        )
    a = check_alpha(alpha)
    if a.ndim != 0:
        raise ValueError(f"alpha must be a scalar; got an array of shape {a.shape}")
    a = float(a)
    b = check_beta(beta, m)
    if b is None:
        return a, 0.0, False
    if b.ndim != 0:
        raise ValueError(f"beta must be a scalar; got an array of shape {b.shape}")
    b = float(b)
    if not 0 <= b < 1:
        raise ValueError(
            f"beta must lie in [0, 1) to convert {m.name!r} to another library's SGD "
            f"(their momentum is in [0, 1)); got {b!r}"
        )
    if kind == "ema_momentum":
        # v_hb = alpha * v_ema turns EMA momentum into heavy ball with step alpha*(1-beta).
        return a * (1 - b), b, False
    return a, b, kind == "nesterov" and b > 0


@fill_doc(**_TO_DOC)
def to_pytorch_sgd(method: str | Method, alpha: float, beta: float | None = None) -> dict:
    r"""Keyword arguments of ``torch.optim.SGD`` reproducing one of our methods.

    The inverse of :func:`from_pytorch_sgd` with ``dampening = 0`` (exact from step
    one): ``"gd"`` and ``"heavy_ball"`` map to ``lr = alpha``,
    ``momentum = beta``; ``"nesterov"`` to ``nesterov=True`` (PyTorch's parameter
    is then our look-ahead point :math:`x_t - \beta v_t`; with ``beta = 0`` it is
    gradient descent and PyTorch's plain SGD); ``"ema_momentum"``
    (:math:`v_t = \beta v_{t-1} + (1-\beta) g_t`, :math:`x_t = x_{t-1} - \alpha
    v_t`) is heavy ball with buffer :math:`\alpha v_t`, hence
    ``lr = alpha*(1-beta)``, ``momentum = beta``.

    %(parameters)s

    Returns
    -------
    dict
        ``{"lr", "momentum", "dampening", "nesterov"}``.

    See Also
    --------
    from_pytorch_sgd : the inverse conversion.
    to_optax_sgd, to_keras_sgd

    Examples
    --------
    >>> to_pytorch_sgd("ema_momentum", alpha=0.5, beta=0.5)
    {'lr': 0.25, 'momentum': 0.5, 'dampening': 0.0, 'nesterov': False}
    >>> from_pytorch_sgd(**to_pytorch_sgd("nesterov", alpha=0.1, beta=0.9))
    MethodParameters(method='nesterov', alpha=0.1, beta=0.9)
    """
    lr, mom, nest = _to_library(method, alpha, beta)
    return {"lr": lr, "momentum": mom, "dampening": 0.0, "nesterov": nest}


@fill_doc(**_TO_DOC)
def to_optax_sgd(method: str | Method, alpha: float, beta: float | None = None) -> dict:
    r"""Keyword arguments of ``optax.sgd`` reproducing one of our methods.

    As :func:`to_pytorch_sgd` (optax's trace is PyTorch's undampened buffer);
    ``"gd"`` gives ``momentum=None``.

    %(parameters)s

    Returns
    -------
    dict
        ``{"learning_rate", "momentum", "nesterov"}``.

    See Also
    --------
    from_optax_sgd : the inverse conversion.
    to_pytorch_sgd, to_keras_sgd

    Examples
    --------
    >>> to_optax_sgd("heavy_ball", alpha=0.1, beta=0.9)
    {'learning_rate': 0.1, 'momentum': 0.9, 'nesterov': False}
    """
    lr, mom, nest = _to_library(method, alpha, beta)
    return {"learning_rate": lr, "momentum": mom if mom > 0 else None, "nesterov": nest}


@fill_doc(**_TO_DOC)
def to_keras_sgd(method: str | Method, alpha: float, beta: float | None = None) -> dict:
    r"""Keyword arguments of ``keras.optimizers.SGD`` reproducing one of our methods.

    As :func:`to_pytorch_sgd` (Keras' velocity is minus our ``v``).

    %(parameters)s

    Returns
    -------
    dict
        ``{"learning_rate", "momentum", "nesterov"}``.

    See Also
    --------
    from_keras_sgd : the inverse conversion.
    to_pytorch_sgd, to_optax_sgd

    Examples
    --------
    >>> to_keras_sgd("nesterov", alpha=0.1, beta=0.9)
    {'learning_rate': 0.1, 'momentum': 0.9, 'nesterov': True}
    """
    lr, mom, nest = _to_library(method, alpha, beta)
    return {"learning_rate": lr, "momentum": mom, "nesterov": nest}


"""Coupled L2 weight decay versus decoupled weight decay (SGDW) as linear systems.

Two ways of adding weight decay ``wd`` to heavy-ball momentum, written once as update
rules in the velocity convention of :mod:`momentum_dynamics.methods`:

.. math::

    \\text{coupled L2:}\\quad v_t = \\beta v_{t-1}
    + \\alpha\\,(\\nabla f(x_{t-1}) + \\mathrm{wd}\\, x_{t-1}), \\qquad x_t = x_{t-1} - v_t

    \\text{decoupled (SGDW):}\\quad v_t = \\beta v_{t-1} + \\alpha \\nabla f(x_{t-1}),
    \\qquad x_t = x_{t-1} - v_t - \\alpha\\,\\mathrm{wd}\\, x_{t-1}

The coupled rule is ``torch.optim.SGD(lr=alpha, momentum=beta, weight_decay=wd)``
(the decay is added to the gradient before the momentum buffer). The decoupled rule is
SGDW of Loshchilov & Hutter (2019, Algorithm 1), ``m_t = beta m_{t-1} + eta_t alpha g_t``,
``x_t = x_{t-1} - m_t - eta_t lambda_LH x_{t-1}``, with ``v = m`` and the decay scaled by
the learning rate as in ``torch.optim.AdamW`` (``p *= 1 - lr*wd``) and in optax's
``chain(trace(beta), add_decayed_weights(wd), scale(-alpha))``: the paper's decay
``eta_t * lambda_LH`` (schedule multiplier times decay, *not* times ``alpha``) is this
module's ``alpha * wd``. Both rules depend on the decay only through ``alpha * wd``, so
every result below is stated in ``d = alpha * wd`` and ``h = alpha * lambda`` and holds for
either scaling.

What the symbolic core derives from the two rules (:func:`weight_decay_polynomials`,
:func:`curvature_shift`, :func:`decoupled_decay_poles`):

- coupled L2 is heavy ball on the shifted curvature ``lambda + wd``, exactly, so every
  heavy-ball result (Polyak 1964; Lessard, Recht & Packard 2016) carries over with
  ``lambda -> lambda + wd``;
- SGDW has the heavy-ball polynomial with the constant term ``beta`` replaced by
  ``beta (1 - alpha wd)``; it is a curvature shift only when ``beta * alpha * wd = 0``;
- the claim that decoupled decay "adds an extra, always stable pole independent of
  momentum" is true only in flat directions: SGDW has two poles, like heavy ball; at
  ``lambda = 0`` they are ``beta`` and ``1 - alpha wd`` (stable for ``|beta| < 1`` and
  ``0 < alpha wd < 2``); for ``lambda != 0`` a pole independent of ``beta`` exists only
  when ``alpha wd = 1`` (it is ``z = 0``). At equal ``alpha wd`` the largest stable
  ``alpha lambda`` is ``(1 + beta)(2 - alpha wd)`` for SGDW against
  ``2 (1 + beta) - alpha wd`` for coupled L2: smaller by ``beta alpha wd``;
- SGDW's pole product is ``beta (1 - alpha wd)``, so unlike heavy ball (with or without
  L2) it stays stable at ``beta = 1`` for ``0 < alpha lambda < 2 (2 - alpha wd)``: the
  decay damps an otherwise undamped momentum buffer.

References
----------
Loshchilov, I. & Hutter, F. (2019). Decoupled weight decay regularization. ICLR.
Polyak, B. T. (1964). Some methods of speeding up the convergence of iteration methods.
USSR Computational Mathematics and Mathematical Physics 4(5), 1-17.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp

from .. import symbolic
from .._compile import compile_numpy
from .._validation import as_real_array, broadcast, check_flag, check_nonnegative, to_output
from ..methods import Method, get_method, register_method
from ..numeric import optimal_parameters

if TYPE_CHECKING:
    import momentum_dynamics.numeric

__all__ = [
    "heavy_ball_l2",
    "sgdw",
    "WEIGHT_DECAY_METHODS",
    "register_weight_decay_methods",
    "WeightDecayPolynomials",
    "weight_decay_polynomials",
    "CurvatureShift",
    "curvature_shift",
    "DecoupledDecayPoles",
    "decoupled_decay_poles",
    "weight_decay_stability_conditions",
    "StableStepInterval",
    "stable_step_interval",
    "max_stable_step",
    "WeightDecayCriticalBeta",
    "weight_decay_critical_beta",
    "WeightDecayTuning",
    "weight_decay_tuning",
]


# --------------------------------------------------------------------------
# The two update rules (the only place they are written down)
# --------------------------------------------------------------------------


def heavy_ball_l2(x, v, grad, alpha, beta, weight_decay):
    r"""Heavy ball with coupled L2 weight decay (``torch.optim.SGD(weight_decay=...)``).

    .. math:: v_t = \beta v_{t-1} + \alpha (\nabla f(x_{t-1}) + \mathrm{wd}\, x_{t-1}),
              \qquad x_t = x_{t-1} - v_t

    Parameters
    ----------
    x : float, ndarray or sympy.Expr
        The iterate :math:`x_{t-1}`.
    v : float, ndarray or sympy.Expr
        The velocity :math:`v_{t-1}`.
    grad : callable
        Gradient oracle, ``grad(x)`` :math:`= \nabla f(x)`.
    alpha : float or sympy.Expr
        Learning rate, > 0.
    beta : float or sympy.Expr
        Momentum, in [-1, 1].
    weight_decay : float or sympy.Expr
        L2 coefficient ``wd`` (the gradient of ``wd * |x|^2 / 2`` is added), >= 0.

    Returns
    -------
    tuple
        ``(x_t, v_t)``, the new state.

    See Also
    --------
    sgdw : the decoupled rule.
    momentum_dynamics.methods.heavy_ball : the rule without decay.

    Examples
    --------
    >>> x, v = heavy_ball_l2(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9,
    ...                      weight_decay=0.5)
    >>> round(x, 12), round(v, 12)
    (0.3, 0.7)
    """
    v = beta * v + alpha * (grad(x) + weight_decay * x)
    return x - v, v


def sgdw(x, v, grad, alpha, beta, weight_decay):
    r"""Heavy ball with decoupled weight decay (SGDW, Loshchilov & Hutter 2019).

    .. math:: v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1}),
              \qquad x_t = x_{t-1} - v_t - \alpha\,\mathrm{wd}\, x_{t-1}

    The decay acts on :math:`x_{t-1}` and bypasses the velocity; it is scaled by the
    learning rate as in ``torch.optim.AdamW`` (the paper's ``eta_t * lambda`` is
    ``alpha * weight_decay`` here).

    Parameters
    ----------
    x : float, ndarray or sympy.Expr
        The iterate :math:`x_{t-1}`.
    v : float, ndarray or sympy.Expr
        The velocity :math:`v_{t-1}`.
    grad : callable
        Gradient oracle, ``grad(x)`` :math:`= \nabla f(x)`.
    alpha : float or sympy.Expr
        Learning rate, > 0.
    beta : float or sympy.Expr
        Momentum, in [-1, 1].
    weight_decay : float or sympy.Expr
        Decay ``wd``: each step multiplies :math:`x_{t-1}` by ``1 - alpha*wd`` besides
        the momentum step, >= 0.

    Returns
    -------
    tuple
        ``(x_t, v_t)``, the new state.

    See Also
    --------
    heavy_ball_l2 : the coupled rule.

    Examples
    --------
    >>> x, v = sgdw(1.0, 0.5, lambda x: 2 * x, alpha=0.1, beta=0.9, weight_decay=0.5)
    >>> round(x, 12), round(v, 12)
    (0.3, 0.65)
    """
    v = beta * v + alpha * grad(x)
    return x - v - alpha * weight_decay * x, v


#: The two methods as :class:`~momentum_dynamics.methods.Method` objects, by registry
#: name. Every function here uses these objects, so nothing depends on the registry.
WEIGHT_DECAY_METHODS: dict[str, Method] = {
    # Coupled L2 is heavy ball on lambda + wd, whose worst case over [mu, L] is at an
    # endpoint (tested for heavy ball); the shift keeps the interval an interval.
    "heavy_ball_l2": Method.from_update(
        heavy_ball_l2, "heavy_ball_l2", title="heavy ball + L2", worst_case_at_endpoints=True),
    "sgdw": Method.from_update(sgdw, "sgdw", title="SGDW (decoupled)"),
}


def register_weight_decay_methods(*, overwrite: bool = False) -> dict[str, Method]:
    """Register ``"heavy_ball_l2"`` and ``"sgdw"`` so every analysis takes them by name.

    Idempotent: a name already holding the same method is left as it is. A name held
    by a different method (a user's) is not replaced unless ``overwrite=True``.

    Parameters
    ----------
    overwrite : bool
        Replace a different method registered under one of the two names.

    Returns
    -------
    dict of str to Method
        The two registered methods, by name.

    Raises
    ------
    ValueError
        If a name is taken by a different method and ``overwrite`` is False.

    See Also
    --------
    momentum_dynamics.methods.register_method, momentum_dynamics.methods.unregister_method

    Examples
    --------
    >>> import momentum_dynamics as md
    >>> sorted(register_weight_decay_methods())
    ['heavy_ball_l2', 'sgdw']
    >>> md.spectral_radius("sgdw", alpha=0.1, beta=0.5, curvature=0.0, weight_decay=1.0)
    0.9
    >>> for name in ("heavy_ball_l2", "sgdw"):
    ...     md.unregister_method(name)
    """
    overwrite = check_flag(overwrite, "overwrite")
    taken = []
    for name, m in WEIGHT_DECAY_METHODS.items():
        try:
            current = get_method(name)
        except ValueError:
            continue
        if current != m:
            taken.append(name)
    if taken and not overwrite:
        raise ValueError(
            f"the name(s) {taken} are registered to other methods; pass overwrite=True "
            "to replace them with the weight-decay rules"
        )
    for m in WEIGHT_DECAY_METHODS.values():
        register_method(m, overwrite=True)
    return dict(WEIGHT_DECAY_METHODS)


def _resolve(method) -> Method:
    """One of the two rules by name or object, or a Method with the same parameters."""
    if isinstance(method, str) and method in WEIGHT_DECAY_METHODS:
        return WEIGHT_DECAY_METHODS[method]
    m = get_method(method)
    if m.hyperparameters != ("alpha", "beta", "weight_decay") or m.order != 2:
        raise ValueError(
            f"method must be 'heavy_ball_l2', 'sgdw' or a two-state method with the "
            f"hyper-parameters ('alpha', 'beta', 'weight_decay'); got {m.name!r} with "
            f"{m.hyperparameters} and {m.order} state(s)"
        )
    return m


# --------------------------------------------------------------------------
# Exact polynomials and where they coincide
# --------------------------------------------------------------------------

_shifted = sp.Symbol("lambda_s", real=True)  # the curvature heavy ball would need


def _wd_symbol(m: Method) -> sp.Symbol:
    return symbolic.hyperparameter_symbols(m)["weight_decay"]


class WeightDecayPolynomials(NamedTuple):
    """The characteristic polynomials of the two rules side by side.

    Attributes
    ----------
    coupled : sympy.Expr
        :math:`\\det(zI - A)` of :func:`heavy_ball_l2`, collected in ``z``.
    decoupled : sympy.Expr
        The same for :func:`sgdw`.
    heavy_ball : sympy.Expr
        Heavy ball's polynomial with ``lambda -> lambda + weight_decay``.
    coupled_is_shifted_heavy_ball : bool
        Whether ``coupled - heavy_ball`` expands to zero (it does).
    difference : sympy.Expr
        ``decoupled - coupled``, factored: the whole difference between the rules.

    See Also
    --------
    weight_decay_polynomials : the function that returns it.

    Examples
    --------
    >>> weight_decay_polynomials().coupled
    beta + z**2 + z*(alpha*lambda + alpha*weight_decay - beta - 1)
    """

    coupled: sp.Expr
    decoupled: sp.Expr
    heavy_ball: sp.Expr
    coupled_is_shifted_heavy_ball: bool
    difference: sp.Expr


@cache
def weight_decay_polynomials() -> WeightDecayPolynomials:
    """Exact characteristic polynomials of coupled L2 and SGDW, from their update rules.

    Returns
    -------
    WeightDecayPolynomials
        Both polynomials, heavy ball's on the shifted curvature ``lambda + wd``,
        whether coupled L2 equals it, and ``decoupled - coupled``.

    See Also
    --------
    curvature_shift : when SGDW is a curvature shift of heavy ball.
    decoupled_decay_poles : the poles of SGDW and the "extra pole" claim.
    momentum_dynamics.symbolic.characteristic_polynomial

    Examples
    --------
    >>> p = weight_decay_polynomials()
    >>> p.decoupled
    -alpha*beta*weight_decay + beta + z**2 + z*(alpha*lambda + alpha*weight_decay - beta - 1)
    >>> p.coupled_is_shifted_heavy_ball
    True
    >>> p.difference
    -alpha*beta*weight_decay
    """
    c = symbolic.model(WEIGHT_DECAY_METHODS["heavy_ball_l2"])
    d = symbolic.model(WEIGHT_DECAY_METHODS["sgdw"])
    wd = _wd_symbol(c.method)
    hb = symbolic.characteristic_polynomial("heavy_ball").subs(
        symbolic.curvature, symbolic.curvature + wd)
    same = sp.expand(c.charpoly.as_expr() - hb) == 0
    diff = sp.factor(sp.expand(d.charpoly.as_expr() - c.charpoly.as_expr()))
    return WeightDecayPolynomials(c.characteristic_polynomial, d.characteristic_polynomial,
                                  sp.collect(sp.expand(hb), symbolic.z), bool(same), diff)


class CurvatureShift(NamedTuple):
    """When a rule's polynomial equals heavy ball's at some curvature ``lambda_s``.

    Attributes
    ----------
    method : str
        ``"heavy_ball_l2"`` or ``"sgdw"``.
    equations : tuple of sympy.Expr
        Coefficient of ``z**k`` of the rule minus heavy ball's at ``lambda_s``, each
        required to vanish.
    shifted_curvature : sympy.Expr
        The ``lambda_s`` the ``z`` coefficient forces.
    condition : sympy.Expr
        What remains (must vanish) once ``lambda_s`` is substituted: ``0`` when the
        rule is a shift for every parameter, factored otherwise.

    See Also
    --------
    curvature_shift : the function that returns it.

    Examples
    --------
    >>> curvature_shift("heavy_ball_l2").shifted_curvature
    lambda + weight_decay
    """

    method: str
    equations: tuple
    shifted_curvature: sp.Expr
    condition: sp.Expr


@cache
def _curvature_shift(name: str) -> CurvatureShift:
    m = WEIGHT_DECAY_METHODS[name]
    z = symbolic.z
    mine = sp.Poly(symbolic.model(m).charpoly.as_expr(), z)
    hb = sp.Poly(symbolic.characteristic_polynomial("heavy_ball").subs(
        symbolic.curvature, _shifted), z)
    eqs = tuple(sp.expand(a - b) for a, b in zip(mine.all_coeffs(), hb.all_coeffs(),
                                                  strict=True))
    # Heavy ball's z coefficient is the only one holding lambda: it fixes lambda_s.
    (lam_s,) = sp.solve(eqs[1], _shifted)
    rest = [sp.factor(e.subs(_shifted, lam_s)) for e in eqs if e != eqs[1]]
    rest = [e for e in rest if e != 0]
    condition = sp.Integer(0) if not rest else sp.factor(sp.Add(*[e**2 for e in rest])
                                                         if len(rest) > 1 else rest[0])
    return CurvatureShift(name, eqs, sp.expand(lam_s), condition)


def curvature_shift(method: str | Method = "sgdw") -> CurvatureShift:
    """Equate a rule's polynomial with heavy ball's at an unknown curvature ``lambda_s``.

    The ``z`` coefficient fixes ``lambda_s``; the constant term then says whether the
    rule is heavy ball on a shifted curvature. For coupled L2 it always is
    (``lambda_s = lambda + wd``); for SGDW only where ``alpha * beta * wd = 0``.

    Parameters
    ----------
    method : str or Method
        ``"heavy_ball_l2"`` or ``"sgdw"`` (or their Method objects).

    Returns
    -------
    CurvatureShift
        The coefficient equations, the forced ``lambda_s`` and the remaining condition.

    Raises
    ------
    ValueError
        For any other method.

    See Also
    --------
    weight_decay_polynomials

    Examples
    --------
    >>> s = curvature_shift("sgdw")
    >>> s.shifted_curvature, s.condition
    (lambda + weight_decay, -alpha*beta*weight_decay)
    >>> curvature_shift("heavy_ball_l2").condition
    0
    """
    m = _resolve(method)
    if m not in WEIGHT_DECAY_METHODS.values():
        raise ValueError(f"method must be 'heavy_ball_l2' or 'sgdw'; got {m.name!r}")
    return _curvature_shift(m.name)


class DecoupledDecayPoles(NamedTuple):
    """SGDW's poles and the exact form of the "extra, always stable pole" claim.

    Attributes
    ----------
    order : int
        Number of poles of SGDW (that of heavy ball: no extra pole).
    poles_at_zero_curvature : tuple of sympy.Expr
        The poles at ``lambda = 0``: ``beta`` and ``1 - alpha*wd``.
    stable_at_zero_curvature : sympy.Boolean
        Jury's conditions at ``lambda = 0`` (from the core).
    beta_independent_pole : sympy.Expr
        The only candidate for a pole that does not depend on ``beta``: the common
        root of the two coefficients of the polynomial, which is linear in ``beta``.
    beta_independent_condition : sympy.Expr
        Factored expression that must vanish for that candidate to be a pole.
    verdict : str
        The exact statement.

    See Also
    --------
    decoupled_decay_poles : the function that returns it.

    Examples
    --------
    >>> decoupled_decay_poles().stable_at_zero_curvature  # doctest: +NORMALIZE_WHITESPACE
    (-alpha*weight_decay*(beta - 1) > 0) & (-alpha*beta*weight_decay + beta + 1 > 0) &
    (alpha*beta*weight_decay - beta + 1 > 0) & (-(beta + 1)*(alpha*weight_decay - 2) > 0)
    """

    order: int
    poles_at_zero_curvature: tuple
    stable_at_zero_curvature: sp.Basic
    beta_independent_pole: sp.Expr
    beta_independent_condition: sp.Expr
    verdict: str


def decoupled_decay_poles(method: str | Method = "sgdw") -> DecoupledDecayPoles:
    """Test the claim that decoupled decay "adds an extra, always stable pole
    independent of momentum", from a rule's polynomial (SGDW by default).

    The polynomial is linear in ``beta``: ``p = p0(z) + beta * p1(z)``. A pole is
    independent of ``beta`` exactly where ``p0`` and ``p1`` share a root; SymPy solves
    that system: the root of ``p1`` and the condition that ``p0`` vanishes there.

    Parameters
    ----------
    method : str or Method
        ``"sgdw"`` (default) or any two-state Method with hyper-parameters ``beta`` and
        ``weight_decay`` whose polynomial is linear in ``beta`` (e.g. frozen AdamW,
        :func:`momentum_dynamics.applications.adaptive.frozen_adamw_poles`).

    Returns
    -------
    DecoupledDecayPoles
        Order, poles and stability at ``lambda = 0``, the ``beta``-independent poles
        and the verdict.

    Raises
    ------
    ValueError
        For a method without ``beta`` and ``weight_decay``, with more than two states,
        or whose polynomial is not linear in ``beta``.

    See Also
    --------
    weight_decay_polynomials, stable_step_interval

    Examples
    --------
    >>> r = decoupled_decay_poles()
    >>> r.order, r.poles_at_zero_curvature
    (2, (beta, -alpha*weight_decay + 1))
    >>> r.beta_independent_pole, r.beta_independent_condition
    (-alpha*weight_decay + 1, -alpha*lambda*(alpha*weight_decay - 1))
    """
    if isinstance(method, str) and method in WEIGHT_DECAY_METHODS:
        m = WEIGHT_DECAY_METHODS[method]
    else:
        m = get_method(method)
    if not {"beta", "weight_decay"} <= set(m.hyperparameters) or m.order != 2:
        raise ValueError(
            f"method must be a two-state method with hyper-parameters 'beta' and "
            f"'weight_decay' (e.g. 'sgdw'); got {m.name!r} with {m.hyperparameters} and "
            f"{m.order} state(s)")
    return _decay_poles(m)


@cache
def _decay_poles(m: Method) -> DecoupledDecayPoles:
    mod = symbolic.model(m)
    z, lam, b = symbolic.z, symbolic.curvature, symbolic.beta
    p = sp.expand(mod.charpoly.as_expr())
    if sp.degree(p, b) != 1:
        raise ValueError(f"the polynomial of {m.name!r} is not linear in beta: {p}")
    at0 = sp.factor(p.subs(lam, 0))
    roots = tuple(sp.roots(sp.Poly(at0, z)))
    # beta first, then the decay pole, for a stable display order.
    roots = tuple(sorted(roots, key=lambda r: (not r.has(b), sp.default_sort_key(r))))
    stable0 = sp.And(*[sp.factor(r.lhs - r.rhs) > 0 for r in
                       symbolic.stability_conditions(mod.method).subs(lam, 0).args])
    p0, p1 = p.coeff(b, 0), p.coeff(b, 1)
    # p1 is linear in z, so its root is the only candidate for a common root.
    (common,) = sp.solve(p1, z)
    condition = sp.factor(p0.subs(z, common))
    if m == WEIGHT_DECAY_METHODS["sgdw"]:
        verdict = _SGDW_VERDICT
    else:
        verdict = (f"{m.name} has {mod.order} poles; at lambda = 0 they are {roots}. A pole "
                   f"independent of beta is {common}, where {condition} = 0.")
    return DecoupledDecayPoles(mod.order, roots, stable0, common, condition, verdict)


_SGDW_VERDICT = (
    "Only in flat directions. SGDW has two poles, like heavy ball (no extra pole): "
    "z**2 - (1 + beta - alpha*lambda - alpha*wd) z + beta (1 - alpha*wd). At "
    "lambda = 0 they are beta and 1 - alpha*wd; the decay pole is independent of "
    "beta and inside the unit circle iff 0 < alpha*wd < 2, so for |beta| < 1 and "
    "0 < alpha*wd < 2 the flat directions are stable. For lambda != 0 a pole "
    "independent of beta exists only at alpha*wd = 1 (the pole z = 0); otherwise "
    "decay and momentum mix and stability needs "
    "-(1 - beta) alpha*wd < alpha*lambda < (1 + beta)(2 - alpha*wd) (with "
    "|beta (1 - alpha*wd)| < 1), a bound smaller by beta*alpha*wd than coupled "
    "L2's alpha*lambda < 2 (1 + beta) - alpha*wd. The pole product beta (1 - alpha*wd) "
    "also keeps SGDW stable at beta = 1 for 0 < alpha*lambda < 2 (2 - alpha*wd)."
)


def weight_decay_stability_conditions() -> dict[str, sp.Basic]:
    """Exact stability conditions (Jury) of both rules, from the symbolic core.

    Returns
    -------
    dict of str to sympy.Boolean
        ``"heavy_ball_l2"`` and ``"sgdw"`` to their conditions for both poles strictly
        inside the unit circle.

    See Also
    --------
    momentum_dynamics.symbolic.stability_conditions, stable_step_interval

    Examples
    --------
    >>> weight_decay_stability_conditions()["heavy_ball_l2"]  # doctest: +NORMALIZE_WHITESPACE
    (beta + 1 > 0) & (alpha*(lambda + weight_decay) > 0) & (1 - beta > 0) &
    (-alpha*lambda - alpha*weight_decay + 2*beta + 2 > 0)
    """
    return {n: symbolic.stability_conditions(m) for n, m in WEIGHT_DECAY_METHODS.items()}


# --------------------------------------------------------------------------
# Numeric stability boundaries in h = alpha*lambda at fixed d = alpha*wd
# --------------------------------------------------------------------------

_h = sp.Symbol("h", real=True)  # alpha * lambda
_d = sp.Symbol("d", real=True)  # alpha * weight_decay


@cache
def _interval_kernel(m: Method):
    """Each Jury condition as c0(beta, d) + c1(beta, d) * h > 0, compiled."""
    a = symbolic.alpha
    wd = _wd_symbol(m)
    cond = symbolic.stability_conditions(m)
    parts = []
    for rel in (cond.args if isinstance(cond, sp.And) else (cond,)):
        e = sp.expand((rel.lhs - rel.rhs).subs({symbolic.curvature: _h / a, wd: _d / a}))
        # The rules see lambda and wd only through alpha*lambda and alpha*wd; a leftover
        # alpha would mean a rule outside this module's scope.
        if e.has(a) or sp.degree(e, _h) > 1:
            raise ValueError(
                f"the stability conditions of {m.name!r} are not linear in alpha*lambda "
                "and alpha*weight_decay; no interval in alpha*lambda")
        parts.append((e.coeff(_h, 0), e.coeff(_h, 1)))
    return compile_numpy((symbolic.beta, _d), [list(p) for p in parts])


class StableStepInterval(NamedTuple):
    """The open interval of ``alpha * lambda`` for which a rule is stable.

    Attributes
    ----------
    lower, upper : float or ndarray
        Its ends (the suprema, not attained); NaN where no ``alpha*lambda`` is stable.

    See Also
    --------
    stable_step_interval : the function that returns it.

    Examples
    --------
    >>> stable_step_interval("sgdw", beta=0.0, alpha_weight_decay=0.5).upper
    1.5
    """

    lower: float | np.ndarray
    upper: float | np.ndarray


def stable_step_interval(method: str | Method, beta, alpha_weight_decay) -> StableStepInterval:
    """The stable ``alpha * lambda`` interval for given momentum and ``alpha * wd``.

    Read off the core's exact stability conditions, each linear in ``h = alpha*lambda``
    once ``lambda = h/alpha`` and ``wd = d/alpha`` are substituted: every condition
    ``c0 + c1 h > 0`` bounds ``h`` from below (``c1 > 0``) or above (``c1 < 0``).
    Vectorised over ``beta`` and ``alpha_weight_decay``.

    Parameters
    ----------
    method : str or Method
        ``"heavy_ball_l2"`` or ``"sgdw"`` (registered or not), or a two-state Method
        with hyper-parameters ``("alpha", "beta", "weight_decay")``.
    beta : array_like
        Momentum, in [-1, 1].
    alpha_weight_decay : array_like
        ``d = alpha * weight_decay``, >= 0.

    Returns
    -------
    StableStepInterval
        ``lower`` and ``upper`` ends of the open interval, broadcast shape; NaN where
        no ``alpha*lambda`` is stable (e.g. coupled L2 at ``beta = 1``).

    Raises
    ------
    ValueError, TypeError
        For a method outside the scope, ``beta`` outside [-1, 1], a negative decay,
        NaN, strings or shapes that do not broadcast.

    See Also
    --------
    max_stable_step : the upper end alone.
    weight_decay_stability_conditions : the exact conditions.

    Examples
    --------
    >>> stable_step_interval("heavy_ball_l2", beta=0.5, alpha_weight_decay=0.1)
    StableStepInterval(lower=-0.1, upper=2.9)
    >>> stable_step_interval("sgdw", beta=0.5, alpha_weight_decay=0.1)
    StableStepInterval(lower=-0.05, upper=2.85)
    """
    m = _resolve(method)
    b = as_real_array(beta, "beta")
    bad = (b < -1) | (b > 1)
    if np.any(bad):
        raise ValueError(f"beta (the momentum) must lie in [-1, 1]; got {beta!r}")
    d = check_nonnegative(alpha_weight_decay, "alpha_weight_decay")
    shape = broadcast((b, "beta"), (d, "alpha_weight_decay"))
    b, d = np.broadcast_to(b, shape), np.broadcast_to(d, shape)
    lo = np.full(shape, -np.inf)
    hi = np.full(shape, np.inf)
    ok = np.ones(shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for c0, c1 in _interval_kernel(m)(b, d):
            c0 = np.broadcast_to(np.asarray(c0, dtype=float), shape)
            c1 = np.broadcast_to(np.asarray(c1, dtype=float), shape)
            root = -c0 / c1
            lo = np.where(c1 > 0, np.maximum(lo, root), lo)
            hi = np.where(c1 < 0, np.minimum(hi, root), hi)
            ok &= (c1 != 0) | (c0 > 0)
    ok &= lo < hi
    return StableStepInterval(to_output(np.where(ok, lo, np.nan)),
                              to_output(np.where(ok, hi, np.nan)))


def max_stable_step(method: str | Method, beta, alpha_weight_decay):
    """Largest stable ``alpha * lambda`` (the supremum) for given ``beta`` and ``alpha*wd``.

    Parameters
    ----------
    method, beta, alpha_weight_decay
        As in :func:`stable_step_interval`.

    Returns
    -------
    float or ndarray
        The upper end of :func:`stable_step_interval`; NaN where nothing is stable.

    See Also
    --------
    stable_step_interval

    Examples
    --------
    At equal ``alpha*wd`` SGDW's bound is lower by ``beta * alpha * wd``:

    >>> max_stable_step("heavy_ball_l2", [0.0, 0.9], 0.5)
    array([1.5, 3.3])
    >>> max_stable_step("sgdw", [0.0, 0.9], 0.5)
    array([1.5 , 2.85])
    """
    return stable_step_interval(method, beta, alpha_weight_decay).upper


# --------------------------------------------------------------------------
# How the decay moves the critical momentum and the tuned rate
# --------------------------------------------------------------------------


class WeightDecayCriticalBeta(NamedTuple):
    """Critically damping momentum of the two rules, from the symbolic core.

    Attributes
    ----------
    coupled : sympy.Expr
        :func:`momentum_dynamics.symbolic.critical_beta` of :func:`heavy_ball_l2`.
    decoupled : sympy.Expr
        The same for :func:`sgdw`.
    coupled_double_pole, decoupled_double_pole : sympy.Expr
        The double pole each gives.
    coupled_is_shifted_heavy_ball : bool
        Whether ``coupled`` equals heavy ball's critical beta at ``lambda + wd``.

    See Also
    --------
    weight_decay_critical_beta : the function that returns it.

    Examples
    --------
    >>> weight_decay_critical_beta().coupled_is_shifted_heavy_ball
    True
    """

    coupled: sp.Expr
    decoupled: sp.Expr
    coupled_double_pole: sp.Expr
    decoupled_double_pole: sp.Expr
    coupled_is_shifted_heavy_ball: bool


@cache
def weight_decay_critical_beta() -> WeightDecayCriticalBeta:
    """How weight decay moves the critical momentum, derived from the two rules.

    Coupled L2 critically damps at heavy ball's :math:`(1 - \\sqrt{\\alpha(\\lambda +
    \\mathrm{wd})})^2`: the decay is a larger curvature, so less momentum is needed.
    SGDW's critical momentum is
    :math:`(\\sqrt{1 - \\alpha\\mathrm{wd}} - \\sqrt{\\alpha\\lambda})^2`, with double
    pole :math:`\\sqrt{1 - \\alpha\\mathrm{wd}}\\,
    (\\sqrt{1 - \\alpha\\mathrm{wd}} - \\sqrt{\\alpha\\lambda})`
    (the forms the core returns, printed expanded).

    Returns
    -------
    WeightDecayCriticalBeta
        Both critical momenta, their double poles and whether the coupled one is
        heavy ball's on the shifted curvature.

    See Also
    --------
    momentum_dynamics.symbolic.critical_beta, weight_decay_tuning

    Examples
    --------
    >>> c = weight_decay_critical_beta()
    >>> c.coupled
    alpha*lambda + alpha*weight_decay - 2*sqrt(alpha*lambda + alpha*weight_decay) + 1
    >>> c.decoupled  # doctest: +NORMALIZE_WHITESPACE
    -2*sqrt(alpha)*sqrt(lambda)*sqrt(-alpha*weight_decay + 1)
    + alpha*lambda - alpha*weight_decay + 1
    """
    c = symbolic.critical_beta(WEIGHT_DECAY_METHODS["heavy_ball_l2"])
    d = symbolic.critical_beta(WEIGHT_DECAY_METHODS["sgdw"])
    wd = _wd_symbol(WEIGHT_DECAY_METHODS["sgdw"])
    hb = symbolic.critical_beta("heavy_ball").stable.subs(
        symbolic.curvature, symbolic.curvature + wd)
    same = sp.simplify(c.stable - hb) == 0
    return WeightDecayCriticalBeta(c.stable, d.stable, c.double_pole, d.double_pole,
                                   bool(same))


class WeightDecayTuning(NamedTuple):
    """Tuned ``(alpha, beta, rate)`` over ``[mu, L]`` without decay, with L2 and SGDW.

    Attributes
    ----------
    heavy_ball, coupled, decoupled : momentum_dynamics.numeric.OptimalParameters
        Heavy ball without decay, :func:`heavy_ball_l2` and :func:`sgdw` at the given
        ``weight_decay``. Rates are towards each rule's own fixed point (the
        regularised minimiser), not the unregularised one.

    See Also
    --------
    weight_decay_tuning : the function that returns it.

    Examples
    --------
    >>> t = weight_decay_tuning(0.01, 1.0, 0.0)
    >>> round(t.coupled.rate - t.heavy_ball.rate, 12)
    0.0
    """

    # Spelled out: the name is exported twice (package and numeric), which Sphinx cannot
    # resolve from the short form.
    heavy_ball: momentum_dynamics.numeric.OptimalParameters
    coupled: momentum_dynamics.numeric.OptimalParameters
    decoupled: momentum_dynamics.numeric.OptimalParameters


def weight_decay_tuning(mu, L, weight_decay) -> WeightDecayTuning:
    """Tuned worst-case rates with coupled L2 and decoupled decay at fixed ``wd``.

    Coupled L2 is heavy ball on ``[mu + wd, L + wd]`` (:func:`curvature_shift`), so its
    tuning is Polyak's closed form (from the core) on the shifted spectrum: the
    condition number falls to ``(L + wd)/(mu + wd)``. SGDW is no shift; it is tuned by
    the core's numeric minimax search (:func:`momentum_dynamics.optimal_parameters`,
    ``alpha`` and ``beta`` free, ``wd`` fixed, so ``alpha*wd`` moves with ``alpha``).

    Parameters
    ----------
    mu, L : float
        Curvature bounds of the loss, ``0 < mu <= L``.
    weight_decay : float
        ``wd >= 0``.

    Returns
    -------
    WeightDecayTuning

    Raises
    ------
    ValueError, TypeError
        For bad bounds, a negative or non-scalar decay.

    See Also
    --------
    weight_decay_critical_beta, max_stable_step

    Examples
    --------
    >>> t = weight_decay_tuning(0.01, 1.0, 0.1)
    >>> round(float(t.heavy_ball.rate), 4), round(float(t.coupled.rate), 4)
    (0.8182, 0.5195)
    """
    from .._validation import check_scalar, check_spectrum

    mu_a, L_a = check_spectrum(mu, L)
    mu_f, L_f = check_scalar(mu_a, "mu"), check_scalar(L_a, "L")
    wd = float(check_nonnegative(check_scalar(weight_decay, "weight_decay"), "weight_decay"))
    shift = curvature_shift("heavy_ball_l2").shifted_curvature
    lam, wd_sym = symbolic.curvature, _wd_symbol(WEIGHT_DECAY_METHODS["heavy_ball_l2"])
    lo, hi = (float(shift.subs({lam: v, wd_sym: wd})) for v in (mu_f, L_f))
    hb = optimal_parameters("heavy_ball", mu_f, L_f)
    coupled = optimal_parameters("heavy_ball", lo, hi)
    decoupled = optimal_parameters(WEIGHT_DECAY_METHODS["sgdw"], mu_f, L_f, weight_decay=wd)
    return WeightDecayTuning(hb, coupled, decoupled)

"""Exact SymPy models derived from a method's update rule.

Every result here is *derived*, never typed in: the update rule of
:mod:`momentum_dynamics.methods` is called with SymPy symbols and the linear
gradient oracle of the quadratic :math:`f(x) = \\lambda x^2/2` with additive noise,

.. math:: \\nabla f(x) = \\lambda x + \\xi,

and the state-space matrices are read off as Jacobians of the new state:
:math:`A = \\partial s_t/\\partial s_{t-1}`, :math:`B = \\partial s_t / \\partial \\xi`.
Characteristic polynomials, discriminants, poles, Schur stability conditions,
critically damped momentum, effective learning rates and optimal tuning all
follow from :math:`A`.

Symbols and assumptions: ``alpha`` (learning rate, positive), ``beta`` (momentum,
real), ``lambda`` (curvature, real; the polynomial identities also hold for complex
curvature), ``z`` (z-transform variable), ``mu`` and ``L`` (positive spectrum
bounds), ``kappa`` (positive condition number). Extra hyper-parameters of a
registered method (e.g. ``nu``) become real symbols of the same name.

All derivations are cached per method: the second call returns at once. In a
notebook the result records (:class:`CriticalBeta`, :class:`StateSpaceModel`, ...)
display as LaTeX, one row per field typeset by :func:`sympy.latex`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, cached_property
from typing import NamedTuple

import sympy as sp
from sympy.logic.boolalg import Boolean

from ._display import latex_record
from ._docstrings import fill_doc, optimal_fields
from .methods import Method, get_method

__all__ = [
    "alpha",
    "beta",
    "curvature",
    "z",
    "xi",
    "mu",
    "L",
    "kappa",
    "gradient",
    "hyperparameter_symbols",
    "sqrt_h",
    "to_sqrt_h",
    "from_sqrt_h",
    "leading_order",
    "MAX_CLOSED_FORM_DEGREE",
    "SymbolicModel",
    "model",
    "CriticalBranch",
    "CriticalBranches",
    "StableBranch",
    "StateSpaceModel",
    "state_space",
    "transfer_function",
    "characteristic_polynomial",
    "discriminant",
    "poles",
    "stability_conditions",
    "CriticalBeta",
    "critical_beta",
    "terminal_velocity",
    "effective_learning_rate",
    "SymbolicOptimalParameters",
    "optimal_parameters",
    "tuned_rate",
    "rate_approximation",
    "sigma",
    "stationary_covariance",
    "singular_value",
    "game_a",
    "game_c",
    "game_symbols",
    "game_noise_symbols",
]

alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", real=True)
curvature = sp.Symbol("lambda", real=True)
z = sp.Symbol("z")
xi = sp.Symbol("xi", real=True)
mu = sp.Symbol("mu", positive=True)
L = sp.Symbol("L", positive=True)
kappa = sp.Symbol("kappa", positive=True)
gradient = sp.Symbol("g", real=True)
sigma = sp.Symbol("sigma", positive=True)  # standard deviation of the gradient noise
# The quadratic game f(x, y) = a x**2/2 + sigma x y - c y**2/2 (per singular value sigma
# of the coupling of x^T A y); a separate symbol from the noise level above.
singular_value = sp.Symbol("sigma", nonnegative=True)
game_a = sp.Symbol("a", real=True)
game_c = sp.Symbol("c", real=True)


@fill_doc()
def hyperparameter_symbols(method: str | Method) -> dict[str, sp.Symbol]:
    """The SymPy symbol used for each hyper-parameter of a method.

    ``alpha`` and ``beta`` are the module's :data:`alpha` (positive) and :data:`beta`
    (real); any other hyper-parameter (e.g. QHM's ``nu``) is a real symbol of its name.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    dict of str to Symbol
        Hyper-parameter name -> symbol, in the method's declared order.

    See Also
    --------
    SymbolicModel.parameters : the same mapping read from a model.

    Examples
    --------
    >>> hyperparameter_symbols("heavy_ball")
    {'alpha': alpha, 'beta': beta}
    >>> hyperparameter_symbols("gd")["alpha"] is alpha
    True
    """
    m = get_method(method)
    known = {"alpha": alpha, "beta": beta}
    return {h: known.get(h, sp.Symbol(h, real=True)) for h in m.hyperparameters}


def _require_polynomial(expr, what: str, method: Method):
    if not isinstance(expr, sp.Expr):
        raise TypeError(
            f"the update rule of {method.name!r} returned {type(expr).__name__} for {what}; "
            "it must use plain arithmetic so that it also works on SymPy symbols"
        )
    return expr


def game_symbols() -> dict[str, sp.Symbol]:
    """The symbols of the quadratic game on which a game rule is linearised.

    .. math:: f(x, y) = \\tfrac{a}{2} x^2 + \\sigma x y - \\tfrac{c}{2} y^2,
              \\qquad \\nabla_x f = a x + \\sigma y, \\quad \\nabla_y f = \\sigma x - c y,

    the game :math:`x^\\top A y` (plus self-curvature) along one singular value
    :math:`\\sigma \\ge 0` of :math:`A`; ``x`` minimises, ``y`` maximises.

    Returns
    -------
    dict of str to Symbol
        ``{"sigma": singular_value, "a": game_a, "c": game_c}``; ``sigma`` is
        non-negative, ``a`` and ``c`` real (0 for the bilinear game).

    See Also
    --------
    game_noise_symbols : the noise input of each player.
    model : the linearisation of a game rule.

    Examples
    --------
    >>> game_symbols()
    {'sigma': sigma, 'a': a, 'c': c}
    """
    return {"sigma": singular_value, "a": game_a, "c": game_c}


@fill_doc()
def game_noise_symbols(method: str | Method) -> tuple[sp.Symbol, ...]:
    """The gradient-noise symbols of a game rule, one per player (``xi_x``, ``xi_y``).

    Parameters
    ----------
    %(method)s

    Returns
    -------
    tuple of Symbol
        One real symbol per player, in the order of the oracles: the columns of
        the model's ``B``.

    Raises
    ------
    ValueError
        For a one-player rule (its noise is :data:`xi`).

    See Also
    --------
    game_symbols : the game's parameters.

    Examples
    --------
    >>> game_noise_symbols("gda_alternating")
    (xi_x, xi_y)
    """
    m = get_method(method)
    if not m.is_game:
        raise ValueError(f"method {m.name!r} has one gradient oracle; its noise symbol is xi, "
                         "game_noise_symbols is for game rules (grad_x, grad_y)")
    return tuple(sp.Symbol(f"xi_{p}", real=True) for p in m.players)


def _game_oracles(method: Method, noise: tuple[sp.Symbol, ...]) -> tuple:
    """The linear oracles of the quadratic game, each taking the joint point (x, y)."""
    if len(method.players) != 2:
        raise ValueError(
            f"the quadratic game is defined for two players; {method.name!r} has "
            f"{len(method.players)} ({list(method.players)})"
        )
    nx, ny = noise

    def grad_x(x, y):
        return game_a * x + singular_value * y + nx

    def grad_y(x, y):
        return singular_value * x - game_c * y + ny

    return grad_x, grad_y


@cache
def _linearise(method: Method) -> tuple[tuple[sp.Symbol, ...], sp.ImmutableMatrix,
                                         sp.ImmutableMatrix, tuple[sp.Expr, ...]]:
    state = tuple(sp.Symbol(f"{n}_prev") for n in method.state)
    params = hyperparameter_symbols(method)
    if method.is_game:
        noise = game_noise_symbols(method)
        oracle = _game_oracles(method, noise)
    else:
        noise = (xi,)
        oracle = lambda x: curvature * x + xi  # noqa: E731 - the quadratic's gradient
    try:
        new = method.step(state, oracle, **params)
    except Exception as exc:  # noqa: BLE001 - a user rule that cannot take symbols
        raise TypeError(
            f"the update rule of {method.name!r} could not be evaluated on SymPy symbols "
            f"({type(exc).__name__}: {exc}); write it with plain arithmetic"
        ) from exc
    new = tuple(sp.expand(_require_polynomial(sp.sympify(e), n, method))
                for e, n in zip(new, method.state, strict=True))
    M = sp.Matrix(new)
    A = M.jacobian(state)
    B = M.jacobian(list(noise))
    residual = sp.expand(M - A * sp.Matrix(state) - B * sp.Matrix(noise))
    if residual != sp.zeros(len(state), 1) or any(
        e.has(*state, *noise) for e in list(A) + list(B)
    ):
        seen = sorted(str(s) for s in sp.Matrix.hstack(A, B).free_symbols & {*state, xi})
        raise ValueError(
            f"the update rule of {method.name!r} is not linear in its state and gradient "
            "on a quadratic" + (f" (its Jacobian depends on {', '.join(seen)})" if seen else "")
            + "; it has no state-space model. "
            + getattr(method.update, "linear_model_hint", "")
        )
    return state, sp.ImmutableMatrix(A), sp.ImmutableMatrix(B), new


class StateSpaceModel(NamedTuple):
    """Discrete-time model :math:`s[k+1] = A s[k] + B \\xi[k]`, :math:`x[k] = C s[k] + D \\xi[k]`.

    This is python-control's convention (``dt=True``): :math:`\\xi[k]` is the noise of
    the gradient evaluated from state :math:`s[k]`, i.e. during the step that makes
    :math:`s[k+1]`; the output is the current iterate, so :math:`D = 0` and the
    transfer function has a one-step delay.

    Attributes
    ----------
    A : ImmutableMatrix
        State matrix, ``order x order``, :math:`\\partial s[k+1] / \\partial s[k]`.
    B : ImmutableMatrix
        Noise input matrix, ``order x 1``, :math:`\\partial s[k+1] / \\partial \\xi[k]`
        (``order x 2`` for a game rule: one column per player's noise, see
        :func:`game_noise_symbols`).
    C : ImmutableMatrix
        Output matrix, ``1 x order``, selecting the iterate (one row per player's
        iterate for a game rule).
    D : ImmutableMatrix
        Feed-through, zero, ``C.rows x B.cols``.

    See Also
    --------
    state_space : the function that returns it.
    momentum_dynamics.lti.to_statespace : the python-control system at numbers.

    Examples
    --------
    >>> ss = state_space("gd")
    >>> ss.A, ss.B, ss.C, ss.D
    (Matrix([[-alpha*lambda + 1]]), Matrix([[-alpha]]), Matrix([[1]]), Matrix([[0]]))
    """

    A: sp.ImmutableMatrix
    B: sp.ImmutableMatrix
    C: sp.ImmutableMatrix
    D: sp.ImmutableMatrix

    _repr_latex_ = latex_record


# --------------------------------------------------------------------------
# The change of variable s = sqrt(alpha*lambda)
# --------------------------------------------------------------------------

#: :math:`s = \\sqrt{\\alpha\\lambda} > 0`: critical momenta are rational in ``s`` where they
#: have square roots in ``alpha*lambda`` (heavy ball: :math:`\\beta_c = (1 - s)^2`).
sqrt_h = sp.Symbol("s", positive=True)


def _as_expression(expr, name: str = "expr") -> sp.Expr:
    """A SymPy expression (numbers allowed); strings are not parsed."""
    if isinstance(expr, (str, bool)) or expr is None:
        raise TypeError(f"{name} must be a SymPy expression or a number; got {expr!r}")
    try:
        out = sp.sympify(expr, strict=True)
    except (sp.SympifyError, TypeError):
        raise TypeError(
            f"{name} must be a SymPy expression or a number; got {type(expr).__name__}"
        ) from None
    if not isinstance(out, sp.Expr):
        raise TypeError(f"{name} must be a SymPy expression or a number; got {expr!r}")
    return out


def to_sqrt_h(expr: sp.Expr) -> sp.Expr:
    """Rewrite an expression in :data:`sqrt_h` (``lambda = s**2/alpha``), simplified.

    Parameters
    ----------
    expr : Expr
        An expression in ``alpha``, ``lambda`` and other symbols.

    Returns
    -------
    Expr
        The same quantity with ``alpha*lambda = s**2``, factored.

    See Also
    --------
    from_sqrt_h : the inverse substitution.

    Examples
    --------
    >>> to_sqrt_h(1 + beta - 2 * sp.sqrt(alpha * curvature))
    beta - 2*s + 1
    """
    expr = _as_expression(expr)
    return sp.factor(sp.simplify(expr.subs(curvature, sqrt_h**2 / alpha)))


def from_sqrt_h(expr: sp.Expr) -> sp.Expr:
    """Substitute :math:`s = \\sqrt{\\alpha\\lambda}` back into an expression in :data:`sqrt_h`.

    Parameters
    ----------
    expr : Expr
        An expression in :data:`sqrt_h` (and other symbols).

    Returns
    -------
    Expr
        The same quantity in ``alpha`` and ``lambda``.

    See Also
    --------
    to_sqrt_h : the forward substitution.

    Examples
    --------
    >>> from_sqrt_h((1 - sqrt_h)**2)
    (-sqrt(alpha)*sqrt(lambda) + 1)**2
    """
    return _as_expression(expr).subs(sqrt_h, sp.sqrt(alpha * curvature))


def leading_order(expr: sp.Expr, variable: sp.Symbol = sqrt_h) -> sp.Expr:
    """Constant term plus the first non-vanishing power of ``variable`` (series at 0).

    Used for the small-step (continuous-time) reading of a critical momentum and
    for the large-``kappa`` form of a tuned rate.

    Parameters
    ----------
    expr : Expr
        Analytic at ``variable = 0``.
    variable : Symbol
        Expansion variable (default :data:`sqrt_h`).

    Returns
    -------
    Expr
        ``c0 + c*variable**k``: the value at 0 and the lowest non-zero term.

    See Also
    --------
    to_sqrt_h : the variable in which the critical momenta are expanded.

    Examples
    --------
    >>> leading_order((1 - sqrt_h) / (1 + sqrt_h))
    1 - 2*s
    """
    expr = _as_expression(expr)
    if not isinstance(variable, sp.Symbol):
        raise TypeError(f"variable must be a SymPy Symbol; got {variable!r}")
    ser = sp.series(expr, variable, 0, 6).removeO()
    ser = sp.expand(ser)
    c0 = ser.subs(variable, 0)
    rest = sp.Poly(sp.expand(ser - c0), variable)
    terms = sorted(rest.terms(), key=lambda t: t[0][0])
    if not terms:
        return c0
    (k,), c = terms[0]
    return c0 + c * variable**k


# --------------------------------------------------------------------------
# The symbolic model of a method
# --------------------------------------------------------------------------

#: Largest degree in ``beta`` of a factor of the discriminant that is solved in closed
#: form; higher degrees have no useful radical form (and SymPy can take minutes).
MAX_CLOSED_FORM_DEGREE = 2


class CriticalBranch(NamedTuple):
    """One solution in ``beta`` of ``discriminant = 0``, in :data:`sqrt_h`.

    Attributes
    ----------
    beta : Expr
        The momentum, a function of :data:`sqrt_h` (and extra hyper-parameters).
    double_pole : Expr
        The double pole at that momentum.
    interval : Set or None
        The values of :data:`sqrt_h` where ``beta`` is real, in ``[-1, 1]`` and the
        double pole is stable; None when SymPy cannot reduce the conditions (e.g.
        when they depend on an extra hyper-parameter).
    stable : bool
        Whether the branch gives a stable double pole somewhere: ``interval`` is not
        empty or, when it is None, a probe point of a small grid of ``sqrt_h`` and
        extra hyper-parameters in (0, 1) shows one.

    See Also
    --------
    CriticalBranches : all of them.

    Examples
    --------
    >>> br = model("heavy_ball").critical.stable
    >>> br.beta, br.double_pole, br.interval, br.stable
    ((s - 1)**2, 1 - s, Interval.open(0, 2), True)
    """

    beta: sp.Expr
    double_pole: sp.Expr
    interval: sp.Set | None
    stable: bool

    _repr_latex_ = latex_record


class CriticalBranches(NamedTuple):
    """All real critical-damping branches of a method, and the default one.

    Attributes
    ----------
    branches : tuple of CriticalBranch
        Every real solution of ``discriminant = 0`` in ``beta``.
    stable_index : int
        The default branch: at the probe point ``alpha*lambda = 1/4`` (extra
        hyper-parameters 1/2) the real ``beta`` in [-1, 1] whose double pole has
        the smallest modulus.

    See Also
    --------
    SymbolicModel.critical : where they are read.
    critical_beta : the same in ``alpha`` and ``lambda``.

    Examples
    --------
    >>> c = model("nesterov").critical
    >>> [b.beta for b in c.branches], c.stable_index
    ([-(s + 1)/(s - 1), -(s - 1)/(s + 1)], 1)
    """

    branches: tuple[CriticalBranch, ...]
    stable_index: int

    _repr_latex_ = latex_record

    @property
    def stable(self) -> CriticalBranch:
        """The default branch ``branches[stable_index]``."""
        return self.branches[self.stable_index]


@dataclass(frozen=True, eq=False)
class SymbolicModel:
    """Everything derived from one method's update rule on the quadratic oracle.

    Obtain it with :func:`model` (cached per :class:`~momentum_dynamics.methods.Method`).
    The costly derivations (factored discriminant, critical branches, stability
    conditions) are computed on first access and then kept.

    Attributes
    ----------
    method : Method
        The method it was derived from.
    state : tuple of Symbol
        The state symbols (``x_prev``, ``v_prev``, ...), iterate first.
    new_state : tuple of Expr
        The update rule applied to ``state`` with gradient ``lambda*x + xi`` (for a
        game rule, the oracles of :func:`game_symbols`' quadratic game, with noise
        ``xi_x``, ``xi_y``).
    A, B, C, D : ImmutableMatrix
        :math:`s[k+1] = A s[k] + B\\xi[k]`, :math:`x[k] = C s[k] + D\\xi[k]`.
    charpoly : Poly
        :math:`\\det(zI - A)` as a polynomial in ``z``.

    See Also
    --------
    model : the function that returns it (cached).

    Examples
    --------
    >>> m = model("heavy_ball")
    >>> m.characteristic_polynomial
    beta + z**2 + z*(alpha*lambda - beta - 1)
    >>> m.discriminant
    alpha**2*lambda**2 - 2*alpha*beta*lambda - 2*alpha*lambda + beta**2 - 2*beta + 1
    >>> m.critical.stable.beta
    (s - 1)**2
    """

    method: Method
    state: tuple[sp.Symbol, ...]
    new_state: tuple[sp.Expr, ...]
    A: sp.ImmutableMatrix
    B: sp.ImmutableMatrix
    C: sp.ImmutableMatrix
    D: sp.ImmutableMatrix
    charpoly: sp.Poly

    @property
    def parameters(self) -> dict[str, sp.Symbol]:
        """The symbol of each hyper-parameter (see :func:`hyperparameter_symbols`)."""
        return hyperparameter_symbols(self.method)

    @cached_property
    def state_space(self) -> StateSpaceModel:
        """``(A, B, C, D)`` as a :class:`StateSpaceModel`."""
        return StateSpaceModel(self.A, self.B, self.C, self.D)

    @property
    def order(self) -> int:
        """Number of state variables (degree of the characteristic polynomial)."""
        return self.charpoly.degree()

    @cached_property
    def characteristic_polynomial(self) -> sp.Expr:
        """:math:`\\det(zI - A)` as an expression collected in powers of ``z``."""
        return sp.collect(self.charpoly.as_expr(), z)

    @cached_property
    def discriminant(self) -> sp.Expr:
        """Discriminant of :attr:`charpoly` in ``z``, factored."""
        return sp.factor(sp.discriminant(self.charpoly))

    @cached_property
    def discriminant_in_beta(self) -> sp.Poly:
        """The factors of the discriminant's numerator that contain ``beta``, as a
        polynomial in ``beta`` (coefficients in ``alpha``, ``lambda`` and extra
        hyper-parameters). Its real roots are the critical momenta. Requires a
        method with momentum."""
        self._require_momentum()
        num = sp.numer(sp.together(self.discriminant))
        _, factors = sp.factor_list(num)
        keep = [f**k for f, k in factors if f.has(beta)]
        if not keep:
            raise ValueError(
                f"the discriminant of {self.method.name!r} does not depend on beta; "
                "no momentum makes the poles coincide"
            )
        return sp.Poly(sp.expand(sp.Mul(*keep)), beta)

    @cached_property
    def critical_closed_form(self) -> bool:
        """Whether :attr:`critical` is available: a two-state method whose
        discriminant factors have degree at most :data:`MAX_CLOSED_FORM_DEGREE` in
        ``beta``. Otherwise use the numeric
        :func:`momentum_dynamics.critical_beta`, which solves the discriminant per
        parameter point."""
        if not self.method.has_momentum or self.order != 2:
            return False
        _, factors = sp.factor_list(self.discriminant_in_beta.as_expr())
        return all(sp.degree(f, beta) <= MAX_CLOSED_FORM_DEGREE for f, _ in factors)

    def _require_momentum(self) -> None:
        if not self.method.has_momentum:
            raise ValueError(
                f"method {self.method.name!r} has no momentum parameter beta; critical "
                "damping is defined for methods with one"
            )

    @cached_property
    def critical(self) -> CriticalBranches:
        """Critical-damping branches in :data:`sqrt_h` (see :class:`CriticalBranches`).

        Raises
        ------
        ValueError
            For a method without momentum, for one with more than two states or a
            discriminant of degree above :data:`MAX_CLOSED_FORM_DEGREE` in ``beta``
            (no closed form; the numeric :func:`momentum_dynamics.critical_beta`
            solves it per point), or when no real branch gives a stable double pole.
        """
        return _critical_branches(self)

    @cached_property
    def stability_conditions(self) -> Boolean:
        """Exact conditions for all poles strictly inside the unit circle."""
        return _stability(self.charpoly)

    def __repr__(self) -> str:
        return (f"SymbolicModel(method={self.method.name!r}, "
                f"state={tuple(n for n in self.method.state)}, A={self.A.tolist()}, "
                f"B={self.B.T.tolist()[0]}, p(z)={self.characteristic_polynomial})")

    def _repr_latex_(self) -> str:
        return (f"$\\displaystyle A = {sp.latex(self.A)},\\quad B = {sp.latex(self.B)},"
                f"\\quad p(z) = {sp.latex(self.characteristic_polynomial)}$")


@cache
def _model(method: Method) -> SymbolicModel:
    state, A, B, new = _linearise(method)
    n = len(state)
    # The output is each player's iterate (the first state variables): one row per
    # player, one column of B per player's noise.
    p = len(method.players)
    C = sp.ImmutableMatrix([[int(i == j) for i in range(n)] for j in range(p)])
    D = sp.ImmutableMatrix.zeros(p, B.shape[1])
    poly = sp.Poly(sp.expand((z * sp.eye(n) - A).det()), z)
    return SymbolicModel(method, state, new, A, B, C, D, poly)


@fill_doc()
def model(method: str | Method) -> SymbolicModel:
    """The symbolic model of a method (cached): the object every analysis reads.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    SymbolicModel
        The state, the matrices ``A, B, C, D`` and the characteristic polynomial,
        with the costly derivations computed on first access.

    Raises
    ------
    TypeError
        If the update rule cannot be evaluated on SymPy symbols.
    ValueError
        If it is not linear in its state and gradient on a quadratic.

    See Also
    --------
    state_space, characteristic_polynomial, critical_beta : read from this model.

    Examples
    --------
    >>> m = model("nesterov")
    >>> m.state_space.A
    Matrix([
    [-alpha*lambda + 1,  alpha*beta*lambda - beta],
    [     alpha*lambda, -alpha*beta*lambda + beta]])
    >>> model("nesterov") is m
    True
    """
    return _model(get_method(method))


@fill_doc()
def state_space(method: str | Method) -> StateSpaceModel:
    """State-space matrices on :math:`f(x)=\\lambda x^2/2` with gradient noise as input.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    StateSpaceModel
        ``(A, B, C, D)`` as immutable SymPy matrices; the state is ordered as the
        update rule's arguments (iterate first) and the output is the iterate.

    See Also
    --------
    transfer_function : :math:`C (zI - A)^{-1} B`.
    momentum_dynamics.lti.to_statespace : the python-control system at numbers.

    Examples
    --------
    >>> A, B, C, D = state_space("heavy_ball")
    >>> A
    Matrix([
    [-alpha*lambda + 1, -beta],
    [     alpha*lambda,  beta]])
    >>> B.T
    Matrix([[-alpha, alpha]])
    """
    return model(method).state_space


@cache
def _transfer(method: Method, output: int) -> sp.Expr:
    mod = _model(method)
    n = mod.order
    den = mod.charpoly.as_expr()
    # C adj(zI - A) B with C selecting one state: a polynomial numerator over det(zI - A).
    num = ((z * sp.eye(n) - mod.A).adjugate() * mod.B)[output, 0]
    num = sp.factor(sp.expand(num))
    g = sp.gcd(sp.Poly(num, z), sp.Poly(den, z))
    if g.degree() > 0:
        num = sp.factor(sp.quo(sp.Poly(num, z), g).as_expr())
        den = sp.quo(sp.Poly(den, z), g).as_expr()
    return num / sp.collect(sp.expand(den), z)


@fill_doc()
def transfer_function(method: str | Method, output: str = "x") -> sp.Expr:
    """Transfer function from gradient noise :math:`\\xi` to a state variable, in ``z``.

    .. math:: G(z) = C (zI - A)^{-1} B

    Parameters
    ----------
    %(method)s
    output : str
        Name of the state variable observed (default the iterate ``"x"``).

    Returns
    -------
    Expr
        A rational function of ``z``; the denominator is the characteristic
        polynomial (unless a pole cancels for all parameter values); for a game
        rule, from the first player's noise ``xi_x``. A pole-zero
        cancellation that happens only at special values (e.g. ``z = 1`` in the
        velocity's transfer function at ``lambda = 0``) is not performed; apply
        :func:`sympy.cancel` after substituting numbers.

    See Also
    --------
    state_space : the matrices it is computed from.

    Examples
    --------
    >>> transfer_function("heavy_ball")
    -alpha*z/(beta + z**2 + z*(alpha*lambda - beta - 1))
    >>> transfer_function("heavy_ball", output="v")
    alpha*(z - 1)/(beta + z**2 + z*(alpha*lambda - beta - 1))
    """
    m = get_method(method)
    if output not in m.state:
        raise ValueError(
            f"output must be one of the state variables {list(m.state)} of {m.name!r}; "
            f"got {output!r}"
        )
    return _transfer(m, m.state.index(output))


@fill_doc()
def characteristic_polynomial(method: str | Method) -> sp.Expr:
    """Characteristic polynomial :math:`\\det(zI - A)`, collected in powers of ``z``.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    Expr
        A polynomial in ``z`` (monic, degree = number of states) with coefficients
        in ``alpha``, ``beta``, ``lambda`` and any extra hyper-parameters.

    See Also
    --------
    poles : its roots.
    discriminant : zero where two roots coincide.
    stability_conditions : where all roots lie inside the unit circle.

    Examples
    --------
    >>> characteristic_polynomial("heavy_ball")
    beta + z**2 + z*(alpha*lambda - beta - 1)
    >>> characteristic_polynomial("nesterov")
    -alpha*beta*lambda + beta + z**2 + z*(alpha*beta*lambda + alpha*lambda - beta - 1)
    """
    return model(method).characteristic_polynomial


@fill_doc()
def discriminant(method: str | Method) -> sp.Expr:
    """Discriminant of the characteristic polynomial in ``z``, factored.

    For a quadratic :math:`z^2 - Tz + D` this is :math:`T^2 - 4D`: negative for a
    complex pole pair (underdamped), zero for a double pole (critical damping),
    positive for two real poles (overdamped).

    Parameters
    ----------
    %(method)s

    Returns
    -------
    Expr
        The discriminant in ``alpha``, ``beta``, ``lambda`` (and extra
        hyper-parameters), factored.

    See Also
    --------
    critical_beta : its zeros in ``beta``.
    momentum_dynamics.numeric.damping_regime : its sign at numbers.

    Examples
    --------
    >>> discriminant("nesterov")
    (alpha*lambda - 1)*(alpha*beta**2*lambda + 2*alpha*beta*lambda + alpha*lambda
    - beta**2 + 2*beta - 1)
    """
    return model(method).discriminant


@cache
def _poles(method: Method) -> tuple[sp.Expr, ...]:
    p = _model(method).charpoly
    out = []
    for root, mult in sp.roots(p).items():
        out.extend([sp.simplify(root)] * mult)
    if len(out) != p.degree():
        raise ValueError(
            f"SymPy found no closed form for the poles of {method.name!r}; "
            "use the numeric poles() instead"
        )
    return tuple(out)


@fill_doc()
def poles(method: str | Method) -> tuple[sp.Expr, ...]:
    """Roots of the characteristic polynomial (with multiplicity), simplified.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    tuple of Expr
        One expression per root, repeated by multiplicity.

    Raises
    ------
    ValueError
        If SymPy finds no closed form for every root.

    See Also
    --------
    characteristic_polynomial : the polynomial they solve.
    momentum_dynamics.poles : the numeric, vectorised poles.

    Examples
    --------
    >>> poles("gd")
    (-alpha*lambda + 1,)
    """
    return _poles(get_method(method))


def _schur_cohn(coeffs: list[sp.Expr]) -> list[sp.Expr]:
    """Schur-Cohn reduction: expressions that must all be > 0 (real coefficients).

    ``coeffs`` are in descending powers. At each step |a_0| < |a_n| is required and
    the degree is reduced by ``(a_n p - a_0 p*)/z``.
    """
    conds = []
    c = [sp.expand(x) for x in coeffs]
    while len(c) > 1:
        an, a0 = c[0], c[-1]
        conds.append(sp.factor(an**2 - a0**2))
        rev = c[::-1]
        c = [sp.expand(an * c[i] - a0 * rev[i]) for i in range(len(c) - 1)]
    return conds


def _stability(p: sp.Poly) -> Boolean:
    n = p.degree()
    coeffs = p.all_coeffs()
    if n == 1:
        pos = [p.as_expr().subs(z, 1), -p.as_expr().subs(z, -1)]
    elif n == 2:
        # Jury: p(1) > 0, p(-1) > 0 and |a_0| < 1 for a monic real quadratic.
        a0 = coeffs[-1]
        pos = [p.as_expr().subs(z, 1), p.as_expr().subs(z, -1), 1 - a0, 1 + a0]
    else:
        pos = [p.as_expr().subs(z, 1), (-1) ** n * p.as_expr().subs(z, -1)]
        pos += _schur_cohn(coeffs)
    return sp.And(*[sp.factor(e) > 0 for e in pos])


@fill_doc()
def stability_conditions(method: str | Method) -> Boolean:
    """Exact conditions for all poles strictly inside the unit circle.

    Jury's conditions for degree one and two, the Schur-Cohn reduction for higher
    degrees. Valid for real hyper-parameters and real curvature.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    Boolean
        A conjunction of strict polynomial inequalities in the hyper-parameters
        and ``lambda``.

    See Also
    --------
    characteristic_polynomial : the polynomial tested.
    momentum_dynamics.numeric.is_stable : the numeric test at numbers.

    Examples
    --------
    >>> stability_conditions("heavy_ball")
    (alpha*lambda > 0) & (beta + 1 > 0) & (1 - beta > 0) & (-alpha*lambda + 2*beta + 2 > 0)
    """
    return model(method).stability_conditions


# --------------------------------------------------------------------------
# Critical damping
# --------------------------------------------------------------------------


class StableBranch(NamedTuple):
    """A critical momentum with a stable double pole, in ``alpha`` and ``lambda``.

    Attributes
    ----------
    beta : Expr
        The momentum.
    double_pole : Expr
        The double pole it gives.
    condition : Boolean or None
        Where it is a real momentum in [-1, 1] with a stable double pole, as
        conditions on ``alpha*lambda`` (None when SymPy cannot reduce them, e.g.
        when they depend on an extra hyper-parameter).

    See Also
    --------
    CriticalBeta : its ``stable_branches``.

    Examples
    --------
    >>> (br,) = critical_beta("nesterov").stable_branches
    >>> br.double_pole, br.condition
    (-sqrt(alpha)*sqrt(lambda) + 1, (alpha*lambda > 0) & (alpha*lambda < 4))
    """

    beta: sp.Expr
    double_pole: sp.Expr
    condition: Boolean | None

    _repr_latex_ = latex_record


class CriticalBeta(NamedTuple):
    """Momentum values that make the two poles coincide (discriminant zero).

    Attributes
    ----------
    solutions : tuple of Expr
        Every real solution of ``discriminant = 0`` in ``beta`` (for
        ``alpha*lambda > 0``), simplified.
    stable : Expr
        The default solution whose double pole is stable (see
        :class:`CriticalBranches`); NaN-valued outside ``condition``.
    double_pole : Expr
        That double pole (its sign says whether the critically damped iterates
        approach monotonically (positive) or alternate in sign (negative)).
    condition : Boolean or None
        Where ``stable`` is a real momentum in [-1, 1] with a stable double pole,
        as an interval of ``alpha*lambda`` (None when SymPy cannot reduce it).
    continuous : Expr
        The leading-order approximation for small ``alpha*lambda`` (the
        continuous-time, damping-ratio-one reading; for heavy ball the familiar
        :math:`1 - 2\\sqrt{\\alpha\\lambda}`, cf. Goh 2017).
    stable_branches : tuple of StableBranch
        Every solution that gives a stable double pole somewhere, with its
        condition. Several can coexist at the same ``alpha*lambda`` (QHM with
        ``nu = 0.7`` at ``alpha*lambda = 2`` has two); ``stable`` is one of them.

    See Also
    --------
    critical_beta : the function that returns it.
    CriticalBranches : the same branches in :data:`sqrt_h`.

    Examples
    --------
    >>> c = critical_beta("heavy_ball")
    >>> c.solutions
    ((sqrt(alpha)*sqrt(lambda) - 1)**2, (sqrt(alpha)*sqrt(lambda) + 1)**2)
    >>> c.continuous
    -2*sqrt(alpha)*sqrt(lambda) + 1
    """

    solutions: tuple[sp.Expr, ...]
    stable: sp.Expr
    double_pole: sp.Expr
    condition: Boolean | None
    continuous: sp.Expr
    stable_branches: tuple[StableBranch, ...] = ()

    _repr_latex_ = latex_record


def _require_momentum(method: Method) -> None:
    if not method.has_momentum:
        raise ValueError(
            f"method {method.name!r} has no momentum parameter beta; critical damping is "
            "defined for methods with one"
        )


def _double_pole(poly_in_z: sp.Poly) -> sp.Expr:
    a2, a1, _ = poly_in_z.all_coeffs()
    return sp.factor(sp.simplify(-a1 / (2 * a2)))


def _branch_interval(bs: sp.Expr, p: sp.Expr) -> sp.Set | None:
    """Values of s where beta(s) lies strictly in (-1, 1) and |double pole| < 1."""
    try:
        interval = sp.Interval.open(0, sp.oo)
        for expr in (sp.factor((p - 1) * (p + 1)), bs - 1, -1 - bs):
            interval = interval.intersect(sp.solveset(expr < 0, sqrt_h, sp.S.Reals))
        if not isinstance(interval, (sp.Interval, sp.Union, sp.sets.sets.EmptySet)):
            return None
        return interval
    except (NotImplementedError, TypeError, ValueError):
        return None


def _probes(method: Method) -> list[dict]:
    """A small grid of probe points: sqrt_h and extra hyper-parameters in (0, 1)."""
    extras = [sym for name, sym in hyperparameter_symbols(method).items()
              if name not in ("alpha", "beta")]
    grid = [sp.Rational(k, 8) for k in (1, 2, 4, 6, 7)]
    out = []
    for sv in [sp.Rational(k, 4) for k in (1, 2, 4, 6, 7)]:
        for ev in grid if extras else [None]:
            pt = {sqrt_h: sv, alpha: 1}
            pt.update({e: ev for e in extras})
            out.append(pt)
    return out


def _stable_at(bs: sp.Expr, p: sp.Expr, point: dict) -> tuple[bool, float]:
    try:
        bv, pv = complex(bs.subs(point)), complex(p.subs(point))
    except (TypeError, ValueError):
        return False, math.inf
    ok = abs(bv.imag) < 1e-12 and -1 <= bv.real <= 1 and abs(pv) < 1
    return ok, abs(pv)


def _critical_branches(mod: SymbolicModel) -> CriticalBranches:
    method = mod.method
    _require_momentum(method)
    if mod.order != 2:
        raise ValueError(
            f"method {method.name!r} has {mod.order} states; critical_beta has a closed "
            "form for two-state methods only. Use the numeric "
            "momentum_dynamics.critical_beta, which solves the discriminant per point"
        )
    _, factors = sp.factor_list(mod.discriminant_in_beta.as_expr())
    degree = max(sp.degree(f, beta) for f, _ in factors)
    if degree > MAX_CLOSED_FORM_DEGREE:
        raise ValueError(
            f"the discriminant of {method.name!r} has a factor of degree {degree} in beta; "
            f"critical_beta is solved in closed form up to degree {MAX_CLOSED_FORM_DEGREE}. "
            "Use the numeric momentum_dynamics.critical_beta, which finds its real roots "
            "per parameter point"
        )
    raw = sp.solve(sp.numer(sp.together(mod.discriminant)), beta)
    branches = []
    for sol in raw:
        bs = to_sqrt_h(sol)
        if bs.has(sp.I):
            continue
        p = _double_pole(sp.Poly(to_sqrt_h(mod.charpoly.as_expr().subs(beta, bs)), z))
        interval = _branch_interval(bs, p)
        if interval is not None:
            stable = not interval.is_empty
        else:
            stable = any(_stable_at(bs, p, pt)[0] for pt in _probes(method))
        branches.append(CriticalBranch(bs, p, interval, stable))
    if not branches:
        raise ValueError(f"no real critical beta exists for method {method.name!r}")
    # The default branch at a probe point alpha*lambda = 1/4 (s = 1/2) with the extra
    # hyper-parameters at 1/2: a real beta in [-1, 1] with the smallest |double pole|.
    probe = {sqrt_h: sp.Rational(1, 2), alpha: 1}
    probe.update({sym: sp.Rational(1, 2) for name, sym in hyperparameter_symbols(method).items()
                  if name not in ("alpha", "beta")})
    best, best_mod = None, math.inf
    for i, br in enumerate(branches):
        ok, mod_ = _stable_at(br.beta, br.double_pole, probe)
        if ok and mod_ < best_mod:
            best, best_mod = i, mod_
    if best is None:
        raise ValueError(
            f"no critical beta of method {method.name!r} gives a stable double pole"
        )
    return CriticalBranches(tuple(branches), best)


def _interval_to_condition(interval: sp.Set | None) -> Boolean | None:
    if interval is None:
        return None
    h = sp.Symbol("h", positive=True)
    # s = sqrt(h) is increasing, so the interval maps endpoint-wise to h = s**2.
    rel = interval.as_relational(sqrt_h).subs(sqrt_h, sp.sqrt(h))
    rel = rel.replace(
        lambda e: isinstance(e, sp.core.relational.Relational),
        lambda e: e.func(e.lhs**2, e.rhs**2),
    )
    return sp.And(alpha * curvature > 0, rel.subs(h, alpha * curvature))


@cache
def _critical_beta(method: Method) -> CriticalBeta:
    c = _model(method).critical
    br = c.stable
    stable = tuple(StableBranch(from_sqrt_h(b.beta), from_sqrt_h(b.double_pole),
                                _interval_to_condition(b.interval))
                   for b in c.branches if b.stable)
    return CriticalBeta(
        solutions=tuple(from_sqrt_h(b.beta) for b in c.branches),
        stable=from_sqrt_h(br.beta),
        double_pole=from_sqrt_h(br.double_pole),
        condition=_interval_to_condition(br.interval),
        continuous=from_sqrt_h(leading_order(br.beta)),
        stable_branches=stable,
    )


def critical_beta(method: str | Method) -> CriticalBeta:
    """Momentum for critical damping: the discriminant's zeros in ``beta``.

    Assumes ``alpha*lambda > 0`` (for negative curvature no real critical momentum
    exists). See :class:`CriticalBeta` for the fields.

    Parameters
    ----------
    method : str or Method
        A two-state method with momentum.

    Returns
    -------
    CriticalBeta
        The solutions, the default stable one, its double pole, its domain and its
        small-step form.

    Raises
    ------
    ValueError
        For a method without momentum, for more than two states or a discriminant
        of degree above :data:`MAX_CLOSED_FORM_DEGREE` in ``beta`` (use the numeric
        :func:`momentum_dynamics.critical_beta`), or when no branch is stable.

    See Also
    --------
    model : the :class:`SymbolicModel` whose ``critical`` branches this reads.
    momentum_dynamics.critical_beta : the numeric, vectorised version.

    Examples
    --------
    >>> c = critical_beta("heavy_ball")
    >>> c.stable, c.double_pole
    ((sqrt(alpha)*sqrt(lambda) - 1)**2, -sqrt(alpha)*sqrt(lambda) + 1)
    >>> c.condition
    (alpha*lambda > 0) & (alpha*lambda < 4)
    >>> c.continuous
    -2*sqrt(alpha)*sqrt(lambda) + 1
    >>> [b.beta for b in c.stable_branches]  # (1 + sqrt(alpha*lambda))**2 > 1 is not
    [(sqrt(alpha)*sqrt(lambda) - 1)**2]
    """
    return _critical_beta(get_method(method))


# --------------------------------------------------------------------------
# Effective learning rate
# --------------------------------------------------------------------------


@cache
def _terminal(method: Method) -> tuple[dict, sp.Expr]:
    state = tuple(sp.Symbol(f"{n}_ss") for n in method.state)
    params = hyperparameter_symbols(method)
    new = method.step(state, lambda x: gradient, **params)
    eqs = [sp.Eq(new[i], state[i]) for i in range(1, len(state))]
    sol = sp.solve(eqs, state[1:], dict=True) if eqs else [{}]
    if not sol:
        raise ValueError(f"method {method.name!r} has no steady state under a constant gradient")
    sol = sol[0]
    step = sp.simplify((new[0] - state[0]).subs(sol))
    if step.has(state[0]):
        raise ValueError(f"the steady step of {method.name!r} depends on the iterate")
    velocity = {method.state[i]: sp.factor(sol[state[i]]) for i in range(1, len(state))}
    return velocity, sp.factor(sp.simplify(-step / gradient))


@fill_doc()
def terminal_velocity(method: str | Method) -> dict[str, sp.Expr]:
    """Fixed point of the non-iterate state under a constant gradient ``g``.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    dict of str to Expr
        State variable name (every state but the iterate) -> its fixed point in
        :data:`gradient` ``g`` and the hyper-parameters.

    Raises
    ------
    ValueError
        If the method has no steady state under a constant gradient.

    See Also
    --------
    effective_learning_rate : the step per unit gradient at that fixed point.

    Examples
    --------
    >>> terminal_velocity("heavy_ball")
    {'v': -alpha*g/(beta - 1)}
    """
    return dict(_terminal(get_method(method))[0])


@fill_doc()
def effective_learning_rate(method: str | Method) -> sp.Expr:
    """Step per unit gradient once the state has reached its constant-gradient fixed point.

    .. math:: x_t - x_{t-1} \\to -\\eta_{\\mathrm{eff}}\\, g

    Parameters
    ----------
    %(method)s

    Returns
    -------
    Expr
        :math:`\\eta_{\\mathrm{eff}}` in the hyper-parameters (heavy ball:
        :math:`\\alpha / (1 - \\beta)`).

    See Also
    --------
    terminal_velocity : the fixed point it is read at.
    momentum_dynamics.numeric.effective_learning_rate : the numeric version.

    Examples
    --------
    >>> effective_learning_rate("heavy_ball")
    -alpha/(beta - 1)
    >>> effective_learning_rate("ema_momentum")
    alpha
    """
    return _terminal(get_method(method))[1]


# --------------------------------------------------------------------------
# Optimal tuning over a spectrum [mu, L]
# --------------------------------------------------------------------------


@fill_doc(fields=optimal_fields("Expr", ", in ``mu`` and ``L``"))
class SymbolicOptimalParameters(NamedTuple):
    """Tuned hyper-parameters and the worst-case linear rate they give, as formulas.

    The numeric counterpart, with numbers, is
    :class:`momentum_dynamics.numeric.OptimalParameters`.

    Attributes
    ----------
    %(fields)s

    Examples
    --------
    >>> optimal_parameters("heavy_ball").rate
    (sqrt(L) - sqrt(mu))/(sqrt(L) + sqrt(mu))
    """

    alpha: sp.Expr
    beta: sp.Expr | None
    rate: sp.Expr

    _repr_latex_ = latex_record


def _positive_solution(eq: sp.Expr, var: sp.Symbol) -> sp.Expr:
    sols = [sp.simplify(s) for s in sp.solve(eq, var)]
    probe = {mu: 1, L: 10}
    good = [s for s in sols if s.subs(probe).is_positive and sp.simplify(s.subs(probe) - 1) != 0]
    if len(good) != 1:
        good = [s for s in sols if s.subs(probe).is_positive]
    return good[0]


@cache
def _optimal(method: Method, tuning: str) -> SymbolicOptimalParameters:
    # The condition is the update rule's own (Method.tunings), never looked up by name.
    if tuning not in method.tunings:
        declared = sorted(method.tunings) or "none"
        raise ValueError(
            f"no closed-form tuning {tuning!r} for method {method.name!r} (it declares "
            f"{declared}; see Method.tunings). Use the numeric "
            "momentum_dynamics.optimal_parameters, which optimises numerically"
        )
    rule = method.tunings[tuning]
    a = sp.Symbol("a", positive=True)  # sqrt(alpha*mu)
    ratio = L / mu
    if rule == "opposite_poles":
        pole = poles(method)[0]
        at = lambda h: pole.subs(curvature, h / alpha)  # noqa: E731
        sq = _positive_solution(sp.numer(sp.together(at(a**2) + at(a**2 * ratio))), a)
        alpha_opt = sp.simplify(sq**2 / mu)
        return SymbolicOptimalParameters(alpha_opt, None, sp.factor(sp.simplify(at(sq**2))))
    br = _model(method).critical.stable
    beta_s, pole_s = br.beta, br.double_pole
    if rule == "standard":
        sq = sp.sqrt(mu / L)
    elif rule == "critical_both_ends":
        eq = pole_s.subs(sqrt_h, a) + pole_s.subs(sqrt_h, a * sp.sqrt(ratio))
        sq = _positive_solution(sp.numer(sp.together(eq)), a)
    else:  # critical_mu_root_L
        pol_L = _model(method).charpoly.as_expr().subs(
            {beta: beta_s.subs(sqrt_h, a), curvature: a**2 * ratio / alpha}
        )
        eq = sp.factor(pol_L.subs(z, -pole_s.subs(sqrt_h, a)))
        sols = [s for s in sp.solve(sp.numer(sp.together(eq)), a)
                if sp.simplify(s - 1) != 0 and s.subs({mu: 1, L: 10}).is_positive]
        sq = sp.simplify(sols[0])
    alpha_opt = sp.simplify(sq**2 / mu)
    beta_opt = sp.factor(sp.simplify(beta_s.subs(sqrt_h, sq)))
    # At the optimum the slowest pole is the (positive) double pole at mu.
    rate = sp.factor(sp.simplify(pole_s.subs(sqrt_h, sq)))
    return SymbolicOptimalParameters(alpha_opt, beta_opt, rate)


def optimal_parameters(method: str | Method,
                       tuning: str = "optimal") -> SymbolicOptimalParameters:
    """Hyper-parameters minimising the worst-case rate over curvatures in [mu, L].

    Parameters
    ----------
    method : str or Method
        A method that declares the tuning in :attr:`Method.tunings
        <momentum_dynamics.methods.Method.tunings>` (the shipped ``"gd"``,
        ``"heavy_ball"``, ``"nesterov"``, ``"ema_momentum"`` do).
    tuning : {"optimal", "standard"}
        ``"standard"`` is Nesterov's textbook choice ``alpha = 1/L`` with the
        momentum critically damped at ``mu``; it gives exactly the textbook
        :math:`1 - 1/\\sqrt{\\kappa}` (Nesterov 1983).

    Returns
    -------
    SymbolicOptimalParameters
        ``(alpha, beta, rate)`` in terms of ``mu`` and ``L``; ``beta`` is None for GD.

    See Also
    --------
    tuned_rate : the rate in ``kappa``.
    momentum_dynamics.numeric.optimal_parameters : the numeric version.

    References
    ----------
    Polyak (1964); Lessard, Recht & Packard, "Analysis and design of optimization
    algorithms via integral quadratic constraints", SIAM J. Optim. 26 (2016).

    Examples
    --------
    >>> optimal_parameters("gd")
    SymbolicOptimalParameters(alpha=2/(L + mu), beta=None, rate=(L - mu)/(L + mu))
    >>> optimal_parameters("nesterov").alpha
    4/(3*L + mu)
    """
    if tuning not in ("optimal", "standard"):
        raise ValueError(f"tuning must be 'optimal' or 'standard'; got {tuning!r}")
    return _optimal(get_method(method), tuning)


@fill_doc()
def tuned_rate(method: str | Method, tuning: str = "optimal") -> sp.Expr:
    """The tuned worst-case rate as a function of ``kappa = L/mu`` (exact).

    Parameters
    ----------
    %(method)s
    %(tuning)s

    Returns
    -------
    Expr
        The rate of :func:`optimal_parameters` with ``L = kappa*mu``.

    See Also
    --------
    rate_approximation : its large-``kappa`` form.

    Examples
    --------
    >>> tuned_rate("heavy_ball")
    (sqrt(kappa) - 1)/(sqrt(kappa) + 1)
    """
    r = optimal_parameters(method, tuning).rate
    return sp.factor(sp.simplify(r.subs(L, kappa * mu)))


@fill_doc()
def rate_approximation(method: str | Method, tuning: str = "optimal") -> sp.Expr:
    """Leading-order large-``kappa`` form of :func:`tuned_rate` (an approximation).

    ``1 - c/kappa**p`` with the first non-vanishing term of the expansion in
    :math:`1/\\sqrt{\\kappa}`; for GD and heavy ball these are the textbook
    :math:`1 - 2/\\kappa` and :math:`1 - 2/\\sqrt{\\kappa}` (Polyak 1964).

    Parameters
    ----------
    %(method)s
    %(tuning)s

    Returns
    -------
    Expr
        ``1 - c/kappa**p``, the leading terms in :math:`1/\\sqrt{\\kappa}`.

    See Also
    --------
    tuned_rate : the exact rate.

    Examples
    --------
    >>> rate_approximation("gd")
    1 - 2/kappa
    >>> rate_approximation("nesterov", "standard")
    1 - 1/sqrt(kappa)
    """
    t = sp.Symbol("t", positive=True)
    r = tuned_rate(method, tuning).subs(kappa, 1 / t**2)
    lead = leading_order(r, t).subs(t, 1 / sp.sqrt(kappa))
    return sp.expand(lead)


@cache
def _stationary_covariance(method: Method) -> sp.Matrix:
    mod = _model(method)
    A, B = mod.A, mod.B
    n = A.shape[0]
    unknowns = sp.symbols(f"_p0:{n * (n + 1) // 2}")
    P = sp.zeros(n, n)
    k = 0
    for i in range(n):
        for j in range(i, n):
            P[i, j] = P[j, i] = unknowns[k]
            k += 1
    eqs = P - A * P * A.T - sigma**2 * B * B.T
    sol = sp.solve([eqs[i, j] for i in range(n) for j in range(i, n)], unknowns, dict=True)
    if len(sol) != 1:
        raise ValueError(f"no unique stationary covariance for method {method.name!r}")
    return P.subs(sol[0]).applyfunc(sp.factor)


@fill_doc()
def stationary_covariance(method: str | Method) -> sp.Matrix:
    """Stationary covariance of the state on one curvature under gradient noise.

    Solves the discrete Lyapunov equation :math:`P = A P A^\\top + \\sigma^2 B B^\\top`
    of the scalar model (gradient ``lambda*x + xi``, ``Var(xi) = sigma**2``) exactly.
    Valid where the method is stable (:func:`stability_conditions`); outside, the
    expression is not a covariance. The numeric, d-dimensional version is
    :func:`momentum_dynamics.stationary_covariance`.

    Parameters
    ----------
    %(method)s

    Returns
    -------
    Matrix
        ``order x order``, in the method's state order (``x`` first).

    See Also
    --------
    state_space : the ``A`` and ``B`` of the Lyapunov equation.

    Examples
    --------
    >>> stationary_covariance("heavy_ball")[0, 0]
    alpha*sigma**2*(beta + 1)/(lambda*(beta - 1)*(alpha*lambda - 2*beta - 2))
    >>> stationary_covariance("gd")[0, 0]
    -alpha*sigma**2/(lambda*(alpha*lambda - 2))
    """
    return _stationary_covariance(get_method(method))


def __getattr__(name: str):
    # Deprecated alias: the symbolic result type shared its name with the numeric one.
    if name == "OptimalParameters":
        import warnings

        warnings.warn(
            "momentum_dynamics.symbolic.OptimalParameters is renamed "
            "SymbolicOptimalParameters (momentum_dynamics.OptimalParameters is the numeric "
            "result type)", DeprecationWarning, stacklevel=2,
        )
        return SymbolicOptimalParameters
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""GANs as games: momentum in the bilinear min-max game, per singular value.

Training a GAN is a two-player game :math:`\\min_x \\max_y f(x, y)`. Near an
equilibrium its simplest model is the bilinear game :math:`x^\\top A y`, which splits
along the singular vectors of :math:`A` into scalar games, one per singular value
:math:`\\sigma`; self-curvature adds :math:`a x^2/2 - c y^2/2`:

.. math:: f(x, y) = \\tfrac{a}{2} x^2 + \\sigma x y - \\tfrac{c}{2} y^2 .

Gradient descent-ascent (x descends, y ascends) with momentum is then a 4-state linear
system; its state matrix, characteristic polynomial and poles are *derived* from the
update rules of :mod:`momentum_dynamics.methods` (``gda_simultaneous_heavy_ball``,
``gda_alternating_heavy_ball``, ...) by :mod:`momentum_dynamics.symbolic`, and every
number here comes from them. On the bilinear game the polynomial depends on ``alpha``
and ``sigma`` only through :math:`h = \\alpha\\sigma`, so one ``(alpha*sigma, beta)``
plane covers every singular value.

The published findings (Gidel, Askari Hemmat, Pezeshki, Le Priol, Huang,
Lacoste-Julien & Mitliagkas 2019, "Negative momentum for improved game dynamics",
AISTATS) read off this plane: simultaneous GDA diverges for every step size and every
momentum; alternating GDA at ``beta = 0`` has poles of modulus exactly 1 (it cycles);
a negative momentum makes alternating GDA converge, with a best ``beta`` for each
``alpha*sigma``.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from .. import symbolic as S
from .._validation import (
    as_real_array,
    check_nonnegative,
    check_positive,
    check_scalar,
)
from ..methods import Method, get_method
from ..numeric import spectral_radius

__all__ = [
    "alpha_sigma",
    "BilinearGame",
    "bilinear_game",
    "GameRegion",
    "game_stability_region",
    "BestGameMomentum",
    "best_game_momentum",
]

#: :math:`h = \\alpha\\sigma`, the step size in units of the singular value.
alpha_sigma = sp.Symbol("h", nonnegative=True)


def _game_method(method) -> Method:
    m = get_method(method)
    if not m.is_game:
        raise ValueError(f"method must be a game rule (one oracle per player, e.g. "
                         f"'gda_alternating_heavy_ball'); {m.name!r} has a single oracle")
    return m


class BilinearGame(NamedTuple):
    """A game rule on the bilinear game :math:`\\sigma x y`, in :math:`h = \\alpha\\sigma`.

    Attributes
    ----------
    method : str
        The game rule's registry name.
    A : ImmutableMatrix
        State matrix over ``(x, y, ...)`` at ``a = c = 0`` with ``alpha*sigma = h``.
    characteristic_polynomial : Expr
        :math:`\\det(zI - A)`, in ``z``, ``h`` and the hyper-parameters.
    at_beta_zero : Expr
        That polynomial at ``beta = 0`` (without momentum for a rule that has none),
        factored.
    modulus_at_beta_zero : Expr or None
        The modulus of the complex pole pair at ``beta = 0`` (the square root of the
        constant term of the polynomial's quadratic factor once the poles at 0 are
        divided out; complex for ``h < 2`` on alternating GDA, always on simultaneous
        GDA); None when that factor is not quadratic.

    See Also
    --------
    bilinear_game : returns it.

    Examples
    --------
    >>> g = bilinear_game("gda_alternating_heavy_ball")
    >>> g.at_beta_zero
    z**2*(h**2*z + z**2 - 2*z + 1)
    >>> g.modulus_at_beta_zero
    1
    """

    method: str
    A: sp.ImmutableMatrix
    characteristic_polynomial: sp.Expr
    at_beta_zero: sp.Expr
    modulus_at_beta_zero: sp.Expr | None


@cache
def _bilinear(m: Method) -> BilinearGame:
    mod = S.model(m)
    game = S.game_symbols()
    sub = {game["a"]: 0, game["c"]: 0, game["sigma"]: alpha_sigma / S.alpha}
    A = sp.ImmutableMatrix(sp.simplify(mod.A.subs(sub)))
    p = sp.expand(mod.charpoly.as_expr().subs(sub))
    p0 = sp.expand(p.subs(S.beta, 0)) if m.has_momentum else p
    # Divide out the poles at 0; a quadratic z**2 + b z + q left over has, when its
    # roots are complex, the modulus sqrt(q) (the product of a conjugate pair).
    poly = sp.Poly(p0, S.z)
    k = min(mon[0] for mon in poly.monoms())
    rest = sp.Poly(sp.cancel(p0 / S.z**k), S.z)
    modulus = None
    if rest.degree() == 2:
        lead, _, q = rest.all_coeffs()
        modulus = sp.sqrt(sp.factor(q / lead))
    return BilinearGame(m.name, A, sp.collect(p, S.z), sp.factor(p0), modulus)


def bilinear_game(method: str | Method = "gda_alternating_heavy_ball") -> BilinearGame:
    """The state matrix and characteristic polynomial of a game rule on :math:`\\sigma x y`.

    Derived from the rule's symbolic model (:func:`momentum_dynamics.symbolic.model`)
    at ``a = c = 0`` with ``alpha*sigma = h``: on the bilinear game the dynamics depend
    on the step size and the singular value only through their product.

    Parameters
    ----------
    method : str or Method
        A game rule (default ``"gda_alternating_heavy_ball"``).

    Returns
    -------
    BilinearGame
        ``A``, the characteristic polynomial, its value at ``beta = 0`` and the
        modulus of the complex pole pair there.

    Raises
    ------
    ValueError
        For a one-player method.

    See Also
    --------
    game_stability_region : its spectral radius over the ``(h, beta)`` plane.

    Examples
    --------
    Simultaneous GDA without momentum spirals out at :math:`\\sqrt{1 + h^2}`; the
    alternating form keeps modulus 1 (Gidel et al. 2019):

    >>> bilinear_game("gda_simultaneous").modulus_at_beta_zero
    sqrt(h**2 + 1)
    >>> bilinear_game("gda_alternating").modulus_at_beta_zero
    1
    """
    return _bilinear(_game_method(method))


class GameRegion(NamedTuple):
    """Spectral radius of a game rule over the ``(alpha*sigma, beta)`` plane.

    Attributes
    ----------
    method : str
        The game rule.
    alpha_sigma : (n,) ndarray
        :math:`h = \\alpha\\sigma`, the horizontal axis.
    beta : (m,) ndarray
        Momentum, the vertical axis (negative values included).
    rho : (m, n) ndarray
        Spectral radius (largest pole modulus) at each ``(beta, h)``.
    stable : (m, n) ndarray of bool
        Where every pole is strictly inside the unit circle.
    a, c : float
        Self-curvatures in units of sigma (``a/sigma``, ``c/sigma``); 0 for the
        bilinear game.

    See Also
    --------
    game_stability_region : computes it.
    momentum_dynamics.plotting.plot_game_region : draws it.

    Examples
    --------
    >>> r = game_stability_region("gda_alternating_heavy_ball", [0.5, 1.0], [-0.3, 0.0])
    >>> r.rho.shape, r.stable.tolist()
    ((2, 2), [[True, True], [False, False]])
    """

    method: str
    alpha_sigma: np.ndarray
    beta: np.ndarray
    rho: np.ndarray
    stable: np.ndarray
    a: float
    c: float


def _grid(values, name: str, *, nonnegative: bool = False) -> np.ndarray:
    arr = np.atleast_1d(as_real_array(values, name)).astype(float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of numbers; got shape "
                         f"{arr.shape}")
    if nonnegative:
        check_nonnegative(arr, name)
    return arr


def game_stability_region(method: str | Method = "gda_alternating_heavy_ball",
                          alpha_sigma=None, beta=None, *, a: float = 0.0,
                          c: float = 0.0) -> GameRegion:
    """Spectral radius and stability of a game rule on a ``(alpha*sigma, beta)`` grid.

    Evaluated by :func:`momentum_dynamics.spectral_radius` and
    :func:`momentum_dynamics.is_stable` at ``alpha = h``, ``sigma = 1`` (the plane is the
    same for every singular value: only :math:`\\alpha\\sigma`, :math:`\\alpha a` and
    :math:`\\alpha c` enter, so ``a`` and ``c`` are in units of sigma).

    Parameters
    ----------
    method : str or Method
        A game rule with a momentum parameter (default ``"gda_alternating_heavy_ball"``).
    alpha_sigma : array_like, optional
        Values of :math:`h = \\alpha\\sigma` > 0 (default 201 points in (0, 2.2]).
    beta : array_like, optional
        Momentum values in [-1, 1] (default 201 points over [-1, 1]).
    a, c : float
        Self-curvatures relative to sigma (default 0: the bilinear game).

    Returns
    -------
    GameRegion
        ``rho`` and ``stable``, shape ``(len(beta), len(alpha_sigma))``.

    Raises
    ------
    ValueError
        For a one-player rule or one without momentum, ``alpha_sigma <= 0``,
        ``beta`` outside [-1, 1], or non-finite values.

    See Also
    --------
    best_game_momentum : the best beta at one ``alpha*sigma``.

    Examples
    --------
    Simultaneous GDA is unstable everywhere on the grid (Gidel et al. 2019):

    >>> r = game_stability_region("gda_simultaneous_heavy_ball", [0.1, 1.0], [-0.9, 0.0, 0.9])
    >>> bool(r.stable.any()), bool(r.rho.min() > 1)
    (False, True)
    """
    m = _game_method(method)
    if not m.has_momentum:
        raise ValueError(f"method {m.name!r} has no momentum beta; the (alpha*sigma, beta) "
                         "plane needs a rule with one (e.g. 'gda_alternating_heavy_ball')")
    h = np.linspace(0.011, 2.2, 200) if alpha_sigma is None else _grid(alpha_sigma,
                                                                       "alpha_sigma")
    check_positive(h, "alpha_sigma")
    b = np.linspace(-1.0, 1.0, 201) if beta is None else _grid(beta, "beta")
    a_f, c_f = check_scalar(a, "a"), check_scalar(c, "c")
    from .. import numeric as N

    kw = dict(alpha=h[None, :], beta=b[:, None], sigma=1.0, a=a_f, c=c_f)
    rho = np.asarray(spectral_radius(m, **kw), float)
    stable = np.asarray(N.is_stable(m, **kw), bool)
    return GameRegion(m.name, h, b, rho, stable, a_f, c_f)


class BestGameMomentum(NamedTuple):
    """The momentum that minimises a game rule's spectral radius at one ``alpha*sigma``.

    Attributes
    ----------
    beta : float
        The best momentum in (-1, 1).
    rate : float
        The spectral radius there (< 1: converges; > 1 for every beta: diverges).
    rate_at_zero : float
        The spectral radius at ``beta = 0``, for comparison.
    alpha_sigma : float
        :math:`h = \\alpha\\sigma`.

    See Also
    --------
    best_game_momentum : computes it.

    Examples
    --------
    >>> r = best_game_momentum(0.5)
    >>> round(r.beta, 4), round(r.rate, 4), round(r.rate_at_zero, 12)
    (-0.4691, 0.9625, 1.0)
    """

    beta: float
    rate: float
    rate_at_zero: float
    alpha_sigma: float


def best_game_momentum(alpha_sigma: float, method: str | Method = "gda_alternating_heavy_ball",
                       *, a: float = 0.0, c: float = 0.0, xtol: float = 1e-13
                       ) -> BestGameMomentum:
    """The momentum with the smallest spectral radius at a given ``alpha*sigma``.

    The spectral radius of the 4-state system is minimised over ``beta`` in the open
    interval (-1, 1): a scan of 1999 points brackets the minimum, then a bounded Brent search
    (:func:`scipy.optimize.minimize_scalar`) refines it to ``xtol``. At the minimum
    two pole moduli cross (the radius has a kink there), so the rate is accurate to
    about ``xtol`` times the radius's slope. SymPy gives no useful closed form: the
    optimum is a root of a high-degree resultant.

    Parameters
    ----------
    alpha_sigma : float
        :math:`h = \\alpha\\sigma` > 0.
    method : str or Method
        A game rule with momentum (default ``"gda_alternating_heavy_ball"``).
    a, c : float
        Self-curvatures relative to sigma (default 0: the bilinear game).
    xtol : float
        Tolerance in ``beta`` of the refinement, > 0.

    Returns
    -------
    BestGameMomentum
        The best ``beta``, its rate and the rate at ``beta = 0``.

    Raises
    ------
    ValueError
        For ``alpha_sigma <= 0``, a one-player rule or one without momentum.

    See Also
    --------
    game_stability_region : the whole plane.

    Examples
    --------
    Simultaneous GDA has no converging momentum (Gidel et al. 2019):

    >>> r = best_game_momentum(0.5, "gda_simultaneous_heavy_ball")
    >>> r.rate > 1
    True
    """
    from scipy.optimize import minimize_scalar

    h = float(check_positive(check_scalar(alpha_sigma, "alpha_sigma"), "alpha_sigma"))
    m = _game_method(method)
    if not m.has_momentum:
        raise ValueError(f"method {m.name!r} has no momentum beta to tune")
    a_f, c_f = check_scalar(a, "a"), check_scalar(c, "c")
    tol = float(check_positive(check_scalar(xtol, "xtol"), "xtol"))

    def rho(b):
        return np.asarray(spectral_radius(m, alpha=h, beta=b, sigma=1.0, a=a_f, c=c_f), float)

    # The open interval: at beta = -1 simultaneous GDA has poles of modulus exactly 1
    # (marginal, not convergent), which rounding could report just below 1.
    grid = np.linspace(-1.0, 1.0, 2001)[1:-1]
    r = rho(grid)
    i = int(np.nanargmin(r))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    best_b, best_r = float(grid[i]), float(r[i])
    if hi > lo:
        res = minimize_scalar(lambda b: float(rho(b)), bounds=(lo, hi), method="bounded",
                              options={"xatol": tol, "maxiter": 500})
        if res.fun <= best_r:
            best_b, best_r = float(res.x), float(res.fun)
    return BestGameMomentum(best_b, best_r, float(rho(0.0)), h)


class GameCovariance(NamedTuple):
    """Stationary covariance of a game rule under independent gradient noise per player.

    Attributes
    ----------
    iterates : ndarray, shape (2, 2)
        Covariance of the players' iterates ``(x, y)``.
    state : ndarray, shape (n, n)
        Covariance of the whole state (iterates first, then the rule's other states).
    spectral_radius : float
        Of the linearisation (< 1, or there is no stationary distribution).

    See Also
    --------
    game_stationary_covariance : computes it.

    Examples
    --------
    >>> c = game_stationary_covariance("gda_alternating_heavy_ball", 0.5, -0.3, 1.0)
    >>> c.iterates.shape, bool(c.spectral_radius < 1)
    ((2, 2), True)
    """

    iterates: np.ndarray
    state: np.ndarray
    spectral_radius: float


def game_stationary_covariance(method: str | Method, alpha: float, beta: float | None,
                               sigma: float, *, a: float = 0.0, c: float = 0.0,
                               noise=(1.0, 1.0)) -> GameCovariance:
    """Stationary covariance of a stable game rule under gradient noise, one level per player.

    Each player's gradient oracle returns the exact gradient plus independent zero-mean
    noise of variance ``noise[i]``; the linearisation on
    :math:`a x^2/2 + \\sigma x y - c y^2/2` (derived by :mod:`momentum_dynamics.symbolic`,
    one noise input per player) gives ``s' = A s + B xi``, whose stationary covariance
    solves the discrete Lyapunov equation :math:`P = A P A^\\top + B\\,\\mathrm{diag}(
    \\mathrm{noise}) B^\\top`.

    Parameters
    ----------
    method : str or Method
        A game rule, e.g. ``"gda_alternating_heavy_ball"``.
    alpha : float
        Step size, > 0.
    beta : float or None
        Momentum in [-1, 1] (None for a rule without momentum).
    sigma : float
        Singular value of the coupling, >= 0.
    a, c : float
        Self-curvatures of the two players (default 0).
    noise : pair of float
        Gradient-noise variances of the two players, >= 0.

    Returns
    -------
    GameCovariance

    Raises
    ------
    ValueError
        For a rule that is not a game, bad parameters (named), a negative noise variance,
        or an unstable linearisation (spectral radius >= 1: no stationary distribution).

    See Also
    --------
    momentum_dynamics.to_statespace : the same system as a python-control object.
    momentum_dynamics.stationary_covariance : one-player methods.

    Examples
    --------
    >>> c = game_stationary_covariance("gda_alternating_heavy_ball", 0.5, -0.3, 1.0,
    ...                                noise=(1.0, 0.0))
    >>> bool(c.iterates[0, 0] > 0 and c.iterates[1, 1] > 0)
    True
    """
    from scipy.linalg import solve_discrete_lyapunov

    from .. import lti

    m = get_method(method)
    if not m.is_game:
        raise ValueError(f"method {m.name!r} is not a game rule; use "
                         "momentum_dynamics.stationary_covariance")
    q = np.asarray(check_nonnegative(noise, "noise"), dtype=float)
    if q.shape != (len(m.oracles),):
        raise ValueError(f"noise must hold one variance per player ({len(m.oracles)}); got "
                         f"shape {q.shape}")
    sys = lti.to_statespace(m, alpha, beta, sigma=sigma, a=a, c=c)
    A, B = np.asarray(sys.A), np.asarray(sys.B)
    rho = float(np.abs(np.linalg.eigvals(A)).max())
    if not rho < 1:
        raise ValueError(f"the linearisation of {m.name!r} at alpha={alpha!r}, beta={beta!r}, "
                         f"sigma={sigma!r}, a={a!r}, c={c!r} is unstable (spectral radius "
                         f"{rho:.6g} >= 1): no stationary covariance")
    P = solve_discrete_lyapunov(A, B @ np.diag(q) @ B.T)
    P = (P + P.T) / 2
    p = len(m.oracles)
    return GameCovariance(P[:p, :p], P, rho)

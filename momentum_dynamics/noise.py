"""Stationary covariance of a momentum method under additive gradient noise.

On ``f(x) = x^T H x / 2`` with gradient noise ``xi ~ (0, Sigma)`` the state obeys
``s[k+1] = A s[k] + B xi[k]``, and its stationary covariance solves the discrete
Lyapunov equation

.. math:: P = A P A^\\top + B \\Sigma B^\\top .

Instead of solving it on the full ``order*d``-dimensional system (cost
:math:`O((\\text{order}\\,d)^3)`), we use structure. In the eigenbasis ``Q`` of ``H`` the
state matrix is block diagonal with one ``order x order`` block ``A_i`` per curvature, and
the equation splits into one small Stein equation per pair of eigen-directions:

.. math:: P_{ij} = A_i P_{ij} A_j^\\top + \\tilde\\Sigma_{ij}\\, b_i b_j^\\top,
          \\qquad \\tilde\\Sigma = Q^\\top \\Sigma Q .

For methods of order 1 and 2 each pair has a closed form. With ``p_i(z) = z^2 - t_i z +
delta_i`` the characteristic polynomial on curvature ``lambda_i``, the state is
``W_i = [b_i, (A_i - t_i I) b_i]`` times the companion state ``(u_k, u_{k-1})`` of the
AR(2) recursion ``u_k = t_i u_{k-1} - delta_i u_{k-2} + xi_{k-1}``, and the cross-moments
of two such recursions driven by unit-correlated noise are

.. math::
    E[u^i_k u^j_k] = \\frac{1 - \\delta_i \\delta_j}{D_{ij}}, \\quad
    E[u^i_k u^j_{k-1}] = \\frac{t_i - \\delta_i t_j}{D_{ij}}, \\quad
    E[u^i_{k-1} u^j_k] = \\frac{t_j - \\delta_j t_i}{D_{ij}},

    D_{ij} = (\\pi_i - \\pi_j)^2 + (\\pi_i - \\pi_j)(e_i \\pi_j - e_j \\pi_i)
             + (e_i + e_j - e_i e_j)(e_i \\pi_j + e_j \\pi_i) - e_i e_j \\pi_i \\pi_j,

written in ``pi_i = p_i(1)`` and ``e_i = 1 - delta_i``. Both are derived symbolically from
the update rule (for heavy ball ``pi = alpha*lambda`` and ``e = 1 - beta`` exactly), so no
cancellation happens as ``beta -> 1`` or ``lambda -> 0``; for ``i = j``,
``D = e^2 p(1) p(-1)``. Higher orders use batched Kronecker solves of the Stein
equations. When the noise is co-diagonal with ``H`` only the ``d`` diagonal pairs are
needed, and the whole solve is O(d).

The result keeps the covariance in the eigenbasis and rotates a block back to the original
coordinates only when asked (``.x``, ``.state``, :meth:`StationaryCovariance.block`).
"""

from __future__ import annotations

from functools import cache, cached_property

import numpy as np
import sympy as sp

from . import symbolic as S
from ._docstrings import fill_doc
from ._validation import check_hessian, check_noise_cov
from .lti import (
    _compile_in_curvature,
    _evaluate_in_curvature,
    _scalar_hyperparameters,
    entry_polynomials,
)
from .methods import Method, get_method
from .numeric import convergence_gap, spectral_radius

__all__ = ["StationaryCovariance", "stationary_covariance"]


class StationaryCovariance:
    """Result of :func:`stationary_covariance`.

    The covariance is held in the eigenbasis of the Hessian; blocks in the original
    coordinates are computed on first access and cached.

    Attributes
    ----------
    x : ndarray (d, d)
        Covariance of the iterate around the minimiser.
    state : ndarray (order*d, order*d)
        Covariance of the whole state, blocks in the method's state order
        (``x`` block first, then ``v``, ...).
    excess_loss : float
        :math:`E f(x) - f^* = \\tfrac12 \\operatorname{tr}(H\\,\\mathrm{Cov}(x))`.
    total_variance : float
        :math:`\\operatorname{tr} \\mathrm{Cov}(x) = E\\|x - x^*\\|^2`.
    curvatures : ndarray (d,)
        Eigenvalues of the Hessian.
    eigenvectors : ndarray (d, d) or None
        Their eigenvectors (columns); ``None`` when the Hessian was diagonal.
    codiagonal : bool
        Whether the noise was diagonal in the Hessian's eigenbasis.

    Parameters
    ----------
    method : Method
        The method whose stationary state this describes.
    curvatures : ndarray (d,)
        Eigenvalues of the Hessian.
    eigenvectors : ndarray (d, d) or None
        Their eigenvectors (columns); ``None`` when the Hessian was diagonal.
    block_in_eigenbasis : callable
        ``block_in_eigenbasis(i, j, diagonal=False)``: the covariance block of state
        components ``i`` and ``j`` in the eigenbasis (its diagonal when
        ``diagonal=True``). Built by :func:`stationary_covariance`; not meant to be
        constructed by hand.
    codiagonal : bool
        Whether the noise was diagonal in the Hessian's eigenbasis.

    See Also
    --------
    stationary_covariance : the function that returns it.
    momentum_dynamics.symbolic.stationary_covariance : the exact scalar version.

    Examples
    --------
    Heavy ball on a diagonal Hessian; each curvature's block solves the discrete
    Lyapunov equation (the tests check it against SciPy's solver):

    >>> r = stationary_covariance("heavy_ball", 0.1, 0.5, hessian=[1.0, 2.0],
    ...                           noise_cov=1.0)
    >>> r.x.shape, r.codiagonal, r.eigenvectors is None
    ((2, 2), True, True)
    >>> bool(np.isclose(r.total_variance, np.trace(r.x)))
    True
    """

    def __init__(self, method: Method, curvatures, eigenvectors, block_in_eigenbasis,
                 codiagonal: bool):
        self.method = method
        self.curvatures = curvatures
        self.eigenvectors = eigenvectors
        self.codiagonal = codiagonal
        self._eigen_block = block_in_eigenbasis
        var = self._eigen_block(0, 0, diagonal=True)
        self.total_variance = float(np.sum(var))
        self.excess_loss = 0.5 * float(np.sum(curvatures * var))

    def __repr__(self):
        return (f"StationaryCovariance(method={self.method.name!r}, d={self.curvatures.size}, "
                f"total_variance={self.total_variance:.6g}, "
                f"excess_loss={self.excess_loss:.6g})")

    def _index(self, name):
        if name not in self.method.state:
            raise ValueError(f"state component must be one of {list(self.method.state)}; "
                             f"got {name!r}")
        return self.method.state.index(name)

    def block(self, first: str = "x", second: str | None = None, *,
              eigenbasis: bool = False) -> np.ndarray:
        """Cross-covariance ``E[first second^T]`` of two state components, (d, d).

        Parameters
        ----------
        first, second : str
            State components (``"x"``, ``"v"``, ...); ``second`` defaults to ``first``.
        eigenbasis : bool
            Return it in the Hessian's eigenbasis instead of the original coordinates.

        Examples
        --------
        >>> r = stationary_covariance("heavy_ball", 0.1, 0.5, hessian=[1.0, 4.0])
        >>> r.block("x", "v").shape
        (2, 2)
        """
        r = self._index(first)
        c = r if second is None else self._index(second)
        P = self._eigen_block(r, c)
        Q = None if eigenbasis else self.eigenvectors
        if P.ndim == 1:
            out = np.diag(P) if Q is None else (Q * P) @ Q.T
        else:
            out = P.copy() if Q is None else Q @ P @ Q.T
        if r == c:
            out = 0.5 * (out + out.T)
        return out

    @cached_property
    def x(self) -> np.ndarray:
        return self.block("x")

    @cached_property
    def state(self) -> np.ndarray:
        n = self.method.order
        return np.block([[self.x if (r, c) == (0, 0) else
                          self.block(self.method.state[r], self.method.state[c])
                          for c in range(n)] for r in range(n)])


@cache
def _closed_form_model(method: Method):
    """What the closed-form Stein blocks need, derived exactly and compiled in lambda.

    ``p(1)`` and ``1 - p(0)`` of the monic characteristic polynomial, and the matrix ``W``
    whose columns are the state per unit level ``u_k`` and per unit increment
    ``u_k - u_{k-1}`` of the companion recursion (order 2), or ``b`` (order 1). Deriving
    ``W`` symbolically keeps its exact zeros: for the EMA form the velocity has no level
    component, and a rounding error there would be amplified by the ``1/lambda`` level
    variance.
    """
    model = S.model(method)
    A, b = model.A, model.B[:, 0]
    poly = model.charpoly
    coeffs = [c / poly.LC() for c in poly.all_coeffs()]
    syms = S.hyperparameter_symbols(method)
    args = [syms[h] for h in method.hyperparameters]
    at_one = sp.expand(sum(coeffs))
    e = sp.expand(1 - coeffs[-1])
    if A.shape[0] == 1:
        W = b.reshape(1, 1)
    else:
        t = A.trace()
        Ab = A * b
        W = sp.Matrix.hstack(Ab + (1 - t) * b, t * b - Ab).applyfunc(sp.expand)
    return (_compile_in_curvature(at_one, args), _compile_in_curvature(e, args),
            [[_compile_in_curvature(W[r, c], args) for c in range(W.shape[1])]
             for r in range(W.shape[0])])


def _closed_form_blocks(W, pi, e, St, codiagonal):
    """``block(r, c, diagonal=False)`` for order 1 and 2 from the closed forms."""
    n = W.shape[1]
    d = pi.size
    s_diag = np.diag(St) if St.ndim == 2 else St

    if n == 1:
        def moments(i, j):  # E[u^i u^j] with u^i[k+1] = (1 - pi_i) u^i[k] + xi
            return [[1.0 / (pi[i] + pi[j] - pi[i] * pi[j])]]
    else:
        def moments(i, j):  # level/increment moments, numerators free of cancellation
            pi_i, pi_j, e_i, e_j = pi[i], pi[j], e[i], e[j]
            dp = pi_i - pi_j
            one_minus = e_i + e_j - e_i * e_j  # 1 - delta_i delta_j
            den = (dp * dp + dp * (e_i * pi_j - e_j * pi_i)
                   + one_minus * (e_i * pi_j + e_j * pi_i) - e_i * e_j * pi_i * pi_j)
            level = one_minus / den
            level_increment = (dp + e_i * pi_j) / den
            increment_level = (e_j * pi_i - dp) / den
            increment = (e_i * pi_j + e_j * pi_i) / den
            return [[level, level_increment], [increment_level, increment]]

    def block(r, c, diagonal=False):
        if diagonal or codiagonal:
            i = j = np.arange(d)
            s = s_diag
        else:
            i, j = np.arange(d)[:, None], np.arange(d)[None, :]
            s = St
        G = moments(i, j)
        out = 0.0
        for p in range(n):
            for q in range(n):
                out = out + W[i, r, p] * G[p][q] * W[j, c, q]
        return s * out

    return block


def _kronecker_blocks(A, b, St, codiagonal):
    """``block(r, c, diagonal=False)`` by batched Kronecker solves (any order)."""
    n, d = A.shape[1], b.shape[0]
    s_diag = np.diag(St) if St.ndim == 2 else St
    if codiagonal:
        ii = jj = np.arange(d)
        s = s_diag
    else:
        ii, jj = np.triu_indices(d)
        s = St[ii, jj]
    # Row-major vec: vec(A_i P A_j^T) = (A_i kron A_j) vec(P).
    K = np.eye(n * n) - np.einsum("pac,pbd->pabcd", A[ii], A[jj]).reshape(-1, n * n, n * n)
    rhs = s[:, None, None] * b[ii][:, :, None] * b[jj][:, None, :]
    blocks = np.linalg.solve(K, rhs.reshape(-1, n * n, 1)).reshape(-1, n, n)

    def block(r, c, diagonal=False):
        if codiagonal:
            return blocks[:, r, c]
        if diagonal:
            return blocks[ii == jj][:, r, c]
        out = np.empty((d, d))
        out[ii, jj] = blocks[:, r, c]
        out[jj, ii] = blocks[:, c, r]
        return out

    return block


@fill_doc()
def stationary_covariance(method, alpha, beta=None, hessian=None, noise_cov=1.0,
                          **hyperparameters) -> StationaryCovariance:
    """Stationary covariance of the state under additive gradient noise.

    Solves :math:`P = A P A^\\top + B \\Sigma B^\\top` blockwise in the eigenbasis of the
    Hessian (see :mod:`momentum_dynamics.noise`): O(d) for noise co-diagonal with the
    Hessian, O(d^2) closed-form pairs plus two O(d^3) rotations for general noise.

    Parameters
    ----------
    %(method)s
    alpha, beta : float
        Hyper-parameters (scalars); ``beta=None`` for methods without momentum.
    hessian : array_like or (eigenvalues, eigenvectors)
        Symmetric (d, d) Hessian, a 1-D array of curvatures (diagonal Hessian), or the
        pair ``(w, Q)`` that :func:`numpy.linalg.eigh` returns, ``H = Q diag(w) Q^T``.
    noise_cov : float or array_like
        Gradient-noise covariance: a scalar (``sigma**2 I``), a 1-D diagonal, or a
        symmetric positive semi-definite (d, d) matrix.
    **hyperparameters
        Extra scalar hyper-parameters of a user method.

    Returns
    -------
    StationaryCovariance
        With ``.x``, ``.state``, ``.block(...)``, ``.excess_loss``, ``.total_variance``.

    Raises
    ------
    ValueError
        When the method is not stable on some curvature (no stationary distribution
        exists), or for a non-symmetric Hessian, mismatched shapes, or a noise
        covariance that is not positive semi-definite.

    See Also
    --------
    StationaryCovariance : the result.
    momentum_dynamics.symbolic.stationary_covariance : the exact scalar version.

    Examples
    --------
    Gradient descent on one curvature: ``Var(x) = alpha**2 sigma**2 / (1 - (1 - alpha
    lambda)**2)``.

    >>> r = stationary_covariance("gd", 0.1, None, hessian=[2.0], noise_cov=1.0)
    >>> round(float(r.x[0, 0]), 15), round(0.01 / (1 - 0.8**2), 15)
    (0.027777777777778, 0.027777777777778)
    """
    m = get_method(method)
    args = _scalar_hyperparameters(m, alpha, beta, hyperparameters)
    lam, Q = check_hessian(hessian)
    d, n = lam.size, m.order
    Sigma = check_noise_cov(noise_cov, d)

    values = dict(zip(m.hyperparameters, args, strict=True))
    a, b_ = values.pop("alpha"), values.pop("beta", None)
    # The gap 1 - rho, not rho < 1: rho rounds to 1 on tiny curvatures that are stable.
    gap = np.atleast_1d(convergence_gap(m, a, b_, lam, **values))
    if not np.all(gap > 0):
        rho = np.atleast_1d(spectral_radius(m, a, b_, lam, **values))
        i = int(np.argmin(np.where(np.isnan(gap), -np.inf, gap)))
        raise ValueError(
            f"no stationary distribution: {m.name} with alpha={a!r}, beta={b_!r} is "
            f"not stable on the hessian's curvature {float(lam[i])!r} (spectral radius "
            f"{rho[i]:.6g} >= 1); lower alpha or change beta"
        )

    if Sigma.ndim == 1 and Q is None:
        St, codiagonal = Sigma, True
    else:
        full = np.diag(Sigma) if Sigma.ndim == 1 else Sigma
        St = full if Q is None else Q.T @ full @ Q
        off = St - np.diag(np.diag(St))
        codiagonal = bool(np.abs(off).max() <= 1e-14 * max(1.0, np.abs(St).max()))
        if codiagonal:
            St = np.diag(St).copy()

    if n <= 2:
        at_one, e, w = _closed_form_model(m)
        ones = np.ones(d)
        W = np.stack([np.stack([_evaluate_in_curvature(f, args, lam) * ones for f in row],
                               axis=1) for row in w], axis=1)  # (d, rows, cols)
        block = _closed_form_blocks(W, _evaluate_in_curvature(at_one, args, lam) * ones,
                                    _evaluate_in_curvature(e, args, lam) * ones,
                                    St, codiagonal)
    else:
        polyA, polyB = entry_polynomials(m)

        def evaluate(poly):  # (d, rows, cols): the scalar model at every curvature
            return np.stack([np.stack([_evaluate_in_curvature(f, args, lam) * np.ones(d)
                                       for f in row], axis=1) for row in poly], axis=1)

        block = _kronecker_blocks(evaluate(polyA), evaluate(polyB)[:, :, 0], St, codiagonal)
    return StationaryCovariance(m, lam, Q, block, codiagonal)

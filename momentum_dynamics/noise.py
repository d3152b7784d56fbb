"""Stationary covariance of a momentum method under additive gradient noise.

On ``f(x) = x^T H x / 2`` with gradient noise ``xi ~ (0, Sigma)`` the state obeys
``s[k+1] = A s[k] + B xi[k]``, and its stationary covariance solves the discrete
Lyapunov equation

.. math:: P = A P A^\\top + B \\Sigma B^\\top .

Instead of solving it on the full ``order*d``-dimensional system (cost
:math:`O((\\text{order}\\,d)^3)`), we use structure: in the eigenbasis of ``H`` the
state matrix is block diagonal with one ``order x order`` block per curvature, so the
equation splits into independent small Sylvester equations for each pair of
eigen-directions ``(i, j)``:

.. math:: P_{ij} = A_i P_{ij} A_j^\\top + \\tilde\\Sigma_{ij}\\, b_i b_j^\\top,
          \\qquad \\tilde\\Sigma = Q^\\top \\Sigma Q .

When the noise is co-diagonal with ``H`` only the ``d`` diagonal pairs are non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lti import _entry_polynomials, _scalar_hyperparameters
from .methods import get_method

__all__ = ["StationaryCovariance", "stationary_covariance"]


@dataclass(frozen=True)
class StationaryCovariance:
    """Result of :func:`stationary_covariance`.

    Attributes
    ----------
    x : ndarray (d, d)
        Covariance of the iterate around the minimiser.
    state : ndarray (order*d, order*d)
        Covariance of the whole state, blocks in the method's state order
        (``x`` block first, then ``v``, ...).
    excess_loss : float
        :math:`E f(x) - f^* = \\tfrac12 \\operatorname{tr}(H\\,\\mathrm{Cov}(x))`.
    """

    x: np.ndarray
    state: np.ndarray
    excess_loss: float


def _hessian(hessian):
    if hessian is None:
        raise TypeError("hessian is required: a symmetric (d, d) array or 1-D curvatures")
    H = np.asarray(hessian, dtype=float)
    if H.ndim == 0:
        H = H.reshape(1)
    if H.ndim == 1:
        if not np.all(np.isfinite(H)):
            raise ValueError("hessian must be finite (no NaN or inf)")
        return H, np.eye(H.size), True
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"hessian must be a square (d, d) array or a 1-D array of "
                         f"curvatures; got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("hessian must be finite (no NaN or inf)")
    scale = max(1.0, float(np.abs(H).max()))
    if not np.allclose(H, H.T, rtol=0, atol=1e-12 * scale):
        i, j = np.unravel_index(np.argmax(np.abs(H - H.T)), H.shape)
        raise ValueError(f"hessian must be symmetric; hessian[{i}, {j}]={H[i, j]!r} but "
                         f"hessian[{j}, {i}]={H[j, i]!r}")
    if np.count_nonzero(H - np.diag(np.diag(H))) == 0:
        return np.diag(H).copy(), np.eye(H.shape[0]), True
    lam, Q = np.linalg.eigh(H)
    return lam, Q, False


def _noise(noise_cov, d):
    S = np.asarray(noise_cov, dtype=float)
    if not np.all(np.isfinite(S)):
        raise ValueError("noise_cov must be finite (no NaN or inf)")
    if S.ndim == 0:
        S = np.full(d, float(S))
    if S.ndim == 1:
        if S.shape != (d,):
            raise ValueError(f"noise_cov as a 1-D diagonal must have shape ({d},); "
                             f"got {S.shape}")
        if np.any(S < 0):
            raise ValueError(f"noise_cov must be positive semi-definite; the diagonal has "
                             f"the negative entry {S[S < 0][0]!r}")
        return S, True
    if S.shape != (d, d):
        raise ValueError(f"noise_cov must have shape ({d}, {d}) to match the hessian; "
                         f"got {S.shape}")
    scale = max(1.0, float(np.abs(S).max()))
    if not np.allclose(S, S.T, rtol=0, atol=1e-12 * scale):
        raise ValueError("noise_cov must be symmetric")
    w = np.linalg.eigvalsh(S)
    if w[0] < -1e-12 * scale:
        raise ValueError(f"noise_cov must be positive semi-definite; its smallest "
                         f"eigenvalue is {w[0]!r}")
    return S, False


def stationary_covariance(method, alpha, beta=None, hessian=None, noise_cov=1.0,
                          **hyperparameters) -> StationaryCovariance:
    """Stationary covariance of the state under additive gradient noise.

    Parameters
    ----------
    method : str or Method
    alpha, beta : float
        Hyper-parameters (scalars); ``beta=None`` for methods without momentum.
    hessian : array_like
        Symmetric (d, d) Hessian, or a 1-D array of curvatures (diagonal Hessian).
    noise_cov : float or array_like
        Gradient-noise covariance: a scalar (``sigma**2 I``), a 1-D diagonal, or a
        symmetric positive semi-definite (d, d) matrix.

    Returns
    -------
    StationaryCovariance

    Raises
    ------
    ValueError
        When the method is not stable on some curvature (no stationary distribution
        exists), or for a non-symmetric Hessian, mismatched shapes, or a noise
        covariance that is not positive semi-definite.

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
    a = args[m.hyperparameters.index("alpha")]
    lam, Q, diagonal_h = _hessian(hessian)
    d, n = lam.size, m.order
    Sigma, diagonal_s = _noise(noise_cov, d)

    polyA, polyB = _entry_polynomials(m)

    def evaluate(poly):  # (d, rows, cols): the scalar model at every curvature
        out = np.zeros((d, len(poly), len(poly[0])))
        for r, row in enumerate(poly):
            for c, coeffs in enumerate(row):
                out[:, r, c] = sum(float(f(*args)) * lam**k for k, f in enumerate(coeffs))
        return out

    A = evaluate(polyA)
    bvec = evaluate(polyB)[:, :, 0]
    rho = np.abs(np.linalg.eigvals(A)).max(axis=1)
    if np.any(rho >= 1):
        i = int(np.argmax(rho))
        raise ValueError(
            f"no stationary distribution: {m.name} with alpha={a!r}, beta={beta!r} is not "
            f"stable on the curvature {lam[i]!r} (spectral radius {rho[i]:.6g} >= 1)"
        )
    if diagonal_s:
        St = np.diag(Sigma) if diagonal_h else Q.T @ np.diag(Sigma) @ Q
    else:
        St = Q.T @ Sigma @ Q if not diagonal_h else Sigma
    codiagonal = diagonal_s and diagonal_h or np.allclose(
        St - np.diag(np.diag(St)), 0, atol=1e-14 * max(1.0, np.abs(St).max()))
    if codiagonal:
        ii = jj = np.arange(d)
    else:
        ii, jj = np.triu_indices(d)
    eye = np.eye(n * n)
    # Row-major vec: vec(A_i P A_j^T) = (A_i kron A_j) vec(P).
    K = eye - np.einsum("pac,pbd->pabcd", A[ii], A[jj]).reshape(-1, n * n, n * n)
    rhs = (St[ii, jj][:, None, None] * bvec[ii][:, :, None] * bvec[jj][:, None, :])
    blocks = np.linalg.solve(K, rhs.reshape(-1, n * n, 1)).reshape(-1, n, n)
    P = np.zeros((n, d, n, d))
    P[:, ii, :, jj] = blocks
    P[:, jj, :, ii] = np.swapaxes(blocks, 1, 2)
    if diagonal_h:
        state = P.reshape(n * d, n * d)
    else:
        rotated = np.einsum("ij,kjlm,nm->kiln", Q, P, Q, optimize=True)
        state = rotated.reshape(n * d, n * d)
    state = 0.5 * (state + state.T)
    cov_x = state[:d, :d].copy()
    excess = 0.5 * float(np.sum(np.diag(P[0, :, 0, :]) * lam))
    return StationaryCovariance(cov_x, state, excess)

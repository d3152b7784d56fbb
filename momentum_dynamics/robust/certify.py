r"""Certified worst-case rates on :math:`\mathcal F_{\mu,L}` by small SDPs (IQCs).

A rate from :func:`momentum_dynamics.convergence_rate` holds on quadratics. A rate that
holds on every :math:`L`-smooth, :math:`\mu`-strongly convex function needs a
certificate: here the integral-quadratic-constraint (IQC) analysis of Lessard, Recht &
Packard (2016). With the method in Lur'e form (:mod:`momentum_dynamics.robust.lure`),
:math:`s^+ = A s + B u`, :math:`y = C s + D u`, :math:`u = \nabla f(y)`, and an IQC
for the gradient with filter state :math:`\psi` and output :math:`z`, the rate
:math:`\rho` is certified if there are :math:`P \succ 0` and multipliers
:math:`\lambda_i \ge 0` with (their Theorem 4)

.. math::

    \begin{bmatrix} \hat A^T P \hat A - \rho^2 P & \hat A^T P \hat B \\
    \hat B^T P \hat A & \hat B^T P \hat B \end{bmatrix}
    + \sum_i \lambda_i \begin{bmatrix} \hat C_i & \hat D_i \end{bmatrix}^T M_i
    \begin{bmatrix} \hat C_i & \hat D_i \end{bmatrix} \preceq 0,

where :math:`(\hat A, \hat B, \hat C, \hat D)` is the method in series with the IQC
filters. Then :math:`V(s, \psi) = (s, \psi)^T P (s, \psi)` is a Lyapunov function:
:math:`\|s_k - s_\star\| \le \sqrt{\operatorname{cond} P}\,\rho^k \|s_0 - s_\star\|`.
The IQCs, per gradient call, with the gradients scaled by :math:`1/L` (class
:math:`\mathcal F_{\mu/L,1}`; the rate does not change, the SDP is better conditioned):

* ``"sector"`` (their Lemma 6): :math:`(u - \mu y)(L y - u) \ge 0` pointwise,
  :math:`M = \begin{bmatrix} -2\mu L & \mu + L \\ \mu + L & -2\end{bmatrix}`, no
  filter state;
* ``"off_by_one"``: the sector IQC *and* the weighted off-by-one IQC (their Lemma 10),
  :math:`z = \big((L y_k - u_k) - \rho^2 (L y_{k-1} - u_{k-1}),\; u_k - \mu y_k\big)`,
  :math:`M = \begin{bmatrix} 0 & 1 \\ 1 & 0 \end{bmatrix}`, filter state
  :math:`\psi_k = u_{k-1}/L - y_{k-1}` (:math:`\psi_0 = 0`); it depends on
  :math:`\rho` and uses that the gradient comes from one convex function.

The SDP (Clarabel through cvxpy, the solver named explicitly) is normalised with
:math:`P \succeq I`; the rate is found by bisection from the quadratic rate (a lower
bound: quadratics are in the class). Every solution the solver reports is checked
independently of it (:func:`verify_certificate`: the eigenvalues of the LMI matrix
rebuilt in NumPy from :math:`P` and the multipliers) and refused if it fails.

References
----------
Lessard, Recht & Packard (2016), "Analysis and design of optimization algorithms via
integral quadratic constraints", SIAM J. Optim. 26(1), 57-95.

Van Scoy, Freeman & Lynch (2018), "The fastest known globally convergent first-order
method for minimizing strongly convex functions", IEEE Control Systems Letters 2(1).
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_choice, check_scalar, check_spectrum
from ..methods import Method, get_method
from .lure import _linear_step, _params, _Step

__all__ = ["Certificate", "certified_rate", "verify_certificate"]

IQCS = ("sector", "off_by_one")
# Relative tolerance of the independent check: the largest eigenvalue of the LMI matrix
# over the sum of the norms of its terms (an interior-point solution sits at ~1e-9).
# Bound on the SDPs of one bisection (about 20 are needed at tol = 1e-6).
_MAX_SOLVES = 80


@dataclass(frozen=True, eq=False)
class Certificate:
    r"""A certified rate on :math:`\mathcal F_{\mu,L}` and its Lyapunov certificate.

    Attributes
    ----------
    method : str
    mu, L : float
        The class.
    params : dict
        The hyper-parameters.
    iqc : str
        ``"sector"`` or ``"off_by_one"``.
    rate : float
        The smallest verified rate found by bisection (within ``tol``); NaN if none.
    quadratic_rate : float
        :func:`momentum_dynamics.convergence_rate` on ``[mu, L]``, a lower bound.
    lmi_rate : float
        The :math:`\\rho` of the SDP whose solution is the certificate; ``rate`` is
        what the check proves from it (slightly larger: the solver's rounding).
    P : ndarray or None
        The Lyapunov matrix on the method's state, then the IQC filter states (for
        ``"off_by_one"`` one per gradient call); ``P >= I``.
    multipliers : dict
        ``{"sector": (...), "off_by_one": (...)}``, one :math:`\lambda \ge 0` per
        gradient call, for the gradients scaled by :math:`1/L`.
    lmi_max_eigenvalue : float
        The largest eigenvalue of the LMI matrix, recomputed in NumPy (<= ~0).
    p_min_eigenvalue : float
        The smallest eigenvalue of ``P``.
    verified : bool
        Whether the certificate passed the independent check.
    reason : str
        Why there is no certificate, or ``"certified"``.
    solves : int
        Number of SDPs solved.
    seconds : float
        Wall time of the bisection.

    See Also
    --------
    certified_rate, verify_certificate

    Examples
    --------
    >>> c = certified_rate("gd", mu=1.0, L=10.0, alpha=0.1)
    >>> c.verified, c.reason
    (True, 'certified')
    """

    method: str
    mu: float
    L: float
    params: dict
    iqc: str
    rate: float
    quadratic_rate: float
    lmi_rate: float
    P: np.ndarray | None = field(repr=False)
    multipliers: dict = field(repr=False)
    lmi_max_eigenvalue: float
    p_min_eigenvalue: float
    verified: bool
    reason: str
    solves: int = 0
    seconds: float = field(default=0.0, repr=False)

    @property
    def condition_number(self) -> float:
        """``cond(P)``: :math:`\\|s_k\\| \\le \\sqrt{\\mathrm{cond}\\,P}\\,\\rho^k \\|s_0\\|`."""
        if self.P is None:
            return math.nan
        w = np.linalg.eigvalsh(self.P)
        return float(w[-1] / w[0])


# --------------------------------------------------------------------------
# The augmented system and the LMI (NumPy side: used to verify)
# --------------------------------------------------------------------------


def _normalised(step: _Step, L: float) -> _Step:
    """The gradients scaled by 1/L: u = L u' (class F(mu/L, 1))."""
    return _Step(A=step.A, B=step.B * L, C=step.C, D=step.D * L)


def _blocks(step: _Step, m: float, rho: float, iqc: str):
    """(Ahat, Bhat, [(Chat_i, Dhat_i, M_i, kind)]) for the class F(m, 1)."""
    n, calls = step.B.shape
    M_sector = np.array([[-2 * m, m + 1], [m + 1, -2.0]])
    M_off = np.array([[0.0, 1.0], [1.0, 0.0]])
    extra = calls if iqc == "off_by_one" else 0
    N = n + extra
    Ah = np.zeros((N, N))
    Bh = np.zeros((N, calls))
    Ah[:n, :n], Bh[:n] = step.A, step.B
    terms = []
    for i in range(calls):
        Cy = np.zeros(N)
        Cy[:n] = step.C[i]
        Dy = step.D[i].copy()
        Du = np.zeros(calls)
        Du[i] = 1.0
        # sector: rows (y_i, u_i)
        terms.append((np.vstack([Cy, np.zeros(N)]), np.vstack([Dy, Du]), M_sector, "sector"))
        if iqc == "off_by_one":
            # psi_{k+1} = u_k - y_k (scaled); z = (y - u + rho^2 psi, u - m y)
            Ah[n + i] += -Cy
            Bh[n + i] += Du - Dy
            e = np.zeros(N)
            e[n + i] = rho ** 2
            Cz = np.vstack([Cy + e, -m * Cy])
            Dz = np.vstack([Dy - Du, Du - m * Dy])
            terms.append((Cz, Dz, M_off, "off_by_one"))
    return Ah, Bh, terms


def _lmi(Ah, Bh, terms, rho, P, lams):
    """The LMI matrix and the sum of the norms of its terms (the scale of the check)."""
    N = Ah.shape[0]
    G = np.hstack([Ah, Bh])
    K = G.T @ P @ G
    scale = np.linalg.norm(K, 2)
    K[:N, :N] -= rho ** 2 * P
    scale += rho ** 2 * np.linalg.norm(P, 2)
    for (Cz, Dz, M, _), lam in zip(terms, lams, strict=True):
        H = np.hstack([Cz, Dz])
        T = lam * (H.T @ M @ H)
        K += T
        scale += np.linalg.norm(T, 2)
    return (K + K.T) / 2, scale


def _check(Ah, Bh, n, D, terms, rho, P, lams) -> tuple[float, float, float]:
    """The rate (P, multipliers) certify at ``rho``, checked without the solver.

    In coordinates where P = I (eta = P^(1/2) state): if the LMI matrix is <= eps I,
    then V+ <= rho^2 V + eps (|eta|^2 + |u|^2) - IQC terms, and |u| <= |y| (sector,
    gradients scaled by 1/L) <= |C eta| + |D| |u| bounds eps (1 + c^2) |eta|^2; so
    (P, multipliers) certify sqrt(rho^2 + eps (1 + c^2)) (the rho-weighted
    off-by-one IQC is valid at every larger rate). Returns (rate, largest
    eigenvalue of the LMI matrix in those coordinates, smallest eigenvalue of P);
    NaN for a P that is not symmetric positive definite or negative multipliers.
    """
    nan = (math.nan, math.nan, math.nan)
    P = np.asarray(P, dtype=float)
    lams = np.asarray(lams, dtype=float)
    N = Ah.shape[0]
    if (P.shape != (N, N) or lams.shape != (len(terms),) or not np.all(np.isfinite(P))
            or not np.all(np.isfinite(lams)) or np.any(lams < 0)):
        return nan
    if np.max(np.abs(P - P.T)) > 1e-12 * np.max(np.abs(P)):
        return nan
    w, V = np.linalg.eigh((P + P.T) / 2)
    if not w[0] > 0:
        return nan
    T = (V / np.sqrt(w)) @ V.T        # P^(-1/2)
    Ti = (V * np.sqrt(w)) @ V.T       # P^(1/2)
    Pw = T @ P @ T
    Pw = (Pw + Pw.T) / 2
    work = [(Cz @ T, Dz, M, kind) for Cz, Dz, M, kind in terms]
    K, scale = _lmi(Ti @ Ah @ T, Ti @ Bh, work, rho, Pw, lams)
    kmax = float(np.linalg.eigvalsh(K)[-1])
    pmin = float(np.linalg.eigvalsh(Pw)[0])
    Cw = np.zeros((D.shape[0], N))
    Cw[:, :n] = _C_of(terms, n, D.shape[0])
    Cw = Cw @ T
    dn = float(np.linalg.norm(D, 2))
    if not dn < 1 or not pmin > 0:
        return nan
    c = float(np.linalg.norm(Cw, 2)) / (1 - dn)
    eps = max(kmax, 0.0) + 1e-13 * scale  # + the rounding of forming K
    return math.sqrt(rho ** 2 + eps * (1 + c * c) / pmin), kmax, float(w[0])


def _C_of(terms, n: int, calls: int) -> np.ndarray:
    """The method's C (rows y_i on the state) from the sector terms' first rows."""
    return np.array([Cz[0, :n] for Cz, _, _, kind in terms if kind == "sector"]).reshape(
        calls, n)


# --------------------------------------------------------------------------
# The SDP (cvxpy + Clarabel)
# --------------------------------------------------------------------------


def _solve(Ah, Bh, terms, rho):
    """The SDP at rho: (P, multipliers), or why not ("infeasible", a solver failure).

    min trace(P) subject to P >= I and the LMI <= 0: of the certificates, the one
    nearest to I (well conditioned), with the homogeneity of the LMI removed.
    """
    import cvxpy as cp

    N = Ah.shape[0]
    P = cp.Variable((N, N), symmetric=True)
    lam = cp.Variable(len(terms), nonneg=True)
    G = np.hstack([Ah, Bh])
    E = np.zeros((N, G.shape[1]))
    E[:, :N] = np.eye(N)
    K = G.T @ P @ G - rho ** 2 * (E.T @ P @ E)
    for k, (Cz, Dz, M, _) in enumerate(terms):
        H = np.hstack([Cz, Dz])
        K = K + lam[k] * (H.T @ M @ H)
    prob = cp.Problem(cp.Minimize(cp.trace(P)), [P >> np.eye(N), (K + K.T) / 2 << 0])
    try:
        with warnings.catch_warnings():  # "solution may be inaccurate": checked below
            warnings.simplefilter("ignore", UserWarning)
            prob.solve(solver=cp.CLARABEL)
    except cp.error.SolverError:
        return "solver failure"
    # An inaccurate solution is kept: the independent check decides what it proves.
    if (prob.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) or P.value is None
            or lam.value is None):
        return "infeasible" if prob.status == cp.INFEASIBLE else f"solver: {prob.status}"
    return np.array(P.value), np.maximum(np.array(lam.value), 0.0)


def _balance(Ah, Bh, terms) -> np.ndarray:
    """A diagonal change of coordinates that balances the augmented system's rows and
    columns (scipy.linalg.matrix_balance of [[A, B], [C, D]]): the first SDP's guess."""
    from scipy.linalg import matrix_balance

    N = Ah.shape[0]
    H = np.vstack([np.hstack([Ah, Bh])] + [np.hstack([Cz, Dz]) for Cz, Dz, _, _ in terms])
    sq = np.zeros((H.shape[0], H.shape[0]))
    sq[:, :H.shape[1]] = H
    _, (scale, _) = matrix_balance(sq, permute=False, separate=True)
    return np.diag(scale[:N] / scale[N])


def _named(terms, lams) -> dict:
    out: dict[str, list] = {}
    for (_, _, _, kind), v in zip(terms, lams, strict=True):
        out.setdefault(kind, []).append(float(v))
    return {k: tuple(v) for k, v in out.items()}


def certified_rate(method: str | Method, mu: float, L: float, alpha: float,
                   beta: float | None = None, *, iqc: str = "sector", tol: float | None = None,
                   **hyperparameters: float) -> Certificate:
    r"""The smallest rate an IQC certifies on all L-smooth, mu-strongly convex functions.

    Bisection on :math:`\rho` between the quadratic rate (a lower bound) and 1; at
    each :math:`\rho` a small SDP (cvxpy + Clarabel) searches for a Lyapunov matrix
    :math:`P \succeq I` and multipliers, and every solution is verified independently
    (:func:`verify_certificate`) before it is accepted.

    Parameters
    ----------
    method : str or Method
        A registered one-player method (linear update rule).
    mu, L : float
        The class :math:`\mathcal F_{\mu,L}`, ``0 < mu < L``.
    alpha : float
        Learning rate, > 0.
    beta : float, optional
        Momentum in [-1, 1]; None for a method without one.
    iqc : {"sector", "off_by_one"}
        The sector IQC alone, or with the weighted off-by-one IQC (less conservative;
        certifies the accelerated methods).
    tol : float, optional
        Bisection tolerance on :math:`\rho`, in [1e-9, 0.1]; default
        :math:`10^{-3}(1 - \rho_q)` (:math:`\rho_q` the quadratic rate), at most
        :math:`10^{-6}` and at least :math:`10^{-9}`.
    **hyperparameters
        Extra hyper-parameters of the method (``gamma``, ``delta``, ``nu``).

    Returns
    -------
    Certificate
        ``rate`` (NaN with the ``reason`` when no certificate exists at
        :math:`\rho \le 1`), ``P``, the multipliers and the independent check.

    Raises
    ------
    ValueError
        ``mu <= 0``, ``mu >= L``, bad hyper-parameters, an unknown ``iqc``, a game
        rule or a rule that is not linear (e.g. Adam).
    TypeError
        Non-numeric arguments, missing or unknown hyper-parameters.

    See Also
    --------
    verify_certificate : the independent check.
    momentum_dynamics.convergence_rate : the rate on quadratics.
    momentum_dynamics.robust.find_cycle : a witness that no certificate can exist.

    Notes
    -----
    Gradient descent is certified by the sector IQC at exactly
    :math:`\max(|1-\alpha\mu|, |1-\alpha L|)` (Lessard, Recht & Packard 2016,
    section 4.4); the triple momentum method by the off-by-one IQC at its design rate
    :math:`1 - 1/\sqrt\kappa` (Van Scoy, Freeman & Lynch 2018).

    Examples
    --------
    >>> c = certified_rate("gd", mu=1.0, L=10.0, alpha=0.1)
    >>> round(c.rate, 5), round(c.quadratic_rate, 5)
    (0.9, 0.9)

    Heavy ball at Polyak's tuning for :math:`\kappa = 25` has no certificate:

    >>> c = certified_rate("heavy_ball", 1.0, 25.0, alpha=1 / 9, beta=4 / 9, iqc="off_by_one")
    >>> c.rate, c.reason
    (nan, 'no certificate at rho < 1 with the off_by_one IQC')
    """
    from ..numeric import convergence_rate

    t0 = time.perf_counter()
    m = get_method(method)
    mu = check_scalar(mu, "mu")
    L = check_scalar(L, "L")
    check_spectrum(mu, L)
    if not mu < L:
        raise ValueError(f"mu must be < L for the class F(mu, L) (mu = L is a single "
                         f"quadratic); got mu={mu!r}, L={L!r}")
    iqc = check_choice(iqc, "iqc", IQCS)
    if tol is not None:
        tol = check_scalar(tol, "tol")
        if not 1e-9 <= tol <= 0.1:
            raise ValueError(f"tol must be in [1e-9, 0.1]; got {tol!r}")
    params = _params(m, alpha, beta, hyperparameters)
    step = _normalised(_linear_step(m, params), L)
    extra = {k: v for k, v in params.items() if k not in ("alpha", "beta")}
    q = float(convergence_rate(m, params["alpha"], params.get("beta"), mu, L, **extra))
    m_n = mu / L
    if tol is None:  # relative to the distance to 1: kappa = 1e6 has 1 - rate ~ 1e-6
        tol = min(1e-6, max(1e-9, 1e-3 * (1 - q))) if q < 1 else 1e-6
    n = step.A.shape[0]
    solves = 0
    # Near the best rate the certificates of the accelerated methods are badly
    # conditioned (P's eigenvalues spread over decades): each accepted P sets the
    # coordinates (T) of the next SDP, in which its P is near I.
    T = None
    best = None
    troubles: list[str] = []

    def attempt(rho: float) -> float:
        """Solve at rho; keep the best verified certificate; the rate it proves (or inf)."""
        nonlocal solves, T, best
        Ah, Bh, terms = _blocks(step, m_n, rho, iqc)
        Tm = _balance(Ah, Bh, terms) if T is None else T
        Ti = np.linalg.inv(Tm)
        solves += 1
        sol = _solve(Ti @ Ah @ Tm, Ti @ Bh, [(Cz @ Tm, Dz, M, k) for Cz, Dz, M, k in terms],
                     rho)
        if isinstance(sol, str):
            if sol != "infeasible":
                troubles.append(f"rho={rho:.6g}: {sol}")
            return math.inf
        P = Ti.T @ sol[0] @ Ti  # back to the method's coordinates, then P >= I again
        P = (P + P.T) / 2
        low = float(np.linalg.eigvalsh(P)[0])
        if not low > 0:
            return math.inf
        P, lams = P / low, sol[1] / low
        got, kmax, pmin = _check(Ah, Bh, n, step.D, terms, rho, P, lams)
        if not got < 1:  # NaN (refused) or no rate
            troubles.append(f"rho={rho:.6g}: the solution failed the independent check")
            return math.inf
        if best is None or got < best[0]:
            best = (got, rho, P, _named(terms, lams), kmax, pmin)
            w, V = np.linalg.eigh(P)
            T = (V / np.sqrt(w)) @ V.T
        return got

    def fail(reason: str) -> Certificate:
        return Certificate(m.name, mu, L, params, iqc, math.nan, q, math.nan, None, {},
                           math.nan, math.nan, False, reason, solves,
                           time.perf_counter() - t0)

    if not q < 1:
        return fail(f"unstable on quadratics (quadratic rate {q:.6g} >= 1): no rate can be "
                    "certified")
    # The quadratic rate is a lower bound (quadratics are in the class): try just above
    # it first (gradient descent ends here), then walk up towards 1 halving the gap,
    # then bisect. A certificate only at rho = 1 proves no linear rate.
    lo, hi = min(q + tol / 2, 1.0), math.inf
    got = attempt(lo)
    if got <= lo + tol / 2:
        hi = got
    else:
        gap = 1.0 - lo
        while gap > tol / 4 and solves < _MAX_SOLVES:
            gap /= 2
            got = attempt(1.0 - gap)
            if got < 1:
                hi = got
                break
            lo = 1.0 - gap
    # Bisection; a solution proves a rate a little above the rho it was solved at (the
    # solver's rounding): it counts if that is below the middle of the bracket.
    while hi < 1 and hi - lo > tol and solves < _MAX_SOLVES:
        mid = (lo + hi) / 2
        got = attempt(mid)
        if got <= (mid + hi) / 2:
            hi = got
        else:
            lo = mid
    if best is None:
        if troubles:
            return fail(f"no verified certificate at rho < 1 with the {iqc} IQC; the "
                        f"SDP did not give one ({troubles[-1]}; {len(troubles)} such)")
        return fail(f"no certificate at rho < 1 with the {iqc} IQC")
    got, rho, P, lams, kmax, pmin = best
    if not got < 1 - tol / 4:
        return fail(f"no certificate at rho < 1 with the {iqc} IQC (only rho = 1)")
    return Certificate(m.name, mu, L, params, iqc, got, q, rho, P, lams, kmax, pmin, True,
                       "certified", solves, time.perf_counter() - t0)


def verify_certificate(certificate: Certificate) -> bool:
    r"""Check a certificate independently of the solver that produced it.

    Rebuilds the LMI matrix of :func:`certified_rate` in NumPy from the method's
    Lur'e form (read off the update rule again), the rate, ``P`` and the multipliers,
    and checks ``P`` symmetric positive definite, the multipliers >= 0, and the
    largest eigenvalue of the LMI matrix <= ``1e-7`` times the sum of the norms of its
    terms.

    Parameters
    ----------
    certificate : Certificate
        From :func:`certified_rate` (possibly edited: ``dataclasses.replace``).

    Returns
    -------
    bool
        True if it certifies its ``rate``; False otherwise (and for a record without a
        certificate).

    Raises
    ------
    TypeError
        If ``certificate`` is not a :class:`Certificate`.

    See Also
    --------
    certified_rate

    Examples
    --------
    >>> import dataclasses
    >>> c = certified_rate("gd", mu=1.0, L=10.0, alpha=0.1)
    >>> verify_certificate(c)
    True
    >>> verify_certificate(dataclasses.replace(c, rate=0.5))  # a rate it does not certify
    False
    """
    if not isinstance(certificate, Certificate):
        raise TypeError(f"certificate must be a Certificate; got {type(certificate).__name__}")
    c = certificate
    if c.P is None or not (0 <= c.lmi_rate <= c.rate < 1):
        return False
    m = get_method(c.method)
    step = _normalised(_linear_step(m, dict(c.params)), c.L)
    Ah, Bh, terms = _blocks(step, c.mu / c.L, c.lmi_rate, c.iqc)
    lams: list[float] = []
    counters: dict[str, int] = {}
    try:
        for *_, kind in terms:
            k = counters.get(kind, 0)
            lams.append(float(c.multipliers[kind][k]))
            counters[kind] = k + 1
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    got = _check(Ah, Bh, step.A.shape[0], step.D, terms, c.lmi_rate, c.P, lams)[0]
    return bool(got <= c.rate * (1 + 1e-12))

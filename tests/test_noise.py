import control
import numpy as np
import pytest
import scipy.linalg

from momentum_dynamics.lti import state_space_matrices
from momentum_dynamics.noise import stationary_covariance


def hand_AB(method, a, b, H):
    """Block state matrices of (x, v) on a Hessian H, typed from the recurrences:
    heavy ball v' = b v + a (H x + xi), x' = x - v'; Nesterov evaluates the gradient at
    x - b v; the EMA form v' = b v + (1 - b)(H x + xi), x' = x - a v'."""
    H = np.atleast_2d(H)
    d = H.shape[0]
    eye = np.eye(d)
    if method == "gd":
        return eye - a * H, -a * eye
    if method == "heavy_ball":
        A = np.block([[eye - a * H, -b * eye], [a * H, b * eye]])
        return A, np.vstack([-a * eye, a * eye])
    if method == "nesterov":
        A = np.block([[eye - a * H, -b * (eye - a * H)], [a * H, b * (eye - a * H)]])
        return A, np.vstack([-a * eye, a * eye])
    if method == "ema_momentum":
        A = np.block([[eye - a * (1 - b) * H, -a * b * eye], [(1 - b) * H, b * eye]])
        return A, np.vstack([-a * (1 - b) * eye, (1 - b) * eye])
    raise AssertionError(method)


def test_hand_matrices_are_the_library_model():
    # the two references agree (state_space_matrices is checked against eigenvalues and
    # simulations in test_lti); the solver tests below use the hand-typed ones
    H = random_spd(np.random.default_rng(1), 3)
    for method, beta in [("heavy_ball", 0.8), ("nesterov", 0.7), ("ema_momentum", 0.9),
                         ("gd", None)]:
        for got, want in zip(state_space_matrices(method, 0.2, beta, hessian=H),
                             hand_AB(method, 0.2, beta, H), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


def random_spd(rng, d, shift=0.1):
    M = rng.normal(size=(d, d))
    return M @ M.T / d + shift * np.eye(d)


@pytest.mark.parametrize("method, beta", [("heavy_ball", 0.8), ("nesterov", 0.7),
                                          ("ema_momentum", 0.9), ("gd", None)])
@pytest.mark.parametrize("noise", ["general", "diagonal", "scalar"])
def test_against_dense_lyapunov_solvers(method, beta, noise):
    rng = np.random.default_rng(7)
    d = 5
    H = random_spd(rng, d)
    Sigma = {"general": random_spd(rng, d, 0.0), "diagonal": rng.uniform(0.5, 2, d),
             "scalar": 0.3}[noise]
    alpha = 0.9 / np.linalg.eigvalsh(H).max()
    r = stationary_covariance(method, alpha, beta, H, Sigma)
    A, B = hand_AB(method, alpha, beta, H)
    S_full = np.asarray(Sigma) * np.eye(d) if np.ndim(Sigma) < 2 else Sigma
    if np.ndim(Sigma) == 1:
        S_full = np.diag(Sigma)
    Q = B @ S_full @ B.T
    P = scipy.linalg.solve_discrete_lyapunov(A, Q)
    np.testing.assert_allclose(r.state, P, rtol=1e-10, atol=1e-12 * np.abs(P).max())
    np.testing.assert_allclose(r.state, control.dlyap(A, Q), rtol=1e-10,
                               atol=1e-12 * np.abs(P).max())
    assert r.excess_loss == pytest.approx(0.5 * np.trace(H @ P[:d, :d]), rel=1e-10)


def test_gradient_descent_closed_form():
    a, lam, s2 = 0.3, np.array([0.5, 2.0, 5.0]), np.array([1.0, 0.2, 3.0])
    r = stationary_covariance("gd", a, None, lam, s2)
    np.testing.assert_allclose(np.diag(r.x), a**2 * s2 / (1 - (1 - a * lam) ** 2), rtol=1e-13)


def test_heavy_ball_monte_carlo():
    rng = np.random.default_rng(11)
    a, b, lam, sigma = 0.1, 0.8, 2.0, 1.0
    r = stationary_covariance("heavy_ball", a, b, [lam], sigma**2)
    chains, steps = 4000, 400
    x = np.zeros(chains)
    v = np.zeros(chains)
    for _ in range(steps):
        v = b * v + a * (lam * x + sigma * rng.normal(size=chains))
        x = x - v
    var = x.var()
    se = var * np.sqrt(2 / (chains - 1))
    assert abs(var - r.x[0, 0]) < 4 * se


@pytest.mark.parametrize("kwargs, err, word", [
    (dict(alpha=1.0, beta=0.5, hessian=[5.0]), ValueError, "no stationary distribution"),
    (dict(alpha=0.1, beta=0.5, hessian=[[1.0, 2.0], [0.0, 1.0]]), ValueError, "symmetric"),
    (dict(alpha=0.1, beta=0.5, hessian=[1.0, 2.0], noise_cov=[1.0, 1.0, 1.0]),
     ValueError, "noise_cov"),
    (dict(alpha=0.1, beta=0.5, hessian=[1.0, 2.0], noise_cov=[[1.0, 0], [0, -1.0]]),
     ValueError, "semi-definite"),
    (dict(alpha=0.1, beta=0.5, hessian=[1.0, 2.0], noise_cov=[1.0, -1.0]),
     ValueError, "semi-definite"),
    (dict(alpha=-0.1, beta=0.5, hessian=[1.0]), ValueError, "alpha"),
    (dict(alpha=0.1, beta=0.5), TypeError, "hessian"),
])
def test_bad_inputs(kwargs, err, word):
    with pytest.raises(err, match=word):
        stationary_covariance("heavy_ball", **kwargs)


def exact_state_covariance(method, alpha, beta, curvatures, Sigma, digits=40):
    """Dense Kronecker solve at ``digits`` digits of the exact (symbolic) model.

    The entries of A and B are evaluated from the SymPy state space at high precision,
    so the reference is the covariance of the method itself, not of a rounded matrix.
    """
    import mpmath
    import sympy as sp

    from momentum_dynamics import symbolic as S
    from momentum_dynamics.methods import get_method

    m = get_method(method)
    ss, syms = S.state_space(m), S.hyperparameter_symbols(m)
    sub = {syms["alpha"]: sp.Float(alpha, digits)}
    if beta is not None:
        sub[syms["beta"]] = sp.Float(beta, digits)
    d, n = len(curvatures), m.order
    N = n * d
    with mpmath.workdps(digits):
        A, B = mpmath.zeros(N, N), mpmath.zeros(N, d)
        for k, lam in enumerate(curvatures):
            at = {**sub, S.curvature: sp.Float(lam, digits)}
            Ak, Bk = ss.A.subs(at), ss.B.subs(at)
            for r in range(n):
                B[r * d + k, k] = mpmath.mpf(str(Bk[r, 0]))
                for c in range(n):
                    A[r * d + k, c * d + k] = mpmath.mpf(str(Ak[r, c]))
        Qn = B * mpmath.matrix(np.asarray(Sigma).tolist()) * B.T
        K = mpmath.eye(N * N)
        for i in range(N):
            for k in range(N):
                if A[i, k] == 0:
                    continue
                for j in range(N):
                    for l in range(N):
                        K[i * N + j, k * N + l] -= A[i, k] * A[j, l]
        x = mpmath.lu_solve(K, mpmath.matrix([Qn[i, j] for i in range(N) for j in range(N)]))
        return np.array([[float(x[i * N + j]) for j in range(N)] for i in range(N)])


@pytest.mark.parametrize("method, beta", [("heavy_ball", 0.999), ("heavy_ball", -0.5),
                                          ("nesterov", 0.999), ("ema_momentum", 0.999),
                                          ("ema_momentum", 0.3), ("gd", None)])
def test_every_entry_to_machine_precision(method, beta):
    """Entrywise relative accuracy near beta -> 1 and lambda -> 0, where dense solvers
    lose 4 to 9 digits (the EMA form's velocity has no level component at all)."""
    rng = np.random.default_rng(3)
    lam = np.array([1e-6, 1e-3, 0.5])
    M = rng.normal(size=(3, 3))
    Sigma = M @ M.T
    ref = exact_state_covariance(method, 0.5, beta, lam, Sigma)
    ours = stationary_covariance(method, 0.5, beta, lam, Sigma).state
    np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=0)


def test_hessian_forms_agree_and_blocks_match_dlyap():
    rng = np.random.default_rng(5)
    d = 6
    H = random_spd(rng, d)
    w, Q = np.linalg.eigh(H)
    Sigma = random_spd(rng, d, 0.0)
    dense = stationary_covariance("nesterov", 0.5, 0.8, H, Sigma)
    pair = stationary_covariance("nesterov", 0.5, 0.8, (w, Q), Sigma)
    A, B = state_space_matrices("nesterov", 0.5, 0.8, hessian=H)
    P = control.dlyap(A, B @ Sigma @ B.T)
    scale = np.abs(P).max()
    for r in (dense, pair):
        np.testing.assert_allclose(r.state, P, rtol=0, atol=1e-11 * scale)
        np.testing.assert_allclose(r.block("x", "v"), P[:d, d:], rtol=0, atol=1e-11 * scale)
        np.testing.assert_allclose(r.block("v"), P[d:, d:], rtol=0, atol=1e-11 * scale)
        np.testing.assert_allclose(r.block("v", eigenbasis=True), Q.T @ P[d:, d:] @ Q,
                                   rtol=0, atol=1e-11 * scale)
        assert r.total_variance == pytest.approx(np.trace(P[:d, :d]), rel=1e-11)
        assert not r.codiagonal
    assert stationary_covariance("nesterov", 0.5, 0.8, (w, Q), 2.0).codiagonal


def test_codiagonal_noise_with_rotated_hessian_matches_dense():
    rng = np.random.default_rng(6)
    d = 5
    H = random_spd(rng, d)
    w, Q = np.linalg.eigh(H)
    Sigma = (Q * rng.uniform(0.5, 2.0, d)) @ Q.T  # diagonal in H's eigenbasis
    r = stationary_covariance("heavy_ball", 0.3, 0.9, H, Sigma)
    assert r.codiagonal
    A, B = state_space_matrices("heavy_ball", 0.3, 0.9, hessian=H)
    P = scipy.linalg.solve_discrete_lyapunov(A, B @ Sigma @ B.T)
    np.testing.assert_allclose(r.state, P, rtol=0, atol=1e-11 * np.abs(P).max())


def test_order_three_method_uses_kronecker_solves():
    """A user method with three state variables (two momentum buffers)."""
    import momentum_dynamics as md

    def double_buffer(x, v, u, grad, alpha, beta):
        v = beta * v + grad(x)
        u = beta * u + v
        return x - alpha * (1 - beta) ** 2 * u, v, u

    md.register_method(double_buffer, overwrite=True)
    try:
        rng = np.random.default_rng(8)
        H = random_spd(rng, 4)
        Sigma = random_spd(rng, 4, 0.0)
        r = stationary_covariance("double_buffer", 0.1, 0.6, H, Sigma)
        A, B = state_space_matrices("double_buffer", 0.1, 0.6, hessian=H)
        P = control.dlyap(A, B @ Sigma @ B.T)
        np.testing.assert_allclose(r.state, P, rtol=0, atol=1e-11 * np.abs(P).max())
        diag = stationary_covariance("double_buffer", 0.1, 0.6, np.diag(H), 0.7)
        A, B = state_space_matrices("double_buffer", 0.1, 0.6, hessian=np.diag(np.diag(H)))
        P = control.dlyap(A, 0.7 * B @ B.T)
        np.testing.assert_allclose(diag.state, P, rtol=0, atol=1e-11 * np.abs(P).max())
    finally:
        md.unregister_method("double_buffer")


@pytest.mark.parametrize("hessian, word", [
    (([1.0, 2.0], np.eye(3)), "eigenvectors must have shape"),
    (([1.0, 2.0], [[1.0, 1.0], [0.0, 1.0]]), "orthonormal"),
    (([1.0, np.nan], np.eye(2)), "finite"),
    ([[1.0, np.inf], [np.inf, 1.0]], "finite"),
])
def test_bad_hessian_forms(hessian, word):
    with pytest.raises(ValueError, match=word):
        stationary_covariance("heavy_ball", 0.1, 0.5, hessian)


def test_unknown_state_component():
    r = stationary_covariance("heavy_ball", 0.1, 0.5, [1.0])
    with pytest.raises(ValueError, match="state component"):
        r.block("w")


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov", "ema_momentum"])
def test_symbolic_stationary_covariance_matches_the_numeric_solver(method):
    import sympy as sp

    from momentum_dynamics import numeric
    from momentum_dynamics import symbolic as S

    P = S.stationary_covariance(method)
    syms = S.hyperparameter_symbols(method)
    rng = np.random.default_rng(9)
    checked = 0
    while checked < 5:
        a, b, lam, sig = rng.uniform(0.01, 2), rng.uniform(-0.9, 0.99), rng.uniform(0.1, 5), \
            rng.uniform(0.1, 3)
        b = None if method == "gd" else b
        if not numeric.is_stable(method, a, b, lam):
            continue
        sub = {syms["alpha"]: a, S.curvature: lam, S.sigma: sig}
        if b is not None:
            sub[syms["beta"]] = b
        exact = np.array(sp.N(P.subs(sub)), dtype=float)
        A, B = hand_AB(method, a, b, lam)
        np.testing.assert_allclose(exact, scipy.linalg.solve_discrete_lyapunov(
            A, sig**2 * B @ B.T), rtol=1e-9)
        checked += 1

"""robust.lure: the Lur'e form (gradient in, query point out) of the update rules."""

import numpy as np
import pytest
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import symbolic as S
from momentum_dynamics.robust import LureSystem, lure_matrices, lure_ss, lure_system

# The one-player rules registered by methods.py (others may register more during the
# run, e.g. applications.batchnorm).
ONE_PLAYER = ["gd", "heavy_ball", "nesterov", "ema_momentum", "qh_momentum",
              "robust_momentum", "triple_momentum"]
PARAMS = {"alpha": 0.13, "beta": 0.61, "nu": 0.7, "gamma": 0.37, "delta": 0.23}


def _params(name):
    return {h: PARAMS[h] for h in md.get_method(name).hyperparameters}


def test_hand_built_forms():
    """Gradient descent, heavy ball and Nesterov written out from Polyak (1964) and
    Nesterov (1983) in velocity form: the Lur'e matrices typed by hand."""
    a, b = S.alpha, S.beta
    gd = lure_system("gd")
    assert gd == LureSystem(sp.Matrix([[1]]), sp.Matrix([[-a]]), sp.Matrix([[1]]),
                            sp.Matrix([[0]]))
    hb = lure_system("heavy_ball")
    assert hb.A == sp.Matrix([[1, -b], [0, b]]) and hb.B == sp.Matrix([-a, a])
    assert hb.C == sp.Matrix([[1, 0]]) and hb.D == sp.Matrix([[0]])
    ne = lure_system("nesterov")  # same dynamics, the gradient at the look-ahead x - beta v
    assert ne.A == hb.A and ne.B == hb.B and ne.C == sp.Matrix([[1, -b]])


@pytest.mark.parametrize("name", ONE_PLAYER)
def test_symbolic_numeric_and_control_agree(name):
    """Two derivations (SymPy oracle, float probing) and python-control agree."""
    p = _params(name)
    sym = lure_system(name)
    subs = {S.hyperparameter_symbols(name)[k]: v for k, v in p.items()}
    num = lure_matrices(name, **p)
    for Ms, Mn in zip(sym, num, strict=True):
        np.testing.assert_allclose(np.array(Ms.subs(subs), dtype=float), Mn, atol=1e-14)
    ss = lure_ss(name, **p)
    for Mc, Mn in zip((ss.A, ss.B, ss.C, ss.D), num, strict=True):
        np.testing.assert_array_equal(Mc, Mn)
    assert ss.isdtime(strict=True)


@pytest.mark.parametrize("name", ONE_PLAYER)
def test_feedback_with_a_nonlinear_gradient_reproduces_the_rule(name):
    """s+ = A s + B u, u = grad(C s + D u), run against the update rule itself on
    f(x) = x^2/2 + log cosh(x - 1) (a nonlinear gradient)."""
    p = _params(name)
    m = md.get_method(name)
    sys = lure_matrices(name, **p)

    def grad(x):
        return x + np.tanh(x - 1.0)

    s = np.array([2.0] + [0.3] * (m.order - 1))
    rule = tuple(s)
    for _ in range(15):
        u = np.zeros(sys.B.shape[1])
        for i in range(u.size):  # D strictly lower triangular: queries in order
            u[i] = grad(sys.C[i] @ s + sys.D[i] @ u)
        s = sys.A @ s + sys.B @ u
        rule = m.step(rule, grad, **p)
    np.testing.assert_allclose(s, np.array(rule, dtype=float), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ONE_PLAYER)
def test_closing_the_loop_on_a_quadratic_gives_the_spectral_radius(name):
    """u = lambda y closes the loop into A + lambda B (I - lambda D)^-1 C; its
    eigenvalues are the method's on the quadratic (md.spectral_radius)."""
    p = _params(name)
    sys = lure_matrices(name, **p)
    for lam in (0.3, 1.0, 4.0):
        k = sys.D.shape[0]
        closed = sys.A + lam * sys.B @ np.linalg.solve(np.eye(k) - lam * sys.D, sys.C)
        rho = max(abs(np.linalg.eigvals(closed)))
        beta = p.get("beta")
        extra = {h: v for h, v in p.items() if h not in ("alpha", "beta")}
        assert rho == pytest.approx(float(md.spectral_radius(name, p["alpha"], beta, lam,
                                                             **extra)), rel=1e-10)


def test_a_rule_with_two_queries_has_two_outputs():
    def extragradient(x, grad, alpha):  # Korpelevich (1976): look, then step
        y = x - alpha * grad(x)
        return (x - alpha * grad(y),)

    md.register_method(extragradient, overwrite=True)
    try:
        sym = lure_system("extragradient")
        a = S.alpha
        assert sym.B == sp.Matrix([[0, -a]])
        assert sym.C == sp.Matrix([[1], [1]]) and sym.D == sp.Matrix([[0, 0], [-a, 0]])
        np.testing.assert_allclose(lure_matrices("extragradient", 0.2).D, [[0, 0], [-0.2, 0]])
        assert lure_ss("extragradient", 0.2).noutputs == 2
    finally:
        md.unregister_method("extragradient")


def test_methods_without_a_lure_form_are_refused():
    def adam_like(x, v, grad, alpha, beta):  # normalised by |g|: not linear
        g = grad(x)
        v = beta * v + (1 - beta) * g
        return x - alpha * v / (abs(g) + 1e-8), v

    def no_grad(x, grad, alpha):
        return (x * (1 - alpha),)

    for rule, match in ((adam_like, "not linear|could not be evaluated"),
                        (no_grad, "never calls grad")):
        md.register_method(rule, overwrite=True)
        try:
            beta = 0.5 if rule is adam_like else None
            with pytest.raises((ValueError, TypeError), match=match):
                lure_system(rule.__name__)
            with pytest.raises(ValueError, match=match.split("|")[0]):
                lure_matrices(rule.__name__, 0.1, beta)
        finally:
            md.unregister_method(rule.__name__)
    for f in (lambda: lure_system("gda_simultaneous"),
              lambda: lure_matrices("gda_alternating", 0.1)):
        with pytest.raises(ValueError, match="game"):
            f()
    with pytest.raises(ValueError, match="alpha"):
        lure_matrices("heavy_ball", -0.1, 0.5)
    with pytest.raises(ValueError, match="method"):
        lure_system("adamw")

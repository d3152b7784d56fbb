"""The fast routes of the numeric kernel against the general one and against
eigenvalues of hand-built state matrices.

- the scalar fast path (one point given as Python numbers) must return, bit for bit,
  what the validating array path returns (NumPy scalars take that path), and bad input
  must still fail with the same clear errors;
- the optional fused numba kernel (``pip install momentum_dynamics[fast]``) must agree
  with the NumPy path bit for bit;
- the cached numeric tuning of a user rule must return the numbers a fresh search does.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import momentum_dynamics as md
from momentum_dynamics import numeric as N


def qhm(x, v, grad, alpha, beta, nu):
    """Quasi-hyperbolic momentum (Ma & Yarats 2019)."""
    g = grad(x)
    v = beta * v + (1 - beta) * g
    return x - alpha * ((1 - nu) * g + nu * v), v


@pytest.fixture(scope="module")
def with_qhm():
    md.register_method(qhm, overwrite=True)
    yield
    md.unregister_method("qhm")


def state_matrix(method, a, b, lam, nu=None):
    """The 2x2 state matrices on (x, v), written out by hand from the update rules."""
    h = a * lam
    if method == "heavy_ball":  # v' = b v + a g(x), x' = x - v'
        return np.array([[1 - h, -b], [h, b]])
    if method == "nesterov":  # v' = b v + a g(x - b v), x' = x - v'
        return np.array([[1 - h, -b * (1 - h)], [h, b * (1 - h)]])
    if method == "ema_momentum":  # v' = b v + (1 - b) g, x' = x - a v'
        return np.array([[1 - a * (1 - b) * lam, -a * b], [(1 - b) * lam, b]])
    # qhm: v' = b v + (1 - b) g, x' = x - a ((1 - nu) g + nu v')
    return np.array([[1 - a * (1 - nu) * lam - a * nu * (1 - b) * lam, -a * nu * b],
                     [(1 - b) * lam, b]])


def random_points(rng, n):
    """Generic and edge points: beta near +-1 and 1/2, alpha*lambda near 1, tiny and
    negative curvatures."""
    for i in range(n):
        a = float(10 ** rng.uniform(-6, 1))
        lam = float(rng.choice([1, -1]) * 10 ** rng.uniform(-8, 1))
        if i % 5 == 0:
            lam = float(1 / a * (1 + rng.normal() * 1e-7))
        b = float(rng.choice([rng.uniform(-1, 1), 1 - 10 ** rng.uniform(-14, 0),
                              -1 + 10 ** rng.uniform(-14, 0), 0.5, 0.0, 1.0, -1.0]))
        yield a, b, lam


METHODS = ["heavy_ball", "nesterov", "ema_momentum", "qhm"]


@pytest.mark.parametrize("method", METHODS)
def test_scalar_fast_path_is_the_general_path_bit_for_bit(method, with_qhm):
    rng = np.random.default_rng(12)
    # the fast path exists for this method (else the test would compare a path with itself)
    assert N._scalar_kernel(N.get_method(method)) is not None  # noqa: SLF001
    for a, b, lam in random_points(rng, 300):
        kw = {"nu": float(rng.choice([rng.uniform(0, 1), 0.0, 1.0]))} if method == "qhm" else {}
        slow_kw = {k: np.float64(v) for k, v in kw.items()}
        for fn in (md.spectral_radius, md.convergence_gap, md.is_stable, md.poles):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                fast = fn(method, a, b, lam, **kw)
                # NumPy scalars are not Python numbers: they take the general path
                slow = fn(method, np.float64(a), np.float64(b), np.float64(lam), **slow_kw)
            assert type(fast) is type(slow)
            np.testing.assert_array_equal(fast, slow, err_msg=f"{fn.__name__}{(a, b, lam, kw)}")


@pytest.mark.parametrize("method", METHODS)
def test_scalar_fast_path_against_eigenvalues(method, with_qhm):
    rng = np.random.default_rng(5)
    for _ in range(200):
        a, b, lam = float(rng.uniform(0.01, 2)), float(rng.uniform(-0.95, 0.95)), \
            float(rng.uniform(0.05, 3))
        nu = float(rng.uniform(0.1, 1))
        kw = {"nu": nu} if method == "qhm" else {}
        ev = np.linalg.eigvals(state_matrix(method, a, b, lam, nu))
        rho = np.abs(ev).max()
        assert md.spectral_radius(method, a, b, lam, **kw) == pytest.approx(rho, rel=1e-7)
        got = np.sort_complex(md.poles(method, a, b, lam, **kw))
        np.testing.assert_allclose(got, np.sort_complex(ev), atol=1e-7)
        if abs(rho - 1) > 1e-9:
            assert md.is_stable(method, a, b, lam, **kw) == (rho < 1)
            assert md.convergence_gap(method, a, b, lam, **kw) == pytest.approx(1 - rho,
                                                                                rel=1e-6)


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"alpha": -0.1}, ValueError, "alpha"),
    ({"alpha": 0.0}, ValueError, "alpha"),
    ({"alpha": float("nan")}, ValueError, "alpha"),
    ({"beta": 1.5}, ValueError, "beta"),
    ({"beta": float("inf")}, ValueError, "beta"),
    ({"beta": None}, TypeError, "beta"),
    ({"curvature": "1.0"}, TypeError, "curvature"),
    ({"curvature": True}, TypeError, "curvature"),
    ({"curvature": None}, TypeError, "curvature"),
    ({"method": "adamw"}, ValueError, "adamw"),
    ({"nu": 0.5}, TypeError, "nu"),
])
def test_bad_scalars_still_fail_clearly(kwargs, error, words):
    call = {"method": "heavy_ball", "alpha": 0.1, "beta": 0.9, "curvature": 1.0, **kwargs}
    for fn in (md.spectral_radius, md.convergence_gap, md.is_stable, md.poles):
        with pytest.raises(error, match=words):
            fn(**call)


def test_no_momentum_method_refuses_beta_on_the_fast_path():
    with pytest.raises(ValueError, match="no momentum"):
        md.spectral_radius("gd", 0.1, 0.5, 1.0)


def _fused_available():
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return N._numba_enabled()  # noqa: SLF001


@pytest.mark.skipif(not _fused_available(), reason="numba not installed (the fast extra)")
@pytest.mark.parametrize("method", METHODS)
def test_fused_kernel_is_the_numpy_path_bit_for_bit(method, with_qhm, monkeypatch):
    rng = np.random.default_rng(7)
    pts = np.array(list(random_points(rng, 4000)))
    a, b, lam = pts.T
    kw = {"nu": rng.uniform(0, 1, a.size)} if method == "qhm" else {}
    cases = [(a, b, lam, kw),  # all full arrays
             (a[:50, None], b[None, :80], 1.3, {k: 0.4 for k in kw}),  # broadcast, scalars
             (0.2, b, lam[::-1], kw)]
    for ca, cb, cl, ckw in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            monkeypatch.setattr(N, "_FUSED_MIN", 1 << 62)
            ref = md.spectral_radius(method, ca, cb, cl, **ckw)
            monkeypatch.setattr(N, "_FUSED_MIN", 1)
            got = md.spectral_radius(method, ca, cb, cl, **ckw)
        np.testing.assert_array_equal(got, ref)


@pytest.mark.skipif(not _fused_available(), reason="numba not installed (the fast extra)")
def test_fused_kernel_against_eigenvalues(monkeypatch):
    rng = np.random.default_rng(8)
    a, b, lam = rng.uniform(0.01, 2, 500), rng.uniform(-0.95, 0.95, 500), rng.uniform(0.05, 3, 500)
    monkeypatch.setattr(N, "_FUSED_MIN", 1)
    got = md.spectral_radius("nesterov", a, b, lam)
    ref = [np.abs(np.linalg.eigvals(state_matrix("nesterov", *p))).max()
           for p in zip(a, b, lam, strict=True)]
    np.testing.assert_allclose(got, ref, rtol=1e-7)


def test_numba_switch(monkeypatch):
    monkeypatch.setenv("MOMENTUM_DYNAMICS_NUMBA", "0")
    assert not N._numba_enabled()  # noqa: SLF001


def test_numeric_tuning_cache_returns_a_fresh_search(with_qhm):
    first = md.optimal_parameters("qhm", 1.0, 50.0, nu=0.6)
    again = md.optimal_parameters("qhm", 1, 50, nu=np.float64(0.6))  # same floats
    N._numeric_tuning.cache_clear()  # noqa: SLF001
    fresh = md.optimal_parameters("qhm", 1.0, 50.0, nu=0.6)
    assert first == again == fresh
    # the tuned rate is the worst case over the spectrum at the tuned parameters
    assert fresh.rate == pytest.approx(
        md.convergence_rate("qhm", fresh.alpha, fresh.beta, 1.0, 50.0, nu=0.6), rel=1e-12)
    # and a different point is not served from the cache
    assert md.optimal_parameters("qhm", 1.0, 60.0, nu=0.6).rate > fresh.rate

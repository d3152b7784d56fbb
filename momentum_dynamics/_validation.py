"""Argument checks shared by the public functions.

Every check names the argument, the value it got and what is allowed, so that a bad
input fails at the surface and never deep inside NumPy or SymPy.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "as_real_array",
    "as_number_array",
    "check_alpha",
    "check_beta",
    "check_curvature",
    "check_spectrum",
    "check_kappa",
    "check_hyperparameters",
    "check_count",
    "check_positive",
    "check_nonnegative",
    "check_scalar",
    "check_dt",
    "check_flag",
    "check_choice",
    "check_name",
    "check_nonempty",
    "check_hessian",
    "check_hessian_matrix",
    "check_noise_cov",
    "SYMMETRY_RTOL",
    "broadcast",
    "to_output",
]

# One symmetry tolerance for every matrix that must be symmetric (Hessians, noise
# covariances): |M - M^T| <= SYMMETRY_RTOL * max|M|, relative so that it does not depend
# on the units of M.
SYMMETRY_RTOL = 1e-12


def describe_bad(arr: np.ndarray, mask: np.ndarray) -> str:
    bad = arr[mask]
    first = bad.flat[0].item()
    if arr.ndim == 0:
        return f"got {first!r}"
    where = tuple(int(i) for i in np.argwhere(mask)[0])
    more = f" and {bad.size - 1} more" if bad.size > 1 else ""
    return f"got {first!r} at index {where}{more}"


def as_number_array(value, name: str, *, allow_complex: bool = False) -> np.ndarray:
    """Convert to a float (or complex) array; refuse strings, None, objects, NaN, inf."""
    if value is None:
        raise TypeError(f"{name} is required; got None")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of numbers; got {value!r}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a number or an array of numbers; got {value!r}") from exc
    if arr.dtype == object:
        try:
            arr = arr.astype(complex if allow_complex else float)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must be a number or an array of numbers; got {value!r}"
            ) from exc
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iufc":
        raise TypeError(f"{name} must be a number or an array of numbers; got dtype {arr.dtype}")
    if arr.dtype.kind == "c":
        if not allow_complex:
            if np.any(arr.imag != 0):
                raise ValueError(f"{name} must be real; got the complex value(s) {value!r}")
            arr = arr.real
        else:
            arr = arr.astype(np.complex128)
    if arr.dtype.kind != "c":
        arr = arr.astype(np.float64)
    finite = np.isfinite(arr)
    if not np.all(finite):
        raise ValueError(f"{name} must be finite (no NaN or inf); {describe_bad(arr, ~finite)}")
    return arr


def as_real_array(value, name: str) -> np.ndarray:
    """A finite real float array."""
    return as_number_array(value, name, allow_complex=False)


def check_alpha(alpha) -> np.ndarray:
    """The learning rate: finite and > 0."""
    arr = as_real_array(alpha, "alpha")
    bad = arr <= 0
    if np.any(bad):
        raise ValueError(
            "alpha (the learning rate) must be > 0; " + describe_bad(arr, bad)
        )
    return arr


def check_beta(beta, method) -> np.ndarray | None:
    """The momentum parameter: in [-1, 1] for methods that have one, None otherwise."""
    if not method.has_momentum:
        if beta is not None:
            raise ValueError(
                f"method {method.name!r} has no momentum parameter; pass beta=None "
                f"(its hyper-parameters are {method.hyperparameters})"
            )
        return None
    if beta is None:
        raise TypeError(f"beta (the momentum parameter) is required for method {method.name!r}")
    arr = as_real_array(beta, "beta")
    bad = (arr < -1) | (arr > 1)
    if np.any(bad):
        raise ValueError("beta (the momentum) must lie in [-1, 1]; " + describe_bad(arr, bad))
    return arr


def check_curvature(curvature, *, allow_complex: bool = True) -> np.ndarray:
    """A Hessian eigenvalue: finite, real (any sign) or complex when allowed."""
    return as_number_array(curvature, "curvature", allow_complex=allow_complex)


def check_spectrum(mu, L) -> tuple[np.ndarray, np.ndarray]:
    """Spectrum bounds: 0 < mu <= L, finite."""
    mu_a = as_real_array(mu, "mu")
    L_a = as_real_array(L, "L")
    bad = mu_a <= 0
    if np.any(bad):
        raise ValueError("mu (the smallest curvature) must be > 0; " + describe_bad(mu_a, bad))
    broadcast((mu_a, "mu"), (L_a, "L"))
    bad = np.broadcast_to(mu_a > L_a, np.broadcast_shapes(mu_a.shape, L_a.shape))
    if np.any(bad):
        mb, Lb = np.broadcast_arrays(mu_a, L_a)
        i = tuple(np.argwhere(bad)[0])
        raise ValueError(f"mu must be <= L; got mu={mb[i]!r} > L={Lb[i]!r}")
    return mu_a, L_a


def check_kappa(kappa) -> np.ndarray:
    """The condition number: finite and >= 1."""
    arr = as_real_array(kappa, "kappa")
    bad = arr < 1
    if np.any(bad):
        raise ValueError("kappa (= L/mu) must be >= 1; " + describe_bad(arr, bad))
    return arr


def check_hyperparameters(method, params: dict) -> dict[str, np.ndarray]:
    """Extra hyper-parameters (beyond alpha and beta): all given, finite, real, no unknowns."""
    extra = method.extra_hyperparameters
    unknown = sorted(set(params) - set(extra))
    if unknown:
        raise TypeError(
            f"unexpected keyword argument(s) {unknown} for method {method.name!r}; "
            f"its extra hyper-parameters are {list(extra)}"
        )
    missing = [p for p in extra if p not in params]
    if missing:
        raise TypeError(f"method {method.name!r} needs the hyper-parameter(s) {missing}")
    return {k: as_real_array(params[k], k) for k in extra}


def check_count(value, name: str, minimum: int = 0) -> int:
    """An integer (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_scalar(value, name: str) -> float:
    """A single finite real number (a 0-d array is fine, a string or a list is not)."""
    arr = as_real_array(value, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar (a single number) here; got an array of shape "
                         f"{arr.shape}")
    return float(arr)


def check_positive(value, name: str, what: str = "") -> np.ndarray:
    """A finite real array with every entry > 0."""
    arr = as_real_array(value, name)
    bad = arr <= 0
    if np.any(bad):
        label = f"{name} ({what})" if what else name
        raise ValueError(f"{label} must be > 0; " + describe_bad(arr, bad))
    return arr


def check_nonnegative(value, name: str) -> np.ndarray:
    """A finite real array with every entry >= 0."""
    arr = as_real_array(value, name)
    bad = arr < 0
    if np.any(bad):
        raise ValueError(f"{name} must be >= 0; " + describe_bad(arr, bad))
    return arr


def check_dt(dt, name: str = "dt"):
    """A discrete-time sampling period in python-control's convention.

    ``True`` (an unspecified discrete time step) or a finite number > 0. ``False``,
    ``None`` and ``0`` would make python-control build a continuous-time or
    time-base-free system, which these discrete models are not.
    """
    if dt is True:
        return True
    if dt is False or dt is None or isinstance(dt, np.bool_):
        raise TypeError(f"{name} must be True (unspecified discrete time) or a sampling "
                        f"period > 0; got {dt!r}")
    return float(check_positive(check_scalar(dt, name), name, "the sampling period"))


def check_flag(value, name: str) -> bool:
    """``True`` or ``False`` (NumPy booleans too), nothing else."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_choice(value, name: str, allowed) -> str:
    """One of the strings in ``allowed``."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}; got {value!r}")
    return value


def check_name(value, name: str, *, optional: bool = False) -> str | None:
    """A non-empty string (or None when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; got {value!r}")
    if not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


def check_nonempty(arr: np.ndarray, name: str) -> np.ndarray:
    """Refuse an array with no entries (a reduction over it would have no value)."""
    if np.size(arr) == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {np.shape(arr)}")
    return arr


def _check_symmetric(M: np.ndarray, name: str) -> None:
    gap = np.abs(M - M.T)
    worst = gap.max(initial=0.0)
    if worst > SYMMETRY_RTOL * np.abs(M).max(initial=0.0):
        i, j = (int(k) for k in np.unravel_index(np.argmax(gap), M.shape))
        raise ValueError(f"{name} must be symmetric; {name}[{i}, {j}]={float(M[i, j])!r} but "
                         f"{name}[{j}, {i}]={float(M[j, i])!r} (allowed relative asymmetry "
                         f"{SYMMETRY_RTOL:g})")


def check_hessian_matrix(hessian, name: str = "hessian") -> np.ndarray:
    """A Hessian as an array: 1-D curvatures (a diagonal Hessian) or symmetric (d, d).

    A scalar is one curvature (``d = 1``). Refuses strings, None, NaN, inf, empty
    arrays, other shapes and non-symmetric matrices (relative tolerance
    :data:`SYMMETRY_RTOL`).
    """
    H = as_real_array(hessian, name)
    if H.ndim == 0:
        H = H.reshape(1)
    if H.size == 0:
        raise ValueError(f"{name} must have at least one curvature; got an empty array "
                         f"of shape {H.shape}")
    if H.ndim == 1:
        return H
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"{name} must be a square (d, d) array or a 1-D array of "
                         f"curvatures; got shape {H.shape}")
    _check_symmetric(H, name)
    return H


def check_hessian(hessian, name: str = "hessian") -> tuple[np.ndarray, np.ndarray | None]:
    """``(curvatures, eigenvectors or None)`` from the forms a Hessian may take.

    A symmetric (d, d) array, 1-D curvatures, a scalar, or the pair ``(w, Q)`` that
    :func:`numpy.linalg.eigh` returns. The eigenvectors are None when the Hessian is
    diagonal.
    """
    if hessian is None:
        raise TypeError(f"{name} is required: a symmetric (d, d) array, 1-D curvatures, or "
                        "the pair (eigenvalues, eigenvectors) from numpy.linalg.eigh")
    if (isinstance(hessian, tuple | list) and len(hessian) == 2
            and np.ndim(hessian[0]) == 1 and np.ndim(hessian[1]) == 2):
        lam = as_real_array(hessian[0], f"{name} eigenvalues")
        Q = as_real_array(hessian[1], f"{name} eigenvectors")
        check_nonempty(lam, f"{name} eigenvalues")
        if Q.shape != (lam.size, lam.size):
            raise ValueError(f"{name} eigenvectors must have shape ({lam.size}, {lam.size}) "
                             f"to match the {lam.size} eigenvalues; got {Q.shape}")
        # A probe vector checks orthonormality in O(d^2) rather than forming Q^T Q.
        probe = np.random.default_rng(0).normal(size=lam.size)
        if (np.linalg.norm(Q.T @ (Q @ probe) - probe) > 1e-8 * np.linalg.norm(probe)
                or np.linalg.norm(Q @ (Q.T @ probe) - probe) > 1e-8 * np.linalg.norm(probe)):
            raise ValueError(f"{name} eigenvectors must be orthonormal columns "
                             "(as numpy.linalg.eigh returns)")
        return lam, Q
    H = check_hessian_matrix(hessian, name)
    if H.ndim == 1:
        return H.copy(), None
    if np.count_nonzero(H - np.diag(np.diag(H))) == 0:
        return np.diag(H).copy(), None
    lam, Q = np.linalg.eigh(H)
    return lam, Q


def check_noise_cov(noise_cov, d: int, name: str = "noise_cov") -> np.ndarray:
    """A noise covariance for ``d`` directions: 1-D diagonal (d,) or symmetric PSD (d, d).

    A scalar ``s`` means ``s * I``. Refuses strings, None, NaN, negative variances,
    wrong shapes, non-symmetric and indefinite matrices.
    """
    S_ = as_real_array(noise_cov, name)
    if S_.ndim == 0:
        S_ = np.full(d, float(S_))
    if S_.ndim == 1:
        if S_.shape != (d,):
            raise ValueError(f"{name} as a 1-D diagonal must have shape ({d},) to match the "
                             f"hessian; got {S_.shape}")
        if np.any(S_ < 0):
            raise ValueError(f"{name} must be positive semi-definite; the diagonal has "
                             f"the negative entry {float(S_[S_ < 0][0])!r}")
        return S_
    if S_.shape != (d, d):
        raise ValueError(f"{name} must have shape ({d}, {d}) to match the hessian; "
                         f"got {S_.shape}")
    _check_symmetric(S_, name)
    tol = SYMMETRY_RTOL * max(1.0, float(np.abs(S_).max()))
    try:  # Cholesky of the slightly shifted matrix is a cheap semi-definiteness test ...
        np.linalg.cholesky(S_ + tol * np.eye(d))
    except np.linalg.LinAlgError:  # ... and only a failure pays for the eigenvalues.
        w = float(np.linalg.eigvalsh(S_)[0])
        if w < -tol:
            raise ValueError(f"{name} must be positive semi-definite; its smallest "
                             f"eigenvalue is {w!r}") from None
    return S_


def broadcast(*named: tuple[np.ndarray | None, str]) -> tuple[int, ...]:
    """The broadcast shape of named arrays, or a ValueError naming them and their shapes."""
    items = [(a, n) for a, n in named if a is not None]
    try:
        return np.broadcast_shapes(*(a.shape for a, _ in items))
    except ValueError:
        desc = ", ".join(f"{n} with shape {a.shape}" for a, n in items)
        raise ValueError(f"shapes do not broadcast together: {desc}") from None


def to_output(arr):
    """0-d arrays become Python scalars; others are returned as they are."""
    arr = np.asarray(arr)
    if arr.ndim == 0:
        return arr.item()
    return arr

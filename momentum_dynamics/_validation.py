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
    "broadcast",
    "to_output",
]


def _describe_bad(arr: np.ndarray, mask: np.ndarray) -> str:
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
        raise ValueError(f"{name} must be finite (no NaN or inf); {_describe_bad(arr, ~finite)}")
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
            "alpha (the learning rate) must be > 0; " + _describe_bad(arr, bad)
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
        raise ValueError("beta (the momentum) must lie in [-1, 1]; " + _describe_bad(arr, bad))
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
        raise ValueError("mu (the smallest curvature) must be > 0; " + _describe_bad(mu_a, bad))
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
        raise ValueError("kappa (= L/mu) must be >= 1; " + _describe_bad(arr, bad))
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

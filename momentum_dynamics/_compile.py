"""The one place where SymPy expressions become NumPy functions.

Every module that evaluates a derived expression numerically calls
:func:`compile_numpy`, which wraps :func:`sympy.lambdify` (NumPy backend) and keeps
the compiled function: compiling is slow (code generation, common-subexpression
elimination), evaluating is fast, and the same expression is often needed by
several analyses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

__all__ = ["compile_numpy"]

_CACHE: dict[tuple, Callable] = {}
_LOCK = threading.Lock()


def _key(obj: Any) -> Any:
    """A hashable stand-in for nested lists/tuples of SymPy objects and matrices."""
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, tuple(_key(o) for o in obj))
    if isinstance(obj, sp.MatrixBase):
        return ("matrix", sp.ImmutableMatrix(obj))
    return sp.sympify(obj)


def compile_numpy(args: Sequence[sp.Symbol], exprs: Any, *, cse: bool = True) -> Callable:
    """Compile SymPy expressions into a NumPy function of ``args`` (cached).

    Parameters
    ----------
    args : sequence of Symbol
        The arguments of the compiled function, in order.
    exprs : Expr, or (nested) list/tuple of Expr, or Matrix
        What the function returns; the structure is kept (a list gives a list).
    cse : bool
        Eliminate common subexpressions (default True): faster for the long
        expressions derived from update rules.

    Returns
    -------
    callable
        ``f(*values)``; broadcasts like NumPy over array arguments. The same
        (args, exprs, cse) returns the same function object.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> f = compile_numpy([x, y], [x + y, x * y])
    >>> f(2.0, 3.0)
    [5.0, 6.0]
    >>> compile_numpy([x, y], [x + y, x * y]) is f
    True
    """
    args = list(args)
    try:
        key = (tuple(args), _key(exprs), bool(cse))
        hash(key)
    except (TypeError, sp.SympifyError):
        return sp.lambdify(args, exprs, modules="numpy", cse=cse)
    with _LOCK:
        f = _CACHE.get(key)
    if f is None:
        f = sp.lambdify(args, exprs, modules="numpy", cse=cse)
        with _LOCK:
            f = _CACHE.setdefault(key, f)
    return f

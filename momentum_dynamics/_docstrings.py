"""Docstring sections shared by several public callables, written once.

A docstring line holding only ``%(name)s`` is replaced by the text ``name`` given to
:func:`fill_doc`, re-indented to that line. Only whole lines are replaced, so the
``%`` and braces of formulas and dict examples elsewhere in a docstring are left as
they are (this is not ``%``-formatting). The filled text is the ``__doc__`` that
``help()``, Sphinx, numpydoc and the doctests read.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_MARKER = re.compile(r"^([ \t]*)%\((\w+)\)s[ \t]*$", re.MULTILINE)

#: Sections and parameter entries that read the same in every module that uses them.
SHARED = {
    # A method argument, as every analysis takes it.
    "method": """
        method : str or Method
            A registered method name or a :class:`~momentum_dynamics.methods.Method`.
        """,
    # The decay of an exponential moving average (filters.py).
    "ema_beta": """
        Parameters
        ----------
        beta : array_like
            EMA decay, in [0, 1).
        """,
    # The arguments of a vectorised function of one parameter point (numeric.py).
    "point_parameters": """
        Parameters
        ----------
        method, alpha, beta, curvature, **hyperparameters
            As in :func:`~momentum_dynamics.numeric.poles`; all broadcast together.
        """,
    "alpha_beta": """
        alpha : array_like
            Learning rate, > 0.
        beta : array_like or None
            Momentum in [-1, 1]; None for methods without momentum (``"gd"``).
        """,
    "tuning": """
        tuning : {"optimal", "standard"}
            As in :func:`momentum_dynamics.symbolic.optimal_parameters`.
        """,
    "hyperparameters": """
        **hyperparameters
            Extra hyper-parameters of a registered method; all broadcast together.
        """,
}


def optimal_fields(kind: str, where: str = "") -> str:
    """The Attributes entries and See Also of a tuning result holding ``kind`` values."""
    return f"""
        alpha : {kind}
            Learning rate{where}.
        beta : {kind} or None
            Momentum (None for a method without one).
        rate : {kind}
            The worst-case spectral radius over ``[mu, L]`` at these values.

        See Also
        --------
        optimal_parameters : the function that returns it.
        """


def fill_doc(**parts: str) -> Callable[[T], T]:
    """Decorator replacing the ``%(name)s`` lines of a docstring by their text.

    The text is ``parts[name]`` or else :data:`SHARED` ``[name]``. An unknown
    ``name`` raises ``KeyError`` at import, so a typo cannot reach users. Under
    ``python -OO`` (no docstrings) the object is returned unchanged.
    """
    parts = {**SHARED, **parts}

    def fill(obj: T) -> T:
        doc = obj.__doc__
        if doc:
            def sub(match: re.Match) -> str:
                indent, name = match.groups()
                return textwrap.indent(textwrap.dedent(parts[name]).strip("\n"), indent)

            obj.__doc__ = _MARKER.sub(sub, doc)
        return obj

    return fill

"""Notebook display of the symbolic result records: one LaTeX row per field.

Jupyter calls an object's ``_repr_latex_`` and typesets what it returns; the records
of :mod:`momentum_dynamics.symbolic` and :mod:`momentum_dynamics.multistep` set
``_repr_latex_ = latex_record`` so that every field is shown with :func:`sympy.latex`.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

# Field names that are the names of our symbols typeset as those symbols.
_GREEK = {"alpha", "beta", "lambda", "mu", "kappa", "nu", "rho", "sigma", "theta", "xi"}


def _text(s: str) -> str:
    return s.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("{", r"\{") \
        .replace("}", r"\}").replace("$", r"\$").replace("%", r"\%").replace("&", r"\&") \
        .replace("#", r"\#")


def _name(field: str) -> str:
    if field in _GREEK:
        return "\\" + field
    if len(field) == 1:
        return field
    return r"\mathrm{" + _text(field) + "}"


def _value(v: Any) -> str:
    if isinstance(v, tuple) and hasattr(v, "_fields"):  # a nested record
        inner = ", ".join(f"{_name(f)} = {_value(x)}" for f, x in zip(v._fields, v, strict=True))
        return r"\text{" + _text(type(v).__name__) + r"}\left(" + inner + r"\right)"
    if isinstance(v, (tuple, list)):
        return r"\left(" + ", ".join(_value(x) for x in v) + r"\right)"
    if isinstance(v, str):
        return r"\text{" + _text(v) + "}"
    return sp.latex(v)


def latex_record(record: tuple) -> str:
    """``$...$`` LaTeX of a NamedTuple of SymPy values, one aligned row per field.

    Nested records and tuples are typeset inline; ``None``, booleans, numbers, sets,
    matrices and relations by :func:`sympy.latex`.
    """
    rows = r" \\ ".join(f"{_name(f)} &= {_value(v)}"
                        for f, v in zip(record._fields, record, strict=True))
    return (r"$\displaystyle \text{" + _text(type(record).__name__)
            + r"}:\quad \begin{aligned} " + rows + r" \end{aligned}$")

"""Tests of the one lambdify helper, against SymPy's own exact evaluation."""

from __future__ import annotations

import pathlib
import re

import numpy as np
import pytest
import sympy as sp

from momentum_dynamics._compile import compile_numpy

x, y = sp.symbols("x y", real=True)


def test_values_match_exact_evaluation_and_structure_is_kept():
    exprs = [[sp.sqrt(x) * y, sp.exp(-x)], x**2 - y]
    f = compile_numpy([x, y], exprs)
    out = f(np.array([0.5, 2.0]), 3.0)
    assert isinstance(out, list) and isinstance(out[0], list)
    for i, xv in enumerate([0.5, 2.0]):
        pt = {x: sp.Rational(xv), y: 3}
        assert out[0][0][i] == pytest.approx(float(exprs[0][0].subs(pt)), rel=1e-15)
        assert out[0][1][i] == pytest.approx(float(exprs[0][1].subs(pt)), rel=1e-15)
        assert out[1][i] == pytest.approx(float(exprs[1].subs(pt)), rel=1e-15)


def test_same_input_gives_the_same_function_and_different_input_does_not():
    f = compile_numpy([x, y], x + y)
    assert compile_numpy((x, y), x + y) is f
    assert compile_numpy([y, x], x + y) is not f
    assert compile_numpy([x, y], x + y, cse=False) is not f
    assert compile_numpy([x, y], sp.Matrix([[x, y]])) is compile_numpy([x, y], sp.Matrix([[x, y]]))


def test_no_other_module_calls_lambdify():
    pkg = pathlib.Path(__file__).resolve().parent.parent / "momentum_dynamics"
    offenders = [str(p.relative_to(pkg)) for p in pkg.rglob("*.py")
                 if p.name != "_compile.py" and re.search(r"\blambdify\s*\(", p.read_text())]
    assert offenders == []

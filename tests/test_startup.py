"""Lazy start-up: importing the package (or asking the CLI for --help) imports no heavy
dependency, yet every public name resolves to the object its defining module holds.

What is imported is read from ``sys.modules`` in a fresh interpreter, never from a timing.
The expected names come from the ``if TYPE_CHECKING:`` import blocks (what type checkers
see), parsed with :mod:`ast`, independently of the lazy tables that serve them.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import momentum_dynamics

HEAVY = ("control", "matplotlib", "scipy", "sympy", "cvxpy")
PACKAGES = ("momentum_dynamics", "momentum_dynamics.plotting", "momentum_dynamics.applications",
            "momentum_dynamics.robust")


def _fresh(code: str) -> dict:
    """Run `code` in a new interpreter; it prints one JSON value, returned here."""
    root = Path(momentum_dynamics.__file__).parents[1]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=root, env=_env(root))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _env(root: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")])
    return env


def _type_checking_imports(package: str) -> dict[str, str]:
    """name -> defining submodule, from the package's ``if TYPE_CHECKING:`` block."""
    path = Path(importlib.import_module(package).__file__)
    tree = ast.parse(path.read_text())
    (block,) = [node for node in tree.body if isinstance(node, ast.If)
                and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    found = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names:
            found[alias.asname or alias.name] = node.module or alias.name
    return found


def _loaded(modules) -> str:
    return (f"[m for m in {tuple(modules)!r} if m in sys.modules "
            "or any(k.startswith(m + '.') for k in sys.modules)]")


def test_import_loads_no_heavy_dependency():
    loaded = _fresh("import sys, json\nimport momentum_dynamics, momentum_dynamics.plotting, "
                    "momentum_dynamics.applications\n"
                    f"print(json.dumps({_loaded(HEAVY + ('numpy',))}))")
    assert loaded == []


def test_cli_help_loads_no_heavy_dependency():
    code = ("import sys, json, contextlib, io\n"
            "from momentum_dynamics.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try:\n"
            "        main(['--help'])\n"
            "    except SystemExit:\n"
            "        pass\n"
            "assert 'critical-beta' in out.getvalue()\n"
            f"print(json.dumps({_loaded(HEAVY)}))")
    assert _fresh(code) == []


def test_numeric_names_do_not_load_control_or_matplotlib():
    """The numeric core needs SymPy and NumPy, not python-control or matplotlib."""
    code = ("import sys, json\nimport momentum_dynamics as md\n"
            "value = md.critical_beta('heavy_ball', 0.04, 1.0)\n"
            "md.stationary_covariance; md.mass_spring_damper; md.statphys\n"
            f"print(json.dumps([value, {_loaded(('control', 'matplotlib', 'scipy.signal'))}]))")
    value, loaded = _fresh(code)
    assert value == pytest.approx((1 - 0.04**0.5) ** 2, rel=1e-14)  # Polyak heavy ball
    assert loaded == []


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves_to_its_defining_module(package):
    """In a fresh interpreter, each name of __all__ is the object of the submodule that the
    TYPE_CHECKING block names (a submodule export is that submodule)."""
    expected = _type_checking_imports(package)
    code = f"""import importlib, json, types
pkg = importlib.import_module({package!r})
expected = {expected!r}
bad = []
for name in pkg.__all__:
    value = getattr(pkg, name)
    home = importlib.import_module({package!r} + "." + expected[name])
    want = home if isinstance(value, types.ModuleType) else getattr(home, name)
    if value is not want:
        bad.append(name)
print(json.dumps([sorted(pkg.__all__), bad]))
"""
    names, bad = _fresh(code)
    assert names == sorted(expected)
    assert bad == []


@pytest.mark.parametrize("package", PACKAGES)
def test_dir_lists_every_exported_name(package):
    pkg = importlib.import_module(package)
    assert set(pkg.__all__) <= set(dir(pkg))
    fresh = _fresh(f"import json, {package} as p\nprint(json.dumps([dir(p), p.__all__]))")
    assert set(fresh[1]) <= set(fresh[0])


def test_star_import_gives_every_name():
    namespace: dict = {}
    exec("from momentum_dynamics import *", namespace)
    assert set(momentum_dynamics.__all__) <= set(namespace)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        momentum_dynamics.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from momentum_dynamics.plotting import no_such_plot", {})


def test_simulate_stays_the_function_whatever_is_imported_first():
    """``simulate`` is both a submodule and the exported function; importing the submodule
    (directly, or through physics) must not replace the function on the package."""
    code = """import json, types
import momentum_dynamics.simulate
import momentum_dynamics.physics
import momentum_dynamics as md
from momentum_dynamics import simulate
print(json.dumps([isinstance(md.simulate, types.FunctionType), simulate is md.simulate,
                  md.simulate.__module__]))
"""
    assert _fresh(code) == [True, True, "momentum_dynamics.simulate"]


def test_submodules_are_attributes():
    for name in ("numeric", "lti", "methods", "noise", "filters", "conventions", "cli"):
        module = getattr(momentum_dynamics, name)
        assert isinstance(module, types.ModuleType)
        assert module is sys.modules[f"momentum_dynamics.{name}"]


def test_lazy_module_imports_on_first_attribute_only():
    code = """import json, sys
from momentum_dynamics._lazy import lazy_function, lazy_module
mod = lazy_module("wave")
fn = lazy_function("tabnanny", "check")
before = ["wave" in sys.modules, "tabnanny" in sys.modules]
mod.Error
after = ["wave" in sys.modules, "tabnanny" in sys.modules]
print(json.dumps([before, after, mod.Error is sys.modules["wave"].Error]))
"""
    assert _fresh(code) == [[False, False], [True, False], True]


def test_lazy_module_missing_attribute_is_an_attribute_error():
    from momentum_dynamics._lazy import lazy_module

    with pytest.raises(AttributeError, match="no_such_thing"):
        lazy_module("colorsys").no_such_thing  # noqa: B018

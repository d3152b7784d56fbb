"""Every public callable has a complete numpydoc docstring.

Public means: listed in ``__all__`` of the package or of one of its public submodules
(found by walking the package; names starting with ``_`` are private). A callable
re-exported in several places is checked once, under its defining module.

Checked with :func:`numpydoc.validate.validate`:

- PR01 / PR02: every parameter is documented, and nothing else is. For a class the
  parameters are those of its constructor; a NamedTuple or dataclass documents its
  fields under ``Attributes`` (numpydoc's convention for result types), which counts.
- RT01: a Returns section wherever the function returns something.
- EX01: an Examples section (the examples run as doctests in the suite).

``KNOWN_GAPS`` lists what is still missing, per callable; the test fails on any gap
not listed, and on a listed gap that has been fixed (remove it from the list then).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.docscrape import ClassDoc
from numpydoc.validate import validate

import momentum_dynamics

CODES = ("PR01", "PR02", "RT01", "EX01")

# Known gaps, callable -> missing codes: empty since every public callable is documented.
# A new entry needs a reason; never grow it silently.
KNOWN_GAPS: dict[str, set[str]] = {
}


def public_modules() -> list[str]:
    """The package and every submodule whose dotted name has no ``_`` component."""
    names = [momentum_dynamics.__name__]
    for info in pkgutil.walk_packages(momentum_dynamics.__path__, "momentum_dynamics."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def public_callables() -> dict[str, object]:
    """``"module.qualname"`` of the defining module -> object, for every exported callable."""
    found: dict[str, object] = {}
    for name in public_modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants (dicts of colours, symbols) are not callables
            home = f"{obj.__module__}.{obj.__qualname__}"
            if home.startswith("momentum_dynamics."):
                found.setdefault(home, obj)
    return found


def _documented_fields(obj) -> set[str]:
    doc = ClassDoc(obj)
    return {name.strip() for item in doc["Parameters"] + doc["Attributes"]
            for name in item.name.split(",")}


def gaps(name: str, obj) -> set[str]:
    """The codes of :data:`CODES` that the docstring of ``obj`` fails."""
    found = {code for code, _ in validate(name)["errors"] if code in CODES}
    if inspect.isclass(obj) and "PR01" in found:
        # A result type documents its fields as Attributes: count those as parameters.
        params = set(inspect.signature(obj).parameters) - {"self", "args", "kwargs"}
        if params <= _documented_fields(obj):
            found.discard("PR01")
    return found


CALLABLES = public_callables()


def test_the_walk_finds_the_public_api():
    # Independent of the walk: names a user imports from the top level.
    for name in ("spectral_radius", "critical_beta", "register_method", "to_statespace"):
        obj = getattr(momentum_dynamics, name)
        assert f"{obj.__module__}.{obj.__qualname__}" in CALLABLES
    assert not any(n.split(".")[-1].startswith("_") for n in CALLABLES)


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_docstring_is_complete(name):
    missing = gaps(name, CALLABLES[name])
    known = KNOWN_GAPS.get(name, set())
    new = missing - known
    assert not new, (
        f"{name}: docstring lacks {sorted(new)} "
        "(PR01 undocumented parameter, PR02 unknown parameter, RT01 no Returns, "
        "EX01 no Examples)"
    )
    fixed = known - missing
    assert not fixed, f"{name}: {sorted(fixed)} fixed; remove them from KNOWN_GAPS"


def test_known_gaps_name_existing_callables():
    assert set(KNOWN_GAPS) <= set(CALLABLES), set(KNOWN_GAPS) - set(CALLABLES)


def test_the_check_sees_missing_parameters_returns_and_examples():
    # The checker must be able to fail: a function documenting nothing.
    def undocumented(a, b=1):
        """Add two numbers."""
        return a + b

    undocumented.__module__ = __name__
    globals()["undocumented"] = undocumented
    try:
        assert gaps(f"{__name__}.undocumented", undocumented) == {"PR01", "RT01", "EX01"}
    finally:
        del globals()["undocumented"]

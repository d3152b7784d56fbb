"""Deferred imports of the heavy dependencies (python-control, SciPy submodules, matplotlib).

Importing python-control alone takes seconds (it pulls in ``scipy.signal``, ``scipy.stats``
and ``matplotlib.pyplot``), yet most functions of a module that uses it never touch it.
A module therefore binds ``control = lazy_module("control")`` at the top instead of
``import control``: a stand-in that imports the real module on its first attribute access
(the convention of scientific-python SPEC 1, ``lazy_loader``). Under
``if TYPE_CHECKING:`` the same module imports the real thing, so type checkers and
annotations see the real names.

The stand-in is not registered in :data:`sys.modules` (unlike
:class:`importlib.util.LazyLoader`), so ``"control" in sys.modules`` keeps telling whether
python-control has really been imported, and the import itself goes through the normal,
thread-safe import machinery.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

__all__ = ["LazyModule", "lazy_exports", "lazy_function", "lazy_module"]


class LazyModule:
    """Stand-in for a module, imported on first attribute access.

    Parameters
    ----------
    name : str
        Absolute module name, e.g. ``"scipy.signal"``.

    Examples
    --------
    >>> colorsys = lazy_module("colorsys")
    >>> colorsys
    <lazy module 'colorsys'...>
    >>> colorsys.rgb_to_hsv(1.0, 0.0, 0.0)
    (0.0, 1.0, 1.0)
    >>> xml = lazy_module("xml")
    >>> xml.dom.__name__            # a submodule, imported on access
    'xml.dom'
    """

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return module

    def __getattr__(self, attr: str) -> Any:
        module = self._load()
        try:
            return getattr(module, attr)
        except AttributeError:
            # ``scipy.signal`` after a bare ``import scipy`` is not an attribute in every
            # SciPy version: import the submodule, as ``import scipy.signal`` would have.
            if attr.startswith("__"):
                raise
            try:
                return importlib.import_module(f"{self._name}.{attr}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{self._name}.{attr}":
                    raise
                raise AttributeError(f"module {self._name!r} has no attribute {attr!r}") \
                    from None

    def __dir__(self) -> list[str]:
        return dir(self._load())

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not imported yet"
        return f"<lazy module {self._name!r} ({state})>"


def lazy_module(name: str) -> Any:
    """Return a stand-in for module `name` that imports it on first attribute access.

    Parameters
    ----------
    name : str
        Absolute module name.

    Returns
    -------
    LazyModule
        Typed ``Any`` so that it can stand where the module would.

    See Also
    --------
    lazy_function : the same for one function (``from module import name``).

    Examples
    --------
    >>> lazy_module("colorsys").hls_to_rgb(0.0, 0.5, 1.0)
    (1.0, 0.0, 0.0)
    """
    return LazyModule(name)


def lazy_function(module: str, name: str) -> Callable[..., Any]:
    """Return a function that imports ``module.name`` on its first call and forwards to it.

    Parameters
    ----------
    module : str
        Absolute module name.
    name : str
        Name of the function in that module.

    Returns
    -------
    callable
        Calls ``module.name(*args, **kwargs)``.

    See Also
    --------
    lazy_module : the same for a whole module.

    Examples
    --------
    >>> rgb_to_hsv = lazy_function("colorsys", "rgb_to_hsv")
    >>> rgb_to_hsv(0.0, 0.0, 1.0)
    (0.6666666666666666, 1.0, 1.0)
    """
    source = LazyModule(module)

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(source, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"``{module}.{name}``, imported on the first call."
    return call


def lazy_exports(package: str, attributes: dict[str, str], submodules: Iterable[str] = ()
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` (PEP 562) that import names on first use.

    Parameters
    ----------
    package : str
        ``__name__`` of the package whose namespace is filled.
    attributes : dict of str to str
        Exported name -> the submodule (relative to `package`) that defines it.
    submodules : iterable of str
        Submodules reachable as attributes of the package.

    Returns
    -------
    __getattr__, __dir__
        To bind in the package. A resolved name is stored in the package's namespace,
        so only its first look-up goes through ``__getattr__``.

    See Also
    --------
    lazy_module : the same for a whole third-party module.

    Examples
    --------
    >>> import types
    >>> pkg = types.ModuleType("pkg")
    >>> sys.modules["pkg"] = pkg
    >>> pkg.__getattr__, pkg.__dir__ = lazy_exports("pkg", {}, ())
    >>> pkg.missing
    Traceback (most recent call last):
    AttributeError: module 'pkg' has no attribute 'missing'
    >>> del sys.modules["pkg"]
    """
    submodules = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in attributes:
            value = getattr(importlib.import_module(f"{package}.{attributes[name]}"), name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        vars(sys.modules[package])[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(attributes) | submodules)

    return __getattr__, __dir__

"""Sphinx configuration: API pages are generated from the numpydoc docstrings.

Build with ``pip install ".[docs]" && sphinx-build -b html docs docs/_build/html``.
"""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "momentum_dynamics"
author = "momentum_dynamics developers"
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
]
templates_path = ["_templates"]
autosummary_generate = True
# Module pages list what the module's ``__all__`` exports, not everything it imports.
autosummary_ignore_module_all = False
numpydoc_show_class_members = False
exclude_patterns = ["_build", "_templates"]
html_theme = "alabaster"

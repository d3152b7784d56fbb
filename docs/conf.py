"""Sphinx configuration: API pages are generated from the numpydoc docstrings."""

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
autosummary_generate = True
numpydoc_show_class_members = False
exclude_patterns = ["_build"]
html_theme = "alabaster"

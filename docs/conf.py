"""Sphinx configuration.

Build with ``pip install ".[docs]" && sphinx-build -b html docs docs/_build/html``.

- API pages are generated from the numpydoc docstrings (autosummary + numpydoc).
- Figures are drawn at build time by matplotlib's ``plot`` directive from the package's
  own plotting functions, so they always show what the code does.
- The notebooks (``notebooks/*.ipynb``, jupytext pairs of ``notebooks/*.py``) are copied
  into ``docs/notebooks/`` and executed by myst-nb, so the pages show their outputs.
- The CLI reference is generated from the argument parser by sphinx-argparse.
- Math is rendered by a MathJax copy shipped with ``sphinx-mathjax-offline``: the pages
  work without a network connection.
- Cross-references to NumPy, SciPy, SymPy, Matplotlib, python-control and Python use
  intersphinx; offline, the inventories cannot be fetched and those names render as
  plain text (reported once per inventory as an info line, see ``_OfflineInventories``).
"""

import logging
import os
import re
import shutil
import sys
from pathlib import Path

import matplotlib

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
# Notebook kernels are separate processes: give them the same package as this build.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)
# Only this process draws off-screen; the notebook kernels keep Jupyter's inline backend
# so their figures become outputs (an MPLBACKEND variable would be inherited by them).
matplotlib.use("Agg")

project = "momentum_dynamics"
author = "momentum_dynamics developers"
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "myst_nb",
    "sphinxarg.ext",
    # After sphinx.ext.mathjax: points mathjax_path at the bundled copy.
    "sphinx-mathjax-offline",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "notebooks/README.md", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext", ".ipynb": "myst-nb"}
html_theme = "alabaster"

# -- API pages ----------------------------------------------------------------------------
autosummary_generate = True
# Module pages list what the module's ``__all__`` exports, not everything it imports.
autosummary_ignore_module_all = False
numpydoc_show_class_members = False
# -- intersphinx ----------------------------------------------------------------------------
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "scipy": ("https://docs.scipy.org/doc/scipy/", None),
    "sympy": ("https://docs.sympy.org/latest/", None),
    "matplotlib": ("https://matplotlib.org/stable/", None),
    "control": ("https://python-control.readthedocs.io/en/latest/", None),
}
# Give up quickly when offline instead of waiting for each host.
intersphinx_timeout = 5

# -- figures --------------------------------------------------------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.figsize": (7.0, 3.6), "savefig.bbox": "tight"}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\nimport momentum_dynamics as md"

# -- notebooks ------------------------------------------------------------------------------
# Executed at every build (they are committed without outputs); a failing cell fails the
# build, as it fails the test suite.
nb_execution_mode = "force"
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
myst_enable_extensions = ["dollarmath", "amsmath"]
# Notebook headings start at level 1; their cross-references stay inside the notebook.
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]


def _copy_notebooks() -> None:
    """Mirror ``notebooks/*.ipynb`` into ``docs/notebooks/`` (Sphinx reads only its srcdir)."""
    target = DOCS / "notebooks"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)


_copy_notebooks()


class _OfflineInventories(logging.Filter):
    """Report an intersphinx inventory that cannot be *reached* as info, not a warning.

    Offline builds (CI machines without a network) must pass with ``-W``; the only loss
    is that NumPy/SciPy/... names are not linked. A reachable host that answers with an
    error (a wrong URL, HTTP 404) stays a warning.
    """

    UNREACHABLE = ("NameResolutionError", "Failed to resolve", "Max retries exceeded",
                   "ConnectionError", "ConnectTimeout", "timed out", "Network is unreachable",
                   "Temporary failure in name resolution", "ProxyError")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if (record.levelno == logging.WARNING
                and "failed to reach any of the inventories" in message
                and "404" not in message
                and any(sign in message for sign in self.UNREACHABLE)):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _qualify_method(app, what, name, obj, options, signature, return_annotation):
    """Write a bare ``Method`` in a signature as ``momentum_dynamics.methods.Method``.

    ``Method`` is documented twice (``momentum_dynamics.Method`` re-exports
    ``momentum_dynamics.methods.Method``). Autodoc qualifies annotations it can evaluate;
    one that does not evaluate (e.g. ``-> sp.Boolean``, not a SymPy attribute) stays a
    string, and a bare ``Method`` in it would match both targets.
    """
    bare = re.compile(r"(?<![\w.])Method\b")
    qualified = "momentum_dynamics.methods.Method"
    return (bare.sub(qualified, signature) if signature else signature,
            bare.sub(qualified, return_annotation) if return_annotation else return_annotation)


def setup(app):
    app.connect("autodoc-process-signature", _qualify_method)
    # Sphinx's loggers are named "sphinx.<module>"; attach before intersphinx loads.
    logging.getLogger("sphinx.sphinx.ext.intersphinx").addFilter(_OfflineInventories())

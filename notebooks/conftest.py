"""pytest settings for the notebooks folder.

Each notebook is a jupytext pair: ``NAME.py`` (percent script, the source) and
``NAME.ipynb`` (same cells, run by nbmake). With ``--doctest-modules`` pytest would import
the percent scripts as modules, i.e. run every notebook a second time outside a kernel
(where IPython's ``display`` does not exist). The ``.ipynb`` is what is executed; the
``.py`` is checked to hold the same cells by ``tests/test_notebooks_stripped.py``.
"""

collect_ignore_glob = ["*.py"]

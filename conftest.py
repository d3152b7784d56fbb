"""Use a non-interactive matplotlib backend everywhere, doctests included."""

import matplotlib

matplotlib.use("Agg")

# notebooks/NAME.py are jupytext percent scripts paired with notebooks/NAME.ipynb; nbmake
# runs the .ipynb. Without this, --doctest-modules would import (i.e. run) each script a
# second time, outside a kernel.
collect_ignore_glob = ["notebooks/*.py"]


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or doctest opened (pyplot keeps them alive otherwise)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

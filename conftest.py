"""Use a non-interactive matplotlib backend everywhere, doctests included."""

import matplotlib

matplotlib.use("Agg")

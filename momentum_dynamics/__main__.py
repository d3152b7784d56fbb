"""``python -m momentum_dynamics``: the command line."""

import sys

from .cli import main

sys.exit(main())

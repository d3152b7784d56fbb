"""Strip outputs and execution counts from the notebooks, in place.

Run from the repository root::

    python tools/strip_notebooks.py            # strips notebooks/*.ipynb
    python tools/strip_notebooks.py --check    # exit 1 if any notebook is not stripped
    python tools/strip_notebooks.py path/to/a.ipynb ...

Only code cells' ``outputs`` and ``execution_count`` are cleared (plus the per-cell
``execution`` timing metadata that Jupyter may record); sources and other metadata
are left alone. A file is rewritten only when something changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def strip(nb: nbformat.NotebookNode) -> bool:
    """Clear outputs and execution counts of ``nb`` in place; return whether it changed."""
    changed = False
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            cell["outputs"] = []
            changed = True
        if cell.get("execution_count") is not None:
            cell["execution_count"] = None
            changed = True
        if "execution" in cell.get("metadata", {}):
            del cell["metadata"]["execution"]
            changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, help="notebooks to strip (default: notebooks/*.ipynb)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if any notebook needs stripping",
    )
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    dirty = []
    for path in paths:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if strip(nb):
            dirty.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "needs stripping" if args.check else "stripped"
    for path in dirty:
        print(f"{verb}: {path}")
    return 1 if (args.check and dirty) else 0


if __name__ == "__main__":
    sys.exit(main())

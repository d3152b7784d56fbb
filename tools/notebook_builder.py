"""Shared by the ``tools/make_notebook_*.py`` scripts: cells in, a stripped notebook out."""

from __future__ import annotations

import sys
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


class NotebookBuilder:
    """Collect markdown and code cells, write them as a notebook without outputs."""

    def __init__(self, out: Path):
        self.out = out
        self.cells: list[tuple[str, str]] = []

    def md(self, text: str) -> None:
        self.cells.append(("markdown", dedent(text).strip("\n")))

    def code(self, text: str) -> None:
        self.cells.append(("code", dedent(text).strip("\n")))

    def build(self) -> nbformat.NotebookNode:
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        for kind, text in self.cells:
            if kind == "markdown":
                nb.cells.append(new_markdown_cell(text))
            else:
                nb.cells.append(new_code_cell(text, execution_count=None, outputs=[]))
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i:02d}"
        nbformat.validate(nb)
        return nb

    def main(self, argv: list[str] | None = None) -> int:
        argv = sys.argv[1:] if argv is None else argv
        out = Path(argv[0]) if argv else self.out
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(self.build(), out)
        print(f"wrote {out} ({len(self.cells)} cells)")
        return 0

"""Notebooks are committed without outputs (strip with ``python tools/strip_notebooks.py``).

The check reads the notebook JSON directly, independently of the nbformat-based tool.
"""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def unstripped_cells(path):
    """Indices of code cells that carry outputs or an execution count."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]


def test_the_notebooks_are_found():
    # an empty glob would silently parametrise the test below into nothing
    assert NOTEBOOKS, f"no notebooks under {ROOT / 'notebooks'}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stripped(path):
    bad = unstripped_cells(path)
    assert not bad, (
        f"{path.name}: code cells {bad} have outputs or execution counts; "
        "run `python tools/strip_notebooks.py`"
    )


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "strip_notebooks", ROOT / "tools" / "strip_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_strip_tool_clears_outputs_and_counts(tmp_path):
    tool = load_tool()
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    code.outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# title"), code]
    path = tmp_path / "example.ipynb"
    nbformat.write(nb, path)
    assert unstripped_cells(path) == [1]
    assert tool.main(["--check", str(path)]) == 1
    assert unstripped_cells(path) == [1]  # --check changes nothing
    assert tool.main([str(path)]) == 0
    assert unstripped_cells(path) == []
    assert tool.main(["--check", str(path)]) == 0
    stripped = nbformat.read(path, as_version=4)
    assert [c.source for c in stripped.cells] == ["# title", "1 + 1"]

"""Notebooks are committed without outputs, and each ``.ipynb`` matches its percent script.

Outputs: strip with ``python tools/strip_notebooks.py``; the check reads the notebook JSON
directly, independently of the nbformat-based tool.

Pairing: every ``notebooks/NAME.py`` (jupytext percent script, the source researchers edit)
has a ``NAME.ipynb`` holding the same cells, read back through jupytext's own API; after
editing the script, ``jupytext --sync notebooks/*.py`` updates the notebook.
"""

import importlib.util
import json
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPTS = sorted(p for p in (ROOT / "notebooks").glob("*.py") if p.name != "conftest.py")


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


def cells(nb):
    """(cell type, source) of every cell, trailing blank lines ignored."""
    return [(c.cell_type, c.source.rstrip("\n")) for c in nb.cells]


def test_notebooks_and_scripts_come_in_pairs():
    assert NOTEBOOKS, "no notebooks found"
    assert [p.stem for p in SCRIPTS] == [p.stem for p in NOTEBOOKS], (
        "each notebooks/NAME.ipynb needs its percent script notebooks/NAME.py and vice "
        "versa; create one with `jupytext --to py:percent notebooks/NAME.ipynb`"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_script_and_notebook_hold_the_same_cells(script):
    text = jupytext.read(script, fmt="py:percent")
    notebook = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    assert cells(text) == cells(notebook), (
        f"{script.name} and its .ipynb differ; run `jupytext --sync notebooks/{script.name}` "
        "then `python tools/strip_notebooks.py`"
    )


def test_pairing_check_sees_a_changed_cell(tmp_path):
    # The comparison above must be able to fail: edit one code cell of a converted pair.
    source = SCRIPTS[0]
    notebook = jupytext.read(source, fmt="py:percent")
    code = next(c for c in notebook.cells if c.cell_type == "code")
    code.source += "\nx = 1"
    edited = tmp_path / source.name
    jupytext.write(notebook, edited, fmt="py:percent")
    original = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    assert cells(jupytext.read(edited, fmt="py:percent")) != cells(original)

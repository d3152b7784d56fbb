"""The README's and the documentation pages' Python examples run as doctests.

The ``>>>`` examples of every fenced ``python`` block of README.md form one doctest (later
blocks use names defined in earlier ones), run with the suite's doctest option flags
(``NORMALIZE_WHITESPACE``, ``ELLIPSIS``). Only the fenced blocks are read, so a closing
fence is never taken for expected output. Each ``docs/*.rst`` page is one doctest of its
``>>>`` examples (in reStructuredText a blank line ends the expected output). Both run on
the shipped methods only: the examples register their own rules as a reader would.
"""

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
FENCED_PYTHON = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_doctest(text: str, name: str = "README.md") -> doctest.DocTest:
    """One doctest made of the ``python`` blocks of a Markdown text, in order."""
    blocks = FENCED_PYTHON.findall(text)
    return doctest.DocTestParser().get_doctest(
        "\n".join(blocks), globs={}, name=name, filename=str(README), lineno=0
    )


def run(test: doctest.DocTest) -> tuple[doctest.TestResults, str]:
    report = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=report.append)
    return runner.summarize(verbose=False), "".join(report)


SHIPPED = {"gd", "heavy_ball", "nesterov", "ema_momentum", "qh_momentum", "robust_momentum",
           "triple_momentum", "gda_simultaneous", "gda_alternating",
           "gda_simultaneous_heavy_ball", "gda_alternating_heavy_ball",
           "gda_simultaneous_nesterov", "gda_alternating_nesterov"}


@pytest.fixture
def fresh_registry():
    # The README registers its own rules (qhm, aggmo) as a reader would, without
    # overwrite=True: start from the shipped methods only, and leave the registry as found.
    import momentum_dynamics as md

    before = {name: md.get_method(name) for name in md.available_methods()}
    for name in set(before) - SHIPPED:
        md.unregister_method(name)
    yield
    for name in set(md.available_methods()) - SHIPPED:
        md.unregister_method(name)
    for name, method in before.items():
        if name not in SHIPPED:
            md.register_method(method, overwrite=True)


def test_readme_examples_run(fresh_registry):
    test = readme_doctest(README.read_text(encoding="utf-8"))
    assert len(test.examples) >= 15, "README lost its examples, or the parser missed them"
    result, report = run(test)
    assert result.failed == 0, report


def test_a_wrong_readme_output_fails():
    # The harness must be able to fail: a README whose example prints something else.
    text = "```python\n>>> 1 + 1\n3\n```\n"
    result, report = run(readme_doctest(text, name="bad"))
    assert result.failed == 1 and "Expected:\n    3\nGot:\n    2" in report


@pytest.mark.parametrize("marker", ["<!-- main-command -->", "<!-- test-command -->"])
def test_fresh_machine_commands_are_marked(marker):
    # CI extracts the fenced block right after each marker.
    text = README.read_text(encoding="utf-8")
    assert re.search(re.escape(marker) + r"\n```bash\n.+\n```", text), marker


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*.rst")), ids=lambda p: p.name)
def test_docs_examples_run(page, fresh_registry):
    # The ``>>>`` examples of each documentation page, one doctest per page.
    test = doctest.DocTestParser().get_doctest(
        page.read_text(encoding="utf-8"), globs={}, name=page.name, filename=str(page), lineno=0
    )
    result, report = run(test)
    assert result.failed == 0, report

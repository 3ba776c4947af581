"""lossbook.book.nbtools: notebooks keep their pinned outputs and nothing else,
and their markdown reads cleanly outside the book."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lossbook.book import nbtools
from lossbook.book.nbtools import PIN_TAG


def pinned(source, outputs=()):
    return new_code_cell(source, outputs=list(outputs), execution_count=1,
                         metadata={"tags": [PIN_TAG]})


def notebook():
    out = new_output("stream", text="1.6094\n")
    result = new_output("execute_result", data={"text/plain": "3"}, execution_count=2)
    nb = new_notebook(cells=[
        new_markdown_cell("# Title"),
        new_code_cell("import math", execution_count=1),                      # count only
        new_code_cell("1 + 2", outputs=[result], execution_count=2),           # stray output
        pinned("print(f'{-math.log(0.2):.4f}')", [out]),                       # kept
        new_code_cell("x = 1"),                                                # clean
    ])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    return nb


def test_stray_outputs_finds_outputs_counts_and_empty_pins():
    nb = notebook()
    assert nbtools.stray_outputs(nb) == [1, 2]
    nb.cells[3].outputs = []
    assert nbtools.stray_outputs(nb) == [1, 2, 3]


def test_a_pinned_output_without_an_execution_count_is_stray():
    # nbval refuses such a cell ("Unrun reference cell has outputs").
    nb = notebook()
    nb.cells[3].execution_count = None
    assert 3 in nbtools.stray_outputs(nb)


def test_strip_keeps_only_pinned_outputs_and_drops_counts_and_widget_state():
    nb = notebook()
    nb.cells[3].execution_count = 7
    nbtools.strip(nb)
    assert nbtools.stray_outputs(nb) == []
    assert [len(c.get("outputs", [])) for c in nb.cells] == [0, 0, 0, 1, 0]
    assert nb.cells[3].outputs[0].text == "1.6094\n"
    counts = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
    assert counts == [None, None, 1, None]   # only the pinned cell, numbered afresh
    assert "widgets" not in nb.metadata


def test_course_notebooks_finds_the_three_folders_in_order(tmp_path):
    for folder in ("solutions", "chapters", "exercises", "pages"):
        (tmp_path / folder).mkdir()
        for name in ("02_b.ipynb", "01_a.ipynb"):
            nbformat.write(new_notebook(), tmp_path / folder / name)
    found = nbtools.course_notebooks(tmp_path)
    assert [f"{p.parent.name}/{p.name}" for p in found] == [
        "chapters/01_a.ipynb", "chapters/02_b.ipynb", "exercises/01_a.ipynb",
        "exercises/02_b.ipynb", "solutions/01_a.ipynb", "solutions/02_b.ipynb"]


def test_check_and_strip_commands(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook(), path)
    assert nbtools.main(["check", str(path)]) == 1
    message = capsys.readouterr().out
    assert "cells [1, 2]" in message and f"lossbook.book.nbtools pin {path}" in message
    assert nbtools.main(["strip", str(path)]) == 0
    assert nbtools.main(["check", str(path)]) == 0
    assert nbformat.read(path, as_version=4).cells[3].outputs[0].text == "1.6094\n"


def test_pin_runs_the_notebook_in_its_folder_and_keeps_the_pinned_output(tmp_path):
    (tmp_path / "data.txt").write_text("0.2")
    nb = new_notebook(cells=[
        new_code_cell("import math\np = float(open('data.txt').read())"),
        new_code_cell("p"),
        pinned("print(f'{-math.log(p):.4f}')"),
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    nbtools.pin(path)
    done = nbformat.read(path, as_version=4)
    assert nbtools.stray_outputs(done) == []
    assert done.cells[2].outputs[0].text == "1.6094\n"
    assert done.cells[1].outputs == []


def test_command_line_reports_stray_outputs(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook(), path)
    run = subprocess.run([sys.executable, "-m", "lossbook.book.nbtools", "check", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "cells [1, 2]" in run.stdout, run.stdout + run.stderr


# -- book-only markup ---------------------------------------------------------------------

GLOSSARY = """# Glossary

```{glossary}
Loss function
  Scores a prediction.

Mean squared error
  The average squared residual.

One-hot encoding
  A vector with a single 1.
```
"""


@pytest.fixture
def course(tmp_path):
    """A small course: a glossary and two chapters that use every role the book knows."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "glossary.md").write_text(GLOSSARY)
    (tmp_path / "chapters").mkdir()
    first = new_notebook(cells=[
        new_markdown_cell("# 1. What a loss is\n\nA {term}`loss function` scores; the\n"
                          "{term}`MSE <mean squared error>` is one, and {term}`one-hot <One-hot encoding>`\n"
                          "targets come later ({doc}`02_second`, {ref}`its pitfalls <second-pitfalls>`)."),
        new_code_cell("s = '{term}`not markup in code`'"),
        new_markdown_cell("See {ref}`the end <first-end>`.\n\n```python\nd = {'a': 1}\n```"),
        new_markdown_cell("(first-end)=\n## The end: $\\delta$ and `clip`\n\n:::{note}\nA note\nover two lines.\n:::\n\n"
                          "```{dropdown} The answer\n:open:\n\nForty-two.\n```\n\n```{warning}\nCareful.\n```"),
    ])
    second = new_notebook(cells=[
        new_markdown_cell("# 2. The second chapter\n\n(second-pitfalls)=\n## Pitfalls\n\nBack to {doc}`the first <01_first>`."),
    ])
    nbformat.write(first, tmp_path / "chapters" / "01_first.ipynb")
    nbformat.write(second, tmp_path / "chapters" / "02_second.ipynb")
    return tmp_path


def fixed(course):
    paths = sorted((course / "chapters").glob("*.ipynb"))
    targets = nbtools.Targets.collect(course, paths)
    results = [nbtools.fix_markup(p, targets) for p in paths]
    cells = [[c.source for c in nbformat.read(p, as_version=4).cells] for p in paths]
    return results, cells


def test_raw_markup_finds_roles_targets_and_directives_outside_code():
    text = ("A {term}`loss function`, {doc}`02_mse_mae` and {numref}`fig-1`.\n\n(label)=\n## H\n\n"
            ":::{dropdown} Answer\nYes\n:::\n\n```{admonition} Why\nBecause\n```\n\n"
            "```python\nx = {'term': 1}  # {term}`in code`\n```\n\nInline `{term}` code.")
    assert nbtools.raw_markup(text) == ["{term}`loss function`", "{doc}`02_mse_mae`", "{numref}`fig-1`",
                                        "(label)=", ":::{dropdown}", "```{admonition}"]
    assert nbtools.raw_markup("Plain [links](a.ipynb#b), <details><summary>x</summary></details>, $x$.") == []


def test_fix_markup_turns_every_role_into_a_plain_link(course):
    results, (first, second) = fixed(course)
    assert [problems for _, problems in results] == [[], []]
    assert first[0] == (
        "# 1. What a loss is\n\nA [loss function](../pages/glossary.md#term-loss-function) scores; the\n"
        "[MSE](../pages/glossary.md#term-mean-squared-error) is one, and "
        "[one-hot](../pages/glossary.md#term-one-hot-encoding)\n"
        "targets come later ([The second chapter](02_second.ipynb), [its pitfalls](02_second.ipynb#pitfalls)).")
    assert first[1] == "s = '{term}`not markup in code`'"           # code cells untouched
    assert first[2] == "See [the end](#the-end-delta-and-clip).\n\n```python\nd = {'a': 1}\n```"
    assert second[0] == ("# 2. The second chapter\n\n## Pitfalls\n\n"
                         "Back to [the first](01_first.ipynb).")


def test_fix_markup_rewrites_admonitions_and_dropdowns(course):
    _, (first, _) = fixed(course)
    assert first[3] == ("## The end: $\\delta$ and `clip`\n\n> **Note.**\n>\n> A note\n> over two lines.\n\n"
                        "<details><summary>The answer</summary>\n\nForty-two.\n\n</details>\n\n"
                        "> **Warning.**\n>\n> Careful.")


def test_fixed_notebooks_have_no_raw_markup_and_no_broken_link(course):
    fixed(course)
    for path in (course / "chapters").glob("*.ipynb"):
        cells = nbformat.read(path, as_version=4).cells
        assert [nbtools.raw_markup(c.source) for c in cells if c.cell_type == "markdown"] == \
            [[]] * sum(c.cell_type == "markdown" for c in cells)
        assert nbtools.broken_links(path, course) == []
    again, _ = fixed(course)
    assert again == [(0, []), (0, [])]                              # a second run changes nothing


def test_fix_markup_reports_what_it_cannot_convert_and_leaves_it(course):
    path = course / "chapters" / "03_third.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell(
        "# 3. Third\n\n{term}`no such term`, {ref}`x <no-label>`, {doc}`99_missing`, {numref}`fig`.\n\n"
        "```{figure} a.png\nCaption\n```")]), path)
    targets = nbtools.Targets.collect(course, [path])
    changed, problems = nbtools.fix_markup(path, targets)
    text = " ".join(problems)
    assert "no glossary term 'no such term'" in text and "no label (no-label)=" in text
    assert "no document '99_missing'" in text and "{numref} role" in text and "{figure}" in text
    source = nbformat.read(path, as_version=4).cells[0].source
    assert "{ref}`x <no-label>`" in source and "{numref}`fig`" in source and "```{figure} a.png" in source


def test_broken_links_finds_missing_files_headings_and_terms(course):
    path = course / "chapters" / "01_first.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell(
        "# One\n\n## Real heading\n\n[ok](#real-heading), [ok](../pages/glossary.md#term-loss-function), "
        "[ok](02_second.ipynb), [web](https://example.org/x#y), "
        "[bad](#no-heading), [bad](../pages/glossary.md#term-no-term), [bad](03_none.ipynb)")]), path)
    problems = nbtools.broken_links(path, course)
    assert len(problems) == 3, problems
    assert "#no-heading" in problems[0] and "#term-no-term" in problems[1] and "no file 03_none" in problems[2]


def test_check_markup_and_fix_markup_commands(course, capsys, monkeypatch):
    monkeypatch.setattr(nbtools, "ROOT", course)
    paths = [str(p) for p in sorted((course / "chapters").glob("*.ipynb"))]
    assert nbtools.main(["check-markup", *paths]) == 1
    assert "{term}`loss function`" in capsys.readouterr().out
    assert nbtools.main(["fix-markup", *paths]) == 0
    assert nbtools.main(["check-markup", *paths]) == 0

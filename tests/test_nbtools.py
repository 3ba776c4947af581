"""lossbook.nbtools: notebooks keep their pinned outputs and nothing else."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lossbook import nbtools
from lossbook.nbtools import PIN_TAG


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
    assert "cells [1, 2]" in message and f"lossbook.nbtools pin {path}" in message
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

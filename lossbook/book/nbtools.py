"""Keep notebooks clean: no outputs, except the pinned worked numbers.

A code cell tagged ``nbval-check-output`` *pins* its output: the text
teaches that number, so the output is committed and nbval compares it
exactly on every run. Every other output is stripped before a commit.

Usage (from the repository root)::

    python -m lossbook.nbtools pin chapters/02_mse_mae.ipynb   # run, keep pinned outputs only
    python -m lossbook.nbtools pin --all                        # every notebook of the course
    python -m lossbook.nbtools check --all                      # exit 1 if any stray output

``pin`` executes the notebook top to bottom in a fresh kernel (in the
notebook's folder, as nbval and the book do), then writes it back with the
outputs of pinned cells only, numbered 1, 2, ... (nbval compares only cells
that have an execution count), and no other execution counts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

PIN_TAG = "nbval-check-output"
NOTEBOOK_DIRS = ("chapters", "exercises", "solutions")
ROOT = Path(__file__).resolve().parent.parent


def course_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook of the course, in a stable order.

    Examples
    --------
    >>> paths = course_notebooks()
    >>> paths == sorted(paths) and {p.parent.name for p in paths} <= set(NOTEBOOK_DIRS)
    True
    """
    return sorted(p for d in NOTEBOOK_DIRS for p in (root / d).glob("*.ipynb"))


def is_pinned(cell) -> bool:
    """True for a code cell tagged ``nbval-check-output``.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell
    >>> is_pinned(new_code_cell("print(1)", metadata={"tags": [PIN_TAG]}))
    True
    >>> is_pinned(new_code_cell("print(1)"))
    False
    """
    return cell.get("cell_type") == "code" and PIN_TAG in cell.get("metadata", {}).get("tags", [])


def stray_outputs(nb) -> list[int]:
    """Indices of code cells that carry outputs or counts without being pinned,
    or are pinned but carry no output or no execution count.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("stream", text="0.4170\\n")
    >>> nb = new_notebook(cells=[
    ...     new_code_cell("x = 1"),
    ...     new_code_cell("print(x)", outputs=[out]),                            # stray
    ...     new_code_cell("print(f'{x:.4f}')", outputs=[out], execution_count=1,
    ...                   metadata={"tags": [PIN_TAG]}),                          # pinned
    ...     new_code_cell("print(2)", metadata={"tags": [PIN_TAG]})])            # pinned, empty
    >>> stray_outputs(nb)
    [1, 3]
    """
    bad = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if is_pinned(cell):
            if not cell.get("outputs") or cell.get("execution_count") is None:
                bad.append(i)
        elif cell.get("outputs") or cell.get("execution_count") is not None:
            bad.append(i)
    return bad


def strip(nb) -> None:
    """Remove every output but the pinned ones, and every unpinned execution count.

    Pinned cells are numbered 1, 2, 3, ... in order: nbval only compares the
    output of a cell that has an execution count ("Unrun reference cell has
    outputs" otherwise), and numbering them afresh keeps the file the same
    however often the notebook is pinned.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("execute_result", data={"text/plain": "1"}, execution_count=3)
    >>> nb = new_notebook(cells=[new_code_cell("1", outputs=[out], execution_count=3),
    ...                          new_code_cell("1", outputs=[out], execution_count=4,
    ...                                        metadata={"tags": [PIN_TAG]})])
    >>> strip(nb)
    >>> [len(c.outputs) for c in nb.cells], [c.execution_count for c in nb.cells]
    ([0, 1], [None, 1])
    >>> nb.cells[1].outputs[0].execution_count
    1
    """
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)  # run timestamps: noise in a diff
        if is_pinned(cell):
            count += 1
            cell.execution_count = count
        else:
            cell.execution_count = None
            cell.outputs = []
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = cell.execution_count
    nb.metadata.pop("widgets", None)


def pin(path: Path, timeout: int = 120) -> None:
    """Execute ``path`` in a fresh kernel and keep only the pinned outputs.

    Examples
    --------
    >>> import tempfile
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("x = 6 * 7"), new_code_cell("x"),
    ...                          new_code_cell("print(f'{x:.1f}')", metadata={"tags": [PIN_TAG]})])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "example.ipynb"
    ...     nbformat.write(nb, path)
    ...     pin(path)
    ...     done = nbformat.read(path, as_version=4)
    >>> [c.outputs for c in done.cells[:2]], done.cells[2].outputs[0].text
    ([[], []], '42.0\\n')
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    strip(nb)
    nbformat.write(nb, path)


def main(argv=None) -> int:
    """The command line; returns the exit status.

    Examples
    --------
    >>> import tempfile
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "stray.ipynb"
    ...     cell = new_code_cell("1", outputs=[new_output("stream", text="1\\n")])
    ...     nbformat.write(new_notebook(cells=[cell]), path)
    ...     status = main(["check", str(path)])  # doctest: +ELLIPSIS
    ...     fixed = main(["strip", str(path)]), main(["check", str(path)])
    /.../stray.ipynb: cells [0] carry unpinned output, or are pinned without output; run `python -m lossbook.nbtools pin /.../stray.ipynb`
    >>> status, fixed
    (1, (0, 0))
    """
    parser = argparse.ArgumentParser(prog="python -m lossbook.nbtools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["pin", "strip", "check"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every notebook of the course")
    args = parser.parse_args(argv)
    paths = course_notebooks() if args.all else args.notebooks
    if not paths:
        parser.error("name notebooks or pass --all")
    status = 0
    for path in paths:
        if args.command == "pin":
            pin(path)
            print(f"pinned {path}")
        elif args.command == "strip":
            nb = nbformat.read(path, as_version=4)
            strip(nb)
            nbformat.write(nb, path)
        else:
            bad = stray_outputs(nbformat.read(path, as_version=4))
            if bad:
                status = 1
                print(f"{path}: cells {bad} carry unpinned output, or are pinned without "
                      f"output; run `python -m lossbook.nbtools pin {path}`")
    return status


if __name__ == "__main__":
    sys.exit(main())

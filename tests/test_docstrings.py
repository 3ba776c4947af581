"""Every public function of the course package documents itself with a runnable example.

The examples themselves run as doctests (``--doctest-modules`` in
``pyproject.toml``); this test makes sure none is missing.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

import lossbook

#: The modules of the package's public interface.
MODULES = ["lossbook.losses", "lossbook.diagnostics", "lossbook.plotting", "lossbook.explore",
           "lossbook.book.nbtools"]


#: Classes a notebook creates itself, which need an example too (result
#: containers that functions return are documented with those functions).
CLASSES = {"lossbook.explore.Explorer", "lossbook.plotting.Figure"}


def public_objects():
    seen = []
    for name in MODULES:
        module = importlib.import_module(name)
        names = getattr(module, "__all__", None) or [
            n for n, obj in vars(module).items()
            if not n.startswith("_") and inspect.getmodule(obj) is module]
        for attr in names:
            obj = getattr(module, attr)
            if inspect.isfunction(obj) or (inspect.isclass(obj) and f"{name}.{attr}" in CLASSES):
                seen.append((f"{name}.{attr}", obj))
    for attr in lossbook.__all__:
        obj = getattr(lossbook, attr)
        seen.append((f"lossbook.{attr}", obj))
    return seen


PUBLIC = public_objects()


def test_the_list_covers_the_package_exports():
    names = {n for n, _ in PUBLIC}
    assert {"lossbook.mse", "lossbook.early_stopping_epoch", "lossbook.explore.Explorer",
            "lossbook.plotting.show", "lossbook.book.nbtools.pin"} <= names


@pytest.mark.parametrize("name,obj", PUBLIC, ids=[n for n, _ in PUBLIC])
def test_docstring_has_a_runnable_example(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{name} has no docstring"
    assert ">>>" in doc, f"{name}'s docstring has no example (a '>>>' line that doctest runs)"
    lines = [line for line in doc.splitlines() if line.strip().startswith(">>>")]
    assert not all("doctest: +SKIP" in line for line in lines), f"{name}'s examples are all skipped"

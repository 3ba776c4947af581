"""Sphinx extension that keeps the built book self-contained.

Loaded by ``_config.yml`` (``sphinx.extra_extensions``). It

* sets ``LOSSBOOK_STATIC=1`` before any notebook runs, so that explorable
  figures (:mod:`lossbook.explore`) emit their static, kernel-free HTML and
  no ipywidgets state ends up in a page;
* copies MathJax 3 (the ``tex-chtml`` component and its web fonts) from the
  ``sphinx-mathjax-offline`` package into ``_build/html/_static/vendor/mathjax``,
  where ``mathjax_path`` in ``_config.yml`` points, so no page fetches MathJax
  from a CDN. Only the files a page loads are copied (about 1.5 MB, not the
  24 MB of the whole distribution).
"""

from __future__ import annotations

import os
import shutil
from importlib import metadata
from pathlib import Path

MATHJAX_TARGET = Path("_static") / "vendor" / "mathjax"
MATHJAX_FILES = ["tex-chtml.js", "output/chtml/fonts/woff-v2"]


def mathjax_source() -> Path:
    """Folder of the MathJax 3 distribution shipped by ``sphinx-mathjax-offline``."""
    dist = metadata.distribution("sphinx-mathjax-offline")
    src = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (src / "tex-chtml.js").is_file():
        raise RuntimeError(
            f"MathJax not found in {src}; reinstall with "
            "`python -m pip install -r requirements.txt`."
        )
    return src


def copy_mathjax(outdir: str | os.PathLike) -> Path:
    """Copy the MathJax files a page needs into the built site; return the target."""
    src = mathjax_source()
    target = Path(outdir) / MATHJAX_TARGET
    for rel in MATHJAX_FILES:
        s, d = src / rel, target / rel
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True)
        else:
            shutil.copy2(s, d)
    return target


def _on_build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        copy_mathjax(app.outdir)


def setup(app):
    os.environ["LOSSBOOK_STATIC"] = "1"
    app.connect("build-finished", _on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}

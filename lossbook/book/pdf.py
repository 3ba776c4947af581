"""Build the whole book as one PDF and put it beside the HTML book.

Usage, from the repository root, after ``jupyter-book build .``::

    python -m lossbook.book.pdf

It runs Jupyter Book's LaTeX builder (``jupyter-book build . --builder
pdflatex``, which reuses the notebooks' execution cache of the HTML build, so
nothing runs twice) and copies ``_build/latex/loss-functions-course.pdf`` to
``_build/html/``, where the front page links to it. Explorable figures appear
with their default frame (see :mod:`lossbook.explore`); quizzes and flashcards,
which need a browser, stay in the HTML book.

LaTeX comes from the operating system, not from pip. When it is missing, the
command says what to install and exits with status 0, so the HTML book still
builds on a machine without LaTeX; CI installs it and so always builds the PDF.
A LaTeX error exits with status 1.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "loss-functions-course.pdf"
#: Debian/Ubuntu packages the PDF needs (about 600 MB installed).
DEBIAN_PACKAGES = ("texlive-xetex", "texlive-latex-extra", "texlive-fonts-recommended",
                   "texlive-plain-generic", "latexmk", "fonts-freefont-otf")
TOOLS = ("xelatex", "latexmk")


def missing_tools() -> list[str]:
    """The LaTeX programs the build needs that are not on the PATH."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _jupyter_book() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book"]


def build(root: Path = ROOT) -> Path:
    """Build the PDF; return its path beside the HTML book. Raises on a LaTeX error."""
    latex_dir = root / "_build" / "latex"
    shutil.rmtree(latex_dir, ignore_errors=True)  # a stale target confuses latexmk
    done = subprocess.run(_jupyter_book() + ["build", str(root), "--builder", "pdflatex"],
                          cwd=root, capture_output=True, text=True)
    pdf = latex_dir / NAME
    if done.returncode != 0 or not pdf.is_file():
        tail = (done.stdout + done.stderr)[-3000:]
        raise RuntimeError(f"the PDF build failed (see {latex_dir}/*.log):\n{tail}")
    html_dir = root / "_build" / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(pdf, html_dir / NAME))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.pdf", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print(f"LaTeX is not installed ({', '.join(missing)} not found): the PDF is skipped. "
              "To build it on Debian or Ubuntu: sudo apt-get install " + " ".join(DEBIAN_PACKAGES))
        return 0
    try:
        path = build()
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared fixtures: the strictly built HTML book, and where the course lives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# The tests' shared helper modules (book_site, explorer_checks) import by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Property tests are deterministic: the same examples on every run and machine,
# and no example database written into the repository.
settings.register_profile("lossbook", derandomize=True, database=None, deadline=None,
                          max_examples=60, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lossbook"))


def _jupyter_book() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book"]


@pytest.fixture(scope="session")
def book_build():
    """Build the book strictly (warnings are errors), once per test session.

    The execution cache makes this fast after the first build. Set
    ``LOSSBOOK_BUILD_DIR`` to build somewhere other than the repository's
    ``_build`` (the HTML then lands in ``$LOSSBOOK_BUILD_DIR/_build/html``).
    Returns the completed process; its output is kept for the tests to read.
    """
    cmd = _jupyter_book() + ["build", str(ROOT), "-W", "-n", "--keep-going"]
    out_dir = os.environ.get("LOSSBOOK_BUILD_DIR")
    if out_dir:
        cmd += ["--path-output", out_dir]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="session")
def html_dir(book_build) -> Path:
    """Folder of the built HTML book; fails the test if the build failed."""
    if book_build.returncode != 0:
        pytest.fail("the strict book build failed:\n" + book_build.stdout[-4000:]
                    + book_build.stderr[-4000:])
    base = Path(os.environ.get("LOSSBOOK_BUILD_DIR", ROOT))
    return base / "_build" / "html"


@pytest.fixture(scope="session")
def keras():
    """Keras 3 on the PyTorch backend, for the tests that compare the course with it.

    Skips when Keras or a backend is missing (``pip install -r requirements-compare.txt``).
    """
    if "KERAS_BACKEND" not in os.environ:
        try:
            import torch  # noqa: F401

            os.environ["KERAS_BACKEND"] = "torch"
        except Exception:
            pass
    try:
        import keras
    except Exception as exc:  # not installed, or no usable backend
        pytest.skip(f"Keras is not usable here ({type(exc).__name__}: {exc}); "
                    "install the comparison extras: pip install -r requirements-compare.txt")
    return keras


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Exercise name -> what ``otter assign`` made of its solution notebook
    (:class:`lossbook.grading.exercises.Assigned`), built once per session on first use
    and shared by the exercise tests, which only read it."""
    from lossbook.grading import exercises

    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = exercises.assign(name, tmp_path_factory.mktemp(name))
        return cache[name]

    return get


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's /usr/bin/chromium) through Playwright, one per
    session: Playwright's synchronous API runs one instance per process, so the
    browser tests (book pages, JupyterLab) share it, each in its own context."""
    import book_site as bs

    if not bs.CHROMIUM.exists():
        bs.unavailable(f"Chromium at {bs.CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        bs.unavailable("Playwright (`python -m pip install -r requirements.txt`)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(bs.CHROMIUM), args=bs.CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()

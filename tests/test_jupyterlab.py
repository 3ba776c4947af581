"""Every chapter and exercise reads cleanly in a real JupyterLab (in headless Chromium).

Learners run the notebooks in JupyterLab (the README says so), Colab or VS
Code, which do not understand the book's MyST markup: a glossary role shows
as "{term}loss function", a cross-reference as "{doc}02_mse_mae", a target as
"(ce-apis)=", a directive as ":::{note}" or as a code block. One JupyterLab
server (in a temporary home, so no user setting or workspace leaks in) serves
the repository; each notebook is opened in it, and once every markdown cell
has rendered, its text must show no such markup.

Chromium is Debian's package at /usr/bin/chromium (never a browser download).
Without it the tests are skipped with a message saying how to install it;
under CI=true they fail instead. Every wait is for a condition (the server
says it is running, the notebook's markdown cells have rendered), never a
fixed delay.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from lossbook.book.nbtools import ROOT, course_notebooks

pytestmark = pytest.mark.browser

NOTEBOOKS = [p for p in course_notebooks() if p.parent.name in ("chapters", "exercises")]
#: How long a condition may take to come true on a busy machine.
WAIT_MS = 120_000
SCREENSHOT = Path(os.environ.get("LOSSBOOK_SCREENSHOT_DIR", ROOT / "_build")) / "jupyterlab-chapter.png"

#: Raw MyST in rendered text. Inline code is put back between backticks first,
#: so a role reads "{term}`loss`"; a target is a line "(label)="; a colon fence
#: stays ":::{note}". A backtick fence (```{note}) becomes a code block whose
#: language is "{note}": found by its class instead.
RAW_MYST = re.compile(r"\{[A-Za-z][\w:+-]*\}`[^`\n]*`|:::+\s*\{|^\([^()\s]+\)=\s*$|```+\s*\{", re.M)

#: Rendered text of the open notebook's markdown cells, once all have rendered
#: (null before), with inline code between backticks and code blocks left out.
JS_RENDERED_MARKDOWN = """([path, expected]) => {
  const app = window.jupyterapp;
  const panel = app && Array.from(app.shell.widgets('main'))
    .find(w => w.context && w.context.path === path && w.content && w.content.widgets);
  if (!panel) return null;
  const cells = panel.content.widgets.filter(c => c.model.type === 'markdown');
  if (cells.length !== expected) return null;
  const out = [];
  for (const cell of cells) {
    const html = cell.node.querySelector('.jp-RenderedMarkdown');
    const source = cell.model.sharedModel.getSource().trim();
    if (!cell.rendered || !html || (source && html.childElementCount === 0)) return null;
    const copy = html.cloneNode(true);
    const fences = Array.from(copy.querySelectorAll('pre code[class*="language-{"]'))
      .map(c => '```' + c.className.replace(/^.*language-/, '').split(' ')[0]);
    copy.querySelectorAll('pre').forEach(p => p.remove());
    copy.querySelectorAll('code').forEach(c => c.replaceWith('`' + c.textContent + '`'));
    out.push({text: copy.innerText, fences});
  }
  return out;
}"""


#: Close every open document (its kernel shut down first, so no kernel keeps
#: running and no dialog asks about it), then open ``path`` as a notebook.
JS_OPEN_ALONE = """async (path) => {
  const app = window.jupyterapp;
  for (const w of Array.from(app.shell.widgets('main'))) {
    if (w.sessionContext) await w.sessionContext.shutdown();
    if (w.context && w.context.model) w.context.model.dirty = false;  // never ask to save
    w.close();
  }
  await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  return true;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on the repository; yields its base URL and token."""
    home = tmp_path_factory.mktemp("jupyterlab-home")
    settings = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the page (no windowing), so all markdown renders at once
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # no pop-up asking whether to fetch Jupyter news
    notices = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    notices.mkdir(parents=True)
    (notices / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_PLATFORM_DIRS": "1"}
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={ROOT}", "--LabApp.expose_app_in_browser=True",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly",
           # checkpoints JupyterLab makes on opening go to the temporary home, not the repository
           f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    ready, log = threading.Event(), []

    def read():
        for line in proc.stderr:
            log.append(line)
            if f"127.0.0.1:{port}/" in line:
                ready.set()
        ready.set()  # the server ended

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(WAIT_MS / 1000) or proc.poll() is not None:
            pytest.fail("JupyterLab did not start:\n" + "".join(log[-30:]))
        yield f"http://127.0.0.1:{port}/", token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def lab_page(browser, jupyterlab):
    """One Chromium tab with JupyterLab loaded; requests to other hosts are blocked."""
    url, token = jupyterlab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    page = context.new_page()
    page.goto(f"{url}lab?token={token}", wait_until="load")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined",
                           timeout=WAIT_MS)
    page.evaluate("() => window.jupyterapp.started.then(() => window.jupyterapp.restored)"
                  ".then(() => true)")
    yield page
    context.close()


def _open(page, path: Path) -> list[dict]:
    """Open ``path`` in JupyterLab, wait for its markdown to render, return the text."""
    rel = path.relative_to(ROOT).as_posix()
    expected = sum(c.cell_type == "markdown" for c in nbformat.read(path, as_version=4).cells)
    page.evaluate(JS_OPEN_ALONE, rel)
    return page.wait_for_function(JS_RENDERED_MARKDOWN, arg=[rel, expected], timeout=WAIT_MS).json_value()


def raw_myst(rendered: list[dict]) -> list[str]:
    """The raw MyST that a reader sees, cell by cell (markdown cells numbered from 1).

    >>> raw_myst([{"text": "A {term}`loss` and (x)=\\n(ce-apis)=\\n:::{note}", "fences": ["```{tip}"]}])
    ['markdown cell 1: {term}`loss`', 'markdown cell 1: (ce-apis)=', 'markdown cell 1: :::{', 'markdown cell 1: ```{tip}']
    """
    found = []
    for i, cell in enumerate(rendered, start=1):
        found += [f"markdown cell {i}: {m.group(0).strip()}" for m in RAW_MYST.finditer(cell["text"])]
        found += [f"markdown cell {i}: {fence}" for fence in cell["fences"]]
    return found


def test_the_check_finds_raw_markup(lab_page):
    """A notebook written with book-only markup fails the check (so the check can fail)."""
    folder = ROOT / "_build" / "jupyterlab-check"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "raw.ipynb"
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbformat.write(nbformat.v4.new_notebook(metadata=kernel, cells=[
        nbformat.v4.new_markdown_cell("(sec)=\n# A {term}`loss function`, see {doc}`02_mse_mae`.\n\n"
                                      ":::{note}\nSay.\n:::\n\n```{tip}\nHint.\n```"),
        nbformat.v4.new_markdown_cell("A [plain link](a.ipynb) and `code {x}`."),
    ]), path)
    found = raw_myst(_open(lab_page, path))
    assert found == ["markdown cell 1: (sec)=", "markdown cell 1: {term}`loss function`",
                     "markdown cell 1: {doc}`02_mse_mae`", "markdown cell 1: :::{",
                     "markdown cell 1: ```{tip}"], found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_shows_no_raw_markup_in_jupyterlab(lab_page, path):
    rendered = _open(lab_page, path)
    assert rendered, f"{path.name}: no markdown cell rendered"
    if path == NOTEBOOKS[0]:
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        lab_page.screenshot(path=str(SCREENSHOT))
    found = raw_myst(rendered)
    assert not found, (f"{path.parent.name}/{path.name} shows book-only markup in JupyterLab:\n"
                       + "\n".join(found[:30]) + "\nRun `python -m lossbook.book.nbtools fix-markup "
                       f"{path.relative_to(ROOT)}`.")


def test_every_chapter_and_exercise_is_checked():
    assert sum(p.parent.name == "chapters" for p in NOTEBOOKS) >= 8
    assert sum(p.parent.name == "exercises" for p in NOTEBOOKS) >= 7

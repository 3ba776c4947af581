"""Keep notebooks clean: no outputs but the pinned worked numbers, and no
markup that only the book understands.

A code cell tagged ``nbval-check-output`` *pins* its output: the text
teaches that number, so the output is committed and nbval compares it
exactly on every run. Every other output is stripped before a commit.

Usage (from the repository root)::

    python -m lossbook.book.nbtools pin chapters/02_mse_mae.ipynb   # run, keep pinned outputs only
    python -m lossbook.book.nbtools pin --all                        # every notebook of the course
    python -m lossbook.book.nbtools check --all                      # exit 1 if any stray output

``pin`` executes the notebook top to bottom in a fresh kernel (in the
notebook's folder, as nbval and the book do), then writes it back with the
outputs of pinned cells only, numbered 1, 2, ... (nbval compares only cells
that have an execution count), and no other execution counts.

Markdown cells must read cleanly in JupyterLab, Colab and VS Code, which
show MyST roles and directives as raw text ("{term}`loss function`")::

    python -m lossbook.book.nbtools fix-markup --all     # rewrite as plain Markdown
    python -m lossbook.book.nbtools check-markup --all   # exit 1 if any is left

``fix-markup`` turns glossary terms into links to the glossary
(``[loss function](../pages/glossary.md#term-loss-function)``), ``{doc}`` and
``{ref}`` cross-references into links to the notebook and heading
(``[Huber loss](04_huber.ipynb)``, ``[label smoothing](#label-smoothing)``),
drops the ``(label)=`` targets before headings that those links replace, and
rewrites admonitions as blockquotes and dropdowns as ``<details>``. The
book resolves the same links (``myst_heading_anchors`` in ``_config.yml``,
and :func:`lossbook.book.sphinxext.resolve_id_links` for glossary terms).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["course_notebooks", "is_pinned", "stray_outputs", "strip", "pin", "slugify",
           "term_id", "raw_markup", "fix_markup", "broken_links", "main"]

PIN_TAG = "nbval-check-output"
NOTEBOOK_DIRS = ("chapters", "exercises", "solutions")
ROOT = Path(__file__).resolve().parents[2]


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


# -- markup that only the book understands ---------------------------------------------

#: A MyST role: {term}`loss function`, {ref}`text <label>`, {doc}`02_mse_mae`.
ROLE = re.compile(r"\{(?P<role>[a-zA-Z][\w:+-]*)\}`(?P<body>[^`]+)`")
#: A MyST target before a heading: "(ce-apis)=" on a line of its own.
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=[ \t]*$", re.M)
#: The start of a fenced MyST directive: ```{note}, :::{dropdown} Title.
DIRECTIVE_START = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,}|:{3,})[ \t]*\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
#: A MyST comment line ("% ...") or block break ("+++").
MYST_LINE = re.compile(r"^(?:%.*|\+\+\+.*)$", re.M)
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.+?)[ \t#]*$", re.M)
LINK = re.compile(r"(?<!!)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger",
               "error", "seealso", "admonition"}
GLOSSARY = Path("pages") / "glossary.md"


def slugify(heading: str) -> str:
    r"""The id MyST (``myst_heading_anchors``), GitHub and VS Code give a heading.

    Inline markup is dropped first, as the heading's text is slugged, not its source.

    >>> slugify("Logits or probabilities? What each API expects")
    'logits-or-probabilities-what-each-api-expects'
    >>> slugify("Explore: move $\\delta$ and `clip`")
    'explore-move-delta-and-clip'
    """
    from myst_parser.mdit_to_docutils.base import default_slugify

    text = LINK.sub(lambda m: m.group("text"), heading)
    text = re.sub(r"[`*$]|\\(?=[A-Za-z])", "", text)
    return default_slugify(text.strip())


def term_id(term: str) -> str:
    """The id of a glossary term's entry in the book (Sphinx's, in lower case).

    >>> term_id("Mean squared error"), term_id("one-hot encoding")
    ('term-mean-squared-error', 'term-one-hot-encoding')
    """
    from sphinx.util.nodes import _make_id

    return _make_id(f"term-{term}").lower()


def _mask_code(text: str, inline: bool = True) -> str:
    """``text`` with fenced code blocks (not directives), and inline code, blanked out."""
    out, fence = [], None
    for line in text.split("\n"):
        m = re.match(r"^[ \t]*(`{3,}|~{3,})(.*)$", line)
        if fence is None and m and not m.group(2).strip().startswith("{"):
            fence = m.group(1)
            out.append("")
            continue
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip()[len(fence):].strip():
                fence = None
            out.append("")
            continue
        out.append(re.sub(r"(`+)(?!\{)[^`\n]*?\1", lambda c: " " * len(c.group(0)), line)
                   if inline and "{" not in line else line)
    return "\n".join(out)


def raw_markup(source: str) -> list[str]:
    """Pieces of a markdown cell that JupyterLab, Colab and VS Code show as raw text.

    >>> raw_markup("A {term}`loss function` and a [link](a.ipynb).")
    ['{term}`loss function`']
    >>> raw_markup("(ce-apis)=\\n## Heading\\n\\n:::{note}\\nSay.\\n:::")
    ['(ce-apis)=', ':::{note}']
    >>> raw_markup("```python\\nx = {1: 2}\\n```\\nPlain `{term}` in code is fine.")
    []
    """
    text = _mask_code(source)
    found = [m.group(0) for m in ROLE.finditer(text)]
    found += [m.group(0) for m in TARGET.finditer(text)]
    for line in text.split("\n"):
        m = DIRECTIVE_START.match(line)
        if m:
            found.append(f"{m.group('fence')}{{{m.group('name')}}}")
    found += [m.group(0) for m in MYST_LINE.finditer(text)]
    return found


@dataclass
class Targets:
    """What links can point to: each notebook's title and headings, and the glossary."""

    root: Path
    titles: dict[Path, str] = field(default_factory=dict)
    labels: dict[str, tuple[Path, str, str]] = field(default_factory=dict)  # label -> (file, slug, text)
    terms: set[str] = field(default_factory=set)  # term ids of the glossary

    @classmethod
    def collect(cls, root: Path, paths) -> "Targets":
        targets = cls(root)
        for path in paths:
            path = Path(path).resolve()
            cells = [c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "markdown"]
            for source in cells:
                h1 = re.search(r"^#[ \t]+(.+?)[ \t]*$", source, re.M)
                if h1 and path not in targets.titles:
                    targets.titles[path] = h1.group(1)
                for m in re.finditer(r"^\(([^()\s]+)\)=[ \t]*\n+(#{1,6})[ \t]+(.+?)[ \t]*$", source, re.M):
                    targets.labels[m.group(1)] = (path, slugify(m.group(3)), m.group(3))
        glossary = root / GLOSSARY
        if glossary.is_file():
            targets.terms = glossary_terms(glossary.read_text(encoding="utf-8"))
        return targets


def glossary_terms(text: str) -> set[str]:
    """Term ids defined by the ``{glossary}`` directive of a page.

    >>> sorted(glossary_terms("```{glossary}\\nLoss function\\n  Scores a prediction.\\n\\nLogit\\n  A raw score.\\n```"))
    ['term-logit', 'term-loss-function']
    """
    ids, inside = set(), False
    for line in text.splitlines():
        if re.match(r"^(`{3,}|:{3,})\{glossary\}", line):
            inside = True
        elif inside and re.match(r"^(`{3,}|:{3,})\s*$", line):
            inside = False
        elif inside and line.strip() and not line[0].isspace() and not line.startswith(":"):
            ids.add(term_id(line.strip()))
    return ids


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()


def _convert_role(m, path: Path, targets: Targets, problems: list[str]) -> str:
    role, body = m.group("role"), m.group("body")
    explicit = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", body, re.S)
    text, target = (explicit.group("text"), explicit.group("target")) if explicit else (None, body)
    here = path.parent
    if role == "term":
        glossary = targets.root / GLOSSARY
        tid = term_id(target)
        if targets.terms and tid not in targets.terms:
            problems.append(f"{m.group(0)}: no glossary term {target!r} in {GLOSSARY}")
        return f"[{text or target}]({_rel(glossary, here)}#{tid})"
    if role == "doc":
        base = (targets.root / target.lstrip("/")) if target.startswith("/") else (here / target)
        for suffix in (".ipynb", ".md"):
            file = base.with_name(base.name + suffix).resolve()
            if file.is_file():
                title = text or targets.titles.get(file) or base.name
                title = re.sub(r"^\d+(\.\d+)*\.?\s+", "", title)
                return f"[{title}]({_rel(file, here)})"
        problems.append(f"{m.group(0)}: no document {target!r}")
        return m.group(0)
    if role == "ref":
        if target not in targets.labels:
            problems.append(f"{m.group(0)}: no label ({target})= before a heading in the notebooks")
            return m.group(0)
        file, slug, heading = targets.labels[target]
        where = "" if file == path.resolve() else _rel(file, here)
        return f"[{text or heading}]({where}#{slug})"
    if role == "math":
        return f"${body}$"
    problems.append(f"{m.group(0)}: no plain-Markdown form for the {{{role}}} role")
    return m.group(0)


def _convert_directives(source: str, problems: list[str]) -> str:
    lines, out, i = source.split("\n"), [], 0
    while i < len(lines):
        m = DIRECTIVE_START.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        fence, name, arg = m.group("fence"), m.group("name"), m.group("arg").strip()
        end = next((j for j in range(i + 1, len(lines))
                    if lines[j].strip() == fence or (lines[j].strip().startswith(fence[0] * len(fence))
                                                     and not lines[j].strip().strip(fence[0]))), None)
        if end is None:
            problems.append(f"{fence}{{{name}}}: no closing {fence}")
            out.append(lines[i])
            i += 1
            continue
        body = lines[i + 1:end]
        while body and re.match(r"^:[\w-]+:", body[0]):  # directive options
            body.pop(0)
        while body and not body[0].strip():
            body.pop(0)
        text = "\n".join(body).strip("\n")
        if name in ADMONITIONS:
            title = arg if name == "admonition" and arg else (arg or ("See also" if name == "seealso"
                                                                      else name.capitalize()))
            quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))
            out.append(f"> **{title}.**\n>\n{quoted}")
        elif name in ("dropdown", "toggle"):
            out.append(f"<details><summary>{arg or 'Show'}</summary>\n\n{text}\n\n</details>")
        elif name == "math":
            out.append(f"$$\n{text}\n$$")
        elif name in ("code", "code-block", "sourcecode"):
            out.append(f"```{arg}\n{text}\n```")
        else:
            problems.append(f"{fence}{{{name}}}: no plain-Markdown form for this directive")
            out.extend(lines[i:end + 1])
        i = end + 1
    return "\n".join(out)


def fix_markup(path: Path, targets: Targets) -> tuple[int, list[str]]:
    """Rewrite the book-only markup of a notebook's markdown cells as plain Markdown.

    Returns (cells changed, problems left); writes the notebook only if a cell changed.

    >>> import tempfile
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "01_a.ipynb"
    ...     cell = new_markdown_cell("(sec)=\\n## A section\\n\\nA {term}`logit`; see {ref}`above <sec>`.")
    ...     nbformat.write(new_notebook(cells=[cell]), path)
    ...     result = fix_markup(path, Targets.collect(Path(tmp), [path]))
    ...     text = nbformat.read(path, as_version=4).cells[0].source
    >>> result
    (1, [])
    >>> print(text)
    ## A section
    <BLANKLINE>
    A [logit](pages/glossary.md#term-logit); see [above](#a-section).
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    changed, problems = 0, []
    used = {label for label, (file, _, _) in targets.labels.items() if file == path.resolve()}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        new = _convert_directives(cell.source, problems)
        masked = _mask_code(new)
        pieces, last = [], 0
        for m in ROLE.finditer(masked):
            pieces += [new[last:m.start()], _convert_role(ROLE.match(new, m.start()), path, targets,
                                                          problems)]
            last = m.end()
        new = "".join(pieces) + new[last:]
        new = TARGET.sub(lambda t: "" if t.group("label") in used else t.group(0), new)
        new = re.sub(r"^\n+(?=#)", "", new)
        new = re.sub(r"\n{3,}(?=#)", "\n\n", new)
        if new != cell.source:
            cell.source = new
            changed += 1
    if changed:
        nbformat.write(nb, path)
    return changed, [f"{path}: {p}" for p in problems]


def _anchors(file: Path, root: Path) -> set[str]:
    """Ids a link can name in ``file``: its heading slugs, glossary terms and HTML ids."""
    if file.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(file, as_version=4).cells
                         if c.cell_type == "markdown")
    else:
        text = file.read_text(encoding="utf-8")
    text = _mask_code(text, inline=False)
    slugs, ids = [], set()
    for m in HEADING.finditer(text):
        slug = slugify(m.group("text"))
        n = slugs.count(slug)
        ids.add(slug if n == 0 else f"{slug}-{n}")
        slugs.append(slug)
    ids |= glossary_terms(text)
    ids |= set(re.findall(r"""\bid=["']([^"']+)["']""", text))
    return ids


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """Markdown links of a notebook that point to no file, or to no heading, term or id in it.

    Links to other sites (``https:``, ``mailto:``) are not checked.

    >>> import tempfile
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "a.ipynb"
    ...     cell = new_markdown_cell("## Top\\n\\n[ok](#top), [gone](#bottom), [web](https://example.org)")
    ...     nbformat.write(new_notebook(cells=[cell]), path)
    ...     broken_links(path, Path(tmp))
    ['cell 0: [gone](#bottom): no heading, glossary term or id #bottom in a.ipynb']
    """
    path = Path(path).resolve()
    problems = []
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        for m in LINK.finditer(_mask_code(cell.source)):
            url = m.group("url")
            if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
                continue
            file_part, _, anchor = url.partition("#")
            target = (path.parent / file_part).resolve() if file_part else path
            if not target.is_file():
                problems.append(f"cell {i}: [{m.group('text')}]({url}): no file {file_part}")
            elif anchor and target.suffix in (".ipynb", ".md") and anchor.lower() not in {
                    a.lower() for a in _anchors(target, root)}:
                problems.append(f"cell {i}: [{m.group('text')}]({url}): no heading, glossary term "
                                f"or id #{anchor} in {target.name}")
    return problems


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
    /.../stray.ipynb: cells [0] carry unpinned output, or are pinned without output; run `python -m lossbook.book.nbtools pin /.../stray.ipynb`
    >>> status, fixed
    (1, (0, 0))
    """
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.nbtools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["pin", "strip", "check", "fix-markup", "check-markup"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every notebook of the course")
    args = parser.parse_args(argv)
    paths = course_notebooks() if args.all else args.notebooks
    if not paths:
        parser.error("name notebooks or pass --all")
    status = 0
    if args.command == "fix-markup":
        targets = Targets.collect(ROOT, sorted(set(course_notebooks()) | {Path(p).resolve() for p in paths}))
        for path in paths:
            changed, problems = fix_markup(path, targets)
            print(f"{path}: {changed} markdown cells rewritten")
            for problem in problems:
                status = 1
                print(f"  left as it was: {problem}")
        return status
    for path in paths:
        if args.command == "check-markup":
            raw = [(i, piece) for i, c in enumerate(nbformat.read(path, as_version=4).cells)
                   if c.cell_type == "markdown" for piece in raw_markup(c.source)]
            raw += [(None, problem) for problem in broken_links(path)]
            for i, piece in raw:
                print(f"{path}: {'cell ' + str(i) + ': ' if i is not None else ''}{piece}")
            if raw:
                status = 1
                print(f"  run `python -m lossbook.book.nbtools fix-markup {path}`")
        elif args.command == "pin":
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
                      f"output; run `python -m lossbook.book.nbtools pin {path}`")
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Book build times and the size of what is built.

A clean build goes into a fresh temporary folder (``--path-output``), so
nothing is reused: every notebook executes (in static mode, its explorers
precomputing their frames). A second build into the same folder with nothing
changed shows what the execution cache and Sphinx's environment save. Both
are the strict build the test suite runs (``-W -n --keep-going``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .budgets import REBUILD_SECONDS

ROOT = Path(__file__).resolve().parent.parent


def _jupyter_book() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book"]


def build_once(out_dir: Path) -> dict:
    cmd = _jupyter_book() + ["build", str(ROOT), "--path-output", str(out_dir), "-W", "-n",
                             "--keep-going"]
    env = dict(os.environ)
    env.pop("LOSSBOOK_STATIC", None)  # the Sphinx extension sets it for the build itself
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=3600)
    seconds = time.perf_counter() - t0
    log = proc.stdout + proc.stderr
    warnings = [line for line in log.splitlines()
                if re.search(r"\bWARNING\b|\bERROR\b", line) and "over TCP" not in line]
    return {"seconds": seconds, "returncode": proc.returncode, "warnings": warnings,
            "tail": log[-3000:]}


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def page_sizes(html_dir: Path) -> dict:
    """Bytes of every built page (its HTML, which embeds its figures) and of the site."""
    pages = {str(p.relative_to(html_dir)): p.stat().st_size
             for p in sorted(html_dir.rglob("*.html"))
             if "_static" not in p.parts and "_sources" not in p.parts}
    static = html_dir / "_static"
    parts = {
        "pages (HTML)": sum(pages.values()),
        "_static (theme, scripts, MathJax)": _size(static) if static.exists() else 0,
        "_sources and downloads": sum(_size(html_dir / d) for d in ("_sources", "_downloads")
                                      if (html_dir / d).exists()),
    }
    total = _size(html_dir)
    parts["other (images, notebooks, search index)"] = total - sum(parts.values())
    return {"pages": pages, "parts": parts, "total": total,
            "files": sum(1 for f in html_dir.rglob("*") if f.is_file())}


def run(keep: str | None = None, log=print) -> dict:
    """Clean build, rebuild with nothing changed, sizes. ``keep``: build there and keep it."""
    out_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="lossbook-bench-build-"))
    if keep and out_dir.exists():
        shutil.rmtree(out_dir)
    try:
        clean = build_once(out_dir)
        log(f"  clean build: {clean['seconds']:.1f} s (exit {clean['returncode']}, "
            f"{len(clean['warnings'])} warnings)")
        rebuild = build_once(out_dir)
        over = "" if rebuild["seconds"] < REBUILD_SECONDS else "  OVER BUDGET"
        log(f"  rebuild, nothing changed: {rebuild['seconds']:.1f} s{over}")
        html_dir = out_dir / "_build" / "html"
        sizes = page_sizes(html_dir) if html_dir.exists() else None
        if sizes:
            log(f"  site: {sizes['total'] / 1e6:.2f} MB in {sizes['files']} files, "
                f"{len(sizes['pages'])} pages")
    finally:
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)
    return {"clean": clean, "rebuild": rebuild, "sizes": sizes}


def failures(result: dict) -> list[str]:
    out = []
    for name in ("clean", "rebuild"):
        b = result[name]
        if b["returncode"] != 0:
            out.append(f"ERROR: {name} book build failed (exit {b['returncode']}): "
                       + (b["warnings"][0] if b["warnings"] else b["tail"][-300:]))
        elif b["warnings"]:
            out.append(f"ERROR: {name} book build has {len(b['warnings'])} warnings: "
                       f"{b['warnings'][0]}")
    if result["rebuild"]["seconds"] >= REBUILD_SECONDS:
        out.append(f"rebuild with nothing changed: {result['rebuild']['seconds']:.1f} s, "
                   f"budget {REBUILD_SECONDS:g} s")
    return out


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f}"


def markdown(result: dict) -> str:
    clean, rebuild, sizes = result["clean"], result["rebuild"], result["sizes"]

    def status(b, budget=None):
        if b["returncode"] != 0:
            return f"**FAILED** (exit {b['returncode']})"
        if b["warnings"]:
            return f"**{len(b['warnings'])} warnings**"
        if budget is not None and b["seconds"] >= budget:
            return "**OVER BUDGET**"
        return "ok"

    lines = [
        "`jupyter-book build . --path-output <temporary folder> -W -n --keep-going`.", "",
        "| Build | Time (s) | Budget | Status |",
        "| --- | ---: | --- | --- |",
        f"| Clean (every notebook executes) | {clean['seconds']:.1f} | none | {status(clean)} |",
        f"| Rebuild, nothing changed | {rebuild['seconds']:.1f} | under {REBUILD_SECONDS:g} s "
        f"| {status(rebuild, REBUILD_SECONDS)} |",
    ]
    if sizes:
        lines += [
            "", f"Site: **{sizes['total'] / 1e6:.2f} MB** in {sizes['files']} files.", "",
            "| Part of the site | Size (KiB) |", "| --- | ---: |"]
        lines += [f"| {k} | {_kb(v)} |" for k, v in sizes["parts"].items()]
        lines += ["", "Each page (its HTML, with its figures and explorer frames embedded):", "",
                  "| Page | Size (KiB) |", "| --- | ---: |"]
        lines += [f"| `{k}` | {_kb(v)} |" for k, v in
                  sorted(sizes["pages"].items(), key=lambda kv: -kv[1])]
    return "\n".join(lines)

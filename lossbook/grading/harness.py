"""The trusted side of grading: holds the tests and runs them against a sandbox.

A learner's code never runs in this process. Each notebook gets a sandbox
(:mod:`lossbook.grading.sandbox`), a process that runs its code cells one by
one and answers questions about the names they defined. The hidden tests run
here, with ``env`` a :class:`SandboxEnv`: ``env.get("huber")`` is a
:class:`RemoteFunction` that calls the learner's ``huber`` in the sandbox and
gets back plain data, checked here before any check sees it. Scores are
computed here, from the test cases that passed, and clamped to
``[0, possible]``.

The sandbox's protections depend on the platform (:func:`protections` says
which are active):

* everywhere: a separate process, resource limits (:class:`Limits`), a time
  limit per cell and per call enforced from here (a sandbox that does not
  answer in time is killed and restarted, replaying the cells that had run),
  and every process it started killed when it ends;
* as root on Linux, also: its own user id, its own PID namespace and ``/proc``,
  and a mount namespace in which the course folder (solutions, tests, the
  reference implementations), ``/tmp`` (the grader's files) and the class
  folder are empty and read-only. The course package it can import is a stub
  holding only the trainer the exercises use, with the functions the exercise
  asks for removed.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox as wire
from .checks import _MISSING, Feedback

PACKAGE = Path(__file__).resolve().parent.parent  # lossbook/
ROOT = PACKAGE.parent
SANDBOX_SCRIPT = Path(wire.__file__).resolve()
UID_BASE = 60000
MAX_NOTEBOOK_BYTES = 20 * 2**20


@dataclass
class Limits:
    """What one notebook's sandbox may use; the instructor can change each (CLI flags)."""

    memory: int = 2 * 2**30  # bytes of address space
    cpu: float = 120.0  # CPU seconds of one sandbox process
    processes: int = 64  # processes of the sandbox's user (as root only)
    file_size: int = 64 * 2**20  # bytes of one file written
    cell_seconds: float = 20.0  # wall clock of one cell
    call_seconds: float = 5.0  # wall clock of one call of a learner's function
    notebook_seconds: float = 180.0  # wall clock of a whole notebook

    def for_sandbox(self) -> dict:
        return {"memory": self.memory, "cpu": int(math.ceil(self.cpu)),
                "processes": self.processes, "file_size": self.file_size}


@dataclass
class Graded:
    """The grades of one notebook."""

    notebook: str  # the path as given (or found in a folder)
    exercise: str
    scores: dict[str, float] = field(default_factory=dict)  # question -> points earned
    possible: dict[str, float] = field(default_factory=dict)  # question -> points possible
    notes: dict[str, str] = field(default_factory=dict)  # question -> why points were lost
    note: str = ""  # about the notebook as a whole
    seconds: float = 0.0
    mistakes: dict[str, list[str]] = field(default_factory=dict)  # question -> named mistakes

    @property
    def total(self) -> float:
        return float(sum(self.scores.values()))

    @property
    def total_possible(self) -> float:
        return float(sum(self.possible.values()))


# --------------------------------------------------------------------------
# An exercise, parsed once: its tests, points and the sandbox's course stub
# --------------------------------------------------------------------------

_ASKED = re.compile(r"check_\w+\(\s*env\s*,\s*[\"'](\w+)[\"']")
@dataclass
class Exercise:
    name: str
    tests: dict  # question -> otter ExceptionTestFile
    points: dict[str, float]
    asked: list[str]  # the names the tests check (the learner's answers)
    stub: dict[str, str]  # relative path -> text of the sandbox's course package


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Name(self, node):
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_FunctionDef(self, node):
        node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_alias(self, node):
        node.name = self.names.get(node.name, node.name)
        if node.asname:
            node.asname = self.names.get(node.asname, node.asname)
        return node

    def visit_Assign(self, node):  # a renamed function leaves __all__
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets) and \
                isinstance(node.value, (ast.List, ast.Tuple)):
            node.value.elts = [e for e in node.value.elts if not (
                isinstance(e, ast.Constant) and e.value in self.names)]
            return node
        self.generic_visit(node)
        return node


def _refusal(name: str) -> ast.stmt:
    return ast.parse(f"def {name}(*args, **kwargs):\n    raise RuntimeError('the course "
                     f"package\\'s {name.lstrip('_')} is not available while grading: write your "
                     "own')\n").body[0]


def course_imports(notebook) -> dict:
    """What a learner's notebook (as published) imports from the course package:
    ``{"modules": [...], "names": {name: module}}`` (``lossbook.grading`` aside)."""
    modules, names = set(), {}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        modules |= set(re.findall(r"^\s*from\s+lossbook\.(\w+)\s+import", source, re.M))
        modules |= set(re.findall(r"^\s*import\s+lossbook\.(\w+)", source, re.M))
        for group in re.findall(r"^\s*from\s+lossbook\s+import\s+\(?([\w\s,]+)\)?", source, re.M):
            for name in re.findall(r"\w+", group):
                import lossbook

                module = getattr(getattr(lossbook, name, None), "__module__", "") or ""
                if module.startswith("lossbook."):
                    names[name] = module.split(".")[1]
    modules.discard("grading")
    return {"modules": sorted(modules | set(names.values())), "names": names}


def _relative_imports(tree) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def stub_package(asked: list[str], needs: dict, package: Path = PACKAGE) -> dict[str, str]:
    """The sandbox's course package: the modules the notebook imports, without the answers.

    A function the exercise asks for (``huber``, or a private ``_huber``) is
    removed; where another module needs it (``train_gd(loss="huber")``), it is
    kept under a private name only the package's modules use. Data files that
    a module names (``digits.json``) come along.
    """
    todo, trees = list(needs.get("modules", [])), {}
    while todo:
        module = todo.pop()
        path = package / f"{module}.py"
        if module in trees or module == "grading" or not path.is_file():
            continue
        trees[module] = ast.parse(path.read_text())
        todo += sorted(_relative_imports(trees[module]))
    asked_names = {n for a in asked for n in (a, "_" + a)}
    used = set()
    for tree in trees.values():
        used |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        used |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 for alias in node.names}
    renamed = {n: f"_trainer{n if n.startswith('_') else '_' + n}" for n in asked_names & used}
    init = ['"""The course package as a sandbox sees it: what the exercise imports."""']
    init += [f"from .{m} import {n}" for n, m in sorted(needs.get("names", {}).items())
             if n not in asked_names]
    files = {"lossbook/__init__.py": "\n".join(init) + "\n"}
    for module, tree in trees.items():
        text = (package / f"{module}.py").read_text()
        for i, node in enumerate(tree.body):
            if isinstance(node, ast.FunctionDef) and node.name in asked_names - set(renamed):
                tree.body[i] = _refusal(node.name)
        files[f"lossbook/{module}.py"] = ast.unparse(_Rename(renamed).visit(tree))
        for data in package.glob("*.json"):
            if data.name in text:
                files[f"lossbook/{data.name}"] = data.read_text()
    return files


def load_exercise(name: str, tests: dict[str, str], package: Path = PACKAGE, *,
                  needs: dict | None = None) -> Exercise:
    """Parse an exercise's otter test files (question -> source) once.

    ``needs`` (:func:`course_imports` of the exercise's notebook) says which of
    the course package's modules the sandbox gets; none by default."""
    from otter.test_files.exception_test import ExceptionTestFile

    parsed = {q: ExceptionTestFile.from_string(src, path=f"tests/{q}.py")
              for q, src in sorted(tests.items())}
    asked = sorted({n for src in tests.values() for n in _ASKED.findall(src)})
    stub = stub_package(asked, needs, package) if needs and needs.get("modules") else {
        "lossbook/__init__.py": "raise ImportError('this exercise does not use the course package')\n"}
    return Exercise(name, parsed, {q: float(t.possible) for q, t in parsed.items()}, asked, stub)


# --------------------------------------------------------------------------
# Which protections this machine allows
# --------------------------------------------------------------------------

_ISOLATION: str | None = None


def isolation() -> str:
    """'root' when sandboxes get namespaces and their own user id, else 'process'."""
    global _ISOLATION
    if _ISOLATION is None:
        _ISOLATION = "process"
        # LOSSBOOK_SANDBOX=process asks for the protections of a machine without root.
        if sys.platform.startswith("linux") and os.geteuid() == 0 and os.environ.get(
                "LOSSBOOK_SANDBOX") != "process":
            pid = os.fork()
            if pid == 0:  # try it in a child, which then exits
                code = 1
                try:
                    if wire.libc().unshare(wire.CLONE_NEWNS | wire.CLONE_NEWPID) == 0:
                        wire.mount(None, "/", None, wire.MS_REC | wire.MS_PRIVATE)
                        wire.mount("tmpfs", "/tmp", "tmpfs", 0, "size=1m")
                        code = 0
                finally:
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                _ISOLATION = "root"
    return _ISOLATION


def protections(limits: Limits) -> str:
    """One paragraph: what protects grading on this machine."""
    mib = 2**20
    common = (f"limits per notebook: memory {limits.memory / mib:g} MiB, CPU "
              f"{limits.cpu:g} s, files {limits.file_size / mib:g} MiB, "
              f"{limits.cell_seconds:g} s per cell, {limits.call_seconds:g} s per call, "
              f"{limits.notebook_seconds:g} s per notebook")
    if isolation() == "root":
        return ("Sandbox: learner code runs in its own process under its own user id (not "
                f"root, at most {limits.processes} processes), in its own PID and mount "
                "namespaces (the course folder, /tmp and the class folder are hidden); "
                + common + ".")
    return ("Sandbox: learner code runs in its own process, and everything it starts is "
            "killed when the notebook is done; " + common + ". Not running as root on Linux: "
            "no separate user id and no hidden folders, so learner code could read the course "
            "files. Grade as root (or in a container) for full protection.")


# --------------------------------------------------------------------------
# The zygote and the sandboxes
# --------------------------------------------------------------------------


class SandboxDied(Exception):
    """The sandbox stopped answering (crashed, exited, ran out of time or memory)."""


class Zygote:
    """One preloaded process that forks a sandbox per request."""

    def __init__(self):
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "LANG", "LC_ALL", "HOME", "MPLCONFIGDIR")}
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   MPLBACKEND="Agg")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(SANDBOX_SCRIPT), "zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("LOSSBOOK_SANDBOX_DEBUG") else subprocess.DEVNULL,
            env=env, cwd="/", start_new_session=True)
        theirs.close()
        self.control.settimeout(60)
        if self.control.recv(64) != b"ready":
            raise RuntimeError("the sandbox process did not start")
        self.lock = threading.Lock()

    def spawn(self, config: dict, timeout: float = 30.0) -> tuple[socket.socket, int]:
        mine, theirs = socket.socketpair()
        try:
            with self.lock:
                socket.send_fds(self.control, [b"spawn"], [theirs.fileno()])
        finally:
            theirs.close()
        mine.settimeout(timeout)
        wire.send(mine, config)
        pid, ready = None, False
        try:
            return self._started(mine, pid, ready)
        except (EOFError, OSError, wire.ProtocolError) as exc:
            raise SandboxDied(f"the sandbox did not start ({exc})") from None

    def _started(self, mine, pid, ready):
        try:
            while pid is None or not ready:
                message = wire.recv(mine)
                if not isinstance(message, dict):
                    raise wire.ProtocolError("a malformed start message")
                if "executor" in message and type(message["executor"]) is int:
                    pid = message["executor"]
                ready = ready or message.get("ready") is True
                if "failed" in message:
                    raise SandboxDied(f"the sandbox did not start: {str(message['failed'])[:300]}")
        except BaseException:
            if pid:
                _kill(pid)
            mine.close()
            raise
        return mine, pid

    def close(self) -> None:
        try:
            self.control.close()
        finally:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


class Session:
    """One notebook's sandbox: runs its cells, answers the tests' questions."""

    def __init__(self, zygote: Zygote, exercise: Exercise, limits: Limits, slot: int,
                 hidden: list[str]):
        self.zygote, self.exercise, self.limits, self.slot = zygote, exercise, limits, slot
        self.hidden = hidden
        self.sock = self.pid = None
        self.cells_ok: list[str] = []
        self.hung: set[str] = set()
        self.restarts = 0
        self.tmp = tempfile.TemporaryDirectory(prefix="lossbook-sandbox-")

    def _config(self) -> dict:
        keep = kept()
        return {"isolation": isolation(), "uid": UID_BASE + self.slot,
                "limits": self.limits.for_sandbox(), "stub": self.exercise.stub,
                "hide": sorted(set(self.hidden) | set(_hidden_folders([]))), "keep": keep,
                "work": os.path.join(self.tmp.name, "work"),
                "lib": os.path.join(self.tmp.name, "lib"),
                "unpath": [str(ROOT), str(PACKAGE), ""]}

    def start(self) -> None:
        self.sock, self.pid = self.zygote.spawn(self._config())
        for source in list(self.cells_ok):  # replay what ran before a restart
            try:
                reply = self.request({"op": "exec", "source": source,
                                      "timeout": self.limits.cell_seconds},
                                     self.limits.cell_seconds + 2, restart=False)
            except SandboxDied:
                self.cells_ok.remove(source)
                self.start_fresh_after_failure()
                return
            if not reply.get("ok"):
                self.cells_ok.remove(source)

    def start_fresh_after_failure(self) -> None:
        self.stop()
        self.restarts += 1
        if self.restarts > 20:
            raise SandboxDied("the sandbox was restarted too often")
        self.start()

    def stop(self) -> None:
        if self.pid:
            _kill(self.pid)
            self.pid = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def close(self) -> None:
        self.stop()
        self.tmp.cleanup()

    def request(self, message: dict, timeout: float, *, restart: bool = True) -> dict:
        """Send ``message``; the reply, or :class:`SandboxDied` (the sandbox is then stopped)."""
        if self.sock is None:
            if not restart:
                raise SandboxDied("the sandbox is not running")
            self.restarts += 1
            if self.restarts > 20:
                raise SandboxDied("the sandbox was restarted too often")
            self.start()
        try:
            self.sock.settimeout(timeout)
            wire.send(self.sock, message)
            reply = wire.recv(self.sock)
            if not isinstance(reply, dict):
                raise wire.ProtocolError("a reply that is not a mapping")
            return reply
        except (socket.timeout, TimeoutError):
            self.stop()
            raise SandboxDied(f"it did not answer within {timeout:g} s and was stopped") from None
        except (EOFError, OSError):
            self.stop()
            raise SandboxDied("the sandbox stopped (it exited, crashed or ran out of "
                              f"memory; the limit is {self.limits.memory / 2**20:g} MiB)"
                              ) from None
        except wire.ProtocolError as exc:
            self.stop()
            raise SandboxDied(f"it sent a malformed reply ({exc})") from None


class RemoteFunction:
    """A learner's function, called in the sandbox: arguments and result cross as plain data."""

    def __init__(self, session: Session, name: str, module: str):
        self.session, self.__name__, self.module = session, name, module

    def __call__(self, *args, **kwargs):
        """Call it as a test's own code would: its result, or its exception (a built-in
        exception type by name, else RuntimeError), or Feedback when it hung or crashed."""
        import builtins

        outcome = self.invoke(args, kwargs)
        if outcome["kind"] == "ok":
            return outcome["value"]
        if outcome["kind"] == "raised":
            error = outcome["error"]
            kind = getattr(builtins, error["type"], None)
            if not (isinstance(kind, type) and issubclass(kind, Exception)):
                kind = RuntimeError
            raise kind(error["message"])
        if outcome["kind"] == "bind_error":
            raise TypeError(f"{self.__name__}{outcome['signature']} cannot take these arguments")
        raise Feedback(f"{self.__name__}(...) did not return: "
                       f"{outcome.get('note') or 'it ran out of time'}.",
                       mistake="crashed" if outcome["kind"] == "crashed" else "ran out of time")

    def invoke(self, args, kwargs) -> dict:
        """The outcome of one call: a dict whose ``kind`` is ok, raised, timeout, crashed,
        bind_error or hung."""
        session, limit = self.session, self.session.limits.call_seconds
        if self.__name__ in session.hung:
            return {"kind": "hung", "seconds": limit}
        message = {"op": "call", "name": self.__name__, "args": wire.encode(list(args)),
                   "kwargs": wire.encode(dict(kwargs)), "timeout": limit}
        try:
            reply = session.request(message, limit + 3)
        except SandboxDied as exc:
            if "did not answer" in str(exc):
                session.hung.add(self.__name__)
                return {"kind": "timeout", "seconds": limit}
            return {"kind": "crashed", "note": str(exc)}
        kind = reply.get("kind")
        if kind == "timeout":
            session.hung.add(self.__name__)
            reply = {"kind": "timeout", "seconds": limit}
        if kind == "ok":
            try:
                reply["value"] = wire.decode(reply.get("value"))
            except wire.ProtocolError as exc:
                reply["value"] = wire._opaque("NotPlainData", f"<a value that is not plain data: {exc}>")
            reply["printed"] = str(reply.get("printed", ""))[:wire.MAX_PRINTED]
            mutated = reply.get("mutated", [])
            reply["mutated"] = [i for i in mutated if type(i) is int] if isinstance(
                mutated, list) else []
        elif kind == "raised":
            error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            reply["error"] = {
                "type": str(error.get("type", "Exception"))[:60],
                "mro": [str(m)[:60] for m in error.get("mro", [])][:20]
                if isinstance(error.get("mro"), list) else [],
                "message": str(error.get("message", ""))[:2000],
                "where": str(error.get("where", ""))[:300]}
        elif kind == "bind_error":
            reply["signature"] = str(reply.get("signature", "(...)"))[:300]
        elif kind not in ("timeout", "missing"):
            return {"kind": "crashed", "note": "the sandbox sent a malformed reply"}
        return reply


class SandboxEnv:
    """The notebook's namespace as the tests see it: each lookup asks the sandbox."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, name, default=None):
        try:
            reply = self.session.request({"op": "get", "name": str(name)},
                                         self.session.limits.call_seconds + 3)
        except SandboxDied as exc:
            raise Feedback(f"Reading {name} stopped your code: {exc}.", mistake="crashed") \
                from None
        kind = reply.get("kind")
        if kind == "missing":
            return default
        if kind == "ellipsis":
            return Ellipsis
        if kind == "function":
            return RemoteFunction(self.session, str(name), str(reply.get("module", ""))[:100])
        if kind == "value":
            try:
                return wire.decode(reply.get("value"))
            except wire.ProtocolError as exc:
                return wire._opaque("NotPlainData", f"<a value that is not plain data: {exc}>")
        raise Feedback(f"Reading {name} failed: the sandbox sent a malformed reply.",
                       mistake="crashed")

    def __getitem__(self, name):
        value = self.get(name, _MISSING)
        if value is _MISSING:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return self.get(name, _MISSING) is not _MISSING


# --------------------------------------------------------------------------
# Reading a notebook, leniently
# --------------------------------------------------------------------------

_MACHINERY = re.compile(
    r"^(\s*)(import otter\b.*|grader\s*=\s*otter\.Notebook\(.*\)|grader\.check(_all)?\(.*\)"
    r"|from lossbook\.grading import .*|score_report\(.*\)|[%!].*)\s*$")


def _strip_machinery(source: str) -> str:
    """Otter's and IPython's lines become ``pass``: the trusted side never depends on them."""
    return "\n".join(_MACHINERY.sub(r"\1pass", line) for line in source.splitlines())


def read_cells(path: Path) -> tuple[list[str], list[str], dict]:
    """``(sources, notes, metadata)`` of a notebook's code cells; malformed cells are
    repaired or skipped with a note. Raises ValueError when it is not a notebook."""
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the file is {size / 2**20:.0f} MiB, more than a notebook can be")
    try:
        nb = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON ({str(exc)[:100]})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("no list of cells")
    sources, notes = [], []
    for i, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            notes.append(f"cell {i} has no readable source and was skipped")
            continue
        sources.append(_strip_machinery(source))
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    return sources, notes, metadata


# --------------------------------------------------------------------------
# Grading one notebook
# --------------------------------------------------------------------------


def _cell_note(number: int, reply: dict, limits: Limits) -> str:
    if reply.get("timeout"):
        return f"cell {number} ran longer than {limits.cell_seconds:g} s and was interrupted"
    error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
    kind = str(error.get("type", "an error"))[:60]
    message = str(error.get("message", "")).strip().splitlines()
    text = f"cell {number} raised {kind}" + (f": {message[0][:120]}" if message else "")
    if kind == "MemoryError":
        text += f" (the memory limit is {limits.memory / 2**20:g} MiB)"
    return text


def _run_cases(test_file, env, show_hidden: bool = True) -> tuple[float, str, list[str], bool]:
    """``(score, first feedback, mistakes, all passed)`` of one question's test cases.

    Without ``show_hidden``, the feedback of a hidden test case is not shown."""
    earned, note, mistakes, passed_all = 0.0, "", [], True
    for case in test_file.test_cases:
        try:
            case.body.call_func(env)
        except Feedback as fb:
            passed, text, mistake = False, str(fb), fb.mistake or "wrong value"
        except Exception as exc:  # noqa: BLE001 - a check that broke on odd data
            passed, mistake = False, f"check failed ({type(exc).__name__})"
            text = f"the check could not run on this answer: {type(exc).__name__}: {exc}"[:300]
        else:
            passed = True
        if passed:
            earned += float(case.points or 0)
            continue
        passed_all = False
        if case.hidden and not show_hidden:
            text = "a hidden test failed"
        note = note or text
        if mistake not in mistakes:
            mistakes.append(mistake)
    if getattr(test_file, "all_or_nothing", False) and not passed_all:
        earned = 0.0
    return earned, note, mistakes, passed_all


def clamp(score, possible: float) -> tuple[float, str]:
    """``score`` within ``[0, possible]``; NaN (or not a number) is 0 with a note."""
    try:
        score = float(score)
    except (TypeError, ValueError):
        return 0.0, "the score was not a number and counts as 0"
    if math.isnan(score):
        return 0.0, "the score was NaN and counts as 0"
    return min(max(score, 0.0), float(possible)), ""


def grade_notebook(path: Path, exercise: Exercise, zygote: Zygote, limits: Limits, *,
                   slot: int = 0, hidden: list[str] = (), shown: str | None = None,
                   show_hidden: bool = True) -> Graded:
    """Grade one notebook against ``exercise`` in its own sandbox."""
    start = time.monotonic()
    graded = Graded(shown or str(path), exercise.name,
                    scores={q: 0.0 for q in exercise.points}, possible=dict(exercise.points))
    notes: list[str] = []
    try:
        sources, read_notes, metadata = read_cells(Path(path))
    except (OSError, ValueError) as exc:
        graded.note = f"could not read the notebook ({exc}); every question scores 0"
        graded.seconds = time.monotonic() - start
        return graded
    notes += read_notes
    recorded = (metadata.get("otter") or {}).get("assignment_name") if isinstance(
        metadata.get("otter"), dict) else None
    if recorded and recorded != exercise.name:
        notes.append(f"its metadata names exercise {str(recorded)[:40]}, graded as "
                     f"{exercise.name} (its file name)")
    deadline = start + limits.notebook_seconds
    session = Session(zygote, exercise, limits, slot, list(hidden))
    timed_out = False
    try:
        session.start()
        for number, source in enumerate(sources, start=1):
            if time.monotonic() > deadline:
                timed_out = True
                break
            try:
                reply = session.request({"op": "exec", "source": source,
                                         "timeout": limits.cell_seconds},
                                        limits.cell_seconds + 3)
            except SandboxDied as exc:
                notes.append(f"cell {number} stopped the sandbox ({exc}); the cells before it "
                             "were run again")
                continue
            if reply.get("ok"):
                session.cells_ok.append(source)
            else:
                notes.append(_cell_note(number, reply, limits))
        env = SandboxEnv(session)
        for question, test_file in exercise.tests.items():
            if time.monotonic() > deadline:
                timed_out = True
            if timed_out:
                graded.notes[question] = "not graded: the notebook ran out of time"
                graded.mistakes[question] = ["timed out"]
                continue
            earned, note, mistakes, _ = _run_cases(test_file, env, show_hidden)
            score, why = clamp(earned, exercise.points[question])
            graded.scores[question] = score
            graded.notes[question] = "; ".join(n for n in (note, why) if n)
            graded.mistakes[question] = mistakes
    except SandboxDied as exc:
        notes.append(f"the sandbox could not run ({exc})")
    finally:
        session.close()
    if timed_out:
        notes.append(f"timed out: the notebook took longer than {limits.notebook_seconds:g} s")
    graded.note = "; ".join(notes)
    graded.seconds = time.monotonic() - start
    return graded


# --------------------------------------------------------------------------
# A class
# --------------------------------------------------------------------------


SYSTEM = {"/", "/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/dev", "/proc",
          "/sys", "/var", "/run", "/tmp"}


def kept() -> list[str]:
    """The Python installation(s) a sandbox needs: the environment and its base."""
    return sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)})


def _closed_ancestor(path: str) -> str | None:
    """The highest folder above ``path`` that other users cannot enter (/root), if any."""
    parts = Path(path).parts
    for i in range(2, len(parts)):
        folder = os.path.join(*parts[:i])
        try:
            if not os.stat(folder).st_mode & 0o001:
                return folder
        except OSError:
            return None
    return None


def _hidden_folders(paths, extra=()) -> list[str]:
    """The folders a sandbox must not see: the course, the class folder(s), ``extra``, and
    closed folders around the Python installation (replaced by open, empty ones)."""
    folders = {str(ROOT), str(PACKAGE), *map(str, extra)}
    classes = {os.path.dirname(os.path.realpath(p)) for p in paths}
    if len(classes) > 16:  # one folder per learner: hide the folder that holds them all
        common = os.path.commonpath(sorted(classes))
        classes = {common} if common not in SYSTEM and common != "/home" else classes
    folders |= classes
    folders |= {a for a in map(_closed_ancestor, kept()) if a}
    keep = kept()
    out = set()
    for folder in map(os.path.realpath, folders):
        if wire._inside(folder, "/tmp"):
            continue  # every sandbox gets an empty /tmp of its own
        if folder in SYSTEM or folder in keep or any(wire._inside(k, folder) for k in SYSTEM
                                                     if k != "/" and k != "/tmp"):
            continue  # never hide the system or the Python installation itself
        out.add(folder)
    return sorted(f for f in out if not any(wire._inside(f, g) and f != g for g in out))


def grade_matched(paths, *, exercises: dict[str, Exercise], matched: list[str],
                    workers: int | None = None, limits: Limits | None = None,
                    hidden=(), shown=None, show_hidden: bool = True) -> list[Graded]:
    """Grade each of ``paths`` against ``exercises[matched[i]]``, ``workers`` at a time."""
    limits = limits or Limits()
    workers = max(1, workers or os.cpu_count() or 1)
    paths = [Path(p) for p in paths]
    hide = _hidden_folders(paths, hidden)
    shown = shown or [str(p) for p in paths]
    zygote = Zygote()
    slots = list(range(workers))
    lock = threading.Lock()

    def run(i):
        with lock:
            slot = slots.pop()
        try:
            return grade_notebook(paths[i], exercises[matched[i]], zygote, limits, slot=slot,
                                  hidden=hide, shown=shown[i], show_hidden=show_hidden)
        finally:
            with lock:
                slots.append(slot)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(run, range(len(paths))))
    finally:
        zygote.close()

"""Attacks on the grader: none earns a point, harms a classmate or outlives grading.

Each attack is the published (blank) exercise 4 notebook with cells added at
its end (after the answers' stubs), as a determined learner would submit it. One class
folder holds every attack, a classmate's solution and a classmate's blank
notebook; ``python -m lossbook.grade`` grades them in one run. Then: every
attack scores 0, the classmates score exactly what they earn (full marks and
0), no notebook changed, the CSV is the grader's, and no process any attack
started is still alive (checked in ``/proc``). Attacks that only the root
protections stop (hidden folders, a separate user id, a PID namespace) are
run only as root, where those protections are on; elsewhere they skip.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from attacks.submissions import blank, points, solved, with_cell

from lossbook.grading import harness, sandbox

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "04_huber"
AS_ROOT = harness.isolation() == "root"
NEEDS_ROOT = ("needs root: without a separate user id, hidden folders and a PID namespace a "
              "learner's code can read the course files and the grader's /proc (the grader "
              "says so when it starts); CI runs as root")
SECRET = "b"  # the right answer of question 6, put in the grader's environment
NAMES = ["huber", "huber_grad", "loss_seconds", "loss_seconds_scaled", "sigma_hat", "delta_hat",
         "huber_time", "mse_time", "mae_time", "smooth_l1_judgement"]
ALL_VALUES = "\n".join(f"{n} = {{v}}" for n in NAMES[2:-1])


def _functions(body: str) -> str:
    return "\n".join(f"def {n}(*args, **kwargs):\n    {body}" for n in NAMES[:2])


# name -> (cells, needs root). {token} names processes, {out} the CSV, {root} the course
# folder, {classmate} a classmate's notebook.
ATTACKS = {
    "patch numpy's comparisons": ("""
import numpy as np
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: np.True_
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
""" + _functions("return 0.0") + "\n" + ALL_VALUES.format(v="0.0"), False),
    "patch the grading checks": ("""
import sys, types
fake = types.ModuleType("lossbook.grading")
for name in ["check_call", "check_number", "check_choice", "check_raises", "check_raises_saying"]:
    setattr(fake, name, lambda *a, **k: None)
sys.modules["lossbook"] = types.ModuleType("lossbook")
sys.modules["lossbook.grading"] = fake
""", False),
    "patch otter's test runner": ("""
try:
    import otter.test_files.abstract_test as t
    t.TestFile.score = property(lambda self: 1000)
    t.TestFile.passed_all = property(lambda self: True)
    t.TestFile.grade = property(lambda self: 1.0)
except Exception:
    pass
""", False),
    "re-patch from a thread every millisecond": ("""
import threading, time
import numpy as np
def keep_patching():
    while True:
        np.allclose = lambda *a, **k: True
        np.isclose = lambda *a, **k: np.True_
        time.sleep(0.001)
threading.Thread(target=keep_patching, daemon=True).start()
""", False),
    "read the expected value from the checker's stack frame": ("""
import sys
def _peek():
    frame = sys._getframe(1)
    while frame is not None:
        for key in ("expected", "correct"):
            if key in frame.f_locals:
                return frame.f_locals[key]
        frame = frame.f_back
""" + _functions("return _peek()") + "\n" + ALL_VALUES.format(v="_peek()"), False),
    "an __array__ that inspects the caller": ("""
import sys
import numpy as np
class Sneaky:
    def __array__(self, dtype=None, copy=None):
        frame = sys._getframe(1)
        while frame is not None:
            if "expected" in frame.f_locals:
                return np.asarray(frame.f_locals["expected"], dtype=float)
            frame = frame.f_back
        return np.asarray(0.0)
    def __eq__(self, other):
        return True
    def __float__(self):
        return 0.0
""" + _functions("return Sneaky()") + "\n" + ALL_VALUES.format(v="Sneaky()") + """
class Letter(str):
    def __eq__(self, other):
        return True
    def strip(self, *args):
        return self
    def lower(self):
        return self
smooth_l1_judgement = Letter("z")
""", False),
    "subclasses of float and ndarray that equal anything": ("""
import numpy as np
class Always(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
class Equal(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)
def huber(y_true, y_pred, delta=1.0, reduction="mean"):
    return Always(0.0)
def huber_grad(y_true, y_pred, delta=1.0):
    return np.zeros(np.shape(y_pred)).view(Equal)
""" + ALL_VALUES.format(v="Always(0.0)"), False),
    "a pickle instead of plain data": ("""
import __main__, base64, pickle
class Evil:
    def __reduce__(self):
        import os
        return (os.system, ("touch {out}.pwned",))
payload = base64.b64encode(pickle.dumps(Evil())).decode()
__main__.encode = lambda value, *a: {{"$pickle": payload}}
""" + _functions("return 0.0") + "\n" + ALL_VALUES.format(v="0.0"), False),
    "forged replies: scores of 1000 and NaN, object arrays, a huge message": ("""
import __main__
__main__.Executor.describe = lambda self, name: {{"kind": "value", "value": {{"$array": {{
    "dtype": "object", "shape": [1], "b64": ""}}}}, "score": 1000}}
__main__.Executor.call = lambda self, m: {{"kind": "ok", "value": float("nan"), "score": 1000,
                                          "printed": "", "mutated": []}}
""" + _functions("return 0.0") + """
import struct
def huber_grad(*args, **kwargs):
    __main__.send = lambda sock, m: sock.sendall(struct.pack(">I", 2**31))
    return 0.0
""", False),
    "wrap the course's reference functions": ("""
import sys
sys.path[:0] = ["{root}"]
import lossbook.losses
def huber(*args, **kwargs):
    return lossbook.losses.huber(*args, **kwargs)
def huber_grad(*args, **kwargs):
    return lossbook.losses.huber_grad(*args, **kwargs)
""", True),
    "run the solution notebook found on disk": ("""
import glob, json
import numpy as np
for path in glob.glob("{root}/solutions/04_huber.ipynb") + glob.glob("/proc/*/root{root}/solutions/04_huber.ipynb"):
    for cell in json.load(open(path))["cells"]:
        if cell["cell_type"] == "code":
            try:
                exec("".join(cell["source"]), globals())
            except Exception:
                pass
""", True),
    "copy the hidden tests and compute the answers from them": ("""
import glob
found = []
for pattern in ["{root}/dist/*.zip", "/tmp/lossbook-autograders-*/*/out/autograder/tests/*.py",
                "/tmp/**/tests/q*.py", "/proc/*/root/tmp/lossbook-autograders-*/**/q*.py"]:
    found += glob.glob(pattern, recursive=True)
smooth_l1_judgement = "b" if found else "a"
""", True),
    "overwrite tests, results and the CSV; edit a classmate's notebook": ("""
import glob, os
targets = (glob.glob("{root}/tests/*.py") + glob.glob("/tmp/lossbook-autograders-*/**/*.py",
           recursive=True) + ["{out}", "{classmate}"] + glob.glob("{root}/dist/*.zip"))
for path in targets:
    try:
        with open(path, "w") as f:
            f.write("notebook,question,score,possible,note\\nx,q1,1000,5,\\n")
    except OSError:
        pass
""", True),
    "read the grader's environment and /proc": ("""
import glob, os
smooth_l1_judgement = os.environ.get("LOSSBOOK_SECRET", "a")
for path in glob.glob("/proc/*/environ"):
    try:
        text = open(path, "rb").read().decode(errors="replace")
    except OSError:
        continue
    if "LOSSBOOK_SECRET=" in text:
        smooth_l1_judgement = text.split("LOSSBOOK_SECRET=")[1].split("\\0")[0]
""", True),
    "a detached process that edits the CSV after grading": ("""
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sh", ["{token}", "-c",
                 "while true; do echo 'x,q1,1000,5,' >> {out} 2>/dev/null; sleep 0.05; done"])
    os._exit(0)
""", False),
    "a fork bomb": ("""
import subprocess
subprocess.Popen(["{token}", "-c", "f() {{ f | f & }}; f"], executable="/bin/sh")
""", True),
    "6 GB of memory": ("""
import numpy as np
big = np.ones(6 * 2**30 // 8)
""" + _functions("return float(np.ones(6 * 2**30 // 8).sum())"), False),
    "huge output": ("""
import os, sys
for _ in range(2000):
    print("x" * 100_000)
os.write(1, b"y" * 10**7)
""" + _functions("print('z' * 10**7); return None"), False),
    "infinite recursion, interrupts and exits inside the answers": ("""
import os, sys
def huber(*args, **kwargs):
    return huber(*args, **kwargs)
def huber_grad(*args, **kwargs):
    os._exit(3)
""", False),
    "KeyboardInterrupt, SystemExit and a deep C recursion in cells": ("""
raise KeyboardInterrupt
""", False),
    "monkeypatch builtins": ("""
import builtins
builtins.float = lambda *a: 0.0
builtins.isinstance = lambda *a: True
builtins.type = lambda *a: float
builtins.len = lambda *a: 0
""", False),
}


def _attack_cells(source: str) -> list[str]:
    extra = []
    if source.strip() == "raise KeyboardInterrupt":
        extra = ["raise SystemExit(0)", "import sys\nsys.setrecursionlimit(10**8)\n"
                 "def down(n):\n    return down(n + 1)\ndown(0)"]
    return [source] + extra


@pytest.fixture(scope="module", params=["root", "process"])
def run(request, tmp_path_factory, built):
    """The class graded with every protection this machine allows ("root"), and with
    those of a machine without root ("process": LOSSBOOK_SANDBOX=process)."""
    mode = request.param
    if mode == "root" and not AS_ROOT:
        pytest.skip(NEEDS_ROOT)
    folder = tmp_path_factory.mktemp("class")
    out = tmp_path_factory.mktemp("out") / "scores.csv"
    token = f"lossbook-attack-{folder.name}"
    classmate = folder / "alice" / f"{EXERCISE}.ipynb"
    files = {"solution": classmate, "blank": folder / "bob" / f"{EXERCISE}.ipynb"}
    attacks = {}
    for i, (name, (source, root_only)) in enumerate(ATTACKS.items()):
        if root_only and mode != "root":
            continue
        path = folder / f"attacker{i:02d}" / f"{EXERCISE}.ipynb"
        attacks[name] = path
        files[name] = path
    for path in files.values():
        path.parent.mkdir(parents=True)
    nbformat.write(solved(built(EXERCISE)), files["solution"])
    nbformat.write(blank(EXERCISE), files["blank"])
    for name, path in attacks.items():
        nb = blank(EXERCISE)
        source, _ = ATTACKS[name]
        for cell in _attack_cells(source.format(token=token, out=out, root=ROOT,
                                                classmate=classmate)):
            nb = with_cell(nb, cell, after="the end, after the answers' stubs")
        nbformat.write(nb, path)
    before = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in files.items()}
    env = dict(os.environ, LOSSBOOK_SECRET=SECRET)
    if mode == "process":
        env["LOSSBOOK_SANDBOX"] = "process"
    proc = subprocess.run(
        [sys.executable, "-m", "lossbook.grade", "--jobs", "2", "--cell-timeout", "5",
         "--call-timeout", "2", "--timeout", "90", "--out", str(out), str(folder)],
        capture_output=True, text=True, timeout=1200, env=env)
    after = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in files.items()}
    survivors = _processes_with(token)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    return {"proc": proc, "rows": rows, "files": files, "before": before, "after": after,
            "survivors": survivors, "out": out, "attacks": attacks, "mode": mode}


def _processes_with(token: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if token in cmdline:
                found.append(f"{entry}: {cmdline[:80]}")
    return found


def _scores(run, key) -> dict[str, float]:
    path = str(run["files"][key])
    return {r["question"]: float(r["score"]) for r in run["rows"] if r["notebook"] == path}


def _notes(run, key) -> str:
    path = str(run["files"][key])
    return " ".join(r["note"] for r in run["rows"] if r["notebook"] == path)


def test_the_grader_completes_and_says_which_protections_are_active(run):
    assert run["proc"].returncode == 0, run["proc"].stderr[-3000:]
    first = run["proc"].stdout.splitlines()[0]
    assert ("under its own user id" in first) == (run["mode"] == "root"), first


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_earns_no_point(run, name):
    if name not in run["attacks"]:
        pytest.skip(NEEDS_ROOT)
    scores = _scores(run, name)
    assert sorted(scores) == sorted(_points()), scores
    assert sum(scores.values()) == 0, (scores, _notes(run, name))


def _points() -> dict[str, float]:
    return points(EXERCISE)


def test_classmates_score_what_they_earned(run):
    points = _points()
    assert _scores(run, "solution") == points
    assert _scores(run, "blank") == {q: 0.0 for q in points}


def test_no_notebook_changes(run):
    assert run["before"] == run["after"]


def test_nothing_outlives_the_grader(run):
    assert run["survivors"] == []


def test_the_csv_is_the_graders_own(run):
    assert all(r["notebook"].startswith(str(run["files"]["blank"].parent.parent))
               for r in run["rows"])
    assert not Path(f"{run['out']}.pwned").exists()
    with open(run["out"], newline="") as f:
        assert list(csv.DictReader(f)) == run["rows"]


def test_a_6_gb_allocation_is_stopped_with_a_note(run):
    notes = _notes(run, "6 GB of memory")
    assert "MemoryError" in notes and "the memory limit is 2048 MiB" in notes


# --------------------------------------------------------------------------
# The channel and the scores, directly
# --------------------------------------------------------------------------


@pytest.mark.parametrize("data, words", [
    ({"$pickle": "gASV"}, "unknown value tag"),
    ({"$array": {"dtype": "object", "shape": [1], "b64": ""}}, "malformed array"),
    ({"$array": {"dtype": "float64", "shape": [10**6, 10**6], "b64": ""}}, "too large"),
    ({"$array": {"dtype": "float64", "shape": [2], "b64": "AAAA"}}, "does not match"),
    ({"$list": [1.0], "$dict": []}, "not a value"),
    (2**70, "out of range"),
    ("x" * (sandbox.MAX_TEXT + 1), "too long"),
])
def test_the_channel_accepts_plain_data_only(data, words):
    with pytest.raises(sandbox.ProtocolError, match=words):
        sandbox.decode(data)


def test_values_cross_the_channel_unchanged():
    value = [1, 2.5, float("inf"), None, "a", (np.arange(6.0).reshape(2, 3), {"k": True}), ...]
    back = sandbox.decode(sandbox.encode(value))
    assert back[:5] == value[:5] and back[-1] is Ellipsis
    assert np.array_equal(back[5][0], value[5][0]) and back[5][0].dtype == np.float64
    assert back[5][1] == {"k": True} and isinstance(back[5], tuple)


def test_an_object_crosses_as_its_type_name_only():
    class Secretive:
        def __array__(self, *args, **kwargs):
            raise AssertionError("never called on the trusted side")

        def __repr__(self):
            return "<secretive>"

    back = sandbox.decode(sandbox.encode(Secretive()))
    assert type(back).__name__ == "Secretive" and repr(back) == "<secretive>"
    assert not hasattr(back, "__array__")


@pytest.mark.parametrize("score, expected, note", [
    (1000, 5.0, ""), (-3, 0.0, ""), (2.5, 2.5, ""), (math.nan, 0.0, "NaN"),
    ("x", 0.0, "not a number"),
])
def test_scores_are_clamped_and_nan_is_zero(score, expected, note):
    value, why = harness.clamp(score, 5.0)
    assert value == expected and note in why


# --------------------------------------------------------------------------
# The attacks are real: run in the learner's own process, they earn points
# --------------------------------------------------------------------------

IN_PROCESS = """
import json, sys
from pathlib import Path
import nbformat
from lossbook.grading import exercises
nb = nbformat.read(sys.argv[1], as_version=4)
tests = exercises.autograder_tests(Path(sys.argv[2]))
results = exercises.grade_in_process([s for _, s in exercises.code_cells(nb)], tests)
print(json.dumps(sum(f.score for f in results.results.values())))
"""


@pytest.mark.parametrize("name", [
    "patch numpy's comparisons",
    "read the expected value from the checker's stack frame",
    "patch the grading checks",
])
def test_the_attack_earns_points_when_tests_run_in_the_learners_process(run, built, name):
    """Graded the old way (the hidden tests in the learner's own process), the attack pays:
    so its 0 above is the sandbox's doing, not a harmless attack's."""
    proc = subprocess.run([sys.executable, "-c", IN_PROCESS, str(run["files"][name]),
                           str(built(EXERCISE).zip_path)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert float(proc.stdout.strip().splitlines()[-1]) > 0


def test_a_test_may_call_the_learners_function_directly(tmp_path):
    """``env["f"](...)`` in a test's own code runs the function in the sandbox too."""
    exercise = harness.Exercise("x", {}, {}, [], {})
    zygote = harness.Zygote()
    session = harness.Session(zygote, exercise, harness.Limits(call_seconds=1.0), 0, [])
    try:
        session.start()
        source = ("import numpy as np\ndef double(x):\n    return 2 * np.asarray(x)\n"
                  "def picky(x):\n    raise ValueError(f'no {x}')\n"
                  "def stuck():\n    while True:\n        pass\n")
        assert session.request({"op": "exec", "source": source, "timeout": 5}, 10)["ok"]
        env = harness.SandboxEnv(session)
        assert np.array_equal(env["double"]([1, 2]), [2, 4])
        with pytest.raises(ValueError, match="no 3"):
            env["picky"](3)
        with pytest.raises(harness.Feedback, match="ran out of time"):
            env["stuck"]()
        assert "nothing" not in env and env.get("nothing", 7) == 7
    finally:
        session.close()
        zygote.close()

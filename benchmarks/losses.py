"""lossbook's losses and gradients against scikit-learn and PyTorch.

Every case computes the same quantity on the same seeded data (10^6 values,
or 10^5 x 10 logits for the multiclass losses) with lossbook and with each
library installed, checks that the values agree to ``LOSS_RTOL`` relative,
and times each implementation in the same run, interleaved round by round so
that a burst of activity on the machine affects all of them alike.

The ratio is lossbook's best time over the fastest library's best time (the
minimum of the repeats is the measurement least disturbed by other
processes, as :mod:`timeit` recommends); the median is shown too.

Conventions, so that the libraries compute what lossbook computes:

* PyTorch runs on the CPU in float64, on tensors that share memory with the
  NumPy arrays (no copy is timed), with its default number of threads, and
  also with one thread, which shows how much of its lead is parallelism
  (NumPy runs on one core). The budget is against the fastest of all.
* A PyTorch gradient is what a PyTorch user runs to get it: the forward pass
  and ``torch.autograd.grad``. lossbook's gradient functions compute the
  gradient directly.
* scikit-learn's ``log_loss`` takes probabilities, so its cross-entropy
  pipeline includes ``scipy.special.softmax`` (or ``expit``) of the logits.
* PyTorch's ``multi_margin_loss`` is the Weston-Watkins hinge divided by the
  number of classes; the check multiplies it back.

The **NumPy floor** of a case is the time of one NumPy pass over its inputs
(``np.subtract(a, b, out=...)`` into a preallocated array): no NumPy
expression of the loss, which must at least read its inputs and write one
temporary, can be faster. Where a library is faster than the floor divided by
the budget ratio, the budget cannot be met in NumPy, and the report says so.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import lossbook as lb

from .budgets import LOSS_RATIO, LOSS_RTOL

N = 10**6
N_ROWS, N_CLASSES = 10**5, 10


@dataclass
class Case:
    name: str
    kind: str  # "loss" or "gradient"
    ours: Callable
    libraries: dict[str, Callable] = field(default_factory=dict)
    #: maps a library's result to lossbook's convention before comparing
    convert: dict[str, Callable] = field(default_factory=dict)
    #: one NumPy pass over the inputs (see the module docstring)
    floor: Callable | None = None


def _torch():
    try:
        import torch
    except Exception:  # not installed, or a broken install
        return None
    return torch


def make_data(seed: int = 0) -> dict:
    """The seeded inputs of every case."""
    rng = np.random.default_rng(seed)
    y = rng.normal(size=N)
    d = {
        "y_true": y,
        "y_pred": y + rng.normal(scale=1.5, size=N),  # residuals on both sides of delta = 1
        "labels01": (rng.random(N) < 0.5).astype(np.float64),
        "probs": rng.uniform(0.01, 0.99, size=N),
        "logits1": rng.normal(scale=2.0, size=N),
        "logits": rng.normal(scale=2.0, size=(N_ROWS, N_CLASSES)),
        "classes": rng.integers(0, N_CLASSES, size=N_ROWS),
    }
    soft = rng.random((N_ROWS, N_CLASSES))
    d["soft"] = soft / soft.sum(axis=1, keepdims=True)
    d["pm1"] = 2.0 * d["labels01"] - 1.0
    return d


def build_cases(d: dict) -> list[Case]:
    """The cases, with every library that is installed."""
    from scipy.special import expit
    from scipy.special import softmax as sp_softmax
    from sklearn import metrics

    yt, yp, y01, pm1 = d["y_true"], d["y_pred"], d["labels01"], d["pm1"]
    p, z1, z, cls, soft = d["probs"], d["logits1"], d["logits"], d["classes"], d["soft"]
    C = N_CLASSES
    buf1, buf2 = np.empty(N), np.empty((N_ROWS, N_CLASSES))

    def one_pass(a, b):
        out = buf2 if np.shape(a) == buf2.shape else buf1
        return lambda: np.subtract(a, b, out=out)

    cases = [
        Case("mse", "loss", lambda: lb.mse(yt, yp),
             {"sklearn mean_squared_error": lambda: metrics.mean_squared_error(yt, yp)}),
        Case("mae", "loss", lambda: lb.mae(yt, yp),
             {"sklearn mean_absolute_error": lambda: metrics.mean_absolute_error(yt, yp)}),
        Case("huber (delta=1)", "loss", lambda: lb.huber(yt, yp, delta=1.0)),
        Case("binary_cross_entropy", "loss", lambda: lb.binary_cross_entropy(y01, p),
             {"sklearn log_loss": lambda: metrics.log_loss(y01, p)}),
        Case("binary_cross_entropy_with_logits", "loss",
             lambda: lb.binary_cross_entropy_with_logits(y01, z1),
             {"sklearn log_loss(expit(z))": lambda: metrics.log_loss(y01, expit(z1))}),
        Case("cross_entropy (labels)", "loss", lambda: lb.cross_entropy(cls, z),
             {"sklearn log_loss(softmax(z))":
              lambda: metrics.log_loss(cls, sp_softmax(z, axis=1), labels=np.arange(C))}),
        Case("cross_entropy (labels, smoothing 0.1)", "loss",
             lambda: lb.cross_entropy(cls, z, label_smoothing=0.1)),
        Case("cross_entropy (probabilities)", "loss", lambda: lb.cross_entropy(soft, z)),
        Case("hinge", "loss", lambda: lb.hinge(pm1, z1),
             {"sklearn hinge_loss": lambda: metrics.hinge_loss(pm1, z1)}),
        Case("multiclass_hinge (Weston-Watkins)", "loss", lambda: lb.multiclass_hinge(cls, z)),
        Case("multiclass_hinge (Crammer-Singer)", "loss",
             lambda: lb.multiclass_hinge(cls, z, variant="crammer_singer"),
             {"sklearn hinge_loss": lambda: metrics.hinge_loss(cls, z, labels=np.arange(C))}),
        Case("mse_grad", "gradient", lambda: lb.mse_grad(yt, yp)),
        Case("mae_grad", "gradient", lambda: lb.mae_grad(yt, yp)),
        Case("huber_grad", "gradient", lambda: lb.huber_grad(yt, yp)),
        Case("binary_cross_entropy_with_logits_grad", "gradient",
             lambda: lb.binary_cross_entropy_with_logits_grad(y01, z1)),
        Case("cross_entropy_grad (labels)", "gradient", lambda: lb.cross_entropy_grad(cls, z)),
        Case("cross_entropy_grad (labels, smoothing 0.1)", "gradient",
             lambda: lb.cross_entropy_grad(cls, z, label_smoothing=0.1)),
        Case("hinge_grad", "gradient", lambda: lb.hinge_grad(pm1, z1)),
    ]
    inputs = {"mse": (yp, yt), "mae": (yp, yt), "huber": (yp, yt), "binary_cross_entropy": (p, y01),
              "binary_cross_entropy_with_logits": (z1, y01), "cross_entropy": (z, soft),
              "hinge": (z1, pm1), "multiclass_hinge": (z, soft)}
    for case in cases:
        stem = case.name.split(" ")[0].removesuffix("_grad")
        if stem in inputs:
            case.floor = one_pass(*inputs[stem])
    torch = _torch()
    if torch is not None:
        F = torch.nn.functional
        T = {k: torch.from_numpy(v) for k, v in d.items()}

        def grad(loss_of, x):
            x = x.detach().requires_grad_(True)
            return torch.autograd.grad(loss_of(x), x)[0]

        t = {
            "mse": lambda: F.mse_loss(T["y_pred"], T["y_true"]),
            "mae": lambda: F.l1_loss(T["y_pred"], T["y_true"]),
            "huber (delta=1)": lambda: F.huber_loss(T["y_pred"], T["y_true"], delta=1.0),
            "binary_cross_entropy": lambda: F.binary_cross_entropy(T["probs"], T["labels01"]),
            "binary_cross_entropy_with_logits":
                lambda: F.binary_cross_entropy_with_logits(T["logits1"], T["labels01"]),
            "cross_entropy (labels)": lambda: F.cross_entropy(T["logits"], T["classes"]),
            "cross_entropy (labels, smoothing 0.1)":
                lambda: F.cross_entropy(T["logits"], T["classes"], label_smoothing=0.1),
            "cross_entropy (probabilities)": lambda: F.cross_entropy(T["logits"], T["soft"]),
            "multiclass_hinge (Weston-Watkins)":
                lambda: F.multi_margin_loss(T["logits"], T["classes"]),
            "mse_grad": lambda: grad(lambda x: F.mse_loss(x, T["y_true"]), T["y_pred"]),
            "mae_grad": lambda: grad(lambda x: F.l1_loss(x, T["y_true"]), T["y_pred"]),
            "huber_grad": lambda: grad(lambda x: F.huber_loss(x, T["y_true"]), T["y_pred"]),
            "binary_cross_entropy_with_logits_grad": lambda: grad(
                lambda x: F.binary_cross_entropy_with_logits(x, T["labels01"]), T["logits1"]),
            "cross_entropy_grad (labels)":
                lambda: grad(lambda x: F.cross_entropy(x, T["classes"]), T["logits"]),
            "cross_entropy_grad (labels, smoothing 0.1)": lambda: grad(
                lambda x: F.cross_entropy(x, T["classes"], label_smoothing=0.1), T["logits"]),
            "hinge_grad": lambda: grad(
                lambda x: torch.clamp_min(1.0 - T["pm1"] * x, 0.0).mean(), T["logits1"]),
        }
        threads = torch.get_num_threads()

        def one_thread(f):
            def run():
                torch.set_num_threads(1)
                try:
                    return f()
                finally:
                    torch.set_num_threads(threads)
            return run

        for case in cases:
            if case.name in t:
                label = "torch autograd" if case.kind == "gradient" else "torch"
                labels = [label]
                case.libraries[label] = t[case.name]
                if threads > 1:
                    labels.append(f"{label}, 1 thread")
                    case.libraries[labels[-1]] = one_thread(t[case.name])
                if case.name.startswith("multiclass_hinge (Weston"):
                    for lab in labels:
                        case.convert[lab] = lambda v: v * C
    return cases


def _value(x):
    """A library's result as a float or a float64 array."""
    if hasattr(x, "detach"):
        x = x.detach().numpy()
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x


def relative_error(ours, theirs) -> float:
    """|ours - theirs| / |theirs| for scalars; max-norm relative for arrays."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if ours.shape != theirs.shape:
        return float("inf")
    scale = float(np.max(np.abs(theirs))) if theirs.size else 0.0
    diff = float(np.max(np.abs(ours - theirs))) if theirs.size else 0.0
    return diff / scale if scale else diff


def _time_round(funcs: dict[str, Callable], times: dict[str, list[float]]) -> None:
    for name, f in funcs.items():
        t0 = time.perf_counter()
        f()
        times[name].append(time.perf_counter() - t0)


def run(repeat: int = 15, seed: int = 0, log=print) -> dict:
    """Measure every case; return a dict for the report."""
    d = make_data(seed)
    cases = build_cases(d)
    torch = _torch()
    rows = []
    for case in cases:
        funcs = {"lossbook": case.ours, **case.libraries}
        if case.floor is not None:
            funcs["NumPy floor"] = case.floor
        ours = _value(case.ours())
        errors = {}
        for lib, f in case.libraries.items():
            theirs = _value(f())  # also the warm-up run
            theirs = case.convert.get(lib, lambda v: v)(theirs)
            errors[lib] = relative_error(ours, theirs)
        times = {k: [] for k in funcs}
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for _ in range(repeat):
                _time_round(funcs, times)
        finally:
            if gc_was_enabled:
                gc.enable()
        best = {k: min(v) for k, v in times.items()}
        median = {k: float(np.median(v)) for k, v in times.items()}
        fastest = min(case.libraries, key=lambda k: best[k]) if case.libraries else None
        ratio = best["lossbook"] / best[fastest] if fastest else None
        floor = best.get("NumPy floor")
        row = {
            "floor": floor,
            "floor_ratio": floor / best[fastest] if fastest and floor else None,
            "name": case.name, "kind": case.kind, "best": best, "median": median,
            "errors": errors, "fastest": fastest, "ratio": ratio,
            "ratio_ok": ratio is None or ratio <= LOSS_RATIO,
            "values_ok": all(e <= LOSS_RTOL for e in errors.values()),
        }
        rows.append(row)
        lib_text = ", ".join(f"{k} {best[k] * 1e3:.2f} ms" for k in case.libraries) or "no library"
        status = "" if row["ratio_ok"] and row["values_ok"] else "  OVER BUDGET"
        ratio_text = f"  ratio {ratio:.2f}" if ratio else ""
        log(f"  {case.name:44s} lossbook {best['lossbook'] * 1e3:7.2f} ms | {lib_text}{ratio_text}{status}")
    return {
        "rows": rows, "repeat": repeat, "n": N, "logits_shape": (N_ROWS, N_CLASSES),
        "torch": None if torch is None else torch.__version__,
        "torch_threads": None if torch is None else torch.get_num_threads(),
    }


def budget_failures(result: dict) -> list[str]:
    """One line per missed budget."""
    out = []
    for r in result["rows"]:
        if not r["ratio_ok"]:
            why = ""
            if r["floor_ratio"] and r["floor_ratio"] > LOSS_RATIO:
                why = (f"; a single NumPy pass over the inputs already takes "
                       f"{r['floor_ratio']:.2f}x, so no NumPy code can meet it")
            out.append(f"loss {r['name']}: {r['ratio']:.2f}x the fastest library "
                       f"({r['fastest']}), budget {LOSS_RATIO}x{why}")
        for lib, e in r["errors"].items():
            if e > LOSS_RTOL:
                out.append(f"loss {r['name']}: differs from {lib} by {e:.2g} relative, "
                           f"budget {LOSS_RTOL:g}")
    return out


def markdown(result: dict) -> str:
    """The Markdown table of the results."""
    lines = [
        f"Inputs: {result['n']:,} values (cross-entropy and multiclass hinge: "
        f"{result['logits_shape'][0]:,} x {result['logits_shape'][1]} logits), float64, seeded. "
        f"Best of {result['repeat']} interleaved runs (median in brackets). "
        + (f"PyTorch {result['torch']} on the CPU with {result['torch_threads']} threads."
           if result["torch"] else "PyTorch not installed: scikit-learn only."),
        "",
        "| Function | lossbook (ms) | Libraries (ms) | Ratio to fastest | NumPy floor (ms) "
        "| Max relative difference | Budget |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in result["rows"]:
        libs = "<br>".join(f"{k}: {r['best'][k] * 1e3:.2f} ({r['median'][k] * 1e3:.2f})"
                           for k in r["errors"]) or "none to compare with"
        err = max(r["errors"].values()) if r["errors"] else None
        ok = r["ratio_ok"] and r["values_ok"]
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        err_text = "" if err is None else f"{err:.1e}"
        ours = f"{r['best']['lossbook'] * 1e3:.2f} ({r['median']['lossbook'] * 1e3:.2f})"
        floor = "" if r["floor"] is None else f"{r['floor'] * 1e3:.2f}"
        if r["floor_ratio"] and r["floor_ratio"] > LOSS_RATIO:
            floor += f" ({r['floor_ratio']:.1f}x)"
        lines.append(f"| `{r['name']}` | {ours} | {libs} | {ratio} | {floor} | {err_text} "
                     f"| {'ok' if ok else '**OVER BUDGET**'} |")
    return "\n".join(lines)

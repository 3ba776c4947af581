r"""Figures of chapter 12, *Training a small neural network* (``chapters/12_neural_network.ipynb``).

* :func:`draw_graph`: the computation graph of the one-hidden-layer network,
  the forward pass left to right and the gradients of backpropagation right
  to left.
* :class:`CapacityDemo`: the explorable figure on the diabetes task, over the
  number of hidden units and the epoch. Every training run is computed once,
  when the demo is made, and cached; ``draw`` only draws.
* :class:`PairingRuns`: the digits network trained with the matched pairing
  (softmax with cross-entropy) and the mismatched one (softmax with a squared
  error), and :meth:`PairingRuns.draw` the validation accuracy of each.
* :func:`draw_curves`: training and validation curves of one run, with the
  epoch early stopping restores.

Examples
--------
>>> demo = CapacityDemo(hidden_units=(2, 16), epochs=(1, 30))
>>> train, val = demo.losses(16, 30)
>>> bool(0 < train < 1 and 0 < val < 1.2)
True
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..diagnostics import early_stopping_epoch
from ..network import NetworkHistory, load_task, train
from ..plotting import COLORS, LINESTYLES
from ._backdrop import Backdrop

__all__ = [
    "DIABETES",
    "DIGITS",
    "HIDDEN_UNITS",
    "EPOCHS",
    "PATIENCE",
    "draw_graph",
    "draw_curves",
    "CapacityDemo",
    "diabetes_run",
    "write_cache",
    "PairingRuns",
]

#: Training settings of the diabetes network (tanh hidden layer, identity output, MSE).
DIABETES = dict(activation="tanh", output="identity", loss="mse", lr=0.05, num_epochs=300,
                batch_size=25, seed=0)
#: Training settings of the digits network (tanh hidden layer, softmax output).
DIGITS = dict(n_hidden=32, activation="tanh", output="softmax", num_epochs=40, batch_size=50,
              seed=0)
#: Slider values of the capacity explorer.
HIDDEN_UNITS = (2, 4, 8, 16, 32, 64)
EPOCHS = (1, 3, 10, 30, 100, 300)
#: The patience of early stopping on the diabetes task.
PATIENCE = 20


# --------------------------------------------------------------------------
# The computation graph
# --------------------------------------------------------------------------

_NODES = {  # name: (x, y, label)
    "X": (0.06, 0.62, "$X$"),
    "Z1": (0.28, 0.62, "$Z_1 = XW_1 + b_1$"),
    "H": (0.49, 0.62, "$H = \\tanh(Z_1)$"),
    "Z2": (0.70, 0.62, "$Z_2 = HW_2 + b_2$"),
    "L": (0.92, 0.62, "$L$"),
    "P1": (0.28, 0.92, "$W_1,\\ b_1$"),
    "P2": (0.70, 0.92, "$W_2,\\ b_2$"),
    "Y": (0.92, 0.92, "targets $y$"),
}
_FORWARD = [("X", "Z1"), ("Z1", "H"), ("H", "Z2"), ("Z2", "L"), ("P1", "Z1"), ("P2", "Z2"),
            ("Y", "L")]
_BACKWARD = [  # (from, to, label)
    ("L", "Z2", "$G_2 = \\partial L/\\partial Z_2$"),
    ("Z2", "H", "$\\partial L/\\partial H = G_2 W_2^\\top$"),
    ("H", "Z1", "$G_1 = \\partial L/\\partial H \\odot (1 - H^2)$"),
]


def draw_graph(fig) -> None:
    """The network as a computation graph: forward arrows (solid) and backward ones (dashed).

    Below the graph, the gradients of the parameters that backpropagation
    reads off the backward arrows.
    """
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    for name, (x, y, label) in _NODES.items():
        param = name in ("P1", "P2", "Y")
        ax.text(x, y, label, ha="center", va="center", fontsize=10,
                bbox=dict(boxstyle="round,pad=0.4", fc="#f2f2f2" if param else "white",
                          ec=COLORS["data"], lw=1.0))
    for a, b in _FORWARD:
        (xa, ya, _), (xb, yb, _) = _NODES[a], _NODES[b]
        vertical = xa == xb
        start = (xa, ya - 0.06) if vertical else (xa + 0.075, ya)
        end = (xb, yb + 0.06) if vertical else (xb - 0.085, yb)
        if a == "X" or b == "L":
            start = (xa + 0.03, ya) if a == "X" else start
            end = (xb - 0.03, yb) if b == "L" and not vertical else end
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                     color=COLORS["truth"], lw=1.2))
    for k, (a, b, label) in enumerate(_BACKWARD):
        (xa, ya, _), (xb, yb, _) = _NODES[a], _NODES[b]
        y = ya - 0.17
        start = (xa - 0.02, y)
        end = (xb + 0.02, y)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                     color=COLORS["highlight"], lw=1.4, ls="--"))
        ax.text((start[0] + end[0]) / 2, y - 0.07, label, ha="center", va="center", fontsize=9,
                color="#8a5a00")
    ax.text(0.5, 0.14,
            "$\\partial L/\\partial W_2 = H^\\top G_2$,   $\\partial L/\\partial b_2$ = column sums "
            "of $G_2$,   $\\partial L/\\partial W_1 = X^\\top G_1$,   $\\partial L/\\partial b_1$ = "
            "column sums of $G_1$", ha="center", va="center", fontsize=9)
    ax.text(0.02, 0.03, "solid: forward pass     dashed: backpropagation (gradients flow right "
            "to left)", fontsize=8, color=COLORS["data"])


# --------------------------------------------------------------------------
# Curves of one run
# --------------------------------------------------------------------------


def draw_curves(fig, history: NetworkHistory, patience: int, ylabel: str = "loss",
                ylim=None) -> tuple:
    """Training and validation loss per epoch, and the epochs early stopping picks.

    Returns ``(stop, best)`` as 1-based epochs (``stop`` is the last epoch run).
    """
    stop, best = early_stopping_epoch(history.val_loss, patience)
    n = len(history.val_loss)
    last = n if stop is None else stop + 1
    epochs = np.arange(1, n + 1)
    ax = fig.add_subplot()
    ax.plot(epochs, history.train_loss, color=COLORS["train"], ls=LINESTYLES["train"],
            label="training")
    ax.plot(epochs, history.val_loss, color=COLORS["validation"], ls=LINESTYLES["validation"],
            label="validation")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.axvspan(last + 0.5, n + 0.5, color="#888888", alpha=0.25, lw=0,
               label="not run (stopped early)")
    ax.plot([best + 1], [history.val_loss[best]], "o", color=COLORS["highlight"],
            label=f"restored: epoch {best + 1}")
    ax.set_xlim(0, n + 1)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="upper right")
    return last, best + 1


# --------------------------------------------------------------------------
# The capacity explorer (diabetes)
# --------------------------------------------------------------------------

CACHE = Path(__file__).with_name("neural_network_runs.json")


def diabetes_run(n_hidden: int, epochs=EPOCHS, data=None) -> dict:
    """One diabetes network trained with :data:`DIABETES`: its curves, and its validation
    predictions after each epoch of ``epochs`` (1-based), as arrays."""
    d = load_task("diabetes") if data is None else data
    hist = train(d["X_train"], d["y_train"], d["X_val"], d["y_val"], n_hidden=n_hidden,
                 keep_params=True, **DIABETES)
    return {"train_loss": hist.train_loss, "val_loss": hist.val_loss,
            "predictions": {int(e): hist.predict(d["X_val"], int(e)) for e in epochs}}


def write_cache(path=CACHE) -> None:
    """Train the explorer's networks and store their results (run after changing a setting)."""
    runs = {}
    for h in HIDDEN_UNITS:
        run = diabetes_run(h)
        runs[str(h)] = {"train_loss": run["train_loss"].tolist(),
                        "val_loss": run["val_loss"].tolist(),
                        "predictions": {str(e): p.tolist() for e, p in run["predictions"].items()}}
    Path(path).write_text(json.dumps({"settings": DIABETES, "runs": runs}) + "\n")


def _read_cache() -> dict:
    """The stored runs, by hidden units; empty if missing or made with other settings."""
    try:
        stored = json.loads(CACHE.read_text())
    except (OSError, ValueError):
        return {}
    if stored.get("settings") != DIABETES:
        return {}
    return {int(h): {"train_loss": np.array(r["train_loss"]), "val_loss": np.array(r["val_loss"]),
                     "predictions": {int(e): np.array(p) for e, p in r["predictions"].items()}}
            for h, r in stored["runs"].items()}


class CapacityDemo:
    """The explorable figure: hidden units and epochs on the diabetes task.

    For every number of hidden units one network is trained with
    :data:`DIABETES` (the same seed, so the same order of mini-batches), and
    its losses after every epoch and its validation predictions after each
    epoch of ``epochs`` are kept. Left: the training and validation MSE of the
    whole run (standardised units; 1 is the spread of the target), with the
    chosen epoch marked. Right: each validation patient's predicted against
    actual value at that epoch.

    Training the six networks takes a few seconds, so their results for the
    default sliders are stored in ``neural_network_runs.json`` next to this
    module (written by :func:`write_cache`, checked against fresh runs by the
    tests); ``cached=False``, other slider values or other ``data`` train
    afresh.

    Examples
    --------
    >>> demo = CapacityDemo(hidden_units=(2, 8), epochs=(1, 10))
    >>> demo.explorer().params
    {'hidden_units': [2, 8], 'epoch': [1, 10]}
    """

    YLIM = (0.0, 1.2)
    LIM = (-2.5, 3.0)

    def __init__(self, hidden_units=HIDDEN_UNITS, epochs=EPOCHS, data=None, cached=True):
        self.hidden_units = tuple(int(h) for h in hidden_units)
        self.epochs = tuple(int(e) for e in epochs)
        if len(self.hidden_units) < 2 or len(self.epochs) < 2:
            raise ValueError("give at least two hidden-unit counts and two epochs for the sliders.")
        if min(self.epochs) < 1 or max(self.epochs) > DIABETES["num_epochs"]:
            raise ValueError(f"epochs must lie between 1 and {DIABETES['num_epochs']}; "
                             f"got {self.epochs}.")
        self.data = load_task("diabetes") if data is None else data
        self.runs, self._pred = {}, {}
        stored = _read_cache() if cached and data is None else {}
        for h in self.hidden_units:
            run = stored.get(h)
            if run is None or not all(e in run["predictions"] for e in self.epochs):
                run = diabetes_run(h, self.epochs, self.data)
            self.runs[h] = NetworkHistory(run["train_loss"], run["val_loss"], settings=DIABETES)
            for e in self.epochs:
                self._pred[h, e] = run["predictions"][e]
        self._backdrop = Backdrop(self._draw_static)

    def _check(self, hidden_units, epoch):
        if (int(hidden_units), int(epoch)) not in self._pred:
            raise ValueError(f"hidden_units={hidden_units}, epoch={epoch} was not precomputed; "
                             f"choose from {self.hidden_units} and {self.epochs}.")
        return int(hidden_units), int(epoch)

    def losses(self, hidden_units: int, epoch: int) -> tuple[float, float]:
        """Training and validation MSE after ``epoch`` (1-based)."""
        h, e = self._check(hidden_units, epoch)
        run = self.runs[h]
        return float(run.train_loss[e - 1]), float(run.val_loss[e - 1])

    def stopping(self, hidden_units: int) -> tuple[int, int]:
        """``(stop, best)``, 1-based, of early stopping with :data:`PATIENCE`."""
        run = self.runs[int(hidden_units)]
        stop, best = early_stopping_epoch(run.val_loss, PATIENCE)
        return (len(run.val_loss) if stop is None else stop + 1), best + 1

    def describe(self, hidden_units: int, epoch: int) -> str:
        """Alt text of the frame."""
        train_loss, val_loss = self.losses(hidden_units, epoch)
        stop, best = self.stopping(hidden_units)
        run = self.runs[int(hidden_units)]
        return (f"A network with {hidden_units} tanh hidden units on the diabetes data. Left: "
                f"training and validation MSE over 300 epochs; after epoch {epoch} the training "
                f"MSE is {train_loss:.3f} and the validation MSE {val_loss:.3f}. The lowest "
                f"validation MSE, {run.val_loss[best - 1]:.3f}, is at epoch {best}. Right: "
                f"predicted against actual disease progression of the 92 validation patients "
                f"at epoch {epoch}, in standard deviations.")

    def _draw_static(self, fig, h):
        ax1, ax2 = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.86, wspace=0.3)
        run = self.runs[h]
        epochs = np.arange(1, len(run.val_loss) + 1)
        ax1.plot(epochs, run.train_loss, color=COLORS["train"], ls=LINESTYLES["train"],
                 label="training")
        ax1.plot(epochs, run.val_loss, color=COLORS["validation"], ls=LINESTYLES["validation"],
                 label="validation")
        ax1.set_xscale("log")
        ax1.set_xlim(0.8, epochs[-1] * 1.2)
        ax1.set_ylim(*self.YLIM)
        ax1.set_xlabel("epoch")
        ax1.set_ylabel("MSE (standardised)")
        ax1.set_title(f"{h} hidden units", fontsize=10)
        ax1.legend(fontsize=8, loc="lower left")
        lo, hi = self.LIM
        ax2.plot([lo, hi], [lo, hi], color=COLORS["truth"], lw=1, ls=":")
        ax2.set_xlim(lo, hi)
        ax2.set_ylim(lo, hi)
        ax2.set_xlabel("actual (standardised)")
        ax2.set_ylabel("predicted")
        ax2.set_title("validation patients", fontsize=10)
        return [ax1, ax2]

    def draw(self, fig, hidden_units: int, epoch: int) -> None:
        """Draw the frame for ``hidden_units`` and ``epoch`` on an empty ``fig``."""
        h, e = self._check(hidden_units, epoch)
        left, right = self._backdrop.paste(fig, key=h)
        train_loss, val_loss = self.losses(h, e)
        left.line([e, e], list(self.YLIM), color=COLORS["data"], lw=1, ls="--")
        left.line([e, e], [train_loss, val_loss], ls="none", marker="o", color=COLORS["highlight"],
                  markersize=6)
        left.text(1.0, 1.08, f"epoch {e}: training {train_loss:.3f}, validation {val_loss:.3f}",
                  fontsize=8)
        right.line(self.data["y_val"], self._pred[h, e], ls="none", marker="o",
                   markersize=3, color=COLORS["mse"], alpha=0.7)

    def explorer(self):
        from ..explore import Explorer

        return Explorer(self.draw, {"hidden_units": list(self.hidden_units),
                                    "epoch": list(self.epochs)},
                        title="Hidden units and epochs: the diabetes network",
                        alt=self.describe,
                        labels={"hidden_units": "hidden units", "epoch": "epoch"})


# --------------------------------------------------------------------------
# Matched and mismatched pairings (digits)
# --------------------------------------------------------------------------


class PairingRuns:
    """The digits network trained with softmax + cross-entropy and with softmax + MSE.

    Runs ``(loss, lr)`` for each of ``runs``, the same initial weights and
    mini-batches (:data:`DIGITS`), and keeps the validation accuracy after
    every epoch.

    Examples
    --------
    >>> runs = PairingRuns(runs=(("cross_entropy", 1.0),), num_epochs=3)
    >>> runs.accuracy["cross_entropy", 1.0].shape
    (3,)
    """

    def __init__(self, runs=(("cross_entropy", 1.0), ("mse", 1.0), ("mse", 3.0)),
                 num_epochs: int = DIGITS["num_epochs"], data=None):
        self.data = load_task("digits") if data is None else data
        d = self.data
        settings = {**DIGITS, "num_epochs": num_epochs}
        self.histories, self.accuracy = {}, {}
        for loss, lr in runs:
            hist = train(d["X_train"], d["y_train"], d["X_val"], d["y_val"], loss=loss, lr=lr,
                         keep_params=True, **settings)
            self.histories[loss, lr] = hist
            self.accuracy[loss, lr] = np.array([
                np.mean(hist.predict(d["X_val"], e).argmax(axis=1) == d["y_val"])
                for e in range(1, num_epochs + 1)])

    def first_epoch(self, loss: str, lr: float, level: float = 0.9):
        """The first epoch (1-based) with validation accuracy >= ``level``, or None."""
        reached = self.accuracy[loss, lr] >= level
        return int(np.argmax(reached)) + 1 if reached.any() else None

    def draw(self, fig) -> None:
        ax = fig.add_subplot()
        styles = {("cross_entropy", 1.0): (COLORS["cross_entropy"], "-"),
                  ("mse", 1.0): (COLORS["mse"], "--"), ("mse", 3.0): (COLORS["mse"], ":")}
        for (loss, lr), acc in self.accuracy.items():
            color, ls = styles.get((loss, lr), (COLORS["data"], "-."))
            name = "cross-entropy" if loss == "cross_entropy" else "squared error"
            ax.plot(np.arange(1, len(acc) + 1), acc, color=color, ls=ls,
                    label=f"softmax + {name}, lr {lr:g}")
        ax.axhline(0.9, color=COLORS["data"], lw=0.8, ls=":")
        ax.set_ylim(0, 1)
        ax.set_xlabel("epoch")
        ax.set_ylabel("validation accuracy")
        ax.legend(fontsize=8, loc="lower right")

"""Figures of chapter 11, *Probabilities you can trust* (``chapters/11_calibration.ipynb``).

* :func:`expected_scores` and :func:`draw_properness`: the expected log loss,
  Brier score and error rate of a forecast ``q`` when the event has
  probability ``p``; the first two are lowest at ``q = p`` (strictly proper),
  the error rate is flat on each side of 0.5.
* :class:`OverfitClassifier`: the chapter's seeded logistic regression with
  20 features and 100 training samples, trained by gradient descent for long
  enough to become overconfident, with validation and test sets.
* :func:`draw_reliability`: reliability diagrams (observed frequency against
  predicted probability, with the counts per bin) of several sets of
  probabilities side by side.
* :func:`draw_training`: log loss, error rate and expected calibration error
  of the classifier against the epoch.
* :class:`TemperatureDemo`: the explorer over the temperature. Every
  temperature's calibration curve and losses are computed once; a slider move
  only redraws.

Examples
--------
>>> model = OverfitClassifier()
>>> T = model.temperature
>>> bool(T > 1)     # trained long, the model is overconfident: T > 1 softens it
True
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from matplotlib.patches import Rectangle

from .. import losses
from .._validation import check_positive
from ..diagnostics import calibration_curve, expected_calibration_error, fit_temperature
from ..explore import Explorer
from ..models import train_gd
from ..plotting import COLORS, LINESTYLES
from ._backdrop import Backdrop

__all__ = ["TEMPERATURES", "OverfitClassifier", "TemperatureDemo", "draw_properness",
           "draw_reliability", "draw_training", "expected_scores"]

#: The temperatures of the explorer's slider (the fitted one is added to them).
TEMPERATURES = (0.5, 0.7, 1.0, 1.3, 1.6, 2.0, 3.0, 4.0, 6.0)


def expected_scores(p: float, q):
    """Expected log loss, Brier score and error rate of the forecast ``q`` of an event of probability ``p``.

    The label is 1 with probability ``p``. The error rate counts a mistake
    when the thresholded forecast (``q > 0.5`` means "1") differs from the
    label; at ``q = 0.5`` it predicts 0, as ``q > 0.5`` is false.

    Returns
    -------
    dict of str to ndarray
        ``"log loss"``, ``"Brier score"`` and ``"error rate"``, each of ``q``'s shape.

    Examples
    --------
    >>> s = expected_scores(0.7, [0.7, 0.9])
    >>> s["Brier score"].round(4).tolist(), s["error rate"].round(4).tolist()
    ([0.21, 0.25], [0.3, 0.3])
    """
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability in [0, 1]; got {p}.")
    q = np.asarray(q, dtype=float)
    if np.any((q <= 0) | (q >= 1)):
        raise ValueError("q must lie strictly between 0 and 1 (the log loss of 0 or 1 can be infinite).")
    return {
        "log loss": -(p * np.log(q) + (1 - p) * np.log1p(-q)),
        "Brier score": p * (1 - q) ** 2 + (1 - p) * q**2,
        "error rate": np.where(q > 0.5, 1 - p, p),
    }


def draw_properness(fig, p: float = 0.7):
    """Three panels: the expected log loss, Brier score and error rate against the forecast ``q``.

    The true probability ``p`` is marked; the first two curves have their
    single minimum there, the error rate is the same for every ``q > 0.5``.

    Returns
    -------
    list of matplotlib.axes.Axes
    """
    q = np.linspace(0.01, 0.99, 197)
    scores = expected_scores(p, q)
    axes = fig.subplots(1, 3, sharex=True)
    styles = {"log loss": ("cross_entropy", "-"), "Brier score": ("mse", "--"),
              "error rate": ("hinge", "-.")}
    for ax, (name, values) in zip(axes, scores.items()):
        colour, ls = styles[name]
        ax.plot(q, values, color=COLORS[colour], ls=ls, lw=2)
        ax.axvline(p, color=COLORS["truth"], lw=0.8, ls=":")
        if name != "error rate":  # the error rate has no single lowest point
            best = q[np.argmin(values)]
            ax.plot([best], [values.min()], "o", color=COLORS["truth"], ms=5)
        ax.set_title(f"expected {name}", fontsize=10)
        ax.set_xlabel("forecast q")
    axes[0].set_ylim(0.5, 1.6)
    axes[2].set_ylim(0, 0.8)
    axes[2].text(0.75, 0.45, "lowest, and flat,\nfor every q > 0.5", ha="center", fontsize=8,
                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    axes[0].set_ylabel(f"expected score when p = {p:g}")
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.17, top=0.88, wspace=0.35)
    return list(axes)


class OverfitClassifier:
    """The chapter's classifier: logistic regression that overfits and becomes overconfident.

    Samples have 20 standard normal features; only the first four matter,
    and the label is 1 with probability ``sigmoid(1.5 x1 - x2 + 0.8 x3 + 0.5 x4)``.
    A logistic regression on all 20 features is trained by full-batch
    gradient descent on the binary cross-entropy (learning rate 0.5, no
    penalty) on 100 samples, for ``num_epochs`` epochs; 500 validation and
    5000 test samples come from the same source.

    Attributes
    ----------
    X_train, y_train, X_val, y_val, X_test, y_test : ndarray
    p_test : ndarray
        The true probabilities of label 1 of the test samples.
    history : lossbook.models.History
        Weights and losses after every epoch.
    """

    TRUE_WEIGHTS = np.array([1.5, -1.0, 0.8, 0.5] + [0.0] * 16)

    def __init__(self, num_epochs: int = 1000, seed: int = 0):
        if isinstance(num_epochs, bool) or int(num_epochs) != num_epochs or num_epochs < 1:
            raise ValueError(f"num_epochs must be a whole number >= 1; got {num_epochs!r}.")
        rng = np.random.default_rng(seed)

        def draw(n):
            X = rng.normal(size=(n, self.TRUE_WEIGHTS.size))
            p = losses.sigmoid(X @ self.TRUE_WEIGHTS)
            return X, (rng.uniform(size=n) < p).astype(float), p

        self.X_train, self.y_train, _ = draw(100)
        self.X_val, self.y_val, _ = draw(500)
        self.X_test, self.y_test, self.p_test = draw(5000)
        self.history = train_gd(self.X_train, self.y_train, loss="bce", lr=0.5,
                                num_epochs=int(num_epochs))

    def logits(self, which: str = "test", epoch: int | None = None) -> np.ndarray:
        """Logits of the ``"train"``, ``"val"`` or ``"test"`` samples after ``epoch`` (1-based; default the last)."""
        sets = {"train": self.X_train, "val": self.X_val, "test": self.X_test}
        if which not in sets:
            raise ValueError(f"which must be 'train', 'val' or 'test'; got {which!r}.")
        epoch = self.history.num_epochs if epoch is None else int(epoch)
        if not 1 <= epoch <= self.history.num_epochs:
            raise ValueError(f"epoch must lie in 1..{self.history.num_epochs}; got {epoch}.")
        return sets[which] @ self.history.weights[epoch - 1] + self.history.biases[epoch - 1]

    @cached_property
    def temperature(self) -> float:
        """The temperature fitted on the validation set after the last epoch."""
        return fit_temperature(self.logits("val"), self.y_val)

    def curves(self, epochs=None, n_bins: int = 10) -> dict:
        """Log loss, error rate and ECE of the validation set, and the training log loss, at ``epochs``."""
        if epochs is None:
            epochs = np.unique(np.geomspace(1, self.history.num_epochs, 40).round().astype(int))
        out = {"epoch": np.asarray(epochs), "train log loss": [], "val log loss": [],
               "val error rate": [], "val ECE": []}
        for e in out["epoch"]:
            z = self.logits("val", e)
            out["train log loss"].append(self.history.train_loss[e - 1])
            out["val log loss"].append(losses.binary_cross_entropy_with_logits(self.y_val, z))
            out["val error rate"].append(float(np.mean((z > 0) != (self.y_val == 1))))
            out["val ECE"].append(expected_calibration_error(self.y_val, losses.sigmoid(z), n_bins))
        return {k: np.asarray(v, dtype=float) if k != "epoch" else v for k, v in out.items()}


def _reliability_static(ax, n_bins: int):
    ax.plot([0, 1], [0, 1], color=COLORS["truth"], lw=0.8, ls=":")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_aspect("equal")
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency of 1")


def _reliability_points(y_true, probs, n_bins):
    prob_true, prob_pred = calibration_curve(y_true, probs, n_bins)
    ids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], probs)
    counts = np.bincount(ids, minlength=n_bins)
    return prob_true, prob_pred, counts


def draw_reliability(fig, panels, n_bins: int = 10):
    """Reliability diagrams side by side.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    panels : sequence of (title, y_true, probs)
        One diagram each: the calibration curve (dots joined by a line) over
        the diagonal, with bars showing the share of samples in each bin.
    n_bins : int

    Returns
    -------
    list of matplotlib.axes.Axes
    """
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    width = 1.0 / n_bins
    for ax, (title, y_true, probs) in zip(axes, panels):
        _reliability_static(ax, n_bins)
        prob_true, prob_pred, counts = _reliability_points(y_true, probs, n_bins)
        share = counts / counts.sum()
        ax.bar(np.arange(n_bins) * width, share, width=width, align="edge",
               color=COLORS["data"], alpha=0.25, lw=0, label="share of samples")
        ax.plot(prob_pred, prob_true, "o-", color=COLORS["cross_entropy"], ms=4, lw=1.5,
                label="observed")
        ece = expected_calibration_error(y_true, probs, n_bins)
        ax.set_title(f"{title}\nECE {ece:.3f}", fontsize=10)
    axes[0].legend(loc="upper left", fontsize=8)
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.85, wspace=0.3)
    return list(axes)


def draw_training(fig, curves: dict):
    """Two panels against the epoch (log scale): log losses; error rate and ECE of the validation set."""
    ax, ax2 = fig.subplots(1, 2)
    e = curves["epoch"]
    ax.plot(e, curves["train log loss"], color=COLORS["train"], ls=LINESTYLES["train"],
            label="training log loss")
    ax.plot(e, curves["val log loss"], color=COLORS["validation"], ls=LINESTYLES["validation"],
            label="validation log loss")
    ax2.plot(e, curves["val error rate"], color=COLORS["hinge"], ls="-.", label="validation error rate")
    ax2.plot(e, curves["val ECE"], color=COLORS["cross_entropy"], ls="-", label="validation ECE")
    for a in (ax, ax2):
        a.set_xscale("log")
        a.set_xlabel("epoch (log scale)")
        a.legend(fontsize=8, loc="upper left")
    ax.set_ylim(0, 0.9)
    ax2.set_ylim(0, 0.45)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.95, wspace=0.25)
    return [ax, ax2]


class TemperatureDemo:
    """The explorer over the temperature: the test set's reliability diagram and log losses as ``T`` moves.

    Parameters
    ----------
    model : OverfitClassifier, optional
        Default: the chapter's (trained for 1000 epochs).
    temperatures : sequence of float > 0
        Slider values; the temperature fitted on the validation set is added.
    n_bins : int
    """

    def __init__(self, model: OverfitClassifier | None = None, temperatures=TEMPERATURES,
                 n_bins: int = 10):
        self.model = model if model is not None else OverfitClassifier()
        self.n_bins = int(n_bins)
        self.fitted = round(self.model.temperature, 2)
        self.temperatures = sorted({check_positive(t, "temperature") for t in temperatures}
                                   | {self.fitted})
        self.z_val, self.z_test = self.model.logits("val"), self.model.logits("test")
        self.y_val, self.y_test = self.model.y_val, self.model.y_test
        self.grid = np.geomspace(min(self.temperatures) * 0.9, max(self.temperatures) * 1.1, 120)
        self.grid_val = np.array([self._nll(self.y_val, self.z_val, t) for t in self.grid])
        self.grid_test = np.array([self._nll(self.y_test, self.z_test, t) for t in self.grid])
        self.frames = {t: self._frame(t) for t in self.temperatures}
        self._backdrop = Backdrop(self._draw_static)

    @staticmethod
    def _nll(y, z, t):
        return losses.binary_cross_entropy_with_logits(y, z / t)

    def _frame(self, t):
        probs = losses.sigmoid(self.z_test / t)
        prob_true, prob_pred, counts = _reliability_points(self.y_test, probs, self.n_bins)
        return {"prob_true": prob_true, "prob_pred": prob_pred, "share": counts / counts.sum(),
                "ece": expected_calibration_error(self.y_test, probs, self.n_bins),
                "val": self._nll(self.y_val, self.z_val, t),
                "test": self._nll(self.y_test, self.z_test, t),
                "error": float(np.mean((self.z_test > 0) != (self.y_test == 1)))}

    def frame(self, temperature: float) -> dict:
        """The precomputed numbers of the frame for ``temperature``."""
        try:
            return self.frames[temperature]
        except KeyError:
            raise ValueError(f"temperature {temperature!r} was not precomputed; use one of "
                             f"{self.temperatures}.") from None

    def _draw_static(self, fig, key=None):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.2]})
        fig.subplots_adjust(left=0.09, right=0.97, bottom=0.16, top=0.86, wspace=0.35)
        _reliability_static(ax, self.n_bins)
        ax2.plot(self.grid, self.grid_val, color=COLORS["validation"], ls=LINESTYLES["validation"],
                 label="validation (fits T)")
        ax2.plot(self.grid, self.grid_test, color=COLORS["train"], ls="-", label="test")
        ax2.axvline(self.fitted, color=COLORS["truth"], lw=0.8, ls=":")
        ax2.set_xscale("log")
        ticks = [0.5, 1, 2, 4]
        ax2.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax2.minorticks_off()
        ax2.set_xlim(self.grid[0], self.grid[-1])
        top = max(self.grid_val.max(), self.grid_test.max())
        ax2.set_ylim(0.45, min(top, 1.2) * 1.05)
        ax2.set_xlabel("temperature T (log scale)")
        ax2.set_ylabel("log loss of logits / T")
        ax2.legend(fontsize=8, loc="upper right")
        return [ax, ax2]

    def draw(self, fig, temperature: float):
        """Left: the test set's reliability diagram at ``temperature``; right: the log losses against T."""
        f = self.frame(temperature)
        left, right = self._backdrop.paste(fig)
        width = 1.0 / self.n_bins
        for k, share in enumerate(f["share"]):
            if share > 0:
                left.patch(Rectangle((k * width, 0), width, share, color=COLORS["data"], alpha=0.25,
                                     lw=0, zorder=1))
        left.line(f["prob_pred"], f["prob_true"], color=COLORS["cross_entropy"], marker="o", ms=4,
                  lw=1.5, zorder=3)
        fig.text(*left.fraction(0.5, 1.03), f"T = {temperature:g}: test ECE {f['ece']:.3f}",
                 ha="center", va="bottom", fontsize=10)
        right.line([temperature], [f["val"]], ls="none", marker="o", ms=6,
                   color=COLORS["validation"], mec=COLORS["truth"], zorder=4)
        right.line([temperature], [f["test"]], ls="none", marker="s", ms=6,
                   color=COLORS["train"], mec=COLORS["truth"], zorder=4)
        fig.text(*right.fraction(0.5, 1.03), f"test log loss {f['test']:.3f}, error rate "
                 f"{f['error']:.3f}", ha="center", va="bottom", fontsize=10)

    def alt(self, temperature: float) -> str:
        """Alt text of the frame for ``temperature``."""
        f = self.frame(temperature)
        over = np.mean(f["prob_true"][f["prob_pred"] > 0.5] < f["prob_pred"][f["prob_pred"] > 0.5])
        shape = ("mostly below the diagonal on the right half: overconfident" if over > 0.5 else
                 "mostly above the diagonal on the right half: underconfident")
        return (f"Left: reliability diagram of the 5000 test samples with the logits divided by "
                f"T = {temperature:g}; the curve of observed frequency against predicted "
                f"probability lies {shape}; the expected calibration error is {f['ece']:.3f}. "
                f"Right: the log loss of the validation and test sets against T on a log scale, "
                f"lowest near the fitted T = {self.fitted:g}; at this T the test log loss is "
                f"{f['test']:.3f} and the error rate stays {f['error']:.3f}.")

    def explorer(self) -> Explorer:
        """The chapter's explorer, starting at T = 1 (the model as trained)."""
        ex = Explorer(self.draw, {"temperature": self.temperatures},
                      title="Temperature scaling of an overconfident classifier",
                      alt=self.alt, labels={"temperature": "temperature T"},
                      initial={"temperature": 1.0})
        ex.demo = self
        return ex

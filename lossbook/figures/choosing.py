r"""Figures of chapter 8, *Choosing a loss* (``chapters/08_choosing_a_loss.ipynb``).

Data:

* :func:`two_blobs`: two overlapping Gaussian classes in the plane.
* :func:`blobs_with_far_cluster`: the same task plus a cluster of easy,
  correctly placed class-1 points far from the boundary.
* :func:`claim_costs`: skewed, heavy-tailed costs (log-normal), whose rare
  large values are real.

Figures and explorers:

* :func:`draw_pairings`: the loss of each output-activation and loss pairing
  against the raw model output, for a target of 1.
* :func:`draw_logit_gradients`: the gradients of binary cross-entropy and of
  the squared error on a sigmoid output, against the logit.
* :class:`WrongStartDemo`: logistic regression trained with each of the two
  losses from the same confidently wrong start; the explorer moves how wrong
  the start is and the epoch.
* :class:`FarClusterDemo`: least squares on 0/1 labels against logistic
  regression as a cluster of easy points moves away.
* :func:`draw_outlier_fits`: a squared error dominated by mis-recorded targets,
  and an absolute error that ignores the real large costs.

Every run is computed when a demo is made; ``draw`` only draws, over axes
drawn once (:class:`lossbook.figures._backdrop.Backdrop`).

Examples
--------
>>> X, labels = two_blobs()
>>> X.shape, sorted(set(labels.tolist()))
((200, 2), [0.0, 1.0])
>>> demo = WrongStartDemo(starts=(0.0, 2.0), num_epochs=20)
>>> demo.epochs_to_accuracy(2.0, "bce"), demo.epochs_to_accuracy(2.0, "sigmoid_mse")
(3, 11)
"""

from __future__ import annotations

import numpy as np

from ..losses import binary_cross_entropy_with_logits, sigmoid
from ..models import fit_ridge, train_gd
from ..plotting import COLORS, LINESTYLES, OKABE_ITO
from .._validation import check_count
from ._backdrop import Backdrop

__all__ = [
    "two_blobs",
    "blobs_with_far_cluster",
    "claim_costs",
    "pairing_losses",
    "draw_pairings",
    "logit_gradients",
    "draw_logit_gradients",
    "WrongStartDemo",
    "STARTS",
    "EPOCHS",
    "FarClusterDemo",
    "DISTANCES",
    "draw_outlier_fits",
]

#: How confidently wrong the start is: the median absolute logit of the
#: training samples at epoch 0, all on the wrong side.
STARTS = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)
#: Epochs the wrong-start explorer can show.
EPOCHS = (1, 3, 10, 30, 100, 300, 1000)
#: Distances of the far cluster in the least-squares explorer.
DISTANCES = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)

_CLASS_COLORS = (OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"])
_CLASS_MARKERS = ("o", "^")
_PAIR_STYLE = {
    "bce": (COLORS["cross_entropy"], LINESTYLES["cross_entropy"], "sigmoid + cross-entropy"),
    "sigmoid_mse": (COLORS["mse"], "--", "sigmoid + squared error"),
    "hinge": (COLORS["hinge"], LINESTYLES["hinge"], "raw score + hinge"),
    "raw_mse": (OKABE_ITO["bluish_green"], ":", "raw score + squared error"),
}


def _check_nonnegative(value, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a number >= 0; got {value}.")
    return value


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def two_blobs(n: int = 200, spread: float = 1.0, seed: int = 0):
    r"""Two overlapping classes in the plane, half of the samples each.

    Class 0 is drawn from a Gaussian centred at :math:`(-1, -1)`, class 1 at
    :math:`(1, 1)`, both with standard deviation ``spread`` in each
    direction; the classes alternate (sample ``i`` has class ``i % 2``). The
    best linear boundary is the line :math:`x_1 + x_2 = 0`, and about 8 % of
    the samples lie on its wrong side when ``spread`` is 1.

    Returns
    -------
    X : ndarray, shape (n, 2)
    labels : ndarray of 0.0 and 1.0, shape (n,)

    Examples
    --------
    >>> X, labels = two_blobs(n=4)
    >>> labels.tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    n = check_count(n, "n", 2)
    spread = float(spread)
    if not np.isfinite(spread) or spread <= 0:
        raise ValueError(f"spread must be a positive standard deviation; got {spread}.")
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 2).astype(float)
    centres = np.where(labels[:, None] == 1.0, 1.0, -1.0) * np.ones((n, 2))
    return centres + spread * rng.standard_normal((n, 2)), labels


def blobs_with_far_cluster(distance: float, n: int = 60, n_far: int = 20, seed: int = 0):
    r"""Two classes and an extra cluster of easy class-1 points ``distance`` further out.

    Class 0 (``n`` points) is centred at :math:`(-1.5, 0.5)`, class 1
    (``n`` points) at :math:`(1.5, -0.5)`, and ``n_far`` more class-1 points at
    :math:`(1.5 + d, -0.5 - d)` for ``distance`` :math:`d`: deep inside the
    class-1 side of any sensible boundary, so a classifier should be helped,
    or at least not hurt, by them. All clusters have standard deviation 0.8.

    Returns
    -------
    X : ndarray, shape (2 n + n_far, 2)
    labels : ndarray of 0.0 and 1.0
    is_far : ndarray of bool, marks the far cluster

    Examples
    --------
    >>> X, labels, is_far = blobs_with_far_cluster(4.0)
    >>> X.shape, int(labels.sum()), int(is_far.sum())
    ((140, 2), 80, 20)
    """
    distance = _check_nonnegative(distance, "distance")
    n = check_count(n, "n", 1)
    n_far = check_count(n_far, "n_far", 0)
    rng = np.random.default_rng(seed)
    X0 = 0.8 * rng.standard_normal((n, 2)) + [-1.5, 0.5]
    X1 = 0.8 * rng.standard_normal((n, 2)) + [1.5, -0.5]
    Xf = 0.8 * rng.standard_normal((n_far, 2)) + [1.5 + distance, -0.5 - distance]
    X = np.vstack([X0, X1, Xf])
    labels = np.r_[np.zeros(n), np.ones(n + n_far)]
    is_far = np.r_[np.zeros(2 * n, dtype=bool), np.ones(n_far, dtype=bool)]
    return X, labels, is_far


def claim_costs(n: int = 1000, sigma: float = 1.0, seed: int = 0):
    r"""Yearly claim costs of ``n`` customers: skewed, with rare large values that are real.

    A customer's risk score :math:`x` is uniform on :math:`[0, 1]` and the
    cost (in thousands) is log-normal,
    :math:`c = \exp(0.5 + x + \sigma\varepsilon)` with standard normal
    :math:`\varepsilon`. For a given :math:`x` the median cost is
    :math:`e^{0.5 + x}`, but the mean, which is what the insurer pays on
    average, is :math:`e^{\sigma^2/2} \approx 1.65` times larger for
    :math:`\sigma = 1`: a few large claims carry much of the total.

    Returns
    -------
    x, cost : ndarray, shape (n,)

    Examples
    --------
    >>> x, cost = claim_costs(n=100_000, seed=1)
    >>> round(float(np.mean(cost) / np.median(cost)), 1)   # e^(1/2), and the x spread
    1.7
    """
    n = check_count(n, "n", 2)
    sigma = _check_nonnegative(sigma, "sigma")
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, n)
    return x, np.exp(0.5 + x + sigma * rng.standard_normal(n))


# --------------------------------------------------------------------------
# Pairings and gradients
# --------------------------------------------------------------------------

_Z = np.linspace(-6.0, 6.0, 241)


def pairing_losses(z):
    r"""Per-sample loss of each pairing for a target of 1, as a function of the raw output ``z``.

    ``"bce"``: :math:`-\log\sigma(z)`; ``"sigmoid_mse"``: :math:`(1 - \sigma(z))^2`;
    ``"hinge"``: :math:`\max(0, 1 - z)` (label +1); ``"raw_mse"``: :math:`(z - 1)^2`.

    Examples
    --------
    >>> {k: round(float(v[0]), 4) for k, v in pairing_losses([0.0]).items()}
    {'bce': 0.6931, 'sigmoid_mse': 0.25, 'hinge': 1.0, 'raw_mse': 1.0}
    """
    z = np.asarray(z, dtype=float)
    ones = np.ones_like(z)
    return {
        "bce": binary_cross_entropy_with_logits(ones, z, reduction="none"),
        "sigmoid_mse": (1.0 - sigmoid(z)) ** 2,
        "hinge": np.maximum(0.0, 1.0 - z),
        "raw_mse": (z - 1.0) ** 2,
    }


def draw_pairings(fig) -> None:
    """The loss of four pairings against the raw output ``z`` when the target is 1.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> draw_pairings(fig)
    >>> len(fig.axes[0].lines)
    4
    >>> plt.close(fig)
    """
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.9)
    for key, values in pairing_losses(_Z).items():
        color, ls, label = _PAIR_STYLE[key]
        ax.plot(_Z, values, color=color, ls=ls, label=label)
    ax.axvspan(-6, -2, color="#888888", alpha=0.12, lw=0)
    ax.text(-5.8, 0.25, "confidently wrong", fontsize=8)
    ax.axvspan(2, 6, color="#888888", alpha=0.06, lw=0)
    ax.text(5.8, 0.25, "confidently right", fontsize=8, ha="right")
    ax.set_xlim(-6, 6)
    ax.set_ylim(0, 8)
    ax.set_xlabel("raw model output z (a logit, or a score)")
    ax.set_ylabel("loss for a target of 1")
    ax.set_title("The same target, four pairings of output and loss")
    ax.legend(loc="upper center", fontsize=8)


def logit_gradients(z):
    r"""Gradients with respect to the logit ``z`` for a target of 1, per sample.

    Returns ``(bce, sigmoid_mse)``: :math:`\sigma(z) - 1` and
    :math:`2(\sigma(z) - 1)\,\sigma(z)(1 - \sigma(z))`.

    Examples
    --------
    >>> bce, smse = logit_gradients([-4.0])
    >>> round(float(bce[0]), 5), round(float(smse[0]), 5)
    (-0.98201, -0.03469)
    """
    p = sigmoid(z)
    return p - 1.0, 2.0 * (p - 1.0) * p * (1.0 - p)


def draw_logit_gradients(fig) -> None:
    """Size of the gradient of each loss against the logit, for a target of 1 (log scale).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> draw_logit_gradients(fig)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    z = np.linspace(-10.0, 6.0, 321)
    bce, smse = logit_gradients(z)
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.35})
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.16, top=0.88)
    fig.subplots_adjust(top=0.82)
    for ax in (ax1, ax2):
        c, ls, _ = _PAIR_STYLE["bce"]
        ax.plot(z, np.abs(bce), color=c, ls=ls,
                label="sigmoid + cross-entropy: |σ(z) − 1|" if ax is ax1 else None)
        c, ls, _ = _PAIR_STYLE["sigmoid_mse"]
        ax.plot(z, np.abs(smse), color=c, ls=ls,
                label="sigmoid + squared error: 2|σ(z) − 1| σ(z)(1 − σ(z))" if ax is ax1 else None)
        ax.axvspan(-10, -2, color="#888888", alpha=0.12, lw=0)
        ax.set_xlim(-10, 6)
        ax.set_xlabel("logit z (target 1)")
    ax1.set_ylim(0, 1.05)
    ax1.set_ylabel("|dloss/dz|")
    ax2.set_yscale("log")
    ax2.set_ylim(1e-5, 2)
    ax2.set_ylabel("|dloss/dz| (log scale)")
    ax1.text(-9.7, 0.6, "confidently\nwrong", fontsize=8)
    fig.legend(loc="upper center", ncol=1, fontsize=8)


# --------------------------------------------------------------------------
# Training from a confidently wrong start
# --------------------------------------------------------------------------


class WrongStartDemo:
    r"""Logistic regression trained with cross-entropy and with a squared error, from the same start.

    Both models are :math:`p = \sigma(w \cdot x + b)` on :func:`two_blobs`,
    trained by full-batch gradient descent with the same learning rate for
    ``num_epochs`` epochs; one minimises binary cross-entropy, the other the
    mean squared error between :math:`p` and the 0/1 label. For each ``start``
    :math:`s`, both begin from :math:`w_0 = -s\,u/m`, :math:`b_0 = 0`, where
    :math:`u` is the direction from class 0 to class 1 and :math:`m` the
    median of :math:`|u \cdot x|`: the median sample gets a logit of
    magnitude :math:`s` on the wrong side.

    Examples
    --------
    >>> demo = WrongStartDemo(starts=(0.0, 4.0), num_epochs=20)
    >>> bool(demo.accuracy(4.0, "bce")[0] < 0.5 < demo.accuracy(4.0, "bce")[-1])
    True
    """

    LOSSES = ("bce", "sigmoid_mse")
    XLIM = (-4.0, 4.0)

    def __init__(self, starts=STARTS, num_epochs: int = EPOCHS[-1], lr: float = 0.5, data=None):
        self.starts = tuple(_check_nonnegative(s, "start") for s in starts)
        if len(self.starts) < 1:
            raise ValueError("give at least one start")
        self.num_epochs = check_count(num_epochs, "num_epochs", 1)
        self.lr = float(lr)
        self.X, self.labels = two_blobs() if data is None else data
        u = self.X[self.labels == 1].mean(axis=0) - self.X[self.labels == 0].mean(axis=0)
        u = u / np.linalg.norm(u)
        self._u, self._proj = u, self.X @ u
        m = np.median(np.abs(self._proj))
        self.runs, self._acc, self.start_weights = {}, {}, {}
        for s in self.starts:
            w0 = -s * u / m
            self.start_weights[s] = w0
            for loss in self.LOSSES:
                hist = train_gd(self.X, self.labels, loss=loss, lr=self.lr,
                                num_epochs=self.num_epochs, w0=w0, b0=0.0)
                self.runs[s, loss] = hist
                logits = self.X @ hist.weights.T + hist.biases      # (n, epochs)
                self._acc[s, loss] = np.mean((logits > 0) == (self.labels[:, None] == 1), axis=0)
        self._backdrop = Backdrop(lambda fig, key: self._draw_static(fig))

    def _key(self, start, loss):
        key = (float(start), loss)
        if key not in self.runs:
            raise ValueError(f"start={start}, loss={loss!r} was not precomputed; choose a start "
                             f"from {self.starts} and a loss from {self.LOSSES}.")
        return key

    def accuracy(self, start: float, loss: str) -> np.ndarray:
        """Training accuracy after every epoch."""
        return self._acc[self._key(start, loss)]

    def epochs_to_accuracy(self, start: float, loss: str, level: float = 0.9):
        """First epoch (1-based) whose training accuracy reaches ``level``; None if none does."""
        acc = self.accuracy(start, loss)
        hits = np.flatnonzero(acc >= level)
        return int(hits[0]) + 1 if hits.size else None

    def initial_gradient_norms(self, start: float) -> dict:
        """Size of the gradient with respect to ``(w, b)`` at the start, for each loss."""
        w0 = self.start_weights[float(start)]
        z = self.X @ w0
        p = sigmoid(z)
        n = len(self.labels)
        g = {"bce": (p - self.labels) / n,
             "sigmoid_mse": 2.0 * (p - self.labels) * p * (1 - p) / n}
        return {k: float(np.linalg.norm(np.r_[self.X.T @ v, v.sum()])) for k, v in g.items()}

    def describe(self, start: float, epoch: int) -> str:
        """Alt text of the frame."""
        a = {loss: self.accuracy(start, loss)[int(epoch) - 1] for loss in self.LOSSES}
        e = {loss: self.epochs_to_accuracy(start, loss) for loss in self.LOSSES}
        fmt = lambda v: f"epoch {v}" if v else f"not within {self.num_epochs} epochs"
        return (f"Logistic regression from a start whose median logit is {start:g} on the wrong "
                f"side, after {epoch} epochs. Left: the samples of class 0 at the bottom and class "
                f"1 at the top, against their position along the direction from class 0 to class "
                f"1, with each model's predicted probability of class 1 along that direction. "
                f"Right: training accuracy per epoch on a log scale. Now cross-entropy "
                f"{a['bce']:.0%}, squared error {a['sigmoid_mse']:.0%}; 90 % accuracy reached at "
                f"{fmt(e['bce'])} with cross-entropy and {fmt(e['sigmoid_mse'])} with the "
                f"squared error.")

    def _draw_static(self, fig) -> list:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.3})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.86)
        jitter = np.random.default_rng(1).uniform(0.0, 0.05, len(self.labels))
        for c in (0, 1):
            on = self.labels == c
            ax1.plot(self._proj[on], c + (1 - 2 * c) * jitter[on], ls="none",
                     marker=_CLASS_MARKERS[c], ms=3, color=_CLASS_COLORS[c], alpha=0.7,
                     label=f"class {c}")
        ax1.set_xlim(*self.XLIM)
        ax1.set_ylim(-0.05, 1.05)
        ax1.set_xlabel("position along the class direction, u · x")
        ax1.set_ylabel("predicted P(class 1)")
        ax1.legend(loc="center left", fontsize=7)
        ax2.set_xscale("log")
        ax2.set_xlim(1, self.num_epochs * 1.3)
        ax2.set_ylim(0, 1.02)
        ax2.set_xlabel("epoch (log scale)")
        ax2.set_ylabel("training accuracy")
        for loss in self.LOSSES:
            c, ls, label = _PAIR_STYLE[loss]
            ax2.plot([], [], color=c, ls=ls, label=label)
        ax2.legend(loc="center right", fontsize=7)
        return [ax1, ax2]

    def draw(self, fig, start: float, epoch: int) -> None:
        """Draw the frame for ``start`` and ``epoch`` on an empty ``fig``."""
        epoch = int(epoch)
        if not 1 <= epoch <= self.num_epochs:
            raise ValueError(f"epoch must lie in 1..{self.num_epochs}; got {epoch}.")
        left, right = self._backdrop.paste(fig)
        epochs = np.arange(1, epoch + 1)
        t = np.linspace(*self.XLIM, 121)
        for loss in self.LOSSES:
            c, ls, _ = _PAIR_STYLE[loss]
            hist = self.runs[self._key(start, loss)]
            slope = hist.weights[epoch - 1] @ self._u
            left.line(t, sigmoid(slope * t + hist.biases[epoch - 1]), color=c, ls=ls, lw=2)
            acc = self.accuracy(start, loss)
            right.line(epochs, acc[:epoch], color=c, ls=ls, lw=2)
            right.line([epoch], [acc[epoch - 1]], ls="none", marker="o", ms=6, color=c,
                       markeredgecolor="black", zorder=4)
        a = {loss: self.accuracy(start, loss)[epoch - 1] for loss in self.LOSSES}
        fx, fy = left.fraction(0.5, 1.0)
        fig.text(fx, fy + 0.02, f"start {start:g} on the wrong side, epoch {epoch}", ha="center",
                 va="bottom", fontsize=9)
        fx, fy = right.fraction(0.5, 1.0)
        fig.text(fx, fy + 0.02, f"accuracy: CE {a['bce']:.0%}, squared {a['sigmoid_mse']:.0%}",
                 ha="center", va="bottom", fontsize=9)

    def explorer(self, epochs=EPOCHS):
        """The :class:`lossbook.explore.Explorer` over ``start`` and ``epoch``."""
        from ..explore import Explorer

        epochs = [int(e) for e in epochs]
        if max(epochs) > self.num_epochs:
            raise ValueError(f"epochs go up to {self.num_epochs}; got {max(epochs)}.")
        return Explorer(
            self.draw, {"start": list(self.starts), "epoch": epochs},
            title="Cross-entropy or squared error after a sigmoid, from a confidently wrong start",
            alt=self.describe,
            labels={"start": "how wrong the start is (median logit)", "epoch": "epoch"},
            initial={"start": 6.0 if 6.0 in self.starts else self.starts[-1],
                     "epoch": epochs[len(epochs) // 2]},
        )


# --------------------------------------------------------------------------
# A regression loss for a classification task
# --------------------------------------------------------------------------


class FarClusterDemo:
    r"""Least squares on 0/1 labels against logistic regression, as easy points move away.

    For each ``distance``, the data of :func:`blobs_with_far_cluster` are
    fitted twice: by least squares on the 0/1 labels (a linear output with the
    mean squared error, :func:`lossbook.fit_ridge`), predicting class 1 where
    the output exceeds 0.5; and by logistic regression (sigmoid output with
    binary cross-entropy, :func:`lossbook.train_gd`, with a tiny L2 penalty
    so that the fit stays finite if the data are separable).

    Examples
    --------
    >>> demo = FarClusterDemo(distances=(0.0, 8.0))
    >>> demo.accuracy(8.0, "least_squares") < demo.accuracy(8.0, "logistic")
    True
    """

    MODELS = ("least_squares", "logistic")
    XLIM = (-4.0, 13.0)
    YLIM = (-13.0, 4.0)
    OUTPUT_LIM = (-1.0, 2.5)

    def __init__(self, distances=DISTANCES, num_epochs: int = 500, lr: float = 0.5,
                 l2: float = 1e-3):
        self.distances = tuple(_check_nonnegative(d, "distance") for d in distances)
        self.data, self.fits = {}, {}
        for d in self.distances:
            X, labels, is_far = blobs_with_far_cluster(d)
            self.data[d] = (X, labels, is_far)
            self.fits[d, "least_squares"] = fit_ridge(X, labels)
            hist = train_gd(X, labels, loss="bce", lr=lr, num_epochs=num_epochs, l2=l2)
            self.fits[d, "logistic"] = (hist.w, hist.b)
        n_samples = len(self.data[self.distances[0]][1])
        self._jitter = np.random.default_rng(1).uniform(-0.25, 0.25, n_samples)
        self._backdrop = Backdrop(lambda fig, key: self._draw_static(fig))

    def _fit(self, distance, model):
        key = (float(distance), model)
        if key not in self.fits:
            raise ValueError(f"distance={distance}, model={model!r} was not precomputed; choose "
                             f"a distance from {self.distances} and a model from {self.MODELS}.")
        return self.fits[key]

    def predict(self, distance: float, model: str) -> np.ndarray:
        """Predicted classes (0.0 or 1.0) of the samples for this distance."""
        w, b = self._fit(distance, model)
        X = self.data[float(distance)][0]
        threshold = 0.5 if model == "least_squares" else 0.0   # output 0.5, or logit 0
        return ((X @ w + b) > threshold).astype(float)

    def accuracy(self, distance: float, model: str) -> float:
        """Fraction of the samples classified correctly."""
        return float(np.mean(self.predict(distance, model) == self.data[float(distance)][1]))

    def errors(self, distance: float, model: str) -> int:
        """Number of misclassified samples."""
        return int(np.sum(self.predict(distance, model) != self.data[float(distance)][1]))

    def outside_unit_interval(self, distance: float) -> float:
        """Fraction of least-squares outputs below 0 or above 1 (not probabilities)."""
        w, b = self._fit(distance, "least_squares")
        out = self.data[float(distance)][0] @ w + b
        return float(np.mean((out < 0) | (out > 1)))

    def describe(self, distance: float) -> str:
        """Alt text of the frame."""
        n = len(self.data[float(distance)][1])
        w, b = self._fit(distance, "least_squares")
        X, _, is_far = self.data[float(distance)]
        far_out = float(np.mean(X[is_far] @ w + b))
        return (f"Left: two classes of 60 points and, {distance:g} units further into class 1, a "
                f"cluster of 20 more class-1 points, with the least-squares boundary (output 0.5) "
                f"and the logistic-regression boundary. Least squares misclassifies "
                f"{self.errors(distance, 'least_squares')} of {n} points, logistic regression "
                f"{self.errors(distance, 'logistic')}. Right: the least-squares output of every "
                f"point by class; the far cluster's outputs average {far_out:.2f}, and "
                f"{self.outside_unit_interval(distance):.0%} of all outputs lie outside [0, 1].")

    def _draw_static(self, fig) -> list:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.3, "width_ratios": [1, 1.1]})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.86)
        ax1.set_xlim(*self.XLIM)
        ax1.set_ylim(*self.YLIM)
        ax1.set_aspect("equal")
        ax1.set_xlabel("$x_1$")
        ax1.set_ylabel("$x_2$")
        c, ls, _ = _PAIR_STYLE["raw_mse"]
        ax1.plot([], [], color=c, ls=ls, label="least squares")
        c, ls, _ = _PAIR_STYLE["bce"]
        ax1.plot([], [], color=c, ls=ls, label="logistic")
        ax1.legend(loc="upper right", fontsize=7)
        ax2.axvspan(0.0, 1.0, color="#888888", alpha=0.15, lw=0)
        ax2.axvline(0.5, color="black", lw=1)
        ax2.set_xlim(*self.OUTPUT_LIM)
        ax2.set_ylim(-0.6, 2.6)
        ax2.set_yticks([0, 1, 2], ["class 0", "class 1", "class 1,\nfar"])
        ax2.set_xlabel("least-squares output (threshold 0.5)")
        ax2.text(0.5, 2.45, "[0, 1]", ha="center", fontsize=8)
        return [ax1, ax2]

    def draw(self, fig, distance: float) -> None:
        """Draw the frame for ``distance`` on an empty ``fig``."""
        left, right = self._backdrop.paste(fig)
        X, labels, is_far = self.data[float(distance)]
        for k in (0, 1):
            pts = X[labels == k]
            left.line(pts[:, 0], pts[:, 1], ls="none", marker=_CLASS_MARKERS[k], ms=3,
                      color=_CLASS_COLORS[k], alpha=0.8)
        wrong = self.predict(distance, "least_squares") != labels
        left.line(X[wrong, 0], X[wrong, 1], ls="none", marker="o", ms=8, markerfacecolor="none",
                  markeredgecolor="black", markeredgewidth=1.0)
        xs = np.array(self.XLIM)
        for model, key, level in (("least_squares", "raw_mse", 0.5), ("logistic", "bce", 0.0)):
            w, b = self._fit(distance, model)
            c, ls, _ = _PAIR_STYLE[key]
            left.line(xs, (level - b - w[0] * xs) / w[1], color=c, ls=ls, lw=2)
        w, b = self._fit(distance, "least_squares")
        out = np.clip(X @ w + b, *self.OUTPUT_LIM)
        row = labels + is_far
        for k, r in ((0, 0), (1, 1), (1, 2)):
            on = row == r
            right.line(out[on], r + self._jitter[on], ls="none", marker=_CLASS_MARKERS[k], ms=3,
                       color=_CLASS_COLORS[k], alpha=0.8)
        right.line(out[wrong], row[wrong] + self._jitter[wrong], ls="none", marker="o", ms=8,
                   markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.0)
        fx, fy = left.fraction(0.5, 1.0)
        fig.text(fx, fy + 0.02, f"far cluster at distance {distance:g}", ha="center", va="bottom",
                 fontsize=9)
        fx, fy = right.fraction(0.5, 1.0)
        fig.text(fx, fy + 0.02, f"errors (circled): least squares "
                 f"{self.errors(distance, 'least_squares')}, logistic "
                 f"{self.errors(distance, 'logistic')}", ha="center", va="bottom", fontsize=9)

    def explorer(self):
        """The :class:`lossbook.explore.Explorer` over ``distance``."""
        from ..explore import Explorer

        return Explorer(
            self.draw, {"distance": list(self.distances)},
            title="A regression loss on a classification task: move the far cluster",
            alt=self.describe, labels={"distance": "distance of the far cluster"},
            initial={"distance": self.distances[len(self.distances) // 2]},
        )


# --------------------------------------------------------------------------
# Outliers: when they do not matter, and when they do
# --------------------------------------------------------------------------


def draw_outlier_fits(fig, mistakes: dict, costs: dict) -> None:
    """Two panels: lines fitted to mis-recorded targets, and to real heavy-tailed costs.

    Parameters
    ----------
    mistakes : dict
        ``x``, ``y``, ``is_outlier`` and ``lines`` (a dict of name to
        ``(slope, intercept)``, as :func:`lossbook.fitting.fit_line` returns
        them), for data whose outliers are recording errors.
    costs : dict
        ``x``, ``cost`` and ``lines``, for costs whose large values are real.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(8, 3.6))
    >>> line = {"MSE": (1.0, 0.0), "MAE": (0.5, 0.0)}
    >>> draw_outlier_fits(fig, {"x": np.arange(3.0), "y": np.arange(3.0),
    ...                         "is_outlier": np.zeros(3, bool), "lines": line},
    ...                   {"x": np.arange(3.0), "cost": np.ones(3), "lines": line})
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    styles = {"MSE": ("mse", "-"), "MAE": ("mae", "--"), "Huber": ("huber", "-.")}
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.28})
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.86)
    for ax, data, title in ((ax1, mistakes, "mis-recorded targets: outliers are errors"),
                            (ax2, costs, "claim costs: large values are real")):
        x = np.asarray(data["x"], dtype=float)
        y = np.asarray(data["y"] if "y" in data else data["cost"], dtype=float)
        bad = np.asarray(data.get("is_outlier", np.zeros(len(x), bool)))
        ax.plot(x[~bad], y[~bad], ls="none", marker="o", ms=3, color=COLORS["data"], alpha=0.6)
        if bad.any():
            ax.plot(x[bad], y[bad], ls="none", marker="x", ms=6, color=COLORS["data"],
                    label="mis-recorded")
        xs = np.array([x.min(), x.max()])
        for name, (slope, intercept) in data["lines"].items():
            key, ls = styles.get(name, ("mse", "-"))
            ax.plot(xs, intercept + slope * xs, color=COLORS[key], ls=ls, label=f"{name} fit")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7, loc="upper left")
    ax1.set_xlabel("x")
    ax1.set_ylabel("y")
    ax2.set_xlabel("risk score x")
    ax2.set_ylabel("yearly cost (thousands)")
    top = np.quantile(np.asarray(costs["cost"], dtype=float), 0.98)
    ax2.set_ylim(0, max(top, 1.0))

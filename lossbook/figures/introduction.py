"""Figures of chapter 1, *What a loss function is* (``chapters/01_introduction.ipynb``).

* :func:`draw_darts`: the dart-and-bullseye intuition, early and late in training.
* :func:`draw_training_loop`: the four steps of one training step, as a cycle.
* :func:`make_flats` and :func:`train_line`: a small seeded regression (flat
  size against price) and plain gradient descent on its mean squared error.
* :class:`LearningRateDemo`: the explorable figure, where the reader moves the
  learning rate and the epoch and watches the fitted line and the loss curve.
* :func:`draw_zero_loss`: a straight line and an interpolating polynomial on
  the same noisy points, to answer "can the loss reach zero?".

Every function validates its input and every data set is seeded, so the
figures are the same on every machine.

Examples
--------
>>> x, y = make_flats()
>>> x.shape, y.shape
((20,), (20,))
>>> hist = train_line(x, y, lr=0.1, num_epochs=3)
>>> hist["loss"].shape, bool(hist["loss"][3] < hist["loss"][0])
((4,), True)
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from ..losses import mse, mse_grad
from ..plotting import COLORS, LINESTYLES, OKABE_ITO
from .._validation import check_count
from ._backdrop import Backdrop

__all__ = [
    "dart_throws",
    "draw_darts",
    "draw_training_loop",
    "make_flats",
    "best_line",
    "train_line",
    "LearningRateDemo",
    "LEARNING_RATES",
    "EPOCHS",
    "zero_loss_fits",
    "draw_zero_loss",
]

#: Learning rates of the explorable figure: crawling, slow, good, fast,
#: oscillating, and one too large, which diverges.
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 0.45, 0.6)
#: Epochs the explorable figure can show (the loss curve always shows them all).
EPOCHS = (0, 1, 2, 5, 10, 20, 40)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0; got {seed!r}.")
    return int(seed)


# --------------------------------------------------------------------------
# Darts
# --------------------------------------------------------------------------


def dart_throws(spread: float, offset=(0.0, 0.0), n: int = 12, seed: int = 0) -> np.ndarray:
    """Seeded dart positions around the bullseye at (0, 0).

    Parameters
    ----------
    spread : float > 0
        Standard deviation of each coordinate.
    offset : (float, float)
        Where the throws are centred (a thrower who aims off-centre).
    n : int >= 1
        Number of darts.
    seed : int >= 0

    Returns
    -------
    ndarray of shape (n, 2)

    Examples
    --------
    >>> dart_throws(0.3, n=4).shape
    (4, 2)
    """
    spread = float(spread)
    if not np.isfinite(spread) or spread <= 0:
        raise ValueError(f"spread must be a positive number; got {spread}.")
    n = check_count(n, "n", 1)
    offset = np.asarray(offset, dtype=float)
    if offset.shape != (2,) or not np.all(np.isfinite(offset)):
        raise ValueError(f"offset must be two finite numbers (x, y); got {offset!r}.")
    rng = np.random.default_rng(_check_seed(seed))
    return offset + spread * rng.standard_normal((n, 2))


def _dart_panel(ax, throws: np.ndarray, title: str) -> float:
    for radius, shade in zip((2.0, 1.5, 1.0, 0.5), ("#f2f2f2", "#e0e0e0", "#cccccc", "#b3b3b3")):
        ax.add_patch(Circle((0, 0), radius, facecolor=shade, edgecolor="white", lw=1.5, zorder=0))
    ax.add_patch(Circle((0, 0), 0.12, color=COLORS["truth"], zorder=1))
    for px, py in throws:
        ax.plot([0, px], [0, py], color=COLORS["mae"], lw=1, ls=":", zorder=2)
    ax.scatter(throws[:, 0], throws[:, 1], marker="X", s=60, color=COLORS["mse"],
               edgecolor="white", linewidth=0.6, zorder=3)
    loss = float(np.mean(np.sum(throws ** 2, axis=1)))
    ax.set_title(f"{title}\nmean squared distance = {loss:.2f}")
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-2.1, 2.1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return loss


def draw_darts(fig, seed: int = 1) -> tuple[float, float]:
    """Draw the dart-and-bullseye picture on ``fig``; return the two losses.

    The left board holds a thrower's darts early in training (scattered and
    off-centre), the right board the same thrower after practice. Dotted
    lines measure each dart's distance to the bullseye; the title gives the
    mean squared distance, which is the loss of that round.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> early, late = draw_darts(fig)
    >>> bool(early > late)
    True
    >>> plt.close(fig)
    """
    seed = _check_seed(seed)
    early = dart_throws(0.45, offset=(0.6, 0.4), seed=seed)
    late = dart_throws(0.18, offset=(0.05, -0.03), seed=seed + 1)
    ax1, ax2 = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.1, top=0.86, wspace=0.05)
    losses = (_dart_panel(ax1, early, "Early in training"),
              _dart_panel(ax2, late, "After training"))
    fig.text(0.5, 0.02, "bullseye: the target y    cross: a prediction ŷ    dotted line: its error",
             ha="center", va="bottom", fontsize=9, color="#333333")
    return losses


# --------------------------------------------------------------------------
# The training loop as a cycle
# --------------------------------------------------------------------------

_LOOP_STEPS = (
    ("1. Predict", r"$\hat y = w x + b$"),
    ("2. Score", r"loss $L(y, \hat y)$"),
    ("3. Gradient", r"$\partial L/\partial w,\ \partial L/\partial b$"),
    ("4. Update", r"$w \leftarrow w - \eta\,\partial L/\partial w$"),
)


def draw_training_loop(fig) -> None:
    """Draw one training step as a cycle of four boxes on ``fig``.

    Predict, score the predictions with the loss, compute the gradient of
    the loss with respect to the parameters, update the parameters against
    it; then predict again with the new parameters.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> draw_training_loop(fig)
    >>> len(fig.axes[0].patches)
    8
    >>> plt.close(fig)
    """
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.6)
    ax.axis("off")
    centres = [(2.3, 4.3), (7.7, 4.3), (7.7, 1.3), (2.3, 1.3)]
    colours = [COLORS["mse"], COLORS["mae"], COLORS["huber"], COLORS["hinge"]]
    w, h = 3.6, 1.5
    for (cx, cy), (head, body), colour in zip(centres, _LOOP_STEPS, colours):
        ax.add_patch(FancyBboxPatch((cx - w / 2, cy - h / 2), w, h,
                                    boxstyle="round,pad=0.05,rounding_size=0.25",
                                    facecolor="white", edgecolor=colour, lw=2.2))
        ax.text(cx, cy + 0.3, head, ha="center", va="center", fontsize=11, weight="bold")
        ax.text(cx, cy - 0.3, body, ha="center", va="center", fontsize=10)
    arrows = [((4.2, 4.3), (5.8, 4.3)), ((7.7, 3.45), (7.7, 2.15)),
              ((5.8, 1.3), (4.2, 1.3)), ((2.3, 2.15), (2.3, 3.45))]
    for start, end in arrows:
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16,
                                     color=OKABE_ITO["black"], lw=1.5))
    ax.text(5.0, 2.8, "repeat for\nnum_epochs", ha="center", va="center",
            fontsize=10, style="italic", color="#444444")


# --------------------------------------------------------------------------
# The regression of the learning-rate demo
# --------------------------------------------------------------------------


def make_flats(n: int = 20, noise: float = 0.25, seed: int = 0):
    """A small seeded regression: flat size (in 100 m²) against price (in 100,000).

    Sizes are drawn uniformly between 0.4 and 1.6 and sorted; prices follow
    ``1 + 2 * size`` plus Gaussian noise of standard deviation ``noise``.

    Returns
    -------
    x, y : ndarray of shape (n,)

    Examples
    --------
    >>> x, y = make_flats(n=5)
    >>> bool(np.all(np.diff(x) >= 0)), bool(0.4 <= x.min() and x.max() <= 1.6)
    (True, True)
    """
    n = check_count(n, "n", 2)
    noise = float(noise)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a number >= 0; got {noise}.")
    rng = np.random.default_rng(_check_seed(seed))
    x = np.sort(rng.uniform(0.4, 1.6, n))
    y = 1.0 + 2.0 * x + rng.normal(0.0, noise, n)
    return x, y


def _check_xy(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(
            f"x and y must be 1-D arrays of the same length >= 2; got shapes {x.shape} and "
            f"{y.shape}. Flatten them with x.ravel(), y.ravel()."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y contain NaN or infinity; drop those samples first.")
    return x, y


def best_line(x, y) -> tuple[float, float, float]:
    """The least-squares line: ``(w, b, lowest_mse)``, solved in closed form.

    Examples
    --------
    >>> w, b, loss = best_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> round(w, 6), round(b, 6), round(loss, 6)
    (2.0, 1.0, 0.0)
    """
    x, y = _check_xy(x, y)
    A = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(w), float(b), float(np.mean((w * x + b - y) ** 2))


def train_line(x, y, lr: float, num_epochs: int, w0: float = 0.0, b0: float = 0.0) -> dict:
    """Fit ``y_pred = w * x + b`` by full-batch gradient descent on the MSE.

    Each epoch makes the predictions, scores them with :func:`lossbook.mse`,
    takes the gradient with :func:`lossbook.mse_grad` and the chain rule
    (``dL/dw = sum(g * x)``, ``dL/db = sum(g)``), and steps against it.
    Once the loss overflows (a diverging learning rate), the remaining
    epochs are filled with ``inf``.

    Returns
    -------
    dict with arrays ``w``, ``b`` and ``loss`` of length ``num_epochs + 1``:
    the parameters at the start of each epoch and their loss (entry 0 is
    the starting point, entry ``k`` the result of ``k`` updates).

    Examples
    --------
    >>> h = train_line([1.0, 2.0, 3.0], [3.0, 5.0, 7.0], lr=0.1, num_epochs=1, w0=1.0)
    >>> [round(float(v), 4) for v in (h["loss"][0], h["w"][1], h["b"][1], h["loss"][1])]
    [9.6667, 2.3333, 0.6, 0.1452]
    """
    x, y = _check_xy(x, y)
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number (typical values 1e-4 to 1); got {lr}.")
    num_epochs = check_count(num_epochs, "num_epochs", 0)
    ws = np.full(num_epochs + 1, np.inf)
    bs = np.full(num_epochs + 1, np.inf)
    losses = np.full(num_epochs + 1, np.inf)
    w, b = float(w0), float(b0)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(num_epochs + 1):
            y_pred = w * x + b
            if not np.all(np.isfinite(y_pred)) or np.max(np.abs(y_pred)) > 1e150:
                break  # diverged: squaring would overflow
            ws[epoch], bs[epoch] = w, b
            losses[epoch] = mse(y, y_pred)
            grad = mse_grad(y, y_pred)
            w, b = w - lr * float(np.sum(grad * x)), b - lr * float(np.sum(grad))
    return {"w": ws, "b": bs, "loss": losses}


class LearningRateDemo:
    """The explorable figure of chapter 1: gradient descent at several learning rates.

    Every run is computed once, when the demo is made; :meth:`draw` only
    draws. The left panel shows the data and the line after ``epoch``
    updates (earlier lines faint), the right panel the loss after every
    epoch on a log scale, with the lowest loss any line can reach.

    Parameters
    ----------
    learning_rates : sequence of float
    num_epochs : int
        Length of every run.
    x, y : array_like, optional
        The data (default: :func:`make_flats`).

    Examples
    --------
    >>> demo = LearningRateDemo()
    >>> demo.diverges(0.6), demo.diverges(0.1)
    (True, False)
    >>> ex = demo.explorer()
    >>> sorted(ex.params)
    ['epoch', 'lr']
    """

    YLIM_LOSS = (1e-2, 1e3)
    XLIM = (0.3, 1.7)
    YLIM = (-0.5, 5.5)

    def __init__(self, learning_rates=LEARNING_RATES, num_epochs: int = EPOCHS[-1], x=None, y=None):
        if x is None and y is None:
            x, y = make_flats()
        self.x, self.y = _check_xy(x, y)
        self.learning_rates = tuple(float(lr) for lr in learning_rates)
        if len(self.learning_rates) < 2:
            raise ValueError("give at least two learning rates to compare")
        self.num_epochs = check_count(num_epochs, "num_epochs", 1)
        self.runs = {lr: train_line(self.x, self.y, lr, self.num_epochs)
                     for lr in self.learning_rates}
        self.best = best_line(self.x, self.y)
        self._grid = np.array(self.XLIM)
        self._epochs = np.arange(self.num_epochs + 1)
        self._backdrop = Backdrop(self._draw_static)

    def run(self, lr: float) -> dict:
        """The precomputed run for ``lr`` (one of ``learning_rates``)."""
        lr = float(lr)
        if lr not in self.runs:
            raise ValueError(f"lr={lr} was not precomputed; choose one of {self.learning_rates}.")
        return self.runs[lr]

    def _line_visible(self, w: float, b: float) -> bool:
        if not (np.isfinite(w) and np.isfinite(b)):
            return False
        ends = w * self._grid + b
        low, high = self.YLIM
        return not (np.all(ends < low) or np.all(ends > high))

    def diverges(self, lr: float) -> bool:
        """True when the loss at the end of the run is above the starting loss."""
        loss = self.run(lr)["loss"]
        return bool(loss[-1] > loss[0])

    def describe(self, lr: float, epoch: int) -> str:
        """Alt text of the frame for ``lr`` and ``epoch``."""
        run = self.run(lr)
        epoch = int(epoch)
        start = run["loss"][0]
        final = run["loss"][-1]
        text = (f"Gradient descent with learning rate {lr:g}, after {epoch} epochs. "
                f"Left: {self.x.size} flats, ")
        if self._line_visible(run["w"][epoch], run["b"][epoch]):
            b = run["b"][epoch]
            text += (f"price against size, with the current line "
                     f"y = {run['w'][epoch]:.3g} x {'-' if b < 0 else '+'} {abs(b):.3g}")
        else:
            text += "price against size; the current line has left the chart"
        text += ". Right: the loss per epoch on a log scale, "
        if self.diverges(lr):
            text += (f"which grows from {start:.3g} to {final:.3g} after {self.num_epochs} "
                     "epochs: this learning rate is too large and training diverges.")
        else:
            text += (f"which falls from {start:.3g} to {final:.3g} after {self.num_epochs} "
                     f"epochs; the lowest loss any line reaches is {self.best[2]:.3g}.")
        return text

    def _draw_static(self, fig, lr: float) -> list:
        """What does not move with the epoch slider: axes, labels, the loss curve of ``lr``."""
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.3})
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.15, top=0.88)
        ax1.set_xlim(*self.XLIM)
        ax1.set_ylim(*self.YLIM)
        ax1.set_xticks([0.5, 1.0, 1.5])
        ax1.set_yticks([0, 2, 4])
        ax1.set_xlabel("size (100 m²)")
        ax1.set_ylabel("price (100,000)")
        wb, bb, lowest = self.best
        ax1.plot(self._grid, wb * self._grid + bb, color=COLORS["truth"], ls=":", lw=1.2)
        ax1.text(1.66, wb * 1.66 + bb + 0.15, "best line", ha="right", va="bottom", fontsize=8)

        ax2.set_yscale("log")
        ax2.set_xlim(0, self.num_epochs)
        ax2.set_ylim(*self.YLIM_LOSS)
        ax2.set_yticks([0.01, 0.1, 1, 10, 100, 1000], ["0.01", "0.1", "1", "10", "100", "1000"])
        ax2.minorticks_off()
        ax2.set_xlabel("epoch")
        ax2.set_ylabel("MSE (log scale)")
        loss = self.run(lr)["loss"]
        ax2.plot(self._epochs, np.clip(loss, None, 1e30), color=COLORS["train"], lw=1.5)
        ax2.axhline(lowest, color=COLORS["truth"], ls=":", lw=1.2)
        ax2.text(self.num_epochs, lowest * 1.3, f"lowest possible {lowest:.3f}",
                 ha="right", va="bottom", fontsize=8)
        if self.diverges(lr):
            ax2.set_title("diverging: the loss grows", color=COLORS["mae"])
            ax2.text(0.97, 0.95, f"epoch {self.num_epochs}: {loss[-1]:.1e}",
                     transform=ax2.transAxes, ha="right", va="top", fontsize=8, color=COLORS["mae"])
        ax1.set_title(f"lr = {lr:g}")
        return [ax1, ax2]

    def draw(self, fig, lr: float, epoch: int) -> None:
        """Draw the frame for ``lr`` and ``epoch`` on an empty ``fig``.

        The axes, labels and loss curve of each learning rate are drawn once
        and pasted as an image (:class:`lossbook.figures._backdrop.Backdrop`);
        each frame draws only the lines, the points and the marker.
        """
        run = self.run(lr)
        epoch = int(epoch)
        if not 0 <= epoch <= self.num_epochs:
            raise ValueError(f"epoch must lie in 0..{self.num_epochs}; got {epoch}.")
        left, right = self._backdrop.paste(fig, float(lr))
        grid = self._grid
        for k in range(max(0, epoch - 4), epoch):
            if np.isfinite(run["w"][k]):
                left.line(grid, run["w"][k] * grid + run["b"][k], color=COLORS["mse"],
                          lw=1, alpha=0.12 + 0.08 * (k - epoch + 4))
        w, b = run["w"][epoch], run["b"][epoch]
        if np.isfinite(w):
            left.line(grid, w * grid + b, color=COLORS["mse"], ls=LINESTYLES["mse"], lw=2)
        if not self._line_visible(w, b):
            left.text(1.0, 0.5, "the line is off the chart", ha="center", va="center",
                      fontsize=9, color=COLORS["mae"])
        left.line(self.x, self.y, ls="none", marker="o", ms=4, color=COLORS["data"], zorder=3)
        fx, fy = left.fraction(0.03, 0.97)
        fig.text(fx, fy, f"epoch {epoch}", ha="left", va="top", fontsize=9, zorder=3)
        now = run["loss"][epoch]
        if np.isfinite(now):
            right.line([epoch], [min(now, self.YLIM_LOSS[1])], ls="none", marker="o", ms=7,
                       color=COLORS["highlight"], markeredgecolor="black", clip=False, zorder=4)
        if not self.diverges(lr):
            fx, fy = right.fraction(0.5, 1.0)
            fig.text(fx, fy + 0.015, f"loss after epoch {epoch}: {now:.3f}", ha="center",
                     va="bottom", fontsize=11, zorder=3)

    def explorer(self, epochs=EPOCHS):
        """The :class:`lossbook.explore.Explorer` over ``lr`` and ``epoch``."""
        from ..explore import Explorer

        epochs = [int(e) for e in epochs]
        if max(epochs) > self.num_epochs:
            raise ValueError(f"epochs go up to {self.num_epochs}; got {max(epochs)}.")
        return Explorer(
            self.draw, {"lr": list(self.learning_rates), "epoch": epochs},
            title="Gradient descent: move the learning rate and the epoch",
            alt=self.describe,
            labels={"lr": "learning rate lr", "epoch": "epoch"},
            initial={"lr": 0.1 if 0.1 in self.learning_rates else self.learning_rates[0],
                     "epoch": epochs[len(epochs) // 2]},
        )


# --------------------------------------------------------------------------
# Can the loss reach zero?
# --------------------------------------------------------------------------


def zero_loss_fits(n: int = 10, noise: float = 0.3, seed: int = 2) -> dict:
    """A line and an interpolating polynomial on the same noisy points.

    ``n`` training points and 200 fresh points come from ``y = 1 + 2x`` plus
    Gaussian noise. The line is fitted by least squares; the polynomial of
    degree ``n - 1`` passes through every training point, so its training
    MSE is zero (up to rounding) while its MSE on the fresh points is large.

    Returns
    -------
    dict with the data (``x``, ``y``, ``x_new``, ``y_new``), the two models as
    callables (``line``, ``poly``) and their ``train_mse`` / ``new_mse``
    as ``{"line": ..., "poly": ...}``.

    Examples
    --------
    >>> fits = zero_loss_fits()
    >>> fits["train_mse"]["poly"] < 1e-12 < fits["train_mse"]["line"]
    True
    """
    n = check_count(n, "n", 3)
    noise = float(noise)
    if not np.isfinite(noise) or noise <= 0:
        raise ValueError(f"noise must be a positive number; got {noise}.")
    rng = np.random.default_rng(_check_seed(seed))
    x = np.linspace(0.0, 1.0, n)
    y = 1.0 + 2.0 * x + rng.normal(0.0, noise, n)
    x_new = rng.uniform(0.0, 1.0, 200)
    y_new = 1.0 + 2.0 * x_new + rng.normal(0.0, noise, 200)
    line = np.polynomial.Polynomial.fit(x, y, 1)
    poly = np.polynomial.Polynomial.fit(x, y, n - 1)
    models = {"line": line, "poly": poly}
    return {
        "x": x, "y": y, "x_new": x_new, "y_new": y_new, **models,
        "train_mse": {k: mse(y, m(x)) for k, m in models.items()},
        "new_mse": {k: mse(y_new, m(x_new)) for k, m in models.items()},
    }


def draw_zero_loss(fig, fits: dict | None = None) -> dict:
    """Draw the straight line and the interpolating polynomial side by side.

    Returns the fits (see :func:`zero_loss_fits`) so a caller can quote
    their losses.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> fits = draw_zero_loss(fig)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    fits = fits or zero_loss_fits()
    grid = np.linspace(0.0, 1.0, 300)
    axes = fig.subplots(1, 2, sharey=True)
    titles = {"line": "straight line", "poly": f"degree-{len(fits['x']) - 1} polynomial"}
    colours = {"line": COLORS["mse"], "poly": COLORS["mae"]}
    styles = {"line": LINESTYLES["mse"], "poly": LINESTYLES["mae"]}
    for ax, key in zip(axes, ("line", "poly")):
        ax.scatter(fits["x_new"], fits["y_new"], s=6, color="#bbbbbb", label="fresh points")
        ax.scatter(fits["x"], fits["y"], s=28, color=COLORS["data"], zorder=3,
                   label="training points")
        ax.plot(grid, fits[key](grid), color=colours[key], ls=styles[key])
        ax.set_title(titles[key])
        ax.text(0.97, 0.04, f"MSE on training points {fits['train_mse'][key]:.3f}\n"
                f"MSE on fresh points {fits['new_mse'][key]:.3f}", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=9,
                bbox={"facecolor": "white", "edgecolor": "#cccccc", "boxstyle": "round"})
        ax.set_xlabel("x")
        ax.set_ylim(0.0, 4.0)
    axes[0].set_ylabel("y")
    axes[0].legend(loc="upper left")
    return fits

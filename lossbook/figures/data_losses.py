"""Figures and data of chapter 10, *Losses for the data you have*
(``chapters/10_losses_for_your_data.ipynb``).

* :func:`delivery_times`: seeded delivery times whose spread grows with the
  distance and is skewed to the right, the data of the quantile sections.
* :func:`quantile_line`: the exact pinball-loss line for one quantile (the
  best of the lines through two data points).
* :func:`draw_pinball`: the pinball loss of one sample for a few quantiles.
* :class:`QuantilePath` and :func:`quantile_explorer`: the reader moves the
  quantile and the fitted line moves through the data. Every line is fitted
  once, when the explorer is made, so a slider move only redraws.
* :func:`draw_focal`: the focal loss of one sample against the probability
  given to its true class, for a few values of ``gamma``.

Examples
--------
>>> x, y = delivery_times(n=50)
>>> w_low, b_low = quantile_line(x, y, 0.1)
>>> w_high, b_high = quantile_line(x, y, 0.9)
>>> bool(w_low < w_high)          # the spread grows with the distance
True
"""

from __future__ import annotations

import numpy as np

from .. import losses
from .._validation import check_count
from ..explore import Explorer
from ..fitting import _check_xy
from ..plotting import COLORS, LINESTYLES
from ._backdrop import Backdrop

__all__ = ["QUANTILES", "QuantilePath", "delivery_times", "draw_focal", "draw_pinball",
           "quantile_explorer", "quantile_line"]

#: The slider values of the quantile explorer.
QUANTILES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def delivery_times(n: int = 200, seed: int = 0):
    r"""Delivery times (minutes) against distance (km): spread growing with distance, skewed.

    The distance :math:`x` is uniform on :math:`[0.5, 10]` and the time is
    :math:`y = 10 + 3x + (1 + 0.5x)(g - 2)` with :math:`g` Gamma-distributed
    (shape 2, scale 1, mean 2): on average :math:`10 + 3x`, with a long tail
    of late deliveries that grows with the distance.

    Returns
    -------
    x, y : ndarray, shape (n,)

    Examples
    --------
    >>> x, y = delivery_times(n=100_000, seed=1)
    >>> bool(abs(np.mean(y - (10 + 3 * x))) < 0.05)    # unbiased on average
    True
    """
    n = check_count(n, "n", 2)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 10.0, n)
    y = 10.0 + 3.0 * x + (1.0 + 0.5 * x) * (rng.gamma(2.0, 1.0, n) - 2.0)
    return x, y


def _pair_lines(x, y):
    """Slopes and intercepts of the lines through every pair of points with different x."""
    i, j = np.triu_indices(x.size, k=1)
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    w = (y[j] - y[i]) / (x[j] - x[i])
    return w, y[i] - w * x[i]


def quantile_line(x, y, quantile: float) -> tuple[float, float]:
    """Slope and intercept ``(w, b)`` of the line minimising the mean pinball loss, exactly.

    The mean pinball loss of a line is convex and piecewise linear in
    ``(w, b)``, so a minimum lies at a corner, where the line passes through
    two data points (a linear program has an optimal basic solution). The
    function tries every such line and keeps the best: exact, and fast for
    the few hundred points of the chapter (scikit-learn's
    ``QuantileRegressor(alpha=0)`` solves the same linear program).

    Examples
    --------
    >>> w, b = quantile_line([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0], 0.5)
    >>> round(w, 6), round(b, 6)
    (2.0, 1.0)
    """
    return _quantile_lines(x, y, [quantile])[0]


def _quantile_lines(x, y, quantiles) -> list[tuple[float, float]]:
    qs = [losses._open_unit(q, "quantile") for q in quantiles]
    x, y = _check_xy(x, y)
    w, b = _pair_lines(x, y)
    r = y[None, :] - (w[:, None] * x[None, :] + b[:, None])   # residuals of every candidate
    positive = np.maximum(r, 0.0).sum(axis=1)                  # sum of (y - y_pred)^+
    negative = positive - r.sum(axis=1)                        # sum of (y - y_pred)^-
    best = []
    for q in qs:
        k = int(np.argmin(q * positive + (1.0 - q) * negative))
        best.append((float(w[k]), float(b[k])))
    return best


def draw_pinball(fig, quantiles=(0.1, 0.5, 0.9)) -> None:
    """The pinball loss of one sample against the residual ``y - y_pred``.

    A steep line on the side where the target is above the prediction for a
    high quantile, a gentle one on the other side; ``0.5`` is the symmetric
    V of half the absolute error.
    """
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.95)
    r = np.linspace(-3.0, 3.0, 121)
    styles = ["--", "-", "-."]
    colors = [COLORS["mae"], COLORS["huber"], COLORS["mse"]]
    for k, q in enumerate(quantiles):
        loss = losses.pinball(r, np.zeros_like(r), quantile=q, reduction="none")
        ax.plot(r, loss, color=colors[k % 3], ls=styles[k % 3], lw=2, label=f"q = {q:g}")
    ax.set_xlabel(r"residual $y - \hat y$ (positive: the prediction is too low)")
    ax.set_ylabel("pinball loss of one sample")
    ax.axvline(0.0, color=COLORS["data"], lw=0.8)
    ax.legend(loc="upper center")


class QuantilePath:
    """The fitted quantile lines of the delivery data, one per slider value.

    Attributes
    ----------
    x, y : ndarray
        The data (:func:`delivery_times` with ``n`` and ``seed``).
    lines : dict
        ``quantile -> (w, b)`` from :func:`quantile_line`.
    """

    def __init__(self, quantiles=QUANTILES, n: int = 200, seed: int = 0):
        if len(quantiles) == 0 or len(quantiles) > 48:
            raise ValueError(f"give between 1 and 48 quantiles (one frame each); got {len(quantiles)}.")
        self.x, self.y = delivery_times(n=n, seed=seed)
        fits = _quantile_lines(self.x, self.y, quantiles)
        self.lines = {float(q): fit for q, fit in zip(quantiles, fits)}
        self._backdrop = Backdrop(self._draw_static)

    def line(self, quantile: float) -> tuple[float, float]:
        """The precomputed line ``(w, b)`` for ``quantile``."""
        try:
            return self.lines[float(quantile)]
        except KeyError:
            raise ValueError(f"quantile = {quantile!r} was not precomputed; use one of "
                             f"{sorted(self.lines)} or pass it in quantiles=...") from None

    def share_below(self, quantile: float) -> float:
        """Fraction of the samples strictly below the line of ``quantile``."""
        w, b = self.line(quantile)
        return float(np.mean(self.y < w * self.x + b))

    def _draw_static(self, fig, key=None):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1.0]})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.88, wspace=0.3)
        ax.plot(self.x, self.y, ls="none", marker="o", ms=3.5, color=COLORS["data"], alpha=0.7)
        ax.set_xlim(0, 10.5)
        ax.set_ylim(min(0.0, float(self.y.min()) - 2), float(self.y.max()) + 4)
        ax.set_xlabel("distance (km)")
        ax.set_ylabel("delivery time (minutes)")
        ax2.set_xlim(-3, 3)
        ax2.set_ylim(0, 3)
        ax2.axvline(0.0, color=COLORS["data"], lw=0.8)
        ax2.set_xlabel(r"residual $y - \hat y$")
        ax2.set_ylabel("pinball loss")
        return [ax, ax2]

    def draw(self, fig, quantile: float) -> None:
        """Left: the data and the line of ``quantile`` (the median line dashed);
        right: the pinball loss of one sample for that quantile."""
        w, b = self.line(quantile)
        left, right = self._backdrop.paste(fig)
        xs = np.array([0.0, 10.5])
        w5, b5 = self.lines.get(0.5, (w, b))
        left.line(xs, w5 * xs + b5, color=COLORS["mae"], ls=LINESTYLES["mae"], lw=1.2)
        left.line(xs, w * xs + b, color=COLORS["huber"], ls="-", lw=2.5)
        fig.text(*left.fraction(0.5, 1.03),
                 f"q = {quantile:g}: {100 * self.share_below(quantile):.0f} % of points below the line",
                 ha="center", va="bottom", fontsize=10)
        r = np.array([-3.0, 0.0, 3.0])
        right.line(r, [3.0 * (1.0 - quantile), 0.0, 3.0 * quantile], color=COLORS["huber"], lw=2.5)
        right.text(-2.9, 2.8, f"slope {-(1 - quantile):.2f}", fontsize=8, va="top")
        right.text(2.9, 2.8, f"slope {quantile:.2f}", fontsize=8, va="top", ha="right")

    def alt(self, quantile: float) -> str:
        """Alt text of the explorer's frame for ``quantile``."""
        w, b = self.line(quantile)
        return (f"Scatter plot of {self.x.size} delivery times against distance; the spread "
                f"grows with the distance. The line fitted with the pinball loss for quantile "
                f"{quantile:g} has slope {w:.2f} and intercept {b:.2f}, with "
                f"{100 * self.share_below(quantile):.0f} percent of the points below it; the "
                f"median line is dashed. A second panel shows the pinball loss of one sample: "
                f"slope {quantile:.2f} when the target is above the prediction and "
                f"{1 - quantile:.2f} when it is below.")


def quantile_explorer(quantiles=QUANTILES, initial: float = 0.9, seed: int = 0) -> Explorer:
    """The chapter's explorer: move the quantile and watch the fitted line.

    Examples
    --------
    >>> ex = quantile_explorer(quantiles=(0.1, 0.5, 0.9))
    >>> ex.render(quantile=0.1)[:4] == b"\\x89PNG"
    True
    """
    path = QuantilePath(quantiles=quantiles, seed=seed)
    explorer = Explorer(path.draw, {"quantile": [float(q) for q in quantiles]},
                        title="A line fitted with the pinball loss, quantile by quantile",
                        alt=path.alt, labels={"quantile": "quantile q"},
                        initial={"quantile": float(initial)})
    explorer.path = path  # for the notebook and the tests
    return explorer


def draw_focal(fig, gammas=(0.0, 0.5, 2.0, 5.0)) -> None:
    """The focal loss of one sample against ``p_t``, the probability of its true class.

    ``gamma = 0`` is the cross-entropy :math:`-\\log p_t`; larger ``gamma``
    flattens the loss of well-classified samples (large ``p_t``).
    """
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.95)
    p = np.linspace(0.01, 1.0, 100)
    ones = np.ones_like(p)
    styles = ["-", "--", "-.", ":"]
    colors = [COLORS["cross_entropy"], COLORS["mae"], COLORS["huber"], COLORS["mse"]]
    for k, g in enumerate(gammas):
        ax.plot(p, losses.binary_focal_loss(ones, p, gamma=g, reduction="none"),
                color=colors[k % 4], ls=styles[k % 4], lw=2, label=rf"$\gamma = {g:g}$")
    ax.axvspan(0.6, 1.0, color=COLORS["highlight"], alpha=0.12, lw=0)
    ax.text(0.8, 2.2, "well classified", ha="center", fontsize=9)
    ax.set_xlabel(r"probability of the true class $p_t$")
    ax.set_ylabel("loss of one sample")
    ax.set_ylim(0, 4.6)
    ax.legend(loc="upper right")

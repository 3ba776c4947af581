"""Figures of chapter 2, *Mean squared and absolute error* (``chapters/02_mse_mae.ipynb``).

* :func:`draw_penalties`: the squared and the absolute error of one residual,
  and their derivatives.
* :func:`constant_losses` and :func:`draw_constant_fit`: the MSE and the MAE
  of predicting one constant for every sample, lowest at the mean and at
  the median.
* :func:`gd_constant` and :func:`draw_gd_constant`: gradient descent on that
  constant, which settles under the MSE and keeps bouncing under the MAE.
* :func:`make_prices` and :class:`OutlierDemo`: the explorable figure, where
  the reader drags one flat's price away (a typo) and watches the mean (the
  MSE fit) and the median (the MAE fit) move differently.

Examples
--------
>>> y = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
>>> c = np.array([3.0, 4.0])
>>> mse_c, mae_c = constant_losses(y, c)
>>> mse_c.tolist(), mae_c.tolist()     # c = 3: (4 + 1 + 0 + 1 + 49) / 5 = 11
([11.0, 10.0], [2.2, 2.4])
"""

from __future__ import annotations

import numpy as np

from ..losses import mae, mae_grad, mse, mse_grad
from ..plotting import COLORS, LINESTYLES
from ._backdrop import Backdrop

__all__ = [
    "draw_penalties",
    "constant_losses",
    "draw_constant_fit",
    "gd_constant",
    "draw_gd_constant",
    "make_prices",
    "OUTLIER_VALUES",
    "OutlierDemo",
]

#: Prices (in thousands) the explorer's outlier can take: a missing price
#: recorded as 0, a few honest values, and typos up to an extra zero.
OUTLIER_VALUES = (0, 100, 200, 260, 300, 400, 600, 1000, 1500, 2500)


def _as_targets(y, name: str = "y") -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or y.size < 1:
        raise ValueError(f"{name} must be a 1-D array with at least one value; got shape {y.shape}.")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} contains NaN or infinity; drop those samples first.")
    return y


# --------------------------------------------------------------------------
# One residual: the penalty and its slope
# --------------------------------------------------------------------------


def draw_penalties(fig, r_max: float = 3.0) -> None:
    """Squared and absolute error of one residual ``r``, and their derivatives.

    Left: :math:`r^2` and :math:`|r|`. Right: their derivatives :math:`2r`
    and :math:`\\operatorname{sign}(r)`, the pull that one sample exerts on
    the prediction during training.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> draw_penalties(fig)
    >>> [len(ax.lines) for ax in fig.axes]   # the two curves (and the zero line)
    [2, 3]
    >>> plt.close(fig)
    """
    r_max = float(r_max)
    if not np.isfinite(r_max) or r_max <= 0:
        raise ValueError(f"r_max must be a positive number; got {r_max}.")
    r = np.linspace(-r_max, r_max, 401)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(r, r ** 2, color=COLORS["mse"], ls=LINESTYLES["mse"], label="squared $r^2$")
    ax1.plot(r, np.abs(r), color=COLORS["mae"], ls=LINESTYLES["mae"], label="absolute $|r|$")
    ax1.set_xlabel("residual $r = \\hat y - y$")
    ax1.set_ylabel("loss of one sample")
    ax1.set_title("the penalty")
    ax1.legend(loc="upper center")
    ax2.plot(r, 2 * r, color=COLORS["mse"], ls=LINESTYLES["mse"], label="$2r$")
    # sign(r) jumps at 0: draw the two halves apart so no vertical line appears
    ax2.plot(np.r_[r[r < 0], np.nan, r[r > 0]], np.r_[-np.ones((r < 0).sum()), np.nan,
             np.ones((r > 0).sum())], color=COLORS["mae"], ls=LINESTYLES["mae"],
             label="sign$(r)$")
    ax2.axhline(0, color="#999999", lw=0.8)
    ax2.set_xlabel("residual $r$")
    ax2.set_ylabel("derivative")
    ax2.set_title("its slope: the pull on the prediction")
    ax2.legend(loc="upper left")
    fig.tight_layout()


# --------------------------------------------------------------------------
# The best constant: mean and median
# --------------------------------------------------------------------------


def constant_losses(y, c):
    """MSE and MAE of predicting the constant ``c`` for every target in ``y``.

    Vectorised over ``c``: returns two arrays of the shape of ``c``.

    Examples
    --------
    >>> mse_c, mae_c = constant_losses([0.0, 2.0], [0.0, 1.0])
    >>> mse_c.tolist(), mae_c.tolist()
    ([2.0, 1.0], [1.0, 1.0])
    """
    y = _as_targets(y)
    c = np.asarray(c, dtype=float)
    if not np.all(np.isfinite(c)):
        raise ValueError("c contains NaN or infinity.")
    r = c[..., None] - y
    return np.mean(r ** 2, axis=-1), np.mean(np.abs(r), axis=-1)


def draw_constant_fit(fig, y, num: int = 601) -> dict:
    """Plot the MSE and the MAE of every constant prediction for the data ``y``.

    Each panel marks the data (ticks along the bottom) and the lowest point
    of its curve, found by a grid search over ``num`` constants. Returns the
    grid minimisers and the mean and median, so that a caller can compare them.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> best = draw_constant_fit(fig, [1.0, 2.0, 3.0, 4.0, 10.0])
    >>> round(best["mse_argmin"], 2), round(best["mae_argmin"], 2)
    (4.0, 3.0)
    >>> plt.close(fig)
    """
    y = _as_targets(y)
    if isinstance(num, bool) or int(num) != num or num < 3:
        raise ValueError(f"num must be a whole number >= 3; got {num!r}.")
    span = max(float(np.ptp(y)), 1.0)
    c = np.linspace(y.min() - 0.15 * span, y.max() + 0.15 * span, int(num))
    mse_c, mae_c = constant_losses(y, c)
    best = {"mean": float(np.mean(y)), "median": float(np.median(y)),
            "mse_argmin": float(c[np.argmin(mse_c)]), "mae_argmin": float(c[np.argmin(mae_c)])}
    ax1, ax2 = fig.subplots(1, 2)
    panels = ((ax1, mse_c, "mse", "MSE", "mean", best["mean"]),
              (ax2, mae_c, "mae", "MAE", "median", best["median"]))
    for ax, curve, key, name, stat, at in panels:
        ax.plot(c, curve, color=COLORS[key], ls=LINESTYLES[key])
        low = float(constant_losses(y, at)[0 if key == "mse" else 1])
        ax.plot([at], [low], "o", color=COLORS["highlight"], markeredgecolor="black", zorder=3)
        ax.annotate(f"lowest at the {stat}, c = {at:g}", (at, low), xytext=(0.5, 0.88),
                    textcoords="axes fraction", ha="center", va="center", fontsize=9,
                    arrowprops={"arrowstyle": "->", "color": "#444444", "lw": 1})
        ax.plot(y, np.zeros_like(y), "|", color=COLORS["data"], ms=12, mew=2, clip_on=False)
        ax.set_ylim(0, None)
        ax.set_xlabel("constant prediction c")
        ax.set_title(f"{name} of the constant prediction c")
    ax1.set_ylabel("loss")
    fig.tight_layout()
    return best


def gd_constant(y, loss: str, lr: float, num_steps: int, c0: float = 0.0) -> np.ndarray:
    """Gradient descent on one constant prediction ``c`` under the MSE or the MAE.

    The prediction for every sample is ``c``, so the derivative of the mean
    loss with respect to ``c`` is the sum of :func:`lossbook.mse_grad` (or
    :func:`lossbook.mae_grad`) over the samples: ``2 * (c - mean(y))`` for
    the MSE and ``mean(sign(c - y))`` for the MAE.

    Returns
    -------
    ndarray of shape (num_steps + 1,)
        ``c`` before the first step and after every step.

    Examples
    --------
    >>> gd_constant([1.0, 3.0], "mse", lr=0.25, num_steps=2).tolist()
    [0.0, 1.0, 1.5]
    >>> gd_constant([1.0, 3.0], "mae", lr=0.5, num_steps=3).tolist()
    [0.0, 0.5, 1.0, 1.25]
    """
    y = _as_targets(y)
    grads = {"mse": mse_grad, "mae": mae_grad}
    if loss not in grads:
        raise ValueError(f"loss must be 'mse' or 'mae'; got {loss!r}.")
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number; got {lr}.")
    if isinstance(num_steps, bool) or int(num_steps) != num_steps or num_steps < 0:
        raise ValueError(f"num_steps must be a whole number >= 0; got {num_steps!r}.")
    path = np.empty(int(num_steps) + 1)
    path[0] = c = float(c0)
    for step in range(1, int(num_steps) + 1):
        c = c - lr * float(np.sum(grads[loss](y, np.full_like(y, c))))
        path[step] = c
    return path


def draw_gd_constant(fig, y, lr: float = 0.7, num_steps: int = 40) -> dict:
    """Plot gradient descent on a constant prediction under the MSE and the MAE.

    Left: the prediction ``c`` after every step. Right: its distance from
    the best constant (the mean for the MSE, the median for the MAE) on a
    log scale. Returns the two paths (see :func:`gd_constant`).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> paths = draw_gd_constant(fig, [1.0, 2.0, 3.0, 4.0, 10.0])
    >>> round(float(paths["mse"][-1]), 6), bool(abs(paths["mae"][-1] - 3.0) > 0.01)
    (4.0, True)
    >>> plt.close(fig)
    """
    y = _as_targets(y)
    paths = {k: gd_constant(y, k, lr, num_steps) for k in ("mse", "mae")}
    best = {"mse": float(np.mean(y)), "mae": float(np.median(y))}
    names = {"mse": "MSE", "mae": "MAE"}
    ax1, ax2 = fig.subplots(1, 2)
    steps = np.arange(int(num_steps) + 1)
    for key in ("mse", "mae"):
        stat = "mean" if key == "mse" else "median"
        ax1.axhline(best[key], color=COLORS[key], lw=1, ls=":")
        ax1.plot(steps, paths[key], color=COLORS[key], ls=LINESTYLES[key], marker=".",
                 label=f"{names[key]} (best: the {stat}, {best[key]:g})")
        ax2.semilogy(steps, np.maximum(np.abs(paths[key] - best[key]), 1e-16), color=COLORS[key],
                     ls=LINESTYLES[key], marker=".", label=names[key])
    ax1.set_xlabel("step")
    ax1.set_ylabel("constant prediction c")
    ax1.set_title(f"c during gradient descent, lr = {lr:g}")
    ax1.legend(loc="lower right")
    ax2.set_xlabel("step")
    ax2.set_ylabel("|c - best c| (log scale)")
    ax2.set_ylim(1e-16, 10)
    ax2.set_title("distance from the best constant")
    ax2.legend(loc="lower left")
    fig.tight_layout()
    return paths


# --------------------------------------------------------------------------
# The explorable figure: one outlier among flat prices
# --------------------------------------------------------------------------


def make_prices(n: int = 10, seed: int = 2) -> np.ndarray:
    """Seeded prices of ``n`` comparable flats, in thousands, rounded to 5.

    Drawn from a normal distribution with mean 260 and standard deviation 25.

    Examples
    --------
    >>> make_prices().tolist()
    [265.0, 245.0, 250.0, 200.0, 305.0, 290.0, 250.0, 280.0, 265.0, 245.0]
    """
    if isinstance(n, bool) or int(n) != n or n < 2:
        raise ValueError(f"n must be a whole number >= 2; got {n!r}.")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0; got {seed!r}.")
    rng = np.random.default_rng(int(seed))
    return np.round(rng.normal(260.0, 25.0, int(n)) / 5.0) * 5.0


class OutlierDemo:
    """Explorable figure: move one price and compare the MSE fit with the MAE fit.

    The model predicts one number for every flat. Under the MSE the best
    number is the mean of the prices, under the MAE it is their median. The
    left panel shows the prices (the last one, highlighted, is the one the
    slider moves) with both fits; the right panel shows the RMSE (the square
    root of the MSE, in thousands like the MAE, with the same minimiser) and
    the MAE of every constant prediction, with their lowest points.

    All fits and curves are computed when the demo is made.

    Parameters
    ----------
    prices : array_like, optional
        The honest prices (default :func:`make_prices`).
    values : sequence of float
        The values the moving price can take.

    Examples
    --------
    >>> demo = OutlierDemo()
    >>> fit = demo.fit(2500)
    >>> round(fit["mean"], 1), fit["median"]
    (463.2, 265.0)
    """

    YLIM = (100.0, 500.0)
    CURVE_YLIM = (5.0, 3000.0)

    def __init__(self, prices=None, values=OUTLIER_VALUES):
        self.prices = _as_targets(make_prices() if prices is None else prices, "prices")
        self.values = tuple(float(v) for v in values)
        if len(self.values) < 2:
            raise ValueError("give at least two values for the moving price")
        if not all(np.isfinite(v) for v in self.values):
            raise ValueError("the values of the moving price must be finite numbers")
        self.grid = np.linspace(*self.YLIM, 351)
        self._fits = {v: self._compute(v) for v in self.values}
        self._backdrop = Backdrop(self._draw_static)

    def data(self, value: float) -> np.ndarray:
        """The honest prices followed by the moving one."""
        return np.append(self.prices, float(value))

    def _compute(self, value: float) -> dict:
        y = self.data(value)
        mean, median = float(np.mean(y)), float(np.median(y))
        mse_c, mae_c = constant_losses(y, self.grid)
        return {"mean": mean, "median": median,
                "mse": mse(y, np.full_like(y, mean)), "mae": mae(y, np.full_like(y, median)),
                "rmse_curve": np.sqrt(mse_c), "mae_curve": mae_c}

    def fit(self, value: float) -> dict:
        """Mean, median, the MSE at the mean and the MAE at the median, for ``value``."""
        value = float(value)
        if value not in self._fits:
            raise ValueError(f"value {value} was not precomputed; choose one of {self.values}.")
        return self._fits[value]

    def describe(self, outlier: float) -> str:
        """Alt text of the frame where the moving price is ``outlier``."""
        f = self.fit(outlier)
        return (f"{len(self.prices) + 1} flat prices in thousands; the last one, highlighted, is "
                f"{outlier:g}. Left: the MSE fit, the mean, is at {f['mean']:.1f}; the MAE fit, "
                f"the median, is at {f['median']:.1f}. Right: the RMSE and the MAE of every "
                f"constant prediction from {self.YLIM[0]:g} to {self.YLIM[1]:g} on a log scale, "
                f"lowest at the mean "
                f"(MSE {f['mse']:.4g}, RMSE {np.sqrt(f['mse']):.1f}) and at the median "
                f"(MAE {f['mae']:.1f}).")

    def _draw_static(self, fig, key=None) -> list:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.32})
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.86)
        n = len(self.prices)
        ax1.set_xlim(0.3, n + 1.7)
        ax1.set_ylim(*self.YLIM)
        ax1.set_xticks([1, n // 2, n + 1], ["1", str(n // 2), f"{n + 1}"])
        ax1.set_xlabel("flat")
        ax1.set_ylabel("price (thousands)")
        ax1.plot(np.arange(1, n + 1), self.prices, "o", color=COLORS["data"], ms=6, zorder=3)
        ax1.set_title("the fits: one price for every flat")
        ax2.set_yscale("log")
        ax2.set_xlim(*self.YLIM)
        ax2.set_ylim(*self.CURVE_YLIM)
        ax2.set_yticks([10, 100, 1000], ["10", "100", "1000"])
        ax2.minorticks_off()
        ax2.set_xlabel("constant prediction c (thousands)")
        ax2.set_ylabel("loss (thousands, log scale)")
        ax2.set_title("RMSE and MAE of predicting c")
        return [ax1, ax2]

    def draw(self, fig, outlier: float) -> None:
        """Draw the frame for the moving price ``outlier`` on an empty ``fig``."""
        f = self.fit(outlier)
        left, right = self._backdrop.paste(fig)
        n = len(self.prices)
        x_all = (0.3, n + 1.7)
        left.line(x_all, [f["mean"]] * 2, color=COLORS["mse"], ls=LINESTYLES["mse"], lw=2)
        left.line(x_all, [f["median"]] * 2, color=COLORS["mae"], ls=LINESTYLES["mae"], lw=2)
        low, high = self.YLIM
        shown = min(max(outlier, low + 8), high - 8)
        marker = "o" if low < outlier < high else ("^" if outlier >= high else "v")
        left.line([n + 1], [shown], ls="none", marker=marker, ms=10, color=COLORS["highlight"],
                  markeredgecolor="black", zorder=4, clip=False)
        if not low < outlier < high:
            left.text(n + 0.6, shown, f"{outlier:g}", ha="right", va="center", fontsize=9,
                      color="black", zorder=4)
        fx, fy = left.fraction(0.03, 0.03)
        fig.text(fx, fy + 0.065, f"MSE fit = mean = {f['mean']:.1f}", ha="left", va="bottom",
                 fontsize=9, color=COLORS["mse"], zorder=3)
        fig.text(fx, fy, f"MAE fit = median = {f['median']:.1f}", ha="left", va="bottom",
                 fontsize=9, color=COLORS["mae"], zorder=3)

        right.line(self.grid, f["rmse_curve"], color=COLORS["mse"], ls=LINESTYLES["mse"])
        right.line(self.grid, f["mae_curve"], color=COLORS["mae"], ls=LINESTYLES["mae"])
        for at, value, key in ((f["mean"], np.sqrt(f["mse"]), "mse"),
                               (f["median"], f["mae"], "mae")):
            if self.YLIM[0] <= at <= self.YLIM[1]:
                right.line([at], [value], ls="none", marker="o", ms=7, color=COLORS[key],
                           markeredgecolor="black", zorder=4)
        fx, fy = right.fraction(0.03, 0.97)
        fig.text(fx, fy, f"MSE = {f['mse']:.3g}  (RMSE {np.sqrt(f['mse']):.1f})",
                 ha="left", va="top", fontsize=9, color=COLORS["mse"], zorder=3)
        fig.text(fx, fy - 0.06, f"MAE = {f['mae']:.1f}", ha="left", va="top", fontsize=9,
                 color=COLORS["mae"], zorder=3)

    def explorer(self):
        """The :class:`lossbook.explore.Explorer` over the moving price."""
        from ..explore import Explorer

        start = 260.0 if 260.0 in self.values else self.values[0]
        return Explorer(
            self.draw, {"outlier": list(self.values)},
            title="Drag one price away: the mean follows it, the median barely moves",
            alt=self.describe, labels={"outlier": f"price of flat {len(self.prices) + 1} (thousands)"},
            initial={"outlier": start},
        )

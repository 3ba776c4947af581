"""Figures of chapter 4, *Huber loss* (``chapters/04_huber.ipynb``).

* :func:`draw_anatomy`: the Huber loss as a parabola inside ``+-delta`` and
  two straight lines outside, with the pieces it is made of.
* :func:`draw_gradients`: the per-sample gradients of the half squared
  error, the absolute error and the Huber loss.
* :class:`FitPath` and :func:`fit_explorer`: a regression with outliers
  where the reader moves ``delta`` and the Huber line moves between the MSE
  line and the MAE line. Every fit is computed once, when the explorer is
  made, so a slider move only redraws.

Examples
--------
>>> path = FitPath()
>>> mse_slope, mae_slope = path.fits["mse"][0], path.fits["mae"][0]
>>> bool(mae_slope < path.fit(1.0)[0] < mse_slope)
True
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Polygon

from .. import losses
from .._validation import check_positive
from ..data import regression_with_outliers
from ..explore import Explorer
from ..fitting import fit_line
from ..plotting import COLORS, LINESTYLES
from ._backdrop import Backdrop

__all__ = ["DELTAS", "FitPath", "draw_anatomy", "draw_gradients", "fit_explorer"]

#: The slider values of the fit explorer: from well below the noise level
#: (the Huber line is the MAE line) to above the largest residual (it is the
#: MSE line).
DELTAS = (0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0, 15.0)


def draw_anatomy(fig, delta: float = 1.0, r_max: float = 3.0):
    """Draw the Huber loss and the parabola and lines it is glued from.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure to draw on.
    delta : float > 0
        The threshold between the quadratic and the linear part.
    r_max : float > delta
        The residual axis runs from ``-r_max`` to ``r_max``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    delta = check_positive(delta, "delta")
    r_max = check_positive(r_max, "r_max")
    if r_max <= delta:
        raise ValueError(f"r_max ({r_max}) must exceed delta ({delta}) to show the linear part.")
    r = np.linspace(-r_max, r_max, 401)
    zeros = np.zeros_like(r)
    ax = fig.add_subplot()
    ax.axvspan(-delta, delta, color=COLORS["huber"], alpha=0.08, lw=0)
    ax.plot(r, 0.5 * r**2, color=COLORS["mse"], ls=LINESTYLES["mse"], lw=1.2,
            label=r"$\frac{1}{2}r^2$")
    ax.plot(r, delta * (np.abs(r) - 0.5 * delta), color=COLORS["mae"], ls=LINESTYLES["mae"], lw=1.2,
            label=r"$\delta(|r| - \frac{1}{2}\delta)$")
    ax.plot(r, losses.huber(zeros, r, delta=delta, reduction="none"), color=COLORS["huber"],
            ls="-", lw=3.0, alpha=0.85, label=rf"Huber, $\delta = {delta:g}$")
    knot = 0.5 * delta**2
    ax.plot([-delta, delta], [knot, knot], "o", color=COLORS["truth"], ms=5,
            label=r"joins at $r = \pm\delta$")
    ax.set_ylim(-0.2, 0.5 * r_max**2 * 0.75)
    ax.set_xlim(-r_max, r_max)
    ax.text(0, 0.5 * r_max**2 * 0.68, "quadratic", ha="center", va="top", fontsize=9)
    ax.text(-0.5 * (r_max + delta), 0.5 * r_max**2 * 0.68, "linear", ha="center", va="top", fontsize=9)
    ax.text(0.5 * (r_max + delta), 0.5 * r_max**2 * 0.68, "linear", ha="center", va="top", fontsize=9)
    ax.set_xlabel(r"residual $r = \hat y - y$")
    ax.set_ylabel("loss of one sample")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.subplots_adjust(left=0.1, right=0.68, bottom=0.15, top=0.95)
    return ax


def draw_gradients(fig, delta: float = 1.0, r_max: float = 3.0):
    """Draw the per-sample gradients: ``r`` (half squared error),
    ``delta * sign(r)`` (scaled absolute error) and ``clip(r, -delta, delta)`` (Huber).

    Returns
    -------
    matplotlib.axes.Axes
    """
    delta = check_positive(delta, "delta")
    r_max = check_positive(r_max, "r_max")
    r = np.linspace(-r_max, r_max, 401)
    zeros = np.zeros_like(r)
    ax = fig.add_subplot()
    ax.axvspan(-delta, delta, color=COLORS["huber"], alpha=0.08, lw=0)
    ax.plot(r, r, color=COLORS["mse"], ls=LINESTYLES["mse"], lw=1.2,
            label=r"$r$ (of $\frac{1}{2}r^2$)")
    sign = np.sign(r)
    ax.plot(np.where(r < 0, r, np.nan), delta * sign, color=COLORS["mae"], ls=LINESTYLES["mae"], lw=1.2,
            label=r"$\delta\,\mathrm{sign}(r)$ (of $\delta|r|$)")
    ax.plot(np.where(r > 0, r, np.nan), delta * sign, color=COLORS["mae"], ls=LINESTYLES["mae"], lw=1.2)
    grad = losses.huber_grad(zeros, r, delta=delta) * r.size  # per sample, not averaged
    ax.plot(r, grad, color=COLORS["huber"], lw=3.0, alpha=0.85,
            label=r"$\mathrm{clip}(r, -\delta, \delta)$ (Huber)")
    ax.set_xlim(-r_max, r_max)
    ax.set_ylim(-r_max, r_max)
    ax.set_xlabel(r"residual $r = \hat y - y$")
    ax.set_ylabel(r"gradient $\partial \ell / \partial \hat y$")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.subplots_adjust(left=0.1, right=0.68, bottom=0.15, top=0.95)
    return ax


class FitPath:
    """The chapter's regression with outliers and its MSE, MAE and Huber fits.

    Parameters
    ----------
    deltas : sequence of float > 0
        The values of ``delta`` whose Huber fits are computed (the slider's).
    path_deltas : sequence of float > 0, optional
        A finer grid for the slope-against-delta curve (default: 60 values
        from 0.05 to 30, evenly spaced on a log scale).
    seed : int
        Seed of :func:`lossbook.data.regression_with_outliers`.

    Attributes
    ----------
    x, y, is_outlier : ndarray
        The data.
    fits : dict
        ``"mse"``, ``"mae"`` and ``"clean"`` (the MSE fit without the
        outliers) map to ``(slope, intercept)``, as
        :func:`lossbook.fitting.fit_line` returns them.
    huber_fits : dict
        ``delta -> (slope, intercept)`` for every slider value.
    path : ndarray, shape (len(path_deltas), 3)
        Columns ``delta``, slope and intercept of the Huber fit.
    """

    def __init__(self, deltas=DELTAS, path_deltas=None, seed: int = 0):
        deltas = [check_positive(d, "delta") for d in deltas]
        if path_deltas is None:
            path_deltas = np.geomspace(0.05, 30.0, 60)
        path_deltas = [check_positive(d, "delta") for d in path_deltas]
        self.x, self.y, self.is_outlier = regression_with_outliers(seed=seed)
        self.fits = {
            "mse": fit_line(self.x, self.y, "mse"),
            "mae": fit_line(self.x, self.y, "mae"),
            "clean": fit_line(self.x[~self.is_outlier], self.y[~self.is_outlier], "mse"),
        }
        self.huber_fits = {d: fit_line(self.x, self.y, "huber", delta=d) for d in deltas}
        self.path = np.array([(d, *fit_line(self.x, self.y, "huber", delta=d)) for d in path_deltas])
        self._backdrop = Backdrop(self._draw_static)

    def fit(self, delta: float) -> tuple[float, float]:
        """The precomputed Huber fit ``(slope, intercept)`` for ``delta``."""
        try:
            return self.huber_fits[delta]
        except KeyError:
            raise ValueError(f"delta = {delta!r} was not precomputed; use one of "
                             f"{sorted(self.huber_fits)} or pass it in deltas=...") from None

    def outside(self, delta: float) -> np.ndarray:
        """Mask of the samples whose Huber residual is beyond ``+-delta`` (capped pull)."""
        w, b = self.fit(delta)
        return np.abs(w * self.x + b - self.y) > delta

    def _draw_static(self, fig, key=None):
        """The parts of the explorer's figure that do not depend on delta."""
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1.0]})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.35)
        ax.set_xlim(-0.3, 10.3)
        ax.set_ylim(-1, 23)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax2.plot(self.path[:, 0], self.path[:, 1], color=COLORS["huber"], lw=1.5)
        for key, label, x_text, ha in (("mse", "MSE", self.path[0, 0], "left"),
                                       ("mae", "MAE", self.path[-1, 0], "right")):
            ax2.axhline(self.fits[key][0], color=COLORS[key], ls=LINESTYLES[key], lw=1.0)
            ax2.text(x_text, self.fits[key][0], label, va="bottom", ha=ha, fontsize=8)
        ax2.set_xscale("log")
        ax2.set_xlim(self.path[0, 0], self.path[-1, 0])
        ax2.set_xticks([0.1, 1.0, 10.0], ["0.1", "1", "10"])
        ax2.minorticks_off()
        lo, hi = sorted((self.fits["mae"][0], self.fits["mse"][0]))
        pad = 0.1 * (hi - lo)
        ax2.set_ylim(lo - pad, hi + 2 * pad)
        ax2.set_xlabel(r"$\delta$ (log scale)")
        ax2.set_ylabel("slope of the Huber line")
        return [ax, ax2]

    def draw(self, fig, delta: float):
        """Draw the data, the three lines and the slope-against-delta curve.

        Left: the data (outliers as triangles), the MSE and MAE lines, the
        Huber line for ``delta`` with its band of ``+-delta``; points outside
        the band, whose pull on the line is capped, are drawn hollow. Right:
        the slope of the Huber line against ``delta`` (log scale), between
        the MSE and the MAE slopes, with the current ``delta`` marked.

        Axes, ticks and the curve on the right are drawn once
        (:class:`~lossbook.figures._backdrop.Backdrop`); a call draws only
        what depends on ``delta``, so a slider move stays fast.
        """
        w, b = self.fit(delta)
        out = self.outside(delta)
        left, right = self._backdrop.paste(fig)
        x_line = np.array([-0.3, 10.3])
        y_line = w * x_line + b
        band = [(x_line[0], y_line[0] - delta), (x_line[1], y_line[1] - delta),
                (x_line[1], y_line[1] + delta), (x_line[0], y_line[0] + delta)]
        left.patch(Polygon(band, closed=True, color=COLORS["huber"], alpha=0.18, lw=0, zorder=1))
        for mask, marker in ((~self.is_outlier, "o"), (self.is_outlier, "^")):
            inner, outer = mask & ~out, mask & out
            left.line(self.x[inner], self.y[inner], ls="none", marker=marker, ms=4.5,
                      color=COLORS["data"], zorder=3)
            left.line(self.x[outer], self.y[outer], ls="none", marker=marker, ms=4.5, mfc="white",
                      mec=COLORS["data"], mew=1.0, zorder=3)
        handles = []
        for key, label in (("mse", "MSE"), ("mae", "MAE")):
            wi, bi = self.fits[key]
            handles.append(left.line(x_line, wi * x_line + bi, color=COLORS[key], ls=LINESTYLES[key],
                                     lw=1.3, label=f"{label}: slope {wi:.2f}"))
        handles.append(left.line(x_line, y_line, color=COLORS["huber"], ls=LINESTYLES["huber"],
                                 lw=2.5, label=f"Huber: slope {w:.2f}"))
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=left.fraction(0.0, 1.0))
        fig.text(*left.fraction(0.5, 1.03), rf"$\delta = {delta:g}$: {int(out.sum())} of {out.size} "
                 "points capped", ha="center", va="bottom", fontsize=10)
        right.line([delta], [w], ls="none", marker="o", color=COLORS["huber"], ms=7,
                   mec=COLORS["truth"], zorder=4)

    def alt(self, delta: float) -> str:
        """Alt text of the explorer's frame for ``delta``."""
        w, b = self.fit(delta)
        out = self.outside(delta)
        return (f"Scatter plot of {self.x.size} points along a rising line, with "
                f"{int(self.is_outlier.sum())} outliers far above it at large x. The MSE line "
                f"has slope {self.fits['mse'][0]:.2f}, the MAE line {self.fits['mae'][0]:.2f}; "
                f"with delta = {delta:g} the Huber line has slope {w:.2f} and intercept {b:.2f}, "
                f"and {int(out.sum())} points lie outside its band of plus or minus delta. "
                "A second panel plots the Huber slope against delta on a log scale, rising "
                "from the MAE slope to the MSE slope.")


def fit_explorer(deltas=DELTAS, initial: float = 1.0, seed: int = 0) -> Explorer:
    """The chapter's explorer: move ``delta`` and watch the Huber line.

    Examples
    --------
    >>> ex = fit_explorer(deltas=(0.5, 1.0, 10.0))
    >>> ex.render(delta=10.0)[:4] == b"\\x89PNG"
    True
    """
    path = FitPath(deltas=deltas, seed=seed)
    explorer = Explorer(path.draw, {"delta": list(path.huber_fits)},
                        title="Huber fit of a line to data with outliers",
                        alt=path.alt, labels={"delta": "delta (δ)"},
                        initial={"delta": initial})
    explorer.path = path  # for the notebook and the tests
    return explorer

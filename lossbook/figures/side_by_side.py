"""Figures of chapter 6, *All losses side by side* (``chapters/06_side_by_side.ipynb``).

Every loss of the course as a function of one number: the residual
:math:`r = \\hat y - y` for regression (MSE, MAE, Huber) and the margin
:math:`m = y f` for binary classification with labels :math:`y \\in \\{-1, +1\\}`
and raw score (logit) :math:`f` (cross-entropy, hinge, squared hinge, and the
0-1 loss they stand in for).

* :func:`regression_losses`, :func:`regression_grads`, :func:`margin_losses`,
  :func:`margin_grads`: the curves, computed with :mod:`lossbook.losses`.
* :func:`draw_overview`: all of them, with their gradients, in one figure.
* :func:`regression_explorer` (slider: Huber's ``delta``) and
  :func:`classification_explorer` (slider: the hinge threshold).
* :func:`markdown_table` and :class:`Table`: the chapter's summary table, as
  Markdown, and as a displayable object (HTML in the book and in Jupyter,
  aligned plain text for nbval and terminals).

Examples
--------
>>> m = np.array([-2.0, 0.0, 2.0])
>>> {k: v.round(4).tolist() for k, v in margin_losses(m).items()}
{'cross-entropy': [2.1269, 0.6931, 0.1269], 'hinge': [3.0, 1.0, 0.0], 'squared hinge': [9.0, 1.0, 0.0], '0-1': [1.0, 1.0, 0.0]}
"""

from __future__ import annotations

import html

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import losses
from .._validation import as_float_array, check_positive
from ..explore import Explorer
from ..plotting import COLORS, LINESTYLES, OKABE_ITO
from ._backdrop import Backdrop

__all__ = ["DELTAS", "THRESHOLDS", "regression_losses", "regression_grads", "margin_losses",
           "margin_grads", "draw_overview", "regression_explorer", "classification_explorer",
           "markdown_table", "Table"]

#: Slider values of Huber's delta.
DELTAS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
#: Slider values of the hinge threshold (0 is the perceptron loss, 1 the SVM's).
THRESHOLDS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)

#: Style of each curve: colour, dash pattern.
STYLE = {
    "MSE": (COLORS["mse"], LINESTYLES["mse"]),
    "MAE": (COLORS["mae"], LINESTYLES["mae"]),
    "Huber": (COLORS["huber"], LINESTYLES["huber"]),
    "cross-entropy": (COLORS["cross_entropy"], LINESTYLES["cross_entropy"]),
    "hinge": (COLORS["hinge"], LINESTYLES["hinge"]),
    "squared hinge": (COLORS["squared_hinge"], LINESTYLES["squared_hinge"]),
    "0-1": (OKABE_ITO["black"], (0, (1, 1.5))),
}

R_RANGE = (-3.0, 3.0)
M_RANGE = (-3.0, 3.0)


def _threshold(value) -> float:
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"threshold must be a number >= 0 (0 is the perceptron loss, 1 the "
                         f"SVM's hinge); got {value}.")
    return value


def regression_losses(r, delta: float = 1.0) -> dict[str, np.ndarray]:
    """Per-sample MSE (``r**2``), MAE (``|r|``) and Huber loss of residuals ``r``.

    Examples
    --------
    >>> {k: v.tolist() for k, v in regression_losses([-3.0, 0.5]).items()}
    {'MSE': [9.0, 0.25], 'MAE': [3.0, 0.5], 'Huber': [2.5, 0.125]}
    """
    r = as_float_array(r, "r")
    zeros = np.zeros_like(r)
    return {
        "MSE": losses.mse(zeros, r, reduction="none"),
        "MAE": losses.mae(zeros, r, reduction="none"),
        "Huber": losses.huber(zeros, r, delta=delta, reduction="none"),
    }


def regression_grads(r, delta: float = 1.0) -> dict[str, np.ndarray]:
    """Per-sample gradients with respect to the prediction: ``2r``, ``sign(r)``,
    ``clip(r, -delta, delta)``.

    Examples
    --------
    >>> {k: v.tolist() for k, v in regression_grads([-3.0, 0.5]).items()}
    {'MSE': [-6.0, 1.0], 'MAE': [-1.0, 1.0], 'Huber': [-1.0, 0.5]}
    """
    r = as_float_array(r, "r")
    zeros, n = np.zeros_like(r), max(r.size, 1)
    return {
        "MSE": losses.mse_grad(zeros, r) * n,
        "MAE": losses.mae_grad(zeros, r) * n,
        "Huber": losses.huber_grad(zeros, r, delta=delta) * n,
    }


def margin_losses(m, threshold: float = 1.0) -> dict[str, np.ndarray]:
    """Per-sample classification losses of margins ``m = y * f``.

    ``cross-entropy`` is :math:`\\log(1 + e^{-m})`, binary cross-entropy of the
    logit ``f`` for the label ``y`` (in nats); ``hinge`` is
    :math:`\\max(0, t - m)` and ``squared hinge`` its square, with threshold
    :math:`t` (1 in SVMs, 0 gives the perceptron loss); ``0-1`` is 1 where
    :math:`m \\le 0` (a tie counts as an error).
    """
    m = as_float_array(m, "m")
    t = _threshold(threshold)
    gap = np.maximum(0.0, t - m)
    return {
        "cross-entropy": losses.binary_cross_entropy_with_logits(np.ones_like(m), m, reduction="none"),
        "hinge": gap,
        "squared hinge": gap**2,
        "0-1": (m <= 0).astype(float),
    }


def margin_grads(m, threshold: float = 1.0) -> dict[str, np.ndarray]:
    """Per-sample (sub)gradients with respect to the margin ``m``.

    Cross-entropy: :math:`\\sigma(m) - 1 = -\\sigma(-m)`; hinge: -1 where
    :math:`m \\le t`, else 0 (the subgradient :func:`lossbook.hinge_grad`
    picks at the kink); squared hinge: :math:`-2\\max(0, t - m)`; 0-1: 0.
    The gradient with respect to the score ``f`` is ``y`` times these.

    Examples
    --------
    >>> {k: v.round(4).tolist() for k, v in margin_grads([-2.0, 1.0, 2.0]).items()}
    {'cross-entropy': [-0.8808, -0.2689, -0.1192], 'hinge': [-1.0, -1.0, 0.0], 'squared hinge': [-6.0, 0.0, 0.0], '0-1': [0.0, 0.0, 0.0]}
    """
    m = as_float_array(m, "m")
    t = _threshold(threshold)
    n = max(m.size, 1)
    return {
        "cross-entropy": losses.binary_cross_entropy_with_logits_grad(np.ones_like(m), m) * n,
        "hinge": np.where(m <= t, -1.0, 0.0),
        "squared hinge": -2.0 * np.maximum(0.0, t - m) + 0.0,  # + 0.0: no negative zeros
        "0-1": np.zeros_like(m),
    }


def _curve(ax, x, y, name, **kwargs):
    color, ls = STYLE[name]
    kwargs.setdefault("lw", 2.0)
    return ax.plot(x, y, color=color, ls=ls, label=name, **kwargs)[0]


def _step(ax, m, values, name, at: float = 0.0, **kwargs):
    """Draw a step function that jumps at ``at`` without the vertical riser."""
    color, ls = STYLE[name]
    left, right = m < at, m > at
    ax.plot(m[left], values[left], color=color, ls=ls, label=name, **kwargs)
    ax.plot(m[right], values[right], color=color, ls=ls, **kwargs)


def draw_overview(fig, delta: float = 1.0, threshold: float = 1.0):
    """Every loss of the course and its gradient, in a 2 x 2 grid.

    Top left: regression losses against the residual; top right:
    classification losses against the margin; bottom: their gradients.
    Use a figure about 7 x 5.6 inches.

    Returns
    -------
    ndarray of Axes, shape (2, 2)
    """
    delta = check_positive(delta, "delta")
    r = np.linspace(*R_RANGE, 601)
    m = np.linspace(*M_RANGE, 601)
    axes = fig.subplots(2, 2, sharex="col")
    for name, values in regression_losses(r, delta).items():
        _curve(axes[0, 0], r, values, name)
    for name, values in regression_grads(r, delta).items():
        if name == "MAE":
            _step(axes[1, 0], r, values, name, lw=2.0)
        else:
            _curve(axes[1, 0], r, values, name)
    for name, values in margin_losses(m, threshold).items():
        if name == "0-1":
            _step(axes[0, 1], m, values, name, lw=2.0)
        else:
            _curve(axes[0, 1], m, values, name)
    for name, values in margin_grads(m, threshold).items():
        if name == "hinge":
            _step(axes[1, 1], m, values, name, at=threshold, lw=2.0)
        else:
            _curve(axes[1, 1], m, values, name)
    axes[0, 0].set_ylim(-0.2, 4.0)
    axes[0, 1].set_ylim(-0.2, 4.0)
    axes[1, 0].set_ylim(-3.2, 3.2)
    axes[1, 1].set_ylim(-4.2, 0.5)
    for ax in axes[:, 0]:
        ax.set_xlim(*R_RANGE)
    for ax in axes[:, 1]:
        ax.set_xlim(*M_RANGE)
    axes[0, 0].set_title(rf"Regression (Huber $\delta = {delta:g}$)")
    axes[0, 1].set_title(rf"Classification (hinge threshold {threshold:g})")
    axes[0, 0].set_ylabel("loss of one sample")
    axes[1, 0].set_ylabel("gradient")
    axes[1, 0].set_xlabel(r"residual $r = \hat y - y$")
    axes[1, 1].set_xlabel(r"margin $m = y f$")
    axes[0, 0].legend(loc="upper center")
    axes[0, 1].legend(loc="upper right")
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.09, top=0.94, hspace=0.12, wspace=0.18)
    return axes


class _TwoPanel:
    """An explorer figure: loss (left) and gradient (right) of a family of losses."""

    def __init__(self, static_names, dynamic_names, x_range, xlabel, loss_ylim, grad_ylim):
        self.static_names = static_names
        self.dynamic_names = dynamic_names
        self.x = np.linspace(*x_range, 401)
        self.x_range = x_range
        self.xlabel = xlabel
        self.loss_ylim = loss_ylim
        self.grad_ylim = grad_ylim
        self._backdrop = Backdrop(self._draw_static)   # drawn at the first paste

    def curves(self, value):  # pragma: no cover - overridden
        raise NotImplementedError

    def _draw_static(self, fig, key=None):
        ax, ax2 = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.15, top=0.86, wspace=0.28)
        values, grads = self.curves(None)
        for name in self.static_names:
            for target, data in ((ax, values), (ax2, grads)):
                if name in ("MAE", "0-1") and (target is ax2 or name == "0-1"):
                    _step(target, self.x, data[name], name, lw=1.6)
                else:
                    _curve(target, self.x, data[name], name, lw=1.6)
        handles = [Line2D([], [], color=STYLE[n][0], ls=STYLE[n][1], lw=2.0, label=n)
                   for n in (*self.static_names, *self.dynamic_names)]
        fig.legend(handles=handles, loc="upper center", ncol=len(handles), bbox_to_anchor=(0.5, 1.0))
        for a, ylim, label in ((ax, self.loss_ylim, "loss"), (ax2, self.grad_ylim, "gradient")):
            a.set_xlim(*self.x_range)
            a.set_ylim(*ylim)
            a.set_xlabel(self.xlabel)
            a.set_ylabel(label)
        return [ax, ax2]


class RegressionPanel(_TwoPanel):
    """MSE and MAE fixed, the Huber loss moving with ``delta``."""

    def __init__(self):
        super().__init__(("MSE", "MAE"), ("Huber",), R_RANGE, r"residual $r = \hat y - y$",
                         (-0.2, 4.0), (-3.2, 3.2))
        self._cache = {}

    def curves(self, delta):
        key = 1.0 if delta is None else float(delta)
        if key not in self._cache:
            self._cache[key] = (regression_losses(self.x, key), regression_grads(self.x, key))
        return self._cache[key]

    def draw(self, fig, delta):
        """Draw the frame for Huber's ``delta``."""
        values, grads = self.curves(delta)
        left, right = self._backdrop.paste(fig)
        color, ls = STYLE["Huber"]
        for panel, data in ((left, values), (right, grads)):
            panel.patch(Rectangle((-delta, -10.0), 2 * delta, 30.0, color=color, alpha=0.12,
                                  lw=0, zorder=1))
            panel.line(self.x, data["Huber"], color=color, ls=ls, lw=2.6)
        fig.text(0.5, 0.9, rf"Huber $\delta = {delta:g}$: quadratic inside the band, linear outside",
                 ha="center", va="center", fontsize=10)

    def alt(self, delta) -> str:
        """Alt text of the frame for ``delta``."""
        return (f"Left: loss against the residual from -3 to 3. The squared error is a steep "
                f"parabola and the absolute error a V. The Huber loss with delta {delta:g} follows "
                f"half the parabola inside the band from -{delta:g} to {delta:g} and rises with "
                f"slope {delta:g} outside it. Right: the gradients: the straight line 2r for the "
                f"squared error, a step from -1 to 1 for the absolute error, and for Huber the "
                f"residual clipped at plus or minus {delta:g}.")


class ClassificationPanel(_TwoPanel):
    """Cross-entropy and 0-1 fixed, hinge and squared hinge moving with the threshold."""

    def __init__(self):
        super().__init__(("cross-entropy", "0-1"), ("hinge", "squared hinge"), M_RANGE,
                         r"margin $m = y f$", (-0.2, 4.0), (-4.2, 0.5))
        self._cache = {}

    def curves(self, threshold):
        key = 1.0 if threshold is None else float(threshold)
        if key not in self._cache:
            self._cache[key] = (margin_losses(self.x, key), margin_grads(self.x, key))
        return self._cache[key]

    def draw(self, fig, threshold):
        """Draw the frame for the hinge ``threshold``."""
        values, grads = self.curves(threshold)
        left, right = self._backdrop.paste(fig)
        for panel, data in ((left, values), (right, grads)):
            panel.line([threshold, threshold], [-10.0, 20.0], color=COLORS["data"], lw=0.8, ls=":")
            for name in self.dynamic_names:
                color, ls = STYLE[name]
                y = data[name]
                if panel is right and name == "hinge":   # a step: no riser at the threshold
                    for part in (self.x < threshold, self.x > threshold):
                        panel.line(self.x[part], y[part], color=color, ls=ls, lw=2.4)
                else:
                    panel.line(self.x, y, color=color, ls=ls, lw=2.4)
        fig.text(0.5, 0.9, f"hinge threshold t = {threshold:g}: zero loss once the margin reaches t",
                 ha="center", va="center", fontsize=10)

    def alt(self, threshold) -> str:
        """Alt text of the frame for ``threshold``."""
        t = f"{threshold:g}"
        return (f"Left: loss against the margin from -3 to 3. Cross-entropy decreases smoothly and "
                f"never reaches zero; the 0-1 loss is 1 for margins up to 0 and 0 after. The hinge "
                f"loss is a straight line of slope -1 reaching zero at margin {t}, and the squared "
                f"hinge a parabola reaching zero at {t}. Right: the gradients with respect to the "
                f"margin: cross-entropy between -1 and 0, hinge -1 up to {t} and 0 after, squared "
                f"hinge a line reaching 0 at {t}, and the 0-1 loss zero everywhere.")


def regression_explorer(deltas=DELTAS, initial: float = 1.0) -> Explorer:
    """Explorer of the regression losses; the slider sets Huber's ``delta``."""
    panel = RegressionPanel()
    deltas = [check_positive(d, "delta") for d in deltas]
    ex = Explorer(panel.draw, {"delta": deltas}, title="Regression losses and their gradients",
                  alt=panel.alt, labels={"delta": "Huber delta (δ)"}, initial={"delta": initial})
    ex.panel = panel
    return ex


def classification_explorer(thresholds=THRESHOLDS, initial: float = 1.0) -> Explorer:
    """Explorer of the classification losses; the slider sets the hinge threshold."""
    panel = ClassificationPanel()
    thresholds = [_threshold(t) for t in thresholds]
    ex = Explorer(panel.draw, {"threshold": thresholds},
                  title="Classification losses and their gradients", alt=panel.alt,
                  labels={"threshold": "hinge threshold t"}, initial={"threshold": initial})
    ex.panel = panel
    return ex


def markdown_table(header, rows) -> str:
    """A Markdown table from a header and rows of cells (converted with ``str``).

    Examples
    --------
    >>> print(markdown_table(["loss", "value"], [["MSE", 100.0]]))
    | loss | value |
    |---|---|
    | MSE | 100.0 |
    """
    header = [str(h) for h in header]
    if not header:
        raise ValueError("a table needs at least one column in its header")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for i, row in enumerate(rows):
        cells = [str(c).replace("|", "\\|") for c in row]
        if len(cells) != len(header):
            raise ValueError(f"row {i} has {len(cells)} cells but the header has {len(header)}; "
                             "give every row one cell per column.")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


class Table:
    """A small table that displays as HTML, Markdown or aligned plain text.

    The book and JupyterLab show the HTML; nbval compares every
    representation, so a pinned table is checked cell by cell.

    Examples
    --------
    >>> t = Table(["loss", "value"], [["MSE", "100"], ["MAE", "10"]])
    >>> print(repr(t))
    loss  value
    ----  -----
    MSE   100
    MAE   10
    >>> t._repr_html_().startswith('<table class="table">')
    True
    """

    def __init__(self, header, rows, caption: str | None = None):
        self.header = [str(h) for h in header]
        self.rows = [[str(c) for c in row] for row in rows]
        self.caption = caption
        markdown_table(self.header, self.rows)   # validates the shape

    def _repr_markdown_(self) -> str:
        return markdown_table(self.header, self.rows)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (f'<table class="table">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")

    def __repr__(self) -> str:
        widths = [max(len(r[k]) for r in [self.header, *self.rows]) for k in range(len(self.header))]

        def line(cells):
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

        out = [line(self.header), line(["-" * w for w in widths])]
        out += [line(r) for r in self.rows]
        return "\n".join(out)

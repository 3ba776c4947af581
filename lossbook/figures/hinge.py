"""Figures of chapter 5, *Hinge loss* (``chapters/05_hinge.ipynb``).

* :func:`draw_hinge_family`: the zero-one loss, the hinge and the squared
  hinge against the margin :math:`m = y f`, with the three regions a sample
  can be in (wrong side, inside the margin, safe).
* :func:`make_blobs`: the chapter's seeded two-class data in 2-D, labels -1/+1.
* :func:`unit_classifier` and :func:`margin_report`: a linear classifier
  :math:`f(x) = w \\cdot x - c` with :math:`\\|w\\| = 1`, given by the angle of
  :math:`w` and the offset :math:`c`, and what it does to every point.
* :func:`draw_classifier` and :func:`classifier_explorer`: the explorable
  figure. The reader turns and shifts the boundary; points inside the margin
  or on the wrong side are highlighted, and every point sits on the hinge
  curve in the right panel.
* :func:`draw_svm`: a trained linear classifier (any :math:`\\|w\\|`) with its
  margin lines at :math:`\\pm 1/\\|w\\|` and its support vectors ringed.

Every function validates its input and the data are seeded, so the figures
are the same on every machine.

Examples
--------
>>> X, y = make_blobs()
>>> X.shape, sorted(set(y.tolist()))
((40, 2), [-1.0, 1.0])
>>> report = margin_report(X, y, angle=40, offset=0.5)
>>> int(report["inside"].sum()), int(report["misclassified"].sum())
(7, 0)
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch, Polygon

from .._validation import check_hinge_labels
from ..explore import Explorer
from ..losses import hinge
from ..plotting import COLORS, LINESTYLES, OKABE_ITO
from ._backdrop import Backdrop

__all__ = [
    "ANGLES",
    "OFFSETS",
    "draw_hinge_family",
    "make_blobs",
    "unit_classifier",
    "margin_report",
    "best_unit_boundary",
    "draw_classifier",
    "classifier_alt",
    "classifier_explorer",
    "draw_svm",
]

#: Angles of :math:`w` (degrees from the x-axis) the explorable figure steps through.
ANGLES = (-40, -20, 0, 20, 40, 60, 80, 100, 120)
#: Offsets :math:`c` of the boundary :math:`w \cdot x = c` the explorable figure steps through.
OFFSETS = (-0.5, 0.0, 0.5, 1.0, 1.5)

#: Limits of the scatter plots (equal scales on both axes).
XLIM = (-3.2, 4.0)
YLIM = (-3.4, 3.2)
#: Margins shown in the right panel of the explorable figure.
MARGIN_RANGE = (-3.0, 4.0)

_POS = {"color": COLORS["mse"], "marker": "o", "label": "class +1"}
_NEG = {"color": COLORS["mae"], "marker": "s", "label": "class -1"}
_RING = OKABE_ITO["orange"]
_BAND = OKABE_ITO["yellow"]


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0; got {seed!r}.")
    return int(seed)


def _check_number(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}.") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}.")
    return value


def _check_data(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2): one 2-D point per row; got shape {X.shape}.")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one label per row of X; got shape {y.shape}.")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity; drop or fix those points.")
    check_hinge_labels(y, "y")
    return X, y


# --------------------------------------------------------------------------
# Intuition: the loss against the margin
# --------------------------------------------------------------------------


def draw_hinge_family(fig):
    """Draw the zero-one loss, the hinge and the squared hinge against the margin.

    The background marks the three regions: wrong side (:math:`m < 0`),
    right side but inside the margin (:math:`0 \\le m < 1`), and safe
    (:math:`m \\ge 1`), where the hinge is exactly zero.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> [line.get_label() for line in draw_hinge_family(fig).get_lines()][1:]
    ['hinge  max(0, 1 - m)', 'squared hinge  max(0, 1 - m)²']
    >>> plt.close(fig)
    """
    m = np.linspace(-2.0, 3.0, 501)
    ax = fig.add_subplot()
    fig.subplots_adjust(bottom=0.16)
    ax.axvspan(-2.0, 0.0, color=OKABE_ITO["vermillion"], alpha=0.08, lw=0)
    ax.axvspan(0.0, 1.0, color=_BAND, alpha=0.25, lw=0)
    ax.step(m, (m <= 0).astype(float), where="post", color=COLORS["truth"], lw=1.5,
            label="zero-one loss (1 if wrong)")
    ax.plot(m, np.maximum(0.0, 1.0 - m), color=COLORS["hinge"], ls=LINESTYLES["hinge"],
            label="hinge  max(0, 1 - m)")
    ax.plot(m, np.maximum(0.0, 1.0 - m) ** 2, color=COLORS["squared_hinge"],
            ls=LINESTYLES["squared_hinge"], label="squared hinge  max(0, 1 - m)²")
    for x, text in ((-1.0, "wrong side"), (0.5, "inside\nthe margin"), (2.0, "safe: loss 0")):
        ax.text(x, 3.75, text, ha="center", va="top", fontsize=9)
    ax.set_xlim(-2, 3)
    ax.set_ylim(0, 4)
    ax.set_xlabel("margin  m = y f(x)")
    ax.set_ylabel("loss of this sample")
    ax.set_title("The hinge charges every sample that is not safely on its side")
    ax.legend(loc="center right")
    return ax


# --------------------------------------------------------------------------
# Data and a unit-norm linear classifier
# --------------------------------------------------------------------------


def make_blobs(n_per_class: int = 20, seed: int = 0):
    """Two seeded Gaussian clouds in 2-D with labels +1 and -1.

    Class +1 is centred at (2.0, 1.5), class -1 at (-1.0, -1.3), both with
    standard deviation 0.8; the first ``n_per_class`` rows are class +1.

    Returns
    -------
    X : ndarray, shape (2 * n_per_class, 2)
    y : ndarray, shape (2 * n_per_class,), values -1.0 and +1.0

    Examples
    --------
    >>> X, y = make_blobs(n_per_class=3)
    >>> X.shape, y.tolist()
    ((6, 2), [1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
    """
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a whole number >= 1; got {n_per_class!r}.")
    rng = np.random.default_rng(_check_seed(seed))
    X = np.vstack([rng.normal((2.0, 1.5), 0.8, size=(n_per_class, 2)),
                   rng.normal((-1.0, -1.3), 0.8, size=(n_per_class, 2))])
    y = np.concatenate([np.ones(n_per_class), -np.ones(n_per_class)])
    return X, y


def unit_classifier(angle, offset):
    """Weights and bias of :math:`f(x) = w \\cdot x + b` with :math:`\\|w\\| = 1`.

    ``angle`` is the direction of :math:`w` in degrees (the side it points to
    is class +1) and ``offset`` the signed distance :math:`c` of the boundary
    :math:`w \\cdot x = c` from the origin, so :math:`b = -c`. With
    :math:`\\|w\\| = 1` the score is the signed distance to the boundary and
    the margin lines :math:`f = \\pm 1` lie one unit either side.

    Examples
    --------
    >>> w, b = unit_classifier(90, 0.5)
    >>> w.round(6).tolist(), b
    ([0.0, 1.0], -0.5)
    """
    a = np.radians(_check_number(angle, "angle"))
    return np.array([np.cos(a), np.sin(a)]), -_check_number(offset, "offset")


def margin_report(X, y, angle, offset) -> dict:
    """What the unit-norm classifier at ``angle`` and ``offset`` does to every point.

    Returns
    -------
    dict
        ``scores`` :math:`f(x_i)`, ``margins`` :math:`y_i f(x_i)`, ``losses``
        (hinge of each point), ``mean_loss``, and boolean masks ``inside``
        (margin below 1: the points that cost something) and
        ``misclassified`` (margin below 0).

    Examples
    --------
    >>> X = np.array([[2.0, 0.0], [0.5, 0.0], [-3.0, 0.0]])
    >>> rep = margin_report(X, np.array([1.0, 1.0, 1.0]), angle=0, offset=0.0)
    >>> rep["margins"].tolist(), rep["losses"].tolist(), rep["misclassified"].tolist()
    ([2.0, 0.5, -3.0], [0.0, 0.5, 4.0], [False, False, True])
    """
    X, y = _check_data(X, y)
    w, b = unit_classifier(angle, offset)
    scores = X @ w + b
    margins = y * scores
    losses = hinge(y, scores, reduction="none")
    return {
        "scores": scores,
        "margins": margins,
        "losses": losses,
        "mean_loss": float(losses.mean()),
        "inside": margins < 1.0,
        "misclassified": margins < 0.0,
    }


def best_unit_boundary(X, y, angles=ANGLES, offsets=OFFSETS):
    """The (angle, offset) of the grid with the lowest mean hinge loss, and that loss.

    Examples
    --------
    >>> angle, offset, loss = best_unit_boundary(*make_blobs())
    >>> angle, offset, round(loss, 3)
    (40.0, 0.5, 0.073)
    """
    X, y = _check_data(X, y)
    angles = [_check_number(a, "angle") for a in angles]
    offsets = [_check_number(c, "offset") for c in offsets]
    if not angles or not offsets:
        raise ValueError("give at least one angle and one offset")
    best = min((margin_report(X, y, a, c)["mean_loss"], a, c) for a in angles for c in offsets)
    return best[1], best[2], best[0]


# --------------------------------------------------------------------------
# The explorable figure
# --------------------------------------------------------------------------

_DATA = make_blobs()


def _scatter(ax, X, y, size=30):
    for label, style in ((1.0, _POS), (-1.0, _NEG)):
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=style["color"], marker=style["marker"],
                   edgecolors="white", linewidths=0.5, label=style["label"], zorder=2)


def _scene_axes(fig):
    ax_xy, ax_m = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1], "wspace": 0.25})
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.88)
    ax_xy.set_xlim(*XLIM)
    ax_xy.set_ylim(*YLIM)
    ax_xy.set_aspect("equal", adjustable="box")
    ax_xy.set_xticks([-2, 0, 2, 4])
    ax_xy.set_yticks([-2, 0, 2])
    ax_xy.set_xlabel("$x_1$")
    ax_xy.set_ylabel("$x_2$", labelpad=0)
    return ax_xy, ax_m


def _draw_classifier_static(fig, key=None):
    """Axes, the data and the hinge curve: everything that does not move."""
    X, y = _DATA
    ax_xy, ax_m = _scene_axes(fig)
    _scatter(ax_xy, X, y)
    m = np.linspace(*MARGIN_RANGE, 200)
    ax_m.axvspan(0.0, 1.0, color=_BAND, alpha=0.25, lw=0)
    ax_m.axvspan(MARGIN_RANGE[0], 0.0, color=OKABE_ITO["vermillion"], alpha=0.08, lw=0)
    ax_m.plot(m, np.maximum(0.0, 1.0 - m), color=COLORS["hinge"], ls=LINESTYLES["hinge"], lw=1.5)
    ax_m.set_xlim(*MARGIN_RANGE)
    ax_m.set_ylim(-0.2, 4.2)
    ax_m.set_xticks([-2, 0, 1, 2, 4])
    ax_m.set_yticks([0, 1, 2, 3, 4])
    ax_m.set_xlabel("margin  y f(x) of each point")
    ax_m.set_ylabel("hinge loss", labelpad=0)
    ax_m.legend(handles=_legend_handles(), loc="upper right", fontsize=8, handletextpad=0.3,
                borderaxespad=0.2, labelspacing=0.3)
    return [ax_xy, ax_m]


def _legend_handles():
    from matplotlib.lines import Line2D

    return [
        Line2D([], [], ls="none", marker=_POS["marker"], color=_POS["color"], label="class +1"),
        Line2D([], [], ls="none", marker=_NEG["marker"], color=_NEG["color"], label="class -1"),
        Line2D([], [], ls="none", marker="o", ms=10, mfc="none", mec=_RING, mew=2.0,
               label="inside the margin"),
        Line2D([], [], ls="none", marker="x", ms=8, color=COLORS["truth"], mew=1.6, label="misclassified"),
    ]


_BACKDROP = Backdrop(_draw_classifier_static)
#: Where along the boundary the arrow of w starts (distance from the point nearest the origin).
_FOOT = -1.5


def _line_through(w, level, length=20.0):
    """Two far-apart points of the line :math:`w \\cdot x = level` (unit w)."""
    d = np.array([-w[1], w[0]])
    p = level * w
    return np.array([p - length * d, p + length * d])


def draw_classifier(fig, angle=0, offset=0.0):
    """Draw the data with the boundary :math:`w \\cdot x = c` and its margin lines (left),
    and every point's hinge loss against its margin (right).

    Points inside the margin are ringed; points on the wrong side are also
    crossed. The axes, data and hinge curve are drawn once (see
    :class:`lossbook.figures._backdrop.Backdrop`), so a redraw is fast.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(6.4, 3.6), dpi=80)
    >>> _ = draw_classifier(fig, angle=40, offset=0.5)
    >>> sorted(a.get_text() for a in fig.artists if hasattr(a, "get_text") and "inside" in a.get_text())
    ['7 inside the margin, 0 misclassified']
    >>> plt.close(fig)
    """
    X, y = _DATA
    rep = margin_report(X, y, angle, offset)
    w, b = unit_classifier(angle, offset)
    c = -b
    xy, mm = _BACKDROP.paste(fig)

    lo, hi = _line_through(w, c - 1.0), _line_through(w, c + 1.0)
    xy.patch(Polygon(np.vstack([lo, hi[::-1]]), closed=True, facecolor=_BAND, alpha=0.35,
                     edgecolor="none", zorder=1))
    xy.line(*_line_through(w, c).T, color=COLORS["truth"], lw=2.0, zorder=3)
    for line in (lo, hi):
        xy.line(*line.T, color=COLORS["truth"], lw=1.0, ls="--", zorder=3)
    # the normal w, drawn from the boundary towards the +1 side
    foot = c * w + _FOOT * np.array([-w[1], w[0]])
    xy.patch(FancyArrowPatch(tuple(foot), tuple(foot + 0.9 * w), arrowstyle="-|>", mutation_scale=12,
                             color=COLORS["truth"], lw=1.5, zorder=3))
    xy.text(*(foot + 1.25 * w), "w", ha="center", va="center", fontsize=10, style="italic", clip=True)

    inside, wrong = rep["inside"], rep["misclassified"]
    xy.line(X[inside, 0], X[inside, 1], ls="none", marker="o", ms=11, mfc="none", mec=_RING, mew=2.0, zorder=4)
    xy.line(X[wrong, 0], X[wrong, 1], ls="none", marker="x", ms=9, color=COLORS["truth"], mew=1.6, zorder=5)

    margins, losses = rep["margins"], rep["losses"]
    for label, style in ((1.0, _POS), (-1.0, _NEG)):
        sel = y == label
        mm.line(margins[sel], losses[sel], ls="none", marker=style["marker"], ms=5,
                color=style["color"], mec="white", mew=0.5, zorder=3)
    mm.line(margins[inside], losses[inside], ls="none", marker="o", ms=10, mfc="none", mec=_RING,
            mew=1.8, zorder=4)

    n_in, n_wrong = int(inside.sum()), int(wrong.sum())
    xy.text(0.5 * (XLIM[0] + XLIM[1]), YLIM[1] + 0.35,
            f"{n_in} inside the margin, {n_wrong} misclassified", ha="center", va="bottom", fontsize=10)
    mm.text(0.5 * sum(MARGIN_RANGE), 4.2 + 0.25, f"mean hinge loss = {rep['mean_loss']:.3f}",
            ha="center", va="bottom", fontsize=11)
    return xy, mm


def classifier_alt(angle=0, offset=0.0) -> str:
    """Alt text of :func:`draw_classifier` for one slider position."""
    X, y = _DATA
    rep = margin_report(X, y, angle, offset)
    return (f"Left: {len(y)} points of two classes and a straight boundary whose normal points at "
            f"{float(angle):g} degrees, offset {float(offset):g} from the origin, with dashed margin "
            f"lines one unit either side; {int(rep['inside'].sum())} points lie inside the margin "
            f"(ringed), {int(rep['misclassified'].sum())} of them on the wrong side (crossed). "
            f"Right: every point's hinge loss against its margin; the mean hinge loss is "
            f"{rep['mean_loss']:.3f}.")


def classifier_explorer(angles=ANGLES, offsets=OFFSETS) -> Explorer:
    """The chapter's explorable figure: sliders for the angle and the offset of the boundary.

    Examples
    --------
    >>> ex = classifier_explorer()
    >>> len(ex.params["angle"]) * len(ex.params["offset"]), ex.initial
    (45, {'angle': 0, 'offset': 0.0})
    """
    return Explorer(
        draw_classifier,
        {"angle": list(angles), "offset": list(offsets)},
        title="Move the boundary: the hinge charges the points inside the margin",
        alt=classifier_alt,
        labels={"angle": "angle of w (degrees)", "offset": "offset c"},
        initial={"angle": 0, "offset": 0.0},
    )


# --------------------------------------------------------------------------
# A trained classifier: margin 1/||w|| and support vectors
# --------------------------------------------------------------------------


def draw_svm(fig, X, y, w, b, title="Linear SVM"):
    """Draw data, the boundary :math:`w \\cdot x + b = 0` and the margin lines
    :math:`w \\cdot x + b = \\pm 1` (at distance :math:`1/\\|w\\|`), ringing the
    support vectors: the points with margin :math:`y f \\le 1` (up to 1e-6),
    the only ones whose subgradient is not zero.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> X, y = make_blobs()
    >>> fig = plt.figure()
    >>> ax = draw_svm(fig, X, y, [0.6916, 0.7892], -0.5738)
    >>> ax.get_title()
    'Linear SVM: margin half-width 1/||w|| = 0.953'
    >>> plt.close(fig)
    """
    X, y = _check_data(X, y)
    w = np.asarray(w, dtype=float)
    if w.shape != (2,) or not np.all(np.isfinite(w)) or not np.any(w):
        raise ValueError(f"w must be two finite numbers, not both zero; got {w!r}.")
    b = _check_number(b, "b")
    norm = float(np.linalg.norm(w))
    unit, c = w / norm, -b / norm
    margins = y * (X @ w + b)
    support = margins <= 1.0 + 1e-6
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.02, right=0.72, bottom=0.14, top=0.9)
    ax.set_anchor("E")
    lo, hi = _line_through(unit, c - 1.0 / norm), _line_through(unit, c + 1.0 / norm)
    ax.add_patch(Polygon(np.vstack([lo, hi[::-1]]), closed=True, facecolor=_BAND, alpha=0.35,
                         edgecolor="none", zorder=1))
    ax.plot(*_line_through(unit, c).T, color=COLORS["truth"], lw=2.0, label="boundary  f = 0")
    ax.plot(*lo.T, color=COLORS["truth"], lw=1.0, ls="--", label="margin lines  f = ±1")
    ax.plot(*hi.T, color=COLORS["truth"], lw=1.0, ls="--")
    _scatter(ax, X, y)
    ax.scatter(X[support, 0], X[support, 1], s=140, facecolors="none", edgecolors=_RING,
               linewidths=2.0, zorder=3, label=f"support vectors ({int(support.sum())})")
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"{title}: margin half-width 1/||w|| = {1 / norm:.3f}")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    return ax

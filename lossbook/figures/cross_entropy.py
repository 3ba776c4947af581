"""Figures of chapter 3, *Cross-entropy with softmax* (``chapters/03_cross_entropy.ipynb``).

* :func:`draw_confident_mistakes`: the loss of the true class, :math:`-\\ln p`,
  against the probability :math:`p` the model gave it, beside the squared
  error :math:`(1-p)^2`, which barely punishes a confident mistake.
* :func:`draw_logit_gradients`: the gradient with respect to the logit of
  cross-entropy (:math:`\\sigma(z) - y`) and of the squared error through a
  sigmoid, which vanishes when the model is confidently right and also when
  it is confidently wrong.
* :func:`softmax_state`, :func:`draw_softmax` and :func:`softmax_explorer`:
  the explorable figure, where the reader moves the true class's logit and a
  temperature and watches the softmax bars and the loss of the true class.
* :func:`smoothing_curve` and :func:`draw_label_smoothing`: the loss against
  the gap between the true logit and the others, with and without label
  smoothing; with smoothing the best gap is finite.

Every function validates its input; nothing here is random.

Examples
--------
>>> state = softmax_state(2.0, 1.0)          # logits 2.0, 1.0, 0.1; true class 0
>>> state["probs"].round(3)
array([0.659, 0.242, 0.099])
>>> round(state["loss"], 3)
0.417
>>> round(best_smoothing_gap(0.1, 3), 4)     # ln(0.9333 / 0.0333) = ln 28
3.3322
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ..explore import Explorer
from ..losses import cross_entropy, log_softmax, sigmoid, softmax
from ..plotting import COLORS, LINESTYLES, OKABE_ITO
from ._backdrop import Backdrop

__all__ = [
    "CLASS_NAMES",
    "OTHER_LOGITS",
    "TRUE_LOGITS",
    "TEMPERATURES",
    "draw_confident_mistakes",
    "logit_gradients",
    "draw_logit_gradients",
    "softmax_state",
    "draw_softmax",
    "softmax_alt",
    "softmax_explorer",
    "best_smoothing_gap",
    "smoothing_curve",
    "draw_label_smoothing",
]

#: The three classes of the chapter's running example; the true class is the first.
CLASS_NAMES = ("cat", "dog", "fox")
#: Logits of the two wrong classes, fixed in the explorable figure (the chapter's
#: worked example has logits 2.0, 1.0, 0.1 with the true class first).
OTHER_LOGITS = (1.0, 0.1)
#: Values of the true class's logit the explorable figure steps through.
TRUE_LOGITS = (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0)
#: Temperatures of the explorable figure: below 1 sharpens the softmax, above 1 flattens it.
TEMPERATURES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)

_TRUE_COLOR = COLORS["cross_entropy"]
_OTHER_COLOR = COLORS["data"]


def _check_finite(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}.") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}.")
    return value


def _check_temperature(temperature) -> float:
    t = _check_finite(temperature, "temperature")
    if t <= 0:
        raise ValueError(
            f"temperature must be positive; got {t}. Use T < 1 to sharpen the softmax, "
            "T > 1 to flatten it, T = 1 for the plain softmax."
        )
    return t


def _check_smoothing(eps, num_classes) -> tuple[float, int]:
    eps = _check_finite(eps, "label_smoothing")
    if not 0.0 <= eps < 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1); got {eps}. Typical values are 0.05 to 0.2.")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 2:
        raise ValueError(f"num_classes must be a whole number >= 2; got {num_classes!r}.")
    return eps, int(num_classes)


# --------------------------------------------------------------------------
# Why cross-entropy punishes confident mistakes
# --------------------------------------------------------------------------


def draw_confident_mistakes(fig, marks=(0.8, 0.2, 0.01)):
    """Draw :math:`-\\ln p` and :math:`(1-p)^2` against the probability of the true class.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure to draw on.
    marks : sequence of float in (0, 1]
        Probabilities to mark on the cross-entropy curve with their loss.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> ax = draw_confident_mistakes(fig)
    >>> [t.get_text() for t in ax.texts]
    ['p = 0.8: 0.223', 'p = 0.2: 1.609', 'p = 0.01: 4.605']
    >>> plt.close(fig)
    """
    marks = np.asarray(marks, dtype=float)
    if marks.ndim != 1 or np.any(~np.isfinite(marks)) or np.any(marks <= 0) or np.any(marks > 1):
        raise ValueError("marks must be probabilities in (0, 1]; -ln p is infinite at p = 0.")
    p = np.linspace(0.005, 1.0, 400)
    ax = fig.add_subplot()
    fig.subplots_adjust(bottom=0.15)
    ax.plot(p, -np.log(p), color=COLORS["cross_entropy"], ls=LINESTYLES["cross_entropy"],
            label=r"cross-entropy $-\ln p$")
    ax.plot(p, (1 - p) ** 2, color=COLORS["mse"], ls=LINESTYLES["mae"],
            label=r"squared error $(1-p)^2$")
    for m in marks:
        loss = -np.log(m)
        ax.plot([m], [loss], "o", color=COLORS["cross_entropy"], ms=6)
        ax.annotate(f"p = {m:g}: {loss:.3f}", (m, loss), xytext=(8, 6), textcoords="offset points",
                    fontsize=9)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 5.6)
    ax.set_xlabel("probability the model gives the true class, $p$")
    ax.set_ylabel("loss of this sample")
    ax.set_title("A confident mistake costs without bound under cross-entropy")
    ax.legend(loc="upper right")
    return ax


def logit_gradients(logits):
    """Gradients with respect to the logit :math:`z`, for a sample whose label is 1.

    Returns ``(ce, sq)``: :math:`\\sigma(z) - 1` for binary cross-entropy, and
    :math:`2(\\sigma(z) - 1)\\,\\sigma(z)(1-\\sigma(z))` for the squared error
    :math:`(\\sigma(z) - 1)^2` (chain rule through the sigmoid).

    Examples
    --------
    >>> ce, sq = logit_gradients([-10.0, 0.0])
    >>> ce.round(4).tolist(), sq.round(4).tolist()
    ([-1.0, -0.5], [-0.0001, -0.25])
    """
    z = np.asarray(logits, dtype=float)
    if np.any(~np.isfinite(z)):
        raise ValueError("logits must be finite numbers.")
    p = sigmoid(z)
    return p - 1.0, 2.0 * (p - 1.0) * p * (1.0 - p)


def draw_logit_gradients(fig):
    """Draw both gradients of :func:`logit_gradients` for logits from -8 to 8.

    The left end is a confident mistake (a label-1 sample with a very
    negative logit): cross-entropy pushes with slope -1, the squared error
    hardly at all.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> len(draw_logit_gradients(fig).get_lines())   # zero line and two gradients
    3
    >>> plt.close(fig)
    """
    z = np.linspace(-8, 8, 400)
    ce, sq = logit_gradients(z)
    ax = fig.add_subplot()
    fig.subplots_adjust(bottom=0.15, left=0.14)
    ax.axhline(0, color="#999999", lw=0.8)
    ax.plot(z, ce, color=COLORS["cross_entropy"], ls=LINESTYLES["cross_entropy"],
            label=r"cross-entropy: $\sigma(z) - 1$")
    ax.plot(z, sq, color=COLORS["mse"], ls=LINESTYLES["mae"],
            label=r"squared error: $2(\sigma(z)-1)\,\sigma(z)(1-\sigma(z))$")
    ax.axvspan(-8, -3, color=OKABE_ITO["vermillion"], alpha=0.08, lw=0)
    ax.text(-7.8, -0.62, "confidently wrong:\nsquared error's\ngradient vanishes", fontsize=9, va="top")
    ax.set_xlim(-8, 8)
    ax.set_ylim(-1.1, 0.15)
    ax.set_xlabel("logit $z$ of a sample whose label is 1")
    ax.set_ylabel(r"gradient $\partial \ell / \partial z$")
    ax.set_title("Gradient with respect to the logit")
    ax.legend(loc="lower right")
    return ax


# --------------------------------------------------------------------------
# The explorable figure: logits, temperature, softmax bars, loss
# --------------------------------------------------------------------------


def softmax_state(true_logit, temperature=1.0, other_logits=OTHER_LOGITS):
    """Probabilities and loss of the three-class example at one slider position.

    The logits are ``[true_logit, *other_logits]``, the true class is class
    0, and the softmax is taken of the logits divided by ``temperature``.

    Returns
    -------
    dict
        ``logits`` (array), ``probs`` (softmax of logits / T), ``loss``
        (cross-entropy of the true class, :math:`-\\ln p_0`).

    Examples
    --------
    >>> cold = softmax_state(0.0, temperature=0.25)   # cat below dog, sharpened
    >>> round(cold["loss"], 3)
    4.045
    """
    z0 = _check_finite(true_logit, "true_logit")
    t = _check_temperature(temperature)
    others = np.asarray(other_logits, dtype=float)
    if others.ndim != 1 or others.size < 1 or np.any(~np.isfinite(others)):
        raise ValueError("other_logits must be a 1-D sequence of finite numbers (the wrong classes' logits).")
    logits = np.concatenate([[z0], others])
    scaled = logits[None, :] / t
    return {
        "logits": logits,
        "probs": softmax(scaled)[0],
        "loss": cross_entropy([0], scaled),
    }


#: The loss panel's curve runs over these true logits.
_CURVE_Z = np.linspace(-3.0, 6.0, 181)


def _loss_curve(temperature: float) -> np.ndarray:
    others = np.broadcast_to(np.asarray(OTHER_LOGITS), (_CURVE_Z.size, len(OTHER_LOGITS)))
    logits = np.column_stack([_CURVE_Z, others]) / temperature
    return -log_softmax(logits, axis=1)[:, 0]


def _draw_softmax_static(fig, temperature):
    """Axes, labels and the loss curve of one temperature: the static layer."""
    ax_bar, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25], "wspace": 0.35})
    fig.subplots_adjust(bottom=0.2, top=0.88)
    ax_bar.set_xlim(-0.6, 2.6)
    ax_bar.set_ylim(0, 1.12)
    ax_bar.set_xticks(range(3))
    ax_bar.set_xticklabels([f"{CLASS_NAMES[0]} (true)", *CLASS_NAMES[1:]])
    ax_bar.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax_bar.tick_params(axis="x", length=0)
    ax_bar.grid(axis="x", visible=False)
    ax_bar.set_ylabel(f"softmax(z / {temperature:g})")
    ax_bar.set_title(f"Probabilities at T = {temperature:g}", y=1.02)

    if temperature != 1.0:
        ax_loss.plot(_CURVE_Z, _loss_curve(1.0), color="#777777", lw=1.2, ls=":", label="T = 1")
    ax_loss.plot(_CURVE_Z, _loss_curve(temperature), color=COLORS["cross_entropy"],
                 label=f"T = {temperature:g}")
    ax_loss.set_xlim(_CURVE_Z[0], _CURVE_Z[-1])
    ax_loss.set_ylim(-0.3, 8)
    ax_loss.set_xticks([-2, 0, 2, 4, 6])
    ax_loss.set_yticks([0, 2, 4, 6, 8])
    ax_loss.set_xlabel(f"logit of the true class ({CLASS_NAMES[0]})")
    ax_loss.set_ylabel("loss  -ln p(cat)")
    ax_loss.legend(loc="upper right")
    return [ax_bar, ax_loss]


_BACKDROP = Backdrop(_draw_softmax_static)


def draw_softmax(fig, true_logit=2.0, temperature=1.0):
    """Draw the softmax bars (left) and the loss of the true class (right).

    Left: the probability of each class, the true class highlighted (colour
    and hatching), with each class's logit under its name. Right: the loss
    :math:`-\\ln p_{\\text{cat}}` as the true logit varies, at this temperature
    (solid) and at T = 1 (dotted, for reference), with a dot at the current
    logit. The axes are drawn once per temperature (see
    :class:`lossbook.figures._backdrop.Backdrop`), so a redraw is fast.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(6.4, 3.6), dpi=80)
    >>> bars, curve = draw_softmax(fig, true_logit=2.0, temperature=1.0)
    >>> [a.get_text() for a in fig.artists if hasattr(a, "get_text")][-1]
    'loss = 0.417'
    >>> plt.close(fig)
    """
    state = softmax_state(true_logit, temperature)
    t = _check_temperature(temperature)
    probs, loss, logits = state["probs"], state["loss"], state["logits"]
    bars, curve = _BACKDROP.paste(fig, key=t)
    for k, (p, z) in enumerate(zip(probs, logits)):
        true = k == 0
        bars.patch(Rectangle((k - 0.4, 0.0), 0.8, p, facecolor=_TRUE_COLOR if true else _OTHER_COLOR,
                             edgecolor="black", linewidth=0.6, hatch="//" if true else None))
        bars.text(k, p + 0.02, f"{p:.3f}", ha="center", va="bottom", fontsize=9)
        bars.text(k, -0.16, f"z = {z:g}", ha="center", va="top", fontsize=8, color="#333333")
    curve.line([logits[0]], [loss], ls="none", marker="o", color=OKABE_ITO["vermillion"], ms=8, zorder=4)
    x_mid = 0.5 * (_CURVE_Z[0] + _CURVE_Z[-1])
    curve.text(x_mid, 8 * 1.04, f"loss = {loss:.3f}", ha="center", va="bottom",
               fontsize=plt.rcParams["axes.titlesize"])
    return bars, curve


def softmax_alt(true_logit=2.0, temperature=1.0) -> str:
    """Alt text of :func:`draw_softmax` at one slider position."""
    state = softmax_state(true_logit, temperature)
    p = state["probs"]
    shares = ", ".join(f"{name} {q:.3f}" for name, q in zip(CLASS_NAMES, p))
    return (f"Softmax bars at temperature {float(temperature):g} with the true class cat at logit "
            f"{float(true_logit):g} (dog 1, fox 0.1): probabilities {shares}. The loss of the "
            f"true class is {state['loss']:.3f}, marked on a curve that falls as the cat logit rises.")


def softmax_explorer(true_logits=TRUE_LOGITS, temperatures=TEMPERATURES) -> Explorer:
    """The chapter's explorable figure: a slider for the true logit and one for the temperature.

    Examples
    --------
    >>> ex = softmax_explorer()
    >>> len(ex.params["true_logit"]) * len(ex.params["temperature"])
    48
    >>> ex.render(true_logit=2.0, temperature=1.0)[:4] == b"\\x89PNG"
    True
    """
    return Explorer(
        draw_softmax,
        {"true_logit": list(true_logits), "temperature": list(temperatures)},
        title="Softmax and the loss of the true class",
        alt=softmax_alt,
        labels={"true_logit": "logit of cat (true)", "temperature": "temperature T"},
        initial={"true_logit": 2.0, "temperature": 1.0},
    )


# --------------------------------------------------------------------------
# Label smoothing: the best logit gap becomes finite
# --------------------------------------------------------------------------


def best_smoothing_gap(label_smoothing, num_classes) -> float:
    """Logit gap (true minus each other class) that minimises the smoothed loss.

    With targets :math:`q_{\\text{true}} = 1 - \\varepsilon + \\varepsilon/C` and
    :math:`\\varepsilon/C` elsewhere, the loss is smallest when the softmax
    equals :math:`q`, that is at a gap of
    :math:`\\ln\\bigl((1 - \\varepsilon + \\varepsilon/C) / (\\varepsilon/C)\\bigr)`.
    Without smoothing (:math:`\\varepsilon = 0`) the gap is infinite.
    """
    eps, c = _check_smoothing(label_smoothing, num_classes)
    if eps == 0.0:
        return float("inf")
    return float(np.log((1.0 - eps + eps / c) / (eps / c)))


def smoothing_curve(gaps, label_smoothing, num_classes=3):
    """Cross-entropy of a sample whose true logit is ``gap`` above all others.

    Computed with :func:`lossbook.cross_entropy` on logits
    ``[gap, 0, ..., 0]`` and PyTorch's smoothing.

    Examples
    --------
    >>> smoothing_curve([0.0, np.log(28.0)], 0.1, 3).round(3)   # ln 3, then the floor H(q)
    array([1.099, 0.291])
    """
    eps, c = _check_smoothing(label_smoothing, num_classes)
    g = np.asarray(gaps, dtype=float)
    if g.ndim != 1 or np.any(~np.isfinite(g)):
        raise ValueError("gaps must be a 1-D array of finite numbers.")
    logits = np.zeros((g.size, c))
    logits[:, 0] = g
    return cross_entropy(np.zeros(g.size, dtype=int), logits, label_smoothing=eps, reduction="none")


def draw_label_smoothing(fig, label_smoothing=0.1, num_classes=3):
    """Draw the loss against the logit gap, without and with label smoothing.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> ax = draw_label_smoothing(fig, 0.1, 3)
    >>> ax.texts[0].get_text()
    'best gap 3.33, loss 0.291'
    >>> plt.close(fig)
    """
    eps, c = _check_smoothing(label_smoothing, num_classes)
    if eps == 0.0:
        raise ValueError("label_smoothing must be > 0 for this figure: it compares smoothing with none.")
    gaps = np.linspace(-2.0, 10.0, 300)
    ax = fig.add_subplot()
    fig.subplots_adjust(bottom=0.15)
    ax.plot(gaps, smoothing_curve(gaps, 0.0, c), color=COLORS["cross_entropy"],
            ls=LINESTYLES["cross_entropy"], label="one-hot target")
    ax.plot(gaps, smoothing_curve(gaps, eps, c), color=COLORS["huber"], ls=LINESTYLES["huber"],
            label=f"label smoothing $\\varepsilon$ = {eps:g}")
    best = best_smoothing_gap(eps, c)
    floor = float(smoothing_curve([best], eps, c)[0])
    ax.plot([best], [floor], "o", color=COLORS["huber"], ms=7)
    ax.annotate(f"best gap {best:.2f}, loss {floor:.3f}", (best, floor), xytext=(0, 18),
                textcoords="offset points", ha="center", fontsize=9)
    ax.set_xlim(gaps[0], gaps[-1])
    ax.set_ylim(0, 2.6)
    ax.set_xlabel("logit gap: true class minus each other class")
    ax.set_ylabel("loss of this sample")
    ax.set_title(f"{c} classes: smoothing stops the push towards infinite logits")
    ax.legend(loc="upper right")
    return ax

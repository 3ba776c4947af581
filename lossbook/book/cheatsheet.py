"""The course's one-page cheat sheet, generated from one table so it cannot drift.

Each :class:`Entry` holds what the page prints for one loss (its formula and
gradient in LaTeX, the output activation it pairs with, when to use it, its
names in PyTorch, Keras and scikit-learn, and its main pitfall) **and** the same
formula and gradient as NumPy code (``value`` and ``grad``). The tests check
that code against :mod:`lossbook.losses` (values and gradients, by finite
differences too) and check every library name against the installed library,
so a wrong row fails a test instead of reaching a printed page.

Write the page with::

    python -m lossbook.book.cheatsheet            # rewrites pages/cheat_sheet.md
    python -m lossbook.book.cheatsheet --check    # exit 1 when the page is stale

A test fails when ``pages/cheat_sheet.md`` differs from what this module
generates.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import losses

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "cheat_sheet.md"


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _one_hot(labels, c):
    return np.eye(c)[np.asarray(labels, dtype=int)]


@dataclass(frozen=True)
class Entry:
    """One loss on the cheat sheet.

    ``value(y, out)`` and ``grad(y, out)`` restate the printed formula and
    gradient in NumPy (mean over the n samples; the gradient is that of the
    mean with respect to ``out``). ``reference`` and ``reference_grad`` are
    the :mod:`lossbook.losses` functions they must agree with. ``kind`` says
    what test data suits the loss: ``"regression"`` (real targets),
    ``"binary01"`` (0/1 labels, logits), ``"binary_pm"`` (-1/+1 labels,
    scores) or ``"multiclass"`` (integer labels, (n, C) scores).
    ``pytorch``, ``keras`` and ``sklearn`` are dotted names under ``torch``,
    ``keras`` and ``sklearn``, each checked to exist, or ``""`` where the
    library has no such loss. Further kinds: ``"positive"`` (positive targets
    and predictions), ``"counts"`` (counts and positive rates),
    ``"probs01"`` (0/1 labels, probabilities) and ``"distributions"`` (rows
    of two probability vectors).
    """

    name: str
    formula: str
    gradient: str
    activation: str
    use_when: str
    pitfall: str
    pytorch: str
    pytorch_note: str
    keras: str
    keras_note: str
    sklearn: str
    sklearn_note: str
    kind: str
    value: Callable
    grad: Callable
    reference: Callable
    reference_grad: Callable


def _huber_value(y, out, delta=1.0):
    r = out - y
    a = np.abs(r)
    return np.mean(np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)))


def _ww_value(labels, scores):
    n, c = scores.shape
    correct = scores[np.arange(n), labels][:, None]
    v = np.maximum(0.0, scores - correct + 1.0)
    v[np.arange(n), labels] = 0.0
    return v.sum(axis=1).mean()


def _ww_grad(labels, scores):
    n, c = scores.shape
    correct = scores[np.arange(n), labels][:, None]
    active = (scores - correct + 1.0 > 0).astype(float)
    active[np.arange(n), labels] = 0.0
    g = active.copy()
    g[np.arange(n), labels] = -active.sum(axis=1)
    return g / n


ENTRIES: tuple[Entry, ...] = (
    Entry(
        name="Mean squared error (MSE)",
        formula=r"$\frac{1}{n}\sum_i (\hat y_i - y_i)^2$",
        gradient=r"$\frac{2}{n}(\hat y_i - y_i)$",
        activation="identity (none)",
        use_when="regression where large errors matter most; its minimiser is the conditional mean",
        pitfall="one outlier dominates the fit, because errors are squared",
        pytorch="nn.MSELoss", pytorch_note="",
        keras="losses.MeanSquaredError", keras_note="",
        sklearn="metrics.mean_squared_error", sklearn_note="",
        kind="regression",
        value=lambda y, out: np.mean((out - y) ** 2),
        grad=lambda y, out: 2.0 * (out - y) / out.size,
        reference=losses.mse, reference_grad=losses.mse_grad,
    ),
    Entry(
        name="Mean absolute error (MAE)",
        formula=r"$\frac{1}{n}\sum_i \lvert \hat y_i - y_i \rvert$",
        gradient=r"$\frac{1}{n}\operatorname{sign}(\hat y_i - y_i)$, any value in $[-\frac{1}{n}, \frac{1}{n}]$ at 0",
        activation="identity (none)",
        use_when="regression with outliers; its minimiser is the conditional median",
        pitfall="the gradient keeps its size near the optimum: a fixed step size oscillates",
        pytorch="nn.L1Loss", pytorch_note="",
        keras="losses.MeanAbsoluteError", keras_note="",
        sklearn="metrics.mean_absolute_error", sklearn_note="",
        kind="regression",
        value=lambda y, out: np.mean(np.abs(out - y)),
        grad=lambda y, out: np.sign(out - y) / out.size,
        reference=losses.mae, reference_grad=losses.mae_grad,
    ),
    Entry(
        name=r"Huber, $\delta = 1$",
        formula=(r"$\frac{1}{n}\sum_i h(r_i)$, $r_i = \hat y_i - y_i$; $h(r) = \frac{1}{2}r^2$ if "
                 r"$\lvert r\rvert \le \delta$, else $\delta(\lvert r\rvert - \frac{1}{2}\delta)$"),
        gradient=r"$\frac{1}{n}\operatorname{clip}(r_i, -\delta, \delta)$",
        activation="identity (none)",
        use_when="regression with a few outliers, when small errors should still count quadratically",
        pitfall=r"$\delta$ is in the units of $y$; PyTorch's SmoothL1Loss with $\beta = \delta$ is Huber divided by $\delta$",
        pytorch="nn.HuberLoss", pytorch_note="(delta=1.0)",
        keras="losses.Huber", keras_note="(delta=1.0)",
        sklearn="linear_model.HuberRegressor",
        sklearn_note=("a model, not a loss: it minimises s + 2 s h(r / s) per sample, h the Huber "
                      "loss with delta = epsilon, and fits the scale s too"),
        kind="regression",
        value=_huber_value,
        grad=lambda y, out: np.clip(out - y, -1.0, 1.0) / out.size,
        reference=losses.huber, reference_grad=losses.huber_grad,
    ),
    Entry(
        name="Binary cross-entropy",
        formula=(r"$-\frac{1}{n}\sum_i \left[y_i \log p_i + (1 - y_i)\log(1 - p_i)\right]$, "
                 r"$p_i = \sigma(z_i)$"),
        gradient=r"$\frac{1}{n}(\sigma(z_i) - y_i)$ with respect to the logit $z_i$",
        activation="sigmoid",
        use_when="two classes, or several independent yes/no labels",
        pitfall="computing log of a sigmoid that rounded to 0 or 1: give the logits to the with-logits form",
        pytorch="nn.BCEWithLogitsLoss", pytorch_note="(takes logits)",
        keras="losses.BinaryCrossentropy", keras_note="(from_logits=True)",
        sklearn="metrics.log_loss", sklearn_note="(takes probabilities)",
        kind="binary01",
        value=lambda y, z: -np.mean(y * np.log(_sigmoid(z)) + (1 - y) * np.log(1 - _sigmoid(z))),
        grad=lambda y, z: (_sigmoid(z) - y) / z.size,
        reference=losses.binary_cross_entropy_with_logits,
        reference_grad=losses.binary_cross_entropy_with_logits_grad,
    ),
    Entry(
        name="Cross-entropy (softmax)",
        formula=r"$-\frac{1}{n}\sum_i \log \operatorname{softmax}(z_i)_{y_i}$",
        gradient=r"$\frac{1}{n}\left(\operatorname{softmax}(z_i) - e_{y_i}\right)$ with respect to the logits $z_i$",
        activation="softmax",
        use_when="one class out of C",
        pitfall="applying softmax before a loss that takes logits (softmax twice)",
        pytorch="nn.CrossEntropyLoss", pytorch_note="(takes logits)",
        keras="losses.SparseCategoricalCrossentropy", keras_note="(from_logits=True)",
        sklearn="metrics.log_loss", sklearn_note="(takes probabilities)",
        kind="multiclass",
        value=lambda labels, z: -np.mean(np.log(_softmax(z)[np.arange(len(labels)), labels])),
        grad=lambda labels, z: (_softmax(z) - _one_hot(labels, z.shape[1])) / len(labels),
        reference=losses.cross_entropy, reference_grad=losses.cross_entropy_grad,
    ),
    Entry(
        name="Hinge",
        formula=r"$\frac{1}{n}\sum_i \max(0, 1 - y_i f_i)$, $y_i \in \{-1, +1\}$",
        gradient=r"$-\frac{y_i}{n}$ where $y_i f_i \le 1$, else 0 (a subgradient)",
        activation="none (a raw score; its sign is the class)",
        use_when="two classes, when a margin matters more than probabilities",
        pitfall="labels must be -1/+1 (Keras silently converts 0/1; lossbook raises an error)",
        pytorch="nn.HingeEmbeddingLoss",
        pytorch_note="is a different loss; write clamp(1 - y * f, min=0).mean()",
        keras="losses.Hinge", keras_note="",
        sklearn="metrics.hinge_loss", sklearn_note="",
        kind="binary_pm",
        value=lambda y, f: np.mean(np.maximum(0.0, 1.0 - y * f)),
        grad=lambda y, f: np.where(y * f <= 1.0, -y, 0.0) / f.size,
        reference=losses.hinge, reference_grad=losses.hinge_grad,
    ),
    Entry(
        name="Multiclass hinge (Weston-Watkins)",
        formula=r"$\frac{1}{n}\sum_i \sum_{j \ne y_i} \max(0, 1 + f_{ij} - f_{i y_i})$",
        gradient=(r"$\frac{1}{n}$ on each wrong class $j$ whose term is positive, minus $\frac{1}{n}$ "
                  r"times their count on the true class"),
        activation="none (raw class scores)",
        use_when="one class out of C, with margins",
        pitfall="variants differ: PyTorch divides by C; scikit-learn and Keras keep only the largest wrong class",
        pytorch="nn.MultiMarginLoss", pytorch_note="(this sum divided by C)",
        keras="losses.CategoricalHinge", keras_note="(largest wrong score, floored at 0; one-hot targets)",
        sklearn="metrics.hinge_loss", sklearn_note="(largest wrong class only)",
        kind="multiclass",
        value=_ww_value,
        grad=_ww_grad,
        reference=losses.multiclass_hinge, reference_grad=None,
    ),
    Entry(
        name=r"Pinball, quantile $q$",
        formula=r"$\frac{1}{n}\sum_i \max\left(q r_i, (q - 1) r_i\right)$, $r_i = y_i - \hat y_i$",
        gradient=r"$\frac{1}{n}(\mathbb{1}[\hat y_i > y_i] - q)$ (a subgradient)",
        activation="identity (none)",
        use_when="a quantile, or with two quantiles a prediction interval",
        pitfall="one quantile line per q; lines fitted separately can cross",
        pytorch="", pytorch_note="",
        keras="", keras_note="",
        sklearn="metrics.mean_pinball_loss", sklearn_note="(alpha=q)",
        kind="regression",
        value=lambda y, out: np.mean(np.maximum(0.5 * (y - out), -0.5 * (y - out))),
        grad=lambda y, out: ((out > y).astype(float) - 0.5) / out.size,
        reference=losses.pinball, reference_grad=losses.pinball_grad,
    ),
    Entry(
        name="Mean squared log error (MSLE)",
        formula=r"$\frac{1}{n}\sum_i \left(\log(1 + \hat y_i) - \log(1 + y_i)\right)^2$",
        gradient=r"$\frac{2}{n}\,\frac{\log(1 + \hat y_i) - \log(1 + y_i)}{1 + \hat y_i}$",
        activation="identity, or exp of the output",
        use_when="relative errors: a 10 % miss costs the same at every size",
        pitfall="its minimiser lies below the mean: totals come out too low",
        pytorch="", pytorch_note="",
        keras="losses.MeanSquaredLogarithmicError", keras_note="",
        sklearn="metrics.mean_squared_log_error", sklearn_note="",
        kind="positive",
        value=lambda y, out: np.mean((np.log1p(out) - np.log1p(y)) ** 2),
        grad=lambda y, out: 2.0 * (np.log1p(out) - np.log1p(y)) / ((1.0 + out) * out.size),
        reference=losses.msle, reference_grad=losses.msle_grad,
    ),
    Entry(
        name="Poisson deviance",
        formula=r"$\frac{1}{n}\sum_i 2\left(y_i \log\frac{y_i}{\hat y_i} - y_i + \hat y_i\right)$",
        gradient=r"$\frac{2}{n}\left(1 - \frac{y_i}{\hat y_i}\right)$",
        activation="exp (the log link)",
        use_when="counts, and totals that must come out right",
        pitfall=r"the libraries' Poisson losses are the likelihood: half this, plus a term of $y$ alone",
        pytorch="nn.PoissonNLLLoss", pytorch_note="(the likelihood; takes a log-rate unless log_input=False)",
        keras="losses.Poisson", keras_note="(the likelihood, of a rate)",
        sklearn="metrics.mean_poisson_deviance", sklearn_note="",
        kind="counts",
        value=lambda y, out: np.mean(2.0 * (np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / out), 0.0)
                                            - y + out)),
        grad=lambda y, out: 2.0 * (1.0 - y / out) / out.size,
        reference=losses.poisson_deviance, reference_grad=losses.poisson_deviance_grad,
    ),
    Entry(
        name="Gamma deviance",
        formula=r"$\frac{1}{n}\sum_i 2\left(\log\frac{\hat y_i}{y_i} + \frac{y_i}{\hat y_i} - 1\right)$",
        gradient=r"$\frac{2}{n}\,\frac{\hat y_i - y_i}{\hat y_i^2}$",
        activation="exp (the log link)",
        use_when="positive, skewed amounts such as claim sizes",
        pitfall="targets must be strictly positive: a zero amount is undefined",
        pytorch="", pytorch_note="",
        keras="", keras_note="",
        sklearn="metrics.mean_gamma_deviance", sklearn_note="",
        kind="positive",
        value=lambda y, out: np.mean(2.0 * (np.log(out / y) + y / out - 1.0)),
        grad=lambda y, out: 2.0 * (out - y) / (out**2 * out.size),
        reference=losses.gamma_deviance, reference_grad=losses.gamma_deviance_grad,
    ),
    Entry(
        name=r"Binary focal, $\gamma = 2$",
        formula=(r"$-\frac{1}{n}\sum_i (1 - p_{t,i})^\gamma \log p_{t,i}$, $p_{t,i} = p_i$ if $y_i = 1$, "
                 r"else $1 - p_i$"),
        gradient=(r"$\frac{\pm 1}{n}\left[\gamma (1 - p_t)^{\gamma - 1}\log p_t - \frac{(1 - p_t)^\gamma}{p_t}\right]$"
                  r" with respect to $p_i$ ($+$ if $y_i = 1$)"),
        activation="sigmoid",
        use_when="many easy negatives: it down-weights the well-classified",
        pitfall="its probabilities are biased towards 0.5: recalibrate them",
        pytorch="", pytorch_note="",
        keras="losses.BinaryFocalCrossentropy", keras_note="(gamma=2.0)",
        sklearn="", sklearn_note="",
        kind="probs01",
        value=lambda y, p: -np.mean((1 - np.where(y == 1, p, 1 - p)) ** 2 * np.log(np.where(y == 1, p, 1 - p))),
        grad=lambda y, p: np.where(y == 1, 1.0, -1.0) * (
            2.0 * (1 - np.where(y == 1, p, 1 - p)) * np.log(np.where(y == 1, p, 1 - p))
            - (1 - np.where(y == 1, p, 1 - p)) ** 2 / np.where(y == 1, p, 1 - p)) / p.size,
        reference=losses.binary_focal_loss, reference_grad=None,
    ),
    Entry(
        name="KL divergence",
        formula=r"$\frac{1}{N}\sum_i \sum_k p_{ik} \log\frac{p_{ik}}{q_{ik}}$ over $N$ rows",
        gradient=r"$-\frac{1}{N}\,\frac{p_{ik}}{q_{ik}}$ with respect to $q_{ik}$",
        activation="softmax (for $q$)",
        use_when="matching a whole distribution, as in distillation",
        pitfall="PyTorch wants log q and reduction='batchmean'; 'mean' divides by every element",
        pytorch="nn.KLDivLoss", pytorch_note="(input log q; reduction='batchmean')",
        keras="losses.KLDivergence", keras_note="",
        sklearn="", sklearn_note="",
        kind="distributions",
        value=lambda p, q: np.mean(np.sum(p * np.log(p / q), axis=-1)),
        grad=lambda p, q: -p / (q * p.shape[0]),
        reference=losses.kl_divergence, reference_grad=None,
    ),
    Entry(
        name="Brier score",
        formula=r"$\frac{1}{n}\sum_i (p_i - y_i)^2$",
        gradient=r"$\frac{2}{n}(p_i - y_i)$ with respect to $p_i$",
        activation="sigmoid",
        use_when="judging probabilities (strictly proper, like the log loss)",
        pitfall="as a training loss through a sigmoid it learns slowly from confident mistakes",
        pytorch="", pytorch_note="",
        keras="", keras_note="",
        sklearn="metrics.brier_score_loss", sklearn_note="",
        kind="probs01",
        value=lambda y, p: np.mean((p - y) ** 2),
        grad=lambda y, p: 2.0 * (p - y) / p.size,
        reference=losses.brier_score, reference_grad=None,
    ),
)


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _name(prefix: str, name: str, note: str) -> str:
    if not name:
        return "none built in"
    return f"`{prefix}.{name}`" + (f" {note}" if note else "")


def render() -> str:
    """The cheat-sheet page as MyST Markdown: one table, one row a loss."""
    lines = [
        "# Cheat sheet",
        "",
        "Every loss of the course in one table, to print on one landscape page.",
        "$n$ is the number of samples, $\\hat y_i$ a prediction, $y_i$ its target,",
        "$z_i$ a logit (a score before the sigmoid or softmax), $f_i$ a raw score,",
        "$p_i$ a predicted probability; every gradient is that of the mean loss with",
        "respect to the model's output. Each row is generated from",
        "`lossbook/book/cheatsheet.py`, whose tests check it against the course",
        "package and the libraries. Where a library's definition differs (a factor,",
        "a variant, log-probabilities instead of probabilities), the note after its",
        "name says how; the chapters explain each difference.",
        "",
    ]
    header = ["Loss", "Loss over n samples", "Gradient", "Output activation", "Use it for",
              "Main pitfall", "PyTorch (`torch`)", "Keras (`keras`)", "scikit-learn (`sklearn`)"]
    lines += _table(header, [[e.name, e.formula, e.gradient, e.activation, e.use_when, e.pitfall,
                              _name("torch", e.pytorch, e.pytorch_note),
                              _name("keras", e.keras, e.keras_note),
                              _name("sklearn", e.sklearn, e.sklearn_note)] for e in ENTRIES])
    lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.cheatsheet",
                                     description="Write the cheat-sheet page from its one table.")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when pages/cheat_sheet.md is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python -m lossbook.book.cheatsheet",
                  file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

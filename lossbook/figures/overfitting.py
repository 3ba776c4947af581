r"""Figures of chapter 7, *Overfitting diagnostics* (``chapters/07_overfitting.ipynb``).

Data:

* :func:`wave_data`: a seeded one-dimensional regression (a sine wave plus
  noise) whose fits can be drawn, with a large validation set.
* :func:`diabetes_split`: scikit-learn's bundled diabetes data (no
  download), split into a training pool and a validation set.
* :func:`diabetes_sgd_history`: a quadratic-feature model trained on it by
  mini-batch gradient descent, whose validation loss turns upwards.

Figures:

* :func:`draw_three_fits`: underfitting, a good fit and overfitting, each
  with its training and validation curves.
* :class:`CapacityDemo`: the explorable figure over the polynomial degree
  and the number of epochs; fit and curves move together.
* :func:`draw_learning_curves`: the output of
  :func:`lossbook.diagnostics.learning_curve` for several models.
* :class:`EarlyStoppingDemo`: the explorable figure over ``patience`` and
  ``min_delta``, with the epochs :func:`lossbook.early_stopping_epoch` picks.
* :class:`RegularisationDemo`: the explorable figure over the L2 strength.

All fits are computed when a demo is made; the ``draw`` methods only draw,
over axes drawn once (:class:`lossbook.figures._backdrop.Backdrop`), so that a
slider move redraws in well under 50 ms.

Examples
--------
>>> data = wave_data()
>>> [a.shape for a in data]
[(20,), (20,), (200,), (200,)]
>>> demo = CapacityDemo(degrees=(1, 15), epochs=(10, 100))
>>> train, val = demo.losses(15, 100)
>>> bool(train < val)
True
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..diagnostics import early_stopping_epoch
from ..models import History, mse_gd_path, polynomial_features, train_gd
from ..plotting import COLORS, LINESTYLES
from .._validation import check_count
from ._backdrop import Backdrop

__all__ = [
    "true_function",
    "wave_data",
    "NOISE",
    "LR",
    "DEGREES",
    "EPOCHS",
    "L2_VALUES",
    "wave_paths",
    "draw_three_fits",
    "CapacityDemo",
    "diabetes_split",
    "diabetes_sgd_history",
    "draw_learning_curves",
    "EarlyStoppingDemo",
    "PATIENCES",
    "MIN_DELTAS",
    "RegularisationDemo",
]

#: Standard deviation of the noise on the wave's targets; its square, 0.09, is
#: the lowest mean squared error any model can reach on new data.
NOISE = 0.3
#: Learning rate of every gradient-descent run on the wave (stable for all degrees).
LR = 0.05
#: Polynomial degrees of the capacity explorer.
DEGREES = (1, 3, 5, 9, 12, 15)
#: Training lengths (epochs) of the capacity explorer, evenly spaced on a log scale.
EPOCHS = (3, 10, 30, 100, 300, 1000, 3000, 10000)
#: L2 strengths of the regularisation explorer.
L2_VALUES = (0.0, 0.001, 0.01, 0.1, 0.3, 1.0, 3.0)
#: Patience values and min_delta values of the early-stopping explorer.
PATIENCES = (0, 2, 5, 10, 20, 40)
MIN_DELTAS = (0.0, 0.001, 0.003, 0.01)


# --------------------------------------------------------------------------
# The wave
# --------------------------------------------------------------------------


def true_function(x):
    r"""The pattern behind the wave data, :math:`f(x) = \sin(1.5\pi x)`.

    Examples
    --------
    >>> true_function(np.array([0.0, 1 / 3])).round(6).tolist()
    [0.0, 1.0]
    """
    return np.sin(1.5 * np.pi * np.asarray(x, dtype=float))


def wave_data(n_train: int = 20, n_val: int = 200, noise: float = NOISE, seed: int = 2):
    r"""A small noisy sample of a sine wave, and a large validation set.

    The training inputs are spread over :math:`[-1, 1]` with one input drawn
    uniformly in each of ``n_train`` equal cells (so no large gap appears by
    chance), the validation inputs uniformly over :math:`[-1, 1]`. Every
    target is :math:`f(x) + \varepsilon` with :func:`true_function` ``f`` and
    Gaussian noise :math:`\varepsilon` of standard deviation ``noise``. No
    model can beat a validation MSE of about ``noise**2`` on average.

    Parameters
    ----------
    n_train, n_val : int >= 2
    noise : float >= 0
    seed : int

    Returns
    -------
    x, y, x_val, y_val : ndarray
        ``x`` is sorted.

    Examples
    --------
    >>> x, y, x_val, y_val = wave_data(n_train=4, n_val=3)
    >>> bool(np.all(np.diff(x) > 0) and np.all(np.abs(x_val) <= 1))
    True
    >>> wave_data(n_train=1)
    Traceback (most recent call last):
    ...
    ValueError: n_train must be a whole number >= 2; got 1.
    """
    n_train = check_count(n_train, "n_train", 2)
    n_val = check_count(n_val, "n_val", 2)
    noise = float(noise)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0; got {noise}.")
    rng = np.random.default_rng(seed)
    x = -1.0 + (2.0 * np.arange(n_train) + rng.uniform(size=n_train)) / n_train
    y = true_function(x) + noise * rng.standard_normal(n_train)
    x_val = rng.uniform(-1.0, 1.0, n_val)
    y_val = true_function(x_val) + noise * rng.standard_normal(n_val)
    return x, y, x_val, y_val


def wave_paths(degrees=DEGREES, num_epochs: int = EPOCHS[-1], l2: float = 0.0, lr: float = LR,
               data=None) -> dict:
    """Full-batch gradient descent on the wave, one run per degree.

    Each run starts from zero weights and records ``num_epochs`` epochs
    (:func:`lossbook.models.mse_gd_path`, exact and vectorised).

    Returns
    -------
    dict mapping each degree to its :class:`lossbook.models.History`.

    Examples
    --------
    >>> paths = wave_paths(degrees=(1, 5), num_epochs=50)
    >>> sorted(paths), paths[5].train_loss.shape
    ([1, 5], (50,))
    """
    x, y, x_val, y_val = wave_data() if data is None else data
    return {int(d): mse_gd_path(polynomial_features(x, d), y, lr=lr, num_epochs=num_epochs, l2=l2,
                                X_val=polynomial_features(x_val, d), y_val=y_val)
            for d in degrees}


def _curve_index(num_epochs: int, points: int = 400) -> np.ndarray:
    """0-based indices of epochs spread evenly on a log scale, for drawing long curves."""
    idx = np.unique(np.round(np.logspace(0, np.log10(num_epochs), points)).astype(int)) - 1
    return idx


_GRID = np.linspace(-1.0, 1.0, 241)
_FIT_YLIM = (-2.7, 2.0)
_LOSS_YLIM = (0.005, 3.0)


def _style_fit_axes(ax, x, y, legend: bool = True):
    ax.set_xlim(-1.0, 1.0)
    ax.set_ylim(*_FIT_YLIM)
    ax.set_xticks([-1, 0, 1])
    ax.set_yticks([-2, -1, 0, 1, 2])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.plot(_GRID, true_function(_GRID), color=COLORS["truth"], ls=":", lw=1.2,
            label="true pattern")
    ax.plot(x, y, ls="none", marker="o", ms=4, color=COLORS["data"], label="training data",
            zorder=3)


def _style_loss_axes(ax, num_epochs: int, noise_level: float | None = NOISE ** 2):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1, num_epochs * 1.35)
    ax.set_ylim(*_LOSS_YLIM)
    ax.set_yticks([0.01, 0.1, 1], ["0.01", "0.1", "1"])
    ax.set_xlabel("epoch (log scale)")
    ax.set_ylabel("MSE (log scale)")
    if noise_level is not None:
        ax.axhline(noise_level, color=COLORS["truth"], ls=":", lw=1.0)
        ax.text(1.3, noise_level * 0.8, f"noise level {noise_level:.2g}", fontsize=8, va="top")


def draw_three_fits(fig, degrees=(1, 5, 15), num_epochs: int = EPOCHS[-1], paths=None,
                    data=None) -> dict:
    """Underfitting, a good fit and overfitting, side by side.

    Top row: the training data, the true pattern and each degree's fit after
    ``num_epochs`` epochs. Bottom row: that model's training and validation
    MSE after every epoch, on log scales.

    Returns
    -------
    dict mapping each degree to its final ``(train_loss, val_loss)``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(8, 5))
    >>> final = draw_three_fits(fig, num_epochs=200)
    >>> sorted(final)
    [1, 5, 15]
    >>> plt.close(fig)
    """
    degrees = tuple(int(d) for d in degrees)
    data = wave_data() if data is None else data
    x, y = data[0], data[1]
    if paths is None:
        paths = wave_paths(degrees, num_epochs=num_epochs, data=data)
    names = {0: "underfitting", 1: "a good fit", 2: "overfitting"}
    axes = fig.subplots(2, len(degrees), gridspec_kw={"hspace": 0.55, "wspace": 0.3})
    axes = np.asarray(axes).reshape(2, len(degrees))
    fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.1)
    idx = _curve_index(num_epochs)
    final = {}
    for k, d in enumerate(degrees):
        hist = paths[d]
        top, bottom = axes[0, k], axes[1, k]
        _style_fit_axes(top, x, y)
        z = polynomial_features(_GRID, d) @ hist.weights[num_epochs - 1] + hist.biases[num_epochs - 1]
        top.plot(_GRID, z, color=COLORS["mse"], label=f"degree-{d} fit")
        label = names.get(k, "") if len(degrees) == 3 else ""
        top.set_title(f"degree {d}" + (f": {label}" if label else ""))
        _style_loss_axes(bottom, num_epochs)
        e = hist.epochs[idx]
        bottom.plot(e, hist.train_loss[idx], color=COLORS["train"], ls=LINESTYLES["train"],
                    label="training")
        bottom.plot(e, hist.val_loss[idx], color=COLORS["validation"],
                    ls=LINESTYLES["validation"], label="validation")
        tr, va = float(hist.train_loss[num_epochs - 1]), float(hist.val_loss[num_epochs - 1])
        bottom.set_title(f"train {tr:.3f}, validation {va:.3f}", fontsize=9)
        final[d] = (tr, va)
        if k == 0:
            top.legend(loc="lower center", fontsize=6, ncol=2)
            bottom.legend(loc="lower left", fontsize=7)
    return final


class CapacityDemo:
    """The explorable figure: polynomial degree (capacity) against training length.

    Left: the training data, the true pattern and the degree-``degree``
    polynomial after ``epochs`` epochs of full-batch gradient descent. Right:
    its training and validation MSE after every epoch (faint: the whole run;
    solid: the epochs trained so far), with markers at the current epoch.

    Parameters
    ----------
    degrees, epochs : sequences of int
        The slider values; at most 48 combinations.
    lr : float
        Learning rate of every run.
    data : tuple, optional
        ``(x, y, x_val, y_val)``, default :func:`wave_data`.

    Examples
    --------
    >>> demo = CapacityDemo(degrees=(1, 3), epochs=(10, 100))
    >>> ex = demo.explorer()
    >>> sorted(ex.params), len(ex.render(degree=3, epochs=100)) > 1000
    (['degree', 'epochs'], True)
    """

    def __init__(self, degrees=DEGREES, epochs=EPOCHS, lr: float = LR, data=None):
        self.degrees = tuple(check_count(d, "degree", 0) for d in degrees)
        self.epochs = tuple(check_count(e, "epochs", 1) for e in epochs)
        if len(self.degrees) < 2 or len(self.epochs) < 2:
            raise ValueError("give at least two degrees and two epoch counts to explore")
        self.data = wave_data() if data is None else data
        self.num_epochs = max(self.epochs)
        self.paths = wave_paths(self.degrees, self.num_epochs, lr=lr, data=self.data)
        self._idx = _curve_index(self.num_epochs)
        # the fitted curve of every frame, precomputed
        self._curves = {}
        for d in self.degrees:
            feats = polynomial_features(_GRID, d)
            hist = self.paths[d]
            for e in self.epochs:
                self._curves[d, e] = feats @ hist.weights[e - 1] + hist.biases[e - 1]
        self._backdrop = Backdrop(self._draw_static)

    def _check(self, degree, epochs):
        if degree not in self.paths:
            raise ValueError(f"degree {degree} was not precomputed; choose one of {self.degrees}.")
        if epochs not in self.epochs:
            raise ValueError(f"epochs={epochs} was not precomputed; choose one of {self.epochs}.")
        return int(degree), int(epochs)

    def losses(self, degree: int, epochs: int) -> tuple[float, float]:
        """Training and validation MSE of the degree-``degree`` model after ``epochs`` epochs."""
        degree, epochs = self._check(degree, epochs)
        hist = self.paths[degree]
        return float(hist.train_loss[epochs - 1]), float(hist.val_loss[epochs - 1])

    def best_epoch(self, degree: int) -> int:
        """The epoch (1-based) of lowest validation loss of the degree-``degree`` run."""
        return int(np.argmin(self.paths[int(degree)].val_loss)) + 1

    def describe(self, degree: int, epochs: int) -> str:
        """Alt text of the frame."""
        train, val = self.losses(degree, epochs)
        best = self.best_epoch(degree)
        hist = self.paths[int(degree)]
        return (f"Degree-{degree} polynomial after {epochs} epochs of gradient descent. Left: the "
                f"{len(self.data[0])} noisy training points, the true sine-shaped pattern and the "
                f"fitted curve. Right: training and validation MSE per epoch on log scales; now "
                f"training {train:.3f} and validation {val:.3f}. The validation loss is lowest, "
                f"{hist.val_loss[best - 1]:.3f}, at epoch {best}.")

    def _draw_static(self, fig, degree: int) -> list:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.32})
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.15, top=0.86)
        _style_fit_axes(ax1, self.data[0], self.data[1])
        ax1.legend(loc="lower center", fontsize=7, ncol=2)
        _style_loss_axes(ax2, self.num_epochs)
        hist = self.paths[degree]
        e = hist.epochs[self._idx]
        ax2.plot(e, hist.train_loss[self._idx], color=COLORS["train"], lw=1, alpha=0.3)
        ax2.plot(e, hist.val_loss[self._idx], color=COLORS["validation"], lw=1, alpha=0.3)
        ax2.plot([], [], color=COLORS["train"], ls=LINESTYLES["train"], label="training")
        ax2.plot([], [], color=COLORS["validation"], ls=LINESTYLES["validation"], label="validation")
        ax2.legend(loc="upper right", fontsize=8)
        ax1.set_title(f"degree {degree}")
        return [ax1, ax2]

    def draw(self, fig, degree: int, epochs: int) -> None:
        """Draw the frame for ``degree`` and ``epochs`` on an empty ``fig``."""
        degree, epochs = self._check(degree, epochs)
        left, right = self._backdrop.paste(fig, key=degree)
        z = np.clip(self._curves[degree, epochs], -50, 50)
        left.line(_GRID, z, color=COLORS["mse"], lw=2)
        hist = self.paths[degree]
        idx = self._idx[self._idx < epochs]
        idx = np.r_[idx, epochs - 1]
        e = hist.epochs[idx]
        right.line(e, hist.train_loss[idx], color=COLORS["train"], ls=LINESTYLES["train"], lw=2)
        right.line(e, hist.val_loss[idx], color=COLORS["validation"],
                   ls=LINESTYLES["validation"], lw=2)
        train, val = self.losses(degree, epochs)
        for value, key, marker in ((train, "train", "o"), (val, "validation", "s")):
            right.line([epochs], [np.clip(value, *_LOSS_YLIM)], ls="none", marker=marker, ms=6,
                       color=COLORS[key], markeredgecolor="black", zorder=4)
        fx, fy = right.fraction(0.5, 1.0)
        fig.text(fx, fy + 0.02, f"epoch {epochs}: train {train:.3f}, val {val:.3f}",
                 ha="center", va="bottom", fontsize=9)

    def explorer(self):
        """The :class:`lossbook.explore.Explorer` over ``degree`` and ``epochs``."""
        from ..explore import Explorer

        return Explorer(
            self.draw, {"degree": list(self.degrees), "epochs": list(self.epochs)},
            title="Capacity and training length: move the degree and the number of epochs",
            alt=self.describe,
            labels={"degree": "polynomial degree", "epochs": "epochs trained"},
            initial={"degree": self.degrees[len(self.degrees) // 2],
                     "epochs": self.epochs[len(self.epochs) // 2]},
        )


# --------------------------------------------------------------------------
# Real data: diabetes
# --------------------------------------------------------------------------


def diabetes_split(n_pool: int = 300, seed: int = 0):
    """scikit-learn's bundled diabetes data, split into a training pool and a validation set.

    442 patients, 10 baseline measurements each (already centred and
    scaled by scikit-learn), and a measure of disease progression one year
    later, standardised here to mean 0 and variance 1 (so an MSE of 1 is
    what predicting the mean scores, and 1 - MSE is about the :math:`R^2`).
    The samples are shuffled with ``seed``; the first ``n_pool`` form the
    training pool, the rest the validation set.

    Returns
    -------
    X_pool, y_pool, X_val, y_val : ndarray

    Examples
    --------
    >>> X_pool, y_pool, X_val, y_val = diabetes_split()
    >>> X_pool.shape, X_val.shape
    ((300, 10), (142, 10))
    """
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    n_pool = check_count(n_pool, "n_pool", 2)
    if n_pool >= len(y):
        raise ValueError(f"n_pool must leave samples for validation: use fewer than {len(y)}.")
    y = (y - y.mean()) / y.std()
    order = np.random.default_rng(seed).permutation(len(y))
    pool, val = order[:n_pool], order[n_pool:]
    return X[pool], y[pool], X[val], y[val]


def _quadratic_features(X_fit, *Xs):
    """Degree-2 polynomial features standardised on ``X_fit``; returns the transformed arrays."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    pipe = make_pipeline(PolynomialFeatures(2, include_bias=False), StandardScaler()).fit(X_fit)
    return [pipe.transform(X) for X in (X_fit, *Xs)]


def diabetes_sgd_history(n_train: int = 100, num_epochs: int = 120, lr: float = 0.003,
                         batch_size: int = 10, l2: float = 0.0, seed: int = 0) -> History:
    """A quadratic model of the diabetes data, trained by mini-batch gradient descent.

    The first ``n_train`` samples of the pool of :func:`diabetes_split` are
    expanded into the 65 degree-2 features (the 10 measurements, their
    squares and pairwise products, standardised on the training samples); the
    142 validation samples are scored after every epoch. With 65 features for
    100 patients the model can memorise noise, and its validation loss turns
    upwards after a few dozen epochs.

    Returns
    -------
    lossbook.models.History

    Examples
    --------
    >>> hist = diabetes_sgd_history(num_epochs=30)
    >>> hist.train_loss.shape, hist.weights.shape
    ((30,), (30, 65))
    """
    n_train = check_count(n_train, "n_train", 2)
    X_pool, y_pool, X_val, y_val = diabetes_split()
    if n_train > len(y_pool):
        raise ValueError(f"n_train must be at most the {len(y_pool)} samples of the pool.")
    X_train, X_val2 = _quadratic_features(X_pool[:n_train], X_val)
    return train_gd(X_train, y_pool[:n_train], loss="mse", lr=lr, num_epochs=num_epochs, l2=l2,
                    batch_size=batch_size, seed=seed, X_val=X_val2, y_val=y_val)


def draw_learning_curves(ax, curves: dict, ylim=(0.0, 1.2), band: bool = True) -> None:
    """Draw learning curves from :func:`lossbook.diagnostics.learning_curve`.

    Parameters
    ----------
    ax : matplotlib Axes
    curves : dict of str to LearningCurve
        One entry per model; the name goes in the legend. Lines show the
        median over repeats, shaded bands the range of the repeats.
    ylim : (float, float)
    band : bool
        Shade the range of the repeats.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from lossbook.diagnostics import LearningCurve
    >>> lc = LearningCurve(np.array([10, 20]), np.array([[0.1], [0.2]]), np.array([[0.9], [0.5]]))
    >>> fig, ax = plt.subplots()
    >>> draw_learning_curves(ax, {"a model": lc})
    >>> len(ax.lines)
    2
    >>> plt.close(fig)
    """
    if not curves:
        raise ValueError("give at least one learning curve to draw")
    markers = ["o", "s", "^", "D"]
    for k, (name, lc) in enumerate(curves.items()):
        m = markers[k % len(markers)]
        for values, key in ((lc.train_loss, "train"), (lc.val_loss, "validation")):
            med = np.median(values, axis=1)
            ax.plot(lc.train_sizes, np.clip(med, *ylim), color=COLORS[key], ls=LINESTYLES[key],
                    marker=m, ms=5, alpha=1.0 if k == 0 else 0.75,
                    label=f"{name}: {'training' if key == 'train' else 'validation'}")
            if band and values.shape[1] > 1:
                ax.fill_between(lc.train_sizes, np.clip(values.min(axis=1), *ylim),
                                np.clip(values.max(axis=1), *ylim), color=COLORS[key], alpha=0.12,
                                lw=0)
    ax.set_ylim(*ylim)
    ax.set_xlabel("training-set size")
    ax.set_ylabel("MSE (target variance = 1)")
    ax.legend(fontsize=7, loc="upper right")


# --------------------------------------------------------------------------
# Early stopping
# --------------------------------------------------------------------------


class EarlyStoppingDemo:
    """The explorable figure: where early stopping stops, for ``patience`` and ``min_delta``.

    Both curves of a training run are drawn in full. For each setting,
    :func:`lossbook.early_stopping_epoch` (Keras's rule) gives the epoch
    after which training stops and the best epoch, whose weights
    ``restore_best_weights=True`` brings back. The epochs never run are
    shaded; a dashed line from the best epoch shows ``best - min_delta``, the
    level a validation loss must go below to count as an improvement.

    Epochs are numbered from 1 in the figure, as Keras prints them; the
    function returns 0-based indices, so epoch = index + 1.

    Parameters
    ----------
    history : lossbook.models.History, optional
        Default :func:`diabetes_sgd_history`.
    patiences, min_deltas : sequences
        Slider values.

    Examples
    --------
    >>> demo = EarlyStoppingDemo()
    >>> stop, best = demo.stopping(10, 0.0)
    >>> stop > best
    True
    """

    YLIM = (0.25, 0.85)

    def __init__(self, history: History | None = None, patiences=PATIENCES, min_deltas=MIN_DELTAS):
        self.history = diabetes_sgd_history() if history is None else history
        if self.history.val_loss is None:
            raise ValueError("early stopping needs a run with a validation loss (pass X_val, y_val)")
        self.patiences = tuple(check_count(p, "patience", 0) for p in patiences)
        self.min_deltas = tuple(float(m) for m in min_deltas)
        if any(not np.isfinite(m) or m < 0 for m in self.min_deltas):
            raise ValueError(f"min_delta values must be >= 0; got {self.min_deltas}.")
        self._results = {(p, m): early_stopping_epoch(self.history.val_loss, p, m)
                         for p in self.patiences for m in self.min_deltas}
        self._backdrop = Backdrop(lambda fig, key: self._draw_static(fig))

    def stopping(self, patience: int, min_delta: float) -> tuple[int, int]:
        """``(stop, best)`` as 1-based epochs; ``stop`` is the last epoch run."""
        key = (int(patience), float(min_delta))
        if key not in self._results:
            raise ValueError(f"patience={patience}, min_delta={min_delta} was not precomputed; "
                             f"choose from {self.patiences} and {self.min_deltas}.")
        stop, best = self._results[key]
        last = self.history.num_epochs if stop is None else stop + 1
        return last, best + 1

    def describe(self, patience: int, min_delta: float) -> str:
        """Alt text of the frame."""
        stop, best = self.stopping(patience, min_delta)
        val = self.history.val_loss
        lowest = int(np.argmin(val)) + 1
        ran = ("training runs to the end" if stop == self.history.num_epochs
               and self._results[int(patience), float(min_delta)][0] is None
               else f"training stops after epoch {stop}")
        return (f"Training and validation MSE over {self.history.num_epochs} epochs of mini-batch "
                f"gradient descent. With patience {patience} and min_delta {min_delta:g}, {ran} "
                f"and restores epoch {best}, validation MSE {val[best - 1]:.3f}; the lowest "
                f"validation MSE of the whole run is {val[lowest - 1]:.3f}, at epoch {lowest}.")

    def _draw_static(self, fig) -> list:
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.86)
        h = self.history
        ax.plot(h.epochs, h.train_loss, color=COLORS["train"], ls=LINESTYLES["train"], lw=1.5,
                label="training")
        ax.plot(h.epochs, h.val_loss, color=COLORS["validation"], ls=LINESTYLES["validation"],
                lw=1.5, label="validation")
        ax.set_xlim(0, h.num_epochs + 1)
        ax.set_ylim(*self.YLIM)
        ax.set_xlabel("epoch")
        ax.set_ylabel("MSE")
        ax.legend(loc="lower right", fontsize=8)
        return [ax]

    def draw(self, fig, patience: int, min_delta: float) -> None:
        """Draw the frame for ``patience`` and ``min_delta`` on an empty ``fig``."""
        stop, best = self.stopping(patience, min_delta)
        (panel,) = self._backdrop.paste(fig)
        n = self.history.num_epochs
        lo, hi = self.YLIM
        if stop < n:
            panel.patch(Rectangle((stop + 0.5, lo), n + 0.5 - stop, hi - lo, color="#888888",
                                  alpha=0.25, lw=0))
            panel.line([stop + 0.5] * 2, [lo, hi], color="black", lw=1.2)
        best_val = float(self.history.val_loss[best - 1])
        panel.line([best, stop + 0.5], [best_val - min_delta] * 2, color="black", ls="--", lw=1)
        panel.line([best], [best_val], ls="none", marker="*", ms=13, color=COLORS["highlight"],
                   markeredgecolor="black", zorder=4)
        fx, fy = panel.fraction(0.5, 1.0)
        ran = "runs all epochs" if stop == n else f"stops after epoch {stop}"
        fig.text(fx, fy + 0.02, f"patience {int(patience)}, min_delta {float(min_delta):g}: {ran}, "
                 f"restores epoch {best} (val {best_val:.3f})", ha="center", va="bottom",
                 fontsize=9)

    def explorer(self):
        """The :class:`lossbook.explore.Explorer` over ``patience`` and ``min_delta``."""
        from ..explore import Explorer

        return Explorer(
            self.draw, {"patience": list(self.patiences), "min_delta": list(self.min_deltas)},
            title="Early stopping: move patience and min_delta",
            alt=self.describe,
            labels={"patience": "patience (epochs)", "min_delta": "min_delta"},
            initial={"patience": 5 if 5 in self.patiences else self.patiences[0],
                     "min_delta": self.min_deltas[0]},
        )


# --------------------------------------------------------------------------
# L2 regularisation
# --------------------------------------------------------------------------


class RegularisationDemo:
    r"""The explorable figure: a degree-15 polynomial with an L2 penalty of strength ``l2``.

    Each run minimises :math:`\frac1n\sum_i (\hat y_i - y_i)^2 + \lambda\|w\|^2`
    by full-batch gradient descent for ``num_epochs`` epochs. Left: the fit
    at the end (and, faint, the unregularised one). Right: training and
    validation MSE per epoch (faint: without the penalty).

    Examples
    --------
    >>> demo = RegularisationDemo(l2_values=(0.0, 0.01), num_epochs=500)
    >>> train0, val0 = demo.losses(0.0)
    >>> train1, val1 = demo.losses(0.01)
    >>> bool(train1 > train0)
    True
    """

    def __init__(self, degree: int = 15, l2_values=L2_VALUES, num_epochs: int = EPOCHS[-1],
                 lr: float = LR, data=None):
        self.degree = check_count(degree, "degree", 1)
        self.l2_values = tuple(float(v) for v in l2_values)
        if any(not np.isfinite(v) or v < 0 for v in self.l2_values):
            raise ValueError(f"l2 values must be >= 0; got {self.l2_values}.")
        if 0.0 not in self.l2_values:
            raise ValueError("include l2 = 0.0, the unregularised reference")
        self.num_epochs = check_count(num_epochs, "num_epochs", 1)
        self.data = wave_data() if data is None else data
        self.paths = {v: wave_paths((self.degree,), self.num_epochs, l2=v, lr=lr,
                                    data=self.data)[self.degree] for v in self.l2_values}
        feats = polynomial_features(_GRID, self.degree)
        self._curves = {v: feats @ h.w + h.b for v, h in self.paths.items()}
        self._idx = _curve_index(self.num_epochs)
        self._backdrop = Backdrop(lambda fig, key: self._draw_static(fig))

    def losses(self, l2: float) -> tuple[float, float]:
        """Training and validation MSE at the end of the run with penalty ``l2``."""
        l2 = float(l2)
        if l2 not in self.paths:
            raise ValueError(f"l2={l2} was not precomputed; choose one of {self.l2_values}.")
        h = self.paths[l2]
        return float(h.train_loss[-1]), float(h.val_loss[-1])

    def describe(self, l2: float) -> str:
        """Alt text of the frame."""
        train, val = self.losses(l2)
        h = self.paths[float(l2)]
        return (f"Degree-{self.degree} polynomial trained for {self.num_epochs} epochs with L2 "
                f"penalty {l2:g}. Left: training points, true pattern, the fit (and, faint, the "
                f"fit without penalty). Right: training and validation MSE per epoch on log "
                f"scales; at the end training {train:.3f} and validation {val:.3f}, weight norm "
                f"{np.linalg.norm(h.w):.2f}.")

    def _draw_static(self, fig) -> list:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.32})
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.15, top=0.86)
        _style_fit_axes(ax1, self.data[0], self.data[1])
        ax1.plot(_GRID, np.clip(self._curves[0.0], -50, 50), color=COLORS["mse"], lw=1, alpha=0.3,
                 label="no penalty")
        ax1.legend(loc="lower center", fontsize=7, ncol=3)
        _style_loss_axes(ax2, self.num_epochs)
        h = self.paths[0.0]
        e = h.epochs[self._idx]
        ax2.plot(e, h.train_loss[self._idx], color=COLORS["train"], lw=1, alpha=0.3)
        ax2.plot(e, h.val_loss[self._idx], color=COLORS["validation"], lw=1, alpha=0.3)
        ax2.plot([], [], color=COLORS["train"], ls=LINESTYLES["train"], label="training")
        ax2.plot([], [], color=COLORS["validation"], ls=LINESTYLES["validation"],
                 label="validation")
        ax2.legend(loc="upper right", fontsize=8)
        return [ax1, ax2]

    def draw(self, fig, l2: float) -> None:
        """Draw the frame for ``l2`` on an empty ``fig``."""
        train, val = self.losses(l2)
        left, right = self._backdrop.paste(fig)
        left.line(_GRID, np.clip(self._curves[float(l2)], -50, 50), color=COLORS["mse"], lw=2)
        h = self.paths[float(l2)]
        e = h.epochs[self._idx]
        right.line(e, h.train_loss[self._idx], color=COLORS["train"], ls=LINESTYLES["train"], lw=2)
        right.line(e, h.val_loss[self._idx], color=COLORS["validation"],
                   ls=LINESTYLES["validation"], lw=2)
        fx, fy = left.fraction(0.5, 1.0)
        fig.text(fx, fy + 0.02, f"degree {self.degree}, λ = {l2:g}", ha="center", va="bottom",
                 fontsize=10)
        fx, fy = right.fraction(0.5, 1.0)
        fig.text(fx, fy + 0.02, f"end: train {train:.3f}, val {val:.3f}", ha="center",
                 va="bottom", fontsize=9)

    def explorer(self):
        """The :class:`lossbook.explore.Explorer` over ``l2``."""
        from ..explore import Explorer

        return Explorer(
            self.draw, {"l2": list(self.l2_values)},
            title="L2 regularisation: move the penalty strength",
            alt=self.describe, labels={"l2": "L2 strength λ"},
            initial={"l2": self.l2_values[len(self.l2_values) // 2]},
        )

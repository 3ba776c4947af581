"""Tools for reading training curves (early stopping, learning curves) and for checking
predicted probabilities (calibration curves, expected calibration error, temperature scaling)."""

from __future__ import annotations

import copy
from typing import Callable, NamedTuple

import numpy as np

from ._validation import as_float_array

__all__ = ["early_stopping_epoch", "learning_curve", "LearningCurve", "calibration_curve",
           "expected_calibration_error", "fit_temperature"]


def early_stopping_epoch(val_losses, patience: int, min_delta: float = 0.0):
    """Where early stopping would stop, with Keras ``EarlyStopping(mode="min")`` rules.

    An epoch *improves* when its loss is strictly below ``best - min_delta``,
    where ``best`` is the loss of the last epoch that improved (the first
    epoch always improves). With ``min_delta=0`` that is the lowest loss so
    far; with ``min_delta > 0`` a decrease too small to count leaves ``best``
    unchanged, so ``best`` can be above the lowest loss seen. Training stops
    at the epoch where ``patience`` epochs in a row have not improved.

    Parameters
    ----------
    val_losses : array_like, shape (num_epochs,)
        Validation loss after each epoch, epoch 0 first.
    patience : int >= 0
        How many epochs without improvement to wait.
    min_delta : float >= 0
        The smallest decrease that counts as an improvement.

    Returns
    -------
    (stop_epoch, best_epoch) : tuple
        0-based epochs. ``stop_epoch`` is ``None`` when training would run to
        the end; ``best_epoch`` is the epoch whose weights
        ``restore_best_weights=True`` would bring back.

    Examples
    --------
    >>> early_stopping_epoch([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9], patience=2)
    (4, 2)
    >>> early_stopping_epoch([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9], patience=3)
    (5, 2)
    >>> early_stopping_epoch([1.0, 0.9, 0.8], patience=1)
    (None, 2)
    >>> early_stopping_epoch([1.0, 0.99, 0.98, 0.97], patience=2, min_delta=0.05)
    (2, 0)
    >>> early_stopping_epoch([1.0, 0.95, 0.935, 0.92, 0.93, 0.94], patience=2, min_delta=0.02)
    (5, 3)
    """
    losses = as_float_array(val_losses, "val_losses")
    if losses.ndim != 1:
        raise ValueError(
            f"val_losses must be a 1-D sequence of one loss per epoch; got shape {losses.shape}."
        )
    if isinstance(patience, bool) or int(patience) != patience or patience < 0:
        raise ValueError(f"patience must be a whole number >= 0; got {patience!r}.")
    patience = int(patience)
    min_delta = float(min_delta)
    if min_delta < 0:
        raise ValueError(
            f"min_delta must be >= 0; got {min_delta}. It is the smallest decrease "
            "that counts as an improvement (Keras uses its absolute value)."
        )
    best = np.inf
    best_epoch = None
    wait = 0
    for epoch, loss in enumerate(losses):  # one step per epoch, as the callback runs
        # Written as Keras compares (current + min_delta < best), so that the
        # two agree even where rounding makes a - b < c and a < b + c differ.
        if loss + min_delta < best:
            best, best_epoch, wait = loss, epoch, 0
            continue
        wait += 1
        if wait >= patience and epoch > 0:
            return epoch, best_epoch
    return None, best_epoch


class LearningCurve(NamedTuple):
    """The result of :func:`learning_curve`.

    Attributes
    ----------
    train_sizes : ndarray of int, shape (n_sizes,)
        The training-set sizes, increasing.
    train_loss : ndarray, shape (n_sizes, num_repeats)
        Loss of each fitted model on the samples it was trained on.
    val_loss : ndarray, shape (n_sizes, num_repeats)
        Loss of each fitted model on the whole validation set.
    """

    train_sizes: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray


def _as_fit(model) -> Callable:
    """Turn ``model`` into ``fit(X, y) -> predict``."""
    if hasattr(model, "fit") and hasattr(model, "predict"):
        def fit(X, y):
            fitted = copy.deepcopy(model)   # a fresh, unfitted copy for every subset
            fitted.fit(X, y)
            return fitted.predict
        return fit
    if callable(model):
        return model
    raise ValueError(
        "model must be a function fit(X, y) that returns a function predict(X), or an "
        f"estimator with .fit and .predict methods (as scikit-learn's); got {type(model).__name__}.")


def _train_sizes(train_sizes, n: int) -> np.ndarray:
    sizes = np.atleast_1d(np.asarray(train_sizes))
    if sizes.ndim != 1 or sizes.size == 0 or sizes.dtype.kind not in "iuf":
        raise ValueError("train_sizes must be a non-empty 1-D list of sample counts (ints) or "
                         f"of fractions of the training set (floats in (0, 1]); got {train_sizes!r}.")
    if sizes.dtype.kind == "f":
        if not np.all((sizes > 0) & (sizes <= 1)):
            raise ValueError(
                "train_sizes given as floats are fractions of the training set and must lie "
                f"in (0, 1]; got {sizes.tolist()}. Pass whole numbers for sample counts.")
        sizes = np.floor(sizes * n + 1e-9).astype(np.int64)
        if sizes.min() < 1:
            raise ValueError(
                f"the smallest fraction in train_sizes gives fewer than 1 of the {n} training "
                "samples; use a larger fraction.")
    sizes = sizes.astype(np.int64)
    if sizes.min() < 1 or sizes.max() > n:
        raise ValueError(f"train_sizes must lie between 1 and the {n} samples of the training "
                         f"pool; got {sizes.tolist()}.")
    if np.any(np.diff(sizes) <= 0):
        raise ValueError(f"train_sizes must be strictly increasing, each size once; got "
                         f"{sizes.tolist()}. Sort them and drop repeats (fractions that round "
                         "to the same count are repeats).")
    return sizes


def learning_curve(model, X_train, y_train, X_val, y_val, train_sizes=(0.1, 0.25, 0.5, 0.75, 1.0),
                   *, loss: Callable | None = None, num_repeats: int = 5, shuffle: bool = True,
                   seed=0) -> LearningCurve:
    r"""Training and validation loss against the number of training samples.

    For each size :math:`m` in ``train_sizes`` and each of ``num_repeats``
    repeats, a model is fitted on :math:`m` samples drawn from the training
    pool ``(X_train, y_train)``, and its loss is measured on those :math:`m`
    samples (the training loss) and on the whole validation set. Within a
    repeat the subsets are nested, the first :math:`m` samples of one random
    order of the pool (as scikit-learn's ``learning_curve`` takes them), so the
    curves change only because the data grow. All random orders come from one
    seeded generator, drawn at once.

    How to read it: when both curves flatten at a high loss close to each
    other, more data will not help (the model underfits: give it capacity).
    When the validation loss is still falling where the curves stop, with a
    gap to the training loss, more data would help (the model overfits at
    this size: collect data, or regularise).

    Parameters
    ----------
    model : callable or estimator
        Either a function ``fit(X, y)`` that returns a function
        ``predict(X)``, or an object with ``fit(X, y)`` and ``predict(X)``
        methods such as a scikit-learn estimator (a fresh deep copy is fitted
        for every subset).
    X_train, y_train : array_like, n samples along the first axis
        The pool the training subsets are drawn from.
    X_val, y_val : array_like
        The validation set, the same for every fit.
    train_sizes : sequence of int, or of float in (0, 1]
        Sample counts, or fractions of the pool (floats, rounded down),
        strictly increasing.
    loss : callable, optional
        ``loss(y_true, y_pred) -> float``; default :func:`lossbook.mse`.
    num_repeats : int >= 1
        Random subsets per size; the spread across repeats shows how much a
        curve owes to which samples were drawn.
    shuffle : bool
        False takes the pool in the given order (then ``num_repeats`` must be
        1): the first :math:`m` samples for size :math:`m`.
    seed : int or numpy.random.Generator

    Returns
    -------
    LearningCurve
        ``(train_sizes, train_loss, val_loss)``, the losses of shape
        ``(len(train_sizes), num_repeats)``.

    Examples
    --------
    A model that predicts the mean of its training targets, on a pool taken
    in order: with one sample it fits it exactly (training loss 0), with all
    four its training loss is their variance, 1.25.

    >>> mean_model = lambda X, y: (lambda X_new: np.full(len(X_new), np.mean(y)))
    >>> X = np.zeros((4, 1))
    >>> lc = learning_curve(mean_model, X, [1.0, 2.0, 3.0, 4.0], np.zeros((2, 1)), [0.0, 10.0],
    ...                     train_sizes=[1, 2, 4], shuffle=False, num_repeats=1)
    >>> lc.train_sizes.tolist(), lc.train_loss.ravel().tolist(), lc.val_loss.ravel().tolist()
    ([1, 2, 4], [0.0, 0.25, 1.25], [41.0, 37.25, 31.25])
    """
    fit = _as_fit(model)
    X_train = np.asarray(X_train)
    X_val = np.asarray(X_val)
    y_train = as_float_array(y_train, "y_train")
    y_val = as_float_array(y_val, "y_val")
    if X_train.ndim == 0 or X_train.shape[0] != y_train.shape[0]:
        raise ValueError(f"X_train and y_train must hold the same number of samples along the "
                         f"first axis; got shapes {X_train.shape} and {y_train.shape}.")
    if X_val.ndim == 0 or X_val.shape[0] != y_val.shape[0] or y_val.shape[0] == 0:
        raise ValueError(f"X_val and y_val must hold the same number (at least 1) of samples "
                         f"along the first axis; got shapes {X_val.shape} and {y_val.shape}.")
    n = y_train.shape[0]
    if n == 0:
        raise ValueError("the training pool is empty; pass at least one sample.")
    sizes = _train_sizes(train_sizes, n)
    if isinstance(num_repeats, bool) or int(num_repeats) != num_repeats or num_repeats < 1:
        raise ValueError(f"num_repeats must be a whole number >= 1; got {num_repeats!r}.")
    num_repeats = int(num_repeats)
    if not shuffle and num_repeats > 1:
        raise ValueError(f"with shuffle=False every repeat would use the same samples; pass "
                         f"num_repeats=1, or shuffle=True for {num_repeats} different draws.")
    if loss is None:
        from .losses import mse as loss
    elif not callable(loss):
        raise ValueError(f"loss must be a function loss(y_true, y_pred); got {loss!r}.")

    if shuffle:
        rng = np.random.default_rng(seed)
        orders = rng.permuted(np.tile(np.arange(n), (num_repeats, 1)), axis=1)
    else:
        orders = np.arange(n)[None, :]
    train_loss = np.empty((sizes.size, num_repeats))
    val_loss = np.empty((sizes.size, num_repeats))
    for i, m in enumerate(sizes):
        for r in range(num_repeats):
            idx = orders[r, :m]
            predict = fit(X_train[idx], y_train[idx])
            train_loss[i, r] = loss(y_train[idx], np.asarray(predict(X_train[idx]), dtype=float))
            val_loss[i, r] = loss(y_val, np.asarray(predict(X_val), dtype=float))
    return LearningCurve(sizes, train_loss, val_loss)


# --------------------------------------------------------------------------
# Calibration of predicted probabilities (chapter 11)
# --------------------------------------------------------------------------

def _calibration_inputs(y_true, probs, n_bins):
    """Validated binary labels, probabilities and bin count for the calibration functions."""
    yt = as_float_array(y_true, "y_true")
    p = as_float_array(probs, "probs")
    if yt.ndim != 1 or p.ndim != 1:
        raise ValueError(
            f"y_true and probs must be 1-D, one label and one predicted probability of "
            f"class 1 per sample; got shapes {yt.shape} and {p.shape}. For a batch of shape "
            "(N, 1) pass y.ravel(); for (N, C) class probabilities take one class's column.")
    if yt.shape != p.shape:
        raise ValueError(f"y_true has {yt.size} labels but probs has {p.size} probabilities; "
                         "pass one probability per label.")
    if yt.size == 0:
        raise ValueError("y_true and probs are empty; pass at least one sample.")
    if not np.all((yt == 0.0) | (yt == 1.0)):
        values = np.unique(yt[(yt != 0.0) & (yt != 1.0)])[:5]
        raise ValueError(f"y_true must hold labels 0 or 1; found {values.tolist()}. "
                         "If your labels are -1/+1, convert them with y = (y + 1) / 2.")
    lo, hi = float(p.min()), float(p.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError(f"probs must be probabilities in [0, 1]; found values from {lo:.4g} "
                         f"to {hi:.4g}. If these are logits, apply the sigmoid first.")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a whole number >= 1; got {n_bins!r}.")
    return yt, p, int(n_bins)


def _calibration_bins(yt, p, n_bins):
    """Per-bin (count, sum of labels, sum of probabilities) of the equal-width bins."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # searchsorted on the inner edges puts a probability equal to an edge in the
    # bin below it (bins (a, b], the first [0, b]), as scikit-learn does.
    ids = np.searchsorted(edges[1:-1], p)
    count = np.bincount(ids, minlength=n_bins)
    return count, np.bincount(ids, weights=yt, minlength=n_bins), np.bincount(
        ids, weights=p, minlength=n_bins)


def calibration_curve(y_true, probs, n_bins: int = 10):
    """The points of a reliability diagram: observed frequency against mean predicted probability.

    The interval [0, 1] is cut into ``n_bins`` bins of equal width; each
    sample falls into the bin of its predicted probability (a probability on
    an edge between two bins goes to the lower one; 0 to the first). For
    every bin that holds at least one sample, ``prob_true`` is the fraction
    of its samples with label 1 and ``prob_pred`` the mean of their predicted
    probabilities; empty bins are left out. This is scikit-learn's
    ``sklearn.calibration.calibration_curve(y_true, probs, n_bins=n_bins,
    strategy="uniform")``, value for value.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        Labels 0 or 1.
    probs : array_like, shape (N,)
        Predicted probabilities of label 1, in [0, 1].
    n_bins : int >= 1
        Number of equal-width bins.

    Returns
    -------
    (prob_true, prob_pred) : tuple of ndarray, each of shape (number of non-empty bins,)
        float64, in the order of the bins. A calibrated model has
        ``prob_true`` close to ``prob_pred``.

    Examples
    --------
    >>> prob_true, prob_pred = calibration_curve([0, 0, 1, 1, 1], [0.1, 0.3, 0.6, 0.8, 0.9], n_bins=2)
    >>> prob_true.tolist(), prob_pred.round(4).tolist()
    ([0.0, 1.0], [0.2, 0.7667])
    >>> calibration_curve([0, 1], [0.5, 0.5], n_bins=2)[0]   # 0.5 is on an edge: the lower bin
    array([0.5])
    """
    yt, p, n_bins = _calibration_inputs(y_true, probs, n_bins)
    count, true_sum, prob_sum = _calibration_bins(yt, p, n_bins)
    full = count > 0
    return true_sum[full] / count[full], prob_sum[full] / count[full]


def expected_calibration_error(y_true, probs, n_bins: int = 10) -> float:
    r"""Expected calibration error (ECE) of binary predicted probabilities.

    .. math::

        \mathrm{ECE} = \sum_{b} \frac{n_b}{n}\,\bigl|\bar y_b - \bar p_b\bigr|

    over the non-empty bins :math:`b` of :func:`calibration_curve` (the same
    equal-width bins), where :math:`n_b` is the number of samples in bin
    :math:`b`, :math:`n` the number of samples, :math:`\bar y_b` the fraction
    of label 1 in the bin and :math:`\bar p_b` its mean predicted probability.
    It is the gap between the reliability diagram and the diagonal, weighted
    by how many samples each bin holds: 0 for a model whose probabilities
    match the frequencies in every bin, at most 1.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        Labels 0 or 1.
    probs : array_like, shape (N,)
        Predicted probabilities of label 1, in [0, 1].
    n_bins : int >= 1
        Number of equal-width bins. The value depends on it: report it.

    Returns
    -------
    float

    Examples
    --------
    >>> round(expected_calibration_error([0, 0, 1, 1, 1], [0.1, 0.3, 0.6, 0.8, 0.9], n_bins=2), 4)
    0.22

    (bins of 2 and 3 samples: 2/5 * |0 - 0.2| + 3/5 * |1 - 0.7667| = 0.08 + 0.14.)
    >>> expected_calibration_error([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5])
    0.0
    """
    yt, p, n_bins = _calibration_inputs(y_true, probs, n_bins)
    count, true_sum, prob_sum = _calibration_bins(yt, p, n_bins)
    # n_b / n * |true_sum / n_b - prob_sum / n_b| = |true_sum - prob_sum| / n
    return float(np.sum(np.abs(true_sum - prob_sum)) / yt.size)


def _temperature_inputs(logits, labels):
    """(N, C) logits and integer labels; 1-D binary logits become columns [0, z]."""
    z = as_float_array(logits, "logits")
    if z.ndim == 1:
        y = as_float_array(labels, "labels")
        if y.shape != z.shape:
            raise ValueError(f"labels has shape {y.shape} but logits has shape {z.shape}; "
                             "pass one label per logit.")
        if not np.all((y == 0.0) | (y == 1.0)):
            raise ValueError("with 1-D logits (the logit of class 1 of a binary model) labels "
                             "must be 0 or 1; for C classes pass logits of shape (N, C) and "
                             "labels 0..C-1.")
        return np.column_stack([np.zeros_like(z), z]), y.astype(np.int64)
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(f"logits must have shape (N, C) with C >= 2 classes, or shape (N,) "
                         f"for the logit of class 1 of a binary model; got shape {z.shape}.")
    y = np.asarray(labels)
    if y.shape != (z.shape[0],):
        raise ValueError(f"labels must have shape ({z.shape[0]},), one class label per row of "
                         f"logits; got shape {y.shape}.")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError("labels must be whole-number class labels 0..C-1.")
    elif y.dtype.kind not in "iub":
        raise ValueError(f"labels must be integer class labels; got dtype {y.dtype}.")
    y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= z.shape[1]):
        raise ValueError(f"labels run from {y.min()} to {y.max()} but logits has "
                         f"{z.shape[1]} columns: labels must lie in 0..{z.shape[1] - 1}.")
    return z, y


def _slope_in_inverse_temperature(z, y, beta):
    """d/d(beta) of the mean cross-entropy of beta * z, and its curvature (both per sample mean)."""
    s = beta * z
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    q = e / e.sum(axis=1, keepdims=True)
    expected_z = np.sum(q * z, axis=1)
    slope = np.mean(expected_z - z[np.arange(z.shape[0]), y])
    curvature = np.mean(np.sum(q * z * z, axis=1) - expected_z**2)
    return slope, curvature


def fit_temperature(logits, labels) -> float:
    r"""The temperature :math:`T > 0` that minimises the mean cross-entropy of ``logits / T``.

    Temperature scaling (Guo et al., 2017) divides every logit of a trained
    classifier by one number :math:`T` fitted on held-out (validation) data:
    :math:`T > 1` softens overconfident probabilities, :math:`T < 1` sharpens
    underconfident ones, and the predicted class never changes. The mean
    cross-entropy of :math:`\beta z` is convex in :math:`\beta = 1/T` (its
    second derivative is the mean variance of the logits under the predicted
    probabilities), so it has a single minimum, which is found by bisection on
    the sign of its slope, bracketed on a log scale, then polished by Newton
    steps: no starting value or learning rate to choose.

    Parameters
    ----------
    logits : array_like, shape (N, C) or (N,)
        Raw class scores of the samples. A 1-D array is the logit of class 1
        of a binary model (probability ``sigmoid(logit)``), which is the same
        as the two columns ``[0, logit]``.
    labels : array_like, shape (N,)
        Class labels ``0..C-1`` (0 or 1 for 1-D logits).

    Returns
    -------
    float
        The fitted temperature; divide the logits by it.

    Raises
    ------
    ValueError
        When no finite positive temperature minimises the loss: the logits are
        no better than uniform guessing on these labels (the loss falls all
        the way to ``T -> infinity``), or no sample has a wrong class scored
        above its own (the loss falls all the way to ``T -> 0``).

    Examples
    --------
    >>> logits = np.array([2.0, -1.0, 3.0, 0.5, -2.0, 1.0])
    >>> labels = np.array([1, 0, 0, 1, 0, 1])
    >>> T = fit_temperature(logits, labels)
    >>> round(T, 4)
    2.5624
    >>> z2 = np.column_stack([np.zeros(6), logits])   # the same as two columns [0, z]
    >>> bool(abs(fit_temperature(z2, labels) - T) < 1e-9)
    True
    """
    z, y = _temperature_inputs(logits, labels)
    if z.shape[0] == 0:
        raise ValueError("logits are empty; pass at least one sample.")
    # slope(beta) rises with beta (convexity); we want slope(beta) = 0.
    slope0, _ = _slope_in_inverse_temperature(z, y, 0.0)
    if slope0 >= 0:
        raise ValueError(
            "the logits are no better than uniform guessing on these labels: the mean "
            "cross-entropy keeps falling as T grows, so no finite temperature minimises it. "
            "Check that labels and logit columns match (and that the model was trained).")
    rows = np.arange(z.shape[0])
    others = z.copy()
    others[rows, y] = -np.inf
    if np.all(z[rows, y] >= others.max(axis=1)):
        raise ValueError(
            "the mean cross-entropy keeps falling as T goes to 0: the logits put every "
            "sample in its right class (no sample has another class scored higher), so no "
            "positive temperature minimises it. Fit the temperature on data the model makes "
            "mistakes on (a larger validation set).")
    lo, hi = 0.0, 1.0
    while _slope_in_inverse_temperature(z, y, hi)[0] < 0:  # ends: a wrong sample makes it rise
        lo, hi = hi, hi * 2.0
    for _ in range(200):  # bisection on the sign of the slope
        mid = 0.5 * (lo + hi)
        if _slope_in_inverse_temperature(z, y, mid)[0] < 0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    beta = 0.5 * (lo + hi)
    for _ in range(3):  # Newton steps polish the last digits
        slope, curvature = _slope_in_inverse_temperature(z, y, beta)
        if curvature <= 0:
            break
        step = beta - slope / curvature
        if not lo * 0.5 < step < hi * 2.0:
            break
        beta = step
    return float(1.0 / beta)

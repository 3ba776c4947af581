"""Tools for reading training curves: early stopping and learning curves."""

from __future__ import annotations

import copy
from typing import Callable, NamedTuple

import numpy as np

from ._validation import as_float_array

__all__ = ["early_stopping_epoch", "learning_curve", "LearningCurve"]


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

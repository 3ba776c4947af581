"""Tools for reading training curves: early stopping and learning curves."""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array

__all__ = ["early_stopping_epoch"]


def early_stopping_epoch(val_losses, patience: int, min_delta: float = 0.0):
    """Where early stopping would stop, with Keras ``EarlyStopping(mode="min")`` rules.

    An epoch *improves* when its loss is below ``best - min_delta``, where
    ``best`` is the lowest loss seen so far (the first epoch always improves).
    Training stops at the epoch where ``patience`` epochs in a row have not
    improved.

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
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
            continue
        wait += 1
        if wait >= patience and epoch > 0:
            return epoch, best_epoch
    return None, best_epoch

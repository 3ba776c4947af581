"""Input checks shared by every public function of :mod:`lossbook`.

Each check raises :class:`ValueError` with a message that names the problem
and says how to fix it, so that a learner who passes the wrong thing reads
what to change rather than a NumPy traceback.
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def as_float_array(x, name: str, check_finite: bool = True) -> np.ndarray:
    """Return ``x`` as a float64 array, refusing NaN and infinite values.

    A float64 array is returned as it is, without a copy. With
    ``check_finite=False`` the caller promises to check later, for example
    with :func:`check_finite_result`, which costs nothing when all is well.
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be numbers (a list or NumPy array of floats); "
            f"could not convert it: {exc}"
        ) from None
    if check_finite:
        check_finite_values(arr, name)
    return arr


def check_finite_values(arr: np.ndarray, name: str) -> None:
    """Refuse NaN and infinite values, saying how many there are."""
    # A finite sum proves every value finite (NaN and infinity propagate into
    # it) and reads the data once without a temporary: twice as fast as
    # np.isfinite(arr).all(). Only a non-finite sum (or an overflow) looks closer.
    with np.errstate(invalid="ignore", over="ignore"):
        total = arr.sum()
    if np.isfinite(total):
        return
    if not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains NaN or infinity ({bad} of {arr.size} values). "
            "A loss of non-finite values is meaningless: find where they come "
            "from (a division by zero, a log of 0, an overflowing exp) or drop "
            "those samples before computing the loss."
        )


def check_finite_result(total, *named_inputs) -> None:
    """Deferred check of the inputs, for losses in which NaN and infinity propagate.

    ``total`` is the (summed) loss, computed without checking the inputs
    first. When an input holds NaN or infinity the total is not finite, so a
    finite total proves every input finite at no cost. Otherwise each input is
    checked and the first non-finite one raises; if all are finite, the total
    overflowed genuinely and is returned as such by the caller.
    """
    if not np.isfinite(total):
        for arr, name in named_inputs:
            check_finite_values(arr, name)


def value_range(arr: np.ndarray, name: str) -> tuple[float, float]:
    """``(min, max)`` of ``arr``, refusing NaN and infinity.

    Two reductions without temporaries: NaN propagates into the minimum and
    the maximum, and an infinity is one of them, so finite extremes prove
    every value finite.
    """
    if arr.size == 0:
        return 0.0, 0.0
    lo, hi = float(arr.min()), float(arr.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        check_finite_values(arr, name)
    return lo, hi


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Refuse arrays of different shapes instead of silently broadcasting."""
    if a.shape != b.shape:
        hint = ""
        if a.size == b.size:
            hint = (
                f" They hold the same number of values: reshape one, for example "
                f"{name_b} = {name_b}.reshape({name_a}.shape)."
            )
        raise ValueError(
            f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; "
            "they must have the same shape (one target per prediction). "
            "NumPy would broadcast them into a wrong loss, so this is refused."
            + hint
        )


def check_reduction(reduction: str) -> None:
    """Refuse an unknown ``reduction``."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"unknown reduction {reduction!r}; use 'mean' (the default), "
            "'sum' or 'none'."
        )


def reduce(values: np.ndarray, reduction: str):
    """Apply ``reduction`` to per-element or per-sample loss values."""
    if reduction == "mean":
        return float(np.mean(values))
    if reduction == "sum":
        return float(np.sum(values))
    return values


def check_probabilities(p: np.ndarray, name: str) -> None:
    """Refuse values outside [0, 1] (and NaN or infinity) where probabilities are expected."""
    lo, hi = value_range(p, name)
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name} must be probabilities in [0, 1]; found values from "
            f"{lo:.4g} to {hi:.4g}. If these are logits (raw scores), "
            "use binary_cross_entropy_with_logits, or apply sigmoid first."
        )


def check_positive(value: float, name: str) -> float:
    """Refuse a parameter that must be strictly positive and finite."""
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number; got {value}. Pass {name} > 0.")
    return value


def check_class_labels(labels, num_classes: int, name: str = "y_true") -> np.ndarray:
    """Return integer class labels of shape (N,), refusing anything else."""
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be integer class labels of shape (N,); got shape {arr.shape}."
        )
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(
                f"{name} must hold whole-number class labels 0..C-1; found "
                "fractional or non-finite values. For soft (probability) targets "
                "pass an array of shape (N, C) whose rows sum to 1."
            )
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iub":
        raise ValueError(f"{name} must be integer class labels; got dtype {arr.dtype}.")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(
            f"{name} holds class labels from {arr.min()} to {arr.max()}, but there "
            f"are {num_classes} classes, so labels must lie in 0..{num_classes - 1}. "
            "If your labels start at 1, subtract 1."
        )
    return arr


def check_hinge_labels(y: np.ndarray, name: str = "y_true") -> None:
    """Refuse hinge labels that are not all -1 or +1."""
    ok = (y == 1.0) | (y == -1.0)
    if not np.all(ok):
        values = np.unique(y[~ok])[:5]
        if np.all((y == 0.0) | (y == 1.0)):
            fix = f"Your labels are 0/1: convert them with {name} = 2 * {name} - 1."
        else:
            fix = "Map the negative class to -1 and the positive class to +1."
        raise ValueError(
            f"hinge losses need labels in {{-1, +1}}; {name} contains {values.tolist()}. "
            + fix
        )


def check_logits_2d(logits: np.ndarray, name: str = "logits") -> None:
    """Refuse class scores that are not a 2-D (N, C) array."""
    if logits.ndim != 2:
        raise ValueError(
            f"{name} must have shape (N, C): one row of C class scores per sample; "
            f"got shape {logits.shape}. For a single sample use {name}[None, :]."
        )


def check_count(value, name: str, minimum: int = 0) -> int:
    """Return ``value`` as an int, refusing anything but a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}.")
    return int(value)

"""Reference loss functions and their gradients, in NumPy.

Every function takes the target first and the model output second, as
scikit-learn and Keras do, works in float64, is vectorised, and validates its
input (see :mod:`lossbook._validation`). ``reduction`` is ``"mean"`` (the
default, as in PyTorch and Keras), ``"sum"`` or ``"none"``.

The gradient functions return the gradient of the **mean-reduced** loss with
respect to the second argument, with the same shape as that argument.
"""

from __future__ import annotations

import threading

import numpy as np

from ._validation import (
    as_float_array,
    check_class_labels,
    check_finite_result,
    check_finite_values,
    check_hinge_labels,
    check_logits_2d,
    check_positive,
    check_probabilities,
    check_reduction,
    check_same_shape,
    reduce,
    value_range,
)

__all__ = [
    "mse",
    "mse_grad",
    "mae",
    "mae_grad",
    "huber",
    "huber_grad",
    "sigmoid",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "cross_entropy_grad",
    "hinge",
    "squared_hinge",
    "hinge_grad",
    "multiclass_hinge",
]

#: PyTorch clamps each log in binary cross-entropy at -100 (``Loss.cpp``).
LOG_CLAMP = -100.0


def _pair(y_true, y_pred, name_true="y_true", name_pred="y_pred", check_finite=True):
    yt = as_float_array(y_true, name_true, check_finite)
    yp = as_float_array(y_pred, name_pred, check_finite)
    check_same_shape(yt, yp, name_true, name_pred)
    return yt, yp


# Implementation notes, for speed on large inputs (see benchmarks/): the
# arithmetic is done in place on as few temporary arrays as possible, without
# BLAS calls (whose thread pool makes timings erratic on a busy machine). For
# MSE, MAE and Huber the inputs are not scanned for NaN and infinity before
# the loss is computed: those values propagate into the total, so a finite
# total proves the inputs finite, and only a non-finite total triggers the
# check that names the bad input.


class _Workspace(threading.local):
    """Scratch arrays reused from call to call, one set per thread.

    A loss reduced to its mean or sum needs temporary arrays that never leave
    the function. Fresh large arrays can be costly: when several are freed
    together, the C library returns their memory to the system, and the next
    call pays page faults to get it back (measured: about 1.8 ms per 8 MB,
    more than a pass of arithmetic; binary cross-entropy took 9 ms instead of
    5). Temporaries of between 64 Ki and 4 Mi values are therefore kept;
    smaller ones cost nothing to allocate, larger ones are not held.
    """

    MIN, MAX = 1 << 16, 1 << 22

    def __init__(self):
        self.buffers: dict[str, np.ndarray] = {}

    def array(self, slot: str, shape) -> np.ndarray:
        n = int(np.prod(shape))
        if not self.MIN <= n <= self.MAX:
            return np.empty(shape)
        buf = self.buffers.get(slot)
        if buf is None or buf.size < n:
            buf = self.buffers[slot] = np.empty(n)
        return buf[:n].reshape(shape)


_WORKSPACE = _Workspace()


def _temp(like: np.ndarray, reduction: str, slot: str = "a") -> np.ndarray:
    """An array shaped like ``like`` for values that are reduced before returning
    (a reused scratch array), or returned unreduced (a new array)."""
    if reduction == "none":
        return np.empty_like(like, dtype=np.float64)
    return _WORKSPACE.array(slot, like.shape)


def _mean(total: float, n: int) -> float:
    return total / n if n else float("nan")


def _finish(values: np.ndarray, total: float, reduction: str, *named_inputs):
    """Return the reduced loss, after the deferred NaN/infinity check."""
    check_finite_result(total, *named_inputs)
    if reduction == "mean":
        return _mean(total, values.size)
    if reduction == "sum":
        return total
    return values


def _sum_of_squares(x: np.ndarray) -> float:
    """Sum of the squares of ``x``, as one dot product (one pass, BLAS's ``ddot``).

    NaN and infinity propagate into the result, which ``_finish`` checks.
    """
    flat = x.reshape(-1)
    return float(np.dot(flat, flat))


def _row_max(z: np.ndarray) -> np.ndarray:
    """Maximum of each row of a 2-D array.

    For a few classes, a loop over the columns (not the samples) is several
    times faster than ``z.max(axis=1)``, which reduces many short rows.
    """
    n, c = z.shape
    if c == 0 or c > 32:
        return z.max(axis=1)
    m = z[:, 0].copy()
    for k in range(1, c):
        np.maximum(m, z[:, k], out=m)
    return m


def _row_sum(z: np.ndarray) -> np.ndarray:
    """Sum of each row of a 2-D array (``einsum`` is several times faster than ``z.sum(axis=1)``)."""
    return np.einsum("ij->i", z)


# --------------------------------------------------------------------------
# Regression losses
# --------------------------------------------------------------------------


def mse(y_true, y_pred, reduction: str = "mean"):
    r"""Mean squared error, :math:`\frac1n\sum_i (\hat y_i - y_i)^2`.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions of the same shape.
    reduction : {"mean", "sum", "none"}
        Average over all elements, add them up, or return them unreduced.

    Returns
    -------
    float or ndarray

    Examples
    --------
    A house worth 300,000 predicted at 250,000:

    >>> mse([300_000.0], [250_000.0])
    2500000000.0
    >>> mse([1.0, 2.0], [2.0, 4.0], reduction="none")
    array([1., 4.])
    """
    check_reduction(reduction)
    yt, yp = _pair(y_true, y_pred, check_finite=False)
    with np.errstate(invalid="ignore"):  # inf - inf: refused just below, by _finish
        d = np.subtract(yp, yt, out=_temp(yp, reduction))
    if reduction != "none":  # the sum of squares in one pass, without squaring in place
        return _finish(d, _sum_of_squares(d), reduction, (yt, "y_true"), (yp, "y_pred"))
    np.multiply(d, d, out=d)
    return _finish(d, float(d.sum()), reduction, (yt, "y_true"), (yp, "y_pred"))


def mse_grad(y_true, y_pred):
    r"""Gradient of the mean squared error: :math:`2(\hat y - y)/n`.

    Examples
    --------
    >>> mse_grad([0.0, 0.0], [1.0, -3.0])
    array([ 1., -3.])
    """
    yt, yp = _pair(y_true, y_pred)
    g = np.subtract(yp, yt, out=np.empty_like(yp))
    g *= 2.0 / max(g.size, 1)
    return g


def mae(y_true, y_pred, reduction: str = "mean"):
    r"""Mean absolute error, :math:`\frac1n\sum_i |\hat y_i - y_i|`.

    Examples
    --------
    >>> mae([300_000.0], [250_000.0])
    50000.0
    >>> mae([1.0, 2.0], [2.0, 4.0], reduction="sum")
    3.0
    """
    check_reduction(reduction)
    yt, yp = _pair(y_true, y_pred, check_finite=False)
    with np.errstate(invalid="ignore"):  # inf - inf: refused just below, by _finish
        a = np.subtract(yp, yt, out=_temp(yp, reduction))
    np.abs(a, out=a)
    return _finish(a, float(a.sum()), reduction, (yt, "y_true"), (yp, "y_pred"))


def mae_grad(y_true, y_pred):
    r"""(Sub)gradient of the mean absolute error: :math:`\operatorname{sign}(\hat y - y)/n`.

    At a residual of exactly zero :math:`|r|` has a kink and no derivative;
    every value in :math:`[-1/n, 1/n]` is a subgradient there, and 0 is
    returned, as ``torch.sign`` gives.

    Examples
    --------
    >>> mae_grad([0.0, 0.0, 0.0, 0.0], [2.0, -1.0, 0.0, 5.0])
    array([ 0.25, -0.25,  0.  ,  0.25])
    """
    yt, yp = _pair(y_true, y_pred)
    g = np.subtract(yp, yt, out=np.empty_like(yp))
    zero = g == 0.0
    np.copysign(1.0 / max(g.size, 1), g, out=g)  # sign(r) / n, faster than np.sign
    if zero.any():
        g[zero] = 0.0
    return g


def huber(y_true, y_pred, delta: float = 1.0, reduction: str = "mean"):
    r"""Huber loss, PyTorch's ``HuberLoss(delta)`` and Keras's ``Huber(delta)``.

    .. math::

        \ell_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
        \delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases}

    with residual :math:`r = \hat y - y`. PyTorch's ``SmoothL1Loss(beta)``
    equals ``huber(..., delta=beta) / beta``; scikit-learn's ``HuberRegressor``
    minimises :math:`\sum_i [\sigma + 2\sigma\,\ell_\varepsilon(r_i/\sigma)]`
    (plus an L2 penalty) over the line and a scale :math:`\sigma` together,
    which for a fixed :math:`\sigma` has the minimiser of this loss with
    ``delta = epsilon * sigma``.

    Examples
    --------
    >>> huber([0.0, 0.0], [0.5, 3.0])       # 0.125 and 1 * (3 - 0.5) = 2.5
    1.3125
    >>> huber([0.0], [3.0], delta=2.0)
    4.0
    """
    check_reduction(reduction)
    delta = check_positive(delta, "delta")
    yt, yp = _pair(y_true, y_pred, check_finite=False)
    with np.errstate(invalid="ignore"):  # inf - inf: refused at the end, by _finish
        r = np.subtract(yp, yt, out=_temp(yp, reduction))
    if reduction != "none":
        # With c = clip(r, -delta, delta), each term is c r - c^2 / 2: r^2 / 2
        # inside the band, delta |r| - delta^2 / 2 outside. The mean and the sum
        # then need two dot products (one pass each), not an array of terms.
        c = np.clip(r, -delta, delta, out=_temp(yp, reduction, "b")).reshape(-1)
        flat = r.reshape(-1)
        total = float(np.dot(c, flat)) - 0.5 * float(np.dot(c, c))
        return _finish(r, total, reduction, (yt, "y_true"), (yp, "y_pred"))
    # Unreduced, with a = |r| and c = min(a, delta): c^2 / 2 + delta (a - c).
    a = np.abs(r, out=r)
    c = np.clip(a, 0.0, delta, out=np.empty_like(a))  # min(a, delta); faster than np.minimum
    np.subtract(a, c, out=a)  # the part of |r| beyond delta
    a *= delta
    c *= c
    c *= 0.5
    a += c
    return _finish(a, float(a.sum()), reduction, (yt, "y_true"), (yp, "y_pred"))


def huber_grad(y_true, y_pred, delta: float = 1.0):
    r"""Gradient of the mean Huber loss: :math:`r` inside :math:`\pm\delta`,
    :math:`\delta\operatorname{sign}(r)` outside, divided by :math:`n`.

    This is the gradient with respect to the predictions, so each entry is at
    most :math:`\delta/n` in size. With respect to a model's parameters the
    chain rule multiplies it by :math:`\partial\hat y_i/\partial\theta`: for
    the slope of a line, by :math:`x_i`, so a sample with an extreme input
    still pulls harder than the others.

    Examples
    --------
    >>> huber_grad([0.0, 0.0], [0.5, -3.0])
    array([ 0.25, -0.5 ])
    """
    delta = check_positive(delta, "delta")
    yt, yp = _pair(y_true, y_pred)
    g = np.subtract(yp, yt, out=np.empty_like(yp))
    np.clip(g, -delta, delta, out=g)
    g /= max(g.size, 1)
    return g


# --------------------------------------------------------------------------
# Binary classification
# --------------------------------------------------------------------------


def sigmoid(logits):
    r"""Numerically stable logistic sigmoid :math:`1/(1+e^{-z})`.

    Examples
    --------
    >>> sigmoid([0.0, 1000.0, -1000.0])
    array([0.5, 1. , 0. ])
    """
    z = as_float_array(logits, "logits")
    return _sigmoid(z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-z)) is accurate to rounding for every z: for z < -709,
    # exp(-z) overflows to infinity and the result is 0, the correctly rounded
    # value (sigmoid(-709) is about 1e-308), so the overflow warning is silenced.
    r = np.negative(z, out=np.empty_like(z))
    with np.errstate(over="ignore"):
        np.exp(r, out=r)
    r += 1.0
    return np.reciprocal(r, out=r)


def _check_binary_targets(yt: np.ndarray) -> None:
    lo, hi = value_range(yt, "y_true")
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            "binary cross-entropy needs targets in [0, 1] (class 0 or 1, or a "
            f"soft label); found values from {lo:.4g} to {hi:.4g}. "
            "If your labels are -1/+1, convert them with y = (y + 1) / 2."
        )


def binary_cross_entropy(y_true, probs, reduction: str = "mean"):
    r"""Binary cross-entropy of predicted probabilities, as PyTorch's ``BCELoss``.

    .. math::

        \ell = -\bigl[y\log p + (1-y)\log(1-p)\bigr]

    Each logarithm is clamped at -100, as PyTorch does, so a probability of
    exactly 0 or 1 on the wrong side costs 100 rather than infinity. Keras
    instead clips the probabilities to ``[1e-7, 1 - 1e-7]``.

    Examples
    --------
    The true class is 0 and the model says 0.8 for class 1: :math:`-\ln 0.2`.

    >>> round(binary_cross_entropy([0.0], [0.8]), 4)
    1.6094
    >>> binary_cross_entropy([1.0], [0.0])
    100.0
    """
    check_reduction(reduction)
    yt, p = _pair(y_true, probs, "y_true", "probs", check_finite=False)
    check_probabilities(p, "probs")  # also refuses NaN and infinity
    _check_binary_targets(yt)
    with np.errstate(divide="ignore"):
        log_p = np.log(p, out=_temp(p, reduction, "a"))
    np.maximum(log_p, LOG_CLAMP, out=log_p)
    one_minus_y = np.subtract(1.0, yt, out=_temp(yt, reduction, "b"))
    if reduction != "none":
        # Sums of products need no third array; both are <= 0, so nothing cancels.
        y1, lp = yt.reshape(-1), log_p.reshape(-1)
        total = float(np.einsum("i,i->", y1, lp))
        with np.errstate(divide="ignore"):
            np.log1p(np.negative(p, out=log_p), out=log_p)
        np.maximum(log_p, LOG_CLAMP, out=log_p)
        total += float(np.einsum("i,i->", one_minus_y.reshape(-1), lp))
        return _mean(-total, p.size) if reduction == "mean" else -total
    with np.errstate(divide="ignore"):
        log_1mp = np.log1p(np.negative(p), out=np.empty_like(p))
    np.maximum(log_1mp, LOG_CLAMP, out=log_1mp)
    log_p *= yt
    log_1mp *= one_minus_y
    log_p += log_1mp
    return np.negative(log_p, out=log_p)


def binary_cross_entropy_with_logits(y_true, logits, reduction: str = "mean"):
    r"""Binary cross-entropy computed from logits, stably.

    Uses :math:`\ell = \max(z, 0) - z y + \log(1 + e^{-|z|})`, which equals
    :math:`-[y\log\sigma(z) + (1-y)\log(1-\sigma(z))]` but never overflows,
    as PyTorch's ``BCEWithLogitsLoss`` and Keras's
    ``BinaryCrossentropy(from_logits=True)``.

    Examples
    --------
    >>> binary_cross_entropy_with_logits([1.0, 0.0], [1000.0, 1000.0], reduction="none")
    array([   0., 1000.])
    >>> round(binary_cross_entropy_with_logits([0.0], [np.log(4.0)]), 4)  # p = 0.8
    1.6094
    """
    check_reduction(reduction)
    yt, z = _pair(y_true, logits, "y_true", "logits", check_finite=False)
    _check_binary_targets(yt)  # also refuses NaN and infinity in y_true
    if reduction == "none":
        check_finite_values(z, "logits")  # for the mean and the sum: checked after
    # Non-finite logits (refused already for "none") make NaN here: no warning,
    # the check after the sum names them.
    with np.errstate(invalid="ignore"):
        soft = np.copysign(z, -1.0, out=_temp(z, reduction, "a"))  # -|z| in one pass
        np.exp(soft, out=soft)
        np.log1p(soft, out=soft)  # log(1 + exp(-|z|))
        linear = np.multiply(z, yt, out=_temp(z, reduction, "b"))
        if reduction == "none":
            soft -= linear
            np.maximum(z, 0.0, out=linear)
            soft += linear
            return soft
        # max(z, 0) - z y >= 0 for targets in [0, 1], as is the soft part: summed
        # apart, nothing cancels, and the first array is free for the second part.
        total = float(soft.sum())
        np.maximum(z, 0.0, out=soft)
        soft -= linear
        total += float(soft.sum())
    return _finish(soft, total, reduction, (z, "logits"))


def binary_cross_entropy_with_logits_grad(y_true, logits):
    r"""Gradient of the mean binary cross-entropy with logits: :math:`(\sigma(z) - y)/n`.

    Examples
    --------
    >>> binary_cross_entropy_with_logits_grad([1.0, 0.0], [0.0, 0.0])
    array([-0.25,  0.25])
    """
    yt, z = _pair(y_true, logits, "y_true", "logits")
    _check_binary_targets(yt)
    g = _sigmoid(z)
    g -= yt
    g /= max(g.size, 1)
    return g


# --------------------------------------------------------------------------
# Multiclass classification
# --------------------------------------------------------------------------


def softmax(logits, axis: int = -1):
    r"""Softmax :math:`e^{z_k}/\sum_j e^{z_j}` along ``axis``, without overflow.

    The maximum is subtracted first; softmax is unchanged by adding a constant
    to every logit, so the result is the same and ``exp`` never overflows.

    Examples
    --------
    >>> softmax([1000.0, 1000.0])
    array([0.5, 0.5])
    >>> softmax([[0.0, np.log(3.0)]]).round(4)
    array([[0.25, 0.75]])
    """
    z = as_float_array(logits, "logits")
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(logits, axis: int = -1):
    r"""Log of the softmax, by the log-sum-exp trick:
    :math:`z_k - m - \log\sum_j e^{z_j - m}` with :math:`m = \max_j z_j`.

    Examples
    --------
    >>> log_softmax([1000.0, 0.0]).round(4)
    array([    0., -1000.])
    """
    z = as_float_array(logits, "logits")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _ce_inputs(y_true, logits, label_smoothing: float):
    """Validate cross-entropy input.

    Returns ``(z, labels, q, q_sums, eps)``: the (N, C) logits, and either
    integer labels of shape (N,) (``q`` and ``q_sums`` are None) or
    probability targets ``q`` of shape (N, C) with their row sums (``labels``
    is None), and the label smoothing.
    """
    z = as_float_array(logits, "logits", check_finite=False)
    check_logits_2d(z)
    if not np.isfinite(z.sum()):
        check_finite_values(z, "logits")
    n, c = z.shape
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(
            f"label_smoothing must lie in [0, 1]; got {label_smoothing}. "
            "Typical values are 0.0 (none) to 0.2."
        )
    arr = np.asarray(y_true)
    if arr.ndim == 2:
        q = as_float_array(arr, "y_true", check_finite=False)
        check_same_shape(q, z, "y_true", "logits")
        lo, hi = value_range(q, "y_true")
        if lo < 0 or hi > 1:
            raise ValueError(
                "probability targets must lie in [0, 1]; for integer class labels "
                "pass a 1-D array of shape (N,) instead."
            )
        sums = _row_sum(q)
        if not np.allclose(sums, 1.0, atol=1e-6):
            worst = int(np.argmax(np.abs(sums - 1.0)))
            raise ValueError(
                f"each row of probability targets must sum to 1; row {worst} sums "
                f"to {sums[worst]:.6g}. Normalise with y_true / y_true.sum(axis=1, "
                "keepdims=True), or pass integer class labels of shape (N,)."
            )
        return z, None, q, sums, eps
    if arr.ndim == 1 and arr.shape[0] != n:
        raise ValueError(
            f"y_true has {arr.shape[0]} labels but logits has {n} rows; "
            "give one class label per sample."
        )
    return z, check_class_labels(arr, c), None, None, eps


def cross_entropy(y_true, logits, label_smoothing: float = 0.0, reduction: str = "mean"):
    r"""Softmax cross-entropy from logits, as PyTorch's ``CrossEntropyLoss``.

    .. math::

        \ell_n = -\sum_{k=1}^{C} q_{nk} \log \operatorname{softmax}(z_n)_k

    where :math:`q_n` is the one-hot vector of the label :math:`y_n` (when
    ``y_true`` holds integer labels of shape (N,)) or the given probability
    row (when ``y_true`` has shape (N, C)). With label smoothing
    :math:`\varepsilon`, :math:`q \leftarrow (1-\varepsilon) q + \varepsilon / C`,
    PyTorch's definition (Keras's ``CategoricalCrossentropy`` uses the same).

    Parameters
    ----------
    y_true : array_like, shape (N,) of int or (N, C) of float
    logits : array_like, shape (N, C)
        Raw scores, not probabilities: the softmax is applied here.
    label_smoothing : float in [0, 1]
    reduction : {"mean", "sum", "none"}
        ``"none"`` returns one loss per sample, shape (N,).

    Examples
    --------
    >>> logits = np.array([[2.0, 1.0, 0.1]])
    >>> round(cross_entropy([0], logits), 4)
    0.417
    >>> round(cross_entropy([[1.0, 0.0, 0.0]], logits), 4)   # one-hot: the same
    0.417
    >>> round(cross_entropy([0], logits, label_smoothing=0.1), 4)
    0.5137
    """
    check_reduction(reduction)
    z, labels, q, q_sums, eps = _ce_inputs(y_true, logits, label_smoothing)
    n, c = z.shape
    # With m the row maximum and s = sum_k exp(z_k - m), log softmax(z)_k is
    # (z_k - m) - log s, so for a target distribution q (smoothed):
    #   loss = (sum_k q_k) log s - sum_k q_k (z_k - m).
    m = _row_max(z)
    shifted = np.subtract(z, m[:, None], out=_WORKSPACE.array("a", z.shape))
    if eps:
        smooth = (eps / c) * _row_sum(shifted)  # the uniform part of q
    if labels is None:
        values = np.einsum("ij,ij->i", q, shifted)
        weight = q_sums  # 1 up to rounding
    else:
        values = shifted[np.arange(n), labels]
        weight = 1.0
    np.exp(shifted, out=shifted)
    log_s = np.log(_row_sum(shifted))
    if eps:
        values *= 1.0 - eps
        values += smooth
        weight = (1.0 - eps) * weight + eps
    np.negative(values, out=values)
    values += weight * log_s
    return reduce(values, reduction)


def cross_entropy_grad(y_true, logits, label_smoothing: float = 0.0):
    r"""Gradient of the mean softmax cross-entropy: :math:`(\operatorname{softmax}(z) - q)/N`.

    Examples
    --------
    >>> cross_entropy_grad([1], [[0.0, 0.0]])
    array([[ 0.5, -0.5]])
    """
    z, labels, q, q_sums, eps = _ce_inputs(y_true, logits, label_smoothing)
    n, c = z.shape
    g = np.subtract(z, _row_max(z)[:, None])
    np.exp(g, out=g)
    g /= _row_sum(g)[:, None]  # softmax(z)
    if labels is None:
        g -= (1.0 - eps) * q
    else:
        g[np.arange(n), labels] -= 1.0 - eps
    if eps:
        g -= eps / c
    g /= max(n, 1)
    return g


# --------------------------------------------------------------------------
# Hinge losses
# --------------------------------------------------------------------------


def _hinge_pair(y_true, scores):
    yt, s = _pair(y_true, scores, "y_true", "scores")
    check_hinge_labels(yt)
    return yt, s


def hinge(y_true, scores, reduction: str = "mean"):
    r"""Hinge loss :math:`\max(0, 1 - y f)` for labels :math:`y \in \{-1, +1\}`.

    Unlike Keras, which silently turns 0/1 labels into -1/+1, this raises an
    error that says how to convert them.

    Examples
    --------
    >>> hinge([1.0, -1.0, 1.0], [2.0, 0.5, -1.0], reduction="none")
    array([0. , 1.5, 2. ])
    """
    check_reduction(reduction)
    yt, s = _hinge_pair(y_true, scores)
    return reduce(_hinge_values(yt, s, reduction), reduction)


def _hinge_values(yt: np.ndarray, s: np.ndarray, reduction: str) -> np.ndarray:
    """max(0, 1 - y f), in one array (a scratch array unless returned unreduced)."""
    m = np.multiply(yt, s, out=_temp(s, reduction))
    np.subtract(1.0, m, out=m)
    return np.maximum(m, 0.0, out=m)


def squared_hinge(y_true, scores, reduction: str = "mean"):
    r"""Squared hinge loss :math:`\max(0, 1 - y f)^2`, labels in {-1, +1}.

    Examples
    --------
    >>> squared_hinge([1.0, -1.0, 1.0], [2.0, 0.5, -1.0])
    2.0833333333333335
    """
    check_reduction(reduction)
    yt, s = _hinge_pair(y_true, scores)
    m = _hinge_values(yt, s, reduction)
    return reduce(np.multiply(m, m, out=m), reduction)


def hinge_grad(y_true, scores):
    r"""Subgradient of the mean hinge loss: :math:`-y/n` where :math:`y f \le 1`, else 0.

    At exactly :math:`y f = 1` this picks :math:`-y/n`, as scikit-learn's SGD
    and PyTorch's autograd of ``clamp_min`` do.

    Examples
    --------
    >>> hinge_grad([1.0, -1.0], [2.0, 0.5])
    array([0. , 0.5])
    """
    yt, s = _hinge_pair(y_true, scores)
    g = np.multiply(yt, s, out=np.empty_like(s))
    active = g <= 1.0  # the margin y f is not met yet: the loss still pulls
    np.multiply(yt, -1.0 / max(g.size, 1), out=g)
    g *= active
    g += 0.0  # turns the -0.0 of met margins with y = +1 into 0.0
    return g


def multiclass_hinge(y_true, scores, margin: float = 1.0, variant: str = "weston_watkins",
                     reduction: str = "mean"):
    r"""Multiclass hinge loss for integer labels and (N, C) class scores.

    ``variant="weston_watkins"`` (CS231n's multiclass SVM loss) adds the
    violated margins over all wrong classes:
    :math:`\sum_{j \ne y} \max(0, f_j - f_y + \Delta)`.
    ``variant="crammer_singer"`` (scikit-learn's ``hinge_loss`` for more than
    two classes) keeps only the largest:
    :math:`\max(0, \Delta + \max_{j \ne y} f_j - f_y)`.

    PyTorch's ``multi_margin_loss`` (``MultiMarginLoss``) is the
    Weston-Watkins loss divided by the number of classes C.

    Examples
    --------
    CS231n's example: scores 3.2, 5.1, -1.7 with the true class 0.

    >>> round(multiclass_hinge([0], [[3.2, 5.1, -1.7]]), 4)
    2.9
    >>> round(multiclass_hinge([0], [[3.2, 5.1, -1.7]], variant="crammer_singer"), 4)
    2.9
    >>> round(multiclass_hinge([0], [[3.2, 3.0, 2.9]]), 4)   # 0.8 + 0.7
    1.5
    """
    check_reduction(reduction)
    margin = check_positive(margin, "margin")
    if variant not in ("weston_watkins", "crammer_singer"):
        raise ValueError(
            f"unknown variant {variant!r}; use 'weston_watkins' (sum over wrong "
            "classes) or 'crammer_singer' (largest wrong class)."
        )
    s = as_float_array(scores, "scores")
    check_logits_2d(s, "scores")
    n, c = s.shape
    if np.ndim(y_true) == 1 and np.shape(y_true)[0] != n:
        raise ValueError(
            f"y_true has {np.shape(y_true)[0]} labels but scores has {n} rows; "
            "give one class label per sample."
        )
    labels = check_class_labels(y_true, c)
    rows = np.arange(n)
    violations = np.subtract(s, (s[rows, labels] - margin)[:, None],
                             out=_WORKSPACE.array("a", s.shape))
    np.maximum(violations, 0.0, out=violations)
    violations[rows, labels] = 0.0
    if variant == "weston_watkins":
        values = _row_sum(violations)
    else:
        values = _row_max(violations)
    return reduce(values, reduction)

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
    "pinball",
    "pinball_grad",
    "msle",
    "msle_grad",
    "poisson_deviance",
    "poisson_deviance_grad",
    "gamma_deviance",
    "gamma_deviance_grad",
    "binary_focal_loss",
    "kl_divergence",
    "brier_score",
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


# --------------------------------------------------------------------------
# Losses for the data you have: quantiles, relative errors, counts and
# positive amounts, imbalanced classes, distributions
# --------------------------------------------------------------------------


def _open_unit(value: float, name: str) -> float:
    """Refuse a parameter that must lie strictly between 0 and 1."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number strictly between 0 and 1; got {value!r}.") from None
    if not (0.0 < value < 1.0):
        raise ValueError(
            f"{name} must lie strictly between 0 and 1; got {value}. "
            f"For the median pass {name}=0.5, for the 90th percentile {name}=0.9."
        )
    return value


def _above(arr: np.ndarray, bound: float, name: str, fix: str, strict: bool = True) -> None:
    """Refuse values of ``arr`` at or below ``bound`` (below it when ``strict`` is False)."""
    lo, _ = value_range(arr, name)
    if (lo <= bound) if strict else (lo < bound):
        relation = "greater than" if strict else "at least"
        raise ValueError(
            f"{name} must be {relation} {bound:g}; its smallest value is {lo:.4g}. {fix}"
        )


def pinball(y_true, y_pred, quantile: float = 0.5, reduction: str = "mean"):
    r"""Pinball (quantile) loss, scikit-learn's ``mean_pinball_loss(alpha=quantile)``.

    .. math::

        \ell_q(y, \hat y) = \max\bigl(q\,(y - \hat y),\; (q - 1)\,(y - \hat y)\bigr)

    An under-prediction costs :math:`q` per unit and an over-prediction
    :math:`1 - q`, so the constant that minimises the mean loss is the
    :math:`q`-quantile of the targets. ``quantile=0.5`` is half the MAE.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions of the same shape.
    quantile : float
        The quantile :math:`q`, strictly between 0 and 1.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    Predicting 8 for a target of 10 (under by 2) and 13 (over by 3), q = 0.9:

    >>> pinball([10.0, 10.0], [8.0, 13.0], quantile=0.9, reduction="none")
    array([1.8, 0.3])
    >>> round(pinball([10.0, 10.0], [8.0, 13.0], quantile=0.5), 4)   # half the MAE
    1.25
    """
    check_reduction(reduction)
    q = _open_unit(quantile, "quantile")
    yt, yp = _pair(y_true, y_pred)
    r = yt - yp
    return reduce(np.maximum(q * r, (q - 1.0) * r), reduction)


def pinball_grad(y_true, y_pred, quantile: float = 0.5):
    r"""Subgradient of the mean pinball loss with respect to ``y_pred``.

    :math:`-q/n` where the prediction is too low (:math:`\hat y < y`),
    :math:`(1 - q)/n` where it is too high, and 0 at an exact hit (a kink,
    where every value in :math:`[-q/n, (1-q)/n]` is a subgradient).

    Examples
    --------
    >>> pinball_grad([10.0, 10.0], [8.0, 13.0], quantile=0.9)
    array([-0.45,  0.05])
    """
    q = _open_unit(quantile, "quantile")
    yt, yp = _pair(y_true, y_pred)
    n = max(yp.size, 1)
    return np.where(yp < yt, -q / n, np.where(yp > yt, (1.0 - q) / n, 0.0))


def _log_pair(y_true, y_pred):
    yt, yp = _pair(y_true, y_pred)
    fix = ("The logarithm of 1 + y needs y > -1; MSLE is meant for targets that "
           "are zero or positive (prices, counts).")
    _above(yt, -1.0, "y_true", fix)
    _above(yp, -1.0, "y_pred", fix)
    return yt, yp


def msle(y_true, y_pred, reduction: str = "mean"):
    r"""Mean squared logarithmic error, scikit-learn's ``mean_squared_log_error``.

    .. math::

        \ell(y, \hat y) = \bigl(\log(1 + y) - \log(1 + \hat y)\bigr)^2

    the squared error of :math:`\log(1 + \cdot)`, so it scores ratios rather
    than differences: for large values, predicting 10 % too high costs about
    the same for a house worth 100,000 as for one worth 1,000,000. Keras's
    ``MeanSquaredLogarithmicError`` first raises every value below
    :math:`10^{-7}` to :math:`10^{-7}` (so a negative value counts as 0); this
    refuses values at or below -1, where the logarithm is undefined.

    Examples
    --------
    >>> round(msle([99.0], [199.0]), 6)   # (log 100 - log 200)^2 = (log 2)^2
    0.480453
    >>> round(msle([999_999.0], [1_999_999.0]), 6)
    0.480453
    """
    check_reduction(reduction)
    yt, yp = _log_pair(y_true, y_pred)
    d = np.log1p(yt) - np.log1p(yp)
    return reduce(d * d, reduction)


def msle_grad(y_true, y_pred):
    r"""Gradient of the mean MSLE with respect to ``y_pred``:
    :math:`\dfrac{2\,(\log(1+\hat y) - \log(1+y))}{n\,(1 + \hat y)}`.

    Examples
    --------
    >>> round(float(msle_grad([0.0], [np.e - 1.0])[0]), 6)   # 2 * 1 / e
    0.735759
    """
    yt, yp = _log_pair(y_true, y_pred)
    return 2.0 * (np.log1p(yp) - np.log1p(yt)) / ((1.0 + yp) * max(yp.size, 1))


def _poisson_pair(y_true, y_pred):
    yt, yp = _pair(y_true, y_pred)
    _above(yt, 0.0, "y_true", "Counts cannot be negative.", strict=False)
    _above(yp, 0.0, "y_pred",
           "The Poisson deviance needs a positive predicted mean: predict "
           "exp(score), as a log link does, rather than the score itself.")
    return yt, yp


def poisson_deviance(y_true, y_pred, reduction: str = "mean"):
    r"""Poisson deviance, scikit-learn's ``mean_poisson_deviance``.

    .. math::

        \ell(y, \hat y) = 2\Bigl(y \log\frac{y}{\hat y} - y + \hat y\Bigr),
        \qquad 0 \log 0 = 0,

    for counts :math:`y \ge 0` and predicted means :math:`\hat y > 0`. It is
    twice the Poisson negative log-likelihood minus its value at
    :math:`\hat y = y`, so it is 0 for a perfect prediction. PyTorch's
    ``PoissonNLLLoss(log_input=False)`` and Keras's ``Poisson`` compute
    :math:`\hat y - y \log \hat y` (with :math:`10^{-8}`, resp.
    :math:`10^{-7}`, added inside the log): half the deviance minus
    :math:`y \log y - y`, a term without :math:`\hat y`, so the same
    minimiser and gradient up to the factor 2, but other values.

    Examples
    --------
    >>> round(poisson_deviance([0.0], [2.0]), 6)        # 2 * 2
    4.0
    >>> round(poisson_deviance([3.0], [3.0]), 6)
    0.0
    """
    check_reduction(reduction)
    yt, yp = _poisson_pair(y_true, y_pred)
    ratio = np.where(yt > 0, yt / yp, 1.0)
    values = 2.0 * (yt * np.log(ratio) - yt + yp)
    return reduce(values, reduction)


def poisson_deviance_grad(y_true, y_pred):
    r"""Gradient of the mean Poisson deviance: :math:`2(1 - y/\hat y)/n`.

    Examples
    --------
    >>> poisson_deviance_grad([1.0, 4.0], [2.0, 2.0])
    array([ 0.5, -1. ])
    """
    yt, yp = _poisson_pair(y_true, y_pred)
    return 2.0 * (1.0 - yt / yp) / max(yp.size, 1)


def _gamma_pair(y_true, y_pred):
    yt, yp = _pair(y_true, y_pred)
    fix = ("The Gamma deviance is for strictly positive amounts (claim sizes, "
           "durations); for zeros use the Poisson or a Tweedie deviance.")
    _above(yt, 0.0, "y_true", fix)
    _above(yp, 0.0, "y_pred", fix)
    return yt, yp


def gamma_deviance(y_true, y_pred, reduction: str = "mean"):
    r"""Gamma deviance, scikit-learn's ``mean_gamma_deviance``.

    .. math::

        \ell(y, \hat y) = 2\Bigl(\log\frac{\hat y}{y} + \frac{y}{\hat y} - 1\Bigr)

    for amounts :math:`y > 0` and predictions :math:`\hat y > 0`. It depends
    only on the ratio :math:`y/\hat y`: an error of 10 % costs the same on
    any scale.

    Examples
    --------
    >>> round(gamma_deviance([100.0], [200.0]), 6)     # 2 (log 2 + 1/2 - 1)
    0.386294
    >>> round(gamma_deviance([1.0], [2.0]), 6)
    0.386294
    """
    check_reduction(reduction)
    yt, yp = _gamma_pair(y_true, y_pred)
    ratio = yt / yp
    return reduce(2.0 * (ratio - np.log(ratio) - 1.0), reduction)


def gamma_deviance_grad(y_true, y_pred):
    r"""Gradient of the mean Gamma deviance: :math:`2(\hat y - y)/(n\,\hat y^2)`.

    Examples
    --------
    >>> gamma_deviance_grad([1.0, 4.0], [2.0, 2.0])
    array([ 0.25, -0.5 ])
    """
    yt, yp = _gamma_pair(y_true, y_pred)
    return 2.0 * (yp - yt) / (yp * yp * max(yp.size, 1))


def _binary_labels(yt: np.ndarray, what: str) -> None:
    ok = (yt == 0.0) | (yt == 1.0)
    if not np.all(ok):
        values = np.unique(yt[~ok])[:5]
        raise ValueError(
            f"{what} needs labels 0 or 1; y_true contains {values.tolist()}. "
            "If your labels are -1/+1, convert them with y = (y + 1) / 2."
        )


def binary_focal_loss(y_true, probs, gamma: float = 2.0, alpha=None, reduction: str = "mean"):
    r"""Binary focal loss (Lin et al., 2017) of predicted probabilities.

    .. math::

        \ell = -\alpha_t\,(1 - p_t)^\gamma \log p_t, \qquad
        p_t = \begin{cases} p & y = 1 \\ 1 - p & y = 0 \end{cases}, \qquad
        \alpha_t = \begin{cases} \alpha & y = 1 \\ 1 - \alpha & y = 0 \end{cases}

    with :math:`\alpha_t = 1` when ``alpha`` is None. The factor
    :math:`(1 - p_t)^\gamma` shrinks the loss of samples the model already
    gets right; ``gamma=0`` and ``alpha=None`` give the binary cross-entropy.
    As in :func:`binary_cross_entropy`, :math:`\log p_t` is clamped at -100.
    Keras's ``BinaryFocalCrossentropy(gamma=g, apply_class_balancing=True,
    alpha=a)`` is this loss with ``alpha=a`` (without class balancing, with
    ``alpha=None``), computed after clipping the probabilities to
    :math:`[10^{-7}, 1 - 10^{-7}]`.

    Parameters
    ----------
    y_true : array_like
        Labels 0 or 1.
    probs : array_like
        Predicted probabilities of class 1, same shape.
    gamma : float
        Focusing parameter, :math:`\gamma \ge 0`.
    alpha : float or None
        Weight of class 1, strictly between 0 and 1 (class 0 gets
        :math:`1 - \alpha`); None weighs both classes 1.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    A positive predicted at 0.9 (easy) and one at 0.1 (hard), gamma = 2:

    >>> easy, hard = binary_focal_loss([1.0, 1.0], [0.9, 0.1], reduction="none")
    >>> print(f"{easy:.5f} {hard:.5f}")   # 0.1^2 (-log 0.9) and 0.9^2 (-log 0.1)
    0.00105 1.86509
    >>> round(binary_focal_loss([1.0], [0.9], gamma=0.0), 5)   # -log 0.9
    0.10536
    """
    check_reduction(reduction)
    try:
        gamma = float(gamma)
    except (TypeError, ValueError):
        raise ValueError(f"gamma must be a number >= 0; got {gamma!r}.") from None
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(f"gamma must be a finite number >= 0; got {gamma}. gamma=0 is the "
                         "cross-entropy, the focal-loss paper uses gamma=2.")
    if alpha is not None:
        alpha = _open_unit(alpha, "alpha")
    yt, p = _pair(y_true, probs, "y_true", "probs")
    check_probabilities(p, "probs")
    _binary_labels(yt, "the binary focal loss")
    p_t = np.where(yt == 1.0, p, 1.0 - p)
    with np.errstate(divide="ignore"):
        log_p_t = np.maximum(np.log(p_t), LOG_CLAMP)
    values = -((1.0 - p_t) ** gamma) * log_p_t
    if alpha is not None:
        values *= np.where(yt == 1.0, alpha, 1.0 - alpha)
    return reduce(values, reduction)


def _check_distribution(arr: np.ndarray, name: str) -> None:
    lo, _ = value_range(arr, name)
    if lo < 0.0:
        raise ValueError(f"{name} must hold probabilities (>= 0); its smallest value is {lo:.4g}. "
                         "If these are logits, apply softmax first.")
    sums = arr.sum(axis=-1)
    if sums.size and not np.allclose(sums, 1.0, rtol=0, atol=1e-6):
        worst = float(sums.reshape(-1)[np.argmax(np.abs(sums.reshape(-1) - 1.0))])
        raise ValueError(
            f"each row of {name} (its last axis) must be a probability vector "
            f"summing to 1; one sums to {worst:.6g}. Divide by the row sums, or "
            "apply softmax if these are scores."
        )


def kl_divergence(p, q, reduction: str = "mean"):
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(p\,\|\,q)` of each row.

    .. math::

        \mathrm{KL}(p \,\|\, q) = \sum_k p_k \log\frac{p_k}{q_k}, \qquad 0 \log 0 = 0,

    over the last axis, :math:`p` the target distribution and :math:`q` the
    model's. ``reduction="mean"`` averages over the rows (PyTorch's
    ``KLDivLoss(reduction="batchmean")``, which takes :math:`\log q` as input
    and :math:`p` as target); ``"sum"`` adds the rows; ``"none"`` returns one
    value per row. A 1-D input is a single distribution.

    Examples
    --------
    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 6)
    0.510826
    >>> kl_divergence([[1.0, 0.0], [0.5, 0.5]], [[0.5, 0.5], [0.5, 0.5]], reduction="none").round(6)
    array([0.693147, 0.      ])
    """
    check_reduction(reduction)
    pt, qt = _pair(p, q, "p", "q")
    if pt.ndim == 0:
        raise ValueError("p and q must be probability vectors (1-D) or rows of them (2-D); "
                         "got single numbers.")
    _check_distribution(pt, "p")
    _check_distribution(qt, "q")
    support = pt > 0
    if np.any(support & (qt == 0)):
        raise ValueError(
            "q gives probability 0 to an outcome that p gives a positive probability, "
            "so KL(p || q) is infinite. Keep q strictly positive, for example with a "
            "softmax or by mixing in a little of the uniform distribution."
        )
    # Where p_k = 0 the ratio is replaced by 1, so its term is 0 (the 0 log 0 = 0 convention).
    ratio = np.divide(pt, qt, out=np.ones_like(pt), where=support)
    rows = (pt * np.log(ratio)).sum(axis=-1)
    if reduction == "none":
        return rows
    return reduce(np.atleast_1d(rows), reduction)


def brier_score(y_true, probs, reduction: str = "mean"):
    r"""Brier score :math:`(p - y)^2` of binary labels, scikit-learn's ``brier_score_loss``.

    Parameters
    ----------
    y_true : array_like
        Labels 0 or 1.
    probs : array_like
        Predicted probabilities of class 1, same shape.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    >>> round(brier_score([1.0, 0.0], [0.9, 0.4]), 4)   # (0.01 + 0.16) / 2
    0.085
    """
    check_reduction(reduction)
    yt, p = _pair(y_true, probs, "y_true", "probs")
    check_probabilities(p, "probs")
    _binary_labels(yt, "the Brier score")
    d = p - yt
    return reduce(d * d, reduction)

"""Fitting a straight line under a chosen loss: MSE, MAE or Huber.

:func:`fit_line` finds the slope :math:`w` and intercept :math:`b` of the
line :math:`\\hat y = w x + b` that minimises the mean loss over the data, and
returns them in that order, ``(w, b)``, as chapter 1's gradient descent does.
It solves each problem directly (no learning rate); the chapters train with
gradient descent and use it as the exact answer to compare with. The three
fits differ only in how much a far-away point is allowed to pull:

* ``"mse"``: ordinary least squares, in closed form (the mean's cousin);
* ``"mae"``: least absolute deviations, exactly, by Wesolowsky's descent
  through lines that pass through two data points (the median's cousin);
* ``"huber"``: iteratively reweighted least squares (IRLS), which needs no
  learning rate and converges in a few dozen steps. Each step solves
  a weighted least-squares problem whose weights
  :math:`w_i = \\psi(r_i)/r_i = \\min(1, \\delta/|r_i|)` come from the Huber
  gradient :math:`\\psi(r) = \\operatorname{clip}(r, -\\delta, \\delta)`
  (:func:`lossbook.huber_grad`). Points inside :math:`\\pm\\delta` keep weight
  1; a point far outside is down-weighted so that its pull is capped at
  :math:`\\delta`. Every step lowers the Huber loss, and the fixed point is
  where the gradient is zero.

Examples
--------
>>> x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
>>> y = np.array([1.0, 3.0, 5.0, 7.0, 29.0])      # y = 1 + 2x, last point off by 20
>>> [round(v, 4) for v in fit_line(x, y, "mse")]     # slope, intercept
[6.0, -3.0]
>>> [round(v, 4) for v in fit_line(x, y, "mae")]
[2.0, 1.0]
>>> [round(v, 4) for v in fit_line(x, y, "huber", delta=1.0)]
[2.5, 0.5]

Check the Huber line :math:`\\hat y = 2.5 x + 0.5` by hand: its residuals
:math:`\\hat y - y` are -0.5, 0, 0.5, 1 and -18.5, so
the clipped residuals -0.5, 0, 0.5, 1, -1 sum to 0, and so does their sum
weighted by x (0 + 0 + 1 + 3 - 4): the gradient is zero. The outlier pulls
with force 1 (delta) instead of 18.5.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_positive, check_same_shape
from .losses import huber_grad

__all__ = ["fit_line", "LOSSES"]

#: The losses :func:`fit_line` knows.
LOSSES = ("mse", "mae", "huber")


def _check_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array of inputs, one per sample; got shape {x.shape}. "
                         "For a single feature of shape (n, 1) pass x.ravel().")
    check_same_shape(x, y, "x", "y")
    if x.size < 2 or np.ptp(x) == 0:
        raise ValueError("a line needs at least two samples with different x values; "
                         f"got {x.size} samples with {np.unique(x).size} distinct x. "
                         "Add samples whose x differ.")
    return x, y


def _weighted_least_squares(x, y, w) -> tuple[float, float]:
    """Intercept and slope minimising sum(w * (y - a - b x)^2), centred for accuracy."""
    sw = w.sum()
    xm, ym = (w * x).sum() / sw, (w * y).sum() / sw
    dx = x - xm
    sxx = (w * dx * dx).sum()
    if sxx <= 0:
        raise ValueError("the weighted points all share one x value, so the slope is "
                         "undetermined; use a larger delta or more varied x.")
    slope = (w * dx * (y - ym)).sum() / sxx
    return float(ym - slope * xm), float(slope)


def _huber_line(x, y, delta, max_iter, tol) -> tuple[float, float]:
    a, b = _weighted_least_squares(x, y, np.ones_like(x))  # start from the MSE fit
    n = x.size
    scale = max(np.abs(y - y.mean()).max(), delta)
    for _ in range(max_iter):
        y_pred = a + b * x
        r = y_pred - y
        psi = huber_grad(y, y_pred, delta=delta) * n   # clip(r, -delta, delta)
        small = np.abs(r) <= delta
        w = np.where(small, 1.0, psi / np.where(small, 1.0, r))  # = min(1, delta/|r|)
        a_new, b_new = _weighted_least_squares(x, y, w)
        step = abs(a_new - a) + abs(b_new - b) * np.ptp(x)
        a, b = a_new, b_new
        if step <= tol * scale:
            return a, b
    raise RuntimeError(  # pragma: no cover - IRLS converges on every finite data set
        f"the Huber fit did not converge in {max_iter} iterations; raise max_iter "
        "or rescale the data so that delta is not tiny compared to the residuals.")


def _weighted_median(values, weights) -> int:
    """Index (into ``values``) of the lower weighted median."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    k = int(np.searchsorted(cum, 0.5 * cum[-1]))
    return int(order[min(k, order.size - 1)])


def _lad_line(x, y, max_iter) -> tuple[float, float]:
    """Exact least-absolute-deviations line (Wesolowsky 1981, simple regression).

    The best line through a pivot point ``k`` has the slope that is the
    weighted median of the slopes from ``k`` to every other point, weighted by
    ``|x_i - x_k|`` (the objective along such lines is
    ``sum |x_i - x_k| * |s_i - b|``). The point that median slope comes from
    becomes the next pivot; the loss never rises, and when the pivot stops
    changing the line through the last two pivots is optimal.
    """
    def loss(a, b):
        return np.abs(y - a - b * x).sum()

    k = int(np.argsort(x)[x.size // 2])   # start at the point of median x
    best = (float(np.median(y)), 0.0)
    best_loss = loss(*best)
    visited = set()
    for _ in range(max_iter):
        dx = x - x[k]
        others = np.flatnonzero(dx != 0)
        slopes = (y[others] - y[k]) / dx[others]
        j = int(others[_weighted_median(slopes, np.abs(dx[others]))])
        b = float((y[j] - y[k]) / (x[j] - x[k]))
        a = float(y[k] - b * x[k])
        current = loss(a, b)
        if current < best_loss - 1e-12 * (1 + best_loss):
            best, best_loss = (a, b), current
        if (k, j) in visited or (j, k) in visited:
            return best
        visited.add((k, j))
        k = j
    return best  # pragma: no cover - the pivot sequence is finite


def fit_line(x, y, loss: str = "mse", delta: float = 1.0, max_iter: int = 500,
             tol: float = 1e-10) -> tuple[float, float]:
    """Slope and intercept ``(w, b)`` of the line ``w * x + b`` that minimises the mean ``loss``.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        One input and one target per sample; at least two distinct ``x``.
    loss : {"mse", "mae", "huber"}
        The loss of the residual ``w * x + b - y`` to minimise.
    delta : float > 0
        Huber's threshold, in the units of ``y`` (ignored for MSE and MAE).
    max_iter : int
        Iteration cap of the Huber (IRLS) and MAE (pivoting) solvers.
    tol : float
        The Huber solver stops when an iteration moves the line by less than
        ``tol`` times the spread of ``y``.

    Returns
    -------
    (slope, intercept) : tuple of float
        The slope ``w`` first, then the intercept ``b``, so that
        ``w, b = fit_line(x, y)`` predicts ``w * x + b``.

    Examples
    --------
    >>> w, b = fit_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])   # y = 2x + 1
    >>> (w, b)
    (2.0, 1.0)
    >>> fit_line([0.0, 1.0], [1.0, 2.0], loss="l2")
    Traceback (most recent call last):
    ...
    ValueError: unknown loss 'l2'; use one of 'mse', 'mae', 'huber'.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; use one of 'mse', 'mae', 'huber'.")
    x, y = _check_xy(x, y)
    if loss == "mse":
        intercept, slope = _weighted_least_squares(x, y, np.ones_like(x))
    elif loss == "mae":
        intercept, slope = _lad_line(x, y, max_iter)
    else:
        delta = check_positive(delta, "delta")
        intercept, slope = _huber_line(x, y, delta, max_iter, tol)
    return slope, intercept

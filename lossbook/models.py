r"""Small models trained in NumPy: polynomial regression and linear classifiers.

The chapters on overfitting and on choosing a loss train their models here,
so that the notebooks show the curves and not the bookkeeping. Everything is
a *linear model* :math:`z = X w + b` on some features; what changes is the
loss and the output activation applied to :math:`z`.

* :func:`polynomial_features`: the columns :math:`P_1(x), \dots, P_d(x)` of a
  degree-:math:`d` polynomial, in a basis gradient descent can train.
* :func:`fit_ridge`: the closed-form minimiser of the mean squared error plus
  :math:`\lambda \|w\|^2`.
* :func:`train_gd`: full-batch or mini-batch gradient descent on any loss of
  :data:`TRAIN_LOSSES`, recording the training and validation loss after
  every epoch, indexed as Keras's ``History`` is (entry ``k`` is the loss
  after epoch ``k + 1``). Unlike Keras, whose ``loss`` is the mean of the
  batch losses over the epoch, the training loss here is measured on the
  whole training set at the end of the epoch, as the validation loss is.
* :func:`mse_gd_path`: the same full-batch gradient descent on the (L2
  regularised) mean squared error, computed for every epoch at once from an
  eigendecomposition: exact, and fast enough for tens of thousands of epochs.

The penalty :math:`\lambda \|w\|^2` (``l2``) never includes the intercept
:math:`b`, as in scikit-learn's ``Ridge`` and Keras's ``kernel_regularizer``;
it is added to the mean loss, as Keras's ``L2(l2)`` regulariser adds it. The
recorded losses are the data loss alone (without the penalty), so that
training and validation curves are comparable.

Examples
--------
>>> x = np.linspace(-1, 1, 5)
>>> X = polynomial_features(x, 2)
>>> w, b = fit_ridge(X, 1 + 2 * x)
>>> round(float(w[0]), 6), round(float(w[1]), 6) + 0.0, round(b, 6)   # 2x = (2 / sqrt 3) sqrt(3) x
(1.154701, 0.0, 1.0)
>>> hist = train_gd(X, 1 + 2 * x, lr=0.2, num_epochs=300)
>>> bool(hist.train_loss[-1] < 1e-12)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_positive
from .losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    hinge,
    hinge_grad,
    huber,
    huber_grad,
    mae,
    mae_grad,
    mse,
    mse_grad,
    sigmoid,
)

__all__ = [
    "TRAIN_LOSSES",
    "History",
    "polynomial_features",
    "fit_ridge",
    "train_gd",
    "mse_gd_path",
]


def _sigmoid_mse(y_true, logits):
    return mse(y_true, sigmoid(logits))


def _sigmoid_mse_grad(y_true, logits):
    probs = sigmoid(logits)
    return mse_grad(y_true, probs) * probs * (1.0 - probs)  # chain rule through the sigmoid


#: The losses :func:`train_gd` can minimise, each a pair (loss, gradient with
#: respect to the raw output z), with the output activation the model applies.
TRAIN_LOSSES = {
    "mse": "identity output, mean squared error",
    "mae": "identity output, mean absolute error",
    "huber": "identity output, Huber loss with threshold delta",
    "bce": "sigmoid output, binary cross-entropy (computed from the logits)",
    "sigmoid_mse": "sigmoid output, mean squared error on the probability",
    "hinge": "raw score, hinge loss (labels -1/+1)",
}

_SIGMOID_LOSSES = ("bce", "sigmoid_mse")


def _loss_pair(loss: str, delta: float):
    if loss not in TRAIN_LOSSES:
        raise ValueError(f"unknown loss {loss!r}; use one of "
                         + ", ".join(repr(k) for k in TRAIN_LOSSES) + ".")
    if loss == "huber":
        delta = check_positive(delta, "delta")
        return (lambda y, z: huber(y, z, delta=delta)), (lambda y, z: huber_grad(y, z, delta=delta))
    return {
        "mse": (mse, mse_grad),
        "mae": (mae, mae_grad),
        "bce": (binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad),
        "sigmoid_mse": (_sigmoid_mse, _sigmoid_mse_grad),
        "hinge": (hinge, hinge_grad),
    }[loss]


# --------------------------------------------------------------------------
# Features and closed-form fits
# --------------------------------------------------------------------------


def polynomial_features(x, degree: int, basis: str = "legendre"):
    r"""The non-constant columns of a polynomial of degree ``degree`` in ``x``.

    A model :math:`z = Xw + b` on these columns is a polynomial of degree
    ``degree`` (the intercept :math:`b` is the constant term).

    ``basis="legendre"`` (the default) returns the Legendre polynomials
    :math:`\sqrt{2k+1}\,P_k(x)`, :math:`k = 1, \dots, d`, for inputs in
    :math:`[-1, 1]`. They span exactly the same functions as the monomials
    :math:`x, x^2, \dots, x^d` but are orthonormal on :math:`[-1, 1]`: every
    column has mean square 1 for uniformly spread inputs, so gradient descent
    trains all of them at comparable speed. With ``basis="monomial"`` the
    columns :math:`x^k` of a degree-15 polynomial are so nearly collinear on
    :math:`[-1, 1]` that gradient descent would need billions of epochs.

    Parameters
    ----------
    x : array_like, shape (n,)
        The inputs; in :math:`[-1, 1]` for the Legendre basis.
    degree : int >= 0
        Degree of the polynomial; 0 gives an (n, 0) array (intercept only).
    basis : {"legendre", "monomial"}

    Returns
    -------
    ndarray, shape (n, degree)

    Examples
    --------
    >>> polynomial_features([0.0, 0.5, 1.0], 2, basis="monomial")
    array([[0.  , 0.  ],
           [0.5 , 0.25],
           [1.  , 1.  ]])
    >>> np.round(polynomial_features([1.0, -1.0], 2), 4)   # sqrt(3) P_1, sqrt(5) P_2
    array([[ 1.7321,  2.2361],
           [-1.7321,  2.2361]])
    """
    x = as_float_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array of inputs, one per sample; got shape {x.shape}. "
                         "For a single feature of shape (n, 1) pass x.ravel().")
    if isinstance(degree, bool) or int(degree) != degree or degree < 0:
        raise ValueError(f"degree must be a whole number >= 0; got {degree!r}.")
    degree = int(degree)
    if basis == "monomial":
        return x[:, None] ** np.arange(1, degree + 1)
    if basis != "legendre":
        raise ValueError(f"unknown basis {basis!r}; use 'legendre' or 'monomial'.")
    if x.size and (x.min() < -1.0 or x.max() > 1.0):
        raise ValueError(
            f"the Legendre basis needs inputs in [-1, 1]; x runs from {x.min():.4g} to "
            f"{x.max():.4g}. Rescale it first, for example x = 2 * (x - lo) / (hi - lo) - 1 "
            "with the range [lo, hi] of the training inputs, or pass basis='monomial'.")
    cols = np.polynomial.legendre.legvander(x, degree)[:, 1:]
    return cols * np.sqrt(2.0 * np.arange(1, degree + 1) + 1.0)


def _check_X(X, name: str = "X") -> np.ndarray:
    X = as_float_array(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n_samples, n_features); got "
                         f"shape {X.shape}. For one feature use {name}[:, None].")
    return X


def _check_Xy(X, y, name_X: str = "X", name_y: str = "y"):
    X = _check_X(X, name_X)
    y = as_float_array(y, name_y)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"{name_y} must have shape (n_samples,) = ({X.shape[0]},), one target per "
                         f"row of {name_X}; got shape {y.shape}.")
    if X.shape[0] == 0:
        raise ValueError(f"{name_X} has no samples; pass at least one row.")
    return X, y


def _check_l2(l2) -> float:
    l2 = float(l2)
    if not np.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a number >= 0 (0 means no penalty); got {l2}.")
    return l2


def fit_ridge(X, y, l2: float = 0.0):
    r"""Closed-form fit of :math:`z = Xw + b` by (L2-regularised) least squares.

    Minimises :math:`\frac1n \|Xw + b - y\|^2 + \lambda \|w\|^2` with
    :math:`\lambda` = ``l2``; the intercept is not penalised. This is
    scikit-learn's ``Ridge(alpha=n * l2)`` (which sums the squared errors
    instead of averaging them) and, for ``l2=0``, ``LinearRegression``. When
    the least-squares solution is not unique (more columns than samples) and
    ``l2=0``, the one of smallest norm is returned.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    l2 : float >= 0

    Returns
    -------
    (w, b) : (ndarray of shape (p,), float)

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> w, b = fit_ridge(X, [1.0, 3.0, 5.0])          # y = 1 + 2 x exactly
    >>> np.round(w, 6).tolist(), round(b, 6)
    ([2.0], 1.0)
    >>> w, b = fit_ridge(X, [1.0, 3.0, 5.0], l2=1.0)  # var(x) = 2/3: slope 2 (2/3) / (2/3 + 1)
    >>> round(float(w[0]), 6)
    0.8
    """
    X, y = _check_Xy(X, y)
    l2 = _check_l2(l2)
    n, p = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    if p == 0:
        return np.zeros(0), float(y_mean)
    if l2 > 0:
        w = np.linalg.solve(Xc.T @ Xc / n + l2 * np.eye(p), Xc.T @ yc / n)
    else:
        w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    return w, float(y_mean - x_mean @ w)


# --------------------------------------------------------------------------
# Gradient descent
# --------------------------------------------------------------------------


@dataclass
class History:
    """What training recorded, one row per epoch (epoch 1 first), indexed like Keras's ``History``.

    Both losses are measured after the epoch on the whole set; Keras's
    ``loss`` is instead the mean of the epoch's batch losses.

    Attributes
    ----------
    loss : str
        The training loss, a key of :data:`TRAIN_LOSSES`.
    train_loss : ndarray, shape (num_epochs,)
        Loss on the whole training set after each epoch (without the penalty).
    val_loss : ndarray, shape (num_epochs,), or None
        Loss on the validation set after each epoch, when one was given.
    weights : ndarray, shape (num_epochs, p)
        The weights after each epoch.
    biases : ndarray, shape (num_epochs,)
        The intercept after each epoch.
    """

    loss: str
    train_loss: np.ndarray
    val_loss: np.ndarray | None
    weights: np.ndarray
    biases: np.ndarray

    @property
    def num_epochs(self) -> int:
        return int(self.train_loss.shape[0])

    @property
    def epochs(self) -> np.ndarray:
        """The epoch numbers 1, 2, ..., num_epochs (for the x axis of a curve)."""
        return np.arange(1, self.num_epochs + 1)

    @property
    def w(self) -> np.ndarray:
        """Final weights."""
        return self.weights[-1]

    @property
    def b(self) -> float:
        """Final intercept."""
        return float(self.biases[-1])

    def _params(self, epoch):
        if epoch is None:
            return self.w, self.b
        if isinstance(epoch, bool) or int(epoch) != epoch or not 1 <= epoch <= self.num_epochs:
            raise ValueError(f"epoch must be a whole number from 1 to {self.num_epochs}; "
                             f"got {epoch!r}.")
        return self.weights[int(epoch) - 1], float(self.biases[int(epoch) - 1])

    def decision_function(self, X, epoch: int | None = None) -> np.ndarray:
        """The raw output :math:`z = Xw + b` (a logit for sigmoid models) after ``epoch``
        (1-based; default the last)."""
        w, b = self._params(epoch)
        X = _check_X(X)
        if X.shape[1] != w.shape[0]:
            raise ValueError(f"X has {X.shape[1]} features but the model was trained on "
                             f"{w.shape[0]}; build X with the same features.")
        return X @ w + b

    def predict(self, X, epoch: int | None = None) -> np.ndarray:
        """The model's output: the probability :math:`\\sigma(z)` for the sigmoid losses
        (``"bce"``, ``"sigmoid_mse"``), the raw output :math:`z` otherwise."""
        z = self.decision_function(X, epoch)
        return sigmoid(z) if self.loss in _SIGMOID_LOSSES else z


def _check_epochs(num_epochs) -> int:
    if isinstance(num_epochs, bool) or int(num_epochs) != num_epochs or num_epochs < 1:
        raise ValueError(f"num_epochs must be a whole number >= 1; got {num_epochs!r}.")
    return int(num_epochs)


def _initial(w0, b0, p):
    w = np.zeros(p) if w0 is None else as_float_array(w0, "w0").copy()
    if w.shape != (p,):
        raise ValueError(f"w0 must have shape ({p},), one weight per feature; got {w.shape}.")
    b = float(as_float_array(b0, "b0"))
    return w, b


def _check_val(X_val, y_val, p):
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val (or neither).")
    if X_val is None:
        return None, None
    X_val, y_val = _check_Xy(X_val, y_val, "X_val", "y_val")
    if X_val.shape[1] != p:
        raise ValueError(f"X_val has {X_val.shape[1]} features but X has {p}; build both "
                         "with the same features.")
    return X_val, y_val


def train_gd(X, y, *, loss: str = "mse", lr: float = 0.1, num_epochs: int = 100,
             l2: float = 0.0, delta: float = 1.0, batch_size: int | None = None,
             seed=0, w0=None, b0: float = 0.0, X_val=None, y_val=None) -> History:
    r"""Train :math:`z = Xw + b` by gradient descent on ``loss``; record every epoch.

    Each epoch visits the training set once: in one step with the full batch
    (``batch_size=None``), or in mini-batches of ``batch_size`` samples in an
    order shuffled anew every epoch (stochastic gradient descent). A step is

    .. math::

        w \leftarrow w - \eta\,\bigl(X_B^\top g + 2\lambda w\bigr), \qquad
        b \leftarrow b - \eta \textstyle\sum_i g_i,

    where :math:`g = \partial L_B / \partial z` is the gradient of the mean
    loss over the batch :math:`B` with respect to the raw outputs (from
    :mod:`lossbook.losses`), :math:`\eta` = ``lr`` and :math:`\lambda` = ``l2``.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
        Targets: real numbers for ``"mse"``, ``"mae"``, ``"huber"``; 0/1 labels
        for ``"bce"`` and ``"sigmoid_mse"``; -1/+1 labels for ``"hinge"``.
    loss : str
        One of :data:`TRAIN_LOSSES`. ``"sigmoid_mse"`` puts a sigmoid on the
        output and scores the probability with the mean squared error, the
        mismatched pairing the chapter on choosing a loss measures.
    lr : float > 0
        Learning rate :math:`\eta`.
    num_epochs : int >= 1
    l2 : float >= 0
        L2 penalty :math:`\lambda\|w\|^2` added to the mean loss.
    delta : float > 0
        Threshold of the Huber loss (ignored by the other losses).
    batch_size : int or None
        None for full-batch gradient descent.
    seed : int or numpy.random.Generator
        Seeds the shuffling of mini-batches.
    w0, b0 : array_like of shape (p,), float
        Starting weights (default zeros) and intercept.
    X_val, y_val : array_like, optional
        A validation set, scored after every epoch.

    Returns
    -------
    History
        Losses after every epoch and the weights they belong to.

    Raises
    ------
    ValueError
        For inputs of the wrong shape or kind, and when the loss becomes
        infinite or NaN (the learning rate is too large).

    Examples
    --------
    Logistic regression on four points, from a start that is confidently wrong:

    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> hist = train_gd(X, y, loss="bce", lr=0.5, num_epochs=30, w0=[-3.0])
    >>> round(float(hist.train_loss[0]), 2), round(float(hist.train_loss[-1]), 2)
    (3.45, 0.06)
    >>> hist.predict(X).round(2).tolist()
    [0.01, 0.1, 0.9, 0.99]
    """
    X, y = _check_Xy(X, y)
    n, p = X.shape
    loss_fn, grad_fn = _loss_pair(loss, delta)
    lr = check_positive(lr, "lr")
    num_epochs = _check_epochs(num_epochs)
    l2 = _check_l2(l2)
    if batch_size is not None:
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a whole number >= 1, or None for full-batch "
                             f"gradient descent; got {batch_size!r}.")
        batch_size = min(int(batch_size), n)
    X_val, y_val = _check_val(X_val, y_val, p)
    loss_fn(y, np.zeros(n))  # check the targets suit the loss before training
    if X_val is not None:
        loss_fn(y_val, np.zeros(y_val.shape[0]))
    rng = np.random.default_rng(seed)
    w, b = _initial(w0, b0, p)

    weights = np.empty((num_epochs, p))
    biases = np.empty(num_epochs)
    train_loss = np.empty(num_epochs)
    val_loss = np.empty(num_epochs) if X_val is not None else None
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(num_epochs):
            if batch_size is None or batch_size >= n:
                batches = (slice(None),)
            else:
                order = rng.permutation(n)
                batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
            for idx in batches:
                Xb, yb = X[idx], y[idx]
                g = _finite_or_raise(lambda: grad_fn(yb, Xb @ w + b), epoch, lr)
                w = w - lr * (Xb.T @ g + 2.0 * l2 * w)
                b = b - lr * float(g.sum())
            weights[epoch], biases[epoch] = w, b
            train_loss[epoch] = _finite_or_raise(lambda: loss_fn(y, X @ w + b), epoch, lr)
            if X_val is not None:
                val_loss[epoch] = _finite_or_raise(lambda: loss_fn(y_val, X_val @ w + b), epoch, lr)
    return History(loss, train_loss, val_loss, weights, biases)


def _finite_or_raise(compute, epoch, lr):
    try:
        value = compute()
    except ValueError as exc:
        if "NaN or infinity" not in str(exc):
            raise
        value = np.nan
    if not np.all(np.isfinite(value)):
        raise ValueError(
            f"training diverged in epoch {epoch + 1}: the model's outputs became infinite or "
            f"NaN. The learning rate lr={lr:g} is too large for these features; try lr={lr / 10:g}, "
            "or scale the features.")
    return value


def mse_gd_path(X, y, *, lr: float, num_epochs: int, l2: float = 0.0, w0=None,
                b0: float = 0.0, X_val=None, y_val=None) -> History:
    r"""Full-batch gradient descent on the mean squared error, every epoch at once.

    Gradient descent on :math:`L(\theta) = \frac1n\|X_a\theta - y\|^2 +
    \lambda\|w\|^2`, with :math:`\theta = (b, w)` and :math:`X_a = [1, X]`,
    is a linear recursion, :math:`\theta_{t+1} = (I - \eta H)\theta_t + \eta g`
    with the constant Hessian :math:`H = \frac2n X_a^\top X_a + 2\lambda D`
    (:math:`D` zeroes the intercept) and :math:`g = \frac2n X_a^\top y`. In the
    eigenvectors of :math:`H`, with eigenvalues :math:`h_k`, each coordinate
    evolves on its own:

    .. math::

        a_{k,t} = (1 - \eta h_k)^t\, a_{k,0}
                 + \frac{1 - (1 - \eta h_k)^t}{h_k}\, c_k,

    so all epochs come from one eigendecomposition, without a loop. The
    result equals :func:`train_gd` with ``loss="mse"`` and full batches, to
    rounding. It also shows *why* long training overfits: directions of small
    curvature :math:`h_k`, which only noise in the data can fit, are learned
    last, after about :math:`1/(\eta h_k)` epochs.

    Parameters
    ----------
    X, y, l2, w0, b0, X_val, y_val
        As for :func:`train_gd`.
    lr : float
        Learning rate; gradient descent converges when ``lr < 2 / max(h)``.
    num_epochs : int >= 1

    Returns
    -------
    History

    Examples
    --------
    >>> X = polynomial_features(np.linspace(-1, 1, 8), 3)
    >>> y = np.sin(3 * np.linspace(-1, 1, 8))
    >>> fast = mse_gd_path(X, y, lr=0.1, num_epochs=200)
    >>> slow = train_gd(X, y, loss="mse", lr=0.1, num_epochs=200)
    >>> bool(np.allclose(fast.weights, slow.weights) and np.allclose(fast.train_loss, slow.train_loss))
    True
    """
    X, y = _check_Xy(X, y)
    n, p = X.shape
    lr = check_positive(lr, "lr")
    num_epochs = _check_epochs(num_epochs)
    l2 = _check_l2(l2)
    X_val, y_val = _check_val(X_val, y_val, p)
    w, b = _initial(w0, b0, p)

    Xa = np.hstack([np.ones((n, 1)), X])
    penalty = 2.0 * l2 * np.diag(np.r_[0.0, np.ones(p)])
    H = 2.0 * Xa.T @ Xa / n + penalty
    h, V = np.linalg.eigh(H)
    h = np.clip(h, 0.0, None)            # PSD: round tiny negative eigenvalues to 0
    if lr * h.max() >= 2.0:
        raise ValueError(
            f"lr={lr:g} is too large: full-batch gradient descent on this loss diverges for "
            f"lr >= 2 / (largest curvature) = {2.0 / h.max():.4g}. Use lr <= {1.0 / h.max():.4g}.")
    c = V.T @ (2.0 * Xa.T @ y / n)
    a0 = V.T @ np.r_[b, w]
    t = np.arange(1, num_epochs + 1)[:, None]
    q = 1.0 - lr * h
    with np.errstate(divide="ignore"):
        log_abs_q = np.log(np.abs(q))                # -inf where q == 0
    exponent = t * log_abs_q                         # (T, p + 1)
    # q^t, flushed to 0 below e^-700 (subnormal numbers would slow everything down)
    decay = np.where(exponent < -700.0, 0.0, np.exp(np.maximum(exponent, -700.0)))
    decay = np.where((q < 0) & (t % 2 == 1), -decay, decay)
    # (1 - q^t) / h: with expm1/log1p where 0 < q <= 1, accurate for tiny curvature
    grow = np.empty_like(decay)
    pos = q > 0
    hp = h[pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        smooth = -np.expm1(t * np.log1p(-lr * hp)) / hp
    grow[:, pos] = np.where(hp > 0, smooth, lr * t)   # h = 0: the coordinate drifts linearly
    grow[:, ~pos] = (1.0 - decay[:, ~pos]) / h[~pos]   # 1 <= lr h < 2: oscillating decay
    theta = (decay * a0 + grow * c) @ V.T               # (T, p + 1), epoch 1 first

    def mean_squared(Xs, ys):
        Xs_a = np.hstack([np.ones((Xs.shape[0], 1)), Xs])
        G, r, s = Xs_a.T @ Xs_a / len(ys), Xs_a.T @ ys / len(ys), ys @ ys / len(ys)
        quad = ((theta @ G) * theta).sum(axis=1) - 2.0 * theta @ r + s
        return np.maximum(quad, 0.0)

    train_loss = mean_squared(X, y)
    val_loss = mean_squared(X_val, y_val) if X_val is not None else None
    return History("mse", train_loss, val_loss, theta[:, 1:].copy(), theta[:, 0].copy())

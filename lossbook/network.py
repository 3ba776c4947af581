r"""A network with one hidden layer, trained in NumPy: forward pass, backpropagation, training.

The capstone chapter (``chapters/12_neural_network.ipynb``) builds this
network step by step; this module is the same code, validated and reusable,
for the chapter's figures and longer runs.

For inputs :math:`X` of shape :math:`(n, d)` the network computes

.. math::

    Z_1 = X W_1 + b_1, \qquad H = g(Z_1), \qquad Z_2 = H W_2 + b_2,

with :math:`W_1` of shape :math:`(d, h)`, :math:`b_1` of shape :math:`(h,)`,
:math:`W_2` of shape :math:`(h, k)`, :math:`b_2` of shape :math:`(k,)`, a
hidden activation :math:`g` (``"tanh"`` or ``"relu"``) applied elementwise,
and an output activation on the raw outputs :math:`Z_2`: the identity (a
regression) or the softmax over each row (one class out of :math:`k`).

The loss is one of four pairings (:data:`PAIRINGS`):

* ``("softmax", "cross_entropy")``: :func:`lossbook.cross_entropy` of the
  logits :math:`Z_2` against integer labels, the mean over the samples;
* ``("softmax", "mse")``: :func:`lossbook.mse` of the probabilities against
  one-hot targets, the mean over all :math:`n k` entries (the mismatched
  pairing of chapter 8);
* ``("identity", "mse")`` and ``("identity", "huber")``: :func:`lossbook.mse`
  and :func:`lossbook.huber` of the outputs against real targets.

Parameters are a dict of arrays ``{"W1", "b1", "W2", "b2"}``, so that they
can be copied, compared and passed around as plain data.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> X, labels = rng.standard_normal((6, 3)), np.array([0, 1, 2, 0, 1, 2])
>>> params = init_params(3, 4, 3, seed=1)
>>> loss, grads = loss_and_gradients(params, X, labels)
>>> sorted(grads), grads["W1"].shape
(['W1', 'W2', 'b1', 'b2'], (3, 4))
>>> hist = train(X, labels, X, labels, n_hidden=4, lr=0.5, num_epochs=50)
>>> bool(hist.train_loss[-1] < loss)
True
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

_CONTROLLER = []


def _one_blas_thread():
    """A context with one BLAS thread: on small matrices the fastest, and steady on a busy
    machine. (threadpoolctl comes with scikit-learn; its scan of the loaded libraries is done
    once.) Without threadpoolctl, BLAS keeps its own thread count."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
            _CONTROLLER.append(ThreadpoolController())
        except ImportError:  # pragma: no cover
            _CONTROLLER.append(None)
    if _CONTROLLER[0] is None:  # pragma: no cover
        return nullcontext()
    return _CONTROLLER[0].limit(limits=1)

from ._validation import as_float_array, check_count, check_positive
from .losses import cross_entropy, cross_entropy_grad, huber, huber_grad, mse, mse_grad, softmax

__all__ = [
    "ACTIVATIONS",
    "PAIRINGS",
    "PARAM_NAMES",
    "init_params",
    "forward",
    "predict",
    "data_loss",
    "loss_and_gradients",
    "NetworkHistory",
    "train",
    "load_task",
    "bundled_digits",
]

#: Hidden activations and their derivatives, each written with the
#: activation's input ``z`` and output ``a``.
ACTIVATIONS = {
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)),
}
#: The (output activation, loss) pairs the network can be trained with.
PAIRINGS = (("softmax", "cross_entropy"), ("softmax", "mse"),
            ("identity", "mse"), ("identity", "huber"))
#: The keys of a parameter dict, in order.
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}.")


def _check_pairing(output: str, loss: str) -> None:
    if (output, loss) not in PAIRINGS:
        raise ValueError(
            f"output={output!r} with loss={loss!r} is not a pairing this network trains; use one "
            f"of {PAIRINGS}. (Cross-entropy needs the softmax; it takes the logits.)")


def init_params(n_inputs: int, n_hidden: int, n_outputs: int, seed=0) -> dict:
    r"""Random weights, scaled by :math:`1/\sqrt{\text{fan-in}}`, and zero biases.

    :math:`W_1` has entries :math:`\mathcal N(0, 1/d)` and :math:`W_2` entries
    :math:`\mathcal N(0, 1/h)`, so that every pre-activation starts with a
    variance of about 1 for standardised inputs (LeCun's initialisation).

    Examples
    --------
    >>> p = init_params(64, 16, 10)
    >>> [p[k].shape for k in PARAM_NAMES]
    [(64, 16), (16,), (16, 10), (10,)]
    >>> bool(np.all(p["b1"] == 0))
    True
    """
    d = check_count(n_inputs, "n_inputs", 1)
    h = check_count(n_hidden, "n_hidden", 1)
    k = check_count(n_outputs, "n_outputs", 1)
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((d, h)) / np.sqrt(d), "b1": np.zeros(h),
            "W2": rng.standard_normal((h, k)) / np.sqrt(h), "b2": np.zeros(k)}


def _check_params(params) -> dict:
    if not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must be a dict with the keys {list(PARAM_NAMES)} "
                         f"(as init_params returns); got {got}.")
    p = {k: as_float_array(params[k], k) for k in PARAM_NAMES}
    if p["W1"].ndim != 2 or p["W2"].ndim != 2 or p["b1"].shape != (p["W1"].shape[1],) \
            or p["W2"].shape[0] != p["W1"].shape[1] or p["b2"].shape != (p["W2"].shape[1],):
        raise ValueError(
            "the parameter shapes do not fit together: W1 must be (d, h), b1 (h,), W2 (h, k) "
            f"and b2 (k,); got {[p[k].shape for k in PARAM_NAMES]}.")
    return p


def _check_inputs(X, params: dict, name: str = "X") -> np.ndarray:
    X = as_float_array(X, name)
    d = params["W1"].shape[0]
    if X.ndim != 2 or X.shape[1] != d:
        raise ValueError(f"{name} must have shape (n, {d}), one row per sample and one column per "
                         f"input of W1; got shape {X.shape}.")
    return X


def forward(params, X, activation: str = "tanh"):
    """The raw outputs ``Z2`` (logits, or the regression outputs) and the hidden layer.

    Returns
    -------
    Z2 : ndarray, shape (n, k)
    cache : dict
        ``{"X", "Z1", "H"}``, which backpropagation reuses.

    Examples
    --------
    >>> p = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((2, 1)), "b2": np.zeros(1)}
    >>> Z2, cache = forward(p, [[0.5, -0.5]])
    >>> float(Z2[0, 0]) + 0.0       # tanh(0.5) + tanh(-0.5)
    0.0
    """
    _check_activation(activation)
    p = _check_params(params)
    return _forward(p, _check_inputs(X, p), activation)


def _forward(p: dict, X: np.ndarray, activation: str):
    Z1 = X @ p["W1"] + p["b1"]
    H = ACTIVATIONS[activation][0](Z1)
    return H @ p["W2"] + p["b2"], {"X": X, "Z1": Z1, "H": H}


def predict(params, X, activation: str = "tanh", output: str = "softmax") -> np.ndarray:
    """Class probabilities (``output="softmax"``) or predicted values (``"identity"``).

    A regression network with one output returns shape ``(n,)``.

    Examples
    --------
    >>> p = init_params(3, 5, 4, seed=2)
    >>> predict(p, np.ones((2, 3))).sum(axis=1).round(12).tolist()
    [1.0, 1.0]
    """
    if output not in ("softmax", "identity"):
        raise ValueError(f"output must be 'softmax' or 'identity'; got {output!r}.")
    Z2, _ = forward(params, X, activation)
    if output == "softmax":
        return softmax(Z2, axis=1)
    return Z2[:, 0] if Z2.shape[1] == 1 else Z2


def _targets(targets, Z2: np.ndarray, output: str, loss: str) -> np.ndarray:
    n, k = Z2.shape
    t = np.asarray(targets)
    if t.shape[:1] != (n,):
        raise ValueError(f"targets must have one entry per sample ({n}); got shape {t.shape}.")
    if output == "softmax":
        if t.ndim != 1 or not np.all((t == np.round(t)) & (t >= 0) & (t < k)):
            raise ValueError(f"a softmax network needs integer class labels 0 to {k - 1}, one per "
                             "sample, shape (n,).")
        labels = t.astype(np.int64)
        return labels if loss == "cross_entropy" else np.eye(k)[labels]
    t = as_float_array(t, "targets")
    t = t[:, None] if t.ndim == 1 else t
    if t.shape != Z2.shape:
        raise ValueError(f"targets of shape {t.shape} do not fit the network's outputs {Z2.shape}.")
    return t


def _output_loss(T, Z2, output, loss, delta):
    """The mean loss and its gradient with respect to the raw outputs Z2."""
    if output == "softmax" and loss == "cross_entropy":
        return cross_entropy(T, Z2), cross_entropy_grad(T, Z2)
    if output == "softmax":  # mse on probabilities: chain rule through the softmax
        P = softmax(Z2, axis=1)
        G = mse_grad(T, P)
        return mse(T, P), P * (G - np.sum(G * P, axis=1, keepdims=True))
    if loss == "mse":
        return mse(T, Z2), mse_grad(T, Z2)
    return huber(T, Z2, delta), huber_grad(T, Z2, delta)


def data_loss(params, X, targets, activation: str = "tanh", output: str = "softmax",
              loss: str = "cross_entropy", delta: float = 1.0) -> float:
    """The mean loss of the network on ``(X, targets)``.

    Examples
    --------
    A network whose outputs are all 0 gives every one of 4 classes the probability 1/4:

    >>> p = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 4)), "b2": np.zeros(4)}
    >>> round(data_loss(p, np.ones((5, 2)), [0, 1, 2, 3, 0]), 6) == round(float(np.log(4)), 6)
    True
    """
    _check_pairing(output, loss)
    Z2, _ = forward(params, X, activation)
    return float(_output_loss(_targets(targets, Z2, output, loss), Z2, output, loss, delta)[0])


def loss_and_gradients(params, X, targets, activation: str = "tanh", output: str = "softmax",
                       loss: str = "cross_entropy", delta: float = 1.0):
    r"""The mean loss and its gradient with respect to every parameter (backpropagation).

    With :math:`G_2 = \partial L / \partial Z_2` from the output layer:
    :math:`\partial L/\partial W_2 = H^\top G_2`, :math:`\partial L/\partial b_2`
    the column sums of :math:`G_2`, :math:`G_1 = (G_2 W_2^\top) \odot g'(Z_1)`,
    :math:`\partial L/\partial W_1 = X^\top G_1` and :math:`\partial L/\partial b_1`
    the column sums of :math:`G_1`.

    Returns
    -------
    loss : float
    grads : dict
        ``{"W1", "b1", "W2", "b2"}``, each shaped like its parameter.

    Examples
    --------
    >>> p = init_params(2, 3, 1, seed=0)
    >>> X, y = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0.5, -0.5])
    >>> L, g = loss_and_gradients(p, X, y, output="identity", loss="mse")
    >>> h = 1e-6
    >>> q = {k: v.copy() for k, v in p.items()}
    >>> q["b2"] += h
    >>> up = data_loss(q, X, y, output="identity", loss="mse")
    >>> q["b2"] -= 2 * h
    >>> down = data_loss(q, X, y, output="identity", loss="mse")
    >>> bool(abs((up - down) / (2 * h) - g["b2"][0]) < 1e-8)
    True
    """
    _check_pairing(output, loss)
    delta = check_positive(delta, "delta")
    p = _check_params(params)
    Z2, cache = forward(p, X, activation)
    T = _targets(targets, Z2, output, loss)
    return _backprop(p, cache, Z2, T, activation, output, loss, delta)


def _backprop(p, cache, Z2, T, activation, output, loss, delta):
    value, G2 = _output_loss(T, Z2, output, loss, delta)
    H = cache["H"]
    G1 = (G2 @ p["W2"].T) * ACTIVATIONS[activation][1](cache["Z1"], H)
    grads = {"W1": cache["X"].T @ G1, "b1": G1.sum(axis=0),
             "W2": H.T @ G2, "b2": G2.sum(axis=0)}
    return float(value), grads


@dataclass
class NetworkHistory:
    """What :func:`train` records, once per epoch (after the epoch's updates).

    Attributes
    ----------
    train_loss, val_loss : ndarray, shape (num_epochs,)
        Mean loss on the training and validation sets after each epoch; entry
        ``e`` belongs to epoch ``e + 1``.
    params : list of dict
        The parameters after each epoch (empty unless ``keep_params=True``).
    initial_params : dict
    settings : dict
        The activation, output, loss and delta, for :meth:`predict`.
    """

    train_loss: np.ndarray
    val_loss: np.ndarray
    params: list = field(default_factory=list)
    initial_params: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    def predict(self, X, epoch: int) -> np.ndarray:
        """Predictions (probabilities or values) of the network after ``epoch`` (1-based)."""
        if not self.params:
            raise ValueError("this run kept no parameters; train with keep_params=True.")
        if not 1 <= epoch <= len(self.params):
            raise ValueError(f"epoch must be between 1 and {len(self.params)}; got {epoch}.")
        s = self.settings
        return predict(self.params[epoch - 1], X, s["activation"], s["output"])


def train(X, targets, X_val, targets_val, n_hidden: int = 16, activation: str = "tanh",
          output: str = "softmax", loss: str = "cross_entropy", lr: float = 0.1,
          num_epochs: int = 100, batch_size: int | None = None, delta: float = 1.0, seed=0,
          keep_params: bool = False, params=None) -> NetworkHistory:
    """Train the network by (mini-batch) gradient descent on the mean loss.

    Each epoch visits the training samples in a new random order (from a
    generator seeded with ``seed``) in batches of ``batch_size``; with
    ``batch_size=None`` each epoch is one full-batch step. The initial
    parameters are ``init_params(d, n_hidden, k, seed)`` unless ``params`` is
    given, with ``k`` the number of classes (one more than the largest label)
    for a softmax network, the number of target columns otherwise.

    Examples
    --------
    >>> X = np.linspace(-1, 1, 20)[:, None]
    >>> hist = train(X, X[:, 0] ** 2, X, X[:, 0] ** 2, n_hidden=8, output="identity",
    ...              loss="mse", lr=0.2, num_epochs=300)
    >>> bool(hist.val_loss[-1] < 0.2 * hist.val_loss[0])
    True
    """
    _check_activation(activation)
    _check_pairing(output, loss)
    lr = check_positive(lr, "lr")
    num_epochs = check_count(num_epochs, "num_epochs", 1)
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, d); got {X.shape}.")
    t = np.asarray(targets)
    if output == "softmax":
        k = int(np.max(t)) + 1
    else:
        k = 1 if t.ndim == 1 else t.shape[1]
    if params is None:
        params = init_params(X.shape[1], n_hidden, k, seed)
    p = _check_params({name: np.array(params[name], dtype=float) for name in PARAM_NAMES})
    X, X_val = _check_inputs(X, p), _check_inputs(X_val, p, "X_val")
    delta = check_positive(delta, "delta")
    n = X.shape[0]
    size = n if batch_size is None else check_count(batch_size, "batch_size", 1)
    rng = np.random.default_rng(seed)
    kw = dict(activation=activation, output=output, loss=loss, delta=delta)
    # Targets are checked once, then every step runs unchecked on the same arrays.
    T = _targets(t, _forward(p, X, activation)[0], output, loss)
    T_val = _targets(targets_val, _forward(p, X_val, activation)[0], output, loss)
    history = NetworkHistory(np.empty(num_epochs), np.empty(num_epochs),
                             initial_params={k_: v.copy() for k_, v in p.items()}, settings=kw)
    with _one_blas_thread():
        for epoch in range(num_epochs):
            order = None if size >= n else rng.permutation(n)
            for start in range(0, n, size):
                rows = slice(None) if order is None else order[start:start + size]
                with np.errstate(over="ignore", invalid="ignore"):
                    Z2, cache = _forward(p, X[rows], activation)
                _check_diverged(Z2, epoch, lr)
                with np.errstate(over="ignore", invalid="ignore"):  # a divergence shows in Z2
                    _, grads = _backprop(p, cache, Z2, T[rows], activation, output, loss, delta)
                for name in PARAM_NAMES:
                    p[name] -= lr * grads[name]
            for curve, inputs, targets_ in ((history.train_loss, X, T), (history.val_loss, X_val, T_val)):
                with np.errstate(over="ignore", invalid="ignore"):
                    Z2 = _forward(p, inputs, activation)[0]
                _check_diverged(Z2, epoch, lr)
                with np.errstate(over="ignore"):  # a loss that overflows diverges next step
                    curve[epoch] = _output_loss(targets_, Z2, output, loss, delta)[0]
            if keep_params:
                history.params.append({k_: v.copy() for k_, v in p.items()})
    return history


def _check_diverged(Z2: np.ndarray, epoch: int, lr: float) -> None:
    if not np.isfinite(Z2.sum()):
        raise ValueError(
            f"training diverged in epoch {epoch + 1}: the outputs overflowed to infinity or NaN "
            f"with lr={lr:g}. Try a learning rate 3 to 10 times smaller.")


def bundled_digits():
    """The 8x8 handwritten digits: images ``(1797, 64)`` (pixel values 0 to 16) and labels.

    The same arrays as scikit-learn's ``load_digits(return_X_y=True)`` (a
    copy of the test set of the UCI ML hand-written digits data), stored in
    the course package (``lossbook/digits.json``, 120 kB) so that the
    exercise and its autograder need neither scikit-learn nor a download.

    Examples
    --------
    >>> images, labels = bundled_digits()
    >>> images.shape, labels[:5].tolist()
    ((1797, 64), [0, 1, 2, 3, 4])
    """
    import json
    from pathlib import Path

    stored = json.loads((Path(__file__).with_name("digits.json")).read_text())
    codes = np.frombuffer("".join(stored["images"]).encode("ascii"), dtype=np.uint8)
    lookup = np.zeros(128, dtype=np.int64)
    lookup[np.frombuffer(stored["alphabet"].encode("ascii"), dtype=np.uint8)] = np.arange(
        len(stored["alphabet"]))
    values = lookup[codes].reshape(len(stored["images"]), 65)
    return values[:, :64].astype(float), values[:, 64]


def load_task(name: str, seed=0):
    """One of the chapter's two tasks, split into training, validation and test sets.

    * ``"digits"``: scikit-learn's bundled 8x8 handwritten digits (1,797
      images, 10 classes), pixel values divided by 16 so they lie in [0, 1];
      1,000 training, 397 validation and 400 test images.
    * ``"diabetes"``: scikit-learn's bundled diabetes data (442 patients, 10
      inputs, disease progression after a year); 250 training, 92 validation
      and 100 test patients. The inputs and the target are standardised with
      the training set's mean and standard deviation, so predicting the
      training mean is an output of 0.

    The samples are shuffled by a generator seeded with ``seed`` before the
    split (no download: both data sets ship with scikit-learn).

    Returns
    -------
    dict
        ``X_train, y_train, X_val, y_val, X_test, y_test``, and for the
        diabetes data ``y_mean`` and ``y_std``, the scale of the target.

    Examples
    --------
    >>> d = load_task("digits")
    >>> d["X_train"].shape, d["X_val"].shape, d["X_test"].shape
    ((1000, 64), (397, 64), (400, 64))
    """
    if name == "digits":
        X, y = bundled_digits()
        X, sizes = X / 16.0, (1000, 397)
    elif name == "diabetes":
        from sklearn import datasets

        X, y = datasets.load_diabetes(return_X_y=True)
        sizes = (250, 92)
    else:
        raise ValueError(f"name must be 'digits' or 'diabetes'; got {name!r}.")
    order = np.random.default_rng(seed).permutation(len(y))
    X, y = X[order], y[order]
    a, b = sizes[0], sizes[0] + sizes[1]
    out = {"X_train": X[:a], "y_train": y[:a], "X_val": X[a:b], "y_val": y[a:b],
           "X_test": X[b:], "y_test": y[b:]}
    if name == "diabetes":
        mu, sd = out["X_train"].mean(axis=0), out["X_train"].std(axis=0)
        y_mean, y_std = float(out["y_train"].mean()), float(out["y_train"].std())
        for part in ("train", "val", "test"):
            out[f"X_{part}"] = (out[f"X_{part}"] - mu) / sd
            out[f"y_{part}"] = (out[f"y_{part}"] - y_mean) / y_std
        out["y_mean"], out["y_std"] = y_mean, y_std
    else:
        for part in ("train", "val", "test"):
            out[f"y_{part}"] = out[f"y_{part}"].astype(np.int64)
    return out

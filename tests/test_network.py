"""The one-hidden-layer network of chapter 12 (lossbook.network).

Gradients are checked against central finite differences of losses written
out here (not lossbook's), for every activation and pairing and several
shapes; the forward pass and the losses against PyTorch and scikit-learn
where they share a definition; training against a plain loop.
"""

from __future__ import annotations

import numpy as np
import pytest

from lossbook import network as nw


def _loss_written_out(params, X, targets, activation, output, loss, delta=1.0):
    Z1 = X @ params["W1"] + params["b1"]
    H = np.tanh(Z1) if activation == "tanh" else np.maximum(Z1, 0)
    Z2 = H @ params["W2"] + params["b2"]
    if output == "softmax":
        P = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        labels = np.asarray(targets, dtype=int)
        if loss == "cross_entropy":
            return -np.mean(np.log(P[np.arange(len(labels)), labels]))
        return np.mean((P - np.eye(Z2.shape[1])[labels]) ** 2)
    r = Z2 - np.asarray(targets, dtype=float).reshape(Z2.shape)
    if loss == "mse":
        return np.mean(r ** 2)
    a = np.abs(r)
    return np.mean(np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta)))


def _central_differences(f, params, h=1e-6):
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[name][i] += h
            down[name][i] -= h
            g[i] = (f(up) - f(down)) / (2 * h)
        grads[name] = g
    return grads


CASES = [  # activation, output, loss, (n, d, h, k)
    ("tanh", "softmax", "cross_entropy", (5, 3, 4, 3)),
    ("relu", "softmax", "cross_entropy", (1, 2, 3, 4)),
    ("tanh", "softmax", "mse", (6, 4, 2, 5)),
    ("relu", "softmax", "mse", (3, 2, 5, 2)),
    ("tanh", "identity", "mse", (7, 3, 4, 1)),
    ("relu", "identity", "mse", (4, 2, 3, 2)),
    ("tanh", "identity", "huber", (8, 3, 3, 1)),
]


@pytest.mark.parametrize("activation, output, loss, shape", CASES)
def test_backpropagation_matches_finite_differences(activation, output, loss, shape):
    n, d, h, k = shape
    rng = np.random.default_rng(sum(shape) + len(loss))
    params = nw.init_params(d, h, k, seed=rng)
    params["b1"] = rng.standard_normal(h)  # non-zero biases: every term of the gradient counts
    params["b2"] = rng.standard_normal(k)
    X = rng.standard_normal((n, d)) * 1.5
    if output == "softmax":
        targets = rng.integers(0, k, n)
    else:
        targets = 2 * rng.standard_normal(n if k == 1 else (n, k))
    value, grads = nw.loss_and_gradients(params, X, targets, activation, output, loss, delta=0.7)
    f = lambda p: _loss_written_out(p, X, targets, activation, output, loss, 0.7)  # noqa: E731
    assert value == pytest.approx(f(params), rel=1e-12)
    numeric = _central_differences(f, params)
    for name in nw.PARAM_NAMES:
        assert grads[name].shape == params[name].shape
        np.testing.assert_allclose(grads[name], numeric[name], rtol=1e-5, atol=1e-8)


def test_forward_and_loss_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    params = nw.init_params(5, 7, 4, seed=3)
    params["b1"] = rng.standard_normal(7)
    X, labels = rng.standard_normal((9, 5)), rng.integers(0, 4, 9)
    model = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 4))
    model = model.double()
    with torch.no_grad():  # nn.Linear stores the weight as (out, in): W transposed
        model[0].weight.copy_(torch.from_numpy(params["W1"].T))
        model[0].bias.copy_(torch.from_numpy(params["b1"]))
        model[2].weight.copy_(torch.from_numpy(params["W2"].T))
        model[2].bias.copy_(torch.from_numpy(params["b2"]))
    logits = model(torch.from_numpy(X))
    loss = torch.nn.CrossEntropyLoss()(logits, torch.from_numpy(labels))  # takes logits
    loss.backward()
    Z2, _ = nw.forward(params, X)
    np.testing.assert_allclose(Z2, logits.detach().numpy(), rtol=1e-12)
    value, grads = nw.loss_and_gradients(params, X, labels)
    assert value == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grads["W1"], model[0].weight.grad.numpy().T, rtol=1e-10)
    np.testing.assert_allclose(grads["b2"], model[2].bias.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_keras_sparse_categorical_crossentropy_from_logits_agrees(keras):
    rng = np.random.default_rng(4)
    params = nw.init_params(3, 4, 5, seed=4)
    X, labels = rng.standard_normal((6, 3)), rng.integers(0, 5, 6)
    Z2, _ = nw.forward(params, X)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    value = float(keras.ops.convert_to_numpy(loss(labels, Z2)))
    assert value == pytest.approx(nw.data_loss(params, X, labels), rel=1e-6)


def test_scikit_learn_mlp_losses_are_the_chapters_up_to_its_half():
    """MLPRegressor minimises half the squared error; MLPClassifier the cross-entropy."""
    base = pytest.importorskip("sklearn.neural_network._base")
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    rng = np.random.default_rng(5)
    y, pred = rng.standard_normal((8, 1)), rng.standard_normal((8, 1))
    assert base.LOSS_FUNCTIONS["squared_error"](y, pred) == pytest.approx(
        0.5 * np.mean((pred - y) ** 2))
    probs = rng.dirichlet(np.ones(3), 8)
    onehot = np.eye(3)[rng.integers(0, 3, 8)]
    assert base.LOSS_FUNCTIONS["log_loss"](onehot, probs) == pytest.approx(
        -np.mean(np.log(probs[onehot == 1])))
    X = rng.standard_normal((30, 2))
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5).fit(X, np.arange(30) % 3)
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=5).fit(X, X[:, 0])
    assert clf.out_activation_ == "softmax" and reg.out_activation_ == "identity"
    assert MLPClassifier().activation == "relu" and MLPRegressor().loss == "squared_error"
    for estimator in (MLPClassifier(), MLPRegressor()):  # the defaults the chapter states
        p = estimator.get_params()
        assert (p["alpha"], p["solver"], p["validation_fraction"], p["n_iter_no_change"],
                p["tol"]) == (1e-4, "adam", 0.1, 10, 1e-4)
    stopped = MLPClassifier(hidden_layer_sizes=(3,), early_stopping=True, max_iter=30,
                            random_state=0).fit(np.r_[X, X], np.arange(60) % 3)
    # early stopping watches a score (accuracy), not the loss: fractions of 6 held-out samples
    scores = np.array(stopped.validation_scores_)
    np.testing.assert_allclose(scores * 6, np.round(scores * 6), atol=1e-12)


def test_training_matches_a_plain_loop():
    rng = np.random.default_rng(6)
    X, y = rng.standard_normal((12, 2)), rng.standard_normal(12)
    hist = nw.train(X, y, X[:4], y[:4], n_hidden=3, output="identity", loss="mse", lr=0.1,
                    num_epochs=5, keep_params=True, seed=2)
    W1, b1, W2, b2 = (nw.init_params(2, 3, 1, seed=2)[k].copy() for k in nw.PARAM_NAMES)
    for epoch in range(5):  # full batch: one step per epoch
        H = np.tanh(X @ W1 + b1)
        G2 = 2 * (H @ W2 + b2 - y[:, None]) / 12
        G1 = G2 @ W2.T * (1 - H ** 2)
        W1, b1, W2, b2 = W1 - 0.1 * X.T @ G1, b1 - 0.1 * G1.sum(0), W2 - 0.1 * H.T @ G2, \
            b2 - 0.1 * G2.sum(0)
        pred = np.tanh(X @ W1 + b1) @ W2 + b2
        assert hist.train_loss[epoch] == pytest.approx(np.mean((pred[:, 0] - y) ** 2), rel=1e-12)
    np.testing.assert_allclose(hist.params[-1]["W1"], W1, rtol=1e-12)
    np.testing.assert_allclose(hist.predict(X[:4], 5), pred[:4, 0], rtol=1e-12)


def test_mini_batches_visit_every_sample_once_per_epoch():
    rng = np.random.default_rng(7)
    X, labels = rng.standard_normal((10, 2)), np.arange(10) % 3
    a = nw.train(X, labels, X, labels, n_hidden=2, lr=0.1, num_epochs=3, batch_size=4, seed=1)
    b = nw.train(X, labels, X, labels, n_hidden=2, lr=0.1, num_epochs=3, batch_size=4, seed=1)
    full = nw.train(X, labels, X, labels, n_hidden=2, lr=0.1, num_epochs=3, batch_size=10, seed=1)
    np.testing.assert_array_equal(a.val_loss, b.val_loss)  # seeded
    assert not np.allclose(a.val_loss, full.val_loss)       # three steps per epoch, not one


def test_load_task_splits_without_overlap():
    for name, sizes in (("digits", (1000, 397, 400)), ("diabetes", (250, 92, 100))):
        d = nw.load_task(name)
        assert tuple(len(d[f"y_{p}"]) for p in ("train", "val", "test")) == sizes
        rows = [tuple(r) for p in ("train", "val", "test") for r in d[f"X_{p}"]]
        assert len(set(rows)) == len(rows) or name == "digits"  # digits has duplicate images
    d = nw.load_task("diabetes")
    assert d["y_train"].mean() == pytest.approx(0, abs=1e-12)
    assert d["X_train"].std(axis=0) == pytest.approx(np.ones(10))
    assert nw.load_task("digits")["X_train"].max() == 1.0


@pytest.mark.parametrize("call, message", [
    (lambda: nw.init_params(0, 3, 2), "n_inputs"),
    (lambda: nw.forward({"W1": np.ones((2, 3))}, np.ones((1, 2))), "keys"),
    (lambda: nw.forward(nw.init_params(2, 3, 2), np.ones((1, 5))), r"shape \(n, 2\)"),
    (lambda: nw.forward(nw.init_params(2, 3, 2), np.ones((1, 2)), "sigmoid"), "activation"),
    (lambda: nw.data_loss(nw.init_params(2, 3, 2), np.ones((1, 2)), [0], output="identity",
                          loss="cross_entropy"), "Cross-entropy needs the softmax"),
    (lambda: nw.data_loss(nw.init_params(2, 3, 2), np.ones((1, 2)), [2]), "labels 0 to 1"),
    (lambda: nw.load_task("mnist"), "digits"),
])
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_divergence_is_reported():
    d = nw.load_task("diabetes")
    with pytest.raises(ValueError, match="learning rate 3 to 10 times smaller"):
        nw.train(d["X_train"], d["y_train"], d["X_val"], d["y_val"], n_hidden=32,
                 output="identity", loss="mse", lr=3.0, num_epochs=200)


def test_bundled_digits_are_scikit_learns():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_digits(return_X_y=True)
    images, labels = nw.bundled_digits()
    np.testing.assert_array_equal(images, X)
    np.testing.assert_array_equal(labels, y)

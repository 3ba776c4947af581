"""Every statement of ``pages/library_conventions.md`` asserted against the libraries themselves.

Each test is named after the row of the page it holds (the page names the test in
its last column), so a change in PyTorch, Keras or scikit-learn that makes a row
false fails here. scikit-learn is a course requirement; the PyTorch and Keras
tests skip with the reason when those libraries are missing
(``pip install -r requirements-compare.txt``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from sklearn import linear_model, metrics, svm
from sklearn.neural_network import MLPRegressor

import lossbook
from test_diagnostics import keras_early_stopping
from test_libraries import torch  # noqa: F401  (the fixture: PyTorch, or a skip saying why)

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "pages" / "library_conventions.md"

rng = np.random.default_rng(20)
N, C = 12, 4
Y = rng.normal(size=N)
P = Y + rng.normal(size=N)
LOGITS = rng.normal(scale=2.0, size=(N, C))
CLASSES = rng.integers(0, C, size=N)
W = np.array([0.5, 1.0, 2.0, 4.0])            # class weights
Z = rng.normal(scale=3.0, size=N)              # binary logits
Y01 = (rng.random(N) < 0.5).astype(float)
PM1 = 2 * Y01 - 1
COUNTS = rng.poisson(3.0, size=N).astype(float)
RATES = rng.uniform(0.5, 6.0, size=N)




def t64(torch, x):
    return torch.as_tensor(np.asarray(x), dtype=torch.float64)


def value(x) -> np.ndarray:
    """A tensor of any of the libraries as a NumPy array."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=float)


def close(a, b, rtol=1e-10):
    np.testing.assert_allclose(value(a), value(b), rtol=rtol, atol=0)


# --------------------------------------------------------------------------
# The page names every test below; a test without a row (or a row without a
# test) fails here.
# --------------------------------------------------------------------------


def test_every_row_of_the_page_names_a_test_of_this_file():
    text = PAGE.read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", text))
    defined = {name for name in globals() if name.startswith("test_")}
    defined.discard("test_every_row_of_the_page_names_a_test_of_this_file")
    assert named, "the page names no test"
    assert named <= defined, f"the page names tests that do not exist: {sorted(named - defined)}"
    assert defined <= named, f"tests that no row of the page names: {sorted(defined - named)}"


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------


def test_squared_and_absolute_error(torch, keras):
    F = torch.nn.functional
    Y2, P2 = Y.reshape(3, 4), P.reshape(3, 4)
    mse, mae = np.mean((P2 - Y2) ** 2), np.mean(np.abs(P2 - Y2))
    close(F.mse_loss(t64(torch, P2), t64(torch, Y2)), mse)        # mean over all elements
    close(F.l1_loss(t64(torch, P2), t64(torch, Y2)), mae)
    # Keras: mean over the last axis per sample, then over the samples
    close(keras.losses.MeanSquaredError(reduction=None)(Y2, P2), np.mean((P2 - Y2) ** 2, axis=1),
          rtol=1e-6)
    close(keras.losses.MeanSquaredError()(Y2, P2), mse, rtol=1e-6)
    close(keras.losses.MeanAbsoluteError()(Y2, P2), mae, rtol=1e-6)
    close(metrics.mean_squared_error(Y, P), lossbook.mse(Y, P))
    close(metrics.mean_absolute_error(Y, P), lossbook.mae(Y, P))
    assert linear_model.SGDRegressor().loss == "squared_error"
    # QuantileRegressor(quantile=0.5, alpha=0) minimises the mean absolute error
    X = np.column_stack([np.linspace(0, 1, N)])
    q = linear_model.QuantileRegressor(quantile=0.5, alpha=0).fit(X, P)
    best = lossbook.mae(P, q.predict(X))
    for move in 0.01 * rng.normal(size=(20, 2)):
        assert lossbook.mae(P, q.predict(X) + move[0] + move[1] * X[:, 0]) >= best - 1e-12


def test_huber_and_smooth_l1(torch, keras):
    F = torch.nn.functional
    for delta in (0.5, 2.0):
        expected = lossbook.huber(Y, P, delta=delta)
        close(F.huber_loss(t64(torch, P), t64(torch, Y), delta=delta), expected)
        # SmoothL1Loss(beta) is Huber with delta = beta, divided by beta
        close(F.smooth_l1_loss(t64(torch, P), t64(torch, Y), beta=delta), expected / delta)
        close(keras.losses.Huber(delta=delta)(Y[None, :], P[None, :]), expected, rtol=1e-6)
    # scikit-learn's HuberRegressor: the threshold epsilon applies to residuals / a fitted scale
    assert linear_model.HuberRegressor().epsilon == 1.35
    X = np.linspace(0, 1, N)[:, None]
    fitted = linear_model.HuberRegressor().fit(X, 10 * P)
    unscaled = linear_model.HuberRegressor().fit(X, P)
    assert fitted.scale_ == pytest.approx(10 * unscaled.scale_, rel=1e-3)   # the scale follows y


def test_binary_cross_entropy_on_probabilities(torch, keras):
    F = torch.nn.functional
    probs = np.array([0.0, 1e-9, 0.3, 1.0])
    target = np.array([1.0, 1.0, 0.0, 0.0])
    # PyTorch clamps each log at -100
    close(F.binary_cross_entropy(t64(torch, probs), t64(torch, target), reduction="none"),
          [100.0, -np.log(1e-9), -np.log(0.7), 100.0])
    # Keras clips the probabilities to [1e-7, 1 - 1e-7]
    k = keras.losses.BinaryCrossentropy(reduction=None)(target[:, None], probs[:, None])
    # (at 1 - 1e-7, float32 rounding makes it 15.94 rather than 16.12)
    np.testing.assert_allclose(value(k)[[0, 1, 3]], -np.log(1e-7), rtol=0.02)
    # scikit-learn clips to the float's machine epsilon
    eps = np.finfo(float).eps
    close(metrics.log_loss([1, 0], [0.0, 0.0], labels=[0, 1]), -np.log(eps) / 2, rtol=1e-6)


def test_binary_cross_entropy_from_logits(torch, keras):
    F = torch.nn.functional
    expected = lossbook.binary_cross_entropy_with_logits(Y01, Z)
    close(F.binary_cross_entropy_with_logits(t64(torch, Z), t64(torch, Y01)), expected)
    k = keras.losses.BinaryCrossentropy(from_logits=True)(Y01[:, None], Z[:, None])
    close(k, expected, rtol=1e-5)
    assert keras.losses.BinaryCrossentropy().get_config()["from_logits"] is False


def test_cross_entropy_on_logits(torch, keras):
    F = torch.nn.functional
    expected = lossbook.cross_entropy(CLASSES, LOGITS)
    close(F.cross_entropy(t64(torch, LOGITS), torch.as_tensor(CLASSES)), expected)
    k = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(CLASSES, LOGITS)
    close(k, expected, rtol=1e-5)
    k = keras.losses.CategoricalCrossentropy(from_logits=True)(np.eye(C)[CLASSES], LOGITS)
    close(k, expected, rtol=1e-5)
    close(metrics.log_loss(CLASSES, lossbook.softmax(LOGITS), labels=np.arange(C)), expected,
          rtol=1e-9)


def test_weighted_cross_entropy_divides_by_the_weights_of_the_targets(torch):
    F = torch.nn.functional
    per_sample = lossbook.cross_entropy(CLASSES, LOGITS, reduction="none")
    w = W[CLASSES]
    got = F.cross_entropy(t64(torch, LOGITS), torch.as_tensor(CLASSES), weight=t64(torch, W))
    close(got, np.sum(w * per_sample) / np.sum(w))
    assert not np.isclose(value(got), np.mean(w * per_sample))


def test_class_weights_shift_the_predicted_probabilities(torch):
    # One logit for every sample, fitted by BCEWithLogitsLoss(pos_weight=3) on
    # labels with 25 % positives: the fitted probability is 3 * 0.25 / (3 * 0.25 + 0.75).
    labels = t64(torch, np.array([1.0, 0.0, 0.0, 0.0] * 5))
    z = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=t64(torch, [3.0]))
    opt = torch.optim.LBFGS([z], lr=1.0, max_iter=100, tolerance_grad=1e-12)

    def closure():
        opt.zero_grad()
        loss = loss_fn(z.expand(20), labels)
        loss.backward()
        return loss

    opt.step(closure)
    assert value(torch.sigmoid(z))[0] == pytest.approx(0.5, abs=1e-6)      # not 0.25
    assert "class_weight" in linear_model.LogisticRegression().get_params()


def test_label_smoothing(torch, keras):
    F = torch.nn.functional
    eps = 0.1
    expected = lossbook.cross_entropy(CLASSES, LOGITS, label_smoothing=eps)
    close(F.cross_entropy(t64(torch, LOGITS), torch.as_tensor(CLASSES), label_smoothing=eps),
          expected)
    k = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=eps)
    close(k(np.eye(C)[CLASSES], LOGITS), expected, rtol=1e-5)
    assert "label_smoothing" not in keras.losses.SparseCategoricalCrossentropy().get_config()


def test_binary_hinge(keras):
    expected = lossbook.hinge(PM1, Z)
    close(keras.losses.Hinge()(PM1[None, :], Z[None, :]), expected, rtol=1e-6)
    # 0/1 labels: Keras converts them to -1/+1 silently
    close(keras.losses.Hinge()(Y01[None, :], Z[None, :]), expected, rtol=1e-6)
    close(keras.losses.SquaredHinge()(PM1[None, :], Z[None, :]),
          lossbook.squared_hinge(PM1, Z), rtol=1e-6)
    # scikit-learn maps any two labels to -1/+1, the larger to +1
    close(metrics.hinge_loss(Y01, Z), expected)


def test_multiclass_hinge(torch, keras):
    F = torch.nn.functional
    ww = lossbook.multiclass_hinge(CLASSES, LOGITS)
    cs = lossbook.multiclass_hinge(CLASSES, LOGITS, variant="crammer_singer")
    close(F.multi_margin_loss(t64(torch, LOGITS), torch.as_tensor(CLASSES)), ww / C)
    close(metrics.hinge_loss(CLASSES, LOGITS, labels=np.arange(C)), cs)
    # Keras's CategoricalHinge: Crammer-Singer with the true class in the max at score 0
    one_hot = np.eye(C)[CLASSES]
    pos = LOGITS[np.arange(N), CLASSES]
    neg = np.max((1 - one_hot) * LOGITS, axis=1)
    close(keras.losses.CategoricalHinge()(one_hot, LOGITS), np.mean(np.maximum(0, 1 + neg - pos)),
          rtol=1e-6)


def test_multi_margin_loss_on_two_classes_is_half_the_binary_hinge(torch):
    # MultiMarginLoss is multiclass; on two classes it is the binary hinge of the
    # score difference divided by 2, so it is not Keras's Hinge
    two = LOGITS[:, :2]
    labels = (CLASSES % 2)
    f = two[:, 1] - two[:, 0]
    got = torch.nn.functional.multi_margin_loss(t64(torch, two), torch.as_tensor(labels))
    close(got, lossbook.hinge(2.0 * labels - 1, f) / 2)


def test_hinge_embedding_loss_is_not_the_svm_hinge(torch):
    got = torch.nn.functional.hinge_embedding_loss(t64(torch, Z), t64(torch, PM1),
                                                   reduction="none")
    close(got, np.where(PM1 > 0, Z, np.maximum(0.0, 1.0 - Z)))


def test_poisson_losses_are_the_negative_log_likelihood_not_the_deviance(torch, keras):
    F = torch.nn.functional
    nll = RATES - COUNTS * np.log(RATES)           # without the log(y!) term
    # PyTorch expects the log of the rate by default (log_input=True)
    close(F.poisson_nll_loss(t64(torch, np.log(RATES)), t64(torch, COUNTS)), nll.mean())
    close(F.poisson_nll_loss(t64(torch, RATES), t64(torch, COUNTS), log_input=False),
          np.mean(RATES - COUNTS * np.log(RATES + 1e-8)))
    wrong = F.poisson_nll_loss(t64(torch, RATES), t64(torch, COUNTS))   # rate passed as a log
    close(wrong, np.mean(np.exp(RATES) - COUNTS * RATES))
    close(keras.losses.Poisson()(COUNTS[None, :], RATES[None, :]),
          np.mean(RATES - COUNTS * np.log(RATES + 1e-7)), rtol=1e-6)
    # the deviance is twice the log-likelihood ratio to the saturated model
    saturated = COUNTS - COUNTS * np.log(np.where(COUNTS > 0, COUNTS, 1.0))
    deviance = 2 * np.mean(nll - saturated)
    close(metrics.mean_poisson_deviance(COUNTS, RATES), deviance)
    assert not np.isclose(deviance, nll.mean())


# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------


def _blobs():
    from lossbook.figures.hinge import make_blobs

    X, y = make_blobs()
    return X + 5.0, y        # moved away from the origin, so the intercept matters


def test_svc_c_is_one_over_lambda_n_and_linear_svc_is_another_problem():
    X, y = _blobs()
    lam = 0.1
    C_ = 1 / (lam * len(y))

    def objective(w, b):        # (lambda / 2) |w|^2 + mean hinge
        return lam / 2 * w @ w + lossbook.hinge(y, X @ w + b)

    svc = svm.SVC(kernel="linear", C=C_).fit(X, y)
    best = objective(svc.coef_[0], svc.intercept_[0])
    # the dual's optimality: no direction lowers the objective (checked on a grid of moves)
    for dw in 1e-3 * rng.normal(size=(20, 3)):
        assert objective(svc.coef_[0] + dw[:2], svc.intercept_[0] + dw[2]) >= best - 1e-9
    assert svm.LinearSVC().loss == "squared_hinge"
    # LinearSVC penalises the intercept (as a weight times intercept_scaling)
    lin = svm.LinearSVC(loss="hinge", C=C_, max_iter=100_000, tol=1e-8).fit(X, y)
    assert objective(lin.coef_[0], lin.intercept_[0]) > 2 * best
    lin = svm.LinearSVC(loss="hinge", C=C_, intercept_scaling=100, max_iter=100_000,
                        tol=1e-8).fit(X, y)
    assert objective(lin.coef_[0], lin.intercept_[0]) == pytest.approx(best, rel=1e-3)


def test_sgd_classifier_alpha_and_which_losses_give_probabilities():
    X, y = _blobs()
    assert linear_model.SGDClassifier().loss == "hinge"
    assert linear_model.SGDClassifier().alpha == 1e-4
    for loss, has_proba in [("hinge", False), ("squared_hinge", False), ("perceptron", False),
                            ("log_loss", True), ("modified_huber", True)]:
        clf = linear_model.SGDClassifier(loss=loss, random_state=0).fit(X, y)
        assert hasattr(clf, "predict_proba") == has_proba, loss


def test_ridge_alpha_is_n_times_the_l2_of_the_mean_loss():
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    l2 = 0.2
    ridge = linear_model.Ridge(alpha=len(y) * l2).fit(X, y)
    w, b = lossbook.fit_ridge(X, y, l2=l2)        # mean squared error + l2 |w|^2
    close(ridge.coef_, w, rtol=1e-8)
    close(ridge.intercept_, b, rtol=1e-8)


def test_mlp_regressor_alpha_is_scaled_by_the_batch():
    X, y = rng.normal(size=(40, 2)), rng.normal(size=40)
    alpha = 0.5
    mlp = MLPRegressor(hidden_layer_sizes=(3,), solver="lbfgs", alpha=alpha, max_iter=200,
                       random_state=0)
    mlp.fit(X, y)
    half_mse = 0.5 * np.mean((mlp.predict(X) - y) ** 2)
    penalty = 0.5 * alpha * sum(np.sum(c ** 2) for c in mlp.coefs_) / len(y)
    close(mlp.loss_, half_mse + penalty, rtol=1e-6)


def test_keras_l2_regularizer_adds_l2_times_the_sum_of_squares(keras):
    w = rng.normal(size=(3, 2))
    close(keras.regularizers.L2(0.3)(w), 0.3 * np.sum(w ** 2), rtol=1e-6)
    layer = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.3))
    assert layer.bias_regularizer is None          # the bias is not penalised by default


# --------------------------------------------------------------------------
# Weight decay in PyTorch
# --------------------------------------------------------------------------


def _steps(torch, make_opt, penalty=0.0, steps=5, bias_group=False):
    """Train a linear layer on a fixed regression; return its weight and bias."""
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 1).double()
    X = t64(torch, np.sin(np.arange(48.0)).reshape(16, 3))
    y = t64(torch, np.linspace(-1, 1, 16)[:, None])
    if bias_group:
        params = [{"params": [layer.weight]}, {"params": [layer.bias], "weight_decay": 0.0}]
    else:
        params = layer.parameters()
    opt = make_opt(params)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(layer(X), y)
        loss = loss + penalty / 2 * (layer.weight.pow(2).sum() + layer.bias.pow(2).sum())
        loss.backward()
        opt.step()
    return value(layer.weight), value(layer.bias)


def test_sgd_weight_decay_is_an_l2_penalty_on_every_parameter(torch):
    wd = 0.3
    decayed = _steps(torch, lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=wd))
    penalised = _steps(torch, lambda p: torch.optim.SGD(p, lr=0.1), penalty=wd)
    close(decayed[0], penalised[0], rtol=1e-12)
    close(decayed[1], penalised[1], rtol=1e-12)        # the bias is decayed too


def test_weight_decay_zero_in_a_group_spares_the_bias(torch):
    wd = 0.3
    plain = _steps(torch, lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=wd))
    spared = _steps(torch, lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=wd),
                    bias_group=True)
    assert not np.allclose(plain[1], spared[1])


def test_adam_weight_decay_is_an_l2_penalty(torch):
    wd = 0.3
    decayed = _steps(torch, lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=wd))
    penalised = _steps(torch, lambda p: torch.optim.Adam(p, lr=0.01), penalty=wd)
    close(decayed[0], penalised[0], rtol=1e-10)
    close(decayed[1], penalised[1], rtol=1e-10)


def test_adamw_decay_matches_no_penalty(torch):
    wd = 0.3
    adamw = _steps(torch, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=wd))
    adam_l2 = _steps(torch, lambda p: torch.optim.Adam(p, lr=0.01), penalty=wd)
    assert not np.allclose(adamw[0], adam_l2[0], rtol=1e-6)
    # one step of AdamW: shrink by (1 - lr * wd), then the plain Adam step
    one_adamw = _steps(torch, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=wd), steps=1)
    one_adam = _steps(torch, lambda p: torch.optim.Adam(p, lr=0.01), steps=1)
    start = _steps(torch, lambda p: torch.optim.SGD(p, lr=0.0), steps=1)
    close(one_adamw[0], (1 - 0.01 * wd) * start[0] + (one_adam[0] - start[0]), rtol=1e-10)


# --------------------------------------------------------------------------
# Training loops
# --------------------------------------------------------------------------


def test_keras_early_stopping_compares_with_the_last_improving_epoch(keras):
    defaults = keras.callbacks.EarlyStopping()
    assert (defaults.patience, defaults.min_delta, defaults.monitor) == (0, 0, "val_loss")
    assert defaults.restore_best_weights is False
    mlp, sgd = MLPRegressor(), linear_model.SGDRegressor()
    assert (mlp.early_stopping, mlp.n_iter_no_change, mlp.tol) == (False, 10, 1e-4)
    assert (sgd.early_stopping, sgd.n_iter_no_change, sgd.tol) == (False, 5, 1e-3)
    assert mlp.validation_fraction == sgd.validation_fraction == 0.1
    losses = [1.0, 0.95, 0.935, 0.92, 0.93, 0.94]
    assert keras_early_stopping(keras, losses, 2, 0.02) == (5, 3)
    assert lossbook.early_stopping_epoch(losses, 2, 0.02) == (5, 3)
    # an epoch that improves by exactly min_delta does not count (strictly below)
    assert keras_early_stopping(keras, [1.0, 0.75], 1, 0.25) == (1, 0)


def test_mlp_early_stopping_stops_one_epoch_after_the_keras_rule():
    """n_iter_no_change=k in an MLP acts like Keras's patience=k + 1 (chapter 7)."""
    from sklearn.preprocessing import StandardScaler

    from lossbook.figures.overfitting import diabetes_split

    X_pool, y_pool, _, _ = diabetes_split()
    X = StandardScaler().fit_transform(X_pool)
    for seed in range(4):
        for k in (3, 10):
            mlp = MLPRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=500,
                               early_stopping=True, validation_fraction=0.2,
                               n_iter_no_change=k, tol=1e-4, random_state=seed).fit(X, y_pool)
            scores = -np.array(mlp.validation_scores_)
            stop, _ = lossbook.early_stopping_epoch(scores, patience=k + 1, min_delta=1e-4)
            assert stop is not None and stop + 1 == mlp.n_iter_
            stop_k, _ = lossbook.early_stopping_epoch(scores, patience=k, min_delta=1e-4)
            assert stop_k + 1 < mlp.n_iter_


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("k", [1, 3])
def test_sgd_stops_when_its_count_reaches_n_iter_no_change_and_the_mlp_when_it_exceeds_it(
        early_stopping, k):
    """With an impossible tol only the first epoch improves: SGD then runs k more
    epochs (Keras's rule), an MLP k + 1 more; with early stopping off they watch
    the training loss, with it on the validation score."""
    import warnings

    X = np.sin(np.arange(150.0)).reshape(50, 3)
    y = X @ np.array([1.0, 2.0, 3.0])
    settings = dict(tol=1e9, n_iter_no_change=k, early_stopping=early_stopping, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sgd = linear_model.SGDRegressor(**settings).fit(X, y)
        mlp = MLPRegressor(max_iter=50, **settings).fit(X, y)
    assert sgd.n_iter_ == 1 + k
    assert mlp.n_iter_ == 1 + k + 1


def test_keras_loss_includes_the_penalty_and_metrics_leave_it_out(keras):
    keras.utils.set_random_seed(0)
    X = np.sin(np.arange(24.0)).reshape(12, 2).astype("float32")
    y = np.cos(np.arange(12.0)).astype("float32")[:, None]
    model = keras.Sequential([keras.Input((2,)),
                              keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.5))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mse"])
    loss, metric = model.evaluate(X, y, verbose=0)
    mse = np.mean((value(model(X)) - y) ** 2)
    kernel = value(model.layers[0].kernel)
    assert metric == pytest.approx(mse, rel=1e-5)
    assert loss == pytest.approx(mse + 0.5 * np.sum(kernel ** 2), rel=1e-5)


def test_keras_validation_split_takes_the_last_samples(keras):
    keras.utils.set_random_seed(0)
    X = np.zeros((8, 1), dtype="float32")
    y = np.array([0, 0, 0, 0, 0, 0, 2, 2], dtype="float32")[:, None]  # the last quarter differs
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros",
                                                                    bias_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(X, y, validation_split=0.25, epochs=1, shuffle=True, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(4.0)   # the two samples with y = 2
    assert history.history["loss"][0] == pytest.approx(0.0)


def test_keras_history_loss_is_the_mean_over_the_epochs_batches(keras):
    keras.utils.set_random_seed(0)
    X = rng.normal(size=(32, 2)).astype("float32")
    y = (X @ np.array([1.0, -2.0]) + 0.5).astype("float32")[:, None]
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    batch_losses = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rows = slice(8 * batch, 8 * batch + 8)
            batch_losses.append(float(np.mean((value(model(X[rows])) - y[rows]) ** 2)))

    history = model.fit(X, y, batch_size=8, epochs=1, shuffle=False, verbose=0,
                        callbacks=[Record()])
    assert len(batch_losses) == 4
    assert history.history["loss"][0] == pytest.approx(np.mean(batch_losses), rel=1e-5)
    at_the_end = model.evaluate(X, y, verbose=0)
    assert abs(history.history["loss"][0] - at_the_end) > 0.1 * at_the_end

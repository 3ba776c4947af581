"""lossbook.models against independent computations.

Polynomial features against NumPy's Legendre and power bases, ridge fits
against scikit-learn, gradient descent against its converged solutions
(closed-form least squares, scikit-learn's LogisticRegression), against
single steps worked by hand, and the loop against the loop-free exact path.
"""

from __future__ import annotations

import numpy as np
import pytest

from lossbook import fit_ridge, mse_gd_path, polynomial_features, sigmoid, train_gd
from lossbook.models import TRAIN_LOSSES


def _data(seed=0, n=30, p=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ np.arange(1.0, p + 1) - 0.5 + 0.3 * rng.normal(size=n)
    return X, y


# --------------------------------------------------------------------------
# polynomial_features
# --------------------------------------------------------------------------


def test_monomial_features_are_the_powers_of_x():
    x = np.linspace(-2, 3, 7)
    np.testing.assert_allclose(polynomial_features(x, 4, basis="monomial"),
                               np.vander(x, 5, increasing=True)[:, 1:])


def test_legendre_features_are_scaled_legendre_polynomials():
    x = np.linspace(-1, 1, 9)
    feats = polynomial_features(x, 5)
    for k in range(1, 6):
        P_k = np.polynomial.Legendre.basis(k)(x)
        np.testing.assert_allclose(feats[:, k - 1], np.sqrt(2 * k + 1) * P_k, atol=1e-12)


def test_legendre_features_are_orthonormal_on_the_interval():
    # Gauss-Legendre quadrature integrates these products exactly: mean over [-1, 1]
    nodes, weights = np.polynomial.legendre.leggauss(30)
    feats = polynomial_features(nodes, 8)
    gram = (feats * weights[:, None]).T @ feats / 2.0
    np.testing.assert_allclose(gram, np.eye(8), atol=1e-12)


def test_both_bases_span_the_same_polynomials():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 25)
    y = np.cos(3 * x) + 0.1 * rng.normal(size=25)
    grid = np.linspace(-1, 1, 11)
    fits = []
    for basis in ("legendre", "monomial"):
        w, b = fit_ridge(polynomial_features(x, 6, basis=basis), y)
        fits.append(polynomial_features(grid, 6, basis=basis) @ w + b)
    reference = np.polynomial.Polynomial.fit(x, y, 6)(grid)
    np.testing.assert_allclose(fits[0], reference, atol=1e-8)
    np.testing.assert_allclose(fits[1], reference, atol=1e-8)


def test_degree_zero_has_no_columns():
    assert polynomial_features([0.1, 0.2], 0).shape == (2, 0)


@pytest.mark.parametrize("args, kwargs, message", [
    (([0.0, 1.5], 3), {}, r"\[-1, 1\]"),
    (([[0.0, 0.5]], 3), {}, "1-D"),
    (([0.0, 0.5], -1), {}, "whole number"),
    (([0.0, 0.5], 2.5), {}, "whole number"),
    (([0.0, 0.5], 2), {"basis": "chebyshev"}, "unknown basis"),
    (([0.0, np.nan], 2), {}, "NaN"),
])
def test_polynomial_features_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        polynomial_features(*args, **kwargs)


# --------------------------------------------------------------------------
# fit_ridge
# --------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.01, 1.0])
def test_fit_ridge_matches_scikit_learn(l2):
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y = _data()
    w, b = fit_ridge(X, y, l2=l2)
    ref = (linear_model.LinearRegression() if l2 == 0
           else linear_model.Ridge(alpha=len(y) * l2)).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b, ref.intercept_, rtol=1e-10, atol=1e-12)


def test_fit_ridge_with_more_features_than_samples_gives_the_minimum_norm_fit():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(5, 9)), rng.normal(size=5)
    w, b = fit_ridge(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    np.testing.assert_allclose(w, np.linalg.pinv(Xc) @ yc, atol=1e-10)
    np.testing.assert_allclose(X @ w + b, y, atol=1e-10)   # interpolates


def test_fit_ridge_without_features_predicts_the_mean():
    w, b = fit_ridge(np.zeros((3, 0)), [1.0, 2.0, 6.0])
    assert w.shape == (0,) and b == pytest.approx(3.0)


@pytest.mark.parametrize("X, y, l2, message", [
    (np.zeros(4), np.zeros(4), 0.0, "2-D"),
    (np.zeros((4, 2)), np.zeros(3), 0.0, "shape"),
    (np.zeros((4, 2)), np.zeros(4), -1.0, "l2"),
    (np.zeros((0, 2)), np.zeros(0), 0.0, "no samples"),
])
def test_fit_ridge_bad_input(X, y, l2, message):
    with pytest.raises(ValueError, match=message):
        fit_ridge(X, y, l2)


# --------------------------------------------------------------------------
# train_gd
# --------------------------------------------------------------------------


def test_gradient_descent_on_mse_converges_to_the_ridge_solution():
    X, y = _data()
    for l2 in (0.0, 0.1):
        hist = train_gd(X, y, loss="mse", lr=0.1, num_epochs=3000, l2=l2)
        w, b = fit_ridge(X, y, l2)
        np.testing.assert_allclose(hist.w, w, atol=1e-9)
        assert hist.b == pytest.approx(b, abs=1e-9)


def test_gradient_descent_on_bce_converges_to_scikit_learns_logistic_regression():
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 2))
    labels = (X @ [1.5, -1.0] + 0.3 * rng.normal(size=80) > 0).astype(float)
    l2 = 0.05
    hist = train_gd(X, labels, loss="bce", lr=1.0, num_epochs=3000, l2=l2)
    # scikit-learn minimises C * sum(log loss) + ||w||^2 / 2 = C n (mean + ||w||^2 / (2 C n))
    ref = linear_model.LogisticRegression(C=1 / (2 * len(labels) * l2), tol=1e-12,
                                          max_iter=10_000).fit(X, labels)
    np.testing.assert_allclose(hist.w, ref.coef_.ravel(), atol=1e-6)
    assert hist.b == pytest.approx(ref.intercept_[0], abs=1e-6)
    np.testing.assert_allclose(hist.predict(X), ref.predict_proba(X)[:, 1], atol=1e-6)


def test_one_step_of_each_loss_by_hand():
    X = np.array([[1.0], [2.0]])
    y = np.array([3.0, -1.0])
    # from w = 0, b = 0 the residuals are -y = (-3, 1)
    # mse: g = 2 r / n = (-3, 1); w -= lr * X^T g = -(1*-3 + 2*1) = 1; b -= lr * (-2) = 2
    hist = train_gd(X, y, loss="mse", lr=1.0, num_epochs=1)
    assert hist.w[0] == pytest.approx(1.0) and hist.b == pytest.approx(2.0)
    # mae: g = sign(r) / n = (-0.5, 0.5): w -= -0.5 + 1 -> -0.5; b -= 0 -> 0
    hist = train_gd(X, y, loss="mae", lr=1.0, num_epochs=1)
    assert hist.w[0] == pytest.approx(-0.5) and hist.b == pytest.approx(0.0)
    # huber, delta 2: g = clip(r, -2, 2) / n = (-1, 0.5): w -= -1 + 1 -> 0; b -= -0.5 -> 0.5
    hist = train_gd(X, y, loss="huber", delta=2.0, lr=1.0, num_epochs=1)
    assert hist.w[0] == pytest.approx(0.0) and hist.b == pytest.approx(0.5)
    # hinge with labels (+1, -1): both margins 0 <= 1, g = -y / n = (-0.5, 0.5)
    labels = np.array([1.0, -1.0])
    hist = train_gd(X, labels, loss="hinge", lr=1.0, num_epochs=1)
    assert hist.w[0] == pytest.approx(-(1 * -0.5 + 2 * 0.5)) and hist.b == pytest.approx(0.0)
    # bce with labels (1, 0) from logits 0: g = (0.5 - y) / n = (-0.25, 0.25)
    hist = train_gd(X, np.array([1.0, 0.0]), loss="bce", lr=1.0, num_epochs=1)
    assert hist.w[0] == pytest.approx(-(-0.25 + 0.5)) and hist.b == pytest.approx(0.0)


def test_the_sigmoid_mse_step_follows_the_finite_difference_gradient():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(6, 2))
    labels = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    w0, b0, lr = np.array([-2.0, 1.0]), 0.5, 0.1

    def loss(w, b):
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        return np.mean((p - labels) ** 2)

    h = 1e-6
    gw = np.array([(loss(w0 + h * e, b0) - loss(w0 - h * e, b0)) / (2 * h) for e in np.eye(2)])
    gb = (loss(w0, b0 + h) - loss(w0, b0 - h)) / (2 * h)
    hist = train_gd(X, labels, loss="sigmoid_mse", lr=lr, num_epochs=1, w0=w0, b0=b0)
    np.testing.assert_allclose(hist.w, w0 - lr * gw, atol=1e-9)
    assert hist.b == pytest.approx(b0 - lr * gb, abs=1e-9)
    assert hist.train_loss[0] == pytest.approx(loss(hist.w, hist.b))
    np.testing.assert_allclose(hist.predict(X), sigmoid(X @ hist.w + hist.b))


def test_recorded_losses_are_those_after_each_epoch():
    X, y = _data(n=10)
    X_val, y_val = _data(seed=9, n=7)
    hist = train_gd(X, y, lr=0.05, num_epochs=5, X_val=X_val, y_val=y_val)
    for k in range(5):
        w, b = hist.weights[k], hist.biases[k]
        assert hist.train_loss[k] == pytest.approx(np.mean((X @ w + b - y) ** 2))
        assert hist.val_loss[k] == pytest.approx(np.mean((X_val @ w + b - y_val) ** 2))
    np.testing.assert_array_equal(hist.epochs, [1, 2, 3, 4, 5])
    np.testing.assert_allclose(hist.decision_function(X, epoch=2), X @ hist.weights[1] + hist.biases[1])


def test_mini_batches_are_seeded_and_a_full_batch_is_one_step():
    X, y = _data(n=40)
    full = train_gd(X, y, lr=0.05, num_epochs=20)
    whole = train_gd(X, y, lr=0.05, num_epochs=20, batch_size=40)
    np.testing.assert_allclose(full.weights, whole.weights)
    a = train_gd(X, y, lr=0.05, num_epochs=20, batch_size=8, seed=1)
    b = train_gd(X, y, lr=0.05, num_epochs=20, batch_size=8, seed=1)
    c = train_gd(X, y, lr=0.05, num_epochs=20, batch_size=8, seed=2)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(a.weights, c.weights)
    assert a.train_loss[-1] < 0.2 and a.train_loss[-1] < full.train_loss[-1]   # 5 steps per epoch


def test_a_too_large_learning_rate_is_reported():
    X, y = _data()
    with pytest.raises(ValueError, match="diverged.*lr=100"):
        train_gd(X, y, lr=100.0, num_epochs=200)


@pytest.mark.parametrize("kwargs, message", [
    ({"loss": "cross_entropy"}, "unknown loss"),
    ({"lr": 0.0}, "lr must be a positive"),
    ({"num_epochs": 0}, "num_epochs"),
    ({"l2": -0.1}, "l2"),
    ({"batch_size": 0}, "batch_size"),
    ({"w0": [0.0, 0.0]}, r"w0 must have shape \(3,\)"),
    ({"X_val": np.zeros((2, 3))}, "both X_val and y_val"),
    ({"X_val": np.zeros((2, 2)), "y_val": np.zeros(2)}, "features"),
    ({"loss": "huber", "delta": 0.0}, "delta"),
])
def test_train_gd_bad_arguments(kwargs, message):
    X, y = _data()
    with pytest.raises(ValueError, match=message):
        train_gd(X, y, **kwargs)


def test_train_gd_refuses_labels_that_do_not_suit_the_loss():
    X = np.zeros((3, 1))
    with pytest.raises(ValueError, match="targets in \\[0, 1\\]"):
        train_gd(X, [0.0, 1.0, 2.0], loss="bce")
    with pytest.raises(ValueError, match="2 \\* y_true - 1"):
        train_gd(X, [0.0, 1.0, 1.0], loss="hinge")


def test_history_checks_its_arguments():
    X, y = _data()
    hist = train_gd(X, y, num_epochs=3)
    with pytest.raises(ValueError, match="epoch must be a whole number from 1 to 3"):
        hist.predict(X, epoch=0)
    with pytest.raises(ValueError, match="features"):
        hist.predict(X[:, :2])


def test_the_losses_are_documented():
    assert set(TRAIN_LOSSES) == {"mse", "mae", "huber", "bce", "sigmoid_mse", "hinge"}


# --------------------------------------------------------------------------
# mse_gd_path
# --------------------------------------------------------------------------


@pytest.mark.parametrize("l2, start", [(0.0, False), (0.05, False), (0.0, True), (0.3, True)])
def test_the_exact_path_equals_the_loop(l2, start):
    X, y = _data(n=12, p=5)
    X_val, y_val = _data(seed=5, n=9, p=5)
    rng = np.random.default_rng(6)
    w0, b0 = (rng.normal(size=5), 1.5) if start else (None, 0.0)
    loop = train_gd(X, y, lr=0.08, num_epochs=150, l2=l2, w0=w0, b0=b0, X_val=X_val, y_val=y_val)
    path = mse_gd_path(X, y, lr=0.08, num_epochs=150, l2=l2, w0=w0, b0=b0, X_val=X_val, y_val=y_val)
    np.testing.assert_allclose(path.weights, loop.weights, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(path.biases, loop.biases, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(path.train_loss, loop.train_loss, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(path.val_loss, loop.val_loss, rtol=1e-8, atol=1e-12)


def test_the_exact_path_in_the_oscillating_regime():
    # 1 <= lr * h_max < 2: the fastest direction overshoots every step but still converges
    X, y = _data(n=15, p=2)
    Xa = np.c_[np.ones(15), X]
    lr = 1.6 / np.linalg.eigvalsh(2 * Xa.T @ Xa / 15).max()
    loop = train_gd(X, y, lr=lr, num_epochs=60)
    path = mse_gd_path(X, y, lr=lr, num_epochs=60)
    np.testing.assert_allclose(path.weights, loop.weights, rtol=1e-9, atol=1e-11)


def test_the_exact_path_with_more_parameters_than_samples():
    # singular curvature: the null-space directions keep their starting values
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(4, 8)), rng.normal(size=4)
    w0 = rng.normal(size=8)
    loop = train_gd(X, y, lr=0.02, num_epochs=400, w0=w0)
    path = mse_gd_path(X, y, lr=0.02, num_epochs=400, w0=w0)
    np.testing.assert_allclose(path.weights, loop.weights, rtol=1e-8, atol=1e-10)
    assert path.train_loss[-1] < 1e-6    # it interpolates


def test_the_exact_path_reaches_least_squares():
    X, y = _data()
    path = mse_gd_path(X, y, lr=0.1, num_epochs=5000)
    coef = np.linalg.lstsq(np.c_[np.ones(len(y)), X], y, rcond=None)[0]
    np.testing.assert_allclose(path.w, coef[1:], atol=1e-9)
    assert path.b == pytest.approx(coef[0], abs=1e-9)


def test_the_exact_path_refuses_a_diverging_learning_rate():
    X, y = _data()
    with pytest.raises(ValueError, match="too large.*Use lr <="):
        mse_gd_path(X, y, lr=10.0, num_epochs=10)


def test_the_exact_path_is_fast_for_long_runs():
    import time

    X, y = _data(n=20, p=15)
    start = time.perf_counter()
    mse_gd_path(X, y, lr=0.01, num_epochs=10_000, X_val=X, y_val=y)
    assert time.perf_counter() - start < 1.0

"""Figures of chapter 8 and the library facts it states.

The measured claims of the chapter (the vanishing gradient, the slow escape
from a confidently wrong start, least squares pulled by easy points, the
totals predicted by each loss) are checked against independent computations:
closed forms, scikit-learn's estimators, and plain NumPy loops. The library
notes are checked against PyTorch and Keras where they are installed, and
against the installed scikit-learn.
"""

from __future__ import annotations

import hashlib

import matplotlib
import numpy as np
import pytest

import lossbook as lb
from lossbook.figures import choosing as figs
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def wrong_start():
    return figs.WrongStartDemo()


@pytest.fixture(scope="module")
def far():
    return figs.FarClusterDemo()


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------


def test_two_blobs_are_seeded_and_centred_where_documented():
    X, labels = figs.two_blobs(n=20_000, seed=5)
    np.testing.assert_allclose(X[labels == 1].mean(axis=0), [1, 1], atol=0.03)
    np.testing.assert_allclose(X[labels == 0].mean(axis=0), [-1, -1], atol=0.03)
    np.testing.assert_allclose(X[labels == 0].std(axis=0), [1, 1], atol=0.03)
    # Bayes error of the line x1 + x2 = 0: P(N(0, 2) > 2) = 7.9 %
    wrong = np.mean((X.sum(axis=1) > 0) != (labels == 1))
    assert wrong == pytest.approx(0.0786, abs=0.006)
    a, b = figs.two_blobs(), figs.two_blobs()
    np.testing.assert_array_equal(a[0], b[0])


def test_far_cluster_sits_where_documented():
    X, labels, is_far = figs.blobs_with_far_cluster(6.0, n=2000, n_far=2000)
    np.testing.assert_allclose(X[is_far].mean(axis=0), [7.5, -6.5], atol=0.05)
    assert np.all(labels[is_far] == 1)


def test_claim_costs_mean_over_median():
    # for a fixed risk score the mean/median ratio of a log-normal is e^(sigma^2 / 2)
    x, cost = figs.claim_costs(n=200_000, sigma=1.0, seed=3)
    near = np.abs(x - 0.5) < 0.02
    ratio = cost[near].mean() / np.median(cost[near])
    assert ratio == pytest.approx(np.exp(0.5), rel=0.05)


@pytest.mark.parametrize("call, message", [
    (lambda: figs.two_blobs(n=1), "n must be"),
    (lambda: figs.two_blobs(spread=0.0), "spread"),
    (lambda: figs.blobs_with_far_cluster(-1.0), "distance"),
    (lambda: figs.claim_costs(sigma=-1.0), "sigma"),
])
def test_generators_refuse_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------
# the vanishing gradient
# --------------------------------------------------------------------------


def test_logit_gradients_against_finite_differences():
    z = np.linspace(-9, 5, 29)
    bce, smse = figs.logit_gradients(z)
    h = 1e-6
    losses = figs.pairing_losses
    fd_bce = (losses(z + h)["bce"] - losses(z - h)["bce"]) / (2 * h)
    fd_smse = (losses(z + h)["sigmoid_mse"] - losses(z - h)["sigmoid_mse"]) / (2 * h)
    np.testing.assert_allclose(bce, fd_bce, atol=1e-8)
    np.testing.assert_allclose(smse, fd_smse, atol=1e-8)
    # the ratio the chapter states: 1 / (2 sigma (1 - sigma)), >= 2, e^|z| / 2 far out
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(bce / smse, 1 / (2 * p * (1 - p)), rtol=1e-10)
    assert np.all(bce / smse >= 2 - 1e-12)


def test_pairing_losses_by_hand():
    values = figs.pairing_losses(np.array([-2.0, 1.0, 3.0]))
    np.testing.assert_allclose(values["bce"], np.log1p(np.exp([2.0, -1.0, -3.0])))
    np.testing.assert_allclose(values["hinge"], [3.0, 0.0, 0.0])
    np.testing.assert_allclose(values["raw_mse"], [9.0, 0.0, 4.0])   # punishes z = 3
    assert values["sigmoid_mse"].max() <= 1.0


def test_the_wrong_start_is_as_wrong_as_stated(wrong_start):
    for s in wrong_start.starts:
        w0 = wrong_start.start_weights[s]
        logits = wrong_start.X @ w0
        signs = np.where(wrong_start.labels == 1, 1.0, -1.0)
        assert np.median(np.abs(logits)) == pytest.approx(s)
        if s > 0:
            assert np.mean(signs * logits < 0) > 0.9     # almost all on the wrong side


def test_both_losses_reach_the_same_accuracy_but_at_very_different_speeds(wrong_start):
    e = {s: (wrong_start.epochs_to_accuracy(s, "bce"), wrong_start.epochs_to_accuracy(s, "sigmoid_mse"))
         for s in wrong_start.starts}
    assert e[0.0] == (1, 1)
    for s in wrong_start.starts[1:]:
        assert e[s][1] > 3 * e[s][0]
    slow = [e[s][1] for s in wrong_start.starts]
    assert slow == sorted(slow) and slow[-1] > 500 and e[10.0][0] <= 20
    for s in wrong_start.starts:
        a_bce = wrong_start.accuracy(s, "bce")[-1]
        a_mse = wrong_start.accuracy(s, "sigmoid_mse")[-1]
        assert abs(a_bce - a_mse) <= 0.01 and a_bce > 0.9


def test_the_runs_are_plain_gradient_descent(wrong_start):
    """An independent loop on the squared error through the sigmoid, start 6, 25 epochs."""
    X, labels = wrong_start.X, wrong_start.labels
    w, b = wrong_start.start_weights[6.0].copy(), 0.0
    for _ in range(25):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        g = 2 * (p - labels) * p * (1 - p) / len(labels)
        w, b = w - 0.5 * X.T @ g, b - 0.5 * g.sum()
    hist = wrong_start.runs[6.0, "sigmoid_mse"]
    np.testing.assert_allclose(hist.weights[24], w, rtol=1e-10)
    acc = np.mean(((X @ w + b) > 0) == (labels == 1))
    assert wrong_start.accuracy(6.0, "sigmoid_mse")[24] == pytest.approx(acc)


def test_initial_gradient_norms_by_hand(wrong_start):
    X, labels = wrong_start.X, wrong_start.labels
    p = 1 / (1 + np.exp(-(X @ wrong_start.start_weights[6.0])))
    n = len(labels)
    g_bce = np.r_[X.T @ (p - labels), (p - labels).sum()] / n
    norms = wrong_start.initial_gradient_norms(6.0)
    assert norms["bce"] == pytest.approx(np.linalg.norm(g_bce))
    assert norms["bce"] > 50 * norms["sigmoid_mse"]


# --------------------------------------------------------------------------
# a regression loss for classification
# --------------------------------------------------------------------------


def test_least_squares_fit_is_scikit_learns(far):
    linear_model = pytest.importorskip("sklearn.linear_model")
    for d in far.distances:
        X, labels, _ = far.data[d]
        ref = linear_model.LinearRegression().fit(X, labels)
        w, b = far.fits[d, "least_squares"]
        np.testing.assert_allclose(w, ref.coef_, atol=1e-10)
        assert b == pytest.approx(ref.intercept_)


def test_logistic_fit_agrees_with_scikit_learn(far):
    linear_model = pytest.importorskip("sklearn.linear_model")
    for d in far.distances:
        X, labels, _ = far.data[d]
        # the demo's penalty 1e-3 ||w||^2 on the mean loss is C = 1 / (2 n 1e-3)
        ref = linear_model.LogisticRegression(C=1 / (2 * len(labels) * 1e-3), max_iter=10_000,
                                              tol=1e-10).fit(X, labels)
        assert far.accuracy(d, "logistic") == pytest.approx(ref.score(X, labels), abs=1 / len(labels))


def test_easy_points_pull_least_squares_but_not_logistic_regression(far):
    ls = [far.errors(d, "least_squares") for d in far.distances]
    lr = [far.errors(d, "logistic") for d in far.distances]
    assert len(set(lr)) == 1
    assert ls[-1] >= 4 * lr[-1] and ls[-1] == max(ls)
    # and the least-squares outputs are not probabilities
    assert all(far.outside_unit_interval(d) > 0.1 for d in far.distances)


# --------------------------------------------------------------------------
# outliers
# --------------------------------------------------------------------------


def test_mae_underprices_real_large_costs():
    from lossbook.fitting import fit_line

    x, cost = figs.claim_costs()
    x_new, cost_new = figs.claim_costs(n=100_000, seed=1)
    totals = {}
    for loss in ("mse", "mae"):
        slope, intercept = fit_line(x, cost, loss)
        totals[loss] = np.sum(intercept + slope * x_new) / np.sum(cost_new)
    assert abs(totals["mse"] - 1) < 0.05
    # the chapter: MAE predicts 60.8 % of the total, so an insurer loses about two-fifths
    assert f"{totals['mae']:.1%}" == "60.8%"
    assert 0.35 < 1 - totals["mae"] < 0.45
    # least squares with an intercept matches the training total exactly
    intercept, slope = np.polynomial.polynomial.polyfit(x, cost, 1)
    assert np.sum(intercept + slope * x) == pytest.approx(np.sum(cost))
    assert fit_line(x, cost, "mse") == pytest.approx((slope, intercept))


def test_sigmoid_squared_error_gradient_peaks_at_minus_ln_2():
    """The figure's alt text: the peak is at z = -ln 2, of height 8/27."""
    z = np.linspace(-10, 6, 160_001)
    bce, smse = figs.logit_gradients(z)
    peak = np.argmax(np.abs(smse))
    assert z[peak] == pytest.approx(-np.log(2), abs=1e-3)
    assert abs(smse[peak]) == pytest.approx(8 / 27, rel=1e-6)
    at_ten = figs.logit_gradients(np.array([-10.0]))
    assert abs(at_ten[1][0]) < 1e-4 and abs(at_ten[0][0] / at_ten[1][0]) > 10_000


def test_the_brier_score_is_strictly_proper():
    """A squared error on probabilities is minimised by the true probability, as log-loss is."""
    from sklearn.metrics import brier_score_loss, log_loss

    q = np.linspace(0.01, 0.99, 99)
    for p in (0.1, 0.3, 0.8):
        # expected score when y = 1 with probability p: the data weighted by p and 1 - p
        brier = [brier_score_loss([1, 0], [qi, qi], sample_weight=[p, 1 - p]) for qi in q]
        logl = [log_loss([1, 0], [qi, qi], sample_weight=[p, 1 - p], labels=[0, 1]) for qi in q]
        assert q[np.argmin(brier)] == pytest.approx(p)
        assert q[np.argmin(logl)] == pytest.approx(p)


# --------------------------------------------------------------------------
# library notes
# --------------------------------------------------------------------------


def test_float32_sigmoid_saturates_where_the_chapter_says():
    z = np.float32(20.0)
    p = np.float32(1) / (np.float32(1) + np.exp(-z))
    assert p == 1 and p * (np.float32(1) - p) == 0
    assert lb.binary_cross_entropy([0.0], [p]) == 100.0
    assert lb.binary_cross_entropy_with_logits([0.0], [20.0]) == pytest.approx(20.0)
    # below about 17 the float32 sigmoid is still below 1
    assert np.float32(1) / (np.float32(1) + np.exp(-np.float32(16.0))) < 1


def test_double_softmax_floor():
    for c in (3, 10, 100):
        logits = np.zeros((1, c))
        logits[0, 0] = 50.0
        floor = np.log(1 + (c - 1) / np.e)
        assert lb.cross_entropy([0], lb.softmax(logits)) == pytest.approx(floor, rel=1e-9)


def test_pytorch_claims():
    torch = pytest.importorskip("torch")
    z = torch.tensor([20.0], requires_grad=True)
    loss = torch.nn.BCELoss()(torch.sigmoid(z), torch.tensor([0.0]))
    loss.backward()
    assert loss.item() == 100.0 and z.grad.item() == 0.0
    z = torch.tensor([20.0], requires_grad=True)
    loss = torch.nn.BCEWithLogitsLoss()(z, torch.tensor([0.0]))
    loss.backward()
    assert loss.item() == pytest.approx(20.0) and z.grad.item() == pytest.approx(1.0)
    logits = torch.zeros(1, 10, dtype=torch.float64)
    logits[0, 0] = 12.0
    double = torch.nn.CrossEntropyLoss()(torch.softmax(logits, dim=1), torch.tensor([0]))
    assert double.item() == pytest.approx(1.4612, abs=1e-4)
    with pytest.raises(RuntimeError):            # BCELoss refuses logits outside [0, 1]
        torch.nn.BCELoss()(torch.tensor([3.0]), torch.tensor([1.0]))


def test_keras_claims(keras):
    y, raw = np.array([[1.0], [1.0]]), np.array([[3.0], [-3.0]])
    clipped = keras.losses.BinaryCrossentropy(reduction=None)(y, raw)
    clipped = np.ravel(keras.ops.convert_to_numpy(clipped))
    assert clipped[0] < 1e-6 and clipped[1] == pytest.approx(-np.log(1e-7), rel=1e-3)
    right = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)(y, raw)
    np.testing.assert_allclose(np.ravel(keras.ops.convert_to_numpy(right)),
                               np.log1p(np.exp([-3.0, 3.0])), rtol=1e-5)
    assert keras.losses.BinaryCrossentropy().get_config()["from_logits"] is False


def test_scikit_learn_defaults_stated_in_the_chapter():
    sk_linear = pytest.importorskip("sklearn.linear_model")
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.neural_network import MLPRegressor
    from sklearn.svm import LinearSVC

    assert sk_linear.SGDClassifier().loss == "hinge"
    assert sk_linear.SGDRegressor().loss == "squared_error"
    assert LinearSVC().loss == "squared_hinge"
    assert sk_linear.QuantileRegressor().alpha == 1.0
    assert sk_linear.HuberRegressor().epsilon == 1.35
    assert sk_linear.LogisticRegression().C == 1.0
    assert not hasattr(sk_linear.SGDClassifier().fit([[0.0], [1.0]], [0, 1]), "predict_proba")
    options = HistGradientBoostingRegressor._parameter_constraints["loss"][0].options
    assert {"squared_error", "absolute_error", "gamma", "poisson", "quantile"} <= set(options)
    # MLPRegressor minimises half the squared error: its loss_ on a constant fit
    mlp = MLPRegressor(hidden_layer_sizes=(1,), max_iter=1, alpha=0.0, random_state=0,
                       learning_rate_init=1e-9, solver="sgd")
    X, target = np.zeros((4, 1)), np.array([0.0, 1.0, 2.0, 3.0])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp.fit(X, target)
    pred = mlp.predict(X)
    assert mlp.loss_ == pytest.approx(0.5 * np.mean((pred - target) ** 2), rel=1e-6)


# --------------------------------------------------------------------------
# figures and explorers
# --------------------------------------------------------------------------



@pytest.mark.parametrize("name", ["wrong_start", "far"])
def test_every_frame_differs_and_has_its_own_alt_text(name, request):
    explorer = request.getfixturevalue(name).explorer()
    pngs, alts, _ = xc.frames(explorer)
    assert len({hashlib.sha1(p).hexdigest() for p in pngs}) == len(pngs) <= 48
    assert len(set(alts)) == len(alts) and all(len(a) > 80 for a in alts)


@pytest.mark.parametrize("name", ["wrong_start", "far"])
def test_redraws_are_fast(name, request):
    explorer = request.getfixturevalue(name).explorer()
    xc.frames(explorer)
    _, _, times = xc.frames(explorer)
    xc.assert_fast(float(np.median(times)))


def test_static_figures_draw():
    import matplotlib.pyplot as plt

    from lossbook.data import regression_with_outliers
    from lossbook.fitting import fit_line

    for draw in (figs.draw_pairings, figs.draw_logit_gradients):
        fig = plt.figure()
        draw(fig)
        assert fig.axes and all(ax.lines for ax in fig.axes)
        plt.close(fig)
    x, y, bad = regression_with_outliers(seed=0)
    xc, cost = figs.claim_costs()
    fig = plt.figure(figsize=(8, 3.6))
    figs.draw_outlier_fits(fig, {"x": x, "y": y, "is_outlier": bad,
                                 "lines": {"MSE": fit_line(x, y, "mse")}},
                           {"x": xc, "cost": cost, "lines": {"MAE": fit_line(xc, cost, "mae")}})
    assert len(fig.axes) == 2
    plt.close(fig)


def test_demos_refuse_values_they_did_not_precompute(wrong_start, far):
    with pytest.raises(ValueError, match="not precomputed"):
        wrong_start.accuracy(5.0, "bce")
    with pytest.raises(ValueError, match="not precomputed"):
        wrong_start.accuracy(6.0, "hinge")
    with pytest.raises(ValueError, match="epochs go up to"):
        wrong_start.explorer(epochs=(1, 5000))
    with pytest.raises(ValueError, match="not precomputed"):
        far.accuracy(3.0, "logistic")

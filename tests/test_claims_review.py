"""Claims of chapters 1 to 8, their solutions, the glossary and the cheat sheet that a
second reading corrected or made precise: each is recomputed here, or asserted against
the library it is about (skipped, with the reason, when that library is missing)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize
from sklearn import metrics
from sklearn.linear_model import HuberRegressor

import lossbook as lb
from lossbook.data import regression_with_outliers
from lossbook.figures import hinge as fig05
from lossbook.figures import overfitting as fig07
from lossbook.fitting import fit_line
from test_libraries import torch  # noqa: F401  (the fixture: PyTorch, or a skip saying why)


# -- chapter 5: the explorer's counts, the hinge at the kink, Keras's CategoricalHinge --


def test_the_explorer_counts_misclassified_points_among_those_inside_the_margin():
    """'15 points inside the margin, 6 of them misclassified, mean loss 0.279' at angle 0,
    and '31 of the 40 points are inside the margin, 7 of them misclassified' at 120."""
    X, y = fig05.make_blobs()
    for angle, inside, wrong, mean_loss in ((0, 15, 6, 0.279), (120, 31, 7, None)):
        report = fig05.margin_report(X, y, angle, 0.0)
        assert report["inside"].sum() == inside
        assert report["misclassified"].sum() == wrong
        assert not np.any(report["misclassified"] & ~report["inside"])  # a subset
        if mean_loss is not None:
            assert round(report["mean_loss"], 3) == mean_loss


def test_at_the_kink_sklearn_and_torch_clamp_pick_minus_y_and_relu_picks_zero(torch):
    """Solution 5, question 7: at a margin of exactly 1, scikit-learn's SGD and PyTorch's
    autograd through torch.clamp(1 - y * f, min=0) give -y; through torch.relu, 0."""
    from sklearn.linear_model._sgd_fast import Hinge

    for label in (1.0, -1.0):
        assert Hinge(1.0).py_dloss(label, label) == -label   # (prediction, label)
        for hinge, expected in ((lambda m: torch.clamp(1 - m, min=0), -label),
                                (lambda m: torch.relu(1 - m), 0.0)):
            f = torch.tensor([label], dtype=torch.float64, requires_grad=True)
            hinge(label * f).sum().backward()
            assert f.grad.item() == expected
    assert lb.hinge_grad([1.0], [1.0])[0] == -1.0


def test_keras_categorical_hinge_is_never_below_crammer_singer(keras):
    """'It is never smaller than Crammer-Singer, and larger when every wrong score is
    negative and the true score is below 1.'"""
    rng = np.random.default_rng(0)
    scores = np.vstack([rng.normal(scale=2.0, size=(200, 3)),
                        [[0.5, -1.0, -2.0], [2.0, -1.0, -2.0], [3.2, 5.1, -1.7]]])
    onehot = np.zeros_like(scores)
    onehot[:, 0] = 1.0   # the true class is the first
    keras_value = np.asarray(keras.losses.CategoricalHinge(reduction=None)(onehot, scores))
    crammer_singer = np.maximum(0.0, 1.0 + scores[:, 1:].max(axis=1) - scores[:, 0])
    np.testing.assert_array_less(crammer_singer - 1e-6, keras_value)
    larger = keras_value > crammer_singer + 1e-6
    expected = (scores[:, 1:].max(axis=1) < 0) & (scores[:, 0] < 1)
    np.testing.assert_array_equal(larger, expected)
    assert expected.any() and (~expected).any()
    assert larger[-3] and not larger[-2] and not larger[-1]


def _svm_data():
    rng = np.random.default_rng(5)
    labels = np.where(np.arange(40) % 2 == 0, 1.0, -1.0)
    X = np.column_stack([1.2 * labels, 0.8 * labels]) + rng.standard_normal((40, 2))
    return X, labels


def test_without_a_penalty_the_band_shrinks_and_the_hinge_loss_keeps_falling():
    """Solution 5, question 8: band 1.92 wide with the penalty; without it 1.71 after 200
    epochs and 0.98 after 2000, one point on the wrong side, the mean hinge loss falling."""
    X, labels = _svm_data()
    with_penalty = lb.train_gd(X, labels, loss="hinge", l2=0.01, lr=0.1, num_epochs=200)
    assert round(2 / np.linalg.norm(with_penalty.w), 2) == 1.92
    for epochs, width in ((200, 1.71), (2000, 0.98)):
        run = lb.train_gd(X, labels, loss="hinge", l2=0.0, lr=0.1, num_epochs=epochs)
        assert round(2 / np.linalg.norm(run.w), 2) == width
        margins = labels * (X @ run.w + run.b)
        assert (margins <= 0).sum() == 1
        assert run.train_loss[-1] < run.train_loss[epochs // 2] < run.train_loss[epochs // 10]


# -- chapter 7: the diabetes targets, the strongest penalty --------------------------------


def test_diabetes_targets_are_standardised_over_all_patients():
    """'standardised to mean 0 and variance 1 over all 442 patients ... on the validation
    set below, predicting the mean of the training pool scores 0.88'."""
    X_pool, y_pool, X_val, y_val = fig07.diabetes_split()
    every = np.concatenate([y_pool, y_val])
    assert every.size == 442
    assert abs(every.mean()) < 1e-12 and abs(every.var() - 1.0) < 1e-12
    assert round(lb.mse(y_val, np.full_like(y_val, y_pool.mean())), 2) == 0.88


def test_the_strongest_penalty_gives_both_losses_about_0_415():
    """'at lambda = 3 both losses are about 0.415: the penalty has made the model underfit'
    (the pinned table prints 0.416 and 0.415)."""
    demo = fig07.RegularisationDemo(l2_values=(0.0, 3.0))
    train, val = demo.losses(3.0)
    assert abs(train - 0.415) < 0.0015 and abs(val - 0.415) < 0.0015


# -- chapter 8: the deviances lossbook has -----------------------------------------------


def test_lossbook_has_the_poisson_and_gamma_deviances_with_their_gradients():
    """'lossbook has them as poisson_deviance and gamma_deviance, with their gradients'."""
    rng = np.random.default_rng(1)
    y = rng.gamma(2.0, 3.0, size=50)
    mu = rng.gamma(2.0, 3.0, size=50)
    for ours, grad, theirs in ((lb.poisson_deviance, lb.poisson_deviance_grad,
                                metrics.mean_poisson_deviance),
                               (lb.gamma_deviance, lb.gamma_deviance_grad,
                                metrics.mean_gamma_deviance)):
        np.testing.assert_allclose(ours(y, mu), theirs(y, mu), rtol=1e-10)
        h = 1e-6
        numeric = [(ours(y, mu + h * e) - ours(y, mu - h * e)) / (2 * h) for e in np.eye(50)]
        np.testing.assert_allclose(grad(y, mu), numeric, rtol=1e-5, atol=1e-9)


# -- the glossary ----------------------------------------------------------------------


def test_msle_is_minimised_by_the_geometric_mean_of_one_plus_y_minus_one():
    """'Minimising it predicts exp(mean log(1 + y)) - 1, ... never above the mean'."""
    y = np.random.default_rng(2).lognormal(1.0, 1.2, size=300)   # skewed
    best = optimize.minimize_scalar(lambda c: np.mean((np.log1p(y) - np.log1p(c)) ** 2),
                                    bounds=(0.0, y.max()), method="bounded",
                                    options={"xatol": 1e-10}).x
    stated = np.expm1(np.mean(np.log1p(y)))
    assert best == pytest.approx(stated, rel=1e-6)
    assert stated < 0.6 * y.mean()


def test_canonical_links_give_prediction_minus_target():
    """Glossary, canonical link: with the inverse link as activation the NLL's gradient in
    the pre-activation z is prediction minus target (over sigma^2 for Gaussian noise)."""
    z, h = np.array([-2.0, 0.3, 1.7]), 1e-6
    y01, counts, value, sigma = np.array([1.0, 0.0, 1.0]), np.array([0.0, 2.0, 7.0]), \
        np.array([0.5, -1.0, 2.0]), 0.7
    nlls = {  # (negative log-likelihood up to a constant, prediction, target)
        "gaussian": (lambda z: (value - z) ** 2 / (2 * sigma**2), z, value),
        "bernoulli": (lambda z: np.logaddexp(0.0, z) - y01 * z, lb.sigmoid(z), y01),
        "poisson": (lambda z: np.exp(z) - counts * z, np.exp(z), counts),
    }
    for name, (nll, prediction, target) in nlls.items():
        numeric = (nll(z + h) - nll(z - h)) / (2 * h)
        scale = sigma**2 if name == "gaussian" else 1.0
        np.testing.assert_allclose(numeric, (prediction - target) / scale, rtol=1e-6, err_msg=name)


# -- the cheat sheet ----------------------------------------------------------------------


def test_huber_regressor_minimises_s_plus_2_s_huber_of_r_over_s():
    """Cheat sheet: HuberRegressor minimises s + 2 s h(r / s) per sample (h the Huber
    loss with delta = epsilon) over the line and the scale s."""
    x, y, _ = regression_with_outliers(seed=0)
    epsilon = 1.35

    def objective(params):
        w, b, s = params
        return np.sum(s + 2 * s * lb.huber(np.zeros_like(y), (y - w * x - b) / s,
                                           delta=epsilon, reduction="none"))

    model = HuberRegressor(epsilon=epsilon, alpha=0.0, tol=1e-10, max_iter=10_000)
    model.fit(x.reshape(-1, 1), y)
    # The objective is convex in (w, b, s) for s > 0 (s h(r / s) is a perspective), so a
    # bounded quasi-Newton run from a plain start finds the same minimum independently.
    ours = optimize.minimize(objective, x0=[0.0, 0.0, 1.0], method="L-BFGS-B",
                             bounds=[(None, None), (None, None), (1e-6, None)],
                             options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10_000}).x
    np.testing.assert_allclose(ours, [model.coef_[0], model.intercept_, model.scale_], atol=1e-4)
    assert objective(ours) <= objective([model.coef_[0], model.intercept_, model.scale_]) + 1e-9
    # and it is not plain Huber on the raw residuals: that fit has another slope
    assert abs(fit_line(x, y, "huber", delta=epsilon)[0] - model.coef_[0]) > 1e-3


# -- chapter 6: Keras's cross-entropies take probabilities unless from_logits=True -------


def test_keras_cross_entropies_take_probabilities_unless_from_logits(keras):
    """Chapter 6's library table: BinaryCrossentropy(from_logits=True) takes logits and
    BinaryCrossentropy() probabilities; the categorical ones likewise."""
    logits = np.array([[2.0, -1.0, 0.5], [-0.3, 0.8, 0.1]])
    labels = np.array([0, 2])
    onehot = np.eye(3)[labels]
    probs = lb.softmax(logits)
    expected = lb.cross_entropy(labels, logits)
    for loss, target in ((keras.losses.CategoricalCrossentropy, onehot),
                         (keras.losses.SparseCategoricalCrossentropy, labels)):
        assert float(loss(from_logits=True)(target, logits)) == pytest.approx(expected, rel=1e-5)
        assert float(loss()(target, probs)) == pytest.approx(expected, rel=1e-5)
        assert float(loss()(target, logits)) != pytest.approx(expected, rel=1e-3)
    z, y = np.array([[1.5], [-0.7]]), np.array([[1.0], [0.0]])
    bce = lb.binary_cross_entropy_with_logits(y, z)
    assert float(keras.losses.BinaryCrossentropy(from_logits=True)(y, z)) == pytest.approx(bce, rel=1e-5)
    assert float(keras.losses.BinaryCrossentropy()(y, lb.sigmoid(z))) == pytest.approx(bce, rel=1e-5)

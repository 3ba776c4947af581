"""Calibration diagnostics (lossbook.diagnostics) and the library claims of chapter 11.

* ``calibration_curve`` equals scikit-learn's ``calibration_curve(strategy="uniform")``
  on many random inputs, including probabilities exactly 0, 1 and on bin edges;
* ``expected_calibration_error`` equals the bin-weighted gap computed here
  with a plain loop over samples;
* ``fit_temperature`` recovers a known temperature, is no worse than any
  temperature of a grid, treats 1-D binary logits as columns ``[0, z]`` and
  refuses what it cannot fit;
* the chapter's library table: scikit-learn's ``brier_score_loss``,
  ``log_loss``, ``CalibratedClassifierCV``'s methods (temperature scaling
  among them, with its own parametrisation of binary scores), and that
  PyTorch and Keras have no temperature-scaling layer or loss.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lossbook as lb
from lossbook.diagnostics import calibration_curve, expected_calibration_error, fit_temperature

sklearn_calibration = pytest.importorskip("sklearn.calibration",
                                          reason="scikit-learn is needed to compare with it")


def _random_case(rng, n, n_bins):
    """Labels and probabilities with some values exactly 0, 1 and on the bin edges."""
    probs = rng.uniform(size=n)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    k = n // 4
    probs[:k] = rng.choice(edges, size=k)                  # exactly on edges (0 and 1 included)
    probs[k:k + 3] = [0.0, 1.0, 0.5]
    probs = rng.permutation(probs)
    labels = (rng.uniform(size=n) < probs).astype(int)
    labels[:2] = [0, 1]                                   # both classes present
    return labels, probs


@pytest.mark.parametrize("seed", range(40))
def test_calibration_curve_equals_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    n_bins = int(rng.integers(1, 16))
    n = int(rng.integers(5, 400))
    labels, probs = _random_case(rng, n, n_bins)
    ours = calibration_curve(labels, probs, n_bins=n_bins)
    theirs = sklearn_calibration.calibration_curve(labels, probs, n_bins=n_bins, strategy="uniform")
    for a, b in zip(ours, theirs):
        assert a.dtype == np.float64
        np.testing.assert_array_equal(a, b)


def test_calibration_curve_edges_go_to_the_lower_bin_and_empty_bins_are_dropped():
    # Bins of width 0.25: 0.25 and 0.5 are edges, so they join the bins below them.
    prob_true, prob_pred = calibration_curve([0, 1, 1, 0, 1], [0.0, 0.25, 0.5, 0.5, 1.0], n_bins=4)
    np.testing.assert_allclose(prob_pred, [0.125, 0.5, 1.0])       # bins 1, 2 and 4; bin 3 empty
    np.testing.assert_allclose(prob_true, [0.5, 0.5, 1.0])


def _ece_by_loop(labels, probs, n_bins):
    """The bin-weighted gap, one sample at a time, with bins (a, b] and [0, b] first."""
    count = [0] * n_bins
    label_sum = [0.0] * n_bins
    prob_sum = [0.0] * n_bins
    for y, p in zip(labels, probs):
        b = max(0, math.ceil(p * n_bins - 1e-12) - 1)  # p on an edge k/n_bins -> bin k - 1
        count[b] += 1
        label_sum[b] += y
        prob_sum[b] += p
    n = len(labels)
    return sum(c / n * abs(ls / c - ps / c) for c, ls, ps in zip(count, label_sum, prob_sum) if c)


@pytest.mark.parametrize("seed", range(20))
def test_expected_calibration_error_is_the_weighted_gap(seed):
    rng = np.random.default_rng(100 + seed)
    n_bins = int(rng.integers(1, 16))
    labels, probs = _random_case(rng, int(rng.integers(5, 300)), n_bins)
    assert expected_calibration_error(labels, probs, n_bins) == pytest.approx(
        _ece_by_loop(labels, probs, n_bins), abs=1e-12)
    # and from scikit-learn's curve, weighted by the bin counts
    prob_true, prob_pred = sklearn_calibration.calibration_curve(labels, probs, n_bins=n_bins)
    ids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], probs)
    counts = np.bincount(ids, minlength=n_bins)
    weights = counts[counts > 0] / len(labels)
    assert expected_calibration_error(labels, probs, n_bins) == pytest.approx(
        np.sum(weights * np.abs(prob_true - prob_pred)), abs=1e-12)


def test_expected_calibration_error_hand_values():
    # A perfectly calibrated bin, and the largest possible error.
    assert expected_calibration_error([0, 1, 1, 0], [0.5] * 4) == 0.0
    assert expected_calibration_error([0, 0, 1], [1.0, 1.0, 0.0]) == 1.0
    # Two bins: 2/5 * |0 - 0.2| + 3/5 * |1 - 0.7667| = 0.22
    assert expected_calibration_error([0, 0, 1, 1, 1], [0.1, 0.3, 0.6, 0.8, 0.9], n_bins=2) == \
        pytest.approx(0.22, abs=1e-12)
    # With one bin it is the gap between the mean probability and the base rate.
    assert expected_calibration_error([0, 0, 1, 1], [0.9, 0.9, 0.9, 0.9], n_bins=1) == \
        pytest.approx(0.4)


@pytest.mark.parametrize("func", [calibration_curve, expected_calibration_error])
@pytest.mark.parametrize("y_true, probs, n_bins, words", [
    ([0, 1, 2], [0.1, 0.2, 0.3], 10, "labels 0 or 1"),
    ([0, 1], [0.1, 1.2], 10, "probabilities in [0, 1]"),
    ([0, 1], [0.1, float("nan")], 10, "NaN"),
    ([0, 1, 1], [0.1, 0.2], 10, "one probability per label"),
    ([[0, 1]], [[0.1, 0.2]], 10, "1-D"),
    ([], [], 10, "empty"),
    ([0, 1], [0.1, 0.2], 0, "n_bins"),
    ([0, 1], [0.1, 0.2], 2.5, "n_bins"),
])
def test_bad_input_is_refused_clearly(func, y_true, probs, n_bins, words):
    with pytest.raises(ValueError, match=None) as info:
        func(y_true, probs, n_bins)
    assert words in str(info.value)


# --------------------------------------------------------------------------
# fit_temperature
# --------------------------------------------------------------------------

def _mean_ce(logits, labels, T):
    """Mean softmax cross-entropy of logits / T, written out."""
    s = np.asarray(logits, float) / T
    m = s.max(axis=1, keepdims=True)
    log_z = m[:, 0] + np.log(np.exp(s - m).sum(axis=1))
    return float(np.mean(log_z - s[np.arange(len(labels)), labels]))


@pytest.mark.parametrize("true_T, num_classes", [(0.5, 3), (1.0, 2), (2.5, 4), (4.0, 5)])
def test_fit_temperature_recovers_a_known_temperature(true_T, num_classes):
    rng = np.random.default_rng(7)
    n = 20_000
    logits = rng.normal(scale=3.0, size=(n, num_classes))
    p = np.exp(logits / true_T)
    p /= p.sum(axis=1, keepdims=True)
    labels = (p.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1)  # drawn from softmax(z/T)
    T = fit_temperature(logits, labels)
    assert T == pytest.approx(true_T, rel=0.05)


@pytest.mark.parametrize("seed", range(5))
def test_fitted_temperature_is_no_worse_than_a_grid(seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=4.0, size=(300, 3))
    labels = np.where(rng.uniform(size=300) < 0.6, logits.argmax(axis=1), rng.integers(0, 3, 300))
    T = fit_temperature(logits, labels)
    best = _mean_ce(logits, labels, T)
    for t in np.geomspace(0.05, 50, 400):
        assert best <= _mean_ce(logits, labels, t) + 1e-12
    # a zero slope: central differences of the loss in T
    h = 1e-5 * T
    slope = (_mean_ce(logits, labels, T + h) - _mean_ce(logits, labels, T - h)) / (2 * h)
    assert abs(slope) < 1e-7


def test_binary_logits_in_one_dimension_are_the_columns_zero_and_z():
    rng = np.random.default_rng(3)
    z = 3.0 * rng.normal(size=200)
    y = (rng.uniform(size=200) < 1 / (1 + np.exp(-z / 3.0))).astype(int)
    T1 = fit_temperature(z, y)
    T2 = fit_temperature(np.column_stack([np.zeros_like(z), z]), y)
    assert T1 == pytest.approx(T2, rel=1e-10)
    # and it minimises the binary cross-entropy of sigmoid(z / T)
    bce = lambda t: lb.binary_cross_entropy_with_logits(y.astype(float), z / t)  # noqa: E731
    assert bce(T1) <= min(bce(t) for t in np.linspace(0.5 * T1, 2 * T1, 301)) + 1e-12
    assert fit_temperature(z.tolist(), y.astype(float).tolist()) == pytest.approx(T1, rel=1e-12)


@pytest.mark.parametrize("logits, labels, words", [
    ([[1.0, 2.0], [2.0, 1.0]], [0, 1], "no better than uniform"),      # every sample wrong
    ([[0.0, 0.0], [0.0, 0.0]], [0, 1], "no better than uniform"),      # constant logits
    ([[3.0, 0.0], [0.0, 3.0]], [0, 1], "every sample in its right class"),
    ([1.0, -1.0], [1, 2], "0 or 1"),
    ([[1.0, 2.0]], [2], "0..1"),
    ([[1.0, 2.0]], [0, 1], "shape (1,)"),
    ([[1.0], [2.0]], [0, 0], "C >= 2"),
    ([[1.0, float("inf")]], [0], "NaN or infinity"),
    ([[1.0, 2.0]], [0.5], "whole-number"),
])
def test_fit_temperature_refuses_what_it_cannot_fit(logits, labels, words):
    with pytest.raises(ValueError) as info:
        fit_temperature(logits, labels)
    assert words in str(info.value)


def test_package_exports():
    for name in ("calibration_curve", "expected_calibration_error", "fit_temperature"):
        assert getattr(lb, name) is getattr(lb.diagnostics, name)
        assert name in lb.__all__ and name in lb.diagnostics.__all__


# --------------------------------------------------------------------------
# The library table of chapter 11
# --------------------------------------------------------------------------

def test_scikit_learn_brier_score_and_log_loss_are_the_course_s():
    from sklearn.metrics import brier_score_loss, log_loss

    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 50)
    p = rng.uniform(0.01, 0.99, 50)
    assert brier_score_loss(y, p) == pytest.approx(lb.brier_score(y, p), rel=1e-12)
    assert log_loss(y, p) == pytest.approx(lb.binary_cross_entropy(y, p), rel=1e-12)
    # both are means of per-sample scores, not sums
    assert brier_score_loss(y, p) == pytest.approx(np.mean((p - y) ** 2))


def test_calibrated_classifier_methods_and_defaults():
    import inspect

    from sklearn.calibration import CalibratedClassifierCV

    assert inspect.signature(CalibratedClassifierCV).parameters["method"].default == "sigmoid"
    doc = " ".join(CalibratedClassifierCV.__doc__.split())
    assert "{'sigmoid', 'isotonic', 'temperature'}" in doc
    assert "versionchanged:: 1.8 Added option 'temperature'" in doc
    assert "Isotonic calibration is not recommended when the number of calibration samples is " \
           "too low ``(≪1000)``" in doc


def test_scikit_learn_calibration_curve_defaults_and_no_ece():
    import inspect

    import sklearn.metrics

    params = inspect.signature(sklearn_calibration.calibration_curve).parameters
    assert params["n_bins"].default == 5 and params["strategy"].default == "uniform"
    assert not [n for n in dir(sklearn.metrics) if "calibration" in n.lower()]


def test_scikit_learn_temperature_scaling_matches_fit_temperature():
    """CalibratedClassifierCV(method="temperature") gives the probabilities sigmoid(z / T)
    of the course's T; its binary scores become logits (-z, z), so its beta_ is 1 / (2 T)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    clf = LogisticRegression(C=1e6).fit(X[:50], y[:50])  # few samples, no penalty: overconfident
    cal = CalibratedClassifierCV(FrozenEstimator(clf), method="temperature").fit(X[50:], y[50:])
    z = clf.decision_function(X[50:])
    T = fit_temperature(z, y[50:])
    assert T > 1.0
    np.testing.assert_allclose(cal.predict_proba(X[50:])[:, 1], lb.sigmoid(z / T), atol=1e-7)
    beta = float(cal.calibrated_classifiers_[0].calibrators[0].beta_)
    assert beta == pytest.approx(1 / (2 * T), rel=1e-6)


def test_sigmoid_calibration_is_platt_scaling_with_an_intercept():
    """method="sigmoid" fits sigmoid(a z + b) (two parameters), unlike temperature scaling."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=600) > 0.8).astype(int)
    clf = LogisticRegression().fit(X[:100], y[:100])
    cal = CalibratedClassifierCV(FrozenEstimator(clf), method="sigmoid").fit(X[100:], y[100:])
    calibrator = cal.calibrated_classifiers_[0].calibrators[0]
    z = clf.decision_function(X[100:])
    # scikit-learn's sigmoid is 1 / (1 + exp(a z + b)): slope a and intercept b
    expected = 1 / (1 + np.exp(calibrator.a_ * z + calibrator.b_))
    np.testing.assert_allclose(cal.predict_proba(X[100:])[:, 1], expected, rtol=1e-10)
    assert calibrator.b_ != 0.0


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed "
                               "(pip install -r requirements-compare.txt)")


def test_pytorch_has_no_temperature_scaling_and_dividing_logits_does_it(torch):
    nn_names = [n.lower() for n in dir(torch.nn)]
    assert not [n for n in nn_names if "temperature" in n or "calibrat" in n]
    # the usual recipe: one learnable scalar, logits / T, CrossEntropyLoss, fitted on validation data
    rng = np.random.default_rng(5)
    logits = rng.normal(scale=4.0, size=(500, 3))
    labels = np.where(rng.uniform(size=500) < 0.7, logits.argmax(axis=1), rng.integers(0, 3, 500))
    z = torch.tensor(logits)
    t = torch.tensor(labels)
    log_T = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_T], lr=0.5, max_iter=200, tolerance_grad=1e-12,
                            tolerance_change=1e-15, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(z / log_T.exp(), t)
        loss.backward()
        return loss

    opt.step(closure)
    assert float(log_T.detach().exp()) == pytest.approx(fit_temperature(logits, labels), rel=1e-6)


def test_pytorch_has_no_brier_score_or_calibration_error(torch):
    names = [n.lower() for mod in (torch.nn, torch.nn.functional) for n in dir(mod)]
    assert not [n for n in names if "brier" in n or "calibration" in n]


def test_keras_has_no_temperature_scaling_layer_or_loss(keras):
    names = [n.lower() for mod in (keras.layers, keras.losses, keras.callbacks, keras.metrics)
             for n in dir(mod)]
    assert not [n for n in names if "temperature" in n or "calibrat" in n]


def test_keras_mean_squared_error_of_probabilities_is_the_brier_score(keras):
    rng = np.random.default_rng(12)
    y = rng.integers(0, 2, 40).astype("float32")
    p = rng.uniform(size=40).astype("float32")
    value = float(keras.losses.MeanSquaredError()(y[:, None], p[:, None]))
    assert value == pytest.approx(lb.brier_score(y, p), rel=1e-5)

"""lossbook.losses against values computed independently.

Every expected value here is worked out by hand, or by the formula written
out again in this file with :mod:`math`, :mod:`fractions` and plain loops
over the elements: never by calling the function under test. Gradients are
checked against central finite differences of the loss.
"""

from __future__ import annotations

import math
import warnings
import zlib
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lossbook
from lossbook import losses as L

# --------------------------------------------------------------------------
# Reference formulas, one element at a time, with math (not NumPy).
# --------------------------------------------------------------------------


def ref_squared(y, p):
    return [(pi - yi) ** 2 for yi, pi in zip(y, p)]


def ref_absolute(y, p):
    return [abs(pi - yi) for yi, pi in zip(y, p)]


def ref_huber(y, p, delta=1.0):
    out = []
    for yi, pi in zip(y, p):
        r = abs(pi - yi)
        out.append(0.5 * r * r if r <= delta else delta * (r - 0.5 * delta))
    return out


def _clamped_log(x):
    return -100.0 if x <= 0.0 else max(math.log(x), -100.0)


def ref_bce(y, p):
    return [-(yi * _clamped_log(pi) + (1 - yi) * _clamped_log(1 - pi)) for yi, pi in zip(y, p)]


def ref_bce_logits(y, z):
    """-(y log s + (1-y) log(1-s)) with s = 1/(1+e^-z): the textbook form, for moderate z."""
    out = []
    for yi, zi in zip(y, z):
        s = 1.0 / (1.0 + math.exp(-zi))
        out.append(-(yi * math.log(s) + (1 - yi) * math.log(1 - s)))
    return out


def ref_log_softmax_row(row):
    m = max(row)
    lse = m + math.log(math.fsum(math.exp(v - m) for v in row))
    return [v - lse for v in row]


def ref_cross_entropy(targets, logits, eps=0.0):
    """Per-sample cross-entropy; targets are labels or probability rows."""
    out = []
    for t, row in zip(targets, logits):
        c = len(row)
        q = [1.0 if k == t else 0.0 for k in range(c)] if np.ndim(t) == 0 else list(t)
        q = [(1 - eps) * qk + eps / c for qk in q]
        out.append(-math.fsum(qk * lk for qk, lk in zip(q, ref_log_softmax_row(row))))
    return out


def ref_hinge(y, f):
    return [max(0.0, 1.0 - yi * fi) for yi, fi in zip(y, f)]


def ref_multiclass_hinge(labels, scores, margin=1.0, variant="weston_watkins"):
    out = []
    for y, row in zip(labels, scores):
        terms = [max(0.0, row[j] - row[y] + margin) for j in range(len(row)) if j != y]
        out.append(math.fsum(terms) if variant == "weston_watkins" else max(terms))
    return out


def mean(values):
    return math.fsum(values) / len(values)


def central_difference(f, x, h=1e-6):
    """Gradient of the scalar function f at x by central differences, element by element."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


_data_rng = np.random.default_rng(20240601)  # the module's fixed example data


@pytest.fixture
def rng(request):
    """A generator seeded from the test's name: the same draws however tests are selected."""
    return np.random.default_rng(zlib.crc32(request.node.name.encode()))

# --------------------------------------------------------------------------
# Classic worked examples
# --------------------------------------------------------------------------


def test_house_price_squared_error_is_2_5e9():
    # 300,000 - 250,000 = 50,000; squared: 2,500,000,000 exactly.
    assert lossbook.mse([300_000.0], [250_000.0]) == 2_500_000_000.0
    assert lossbook.mae([300_000.0], [250_000.0]) == 50_000.0


def test_house_prices_mean_over_several_houses_exactly():
    y = [300_000, 200_000, 150_000]
    p = [250_000, 210_000, 150_000]
    # (50,000^2 + 10,000^2 + 0) / 3, as a fraction
    expected = Fraction(50_000**2 + 10_000**2, 3)
    assert lossbook.mse(y, p) == pytest.approx(float(expected), rel=1e-15)
    assert lossbook.mse(y, p, reduction="sum") == 2_600_000_000.0
    assert lossbook.mae(y, p) == pytest.approx(float(Fraction(60_000, 3)), rel=1e-15)


def test_bce_of_0_8_when_the_true_class_is_0_is_minus_ln_0_2():
    expected = -math.log(0.2)
    assert expected == pytest.approx(1.6094379124341003)
    assert lossbook.binary_cross_entropy([0.0], [0.8]) == pytest.approx(expected, rel=1e-14)
    # the same through the logit of 0.8, which is ln 4
    assert lossbook.binary_cross_entropy_with_logits([0.0], [math.log(4.0)]) == pytest.approx(
        expected, rel=1e-14)
    # and a confident correct answer costs little: -ln 0.8
    assert lossbook.binary_cross_entropy([1.0], [0.8]) == pytest.approx(-math.log(0.8), rel=1e-14)


CS231N_SCORES = [[3.2, 5.1, -1.7],   # cat image, true class 0 (cat)
                 [1.3, 4.9, 2.0],    # car image, true class 1 (car)
                 [2.2, 2.5, -3.1]]   # frog image, true class 2 (frog)
CS231N_LABELS = [0, 1, 2]


def test_cs231n_multiclass_svm_example():
    # CS231n, "Linear classification": losses 2.9, 0 and 12.9, mean 5.27.
    per_sample = lossbook.multiclass_hinge(CS231N_LABELS, CS231N_SCORES, reduction="none")
    np.testing.assert_allclose(per_sample, [2.9, 0.0, 12.9], rtol=1e-12, atol=1e-12)
    assert lossbook.multiclass_hinge(CS231N_LABELS, CS231N_SCORES) == pytest.approx(
        (2.9 + 0.0 + 12.9) / 3, rel=1e-12)
    assert round(lossbook.multiclass_hinge(CS231N_LABELS, CS231N_SCORES), 2) == 5.27


def test_cs231n_example_with_crammer_singer_keeps_the_largest_violation():
    # cat: max(5.1 - 3.2 + 1, -1.7 - 3.2 + 1) = 2.9; car: 0; frog: max(6.3, 6.6) = 6.6
    per_sample = lossbook.multiclass_hinge(CS231N_LABELS, CS231N_SCORES,
                                           variant="crammer_singer", reduction="none")
    np.testing.assert_allclose(per_sample, [2.9, 0.0, 6.6], rtol=1e-12, atol=1e-12)


def test_cs231n_softmax_example():
    # CS231n's softmax classifier example: scores -2.85, 0.86, 0.28, true class 2: loss 1.04.
    scores = [-2.85, 0.86, 0.28]
    expected = -math.log(math.exp(0.28) / sum(math.exp(s) for s in scores))
    loss = lossbook.cross_entropy([2], [scores])
    assert loss == pytest.approx(expected, rel=1e-13)
    assert round(loss, 2) == 1.04


def test_huber_worked_numbers():
    # residual 0.5: 0.5 * 0.25 = 0.125; residual 3 with delta 1: 1 * (3 - 0.5) = 2.5
    np.testing.assert_allclose(lossbook.huber([0.0, 0.0], [0.5, 3.0], reduction="none"),
                               [0.125, 2.5], rtol=0, atol=0)
    # delta 2, residual -3: 2 * (3 - 1) = 4
    assert lossbook.huber([3.0], [0.0], delta=2.0) == 4.0
    # exactly at the threshold both pieces give 0.5 * delta^2
    assert lossbook.huber([0.0], [1.5], delta=1.5) == 0.5 * 1.5**2


def test_hinge_worked_numbers():
    # margins y f: 2 (no loss), -0.5 (1.5), -1 (2)
    np.testing.assert_array_equal(
        lossbook.hinge([1.0, -1.0, 1.0], [2.0, 0.5, -1.0], reduction="none"), [0.0, 1.5, 2.0])
    assert lossbook.squared_hinge([1.0, -1.0, 1.0], [2.0, 0.5, -1.0]) == pytest.approx(
        (0 + 1.5**2 + 2.0**2) / 3, rel=1e-15)
    # a margin of exactly 1 costs nothing; 0.999 costs 0.001
    assert lossbook.hinge([1.0], [1.0]) == 0.0
    assert lossbook.hinge([-1.0], [-0.999]) == pytest.approx(0.001, rel=1e-9)


def test_label_smoothing_by_hand():
    # Two classes, logits (0, 0): softmax is (1/2, 1/2) whatever the target, so
    # the loss is ln 2 for any smoothing. Three classes, logits (ln 2, 0, 0):
    # probabilities (1/2, 1/4, 1/4); label 0 with eps = 0.3:
    # q = (0.7 + 0.1, 0.1, 0.1) and the loss is 0.8 ln 2 + 0.2 ln 4 = 1.2 ln 2.
    assert lossbook.cross_entropy([1], [[0.0, 0.0]], label_smoothing=0.4) == pytest.approx(
        math.log(2), rel=1e-14)
    assert lossbook.cross_entropy([0], [[math.log(2), 0.0, 0.0]], label_smoothing=0.3) == \
        pytest.approx(1.2 * math.log(2), rel=1e-14)
    # full smoothing: q uniform, the loss is the cross-entropy to the uniform distribution
    assert lossbook.cross_entropy([0], [[math.log(2), 0.0, 0.0]], label_smoothing=1.0) == \
        pytest.approx((math.log(2) + 2 * math.log(4)) / 3, rel=1e-14)


def test_cross_entropy_docstring_example_written_out():
    # the cross_entropy docstring example, written out: -ln softmax(2, 1, 0.1)_0
    expected = -ref_log_softmax_row([2.0, 1.0, 0.1])[0]
    assert round(expected, 4) == 0.417
    assert lossbook.cross_entropy([0], [[2.0, 1.0, 0.1]]) == pytest.approx(expected, rel=1e-14)


# --------------------------------------------------------------------------
# Stability at extreme logits
# --------------------------------------------------------------------------


@pytest.fixture
def strict_floats():
    """Fail on overflow, invalid operations and division by zero (underflow to 0 is fine)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield


def test_bce_with_logits_is_exact_at_plus_minus_1000(strict_floats):
    loss = lossbook.binary_cross_entropy_with_logits(
        [1.0, 0.0, 0.0, 1.0], [1000.0, -1000.0, 1000.0, -1000.0], reduction="none")
    # right with certainty: 0; wrong with certainty: |z| = 1000
    np.testing.assert_array_equal(loss, [0.0, 0.0, 1000.0, 1000.0])
    # a soft target of 0.5 at z = 1000: max(z, 0) - z/2 + log(1 + e^-1000) = 500
    assert lossbook.binary_cross_entropy_with_logits([0.5], [1000.0]) == 500.0


def test_bce_with_logits_matches_the_textbook_form_for_moderate_logits(rng):
    y = rng.random(50)
    z = rng.normal(scale=5.0, size=50)
    np.testing.assert_allclose(lossbook.binary_cross_entropy_with_logits(y, z, reduction="none"),
                               ref_bce_logits(y, z), rtol=1e-10)


def test_bce_gradient_at_extreme_logits(strict_floats):
    g = lossbook.binary_cross_entropy_with_logits_grad([1.0, 0.0, 1.0, 0.0],
                                                       [1000.0, -1000.0, -1000.0, 1000.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, -0.25, 0.25])


def test_sigmoid_at_extremes(strict_floats):
    np.testing.assert_array_equal(lossbook.sigmoid([-1000.0, 0.0, 1000.0]), [0.0, 0.5, 1.0])
    z = np.array([-30.0, -5.0, 2.0, 30.0])
    expected = [1 / (1 + math.exp(-v)) for v in z]
    np.testing.assert_allclose(lossbook.sigmoid(z), expected, rtol=1e-15)


def test_softmax_and_log_softmax_at_extremes(strict_floats):
    np.testing.assert_array_equal(lossbook.softmax([1000.0, 1000.0]), [0.5, 0.5])
    np.testing.assert_array_equal(lossbook.softmax([[1000.0, -1000.0]]), [[1.0, 0.0]])
    np.testing.assert_array_equal(lossbook.log_softmax([1000.0, 0.0, -1000.0]),
                                  [0.0, -1000.0, -2000.0])
    # along the first axis too
    np.testing.assert_array_equal(lossbook.softmax([[1000.0], [-1000.0]], axis=0), [[1.0], [0.0]])


def test_cross_entropy_at_extreme_logits(strict_floats):
    logits = [[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0]]
    np.testing.assert_array_equal(lossbook.cross_entropy([0, 2], logits, reduction="none"),
                                  [0.0, 2000.0])
    g = lossbook.cross_entropy_grad([0, 2], logits)
    np.testing.assert_array_equal(g, [[0.0, 0.0, 0.0], [0.5, 0.0, -0.5]])


def test_bce_clamps_each_log_at_minus_100():
    # probability 0 or 1 on the wrong side costs 100 (PyTorch's clamp), not infinity
    np.testing.assert_array_equal(
        lossbook.binary_cross_entropy([1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0], reduction="none"),
        [100.0, 100.0, 0.0, 0.0])
    # a tiny probability: -ln(1e-50) = 115.1 > 100, clamped too
    assert lossbook.binary_cross_entropy([1.0], [1e-50]) == 100.0
    assert lossbook.binary_cross_entropy([1.0], [1e-40]) == pytest.approx(40 * math.log(10))


# --------------------------------------------------------------------------
# Every loss against its formula written out, with every reduction
# --------------------------------------------------------------------------

Y = _data_rng.normal(size=13)
P = Y + _data_rng.normal(scale=2.0, size=13)
Y01 = (_data_rng.random(13) < 0.5).astype(float)
PROBS = _data_rng.uniform(0.02, 0.98, size=13)
Z = _data_rng.normal(scale=3.0, size=13)
PM1 = 2.0 * Y01 - 1.0
LOGITS = _data_rng.normal(scale=2.0, size=(9, 4))
CLASSES = _data_rng.integers(0, 4, size=9)
SOFT = _data_rng.random((9, 4))
SOFT /= SOFT.sum(axis=1, keepdims=True)

ELEMENTWISE = [
    ("mse", lambda r: lossbook.mse(Y, P, reduction=r), ref_squared(Y, P)),
    ("mae", lambda r: lossbook.mae(Y, P, reduction=r), ref_absolute(Y, P)),
    ("huber", lambda r: lossbook.huber(Y, P, reduction=r), ref_huber(Y, P)),
    ("huber_delta_0.3", lambda r: lossbook.huber(Y, P, delta=0.3, reduction=r), ref_huber(Y, P, 0.3)),
    ("bce", lambda r: lossbook.binary_cross_entropy(Y01, PROBS, reduction=r), ref_bce(Y01, PROBS)),
    ("bce_logits", lambda r: lossbook.binary_cross_entropy_with_logits(Y01, Z, reduction=r),
     ref_bce_logits(Y01, Z)),
    ("hinge", lambda r: lossbook.hinge(PM1, Z, reduction=r), ref_hinge(PM1, Z)),
    ("squared_hinge", lambda r: lossbook.squared_hinge(PM1, Z, reduction=r),
     [h * h for h in ref_hinge(PM1, Z)]),
    ("cross_entropy", lambda r: lossbook.cross_entropy(CLASSES, LOGITS, reduction=r),
     ref_cross_entropy(CLASSES, LOGITS)),
    ("cross_entropy_smoothed", lambda r: lossbook.cross_entropy(CLASSES, LOGITS, 0.2, reduction=r),
     ref_cross_entropy(CLASSES, LOGITS, 0.2)),
    ("cross_entropy_soft", lambda r: lossbook.cross_entropy(SOFT, LOGITS, reduction=r),
     ref_cross_entropy(SOFT, LOGITS)),
    ("cross_entropy_soft_smoothed",
     lambda r: lossbook.cross_entropy(SOFT, LOGITS, label_smoothing=0.1, reduction=r),
     ref_cross_entropy(SOFT, LOGITS, 0.1)),
    ("weston_watkins", lambda r: lossbook.multiclass_hinge(CLASSES, LOGITS, reduction=r),
     ref_multiclass_hinge(CLASSES, LOGITS)),
    ("weston_watkins_margin_2",
     lambda r: lossbook.multiclass_hinge(CLASSES, LOGITS, margin=2.0, reduction=r),
     ref_multiclass_hinge(CLASSES, LOGITS, margin=2.0)),
    ("crammer_singer",
     lambda r: lossbook.multiclass_hinge(CLASSES, LOGITS, variant="crammer_singer", reduction=r),
     ref_multiclass_hinge(CLASSES, LOGITS, variant="crammer_singer")),
]


@pytest.mark.parametrize("name,loss,expected", ELEMENTWISE, ids=[c[0] for c in ELEMENTWISE])
def test_reductions_against_the_formula(name, loss, expected):
    none = loss("none")
    assert isinstance(none, np.ndarray) and none.shape == (len(expected),)
    np.testing.assert_allclose(none, expected, rtol=1e-12, atol=1e-13)
    total = loss("sum")
    average = loss("mean")
    assert isinstance(total, float) and isinstance(average, float)
    assert total == pytest.approx(math.fsum(expected), rel=1e-12, abs=1e-13)
    assert average == pytest.approx(mean(expected), rel=1e-12, abs=1e-13)
    assert loss("mean") == average  # the default is "mean" ...


def test_default_reduction_is_mean():
    assert lossbook.mse(Y, P) == lossbook.mse(Y, P, reduction="mean")
    assert lossbook.cross_entropy(CLASSES, LOGITS) == lossbook.cross_entropy(
        CLASSES, LOGITS, reduction="mean")


def test_none_keeps_the_shape_of_2d_regression_targets(rng):
    y = rng.normal(size=(3, 4))
    p = rng.normal(size=(3, 4))
    out = lossbook.mse(y, p, reduction="none")
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out.ravel(), ref_squared(y.ravel(), p.ravel()), rtol=1e-14)
    # the mean runs over all elements, as PyTorch's mse_loss does
    assert lossbook.mse(y, p) == pytest.approx(mean(ref_squared(y.ravel(), p.ravel())), rel=1e-14)


def test_inputs_are_not_modified():
    y, p = Y.copy(), P.copy()
    for loss in (lossbook.mse, lossbook.mae, lossbook.huber):
        loss(y, p)
        loss(y, p, reduction="none")
    for grad in (lossbook.mse_grad, lossbook.mae_grad, lossbook.huber_grad):
        grad(y, p)
    z, t = LOGITS.copy(), SOFT.copy()
    lossbook.cross_entropy(t, z, label_smoothing=0.1)
    lossbook.cross_entropy_grad(t, z, label_smoothing=0.1)
    lossbook.multiclass_hinge(CLASSES, z)
    np.testing.assert_array_equal(y, Y)
    np.testing.assert_array_equal(p, P)
    np.testing.assert_array_equal(z, LOGITS)
    np.testing.assert_array_equal(t, SOFT)


def test_lists_ints_and_scalars_are_accepted():
    assert lossbook.mse([1, 2], [3, 2]) == 2.0
    assert lossbook.mae(1, 4) == 3.0
    assert lossbook.huber(0, 0.5) == 0.125


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_single_numbers_work_with_every_reduction(reduction):
    cases = [
        (lossbook.mse(1.0, 3.0, reduction=reduction), 4.0),
        (lossbook.mae(1.0, 3.0, reduction=reduction), 2.0),
        (lossbook.huber(0.0, 3.0, reduction=reduction), 2.5),
        (lossbook.binary_cross_entropy(0.0, 0.8, reduction=reduction), -math.log(0.2)),
        (lossbook.binary_cross_entropy_with_logits(0.0, math.log(4.0), reduction=reduction),
         -math.log(0.2)),
        (lossbook.hinge(1.0, 0.25, reduction=reduction), 0.75),
        (lossbook.squared_hinge(1.0, 0.25, reduction=reduction), 0.5625),
    ]
    for got, expected in cases:
        assert np.ndim(got) == 0
        assert float(got) == pytest.approx(expected, rel=1e-14)


def test_gradients_of_single_numbers():
    assert float(lossbook.mse_grad(1.0, 3.0)) == 4.0
    assert float(lossbook.mae_grad(1.0, 3.0)) == 1.0
    assert float(lossbook.huber_grad(0.0, 3.0)) == 1.0
    assert float(lossbook.binary_cross_entropy_with_logits_grad(0.0, 0.0)) == 0.5
    assert float(lossbook.hinge_grad(1.0, 0.5)) == -1.0


def test_pytorch_multi_margin_relation_is_in_the_docstring():
    doc = lossbook.multiclass_hinge.__doc__
    assert "multi_margin_loss" in doc and "number of classes" in doc


# --------------------------------------------------------------------------
# Gradients against central finite differences
# --------------------------------------------------------------------------


def _away_from(values, kinks, gap):
    """Move values that are within gap of a kink to gap away from it."""
    values = np.array(values, dtype=float)
    for k in kinks:
        close = np.abs(values - k) < gap
        values[close] = k + np.where(values[close] >= k, gap, -gap)
    return values


def test_mse_grad_matches_finite_differences(rng):
    y, p = rng.normal(size=8), rng.normal(size=8)
    fd = central_difference(lambda x: lossbook.mse(y, x), p)
    np.testing.assert_allclose(lossbook.mse_grad(y, p), fd, rtol=1e-6, atol=1e-8)
    # and the closed form 2 (p - y) / n, written out
    np.testing.assert_allclose(lossbook.mse_grad(y, p), [2 * (b - a) / 8 for a, b in zip(y, p)],
                               rtol=1e-15)


def test_mae_grad_matches_finite_differences_away_from_zero_residuals(rng):
    y = rng.normal(size=8)
    p = y + _away_from(rng.normal(size=8), [0.0], 0.05)
    fd = central_difference(lambda x: lossbook.mae(y, x), p)
    np.testing.assert_allclose(lossbook.mae_grad(y, p), fd, rtol=1e-6, atol=1e-8)


def test_mae_grad_is_zero_at_a_zero_residual():
    np.testing.assert_array_equal(lossbook.mae_grad([1.0, 2.0, 3.0], [1.0, 5.0, -3.0]),
                                  [0.0, 1 / 3, -1 / 3])


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_grad_matches_finite_differences_away_from_the_kinks(delta, rng):
    y = rng.normal(size=10)
    r = _away_from(rng.normal(scale=2 * delta, size=10), [-delta, delta], 0.02)
    p = y + r
    fd = central_difference(lambda x: lossbook.huber(y, x, delta=delta), p)
    np.testing.assert_allclose(lossbook.huber_grad(y, p, delta=delta), fd, rtol=1e-6, atol=1e-8)


def test_bce_with_logits_grad_matches_finite_differences(rng):
    y = rng.random(9)  # soft targets too
    z = rng.normal(scale=3.0, size=9)
    fd = central_difference(lambda x: lossbook.binary_cross_entropy_with_logits(y, x), z)
    np.testing.assert_allclose(lossbook.binary_cross_entropy_with_logits_grad(y, z), fd,
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5])
@pytest.mark.parametrize("target_kind", ["labels", "probabilities"])
def test_cross_entropy_grad_matches_finite_differences(eps, target_kind, rng):
    z = rng.normal(scale=2.0, size=(5, 4))
    if target_kind == "labels":
        t = rng.integers(0, 4, size=5)
    else:
        t = rng.random((5, 4))
        t /= t.sum(axis=1, keepdims=True)
    fd = central_difference(lambda x: lossbook.cross_entropy(t, x, label_smoothing=eps), z)
    g = lossbook.cross_entropy_grad(t, z, label_smoothing=eps)
    assert g.shape == z.shape
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-15)  # softmax and q both sum to 1


def test_hinge_grad_matches_finite_differences_away_from_the_kink(rng):
    y = np.where(rng.random(10) < 0.5, -1.0, 1.0)
    margins = _away_from(rng.normal(scale=2.0, size=10), [1.0], 0.05)
    f = margins * y  # y f = margin
    fd = central_difference(lambda x: lossbook.hinge(y, x), f)
    np.testing.assert_allclose(lossbook.hinge_grad(y, f), fd, rtol=1e-6, atol=1e-8)


def test_hinge_grad_at_the_kink_picks_minus_y():
    np.testing.assert_array_equal(lossbook.hinge_grad([1.0, -1.0], [1.0, -1.0]), [-0.5, 0.5])


@pytest.mark.parametrize("grad", [lossbook.mse_grad, lossbook.mae_grad, lossbook.huber_grad])
def test_gradients_keep_the_shape(grad, rng):
    y, p = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    assert grad(y, p).shape == (2, 3)


# --------------------------------------------------------------------------
# Properties, with hypothesis (deterministic: see tests/conftest.py)
# --------------------------------------------------------------------------

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
big = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def logit_rows(draw, max_rows=6, max_classes=6, elements=finite):
    n = draw(st.integers(1, max_rows))
    c = draw(st.integers(2, max_classes))
    return draw(arrays(np.float64, (n, c), elements=elements))


@st.composite
def regression_pair(draw, elements=big):
    n = draw(st.integers(1, 20))
    y = draw(arrays(np.float64, n, elements=elements))
    p = draw(arrays(np.float64, n, elements=elements))
    return y, p


@given(logit_rows(), st.floats(-500, 500))
def test_softmax_is_shift_invariant_and_sums_to_one(z, shift):
    s = lossbook.softmax(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(lossbook.softmax(z + shift), s, rtol=1e-9, atol=1e-12)


@given(logit_rows())
def test_log_softmax_is_log_of_softmax_where_finite(z):
    s = lossbook.softmax(z)
    ls = lossbook.log_softmax(z)
    assert np.all(ls <= 0)
    ok = s > 1e-300
    np.testing.assert_allclose(ls[ok], np.log(s[ok]), rtol=1e-9, atol=1e-12)


@given(logit_rows(elements=st.floats(-1e4, 1e4)), st.floats(0.0, 1.0), st.data())
def test_cross_entropy_is_non_negative(z, eps, data):
    labels = data.draw(arrays(np.int64, z.shape[0], elements=st.integers(0, z.shape[1] - 1)))
    assert np.all(lossbook.cross_entropy(labels, z, label_smoothing=eps, reduction="none") >= 0)
    q = data.draw(arrays(np.float64, z.shape, elements=st.floats(0.0, 1.0)))
    assume(np.all(q.sum(axis=1) > 0.1))
    q = q / q.sum(axis=1, keepdims=True)
    assert np.all(lossbook.cross_entropy(q, z, label_smoothing=eps, reduction="none") >= 0)


@given(logit_rows(), st.data())
def test_cross_entropy_of_one_hot_probabilities_equals_labels(z, data):
    labels = data.draw(arrays(np.int64, z.shape[0], elements=st.integers(0, z.shape[1] - 1)))
    one_hot = np.eye(z.shape[1])[labels]
    for eps in (0.0, 0.25):
        np.testing.assert_allclose(
            lossbook.cross_entropy(one_hot, z, label_smoothing=eps, reduction="none"),
            lossbook.cross_entropy(labels, z, label_smoothing=eps, reduction="none"),
            rtol=1e-12, atol=1e-12)


@given(logit_rows(), st.floats(0.0, 1.0), st.data())
def test_label_smoothing_mixes_the_loss_with_the_uniform_target(z, eps, data):
    # q = (1 - eps) onehot + eps / C, and cross-entropy is linear in q
    labels = data.draw(arrays(np.int64, z.shape[0], elements=st.integers(0, z.shape[1] - 1)))
    c = z.shape[1]
    plain = lossbook.cross_entropy(labels, z, reduction="none")
    uniform = -np.mean([lossbook.log_softmax(z)[:, k] for k in range(c)], axis=0)
    np.testing.assert_allclose(
        lossbook.cross_entropy(labels, z, label_smoothing=eps, reduction="none"),
        (1 - eps) * plain + eps * uniform, rtol=1e-9, atol=1e-9)


@given(regression_pair(), st.floats(0.01, 100.0))
def test_huber_never_exceeds_half_the_squared_error_and_equals_it_inside_delta(pair, delta):
    y, p = pair
    h = lossbook.huber(y, p, delta=delta, reduction="none")
    half_sq = 0.5 * (p - y) ** 2
    assert np.all(h <= half_sq * (1 + 1e-12))
    assert np.all(h <= delta * np.abs(p - y) * (1 + 1e-12))  # and never exceeds the linear piece
    inside = np.abs(p - y) <= delta
    np.testing.assert_allclose(h[inside], half_sq[inside], rtol=1e-12)


@given(st.floats(0.01, 100.0))
def test_huber_is_continuous_at_delta(delta):
    below = np.nextafter(delta, 0.0)
    above = np.nextafter(delta, np.inf)
    values = lossbook.huber([0.0, 0.0, 0.0], [below, delta, above], delta=delta, reduction="none")
    np.testing.assert_allclose(values, 0.5 * delta**2, rtol=1e-12)


@given(regression_pair(elements=finite))
def test_huber_with_a_large_delta_is_half_the_mse(pair):
    y, p = pair
    assert lossbook.huber(y, p, delta=1e9) == pytest.approx(0.5 * lossbook.mse(y, p), rel=1e-12,
                                                            abs=1e-300)


@given(regression_pair())
def test_mae_never_exceeds_rmse(pair):
    y, p = pair
    assert lossbook.mae(y, p) <= math.sqrt(lossbook.mse(y, p)) * (1 + 1e-12)


@given(regression_pair())
def test_mse_and_mae_are_symmetric_and_zero_on_perfect_predictions(pair):
    y, p = pair
    assert lossbook.mse(y, p) == lossbook.mse(p, y)
    assert lossbook.mae(y, p) == lossbook.mae(p, y)
    assert lossbook.mse(y, y) == 0.0 and lossbook.mae(y, y) == 0.0


@given(arrays(np.float64, st.integers(1, 20), elements=finite), st.data())
def test_hinge_is_non_negative_and_zero_iff_margin_at_least_one(f, data):
    y = data.draw(arrays(np.float64, f.shape, elements=st.sampled_from([-1.0, 1.0])))
    h = lossbook.hinge(y, f, reduction="none")
    assert np.all(h >= 0)
    np.testing.assert_array_equal(h == 0, y * f >= 1)
    np.testing.assert_allclose(lossbook.squared_hinge(y, f, reduction="none"), h**2, rtol=1e-15)


@given(logit_rows(), st.floats(0.1, 5.0), st.data())
def test_weston_watkins_is_at_least_crammer_singer(scores, margin, data):
    labels = data.draw(arrays(np.int64, scores.shape[0],
                              elements=st.integers(0, scores.shape[1] - 1)))
    ww = lossbook.multiclass_hinge(labels, scores, margin=margin, reduction="none")
    cs = lossbook.multiclass_hinge(labels, scores, margin=margin, variant="crammer_singer",
                                   reduction="none")
    assert np.all(cs >= 0)
    assert np.all(ww >= cs * (1 - 1e-12))
    assert np.all(ww <= (scores.shape[1] - 1) * cs * (1 + 1e-12) + 1e-12)


# Up to |z| = 15: beyond, 1 - sigmoid(z) loses its digits to rounding, the very
# reason for the logits form (its own test above covers +-1000).
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-15, 15)), st.data())
def test_bce_with_logits_equals_bce_of_the_sigmoid(z, data):
    y = data.draw(arrays(np.float64, z.shape, elements=st.floats(0.0, 1.0)))
    np.testing.assert_allclose(lossbook.binary_cross_entropy_with_logits(y, z, reduction="none"),
                               lossbook.binary_cross_entropy(y, lossbook.sigmoid(z), reduction="none"),
                               rtol=1e-7, atol=1e-12)


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4)))
def test_sigmoid_is_a_probability_and_symmetric(z):
    s = lossbook.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + lossbook.sigmoid(-z), 1.0, rtol=0, atol=1e-15)


# --------------------------------------------------------------------------
# Everything is importable from lossbook itself
# --------------------------------------------------------------------------


def test_every_loss_is_exported_from_the_package():
    # compared by name: pytest's doctest collection may import lossbook.losses a
    # second time, as another module object
    for name in L.__all__:
        exported = getattr(lossbook, name)
        assert (exported.__module__, exported.__qualname__) == ("lossbook.losses", name)
        assert name in lossbook.__all__


def test_reused_scratch_arrays_never_leak_into_results(rng):
    # a large input takes the scratch-array path for the mean; "none" must return
    # new arrays that a later call does not overwrite
    big_y = rng.normal(size=200_000)
    big_p = rng.normal(size=200_000)
    first = lossbook.mse(big_y, big_p, reduction="none")
    kept = first.copy()
    mean_before = lossbook.mse(big_y, big_p)
    lossbook.mse(big_p, big_y + 1.0)  # reuses the scratch array with other values
    lossbook.binary_cross_entropy_with_logits((big_y > 0).astype(float), big_p)
    np.testing.assert_array_equal(first, kept)
    assert lossbook.mse(big_y, big_p) == mean_before
    assert mean_before == pytest.approx(math.fsum((big_p - big_y) ** 2) / big_y.size, rel=1e-12)

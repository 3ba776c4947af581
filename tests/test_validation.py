"""Bad input raises ValueError with a message that names the problem and the fix."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lossbook
from lossbook import _validation as V

NAN, INF = math.nan, math.inf

REGRESSION = [lossbook.mse, lossbook.mae, lossbook.huber, lossbook.mse_grad, lossbook.mae_grad,
              lossbook.huber_grad]
BINARY = [lossbook.binary_cross_entropy_with_logits,
          lossbook.binary_cross_entropy_with_logits_grad]
HINGE = [lossbook.hinge, lossbook.squared_hinge, lossbook.hinge_grad]
REDUCING = [lossbook.mse, lossbook.mae, lossbook.huber, lossbook.binary_cross_entropy,
            lossbook.binary_cross_entropy_with_logits, lossbook.hinge, lossbook.squared_hinge]


def ids(funcs):
    return [f.__name__ for f in funcs]


def raises(match, func, *args, **kwargs):
    """Call func and return the ValueError's message, which must match the pattern."""
    with pytest.raises(ValueError) as info:
        func(*args, **kwargs)
    message = str(info.value)
    assert re.search(match, message, flags=re.I | re.S), message
    return message


# -- shape mismatch ---------------------------------------------------------


@pytest.mark.parametrize("func", REGRESSION + HINGE + BINARY + [lossbook.binary_cross_entropy],
                         ids=ids(REGRESSION + HINGE + BINARY + [lossbook.binary_cross_entropy]))
def test_shape_mismatch_is_refused_not_broadcast(func):
    y = np.ones((4, 1))
    p = np.ones(4) * 0.5
    if func in HINGE:
        y = -y
    msg = raises(r"shape \(4, 1\).*shape \(4,\).*same shape", func, y, p)
    assert "reshape" in msg  # the fix: same number of values, so reshape one


def test_shape_mismatch_with_different_sizes_says_one_target_per_prediction():
    msg = raises(r"shape \(3,\).*shape \(2,\)", lossbook.mse, [1, 2, 3], [1, 2])
    assert "one target per prediction" in msg
    assert "reshape" not in msg  # no reshape can fix different sizes


# -- NaN and infinity -------------------------------------------------------


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("func", REGRESSION, ids=ids(REGRESSION))
@pytest.mark.parametrize("where", ["y_true", "y_pred"])
def test_nan_and_infinity_are_refused_in_regression_losses(func, bad, where):
    y, p = [1.0, 2.0, 3.0], [1.5, 2.5, 3.5]
    if where == "y_true":
        y[1] = bad
    else:
        p[1] = bad
    msg = raises(rf"{where} contains NaN or infinity \(1 of 3 values\)", func, y, p)
    assert "drop" in msg or "find where" in msg  # says what to do


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=["nan", "inf", "-inf"])
def test_nan_and_infinity_are_refused_everywhere_else(bad):
    raises(r"logits contains NaN or infinity", lossbook.binary_cross_entropy_with_logits,
           [1.0, 0.0], [bad, 0.0])
    raises(r"y_true contains NaN or infinity", lossbook.binary_cross_entropy_with_logits,
           [bad, 0.0], [1.0, 0.0])
    raises(r"probs contains NaN or infinity", lossbook.binary_cross_entropy, [1.0, 0.0],
           [0.5, bad])
    raises(r"y_true contains NaN or infinity", lossbook.binary_cross_entropy, [bad, 0.0],
           [0.5, 0.5])
    raises(r"logits contains NaN or infinity", lossbook.cross_entropy, [0, 1],
           [[0.0, bad], [0.0, 1.0]])
    raises(r"logits contains NaN or infinity", lossbook.cross_entropy_grad, [0, 1],
           [[0.0, 1.0], [bad, 1.0]])
    raises(r"logits contains NaN or infinity", lossbook.softmax, [0.0, bad])
    raises(r"logits contains NaN or infinity", lossbook.log_softmax, [0.0, bad])
    raises(r"logits contains NaN or infinity", lossbook.sigmoid, [0.0, bad])
    raises(r"scores contains NaN or infinity", lossbook.hinge, [1.0, -1.0], [bad, 0.0])
    raises(r"scores contains NaN or infinity", lossbook.multiclass_hinge, [0], [[bad, 0.0]])
    raises(r"val_losses contains NaN or infinity", lossbook.early_stopping_epoch,
           [1.0, bad], patience=1)


def test_a_minus_infinity_logit_of_a_wrong_class_is_refused_too():
    # it would not change the loss of label 0 without smoothing, but it is still bad input
    raises(r"logits contains NaN or infinity", lossbook.cross_entropy, [0], [[1.0, -INF]])


def test_positive_infinity_score_is_refused_by_hinge_although_it_would_cost_nothing():
    raises(r"scores contains NaN or infinity", lossbook.hinge, [1.0], [INF])


def test_a_genuine_overflow_is_not_mistaken_for_bad_input():
    with np.errstate(over="ignore"):
        assert lossbook.mse([0.0], [1e200]) == INF


def test_non_numbers_are_refused():
    raises(r"y_pred must be numbers.*could not convert", lossbook.mse, [1.0], ["a lot"])
    raises(r"y_true must be numbers", lossbook.mae, [None, object()], [1.0, 2.0])


# -- probabilities ----------------------------------------------------------


@pytest.mark.parametrize("bad", [-0.1, 1.2, 3.0])
def test_probabilities_outside_0_1_are_refused_with_the_logits_hint(bad):
    msg = raises(r"probs must be probabilities in \[0, 1\]", lossbook.binary_cross_entropy,
                 [1.0, 0.0], [0.5, bad])
    assert "binary_cross_entropy_with_logits" in msg and "sigmoid" in msg
    assert f"{bad:.4g}" in msg  # reports the offending range


@pytest.mark.parametrize("func", [lossbook.binary_cross_entropy] + BINARY,
                         ids=ids([lossbook.binary_cross_entropy] + BINARY))
def test_minus_one_plus_one_targets_for_bce_get_the_conversion_hint(func):
    msg = raises(r"targets in \[0, 1\].*-1 to 1", func, [-1.0, 1.0], [0.5, 0.5])
    assert "(y + 1) / 2" in msg


def test_probability_targets_whose_rows_do_not_sum_to_one():
    targets = [[0.5, 0.5, 0.0], [0.6, 0.6, 0.0]]
    for func in (lossbook.cross_entropy, lossbook.cross_entropy_grad):
        msg = raises(r"row 1 sums to 1\.2", func, targets, np.zeros((2, 3)))
        assert "y_true / y_true.sum(axis=1, keepdims=True)" in msg


def test_probability_targets_outside_0_1():
    msg = raises(r"probability targets must lie in \[0, 1\]", lossbook.cross_entropy,
                 [[1.5, -0.5]], [[0.0, 0.0]])
    assert "(N,)" in msg


def test_probability_targets_of_the_wrong_shape():
    raises(r"y_true has shape \(2, 2\) but logits has shape \(2, 3\)", lossbook.cross_entropy,
           [[1.0, 0.0], [0.0, 1.0]], np.zeros((2, 3)))


def test_label_smoothing_outside_0_1():
    for eps in (-0.1, 1.5):
        raises(r"label_smoothing must lie in \[0, 1\].*0\.2", lossbook.cross_entropy, [0],
               [[0.0, 1.0]], label_smoothing=eps)


# -- class labels -----------------------------------------------------------


@pytest.mark.parametrize("func", [lossbook.cross_entropy, lossbook.cross_entropy_grad,
                                  lossbook.multiclass_hinge],
                         ids=["cross_entropy", "cross_entropy_grad", "multiclass_hinge"])
def test_class_labels_out_of_range(func):
    msg = raises(r"labels from 1 to 3.*3 classes.*0\.\.2", func, [1, 3], np.zeros((2, 3)))
    assert "subtract 1" in msg
    raises(r"labels from -1 to 0", func, [-1, 0], np.zeros((2, 3)))


@pytest.mark.parametrize("func", [lossbook.cross_entropy, lossbook.multiclass_hinge],
                         ids=["cross_entropy", "multiclass_hinge"])
def test_class_labels_count_and_kind(func):
    raises(r"3 labels but .* 2 rows.*one class label per sample", func, [0, 1, 0],
           np.zeros((2, 3)))
    raises(r"whole-number class labels.*\(N, C\)", func, [0.5, 1.0], np.zeros((2, 3)))
    raises(r"integer class labels; got dtype", func, np.array(["a", "b"]), np.zeros((2, 3)))


def test_whole_float_labels_are_accepted():
    assert lossbook.cross_entropy([0.0, 2.0], np.zeros((2, 3))) == pytest.approx(math.log(3))


@pytest.mark.parametrize("func", [lossbook.cross_entropy, lossbook.multiclass_hinge],
                         ids=["cross_entropy", "multiclass_hinge"])
def test_logits_must_be_2d(func):
    name = "logits" if func is lossbook.cross_entropy else "scores"
    msg = raises(rf"{name} must have shape \(N, C\).*got shape \(3,\)", func, [0], [1.0, 2.0, 3.0])
    assert f"{name}[None, :]" in msg


# -- hinge labels -----------------------------------------------------------


@pytest.mark.parametrize("func", HINGE, ids=ids(HINGE))
def test_zero_one_hinge_labels_get_the_conversion(func):
    msg = raises(r"labels in \{-1, \+1\}.*\[0\.0\]", func, [0.0, 1.0, 1.0], [0.3, -0.2, 2.0])
    assert "y_true = 2 * y_true - 1" in msg


@pytest.mark.parametrize("func", HINGE, ids=ids(HINGE))
def test_other_hinge_labels_are_refused(func):
    msg = raises(r"labels in \{-1, \+1\}.*\[0\.5, 2\.0\]", func, [2.0, 0.5, -1.0],
                 [0.0, 0.0, 0.0])
    assert "negative class to -1" in msg and "2 * y_true - 1" not in msg


# -- parameters -------------------------------------------------------------


@pytest.mark.parametrize("delta", [0.0, -1.0, INF, NAN])
@pytest.mark.parametrize("func", [lossbook.huber, lossbook.huber_grad], ids=["huber", "huber_grad"])
def test_delta_must_be_positive(func, delta):
    raises(r"delta must be a positive number.*delta > 0", func, [0.0], [1.0], delta=delta)


@pytest.mark.parametrize("margin", [0.0, -2.0])
def test_margin_must_be_positive(margin):
    raises(r"margin must be a positive number", lossbook.multiclass_hinge, [0], [[0.0, 1.0]],
           margin=margin)


def test_unknown_variant():
    raises(r"unknown variant 'crammer'.*'weston_watkins'.*'crammer_singer'",
           lossbook.multiclass_hinge, [0], [[0.0, 1.0]], variant="crammer")


@pytest.mark.parametrize("func", REDUCING, ids=ids(REDUCING))
@pytest.mark.parametrize("reduction", ["average", "Mean", None])
def test_unknown_reduction(func, reduction):
    y = [1.0, -1.0] if func in (lossbook.hinge, lossbook.squared_hinge) else [1.0, 0.0]
    raises(r"unknown reduction.*'mean'.*'sum'.*'none'", func, y, [0.5, 0.5], reduction=reduction)


def test_unknown_reduction_for_the_multiclass_losses():
    raises(r"unknown reduction", lossbook.cross_entropy, [0], [[0.0, 1.0]], reduction="avg")
    raises(r"unknown reduction", lossbook.multiclass_hinge, [0], [[0.0, 1.0]], reduction="max")


# -- early stopping ---------------------------------------------------------


def test_early_stopping_bad_input():
    raises(r"patience must be a whole number >= 0", lossbook.early_stopping_epoch, [1.0], -1)
    raises(r"patience must be a whole number >= 0", lossbook.early_stopping_epoch, [1.0], 1.5)
    raises(r"patience must be a whole number >= 0", lossbook.early_stopping_epoch, [1.0], True)
    raises(r"min_delta must be >= 0.*smallest decrease", lossbook.early_stopping_epoch, [1.0], 1,
           min_delta=-0.1)
    raises(r"1-D sequence of one loss per epoch.*\(2, 2\)", lossbook.early_stopping_epoch,
           [[1.0, 2.0], [3.0, 4.0]], 1)


# -- the helpers themselves -------------------------------------------------


def test_as_float_array_returns_float64_without_copying():
    x = np.arange(3.0)
    assert V.as_float_array(x, "x") is x
    assert V.as_float_array([1, 2], "x").dtype == np.float64
    assert np.isnan(V.as_float_array([NAN], "x", check_finite=False)[0])


def test_value_range_and_deferred_check():
    assert V.value_range(np.array([0.25, -2.0, 3.0]), "x") == (-2.0, 3.0)
    assert V.value_range(np.array([]), "x") == (0.0, 0.0)
    raises(r"x contains NaN or infinity \(1 of 2", V.value_range, np.array([1.0, NAN]), "x")
    V.check_finite_result(1.0, (np.array([NAN]), "never looked at"))  # a finite total: no check
    raises(r"b contains NaN", V.check_finite_result, NAN, (np.array([1.0]), "a"),
           (np.array([NAN]), "b"))
    V.check_finite_result(INF, (np.array([1e308]), "a"))  # finite input: a genuine overflow


def test_reduce_and_check_reduction():
    values = np.array([1.0, 2.0, 6.0])
    assert V.reduce(values, "mean") == 3.0
    assert V.reduce(values, "sum") == 9.0
    assert V.reduce(values, "none") is values
    assert V.REDUCTIONS == ("mean", "sum", "none")


@pytest.mark.parametrize("func", [lossbook.mse, lossbook.mae, lossbook.huber],
                         ids=["mse", "mae", "huber"])
def test_infinity_in_both_inputs_gets_the_message_and_no_warning(func, recwarn):
    raises(r"y_true contains NaN or infinity", func, [INF, 1.0], [INF, 1.0])
    raises(r"logits contains NaN or infinity", lossbook.binary_cross_entropy_with_logits,
           [1.0, 0.0], [INF, -INF])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_finite_values_whose_sum_overflows_are_accepted(recwarn):
    V.check_finite_values(np.array([1e308, 1e308, -1e308]), "x")  # the sum overflows: a closer look
    assert lossbook.mse_grad([1e308, 1e308], [1e308, 1e308]).tolist() == [0.0, 0.0]
    raises(r"x contains NaN or infinity \(1 of 3", V.check_finite_values,
           np.array([1e308, 1e308, NAN]), "x")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]

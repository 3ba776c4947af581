"""early_stopping_epoch against the Keras EarlyStopping callback loop.

The reference is a plain re-implementation of what ``model.fit`` does with
``keras.callbacks.EarlyStopping(mode="min")``: call ``on_epoch_end`` after
every epoch and stop when the callback sets ``stop_training``. Where Keras is
installed, the real callback is driven the same way.
"""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from lossbook import early_stopping_epoch


class KerasStyleEarlyStopping:
    """The callback's logic as Keras 3 writes it (``callbacks/early_stopping.py``)."""

    def __init__(self, patience=0, min_delta=0.0):
        self.patience = patience
        self.min_delta = -abs(min_delta)  # mode "min": the comparison is `less`
        self.stop_training = False

    def on_train_begin(self):
        self.wait, self.stopped_epoch, self.best, self.best_epoch = 0, 0, None, 0

    def _is_improvement(self, current, reference):
        return reference is None or (current - self.min_delta) < reference

    def on_epoch_end(self, epoch, val_loss):
        self.wait += 1
        if self._is_improvement(val_loss, self.best):
            self.best, self.best_epoch, self.wait = val_loss, epoch, 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.stop_training = True


def fit_loop(callback, val_losses):
    """What model.fit does with the callback: (stop_epoch or None, best_epoch)."""
    callback.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, loss)
        if callback.stop_training:
            return epoch, callback.best_epoch
    return None, callback.best_epoch


def test_worked_example_from_the_chapter():
    curve = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9]
    # best 0.7 at epoch 2; epochs 3 and 4 do not improve: patience 2 stops at 4
    assert early_stopping_epoch(curve, patience=2) == (4, 2)
    assert early_stopping_epoch(curve, patience=3) == (5, 2)
    assert early_stopping_epoch(curve, patience=5) == (None, 2)


def test_patience_zero_stops_at_the_first_epoch_without_improvement():
    assert early_stopping_epoch([3.0, 2.0, 2.0, 1.0], patience=0) == (2, 1)


def test_an_equal_loss_is_not_an_improvement():
    assert early_stopping_epoch([1.0, 1.0, 1.0], patience=2) == (2, 0)


def test_min_delta_demands_a_large_enough_decrease():
    # each step improves by 0.01 < 0.05: none counts
    assert early_stopping_epoch([1.0, 0.99, 0.98, 0.97], patience=2, min_delta=0.05) == (2, 0)
    # a decrease of 0.1 > 0.05 counts
    assert early_stopping_epoch([1.0, 0.9, 0.8, 0.7], patience=1, min_delta=0.05) == (None, 3)


def test_a_single_epoch_and_no_epochs():
    assert early_stopping_epoch([0.5], patience=0) == (None, 0)
    assert early_stopping_epoch([], patience=3) == (None, None)


def test_the_waiting_count_restarts_after_an_improvement():
    # 1 -> 0.9 improves at epoch 3 after two bad epochs; patience 3 never runs out until the end
    curve = [1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0]
    assert early_stopping_epoch(curve, patience=3) == (6, 3)
    assert fit_loop(KerasStyleEarlyStopping(patience=3), curve) == (6, 3)


# Values on a grid of 1/64 keep every sum exact, so float32 comparisons inside
# Keras and float64 ones here agree; the re-implementation is also checked on
# arbitrary floats below.
grid = st.integers(0, 256).map(lambda k: k / 64)


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40), st.integers(0, 6),
       st.floats(0.0, 10.0, allow_nan=False))
def test_agrees_with_the_callback_loop_on_any_curve(curve, patience, min_delta):
    expected = fit_loop(KerasStyleEarlyStopping(patience, min_delta), curve)
    assert early_stopping_epoch(curve, patience, min_delta) == expected


@given(st.lists(grid, min_size=1, max_size=40), st.integers(0, 6), st.integers(0, 16))
def test_agrees_with_the_callback_loop_on_noisy_plateaus(curve, patience, delta_steps):
    min_delta = delta_steps / 64
    expected = fit_loop(KerasStyleEarlyStopping(patience, min_delta), curve)
    assert early_stopping_epoch(curve, patience, min_delta) == expected

class _Model:
    stop_training = False


def keras_early_stopping(keras, curve, patience, min_delta):
    """(stop_epoch, best_epoch) of Keras's own ``EarlyStopping`` callback on a recorded curve."""
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                             min_delta=min_delta, mode="min")
    model = _Model()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, loss in enumerate(curve):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            return epoch, callback.best_epoch
    return None, callback.best_epoch


@given(st.lists(grid, min_size=1, max_size=30), st.integers(0, 5), st.integers(0, 8))
def test_agrees_with_keras_early_stopping(keras, curve, patience, delta_steps):
    min_delta = delta_steps / 64
    assert early_stopping_epoch(curve, patience, min_delta) == keras_early_stopping(
        keras, curve, patience, min_delta)


# --------------------------------------------------------------------------
# learning_curve
# --------------------------------------------------------------------------

import numpy as np  # noqa: E402

from lossbook import learning_curve, mae, mse  # noqa: E402
from lossbook.diagnostics import LearningCurve  # noqa: E402


def _mean_model(X, y):
    """Predicts the mean of its training targets, whatever the input."""
    mean = float(np.mean(y))
    return lambda X_new: np.full(len(X_new), mean)


def test_learning_curve_of_the_mean_model_by_hand():
    # pool in order, sizes 1, 2, 4: the first 1, 2, 4 targets
    # train: 0; ((1.5-1)^2 + (1.5-2)^2)/2 = 0.25; var(1, 2, 3, 4) = 1.25
    # val targets 0 and 10: ((m-0)^2 + (m-10)^2)/2 for m = 1, 1.5, 2.5 -> 41, 37.25, 31.25
    lc = learning_curve(_mean_model, np.zeros((4, 1)), [1.0, 2.0, 3.0, 4.0], np.zeros((2, 1)),
                        [0.0, 10.0], train_sizes=[1, 2, 4], shuffle=False, num_repeats=1)
    assert isinstance(lc, LearningCurve)
    np.testing.assert_array_equal(lc.train_sizes, [1, 2, 4])
    np.testing.assert_allclose(lc.train_loss.ravel(), [0.0, 0.25, 1.25])
    np.testing.assert_allclose(lc.val_loss.ravel(), [41.0, 37.25, 31.25])


def test_fractions_are_rounded_down_like_scikit_learn():
    lc = learning_curve(_mean_model, np.zeros((10, 1)), np.arange(10.0), np.zeros((1, 1)), [0.0],
                        train_sizes=[0.15, 0.5, 1.0], shuffle=False, num_repeats=1)
    np.testing.assert_array_equal(lc.train_sizes, [1, 5, 10])


def _regression(seed=0, n=120, p=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + 0.5 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("scoring, loss", [("neg_mean_squared_error", mse),
                                           ("neg_mean_absolute_error", mae)])
def test_learning_curve_matches_scikit_learn_on_a_fixed_split(scoring, loss):
    sk = pytest.importorskip("sklearn.model_selection")
    from sklearn.linear_model import LinearRegression, Ridge

    X, y = _regression()
    train_idx, val_idx = np.arange(90), np.arange(90, 120)
    sizes = [10, 25, 50, 90]
    for estimator in (LinearRegression(), Ridge(alpha=3.0)):
        sizes_sk, train_sk, val_sk = sk.learning_curve(
            estimator, X, y, train_sizes=sizes, cv=[(train_idx, val_idx)], scoring=scoring,
            shuffle=False)
        lc = learning_curve(estimator, X[train_idx], y[train_idx], X[val_idx], y[val_idx], sizes,
                            loss=loss, shuffle=False, num_repeats=1)
        np.testing.assert_array_equal(lc.train_sizes, sizes_sk)
        np.testing.assert_allclose(lc.train_loss, -train_sk, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(lc.val_loss, -val_sk, rtol=1e-10, atol=1e-12)


def test_the_estimator_passed_in_is_never_fitted():
    sklearn_linear = pytest.importorskip("sklearn.linear_model")
    est = sklearn_linear.LinearRegression()
    X, y = _regression()
    learning_curve(est, X[:80], y[:80], X[80:], y[80:], [20, 80], num_repeats=2)
    assert not hasattr(est, "coef_")


class _Recorder:
    """A fit function that remembers which pool rows (column 0 holds the row number) it saw."""

    def __init__(self):
        self.seen = []

    def __call__(self, X, y):
        self.seen.append(X[:, 0].astype(int).copy())
        return lambda X_new: np.zeros(len(X_new))


def test_subsets_are_nested_random_draws_without_replacement():
    n, sizes, repeats = 50, [5, 20, 50], 4
    X = np.arange(n, dtype=float)[:, None]
    rec = _Recorder()
    learning_curve(rec, X, np.zeros(n), X[:3], np.zeros(3), sizes, num_repeats=repeats, seed=3)
    # fits run size by size, repeat by repeat
    seen = {(s, r): rec.seen[i * repeats + r] for i, s in enumerate(sizes) for r in range(repeats)}
    for (s, r), rows in seen.items():
        assert len(rows) == s and len(set(rows.tolist())) == s          # no repeats
        assert rows.min() >= 0 and rows.max() < n
        if s != sizes[0]:
            smaller = seen[sizes[sizes.index(s) - 1], r]
            np.testing.assert_array_equal(rows[:len(smaller)], smaller)  # nested
    assert len({tuple(seen[5, r]) for r in range(repeats)}) == repeats   # repeats differ
    assert sorted(seen[50, 0].tolist()) == list(range(n))                # the whole pool
    assert not np.array_equal(seen[50, 0], np.arange(n))                 # shuffled


def test_the_seed_fixes_the_draws():
    X, y = _regression()
    args = (_mean_model, X[:80], y[:80], X[80:], y[80:], [5, 10, 40])
    a = learning_curve(*args, num_repeats=3, seed=1)
    b = learning_curve(*args, num_repeats=3, seed=1)
    c = learning_curve(*args, num_repeats=3, seed=2)
    np.testing.assert_array_equal(a.val_loss, b.val_loss)
    assert not np.array_equal(a.val_loss, c.val_loss)
    rng = np.random.default_rng(1)
    d = learning_curve(*args, num_repeats=3, seed=rng)   # a Generator is accepted
    np.testing.assert_array_equal(a.val_loss, d.val_loss)


def test_more_data_lowers_the_validation_loss_of_least_squares():
    X, y = _regression(n=400, p=8)

    def least_squares(X, y):
        w = np.linalg.lstsq(np.c_[np.ones(len(y)), X], y, rcond=None)[0]
        return lambda X_new: np.c_[np.ones(len(X_new)), X_new] @ w

    lc = learning_curve(least_squares, X[:300], y[:300], X[300:], y[300:], [12, 30, 100, 300],
                        num_repeats=5)
    val = np.median(lc.val_loss, axis=1)
    train = np.median(lc.train_loss, axis=1)
    assert np.all(np.diff(val) < 0) and np.all(np.diff(train) > 0)
    assert abs(val[-1] - 0.25) < 0.1 and abs(train[-1] - 0.25) < 0.1   # noise variance 0.25


@pytest.mark.parametrize("kwargs, message", [
    ({"train_sizes": [0, 5]}, "between 1 and"),
    ({"train_sizes": [5, 11]}, "between 1 and"),
    ({"train_sizes": [5, 5]}, "strictly increasing"),
    ({"train_sizes": [8, 4]}, "strictly increasing"),
    ({"train_sizes": [0.52, 0.55]}, "strictly increasing"),
    ({"train_sizes": [0.0, 0.5]}, "fractions"),
    ({"train_sizes": [0.5, 1.5]}, "fractions"),
    ({"train_sizes": [0.01, 0.5]}, "fewer than 1"),
    ({"train_sizes": []}, "non-empty"),
    ({"train_sizes": ["a"]}, "non-empty"),
    ({"num_repeats": 0}, "num_repeats"),
    ({"num_repeats": 2, "shuffle": False}, "shuffle=False"),
    ({"loss": "mse"}, "loss must be a function"),
])
def test_learning_curve_bad_arguments(kwargs, message):
    X, y = np.zeros((10, 1)), np.arange(10.0)
    kwargs = {"train_sizes": [2, 10], **kwargs}
    with pytest.raises(ValueError, match=message):
        learning_curve(_mean_model, X, y, X[:2], y[:2], **kwargs)


def test_learning_curve_bad_data():
    X, y = np.zeros((10, 1)), np.arange(10.0)
    with pytest.raises(ValueError, match="same number of samples"):
        learning_curve(_mean_model, X[:9], y, X, y, [2, 5])
    with pytest.raises(ValueError, match="X_val and y_val"):
        learning_curve(_mean_model, X, y, X[:3], y[:2], [2, 5])
    with pytest.raises(ValueError, match="NaN or infinity"):
        learning_curve(_mean_model, X, np.r_[y[:9], np.nan], X, y, [2, 5])
    with pytest.raises(ValueError, match="model must be"):
        learning_curve(42, X, y, X, y, [2, 5])


def test_an_improvement_is_decided_as_keras_decides_it_even_at_the_last_bit():
    # a + d < b and a < b - d disagree here by rounding; Keras computes the former
    best, loss, min_delta = 0.8765769503061318, 0.38347283238253316, 0.4931041179235986
    assert (loss + min_delta < best) != (loss < best - min_delta)
    curve = [best, loss, loss]
    expected = fit_loop(KerasStyleEarlyStopping(patience=1, min_delta=min_delta), curve)
    assert early_stopping_epoch(curve, patience=1, min_delta=min_delta) == expected

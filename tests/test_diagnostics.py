"""early_stopping_epoch against the Keras EarlyStopping callback loop.

The reference is a plain re-implementation of what ``model.fit`` does with
``keras.callbacks.EarlyStopping(mode="min")``: call ``on_epoch_end`` after
every epoch and stop when the callback sets ``stop_training``. Where Keras is
installed, the real callback is driven the same way.
"""

from __future__ import annotations

import os

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


def _keras():
    if "KERAS_BACKEND" not in os.environ:
        try:
            import torch  # noqa: F401

            os.environ["KERAS_BACKEND"] = "torch"
        except Exception:
            pass
    try:
        import keras
    except Exception as exc:  # not installed, or no usable backend
        pytest.skip(f"Keras is not usable here ({type(exc).__name__}: {exc}); "
                    "install the comparison extras: pip install -r requirements-compare.txt")
    return keras


class _Model:
    stop_training = False


@given(st.lists(grid, min_size=1, max_size=30), st.integers(0, 5), st.integers(0, 8))
def test_agrees_with_keras_early_stopping(curve, patience, delta_steps):
    keras = _keras()
    min_delta = delta_steps / 64
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                             min_delta=min_delta, mode="min")
    model = _Model()
    callback.set_model(model)
    callback.on_train_begin()
    stop = None
    for epoch, loss in enumerate(curve):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            stop = epoch
            break
    assert early_stopping_epoch(curve, patience, min_delta) == (stop, callback.best_epoch)

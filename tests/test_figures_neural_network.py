"""Figures of chapter 12: the cached training runs, the curves the chapter describes, the explorer.

The explorer's redraw time is measured by the benchmark (``python -m benchmarks``),
not asserted here.
"""

from __future__ import annotations

import hashlib

import matplotlib
import numpy as np
import pytest

from lossbook import early_stopping_epoch
from lossbook.figures import neural_network as figs
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def capacity():
    return figs.CapacityDemo()


def test_the_cache_holds_what_fresh_training_gives(capacity):
    for h in (2, 64):
        fresh = figs.diabetes_run(h)
        np.testing.assert_allclose(capacity.runs[h].val_loss, fresh["val_loss"], rtol=1e-8)
        np.testing.assert_allclose(capacity.runs[h].train_loss, fresh["train_loss"], rtol=1e-8)
        for e in figs.EPOCHS:
            np.testing.assert_allclose(capacity._pred[h, e], fresh["predictions"][e], rtol=1e-8,
                                       atol=1e-12)
        # the predictions are the curves' networks: their MSE is the validation loss
        y_val = capacity.data["y_val"]
        assert np.mean((capacity._pred[h, 300] - y_val) ** 2) == pytest.approx(
            capacity.runs[h].val_loss[-1], rel=1e-8)


def test_a_stale_cache_is_ignored(monkeypatch, tmp_path):
    path = tmp_path / "runs.json"
    path.write_text('{"settings": {"lr": 1.0}, "runs": {}}')
    monkeypatch.setattr(figs, "CACHE", path)
    assert figs._read_cache() == {}


def test_more_hidden_units_fit_the_training_set_better_and_overfit_more(capacity):
    final = np.array([capacity.losses(h, 300) for h in figs.HIDDEN_UNITS])
    train, val = final[:, 0], final[:, 1]
    assert np.all(np.diff(train) < 0)
    assert val[-1] > val[0] + 0.3 and train[-1] < 0.1
    for h in figs.HIDDEN_UNITS:   # early stopping restores a better network than the last one
        stop, best = capacity.stopping(h)
        run = capacity.runs[h]
        assert stop < 300 and run.val_loss[best - 1] <= run.val_loss[-1]
        assert early_stopping_epoch(run.val_loss, figs.PATIENCE) == (stop - 1, best - 1)


def test_the_matched_pairing_learns_digits_faster():
    runs = figs.PairingRuns(num_epochs=25)
    ce, mse1, mse3 = (runs.first_epoch(*k) for k in runs.accuracy)
    assert ce < 6 and mse1 > 3 * ce and mse3 > ce
    assert runs.accuracy["cross_entropy", 1.0][9] > runs.accuracy["mse", 1.0][9] + 0.15


def test_every_frame_differs_and_has_its_own_alt_text(capacity):
    explorer = capacity.explorer()
    pngs, alts, _ = xc.frames(explorer)
    assert len(pngs) <= 48
    assert len({hashlib.sha1(p).hexdigest() for p in pngs}) == len(pngs)
    assert len(set(alts)) == len(alts) and all(len(a) > 80 for a in alts)


def test_values_that_were_not_precomputed_are_refused(capacity):
    with pytest.raises(ValueError, match="not precomputed"):
        capacity.losses(5, 30)
    with pytest.raises(ValueError, match="epochs must lie between 1 and 300"):
        figs.CapacityDemo(epochs=(1, 400))
    with pytest.raises(ValueError, match="at least two"):
        figs.CapacityDemo(hidden_units=(4,))


def test_graph_and_curves_draw():
    import matplotlib.pyplot as plt

    fig = plt.figure()
    figs.draw_graph(fig)
    assert len(fig.axes[0].texts) > 10
    hist = figs.CapacityDemo(hidden_units=(2, 4), epochs=(1, 10)).runs[4]
    fig2 = plt.figure()
    stop, best = figs.draw_curves(fig2, hist, patience=figs.PATIENCE)
    assert (stop - 1, best - 1) == early_stopping_epoch(hist.val_loss, figs.PATIENCE)
    plt.close(fig)
    plt.close(fig2)

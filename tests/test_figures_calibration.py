"""Figures of chapter 11 (lossbook.figures.calibration): what they show is right, and fast."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lossbook.figures import calibration as figs
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def demo():
    return figs.TemperatureDemo()


@pytest.fixture(scope="module")
def explorer(demo):
    return demo.explorer()


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _bce(y, z):
    return float(np.mean(np.logaddexp(0, z) - y * z))


def test_expected_scores_are_lowest_at_the_truth_and_the_error_rate_is_flat():
    q = np.linspace(0.001, 0.999, 999)
    for p in (0.1, 0.3, 0.7, 0.95):
        s = figs.expected_scores(p, q)
        assert q[np.argmin(s["log loss"])] == pytest.approx(p, abs=1e-3)
        assert q[np.argmin(s["Brier score"])] == pytest.approx(p, abs=1e-3)
        # the error rate cannot tell q = 0.51 from q = 0.99 (nor the truth from either)
        above = s["error rate"][q > 0.5]
        assert np.ptp(above) == 0.0 and above[0] == pytest.approx(1 - p)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        figs.expected_scores(0.5, [0.0, 0.5])
    with pytest.raises(ValueError, match="probability"):
        figs.expected_scores(1.5, [0.5])


def test_the_classifier_overfits_and_becomes_overconfident():
    model = figs.OverfitClassifier()
    curves = model.curves()
    val = curves["val log loss"]
    best = int(np.argmin(val))
    assert 0 < best < len(val) - 1                               # the validation loss turns up
    assert np.all(np.diff(curves["train log loss"]) <= 1e-12)   # the training loss only falls
    assert curves["val ECE"][-1] > 2 * curves["val ECE"].min()
    # overconfident: T > 1, and dividing by it lowers the test log loss but keeps every label
    z = model.logits("test")
    T = model.temperature
    assert T > 2.0
    assert _bce(model.y_test, z / T) < _bce(model.y_test, z) - 0.1
    np.testing.assert_array_equal(z / T > 0, z > 0)
    # the weights of the last epoch are those the history holds
    np.testing.assert_allclose(model.logits("val"), model.X_val @ model.history.w + model.history.b)


def test_classifier_rejects_bad_arguments():
    model = figs.OverfitClassifier(num_epochs=5)
    with pytest.raises(ValueError, match="'train', 'val' or 'test'"):
        model.logits("validation")
    with pytest.raises(ValueError, match="1..5"):
        model.logits("val", epoch=6)
    with pytest.raises(ValueError, match="num_epochs"):
        figs.OverfitClassifier(num_epochs=0)


def test_frames_hold_independent_values(demo):
    assert demo.fitted in demo.temperatures and 1.0 in demo.temperatures
    assert len(demo.temperatures) <= 48
    y = demo.y_test
    for t in (1.0, demo.fitted, 6.0):
        f = demo.frame(t)
        probs = _sigmoid(demo.z_test / t)
        ids = np.clip(np.ceil(probs * 10 - 1e-12).astype(int) - 1, 0, 9)
        gaps = [abs(y[ids == b].mean() - probs[ids == b].mean()) * np.mean(ids == b)
                for b in range(10) if np.any(ids == b)]
        assert f["ece"] == pytest.approx(sum(gaps), abs=1e-12)
        assert f["test"] == pytest.approx(_bce(y, demo.z_test / t), rel=1e-12)
        assert f["error"] == pytest.approx(np.mean((probs > 0.5) != (y == 1)))
    # the fitted temperature gives the lowest validation loss of the slider's values
    assert min(demo.temperatures, key=lambda t: demo.frame(t)["val"]) == demo.fitted
    assert demo.frame(demo.fitted)["ece"] < demo.frame(1.0)["ece"] / 3
    with pytest.raises(ValueError, match="not precomputed"):
        demo.frame(2.2)


def test_each_frame_differs_and_alt_texts_name_the_state(explorer, demo):
    pngs, alts, _ = xc.frames(explorer)
    assert len(set(pngs)) == len(pngs) == len(demo.temperatures)
    assert len(set(alts)) == len(alts)
    assert "overconfident" in explorer.alt(temperature=1.0)
    assert "overconfident" in explorer.alt(temperature=min(demo.temperatures))
    assert "underconfident" in explorer.alt(temperature=6.0)
    assert f"{demo.frame(1.0)['ece']:.3f}" in explorer.alt(temperature=1.0)


def test_render_is_fast(explorer, demo):
    explorer.render(temperature=1.0)   # the first call draws the static layer
    xc.assert_fast(xc.median_redraw(explorer, [{"temperature": t} for t in demo.temperatures]))


def test_static_figures_draw():
    model = figs.OverfitClassifier(num_epochs=50)
    with plt.rc_context(RC):
        fig = plt.figure()
        assert len(figs.draw_properness(fig, 0.7)) == 3
        fig2 = plt.figure()
        z = model.logits("test")
        axes = figs.draw_reliability(fig2, [("a", model.y_test, _sigmoid(z)),
                                            ("b", model.y_test, model.p_test)])
        assert "ECE" in axes[0].get_title()
        fig3 = plt.figure()
        assert len(figs.draw_training(fig3, model.curves())) == 2
    for f in (fig, fig2, fig3):
        plt.close(f)

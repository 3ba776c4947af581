"""Figures of chapter 6 (lossbook.figures.side_by_side): curves right, explorers alive and fast."""

from __future__ import annotations


import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lossbook as lb
from lossbook.figures import side_by_side as figs
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")

M = np.linspace(-4.0, 4.0, 161)
R = np.linspace(-4.0, 4.0, 161)


def test_regression_losses_match_their_formulas():
    got = figs.regression_losses(R, delta=1.5)
    np.testing.assert_allclose(got["MSE"], R**2)
    np.testing.assert_allclose(got["MAE"], np.abs(R))
    expected = np.where(np.abs(R) <= 1.5, 0.5 * R**2, 1.5 * np.abs(R) - 0.5 * 1.5**2)
    np.testing.assert_allclose(got["Huber"], expected)


def test_margin_losses_are_the_course_losses_of_labels_and_scores():
    rng = np.random.default_rng(1)
    labels = rng.choice([-1.0, 1.0], size=50)
    scores = rng.normal(scale=3.0, size=50)
    m = labels * scores
    got = figs.margin_losses(m, threshold=1.0)
    # cross-entropy of the probability sigmoid(score) for the 0/1 label
    y01 = (labels + 1) / 2
    probs = 1 / (1 + np.exp(-scores))
    bce = -(y01 * np.log(probs) + (1 - y01) * np.log(1 - probs))
    np.testing.assert_allclose(got["cross-entropy"], bce, rtol=1e-9)
    np.testing.assert_allclose(got["hinge"], lb.hinge(labels, scores, reduction="none"))
    np.testing.assert_allclose(got["squared hinge"], lb.squared_hinge(labels, scores, reduction="none"))
    np.testing.assert_array_equal(got["0-1"], (np.sign(scores) != labels).astype(float))


def test_threshold_moves_the_hinge():
    got = figs.margin_losses(np.array([-1.0, 0.0, 0.5, 2.0]), threshold=0.0)   # perceptron loss
    np.testing.assert_allclose(got["hinge"], [1.0, 0.0, 0.0, 0.0])
    got = figs.margin_losses(np.array([-1.0, 0.0, 0.5, 2.0]), threshold=2.0)
    np.testing.assert_allclose(got["squared hinge"], [9.0, 4.0, 2.25, 0.0])


@pytest.mark.parametrize("threshold", [0.0, 1.0, 1.5])
def test_margin_gradients_match_finite_differences(threshold):
    m = M[np.abs(M - threshold) > 0.05]          # away from the hinge's kink
    m = m[np.abs(m) > 0.05]                       # and from the 0-1 jump
    h = 1e-6
    up, down = figs.margin_losses(m + h, threshold), figs.margin_losses(m - h, threshold)
    grads = figs.margin_grads(m, threshold)
    for name in grads:
        np.testing.assert_allclose(grads[name], (up[name] - down[name]) / (2 * h), atol=1e-6,
                                   err_msg=name)


def test_regression_gradients_match_finite_differences():
    r = R[np.abs(R) > 0.05]
    h = 1e-6
    up, down = figs.regression_losses(r + h, 1.0), figs.regression_losses(r - h, 1.0)
    grads = figs.regression_grads(r, 1.0)
    for name in grads:
        np.testing.assert_allclose(grads[name], (up[name] - down[name]) / (2 * h), atol=1e-5,
                                   err_msg=name)


def test_surrogates_bound_the_zero_one_loss():
    """Hinge (threshold 1) and cross-entropy in bits lie above the 0-1 loss everywhere."""
    got = figs.margin_losses(M, threshold=1.0)
    assert np.all(got["hinge"] >= got["0-1"])
    assert np.all(got["cross-entropy"] / np.log(2) >= got["0-1"] - 1e-12)


@pytest.fixture(scope="module", params=["regression", "classification"])
def explorer(request):
    if request.param == "regression":
        return figs.regression_explorer(), "delta"
    return figs.classification_explorer(), "threshold"


def test_each_frame_differs(explorer):
    ex, key = explorer
    frames = {ex.render(**{key: v}) for v in ex.params[key]}
    assert len(frames) == len(ex.params[key])
    alts = {ex.alt(**{key: v}) for v in ex.params[key]}
    assert len(alts) == len(ex.params[key])


def test_render_is_fast(explorer):
    ex, key = explorer
    ex.render(**{key: ex.initial[key]})
    xc.assert_fast(xc.median_redraw(ex, [{key: v} for v in ex.params[key]]))


def test_static_html_has_a_labelled_slider_and_all_frames(explorer):
    ex, key = explorer
    page = ex.static_html()
    assert page.count('type="range"') == 1 and page.count("<label") == 1
    assert page.count("data:image/png;base64,") == len(ex.params[key]) + 1


def test_the_drawn_huber_curve_follows_delta():
    ex = figs.regression_explorer()
    values, grads = ex.panel.curves(2.0)
    x = ex.panel.x
    np.testing.assert_allclose(grads["Huber"], np.clip(x, -2.0, 2.0))
    np.testing.assert_allclose(values["Huber"], np.where(np.abs(x) <= 2, 0.5 * x**2, 2 * np.abs(x) - 2))


def test_overview_draws_every_loss_and_gradient():
    with plt.rc_context(RC):
        fig = plt.figure(figsize=(7.2, 5.6))
        axes = figs.draw_overview(fig, delta=1.0, threshold=1.0)
        labels = [{ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")}
                  for ax in axes.ravel()]
        assert labels[0] == {"MSE", "MAE", "Huber"} == labels[2]
        assert labels[1] == {"cross-entropy", "hinge", "squared hinge", "0-1"} == labels[3]
        huber = [ln for ln in axes[0, 0].get_lines() if ln.get_label() == "Huber"][0]
        r, v = huber.get_data()
        np.testing.assert_allclose(v, np.where(np.abs(r) <= 1, 0.5 * r**2, np.abs(r) - 0.5))
        plt.close(fig)


def test_markdown_table():
    table = figs.markdown_table(["a", "b"], [[1, "x|y"], [2.5, "z"]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| 1 | x\\|y |", "| 2.5 | z |"]
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        figs.markdown_table(["a", "b"], [["only one"]])
    with pytest.raises(ValueError, match="header"):
        figs.markdown_table([], [])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="threshold must be a number >= 0"):
        figs.margin_losses([0.0], threshold=-1.0)
    with pytest.raises(ValueError, match="delta must be a positive"):
        figs.regression_losses([0.0], delta=0.0)
    with pytest.raises(ValueError, match="NaN"):
        figs.margin_grads([np.nan])


def test_table_shows_the_same_cells_in_every_format():
    rows = [["MSE", "100 → 10,000"], ["a <b>", "x|y"]]
    table = figs.Table(["loss", "cost"], rows, caption="costs")
    page = table._repr_html_()
    assert page.count("<tr>") == 3 and "<caption>costs</caption>" in page
    assert "a &lt;b&gt;" in page                      # cells are escaped
    text = repr(table).splitlines()
    assert text[0].split() == ["loss", "cost"] and text[2].startswith("MSE")
    # columns are aligned: the second column starts at the same place on every line
    starts = {line.index(cell) for line, cell in zip(text[2:], ["100", "x|y"])}
    assert len(starts) == 1
    assert table._repr_markdown_().splitlines()[3] == "| a <b> | x\\|y |"
    with pytest.raises(ValueError, match="row 0"):
        figs.Table(["a", "b"], [["1", "2", "3"]])

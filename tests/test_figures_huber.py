"""Figures of chapter 4 (lossbook.figures.huber): what they show is right, and fast."""

from __future__ import annotations


import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lossbook.figures import huber as figs
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def explorer():
    return figs.fit_explorer()


def test_explorer_covers_the_deltas_and_starts_at_one(explorer):
    assert explorer.params["delta"] == list(figs.DELTAS)
    assert explorer.initial["delta"] == 1.0
    assert len(figs.DELTAS) <= 48


def test_fits_shown_agree_with_independent_values(explorer):
    path = explorer.path
    x, y = path.x, path.y
    slope, intercept = np.polyfit(x, y, 1)
    np.testing.assert_allclose(path.fits["mse"], (slope, intercept), rtol=1e-10)
    for delta, (w, b) in path.huber_fits.items():
        psi = np.clip(w * x + b - y, -delta, delta)        # zero gradient = the minimum
        assert abs(psi.sum()) < 1e-7 and abs((psi * x).sum()) < 1e-6, delta
    # as delta grows the slope moves from the MAE slope to the MSE slope (not
    # strictly monotonically: the path has a dip of 2e-4 near delta = 0.4)
    slopes = path.path[:, 1]
    assert np.all(slopes >= path.fits["mae"][0] - 1e-9) and np.all(slopes <= path.fits["mse"][0] + 1e-9)
    assert np.all(np.diff(slopes[path.path[:, 0] >= 0.5]) >= -1e-9)
    assert slopes[0] == pytest.approx(path.fits["mae"][0], abs=0.02)
    assert slopes[-1] == pytest.approx(path.fits["mse"][0], rel=1e-9)


def test_capped_points_are_those_beyond_delta(explorer):
    path = explorer.path
    w, b = path.fit(2.0)
    np.testing.assert_array_equal(path.outside(2.0), np.abs(w * path.x + b - path.y) > 2.0)
    # every outlier is capped at the default delta, no point at the largest one
    assert path.outside(1.0)[path.is_outlier].all()
    assert not path.outside(max(figs.DELTAS)).any()


def test_each_frame_differs(explorer):
    frames = {explorer.render(delta=d) for d in explorer.params["delta"]}
    assert len(frames) == len(explorer.params["delta"])


def test_alt_text_names_the_current_slope(explorer):
    for d in (0.1, 1.0, 15.0):
        slope = explorer.path.fit(d)[0]
        assert f"slope {slope:.2f}" in explorer.alt(delta=d)
    assert explorer.alt(delta=0.1) != explorer.alt(delta=15.0)


def test_render_is_fast(explorer):
    explorer.render(delta=1.0)   # the first call draws the static layer
    xc.assert_fast(xc.median_redraw(explorer, [{"delta": d} for d in explorer.params["delta"]]))


def test_static_html_has_one_frame_per_delta(explorer):
    page = explorer.static_html()
    assert page.count('type="range"') == 1
    assert page.count("data:image/png;base64,") == len(figs.DELTAS) + 1  # frames + initial image


def test_backdrop_layers_line_up_with_a_normal_drawing(explorer):
    """Data coordinates of the layers land on the same pixels as in a figure
    drawn the ordinary way."""
    path = explorer.path
    with plt.rc_context(RC):
        fig = plt.figure()
        axes = path._draw_static(fig)
        fig.canvas.draw()
        fig2 = plt.figure()
        layers = path._backdrop.paste(fig2)
        for ax, layer in zip(axes, layers):
            pts = np.array([[ax.get_xlim()[0], ax.get_ylim()[0]], [ax.get_xlim()[1], ax.get_ylim()[1]]])
            np.testing.assert_allclose(layer.to_pixels(pts), ax.transData.transform(pts), atol=0.5)
        plt.close(fig)
        plt.close(fig2)


@pytest.mark.parametrize("draw", [figs.draw_anatomy, figs.draw_gradients])
def test_static_figures_draw_the_huber_curve(draw):
    with plt.rc_context(RC):
        fig = plt.figure()
        ax = draw(fig, delta=1.5)
        huber_line = [ln for ln in ax.get_lines() if "Huber" in ln.get_label()][0]
        r, v = huber_line.get_data()
        if draw is figs.draw_anatomy:
            expected = np.where(np.abs(r) <= 1.5, 0.5 * r**2, 1.5 * np.abs(r) - 1.125)
        else:
            expected = np.minimum(np.maximum(r, -1.5), 1.5)
        np.testing.assert_allclose(v, expected, atol=1e-12)
        plt.close(fig)


def test_bad_input_is_refused():
    with plt.rc_context(RC):
        fig = plt.figure()
        with pytest.raises(ValueError, match="delta must be a positive"):
            figs.draw_anatomy(fig, delta=-1.0)
        with pytest.raises(ValueError, match="r_max"):
            figs.draw_anatomy(fig, delta=2.0, r_max=1.0)
        plt.close(fig)
    path = figs.FitPath(deltas=(0.5, 1.0))
    with pytest.raises(ValueError, match="not precomputed"):
        path.fit(0.7)

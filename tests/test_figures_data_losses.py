"""Figures of chapter 10 (lossbook.figures.data_losses): what they show is right, and fast."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)
from lossbook.figures import data_losses as figs

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def explorer():
    return figs.quantile_explorer()


def mean_pinball(x, y, w, b, q):
    r = y - (w * x + b)
    return np.mean(np.where(r >= 0, q * r, (q - 1) * r))


def test_lines_match_sklearn_quantile_regressor(explorer):
    from sklearn.linear_model import QuantileRegressor

    path = explorer.path
    for q in (0.1, 0.5, 0.9):
        model = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(path.x[:, None], path.y)
        w, b = path.line(q)
        # the same minimum (the minimiser can be a segment, so compare the loss)
        assert mean_pinball(path.x, path.y, w, b, q) == pytest.approx(
            mean_pinball(path.x, path.y, model.coef_[0], model.intercept_, q), rel=1e-9, abs=1e-12)


def test_lines_are_minima_against_nudges(explorer):
    path = explorer.path
    for q, (w, b) in path.lines.items():
        best = mean_pinball(path.x, path.y, w, b, q)
        for dw, db in ((1e-3, 0), (-1e-3, 0), (0, 1e-2), (0, -1e-2), (1e-3, -1e-2)):
            assert mean_pinball(path.x, path.y, w + dw, b + db, q) >= best - 1e-12


def test_share_below_is_close_to_the_quantile(explorer):
    path = explorer.path
    for q in path.lines:
        # at a pinball minimum at most q n points lie strictly below and at most (1 - q) n above
        below = path.share_below(q)
        w, b = path.line(q)
        above = np.mean(path.y > w * path.x + b)
        assert below <= q + 1e-12 and above <= 1 - q + 1e-12
        assert abs(below - q) <= 2 / path.x.size


def test_quantile_lines_fan_out_with_the_spread(explorer):
    slopes = [explorer.path.line(q)[0] for q in figs.QUANTILES]
    assert np.all(np.diff(slopes) > 0)


def test_quantile_line_validates():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        figs.quantile_line([0.0, 1.0], [0.0, 1.0], 1.5)
    with pytest.raises(ValueError, match="same shape"):
        figs.quantile_line([0.0, 1.0], [0.0], 0.5)
    with pytest.raises(ValueError, match="two samples with different x"):
        figs.quantile_line([1.0, 1.0], [0.0, 1.0], 0.5)
    with pytest.raises(ValueError, match="not precomputed"):
        figs.QuantilePath(quantiles=(0.5,), n=20).line(0.3)


def test_delivery_times_are_seeded_and_skewed():
    x1, y1 = figs.delivery_times(seed=3)
    x2, y2 = figs.delivery_times(seed=3)
    np.testing.assert_array_equal(y1, y2)
    x, y = figs.delivery_times(n=50_000, seed=1)
    r = y - (10 + 3 * x)
    assert abs(r.mean()) < 0.05 and np.mean(r) > np.median(r)   # right-skewed


def test_explorer_frames_and_alt(explorer):
    assert explorer.params["quantile"] == list(figs.QUANTILES) and len(figs.QUANTILES) <= 48
    assert explorer.initial["quantile"] == 0.9
    frames = {explorer.render(quantile=q) for q in figs.QUANTILES}
    assert len(frames) == len(figs.QUANTILES)
    for q in (0.1, 0.9):
        w, _ = explorer.path.line(q)
        assert f"slope {w:.2f}" in explorer.alt(quantile=q)
    page = explorer.static_html()
    assert page.count('type="range"') == 1
    assert page.count("data:image/png;base64,") == len(figs.QUANTILES) + 1


def test_render_is_fast(explorer):
    explorer.render(quantile=0.5)
    xc.assert_fast(xc.median_redraw(explorer, [{"quantile": q} for q in figs.QUANTILES]))


def test_static_figures_draw_the_losses():
    fig = plt.figure()
    figs.draw_pinball(fig)
    lines = fig.axes[0].get_lines()[:3]
    for line, q in zip(lines, (0.1, 0.5, 0.9)):
        r, loss = line.get_data()
        np.testing.assert_allclose(loss, np.where(r >= 0, q * r, (q - 1) * r), atol=1e-12)
    plt.close(fig)
    fig = plt.figure()
    figs.draw_focal(fig)
    for line, g in zip(fig.axes[0].get_lines(), (0.0, 0.5, 2.0, 5.0)):
        p, loss = line.get_data()
        np.testing.assert_allclose(loss, -(1 - p) ** g * np.log(p), rtol=1e-12, atol=1e-300)
    plt.close(fig)

"""Chapter 2 (lossbook.figures.mse_mae): the figures show the right numbers, fast,
and the library claims of the chapter hold where the libraries are installed.

Expected values come from hand-worked arithmetic, explicit loops, NumPy's
mean and median and closed-form gradient-descent paths, never from the
module under test.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

from lossbook.figures import mse_mae as figs
from lossbook.figures._backdrop import Backdrop
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "chapters" / "02_mse_mae.ipynb"
QUIZ = ROOT / "chapters" / "quizzes" / "02_mse_mae.json"


@pytest.fixture(scope="module")
def demo():
    return figs.OutlierDemo()


@pytest.fixture(scope="module")
def explorer(demo):
    return demo.explorer()


@pytest.fixture(scope="module")
def page(explorer):
    return explorer.static_html()


# -- the best constant ------------------------------------------------------------


def test_constant_losses_match_explicit_loops():
    rng = np.random.default_rng(3)
    y = rng.normal(size=7)
    cs = np.array([-1.0, 0.0, 0.3, 2.5])
    mse_c, mae_c = figs.constant_losses(y, cs)
    for k, c in enumerate(cs):
        assert mse_c[k] == pytest.approx(sum((c - v) ** 2 for v in y) / len(y))
        assert mae_c[k] == pytest.approx(sum(abs(c - v) for v in y) / len(y))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mse_is_lowest_at_the_mean_and_mae_at_the_median(seed):
    y = np.random.default_rng(seed).lognormal(size=9)     # skewed: mean and median differ
    c = np.linspace(y.min(), y.max(), 20001)
    mse_c, mae_c = figs.constant_losses(y, c)
    step = c[1] - c[0]
    assert abs(c[np.argmin(mse_c)] - np.mean(y)) <= step
    assert abs(c[np.argmin(mae_c)] - np.median(y)) <= step
    assert abs(np.mean(y) - np.median(y)) > 10 * step


def test_even_count_has_a_flat_mae_minimum():
    y = np.array([1.0, 2.0, 3.0, 10.0])
    mae_c = figs.constant_losses(y, np.array([1.9, 2.0, 2.5, 3.0, 3.1]))[1]
    assert mae_c[1] == mae_c[2] == mae_c[3] == pytest.approx(2.5)   # (1 + 0 + 1 + 8) / 4
    assert mae_c[0] > 2.5 and mae_c[4] > 2.5


def test_constant_fit_figure_marks_the_mean_and_median():
    fig = plt.figure()
    best = figs.draw_constant_fit(fig, [1.0, 2.0, 3.0, 4.0, 10.0])
    assert best["mean"] == 4.0 and best["median"] == 3.0
    assert abs(best["mse_argmin"] - 4.0) < 0.02 and abs(best["mae_argmin"] - 3.0) < 0.02
    notes = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("mean, c = 4" in t for t in notes) and any("median, c = 3" in t for t in notes)
    plt.close(fig)


def test_gradient_descent_paths():
    y = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    lr, steps = 0.7, 40
    mse_path = figs.gd_constant(y, "mse", lr, steps)
    # closed form: c_t - mean = (1 - 2 lr)^t (c_0 - mean)
    expected = y.mean() + (1 - 2 * lr) ** np.arange(steps + 1) * (0.0 - y.mean())
    np.testing.assert_allclose(mse_path, expected, atol=1e-12)
    mae_path = figs.gd_constant(y, "mae", lr, steps)
    # each MAE step moves c by lr * (#below - #above) / n
    c = 0.0
    for t in range(1, steps + 1):
        c -= lr * (np.sum(c > y) - np.sum(c < y)) / len(y)
        assert mae_path[t] == pytest.approx(c)
    tail = np.abs(mae_path[-10:] - np.median(y))
    assert np.all(tail > 0.01) and np.all(tail < lr / len(y) + 1e-12)   # bounces, never settles
    fig = plt.figure()
    paths = figs.draw_gd_constant(fig, y, lr=lr, num_steps=steps)
    np.testing.assert_allclose(paths["mse"], mse_path)
    plt.close(fig)


def test_penalty_figure_draws_the_losses_and_slopes():
    fig = plt.figure()
    figs.draw_penalties(fig, r_max=2.0)
    (loss_ax, slope_ax) = fig.axes
    r, sq = loss_ax.lines[0].get_data()
    np.testing.assert_allclose(sq, r ** 2)
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), np.abs(r))
    np.testing.assert_allclose(slope_ax.lines[0].get_ydata(), 2 * r)
    rs, ss = slope_ax.lines[1].get_data()
    keep = np.isfinite(rs)
    np.testing.assert_array_equal(ss[keep], np.sign(rs[keep]))
    plt.close(fig)


# -- the explorable figure ----------------------------------------------------------


def test_prices_are_seeded():
    np.testing.assert_array_equal(figs.make_prices(), figs.make_prices())
    assert figs.make_prices().shape == (10,)
    assert np.all(figs.make_prices() % 5 == 0)


def test_fits_agree_with_numpy(demo):
    honest = figs.make_prices()
    middle = np.sort(honest)[[4, 5]]      # the 5th and 6th honest prices
    for value in figs.OUTLIER_VALUES:
        y = np.append(honest, value)
        f = demo.fit(value)
        assert f["mean"] == pytest.approx((honest.sum() + value) / 11)
        assert f["median"] == pytest.approx(np.sort(y)[5])
        assert f["mse"] == pytest.approx(np.var(y))
        assert f["mae"] == pytest.approx(np.mean(np.abs(y - np.median(y))))
        # the median stays between two neighbouring honest prices, whatever the outlier
        assert middle[0] <= f["median"] <= middle[1]
    # the mean moves by 1/11 of the outlier's move, without limit
    lo, hi = demo.fit(260)["mean"], demo.fit(2500)["mean"]
    assert hi - lo == pytest.approx((2500 - 260) / 11)
    assert hi > honest.max()


def test_numbers_quoted_in_the_chapter(demo):
    f, g = demo.fit(260), demo.fit(2500)
    assert round(g["mean"]) == 463 and g["median"] == 265
    assert round(g["mse"] / f["mse"]) == 600          # "multiplied by 600"
    assert round(g["mae"] / f["mae"]) == 11           # "about 11"


def test_every_frame_differs(page):
    payload = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    data = json.loads(payload.group(1).replace("<\\/", "</"))
    assert len(data["frames"]) == len(figs.OUTLIER_VALUES)
    assert len(set(data["frames"])) == len(data["frames"])
    assert len(set(data["alts"])) == len(data["alts"])
    assert page.count('type="range"') == 1 and page.count("<label") == 1


def test_alt_text_gives_both_fits_and_losses(demo, explorer):
    for value in figs.OUTLIER_VALUES:
        f = demo.fit(value)
        text = explorer.alt(outlier=value)
        assert f"is {value:g}." in text
        assert f"{f['mean']:.1f}" in text and f"{f['median']:.1f}" in text
        assert f"MAE {f['mae']:.1f}" in text and f"MSE {f['mse']:.4g}" in text


def test_render_is_fast(explorer):
    explorer.render(outlier=260.0)        # the first call draws the static layer
    xc.assert_fast(xc.median_redraw(explorer, [{"outlier": v} for v in figs.OUTLIER_VALUES]))


def test_overlay_lines_up_with_the_static_axes(demo):
    with plt.rc_context(RC):
        fig = plt.figure()
        axes = demo._draw_static(fig)
        fig.canvas.draw()
        fig2 = plt.figure()
        panels = Backdrop(demo._draw_static).paste(fig2)
        for ax, panel in zip(axes, panels):
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            pts = np.array([[x0, y0], [x1, y1], [(x0 + x1) / 2, (y0 + y1) / 2]])
            np.testing.assert_allclose(panel.to_pixels(pts), ax.transData.transform(pts), atol=0.5)
        plt.close(fig)
        plt.close(fig2)


def test_bad_input_is_refused(demo):
    with pytest.raises(ValueError, match="not precomputed"):
        demo.fit(123.0)
    with pytest.raises(ValueError, match="'mse' or 'mae'"):
        figs.gd_constant([1.0, 2.0], "huber", 0.1, 5)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        figs.gd_constant([1.0, 2.0], "mse", -0.1, 5)
    with pytest.raises(ValueError, match="NaN"):
        figs.constant_losses([1.0, np.inf], 0.0)
    with pytest.raises(ValueError, match="1-D"):
        figs.constant_losses([[1.0, 2.0]], 0.0)
    with pytest.raises(ValueError, match="at least two values"):
        figs.OutlierDemo(values=[1.0])
    with pytest.raises(ValueError, match="seed"):
        figs.make_prices(seed=1.5)


# -- the notebook and its quiz ---------------------------------------------------------


def test_quiz_has_feedback_on_every_wrong_answer():
    questions = json.loads(QUIZ.read_text())
    assert len(questions) >= 3
    for q in questions:
        if q["type"] == "multiple_choice":
            assert sum(a["correct"] for a in q["answers"]) == 1, q["question"]
        assert all(a.get("feedback") for a in q["answers"] if not a.get("correct")), q["question"]
    numeric = [q for q in questions if q["type"] == "numeric"][0]
    right = [a["value"] for a in numeric["answers"] if a.get("correct")]
    assert right == [(250_000 - 300_000) ** 2]


def test_notebook_follows_the_conventions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = next(c for c in code if "google.colab" not in c.source)  # after the Colab cell
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "remove-input" in setup.metadata.get("tags", [])
    assert "default_rng(0)" in setup.source and "apply_style()" in setup.source
    assert "../exercises/02_mse_mae.ipynb" in text
    assert 'display_quiz("quizzes/02_mse_mae.json")' in "".join(c.source for c in code)
    assert text.count("<details>") >= 3
    for cell in code:
        assert "plt.show()" not in cell.source
        if "show(fig" in cell.source:
            assert "alt=" in cell.source
    pinned = [c for c in code if "nbval-check-output" in c.metadata.get("tags", [])]
    assert pinned and all(c.outputs for c in pinned)
    outputs = "".join(c.outputs[0]["text"] for c in pinned)
    assert "2.5e+09" in outputs and "30,000.00" in outputs     # the worked examples
    assert "lossbook refuses" in outputs                       # the shape error, shown


# -- the library claims of the chapter ---------------------------------------------------


def test_scikit_learn_claims():
    from sklearn.linear_model import SGDRegressor
    from sklearn.metrics import mean_squared_error, root_mean_squared_error

    y_true, y_pred = [300_000.0, 200_000.0, 450_000.0], [250_000.0, 210_000.0, 440_000.0]
    assert root_mean_squared_error(y_true, y_pred) == pytest.approx(30_000.0)
    with pytest.raises(TypeError):
        mean_squared_error(y_true, y_pred, squared=False)       # removed in 1.6
    column = np.array([[1.0], [2.0], [5.0]])
    assert mean_squared_error([1.0, 2.0, 3.0], column) == pytest.approx(4 / 3)
    weighted = mean_squared_error([[1.0, 2.0], [3.0, 4.0]], [[1.0, 3.0], [3.0, 7.0]],
                                  sample_weight=[1.0, 0.0])
    assert weighted == pytest.approx(0.5)                       # divides by the sum of weights
    params = SGDRegressor().get_params()
    assert params["loss"] == "squared_error" and params["eta0"] == 0.01
    assert params["learning_rate"] == "invscaling"


def test_pytorch_claims():
    torch = pytest.importorskip("torch")
    assert torch.nn.MSELoss().reduction == "mean" and torch.nn.L1Loss().reduction == "mean"
    column = torch.tensor([[1.0], [2.0], [5.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wrong = torch.nn.MSELoss()(column, torch.tensor([1.0, 2.0, 3.0]))
    assert float(wrong) == pytest.approx(4.0)                   # broadcast to (3, 3)
    assert any("different to the input size" in str(w.message) for w in caught)
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    torch.nn.L1Loss()(x, torch.tensor([1.0, 0.0, 5.0])).backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 1 / 3, -1 / 3])   # sign(0) = 0
    import inspect
    assert inspect.signature(torch.optim.SGD).parameters["lr"].default == 1e-3


def test_keras_claims():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    mse_loss = keras.losses.MeanSquaredError()
    assert mse_loss.reduction == "sum_over_batch_size"
    assert keras.losses.MeanAbsoluteError().reduction == "sum_over_batch_size"
    column = np.array([[1.0], [2.0], [5.0]])
    assert float(mse_loss(np.array([1.0, 2.0, 3.0]), column)) == pytest.approx(4 / 3, rel=1e-6)
    weighted = mse_loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 3.0], [3.0, 7.0]]),
                        sample_weight=np.array([1.0, 0.0]))
    assert float(weighted) == pytest.approx(0.25)                # divides by the batch size
    import inspect
    assert inspect.signature(keras.optimizers.SGD).parameters["learning_rate"].default == 0.01
    assert hasattr(keras.metrics, "RootMeanSquaredError")

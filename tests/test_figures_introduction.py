"""Chapter 1 (lossbook.figures.introduction): the figures show the right numbers, fast.

Expected values come from hand-worked arithmetic, closed-form least squares
(``np.polyfit``), the curvature of the loss (eigenvalues of its Hessian) and
``lossbook.models.train_gd``, never from the module under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

from lossbook.figures import introduction as figs
from lossbook.figures._backdrop import Backdrop
from lossbook.models import train_gd
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "chapters" / "01_introduction.ipynb"
QUIZ = ROOT / "chapters" / "quizzes" / "01_introduction.json"


@pytest.fixture(scope="module")
def demo():
    return figs.LearningRateDemo()


@pytest.fixture(scope="module")
def explorer(demo):
    return demo.explorer()


# -- the data and the training loop ------------------------------------------


def test_flats_are_seeded_and_follow_the_stated_line():
    x, y = figs.make_flats()
    x2, y2 = figs.make_flats()
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert x.shape == y.shape == (20,)
    assert np.all(np.diff(x) >= 0) and 0.4 <= x.min() and x.max() <= 1.6
    w, b = np.polyfit(x, y, 1)
    assert abs(w - 2.0) < 0.3 and abs(b - 1.0) < 0.3   # y = 1 + 2x plus noise of sd 0.25
    noiseless = figs.make_flats(noise=0.0)
    np.testing.assert_allclose(noiseless[1], 1 + 2 * noiseless[0])


def test_one_step_matches_the_hand_worked_example():
    hist = figs.train_line([1.0, 2.0, 3.0], [3.0, 5.0, 7.0], lr=0.1, num_epochs=1, w0=1.0)
    # by hand: loss 29/3; dL/dw = -40/3, dL/db = -6; w = 1 + 4/3, b = 0.6;
    # new residuals -1/15, 4/15, 9/15, so the new loss is 98/675
    assert hist["loss"][0] == pytest.approx(29 / 3)
    assert hist["w"][1] == pytest.approx(7 / 3)
    assert hist["b"][1] == pytest.approx(0.6)
    assert hist["loss"][1] == pytest.approx(98 / 675)


def test_training_agrees_with_the_course_trainer():
    x, y = figs.make_flats()
    for lr in (0.03, 0.3):
        ours = figs.train_line(x, y, lr=lr, num_epochs=40)
        theirs = train_gd(x[:, None], y, loss="mse", lr=lr, num_epochs=40)
        # train_line records the start as epoch 0; train_gd records after each epoch
        np.testing.assert_allclose(ours["loss"][1:], theirs.train_loss, rtol=1e-10)
        np.testing.assert_allclose(ours["w"][1:], theirs.weights[:, 0], rtol=1e-10)


def test_long_training_reaches_least_squares():
    x, y = figs.make_flats()
    hist = figs.train_line(x, y, lr=0.3, num_epochs=600)
    w, b = np.polyfit(x, y, 1)
    np.testing.assert_allclose([hist["w"][-1], hist["b"][-1]], [w, b], rtol=1e-8)
    bw, bb, lowest = figs.best_line(x, y)
    np.testing.assert_allclose([bw, bb], [w, b], rtol=1e-10)
    assert lowest == pytest.approx(np.mean((w * x + b - y) ** 2))


def test_divergence_matches_the_curvature_of_the_loss(demo):
    """Gradient descent on a quadratic converges iff lr < 2 / (largest Hessian eigenvalue)."""
    x = demo.x
    A = np.column_stack([x, np.ones_like(x)])
    largest = np.linalg.eigvalsh(2 * A.T @ A / len(x)).max()
    limit = 2 / largest
    assert 0.45 < limit < 0.6, "the chapter says the limit lies between 0.45 and 0.6"
    for lr in figs.LEARNING_RATES:
        assert demo.diverges(lr) == (lr > limit), lr
    assert [lr for lr in figs.LEARNING_RATES if demo.diverges(lr)] == [0.6]
    loss = demo.run(0.6)["loss"]
    assert np.all(np.diff(loss[1:]) > 0) and loss[-1] > 1e12


def test_slow_learning_rate_crawls_and_good_one_converges(demo):
    lowest = demo.best[2]
    assert demo.run(0.01)["loss"][-1] > 10 * lowest          # "more than ten times"
    assert demo.run(0.3)["loss"][-1] < 1.05 * lowest


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="lr must be a positive number"):
        figs.train_line([1.0, 2.0], [1.0, 2.0], lr=0.0, num_epochs=3)
    with pytest.raises(ValueError, match="num_epochs"):
        figs.train_line([1.0, 2.0], [1.0, 2.0], lr=0.1, num_epochs=-1)
    with pytest.raises(ValueError, match="same length"):
        figs.train_line([1.0, 2.0, 3.0], [1.0, 2.0], lr=0.1, num_epochs=3)
    with pytest.raises(ValueError, match="NaN"):
        figs.best_line([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="seed"):
        figs.make_flats(seed=-1)
    with pytest.raises(ValueError, match="spread"):
        figs.dart_throws(0.0)
    with pytest.raises(ValueError, match="not precomputed"):
        figs.LearningRateDemo().run(0.2)


# -- the explorable figure -----------------------------------------------------


def test_explorer_grid(explorer):
    assert explorer.params["lr"] == list(figs.LEARNING_RATES)
    assert explorer.params["epoch"] == list(figs.EPOCHS)
    assert len(figs.LEARNING_RATES) * len(figs.EPOCHS) <= 48
    assert explorer.initial == {"lr": 0.1, "epoch": 5}


@pytest.fixture(scope="module")
def page(explorer):
    return explorer.static_html()


def frames_of(page: str) -> list[str]:
    payload = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(payload.group(1).replace("<\\/", "</"))["frames"]


def test_every_frame_differs(page):
    frames = frames_of(page)
    assert len(frames) == len(figs.LEARNING_RATES) * len(figs.EPOCHS)
    assert len(set(frames)) == len(frames)


def test_alt_text_describes_each_frame(demo, explorer):
    x, y = demo.x, demo.y
    for lr in figs.LEARNING_RATES:
        for epoch in (0, 10):
            text = explorer.alt(lr=lr, epoch=epoch)
            assert f"learning rate {lr:g}" in text and f"after {epoch} epochs" in text
            assert ("diverges" in text) == (lr == 0.6)
    # the line quoted for lr = 0.1 after 10 epochs is the one gradient descent reaches
    w, b = 0.0, 0.0
    for _ in range(10):
        r = w * x + b - y
        w, b = w - 0.1 * 2 * np.mean(r * x), b - 0.1 * 2 * np.mean(r)
    assert f"y = {w:.3g} x + {b:.3g}" in explorer.alt(lr=0.1, epoch=10)
    assert "left the chart" in explorer.alt(lr=0.6, epoch=20)


def test_render_is_fast(explorer):
    for lr in figs.LEARNING_RATES:         # the first frame of each lr draws its static layer
        explorer.render(lr=lr, epoch=0)
    xc.assert_fast(xc.median_redraw(explorer, [
        {"lr": lr, "epoch": epoch} for lr in figs.LEARNING_RATES for epoch in figs.EPOCHS], repeat=2))


def test_static_html_holds_every_frame(page):
    n = len(figs.LEARNING_RATES) * len(figs.EPOCHS)
    assert page.count('type="range"') == 2 and page.count("<label") == 2
    assert page.count("data:image/png;base64,") == n + 1     # the frames and the initial image
    assert len(page) < 1_000_000, f"{len(page) / 1e6:.2f} MB of frames is too heavy for a page"


def test_overlay_lines_up_with_the_static_axes(demo):
    with plt.rc_context(RC):
        fig = plt.figure()
        axes = demo._draw_static(fig, 0.1)
        fig.canvas.draw()
        fig2 = plt.figure()
        panels = Backdrop(demo._draw_static).paste(fig2, 0.1)
        for ax, panel in zip(axes, panels):
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            pts = np.array([[x0, y0], [x1, y1], [(x0 + x1) / 2, (y0 + y1) / 2]])
            np.testing.assert_allclose(panel.to_pixels(pts), ax.transData.transform(pts), atol=0.5)
        plt.close(fig)
        plt.close(fig2)


# -- the static figures ---------------------------------------------------------


def test_darts_titles_quote_the_mean_squared_distance():
    fig = plt.figure()
    early, late = figs.draw_darts(fig)
    throws_early = figs.dart_throws(0.45, offset=(0.6, 0.4), seed=1)
    throws_late = figs.dart_throws(0.18, offset=(0.05, -0.03), seed=2)
    assert early == pytest.approx(np.mean(throws_early[:, 0] ** 2 + throws_early[:, 1] ** 2))
    assert late == pytest.approx(np.mean(throws_late[:, 0] ** 2 + throws_late[:, 1] ** 2))
    assert early > 5 * late
    titles = [ax.get_title() for ax in fig.axes]
    assert f"{early:.2f}" in titles[0] and f"{late:.2f}" in titles[1]
    plt.close(fig)


def test_training_loop_diagram_has_four_steps_in_order():
    fig = plt.figure()
    figs.draw_training_loop(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    heads = [t for t in texts if re.match(r"\d\. ", t)]
    assert heads == ["1. Predict", "2. Score", "3. Gradient", "4. Update"]
    plt.close(fig)


def test_zero_loss_fits():
    fits = figs.zero_loss_fits()
    x, y = fits["x"], fits["y"]
    assert fits["train_mse"]["poly"] < 1e-12                 # passes through every point
    w, b = np.polyfit(x, y, 1)
    np.testing.assert_allclose(fits["line"](x), w * x + b, rtol=1e-10)
    assert fits["train_mse"]["line"] == pytest.approx(np.mean((w * x + b - y) ** 2))
    new = np.mean((w * fits["x_new"] + b - fits["y_new"]) ** 2)
    assert fits["new_mse"]["line"] == pytest.approx(new)
    assert fits["new_mse"]["poly"] > 5 * fits["new_mse"]["line"]   # memorised noise
    assert abs(fits["new_mse"]["line"] - 0.3 ** 2) < 0.03          # near the noise variance


# -- the notebook and its quiz -----------------------------------------------------


def test_quiz_has_feedback_on_every_wrong_answer():
    questions = json.loads(QUIZ.read_text())
    assert len(questions) >= 3
    for q in questions:
        answers = q["answers"]
        if q["type"] == "multiple_choice":
            assert sum(a["correct"] for a in answers) == 1, q["question"]
        assert all(a.get("feedback") for a in answers if not a.get("correct")), q["question"]
    numeric = [q for q in questions if q["type"] == "numeric"][0]
    right = [a["value"] for a in numeric["answers"] if a.get("correct")]
    assert right == [pytest.approx(np.mean(np.square([1 - 3, 2 - 5, 3 - 7])), abs=5e-4)]


def test_notebook_follows_the_conventions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = next(c for c in code if "google.colab" not in c.source)  # after the Colab cell
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "remove-input" in setup.metadata.get("tags", [])
    assert "default_rng(0)" in setup.source and "apply_style()" in setup.source
    assert "../exercises/01_introduction.ipynb" in text
    assert 'display_quiz("quizzes/01_introduction.json")' in "".join(c.source for c in code)
    assert text.count("<details>") >= 3
    for cell in code:
        assert "plt.show()" not in cell.source
        if "show(fig" in cell.source:
            assert "alt=" in cell.source
    for chapter in ("02_mse_mae", "03_cross_entropy", "04_huber", "05_hinge",
                    "06_side_by_side", "07_overfitting", "08_choosing_a_loss"):
        assert f"../chapters/{chapter}.ipynb" in text, chapter
        assert (ROOT / "chapters" / f"{chapter}.ipynb").exists()
    pinned = [c for c in code if "nbval-check-output" in c.metadata.get("tags", [])]
    assert pinned and all(c.outputs for c in pinned)
    assert "9.6667" in pinned[0].outputs[0]["text"]

"""Figures of chapter 5: the data are seeded, the losses and highlighted points
the explorer shows agree with scikit-learn and with values computed here,
every frame differs, and a redraw is fast."""

from __future__ import annotations

import hashlib
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.metrics import hinge_loss
from sklearn.svm import SVC

from lossbook.figures import hinge as figs
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data():
    return figs.make_blobs()


@pytest.fixture(scope="module")
def explorer():
    return figs.classifier_explorer()


def scores_by_hand(X, angle, offset):
    a = math.radians(angle)
    return X[:, 0] * math.cos(a) + X[:, 1] * math.sin(a) - offset


# -- data ------------------------------------------------------------------------------


def test_data_are_seeded_balanced_and_where_the_docstring_says(data):
    X, y = data
    X2, y2 = figs.make_blobs()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(figs.make_blobs(seed=1)[0], X)
    assert X.shape == (40, 2) and sorted(set(y.tolist())) == [-1.0, 1.0] and (y == 1).sum() == 20
    # class means within 4 standard errors (0.8 / sqrt(20)) of the stated centres
    assert np.all(np.abs(X[y == 1].mean(axis=0) - [2.0, 1.5]) < 4 * 0.8 / math.sqrt(20))
    assert np.all(np.abs(X[y == -1].mean(axis=0) - [-1.0, -1.3]) < 4 * 0.8 / math.sqrt(20))


# -- what the explorer shows -------------------------------------------------------------


@pytest.mark.parametrize("angle", figs.ANGLES)
@pytest.mark.parametrize("offset", figs.OFFSETS)
def test_margin_report_agrees_with_scikit_learn(data, angle, offset):
    X, y = data
    rep = figs.margin_report(X, y, angle, offset)
    scores = scores_by_hand(X, angle, offset)
    np.testing.assert_allclose(rep["scores"], scores, atol=1e-12)
    assert rep["mean_loss"] == pytest.approx(hinge_loss(y, scores), rel=1e-12)
    np.testing.assert_array_equal(rep["inside"], y * scores < 1)
    np.testing.assert_array_equal(rep["misclassified"], np.sign(scores) != y)


def test_best_grid_position_is_the_brute_force_minimum(data):
    X, y = data
    losses = {(a, c): hinge_loss(y, scores_by_hand(X, a, c)) for a in figs.ANGLES for c in figs.OFFSETS}
    best = min(losses, key=losses.get)
    angle, offset, loss = figs.best_unit_boundary(X, y)
    assert (angle, offset) == best
    assert loss == pytest.approx(losses[best])


def test_best_grid_position_is_near_the_svm_direction(data):
    """With lambda = 0.1 the SVM's |w| is about 1, so the best unit-norm slider
    position should point within one slider step (20 degrees) of it."""
    X, y = data
    svc = SVC(kernel="linear", C=1 / (0.1 * len(y))).fit(X, y)
    svm_angle = math.degrees(math.atan2(svc.coef_[0][1], svc.coef_[0][0]))
    angle, _, _ = figs.best_unit_boundary(X, y)
    assert abs(angle - svm_angle) <= 20


def layer_lines(fig):
    return [a for a in fig.artists if isinstance(a, matplotlib.lines.Line2D)]


def test_highlighted_points_are_those_inside_the_margin(data):
    X, y = data
    with plt.rc_context(RC):
        fig = plt.figure()
        figs.draw_classifier(fig, angle=20, offset=0.5)
    margins = y * scores_by_hand(X, 20, 0.5)
    rings = [ln for ln in layer_lines(fig) if ln.get_marker() == "o" and ln.get_markerfacecolor() == "none"]
    crosses = [ln for ln in layer_lines(fig) if ln.get_marker() == "x"]
    left_ring = rings[0]
    np.testing.assert_allclose(np.sort(left_ring.get_xdata()), np.sort(X[margins < 1, 0]))
    np.testing.assert_allclose(np.sort(crosses[0].get_xdata()), np.sort(X[margins < 0, 0]))
    right_ring = rings[1]       # the same points on the hinge curve: x = margin, y = hinge
    np.testing.assert_allclose(np.sort(right_ring.get_xdata()), np.sort(margins[margins < 1]))
    np.testing.assert_allclose(right_ring.get_ydata(), 1 - right_ring.get_xdata())
    texts = " ".join(t.get_text() for t in fig.artists if isinstance(t, matplotlib.text.Text))
    assert f"{int((margins < 1).sum())} inside the margin, {int((margins < 0).sum())} misclassified" in texts
    assert f"mean hinge loss = {hinge_loss(y, scores_by_hand(X, 20, 0.5)):.3f}" in texts
    plt.close(fig)


def test_every_frame_differs(explorer):
    digests = {hashlib.sha1(explorer.render(angle=a, offset=c)).hexdigest()
               for a in figs.ANGLES for c in figs.OFFSETS}
    assert len(digests) == len(figs.ANGLES) * len(figs.OFFSETS) <= 48


def test_alt_text_states_the_counts_and_the_loss(explorer, data):
    X, y = data
    text = explorer.alt(angle=0, offset=0.0)
    margins = y * scores_by_hand(X, 0, 0.0)
    assert f"{int((margins < 1).sum())} points lie inside the margin" in text
    assert f"{hinge_loss(y, scores_by_hand(X, 0, 0.0)):.3f}" in text
    assert explorer.alt(angle=40, offset=0.5) != text


def test_render_is_fast(explorer):
    explorer.render(angle=0, offset=0.0)     # the first call draws the static layer
    xc.assert_fast(xc.median_redraw(explorer, [
        {"angle": a, "offset": c} for a in figs.ANGLES for c in figs.OFFSETS[::2]]))


# -- the trained SVM figure ------------------------------------------------------------------


def test_svm_figure_rings_scikit_learns_support_vectors_and_draws_the_margin(data):
    X, y = data
    svc = SVC(kernel="linear", C=1 / (0.1 * len(y))).fit(X, y)
    w, b = svc.coef_[0], svc.intercept_[0]
    with plt.rc_context(RC):
        fig = plt.figure()
        ax = figs.draw_svm(fig, X, y, w, b)
    ringed = [c for c in ax.collections if c.get_label().startswith("support vectors")][0]
    np.testing.assert_allclose(np.sort(ringed.get_offsets()[:, 0]), np.sort(X[svc.support_, 0]))
    boundary, margin_line = ax.get_lines()[:2]
    # every point of the dashed line is 1/|w| from the boundary w.x + b = 0
    pts = np.column_stack([margin_line.get_xdata(), margin_line.get_ydata()])
    np.testing.assert_allclose(np.abs(pts @ w + b) / np.linalg.norm(w), 1 / np.linalg.norm(w), rtol=1e-9)
    pts0 = np.column_stack([boundary.get_xdata(), boundary.get_ydata()])
    np.testing.assert_allclose(pts0 @ w + b, 0.0, atol=1e-9)
    plt.close(fig)


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("call, words", [
    (lambda: figs.make_blobs(n_per_class=0), "n_per_class must be a whole number >= 1"),
    (lambda: figs.make_blobs(seed=-1), "seed must be a whole number >= 0"),
    (lambda: figs.margin_report(np.zeros((4, 3)), np.ones(4), 0, 0), "X must have shape (N, 2)"),
    (lambda: figs.margin_report(np.zeros((4, 2)), np.ones(3), 0, 0), "y must have shape (4,)"),
    (lambda: figs.margin_report(np.zeros((2, 2)), np.array([0.0, 1.0]), 0, 0), "y = 2 * y - 1"),
    (lambda: figs.margin_report(np.zeros((2, 2)), np.array([1.0, -1.0]), "north", 0), "angle must be a number"),
    (lambda: figs.unit_classifier(0, float("inf")), "offset must be a finite number"),
    (lambda: figs.best_unit_boundary(*figs.make_blobs(), angles=[]), "at least one angle"),
    (lambda: figs.draw_svm(plt.figure(), *figs.make_blobs(), [0.0, 0.0], 0.0), "not both zero"),
])
def test_bad_input_is_refused_with_a_clear_message(call, words):
    with pytest.raises(ValueError) as err:
        call()
    assert words in str(err.value)
    plt.close("all")


# -- what the chapter says about the libraries ------------------------------------------
# scikit-learn is a course requirement; PyTorch and Keras are optional and skip cleanly.

CS231N = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
EMAILS_Y = np.array([1.0, -1.0, 1.0, -1.0])
EMAILS_F = np.array([2.0, 0.5, -1.0, -0.4])


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def as_float(x):
    return float(x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x))


def test_scikit_learn_defaults_and_label_mapping():
    from sklearn.linear_model import SGDClassifier
    from sklearn.svm import LinearSVC

    assert LinearSVC().loss == "squared_hinge" and LinearSVC().multi_class == "ovr"
    assert SGDClassifier().loss == "hinge" and SGDClassifier().alpha == 1e-4
    assert not hasattr(SGDClassifier(loss="hinge").fit(*figs.make_blobs()), "predict_proba")
    # any two labels are mapped to -1/+1, so 0/1 labels give the converted value
    assert hinge_loss((EMAILS_Y + 1) / 2, EMAILS_F) == pytest.approx(1.025)
    assert hinge_loss([0, 1, 2], CS231N, labels=[0, 1, 2]) == pytest.approx(9.5 / 3)


def test_pytorch_multi_margin_and_hinge_embedding(torch):
    f = torch.nn.functional
    s, t = torch.tensor(CS231N), torch.tensor([0, 1, 2])
    assert as_float(f.multi_margin_loss(s, t)) == pytest.approx(15.8 / 3 / 3)
    # HingeEmbeddingLoss returns x itself for y = +1: not the SVM hinge
    assert as_float(f.hinge_embedding_loss(torch.tensor(EMAILS_F), torch.tensor(EMAILS_Y))) == pytest.approx(0.725)


def test_keras_hinge_conversion_and_categorical_hinge(keras):
    # keras#15665: 1.3 from Keras where the formula on 0/1 labels gives 0.9
    y01 = np.array([[0.0, 1.0], [0.0, 0.0]])
    p = np.array([[0.6, 0.4], [0.4, 0.6]])
    assert as_float(keras.losses.Hinge()(y01, p)) == pytest.approx(1.3, rel=1e-6)
    assert float(np.mean(np.maximum(0.0, 1.0 - y01 * p))) == pytest.approx(0.9)
    # mixed labels are not converted
    assert as_float(keras.losses.Hinge()(np.array([1.0, 0.0, -1.0]), np.array([2.0, 0.5, -1.0]))) == \
        pytest.approx(1 / 3, rel=1e-6)
    # CategoricalHinge: Crammer-Singer on the CS231n scores...
    ch = keras.losses.CategoricalHinge(reduction=None)(np.eye(3), CS231N)
    np.testing.assert_allclose(np.asarray(ch.detach().cpu() if hasattr(ch, "detach") else ch), [2.9, 0.0, 6.6],
                               rtol=1e-5)
    # ...but 0 enters the max when every wrong score is negative (keras#8083)
    assert as_float(keras.losses.CategoricalHinge()(np.array([[0.0, 0.0, 1.0]]),
                                                    np.array([[-3.0, -1.0, -2.0]]))) == pytest.approx(3.0)


def test_at_120_degrees_the_misclassified_points_are_never_a_majority(data):
    """Chapter 5's explorer note: 7 wrong at offset 0, never half of the 40 at any offset."""
    X, y = data
    wrong = {c: int(figs.margin_report(X, y, 120, c)["misclassified"].sum()) for c in figs.OFFSETS}
    inside = int(figs.margin_report(X, y, 120, 0.0)["inside"].sum())
    assert wrong[0.0] == 7 and inside == 31
    assert max(wrong.values()) == wrong[1.5] == len(y) / 2     # half, never a majority


def test_support_vectors_below_the_cap_sit_exactly_on_the_margin_lines(data):
    """Chapter 5: of the SVC's 8 support vectors, the 2 with 0 < alpha < C have margin 1."""
    X, y = data
    C = 1 / (0.1 * len(y))
    svc = SVC(kernel="linear", C=C).fit(X, y)
    margins = y[svc.support_] * svc.decision_function(X[svc.support_])
    alpha = np.abs(svc.dual_coef_[0])
    below_cap = alpha < C * (1 - 1e-6)
    assert len(svc.support_) == 8 and below_cap.sum() == 2
    np.testing.assert_allclose(margins[below_cap], 1.0, atol=1e-6)
    assert np.all(margins[~below_cap] < 1.0 - 1e-3)

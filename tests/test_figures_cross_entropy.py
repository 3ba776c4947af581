"""Figures of chapter 3: the numbers they show agree with values computed
independently here (plain ``math``, finite differences, a scalar minimiser),
every frame of the explorer differs, and a redraw is fast."""

from __future__ import annotations

import hashlib
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from lossbook.figures import cross_entropy as figs
from lossbook.figures._backdrop import Backdrop
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")


def softmax_by_hand(logits, temperature):
    exps = [math.exp(z / temperature) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


@pytest.fixture(scope="module")
def explorer():
    return figs.softmax_explorer()


# -- the numbers the figures show ------------------------------------------------


def test_worked_example_state():
    state = figs.softmax_state(2.0, 1.0)
    # e^2, e^1, e^0.1 = 7.389, 2.718, 1.105; sum 11.2125
    assert state["probs"] == pytest.approx([7.389056 / 11.212509, 2.718282 / 11.212509, 1.105171 / 11.212509],
                                           rel=1e-6)
    assert state["loss"] == pytest.approx(0.417030, abs=1e-6)


@pytest.mark.parametrize("temperature", figs.TEMPERATURES)
@pytest.mark.parametrize("true_logit", figs.TRUE_LOGITS)
def test_state_agrees_with_a_softmax_by_hand(true_logit, temperature):
    logits = [true_logit, *figs.OTHER_LOGITS]
    probs = softmax_by_hand(logits, temperature)
    state = figs.softmax_state(true_logit, temperature)
    assert state["probs"] == pytest.approx(probs, rel=1e-9, abs=1e-300)
    # -ln p0 written as a log-sum-exp, so that tiny p0 at T = 0.25 is exact too
    m = max(z / temperature for z in logits)
    lse = m + math.log(sum(math.exp(z / temperature - m) for z in logits))
    assert state["loss"] == pytest.approx(lse - true_logit / temperature, rel=1e-9, abs=1e-12)
    assert sum(state["probs"]) == pytest.approx(1.0)


def test_high_temperature_approaches_a_uniform_shrug():
    assert figs.softmax_state(2.0, 1e4)["loss"] == pytest.approx(math.log(3), abs=1e-3)


def test_confident_mistakes_curves_are_minus_log_p_and_squared_error():
    with plt.rc_context(RC):
        fig = plt.figure()
        ax = figs.draw_confident_mistakes(fig, marks=(0.8, 0.2, 0.01))
    ce_line, sq_line = ax.get_lines()[:2]
    p = ce_line.get_xdata()
    np.testing.assert_allclose(ce_line.get_ydata(), [-math.log(v) for v in p])
    np.testing.assert_allclose(sq_line.get_ydata(), [(1 - v) ** 2 for v in sq_line.get_xdata()])
    labels = " ".join(t.get_text() for t in ax.texts)
    assert "p = 0.2: 1.609" in labels and "p = 0.8: 0.223" in labels and "p = 0.01: 4.605" in labels
    plt.close(fig)


def test_logit_gradients_match_finite_differences():
    z = np.linspace(-9, 9, 37)
    h = 1e-6

    def bce(v):          # binary cross-entropy of a label-1 sample, from its logit
        return math.log1p(math.exp(-v))

    def sq(v):           # squared error of the sigmoid's probability
        return (1 / (1 + math.exp(-v)) - 1) ** 2

    ce, sqg = figs.logit_gradients(z)
    np.testing.assert_allclose(ce, [(bce(v + h) - bce(v - h)) / (2 * h) for v in z], atol=1e-7)
    np.testing.assert_allclose(sqg, [(sq(v + h) - sq(v - h)) / (2 * h) for v in z], atol=1e-7)
    # the point of the figure: at a confident mistake one pushes, the other does not
    assert ce[0] < -0.999 and abs(sqg[0]) < 1e-3


def smoothed_loss_by_hand(gap, eps, c):
    # logits [gap, 0, ..., 0]; targets 1 - eps + eps/c on the first class, eps/c elsewhere
    log_z = math.log(math.exp(gap) + (c - 1))
    log_p_true, log_p_other = gap - log_z, -log_z
    return -((1 - eps + eps / c) * log_p_true + (c - 1) * (eps / c) * log_p_other)


@pytest.mark.parametrize("eps, c", [(0.1, 3), (0.2, 10), (0.05, 2)])
def test_smoothing_curve_and_its_minimum(eps, c):
    gaps = np.linspace(-3, 12, 31)
    np.testing.assert_allclose(figs.smoothing_curve(gaps, eps, c),
                               [smoothed_loss_by_hand(g, eps, c) for g in gaps], rtol=1e-12)
    res = minimize_scalar(lambda g: smoothed_loss_by_hand(g, eps, c), bounds=(0, 30), method="bounded",
                          options={"xatol": 1e-9})
    assert figs.best_smoothing_gap(eps, c) == pytest.approx(res.x, abs=1e-5)
    q = np.array([1 - eps + eps / c] + [eps / c] * (c - 1))
    entropy = float(-(q * np.log(q)).sum())
    assert res.fun == pytest.approx(entropy, rel=1e-9)     # the floor is the entropy of the target


def test_label_smoothing_figure_marks_the_minimum():
    with plt.rc_context(RC):
        fig = plt.figure()
        ax = figs.draw_label_smoothing(fig, 0.1, 3)
    assert any("best gap 3.33, loss 0.291" in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_no_smoothing_means_no_finite_best_gap():
    assert figs.best_smoothing_gap(0.0, 3) == math.inf


# -- the explorer ---------------------------------------------------------------------


def test_explorer_has_at_most_48_frames_and_starts_at_the_worked_example(explorer):
    n = len(explorer.params["true_logit"]) * len(explorer.params["temperature"])
    assert n <= 48
    assert explorer.initial == {"true_logit": 2.0, "temperature": 1.0}


def test_every_frame_differs(explorer):
    digests = set()
    for z in figs.TRUE_LOGITS:
        for t in figs.TEMPERATURES:
            digests.add(hashlib.sha1(explorer.render(true_logit=z, temperature=t)).hexdigest())
    assert len(digests) == len(figs.TRUE_LOGITS) * len(figs.TEMPERATURES)


def test_alt_text_states_the_probabilities_and_the_loss(explorer):
    text = explorer.alt(true_logit=2.0, temperature=1.0)
    assert "cat 0.659" in text and "dog 0.242" in text and "fox 0.099" in text and "0.417" in text
    alts = {explorer.alt(true_logit=z, temperature=t) for z in figs.TRUE_LOGITS for t in figs.TEMPERATURES}
    assert len(alts) == len(figs.TRUE_LOGITS) * len(figs.TEMPERATURES)


def test_render_is_fast(explorer):
    for t in figs.TEMPERATURES:          # first calls draw each temperature's static layer
        explorer.render(true_logit=2.0, temperature=t)
    xc.assert_fast(xc.median_redraw(explorer, [
        {"true_logit": z, "temperature": t} for z in figs.TRUE_LOGITS[::2] for t in figs.TEMPERATURES]))


def test_render_leaves_no_open_figures(explorer):
    before = len(plt.get_fignums())
    explorer.render(true_logit=0.0, temperature=0.5)
    assert len(plt.get_fignums()) == before


def test_backdrop_layer_lands_where_matplotlib_would_draw():
    """A point drawn on a pasted layer lands on the same pixels as one drawn on the axes."""
    def static(fig, key):
        ax = fig.add_subplot()
        ax.set_xlim(-3, 6)
        ax.set_ylim(0, 8)
        return [ax]

    with plt.rc_context(RC):
        direct = plt.figure()
        ax = static(direct, None)[0]
        direct.canvas.draw()
        pts = np.array([[-3.0, 0.0], [6.0, 8.0], [1.5, 2.5]])
        expected = ax.transData.transform(pts)
        pasted = plt.figure()
        (layer,) = Backdrop(static).paste(pasted)
        np.testing.assert_allclose(layer.to_pixels(pts), expected, atol=1e-6)
        plt.close(direct)
        plt.close(pasted)


# -- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("call, words", [
    (lambda: figs.softmax_state(2.0, 0.0), "temperature must be positive"),
    (lambda: figs.softmax_state(2.0, -1.0), "temperature must be positive"),
    (lambda: figs.softmax_state(float("nan"), 1.0), "true_logit must be a finite number"),
    (lambda: figs.softmax_state("two", 1.0), "true_logit must be a number"),
    (lambda: figs.softmax_state(1.0, 1.0, other_logits=[[1.0]]), "other_logits must be a 1-D"),
    (lambda: figs.best_smoothing_gap(1.0, 3), "label_smoothing must lie in [0, 1)"),
    (lambda: figs.best_smoothing_gap(0.1, 1), "num_classes must be a whole number >= 2"),
    (lambda: figs.smoothing_curve([[0.0]], 0.1), "gaps must be a 1-D array"),
    (lambda: figs.logit_gradients([np.inf]), "logits must be finite"),
    (lambda: figs.draw_confident_mistakes(plt.figure(), marks=(0.0,)), "marks must be probabilities"),
    (lambda: figs.draw_label_smoothing(plt.figure(), 0.0), "label_smoothing must be > 0"),
])
def test_bad_input_is_refused_with_a_clear_message(call, words):
    with pytest.raises(ValueError) as err:
        call()
    assert words in str(err.value)
    plt.close("all")


# -- what the chapter says about the libraries ------------------------------------------
# scikit-learn is a course requirement; PyTorch and Keras are optional and skip cleanly.


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def as_float(x):
    return float(x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x))


CAT = np.array([[2.0, 1.0, 0.1]])


def test_scikit_learn_clips_a_certain_mistake_at_machine_epsilon():
    from sklearn.metrics import log_loss

    assert log_loss([1], [0.0], labels=[0, 1]) == pytest.approx(-math.log(np.finfo(np.float64).eps))
    assert log_loss([1], np.array([0.0], dtype=np.float32), labels=[0, 1]) == pytest.approx(
        -math.log(np.finfo(np.float32).eps), rel=1e-6)
    assert round(log_loss([1], [0.0], labels=[0, 1]), 3) == 36.044


def test_pytorch_cross_entropy_on_logits_and_on_probabilities(torch):
    f = torch.nn.functional
    target = torch.tensor([0])
    assert as_float(f.cross_entropy(torch.tensor(CAT), target)) == pytest.approx(0.417030, abs=1e-6)
    probs = torch.softmax(torch.tensor(CAT), dim=1)
    assert round(as_float(f.cross_entropy(probs, target)), 3) == 0.802     # softmax twice
    assert as_float(f.binary_cross_entropy(torch.tensor([0.0], dtype=torch.float64),
                                           torch.tensor([1.0], dtype=torch.float64))) == 100.0
    with pytest.raises(RuntimeError):
        f.binary_cross_entropy(torch.tensor([2.5]), torch.tensor([1.0]))
    assert torch.nn.CrossEntropyLoss().label_smoothing == 0.0
    assert torch.nn.CrossEntropyLoss().reduction == "mean"


def test_keras_defaults_clipping_and_rescaling(keras):
    assert round(as_float(keras.losses.BinaryCrossentropy()(np.array([[1.0]]), np.array([[0.0]]))), 3) == 16.118
    # raw logits into the default (from-probabilities) loss: rescaled to sum 1, no error
    k = keras.losses.CategoricalCrossentropy()(np.array([[1.0, 0.0, 0.0]]), CAT)
    assert round(as_float(k), 3) == 0.438
    k = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(
        np.array([[1.0, 0.0, 0.0]]), CAT)
    assert as_float(k) == pytest.approx(0.513697, abs=1e-5)
    # binary smoothing moves the targets towards 0.5
    k = keras.losses.BinaryCrossentropy(label_smoothing=0.2)(np.array([[1.0]]), np.array([[0.8]]))
    assert as_float(k) == pytest.approx(-(0.9 * math.log(0.8) + 0.1 * math.log(0.2)), rel=1e-5)
    assert keras.config.epsilon() == 1e-7

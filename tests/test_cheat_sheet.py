"""The cheat sheet says what the course package and the libraries compute.

Every row of ``pages/cheat_sheet.md`` comes from ``lossbook.book.cheatsheet``;
these tests hold each row's formula and gradient (restated there as NumPy
code) to :mod:`lossbook.losses`, the gradient also to finite differences of the
formula, and each library name to the installed library, so a wrong row fails.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from lossbook.book import cheatsheet
from lossbook.book.cheatsheet import ENTRIES

IDS = [e.name for e in ENTRIES]


def _data(kind: str, seed: int, shape):
    rng = np.random.default_rng(seed)
    if kind == "regression":
        y = rng.normal(size=shape)
        return y, y + rng.normal(scale=2.0, size=shape)
    if kind == "binary01":
        return (rng.random(shape) < 0.4).astype(float), rng.normal(scale=3.0, size=shape)
    if kind == "binary_pm":
        return np.where(rng.random(shape) < 0.5, -1.0, 1.0), rng.normal(scale=1.5, size=shape)
    if kind == "positive":
        return rng.uniform(0.5, 5.0, size=shape), rng.uniform(0.5, 5.0, size=shape)
    if kind == "counts":
        return rng.poisson(2.0, size=shape).astype(float), rng.uniform(0.5, 4.0, size=shape)
    if kind == "probs01":
        return (rng.random(shape) < 0.4).astype(float), rng.uniform(0.05, 0.95, size=shape)
    if kind == "distributions":
        p, q = rng.random(shape) + 0.05, rng.random(shape) + 0.05
        return p / p.sum(axis=-1, keepdims=True), q / q.sum(axis=-1, keepdims=True)
    n, c = shape
    return rng.integers(0, c, size=n), rng.normal(scale=1.5, size=(n, c))


SHAPES = {"regression": [(7,), (3, 4)], "binary01": [(9,), (2, 5)], "binary_pm": [(8,), (4, 3)],
          "multiclass": [(6, 3), (11, 5)], "positive": [(6,), (3, 3)], "counts": [(8,), (2, 4)],
          "probs01": [(7,), (3, 2)], "distributions": [(4, 3), (6, 5)]}


def test_page_is_generated_from_the_table():
    assert cheatsheet.PAGE.read_text(encoding="utf-8") == cheatsheet.render(), (
        "pages/cheat_sheet.md is out of date: run python -m lossbook.book.cheatsheet")


def test_page_has_every_loss_in_every_table():
    text = cheatsheet.render()
    for entry in ENTRIES:
        assert text.count(f"| {entry.name} |") == 1, entry.name
    assert len(ENTRIES) >= 14


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_formula_matches_lossbook(entry):
    for i, shape in enumerate(SHAPES[entry.kind]):
        y, out = _data(entry.kind, i, shape)
        np.testing.assert_allclose(entry.value(y, out), entry.reference(y, out), rtol=1e-12)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_gradient_matches_lossbook_and_finite_differences(entry):
    for i, shape in enumerate(SHAPES[entry.kind]):
        y, out = _data(entry.kind, 10 + i, shape)
        g = entry.grad(y, out)
        if entry.reference_grad is not None:
            np.testing.assert_allclose(g, entry.reference_grad(y, out), rtol=1e-12, atol=1e-15)
        h = 1e-6
        fd = np.zeros_like(out)
        for idx in np.ndindex(out.shape):
            up, down = out.copy(), out.copy()
            up[idx] += h
            down[idx] -= h
            fd[idx] = (entry.value(y, up) - entry.value(y, down)) / (2 * h)
        # Random data lies away from the kinks of MAE, Huber and the hinges.
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8)


def _resolve(module: str, dotted: str):
    """``_resolve("sklearn", "metrics.log_loss")``: import submodules as needed."""
    obj = importlib.import_module(module)
    for part in dotted.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(f"{obj.__name__}.{part}")
    return obj


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_sklearn_name_exists(entry):
    if not entry.sklearn:
        pytest.skip("no scikit-learn function for this loss")
    assert callable(_resolve("sklearn", entry.sklearn))


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_pytorch_name_exists(entry):
    pytest.importorskip("torch", reason="PyTorch is optional: pip install -r requirements-compare.txt")
    if not entry.pytorch:
        pytest.skip("no PyTorch loss for this one")
    assert callable(_resolve("torch", entry.pytorch))


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_keras_name_exists(entry, keras):
    if not entry.keras:
        pytest.skip("no Keras loss for this one")
    assert callable(_resolve("keras", entry.keras))


def _entry(name):
    return next(e for e in ENTRIES if e.name.startswith(name))


def test_library_values_where_the_sheet_says_they_agree(keras):
    """Rows without a note compute the course's loss; rows with one compute what the note says."""
    torch = pytest.importorskip("torch")
    from sklearn import metrics

    t = torch.as_tensor
    y, out = _data("regression", 3, (40,))
    for name, tnn, k in [("Mean squared", torch.nn.MSELoss(), keras.losses.MeanSquaredError()),
                         ("Mean absolute", torch.nn.L1Loss(), keras.losses.MeanAbsoluteError())]:
        v = _entry(name).value(y, out)
        np.testing.assert_allclose(float(tnn(t(out), t(y))), v, rtol=1e-12)
        np.testing.assert_allclose(float(k(y[None], out[None])), v, rtol=1e-5)
    np.testing.assert_allclose(metrics.mean_squared_error(y, out), _entry("Mean squared").value(y, out))
    np.testing.assert_allclose(metrics.mean_absolute_error(y, out), _entry("Mean absolute").value(y, out))
    huber = _entry("Huber").value(y, out)
    np.testing.assert_allclose(float(torch.nn.HuberLoss(delta=1.0)(t(out), t(y))), huber, rtol=1e-12)
    np.testing.assert_allclose(float(keras.losses.Huber(delta=1.0)(y[None], out[None])), huber, rtol=1e-5)
    # SmoothL1Loss with beta = delta is Huber divided by delta.
    delta = 2.5
    scaled = float(torch.nn.SmoothL1Loss(beta=delta)(t(out), t(y)))
    np.testing.assert_allclose(scaled * delta, float(torch.nn.HuberLoss(delta=delta)(t(out), t(y))),
                               rtol=1e-12)

    y01, z = _data("binary01", 4, (40,))
    bce = _entry("Binary").value(y01, z)
    np.testing.assert_allclose(float(torch.nn.BCEWithLogitsLoss()(t(z), t(y01))), bce, rtol=1e-12)
    np.testing.assert_allclose(
        float(keras.losses.BinaryCrossentropy(from_logits=True)(y01[None], z[None])), bce, rtol=1e-5)
    np.testing.assert_allclose(metrics.log_loss(y01, 1 / (1 + np.exp(-z))), bce, rtol=1e-9)

    labels, logits = _data("multiclass", 5, (30, 4))
    ce = _entry("Cross-entropy").value(labels, logits)
    np.testing.assert_allclose(float(torch.nn.CrossEntropyLoss()(t(logits), t(labels))), ce, rtol=1e-12)
    np.testing.assert_allclose(
        float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)), ce, rtol=1e-5)
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    np.testing.assert_allclose(metrics.log_loss(labels, probs, labels=range(4)), ce, rtol=1e-9)

    ypm, f = _data("binary_pm", 6, (40,))
    hinge = _entry("Hinge").value(ypm, f)
    np.testing.assert_allclose(float(keras.losses.Hinge()(ypm[None], f[None])), hinge, rtol=1e-5)
    np.testing.assert_allclose(metrics.hinge_loss(ypm, f), hinge, rtol=1e-12)
    np.testing.assert_allclose(float(torch.clamp(1 - t(ypm) * t(f), min=0).mean()), hinge, rtol=1e-12)
    # HingeEmbeddingLoss is a different loss: it gives x itself where y = 1.
    assert not np.isclose(float(torch.nn.HingeEmbeddingLoss()(t(f), t(ypm))), hinge)

    ww = _entry("Multiclass hinge").value(labels, logits)
    np.testing.assert_allclose(float(torch.nn.MultiMarginLoss()(t(logits), t(labels))), ww / 4, rtol=1e-12)
    rows = np.arange(len(labels))
    wrong = logits.copy()
    wrong[rows, labels] = -np.inf
    crammer_singer = np.maximum(0, 1 + wrong.max(1) - logits[rows, labels]).mean()
    np.testing.assert_allclose(metrics.hinge_loss(labels, logits, labels=range(4)), crammer_singer,
                               rtol=1e-12)
    # Keras's neg = max((1 - y) * f) counts the true class as a score of 0, so its
    # largest wrong score is floored at 0.
    onehot = np.eye(4)[labels]
    keras_ch = np.maximum(0, 1 + np.maximum(wrong.max(1), 0) - logits[rows, labels]).mean()
    np.testing.assert_allclose(float(keras.losses.CategoricalHinge()(onehot, logits)), keras_ch,
                               rtol=1e-5)
    assert np.any(wrong.max(1) < 0), "the data should have rows where the floor matters"
    assert not np.isclose(crammer_singer, ww)


def test_scikit_learn_metrics_of_the_newer_losses():
    from sklearn import metrics

    y, out = _data("regression", 7, (30,))
    np.testing.assert_allclose(metrics.mean_pinball_loss(y, out, alpha=0.5), _entry("Pinball").value(y, out))
    y, out = _data("positive", 8, (30,))
    np.testing.assert_allclose(metrics.mean_squared_log_error(y, out), _entry("Mean squared log").value(y, out))
    np.testing.assert_allclose(metrics.mean_gamma_deviance(y, out), _entry("Gamma").value(y, out))
    y, out = _data("counts", 9, (30,))
    assert np.any(y == 0), "the counts should include zeros, where y log y is 0"
    np.testing.assert_allclose(metrics.mean_poisson_deviance(y, out), _entry("Poisson").value(y, out))
    y, p = _data("probs01", 10, (30,))
    np.testing.assert_allclose(metrics.brier_score_loss(y, p), _entry("Brier").value(y, p))


def test_libraries_poisson_losses_are_the_likelihood_not_the_deviance(keras):
    """The note on the Poisson row: half the deviance plus a term of the targets alone."""
    torch = pytest.importorskip("torch")
    y, rate = _data("counts", 11, (40,))
    deviance = _entry("Poisson").value(y, rate)
    nll = float(torch.nn.PoissonNLLLoss(log_input=False, eps=0.0)(torch.as_tensor(rate), torch.as_tensor(y)))
    y_log_y = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    np.testing.assert_allclose(nll, deviance / 2 + np.mean(y - y_log_y), rtol=1e-10)
    np.testing.assert_allclose(float(keras.losses.Poisson()(y[None], rate[None])), nll, rtol=1e-5)


def test_kl_row_matches_pytorch_batchmean():
    torch = pytest.importorskip("torch")
    p, q = _data("distributions", 12, (6, 4))
    kl = _entry("KL").value(p, q)
    loss = torch.nn.KLDivLoss(reduction="batchmean")(torch.as_tensor(np.log(q)), torch.as_tensor(p))
    np.testing.assert_allclose(float(loss), kl, rtol=1e-12)

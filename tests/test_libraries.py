"""lossbook agrees with scikit-learn, PyTorch and Keras where they define the same loss.

scikit-learn is a course requirement. PyTorch and Keras are optional
(``pip install -r requirements-compare.txt``): their tests skip cleanly when
they are missing. Differences in definition are part of what is tested: PyTorch's
``multi_margin_loss`` divides by the number of classes, ``smooth_l1_loss`` is
Huber divided by beta, Keras converts 0/1 hinge labels silently.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics

import lossbook

rng = np.random.default_rng(7)
N = 200
Y = rng.normal(size=N)
P = Y + rng.normal(scale=2.0, size=N)
Y01 = (rng.random(N) < 0.4).astype(float)
SOFT01 = rng.random(N)
PROBS = rng.uniform(0.001, 0.999, size=N)
Z = rng.normal(scale=4.0, size=N)
PM1 = 2 * Y01 - 1
C = 5
LOGITS = rng.normal(scale=2.0, size=(N, C))
CLASSES = rng.integers(0, C, size=N)
Q = rng.random((N, C))
Q /= Q.sum(axis=1, keepdims=True)

RTOL = 1e-12


def close(a, b, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol,
                               atol=0)


# --------------------------------------------------------------------------
# scikit-learn
# --------------------------------------------------------------------------


def test_mse_and_mae_match_sklearn():
    close(lossbook.mse(Y, P), metrics.mean_squared_error(Y, P))
    close(lossbook.mae(Y, P), metrics.mean_absolute_error(Y, P))


def test_binary_cross_entropy_matches_sklearn_log_loss():
    close(lossbook.binary_cross_entropy(Y01, PROBS), metrics.log_loss(Y01, PROBS))
    close(lossbook.binary_cross_entropy_with_logits(Y01, Z),
          metrics.log_loss(Y01, lossbook.sigmoid(Z)), rtol=1e-9)


def test_cross_entropy_matches_sklearn_log_loss_of_the_softmax():
    probs = lossbook.softmax(LOGITS)
    close(lossbook.cross_entropy(CLASSES, LOGITS), metrics.log_loss(CLASSES, probs,
                                                                   labels=np.arange(C)))


def test_binary_hinge_matches_sklearn():
    close(lossbook.hinge(PM1, Z), metrics.hinge_loss(PM1, Z))


def test_crammer_singer_matches_sklearn_multiclass_hinge():
    close(lossbook.multiclass_hinge(CLASSES, LOGITS, variant="crammer_singer"),
          metrics.hinge_loss(CLASSES, LOGITS, labels=np.arange(C)))


# --------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch():
    try:
        import torch
    except Exception as exc:
        pytest.skip(f"PyTorch is not installed ({exc}); "
                    "pip install -r requirements-compare.txt to compare with it")
    return torch


def T(torch, x):
    return torch.as_tensor(np.asarray(x), dtype=torch.float64)


def torch_grad(torch, loss_of, x):
    x = T(torch, x).requires_grad_(True)
    loss_of(x).backward()
    return x.grad.numpy()


def test_regression_losses_match_pytorch(torch):
    F = torch.nn.functional
    y, p = T(torch, Y), T(torch, P)
    close(lossbook.mse(Y, P), F.mse_loss(p, y).item())
    close(lossbook.mae(Y, P), F.l1_loss(p, y).item())
    for delta in (0.5, 1.0, 3.0):
        close(lossbook.huber(Y, P, delta=delta), F.huber_loss(p, y, delta=delta).item())
        close(lossbook.huber(Y, P, delta=delta, reduction="none"),
              F.huber_loss(p, y, delta=delta, reduction="none").numpy())
    close(lossbook.mse(Y, P, reduction="sum"), F.mse_loss(p, y, reduction="sum").item())


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_smooth_l1_is_huber_divided_by_beta(torch, beta):
    smooth = torch.nn.functional.smooth_l1_loss(T(torch, P), T(torch, Y), beta=beta).item()
    close(lossbook.huber(Y, P, delta=beta) / beta, smooth)


def test_regression_gradients_match_pytorch_autograd(torch):
    F = torch.nn.functional
    y = T(torch, Y)
    close(lossbook.mse_grad(Y, P), torch_grad(torch, lambda x: F.mse_loss(x, y), P))
    close(lossbook.mae_grad(Y, P), torch_grad(torch, lambda x: F.l1_loss(x, y), P))
    for delta in (0.5, 2.0):
        close(lossbook.huber_grad(Y, P, delta=delta),
              torch_grad(torch, lambda x: F.huber_loss(x, y, delta=delta), P))


def test_binary_cross_entropy_matches_pytorch_including_the_clamp(torch):
    F = torch.nn.functional
    close(lossbook.binary_cross_entropy(SOFT01, PROBS),
          F.binary_cross_entropy(T(torch, PROBS), T(torch, SOFT01)).item())
    # probabilities of exactly 0 and 1: each log clamped at -100
    y = [1.0, 0.0, 1.0, 0.0, 0.3]
    p = [0.0, 1.0, 1.0, 0.0, 0.0]
    close(lossbook.binary_cross_entropy(y, p, reduction="none"),
          F.binary_cross_entropy(T(torch, p), T(torch, y), reduction="none").numpy())


def test_bce_with_logits_matches_pytorch_at_every_scale(torch):
    F = torch.nn.functional
    z = np.concatenate([Z, [1000.0, -1000.0, 40.0, -40.0]])
    y = np.concatenate([SOFT01, [0.0, 1.0, 0.0, 1.0]])
    close(lossbook.binary_cross_entropy_with_logits(y, z, reduction="none"),
          F.binary_cross_entropy_with_logits(T(torch, z), T(torch, y), reduction="none").numpy())
    close(lossbook.binary_cross_entropy_with_logits_grad(y, z),
          torch_grad(torch, lambda x: F.binary_cross_entropy_with_logits(x, T(torch, y)), z),
          rtol=1e-10)


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3])
def test_cross_entropy_matches_pytorch_with_index_targets(torch, eps):
    F = torch.nn.functional
    z, t = T(torch, LOGITS), torch.as_tensor(CLASSES)
    close(lossbook.cross_entropy(CLASSES, LOGITS, label_smoothing=eps),
          F.cross_entropy(z, t, label_smoothing=eps).item())
    close(lossbook.cross_entropy(CLASSES, LOGITS, label_smoothing=eps, reduction="none"),
          F.cross_entropy(z, t, label_smoothing=eps, reduction="none").numpy())
    close(lossbook.cross_entropy_grad(CLASSES, LOGITS, label_smoothing=eps),
          torch_grad(torch, lambda x: F.cross_entropy(x, t, label_smoothing=eps), LOGITS),
          rtol=1e-10)


@pytest.mark.parametrize("eps", [0.0, 0.2])
def test_cross_entropy_matches_pytorch_with_probability_targets(torch, eps):
    F = torch.nn.functional
    q = T(torch, Q)
    close(lossbook.cross_entropy(Q, LOGITS, label_smoothing=eps),
          F.cross_entropy(T(torch, LOGITS), q, label_smoothing=eps).item())
    close(lossbook.cross_entropy_grad(Q, LOGITS, label_smoothing=eps),
          torch_grad(torch, lambda x: F.cross_entropy(x, q, label_smoothing=eps), LOGITS),
          rtol=1e-10)


def test_softmax_and_log_softmax_match_pytorch(torch):
    z = np.concatenate([LOGITS, [[1000.0, 0.0, -1000.0, 5.0, 5.0]]])
    close(lossbook.softmax(z), torch.softmax(T(torch, z), dim=1).numpy(), rtol=1e-13)
    np.testing.assert_allclose(lossbook.log_softmax(z),
                               torch.log_softmax(T(torch, z), dim=1).numpy(), rtol=1e-13)


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_multi_margin_loss_is_weston_watkins_divided_by_the_classes(torch, margin):
    mm = torch.nn.functional.multi_margin_loss(T(torch, LOGITS), torch.as_tensor(CLASSES),
                                               margin=margin, reduction="none").numpy()
    close(lossbook.multiclass_hinge(CLASSES, LOGITS, margin=margin, reduction="none") / C, mm)


def test_hinge_gradient_matches_pytorch_autograd(torch):
    y = T(torch, PM1)
    close(lossbook.hinge_grad(PM1, Z),
          torch_grad(torch, lambda x: torch.clamp_min(1.0 - y * x, 0.0).mean(), Z))


# --------------------------------------------------------------------------
# Keras 3
# --------------------------------------------------------------------------


def kvalue(x):
    x = x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)
    return float(x)


def test_keras_huber(keras):
    for delta in (0.5, 1.0, 2.0):
        k = keras.losses.Huber(delta=delta)(Y[:, None], P[:, None])
        close(lossbook.huber(Y, P, delta=delta), kvalue(k), rtol=1e-6)  # float32 inside Keras


def test_keras_hinge_and_its_silent_zero_one_conversion(keras):
    close(lossbook.hinge(PM1, Z), kvalue(keras.losses.Hinge()(PM1[None, :], Z[None, :])), rtol=1e-6)
    close(lossbook.squared_hinge(PM1, Z),
          kvalue(keras.losses.SquaredHinge()(PM1[None, :], Z[None, :])), rtol=1e-6)
    # Keras maps 0/1 labels to -1/+1 without a word; lossbook asks for the conversion
    close(lossbook.hinge(2 * Y01 - 1, Z), kvalue(keras.losses.Hinge()(Y01[None, :], Z[None, :])),
          rtol=1e-6)
    with pytest.raises(ValueError, match="2 \\* y_true - 1"):
        lossbook.hinge(Y01, Z)


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_keras_categorical_cross_entropy_with_label_smoothing(keras, eps):
    one_hot = np.eye(C)[CLASSES]
    k = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=eps)(one_hot, LOGITS)
    close(lossbook.cross_entropy(CLASSES, LOGITS, label_smoothing=eps), kvalue(k), rtol=1e-6)


def test_keras_mse_and_mae(keras):
    close(lossbook.mse(Y, P), kvalue(keras.losses.MeanSquaredError()(Y, P)), rtol=1e-6)
    close(lossbook.mae(Y, P), kvalue(keras.losses.MeanAbsoluteError()(Y, P)), rtol=1e-6)


def test_the_worked_examples_agree_with_every_library():
    # the numbers the chapters teach, through scikit-learn too
    assert metrics.mean_squared_error([300_000.0], [250_000.0]) == lossbook.mse([300_000.0],
                                                                              [250_000.0])
    assert metrics.log_loss([0, 1], [0.8, 0.8]) == pytest.approx(
        (-math.log(0.2) - math.log(0.8)) / 2, rel=1e-14)
    assert lossbook.binary_cross_entropy([0.0, 1.0], [0.8, 0.8]) == pytest.approx(
        metrics.log_loss([0, 1], [0.8, 0.8]), rel=1e-14)

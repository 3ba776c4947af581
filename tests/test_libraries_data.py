"""The losses of chapter 10 agree with scikit-learn, PyTorch and Keras where they share a definition.

Where the libraries differ, the difference is what is tested: PyTorch's
``KLDivLoss(reduction="mean")`` divides by the number of elements, its
``PoissonNLLLoss`` and Keras's ``Poisson`` drop terms without the prediction,
the weighted ``CrossEntropyLoss`` mean divides by the sum of the weights, and
``BCEWithLogitsLoss(pos_weight)`` by the number of elements. PyTorch and Keras
are optional: their tests skip with the reason when they are missing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics

import lossbook

rng = np.random.default_rng(1010)
N = 300
Y = rng.normal(size=N)
P = Y + rng.normal(scale=1.5, size=N)
COUNTS = rng.poisson(2.0, size=N).astype(float)
MEANS = rng.uniform(0.3, 4.0, size=N)
AMOUNTS = rng.gamma(2.0, 50.0, size=N)
PRED_AMOUNTS = rng.uniform(20.0, 200.0, size=N)
Y01 = (rng.random(N) < 0.2).astype(float)
PROBS = rng.uniform(0.01, 0.99, size=N)
C = 4
P_DIST = rng.dirichlet(np.ones(C), size=N)
Q_DIST = rng.dirichlet(np.ones(C), size=N)


def close(a, b, rtol=1e-12):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=0)


# --------------------------------------------------------------------------
# scikit-learn
# --------------------------------------------------------------------------


@pytest.mark.parametrize("q", [0.05, 0.5, 0.9])
def test_pinball_matches_sklearn_mean_pinball_loss(q):
    close(lossbook.pinball(Y, P, quantile=q), metrics.mean_pinball_loss(Y, P, alpha=q))


def test_msle_and_deviances_match_sklearn():
    pos, pos_pred = np.abs(Y) * 100, np.abs(P) * 100
    close(lossbook.msle(pos, pos_pred), metrics.mean_squared_log_error(pos, pos_pred))
    close(lossbook.poisson_deviance(COUNTS, MEANS), metrics.mean_poisson_deviance(COUNTS, MEANS))
    close(lossbook.gamma_deviance(AMOUNTS, PRED_AMOUNTS),
          metrics.mean_gamma_deviance(AMOUNTS, PRED_AMOUNTS))
    # the two deviances are Tweedie deviances of power 1 and 2
    close(lossbook.poisson_deviance(COUNTS, MEANS), metrics.mean_tweedie_deviance(COUNTS, MEANS, power=1))
    close(lossbook.gamma_deviance(AMOUNTS, PRED_AMOUNTS),
          metrics.mean_tweedie_deviance(AMOUNTS, PRED_AMOUNTS, power=2), rtol=1e-10)


def test_brier_score_matches_sklearn():
    close(lossbook.brier_score(Y01, PROBS), metrics.brier_score_loss(Y01, PROBS))


# --------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------


# the ``torch`` fixture (skips without PyTorch) and float64 tensors, as the other library tests
from test_libraries import T, torch  # noqa: E402,F401


def test_kl_divergence_is_kldivloss_batchmean_and_mean_divides_by_elements(torch):
    log_q, p = T(torch, np.log(Q_DIST)), T(torch, P_DIST)
    batchmean = torch.nn.KLDivLoss(reduction="batchmean")(log_q, p).item()
    close(lossbook.kl_divergence(P_DIST, Q_DIST), batchmean)
    with pytest.warns(UserWarning, match="batchmean"):  # PyTorch itself warns about "mean"
        mean = torch.nn.KLDivLoss(reduction="mean")(log_q, p).item()
    close(mean, lossbook.kl_divergence(P_DIST, Q_DIST) / C)  # averages over N*C elements
    close(lossbook.kl_divergence(P_DIST, Q_DIST, reduction="sum"),
          torch.nn.KLDivLoss(reduction="sum")(log_q, p).item())
    # the arguments in the wrong order (probabilities as input) give a different, wrong number
    wrong = torch.nn.KLDivLoss(reduction="batchmean")(T(torch, Q_DIST), p).item()
    assert abs(wrong - batchmean) > 0.5


def test_poisson_nll_is_half_the_deviance_minus_terms_without_the_prediction(torch):
    nll = torch.nn.PoissonNLLLoss(log_input=False, eps=0.0)(T(torch, MEANS), T(torch, COUNTS)).item()
    y_log_y = np.where(COUNTS > 0, COUNTS * np.log(np.where(COUNTS > 0, COUNTS, 1.0)), 0.0)
    close(nll, 0.5 * lossbook.poisson_deviance(COUNTS, MEANS) - np.mean(y_log_y - COUNTS), rtol=1e-10)


def test_poisson_deviance_gradient_matches_autograd(torch):
    x = T(torch, MEANS).requires_grad_(True)
    y = T(torch, COUNTS)
    dev = 2 * (x - y * torch.log(x)).mean()  # the deviance up to terms without x
    dev.backward()
    close(lossbook.poisson_deviance_grad(COUNTS, MEANS), x.grad.numpy(), rtol=1e-10)


def test_weighted_cross_entropy_mean_divides_by_the_sum_of_target_weights(torch):
    logits = rng.normal(size=(50, 3))
    labels = rng.integers(0, 3, size=50)
    w = np.array([1.0, 5.0, 0.5])
    got = torch.nn.CrossEntropyLoss(weight=T(torch, w))(T(torch, logits), torch.as_tensor(labels)).item()
    per_sample = lossbook.cross_entropy(labels, logits, reduction="none")
    close(got, np.sum(w[labels] * per_sample) / np.sum(w[labels]), rtol=1e-10)
    assert abs(got - np.mean(w[labels] * per_sample)) > 1e-3  # not the plain mean


def test_bce_with_logits_pos_weight_multiplies_the_positive_term_and_divides_by_n(torch):
    z = rng.normal(scale=2.0, size=N)
    pw = 4.0
    got = torch.nn.BCEWithLogitsLoss(pos_weight=T(torch, [pw]))(T(torch, z), T(torch, Y01)).item()
    s = 1 / (1 + np.exp(-z))
    expected = np.mean(-(pw * Y01 * np.log(s) + (1 - Y01) * np.log(1 - s)))
    close(got, expected, rtol=1e-10)


# --------------------------------------------------------------------------
# Keras 3
# --------------------------------------------------------------------------


def kvalue(x):
    return float(np.asarray(x.detach().cpu()) if hasattr(x, "detach") else np.asarray(x))


@pytest.mark.parametrize("gamma", [0.0, 2.0, 3.5])
def test_keras_binary_focal_crossentropy(keras, gamma):
    y, p = Y01.reshape(30, 10), PROBS.reshape(30, 10)
    plain = keras.losses.BinaryFocalCrossentropy(gamma=gamma, dtype="float64")(y, p)
    close(lossbook.binary_focal_loss(y, p, gamma=gamma), kvalue(plain), rtol=1e-6)  # float32 inside Keras
    for alpha in (0.25, 0.7):
        balanced = keras.losses.BinaryFocalCrossentropy(gamma=gamma, apply_class_balancing=True,
                                                        alpha=alpha, dtype="float64")(y, p)
        close(lossbook.binary_focal_loss(y, p, gamma=gamma, alpha=alpha), kvalue(balanced),
              rtol=1e-6)  # float32 inside Keras


def test_keras_focal_clips_probabilities_where_lossbook_clamps_the_log(keras):
    y, p = np.array([[1.0, 0.0]]), np.array([[0.0, 0.5]])
    k = kvalue(keras.losses.BinaryFocalCrossentropy(gamma=2.0, dtype="float64")(y, p))
    assert k == pytest.approx((-math.log(1e-7) + 0.25 * -math.log(0.5)) / 2, rel=1e-6)
    assert lossbook.binary_focal_loss(y, p) == pytest.approx((100 + 0.25 * -math.log(0.5)) / 2)


def test_keras_kl_divergence_is_the_batch_mean(keras):
    close(lossbook.kl_divergence(P_DIST, Q_DIST),
          kvalue(keras.losses.KLDivergence(dtype="float64")(P_DIST, Q_DIST)),
          rtol=1e-6)  # float32 inside Keras


def test_keras_msle_and_poisson(keras):
    pos, pos_pred = np.abs(Y) + 0.1, np.abs(P) + 0.1
    close(lossbook.msle(pos, pos_pred),
          kvalue(keras.losses.MeanSquaredLogarithmicError(dtype="float64")(pos, pos_pred)),
          rtol=1e-6)  # float32 inside Keras
    k = kvalue(keras.losses.Poisson(dtype="float64")(COUNTS, MEANS))
    expected = np.mean(MEANS - COUNTS * np.log(MEANS + 1e-7))
    close(k, expected, rtol=1e-6)  # float32 inside Keras


# --------------------------------------------------------------------------
# The rows of chapter 10's library table
# --------------------------------------------------------------------------


def test_sklearn_table_rows():
    import inspect

    from sklearn.linear_model import GammaRegressor, PoissonRegressor, QuantileRegressor, TweedieRegressor
    from sklearn.utils.class_weight import compute_class_weight

    assert GammaRegressor().get_params()["alpha"] == 1.0 and PoissonRegressor().get_params()["alpha"] == 1.0
    assert TweedieRegressor().get_params()["power"] == 0.0

    assert inspect.signature(metrics.mean_pinball_loss).parameters["alpha"].default == 0.5
    defaults = QuantileRegressor().get_params()
    assert defaults["quantile"] == 0.5 and defaults["alpha"] == 1.0  # an L1 penalty by default
    labels = np.array([0] * 18 + [1] * 2)
    np.testing.assert_allclose(compute_class_weight("balanced", classes=np.array([0, 1]), y=labels),
                               [20 / (2 * 18), 20 / (2 * 2)])


def test_pytorch_table_rows(torch):
    import inspect

    names = [n.lower() for n in dir(torch.nn)]
    for missing in ("pinball", "quantile", "squaredlog", "gamma", "focal"):
        assert not any(missing in n for n in names), missing
    assert inspect.signature(torch.nn.KLDivLoss).parameters["reduction"].default == "mean"
    assert inspect.signature(torch.nn.PoissonNLLLoss).parameters["log_input"].default is True
    z = rng.normal(size=20)
    y = rng.poisson(2.0, size=20).astype(float)
    got = torch.nn.PoissonNLLLoss()(T(torch, z), T(torch, y)).item()  # log_input=True: exp(z) - y z
    close(got, np.mean(np.exp(z) - y * z), rtol=1e-12)


def test_keras_table_rows(keras):
    import inspect

    names = [n.lower() for n in dir(keras.losses)]
    for missing in ("pinball", "quantile", "gamma"):
        assert not any(missing in n for n in names), missing
    params = inspect.signature(keras.losses.BinaryFocalCrossentropy).parameters
    assert (params["apply_class_balancing"].default, params["alpha"].default, params["gamma"].default) == (
        False, 0.25, 2.0)
    # alpha is ignored without class balancing
    y, p = Y01[:20].reshape(4, 5), PROBS[:20].reshape(4, 5)
    a = kvalue(keras.losses.BinaryFocalCrossentropy(alpha=0.9, dtype="float64")(y, p))
    b = kvalue(keras.losses.BinaryFocalCrossentropy(alpha=0.1, dtype="float64")(y, p))
    assert a == b
    # MSLE raises values below 1e-7 to 1e-7: a negative prediction counts as (almost) 0
    msle = keras.losses.MeanSquaredLogarithmicError(dtype="float64")
    neg = kvalue(msle(np.array([[3.0]]), np.array([[-5.0]])))
    assert neg == pytest.approx(math.log(4.0) ** 2, rel=1e-6)
    # KLDivergence clips both arguments to [1e-7, 1]: a zero in q costs log(p / 1e-7), not infinity
    k = kvalue(keras.losses.KLDivergence(dtype="float64")(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])))
    assert k == pytest.approx(0.5 * math.log(0.5) + 0.5 * math.log(0.5 / 1e-7), rel=1e-5)
    # sample_weight: the weighted sum divided by the batch size, not by the sum of the weights
    yt, pt = Y01[:8], PROBS[:8]
    w = np.array([1.0, 2.0, 3.0, 4.0, 1.0, 1.0, 1.0, 5.0])
    bce = keras.losses.BinaryCrossentropy(dtype="float64")
    weighted = kvalue(bce(yt[:, None], pt[:, None], sample_weight=w))
    per_sample = lossbook.binary_cross_entropy(yt, pt, reduction="none")
    close(weighted, np.sum(w * per_sample) / 8, rtol=1e-6)  # float32 inside Keras

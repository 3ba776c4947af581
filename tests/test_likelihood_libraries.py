"""Chapter 9's library table, checked against the installed libraries.

Each test holds one row of the table in ``chapters/09_likelihood.ipynb``
("Bonus: in the libraries") and the pitfalls that quote a library:
PyTorch's ``GaussianNLLLoss`` and ``PoissonNLLLoss`` (defaults, formula,
``full``, ``eps``, ``log_input``), Keras's ``Poisson`` and scikit-learn's
``mean_poisson_deviance`` and ``PoissonRegressor``. PyTorch and Keras are
optional: their tests skip with the reason when they are missing.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from scipy import optimize
from sklearn import linear_model, metrics

from lossbook.figures import likelihood as figs

rng = np.random.default_rng(9)
N = 50
Y = rng.normal(size=N)
MEAN = Y + rng.normal(scale=1.5, size=N)
VAR = rng.uniform(0.05, 4.0, size=N)
COUNTS = rng.poisson(2.5, size=N).astype(float)
LOG_RATE = rng.normal(0.8, 0.7, size=N)


@pytest.fixture(scope="module")
def torch():
    try:
        import torch
    except Exception as exc:
        pytest.skip(f"PyTorch is not installed ({exc}); "
                    "pip install -r requirements-compare.txt to compare with it")
    return torch


def T(torch, x):
    return torch.as_tensor(np.asarray(x, dtype=float), dtype=torch.float64)


def test_gaussian_nll_loss_defaults(torch):
    params = inspect.signature(torch.nn.GaussianNLLLoss).parameters
    assert params["full"].default is False
    assert params["eps"].default == 1e-6
    assert params["reduction"].default == "mean"


def test_gaussian_nll_loss_is_the_chapters_formula(torch):
    by_hand = 0.5 * (np.log(VAR) + (MEAN - Y) ** 2 / VAR)  # prediction, target, variance
    got = torch.nn.GaussianNLLLoss()(T(torch, MEAN), T(torch, Y), T(torch, VAR)).item()
    assert got == pytest.approx(by_hand.mean(), rel=1e-12)
    full = torch.nn.GaussianNLLLoss(full=True, reduction="sum")(T(torch, MEAN), T(torch, Y), T(torch, VAR))
    assert full.item() == pytest.approx(by_hand.sum() + N * 0.5 * math.log(2 * math.pi), rel=1e-12)
    for full_flag in (False, True):
        for reduction in ("mean", "sum", "none"):
            loss = torch.nn.GaussianNLLLoss(full=full_flag, reduction=reduction)
            np.testing.assert_allclose(loss(T(torch, MEAN), T(torch, Y), T(torch, VAR)).numpy(),
                                       figs.gaussian_nll(Y, MEAN, VAR, full=full_flag, reduction=reduction),
                                       rtol=1e-12)


def test_gaussian_nll_loss_clamps_the_variance_and_refuses_negative_ones(torch):
    zero = torch.nn.GaussianNLLLoss()(T(torch, [1.0]), T(torch, [1.0]), T(torch, [0.0])).item()
    assert zero == pytest.approx(0.5 * math.log(1e-6), rel=1e-9)  # the pitfall's -6.9
    assert round(zero, 1) == -6.9
    with pytest.raises(ValueError):
        torch.nn.GaussianNLLLoss()(T(torch, [1.0]), T(torch, [1.0]), T(torch, [-1.0]))


def test_gaussian_nll_loss_gradients_are_the_chapters(torch):
    # d/d mean = (mean - y) e^{-s} / n and d/d s = (1 - (y - mean)^2 e^{-s}) / (2 n), s = log var
    mean = T(torch, MEAN).requires_grad_(True)
    log_var = T(torch, np.log(VAR)).requires_grad_(True)
    torch.nn.GaussianNLLLoss()(mean, T(torch, Y), log_var.exp()).backward()
    np.testing.assert_allclose(mean.grad.numpy(), (MEAN - Y) / VAR / N, rtol=1e-10)
    np.testing.assert_allclose(log_var.grad.numpy(), 0.5 * (1 - (Y - MEAN) ** 2 / VAR) / N, rtol=1e-9)


def test_poisson_nll_loss_defaults_and_formula(torch):
    params = inspect.signature(torch.nn.PoissonNLLLoss).parameters
    assert params["log_input"].default is True
    assert params["full"].default is False
    assert params["eps"].default == 1e-8
    assert params["reduction"].default == "mean"
    got = torch.nn.PoissonNLLLoss()(T(torch, LOG_RATE), T(torch, COUNTS)).item()
    assert got == pytest.approx(np.mean(np.exp(LOG_RATE) - COUNTS * LOG_RATE), rel=1e-12)
    rate = np.exp(LOG_RATE)
    got = torch.nn.PoissonNLLLoss(log_input=False)(T(torch, rate), T(torch, COUNTS)).item()
    assert got == pytest.approx(np.mean(rate - COUNTS * np.log(rate + 1e-8)), rel=1e-12)
    for reduction in ("mean", "sum", "none"):
        full = torch.nn.PoissonNLLLoss(full=True, reduction=reduction)(T(torch, LOG_RATE), T(torch, COUNTS))
        np.testing.assert_allclose(full.numpy(),
                                   figs.poisson_nll(COUNTS, LOG_RATE, full=True, reduction=reduction),
                                   rtol=1e-12)
    # the Stirling term is added only where the target exceeds 1
    y = np.array([0.0, 1.0, 4.0])
    extra = (torch.nn.PoissonNLLLoss(full=True, reduction="none")(T(torch, [0.0] * 3), T(torch, y))
             - torch.nn.PoissonNLLLoss(reduction="none")(T(torch, [0.0] * 3), T(torch, y))).numpy()
    np.testing.assert_allclose(extra, [0.0, 0.0, 4 * math.log(4) - 4 + 0.5 * math.log(2 * math.pi * 4)],
                               atol=1e-12)


def test_keras_poisson_takes_a_rate(keras):
    rate = np.exp(LOG_RATE).reshape(5, 10)
    counts = COUNTS.reshape(5, 10)
    got = float(keras.ops.convert_to_numpy(keras.losses.Poisson()(counts, rate)))
    per_row = np.mean(rate - counts * np.log(rate + 1e-7), axis=-1)
    assert got == pytest.approx(per_row.mean(), rel=1e-5)


def test_mean_poisson_deviance_is_twice_the_nll_gap():
    rate = np.exp(LOG_RATE)
    nll = rate - COUNTS * np.log(rate)
    y = COUNTS
    nll_perfect = y - np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    assert metrics.mean_poisson_deviance(COUNTS, rate) == pytest.approx(2 * np.mean(nll - nll_perfect), rel=1e-10)
    by_hand = 2 * (np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / rate), 0.0) - y + rate)
    assert metrics.mean_poisson_deviance(COUNTS, rate) == pytest.approx(by_hand.mean(), rel=1e-10)


def test_poisson_regressor_minimises_half_the_deviance_plus_the_penalty():
    assert inspect.signature(linear_model.PoissonRegressor).parameters["alpha"].default == 1.0
    X = rng.normal(size=(200, 2))
    y = rng.poisson(np.exp(0.3 + X @ np.array([0.5, -0.4]))).astype(float)
    for alpha in (0.0, 1.0):
        model = linear_model.PoissonRegressor(alpha=alpha, tol=1e-12, max_iter=1000).fit(X, y)

        def objective(p):
            rate = np.exp(p[0] + X @ p[1:])
            return 0.5 * metrics.mean_poisson_deviance(y, rate) + alpha / 2 * np.sum(p[1:] ** 2)

        best = optimize.minimize(objective, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
        np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], best.x, atol=1e-5)
        assert model.predict(X[:3]) == pytest.approx(np.exp(model.intercept_ + X[:3] @ model.coef_))

"""The library facts chapters 4 and 6 state about Huber losses, checked against
the libraries that are installed (scikit-learn always; PyTorch when present)."""

from __future__ import annotations

import numpy as np
import pytest

import lossbook as lb

Y_TRUE = np.zeros(5)
Y_PRED = np.array([-3.0, -0.4, 0.2, 1.5, 6.0])


def smooth_l1_by_hand(r, beta):
    a = np.abs(r)
    return np.mean(np.where(a < beta, 0.5 * a**2 / beta, a - 0.5 * beta))


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_huber_is_beta_times_smooth_l1(beta):
    assert lb.huber(Y_TRUE, Y_PRED, delta=beta) == pytest.approx(beta * smooth_l1_by_hand(Y_PRED, beta))


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_pytorch_huber_and_smooth_l1(beta):
    torch = pytest.importorskip("torch")
    t_true, t_pred = torch.tensor(Y_TRUE), torch.tensor(Y_PRED)
    huber_t = torch.nn.HuberLoss(delta=beta)(t_pred, t_true).item()
    smooth_t = torch.nn.SmoothL1Loss(beta=beta)(t_pred, t_true).item()
    assert huber_t == pytest.approx(lb.huber(Y_TRUE, Y_PRED, delta=beta), rel=1e-12)
    assert huber_t == pytest.approx(beta * smooth_t, rel=1e-12)
    # the gradient of the mean Huber loss is the clipped residual over n
    p = t_pred.clone().requires_grad_(True)
    torch.nn.HuberLoss(delta=beta)(p, t_true).backward()
    np.testing.assert_allclose(p.grad.numpy(), np.clip(Y_PRED, -beta, beta) / Y_PRED.size)


def test_pytorch_defaults():
    torch = pytest.importorskip("torch")
    assert torch.nn.HuberLoss().delta == 1.0 and torch.nn.SmoothL1Loss().beta == 1.0
    assert torch.nn.HuberLoss().reduction == "mean"


def test_scikit_learn_defaults_in_the_tables():
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import HuberRegressor, QuantileRegressor, SGDClassifier, SGDRegressor
    from sklearn.svm import LinearSVC

    assert HuberRegressor().get_params()["epsilon"] == 1.35
    assert HuberRegressor().get_params()["alpha"] == 1e-4
    assert SGDRegressor().get_params()["epsilon"] == 0.1
    assert SGDRegressor().get_params()["loss"] == "squared_error"
    assert GradientBoostingRegressor().get_params()["alpha"] == 0.9
    assert SGDClassifier().get_params()["loss"] == "hinge"
    assert LinearSVC().get_params()["loss"] == "squared_hinge"
    assert QuantileRegressor().get_params()["alpha"] == 1.0   # hence alpha=0 for plain MAE


def test_huber_regressor_rejects_epsilon_below_one():
    from sklearn.linear_model import HuberRegressor

    with pytest.raises(ValueError):
        HuberRegressor(epsilon=0.5).fit(np.arange(10.0).reshape(-1, 1), np.arange(10.0))


def test_sgd_regressor_huber_is_the_plain_huber_loss():
    """SGDRegressor(loss="huber") uses epsilon as delta, in target units: one
    SGD step from zero weights moves the intercept by lr * clip(y, -eps, eps)."""
    from sklearn.linear_model import SGDRegressor

    X = np.zeros((1, 1))
    for y, eps in ((5.0, 0.1), (0.05, 0.1), (-3.0, 2.0)):
        model = SGDRegressor(loss="huber", epsilon=eps, learning_rate="constant", eta0=0.1,
                             alpha=0.0, max_iter=1, tol=None, shuffle=False)
        model.partial_fit(X, [y])
        assert model.intercept_[0] == pytest.approx(0.1 * np.clip(y, -eps, eps))

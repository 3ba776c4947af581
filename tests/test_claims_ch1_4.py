"""Claims of chapters 1 to 4 (and of the Before-you-start page) that no pinned
output prints: each is recomputed here, or asserted against the library it is
about (skipped, with the reason, when that library is missing)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

import lossbook as lb
import lossbook.fitting as fitting
from lossbook.data import regression_with_outliers
from lossbook.figures import cross_entropy as fig03
from lossbook.figures import huber as fig04
from lossbook.figures import introduction as fig01
from lossbook.fitting import fit_line


# -- chapter 1 ----------------------------------------------------------------------


def test_diverging_training_in_float32_overflows_to_inf_then_nan():
    """'In float32 ... it soon overflows to inf and then nan.'"""
    x, y = (a.astype(np.float32) for a in fig01.make_flats())
    w, b, lr = np.float32(0), np.float32(0), np.float32(0.6)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(300):
            y_pred = w * x + b
            losses.append(np.mean((y_pred - y) ** 2))
            g = 2 * (y_pred - y) / np.float32(x.size)
            w, b = w - lr * np.sum(g * x), b - lr * np.sum(g)
    losses = np.array(losses)
    assert losses.dtype == np.float32
    first_inf = np.flatnonzero(np.isinf(losses))[0]
    assert first_inf < 200 and np.isnan(losses[-1])


def test_scikit_learn_sgd_regressor_minimises_half_the_squared_error():
    """One SGD step from zero moves the intercept by eta0 * (y - 0), not 2 * eta0 * y."""
    from sklearn.linear_model import SGDRegressor

    model = SGDRegressor(loss="squared_error", learning_rate="constant", eta0=0.1, alpha=0.0,
                         max_iter=1, tol=None, shuffle=False)
    model.partial_fit(np.zeros((1, 1)), [3.0])
    assert model.intercept_[0] == pytest.approx(0.1 * 3.0)


def test_pytorch_backward_adds_to_the_gradient_until_zero_grad():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; "
                                "pip install -r requirements-compare.txt")
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    for _ in range(2):
        (3 * w).sum().backward()
    assert float(w.grad) == 6.0            # added, not replaced
    opt.zero_grad()
    assert w.grad is None or float(w.grad) == 0.0


def test_the_names_table_criterion_and_metrics(keras):
    import inspect

    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    assert DecisionTreeRegressor().criterion == "squared_error"
    assert DecisionTreeClassifier().criterion == "gini"
    compile_params = inspect.signature(keras.Model.compile).parameters
    assert "loss" in compile_params and "metrics" in compile_params


# -- chapter 2 ----------------------------------------------------------------------


def mae_slope(y, c):
    return (np.sum(y < c) - np.sum(y > c)) / y.size


def test_mae_derivative_is_never_zero_for_odd_n_and_zero_between_the_middle_values_for_even_n():
    odd = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    grid = np.setdiff1d(np.round(np.arange(-1.0, 12.0, 0.01), 2), odd)
    assert all(mae_slope(odd, c) != 0 for c in grid)
    # at the median the one-sided slopes are -1/n and +1/n: 0 is a subgradient
    h = 1e-9
    assert mae_slope(odd, 3.0 - h) == pytest.approx(-1 / 5)
    assert mae_slope(odd, 3.0 + h) == pytest.approx(1 / 5)
    even = np.array([1.0, 2.0, 3.0, 10.0])
    assert all(mae_slope(even, c) == 0 for c in (2.1, 2.5, 2.9))
    assert mae_slope(even, 1.9) < 0 < mae_slope(even, 3.1)


# -- chapter 3 ----------------------------------------------------------------------


def test_temperature_eight_is_not_yet_ln3():
    at_8 = [fig03.softmax_state(z, 8.0)["loss"] for z in (2.0, 5.0)]
    assert [round(v, 3) for v in at_8] == [0.982, 0.765]
    assert all(abs(v - math.log(3)) > 0.1 for v in at_8)
    assert fig03.softmax_state(5.0, 1e6)["loss"] == pytest.approx(math.log(3), abs=1e-5)


def test_squared_error_gradient_vanishes_when_confidently_right_and_wrong():
    ce, sq = fig03.logit_gradients([-10.0, 10.0])
    assert abs(sq[0]) < 1e-3 and abs(sq[1]) < 1e-8      # both ends
    assert ce[0] == pytest.approx(-1.0, abs=1e-4)        # cross-entropy still pushes when wrong
    z = np.linspace(-8, 8, 160_001)
    _, sq = fig03.logit_gradients(z)
    assert z[np.argmin(sq)] == pytest.approx(-math.log(2), abs=1e-4)   # the alt text's dip
    assert sq.min() == pytest.approx(-8 / 27, rel=1e-6)


def test_library_table_of_chapter_3(torch, keras):
    import inspect

    from sklearn.metrics import log_loss

    assert torch.nn.CrossEntropyLoss().ignore_index == -100
    assert torch.nn.CrossEntropyLoss().weight is None
    logits = torch.tensor([[2.0, 1.0, 0.1]])
    nll = torch.nn.NLLLoss()(torch.log_softmax(logits, dim=1), torch.tensor([0]))
    assert float(nll) == pytest.approx(float(torch.nn.CrossEntropyLoss()(logits, torch.tensor([0]))))
    sparse = inspect.signature(keras.losses.SparseCategoricalCrossentropy).parameters
    assert "label_smoothing" not in sparse and sparse["ignore_class"].default is None
    assert "y_proba" in inspect.signature(log_loss).parameters
    assert "label_smoothing" not in inspect.signature(log_loss).parameters
    with pytest.warns(FutureWarning, match="renamed to `y_proba`"):
        log_loss([0, 1], y_pred=[0.2, 0.7])               # the old name still works, with a warning


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed; "
                               "pip install -r requirements-compare.txt")


def test_keras_has_the_rmse_only_as_a_metric(keras):
    """Chapter 2's library table: "RMSE only as a metric"."""
    assert hasattr(keras.metrics, "RootMeanSquaredError")
    assert not any("rootmeansquared" in name.lower() for name in dir(keras.losses))


# -- chapter 4 ----------------------------------------------------------------------


def test_smooth_l1_with_beta_zero_is_l1(torch):
    pred, target = torch.tensor([-3.0, -0.4, 0.2, 1.5]), torch.zeros(4)
    assert float(torch.nn.SmoothL1Loss(beta=0.0)(pred, target)) == pytest.approx(
        float(torch.nn.L1Loss()(pred, target)))


@pytest.fixture(scope="module")
def data():
    return regression_with_outliers(seed=0)


def gradient_descent_huber(x, y, delta, lr, num_epochs):
    w = b = 0.0
    for _ in range(num_epochs):
        g = lb.huber_grad(y, w * x + b, delta=delta)
        w, b = w - lr * np.sum(g * x), b - lr * np.sum(g)
    return w, b


def test_gradient_descent_reaches_the_huber_fit_and_a_larger_rate_does_not_settle(data):
    x, y, _ = data
    exact = fit_line(x, y, "huber", delta=1.0)
    np.testing.assert_allclose(gradient_descent_huber(x, y, 1.0, 0.05, 2000), exact, atol=1e-6)
    far = gradient_descent_huber(x, y, 1.0, 0.1, 2000)
    assert max(abs(far[0] - exact[0]), abs(far[1] - exact[1])) > 0.01


def test_irls_needs_15_passes_at_delta_one_and_fewer_than_50_on_the_explorer(data, monkeypatch):
    x, y, _ = data
    calls = []
    solve = fitting._weighted_least_squares

    def counting(*args):
        calls.append(1)
        return solve(*args)

    monkeypatch.setattr(fitting, "_weighted_least_squares", counting)
    passes = {}
    for delta in fig04.DELTAS:
        calls.clear()
        fitting.fit_line(x, y, "huber", delta=delta)
        passes[delta] = len(calls)
    assert passes[1.0] == 15
    assert max(passes.values()) < 50, passes


def test_every_irls_pass_lowers_the_huber_loss(data, monkeypatch):
    x, y, _ = data
    lines = []
    solve = fitting._weighted_least_squares

    def recording(*args):
        lines.append(solve(*args))            # (intercept, slope) of each pass
        return lines[-1]

    monkeypatch.setattr(fitting, "_weighted_least_squares", recording)
    for delta in (0.2, 1.0, 3.0):
        lines.clear()
        fitting.fit_line(x, y, "huber", delta=delta)
        losses = [lb.huber(y, a + b * x, delta=delta) for a, b in lines]
        assert len(losses) > 2
        assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:])), delta


def test_huber_regressor_uses_lbfgs_over_the_coefficients_and_the_scale(data, monkeypatch):
    from sklearn.linear_model import HuberRegressor, _huber

    x, y, is_outlier = data
    seen = {}
    minimize = _huber.optimize.minimize

    def spy(fun, x0, *args, **kwargs):
        seen["method"], seen["size"] = kwargs.get("method"), len(x0)
        return minimize(fun, x0, *args, **kwargs)

    monkeypatch.setattr(_huber.optimize, "minimize", spy)
    model = HuberRegressor(epsilon=1.35).fit(x.reshape(-1, 1), y)
    assert seen["method"] == "L-BFGS-B"
    assert seen["size"] == 3            # slope, intercept and the scale sigma, together
    assert model.outliers_.sum() == 13 and model.outliers_[is_outlier].all()


def test_the_explorer_answer_numbers():
    path = fig04.FitPath()
    slopes = {d: round(path.fit(d)[0], 2) for d in (1.0, 3.0, 5.0)}
    assert slopes == {1.0: 0.58, 3.0: 0.81, 5.0: 1.04}
    for d in fig04.DELTAS:
        if d <= 5.0:
            assert path.outside(d)[path.is_outlier].all(), d
    assert path.outside(7.0)[path.is_outlier].sum() == 1
    assert path.outside(0.1).sum() == 31
    w, b = path.fits["mse"]
    largest = np.abs(w * path.x + b - path.y).max()
    assert round(largest, 2) == 7.73
    assert min(d for d in fig04.DELTAS if d > largest) == 10.0


def test_delta_1345_gives_95_percent_efficiency_under_gaussian_noise():
    """Asymptotic efficiency of the Huber estimate relative to least squares:
    P(|Z| <= k)^2 / E[clip(Z, -k, k)^2] for standard Gaussian Z."""
    k = 1.345
    inside = stats.norm.cdf(k) - stats.norm.cdf(-k)
    second_moment = inside - 2 * k * stats.norm.pdf(k) + k**2 * (1 - inside)
    assert inside**2 / second_moment == pytest.approx(0.95, abs=0.001)


# -- Before you start ----------------------------------------------------------------


def test_before_you_start_answers():
    assert round(float(logsumexp([1000.0, 999.0])), 4) == 1000.3133
    with np.errstate(over="ignore"):
        assert np.isinf(np.log(np.exp(1000.0) + np.exp(999.0)))
    assert round(stats.norm.pdf(0.0, scale=0.1), 2) == 3.99
    hessian = np.diag([4.0, 0.2])
    assert 2 / np.linalg.eigvalsh(hessian).max() == 0.5
    assert (np.zeros(3)[:, None] - np.zeros(3)).shape == (3, 3)

"""lossbook.fitting and lossbook.data: the line fits against independent solvers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog, minimize

from lossbook.data import regression_with_outliers
from lossbook.fitting import fit_line


def huber_sum(params, x, y, delta):
    """The Huber loss written out here, independently of lossbook."""
    r = params[0] + params[1] * x - y
    a = np.abs(r)
    return np.sum(np.where(a <= delta, 0.5 * r**2, delta * a - 0.5 * delta**2))


def lad_by_linear_programming(x, y):
    """Least absolute deviations as a linear programme: min sum(t) s.t. |y - a - bx| <= t."""
    n = x.size
    design = np.column_stack([np.ones(n), x])
    cost = np.r_[0.0, 0.0, np.ones(n)]
    a_ub = np.block([[design, -np.eye(n)], [-design, -np.eye(n)]])
    res = linprog(cost, A_ub=a_ub, b_ub=np.r_[y, -y],
                  bounds=[(None, None)] * 2 + [(0, None)] * n, method="highs")
    assert res.success
    return res.x[:2], res.fun


@pytest.fixture(scope="module")
def data():
    return regression_with_outliers()


def test_mse_fit_is_numpy_polyfit(data):
    x, y, _ = data
    slope, intercept = np.polyfit(x, y, 1)
    np.testing.assert_allclose(fit_line(x, y, "mse"), (slope, intercept), rtol=1e-10)


def test_returns_the_slope_first_as_chapter_one_does():
    """One name, one meaning: w, b = fit_line(x, y) predicts w * x + b."""
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = 3.0 * x - 1.0
    for loss in ("mse", "mae", "huber"):
        w, b = fit_line(x, y, loss)
        assert (w, b) == pytest.approx((3.0, -1.0)), loss


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_mae_fit_is_the_linear_programming_optimum(seed):
    x, y, _ = regression_with_outliers(n=35, n_outliers=5, seed=seed)
    (a_lp, b_lp), best = lad_by_linear_programming(x, y)
    b, a = fit_line(x, y, "mae")
    assert np.abs(y - a - b * x).sum() == pytest.approx(best, rel=1e-9)
    np.testing.assert_allclose((a, b), (a_lp, b_lp), atol=1e-7)


@pytest.mark.parametrize("delta", [0.1, 0.5, 1.0, 2.0, 5.0])
def test_huber_fit_minimises_the_huber_loss(data, delta):
    x, y, _ = data
    b, a = fit_line(x, y, "huber", delta=delta)
    res = minimize(huber_sum, x0=np.polyfit(x, y, 1)[::-1], args=(x, y, delta),
                   method="BFGS", options={"gtol": 1e-10})
    assert huber_sum((a, b), x, y, delta) <= res.fun + 1e-9
    np.testing.assert_allclose((a, b), res.x, atol=1e-4)


def test_huber_fit_has_zero_gradient(data):
    x, y, _ = data
    delta = 1.0
    b, a = fit_line(x, y, "huber", delta=delta)
    psi = np.clip(a + b * x - y, -delta, delta)
    assert abs(psi.sum()) < 1e-8 and abs((psi * x).sum()) < 1e-8


def test_huber_fit_with_large_delta_is_the_mse_fit(data):
    x, y, _ = data
    mse_fit = fit_line(x, y, "mse")
    largest = np.abs(mse_fit[0] * x + mse_fit[1] - y).max()
    np.testing.assert_allclose(fit_line(x, y, "huber", delta=largest * 1.01), mse_fit, rtol=1e-12)


def test_huber_fit_agrees_with_scikit_learn_huber_regressor(data):
    """HuberRegressor minimises 2 * Huber of r / sigma; at its fitted sigma the
    line is the Huber fit with delta = epsilon * sigma."""
    from sklearn.linear_model import HuberRegressor

    x, y, _ = data
    model = HuberRegressor(epsilon=1.35, alpha=0.0).fit(x[:, None], y)
    w, b = fit_line(x, y, "huber", delta=1.35 * model.scale_)
    np.testing.assert_allclose((w, b), (model.coef_[0], model.intercept_), atol=1e-4)


def test_the_fits_order_as_robustness_says(data):
    x, y, is_outlier = data
    clean_slope = np.polyfit(x[~is_outlier], y[~is_outlier], 1)[0]
    mse_slope = fit_line(x, y, "mse")[0]
    huber_slope = fit_line(x, y, "huber", delta=1.0)[0]
    mae_slope = fit_line(x, y, "mae")[0]
    assert mse_slope > 2 * clean_slope          # the outliers tilt the MSE line
    assert abs(mae_slope - 0.5) < 0.1 and abs(huber_slope - 0.5) < 0.15
    assert mae_slope < huber_slope < mse_slope


@pytest.mark.parametrize("bad, message", [
    (dict(x=[1.0, 1.0, 1.0], y=[1.0, 2.0, 3.0]), "different x"),
    (dict(x=[1.0, 2.0], y=[1.0, 2.0, 3.0]), "same shape"),
    (dict(x=[[1.0, 2.0]], y=[[1.0, 2.0]]), "1-D"),
    (dict(x=[1.0, np.nan], y=[1.0, 2.0]), "NaN"),
    (dict(x=[1.0, 2.0], y=[1.0, 2.0], loss="hinge"), "unknown loss"),
    (dict(x=[1.0, 2.0], y=[1.0, 2.0], loss="huber", delta=0.0), "delta must be a positive"),
])
def test_fit_line_refuses_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        fit_line(**bad)


def test_data_is_seeded_and_shaped():
    x1, y1, o1 = regression_with_outliers(seed=3)
    x2, y2, o2 = regression_with_outliers(seed=3)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(y1, regression_with_outliers(seed=4)[1])
    assert x1.shape == y1.shape == o1.shape == (40,) and o1.sum() == 6
    assert np.all(np.diff(x1) >= 0) and np.all(o1[-6:])
    # the clean points scatter around the true line with the given noise
    residual = y1[~o1] - (2.0 + 0.5 * x1[~o1])
    assert 0.3 < residual.std() < 0.7
    assert np.all(y1[o1] - (2.0 + 0.5 * x1[o1]) > 6.0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=2), "n must be"),
    (dict(n=10, n_outliers=6), "n_outliers"),
    (dict(noise=-1.0), "noise"),
    (dict(shift=np.inf), "shift"),
])
def test_data_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        regression_with_outliers(**kwargs)

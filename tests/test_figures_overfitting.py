"""Figures of chapter 7: the data, the fits the figures show, and the explorers.

The fits are checked against independent computations (NumPy's polynomial
least squares, scikit-learn's Ridge, a plain early-stopping loop), the
curves against the shapes the chapter's text describes, and the explorers
for distinct frames, alt texts and redraw time.
"""

from __future__ import annotations

import hashlib

import matplotlib
import numpy as np
import pytest

from lossbook import polynomial_features
from lossbook.figures import overfitting as figs
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def capacity():
    return figs.CapacityDemo()


@pytest.fixture(scope="module")
def early():
    return figs.EarlyStoppingDemo()


@pytest.fixture(scope="module")
def regularisation():
    return figs.RegularisationDemo()


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------


def test_wave_data_is_seeded_with_one_training_input_per_cell():
    x, y, x_val, y_val = figs.wave_data()
    x2, y2, _, y_val2 = figs.wave_data()
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(y_val, y_val2)
    cells = np.floor((x + 1) / 2 * len(x)).astype(int)
    np.testing.assert_array_equal(cells, np.arange(len(x)))
    assert not np.array_equal(y, figs.wave_data(seed=3)[1])


def test_wave_noise_has_the_stated_size():
    _, _, x_val, y_val = figs.wave_data(n_val=40_000)
    residual = y_val - np.sin(1.5 * np.pi * x_val)
    assert residual.std() == pytest.approx(figs.NOISE, rel=0.02)
    assert residual.mean() == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize("kwargs, message", [({"n_train": 1}, "n_train"), ({"n_val": 0}, "n_val"),
                                             ({"noise": -1.0}, "noise")])
def test_wave_data_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        figs.wave_data(**kwargs)


def test_diabetes_split_is_the_bundled_data_standardised():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_diabetes(return_X_y=True)
    X_pool, y_pool, X_val, y_val = figs.diabetes_split()
    assert X_pool.shape == (300, 10) and X_val.shape == (142, 10)
    both = np.r_[y_pool, y_val]
    assert both.mean() == pytest.approx(0.0, abs=1e-12) and both.std() == pytest.approx(1.0)
    # the same patients, in a shuffled order, split without overlap
    rows = {tuple(r) for r in X}
    assert {tuple(r) for r in np.r_[X_pool, X_val]} == rows
    assert not {tuple(r) for r in X_pool} & {tuple(r) for r in X_val}
    np.testing.assert_allclose(np.sort(both * y.std() + y.mean()), np.sort(y))
    with pytest.raises(ValueError, match="fewer than 442"):
        figs.diabetes_split(n_pool=442)


# --------------------------------------------------------------------------
# the fits the figures show
# --------------------------------------------------------------------------


def test_long_training_reaches_numpys_least_squares_polynomial(capacity):
    x, y = capacity.data[0], capacity.data[1]
    grid = np.linspace(-1, 1, 50)
    for degree in (1, 3, 5):   # well conditioned: converged after 10,000 epochs
        hist = capacity.paths[degree]
        ours = polynomial_features(grid, degree) @ hist.w + hist.b
        reference = np.polynomial.Polynomial.fit(x, y, degree)(grid)
        np.testing.assert_allclose(ours, reference, atol=1e-6)


def test_early_epochs_match_plain_gradient_descent_on_the_powers(capacity):
    # an independent loop on numpy's Legendre basis
    x, y, x_val, y_val = capacity.data
    k = np.arange(1, 16)
    V = np.polynomial.legendre.legvander(x, 15)[:, 1:] * np.sqrt(2 * k + 1)
    V_val = np.polynomial.legendre.legvander(x_val, 15)[:, 1:] * np.sqrt(2 * k + 1)
    w, b = np.zeros(15), 0.0
    for epoch in range(1, 31):
        r = V @ w + b - y
        w, b = w - figs.LR * 2 * V.T @ r / len(y), b - figs.LR * 2 * r.mean()
        if epoch in (3, 10, 30):
            train, val = capacity.losses(15, epoch)
            assert train == pytest.approx(np.mean((V @ w + b - y) ** 2), rel=1e-9)
            assert val == pytest.approx(np.mean((V_val @ w + b - y_val) ** 2), rel=1e-9)


def test_the_curves_have_the_shapes_the_chapter_describes(capacity):
    noise_level = figs.NOISE ** 2
    train1, val1 = capacity.losses(1, 10000)
    assert train1 > 5 * noise_level and val1 > 5 * noise_level          # underfitting
    assert abs(train1 - val1) < 0.2
    train5, val5 = capacity.losses(5, 10000)
    assert train5 < 1.2 * noise_level and val5 < 1.3 * noise_level       # a good fit
    assert abs(val5 - train5) < 0.03
    h15 = capacity.paths[15]
    best = capacity.best_epoch(15)
    assert best < 40                                                     # overfitting:
    assert h15.val_loss[-1] > 3 * h15.val_loss[best - 1]                 # validation rises
    assert h15.train_loss[-1] < noise_level / 4                          # training keeps falling
    assert np.all(np.diff(h15.train_loss) <= 1e-12)


def test_three_fits_figure_reports_the_final_losses(capacity):
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8, 5))
    final = figs.draw_three_fits(fig, paths=capacity.paths)
    plt.close(fig)
    for degree in (1, 5, 15):
        assert final[degree] == pytest.approx(capacity.losses(degree, 10000))


def test_regularised_fits_converge_to_scikit_learns_ridge(regularisation):
    linear_model = pytest.importorskip("sklearn.linear_model")
    x, y = regularisation.data[0], regularisation.data[1]
    X = polynomial_features(x, 15)
    for l2 in (0.1, 0.3, 1.0, 3.0):
        ref = linear_model.Ridge(alpha=len(y) * l2).fit(X, y)
        hist = regularisation.paths[l2]
        np.testing.assert_allclose(hist.w, ref.coef_, atol=1e-6)
        assert hist.b == pytest.approx(ref.intercept_, abs=1e-6)


def test_the_validation_loss_has_a_minimum_in_l2(regularisation):
    val = np.array([regularisation.losses(v)[1] for v in regularisation.l2_values])
    train = np.array([regularisation.losses(v)[0] for v in regularisation.l2_values])
    k = int(np.argmin(val))
    assert 0 < k < len(val) - 1
    assert np.all(np.diff(val[:k + 1]) < 0) and np.all(np.diff(val[k:]) > 0)
    assert np.all(np.diff(train) > 0)


def _plain_early_stopping(losses, patience, min_delta):
    """The rule as the chapter states it, written independently."""
    best, best_at, waited = np.inf, None, 0
    for i, loss in enumerate(losses):
        if loss < best - min_delta:
            best, best_at, waited = loss, i, 0
        else:
            waited += 1
            if i > 0 and waited >= patience:
                return i, best_at
    return None, best_at


def test_early_stopping_demo_reports_one_based_epochs(early):
    val = early.history.val_loss
    for p in early.patiences:
        for m in early.min_deltas:
            stop, best = _plain_early_stopping(val, p, m)
            last = len(val) if stop is None else stop + 1
            assert early.stopping(p, m) == (last, best + 1)


def test_the_diabetes_run_overfits_after_a_few_dozen_epochs(early):
    val, train = early.history.val_loss, early.history.train_loss
    lowest = int(np.argmin(val))
    assert 10 <= lowest <= 40
    assert val[-1] > val[lowest] + 0.05
    assert train[-1] < train[lowest] - 0.05


# --------------------------------------------------------------------------
# explorers
# --------------------------------------------------------------------------



@pytest.mark.parametrize("name", ["capacity", "early", "regularisation"])
def test_every_frame_differs_and_has_its_own_alt_text(name, request):
    explorer = request.getfixturevalue(name).explorer()
    pngs, alts, _ = xc.frames(explorer)
    assert len({hashlib.sha1(p).hexdigest() for p in pngs}) == len(pngs)
    assert len(set(alts)) == len(alts)
    assert all(len(a) > 80 for a in alts)
    assert len(pngs) <= 48


@pytest.mark.parametrize("name", ["capacity", "early", "regularisation"])
def test_redraws_are_fast(name, request):
    explorer = request.getfixturevalue(name).explorer()
    xc.frames(explorer)                     # the static layers are drawn once, on first use
    _, _, times = xc.frames(explorer)
    xc.assert_fast(float(np.median(times)))


def test_static_html_switches_frames():
    demo = figs.CapacityDemo(degrees=(1, 15), epochs=(10, 1000))
    page = demo.explorer().static_html()
    assert page.count('type="range"') == 2 and page.count("data:image/png;base64,") >= 4


def test_demos_refuse_values_they_did_not_precompute(capacity, early, regularisation):
    with pytest.raises(ValueError, match="degree 4 was not precomputed"):
        capacity.losses(4, 10)
    with pytest.raises(ValueError, match="epochs=11 was not precomputed"):
        capacity.losses(5, 11)
    with pytest.raises(ValueError, match="not precomputed"):
        early.stopping(7, 0.0)
    with pytest.raises(ValueError, match="not precomputed"):
        regularisation.losses(0.5)
    with pytest.raises(ValueError, match="two degrees"):
        figs.CapacityDemo(degrees=(3,), epochs=(1, 2))
    with pytest.raises(ValueError, match="include l2 = 0.0"):
        figs.RegularisationDemo(l2_values=(0.1, 1.0))


def test_directions_learned_by_epoch_20_have_the_curvatures_the_chapter_states():
    """Chapter 7: curvatures 1.22 to 6.04 are learned by epoch 20; the next, 0.27, needs 74."""
    x, y, _, _ = figs.wave_data()
    X_a = np.hstack([np.ones((len(y), 1)), polynomial_features(x, 15)])
    curvatures = np.sort(np.linalg.eigvalsh(2 * X_a.T @ X_a / len(y)))[::-1]
    epochs = 1 / (0.05 * curvatures)
    fast = curvatures[epochs <= 20]
    assert len(fast) == 13
    assert (round(fast.min(), 2), round(fast.max(), 2)) == (1.22, 6.04)
    assert round(curvatures[13], 2) == 0.27 and round(epochs[13]) == 74


def test_the_quadratic_learning_curve_rises_between_20_and_40_samples():
    """Chapter 7: the quadratic model's median validation loss, 1.389 at 20 samples, 2.224 at 40."""
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    from lossbook import learning_curve

    X_pool, y_pool, X_val, y_val = figs.diabetes_split()
    model = make_pipeline(PolynomialFeatures(2, include_bias=False), StandardScaler(),
                          Ridge(alpha=1.0))
    curve = learning_curve(model, X_pool, y_pool, X_val, y_val, [20, 40, 70, 100, 150, 200, 300],
                           num_repeats=5, seed=0)
    medians = np.median(curve.val_loss, axis=1)
    assert [f"{m:.3f}" for m in medians[:2]] == ["1.389", "2.224"]
    assert medians[-1] < medians[0]

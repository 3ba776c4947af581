"""The losses for particular data (chapter 10) against values computed independently.

Expected values are worked out by hand or from the formula written again
here with :mod:`math` and plain loops, never by calling the function under
test; gradients are checked against central finite differences.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lossbook
from lossbook import losses as L

rng = np.random.default_rng(10)


def ref_pinball(y, p, q):
    return [q * (a - b) if a >= b else (1 - q) * (b - a) for a, b in zip(y, p)]


def ref_msle(y, p):
    return [(math.log(1 + a) - math.log(1 + b)) ** 2 for a, b in zip(y, p)]


def ref_poisson(y, p):
    return [2 * ((a * math.log(a / b) if a > 0 else 0.0) - a + b) for a, b in zip(y, p)]


def ref_gamma(y, p):
    return [2 * (math.log(b / a) + a / b - 1) for a, b in zip(y, p)]


def ref_focal(y, p, gamma, alpha):
    out = []
    for a, b in zip(y, p):
        pt = b if a == 1 else 1 - b
        w = 1.0 if alpha is None else (alpha if a == 1 else 1 - alpha)
        out.append(-w * (1 - pt) ** gamma * math.log(pt))
    return out


def ref_kl(p, q):
    return sum(a * math.log(a / b) for a, b in zip(p, q) if a > 0)


Y_POS = [0.5, 2.0, 7.0, 1.0, 3.5]
P_POS = [1.0, 1.5, 9.0, 1.0, 2.0]


def test_hand_values():
    # Under by 2 at q = 0.9 costs 1.8; over by 3 costs 0.1 * 3 = 0.3.
    assert lossbook.pinball([10.0, 10.0], [8.0, 13.0], 0.9, reduction="sum") == pytest.approx(2.1)
    assert lossbook.msle([1.0], [3.0]) == pytest.approx(math.log(2) ** 2)
    assert lossbook.poisson_deviance([0.0, 2.0], [1.0, 2.0], reduction="none") == pytest.approx([2.0, 0.0])
    assert lossbook.gamma_deviance([2.0], [1.0]) == pytest.approx(2 * (math.log(0.5) + 1))
    assert lossbook.brier_score([1, 0, 1], [0.5, 0.5, 1.0]) == pytest.approx(0.5 / 3)
    assert lossbook.kl_divergence([1.0, 0.0], [0.25, 0.75]) == pytest.approx(math.log(4))


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_pinball_matches_the_formula_and_half_mae(q):
    y, p = rng.normal(size=30), rng.normal(size=30)
    np.testing.assert_allclose(lossbook.pinball(y, p, q, reduction="none"), ref_pinball(y, p, q))
    if q == 0.5:
        assert lossbook.pinball(y, p, q) == pytest.approx(0.5 * lossbook.mae(y, p))


def test_pinball_constant_minimiser_is_the_quantile():
    y = rng.exponential(size=401)
    grid = np.linspace(0, 5, 5001)
    best = grid[np.argmin([lossbook.pinball(y, np.full_like(y, c), 0.8) for c in grid])]
    assert best == pytest.approx(np.sort(y)[int(0.8 * 401)], abs=2e-3)


def test_regression_losses_match_the_formulas():
    np.testing.assert_allclose(lossbook.msle(Y_POS, P_POS, reduction="none"), ref_msle(Y_POS, P_POS))
    y0 = [0.0] + Y_POS
    p0 = [0.3] + P_POS
    np.testing.assert_allclose(lossbook.poisson_deviance(y0, p0, reduction="none"), ref_poisson(y0, p0))
    np.testing.assert_allclose(lossbook.gamma_deviance(Y_POS, P_POS, reduction="none"),
                               ref_gamma(Y_POS, P_POS))
    total = sum(ref_gamma(Y_POS, P_POS))
    assert lossbook.gamma_deviance(Y_POS, P_POS, reduction="sum") == pytest.approx(total)


def test_gamma_deviance_is_scale_free():
    y, p = np.array(Y_POS), np.array(P_POS)
    assert lossbook.gamma_deviance(1000 * y, 1000 * p) == pytest.approx(lossbook.gamma_deviance(y, p))


def _fd(loss, y, p, h=1e-6):
    g = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        up, down = p.copy(), p.copy()
        up[i] += h
        down[i] -= h
        g[i] = (loss(y, up) - loss(y, down)) / (2 * h)
    return g


@pytest.mark.parametrize("shape", [(7,), (3, 4), ()])
@pytest.mark.parametrize("name", ["pinball", "msle", "poisson_deviance", "gamma_deviance"])
def test_gradients_match_finite_differences(name, shape):
    y = rng.uniform(0.2, 5.0, size=shape)
    p = rng.uniform(0.2, 5.0, size=shape)
    if name == "pinball":
        def loss(a, b):
            return lossbook.pinball(a, b, quantile=0.3)
        grad = lossbook.pinball_grad(y, p, quantile=0.3)
    else:
        loss = getattr(lossbook, name)
        grad = getattr(lossbook, name + "_grad")(y, p)
    assert grad.shape == np.shape(p)
    np.testing.assert_allclose(grad, _fd(loss, y, np.asarray(p, dtype=float)), rtol=1e-5, atol=1e-9)


def test_pinball_grad_values_and_kink():
    np.testing.assert_allclose(lossbook.pinball_grad([1.0, 1.0, 1.0, 1.0], [0.0, 2.0, 1.0, 5.0], 0.25),
                               [-0.0625, 0.1875, 0.0, 0.1875])


@pytest.mark.parametrize("gamma,alpha", [(2.0, None), (0.0, None), (1.5, 0.25), (3.0, 0.8)])
def test_focal_loss_matches_the_formula(gamma, alpha):
    y = (rng.random(40) < 0.3).astype(float)
    p = rng.uniform(0.01, 0.99, size=40)
    np.testing.assert_allclose(lossbook.binary_focal_loss(y, p, gamma, alpha, reduction="none"),
                               ref_focal(y, p, gamma, alpha), rtol=1e-12)


def test_focal_loss_with_gamma_zero_is_binary_cross_entropy():
    y = (rng.random((5, 6)) < 0.5).astype(float)
    p = rng.random((5, 6))
    p[0, 0], y[0, 0] = 0.0, 1.0  # the clamp at -100 is shared
    assert lossbook.binary_focal_loss(y, p, gamma=0.0) == pytest.approx(lossbook.binary_cross_entropy(y, p))


def test_focal_loss_shrinks_easy_samples_more():
    easy, hard = lossbook.binary_focal_loss([1, 1], [0.9, 0.1], reduction="none")
    bce_easy, bce_hard = -math.log(0.9), -math.log(0.1)
    assert easy / bce_easy == pytest.approx(0.01) and hard / bce_hard == pytest.approx(0.81)


def test_kl_divergence_rows_and_reductions():
    p = rng.dirichlet(np.ones(4), size=6)
    q = rng.dirichlet(np.ones(4), size=6)
    p[0] = [0.5, 0.5, 0.0, 0.0]  # zeros in p contribute nothing
    rows = [ref_kl(a, b) for a, b in zip(p, q)]
    np.testing.assert_allclose(lossbook.kl_divergence(p, q, reduction="none"), rows)
    assert lossbook.kl_divergence(p, q) == pytest.approx(sum(rows) / 6)
    assert lossbook.kl_divergence(p, q, reduction="sum") == pytest.approx(sum(rows))
    assert lossbook.kl_divergence(p[1], p[1]) == pytest.approx(0.0, abs=1e-15)
    assert all(v >= 0 for v in rows)


def test_cross_entropy_is_entropy_plus_kl():
    p = rng.dirichlet(np.ones(5))
    q = rng.dirichlet(np.ones(5))
    ce = -sum(a * math.log(b) for a, b in zip(p, q))
    entropy = -sum(a * math.log(a) for a in p)
    assert ce == pytest.approx(entropy + lossbook.kl_divergence(p, q))


def test_brier_score_matches_the_formula():
    y = (rng.random(20) < 0.5).astype(float)
    p = rng.random(20)
    assert lossbook.brier_score(y, p) == pytest.approx(sum((b - a) ** 2 for a, b in zip(y, p)) / 20)


@pytest.mark.parametrize("call,words", [
    (lambda: lossbook.pinball([1.0], [1.0], quantile=1.0), "strictly between 0 and 1"),
    (lambda: lossbook.pinball([1.0], [1.0], quantile=0.0), "strictly between 0 and 1"),
    (lambda: lossbook.pinball([1.0, 2.0], [1.0], 0.5), "same shape"),
    (lambda: lossbook.pinball([1.0], [1.0], reduction="avg"), "unknown reduction"),
    (lambda: lossbook.msle([-1.0], [1.0]), "greater than -1"),
    (lambda: lossbook.msle([1.0], [np.nan]), "NaN"),
    (lambda: lossbook.poisson_deviance([-1.0], [1.0]), "Counts cannot be negative"),
    (lambda: lossbook.poisson_deviance([1.0], [0.0]), "positive predicted mean"),
    (lambda: lossbook.gamma_deviance([0.0], [1.0]), "strictly positive amounts"),
    (lambda: lossbook.gamma_deviance_grad([1.0], [-1.0]), "greater than 0"),
    (lambda: lossbook.binary_focal_loss([2.0], [0.5]), "labels 0 or 1"),
    (lambda: lossbook.binary_focal_loss([1.0], [1.5]), "probabilities in [0, 1]"),
    (lambda: lossbook.binary_focal_loss([1.0], [0.5], gamma=-1), "gamma must be"),
    (lambda: lossbook.binary_focal_loss([1.0], [0.5], alpha=1.0), "alpha must lie"),
    (lambda: lossbook.kl_divergence([0.5, 0.6], [0.5, 0.5]), "summing to 1"),
    (lambda: lossbook.kl_divergence([0.5, 0.5], [1.0, 0.0]), "infinite"),
    (lambda: lossbook.kl_divergence([1.5, -0.5], [0.5, 0.5]), ">= 0"),
    (lambda: lossbook.kl_divergence(1.0, 1.0), "probability vectors"),
    (lambda: lossbook.brier_score([-1.0, 1.0], [0.5, 0.5]), "(y + 1) / 2"),
])
def test_bad_input_is_refused_with_a_fix(call, words):
    with pytest.raises(ValueError, match=None) as err:
        call()
    assert words in str(err.value)


def test_float64_and_reductions():
    for name in ["pinball", "msle", "poisson_deviance", "gamma_deviance"]:
        fn = getattr(lossbook, name)
        none = fn(np.float32(P_POS), np.float32(Y_POS), reduction="none")
        assert none.dtype == np.float64 and none.shape == (5,)
        assert fn(P_POS, Y_POS) == pytest.approx(none.mean())
        assert fn(P_POS, Y_POS, reduction="sum") == pytest.approx(none.sum())
    assert L.brier_score([1.0], [0.25], reduction="none").tolist() == [0.5625]

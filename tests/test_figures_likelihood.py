"""Chapter 9's figures (lossbook.figures.likelihood): right densities and losses, right fits, fast."""

from __future__ import annotations

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import optimize, stats

from lossbook.figures import likelihood as figs
from lossbook.plotting import RC
import explorer_checks as xc  # noqa: E402  (tests/explorer_checks.py)

matplotlib.use("Agg")

R = np.linspace(-6.0, 6.0, 41)


@pytest.fixture(scope="module")
def explorer():
    return figs.noise_explorer()


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_log_densities_are_scipys(scale):
    np.testing.assert_allclose(figs.noise_logpdf("Gaussian", R, scale), stats.norm.logpdf(R, scale=scale))
    np.testing.assert_allclose(figs.noise_logpdf("Laplace", R, scale), stats.laplace.logpdf(R, scale=scale))
    np.testing.assert_allclose(figs.noise_logpdf("Student t", R, scale),
                               stats.t.logpdf(R, df=figs.T_DOF, scale=scale))


def test_implied_losses_are_the_course_losses():
    s = 1.5
    np.testing.assert_allclose(figs.implied_loss("Gaussian", R, s), R**2 / (2 * s**2), atol=1e-12)
    np.testing.assert_allclose(figs.implied_loss("Laplace", R, s), np.abs(R) / s, atol=1e-12)
    nu = figs.T_DOF
    np.testing.assert_allclose(figs.implied_loss("Student t", R, s),
                               (nu + 1) / 2 * np.log1p(R**2 / (nu * s**2)), atol=1e-12)


def test_gaussian_nll_by_hand_and_options():
    # residuals 0 and 2 with variances 1 and 4: 0.5 * (0 + 0) and 0.5 * (log 4 + 1)
    per = [0.0, 0.5 * (math.log(4.0) + 1.0)]
    assert figs.gaussian_nll([0.0, 2.0], [0.0, 0.0], [1.0, 4.0]) == pytest.approx(sum(per) / 2)
    assert figs.gaussian_nll([0.0, 2.0], [0.0, 0.0], [1.0, 4.0], reduction="sum") == pytest.approx(sum(per))
    full = figs.gaussian_nll([0.0, 2.0], [0.0, 0.0], [1.0, 4.0], full=True, reduction="none")
    np.testing.assert_allclose(full, np.array(per) + 0.5 * math.log(2 * math.pi))
    # the variance is clamped at eps: a zero variance costs 0.5 * log(eps) for a zero residual
    assert figs.gaussian_nll([1.0], [1.0], [0.0]) == pytest.approx(0.5 * math.log(1e-6))
    # a scalar variance broadcasts
    assert figs.gaussian_nll([1.0, 3.0], [0.0, 0.0], 2.0) == pytest.approx(
        0.5 * (math.log(2.0) + (1.0 + 9.0) / 2 / 2.0))


def test_poisson_nll_by_hand():
    y, z = np.array([0.0, 1.0, 3.0]), np.array([0.5, 0.0, 1.0])
    plain = np.exp(z) - y * z
    assert figs.poisson_nll(y, z) == pytest.approx(plain.mean())
    stirling = np.array([0.0, 0.0, 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)])  # only y > 1
    np.testing.assert_allclose(figs.poisson_nll(y, z, full=True, reduction="none"), plain + stirling)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="negative"):
        figs.gaussian_nll([1.0], [0.0], [-1.0])
    with pytest.raises(ValueError, match="shape"):
        figs.gaussian_nll([1.0, 2.0], [0.0], [1.0])
    with pytest.raises(ValueError, match="reduction"):
        figs.poisson_nll([1.0], [0.0], reduction="average")
    with pytest.raises(ValueError, match="count"):
        figs.poisson_nll([-1.0], [0.0])
    with pytest.raises(ValueError, match="unknown noise"):
        figs.noise_logpdf("Cauchy", 0.0)
    with pytest.raises(ValueError, match="scale must be a positive"):
        figs.implied_loss("Gaussian", 0.0, scale=0.0)
    with pytest.raises(ValueError, match="not precomputed"):
        figs.NoiseFits(scales=(1.0,)).alt("Gaussian", 2.0)


def test_t_line_maximises_the_t_likelihood(explorer):
    fits = explorer.fits
    for noise in figs.NOISES:
        for s in figs.SCALES:
            y = fits.y[noise, s]

            def nll(p):
                return -np.sum(stats.t.logpdf(y - p[0] * fits.x - p[1], df=figs.T_DOF, scale=s))

            best = optimize.minimize(nll, fits.fits[noise, s]["MSE"], method="Nelder-Mead",
                                     options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
            w, b = fits.fits[noise, s]["t NLL"]
            assert nll((w, b)) <= best.fun + 1e-8
            np.testing.assert_allclose((w, b), best.x, atol=1e-5)
            np.testing.assert_allclose(fits.fits[noise, s]["MSE"], np.polyfit(fits.x, y, 1), rtol=1e-10)


def test_explorer_grid_and_the_chapters_claims(explorer):
    assert explorer.params == {"noise": list(figs.NOISES), "scale": list(figs.SCALES)}
    assert len(figs.NOISES) * len(figs.SCALES) <= 48
    fits = explorer.fits.fits
    # the chapter's "What you should see": at scale 2 the t noise pulls MSE to 0.53, MAE to 0.45
    assert [round(fits["Student t", 2.0][k][0], 2) for k in ("MSE", "MAE", "t NLL")] == [0.53, 0.45, 0.50]
    # on this draw the matched loss gives the slope closest to the truth, for scales 1 and 2
    for noise in figs.NOISES:
        for s in (1.0, 2.0):
            errors = {k: abs(v[0] - 0.5) for k, v in fits[noise, s].items()}
            assert min(errors, key=errors.get) == figs.LOSS_NAMES[noise], (noise, s)


def test_each_frame_differs_and_alt_names_the_slopes(explorer):
    pngs, alts, _ = xc.frames(explorer)
    assert len(set(pngs)) == len(pngs) == 9
    assert len(set(alts)) == 9
    w = explorer.fits.fits["Laplace", 1.0]["MAE"][0]
    assert f"MAE line slope {w:.2f}" in explorer.alt(noise="Laplace", scale=1.0)


def test_render_is_fast(explorer):
    explorer.render(noise="Gaussian", scale=1.0)
    combos = [{"noise": k, "scale": s} for k in figs.NOISES for s in figs.SCALES]
    xc.assert_fast(xc.median_redraw(explorer, combos))


def test_static_html_has_one_frame_per_combination(explorer):
    page = explorer.static_html()
    assert page.count('type="range"') == 2
    assert page.count("data:image/png;base64,") == 9 + 1


def test_intuition_draws_the_parabola_and_the_v():
    with plt.rc_context(RC):
        fig = plt.figure()
        _, right = figs.draw_intuition(fig)
        lines = right.get_lines()
        r, parabola = lines[0].get_data()
        np.testing.assert_allclose(parabola, r**2 / 2, atol=1e-12)
        r, v = lines[1].get_data()
        np.testing.assert_allclose(v, np.abs(r), atol=1e-12)
        plt.close(fig)

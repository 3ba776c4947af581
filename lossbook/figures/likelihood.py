"""Figures of chapter 9, *The loss is a likelihood* (``chapters/09_likelihood.ipynb``).

* :func:`noise_logpdf` and :func:`implied_loss`: the log-density of three noise
  models (Gaussian, Laplace, Student t with 3 degrees of freedom) and the loss
  of a residual each one implies, ``-log p(r) + log p(0)``.
* :func:`gaussian_nll` and :func:`poisson_nll`: reference versions of
  PyTorch's ``GaussianNLLLoss`` and ``PoissonNLLLoss`` (``log_input=True``),
  with their ``full`` and ``eps`` options, in NumPy.
* :func:`draw_intuition`: the Gaussian and Laplace densities and minus their
  logarithms, a parabola and a V.
* :class:`NoiseFits` and :func:`noise_explorer`: choose the noise and its
  scale; see its density, the loss it implies, and three lines fitted to data
  with that noise (by MSE, MAE and the Student-t likelihood). Every fit is
  computed when the explorer is made, so a slider move only redraws.

Examples
--------
>>> round(gaussian_nll([1.0], [0.0], [1.0]), 4)
0.5
>>> round(float(implied_loss("Laplace", 2.0, scale=0.5)), 4)
4.0
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_positive
from ..explore import Explorer
from ..fitting import fit_line
from ..plotting import COLORS, LINESTYLES
from ._backdrop import Backdrop

__all__ = ["NOISES", "SCALES", "T_DOF", "noise_logpdf", "implied_loss", "gaussian_nll",
           "poisson_nll", "fit_t_line", "draw_intuition", "NoiseFits", "noise_explorer"]

#: The noise models of the explorer, in slider order.
NOISES = ("Gaussian", "Laplace", "Student t")
#: The scales of the explorer: the Gaussian's sigma, the Laplace's b, the t's scale.
SCALES = (0.5, 1.0, 2.0)
#: Degrees of freedom of the Student-t noise (heavy tails, finite variance).
T_DOF = 3.0
#: The loss each noise model implies, as the chapter names it.
LOSS_NAMES = {"Gaussian": "MSE", "Laplace": "MAE", "Student t": "t NLL"}
_KEYS = {"Gaussian": "mse", "Laplace": "mae", "Student t": "huber"}
_REDUCTIONS = ("mean", "sum", "none")


def _noise(kind: str) -> str:
    if kind not in NOISES:
        raise ValueError(f"unknown noise {kind!r}; use one of {', '.join(map(repr, NOISES))}.")
    return kind


def noise_logpdf(kind: str, r, scale: float = 1.0) -> np.ndarray:
    """Log-density of the residual ``r`` under a noise model centred at 0.

    ``"Gaussian"``: standard deviation ``scale``; ``"Laplace"``: density
    ``exp(-|r| / scale) / (2 scale)``; ``"Student t"``: :data:`T_DOF`
    degrees of freedom, scaled by ``scale``.

    Examples
    --------
    >>> round(float(noise_logpdf("Gaussian", 0.0)), 6) == round(-0.5 * math.log(2 * math.pi), 6)
    True
    """
    kind = _noise(kind)
    scale = check_positive(scale, "scale")
    r = np.asarray(r, dtype=float)
    z = r / scale
    if kind == "Gaussian":
        return -0.5 * z**2 - math.log(scale) - 0.5 * math.log(2 * math.pi)
    if kind == "Laplace":
        return -np.abs(z) - math.log(2 * scale)
    nu = T_DOF
    const = (math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
             - math.log(scale))
    return const - (nu + 1) / 2 * np.log1p(z**2 / nu)


def implied_loss(kind: str, r, scale: float = 1.0) -> np.ndarray:
    """The loss of a residual that the noise model implies: ``-log p(r) + log p(0)``,
    zero at ``r = 0``. Gaussian: ``r**2 / (2 scale**2)``; Laplace: ``|r| / scale``;
    Student t: ``(nu + 1) / 2 * log(1 + r**2 / (nu scale**2))``."""
    return noise_logpdf(kind, 0.0, scale) - noise_logpdf(kind, r, scale)


def _reduce(values: np.ndarray, reduction: str):
    if reduction == "mean":
        return float(np.mean(values))
    if reduction == "sum":
        return float(np.sum(values))
    if reduction == "none":
        return values
    raise ValueError(f"unknown reduction {reduction!r}; use 'mean', 'sum' or 'none'.")


def gaussian_nll(y_true, mean, var, full: bool = False, eps: float = 1e-6, reduction: str = "mean"):
    """PyTorch's ``GaussianNLLLoss``: ``0.5 * (log(max(var, eps)) + (mean - y)**2 / max(var, eps))``
    per element, plus ``0.5 * log(2 pi)`` when ``full``; then the reduction.

    ``mean`` is the predicted mean (PyTorch's ``input``), ``var`` the predicted
    variance (not the standard deviation, not its logarithm), broadcast
    against ``mean``; a negative variance is refused.

    Examples
    --------
    >>> round(gaussian_nll([0.0, 2.0], [0.0, 0.0], [1.0, 4.0]), 6)
    0.596574
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; use 'mean', 'sum' or 'none'.")
    y, mu = np.asarray(y_true, dtype=float), np.asarray(mean, dtype=float)
    if y.shape != mu.shape:
        raise ValueError(f"y_true has shape {y.shape} but mean has shape {mu.shape}; "
                         "pass one prediction per target.")
    v = np.asarray(var, dtype=float)
    if np.any(v < 0):
        raise ValueError("var has negative entries; pass a variance >= 0 "
                         "(exponentiate a predicted log-variance first).")
    v = np.broadcast_to(np.maximum(v, check_positive(eps, "eps")), mu.shape)
    loss = 0.5 * (np.log(v) + (mu - y) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll(y_true, log_rate, full: bool = False, reduction: str = "mean"):
    """PyTorch's ``PoissonNLLLoss`` with ``log_input=True``: ``exp(z) - y * z`` per element
    for the predicted log-rate ``z``; ``full`` adds Stirling's approximation of
    ``log(y!)``, ``y log y - y + 0.5 log(2 pi y)``, where ``y > 1``.

    Examples
    --------
    >>> round(poisson_nll([2.0], [0.0]), 6)
    1.0
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; use 'mean', 'sum' or 'none'.")
    y, z = np.asarray(y_true, dtype=float), np.asarray(log_rate, dtype=float)
    if y.shape != z.shape:
        raise ValueError(f"y_true has shape {y.shape} but log_rate has shape {z.shape}; "
                         "pass one log-rate per count.")
    if np.any(y < 0):
        raise ValueError("y_true has negative counts; a Poisson target is a count >= 0.")
    loss = np.exp(z) - y * z
    if full:
        big = y > 1
        safe = np.where(big, y, 2.0)
        stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe)
        loss = loss + np.where(big, stirling, 0.0)
    return _reduce(loss, reduction)


def fit_t_line(x, y, scale: float, dof: float = T_DOF, max_iter: int = 200,
               tol: float = 1e-12) -> tuple[float, float]:
    """Slope and intercept of the line that maximises the Student-t likelihood of the
    residuals with a known ``scale`` and ``dof``, by iteratively reweighted least
    squares (weights ``(dof + 1) / (dof + r**2 / scale**2)``), started at the MAE line."""
    scale = check_positive(scale, "scale")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w, b = fit_line(x, y, "mae")
    design = np.column_stack([x, np.ones_like(x)])
    for _ in range(max_iter):
        r = w * x + b - y
        weights = (dof + 1) / (dof + (r / scale) ** 2)
        sw = np.sqrt(weights)
        (w_new, b_new), *_ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
        done = abs(w_new - w) + abs(b_new - b) < tol * (1 + abs(w) + abs(b))
        w, b = float(w_new), float(b_new)
        if done:
            break
    return w, b


def draw_intuition(fig, r_max: float = 4.0):
    """Left: the Gaussian (sigma 1) and Laplace (b 1) densities. Right: minus their
    logarithms, shifted to 0 at r = 0: the parabola ``r**2 / 2`` and the V ``|r|``.

    Returns
    -------
    list of matplotlib.axes.Axes
    """
    r_max = check_positive(r_max, "r_max")
    r = np.linspace(-r_max, r_max, 401)
    left, right = fig.subplots(1, 2)
    for kind in ("Gaussian", "Laplace"):
        key = _KEYS[kind]
        left.plot(r, np.exp(noise_logpdf(kind, r)), color=COLORS[key], ls=LINESTYLES[key],
                  lw=2, label=kind)
        right.plot(r, implied_loss(kind, r), color=COLORS[key], ls=LINESTYLES[key], lw=2,
                   label=r"$r^2/2$ (MSE)" if kind == "Gaussian" else r"$|r|$ (MAE)")
    left.set_xlabel(r"residual $r = y - \hat y$")
    left.set_ylabel(r"density $p(r)$")
    left.set_title("noise model", fontsize=10)
    left.legend(loc="upper right", fontsize=8)
    right.set_xlabel(r"residual $r$")
    right.set_ylabel(r"$-\log p(r) + \log p(0)$")
    right.set_title("the loss it implies", fontsize=10)
    right.set_ylim(0, r_max)
    right.legend(loc="upper center", fontsize=8)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.17, top=0.88, wspace=0.35)
    return [left, right]


class NoiseFits:
    """Data with each noise model and scale, and the lines fitted to them.

    The inputs ``x`` (60 points in [0, 10]) and the standardised noise of each
    model are drawn once from ``seed``; the data of a scale are
    ``TRUE_LINE + scale * noise``, so changing the scale stretches the same draws.

    Attributes
    ----------
    x : ndarray
    y : dict
        ``(noise, scale) -> targets``.
    fits : dict
        ``(noise, scale) -> {"MSE": (w, b), "MAE": (w, b), "t NLL": (w, b)}``.
    """

    TRUE_LINE = (0.5, 1.0)  # slope, intercept
    R_MAX = 5.0

    def __init__(self, noises=NOISES, scales=SCALES, n: int = 60, seed: int = 4):
        self.noises = tuple(_noise(k) for k in noises)
        self.scales = tuple(check_positive(s, "scale") for s in scales)
        rng = np.random.default_rng(seed)
        self.x = np.sort(rng.uniform(0.0, 10.0, n))
        standard = {"Gaussian": rng.standard_normal(n), "Laplace": rng.laplace(size=n),
                    "Student t": rng.standard_t(T_DOF, size=n)}
        w0, b0 = self.TRUE_LINE
        self.y, self.fits = {}, {}
        for kind in self.noises:
            for s in self.scales:
                y = w0 * self.x + b0 + s * standard[kind]
                self.y[kind, s] = y
                self.fits[kind, s] = {"MSE": fit_line(self.x, y, "mse"),
                                      "MAE": fit_line(self.x, y, "mae"),
                                      "t NLL": fit_t_line(self.x, y, scale=s)}
        every_y = np.concatenate(list(self.y.values()))
        self.ylim = (float(every_y.min()) - 0.5, float(every_y.max()) + 0.5)
        self._r = np.linspace(-self.R_MAX, self.R_MAX, 301)
        self._curves = {(k, s): (np.exp(noise_logpdf(k, self._r, s)), implied_loss(k, self._r, s))
                        for k in self.noises for s in self.scales}
        self._backdrop = Backdrop(self._draw_static)

    def _check(self, noise, scale):
        if (noise, scale) not in self.y:
            raise ValueError(f"(noise, scale) = ({noise!r}, {scale!r}) was not precomputed; "
                             f"use a noise of {self.noises} and a scale of {self.scales}.")

    def _draw_static(self, fig, key=None):
        dens, loss, data = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.0, 1.0, 1.4]})
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.82, wspace=0.5)
        for ax in (dens, loss):
            ax.set_xlim(-self.R_MAX, self.R_MAX)
            ax.set_xlabel(r"residual $r$")
        dens.set_ylim(0, 1.05)
        dens.set_ylabel(r"density $p(r)$")
        dens.set_title("noise model", fontsize=10)
        loss.set_ylim(0, 6)
        loss.set_ylabel(r"$-\log p(r) + \log p(0)$")
        loss.set_title("loss it implies", fontsize=10)
        data.set_xlim(-0.3, 10.3)
        data.set_ylim(*self.ylim)
        data.set_xlabel("x")
        data.set_ylabel("y")
        data.set_title("lines fitted to the data", fontsize=10)
        return [dens, loss, data]

    def draw(self, fig, noise: str, scale: float):
        """Draw the density and implied loss of ``noise`` at ``scale`` (the other two
        models faint, for comparison), and the data with the true line and the
        MSE, MAE and Student-t fits."""
        self._check(noise, scale)
        dens, loss, data = self._backdrop.paste(fig)
        for kind in self.noises:
            p, ell = self._curves[kind, scale]
            current = kind == noise
            style = {"color": COLORS[_KEYS[kind]], "ls": LINESTYLES[_KEYS[kind]],
                     "lw": 2.5 if current else 1.0, "alpha": 1.0 if current else 0.35}
            dens.line(self._r, p, **style)
            loss.line(self._r, ell, label=f"{kind} -> {LOSS_NAMES[kind]}", **style)
        y = self.y[noise, scale]
        data.line(self.x, y, ls="none", marker="o", ms=3.5, color=COLORS["data"])
        x_line = np.array([-0.3, 10.3])
        w0, b0 = self.TRUE_LINE
        handles = [data.line(x_line, w0 * x_line + b0, color=COLORS["truth"], lw=1.0, ls=":",
                             label=f"true: slope {w0:.2f}")]
        for name in ("MSE", "MAE", "t NLL"):
            kind = next(k for k, v in LOSS_NAMES.items() if v == name)
            w, b = self.fits[noise, scale][name]
            matched = LOSS_NAMES[noise] == name
            handles.append(data.line(x_line, w * x_line + b, color=COLORS[_KEYS[kind]],
                                     ls=LINESTYLES[_KEYS[kind]], lw=2.5 if matched else 1.2,
                                     label=f"{name}: slope {w:.2f}" + (" (matched)" if matched else "")))
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=data.fraction(0.0, 1.0),
                   fontsize=7)
        fig.text(0.5, 0.97, f"{noise} noise, scale {scale:g}: its loss is {LOSS_NAMES[noise]}",
                 ha="center", va="top", fontsize=10)

    def alt(self, noise: str, scale: float) -> str:
        """Alt text of the frame for ``noise`` and ``scale``."""
        self._check(noise, scale)
        fits = self.fits[noise, scale]
        slopes = ", ".join(f"{name} line slope {fits[name][0]:.2f}" for name in ("MSE", "MAE", "t NLL"))
        shape = {"Gaussian": "a parabola", "Laplace": "a V with straight arms",
                 "Student t": "a curve that rises like a parabola near zero and then flattens"}[noise]
        return (f"Three panels for {noise} noise with scale {scale:g}. Left: its density over "
                f"residuals from -5 to 5. Middle: minus its log-density, the loss it implies, "
                f"is {shape}; the other two noise models are drawn faintly. Right: "
                f"{self.x.size} points scattered around the true line of slope "
                f"{self.TRUE_LINE[0]:.2f}, with {slopes}.")


def noise_explorer(noises=NOISES, scales=SCALES, initial=("Gaussian", 1.0), seed: int = 4) -> Explorer:
    """The chapter's explorer: choose the noise model and its scale.

    Examples
    --------
    >>> ex = noise_explorer(scales=(1.0, 2.0))
    >>> ex.render(noise="Laplace", scale=1.0)[:4] == b"\\x89PNG"
    True
    """
    fits = NoiseFits(noises=noises, scales=scales, seed=seed)
    explorer = Explorer(fits.draw, {"noise": list(fits.noises), "scale": list(fits.scales)},
                        title="The noise model and the loss it implies",
                        alt=fits.alt, labels={"noise": "noise model", "scale": "scale"},
                        initial={"noise": initial[0], "scale": initial[1]})
    explorer.fits = fits  # for the notebook and the tests
    return explorer

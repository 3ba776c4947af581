"""Seeded data sets that more than one notebook of the course uses.

Every generator takes a ``seed`` and builds its own
``numpy.random.default_rng(seed)``, so the same call gives the same data on
every machine.
"""

from __future__ import annotations

import numpy as np

__all__ = ["regression_with_outliers"]


def regression_with_outliers(n: int = 40, n_outliers: int = 6, intercept: float = 2.0,
                             slope: float = 0.5, noise: float = 0.5, shift: float = 8.0,
                             seed: int = 0):
    r"""A straight-line regression data set with a few gross outliers.

    ``n`` inputs ``x`` are drawn uniformly from [0, 10] and
    ``y = intercept + slope * x + noise * N(0, 1)``. Then the ``n_outliers``
    samples with the largest ``x`` (the ones with the most leverage on the
    slope) are moved up by ``shift`` plus up to 50 % more, as a batch of
    mis-recorded targets would be. The outliers all point the same way, so
    a squared loss tilts the whole line towards them.

    Parameters
    ----------
    n : int >= 3
        Number of samples, outliers included.
    n_outliers : int, 0 <= n_outliers <= n // 2
        How many samples are outliers (fewer than half, or no loss could tell
        which points are the outliers).
    intercept, slope : float
        The true line.
    noise : float >= 0
        Standard deviation of the Gaussian noise on the clean samples.
    shift : float
        How far the outliers are moved up (in the units of ``y``).
    seed : int
        Seed of the generator.

    Returns
    -------
    x, y : ndarray of shape (n,)
        Sorted by ``x``.
    is_outlier : ndarray of bool, shape (n,)

    Examples
    --------
    >>> x, y, is_outlier = regression_with_outliers(n=20, n_outliers=3)
    >>> x.shape, int(is_outlier.sum())
    ((20,), 3)
    >>> bool(np.all(np.diff(x) >= 0)) and bool(is_outlier[-3:].all())
    True
    """
    if isinstance(n, bool) or int(n) != n or n < 3:
        raise ValueError(f"n must be a whole number of samples >= 3; got {n!r}.")
    n = int(n)
    if isinstance(n_outliers, bool) or int(n_outliers) != n_outliers or not 0 <= n_outliers <= n // 2:
        raise ValueError(f"n_outliers must be a whole number from 0 to n // 2 = {n // 2}; "
                         f"got {n_outliers!r}. With half the data or more off the line, no "
                         "loss can tell which points are the outliers.")
    n_outliers = int(n_outliers)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0; got {noise}.")
    for name, value in (("intercept", intercept), ("slope", slope), ("shift", shift)):
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value}.")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 10.0, n))
    y = intercept + slope * x + noise * rng.standard_normal(n)
    is_outlier = np.zeros(n, dtype=bool)
    if n_outliers:
        is_outlier[-n_outliers:] = True
        y[is_outlier] += shift * (1.0 + 0.5 * rng.uniform(size=n_outliers))
    return x, y, is_outlier

"""Shared measurements of explorable figures for the figure tests.

Times are CPU time of this process: it measures the redraw itself, not the
waits of a machine busy with other work (on an idle machine CPU and wall
time agree).
"""

from __future__ import annotations

import time

import numpy as np

#: The budget of one explorer update, median over its slider values (seconds).
MAX_MEDIAN_REDRAW = 0.05


def frames(explorer):
    """Render every frame once: (PNGs, alt texts, CPU seconds of each render)."""
    pngs, alts, times = [], [], []
    for _, values in explorer._combinations():
        start = time.process_time()
        pngs.append(explorer.render(**values))
        times.append(time.process_time() - start)
        alts.append(explorer.alt(**values))
    return pngs, alts, times


def median_redraw(explorer, combinations, repeat: int = 3) -> float:
    """Median over ``combinations`` (dicts of slider values) of the best of
    ``repeat`` renders, in CPU seconds."""
    times = []
    for values in combinations:
        best = np.inf
        for _ in range(repeat):
            start = time.process_time()
            explorer.render(**values)
            best = min(best, time.process_time() - start)
        times.append(best)
    return float(np.median(times))


def assert_fast(median: float) -> None:
    assert median < MAX_MEDIAN_REDRAW, f"median redraw {median * 1000:.0f} ms"

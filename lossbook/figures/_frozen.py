"""Fast redraws for explorers: draw the static axes once, paint over them.

Axes, ticks, tick labels, grids and legends are most of what a matplotlib
redraw costs (15 to 25 ms per axes at the book's size), and they do not
change when a slider moves. :class:`FrozenAxes` draws them once per figure
size, keeps the pixels and each axes' data-to-pixel transform, and on every
slider move pastes the pixels into the (cleared) figure with ``figimage``.
The changing parts are then added through a :class:`Panel` per axes, in that
axes' data coordinates and clipped to its box, without creating any axes.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> def static(fig):
...     ax = fig.add_subplot()
...     ax.set_xlim(0, 1); ax.set_ylim(0, 1)
...     return [ax]
>>> frozen = FrozenAxes(static)
>>> fig = plt.figure(figsize=(4, 3), dpi=80)
>>> (panel,) = frozen.overlay(fig)
>>> line = panel.plot([0, 1], [0, 1])
>>> corner = panel.to_pixels([[1.0, 1.0]])[0]
>>> bool(np.allclose(corner, panel.clip_box.p1))
True
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.transforms import Bbox

__all__ = ["FrozenAxes", "Panel"]


class Panel:
    """Draws over one frozen axes, in its data coordinates.

    Every artist is clipped to the axes' box unless ``clip=False``.
    """

    def __init__(self, fig, transform, clip_box: Bbox):
        self.fig = fig
        self.transform = transform
        self.clip_box = clip_box

    def to_pixels(self, xy) -> np.ndarray:
        """Pixel coordinates of data points ``xy``, shape (N, 2)."""
        return self.transform.transform(np.asarray(xy, dtype=float))

    def add(self, artist, clip: bool = True):
        """Add any artist whose coordinates are this axes' data coordinates."""
        artist.set_transform(self.transform)
        artist.set_clip_on(clip)
        if clip:
            artist.set_clip_box(self.clip_box)
        self.fig.add_artist(artist)
        return artist

    def plot(self, x, y, clip: bool = True, **kwargs) -> Line2D:
        """A line, or markers with ``ls="none", marker=...``, like ``ax.plot``."""
        kwargs.setdefault("zorder", 2)
        return self.add(Line2D(np.asarray(x, float), np.asarray(y, float), **kwargs), clip)

    def fill_between(self, x, y1, y2, clip: bool = True, **kwargs) -> Polygon:
        """The region between two curves, like ``ax.fill_between``."""
        x = np.asarray(x, float)
        y1 = np.broadcast_to(np.asarray(y1, float), x.shape)
        y2 = np.broadcast_to(np.asarray(y2, float), x.shape)
        vertices = np.concatenate([np.column_stack([x, y1]), np.column_stack([x[::-1], y2[::-1]])])
        kwargs.setdefault("zorder", 1)
        kwargs.setdefault("lw", 0)
        return self.add(Polygon(vertices, closed=True, **kwargs), clip)

    def text(self, x, y, s: str, clip: bool = False, **kwargs):
        """Text at data coordinates ``(x, y)``, like ``ax.text``."""
        kwargs.setdefault("zorder", 3)
        return self.add(self.fig.text(x, y, s, **kwargs), clip)

    def fraction(self, fx: float, fy: float) -> tuple[float, float]:
        """Figure-fraction coordinates of the point at axes fraction ``(fx, fy)``."""
        box = self.clip_box
        w, h = self.fig.bbox.width, self.fig.bbox.height
        return (box.x0 + fx * box.width) / w, (box.y0 + fy * box.height) / h


class FrozenAxes:
    """The static layer of an explorable figure, drawn once per figure size.

    Parameters
    ----------
    draw_static : callable
        ``draw_static(fig)`` draws everything that never changes (axes,
        labels, ticks, fixed curves) on an empty figure, fixes every axes'
        limits and returns the list of axes. It runs under the rcParams in
        force at the first :meth:`overlay` (the book's style, inside
        :meth:`lossbook.explore.Explorer.render`).
    """

    def __init__(self, draw_static: Callable):
        self.draw_static = draw_static
        self._cache: dict[tuple, tuple] = {}

    def _render(self, width_in: float, height_in: float, dpi: float):
        key = (round(float(width_in), 4), round(float(height_in), 4), float(dpi))
        if key not in self._cache:
            fig = Figure(figsize=(width_in, height_in), dpi=dpi)
            FigureCanvasAgg(fig)
            axes = self.draw_static(fig)
            if not axes:
                raise ValueError("draw_static must return the list of axes it drew")
            fig.canvas.draw()
            pixels = np.asarray(fig.canvas.buffer_rgba()).copy()
            panels = [(ax.transData.frozen(), Bbox(ax.bbox.get_points().copy())) for ax in axes]
            self._cache[key] = (pixels, panels)
        return self._cache[key]

    def overlay(self, fig) -> list[Panel]:
        """Paste the static layer on the empty ``fig``; return one :class:`Panel`
        per axes, in the order ``draw_static`` returned them."""
        w, h = fig.get_size_inches()
        pixels, panels = self._render(w, h, fig.dpi)
        fig.figimage(pixels, xo=0, yo=0, origin="upper", zorder=0)
        return [Panel(fig, transform, box) for transform, box in panels]

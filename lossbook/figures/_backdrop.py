"""Fast redraws of explorable figures: draw the static part once, as an image.

Most of the time matplotlib spends on a frame goes into axes, ticks, labels
and legends, which do not change when a slider moves. A :class:`Backdrop`
draws them once (with the book's style, at the explorer's size and dpi),
keeps the pixels and each axes' data-to-pixel transform, and :meth:`paste`
puts the pixels into a fresh figure as a figure image. The moving parts are
then added with :meth:`Layer.line`, :meth:`Layer.text` and
:meth:`Layer.patch`, in the data coordinates of the axes they belong to and
clipped to that axes, which takes a few milliseconds instead of a hundred.
This is matplotlib's blitting idea, used for still frames.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> def static(fig, key):
...     ax = fig.add_subplot()
...     ax.set_xlim(0, 1)
...     ax.set_ylim(0, key)
...     return [ax]
>>> backdrop = Backdrop(static)
>>> fig = plt.figure(figsize=(4, 3), dpi=80)
>>> (layer,) = backdrop.paste(fig, key=2.0)
>>> line = layer.line([0, 1], [0, 2])
>>> bool(np.allclose(layer.to_pixels([[1, 2]])[0], layer.bbox.p1))
True
>>> len(fig.images), len(fig.artists)
(1, 1)
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from ..plotting import RC

__all__ = ["Backdrop", "Layer"]


class Layer:
    """The moving parts drawn over one axes of a pasted :class:`Backdrop`.

    Coordinates are the data coordinates of that axes; everything is clipped
    to the axes' box unless ``clip=False``.
    """

    def __init__(self, fig, transform, bbox):
        self.fig = fig
        self.transform = transform
        self.bbox = bbox

    def fraction(self, fx: float, fy: float) -> tuple[float, float]:
        """Figure-fraction coordinates of the point at axes fraction ``(fx, fy)``,
        for titles, legends and notes placed with ``fig.text``/``fig.legend``."""
        box, fig_box = self.bbox, self.fig.bbox
        return ((box.x0 + fx * box.width) / fig_box.width,
                (box.y0 + fy * box.height) / fig_box.height)

    def to_pixels(self, xy) -> np.ndarray:
        """Pixel coordinates of data points ``xy`` (shape (N, 2))."""
        return self.transform.transform(np.asarray(xy, dtype=float))

    def _add(self, artist, clip: bool):
        artist.set_transform(self.transform)
        if clip:
            artist.set_clip_box(self.bbox)
            artist.set_clip_on(True)
        else:
            artist.set_clip_on(False)
        self.fig.add_artist(artist)
        return artist

    def line(self, x, y, clip: bool = True, **kwargs) -> Line2D:
        """A line (or markers, with ``ls="none", marker=...``) like ``ax.plot``."""
        kwargs.setdefault("zorder", 2)
        return self._add(Line2D(np.asarray(x, float), np.asarray(y, float), **kwargs), clip)

    def text(self, x, y, s: str, clip: bool = False, **kwargs):
        """Text at data coordinates ``(x, y)``, like ``ax.text``."""
        kwargs.setdefault("zorder", 3)
        return self._add(Text(x, y, s, **kwargs), clip)

    def patch(self, patch, clip: bool = True):
        """Any matplotlib patch (``Rectangle``, ``Polygon``...) in data coordinates."""
        return self._add(patch, clip)


class Backdrop:
    """The static part of a figure, drawn once per key and figure size and reused as an image.

    Parameters
    ----------
    draw_static : callable
        ``draw_static(fig, key)`` draws everything that does not change for
        this ``key`` on an empty figure and returns the list of axes that
        moving parts will be drawn on. It must fix every axes' limits (moving
        parts must not rescale them). It runs under the book's style.
    """

    def __init__(self, draw_static: Callable):
        if not callable(draw_static):
            raise ValueError("draw_static must be a function draw_static(fig, key) returning axes")
        self.draw_static = draw_static
        self._cache: dict[tuple, tuple] = {}

    def _render(self, key, figsize, dpi):
        cache_key = (key, round(float(figsize[0]), 4), round(float(figsize[1]), 4), float(dpi))
        if cache_key not in self._cache:
            with plt.rc_context(RC):
                fig = plt.figure(figsize=figsize, dpi=dpi)
                try:
                    axes = self.draw_static(fig, key)
                    if not axes:
                        raise ValueError("draw_static must return the list of axes the moving parts use")
                    fig.canvas.draw()
                    image = np.asarray(fig.canvas.buffer_rgba()).copy()
                    transforms = [ax.transData.frozen() for ax in axes]
                    bboxes = [Bbox(ax.bbox.get_points().copy()) for ax in axes]
                finally:
                    plt.close(fig)
            self._cache[cache_key] = (image, transforms, bboxes)
        return self._cache[cache_key]

    def paste(self, fig, key=None) -> list[Layer]:
        """Put the static image for ``key`` into the empty ``fig`` and return one
        :class:`Layer` per axes, in the order ``draw_static`` gave them.

        The image is drawn at the first call for each key and figure size,
        then reused.
        """
        image, transforms, bboxes = self._render(key, tuple(fig.get_size_inches()), fig.dpi)
        fig.figimage(image, 0, 0, origin="upper", zorder=0)
        return [Layer(fig, t, b) for t, b in zip(transforms, bboxes)]

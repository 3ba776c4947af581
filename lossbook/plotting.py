"""One plotting style for every figure of the book, colour-blind safe.

The palette is Okabe and Ito's (2008), distinguishable under the common
colour-vision deficiencies; lines also differ by dash pattern, so no
figure relies on colour alone. Every figure is shown through :func:`show`,
which requires alt text.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> with style():
...     fig, ax = plt.subplots()
...     _ = ax.plot([0, 1], [0, 1], color=COLORS["mse"])
>>> fig_alt = figure_html(fig, alt="A rising straight line.")
>>> fig_alt.startswith("<img") and 'alt="A rising straight line."' in fig_alt
True
"""

from __future__ import annotations

import base64
import contextlib
import html
import io

import matplotlib.pyplot as plt
from cycler import cycler

__all__ = ["OKABE_ITO", "COLORS", "LINESTYLES", "RC", "style", "apply_style",
           "png_bytes", "figure_html", "show", "Figure"]

#: Okabe-Ito colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One colour per concept, the same on every page of the book.
COLORS = {
    "mse": OKABE_ITO["blue"],
    "mae": OKABE_ITO["vermillion"],
    "huber": OKABE_ITO["bluish_green"],
    "cross_entropy": OKABE_ITO["reddish_purple"],
    "hinge": OKABE_ITO["orange"],
    "squared_hinge": OKABE_ITO["sky_blue"],
    "train": OKABE_ITO["blue"],
    "validation": OKABE_ITO["vermillion"],
    "data": "#555555",
    "highlight": OKABE_ITO["orange"],
    "truth": OKABE_ITO["black"],
}

#: Dash patterns that go with :data:`COLORS`, so lines differ without colour.
LINESTYLES = {
    "mse": "-",
    "mae": "--",
    "huber": "-.",
    "cross_entropy": "-",
    "hinge": "--",
    "squared_hinge": ":",
    "train": "-",
    "validation": "--",
}

_CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "reddish_purple",
                                  "orange", "sky_blue", "black", "yellow")]

#: matplotlib rcParams of the book's style.
RC = {
    "axes.prop_cycle": cycler(color=_CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "font.size": 10,
    "lines.linewidth": 2.0,
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "savefig.bbox": "standard",
    "image.cmap": "cividis",
}


def apply_style() -> None:
    """Make the book's style the default for every later figure.

    The setup cell of every notebook calls it once.

    Examples
    --------
    >>> with plt.rc_context():   # here only for the example: restores the settings
    ...     apply_style()
    ...     plt.rcParams["axes.spines.top"], plt.rcParams["figure.dpi"]
    (False, 80.0)
    """
    plt.rcParams.update(RC)


@contextlib.contextmanager
def style():
    """Context manager that applies the book's style to the figures made inside.

    Examples
    --------
    >>> with style():
    ...     fig, ax = plt.subplots()
    >>> fig.get_dpi()
    80.0
    >>> plt.close(fig)
    """
    with plt.rc_context(RC):
        yield


def png_bytes(fig, dpi: int | None = None, quantize: bool = False,
              compress_level: int = 6) -> bytes:
    """Render ``fig`` to PNG bytes.

    ``quantize=True`` reduces the image to a 64-colour palette, which keeps
    line plots sharp and makes them several times smaller: the static book
    stores many frames per explorable figure. ``compress_level`` (0 to 9) is
    the zlib effort of an unquantized PNG: 1 writes it several times faster
    and barely larger, which suits a frame sent once to a live page.

    Examples
    --------
    >>> fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    >>> png = png_bytes(fig, quantize=True)
    >>> png[1:4]
    b'PNG'
    >>> from PIL import Image
    >>> Image.open(io.BytesIO(png)).size
    (100, 50)
    >>> plt.close(fig)
    """
    dpi = dpi or fig.dpi
    if not quantize:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": compress_level})
        return buf.getvalue()
    from PIL import Image

    img = _rgb_image(fig, dpi)
    img = img.quantize(colors=64, dither=Image.Dither.NONE)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _rgb_image(fig, dpi):
    """The rendered figure as a PIL RGB image, without a PNG round trip."""
    from PIL import Image

    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi)
    data = raw.getvalue()
    width = int(fig.get_figwidth() * dpi)
    if width and len(data) % (4 * width) == 0:
        height = len(data) // (4 * width)
        if abs(height - fig.get_figheight() * dpi) <= 1:
            return Image.frombuffer("RGBA", (width, height), data, "raw", "RGBA", 0, 1).convert("RGB")
    # another size (a tight bounding box, say): decode a PNG instead
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 0})
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _check_alt(alt: str) -> str:
    if not isinstance(alt, str) or len(alt.strip()) < 10:
        raise ValueError(
            "every figure needs alt text: describe what the figure shows in a "
            f"sentence, for readers who cannot see it (got {alt!r})."
        )
    return alt.strip()


def figure_html(fig, alt: str, dpi: int | None = None) -> str:
    """An ``<img>`` tag holding ``fig`` as an embedded PNG, with alt text.

    Examples
    --------
    >>> fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    >>> tag = figure_html(fig, alt="Empty axes, for the example.")
    >>> tag[:32], 'width="100" height="50"' in tag
    ('<img src="data:image/png;base64,', True)
    >>> plt.close(fig)
    """
    alt = _check_alt(alt)
    data = base64.b64encode(png_bytes(fig, dpi=dpi, quantize=True)).decode("ascii")
    w, h = (fig.get_size_inches() * (dpi or fig.dpi)).round().astype(int)
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
            f'width="{w}" height="{h}" style="max-width:100%;height:auto">')


class Figure:
    """A rendered figure with alt text, shown as PNG in Jupyter and as an
    ``<img alt=...>`` in the HTML book.

    Examples
    --------
    >>> fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    >>> shown = Figure(fig, alt="Empty axes, for the example.")
    >>> data, metadata = shown._repr_mimebundle_()
    >>> sorted(data), metadata["image/png"]["alt"]
    (['image/png', 'text/html', 'text/plain'], 'Empty axes, for the example.')
    >>> plt.close(fig)
    """

    def __init__(self, fig, alt: str):
        self.alt = _check_alt(alt)
        self._png = png_bytes(fig)
        self._html = figure_html(fig, self.alt)

    def __repr__(self) -> str:
        return f"Figure(alt={self.alt!r})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/png": self._png, "text/html": self._html, "text/plain": self.alt}, {
            "image/png": {"alt": self.alt}}


def show(fig, alt: str):
    """Display ``fig`` with alt text, then close it.

    Use this instead of ``plt.show()``: in Jupyter the reader sees the figure,
    and in the HTML book it becomes an image whose alt text a screen reader
    reads.

    Examples
    --------
    Outside Jupyter, ``display`` prints the text form, the alt text:

    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> show(fig, alt="A falling straight line.")
    Figure(alt='A falling straight line.')
    >>> plt.fignum_exists(fig.number)   # closed, so it is not shown twice
    False
    """
    shown = Figure(fig, alt)
    plt.close(fig)
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a course requirement
        return shown
    display(shown)
    return None

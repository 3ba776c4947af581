"""The book's plotting style: colour-blind-safe colours, alt text on every figure."""

from __future__ import annotations

import base64
import io
import re

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from lossbook import plotting
from lossbook.plotting import COLORS, LINESTYLES, OKABE_ITO, RC

# Okabe and Ito (2008), "Color Universal Design", the eight colours in RGB 0-255.
OKABE_ITO_RGB = {
    (0, 0, 0), (230, 159, 0), (86, 180, 233), (0, 158, 115),
    (240, 228, 66), (0, 114, 178), (213, 94, 0), (204, 121, 167),
}


def rgb255(colour):
    return tuple(round(255 * c) for c in to_rgb(colour))


def test_palette_is_okabe_ito():
    assert {rgb255(c) for c in OKABE_ITO.values()} == OKABE_ITO_RGB


def test_every_concept_colour_is_from_the_palette_or_a_neutral_grey():
    for name, colour in COLORS.items():
        r, g, b = rgb255(colour)
        assert (r, g, b) in OKABE_ITO_RGB or r == g == b, name


def test_losses_get_distinct_colours_and_lines_differ_without_colour():
    losses = ["mse", "mae", "huber", "cross_entropy", "hinge", "squared_hinge"]
    assert len({COLORS[k] for k in losses}) == len(losses)
    # wherever two lines share a figure they also differ by dash pattern
    for pair in (("mse", "mae", "huber"), ("hinge", "squared_hinge"), ("train", "validation")):
        assert len({LINESTYLES[k] for k in pair}) == len(pair)
    assert set(LINESTYLES) <= set(COLORS)


def test_the_colour_cycle_is_the_palette():
    cycle = [rgb255(c) for c in RC["axes.prop_cycle"].by_key()["color"]]
    assert set(cycle) == OKABE_ITO_RGB and len(cycle) == 8


def test_style_applies_inside_and_restores_after():
    before = dict(matplotlib.rcParams)
    with plotting.style():
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["figure.dpi"] == 80
    assert matplotlib.rcParams["figure.dpi"] == before["figure.dpi"]
    assert matplotlib.rcParams["axes.spines.top"] == before["axes.spines.top"]


def test_apply_style_sets_the_defaults():
    with plt.rc_context():
        plotting.apply_style()
        for key in ("axes.grid", "lines.linewidth", "savefig.dpi", "image.cmap"):
            assert matplotlib.rcParams[key] == RC[key]


@pytest.fixture
def fig():
    with plotting.style():
        f, ax = plt.subplots()
        ax.plot([0, 1], [0, 1], color=COLORS["mse"])
    yield f
    plt.close(f)


def test_png_bytes_and_quantize(fig):
    full = plotting.png_bytes(fig)
    small = plotting.png_bytes(fig, quantize=True)
    assert Image.open(io.BytesIO(full)).size == (512, 288)  # 6.4 x 3.6 in at 80 dpi
    img = Image.open(io.BytesIO(small))
    assert img.mode == "P" and len(img.getcolors(256)) <= 64
    assert len(small) < len(full)
    assert Image.open(io.BytesIO(plotting.png_bytes(fig, dpi=40))).size == (256, 144)


@pytest.mark.parametrize("alt", ["", "   ", "plot", None, 42])
def test_missing_or_useless_alt_text_is_refused(fig, alt):
    with pytest.raises(ValueError, match="every figure needs alt text"):
        plotting.figure_html(fig, alt=alt)
    with pytest.raises(ValueError, match="describe what the figure shows"):
        plotting.show(fig, alt=alt)


def test_figure_html_carries_the_escaped_alt_text_and_size(fig):
    tag = plotting.figure_html(fig, alt='A line "y = x" & its <label>.')
    assert 'alt="A line &quot;y = x&quot; &amp; its &lt;label&gt;."' in tag
    assert 'width="512" height="288"' in tag
    data = re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1)
    assert Image.open(io.BytesIO(base64.b64decode(data))).size == (512, 288)


def test_figure_bundle_gives_png_html_and_the_alt_text(fig):
    shown = plotting.Figure(fig, alt="A rising straight line.")
    data, metadata = shown._repr_mimebundle_()
    assert data["image/png"][1:4] == b"PNG"
    assert 'alt="A rising straight line."' in data["text/html"]
    assert data["text/plain"] == "A rising straight line."
    assert metadata["image/png"]["alt"] == "A rising straight line."


def test_show_displays_once_and_closes_the_figure(fig, monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    assert plotting.show(fig, alt="  A rising straight line.  ") is None
    assert len(shown) == 1 and shown[0].alt == "A rising straight line."
    assert not plt.fignum_exists(fig.number)

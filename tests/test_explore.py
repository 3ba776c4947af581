"""Explorable figures: validation, frames, the static HTML, the live widget, the registry."""

from __future__ import annotations

import gc
import html
import io
import itertools
import json
import re

import numpy as np
import pytest
from PIL import Image

from lossbook import explore
from lossbook.explore import MAX_FRAMES, Explorer
from lossbook.plotting import RC


def draw_line(fig, slope, intercept=0.0):
    ax = fig.add_subplot()
    x = np.linspace(-1, 1, 5)
    ax.plot(x, slope * x + intercept)
    ax.set_ylim(-3, 3)


def alt_line(slope, intercept=0.0):
    return f"A straight line with slope {slope} and intercept {intercept}."


@pytest.fixture
def two_sliders():
    return Explorer(draw_line, {"slope": [0.5, 1.0, 2.0], "intercept": [-1.0, 1.0]},
                    title="A <line> & more", alt=alt_line,
                    labels={"slope": "slope a", "intercept": "intercept b"})


# -- validation -------------------------------------------------------------


def test_refuses_no_parameters():
    with pytest.raises(ValueError, match="at least one parameter"):
        Explorer(draw_line, {}, title="t", alt=alt_line)


def test_refuses_a_parameter_with_one_value():
    with pytest.raises(ValueError, match="'slope' needs at least two values"):
        Explorer(draw_line, {"slope": [1.0]}, title="t", alt=alt_line)


def test_refuses_too_many_frames():
    with pytest.raises(ValueError, match=rf"{7 * 7} combinations .* more than {MAX_FRAMES}"):
        Explorer(draw_line, {"slope": list(range(7)), "intercept": list(range(7))}, title="t",
                 alt=alt_line)
    # exactly the limit is fine
    Explorer(draw_line, {"slope": list(range(6)), "intercept": list(range(8))}, title="t",
             alt=alt_line)


def test_refuses_an_initial_value_not_among_the_values():
    with pytest.raises(ValueError, match="initial value 3.0 of 'slope'"):
        Explorer(draw_line, {"slope": [1.0, 2.0]}, title="t", alt=alt_line, initial={"slope": 3.0})


def test_refuses_missing_alt_text():
    ex = Explorer(draw_line, {"slope": [1.0, 2.0]}, title="t", alt=lambda slope: " ")
    with pytest.raises(ValueError, match="alt text"):
        ex.alt(slope=1.0)


def test_initial_values_default_to_the_middle(two_sliders):
    assert two_sliders.initial == {"slope": 1.0, "intercept": 1.0}
    ex = Explorer(draw_line, {"slope": [1.0, 2.0, 3.0, 4.0]}, title="t", alt=alt_line,
                  initial={"slope": 4.0})
    assert ex.initial == {"slope": 4.0}
    assert ex.labels == {"slope": "slope"}  # the parameter name when no label is given


# -- rendering --------------------------------------------------------------


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_render_draws_a_png_of_the_figure_size(two_sliders):
    png = two_sliders.render(slope=2.0, intercept=1.0)
    w, h = _image(png).size
    assert (w, h) == (round(6.4 * RC["figure.dpi"]), round(3.6 * RC["figure.dpi"]))


def test_different_values_give_different_pictures_and_the_same_values_the_same(two_sliders):
    a = two_sliders.render(slope=0.5, intercept=-1.0)
    b = two_sliders.render(slope=2.0, intercept=-1.0)
    c = two_sliders.render(slope=0.5, intercept=-1.0)
    assert a != b
    assert np.array_equal(np.asarray(_image(a)), np.asarray(_image(c)))


def test_render_reuses_one_figure_and_leaves_no_open_figures(two_sliders):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    two_sliders.render(slope=1.0, intercept=1.0)
    fig = two_sliders._fig
    two_sliders.render(slope=2.0, intercept=1.0)
    assert two_sliders._fig is fig
    assert len(fig.axes) == 1  # cleared between draws
    assert plt.get_fignums() == before


def test_quantized_frames_have_at_most_64_colours(two_sliders):
    img = _image(two_sliders.render(quantize=True, slope=1.0, intercept=1.0))
    assert img.mode == "P"
    assert len(img.getcolors(256)) <= 64


# -- static HTML ------------------------------------------------------------


def _static_parts(page: str):
    data = json.loads(re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>',
                                page, re.S).group(1))
    return data


def test_static_html_has_one_labelled_slider_per_parameter(two_sliders):
    page = two_sliders.static_html()
    assert page.count('type="range"') == 2
    ids = re.findall(r'<input type="range" id="([^"]+)"', page)
    for sid, label in zip(ids, ["slope a", "intercept b"]):
        assert f'<label for="{sid}"' in page
        assert f">{label}</label>" in page
    assert 'max="2"' in page and 'max="1"' in page  # 3 and 2 values


def test_static_html_holds_every_frame_with_its_alt_text_in_slider_order(two_sliders):
    data = _static_parts(two_sliders.static_html())
    assert data["sizes"] == [3, 2]
    assert data["labels"] == [["0.5", "1", "2"], ["-1", "1"]]
    combos = list(itertools.product([0.5, 1.0, 2.0], [-1.0, 1.0]))  # row-major, as the script
    assert data["alts"] == [alt_line(s, b) for s, b in combos]
    assert len(data["frames"]) == 6 and len(set(data["frames"])) == 6
    for frame in data["frames"]:
        assert frame.startswith("data:image/png;base64,")


def test_static_html_starts_at_the_initial_frame(two_sliders):
    page = two_sliders.static_html()
    data = _static_parts(page)
    # initial slope 1.0 (index 1), intercept 1.0 (index 1): frame 1 * 2 + 1 = 3
    img = re.search(r'<img id="[^"]+-img" src="([^"]+)" alt="([^"]+)"', page)
    assert img.group(1) == data["frames"][3]
    assert html.unescape(img.group(2)) == alt_line(1.0, 1.0)
    assert re.findall(r'value="(\d)"', page) == ["1", "1"]


def test_static_html_escapes_the_title_and_loads_nothing_from_elsewhere(two_sliders):
    page = two_sliders.static_html()
    assert "A &lt;line&gt; &amp; more" in page and "A <line>" not in page
    assert 'role="group"' in page and 'aria-label="A &lt;line&gt; &amp; more"' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_static_html_ids_are_stable_and_distinct(two_sliders):
    other = Explorer(draw_line, {"slope": [0.5, 1.0]}, title="Another", alt=alt_line)
    assert two_sliders._uid() == Explorer(draw_line, two_sliders.params, title="A <line> & more",
                                          alt=alt_line)._uid()
    assert two_sliders._uid() != other._uid()


def test_mimebundle_is_static_html_while_the_book_builds(two_sliders, monkeypatch):
    monkeypatch.setenv("LOSSBOOK_STATIC", "1")
    assert explore.static_mode()
    bundle, metadata = two_sliders._repr_mimebundle_()
    assert bundle["text/plain"] == "A <line> & more"
    assert bundle["text/html"].startswith('<figure class="lossbook-explorer"')
    # the default frame, for the PDF, which takes no HTML
    assert bundle["image/png"] == two_sliders.render(quantize=True, **two_sliders.initial)
    assert metadata["image/png"]["alt"] == two_sliders.alt(**two_sliders.initial)
    monkeypatch.setenv("LOSSBOOK_STATIC", "0")
    assert not explore.static_mode()


# -- live widget ------------------------------------------------------------


def test_widget_sliders_redraw_the_picture_and_its_alt_text(two_sliders):
    box = two_sliders.widget()
    assert set(box.sliders) == {"slope", "intercept"}
    assert box.sliders["slope"].description == "slope a"
    assert box.sliders["slope"].value == 1.0
    first = box.picture.value
    assert html.escape(alt_line(1.0, 1.0)) in first
    box.sliders["slope"].value = 2.0
    second = box.picture.value
    assert second != first
    assert html.escape(alt_line(2.0, 1.0)) in second
    box.sliders["intercept"].value = -1.0
    assert html.escape(alt_line(2.0, -1.0)) in box.picture.value


def test_live_mimebundle_is_a_widget(two_sliders, monkeypatch):
    monkeypatch.delenv("LOSSBOOK_STATIC", raising=False)
    bundle = two_sliders._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data


# -- registry ---------------------------------------------------------------


def test_instances_lists_living_explorers_in_creation_order():
    a = Explorer(draw_line, {"slope": [1.0, 2.0]}, title="a", alt=alt_line)
    b = Explorer(draw_line, {"slope": [1.0, 2.0]}, title="b", alt=alt_line)
    found = explore.instances()
    assert found.index(a) < found.index(b)
    del b, found
    gc.collect()
    assert [e.title for e in explore.instances() if e.title in ("a", "b")] == ["a"]

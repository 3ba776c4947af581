"""Explorable figures: live sliders in a kernel, still explorable in the HTML book.

An :class:`Explorer` wraps a drawing function ``draw(fig, **params)`` and a
grid of values for each parameter.

* In a live kernel (JupyterLab, VS Code, Colab) it displays ipywidgets
  sliders; moving one calls :meth:`Explorer.render`, which redraws the
  matplotlib figure, and the picture updates.
* In the static HTML book no Python runs. When the book is built
  (:mod:`lossbook.book.sphinxext` sets ``LOSSBOOK_STATIC=1``), the explorer
  precomputes one small PNG frame for every combination of slider values and
  emits plain HTML: labelled range inputs, an image, and a few lines of inline
  script that swap the frame and its alt text when a slider moves. It needs
  no widget manager and no request to another host.

Every frame has its own alt text, from ``alt(**params)``.

:func:`instances` lists the explorers a notebook has created, which is how
``python -m benchmarks`` finds every explorable figure of a chapter and times
its updates.

Examples
--------
>>> import numpy as np
>>> def draw(fig, slope):
...     ax = fig.add_subplot()
...     x = np.linspace(-1, 1, 5)
...     ax.plot(x, slope * x)
>>> ex = Explorer(draw, {"slope": [0.5, 1.0, 2.0]}, title="A line",
...               alt=lambda slope: f"A straight line through the origin with slope {slope}.")
>>> png = ex.render(slope=2.0)
>>> png[:4] == b"\\x89PNG"
True
>>> page = ex.static_html()
>>> page.count('type="range"'), page.count("<label")
(1, 1)
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import os
import weakref
from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from .plotting import RC, png_bytes

__all__ = ["Explorer", "static_mode", "instances", "MAX_FRAMES"]

#: Upper bound on the number of precomputed frames of one explorer, which keeps
#: a page of the static book small (each frame is a 10-30 kB PNG).
MAX_FRAMES = 48


def static_mode() -> bool:
    """True while the HTML book is being built (``LOSSBOOK_STATIC=1``).

    Examples
    --------
    >>> import os
    >>> static_mode() == (os.environ.get("LOSSBOOK_STATIC") == "1")
    True
    """
    return os.environ.get("LOSSBOOK_STATIC", "") == "1"


#: Weak references to every Explorer created in this process, oldest first.
_INSTANCES: list[weakref.ref] = []


def instances() -> list["Explorer"]:
    """The explorers created in this process that are still alive, oldest first.

    A displayed explorer stays alive: its live widget holds it in a kernel,
    and IPython keeps the value of each cell. The list holds no strong
    reference, so it never keeps a figure in memory.

    Examples
    --------
    >>> ex = Explorer(lambda fig, k: None, {"k": [1, 2]}, title="Nothing",
    ...               alt="An empty figure, whatever k is.")
    >>> instances()[-1] is ex
    True
    """
    alive = [ex for ex in (ref() for ref in _INSTANCES) if ex is not None]
    _INSTANCES[:] = [weakref.ref(ex) for ex in alive]
    return alive


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    return str(value)


class Explorer:
    """An explorable matplotlib figure.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **params)`` draws on an empty figure. It must not call
        ``plt.show()``.
    params : mapping of str to sequence
        For each parameter, the values its slider steps through, in order.
    title : str
        Shown above the figure and used as the accessible name of the group.
    alt : callable or str
        Alt text of the picture; ``alt(**params)`` for a text that describes
        the current state, which a screen reader reads after each change.
    labels : mapping of str to str, optional
        Human-readable slider labels (default: the parameter names).
    initial : mapping of str to value, optional
        Starting value of each slider (default: the middle of its values).
    figsize : (float, float)
        Figure size in inches; frames are rendered at the book's 80 dpi.

    Examples
    --------
    In a notebook, the explorer is the last expression of its cell (here it
    is assigned, to look inside):

    >>> def draw(fig, delta):
    ...     ax = fig.add_subplot()
    ...     r = np.linspace(-3, 3, 61)
    ...     ax.plot(r, np.where(np.abs(r) <= delta, r**2 / 2, delta * (np.abs(r) - delta / 2)))
    >>> ex = Explorer(draw, {"delta": [0.5, 1.0, 2.0]}, title="Huber loss",
    ...               alt=lambda delta: f"The Huber loss with delta {delta}.",
    ...               labels={"delta": "threshold delta"})
    >>> ex.initial, ex.labels, ex.alt(delta=2.0)
    ({'delta': 1.0}, {'delta': 'threshold delta'}, 'The Huber loss with delta 2.0.')

    Each slider move runs :meth:`render` with the new values:

    >>> ex.render(delta=2.0)[1:4]
    b'PNG'
    """

    def __init__(self, draw: Callable, params: Mapping[str, Sequence], *, title: str,
                 alt: Callable[..., str] | str, labels: Mapping[str, str] | None = None,
                 initial: Mapping[str, object] | None = None,
                 figsize: tuple[float, float] = (6.4, 3.6)):
        if not params:
            raise ValueError("an Explorer needs at least one parameter with a list of values")
        self.draw = draw
        self.params = {name: list(values) for name, values in params.items()}
        for name, values in self.params.items():
            if len(values) < 2:
                raise ValueError(f"parameter {name!r} needs at least two values to explore")
        n_frames = int(np.prod([len(v) for v in self.params.values()]))
        if n_frames > MAX_FRAMES:
            raise ValueError(
                f"{n_frames} combinations of slider values is more than {MAX_FRAMES}: "
                "the static book stores one picture per combination. Use fewer values."
            )
        self.title = title
        self._alt = alt
        self.labels = {name: (labels or {}).get(name, name) for name in self.params}
        self.initial = {}
        for name, values in self.params.items():
            start = (initial or {}).get(name, values[len(values) // 2])
            if start not in values:
                raise ValueError(f"initial value {start!r} of {name!r} is not among its values")
            self.initial[name] = start
        self.figsize = figsize
        self._fig = None
        _INSTANCES.append(weakref.ref(self))

    # -- drawing -----------------------------------------------------------
    def alt(self, **values) -> str:
        """Alt text of the picture for these parameter values."""
        text = self._alt(**values) if callable(self._alt) else str(self._alt)
        if len(text.strip()) < 10:
            raise ValueError("an explorable figure needs alt text that describes the picture")
        return text

    def render(self, quantize: bool = False, **values) -> bytes:
        """Redraw the figure for ``values`` and return it as PNG bytes.

        This is the callback a slider move runs in a live kernel.
        """
        with plt.rc_context(RC):
            if self._fig is None:
                self._fig = plt.figure(figsize=self.figsize)
                plt.close(self._fig)  # never shown by the inline backend
            self._fig.clear()
            self.draw(self._fig, **values)
            # a live frame is sent once: fast zlib effort (see png_bytes)
            return png_bytes(self._fig, quantize=quantize, compress_level=1)

    def _img_tag(self, png: bytes, alt: str, elem_id: str = "") -> str:
        w, h = int(self.figsize[0] * RC["figure.dpi"]), int(self.figsize[1] * RC["figure.dpi"])
        data = base64.b64encode(png).decode("ascii")
        id_attr = f' id="{elem_id}"' if elem_id else ""
        return (f'<img{id_attr} src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
                f'width="{w}" height="{h}" style="max-width:100%;height:auto">')

    # -- static HTML -------------------------------------------------------
    def _combinations(self):
        names = list(self.params)
        for idx in itertools.product(*(range(len(self.params[n])) for n in names)):
            yield idx, {n: self.params[n][i] for n, i in zip(names, idx)}

    def _uid(self) -> str:
        key = json.dumps([self.title, {k: [_fmt(v) for v in vs] for k, vs in self.params.items()}])
        return "lbx-" + hashlib.sha1(key.encode()).hexdigest()[:10]

    def static_html(self) -> str:
        """Self-contained HTML: sliders, the precomputed frames, a tiny script."""
        uid = self._uid()
        names = list(self.params)
        frames, alts = [], []
        for _, values in self._combinations():
            frames.append("data:image/png;base64,"
                          + base64.b64encode(self.render(quantize=True, **values)).decode("ascii"))
            alts.append(self.alt(**values))
        start = [self.params[n].index(self.initial[n]) for n in names]
        flat = int(np.ravel_multi_index(start, [len(self.params[n]) for n in names]))
        controls = []
        for k, name in enumerate(names):
            values = self.params[name]
            sid = f"{uid}-s{k}"
            controls.append(
                f'<div style="display:flex;align-items:center;gap:.6em;margin:.2em 0">'
                f'<label for="{sid}" style="min-width:8em">{html.escape(self.labels[name])}</label>'
                f'<input type="range" id="{sid}" min="0" max="{len(values) - 1}" step="1" '
                f'value="{start[k]}" aria-valuetext="{html.escape(_fmt(self.initial[name]))}" '
                f'style="flex:1;max-width:24em">'
                f'<output id="{sid}-out" for="{sid}" style="min-width:4em;font-family:monospace">'
                f'{html.escape(_fmt(self.initial[name]))}</output></div>')
        data = {
            "frames": frames,
            "alts": alts,
            "sizes": [len(self.params[n]) for n in names],
            "labels": [[_fmt(v) for v in self.params[n]] for n in names],
        }
        payload = json.dumps(data).replace("</", "<\\/")
        script = (
            "(function(){var r=document.getElementById('%(uid)s');if(!r)return;"
            "var d=JSON.parse(document.getElementById('%(uid)s-data').textContent);"
            "var img=document.getElementById('%(uid)s-img');"
            "var s=d.sizes.map(function(_,k){return document.getElementById('%(uid)s-s'+k);});"
            "function upd(){var i=0;s.forEach(function(el,k){i=i*d.sizes[k]+Number(el.value);"
            "var t=d.labels[k][Number(el.value)];el.setAttribute('aria-valuetext',t);"
            "document.getElementById('%(uid)s-s'+k+'-out').textContent=t;});"
            "img.src=d.frames[i];img.alt=d.alts[i];}"
            "s.forEach(function(el){el.addEventListener('input',upd);});})();"
        ) % {"uid": uid}
        return (
            f'<figure class="lossbook-explorer" id="{uid}" role="group" aria-label="{html.escape(self.title)}" '
            f'style="margin:1em 0">'
            f'<figcaption style="font-weight:600;margin-bottom:.3em">{html.escape(self.title)}</figcaption>'
            + "".join(controls)
            + self._img_tag(base64.b64decode(frames[flat].split(",", 1)[1]), alts[flat], f"{uid}-img")
            + f'<script type="application/json" id="{uid}-data">{payload}</script>'
            + f"<script>{script}</script></figure>"
        )

    # -- live widget -------------------------------------------------------
    def widget(self):
        """The live ipywidgets control: labelled sliders above the picture."""
        import ipywidgets as widgets

        sliders = {}
        for name, values in self.params.items():
            sliders[name] = widgets.SelectionSlider(
                options=[(_fmt(v), v) for v in values], value=self.initial[name],
                description=self.labels[name], continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="28em"))
        picture = widgets.HTML()

        def update(change=None):
            values = {n: s.value for n, s in sliders.items()}
            picture.value = self._img_tag(self.render(**values), self.alt(**values))

        for s in sliders.values():
            s.observe(update, names="value")
        update()
        title = widgets.HTML(f"<b>{html.escape(self.title)}</b>")
        box = widgets.VBox([title, *sliders.values(), picture])
        box.sliders = sliders  # for tests and benchmarks
        box.picture = picture
        return box

    def _repr_mimebundle_(self, include=None, exclude=None):
        if static_mode():
            # The HTML book shows the explorer; the PDF (LaTeX takes no HTML)
            # shows its default frame, with the same alt text.
            png = self.render(quantize=True, **self.initial)
            return ({"text/html": self.static_html(), "image/png": png, "text/plain": self.title},
                    {"image/png": {"alt": self.alt(**self.initial)}})
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        return bundle

"""A matplotlib figure redrawn fast, for the live widgets (the playground, the training
panel, :class:`gankit.LiveTraining`).

Drawn with matplotlib's Agg renderer into PNG bytes: no JavaScript of its own, and the
same code runs in JupyterLab, in a test, in a script.
"""
import base64
import io
import math

import numpy as np
from matplotlib.ticker import MaxNLocator

from .plots import smooth


def png_bundle(widget, png, text):
    """The widget's display data plus a PNG for viewers without a running kernel."""
    bundle = dict(widget._repr_mimebundle_() or {})
    bundle["text/plain"] = text
    if png:
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
    return bundle


def curve(xs, ys, most=600):
    """A noisy per-step curve made readable and quick to draw: smoothed as
    ``plot_history`` smooths, then at most ``most`` points (bin means)."""
    xs, ys = np.asarray(xs, "float64"), np.asarray(ys, "float64")
    ys = smooth(ys)
    xs = xs[len(xs) - len(ys):]
    if len(xs) > most:
        starts = np.linspace(0, len(xs), most, endpoint=False).astype(int)
        sizes = np.diff(np.append(starts, len(xs)))
        xs = np.add.reduceat(xs, starts) / sizes
        ys = np.add.reduceat(ys, starts) / sizes
    return xs, ys


class BlitFigure:
    """A matplotlib figure redrawn fast by *blitting*: the parts that stay still (axes,
    ticks, labels, colour bar) are drawn once and kept as a bitmap; each frame pastes
    that bitmap and draws only the moving artists on top, then encodes a PNG.

    Drawn with Agg outside pyplot: safe in a worker thread, and never shown a second
    time by the notebook's inline backend.
    """

    def __init__(self, figsize, dpi=80):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.moving = []
        self._background = None
        self._fitted = set()

    def moves(self, artist):
        """Mark ``artist`` as moving: drawn every frame, never into the still bitmap."""
        artist.set_animated(True)
        self.moving.append(artist)
        return artist

    def curves(self, ax, keys, title):
        """Moving lines for (key, label, colour) on ``ax``; returns {key: line}."""
        lines = {key: self.moves(ax.plot([], [], colour, lw=1, label=label)[0])
                 for key, label, colour in keys}
        ax.set_title(title, fontsize=9)
        ax.set_xlim(0, 100)
        ax.tick_params(labelsize=7)
        # few tick labels: text is the slow part of redrawing the still parts
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(3))
        # beside the axes, so the moving lines never cross it and it stays in the still part
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        return lines

    def fit_limits(self, ax, x_max, y_lo=None, y_hi=None, tight=False):
        """Grow ``ax``'s limits to the data: x doubles, y widens with a margin.
        A change redraws the still parts next frame, so while training plays that
        happens only now and then; ``tight`` ends the x axis at ``x_max`` (still pictures).
        """
        changed = False
        x_max = max(float(x_max), 1.0)
        if tight and ax.get_xlim()[1] != x_max:
            ax.set_xlim(0, x_max)
            changed = True
        elif x_max > ax.get_xlim()[1]:
            ax.set_xlim(0, 2 ** math.ceil(math.log2(x_max * 1.02)))
            changed = True
        if y_lo is not None and np.isfinite([y_lo, y_hi]).all():
            lo, hi = ax.get_ylim()
            pad = 0.25 * max(y_hi - y_lo, 1e-2)
            if ax not in self._fitted:  # the first data sets the range
                lo, hi = np.inf, -np.inf
                self._fitted.add(ax)
            if y_lo < lo or y_hi > hi:
                ax.set_ylim(min(lo, y_lo - pad), max(hi, y_hi + pad))
                changed = True
        if changed:
            self._background = None

    def png(self):
        """The current frame as PNG bytes (the still parts are redrawn only if stale)."""
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.moving:
            self.fig.draw_artist(artist)
        from PIL import Image

        buf = io.BytesIO()
        rgb = np.ascontiguousarray(np.asarray(canvas.buffer_rgba())[..., :3])
        Image.fromarray(rgb).save(buf, format="png", compress_level=1)
        return buf.getvalue()


def update_curves(canvas, lines, history, tight=False):
    """Put each history curve (xs, ys) in its line and fit the axes to them."""
    by_axes = {}
    for key, line in lines.items():
        if key in history and len(history[key][0]):
            xs, ys = curve(*history[key])
            line.set_data(xs, ys)
            if len(ys):
                by_axes.setdefault(line.axes, []).append((history[key][0][-1], ys.min(),
                                                          ys.max()))
    for ax, spans in by_axes.items():
        canvas.fit_limits(ax, max(s[0] for s in spans), min(s[1] for s in spans),
                          max(s[2] for s in spans), tight=tight)

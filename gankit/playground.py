"""Live widgets: the 2D playground (GAN Lab inside JupyterLab) and a live panel for image GANs.

Both draw with matplotlib's Agg renderer into an ``ipywidgets.Image`` (PNG bytes):
no JavaScript of their own, and the same code runs in JupyterLab, in a test, in a script.

**Why training runs in a worker thread.** A button only works if the kernel is free to
handle its click while training goes on. Three ways were weighed:

- *Process UI events from a callback* (the ``jupyter-ui-poll`` package): it calls the
  kernel's ``do_one_iteration``, which ipykernel 7 no longer has, so clicks are silently
  dropped.
- *An asyncio task on the kernel's event loop*: clicks wait until the current chunk of
  steps ends, nothing moves while another cell runs, and plain Python (tests, scripts)
  has no running loop to put the task on.
- *A worker thread* (chosen): TensorFlow releases the GIL while it computes, so the kernel
  answers clicks at once, and the same code runs everywhere. A lock keeps the buttons
  and the worker from touching the GAN at the same time.

The :class:`Playground` plays in a thread and returns at once. The
:class:`TrainingPanel` runs ``gan.fit`` in a thread too; ``await panel.fit(...)`` in a
notebook cell waits for it without blocking the kernel (ipykernel 7 handles widget
messages while a cell awaits), so "Run all" still runs the cells in order.

Saved notebooks: both objects add a PNG of their latest frame to their display, so a
notebook viewer without a kernel shows a real picture where the widget was.
"""
import asyncio
import base64
import concurrent.futures
import io
import math
import threading
import time

import keras
import numpy as np
from keras import ops
from matplotlib.ticker import MaxNLocator

from . import data as gdata
from .callbacks import TimeBudget, step_values
from .errors import BadInputError, unknown_name
from .gan import GAN
from .metrics import mode_stats
from .models import mlp_discriminator, mlp_generator
from .plots import _smooth, grid_canvas, image_grid
from .settings import seed_everything

PLAYGROUND_DATASETS = ("ring8", "grid25", "spiral", "moons", "mixture1d")
# What each loss choice passes to gankit.GAN
PLAYGROUND_LOSSES = {
    "minimax": {"loss": "minimax"},
    "non-saturating": {"loss": "non-saturating"},
    "least-squares": {"loss": "least-squares"},
    "hinge": {"loss": "hinge"},
    "wasserstein-gp": {"loss": "wasserstein", "gradient_penalty": 10.0},
}
NOISE_KINDS = ("gaussian", "uniform")
BATCH_SIZES = (32, 64, 128, 256, 512)

# How the heatmap colours D's raw score s, per loss: (what to show, vmin, vmax, label)
_SCORE_SCALE = {
    "minimax": ("sigmoid", 0.0, 1.0, "D(x): probability real"),
    "non-saturating": ("sigmoid", 0.0, 1.0, "D(x): probability real"),
    "least-squares": ("score", 0.0, 1.0, "D(x): score (1 real, 0 fake)"),
    "hinge": ("score", -1.0, 1.0, "D(x): score (+1 real, -1 fake)"),
    "wasserstein": ("centred", -1.0, 1.0, "critic score, scaled"),
}


def _png_bundle(widget, png, text):
    """The widget's display data plus a PNG for viewers without a running kernel."""
    bundle = dict(widget._repr_mimebundle_() or {})
    bundle["text/plain"] = text
    if png:
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
    return bundle


def _curve(xs, ys, most=600):
    """A noisy per-step curve made readable and quick to draw: smoothed as
    ``plot_history`` smooths, then at most ``most`` points (bin means)."""
    xs, ys = np.asarray(xs, "float64"), np.asarray(ys, "float64")
    smooth = _smooth(ys)
    xs = xs[len(xs) - len(smooth):]
    if len(xs) > most:
        starts = np.linspace(0, len(xs), most, endpoint=False).astype(int)
        sizes = np.diff(np.append(starts, len(xs)))
        xs = np.add.reduceat(xs, starts) / sizes
        smooth = np.add.reduceat(smooth, starts) / sizes
    return xs, smooth


class _BlitFigure:
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


def _update_curves(canvas, lines, history, tight=False):
    """Put each history curve (xs, ys) in its line and fit the axes to them."""
    by_axes = {}
    for key, line in lines.items():
        if key in history and len(history[key][0]):
            xs, ys = _curve(*history[key])
            line.set_data(xs, ys)
            if len(ys):
                by_axes.setdefault(line.axes, []).append((history[key][0][-1], ys.min(),
                                                          ys.max()))
    for ax, spans in by_axes.items():
        canvas.fit_limits(ax, max(s[0] for s in spans), min(s[1] for s in spans),
                          max(s[2] for s in spans), tight=tight)


@keras.saving.register_keras_serializable(package="gankit")
class UniformNoise(keras.layers.Layer):
    """Turns z ~ N(0, 1) into u ~ U(-1, 1) with the normal CDF: u = erf(z / sqrt(2)).

    ``gankit.GAN`` always draws Gaussian z; putting this layer first in G gives a
    generator whose noise is uniform, for training and ``generate`` alike.
    """

    def call(self, z):
        return ops.erf(z / math.sqrt(2.0))


class _Diverged(Exception):
    pass


class Playground:
    """GAN Lab in a notebook: train a small GAN on a 2D (or 1D) toy and watch it move.

    Controls: dataset, loss, D and G learning rates, D:G step ratio, latent size, hidden
    width and depth, batch size, noise kind; buttons play, pause, step D, step G, step
    both and reset. The view: real and generated samples over D's heatmap, arrows where
    D's gradient pushes each fake (the way G will move it), the loss and D(x)/D(G(z))
    curves, and the modes captured (ring8 and grid25).

    Changing an architecture control (dataset, loss, latent size, width, depth, noise)
    builds a fresh GAN at once; learning rates, the D:G ratio and the batch size take
    effect at the next step. In code: ``pg.set(loss="hinge")``, ``pg.run(500)``,
    ``pg.play()``, ``pg.pause()``, ``pg.step("d")``, ``pg.reset()``.
    """

    ARCHITECTURE = ("dataset", "loss", "latent_dim", "width", "depth", "noise")
    TRAINING = ("d_lr", "g_lr", "d_steps", "batch_size")

    def __init__(self, dataset="ring8", loss="non-saturating", d_lr=1e-3, g_lr=1e-3, d_steps=1,
                 latent_dim=2, width=64, depth=2, batch_size=256, noise="gaussian", seed=0,
                 frame_seconds=0.15, n_show=500):
        import ipywidgets as w

        if dataset not in PLAYGROUND_DATASETS:
            raise unknown_name("playground dataset", dataset, PLAYGROUND_DATASETS)
        if loss not in PLAYGROUND_LOSSES:
            raise unknown_name("playground loss", loss, PLAYGROUND_LOSSES)
        if noise not in NOISE_KINDS:
            raise unknown_name("noise kind", noise, NOISE_KINDS)
        if batch_size not in BATCH_SIZES:
            raise BadInputError(f"batch_size should be one of {BATCH_SIZES}; got {batch_size!r}.")
        self.seed = int(seed)
        self.frame_seconds = float(frame_seconds)
        self.n_show = int(n_show)
        lr = dict(base=10, min=-5, max=-1, step=0.1, readout_format=".1e",
                  continuous_update=False)
        self.controls = {
            "dataset": w.Dropdown(options=PLAYGROUND_DATASETS, value=dataset,
                                  description="dataset"),
            "loss": w.Dropdown(options=tuple(PLAYGROUND_LOSSES), value=loss, description="loss"),
            "d_lr": w.FloatLogSlider(value=d_lr, description="D learning rate", **lr),
            "g_lr": w.FloatLogSlider(value=g_lr, description="G learning rate", **lr),
            "d_steps": w.IntSlider(value=d_steps, min=1, max=5, description="D steps per G",
                                   continuous_update=False),
            "latent_dim": w.IntSlider(value=latent_dim, min=1, max=16, description="latent size",
                                      continuous_update=False),
            "width": w.IntSlider(value=width, min=8, max=256, step=8, description="hidden width",
                                 continuous_update=False),
            "depth": w.IntSlider(value=depth, min=1, max=4, description="hidden layers",
                                 continuous_update=False),
            "batch_size": w.SelectionSlider(options=BATCH_SIZES, value=batch_size,
                                            description="batch size", continuous_update=False),
            "noise": w.ToggleButtons(options=NOISE_KINDS, value=noise, description="noise z",
                                     style={"button_width": "80px"}),
        }
        for name, c in self.controls.items():
            c.style.description_width = "95px"
            c.layout.width = "330px"
            c.add_class(f"gankit-control-{name.replace('_', '-')}")
            c.observe(self._on_control, names="value")
        labels = {"play": "▶ play", "pause": "⏸ pause", "step_d": "step D", "step_g": "step G",
                  "step_both": "step both", "reset": "↺ reset"}
        self.buttons = {k: w.Button(description=v, layout=w.Layout(width="84px"))
                        for k, v in labels.items()}
        for k, b in self.buttons.items():
            b.add_class(f"gankit-button-{k.replace('_', '-')}")
        self.buttons["play"].on_click(lambda _: self.play())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["step_d"].on_click(lambda _: self.step("d"))
        self.buttons["step_g"].on_click(lambda _: self.step("g"))
        self.buttons["step_both"].on_click(lambda _: self.step("both"))
        self.buttons["reset"].on_click(lambda _: self.reset())
        self.view = w.Image(format="png", layout=w.Layout(width="760px"))
        self.view.add_class("gankit-playground-view")
        self.status = w.HTML()
        self.status.add_class("gankit-playground-status")
        self.widget = w.HBox([
            w.VBox(list(self.controls.values())),
            w.VBox([w.HBox(list(self.buttons.values())), self.view, self.status]),
        ])
        self._busy = threading.RLock()
        self._stop = threading.Event()
        self._thread = None
        self._holding = False
        self._message = ""
        self.steps_per_second = 0.0
        self.frames_per_second = 0.0
        self.png = b""
        self.frames = 0
        self._build("ready")

    # --- settings ------------------------------------------------------------------

    @property
    def settings(self):
        """The current value of every control, as a dict."""
        return {name: c.value for name, c in self.controls.items()}

    def set(self, **values):
        """Set controls by name, as a student would with the widgets, e.g.
        ``pg.set(loss="hinge", d_lr=3e-4)``; a change of architecture rebuilds once."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise BadInputError(f"Unknown control(s) {sorted(unknown)}; the controls are "
                                f"{', '.join(self.controls)}.")
        rebuild = [k for k in values if k in self.ARCHITECTURE
                   and values[k] != self.controls[k].value]
        self._holding = True
        try:
            for k, v in values.items():
                self.controls[k].value = v
        finally:
            self._holding = False
        if rebuild:
            self._build("rebuilt for " + ", ".join(f"{k} = {values[k]}" for k in rebuild))

    def _on_control(self, change):
        name = next(k for k, c in self.controls.items() if c is change["owner"])
        if name in self.ARCHITECTURE:
            if not self._holding:  # set() rebuilds once, after all its changes
                self._build(f"rebuilt for {name} = {change['new']}")
            return
        with self._busy:
            if name in ("d_lr", "g_lr"):
                opt = self.gan.d_optimizer if name == "d_lr" else self.gan.g_optimizer
                opt.learning_rate.assign(float(change["new"]))
                self._message = f"{name[0].upper()} learning rate now {change['new']:.1e}"
            else:
                self._message = f"{self.controls[name].description} now {change['new']}"
            self._show_status()

    # --- building ----------------------------------------------------------------------

    def _build(self, message):
        """A fresh GAN, data and history for the current settings (the same seed each time)."""
        s = self.settings
        with self._busy:
            seed_everything(self.seed)
            hidden = (int(s["width"]),) * int(s["depth"])
            self.real = gdata.load(s["dataset"], n=20_000, seed=self.seed)
            self.dim = self.real.shape[1]
            g = mlp_generator(int(s["latent_dim"]), (self.dim,), hidden=hidden,
                              output_activation=None)
            if s["noise"] == "uniform":
                z = keras.Input((int(s["latent_dim"]),), name="z")
                g = keras.Model(z, g(UniformNoise(name="uniform_noise")(z)), name="generator")
            d = mlp_discriminator((self.dim,), hidden=hidden)
            self.gan = GAN(g, d, seed=self.seed, **PLAYGROUND_LOSSES[s["loss"]])
            self.gan.compile(keras.optimizers.Adam(s["d_lr"], beta_1=0.5),
                             keras.optimizers.Adam(s["g_lr"], beta_1=0.5))
            self._rng = np.random.default_rng(self.seed)
            self.lim = float(np.ceil(np.abs(self.real).max() * 1.3 * 2) / 2)
            self.step_count = self.d_updates = self.g_updates = 0
            self.history = {}
            self.modes = []  # (step, modes captured) for ring8 and grid25
            self._message = message
            self._make_figure()
            self.redraw()

    def reset(self):
        """Start again from step 0 with a fresh GAN (keeps playing if it was)."""
        self._build("reset: a fresh GAN at step 0")

    # --- training --------------------------------------------------------------------

    def _batch(self):
        idx = self._rng.integers(len(self.real), size=int(self.controls["batch_size"].value))
        return self.real[idx]

    def _iterate(self, update="both"):
        """One step: ``d_steps`` D updates then one G update ("both"), or one of either."""
        gan = self.gan
        if update == "both":
            for _ in range(int(self.controls["d_steps"].value) - 1):
                gan.step(self._batch(), update="d")
                self.d_updates += 1
        out = gan.step(self._batch(), update=update)
        self.d_updates += update in ("both", "d")
        self.g_updates += update in ("both", "g")
        self.step_count += 1
        for k, v in out.items():
            xs, ys = self.history.setdefault(k, ([], []))
            xs.append(self.step_count)
            ys.append(v)
        if not all(math.isfinite(v) for v in out.values()):
            raise _Diverged(f"a loss became {', '.join(f'{k} = {v}' for k, v in out.items())}")

    def step(self, update="both", n=1):
        """Run ``n`` steps ("both", "d" or "g") now and redraw: the step buttons."""
        if update not in ("both", "d", "g"):
            raise BadInputError(f'update should be "both", "d" or "g"; got {update!r}.')
        self.pause()
        with self._busy:
            try:
                for _ in range(int(n)):
                    self._iterate(update)
                self._message = {"both": "stepped D and G", "d": "stepped D only",
                                 "g": "stepped G only"}[update]
            except _Diverged as e:
                self._message = self._diverged_message(e)
            self.redraw()

    def run(self, steps, redraw=True):
        """Train ``steps`` steps here and now (blocking), then redraw. For lessons and
        scripts; ``play`` is the non-blocking version behind the button."""
        self.pause()
        with self._busy:
            start = time.perf_counter()
            every = max(1, int(steps) // 25)  # modes captured along the way, for the curve
            try:
                for i in range(int(steps)):
                    self._iterate()
                    if (i + 1) % every == 0:
                        self._count_modes()
                self._message = f"ran {int(steps):,} steps"
            except _Diverged as e:
                self._message = self._diverged_message(e)
            self.steps_per_second = steps / max(time.perf_counter() - start, 1e-9)
            if redraw:
                self.redraw(tight=True)
        return self

    @property
    def playing(self):
        return self._thread is not None and self._thread.is_alive()

    def play(self, max_steps=None):
        """Train in a worker thread, redrawing every ``frame_seconds``, until paused
        (or ``max_steps`` more steps). Returns at once."""
        if self.playing:
            return
        self._stop.clear()
        self._message = "playing"
        self._thread = threading.Thread(target=self._play_loop, args=(max_steps,),
                                        name="gankit-playground", daemon=True)
        self._thread.start()

    def pause(self, timeout=10.0):
        """Stop playing after the current step (waits for the worker to finish its frame)."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        if thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None
        self._message = "paused"
        self._show_status()

    def _play_loop(self, max_steps):
        target = None if max_steps is None else self.step_count + int(max_steps)
        last_frame = time.perf_counter()
        try:
            while not self._stop.is_set():
                with self._busy:
                    start, done = time.perf_counter(), 0
                    while (time.perf_counter() - start < self.frame_seconds
                           and not self._stop.is_set()
                           and (target is None or self.step_count < target)):
                        self._iterate()
                        done += 1
                    busy = time.perf_counter() - start
                    if done:
                        self.steps_per_second = done / max(busy, 1e-9)
                    now = time.perf_counter()
                    self.frames_per_second = 1.0 / max(now - last_frame, 1e-9)
                    last_frame = now
                    if target is not None and self.step_count >= target:
                        self._stop.set()
                        self._message = f"stopped after {int(max_steps):,} steps"
                    self.redraw()
                time.sleep(0.005)  # let a waiting button handler take the lock
        except _Diverged as e:
            self._message = self._diverged_message(e)
            self.redraw()
        except Exception as e:  # show it in the status line; the thread has no one to tell
            self._message = f"stopped: {type(e).__name__}: {e}"
            self._show_status()

    def _diverged_message(self, err):
        return (f"training diverged at step {self.step_count}: {err}. Press reset, and try "
                "smaller learning rates or the wasserstein-gp loss.")

    # --- drawing ---------------------------------------------------------------------

    def _field(self):
        """D's raw score on a grid over the view, coloured per loss, and its gradient
        (the direction G's loss pushes a fake): one batched call to D."""
        xs = self._grid_xs
        if self.dim == 2:
            gx, gy = np.meshgrid(xs, xs)
            pts = np.stack([gx.ravel(), gy.ravel()], 1)
        else:
            pts = xs[:, None]
        scores = ops.convert_to_numpy(self.gan.discriminator(pts, training=False))[:, 0]
        kind = _SCORE_SCALE[self.gan.loss_pair.name][0]
        if kind == "sigmoid":
            colour = 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))
        elif kind == "centred":
            centre = np.median(scores)
            colour = (scores - centre) / (np.percentile(np.abs(scores - centre), 98) + 1e-9)
        else:
            colour = scores
        if self.dim == 2:
            scores = scores.reshape(len(xs), len(xs))
            grad_y, grad_x = np.gradient(scores, xs, xs)
            return colour.reshape(len(xs), len(xs)), (grad_x, grad_y)
        return colour, np.gradient(scores, xs)

    def _make_figure(self):
        """The figure and its moving artists: D's view and G's push on the left; losses,
        D's outputs and modes captured on the right."""
        c = _BlitFigure((9.5, 4.2))
        fig, lim = c.fig, self.lim
        grid = fig.add_gridspec(3, 2, width_ratios=(1.3, 1), hspace=0.95, wspace=0.32,
                                left=0.06, right=0.85, top=0.85, bottom=0.11)
        ax = fig.add_subplot(grid[:, 0])
        _, vmin, vmax, label = _SCORE_SCALE[self.gan.loss_pair.name]
        real = self.real[:self.n_show]
        self._arrows = np.arange(0, self.n_show, max(1, self.n_show // 100))
        k = len(self._arrows)
        art = {}
        if self.dim == 2:
            self._grid_xs = np.linspace(-lim, lim, 40, dtype="float32")
            art["heat"] = c.moves(ax.imshow(np.zeros((40, 40)), origin="lower", cmap="RdYlGn",
                                            extent=(-lim, lim, -lim, lim), vmin=vmin, vmax=vmax,
                                            alpha=0.6, interpolation="bilinear"))
            fig.colorbar(art["heat"], ax=ax, label=label, fraction=0.046, pad=0.03)
            c.moves(ax.scatter(real[:, 0], real[:, 1], s=4, c="C0", label="real"))
            art["fake"] = c.moves(ax.scatter(*np.zeros((2, self.n_show)), s=4, c="k",
                                             label="generated"))
            art["push"] = c.moves(ax.quiver(*np.zeros((4, k)), color="k", alpha=0.6, scale=12,
                                            width=0.004))
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x1", ylabel="x2", aspect="equal")
        else:
            self._grid_xs = np.linspace(-lim, lim, 200, dtype="float32")
            self._bins = np.linspace(-lim, lim, 61)
            counts = np.histogram(self.real[:, 0], self._bins)[0]
            real_density = counts / (len(self.real) * np.diff(self._bins))
            self._top = float(real_density.max() * 1.6)
            ax.stairs(real_density, self._bins, fill=True, color="C0", alpha=0.5, label="real")
            art["fake"] = c.moves(ax.stairs(np.zeros(60), self._bins, color="k", lw=1.5,
                                            label="generated"))
            art["dcurve"] = c.moves(ax.plot(self._grid_xs, np.zeros(200), color="C3", lw=1.5,
                                            label="D(x)")[0])
            art["push"] = c.moves(ax.quiver(*np.zeros((4, k)), color="k", alpha=0.6, scale=12,
                                            width=0.004))
            ax.set(xlim=(-lim, lim), ylim=(-0.08 * self._top, self._top), xlabel="x",
                   ylabel="density")
        ax.set_title("D's view and G's push", loc="left", fontsize=10)
        # above the axes, out of the heatmap's way, so it stays in the still part
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=7,
                  markerscale=2, frameon=False, borderaxespad=0.2, columnspacing=1.0)
        right = [fig.add_subplot(grid[i, 1]) for i in range(3)]
        self._lines = {
            **c.curves(right[0], (("d_loss", "D loss", "C0"), ("g_loss", "G loss", "C1")),
                       "Losses"),
            **c.curves(right[1], (("d_real", "D(x) real", "C2"),
                                  ("d_fake", "D(G(z)) fake", "C3")), "What D says"),
        }
        if self.settings["dataset"] in gdata.MIXTURES:
            total = len(gdata.MIXTURES[self.settings["dataset"]][0])
            art["modes"] = c.moves(right[2].plot([], [], "C4", lw=1.5,
                                                 drawstyle="steps-post")[0])
            right[2].set(ylim=(0, total + 0.5), xlim=(0, 100))
            right[2].xaxis.set_major_locator(MaxNLocator(4, integer=True))
            right[2].yaxis.set_major_locator(MaxNLocator(3, integer=True))
            right[2].set_title(f"Modes captured (of {total})", fontsize=9)
            right[2].set_xlabel("step", fontsize=8)
            right[2].tick_params(labelsize=7)
        else:
            right[2].axis("off")
            right[2].text(0.5, 0.5, "Modes captured are counted\non ring8 and grid25",
                          ha="center", va="center", fontsize=9, transform=right[2].transAxes)
        s = self.settings
        fig.suptitle(f"{s['dataset']}, {s['loss']} loss", fontsize=11, y=0.99)
        # Text is slow to draw (~0.2 ms a letter): only this short label changes per frame.
        art["title"] = c.moves(ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=8,
                                       bbox={"facecolor": "white", "alpha": 0.8, "lw": 0}))
        self._art, self.canvas = art, c

    def _count_modes(self):
        """Modes captured now (ring8 and grid25), by the protocol of gankit.mode_stats."""
        dataset = self.settings["dataset"]
        if dataset not in gdata.MIXTURES or (self.modes and self.modes[-1][0] == self.step_count):
            return
        pts = self.gan.generate(2500, seed=self.seed + 1, batch_size=2500)
        if np.isfinite(pts).all():
            self.modes.append((self.step_count, mode_stats(pts, dataset)["modes"]))

    def _mode_text(self):
        if not self.modes:
            return ""
        total = len(gdata.MIXTURES[self.settings["dataset"]][0])
        return f"modes captured: {self.modes[-1][1]} of {total}"

    def redraw(self, tight=False):
        """Count modes, draw the frame, and put it in the view (and the status line).
        ``tight`` ends the curves' axes at the last step (a still picture; slower)."""
        with self._busy:
            art, gan = self._art, self.gan
            dataset = self.settings["dataset"]
            self._count_modes()
            colour, grad = self._field()
            fake = gan.generate(self.n_show, seed=self.seed)
            pick = fake[self._arrows]
            ix = np.clip(np.searchsorted(self._grid_xs, pick[:, 0]), 0, len(self._grid_xs) - 1)
            if self.dim == 2:
                iy = np.clip(np.searchsorted(self._grid_xs, pick[:, 1]), 0, len(self._grid_xs) - 1)
                u, v = grad[0][iy, ix], grad[1][iy, ix]
                norm = np.sqrt(u ** 2 + v ** 2).max() + 1e-9
                art["heat"].set_data(colour)
                art["fake"].set_offsets(fake)
                art["push"].set_offsets(pick)
                art["push"].set_UVC(u / norm, v / norm)
            else:
                _, vmin, vmax, _ = _SCORE_SCALE[gan.loss_pair.name]
                finite = fake[np.isfinite(fake[:, 0]), 0]
                counts = np.histogram(finite, self._bins)[0]
                art["fake"].set_data(counts / (len(fake) * np.diff(self._bins)))
                art["dcurve"].set_ydata(self._top * (np.clip(colour, vmin, vmax) - vmin)
                                        / (vmax - vmin))
                u = grad[ix] / (np.abs(grad[ix]).max() + 1e-9)
                art["push"].set_offsets(np.stack([pick[:, 0], np.full(len(pick),
                                                                      -0.04 * self._top)], 1))
                art["push"].set_UVC(u, np.zeros_like(u))
            _update_curves(self.canvas, self._lines, self.history, tight=tight)
            if self.modes and "modes" in art:
                steps, modes = zip(*self.modes)
                art["modes"].set_data(steps, modes)
                self.canvas.fit_limits(art["modes"].axes, steps[-1], tight=tight)
            title = f"step {self.step_count:,}"
            if self.modes:
                title += f", {self.modes[-1][1]} modes"
            outside = int((~np.all(np.abs(fake) <= self.lim, axis=1)).sum())
            if outside:
                title += f", {outside} fakes off view"
            art["title"].set_text(title)
            self.png = self.canvas.png()
            self.frames += 1
            self.view.value = self.png
            self._show_status()

    def _show_status(self):
        s = self.settings
        parts = [f"<b>step {self.step_count:,}</b>",
                 f"D updates {self.d_updates:,}, G updates {self.g_updates:,}",
                 f"{s['loss']} loss, latent {s['latent_dim']}, "
                 f"{s['depth']}x{s['width']} hidden, {s['noise']} noise",
                 f"D lr {s['d_lr']:.1e}, G lr {s['g_lr']:.1e}, D:G {s['d_steps']}:1, "
                 f"batch {s['batch_size']}"]
        if self._mode_text():
            parts.append(self._mode_text())
        if self.playing:
            parts.append(f"{self.steps_per_second:.0f} steps/s, "
                         f"{self.frames_per_second:.1f} frames/s")
        text = " · ".join(parts)
        if self._message:
            text += f"<br><i>{self._message}</i>"
        self.status.value = text

    # --- display ---------------------------------------------------------------------

    def __repr__(self):
        s = self.settings
        return (f"Playground({s['dataset']}, {s['loss']} loss, step {self.step_count}: "
                "a live widget; run the notebook to use it)")

    def _repr_mimebundle_(self, **kwargs):
        return _png_bundle(self.widget, self.png, repr(self))

    def show(self):
        """Display the playground (in a notebook)."""
        from IPython.display import display

        display(self)


class TrainingRun:
    """A ``gan.fit`` running in a worker thread (from :meth:`TrainingPanel.fit`).

    In a notebook cell, ``history = await run`` waits for it while the kernel keeps
    answering the panel's buttons; elsewhere ``run.wait()`` blocks until it ends.
    """

    def __init__(self, panel, args, kwargs):
        self.panel = panel
        self.future = concurrent.futures.Future()
        self.thread = threading.Thread(target=self._work, args=(args, kwargs),
                                       name="gankit-fit", daemon=True)
        self.thread.start()

    def _work(self, args, kwargs):
        try:
            self.future.set_result(self.panel.gan.fit(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to whoever waits
            self.future.set_exception(e)

    @property
    def done(self):
        return self.future.done()

    def wait(self, timeout=None):
        """Block until training ends; return fit's History (or raise its error)."""
        try:
            return self.future.result(timeout)
        finally:
            if self.done:
                self.panel._refresh_display()

    async def _wait_async(self):
        try:
            return await asyncio.wrap_future(self.future)
        except asyncio.CancelledError:  # the notebook's stop button: end training cleanly
            self.panel.stop()
            self.thread.join(30)
            raise
        finally:
            self.panel._refresh_display()

    def __await__(self):
        return self._wait_async().__await__()

    def __repr__(self):
        state = "finished" if self.done else "training in the background (await it to wait)"
        return f"TrainingRun({state})"


class TrainingPanel(keras.callbacks.Callback):
    """A live panel for ``fit``: samples from fixed noise, loss and D(x)/D(G(z)) curves,
    pause, resume and stop buttons, and D and G learning-rate sliders that act at once.

        panel = gankit.TrainingPanel(gan)
        panel.show()
        history = await panel.fit(x, batch_size=64, epochs=10_000, callbacks=[budget])

    ``panel.fit`` runs ``gan.fit`` (with this panel among the callbacks) in a worker
    thread, so the kernel stays free to handle the buttons and sliders: see the module's
    docstring for why a thread. Time spent paused is given back to any
    :class:`~gankit.TimeBudget` in the callbacks.
    """

    def __init__(self, gan, n=16, seed=0, every=1.0, real=None):
        super().__init__()
        import ipywidgets as w

        if gan.d_optimizer is None:
            gan.compile()
        self.gan, self.n, self.seed, self.every, self.real = gan, n, seed, float(every), real
        lr = dict(base=10, min=-5, max=-1, step=0.1, readout_format=".1e",
                  continuous_update=False, style={"description_width": "110px"})
        self.controls = {
            "d_lr": w.FloatLogSlider(value=self._lr(gan.d_optimizer), description="D learning rate",
                                     **lr),
            "g_lr": w.FloatLogSlider(value=self._lr(gan.g_optimizer), description="G learning rate",
                                     **lr),
        }
        for name, c in self.controls.items():
            c.add_class(f"gankit-panel-{name.replace('_', '-')}")
            c.observe(lambda change, name=name: self._set_lr(name, change["new"]), "value")
        self.buttons = {k: w.Button(description=v, layout=w.Layout(width="90px"))
                        for k, v in (("pause", "⏸ pause"), ("resume", "▶ resume"),
                                     ("stop", "■ stop"))}
        for k, b in self.buttons.items():
            b.add_class(f"gankit-panel-{k}")
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["resume"].on_click(lambda _: self.resume())
        self.buttons["stop"].on_click(lambda _: self.stop())
        self.view = w.Image(format="png", layout=w.Layout(width="800px"))
        self.view.add_class("gankit-panel-view")
        self.status = w.HTML()
        self.status.add_class("gankit-panel-status")
        self.widget = w.VBox([w.HBox([*self.buttons.values(), *self.controls.values()]),
                              self.view, self.status])
        self.history = {}
        self.step = 0
        self._lrs = {"d_lr": self._lr(gan.d_optimizer), "g_lr": self._lr(gan.g_optimizer)}
        self._pending_lr = {}
        self.training = False     # between on_train_begin and on_train_end
        self.paused = False       # the worker is waiting (acknowledged pause)
        self._resume = threading.Event()
        self._resume.set()
        self._budgets = []
        self._prev = {}
        self._last_frame = 0.0
        self._handle = None
        self._message = "not started"
        self.images = len(gan.sample_shape) == 3
        if not self.images and gan.sample_shape != (2,):
            raise BadInputError(
                f"TrainingPanel shows images or 2D points; this GAN makes samples of shape "
                f"{gan.sample_shape}. For 1D data use gankit.Playground(\"mixture1d\").")
        self.png = b""
        self._make_figure()
        self.redraw()

    @staticmethod
    def _lr(opt):
        return float(ops.convert_to_numpy(opt.learning_rate))

    def _set_lr(self, name, value):
        self._lrs[name] = float(value)
        if self.training and not self.paused and keras.backend.backend() == "jax":
            # JAX's fit() holds the optimizers' state itself while it runs, so the new
            # rate goes in between two steps, in on_train_batch_end.
            self._pending_lr[name] = float(value)
        else:
            self._apply_lr(name, value)
        self._message = f"{name[0].upper()} learning rate now {value:.1e}"
        self._show_status()

    def _apply_lr(self, name, value):
        opt = self.gan.d_optimizer if name == "d_lr" else self.gan.g_optimizer
        opt.learning_rate.assign(float(value))

    # --- the buttons -------------------------------------------------------------------

    def pause(self):
        """Hold training after the current step (resume carries on)."""
        self._resume.clear()

    def resume(self):
        self._resume.set()

    def stop(self):
        """End training after the current step; the model keeps what it learned."""
        self.gan.stop_training = True
        self._resume.set()

    # --- running fit -----------------------------------------------------------------

    def fit(self, *args, callbacks=None, **kwargs):
        """Start ``gan.fit(*args, **kwargs)`` in a worker thread with this panel added to
        the callbacks; returns a :class:`TrainingRun` (``await`` it in a notebook)."""
        callbacks = [c for c in (callbacks or []) if c is not self] + [self]
        self._budgets = [c for c in callbacks if isinstance(c, TimeBudget)]
        kwargs.setdefault("verbose", 0)
        self._resume.set()
        return TrainingRun(self, args, dict(kwargs, callbacks=callbacks))

    # --- the callback ----------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self.training = True
        self._message = "training"
        self._last_frame = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        # Keras logs running means per epoch; recover each step's own value.
        self.step += 1
        for k, value in step_values(batch, logs, self._prev).items():
            self.history.setdefault(k, []).append(value)
        if self._pending_lr:
            pending, self._pending_lr = self._pending_lr, {}
            self.model  # on JAX, reading self.model copies fit()'s state into the variables
            for name, value in pending.items():
                self._apply_lr(name, value)
        if not self._resume.is_set():
            self._wait_while_paused()
        if time.perf_counter() - self._last_frame >= self.every:
            self.redraw()
            self._last_frame = time.perf_counter()

    def _wait_while_paused(self):
        start = time.perf_counter()
        self._message = "paused: press resume"
        self.model  # on JAX, this puts fit()'s state into the variables (sliders act on them)
        self.redraw()
        self.paused = True
        self._resume.wait()
        self.paused = False
        held = time.perf_counter() - start
        for budget in self._budgets:  # pausing does not eat the training budget
            if budget.start is not None:
                budget.start += held
        self._message = "training"

    def on_train_end(self, logs=None):
        self.training = False
        self._message = f"finished after {self.step:,} steps"
        self.redraw()

    # --- drawing ---------------------------------------------------------------------

    def _make_figure(self):
        """Samples from fixed noise on the left, the curves on the right."""
        c = _BlitFigure((10, 3.6))
        axes = c.fig.subplots(1, 3, width_ratios=(1.3, 1, 1))
        gan = self.gan
        if self.images:
            image_grid(gan.generate(self.n, seed=self.seed), ax=axes[0],
                       title="Samples from fixed noise")
            self._samples = c.moves(axes[0].images[0])
        else:
            real = self.real[:500] if self.real is not None else None
            lim = 1.3 * float(np.abs(real if real is not None else
                                     gan.generate(500, seed=self.seed)).max())
            if real is not None:
                axes[0].scatter(real[:, 0], real[:, 1], s=3, c="C0", alpha=0.4, label="real")
            self._samples = c.moves(axes[0].scatter(*np.zeros((2, 500)), s=3, c="C1",
                                                    label="generated"))
            axes[0].set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="x1",
                        ylabel="x2", title="Samples from fixed noise")
            axes[0].legend(loc="upper right", fontsize=7, markerscale=3)
        self._lines = {
            **c.curves(axes[1], (("d_loss", "D loss", "C0"), ("g_loss", "G loss", "C1")),
                       "Losses"),
            **c.curves(axes[2], (("d_real", "D(x) real", "C2"),
                                 ("d_fake", "D(G(z)) fake", "C3")), "What D says"),
        }
        for ax in axes[1:]:
            ax.set_xlabel("step", fontsize=8)
        self._title = c.moves(c.fig.suptitle("", fontsize=11))
        c.fig.tight_layout()
        self.canvas = c

    def redraw(self):
        """Draw the current samples and curves into the view (and the status line)."""
        if self.images:
            self._samples.set_data(grid_canvas(self.gan.generate(self.n, seed=self.seed)))
        else:
            self._samples.set_offsets(self.gan.generate(500, seed=self.seed))
        steps = {k: (np.arange(1, len(v) + 1), v) for k, v in self.history.items()}
        _update_curves(self.canvas, self._lines, steps, tight=not self.training)
        self._title.set_text(f"Training, step {self.step:,}")
        self.png = self.canvas.png()
        self.view.value = self.png
        self._show_status()

    def _show_status(self):
        d_lr, g_lr = self._lrs["d_lr"], self._lrs["g_lr"]
        self.status.value = (f"<b>step {self.step:,}</b> · D lr {d_lr:.1e} · G lr {g_lr:.1e}"
                             f"<br><i>{self._message}</i>")

    # --- display ---------------------------------------------------------------------

    def __repr__(self):
        return (f"TrainingPanel(step {self.step}: a live widget; run the notebook to use it)")

    def _repr_mimebundle_(self, **kwargs):
        return _png_bundle(self.widget, self.png, repr(self))

    def show(self):
        """Display the panel; when training ends its saved picture shows the last frame."""
        from IPython.display import display

        self._handle = display(self, display_id=True)

    def _refresh_display(self):
        if self._handle is not None:
            self._handle.update(self)

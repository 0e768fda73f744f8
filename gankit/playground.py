"""The 2D playground: GAN Lab inside JupyterLab. Train a small GAN on a 2D (or 1D) toy
with sliders and buttons and watch D's view, G's push, the curves and the modes move.

It trains in a worker thread, as the training panel does: gankit.live says why.
"""
import math
import threading
import time

import keras
import numpy as np
from matplotlib.ticker import MaxNLocator

from . import data as gdata
from .blit import BlitFigure, png_bundle, update_curves
from .errors import BadInputError, unknown_name
from .gan import GAN
from .metrics import mode_stats
from .models import UniformNoise, mlp_discriminator, mlp_generator
from .plots import FieldView, discriminator_field, score_scale
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

    def _make_figure(self):
        """The figure and its moving artists: D's view and G's push on the left; losses,
        D's outputs and modes captured on the right."""
        c = BlitFigure((9.5, 4.2))
        fig, lim = c.fig, self.lim
        grid = fig.add_gridspec(3, 2, width_ratios=(1.3, 1), hspace=0.95, wspace=0.32,
                                left=0.06, right=0.85, top=0.85, bottom=0.11)
        ax = fig.add_subplot(grid[:, 0])
        real = self.real[:self.n_show]
        art = {}
        if self.dim == 2:
            # the same drawing as gankit.plot_2d_gan, at a coarser grid for speed
            self._field = FieldView(ax, self.gan, lim, self.n_show, resolution=40)
            c.moves(self._field.heat)
            c.moves(ax.scatter(real[:, 0], real[:, 1], s=4, c="C0", label="real"))
            art["fake"] = c.moves(ax.scatter(*np.zeros((2, self.n_show)), s=4, c="k",
                                             label="generated"))
            c.moves(self._field.push)
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x1", ylabel="x2", aspect="equal")
        else:
            self._field = None
            self._arrows = np.arange(0, self.n_show, max(1, self.n_show // 100))
            self._bins = np.linspace(-lim, lim, 61)
            counts = np.histogram(self.real[:, 0], self._bins)[0]
            real_density = counts / (len(self.real) * np.diff(self._bins))
            self._top = float(real_density.max() * 1.6)
            ax.stairs(real_density, self._bins, fill=True, color="C0", alpha=0.5, label="real")
            art["fake"] = c.moves(ax.stairs(np.zeros(60), self._bins, color="k", lw=1.5,
                                            label="generated"))
            art["dcurve"] = c.moves(ax.plot(np.linspace(-lim, lim, 200), np.zeros(200),
                                            color="C3", lw=1.5, label="D(x)")[0])
            art["push"] = c.moves(ax.quiver(*np.zeros((4, len(self._arrows))), color="k",
                                            alpha=0.6, scale=12, width=0.004))
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
            self._count_modes()
            fake = gan.generate(self.n_show, seed=self.seed)
            if self.dim == 2:
                self._field.update(gan, fake)
                art["fake"].set_offsets(fake)
            else:
                field = discriminator_field(gan, self.lim, 200, dim=1)
                _, vmin, vmax, _ = score_scale(gan)
                finite = fake[np.isfinite(fake[:, 0]), 0]
                counts = np.histogram(finite, self._bins)[0]
                art["fake"].set_data(counts / (len(fake) * np.diff(self._bins)))
                art["dcurve"].set_ydata(self._top * (np.clip(field.colour, vmin, vmax) - vmin)
                                        / (vmax - vmin))
                pick = fake[self._arrows]
                art["push"].set_offsets(np.stack([pick[:, 0], np.full(len(pick),
                                                                      -0.04 * self._top)], 1))
                art["push"].set_UVC(*field.push_at(pick))
            update_curves(self.canvas, self._lines, self.history, tight=tight)
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
        return png_bundle(self.widget, self.png, repr(self))

    def show(self):
        """Display the playground (in a notebook)."""
        from IPython.display import display

        display(self)

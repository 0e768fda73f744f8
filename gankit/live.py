"""Watching ``fit`` train: :class:`LiveTraining` (a callback that redraws one picture in
place) and :class:`TrainingPanel` (the same picture with pause, resume and stop buttons
and learning-rate sliders). Both draw a :class:`TrainingView`.

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

The :class:`~gankit.Playground` plays in a thread and returns at once. The
:class:`TrainingPanel` runs ``gan.fit`` in a thread too; ``await panel.fit(...)`` in a
notebook cell waits for it without blocking the kernel (ipykernel 7 handles widget
messages while a cell awaits), so "Run all" still runs the cells in order.

Saved notebooks: both objects add a PNG of their latest frame to their display, so a
notebook viewer without a kernel shows a real picture where the widget was.
"""
import asyncio
import concurrent.futures
import threading
import time

import keras
import numpy as np
from keras import ops

from .blit import BlitFigure, png_bundle, update_curves
from .callbacks import EveryN, StepLog, in_notebook, steps_in_call
from .schedule import TimeBudget
from .errors import BadInputError
from .plots import grid_canvas, image_grid


class TrainingView:
    """The picture of a GAN in training: samples from fixed noise (a grid of images, or
    points over the real ones), the losses, and what D says, step by step. One drawing
    for :class:`LiveTraining` and :class:`TrainingPanel`."""

    def __init__(self, gan, n=16, seed=0, real=None):
        shape = tuple(gan.sample_shape)
        self.images = len(shape) == 3
        if not self.images and shape not in ((1,), (2,)):
            raise BadInputError(
                f"The live view shows images, 2D points or 1D values; this GAN makes samples "
                f"of shape {shape}. Plot them yourself with gankit.image_grid or plot_points.")
        self.gan, self.n, self.seed = gan, n, seed
        c = BlitFigure((10, 3.6))
        axes = c.fig.subplots(1, 3, width_ratios=(1.3, 1, 1))
        if self.images:
            image_grid(gan.generate(n, seed=seed), ax=axes[0], title="Samples from fixed noise")
            self._samples = c.moves(axes[0].images[0])
        elif shape == (2,):
            self.n = max(n, 500)
            lim = 1.3 * float(np.abs(real[:500] if real is not None else
                                     gan.generate(self.n, seed=seed)).max())
            if real is not None:
                axes[0].scatter(real[:500, 0], real[:500, 1], s=3, c="C0", alpha=0.4,
                                label="real")
            self._samples = c.moves(axes[0].scatter(*np.zeros((2, self.n)), s=3, c="C1",
                                                    label="generated"))
            axes[0].set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="x1",
                        ylabel="x2", title="Samples from fixed noise")
            axes[0].legend(loc="upper right", fontsize=7, markerscale=3)
        else:  # 1D: the density of the samples over that of the real data
            self.n = max(n, 2000)
            ref = real if real is not None else gan.generate(self.n, seed=seed)
            lim = max(4.0, 1.2 * float(np.abs(ref).max()))
            self._bins = np.linspace(-lim, lim, 61)
            if real is not None:
                axes[0].hist(real[:, 0], bins=self._bins, density=True, alpha=0.5, color="C0",
                             label="real")
            self._samples = c.moves(axes[0].stairs(np.zeros(60), self._bins, color="C1",
                                                   lw=1.5, label="generated"))
            top = np.histogram(ref[:, 0], self._bins, density=True)[0].max()
            axes[0].set(xlim=(-lim, lim), ylim=(0, 2.0 * top), xlabel="x", ylabel="density",
                        title="Samples from fixed noise")
            axes[0].legend(loc="upper right", fontsize=7)
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

    @property
    def figure(self):
        return self.canvas.fig

    def draw(self, history, step, tight=False):
        """The frame for ``history`` ({key: (steps, values)}) at ``step``, as PNG bytes;
        ``tight`` ends the curves' axes at the last step (a still picture)."""
        fake = self.gan.generate(self.n, seed=self.seed)
        if self.images:
            self._samples.set_data(grid_canvas(fake))
        elif fake.shape[1] == 2:
            self._samples.set_offsets(fake)
        else:
            finite = fake[np.isfinite(fake[:, 0]), 0]
            self._samples.set_data(np.histogram(finite, self._bins)[0]
                                   / (len(fake) * np.diff(self._bins)))
        update_curves(self.canvas, self._lines, history, tight=tight)
        self._title.set_text(f"Training, step {step:,}")
        return self.canvas.png()


class LiveTraining(StepLog):
    """Redraws one picture in place while ``fit`` runs (a :class:`TrainingView`):
    samples from fixed noise, the losses, D(x) and D(G(z)).

    ``history`` keeps every step's logs (a :class:`gankit.callbacks.StepLog`), so the
    picture can be redrawn later; outside a notebook it draws once, at the end.
    """

    def __init__(self, every=50, n=16, seed=0, real=None, show=None):
        super().__init__()
        self.every, self.n, self.seed, self.real = every, n, seed, real
        self.show = in_notebook() if show is None else show
        self.view = None
        self._step = 0
        self._steps = []
        self._due = None
        self._handle = None

    @property
    def figure(self):
        """The matplotlib figure of the latest frame (None before the first)."""
        return None if self.view is None else self.view.figure

    def on_train_batch_end(self, batch, logs=None):
        self._step += steps_in_call(self, batch)
        if self._due is None:
            self._due = EveryN(self.every).due
        self._steps.append(self._step)
        super().on_train_batch_end(batch, logs)   # this step's logs into history
        if self.show and self._due(self._step):
            self.redraw()

    def on_train_end(self, logs=None):
        self.redraw(tight=True)

    def redraw(self, tight=False):
        if self.view is None:
            self.view = TrainingView(self.model, n=self.n, seed=self.seed, real=self.real)
        steps = {k: (self._steps[-len(v):], v) for k, v in self.history.items()}
        png = self.view.draw(steps, self._step, tight=tight)
        if self.show:
            from IPython.display import Image, display

            if self._handle is None:
                self._handle = display(Image(png), display_id=True)
            else:
                self._handle.update(Image(png))


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


class TrainingPanel(StepLog):
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
        self.step = 0
        self._lrs = {"d_lr": self._lr(gan.d_optimizer), "g_lr": self._lr(gan.g_optimizer)}
        self._pending_lr = {}
        self.training = False     # between on_train_begin and on_train_end
        self.paused = False       # the worker is waiting (acknowledged pause)
        self._resume = threading.Event()
        self._resume.set()
        self._budgets = []
        self._last_frame = 0.0
        self._handle = None
        self._message = "not started"
        self.png = b""
        self.picture = TrainingView(gan, n=n, seed=seed, real=real)
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
            self.apply_learning_rate(name, value)
        self._message = f"{name[0].upper()} learning rate now {value:.1e}"
        self._show_status()

    def apply_learning_rate(self, name, value):
        """What a slider runs: set "d_lr" or "g_lr" to ``value`` now (the optimizer reads
        its rate at every step, so the next step uses it)."""
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
        self.step += 1
        super().on_train_batch_end(batch, logs)   # this step's logs into history
        if self._pending_lr:
            pending, self._pending_lr = self._pending_lr, {}
            self.model  # on JAX, reading self.model copies fit()'s state into the variables
            for name, value in pending.items():
                self.apply_learning_rate(name, value)
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

    def redraw(self):
        """Draw the current samples and curves into the view (and the status line)."""
        steps = {k: (np.arange(1, len(v) + 1), v) for k, v in self.history.items()}
        self.png = self.picture.draw(steps, self.step, tight=not self.training)
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
        return png_bundle(self.widget, self.png, repr(self))

    def show(self):
        """Display the panel; when training ends its saved picture shows the last frame."""
        from IPython.display import display

        self._handle = display(self, display_id=True)

    def _refresh_display(self):
        if self._handle is not None:
            self._handle.update(self)

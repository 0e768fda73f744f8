"""Keras callbacks for GAN training: counting steps (Keras may run several per call),
stopping a run that diverges, snapshots of the samples, and what changes as training
goes: KID, a 2D mixture's modes, each step's losses.

Pass them to ``gan.fit(..., callbacks=[...])``. Budgets, schedules and the progress bar
are in gankit.schedule; the live picture in gankit.live.
"""
import math
import time

import keras
import numpy as np

from .errors import BadInputError, TrainingDivergedError


def in_notebook():
    """True inside a Jupyter kernel, where a live picture has somewhere to show."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        return shell is not None and "IPKernelApp" in shell.config
    except Exception:
        return False


class Callback(keras.callbacks.Callback):
    """A Keras callback that keeps the model it watches as ``self.watched``, for reading
    counters: on JAX, reading ``self.model`` copies fit()'s whole state back into the
    variables (right before changing weights, as LazyR1 does; wasteful at every step)."""

    def set_model(self, model):
        super().set_model(model)
        self.watched = model


def steps_per_call(model):
    """How many training steps Keras runs between two callback calls
    (``compile(steps_per_execution=...)``, 1 by default)."""
    return max(1, int(getattr(model, "steps_per_execution", 1) or 1))


def steps_in_call(callback, batch):
    """How many steps the call that ended at ``batch`` ran: ``steps_per_call``, except
    for the short group at the end of an epoch whose batches do not divide evenly
    (Keras passes the group's last *nominal* step as ``batch``)."""
    per_call = steps_per_call(callback.model)
    per_epoch = (callback.params or {}).get("steps")
    if not per_epoch:
        return per_call
    return max(0, min(batch + 1, per_epoch) - (batch + 1 - per_call))


def steps_done(model, counted):
    """Training steps run so far: the generator optimizer's own count when the model
    has one, else ``counted``, the steps a callback has counted with ``steps_in_call``.
    On JAX, ``fit()`` holds that counter outside the variable while it runs, and
    reading it would force a copy of the whole state every step, so JAX counts."""
    opt = getattr(model, "g_optimizer", None)
    if opt is None or keras.backend.backend() == "jax":
        return counted
    return int(keras.ops.convert_to_numpy(opt.iterations))


class EveryN:
    """Says when ``every`` more steps have passed, even if steps arrive in groups."""

    def __init__(self, every):
        self.every = int(every)
        self.next = self.every

    def due(self, step):
        if step < self.next:
            return False
        self.next = (step // self.every + 1) * self.every
        return True


class DivergenceGuard(Callback):
    """Stops training with a clear error when a loss becomes NaN or infinite.

    Every ``every`` steps it keeps a copy of the weights; on divergence it puts
    the last good copy back, so what was learned before the blow-up is kept.
    ``GAN.fit`` adds one automatically.
    """

    def __init__(self, every=50):
        super().__init__()
        self.every = every
        self._good = None
        self._good_step = 0
        self._step = 0

    def on_train_begin(self, logs=None):
        self._good = self.model.get_weights()
        self._counted = 0
        self._step = self._good_step = steps_done(self.watched, 0)
        self._every = EveryN(self.every)
        self._every.due(self._step)

    def on_train_batch_end(self, batch, logs=None):
        self._counted += steps_in_call(self, batch)
        self._step = steps_done(self.watched, self._counted)
        logs = logs or {}
        bad = {k: v for k, v in logs.items()
               if k in ("d_loss", "g_loss") and not math.isfinite(float(v))}
        if bad:
            if self._good is not None:
                self.model.set_weights(self._good)
            lrs = []
            for name in ("d_optimizer", "g_optimizer"):
                opt = getattr(self.model, name, None)
                if opt is not None:
                    lr = float(keras.ops.convert_to_numpy(opt.learning_rate))
                    lrs.append(f"{name[0].upper()} {lr:g}")
            raise TrainingDivergedError(
                f"Training diverged at step {self._step}: "
                + ", ".join(f"{k} = {float(v)}" for k, v in bad.items())
                + f". The weights were restored to step {self._good_step}. Try smaller "
                  f"learning rates (now {', '.join(lrs) or 'unknown'}), a gradient penalty or "
                  "spectral normalisation, and check that the data is in [-1, 1].")
        if self._every.due(self._step):
            self._good = self.model.get_weights()
            self._good_step = self._step


class _EveryNSteps(Callback):
    """Records something at the start of training, every ``self.every`` steps and at
    the end. A subclass sets ``_step = 0`` and defines ``_records`` (the list of
    (step, ...) it keeps) and ``_record()`` (record once now)."""

    def on_train_begin(self, logs=None):
        self._every = EveryN(self.every)
        self._every.due(self._step)
        if not self._records:
            self._record()

    def on_train_batch_end(self, batch, logs=None):
        self._step += steps_in_call(self, batch)
        if self._every.due(self._step):
            self._record()

    def on_train_end(self, logs=None):
        if self._records and self._records[-1][0] != self._step:
            self._record()


class Snapshots(_EveryNSteps):
    """Records samples from fixed noise every ``every`` steps, for animations.

    ``frames`` is a list of (step, samples). The same noise each time, so the
    frames show one set of samples changing as G learns.
    """

    def __init__(self, n=16, every=100, seed=0, labels=None):
        super().__init__()
        self.n, self.every, self.seed, self.labels = n, every, seed, labels
        self.frames = []
        self._step = 0

    def take(self):
        self.frames.append((self._step, self.model.generate(self.n, labels=self.labels,
                                                            seed=self.seed)))

    @property
    def _records(self):
        return self.frames

    def _record(self):
        self.take()


class ModeCounter(_EveryNSteps):
    """Counts a 2D mixture's modes while G trains: the instrument of lesson 09.

    At the start, every ``every`` steps and at the end it draws ``n`` samples from the
    same noise and appends to ``steps``, ``modes`` (captured, PacGAN's rules:
    ``gankit.mode_stats``), ``quality`` (% high quality), ``shares`` (each mode's share
    of the samples nearest to it, good or not: what shows G *moving* between modes) and
    ``samples`` (the first 500, to draw).
    """

    def __init__(self, dataset, every=100, n=2500, seed=0):
        super().__init__()
        from .data import MIXTURES

        if dataset not in MIXTURES:
            raise BadInputError(f"ModeCounter counts the modes of {sorted(MIXTURES)}; "
                                f"got {dataset!r}.")
        if int(every) < 1:
            raise BadInputError(f"every should be 1 or more steps; got {every!r}.")
        self.dataset, self.every, self.n, self.seed = dataset, int(every), int(n), seed
        self.centers = MIXTURES[dataset][0]
        self.steps, self.modes, self.quality, self.shares, self.samples = [], [], [], [], []
        self._step = 0

    def measure(self):
        """Count now (the same noise each time) and append to the lists."""
        from .metrics import mode_stats

        points = np.asarray(self.model.generate(self.n, seed=self.seed))
        stats = mode_stats(points, self.dataset)
        self.steps.append(self._step)
        self.modes.append(stats["modes"])
        self.quality.append(100 * stats["high_quality"])
        self.shares.append(stats["shares"])
        self.samples.append(points[:500])

    @property
    def _records(self):
        return [(step,) for step in self.steps]

    def _record(self):
        self.measure()


class CriticGap(_EveryNSteps):
    """A Wasserstein critic's estimate of the distance while G trains: the property that
    made WGAN famous is that it falls as the samples get better, where a GAN's losses
    only say who is winning.

    At the start, every ``every`` steps and at the end it scores ``real`` (held-out real
    samples, which the critic never trained on) and as many of G's samples (the same
    noise each time) and appends (step, mean score of real - mean score of fake) to
    ``history``: E f(x) - E f(G(z)), the Wasserstein-1 distance for a 1-Lipschitz f.
    """

    def __init__(self, real, every=100, seed=0):
        super().__init__()
        self.real = np.asarray(real, "float32")
        if int(every) < 1 or len(self.real) < 2:
            raise BadInputError(f"CriticGap wants every >= 1 and at least 2 real samples; "
                                f"got every={every!r} and {len(self.real)} samples.")
        self.every, self.seed = int(every), seed
        self.history = []
        self._step = 0

    def measure(self):
        """Score both sets now and append (step, gap) to ``history``."""
        gan = self.model
        fake = gan.generate(len(self.real), seed=self.seed)
        self.history.append((self._step, float(gan.scores(self.real).mean()
                                               - gan.scores(fake).mean())))

    @property
    def _records(self):
        return self.history

    def _record(self):
        self.measure()


class StepLog(Callback):
    """Each step's own logs (d_loss, g_loss, D(x), D(G(z))...) in ``history``, a dict of
    lists: Keras logs running means over the epoch, and this undoes that
    (:func:`step_values`)."""

    def __init__(self):
        super().__init__()
        self.history, self._prev = {}, {}

    def on_train_batch_end(self, batch, logs=None):
        for key, value in step_values(batch, logs, self._prev).items():
            self.history.setdefault(key, []).append(value)


def step_values(batch, logs, prev):
    """Each step's own values from the running means Keras logs within an epoch:
    v_n = n * mean_n - (n - 1) * mean_(n-1). ``prev`` (a dict) keeps the last means.

    With ``steps_per_execution=k`` Keras reports every k-th step (``batch`` is the
    last step of the group); the values are then the means over the group."""
    last = prev.pop("__batch__", -1)
    if batch <= last:  # a new epoch: the running means start again
        prev.clear()
        last = -1
    values = {}
    for k, v in (logs or {}).items():
        mean = float(v)
        values[k] = ((batch + 1) * mean - (last + 1) * prev.get(k, 0.0)) / (batch - last)
        prev[k] = mean
    prev["__batch__"] = batch
    return values


class DScores(_EveryNSteps):
    """D's verdicts on the images it trains on and on real images it never sees, while it
    trains: with little data the two part as D learns the training images by heart, the
    overfitting that ADA reads and DiffAugment prevents.

    At the start, every ``every`` steps and at the end: D's mean score and r_t (the share
    of images on the real side of the loss's line, ``GAN.score_line``, minus the share on
    the other) for ``train`` and ``held_out`` (NumPy images), and for as many of G's
    samples (same noise each time). ``n`` keeps at most n of each set (a fixed random
    pick), so a watch costs the same whatever the data's size. ``history`` is a list of
    dicts with ``step``, ``train``, ``held_out``, ``fake``, ``rt_train``, ``rt_held_out``.
    """

    def __init__(self, train, held_out, every=100, seed=0, n=None):
        super().__init__()
        self.train, self.held_out = np.asarray(train, "float32"), np.asarray(held_out, "float32")
        if int(every) < 1 or self.train.shape[1:] != self.held_out.shape[1:] or (
                n is not None and int(n) < 1):
            raise BadInputError(
                f"DScores wants every >= 1, n >= 1 (or None) and training and held-out images "
                f"of one shape; got every={every!r}, n={n!r}, shapes {self.train.shape} and "
                f"{self.held_out.shape}.")
        if n is not None:
            self.train, self.held_out = (
                x[np.random.default_rng(0).permutation(len(x))[:int(n)]]
                for x in (self.train, self.held_out))
        self.every, self.seed = int(every), seed
        self.history = []
        self._step = 0

    def measure(self):
        """Score the three sets now and append to ``history``."""
        gan = self.model
        fake = gan.scores(gan.generate(len(self.held_out), seed=self.seed))
        line = float(np.mean(gan.score_line(fake)))   # the mean fake, for a paired loss
        row = {"step": self._step, "fake": float(fake.mean())}
        for name, x in (("train", self.train), ("held_out", self.held_out)):
            s = gan.scores(x)
            row[name] = float(s.mean())
            row[f"rt_{name}"] = float(np.mean(np.sign(s - line)))
        self.history.append(row)

    @property
    def _records(self):
        return [(row["step"],) for row in self.history]

    def _record(self):
        self.measure()


class KIDMonitor(_EveryNSteps):
    """Measures KID while the GAN trains: the losses say who is winning, KID says
    whether the samples are getting better.

    Every ``every`` steps (and at the start and end) it draws ``n`` samples (500 by
    default) with ``gan.generate(n, labels=labels, seed=seed)`` (the same noise each
    time; a conditional GAN gets its classes in turn unless ``labels`` are given),
    takes their features with the course classifier and computes KID against the
    features of n real test images (computed once per dataset and n). ``history`` is
    a list of (step, kid, kid_std); at each epoch end the latest value goes into the
    logs as ``kid`` (and so into ``fit()``'s History). Plot it with
    ``gankit.plots.plot_kid(monitor)`` or ``gankit.plot_history(live.history, kid=monitor)``.

    Cheap on purpose: 500 samples take well under a second on a laptop CPU. KID
    at n=500 is noisy (see the std), so read trends, not single values.
    """

    def __init__(self, every=200, n=None, dataset="fashion-mnist", seed=0, labels=None,
                 verbose=False):
        super().__init__()
        from . import metrics

        self.every, self.seed, self.labels, self.verbose = int(every), seed, labels, verbose
        self.dataset = dataset
        # default: 500 samples (all 359 test images for the 8x8 digits)
        self.n = metrics.check_n(min(500, metrics.max_n(dataset)) if n is None else n, dataset)
        if self.every < 1:
            raise BadInputError(f"every should be 1 or more steps; got {every!r}.")
        self.history = []
        self.seconds = 0.0  # time spent measuring, so you can see what it costs
        self._step = 0
        self._real = None

    @property
    def latest(self):
        """The last KID measured, or None before the first."""
        return self.history[-1][1] if self.history else None

    def measure(self):
        """Measure KID now and append (step, kid, kid_std) to ``history``."""
        from . import metrics

        start = time.perf_counter()
        if self._real is None:
            self._real = metrics.real_test_set(self.dataset, self.n)[0]
        images = self.model.generate(self.n, labels=self.labels, seed=self.seed)
        feats, _ = metrics.classify(images, self.dataset)
        kid, std = metrics.kernel_inception_distance(self._real, feats)
        self.history.append((self._step, kid, std))
        self.seconds += time.perf_counter() - start
        if self.verbose:
            print(f"step {self._step}: KID {kid:.4f} ± {std:.4f}")
        return kid, std

    @property
    def _records(self):
        return self.history

    def _record(self):
        self.measure()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and self.history:
            logs["kid"] = self.latest


__all__ = ["Callback", "DivergenceGuard", "Snapshots", "KIDMonitor", "ModeCounter", "StepLog",
           "DScores", "CriticGap",
           "steps_done", "steps_per_call", "steps_in_call", "step_values", "in_notebook"]

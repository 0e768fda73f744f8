"""How long training runs and what changes as it goes: a budget of steps or minutes
that stops ``fit``, a progress bar over it, the learning rates' fall and the lazy R1
penalty. The recipes' schedules are made of these (gankit.recipes).
"""
import time

import keras
import numpy as np

from . import backend
from .callbacks import Callback, steps_done, steps_in_call
from .errors import BadInputError


class _Budget(Callback):
    """What TimeBudget and StepBudget share: the clock and the step count of this fit,
    and a stop once ``fraction`` (how much of the budget is used, 0 to 1) reaches 1."""

    def __init__(self):
        super().__init__()
        self.start = None
        self.steps = 0  # steps run under this budget
        self._first = 0

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self._first = steps_done(self.watched, 0)
        self._counted = 0
        self.steps = 0

    @property
    def elapsed(self):
        return 0.0 if self.start is None else time.perf_counter() - self.start

    def on_train_batch_end(self, batch, logs=None):
        self._counted += steps_in_call(self, batch)
        self.steps = steps_done(self.watched, self._counted) - self._first
        if self.fraction >= 1.0:
            self.model.stop_training = True


class TimeBudget(_Budget):
    """Stops training after ``minutes`` of wall-clock time (checked every step).

    Train for a time, not an epoch count: on a laptop what matters is how good
    the model gets in the minutes you have.
    """

    def __init__(self, minutes):
        super().__init__()
        self.seconds = float(minutes) * 60.0

    @property
    def fraction(self):
        """How much of the budget has been used, from 0 to 1."""
        return min(1.0, self.elapsed / self.seconds) if self.seconds > 0 else 1.0


class StepBudget(_Budget):
    """Stops training after ``steps`` generator steps (counted from the start of this fit).

    The recipes' schedules follow one (``DecayLearningRates``, ``LazyR1``): the same
    steps give the same run on a fast machine and a slow or busy one, where a
    wall-clock budget would give each a different number of updates. ``stop=False``
    makes it only a clock for a schedule, in a run that goes on past it
    (``train_recipe`` with more steps than the recipe's own).
    """

    def __init__(self, steps, stop=True):
        super().__init__()
        if int(steps) < 1:
            raise BadInputError(f"steps should be 1 or more; got {steps}.")
        self.total = int(steps)
        self.stop = bool(stop)

    def on_train_batch_end(self, batch, logs=None):
        if self.stop:
            super().on_train_batch_end(batch, logs)
        else:
            self._counted += steps_in_call(self, batch)
            self.steps = steps_done(self.watched, self._counted) - self._first

    @property
    def fraction(self):
        """How much of the budget has been used, from 0 to 1."""
        return min(1.0, self.steps / self.total)


class _Scaled(Callback):
    """What DecayLearningRates and DecayPenalties share: variables set to their values at
    the start of ``fit`` times a multiplier, and put back when ``fit`` ends, so a later
    ``fit`` starts where this one started."""

    def __init__(self):
        super().__init__()
        self._values = []  # (variable, its value when fit began)

    def remember(self, variables):
        self._values = [(v, float(keras.ops.convert_to_numpy(v))) for v in variables]

    def scale(self, m):
        if keras.backend.backend() == "jax":
            self.model  # JAX: reading it copies fit()'s state into the variables,
            # and fit() reads them back before the next step, new values included
        for v, value in self._values:
            v.assign(value * m)

    def on_train_end(self, logs=None):
        for v, value in self._values:
            v.assign(value)


class DecayLearningRates(_Scaled):
    """Lets the learning rates fall linearly over the last part of a budget.

    Big steps early explore; small steps at the end let G settle on sharp samples
    instead of hopping around the modes it has found. From ``start`` (a fraction
    of ``budget``) to the end, every optimizer's rate goes down to ``to`` times its
    value. The rates are put back when training ends, so a later ``fit`` starts
    where this one started. ``budget`` is a :class:`StepBudget` or a
    :class:`TimeBudget` (anything with a ``fraction`` from 0 to 1 will do).
    ``run``: the StepBudget of a run that goes on past ``budget``; over its extra
    steps the rates go on falling, from ``to`` to 0, so the extra steps only
    settle the model that ``budget``'s schedule reached.
    """

    def __init__(self, budget, start=0.5, to=0.0, run=None):
        super().__init__()
        if not 0.0 <= start < 1.0 or not 0.0 <= to <= 1.0:
            from .errors import BadInputError

            raise BadInputError(f"start should be in [0, 1) and to in [0, 1]; got {start}, {to}.")
        self.budget, self.start, self.to = budget, float(start), float(to)
        self.run = None if run is budget else run

    def _optimizers(self):
        opts = [getattr(self.model, n, None) for n in ("d_optimizer", "g_optimizer")]
        opts = [o for o in opts if o is not None] or [self.model.optimizer]
        return [o for o in opts if o is not None]

    def factor(self, fraction):
        """The multiplier of the learning rates when ``fraction`` of the budget is used."""
        left = (1.0 - fraction) / (1.0 - self.start)
        return self.to + (1.0 - self.to) * min(1.0, max(0.0, left))

    def on_train_begin(self, logs=None):
        self.remember([o.learning_rate for o in self._optimizers()])

    def on_train_batch_begin(self, batch, logs=None):
        m = self.factor(self.budget.fraction)
        if self.run is not None and self.run.total > self.budget.total:
            past = self.run.steps - self.budget.total
            m *= min(1.0, max(0.0, 1.0 - past / (self.run.total - self.budget.total)))
        if m < 1.0:
            self.scale(m)


class DecayPenalties(_Scaled):
    """Lowers the R1 and R2 penalties' gamma (``GAN(r1=..., r2=...)``) linearly over
    ``budget``, to ``to`` times its starting value (R3GAN lowers it tenfold, 0.1): strong
    penalties steady the start, weak ones let D sharpen at the end. Like
    :class:`DecayLearningRates`, it puts the gammas back when training ends."""

    def __init__(self, budget, to=0.1):
        super().__init__()
        if not 0.0 <= float(to) <= 1.0:
            raise BadInputError(f"to is the gammas' last value as a fraction of the first, "
                                f"in [0, 1]; got {to}.")
        self.budget, self.to = budget, float(to)

    def on_train_begin(self, logs=None):
        gan = self.watched
        found = [getattr(gan, n, None) for n in ("r1_gamma", "r2_gamma")]
        self.remember([v for v in found if v is not None])
        if not self._values:
            raise BadInputError("DecayPenalties lowers the gammas of a GAN built with r1= or "
                                "r2= (its R1 and R2 penalties); this model has neither.")

    def on_train_batch_begin(self, batch, logs=None):
        self.scale(self.to + (1.0 - self.to) * (1.0 - self.budget.fraction))


class LazyR1(Callback):
    """The R1 penalty on the discriminator, taken lazily.

    R1 (Mescheder et al. 2018) penalises the slope of D at real samples,
    gamma/2 E||grad_x D(x)||^2: a D kept flat on the data cannot send G round the
    modes in circles, the non-convergence of lesson 09. Lazily, as StyleGAN2 does:
    about every ``every`` steps D takes one extra step on the penalty alone
    on ``batch_size`` real samples drawn from ``data``, weighted by
    the steps since the last one. From ``until`` (a fraction of ``budget``) on it is
    off; 1, the default, keeps it on to the end.
    ``data`` is the real samples, or ``(samples, labels)`` for a conditional GAN.
    """

    def __init__(self, data, gamma, budget=None, until=1.0, every=16, batch_size=256, seed=0):
        super().__init__()
        x, labels = data if isinstance(data, tuple) else (data, None)
        self.x = keras.ops.convert_to_numpy(x).astype("float32")
        self.labels = None if labels is None else keras.ops.convert_to_numpy(labels)
        if not gamma > 0 or not 0.0 < until <= 1.0 or int(every) < 1 or int(batch_size) < 1:
            raise BadInputError(
                "LazyR1 wants gamma > 0 (0.01 in the best-* recipes), 0 < until <= 1, "
                f"every >= 1 and batch_size >= 1; got gamma={gamma}, until={until}, "
                f"every={every}, batch_size={batch_size}.")
        if until < 1.0 and budget is None:
            raise BadInputError("LazyR1(until=...) is a fraction of a budget: pass budget= "
                                "(the TimeBudget or StepBudget of this fit).")
        self.gamma, self.budget, self.until = float(gamma), budget, float(until)
        self.every, self.batch_size = int(every), int(batch_size)
        self.rng = np.random.default_rng(seed)
        self.steps = 0  # steps since the last R1 step
        self.taken = 0  # R1 steps taken in this fit

    def on_train_begin(self, logs=None):
        gan = self.watched
        if not hasattr(gan, "r1_penalty"):
            raise BadInputError("LazyR1 trains the discriminator of a gankit.GAN; "
                                f"this model is a {type(gan).__name__}.")
        self.steps, self.taken = 0, 0

        def r1_step(real, weight, *labels):   # one D update on weight * R1 alone
            penalty, _ = gan.update(gan.discriminator, gan.d_optimizer,
                                    lambda: (weight * gan.r1_penalty(real, *labels), {}))
            return penalty / weight

        self.r1_step = backend.compile_function(gan, r1_step)

    def on_train_batch_end(self, batch, logs=None):
        self.steps += steps_in_call(self, batch)
        if self.steps < self.every or (self.budget is not None
                                       and self.budget.fraction >= self.until):
            return
        self.model  # JAX: copy fit()'s state into the variables; the next step reads them back
        pick = self.rng.integers(0, len(self.x), self.batch_size)
        labels = () if self.labels is None else (self.labels[pick],)
        self.r1_step(self.x[pick], np.float32(0.5 * self.gamma * self.steps), *labels)
        self.steps, self.taken = 0, self.taken + 1


class ProgressBar(Callback):
    """A single tqdm bar over the budget (steps for a StepBudget, seconds for a
    TimeBudget), with the latest losses.

    Use with ``verbose=0`` in ``fit`` (Keras's own bar prints one line per epoch).
    """

    def __init__(self, budget, desc="training", update_every=10):
        super().__init__()
        self.budget = budget
        self.desc = desc
        self.update_every = update_every
        self.bar = None
        self.by_steps = isinstance(budget, StepBudget)
        self._n = self._counted = 0

    def on_train_begin(self, logs=None):
        from tqdm.auto import tqdm

        unit = "steps" if self.by_steps else "s"
        total = self.budget.total if self.by_steps else int(round(self.budget.seconds))
        # tqdm writes the postfix with a leading ", ": "... 2,400/6,000 steps, 81 s, d_loss 0.993"
        self.bar = tqdm(total=total, desc=self.desc, unit=unit, leave=True,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:,.0f}/{total:,.0f} "
                                   + unit + "{postfix}")
        self._n = self._counted = 0

    def _position(self):
        return min(self.budget.steps if self.by_steps else self.budget.elapsed, self.bar.total)

    def on_train_batch_end(self, batch, logs=None):
        self._n += 1
        self._counted += steps_in_call(self, batch)
        if self._n % self.update_every:
            return
        logs = logs or {}
        where = (f"{self.budget.elapsed:.0f} s" if self.by_steps
                 else f"step {steps_done(self.watched, self._counted):,}")
        self.bar.n = self._position()
        self.bar.set_postfix_str(where + ", " + ", ".join(
            f"{k} {float(v):.3f}" for k, v in logs.items() if k in ("d_loss", "g_loss")),
            refresh=True)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.n = self._position()
            self.bar.close()


def steps_per_second(budget):
    """Training steps per second recorded by a :class:`TimeBudget`."""
    return budget.steps / max(budget.elapsed, 1e-9)

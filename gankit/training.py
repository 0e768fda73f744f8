"""Training a named recipe: its schedule over its own number of steps, a time cap,
Ctrl-C that keeps what was learned, and a save that never spoils the last good file.

The schedule (the learning rates' decay, when R1 stops) follows the steps, not the
clock, so a faster machine trains the same model sooner instead of a different one;
``minutes`` only caps the time. Fewer steps than the recipe's own shrink the schedule;
more run it as at the recipe's own steps, then let the rates fall on from their final
values toward 0, so the extra steps settle that model instead of moving it on.
"""
import math
import time

import keras

from .devices import data_parallel
from .errors import BadInputError
from .recipes import Recipe, get_recipe
from .saving import check_writable, save
from .schedule import ProgressBar, StepBudget, TimeBudget
from .settings import seed_everything


def train_recipe(name, minutes=None, seed=0, out=None, progress=True, callbacks=(),
                 devices=1, steps=None):
    """Train recipe ``name`` for its number of steps (or ``steps``); save to ``out``.

    ``name`` may also be a :class:`Recipe`, such as one changed with
    ``dataclasses.replace(get_recipe(name), build=...)``: a variant trained on the same
    data with the same schedule, as the benchmarks compare them.

    The recipe's schedule follows the steps, so the result does not depend on the speed
    of the machine. ``steps`` below the recipe's own shrinks the schedule; above, the run
    passes through the recipe's own model, then its rates fall on toward 0; ``minutes`` caps the
    wall-clock time (training stops there, part way through the schedule). Ctrl-C
    stops early and still saves. ``devices``: a number or "all", to train data-parallel
    (gankit.devices); the recipe's batch is the global batch, split across them, so the
    updates are those of one device. Returns (gan, report) where report has the steps
    done and planned, how far through the schedule it got, the seconds and the images
    (or points) per second.
    """
    recipe = name if isinstance(name, Recipe) else get_recipe(name)
    name = recipe.name
    if minutes is not None:
        try:
            ok = math.isfinite(float(minutes)) and float(minutes) > 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise BadInputError(f"minutes should be a number above 0, like 5 or 0.5 (or None, "
                                f"no time cap); got {minutes!r}.")
    planned = recipe.steps if steps is None else steps
    if isinstance(planned, bool) or not isinstance(planned, int) or planned < 1:
        raise BadInputError(f"steps should be a whole number above 0, like {recipe.steps} "
                            f"(the recipe's own); got {steps!r}.")
    if out is not None:
        check_writable(out)   # before training: a run that cannot be saved is not started
    seed_everything(seed)
    x, y = recipe.load_data(seed)
    with data_parallel(devices) as n:
        if recipe.batch_size % n:
            raise BadInputError(f"{name} trains on batches of {recipe.batch_size}, which "
                                f"{n} devices cannot share equally: choose a divisor of it.")
        gan = recipe.build(seed)
        budget = StepBudget(planned)
        # Past the recipe's own steps the schedule does not stretch: it runs as at the
        # recipe's own steps, and over the extra steps the rates fall on from their final
        # values to 0 (R1 still on), so the run passes through the recipe's own model and
        # only settles it: at the final rates themselves the ring's modes spread out again.
        clock = budget if planned <= recipe.steps else StepBudget(recipe.steps, stop=False)
        cap = [] if minutes is None else [TimeBudget(minutes)]
        cbs = [budget, *([] if clock is budget else [clock]), *cap,
               *recipe.schedule(clock, x, seed, run=budget), *callbacks] + (
            [ProgressBar(budget, desc=name)] if progress else [])
        start = time.perf_counter()
        # conditional GANs learn from (images, labels), translation GANs from two piles
        pairs = getattr(gan, "conditional", False) or getattr(gan, "translates", False)
        fit_args = (x, y) if y is not None and pairs else (x,)
        gan.fit(*fit_args, batch_size=recipe.batch_size, epochs=1_000_000, shuffle=True,
                verbose=0, callbacks=cbs)
        seconds = time.perf_counter() - start
    steps = int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations))
    report = {"recipe": name, "seed": seed, "steps": steps, "planned_steps": planned,
              "schedule_done": round(min(1.0, steps / planned), 3),
              "seconds": round(seconds, 1),
              "samples_per_second": round(steps * recipe.batch_size / max(seconds, 1e-9), 1)}
    gan.info.update({"steps": steps, "seconds": report["seconds"], "seed": seed})
    if out is not None:
        save(gan, out)   # atomic: a crash while saving leaves the previous file whole
    return gan, report

"""What the benchmark scripts share, so that each script holds only what it measures.

- ``parser(__doc__, ...)`` makes an argument parser with the common options (``--seeds``,
  ``--steps``, ``--threads``, ``--json``); ``parse(p)`` reads them and applies ``--threads``.
- ``variant(recipe, build=...)`` is a recipe with some of its fields changed
  (``dataclasses.replace``): its builder, batch, schedule or data. ``train(recipe, seed)``
  trains a recipe or a variant through ``gankit.train_recipe``, which follows the recipe's
  steps and schedule, and times the whole call.
- ``mean_se`` and ``Table``: "mean +- standard error" over seeds and markdown tables,
  printed the same way by every script.
- ``mode_scores`` and ``distances_to_modes``: the figures of a 2D mixture, PacGAN's two
  (``gankit.mode_stats``) and the spread of the samples about their modes.

gankit is imported inside the functions, after ``parse``: ``--threads`` must reach
TensorFlow before it starts.
"""
import argparse
import dataclasses
import json
import os
import platform
import time

import numpy as np

# the median distance of a 2D Gaussian's samples to its centre, in standard deviations
SPREAD_OF_DATA = float(np.sqrt(2 * np.log(2)))  # 1.18


# --- options ------------------------------------------------------------------------------

def parser(description, seeds=(0,), steps="recipe", threads=False, json=False):
    """An argument parser with ``--seeds`` (or ``--seed``; default ``seeds``) and, as
    asked, ``--steps`` (``steps``: "recipe" for the recipe's own number by default, a
    number for that default, None for no ``--steps``), ``--threads`` and ``--json``."""
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", "--seed", type=int, nargs="+", default=list(seeds),
                   help=f"one run per seed (default: {' '.join(map(str, seeds))})")
    if steps == "recipe":
        p.add_argument("--steps", type=int, default=None,
                       help="generator steps per run (default: the recipe's own)")
    elif steps is not None:
        p.add_argument("--steps", type=int, default=steps,
                       help=f"generator steps per run (default: {steps})")
    if threads:
        p.add_argument("--threads", type=int, default=None,
                       help="TensorFlow's threads (with taskset -c 0, one core: a slower machine)")
    if json:
        p.add_argument("--json", metavar="FILE", help="also write the rows to this file")
    return p


def parse(p, argv=None):
    """``p.parse_args(argv)``, with ``--threads`` applied to TensorFlow."""
    args = p.parse_args(argv)
    if getattr(args, "threads", None):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as gankit sets it
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    return args


def cores():
    """The CPU cores this process may use (``taskset`` narrows them)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def machine(args=None):
    """One line for the top of a script's output: the machine, and ``--threads`` if any."""
    line = f"machine: {platform.machine()}, {cores()} cores usable"
    if args is not None and hasattr(args, "threads"):
        line += f", TensorFlow threads: {args.threads or 'all'}"
    return line


def write_json(path, rows):
    """Write ``rows`` (a list of dicts) to ``path``; nothing when ``path`` is None."""
    if path:
        with open(path, "w") as f:
            json.dump(rows, f, indent=1, default=float)  # NumPy numbers as plain floats


# --- training -----------------------------------------------------------------------------

def variant(recipe, **changes):
    """Recipe ``recipe`` (a name or a Recipe) with ``changes``: ``build`` (seed -> compiled
    GAN), ``batch_size``, ``decay_from``, ``decay_to``, ``r1``, ``load_data``... Trained
    with ``train``, it gets the recipe's data and schedule except what changed."""
    import gankit

    base = gankit.get_recipe(recipe) if isinstance(recipe, str) else recipe
    return dataclasses.replace(base, **changes)


def train(recipe, seed=0, steps=None, minutes=None, callbacks=(), out=None):
    """Train ``recipe`` (a name, or a Recipe such as ``variant`` makes) through
    ``gankit.train_recipe``, without a progress bar: its own steps, or ``steps`` (fewer
    shrink the schedule, more let its rates fall on toward 0); ``minutes`` caps the time.
    Returns (gan, report): train_recipe's report (steps, planned_steps, schedule_done,
    seconds of training, samples_per_second) and ``wall_seconds``, the whole call with
    loading the data, building and compiling."""
    import gankit

    start = time.perf_counter()
    gan, report = gankit.train_recipe(recipe, minutes=minutes, seed=seed, out=out,
                                      progress=False, callbacks=callbacks, steps=steps)
    return gan, {**report, "wall_seconds": round(time.perf_counter() - start, 1)}


# --- figures and tables -------------------------------------------------------------------

def mean_se(values, fmt=".1f", se_fmt=None):
    """"mean +- standard error" of ``values``, formatted with ``fmt`` (and ``se_fmt`` for
    the error, by default ``fmt``). NaN values (runs that diverged) are left out; the
    error of fewer than two values is nan."""
    v = np.asarray(values, "float64")
    v = v[~np.isnan(v)]
    mean = v.mean() if len(v) else float("nan")
    se = v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
    return f"{mean:{fmt}} +- {se:{se_fmt or fmt}}"


class Table:
    """A markdown table, printed a row at a time (so a long benchmark shows each row as it
    is done): ``t = Table("recipe", "modes")``, then ``t.row("best-ring8", "8.0 +- 0.0")``."""

    def __init__(self, *columns, title=None):
        if title:
            print(f"\n{title}")
        print("| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|", flush=True)

    def row(self, *cells):
        print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def distances_to_modes(points, dataset):
    """Each point's distance to the nearest centre of the 2D mixture ``dataset`` ("ring8",
    "grid25"), in the mixture's standard deviations."""
    from gankit.data import MIXTURES

    centres, std = MIXTURES[dataset]
    points = np.asarray(points)
    return np.linalg.norm(points[:, None] - centres[None], axis=-1).min(1) / std


def mode_scores(points, dataset):
    """The figures of samples of a 2D mixture: modes captured and % high quality, as PacGAN
    counts them (``gankit.mode_stats``), and the spread, the median distance to the mode in
    its standard deviations (the data's own: SPREAD_OF_DATA, 1.18), which the two PacGAN
    figures cannot see: a G that puts every sample at a mode's centre scores 100%."""
    import gankit

    s = gankit.mode_stats(points, dataset)
    return {"modes": s["modes"], "hq": 100 * s["high_quality"],
            "spread": float(np.median(distances_to_modes(points, dataset)))}

"""The command line: ``python -m gankit recipes | train | sample``::

    python -m gankit recipes
    python -m gankit train dcgan-fashion --seed 0 --out runs/dcgan.keras
    python -m gankit train best-ring8 --minutes 3 --steps 12000 --out runs/ring.keras
    python -m gankit sample runs/dcgan.keras --n 64 --out samples.npz --seed 1

``train`` runs the recipe's own number of steps (``--steps`` to change it: fewer shrink
the schedule, more let its rates fall on toward 0); ``--minutes`` caps the time and says how far
through the schedule the run got.

``sample`` writes ``images`` (N, H, W, C) float32 in [-1, 1] for image
recipes or ``points`` (N, 2) for 2D ones, and ``labels`` (N,) int for
conditional recipes and ACGAN (drawn uniformly over the classes). For InfoGAN
recipes it writes ``codes`` (N, 1 + n_continuous) float32: column 0 is the
categorical code (a whole number, 0 to categories - 1, drawn uniformly), the
other columns the continuous codes (drawn from U[-1, 1]), the codes each image
was made with. ``--rejection`` draws with discriminator rejection sampling
(``GAN.generate(..., rejection=True)``).

Models that translate images (``pix2pix-outlines``, ``pix2pix-denoise``,
``srgan-fashion``, ``cyclegan-outlines``) write ``inputs`` too: N test images turned into
the task's inputs (outline drawings, noisy images, 7x7 thumbnails), each next to its
translation in ``images``. LAPGAN
(``lapgan-fashion``) writes ``images`` like any image recipe.

Video recipes (``dvdgan-sprites``) write ``videos`` (N, T, H, W, C) in [-1, 1] and
``images``, their first frames. The text-to-image recipe (``text2image-shapes``) writes
``images`` and ``captions`` (N,) str: the sentence each image was drawn for.
"""
import argparse
import math
import os
import pathlib
import sys

import numpy as np

from .errors import BadInputError, GanKitError


def _cmd_recipes(args):
    from .recipes import RECIPES

    width = max(len(n) for n in RECIPES)
    print(f"{'recipe':<{width}}  {'kind':<6}  {'dataset':<13}  {'steps':>6}  description")
    for r in RECIPES.values():
        print(f"{r.name:<{width}}  {r.kind:<6}  {r.dataset:<13}  {r.steps:>6,}  {r.description}")
    return 0


def _minutes(text):
    """--minutes: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"should be a number of minutes above 0, like 5 or 0.5; got {text!r}")
    return value


def _steps(text):
    """--steps: a whole number above 0."""
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"should be a whole number of steps above 0, like "
                                         f"6000; got {text!r}")
    return value


def _cmd_train(args):
    from .training import train_recipe

    gan, report = train_recipe(args.recipe, minutes=args.minutes, seed=args.seed, out=args.out,
                               progress=not args.quiet, devices=args.devices, steps=args.steps)
    print(f"trained {report['recipe']} for {report['seconds']} s: {report['steps']:,} of "
          f"{report['planned_steps']:,} steps, {report['samples_per_second']:,} samples/s; "
          f"saved to {args.out}")
    if report["schedule_done"] < 1:
        print(f"stopped {report['schedule_done']:.0%} of the way through the recipe's schedule "
              f"(the time cap, or Ctrl-C): give it more --minutes to train the recipe as tuned")
    return 0


def load_gan(path):
    """Load a GAN saved by gankit (a ``.keras`` file), with a clear error if it is not one."""
    from .saving import load

    return load(path)


def _cmd_sample(args):
    from .infogan import InfoGAN

    if args.n < 1:
        raise BadInputError(f"--n should be a positive number of samples; got {args.n}.")
    if not args.out.endswith(".npz"):
        raise BadInputError(f"--out should end in .npz; got {args.out!r}.")
    gan = load_gan(args.path)
    _check_fits_in_memory(gan, args.n)
    rng = np.random.default_rng(args.seed)
    arrays = {}
    if hasattr(gan, "sample_arrays"):  # video (and other) models say what they write
        if args.rejection:
            raise BadInputError("--rejection is not available for this model; sample without it.")
        return _write(args.out, gan.sample_arrays(args.n, seed=rng.integers(2**31)))
    if getattr(gan, "translates", False) or not hasattr(gan, "noise"):  # translation, LAPGAN
        if args.rejection:
            raise BadInputError("--rejection is for GANs that draw from noise; sample "
                                "without it.")
        if getattr(gan, "translates", False):
            arrays["inputs"] = gan.sample_inputs(args.n, seed=rng.integers(2**31))
            arrays["images"] = gan.translate(arrays["inputs"]).astype("float32")
        else:
            arrays["images"] = gan.generate(args.n, seed=rng.integers(2**31)).astype("float32")
        return _write(args.out, arrays)
    labels, extra = None, {}  # extra: generate()'s own options for this kind of model
    if gan.conditional:
        labels = rng.integers(gan.num_classes, size=args.n).astype("int64")
        arrays["labels"] = labels
    if isinstance(gan, InfoGAN):
        if args.rejection:
            raise BadInputError("--rejection is not available for InfoGAN models: sample "
                                "without it.")
        extra["codes"] = arrays["codes"] = gan.random_codes(args.n, seed=rng.integers(2**31))
    elif args.rejection:
        extra["rejection"] = True
    samples = gan.generate(args.n, labels=labels, seed=rng.integers(2**31),
                           **extra).astype("float32")
    kind = gan.info.get("kind", "images" if len(gan.sample_shape) == 3 else "points")
    arrays[kind] = samples
    return _write(args.out, arrays)


def _check_fits_in_memory(gan, n):
    """Refuse an --n whose samples would not fit in a quarter of this machine's memory."""
    shape = getattr(gan, "sample_shape", None) or (28, 28, 1)
    per_sample = 4 * int(np.prod(shape)) * (2 if getattr(gan, "translates", False) else 1)
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        memory = 8 << 30
    most = max(1, memory // 4 // per_sample)
    if n > most:
        raise BadInputError(
            f"--n {n:,} samples of shape {tuple(shape)} would need "
            f"{n * per_sample / 2**30:,.1f} GiB; this machine has {memory / 2**30:.0f} GiB. "
            f"Ask for at most {most:,} at a time (run sample again with another --seed for more).")


def _write(out, arrays):
    pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, **arrays)
    shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
    print(f"wrote {out}: {shapes}")
    return 0


def build_parser():
    p = argparse.ArgumentParser(prog="python -m gankit",
                                description="Train, sample and list the course's GAN recipes.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("recipes", help="list the named training recipes")
    t = sub.add_parser("train", help="train a recipe for its number of steps and save it")
    t.add_argument("recipe")
    t.add_argument("--minutes", type=_minutes, default=None,
                   help="stop after this many minutes even if the steps are not done "
                        "(default: no cap)")
    t.add_argument("--steps", type=_steps, default=None,
                   help="train for this many steps: fewer than the recipe's own shrink its "
                        "schedule, more let its rates fall on toward 0 (default: the recipe's own, "
                        "listed by `recipes`)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--out", required=True, help="where to save the model (a .keras file)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("--devices", default="1",
                   help="train data-parallel on N devices, or 'all' (JAX: keras.distribution; "
                        "TensorFlow: tf.distribute); default 1")
    s = sub.add_parser("sample", help="draw samples from a saved model into an .npz file")
    s.add_argument("path", help="a .keras file written by train")
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--out", required=True, help="an .npz file")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--rejection", action="store_true",
                   help="discriminator rejection sampling: D drops the samples it finds least "
                        "real (GANs trained with the minimax or non-saturating loss)")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    handler = {"recipes": _cmd_recipes, "train": _cmd_train, "sample": _cmd_sample}[args.command]
    try:
        return handler(args)
    except GanKitError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

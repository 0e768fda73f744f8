"""Every remedy of the course on the same benchmark, over several seeds.

    python benchmarks/remedies.py --steps 4000 --seeds 0 1 2 --skip-fashion   # 2D mixtures
    python benchmarks/remedies.py --fashion-steps 600 --seeds 0 1 2 --only-fashion

2D mixtures (ring8, grid25): an MLP GAN (PacGAN's baseline, toy_gan's defaults, 20 steps
per call) with each remedy, trained on 100,000 points for a number of generator steps, then
modes captured and % high-quality samples by the PacGAN protocol (2,500 samples, nearest
mode, within 3 standard deviations); mean +- standard error over seeds, printed next to
PacGAN's Table 1. The last rows are the best-* recipes (their own batch and schedule,
shrunk to fewer steps) with and without discriminator rejection sampling.
Fashion-MNIST: the lean DCGAN with the same remedy, KID against 5,000 real test images in
the course classifier's features. Every run trains through gankit.train_recipe: a remedy
is a variant (harness.variant) of gan-ring8 / gan-grid25 (their data, batch 100) or of
dcgan-fashion, with the remedy's builder.

Every run gets the same number of generator steps (as papers compare), so the table
does not depend on how busy the machine is; the seconds column does (a remedy with
5 D steps per G step costs more per step). A script that prints figures, not a test.
"""
import time

import numpy as np

import gankit
from gankit import recipes
from gankit.remedies import BEST, REMEDIES, image_options

import harness

PACGAN = {"ring8": "GAN 6.3 / 98.2, PacGAN2 7.9 / 95.6, PacGAN4 7.8 / 95.9",
          "grid25": "GAN 17.3 / 94.8, PacGAN2 23.8 / 91.3, PacGAN4 24.8 / 93.6"}


def train(recipe, seed, steps):
    """``recipe`` (a recipe or a variant of one) trained through train_recipe for ``steps``;
    returns (gan, seconds), gan None if training diverged (counted as no modes / no KID)."""
    start = time.perf_counter()
    try:
        gan, report = harness.train(recipe, seed, steps=steps)
    except gankit.TrainingDivergedError:
        return None, time.perf_counter() - start
    return gan, report["seconds"]


def toy_table(args):
    for dataset in args.datasets:
        table = harness.Table(
            "remedy", "seconds", "modes", "% high quality",
            title=f"{dataset}: modes / % high quality, mean +- s.e. over seeds {args.seeds}, "
                  f"{args.steps:,} generator steps each; PacGAN Table 1: {PACGAN[dataset]}")
        for name, options in REMEDIES.items():
            if name == BEST:  # the recipe itself: its batch, its schedule
                recipe = recipes.get_recipe(f"best-{dataset}")
                samplers = {name: False, f"{name} + rejection sampling": True}
            else:  # PacGAN's baseline with the remedy, on the plain recipe's data
                recipe = harness.variant(
                    f"gan-{dataset}", batch_size=100,
                    build=lambda s, o=options, d=dataset: recipes.toy_gan(
                        s, d, steps_per_execution=20, **o))
                samplers = {name: False}
            stats, seconds = {row: [] for row in samplers}, []
            for seed in args.seeds:
                gan, sec = train(recipe, seed, args.steps)
                seconds.append(sec)
                for row, rejection in samplers.items():
                    stats[row].append(
                        gankit.mode_stats(gan.generate(2500, seed=seed, rejection=rejection),
                                          dataset)
                        if gan is not None else {"modes": 0, "high_quality": 0.0})
            for row, s in stats.items():
                table.row(row, f"{np.mean(seconds):.0f}",
                          harness.mean_se([x["modes"] for x in s]),
                          harness.mean_se([100 * x["high_quality"] for x in s]))


def fashion_table(args):
    x, _ = gankit.load_fashion_mnist("train", verbose=False)
    x_test, _ = gankit.load_fashion_mnist("test", verbose=False)
    f_test, _ = gankit.metrics.classify(x_test[:5000])
    table = harness.Table(
        "remedy", "seconds", "KID x1000",
        title=f"Fashion-MNIST: KID (x1000) after {args.fashion_steps:,} generator steps, "
              f"mean +- s.e. over seeds {args.seeds} (5,000 samples vs 5,000 test images); "
              "the baseline is the dcgan-fashion recipe")
    for name, options in REMEDIES.items():
        if name == BEST:  # the 2D recipes; on images the baseline is the recipe
            continue
        # dcgan-fashion with the remedy, on the training images loaded above
        recipe = harness.variant("dcgan-fashion", load_data=lambda s: (x, None),
                                 build=lambda s, o=image_options(options): recipes.fashion_gan(
                                     s, **o))
        kids, seconds = [], []
        for seed in args.seeds:
            gan, sec = train(recipe, seed, args.fashion_steps)
            seconds.append(sec)
            if gan is None:
                kids.append(np.nan)
                continue
            f_fake, _ = gankit.metrics.classify(gan.generate(5000, seed=seed + 1))
            kids.append(1000 * gankit.metrics.kernel_inception_distance(f_test, f_fake)[0])
        table.row(name, f"{np.mean(seconds):.0f}", harness.mean_se(kids, ".0f"))


def main():
    p = harness.parser(__doc__, seeds=(0, 1, 2), steps=4000)
    p.add_argument("--fashion-steps", type=int, default=600, help="generator steps per image run")
    p.add_argument("--datasets", nargs="+", default=["ring8", "grid25"],
                   choices=["ring8", "grid25"], help="which 2D mixtures to run")
    p.add_argument("--only", nargs="+", help="run only these remedies (names as printed)")
    p.add_argument("--only-fashion", action="store_true")
    p.add_argument("--skip-fashion", action="store_true")
    args = harness.parse(p)
    if args.only:
        for k in list(REMEDIES):
            if not any(o.lower() in k.lower() for o in args.only):
                del REMEDIES[k]
    print(harness.machine())
    if not args.only_fashion:
        toy_table(args)
    if not args.skip_fashion:
        fashion_table(args)

if __name__ == "__main__":
    main()

"""Every remedy of the course on the same benchmark, over several seeds.

    python benchmarks/remedies.py --steps 4000 --seeds 0 1 2 --skip-fashion   # 2D mixtures
    python benchmarks/remedies.py --fashion-steps 600 --seeds 0 1 2 --only-fashion

2D mixtures (ring8, grid25): an MLP GAN (PacGAN's baseline, toy_gan's defaults, 20 steps
per call) trained on 100,000 points for a number of generator steps, then modes captured
and % high-quality samples by the PacGAN protocol (2,500 samples, nearest mode, within 3
standard deviations); mean +- standard error over seeds, printed next to PacGAN's Table 1.
The last rows are the best-* recipes (their own batch and learning-rate decay) with and
without discriminator rejection sampling. Fashion-MNIST: the lean DCGAN with the same
remedy, KID against 5,000 real test images in the course classifier's features.

Every run gets the same number of generator steps (as papers compare), so the table
does not depend on how busy the machine is; the seconds column does (a remedy with
5 D steps per G step costs more per step). A script that prints figures, not a test.
"""
import argparse
import os
import platform

import numpy as np

import gankit
from gankit import recipes

# name -> keyword arguments of gankit.recipes.toy_gan / fashion_gan
REMEDIES = {
    "GAN, non-saturating (baseline)": {},
    "GAN, minimax (saturating)": {"loss": "minimax"},
    "LSGAN": {"loss": "least-squares"},
    "WGAN, weight clipping": {"loss": "wasserstein", "clip_weights": 0.01, "d_steps": 5,
                              "lr": (5e-5, 5e-5), "optimizer": "rmsprop"},
    "WGAN-GP": {"loss": "wasserstein", "gradient_penalty": 10.0, "d_steps": 5,
                "lr": (1e-4, 1e-4), "betas": (0.0, 0.9)},
    "hinge + spectral norm": {"loss": "hinge", "d_norm": "spectral", "lr": (2e-4, 2e-4),
                              "betas": (0.5, 0.999)},
    "TTUR (D 4e-4, G 1e-4)": {"lr": (4e-4, 1e-4)},
    "one-sided label smoothing 0.1": {"label_smoothing": 0.1},
    "instance noise 0.05": {"instance_noise": 0.05},
    "minibatch std-dev": {"minibatch_std": True},
    "PacGAN2 (packing)": {"pack": 2},
    "course best (best-* recipes)": recipes.BEST_TOY,
}
BEST = "course best (best-* recipes)"  # trained as the best-* recipe: its batch, its decay

PACGAN = {"ring8": "GAN 6.3 / 98.2, PacGAN2 7.9 / 95.6, PacGAN4 7.8 / 95.9",
          "grid25": "GAN 17.3 / 94.8, PacGAN2 23.8 / 91.3, PacGAN4 24.8 / 93.6"}


def image_options(options):
    """The image version of a remedy: the dcgan-fashion rate 4e-4 unless the remedy sets
    its own; TTUR's rates become 4e-4 for D and 2e-4 for G (1e-4 on points); WGAN-GP needs
    a critic without batch norm; packing puts the packed images side by side as channels."""
    options = {k: v for k, v in options.items() if k not in ("latent_dim", "choices")}
    if options.get("gradient_penalty"):
        options.setdefault("d_norm", "layer")
    if "lr" not in options:
        options["lr"] = (4e-4, 4e-4)  # the dcgan-fashion rate, not PacGAN's 2D one
    elif options["lr"] == (4e-4, 1e-4):
        options["lr"] = (4e-4, 2e-4)
    return options


def train(build, x, steps, batch_size, recipe=None, seed=0):
    # recipe: a best-* recipe, trained with its schedule (decaying rates, R1)
    budget = gankit.StepBudget(steps)
    callbacks = [budget, *(recipe.schedule(budget, x, seed) if recipe else [])]
    gan = build()
    try:
        gan.fit(x, batch_size=batch_size, epochs=1_000_000, verbose=0, callbacks=callbacks)
    except gankit.TrainingDivergedError:
        return gan, budget.elapsed, True  # counted as no modes / no KID
    return gan, budget.elapsed, False


def se(values):
    return np.std(values, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0


def toy_table(args):
    for dataset in args.datasets:
        print(f"\n{dataset}: modes / % high quality, mean +- s.e. over seeds "
              f"{args.seeds}, {args.steps:,} generator steps each; PacGAN Table 1: "
              f"{PACGAN[dataset]}")
        print("| remedy | seconds | modes | % high quality |\n|---|---|---|---|")
        for name, options in REMEDIES.items():
            rows = {name: ([], [])}
            seconds = []
            for seed in args.seeds:
                gankit.seed_everything(seed)
                x = gankit.load(dataset, n=100_000, seed=seed)
                if name == BEST:
                    recipe = recipes.get_recipe(f"best-{dataset}")
                    gan, sec, diverged = train(lambda: recipe.build(seed), x, args.steps,
                                               recipe.batch_size, recipe, seed)
                    samplers = {name: False, f"{name} + rejection sampling": True}
                else:
                    gan, sec, diverged = train(
                        lambda: recipes.toy_gan(seed, dataset, steps_per_execution=20,
                                                **options), x, args.steps, 100)
                    samplers = {name: False}
                seconds.append(sec)
                for row, rejection in samplers.items():
                    s = (gankit.mode_stats(gan.generate(2500, seed=seed, rejection=rejection),
                                           dataset)
                         if not diverged else {"modes": 0, "high_quality": 0.0})
                    rows.setdefault(row, ([], []))[0].append(s["modes"])
                    rows[row][1].append(100 * s["high_quality"])
            for row, (modes, quality) in rows.items():
                print(f"| {row} | {np.mean(seconds):.0f} | {np.mean(modes):.1f} +- "
                      f"{se(modes):.1f} | {np.mean(quality):.1f} +- {se(quality):.1f} |",
                      flush=True)


def fashion_table(args):
    x, _ = gankit.load_fashion_mnist("train", verbose=False)
    x_test, _ = gankit.load_fashion_mnist("test", verbose=False)
    f_test, _ = gankit.metrics.classify(x_test[:5000])
    print(f"\nFashion-MNIST: KID (x1000) after {args.fashion_steps:,} generator steps, "
          f"mean +- s.e. over seeds {args.seeds} (5,000 samples vs 5,000 test images); "
          "the baseline is the dcgan-fashion recipe")
    print("| remedy | seconds | KID x1000 |\n|---|---|---|")
    for name, options in REMEDIES.items():
        if name == BEST:  # the 2D recipes; on images the baseline is the recipe
            continue
        kids, seconds = [], []
        for seed in args.seeds:
            gankit.seed_everything(seed)
            opts = image_options(options)
            gan, sec, diverged = train(lambda: recipes.fashion_gan(seed, **opts), x,
                                       args.fashion_steps, 64)
            f_fake, _ = gankit.metrics.classify(gan.generate(5000, seed=seed + 1))
            kids.append(np.nan if diverged else
                        1000 * gankit.metrics.kernel_inception_distance(f_test, f_fake)[0])
            seconds.append(sec)
        error = np.nanstd(kids, ddof=1) / np.sqrt(len(kids)) if len(kids) > 1 else 0.0
        print(f"| {name} | {np.mean(seconds):.0f} | {np.nanmean(kids):.0f} +- {error:.0f} |",
              flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--steps", type=int, default=4000, help="generator steps per 2D run")
    p.add_argument("--fashion-steps", type=int, default=600, help="generator steps per image run")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--datasets", nargs="+", default=["ring8", "grid25"],
                   choices=["ring8", "grid25"], help="which 2D mixtures to run")
    p.add_argument("--only", nargs="+", help="run only these remedies (names as printed)")
    p.add_argument("--only-fashion", action="store_true")
    p.add_argument("--skip-fashion", action="store_true")
    args = p.parse_args()
    if args.only:
        for k in list(REMEDIES):
            if not any(o.lower() in k.lower() for o in args.only):
                del REMEDIES[k]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores")
    if not args.only_fashion:
        toy_table(args)
    if not args.skip_fashion:
        fashion_table(args)


if __name__ == "__main__":
    main()

"""Every remedy of the course on the same benchmark, over several seeds.

    python benchmarks/remedies.py --minutes 1 --seeds 0 1 2              # 2D mixtures
    python benchmarks/remedies.py --fashion-minutes 2 --seeds 0 1 2 --only-fashion

2D mixtures (ring8, grid25): an MLP GAN trained on 100,000 points for a wall-clock
budget, then modes captured and % high-quality samples by the PacGAN protocol
(2,500 samples, nearest mode, within 3 standard deviations); mean +- standard error
over seeds, printed next to PacGAN's Table 1. Fashion-MNIST: the lean DCGAN with the
same remedy, KID against 5,000 real test images in the course classifier's features.

A script that prints figures, not a test. Run it on an otherwise idle machine: every
run has the same wall-clock budget, so a busy CPU means fewer steps.
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

PACGAN = {"ring8": "GAN 6.3 / 98.2, PacGAN2 7.9 / 95.6, PacGAN4 7.8 / 95.9",
          "grid25": "GAN 17.3 / 94.8, PacGAN2 23.8 / 91.3, PacGAN4 24.8 / 93.6"}


def image_options(options):
    """The image version of a remedy: WGAN-GP needs a critic without batch norm."""
    options = {k: v for k, v in options.items() if k not in ("latent_dim", "pack")}
    if options.get("gradient_penalty"):
        options.setdefault("d_norm", "layer")
    if "lr" not in options:
        options["lr"] = (4e-4, 4e-4)  # the dcgan-fashion rate, not PacGAN's 2D one
    elif options["lr"] == (4e-4, 1e-4):
        options["lr"] = (4e-4, 2e-4)
    return options


def train(build, x, minutes, batch_size):
    budget = gankit.TimeBudget(minutes)
    gan = build()
    try:
        gan.fit(x, batch_size=batch_size, epochs=1_000_000, verbose=0, callbacks=[budget])
    except gankit.TrainingDivergedError:
        return gan, budget.steps, True
    return gan, budget.steps, False


def toy_table(args):
    for dataset in ("ring8", "grid25"):
        print(f"\n{dataset}: modes / % high quality, mean +- s.e. over seeds "
              f"{args.seeds}, {args.minutes} min each; PacGAN Table 1: {PACGAN[dataset]}")
        print(f"| remedy | steps | modes | % high quality |\n|---|---|---|---|")
        for name, options in REMEDIES.items():
            modes, quality, steps = [], [], []
            for seed in args.seeds:
                gankit.seed_everything(seed)
                x = gankit.load(dataset, n=100_000, seed=seed)
                gan, n, diverged = train(lambda: recipes.toy_gan(seed, dataset, **options),
                                         x, args.minutes, 100)
                s = gankit.mode_stats(gan.generate(2500, seed=seed), dataset) if not diverged \
                    else {"modes": 0, "high_quality": 0.0}
                modes.append(s["modes"])
                quality.append(100 * s["high_quality"])
                steps.append(n)
            se = lambda v: np.std(v, ddof=1) / np.sqrt(len(v)) if len(v) > 1 else 0.0
            print(f"| {name} | {int(np.mean(steps)):,} | {np.mean(modes):.1f} +- {se(modes):.1f} "
                  f"| {np.mean(quality):.1f} +- {se(quality):.1f} |", flush=True)


def fashion_table(args):
    x, _ = gankit.load_fashion_mnist("train", verbose=False)
    x_test, _ = gankit.load_fashion_mnist("test", verbose=False)
    f_test, _ = gankit.metrics.classify(x_test[:5000])
    print(f"\nFashion-MNIST: KID (x1000) after {args.fashion_minutes} min, mean +- s.e. "
          f"over seeds {args.seeds} (5,000 samples vs 5,000 test images)")
    print("| remedy | steps | KID x1000 |\n|---|---|---|")
    for name, options in REMEDIES.items():
        kids, steps = [], []
        for seed in args.seeds:
            gankit.seed_everything(seed)
            opts = image_options(options)
            gan, n, diverged = train(lambda: recipes.fashion_gan(seed, **opts), x,
                                     args.fashion_minutes, 64)
            f_fake, _ = gankit.metrics.classify(gan.generate(5000, seed=seed + 1))
            kids.append(np.nan if diverged else
                        1000 * gankit.metrics.kernel_inception_distance(f_test, f_fake)[0])
            steps.append(n)
        se = np.nanstd(kids, ddof=1) / np.sqrt(len(kids)) if len(kids) > 1 else 0.0
        print(f"| {name} | {int(np.mean(steps)):,} | {np.nanmean(kids):.0f} +- {se:.0f} |",
              flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--minutes", type=float, default=1.0, help="budget per 2D run")
    p.add_argument("--fashion-minutes", type=float, default=2.0, help="budget per image run")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
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

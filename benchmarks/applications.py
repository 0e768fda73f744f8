"""What GANs are for (lesson 15): data augmentation and anomaly detection, over seeds.

    python benchmarks/applications.py --seeds 0 1 2
    python benchmarks/applications.py --only augment --per-class 100 500 --gan-steps 1500
    python benchmarks/applications.py --only anomaly --held-out 1 5 --gan-steps 1500

GANs train for a fixed number of generator steps (not minutes), so the figures do not
depend on how busy the machine is. Printed:

- augmentation: for each size of the small labelled set (``--per-class`` images of each
  Fashion-MNIST class) and seed, the test accuracy (on 5,000 test images) of the small CNN
  of gankit.augment trained on the small set alone, with flips and shifts, and with
  ``--fake-ratio`` times as many images from a conditional GAN (the cgan-fashion
  architecture) trained on the same small set only; also the share of the GAN's images
  that the course classifier puts in the class asked for;
- anomaly detection: a DCGAN (the dcgan-fashion architecture) trained on the classes not
  held out; AUROC on 1,000 test images (anomalies: the held-out classes) of D's score, of
  the error left after AnoGAN's latent search, and of two baselines (PCA reconstruction
  error with 20 components; pixel distance to the nearest of 5,000 normal training images).

Then the mean and standard error over the seeds. A script that prints figures, not a test.
"""
import argparse
import time

import numpy as np

import gankit
from gankit import anomaly, augment, metrics
from gankit.recipes import fashion_gan


def train_gan(x, y=None, steps=1500, seed=0):
    """The lean DCGAN (conditional when labels come) trained for ``steps`` G steps,
    averaging G's weights and compiled with XLA, as cgan-fashion is."""
    gankit.seed_everything(seed)
    gan = fashion_gan(seed, conditional=y is not None, ema=0.999, jit_compile=True)
    data = (x,) if y is None else (x, y)
    gan.fit(*data, batch_size=64, epochs=1_000_000, shuffle=True, verbose=0,
            callbacks=[gankit.StepBudget(steps)])
    return gan


def mean_se(values):
    v = np.asarray(values, "float64")
    se = v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
    return f"{v.mean():.3f} +- {se:.3f}"


def run_augment(args, x, y, xt, yt):
    print(f"\n== Augmentation: GAN {args.gan_steps} steps, {args.fake_ratio}x generated "
          f"images, classifier {args.clf_steps} steps, {len(xt):,} test images")
    print(f"{'per class':>9}{'seed':>5}{'real':>8}{'flips':>8}{'+GAN':>8}{'GAN class acc':>15}"
          f"{'s':>6}")
    table = {}
    for per in args.per_class:
        for seed in args.seeds:
            start = time.perf_counter()
            xs, ys = augment.small_labelled_set(x, y, per, seed=seed)
            gan = train_gan(xs, ys, args.gan_steps, seed)
            fake = augment.generated_set(gan, per * args.fake_ratio, seed=seed + 100)
            obey = metrics.class_accuracy(*fake)
            res = augment.compare(xs, ys, xt, yt, fake=fake, seeds=(seed,), steps=args.clf_steps)
            row = [res["real"][0], res["real + flips/shifts"][0], res["real + GAN"][0], obey]
            table.setdefault(per, []).append(row)
            print(f"{per:>9}{seed:>5}" + "".join(f"{v:>8.1%}" for v in row[:3])
                  + f"{obey:>15.1%}{time.perf_counter() - start:>6.0f}", flush=True)
    print("\nmean +- standard error over seeds (accuracy)")
    for per, rows in table.items():
        rows = np.array(rows)
        gain = rows[:, 2] - rows[:, 0]
        print(f"{per:>4} per class: real {mean_se(rows[:, 0])}, flips {mean_se(rows[:, 1])}, "
              f"+GAN {mean_se(rows[:, 2])} (GAN minus real {mean_se(gain)}), "
              f"GAN class accuracy {mean_se(rows[:, 3])}")


def run_anomaly(args, x, y, xt, yt):
    held = tuple(args.held_out)
    names = ", ".join(gankit.FASHION_CLASSES[h] for h in held)
    print(f"\n== Anomaly detection: held out {names}; GAN {args.gan_steps} steps; latent "
          f"search {args.search_steps} steps")
    cols = ("D", "latent", "PCA", "nearest")
    print(f"{'seed':>5}" + "".join(f"{c:>9}" for c in cols) + f"{'s':>6}")
    rows = []
    for seed in args.seeds:
        start = time.perf_counter()
        rng = np.random.default_rng(seed)
        normal = x[~np.isin(y, held)]
        idx = rng.choice(len(xt), 1000, replace=False)
        images, is_anom = xt[idx], np.isin(yt[idx], held)
        train = normal[rng.choice(len(normal), 5000, replace=False)]
        gan = train_gan(normal, None, args.gan_steps, seed)
        _, recon = anomaly.latent_search(gan, images, steps=args.search_steps, seed=seed)
        scores = [anomaly.discriminator_scores(gan, images),
                  anomaly.reconstruction_scores(images, recon),
                  anomaly.pca_scores(train, images, 20),
                  anomaly.nearest_neighbour_scores(train, images)]
        rows.append([anomaly.auroc(s, is_anom) for s in scores])
        print(f"{seed:>5}" + "".join(f"{v:>9.3f}" for v in rows[-1])
              + f"{time.perf_counter() - start:>6.0f}", flush=True)
    rows = np.array(rows)
    print("AUROC, mean +- standard error: "
          + ", ".join(f"{c} {mean_se(rows[:, i])}" for i, c in enumerate(cols)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--only", choices=("augment", "anomaly"))
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--per-class", type=int, nargs="+", default=[100, 500])
    p.add_argument("--fake-ratio", type=int, default=5)
    p.add_argument("--gan-steps", type=int, default=1500)
    p.add_argument("--clf-steps", type=int, default=400)  # as lesson 15
    p.add_argument("--held-out", type=int, nargs="+", default=[1, 5])
    p.add_argument("--search-steps", type=int, default=200)
    args = p.parse_args()
    x, y = gankit.load_fashion_mnist("train")
    xt, yt = gankit.load_fashion_mnist("test", verbose=False)
    xt, yt = xt[:5000], yt[:5000]
    if args.only in (None, "augment"):
        run_augment(args, x, y, xt, yt)
    if args.only in (None, "anomaly"):
        run_anomaly(args, x, y, xt, yt)


if __name__ == "__main__":
    main()

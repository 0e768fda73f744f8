"""What GANs are for (lesson 18): data augmentation and anomaly detection, over seeds.

    python benchmarks/applications.py --seeds 0 1 2
    python benchmarks/applications.py --only augment --per-class 100 500 --gan-steps 1500
    python benchmarks/applications.py --only anomaly --held-out 1 5 --gan-steps 1500

GANs (the lean DCGAN with an average of G's weights and XLA, as cgan-fashion) train through
gankit.train_recipe on the data below (harness.variant of cgan-fashion, or of dcgan-fashion
without labels) for a fixed number of generator steps (not minutes), so the figures do not
depend on how busy the machine is. Printed:

- augmentation: for each size of the small labelled set (``--per-class`` images of each
  Fashion-MNIST class) and seed, the test accuracy (on 5,000 test images) of the small CNN
  of gankit.augment trained on the small set alone, with shifts (gankit.augment.shifts),
  and with ``--fake-ratio`` times as many images from a conditional GAN (the cgan-fashion
  architecture, with DiffAugment's ``--gan-augment`` policy if given) trained on the same
  small set only; also the share of the GAN's images that the course classifier puts in
  the class asked for;
- anomaly detection: a DCGAN (the dcgan-fashion architecture) trained on the classes not
  held out; AUROC on 1,000 test images (anomalies: the held-out classes) of D's score, of
  the error left after AnoGAN's latent search, and of two baselines (PCA reconstruction
  error with 20 components; pixel distance to the nearest of 5,000 normal training images).

Then tables of the mean +- standard error over the seeds. A script that prints figures, not
a test.
"""
import time

import numpy as np

import gankit
import harness
from gankit import anomaly, augment, metrics
from gankit.recipes import fashion_gan


def train_gan(x, y=None, steps=1500, seed=0, augment=None):
    """The lean DCGAN (conditional when labels come) trained on ``x`` (and ``y``) alone for
    ``steps`` G steps, averaging G's weights and compiled with XLA, as cgan-fashion is: a
    variant of cgan-fashion (or dcgan-fashion without labels) on other data. ``augment``:
    a DiffAugment policy on everything D sees."""
    recipe = harness.variant(
        "dcgan-fashion" if y is None else "cgan-fashion", load_data=lambda s: (x, y),
        build=lambda s: fashion_gan(s, conditional=y is not None, ema=0.999, jit_compile=True,
                                    augment=augment))
    return harness.train(recipe, seed, steps=steps)[0]


def mean_se(values):
    return harness.mean_se(values, ".3f")


def run_augment(args, x, y, xt, yt, out):
    print(f"\n== Augmentation: GAN {args.gan_steps} steps (DiffAugment: {args.gan_augment}), "
          f"{args.fake_ratio}x generated images, classifier {args.clf_steps} steps, "
          f"{len(xt):,} test images")
    print(f"{'per class':>9}{'seed':>5}{'real':>8}{'shifts':>8}{'+GAN':>8}{'GAN class acc':>15}"
          f"{'s':>6}")
    table = {}
    for per in args.per_class:
        for seed in args.seeds:
            start = time.perf_counter()
            xs, ys = augment.small_labelled_set(x, y, per, seed=seed)
            gan = train_gan(xs, ys, args.gan_steps, seed, args.gan_augment)
            fake = augment.generated_set(gan, per * args.fake_ratio, seed=seed + 100)
            obey = metrics.class_accuracy(*fake)
            res = augment.compare(xs, ys, xt, yt, fake=fake, seeds=(seed,), steps=args.clf_steps)
            row = [res["real"][0], res["real + shifts"][0], res["real + GAN"][0], obey]
            if args.gan_and_shifts:   # the GAN's images and shifts together
                both = augment.train_classifier(
                    np.concatenate([xs, fake[0]]), np.concatenate([ys, fake[1]]), xt, yt,
                    steps=args.clf_steps, seed=seed, augmentation=augment.shifts())
                row.append(both)
            table.setdefault(per, []).append(row)
            print(f"{per:>9}{seed:>5}" + "".join(f"{v:>8.1%}" for v in row[:3])
                  + f"{obey:>15.1%}{time.perf_counter() - start:>6.0f}"
                  + (f"   +GAN+shifts {row[4]:.1%}" if args.gan_and_shifts else ""), flush=True)
    summary = harness.Table("per class", "real", "shifts", "+GAN", "GAN minus real",
                            "GAN class accuracy",
                            title="mean +- standard error over seeds (accuracy)")
    for per, rows in table.items():
        rows = np.array(rows)
        summary.row(per, *(mean_se(rows[:, i]) for i in range(3)),
                    mean_se(rows[:, 2] - rows[:, 0]), mean_se(rows[:, 3]))
        if args.gan_and_shifts:
            print(f"  {per} per class, +GAN+shifts: {mean_se(rows[:, 4])}; minus shifts alone: "
                  f"{mean_se(rows[:, 4] - rows[:, 1])}")
        arms = ("real", "real + shifts", "real + GAN", "GAN class accuracy", "real + GAN + shifts")
        out.append({"per_class": per, "fake_ratio": args.fake_ratio, "gan_steps": args.gan_steps,
                    "gan_augment": args.gan_augment, "clf_steps": args.clf_steps,
                    "seeds": args.seeds, **dict(zip(arms, rows.T.tolist()))})
    if args.gan_and_shifts:
        print("\nRows of benchmarks/README.md's regimes table:\n" + readme_rows(out))


def _se(v):
    """Standard error of the mean over seeds."""
    return np.std(v, ddof=1) / np.sqrt(len(v))


def readme_rows(rows):
    """benchmarks/README.md's table "Where might GAN images help?" from --json rows (of runs
    with --gan-and-shifts): each arm minus real alone, in points, mean +- s.e. over seeds."""
    lines = []
    for r in rows:
        real = 100 * np.array(r["real"])
        cells = [f"{real.mean():.1f}% +- {_se(real):.1f}"]
        for arm in ("real + shifts", "real + GAN", "real + GAN + shifts"):
            d = 100 * np.array(r[arm]) - real
            cells.append(f"{d.mean():+.1f} +- {_se(d):.1f} points")
        gan = f"{r['gan_steps']:,} steps" + (", DiffAugment" if r["gan_augment"] else "")
        lines.append(f"| {r['per_class']} | {gan} | " + " | ".join(cells)
                     + f" | {np.mean(r['GAN class accuracy']):.1%} |")
    return "\n".join(lines)


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
    harness.Table("seeds", *cols, title="AUROC, mean +- standard error").row(
        ", ".join(map(str, args.seeds)), *(mean_se(rows[:, i]) for i in range(len(cols))))


def main():
    p = harness.parser(__doc__, seeds=(0, 1, 2), steps=None, threads=True, json=True)
    p.add_argument("--only", choices=("augment", "anomaly"))
    p.add_argument("--per-class", type=int, nargs="+", default=[100, 500])
    p.add_argument("--fake-ratio", type=int, default=5)
    p.add_argument("--gan-steps", type=int, default=1500)
    p.add_argument("--clf-steps", type=int, default=400)  # as lesson 18
    p.add_argument("--gan-augment", metavar="POLICY",
                   help='DiffAugment in the GAN, e.g. "color,translation,cutout" (lesson 12)')
    p.add_argument("--gan-and-shifts", action="store_true",
                   help="also train on the GAN's images with shifts")
    p.add_argument("--held-out", type=int, nargs="+", default=[1, 5])
    p.add_argument("--search-steps", type=int, default=200)
    p.add_argument("--readme", nargs="+", metavar="JSON",
                   help="only print the README's regimes table from these --json files")
    args = harness.parse(p)
    if args.readme:
        import json
        rows = [r for f in args.readme for r in json.load(open(f, encoding="utf-8"))]
        return print(readme_rows(rows))
    x, y = gankit.load_fashion_mnist("train")
    xt, yt = gankit.load_fashion_mnist("test", verbose=False)
    xt, yt = xt[:5000], yt[:5000]
    out = []
    if args.only in (None, "augment"):
        run_augment(args, x, y, xt, yt, out)
        harness.write_json(args.json, out)
    if args.only in (None, "anomaly"):
        run_anomaly(args, x, y, xt, yt)


if __name__ == "__main__":
    main()

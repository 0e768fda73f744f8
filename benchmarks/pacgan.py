"""The 2D recipes against PacGAN's Table 1, counted as PacGAN counts (../shared/FACTS.md).

    python benchmarks/pacgan.py best-ring8 best-grid25 --seeds 0 1 2 3 4 5 6 7 8 9
    taskset -c 0 python benchmarks/pacgan.py best-ring8 --seeds 0 1 --threads 1   # a slower machine
    python benchmarks/pacgan.py best-ring8 --seeds 0 1 --steps 12000             # twice the steps

Each seed trains the recipe through ``gankit.train_recipe`` (its own number of steps, or
``--steps``), then draws 2,500 samples: plain (G's own samples, what PacGAN reports) and
with discriminator rejection sampling (a separate step, its own row). For each: modes
captured, % high quality, and the spread, the median distance of a sample to its mode in
the mode's standard deviations (the data's own: 1.18, the median of a 2D Gaussian), which
the two PacGAN figures cannot see: a G that puts its samples too close to the centres
scores as well as one that draws them like the data. Prints one line per seed and a
table of means +- standard errors. ``--threads 1`` keeps TensorFlow to one thread (with
``taskset -c 0``, one core): the same steps on a slower machine. A script that prints
figures, not a test.
"""
import argparse
import json
import os
import time

import numpy as np

SPREAD_OF_DATA = float(np.sqrt(2 * np.log(2)))  # median of a 2D Gaussian's radius, in std


def scores(points, dataset):
    import gankit

    s = gankit.mode_stats(points, dataset)
    centres, std = gankit.metrics.MIXTURES[dataset]
    dist = np.linalg.norm(points[:, None] - centres[None], axis=-1).min(1) / std
    return {"modes": s["modes"], "hq": 100 * s["high_quality"], "spread": float(np.median(dist))}


def mean_se(values):
    v = np.asarray(values, float)
    return f"{v.mean():.1f} +- {v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else 0:.1f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("recipes", nargs="+")
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--steps", type=int, default=None, help="default: the recipe's own")
    p.add_argument("--threads", type=int, default=None, help="TensorFlow's threads")
    p.add_argument("--json", help="also write the rows to this file")
    args = p.parse_args()
    if args.threads:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as gankit sets it
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import gankit

    cores = len(os.sched_getaffinity(0))
    print(f"{cores} cores usable, TensorFlow threads: {args.threads or 'all'}", flush=True)
    rows = []
    for name in args.recipes:
        recipe = gankit.get_recipe(name)
        real = gankit.data.load(recipe.dataset, n=2500, seed=123)
        ref = scores(np.asarray(real), recipe.dataset)
        print(f"{recipe.dataset}, 2,500 points of the data itself: {ref['modes']} modes, "
              f"{ref['hq']:.1f}% high quality, spread {ref['spread']:.2f}", flush=True)
        for seed in args.seeds:
            start = time.perf_counter()
            gan, report = gankit.train_recipe(name, seed=seed, steps=args.steps, progress=False)
            row = {"recipe": name, "seed": seed, "steps": report["steps"],
                   "seconds": round(time.perf_counter() - start, 1), "cores": cores,
                   "threads": args.threads}
            for tag, rejection in (("plain", False), ("rejection", True)):
                s = scores(gan.generate(2500, seed=seed, rejection=rejection), recipe.dataset)
                row.update({f"{tag}_{k}": v for k, v in s.items()})
            rows.append(row)
            print(f"{name} seed {seed}: {row['steps']:,} steps in {row['seconds']:.0f} s; plain "
                  f"{row['plain_modes']} modes / {row['plain_hq']:.1f}% / spread "
                  f"{row['plain_spread']:.2f}; with rejection {row['rejection_modes']} / "
                  f"{row['rejection_hq']:.1f}% / {row['rejection_spread']:.2f}", flush=True)
    print("\n| recipe | seeds | steps | seconds | modes | % high quality | spread "
          "| with rejection: modes | % high quality | spread |\n" + "|---" * 10 + "|")
    for name in args.recipes:
        r = [row for row in rows if row["recipe"] == name]
        steps = sorted({row["steps"] for row in r})
        print(f"| {name} | {', '.join(str(row['seed']) for row in r)} | "
              f"{'/'.join(f'{s:,}' for s in steps)} | "
              f"{min(row['seconds'] for row in r):.0f}-{max(row['seconds'] for row in r):.0f} | "
              + " | ".join(mean_se([row[f"{tag}_{k}"] for row in r])
                           for tag in ("plain", "rejection") for k in ("modes", "hq", "spread"))
              + " |")
    print(f"(spread: the median distance to the mode, in its standard deviations; the data's "
          f"own is {SPREAD_OF_DATA:.2f})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()

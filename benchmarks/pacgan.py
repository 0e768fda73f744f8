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
scores as well as one that draws them like the data (harness.mode_scores). Prints one line
per seed and a table of means +- standard errors; the seconds are the whole
``train_recipe`` call (data, XLA compile, training). ``--threads 1`` keeps TensorFlow to
one thread (with ``taskset -c 0``, one core): the same steps on a slower machine. A script
that prints figures, not a test.
"""
import numpy as np

import harness


def main():
    p = harness.parser(__doc__, threads=True, json=True)
    p.add_argument("recipes", nargs="+")
    args = harness.parse(p)
    import gankit

    print(harness.machine(args), flush=True)
    rows = []
    for name in args.recipes:
        dataset = gankit.get_recipe(name).dataset
        ref = harness.mode_scores(np.asarray(gankit.data.load(dataset, n=2500, seed=123)), dataset)
        print(f"{dataset}, 2,500 points of the data itself: {ref['modes']} modes, "
              f"{ref['hq']:.1f}% high quality, spread {ref['spread']:.2f}", flush=True)
        for seed in args.seeds:
            gan, report = harness.train(name, seed, steps=args.steps)
            row = {"recipe": name, "seed": seed, "steps": report["steps"],
                   "seconds": report["wall_seconds"], "cores": harness.cores(),
                   "threads": args.threads}
            for tag, rejection in (("plain", False), ("rejection", True)):
                s = harness.mode_scores(gan.generate(2500, seed=seed, rejection=rejection), dataset)
                row.update({f"{tag}_{k}": v for k, v in s.items()})
            rows.append(row)
            print(f"{name} seed {seed}: {row['steps']:,} steps in {row['seconds']:.0f} s; plain "
                  f"{row['plain_modes']} modes / {row['plain_hq']:.1f}% / spread "
                  f"{row['plain_spread']:.2f}; with rejection {row['rejection_modes']} / "
                  f"{row['rejection_hq']:.1f}% / {row['rejection_spread']:.2f}", flush=True)
    table = harness.Table("recipe", "seeds", "steps", "seconds", "modes", "% high quality",
                          "spread", "with rejection: modes", "% high quality", "spread",
                          title="mean +- standard error over the seeds")
    for name in args.recipes:
        r = [row for row in rows if row["recipe"] == name]
        seconds = [row["seconds"] for row in r]
        table.row(name, ", ".join(str(row["seed"]) for row in r),
                  "/".join(f"{s:,}" for s in sorted({row["steps"] for row in r})),
                  f"{min(seconds):.0f}-{max(seconds):.0f}",
                  *(harness.mean_se([row[f"{tag}_{k}"] for row in r])
                    for tag in ("plain", "rejection") for k in ("modes", "hq", "spread")))
    print(f"(spread: the median distance to the mode, in its standard deviations; the data's "
          f"own is {harness.SPREAD_OF_DATA:.2f})")
    harness.write_json(args.json, rows)


if __name__ == "__main__":
    main()

"""R3GAN's ablation on the 2D grid: which of its parts keeps all 25 modes.

    python benchmarks/r3gan.py --seeds 0 1 2 --json lessons/results/r3gan.json
    python benchmarks/r3gan.py --seeds 0 --steps 12000 --hidden 256 --arms rpgan-r1-r2 ns-r1-r2

Huang et al. (NeurIPS 2024) pair the relativistic loss (RpGAN) with the zero-centred R1 and
R2 penalties and report that dropping the pairing or R2 costs modes or stability. Each arm
trains ``r3gan-grid25`` (plain MLPs, Adam (0, 0.99), EMA of G, the gammas falling tenfold)
with one change: the non-saturating loss instead of the pairing (``ns-``), R1 alone
(``-r1``), no penalty at all (``ns``, ``rpgan``). By default in CPU minutes: 4,000 steps
(the recipe's schedule shrunk to them) and 128-unit layers (``--hidden``; the recipe's are
256), what lesson 11 quotes. For each seed and arm: modes captured, % high quality
(PacGAN's protocol, 2,500 samples of G's average) and the spread about the modes (harness.mode_scores), and
whether it diverged (NaN: gankit stops and restores the last good weights). A table of
means +- standard errors over the seeds follows. A script that prints figures, not a test.
"""
import sys

import harness

ARMS = {"ns": ("non-saturating", 0, 0), "ns-r1": ("non-saturating", 1, 0),
        "ns-r1-r2": ("non-saturating", 1, 1), "rpgan": ("relativistic", 0, 0),
        "rpgan-r1": ("relativistic", 1, 0), "rpgan-r1-r2": ("relativistic", 1, 1)}
LABELS = {"ns": "non-saturating, no penalty", "ns-r1": "non-saturating + R1",
          "ns-r1-r2": "non-saturating + R1 + R2", "rpgan": "relativistic, no penalty",
          "rpgan-r1": "relativistic + R1", "rpgan-r1-r2": "relativistic + R1 + R2 (R3GAN)"}


def lesson_json(args, rows):
    """What lesson 11 reads (lessons/results/r3gan.json): the rows, where they come from."""
    command = "python benchmarks/r3gan.py " + " ".join(sys.argv[1:])
    return {"source": "benchmarks/README.md, R3GAN on the grid", "command": command,
            "setting": f"grid25, {args.steps:,} steps, 3 layers of {args.hidden} units, "
                       f"seeds {', '.join(map(str, args.seeds))}; 2,500 samples of G's average",
            "arms": {a: LABELS[a] for a in args.arms}, "rows": rows}


def main():
    p = harness.parser(__doc__, seeds=(0, 1, 2), steps=4000, json=True)
    p.add_argument("--arms", nargs="+", default=list(ARMS), choices=list(ARMS))
    p.add_argument("--hidden", type=int, default=128, help="units in each of the 3 layers")
    args = harness.parse(p)
    import gankit
    from gankit.recipes import R3GAN_TOY, toy_gan

    print(harness.machine(args), flush=True)
    rows = []
    for arm in args.arms:
        loss, r1, r2 = ARMS[arm]
        options = {**R3GAN_TOY, "loss": loss, "r1": R3GAN_TOY["r1"] * r1,
                   "r2": R3GAN_TOY["r2"] * r2, "hidden": (args.hidden,) * 3,
                   "jit_compile": True}
        recipe = harness.variant("r3gan-grid25", build=lambda s, o=options: toy_gan(
            s, "grid25", "r3gan-grid25", **o), penalty_decay=0.1 if r1 or r2 else None)
        for seed in args.seeds:
            try:
                gan, report = harness.train(recipe, seed, steps=args.steps)
                scores, diverged = harness.mode_scores(gan.generate(2500, seed=seed),
                                                       "grid25"), False
            except gankit.TrainingDivergedError:
                scores, report, diverged = {"modes": 0, "hq": 0.0, "spread": float("nan")}, \
                    {"steps": 0, "wall_seconds": float("nan")}, True
            rows.append({"arm": arm, "seed": seed, "hidden": args.hidden, "steps": report["steps"],
                         "seconds": report["wall_seconds"], "diverged": diverged, **scores})
            print(f"{arm} seed {seed}: {report['steps']:,} steps in {report['wall_seconds']:.0f}"
                  f" s; {scores['modes']} modes / {scores['hq']:.1f}% / spread "
                  f"{scores['spread']:.2f}{' (diverged)' if diverged else ''}", flush=True)
    table = harness.Table("arm", "seeds", "steps", "modes", "% high quality", "spread",
                          "diverged", title="mean +- standard error over the seeds")
    for arm in args.arms:
        r = [row for row in rows if row["arm"] == arm]
        table.row(arm, ", ".join(str(row["seed"]) for row in r),
                  "/".join(f"{s:,}" for s in sorted({row["steps"] for row in r})),
                  *(harness.mean_se([row[k] for row in r]) for k in ("modes", "hq", "spread")),
                  f"{sum(row['diverged'] for row in r)} of {len(r)}")
    print(f"(spread: the median distance to the mode, in its standard deviations; the data's "
          f"own is {harness.SPREAD_OF_DATA:.2f})")
    harness.write_json(args.json, lesson_json(args, rows))


if __name__ == "__main__":
    main()

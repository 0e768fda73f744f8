"""Training on little data, watched as it goes: D's overfitting and the samples' KID.

    python benchmarks/little_data.py fashion-1pct ada-fashion-1pct --steps 8000 --every 1000
    python benchmarks/little_data.py diffaug-fashion-1pct --seeds 0 1 2 --steps 2800
    python benchmarks/little_data.py fashion-1pct ada-fashion-1pct --images 6000

Each recipe trains on its few images (600 for the *-1pct recipes; ``--images N``: N others,
N / 10 of each class, gankit.recipes.few_fashion_images) for ``--steps`` steps
(the schedule of the recipe stretched or cut to them). Every ``--every`` steps it prints
D's mean score and r_t = E[sign D(x)] on 500 of the images D trains on and on 500 real
test images it never sees (gankit.callbacks.DScores: the two part as D learns its images
by heart, the signal ADA reads), ADA's p where the recipe adapts one, and KID x1000 of
500 samples against 500 test images (gankit.callbacks.KIDMonitor: noisy, a trend). At the
end, KID x1000 and FID of 5,000 samples against 5,000 test images, as
benchmarks/recipe_quality.py scores them. A script that prints figures, not a test.
"""
import numpy as np

import harness
from recipe_quality import image_scores


def main():
    p = harness.parser(__doc__, threads=True, json=True)
    p.add_argument("recipes", nargs="+")
    p.add_argument("--every", type=int, default=500, help="steps between two readings")
    p.add_argument("--images", type=int, default=None,
                   help="train on this many images instead of the recipe's (default: its 600)")
    args = harness.parse(p)
    import gankit
    import keras

    print(harness.machine(args), flush=True)
    held_out = gankit.load_fashion_mnist("test", verbose=False)[0][-500:]
    rows = []
    for name in args.recipes:
        recipe = gankit.get_recipe(name)
        if args.images:
            recipe = harness.variant(recipe, load_data=gankit.recipes.few_fashion_images(args.images))
        for seed in args.seeds:
            x, _ = recipe.load_data(seed)
            train = x[np.random.default_rng(0).permutation(len(x))[:500]]
            watch = gankit.callbacks.DScores(train, held_out, every=args.every)
            kid = gankit.KIDMonitor(every=args.every, seed=seed)
            gan, report = harness.train(recipe, seed, steps=args.steps, callbacks=[watch, kid])
            print(f"\n{name} seed {seed}: {report['steps']:,} steps in "
                  f"{report['wall_seconds']:.0f} s ({len(x):,} training images)")
            table = harness.Table("step", "D on its images", "D on held-out", "r_t its",
                                  "r_t held-out", "KID x1000 (500)")
            for row, (step, k, _) in zip(watch.history, kid.history):
                table.row(f"{row['step']:,}", f"{row['train']:.2f}", f"{row['held_out']:.2f}",
                          f"{row['rt_train']:.2f}", f"{row['rt_held_out']:.2f}",
                          f"{1000 * k:.0f}")
            if gan.ada_p is not None:
                print(f"ADA's p at the end: {float(keras.ops.convert_to_numpy(gan.ada_p)):.3f}")
            scores = image_scores(gan)   # as benchmarks/recipe_quality.py scores recipes
            print(f"final, 5,000 samples: KID x1000 {1000 * scores['KID']:.0f}, "
                  f"FID {scores['FID']:.2f}", flush=True)
            rows.append({"recipe": name, "images": len(x), "seed": seed, "steps": report["steps"],
                         "seconds": report["wall_seconds"], "kid_x1000": 1000 * scores["KID"],
                         "fid": scores["FID"], "history": watch.history,
                         "kid_history": [(s, 1000 * k) for s, k, _ in kid.history],
                         "ada_p": None if gan.ada_p is None
                         else float(keras.ops.convert_to_numpy(gan.ada_p))})
    if len(args.seeds) > 1:
        table = harness.Table("recipe", "seeds", "steps", "KID x1000", "FID",
                              title="mean +- standard error over the seeds")
        for name in args.recipes:
            r = [row for row in rows if row["recipe"] == name]
            table.row(name, ", ".join(str(row["seed"]) for row in r), f"{r[0]['steps']:,}",
                      harness.mean_se([row["kid_x1000"] for row in r], ".0f"),
                      harness.mean_se([row["fid"] for row in r], ".2f"))
    harness.write_json(args.json, rows)


if __name__ == "__main__":
    main()

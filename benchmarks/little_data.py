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
benchmarks/recipe_quality.py scores them; and the same scores for 5,000 copies of the
training images themselves (drawn with replacement): what a G that copied its images would
score, the best a GAN can do on them without inventing. A script that prints figures, not
a test.

``--json FILE`` merges the rows into FILE, lesson 12's format (lessons/results/little_data.json):
rows of an earlier run are kept unless this run redoes them (same recipe, images and seed).
"""
import json
import os
import sys

import harness
from recipe_quality import N, image_scores


def merge_json(path, rows):
    """Lesson 12's file: ``rows`` and this command added to what ``path`` holds, earlier
    rows dropped where this run redid them."""
    if not path:
        return
    old = json.load(open(path, encoding="utf-8")) if os.path.exists(path) else {
        "source": "benchmarks/README.md, Little data: 60, 600 and 6,000 images",
        "setting": "each recipe's GAN trained for --steps steps on --images Fashion-MNIST "
                   "training images; 5,000 samples against 5,000 test images", "commands": []}
    key = lambda r: (r["recipe"], r["images"], r.get("seed"))   # noqa: E731
    redone = {key(r) for r in rows}
    old["rows"] = [r for r in old.get("rows", []) if key(r) not in redone] + rows
    old["commands"].append("python benchmarks/little_data.py " + " ".join(sys.argv[1:]))
    harness.write_json(path, old)


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
            watch = gankit.callbacks.DScores(x, held_out, every=args.every, n=500)
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
    # the recipes here share their training images: the last x loaded is everyone's
    s = gankit.evaluation.copy_scores(x, N)
    copies = {"recipe": "copies", "images": len(x), "kid_x1000": 1000 * s["KID"], "fid": s["FID"]}
    rows.append(copies)
    print(f"\n{len(x):,} copies of the training images, 5,000 of them: KID x1000 "
          f"{copies['kid_x1000']:.0f}, FID {copies['fid']:.2f}")
    merge_json(args.json, rows)


if __name__ == "__main__":
    main()

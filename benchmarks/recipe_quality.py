"""Train a recipe (its own steps, or ``--steps``; ``--minutes`` caps the time) and print
how good it got.

    python benchmarks/recipe_quality.py dcgan-fashion cgan-fashion --seeds 0
    python benchmarks/recipe_quality.py dcgan-fashion --steps 5600 --seeds 0
    python benchmarks/recipe_quality.py cgan-fashion --minutes 5 --seeds 0 1 2 --rejection

For image recipes: every score of gankit.metrics (FID, KID, IS-style, precision, recall,
density, coverage) against 5,000 real test images in the feature space of the course's
evaluation classifier, next to the real-vs-real and noise-vs-real references and the
untrained generator; ``confident``, the share of samples the classifier names with a
probability of at least 0.9 (lesson 04's "named with confidence"; real test images too); for
conditional recipes also the share of samples the classifier puts in the class asked for;
with ``--rejection`` the same scores again for samples kept by discriminator rejection
sampling. For 2D recipes: modes captured and % high-quality
samples by the PacGAN protocol (2,500 samples) and their spread (harness.mode_scores), and,
for the cross-entropy losses, modes and high quality with discriminator rejection sampling
(``gan.generate(..., rejection=True)``). With several seeds, a table of each
score's mean +- standard error over them. A script that prints figures, not a test.
"""
import harness

N = 5000
CONFIDENT = 0.9


def image_scores(gan, rejection=False):
    """Every score of N samples against N real test images (as gankit.evaluation.score_images
    gives them), and the share of them the classifier names with confidence."""
    import gankit

    images, labels = gankit.evaluation.sample(gan, N, seed=2, rejection=rejection)
    real_features = gankit.metrics.real_test_set("fashion-mnist", N)[0]
    features, probs = gankit.metrics.classify(images)
    return {**gankit.evaluation.score_features(real_features, features, probs, labels),
            "confident": float((probs.max(1) >= CONFIDENT).mean())}


def point_scores(gan, dataset, seed):
    """Modes, % high quality and spread of 2,500 samples, and modes and % high quality
    with rejection sampling where D's logit allows it (the cross-entropy losses)."""
    import gankit
    from gankit.rejection import can_reject

    s = harness.mode_scores(gan.generate(2500, seed=seed), dataset)
    row = {"modes": s["modes"], "high_quality_%": s["hq"], "spread": s["spread"]}
    if can_reject(gan):
        s = gankit.mode_stats(gan.generate(2500, seed=seed, rejection=True), dataset)
        row.update({"rejection modes": s["modes"],
                    "rejection high_quality_%": 100 * s["high_quality"]})
    return row


def main():
    p = harness.parser(__doc__, threads=True, json=True)
    p.add_argument("recipes", nargs="+")
    p.add_argument("--minutes", type=float, default=None, help="a cap on the time (default none)")
    p.add_argument("--rejection", action="store_true",
                   help="image recipes: also score samples kept by rejection sampling")
    args = harness.parse(p)
    import gankit

    print(f"{harness.machine(args)}; steps {args.steps or 'of the recipe'}, "
          f"time cap {args.minutes} min")
    if any(gankit.get_recipe(name).kind == "images" for name in args.recipes):
        # what the image scores mean: real against real, noise against real
        ref = gankit.evaluation.reference("fashion-mnist", N)
        for name, scores in ref.scores.items():
            print(f"reference, {name}: " + ", ".join(f"{k} {v:.4g}" for k, v in scores.items()))
        print(f"reference: the classifier names {(ref.probs.max(1) >= CONFIDENT).mean():.1%} of "
              f"the real test images with confidence >= {CONFIDENT}")
    out = []
    for name in args.recipes:
        recipe = gankit.get_recipe(name)
        rows = []
        for seed in args.seeds:
            if recipe.kind == "images":
                untrained = image_scores(recipe.build(seed))
            gan, report = harness.train(name, seed, steps=args.steps, minutes=args.minutes)
            if recipe.kind == "images":
                row = image_scores(gan)
                if args.rejection:
                    row.update({f"rejection {k}": v
                                for k, v in image_scores(gan, rejection=True).items()})
                extra = f", untrained FID {untrained['FID']:.1f}"
            else:
                row, extra = point_scores(gan, recipe.dataset, seed), ""
            rows.append(row)
            out.append({**report, **row})
            figures = ", ".join(f"{k} {v:.4g}" for k, v in row.items())
            print(f"{name} seed {seed}: {report['steps']} steps in {report['seconds']:.0f} s, "
                  f"{report['samples_per_second']:.0f} samples/s; {figures}{extra}", flush=True)
        if len(rows) > 1:
            table = harness.Table("recipe", "seeds", *rows[0],
                                  title=f"{name}, mean +- standard error over the seeds")
            table.row(name, ", ".join(map(str, args.seeds)),
                      *(harness.mean_se([r[k] for r in rows], ".4g", ".2g") for k in rows[0]))
    harness.write_json(args.json, out)


if __name__ == "__main__":
    main()

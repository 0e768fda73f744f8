"""Controlling what a GAN makes: ACGAN against the conditional GAN, and InfoGAN's codes.

    python benchmarks/control.py --minutes 5 --seeds 0 1 2
    python benchmarks/control.py --steps 2000 --only acgan --options '{"class_weight": 0.5}'

Every run trains through ``gankit.train_recipe``. With ``--minutes`` each recipe trains
as ``python -m gankit train`` does (its own steps, the time capped at that budget); with
``--steps`` for that number of generator steps instead, which compares variants fairly on
a busy machine: a variant of the recipe (harness.variant, the recipe's data and batch)
whose builder in gankit.recipes gets ``--options`` as keyword arguments.

Printed per run:

- cgan-fashion and acgan-fashion: class accuracy (the share of 5,000 samples, classes
  drawn uniformly, that the course classifier puts in the class asked for), KID and FID
  against 5,000 real test images (the course classifier's features), and for ACGAN the
  accuracy of its own D's class head on the real test images;
- infogan-fashion and infogan-digits: how well Q's categorical code clusters the *real*
  test images (accuracy after the best one-to-one matching of codes to classes, purity,
  NMI; gankit.infogan.cluster_scores), the same for generated images (code asked for
  against the course classifier's class), KID, and for each continuous code the visible
  property it moves most (gankit.infogan.code_effects: the correlation of the code with
  the property within traversals, 200 rows of 5 steps) and how far, in standard deviations
  over real test images (gankit.infogan.code_moves), and how much z varies each code's
  samples against real images of its matched class (gankit.infogan.code_diversity).
  Chance accuracy is about 0.1.

Then a table per recipe of each score's mean +- standard error over the seeds.

A script that prints figures, not a test.
"""
import json

import numpy as np

import gankit
import harness
from gankit import evaluation, infogan, metrics, recipes

RUNS = {  # name -> (recipe, builder for --steps)
    "cgan": ("cgan-fashion", lambda s, **o: recipes.cgan_fashion(s, **o)),
    "acgan": ("acgan-fashion", lambda s, **o: recipes.acgan_fashion(s, **o)),
    "infogan-fashion": ("infogan-fashion", lambda s, **o: recipes.info_gan(
        s, "fashion-mnist", "infogan-fashion", **o)),
    "infogan-digits": ("infogan-digits",
                       lambda s, **o: recipes.info_gan(s, "digits8", "infogan-digits",
                                                       **{**recipes.INFO_DIGITS, **o})),
}


def train(what, seed, minutes=None, steps=None, options=None):
    """Train one run through train_recipe: the recipe itself for ``minutes``, or for
    ``steps`` a variant built with ``options``; returns (gan, steps done, seconds)."""
    recipe_name, build = RUNS[what]
    recipe = (recipe_name if minutes is not None else
              harness.variant(recipe_name, build=lambda s: build(s, **(options or {}))))
    gan, report = harness.train(recipe, seed, steps=steps, minutes=minutes)
    return gan, report["steps"], report["seconds"]


def score_conditional(gan):
    images, labels = evaluation.sample(gan, 5000, seed=2)
    real = metrics.real_test_set("fashion-mnist", 5000)
    scores = evaluation.score_images(images, real[0], labels=labels)
    out = {"class accuracy": scores["class_accuracy"], "KID": scores["KID"], "FID": scores["FID"]}
    if isinstance(gan, gankit.ACGAN):
        x, y = gankit.load_fashion_mnist("test", verbose=False)
        out["D's class head on real test images"] = float(np.mean(gan.classify(x).argmax(1) == y))
    return out


def continuous_effects(gan):
    """For each continuous code: (property, correlation) with the largest |correlation|
    between the code's value and a visible property of the image, within traversals
    (gankit.infogan.code_effects: 200 rows of 5 steps from -1 to 1)."""
    if not gan.continuous:
        return []
    effects = infogan.code_effects(gan, rows=200, steps=5, seed=4)
    return [max(((k, float(v[i])) for k, v in effects.items()), key=lambda kv: abs(kv[1]))
            for i in range(gan.continuous)]


def score_infogan(gan):
    dataset = gan.info["dataset"]
    if dataset == "digits8":
        x, y = gankit.load_digits8(verbose=False, split="test")
    else:
        x, y = gankit.load_fashion_mnist("test", verbose=False)
    probs, _ = gan.recover_codes(x)
    real = infogan.cluster_scores(y, probs.argmax(1))
    n = metrics.max_n(dataset)
    codes = gan.random_codes(n, seed=2)
    images = gan.generate(n, codes=codes, seed=3)
    feats, class_probs = metrics.classify(images, dataset)
    made = infogan.cluster_scores(class_probs.argmax(1), codes[:, 0].astype(int))
    kid = metrics.kernel_inception_distance(metrics.real_test_set(dataset, n)[0], feats)[0]
    spread = infogan.code_diversity(gan, x, y, real["mapping"], n=100, seed=5)
    ratio = spread[:, 0] / spread[:, 1]
    out = {"real: accuracy": real["accuracy"], "real: purity": real["purity"],
           "real: NMI": real["nmi"], "generated: accuracy": made["accuracy"], "KID": kid,
           "z spread / real class's, lowest code": float(np.nanmin(ratio)),
           "z spread / real class's, mean": float(np.nanmean(ratio))}
    moves = (infogan.code_moves(gan, x, rows=200, steps=5, span=1.0, seed=4) if gan.continuous
             else {})
    for i, (prop, corr) in enumerate(continuous_effects(gan)):
        out[f"code {i + 1}"] = f"{prop} (r = {corr:+.2f}, moves {moves[prop][i]:+.2f} real SD)"
        out[f"code {i + 1}: largest move (real SD)"] = float(max(abs(v[i]) for v in moves.values()))
    return out


def main():
    p = harness.parser(__doc__, steps=None, threads=True)
    budget = p.add_mutually_exclusive_group(required=True)
    budget.add_argument("--minutes", type=float, help="wall-clock budget per recipe")
    budget.add_argument("--steps", type=int, help="generator steps per run (for tuning)")
    p.add_argument("--only", nargs="+", choices=list(RUNS), default=list(RUNS))
    p.add_argument("--options", default="{}", help="with --steps: builder keywords, as JSON")
    args = harness.parse(p)
    options = {k: tuple(v) if isinstance(v, list) else v
               for k, v in json.loads(args.options).items()}
    if options and args.minutes is not None:
        p.error("--options changes a builder, so it goes with --steps, not a recipe's --minutes")
    results = {}
    for what in args.only:
        for seed in args.seeds:
            gan, steps, seconds = train(what, seed, args.minutes, args.steps, options)
            scores = (score_infogan(gan) if isinstance(gan, gankit.InfoGAN)
                      else score_conditional(gan))
            results.setdefault(what, []).append(scores)
            text = ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                             for k, v in scores.items())
            print(f"{RUNS[what][0]} seed {seed} {args.options if options else ''}: "
                  f"{steps:,} steps in {seconds:.0f} s; {text}", flush=True)
    for what, rows in results.items():
        keys = [k for k, v in rows[0].items() if isinstance(v, float)]
        harness.Table("recipe", "seeds", *keys, title="mean +- standard error over the seeds").row(
            RUNS[what][0], ", ".join(map(str, args.seeds)),
            *(harness.mean_se([r[k] for r in rows], ".4g", ".2g") for k in keys))

if __name__ == "__main__":
    main()

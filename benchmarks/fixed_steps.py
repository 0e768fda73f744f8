"""Compare recipe variants at a fixed number of generator steps (not a time budget).

    python benchmarks/fixed_steps.py cgan 2000 --seed 0 --options '{"loss": "hinge"}'
    python benchmarks/fixed_steps.py ring8 12000 --seed 0 --options '{"hidden": [128, 128, 128]}' \\
        --batch 256 --steps-per-execution 20 --decay-from 0.5 --rejection
    python benchmarks/fixed_steps.py ring8 8000 --seeds 0 1 2 --options '{"loss": "minimax"}'

Counting steps instead of seconds lets variants be compared on a busy machine (other
jobs slow every run down, but not equally); what a recipe reaches in a time budget on an
idle machine is benchmarks/recipe_quality.py's job. Each run is a variant of a recipe
(harness.variant) trained through gankit.train_recipe on the recipe's data:

- ``cgan``: cgan-fashion's data and batch (64), built by
  gankit.recipes.fashion_gan(conditional=True, **options), which leaves out the recipe's
  average of G's weights and XLA unless the options ask for them; prints class accuracy
  along the way and every image score at the end;
- ``ring8``/``grid25``: gan-ring8's / gan-grid25's data (100,000 points), built by
  gankit.recipes.toy_gan(**options) (PacGAN's baseline unless the options change it),
  batch 100; prints modes / % high quality by the PacGAN protocol along the way, at the end
  also the distance of samples to their mode (harness.distances_to_modes), and with
  ``--rejection`` modes / % high quality after discriminator rejection sampling (Azadi et
  al. 2019).

``--batch`` changes the batch. The schedule is the variant's own, which train_recipe
follows as it does a recipe's (Recipe.decay_from, decay_to, r1): ``--decay-from F`` lets
the learning rates fall from F of the steps on, to ``--decay-to`` times their value;
``--r1 GAMMA`` adds a lazy R1 penalty on D (gankit.LazyR1), on until ``--r1-until`` of the
steps (the best-* recipes: 0.01 to the end). With several seeds, a table of means +-
standard errors at the end. A script that prints figures, not a test.
"""
import json

import numpy as np

import gankit
import harness
from gankit import recipes

BASES = {"cgan": "cgan-fashion", "ring8": "gan-ring8", "grid25": "gan-grid25"}


class Reports(gankit.StepBudget):
    """Prints ``report(gan)`` every ``every`` steps of a run of ``steps`` (a StepBudget of
    the run's own steps, so it stops with train_recipe's)."""

    def __init__(self, steps, every, report):
        super().__init__(steps)
        self.every, self.report, self._next = every, report, every

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if self.steps >= self._next and self.steps < self.total:
            self._next += self.every
            print(f"  step {self.steps}: {self.report(self.model)}", flush=True)


def class_accuracy(gan):
    images, labels = gankit.evaluation.sample(gan, 5000, seed=2)
    text = f"class accuracy {100 * gankit.metrics.class_accuracy(images, labels):.1f}%"
    if gan.ema_generator is not None:  # the same run without the weight average
        raw = gan.generate(5000, labels=labels, seed=2, average=False)
        text += f" ({100 * gankit.metrics.class_accuracy(raw, labels):.1f}% without EMA)"
    return text


def modes(gan, dataset, seed):
    s = harness.mode_scores(gan.generate(2500, seed=seed), dataset)
    return f"modes {s['modes']}, high quality {s['hq']:.1f}%"


def variant(args, options):
    """The recipe variant that the arguments describe."""
    if args.what == "cgan":
        def build(seed):
            return recipes.fashion_gan(seed, conditional=True, name="cgan-fashion", **options)
    else:
        def build(seed):
            return recipes.toy_gan(seed, args.what, steps_per_execution=args.steps_per_execution,
                                   **options)
    changes = {"build": build, "decay_from": args.decay_from, "decay_to": args.decay_to,
               "r1": (args.r1, args.r1_until) if args.r1 else None}
    if args.batch:
        changes["batch_size"] = args.batch
    return harness.variant(BASES[args.what], **changes)


def run(args, options, seed):
    """Train one seed and print its figures; returns them for the table over seeds."""
    recipe = variant(args, options)
    report = class_accuracy if args.what == "cgan" else (lambda gan: modes(gan, args.what, seed))
    reports = Reports(args.steps, args.every or max(1, args.steps // 4), report)
    gan, done = harness.train(recipe, seed, steps=args.steps, callbacks=[reports], out=args.save)
    print(f"{args.what} seed {seed} {args.options} batch {recipe.batch_size} decay "
          f"{args.decay_from} to {args.decay_to}"
          f"{f' lazy R1 {args.r1} until {args.r1_until}' if args.r1 else ''}: "
          f"{done['steps']} steps in {done['seconds']:.0f} s", flush=True)
    if args.what == "cgan":
        images, labels = gankit.evaluation.sample(gan, 5000, seed=2)
        real = gankit.metrics.real_test_set("fashion-mnist", 5000)[0]
        scores = gankit.evaluation.score_images(images, real, labels=labels)
        print("  " + ", ".join(f"{k} {v:.4g}" for k, v in scores.items()))
        return scores
    points = gan.generate(2500, seed=seed)
    s = harness.mode_scores(points, args.what)
    print(f"  modes {s['modes']}, high quality {s['hq']:.1f}%")
    dist = harness.distances_to_modes(points, args.what)
    print("  distance to the nearest mode in standard deviations, 50/80/90/95/99th "
          f"percentiles: {np.round(np.percentile(dist, [50, 80, 90, 95, 99]), 2)} "
          "(real data: 1.18, 1.79, 2.15, 2.45, 3.03)")
    if args.rejection:
        r = harness.mode_scores(gan.generate(2500, seed=seed, rejection=True), args.what)
        print(f"  with rejection sampling: modes {r['modes']}, high quality {r['hq']:.1f}%")
        s.update({"rejection modes": r["modes"], "rejection hq": r["hq"]})
    return s


def main():
    p = harness.parser(__doc__, steps=None)
    p.add_argument("what", choices=list(BASES))
    p.add_argument("steps", type=int)
    p.add_argument("--options", default="{}", help="keyword arguments of the builder, as JSON")
    p.add_argument("--batch", type=int, default=None,
                   help="default: the recipe's (cgan 64, ring8/grid25 100)")
    p.add_argument("--steps-per-execution", type=int, default=1, help="ring8/grid25")
    p.add_argument("--decay-from", type=float, default=None)
    p.add_argument("--decay-to", type=float, default=0.0, help="the rates fall to this "
                   "fraction of their value (default 0)")
    p.add_argument("--rejection", action="store_true")
    p.add_argument("--save", help="save the trained GAN to this .keras file (the last seed's)")
    p.add_argument("--r1", type=float, default=0.0, help="gamma of a lazy R1 penalty "
                   "(ring8/grid25; 0 = off)")
    p.add_argument("--r1-until", type=float, default=1.0, help="R1 is off from this "
                   "fraction of the steps on (1 = on to the end)")
    p.add_argument("--every", type=int, default=None, help="report every this many steps "
                   "(default: 4 reports)")
    args = harness.parse(p)
    if args.r1 and args.what == "cgan":
        p.error("--r1 is for ring8 and grid25 (an unconditional D on points).")
    options = {k: tuple(v) if isinstance(v, list) else v
               for k, v in json.loads(args.options).items()}
    rows = [run(args, options, seed) for seed in args.seeds]
    if len(rows) > 1:
        if args.what == "cgan":
            cells = [harness.mean_se([r[k] for r in rows], ".4g", ".2g") for k in rows[0]]
        else:
            cells = [harness.mean_se([r[k] for r in rows], ".2f" if k == "spread" else ".1f")
                     for k in rows[0]]
        names = {"hq": "% high quality", "rejection modes": "with rejection: modes",
                 "rejection hq": "% high quality"}
        harness.Table("variant", "seeds", *(names.get(k, k) for k in rows[0]),
                      title="mean +- standard error over the seeds"
                      ).row(f"{args.what} {args.options}", ", ".join(map(str, args.seeds)), *cells)


if __name__ == "__main__":
    main()

"""Compare recipe variants at a fixed number of generator steps (not a time budget).

    python benchmarks/fixed_steps.py cgan 2000 --seed 0 --options '{"loss": "hinge"}'
    python benchmarks/fixed_steps.py ring8 12000 --seed 0 --options '{"hidden": [128, 128, 128]}' \
        --batch 256 --steps-per-execution 20 --decay-from 0.5 --rejection

Counting steps instead of seconds lets variants be compared on a busy machine (other
jobs slow every run down, but not equally); what a variant reaches in a time budget
on an idle machine is benchmarks/recipe_quality.py's job. ``cgan`` trains
gankit.recipes.fashion_gan(conditional=True, **options) with batch 64 and prints
class accuracy and the image scores; ``ring8``/``grid25`` train
gankit.recipes.toy_gan(**options) and print modes / % high quality by the PacGAN
protocol, the distance of samples to their mode, and with ``--rejection`` the same
after discriminator rejection sampling (Azadi et al. 2019). ``--r1 GAMMA`` adds a lazy
R1 penalty on D (gankit.LazyR1), on until ``--r1-until`` of the steps (the best-grid25
recipe: 0.01 until 0.5). A script that prints figures, not a test.
"""
import argparse
import json
import time

import numpy as np

import gankit
from gankit import recipes


class StepBudget(gankit.StepBudget):
    """gankit.StepBudget that also prints ``report()`` every ``every`` steps."""

    def __init__(self, steps, every=None, report=None):
        super().__init__(steps)
        self.every, self.report = every, report
        self._next = every

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if self.every and self.steps >= self._next and self.steps < self.total:
            self._next += self.every
            print(f"  step {self.steps}: {self.report()}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("what", choices=["cgan", "ring8", "grid25"])
    p.add_argument("steps", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--options", default="{}", help="keyword arguments of the builder, as JSON")
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--steps-per-execution", type=int, default=1)
    p.add_argument("--decay-from", type=float, default=None)
    p.add_argument("--decay-to", type=float, default=0.0, help="the rates fall to this "
                   "fraction of their value (default 0)")
    p.add_argument("--rejection", action="store_true")
    p.add_argument("--save", help="save the trained GAN to this .keras file")
    p.add_argument("--r1", type=float, default=0.0, help="gamma of a lazy R1 penalty "
                   "(ring8/grid25; 0 = off)")
    p.add_argument("--r1-until", type=float, default=1.0, help="R1 is off from this "
                   "fraction of the steps on (1 = on to the end)")
    p.add_argument("--every", type=int, default=None, help="report every this many steps "
                   "(default: 4 reports)")
    args = p.parse_args()
    opts = {k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(args.options).items()}
    gankit.seed_everything(args.seed)
    if args.what == "cgan":
        x, y = gankit.load_fashion_mnist("train", verbose=False)
        data, batch = (x, y), args.batch or 64
        gan = recipes.fashion_gan(args.seed, conditional=True, name="cgan-fashion", **opts)

        def report():
            images, labels = gankit.metrics.sample(gan, 5000, seed=2)
            text = f"class accuracy {100 * gankit.metrics.class_accuracy(images, labels):.1f}%"
            if gan.ema_generator is not None:  # the same run without the weight average
                raw = gan.generate(5000, labels=labels, seed=2, average=False)
                text += f" ({100 * gankit.metrics.class_accuracy(raw, labels):.1f}% without EMA)"
            return text
    else:
        data, batch = (gankit.load(args.what, n=100_000, seed=args.seed),), args.batch or 100
        gan = recipes.toy_gan(args.seed, args.what, steps_per_execution=args.steps_per_execution,
                              **opts)

        def report():
            s = gankit.mode_stats(gan.generate(2500, seed=args.seed), args.what)
            return f"modes {s['modes']}, high quality {100 * s['high_quality']:.1f}%"
    budget = StepBudget(args.steps, every=args.every or max(1, args.steps // 4), report=report)
    cbs = [budget]
    if args.decay_from is not None:
        cbs.append(gankit.DecayLearningRates(budget, start=args.decay_from, to=args.decay_to))
    if args.r1:
        if args.what == "cgan":
            raise SystemExit("--r1 is for ring8 and grid25 (an unconditional D on points).")
        cbs.append(gankit.LazyR1(data[0], args.r1, budget, until=args.r1_until,
                                 batch_size=batch, seed=args.seed))
    start = time.perf_counter()
    gan.fit(*data, batch_size=batch, epochs=1_000_000, shuffle=True, verbose=0, callbacks=cbs)
    seconds = time.perf_counter() - start
    if args.save:
        gan.save(args.save)
    print(f"{args.what} seed {args.seed} {args.options} batch {batch} decay {args.decay_from}"
          f" to {args.decay_to}"
          f"{f' lazy R1 {args.r1} until {args.r1_until}' if args.r1 else ''}: "
          f"{args.steps} steps in {seconds:.0f} s", flush=True)
    if args.what == "cgan":
        images, labels = gankit.metrics.sample(gan, 5000, seed=2)
        real = gankit.metrics.real_test_set("fashion-mnist", 5000)[0]
        scores = gankit.metrics.score_images(images, real, labels=labels)
        print("  " + ", ".join(f"{k} {v:.4g}" for k, v in scores.items()))
        return
    print("  " + report())
    pts = gan.generate(2500, seed=args.seed)
    centres, std = gankit.data.MIXTURES[args.what]
    dist = np.sqrt(((pts[:, None] - centres[None]) ** 2).sum(-1)).min(1) / std
    print("  distance to the nearest mode in standard deviations, 50/80/90/95/99th "
          f"percentiles: {np.round(np.percentile(dist, [50, 80, 90, 95, 99]), 2)} "
          "(real data: 1.18, 1.79, 2.15, 2.45, 3.03)")
    if args.rejection:
        s = gankit.mode_stats(gan.generate(2500, seed=args.seed, rejection=True), args.what)
        print(f"  with rejection sampling: modes {s['modes']}, "
              f"high quality {100 * s['high_quality']:.1f}%")


if __name__ == "__main__":
    main()

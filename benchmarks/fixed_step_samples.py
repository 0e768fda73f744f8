"""Does a change to gankit's training code change what the recipes learn? Train every
recipe for a few steps from seed 0 and save its samples; run it on two commits and compare.

    git stash / checkout OLD; GANKIT_SMOKE=1 python benchmarks/fixed_step_samples.py old.npz
    git checkout NEW;          GANKIT_SMOKE=1 python benchmarks/fixed_step_samples.py new.npz
    python benchmarks/fixed_step_samples.py --compare old.npz new.npz

GANKIT_SMOKE=1 keeps XLA off (the same graph on both sides, and no compile time); the data
is not shuffled, so both runs see the same batches. Bit-identical samples mean the change
left the recipes' measured quality exactly as it was.
"""
import argparse
import os
import sys

import numpy as np

STEPS = {"gan-ring8": 600, "best-grid25": 600, "dcgan-fashion": 60, "cgan-fashion": 40,
         "acgan-fashion": 40, "infogan-digits": 100, "pix2pix-outlines": 30,
         "cyclegan-outlines": 20, "dvdgan-sprites": 10, "lapgan-fashion": 20}


def samples(name, steps):
    import gankit
    from gankit import recipes

    recipe = recipes.get_recipe(name)
    gankit.seed_everything(0)
    x, y = recipe.load_data(0)
    gan = recipe.build(0)
    budget = gankit.StepBudget(steps)
    pairs = getattr(gan, "conditional", False) or getattr(gan, "translates", False)
    data = (x, y) if y is not None and pairs else (x,)
    if recipe.kind == "points":
        data = tuple(a[:20_000] for a in data)
    gan.fit(*data, batch_size=recipe.batch_size, epochs=1000, shuffle=False, verbose=0,
            callbacks=[budget, *recipe.schedule(budget, x, 0)])
    if hasattr(gan, "translate"):
        return gan.translate(data[0][:16])
    if hasattr(gan, "sample_arrays"):
        return gan.sample_arrays(8, seed=1)["images"]
    return gan.generate(16, seed=1)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", nargs="?", help="an .npz file to write the samples to")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"))
    args = p.parse_args(argv)
    if args.compare:
        a, b = (np.load(f) for f in args.compare)
        for name in a.files:
            print(f"{name:<18} largest difference {float(np.abs(a[name] - b[name]).max()):.3g}")
        return 0
    os.environ.setdefault("GANKIT_OFFLINE", "1")
    np.savez(args.out, **{name: samples(name, steps) for name, steps in STEPS.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

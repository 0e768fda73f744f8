"""How long one training step of a recipe takes, with and without XLA.

    python benchmarks/step_time.py cgan-fashion --steps 300
    python benchmarks/step_time.py cgan-fashion --steps 300 --jit-compile
    python benchmarks/step_time.py best-grid25 --steps 2000 --jit-compile --schedule

Builds the recipe, recompiles it with ``jit_compile`` as asked, times the first 20
steps (tracing and compiling included) and then ``--steps`` more (the steady state).
``--schedule`` trains the steady state with the recipe's schedule (Recipe.schedule: the
learning rates' decay and, for best-grid25, the lazy R1 steps, compiled in the warm-up),
to see what it costs.
Run it on an otherwise idle machine. A script that prints figures, not a test.
"""
import argparse
import time

import numpy as np

import gankit


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("recipe")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--jit-compile", action="store_true", help="compile the step with XLA")
    p.add_argument("--schedule", action="store_true",
                   help="train with the recipe's schedule (decaying rates, R1)")
    args = p.parse_args()
    recipe = gankit.get_recipe(args.recipe)
    gankit.seed_everything(0)
    x, y = recipe.load_data(0)
    gan = recipe.build(0)
    # keep the recipe's own compile settings (the 2D recipes run 20 steps per call)
    settings = {k: v for k, v in gan.get_compile_config().items() if not k.endswith("optimizer")}
    gan.compile(gan.d_optimizer, gan.g_optimizer, **{**settings, "jit_compile": args.jit_compile})
    def data(n):  # exactly n examples, the dataset repeated if it is smaller
        idx = np.arange(n) % len(x)
        return (x[idx], y[idx]) if gan.conditional and y is not None else (x[idx],)
    b = recipe.batch_size
    t0 = time.perf_counter()
    gan.fit(*data(b * 20), batch_size=b, epochs=1, verbose=0)
    callbacks = []
    if args.schedule:
        budget = gankit.StepBudget(args.steps)
        callbacks = [budget, *recipe.schedule(budget, x)]  # LazyR1 compiles at its first step
    t1 = time.perf_counter()
    gan.fit(*data(b * args.steps), batch_size=b, epochs=1, verbose=0, callbacks=callbacks)
    t2 = time.perf_counter()
    print(f"{args.recipe}, jit_compile={args.jit_compile}"
          f"{', with its schedule' if args.schedule else ''}: first 20 steps {t1 - t0:.1f} s, "
          f"then {1000 * (t2 - t1) / args.steps:.0f} ms/step")


if __name__ == "__main__":
    main()

"""Train a recipe for a wall-clock budget and print how good it got.

    python benchmarks/recipe_quality.py dcgan-fashion cgan-fashion --minutes 5 --seeds 0

For image recipes: FID and KID against 5,000 real test images in the feature space of
the course's evaluation classifier, next to the real-vs-real floor and the untrained
generator; for conditional recipes also the share of samples the classifier puts in
the class asked for. For 2D recipes: modes captured and % high-quality samples by the
PacGAN protocol (2,500 samples). A script that prints figures, not a test.
"""
import argparse
import os
import platform

import gankit
import numpy as np

N = 5000


def image_scores(gan, f_test):
    rng = np.random.default_rng(1)
    labels = rng.integers(10, size=N) if gan.conditional else None
    f_fake, probs = gankit.metrics.classify(gan.generate(N, labels=labels, seed=2))
    row = {"FID": gankit.metrics.frechet_distance(f_test, f_fake),
           "KID": gankit.metrics.kernel_inception_distance(f_test, f_fake)[0]}
    if gan.conditional:
        row["class_acc"] = float((probs.argmax(1) == labels).mean())
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("recipes", nargs="+")
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = p.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; budget {args.minutes} min")
    x_test, y_test = gankit.load_fashion_mnist("test", verbose=False)
    x_train, _ = gankit.load_fashion_mnist("train", n=N, verbose=False)
    f_test, _ = gankit.metrics.classify(x_test[:N])
    f_train, _ = gankit.metrics.classify(x_train)
    print(f"reference: real train vs real test FID "
          f"{gankit.metrics.frechet_distance(f_test, f_train):.2f}, KID "
          f"{gankit.metrics.kernel_inception_distance(f_test, f_train)[0]:.4f}; "
          f"classifier accuracy on real test {gankit.metrics.class_accuracy(x_test, y_test):.3f}")
    for name in args.recipes:
        recipe = gankit.get_recipe(name)
        for seed in args.seeds:
            if recipe.kind == "images":
                untrained = image_scores(recipe.build(seed), f_test)
            gan, report = gankit.train_recipe(name, minutes=args.minutes, seed=seed, progress=False)
            if recipe.kind == "images":
                row = image_scores(gan, f_test)
                extra = f", untrained FID {untrained['FID']:.1f}"
            else:
                s = gankit.mode_stats(gan.generate(2500, seed=seed), recipe.dataset)
                row = {"modes": s["modes"], "high_quality_%": 100 * s["high_quality"]}
                extra = ""
            figures = ", ".join(f"{k} {v:.4g}" for k, v in row.items())
            print(f"{name} seed {seed}: {report['steps']} steps, "
                  f"{report['samples_per_second']:.0f} samples/s; {figures}{extra}", flush=True)


if __name__ == "__main__":
    main()

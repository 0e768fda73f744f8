"""LAPGAN on Fashion-MNIST at a fixed number of steps (seed 0 unless ``--seeds``): KID of
its samples, and KID of *real* 7x7 thumbnails given its detail levels, which separates the
thumbnail GAN from the detail GANs (lesson 14).

    python benchmarks/lapgan.py 560 '{"detail_content_weight": 0}' '{"detail_content_weight": 10}'
    python benchmarks/lapgan.py 560 '{"detail_content_weight": 10}' --seeds 0 1 2

Each JSON object is passed to gankit.recipes.lapgan_fashion (e.g. detail_content_weight,
lr, base_filters): a variant of the lapgan-fashion recipe, trained through
gankit.train_recipe. Two references: real thumbnails enlarged with no details at all (what
the detail levels must beat), and real images (KID's floor at this size). KID against
1,000 real test images, on 1,000 images each; with several seeds, a table of means +-
standard errors. A script that prints figures, not a test.
"""
import json

import numpy as np
from keras import ops

import gankit
import harness
from gankit.lapgan import grow, laplacian_pyramid
from gankit.recipes import lapgan_fashion

N = 1000


def add_details(gan, small):
    image = small
    for level in gan.levels[1:]:
        enlarged = ops.convert_to_numpy(grow(image))
        image = np.clip(enlarged + level.translate(enlarged), -1, 1)
    return image


def main():
    p = harness.parser(__doc__, steps=None, threads=True)
    p.add_argument("steps", type=int, help="steps of each level")
    p.add_argument("configs", nargs="*", type=json.loads, default=[{}],
                   help="keyword arguments of lapgan_fashion, as JSON (default: the recipe)")
    args = harness.parse(p)
    x, _ = gankit.load_fashion_mnist("train", verbose=False)
    xt, _ = gankit.load_fashion_mnist("test", verbose=False)
    real = gankit.metrics.real_test_set("fashion-mnist", N)
    _, thumbs = laplacian_pyramid(xt[-N:])  # other test images than real_test_set's, mostly

    def kid(images):
        return gankit.evaluation.score_images(np.clip(images, -1, 1), real[0])["KID"]

    print(f"seeds {', '.join(map(str, args.seeds))}, {args.steps} steps of each level, "
          f"KID on {N} images")
    print(f"{'real thumbnails, enlarged, no details':<58} {kid(grow(grow(thumbs))):.3f}")
    print(f"{'real test images':<58} {kid(xt[-N:]):.3f}", flush=True)
    results = []
    for config in args.configs:
        recipe = harness.variant("lapgan-fashion", load_data=lambda s: (x, None),
                                 build=lambda s, c=config: lapgan_fashion(s, **c))
        scores = []
        for seed in args.seeds:
            gan, report = harness.train(recipe, seed, steps=args.steps)
            scores.append((kid(gan.generate(N, seed=3)), kid(add_details(gan, thumbs))))
            print(f"{json.dumps(config):<40} samples {scores[-1][0]:.3f}   real thumbnails "
                  f"+ details {scores[-1][1]:.3f}   ({report['seconds']:.0f} s, seed {seed})",
                  flush=True)
        results.append((config, np.array(scores)))
    if len(args.seeds) > 1:
        table = harness.Table("options", "samples", "real thumbnails + details",
                              title="KID, mean +- standard error over the seeds")
        for config, scores in results:
            table.row(json.dumps(config), harness.mean_se(scores[:, 0], ".3f"),
                      harness.mean_se(scores[:, 1], ".3f"))


if __name__ == "__main__":
    main()

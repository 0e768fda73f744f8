"""LAPGAN on Fashion-MNIST at a fixed number of steps (seed 0): KID of its samples, and
KID of *real* 7x7 thumbnails given its detail levels, which separates the thumbnail GAN
from the detail GANs (lesson 12).

    python benchmarks/lapgan.py 560 '{"detail_content_weight": 0}' '{"detail_content_weight": 10}'

Each JSON object is passed to gankit.recipes.lapgan_fashion (e.g. detail_content_weight,
lr, base_filters). Two references: real thumbnails enlarged with no details at all (what
the detail levels must beat), and real images (KID's floor at this size). KID against
1,000 real test images, on 1,000 images each. A script that prints figures, not a test.
"""
import json
import sys
import time

import numpy as np
from keras import ops

import gankit
from gankit.lapgan import grow, laplacian_pyramid
from gankit.recipes import lapgan_fashion

STEPS, CONFIGS, N = int(sys.argv[1]), [json.loads(a) for a in sys.argv[2:]] or [{}], 1000
x, _ = gankit.load_fashion_mnist("train", verbose=False)
xt, _ = gankit.load_fashion_mnist("test", verbose=False)
real = gankit.metrics.real_test_set("fashion-mnist", N)
_, thumbs = laplacian_pyramid(xt[-N:])  # other test images than real_test_set's, mostly


def kid(images):
    return gankit.metrics.score_images(np.clip(images, -1, 1), real[0])["KID"]


def add_details(gan, small):
    image = small
    for level in gan.levels[1:]:
        enlarged = ops.convert_to_numpy(grow(image))
        image = np.clip(enlarged + level.translate(enlarged), -1, 1)
    return image


print(f"seed 0, {STEPS} steps of each level, KID on {N} images")
print(f"{'real thumbnails, enlarged, no details':<58} {kid(grow(grow(thumbs))):.3f}")
print(f"{'real test images':<58} {kid(xt[-N:]):.3f}", flush=True)
for config in CONFIGS:
    gankit.seed_everything(0)
    gan = lapgan_fashion(0, **config)
    start = time.perf_counter()
    gan.fit(x, batch_size=64, epochs=10_000, verbose=0, shuffle=True,
            callbacks=[gankit.StepBudget(STEPS)])
    seconds = time.perf_counter() - start
    print(f"{json.dumps(config):<40} samples {kid(gan.generate(N, seed=3)):.3f}   real thumbnails "
          f"+ details {kid(add_details(gan, thumbs)):.3f}   ({seconds:.0f} s)", flush=True)

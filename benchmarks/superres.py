"""SRGAN against the content loss alone and bicubic upsampling, 7x7 -> 28x28, at a fixed
number of steps each (seed 0): PSNR, SSIM and KID on 1,000 test images (lesson 12).

    python benchmarks/superres.py 300     # steps for each learned model

Also writes superres.png (inputs, the three answers and the real images, 12 columns) in
the current folder. A script that prints figures, not a test.
"""
import sys

import keras
import matplotlib
import numpy as np

import gankit
from gankit.pix2pix import make_pairs
from gankit.srgan import psnr, ssim, upsample

STEPS, N = int(sys.argv[1]), 1000
x, _ = gankit.load_fashion_mnist("train", verbose=False)
xt, _ = gankit.load_fashion_mnist("test", verbose=False)
lo, hi = make_pairs("low-res-7", x)
tl, th = make_pairs("low-res-7", xt[:N])

gankit.seed_everything(0)
content_only = gankit.sr_generator((7, 7, 1), factor=4)
content_only.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mse", jit_compile=True)
content_only.fit(lo, hi, batch_size=64, epochs=100, verbose=0,
                 callbacks=[gankit.StepBudget(STEPS)])
gan = gankit.get_recipe("srgan-fashion").build(0)
gan.fit(lo, hi, batch_size=64, epochs=100, verbose=0, callbacks=[gankit.StepBudget(STEPS)])

real = gankit.metrics.real_test_set("fashion-mnist", N)
outs = {"bicubic": upsample(tl, 28),
        "content loss alone": np.clip(content_only.predict(tl, verbose=0), -1, 1),
        "SRGAN": gan.translate(tl)}
print(f"{STEPS} steps each, {N} test images")
for name, out in outs.items():
    feats, _ = gankit.metrics.classify(out)
    kid = gankit.metrics.kernel_inception_distance(real[0], feats)[0]
    print(f"{name:<20} PSNR {psnr(out, th).mean():.2f}  SSIM {ssim(out, th).mean():.3f}  "
          f"KID {kid:.4f}", flush=True)

matplotlib.use("Agg")
rows = [upsample(tl[:12], 28, "nearest"), *[o[:12] for o in outs.values()], th[:12]]
gankit.image_grid(np.concatenate(rows), ncols=12).savefig("superres.png")

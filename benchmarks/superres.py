"""SRGAN against the content loss alone and bicubic upsampling, 7x7 -> 28x28 (seed 0):
PSNR, SSIM and KID on 1,000 test images (lesson 14).

    python benchmarks/superres.py 1800 750                # C content steps, G GAN steps
    python benchmarks/superres.py 1800 750 --weights 100 10 1000

Rows, every learned model getting C + G generator updates in all:
- the content loss (MSE) alone, C + G steps;
- SRGAN from scratch (adversarial loss from the first step), C + G steps;
- SRGAN warm-started as in the paper: the content model's weights after C steps, then
  G steps of SRGAN, once per content weight in ``--weights`` (the recipe's 100 first).

Also writes superres.png (inputs, the answers and the real images, 12 columns) in the
current folder. A script that prints figures, not a test.
"""
import argparse
import time

import keras
import matplotlib
import numpy as np

import gankit
from gankit.pix2pix import make_pairs
from gankit.recipes import srgan_fashion
from gankit.srgan import psnr, ssim, upsample

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("content_steps", type=int)
parser.add_argument("gan_steps", type=int)
parser.add_argument("--weights", type=float, nargs="+", default=[100.0])
parser.add_argument("--n", type=int, default=1000, help="test images scored")
args = parser.parse_args()
C, G, N = args.content_steps, args.gan_steps, args.n

x, _ = gankit.load_fashion_mnist("train", verbose=False)
xt, _ = gankit.load_fashion_mnist("test", verbose=False)
lo, hi = make_pairs("low-res-7", x)
tl, th = make_pairs("low-res-7", xt[:N])


def fit(model, steps, *fit_args):
    start = time.perf_counter()
    model.fit(*fit_args, batch_size=64, epochs=10_000, verbose=0,
              callbacks=[gankit.StepBudget(steps)])
    return time.perf_counter() - start


outs, times = {"bicubic": upsample(tl, 28)}, {}
gankit.seed_everything(0)
content = gankit.sr_generator((7, 7, 1), factor=4)
content.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mse", jit_compile=True)
t = fit(content, C, lo, hi)
warm = content.get_weights()
t += fit(content, G, lo, hi)
outs["content loss alone"] = np.clip(content.predict(tl, verbose=0), -1, 1)
times["content loss alone"] = t

gan = srgan_fashion(0, warmup_steps=0)
times["SRGAN from scratch"] = fit(gan, C + G, lo, hi)
outs["SRGAN from scratch"] = gan.translate(tl)

for w in args.weights:
    gan = srgan_fashion(0, content_weight=w, warmup_steps=0)
    gan.generator.set_weights(warm)
    name = f"SRGAN warm, weight {w:g}"
    times[name] = fit(gan, G, lo, hi)
    outs[name] = gan.translate(tl)

real = gankit.metrics.real_test_set("fashion-mnist", N)
print(f"seed 0, {N} test images; content model {C} + {G} steps, SRGAN from scratch {C + G} "
      f"steps, warm starts {C} content + {G} SRGAN steps")
print(f"{'':<26} {'PSNR':>6} {'SSIM':>6} {'KID':>7} {'train s':>8}")
for name, out in outs.items():
    kid = gankit.evaluation.score_images(np.clip(out, -1, 1), real[0])["KID"]
    print(f"{name:<26} {psnr(out, th).mean():6.2f} {ssim(out, th).mean():6.3f} {kid:7.3f} "
          f"{times.get(name, 0):8.0f}", flush=True)

matplotlib.use("Agg")
rows = [upsample(tl[:12], 28, "nearest"), *[o[:12] for o in outs.values()], th[:12]]
gankit.image_grid(np.concatenate(rows), ncols=12).savefig("superres.png")

"""pix2pix against a denoising autoencoder (the same U-Net, L1 alone), at a fixed number
of updates each (seed 0): PSNR, SSIM, KID and class kept on 2,000 noisy test images
(lesson 13). Used to choose the L1 weight of the pix2pix-denoise recipe.

    python benchmarks/denoise.py 500 0.8 10    # updates, noise sigma, pix2pix's L1 weight

A script that prints figures, not a test.
"""
import sys

import keras
import numpy as np

import gankit
from gankit import metrics
from gankit.pix2pix import add_noise
from gankit.srgan import psnr, ssim

STEPS, SIGMA = int(sys.argv[1]), float(sys.argv[2])
L1_WEIGHT = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
N = 2000
x_train, _ = gankit.load_fashion_mnist("train", verbose=False)
x_test, y_test = gankit.load_fashion_mnist("test", verbose=False)
x_test, y_test = x_test[:N], y_test[:N]
noisy_train, noisy_test = add_noise(x_train, SIGMA, seed=0), add_noise(x_test, SIGMA, seed=1)

gankit.seed_everything(0)
p2p = gankit.recipes.pix2pix_fashion(0, "pix2pix-denoise", "denoise", content_weight=L1_WEIGHT)
p2p.fit(noisy_train, x_train, batch_size=64, epochs=100, verbose=0, shuffle=True,
        callbacks=[gankit.StepBudget(STEPS)])
gankit.seed_everything(0)
autoencoder = gankit.unet_generator((28, 28, 1), base_filters=16)
autoencoder.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mae", jit_compile=True)
autoencoder.fit(noisy_train, x_train, batch_size=64, epochs=100, verbose=0, shuffle=True,
                callbacks=[gankit.StepBudget(STEPS)])

real = metrics.real_test_set("fashion-mnist", N)
outputs = {"noisy input": noisy_test,
           "autoencoder (L1)": np.clip(autoencoder.predict(noisy_test, verbose=0), -1, 1),
           f"pix2pix (L1 x {L1_WEIGHT:g})": p2p.translate(noisy_test)}
print(f"{STEPS} updates each, sigma {SIGMA}")
print(f"{'':<22}{'PSNR':>8}{'SSIM':>8}{'KID':>8}{'class kept':>12}")
for name, images in outputs.items():
    feats, _ = metrics.classify(images)
    kid = metrics.kernel_inception_distance(real[0], feats)[0]
    print(f"{name:<22}{psnr(images, x_test).mean():>8.2f}{ssim(images, x_test).mean():>8.3f}"
          f"{kid:>8.3f}{metrics.class_accuracy(images, y_test):>12.3f}")

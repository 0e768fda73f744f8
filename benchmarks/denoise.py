"""pix2pix against a denoising autoencoder (the same U-Net, L1 alone), at a fixed number
of updates each (seed 0): PSNR, SSIM, KID and class kept on 2,000 noisy test images
(lesson 15). Used to choose the L1 weight of the pix2pix-denoise recipe.

    python benchmarks/denoise.py 500 0.8 10    # updates, noise sigma, pix2pix's L1 weight

pix2pix is a variant of the pix2pix-denoise recipe (its L1 weight, and noise of this
sigma), trained through gankit.train_recipe; the autoencoder is a plain Keras model.
A script that prints figures, not a test.
"""
import argparse

import keras
import numpy as np

import gankit
import harness
from gankit import metrics
from gankit.pix2pix import add_noise
from gankit.recipes import pix2pix_fashion
from gankit.srgan import psnr, ssim

N = 2000


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("steps", type=int, help="updates of each model")
    p.add_argument("sigma", type=float, help="the noise's standard deviation")
    p.add_argument("l1_weight", type=float, nargs="?", default=10.0, help="pix2pix's (default 10)")
    args = p.parse_args()
    x_train, _ = gankit.load_fashion_mnist("train", verbose=False)
    x_test, y_test = gankit.load_fashion_mnist("test", verbose=False)
    x_test, y_test = x_test[:N], y_test[:N]
    noisy_train = add_noise(x_train, args.sigma, seed=0)
    noisy_test = add_noise(x_test, args.sigma, seed=1)

    recipe = harness.variant(
        "pix2pix-denoise", load_data=lambda s: (noisy_train, x_train),
        build=lambda s: pix2pix_fashion(s, "pix2pix-denoise", "denoise",
                                        content_weight=args.l1_weight))
    p2p, _ = harness.train(recipe, 0, steps=args.steps)
    gankit.seed_everything(0)
    autoencoder = gankit.unet_generator((28, 28, 1), base_filters=16)
    autoencoder.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mae", jit_compile=True)
    autoencoder.fit(noisy_train, x_train, batch_size=64, epochs=100, verbose=0, shuffle=True,
                    callbacks=[gankit.StepBudget(args.steps)])

    real = metrics.real_test_set("fashion-mnist", N)
    outputs = {"noisy input": noisy_test,
               "autoencoder (L1)": np.clip(autoencoder.predict(noisy_test, verbose=0), -1, 1),
               f"pix2pix (L1 x {args.l1_weight:g})": p2p.translate(noisy_test)}
    print(f"{args.steps} updates each, sigma {args.sigma}")
    print(f"{'':<22}{'PSNR':>8}{'SSIM':>8}{'KID':>8}{'class kept':>12}")
    for name, images in outputs.items():
        feats, _ = metrics.classify(images)
        kid = metrics.kernel_inception_distance(real[0], feats)[0]
        print(f"{name:<22}{psnr(images, x_test).mean():>8.2f}{ssim(images, x_test).mean():>8.3f}"
              f"{kid:>8.3f}{metrics.class_accuracy(images, y_test):>12.3f}")


if __name__ == "__main__":
    main()

"""Try DCGAN settings for a fixed wall-clock budget and score each with FID/KID.

    python benchmarks/tune_dcgan.py --minutes 3 --configs base64 base32 ...

Used to choose the dcgan-fashion recipe: what gives the best samples in the
minutes a laptop has. Prints one row per config and saves a sample grid for each
under runs/tune/ (ignored by git).
"""
import argparse
import pathlib
import time

import gankit
import keras

CONFIGS = {
    # name: (base_filters, kernel, batch, lr_d, lr_g, latent)
    "base64": (64, 4, 128, 2e-4, 2e-4, 64),
    "base32": (32, 4, 128, 2e-4, 2e-4, 64),
    "base32-b64": (32, 4, 64, 2e-4, 2e-4, 64),
    "base32-lr4": (32, 4, 128, 4e-4, 4e-4, 64),
    "base48": (48, 4, 128, 2e-4, 2e-4, 64),
    "base32-b256-lr4": (32, 4, 256, 4e-4, 4e-4, 64),
    "base16": (16, 4, 64, 2e-4, 2e-4, 64),
    "base48-b64": (48, 4, 64, 2e-4, 2e-4, 64),
    "base64-b64": (64, 4, 64, 2e-4, 2e-4, 64),
    "base32-b32": (32, 4, 32, 2e-4, 2e-4, 64),
    "base32-b64-lr4": (32, 4, 64, 4e-4, 4e-4, 64),
}


def score(gan, n=5000):
    real = gankit.metrics.real_test_set("fashion-mnist", n)[0]
    scores = gankit.evaluation.score_images(gan.generate(n, seed=123), real)
    return scores["FID"], scores["KID"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=3)
    p.add_argument("--configs", nargs="+", default=list(CONFIGS))
    args = p.parse_args()
    x, _ = gankit.load_fashion_mnist("train", verbose=False)
    out = pathlib.Path("runs/tune")
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'config':<18} {'steps':>6} {'img/s':>6} {'FID':>7} {'KID':>7}")
    for name in args.configs:
        base, k, bs, lrd, lrg, latent = CONFIGS[name]
        gankit.seed_everything(0)
        gan = gankit.GAN(gankit.dcgan_generator(latent, base_filters=base, kernel_size=k),
                         gankit.dcgan_discriminator(base_filters=base, kernel_size=k), seed=0)
        gan.compile(keras.optimizers.Adam(lrd, beta_1=0.5), keras.optimizers.Adam(lrg, beta_1=0.5))
        budget = gankit.TimeBudget(args.minutes)
        t = time.perf_counter()
        gan.fit(x, batch_size=bs, epochs=10_000, verbose=0, callbacks=[budget])
        el = time.perf_counter() - t
        fid, kid = score(gan)
        print(f"{name:<18} {budget.steps:>6} {budget.steps * bs / el:>6.0f} {fid:>7.2f} {kid:>7.3f}",
              flush=True)
        fig = gankit.image_grid(gan.generate(64, seed=1), ncols=8, title=f"{name}, {args.minutes} min")
        fig.savefig(out / f"{name}.png", dpi=80)


if __name__ == "__main__":
    main()

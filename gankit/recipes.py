"""Named training recipes: a dataset, two networks, a loss and optimizers that
are known to work together, trained for a number of steps.

A recipe's schedule (the learning rates' decay, when R1 stops) follows its own number of
steps, not the clock. ``python -m gankit recipes`` lists them; ``gankit.train_recipe``
(gankit.training, or ``python -m gankit train``) runs one. Names are stable once published.
The builders of their GANs are in gankit.builders (and here under the same names).
"""
import dataclasses
from typing import Callable

import numpy as np

from . import data as gdata
from .schedule import DecayLearningRates, DecayPenalties, LazyR1
from .errors import unknown_name
from .builders import (BEST_TOY, INFO_DIGITS, PLAIN_TOY, R3GAN_TOY, WGAN_GP_TOY,  # noqa: F401
                       WGAN_TOY, acgan_fashion, cgan_fashion, cyclegan_fashion, dvdgan_sprites,
                       fashion_gan, info_gan, lapgan_fashion, little_data_gan, pix2pix_fashion,
                       r3gan_fashion, srgan_fashion, text2image_shapes, toy_gan,
                       toy_recipe_gan, wgan_gp_fashion)


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    description: str
    kind: str  # "images" or "points"
    dataset: str
    batch_size: int
    build: Callable  # seed -> compiled GAN
    load_data: Callable  # seed -> (x, y or None)
    # the learning rates fall linearly from this fraction of the budget on, to decay_to
    # times their value (schedule.DecayLearningRates); None keeps them constant
    decay_from: float | None = None
    decay_to: float = 0.0
    # (gamma, until): a lazy R1 penalty on D until this fraction of the budget
    # (schedule.LazyR1); None: no R1
    r1: tuple | None = None
    # the R1 and R2 gammas of GAN(r1=..., r2=...) fall linearly over the budget to this
    # fraction of their start (schedule.DecayPenalties); None keeps them constant
    penalty_decay: float | None = None
    # the nominal number of generator steps, which the schedule follows: about what five
    # minutes gave on the 2-core machine the recipe was tuned on
    steps: int = dataclasses.field(kw_only=True)

    def schedule(self, budget, x, seed=0, run=None):
        """The callbacks that change training as ``budget`` (a StepBudget, or a TimeBudget)
        runs out: the learning rates' decay and the R1 penalty, if the recipe has them.
        ``x`` is the real data the R1 steps draw from. ``run``: the budget of the whole
        run, when it goes on past ``budget``: an R1 kept to the end keeps to its end."""
        cbs = []
        if self.decay_from is not None:
            cbs.append(DecayLearningRates(budget, start=self.decay_from, to=self.decay_to,
                                          run=run))
        if self.penalty_decay is not None:
            cbs.append(DecayPenalties(budget, to=self.penalty_decay))
        if self.r1 is not None:
            gamma, until = self.r1
            end = run if run is not None and until == 1.0 else budget
            cbs.append(LazyR1(x, gamma, end, until=until, batch_size=self.batch_size,
                              seed=seed))
        return cbs


def _fashion(seed):
    return gdata.load_fashion_mnist("train")


def _digits_train(seed):
    # the training side of the fixed split: the held-out 359 images score the clusters
    return gdata.load_digits8(verbose=False, split="train")


def _toy_data(name):
    # The published protocol trains on 100,000 points (PacGAN).
    return lambda seed: (gdata.load(name, n=100_000, seed=seed), None)


RECIPES = {r.name: r for r in [
    Recipe("dcgan-fashion", "lean DCGAN on Fashion-MNIST (4x4 kernels, 32-64 filters, batch 64)",
           "images", "fashion-mnist", 64, lambda s: fashion_gan(s), _fashion, steps=2800),
    Recipe("cgan-fashion", "conditional lean DCGAN on Fashion-MNIST: a label goes into G and D",
           "images", "fashion-mnist", 64,
           lambda s: cgan_fashion(s), _fashion, steps=3500),
    Recipe("gan-ring8", "plain GAN on 8 Gaussians in a ring (Metz et al. 2017; collapses)",
           "points", "ring8", 100, lambda s: toy_recipe_gan(s, "gan-ring8", "ring8"),
           _toy_data("ring8"), steps=8000),
    Recipe("gan-grid25", "plain GAN on 25 Gaussians in a grid (Metz et al. 2017; collapses)",
           "points", "grid25", 100, lambda s: toy_recipe_gan(s, "gan-grid25", "grid25"),
           _toy_data("grid25"), steps=8000),
    Recipe("best-ring8", "the course's best on the ring: a discrete choice and batch norm "
           "in G, minibatch std and R1 in D, lr 1e-3 falling to 2e-4, batch 512", "points",
           "ring8", 512,
           lambda s: toy_recipe_gan(s, "best-ring8", "ring8", "best"), _toy_data("ring8"),
           decay_from=0.5, decay_to=0.2, r1=(0.01, 1.0), steps=6000),
    Recipe("best-grid25", "the course's best on the grid: a discrete choice and batch norm "
           "in G, minibatch std and R1 in D, lr 1e-3 falling to 1e-4, batch 256", "points",
           "grid25", 256,
           lambda s: toy_recipe_gan(s, "best-grid25", "grid25", "best"), _toy_data("grid25"),
           decay_from=0.5, decay_to=0.1, r1=(0.01, 1.0), steps=12000),
    Recipe("wgan-gp-ring8", "WGAN-GP on the ring: the Wasserstein loss, a gradient penalty "
           "(lambda 1), 5 critic steps, Adam (0, 0.9), the critic's lr 1e-3 and G's 1e-4 "
           "falling to 0, batch 256", "points", "ring8", 256,
           lambda s: toy_recipe_gan(s, "wgan-gp-ring8", "ring8", "wgan-gp"),
           _toy_data("ring8"), decay_from=0.5, decay_to=0.0, steps=5000),
    Recipe("wgan-ring8", "WGAN with weight clipping on the ring: the Wasserstein loss, "
           "weights clipped to [-0.1, 0.1], 5 critic steps, RMSprop 5e-5 falling to 0, "
           "batch 256", "points", "ring8", 256,
           lambda s: toy_recipe_gan(s, "wgan-ring8", "ring8", "wgan"),
           _toy_data("ring8"), decay_from=0.5, decay_to=0.0, steps=5000),
    Recipe("wgan-gp-fashion", "WGAN-GP on Fashion-MNIST at its paper's settings: the lean "
           "DCGAN with layer norm in the critic, lambda 10, 5 critic steps, Adam 1e-4 (0, 0.9)",
           "images", "fashion-mnist", 64, lambda s: wgan_gp_fashion(s), _fashion, steps=3000),
    Recipe("acgan-fashion", "ACGAN on Fashion-MNIST: D also names the class (learnt from "
           "real images only), G is rewarded when it is the class asked for (weight 0.3)",
           "images", "fashion-mnist", 64,
           # cgan-fashion's steps, about its time a step: the two compare in the same budget
           lambda s: acgan_fashion(s), _fashion, steps=3500),
    Recipe("infogan-fashion", "InfoGAN on Fashion-MNIST, no labels: a 10-way code and 2 "
           "continuous codes that a Q head must read back", "images", "fashion-mnist", 64,
           lambda s: info_gan(s, "fashion-mnist", "infogan-fashion"), _fashion,
           steps=4400),
    Recipe("infogan-digits", "InfoGAN on the 8x8 digits, no labels: the 10-way code finds "
           "the digits", "images", "digits8", 64,
           lambda s: info_gan(s, "digits8", "infogan-digits", **INFO_DIGITS), _digits_train,
           steps=18000),
]}


# --- Pyramids, super-resolution and translation (lessons 14 and 15) ---------------------

def _pairs(task):
    def load(seed):
        from .pix2pix import make_pairs

        return make_pairs(task, gdata.load_fashion_mnist("train", verbose=False)[0])
    return load


def _unpaired_outlines(seed):
    """Outlines of one half of the training set (A) and the items of the other half (B):
    no outline has its own item on the other side."""
    from .pix2pix import outlines

    x = gdata.load_fashion_mnist("train", verbose=False)[0]
    half = len(x) // 2
    return outlines(x[:half]), x[half:2 * half]


IMAGE_TO_IMAGE = [
    Recipe("pix2pix-outlines", "pix2pix on Fashion-MNIST: outline drawing (computed in NumPy) "
           "-> item, paired; L1 + adversarial", "images", "fashion-mnist", 64,
           lambda s: pix2pix_fashion(s), _pairs("outlines"), steps=3300),
    Recipe("pix2pix-denoise", "pix2pix on Fashion-MNIST: noisy item (Gaussian noise, sigma "
           "0.8) -> clean item; L1 (weight 10) + adversarial", "images", "fashion-mnist", 64,
           lambda s: pix2pix_fashion(s, "pix2pix-denoise", "denoise", content_weight=10.0),
           _pairs("denoise"), steps=4700),
    Recipe("srgan-fashion", "SRGAN on Fashion-MNIST: 7x7 -> 28x28 super-resolution, MSE "
           "content loss alone for 1,000 steps, then + adversarial loss", "images",
           "fashion-mnist", 64,
           lambda s: srgan_fashion(s), _pairs("low-res-7"), steps=3000),
    Recipe("lapgan-fashion", "LAPGAN on Fashion-MNIST: a 7x7 GAN, then conditional GANs "
           "that add the 14x14 and 28x28 details", "images", "fashion-mnist", 64,
           lambda s: lapgan_fashion(s), _fashion, steps=3200),
    Recipe("cyclegan-outlines", "CycleGAN on Fashion-MNIST: outlines <-> items from two halves "
           "of the data, no pairs; cycle consistency", "images", "fashion-mnist", 32,
           lambda s: cyclegan_fashion(s), _unpaired_outlines, steps=3000),
]
RECIPES.update({r.name: r for r in IMAGE_TO_IMAGE})
# --- end of lesson 14's recipes ---


# --- Video (lesson 16) -------------------------------------------------------------------

def _sprite_clips(seed):
    from .video import bouncing_sprites

    return bouncing_sprites(8192, seed=seed), None


VIDEO = [
    Recipe("dvdgan-sprites", "DVD-GAN on generated clips of a bouncing sprite (8 frames of "
           "16x16): a spatial and a temporal critic", "videos", "sprites", 64,
           lambda s: dvdgan_sprites(s), _sprite_clips, steps=3000),
]
RECIPES.update({r.name: r for r in VIDEO})
# --- end of lesson 16's recipes ---


# --- Text to image (lesson 17) -----------------------------------------------------------

def _captioned_scenes(seed):
    from .captions import encode_captions, shape_scenes

    images, captions, _ = shape_scenes(8192, seed=seed)
    return images, encode_captions(captions)


TEXT_TO_IMAGE = [
    Recipe("text2image-shapes", "GAN-CLS on generated 16x16 scenes described by sentences: a "
           "frozen text encoder, a matching-aware D with a colour-blind attribute critic, "
           "imagined captions; held-out colour-shape pairs", "images",
           "shape-scenes", 64, lambda s: text2image_shapes(s), _captioned_scenes, steps=2000),
]
RECIPES.update({r.name: r for r in TEXT_TO_IMAGE})
# --- end of lesson 17's recipes ---


# --- Modern GANs and little data -------------------------------------------------------

LITTLE = 600   # images of Fashion-MNIST's 60,000: 1%, 60 of each class


def few_fashion_images(n=LITTLE):
    """A loader of the same n Fashion-MNIST training images for every run and seed
    (n / 10 of each class, picked with a fixed seed): what a GAN has when data is scarce.
    The ``*-1pct`` recipes use 600; lesson 12 and benchmarks/little_data.py also 60 and 6,000."""
    def load(seed):
        x, y = gdata.load_fashion_mnist("train", verbose=False)
        rng = np.random.default_rng(2020)
        keep = np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), n // 10, replace=False)
                                       for c in range(10)]))
        return x[keep], y[keep]
    return load


MODERN = [
    Recipe("r3gan-grid25", "R3GAN on the grid: relativistic loss with R1 + R2 (gamma 0.1 "
           "falling to 0.01), plain MLPs, Adam (0, 0.99), EMA of G, batch 256", "points",
           "grid25", 256,
           lambda s: toy_recipe_gan(s, "r3gan-grid25", "grid25", "r3gan"),
           _toy_data("grid25"), decay_from=0.5, penalty_decay=0.1, steps=12000),
    Recipe("r3gan-fashion", "the lean DCGAN with R3GAN's objective: relativistic loss, "
           "R1 + R2, Adam (0, 0.99), EMA of G, layer norm in D", "images", "fashion-mnist",
           64, lambda s: r3gan_fashion(s), _fashion, penalty_decay=0.1, steps=1200),
    Recipe("fashion-1pct", "dcgan-fashion on 600 training images (1%, 60 per class), no "
           "augmentation", "images", "fashion-mnist", 64,
           lambda s: little_data_gan(s, "fashion-1pct"), few_fashion_images(), steps=2800),
    Recipe("diffaug-fashion-1pct", "fashion-1pct with DiffAugment (colour, translation, "
           "cutout) on everything D sees", "images", "fashion-mnist", 64,
           lambda s: little_data_gan(s, "diffaug-fashion-1pct", augment="color,translation,cutout"),
           few_fashion_images(), steps=2800),
    Recipe("ada-fashion-1pct", "fashion-1pct with ADA: the same augmentations, their "
           "probability adapted to keep r_t = E[sign D(x)] at 0.6", "images", "fashion-mnist",
           64, lambda s: little_data_gan(s, "ada-fashion-1pct", ada_target=0.6),
           few_fashion_images(), steps=2800),
]
RECIPES.update({r.name: r for r in MODERN})
# --- end of the modern recipes ---


def get_recipe(name):
    """The :class:`Recipe` called ``name``, or an error that lists the names."""
    if name not in RECIPES:
        raise unknown_name("recipe", name, RECIPES)
    return RECIPES[name]

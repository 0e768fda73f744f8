"""Lesson 15, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import keras
import numpy as np
import tensorflow as tf   # the gradient of exercise 3, as the lessons take gradients
from keras import ops

import gankit
from gankit.srgan import psnr


# --- Exercise 1: filling a hole -------------------------------------------------------------

def hole_pairs(images, size=10, seed=0):
    x = np.asarray(images, "float32")
    rng = np.random.default_rng(seed)                  # same seed, same holes
    n, h, w = x.shape[:3]
    rows = rng.integers(0, h - size + 1, n)            # the square's corner, inside the image
    cols = rng.integers(0, w - size + 1, n)
    inputs = x.copy()
    for k, (r, c) in enumerate(zip(rows, cols)):
        inputs[k, r:r + size, c:c + size] = -1.0       # black, like the background
    return inputs, x                                   # the targets stay whole


def exercise_1():
    x, _ = gankit.load_fashion_mnist("train", n=gankit.pick(full=60_000, smoke=256),
                                     verbose=False)
    inputs, targets = hole_pairs(x, seed=0)
    # the denoising recipe's pix2pix (L1 weight 10), trained on (holed, whole) pairs
    gan = gankit.recipes.pix2pix_fashion(0, "pix2pix-holes", "denoise", content_weight=10.0)
    gan.fit(inputs, targets, batch_size=64, epochs=1_000, verbose=0, shuffle=True,
            callbacks=[gankit.StepBudget(gankit.pick(full=500, smoke=2))])
    x_test, _ = gankit.load_fashion_mnist("test", n=500, verbose=False)
    holed, _ = hole_pairs(x_test, seed=1)
    out = gan.translate(holed)
    inside = holed != x_test                           # (almost) the hole's pixels
    for name, mask in (("inside the hole", inside), ("outside", ~inside)):
        mse = ((out - x_test) ** 2 * mask).sum() / mask.sum()
        print(f"pix2pix, PSNR {name}: {10 * np.log10(4 / mse):.1f} dB")
    print(f"(the holed inputs: {psnr(holed, x_test).mean():.1f} dB)")
    return (hole_pairs,)


def mistake_1():
    def holes_everywhere(images, size=10, seed=0):
        inputs, _ = hole_pairs(images, size, seed)
        return inputs, inputs          # the hole in the targets too: nothing left to learn
    return (holes_everywhere,)


# --- Exercise 2: the cycle and identity losses ----------------------------------------------

def l1(p, q):
    return ops.mean(ops.abs(p - q))


def cycle_and_identity(g_ab, g_ba, a, b):
    # networks in training mode, as CycleGAN's training step calls them
    fake_b, fake_a = g_ab(a, training=True), g_ba(b, training=True)
    # there and back again: each image must come home
    cycle = l1(g_ba(fake_b, training=True), a) + l1(g_ab(fake_a, training=True), b)
    # an image already in the output domain: leave it as it is
    identity = l1(g_ab(b, training=True), b) + l1(g_ba(a, training=True), a)
    return float(cycle), float(identity)


def exercise_2():
    gan = gankit.recipes.cyclegan_fashion(0)
    x, _ = gankit.load_fashion_mnist("test", n=64, verbose=False)
    a, b = gankit.pix2pix.outlines(x[:32]), x[32:]
    cycle, identity = cycle_and_identity(gan.g_ab, gan.g_ba, a, b)
    print(f"untrained CycleGAN: cycle {cycle:.3f}, identity {identity:.3f}")
    return (cycle_and_identity,)


def mistake_2():
    def cycle_and_identity_swapped(g_ab, g_ba, a, b):
        fake_b, fake_a = g_ab(a, training=True), g_ba(b, training=True)
        cycle = l1(g_ba(fake_b, training=True), a) + l1(g_ab(fake_a, training=True), b)
        identity = l1(fake_b, a) + l1(fake_a, b)   # "G_ab(a) should equal a": not a translation
        return float(cycle), float(identity)
    return (cycle_and_identity_swapped,)


# --- Exercise 3: what one PatchGAN score sees -----------------------------------------------

def patch_support(discriminator, image, row, col):
    x = tf.convert_to_tensor(np.asarray(image, "float32")[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        # inference mode: in training mode batch norm would mix every pixel into every score
        score = discriminator(x, training=False)[0, row, col, 0]
    grad = tape.gradient(score, x)[0, :, :, 0]
    return grad.numpy() != 0


def exercise_3():
    keras.utils.set_random_seed(0)
    d = gankit.patch_discriminator((28, 28, 1))
    image = np.random.default_rng(0).uniform(-1, 1, (28, 28, 1))
    mask = patch_support(d, image, 3, 3)                   # a patch away from the border
    receptive_field = int(mask.any(axis=1).sum())          # rows it depends on (18)
    print(f"D gives {d.output.shape[1]}x{d.output.shape[2]} scores; each sees "
          f"{receptive_field}x{int(mask.any(axis=0).sum())} pixels")
    return patch_support, receptive_field


def mistake_3():
    def patch_support(discriminator, image, row, col):    # "each score sees its 4x4 tile"
        mask = np.zeros((28, 28), bool)
        mask[4 * row:4 * row + 4, 4 * col:4 * col + 4] = True
        return mask
    return patch_support, 4

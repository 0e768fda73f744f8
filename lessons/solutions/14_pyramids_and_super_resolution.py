"""Lesson 14, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import numpy as np
from keras import ops

import gankit
from gankit.srgan import psnr


def grow(images):                  # the pyramid's own enlargement: bilinear, twice the size
    h, w = images.shape[1], images.shape[2]
    return ops.image.resize(images, (2 * h, 2 * w), interpolation="bilinear")


# --- Exercise 1: putting a Laplacian pyramid back together ----------------------------------

def rebuild(residuals, top):
    g = ops.convert_to_tensor(np.asarray(top, "float32"))
    for h in reversed(residuals):  # residuals come finest first: start with the coarsest
        g = grow(g) + h
    return ops.convert_to_numpy(g)


def exercise_1():
    x, _ = gankit.load_fashion_mnist("test", n=8, verbose=False)
    residuals, top = gankit.lapgan.laplacian_pyramid(x)
    print("largest error:", np.abs(rebuild(residuals, top) - x).max())
    return (rebuild,)


def mistake_1():
    def rebuild(residuals, top):
        g = np.asarray(top, "float32")
        for h in reversed(residuals):      # any enlargement will do? Not exactly.
            g = ops.convert_to_numpy(ops.image.resize(g, h.shape[1:3], interpolation="nearest")) + h
        return g
    return (rebuild,)


# --- Exercise 2: why the blur wins on PSNR --------------------------------------------------

def exercise_2():
    # The true pixels: +1 or -1 with probability 1/2 (a stripe or not), independently.
    rng = np.random.default_rng(0)
    n = gankit.pick(full=10_000, smoke=2_000)
    truth = rng.choice([-1.0, 1.0], size=(n, 28, 28, 1))
    blur = np.zeros_like(truth)                          # the average of both answers
    sharp = rng.choice([-1.0, 1.0], size=truth.shape)    # a sharp guess, right half the time
    # Closed form: MSE 1 and 2, so 10 log10(4) = 6.02 dB and 10 log10(2) = 3.01 dB.
    return float(psnr(blur, truth).mean()), float(psnr(sharp, truth).mean())


def mistake_2():
    return 10 * np.log10(2.0), 10 * np.log10(4.0)       # "the sharp answer must score higher"


# --- Exercise 3: the sub-pixel shuffle ------------------------------------------------------

def pixel_shuffle(h):
    h = ops.convert_to_tensor(h)
    b, rows, cols, channels = h.shape
    c = channels // 4
    h = ops.reshape(h, (b, rows, cols, 2, 2, c))        # channels -> (di, dj, c)
    h = ops.transpose(h, (0, 1, 3, 2, 4, 5))            # (b, i, di, j, dj, c)
    return ops.reshape(h, (b, 2 * rows, 2 * cols, c))   # row 2i + di, column 2j + dj


def exercise_3():
    h = np.random.default_rng(0).normal(size=(2, 7, 7, 64)).astype("float32")
    print("pixel_shuffle:", h.shape, "->", tuple(pixel_shuffle(h).shape))
    return (pixel_shuffle,)


def mistake_3():
    def pixel_shuffle(h):          # a plain reshape: the right shape, the wrong pixels
        h = np.asarray(h)
        b, rows, cols, channels = h.shape
        return h.reshape(b, 2 * rows, 2 * cols, channels // 4)
    return (pixel_shuffle,)

"""Lesson 05, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import functools

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

import gankit

SEED = 0


@functools.lru_cache(maxsize=1)
def trained_dcgan():
    """The lesson's dcgan-fashion run (trained once, then reused by exercises 2 and 3)."""
    gan, _ = gankit.train_recipe("dcgan-fashion", minutes=gankit.pick(full=5.0, smoke=0.01),
                                 seed=SEED, progress=False)
    return gan


# --- Exercise 1: where the checkerboard comes from ------------------------------------------

def paint_ones(kernel_size):
    # every input pixel is 1 and every kernel weight is 1, so each output pixel counts how
    # many input pixels painted onto it
    up = layers.Conv2DTranspose(1, kernel_size, strides=2, padding="same", use_bias=False,
                                kernel_initializer="ones")
    return keras.ops.convert_to_numpy(up(np.ones((1, 7, 7, 1), "float32")))[0, :, :, 0]


def exercise_1():
    sizes = (2, 3, 4, 5, 6)
    fig, axes = plt.subplots(1, len(sizes), figsize=(2.2 * len(sizes), 2.4))
    for ax, k in zip(axes, sizes):
        ax.imshow(paint_ones(k), cmap="gray")
        ax.set(title=f"kernel {k}", xticks=[], yticks=[])
    plt.show()
    plt.close(fig)
    # away from the border (2 pixels in), one value means an even coverage
    uniform_kernels = [k for k in sizes if len(np.unique(paint_ones(k)[2:-2, 2:-2])) == 1]
    return paint_ones, uniform_kernels      # [2, 4, 6]: the stride divides the kernel


def mistake_1():
    def paint_ones_valid(kernel_size):
        up = layers.Conv2DTranspose(1, kernel_size, strides=2, padding="valid", use_bias=False,
                                    kernel_initializer="ones")
        return keras.ops.convert_to_numpy(up(np.ones((1, 7, 7, 1), "float32")))[0, :, :, 0]
    # "valid" padding: (7 - 1) * 2 + k pixels, not 14, and the map is not the one G uses
    return paint_ones_valid, [4]


# --- Exercise 2: straight line or great circle ----------------------------------------------

def lerp(z1, z2, t):
    return (1 - t) * z1 + t * z2


def slerp(z1, z2, t):
    cos = np.dot(z1 / np.linalg.norm(z1), z2 / np.linalg.norm(z2))
    omega = np.arccos(np.clip(cos, -1, 1))
    return (np.sin((1 - t) * omega) * z1 + np.sin(t * omega) * z2) / np.sin(omega)


def midpoint_ratio(path, d=64, pairs=1000, seed=SEED):
    """The mean of |path(z1, z2, 0.5)| / sqrt(d) over pairs of z ~ N(0, I)."""
    z = np.random.default_rng(seed).standard_normal((pairs, 2, d))
    return float(np.mean([np.linalg.norm(path(a, b, 0.5)) for a, b in z]) / np.sqrt(d))


def exercise_2():
    lerp_ratio, slerp_ratio = midpoint_ratio(lerp), midpoint_ratio(slerp)
    print(f"midpoint norm / sqrt(d): lerp {lerp_ratio:.3f}, slerp {slerp_ratio:.3f}")
    gan = trained_dcgan()
    z1, z2 = np.random.default_rng(SEED).standard_normal((2, gan.latent_dim))
    steps = np.linspace(0, 1, 10)
    z_path = np.array([path(z1, z2, t) for path in (lerp, slerp) for t in steps], "float32")
    images = keras.ops.convert_to_numpy(gan.generator(z_path, training=False))
    gankit.image_grid(images, ncols=10, row_labels=["lerp", "slerp"])
    plt.show()
    plt.close("all")
    # The middle of the straight line is shorter than nearly every z G saw in training; its
    # images are often fainter or plainer than the ends. The slerp row's are not.
    return lerp, lerp_ratio, slerp_ratio


def mistake_2():
    # "the middle of two typical samples is a typical sample": it is not
    return lerp, 1.0, 1.0


# --- Exercise 3: is the generator copying? --------------------------------------------------

def nearest_training_image(images, train):
    flat = train.reshape(len(train), -1)
    idx, dist = [], []
    for image in images.reshape(len(images), -1):
        d = np.linalg.norm(flat - image, axis=1)   # one Euclidean distance per training image
        idx.append(int(np.argmin(d)))
        dist.append(float(d.min()))
    return np.array(idx), np.array(dist)


def exercise_3():
    x_all, _ = gankit.load_fashion_mnist("train", verbose=False)
    x_all = x_all[:gankit.pick(full=len(x_all), smoke=5000)]
    samples = trained_dcgan().generate(8, seed=1)
    idx, dist = nearest_training_image(samples, x_all)
    gankit.image_grid(np.concatenate([samples, x_all[idx]]), ncols=8,
                      row_labels=["generated", "nearest"])
    plt.show()
    plt.close("all")
    print("pixel distances:", np.round(dist, 2))
    # None is at distance 0: similar garments, not copies.
    return (nearest_training_image,)


def mistake_3():
    def most_similar_by_dot_product(images, train):
        flat = train.reshape(len(train), -1)
        scores = images.reshape(len(images), -1) @ flat.T   # favours bright images
        idx = scores.argmax(1)
        return idx, np.linalg.norm(flat[idx] - images.reshape(len(images), -1), axis=1)
    return (most_similar_by_dot_product,)

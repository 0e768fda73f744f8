"""Lesson 10, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import keras
import numpy as np
from keras import layers, ops

import gankit


# --- Exercise 1: spectral normalization's power iteration -----------------------------------

def top_singular_value(w, iterations=100):
    w = np.asarray(w, "float64")
    u = np.random.default_rng(0).normal(size=w.shape[0])
    for _ in range(iterations):
        v = w.T @ u
        v /= np.linalg.norm(v)      # the input direction W stretches most ...
        u = w @ v
        u /= np.linalg.norm(u)      # ... and where it sends it
    return float(u @ w @ v)          # sigma: how much W stretches v


def exercise_1():
    # the same number as Keras's layer, whose kernel ends with sigma = 1
    sn = layers.SpectralNormalization(layers.Dense(64))
    h = np.random.default_rng(0).normal(size=(32, 16)).astype("float32")
    sn.build(h.shape)
    w = ops.convert_to_numpy(sn.kernel)
    # a random kernel's top two singular values are close: many iterations are needed
    print(f"sigma {top_singular_value(w, 2000):.4f}, "
          f"SVD {np.linalg.svd(w, compute_uv=False)[0]:.4f}")
    for _ in range(20):
        sn(h, training=True)
    print("after 20 calls of the layer:",
          f"{top_singular_value(ops.convert_to_numpy(sn.kernel), 2000):.3f}")
    return (top_singular_value,)


def mistake_1():
    return (lambda w: float(np.linalg.norm(w)),)   # the Frobenius norm: every singular value


# --- Exercise 2: packing images, as PacGAN and gankit.GAN(pack=m) do ------------------------

def pack_images(x, m):
    x = ops.convert_to_tensor(x)
    shape = tuple(x.shape)                                  # (B, ..., C)
    x = ops.reshape(x, (shape[0] // m, m) + shape[1:])      # groups of m samples
    x = ops.moveaxis(x, 1, -2)                              # (B/m, ..., m, C)
    return ops.reshape(x, (shape[0] // m,) + shape[1:-1] + (m * shape[-1],))


def exercise_2():
    x = np.random.default_rng(0).normal(size=(64, 28, 28, 1)).astype("float32")
    print("packed:", tuple(pack_images(x, 2).shape))       # (32, 28, 28, 2)
    return (pack_images,)


def mistake_2():
    def pack_images(x, m):        # a plain reshape: neighbouring pixels become "samples"
        x = np.asarray(x)
        return x.reshape((x.shape[0] // m,) + x.shape[1:-1] + (m * x.shape[-1],))
    return (pack_images,)


# --- Exercise 3: minibatch standard deviation for feature maps ------------------------------

def minibatch_std(h):
    h = ops.convert_to_tensor(h)
    std = ops.sqrt(ops.var(h, axis=0) + 1e-8)          # each feature's spread over the batch
    extra = ops.ones_like(h[..., :1]) * ops.mean(std)  # one channel, for vectors and maps
    return ops.concatenate([h, extra], axis=-1)


def exercise_3():
    # in a D for images, after the last convolution (as ProGAN puts it)
    d = keras.Sequential([keras.Input((28, 28, 1)),
                          layers.Conv2D(16, 4, strides=2, padding="same"),
                          layers.LeakyReLU(0.2),
                          layers.Lambda(minibatch_std),
                          layers.Conv2D(32, 4, strides=2, padding="same"),
                          layers.Flatten(), layers.Dense(1)])
    print("D's feature maps after the std-dev channel:", d.layers[2].output.shape)
    return (minibatch_std,)


def mistake_3():
    def minibatch_std(h):          # the spread *within* each sample: blind to collapse
        h = ops.convert_to_tensor(h)
        std = ops.std(h, axis=-1, keepdims=True)
        return ops.concatenate([h, std], axis=-1)
    return (minibatch_std,)

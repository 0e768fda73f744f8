"""Lesson 04, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

import gankit

SEED = 0
LATENT_DIM = 64
HIDDEN = (256, 512)
LEARNING_RATE = 2e-4
BATCH_SIZE = 64


def make_discriminator(image_shape, hidden=HIDDEN[::-1]):
    # the lesson's D, unchanged: batch norm goes into G only
    return keras.Sequential([
        keras.Input(image_shape),
        layers.Flatten(),
        *[layer for width in hidden
          for layer in (layers.Dense(width), layers.LeakyReLU(negative_slope=0.2))],
        layers.Dense(1),
    ], name="discriminator")


def train_digits_gan(generator, steps, seed=SEED):
    """The lesson's digits GAN with this generator, trained for ``steps`` steps."""
    x_digits, _ = gankit.load_digits8(verbose=False)
    gan = gankit.GAN(generator, make_discriminator((8, 8, 1)), seed=seed)
    gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
    gan.fit(x_digits, batch_size=BATCH_SIZE, epochs=100_000, verbose=0,
            callbacks=[gankit.StepBudget(steps)])
    return gan


# --- Exercise 1: batch normalisation in G ---------------------------------------------------

def make_generator_bn(image_shape, latent_dim=LATENT_DIM, hidden=HIDDEN):
    n_pixels = int(np.prod(image_shape))
    return keras.Sequential([
        keras.Input((latent_dim,)),
        *[layer for width in hidden
          for layer in (layers.Dense(width),
                        layers.BatchNormalization(),          # after each hidden Dense...
                        layers.LeakyReLU(negative_slope=0.2))],
        layers.Dense(n_pixels, activation="tanh"),           # ...but not on the output
        layers.Reshape(image_shape),
    ], name="generator_bn")


def exercise_1():
    steps = gankit.pick(full=2000, smoke=3)
    rows = []
    for name, generator in (("no batch norm", gankit.mlp_generator(LATENT_DIM, (8, 8, 1),
                                                                   hidden=HIDDEN)),
                            ("batch norm in G", make_generator_bn((8, 8, 1)))):
        gankit.seed_everything(SEED)
        rows.append(train_digits_gan(generator, steps).generate(10, seed=1))
    gankit.image_grid(np.concatenate(rows), ncols=10, row_labels=["plain", "BN in G"],
                      title=f"Digits GAN after {steps:,} steps each")
    plt.show()
    plt.close("all")
    # Look for cleaner strokes and for variety across the row; one seed decides little.
    return (make_generator_bn,)


def mistake_1():
    def bn_everywhere(image_shape, latent_dim=LATENT_DIM, hidden=HIDDEN):
        n_pixels = int(np.prod(image_shape))
        return keras.Sequential([
            keras.Input((latent_dim,)),
            *[layer for width in hidden
              for layer in (layers.Dense(width), layers.BatchNormalization(),
                            layers.LeakyReLU(negative_slope=0.2))],
            layers.Dense(n_pixels), layers.BatchNormalization(),   # normalises the pixels too
            layers.Activation("tanh"), layers.Reshape(image_shape)])
    return (bn_everywhere,)


# --- Exercise 2: the images the classifier is least sure about ------------------------------

def least_sure(images, k=5):
    _, probs = gankit.metrics.classify(images)
    confidence = probs.max(1)                  # the probability of the class it picks
    return np.argsort(confidence)[:k]          # lowest first


def exercise_2():
    x, _ = gankit.load_fashion_mnist("train", verbose=False)
    generator = gankit.mlp_generator(LATENT_DIM, (28, 28, 1), hidden=HIDDEN)
    gan = gankit.GAN(generator, make_discriminator((28, 28, 1)), seed=SEED)
    gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
    gan.fit(x, batch_size=BATCH_SIZE, epochs=100_000, verbose=0,
            callbacks=[gankit.TimeBudget(gankit.pick(full=3.0, smoke=0.02))])
    fake = gan.generate(gankit.pick(full=2000, smoke=100), seed=1)
    unsure = least_sure(fake, 5)
    gankit.image_grid(fake[unsure], ncols=5, title="The 5 samples the classifier is least sure of")
    plt.show()
    plt.close("all")
    # They tend to mix two classes (a top with a dress's length, a shoe with a bag's outline)
    # or be too faint or speckled to read.
    return (least_sure,)


def mistake_2():
    def most_sure(images, k=5):
        _, probs = gankit.metrics.classify(images)
        return np.argsort(probs.max(1))[::-1][:k]    # sorted the wrong way round
    return (most_sure,)


# --- Exercise 3: snapshots from fixed noise, by hand ----------------------------------------

class EveryN(keras.callbacks.Callback):
    """Keeps (step, samples) from the same noise after every ``every``-th training step."""

    def __init__(self, every, n=10, seed=0):
        super().__init__()
        self.every, self.n, self.seed = every, n, seed
        self.step = 0
        self.frames = []

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1                      # our own count: `batch` restarts every epoch
        if self.step % self.every == 0:
            # same seed, same z: only G has changed since the last frame
            self.frames.append((self.step, self.model.generate(self.n, seed=self.seed)))


def exercise_3():
    gankit.seed_everything(SEED)
    x_digits, _ = gankit.load_digits8(verbose=False)
    gan = gankit.GAN(gankit.mlp_generator(LATENT_DIM, (8, 8, 1), hidden=HIDDEN),
                     make_discriminator((8, 8, 1)), seed=SEED)
    gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
    every = gankit.pick(full=200, smoke=2)
    frames = EveryN(every, n=10, seed=SEED)
    gan.fit(x_digits, batch_size=BATCH_SIZE, epochs=100_000, verbose=0,
            callbacks=[gankit.StepBudget(gankit.pick(full=1600, smoke=4)), frames])
    gankit.image_grid(np.concatenate([images for _, images in frames.frames]), ncols=10,
                      row_labels=[f"step {step}" for step, _ in frames.frames])
    plt.show()
    plt.close("all")
    return (EveryN,)


def mistake_3():
    class EveryNBatches(EveryN):
        def on_train_batch_end(self, batch, logs=None):
            if (batch + 1) % self.every == 0:     # batch counts from 0 again each epoch
                self.frames.append((batch + 1, self.model.generate(self.n, seed=self.seed)))
    return (EveryNBatches,)

"""Lesson 06, worked solutions. Try each exercise in the lesson first, then compare.

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
MINUTES = gankit.pick(full=3.0, smoke=0.01)     # training budget of each comparison run
N_EVAL = gankit.pick(full=2000, smoke=100)       # samples for class accuracy


def adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def class_accuracy(gan, dataset="fashion-mnist", seed=SEED):
    """Share of samples that the course classifier puts in the class asked for."""
    asked = np.random.default_rng(seed).integers(10, size=N_EVAL)
    samples = gan.generate(N_EVAL, labels=asked, seed=seed)
    return gankit.metrics.class_accuracy(samples, asked, dataset=dataset)


# --- Exercise 1: a conditional MLP GAN ------------------------------------------------------

def exercise_1():
    gankit.seed_everything(SEED)
    G = gankit.mlp_generator(LATENT_DIM, (28, 28, 1), hidden=(256, 512), num_classes=10)
    D = gankit.mlp_discriminator((28, 28, 1), hidden=(512, 256), num_classes=10)
    gan = gankit.GAN(G, D, seed=SEED)
    gan.compile(adam(), adam())
    x, y = gankit.load_fashion_mnist("train", verbose=False)
    gan.fit(x, y, batch_size=64, epochs=10_000, verbose=0,
            callbacks=[gankit.TimeBudget(MINUTES)])
    print(f"conditional MLP GAN, class accuracy: {class_accuracy(gan):.1%}")
    # Compare with the lesson's cgan-fashion: the MLP obeys labels too, but its images are
    # rougher, and the classifier misreads rough images more often.
    return G, D


def mistake_1():
    G = gankit.mlp_generator(LATENT_DIM, (28, 28, 1), hidden=(256, 512), num_classes=10)
    D = gankit.mlp_discriminator((28, 28, 1), hidden=(512, 256))   # D never sees the label
    return G, D


# --- Exercise 2: the label as one-hot channels ----------------------------------------------

def onehot_discriminator(F=32, num_classes=10):
    # the lesson's conditional_discriminator with one change: the label enters as 10 fixed
    # one-hot channels instead of one learned (Embedding) channel
    init = keras.initializers.RandomNormal(0.0, 0.02)
    image = keras.Input((28, 28, 1), name="image")
    label = keras.Input((1,), dtype="int32", name="label")
    one_hot = layers.CategoryEncoding(num_classes, output_mode="one_hot")(label)   # (n, 10)
    maps = layers.UpSampling2D(28)(layers.Reshape((1, 1, num_classes))(one_hot))  # (n, 28, 28, 10)
    h = layers.Concatenate()([image, maps])                                       # 11 channels
    h = layers.LeakyReLU(negative_slope=0.2)(
        layers.Conv2D(F, 4, strides=2, padding="same", kernel_initializer=init)(h))
    h = layers.Conv2D(2 * F, 4, strides=2, padding="same", kernel_initializer=init)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.BatchNormalization()(h))
    features = layers.Flatten()(h)
    score = layers.Dense(1, kernel_initializer=init)(features)
    class_vec = layers.Flatten()(layers.Embedding(num_classes, 7 * 7 * 2 * F)(label))
    match = layers.Dot(axes=1)([class_vec, features])      # the projection term, as before
    return keras.Model([image, label], layers.Add()([score, match]), name="onehot_discriminator")


def exercise_2():
    x, y = gankit.load_fashion_mnist("train", verbose=False)
    for name, make_d in (("learned label channel", lambda: gankit.dcgan_discriminator(
                             base_filters=32, num_classes=10, projection=True)),
                         ("one-hot channels", lambda: onehot_discriminator(32))):
        gankit.seed_everything(SEED)
        G = gankit.dcgan_generator(LATENT_DIM, base_filters=32, num_classes=10)
        gan = gankit.GAN(G, make_d(), seed=SEED)
        gan.compile(adam(), adam())
        gan.fit(x, y, batch_size=64, epochs=10_000, verbose=0,
                callbacks=[gankit.TimeBudget(MINUTES)])
        print(f"{name:<22} class accuracy after {MINUTES:g} min: {class_accuracy(gan):.1%}")
    # Same G, same budget, only D's input channel differs. One seed and a few minutes decide
    # little: rerun with another SEED before you conclude.
    return (onehot_discriminator,)


def mistake_2():
    def class_number_channel(F=32, num_classes=10):
        image = keras.Input((28, 28, 1), name="image")
        label = keras.Input((1,), dtype="int32", name="label")
        # the class as one number, 0..9, on a single channel: "sandal (5) lies between
        # coat (4) and shirt (6)", an order the classes do not have
        number = layers.Reshape((1, 1, 1))(keras.ops.cast(label, "float32") / (num_classes - 1))
        h = layers.Concatenate()([image, layers.UpSampling2D(28)(number)])
        h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(F, 4, strides=2, padding="same")(h))
        h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(2 * F, 4, strides=2,
                                                               padding="same")(h))
        return keras.Model([image, label], layers.Dense(1)(layers.Flatten()(h)))
    return (class_number_channel,)


# --- Exercise 3: conditional digits ---------------------------------------------------------

def exercise_3():
    x_digits, y_digits = gankit.load_digits8(verbose=False)
    gankit.seed_everything(SEED)
    G = gankit.dcgan_generator(32, image_shape=(8, 8, 1), base_filters=32, num_classes=10)
    D = gankit.dcgan_discriminator(image_shape=(8, 8, 1), base_filters=32, num_classes=10,
                                   projection=True)
    digits_gan = gankit.GAN(G, D, seed=SEED)
    digits_gan.compile(adam(), adam())
    digits_gan.fit(x_digits, y_digits, batch_size=64, epochs=10_000, verbose=0,
                   callbacks=[gankit.StepBudget(gankit.pick(full=3000, smoke=2))])
    rows = digits_gan.generate(100, labels=np.repeat(np.arange(10), 10), seed=1)
    gankit.image_grid(rows, ncols=10, row_labels=[str(d) for d in range(10)],
                      title="Conditional DCGAN on the 8x8 digits: one row per digit")
    plt.show()
    plt.close("all")
    print(f"class accuracy (digits classifier): {class_accuracy(digits_gan, 'digits8'):.1%}")
    return (digits_gan,)


def mistake_3():
    # an unconditional GAN on the digits: it makes digits, but nobody can ask for a 7
    x_digits, _ = gankit.load_digits8(verbose=False)
    gan = gankit.GAN(gankit.dcgan_generator(32, image_shape=(8, 8, 1), base_filters=32),
                     gankit.dcgan_discriminator(image_shape=(8, 8, 1), base_filters=32), seed=SEED)
    gan.compile(adam(), adam())
    gan.fit(x_digits, batch_size=64, epochs=1, verbose=0, callbacks=[gankit.StepBudget(1)])
    return (gan,)

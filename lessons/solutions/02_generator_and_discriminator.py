"""Lesson 02, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import keras
import numpy as np
from keras import layers, ops

import gankit

LATENT_DIM = 64


def shape_table(model):
    # the lesson's helper: one line per layer, its type, output shape and trainable weights
    print(f"{model.name}")
    for layer in model.layers:
        n = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
        print(f"  {type(layer).__name__:<22}{str(tuple(layer.output.shape)[1:]):<18}{n:>9,}")
    print(f"  total trainable weights: {gankit.count_params(model):,}")


# --- Exercise 1: a deeper generator ---------------------------------------------------------

def make_deep_generator(latent_dim=LATENT_DIM):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,), name="z"),
        layers.Dense(256, name="hidden_1"),                      # latent -> 256
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dense(512, name="hidden_2"),                      # 256 -> 512
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dense(28 * 28, activation="tanh", name="pixels"),  # 512 -> 784, in [-1, 1]
        layers.Reshape((28, 28, 1), name="image"),
    ], name="deep_generator")


def exercise_1():
    deep = make_deep_generator(LATENT_DIM)
    shape_table(deep)
    reference = gankit.mlp_generator(LATENT_DIM, (28, 28, 1), hidden=(256, 512))
    # 64*256 + 256 + 256*512 + 512 + 512*784 + 784 = 550,416: the same for both
    print("same weight count as gankit:",
          gankit.count_params(deep) == gankit.count_params(reference))
    return (make_deep_generator,)


def mistake_1():
    def no_activations(latent_dim=LATENT_DIM):
        # the right sizes and weight count, but Dense after Dense with nothing between:
        # the two hidden layers collapse into one linear map of z
        return keras.Sequential([
            keras.Input(shape=(latent_dim,)), layers.Dense(256), layers.Dense(512),
            layers.Dense(28 * 28, activation="tanh"), layers.Reshape((28, 28, 1))])
    return (no_activations,)


# --- Exercise 2: D's loss, stable by hand ---------------------------------------------------

def d_loss_softplus(real_scores, fake_scores):
    # -log sigmoid(s) = softplus(-s) (label 1); -log(1 - sigmoid(s)) = softplus(s) (label 0)
    return ops.mean(ops.softplus(-real_scores)) + ops.mean(ops.softplus(fake_scores))


def exercise_2():
    minimax = gankit.get_loss("minimax")
    big = np.full((4, 1), 200.0, "float32")
    for real, fake in ((big, -big), (-big, big)):
        mine, theirs = float(d_loss_softplus(real, fake)), float(minimax.d_loss(real, fake))
        print(f"real {real[0, 0]:+.0f}, fake {fake[0, 0]:+.0f}: "
              f"mine {mine:.4f}, gankit {theirs:.4f}")
    return (d_loss_softplus,)


def mistake_2():
    def naive(real_scores, fake_scores):
        # sigmoid first, then log: sigmoid(-200) rounds to 0 and log(0) = -inf
        return (-ops.mean(ops.log(ops.sigmoid(real_scores)))
                - ops.mean(ops.log(1 - ops.sigmoid(fake_scores))))
    return (naive,)


# --- Exercise 3: other image sizes ----------------------------------------------------------

def exercise_3():
    g32 = gankit.dcgan_generator(LATENT_DIM, image_shape=(32, 32, 3))
    d32 = gankit.dcgan_discriminator(image_shape=(32, 32, 3))
    shape_table(g32)
    shape_table(d32)
    # G: Dense -> Reshape to 4x4x256, then three stride-2 Conv2DTranspose: 4 -> 8 -> 16 -> 32.
    # D: three stride-2 Conv2D: 32 -> 16 -> 8 -> 4, then Flatten and Dense(1).
    return g32, d32, 4, 3, 4


def mistake_3():
    g32 = gankit.dcgan_generator(LATENT_DIM, image_shape=(32, 32, 3))
    d32 = gankit.dcgan_discriminator(image_shape=(32, 32, 3))
    return g32, d32, 7, 2, 7     # read off the 28x28 tables of the lesson, not these ones

"""Lesson 13, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import numpy as np
from keras import ops
from scipy.optimize import linear_sum_assignment

import gankit


# --- Exercise 1: ACGAN's discriminator as a classifier --------------------------------------

def class_probabilities(discriminator, images):
    # D has two outputs: [real-or-fake score, class logits]. A classifier answers for each
    # image alone, so batch norm runs in inference mode (training=False).
    _, logits = discriminator(ops.convert_to_tensor(images, "float32"), training=False)
    return ops.convert_to_numpy(ops.softmax(logits, axis=-1))   # one distribution per image


def exercise_1():
    gan = gankit.recipes.acgan_fashion(0)
    x, y = gankit.load_fashion_mnist("train", verbose=False)
    gan.fit(x, y, batch_size=64, epochs=1, verbose=0,
            steps_per_epoch=gankit.pick(full=900, smoke=2))      # the lesson's 1.5 minutes
    x_test, y_test = gankit.load_fashion_mnist("test", n=1000, verbose=False)
    probs = class_probabilities(gan.discriminator, x_test)
    print(f"ACGAN's D names {np.mean(probs.argmax(1) == y_test):.1%} of 1,000 test images right")
    return (class_probabilities,)


def mistake_1():
    def class_probabilities(discriminator, images):
        _, logits = discriminator(images, training=False)
        return ops.convert_to_numpy(ops.sigmoid(logits))   # ten separate yes/no answers
    return (class_probabilities,)


# --- Exercise 2: choosing InfoGAN's codes ---------------------------------------------------

def code_grid(categories, continuous, code, steps, span):
    rows = np.repeat(np.arange(categories), steps)              # row r: category r, steps times
    values = np.tile(np.linspace(-span, span, steps), categories)  # the code along each row
    codes = np.zeros((categories * steps, 1 + continuous), "float32")
    codes[:, 0] = rows
    codes[:, 1 + code] = values                                  # the other codes stay 0
    return codes


def infogan_input(z, codes, categories):
    codes = np.asarray(codes, "float32")
    one_hot = np.eye(categories, dtype="float32")[codes[:, 0].astype(int)]
    return np.concatenate([np.asarray(z, "float32"), one_hot, codes[:, 1:]], axis=1)


def exercise_2():
    gan = gankit.recipes.info_gan(0, "digits8")      # untrained here: train it to see knobs
    codes = code_grid(gan.categories, gan.continuous, code=0, steps=7, span=2.0)
    z = np.random.default_rng(0).standard_normal((gan.categories, gan.noise_dim))
    latent = infogan_input(np.repeat(z, 7, axis=0), codes, gan.categories)  # one z per row
    images = ops.convert_to_numpy(gan.generator(latent, training=False))
    print("grid:", images.shape, "= 10 categories x 7 values of continuous code 1")
    return code_grid, infogan_input


def mistake_2():
    def code_grid(categories, continuous, code, steps, span):
        codes = np.zeros((categories * steps, 1 + continuous), "float32")
        codes[:, 0] = np.tile(np.arange(categories), steps)     # categories change along a row
        codes[:, 1 + code] = np.repeat(np.linspace(-span, span, steps), categories)
        return codes
    return code_grid, infogan_input


# --- Exercise 3: clustering accuracy after matching -----------------------------------------

def matched_accuracy(labels, clusters):
    labels, clusters = np.asarray(labels, int), np.asarray(clusters, int)
    table = np.zeros((clusters.max() + 1, labels.max() + 1))   # clusters x classes
    np.add.at(table, (clusters, labels), 1)
    rows, cols = linear_sum_assignment(-table)                 # the matching that agrees most
    return table[rows, cols].sum() / len(labels)


def exercise_3():
    xd, yd = gankit.load_digits8(verbose=False, split="test")
    digits, _ = gankit.train_recipe("infogan-digits", minutes=gankit.pick(full=1.0, smoke=0.01),
                                    seed=0, progress=False)
    probs, _ = digits.recover_codes(xd)
    print(f"InfoGAN's code on the test digits: {matched_accuracy(yd, probs.argmax(1)):.1%} "
          "after matching (chance about 10%)")
    return (matched_accuracy,)


def mistake_3():
    return (lambda labels, clusters: float(np.mean(np.asarray(labels) == np.asarray(clusters))),)

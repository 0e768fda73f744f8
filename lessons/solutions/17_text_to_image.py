"""Lesson 17, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import numpy as np
from keras import ops

import gankit
from gankit import captions as cap       # the scenes, their captions, the text encoder


# --- Exercise 1: GAN-CLS's discriminator loss, with its weight ------------------------------

def bce(logits, target):
    return ops.mean(ops.binary_crossentropy(ops.full(ops.shape(logits), target), logits,
                                            from_logits=True))


def gan_cls_d_loss(real_right, real_wrong, fake_right, mismatch_weight):
    m = mismatch_weight
    return (bce(real_right, 1.0)                  # real image, its sentence: real
            + m * bce(real_wrong, 0.0)            # real image, another's sentence: fake
            + (1 - m) * bce(fake_right, 0.0))     # G's image, its sentence: fake


def exercise_1():
    scores = np.random.default_rng(0).normal(size=(3, 64, 1)).astype("float32")
    for m in (0.0, 0.5):
        print(f"mismatch_weight {m}: D loss {float(gan_cls_d_loss(*scores, m)):.3f}")
    return (gan_cls_d_loss,)


def mistake_1():
    def plain_d_loss(real_right, real_wrong, fake_right, mismatch_weight):
        m = mismatch_weight
        return (bce(real_right, 1.0) + m * bce(real_wrong, 1.0)    # "a real image is real"
                + (1 - m) * bce(fake_right, 0.0))
    return (plain_d_loss,)


# --- Exercise 2: a held-out sentence from seen ones -----------------------------------------

def compose(encode):
    red_circle, green_square, green_circle = encode([
        "a big red circle on the left",      # seen: red, in another shape
        "a big green square on the left",    # seen: square, in another colour
        "a big green circle on the left"])   # seen: what the two share, taken away once
    # linear encoder, 7 words each: swapping "circle" for "square" is one vector difference
    return red_circle + green_square - green_circle


def exercise_2():
    _, text, text_attributes = cap.shape_scenes(2048, seed=30, which="all")
    encoder, _ = cap.train_text_encoder(text, text_attributes, seed=0,
                                        epochs=gankit.pick(full=5, smoke=1))
    built = compose(lambda captions: cap.encode_text(encoder, captions))
    direct = cap.encode_text(encoder, ["a big red square on the left"])[0]
    print("largest difference to the encoded sentence:", float(np.abs(built - direct).max()))
    return (compose,)


def mistake_2():
    def compose_sum(encode):                 # red + square, without removing the shared part
        red_circle, green_square = encode(["a big red circle on the left",
                                           "a big green square on the left"])
        return red_circle + green_square
    return (compose_sum,)

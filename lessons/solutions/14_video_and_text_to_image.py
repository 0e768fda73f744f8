"""Lesson 14, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import numpy as np
from keras import ops

import gankit
from gankit import captions as cap       # the scenes, their captions, the text encoder
from gankit import video


# --- Exercise 1: motion statistics, written out ---------------------------------------------

def motion(clips):
    centres = video.centres_of_mass(clips)              # (N, T, 2): where the sprite is
    velocity = np.diff(centres, axis=1)                  # (N, T-1, 2): displacement per frame
    acceleration = np.diff(velocity, axis=1)             # (N, T-2, 2): change of the *vector*
    speed = np.linalg.norm(velocity, axis=-1).mean()
    accel = np.linalg.norm(acceleration, axis=-1).mean()
    return speed, accel, accel / speed                   # relative: not won by moving slowly


def exercise_1():
    clips = gankit.bouncing_sprites(gankit.pick(full=500, smoke=64), seed=1)
    speed, accel, relative = motion(clips)
    print(f"real clips: speed {speed:.2f} px/frame, acceleration {accel:.2f}, "
          f"relative {relative:.2f}")
    return (motion,)


def mistake_1():
    def motion_by_speed(clips):
        velocity = np.diff(video.centres_of_mass(clips), axis=1)
        speeds = np.linalg.norm(velocity, axis=-1)
        accel = np.abs(np.diff(speeds, axis=1)).mean()   # a bounce keeps the speed: missed
        return speeds.mean(), accel, accel / speeds.mean()
    return (motion_by_speed,)


# --- Exercise 2: GAN-CLS's discriminator loss, with its weight ------------------------------

def bce(logits, target):
    return ops.mean(ops.binary_crossentropy(ops.full(ops.shape(logits), target), logits,
                                            from_logits=True))


def gan_cls_d_loss(real_right, real_wrong, fake_right, mismatch_weight):
    m = mismatch_weight
    return (bce(real_right, 1.0)                  # real image, its sentence: real
            + m * bce(real_wrong, 0.0)            # real image, another's sentence: fake
            + (1 - m) * bce(fake_right, 0.0))     # G's image, its sentence: fake


def exercise_2():
    scores = np.random.default_rng(0).normal(size=(3, 64, 1)).astype("float32")
    for m in (0.0, 0.5):
        print(f"mismatch_weight {m}: D loss {float(gan_cls_d_loss(*scores, m)):.3f}")
    return (gan_cls_d_loss,)


def mistake_2():
    def plain_d_loss(real_right, real_wrong, fake_right, mismatch_weight):
        m = mismatch_weight
        return (bce(real_right, 1.0) + m * bce(real_wrong, 1.0)    # "a real image is real"
                + (1 - m) * bce(fake_right, 0.0))
    return (plain_d_loss,)


# --- Exercise 3: a held-out sentence from seen ones -----------------------------------------

def compose(encode):
    red_circle, green_square, green_circle = encode([
        "a big red circle on the left",      # seen: red, in another shape
        "a big green square on the left",    # seen: square, in another colour
        "a big green circle on the left"])   # seen: what the two share, taken away once
    # linear encoder, 7 words each: swapping "circle" for "square" is one vector difference
    return red_circle + green_square - green_circle


def exercise_3():
    _, text, text_attributes = cap.shape_scenes(2048, seed=30, which="all")
    encoder, _ = cap.train_text_encoder(text, text_attributes, seed=0,
                                        epochs=gankit.pick(full=5, smoke=1))
    built = compose(lambda captions: cap.encode_text(encoder, captions))
    direct = cap.encode_text(encoder, ["a big red square on the left"])[0]
    print("largest difference to the encoded sentence:", float(np.abs(built - direct).max()))
    return (compose,)


def mistake_3():
    def compose_sum(encode):                 # red + square, without removing the shared part
        red_circle, green_square = encode(["a big red circle on the left",
                                           "a big green square on the left"])
        return red_circle + green_square
    return (compose_sum,)

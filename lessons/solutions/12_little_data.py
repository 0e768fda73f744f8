"""Worked solutions to lesson 12's exercises (Training on little data). Try them first!

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a
typical wrong answer that the check refuses.
"""
import numpy as np
from keras import ops


# --- Exercise 1: translation, zeros coming in ------------------------------------------------

def translate(images, dy, dx):
    # in keras.ops, so that G's gradient can pass through it inside a training step
    x = ops.convert_to_tensor(images, "float32")
    height, width = x.shape[1], x.shape[2]
    dy, dx = ops.convert_to_tensor(dy, "int32"), ops.convert_to_tensor(dx, "int32")
    rows = ops.arange(height, dtype="int32")[None, :] - dy[:, None]   # (N, H): the row each comes from
    cols = ops.arange(width, dtype="int32")[None, :] - dx[:, None]    # (N, W): the column
    inside = (ops.cast((rows >= 0) & (rows < height), "float32")[:, :, None]
              * ops.cast((cols >= 0) & (cols < width), "float32")[:, None, :])   # (N, H, W)
    rows, cols = ops.clip(rows, 0, height - 1), ops.clip(cols, 0, width - 1)
    moved = ops.take_along_axis(x, ops.broadcast_to(rows[:, :, None, None], x.shape), axis=1)
    moved = ops.take_along_axis(moved, ops.broadcast_to(cols[:, None, :, None], x.shape), axis=2)
    return moved * inside[..., None]                                  # what came in is 0


def exercise_1():
    return (translate,)


def mistake_1():
    def wraps(images, dy, dx):   # np.roll wraps the bottom rows round to the top
        x = np.asarray(images)
        return np.stack([np.roll(im, (a, b), axis=(0, 1)) for im, a, b in zip(x, dy, dx)])
    return (wraps,)


# --- Exercise 2: ADA's step for p ------------------------------------------------------------

def ada_step(p, rt, target, batch, images):
    # up by batch / images while D is too sure of its images (r_t above the target), down below
    return float(np.clip(p + np.sign(rt - target) * batch / images, 0.0, 1.0))


def exercise_2():
    return (ada_step,)


def mistake_2():
    def unclipped(p, rt, target, batch, images):   # p leaves [0, 1]: not a probability
        return p + np.sign(rt - target) * batch / images
    return (unclipped,)

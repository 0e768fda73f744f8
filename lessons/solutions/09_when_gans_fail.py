"""Lesson 09, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import keras
import numpy as np
import tensorflow as tf   # the gradient tape of exercise 2, as in the lesson

import gankit


# --- Exercise 1: reading collapse over time -------------------------------------------------

def collapse_summary(shares):
    shares = np.asarray(shares, "float64")          # (measurements, modes)
    busiest = shares.argmax(axis=1)                 # where most samples are, each time
    hops = int(np.sum(busiest[1:] != busiest[:-1]))  # how often that place changes
    # exp(entropy): 8 for samples spread evenly over 8 modes, 1 for a single clump.
    # A mode with a few stray samples counts a little, not as a whole mode.
    logs = np.log(np.where(shares > 0, shares, 1.0))  # 0 log 0 = 0
    effective = np.exp(-np.sum(shares * logs, axis=1))
    return busiest, hops, effective


def exercise_1():
    # The lesson's tipped ring run, shortened: G learns 10x faster than D.
    gankit.seed_everything(0)
    gan = gankit.recipes.toy_gan(0, "ring8", lr=(1e-4, 1e-3), betas=(0.5, 0.999))
    ring = gankit.load("ring8", n=100_000, seed=0)
    centres = gankit.data.MIXTURES["ring8"][0]
    shares = []
    for _ in range(gankit.pick(full=20, smoke=2)):               # measurements
        gan.fit(ring, batch_size=100, epochs=1, verbose=0,
                steps_per_epoch=gankit.pick(full=100, smoke=3))  # steps between them
        points = gan.generate(2500, seed=0)                      # the same noise each time
        nearest = np.linalg.norm(points[:, None] - centres[None], axis=-1).argmin(1)
        shares.append(np.bincount(nearest, minlength=len(centres)) / len(points))
    busiest, hops, effective = collapse_summary(shares)
    print("busiest mode:", busiest, f"({hops} hops); effective modes:", np.round(effective, 1))
    return (collapse_summary,)


def mistake_1():
    def collapse_summary(shares):
        shares = np.asarray(shares)
        busiest = shares.argmax(1)
        hops = int(np.sum(busiest[1:] != busiest[:-1]))
        return busiest, hops, (shares > 0).sum(1)   # every mode touched counts as a whole one
    return (collapse_summary,)


# --- Exercise 2: where the minimax gradient vanishes ----------------------------------------

def g_slopes(scores):
    scores = tf.Variable(np.asarray(scores, "float32").reshape(-1, 1))
    slopes = []
    for g_loss in (gankit.losses.minimax_g_loss, gankit.losses.non_saturating_g_loss):
        with tf.GradientTape() as tape:
            loss = g_loss(scores)
        # the losses average over the batch: times the batch size gives each sample's slope
        slopes.append(tape.gradient(loss, scores).numpy().ravel() * len(scores.numpy()))
    return tuple(slopes)


def exercise_2():
    # The slopes are -p and -(1 - p), p = D(G(z)); their ratio p / (1 - p) is 1/100 at
    # p = 1/101 (a score of -log 100 = -4.6). Bisection finds it from the slopes alone.
    lo, hi = -20.0, 0.0
    for _ in range(60):
        mid = (lo + hi) / 2
        mm, ns = g_slopes([mid])
        lo, hi = (mid, hi) if mm[0] / ns[0] < 0.01 else (lo, mid)
    edge_p = 1.0 / (1.0 + np.exp(-lo))
    return g_slopes, edge_p


def mistake_2():
    def g_slopes(scores):            # slopes in D's probability p, not in its score
        p = 1.0 / (1.0 + np.exp(-np.asarray(scores, "float64")))
        return -1.0 / (1.0 - p), -1.0 / p
    return g_slopes, 0.01            # and "the ratio is D(G(z))": off by the factor 1 - p


# --- Exercise 3: a damped game --------------------------------------------------------------

def damped_game(gamma, steps=200, eta=0.1, start=(1.0, 1.0)):
    x, y = start
    path = [(x, y)]
    for _ in range(steps):
        # simultaneous: both move from the old point, both pulled towards 0 by gamma
        x, y = (1 - gamma) * x - eta * y, (1 - gamma) * y + eta * x
        path.append((x, y))
    return np.array(path)


def exercise_3():
    # Bisection on gamma: the smallest one whose distance to (0, 0) shrinks over a long run
    # (more damping always shrinks it faster). Closed form: a step multiplies the distance
    # by sqrt((1 - gamma)^2 + eta^2), below 1 for gamma > 1 - sqrt(1 - eta^2) = 0.00501.
    lo, hi = 0.0, 0.1
    for _ in range(20):
        mid = (lo + hi) / 2
        shrinks = np.linalg.norm(damped_game(mid, steps=2000)[-1]) < np.sqrt(2)
        lo, hi = (lo, mid) if shrinks else (mid, hi)
    return damped_game, hi


def mistake_3():
    def damped_game(gamma, steps=200, eta=0.1, start=(1.0, 1.0)):
        x, y = start
        path = [(x, y)]
        for _ in range(steps):
            x = (1 - gamma) * x - eta * y
            y = (1 - gamma) * y + eta * x      # alternating: y already sees the new x
            path.append((x, y))
        return np.array(path)
    return damped_game, 0.0                    # "no damping needed": true only alternating

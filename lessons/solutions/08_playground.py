"""Lesson 08, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
The lesson's 2D GAN and its ``play_step`` are rebuilt below, so this file runs on its own.
"""
import threading
import time

import ipywidgets as widgets
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import ops

import gankit

SEED = 0
STEPS = gankit.pick(full=2000, smoke=10)

real = gankit.ring8(20_000, seed=SEED)
rng = np.random.default_rng(SEED)


def batch(n=256):
    return real[rng.integers(len(real), size=n)]


def lesson_gan():
    gankit.seed_everything(SEED)
    gan = gankit.GAN(gankit.mlp_generator(2, (2,), hidden=(64, 64), output_activation=None),
                     gankit.mlp_discriminator((2,), hidden=(64, 64)), seed=SEED)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    return gan


def play_step(gan, d_steps=1):
    for _ in range(d_steps):
        out = gan.step(batch(), update="d")
    out.update(gan.step(batch(), update="g"))
    return out


# --- Exercise 1: the arrows, from a tape ----------------------------------------------------

def score_gradient(discriminator, points):
    x = tf.convert_to_tensor(np.asarray(points, "float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)                                   # x is data, not a weight: watch it
        scores = discriminator(x, training=False)       # the logit, no sigmoid
    # each score depends on its own point only, so the gradient of their sum gives one
    # (d score / dx, d score / dy) per point
    return ops.convert_to_numpy(tape.gradient(scores, x))


def exercise_1():
    gan = lesson_gan()
    for _ in range(gankit.pick(full=300, smoke=5)):
        play_step(gan)
    fakes = gan.generate(60, seed=SEED)
    arrows = score_gradient(gan.discriminator, fakes)
    arrows /= np.linalg.norm(arrows, axis=1, keepdims=True) + 1e-12   # directions only
    fig, ax = plt.subplots(figsize=(4.6, 4))
    gankit.plot_2d_gan(gan, real, lim=1.5, ax=ax, title="Grey: gankit's arrows; red: mine")
    ax.quiver(fakes[:, 0], fakes[:, 1], arrows[:, 0], arrows[:, 1], color="C3", width=0.004)
    plt.show()
    plt.close(fig)
    # The red arrows lie on gankit's, which it takes by finite differences on a grid.
    return (score_gradient,)


def mistake_1():
    def loss_gradient(discriminator, points):
        x = tf.convert_to_tensor(np.asarray(points, "float32"))
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = ops.sum(ops.softplus(-discriminator(x, training=False)))   # G's loss
        # the gradient of the loss points downhill for D's score: G moves against it
        return ops.convert_to_numpy(tape.gradient(loss, x))
    return (loss_gradient,)


# --- Exercise 2: training in a worker thread ------------------------------------------------

def train_in_background(step_fn, steps, stop):
    def work():
        for _ in range(steps):
            if stop.is_set():           # the pause button sets it; we stop before the next step
                return
            step_fn()

    worker = threading.Thread(target=work, daemon=True)   # work, not work(): the thread calls it
    worker.start()
    return worker                                         # at once, while it trains


def exercise_2():
    gan = lesson_gan()
    stop = threading.Event()
    worker = train_in_background(lambda: play_step(gan), STEPS, stop)
    for _ in range(3):                  # the kernel is free: it can look while G trains
        time.sleep(gankit.pick(full=1.0, smoke=0.1))
        print("G steps so far:", int(gan.g_optimizer.iterations.numpy()))
    stop.set()                          # "pause"
    worker.join()
    print("stopped after", int(gan.g_optimizer.iterations.numpy()), "steps")
    return (train_in_background,)


def mistake_2():
    def runs_before_returning(step_fn, steps, stop):
        def work():
            for _ in range(steps):
                if stop.is_set():
                    return
                step_fn()
        worker = threading.Thread(target=work())   # work() runs here, now; the thread gets None
        worker.start()
        return worker
    return (runs_before_returning,)


# --- Exercise 3: an instance-noise slider ---------------------------------------------------

def noise_slider(gan):
    slider = widgets.FloatSlider(value=float(ops.convert_to_numpy(gan.instance_noise)), min=0.0,
                                 max=0.5, step=0.01, description="instance noise")
    # assign, in place: the compiled step reads this very variable at its next call
    slider.observe(lambda change: gan.instance_noise.assign(change["new"]), names="value")
    return slider


def exercise_3():
    results = {}
    for noise in (0.0, 0.1):
        pg = gankit.Playground("ring8", loss="non-saturating", d_lr=1e-4, g_lr=3e-3, seed=SEED)
        noise_slider(pg.gan).value = noise          # as if dragged before pressing play
        pg.run(STEPS, redraw=False)
        results[noise] = gankit.mode_stats(pg.gan.generate(2500, seed=1), "ring8")["modes"]
    print("modes captured by the 30x-faster G, by instance noise:", results)
    # Noise blurs D's view, so its heatmap changes more smoothly and G's clump is pushed
    # less sharply from spot to spot. Whether it is enough here, try several seeds.
    return (noise_slider,)


def mistake_3():
    def replacing_slider(gan):
        slider = widgets.FloatSlider(value=0.0, min=0.0, max=0.5, step=0.01)

        def on_change(change):
            gan.instance_noise = change["new"]   # a new float; the training step keeps the old one
        slider.observe(on_change, names="value")
        return slider
    return (replacing_slider,)

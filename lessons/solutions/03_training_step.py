"""Lesson 03, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
The lesson's losses and ``MyGAN`` are repeated below, so this file runs on its own.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

import gankit

SEED = 0
LATENT_DIM = 2
BATCH_SIZE = 128


def build_pair(seed=SEED):
    gankit.seed_everything(seed)
    generator = gankit.mlp_generator(latent_dim=LATENT_DIM, output_shape=(2,), hidden=(64, 64),
                                     output_activation=None)
    discriminator = gankit.mlp_discriminator((2,), hidden=(64, 64))
    return generator, discriminator


def d_loss_fn(real_logits, fake_logits):
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def g_loss_non_saturating(fake_logits):
    return ops.mean(ops.softplus(-fake_logits))


def g_loss_minimax(fake_logits):
    return -ops.mean(ops.softplus(fake_logits))


G_LOSSES = {"non-saturating": g_loss_non_saturating, "minimax": g_loss_minimax}


class MyGAN(keras.Model):
    """The lesson's GAN, as written there (without the two plotting helpers)."""

    def __init__(self, generator, discriminator, g_loss="non-saturating", seed=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.g_loss_fn = G_LOSSES[g_loss]
        self.latent_dim = generator.inputs[0].shape[-1]
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.built = True

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]

    def noise(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)

    def d_step(self, real):
        G, D = self.generator, self.discriminator
        z = self.noise(ops.shape(real)[0])
        with tf.GradientTape() as tape:
            fake = G(z, training=True)
            real_logits = D(real, training=True)
            fake_logits = D(fake, training=True)
            d_loss = d_loss_fn(real_logits, fake_logits)
        d_grads = tape.gradient(d_loss, D.trainable_variables)
        self.d_optimizer.apply(d_grads, D.trainable_variables)
        return d_loss, real_logits, fake_logits

    def g_step(self, batch_size):
        G, D = self.generator, self.discriminator
        z = self.noise(batch_size)
        with tf.GradientTape() as tape:
            fake_logits = D(G(z, training=True), training=True)
            g_loss = self.g_loss_fn(fake_logits)
        g_grads = tape.gradient(g_loss, G.trainable_variables)
        self.g_optimizer.apply(g_grads, G.trainable_variables)
        return g_loss

    def train_step(self, real):
        d_loss, real_logits, fake_logits = self.d_step(real)
        g_loss = self.g_step(ops.shape(real)[0])
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(ops.mean(ops.sigmoid(real_logits)))
        self.d_fake_tracker.update_state(ops.mean(ops.sigmoid(fake_logits)))
        return {m.name: m.result() for m in self.metrics}


def snapshot(model):
    return [ops.convert_to_numpy(w).copy() for w in model.trainable_variables]


# --- Exercise 1: break the freeze on purpose ------------------------------------------------

def bad_g_step(G, D, g_optimizer, z):
    with tf.GradientTape() as tape:
        g_loss = g_loss_non_saturating(D(G(z, training=True), training=True))
    variables = G.trainable_variables + D.trainable_variables     # the bug: D is in the list
    grads = tape.gradient(g_loss, variables)
    g_optimizer.apply(grads, variables)                          # ...and D's weights move
    return g_loss


def exercise_1():
    G, D = build_pair()
    z = np.random.default_rng(SEED).standard_normal((BATCH_SIZE, LATENT_DIM)).astype("float32")
    opt = keras.optimizers.Adam(1e-3)
    d_fake_before = float(ops.mean(ops.sigmoid(D(G(z)))))
    G_before, D_before = snapshot(G), snapshot(D)
    bad_g_step(G, D, opt, z)
    for name, before, after in (("generator", G_before, snapshot(G)),
                                ("discriminator", D_before, snapshot(D))):
        changed = gankit.checks.weights_changed(before, after)
        print(f"{name:<15}{changed} of {len(before)} weight arrays changed")
    print(f"D(G(z)) on the same fakes: {d_fake_before:.3f} -> "
          f"{float(ops.mean(ops.sigmoid(D(G(z))))):.3f}")
    # D goes down G's loss too: it moves towards calling these fakes real. A judge that
    # helps the forger gives G no honest signal; repeat it and D learns to say "real" to
    # everything, and the game is gone.
    return (bad_g_step,)


def mistake_1():
    def gradient_but_no_update(G, D, g_optimizer, z):
        with tf.GradientTape() as tape:
            g_loss = g_loss_non_saturating(D(G(z, training=True), training=True))
        grads = tape.gradient(g_loss, G.trainable_variables + D.trainable_variables)
        # D's gradients are computed, then dropped: only G's reach the optimizer
        n = len(G.trainable_variables)
        g_optimizer.apply(grads[:n], G.trainable_variables)
        return g_loss
    return (gradient_but_no_update,)


# --- Exercise 2: d_steps for MyGAN ----------------------------------------------------------

class MultiDGAN(MyGAN):
    def __init__(self, generator, discriminator, d_steps=1, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.d_steps = int(d_steps)

    def train_step(self, real):
        for _ in range(self.d_steps):                               # D's turns...
            d_loss, real_logits, fake_logits = self.d_step(real)   # fresh fakes each time
        g_loss = self.g_step(ops.shape(real)[0])                    # ...then G's, once
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(ops.mean(ops.sigmoid(real_logits)))
        self.d_fake_tracker.update_state(ops.mean(ops.sigmoid(fake_logits)))
        return {m.name: m.result() for m in self.metrics}


def exercise_2():
    points = gankit.ring8(20_000, seed=SEED)
    seconds = gankit.pick(full=30, smoke=1)
    for name, make in (("MultiDGAN", lambda G, D: MultiDGAN(G, D, d_steps=3, seed=SEED)),
                       ("gankit.GAN", lambda G, D: gankit.GAN(G, D, d_steps=3, seed=SEED))):
        gan = make(*build_pair())
        gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5),
                    keras.optimizers.Adam(1e-3, beta_1=0.5))
        history = gan.fit(points, batch_size=BATCH_SIZE, epochs=10_000, verbose=0,
                          callbacks=[gankit.TimeBudget(minutes=seconds / 60)])
        last = {k: round(float(v[-1]), 3) for k, v in history.history.items()}
        print(f"{name:<11} D updates {int(gan.d_optimizer.iterations)}, G updates "
              f"{int(gan.g_optimizer.iterations)}, last epoch: {last}")
    # Both show the same picture: with three D turns per G turn, D(x) sits higher and
    # D(G(z)) lower than with one; D keeps a bigger edge.
    return (MultiDGAN,)


def mistake_2():
    class GTurnInTheLoop(MultiDGAN):
        def train_step(self, real):
            for _ in range(self.d_steps):
                d_loss, real_logits, fake_logits = self.d_step(real)
                g_loss = self.g_step(ops.shape(real)[0])   # indented one level too far
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            self.d_real_tracker.update_state(ops.mean(ops.sigmoid(real_logits)))
            self.d_fake_tracker.update_state(ops.mean(ops.sigmoid(fake_logits)))
            return {m.name: m.result() for m in self.metrics}
    return (GTurnInTheLoop,)


# --- Exercise 3: the four numbers of one step -----------------------------------------------

def four_numbers(real_logits, fake_logits, g_loss_fn):
    return {"d_loss": d_loss_fn(real_logits, fake_logits),
            "g_loss": g_loss_fn(fake_logits),
            "d_real": ops.mean(ops.sigmoid(real_logits)),     # D(x): P(real) on real data
            "d_fake": ops.mean(ops.sigmoid(fake_logits))}     # D(G(z)): P(real) on fakes


def exercise_3():
    zeros = np.zeros((BATCH_SIZE, 1), "float32")
    for name, fn in G_LOSSES.items():
        numbers = four_numbers(zeros, zeros, fn)
        print(f"ideal end point, {name:>14}: "
              + ", ".join(f"{k} {float(v):.3f}" for k, v in numbers.items()))
    # d_loss = 2 log 2 = 1.386, g_loss = log 2 (non-saturating) or -log 2 (minimax),
    # D(x) = D(G(z)) = 0.5. The minimax run's g_loss curve should hover near -0.693.
    return (four_numbers,)


def mistake_3():
    def fake_as_probability_of_fake(real_logits, fake_logits, g_loss_fn):
        numbers = four_numbers(real_logits, fake_logits, g_loss_fn)
        numbers["d_fake"] = ops.mean(1 - ops.sigmoid(fake_logits))   # P(fake), not D(G(z))
        return numbers
    return (fake_as_probability_of_fake,)

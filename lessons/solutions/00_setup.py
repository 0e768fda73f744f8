"""Lesson 00, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import keras
import numpy as np

import gankit


def exercise_1():
    # the first test image of each class, and its label
    x, y = gankit.load_fashion_mnist("test", verbose=False)
    first = [int(np.flatnonzero(y == k)[0]) for k in range(10)]
    gankit.image_grid(x[first], ncols=10, title="One test image of each class")
    return x[first], y[first]


def mistake_1():
    x, y = gankit.load_fashion_mnist("test", verbose=False)
    return x[:10], y[:10]          # the first ten images: some classes twice, some missing


def exercise_2():
    x, _ = gankit.load_digits8(verbose=False)
    return x.shape, (float(x.min()), float(x.max()))


def mistake_2():
    x, _ = gankit.load_digits8(verbose=False)
    return x.shape, (0.0, 16.0)    # the raw scikit-learn pixel range, not gankit's


class HandTrained(keras.Model):
    """The lesson's model with an accuracy tracker added."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.acc_tracker = keras.metrics.SparseCategoricalAccuracy(name="accuracy")

    def call(self, x):
        return self.net(x)

    def train_step(self, data):
        import tensorflow as tf

        x, y = data
        with tf.GradientTape() as tape:
            scores = self.net(x, training=True)
            loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(
                y, scores, from_logits=True))
        grads = tape.gradient(loss, self.net.trainable_variables)
        self.optimizer.apply(grads, self.net.trainable_variables)
        self.loss_tracker.update_state(loss)
        self.acc_tracker.update_state(y, scores)
        return {m.name: m.result() for m in self.metrics}

    @property
    def metrics(self):
        return [self.loss_tracker, self.acc_tracker]


def exercise_3():
    x, y = gankit.load_fashion_mnist("train", verbose=False)
    net = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                            keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
    model = HandTrained(net)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    h = model.fit(x[:1000], y[:1000], batch_size=128, epochs=1, verbose=0)
    return ({k: v[-1] for k, v in h.history.items()},)


def mistake_3():
    return ({"loss": 0.7},)         # the tracker made but not returned from train_step

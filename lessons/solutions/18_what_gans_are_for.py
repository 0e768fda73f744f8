"""Lesson 18, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import keras
import numpy as np
from keras import ops

import gankit
from gankit import anomaly, augment


# --- Exercise 1: a fixed share of generated images in every batch ---------------------------

class MixedBatches(keras.utils.PyDataset):
    """``steps`` batches, each ``real_share`` real images and the rest generated."""

    def __init__(self, x_real, y_real, x_fake, y_fake, batch_size=64, steps=400,
                 real_share=0.5, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.real, self.fake = (x_real, y_real), (x_fake, y_fake)
        self.n_real = int(round(real_share * batch_size))
        self.n_fake = batch_size - self.n_real
        self.steps, self.seed = steps, seed

    def __len__(self):
        return self.steps                      # batches per epoch: one epoch = the budget

    def __getitem__(self, i):
        rng = np.random.default_rng([self.seed, i])   # batch i is the same whenever asked
        r = rng.choice(len(self.real[0]), self.n_real, replace=False)   # 32 real ...
        f = rng.choice(len(self.fake[0]), self.n_fake, replace=False)   # ... 32 generated
        x = np.concatenate([self.real[0][r], self.fake[0][f]])
        y = np.concatenate([np.asarray(self.real[1])[r], np.asarray(self.fake[1])[f]])
        order = rng.permutation(len(x))        # real and generated mixed within the batch
        return x[order], y[order]


def mixed_batches(x_real, y_real, x_fake, y_fake, batch_size=64, steps=400, seed=0):
    return MixedBatches(x_real, y_real, x_fake, y_fake, batch_size=batch_size, steps=steps,
                        seed=seed)


def exercise_1():
    x, y = gankit.load_fashion_mnist("train", verbose=False)
    x_test, y_test = gankit.load_fashion_mnist("test", verbose=False)
    x_small, y_small = augment.small_labelled_set(x, y, gankit.pick(full=100, smoke=20), seed=0)
    gankit.seed_everything(0)
    cgan = gankit.recipes.fashion_gan(0, conditional=True, name="cgan-small", ema=0.999)
    cgan.fit(x_small, y_small, batch_size=64, epochs=100_000, verbose=0, shuffle=True,
             callbacks=[gankit.StepBudget(gankit.pick(full=750, smoke=2))])
    x_fake, y_fake = augment.generated_set(cgan, gankit.pick(full=500, smoke=20), seed=1)
    steps = gankit.pick(full=400, smoke=5)
    gankit.seed_everything(0)
    model = augment.small_classifier()
    model.fit(mixed_batches(x_small, y_small, x_fake, y_fake, steps=steps), epochs=1, verbose=0)
    print(f"half real, half generated in every batch: test accuracy "
          f"{model.evaluate(x_test, y_test, batch_size=500, verbose=0)[1]:.1%}")
    return (mixed_batches,)


class Concatenated(keras.utils.PyDataset):
    """One shuffled pile of real and generated images: each batch's mix is left to chance."""

    def __init__(self, x_real, y_real, x_fake, y_fake, batch_size=64, steps=400, seed=0):
        super().__init__()
        self.x = np.concatenate([x_real, x_fake])
        self.y = np.concatenate([y_real, y_fake])
        self.batch_size, self.steps, self.seed = batch_size, steps, seed

    def __len__(self):
        return self.steps

    def __getitem__(self, i):
        idx = np.random.default_rng([self.seed, i]).choice(len(self.x), self.batch_size)
        return self.x[idx], self.y[idx]


def mistake_1():
    return (lambda *args, **kwargs: Concatenated(*args, **kwargs),)


# --- Exercise 2: AUROC by counting pairs ----------------------------------------------------

def auroc_pairs(scores, is_anomaly):
    s, t = np.asarray(scores, "float64"), np.asarray(is_anomaly, bool)
    diff = s[t][:, None] - s[~t][None, :]       # every (anomaly, normal) pair
    return float(np.mean((diff > 0) + 0.5 * (diff == 0)))   # a win, or half for a tie


def exercise_2():
    x, y = gankit.load_fashion_mnist("test", n=500, verbose=False)
    normal = gankit.load_fashion_mnist("train", n=5000, verbose=False)
    reference = normal[0][~np.isin(normal[1], (1, 5))]
    scores = anomaly.nearest_neighbour_scores(reference, x)
    print(f"nearest-neighbour score, AUROC by pairs: {auroc_pairs(scores, np.isin(y, (1, 5))):.3f}")
    return (auroc_pairs,)


def mistake_2():
    def auroc_strict(scores, is_anomaly):
        s, t = np.asarray(scores, "float64"), np.asarray(is_anomaly, bool)
        return float(np.mean(s[t][:, None] > s[~t][None, :]))   # ties count as losses
    return (auroc_strict,)


# --- Exercise 3: AnoGAN's full score --------------------------------------------------------

def feature_model(discriminator):
    # what D's last layer (Dense(1)) reads: its input, D's last hidden features
    return keras.Model(discriminator.input, discriminator.layers[-1].input)


def anogan_scores(images, recons, features, weight=0.1):
    images, recons = np.asarray(images, "float32"), np.asarray(recons, "float32")
    residual = np.abs(images - recons).reshape(len(images), -1).mean(1)      # pixels
    fx = ops.convert_to_numpy(features(images, training=False))
    fr = ops.convert_to_numpy(features(recons, training=False))
    discrimination = np.abs(fx - fr).reshape(len(images), -1).mean(1)         # D's features
    return (1 - weight) * residual + weight * discrimination


def exercise_3():
    x, y = gankit.load_fashion_mnist("train", verbose=False)
    normal = x[~np.isin(y, (1, 5))]
    gankit.seed_everything(0)
    gan = gankit.recipes.fashion_gan(0, name="gan-normal", ema=0.999)
    gan.fit(normal, batch_size=64, epochs=100_000, verbose=0, shuffle=True,
            callbacks=[gankit.StepBudget(gankit.pick(full=800, smoke=1))])
    x_test, y_test = gankit.load_fashion_mnist("test", n=gankit.pick(full=400, smoke=40),
                                               verbose=False)
    _, recons = anomaly.latent_search(gan, x_test, steps=gankit.pick(full=150, smoke=2))
    is_anom = np.isin(y_test, (1, 5))
    features = feature_model(gan.discriminator)
    for w in (0.0, 0.1):
        scores = anogan_scores(x_test, recons, features, w)
        print(f"weight {w}: AUROC {anomaly.auroc(scores, is_anom):.3f}")
    return feature_model, anogan_scores


def mistake_3():
    def score_as_features(discriminator):   # the score itself: one number, no features
        return keras.Model(discriminator.input, discriminator.output)
    return score_as_features, anogan_scores

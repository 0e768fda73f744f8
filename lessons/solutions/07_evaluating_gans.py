"""Lesson 07, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import numpy as np

import gankit

SEED = 0
N = gankit.pick(full=5000, smoke=200)          # samples per evaluation (same n everywhere)
M = gankit.metrics
E = gankit.evaluation


def real_features():
    """Features of N real test images and of N other real (training) images, as in the lesson."""
    x_train, _ = gankit.load_fashion_mnist("train", verbose=False)
    x_test, _ = gankit.load_fashion_mnist("test", verbose=False)
    rng = np.random.default_rng(SEED)
    real = x_test[rng.choice(len(x_test), N, replace=False)]
    other_real = x_train[rng.choice(len(x_train), N, replace=False)]
    return M.classify(real)[0], M.classify(other_real)[0], x_train


# --- Exercise 1: a generator with one image -------------------------------------------------

def exercise_1():
    f_real, _, x_train = real_features()
    one_image = np.repeat(x_train[:1], N, axis=0)          # the same real image, N times
    f_one, p_one = M.classify(one_image)
    is_one = M.inception_score(p_one, splits=1)[0]
    precision_one, recall_one = M.precision_recall(f_real, f_one)
    print(f"one image: IS-style {is_one:.3f}, precision {precision_one:.3f}, "
          f"recall {recall_one:.3f}")
    # IS = 1: p(y) is the one image's p(y|x), so every KL term is 0. Recall = 0: identical
    # samples give balls of radius 0, which hold no real image. Precision is 1 or 0: the one
    # image either lies inside the real manifold or not; here it is a real image, so it does.
    return one_image, is_one, recall_one


def mistake_1():
    x_test, _ = gankit.load_fashion_mnist("test", n=N, verbose=False)
    one_image = np.repeat(x_test[:1], N, axis=0)
    # the score of N *different* real images: not what this model makes
    return one_image, M.inception_score(M.classify(x_test)[1], splits=1)[0], 0.0


# --- Exercise 2: the biased KID -------------------------------------------------------------

def kid_biased(r, f):
    d = r.shape[1]

    def k(a, b):
        return (a @ b.T / d + 1) ** 3

    # every entry, the diagonal included: |mean embedding of r - mean embedding of f|^2
    return float(k(r, r).mean() + k(f, f).mean() - 2 * k(r, f).mean())


def kid_unbiased(r, f):
    # the lesson's kid(): the diagonal left out
    d, m = r.shape[1], len(r)
    k_rr, k_ff, k_rf = [(a @ b.T / d + 1) ** 3 for a, b in ((r, r), (f, f), (r, f))]
    return float((k_rr.sum() - np.trace(k_rr)) / (m * (m - 1))
                 + (k_ff.sum() - np.trace(k_ff)) / (m * (m - 1)) - 2 * k_rf.mean())


def exercise_2():
    f_real, f_other, _ = real_features()
    for m in sorted({50, 200, min(1000, N)}):
        draws = [(kid_biased(f_real[s:s + m], f_other[s:s + m]),
                  kid_unbiased(f_real[s:s + m], f_other[s:s + m]))
                 for s in range(0, N - m + 1, m)][:5]
        biased, unbiased = np.mean(draws, 0)
        print(f"real vs real, m = {m:>4}: biased {biased:8.4f}, unbiased {unbiased:8.4f}")
    # The biased one is always above 0 and shrinks as m grows (its bias is about 1/m); the
    # unbiased one scatters around 0 at every m.
    return (kid_biased,)


def mistake_2():
    return (kid_unbiased,)   # the lesson's kid(): unbiased, so it can read below 0


# --- Exercise 3: a blurry generator ---------------------------------------------------------

def blurry_generator(images, n, seed=0):
    rng = np.random.default_rng(seed)
    pairs = np.array([rng.choice(len(images), 2, replace=False) for _ in range(n)])
    return (images[pairs[:, 0]] + images[pairs[:, 1]]) / 2   # the average stays in [-1, 1]


def exercise_3():
    x_train, _ = gankit.load_fashion_mnist("train", verbose=False)
    blurry = blurry_generator(x_train, N, seed=1)
    print(E.compare({"blurry": E.evaluate(blurry, n=N),
                     "one image": E.evaluate(np.repeat(x_train[:1], N, axis=0), n=N)}))
    # One image: recall falls to 0 and the IS-style score to 1, however real the image.
    # Blurry: read each row against real vs real. The averages lie between garments, off the
    # real manifold, which precision and density measure; FID and KID only say that
    # something is off. No number says "blurry": look at the samples too.
    return (blurry_generator,)


def mistake_3():
    def summed(images, n, seed=0):
        rng = np.random.default_rng(seed)
        pairs = np.array([rng.choice(len(images), 2, replace=False) for _ in range(n)])
        return images[pairs[:, 0]] + images[pairs[:, 1]]      # a sum, not an average
    return (summed,)

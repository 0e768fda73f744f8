"""Lesson 19, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import numpy as np

import gankit
from gankit.pix2pix import downsample
from gankit.srgan import upsample


# --- Exercise 1: a figure with its spread ---------------------------------------------------

def difference_with_se(a, b):
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    # the standard error of a mean: the values' spread (ddof=1) over sqrt(n);
    # independent errors add in squares
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return a.mean() - b.mean(), se


def exercise_1():
    # the claim "arm A beats arm B", with three seeds each
    a, b = [0.82, 0.81, 0.83], [0.80, 0.83, 0.81]
    diff, se = difference_with_se(a, b)
    survives = bool(abs(diff) > 2 * se)          # about 2 standard errors: a rough 95% bar
    print(f"A minus B: {100 * diff:.1f} +- {100 * se:.1f} points: "
          f"{'a difference' if survives else 'no difference three seeds can see'}")
    return difference_with_se, survives


def mistake_1():
    def difference_with_sd(a, b):                # the seeds' spread, not the mean's error
        a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
        return a.mean() - b.mean(), np.sqrt(a.var(ddof=1) + b.var(ddof=1))
    return difference_with_sd, False


# --- Exercise 2: the noise schedule of a diffusion model ------------------------------------

def ddpm_alpha_bar(T=1000, beta_start=1e-4, beta_end=0.02):
    betas = np.linspace(beta_start, beta_end, T)    # DDPM's linear schedule
    return np.cumprod(1.0 - betas)                  # the signal's share after t steps


def add_noise(x0, t, eps, alpha_bar):
    return np.sqrt(alpha_bar[t]) * np.asarray(x0) + np.sqrt(1 - alpha_bar[t]) * np.asarray(eps)


def exercise_2():
    ring = gankit.load("ring8", n=2500, seed=0)
    alpha_bar = ddpm_alpha_bar()
    eps = np.random.default_rng(0).normal(size=ring.shape)
    for t in (0, 10, 100, 999):
        noisy = add_noise(ring, t, eps, alpha_bar)
        print(f"t = {t:>3}: {gankit.mode_stats(noisy, 'ring8')['high_quality']:.0%} of the "
              "points still within 3 std of a mode")
    return ddpm_alpha_bar, add_noise


def mistake_2():
    def ddpm_alpha_bar_added(T=1000, beta_start=1e-4, beta_end=0.02):
        return 1.0 - np.cumsum(np.linspace(beta_start, beta_end, T))   # goes below 0
    return ddpm_alpha_bar_added, add_noise


# --- Exercise 3: a sharpness score ----------------------------------------------------------

def sharpness(images):
    x = np.asarray(images, "float64")
    down = np.abs(np.diff(x, axis=1)).mean(axis=(1, 2, 3))     # neighbours along the columns
    across = np.abs(np.diff(x, axis=2)).mean(axis=(1, 2, 3))   # ... and along the rows
    return 0.5 * (down + across)


def exercise_3():
    x, _ = gankit.load_fashion_mnist("test", n=500, verbose=False)
    print(f"real {sharpness(x).mean():.3f}, bicubic from 7x7 "
          f"{sharpness(upsample(downsample(x, 4), 28)).mean():.3f}")
    return (sharpness,)


def mistake_3():
    def signed(images):              # signed differences: ups and downs cancel out
        x = np.asarray(images, "float64")
        return 0.5 * (np.diff(x, axis=1).mean(axis=(1, 2, 3))
                      + np.diff(x, axis=2).mean(axis=(1, 2, 3)))
    return (signed,)

"""Lesson 01, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
The lesson's densities and helpers are rebuilt below, so this file runs on its own.
"""
import keras
import matplotlib.pyplot as plt
import numpy as np

import gankit

SEED = 0
N_REAL = 20_000


def normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def p_data(x):
    # the true density of gankit.mixture1d
    return 0.3 * normal_pdf(x, -2.0, 0.5) + 0.7 * normal_pdf(x, 2.0, 0.5)


def optimal_d(p_real, p_fake):
    with np.errstate(invalid="ignore"):
        return p_real / (p_real + p_fake)


x_grid = np.linspace(-14, 14, 14_001)
dx = x_grid[1] - x_grid[0]
P_DATA = p_data(x_grid)


def kl(p, q):
    mask = p > 0
    return np.sum(p[mask] * np.log(p[mask] / q[mask])) * dx


def jsd(p, q):
    m = 0.5 * (p + q)
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def value_at_optimum(p, q):
    d_star = optimal_d(p, q)
    one_minus_d_star = q / (p + q)
    real_term = np.sum(p[p > 0] * np.log(d_star[p > 0])) * dx
    fake_term = np.sum(q[q > 0] * np.log(one_minus_d_star[q > 0])) * dx
    return real_term + fake_term


def value_estimate(d_real, d_fake, eps=1e-7):
    return np.mean(np.log(d_real + eps)) + np.mean(np.log(1 - d_fake + eps))


# --- Exercise 1: the learned D against D* ---------------------------------------------------

def d_star_from_fakes(fake):
    # p_g, estimated from G's samples: a histogram normalised to area 1 (a density)
    p_g, edges = np.histogram(fake[:, 0], bins=80, range=(-5, 5), density=True)
    centres = (edges[:-1] + edges[1:]) / 2
    return centres, optimal_d(p_data(centres), p_g)


def train_lesson_gan():
    """The lesson's live GAN, without the live figure."""
    gankit.seed_everything(SEED)
    real = gankit.mixture1d(N_REAL, seed=SEED)
    gan = gankit.GAN(gankit.mlp_generator(2, (1,), hidden=(64, 64), output_activation=None),
                     gankit.mlp_discriminator((1,), hidden=(64, 64)), seed=SEED)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    gan.fit(real, batch_size=128, epochs=1000, verbose=0,
            callbacks=[gankit.StepBudget(gankit.pick(full=3000, smoke=20))])
    return gan


def exercise_1():
    gan = train_lesson_gan()
    fake = gan.generate(N_REAL, seed=SEED)
    centres, d_star = d_star_from_fakes(fake)
    learned = gan.discriminate(centres[:, None].astype("float32"))
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot(centres, d_star, "k", label="$D^*$ from the histogram of G's samples")
    ax.plot(centres, learned, "C3", label="the trained D")
    ax.axhline(0.5, color="k", ls=":", lw=1)
    ax.set(xlabel="x", ylabel="P(real)", ylim=(-0.05, 1.05))
    ax.legend(fontsize=8)
    plt.show()
    plt.close(fig)
    # They agree where both bumps are well covered (near 0.5). They part ways in the gap
    # between the bumps and in the tails: D* jumps to 1 wherever no fake landed in a bin
    # (a noisy histogram), while the trained D is a smooth function that never saw samples
    # out there and has only had a few thousand steps to catch up with G.
    return (d_star_from_fakes,)


def mistake_1():
    def counts_not_density(fake):
        # counts per bin are not a density: p_g is thousands of times too large
        p_g, edges = np.histogram(fake[:, 0], bins=80, range=(-5, 5))
        centres = (edges[:-1] + edges[1:]) / 2
        return centres, optimal_d(p_data(centres), p_g)
    return (counts_not_density,)


# --- Exercise 2: V(D*, G) by integral and from samples --------------------------------------

def exercise_2():
    def p_g(x):
        return normal_pdf(x, 1.0, 1.5)          # the "closer" generator N(1, 1.5^2)

    v_integral = value_at_optimum(P_DATA, p_g(x_grid))

    real = gankit.mixture1d(N_REAL, seed=SEED)[:, 0]
    fake = np.random.default_rng(SEED).normal(1.0, 1.5, N_REAL)
    d_star_real = optimal_d(p_data(real), p_g(real))      # D* at each sample
    d_star_fake = optimal_d(p_data(fake), p_g(fake))
    v_sampled = value_estimate(d_star_real, d_star_fake)
    return v_integral, v_sampled


def mistake_2():
    v_integral, _ = exercise_2()
    real = gankit.mixture1d(N_REAL, seed=SEED)[:, 0]
    fake = np.random.default_rng(SEED).normal(1.0, 1.5, N_REAL)
    # D* upside down: p_g on top gives the probability of *fake*, not of real
    d_real = optimal_d(normal_pdf(real, 1.0, 1.5), p_data(real))
    d_fake = optimal_d(normal_pdf(fake, 1.0, 1.5), p_data(fake))
    return v_integral, value_estimate(d_real, d_fake)


# --- Exercise 3: the two-bump family --------------------------------------------------------

def two_bumps(x, mu):
    return 0.3 * normal_pdf(x, -mu, 0.5) + 0.7 * normal_pdf(x, mu, 0.5)


def exercise_3():
    mus_family = np.linspace(0, 6, 61)
    jsd_family = np.array([jsd(P_DATA, two_bumps(x_grid, mu)) for mu in mus_family])
    best = int(np.argmin(jsd_family))
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(mus_family, jsd_family, "C4")
    ax.axhline(np.log(2), color="k", ls=":", lw=1, label="log 2")
    ax.set(xlabel="$\\mu$", ylabel="JSD", title="p_g = 0.3 N(-mu) + 0.7 N(mu)")
    ax.legend()
    plt.show()
    plt.close(fig)
    # The minimum is at mu = 2 with JSD 0: the family contains p_data itself. Why JSD <= log 2:
    # m = (p + q) / 2 >= p / 2, so log(p / m) <= log 2 wherever p > 0, and KL(p || m) <= log 2;
    # equality needs q = 0 wherever p > 0 (and the other way round): no overlap at all.
    return jsd_family, mus_family[best], jsd_family[best]


def mistake_3():
    mus_family = np.linspace(0, 6, 61)
    # KL is not the JS divergence: same valley at mu = 2, but no log 2 ceiling
    kls = np.array([kl(P_DATA, two_bumps(x_grid, mu)) for mu in mus_family])
    return kls, mus_family[int(np.argmin(kls))], kls.min()

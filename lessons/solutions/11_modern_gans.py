"""Worked solutions to lesson 11's exercises (Modern GANs). Try them first!

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a
typical wrong answer that the check refuses.
"""
import numpy as np
from keras import ops


# --- Exercise 1: the relativistic pairing loss ---------------------------------------------

def d_loss(real_scores, fake_scores):
    # each real score against the fake at the same place in the batch
    return ops.mean(ops.softplus(fake_scores - real_scores))


def g_loss(real_scores, fake_scores):
    # the mirror image: G wants each fake above its paired real
    return ops.mean(ops.softplus(real_scores - fake_scores))


def exercise_1():
    return d_loss, g_loss


def mistake_1():
    # the non-saturating GAN: every sample scored alone, no pairing
    def d(real_scores, fake_scores):
        return ops.mean(ops.softplus(-real_scores)) + ops.mean(ops.softplus(fake_scores))

    def g(real_scores, fake_scores):
        return ops.mean(ops.softplus(-fake_scores))
    return d, g


# --- Exercise 2: one step of the Dirac-GAN with R1 + R2 -------------------------------------

def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def dirac_step(theta, psi, lr, gamma):
    # D(x) = psi * x, the data at 0, G's one sample at theta: D(fake) - D(real) = psi * theta
    d_grad = theta * sigmoid(psi * theta) + 2 * gamma * psi   # R1 = R2 = psi^2
    g_grad = -psi * sigmoid(-psi * theta)
    return theta - lr * g_grad, psi - lr * d_grad             # both from the same point


def exercise_2():
    theta, psi = 1.0, 1.0
    for _ in range(3000):
        theta, psi = dirac_step(theta, psi, 0.1, 0.05)
    print(f"after 3,000 steps with gamma 0.05: theta {theta:.2e}, psi {psi:.2e}")
    return (dirac_step,)


def mistake_2():
    def step(theta, psi, lr, gamma):      # updates G from D's new slope: not simultaneous
        psi_new = psi - lr * (theta * sigmoid(psi * theta) + 2 * gamma * psi)
        return theta + lr * psi_new * sigmoid(-psi_new * theta), psi_new
    return (step,)

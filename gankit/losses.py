"""GAN losses as discriminator/generator pairs, written with ``keras.ops``.

Every discriminator in gankit returns a raw score per sample (a *logit* for
the cross-entropy losses): the probability that x is real is
``sigmoid(score)``. Losses take the scores, not probabilities, because
``log(sigmoid(s))`` computed as ``-softplus(-s)`` never underflows to
``log(0)``; that is what lets the course study the saturating loss without NaNs.

Each pair is ``d_loss(real_scores, fake_scores, real_label=1.0)`` (what D
minimises) and ``g_loss(fake_scores, real_scores=None)`` (what G minimises).
``real_label`` below 1 is one-sided label smoothing (Salimans et al. 2016). Every G
loss takes D's scores for a real batch as well: the relativistic loss compares each
fake with a real sample, so it needs them (``LossPair.paired``: the models compute
them in G's step only then); the other losses ignore them.
"""
from collections import namedtuple

from keras import ops

from .errors import BadInputError, unknown_name

# paired: G's loss needs D's real scores too (gankit's models then score a real batch in
# G's step; the other losses never pay for that pass)
LossPair = namedtuple("LossPair", "name d_loss g_loss smoothable description paired",
                      defaults=(False,))


def _mean(x):
    return ops.mean(ops.reshape(x, (-1,)))


def bce_with_logits(scores, target):
    """Binary cross-entropy of ``sigmoid(scores)`` against ``target`` in [0, 1], per sample.

    -[t log s(x) + (1-t) log(1-s(x))] = t softplus(-x) + (1-t) softplus(x)
    """
    return target * ops.softplus(-scores) + (1.0 - target) * ops.softplus(scores)


# Minimax (Goodfellow et al. 2014): min_G max_D E[log D(x)] + E[log(1 - D(G(z)))]
def minimax_d_loss(real, fake, real_label=1.0):
    """D maximises log D(x) + log(1 - D(G(z))): cross-entropy with labels 1 and 0."""
    return _mean(bce_with_logits(real, real_label)) + _mean(bce_with_logits(fake, 0.0))


def minimax_g_loss(fake, real=None):
    """G minimises log(1 - D(G(z))) = -softplus(score). Saturates when D wins."""
    return -_mean(ops.softplus(fake))


# Non-saturating (the same paper's practical advice): G maximises log D(G(z))
def non_saturating_g_loss(fake, real=None):
    """G minimises -log D(G(z)) = softplus(-score): strong gradients when D wins."""
    return _mean(ops.softplus(-fake))


# Least squares (Mao et al. 2017) with the 0-1 coding a=0, b=c=1, on the raw score. The
# paper's link to the Pearson chi-square divergence needs b - c = 1 and b - a = 2 (e.g.
# a=-1, b=1, c=0); the 0-1 coding, which the paper also trains with, does not have it.
def least_squares_d_loss(real, fake, real_label=1.0):
    """D pulls real scores to 1 and fake scores to 0, quadratically."""
    return 0.5 * _mean(ops.square(real - real_label)) + 0.5 * _mean(ops.square(fake))


def least_squares_g_loss(fake, real=None):
    """G pulls its scores to 1."""
    return 0.5 * _mean(ops.square(fake - 1.0))


# Hinge (Lim & Ye 2017; Miyato et al. 2018)
def hinge_d_loss(real, fake, real_label=1.0):
    """D wants real scores above +1 and fake scores below -1; no push beyond."""
    return _mean(ops.relu(1.0 - real)) + _mean(ops.relu(1.0 + fake))


def hinge_g_loss(fake, real=None):
    """G raises D's score on its samples."""
    return -_mean(fake)


# Wasserstein (Arjovsky et al. 2017): D is a critic, its score is unbounded
def wasserstein_d_loss(real, fake, real_label=1.0):
    """The critic widens the gap E[f(x)] - E[f(G(z))]; needs a Lipschitz constraint
    (weight clipping or a gradient penalty) to mean anything."""
    return _mean(fake) - _mean(real)


def wasserstein_g_loss(fake, real=None):
    """G raises the critic's score on its samples."""
    return -_mean(fake)


# Relativistic pairing (Jolicoeur-Martineau 2019; the R3GAN baseline, Huang et al. 2024):
# D judges each real sample against a fake one, by the difference of their scores
def relativistic_d_loss(real, fake, real_label=1.0):
    """D wants each real score above its paired fake's: softplus(-(D(x) - D(G(z))))."""
    return _mean(ops.softplus(fake - real))


def relativistic_g_loss(fake, real=None):
    """G wants each fake scored above its paired real sample: softplus(-(D(G(z)) - D(x))).
    Pairing keeps D from scoring every fake low at once, which is what lets one fake
    collapse onto whichever mode D rates highest."""
    if real is None:
        raise BadInputError(
            "The relativistic G loss compares D's scores for fakes with its scores for real "
            "samples: call g_loss(fake_scores, real_scores), with as many of each.")
    return _mean(ops.softplus(real - fake))


# --- penalties on D's slope, from the gradient of its score w.r.t. the input -----------
# (GAN.d_slopes computes that gradient; each backend takes it its own way.)

def _norms_squared(slopes):
    return ops.sum(ops.square(slopes), axis=list(range(1, len(slopes.shape))))


def gradient_penalty(slopes):
    """WGAN-GP (Gulrajani et al. 2017): E(||grad_x D(x)|| - 1)^2, at points between real
    and fake samples: keeps the critic's slope near 1, what a Wasserstein critic needs."""
    return ops.mean(ops.square(ops.sqrt(_norms_squared(slopes) + 1e-12) - 1.0))


def r1_penalty(slopes):
    """R1 (Mescheder et al. 2018): E||grad_x D(x)||^2 at real samples. A D kept flat where
    the data is cannot send G round the modes in circles."""
    return ops.mean(_norms_squared(slopes))


def r2_penalty(slopes):
    """R2: R1's zero-centred penalty, taken at G's samples. With R1, it keeps D flat on both
    distributions, which R3GAN (Huang et al. 2024) needs for local convergence."""
    return r1_penalty(slopes)


LOSSES = {
    "minimax": LossPair("minimax", minimax_d_loss, minimax_g_loss, True,
                        "the original value function; G's loss saturates"),
    "non-saturating": LossPair("non-saturating", minimax_d_loss, non_saturating_g_loss, True,
                               "D as minimax, G maximises log D(G(z))"),
    "least-squares": LossPair("least-squares", least_squares_d_loss, least_squares_g_loss,
                              True, "LSGAN, 0-1 coding (the chi-square link needs a=-1, b=1, c=0)"),
    "hinge": LossPair("hinge", hinge_d_loss, hinge_g_loss, False,
                      "margin loss, usually with spectral normalization"),
    "wasserstein": LossPair("wasserstein", wasserstein_d_loss, wasserstein_g_loss, False,
                            "WGAN critic; add clipping or a gradient penalty"),
    "relativistic": LossPair("relativistic", relativistic_d_loss, relativistic_g_loss, False,
                             "RpGAN: real and fake scored in pairs; with R1 + R2, R3GAN",
                             paired=True),
}


def get_loss(name):
    """The :class:`LossPair` called ``name`` (see ``LOSSES`` for the names)."""
    if isinstance(name, LossPair):
        return name
    if name not in LOSSES:
        raise unknown_name("loss", name, LOSSES)
    return LOSSES[name]


def check_smoothing(loss, label_smoothing):
    """Label smoothing only means something for losses with a target label."""
    if not 0.0 <= label_smoothing < 0.5:
        raise BadInputError(
            f"label_smoothing should be in [0, 0.5): the real label becomes 1 - smoothing; "
            f"got {label_smoothing}. 0.1 is a common choice.")
    if label_smoothing and not get_loss(loss).smoothable:
        raise BadInputError(
            f"label_smoothing applies to losses with target labels (minimax, "
            f"non-saturating, least-squares), not to {get_loss(loss).name!r}. "
            "Set label_smoothing=0 or use instance_noise instead.")

"""Discriminator rejection sampling (Azadi et al. 2019): D filters G's samples.

A cross-entropy D that has trained well outputs the logit log(p_data(x) / p_G(x)): keeping
a sample with probability proportional to exp(logit) turns G's distribution into the
data's. It is a separate step after training, reported on its own: it changes which
samples are kept, not the generator.
"""
import numpy as np

from .errors import BadInputError


# the losses whose trained D outputs log(p_data / p_G)
DENSITY_RATIO_LOSSES = ("minimax", "non-saturating")


def can_reject(gan):
    """Whether ``gan``'s D can accept or reject single samples: a cross-entropy loss (its
    logit is a density ratio) and no packing."""
    return gan.loss_pair.name in DENSITY_RATIO_LOSSES and gan.pack == 1


def rejection_sample(gan, net, n, labels, rng, batch_size=500, keep=0.05, pool=10, rounds=20):
    """n samples of ``net`` (G or its average) that ``gan``'s D accepts.

    Each requested sample gets ``pool`` candidates; a candidate is kept with probability
    min(1, exp(logit - M)), where M is the logit that only the top ``keep`` fraction of
    candidates reach (the paper's shift: without it one very confident sample would get
    almost every other one rejected). The first kept candidate fills the slot (labels stay
    as asked); slots with none kept draw again.
    """
    if gan.loss_pair.name not in DENSITY_RATIO_LOSSES:
        raise BadInputError(
            "Rejection sampling reads D's logit as log(p_data / p_G), which holds for the "
            f"cross-entropy losses (minimax, non-saturating) only; this GAN uses "
            f"{gan.loss_pair.name!r}. Sample without rejection.")
    if gan.pack > 1:
        raise BadInputError(
            f"This GAN's discriminator judges packs of {gan.pack} samples, so it cannot "
            "accept or reject single ones. Sample without rejection.")
    if not 0.0 < keep <= 1.0 or int(pool) < 1:
        raise BadInputError(f"keep should be in (0, 1] and pool >= 1; got {keep}, {pool}.")
    out = np.zeros((n,) + gan.sample_shape, "float32")
    todo, threshold = np.arange(n), None
    for _ in range(int(rounds)):
        cand_labels = None if labels is None else np.tile(labels[todo], (pool, 1))
        z = rng.standard_normal((pool * len(todo), gan.latent_dim))
        x = gan.run_generator(net, z, cand_labels, batch_size)
        logits = gan.scores(x, cand_labels, batch_size)
        if threshold is None:   # fixed by the first round: every slot sees the same rule
            threshold = np.quantile(logits, 1.0 - keep)
        accept = rng.random(len(x)) < np.exp(np.minimum(logits - threshold, 0.0))
        accept = accept.reshape(pool, len(todo))
        found = accept.any(axis=0)
        idx = accept.argmax(axis=0)[found] * len(todo) + np.flatnonzero(found)
        out[todo[found]] = x[idx]
        todo = todo[~found]
        if not len(todo):
            return out
    raise BadInputError(
        f"Rejection sampling kept no candidate for {len(todo)} of {n} samples after "
        f"{rounds} rounds: D rejects almost everything G makes. Train longer, or raise "
        "`keep` (rejection={'keep': 0.2}).")

"""Anomaly detection with a GAN trained on normal data only (lesson 18).

A GAN trained on normal images has learnt two things that can flag the unusual:
its discriminator (is this like the data?) and its generator (can I make this?).
AnoGAN (Schlegl et al. 2017) uses the second: search the latent space for the z whose
G(z) is closest to an image; a normal image can be rebuilt, an anomaly cannot, so the
error left after the search is the anomaly score. Every score here is *higher for more
anomalous*, and AUROC measures how well a score ranks anomalies above normal images.
"""
import numpy as np

import keras

from .data import check_images
from .errors import BadInputError
from .metrics import knn


def auroc(scores, is_anomaly):
    """Area under the ROC curve: the chance that a random anomaly scores higher than a
    random normal sample (ties count half). 0.5 is guessing, 1.0 a perfect ranking.

    Computed from ranks (the Mann-Whitney U statistic), with NumPy only.
    """
    scores = np.asarray(scores, "float64").ravel()
    pos = np.asarray(is_anomaly).ravel()
    if len(scores) != len(pos):
        raise BadInputError(
            f"scores and is_anomaly should have one entry per sample; got {len(scores)} "
            f"and {len(pos)}.")
    if not np.isin(pos, (0, 1)).all():
        raise BadInputError("is_anomaly should hold 0/1 or False/True, one per sample.")
    pos = pos.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        raise BadInputError(
            f"AUROC needs both normal and anomalous samples; got {n_neg} normal and "
            f"{n_pos} anomalous.")
    if not np.isfinite(scores).all():
        raise BadInputError("scores contain NaN or infinite values.")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    # tied scores share the mean of their ranks
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    u = ranks[pos].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def _flat(images, name):
    return check_images(images, name=name).reshape(len(images), -1).astype("float64")


def discriminator_scores(gan, images):
    """Anomaly score from D: minus D's logit, so images D finds less real score higher."""
    if gan.conditional:
        raise BadInputError(
            "discriminator_scores needs an unconditional GAN: a conditional D would also need "
            "the (unknown) label of each image. Train gankit.recipes.fashion_gan() on the "
            "normal images without labels.")
    images = check_images(images, gan.sample_shape, name="images")
    gan.sync()
    return -gan.scores(images)


def latent_search(gan, images, steps=300, lr=0.05, seed=0, batch_size=None):
    """AnoGAN's search: for each image, the z whose G(z) is closest (mean absolute
    difference) to it, found with Adam while G stays frozen.

    The batch of z is the one trainable weight of a tiny Keras model (an ``Embedding``
    looked up by image index, then G), fitted with Keras's own ``fit``: no backend code.
    Returns (z, reconstructions), both NumPy arrays.
    """
    if gan.conditional:
        raise BadInputError(
            "latent_search needs an unconditional GAN: a conditional G would also need the "
            "(unknown) label of each image.")
    images = check_images(images, gan.sample_shape, name="images").astype("float32")
    if int(steps) < 1 or lr <= 0:
        raise BadInputError(f"steps should be >= 1 and lr > 0; got {steps} and {lr}.")
    n = len(images)
    g = gan.sampler  # the averaged generator when the GAN keeps one
    gan.sync()
    was_trainable = g.trainable
    g.trainable = False
    try:
        index = keras.Input((), dtype="int32", name="image_index")
        z_table = keras.layers.Embedding(n, gan.latent_dim, name="z")
        model = keras.Model(index, g(z_table(index), training=False), name="latent_search")
        z0 = np.random.default_rng(seed).standard_normal((n, gan.latent_dim))
        z_table.embeddings.assign(z0.astype("float32"))
        model.compile(keras.optimizers.Adam(lr), loss="mean_absolute_error")
        model.fit(np.arange(n, dtype="int32"), images, batch_size=batch_size or n,
                  epochs=int(steps), shuffle=False, verbose=0)
        z = keras.ops.convert_to_numpy(z_table.embeddings)
        # G on the found z directly: a predict() would trace one more function per call
        recon = gan.run_generator(g, z, None, 500)
    finally:
        g.trainable = was_trainable
    return z, recon


def reconstruction_scores(images, reconstructions):
    """Anomaly score from the latent search: mean absolute pixel error per image."""
    a, b = _flat(images, "images"), _flat(reconstructions, "reconstructions")
    if a.shape != b.shape:
        raise BadInputError(f"images and reconstructions differ in shape: {a.shape} vs {b.shape}.")
    return np.abs(a - b).mean(1)


def pca_scores(train, images, components=20):
    """Baseline: the error left after projecting each image onto the top ``components``
    principal components of the normal training images (a linear 'autoencoder')."""
    t, x = _flat(train, "train"), _flat(images, "images")
    if not 1 <= components < min(t.shape):
        raise BadInputError(
            f"components should be between 1 and {min(t.shape) - 1}; got {components}.")
    mean = t.mean(0)
    _, _, vt = np.linalg.svd(t - mean, full_matrices=False)
    basis = vt[:components]
    centred = x - mean
    return np.abs(centred - (centred @ basis.T) @ basis).mean(1)


def nearest_neighbour_scores(train, images):
    """Baseline: pixel distance from each image to its nearest normal training image."""
    t, x = _flat(train, "train"), _flat(images, "images")
    return knn(x, t, 1)[1][:, 0]

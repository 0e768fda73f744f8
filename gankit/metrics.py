"""Measuring a GAN. For now: modes captured on the 2D mixtures.

The protocol follows PacGAN (Lin et al. 2018) and VEEGAN: draw 2,500 samples;
each belongs to its nearest mode centre; a sample is *high quality* when it
lies within 3 standard deviations of that centre; a mode is *captured* when at
least one high-quality sample belongs to it.
"""
import numpy as np

from .data import MIXTURES
from .errors import BadInputError, unknown_name


def mode_stats(points, dataset):
    """Modes captured and share of high-quality samples for ``dataset``
    ("ring8" or "grid25"). Returns a dict: modes, total_modes, high_quality
    (a fraction in [0, 1]) and counts (high-quality samples per mode)."""
    if dataset not in MIXTURES:
        raise unknown_name("mixture", dataset, MIXTURES)
    pts = np.asarray(points, dtype="float64")
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise BadInputError(f"points should have shape (N, 2); got {pts.shape}.")
    if not np.isfinite(pts).all():
        raise BadInputError("points contain NaN or infinite values: the generator diverged.")
    centers, std = MIXTURES[dataset]
    dist = np.linalg.norm(pts[:, None, :] - centers[None, :, :], axis=-1)
    nearest = dist.argmin(1)
    good = dist[np.arange(len(pts)), nearest] <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return {"modes": int((counts > 0).sum()), "total_modes": len(centers),
            "high_quality": float(good.mean()) if len(pts) else 0.0, "counts": counts}


# --- Image metrics in the feature space of the course's own classifier --------------
#
# FID and KID usually use Inception features. Inception weights cannot be downloaded
# here and suit 28x28 grey images poorly, so (like TF-GAN for MNIST) the course trains
# a small classifier on Fashion-MNIST itself (scripts/train_classifier.py) and ships it
# in data/. Numbers are therefore comparable within the course, not with papers.

_CLASSIFIERS = {}
CLASSIFIER_FILES = {"fashion-mnist": "fashion_classifier.keras"}


def load_classifier(dataset="fashion-mnist"):
    """The course's evaluation classifier for ``dataset`` (loaded once, offline).

    Returns a model with two outputs: 128 features and 10 class logits.
    """
    import keras

    from .data import DATA_DIR
    from .errors import DataUnavailableError

    if dataset not in CLASSIFIER_FILES:
        raise unknown_name("classifier dataset", dataset, CLASSIFIER_FILES)
    if dataset not in _CLASSIFIERS:
        path = DATA_DIR / CLASSIFIER_FILES[dataset]
        if not path.exists():
            raise DataUnavailableError(
                f"The evaluation classifier data/{path.name} is missing. Restore it with "
                "`git checkout data/` or rebuild it with scripts/train_classifier.py.")
        clf = keras.saving.load_model(path)
        _CLASSIFIERS[dataset] = keras.Model(
            clf.inputs[0], [clf.get_layer("features").output, clf.get_layer("logits").output])
    return _CLASSIFIERS[dataset]


def classify(images, dataset="fashion-mnist", batch_size=1000):
    """(features, class probabilities) of images in [-1, 1], shape (N, 28, 28, 1)."""
    import keras

    from .data import check_images

    images = check_images(images, (28, 28, 1))
    model = load_classifier(dataset)
    feats, probs = [], []
    for i in range(0, len(images), batch_size):
        f, logits = model(images[i:i + batch_size], training=False)
        feats.append(keras.ops.convert_to_numpy(f))
        probs.append(keras.ops.convert_to_numpy(keras.ops.softmax(logits)))
    return np.concatenate(feats).astype("float64"), np.concatenate(probs).astype("float64")


def class_accuracy(images, labels, dataset="fashion-mnist"):
    """Share of images that the evaluation classifier puts in the intended class."""
    from .data import check_labels

    labels = check_labels(labels, 10, n=len(images))
    _, probs = classify(images, dataset)
    return float((probs.argmax(1) == labels).mean())


def frechet_distance(real_features, fake_features):
    """FID's formula: |mu_r - mu_f|^2 + Tr(C_r + C_f - 2 (C_r C_f)^(1/2)).

    Biased: it reads higher on fewer samples, so compare runs at the same N.
    """
    r, f = np.asarray(real_features, "float64"), np.asarray(fake_features, "float64")
    mu_r, mu_f = r.mean(0), f.mean(0)
    c_r, c_f = np.cov(r, rowvar=False), np.cov(f, rowvar=False)
    # Tr((C_r C_f)^(1/2)) = sum of sqrt(eigenvalues of C_r^(1/2) C_f C_r^(1/2)): a symmetric
    # form that stays stable when a feature never fires (a singular covariance).
    w, v = np.linalg.eigh(c_r)
    root_r = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = root_r @ c_f @ root_r
    tr_covmean = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu_r - mu_f) ** 2).sum() + np.trace(c_r) + np.trace(c_f) - 2 * tr_covmean)


def kernel_inception_distance(real_features, fake_features, subsets=10, subset_size=1000,
                              seed=0):
    """KID (Binkowski et al. 2018): unbiased MMD^2 with the kernel (x.y/d + 1)^3,
    averaged over random subsets. Returns (mean, std over subsets)."""
    r, f = np.asarray(real_features, "float64"), np.asarray(fake_features, "float64")
    d = r.shape[1]
    m = min(subset_size, len(r), len(f))
    if m < 2:
        raise BadInputError("KID needs at least 2 real and 2 generated samples.")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(subsets):
        x = r[rng.choice(len(r), m, replace=False)]
        y = f[rng.choice(len(f), m, replace=False)]
        k_xx = (x @ x.T / d + 1) ** 3
        k_yy = (y @ y.T / d + 1) ** 3
        k_xy = (x @ y.T / d + 1) ** 3
        mmd = ((k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
               + (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
               - 2 * k_xy.mean())
        values.append(mmd)
    return float(np.mean(values)), float(np.std(values))

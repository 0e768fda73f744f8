"""Measuring a GAN: no single number says "good", so here are several, each with
the reference values that give it a scale.

- 2D mixtures: modes captured and share of high-quality samples (:func:`mode_stats`).
  The protocol follows PacGAN (Lin et al. 2018) and VEEGAN: draw 2,500 samples;
  each belongs to its nearest mode centre; a sample is *high quality* when it
  lies within 3 standard deviations of that centre; a mode is *captured* when at
  least one high-quality sample belongs to it.
- Images: FID, KID, an Inception-Score-style score, precision and recall, density
  and coverage, class accuracy and nearest neighbours, all in the feature space of
  the course's own classifier. gankit.evaluation.evaluate computes them all, next to
  real-vs-real and noise-vs-real references.
"""
import numpy as np

from .data import MIXTURES
from .errors import BadInputError, unknown_name


def mode_stats(points, dataset):
    """Modes captured and share of high-quality samples for ``dataset``
    ("ring8" or "grid25"). Returns a dict: modes, total_modes, high_quality
    (a fraction in [0, 1]), counts (high-quality samples per mode) and shares (each
    mode's share of all the samples nearest to it, good or not)."""
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
    shares = np.bincount(nearest, minlength=len(centers)) / max(len(pts), 1)
    return {"modes": int((counts > 0).sum()), "total_modes": len(centers),
            "high_quality": float(good.mean()) if len(pts) else 0.0, "counts": counts,
            "shares": shares}


def wasserstein_1(a, b):
    """The exact Wasserstein-1 (earth mover's) distance between two equal-sized sets of
    points: the mean distance over the best one-to-one matching of a's points to b's
    (scipy's linear_sum_assignment). Exact for the samples; a few thousand points at most,
    since the matching holds all n x n distances."""
    from scipy.optimize import linear_sum_assignment

    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    if a.ndim != 2 or a.shape != b.shape or len(a) < 1:
        raise BadInputError(f"wasserstein_1 wants two sets of points of one shape (N, d); "
                            f"got {a.shape} and {b.shape}.")
    if len(a) > 5000:
        raise BadInputError(f"wasserstein_1 matches every pair: keep to 5,000 points or "
                            f"fewer (a random subset); got {len(a):,}.")
    cost = np.sqrt(sq_distances(a, b))
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


# --- Image metrics in the feature space of the course's own classifier --------------
#
# FID and KID usually use Inception features. Inception weights cannot be downloaded
# here and suit 28x28 grey images poorly, so (like TF-GAN for MNIST) the course trains
# a small classifier on each image dataset itself (scripts/train_classifier.py) and
# ships it in data/. Numbers are therefore comparable within the course, not with papers.

_CLASSIFIERS = {}
CLASSIFIER_FILES = {"fashion-mnist": "fashion_classifier.keras",
                    "digits8": "digits8_classifier.keras"}
IMAGE_SHAPES = {"fashion-mnist": (28, 28, 1), "digits8": (8, 8, 1)}


def check_dataset(dataset):
    """An error listing the datasets that have an evaluation classifier, for any other."""
    if dataset not in CLASSIFIER_FILES:
        raise unknown_name("dataset with an evaluation classifier", dataset, CLASSIFIER_FILES)


def check_dataset_images(images, dataset="fashion-mnist", name="images"):
    """Raise a clear error unless ``images`` suit ``dataset``'s classifier:
    (N, H, W, 1) in [-1, 1] with its image size. Returns them as an array."""
    from .data import check_images

    check_dataset(dataset)
    shape = IMAGE_SHAPES[dataset]
    arr = np.asarray(images)
    if arr.ndim == 4 and tuple(arr.shape[1:]) != shape:
        other = [d for d, s in IMAGE_SHAPES.items() if s == tuple(arr.shape[1:])]
        hint = (f" They look like {other[0]} images: pass dataset={other[0]!r}." if other
                else " Generate images of that size, or pick the dataset they come from.")
        raise BadInputError(
            f"{name} for dataset={dataset!r} should be {shape} per image; got "
            f"{tuple(arr.shape[1:])}.{hint}")
    return check_images(arr, shape, name=name)


def load_classifier(dataset="fashion-mnist"):
    """The course's evaluation classifier for ``dataset`` (loaded once, offline).

    Returns a model with two outputs: 128 features and 10 class logits.
    """
    import keras

    from .data import DATA_DIR
    from .errors import DataUnavailableError

    check_dataset(dataset)
    if dataset not in _CLASSIFIERS:
        path = DATA_DIR / CLASSIFIER_FILES[dataset]
        if not path.exists():
            raise DataUnavailableError(
                f"The evaluation classifier data/{path.name} is missing. Restore it with "
                "`git checkout data/` or rebuild it with "
                f"`python scripts/train_classifier.py --dataset {dataset}`.")
        clf = keras.saving.load_model(path)
        model = keras.Model(
            clf.inputs[0], [clf.get_layer("features").output, clf.get_layer("logits").output])
        # Compiled with XLA the classifier runs 3-4 times faster on a CPU (once compiled).
        model.compile(jit_compile=keras.backend.backend() in ("tensorflow", "jax"))
        _CLASSIFIERS[dataset] = model
    return _CLASSIFIERS[dataset]


def classify(images, dataset="fashion-mnist", batch_size=500):
    """(features, class probabilities) of images in [-1, 1] from ``dataset``'s
    classifier: shape (N, 28, 28, 1) for fashion-mnist, (N, 8, 8, 1) for digits8."""
    images = check_dataset_images(images, dataset).astype("float32")
    if not len(images):
        raise BadInputError("No images to classify: pass at least one.")
    model = load_classifier(dataset)
    feats, logits = [], []
    for i in range(0, len(images), batch_size):
        batch = images[i:i + batch_size]
        # Every batch the same size, so the compiled function is reused, not rebuilt.
        padded = np.concatenate([batch, np.zeros((batch_size - len(batch), *batch.shape[1:]),
                                                 "float32")])
        f, z = model.predict_on_batch(padded)
        feats.append(f[:len(batch)])
        logits.append(z[:len(batch)])
    logits = np.concatenate(logits).astype("float64")
    probs = np.exp(logits - logits.max(1, keepdims=True))
    return np.concatenate(feats).astype("float64"), probs / probs.sum(1, keepdims=True)


def class_accuracy(images, labels, dataset="fashion-mnist"):
    """Share of images that the evaluation classifier puts in the intended class."""
    from .data import check_labels

    labels = check_labels(labels, 10, n=len(images))
    _, probs = classify(images, dataset)
    return float((probs.argmax(1) == labels).mean())


def _features(x, name):
    x = np.asarray(x, "float64")
    if x.ndim != 2:
        hint = (" These look like images: turn them into features first with "
                "gankit.metrics.classify(images)[0]." if x.ndim == 4 else "")
        raise BadInputError(f"{name} should be a 2D array (samples, features); got shape "
                            f"{x.shape}.{hint}")
    if not np.isfinite(x).all():
        raise BadInputError(f"{name} contain NaN or infinite values.")
    return x


def check_features(real_features, fake_features, min_n=2):
    r = _features(real_features, "real features")
    f = _features(fake_features, "generated features")
    if r.shape[1] != f.shape[1]:
        raise BadInputError(
            f"real and generated features should have the same length; got {r.shape[1]} and "
            f"{f.shape[1]}. Compute both with the same classifier (same dataset=).")
    if len(r) < min_n or len(f) < min_n:
        raise BadInputError(f"This metric needs at least {min_n} real and {min_n} generated "
                            f"samples; got {len(r)} and {len(f)}.")
    return r, f


def frechet_distance(real_features, fake_features):
    """FID's formula: ``|mu_r - mu_f|^2 + Tr(C_r + C_f - 2 (C_r C_f)^(1/2))``.

    Biased: it reads higher on fewer samples, so compare runs at the same N.
    """
    from threadpoolctl import threadpool_limits

    r, f = check_features(real_features, fake_features)
    mu_r, mu_f = r.mean(0), f.mean(0)
    # Tr((C_r C_f)^(1/2)) = sum of sqrt(eigenvalues of C_r^(1/2) C_f C_r^(1/2)): a symmetric
    # form that stays stable when a feature never fires (a singular covariance).
    # One BLAS thread: for 128 x 128 matrices more threads only wait for each other
    # (up to 30 times slower on a busy 2-core machine).
    with threadpool_limits(1, user_api="blas"):
        c_r, c_f = np.cov(r, rowvar=False), np.cov(f, rowvar=False)
        w, v = np.linalg.eigh(c_r)
        root_r = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
        m = root_r @ c_f @ root_r
        tr_covmean = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu_r - mu_f) ** 2).sum() + np.trace(c_r) + np.trace(c_f) - 2 * tr_covmean)


def kernel_inception_distance(real_features, fake_features, subsets=10, subset_size=1000,
                              seed=0):
    """KID (Binkowski et al. 2018): unbiased MMD^2 with the kernel (x.y/d + 1)^3,
    averaged over random subsets. Returns (mean, std over subsets).

    Each subset holds ``subset_size`` samples of each set, and at most half of the
    smaller set, so the subsets differ and the std says how much KID wobbles.
    Unbiased: 0 on average for two samples of one distribution (so it can read
    slightly below 0), at any sample size.
    """
    r, f = check_features(real_features, fake_features, min_n=4)
    d = r.shape[1]
    m = min(subset_size, len(r) // 2, len(f) // 2)
    rng = np.random.default_rng(seed)

    def kernel(a, b):
        k = a @ b.T / d + 1
        return k * k * k

    values = []
    for _ in range(subsets):
        x = r[rng.choice(len(r), m, replace=False)]
        y = f[rng.choice(len(f), m, replace=False)]
        k_xx, k_yy, k_xy = kernel(x, x), kernel(y, y), kernel(x, y)
        mmd = ((k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
               + (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
               - 2 * k_xy.mean())
        values.append(mmd)
    return float(np.mean(values)), float(np.std(values))


def inception_score(probs, splits=10):
    """An Inception-Score-style score (Salimans et al. 2016) on the course classifier's
    class probabilities: exp(mean KL(p(y|x) || p(y))). Returns (mean, std over splits).

    High when each image is confidently one class (p(y|x) is peaked) *and* the classes
    are used evenly (p(y) is flat): 1 at worst, the number of classes (10) at best.
    It never looks at real images, so it cannot tell copies or odd-but-confident images
    from good ones.
    """
    p = np.asarray(probs, "float64")
    if p.ndim != 2:
        raise BadInputError(f"probs should be a 2D array (samples, classes); got shape {p.shape}.")
    if not np.isfinite(p).all() or p.min() < 0 or np.abs(p.sum(1) - 1).max() > 1e-3:
        raise BadInputError(
            "probs should be class probabilities: non-negative rows that sum to 1. If you "
            "have logits, take keras.ops.softmax(logits), or use "
            "gankit.metrics.classify(images)[1].")
    splits = int(splits)
    if splits < 1 or len(p) < splits:
        raise BadInputError(f"splits should be between 1 and the number of samples "
                            f"({len(p)}); got {splits}.")
    scores = []
    for part in np.array_split(p, splits):
        p_y = part.mean(0, keepdims=True)
        # KL(p(y|x) || p(y)) per image; 0 * log 0 counts as 0
        ratio = np.where(part > 0, part / np.where(p_y > 0, p_y, 1), 1)
        kl = (part * np.log(ratio)).sum(1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


# --- Nearest neighbours in feature space (chunked, so 5,000 x 5,000 is quick) ------

CHUNK = 1024  # rows of distances held at a time: 1024 x 5,000 float32 is 20 MB


def sq_distances(a, b, b_sq=None):
    """Squared Euclidean distances between the rows of a and b: ``|a|^2 + |b|^2 - 2 a.b``."""
    b_sq = (b * b).sum(1) if b_sq is None else b_sq
    d2 = (a * a).sum(1)[:, None] + b_sq[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def knn(query, ref, k):
    """Indices and distances (each (len(query), k), nearest first) of the k rows of
    ``ref`` nearest to each row of ``query``."""
    if not 1 <= k <= len(ref):
        raise BadInputError(f"k should be between 1 and {len(ref)} here; got {k}.")
    # float32 for the search (twice as fast); exact float64 distances for the winners
    q32, r32 = query.astype("float32"), ref.astype("float32")
    ref_sq = (r32 * r32).sum(1)
    idx = np.empty((len(query), k), "int64")
    for s in range(0, len(query), CHUNK):
        d2 = sq_distances(q32[s:s + CHUNK], r32, ref_sq)
        idx[s:s + CHUNK] = np.argpartition(d2, k - 1, axis=1)[:, :k]
    dist = np.linalg.norm(query[:, None, :] - ref[idx], axis=-1)  # an exact copy reads 0
    order = np.argsort(dist, axis=1, kind="stable")
    return np.take_along_axis(idx, order, 1), np.take_along_axis(dist, order, 1)


def _sq_radii(x, ks):
    """{k: squared distance from each sample to its k-th nearest neighbour in its own
    set (itself excluded)}: the radius of the ball that stands for "the data manifold"
    around it. Same float32 formula as the ball tests below, so they agree exactly."""
    x32 = x.astype("float32")
    sq = (x32 * x32).sum(1)
    ks = sorted(set(ks))
    out = {k: np.empty(len(x), "float32") for k in ks}
    for s in range(0, len(x), CHUNK):
        d2 = sq_distances(x32[s:s + CHUNK], x32, sq)
        rows = np.arange(len(d2))
        d2[rows, s + rows] = np.inf  # a point is not its own neighbour
        part = np.partition(d2, [k - 1 for k in ks], axis=1)
        for k in ks:
            out[k][s:s + CHUNK] = part[:, k - 1]
    return out


def manifold_scores(real, fake, k_pr=3, k_dc=5):
    """Precision, recall (k-NN balls, k_pr) and density, coverage (real balls, k_dc)
    from one pass over the fake-to-real distances, a chunk of fakes at a time."""
    radii = _sq_radii(real, (k_pr, k_dc))
    r_pr, r_dc = radii[k_pr], radii[k_dc]
    f_pr = _sq_radii(fake, (k_pr,))[k_pr]
    r32, f32 = real.astype("float32"), fake.astype("float32")
    r_sq = (r32 * r32).sum(1)
    in_real = np.zeros(len(fake), bool)         # fake inside some real ball (precision)
    in_balls = np.zeros(len(fake))              # how many real balls hold it (density)
    reached = np.zeros(len(real), bool)         # real inside some fake ball (recall)
    nearest_fake = np.full(len(real), np.inf)   # for coverage
    for s in range(0, len(fake), CHUNK):
        d2 = sq_distances(f32[s:s + CHUNK], r32, r_sq)        # (chunk, n_real)
        in_real[s:s + CHUNK] = (d2 <= r_pr[None, :]).any(1)
        in_balls[s:s + CHUNK] = (d2 <= r_dc[None, :]).sum(1)
        reached |= (d2 <= f_pr[s:s + CHUNK, None]).any(0)
        nearest_fake = np.minimum(nearest_fake, d2.min(0))
    return {"precision": float(in_real.mean()), "recall": float(reached.mean()),
            "density": float(in_balls.sum() / (k_dc * len(fake))),
            "coverage": float((nearest_fake <= r_dc).mean())}


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall (Kynkaanniemi et al. 2019). Returns (precision, recall).

    Around every real sample, a ball reaching its k-th nearest real neighbour; the union
    of the balls estimates the real manifold (and likewise for the generated samples).
    Precision = share of generated samples inside the real manifold (are they realistic?);
    recall = share of real samples inside the generated manifold (is all of the data
    covered?). FID mixes both into one number; these two keep them apart.
    """
    r, f = check_features(real_features, fake_features, min_n=k + 1)
    s = manifold_scores(r, f, k_pr=k, k_dc=k)
    return s["precision"], s["recall"]


def density_coverage(real_features, fake_features, k=5):
    """Density and coverage (Naeem et al. 2020). Returns (density, coverage).

    Balls around real samples only (radius: the k-th nearest real neighbour), so a
    few outliers among the generated samples cannot inflate the manifold.
    Density = average number of real balls a generated sample lies in, divided by k
    (about 1 when fakes are spread like the data; above 1 when they crowd into dense
    regions). Coverage = share of real samples whose ball holds at least one
    generated sample (below 1 when regions of the data are missed).
    """
    r, f = check_features(real_features, fake_features, min_n=k + 1)
    s = manifold_scores(r, f, k_pr=k, k_dc=k)
    return s["density"], s["coverage"]


def nearest_neighbours(fake_images, train_images, k=3, dataset="fashion-mnist",
                       space="features"):
    """The k training images closest to each generated image: the memorisation check.

    A generator that copies its training data scores well on FID and IS; here a copy
    shows up as a distance of (near) zero. ``space``: "features" (the classifier's
    features: similar-looking images) or "pixels" (raw pixels: near-exact copies).
    Returns (indices into train_images, distances), each (N, k), nearest first.
    """
    if space not in ("features", "pixels"):
        raise BadInputError(f"space should be 'features' or 'pixels'; got {space!r}.")
    fake = check_dataset_images(fake_images, dataset, name="generated images")
    train = check_dataset_images(train_images, dataset, name="training images")
    if space == "features":
        fake, train = classify(fake, dataset)[0], classify(train, dataset)[0]
    else:
        fake = fake.reshape(len(fake), -1).astype("float64")
        train = train.reshape(len(train), -1).astype("float64")
    return knn(fake, train, k)


# --- The real test images that generated ones are compared with ---------------------

_REAL_TEST = {}


def real_images(dataset, split):
    """The real images (train or test) of an evaluation dataset, as (x, y)."""
    from .data import load_digits8, load_fashion_mnist

    if dataset == "digits8":
        return load_digits8(verbose=False, split=split)
    return load_fashion_mnist(split, verbose=False)


def max_n(dataset="fashion-mnist"):
    """The most samples :func:`evaluate` compares: 5,000 real test images for
    Fashion-MNIST, the 359 held-out test images for the 8x8 digits."""
    check_dataset(dataset)
    return 359 if dataset == "digits8" else 5000


def check_n(n, dataset):
    """``n``, checked as a number of samples to compare for ``dataset``."""
    top = max_n(dataset)
    if not isinstance(n, (int, np.integer)) or not 20 <= n <= top:
        raise BadInputError(
            f"n (the number of samples compared) should be a whole number from 20 to {top:,} "
            f"for {dataset}; got {n!r}. Fewer than 20 says little, and there are only "
            f"{top:,} real test images to compare with.")
    return int(n)


def real_test_set(dataset="fashion-mnist", n=5000):
    """(features, class probabilities, labels) of n real test images of ``dataset``
    (a fixed random choice), computed once per (dataset, n): what generated images
    are compared with."""
    check_dataset(dataset)
    n = check_n(n, dataset)
    if (dataset, n) not in _REAL_TEST:
        x, y = real_images(dataset, "test")
        pick = np.random.default_rng(0).choice(len(x), n, replace=False)
        _REAL_TEST[dataset, n] = (*classify(x[pick], dataset), y[pick])
    return _REAL_TEST[dataset, n]

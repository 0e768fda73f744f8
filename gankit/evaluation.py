"""Every score at once, each next to its scale: :func:`evaluate` scores generated images
with all of gankit.metrics against the real test set, beside "real vs real" (the best a
generator can hope for at that number of samples) and "noise vs real" (the worst);
:func:`compare` puts several runs side by side.
"""
import dataclasses

import numpy as np

from .errors import BadInputError
from .metrics import (
    IMAGE_SHAPES, check_dataset, check_dataset_images, check_features, check_n, classify,
    frechet_distance, inception_score, kernel_inception_distance, manifold_scores, max_n,
    real_images, real_test_set)

# name -> (what "better" means, how many decimals to print)
METRICS = {"FID": ("lower", 2), "KID": ("lower", 4), "IS": ("higher", 2),
           "precision": ("higher", 3), "recall": ("higher", 3), "density": ("~1", 3),
           "coverage": ("higher", 3), "class_accuracy": ("higher", 3)}


def score_features(real_features, fake_features, fake_probs=None, labels=None, seed=0):
    """Every feature-space score of generated samples against real ones, as a dict:
    FID, KID and KID_std, IS and IS_std (needs ``fake_probs``), precision, recall,
    density, coverage, and class_accuracy (needs ``fake_probs`` and ``labels``)."""
    r, f = check_features(real_features, fake_features, min_n=6)
    kid, kid_std = kernel_inception_distance(r, f, seed=seed)
    scores = {"FID": frechet_distance(r, f), "KID": kid, "KID_std": kid_std}
    if fake_probs is not None:
        scores["IS"], scores["IS_std"] = inception_score(fake_probs, splits=min(10, len(f)))
    scores.update(manifold_scores(r, f, k_pr=3, k_dc=5))
    if labels is not None and fake_probs is not None:
        from .data import check_labels

        labels = check_labels(labels, np.shape(fake_probs)[1], n=len(f))
        scores["class_accuracy"] = float((np.asarray(fake_probs).argmax(1) == labels).mean())
    return scores


def score_images(images, real_features, labels=None, dataset="fashion-mnist"):
    """:func:`score_features` for generated ``images`` against precomputed real
    features (e.g. ``classify(x_test)[0]``). Pass ``labels`` (the classes asked for)
    to get the class accuracy of a conditional generator."""
    from .data import check_labels

    if labels is not None:
        labels = check_labels(labels, 10, n=len(images))
    feats, probs = classify(images, dataset)
    return score_features(real_features, feats, probs, labels)


def copy_scores(images, n=5000, dataset="fashion-mnist"):
    """:func:`score_images` for n copies of ``images`` (drawn with replacement) against
    n real test images: what a generator that only copied its training images would
    score. With few images it is far from "real vs real" (:func:`reference`): the best a
    GAN trained on them can do without inventing."""
    images = check_dataset_images(images, dataset)
    n = check_n(n, dataset)
    pick = np.random.default_rng(2).integers(0, len(images), n)
    return score_images(images[pick], real_test_set(dataset, n)[0], dataset=dataset)


def sample(gan, n, seed=0, rejection=False):
    """n images from ``gan`` for scoring: ``(images, labels)``. A conditional GAN is
    asked for classes drawn uniformly at random (labels is None otherwise).
    ``rejection=True`` goes to ``gan.generate`` (discriminator rejection sampling); it is
    not passed otherwise, so models without rejection sampling (e.g. LAPGAN) score too."""
    labels = None
    if getattr(gan, "conditional", False):
        labels = np.random.default_rng(seed).integers(gan.num_classes, size=n)
    options = {"rejection": True} if rejection else {}
    return gan.generate(n, labels=labels, seed=seed, **options), labels


@dataclasses.dataclass
class Reference:
    """Real test images of a dataset (features, probabilities, labels) and the scores
    that give every metric its scale: real vs real and noise vs real."""
    dataset: str
    n: int
    features: np.ndarray = dataclasses.field(repr=False)
    probs: np.ndarray = dataclasses.field(repr=False)
    labels: np.ndarray = dataclasses.field(repr=False)
    scores: dict = dataclasses.field(default_factory=dict)


_REFERENCES = {}


def reference(dataset="fashion-mnist", n=5000):
    """The real test set (n images) and the reference scores for ``dataset`` at size n:

    - "real vs real": n real *training* images scored against the n test images; the
      best a generator can hope for at this n (the floor of FID, not 0). Its class
      accuracy is the classifier's accuracy on the real *test* images: a reference, not
      a ceiling, since a generator can make images more typical of their class than
      many real ones, and the classifier scores typicality (the training images, which
      it learnt from, score higher still);
    - "noise vs real": n images of uniform noise in [-1, 1]; the worst (its labels
      are random, so its class accuracy is chance, about 0.1).

    Computed once per (dataset, n) and cached: the first call takes a few seconds.
    """
    check_dataset(dataset)
    n = check_n(n, dataset)
    if (dataset, n) not in _REFERENCES:
        feats, probs, labels = real_test_set(dataset, n)
        x_train, y_train = real_images(dataset, "train")
        rng = np.random.default_rng(1)
        train = rng.choice(len(x_train), n, replace=False)
        real_f, real_p = classify(x_train[train], dataset)
        noise = rng.uniform(-1, 1, (n, *IMAGE_SHAPES[dataset])).astype("float32")
        noise_f, noise_p = classify(noise, dataset)
        scores = {"real vs real": score_features(feats, real_f, real_p),
                  "noise vs real": score_features(feats, noise_f, noise_p,
                                                  rng.integers(10, size=n))}
        scores["real vs real"]["class_accuracy"] = float((probs.argmax(1) == labels).mean())
        _REFERENCES[dataset, n] = Reference(dataset, n, feats, probs, labels, scores)
    return _REFERENCES[dataset, n]


@dataclasses.dataclass
class Evaluation:
    """What :func:`evaluate` found: ``scores`` of the generated images and the
    ``references`` (real vs real, noise vs real) at the same n. ``ev["FID"]`` reads
    one score; ``print(ev)`` or ``ev.table()`` shows them side by side."""
    dataset: str
    n: int
    scores: dict
    references: dict

    def __getitem__(self, name):
        return self.scores[name]

    def table(self):
        """The scores as a text table, each next to its references."""
        return _table({"generated": self.scores, **self.references}, self._title())

    def _title(self):
        return (f"{self.dataset}: {self.n:,} generated vs {self.n:,} real test images "
                "(features of the course classifier)")

    def __str__(self):
        return self.table()

    def __repr__(self):
        return self.table()


def _table(columns, title):
    """Rows of metrics, one column of scores per entry of ``columns`` (name -> dict)."""
    width = max(17, *(len(c) + 2 for c in columns))
    lines = [title, f"{'metric':<15}" + "".join(f"{c:>{width}}" for c in columns)
             + f"{'better':>9}"]
    for name, (better, digits) in METRICS.items():
        if not any(name in s for s in columns.values()):
            continue
        cells = []
        for s in columns.values():
            text = f"{s[name]:.{digits}f}" if name in s else "-"
            if name + "_std" in s:
                text += f" ±{s[name + '_std']:.{digits}f}"
            cells.append(f"{text:>{width}}")
        label = "IS-style" if name == "IS" else name.replace("_", " ")
        lines.append(f"{label:<15}" + "".join(cells) + f"{better:>9}")
    return "\n".join(lines)


def compare(evaluations):
    """Several :class:`Evaluation` results side by side (a dict: name -> evaluation),
    with their shared references in the last two columns: how to compare runs.
    They must be at the same dataset and n, since FID depends on n."""
    evs = dict(evaluations)
    if not evs or not all(isinstance(e, Evaluation) for e in evs.values()):
        raise BadInputError("compare takes a dict of name -> "
                            "gankit.evaluation.evaluate(...) results.")
    first = next(iter(evs.values()))
    if any((e.dataset, e.n) != (first.dataset, first.n) for e in evs.values()):
        raise BadInputError(
            "compare evaluations of the same dataset at the same n: FID reads higher on fewer "
            "samples, so numbers at different n do not compare. Pass n=... to evaluate.")
    return _table({**{k: e.scores for k, e in evs.items()}, **first.references},
                  first._title().replace("generated", "generated (each)"))


def evaluate(images, dataset="fashion-mnist", labels=None, n=None):
    """Score generated images with every metric, each next to its scale.

    images: (N, H, W, 1) in [-1, 1] (28x28 for fashion-mnist, 8x8 for digits8).
    labels: the class each image was asked to be (conditional GANs): adds class accuracy.
    n: how many images to compare (the first n are used); default all of them, up to
    :func:`max_n`. FID depends on n, so compare models at the same n.
    Returns an :class:`Evaluation`; ``print`` it for a table.
    """
    from .data import check_labels

    images = check_dataset_images(images, dataset, name="generated images")
    n = min(len(images), max_n(dataset)) if n is None else n
    n = check_n(n, dataset)
    if len(images) < n:
        raise BadInputError(f"evaluate was asked for n={n:,} but got {len(images):,} images: "
                            "generate more, or pass a smaller n.")
    if labels is not None:
        labels = check_labels(labels, 10, n=len(images))[:n]
    ref = reference(dataset, n)
    feats, probs = classify(images[:n], dataset)
    return Evaluation(dataset, n, score_features(ref.features, feats, probs, labels),
                      dict(ref.scores))

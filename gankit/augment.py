"""Data augmentation with a conditional GAN (lesson 18).

The question: with only a few labelled images per class, does a classifier get better
when images from a conditional GAN, trained on the *same* few images, are added to its
training set? The GAN sees no other data, so whatever it adds must come from what it
learnt about the small set (smooth variations between its images), not from new
information. The answer depends on the set's size and the GAN's quality, so measure it
over several seeds, next to plain classic augmentation (shifts: no flips, because
Fashion-MNIST's shoes all point one way, ``mirror_match``).
"""
import numpy as np

import keras
from keras import layers

from .data import check_images, check_labels
from .errors import BadInputError
from .settings import seed_everything


def small_labelled_set(x, y, per_class, seed=0, num_classes=10):
    """``per_class`` images of each class, drawn at random (with ``seed``) from (x, y)."""
    x = check_images(x, name="x")
    y = check_labels(y, num_classes, n=len(x), name="y")
    rng = np.random.default_rng(seed)
    picks = []
    for c in range(num_classes):
        members = np.flatnonzero(y == c)
        if not 1 <= int(per_class) <= len(members):
            raise BadInputError(
                f"per_class should be between 1 and {len(members)} (the images of class {c}); "
                f"got {per_class}.")
        picks.append(rng.choice(members, int(per_class), replace=False))
    idx = rng.permutation(np.concatenate(picks))
    return x[idx], y[idx]


def shifts():
    """Classic augmentation for these images: random shifts of up to 2 pixels, the uncovered
    edge filled with the background (-1). No flips: a mirrored shoe is an image the test set
    never shows (``mirror_match``)."""
    return [layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=-1.0)]


def small_classifier(image_shape=(28, 28, 1), num_classes=10, augmentation=()):
    """A small CNN (two conv blocks of 16 and 32 filters, dropout): a few seconds for
    600 steps on a CPU, and a fair student for a small data set. ``augmentation``: Keras
    layers put in front of it, active only while training, e.g. ``shifts()``."""
    model = keras.Sequential([
        keras.Input(image_shape), *augmentation,
        layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dropout(0.4), layers.Dense(num_classes),
    ], name="small_classifier")
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def mirror_match(x, y, num_classes=10):
    """Per class, the share of images (x, y) that correlate better with their class's mean
    image than with its mirror image (left to right): about half if the class has no left
    and right, near 1 if its images all face one way and a flip makes a new kind of image."""
    x = check_images(x, name="x")[..., 0]
    y = check_labels(y, num_classes, n=len(x), name="y")
    shares = []
    for c in range(num_classes):
        xc = x[y == c] - x[y == c].mean((1, 2), keepdims=True)
        mean = xc.mean(0)
        shares.append(float(np.mean((xc * mean).sum((1, 2)) > (xc * mean[:, ::-1]).sum((1, 2)))))
    return np.array(shares)


def generated_set(gan, per_class, seed=0):
    """``per_class`` samples of each class from a conditional GAN, with their labels."""
    if not getattr(gan, "conditional", False):
        raise BadInputError(
            "Augmentation needs labelled samples: pass a conditional GAN (e.g. "
            "gankit.recipes.fashion_gan(conditional=True)) trained on the small set.")
    if int(per_class) < 1:
        raise BadInputError(f"per_class should be 1 or more; got {per_class}.")
    labels = np.repeat(np.arange(gan.num_classes), int(per_class))
    return gan.generate(len(labels), labels=labels, seed=seed), labels


class _Passes(keras.utils.PyDataset):
    """``steps`` batches of (x, y): the whole set in a new random order on each pass, as
    ``fit(shuffle=True)`` draws them, but all in one epoch. Keras pays a fixed cost per
    epoch, and a set of 100 images has only two batches in each."""

    def __init__(self, x, y, batch_size, steps, seed):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.x, self.y, self.batches = x, y, []
        while len(self.batches) < steps:
            order = rng.permutation(len(x))
            self.batches += [order[i:i + batch_size] for i in range(0, len(x), batch_size)]
        del self.batches[steps:]

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, i):
        return self.x[self.batches[i]], self.y[self.batches[i]]


def train_classifier(x, y, x_test, y_test, steps=600, batch_size=64, seed=0, augmentation=(),
                     num_classes=10):
    """Train :func:`small_classifier` (with ``augmentation`` layers, e.g. ``shifts()``) for
    ``steps`` updates on (x, y) and return its test accuracy. A fixed number of updates, not
    of epochs, keeps runs with and without extra images equally long."""
    x = check_images(x, name="x")
    y = check_labels(y, num_classes, n=len(x), name="y")
    x_test = check_images(x_test, x.shape[1:], name="x_test")
    y_test = check_labels(y_test, num_classes, n=len(x_test), name="y_test")
    if int(steps) < 1:
        raise BadInputError(f"steps should be 1 or more; got {steps}.")
    seed_everything(seed)
    model = small_classifier(x.shape[1:], num_classes, augmentation)
    # Epochs would give a bigger training set more updates; a fixed number of batches does not.
    model.fit(_Passes(x, y, batch_size, int(steps), seed), epochs=1, verbose=0)
    return float(model.evaluate(x_test, y_test, batch_size=500, verbose=0)[1])


def compare(x_small, y_small, x_test, y_test, fake=None, seeds=(0, 1, 2), steps=600,
            classic=True):
    """Test accuracy of the small classifier trained on the small set alone ("real"),
    with classic augmentation ("real + shifts", if ``classic``), and with generated
    images added ("real + GAN", if ``fake`` = (images, labels) is given), each over
    ``seeds``. Returns {arm: list of accuracies, one per seed}."""
    arms = {"real": (x_small, y_small, None)}
    if classic:
        arms["real + shifts"] = (x_small, y_small, shifts)
    if fake is not None:
        fx, fy = fake
        fx = check_images(fx, x_small.shape[1:], name="generated images")
        arms["real + GAN"] = (np.concatenate([x_small, fx]),
                              np.concatenate([y_small, np.asarray(fy, y_small.dtype)]), None)
    # Each arm names its augmentation factory (or None): fresh layers for every seed.
    return {arm: [train_classifier(x, y, x_test, y_test, steps=steps, seed=s,
                                   augmentation=make() if make else ())
                  for s in seeds] for arm, (x, y, make) in arms.items()}


def summarise(results):
    """One line per arm: mean accuracy, its standard error and the per-seed values."""
    lines = []
    for arm, accs in results.items():
        a = np.asarray(accs)
        se = a.std(ddof=1) / np.sqrt(len(a)) if len(a) > 1 else 0.0
        lines.append(f"{arm:<22}{a.mean():7.1%} +- {se:.1%}   "
                     f"({', '.join(f'{v:.1%}' for v in a)})")
    return "\n".join(lines)

"""Differentiable augmentation (DiffAugment, Zhao et al. 2020): the same random colour,
translation and cutout applied to everything D sees, real and fake, in D's step and in G's.

With little data D memorises the training images, and its verdicts stop teaching G.
Augmenting only the real images would teach G to draw augmented images; augmenting both,
with operations G's gradient can pass through, lets D learn from many more views of the
few images while G is still asked for plain ones. Images are (N, H, W, C) in [-1, 1];
each operation draws its own random numbers per image, in ``keras.ops`` (any backend,
inside a compiled step). The three policies follow the official code: colour (brightness
U(-0.5, 0.5), saturation x U(0, 2), contrast x U(0.5, 1.5)), translation (by up to 1/8 of
the size, zeros coming in) and cutout (a square of half the size set to 0).

ADA (Karras et al. 2020) uses augmentations like these with a probability p per image and
operation, which it adapts while training; ``diff_augment(..., p=...)`` applies them so.
The random numbers come from ``draw``: a :class:`Draws` (a seed) outside a model; inside
a step, the GAN itself, whose ``uniform`` and ``integers`` draw as one device would for
the whole batch when the step runs on several.
"""
import keras
from keras import ops

from .errors import BadInputError, unknown_name


class Draws:
    """Random numbers from a seed (an int, None or a ``keras.random.SeedGenerator``), with
    the two methods the operations draw with; a GAN has the same two."""

    def __init__(self, seed=None):
        self.seed_generator = (seed if isinstance(seed, keras.random.SeedGenerator)
                               else keras.random.SeedGenerator(seed))

    def uniform(self, shape, low=0.0, high=1.0):
        return keras.random.uniform(shape, low, high, seed=self.seed_generator)

    def integers(self, shape, high):
        """Whole numbers in [0, high)."""
        return keras.random.randint(shape, 0, high, seed=self.seed_generator)


def _draws(draw):
    return draw if hasattr(draw, "integers") and hasattr(draw, "uniform") else Draws(draw)


def _images(x):
    return ops.convert_to_tensor(x, "float32")


def _per_image(x, draw, low=0.0, high=1.0):
    """One uniform number per image, shaped to broadcast over (H, W, C)."""
    return _draws(draw).uniform((ops.shape(x)[0], 1, 1, 1), low, high)


def brightness(x, draw=None):
    """Adds U(-0.5, 0.5) to every pixel of an image."""
    x = _images(x)
    return x + _per_image(x, draw, -0.5, 0.5)


def saturation(x, draw=None):
    """Scales each pixel's distance from its own channel mean by U(0, 2): nothing changes
    in a one-channel image, whose pixels are their own mean."""
    x = _images(x)
    mean = ops.mean(x, axis=-1, keepdims=True)
    return (x - mean) * _per_image(x, draw, 0.0, 2.0) + mean


def contrast(x, draw=None):
    """Scales each image's distance from its mean by U(0.5, 1.5)."""
    x = _images(x)
    mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
    return (x - mean) * _per_image(x, draw, 0.5, 1.5) + mean


def _shift(x, offsets, axis):
    """Moves each image by its own whole number of pixels ``offsets`` (N,) along ``axis``
    (1: rows, 2: columns); zeros come in at the edge."""
    size = ops.shape(x)[axis]
    source = ops.arange(size)[None, :] - offsets[:, None]           # (N, size): where from
    inside = ops.cast((source >= 0) & (source < size), x.dtype)
    source = ops.clip(source, 0, size - 1)
    shape = [-1, 1, 1, 1]
    shape[axis] = size
    index = ops.broadcast_to(ops.reshape(source, shape), ops.shape(x))
    return ops.take_along_axis(x, index, axis=axis) * ops.reshape(inside, shape)


def translation(x, draw=None, ratio=0.125):
    """Moves each image by up to ``ratio`` of its size, rows and columns apart."""
    moved = x = _images(x)
    draw = _draws(draw)
    for axis in (1, 2):
        most = int(x.shape[axis] * ratio)
        offsets = draw.integers((ops.shape(x)[0],), 2 * most + 1) - most
        moved = _shift(moved, offsets, axis)
    return moved


def cutout(x, draw=None, ratio=0.5):
    """Sets a square of ``ratio`` of the size, at a random place in each image, to 0 (it
    may reach past the edge, as in the official code)."""
    x = _images(x)
    draw = _draws(draw)
    masks = []
    for axis in (1, 2):
        size = int(x.shape[axis])
        cut = int(size * ratio)
        start = draw.integers((ops.shape(x)[0], 1), size + (1 - cut % 2)) - cut // 2
        where = ops.arange(size)[None, :]
        masks.append((where >= start) & (where < start + cut))      # (N, size)
    inside = masks[0][:, :, None] & masks[1][:, None, :]             # (N, H, W)
    return x * (1.0 - ops.cast(inside, x.dtype))[..., None]


POLICIES = {"color": (brightness, saturation, contrast), "translation": (translation,),
            "cutout": (cutout,)}


def policy_names(policy):
    """The operations' group names in ``policy`` ("color,translation,cutout"), checked."""
    if not isinstance(policy, str):
        raise BadInputError(f"A DiffAugment policy is a string of names from {sorted(POLICIES)}"
                            f", comma-separated (e.g. \"color,translation,cutout\"); "
                            f"got {policy!r}.")
    names = [p.strip() for p in policy.split(",") if p.strip()]
    for name in names:
        if name not in POLICIES:
            raise unknown_name("DiffAugment policy", name, POLICIES)
    return names


def diff_augment(x, policy="color,translation,cutout", seed=None, p=None):
    """``x`` augmented by each policy of ``policy`` in turn (names from ``POLICIES``,
    comma-separated; "" changes nothing). ``seed``: where the random numbers come from: an
    int or None (a new :class:`Draws`), a ``keras.random.SeedGenerator``, or a GAN in its
    training step. ``p``: ADA's probability (a number or a scalar tensor): each operation
    changes each image with probability p, and leaves it as it was otherwise; None = 1."""
    names = policy_names(policy)
    draw = _draws(seed)   # one source: each draw below differs
    x = _images(x)
    if len(x.shape) != 4:
        raise BadInputError(f"DiffAugment takes a batch of images (N, H, W, C); got shape "
                            f"{tuple(x.shape)}. Add the channel axis: x[..., None].")
    for name in names:
        for op in POLICIES[name]:
            changed = op(x, draw)
            if p is None:
                x = changed
            else:
                chosen = draw.uniform((ops.shape(x)[0], 1, 1, 1)) < p
                x = ops.where(chosen, changed, x)
    return x

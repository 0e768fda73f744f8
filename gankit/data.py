"""Datasets for the course: images scaled to [-1, 1] and synthetic 2D/1D toys.

Images come back as float32 arrays of shape (N, H, W, 1) in [-1, 1], because
the generators end in ``tanh``. Labels are int32 class indices.

Fashion-MNIST is looked for in this order, and the loader says which it used:

1. the Keras cache (``~/.keras/datasets/fashion-mnist``, or under ``$KERAS_HOME``);
2. the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``);
3. a download through ``keras.datasets`` when the machine is online
   (never when ``GANKIT_OFFLINE=1``, which the tests set);
4. the class-balanced subset that ships in ``data/`` (20,000 training and 5,000
   test images; see ``data/PROVENANCE.md``).

Set ``GANKIT_DATA_SOURCE`` (or pass ``source=``) to one of ``keras-cache``,
``debian``, ``download`` or ``subset`` to choose a source yourself.
"""
import gzip
import hashlib
import os
import pathlib
import socket

import numpy as np

from .errors import BadInputError, DataUnavailableError, unknown_name

DATA_DIR = pathlib.Path(__file__).resolve().parent.parent / "data"
SUBSET_FILE = DATA_DIR / "fashion-mnist-subset.npz"
DEBIAN_DIR = pathlib.Path("/usr/share/datasets/fashion-mnist")

FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
DIGIT_CLASSES = tuple(str(i) for i in range(10))

# sha256 of the arrays' bytes in data/fashion-mnist-subset.npz (see PROVENANCE.md)
SUBSET_SHA256 = {
    "x_train": "56cc66e2ebf421ea142acb282de784244d502ac4afcc26109ce2526565211135",
    "y_train": "4cde9a2aab5f50ef946d94009c82aecf26ac808fe2d66b10afb9633bac15aef9",
    "x_test": "e9f750f2e3fe21cd5060ea979a2c3e713cdcc5bb7b3bca4e4d41c67da436252c",
    "y_test": "bdd63733e7c8dc420346db04ba7fc892e22b990b006f3c4023241cb446312208",
}
SOURCES = ("auto", "keras-cache", "debian", "download", "subset")
SOURCE_NAMES = {
    "keras-cache": "the Keras cache",
    "debian": "the Debian package dataset-fashion-mnist",
    "download": "a download (now in the Keras cache)",
    "subset": "the class-balanced subset shipped in data/",
}
_last_source = {}


def offline():
    """True when downloads are forbidden (``GANKIT_OFFLINE=1``; the tests set it)."""
    return os.environ.get("GANKIT_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def data_source(name="fashion-mnist"):
    """Where the last call to the loader of ``name`` found its data, in words."""
    return _last_source.get(name)


def to_unit_range(images):
    """uint8 pixels in [0, 255] -> float32 in [-1, 1], with a channel axis."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    return (images.astype("float32") / 127.5 - 1.0)


def to_pixels(images):
    """float images in [-1, 1] -> uint8 pixels in [0, 255] (for saving or showing)."""
    return np.clip((np.asarray(images) + 1.0) * 127.5, 0, 255).round().astype("uint8")


def check_images(images, shape=None, name="images"):
    """Raise a clear error unless ``images`` is (N, H, W, C) float in [-1, 1].

    ``shape`` is the expected (H, W, C); pass None to accept any.
    """
    arr = np.asarray(images)
    if arr.ndim != 4:
        hint = ""
        if arr.ndim == 3:  # one colour image (H, W, 3), or grey images without their channel
            hint = (" One image? Add the batch axis: x[None]." if arr.shape[-1] in (1, 3)
                    else " Add a channel axis with x[..., None].")
        raise BadInputError(
            f"{name} should have 4 axes (N, H, W, C); got shape {arr.shape}.{hint}")
    if shape is not None and tuple(arr.shape[1:]) != tuple(shape):
        raise BadInputError(
            f"{name} should be {tuple(shape)} per image; got {tuple(arr.shape[1:])}. "
            "Resize the data or build the model for this shape.")
    if not np.issubdtype(arr.dtype, np.floating):
        raise BadInputError(
            f"{name} should be floating-point numbers in [-1, 1]; got {arr.dtype}. They look "
            "like raw pixels: use gankit.data.to_unit_range(x) (it also converts to float32).")
    if arr.size:
        lo, hi = float(np.min(arr)), float(np.max(arr))
        if not np.isfinite([lo, hi]).all():
            raise BadInputError(f"{name} contain NaN or infinite values.")
        if lo < -1.001 or hi > 1.001:
            hint = (" They look like raw pixels: use gankit.data.to_unit_range(x)."
                    if hi > 1.5 else "")
            raise BadInputError(
                f"{name} should lie in [-1, 1] (the generator ends in tanh); got values "
                f"in [{lo:.3g}, {hi:.3g}].{hint}")
    return arr


def check_labels(labels, num_classes, n=None, name="labels"):
    """Raise a clear error unless ``labels`` are ints in [0, num_classes)."""
    arr = np.asarray(labels)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise BadInputError(f"{name} should be a 1D array of class indices; got shape {arr.shape}.")
    if n is not None and len(arr) != n:
        raise BadInputError(f"{name}: expected {n} labels, one per image; got {len(arr)}.")
    if arr.size and (not np.issubdtype(arr.dtype, np.integer) and
                     not np.all(np.equal(np.mod(arr, 1), 0))):
        raise BadInputError(f"{name} should be whole class indices; got {arr.dtype} values.")
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise BadInputError(
            f"{name} should lie in [0, {num_classes - 1}] for {num_classes} classes; got "
            f"values from {int(arr.min())} to {int(arr.max())}.")
    return arr.astype("int32")


# --- Fashion-MNIST -------------------------------------------------------------

def read_idx(path):
    """Read a gzipped IDX file (the format MNIST and Fashion-MNIST ship in)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _read_idx_dir(folder, split):
    prefix = "train" if split == "train" else "t10k"
    return (read_idx(folder / f"{prefix}-images-idx3-ubyte.gz"),
            read_idx(folder / f"{prefix}-labels-idx1-ubyte.gz"))


def _keras_cache_dir():
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return pathlib.Path(home) / "datasets" / "fashion-mnist"


def _has_idx(folder):
    return all((folder / f).exists() for f in (
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"))


def _download_fashion(split):
    import keras

    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)
    try:
        (xtr, ytr), (xte, yte) = keras.datasets.fashion_mnist.load_data()
    finally:
        socket.setdefaulttimeout(old)
    return (xtr, ytr) if split == "train" else (xte, yte)


def _load_subset(split):
    if not SUBSET_FILE.exists():
        raise DataUnavailableError(
            f"The shipped Fashion-MNIST subset data/{SUBSET_FILE.name} is missing. "
            "Restore it with `git checkout data/`, or rebuild it with "
            "scripts/make_fashion_subset.py where the full set is installed.")
    with np.load(SUBSET_FILE) as f:
        x, y = f[f"x_{split}"], f[f"y_{split}"]
    for key, arr in ((f"x_{split}", x), (f"y_{split}", y)):
        if hashlib.sha256(arr.tobytes()).hexdigest() != SUBSET_SHA256[key]:
            raise DataUnavailableError(
                f"data/{SUBSET_FILE.name} is damaged ({key} fails its checksum). "
                "Restore it with `git checkout data/`.")
    return x, y


def _fashion_raw(split, source):
    """Return (uint8 images, labels, source key)."""
    tried = []
    order = [source] if source != "auto" else ["keras-cache", "debian", "download", "subset"]
    for src in order:
        if src == "keras-cache":
            if _has_idx(_keras_cache_dir()):
                return (*_read_idx_dir(_keras_cache_dir(), split), src)
            tried.append("no copy in the Keras cache")
        elif src == "debian":
            if _has_idx(DEBIAN_DIR):
                return (*_read_idx_dir(DEBIAN_DIR, split), src)
            tried.append("the Debian package dataset-fashion-mnist is not installed")
        elif src == "download":
            if offline():
                tried.append("downloads are off (GANKIT_OFFLINE=1)")
                continue
            try:
                return (*_download_fashion(split), src)
            except Exception as e:  # no network, proxy, timeout...
                tried.append(f"the download failed ({type(e).__name__})")
        elif src == "subset":
            return (*_load_subset(split), src)
    raise DataUnavailableError(
        f"Fashion-MNIST from {source!r} is not available: {'; '.join(tried)}. "
        "Use source='auto' to fall back to the subset shipped in data/.")


def load_fashion_mnist(split="train", n=None, source=None, verbose=True):
    """Fashion-MNIST as ``(x, y)``: x (N, 28, 28, 1) float32 in [-1, 1], y (N,) int32.

    split: "train" or "test". n: keep only the first n images (None keeps all).
    source: see the module docstring; default ``$GANKIT_DATA_SOURCE`` or "auto".
    """
    if split not in ("train", "test"):
        raise BadInputError(f"split should be 'train' or 'test'; got {split!r}.")
    source = source or os.environ.get("GANKIT_DATA_SOURCE") or "auto"
    if source not in SOURCES:
        raise unknown_name("Fashion-MNIST source", source, SOURCES)
    x, y, used = _fashion_raw(split, source)
    _last_source["fashion-mnist"] = SOURCE_NAMES[used]
    if n is not None:
        x, y = x[:n], y[:n]
    if verbose:
        print(f"Fashion-MNIST ({split}): {len(x):,} images from {SOURCE_NAMES[used]}.")
    return to_unit_range(x), y.astype("int32")


def load_mnist(split="train", n=None, verbose=True):
    """MNIST digits as ``(x, y)``, from the Keras cache or a download.

    MNIST does not ship with the course. Offline and without a cached copy this
    raises an error that points to Fashion-MNIST, which always works.
    """
    import keras

    if split not in ("train", "test"):
        raise BadInputError(f"split should be 'train' or 'test'; got {split!r}.")
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    cached = pathlib.Path(home) / "datasets" / "mnist.npz"
    if not cached.exists() and offline():
        raise DataUnavailableError(
            "MNIST is not in the Keras cache and downloads are off (GANKIT_OFFLINE=1). "
            "Use gankit.load_fashion_mnist() instead (it always works offline), or copy "
            f"mnist.npz into {cached.parent.name}/ under your Keras home.")
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)
    try:
        (xtr, ytr), (xte, yte) = keras.datasets.mnist.load_data()
    except Exception as e:
        raise DataUnavailableError(
            f"MNIST could not be downloaded ({type(e).__name__}) and is not cached. "
            "Use gankit.load_fashion_mnist() instead: it works offline.") from e
    finally:
        socket.setdefaulttimeout(old)
    x, y = (xtr, ytr) if split == "train" else (xte, yte)
    _last_source["mnist"] = "the Keras cache" if cached.exists() else "a download"
    if n is not None:
        x, y = x[:n], y[:n]
    if verbose:
        print(f"MNIST ({split}): {len(x):,} images from {_last_source['mnist']}.")
    return to_unit_range(x), y.astype("int32")


def digits8_split(seed=0, test_share=0.2):
    """The course's fixed train/test split of the 8x8 digits: ``(train_idx, test_idx)``.

    Class-balanced (the same share of every digit is held out) and seeded, so the
    digits8 evaluation classifier is always tested on images it never saw.
    """
    from sklearn.datasets import load_digits

    y = load_digits().target
    rng = np.random.default_rng(seed)
    test = []
    for c in range(10):
        members = rng.permutation(np.flatnonzero(y == c))
        test.extend(members[:int(round(test_share * len(members)))])
    test = np.sort(np.asarray(test, "int64"))
    return np.setdiff1d(np.arange(len(y)), test), test


def load_digits8(verbose=True, split=None):
    """scikit-learn's 1,797 handwritten digits, 8x8, as ``(x, y)`` in [-1, 1].

    Tiny and always offline: the quickest image GAN there is. ``split`` = "train"
    or "test" gives one side of :func:`digits8_split` (1,438 / 359 images); None
    gives all of them.
    """
    from sklearn.datasets import load_digits

    if split not in (None, "train", "test"):
        raise BadInputError(f"split should be None, 'train' or 'test'; got {split!r}.")
    d = load_digits()
    x = (d.images.astype("float32") / 8.0 - 1.0)[..., None]  # pixels are 0..16
    y = d.target.astype("int32")
    if split is not None:
        keep = digits8_split()[0 if split == "train" else 1]
        x, y = x[keep], y[keep]
    _last_source["digits8"] = "scikit-learn (bundled)"
    if verbose:
        which = "" if split is None else f" ({split})"
        print(f"8x8 digits{which}: {len(x):,} images from scikit-learn (bundled with it).")
    return x, y


# --- Synthetic distributions ------------------------------------------------------

def ring8_centers(radius=1.0):
    """The 8 mode centres of ring8: the unit circle at angles 2*pi*k/8."""
    angles = 2 * np.pi * np.arange(8) / 8
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype("float32")


def grid25_centers():
    """The 25 mode centres of grid25: {-4, -2, 0, 2, 4}^2."""
    g = np.array([-4, -2, 0, 2, 4], dtype="float32")
    return np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)


# name -> (centres, std): the published protocol (PacGAN, VEEGAN); see shared FACTS
MIXTURES = {
    "ring8": (ring8_centers(), 0.01),
    "grid25": (grid25_centers(), 0.05),
}


def _rng(seed):
    return np.random.default_rng(seed)


def _check_n(n):
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise BadInputError(f"n should be a positive whole number of samples; got {n!r}.")


def _mixture(name, n, seed):
    _check_n(n)
    centers, std = MIXTURES[name]
    rng = _rng(seed)
    k = rng.integers(len(centers), size=n)
    return (centers[k] + std * rng.standard_normal((n, 2))).astype("float32")


def ring8(n, seed=None):
    """n points from 8 Gaussians on the unit circle, std 0.01 (PacGAN's ring)."""
    return _mixture("ring8", n, seed)


def grid25(n, seed=None):
    """n points from 25 Gaussians on {-4,-2,0,2,4}^2, std 0.05 (PacGAN's grid)."""
    return _mixture("grid25", n, seed)


def spiral(n, seed=None, noise=0.05):
    """n points along a two-turn spiral of radius up to 1."""
    _check_n(n)
    rng = _rng(seed)
    t = np.sqrt(rng.uniform(0, 1, n)) * 4 * np.pi
    r = t / (4 * np.pi)
    pts = np.stack([r * np.cos(t), r * np.sin(t)], 1) + noise * rng.standard_normal((n, 2))
    return pts.astype("float32")


def moons(n, seed=None, noise=0.05):
    """n points from scikit-learn's two interleaving half circles, centred."""
    from sklearn.datasets import make_moons

    _check_n(n)
    pts, _ = make_moons(n, noise=noise, random_state=None if seed is None else int(seed))
    return (pts - np.array([0.5, 0.25])).astype("float32")


def mixture1d(n, seed=None):
    """n values (shape (n, 1)) from a 1D mixture: N(-2, 0.5) and N(2, 0.5), weights 0.3/0.7."""
    _check_n(n)
    rng = _rng(seed)
    pick = rng.uniform(size=n) < 0.3
    x = np.where(pick, -2.0, 2.0) + 0.5 * rng.standard_normal(n)
    return x[:, None].astype("float32")


TOYS = {"ring8": ring8, "grid25": grid25, "spiral": spiral, "moons": moons,
        "mixture1d": mixture1d}
IMAGES = {"fashion-mnist": load_fashion_mnist, "mnist": load_mnist, "digits8": load_digits8}
DATASETS = tuple(sorted([*TOYS, *IMAGES]))


def load(name, n=None, seed=None, **kwargs):
    """Any course dataset by name: ``(x, y)`` for images, points for the toys.

    Toy names (ring8, grid25, spiral, moons, mixture1d) need ``n``; image names
    (fashion-mnist, mnist, digits8) take the loader's own keyword arguments.
    """
    if name in TOYS:
        if n is None:
            raise BadInputError(f"{name} is sampled on demand: pass n, the number of points.")
        return TOYS[name](n, seed=seed)
    if name in IMAGES:
        if name == "digits8":
            x, y = load_digits8(**kwargs)
            return (x, y) if n is None else (x[:n], y[:n])
        return IMAGES[name](n=n, **kwargs)
    raise unknown_name("dataset", name, DATASETS)

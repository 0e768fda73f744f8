"""The captioned scenes of lesson 17: a tiny grammar, the 16x16 RGB scenes it describes,
a text encoder that reads its sentences, and classifiers that read the scenes back.

- **The data** are made here, deterministic from a seed: one shape in a 16x16 RGB
  scene, described by a sentence from a tiny grammar,
  "a [small|big] [red|green|blue] [circle|square|triangle] [on the left|on the right|
  at the top|at the bottom]". Some colour-shape pairs (:data:`HELD_OUT`) never appear
  in training: only the test asks for them.
- **The text encoder**: an embedding per word, averaged over the sentence, then a
  linear layer: a sentence vector, linear in the words. It learns first, alone, to name
  the four attributes of a caption; then it is frozen and the GAN only reads it. The
  course trains it on captions of the whole grammar, *text alone* (``shape_scenes(...,
  which="all")``), as Imagen's frozen T5 learnt language from text: trained on the GAN's
  own captions, it learns that a square is never red and misreads "a red square".
- **Measuring**: small attribute classifiers, trained on real scenes, read the size,
  colour, shape and position of each generated image; the share that matches the
  sentence says whether G draws what it is told.
"""
import itertools

import keras
import numpy as np
from keras import layers, ops

from . import backend
from .data import check_images
from .errors import BadInputError


SIZES = ("small", "big")
COLOURS = ("red", "green", "blue")
SHAPES = ("circle", "square", "triangle")
POSITIONS = ("on the left", "on the right", "at the top", "at the bottom")
ATTRIBUTES = {"size": SIZES, "colour": COLOURS, "shape": SHAPES, "position": POSITIONS}
# colour-shape pairs that no training caption has (each word does, in other pairs)
HELD_OUT = (("red", "square"), ("blue", "circle"))
PAD = "<pad>"
VOCABULARY = (PAD, "a") + SIZES + COLOURS + SHAPES + ("on", "at", "the", "left", "right",
                                                      "top", "bottom")
LENGTH = 7  # words in every caption of the grammar
# chance of guessing each attribute, and all four at once
CHANCE = {**{k: 1.0 / len(v) for k, v in ATTRIBUTES.items()},
          "all": 1.0 / np.prod([len(v) for v in ATTRIBUTES.values()])}


# --- captions and tokens ------------------------------------------------------------------

def caption(attributes):
    """The sentence for one row of attributes (size, colour, shape, position indices)."""
    s, c, k, p = (int(a) for a in attributes)
    return f"a {SIZES[s]} {COLOURS[c]} {SHAPES[k]} {POSITIONS[p]}"


def _word_attribute(word):
    """(attribute index, value index) of one attribute word, or None."""
    for a, values in enumerate(ATTRIBUTES.values()):
        if word in values:
            return a, values.index(word)
    return None


def check_held_out(held_out):
    """The held-out pairs as tuples of two words from two different attributes: colour and
    shape, as ("red", "square"), or any other two, as ("triangle", "at the top")."""
    pairs = tuple(tuple(p) for p in held_out)
    for pair in pairs:
        where = [_word_attribute(w) for w in pair] if len(pair) == 2 else [None]
        if None in where or where[0][0] == where[1][0]:
            raise BadInputError(
                f"held_out should list pairs of words from two different attributes, such as "
                f"('red', 'square') or ('triangle', 'at the top'); the words are "
                f"{', '.join(f'{k}: {v}' for k, v in ATTRIBUTES.items())}; got {pair!r}.")
    return pairs


def combinations(held_out=HELD_OUT, which="seen"):
    """Every attribute row (size, colour, shape, position) of the grammar, as an int array:
    ``which="seen"`` without the rows that hold a held-out pair, ``"held-out"`` only them,
    ``"all"`` every one."""
    pairs = check_held_out(held_out)
    if which not in ("seen", "held-out", "all"):
        raise BadInputError(f"which should be 'seen', 'held-out' or 'all'; got {which!r}.")
    coded = [[_word_attribute(w) for w in pair] for pair in pairs]
    rows = []
    for row in itertools.product(*(range(len(v)) for v in ATTRIBUTES.values())):
        out = any(all(row[a] == i for a, i in pair) for pair in coded)
        if which == "all" or out == (which == "held-out"):
            rows.append(row)
    if not rows:
        raise BadInputError(f"No {which} combinations are left with held_out={pairs}.")
    return np.array(rows, "int32")


def tokenize(sentence):
    """A caption's words: lower case, split on spaces."""
    if not isinstance(sentence, str):
        raise BadInputError(f"A caption should be a string; got {type(sentence).__name__}.")
    return sentence.lower().split()


def encode_captions(captions, length=LENGTH):
    """Captions -> int32 token ids (N, length), padded with 0 (``<pad>``) at the end.

    Every word must be in :data:`VOCABULARY`: an unknown word raises a BadInputError that
    names it and lists the words the encoder knows."""
    if isinstance(captions, str):
        captions = [captions]
    index = {w: i for i, w in enumerate(VOCABULARY)}
    out = np.zeros((len(captions), length), "int32")
    for n, sentence in enumerate(captions):
        words = tokenize(sentence)
        if not words or len(words) > length:
            raise BadInputError(f"Caption {sentence!r} has {len(words)} words; captions need 1 "
                                f"to {length}.")
        for i, w in enumerate(words):
            if w not in index or w == PAD:
                raise BadInputError(
                    f"Unknown word {w!r} in caption {sentence!r}. The text encoder knows only: "
                    f"{', '.join(VOCABULARY[1:])}.")
            out[n, i] = index[w]
    return out


# --- the scenes ------------------------------------------------------------------------------

def _draw(attributes, centres, size, supersample=4):
    """Anti-aliased scenes: each pixel is the share of its supersample x supersample
    sub-pixels that fall inside the shape."""
    n = len(attributes)
    half = np.where(attributes[:, 0] == 0, 0.19, 0.28)[:, None, None] * size  # small / big
    grid = (np.arange(size * supersample) + 0.5) / supersample - 0.5
    dr = grid[None, :, None] - centres[:, 0, None, None]
    dc = grid[None, None, :] - centres[:, 1, None, None]
    circle = dr ** 2 + dc ** 2 <= half ** 2
    square = np.maximum(np.abs(dr), np.abs(dc)) <= 0.85 * half
    # an upward triangle: apex half above the centre, base half below, base width 2 * half
    triangle = (np.abs(dr) <= half) & (np.abs(dc) <= (dr + half) / 2)
    kind = attributes[:, 2][:, None, None]
    inside = np.where(kind == 0, circle, np.where(kind == 1, square, triangle))
    ink = inside.reshape(n, size, supersample, size, supersample).mean((2, 4))
    images = np.full((n, size, size, 3), -1.0, "float32")
    images[np.arange(n), :, :, attributes[:, 1]] = 2.0 * ink - 1.0
    return images


def shape_scenes(n, seed=0, held_out=HELD_OUT, which="seen", size=16):
    """``n`` scenes of one shape each, with their captions and attributes.

    Returns (images, captions, attributes): images float32 (n, size, size, 3) in [-1, 1]
    (black background, the shape in one colour channel), captions an array of str,
    attributes int32 (n, 4): the size, colour, shape and position indices into
    :data:`ATTRIBUTES`. Each scene draws an attribute row uniformly from
    :func:`combinations` (``which``: "seen", "held-out" or "all") and jitters the
    position by up to a pixel. Same seed, same scenes.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise BadInputError(f"n should be a positive whole number of scenes; got {n!r}.")
    if size < 12:
        raise BadInputError(f"size should be 12 pixels or more; got {size}.")
    rng = np.random.default_rng(seed)
    rows = combinations(held_out, which)
    attributes = rows[rng.integers(len(rows), size=n)]
    mid, offset = (size - 1) / 2, 0.19 * size
    along = rng.uniform(-0.5, 0.5, n)   # jitter along the position's axis
    across = rng.uniform(-1.0, 1.0, n)  # and across it
    pos = attributes[:, 3]
    sign = np.where(pos % 2 == 0, -1.0, 1.0)  # left / top: -1, right / bottom: +1
    main = mid + sign * offset + along
    other = mid + across
    horizontal = pos < 2  # left / right move the column
    centres = np.stack([np.where(horizontal, other, main), np.where(horizontal, main, other)], 1)
    images = _draw(attributes, centres, size)
    captions = np.array([caption(a) for a in attributes])
    return images, captions, attributes


def check_scenes(images, shape=None, name="images"):
    """Scenes as float32 (N, H, W, 3) in [-1, 1], or a BadInputError that says what to do.

    :func:`gankit.check_images` checks the axes, the shape and the range; this adds only
    that a scene has three colour channels (RGB)."""
    x = np.asarray(images)
    if x.ndim == 4 and x.shape[-1] != 3:
        raise BadInputError(
            f"{name} should be RGB scenes, shape (N, height, width, 3): a caption names a "
            f"colour, so the scenes need their 3 colour channels; got {x.shape[-1]} "
            f"channel(s), shape {x.shape}. Make them with shape_scenes(), or turn grey "
            "images (..., 1) into RGB ones with np.repeat(x, 3, axis=-1).")
    return check_images(x, shape, name).astype("float32", copy=False)


def check_tokens(tokens, n=None):
    """Token ids as int32 (N, words), one caption per image when ``n`` is given."""
    t = np.asarray(tokens)
    if t.ndim != 2 or not np.issubdtype(t.dtype, np.integer):
        raise BadInputError(f"tokens should be whole numbers of shape (N, words), from "
                            f"encode_captions(captions); got {t.dtype} {t.shape}.")
    if t.min() < 0 or t.max() >= len(VOCABULARY):
        raise BadInputError(f"tokens should be word ids 0 to {len(VOCABULARY) - 1}; got "
                            f"{t.min()} to {t.max()}. Use encode_captions(captions).")
    if n is not None and len(t) != n:
        raise BadInputError(f"Need one caption per image: {n} images, {len(t)} captions.")
    return t.astype("int32")


# --- the text encoder ------------------------------------------------------------------------

def text_encoder(dim=32, length=LENGTH, activation=None, name="text_encoder"):
    """Token ids (length,) -> a sentence vector (dim,): an embedding per word, averaged
    over the words (padding masked out), then a dense layer. Linear by default, so the
    sentence vector is a sum of per-word vectors: new word pairs land where their words
    point (tanh drew far fewer held-out pairs right: benchmarks/README.md, "Text to
    image")."""
    tokens = keras.Input((length,), dtype="int32", name="tokens")
    h = layers.Embedding(len(VOCABULARY), dim, mask_zero=True)(tokens)
    h = layers.GlobalAveragePooling1D()(h)
    return keras.Model(tokens, layers.Dense(dim, activation=activation)(h), name=name)


def train_text_encoder(captions, attributes, dim=32, epochs=5, activation=None, parse=False,
                       seed=0):
    """Train :func:`text_encoder` to name the four attributes of each caption (one
    softmax head each), then freeze it. Returns (encoder, accuracy on these captions).

    ``parse=True`` returns the encoder *with* its heads, as probabilities: a sentence
    taken apart into its attributes, :data:`PARSED_DIM` numbers in one block per attribute
    (size, colour, shape, position), what ``text_generator(kind="factorised")`` reads."""
    tokens = encode_captions(list(captions))
    attributes = np.asarray(attributes, "int32")
    keras.utils.set_random_seed(int(seed))
    enc = text_encoder(dim, activation=activation)
    heads = [layers.Dense(len(v), name=k)(enc.output) for k, v in ATTRIBUTES.items()]
    model = keras.Model(enc.input, heads)
    model.compile(keras.optimizers.Adam(1e-2),
                  loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True)] * 4)
    targets = [attributes[:, i] for i in range(4)]
    model.fit(tokens, targets, batch_size=64, epochs=epochs, verbose=0)
    with backend.no_grad():  # a direct call: predict() would trace a new function for each encoder
        preds = [ops.convert_to_numpy(p) for p in model(tokens, training=False)]
    acc = float(np.mean(np.all([p.argmax(1) == t for p, t in zip(preds, targets)], axis=0)))
    if parse:
        probs = [layers.Softmax()(h) for h in model.outputs]
        enc = keras.Model(enc.input, layers.Concatenate()(probs), name="text_parser")
    enc.trainable = False
    return enc, acc


def encode_text(encoder, captions):
    """Sentence vectors (N, dim) of captions (strings) from a text encoder."""
    with backend.no_grad():
        return ops.convert_to_numpy(encoder(encode_captions(list(captions)), training=False))


PARSED_DIM = sum(len(v) for v in ATTRIBUTES.values())  # 12: a parsed sentence's length


def attribute_table():
    """(vocabulary, PARSED_DIM): row t is one-hot at the attribute value that token t names
    (a position by its last word, "left" in "on the left"), zero for "a", "on", padding..."""
    table = np.zeros((len(VOCABULARY), PARSED_DIM), "float32")
    start = 0
    for values in ATTRIBUTES.values():
        for i, value in enumerate(values):
            table[VOCABULARY.index(value.split()[-1]), start + i] = 1.0
        start += len(values)
    return table


# --- measuring: attribute classifiers trained on real scenes --------------------------------

def attribute_classifier(size=16, name="attribute_classifier"):
    """A scene -> four sets of logits (size, colour, shape, position): a small CNN with
    one head per attribute, trained on real scenes."""
    x = keras.Input((size, size, 3))
    h = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Dense(64, activation="relu")(layers.Flatten()(h))
    return keras.Model(x, [layers.Dense(len(v), name=k)(h) for k, v in ATTRIBUTES.items()],
                       name=name)


def train_attribute_classifier(n=4096, epochs=5, lr=2e-3, seed=0, size=16):
    """:func:`attribute_classifier` trained on ``n`` real scenes of *every* combination
    (the judge must know red squares even though the GAN never saw one). Five epochs:
    after three, how well it read the shapes still hung on the seed and the backend;
    after five it read nearly every real scene right on every run tried."""
    images, _, attributes = shape_scenes(n, seed=seed, held_out=(), which="all", size=size)
    keras.utils.set_random_seed(int(seed))
    clf = attribute_classifier(size)
    clf.compile(keras.optimizers.Adam(lr),
                loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True)] * 4)
    clf.fit(images, [attributes[:, i] for i in range(4)], batch_size=64, epochs=epochs,
            verbose=0, shuffle=True)
    return clf


def read_attributes(classifier, images, batch_size=500):
    """The classifier's reading of each scene: int32 (N, 4) (size, colour, shape, position)."""
    x = check_scenes(images)
    with backend.no_grad():
        outs = [classifier(x[i:i + batch_size], training=False)
                for i in range(0, len(x), batch_size)]
    return np.stack([np.concatenate([ops.convert_to_numpy(o[k]) for o in outs]).argmax(1)
                     for k in range(4)], 1).astype("int32")


def attribute_accuracy(classifier, images, attributes):
    """Share of images whose attribute matches the caption's, per attribute and for all four
    at once (``"all"``). Compare with :data:`CHANCE` and with real scenes (about 1)."""
    got = read_attributes(classifier, images)
    attributes = np.asarray(attributes)
    hits = got == attributes
    return {**{k: float(hits[:, i].mean()) for i, k in enumerate(ATTRIBUTES)},
            "all": float(hits.all(1).mean())}


# --- showing -----------------------------------------------------------------------------

def show_captioned(images, captions, ncols=6, title=None):
    """Scenes with their captions as titles (two short lines each)."""
    import matplotlib.pyplot as plt

    x = np.clip((check_scenes(images) + 1.0) / 2.0, 0, 1)
    n = len(x)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.45 * ncols, 1.7 * nrows + 0.3),
                             squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i, (img, cap) in enumerate(zip(x, captions)):
        ax = axes.ravel()[i]
        ax.imshow(img, interpolation="nearest")
        words = str(cap).split()
        ax.set_title(" ".join(words[1:4]) + "\n" + " ".join(words[4:]), fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig

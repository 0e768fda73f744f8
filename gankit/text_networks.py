"""The networks of lesson 17's text-to-image GAN: a generator and a discriminator that
both read a sentence vector, and the small layers they are made of.

G is plain (the sentence joined to the noise, as GAN-CLS has it), layered (a mask
painted in the sentence's colour over a background, as LR-GAN draws) or factorised
(each part reads only its own words). D joins the sentence to its feature map, or is a
projection D; it may also name each attribute of the image alone (ACGAN's head, per
attribute), colour-blind for all but the colour.
"""
import keras
from keras import layers, ops

from .captions import ATTRIBUTES, PARSED_DIM
from .errors import BadInputError


@keras.saving.register_keras_serializable(package="gankit")
class Composite(layers.Layer):
    """[mask (N, H, W, 1) in [0, 1], foreground colour (N, 3), background colour (N, 3)]
    -> mask * foreground + (1 - mask) * background: a one-layer scene, as LR-GAN draws
    it (Yang et al. 2017)."""

    def call(self, inputs):
        mask, fg, bg = inputs
        fg, bg = fg[:, None, None, :], bg[:, None, None, :]
        return bg + mask * (fg - bg)

    def compute_output_shape(self, input_shapes):
        return tuple(input_shapes[0][:-1]) + (3,)


@keras.saving.register_keras_serializable(package="gankit")
class Grey(layers.Layer):
    """An RGB image -> its grey level (N, H, W, 1): what a colour-blind judge sees."""

    def call(self, x):
        return ops.mean(x, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (1,)


@keras.saving.register_keras_serializable(package="gankit")
class AttributeBlock(layers.Layer):
    """One attribute's block of a parsed sentence (``train_text_encoder(parse=True)``):
    e.g. "colour" -> its 3 probabilities. How a factorised generator keeps words apart."""

    def __init__(self, attribute, **kwargs):
        super().__init__(**kwargs)
        if attribute not in ATTRIBUTES:
            raise BadInputError(f"attribute should be one of {list(ATTRIBUTES)}; got "
                                f"{attribute!r}.")
        self.attribute = attribute
        names = list(ATTRIBUTES)
        self.start = sum(len(ATTRIBUTES[k]) for k in names[:names.index(attribute)])
        self.stop = self.start + len(ATTRIBUTES[attribute])

    def call(self, parsed):
        return parsed[:, self.start:self.stop]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.stop - self.start)

    def get_config(self):
        return {**super().get_config(), "attribute": self.attribute}


KINDS = ("plain", "layered", "factorised")


def text_generator(latent_dim=32, text_dim=32, size=16, filters=64, kind="plain",
                   name="text_generator"):
    """(noise, sentence vector) -> an RGB scene.

    - ``kind="plain"``, as in the paper: the sentence vector is compressed by a dense
      layer (LeakyReLU) and joined to the noise; two transposed convolutions double the
      size twice, then tanh.
    - ``"layered"``, as LR-GAN draws: the same convolutions make only a grey *mask* (where
      the shape is); a dense layer reads the shape's colour from the sentence vector, and
      :class:`Composite` paints the mask in that colour over a background.
    - ``"factorised"``: layered, and each part reads only its own words. It needs a
      *parsed* sentence (``train_text_encoder(parse=True)``: one block of probabilities
      per attribute): the mask reads size, shape and position, the colours read the colour
      block alone. A "red square" is then a square mask painted red, whatever training
      never showed; in the other two kinds every part reads every word, and learns from
      the data that squares are never red.
    """
    if size % 4:
        raise BadInputError(f"size should be a multiple of 4; got {size}.")
    if kind not in KINDS:
        raise BadInputError(f"kind should be one of {KINDS}; got {kind!r}.")
    if kind == "factorised" and text_dim != PARSED_DIM:
        raise BadInputError(
            f"kind='factorised' reads a parsed sentence of {PARSED_DIM} numbers (one block per "
            f"attribute), from train_text_encoder(..., parse=True); got text_dim={text_dim}.")
    z = keras.Input((latent_dim,), name="z")
    s = keras.Input((text_dim,), name="sentence")
    if kind == "factorised":
        words_for_mask = layers.Concatenate()(
            [AttributeBlock(k)(s) for k in ATTRIBUTES if k != "colour"])
        words_for_colour = AttributeBlock("colour")(s)
    else:
        words_for_mask = words_for_colour = s
    t = layers.LeakyReLU(0.2)(layers.Dense(text_dim)(words_for_mask))
    h = layers.Concatenate()([z, t])
    h = layers.Dense((size // 4) ** 2 * 2 * filters, use_bias=False)(h)
    h = layers.ReLU()(layers.BatchNormalization()(h))
    h = layers.Reshape((size // 4, size // 4, 2 * filters))(h)
    for f in (filters, filters // 2):
        h = layers.Conv2DTranspose(f, 4, strides=2, padding="same", use_bias=False)(h)
        h = layers.ReLU()(layers.BatchNormalization()(h))
    if kind == "plain":
        out = layers.Conv2D(3, 3, padding="same", activation="tanh")(h)
        return keras.Model([z, s], out, name=name)
    mask = layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="mask")(h)
    fg = layers.Dense(3, activation="tanh", name="colour")(words_for_colour)
    # the background reads noise only and starts dark (tanh(-2)), so "colour" is the shape's
    # colour for every word; started bright, G learnt to paint the shape as "background"
    bg = layers.Dense(3, activation="tanh", bias_initializer=keras.initializers.Constant(-2.0),
                      name="background")(z)
    return keras.Model([z, s], Composite(name="composite")([mask, fg, bg]), name=name)


def text_discriminator(size=16, text_dim=32, filters=64, projection=False,
                       attribute_head=False, name="text_discriminator"):
    """(image, sentence vector) -> one score. Two strided convolutions reduce the image to
    a (size/4)^2 map; the compressed sentence vector is copied to every position of that
    map and joined to it, so a 1x1 convolution can check image and text together.

    ``attribute_head=True`` adds a second output, as ACGAN's D names the class: logits
    that name each attribute of the *image alone* (one block per attribute, in
    :data:`ATTRIBUTES` order, :data:`PARSED_DIM` numbers), for
    ``TextGAN(attribute_weight=...)``. ``"colour-blind"``: the size, shape and position
    logits come from a second pair of convolutions that sees the image in grey, so that
    they cannot learn from the data that red things are never squares."""
    if attribute_head not in (False, True, "colour-blind"):
        raise BadInputError(f"attribute_head should be False, True or 'colour-blind'; got "
                            f"{attribute_head!r}.")
    x = keras.Input((size, size, 3), name="image")
    s = keras.Input((text_dim,), name="sentence")
    h = layers.LeakyReLU(0.2)(layers.Conv2D(filters, 4, strides=2, padding="same")(x))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(2 * filters, 4, strides=2, padding="same")(h))
    phi = (layers.LeakyReLU(0.2)(layers.Dense(4 * filters)(layers.Flatten()(h)))
           if projection or attribute_head else None)
    heads = [layers.Dense(PARSED_DIM, name="attributes")(phi)] if attribute_head else []
    if attribute_head == "colour-blind":
        g = Grey()(x)
        g = layers.LeakyReLU(0.2)(layers.Conv2D(filters, 4, strides=2, padding="same")(g))
        g = layers.LeakyReLU(0.2)(layers.Conv2D(2 * filters, 4, strides=2, padding="same")(g))
        g = layers.LeakyReLU(0.2)(layers.Dense(4 * filters)(layers.Flatten()(g)))
        heads = [layers.Concatenate(name="attributes")(
            [layers.Dense(len(v))(phi if k == "colour" else g) for k, v in ATTRIBUTES.items()])]
    if projection:
        # a projection D (Miyato & Koyama 2018): score = psi(phi(x)) + <W s, phi(x)>; with a
        # sentence vector that is a sum over words, the match term is a sum of per-word checks
        match = layers.Dot(axes=1)([phi, layers.Dense(4 * filters, use_bias=False)(s)])
        return keras.Model([x, s], [layers.Add()([layers.Dense(1)(phi), match])] + heads,
                           name=name)
    t = layers.LeakyReLU(0.2)(layers.Dense(text_dim)(s))
    t = layers.UpSampling2D(size // 4)(layers.Reshape((1, 1, text_dim))(t))
    h = layers.Concatenate()([h, t])
    h = layers.LeakyReLU(0.2)(layers.Conv2D(2 * filters, 1)(h))
    return keras.Model([x, s], [layers.Dense(1)(layers.Flatten()(h))] + heads, name=name)

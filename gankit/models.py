"""Builders for generators and discriminators: MLP and DCGAN, plain or conditional.

A generator maps a noise vector z (and, if conditional, a class label) to a
sample. A discriminator maps a sample (and label) to one raw score per sample:
``sigmoid(score)`` is its probability that the sample is real (see losses.py
for why the score, not the probability, is returned).

Conditional models take ``[inputs, labels]`` where labels are int class indices
of shape (N,) or (N, 1).
"""
import math

import keras
from keras import layers, ops

from . import backend
from .errors import BadInputError

NORMS = ("batch", "layer", "spectral", None)


def _dcgan_init():
    """DCGAN's initialiser: weights from N(0, 0.02) (Radford et al. 2016)."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def _leaky():
    # The DCGAN paper's slope; Keras's own default is 0.3.
    return layers.LeakyReLU(negative_slope=0.2)


@keras.saving.register_keras_serializable(package="gankit")
class MinibatchStdDev(layers.Layer):
    """Appends the batch's average standard deviation as one more feature.

    A collapsed generator makes a batch of near-identical samples; this feature
    lets the discriminator see that at once (Karras et al. 2018).
    """

    def call(self, x):
        std = ops.sqrt(ops.var(x, axis=0) + 1e-8)
        stat = ops.mean(std)
        extra = ops.ones_like(x[..., :1]) * stat
        return ops.concatenate([x, extra], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], None if input_shape[-1] is None else input_shape[-1] + 1)


@keras.saving.register_keras_serializable(package="gankit")
class DiscreteChoice(layers.Layer):
    """Turns the first ``choices`` noise coordinates into a one-hot choice: the largest one.

    A continuous generator maps the connected noise space onto a connected set, so
    between two separate modes it must put some samples (the "bridges" of the 2D
    mixtures). This one jump lets G give each choice its own mode. The coordinates are
    independent N(0, 1), so each choice comes up equally often: sampling stays plain
    z ~ N(0, I). The remaining coordinates are scaled by ``noise_scale``: at full
    scale they outweigh the choice (a one-hot of 64 varies little per coordinate) and G
    learns to ignore it.
    """

    def __init__(self, choices, noise_scale=0.3, **kwargs):
        super().__init__(**kwargs)
        self.choices, self.noise_scale = int(choices), float(noise_scale)

    def call(self, z):
        k = ops.argmax(z[:, :self.choices], axis=-1)
        one_hot = ops.one_hot(k, self.choices, dtype=z.dtype)
        rest = self.noise_scale * z[:, self.choices:]
        return ops.concatenate([one_hot, rest], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "choices": self.choices,
                "noise_scale": self.noise_scale}


def _check_norm(norm):
    if norm not in NORMS:
        raise BadInputError(f"norm should be one of {NORMS}; got {norm!r}.")


def _check_shape(shape, name="image_shape"):
    shape = tuple(int(s) for s in shape)
    if len(shape) != 3:
        raise BadInputError(
            f"{name} should be (height, width, channels), e.g. (28, 28, 1); got {shape}.")
    return shape


def batch_normalization():
    """Batch normalisation whose statistics come from the whole batch, as on one device:
    built inside a TensorFlow MirroredStrategy (gankit.devices), the devices share theirs
    (synchronized); JAX's DataParallel runs every layer on the global batch anyway."""
    return layers.BatchNormalization(synchronized=backend.strategy_replicas() > 1)


def layers_of(model):
    """Every layer of a model, nested models' layers included (depth first)."""
    return [sub for layer in getattr(model, "layers", [])
            for sub in (layer, *layers_of(layer))]


def _maybe_sn(layer, norm):
    return layers.SpectralNormalization(layer) if norm == "spectral" else layer


def _norm_layer(norm):
    if norm == "batch":
        return batch_normalization()
    if norm == "layer":
        return layers.LayerNormalization()
    return None


def _label_input(num_classes):
    if not num_classes or num_classes < 2:
        raise BadInputError(f"num_classes should be at least 2; got {num_classes!r}.")
    return keras.Input(shape=(1,), dtype="int32", name="label")


def _generator_inputs(latent_dim, num_classes):
    """G's inputs: noise z, and for a conditional G a label whose learned vector
    (an Embedding) is concatenated with z. Returns (z, label or None, merged)."""
    z = keras.Input(shape=(latent_dim,), name="z")
    if not num_classes:
        return z, None, z
    label = _label_input(num_classes)
    emb = layers.Flatten()(layers.Embedding(num_classes, min(50, 4 * num_classes))(label))
    return z, label, layers.Concatenate()([z, emb])


# --- MLP ---------------------------------------------------------------------------

def mlp_generator(latent_dim, output_shape, hidden=(128, 128), output_activation="tanh",
                  batch_norm=False, num_classes=None, choices=None, choice_noise=0.3,
                  name="generator"):
    """An MLP generator: z (latent_dim,) -> sample of ``output_shape``.

    output_activation: "tanh" for images in [-1, 1]; None for points whose
    range is not bounded (the 2D toys). choices: the first ``choices`` of the
    ``latent_dim`` noise coordinates become one discrete choice (:class:`DiscreteChoice`),
    the others are scaled by ``choice_noise``.
    """
    output_shape = tuple(int(s) for s in (output_shape if hasattr(output_shape, "__len__")
                                          else (output_shape,)))
    z, label, h = _generator_inputs(latent_dim, num_classes)
    if choices:
        if num_classes or not 1 < int(choices) < latent_dim:
            raise BadInputError(f"choices should be between 2 and latent_dim - 1 "
                                f"({latent_dim - 1}), for an unconditional G; got {choices}.")
        h = DiscreteChoice(choices, noise_scale=choice_noise)(h)
    for width in hidden:
        h = layers.Dense(width)(h)
        if batch_norm:
            h = batch_normalization()(h)
        h = _leaky()(h)
    h = layers.Dense(math.prod(output_shape), activation=output_activation)(h)
    out = layers.Reshape(output_shape, name="sample")(h)
    inputs = [z, label] if num_classes else z
    return keras.Model(inputs, out, name=name)


def mlp_discriminator(input_shape, hidden=(128, 128), norm=None, minibatch_std=False,
                      num_classes=None, name="discriminator"):
    """An MLP discriminator: sample -> one score (logit) per sample.

    norm: None, "layer" or "spectral" ("batch" mixes real and fake statistics
    and is avoided in MLP discriminators here).
    """
    _check_norm(norm)
    input_shape = tuple(int(s) for s in (input_shape if hasattr(input_shape, "__len__")
                                         else (input_shape,)))
    x_in = keras.Input(shape=input_shape, name="x")
    h = layers.Flatten()(x_in)
    if num_classes:
        label = _label_input(num_classes)
        emb = layers.Flatten()(layers.Embedding(num_classes, min(50, 4 * num_classes))(label))
        h = layers.Concatenate()([h, emb])
    for width in hidden:
        h = _maybe_sn(layers.Dense(width), norm)(h)
        if norm in ("batch", "layer"):
            h = _norm_layer(norm)(h)
        h = _leaky()(h)
    if minibatch_std:
        h = MinibatchStdDev()(h)
    score = _maybe_sn(layers.Dense(1), norm)(h)
    inputs = [x_in, label] if num_classes else x_in
    return keras.Model(inputs, score, name=name)


# --- DCGAN -------------------------------------------------------------------------

def _upsampling_plan(size):
    """How many stride-2 steps take a >=4-pixel seed to ``size``: 28 -> (7, 2), 32 -> (4, 3)."""
    start, steps = size, 0
    while start % 2 == 0 and start // 2 >= 4:
        start //= 2
        steps += 1
    if steps == 0:
        raise BadInputError(
            f"DCGAN builders need a side that halves at least once to >= 4 pixels "
            f"(e.g. 8, 28, 32, 64); got {size}.")
    return start, steps


def _with_label_maps(h, class_vec):
    """Append a class vector to a feature map as constant channels, so every layer
    of G sees which class to draw."""
    maps = layers.UpSampling2D(h.shape[1])(class_vec)
    return layers.Concatenate()([h, maps])


def dcgan_generator(latent_dim=64, image_shape=(28, 28, 1), base_filters=64, kernel_size=4,
                    norm="batch", num_classes=None, label_maps=True, name="generator"):
    """DCGAN generator: Dense to a small feature map, then stride-2 transposed
    convolutions that double the size, batch norm and LeakyReLU, tanh at the end.

    For 28x28: z -> 7x7x(2*base) -> 14x14x(base) -> 28x28x1.
    num_classes: make it conditional: the label joins z at the input and, with
    ``label_maps=True``, every feature map too (stronger conditioning: more samples
    land in the class asked for within a few minutes of training).
    """
    h_size, w_size, channels = _check_shape(image_shape)
    if h_size != w_size:
        raise BadInputError(f"DCGAN builders expect square images; got {image_shape}.")
    _check_norm(norm)
    start, steps = _upsampling_plan(h_size)
    filters = base_filters * 2 ** (steps - 1)
    z, label, h = _generator_inputs(latent_dim, num_classes)
    if num_classes and label_maps:
        # a learned class vector, initialised one-hot, shaped (1, 1, classes)
        vec = layers.Embedding(num_classes, num_classes, embeddings_initializer="identity")(label)
        class_vec = layers.Reshape((1, 1, num_classes))(vec)
    h = layers.Dense(start * start * filters, use_bias=norm != "batch",
                     kernel_initializer=_dcgan_init())(h)
    h = layers.Reshape((start, start, filters))(h)
    if norm in ("batch", "layer"):
        h = _norm_layer(norm)(h)
    h = _leaky()(h)
    for _ in range(steps - 1):
        if num_classes and label_maps:
            h = _with_label_maps(h, class_vec)
        filters //= 2
        h = layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same",
                                   use_bias=norm != "batch", kernel_initializer=_dcgan_init())(h)
        if norm in ("batch", "layer"):
            h = _norm_layer(norm)(h)
        h = _leaky()(h)
    if num_classes and label_maps:
        h = _with_label_maps(h, class_vec)
    out = layers.Conv2DTranspose(channels, kernel_size, strides=2, padding="same",
                                 activation="tanh", kernel_initializer=_dcgan_init(),
                                 name="image")(h)
    inputs = [z, label] if num_classes else z
    return keras.Model(inputs, out, name=name)


def dcgan_discriminator(image_shape=(28, 28, 1), base_filters=64, kernel_size=4, norm="batch",
                        minibatch_std=False, num_classes=None, projection=False,
                        aux_outputs=None, aux_hidden=None, name="discriminator"):
    """DCGAN discriminator: stride-2 convolutions (no pooling) that halve the size,
    LeakyReLU, normalisation on every layer but the first, one score out.

    norm: "batch" (DCGAN), "layer" (for a gradient penalty, which batch norm
    breaks), "spectral" (spectral normalisation of every weight) or None.
    num_classes: make it conditional: the label enters as an extra image channel,
    and with ``projection=True`` also as a class vector matched against the features.
    aux_outputs: a second head of this many numbers per image, read from the same
    features as the score: ACGAN's class logits, InfoGAN's estimates of G's codes.
    The model then returns ``[score, aux]``; one model, so D's optimizer trains both.
    aux_hidden: give the second head its own hidden layer of this many units (InfoGAN's Q
    in the paper: dense 128, batch norm, LeakyReLU), so it need not read the codes
    straight off the features D uses for its score.
    """
    h_size, w_size, channels = _check_shape(image_shape)
    _check_norm(norm)
    _, steps = _upsampling_plan(h_size)
    x_in = keras.Input(shape=(h_size, w_size, channels), name="image")
    h = x_in
    if num_classes:
        # The label becomes one extra image channel the convolutions can read.
        label = _label_input(num_classes)
        emb = layers.Embedding(num_classes, h_size * w_size)(label)
        h = layers.Concatenate()([x_in, layers.Reshape((h_size, w_size, 1))(emb)])
    filters = base_filters
    for i in range(steps):
        h = _maybe_sn(layers.Conv2D(filters, kernel_size, strides=2, padding="same",
                                    kernel_initializer=_dcgan_init()), norm)(h)
        if i > 0 and norm in ("batch", "layer"):
            h = _norm_layer(norm)(h)
        h = _leaky()(h)
        filters *= 2
    if minibatch_std:
        h = MinibatchStdDev()(h)
    h = layers.Flatten()(h)
    score = _maybe_sn(layers.Dense(1, kernel_initializer=_dcgan_init()), norm)(h)
    if num_classes and projection:
        # Projection (Miyato & Koyama 2018): add <embed(y), features>, so the score
        # directly asks "do these features match class y?".
        class_vec = layers.Flatten()(layers.Embedding(num_classes, h.shape[-1])(label))
        match = layers.Dot(axes=1)([class_vec, h])
        score = layers.Add(name="score")([score, match])
    inputs = [x_in, label] if num_classes else x_in
    if aux_outputs:
        if int(aux_outputs) < 1:
            raise BadInputError(
                f"aux_outputs should be a positive size or None; got {aux_outputs!r}.")
        a = h
        if aux_hidden:
            a = layers.Dense(int(aux_hidden), use_bias=norm != "batch",
                             kernel_initializer=_dcgan_init())(a)
            if norm in ("batch", "layer"):
                a = _norm_layer(norm)(a)
            a = _leaky()(a)
        aux = _maybe_sn(layers.Dense(int(aux_outputs), kernel_initializer=_dcgan_init(),
                                     name="aux"), norm)(a)
        return keras.Model(inputs, [score, aux], name=name)
    return keras.Model(inputs, score, name=name)


@keras.saving.register_keras_serializable(package="gankit")
class UniformNoise(keras.layers.Layer):
    """Turns z ~ N(0, 1) into u ~ U(-1, 1) with the normal CDF: u = erf(z / sqrt(2)).

    ``gankit.GAN`` always draws Gaussian z; putting this layer first in G gives a
    generator whose noise is uniform, for training and ``generate`` alike.
    """

    def call(self, z):
        return ops.erf(z / math.sqrt(2.0))

"""SRGAN: super-resolution with a content loss plus an adversarial loss (Ledig et al. 2017).

Make a small image large: 7x7 -> 28x28 here (4x per side, as in the paper). Many
large images shrink to the same small one, so the best *average* answer, what a
pixel loss (MSE) alone learns, is the blurry mean of all of them. SRGAN adds a
discriminator that has only ever seen real large images: G is pushed towards one
*sharp*, plausible answer instead of the average of all. That costs PSNR (a sharp
guess that is slightly off is further from the truth, pixel for pixel, than a blur)
and buys realism, which a feature-space score such as KID sees and PSNR does not.

This is a paired translation (low-res, high-res) with a content loss, so
:class:`SRGAN` is :class:`gankit.Pix2Pix` with SRGAN's choices: MSE content loss, a
D that sees the large image alone, and a generator that upsamples. The paper's
content loss compares VGG features; the course uses pixels (no ImageNet weights here).

PSNR and SSIM, the two classic fidelity scores, are here in NumPy.
"""
import keras
import numpy as np
from keras import layers, ops

from .errors import BadInputError
from .pix2pix import Pix2Pix, dcgan_init


@keras.saving.register_keras_serializable(package="gankit")
class ICNR(keras.initializers.Initializer):
    """ICNR initialisation (Aitken et al. 2017) for a sub-pixel convolution: draw the
    kernel of *one* sub-pixel and copy it to all ``scale**2`` of them, so that at the
    start the layer is a convolution followed by nearest-neighbour enlargement: no 2x2
    checkerboard at step 0. Training then lets the sub-pixels drift apart."""

    def __init__(self, scale=2, initializer=None):
        self.scale = int(scale)
        self.initializer = keras.initializers.get(
            initializer or dcgan_init())

    def __call__(self, shape, dtype=None):
        parts = self.scale ** 2
        if shape[-1] % parts:
            raise BadInputError(
                f"ICNR needs a multiple of {parts} output channels; got {shape[-1]}.")
        one = self.initializer((*shape[:-1], shape[-1] // parts), dtype=dtype)
        return ops.tile(one, [1] * (len(shape) - 1) + [parts])

    def get_config(self):
        return {"scale": self.scale,
                "initializer": keras.initializers.serialize(self.initializer)}


def _pixel_shuffle(h, filters, icnr=False):
    """x2 larger by "sub-pixel convolution" (SRGAN's upsampling): a convolution at the
    small size makes 4 * filters channels, which are rearranged into a 2x2 block of
    pixels each. Cheaper than convolving at the large size, and unlike a strided
    transposed convolution every output pixel gets its own weights; with a random
    initialisation the four sub-pixels still start out different, so early in training
    a faint 2x2 checkerboard shows (lesson 14), unless ``icnr`` starts them equal."""
    size = h.shape[1]
    h = layers.Conv2D(4 * filters, 3, padding="same",
                      kernel_initializer=ICNR(2, dcgan_init()) if icnr else dcgan_init())(h)
    h = layers.Reshape((size, size, 2, 2, filters))(h)
    h = layers.Permute((1, 3, 2, 4, 5))(h)  # (row, sub-row, column, sub-column, filters)
    return layers.Reshape((2 * size, 2 * size, filters))(h)


def sr_generator(input_shape=(7, 7, 1), factor=4, filters=32, blocks=2, icnr=False,
                 name="generator"):
    """SRGAN's generator, small: a convolution, ``blocks`` residual blocks at low
    resolution (cheap; without SRGAN's batch norm, as EDSR (Lim et al. 2017) found
    better for super-resolution, and as short runs need: batch norm's running
    statistics lag behind the weights after a few hundred steps), then x2 sub-pixel
    upsampling steps (halving the filters each time) until the image is ``factor``
    times larger, tanh at the end. ``icnr=True`` initialises the upsampling with
    :class:`ICNR` (no checkerboard at the start; off by default because on
    Fashion-MNIST it made the content model learn more slowly: benchmarks/README.md,
    "Super-resolution")."""
    steps = int(np.log2(factor))
    if 2 ** steps != factor or factor < 2:
        raise BadInputError(f"factor should be a power of 2 (2, 4, 8); got {factor}.")
    x_in = keras.Input(tuple(input_shape), name="low_res")
    h = first = layers.PReLU(shared_axes=[1, 2])(
        layers.Conv2D(filters, 5, padding="same", kernel_initializer=dcgan_init())(x_in))
    for _ in range(blocks):
        r = layers.Conv2D(filters, 3, padding="same", kernel_initializer=dcgan_init())(h)
        r = layers.PReLU(shared_axes=[1, 2])(r)
        r = layers.Conv2D(filters, 3, padding="same", kernel_initializer=dcgan_init())(r)
        h = layers.Add()([h, r])
    h = layers.Add()([h, first])
    for _ in range(steps):
        filters = max(filters // 2, 8)
        h = layers.PReLU(shared_axes=[1, 2])(_pixel_shuffle(h, filters, icnr))
    out = layers.Conv2D(input_shape[-1], 3, padding="same", activation="tanh",
                        kernel_initializer=dcgan_init(), name="high_res")(h)
    return keras.Model(x_in, out, name=name)


@keras.saving.register_keras_serializable(package="gankit")
class SRGAN(Pix2Pix):
    """Pix2Pix with SRGAN's defaults: MSE content loss and a generator that makes its
    input larger. D usually sees the large image alone (build it without
    ``condition_shape``), as in the paper. Fit it on ``(low_res, high_res)``.

    ``warmup_steps``: the paper starts SRGAN from a network trained on the content loss
    alone (SRResNet); here the first ``warmup_steps`` G updates use the content loss
    only, with D standing still, then the adversarial terms switch on. Starting the
    adversarial game from a random G wastes the short runs a laptop can afford: D
    wins at once and G's first steps chase D instead of the image (lesson 14). With a
    warm-up the logs add ``adversarial``: the share of the epoch's steps that used the
    adversarial terms (0 during the warm-up, when ``d_loss`` reads 0 because D stands
    still; 1 after)."""

    def __init__(self, generator, discriminator, content_weight=100.0, content="mse",
                 warmup_steps=0, **kwargs):
        small = tuple(generator.inputs[0].shape[1:3])
        large = tuple(generator.outputs[0].shape[1:3])
        if not large[0] > small[0]:
            raise BadInputError(f"SRGAN's generator should make its input larger; it maps "
                                f"{small} to {large}. Use gankit.sr_generator.")
        if int(warmup_steps) < 0:
            raise BadInputError(f"warmup_steps should be 0 or more; got {warmup_steps}.")
        super().__init__(generator, discriminator, content_weight=content_weight,
                         content=content, **kwargs)
        self.warmup_steps = int(warmup_steps)
        if self.warmup_steps:
            self.log_names.append("adversarial")

    def g_loss(self, source, target):
        """Pix2Pix's G loss; during the warm-up the logs say the adversarial terms are off."""
        loss, logs = super().g_loss(source, target)
        if self.warmup_steps:
            logs["adversarial"] = self.adversarial_on()
        return loss, logs

    def adversarial_on(self):
        if not self.warmup_steps:
            return 1.0
        done = ops.greater_equal(self.g_optimizer.iterations, self.warmup_steps)
        return ops.cast(done, "float32")

    def get_config(self):
        return {**super().get_config(), "warmup_steps": self.warmup_steps}


# --- baselines and scores ------------------------------------------------------------------

def upsample(images, size, method="bicubic"):
    """Images in [-1, 1] resized to ``size`` x ``size`` (bicubic, bilinear or nearest):
    the classic, learning-free answer to super-resolution. Clipped to [-1, 1]."""
    x = np.asarray(images, "float32")
    if x.ndim != 4:
        raise BadInputError(f"upsample expects images (N, H, W, C); got shape {x.shape}.")
    out = keras.ops.image.resize(x, (int(size), int(size)), interpolation=method)
    return np.clip(keras.ops.convert_to_numpy(out), -1.0, 1.0)


def _pair(a, b):
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    if a.shape != b.shape or a.ndim != 4:
        raise BadInputError(f"compare images of the same shape (N, H, W, C); got {a.shape} "
                            f"and {b.shape}.")
    return a, b


def psnr(images, targets):
    """Peak signal-to-noise ratio per image, in dB (higher = closer, pixel for pixel),
    for images in [-1, 1] (a range of 2): 10 log10(2^2 / MSE)."""
    a, b = _pair(images, targets)
    mse = np.mean((a - b) ** 2, axis=(1, 2, 3))
    return 10 * np.log10(4.0 / np.maximum(mse, 1e-10))


def _box(x, size):
    """Mean over size x size windows ("valid"), per image and channel."""
    c = np.cumsum(np.cumsum(np.pad(x, ((0, 0), (1, 0), (1, 0), (0, 0))), 1), 2)
    s = c[:, size:, size:] - c[:, :-size, size:] - c[:, size:, :-size] + c[:, :-size, :-size]
    return s / size ** 2


def ssim(images, targets, window=7):
    """Structural similarity per image (Wang et al. 2004), 1 = identical: compares local
    means, contrasts and correlations in ``window`` x ``window`` patches (7, the
    scikit-image default; 11 is too wide for 28 pixels), for images in [-1, 1]."""
    a, b = _pair(images, targets)
    a, b = (a + 1) / 2, (b + 1) / 2
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    n = window ** 2
    mu_a, mu_b = _box(a, window), _box(b, window)
    cov = n / (n - 1)  # sample (co)variances, as scikit-image
    var_a = cov * (_box(a * a, window) - mu_a ** 2)
    var_b = cov * (_box(b * b, window) - mu_b ** 2)
    cov_ab = cov * (_box(a * b, window) - mu_a * mu_b)
    s = ((2 * mu_a * mu_b + c1) * (2 * cov_ab + c2)
         / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2)))
    return s.mean(axis=(1, 2, 3))

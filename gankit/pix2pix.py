"""pix2pix: paired image-to-image translation (Isola et al. 2017).

Every GAN so far turned noise into an image. A *translation* GAN turns one image into
another: an outline into a garment, a small image into a large one (SRGAN), a noisy
image into a clean one. Training data comes in pairs (input, target), and:

- G maps the input image to an output image (an encoder-decoder whose skip
  connections, a "U-Net", carry the input's details straight to the output);
- D judges (output, input) *pairs*: "is this a real target for this input?"; it says
  so for each patch of the image (a "PatchGAN"), which asks for sharp local texture;
- G's loss is the adversarial loss plus ``content_weight`` times a content loss, the
  mean absolute (L1) difference to the target: L1 alone gives the blurry average of
  every plausible answer; the adversarial term asks for a *sharp* plausible one.

    D: adversarial D loss on (target, input) as real and (G(input), input) as fake
    G: adversarial G loss on (G(input), input) + content_weight * L1(G(input), target)

:class:`Pix2Pix` is an :class:`gankit.adversarial.AdversarialModel` beside
:class:`gankit.GAN` (two networks, two optimizers, one alternating step), so it trains on
TensorFlow, JAX and PyTorch. Fit it on ``(inputs, targets)``; ``translate(inputs)`` runs
G. SRGAN and LAPGAN's levels reuse it.
"""
import keras
import numpy as np
from keras import layers, ops

from . import backend
from .adversarial import AdversarialModel
from .errors import BadInputError

CONTENT_LOSSES = ("l1", "mse")


def content_loss(output, target, kind="l1"):
    """Pixel content loss: mean absolute ("l1") or squared ("mse") difference."""
    diff = output - target
    return ops.mean(ops.abs(diff)) if kind == "l1" else ops.mean(ops.square(diff))


# --- data: outlines of Fashion-MNIST items, computed in NumPy ----------------------------

def outlines(images, threshold=0.2):
    """Outline drawings of images in [-1, 1]: white (1) where the brightness changes
    fast (Sobel gradient magnitude above ``threshold``, on a 0-1 scale), black (-1)
    elsewhere. The "edges -> photo" task of pix2pix, made from the course's own data."""
    x = np.asarray(images, "float32")
    if x.ndim != 4:
        raise BadInputError(f"outlines expects images (N, H, W, C); got shape {x.shape}.")
    x = (x + 1.0) / 2.0
    p = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
    gx = (p[:, :-2, 2:] + 2 * p[:, 1:-1, 2:] + p[:, 2:, 2:]
          - p[:, :-2, :-2] - 2 * p[:, 1:-1, :-2] - p[:, 2:, :-2])
    gy = (p[:, 2:, :-2] + 2 * p[:, 2:, 1:-1] + p[:, 2:, 2:]
          - p[:, :-2, :-2] - 2 * p[:, :-2, 1:-1] - p[:, :-2, 2:])
    edges = np.sqrt(gx ** 2 + gy ** 2) / 4.0  # /4: a step from 0 to 1 reads about 1
    return np.where(edges > threshold, 1.0, -1.0).astype("float32")


# --- networks --------------------------------------------------------------------------

def dcgan_init():
    """The DCGAN paper's weight initialiser, N(0, 0.02), which pix2pix and SRGAN keep."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def unet_generator(input_shape=(28, 28, 1), output_channels=1, base_filters=32, depth=2,
                   name="generator"):
    """A small U-Net: ``depth`` stride-2 convolutions down, as many transposed ones up,
    each up-step concatenated with the down-step of the same size (the skip
    connections), tanh at the end. 28x28 with depth 2: 28 -> 14 -> 7 -> 14 -> 28.
    Batch norm keeps running statistics with momentum 0.9 (Keras: 0.99), so that they
    keep up with the weights in runs of a few hundred steps."""
    h_size, w_size, channels = (int(s) for s in input_shape)
    if h_size % 2 ** depth or w_size % 2 ** depth:
        raise BadInputError(f"unet_generator halves the image {depth} times, so its sides "
                            f"must divide by {2 ** depth}; got {tuple(input_shape)}.")
    x_in = keras.Input(tuple(input_shape), name="input_image")
    h, skips, filters = x_in, [x_in], base_filters
    for i in range(depth):
        h = layers.Conv2D(filters, 4, strides=2, padding="same", kernel_initializer=dcgan_init())(h)
        if i > 0:
            h = layers.BatchNormalization(momentum=0.9)(h)
        h = layers.LeakyReLU(negative_slope=0.2)(h)
        skips.append(h)
        filters *= 2
    h = layers.Conv2D(filters // 2, 3, padding="same", kernel_initializer=dcgan_init())(h)
    h = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(h))
    for skip in reversed(skips[:-1]):
        filters //= 2
        h = layers.Conv2DTranspose(filters, 4, strides=2, padding="same",
                                   kernel_initializer=dcgan_init())(h)
        h = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(h))
        h = layers.Concatenate()([h, skip])
    out = layers.Conv2D(output_channels, 3, padding="same", activation="tanh",
                        kernel_initializer=dcgan_init(), name="output_image")(h)
    return keras.Model(x_in, out, name=name)


def patch_discriminator(image_shape=(28, 28, 1), condition_shape=None, base_filters=32,
                        depth=2, name="discriminator"):
    """PatchGAN: stride-2 convolutions and a 1-channel convolution at the end, so D gives
    one score per patch (7x7 scores for 28x28 with depth 2), not one per image.

    condition_shape: the input image's shape, for a D that judges (output, input)
    pairs (pix2pix); None for a D that sees the output alone (SRGAN). An input smaller
    than the output is enlarged (nearest neighbour) to lie next to it.
    """
    x_in = keras.Input(tuple(image_shape), name="image")
    inputs, h = [x_in], x_in
    if condition_shape is not None:
        c_in = keras.Input(tuple(condition_shape), name="condition")
        c = c_in
        if condition_shape[0] != image_shape[0]:
            factor = image_shape[0] // condition_shape[0]
            if factor * condition_shape[0] != image_shape[0]:
                raise BadInputError(f"the condition {tuple(condition_shape)} should divide the "
                                    f"image {tuple(image_shape)} by a whole factor.")
            c = layers.UpSampling2D(factor)(c)
        inputs.append(c_in)
        h = layers.Concatenate()([x_in, c])
    filters = base_filters
    for i in range(depth):
        h = layers.Conv2D(filters, 4, strides=2, padding="same", kernel_initializer=dcgan_init())(h)
        if i > 0:
            h = layers.BatchNormalization(momentum=0.9)(h)
        h = layers.LeakyReLU(negative_slope=0.2)(h)
        filters *= 2
    score = layers.Conv2D(1, 3, padding="same", kernel_initializer=dcgan_init(),
                          name="patch_scores")(h)
    return keras.Model(inputs if len(inputs) > 1 else x_in, score, name=name)


# --- the model -----------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="gankit")
class Pix2Pix(AdversarialModel):
    """A GAN that translates images: G takes an image, D judges (output, input) pairs.

    Args:
        generator: a model from an input image to an output image (``unet_generator``).
        discriminator: a model from ``[output, input]`` to scores (``patch_discriminator``
            with ``condition_shape``), or from the output alone (an unconditional D).
        content_weight: weight of the content loss against the adversarial one
            (100 in the pix2pix paper; 0 = a pure GAN on the pairs).
        content: "l1" (pix2pix) or "mse" (SRGAN's pixel loss).
        **kwargs: what :class:`gankit.adversarial.AdversarialModel` takes (loss, d_steps,
            ema, seed, info...).

    Fit it on ``(inputs, targets)``: ``gan.fit(inputs, targets, batch_size=64)``.
    The logs add ``content`` (the content loss of G's outputs on the batch).
    """

    LOGS = AdversarialModel.LOGS + ("content",)
    # fit on (inputs, targets) and map inputs to outputs; train_recipe and the CLI read this
    translates = True

    def __init__(self, generator, discriminator, content_weight=100.0, content="l1", **kwargs):
        if len(generator.inputs) != 1 or len(generator.inputs[0].shape) != 4:
            raise BadInputError(
                "A translation generator takes one image (N, H, W, C) and returns one, e.g. "
                f"gankit.unet_generator((28, 28, 1)); got inputs "
                f"{[tuple(i.shape) for i in generator.inputs]}.")
        super().__init__(generator, discriminator, **kwargs)
        self.input_shape_ = tuple(generator.inputs[0].shape[1:])
        self.sample_shape = tuple(generator.outputs[0].shape[1:])
        if content not in CONTENT_LOSSES:
            raise BadInputError(f"content should be one of {CONTENT_LOSSES}; got {content!r}.")
        if float(content_weight) < 0:
            raise BadInputError(f"content_weight should be >= 0; got {content_weight}.")
        self.content_weight = float(content_weight)
        self.content = content
        self.paired_d = len(discriminator.inputs) == 2
        if self.paired_d and tuple(discriminator.inputs[1].shape[1:]) != self.input_shape_:
            raise BadInputError(
                f"D's second input (the condition) should have the generator's input shape "
                f"{self.input_shape_}; got {tuple(discriminator.inputs[1].shape[1:])}. Build it "
                f"with gankit.patch_discriminator(..., condition_shape={self.input_shape_}).")
        if len(discriminator.inputs) > 2:
            raise BadInputError("D takes [output, input] or the output alone.")

    # --- the training step: D's turn(s), then G's -----------------------------------

    @backend.train_step
    def train_step(self, data):
        """What ``fit()`` calls for every (inputs, targets) batch."""
        source, target = self.unpack(data)
        for _ in range(self.d_steps):            # D: real pairs against G's pairs
            d_loss, d_logs = self.update(self.discriminator, self.d_optimizer, self.d_loss,
                                         target, source)
        g_loss, g_logs = self.update(self.generator, self.g_optimizer, self.g_loss,
                                     source, target)   # G: fool D, stay close to the target
        self.update_ema()
        return self.track(d_loss=d_loss, g_loss=g_loss, **d_logs, **g_logs)

    def d_loss(self, target, source):
        """D's loss: (target, input) pairs are real, (G(input), input) pairs are fake."""
        fake = ops.stop_gradient(self.generator(source, training=True))
        real_scores = self.discriminator(self.d_inputs(self.noisy(target), source),
                                         training=True)
        fake_scores = self.discriminator(self.d_inputs(self.noisy(fake), source), training=True)
        loss = self.loss_pair.d_loss(real_scores, fake_scores, 1.0 - self.label_smoothing)
        return self.adversarial_on() * loss, {"d_real": self.as_probability(real_scores),
                                              "d_fake": self.as_probability(fake_scores)}

    def g_loss(self, source, target):
        """G's loss: fool D on (G(input), input), and stay close to the target."""
        fake = self.generator(source, training=True)
        fake_scores = self.discriminator(self.d_inputs(self.noisy(fake), source), training=True)
        content = content_loss(fake, target, self.content)
        adversarial = self.g_adversarial(fake_scores, lambda: self.discriminator(
            self.d_inputs(self.noisy(target), source), training=True))
        loss = (self.adversarial_on() * adversarial
                + self.content_weight * content)
        return loss, {"content": content}

    def adversarial_on(self):
        """1.0 while the adversarial terms count (always, here); SRGAN turns them off
        (0.0) for a warm-up. Multiplying a loss by 0 gives zero gradients, so D stands
        still and G learns from the content loss alone."""
        return 1.0

    def d_inputs(self, x, condition):
        return [x, condition] if self.paired_d else x

    def unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2 or data[1] is None:
            raise BadInputError(
                "A translation GAN learns from pairs: fit it on (inputs, targets), e.g. "
                "gan.fit(inputs, targets, batch_size=64).")
        return data[0], data[1]

    # --- using the trained model -----------------------------------------------------------

    def check_data(self, x, targets=None):
        from .data import check_images

        if isinstance(x, np.ndarray):
            check_images(x, self.input_shape_, name="inputs")
        if targets is None:
            raise BadInputError(
                "A translation GAN learns from pairs: fit it on (inputs, targets), e.g. "
                "gan.fit(inputs, targets, batch_size=64).")
        if isinstance(targets, np.ndarray):
            check_images(targets, self.sample_shape, name="targets")
            if isinstance(x, np.ndarray) and len(x) != len(targets):
                raise BadInputError(f"inputs and targets should pair up one to one; got "
                                    f"{len(x)} inputs and {len(targets)} targets.")

    def translate(self, inputs, batch_size=500, average=True):
        """G's output for each input image, as a NumPy array in [-1, 1]."""
        from .data import check_images

        x = check_images(inputs, self.input_shape_, name="inputs").astype("float32")
        self.sync()
        net = self.sampler if average else self.generator
        out = []
        with backend.no_grad():
            for i in range(0, len(x), batch_size):
                out.append(ops.convert_to_numpy(net(x[i:i + batch_size], training=False)))
        return np.concatenate(out) if out else np.zeros((0,) + self.sample_shape, "float32")

    def discriminate(self, x, inputs=None, batch_size=500):
        """D's probability that each output is real, averaged over its patches."""
        from .data import check_images

        x = check_images(x, self.sample_shape, name="outputs").astype("float32")
        if self.paired_d:
            if inputs is None:
                raise BadInputError("This D judges (output, input) pairs: pass the inputs too.")
            inputs = check_images(inputs, self.input_shape_, name="inputs").astype("float32")
        self.sync()
        out = []
        with backend.no_grad():
            for i in range(0, len(x), batch_size):
                c = inputs[i:i + batch_size] if self.paired_d else None
                s = ops.convert_to_numpy(self.discriminator(self.d_inputs(x[i:i + batch_size], c),
                                                            training=False))
                out.append(s.reshape(len(s), -1))
        scores = np.concatenate(out)
        return (0.5 * (1.0 + np.tanh(0.5 * scores))).mean(1)

    def sample_inputs(self, n, seed=None):
        """n test-set inputs of the task named in ``info["task"]`` (for the command line)."""
        return task_inputs(self.info.get("task"), n, seed)

    def get_config(self):
        return {**super().get_config(), "content_weight": self.content_weight,
                "content": self.content}


def downsample(images, factor):
    """Images made ``factor`` times smaller per side by averaging factor x factor blocks."""
    x = np.asarray(images, "float32")
    if x.ndim != 4 or x.shape[1] % factor or x.shape[2] % factor:
        raise BadInputError(f"downsample expects images (N, H, W, C) whose sides divide by "
                            f"{factor}; got shape {x.shape}.")
    n, h, w, c = x.shape
    return x.reshape(n, h // factor, factor, w // factor, factor, c).mean(axis=(2, 4))


def add_noise(images, sigma=0.8, seed=0):
    """Images with Gaussian noise of standard deviation ``sigma`` added (on the [-1, 1]
    scale, so 0.8 is 40% of the full range), clipped back to [-1, 1]: the inputs of the
    denoising task. The same seed gives the same noise."""
    x = np.asarray(images, "float32")
    if x.ndim != 4:
        raise BadInputError(f"add_noise expects images (N, H, W, C); got shape {x.shape}.")
    if not sigma >= 0:
        raise BadInputError(f"sigma should be >= 0; got {sigma}.")
    noise = np.random.default_rng(seed).normal(size=x.shape).astype("float32")
    return np.clip(x + sigma * noise, -1.0, 1.0)


# Tasks: images in [-1, 1] -> (inputs, targets). The recipes and the CLI name them.
TASKS = {
    "outlines": lambda x: (outlines(x), np.asarray(x, "float32")),
    "low-res-7": lambda x: (downsample(x, 4), np.asarray(x, "float32")),
    "denoise": lambda x: (add_noise(x), np.asarray(x, "float32")),
}


def task_inputs(task, n, seed=None):
    """n Fashion-MNIST test images made into the inputs of ``task`` (a random choice)."""
    from .data import load_fashion_mnist

    if task not in TASKS:
        raise BadInputError(f"This model does not say which task it learned "
                            f"(info['task'] is {task!r}); give it inputs yourself.")
    x, _ = load_fashion_mnist("test", verbose=False)
    pick = np.random.default_rng(seed).choice(len(x), n, replace=n > len(x))
    return TASKS[task](x[pick])[0]


def make_pairs(task, images):
    """(inputs, targets) for a named task ("outlines", "low-res-7", "denoise") from
    images in [-1, 1]."""
    if task not in TASKS:
        from .errors import unknown_name

        raise unknown_name("translation task", task, TASKS)
    return TASKS[task](images)

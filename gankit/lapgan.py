"""LAPGAN: a Laplacian pyramid of GANs, coarse to fine (Denton et al. 2015).

Drawing a 28x28 image at once is hard; drawing a 7x7 thumbnail is easy, and so is
adding the *details* that turn a blurry 14x14 enlargement into a sharp 14x14 image.
A Laplacian pyramid splits an image exactly that way:

    g0 = the image (28x28), g1 = shrink(g0) (14x14), g2 = shrink(g1) (7x7)
    h0 = g0 - grow(g1),  h1 = g1 - grow(g2)            (the residuals: the details)
    and back: g1 = grow(g2) + h1,  g0 = grow(g1) + h0  (exact)

LAPGAN trains one G/D pair per level, each on its own part of the real pyramid:

- level 0: a plain GAN draws the 7x7 thumbnails g2 from noise;
- levels 1 and 2: a *conditional* GAN draws the residual h given the blurry
  enlargement grow(g) of the coarser image; its D judges (residual, enlargement)
  pairs. That is a paired translation, so these levels are :class:`gankit.Pix2Pix`
  models whose generator also gets a channel of noise (:class:`NoiseChannels`: many
  detail images fit one blurry image). The paper uses no content loss
  (``detail_content_weight=0``); the course's recipe adds a small L1 term (x10) to the
  details, which lowered the samples' KID (benchmarks/README.md, "LAPGAN's detail levels"):
  a pure GAN on residuals learns them too slowly to sharpen much.

Sampling runs the pyramid upwards: a thumbnail, then details, then more details.
The levels train independently (as in the paper); :class:`LAPGAN` trains all three on
each batch and keeps them in one model that saves to one ``.keras`` file.
"""
import keras
import numpy as np
from keras import layers, ops

from . import backend
from .adversarial import OptimizerGroup
from .errors import BadInputError
from .gan import GAN
from .models import layers_of, mlp_discriminator, mlp_generator
from .pix2pix import Pix2Pix, patch_discriminator, unet_generator


def shrink(images):
    """Half the size per side: the mean of each 2x2 block (keras.ops; NumPy in, tensor out)."""
    return ops.average_pool(images, 2, strides=2, padding="valid")


def grow(images):
    """Twice the size per side, bilinear: the blurry enlargement the details are added to."""
    h, w = images.shape[1], images.shape[2]
    return ops.image.resize(images, (2 * h, 2 * w), interpolation="bilinear")


def laplacian_pyramid(images, levels=3):
    """The pyramid of images in [-1, 1], as NumPy arrays, finest first:
    ``(residuals, top)`` with residuals [h0 (28x28), h1 (14x14)] and top g2 (7x7).
    Adding them back up (:func:`reconstruct`) gives the images again."""
    g = ops.convert_to_tensor(np.asarray(images, "float32"))
    residuals = []
    for _ in range(levels - 1):
        small = shrink(g)
        residuals.append(ops.convert_to_numpy(g - grow(small)))
        g = small
    return residuals, ops.convert_to_numpy(g)


def reconstruct(residuals, top):
    """Images from their pyramid: grow the top, add the residuals, coarse to fine."""
    g = ops.convert_to_tensor(np.asarray(top, "float32"))
    for h in reversed(residuals):
        g = grow(g) + h
    return ops.convert_to_numpy(g)


@keras.saving.register_keras_serializable(package="gankit")
class NoiseChannels(layers.Layer):
    """Appends ``channels`` channels of fresh Gaussian noise to an image, in training and
    in sampling alike: the randomness of a generator whose input is an image."""

    def __init__(self, channels=1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x):
        shape = ops.shape(x)
        noise = keras.random.normal((shape[0], shape[1], shape[2], self.channels),
                                    seed=self.seed_generator, dtype=x.dtype)
        return ops.concatenate([x, noise], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "seed": self.seed}


def detail_generator(size, base_filters=32, noise_channels=1, seed=None, name=None):
    """A level's G: the blurry enlargement plus noise channels in, a residual out."""
    depth = 2 if size % 4 == 0 and size >= 28 else 1
    x_in = keras.Input((size, size, 1), name="enlarged")
    unet = unet_generator((size, size, 1 + noise_channels), base_filters=base_filters,
                          depth=depth, name=f"unet_{size}")
    out = unet(NoiseChannels(noise_channels, seed=seed)(x_in))
    return keras.Model(x_in, out, name=name or f"generator_{size}")


def lapgan_levels(sizes=(7, 14, 28), latent_dim=32, base_filters=32, seed=None,
                  detail_content_weight=0.0, top_ema=None):
    """The three GANs of a LAPGAN for the given sizes, coarse to fine, uncompiled.
    ``detail_content_weight``: weight of an L1 term pulling each level's details
    towards the real ones (0, a pure GAN, in the paper). ``top_ema``: the coarsest
    GAN samples from a moving average of its G's weights with this decay."""
    top = sizes[0]
    levels = [GAN(mlp_generator(latent_dim, (top, top, 1), hidden=(256, 256),
                                name=f"generator_{top}"),
                  mlp_discriminator((top, top, 1), hidden=(256, 256),
                                    name=f"discriminator_{top}"),
                  ema=top_ema, seed=seed, name=f"level_{top}")]
    for i, size in enumerate(sizes[1:]):
        depth = 2 if size % 4 == 0 and size >= 28 else 1
        g = detail_generator(size, base_filters, seed=None if seed is None else seed + i + 1)
        d = patch_discriminator((size, size, 1), (size, size, 1), base_filters=base_filters,
                                depth=depth, name=f"discriminator_{size}")
        levels.append(Pix2Pix(g, d, content_weight=detail_content_weight, seed=seed,
                              name=f"level_{size}"))
    return levels


@keras.saving.register_keras_serializable(package="gankit")
class LAPGAN(keras.Model):
    """One GAN per pyramid level, trained together on each batch of real images.

    Args:
        levels: a plain :class:`gankit.GAN` for the coarsest images, then one
            :class:`gankit.Pix2Pix` per finer level (enlargement in, residual out), as
            :func:`lapgan_levels` builds them.
        info: a dict saved with the model.

    ``fit(images)`` trains every level; ``generate(n)`` samples coarse to fine,
    ``generate(n, stages=True)`` also returns what each level made.
    """

    conditional = False
    num_classes = None

    def __init__(self, levels, info=None, **kwargs):
        super().__init__(**kwargs)
        levels = list(levels)
        if len(levels) < 2 or not isinstance(levels[0], GAN) or isinstance(levels[0], Pix2Pix) \
                or not all(isinstance(lv, Pix2Pix) for lv in levels[1:]):
            raise BadInputError("LAPGAN takes a plain GAN for the coarsest level, then one "
                                "Pix2Pix per finer level: build them with "
                                "gankit.lapgan.lapgan_levels().")
        sizes = [lv.sample_shape[0] for lv in levels]
        if any(b != 2 * a for a, b in zip(sizes, sizes[1:])):
            raise BadInputError(
                f"each level should double the size of the one before; got {sizes}.")
        self.levels = levels
        self.sizes = sizes
        self.sample_shape = levels[-1].sample_shape
        self.info = dict(info or {})
        self.built = True

    def compile(self, lr=2e-4, **kwargs):
        """Adam(lr, beta1 0.5) for each network of each level; Keras carries all of them
        as one OptimizerGroup (gankit.adversarial)."""
        self.lr = float(lr)
        for lv in self.levels:
            lv.compile(keras.optimizers.Adam(self.lr, beta_1=0.5),
                       keras.optimizers.Adam(self.lr, beta_1=0.5))
        members = [opt for lv in self.levels for opt in (lv.d_optimizer, lv.g_optimizer)]
        super().compile(optimizer=OptimizerGroup(members), **kwargs)
        self._compile_kwargs = {k: v for k, v in kwargs.items() if k == "jit_compile"}

    def get_compile_config(self):
        return {"lr": getattr(self, "lr", 2e-4), **getattr(self, "_compile_kwargs", {})}

    def compile_from_config(self, config):
        config = dict(config)
        if backend.name() == "torch":
            config.pop("jit_compile", None)  # XLA would mean torch.compile here
        self.compile(**config)

    @property
    def g_optimizer(self):  # the finest level's: its step count is the LAPGAN's
        return self.levels[-1].g_optimizer

    @property
    def d_optimizer(self):
        return self.levels[-1].d_optimizer

    @property
    def metrics(self):
        return [m for lv in self.levels for m in lv.metrics]

    @backend.train_step
    def train_step(self, data):
        """Each level takes its own step on its part of this batch's pyramid."""
        x = data[0] if isinstance(data, (tuple, list)) else data
        gs = [x]
        for _ in self.levels[1:]:
            gs.append(shrink(gs[-1]))
        gs = gs[::-1]  # coarse to fine: 7, 14, 28
        logs = {}
        for i, lv in enumerate(self.levels):
            if i == 0:
                out = lv.train_step(gs[0])
            else:
                enlarged = grow(gs[i - 1])
                out = lv.train_step((enlarged, ops.clip(gs[i] - enlarged, -1.0, 1.0)))
            for k in ("d_loss", "g_loss", "d_real", "d_fake"):
                logs[f"{k}_{self.sizes[i]}"] = out[k]
        logs["d_loss"] = sum(logs[f"d_loss_{s}"] for s in self.sizes)
        logs["g_loss"] = sum(logs[f"g_loss_{s}"] for s in self.sizes)
        return logs

    def fit(self, *args, **kwargs):
        """``keras.Model.fit``, made safe as GAN.fit is (gankit.safety)."""
        from .data import check_images
        from .safety import safe_fit

        if not hasattr(self, "lr"):
            self.compile()
        x = args[0] if args else kwargs.get("x")
        if isinstance(x, np.ndarray):
            check_images(x, self.sample_shape, name="real images")
        return safe_fit(self, super().fit, *args, **kwargs)

    def call(self, inputs, training=False):
        return self.levels[0].generator(inputs, training=training)

    def generate(self, n, seed=None, stages=False, labels=None, batch_size=500):
        """n images in [-1, 1], coarse to fine. ``stages=True`` also returns a list, one
        entry per level, of dicts with what that level saw and made: ``enlarged`` (the
        blurry input), ``residual`` (the details it drew) and ``image`` (their sum)."""
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise BadInputError(f"n should be a positive whole number; got {n!r}.")
        rng = np.random.default_rng(seed)
        for lv in self.levels[1:]:  # repeatable noise channels for a given seed
            for layer in layers_of(lv.generator):
                if isinstance(layer, NoiseChannels):
                    layer.seed_generator.state.assign(
                        np.array([rng.integers(2**31), 0], layer.seed_generator.state.dtype))
        image = self.levels[0].generate(n, seed=int(rng.integers(2**31)), batch_size=batch_size)
        steps = [{"enlarged": None, "residual": None, "image": image}]
        for lv in self.levels[1:]:
            enlarged = ops.convert_to_numpy(grow(image))
            residual = lv.translate(enlarged, batch_size=batch_size)
            image = np.clip(enlarged + residual, -1.0, 1.0)
            steps.append({"enlarged": enlarged, "residual": residual, "image": image})
        return (image, steps) if stages else image

    def get_config(self):
        return {"levels": [keras.saving.serialize_keras_object(lv) for lv in self.levels],
                "info": self.info, "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["levels"] = [keras.saving.deserialize_keras_object(lv) for lv in config["levels"]]
        return cls(**config)

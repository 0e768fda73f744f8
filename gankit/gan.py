"""The GAN: a ``keras.Model`` whose ``train_step`` trains D, then G.

Why a custom ``train_step``: ``fit()`` knows how to minimise one loss with one optimizer.
A GAN has two players with opposite goals, so each step does

1. ``d_steps`` times: make fakes, score real and fake, update **only D's weights** with
   D's optimizer;
2. once: make fresh fakes, score them with D, update **only G's weights** with G's
   optimizer. "Freeze D while G trains" means exactly this: nothing is toggled, G's
   optimizer is simply never given D's weights.

The same class trains on TensorFlow, JAX and PyTorch: the losses, the noise and the order of
the updates are ``keras.ops``; the gradient bookkeeping is in ``gankit/backend.py`` and the
two-networks-two-optimizers machinery in ``gankit/adversarial.py``. Penalties are in
``gankit/losses.py``, rejection sampling in ``gankit/rejection.py``, single steps for the
playground in ``gankit/stepping.py``.
"""
import math

import keras
import numpy as np
from keras import ops

from . import backend
from .adversarial import AdversarialModel
from .errors import BadInputError
from .diffaugment import diff_augment, policy_names
from .losses import gradient_penalty, r1_penalty, r2_penalty


def num_classes_of(model):
    """The number of classes a conditional network embeds, or None."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


@keras.saving.register_keras_serializable(package="gankit")
class GAN(AdversarialModel):
    """A generator from noise (and a label) to samples, and a discriminator that scores them.

    It takes :class:`gankit.adversarial.AdversarialModel`'s loss, d_steps, label_smoothing,
    instance_noise, ema, seed and info, and:

    Args:
        generator: a model from noise z (and a label, if conditional) to a sample.
        discriminator: a model from a sample (and label) to one score per sample.
        gradient_penalty: weight of the WGAN-GP penalty (10 in the paper; 0 = off).
        clip_weights: clip D's weights to [-c, c] after each D update (WGAN; None = off).
        pack: PacGAN's packing: D judges groups of ``pack`` samples at once (all real or all
            fake), which makes a collapsed G easy to spot. Build D for the packed shape:
            (pack * d,) for points, (H, W, pack * C) for images.
        r1, r2: gamma of the zero-centred penalties gamma/2 E||grad_x D(x)||^2 at real
            samples (R1) and at G's samples (R2), in every D step; R3GAN takes both with the
            relativistic loss (0 = off; ``gankit.LazyR1`` takes R1 lazily instead). They are
            variables (``r1_gamma``, ``r2_gamma``): ``gankit.DecayPenalties`` lowers them.
        augment: a DiffAugment policy (``gankit.diffaugment``), e.g.
            "color,translation,cutout": every image D sees, real or fake, in D's step and in
            G's, is augmented so; the penalties look at the plain samples. None = off.
        ada_target: ADA: each augmentation applies with a probability p (the variable
            ``ada_p``, logged), from 0, raised while D is sure of the real batch,
            r_t = E[sign D(x)] > ada_target (0.6 in the paper), lowered below it; p moves
            by 1 over ``ada_images`` images. With augment=None it adapts all three policies.

    Fit it on real samples ``x`` or, for a conditional GAN, on ``(x, labels)``.
    """

    takes_gan_options = True

    def __init__(self, generator, discriminator, gradient_penalty=0.0, clip_weights=None,
                 pack=1, r1=0.0, r2=0.0, augment=None, ada_target=None, ada_images=40_000,
                 **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        if gradient_penalty < 0 or (clip_weights is not None and clip_weights <= 0):
            raise BadInputError("gradient_penalty should be >= 0 and clip_weights > 0 (or None).")
        if not float(r1) >= 0 or not float(r2) >= 0:
            raise BadInputError(f"r1 and r2 are the penalties' gamma, 0 (off) or more; got "
                                f"r1={r1}, r2={r2}. R3GAN's toy runs use about 0.05 to 1.")
        self.gp_weight = float(gradient_penalty)
        self.clip_value = None if clip_weights is None else float(clip_weights)
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.conditional = len(generator.inputs) == 2
        self.num_classes = num_classes_of(generator) if self.conditional else None
        self.sample_shape = tuple(generator.outputs[0].shape[1:])
        self.pack = int(pack)
        self.check_discriminator(discriminator)
        if self.gp_weight:
            self.log_names.append("gp")
        # R1 and R2: variables only when on, so files saved without them still load
        self.r1_gamma = self.r2_gamma = None
        self._initial_gammas = {}
        for name, gamma in (("r1", r1), ("r2", r2)):
            if gamma:
                self._initial_gammas[name] = float(gamma)
                setattr(self, f"{name}_gamma", keras.Variable(
                    float(gamma), trainable=False, name=f"{name}_gamma", aggregation="mean"))
                self.log_names.append(name)
        self.set_augmentation(augment, ada_target, ada_images)

    def set_augmentation(self, augment, ada_target, ada_images):
        """Check and keep DiffAugment's policy and ADA's settings (see the class's Args)."""
        if ada_target is not None and augment is None:
            augment = "color,translation,cutout"
        self.augment = None if augment is None else ",".join(policy_names(augment))
        if self.augment is not None and len(self.sample_shape) != 3:
            raise BadInputError(
                f"augment (DiffAugment) changes images (H, W, C); this generator makes "
                f"samples of shape {self.sample_shape}. Leave augment=None for them.")
        self.ada_target = None if ada_target is None else float(ada_target)
        self.ada_images = int(ada_images)
        self.ada_p = None
        if self.ada_target is not None:
            if not 0.0 < self.ada_target < 1.0 or self.ada_images < 1:
                raise BadInputError(
                    f"ada_target is the r_t = E[sign D(x)] that ADA keeps D at, between 0 and "
                    f"1 (0.6 in the paper), and ada_images a positive number of images; got "
                    f"{ada_target} and {ada_images}.")
            self.ada_p = keras.Variable(0.0, trainable=False, name="ada_p", aggregation="mean")
            self.log_names += ["ada_p", "ada_rt"]

    def check_discriminator(self, discriminator):
        """D takes labels exactly when G does, and samples of G's shape (packed)."""
        if self.conditional != (len(discriminator.inputs) == 2):
            raise BadInputError(
                "The generator and discriminator must both be conditional (take labels) or "
                "both not: build them with the same num_classes.")
        if self.pack < 1 or (self.pack > 1 and self.conditional):
            raise BadInputError(
                f"pack should be 1 or more, and 1 for a conditional GAN; got {self.pack}.")
        d_shape = tuple(discriminator.inputs[0].shape[1:])
        packed = self.sample_shape[:-1] + (self.sample_shape[-1] * self.pack,)
        if d_shape != packed:
            hint = (f" With pack={self.pack}, build D for {packed}: the last axis holds the "
                    "packed samples side by side." if self.pack > 1 else
                    " Build both for the same shape.")
            raise BadInputError(f"The generator makes samples of shape {self.sample_shape} "
                                f"but the discriminator expects {d_shape}.{hint}")

    # --- the training step: D's turn(s), then G's -----------------------------------

    @backend.train_step
    def train_step(self, data):
        """What ``fit()`` calls for every batch."""
        real, labels = self.unpack(data)
        # 1. D's turn: fresh fakes each time; only D's weights move (d_optimizer).
        for _ in range(self.d_steps):
            d_loss, d_logs = self.update(self.discriminator, self.d_optimizer,
                                         self.d_loss, real, labels)
            self.clip_d()
            self.adapt_augmentation(d_logs, ops.shape(real)[0])
        # 2. G's turn: fresh noise through G and the frozen D; only G's weights move.
        g_loss, g_logs = self.update(self.generator, self.g_optimizer,
                                     self.g_loss, real, labels)
        self.update_ema()
        return self.track(d_loss=d_loss, g_loss=g_loss, **d_logs, **g_logs)

    def d_loss(self, real, labels):
        """D's loss on a real batch and fresh fakes, and what to log. The fakes are held
        fixed (stop_gradient): D's turn treats them as data."""
        fake = ops.stop_gradient(self.generator(self.g_inputs(self.noise(ops.shape(real)[0]),
                                                              labels), training=True))
        real_scores = self.discriminator(self.d_inputs(self.d_view(real), labels), training=True)
        fake_scores = self.discriminator(self.d_inputs(self.d_view(fake), labels), training=True)
        loss = self.loss_pair.d_loss(real_scores, fake_scores, 1.0 - self.label_smoothing)
        logs = {"d_real": self.as_probability(real_scores),
                "d_fake": self.as_probability(fake_scores),
                **self.augmentation_logs(real_scores, fake_scores)}
        if self.gp_weight:
            logs["gp"] = self.wgan_gp(real, fake, labels)
            loss = loss + self.gp_weight * logs["gp"]
        if self.r1_gamma is not None:   # D flat at the real samples
            logs["r1"] = self.r1_penalty(real, labels)
            loss = loss + 0.5 * self.r1_gamma * logs["r1"]
        if self.r2_gamma is not None:   # and at G's
            logs["r2"] = r2_penalty(self.d_slopes(fake, labels))
            loss = loss + 0.5 * self.r2_gamma * logs["r2"]
        return loss, logs

    def g_loss(self, real, labels):
        """G's loss through D on fresh fakes (and on the real batch, for a paired loss)."""
        fake = self.generator(self.g_inputs(self.noise(ops.shape(real)[0]), labels),
                              training=True)
        fake_scores = self.discriminator(self.d_inputs(self.d_view(fake), labels), training=True)
        return self.g_adversarial(fake_scores, lambda: self.discriminator(
            self.d_inputs(self.d_view(real), labels), training=True)), {}

    # --- what D sees: augmentation (DiffAugment, ADA) and instance noise ------------------

    def d_view(self, x):
        """What D sees of a batch of samples, real or fake, in either step: augmented
        (``augment``; with ADA, each operation with probability ``ada_p``), then noised."""
        if self.augment is not None:
            x = diff_augment(x, self.augment, seed=self, p=self.ada_p)
        return self.noisy(x)

    def augmentation_logs(self, real_scores, fake_scores):
        """ADA's numbers for this D step: p, and r_t, the share of real images that D puts
        on the real side of its line (``score_line``) minus the share on the wrong side:
        near 1 when D has learnt the training images by heart."""
        if self.ada_p is None:
            return {}
        return {"ada_p": ops.convert_to_tensor(self.ada_p),
                "ada_rt": ops.mean(ops.sign(real_scores - self.score_line(fake_scores)))}

    def score_line(self, fake_scores):
        """The score between D's verdicts "real" and "fake": 0 for the cross-entropy and
        hinge losses, 0.5 for least squares' 0-1 coding, the paired fake's score for the
        relativistic loss (the mean fake score, given scores of a batch of fakes)."""
        if self.loss_pair.paired:
            return fake_scores
        return 0.5 if self.loss_pair.name == "least-squares" else 0.0

    def adapt_augmentation(self, d_logs, batch_size):
        """ADA's step: p up by batch_size / ada_images if r_t is above the target, down if
        below (kept in [0, 1])."""
        if self.ada_p is None:
            return
        with backend.no_grad():
            images = ops.cast(batch_size * backend.replicas(), "float32")
            step = ops.sign(ops.stop_gradient(d_logs["ada_rt"]) - self.ada_target) * images
            self.ada_p.assign(ops.clip(self.ada_p + step / self.ada_images, 0.0, 1.0))

    # --- the pieces of a step (keras.ops only) -----------------------------------------

    def noise(self, batch_size):
        """A batch of latent vectors z ~ N(0, I)."""
        return self.normal((batch_size, self.latent_dim))

    def unpack(self, data):
        """(real samples, labels as an (N, 1) int tensor or None) from what fit() passes."""
        x, labels = (data[0], data[1] if len(data) > 1 else None) \
            if isinstance(data, (tuple, list)) else (data, None)
        if self.conditional and labels is None:
            raise BadInputError(
                "This GAN is conditional: fit it on (images, labels), e.g. "
                "gan.fit(x, y, ...), so it knows which class each real image is.")
        if not self.conditional:
            return x, None
        return x, ops.reshape(ops.cast(labels, "int32"), (-1, 1))

    def g_inputs(self, z, labels):
        return [z, labels] if self.conditional else z

    def d_inputs(self, x, labels):
        """What D sees: the samples (and labels), or PacGAN's packs: (B, ..., C) ->
        (B / pack, ..., pack * C), each group of ``pack`` samples side by side as one input
        (a last partial group is dropped)."""
        if self.pack == 1:
            return [x, labels] if self.conditional else x
        x = x[:(ops.shape(x)[0] // self.pack) * self.pack]
        x = ops.moveaxis(ops.reshape(x, (-1, self.pack) + self.sample_shape), 1, -2)
        return ops.reshape(x, (-1,) + self.sample_shape[:-1]
                           + (self.pack * self.sample_shape[-1],))

    def d_slopes(self, x, labels):
        """The gradient of D's score with respect to the samples x (for the penalties)."""
        return backend.input_gradient(
            self, lambda x: self.discriminator(self.d_inputs(x, labels), training=True), x)

    def wgan_gp(self, real, fake, labels):
        """WGAN-GP's penalty at random points between real and fake samples (U[0, 1])."""
        alpha = self.uniform((ops.shape(real)[0],) + (1,) * (len(real.shape) - 1))
        mixed = real + alpha * (fake - real)
        return gradient_penalty(self.d_slopes(mixed, labels))

    def r1_penalty(self, real, labels=None):
        """R1 (Mescheder et al. 2018): E||grad_x D(x)||^2 at real samples."""
        real = ops.convert_to_tensor(real, "float32")
        if labels is not None:
            labels = ops.reshape(ops.convert_to_tensor(labels, "int32"), (-1, 1))
        return r1_penalty(self.d_slopes(real, labels))

    def clip_d(self):
        """WGAN's weight clipping: D's weights back into [-c, c] after its update."""
        if self.clip_value is None:
            return
        with backend.no_grad():
            for w in self.discriminator.trainable_variables:
                w.assign(ops.clip(w, -self.clip_value, self.clip_value))

    def step(self, x, labels=None, update="both"):
        """One training step outside fit (the playground's buttons): "both" (the whole
        train_step), "d" (one D update) or "g" (one G update); returns its numbers as floats."""
        from .stepping import one_step

        return one_step(self, x, labels, update)

    # --- using the trained generator -------------------------------------------------

    def call(self, inputs, training=False):
        """Calling the GAN runs the generator: ``gan(z)`` or ``gan([z, labels])``."""
        return self.generator(inputs, training=training)

    def generate(self, n, labels=None, seed=None, batch_size=500, average=True,
                 rejection=False):
        """n samples as a NumPy array (images in [-1, 1], or points).

        seed: same seed, same samples. labels (conditional GANs): one class index per
        sample; by default the classes in turn, 0, 1, ..., 9, 0, 1, ...
        average: sample from the averaged generator when the GAN keeps one (``ema``).
        rejection: discriminator rejection sampling (gankit.rejection): D throws away the
        samples it finds least real. True, or a dict of its options (``keep``, ``pool``).
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise BadInputError(f"n should be a positive whole number; got {n!r}.")
        rng = np.random.default_rng(seed)
        if self.conditional:
            from .data import check_labels

            labels = (np.arange(n) % self.num_classes if labels is None
                      else check_labels(labels, self.num_classes, n=n))
            labels = np.asarray(labels, "int32").reshape(-1, 1)
        self.sync()
        net = self.sampler if average else self.generator
        if rejection:
            from .rejection import rejection_sample

            options = rejection if isinstance(rejection, dict) else {}
            return rejection_sample(self, net, n, labels, rng, batch_size, **options)
        return self.run_generator(net, rng.standard_normal((n, self.latent_dim)), labels,
                                  batch_size)

    def run_generator(self, net, z, labels, batch_size=500):
        """``net`` (G or its average) on the noise z, in batches, as a NumPy array."""
        out, z = [], np.asarray(z, "float32")
        with backend.no_grad():
            for i in range(0, len(z), batch_size):
                zi = z[i:i + batch_size]
                inputs = [zi, labels[i:i + batch_size]] if self.conditional else zi
                out.append(ops.convert_to_numpy(net(inputs, training=False)))
        return np.concatenate(out)

    def scores(self, x, labels=None, batch_size=500):
        """D's raw scores (logits) for the samples x, as a NumPy vector."""
        out = []
        self.sync()
        with backend.no_grad():
            for i in range(0, len(x), batch_size):
                xi = np.asarray(x[i:i + batch_size], "float32")
                li = (np.asarray(labels[i:i + batch_size], "int32").reshape(-1, 1)
                      if self.conditional else None)
                s = self.discriminator(self.d_inputs(xi, li), training=False)
                out.append(ops.convert_to_numpy(s[0] if isinstance(s, (list, tuple)) else s))
        return np.concatenate(out)[:, 0]

    def discriminate(self, x, labels=None, batch_size=500):
        """D's probability that each sample in x is real (sigmoid of its score)."""
        if self.pack > 1:
            raise BadInputError(
                f"This GAN's discriminator judges packs of {self.pack} samples, not single "
                "ones, so it has no per-sample probability to show.")
        return 0.5 * (1.0 + np.tanh(0.5 * self.scores(x, labels, batch_size)))  # sigmoid

    def check_data(self, x, labels=None):
        """Clear errors for real data of the wrong shape, type or range (NumPy input only)."""
        from .data import check_images, check_labels

        if not isinstance(x, np.ndarray):
            return
        if len(x) == 0:
            raise BadInputError("There is no real data to train on: the array is empty "
                                f"(shape {x.shape}). Check how it was loaded or sliced.")
        if len(self.sample_shape) == 3:
            check_images(x, self.sample_shape, name="real images")
        else:
            if tuple(x.shape[1:]) != self.sample_shape:
                raise BadInputError(
                    f"real samples should have shape (N, {', '.join(map(str, self.sample_shape))})"
                    f" for this generator; got {x.shape}.")
            if not np.issubdtype(x.dtype, np.floating):
                raise BadInputError(f"real samples should be floating-point numbers; got "
                                    f"{x.dtype}. Convert them first: x.astype('float32').")
            if not np.isfinite(x).all():
                raise BadInputError("real samples contain NaN or infinite values.")
        if self.conditional:
            if labels is None:
                raise BadInputError(
                    "This GAN is conditional: fit it on (images, labels), e.g. "
                    "gan.fit(x, y, ...), so it knows which class each real image is.")
            check_labels(labels, self.num_classes, n=len(x))

    def get_config(self):
        config = {**super().get_config(), "gradient_penalty": self.gp_weight,
                  "clip_weights": self.clip_value, "pack": self.pack}
        for name in ("r1", "r2"):   # the starting gammas; a decayed one is in the weights
            gamma = getattr(self, f"{name}_gamma")
            if gamma is not None:
                config[name] = self._initial_gammas[name]
        if self.augment is not None:
            config.update(augment=self.augment, ada_target=self.ada_target,
                          ada_images=self.ada_images)
        return config


def count_params(model):
    """Number of trainable parameters of a model, as an int."""
    return int(sum(math.prod(w.shape) for w in model.trainable_weights))

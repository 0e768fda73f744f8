"""CycleGAN: translation between two kinds of images without pairs (Zhu et al. 2017).

pix2pix needs (input, target) pairs. Often there are none: photos and paintings of
different scenes, outlines and garments drawn by different people. CycleGAN learns
from two unpaired piles, domain A and domain B, with two generators and two critics:

- G_ab turns A images into B images, D_b tells real B images from G_ab's;
- G_ba turns B images into A images, D_a tells real A images from G_ba's;
- cycle consistency: going there and back must return the start,
  G_ba(G_ab(a)) ~ a and G_ab(G_ba(b)) ~ b (an L1 loss, weight 10 in the paper).
  Without it, G_ab only has to make *some* convincing B image, whatever a it got:
  nothing ties the output to the input;
- identity loss: a B image given to G_ab should come back unchanged, G_ab(b) ~ b
  (and G_ba(a) ~ a), which keeps what the domains share (weight 5 in the paper).

In gankit, the two generators are trained as one network (one optimizer, as in the
paper) and so are the two discriminators: CycleGAN builds a ``generator`` model that
runs both G's and a ``discriminator`` model that runs both D's: an
:class:`gankit.adversarial.AdversarialModel` beside :class:`gankit.GAN`, trained on
TensorFlow, JAX and PyTorch alike.
The paper's least-squares loss is the default.
"""
import keras
import numpy as np
from keras import ops

from . import backend
from .adversarial import AdversarialModel, without_gan_options
from .errors import BadInputError


def _l1(a, b):
    return ops.mean(ops.abs(a - b))


@keras.saving.register_keras_serializable(package="gankit")
class CycleGAN(AdversarialModel):
    """Unpaired translation between domains A and B.

    Args:
        g_ab, g_ba: generators from an A image to a B image and back (e.g.
            ``gankit.unet_generator``).
        d_a, d_b: discriminators of single A and B images (e.g.
            ``gankit.patch_discriminator`` without ``condition_shape``).
        cycle_weight: weight of the cycle-consistency L1 loss (10 in the paper; 0 = off).
        identity_weight: weight of the identity L1 loss (5 in the paper; 0 = off).
        loss: the adversarial loss, "least-squares" as in the paper.
        **kwargs: what :class:`gankit.adversarial.AdversarialModel` takes (d_steps, ema,
            seed, info...).

    Fit it on two piles of the same size: ``gan.fit(images_a, images_b)``; they need not
    correspond. ``translate(a)`` runs G_ab, ``translate(b, direction="ba")`` runs G_ba.
    The logs add ``cycle`` and ``identity`` (their L1 losses on the batch).
    """

    LOGS = AdversarialModel.LOGS + ("cycle", "identity")
    # fit takes two piles of images (unpaired here) and the model maps one to the other;
    # train_recipe and the CLI read this
    translates = True

    def __init__(self, g_ab, g_ba, d_a, d_b, cycle_weight=10.0, identity_weight=5.0,
                 loss="least-squares", **kwargs):
        shape_a = tuple(g_ab.inputs[0].shape[1:])
        shape_b = tuple(g_ab.outputs[0].shape[1:])
        back = (tuple(g_ba.inputs[0].shape[1:]), tuple(g_ba.outputs[0].shape[1:]))
        if back != (shape_b, shape_a):
            raise BadInputError(f"g_ba should map B images {shape_b} back to A images {shape_a}; "
                                f"it maps {back[0]} to {back[1]}.")
        for d, shape, name in ((d_a, shape_a, "d_a"), (d_b, shape_b, "d_b")):
            if len(d.inputs) != 1 or tuple(d.inputs[0].shape[1:]) != shape:
                raise BadInputError(f"{name} should judge single images of shape {shape}; it "
                                    f"takes {[tuple(i.shape[1:]) for i in d.inputs]}.")
        if float(cycle_weight) < 0 or float(identity_weight) < 0:
            raise BadInputError("cycle_weight and identity_weight should be >= 0.")
        if identity_weight and shape_a != shape_b:
            raise BadInputError("The identity loss feeds B images to G_ab, so it needs A and B "
                                "of one shape; set identity_weight=0.")
        a = keras.Input(shape_a, name="a")
        b = keras.Input(shape_b, name="b")
        generators = keras.Model([a, b], [g_ab(a), g_ba(b)], name="generators")
        xb = keras.Input(shape_b, name="b_image")
        xa = keras.Input(shape_a, name="a_image")
        critics = keras.Model([xb, xa], [d_b(xb), d_a(xa)], name="discriminators")
        super().__init__(generators, critics, loss=loss, **kwargs)
        self.g_ab, self.g_ba, self.d_a, self.d_b = g_ab, g_ba, d_a, d_b
        self.shape_a, self.shape_b = shape_a, shape_b
        self.sample_shape = shape_b
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)

    # --- the training step: both critics, then both generators --------------------------

    @backend.train_step
    def train_step(self, data):
        """What ``fit()`` calls for every (A images, B images) batch."""
        a, b = self.unpack(data)
        for _ in range(self.d_steps):
            d_loss, d_logs = self.update(self.discriminator, self.d_optimizer, self.d_loss, a, b)
        g_loss, g_logs = self.update(self.generator, self.g_optimizer, self.g_loss, a, b)
        self.update_ema()
        return self.track(d_loss=d_loss, g_loss=g_loss, **d_logs, **g_logs)

    def unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2 or data[1] is None:
            raise BadInputError("CycleGAN learns from two piles of images: fit it on "
                                "(images_a, images_b), e.g. gan.fit(a, b, batch_size=32).")
        return data[0], data[1]

    # --- the losses (keras.ops only) ------------------------------------------------------

    def d_loss(self, a, b):
        """Both critics: real B vs G_ab(a), real A vs G_ba(b)."""
        fake_b = ops.stop_gradient(self.g_ab(a, training=True))
        fake_a = ops.stop_gradient(self.g_ba(b, training=True))
        real_b, real_a = self.discriminator([self.noisy(b), self.noisy(a)], training=True)
        fb, fa = self.discriminator([self.noisy(fake_b), self.noisy(fake_a)], training=True)
        smooth = 1.0 - self.label_smoothing
        loss = self.loss_pair.d_loss(real_b, fb, smooth) + self.loss_pair.d_loss(real_a, fa, smooth)
        flat = lambda *s: ops.concatenate([ops.reshape(x, (-1,)) for x in s])  # noqa: E731
        return loss, {"d_real": self.as_probability(flat(real_b, real_a)),
                      "d_fake": self.as_probability(flat(fb, fa))}

    def g_loss(self, a, b):
        """Both generators: fool the critics, come back on a cycle, leave own-domain images be."""
        fake_b, fake_a = self.generator([a, b], training=True)
        sb, sa = self.discriminator([self.noisy(fake_b), self.noisy(fake_a)], training=True)
        rb = ra = None
        if self.loss_pair.paired:   # a paired loss compares them with D's real scores
            rb, ra = self.discriminator([self.noisy(b), self.noisy(a)], training=True)
        adversarial = self.loss_pair.g_loss(sb, rb) + self.loss_pair.g_loss(sa, ra)
        cycle = (_l1(self.g_ba(fake_b, training=True), a)
                 + _l1(self.g_ab(fake_a, training=True), b))
        loss = adversarial + self.cycle_weight * cycle
        identity = ops.zeros(())
        if self.identity_weight:
            identity = _l1(self.g_ab(b, training=True), b) + _l1(self.g_ba(a, training=True), a)
            loss = loss + self.identity_weight * identity
        return loss, {"cycle": cycle, "identity": identity}

    # --- using the trained model -------------------------------------------------------------

    def check_data(self, a, b=None):
        from .data import check_images

        if b is None:
            raise BadInputError("CycleGAN learns from two piles of images: fit it on "
                                "(images_a, images_b).")
        if isinstance(a, np.ndarray):
            check_images(a, self.shape_a, name="A images")
        if isinstance(b, np.ndarray):
            check_images(b, self.shape_b, name="B images")
            if isinstance(a, np.ndarray) and len(a) != len(b):
                raise BadInputError(f"fit takes as many A images as B images (they need not "
                                    f"correspond); got {len(a)} and {len(b)}. Cut the larger pile.")

    def translate(self, images, direction="ab", batch_size=500):
        """A -> B with G_ab (``direction="ab"``) or B -> A with G_ba (``"ba"``)."""
        from .data import check_images

        if direction not in ("ab", "ba"):
            raise BadInputError(f'direction should be "ab" or "ba"; got {direction!r}.')
        net, shape = (self.g_ab, self.shape_a) if direction == "ab" else (self.g_ba, self.shape_b)
        x = check_images(images, shape, name="images").astype("float32")
        self.sync()
        out = []
        with backend.no_grad():
            for i in range(0, len(x), batch_size):
                out.append(ops.convert_to_numpy(net(x[i:i + batch_size], training=False)))
        return np.concatenate(out)

    def sample_inputs(self, n, seed=None):
        """n test-set A images of the task named in ``info["task"]`` (for the command line)."""
        from .pix2pix import task_inputs

        return task_inputs(self.info.get("task"), n, seed)

    def get_config(self):
        ser = keras.saving.serialize_keras_object
        config = super().get_config()
        del config["generator"], config["discriminator"]
        return {**config, "g_ab": ser(self.g_ab), "g_ba": ser(self.g_ba), "d_a": ser(self.d_a),
                "d_b": ser(self.d_b), "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight}

    @classmethod
    def from_config(cls, config):
        config = without_gan_options(cls, config)
        for key in ("g_ab", "g_ba", "d_a", "d_b"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

"""ACGAN: the discriminator also says which class an image is (Odena et al. 2017).

A conditional GAN (lesson 06) hands D the label and asks "is this a real image of
class y?". ACGAN hands D the image alone and gives it a second head, a classifier:

- D learns to tell real from fake (its score) *and* to name the class of real and
  generated images (its class logits), both from the same features;
- G is rewarded when D's classifier names the class G was asked for, on top of
  fooling D's score.

So G gets a teacher that says "this does not look like a sandal yet", which makes
samples land in their class sooner; the price is that G may prefer the easiest,
most typical-looking items of each class (less variety). The losses, with the
cross-entropy of the class head written CE:

    D: adversarial D loss + class_weight * (CE(real, y) + fake_class_weight * CE(fake, y))
    G: adversarial G loss + class_weight * CE(fake, y)

The paper sets both weights to 1. With ``fake_class_weight=0`` D's class head learns
from real images only, so G can satisfy it only with what real images of the class
show, not with marks that D and G agree on among the fakes.

Minimising CE(fake, y) also rewards G for samples far from the class boundaries, where
the classifier is surest: less variety. TAC-GAN (Gong et al. 2019) cancels that pull
with a twin classifier that learns to name the *fakes'* classes, which G is asked to
confuse: with ``twin_weight`` > 0 the class head has two halves of logits, the
classifier and the twin, and

    D: ... + class_weight * twin_weight * CE_twin(fake, y)
    G: ... - class_weight * twin_weight * CE_twin(fake, y)

Everything here is ``keras.ops``: ACGAN only replaces the two losses of
:class:`gankit.GAN` (and adds two logs), so GAN's ``train_step`` trains it on TensorFlow,
JAX and PyTorch alike.
"""
import keras
import numpy as np
from keras import ops

from .errors import BadInputError
from . import backend
from .gan import GAN, num_classes_of


def class_loss(logits, labels):
    """Cross-entropy of class logits (N, classes) against int labels (N,) or (N, 1)."""
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    return ops.mean(ops.sparse_categorical_crossentropy(labels, logits, from_logits=True))


def class_hits(logits, labels):
    """Share of rows whose largest logit is the label's (a batch accuracy, in [0, 1])."""
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    return ops.mean(ops.cast(ops.equal(ops.cast(ops.argmax(logits, axis=-1), "int32"), labels),
                             "float32"))


def discriminator_heads(gan, x, batch_size=500):
    """Run a two-headed D over images x in batches: (P(real) per image, aux outputs)."""
    x = np.asarray(x, "float32")
    if x.ndim != 4 or tuple(x.shape[1:]) != gan.sample_shape:
        raise BadInputError(
            f"images should have shape (N, {', '.join(map(str, gan.sample_shape))}) for this "
            f"GAN; got {x.shape}.")
    gan.sync()
    probs, aux = [], []
    with backend.no_grad():
        for i in range(0, len(x), batch_size):
            score, extra = gan.discriminator(x[i:i + batch_size], training=False)
            probs.append(ops.convert_to_numpy(ops.sigmoid(score))[:, 0])
            aux.append(ops.convert_to_numpy(extra))
    return np.concatenate(probs), np.concatenate(aux)


def refuse_penalty_and_packing(kwargs, model):
    """A D with an extra head (ACGAN's classes, InfoGAN's codes) takes neither."""
    for key in ("gradient_penalty", "r1", "r2"):
        if kwargs.get(key):
            raise BadInputError(
                f"{model} does not take {key}: its D has two heads and the penalty "
                "would constrain only one. Use loss='hinge' with norm='spectral' in D instead.")
    if int(kwargs.get("pack", 1)) != 1:
        raise BadInputError(f"{model} judges one image at a time (its extra head names "
                            "each image's class or code), so pack must be 1.")


@keras.saving.register_keras_serializable(package="gankit")
class ACGAN(GAN):
    """A GAN whose D also classifies: G takes ``[z, labels]``, D takes images alone and
    returns ``[score, class_logits]`` (``gankit.dcgan_discriminator(aux_outputs=10)``).

    Args:
        generator: a conditional generator (built with ``num_classes``).
        discriminator: an unconditional D with a class head (``aux_outputs=num_classes``).
        class_weight: weight of the class losses against the adversarial ones (1 in the paper).
        fake_class_weight: weight, in D's loss, of naming the fakes' classes beside the real
            images' (1 in the paper; 0: D's class head learns from real images only).
        twin_weight: weight of TAC-GAN's twin classifier (0: none; 1 in its paper); D's
            class head then has ``2 * num_classes`` logits, the twin's second.
        **kwargs: everything :class:`gankit.GAN` takes, but ``gradient_penalty`` and ``pack``.

    Fit it on ``(images, labels)``; ``generate(n, labels=...)`` as for a conditional GAN;
    ``classify(images)`` gives D's class probabilities. Besides the GAN's numbers, the
    logs show ``class_acc`` (D's class head on the real batch) and ``fake_class_acc``
    (on the fakes: how often G's samples are named as the class asked for).
    """

    LOGS = GAN.LOGS + ("class_acc", "fake_class_acc")

    def __init__(self, generator, discriminator, class_weight=1.0, fake_class_weight=1.0,
                 twin_weight=0.0, **kwargs):
        refuse_penalty_and_packing(kwargs, "ACGAN")
        if min(float(class_weight), float(fake_class_weight), float(twin_weight)) < 0:
            raise BadInputError(f"class_weight, fake_class_weight and twin_weight should be "
                                f">= 0; got {class_weight}, {fake_class_weight} and {twin_weight}.")
        self.twin_weight = float(twin_weight)  # check_discriminator reads it
        super().__init__(generator, discriminator, **kwargs)
        self.class_weight, self.fake_class_weight = float(class_weight), float(fake_class_weight)

    def check_discriminator(self, discriminator):
        if not self.conditional:
            raise BadInputError(
                "ACGAN's generator takes [z, labels]: build it with num_classes, e.g. "
                "gankit.dcgan_generator(num_classes=10).")
        classes = num_classes_of(self.generator)
        if len(discriminator.inputs) != 1 or len(discriminator.outputs) != 2:
            raise BadInputError(
                "ACGAN's discriminator sees the image alone and has two outputs, "
                "[score, class logits]: build it without num_classes and with "
                f"aux_outputs={classes}, e.g. gankit.dcgan_discriminator(aux_outputs={classes}); "
                f"got {len(discriminator.inputs)} input(s) and "
                f"{len(discriminator.outputs)} output(s).")
        size, heads = discriminator.outputs[1].shape[-1], 2 if self.twin_weight else 1
        if size != heads * classes:
            twin = " and one more per class for the twin (twin_weight > 0)" if heads == 2 else ""
            raise BadInputError(
                f"ACGAN's class head should have one logit per class ({classes}){twin}; got "
                f"{size}. Build D with aux_outputs={heads * classes}.")

    def split_logits(self, logits):
        """(the classifier's logits, the twin's or None) from D's class head."""
        if not self.twin_weight:
            return logits, None
        k = num_classes_of(self.generator)
        return logits[:, :k], logits[:, k:]

    def d_inputs(self, x, labels):
        return x  # D must find the class itself

    # --- the two losses (keras.ops only) ---------------------------------------------

    def d_loss(self, real, labels):
        """D's loss: real-vs-fake as in any GAN, plus naming the class of real images and
        of the fakes (made for the real batch's labels). The fakes are held fixed."""
        G, D = self.generator, self.discriminator
        fake = ops.stop_gradient(G([self.noise(ops.shape(real)[0]), labels], training=True))
        real_scores, real_logits = D(self.d_view(real), training=True)
        fake_scores, fake_logits = D(self.d_view(fake), training=True)
        adversarial = self.loss_pair.d_loss(real_scores, fake_scores, 1.0 - self.label_smoothing)
        real_logits, _ = self.split_logits(real_logits)
        fake_logits, fake_twin = self.split_logits(fake_logits)
        classes = (class_loss(real_logits, labels)
                   + self.fake_class_weight * class_loss(fake_logits, labels))
        if fake_twin is not None:
            classes = classes + self.twin_weight * class_loss(fake_twin, labels)
        logs = {"d_real": self.as_probability(real_scores),
                "d_fake": self.as_probability(fake_scores),
                "class_acc": class_hits(real_logits, labels),
                "fake_class_acc": class_hits(fake_logits, labels),
                **self.augmentation_logs(real_scores, fake_scores)}
        return adversarial + self.class_weight * classes, logs

    def g_loss(self, real, labels):
        """G's loss: fool D's score, and have D's class head name the class asked for
        (and, with a twin, have the twin fail to)."""
        fake = self.generator([self.noise(ops.shape(real)[0]), labels], training=True)
        fake_scores, fake_logits = self.discriminator(self.d_view(fake), training=True)
        real_scores = lambda: self.discriminator(self.d_view(real), training=True)[0]  # noqa: E731
        fake_logits, fake_twin = self.split_logits(fake_logits)
        classes = class_loss(fake_logits, labels)
        if fake_twin is not None:
            classes = classes - self.twin_weight * class_loss(fake_twin, labels)
        return self.g_adversarial(fake_scores, real_scores) + self.class_weight * classes, {}

    # --- using the trained model ---------------------------------------------------------

    def discriminate(self, x, labels=None, batch_size=500):
        """D's probability that each image is real (no labels: ACGAN's D does not take them)."""
        return discriminator_heads(self, x, batch_size)[0]

    def classify(self, x, batch_size=500):
        """D's class probabilities for images x, shape (N, num_classes): ACGAN's D is
        also a classifier (of real images, and of fakes with ``fake_class_weight`` > 0)."""
        logits = self.split_logits(discriminator_heads(self, x, batch_size)[1])[0]
        logits = logits.astype("float64")
        p = np.exp(logits - logits.max(1, keepdims=True))
        return p / p.sum(1, keepdims=True)

    def get_config(self):
        return {**super().get_config(), "class_weight": self.class_weight,
                "fake_class_weight": self.fake_class_weight, "twin_weight": self.twin_weight}

"""Text to image: scenes described by sentences and a small GAN-CLS (Reed et al. 2016).

A conditional GAN (lesson 06) takes a class number. A text-to-image GAN takes a
*sentence*, turned into a vector by a text encoder, so words it has seen in other
combinations can be put together in new ones ("a red square" when it only ever saw
red circles and blue squares).

The scenes, their captions and the text encoder are in gankit.captions, the networks
in gankit.text_networks.

- **The matching-aware discriminator** (GAN-CLS) judges (image, sentence) pairs. A
  plain conditional D only learns "real or fake?"; GAN-CLS also shows it real images
  with the *wrong* sentence, labelled fake, so D must check that image and text
  match, and G is pushed to draw what the sentence says::

      D: loss(real, right) -> real,  (real, wrong) -> fake,  (fake, right) -> fake
         with the two "fake" terms weighted 1/2 each (``mismatch_weight=0.5``);
         ``mismatch_weight=0`` is the plain conditional D (the ablation).
      D itself is a projection D by default: realism(x) + <W s, features(x)>, so with a
      sentence vector linear in the words its match term is a sum of per-word checks.
      G: fool D on (G(z, right), right); GAN-INT adds the same on sentence vectors
         halfway between two captions (``interpolate``).

- **Composing** (``attribute_weight``, ``attribute_head="colour-blind"``, ``imagine``): G
  never trains on a held-out caption, so nothing asks it for a red square, and it draws
  what red things were in its data. D gets a second head that names each attribute of the
  image alone (ACGAN's class head, per attribute), learnt on real scenes; its size, shape
  and position heads see the image in grey, so they cannot learn that red things are never
  squares. G also learns on *imagined* captions of the whole grammar, which no image goes
  with, judged by D's score and that head. Together they draw most held-out pairs right,
  and neither part alone helps (benchmarks/README.md, "Composing: a colour-blind attribute
  critic and imagined captions").

Everything in the model is ``keras.ops``: TextGAN only replaces the losses of
:class:`gankit.GAN`, which trains it on TensorFlow, JAX and PyTorch alike.
"""
import keras
import numpy as np
from keras import ops

from . import backend
from .captions import (
    ATTRIBUTES, HELD_OUT, PARSED_DIM, attribute_accuracy, attribute_table, caption,
    check_held_out, check_scenes, check_tokens, combinations, encode_captions, encode_text)
from .errors import BadInputError
from .gan import GAN
from .text_networks import text_discriminator, text_generator


def attribute_loss(logits, targets):
    """Cross-entropy of each attribute block of ``logits`` against the one-hot ``targets``
    read from the caption, summed over the four attributes, mean over the batch. An attribute
    the caption does not name has an all-zero block and adds nothing."""
    logits, targets = ops.convert_to_tensor(logits), ops.convert_to_tensor(targets)
    targets = ops.cast(targets, logits.dtype)
    loss, start = 0.0, 0
    for values in ATTRIBUTES.values():
        stop = start + len(values)
        log_p = ops.log_softmax(logits[:, start:stop], axis=-1)
        loss = loss - ops.mean(ops.sum(targets[:, start:stop] * log_p, axis=-1))
        start = stop
    return loss


@keras.saving.register_keras_serializable(package="gankit")
class TextGAN(GAN):
    """GAN-CLS: a generator and a matching-aware discriminator conditioned on a sentence.

    Args:
        generator: [z, sentence vector] -> image, e.g. :func:`text_generator`.
        discriminator: [image, sentence vector] -> one score, e.g. :func:`text_discriminator`.
        text_encoder: token ids -> sentence vector, already trained (it is frozen here),
            e.g. from :func:`train_text_encoder`.
        mismatch_weight: weight of the (real image, wrong sentence) term in D's loss; the
            (fake, right) term gets 1 - mismatch_weight. 0.5 is GAN-CLS, 0 a plain
            conditional D that never sees a wrong sentence.
        interpolate: weight of GAN-INT's term in G's loss (G also fools D on sentence
            vectors halfway between two captions of the batch); 0 = off.
        held_out: the word pairs kept out of training, e.g. colour-shape (saved with the
            model).
        attribute_weight: weight of an ACGAN-style term (Odena et al. 2017): D also names
            each attribute of the *image alone* (``text_discriminator(attribute_head=True)``),
            learning it on real images with the caption's words as labels, and G is
            rewarded when D's head reads in its image the attributes the caption asks for;
            0 = off. With ``attribute_head="colour-blind"`` the head judges a square by its
            shape whatever its colour, so, asked for a red square (``imagine``), G gets a
            push towards "square" that no red square in the data gave.
        imagine: weight of a term in G's loss on captions drawn from the *whole grammar*
            (text alone, as the encoder learnt), red squares included, that no image goes
            with: G must fool D and have D's attribute head read what the words say. As
            GAN-INT trains G on sentence vectors that no image has, but on whole new
            sentences. D never sees these; needs ``attribute_weight`` > 0; 0 = off.
        **kwargs: what :class:`gankit.GAN` takes, but ``gradient_penalty``,
            ``clip_weights`` and ``pack``.

    Fit it on ``(images, encode_captions(captions))``. The logs add ``d_wrong``: D's
    probability that a real image with a wrong sentence is real (it should fall
    below ``d_real``: D checks the text).
    """

    LOGS = GAN.LOGS + ("d_wrong",)
    makes = "images"

    def __init__(self, generator, discriminator, text_encoder, mismatch_weight=0.5,
                 interpolate=0.0, held_out=HELD_OUT, attribute_weight=0.0,
                 imagine=0.0, **kwargs):
        for key in ("gradient_penalty", "clip_weights", "r1", "r2"):
            if kwargs.get(key):
                raise BadInputError(f"TextGAN does not take {key}.")
        if int(kwargs.get("pack", 1)) != 1:
            raise BadInputError("TextGAN judges (image, sentence) pairs one at a time: "
                                "pack must be 1.")
        if not 0.0 <= float(mismatch_weight) < 1.0:
            raise BadInputError(f"mismatch_weight should be in [0, 1); got {mismatch_weight}.")
        if float(interpolate) < 0:
            raise BadInputError(f"interpolate should be >= 0; got {interpolate}.")
        if float(attribute_weight) < 0:
            raise BadInputError(f"attribute_weight should be >= 0; got {attribute_weight}.")
        if float(imagine) < 0 or (float(imagine) and not float(attribute_weight)):
            raise BadInputError(f"imagine should be >= 0, and it needs attribute_weight > 0 "
                                f"(D's attribute head judges the imagined captions); got "
                                f"imagine={imagine}, attribute_weight={attribute_weight}.")
        self._text_dim = int(text_encoder.outputs[0].shape[-1])
        self.attribute_weight = float(attribute_weight)
        super().__init__(generator, discriminator, **kwargs)
        self.text_encoder = text_encoder
        self.text_encoder.trainable = False
        self.mismatch_weight = float(mismatch_weight)
        self.interpolate = float(interpolate)
        self.held_out = [list(p) for p in check_held_out(held_out)]
        self._attribute_table = attribute_table()
        self.imagine = float(imagine)
        self._all_tokens = encode_captions([caption(a) for a in combinations((), "all")])

    def check_discriminator(self, discriminator):
        g_in = [tuple(i.shape[1:]) for i in self.generator.inputs]
        d_in = [tuple(i.shape[1:]) for i in discriminator.inputs]
        if len(g_in) != 2 or g_in[1] != (self._text_dim,):
            raise BadInputError(f"The generator should take [z, sentence vector of size "
                                f"{self._text_dim}] (the text encoder's output); it takes "
                                f"{g_in}.")
        if len(d_in) != 2 or d_in[1] != (self._text_dim,):
            raise BadInputError(f"The discriminator should take [image, sentence vector of "
                                f"size {self._text_dim}]; it takes {d_in}.")
        d_out = [tuple(o.shape[1:]) for o in discriminator.outputs]
        want = [(1,), (PARSED_DIM,)] if self.attribute_weight else [(1,)]
        if d_out != want:
            raise BadInputError(
                f"With attribute_weight={self.attribute_weight:g} the discriminator should have "
                f"the outputs {want} ([score" + (", attribute logits]: build it with "
                "text_discriminator(attribute_head=True))" if self.attribute_weight else
                "]: build it with text_discriminator(attribute_head=False), or give "
                "attribute_weight > 0)") + f"; it has {d_out}.")

    def unpack(self, data):
        """(images, token ids) -> (images, (sentence vectors from the frozen encoder, the
        attributes the words name, one-hot per attribute block))."""
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise BadInputError("TextGAN learns from (images, tokens): fit(images, "
                                "encode_captions(captions)).")
        tokens = data[1]
        vectors = ops.stop_gradient(self.text_encoder(tokens, training=False))
        return data[0], (vectors, self._targets(tokens))

    def _targets(self, tokens):
        """The attributes that the words of each caption name: one-hot per attribute block."""
        return ops.sum(ops.take(ops.convert_to_tensor(self._attribute_table),
                                ops.cast(tokens, "int32"), axis=0), axis=1)

    def _judge(self, images, sentences):
        """D on (images, sentences): (scores, attribute logits or None)."""
        out = self.discriminator([self.d_view(images), sentences], training=True)
        return (out[0], out[1]) if self.attribute_weight else (out, None)

    # --- the losses (keras.ops only) ----------------------------------------------------

    def d_loss(self, real, labels):
        """GAN-CLS: (real, right) is real; (real, wrong) and (fake, right) are fake, with
        weights mismatch_weight and 1 - mismatch_weight. The wrong sentence of each image
        is the next image's (the batch rolled by one). With ``attribute_weight``, D's head
        also learns to name the attributes of the real images."""
        sentences, targets = labels
        G = self.generator
        z = self.noise(ops.shape(real)[0])
        fake = ops.stop_gradient(G([z, sentences], training=True))
        wrong = ops.roll(sentences, 1, axis=0)
        real_right, real_attributes = self._judge(real, sentences)
        fake_right, _ = self._judge(fake, sentences)
        smooth = 1.0 - self.label_smoothing
        loss = (1.0 - self.mismatch_weight) * self.loss_pair.d_loss(real_right, fake_right, smooth)
        real_wrong, _ = self._judge(real, wrong)
        if self.mismatch_weight:
            loss = loss + self.mismatch_weight * self.loss_pair.d_loss(real_right, real_wrong,
                                                                      smooth)
        if self.attribute_weight:
            loss = loss + self.attribute_weight * attribute_loss(real_attributes, targets)
        return loss, {"d_real": self.as_probability(real_right),
                      "d_fake": self.as_probability(fake_right),
                      "d_wrong": self.as_probability(real_wrong),
                      **self.augmentation_logs(real_right, fake_right)}

    def g_loss(self, real, labels):
        """G: fool D on (G(z, s), s); GAN-INT: also on s halfway to another caption. With
        ``attribute_weight``, also have D's head read in the image what the words say."""
        sentences, targets = labels
        G = self.generator
        batch_size = ops.shape(real)[0]
        fake = G([self.noise(batch_size), sentences], training=True)
        fake_scores, fake_attributes = self._judge(fake, sentences)
        # a paired loss compares each fake with the real image of the same caption
        real_right = self._judge(real, sentences)[0] if self.loss_pair.paired else None
        loss = self.loss_pair.g_loss(fake_scores, real_right)
        if self.interpolate:
            mixed = 0.5 * (sentences + ops.roll(sentences, 1, axis=0))
            fake_mixed = G([self.noise(batch_size), mixed], training=True)
            loss = loss + self.interpolate * self.loss_pair.g_loss(
                self._judge(fake_mixed, mixed)[0], real_right)
        if self.attribute_weight:
            loss = loss + self.attribute_weight * attribute_loss(fake_attributes, targets)
        if self.imagine:
            pick = self.integers((batch_size,), len(self._all_tokens))
            tokens = ops.take(ops.convert_to_tensor(self._all_tokens), pick, axis=0)
            imagined = ops.stop_gradient(self.text_encoder(tokens, training=False))
            scores, logits = self._judge(G([self.noise(batch_size), imagined], training=True),
                                         imagined)
            loss = loss + self.imagine * (self.loss_pair.g_loss(scores, real_right)
                                          + self.attribute_weight
                                          * attribute_loss(logits, self._targets(tokens)))
        return loss, {}

    # --- using the trained model ---------------------------------------------------------

    def check_data(self, x, labels=None):
        if isinstance(x, np.ndarray):
            check_scenes(x, self.sample_shape, name="real images")
            if labels is None:
                raise BadInputError("TextGAN learns from (images, tokens): fit(images, "
                                    "encode_captions(captions)).")
            check_tokens(labels, n=len(x))

    def sentence_vectors(self, captions):
        """The frozen encoder's vectors (N, dim) for captions (strings)."""
        self.sync()
        return encode_text(self.text_encoder, captions)

    def captions(self, which="seen"):
        """Every caption of the grammar: "seen" (those training could use), "held-out" or
        "all"."""
        return np.array([caption(a) for a in combinations(self.held_out, which)])

    def generate_from_text(self, captions, seed=None, batch_size=500, average=True):
        """One image per caption (strings), from noise drawn with ``seed``."""
        if isinstance(captions, str):
            captions = [captions]
        s = self.sentence_vectors(captions)
        z = np.random.default_rng(seed).standard_normal((len(s), self.latent_dim))
        net = self.sampler if average else self.generator
        return self.run_generator(net, z, s, batch_size)

    def generate(self, n, labels=None, seed=None, batch_size=500, average=True,
                 rejection=False):
        """n images; ``labels`` are captions (strings), by default drawn from the seen ones."""
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise BadInputError(f"n should be a positive whole number; got {n!r}.")
        if rejection:
            raise BadInputError("TextGAN has no rejection sampling; sample without it.")
        if labels is None:
            pool = self.captions("seen")
            labels = pool[np.random.default_rng(seed).integers(len(pool), size=n)]
        if len(labels) != n:
            raise BadInputError(f"Need one caption per image: n={n}, {len(labels)} captions.")
        return self.generate_from_text(labels, seed=seed, batch_size=batch_size,
                                       average=average)

    def discriminate(self, x, labels=None, batch_size=500):
        """D's probability that each image is real *and* matches its caption (strings)."""
        x = check_scenes(x, self.sample_shape)
        if labels is None:
            raise BadInputError("TextGAN's D judges (image, caption) pairs: pass the captions.")
        s = self.sentence_vectors(labels)
        if len(s) != len(x):
            raise BadInputError(f"Need one caption per image: {len(x)} images, {len(s)} "
                                "captions.")
        with backend.no_grad():
            outs = [self.discriminator([x[i:i + batch_size], s[i:i + batch_size]],
                                       training=False) for i in range(0, len(x), batch_size)]
            out = np.concatenate([ops.convert_to_numpy(o[0] if self.attribute_weight else o)
                                  for o in outs])[:, 0]
        return 0.5 * (1.0 + np.tanh(0.5 * out))

    def sample_arrays(self, n, seed=None):
        """What ``python -m gankit sample`` writes: ``images`` (N, H, W, 3) in [-1, 1] and
        ``captions`` (N,) str, drawn uniformly from the seen captions."""
        pool = self.captions("seen")
        captions = pool[np.random.default_rng(seed).integers(len(pool), size=n)]
        return {"images": self.generate_from_text(captions, seed=seed).astype("float32"),
                "captions": captions}

    def get_config(self):
        ser = keras.saving.serialize_keras_object
        return {**super().get_config(), "text_encoder": ser(self.text_encoder),
                "mismatch_weight": self.mismatch_weight, "interpolate": self.interpolate,
                "held_out": self.held_out,
                "attribute_weight": self.attribute_weight, "imagine": self.imagine}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("word_dropout", None)  # an option of older versions, measured and removed
        for key in ("generator", "discriminator", "text_encoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def text2image_gan(encoder, size=16, latent_dim=32, mismatch_weight=0.5, interpolate=0.0,
                   lr=(2e-4, 2e-4), g_filters=32, d_filters=32, projection=True, kind="plain",
                   attribute_weight=0.0, attribute_head=True, seed=0, **kwargs):
    """A compiled TextGAN of the course's size on a trained, frozen text encoder; its D
    is a projection D by default (``projection=False``: the sentence joined to D's
    feature map, as in the paper). ``kind`` is G's: see :func:`text_generator`
    ("factorised" needs an encoder from ``train_text_encoder(..., parse=True)``)."""
    keras.utils.set_random_seed(int(seed))
    dim = int(encoder.outputs[0].shape[-1])
    gan = TextGAN(text_generator(latent_dim, dim, size, g_filters, kind),
                  text_discriminator(size, dim, d_filters, projection,
                                     attribute_head=attribute_head if attribute_weight else False),
                  encoder,
                  mismatch_weight=mismatch_weight, interpolate=interpolate,
                  attribute_weight=attribute_weight, seed=seed, **kwargs)
    # Keras's "auto": XLA where it pays, not on a CPU-only TensorFlow (nor on PyTorch). On
    # JAX, False would run the step op by op: 15 times slower (0.45 s a step instead of 0.03).
    gan.compile(keras.optimizers.Adam(lr[0], beta_1=0.5),
                keras.optimizers.Adam(lr[1], beta_1=0.5), jit_compile="auto")
    return gan


def score_captions(gan, classifier, n=500, seed=0):
    """The matching accuracy of ``gan``'s images for ``n`` seen and ``n`` held-out captions:
    {"seen": {...}, "held-out": {...}} as :func:`attribute_accuracy` gives."""
    out = {}
    for i, which in enumerate(("seen", "held-out")):
        rows = combinations(gan.held_out, which)
        rows = rows[np.random.default_rng(seed + i).integers(len(rows), size=n)]
        images = gan.generate_from_text([caption(a) for a in rows], seed=seed + i)
        out[which] = attribute_accuracy(classifier, images, rows)
    return out

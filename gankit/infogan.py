"""InfoGAN: codes that G must make visible, found without any labels (Chen et al. 2016).

G's input is split into noise z and *codes* c: here one categorical code (one of
``categories`` values, given to G one-hot) and ``continuous`` codes drawn from U[-1, 1].
Nothing says what the codes mean. A plain GAN would ignore them; InfoGAN adds a
term that rewards G when the codes can be read back from its images: a head Q on
D's features (``gankit.dcgan_discriminator(aux_outputs=categories + continuous)``)
guesses the codes of each fake, and both G and Q are trained to make that guess good.

Maximising the mutual information I(c; G(z, c)) is intractable; its variational lower
bound is maximised instead, which amounts to minimising Q's loss at reading the codes:
the cross-entropy for the categorical code and, for a continuous one, a Gaussian
negative log-likelihood with unit variance (half the squared error). So

    D (body and Q head): adversarial D loss + info_weight * info_loss
    G:                   adversarial G loss + info_weight * info_loss

The easiest way for G to make a 10-way code readable is to give each value a
different kind of image: on digits the values tend to become the digits, on
Fashion-MNIST garment types; the continuous codes pick up smooth properties
(width, thickness, slant). Which value becomes which class is arbitrary, so its
agreement with the real classes is measured after the best one-to-one matching
(:func:`cluster_scores`).

The generator's input layout is ``[z (noise_dim), one-hot category (categories),
continuous codes (continuous)]``; ``codes`` arrays (``generate``, the command line)
are (N, 1 + continuous): the category index, then the continuous codes.
"""
import keras
import numpy as np
from keras import ops

from . import backend
from .acgan import class_hits, discriminator_heads, refuse_penalty_and_packing
from .diffaugment import diff_augment
from .errors import BadInputError
from .gan import GAN
from .metrics import sq_distances


def info_loss(q, categories, continuous, num_categories, continuous_weight=1.0):
    """Q's loss at reading the codes back (the negative of InfoGAN's lower bound on the
    mutual information, up to constants).

    q: Q's outputs (N, num_categories + n_continuous): category logits, then the
    estimated continuous codes. categories: int (N,); continuous: (N, n_continuous).
    """
    logits, guess = q[:, :num_categories], q[:, num_categories:]
    categories = ops.reshape(ops.cast(categories, "int32"), (-1,))
    loss = ops.mean(ops.sparse_categorical_crossentropy(categories, logits, from_logits=True))
    if guess.shape[-1]:
        # -log N(c; guess, 1) = (c - guess)^2 / 2 + const, summed over the codes
        loss = loss + continuous_weight * ops.mean(
            ops.sum(0.5 * ops.square(continuous - guess), axis=-1))
    return loss


def invariant_information(logits, logits_view):
    """IIC's objective (Ji et al. 2019): the mutual information between the categories
    that two views of the same images get, from their joint distribution over a batch
    (symmetrised). High when each view's category is sure, predicts the other's, and
    every category is used: at most log(categories)."""
    p, p_view = ops.softmax(logits, axis=-1), ops.softmax(logits_view, axis=-1)
    joint = ops.matmul(ops.transpose(p), p_view) / ops.cast(ops.shape(p)[0], p.dtype)
    joint = ops.maximum(0.5 * (joint + ops.transpose(joint)), 1e-8)
    rows, cols = ops.sum(joint, axis=1, keepdims=True), ops.sum(joint, axis=0, keepdims=True)
    return ops.sum(joint * (ops.log(joint) - ops.log(rows) - ops.log(cols)))


@keras.saving.register_keras_serializable(package="gankit")
class InfoGAN(GAN):
    """An unconditional GAN whose generator input carries codes that a head Q of D
    must recover.

    Args:
        generator: G from one vector of length noise_dim + categories + continuous
            (e.g. ``gankit.dcgan_generator(latent_dim=62 + 10 + 2)``).
        discriminator: D with a second head of categories + continuous numbers,
            ``[score, q]`` (``gankit.dcgan_discriminator(aux_outputs=12)``).
        categories: values of the categorical code (10 in the paper for digits).
        continuous: number of continuous codes, each U[-1, 1] (2 in the paper).
        info_weight: lambda, the weight of the information term (1 in the paper).
        continuous_weight: weight of the continuous codes' part of it, next to the
            categorical part (smaller keeps the two on a similar scale).
        cluster_weight: weight of a clustering term on *real* images in D's loss
            (CatGAN's, Springenberg 2016; 0, off, in the InfoGAN paper): Q should be sure
            of one category for each real image, and use every category equally often
            over a batch. Without it Q learns the codes from fakes alone.
        noise_scale: the spread of the noise z beside the codes (1: z ~ N(0, I)). Less
            noise leaves the codes a larger share of G's input (ClusterGAN uses 0.1).
        views_weight: weight of IIC's term on real images in D's loss (Ji et al. 2019;
            0, off): Q's category of each real image and of a shifted copy of it should
            carry the most information about each other (:func:`invariant_information`).
        **kwargs: everything :class:`gankit.GAN` takes, but ``gradient_penalty`` and ``pack``.

    Fit it on images alone (no labels). Logs add ``info_loss`` (Q's loss on the fakes)
    and ``code_acc`` (how often Q reads a fake's category right).
    """

    LOGS = GAN.LOGS + ("info_loss", "code_acc", "cluster_loss")

    def __init__(self, generator, discriminator, categories=10, continuous=2, info_weight=1.0,
                 continuous_weight=0.5, cluster_weight=0.0, noise_scale=1.0, views_weight=0.0,
                 **kwargs):
        refuse_penalty_and_packing(kwargs, "InfoGAN")
        super().__init__(generator, discriminator, **kwargs)
        categories, continuous = int(categories), int(continuous)
        if categories < 2 or continuous < 0:
            raise BadInputError(
                f"InfoGAN needs categories >= 2 and continuous >= 0; got {categories} and "
                f"{continuous}.")
        weights = (info_weight, continuous_weight, cluster_weight, views_weight)
        if min(weights) < 0 or not noise_scale > 0:
            raise BadInputError(
                f"info_weight, continuous_weight, cluster_weight and views_weight should be "
                f">= 0 and noise_scale > 0; got {', '.join(map(str, weights))} and "
                f"{noise_scale}.")
        codes = categories + continuous
        if self.latent_dim <= codes:
            raise BadInputError(
                f"The generator takes {self.latent_dim} numbers, but the codes alone need "
                f"{codes} ({categories} one-hot + {continuous} continuous): build G with "
                f"latent_dim = noise size + {codes}, e.g. {62 + codes}.")
        if len(discriminator.outputs) != 2 or discriminator.outputs[1].shape[-1] != codes:
            got = ("one output" if len(discriminator.outputs) == 1 else
                   f"outputs of sizes {[o.shape[-1] for o in discriminator.outputs]}")
            raise BadInputError(
                f"InfoGAN's discriminator needs a second head Q of {codes} numbers "
                f"({categories} category logits + {continuous} continuous codes): build it "
                f"with aux_outputs={codes}; got {got}.")
        self.categories, self.continuous = categories, continuous
        self.noise_dim = self.latent_dim - codes
        self.info_weight, self.continuous_weight = float(info_weight), float(continuous_weight)
        self.cluster_weight, self.noise_scale = float(cluster_weight), float(noise_scale)
        self.views_weight = float(views_weight)

    # --- G's input: noise and codes (keras.ops only) ---------------------------------

    def latent(self, batch_size):
        """G's input for a batch with random codes: (input, categories, continuous)."""
        z = self.noise_scale * self.normal((batch_size, self.noise_dim))
        cat = self.integers((batch_size,), self.categories)
        cont = (self.uniform((batch_size, self.continuous), -1.0, 1.0) if self.continuous
                else ops.zeros((batch_size, 0)))
        return ops.concatenate([z, ops.one_hot(cat, self.categories), cont], axis=-1), cat, cont

    def noise(self, batch_size):
        """A batch of G's inputs: noise z ~ N(0, noise_scale^2 I) with random codes appended."""
        return self.latent(batch_size)[0]

    # --- the two losses -------------------------------------------------------------

    def info_term(self, q, cat, cont):
        return info_loss(q, cat, cont, self.categories, self.continuous_weight)

    def cluster_term(self, q_real):
        """CatGAN's clustering loss on real images: the mean entropy of Q's category for
        each image (low: Q is sure) minus the entropy of its mean over the batch (high:
        every category used). Between -log(categories) and log(categories)."""
        p = ops.softmax(q_real[:, :self.categories], axis=-1)
        eps = 1e-8
        each = -ops.mean(ops.sum(p * ops.log(p + eps), axis=-1))
        mean = ops.mean(p, axis=0)
        return each + ops.sum(mean * ops.log(mean + eps))

    def d_loss(self, real, labels):
        """D's loss: real-vs-fake, plus Q's loss at reading the fakes' codes (this trains
        the Q head and the body it shares with D), plus, with cluster_weight, the
        clustering term on the real batch, and with views_weight, minus IIC's term on it.
        The fakes are held fixed."""
        latent, cat, cont = self.latent(ops.shape(real)[0])
        fake = ops.stop_gradient(self.generator(latent, training=True))
        real_scores, q_real = self.discriminator(self.d_view(real), training=True)
        fake_scores, q = self.discriminator(self.d_view(fake), training=True)
        adversarial = self.loss_pair.d_loss(real_scores, fake_scores, 1.0 - self.label_smoothing)
        info = self.info_term(q, cat, cont)
        cluster = self.cluster_term(q_real)
        loss = adversarial + self.info_weight * info + self.cluster_weight * cluster
        if self.views_weight:   # the same real images, shifted by a few pixels
            shifted = diff_augment(real, "translation", seed=self)
            q_shifted = self.discriminator(self.d_view(shifted), training=True)[1]
            loss = loss - self.views_weight * invariant_information(
                q_real[:, :self.categories], q_shifted[:, :self.categories])
        logs = {"d_real": self.as_probability(real_scores),
                "d_fake": self.as_probability(fake_scores),
                "info_loss": info, "code_acc": class_hits(q[:, :self.categories], cat),
                "cluster_loss": cluster, **self.augmentation_logs(real_scores, fake_scores)}
        return loss, logs

    def g_loss(self, real, labels):
        """G's loss: fool D, and make the codes readable from the image."""
        latent, cat, cont = self.latent(ops.shape(real)[0])
        fake_scores, q = self.discriminator(self.d_view(self.generator(latent, training=True)),
                                            training=True)
        real_scores = lambda: self.discriminator(self.d_view(real), training=True)[0]  # noqa: E731
        return (self.g_adversarial(fake_scores, real_scores)
                + self.info_weight * self.info_term(q, cat, cont)), {}

    # --- choosing the codes ------------------------------------------------------------

    def check_codes(self, codes, n=None):
        """``codes`` as a float32 array (N, 1 + continuous), or a clear error."""
        arr = np.asarray(codes, dtype="float64")
        width = 1 + self.continuous
        if arr.ndim != 2 or arr.shape[1] != width:
            raise BadInputError(
                f"codes should have shape (N, {width}): the category (0 to "
                f"{self.categories - 1}) then {self.continuous} continuous code(s) per "
                f"sample; got shape {arr.shape}.")
        if n is not None and len(arr) != n:
            raise BadInputError(f"codes: expected {n} rows, one per sample; got {len(arr)}.")
        if not np.isfinite(arr).all():
            raise BadInputError("codes contain NaN or infinite values.")
        cat = arr[:, 0]
        if np.any(cat != np.round(cat)) or cat.min(initial=0) < 0 or \
                cat.max(initial=0) >= self.categories:
            raise BadInputError(
                f"the first column of codes is the category: whole numbers from 0 to "
                f"{self.categories - 1}; got values from {cat.min():g} to {cat.max():g}.")
        return arr.astype("float32")

    def random_codes(self, n, seed=None):
        """n codes drawn as in training: uniform categories and U[-1, 1] continuous codes;
        shape (n, 1 + continuous)."""
        rng = np.random.default_rng(seed)
        cat = rng.integers(self.categories, size=(n, 1))
        return np.concatenate([cat, rng.uniform(-1, 1, (n, self.continuous))], 1).astype(
            "float32")

    def generate(self, n, labels=None, seed=None, batch_size=500, average=True, codes=None):
        """n images as a NumPy array in [-1, 1].

        codes: (n, 1 + continuous), the category then the continuous codes (values
        beyond [-1, 1] extrapolate, as the paper's traversals do). By default the
        categories in turn (0, 1, ..., 0, 1, ...) and continuous codes from U[-1, 1].
        seed: the noise z (and default continuous codes); same seed, same noise,
        whatever the codes, so changing only the codes shows what they do.
        """
        if labels is not None:
            raise BadInputError(
                "InfoGAN has no labels: it finds its own categories. Choose them with "
                "codes=..., an array (n, 1 + continuous) whose first column is the category.")
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise BadInputError(f"n should be a positive whole number; got {n!r}.")
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.noise_dim)).astype("float32")
        if codes is None:
            codes = np.concatenate([(np.arange(n) % self.categories)[:, None],
                                    rng.uniform(-1, 1, (n, self.continuous))], 1)
        return self.generate_from(z, self.check_codes(codes, n=n), batch_size, average)

    def generate_from(self, z, codes, batch_size=500, average=True):
        """Images from standard normal noise z (scaled by noise_scale here, as in training)
        and codes (N, 1 + continuous), as a NumPy array."""
        onehot = np.eye(self.categories, dtype="float32")[codes[:, 0].astype("int64")]
        latent = np.concatenate([self.noise_scale * z, onehot, codes[:, 1:]], 1).astype("float32")
        self.sync()
        net = self.sampler if average else self.generator
        with backend.no_grad():
            return np.concatenate([ops.convert_to_numpy(net(latent[i:i + batch_size],
                                                            training=False))
                                   for i in range(0, len(latent), batch_size)])

    def traverse(self, code="category", rows=10, steps=7, span=2.0, seed=0, average=True):
        """A grid that changes one code along each row, all else fixed: ``(images, codes)``.

        code="category": each row is one noise z (continuous codes 0); the columns go
        through the categories. code=i (an int): the columns take continuous code i
        from -span to span in ``steps`` steps; row r has category r % categories and
        its own z; the other continuous codes stay 0. Images come row by row.
        """
        if code == "category":
            cols = self.categories
            values = np.zeros((rows, cols, 1 + self.continuous), "float32")
            values[:, :, 0] = np.arange(cols)
        elif isinstance(code, (int, np.integer)) and 0 <= code < self.continuous:
            cols = int(steps)
            values = np.zeros((rows, cols, 1 + self.continuous), "float32")
            values[:, :, 0] = (np.arange(rows) % self.categories)[:, None]
            values[:, :, 1 + code] = np.linspace(-span, span, cols)
        else:
            raise BadInputError(
                f'code should be "category" or the index of a continuous code (0 to '
                f"{self.continuous - 1}); got {code!r}.")
        z = np.random.default_rng(seed).standard_normal((rows, self.noise_dim)).astype("float32")
        z = np.repeat(z, cols, axis=0)
        codes = values.reshape(rows * cols, -1)
        return self.generate_from(z, codes, average=average), codes

    # --- reading codes back, judging images --------------------------------------------

    def recover_codes(self, x, batch_size=500):
        """Q's reading of images x: (category probabilities (N, categories), continuous
        codes (N, continuous)). On real images, the most likely category is InfoGAN's
        unsupervised guess of a cluster."""
        logits, cont = np.split(discriminator_heads(self, x, batch_size)[1].astype("float64"),
                                [self.categories], axis=1)
        p = np.exp(logits - logits.max(1, keepdims=True))
        return p / p.sum(1, keepdims=True), cont

    def discriminate(self, x, labels=None, batch_size=500):
        """D's probability that each image is real."""
        return discriminator_heads(self, x, batch_size)[0]

    def get_config(self):
        return {**super().get_config(), "categories": self.categories,
                "continuous": self.continuous, "info_weight": self.info_weight,
                "continuous_weight": self.continuous_weight, "cluster_weight": self.cluster_weight,
                "noise_scale": self.noise_scale, "views_weight": self.views_weight}


# --- What the codes learnt: clusters against classes, codes against visible properties

def cluster_scores(labels, clusters):
    """How well cluster ids (e.g. InfoGAN's categorical code) match the real classes,
    as a dict:

    - accuracy: after the best one-to-one matching of clusters to classes (the
      Hungarian algorithm), the share of samples whose cluster maps to their class.
      Cluster ids are arbitrary (code 3 may be the sandals), so this is the fair
      "accuracy" of an unsupervised classifier; with more clusters than classes the
      unmatched clusters count as wrong;
    - purity: each cluster votes for its most common class (many-to-one);
    - nmi: normalised mutual information, 0 (independent) to 1 (the same partition);
    - mapping: {cluster: class} of the matching.
    """
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import normalized_mutual_info_score

    from .data import check_labels

    y = np.asarray(labels)
    c = np.asarray(clusters)
    if y.ndim != 1 or c.ndim != 1 or len(y) != len(c) or not len(y):
        raise BadInputError(
            f"labels and clusters should be two 1D arrays of the same non-zero length (one "
            f"class and one cluster id per sample); got shapes {y.shape} and {c.shape}.")
    y = check_labels(y, int(y.max()) + 1, name="labels")
    c = check_labels(c, int(c.max()) + 1, name="clusters")
    table = np.zeros((c.max() + 1, y.max() + 1), "int64")  # clusters x classes
    np.add.at(table, (c, y), 1)
    rows, cols = linear_sum_assignment(-table)
    return {"accuracy": float(table[rows, cols].sum() / len(y)),
            "purity": float(table.max(1).sum() / len(y)),
            "nmi": float(normalized_mutual_info_score(y, c)),
            "mapping": {int(r): int(k) for r, k in zip(rows, cols)}}


def image_properties(images):
    """Simple visible properties of each image in [-1, 1], as a dict of (N,) arrays, to
    check what a continuous code changes (bright pixels count as ink):

    - ink: the mean brightness (thicker strokes, bigger or brighter items: more ink);
    - width, height: the spread of the ink across and down (standard deviation, pixels);
    - slant: how far the ink shifts right per pixel upwards (0 upright, > 0 leaning right).
    """
    from .data import check_images

    x = (check_images(images).astype("float64")[..., 0] + 1.0) / 2.0  # ink in [0, 1]
    if not x.size:
        raise BadInputError("image_properties needs at least one image.")
    h, w = x.shape[1:]
    rows, cols = np.mgrid[0:h, 0:w].astype("float64")
    up = (h - 1) - rows  # y grows upwards
    mass = x.sum((1, 2)) + 1e-9

    def mean(a):
        return (x * a).sum((1, 2)) / mass

    cx, cy = mean(cols), mean(up)
    dx, dy = cols - cx[:, None, None], up - cy[:, None, None]
    var_x, var_y, cov = mean(dx * dx), mean(dy * dy), mean(dx * dy)
    return {"ink": x.mean((1, 2)), "width": np.sqrt(var_x), "height": np.sqrt(var_y),
            "slant": cov / (var_y + 1e-9)}


def code_effects(gan, rows=200, steps=5, span=1.0, seed=0):
    """How strongly each continuous code of an InfoGAN moves each visible property.

    Traverses each code from -span to span (``gan.traverse``: every row keeps its noise,
    category and other codes) and correlates the code's value with each property of
    ``image_properties`` *within* the rows: each row's mean is taken out first, so the
    differences between rows (a bag is wider than a sandal, whatever the code) do not
    drown the code's effect. Returns {property: array (continuous,)} of correlations;
    +-1 means every row changes that property in step with the code, 0 not at all.
    """
    if not getattr(gan, "continuous", 0):
        raise BadInputError("code_effects needs an InfoGAN with at least one continuous code.")
    out = {}
    for i in range(gan.continuous):
        images, codes = gan.traverse(i, rows=rows, steps=steps, span=span, seed=seed)
        c = codes[:, 1 + i].reshape(rows, steps).astype("float64")
        c = c - c.mean(1, keepdims=True)
        for name, v in image_properties(images).items():
            v = v.reshape(rows, steps)
            v = v - v.mean(1, keepdims=True)
            r = (c * v).sum() / np.sqrt((c * c).sum() * (v * v).sum() + 1e-12)
            out.setdefault(name, np.zeros(gan.continuous))[i] = r
    return out


def code_moves(gan, real_images, rows=200, steps=5, span=1.0, seed=0):
    """How far each continuous code moves each visible property, in the property's own
    spread over real images: {property: array (continuous,)}.

    Traverses each code from -span to span (as :func:`code_effects` does) and takes, over
    the rows, the mean of (property at +span - property at -span), divided by the
    property's standard deviation over ``real_images``. 1 means the code's traversal
    moves the property as much as real images of the data set vary in it.
    """
    if not getattr(gan, "continuous", 0):
        raise BadInputError("code_moves needs an InfoGAN with at least one continuous code.")
    spread = {k: v.std() for k, v in image_properties(real_images).items()}
    out = {}
    for i in range(gan.continuous):
        images, _ = gan.traverse(i, rows=rows, steps=steps, span=span, seed=seed)
        for name, v in image_properties(images).items():
            v = v.reshape(rows, steps)
            out.setdefault(name, np.zeros(gan.continuous))[i] = (
                np.mean(v[:, -1] - v[:, 0]) / (spread[name] + 1e-12))
    return out


def feature_spread(features):
    """The mean distance between the features of two different images of a set: how
    varied the set is, as the course classifier sees it."""
    f = np.asarray(features, dtype="float64")
    if f.ndim != 2 or len(f) < 2:
        raise BadInputError(f"feature_spread needs features (N, d) with N >= 2; got {f.shape}.")
    d = np.sqrt(sq_distances(f, f))
    return float(d.sum() / (len(f) * (len(f) - 1)))


def code_diversity(gan, real_images, real_labels, mapping, n=100, seed=0):
    """How much the noise z alone varies the samples of each category code (continuous
    codes at 0, as in ``traverse("category")``), next to how varied real images of the
    class the code was matched to are (``mapping`` from :func:`cluster_scores`): an array
    (categories, 2) of feature spreads (:func:`feature_spread`, the course classifier's
    features), samples then real. A code whose samples spread close to 0 ignores z:
    every sample is the same image. Codes without a matched class get NaN for real.
    """
    from .metrics import classify

    dataset = gan.info.get("dataset", "fashion-mnist")
    labels = np.asarray(real_labels)
    out = np.full((gan.categories, 2), np.nan)
    for k in range(gan.categories):
        codes = np.zeros((n, 1 + gan.continuous), "float32")
        codes[:, 0] = k
        out[k, 0] = feature_spread(classify(gan.generate(n, codes=codes, seed=seed + k),
                                            dataset)[0])
        if k in mapping and np.sum(labels == mapping[k]) >= 2:
            real = np.asarray(real_images)[labels == mapping[k]][:n]  # only what is used
            out[k, 1] = feature_spread(classify(real, dataset)[0])
    return out

"""Checks of the exercises of lessons 14-19: pyramids and super-resolution, image-to-image
translation, video, text to image, what GANs are for, the closing lesson.

Each check is registered in gankit.exercises (which imports this module) and is
deterministic: it compares an answer with gankit's own implementation, a closed form
or a structure that always holds, never with the outcome of a training run.
"""
import numpy as np

from . import checks as c
from .exercises import exercise


# --- Lesson 14 --------------------------------------------------------------------------

@exercise("14.1")
def _rebuild(rebuild):
    from .lapgan import laplacian_pyramid

    for size, levels in ((28, 3), (32, 4)):
        x = c.random_images(4, size, seed=size)
        residuals, top = laplacian_pyramid(x, levels)
        got = c.run(rebuild, f"rebuild(residuals, top) ({levels} levels)", residuals, top)
        c.close(got, x, f"rebuild of a {levels}-level pyramid of {size}x{size} images",
                atol=1e-4, why="Start from the top, coarse to fine: grow it (the same "
                "bilinear grow as the pyramid) and add the residual of that size. Another "
                "enlargement does not undo the pyramid exactly.")
    return "Exact: the pyramid only rewrites the image, it loses nothing."


@exercise("14.2")
def _psnr_paradox(psnr_blur, psnr_sharp):
    why = ("PSNR = 10 log10(2^2 / MSE). The blur (0 everywhere) is off by 1 on every "
           "pixel: MSE 1. A sharp guess is right half the time (error 0) and off by 2 the "
           "other half (error 4): MSE 2.")
    c.close(psnr_blur, 10 * np.log10(4.0), "psnr_blur (dB)", atol=0.05, why=why)
    c.close(psnr_sharp, 10 * np.log10(2.0), "psnr_sharp (dB)", atol=0.05, why=why)
    return ("The blur wins by 3 dB although no real image looks like it: PSNR rewards the "
            "average of the plausible answers, which is what MSE training learns.")


@exercise("14.3")
def _pixel_shuffle(pixel_shuffle):
    rng = np.random.default_rng(0)
    for x in (rng.normal(size=(2, 7, 7, 32)).astype("float32"),
              np.arange(2 * 3 * 3 * 8, dtype="float32").reshape(2, 3, 3, 8)):
        b, h, w, ch = x.shape
        ref = x.reshape(b, h, w, 2, 2, ch // 4).transpose(0, 1, 3, 2, 4, 5)
        ref = ref.reshape(b, 2 * h, 2 * w, ch // 4)
        got = c.run(pixel_shuffle, f"pixel_shuffle(h of shape {x.shape})", x)
        c.close(got, ref, f"pixel_shuffle(h of shape {x.shape})", atol=1e-6,
                why="Output pixel (2i + di, 2j + dj) channel f is input pixel (i, j) channel "
                    "(2 di + dj) C + f: reshape to (B, H, W, 2, 2, C), swap the W and di "
                    "axes, then reshape. A plain reshape scrambles the pixels.")
    return "The same arrangement as gankit.sr_generator (and tf.nn.depth_to_space)."


# --- Lesson 15 --------------------------------------------------------------------------

@exercise("15.1")
def _hole_pairs(hole_pairs):
    x = np.random.default_rng(1).uniform(-0.99, 1, (40, 28, 28, 1)).astype("float32")
    inputs, targets = c.parts(c.run(hole_pairs, "hole_pairs(images, size=10, seed=0)", x,
                                  size=10, seed=0), 2, "hole_pairs(images, size=10, seed=0)")
    targets, inputs = c.numbers(targets, "targets"), c.numbers(inputs, "inputs")
    c.shape(targets, x.shape, "targets")
    if not np.array_equal(targets, x):
        raise AssertionError(f"targets should be the untouched images; {np.sum(targets != x)} "
                             "pixels differ. G must learn to fill the hole, so the hole may "
                             "only be in the inputs.")
    c.shape(inputs, x.shape, "inputs")
    corners = set()
    for k, (a, b) in enumerate(zip(inputs[..., 0], x[..., 0])):
        rows, cols = np.nonzero(a != b)
        ok = (len(rows) == 100 and rows.max() - rows.min() == 9 and cols.max() - cols.min() == 9
              and np.all(a[rows, cols] == -1.0))
        if not ok:
            raise AssertionError(f"inputs[{k}] should differ from its image in exactly one "
                                 f"10x10 square set to -1 (inside the image); it differs in "
                                 f"{len(rows)} pixels.")
        corners.add((rows.min(), cols.min()))
    c.at_least(len(corners), 5, "different hole positions among 40 images",
               why="Draw each image's square at random (with the seed).")
    again = c.run(hole_pairs, "hole_pairs(images, size=10, seed=0)", x, size=10, seed=0)[0]
    c.close(again, inputs, "a second call with the same seed", atol=0,
            why="Use np.random.default_rng(seed): same seed, same holes.")


def _cycle_refs(g_ab, g_ba, a, b):
    from keras import ops

    def l1(p, q):
        return float(ops.convert_to_numpy(ops.mean(ops.abs(p - q))))

    out = []
    for training in (True, False):
        cycle = (l1(g_ba(g_ab(a, training=training), training=training), a)
                 + l1(g_ab(g_ba(b, training=training), training=training), b))
        identity = l1(g_ab(b, training=training), b) + l1(g_ba(a, training=training), a)
        out.append((cycle, identity))
    return out


@exercise("15.2")
def _cycle_identity(cycle_and_identity):
    from .data import load_fashion_mnist
    from .pix2pix import outlines
    from .recipes import cyclegan_fashion

    gan = cyclegan_fashion(0)
    x, _ = load_fashion_mnist("test", n=16, verbose=False)
    a, b = outlines(x[:8]), x[8:16]
    cycle, identity = c.parts(c.run(cycle_and_identity, "cycle_and_identity(g_ab, g_ba, a, b)",
                                  gan.g_ab, gan.g_ba, a, b), 2,
                             "cycle_and_identity(g_ab, g_ba, a, b)")
    got = c.numbers(cycle, "cycle"), c.numbers(identity, "identity")
    refs = _cycle_refs(gan.g_ab, gan.g_ba, a, b)
    if not any(np.allclose(got, ref, atol=1e-4) for ref in refs):
        raise AssertionError(
            f"(cycle, identity): expected {np.round(refs[0], 4).tolist()} (networks called "
            f"with training=True, as in training) or {np.round(refs[1], 4).tolist()} "
            f"(training=False); got {np.round(np.ravel(got), 4).tolist()}. Cycle: "
            "L1(G_ba(G_ab(a)), a) + L1(G_ab(G_ba(b)), b). Identity: an image already in the "
            "target domain passes unchanged, L1(G_ab(b), b) + L1(G_ba(a), a).")
    return "These are the `cycle` and `identity` numbers gankit.CycleGAN logs."


@exercise("15.3")
def _receptive_field(patch_support, receptive_field):
    import keras

    from .pix2pix import patch_discriminator

    keras.utils.set_random_seed(0)
    d = patch_discriminator((28, 28, 1))
    image = c.random_images(1, seed=3)[0]
    for row, col in ((3, 3), (0, 5)):
        # score (i, j) depends on input rows 4i-7 .. 4i+10 and the same columns, cut at 0, 27
        ref = np.zeros((28, 28), bool)
        ref[max(0, 4 * row - 7):4 * row + 11, max(0, 4 * col - 7):4 * col + 11] = True
        got = c.run(patch_support, f"patch_support(d, image, {row}, {col})", d, image, row, col)
        got = np.asarray(got).reshape(-1)
        if got.size != 784 or not np.array_equal(got.astype(bool), ref.ravel()):
            raise AssertionError(
                f"patch_support(d, image, {row}, {col}) should mark the {int(ref.sum())} input "
                f"pixels that score ({row}, {col}) depends on (an 18x18 square, cut by the "
                f"border); got {int(np.count_nonzero(got))} marked of {got.size}. Take the "
                "gradient of that one score with respect to the image, with "
                "training=False (in training mode batch norm mixes in every pixel), and "
                "mark the pixels where it is not 0.")
    c.close(receptive_field, 18, "receptive_field (the side of the square, in pixels)",
            atol=0, why="Patches overlap: each 4x4 stride-2 convolution widens what a score "
            "sees, (3 - 1) * 2 + 4 = 8, then (8 - 1) * 2 + 4 = 18.")
    return "So each of the 7x7 scores judges an 18x18 patch, and neighbouring patches overlap."


# --- Lesson 16 --------------------------------------------------------------------------

@exercise("16.1")
def _motion(motion):
    from .video import bouncing_sprites, motion_stats

    clips = bouncing_sprites(64, seed=3)
    shuffled = np.random.default_rng(0).permutation(clips.reshape(-1, 16, 16, 1))
    for name, x in (("real clips", clips), ("shuffled frames", shuffled.reshape(clips.shape))):
        ref = motion_stats(x)
        got = c.parts(c.run(motion, f"motion({name})", x), 3, f"motion({name})")
        c.close(got, [ref["speed"], ref["acceleration"], ref["relative_acceleration"]],
                f"(speed, acceleration, relative acceleration) of {name}", rtol=1e-4,
                why="Velocities: differences of the centres of mass between frames; "
                    "accelerations: differences of the velocity *vectors*, then their sizes. "
                    "A bounce keeps the speed but turns the velocity: the change of speed "
                    "misses it.")


# --- Lesson 17 --------------------------------------------------------------------------

@exercise("17.1")
def _gan_cls(gan_cls_d_loss):
    from .losses import minimax_d_loss

    rng = np.random.default_rng(0)
    rr, rw, fr = (rng.normal(size=(32, 1)).astype("float32") for _ in range(3))
    for m in (0.0, 0.5, 0.8):
        ref = ((1 - m) * float(minimax_d_loss(rr, fr)) + m * float(minimax_d_loss(rr, rw)))
        got = c.run(gan_cls_d_loss, f"gan_cls_d_loss(..., mismatch_weight={m})", rr, rw, fr, m)
        c.close(got, ref, f"gan_cls_d_loss with mismatch_weight={m}", atol=1e-4,
                why="(real image, right sentence) is real; (real image, WRONG sentence) and "
                    "(fake image, right sentence) are both fake, weighted mismatch_weight and "
                    "1 - mismatch_weight.")
    return "At 0.5 it is the paper's loss: 1 for the real pair, 1/2 for each fake kind."


@exercise("17.2")
def _compose(compose):
    import keras

    from .captions import encode_text, text_encoder, tokenize

    keras.utils.set_random_seed(0)
    enc = text_encoder()
    target = "a big red square on the left"
    asked = []

    def encode(captions):
        for sentence in captions:
            words = set(tokenize(sentence))
            if {"red", "square"} <= words or {"blue", "circle"} <= words:
                raise AssertionError(f"compose asked the encoder for {sentence!r}, a held-out "
                                     "pair: build the vector from seen captions only.")
        asked.extend(captions)
        return encode_text(enc, captions)

    got = np.asarray(c.run(compose, "compose(encode)", encode), "float64").reshape(-1)
    c.close(got, encode_text(enc, [target])[0], f"the vector of {target!r}", atol=1e-5,
            why="Every caption has 7 words and the encoder is linear (an average, then a "
                "dense layer), so swapping one word adds that word's vector and removes the "
                "other's: enc(red circle) + enc(green square) - enc(green circle), all else "
                "the same.")
    return (f"Built from {len(asked)} seen captions. Exact because the encoder is linear; "
            "with activation='tanh' it would only be close.")


# --- Lesson 18 --------------------------------------------------------------------------

@exercise("18.1")
def _mixed_batches(mixed_batches):
    import keras

    labels_r, labels_f = np.arange(200) % 10, np.arange(600) % 10
    # real images are negative, fakes positive; each image's value says its label
    x_r = (-0.95 + 0.05 * labels_r)[:, None, None, None] * np.ones((1, 28, 28, 1), "float32")
    x_f = (0.5 + 0.05 * labels_f)[:, None, None, None] * np.ones((1, 28, 28, 1), "float32")
    call = "mixed_batches(x_real, y_real, x_fake, y_fake, batch_size=64, steps=7, seed=0)"
    ds = c.run(mixed_batches, call, x_r.astype("float32"), labels_r, x_f.astype("float32"),
              labels_f, batch_size=64, steps=7, seed=0)
    if not isinstance(ds, keras.utils.PyDataset):
        raise AssertionError(f"{call} should return a keras.utils.PyDataset; got "
                             f"{type(ds).__name__}.")
    c.close(c.run(len, "len(dataset)", ds), 7, "len(dataset) (batches per epoch)", atol=0)
    for i in (0, 3, 6):
        x, y = c.parts(c.run(ds.__getitem__, f"dataset[{i}]", i), 2, f"dataset[{i}]")
        x, y = c.numbers(x, f"dataset[{i}] images"), c.numbers(y, f"dataset[{i}] labels")
        c.shape(x, (64, 28, 28, 1), f"dataset[{i}] images")
        c.close(np.sum(x[:, 0, 0, 0] < 0), 32, f"real images in batch {i}", atol=0,
                why="Half of every batch comes from the real set, half from the generated "
                    "one: draw 32 of each. A shuffled concatenation gives a ratio that "
                    "changes from batch to batch (here mostly generated).")
        value = x[:, 0, 0, 0]
        implied = np.rint(np.where(value < 0, value + 0.95, value - 0.5) / 0.05)
        c.close(np.ravel(y), implied, f"dataset[{i}] labels", atol=0,
                why="Each label must stay with its image.")


@exercise("18.2")
def _auroc_pairs(auroc_pairs):
    from .anomaly import auroc

    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 200).astype(bool)
    scores = np.round(rng.normal(size=200) + truth, 1)       # ties on purpose
    cases = {"scores with ties": (scores, truth),
             "a perfect ranking": (np.arange(6.0), np.array([0, 0, 0, 1, 1, 1], bool)),
             "all scores equal": (np.zeros(6), np.array([0, 1, 0, 1, 0, 1], bool))}
    for name, (s, t) in cases.items():
        c.close(c.run(auroc_pairs, f"auroc_pairs on {name}", s, t), auroc(s, t),
                f"auroc_pairs on {name}", atol=1e-9,
                why="Over every (anomaly, normal) pair: 1 if the anomaly scores higher, 1/2 "
                    "for a tie, 0 otherwise; then the mean.")
    return "The same number as the rank formula of the lesson, with n_pos x n_neg comparisons."


@exercise("18.3")
def _anogan_score(feature_model, anogan_scores):
    import keras
    from keras import ops

    from .recipes import fashion_gan

    d = fashion_gan(0).discriminator
    features = c.run(feature_model, "feature_model(discriminator)", d)
    if not isinstance(features, keras.Model):
        raise AssertionError(f"feature_model should return a keras.Model; got "
                             f"{type(features).__name__}.")
    x = c.random_images(8)
    f = ops.convert_to_numpy(features(x, training=False))
    width = d.layers[-1].input.shape[-1]
    c.shape(f, (8, width), "feature_model(discriminator)(images)")
    c.close(ops.convert_to_numpy(d.layers[-1](f)), ops.convert_to_numpy(d(x, training=False)),
            "D's last layer applied to your features", atol=1e-4,
            why="The features are what D's last (Dense) layer reads: its input, "
                "d.layers[-1].input.")
    recon = c.random_images(8, seed=1)
    fx, fr = (np.asarray(ops.convert_to_numpy(features(v, training=False)), "float64")
              for v in (x, recon))
    ref = (0.9 * np.abs(x - recon).reshape(8, -1).mean(1)
           + 0.1 * np.abs(fx - fr).mean(1))
    got = c.run(anogan_scores, "anogan_scores(images, recons, features, weight=0.1)", x, recon,
               features, weight=0.1)
    c.close(got, ref, "anogan_scores(images, recons, features, weight=0.1)", atol=1e-5,
            why="(1 - weight) * the mean absolute pixel error + weight * the mean absolute "
                "difference of D's features, one score per image.")


# --- Lesson 19 --------------------------------------------------------------------------

@exercise("19.1")
def _evidence(difference_with_se, survives):
    def ref(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        return a.mean() - b.mean(), se

    claim = ([0.82, 0.81, 0.83], [0.80, 0.83, 0.81])      # the exercise's two arms
    for a, b in (claim, ([0.824, 0.821, 0.815], [0.762, 0.771, 0.765])):
        got = c.parts(c.run(difference_with_se, "difference_with_se(a, b)", a, b), 2,
                     "difference_with_se(a, b)")
        c.close(got, ref(a, b), f"difference_with_se({a}, {b})", atol=1e-6,
                why="The standard error of a mean is the standard deviation of the values "
                    "(ddof=1) divided by sqrt(n); the two errors add in squares.")
    diff, se = ref(*claim)
    if not isinstance(survives, (bool, np.bool_)) or survives:
        raise AssertionError(f"survives: expected False, got {survives!r}. The difference, "
                             f"{diff:.4f}, is {abs(diff) / se:.1f} standard errors ({se:.4f}) "
                             "from 0: three seeds cannot tell the arms apart.")
    return "Three seeds pin a mean down to about its standard error, no better."


@exercise("19.2")
def _diffusion(ddpm_alpha_bar, add_noise):
    betas = np.linspace(1e-4, 0.02, 1000)
    ref = np.cumprod(1 - betas)
    got = c.numbers(c.run(ddpm_alpha_bar, "ddpm_alpha_bar(1000, 1e-4, 0.02)", 1000, 1e-4, 0.02),
                    "ddpm_alpha_bar(1000, 1e-4, 0.02)")
    c.shape(got, (1000,), "ddpm_alpha_bar(1000, 1e-4, 0.02)")
    why = ("alpha_bar_t is the product of (1 - beta_s) for s up to t: the share of the "
           "signal's power that survives t noising steps. It never goes below 0.")
    c.close(got[-1], ref[-1], "alpha_bar after the last step", rtol=1e-4, atol=1e-9, why=why)
    c.close(got, ref, "ddpm_alpha_bar(1000, 1e-4, 0.02)", rtol=1e-4, atol=1e-9, why=why)
    rng = np.random.default_rng(0)
    x0, eps = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    for t in (0, 499, 999):
        want = np.sqrt(ref[t]) * x0 + np.sqrt(1 - ref[t]) * eps
        c.close(c.run(add_noise, f"add_noise(x0, {t}, eps, alpha_bar)", x0, t, eps, ref), want,
                f"add_noise(x0, t={t}, eps, alpha_bar)", atol=1e-6,
                why="x_t = sqrt(alpha_bar[t]) x0 + sqrt(1 - alpha_bar[t]) eps.")
    return (f"After 1,000 steps sqrt(alpha_bar) = {np.sqrt(ref[-1]):.4f}: nothing of the data "
            "is left, and the sampler must undo all 1,000 steps, one network pass each.")


@exercise("19.3")
def _sharpness(sharpness):
    from .srgan import upsample
    from .pix2pix import downsample

    def ref(x):
        x = np.asarray(x, "float64")
        return 0.5 * (np.abs(np.diff(x, axis=1)).mean((1, 2, 3))
                      + np.abs(np.diff(x, axis=2)).mean((1, 2, 3)))

    board = np.indices((28, 28)).sum(0) % 2 * 2.0 - 1.0
    x = np.concatenate([c.random_images(4), np.zeros((1, 28, 28, 1)),
                        board[None, ..., None]]).astype("float32")
    c.close(c.run(sharpness, "sharpness(images)", x), ref(x), "sharpness of 6 test images",
            atol=1e-5, why="The mean *absolute* difference between neighbouring pixels, along "
            "the rows and along the columns, averaged; one number per image. Signed "
            "differences cancel out.")
    blurred = upsample(downsample(x[:4], 4), 28)
    lost = np.mean(c.run(sharpness, "sharpness(images)", x[:4])
                   - c.run(sharpness, "sharpness(blurred)", blurred))
    c.at_least(float(lost), 1e-3, "sharpness lost by shrinking 4x and enlarging back")
    return "Use it on reconstructions with and without a discriminator: which are sharper?"

"""Checks of the exercises of lessons 09-13: how GANs fail, making them train, modern
GANs, little data, controlling what they make.

Each check is registered in gankit.exercises (which imports this module) and is
deterministic: it compares an answer with gankit's own implementation, a closed form
or a structure that always holds, never with the outcome of a training run.
"""
import numpy as np

from . import checks as c
from .exercises import exercise


# --- Lesson 09 --------------------------------------------------------------------------

@exercise("09.1")
def _collapse_summary(collapse_summary):
    shares = np.zeros((5, 8))
    shares[0] = [.3, .1, .1, .1, .1, .1, .1, 0.1]     # spread out
    shares[1, 2] = 1.0                                # one clump at mode 2
    shares[2, [2, 3]] = [.6, .4]                      # ... moving to mode 3
    shares[3, [2, 3]] = [.1, .9]
    shares[4, [0, 7]] = [.02, .98]                    # ... and on to mode 7
    busiest, hops, effective = c.parts(c.run(collapse_summary, "collapse_summary(shares)", shares),
                                      3, "collapse_summary(shares)")
    c.close(np.asarray(busiest).ravel(), [0, 2, 2, 3, 7], "busiest (the mode nearest most "
            "samples, per measurement)", atol=0, why="Use argmax along the modes axis.")
    c.close(hops, 3, "hops", atol=0, why="Count the measurements whose busiest mode differs "
            "from the one before.")
    p = shares
    expected = np.exp(-np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0), axis=1))
    c.close(np.asarray(effective).ravel(), expected, "effective (exp of the entropy of each "
            "row)", rtol=1e-4, why="A mode holding 2% of the samples counts far less than "
            "one holding 98%: exp(-sum p log p), with 0 log 0 = 0.")
    return ("Try it on tipped_modes.shares and plain_modes.shares: few effective modes and "
            "many hops is a collapsed generator on the move.")


@exercise("09.2")
def _saturation(g_slopes, edge_p):
    s = np.array([-8.0, -4.0, -1.0, 0.0, 2.0], "float32")
    mm, ns = c.parts(c.run(g_slopes, "g_slopes(scores)", s), 2, "g_slopes(scores)")
    p = 1.0 / (1.0 + np.exp(-s.astype("float64")))
    why = ("The slope is taken in D's raw score s, per sample: d/ds of log(1 - sigmoid(s)) "
           "is -sigmoid(s). gankit's losses average over the batch, so multiply the "
           "gradient by the batch size.")
    c.close(mm, -p, "minimax slopes at scores (-8, -4, -1, 0, 2)", atol=1e-6, rtol=1e-3, why=why)
    c.close(ns, -(1.0 - p), "non-saturating slopes at scores (-8, -4, -1, 0, 2)", atol=1e-6,
            rtol=1e-3, why=why)
    c.close(edge_p, 1.0 / 101.0, "edge_p", atol=1e-5,
            why="The ratio of the two slopes is D(G(z)) / (1 - D(G(z))), not D(G(z)).")
    return ("In the score the ratio is exp(s): every 2.3 units of score D gains cost the "
            "minimax loss another factor of 10.")


@exercise("09.3")
def _damped_game(damped_game, smallest_gamma):
    eta = 0.1
    for gamma in (0.0, 0.02):
        path = c.run(damped_game, f"damped_game({gamma}, steps=50)", gamma, steps=50, eta=eta,
                    start=(1.0, 1.0))
        step = np.array([[1 - gamma, -eta], [eta, 1 - gamma]])
        ref = [np.array([1.0, 1.0])]
        for _ in range(50):
            ref.append(step @ ref[-1])
        c.close(path, np.array(ref), f"damped_game({gamma}, steps=50, eta=0.1) path",
                atol=1e-6, why="Simultaneous steps: both players move from the old point, "
                "x <- (1-gamma) x - eta y and y <- (1-gamma) y + eta x; the path starts "
                "with the start point.")
    c.close(smallest_gamma, 1 - np.sqrt(1 - eta ** 2), "smallest_gamma (eta = 0.1)", atol=2e-4,
            why="One step multiplies the distance to (0, 0) by sqrt((1-gamma)^2 + eta^2).")
    return ("For a GAN's weights the pull towards 0 is weight decay (an L2 penalty); "
            "consensus optimisation and gradient penalties damp the game in the same spirit.")


# --- Lesson 10 --------------------------------------------------------------------------

def _with_spectrum(rows, cols, spectrum, seed):
    rng = np.random.default_rng(seed)
    k = len(spectrum)
    u, _ = np.linalg.qr(rng.normal(size=(rows, k)))
    v, _ = np.linalg.qr(rng.normal(size=(cols, k)))
    return ((u * spectrum) @ v.T).astype("float32")


@exercise("10.1")
def _power_iteration(top_singular_value):
    for rows, cols, spectrum in ((64, 16, [3.0, 1.5] + [1.0] * 14), (2, 256, [2.0, 0.5])):
        w = _with_spectrum(rows, cols, np.array(spectrum), seed=rows)
        got = c.run(top_singular_value, f"top_singular_value(w of shape {w.shape})", w)
        c.close(got, spectrum[0], f"top_singular_value of a {rows}x{cols} matrix", atol=3e-3,
                why="Alternate v <- W^T u / |W^T u| and u <- W v / |W v|; then "
                    "sigma = u . W v. The Frobenius norm is larger: it adds up every "
                    "singular value.")
    return ("keras.layers.SpectralNormalization does one such iteration per training step "
            "and keeps u between steps, so its estimate sharpens as training goes.")


@exercise("10.2")
def _pack(pack_images):
    for shape, m in (((8, 4, 4, 3), 2), ((8, 4, 4, 3), 4), ((8, 5), 2)):
        x = np.arange(np.prod(shape), dtype="float32").reshape(shape)
        ref = np.moveaxis(x.reshape((shape[0] // m, m) + shape[1:]), 1, -2)
        ref = ref.reshape((shape[0] // m,) + shape[1:-1] + (m * shape[-1],))
        got = c.run(pack_images, f"pack_images(x of shape {shape}, {m})", x, m)
        c.close(got, ref, f"pack_images(x of shape {shape}, m={m})", atol=0,
                why="Pixel (i, j) of a packed input must hold pixel (i, j) of each of the m "
                    "samples, sample after sample on the last axis. A plain reshape to "
                    "(B/m, H, W, m*C) puts neighbouring pixels of one sample there instead.")
    return "This is what gankit.GAN(pack=m) does to every batch before D sees it."


@exercise("10.3")
def _minibatch_std(minibatch_std):
    from keras import ops

    from .models import MinibatchStdDev

    rng = np.random.default_rng(0)
    one = rng.normal(size=(1, 7, 7, 4)).astype("float32")
    for name, h in (("feature maps (8, 7, 7, 4)", rng.normal(size=(8, 7, 7, 4))),
                    ("vectors (8, 16)", rng.normal(size=(8, 16))),
                    ("a collapsed batch of 8 identical maps", np.repeat(one, 8, axis=0))):
        h = h.astype("float32")
        ref = ops.convert_to_numpy(MinibatchStdDev()(h))
        got = c.numbers(c.run(minibatch_std, f"minibatch_std({name})", h), "minibatch_std")
        c.shape(got, ref.shape, f"minibatch_std on {name} (one more channel)")
        c.close(got[..., -1], ref[..., -1], f"the appended channel, on {name}", atol=1e-5,
                why="Take each feature's standard deviation over the batch (axis 0), average "
                    "them into one number, and fill the new channel with it (h[..., :1] "
                    "has the right shape for every rank).")
        c.close(got, ref, f"minibatch_std on {name}", atol=1e-5, why="Keep h as it is "
                "and append the new channel last.")
    return "A collapsed batch reads about 0: D gets a one-number collapse detector."


# --- Lesson 11 --------------------------------------------------------------------------

@exercise("11.1")
def _relativistic(d_loss, g_loss):
    from .losses import relativistic_d_loss, relativistic_g_loss

    rng = np.random.default_rng(11)
    real, fake = (rng.normal(0, 2, (64, 1)).astype("float32") for _ in range(2))
    for name, fn, ref in (("d_loss", d_loss, relativistic_d_loss),
                          ("g_loss", g_loss, relativistic_g_loss)):
        got = c.run(fn, f"{name}(real_scores, fake_scores)", real, fake)
        c.close(got, ref(real, fake) if name == "d_loss" else ref(fake, real),
                f"{name} of 64 paired scores", atol=1e-4,
                why="Pair each real score with the fake at the same place in the batch: "
                    "D's loss is mean(softplus(fake - real)), G's mean(softplus(real - fake)). "
                    "Scoring each sample alone (softplus(-real) + softplus(fake)) is the "
                    "non-saturating GAN, not the relativistic one.")
    shifted = c.run(d_loss, "d_loss(real_scores + 5, fake_scores + 5)", real + 5, fake + 5)
    c.close(shifted, relativistic_d_loss(real, fake), "d_loss with every score shifted by 5",
            atol=1e-4, why="Only differences of scores count in the relativistic loss.")
    return ("gankit.losses.relativistic_d_loss and relativistic_g_loss are these two; "
            "GAN(loss='relativistic') passes D's real scores to G's loss.")


def _dirac_reference(theta, psi, lr, gamma):
    pair = psi * theta                                  # D(fake) - D(real), with D(real) = 0
    d_grad = theta / (1 + np.exp(-pair)) + 2 * gamma * psi  # d/dpsi softplus(pair) + gamma psi^2
    g_grad = -psi / (1 + np.exp(pair))                  # d/dtheta softplus(-pair)
    return theta - lr * g_grad, psi - lr * d_grad


@exercise("11.2")
def _dirac_step(dirac_step):
    for theta, psi, lr, gamma in ((1.0, 1.0, 0.1, 0.0), (1.0, 1.0, 0.1, 0.5),
                                  (-0.5, 2.0, 0.05, 1.0), (0.3, -0.7, 0.2, 0.2)):
        call = f"dirac_step({theta}, {psi}, lr={lr}, gamma={gamma})"
        got = c.parts(c.run(dirac_step, call, theta, psi, lr, gamma), 2, call)
        c.close(np.asarray(got, "float64").ravel(), _dirac_reference(theta, psi, lr, gamma),
                call, atol=1e-5,
                why="Both players step at once from the same (theta, psi). D descends "
                    "softplus(psi * theta) + gamma/2 (R1 + R2), and D's slope is psi at the "
                    "real point and at the fake one, so R1 = R2 = psi^2 and D's gradient "
                    "gains 2 * gamma * psi. G descends softplus(-psi * theta); no penalty "
                    "touches G.")
    return ("With gamma > 0 the orbit becomes a spiral into (0, 0): the local convergence "
            "R1 and R2 buy, and why R3GAN needs no other trick to stabilise.")


# --- Lesson 12 --------------------------------------------------------------------------

class _Offsets:
    """A source of "random" numbers that hands out given offsets, so that
    gankit.diffaugment.translation moves each image by a known amount."""

    def __init__(self, *columns):
        self.columns = list(columns)

    def integers(self, shape, high):
        return self.columns.pop(0)

    def uniform(self, shape, low=0.0, high=1.0):
        raise AssertionError("translation draws only whole numbers")


@exercise("12.1")
def _translate(translate):
    from .diffaugment import translation

    x = c.random_images(6, seed=12)
    dy, dx = np.array([0, 1, -3, 3, 2, -1]), np.array([0, -2, 3, 0, -3, 1])
    most = int(28 * 0.125)
    want = c.numbers(translation(x, _Offsets(dy + most, dx + most)), "translation")
    got = c.run(translate, "translate(images, dy, dx)", x, dy, dx)
    c.close(got, want, "6 images moved by (dy, dx)", atol=1e-5,
            why="Image i moves down by dy[i] rows and right by dx[i] columns (negative: up, "
                "left); the pixels that come in at the edge are 0, and nothing wraps round "
                "(np.roll or ops.roll alone wraps: zero what came round).")
    return ("gankit.diffaugment.translation does this with offsets drawn in [-3, 3] for a "
            "28x28 image, in keras.ops, so that G's gradient passes through it.")


@exercise("12.2")
def _ada_step(ada_step):
    cases = ((0.0, 0.9, 0.6, 64, 40_000), (0.5, 0.2, 0.6, 64, 40_000),
             (0.0, 0.1, 0.6, 64, 40_000), (0.999, 1.0, 0.6, 640, 40_000),
             (0.3, 0.6, 0.6, 64, 500))
    for p, rt, target, batch, images in cases:
        call = f"ada_step(p={p}, rt={rt}, target={target}, batch={batch}, images={images})"
        want = float(np.clip(p + np.sign(rt - target) * batch / images, 0.0, 1.0))
        c.close(c.run(ada_step, call, p, rt, target, batch, images), want, call, atol=1e-7,
                why="p moves by batch / images each step: up while r_t is above the target "
                    "(D is too sure of its images), down while below, not at all when equal; "
                    "and p stays a probability, in [0, 1].")
    return ("gankit.GAN.adapt_augmentation is this step, after every D step: p can go "
            "from 0 to 1 in ada_images images.")


# --- Lesson 13 --------------------------------------------------------------------------

@exercise("13.1")
def _acgan_classifier(class_probabilities):
    from .recipes import acgan_fashion

    gan = acgan_fashion(0)
    x = c.random_images(16)
    got = c.run(class_probabilities, "class_probabilities(discriminator, images)",
               gan.discriminator, x)
    c.close(got, gan.classify(x), "class_probabilities (16 images)", atol=1e-4,
            why="Take D's second output (the class logits) in inference mode "
                "(training=False) and a softmax over the 10 classes: one distribution per "
                "image, summing to 1.")
    return "This is all gankit.ACGAN.classify does: D's class head is a classifier."


def _code_grid_ref(categories, continuous, code, steps, span):
    values = np.zeros((categories, steps, 1 + continuous), "float32")
    values[:, :, 0] = np.arange(categories)[:, None]
    values[:, :, 1 + code] = np.linspace(-span, span, steps)
    return values.reshape(categories * steps, -1)


@exercise("13.2")
def _infogan_codes(code_grid, infogan_input):
    for args in ((10, 2, 0, 7, 2.0), (4, 3, 2, 5, 1.0)):
        call = "code_grid(categories={}, continuous={}, code={}, steps={}, span={})".format(*args)
        c.close(c.run(code_grid, call, *args), _code_grid_ref(*args), call, atol=1e-6,
                why="Row r is category r; along the row the chosen continuous code goes from "
                    "-span to span, the other codes stay 0. Images come row by row, so the "
                    "category repeats `steps` times (np.repeat, not np.tile).")
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 5)).astype("float32")
    codes = np.concatenate([[[3], [0], [9], [3], [1], [7]], rng.uniform(-1, 1, (6, 2))], 1)
    ref = np.concatenate([z, np.eye(10)[codes[:, 0].astype(int)], codes[:, 1:]], 1)
    got = c.run(infogan_input, "infogan_input(z, codes, 10)", z, codes.astype("float32"), 10)
    c.close(got, ref, "infogan_input(z, codes, categories=10)", atol=1e-6,
            why="G's input is [z, one-hot category, continuous codes], in that order.")
    return ("With infogan_input you can keep one z along a whole row: "
            "gan.generator(infogan_input(np.repeat(z_rows, steps, 0), codes)).")


@exercise("13.3")
def _matched_accuracy(matched_accuracy):
    from .infogan import cluster_scores

    rng = np.random.default_rng(0)
    labels = rng.integers(10, size=300)
    cases = {"a perfect clustering under other names": rng.permutation(10)[labels],
             "12 clusters, two classes split and some noise":
                 np.where(rng.random(300) < 0.2, rng.integers(12, size=300),
                          np.where((labels < 2) & (rng.random(300) < 0.5), labels + 10,
                                   (labels + 3) % 10))}
    for name, clusters in cases.items():
        got = c.run(matched_accuracy, "matched_accuracy(labels, clusters)", labels, clusters)
        c.close(got, cluster_scores(labels, clusters)["accuracy"],
                f"matched_accuracy on {name}", atol=1e-9,
                why="Code values are arbitrary names: count a (cluster x class) table, match "
                    "each cluster to one class (scipy.optimize.linear_sum_assignment on "
                    "minus the table), then score the matched cells.")

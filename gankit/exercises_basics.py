"""Checks of the exercises of lessons 00-03: the set-up, what a GAN is, G and D, the
training step.

Each check is registered in gankit.exercises (which imports this module) and is
deterministic: it compares an answer with gankit's own implementation, a closed form
or a structure that always holds, never with the outcome of a training run.
"""
import numpy as np

from . import checks as c
from .exercises import exercise


# --- Lesson 00 -------------------------------------------------------------------------

@exercise("00.1")
def _one_per_class(images, labels):
    labels = c.numbers(labels, "labels").astype(int)
    c.shape(images, (10, 28, 28, 1), "images (one test image per class)")
    if sorted(labels.tolist()) != list(range(10)):
        raise AssertionError(f"labels should hold each class 0-9 once; got {labels.tolist()}.")


@exercise("00.2")
def _digits(shape, value_range):
    from .data import load_digits8

    x, _ = load_digits8(verbose=False)
    if tuple(shape) != x.shape:
        raise AssertionError(f"digits_shape: expected {x.shape}, got {tuple(shape)}.")
    c.close(value_range, (float(x.min()), float(x.max())), "digits_range (min, max)")
    return "Like Fashion-MNIST, the digits are (N, H, W, C) in [-1, 1]."


@exercise("00.3")
def _accuracy_tracker(logs):
    if "accuracy" not in logs:
        raise AssertionError(f"train_step should return an 'accuracy' entry; its logs have "
                             f"{sorted(logs)}.")
    acc = float(np.asarray(logs["accuracy"]))
    if not 0.0 <= acc <= 1.0:
        raise AssertionError(f"accuracy should be a share in [0, 1]; got {acc:.3f}.")


# --- Lesson 01 -------------------------------------------------------------------------

def _normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def _two_bumps(x, mu=2.0):
    """Lesson 01's p_data (mu = 2) and the family 0.3 N(-mu, 0.5^2) + 0.7 N(mu, 0.5^2)."""
    return 0.3 * _normal_pdf(x, -mu, 0.5) + 0.7 * _normal_pdf(x, mu, 0.5)


_X_GRID = np.linspace(-14, 14, 14_001)          # lesson 01's integration grid
_DX = _X_GRID[1] - _X_GRID[0]


def _kl(p, q):
    mask = p > 0
    return np.sum(p[mask] * np.log(p[mask] / q[mask])) * _DX


def _jsd(p, q):
    m = 0.5 * (p + q)
    return 0.5 * _kl(p, m) + 0.5 * _kl(q, m)


def _close_everywhere(got, expected, name, at, atol, why):
    """Like checks.close for an array, but the message names the worst entry (``at`` gives
    the x value of each entry, for the message)."""
    c.shape(got, expected.shape, name)
    got_arr = c.numbers(got, name).reshape(expected.shape)
    gap = np.abs(np.nan_to_num(got_arr, nan=np.inf) - expected)
    bad = gap > atol + 1e-5 * np.abs(expected)
    if bad.any():
        i = int(np.argmax(gap))
        raise AssertionError(f"{name} is off at {int(bad.sum())} of {len(gap)} points; "
                             f"the worst at {at[i]:.4g}: expected {expected[i]:.4g}, got "
                             f"{got_arr[i]:.4g}. {why}")


@exercise("01.1")
def _d_star_from_fakes(d_star_from_fakes):
    from .data import mixture1d

    cases = {"fakes from N(4, 0.5^2)": np.random.default_rng(1).normal(4.0, 0.5, (5000, 1)),
             "fakes drawn like the data": mixture1d(5000, seed=2)}
    for name, fake in cases.items():
        fake = np.asarray(fake, "float32")
        got = d_star_from_fakes(fake)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise AssertionError("d_star_from_fakes should return the pair (centres, d_star); "
                                 f"got {type(got).__name__}.")
        p_g, edges = np.histogram(fake[:, 0], bins=80, range=(-5, 5), density=True)
        centres = (edges[:-1] + edges[1:]) / 2
        c.close(got[0], centres, f"centres ({name})",
                why="Bin i's centre is (edges[i] + edges[i + 1]) / 2: 80 values from -4.9375.")
        p = _two_bumps(centres)
        _close_everywhere(got[1], p / (p + p_g), f"d_star ({name})", centres, 1e-4,
                          "Take p_g from np.histogram(..., density=True), so that it is a "
                          "density like p_data, then D* = p_data / (p_data + p_g) at the centres.")
    return ("Fakes far from the data give D* = 1 on the data's side; fakes drawn like the "
            "data give D* near 0.5 (histogram noise aside). Now compare with gan.discriminate.")


@exercise("01.2")
def _value_two_ways(v_integral, v_sampled):
    p, q = _two_bumps(_X_GRID), _normal_pdf(_X_GRID, 1.0, 1.5)
    exact = (np.sum(p[p > 0] * np.log(p[p > 0] / (p + q)[p > 0]))
             + np.sum(q[q > 0] * np.log(q[q > 0] / (p + q)[q > 0]))) * _DX
    c.close(v_integral, exact, "v_integral", atol=1e-4,
            why="Integrate on x_grid with P_DATA and p_g = normal_pdf(x_grid, 1.0, 1.5): "
                "value_at_optimum does exactly that.")
    got = float(c.numbers(v_sampled, "v_sampled"))
    if not abs(got - exact) <= 0.03:
        raise AssertionError(
            f"v_sampled: expected about {exact:.3f} (within 0.03, with 20,000 samples of each), "
            f"got {got:.3f}. Average log D*(x) over the real samples and log(1 - D*(x)) over "
            "samples of N(1, 1.5^2), with D* = p_data / (p_data + p_g) at each sample: "
            "value_estimate(d_star_real, d_star_fake) does it.")
    return (f"V(D*, G) = {exact:.3f} lies between -log 4 = {-np.log(4):.3f} (p_g = p_data) and "
            "0: this generator is not the data. A GAN's d_loss estimates -V from samples "
            "the way your v_sampled does.")


@exercise("01.3")
def _two_bump_family(jsd_family, mu_best, jsd_best):
    mus = np.linspace(0, 6, 61)
    p = _two_bumps(_X_GRID)
    expected = np.array([_jsd(p, _two_bumps(_X_GRID, mu)) for mu in mus])
    _close_everywhere(jsd_family, expected, "jsd_family", mus, 1e-6,
                      "For each mu of mus_family build p_g = 0.3 N(-mu, 0.5^2) + "
                      "0.7 N(mu, 0.5^2) on x_grid and call jsd(P_DATA, p_g).")
    c.close(mu_best, 2.0, "mu_best", atol=1e-6, why="Take mus_family[np.argmin(jsd_family)].")
    c.close(jsd_best, 0.0, "jsd_best", atol=1e-6, why="Take jsd_family.min().")
    return ("At mu = 2 the family holds p_data itself, so JSD = 0 and V = -log 4. At mu = 6 "
            "the bumps barely overlap the data's: the curve nears log 2 and flattens.")


# --- Lesson 02 -------------------------------------------------------------------------

@exercise("02.1")
def _deep_generator(make_deep_generator):
    import keras

    from .gan import count_params
    from .models import mlp_generator

    G = make_deep_generator(16)
    if not isinstance(G, keras.Model):
        raise AssertionError("make_deep_generator(16) should return a Keras model; got "
                             f"{type(G).__name__}. End the function with `return model`.")
    c.generator_images(G, 16, (4, 28, 28, 1), "G(z) for 4 noise vectors of length 16",
                       "End with Dense(784, activation='tanh').")
    leaky = [layer for layer in G.layers if isinstance(layer, keras.layers.LeakyReLU)]
    slopes = [round(float(layer.negative_slope), 3) for layer in leaky]
    if slopes != [0.2, 0.2]:
        raise AssertionError(
            f"G should have a LeakyReLU(negative_slope=0.2) after each of its two hidden layers; "
            f"its LeakyReLU slopes are {slopes}. Without a non-linearity between them, two Dense "
            "layers in a row are one linear map.")
    expected = count_params(mlp_generator(16, (28, 28, 1), hidden=(256, 512)))
    if count_params(G) != expected:
        raise AssertionError(
            f"make_deep_generator(16) has {count_params(G):,} weights; gankit.mlp_generator(16, "
            f"(28, 28, 1), hidden=(256, 512)) has {expected:,}. Use hidden layers of 256 then 512 "
            "units (each with its bias), then Dense(784, 'tanh') and Reshape((28, 28, 1)).")
    return (f"{expected:,} weights at latent size 16; the 512 x 784 output layer holds most "
            "of them.")


@exercise("02.2")
def _stable_d_loss(d_loss_softplus):
    from .losses import minimax_d_loss

    rng = np.random.default_rng(0)
    full = lambda v: np.full((16, 1), v, "float32")  # noqa: E731
    cases = [("random scores", rng.normal(0, 3, (16, 1)), rng.normal(0, 3, (16, 1))),
             ("scores of 0 (a D that knows nothing)", full(0.0), full(0.0)),
             ("a sure, right D (real +200, fake -200)", full(200.0), full(-200.0)),
             ("a sure, wrong D (real -200, fake +200)", full(-200.0), full(200.0))]
    for name, real, fake in cases:
        real, fake = real.astype("float32"), fake.astype("float32")
        expected = float(c.numbers(minimax_d_loss(real, fake), "the reference loss"))
        c.close(d_loss_softplus(real, fake), expected, f"d_loss_softplus on {name}", atol=1e-4,
                why="D's loss is mean softplus(-real_scores) + mean softplus(fake_scores) "
                    "(label 1 for real, 0 for fake); log(sigmoid(-200)) rounds to log(0) = -inf.")
    return "Finite and exact at +-200, and 2 log 2 = 1.386 for a D that knows nothing."


@exercise("02.3")
def _bigger_images(g32, d32, start_size, doublings, d_last_size):
    import keras

    latent = int(g32.inputs[0].shape[-1])
    c.shape(g32(np.zeros((2, latent), "float32"), training=False), (2, 32, 32, 3),
            "g32(z) for 2 noise vectors")
    c.shape(d32(np.zeros((2, 32, 32, 3), "float32"), training=False), (2, 1),
            "d32(images) for 2 images")
    g_maps = [tuple(layer.output.shape[1:]) for layer in g32.layers
              if len(layer.output.shape) == 4]
    d_maps = [tuple(layer.output.shape[1:]) for layer in d32.layers
              if len(layer.output.shape) == 4]
    ups = [layer for layer in g32.layers if isinstance(layer, keras.layers.Conv2DTranspose)
           and tuple(layer.strides) == (2, 2)]
    for name, got, expected, where in (
            ("start_size", start_size, g_maps[0][0], "the side of G's first feature map (the "
                                                     "Reshape after its Dense layer)"),
            ("doublings", doublings, len(ups), "how many stride-2 Conv2DTranspose layers G has"),
            ("d_last_size", d_last_size, d_maps[-1][0], "the side of D's last feature map, "
                                                        "just before Flatten")):
        c.close(got, expected, name, atol=0, why=f"Read {where} in the shape table.")
    return (f"{start_size} x 2^{doublings} = 32: gankit halves the side while it stays even "
            "and at least 4, and D runs the same ladder down.")


# --- Lesson 03 -------------------------------------------------------------------------

@exercise("03.1")
def _broken_freeze(bad_g_step):
    import keras

    G, D = c.small_pair()
    z = np.random.default_rng(0).standard_normal((64, 2)).astype("float32")
    g_before, d_before = G.get_weights(), D.get_weights()
    bad_g_step(G, D, keras.optimizers.Adam(1e-3), z)
    g_moved = c.weights_changed(g_before, G.get_weights())
    d_moved = c.weights_changed(d_before, D.get_weights())
    if g_moved != len(g_before):
        raise AssertionError(
            f"{g_moved} of G's {len(g_before)} weight arrays moved; all should. Take the gradient "
            "of G's loss, D(G(z)) through g_loss_non_saturating, and apply it with g_optimizer.")
    if d_moved == 0:
        raise AssertionError(
            f"D's weights did not move (0 of {len(d_before)} arrays changed): the freeze still "
            "holds. Take the gradient for G.trainable_variables + D.trainable_variables and pass "
            "all of it, with that same list, to g_optimizer.apply: computing a gradient changes "
            "nothing, applying it does.")
    return (f"{g_moved} of G's and {d_moved} of D's arrays moved. In that step D also goes down "
            "G's loss: it learns to call G's fakes real, a judge working for the forger.")


@exercise("03.2")
def _d_steps(gan_class):
    import keras
    from keras import ops

    from .data import ring8

    batch = ops.convert_to_tensor(ring8(64, seed=0))
    for d_steps, calls in ((3, 2), (1, 1)):
        G, D = c.small_pair()
        gan = gan_class(G, D, d_steps=d_steps, seed=0)
        gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
        for _ in range(calls):
            logs = gan.train_step(batch)
        d_it = int(ops.convert_to_numpy(gan.d_optimizer.iterations))
        g_it = int(ops.convert_to_numpy(gan.g_optimizer.iterations))
        if (d_it, g_it) != (d_steps * calls, calls):
            raise AssertionError(
                f"With d_steps={d_steps}, {calls} call(s) of train_step should make "
                f"{d_steps * calls} D update(s) and {calls} G update(s); got {d_it} and {g_it}. "
                "Call self.d_step(real) d_steps times in a loop, then self.g_step once, after "
                "the loop.")
        missing = {"d_loss", "g_loss", "d_real", "d_fake"} - set(logs or {})
        if missing:
            raise AssertionError(f"train_step's logs lack {sorted(missing)}: update the four "
                                 "trackers and return {m.name: m.result() for m in self.metrics}.")
    return "D now takes d_steps turns for each of G's; WGAN's critic uses 5."


@exercise("03.3")
def _four_numbers(four_numbers):
    from .losses import minimax_g_loss, non_saturating_g_loss

    def softplus(s):
        return np.logaddexp(0.0, s)

    def sigmoid(s):
        return 1.0 / (1.0 + np.exp(-s))

    rng = np.random.default_rng(0)
    full = lambda v: np.full((32, 1), v, "float32")  # noqa: E731
    cases = [("logits of 0 (the ideal end point)", full(0.0), full(0.0)),
             ("a winning D (real +8, fake -8)", full(8.0), full(-8.0)),
             ("random logits", rng.normal(0, 2, (32, 1)), rng.normal(-1, 2, (32, 1)))]
    g_losses = [("non-saturating", non_saturating_g_loss, lambda f: softplus(-f).mean()),
                ("minimax", minimax_g_loss, lambda f: -softplus(f).mean())]
    why = {"d_loss": "d_loss_fn(real_logits, fake_logits): cross-entropy, real 1 and fake 0.",
           "g_loss": "the generator loss it is given, on the fakes: g_loss_fn(fake_logits).",
           "d_real": "the mean of sigmoid(real_logits): D's probability that real data is real.",
           "d_fake": "the mean of sigmoid(fake_logits): D's probability that the fakes are "
                     "*real* (not 1 - that)."}
    for name, real, fake in cases:
        real, fake = real.astype("float32"), fake.astype("float32")
        r, f = real.astype("float64"), fake.astype("float64")
        for g_name, g_fn, g_ref in g_losses:
            got = four_numbers(real, fake, g_fn)
            if not isinstance(got, dict) or set(got) != set(why):
                raise AssertionError("four_numbers should return a dict with the keys "
                                     f"{sorted(why)}; got {got!r:.120}.")
            expected = {"d_loss": softplus(-r).mean() + softplus(f).mean(), "g_loss": g_ref(f),
                        "d_real": sigmoid(r).mean(), "d_fake": sigmoid(f).mean()}
            for key in why:
                c.close(got[key], expected[key], f"{key} for {name}, {g_name} G loss",
                        atol=1e-5, why=f"{key} is {why[key]}")
    return ("At the ideal end point: d_loss = 2 log 2, g_loss = log 2 (non-saturating) or "
            "-log 2 (minimax), D(x) = D(G(z)) = 0.5.")

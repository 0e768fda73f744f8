import math

import keras
import numpy as np
import pytest
from keras import ops

import gankit
from gankit import losses


def grads(fn, *values):
    """fn(*values) and its gradient w.r.t. each input, on whichever backend Keras runs
    (tests/test_backends.py runs this file on JAX and PyTorch too); 0 for an input that
    fn does not read."""
    xs = [np.array(v, np.float32) for v in values]
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        out, gs = jax.value_and_grad(fn, argnums=tuple(range(len(xs))))(*xs)
        return float(out), [np.asarray(g) for g in gs]
    if backend == "torch":
        import torch

        ts = [torch.tensor(x, requires_grad=True) for x in xs]
        out = fn(*ts)
        out.backward()
        return float(out.detach()), [np.zeros_like(x) if t.grad is None else t.grad.numpy()
                                     for t, x in zip(ts, xs)]
    import tensorflow as tf

    vs = [tf.Variable(x) for x in xs]
    with tf.GradientTape() as tape:
        out = fn(*vs)
    return float(out), [np.zeros_like(x) if g is None else g.numpy()
                        for g, x in zip(tape.gradient(out, vs), xs)]


@pytest.mark.parametrize("name", list(gankit.LOSSES))
def test_each_pair_pulls_the_right_way(name):
    pair = gankit.get_loss(name)
    # Between the targets, D's loss falls when real scores rise and fake scores fall
    _, (g_real, g_fake) = grads(pair.d_loss, [0.3, 0.6], [0.1, 0.4])
    assert np.all(g_real < 0) and np.all(g_fake > 0)
    # G's loss falls when D scores its fakes higher (every G loss takes the real scores;
    # only a paired one reads them, and there higher real scores push G's loss up)
    _, (g_g, g_r) = grads(pair.g_loss, [0.1, 0.4], [0.3, 0.6])
    assert np.all(g_g < 0)
    assert np.all(g_r > 0) if pair.paired else np.all(g_r == 0)


def test_known_values():
    # at D(x) = 0.5 everywhere the minimax D loss is 2 log 2 (its value at the optimum)
    d, _ = grads(losses.minimax_d_loss, [0.0], [0.0])
    assert d == pytest.approx(2 * math.log(2), rel=1e-6)
    assert float(losses.least_squares_d_loss(ops.ones(3), ops.zeros(3))) == 0.0
    assert float(losses.hinge_d_loss(ops.full((3,), 2.0), ops.full((3,), -2.0))) == 0.0
    assert float(losses.wasserstein_d_loss(ops.ones(3), ops.zeros(3))) == -1.0


def test_minimax_saturates_and_non_saturating_does_not():
    # a confident D (score -8 on fakes, D(G(z)) ~ 0.0003) leaves the minimax G with
    # almost no gradient, and the non-saturating G with a strong one
    _, (g_mm,) = grads(losses.minimax_g_loss, [-8.0])
    _, (g_ns,) = grads(losses.non_saturating_g_loss, [-8.0])
    assert abs(g_mm[0]) < 1e-3 and abs(g_ns[0]) > 0.99


def test_losses_are_finite_for_extreme_scores():
    big = ops.convert_to_tensor([-1e4, 1e4])
    for pair in gankit.LOSSES.values():
        assert np.isfinite(float(pair.d_loss(big, big)))
        assert np.isfinite(float(pair.g_loss(big, ops.flip(big, 0))))


def test_the_relativistic_loss_judges_pairs_by_their_difference():
    """RpGAN (the R3GAN baseline): D's loss is softplus(D(G(z)) - D(x)), G's the mirror;
    only the difference of a pair's scores counts, and at equal scores both are log 2."""
    d, (g_real, g_fake) = grads(losses.relativistic_d_loss, [0.5, -1.0], [0.5, -1.0])
    assert d == pytest.approx(math.log(2), rel=1e-6)
    assert np.allclose(g_real, -0.25) and np.allclose(g_fake, 0.25)   # -sigmoid(0) / 2
    real, fake = ops.convert_to_tensor([2.0, -1.0, 0.3]), ops.convert_to_tensor([0.0, 1.0, 0.1])
    for fn in (losses.relativistic_d_loss, lambda r, f: losses.relativistic_g_loss(f, r)):
        assert float(fn(real + 7.0, fake + 7.0)) == pytest.approx(float(fn(real, fake)), rel=1e-5)
    # G's loss is D's with the roles swapped: what one gains the other loses
    assert float(losses.relativistic_g_loss(fake, real)) == pytest.approx(
        float(losses.relativistic_d_loss(fake, real)), rel=1e-6)
    with pytest.raises(gankit.BadInputError, match="real_scores"):
        losses.relativistic_g_loss(fake)
    assert gankit.get_loss("relativistic").paired and not gankit.get_loss("hinge").paired


def test_r1_and_r2_are_the_mean_squared_slope():
    slopes = ops.convert_to_tensor(np.array([[3.0, 4.0], [0.0, 0.0]], "float32"))
    assert float(losses.r1_penalty(slopes)) == float(losses.r2_penalty(slopes)) == 12.5


def test_label_smoothing_moves_the_real_target():
    d0 = float(losses.minimax_d_loss(ops.full((1,), 10.0), ops.full((1,), -10.0)))
    d1 = float(losses.minimax_d_loss(ops.full((1,), 10.0), ops.full((1,), -10.0), real_label=0.9))
    assert d1 > d0 + 0.5  # a very confident D is now penalised


def test_bad_loss_settings():
    with pytest.raises(gankit.UnknownNameError, match="hinge"):
        gankit.get_loss("hinje")
    with pytest.raises(gankit.BadInputError, match="instance_noise"):
        losses.check_smoothing("wasserstein", 0.1)
    with pytest.raises(gankit.BadInputError, match=r"\[0, 0.5\)"):
        losses.check_smoothing("minimax", 0.7)


# --- DiffAugment (gankit.diffaugment): the same augmentation for real and fake ------------

def test_diffaugment_keeps_shapes_and_lets_gradients_through():
    from gankit.diffaugment import diff_augment

    x = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
    weights = np.random.default_rng(1).normal(size=x.shape).astype("float32")
    for policy in ("color", "translation", "cutout", "color,translation,cutout"):
        seed = keras.random.SeedGenerator(0)
        out = ops.convert_to_numpy(diff_augment(x, policy, seed=seed))
        assert out.shape == x.shape and np.isfinite(out).all(), policy
        # v * 1.0: a tensor, as in a training step (Keras's take_along_axis on TensorFlow
        # does not take the tf.Variable that grads() differentiates against)
        _, (g,) = grads(lambda v: ops.sum(ops.multiply(diff_augment(v * 1.0, policy, seed=seed),
                                                       weights)), x)
        # G learns through it: the gradient reaches the images, except where cut out
        assert np.isfinite(g).all() and np.abs(g).sum() > 0, policy
    assert np.array_equal(ops.convert_to_numpy(diff_augment(x, "")), x)


def test_diffaugment_operations_do_what_the_paper_says():
    from gankit import diffaugment as da

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (16, 8, 8, 3)).astype("float32")
    seed = keras.random.SeedGenerator(0)
    shift = ops.convert_to_numpy(da.brightness(x, seed)) - x
    per_image = shift.reshape(16, -1)
    assert np.allclose(per_image, per_image[:, :1], atol=1e-6)       # one shift per image
    assert np.abs(per_image).max() <= 0.5 and np.unique(per_image[:, 0].round(4)).size > 8
    assert np.allclose(ops.convert_to_numpy(da.contrast(x, seed)).mean(axis=(1, 2, 3)),
                       x.mean(axis=(1, 2, 3)), atol=1e-5)             # the mean stays
    assert np.allclose(ops.convert_to_numpy(da.saturation(x, seed)).mean(-1), x.mean(-1),
                       atol=1e-5)
    grey = x[..., :1]
    assert np.allclose(ops.convert_to_numpy(da.saturation(grey, seed)), grey)
    # translation: a single lit pixel moves by at most 1/8 of the size, and stays whole
    dot = np.zeros((16, 8, 8, 1), "float32")
    dot[:, 4, 4] = 1.0
    moved = ops.convert_to_numpy(da.translation(dot, seed))
    assert np.allclose(moved.sum(axis=(1, 2, 3)), 1.0)
    rows, cols = np.nonzero(moved[..., 0].reshape(16, 8, 8).max(2))[1], \
        np.nonzero(moved[..., 0].reshape(16, 8, 8).max(1))[1]
    assert np.abs(rows - 4).max() <= 1 and np.abs(cols - 4).max() <= 1
    assert len(set(zip(rows, cols))) > 1                                # images move apart
    # cutout: a square of half the size (clipped at the edge) set to 0, the rest kept
    ones = np.ones((16, 8, 8, 1), "float32")
    cut = ops.convert_to_numpy(da.cutout(ones, seed))[..., 0]
    zeros = (cut == 0).sum(axis=(1, 2))
    assert np.isin(cut, [0.0, 1.0]).all() and (zeros > 0).all() and (zeros <= 16).all()
    for image in cut == 0:
        r, c = np.nonzero(image)
        assert image[r.min():r.max() + 1, c.min():c.max() + 1].all()   # one rectangle


def test_ada_probability_decides_how_many_images_change():
    from gankit.diffaugment import diff_augment

    x = np.random.default_rng(0).uniform(-1, 1, (400, 8, 8, 1)).astype("float32")

    def changed(p):
        out = ops.convert_to_numpy(diff_augment(x, "color", seed=3, p=p))
        return np.abs(out - x).reshape(len(x), -1).max(1) > 1e-6

    assert not changed(0.0).any() and changed(1.0).all()
    # brightness or contrast (saturation leaves a one-channel image as it is)
    assert 0.8 < changed(0.3).mean() / (1 - 0.7 ** 2) < 1.2


def test_diffaugment_names_what_it_expects():
    from gankit.diffaugment import diff_augment

    with pytest.raises(gankit.UnknownNameError, match="translation"):
        diff_augment(np.zeros((2, 8, 8, 1)), "colour,translaton")
    with pytest.raises(gankit.BadInputError, match=r"\(N, H, W, C\)"):
        diff_augment(np.zeros((2, 8, 8)), "cutout")

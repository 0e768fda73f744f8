"""The modern pieces of a GAN's step (gankit.gan): the relativistic loss, whose G loss reads
D's scores for a real batch; the R1 and R2 penalties; DiffAugment and ADA on what D sees.
tests/test_backends.py runs this file on JAX and PyTorch too."""
import keras
import numpy as np
import pytest
from keras import ops

import gankit


def numbers(x):
    return float(ops.convert_to_numpy(x))


def image_gan(seed=0, **kwargs):
    """A tiny compiled DCGAN for 8x8 one-channel images."""
    gankit.seed_everything(seed)
    g = gankit.dcgan_generator(latent_dim=8, image_shape=(8, 8, 1), base_filters=4)
    d = gankit.dcgan_discriminator(image_shape=(8, 8, 1), base_filters=4, norm="layer")
    gan = gankit.GAN(g, d, seed=seed, **kwargs)
    gan.compile()
    return gan


def images(n=64, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 8, 8, 1)).astype("float32")


def points(n=64, seed=0):
    return ops.convert_to_tensor(gankit.ring8(n, seed=seed))


def at_same_draws(gan, *fns):
    """Each fn() run from the same state of the GAN's random numbers (the same noise)."""
    state = ops.convert_to_numpy(gan.seed_generator.state)
    out = []
    for fn in fns:
        gan.seed_generator.state.assign(state)
        out.append(fn())
    return out


def test_a_paired_g_loss_reads_the_real_batch_and_the_others_do_not(tiny_gan):
    """G's step scores a real batch for the relativistic loss, and only for it."""
    for loss, reads in (("relativistic", True), ("non-saturating", False), ("hinge", False)):
        gan = tiny_gan(loss=loss)
        a, again, b = at_same_draws(gan, *(lambda s=s: numbers(gan.g_loss(points(seed=s),
                                                                          None)[0])
                                           for s in (1, 1, 2)))
        assert a == pytest.approx(again, rel=1e-6)   # same noise, same real batch, same loss
        assert (abs(a - b) > 1e-4) == reads, loss    # another real batch: only paired moves


@pytest.mark.parametrize("make", ["points", "images", "conditional"])
def test_the_relativistic_gan_trains_on_every_model_kind(tiny_gan, make):
    if make == "points":
        gan, x, y = tiny_gan(loss="relativistic", r1=1.0, r2=1.0), gankit.ring8(256), None
    elif make == "images":
        gan, x, y = image_gan(loss="relativistic", r1=0.1, r2=0.1), images(), None
    else:
        g = gankit.mlp_generator(4, (2,), hidden=(16,), output_activation=None, num_classes=3)
        d = gankit.mlp_discriminator((2,), hidden=(16,), num_classes=3)
        gan = gankit.GAN(g, d, loss="relativistic", r1=1.0, seed=0)
        gan.compile()
        x, y = gankit.ring8(192), np.arange(192) % 3
    hist = gan.fit(x, y, batch_size=32, epochs=1, verbose=0)
    for name in ("d_loss", "g_loss", "r1"):
        assert np.isfinite(hist.history[name][-1]) and hist.history[name][-1] >= 0, name
    if make != "conditional":
        assert np.isfinite(hist.history["r2"][-1]) and hist.history["r2"][-1] >= 0


def test_r1_and_r2_add_half_gamma_times_each_slope_to_d_loss(tiny_gan):
    plain, penalised = tiny_gan(), tiny_gan(r1=2.0, r2=4.0)
    for net in ("generator", "discriminator"):
        getattr(penalised, net).set_weights(getattr(plain, net).get_weights())
    x = points()
    loss0, _ = plain.d_loss(x, None)
    loss1, logs = penalised.d_loss(x, None)   # same seed and weights: the same fakes
    assert numbers(logs["r1"]) > 0 and numbers(logs["r2"]) > 0
    assert numbers(loss1) == pytest.approx(
        numbers(loss0) + 0.5 * 2.0 * numbers(logs["r1"]) + 0.5 * 4.0 * numbers(logs["r2"]),
        rel=1e-5)
    # R1 at the real samples: the same as gankit's lazy R1 measures
    assert numbers(logs["r1"]) == pytest.approx(numbers(penalised.r1_penalty(x)), rel=1e-5)
    with pytest.raises(gankit.BadInputError, match="gamma"):
        tiny_gan(r1=-1.0)


def test_decay_penalties_lowers_the_gammas_tenfold_over_the_budget(tiny_gan):
    gan = tiny_gan(loss="relativistic", r1=1.0, r2=0.5)
    budget = gankit.StepBudget(8)
    seen = []

    class Watch(gankit.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.model   # JAX: fit()'s state into the variables
            seen.append((numbers(gan.r1_gamma), numbers(gan.r2_gamma)))

    decay = gankit.DecayPenalties(budget, to=0.1)
    gan.fit(gankit.ring8(256), batch_size=32, epochs=1, verbose=0,
            callbacks=[budget, decay, Watch()])
    assert seen[0] == pytest.approx((1.0, 0.5)) and len(seen) == 8
    assert seen[4] == pytest.approx((1.0 - 0.9 * 4 / 8, 0.5 * (1.0 - 0.9 * 4 / 8)))
    assert numbers(gan.r1_gamma) == 1.0   # put back for the next fit
    with pytest.raises(gankit.BadInputError, match="r1= or r2="):
        tiny_gan().fit(gankit.ring8(64), batch_size=32, epochs=1, verbose=0,
                       callbacks=[gankit.DecayPenalties(gankit.StepBudget(2))])


def test_augmentation_reaches_what_d_sees_in_both_steps_and_not_the_penalties():
    """DiffAugment's rule: every image D judges, real and fake, in D's step and in G's, goes
    through the same augmentation (so G is not taught to draw augmented images); the
    penalties look at the plain samples."""
    gan = image_gan(augment="translation,cutout", loss="relativistic", r1=1.0, r2=1.0,
                    gradient_penalty=1.0)
    x = images()
    seen = []
    plain_view = gan.d_view
    gan.d_view = lambda v: seen.append(v.shape[0]) or plain_view(v)
    gan.d_loss(ops.convert_to_tensor(x), None)
    assert seen == [64, 64]          # the real and the fake batch; the three penalties: none
    seen.clear()
    gan.g_loss(ops.convert_to_tensor(x), None)
    assert seen == [64, 64]          # the fakes, and the real batch the paired loss reads
    changed = ops.convert_to_numpy(plain_view(ops.convert_to_tensor(x)))
    assert np.abs(changed - x).reshape(64, -1).max(1).min() > 0   # each image is changed
    off = image_gan()
    assert np.array_equal(ops.convert_to_numpy(off.d_view(ops.convert_to_tensor(x))), x)


def test_ada_raises_p_while_d_is_sure_of_the_real_images_and_lowers_it_after():
    gan = image_gan(ada_target=0.6, ada_images=256)
    assert gan.augment == "color,translation,cutout" and numbers(gan.ada_p) == 0.0
    for rt, expected in ((1.0, 0.25), (1.0, 0.5), (0.2, 0.25), (0.0, 0.0), (0.0, 0.0)):
        gan.adapt_augmentation({"ada_rt": ops.convert_to_tensor(rt)}, 64)
        assert numbers(gan.ada_p) == pytest.approx(expected)   # 64 / 256 a step, in [0, 1]
    for _ in range(6):
        gan.adapt_augmentation({"ada_rt": ops.convert_to_tensor(0.9)}, 64)
    assert numbers(gan.ada_p) == 1.0
    # r_t is the mean sign of D's real scores: +1 when D is sure of every real image
    logs = gan.augmentation_logs(ops.convert_to_tensor([2.0, 1.0, -1.0, 3.0]), None)
    assert numbers(logs["ada_rt"]) == pytest.approx(0.5) and numbers(logs["ada_p"]) == 1.0


def test_ada_and_diffaugment_train_log_and_survive_saving(tmp_path):
    gan = image_gan(loss="relativistic", ada_target=0.6, ada_images=2_000, r1=0.1)
    hist = gan.fit(images(128), batch_size=32, epochs=2, verbose=0)
    assert 0.0 <= hist.history["ada_p"][-1] <= 1.0 and -1 <= hist.history["ada_rt"][-1] <= 1
    gan.sync()
    gan.ada_p.assign(0.37)
    path = tmp_path / "ada.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.augment == "color,translation,cutout" and loaded.ada_target == 0.6
    assert loaded.ada_images == 2_000 and loaded.loss_pair.name == "relativistic"
    assert numbers(loaded.ada_p) == pytest.approx(0.37) and numbers(loaded.r1_gamma) == pytest.approx(0.1)
    np.testing.assert_allclose(loaded.generate(4, seed=0), gan.generate(4, seed=0), atol=1e-6)
    plain = image_gan(augment="color")
    plain.fit(images(64), batch_size=32, epochs=1, verbose=0)
    assert plain.ada_p is None and "ada_p" not in plain.get_metrics_result()


def test_augmentation_and_penalties_say_what_they_need(tiny_gan):
    with pytest.raises(gankit.BadInputError, match=r"images \(H, W, C\)"):
        tiny_gan(augment="color")
    with pytest.raises(gankit.UnknownNameError, match="cutout"):
        image_gan(augment="colour,cutuot")
    with pytest.raises(gankit.BadInputError, match="0.6 in the paper"):
        image_gan(ada_target=1.5)
    g = gankit.dcgan_generator(latent_dim=8, image_shape=(8, 8, 1), base_filters=4,
                               num_classes=3)
    d = gankit.dcgan_discriminator(image_shape=(8, 8, 1), base_filters=4, aux_outputs=3)
    with pytest.raises(gankit.BadInputError, match="does not take r2"):
        gankit.ACGAN(g, d, r2=1.0)


def test_d_scores_part_training_images_from_held_out_ones_as_d_overfits():
    """gankit.callbacks.DScores: D's mean score and r_t on the images it trains on and on
    real ones it never sees. On 16 images for 90 steps, D learns them by heart."""
    gan = image_gan()
    gan.compile(keras.optimizers.Adam(3e-3), keras.optimizers.Adam(1e-4))
    train, held_out = images(16, seed=0), images(64, seed=1)
    watch = gankit.callbacks.DScores(train, held_out, every=30)
    gan.fit(train, batch_size=16, epochs=90, verbose=0, callbacks=[watch])
    assert [row["step"] for row in watch.history] == [0, 30, 60, 90]
    gap = [row["train"] - row["held_out"] for row in watch.history]
    assert abs(gap[0]) < 0.1 and gap[-1] > max(0.3, gap[1])   # they part, more and more
    last = watch.history[-1]
    assert last["rt_train"] >= last["rt_held_out"] and last["rt_train"] > 0.9
    with pytest.raises(gankit.BadInputError, match="one shape"):
        gankit.callbacks.DScores(train, held_out[..., 0])
    few = gankit.callbacks.DScores(train, held_out, n=10)   # at most 10 of each, kept whole
    assert few.train.shape == few.held_out.shape == (10, *train.shape[1:])
    assert all(any(np.array_equal(a, b) for b in held_out) for a in few.held_out)
    with pytest.raises(gankit.BadInputError, match="n >= 1"):
        gankit.callbacks.DScores(train, held_out, n=0)

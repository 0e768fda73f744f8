import numpy as np
import pytest

import keras
import gankit
from gankit.losses import LossPair


def weights(model):
    return [w.numpy().copy() for w in model.trainable_weights]


def changed(before, model):
    return any(not np.array_equal(a, b.numpy()) for a, b in zip(before, model.trainable_weights))


def data(n=256, seed=0):
    return gankit.ring8(n, seed=seed)


def test_fit_tracks_the_four_numbers(tiny_gan):
    gan = tiny_gan()
    hist = gan.fit(data(), batch_size=64, epochs=2, verbose=0)
    assert set(hist.history) >= {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(0 <= v <= 1 for v in hist.history["d_real"] + hist.history["d_fake"])


def test_the_g_step_never_moves_d_and_the_d_step_never_moves_g(tiny_gan):
    # With G's learning rate at 0 only D's step can change anything: G stays put.
    gan = tiny_gan()
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(0.0))
    g0, d0 = weights(gan.generator), weights(gan.discriminator)
    gan.fit(data(), batch_size=64, epochs=1, verbose=0)
    assert changed(d0, gan.discriminator) and not changed(g0, gan.generator)
    # With D's learning rate at 0, G's step (through D) must leave D's weights alone.
    gan = tiny_gan()
    gan.compile(keras.optimizers.Adam(0.0), keras.optimizers.Adam(1e-2))
    g0, d0 = weights(gan.generator), weights(gan.discriminator)
    gan.fit(data(), batch_size=64, epochs=1, verbose=0)
    assert changed(g0, gan.generator) and not changed(d0, gan.discriminator)


def test_each_optimizer_holds_state_for_its_own_network_only(tiny_gan):
    gan = tiny_gan()
    gan.fit(data(), batch_size=64, epochs=1, verbose=0)
    # Adam keeps two moments per weight
    d_slots = len(gan.d_optimizer.variables) - 2  # minus iterations and learning rate
    g_slots = len(gan.g_optimizer.variables) - 2
    assert d_slots == 2 * len(gan.discriminator.trainable_variables)
    assert g_slots == 2 * len(gan.generator.trainable_variables)


def test_d_steps_means_more_d_updates(tiny_gan):
    gan = tiny_gan(d_steps=3)
    gan.fit(data(128), batch_size=64, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 3 * int(gan.g_optimizer.iterations) == 6


def test_same_seed_same_run(tiny_gan):
    runs = []
    for _ in range(2):
        gan = tiny_gan(seed=7)
        gan.fit(data(), batch_size=64, epochs=2, verbose=0, shuffle=True)
        runs.append(weights(gan.generator) + weights(gan.discriminator))
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    other = tiny_gan(seed=8)
    other.fit(data(), batch_size=64, epochs=2, verbose=0)
    assert changed(runs[0][:len(other.generator.trainable_weights)], other.generator)


def test_save_and_load_resume_training(tiny_gan, tmp_path):
    gan = tiny_gan(loss="least-squares", instance_noise=0.1, info={"recipe": "test"})
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(5e-4))
    gan.fit(data(), batch_size=64, epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, gankit.GAN)
    assert loaded.loss_pair.name == "least-squares" and loaded.info == {"recipe": "test"}
    assert float(loaded.instance_noise.numpy()) == pytest.approx(0.1)
    assert float(loaded.g_optimizer.learning_rate.numpy()) == pytest.approx(5e-4)
    np.testing.assert_array_equal(loaded.generate(8, seed=1), gan.generate(8, seed=1))
    # both optimizers' state (step counts and Adam moments) came back
    assert int(loaded.d_optimizer.iterations) == int(gan.d_optimizer.iterations) == 4
    for a, b in zip(loaded.d_optimizer.variables + loaded.g_optimizer.variables,
                    gan.d_optimizer.variables + gan.g_optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    loaded.fit(data(), batch_size=64, epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations) == 8


@pytest.mark.parametrize("kwargs", [
    {"loss": "wasserstein", "gradient_penalty": 10.0, "d_steps": 2},
    {"loss": "wasserstein", "clip_weights": 0.01},
    {"loss": "hinge"},
    {"loss": "minimax", "label_smoothing": 0.1},
])
def test_variants_train(tiny_gan, kwargs):
    gan = tiny_gan(**kwargs)
    hist = gan.fit(data(), batch_size=64, epochs=1, verbose=0)
    assert np.isfinite(hist.history["d_loss"][-1])
    if "gradient_penalty" in kwargs:
        assert "gp" in hist.history and hist.history["gp"][-1] >= 0
    if "clip_weights" in kwargs:
        assert max(float(np.abs(w.numpy()).max())
                   for w in gan.discriminator.trainable_weights) <= 0.01 + 1e-7


def conditional_gan():
    """A small compiled conditional 2D GAN (3 classes), and 256 points with labels."""
    gankit.seed_everything(0)
    g = gankit.mlp_generator(4, (2,), hidden=(16,), output_activation=None, num_classes=3)
    d = gankit.mlp_discriminator((2,), hidden=(16,), num_classes=3)
    gan = gankit.GAN(g, d, seed=0)
    gan.compile()
    return gan, data(), np.arange(256) % 3


def test_conditional_gan_trains_and_generates_classes():
    gan, x, y = conditional_gan()
    gan.fit(x, y, batch_size=64, epochs=1, verbose=0)
    assert gan.num_classes == 3 and gan.generate(5).shape == (5, 2)
    with pytest.raises(gankit.BadInputError, match=r"\(images, labels\)"):
        gan.fit(x, batch_size=64, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match=r"\[0, 2\]"):
        gan.fit(x, np.full(256, 5), batch_size=64, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match=r"\[0, 2\]"):
        gan.generate(2, labels=[0, 3])


def test_bad_data_and_models_are_explained(tiny_gan):
    gan = tiny_gan()
    with pytest.raises(gankit.BadInputError, match=r"\(N, 2\)"):
        gan.fit(np.zeros((10, 3), "float32"), epochs=1, verbose=0)
    img_gan = gankit.GAN(gankit.dcgan_generator(8, base_filters=8),
                         gankit.dcgan_discriminator(base_filters=8))
    with pytest.raises(gankit.BadInputError, match="to_unit_range"):
        img_gan.fit(np.full((4, 28, 28, 1), 200.0, "float32"), epochs=1, verbose=0)
    for pixels in (np.full((4, 28, 28, 1), 200, "uint8"), np.ones((4, 28, 28, 1), "uint8")):
        with pytest.raises(gankit.BadInputError, match="raw pixels.*to_unit_range"):
            img_gan.fit(pixels, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="no real data"):
        img_gan.fit(np.zeros((0, 28, 28, 1), "float32"), epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="no real data"):
        gan.fit(np.zeros((0, 2), "float32"), epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="astype"):
        gan.fit(np.zeros((10, 2), "int64"), epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="discriminator expects"):
        gankit.GAN(gankit.dcgan_generator(8, base_filters=8),
                   gankit.dcgan_discriminator((32, 32, 1), base_filters=8))
    with pytest.raises(gankit.BadInputError, match="separate optimizer"):
        opt = keras.optimizers.Adam()
        gan.compile(opt, opt)
    with pytest.raises(gankit.BadInputError, match="hinge"):
        tiny_gan(loss="hinge", label_smoothing=0.1)


def test_nan_stops_training_with_advice_and_restores_weights(tiny_gan):
    calls = {"n": 0}
    pair = gankit.get_loss("non-saturating")
    # a loss that is fine for a while, then turns NaN (a stand-in for a blow-up)
    import keras.ops as ops
    def d_loss(real, fake, real_label=1.0):
        return pair.d_loss(real, fake, real_label) + ops.log(
            ops.where(gan.d_optimizer.iterations < 60, 1.0, -1.0))
    gan = tiny_gan(loss=LossPair("exploding", d_loss, pair.g_loss, True, ""))
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    with pytest.raises(gankit.TrainingDivergedError, match="learning rates") as e:
        gan.fit(data(4096), batch_size=32, epochs=1, verbose=0)
    assert "restored to step 50" in str(e.value)
    assert all(np.isfinite(w.numpy()).all() for w in gan.trainable_weights)


def test_ctrl_c_keeps_what_was_learned(tiny_gan, capsys):
    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                raise KeyboardInterrupt

    gan = tiny_gan()
    g0 = weights(gan.generator)
    gan.fit(data(1024), batch_size=32, epochs=5, verbose=0, callbacks=[Interrupt()])
    assert int(gan.g_optimizer.iterations) == 3
    assert changed(g0, gan.generator)
    assert "keeps what it learned" in capsys.readouterr().out


def test_ctrl_c_as_a_signal_stops_after_the_current_step(tiny_gan, capsys):
    import os
    import signal

    class PressCtrlC(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C or the stop button sends

    gan = tiny_gan()
    before = signal.getsignal(signal.SIGINT)
    gan.fit(data(1024), batch_size=32, epochs=5, verbose=0, callbacks=[PressCtrlC()])
    assert int(gan.g_optimizer.iterations) == 3
    assert "keeps what it learned" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGINT) is before  # the usual Ctrl-C is back


def test_generate_is_repeatable(tiny_gan):
    gan = tiny_gan()
    np.testing.assert_array_equal(gan.generate(10, seed=3), gan.generate(10, seed=3))
    assert not np.array_equal(gan.generate(10, seed=3), gan.generate(10, seed=4))
    with pytest.raises(gankit.BadInputError):
        gan.generate(0)
    p = gan.discriminate(data(10))
    assert p.shape == (10,) and np.all((p >= 0) & (p <= 1))


def test_ema_generator_follows_g_slowly_and_survives_saving(tiny_gan, tmp_path):
    gan = tiny_gan(ema=0.9)
    np.testing.assert_array_equal(gan.generate(8, seed=1), gan.generate(8, seed=1, average=False))
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    g0 = [w.numpy().copy() for w in gan.generator.weights]
    gan.fit(data(), batch_size=64, epochs=5, verbose=0)
    # the average trails G: it has moved away from the start, but less far than G has
    moved_g = sum(np.abs(w.numpy() - a).sum() for w, a in zip(gan.generator.weights, g0))
    moved_avg = sum(np.abs(w.numpy() - a).sum() for w, a in zip(gan.ema_generator.weights, g0))
    assert 0 < moved_avg < moved_g
    assert not np.array_equal(gan.generate(8, seed=1), gan.generate(8, seed=1, average=False))
    path = tmp_path / "ema.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.ema == 0.9
    np.testing.assert_array_equal(loaded.generate(8, seed=1), gan.generate(8, seed=1))
    with pytest.raises(gankit.BadInputError, match="decay between 0 and 1"):
        tiny_gan(ema=1.5)


def test_step_updates_only_the_network_it_names(tiny_gan):
    gan = tiny_gan()
    x = data(64)
    g0, d0 = weights(gan.generator), weights(gan.discriminator)
    out = gan.step(x, update="d")
    assert set(out) == {"d_loss", "d_real", "d_fake"}
    assert changed(d0, gan.discriminator) and not changed(g0, gan.generator)
    d1 = weights(gan.discriminator)
    out = gan.step(x, update="g")
    assert "g_loss" in out and changed(g0, gan.generator) and not changed(d1, gan.discriminator)
    out = gan.step(x)
    assert set(out) == {"d_loss", "d_real", "d_fake", "g_loss"}
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 2
    with pytest.raises(gankit.BadInputError, match='"both", "d" or "g"'):
        gan.step(x, update="discriminator")


def test_packing_shows_d_groups_of_samples_side_by_side():
    g = gankit.mlp_generator(4, (2,), hidden=(16,), output_activation=None)
    gan = gankit.GAN(g, gankit.mlp_discriminator((6,), hidden=(16,)), pack=3, seed=0)
    x = np.arange(12, dtype="float32").reshape(6, 2)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(gan.d_inputs(x, None)),
                                  x.reshape(2, 6))
    gan.compile()
    hist = gan.fit(data(), batch_size=100, epochs=1, verbose=0)  # 100 is not a multiple of 3
    assert np.isfinite(hist.history["d_loss"][-1])
    with pytest.raises(gankit.BadInputError, match=r"build D for \(6,\)"):
        gankit.GAN(g, gankit.mlp_discriminator((2,), hidden=(16,)), pack=3)
    with pytest.raises(gankit.BadInputError, match="packs of 3"):
        gan.discriminate(x)


def test_the_image_recipe_packs_images_as_channels():
    """fashion_gan(pack=2), PacGAN on images (benchmarks/remedies.py's PacGAN2 row): D sees
    two 28x28 images as one with 2 channels, and the GAN trains."""
    gan = gankit.recipes.fashion_gan(0, pack=2)
    assert tuple(gan.discriminator.inputs[0].shape[1:]) == (28, 28, 2) and gan.pack == 2
    x = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    assert keras.ops.convert_to_numpy(gan.d_inputs(x, None)).shape == (32, 28, 28, 2)
    hist = gan.fit(x, batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(hist.history["d_loss"][-1])


def test_callbacks_see_the_weights_of_every_step(tiny_gan):
    # On JAX, fit() keeps the weights outside the variables between steps; a callback
    # must still see each step's weights, through self.model or a GAN it holds itself.
    class Watch(keras.callbacks.Callback):
        seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append((weights(self.model.generator), gan.generate(4, seed=0)))

    gan = tiny_gan()
    watch = Watch()
    gan.fit(data(256), batch_size=64, epochs=1, verbose=0, callbacks=[watch])
    assert len(watch.seen) == 4
    for (w0, s0), (w1, s1) in zip(watch.seen, watch.seen[1:]):
        assert any(not np.array_equal(a, b) for a, b in zip(w0, w1))
        assert not np.array_equal(s0, s1)
    np.testing.assert_array_equal(watch.seen[-1][1], gan.generate(4, seed=0))


def test_a_callback_can_change_a_learning_rate_while_training(tiny_gan):
    class FreezeD(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.d_optimizer.learning_rate.assign(0.0)
                self.d = weights(self.model.discriminator)

    gan, freeze = tiny_gan(), FreezeD()
    gan.fit(data(256), batch_size=64, epochs=1, verbose=0, callbacks=[freeze])
    assert int(gan.d_optimizer.iterations) == 4
    assert not changed(freeze.d, gan.discriminator)


def test_rejection_sampling_keeps_what_d_finds_real():
    # G draws z ~ N(0, I) as it is; D's logit says "real data has x0 near 0". Keeping
    # samples with probability ~ exp(logit) must squeeze x0 and leave x1 alone.
    z = keras.Input((2,))
    g = keras.Model(z, keras.layers.Dense(2, kernel_initializer="identity", use_bias=False)(z))
    x = keras.Input((2,))
    x0 = keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(
        [[1.0], [0.0]]))(x)
    d = keras.Model(x, keras.layers.Lambda(lambda t: -8.0 * t ** 2)(x0))
    gan = gankit.GAN(g, d, seed=0)
    plain = gan.generate(4000, seed=1)
    kept = gan.generate(4000, seed=1, rejection=True)
    assert kept.shape == (4000, 2) and np.isfinite(kept).all()
    assert 0.9 < plain[:, 0].std() < 1.1
    assert kept[:, 0].std() < 0.45  # exactly: 1 / sqrt(17) = 0.24, a bit more with the shift
    assert 0.9 < kept[:, 1].std() < 1.1
    np.testing.assert_array_equal(kept, gan.generate(4000, seed=1, rejection=True))


def test_rejection_sampling_explains_when_it_does_not_apply(tiny_gan):
    with pytest.raises(gankit.BadInputError, match="cross-entropy"):
        tiny_gan(loss="hinge").generate(10, rejection=True)
    g = gankit.mlp_generator(4, (2,), hidden=(16,), output_activation=None, num_classes=3)
    d = gankit.mlp_discriminator((2,), hidden=(16,), num_classes=3)
    gan = gankit.GAN(g, d, seed=0)
    assert gan.generate(7, labels=[0, 1, 2, 0, 1, 2, 0], rejection=True).shape == (7, 2)
    with pytest.raises(gankit.BadInputError, match="keep"):
        gan.generate(7, rejection={"keep": 0.0})


def test_an_untrained_gan_saves_and_loads_without_optimizer_warnings(tiny_gan, tmp_path):
    import warnings

    gan = tiny_gan()
    gan.save(tmp_path / "fresh.keras")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = keras.saving.load_model(tmp_path / "fresh.keras")
    assert not [w for w in caught if "Skipping variable loading" in str(w.message)]
    np.testing.assert_array_equal(back.generate(5, seed=1), gan.generate(5, seed=1))


@pytest.mark.slow
def test_an_xla_compiled_gan_trains_saves_and_resumes(tmp_path):
    # the best-* recipes compile their step with XLA; PyTorch has no XLA and trains as usual
    options = {**gankit.recipes.BEST_TOY, "hidden": (16, 16), "d_hidden": (16, 16)}
    gan = gankit.recipes.toy_gan(0, "ring8", **options)
    xla = keras.backend.backend() != "torch"
    assert gan.jit_compile is xla
    gan.fit(data(512), batch_size=64, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 8
    gan.save(tmp_path / "xla.keras")
    loaded = keras.saving.load_model(tmp_path / "xla.keras")
    assert loaded.jit_compile is xla
    np.testing.assert_array_equal(loaded.generate(8, seed=1), gan.generate(8, seed=1))
    loaded.fit(data(512), batch_size=64, epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations) == 16


def test_step_budget_counts_the_short_group_at_an_epoch_end(tiny_gan):
    """10 batches per epoch in groups of 4 end with a group of 2: a budget of 12 steps
    must not take that group for 4 (it stopped 2 steps short on JAX, which counts calls)."""
    groups = 1 if keras.backend.backend() == "torch" else 4  # Keras runs torch 1 by 1
    gan = tiny_gan()
    gan.compile(gan.d_optimizer, gan.g_optimizer, steps_per_execution=groups)
    budget = gankit.StepBudget(12)
    gan.fit(gankit.ring8(40, seed=0), batch_size=4, epochs=100, verbose=0, callbacks=[budget])
    done = int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations))
    assert done == budget.steps == (14 if groups == 4 else 12)  # 10, then a group of 4


def test_r1_steps_flatten_d_at_the_data_and_leave_g_alone(tiny_gan):
    gan = tiny_gan()
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    x = keras.ops.convert_to_tensor(data(256))
    before = float(keras.ops.convert_to_numpy(gan.r1_penalty(x)))
    g0, d0 = weights(gan.generator), weights(gan.discriminator)
    for _ in range(30):   # what LazyR1 compiles: one D update on the penalty alone
        penalty, _ = gan.update(gan.discriminator, gan.d_optimizer,
                                lambda: (gan.r1_penalty(x), {}))
    assert np.isfinite(float(keras.ops.convert_to_numpy(penalty)))
    assert float(keras.ops.convert_to_numpy(gan.r1_penalty(x))) < 0.5 * before  # D's slope at the real samples fell
    assert changed(d0, gan.discriminator) and not changed(g0, gan.generator)
    assert int(gan.d_optimizer.iterations) == 30 and int(gan.g_optimizer.iterations) == 0


def test_lazy_r1_steps_every_n_steps_until_its_share_of_the_budget(tiny_gan):
    groups = 1 if keras.backend.backend() == "torch" else 4  # Keras runs torch 1 by 1
    gan = tiny_gan()
    gan.compile(gan.d_optimizer, gan.g_optimizer, steps_per_execution=groups)
    budget = gankit.StepBudget(40)
    r1 = gankit.LazyR1(data(1024), 1.0, budget, until=0.5, every=8, batch_size=32)
    gan.fit(data(1024), batch_size=32, epochs=100, verbose=0, callbacks=[budget, r1])
    # R1 steps after steps 8 and 16; from step 20 (half the budget) on it is off
    assert r1.taken == 2
    assert int(gan.d_optimizer.iterations) == 40 + 2 and int(gan.g_optimizer.iterations) == 40
    with pytest.raises(gankit.BadInputError, match="gamma > 0"):
        gankit.LazyR1(data(), 0.0)
    with pytest.raises(gankit.BadInputError, match="budget"):
        gankit.LazyR1(data(), 0.01, until=0.5)


def test_lazy_r1_draws_the_labels_with_the_samples_for_a_conditional_gan():
    gan, x, y = conditional_gan()
    assert np.isfinite(float(keras.ops.convert_to_numpy(gan.r1_penalty(x, y))))
    r1 = gankit.LazyR1((x, y), 1.0, every=1, batch_size=32)
    gan.fit(x, y, batch_size=64, epochs=2, verbose=0, callbacks=[r1])
    assert r1.taken == 8 and int(gan.d_optimizer.iterations) == 8 + 8

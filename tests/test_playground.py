"""The live widgets driven from Python, as a student drives them with the mouse:
set a slider, press a button, check the GAN and the picture changed."""
import asyncio
import time

import keras
import numpy as np
import pytest

import gankit
from gankit.live import TrainingPanel
from gankit.playground import Playground


def _wait_until(condition, timeout=60.0, state=lambda: ""):
    """Poll ``condition``; on time-out say what ``state()`` shows (e.g. the status line,
    where a worker thread that stopped on an error writes it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting; {state()}")
        time.sleep(0.02)


def _small(**kwargs):
    """A playground small enough to step in milliseconds."""
    kwargs = {"width": 16, "depth": 1, "batch_size": 64, "n_show": 200, **kwargs}
    return Playground(**kwargs)


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_slider_then_step_both_trains_and_redraws():
    pg = _small()
    first = pg.png
    assert first.startswith(b"\x89PNG") and pg.step_count == 0
    pg.controls["d_steps"].value = 3          # the D:G slider
    pg.buttons["step_both"].click()
    assert (pg.step_count, pg.d_updates, pg.g_updates) == (1, 3, 1)
    assert set(pg.history) == {"d_loss", "d_real", "d_fake", "g_loss"}
    assert pg.png != first and pg.view.value == pg.png
    assert "step 1" in pg.status.value and "D:G 3:1" in pg.status.value
    assert pg.modes and pg.modes[-1][0] == 1   # ring8: modes counted every frame


@pytest.mark.slow
def test_step_d_moves_only_d_and_step_g_only_g():
    pg = _small()
    g0, d0 = _weights(pg.gan.generator), _weights(pg.gan.discriminator)
    pg.buttons["step_d"].click()
    g1, d1 = _weights(pg.gan.generator), _weights(pg.gan.discriminator)
    assert _same(g0, g1) and not _same(d0, d1)
    pg.buttons["step_g"].click()
    assert _same(d1, _weights(pg.gan.discriminator))
    assert not _same(g1, _weights(pg.gan.generator))
    assert (pg.d_updates, pg.g_updates, pg.step_count) == (1, 1, 2)
    assert "stepped G only" in pg.status.value


def test_play_trains_in_the_background_and_pause_stops_it():
    pg = _small(frame_seconds=0.05)
    frames = pg.frames
    pg.buttons["play"].click()
    assert pg.playing                          # play returned at once: the kernel is free
    _wait_until(lambda: pg.step_count >= 5 and pg.frames >= frames + 2,
                state=lambda: f"steps {pg.step_count}, frames {pg.frames - frames}, "
                              f"playing {pg.playing}, status {pg.status.value!r}")
    pg.buttons["pause"].click()
    assert not pg.playing
    held, png = pg.step_count, pg.png
    time.sleep(0.3)
    assert pg.step_count == held and pg.png == png
    assert pg.steps_per_second > 0 and pg.frames_per_second > 0
    assert "paused" in pg.status.value


def test_learning_rate_sliders_set_the_optimizer_variables_even_while_playing():
    pg = _small(frame_seconds=0.05)
    pg.controls["d_lr"].value = 3e-3
    assert float(pg.gan.d_optimizer.learning_rate.numpy()) == pytest.approx(3e-3)
    pg.play()
    try:
        pg.controls["g_lr"].value = 2e-4
        assert float(pg.gan.g_optimizer.learning_rate.numpy()) == pytest.approx(2e-4)
    finally:
        pg.pause()
    assert "G lr 2.0e-04" in pg.status.value


def test_reset_and_architecture_controls_rebuild_the_gan():
    pg = _small()
    pg.step()
    old = pg.gan
    pg.buttons["reset"].click()
    assert pg.gan is not old and pg.step_count == 0 and pg.history == {}
    pg.controls["width"].value = 24            # an architecture control: rebuilt at once
    dense = [l for l in pg.gan.discriminator.layers if isinstance(l, keras.layers.Dense)]
    assert dense[0].units == 24 and "rebuilt for width = 24" in pg.status.value
    with pytest.raises(gankit.BadInputError):
        pg.set(colour="red")


def test_set_changes_several_controls_with_one_rebuild():
    pg = _small()
    built = []
    pg._build = lambda message, build=pg._build: (built.append(message), build(message))
    pg.set(loss="wasserstein-gp", latent_dim=3, d_lr=1e-4)
    assert built == ["rebuilt for loss = wasserstein-gp, latent_dim = 3"]
    assert pg.gan.loss_pair.name == "wasserstein" and pg.gan.gp_weight == 10.0
    assert pg.gan.latent_dim == 3
    assert float(pg.gan.d_optimizer.learning_rate.numpy()) == pytest.approx(1e-4)
    pg.step()
    assert pg.step_count == 1 and np.isfinite(pg.history["d_loss"][1]).all()
    pg.set(g_lr=5e-4)                          # no rebuild: the rate changes in place
    assert len(built) == 1 and pg.step_count == 1
    assert float(pg.gan.g_optimizer.learning_rate.numpy()) == pytest.approx(5e-4)


def test_uniform_noise_makes_a_generator_with_uniform_z():
    pg = _small(noise="uniform")
    assert any(isinstance(l, gankit.models.UniformNoise) for l in pg.gan.generator.layers)
    z = np.random.default_rng(0).standard_normal((20_000, 1)).astype("float32")
    u = keras.ops.convert_to_numpy(gankit.models.UniformNoise()(z))
    assert -1 <= u.min() and u.max() <= 1
    assert abs(u.mean()) < 0.02 and abs(u.var() - 1 / 3) < 0.02   # U(-1, 1) has variance 1/3
    pg.step()
    assert np.isfinite(pg.gan.generate(10, seed=0)).all()


@pytest.mark.parametrize("dataset", ["mixture1d", "grid25"])
def test_other_datasets_draw(dataset):
    pg = _small(dataset=dataset)
    first = pg.png
    pg.step()
    assert pg.png != first
    assert bool(pg.modes) == (dataset == "grid25")
    assert pg.real.shape[1] == (1 if dataset == "mixture1d" else 2)


def test_saved_notebooks_get_a_picture_with_the_widget():
    pg = _small()
    bundle = pg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    import base64

    assert base64.b64decode(bundle["image/png"]) == pg.png
    assert "Playground(ring8" in bundle["text/plain"]


def test_unknown_names_say_what_exists():
    with pytest.raises(gankit.UnknownNameError, match="ring8"):
        Playground(dataset="ring9")
    with pytest.raises(gankit.BadInputError, match="batch_size"):
        Playground(batch_size=100)


def _tiny_2d_gan():
    gankit.seed_everything(0)
    gan = gankit.GAN(gankit.mlp_generator(2, (2,), hidden=(16,), output_activation=None),
                     gankit.mlp_discriminator((2,), hidden=(16,)), seed=0)
    gan.compile()
    return gan


def test_training_panel_pause_holds_fit_and_sliders_act_during_training():
    gan = _tiny_2d_gan()
    pts = gankit.ring8(2048, seed=0)
    panel = TrainingPanel(gan, real=pts, every=0.1)
    first = panel.png
    budget = gankit.TimeBudget(minutes=0.5)
    run = panel.fit(pts, batch_size=64, epochs=1000, callbacks=[budget])
    try:
        _wait_until(lambda: panel.step >= 3)
        panel.buttons["pause"].click()
        _wait_until(lambda: panel.paused)
        held = int(gan.g_optimizer.iterations.numpy())
        time.sleep(0.5)
        assert int(gan.g_optimizer.iterations.numpy()) == held and panel.step == held
        assert "paused" in panel.status.value
        panel.controls["g_lr"].value = 1e-3
        assert float(gan.g_optimizer.learning_rate.numpy()) == pytest.approx(1e-3)
        panel.buttons["resume"].click()
        _wait_until(lambda: panel.step > held + 2)
    finally:
        panel.buttons["stop"].click()
    history = run.wait(timeout=10)
    assert run.done and history is not None
    assert budget.elapsed < 0.5 * 60 and budget.start is not None
    assert panel.png != first and "finished" in panel.status.value
    assert len(panel.history["d_loss"]) == panel.step


def test_training_run_can_be_awaited():
    gan = _tiny_2d_gan()
    pts = gankit.ring8(512, seed=0)
    panel = TrainingPanel(gan, real=pts)

    async def main():
        return await panel.fit(pts, batch_size=64, epochs=2)

    history = asyncio.run(main())
    assert len(history.history["d_loss"]) == 2 and panel.step == 16


@pytest.mark.slow
def test_training_panel_draws_image_samples_and_curves():
    gankit.seed_everything(0)
    gan = gankit.GAN(gankit.dcgan_generator(8, (8, 8, 1), base_filters=4),
                     gankit.dcgan_discriminator((8, 8, 1), base_filters=4), seed=0)
    panel = TrainingPanel(gan, n=9)
    first = panel.png
    assert panel.picture.images
    assert panel.picture._samples.get_array().shape == (26, 26)   # 3x3 grid of 8x8
    for i in range(3):                      # what fit's loop calls after each step
        panel.on_train_batch_end(i, {"d_loss": 1.0 + i, "g_loss": 0.5, "d_real": 0.6,
                                     "d_fake": 0.4})
    panel.on_train_end()
    assert panel.history["d_loss"] == pytest.approx([1.0, 3.0, 5.0])  # per-step, not means
    assert panel.png != first and "finished after 3 steps" in panel.status.value
    # 1D values: their density over the real one (lesson 01's live picture)
    real = gankit.mixture1d(1000, seed=0)
    line = TrainingPanel(gankit.GAN(gankit.mlp_generator(2, (1,), output_activation=None),
                                    gankit.mlp_discriminator((1,))), real=real)
    assert line.png.startswith(b"\x89PNG") and type(line.picture._samples).__name__ == "StepPatch"
    with pytest.raises(gankit.BadInputError, match="images, 2D points or 1D values"):
        TrainingPanel(gankit.GAN(gankit.mlp_generator(2, (4,), output_activation=None),
                                 gankit.mlp_discriminator((4,))))

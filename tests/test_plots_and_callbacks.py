import keras
import matplotlib
import numpy as np
import pytest

import gankit
from gankit.schedule import steps_per_second


def test_image_grid_lays_out_and_labels_rows():
    imgs = np.linspace(-1, 1, 12 * 8 * 8).reshape(12, 8, 8, 1)
    fig = gankit.image_grid(imgs, ncols=4, title="t", row_labels=["a", "b", "c"])
    ax = fig.axes[0]
    assert ax.get_title() == "t"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    shown = ax.images[0].get_array()
    assert shown.shape == (3 * 9 - 1, 4 * 9 - 1) and shown.min() >= 0 and shown.max() <= 1
    with pytest.raises(gankit.BadInputError):
        gankit.image_grid(np.zeros((2, 3)))


def test_plot_history_draws_both_panels(tiny_gan):
    gan = tiny_gan()
    hist = gan.fit(gankit.ring8(256, seed=0), batch_size=64, epochs=3, verbose=0)
    fig = gankit.plot_history(hist)
    assert [a.get_title() for a in fig.axes] == ["Losses", "What D says"]
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 2


def test_2d_view_shows_heatmap_points_and_arrows(tiny_gan):
    gan = tiny_gan()
    fig = gankit.plot_2d_gan(gan, gankit.ring8(300, seed=0), n=200)
    ax = fig.axes[0]
    kinds = {type(c).__name__ for c in ax.collections} | {type(i).__name__ for i in ax.images}
    assert {"AxesImage", "PathCollection", "Quiver"} <= kinds
    assert fig.axes[1].get_ylabel() == "D(x): probability real"   # the colour bar
    field = gankit.plots.discriminator_field(gan, 2.0, resolution=20)
    prob = field.colour
    assert prob.shape == (20, 20) and np.all((prob >= 0) & (prob <= 1))
    # the arrows follow D's score: finite differences agree with the direction of
    # increasing probability
    i, j = 10, 10
    gx = field.grads[0]
    assert np.sign(gx[i, j]) == np.sign(prob[i, j + 1] - prob[i, j - 1]) or gx[i, j] == 0


def test_one_heatmap_drawing_reads_each_loss_on_its_own_scale():
    """plot_2d_gan and the playground draw D with plots.FieldView: a hinge D's scores are
    shown as scores (no probability to show), a critic's centred and scaled."""
    real = gankit.ring8(300, seed=0)
    for loss, label in (("hinge", "D(x): score (+1 real, -1 fake)"),
                        ("wasserstein", "critic score, scaled")):
        gan = gankit.GAN(gankit.mlp_generator(2, (2,), hidden=(8,), output_activation=None),
                         gankit.mlp_discriminator((2,), hidden=(8,)), loss=loss, seed=0)
        gan.compile()
        fig = gankit.plot_2d_gan(gan, real, n=100)
        assert fig.axes[1].get_ylabel() == label
        field = gankit.plots.discriminator_field(gan, 2.0, resolution=20)
        raw = gan.scores(np.stack([a.ravel() for a in np.meshgrid(field.xs, field.xs)], 1))
        if loss == "hinge":   # the raw score itself
            np.testing.assert_allclose(field.colour.ravel(), raw, rtol=1e-5, atol=1e-6)
        else:                 # centred on its median, 98% of it within [-1, 1]
            assert abs(np.median(field.colour)) < 1e-6
            assert np.mean(np.abs(field.colour) <= 1.0) >= 0.97
    pg = gankit.Playground(width=8, depth=1, batch_size=64, n_show=100, loss="hinge")
    assert isinstance(pg._field, gankit.plots.FieldView)
    assert pg._field.heat.axes.figure is pg.canvas.fig


def test_live_training_snapshots_and_budget(tiny_gan):
    gan = tiny_gan()
    live = gankit.LiveTraining(every=2, real=gankit.ring8(100, seed=0), show=False)
    snaps = gankit.Snapshots(n=8, every=2)
    budget = gankit.TimeBudget(minutes=10)
    gan.fit(gankit.ring8(256, seed=0), batch_size=64, epochs=2, verbose=0,
            callbacks=[live, snaps, budget])
    assert len(live.history["d_loss"]) == 8
    assert isinstance(live.figure, matplotlib.figure.Figure)
    assert [s for s, _ in snaps.frames] == [0, 2, 4, 6, 8]
    assert budget.steps == 8 and steps_per_second(budget) > 0
    html = gankit.animate_samples(snaps.frames)
    assert "<img" in html.data or "animation" in html.data.lower()


def test_time_budget_stops_training(tiny_gan):
    gan = tiny_gan()
    budget = gankit.TimeBudget(minutes=0.02)  # 1.2 s
    gan.fit(gankit.ring8(10_000, seed=0), batch_size=32, epochs=1000, verbose=0,
            callbacks=[budget])
    assert 1.2 <= budget.elapsed < 30
    assert int(gan.g_optimizer.iterations) == budget.steps


def test_step_budget_stops_after_exactly_its_steps_even_in_groups(tiny_gan):
    gan = tiny_gan()
    gan.compile(gan.d_optimizer, gan.g_optimizer, steps_per_execution=4)
    budget = gankit.StepBudget(12)
    decay = gankit.DecayLearningRates(budget, start=0.5)
    gan.fit(gankit.ring8(10_000, seed=0), batch_size=32, epochs=1000, verbose=0,
            callbacks=[budget, decay])
    assert budget.steps == 12 == int(gan.g_optimizer.iterations) and budget.fraction == 1.0
    gan.fit(gankit.ring8(10_000, seed=0), batch_size=32, epochs=1000, verbose=0,
            callbacks=[budget])  # counts from the start of each fit
    assert int(gan.g_optimizer.iterations) == 24
    with pytest.raises(gankit.BadInputError, match="steps"):
        gankit.StepBudget(0)


def test_callbacks_count_steps_when_keras_runs_them_in_groups(tiny_gan):
    # compile(steps_per_execution=4) calls the callbacks once per 4 steps; every
    # count and "every N steps" must still be in steps, and the per-step values
    # recovered from Keras's running means must stay the right ones.
    gan = tiny_gan()
    gan.compile(gan.d_optimizer, gan.g_optimizer, steps_per_execution=4)
    live = gankit.LiveTraining(every=8, show=False)
    snaps = gankit.Snapshots(n=4, every=8)
    budget = gankit.TimeBudget(minutes=10)
    gan.fit(gankit.ring8(1024, seed=0), batch_size=64, epochs=1, verbose=0,
            callbacks=[live, snaps, budget])
    assert budget.steps == 16 == int(gan.g_optimizer.iterations)
    assert [s for s, _ in snaps.frames] == [0, 8, 16]
    assert len(live.history["d_loss"]) == 4  # one value per group of 4 steps


def test_mode_counter_and_step_log_record_every_step_in_steps(tiny_gan):
    # lesson 09's instruments: modes counted at the start, every 8 steps and at the end;
    # each step's own losses, whose mean is Keras's running mean over the epoch
    gan = tiny_gan()
    gan.compile(gan.d_optimizer, gan.g_optimizer, steps_per_execution=4)
    counter = gankit.callbacks.ModeCounter("ring8", every=8, n=500, seed=0)
    log = gankit.callbacks.StepLog()
    history = gan.fit(gankit.ring8(1280, seed=0), batch_size=64, epochs=1, verbose=0,
                      callbacks=[counter, log])
    assert counter.steps == [0, 8, 16, 20]
    assert len(counter.modes) == len(counter.quality) == len(counter.shares) == 4
    assert all(0 <= m <= 8 for m in counter.modes) and counter.samples[0].shape == (500, 2)
    assert np.allclose([s.sum() for s in counter.shares], 1.0)
    assert counter.modes[-1] == gankit.mode_stats(gan.generate(500, seed=0), "ring8")["modes"]
    assert len(log.history["d_loss"]) == 5      # one value per group of 4 steps
    assert np.mean(log.history["d_loss"]) == pytest.approx(history.history["d_loss"][-1],
                                                           rel=1e-4)
    with pytest.raises(gankit.BadInputError, match="ring8"):
        gankit.callbacks.ModeCounter("ring9")


def test_critic_gap_is_the_critics_estimate_on_held_out_and_fresh_samples(tiny_gan):
    # lesson 10's WGAN instrument: E f(real) - E f(G(z)) at the start, every 8 steps and
    # at the end, from held-out real points and the same noise each time
    gan = tiny_gan(loss="wasserstein", gradient_penalty=1.0)
    gan.compile(gan.d_optimizer, gan.g_optimizer, steps_per_execution=4)
    held_out = gankit.ring8(400, seed=5)
    gap = gankit.callbacks.CriticGap(held_out, every=8, seed=3)
    gan.fit(gankit.ring8(1280, seed=0), batch_size=64, epochs=1, verbose=0, callbacks=[gap])
    assert [step for step, _ in gap.history] == [0, 8, 16, 20]
    fake = gan.generate(400, seed=3)
    assert gap.history[-1][1] == pytest.approx(
        float(gan.scores(held_out).mean() - gan.scores(fake).mean()), rel=1e-5)
    with pytest.raises(gankit.BadInputError, match="every >= 1"):
        gankit.callbacks.CriticGap(held_out, every=0)
    with pytest.raises(gankit.BadInputError, match="at least 2 real samples"):
        gankit.callbacks.CriticGap(held_out[:1])


def test_step_values_undo_running_means_over_groups():
    from gankit.callbacks import step_values

    prev, losses = {}, [1.0, 3.0, 2.0, 6.0, 4.0, 8.0]
    means = np.cumsum(losses) / np.arange(1, 7)
    # one step at a time: each loss back
    assert [step_values(i, {"l": m}, prev)["l"] for i, m in enumerate(means)] == \
        pytest.approx(losses)
    # in groups of two (batch = last step of the group): the mean of each group
    prev = {}
    got = [step_values(i, {"l": means[i]}, prev)["l"] for i in (1, 3, 5)]
    assert got == pytest.approx([2.0, 4.0, 6.0])
    # a new epoch starts the running means again
    assert step_values(0, {"l": 5.0}, prev)["l"] == pytest.approx(5.0)


def test_learning_rates_decay_over_the_budget_and_come_back(tiny_gan):
    gan = tiny_gan()

    class Steps:  # a budget of 16 steps, so the test does not depend on the clock
        fraction = 0.0

    budget = Steps()
    decay = gankit.DecayLearningRates(budget, start=0.5, to=0.1)
    assert decay.factor(0.0) == 1.0 and decay.factor(0.5) == 1.0
    assert decay.factor(0.75) == pytest.approx(0.55) and decay.factor(1.0) == pytest.approx(0.1)
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model  # JAX: copy fit()'s state into the variables before reading one
            seen.append(float(gan.g_optimizer.learning_rate))
            budget.fraction = (batch + 1) / 16

    start = float(gan.g_optimizer.learning_rate)
    gan.fit(gankit.ring8(1024, seed=0), batch_size=64, epochs=1, verbose=0,
            callbacks=[decay, Watch()])
    assert seen[:9] == pytest.approx([start] * 9)  # the first half at full rate
    assert seen[-1] == pytest.approx(start * decay.factor(15 / 16))
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(start)  # put back
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(start)
    with pytest.raises(gankit.BadInputError):
        gankit.DecayLearningRates(budget, start=1.0)


def test_mode_stats_counts_by_the_protocol():
    pts = gankit.ring8(2500, seed=0)
    s = gankit.mode_stats(pts, "ring8")
    assert s["modes"] == 8 and s["high_quality"] > 0.99
    collapsed = np.repeat(gankit.data.ring8_centers()[:3], 100, axis=0)
    assert gankit.mode_stats(collapsed, "ring8")["modes"] == 3
    far = np.full((10, 2), 10.0)
    assert gankit.mode_stats(far, "grid25")["high_quality"] == 0.0
    with pytest.raises(gankit.BadInputError):
        gankit.mode_stats(np.zeros((3, 3)), "ring8")


def test_quiz_checks_and_explains():
    quiz = gankit.Quiz([("2+2?", ["3", "4"], 1, "Arithmetic."),
                        ("D outputs?", ["a sample", "a probability"], 1, "It classifies.")])
    ok, msg = quiz.check(0, 1)
    assert ok and "Arithmetic" in msg
    ok, msg = quiz.check(1, 0)
    assert not ok and "a probability" in msg
    assert quiz.answer_key() == ["4", "a probability"]
    box = quiz.widget()
    radio, button, feedback = quiz._controls[0]
    radio.value = 0
    button.click()
    assert "Not quite" in feedback.value
    radio.value = 1
    button.click()
    assert "Right" in feedback.value
    assert len(box.children) == 3
    with pytest.raises(gankit.BadInputError, match="answer index"):
        gankit.Quiz([("q", ["a"], 2, "")])


def tiny_dcgan(num_classes=None, seed=0):
    """A very small DCGAN for 28x28 images. Eager: for a handful of steps that is
    quicker than compiling the training step."""
    gankit.seed_everything(seed)
    g = gankit.dcgan_generator(latent_dim=8, base_filters=4, num_classes=num_classes)
    d = gankit.dcgan_discriminator(base_filters=4, num_classes=num_classes)
    gan = gankit.GAN(g, d, seed=seed)
    gan.compile(run_eagerly=True)
    return gan


@pytest.mark.slow
def test_kid_monitor_records_kid_during_training_beside_live_training():
    x, _ = gankit.load_fashion_mnist("train", n=192, verbose=False)
    gan = tiny_dcgan()
    kid = gankit.KIDMonitor(every=4, n=50)
    live = gankit.LiveTraining(every=4, show=False)
    hist = gan.fit(x, batch_size=64, epochs=2, verbose=0, callbacks=[kid, live])
    # measured before training, every 4 steps, and once more at the end (step 6)
    assert [step for step, _, _ in kid.history] == [0, 4, 6]
    values = np.array([v for _, v, _ in kid.history])
    stds = np.array([s for _, _, s in kid.history])
    assert np.all(np.isfinite(values)) and np.all(stds > 0)
    assert values[0] > 0.5  # an untrained generator is far from real images
    # the latest value is in fit()'s logs at each epoch end, beside the losses
    assert len(hist.history["kid"]) == 2 and len(hist.history["d_loss"]) == 2
    assert len(live.history["d_loss"]) == 6 and "kid" not in live.history
    assert kid.seconds > 0
    fig = gankit.plot_history(live.history, kid=kid)
    assert [a.get_title() for a in fig.axes] == ["Losses", "What D says", "KID (lower is better)"]
    assert len(gankit.plots.plot_kid(kid).axes[0].lines) >= 1


def test_kid_monitor_works_for_conditional_gans_and_checks_its_settings():
    x, y = gankit.load_fashion_mnist("train", n=128, verbose=False)
    gan = tiny_dcgan(num_classes=10)
    kid = gankit.KIDMonitor(every=2, n=40, labels=np.arange(40) % 10)
    gan.fit(x, y, batch_size=64, epochs=1, verbose=0, callbacks=[kid])
    assert [step for step, _, _ in kid.history] == [0, 2]
    with pytest.raises(gankit.BadInputError, match="from 20 to 359"):
        gankit.KIDMonitor(n=500, dataset="digits8")
    with pytest.raises(gankit.BadInputError, match="every"):
        gankit.KIDMonitor(every=0)
    with pytest.raises(gankit.BadInputError, match="KIDMonitor"):
        gankit.plots.plot_kid([])


def test_nearest_neighbour_plot_shows_each_sample_beside_its_neighbours():
    train = np.linspace(-1, 1, 20 * 8 * 8).reshape(20, 8, 8, 1).astype("float32")
    fake = train[[3, 7, 11]]
    idx, dist = gankit.metrics.nearest_neighbours(fake, train, k=2, dataset="digits8",
                                                  space="pixels")
    fig = gankit.plot_nearest_neighbours(fake, train, idx, dist, n=3)
    assert len(fig.axes) == 3 * 3
    assert [a.get_title() for a in fig.axes[:3]] == ["generated", "nearest 1", "nearest 2"]
    assert fig.axes[1].get_xlabel() == "d = 0.00"
    with pytest.raises(gankit.BadInputError, match="nearest_neighbours"):
        gankit.plot_nearest_neighbours(fake, train, idx[:, 0])


@pytest.mark.slow
def test_the_best_recipes_take_r1_steps_and_rates_that_fall_to_a_fraction(monkeypatch):
    recipe = gankit.recipes.get_recipe("best-grid25")
    budget = gankit.StepBudget(200)
    x = recipe.load_data(0)[0]
    decay, r1 = recipe.schedule(budget, x)
    assert isinstance(decay, gankit.DecayLearningRates) and (decay.start, decay.to) == (0.5, 0.1)
    assert isinstance(r1, gankit.LazyR1) and (r1.gamma, r1.until) == (0.01, 1.0)
    ring = gankit.recipes.get_recipe("best-ring8").schedule(budget, x)
    assert [type(c).__name__ for c in ring] == ["DecayLearningRates", "LazyR1"]
    assert ring[0].to == 0.2
    gan = recipe.build(0)
    gan.fit(x, batch_size=recipe.batch_size, epochs=10, verbose=0,
            callbacks=[budget, decay, r1])
    # 20 steps per call: R1 after steps 20, 40, ..., 180; none once the budget is spent
    assert r1.taken == 9 and int(gan.d_optimizer.iterations) == 200 + 9
    # train_recipe trains with the recipe's schedule
    seen = []
    schedule = gankit.recipes.Recipe.schedule
    monkeypatch.setattr(gankit.recipes.Recipe, "schedule",
                        lambda self, *a, **k: seen.append(self.name) or schedule(self, *a, **k))
    gankit.train_recipe("best-grid25", steps=20, progress=False)
    assert seen == ["best-grid25"]


@pytest.mark.slow
def test_a_recipe_follows_its_steps_not_the_clock():
    """The schedule (here best-ring8's falling learning rates) is the same at each step
    on a slow machine as on a fast one; minutes only cap the run and say how far it got."""
    import time

    def rates(slow):
        seen = []

        class Watch(gankit.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                if slow:
                    time.sleep(0.3)  # a machine several times slower
                seen.append(round(float(self.watched.g_optimizer.learning_rate), 9))

        _, report = gankit.train_recipe("best-ring8", steps=200, progress=False,
                                        callbacks=[Watch()])
        # Keras runs 20 steps a call, and an epoch of 100,000 points ends with a short call,
        # so the run may pass its steps by part of a call
        assert report["planned_steps"] == 200 and 200 <= report["steps"] < 220
        assert report["schedule_done"] == 1.0
        return seen

    fast, slow = rates(False), rates(True)
    assert fast == slow
    # the full rate first, then falling towards a fifth of it (best-ring8's schedule)
    assert fast[0] == 1e-3 and 2e-4 <= fast[-1] < 3e-4
    assert all(a >= b for a, b in zip(fast, fast[1:]))
    _, report = gankit.train_recipe("gan-ring8", minutes=0.005, steps=10**6, progress=False)
    assert 0 < report["steps"] < 10**6 and report["schedule_done"] < 0.1
    for bad in (0, -5, 2.5, "ten", True):
        with pytest.raises(gankit.BadInputError, match="steps should be a whole number above 0"):
            gankit.train_recipe("gan-ring8", steps=bad)
    for recipe in gankit.recipes.RECIPES.values():
        assert isinstance(recipe.steps, int) and recipe.steps >= 1000, recipe.name


def test_a_variant_of_a_recipe_trains_on_its_data_with_its_schedule():
    """train_recipe takes a Recipe changed with dataclasses.replace: the benchmarks' way
    to compare a variant with the recipe on the same data, steps and schedule."""
    import dataclasses

    built = []

    def build(seed):
        built.append(seed)
        return gankit.recipes.toy_gan(seed, "ring8", hidden=(16,), d_hidden=(16,))

    variant = dataclasses.replace(gankit.get_recipe("best-ring8"), build=build)
    gan, report = gankit.train_recipe(variant, steps=30, seed=3, progress=False)
    assert built == [3] and report["recipe"] == "best-ring8" and report["planned_steps"] == 30
    assert 30 <= report["steps"] < 60
    # the recipe's schedule ran over the variant's 30 steps: the rate fell below its start
    assert float(gan.g_optimizer.learning_rate) < 1e-3
    with pytest.raises(gankit.UnknownNameError, match="best-ring9"):
        gankit.train_recipe("best-ring9")


def test_more_steps_than_the_recipes_own_pass_through_its_model_then_settle_it():
    """Past a recipe's own steps the schedule does not stretch: the longer run is the
    recipe's own run up to its steps (same rates, same weights), then its rates go on
    falling from the final ones toward 0 with R1 still taken, so the extra steps settle
    the model the schedule built instead of moving it on."""
    import dataclasses

    def build(seed):
        return gankit.recipes.toy_gan(seed, "ring8", hidden=(16,), d_hidden=(16,),
                                      steps_per_execution=20, lr=(1e-3, 1e-3))

    recipe = dataclasses.replace(gankit.get_recipe("best-ring8"), build=build, steps=60)

    def run(steps):
        seen = {"lr": [], "r1": None, "at_60": None}

        class Watch(gankit.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                gan = self.watched
                seen["lr"].append(round(float(gan.g_optimizer.learning_rate), 9))
                if int(gan.g_optimizer.iterations) == 60:
                    seen["at_60"] = [w.copy() for w in gan.generator.get_weights()]

        r1 = [c for c in recipe.schedule(gankit.StepBudget(1), np.zeros((8, 2)))
              if type(c).__name__ == "LazyR1"]
        assert r1 and r1[0].until == 1.0          # best-ring8 keeps R1 on to the end
        gan, report = gankit.train_recipe(recipe, steps=steps, progress=False,
                                          callbacks=[Watch()])
        return gan, report, seen

    _, own, short = run(60)
    gan, long_report, long = run(120)
    assert own["steps"] == 60 and long_report["steps"] == 120
    assert long["lr"][:3] == short["lr"]                     # the recipe's own schedule...
    assert all(np.array_equal(a, b) for a, b in zip(long["at_60"], short["at_60"]))
    final = round(1e-3 * recipe.decay_to, 9)                 # a fifth for best-ring8
    # ...then from its final rate toward 0 over the extra steps (20 steps per call here)
    assert long["lr"][3:] == [final, round(final * 2 / 3, 9), round(final / 3, 9)]
    # R1 went on past the recipe's steps: more D updates than G updates beyond 1 per step
    assert int(gan.d_optimizer.iterations) > 120


def test_the_wgan_gp_recipes_train_with_their_papers_loss_and_penalty():
    """wgan-gp-ring8 (lambda 1) and wgan-gp-fashion (the paper's lambda 10) build the
    Wasserstein loss with 5 critic steps and train a few steps to finite samples."""
    for name, weight, shape in (("wgan-gp-ring8", 1.0, (8, 2)),
                                ("wgan-gp-fashion", 10.0, (8, 28, 28, 1))):
        gan, report = gankit.train_recipe(name, steps=20, progress=False)
        assert gan.loss_pair.name == "wasserstein" and gan.d_steps == 5, name
        assert gan.gp_weight == weight and report["steps"] >= 20, name
        samples = np.asarray(gan.generate(8, seed=0))
        assert samples.shape == shape and np.isfinite(samples).all(), name


def test_the_wgan_clipping_recipe_keeps_every_critic_weight_in_its_box():
    """wgan-ring8: WGAN's loss, 5 critic steps, RMSprop, no penalty; after training every
    weight of the critic lies in [-0.1, 0.1] (the clip), and G's samples are finite."""
    gan, report = gankit.train_recipe("wgan-ring8", steps=20, progress=False)
    assert gan.loss_pair.name == "wasserstein" and gan.d_steps == 5 and not gan.gp_weight
    assert isinstance(gan.d_optimizer, keras.optimizers.RMSprop) and report["steps"] >= 20
    weights = [np.abs(keras.ops.convert_to_numpy(w)).max()
               for w in gan.discriminator.trainable_weights]
    assert max(weights) <= 0.1 + 1e-6 and max(weights) > 0.05   # clipped, and not all tiny
    assert np.isfinite(np.asarray(gan.generate(8, seed=0))).all()

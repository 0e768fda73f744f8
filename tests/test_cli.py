"""The command-line contract of shared/COURSE.md, run as a student would run it."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

RECIPES = ["dcgan-fashion", "cgan-fashion", "gan-ring8", "gan-grid25", "best-ring8", "best-grid25",
           "wgan-gp-ring8", "wgan-ring8", "wgan-gp-fashion", "acgan-fashion", "infogan-fashion",
           "infogan-digits", "r3gan-grid25", "r3gan-fashion", "fashion-1pct",
           "diffaug-fashion-1pct", "ada-fashion-1pct"]


def gankit(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "gankit", *args], capture_output=True,
                          text=True, timeout=timeout, env=os.environ.copy())


@pytest.mark.slow
def test_recipes_lists_the_published_names():
    out = gankit("recipes")
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines() if line.strip()]
    assert set(RECIPES) <= set(names)


@pytest.mark.slow
def test_train_then_sample_points(tmp_path):
    model = tmp_path / "ring.keras"
    out = gankit("train", "gan-ring8", "--minutes", "5", "--steps", "40", "--seed", "1",
                 "--out", str(model))
    assert out.returncode == 0, out.stderr
    # the steps asked for, whatever the speed of the machine; the time cap not reached
    assert model.exists() and "40 of 40 steps" in out.stdout, out.stdout
    assert "stopped" not in out.stdout
    npz = tmp_path / "s.npz"
    out = gankit("sample", str(model), "--n", "50", "--out", str(npz), "--seed", "3")
    assert out.returncode == 0, out.stderr
    with np.load(npz) as f:
        assert sorted(f.files) == ["points"]
        assert f["points"].shape == (50, 2) and f["points"].dtype == np.float32
        first = f["points"].copy()
    gankit("sample", str(model), "--n", "50", "--out", str(npz), "--seed", "3")
    with np.load(npz) as f:
        np.testing.assert_array_equal(f["points"], first)  # same seed, same samples
    out = gankit("sample", str(model), "--n", "50", "--out", str(npz), "--rejection")
    assert out.returncode == 0, out.stderr
    with np.load(npz) as f:
        assert f["points"].shape == (50, 2) and np.isfinite(f["points"]).all()


@pytest.mark.slow
def test_train_then_sample_conditional_images(tmp_path):
    model = tmp_path / "cgan.keras"
    out = gankit("train", "cgan-fashion", "--minutes", "0.05", "--out", str(model), "--quiet")
    assert out.returncode == 0, out.stderr
    npz = tmp_path / "s.npz"
    out = gankit("sample", str(model), "--n", "40", "--out", str(npz))
    assert out.returncode == 0, out.stderr
    with np.load(npz) as f:
        assert sorted(f.files) == ["images", "labels"]
        images, labels = f["images"], f["labels"]
    assert images.shape == (40, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    assert labels.shape == (40,) and np.issubdtype(labels.dtype, np.integer)
    assert labels.min() >= 0 and labels.max() <= 9 and len(np.unique(labels)) > 3


@pytest.mark.slow
def test_the_little_data_and_r3gan_recipes_train_save_and_sample(tmp_path):
    """ada-fashion-1pct (DiffAugment's operations with ADA's probability, on 600 images)
    and r3gan-grid25 (the relativistic loss with R1 + R2) through the command line."""
    for recipe, steps in (("ada-fashion-1pct", "30"), ("r3gan-grid25", "40")):
        model = tmp_path / f"{recipe}.keras"
        out = gankit("train", recipe, "--steps", steps, "--out", str(model), "--quiet")
        assert out.returncode == 0, out.stderr
        out = gankit("sample", str(model), "--n", "16", "--out", str(tmp_path / "s.npz"))
        assert out.returncode == 0, out.stderr
        with np.load(tmp_path / "s.npz") as f:
            samples = f[f.files[0]]
        assert len(samples) == 16 and np.isfinite(samples).all()


def test_the_modern_recipes_build_what_their_names_say():
    import gankit as gk

    x, y = gk.get_recipe("fashion-1pct").load_data(0)
    again, _ = gk.get_recipe("ada-fashion-1pct").load_data(5)
    assert x.shape == (600, 28, 28, 1) and np.bincount(y).tolist() == [60] * 10
    assert np.array_equal(x, again)   # the same 600 images for every recipe and seed
    ada = gk.get_recipe("ada-fashion-1pct").build(0)
    diff = gk.get_recipe("diffaug-fashion-1pct").build(0)
    plain = gk.get_recipe("fashion-1pct").build(0)
    assert ada.ada_target == 0.6 and diff.augment == "color,translation,cutout"
    assert diff.ada_p is None and plain.augment is None
    for name in ("r3gan-grid25", "r3gan-fashion"):
        recipe = gk.get_recipe(name)
        gan = recipe.build(0)
        assert gan.loss_pair.name == "relativistic" and gan.ema is not None
        assert gan.r1_gamma is not None and gan.r2_gamma is not None
        assert float(gan.g_optimizer.beta_1) == 0.0 and float(gan.g_optimizer.beta_2) == 0.99
        budget = gk.StepBudget(recipe.steps)
        assert any(isinstance(c, gk.DecayPenalties) and c.to == 0.1
                   for c in recipe.schedule(budget, None))


@pytest.mark.slow
def test_bad_input_gets_a_clear_message(tmp_path):
    out = gankit("train", "dcgan-fashon", "--minutes", "1", "--out", str(tmp_path / "m.keras"))
    assert out.returncode == 2
    assert "Unknown recipe 'dcgan-fashon'" in out.stderr and "dcgan-fashion" in out.stderr
    assert "Traceback" not in out.stderr
    out = gankit("train", "gan-ring8", "--minutes", "1", "--out", str(tmp_path / "m.h5"))
    assert out.returncode == 2 and ".keras" in out.stderr
    out = gankit("sample", str(tmp_path / "missing.keras"), "--n", "3", "--out", "x.npz")
    assert out.returncode == 2 and "Train one first" in out.stderr


@pytest.mark.slow
def test_ctrl_c_saves_what_was_learned(tmp_path):
    model = tmp_path / "interrupted.keras"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gankit", "train", "gan-grid25", "--minutes", "10",
         "--out", str(model)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # wait until training is under way (the progress bar shows a loss), then press Ctrl-C
    os.set_blocking(proc.stderr.fileno(), False)
    err, deadline = b"", time.time() + 120
    while time.time() < deadline and proc.poll() is None and b"d_loss" not in err:
        time.sleep(0.5)
        try:
            err += os.read(proc.stderr.fileno(), 1 << 16)
        except BlockingIOError:
            pass
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, (err + stderr).decode(errors="replace")
    assert b"interrupted" in stdout and model.exists()
    import keras
    import gankit as gk

    gan = keras.saving.load_model(model)
    assert isinstance(gan, gk.GAN) and int(gan.g_optimizer.iterations) > 0


@pytest.mark.slow
def test_bad_input_is_refused_before_any_training(tmp_path):
    """Each probe fails at once with a message that says what to do, never a traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    probes = [
        (["train", "gan-ring8", "--minutes", "0.05", "--out", str(blocker / "m.keras")],
         "Cannot save a model to"),
        (["train", "gan-ring8", "--minutes", "nan", "--out", str(tmp_path / "m.keras")],
         "number of minutes above 0"),
        (["train", "gan-ring8", "--minutes", "-1", "--out", str(tmp_path / "m.keras")],
         "number of minutes above 0"),
        (["train", "gan-ring8", "--minutes", "0.05", "--out", str(tmp_path)],
         "ending in .keras"),
        (["train", "gan-ring8", "--steps", "0", "--out", str(tmp_path / "m.keras")],
         "whole number of steps above 0"),
        (["train", "gan-ring8", "--steps", "1e3", "--out", str(tmp_path / "m.keras")],
         "whole number of steps above 0"),
    ]
    for args, said in probes:
        start = time.time()
        out = gankit(*args)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert said in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)
        assert time.time() - start < 60 and "steps" not in out.stdout, "it trained first"
    assert not (tmp_path / "m.keras").exists()


@pytest.mark.slow
def test_sample_explains_damaged_files_and_huge_requests(tmp_path):
    model = tmp_path / "ring.keras"
    out = gankit("train", "gan-ring8", "--minutes", "0.02", "--out", str(model), "--quiet")
    assert out.returncode == 0, out.stderr
    # the time cap stops the run part way through the recipe's 8,000 steps, and says so
    assert "of 8,000 steps" in out.stdout and "of the way through" in out.stdout, out.stdout
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    garbage = tmp_path / "garbage.keras"
    garbage.write_text("hello")
    for path in (truncated, garbage):
        out = gankit("sample", str(path), "--n", "3", "--out", str(tmp_path / "s.npz"))
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert "damaged" in out.stderr and "train" in out.stderr.lower(), out.stderr
    out = gankit("sample", str(model), "--n", "10000000000", "--out", str(tmp_path / "s.npz"))
    assert out.returncode == 2 and "GiB" in out.stderr and "at most" in out.stderr, out.stderr


def test_a_failed_save_keeps_the_model_saved_before(tmp_path, monkeypatch):
    """Saving writes beside the file and renames: a crash half-way leaves the old one whole."""
    import keras

    import gankit as gk
    from gankit import saving

    gk.seed_everything(0)
    gan = gk.GAN(gk.mlp_generator(2, (2,), hidden=(8,), output_activation=None),
                 gk.mlp_discriminator((2,), hidden=(8,)))
    gan.compile()
    path = saving.save(gan, tmp_path / "m.keras")
    before = path.read_bytes()

    def crash(self, filepath, *args, **kwargs):
        pathlib.Path(filepath).write_bytes(b"half a model")
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.Model, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        saving.save(gan, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"], "a temporary file was left"


def test_train_recipe_checks_its_budget_and_its_path_first(tmp_path, monkeypatch):
    from gankit import GAN
    from gankit import training as recipes

    monkeypatch.setattr(GAN, "fit", lambda *a, **k: pytest.fail("it trained first"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for minutes in (float("nan"), float("inf"), 0, -2, "five"):
        with pytest.raises(recipes.BadInputError, match="minutes should be a number above 0"):
            recipes.train_recipe("gan-ring8", minutes=minutes)
    with pytest.raises(recipes.BadInputError, match="Cannot save a model to"):
        recipes.train_recipe("gan-ring8", minutes=0.01, out=blocker / "m.keras")

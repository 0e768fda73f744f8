"""The GAN unit tests on Keras's two other backends, JAX and PyTorch.

Keras fixes its backend when it is first imported, so each backend gets its own
pytest runs in subprocesses with KERAS_BACKEND set, one per group of tests (GROUPS);
this process stays on TensorFlow.
Without jax or torch installed the tests skip and say how to install them; CI sets
GANKIT_REQUIRE_BACKENDS=1 so that a missing backend fails there instead.
"""
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The GAN models' tests (GAN, ACGAN, InfoGAN, the translation GANs), and the losses' (cheap);
# everything else is backend-free NumPy or TensorFlow-only tooling (the lessons, the CLI's
# recipes) and runs once, here.
BACKEND_TESTS = ["tests/test_gan.py", "tests/test_losses.py", "tests/test_control.py",
                 "tests/test_modern.py",
                 # the translation GANs' training steps and .keras round trips (pix2pix,
                 # SRGAN's warm-up, LAPGAN, CycleGAN learning); their slower quality tests
                 # run once, here
                 "tests/test_translation.py::test_pix2pix_save_and_load_give_the_same_outputs",
                 "tests/test_translation.py::test_srgan_warmup_trains_g_on_content_alone_then_switches_d_on",
                 "tests/test_translation.py::test_icnr_upsampling_starts_without_a_checkerboard",
                 "tests/test_translation.py::test_lapgan_trains_every_level_and_round_trips",
                 "tests/test_translation.py::test_cyclegan_learns_without_pairs_and_round_trips"]
# TextGAN and DVDGAN (video): a few training steps, then the .keras round trip and more
# training. Their other tests are NumPy (scenes, clips, the data checks, the motion
# metric), plain Keras (the attribute classifiers) or the CLI, and run once, here.
MODEL_TESTS = [
    "tests/test_text2image.py::test_d_learns_to_check_the_sentence_and_g_changes",
    "tests/test_text2image.py::test_save_and_load_give_the_same_images",
    "tests/test_text2image.py::test_attribute_head_learns_what_the_words_name_and_round_trips",
    "tests/test_video.py::test_the_critics_learn_and_g_changes_in_a_few_steps",
    "tests/test_video.py::test_save_and_load_give_the_same_clips",
]
# Each group is its own run (and its own time limit). The GAN tests' time on JAX is in
# compiling, the video tests' in running 3D convolutions, which XLA's cheapest
# optimisation level ran 20 to 370 times slower (8 steps of the tiny DVDGAN with its
# earlier 3D transposed convolutions: 9 minutes instead of 1), so only the first group
# gets it.
GROUPS = {"gan": (BACKEND_TESTS, True), "text2image+video": (MODEL_TESTS, False)}
INSTALL = ("pip install 'gankit[backends]' (CPU-only PyTorch: python3 course.py backends, "
           "or see requirements-backends.txt)")


def require(module):
    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed, so the GAN tests cannot run on it: {INSTALL}"
        if os.environ.get("GANKIT_REQUIRE_BACKENDS", "").strip() in ("1", "true", "yes"):
            pytest.fail(message + ". GANKIT_REQUIRE_BACKENDS=1 makes this a failure.")
        pytest.skip(message)


def run_tests(backend, *args, cache_dir, fast_compile=True, timeout=600):
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=str(ROOT))
    if backend == "jax":
        # Compiling each test's step with XLA is most of JAX's time here. Most tests build
        # GANs of the same shapes, so a compilation cache reuses the compiled steps, and
        # XLA's cheapest optimisation level compiles ~4x faster (the tests time nothing),
        # though its code can run far slower (fast_compile=False leaves it out).
        env.setdefault("JAX_COMPILATION_CACHE_DIR", str(cache_dir))
        env.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
        flags = "--xla_llvm_disable_expensive_passes=true"
        env.setdefault("XLA_FLAGS", ("--xla_backend_optimization_level=0 " + flags
                                     if fast_compile else flags))
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-q", "-p", "no:cacheprovider", "-o",
         "addopts=", "--timeout", str(timeout)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout + 60)


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_gan_unit_tests_pass_on_backend(backend, group, tmp_path):
    require(backend)
    tests, fast_compile = GROUPS[group]
    proc = run_tests(backend, *tests, cache_dir=tmp_path, fast_compile=fast_compile)
    assert proc.returncode == 0, (
        f"The {group} tests failed with KERAS_BACKEND={backend}:\n{proc.stdout[-8000:]}\n"
        f"{proc.stderr[-4000:]}")
    assert " passed" in proc.stdout and "skipped" not in proc.stdout, proc.stdout[-2000:]


def test_a_backend_that_cannot_train_gets_a_clear_error():
    # Keras's NumPy backend runs models but has no gradients.
    code = ("import gankit\n"
            "try:\n"
            "    gankit.GAN(gankit.mlp_generator(2, (2,)), gankit.mlp_discriminator((2,)))\n"
            "except RuntimeError as e:\n"
            "    print(e)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env=dict(os.environ, KERAS_BACKEND="numpy",
                                              PYTHONPATH=str(ROOT)), timeout=300)
    assert "KERAS_BACKEND is 'numpy'" in proc.stdout, proc.stdout + proc.stderr
    assert "TensorFlow, JAX and PyTorch" in proc.stdout

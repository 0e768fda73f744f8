"""The GAN unit tests on Keras's two other backends, JAX and PyTorch.

Keras fixes its backend when it is first imported, so each backend gets its own
pytest run in a subprocess with KERAS_BACKEND set; this process stays on TensorFlow.
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
                 # the translation GANs' training steps and .keras round trips (pix2pix,
                 # SRGAN's warm-up, LAPGAN, CycleGAN learning); their slower quality tests
                 # run once, here
                 "tests/test_translation.py::test_pix2pix_save_and_load_give_the_same_outputs",
                 "tests/test_translation.py::test_srgan_warmup_trains_g_on_content_alone_then_switches_d_on",
                 "tests/test_translation.py::test_icnr_upsampling_starts_without_a_checkerboard",
                 "tests/test_translation.py::test_lapgan_trains_every_level_and_round_trips",
                 "tests/test_translation.py::test_cyclegan_learns_without_pairs_and_round_trips"]
INSTALL = ("pip install 'gankit[backends]' (CPU-only PyTorch: python3 course.py backends, "
           "or see requirements-backends.txt)")


def require(module):
    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed, so the GAN tests cannot run on it: {INSTALL}"
        if os.environ.get("GANKIT_REQUIRE_BACKENDS", "").strip() in ("1", "true", "yes"):
            pytest.fail(message + ". GANKIT_REQUIRE_BACKENDS=1 makes this a failure.")
        pytest.skip(message)


def run_tests(backend, *args, cache_dir, timeout=600):
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=str(ROOT))
    if backend == "jax":
        # Compiling each test's step with XLA is most of JAX's time here. Most tests build
        # GANs of the same shapes, so a compilation cache reuses the compiled steps, and
        # XLA's cheapest optimisation level compiles ~4x faster (the tests time nothing).
        env.setdefault("JAX_COMPILATION_CACHE_DIR", str(cache_dir))
        env.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
        env.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 "
                                    "--xla_llvm_disable_expensive_passes=true")
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-q", "-p", "no:cacheprovider", "-o",
         "addopts=", "--timeout", str(timeout)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout + 60)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_gan_unit_tests_pass_on_backend(backend, tmp_path):
    require(backend)
    proc = run_tests(backend, *BACKEND_TESTS, cache_dir=tmp_path)
    assert proc.returncode == 0, (
        f"The GAN tests failed with KERAS_BACKEND={backend}:\n{proc.stdout[-8000:]}\n"
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
    assert "tensorflow, jax, torch" in proc.stdout

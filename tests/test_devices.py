"""Data-parallel training with Keras's own engines, on one CPU with simulated devices:
JAX's keras.distribution.DataParallel over 4 XLA CPU devices, TensorFlow's MirroredStrategy
over 2 logical CPUs. One step on several devices gives the weights one device gives, for D
and G, with and without a gradient penalty, and a conditional GAN trains
(tests/devices_check.py, in a process of its own per backend)."""
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_several_devices_make_the_update_of_one(backend):
    if importlib.util.find_spec(backend) is None:
        message = f"{backend} is not installed: python3 course.py backends"
        if os.environ.get("GANKIT_REQUIRE_BACKENDS", "").strip() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "devices_check.py"), backend],
                          capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "conditional GAN trained" in proc.stdout, proc.stdout


def test_the_command_line_trains_on_all_devices(tmp_path):
    """`python -m gankit train ... --devices all` on JAX's 4 simulated CPU devices."""
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed: python3 course.py backends")
    model = tmp_path / "ring.keras"
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=str(ROOT),
               XLA_FLAGS="--xla_force_host_platform_device_count=4")
    proc = subprocess.run([sys.executable, "-m", "gankit", "train", "best-ring8", "--minutes",
                           "0.05", "--devices", "all", "--out", str(model), "--quiet"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0 and model.exists(), proc.stderr[-3000:]
    proc = subprocess.run([sys.executable, "-m", "gankit", "train", "best-ring8", "--minutes",
                           "0.05", "--devices", "3", "--out", str(model), "--quiet"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 2 and "cannot share equally" in proc.stderr, proc.stderr[-2000:]

"""Course-wide switches: smoke mode and seeding.

The tests run every notebook in *smoke mode* (``GANKIT_SMOKE=1``): the same
code, with tiny budgets, so the whole suite stays fast. Notebooks never read
the variable themselves; they ask :func:`pick` for a number.
"""
import os

import keras


def smoke_mode():
    """True when ``GANKIT_SMOKE`` is set to 1/true/yes (the test suite sets it)."""
    return os.environ.get("GANKIT_SMOKE", "").strip().lower() in ("1", "true", "yes")


def pick(full, smoke):
    """Return ``smoke`` in smoke mode, ``full`` otherwise.

    >>> minutes = pick(full=5, smoke=0.1)
    """
    return smoke if smoke_mode() else full


def seed_everything(seed):
    """Seed Python, NumPy and the Keras backend so a run can be repeated."""
    if seed is None:
        return
    keras.utils.set_random_seed(int(seed))


def describe_environment():
    """A few lines on what this machine runs the course with (for lesson 00)."""
    import platform

    import numpy as np

    from . import data

    lines = [
        f"Python {platform.python_version()}, Keras {keras.__version__}, "
        f"backend {keras.backend.backend()}, NumPy {np.__version__}",
        f"CPU cores: {os.cpu_count()}",
        f"Smoke mode (tiny budgets for the tests): {'on' if smoke_mode() else 'off'}",
    ]
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        lines.append(f"TensorFlow {tf.__version__}; GPUs: {len(gpus) or 'none (CPU is fine)'}")
    elif keras.backend.backend() == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform != "cpu"]
        lines.append(f"JAX {jax.__version__}; GPUs: {len(gpus) or 'none (CPU is fine)'}")
    elif keras.backend.backend() == "torch":
        import torch

        gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
        lines.append(f"PyTorch {torch.__version__}; GPUs: {gpus or 'none (CPU is fine)'}")
    lines.append(f"Downloads allowed: {'no' if data.offline() else 'yes, if online'}")
    return "\n".join(lines)

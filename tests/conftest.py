"""Test settings: smoke mode, no downloads, no windows.

These variables are set before anything imports Keras, and the notebook kernels
that nbval starts inherit them.
"""
import os

os.environ["GANKIT_SMOKE"] = "1"
os.environ["GANKIT_OFFLINE"] = "1"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["MPLBACKEND"] = "Agg"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402


@pytest.fixture
def tiny_gan():
    """A small, compiled 2D GAN: fast enough to train for a few steps in every test."""
    import gankit

    def make(seed=0, **kwargs):
        gankit.seed_everything(seed)
        g = gankit.mlp_generator(4, (2,), hidden=(16,), output_activation=None)
        d = gankit.mlp_discriminator((2,), hidden=(16,))
        gan = gankit.GAN(g, d, seed=seed, **kwargs)
        gan.compile()
        return gan

    return make

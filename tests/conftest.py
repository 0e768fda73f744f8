"""Fixtures shared by the unit tests (the environment is set in ../conftest.py)."""
import pytest


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

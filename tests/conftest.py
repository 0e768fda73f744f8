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


@pytest.fixture(scope="session")
def xla_auto():
    """What Keras's jit_compile="auto" resolves to here: XLA on JAX and on a TensorFlow with
    a GPU; not on a CPU-only TensorFlow (where it can be far slower), nor on PyTorch."""
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    return keras.backend.backend() == "jax"

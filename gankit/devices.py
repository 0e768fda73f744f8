"""From a laptop to several accelerators: the same GAN, data-parallel, with Keras's engines.

    with gankit.devices.data_parallel("all"):       # or a number of devices
        gan = gankit.recipes.fashion_gan(seed=0)     # build and compile inside
        gan.fit(x, batch_size=256, epochs=1)          # the global batch is split

- JAX: ``keras.distribution.DataParallel`` over the local devices. The step runs once on
  the global batch, which XLA splits across the devices (batch-norm statistics and the
  losses' means are over the global batch, as on one device).
- TensorFlow: ``tf.distribute.MirroredStrategy``. Each device runs the step on its share of
  the batch and the optimizers sum the devices' gradients; gankit divides each device's loss
  by their number, gives each its slice of the global batch's noise (gankit/backend.py) and
  builds batch normalisation synchronised across the devices (gankit/models.py), so N
  devices make the update one device makes. Minibatch standard deviation and PacGAN's
  packs see each device's share of the batch.
- PyTorch: Keras has no distribution engine for it; one device.

Several devices pay off for large models and batches on GPUs or TPUs; on a laptop's CPU,
one device is fastest.
"""
import contextlib
import functools

import keras

from . import backend
from .errors import BadInputError


def local_devices():
    """The devices this machine can train on: its accelerators, else its CPU(s)."""
    if backend.name() == "jax":
        import jax

        accelerators = [d for d in jax.devices() if d.platform != "cpu"]
        return accelerators or jax.devices("cpu")
    if backend.name() == "tensorflow":
        import tensorflow as tf

        return tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    return ["cpu"]


def _pick(devices):
    found = local_devices()
    if devices in (None, "all"):
        return found
    try:
        n = int(devices)
    except (TypeError, ValueError):
        n = -1
    if not 1 <= n <= len(found):
        raise BadInputError(
            f"devices should be 'all' or a number from 1 to {len(found)} (the devices this "
            f"machine has for {backend.name()}); got {devices!r}.")
    return found[:n]


@functools.lru_cache(maxsize=None)
def _mirrored(names):
    """One MirroredStrategy per set of devices for the whole process: two strategies would
    number their collective operations alike, and TensorFlow would mix them up."""
    import tensorflow as tf

    return tf.distribute.MirroredStrategy(list(names))


@contextlib.contextmanager
def data_parallel(devices="all"):
    """A scope in which to build, compile and fit a GAN on several devices at once."""
    chosen = _pick(devices)
    if len(chosen) == 1:
        yield 1
        return
    if backend.name() == "jax":
        distribution = keras.distribution.DataParallel(devices=chosen)
        with distribution.scope():
            yield len(chosen)
    elif backend.name() == "tensorflow":
        with _mirrored(tuple(d.name for d in chosen)).scope():
            yield len(chosen)
    else:
        raise BadInputError("Keras trains on several devices with JAX (keras.distribution) or "
                            "TensorFlow (tf.distribute); on PyTorch use one device, or "
                            "KERAS_BACKEND=jax.")

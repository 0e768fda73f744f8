"""Run by tests/test_devices.py in a process of its own (the device count is fixed when the
backend starts): one step on several simulated devices against one device, from the same
weights. Usage: python tests/devices_check.py jax|tensorflow"""
import os
import sys

backend = sys.argv[1]
os.environ["KERAS_BACKEND"] = backend
if backend == "jax":
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"

import keras  # noqa: E402
import numpy as np  # noqa: E402

if backend == "tensorflow":
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import gankit  # noqa: E402
from gankit import devices  # noqa: E402


def build(**options):
    gankit.seed_everything(0)   # batch norm in G: its statistics must be the global batch's
    g = gankit.mlp_generator(4, (2,), hidden=(16,), output_activation=None, batch_norm=True)
    d = gankit.mlp_discriminator((2,), hidden=(16,))
    gan = gankit.GAN(g, d, seed=0, instance_noise=0.1, **options)
    # SGD: its update is the gradient itself, so a wrong scale or noise would show
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    return gan


x = gankit.ring8(64, seed=1)
n_devices = len(devices.local_devices())
assert n_devices == {"jax": 4, "tensorflow": 2}[backend], devices.local_devices()
for options in ({}, {"gradient_penalty": 1.0}, {"d_steps": 2}):
    one = build(**options)
    start = one.get_weights()
    one.fit(x, batch_size=64, epochs=1, shuffle=False, verbose=0)
    with devices.data_parallel("all") as n:
        several = build(**options)
        several.set_weights(start)
        several.fit(x, batch_size=64, epochs=1, shuffle=False, verbose=0)
    for name in ("generator", "discriminator"):
        a = getattr(one, name).get_weights()
        b = getattr(several, name).get_weights()
        moved = max(float(np.abs(p - q).max()) for p, q in
                    zip(a, getattr(build(**options), name).get_weights()))
        diff = max(float(np.abs(p - q).max()) for p, q in zip(a, b))
        assert moved > 1e-3 and diff < 1e-5, (backend, options, name, n, moved, diff)
        print(f"{backend}: {n} devices, {options or 'plain'}, {name}: moved {moved:.2e}, "
              f"differs from one device by {diff:.1e}")

# A conditional GAN trains on every device (labels split with their images).
images, labels = gankit.load_digits8(verbose=False)
with devices.data_parallel("all"):
    gankit.seed_everything(0)
    cgan = gankit.GAN(gankit.dcgan_generator(16, (8, 8, 1), base_filters=8, num_classes=10),
                      gankit.dcgan_discriminator((8, 8, 1), base_filters=8, num_classes=10),
                      seed=0)
    cgan.compile()
    history = cgan.fit(images[:256], labels[:256], batch_size=64, epochs=2, verbose=0)
assert all(np.isfinite(v).all() for v in history.history.values()), history.history
assert int(keras.ops.convert_to_numpy(cgan.g_optimizer.iterations)) == 8
print(f"{backend}: a conditional GAN trained 8 steps on {n_devices} devices")

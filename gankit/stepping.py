"""One training step at a time, outside ``fit()``: what the playground's buttons do.

``one_step(gan, x, labels, update)`` runs the GAN's whole ``train_step`` ("both"), or one
update of D ("d") or of G ("g") alone, compiled as ``fit()`` would compile it.
"""
import numpy as np
from keras import ops

from . import backend
from .errors import BadInputError


def _turn(gan, update):
    """The step to run on a batch: train_step's turns, returning this step's numbers (fit's
    logs are running means)."""
    def run(*data):
        real, labels = gan.unpack(data if len(data) > 1 else data[0])
        out = {}
        if update in ("both", "d"):
            for _ in range(gan.d_steps if update == "both" else 1):
                d_loss, logs = gan.update(gan.discriminator, gan.d_optimizer, gan.d_loss,
                                          real, labels)
                gan.clip_d()
                gan.adapt_augmentation(logs, ops.shape(real)[0])
            out.update(d_loss=d_loss, d_real=logs["d_real"], d_fake=logs["d_fake"])
        if update in ("both", "g"):
            out["g_loss"], _ = gan.update(gan.generator, gan.g_optimizer, gan.g_loss,
                                          real, labels)
            gan.update_ema()
        return out
    return run


def one_step(gan, x, labels=None, update="both"):
    """One step on the batch ``x``; returns its numbers (d_loss, d_real, d_fake and/or
    g_loss) as floats. The trackers that fit() shows are not touched by "d" and "g"."""
    if update not in ("both", "d", "g"):
        raise BadInputError(f'update should be "both", "d" or "g"; got {update!r}.')
    if gan.d_optimizer is None:
        gan.compile()
    gan.check_data(np.asarray(x), labels)
    data = [ops.convert_to_tensor(np.asarray(x, "float32"))]
    if labels is not None:
        data.append(ops.convert_to_tensor(np.asarray(labels)))
    compiled = gan.__dict__.setdefault("compiled_steps", {})
    if update not in compiled:
        gan.build_optimizers()
        compiled[update] = backend.compile_function(gan, _turn(gan, update))
    out = compiled[update](*data)
    return {k: float(ops.convert_to_numpy(v)) for k, v in out.items()}

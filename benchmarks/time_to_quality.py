"""Time to quality on a CPU: the `dcgan-fashion` recipe against the TensorFlow tutorial's DCGAN.

    python benchmarks/time_to_quality.py [--minutes 5] [--seed 0] [--n 5000]

Prints four tables (markdown, ready for benchmarks/README.md):

1. Peak: the dense float32 matrix-multiply rate of this CPU, timed with TensorFlow
   (a 2048 x 2048 matmul, best of several): the ceiling for any training step here.
2. Throughput: one training step of each model, timed alone (images/s), its FLOPs
   counted layer by layer (see `step_flops`), the rate it achieves and its share of
   the peak. dcgan-fashion is also timed with XLA (`jit_compile=True`), which Keras
   does not switch on by itself on a CPU.
3. Where the time goes: G forward, D forward on real + fake, D's backward pass, G's
   backward pass (through D), the optimizer updates, each timed on its own.
4. Quality: both trained for the same wall-clock budget on Fashion-MNIST, then FID and
   KID of n samples against n real test images (course classifier features), with the
   real-vs-real and noise-vs-real references, and the ratio. Target: dcgan-fashion's
   FID at least 5 times lower than the tutorial's after 5 minutes.

The reference is https://www.tensorflow.org/tutorials/generative/dcgan as published:
G Dense 7*7*256 (no bias), BN, LeakyReLU, Conv2DTranspose 128 5x5 stride 1, BN, LeakyReLU,
Conv2DTranspose 64 5x5 stride 2, BN, LeakyReLU, Conv2DTranspose 1 5x5 stride 2 tanh;
D Conv2D 64 5x5 stride 2, LeakyReLU, Dropout 0.3, Conv2D 128 5x5 stride 2, LeakyReLU,
Dropout 0.3, Flatten, Dense 1; Adam 1e-4 for both, batch 256, latent 100, binary
cross-entropy on logits; one tf.function step that updates D and G from the same fakes.

A script that prints figures, not a test. Run it on an otherwise idle machine.
"""
import argparse
import os
import platform
import time

import gankit  # noqa: F401  (sets the backend and quiets TensorFlow)
import keras
import numpy as np
import tensorflow as tf
from keras import layers

# --- the TensorFlow tutorial's DCGAN, as published ------------------------------------

TUTORIAL_BATCH, TUTORIAL_LATENT = 256, 100


def tutorial_generator():
    return keras.Sequential([
        keras.Input((TUTORIAL_LATENT,)),
        layers.Dense(7 * 7 * 256, use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                               activation="tanh"),
    ], name="tutorial_generator")


def tutorial_discriminator():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ], name="tutorial_discriminator")


class Tutorial:
    """The tutorial's model and training step (both updates from one batch of fakes)."""

    conditional = False
    latent_dim = TUTORIAL_LATENT

    def __init__(self, seed):
        gankit.seed_everything(seed)
        self.generator, self.discriminator = tutorial_generator(), tutorial_discriminator()
        self.g_optimizer = keras.optimizers.Adam(1e-4)
        self.d_optimizer = keras.optimizers.Adam(1e-4)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.step = tf.function(self.train_step)

    def train_step(self, images):
        noise = tf.random.normal([tf.shape(images)[0], TUTORIAL_LATENT])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake = self.generator(noise, training=True)
            real_out = self.discriminator(images, training=True)
            fake_out = self.discriminator(fake, training=True)
            gen_loss = self.bce(tf.ones_like(fake_out), fake_out)
            disc_loss = (self.bce(tf.ones_like(real_out), real_out)
                         + self.bce(tf.zeros_like(fake_out), fake_out))
        g_grads = gen_tape.gradient(gen_loss, self.generator.trainable_variables)
        d_grads = disc_tape.gradient(disc_loss, self.discriminator.trainable_variables)
        self.g_optimizer.apply(g_grads, self.generator.trainable_variables)
        self.d_optimizer.apply(d_grads, self.discriminator.trainable_variables)
        return gen_loss, disc_loss

    def fit_for(self, x, minutes, seed):
        """The tutorial's loop (shuffle, batch 256, epoch after epoch) for a wall-clock budget."""
        data = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=seed)
        data = data.batch(TUTORIAL_BATCH)
        start, steps = time.perf_counter(), 0
        while time.perf_counter() - start < minutes * 60:
            for batch in data:
                self.step(batch)
                steps += 1
                if time.perf_counter() - start >= minutes * 60:
                    break
        return steps, time.perf_counter() - start

    def generate(self, n, labels=None, seed=None, batch_size=500):
        z = np.random.default_rng(seed).standard_normal((n, TUTORIAL_LATENT)).astype("float32")
        return np.concatenate([keras.ops.convert_to_numpy(self.generator(z[i:i + batch_size],
                                                                          training=False))
                               for i in range(0, n, batch_size)])


# --- FLOPs, counted layer by layer -----------------------------------------------------

def layer_macs(model):
    """Multiply-adds per sample of each Dense / Conv2D / Conv2DTranspose layer, in order.

    Dense: inputs x units. Conv2D: output pixels x filters x (k x k x input channels).
    Conv2DTranspose: input pixels x input channels x (k x k x filters), since every input
    pixel is spread over a k x k patch of every output channel. Batch norm, activations,
    dropout and the losses are element-wise: a few FLOPs per number, left out (they cost
    memory traffic, not arithmetic; their time shows up in the measured step).
    """
    macs = []
    for layer in model.layers:
        inner = getattr(layer, "layer", layer)  # SpectralNormalization wraps a layer
        if isinstance(inner, layers.Dense):
            macs.append(int(layer.input.shape[-1]) * inner.units)
        elif isinstance(inner, layers.Conv2DTranspose):
            h, w, c = layer.input.shape[1:]
            k = inner.kernel_size
            macs.append(h * w * c * k[0] * k[1] * inner.filters)
        elif isinstance(inner, layers.Conv2D):
            h, w, _ = layer.output.shape[1:]
            c = layer.input.shape[-1]
            k = inner.kernel_size
            macs.append(h * w * inner.filters * k[0] * k[1] * c)
    return macs


def step_flops(gen, disc, batch, style):
    """FLOPs of one training step (2 FLOPs per multiply-add).

    A layer's forward pass costs F; its backward pass costs F for the weight gradient
    plus F for the gradient with respect to its input, which is skipped where nothing
    needs it (the first layer of the network whose weights are being trained). In a
    tf.function TensorFlow prunes gradients nobody uses, so this is what runs.

    style "gankit": D step (G forward, D forward on real and fake, D backward), then
    G step on fresh fakes (G forward, D forward, D input gradients, G backward).
    style "tutorial": G forward, D forward on real and fake, D backward, and G's
    backward through D on the same fakes (two tapes, so D's input gradients again).
    """
    g, d = layer_macs(gen), layer_macs(disc)
    fg, fd = sum(g), sum(d)
    d_backward = 2 * fd + 2 * (fd - d[0])              # real and fake: weights + inputs
    g_backward = fd + fg + (fg - g[0])                 # D inputs only, then G weights + inputs
    if style == "gankit":
        macs = (fg + 2 * fd + d_backward) + (fg + fd + g_backward)
    else:
        macs = fg + 2 * fd + d_backward + g_backward
    return 2 * macs * batch


def profiler_flops(step, batch):
    """FLOPs TensorFlow's graph profiler counts in the traced step: a cross-check. It
    sees the graph before pruning (so every gradient, needed or not) and counts the
    element-wise ops too, so it reads somewhat above :func:`step_flops`."""
    from tensorflow.python.profiler import model_analyzer, option_builder

    graph = step.get_concrete_function(tf.TensorSpec((batch, 28, 28, 1))).graph
    opts = option_builder.ProfileOptionBuilder.float_operation()
    opts["output"] = "none"
    tf.get_logger().setLevel("ERROR")  # the v1 API prints a deprecation notice
    return model_analyzer.profile(graph, options=opts).total_float_ops


# --- timing --------------------------------------------------------------------------

def timed(fn, *args, min_seconds=1.5, min_reps=3):
    """Median seconds per call after two warm-up calls (which trace and compile)."""
    for _ in range(2):
        fn(*args)
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def matmul_peak(n=2048, reps=10):
    """Dense float32 matmul rate (FLOP/s) of this CPU with TensorFlow: best of reps."""
    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))
    mm = tf.function(lambda: tf.reduce_sum(tf.matmul(a, b)))
    mm()
    best = min(_once(mm) for _ in range(reps))
    return 2 * n ** 3 / best


def _once(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def anatomy(gen, disc, batch, jit, bce_from_logits=True):
    """Seconds for each part of a GAN step, each in its own compiled function."""
    latent = int(gen.inputs[0].shape[-1])
    real = tf.random.uniform((batch, 28, 28, 1), -1, 1)
    z = tf.random.normal((batch, latent))
    loss = keras.losses.BinaryCrossentropy(from_logits=bce_from_logits)
    d_opt, g_opt = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)
    d_opt.build(disc.trainable_variables)
    g_opt.build(gen.trainable_variables)

    fake = gen(z, training=False)

    def g_forward(z):
        return gen(z, training=True)

    def d_forward(real, fake):
        return disc(real, training=True), disc(fake, training=True)

    def d_gradients(real, fake):
        with tf.GradientTape() as tape:
            r, f = disc(real, training=True), disc(fake, training=True)
            d_loss = loss(tf.ones_like(r), r) + loss(tf.zeros_like(f), f)
        return tape.gradient(d_loss, disc.trainable_variables)

    def g_gradients(z):
        with tf.GradientTape() as tape:
            f = disc(gen(z, training=True), training=True)
            g_loss = loss(tf.ones_like(f), f)
        return tape.gradient(g_loss, gen.trainable_variables)

    d_grads = [tf.zeros_like(v) for v in disc.trainable_variables]
    g_grads = [tf.zeros_like(v) for v in gen.trainable_variables]

    def apply(d_grads, g_grads):
        d_opt.apply(d_grads, disc.trainable_variables)
        g_opt.apply(g_grads, gen.trainable_variables)
        return 0

    def fn(f):
        return tf.function(f, jit_compile=jit)

    t = {"G forward": timed(fn(g_forward), z),
         "D forward, real + fake": timed(fn(d_forward), real, fake)}
    # a backward pass = (forward + backward) - forward
    t["D backward"] = max(timed(fn(d_gradients), real, fake) - t["D forward, real + fake"], 0.0)
    t["G backward (through D)"] = max(timed(fn(g_gradients), z) - t["G forward"]
                                      - t["D forward, real + fake"] / 2, 0.0)
    t["optimizer updates (D and G)"] = timed(fn(apply), d_grads, g_grads)
    return t


def gankit_step(recipe_name, seed, jit):
    """(seconds per step, FLOPs by the profiler, gan, batch) for a recipe's train_step."""
    gan = gankit.get_recipe(recipe_name).build(seed)
    batch = gankit.get_recipe(recipe_name).batch_size
    gan.d_optimizer.build(gan.discriminator.trainable_variables)
    gan.g_optimizer.build(gan.generator.trainable_variables)
    step = tf.function(gan.train_step, jit_compile=jit)
    real = tf.random.uniform((batch, 28, 28, 1), -1, 1)
    return timed(step, real), profiler_flops(step, batch), gan, batch


def tutorial_step(seed):
    """(seconds per step, FLOPs by the profiler, model) for the tutorial's step."""
    model = Tutorial(seed)
    model.d_optimizer.build(model.discriminator.trainable_variables)
    model.g_optimizer.build(model.generator.trainable_variables)
    real = tf.random.uniform((TUTORIAL_BATCH, 28, 28, 1), -1, 1)
    return timed(model.step, real), profiler_flops(model.step, TUTORIAL_BATCH), model


# --- the run -------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=5.0, help="training budget for each model")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n", type=int, default=5000, help="samples for FID and KID")
    args = p.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Keras {keras.__version__}, "
          f"TensorFlow {tf.__version__}; budget {args.minutes:g} min per model\n")

    # 1. Peak
    peak = matmul_peak()
    print(f"dense float32 matmul peak (2048 x 2048, TensorFlow): {peak / 1e9:.1f} GFLOP/s\n")

    # 2. Throughput of one step
    rows = []
    for label, jit in (("dcgan-fashion", False), ("dcgan-fashion, XLA", True)):
        sec, counted, gan, batch = gankit_step("dcgan-fashion", args.seed, jit)
        flops = step_flops(gan.generator, gan.discriminator, batch, "gankit")
        rows.append((label, batch, sec, flops, counted))
    sec, counted, tut = tutorial_step(args.seed)
    rows.append(("TF tutorial DCGAN", TUTORIAL_BATCH, sec,
                 step_flops(tut.generator, tut.discriminator, TUTORIAL_BATCH, "tutorial"), counted))
    print("| model | batch | step (ms) | images/s | GFLOP per step (profiler) | GFLOP/s "
          "| share of peak |")
    print("|---|---|---|---|---|---|---|")
    for label, batch, sec, flops, counted in rows:
        print(f"| {label} | {batch} | {1000 * sec:.1f} | {batch / sec:,.0f} | {flops / 1e9:.2f} "
              f"({counted / 1e9:.2f}) | {flops / sec / 1e9:.1f} | {flops / sec / peak:.0%} |")

    # 3. Where the time goes
    parts = {"dcgan-fashion": anatomy(gan.generator, gan.discriminator, 64, jit=False),
             "TF tutorial DCGAN": anatomy(tut.generator, tut.discriminator, TUTORIAL_BATCH,
                                          jit=False)}
    steps = {"dcgan-fashion": rows[0][2], "TF tutorial DCGAN": rows[2][2]}
    print("\n| part (ms) | " + " | ".join(parts) + " |")
    print("|---|" + "---|" * len(parts))
    for name in parts["dcgan-fashion"]:
        print(f"| {name} | " + " | ".join(f"{1000 * t[name]:.1f}" for t in parts.values()) + " |")
    print("| whole step, measured | " + " | ".join(f"{1000 * steps[k]:.1f}" for k in parts)
          + " |")
    print("(gankit's step makes fakes twice: once for D's update, once for G's)\n", flush=True)

    # 4. Quality after the same wall-clock budget
    x, _ = gankit.load_fashion_mnist("train", verbose=False)
    ref = gankit.evaluation.reference("fashion-mnist", args.n)
    results = {}
    gan, report = gankit.train_recipe("dcgan-fashion", minutes=args.minutes, seed=args.seed,
                                      progress=False)
    results["dcgan-fashion"] = (gan, report["steps"], report["seconds"], 64)
    tut = Tutorial(args.seed)
    steps_done, seconds = tut.fit_for(x, args.minutes, args.seed)
    results["TF tutorial DCGAN"] = (tut, steps_done, seconds, TUTORIAL_BATCH)
    print("| model | steps | images/s in training | FID | KID |")
    print("|---|---|---|---|---|")
    fids = {}
    for label, (model, steps_done, seconds, batch) in results.items():
        images, labels = gankit.evaluation.sample(model, args.n, seed=args.seed + 1)
        s = gankit.evaluation.score_images(images, ref.features, labels=labels)
        fids[label] = s["FID"]
        print(f"| {label} | {steps_done:,} | {steps_done * batch / seconds:,.0f} | {s['FID']:.1f} "
              f"| {s['KID']:.3f} ± {s['KID_std']:.3f} |")
    for name, s in ref.scores.items():
        print(f"| reference: {name} | | | {s['FID']:.1f} | {s['KID']:.3f} ± {s['KID_std']:.3f} |")
    ratio = fids["TF tutorial DCGAN"] / fids["dcgan-fashion"]
    print(f"\nFID ratio, tutorial / dcgan-fashion: {ratio:.1f}x "
          f"(target: at least 5x) -> {'met' if ratio >= 5 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Checks of the exercises of lessons 04-08: a GAN on images, DCGAN, the conditional
GAN, evaluating GANs, the playground.

Each check is registered in gankit.exercises (which imports this module) and is
deterministic: it compares an answer with gankit's own implementation, a closed form
or a structure that always holds, never with the outcome of a training run.
"""
import numpy as np

from . import checks as c
from .exercises import exercise


# --- Lesson 04 -------------------------------------------------------------------------

@exercise("04.1")
def _bn_generator(make_generator_bn):
    import keras

    from .gan import count_params
    from .models import mlp_generator

    G = make_generator_bn((8, 8, 1), latent_dim=16, hidden=(32, 64))
    c.generator_images(G, 16, (4, 8, 8, 1),
                       "make_generator_bn((8, 8, 1), 16, (32, 64)) on 4 noise vectors",
                       "Keep tanh as the last activation.")
    kinds = [type(layer).__name__ for layer in G.layers
             if not isinstance(layer, keras.layers.InputLayer)]
    norms = [i for i, k in enumerate(kinds) if k == "BatchNormalization"]
    dense = [i for i, k in enumerate(kinds) if k == "Dense"]
    if (len(norms) != 2 or any(kinds[i - 1] != "Dense" for i in norms)
            or not dense or norms[-1] > dense[-1]):
        raise AssertionError(
            f"G's layers are {kinds}. Put one BatchNormalization right after each hidden Dense "
            "layer (between it and its LeakyReLU), and none after the output layer: DCGAN "
            "leaves G's output alone, so that tanh decides the pixel range.")
    expected = count_params(mlp_generator(16, (8, 8, 1), hidden=(32, 64), batch_norm=True))
    if count_params(G) != expected:
        raise AssertionError(f"G has {count_params(G):,} trainable weights; with hidden=(32, 64) "
                             f"and batch norm it should have {expected:,}.")
    return "Batch norm adds 2 trainable weights per unit (a scale and a shift)."


@exercise("04.2")
def _least_sure(least_sure):
    from .data import load_fashion_mnist
    from .metrics import classify

    x, _ = load_fashion_mnist("test", n=40, verbose=False)
    images = np.concatenate([x, (x[:10] + x[10:20]) / 2]).astype("float32")  # 10 blends
    top = classify(images)[1].max(1)
    for k in (5, 3):
        expected = np.argsort(top, kind="stable")[:k].tolist()
        got = c.numbers(least_sure(images, k), f"least_sure(images, {k})").ravel()
        if got.astype(int).tolist() != expected:
            raise AssertionError(
                f"least_sure(images, {k}): expected the indices {expected} (least sure first), "
                f"got {got.astype(int).tolist()}. The classifier's confidence in an image is its "
                "*largest* class probability, probs.max(1); sort it from low to high with "
                "np.argsort and keep the first k.")
    return "Blends of two garments are among the least sure: the classifier sees two things."


@exercise("04.3")
def _snapshot_callback(callback_class):
    import keras

    from .data import load_digits8
    from .gan import GAN
    from .models import mlp_discriminator, mlp_generator

    x, _ = load_digits8(verbose=False)
    gan = GAN(mlp_generator(8, (8, 8, 1), hidden=(32,)), mlp_discriminator((8, 8, 1), hidden=(32,)),
              seed=0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    callback = callback_class(every=2, n=4, seed=3)
    gan.fit(x[:48], batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[callback])
    frames = getattr(callback, "frames", None)
    if not isinstance(frames, list) or not all(len(f) == 2 for f in frames):
        raise AssertionError("The callback should keep a list self.frames of (step, images) "
                             f"pairs; got {type(frames).__name__}.")
    steps = [int(step) for step, _ in frames]
    if steps != [2, 4, 6]:
        raise AssertionError(
            f"Training ran 6 steps (2 epochs of 3) with every=2, so frames should come after "
            f"steps [2, 4, 6]; got {steps}. Count the steps yourself in on_train_batch_end: "
            "its batch argument starts again at 0 in every epoch.")
    for step, images in frames:
        c.shape(images, (4, 8, 8, 1), f"the frame of step {step} (n=4)")
    c.close(frames[-1][1], gan.generate(4, seed=3), "the last frame", atol=1e-5,
            why="Take each frame with self.model.generate(self.n, seed=self.seed): the same "
                "noise every time.")
    if np.array_equal(frames[0][1], frames[-1][1]):
        raise AssertionError("The frames of steps 2 and 6 are identical, but G changed between "
                             "them: generate new samples for every frame.")
    return "Same noise, changing G: each column of your frames follows one z through training."


# --- Lesson 05 -------------------------------------------------------------------------

@exercise("05.1")
def _checkerboard(paint_ones, uniform_kernels):
    from keras import layers

    ones = np.ones((1, 7, 7, 1), "float32")
    uniform = []
    for k in (2, 3, 4, 5, 6):
        up = layers.Conv2DTranspose(1, k, strides=2, padding="same", use_bias=False,
                                    kernel_initializer="ones")
        expected = np.asarray(up(ones))[0, :, :, 0]
        c.close(np.squeeze(c.numbers(paint_ones(k), f"paint_ones({k})")), expected,
                f"paint_ones({k})", why="Apply Conv2DTranspose(1, k, strides=2, padding='same', "
                "use_bias=False, kernel_initializer='ones') to np.ones((1, 7, 7, 1)).")
        if len(np.unique(expected[2:-2, 2:-2])) == 1:
            uniform.append(k)
    got = sorted(int(k) for k in uniform_kernels)
    if got != uniform:
        raise AssertionError(
            f"uniform_kernels: expected {uniform}, got {got}. For each kernel size, look at "
            "np.unique(paint_ones(k)[2:-2, 2:-2]): one value means every inner pixel gets the "
            "same number of contributions.")
    return ("Uniform exactly when the stride divides the kernel; 3 and 5 paint a checkerboard "
            "that G's first steps would have to unlearn.")


@exercise("05.2")
def _lerp_slerp(lerp, lerp_ratio, slerp_ratio):
    z1, z2 = np.array([1.0, 2.0, -1.0]), np.array([3.0, -2.0, 0.5])
    for t in (0.0, 0.25, 1.0):
        c.close(lerp(z1, z2, t), (1 - t) * z1 + t * z2, f"lerp(z1, z2, {t})",
                why="A straight line: (1 - t) * z1 + t * z2.")
    for name, got, expected, why in (
            ("lerp_ratio", lerp_ratio, np.sqrt(0.5), "the midpoint (z1 + z2) / 2 has variance "
             "1/2 per coordinate, so its norm is about sqrt(d / 2)"),
            ("slerp_ratio", slerp_ratio, 1.0, "slerp walks on the sphere where z lives, so the "
             "midpoint keeps the norm of its ends, about sqrt(d)")):
        got = float(c.numbers(got, name))
        if not abs(got - expected) <= 0.02:
            raise AssertionError(
                f"{name}: expected about {expected:.3f}, got {got:.3f}: {why}. Average "
                "|midpoint| / sqrt(d) over 1,000 pairs of z ~ N(0, I) in d = 64 dimensions.")
    return ("The straight line's middle is shorter than nearly every z G saw in training; "
            "slerp's is not.")


@exercise("05.3")
def _nearest_in_pixels(nearest_training_image):
    from .data import load_fashion_mnist
    from .metrics import nearest_neighbours

    train, _ = load_fashion_mnist("train", n=500, verbose=False)
    test, _ = load_fashion_mnist("test", n=5, verbose=False)
    queries = np.concatenate([train[[3, 77, 250]], test,
                              np.clip(train[[10]] + 0.3, -1, 1)]).astype("float32")
    idx, dist = nearest_neighbours(queries, train, k=1, space="pixels")
    got = nearest_training_image(queries, train)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise AssertionError("nearest_training_image should return the pair (indices, "
                             f"distances); got {type(got).__name__}.")
    got_idx = c.numbers(got[0], "indices").ravel().astype(int).tolist()
    if got_idx != idx[:, 0].tolist():
        raise AssertionError(
            f"indices: expected {idx[:, 0].tolist()}, got {got_idx}. The nearest image has the "
            "smallest Euclidean distance over all pixels; a large dot product only means bright "
            "pixels in the same places.")
    c.close(np.ravel(c.numbers(got[1], "distances")), dist[:, 0], "distances", atol=1e-3,
            why="Use the Euclidean distance sqrt(sum((a - b)^2)) over the flattened pixels.")
    return "Copies sit at distance 0; new images of the same kind sit well above it."


# --- Lesson 06 -------------------------------------------------------------------------

@exercise("06.1")
def _conditional_mlp(generator, discriminator):
    for name, model, first in (("generator", generator, "z"),
                               ("discriminator", discriminator, "images")):
        if len(getattr(model, "inputs", ()) or ()) != 2:
            raise AssertionError(
                f"The {name} should take two inputs, [{first}, labels]; it takes "
                f"{len(getattr(model, 'inputs', ()) or ())}. Build it with num_classes=10.")
    latent = int(generator.inputs[0].shape[-1])
    z = np.random.default_rng(0).standard_normal((2, latent)).astype("float32")
    zeros, fives = np.zeros((2, 1), "int32"), np.full((2, 1), 5, "int32")
    images = c.numbers(generator([z, zeros], training=False), "G([z, labels])")
    c.shape(images, (2, 28, 28, 1), "G([z, labels]) for 2 samples")
    if np.array_equal(images, c.numbers(generator([z, fives], training=False), "G")):
        raise AssertionError("G makes the same images from the same z for labels 0 and 5: the "
                             "label must reach G's layers.")
    scores = c.numbers(discriminator([images, zeros], training=False), "D([images, labels])")
    c.shape(scores, (2, 1), "D([images, labels]) for 2 images")
    if np.array_equal(scores, c.numbers(discriminator([images, fives], training=False), "D")):
        raise AssertionError("D gives the same images the same scores under labels 0 and 5: it "
                             "cannot check that an image matches its label.")
    return "Both players read the label: G to choose what to draw, D to judge the pair."


@exercise("06.2")
def _one_hot_channels(onehot_discriminator):
    import keras

    D = onehot_discriminator(8)
    if len(getattr(D, "inputs", ()) or ()) != 2:
        raise AssertionError("onehot_discriminator should return a model with two inputs, "
                             "[image, label].")
    conv = next((layer for layer in D.layers if isinstance(layer, keras.layers.Conv2D)), None)
    if conv is None:
        raise AssertionError("D has no Conv2D layer: keep the DCGAN convolutions of lesson 06.")
    if int(conv.kernel.shape[2]) != 11:
        raise AssertionError(
            f"D's first convolution reads {int(conv.kernel.shape[2])} channels; it should read 11: "
            "the image and 10 one-hot label channels (one-hot (1, 1, 10), broadcast to 28 x 28 "
            "with UpSampling2D(28)). One channel holding the class number would make a sandal "
            "(5) look half-way between a coat (4) and a shirt (6).")
    x = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    a = c.numbers(D([x, np.zeros((3, 1), "int32")], training=False), "D([images, labels])")
    c.shape(a, (3, 1), "D([images, labels]) for 3 images")
    if np.array_equal(a, c.numbers(D([x, np.full((3, 1), 7, "int32")], training=False), "D")):
        raise AssertionError("D's scores do not change with the label.")
    return "Each class now owns one input channel; nothing about the label has to be learned."


@exercise("06.3")
def _digits_cgan(gan):
    from keras import ops

    from .gan import GAN

    if not isinstance(gan, GAN):
        raise AssertionError(f"digits_gan should be a gankit.GAN; got {type(gan).__name__}.")
    if not gan.conditional:
        raise AssertionError("digits_gan is not conditional: build G and D with num_classes=10 "
                             "and train with gan.fit(x_digits, y_digits, ...).")
    if gan.num_classes != 10 or tuple(gan.sample_shape) != (8, 8, 1):
        raise AssertionError(f"digits_gan should make (8, 8, 1) images of 10 classes; it makes "
                             f"{gan.sample_shape} with {gan.num_classes} classes.")
    if int(ops.convert_to_numpy(gan.g_optimizer.iterations)) < 1:
        raise AssertionError("digits_gan has not trained yet: call digits_gan.fit(x_digits, "
                             "y_digits, ...).")
    c.shape(gan.generate(10, labels=np.arange(10), seed=0), (10, 8, 8, 1),
            "digits_gan.generate(10, labels=range(10))")
    return "One row per digit: the label picks the digit, z the handwriting."


# --- Lesson 07 -------------------------------------------------------------------------

@exercise("07.1")
def _one_image(one_image, is_one, recall_one):
    images = c.numbers(one_image, "one_image")
    if images.ndim != 4 or len(images) < 10:
        raise AssertionError(f"one_image should be a batch of images (n, 28, 28, 1) with n >= 10; "
                             f"got shape {images.shape}.")
    if not (images == images[:1]).all():
        raise AssertionError("one_image should hold one image n times: np.repeat(x_train[:1], N, "
                             "axis=0).")
    c.close(is_one, 1.0, "is_one", atol=1e-6,
            why="Every image has the same p(y|x), so p(y) = p(y|x) and each KL term is 0: the "
                "IS-style score is exp(0) = 1, its lowest value, however good the image.")
    c.close(recall_one, 0.0, "recall_one", atol=0,
            why="Identical samples have balls of radius 0 around them, so no real image lies "
                "inside one: precision_recall(f_real, features of one_image)[1].")
    return ("One image, however real, has no variety: the IS-style score and recall both "
            "say so.")


@exercise("07.2")
def _biased_kid(kid_biased):
    rng = np.random.default_rng(0)
    pairs = {"two samples of one distribution": (rng.normal(size=(60, 16)),
                                                 rng.normal(size=(60, 16))),
             "two different distributions": (rng.normal(size=(60, 16)),
                                             rng.normal(0.5, 1.0, size=(60, 16)))}
    for name, (r, f) in pairs.items():
        def k(a, b):
            return (a @ b.T / r.shape[1] + 1) ** 3

        expected = k(r, r).mean() + k(f, f).mean() - 2 * k(r, f).mean()
        got = float(c.numbers(kid_biased(r, f), f"kid_biased on {name}"))
        if got < 0:
            raise AssertionError(
                f"kid_biased on {name} came out {got:.4f}, below 0. The biased estimate keeps "
                "the diagonal (each sample with itself) and divides by m * m: it is a squared "
                "distance between two average embeddings and can never be negative.")
        c.close(got, expected, f"kid_biased on {name}", atol=1e-6, rtol=1e-6,
                why="mean of k(r, r) + mean of k(f, f) - 2 * mean of k(r, f), every entry "
                    "included, with k(a, b) = (a . b / d + 1)^3.")
    return ("Never below 0, but too high on average: the diagonal adds a positive bias that "
            "shrinks only as m grows. KID drops it to be unbiased, and can read below 0.")


@exercise("07.3")
def _blurry(blurry_generator):
    from .data import load_fashion_mnist

    train, _ = load_fashion_mnist("train", n=40, verbose=False)
    out = c.numbers(blurry_generator(train, 30, seed=0), "blurry_generator(images, 30)")
    c.shape(out, (30, 28, 28, 1), "blurry_generator(images, 30, seed=0)")
    if out.min() < -1 - 1e-6 or out.max() > 1 + 1e-6:
        raise AssertionError(f"The blurry images reach [{out.min():.2f}, {out.max():.2f}]: "
                             "average the two images, (a + b) / 2, so they stay in [-1, 1].")
    flat = train.reshape(len(train), -1).astype("float64")
    i, j = np.triu_indices(len(train), k=1)
    means = (flat[i] + flat[j]) / 2                              # every pair of different images
    for n, image in enumerate(out.reshape(len(out), -1)):
        if np.abs(means - image).max(1).min() > 1e-5:
            raise AssertionError(f"Image {n} is not the average of two different images of the "
                                 "set: pick two different indices for each image, "
                                 "rng.choice(len(images), 2, replace=False).")
    again = c.numbers(blurry_generator(train, 30, seed=0), "a second call")
    if not np.array_equal(out, again):
        raise AssertionError("The same seed should give the same images: draw with "
                             "np.random.default_rng(seed).")
    return "Now evaluate it: which numbers notice the blur, and which do not?"


# --- Lesson 08 -------------------------------------------------------------------------

@exercise("08.1")
def _score_gradient(score_gradient):
    from .data import ring8
    from .models import mlp_discriminator

    D = mlp_discriminator((2,), hidden=(16, 16))
    points = ring8(40, seed=0) + np.random.default_rng(0).normal(0, 0.3, (40, 2)).astype("float32")
    w1, b1, w2, b2, w3, _ = [np.asarray(w, "float64") for w in D.get_weights()]
    h1 = points.astype("float64") @ w1 + b1                     # the same MLP, by hand
    h2 = np.where(h1 > 0, h1, 0.2 * h1) @ w2 + b2
    slope1, slope2 = np.where(h1 > 0, 1.0, 0.2), np.where(h2 > 0, 1.0, 0.2)
    expected = (slope1 * ((slope2 * w3[:, 0]) @ w2.T)) @ w1.T   # d score / d x, chain rule
    got = c.numbers(score_gradient(D, points), "score_gradient(D, points)")
    c.close(got, expected, "score_gradient(D, points)", atol=1e-4, rtol=1e-3,
            why="Watch the points on a tape, score them with D(x) (the logit, no sigmoid, no "
                "loss) and take tape.gradient(scores, x): one (dx, dy) per point.")
    return ("These are the playground's arrows: a non-saturating G step moves each fake along "
            "(1 - D(G(z))) times this vector, uphill on D's score.")


@exercise("08.2")
def _background(train_in_background):
    import threading
    import time

    main = threading.current_thread()
    gate, stop, calls = threading.Event(), threading.Event(), []

    def step():
        gate.wait(2.0)                      # a step that takes a while, until the gate opens
        calls.append(threading.current_thread() is not main)

    start = time.perf_counter()
    worker = train_in_background(step, 2, stop)
    took = time.perf_counter() - start
    gate.set()
    if not isinstance(worker, threading.Thread):
        raise AssertionError("train_in_background should return the threading.Thread it "
                             f"started; got {type(worker).__name__}.")
    if took > 1.0:
        raise AssertionError(
            f"train_in_background took {took:.1f} s to return: the steps ran before it returned. "
            "Hand the function to the thread without calling it, threading.Thread(target=work) "
            "(not target=work()), and start the thread.")
    if worker.ident is None:
        raise AssertionError("The thread was made but never started: call worker.start().")
    worker.join(10)
    if len(calls) != 2 or not all(calls):
        raise AssertionError(f"Asked for 2 steps, the worker thread took {sum(calls)} "
                             f"(and {len(calls) - sum(calls)} ran in the calling thread).")
    calls.clear()
    stop.set()
    train_in_background(step, 3, stop).join(10)
    if calls:
        raise AssertionError(f"With stop already set the worker took {len(calls)} step(s); it "
                             "should check stop.is_set() before every step and take none.")
    return "The cell returns at once and the kernel stays free for the pause button."


@exercise("08.3")
def _noise_slider(noise_slider):
    import keras

    from .gan import GAN

    gan = GAN(*c.small_pair())
    noise = gan.instance_noise
    slider = noise_slider(gan)
    if not hasattr(slider, "value") or not hasattr(slider, "observe"):
        raise AssertionError(f"noise_slider should return a widget, e.g. ipywidgets.FloatSlider; "
                             f"got {type(slider).__name__}.")
    for value in (0.37, 0.12):
        try:
            slider.value = value
        except Exception as e:
            raise AssertionError(f"Moving the slider to {value} raised {type(e).__name__}: {e}")
        if gan.instance_noise is not noise:
            raise AssertionError(
                "Moving the slider replaced gan.instance_noise with a "
                f"{type(gan.instance_noise).__name__}: the compiled training step keeps reading "
                "the old variable and never sees the change. Assign to the variable: "
                "gan.instance_noise.assign(change['new']).")
        c.close(keras.ops.convert_to_numpy(noise), value,
                f"gan.instance_noise after slider.value = {value}", atol=1e-6,
                why="Observe the slider's 'value' and assign each new value to "
                    "gan.instance_noise (a slider from 0 to 0.5 in steps of 0.01).")
    return "A Keras variable changed in place reaches the very next training step."

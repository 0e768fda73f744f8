"""The GAN as a ``keras.Model`` whose ``train_step`` trains D, then G.

Why a custom ``train_step``: ``fit()`` knows how to minimise one loss with one
optimizer. A GAN has two players with opposite goals, so each step does

1. ``d_steps`` times: make fakes, score real and fake, update **only D's
   weights** with ``d_optimizer``;
2. once: make fakes, score them with D, update **only G's weights** with
   ``g_optimizer``.

"Freeze D while G trains" in Keras 3 means exactly this: G's gradients are
taken with respect to ``generator.trainable_variables`` alone and handed to
G's optimizer, so D's weights cannot move during G's step (and vice versa).
Nothing is toggled; no ``trainable = False`` is needed.

The same class trains on the TensorFlow, JAX and PyTorch backends of Keras 3.
Everything (losses, noise, penalties, the order of the updates) is ``keras.ops``
and shared; only the gradient bookkeeping differs, and it lives in three small
methods per backend: ``_update_<backend>`` (one gradient step for one network),
``_input_gradient_<backend>`` (the gradient penalty's gradient w.r.t. the input)
and, for JAX, ``_train_step_jax`` with the state plumbing next to it:

- TensorFlow records the forward pass on a ``GradientTape`` and asks it for the
  gradient w.r.t. one network's weights;
- PyTorch's autograd builds the graph as the forward pass runs; ``backward()``
  fills ``.grad`` of every weight involved, so each network clears its own first;
- JAX differentiates *pure functions* only: the loss becomes a function of one
  network's weights, and the training step a function from the whole state (both
  networks, both optimizers, the noise seed, the averaged generator, the metrics)
  to a new state, which ``fit()`` carries from step to step.
"""
import contextlib
import math
import signal
import threading

import keras
import numpy as np
from keras import ops

from .errors import BadInputError
from .losses import check_smoothing, get_loss

DEFAULT_LR = 2e-4
BACKENDS = ("tensorflow", "jax", "torch")  # the Keras backends that can train a GAN


def _backend():
    return keras.backend.backend()


def _no_grad():
    """On PyTorch, a block whose results need no gradient (bookkeeping, sampling): no
    autograd graph is built for it. Elsewhere it does nothing."""
    if _backend() == "torch":
        import torch

        return torch.no_grad()
    return contextlib.nullcontext()


def _apply(optimizer, grads, weights):
    """optimizer.apply, leaving out the weights the loss does not reach (no gradient):
    R1 (GAN.r1_penalty) never reaches D's last bias. Keras would skip them too, with a
    warning at every step."""
    pairs = [(g, w) for g, w in zip(grads, weights) if g is not None]
    optimizer.apply([g for g, _ in pairs], [w for _, w in pairs])


def _default_optimizer():
    # DCGAN's settings: beta1 0.5 (0.9 oscillated in the paper)
    return keras.optimizers.Adam(DEFAULT_LR, beta_1=0.5)


def _find_num_classes(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


@keras.saving.register_keras_serializable(package="gankit")
class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit()``.

    Args:
        generator: a model from noise z (and a label, if conditional) to a sample.
        discriminator: a model from a sample (and label) to one score per sample.
        loss: a name from ``gankit.LOSSES``: "minimax", "non-saturating",
            "least-squares", "hinge" or "wasserstein".
        d_steps: discriminator updates per generator update (WGAN uses 5).
        gradient_penalty: weight of the WGAN-GP penalty (10 in the paper; 0 = off).
        clip_weights: clip D's weights to [-c, c] after each D update (WGAN; None = off).
        label_smoothing: real label becomes 1 - label_smoothing (one-sided).
        instance_noise: std of Gaussian noise added to everything D sees.
            Stored in a variable, so it can be changed while training.
        pack: PacGAN's packing: D judges groups of ``pack`` samples at once (all real
            or all fake), which makes a collapsed G easy to spot. Build D for the
            packed shape: (pack * d,) for points, (H, W, pack * C) for images.
        ema: keep a moving average of G's weights with this decay (e.g. 0.999) and
            sample from it: the average smooths out G's last few oscillating steps
            and gives cleaner samples for free (Yazici et al. 2019). None = off.
        seed: seeds the noise the GAN draws, for repeatable runs.
        info: a dict saved with the model (the recipe's name, the data kind...).

    Data passed to ``fit`` is real samples ``x`` or, for a conditional GAN,
    the pair ``(x, labels)``.
    """

    def __init__(self, generator, discriminator, loss="non-saturating", d_steps=1,
                 gradient_penalty=0.0, clip_weights=None, label_smoothing=0.0,
                 instance_noise=0.0, pack=1, ema=None, seed=None, info=None, **kwargs):
        super().__init__(**kwargs)
        if _backend() not in BACKENDS:
            raise RuntimeError(
                f"gankit.GAN trains on the {', '.join(BACKENDS)} backends; KERAS_BACKEND is "
                f"{_backend()!r}, which cannot train a GAN. Set KERAS_BACKEND=tensorflow "
                "(the course's default) before Python imports keras, or jax or torch after "
                "`pip install 'gankit[backends]'`.")
        self.generator = generator
        self.discriminator = discriminator
        self.loss_pair = get_loss(loss)
        check_smoothing(loss, float(label_smoothing))
        if int(d_steps) < 1:
            raise BadInputError(f"d_steps should be 1 or more; got {d_steps}.")
        if gradient_penalty < 0 or (clip_weights is not None and clip_weights <= 0):
            raise BadInputError("gradient_penalty should be >= 0 and clip_weights > 0 (or None).")
        self.d_steps = int(d_steps)
        self.gp_weight = float(gradient_penalty)
        self.clip_value = None if clip_weights is None else float(clip_weights)
        self.label_smoothing = float(label_smoothing)
        self.seed = seed
        self.info = dict(info or {})

        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.conditional = len(generator.inputs) == 2
        self._check_discriminator(discriminator)
        self.num_classes = _find_num_classes(generator) if self.conditional else None
        self.sample_shape = tuple(generator.outputs[0].shape[1:])
        self.pack = int(pack)
        if self.pack < 1 or (self.pack > 1 and self.conditional):
            raise BadInputError(
                f"pack should be 1 or more, and 1 for a conditional GAN; got {pack}.")
        d_shape = tuple(discriminator.inputs[0].shape[1:])
        packed = self.sample_shape[:-1] + (self.sample_shape[-1] * self.pack,)
        if d_shape != packed:
            hint = (f" With pack={self.pack}, build D for {packed}: the last axis holds "
                    "the packed samples side by side." if self.pack > 1 else
                    " Build both for the same shape.")
            raise BadInputError(
                f"The generator makes samples of shape {self.sample_shape} but the "
                f"discriminator expects {d_shape}.{hint}")

        if ema is not None and not 0.0 < float(ema) < 1.0:
            raise BadInputError(f"ema is a decay between 0 and 1 (e.g. 0.999) or None; got {ema}.")
        self.ema = None if ema is None else float(ema)
        self.ema_generator = None
        if self.ema is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_generator.trainable = False
            shapes = [tuple(w.shape) for w in generator.weights]
            if shapes != [tuple(w.shape) for w in self.ema_generator.weights]:
                raise RuntimeError("gankit: the averaged generator's weights do not line up.")

        self.seed_generator = keras.random.SeedGenerator(seed)
        self.instance_noise = keras.Variable(float(instance_noise), trainable=False,
                                             name="instance_noise")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.gp_tracker = keras.metrics.Mean(name="gp") if self.gp_weight else None
        self.d_optimizer = None
        self.g_optimizer = None
        self.built = True  # both networks are built already

    def _check_discriminator(self, discriminator):
        """D takes labels exactly when G does. (ACGAN's D predicts the label instead of
        taking it, so gankit.ACGAN overrides this check.)"""
        if self.conditional != (len(discriminator.inputs) == 2):
            raise BadInputError(
                "The generator and discriminator must both be conditional (take labels) or "
                "both not: build them with the same num_classes.")

    # --- compile -------------------------------------------------------------------

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Give each network its own optimizer (defaults: Adam 2e-4, beta1 0.5).

        Extra keyword arguments (``jit_compile``, ``steps_per_execution``...)
        go to ``keras.Model.compile``.
        """
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = keras.optimizers.get(d_optimizer or _default_optimizer())
        self.g_optimizer = keras.optimizers.get(g_optimizer or _default_optimizer())
        if self.d_optimizer is self.g_optimizer:
            raise BadInputError(
                "D and G need separate optimizer objects: each keeps its own moment "
                "estimates. Pass two instances, e.g. keras.optimizers.Adam(2e-4) twice.")
        self._compile_kwargs = {k: v for k, v in kwargs.items()
                                if k in ("jit_compile", "steps_per_execution", "run_eagerly")}
        self._r1_fn = None  # r1_step compiles anew, for these optimizers
        # Slots now, not at the first step: a GAN saved before any training then loads
        # with its optimizers' state, without Keras's "skipping variable loading" warning.
        self._build_optimizers()

    def get_compile_config(self):
        if self.d_optimizer is None:
            return {}
        return {"d_optimizer": keras.optimizers.serialize(self.d_optimizer),
                "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
                **getattr(self, "_compile_kwargs", {})}

    def compile_from_config(self, config):
        if not config:
            return
        config = dict(config)
        if keras.backend.backend() == "torch":
            # XLA (saved by a TensorFlow or JAX run) would mean torch.compile here: train eagerly
            config.pop("jit_compile", None)
        self.compile(keras.optimizers.deserialize(config.pop("d_optimizer")),
                     keras.optimizers.deserialize(config.pop("g_optimizer")), **config)
        # Create the optimizers' slots now so their saved state can be loaded into them.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker,
                    self.d_fake_tracker]
        return trackers + ([self.gp_tracker] if self.gp_tracker is not None else [])

    # --- pieces shared by every backend (keras.ops only) ------------------------------

    def noise(self, batch_size):
        """A batch of latent vectors z ~ N(0, I)."""
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _g_inputs(self, z, labels):
        return [z, labels] if self.conditional else z

    def _d_inputs(self, x, labels):
        if self.pack > 1:
            # (B, ..., C) -> (B / pack, ..., pack * C): each group of `pack` samples becomes
            # one input (a last partial group is dropped)
            x = x[:(ops.shape(x)[0] // self.pack) * self.pack]
            x = ops.reshape(x, (-1, self.pack) + self.sample_shape)
            x = ops.moveaxis(x, 1, -2)
            return ops.reshape(x, (-1,) + self.sample_shape[:-1]
                               + (self.pack * self.sample_shape[-1],))
        return [x, labels] if self.conditional else x

    def _noisy(self, x):
        """Instance noise: blur the line between real and fake for D (0 = off)."""
        return x + self.instance_noise * keras.random.normal(ops.shape(x),
                                                             seed=self.seed_generator)

    def _as_probability(self, scores):
        """What the trackers call D(x): a probability for the cross-entropy losses,
        the raw score for the others (their D is a critic or a regressor)."""
        if self.loss_pair.name in ("minimax", "non-saturating"):
            return ops.mean(ops.sigmoid(scores))
        return ops.mean(scores)

    def _unpack(self, data):
        if isinstance(data, (tuple, list)):
            x = data[0]
            labels = data[1] if len(data) > 1 else None
        else:
            x, labels = data, None
        if self.conditional and labels is None:
            raise BadInputError(
                "This GAN is conditional: fit it on (images, labels), e.g. "
                "gan.fit(x, y, ...), so it knows which class each real image is.")
        if labels is not None and self.conditional:
            labels = ops.reshape(ops.cast(labels, "int32"), (-1, 1))
        return x, labels if self.conditional else None

    def _interpolate(self, real, fake):
        """Random points on the lines between real and fake samples (WGAN-GP).
        The weight is drawn from U[0, 1], as in the paper."""
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        alpha = keras.random.uniform(shape, seed=self.seed_generator)
        return real + alpha * (fake - real)

    def _gradient_penalty(self, real, fake, labels):
        """WGAN-GP: (||grad_x D(x)|| - 1)^2 on points between real and fake samples.
        A gradient *inside* the loss: each backend takes it its own way (_input_gradient)."""
        mixed = self._interpolate(real, fake)
        grads = self._input_gradient(
            lambda x: self.discriminator(self._d_inputs(x, labels), training=True), mixed)
        norms = ops.sqrt(ops.sum(ops.square(grads), axis=list(range(1, len(grads.shape))))
                         + 1e-12)
        return ops.mean(ops.square(norms - 1.0))

    def r1_penalty(self, real, labels=None):
        """R1 (Mescheder et al. 2018): the mean squared slope of D at real samples,
        E||grad_x D(x)||^2. A D kept flat where the data is cannot send G round the
        modes in circles, which is what a GAN that hops between modes does."""
        real = ops.convert_to_tensor(real, "float32")
        if labels is not None:
            labels = ops.convert_to_tensor(labels, "int32")
        grads = self._input_gradient(
            lambda x: self.discriminator(self._d_inputs(x, labels), training=True), real)
        return ops.mean(ops.sum(ops.square(grads), axis=list(range(1, len(grads.shape)))))

    def r1_step(self, real, weight, labels=None):
        """One D update on ``weight * r1_penalty(real)`` alone; returns the penalty.

        callbacks.LazyR1 calls it every few steps (StyleGAN2's lazy regularisation):
        the penalty changes slowly, so one step every 20, weighted by 20, does the
        work of one every step at a fraction of the cost. Compiled on TensorFlow
        (with XLA when the training step is)."""
        if self.d_optimizer is None:
            raise BadInputError("Compile the GAN (gan.compile(...)) before taking an R1 step.")
        if getattr(self, "_r1_fn", None) is None:
            def step(real, weight, labels):
                penalty, _ = self._update(
                    self.discriminator, self.d_optimizer,
                    lambda: (weight * self.r1_penalty(real, labels), None))
                return ops.stop_gradient(penalty / weight)

            if _backend() == "tensorflow":
                import tensorflow as tf

                step = tf.function(step, jit_compile=getattr(self, "jit_compile", False) is True)
            self._r1_fn = step
        real = ops.convert_to_tensor(real, "float32")
        if tuple(real.shape[1:]) != self.sample_shape:
            raise BadInputError(f"R1 needs real samples of shape (n, *{self.sample_shape}); "
                                f"got {tuple(real.shape)}.")
        if labels is not None:
            labels = ops.convert_to_tensor(labels, "int32")
        return self._r1_fn(real, ops.convert_to_tensor(weight, "float32"), labels)

    def _update_trackers(self, d_loss, g_loss, real_scores, fake_scores, gp=None):
        with _no_grad():
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            self.d_real_tracker.update_state(self._as_probability(real_scores))
            self.d_fake_tracker.update_state(self._as_probability(fake_scores))
            if gp is not None and self.gp_tracker is not None:
                self.gp_tracker.update_state(gp)
            return {m.name: m.result() for m in self.metrics}

    # --- the losses of one step (shared: keras.ops only) --------------------------------

    def _d_loss(self, real, labels):
        """D's loss on a real batch and fresh fakes; returns (loss, (real_scores,
        fake_scores, gp)). The fakes are held fixed (stop_gradient): D's step
        treats them as data, so no gradient flows back into G."""
        G, D = self.generator, self.discriminator
        z = self.noise(ops.shape(real)[0])
        fake = ops.stop_gradient(G(self._g_inputs(z, labels), training=True))
        real_scores = D(self._d_inputs(self._noisy(real), labels), training=True)
        fake_scores = D(self._d_inputs(self._noisy(fake), labels), training=True)
        d_loss = self.loss_pair.d_loss(real_scores, fake_scores, 1.0 - self.label_smoothing)
        gp = None
        if self.gp_weight:
            gp = self._gradient_penalty(real, fake, labels)
            d_loss = d_loss + self.gp_weight * gp
        return d_loss, (real_scores, fake_scores, gp)

    def _g_loss(self, batch_size, labels):
        """G's loss through D on fresh fakes; returns (loss, fake_scores)."""
        G, D = self.generator, self.discriminator
        z = self.noise(batch_size)
        fake = G(self._g_inputs(z, labels), training=True)
        fake_scores = D(self._d_inputs(self._noisy(fake), labels), training=True)
        return self.loss_pair.g_loss(fake_scores), fake_scores

    def _clip_d(self):
        """WGAN's weight clipping: D's weights back into [-c, c] after its update."""
        if self.clip_value is None:
            return
        with _no_grad():
            for w in self.discriminator.trainable_variables:
                w.assign(ops.clip(w, -self.clip_value, self.clip_value))

    # --- the training step: the same algorithm on every backend ----------------------

    def _train_d(self, real, labels, times):
        """``times`` discriminator updates on this real batch, fresh fakes each time."""
        for _ in range(times):
            d_loss, (real_scores, fake_scores, gp) = self._update(
                self.discriminator, self.d_optimizer, lambda: self._d_loss(real, labels))
            self._clip_d()
        return d_loss, real_scores, fake_scores, gp

    def _train_g(self, batch_size, labels):
        """One generator update through D; only G's weights reach g_optimizer."""
        g_loss, fake_scores = self._update(
            self.generator, self.g_optimizer, lambda: self._g_loss(batch_size, labels))
        self._update_ema()
        return g_loss, fake_scores

    def _alternate(self, data):
        """The GAN step: d_steps D updates, then one G update; returns the logs."""
        real, labels = self._unpack(data)
        d_loss, real_scores, fake_scores, gp = self._train_d(real, labels, self.d_steps)
        g_loss, _ = self._train_g(ops.shape(real)[0], labels)
        return self._update_trackers(d_loss, g_loss, real_scores, fake_scores, gp)

    def train_step(self, *args):
        """What ``fit()`` calls for every batch.

        TensorFlow and PyTorch pass the batch and let the step change the variables;
        JAX passes ``(state, batch)`` and wants ``(logs, new_state)`` back, because a
        function that XLA compiles for JAX may not change anything outside itself.
        """
        if _backend() == "jax":
            return self._train_step_jax(*args)
        return self._alternate(*args)

    # --- the only backend-specific code: one gradient step for one network -----------
    # _update(net, optimizer, loss_fn): run loss_fn() -> (loss, extras), take the
    # gradient of loss w.r.t. net.trainable_variables only, apply it with optimizer.
    # _input_gradient(fn, x): the gradient of sum(fn(x)) w.r.t. the input x, itself
    # differentiable (the gradient penalty).

    def _update(self, net, optimizer, loss_fn):
        return getattr(self, "_update_" + _backend())(net, optimizer, loss_fn)

    def _input_gradient(self, fn, x):
        return getattr(self, "_input_gradient_" + _backend())(fn, x)

    def _update_tensorflow(self, net, optimizer, loss_fn):
        """TensorFlow: a GradientTape records the forward pass; ask it for the
        gradient w.r.t. this network's weights alone."""
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, extras = loss_fn()
        grads = tape.gradient(loss, net.trainable_variables)
        _apply(optimizer, grads, net.trainable_variables)
        return loss, extras

    def _update_torch(self, net, optimizer, loss_fn):
        """PyTorch: autograd builds the graph as the forward pass runs; ``backward()``
        fills ``.grad`` of every weight the loss touched (G's step also reaches D's),
        so clear this network's gradients first and hand only them to its optimizer."""
        import torch

        net.zero_grad()
        loss, extras = loss_fn()
        loss.backward()
        grads = [w.value.grad for w in net.trainable_variables]
        with torch.no_grad():
            _apply(optimizer, grads, net.trainable_variables)
        return loss, extras

    def _update_jax(self, net, optimizer, loss_fn):
        """JAX: ``jax.grad`` differentiates pure functions, so the loss becomes a function
        of this network's weights alone (_jax_pure); what the forward pass changed on
        the way (batch-norm statistics, the noise seed) comes back as values to store."""
        import jax

        weights = net.trainable_variables

        def loss_of(values):
            (loss, extras), changed = self._jax_pure(loss_fn, dict(zip(map(id, weights), values)))
            return loss, (extras, changed)

        (loss, (extras, changed)), grads = jax.value_and_grad(loss_of, has_aux=True)(
            [w.value for w in weights])
        self._jax_store(changed)
        optimizer.apply(grads, weights)
        return loss, extras

    def _input_gradient_tensorflow(self, fn, x):
        import tensorflow as tf

        with tf.GradientTape() as tape:  # nested in _update's tape: a gradient of a gradient
            tape.watch(x)
            scores = fn(x)
        return tape.gradient(scores, x)

    def _input_gradient_torch(self, fn, x):
        import torch

        x = x.detach().requires_grad_(True)
        (grads,) = torch.autograd.grad(ops.sum(fn(x)), x, create_graph=True)
        return grads

    def _input_gradient_jax(self, fn, x):
        import jax

        grads, changed = jax.grad(lambda x: self._jax_pure(lambda: ops.sum(fn(x))),
                                  has_aux=True)(x)
        self._jax_store(changed)
        return grads

    # --- JAX: the state goes in and out of the compiled step ---------------------------
    # fit() on JAX keeps the weights outside the variables while it trains: it hands the
    # step a tuple of four lists of arrays (trainable, non-trainable, optimizer, metrics
    # variables) and takes new ones back. Keras knows one optimizer; a GAN has two, so
    # the methods below put both (D's, then G's) where Keras expects "the optimizer's".

    def _jax_state_groups(self):
        return (self.trainable_variables, self.non_trainable_variables,
                self.d_optimizer.variables + self.g_optimizer.variables,
                self.metrics_variables)

    def _train_step_jax(self, state, data):
        """Map every variable to its value in ``state``, run the shared step inside a
        ``keras.StatelessScope`` (reads see those values, assignments are recorded, no
        variable changes), and return the recorded values as the new state."""
        groups = self._jax_state_groups()
        mapping = [(v, x) for g, xs in zip(groups, state) for v, x in zip(g, xs)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = self._alternate(data)
        return logs, tuple([scope.get_current_value(v) for v in g] for g in groups)

    def _jax_pure(self, fn, replace=None):
        """Call ``fn()`` as a pure function: every variable reads its current value (or
        the one in ``replace``, keyed by id); nothing is assigned. Returns fn's result and
        the new values of the non-trainable variables, for :meth:`_jax_store`."""
        replace = replace or {}
        groups = self._jax_state_groups()
        mapping = [(v, replace.get(id(v), v.value)) for g in groups for v in g]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            out = fn()
        return out, [scope.get_current_value(v) for v in self.non_trainable_variables]

    def _jax_store(self, values):
        for v, x in zip(self.non_trainable_variables, values):
            v.assign(x)

    def _get_jax_state(self, trainable_variables=False, non_trainable_variables=False,
                       optimizer_variables=False, metrics_variables=False,
                       purge_model_variables=False):
        wanted = (trainable_variables, non_trainable_variables, optimizer_variables,
                  metrics_variables)
        state = tuple([v.value for v in g]
                      for g, w in zip(self._jax_state_groups(), wanted) if w)
        if purge_model_variables:
            self._purge_model_variables(*wanted)
        return state

    def _purge_model_variables(self, trainable_variables=False, non_trainable_variables=False,
                               optimizer_variables=False, metrics_variables=False):
        # Keras drops the variables' own copies while the state lives in fit()'s loop
        # (they would be stale, and the compiled step reuses their memory).
        wanted = (trainable_variables, non_trainable_variables, optimizer_variables,
                  metrics_variables)
        for g, w in zip(self._jax_state_groups(), wanted):
            for v in g if w else ():
                v._value = None

    def jax_state_sync(self):
        """Copy fit()'s current state back into the variables. Keras does it at the end
        of each epoch and whenever a callback reads ``self.model``; gankit also does it
        before ``generate`` and ``discriminate``."""
        if not getattr(self, "_jax_state", None) or self._jax_state_synced:
            return
        names = ("trainable_variables", "non_trainable_variables", "optimizer_variables",
                 "metrics_variables")
        for g, name in zip(self._jax_state_groups(), names):
            for v, x in zip(g, self._jax_state.get(name) or ()):
                v.assign(x)
        self._jax_state_synced = True

    def _sync_weights(self):
        if _backend() == "jax":
            self.jax_state_sync()

    def _build_optimizers(self):
        """Create both optimizers' slots now: JAX's fit() collects its state before the
        first step, so the slots must exist by then (TensorFlow would make them lazily)."""
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    # --- an average of G's weights over time -------------------------------------------

    def _update_ema(self):
        """Move the averaged generator a small step towards the current one.

        The decay warms up, min(ema, (1 + t) / (10 + t)), so that a short run is
        not dominated by the random weights it started from.
        """
        if self.ema_generator is None:
            return
        with _no_grad():
            t = ops.cast(self.g_optimizer.iterations, "float32")
            decay = ops.minimum(self.ema, (1.0 + t) / (10.0 + t))
            for avg, w in zip(self.ema_generator.weights, self.generator.weights):
                avg.assign(decay * avg + (1.0 - decay) * ops.cast(w, avg.dtype))

    @property
    def sampler(self):
        """The network that makes samples: the averaged generator when ``ema`` is on."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    # --- one step at a time (the playground's buttons) ----------------------------------

    def _one_step(self, real, labels, update):
        out = {}
        if update in ("both", "d"):
            d_loss, rs, fs, _gp = self._train_d(real, labels,
                                                self.d_steps if update == "both" else 1)
            out.update(d_loss=d_loss, d_real=self._as_probability(rs),
                       d_fake=self._as_probability(fs))
        if update in ("both", "g"):
            g_loss, fs = self._train_g(ops.shape(real)[0], labels)
            out["g_loss"] = g_loss
            if update == "g":
                out["d_fake"] = self._as_probability(fs)
        return out

    def _compile_step(self, fn):
        """``fn(real, labels)`` made fast the way fit() would: a tf.function on
        TensorFlow, jax.jit of its pure version on JAX, as it is (eager) on PyTorch."""
        backend = _backend()
        if backend == "tensorflow":
            import tensorflow as tf

            return tf.function(fn)
        if backend == "torch":
            return fn
        import jax

        groups = self._jax_state_groups()
        variables = [v for g in groups for v in g]

        @jax.jit
        def pure(values, real, labels):
            with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
                out = fn(real, labels)
            return out, [scope.get_current_value(v) for v in variables]

        def run(real, labels):
            out, values = pure([v.value for v in variables], real, labels)
            for v, x in zip(variables, values):
                v.assign(x)
            return out

        return run

    def step(self, x, labels=None, update="both"):
        """Run one training step on the batch ``x`` outside ``fit`` and return its numbers.

        update: "both" (the full train_step: d_steps D updates, then G), "d" (one
        D update only) or "g" (one G update only). Returns a dict of floats:
        d_loss, d_real, d_fake and/or g_loss.
        """
        if update not in ("both", "d", "g"):
            raise BadInputError(f'update should be "both", "d" or "g"; got {update!r}.')
        if self.d_optimizer is None:
            self.compile()
        self.check_data(np.asarray(x), labels)
        real = ops.convert_to_tensor(np.asarray(x, "float32"))
        lab = (ops.reshape(ops.convert_to_tensor(np.asarray(labels, "int32")), (-1, 1))
               if self.conditional else None)
        fns = self.__dict__.setdefault("_step_fns", {})
        if update not in fns:
            self._build_optimizers()
            fns[update] = self._compile_step(
                lambda real, lab, update=update: self._one_step(real, lab, update))
        out = fns[update](real, lab)
        return {k: float(ops.convert_to_numpy(v)) for k, v in out.items()}

    # --- using the trained generator ------------------------------------------------

    def call(self, inputs, training=False):
        """Calling the GAN runs the generator: ``gan(z)`` or ``gan([z, labels])``."""
        return self.generator(inputs, training=training)

    def generate(self, n, labels=None, seed=None, batch_size=500, average=True,
                 rejection=False):
        """n samples as a NumPy array (images in [-1, 1], or points).

        seed: same seed, same samples. labels (conditional GANs): one class index
        per sample; by default the classes in turn, 0, 1, ..., 9, 0, 1, ...
        average: sample from the averaged generator when the GAN keeps one (``ema``);
        False samples from the generator as it is at this step.
        rejection: discriminator rejection sampling (see :meth:`_rejection_sample`):
        D throws away the samples it finds least real, which removes most of what
        lies between modes. True, or a dict of its options (``keep``, ``pool``).
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise BadInputError(f"n should be a positive whole number; got {n!r}.")
        rng = np.random.default_rng(seed)
        if self.conditional:
            from .data import check_labels

            labels = (np.arange(n) % self.num_classes if labels is None
                      else check_labels(labels, self.num_classes, n=n))
            labels = np.asarray(labels, "int32").reshape(-1, 1)
        self._sync_weights()
        net = self.sampler if average else self.generator
        if rejection:
            options = rejection if isinstance(rejection, dict) else {}
            return self._rejection_sample(net, n, labels, rng, batch_size, **options)
        return self._run_generator(net, rng.standard_normal((n, self.latent_dim)), labels,
                                   batch_size)

    def _run_generator(self, net, z, labels, batch_size):
        out = []
        z = np.asarray(z, "float32")
        with _no_grad():
            for i in range(0, len(z), batch_size):
                zi = z[i:i + batch_size]
                inputs = [zi, labels[i:i + batch_size]] if self.conditional else zi
                out.append(keras.ops.convert_to_numpy(net(inputs, training=False)))
        return np.concatenate(out)

    def _scores(self, x, labels=None, batch_size=500):
        """D's raw scores (logits) for the samples x, as a NumPy vector."""
        out = []
        with _no_grad():
            for i in range(0, len(x), batch_size):
                xi = np.asarray(x[i:i + batch_size], "float32")
                li = (np.asarray(labels[i:i + batch_size], "int32").reshape(-1, 1)
                      if self.conditional else None)
                scores = self.discriminator(self._d_inputs(xi, li), training=False)
                if isinstance(scores, (list, tuple)):  # a D with extra heads: the score first
                    scores = scores[0]
                out.append(keras.ops.convert_to_numpy(scores))
        return np.concatenate(out)[:, 0]

    def _rejection_sample(self, net, n, labels, rng, batch_size, keep=0.05, pool=10, rounds=20):
        """Discriminator rejection sampling (Azadi et al. 2019).

        A cross-entropy D that has trained well outputs the logit
        log(p_data(x) / p_G(x)): keeping a sample with probability proportional to
        exp(logit) turns G's distribution into the data's. Each requested sample gets
        ``pool`` candidates; a candidate is kept with probability
        min(1, exp(logit - M)), where M is the logit that only the top ``keep``
        fraction of candidates reach (the paper's shift: without it a single very
        confident sample would make almost every other one rejected). The first kept
        candidate fills the slot (labels stay as asked); slots with none kept draw again.
        """
        if self.loss_pair.name not in ("minimax", "non-saturating"):
            raise BadInputError(
                "Rejection sampling reads D's logit as log(p_data / p_G), which holds for the "
                f"cross-entropy losses (minimax, non-saturating) only; this GAN uses "
                f"{self.loss_pair.name!r}. Sample without rejection.")
        if self.pack > 1:
            raise BadInputError(
                f"This GAN's discriminator judges packs of {self.pack} samples, so it cannot "
                "accept or reject single ones. Sample without rejection.")
        if not 0.0 < keep <= 1.0 or int(pool) < 1:
            raise BadInputError(f"keep should be in (0, 1] and pool >= 1; got {keep}, {pool}.")
        out = np.zeros((n,) + self.sample_shape, "float32")
        todo = np.arange(n)
        threshold = None
        for _ in range(int(rounds)):
            cand_labels = None if labels is None else np.tile(labels[todo], (pool, 1))
            z = rng.standard_normal((pool * len(todo), self.latent_dim))
            x = self._run_generator(net, z, cand_labels, batch_size)
            logits = self._scores(x, cand_labels, batch_size)
            if threshold is None:  # fixed by the first round, so every slot sees the same rule
                threshold = np.quantile(logits, 1.0 - keep)
            accept = rng.random(len(x)) < np.exp(np.minimum(logits - threshold, 0.0))
            accept = accept.reshape(pool, len(todo))
            found = accept.any(axis=0)
            first = accept.argmax(axis=0)
            idx = first[found] * len(todo) + np.flatnonzero(found)
            out[todo[found]] = x[idx]
            todo = todo[~found]
            if not len(todo):
                return out
        raise BadInputError(
            f"Rejection sampling kept no candidate for {len(todo)} of {n} samples after "
            f"{rounds} rounds: D rejects almost everything G makes. Train longer, or raise "
            "`keep` (rejection={'keep': 0.2}).")

    def discriminate(self, x, labels=None, batch_size=500):
        """D's probability that each sample in x is real (sigmoid of its score)."""
        if self.pack > 1:
            raise BadInputError(
                f"This GAN's discriminator judges packs of {self.pack} samples, not single "
                "ones, so it has no per-sample probability to show.")
        self._sync_weights()
        return 0.5 * (1.0 + np.tanh(0.5 * self._scores(x, labels, batch_size)))  # sigmoid, no overflow

    # --- fit: a guard against NaN and a clean Ctrl-C --------------------------------

    def fit(self, *args, callbacks=None, **kwargs):
        """``keras.Model.fit`` plus two things a student needs:

        - if a loss turns NaN, training stops with an error that says what to
          try, and the weights go back to the last good snapshot;
        - Ctrl-C (or the notebook's stop button) ends training cleanly and the
          model keeps everything it has learned so far.
        """
        from .callbacks import DivergenceGuard

        if self.d_optimizer is None:
            self.compile()
        self._build_optimizers()
        x = args[0] if args else kwargs.get("x")
        y = args[1] if len(args) > 1 else kwargs.get("y")
        self.check_data(x, y)
        callbacks = list(callbacks or [])
        if not any(isinstance(c, DivergenceGuard) for c in callbacks):
            callbacks.append(DivergenceGuard())
        interrupted = []
        previous = self._catch_ctrl_c(interrupted)
        try:
            history = super().fit(*args, callbacks=callbacks, **kwargs)
        except KeyboardInterrupt:
            interrupted.append(True)
            self.stop_training = True
            history = getattr(self, "history", None)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if interrupted:
            steps = int(keras.ops.convert_to_numpy(self.g_optimizer.iterations))
            print(f"\nTraining interrupted after {steps:,} generator steps; "
                  "the model keeps what it learned.")
        return history

    def _catch_ctrl_c(self, interrupted):
        """While fit runs, Ctrl-C (SIGINT, also the notebook's stop button) asks fit to stop
        after the current step instead of raising wherever Python happens to be: a
        KeyboardInterrupt raised inside TensorFlow's C++ code can be lost, and training
        would go on. A second Ctrl-C raises at once. Returns the previous handler (None
        off the main thread, where Python cannot install one)."""
        if threading.current_thread() is not threading.main_thread():
            return None

        def on_sigint(signum, frame):
            if interrupted:
                raise KeyboardInterrupt
            interrupted.append(True)
            self.stop_training = True

        return signal.signal(signal.SIGINT, on_sigint)

    def check_data(self, x, labels=None):
        """Clear errors for real data of the wrong shape or range (NumPy input only)."""
        from .data import check_images, check_labels

        if not isinstance(x, np.ndarray):
            return
        if len(x) == 0:
            raise BadInputError("There is no real data to train on: the array is empty "
                                f"(shape {x.shape}). Check how it was loaded or sliced.")
        if len(self.sample_shape) == 3:
            check_images(x, self.sample_shape, name="real images")
        else:
            if tuple(x.shape[1:]) != self.sample_shape:
                raise BadInputError(
                    f"real samples should have shape (N, {', '.join(map(str, self.sample_shape))})"
                    f" for this generator; got {x.shape}.")
            if not np.issubdtype(x.dtype, np.floating):
                raise BadInputError(f"real samples should be floating-point numbers; got "
                                    f"{x.dtype}. Convert them first: x.astype('float32').")
            if not np.isfinite(x).all():
                raise BadInputError("real samples contain NaN or infinite values.")
        if self.conditional:
            if labels is None:
                raise BadInputError(
                    "This GAN is conditional: fit it on (images, labels), e.g. "
                    "gan.fit(x, y, ...), so it knows which class each real image is.")
            check_labels(labels, self.num_classes, n=len(x))

    # --- saving ------------------------------------------------------------------

    def get_config(self):
        return {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "loss": self.loss_pair.name,
            "d_steps": self.d_steps,
            "gradient_penalty": self.gp_weight,
            "clip_weights": self.clip_value,
            "label_smoothing": self.label_smoothing,
            "instance_noise": float(keras.ops.convert_to_numpy(self.instance_noise)),
            "pack": self.pack,
            "ema": self.ema,
            "seed": self.seed,
            "info": self.info,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


def count_params(model):
    """Number of trainable parameters of a model, as an int."""
    return int(sum(math.prod(w.shape) for w in model.trainable_weights))
